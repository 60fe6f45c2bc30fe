"""Maps as lessons: the (learning rate, momentum) map of heavy ball on the elongated bowl, checked
against the theory, and the basins of gradient descent (what random restarts buy).

The momentum map is Distill's "Why Momentum Really Works" picture: every (α, β) pixel is one run
(``gd.map``), coloured by its per-step rate; the theory map (``method="theory"``) is the exact rate
of the linear iteration, whose region 0 < α < 2 (1 + β) / λ_max the simulated one must reproduce.
The marked points are each method's best settings for curvatures μ..L (κ = L/μ):

    gradient descent  α = 2 / (L + μ),              β = 0
    heavy ball        α = (2 / (√L + √μ))²,         β = ((√κ − 1) / (√κ + 1))²

(rates (κ − 1)/(κ + 1) and (√κ − 1)/(√κ + 1) per step: about √κ times fewer steps in the long run).
"""
from __future__ import annotations

import numpy as np

from .. import analysis
from ..claims import claim
from ..engine import run
from ..errors import UserInputError
from ..maps import basins as make_basins
from ..maps import map as make_map
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, with_claims

MAP_PIXELS = 256          # per axis: a 256 x 256 map, one run per pixel
MAP_STEPS = 1000          # the budget per pixel
LR_SPAN = (1e-2, 1.0)     # the α axis, log-spaced
BETA_SPAN = (0.0, 0.99)   # the β axis
TOO_MUCH = 0.9            # "too much momentum": β at momentum's best rate
PAST = 0.25               # "past the boundary": α at momentum's best β (the boundary is at 2 (1 + β) / L)
TIGHT = 1e-12             # the second tolerance of the √κ claim (the long run)
AGREE = 0.99              # the share of pixels where the simulated and theory maps must agree
POINTS = ("gd best", "momentum best", "too much", "past boundary")   # the marked points, in order
RESTARTS, SEED = 2000, 0  # the gd.restarts the basin share is checked against


def sig4(x: float) -> float:
    """``x`` to 4 significant digits: the setting printed is the setting run (0.09524)."""
    return float(f"{x:.4g}")


def best_settings(mu: float, L: float) -> dict:
    """Each method's best (α, β) for curvatures mu..L, to 4 significant digits, and the
    theory's rates per step.

        >>> d = best_settings(1.0, 20.0)
        >>> d["gd best"], d["momentum best"]
        ((0.09524, 0.0), (0.1336, 0.4026))
    """
    kappa = L / mu
    root = np.sqrt(kappa)
    return {"gd best": (sig4(2 / (L + mu)), 0.0),
            "momentum best": (sig4((2 / (np.sqrt(L) + np.sqrt(mu))) ** 2), sig4(((root - 1) / (root + 1)) ** 2)),
            "rate gd": (kappa - 1) / (kappa + 1), "rate momentum": (root - 1) / (root + 1)}


def boundary_lr(beta, L: float):
    """Heavy ball's largest convergent rate at momentum β on curvatures up to L: 2 (1 + β) / L."""
    return 2 * (1 + np.asarray(beta, dtype=float)) / L


