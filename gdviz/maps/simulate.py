"""``gd.map``: one run per pixel over two axes (hyperparameters or start coordinates), in tiles.

    >>> import gdviz as gd, numpy as np
    >>> m = gd.map("gd", "elongated", x=("lr", [0.05, 0.09, 0.11]), y=("x", [-3.0, 3.0]), steps=500)
    >>> m.status.tolist()
    [['converged', 'converged', 'diverged'], ['converged', 'converged', 'diverged']]

Each pixel runs what ``gd.run`` runs (same stopping rules, same numbers): the reference path
is ``gd.run`` itself on a tile's pixels as one batch; the fused path (gdviz.maps.kernels, numba)
runs the whole loop per pixel in compiled code, operation for operation as the engine does.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from ..engine import DISTANCE_FACTOR, run
from ..errors import UserInputError, positive_number, unknown_name
from ..optim import OPTIMIZERS
from ..optim import optimizer as make_optimizer
from ..surfaces import Surface
from ..surfaces import surface as make_surface
from . import tiles
from .result import CONVERGED, DIVERGED, MAX_STEPS, MEASURES, STATUSES, Map

MAX_AXIS = 8192                 # values per axis
MAX_PIXELS = MAX_AXIS * MAX_AXIS
MAX_STEPS_PER_MAP = 1_000_000   # steps per pixel
CLIP = 1e6                      # the trainability measure's clip on loss ratios (as the notebook's max_val)
LAST = 20                       # ... and its window: converged when the mean of the last 20 ratios is below 1
NOT_AXES = ("batch_size", "line_search", "nesterov")   # options, not numbers a pixel can vary
KERNELS = ("auto", "fused", "numpy")


@dataclass(frozen=True)
class Task:
    """Everything a tile needs (small and picklable): pixel k is (row k // nx, column k % nx)."""

    optimizer: str
    hyperparams: dict
    surface: Surface
    start: np.ndarray
    xname: str
    xs: np.ndarray
    yname: str
    ys: np.ndarray
    steps: int
    tol: float
    limit: float
    measure: str
    kernel: str
    keep_final: bool = False
    parallel: bool = True     # a tile on numba's threads (here), or on one thread (a Dask worker's)

    def pixels(self, lo, hi):
        """(hyperparameters, starts) of pixels lo..hi-1: arrays of shape (B,) and (B, d)."""
        iy, ix = np.divmod(np.arange(lo, hi), len(self.xs))
        hp = dict(self.hyperparams)
        starts = np.tile(self.start, (hi - lo, 1))
        for name, values, which in ((self.xname, self.xs, ix), (self.yname, self.ys, iy)):
            if name in self.surface.variables:
                starts[:, self.surface.variables.index(name)] = values[which]
            else:
                hp[name] = values[which]
        return hp, starts


def map(optimizer, surface, x, y, *, steps: int = 1000, measure: str = "steps", method: str = "simulate",
        start=None, tol=None, max_distance=None, tile: int = tiles.TILE, client=None, progress=None,
        kernel: str = "auto", keep_final: bool = False, **hyperparameters) -> Map:
    """A map of ``measure`` over the axes ``x = (name, values)`` and ``y = (name, values)``.

    optimizer : a native optimizer's name ("gd", "momentum", "adam", ...).
    surface : a surface, its name or an expression.
    x, y : (name, values): a hyperparameter of the optimizer ("lr", "momentum", "beta1"...) or a
        start coordinate ("x", "y", "w"...), and 2..8192 finite values (np.geomspace for a log axis).
    measure : "steps", "loss", "rate" or "trainability" (see ``gdviz.maps.MEASURES``).
    method : "simulate" (one run per pixel) or "theory" (quadratics: gdviz.maps.theory).
    start, tol, max_distance : as in ``gd.run``; steps: the budget per pixel.
    tile : pixels per tile (memory); client : Dask (see ``gdviz.maps.tiles.compute``); progress: a bar.
    kernel : "auto" (fused when it covers the optimizer, surface and measure), "fused" or "numpy".
    keep_final : keep each pixel's final point (``Map.final``, 16 more bytes per pixel).
    hyperparameters : the fixed ones (e.g. momentum=0.9 on an lr x start map).
    """
    s = surface if isinstance(surface, Surface) else make_surface(surface)
    name = _optimizer_name(optimizer)
    if measure not in MEASURES:
        raise unknown_name("measure", measure, MEASURES)
    if method not in ("simulate", "theory"):
        raise unknown_name("method", method, ("simulate", "theory"))
    (xname, xs), (yname, ys) = _axis("x", x, name, s), _axis("y", y, name, s)
    if xname == yname:
        raise UserInputError(f"x and y must set different things, both set {xname!r}")
    if len(xs) * len(ys) > MAX_PIXELS:
        raise UserInputError(f"a map of {len(xs)} x {len(ys)} pixels is too large (at most {MAX_PIXELS:,} pixels)")
    for key in hyperparameters:
        if key in (xname, yname):
            raise UserInputError(f"{key} is an axis of the map: give it as x or y, not also as {key}=")
    if method == "theory":
        from .theory import theory_map

        return theory_map(name, s, (xname, xs), (yname, ys), **hyperparameters)
    return _simulate(name, s, xname, xs, yname, ys, steps, measure, start, tol, max_distance, tile, client,
                     progress, kernel, bool(keep_final), hyperparameters)


def _simulate(name, s, xname, xs, yname, ys, steps, measure, start, tol, max_distance, tile, client, progress,
              kernel, keep_final, hyperparameters):
    from ..engine import _whole

    steps = _whole("steps", steps)
    if steps > MAX_STEPS_PER_MAP:
        raise UserInputError(f"steps must be at most {MAX_STEPS_PER_MAP:,} per pixel, got {steps:,}")
    if kernel not in KERNELS:
        raise unknown_name("kernel", kernel, KERNELS)
    if hyperparameters.get("batch_size") is not None or name == "sgd":
        raise UserInputError("a map runs full-batch gradients (the same numbers however it is tiled): "
                             "use gd, momentum, nesterov... without batch_size")
    for axis_name, values in ((xname, xs), (yname, ys)):   # each axis's values checked by the optimizer itself
        if axis_name not in s.variables:
            make_optimizer(name, **{**hyperparameters, axis_name: values})
    make_optimizer(name, **hyperparameters)
    tol = s.tol if tol is None else positive_number("tol", tol, allow_zero=True)
    try:
        p0 = np.array(s.start if start is None else start, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        p0 = np.zeros(0)
    if p0.shape != (s.dim,) or not np.isfinite(p0).all():
        raise UserInputError(f"start must be {s.dim} finite number(s) for '{s.spec()['name']}', got {start!r}")
    span = float((s.bounds[:, 1] - s.bounds[:, 0]).max())
    limit = DISTANCE_FACTOR * span if max_distance is None else positive_number("max_distance", max_distance)
    centre = s.bounds.mean(axis=1)
    for axis_name, values in ((xname, xs), (yname, ys)):
        if axis_name in s.variables:
            j = s.variables.index(axis_name)
            far = np.abs(values - centre[j]) > limit
            if far.any():
                raise UserInputError(f"start {axis_name} = {values[far][0]:g} is past the divergence bound "
                                     f"{limit:g} from the window's centre (max_distance)")
    from . import kernels

    fused = kernels.covers(name, s, measure, hyperparameters)
    if kernel == "fused" and not fused:
        raise UserInputError(f"no fused kernel for {name} on '{s.spec()['name']}' measuring {measure}: "
                             f"{kernels.why_not(name, s, measure, hyperparameters)}; use kernel='auto'")
    use = "fused" if fused and kernel != "numpy" else "numpy"
    task = Task(name, dict(hyperparameters), s, p0, xname, xs, yname, ys, steps, float(tol), float(limit),
                measure, use, keep_final, client is None)
    out = tiles.compute(simulate_tile, task, len(xs) * len(ys), tile=tile, client=client, progress=progress)
    shape = (len(ys), len(xs))
    fixed = {k: v for k, v in make_optimizer(name, **hyperparameters).hyperparams.items()
             if k not in (xname, yname)}
    final = out["final"].reshape(*shape, s.dim) if keep_final else None
    return Map(out["value"].reshape(shape), out["code"].reshape(shape), xs, ys, xname, yname, measure, "simulate",
               name, s.spec()["name"], fixed, tuple(p0.tolist()), steps, float(tol), final, _scale(xs), _scale(ys))


def simulate_tile(task: Task, lo: int, hi: int) -> dict:
    """Pixels lo..hi-1 of a map: the measure's value, the status code (and the final point if kept)."""
    if task.kernel == "fused":
        from . import kernels

        out = kernels.run_tile(task, lo, hi)
    else:
        out = reference_tile(task, lo, hi)
    kept = {"value": measure_values(task.measure, out), "code": out["code"]}
    if task.keep_final:
        kept["final"] = out["final"]
    return kept


def reference_tile(task: Task, lo: int, hi: int) -> dict:
    """The numpy reference: ``gd.run`` on the tile's pixels as one batch (starts whose loss or
    gradient is not finite are "diverged" at step 0 without a run)."""
    s = task.surface
    hp, starts = task.pixels(lo, hi)
    B = hi - lo
    with np.errstate(all="ignore"):
        loss0, g0 = s.value_and_grad(starts)
    ok = np.isfinite(loss0) & np.isfinite(g0).all(-1)
    out = {"code": np.full(B, DIVERGED, np.uint8), "stop": np.zeros(B, np.int64), "final": starts.copy(),
           "loss": np.where(ok, loss0, np.nan), "g0": _norm(g0), "g": _norm(g0)}
    if task.measure == "trainability":
        out.update(sum_v=np.full(B, np.inf), sum_inv=np.zeros(B), tail=np.full(B, np.inf))
    rows = np.flatnonzero(ok)
    if not rows.size:
        return out
    hp = {k: (v[rows] if isinstance(v, np.ndarray) else v) for k, v in hp.items()}
    every = 1 if task.measure == "trainability" else task.steps
    traj = run(make_optimizer(task.optimizer, **hp), s, starts[rows], task.steps, tol=task.tol,
               max_distance=task.limit, record_every=every)
    status = np.atleast_1d(traj.status)
    out["code"][rows] = np.select([status == "converged", status == "diverged"], [CONVERGED, DIVERGED], MAX_STEPS)
    out["stop"][rows] = np.atleast_1d(traj.stop)
    out["final"][rows], out["loss"][rows] = traj.params[-1], traj.loss[-1]
    out["g"][rows] = _norm(traj.grads[-1])
    if task.measure == "trainability":
        ratios = _ratios(traj.loss, out["code"][rows], out["stop"][rows], task.steps)
        out["sum_v"][rows], out["sum_inv"][rows], out["tail"][rows] = _sums(ratios)
    return out


def _ratios(L, code, stop, steps):
    """v_t = L_t / L_0 for t = 0..steps-1 (as the notebook: the loss before each update), (steps, B):
    frozen after a stop, CLIP after a divergence and where not finite or above CLIP."""
    T = np.arange(steps)[:, None]
    held = L[np.minimum(T, len(L) - 1)[:, 0]]                 # rows past the record hold the last one
    held = np.where(T <= stop[None, :], held, L[-1][None, :])
    L0 = L[0][None, :]
    with np.errstate(all="ignore"):
        v = np.where(L0 == 0, np.where(held == 0, 0.0, np.inf), held / L0)
    v = np.where((code[None, :] == DIVERGED) & (T > stop[None, :]), CLIP, v)
    v = np.where(np.isfinite(v), v, CLIP)
    return np.minimum(v, CLIP)


def _sums(v):
    """(sum v, sum 1/v, mean of the last LAST) over the first axis, in a fixed order."""
    total, inv = np.zeros(v.shape[1]), np.zeros(v.shape[1])
    with np.errstate(divide="ignore"):
        for row in v:
            total = total + row
            inv = inv + 1.0 / row
    tail = np.zeros(v.shape[1])
    for row in v[-LAST:]:
        tail = tail + row
    return total, inv, tail / min(LAST, len(v))


def measure_values(measure: str, out: dict) -> np.ndarray:
    """The per-pixel values of ``measure`` from a tile's outputs (one formula for every kernel)."""
    code, stop = out["code"], out["stop"]
    if measure == "steps":
        return np.where(code == CONVERGED, stop.astype(float), np.nan)
    if measure == "loss":
        return out["loss"].astype(float)
    if measure == "rate":
        with np.errstate(all="ignore"):
            rate = np.where(stop > 0, (out["g"] / out["g0"]) ** (1.0 / np.maximum(stop, 1)), 0.0)
        return np.where(code == DIVERGED, np.inf, rate)
    trains = out["tail"] < 1
    return np.where(trains, -out["sum_v"], out["sum_inv"])


def _norm(g):
    from ..arith import norm

    return norm(g)


def _optimizer_name(optimizer) -> str:
    key = optimizer if isinstance(optimizer, str) else None
    if key is None or key.lower().replace("_", "-") not in OPTIMIZERS:
        shown = key if key is not None else type(optimizer).__name__
        raise UserInputError(f"a map varies a native optimizer's hyperparameters, so it takes its name "
                             f"({', '.join(OPTIMIZERS)}), got {shown!r}")
    return key.lower().replace("_", "-")


def _axis(which: str, axis, optimizer: str, s: Surface):
    """(name, values) checked: a hyperparameter of ``optimizer`` or a start coordinate, and
    2..MAX_AXIS finite values."""
    accepted = [p for p in inspect.signature(OPTIMIZERS[optimizer]).parameters if p not in NOT_AXES]
    names = accepted + list(s.variables)
    if not (isinstance(axis, (tuple, list)) and len(axis) == 2 and isinstance(axis[0], str)):
        raise UserInputError(f"{which} must be (name, values), e.g. ('lr', np.geomspace(1e-3, 1, 256)); "
                             f"names: {', '.join(names)}")
    name, values = axis
    if name not in names:
        raise unknown_name(f"{which} axis for {optimizer} on '{s.spec()['name']}' (a hyperparameter or a "
                           "start coordinate)", name, names)
    return name, axis_values(which, name, values)


def axis_values(which: str, name: str, values) -> np.ndarray:
    """The values of axis ``which`` ("x" or "y") setting ``name``, checked: numbers in a 1-D list of
    2..MAX_AXIS, all finite."""
    try:
        v = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"{which} axis {name} needs numbers, got {values!r:.60}") from None
    if v.ndim != 1 or not 2 <= v.size <= MAX_AXIS:
        raise UserInputError(f"{which} axis {name} needs 2 to {MAX_AXIS} values in a 1-D list, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise UserInputError(f"{which} axis {name}: values must be finite, got {v[~np.isfinite(v)][0]}")
    return v


def _scale(v) -> str:
    """"log" for evenly spaced logarithms (np.geomspace), else "linear"."""
    if len(v) > 2 and (v > 0).all():
        d = np.diff(np.log(v))
        lin = np.diff(v)
        if np.allclose(d, d[0], rtol=1e-6) and not np.allclose(lin, lin[0], rtol=1e-6):
            return "log"
    return "linear"


__all__ = ["map", "Map", "STATUSES"]
