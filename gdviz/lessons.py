"""The runs behind each teaching picture, computed once and read by every renderer.

Each builder runs the engine and returns a :class:`Runs`: the surface, the trajectories, one
series key per trajectory (an optimizer name, a regime, a batch size...) and a few numbers the
picture shows. Renderers (matplotlib figures, GIFs, manim scenes) only read these.

    >>> runs = lr_triptych("parabola")
    >>> runs.series, [t.n_steps for t in runs.trajectories]
    (['too small', 'goldilocks', 'too large'], [51, 1, 32])
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import analysis
from .engine import run
from .errors import UserInputError, unknown_name
from .optim import optimizer as make_optimizer
from .surfaces import Surface, surface as make_surface
from .trajectory import Trajectory


@dataclass(frozen=True)
class Runs:
    """Trajectories for one picture.

    surface : the surface they ran on (for feature scaling: the first of two, see ``surfaces``).
    trajectories : one per series.
    series : a key per trajectory, e.g. "adam", "too small", "batch 10".
    rates : the learning rate of each trajectory (or None).
    surfaces : one surface per trajectory when they differ (feature scaling), else empty.
    info : numbers the picture prints (curvature L, condition numbers, ...).
    """

    surface: Surface
    trajectories: list[Trajectory]
    series: list[str]
    rates: list | None = None
    surfaces: list[Surface] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def surface_of(self, i: int) -> Surface:
        return self.surfaces[i] if self.surfaces else self.surface


# Rates that suit each optimizer in a race on these surfaces (stable from the default start).
RACE_RATES = {
    "rosenbrock": {"gd": 1e-3, "sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 0.5,
                   "adadelta": 1.0, "rmsprop": 5e-3, "adam": 0.05},
    # from (-4.5, -4.5) momentum rolls through the dimples to the global minimum; the others
    # stop in a nearer one
    "egg-crate": {"gd": 0.01, "sgd": 0.01, "momentum": 0.03, "nesterov": 0.03, "adagrad": 1.0,
                  "adadelta": 1.0, "rmsprop": 0.2, "adam": 0.2},
    "elongated": {"gd": 0.09, "sgd": 0.09, "momentum": 0.03, "nesterov": 0.03, "adagrad": 1.0,
                  "adadelta": 1.0, "rmsprop": 0.05, "adam": 0.2},
    "bowl": {"gd": 0.1, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 1.0,
             "adadelta": 1.0, "rmsprop": 0.05, "adam": 0.2},
}
RACE_DEFAULT = ("gd", "momentum", "nesterov", "rmsprop", "adam")


def race(surface="rosenbrock", optimizers=RACE_DEFAULT, rates=None, *, start=None,
         steps: int = 1500) -> Runs:
    """Several optimizers from one start. ``rates``: one per optimizer (default: ``RACE_RATES``,
    else each optimizer's torch default)."""
    s = make_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if not optimizers:
        raise UserInputError("a race needs at least one optimizer")
    return _one_run_each(s, optimizers, rates, start, steps)


def lr_triptych(surface="parabola", rates=None, *, optimizer="gd", start=None,
                steps: int = 200) -> Runs:
    """Too small, Goldilocks and too large rates (default: ``Regimes.triple()`` from curvature)."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    series = ["too small", "goldilocks", "too large"]
    if rates is not None:  # label each rate by the regime it is in, not by its position
        rates = _per_series("lr", rates, 3)
        series = [str(r) for r in reg.classify(np.asarray(rates))]
    else:
        rates = list(reg.triple())
    trajs = run(make_optimizer(optimizer, lr=np.asarray(rates, float)), s, reg.point, steps).members()
    return Runs(s, trajs, series, rates, info={"L": reg.L, "regimes": series})


def lr_curves(surface="parabola", rates=None, *, optimizer="gd", start=None, steps: int = 60) -> Runs:
    """Loss against steps for several rates (seed 004's tuning figure): by default too small,
    Goldilocks, too large and diverging, from the curvature."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    if rates is None:  # small, just right, large, very large (seed 004's four curves)
        rates = [0.05 / reg.L, 0.8 / reg.L, 1.9 / reg.L, 2.2 / reg.L]
    rates = [float(r) for r in np.atleast_1d(rates)]
    trajs = run(make_optimizer(optimizer, lr=np.asarray(rates)), s, reg.point, steps).members()
    return Runs(s, trajs, [str(r) for r in reg.classify(np.asarray(rates))], rates,
                info={"L": reg.L})


def batch_sizes(surface=None, sizes=(None, 10, 1), *, lr: float = 0.1, steps: int = 120,
                seed: int = 0, start=None) -> Runs:
    """Full batch vs mini-batch vs single-sample SGD on a data loss (default: standardized
    linear regression). ``None`` in ``sizes`` means the full batch."""
    s = make_surface(surface or make_surface("linear-regression", features="standardized"))
    if s.n_samples is None:
        raise UserInputError(f"'{s.name}' has no data: batch sizes need linear-regression or "
                             "logistic-regression")
    trajs, series = [], []
    for b in sizes:
        name = "gd" if b is None or b >= s.n_samples else "sgd"
        opt = make_optimizer(name, lr=lr, **({} if name == "gd" else {"batch_size": int(b)}))
        trajs.append(run(opt, s, start, steps, seed=seed, tol=0))
        series.append("full batch" if name == "gd" else ("stochastic" if b == 1 else f"mini-batch {b}"))
    return Runs(s, trajs, series, [lr] * len(trajs), info={"n_samples": s.n_samples})


def feature_scaling(loss: str = "mse", *, optimizer: str = "gd", steps: int = 20000) -> Runs:
    """The same data with raw and with standardized x: gradient descent at the same relative rate
    0.5/L on each (half the one-step rate of the stiffest direction), from the same initial line.
    ``info`` has both condition numbers."""
    raw = make_surface("linear-regression", loss=loss, features="raw")
    std = make_surface("linear-regression", loss=loss, features="standardized")
    w0, b0 = raw.start
    mean, sd = raw.x_raw.mean(), raw.x_raw.std()
    std_start = np.array([w0 * sd, b0 + w0 * mean])  # the same line y = w x + b
    trajs, conds, rates = [], [], []
    for s, start in ((raw, raw.start), (std, std_start)):
        h = s.hessian(s.minima[0])
        ev = np.linalg.eigvalsh(h)
        if ev.max() <= 0:
            raise UserInputError(f"feature-scaling needs a loss with curvature (mse or huber), not '{loss}'")
        conds.append(float(ev.max() / max(ev.min(), 1e-300)))
        rates.append(float(0.5 / ev.max()))
        trajs.append(run(make_optimizer(optimizer, lr=rates[-1]), s, start, steps))
    return Runs(raw, trajs, ["raw features", "standardized"], rates, surfaces=[raw, std],
                info={"condition": conds})


def restarts(surface="egg-crate", n: int = 12, *, seed: int = 0, steps: int = 2000, **kw) -> Runs:
    """Random restarts: n seeded starts, each run to the minimum of its basin."""
    res = analysis.restarts(surface, n, seed=seed, steps=steps, **kw)
    s = make_surface(surface)
    return Runs(s, res.trajectory.members(), [f"start {i + 1}" for i in range(n)],
                info={"basin": res.basin.tolist(), "counts": res.counts.tolist(),
                      "global_share": res.global_share})


def adaptive(surface="elongated", *, lr: float = 1.0, fixed_lr: float | None = None,
             steps: int = 200, start=None) -> Runs:
    """Adagrad against gradient descent at a fixed rate; ``info["effective"]`` holds Adagrad's
    per-coordinate rate eta / (sqrt(sum of g^2 so far) + eps) at each step, from its gradients."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    fixed_lr = 1.0 / reg.L if fixed_lr is None else fixed_lr
    ada = run(make_optimizer("adagrad", lr=lr), s, reg.point, steps)
    fixed = run(make_optimizer("gd", lr=fixed_lr), s, reg.point, steps)
    g = ada.grads[: ada.n_steps]
    eps = ada.hyperparams.get("eps", 1e-10)
    effective = lr / (np.sqrt(np.cumsum(g * g, axis=0)) + eps)
    return Runs(s, [ada, fixed], ["adagrad", "gd"], [lr, fixed_lr],
                info={"effective": effective, "fixed": fixed_lr})


def sweep(surface="parabola", optimizer="gd", rates=None, *, steps: int = 500, start=None):
    """Learning-rate sweep (see :func:`gdviz.analysis.sweep`)."""
    return analysis.sweep(surface, optimizer, rates, steps=steps, start=start)


def single(surface="rosenbrock", optimizers=("gd",), rates=None, *, start=None, steps: int = 500) -> Runs:
    """One run per optimizer (or per rate): the plain path picture. Default rates as in
    :func:`race` (``RACE_RATES``), else each optimizer's own default."""
    s = make_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if rates is not None and len(optimizers) == 1 and len(np.atleast_1d(rates)) > 1:
        optimizers = optimizers * len(np.atleast_1d(rates))
    return _one_run_each(s, optimizers, rates, start, steps)


def saddle(*, lr: float = 0.1, steps: int = 300, offsets=(0.0, 0.01)) -> Runs:
    """Gradient descent toward the saddle point: started exactly on x = 0 it stalls at the
    saddle; started ``offset`` away it lingers on the plateau, then escapes to a minimum."""
    s = make_surface("saddle")
    trajs = [run(make_optimizer("gd", lr=lr), s, [dx, 1.8], steps) for dx in offsets]
    series = ["stalls at the saddle" if dx == 0 else "escapes" for dx in offsets]
    if len(set(series)) < len(series):  # several offsets: name them by where they start
        series = [f"x0 = {dx:g}" for dx in offsets]
    return Runs(s, trajs, series, [lr] * len(trajs))


def convex_vs_nonconvex(n: int = 10, *, seed: int = 2, steps: int = 2000) -> Runs:
    """Random restarts on the convex bowl and on the egg crate, side by side: on the bowl every
    start reaches the one minimum; on the egg crate the start decides the minimum."""
    bowl = restarts("bowl", n, seed=seed, steps=steps)
    egg = restarts("egg-crate", n, seed=seed, steps=steps)
    return Runs(bowl.surface, bowl.trajectories + egg.trajectories, bowl.series + egg.series,
                surfaces=[bowl.surface] * n + [egg.surface] * n,
                info={"n": n, "basin": bowl.info["basin"] + egg.info["basin"]})


def loss_functions(outliers: int = 8, *, delta: float = 1.0, seed: int = 0) -> Runs:
    """L2 (MSE), L1 (MAE) and Huber losses on data with ``outliers``: the fitted lines (each
    loss's minimum, no optimizer needed) are in ``info``; no trajectories."""
    fits = {}
    for loss in ("mse", "mae", "huber"):
        s = make_surface("linear-regression", loss=loss, outliers=outliers, delta=delta, seed=seed)
        fits[loss] = s.minima[0]
    return Runs(s, [], [], info={"fits": fits, "x": s.x, "y": s.y, "delta": delta,
                                 "outliers": outliers})


def _one_run_each(s, optimizers, rates, start, steps) -> Runs:
    """A run per optimizer, at the given rates or (None) the ``RACE_RATES`` for the surface."""
    if start is not None and np.ndim(start) > 1:
        raise UserInputError("start must be one point here, e.g. [-1.5, 2.0]")
    if rates is None:
        table = RACE_RATES.get(s.name, {})
        rates = [table.get(o) for o in optimizers]
    rates = _per_series("lr", rates, len(optimizers))
    trajs = [run(make_optimizer(o, **({} if lr is None else {"lr": lr})), s, start, steps)
             for o, lr in zip(optimizers, rates)]
    return Runs(s, trajs, optimizers, [t.hyperparams.get("lr") for t in trajs])


def _per_series(name, values, n):
    values = list(np.atleast_1d(values)) if not isinstance(values, list) else values
    if len(values) == 1 and n > 1:
        values = values * n
    if len(values) != n:
        raise UserInputError(f"give one {name} per series ({n}), got {len(values)}")
    return [None if v is None else float(v) for v in values]


BUILDERS = {"race": race, "lr-triptych": lr_triptych, "lr-curves": lr_curves,
            "batch-sizes": batch_sizes, "feature-scaling": feature_scaling, "restarts": restarts,
            "adaptive": adaptive, "sweep": sweep, "single": single, "saddle": saddle,
            "convex-vs-nonconvex": convex_vs_nonconvex, "loss-functions": loss_functions}


def build(name: str, **options):
    """Run the lesson ``name`` with keyword ``options``."""
    if name not in BUILDERS:
        raise unknown_name("lesson", name, BUILDERS)
    import inspect

    takes = inspect.signature(BUILDERS[name]).parameters
    for key in options:
        if key not in takes:
            raise unknown_name(f"option for '{name}'", key, takes)
    return BUILDERS[name](**options)
