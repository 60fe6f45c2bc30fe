"""The effect of momentum's β at one learning rate on the elongated bowl (Distill's "Why
momentum really works"): at a rate where plain gradient descent zig-zags across the valley,
some momentum damps the zig-zag and speeds up the crawl along it; too much oscillates.

On a quadratic with curvatures λ (the Hessian's eigenvalues), heavy-ball momentum at rate α
multiplies the error along each λ by the roots of z² − (1 + β − αλ) z + β per step; the slowest
root over all λ is the rate ``heavy_ball_rate``. At its best settings for curvatures μ..L,
α = (2 / (√L + √μ))² and β = ((√κ − 1) / (√κ + 1))², the rate is (√κ − 1) / (√κ + 1), where
gradient descent's best (α = 2 / (L + μ)) is (κ − 1) / (κ + 1): about √κ times fewer steps.
"""
from __future__ import annotations

import numpy as np

from .. import analysis, arith
from ..claims import claim, crossings
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims

SHOWN = (0.0, 0.5, 0.9, 0.99)   # the βs drawn as paths
GRID = tuple(round(0.01 * k, 2) for k in range(100))   # β = 0, 0.01, ..., 0.99 on the steps curve
EARLY = 10                      # "after 10 steps": where the damped zig-zag is compared


def heavy_ball_rate(lr, beta, curvatures) -> float:
    """The slowest per-step factor of heavy-ball momentum on a quadratic: the largest |root| of
    z² − (1 + β − lr λ) z + β over the curvatures λ (β = 0: max |1 − lr λ|, gradient descent's).

        >>> round(heavy_ball_rate(0.09, 0.0, [1, 20]), 4), round(heavy_ball_rate(0.09, 0.49, [1, 20]), 4)
        (0.91, 0.7)
    """
    out = 0.0
    for lam in np.atleast_1d(curvatures):
        b = 1.0 + beta - lr * float(lam)
        disc = b * b - 4.0 * beta
        if disc >= 0:
            r = (abs(b) + np.sqrt(disc)) / 2.0
        else:
            r = np.sqrt(beta)   # complex roots: |z|² = β
        out = max(out, float(r))
    return out


def tail_rate(traj, minimum) -> float:
    """The measured per-step factor of a run: the distance to the minimum shrinks by it per
    step over the second half of the run (geometric mean)."""
    d = arith.norm(traj.params - np.asarray(minimum, dtype=float))
    n = int(traj.n_steps)
    h = n // 2
    return float((d[n] / d[h]) ** (1.0 / max(n - h, 1)))


def beta_label(beta: float) -> str:
    """The series key of the run with momentum ``beta``: 'β = 0.5'."""
    return f"β = {beta:g}"


