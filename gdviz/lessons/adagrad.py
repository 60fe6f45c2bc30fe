"""Adagrad step by step in the course's notation (seed 004, Hung-yi Lee's lecture):

    w^(t+1) = w^t − (η^t / σ^t) g^t,   g^t = ∂L(w^t)/∂w,   η^t = η / √(t + 1),
    σ^t = √( (1 / (t + 1)) Σ_{i=0..t} (g^i)² )   (the root mean square of the derivatives so far),

and since both η^t and σ^t carry a 1/√(t + 1), it cancels: η^t / σ^t = η / √(Σ_{i=0..t} (g^i)²),
which is the update the run makes (PyTorch's Adagrad, ε aside).
"""
from __future__ import annotations

import numpy as np

from ..claims import claim
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims


def adagrad_steps(surface="parabola", lr: float = 1.0, *, start=None, steps: int = 200, rows: int = 4) -> Runs:
    """One Adagrad run on a loss curve of one parameter w, and each of its updates computed the
    notes' way (``info``: ``t``, ``w`` (w^t), ``g`` (g^t), ``sigma`` (σ^t), ``eta`` (η^t),
    ``ratio`` (η^t/σ^t), ``next`` (w^(t+1) by hand), ``cancelled`` (η/√Σ(g^i)²) per update;
    ``rows``: how many first updates the table spells out)."""
    s = make_surface(surface)
    if s.dim != 1:
        raise UserInputError(f"adagrad-steps follows one parameter w: give a 1-D loss curve such as 'parabola', "
                             f"not the 2-D '{s.spec()['name']}'")
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or not 1 <= rows <= 8:
        raise UserInputError(f"rows must be a whole number from 1 to 8 (the updates spelled out), got {rows!r}")
    traj = run(make_optimizer("adagrad", lr=lr), s, one_point(start), steps)
    n = int(traj.n_steps)
    if n == 0:
        raise UserInputError("the run starts at the minimum (its gradient is below the tolerance): "
                             "start elsewhere to see Adagrad's steps")
    eta = float(lr)
    w, g = traj.params[:n, 0], traj.grads[:n, 0]
    t = np.arange(n)
    squares = np.cumsum(g * g)
    sigma = np.sqrt(squares / (t + 1))
    eta_t = eta / np.sqrt(t + 1)
    ratio = eta_t / sigma
    info = {"t": t, "w": w, "g": g, "sigma": sigma, "eta": eta_t, "ratio": ratio, "next": w - ratio * g,
            "cancelled": eta / np.sqrt(squares), "rows": int(min(rows, n)), "lr": eta}
    runs = Runs(s, [traj], ["adagrad"], [eta], info=info, lesson="adagrad-steps")
    return with_claims(runs, step_claims(runs))


def step_claims(runs: Runs) -> list:
    """Each update computed by hand the notes' way lands where the run went; the √(t + 1)
    cancels; the first step is exactly η; η^t/σ^t only shrinks, so the steps slow down."""
    info, traj = runs.info, runs.trajectories[0]
    eta, ratio, n = info["lr"], info["ratio"], len(info["t"])
    err = float(np.abs(info["next"] - traj.params[1: n + 1, 0]).max())
    rel = float(np.abs(ratio / info["cancelled"] - 1).max())
    first = abs(float(traj.params[1, 0] - traj.params[0, 0]))
    k = min(1, n - 1)
    out = [
        claim("by-hand", "each update computed by hand with σᵗ and ηᵗ = η/√(t+1) lands where the run went",
              "用 σᵗ 和 ηᵗ = η/√(t+1) 手算的每一次更新，都落在这次运行到达的位置", err < 1e-9,
              f"{n} updates, largest difference {err:.1e}", f"{n} 次更新，最大误差 {err:.1e}"),
        claim("sqrt-cancels", "the √(t+1) in ηᵗ and in σᵗ cancels: ηᵗ/σᵗ = η/√Σ(gⁱ)² at every update",
              "ηᵗ 和 σᵗ 中的 √(t+1) 相互抵消：每次更新都有 ηᵗ/σᵗ = η/√Σ(gⁱ)²", rel < 1e-12,
              f"e.g. t = {k}: {info['eta'][k]:.4g} / {info['sigma'][k]:.4g} = {ratio[k]:.4g} = {eta:g} / "
              f"√{(info['g'][: k + 1] ** 2).sum():.4g}; largest relative difference {rel:.0e}",
              f"例如 t = {k}：{info['eta'][k]:.4g} / {info['sigma'][k]:.4g} = {ratio[k]:.4g} = {eta:g} / "
              f"√{(info['g'][: k + 1] ** 2).sum():.4g}；最大相对误差 {rel:.0e}"),
        claim("first-step-eta", "the first step moves w by exactly η, whatever the slope (σ⁰ = |g⁰|)",
              "第一步 w 恰好移动 η，与斜率无关（σ⁰ = |g⁰|）", abs(first - eta) < 1e-9 * max(1.0, eta),
              f"|w¹ − w⁰| = {first:.6g}, η = {eta:g}, g⁰ = {_num(info['g'][0])}",
              f"|w¹ − w⁰| = {first:.6g}，η = {eta:g}，g⁰ = {_num(info['g'][0])}"),
        claim("rate-shrinks", "ηᵗ/σᵗ only shrinks: the longer Adagrad runs, the smaller its rate",
              "ηᵗ/σᵗ 只减不增：Adagrad 运行得越久，学习率越小", bool(np.all(np.diff(ratio) < 0)),
              f"{ratio[0]:.4g} at t = 0 → {ratio[-1]:.4g} at t = {n - 1} ({traj.n_steps} updates in all)",
              f"t = 0 时 {ratio[0]:.4g} → t = {n - 1} 时 {ratio[-1]:.4g}（共 {traj.n_steps} 次更新）"),
    ]
    return out


def _num(x: float) -> str:
    """A number as the table prints it: 5 significant digits, a real minus sign."""
    return f"{float(x):.5g}".replace("-", "−")


__all__ = ["adagrad_steps"]