def momentum_map(surface="elongated", *, n: int = MAP_PIXELS, steps: int = MAP_STEPS) -> Runs:
    """The simulated (α, β) map of heavy ball (``info["map"]``, measure "rate", n x n pixels,
    ``steps`` each) and the theory map (``info["theory"]``) on a quadratic surface, and the runs
    at the four marked points (the paths drawn beside the map): gradient descent's best,
    momentum's best, too much momentum, past the boundary."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError("momentum-map needs a 2-D quadratic surface (the paths are drawn on its contours)")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 16 <= n <= 1024:
        raise UserInputError(f"n must be a whole number of pixels per axis from 16 to 1024, got {n!r}")
    from ..maps.theory import curvatures

    try:
        curvatures(s)
    except UserInputError:
        raise UserInputError(f"momentum-map draws the theory's map beside the simulated one, so it needs a "
                             f"quadratic surface; '{s.spec()['name']}' is not (gd.map draws any surface)") from None
    reg = analysis.regimes(s)
    mu, L = reg.low, reg.L
    x, y = ("lr", np.geomspace(*LR_SPAN, n)), ("momentum", np.linspace(*BETA_SPAN, n))
    theory = make_map("momentum", s, x, y, method="theory")   # a quadratic, else a one-line error
    sim = make_map("momentum", s, x, y, steps=steps, measure="rate")
    best = best_settings(mu, L)
    a_mo, b_mo = best["momentum best"]
    points = {"gd best": best["gd best"], "momentum best": best["momentum best"], "too much": (a_mo, TOO_MUCH),
              "past boundary": (PAST, b_mo)}
    trajs = [run(make_optimizer("momentum", lr=a, momentum=b), s, s.start, steps) for a, b in points.values()]
    # the "steps" measure of gd.map at both best points, to the surface's tolerance and to TIGHT
    lrs, betas = [best["gd best"][0], a_mo], [0.0, b_mo]
    counts = {tol: np.diag(make_map("momentum", s, ("lr", lrs), ("momentum", betas), steps=steps, measure="steps",
                                    tol=tol).values).tolist() for tol in (s.tol, TIGHT)}
    info = {"map": sim, "theory": theory, "points": points, "mu": mu, "L": L, "kappa": L / mu, "best": best,
            "counts": counts, "tols": (s.tol, TIGHT)}
    runs = Runs(s, trajs, list(POINTS), [a for a, _ in points.values()], info=info, lesson="momentum-map")
    return with_claims(runs, map_claims(runs))


def disagreement(sim, theory) -> tuple[np.ndarray, np.ndarray]:
    """(pixels where the two maps disagree on convergence, those of them next to the theory's
    boundary: the theory's verdict changes within one pixel of them)."""
    off = sim.converges != theory.converges
    c = np.pad(theory.converges, 1, mode="edge")
    ny, nx = off.shape
    near = np.zeros_like(off)
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            near |= c[di:di + ny, dj:dj + nx] != theory.converges
    return off, off & near


def map_claims(runs: Runs) -> list:
    """What the momentum map shows, checked on it: the simulated map agrees with the theory
    (the disagreeing pixels on the boundary); the line drawn is the theory's boundary; each
    marked point's path does what its label says; and Distill's √κ in steps."""
    info = runs.info
    sim, theory, L = info["map"], info["theory"], info["L"]
    off, near = disagreement(sim, theory)
    total, k, k_near = off.size, int(off.sum()), int(near.sum())
    share = 1 - k / total
    if k:
        ev = (f"{total - k:,} of {total:,} pixels agree ({share:.3%}); {k_near} of the {k} others are within one "
              "pixel of the boundary",
              f"{total:,} 个像素中 {total - k:,} 个一致（{share:.3%}）；其余 {k} 个中有 {k_near} 个与边界相距不超过"
              "一个像素")
    else:
        ev = f"all {total:,} pixels agree", f"全部 {total:,} 个像素都一致"
    out = [claim("map-agrees", f"the simulated map agrees with the theory's convergence region on at least "
                 f"{AGREE:.0%} of the pixels, the others next to its boundary",
                 f"模拟的图与理论的收敛区域至少在 {AGREE:.0%} 的像素上一致，其余的都紧挨着边界",
                 share >= AGREE and k_near == k, *ev, agree=share, disagree=k, near=k_near)]
    X, Y = np.meshgrid(sim.x, sim.y)
    inside = X < boundary_lr(Y, L)
    wrong = int(np.sum(inside != theory.converges))
    out.append(claim("boundary-line", f"the line α = 2 (1 + β) / λ_max (λ_max = {L:g}) is the theory's boundary: "
                     "every pixel left of it converges, every pixel right of it diverges",
                     f"直线 α = 2 (1 + β) / λ_max（λ_max = {L:g}）就是理论的边界：它左边的每个像素都收敛，"
                     "右边的都发散", wrong == 0, f"{wrong} of {total:,} pixels on the wrong side",
                     f"{total:,} 个像素中有 {wrong} 个在错误的一侧", wrong=wrong))
    t = dict(zip(runs.series, runs.trajectories))
    ups = int(np.sum(np.diff(t["too much"].loss) > 0))
    n = {key: int(tr.n_steps) for key, tr in t.items()}
    ok = (t["gd best"].status == t["momentum best"].status == t["too much"].status == "converged"
          and t["past boundary"].status == "diverged" and n["momentum best"] < min(n["gd best"], n["too much"])
          and ups > 0)
    a_gd, a_mo, b_mo = info["points"]["gd best"][0], *info["points"]["momentum best"]
    out.append(claim("paths-as-marked", "each marked point's path does what its place on the map says: momentum's "
                     "best arrives first, too much momentum swings (its loss rises), past the boundary diverges",
                     "每个标出的点的路径都符合它在图上的位置：动量法的最佳设置最先到达，动量过大会来回摆动（损失回升），"
                     "越过边界则发散", ok,
                     f"gradient descent's best (α {a_gd:g}): {n['gd best']} steps; momentum's best (α {a_mo:g}, "
                     f"β {b_mo:g}): {n['momentum best']}; β {TOO_MUCH:g}: {n['too much']} (the loss rises on {ups} "
                     f"steps); α {PAST:g}: diverged after {n['past boundary']}",
                     f"梯度下降的最佳设置（α {a_gd:g}）：{n['gd best']} 步；动量法的最佳设置（α {a_mo:g}，"
                     f"β {b_mo:g}）：{n['momentum best']} 步；β {TOO_MUCH:g}：{n['too much']} 步（损失有 {ups} 步"
                     f"回升）；α {PAST:g}：{n['past boundary']} 步后发散", **n, rises=ups))
    (tol, tight), counts = info["tols"], info["counts"]
    (g1, m1), (g2, m2) = counts[tol], counts[tight]
    root = float(np.sqrt(info["kappa"]))
    if all(np.isfinite([g1, m1, g2, m2])) and m2 > m1:
        long_run = (g2 - g1) / (m2 - m1)
        out.append(claim("sqrt-kappa-steps", "Distill: momentum's best settings need about √κ times fewer steps than "
                         "gradient descent's best, in the long run",
                         "Distill：长期看，动量法的最佳设置所需的步数约为梯度下降最佳设置的 1/√κ",
                         abs(long_run / root - 1) < 0.1,
                         f"κ = {info['kappa']:g}, √κ = {root:.2f}; steps to |∇L| < {tol:g}: {g1:.0f} vs {m1:.0f} "
                         f"({g1 / m1:.1f}×, the start costs momentum some steps); to {tight:g}: {g2:.0f} vs {m2:.0f}: "
                         f"the last {power(tol / tight)}-fold took {g2 - g1:.0f} vs {m2 - m1:.0f} steps, "
                         f"{long_run:.2f}× fewer",
                         f"κ = {info['kappa']:g}，√κ = {root:.2f}；到 |∇L| < {tol:g} 的步数：{g1:.0f} 对 {m1:.0f}"
                         f"（{g1 / m1:.1f} 倍，起步阶段动量法多花一些步数）；到 {tight:g}：{g2:.0f} 对 {m2:.0f}："
                         f"最后缩小 {power(tol / tight)} 倍用了 {g2 - g1:.0f} 对 {m2 - m1:.0f} 步，"
                         f"少 {long_run:.2f} 倍",
                         long_run=long_run, sqrt_kappa=root, steps_gd=g1, steps_mo=m1))
    return out


def basin_maps(surface="egg-crate", *, also="himmelblau", grid: int = 200, steps: int = 2000,
               restarts: int = RESTARTS, seed: int = SEED) -> Runs:
    """The basins of gradient descent (lr = 0.5 / L_max, as ``gd.restarts``) on ``surface`` and,
    unless ``also`` is None, on ``also``: ``info["basins"]`` one :class:`gdviz.maps.Basins` per
    surface; ``info["restarts"]`` the share of ``restarts`` seeded random starts on the first
    that reach its global minimum (``gd.restarts``), which the grid's share must agree with."""
    names = [surface] + ([also] if also is not None else [])
    found = [make_basins(name, "gd", grid=grid, steps=steps) for name in names]
    s = make_surface(surface)
    check = analysis.restarts(s, restarts, steps=steps, seed=seed)
    arrived = np.atleast_1d(check.trajectory.status) != "diverged"   # counted as gd.basins counts a start
    p_restarts = float(np.mean((check.basin == 0) & arrived))
    info = {"basins": found, "surfaces": [make_surface(n) for n in names], "restarts": p_restarts,
            "n_restarts": int(restarts), "seed": int(seed)}
    runs = Runs(s, [], [str(n if isinstance(n, str) else n.spec()["name"]) for n in names],
                surfaces=info["surfaces"], info=info, lesson="basins")
    return with_claims(runs, basin_claims(runs))


def power(x: float) -> str:
    """A power of ten as a person reads it: 1e6 -> '10⁶'."""
    return "10" + str(round(float(np.log10(x)))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def find_once(p: float, n: int) -> float:
    """The chance that at least one of ``n`` random starts reaches a basin of share ``p``: 1 − (1 − p)^n."""
    return 1 - (1 - p) ** n


def basin_claims(runs: Runs) -> list:
    """The global basin's share is what restarts buy: it agrees with ``gd.restarts`` within two
    standard errors; on a surface whose minima are all global, every start finds one."""
    info = runs.info
    b = info["basins"][0]
    p, q, n = b.global_share, info["restarts"], info["n_restarts"]
    se = float(np.sqrt(max(q * (1 - q), 1e-12) / n))
    z = abs(p - q) / se
    ny, nx = b.labels.shape
    out = [claim("restarts-buy", "the share of starts in the global minimum's basin is the chance that a random "
                 "start finds it: it agrees with random restarts within two standard errors",
                 "落在全局最小值吸引域中的起点所占的比例，就是一个随机起点找到它的概率：它与随机重启的结果在两个"
                 "标准误差之内一致", z <= 2 and p > 0,
                 f"{nx} × {ny} grid: {p:.2%} of the starts; {n} random restarts (seed {info['seed']}): {q:.2%} ± "
                 f"{se:.2%} (one standard error), {z:.1f} standard errors apart; so 12 restarts find it with "
                 f"probability 1 − (1 − p)¹² = {find_once(p, 12):.0%}",
                 f"{nx} × {ny} 网格：{p:.2%} 的起点；{n} 次随机重启（随机种子 {info['seed']}）：{q:.2%} ± {se:.2%}"
                 f"（一个标准误差），相差 {z:.1f} 个标准误差；所以 12 次重启找到它的概率是 1 − (1 − p)¹² = "
                 f"{find_once(p, 12):.0%}", grid_share=p, restarts_share=q, se=se, z=z)]
    for bb, ss in zip(info["basins"][1:], info["surfaces"][1:]):
        losses = np.array([float(ss.value(m)) for m in bb.minima])
        every = bb.none_share == 0 and bool(np.all(losses < 1e-12))
        shares = [f"{v:.1%}" for v in bb.share]
        where = ss.title["zh"] if not ss.title["zh"][:1].isascii() else f" {ss.title['zh']} "
        out.append(claim("all-global", f"on {ss.title['en']} every minimum is a global one (loss 0), and every start "
                         "reaches one of them: no restart is needed",
                         f"在{where}上每个最小值都是全局最小值（损失为 0），每个起点都到达其中之一：不需要重启",
                         every, f"{len(bb.minima)} minima, largest loss {losses.max():.1g}; shares "
                         f"{', '.join(shares)}; no minimum reached: {bb.none_share:.1%}",
                         f"{len(bb.minima)} 个最小值，最大损失 {losses.max():.1g}；各自的比例 {'、'.join(shares)}；"
                         f"未到达任何最小值：{bb.none_share:.1%}", none=bb.none_share))
    return out


__all__ = ["momentum_map", "basin_maps", "best_settings", "boundary_lr", "disagreement", "find_once", "POINTS"]
