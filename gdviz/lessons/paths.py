"""Lessons that compare paths: optimizer races, momentum, Adagrad, a saddle point."""
from __future__ import annotations

import numpy as np

from .. import analysis
from ..claims import claim, fewer_steps, name, steps_text
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, per_series, with_claims

# Rates that suit each optimizer in a race on these surfaces (stable from the default start).
RACE_RATES = {
    "rosenbrock": {"gd": 1e-3, "sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 0.5,
                   "adadelta": 1.0, "rmsprop": 5e-3, "adam": 0.05},
    # from (-4.5, -1.5) momentum at the rate of gradient descent rolls through the dimples to the
    # global minimum; the others stop in a nearer one
    "egg-crate": {"gd": 0.01, "sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 1.0,
                  "adadelta": 1.0, "rmsprop": 0.05, "adam": 0.2},
    "elongated": {"gd": 0.09, "sgd": 0.09, "momentum": 0.03, "nesterov": 0.03, "adagrad": 1.0,
                  "adadelta": 1.0, "rmsprop": 0.05, "adam": 0.2},
    "bowl": {"gd": 0.1, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 1.0,
             "adadelta": 1.0, "rmsprop": 0.05, "adam": 0.2},
}
RACE_STARTS = {"egg-crate": [-4.5, -1.5]}   # off the diagonal: the paths part ways
RACE_DEFAULT = ("gd", "momentum", "nesterov", "rmsprop", "adam")


def race(surface="rosenbrock", optimizers=RACE_DEFAULT, rates=None, *, start=None,
         steps: int = 1500) -> Runs:
    """Several optimizers from one start. ``rates``: one per optimizer (default: ``RACE_RATES``,
    else each optimizer's torch default). Claims: every other optimizer ends lower than plain
    gradient descent; on a surface with several minima, who reaches the global one."""
    s = make_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if not optimizers:
        raise UserInputError("a race needs at least one optimizer")
    if start is None:
        start = RACE_STARTS.get(s.name)
    runs = _one_run_each(s, optimizers, rates, start, steps, "race")
    return with_claims(runs, race_claims(runs))


def race_claims(runs: Runs) -> list:
    s, out = runs.surface, []
    gd = runs.of("gd")
    if gd is None:
        return out
    several = len(s.minima) > 1
    if several:
        reach = {k: _basin(s, t) for k, t in zip(runs.series, runs.trajectories)}
        winners = [k for k, b in reach.items() if b == 0]
        best = winners[0] if winners else next(k for k in runs.series if k != "gd")
        out.append(claim("global-not-local",
                         f"{name(best)} reaches the global minimum; gradient descent stops in a local one",
                         f"{name(best, 'zh')}到达全局最小值；梯度下降停在局部最小值",
                         reach[best] == 0 and reach["gd"] != 0,
                         f"{name(best)} ends in minimum #{reach[best]}, "
                         f"gradient descent in #{reach['gd']} (#0 is global)",
                         f"{name(best, 'zh')}停在第 {reach[best]} 个最小值，"
                         f"梯度下降停在第 {reach['gd']} 个（第 0 个为全局）"))
        return out
    others = [(k, t) for k, t in zip(runs.series, runs.trajectories) if k != "gd"]
    if others:
        lows = {k: float(t.loss[-1]) for k, t in others}
        worst = max(lows, key=lows.get)
        out.append(claim("beats-gd", "every other optimizer ends with a lower loss than gradient descent",
                         "其他每个优化器的最终损失都低于梯度下降",
                         all(v < float(gd.loss[-1]) for v in lows.values()),
                         f"gradient descent {gd.loss[-1]:.2g}; "
                         f"the highest of the others {lows[worst]:.2g} ({name(worst)})",
                         f"梯度下降 {gd.loss[-1]:.2g}；其他中最高 {lows[worst]:.2g}（{name(worst, 'zh')}）"))
    return out


def _basin(s, traj, radius=None) -> int:
    """The index of the known minimum a run ended at (-1: none within 5% of the window)."""
    radius = 0.05 * float(np.ptp(s.bounds, axis=1).max()) if radius is None else radius
    d = np.linalg.norm(s.minima - traj.params[-1], axis=1)
    return int(d.argmin()) if d.min() <= radius else -1


def momentum(surface="elongated", lr: float = 0.02, *, beta: float = 0.9, start=None,
             steps: int = 1000) -> Runs:
    """Gradient descent and heavy-ball momentum (beta) at the same learning rate: along the
    flat valley momentum builds up speed where plain gradient descent crawls."""
    s = make_surface(surface)
    start = one_point(start)
    gd = run(make_optimizer("gd", lr=lr), s, start, steps)
    mo = run(make_optimizer("momentum", lr=lr, momentum=beta), s, start, steps)
    runs = Runs(s, [gd, mo], ["gd", "momentum"], [lr, lr], info={"beta": beta}, lesson="momentum")
    return with_claims(runs, [fewer_steps("momentum-faster", ("momentum", mo), ("gd", gd),
                                          what=("at the same rate reaches the minimum",
                                                "在相同学习率下到达最小值"))])