def momentum_beta(surface="elongated", lr: float = 0.09, *, betas=SHOWN, start=None,
                  steps: int = 5000) -> Runs:
    """Heavy-ball momentum at one learning rate ``lr`` for several ``betas`` (the paths drawn)
    and for every β of ``GRID`` (``info["grid"]``, ``info["steps"]``, ``info["status"]``: the
    steps each needs to the tolerance, one batched run); ``info["theory"]`` the per-step rate
    of each β on the surface's curvatures; ``info["distill"]`` gradient descent and momentum
    each at its best settings (rates printed to 4 significant digits, as the figure shows
    them), for the √κ speed-up. β = 0 is plain gradient descent."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError("momentum-beta needs a 2-D surface (the zig-zag is across a valley)")
    betas = [float(b) for b in np.atleast_1d(betas)]
    if not betas or any(not 0 <= b < 1 for b in betas):
        raise UserInputError(f"each β must be a number in [0, 1), got {betas}")
    start = one_point(start)
    reg = analysis.regimes(s, start)
    mu, L = reg.low, reg.L
    p0 = np.asarray(s.start if start is None else start, dtype=float)

    def heavy_ball(a, b):
        return make_optimizer("gd", lr=a) if b == 0 else make_optimizer("momentum", lr=a, momentum=b)

    trajs = [run(heavy_ball(lr, b), s, p0, steps) for b in betas]
    grid = np.array(GRID)
    batch = run(make_optimizer("momentum", lr=lr, momentum=grid), s, p0, steps)   # β = 0 is plain GD
    kappa = L / mu
    a_gd = float(f"{2.0 / (L + mu):.4g}")
    a_mo = float(f"{(2.0 / (np.sqrt(L) + np.sqrt(mu))) ** 2:.4g}")
    b_mo = float(f"{((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2:.4g}")
    best_gd, best_mo = run(heavy_ball(a_gd, 0.0), s, p0, steps), run(heavy_ball(a_mo, b_mo), s, p0, steps)
    curv = [mu, L]
    info = {
        "lr": float(lr), "start": p0, "grid": grid, "steps": np.asarray(batch.stop, dtype=int),
        "status": np.asarray(batch.status), "theory": np.array([heavy_ball_rate(lr, b, curv) for b in grid]),
        "mu": mu, "L": L, "kappa": kappa, "early": EARLY,
        "distill": {"gd": best_gd, "momentum": best_mo, "lr_gd": a_gd, "lr_mo": a_mo, "beta_mo": b_mo,
                    "rate_gd": (kappa - 1) / (kappa + 1),
                    "rate_mo": (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)},
    }
    runs = Runs(s, trajs, [beta_label(b) for b in betas], [float(lr)] * len(trajs), info=info,
                lesson="momentum-beta")
    return with_claims(runs, beta_claims(runs, betas))


def _steps(runs, beta: float) -> int:
    i = int(np.argmin(np.abs(runs.info["grid"] - beta)))
    return int(runs.info["steps"][i]) if runs.info["status"][i] == "converged" else -1


def beta_claims(runs: Runs, betas) -> list:
    """What the β picture shows, on its runs: plain gradient descent zig-zags across the valley;
    momentum damps the zig-zag; the steps fall to a fewest at a middle β and rise again as too
    much momentum oscillates; and Distill's √κ at each one's best settings."""
    info, s = runs.info, runs.surface
    lr, grid, steps, ok = info["lr"], info["grid"], info["steps"], info["status"] == "converged"
    low = s.minima[0] if s.minima.size else np.zeros(s.dim)
    steep = int(np.argmax(np.diag(s.hessian(low))))
    v = s.variables[steep]
    out = []
    zero = next((t for b, t in zip(betas, runs.trajectories) if b == 0), None)
    if zero is not None:
        y = zero.params[:, steep] - low[steep]
        n = int(zero.n_steps)
        flips = crossings(y)
        factor = abs(1 - lr * info["L"])
        out.append(claim("gd-zigzags", f"at lr {lr:g}, plain gradient descent (β = 0) zig-zags across the valley: "
                         f"{v} changes sign at every step",
                         f"学习率为 {lr:g} 时，普通梯度下降（β = 0）在山谷两侧之字形来回：{v} 每一步都变号",
                         zero.status == "converged" and flips == n,
                         f"{flips} sign changes in {n} steps; |{v}| shrinks by |1 − {lr:g} × {info['L']:g}| = "
                         f"{factor:.2g} a step",
                         f"{n} 步中变号 {flips} 次；|{v}| 每步乘以 |1 − {lr:g} × {info['L']:g}| = {factor:.2g}",
                         flips=flips, steps=n))
    ok_steps = np.where(ok, steps, np.iinfo(int).max)
    k = int(np.argmin(ok_steps))
    best = float(grid[k])
    damped = next((t for b, t in zip(betas, runs.trajectories) if b > 0 and abs(b - best) < 0.051), None)
    if zero is not None and damped is not None and min(zero.n_steps, damped.n_steps) >= EARLY:
        a = abs(zero.params[EARLY, steep] - low[steep])
        b = abs(damped.params[EARLY, steep] - low[steep])
        bb = float(damped.hyperparams["momentum"])
        out.append(claim("momentum-damps", f"momentum β = {bb:g} damps the zig-zag: after {EARLY} steps |{v}| is a "
                         "fraction of gradient descent's", f"动量 β = {bb:g} 抑制了之字形摆动：{EARLY} 步后 |{v}| 只有"
                         "梯度下降的一小部分", b < a / 2,
                         f"|{v}| after {EARLY} steps: {b:.3g} (β = {bb:g}) vs {a:.3g} (β = 0)",
                         f"{EARLY} 步后 |{v}|：{b:.3g}（β = {bb:g}）对 {a:.3g}（β = 0）", damped=b, plain=a))
    if ok[0] and ok.any():
        hi = int(np.max(np.flatnonzero(ok))) if ok[-1] else len(grid) - 1
        worst = "" if ok[-1] else " (not converged)"
        holds = 0 < k < len(grid) - 1 and ok_steps[k] < steps[0] and (not ok[-1] or steps[-1] > steps[0])
        out.append(claim("fewest-in-between", "the steps fall as β grows, to the fewest at a middle β, then rise "
                         "again: too much momentum oscillates",
                         "随着 β 增大，步数先减少，在中间某个 β 处最少，然后又增加：动量太大就会来回振荡", holds,
                         f"β = 0: {steps[0]} steps; fewest at β = {best:g}: {steps[k]}; β = {grid[hi]:g}: "
                         f"{steps[hi]}{worst}",
                         f"β = 0：{steps[0]} 步；β = {best:g} 时最少：{steps[k]} 步；β = {grid[hi]:g}："
                         f"{steps[hi]} 步{'（未收敛）' if worst else ''}", best=best, fewest=int(steps[k])))
    rising = [(b, t) for b, t in zip(betas, runs.trajectories) if b > best + 0.2]
    if rising:
        ups = [(b, int(np.sum(np.diff(t.loss) > 1e-12 * max(1.0, float(t.loss[0])))), int(t.n_steps))
               for b, t in rising]
        falls = zero is None or not np.any(np.diff(zero.loss) > 0)
        out.append(claim("too-much-oscillates", "with too much momentum the path swings past the minimum and back: "
                         "its loss goes up again and again (β = 0's only falls)",
                         "动量太大时，路径冲过最小值又折回：损失一次又一次地回升（β = 0 的损失只降不升）",
                         falls and all(u > 0 for _, u, _ in ups),
                         "; ".join(f"β = {b:g}: loss rises on {u} of {n} steps" for b, u, n in ups),
                         "；".join(f"β = {b:g}：{n} 步中有 {u} 步损失上升" for b, u, n in ups)))
    d = info["distill"]
    g, m = d["gd"], d["momentum"]
    rg, rm = (tail_rate(g, low), tail_rate(m, low)) if g.status == m.status == "converged" else (0.0, 0.0)
    if 0 < rg < 1 and 0 < rm < 1:   # both shrink geometrically (a round bowl: one step, no rate to compare)
        speed = np.log(rm) / np.log(rg)
        root = np.sqrt(info["kappa"])
        out.append(claim("sqrt-kappa", "Distill: at the best settings for each, momentum needs about √κ times fewer "
                         "steps than gradient descent",
                         "Distill：两者都用各自最好的设置时，动量法所需的步数约为梯度下降的 1/√κ",
                         abs(speed / root - 1) < 0.15,
                         f"κ = {info['kappa']:g}, √κ = {root:.2f}; measured per-step factors {rg:.3f} "
                         f"(gradient descent, lr {d['lr_gd']:g}; theory {d['rate_gd']:.3f}) and {rm:.3f} "
                         f"(momentum, lr {d['lr_mo']:g}, β {d['beta_mo']:g}; theory {d['rate_mo']:.3f}): "
                         f"{speed:.1f} × fewer steps in the long run; "
                         f"to the tolerance {g.n_steps} vs {m.n_steps} steps",
                         f"κ = {info['kappa']:g}，√κ = {root:.2f}；实测每步因子 {rg:.3f}"
                         f"（梯度下降，学习率 {d['lr_gd']:g}；理论 {d['rate_gd']:.3f}）和 {rm:.3f}"
                         f"（动量法，学习率 {d['lr_mo']:g}，β {d['beta_mo']:g}；理论 {d['rate_mo']:.3f}）："
                         f"长期看步数少 {speed:.1f} 倍；到达容差分别用 {g.n_steps} 步和 {m.n_steps} 步",
                         speed=float(speed), sqrt_kappa=float(root)))
    return out


__all__ = ["momentum_beta", "heavy_ball_rate", "tail_rate", "beta_label", "SHOWN", "GRID"]