def adaptive(surface="elongated", *, lr: float = 1.0, fixed_lr: float | None = None,
             steps: int = 300, start=None) -> Runs:
    """Adagrad against gradient descent at its fastest fixed rate 2/(L + mu); ``info["effective"]``
    holds Adagrad's per-coordinate rate eta / (sqrt(sum of g^2 so far) + eps) at each step."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    fixed_lr = reg.goldilocks if fixed_lr is None else fixed_lr
    ada = run(make_optimizer("adagrad", lr=lr), s, reg.point, steps)
    fixed = run(make_optimizer("gd", lr=fixed_lr), s, reg.point, steps)
    g = ada.grads[: ada.n_steps]
    eps = ada.hyperparams.get("eps", 1e-10)
    effective = lr / (np.sqrt(np.cumsum(g * g, axis=0)) + eps)
    runs = Runs(s, [ada, fixed], ["adagrad", "gd"], [lr, fixed_lr],
                info={"effective": effective, "fixed": fixed_lr}, lesson="adaptive")
    out = []
    if s.dim == 2 and len(effective):
        h = np.diag(s.hessian(reg.point))
        steep, flat = int(np.argmax(h)), int(np.argmin(h))
        v = s.variables
        out.append(claim("steep-slows-more",
                         f"Adagrad gives the steep direction ({v[steep]}) a smaller rate than the flat one ({v[flat]})",
                         f"Adagrad 给陡峭方向（{v[steep]}）的学习率小于平坦方向（{v[flat]}）",
                         effective[-1, steep] < effective[-1, flat],
                         f"{effective[-1, steep]:.3g} vs {effective[-1, flat]:.3g} at the last step",
                         f"最后一步 {effective[-1, steep]:.3g} 对 {effective[-1, flat]:.3g}"))
    out.append(claim("rates-shrink", "Adagrad's per-coordinate rates only shrink",
                     "Adagrad 的各坐标学习率只会变小", bool(np.all(np.diff(effective, axis=0) <= 0)),
                     f"from {effective[0].min():.3g} to {effective[-1].min():.3g}" if len(effective) else "no steps",
                     f"从 {effective[0].min():.3g} 到 {effective[-1].min():.3g}" if len(effective) else "没有步"))
    out.append(fewer_steps("adagrad-faster", ("adagrad", ada), ("gd", fixed)))
    return with_claims(runs, out)


def single(surface="rosenbrock", optimizers=("gd",), rates=None, *, start=None, steps: int = 500) -> Runs:
    """One run per optimizer (or per rate): the plain path picture. Default rates as in
    :func:`race` (``RACE_RATES``), else each optimizer's own default."""
    s = make_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if rates is not None and len(optimizers) == 1 and len(np.atleast_1d(rates)) > 1:
        optimizers = optimizers * len(np.atleast_1d(rates))
    runs = _one_run_each(s, optimizers, rates, start, steps, "single")
    out = []
    for k, t in zip(runs.series, runs.trajectories):
        if t.status == "diverged":
            out.append(claim("no-divergence", f"{name(k)} does not diverge", f"{name(k, 'zh')}不发散", False,
                             steps_text(t), steps_text(t, "zh")))
    return with_claims(runs, out)


def saddle(*, lr: float = 0.1, steps: int = 300, offsets=(0.0, 0.01)) -> Runs:
    """Gradient descent toward the saddle point: started exactly on x = 0 it stalls at the
    saddle; started ``offset`` away it lingers on the plateau, then escapes to a minimum. The
    stalling run comes down from above, the escaping one from below, so neither hides the other."""
    s = make_surface("saddle")
    starts = [[dx, 1.8 if i % 2 == 0 else -1.8] for i, dx in enumerate(offsets)]
    trajs = [run(make_optimizer("gd", lr=lr), s, p, steps) for p in starts]
    series = ["stalls at the saddle" if dx == 0 else "escapes" for dx in offsets]
    if len(set(series)) < len(series):  # several offsets: name them by where they start
        series = [f"x0 = {dx:g}" for dx in offsets]
    runs = Runs(s, trajs, series, [lr] * len(trajs), lesson="saddle")
    out = []
    saddle_pt = s.saddles[0]
    for key, t in zip(series, trajs):
        if key == "stalls at the saddle":
            d = float(np.linalg.norm(t.params[-1] - saddle_pt))
            out.append(claim("stalls", "started on x = 0, gradient descent stops at the saddle point, not at a minimum",
                             "从 x = 0 出发，梯度下降停在鞍点，而不是最小值", d < 1e-3 and t.loss[-1] > 0.2,
                             f"ends {d:.1e} from the saddle with loss {t.loss[-1]:.3f}",
                             f"终点距鞍点 {d:.1e}，损失 {t.loss[-1]:.3f}"))
        elif key == "escapes":
            plateau = int(np.sum(np.abs(t.loss - 0.25) < 0.02))
            out.append(claim("plateau-then-escape",
                             "started 0.01 off the ridge, it lingers on the plateau, then escapes to a minimum",
                             "偏离脊线 0.01 出发时，先在平台上停留，然后逃离到最小值",
                             plateau >= 10 and _basin(s, t) >= 0 and t.loss[-1] < 1e-3,
                             f"{plateau} steps with loss within 0.02 of the plateau's 0.25, then loss {t.loss[-1]:.1e}",
                             f"{plateau} 步损失停在平台 0.25 附近，之后损失 {t.loss[-1]:.1e}", plateau=plateau))
    return with_claims(runs, out)


def _one_run_each(s, optimizers, rates, start, steps, lesson) -> Runs:
    """A run per optimizer, at the given rates or (None) the ``RACE_RATES`` for the surface."""
    start = one_point(start)
    if rates is None:
        table = RACE_RATES.get(s.name, {})
        rates = [table.get(o) for o in optimizers]
    rates = per_series("lr", rates, len(optimizers))
    trajs = [run(make_optimizer(o, **({} if lr is None else {"lr": lr})), s, start, steps)
             for o, lr in zip(optimizers, rates)]
    return Runs(s, trajs, optimizers, [t.hyperparams.get("lr") for t in trajs], lesson=lesson)



__all__ = ["race", "momentum", "adaptive", "single", "saddle", "RACE_RATES", "RACE_DEFAULT",
           "race_claims"]
