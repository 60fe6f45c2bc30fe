"""Fair races: every optimizer at its own best learning rate, found the same way for each.

A hand-picked rate per optimizer makes a race say more about the picker than the optimizers,
and a rate picked by a lucky landing says nothing at all. Here every optimizer's rate is tuned
by one batched run over ``grid`` log-spaced rates (200 by default, from 1e-6 to 1e3, each
rounded to 3 significant digits so that the printed rate is the rate run), with the same step
budget, seed and rule for all:

- the finish line: a run finishes at the first step from which its loss stays within ``gap``
  (0.001) of the lowest known minimum's, ``loss - min <= gap`` to the end of the run (a run that
  touches the line and bounces off again has not finished); on a surface with no known minimum,
  where its gradient norm falls below the tolerance (the engine's "converged");
- a run whose loss ever rises above the loss it started from (or that diverges) does not
  finish, wherever it lands: a rate that climbs first and lands by luck does not win;
- the best rate: the fewest steps to the finish line, the median over 2d + 1 starts (the
  race's start and one nudged by ``NUDGE`` x the window's widest span down and up each axis),
  among the rates whose run from the race's start never rises above it; ties, and rates whose
  median never finishes, go by the lowest median final loss.

    >>> r = race("rosenbrock", ["gd", "momentum", "adam"], steps=1500)
    >>> [(row["optimizer"], row["lr"], row["steps"]) for row in r.table][:1]
    [('adam', 0.085, 692)]
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .engine import run
from .errors import UserInputError, positive_number
from .optim import optimizer as make_optimizer
from .surfaces import surface as make_surface

DEFAULT = ("gd", "momentum", "nesterov", "rmsprop", "adam")
MAX_RACERS = 8          # the race figure draws one panel each: more are unreadable
SPAN = (1e-6, 1e3)      # the learning rates tried, log-spaced
GRID = 200
GAP = 1e-3              # the finish line: loss within 0.001 of the minimum's, to the end of the run
NUDGE = 0.02            # the other starts of the tuning, in widths of the window
OBJECTIVE = ("fewest steps to the finish line, the median over the start and 2 starts nudged along each axis; "
             "a run whose loss ever rises above its start, or that diverges, does not finish; only rates whose run "
             "from the start never rises above it; ties, and rates whose median never finishes, by the lowest "
             "median final loss")


def rate_grid(span=SPAN, grid: int = GRID) -> np.ndarray:
    """``grid`` log-spaced rates from span[0] to span[1], each rounded to the fewest significant
    digits (at least 3) that keep them all apart: 1e-06, 1.11e-06, 1.23e-06, ... 1000."""
    lo, hi = (float(positive_number("span", v)) for v in span)
    if not lo < hi:
        raise UserInputError(f"span must be (smallest, largest) rate with smallest < largest, got {span!r}")
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or not 2 <= grid <= 10_000:
        raise UserInputError(f"grid must be a whole number of rates from 2 to 10000, got {grid!r}")
    exact = np.geomspace(lo, hi, int(grid))
    for digits in range(3, 18):
        lrs = np.array([float(f"{x:.{digits}g}") for x in exact])
        if (np.diff(lrs) > 0).all():
            return lrs
    return exact


def nudged_starts(surface, start=None) -> np.ndarray:
    """The tuning's starts, shape (2d + 1, d): ``start`` (default the surface's), then one
    ``NUDGE`` x the window's widest span below and one above it along each axis."""
    s = make_surface(surface)
    p = np.asarray(s.start if start is None else start, dtype=float).reshape(s.dim)
    step = NUDGE * float(np.ptp(s.bounds, axis=1).max())
    offsets = np.concatenate([np.zeros((1, s.dim)), *([-step * e, step * e] for e in np.eye(s.dim))])
    return p + offsets


@dataclass(frozen=True)
class Finish:
    """A race's finish line. ``low`` (the lowest known minimum's loss) and ``gap``: a run
    finishes at the first step from which its loss stays <= low + gap to the end; ``low`` None
    (no known minimum): where its gradient norm falls below ``tol`` (status "converged"). A run
    whose loss ever rises above its start (see :func:`rises`) never finishes."""

    gap: float
    low: float | None
    tol: float

    @classmethod
    def of(cls, surface, gap=GAP, tol=None) -> "Finish":
        s = make_surface(surface)
        gap = float(positive_number("gap", gap))
        low = float(np.min(s.value(s.minima))) if s.minima.size else None
        return cls(gap, low, float(s.tol if tol is None else tol))

    @property
    def line(self) -> float | None:
        """The loss of the finish line, low + gap (None: the gradient decides)."""
        return None if self.low is None else self.low + self.gap

    def steps(self, traj) -> np.ndarray:
        """The step from which each run of ``traj`` (one or a batch, recorded every step) stays
        on or below the finish line; -1 where it does not end there or ever rose above its start."""
        loss = traj.loss if traj.batched else traj.loss[:, None]
        if self.low is None:
            status, stop = np.atleast_1d(traj.status), np.atleast_1d(traj.stop)
            out = np.where(status == "converged", stop, -1)
        else:
            stays = np.flip(np.logical_and.accumulate(np.flip(loss <= self.line, 0), 0), 0)
            out = np.where(stays[-1], stays.argmax(0), -1)
        out = np.where(rises(traj), -1, out)
        return out if traj.batched else out[:1]


def rises(traj) -> np.ndarray:
    """Whether each run's loss ever rises above its starting loss (or the run diverged)."""
    loss = traj.loss if traj.batched else traj.loss[:, None]
    return (loss[1:] > loss[0]).any(0) | (np.atleast_1d(traj.status) == "diverged")


@dataclass(frozen=True)
class Tuning:
    """How one optimizer's rate was chosen: the rates tried (``lrs``), the starts, the batched
    run over every rate from every start (``sweep``; member ``i * len(starts) + j`` is rate i from
    start j), each rate's median steps to the finish line (inf: the median never finishes) and
    median final loss, whether it counts (its run from the race's start never rises above that
    start nor diverges), and the index of the best one (``lr``)."""

    optimizer: str
    lrs: np.ndarray
    starts: np.ndarray
    sweep: object
    finish_steps: np.ndarray     # (grid, starts): -1 where a run never finishes
    median_steps: np.ndarray     # (grid,)
    median_loss: np.ndarray      # (grid,)
    counts: np.ndarray           # (grid,) bool
    best: int
    seconds: float

    @property
    def lr(self) -> float:
        return float(self.lrs[self.best])

    @property
    def at_edge(self) -> bool:
        """Whether the best rate is the smallest or largest tried (the range was too narrow)."""
        return self.best in (0, len(self.lrs) - 1)


def tune_rate(surface, optimizer: str, *, start=None, steps: int = 1000, span=SPAN, grid: int = GRID, tol=None,
              gap=GAP, seed: int = 0, **hyperparameters) -> Tuning:
    """The best learning rate of ``optimizer`` on ``surface`` from ``start`` (see the module's
    rule), by one batched run over ``grid`` log-spaced rates in ``span`` from 2d + 1 starts."""
    s = make_surface(surface)
    lrs = rate_grid(span, grid)
    finish = Finish.of(s, gap, tol)
    starts = nudged_starts(s, start)
    m = len(starts)
    t0 = time.perf_counter()
    sweep = run(make_optimizer(optimizer, lr=np.repeat(lrs, m), **hyperparameters), s, np.tile(starts, (len(lrs), 1)),
                steps, tol=tol, seed=seed)
    seconds = time.perf_counter() - t0
    done = finish.steps(sweep).reshape(len(lrs), m)
    fair = ~rises(sweep).reshape(len(lrs), m)
    median_steps = np.median(np.where(done >= 0, done, np.inf), axis=1)
    median_loss = np.median(sweep.loss[-1].reshape(len(lrs), m), axis=1)
    counts = fair[:, 0]
    ok = np.flatnonzero(counts)
    if not ok.size:
        raise UserInputError(f"every rate from {lrs[0]:g} to {lrs[-1]:g} diverges or lets the loss rise above its "
                             f"start for {optimizer} on '{s.spec()['name']}'")
    best = int(ok[np.lexsort((lrs[ok], median_loss[ok], median_steps[ok]))[0]])
    return Tuning(str(optimizer), lrs, starts, sweep, done, median_steps, median_loss, counts, best, seconds)


@dataclass(frozen=True)
class Race:
    """A race's runs and its metrics table.

    surface : the surface; trajectories : one per optimizer, in ``optimizers`` order;
    optimizers, rates : names and the rate each ran at; tuned : whether rates were tuned;
    tunings : the :class:`Tuning` of each (when tuned); finish : the :class:`Finish` line;
    table : one row per optimizer in finish order, with the keys optimizer, lr, rank (1, 2, ...),
    finished (whether it crossed the finish line), steps (the step it crossed it at, else the
    steps it ran), median_steps (tuned: the median over the tuning's starts, None when that
    never finishes), final_loss, start_loss, peak_loss (the highest loss after the start),
    diverged, status and seconds; space : the search space (span, grid, objective, starts,
    nudge) when tuned; note : what the order cannot say, or "" (nobody finished on a surface
    with no minimum in its window: the lowest final loss is only the farthest downhill, as on
    ``x + y``).
    """

    surface: object
    optimizers: list
    rates: list
    trajectories: list
    table: list
    tuned: bool
    tunings: list = field(default_factory=list)
    space: dict = field(default_factory=dict)
    note: str = ""
    finish: Finish | None = None


def racers(optimizers) -> list[str]:
    """The optimizers of a race, checked before anything is built or run: names only (each is
    tuned by its name: ``adam``, ``torch:AdamW``), at most ``MAX_RACERS``, each once (an alias or
    another spelling of one counts: ``gd`` and ``gradient-descent``)."""
    if isinstance(optimizers, str) or callable(optimizers):
        names = [optimizers]
    else:
        try:
            names = list(optimizers)
        except TypeError:
            names = [optimizers]
    if not names:
        raise UserInputError("a race needs at least one optimizer")
    for n in names:
        if not isinstance(n, str):
            what = (f"a function ({getattr(n, '__qualname__', '?')})" if callable(n) and not isinstance(n, type)
                    else f"a value of type {type(n).__name__}")
            raise UserInputError(f"a race takes optimizer names such as 'adam' or 'torch:AdamW' (each one's rate is "
                                 f"tuned by name), got {what}; run your own optimizer with gd.run")
    if len(names) > MAX_RACERS:
        raise UserInputError(f"a race takes at most {MAX_RACERS} optimizers (one panel each), got {len(names)}")
    seen: dict = {}
    for n in names:
        key = _canonical(n)
        if key in seen:
            also = f" (as '{seen[key]}' and '{n}')" if seen[key] != n else ""
            raise UserInputError(f"a race takes each optimizer once: '{key}' is named twice{also}")
        seen[key] = n
    return names


def _canonical(name: str) -> str:
    if ":" in name:
        from .optim.adapters import canonical

        return canonical(name)
    return make_optimizer(name).name


def race(surface="rosenbrock", optimizers=DEFAULT, *, tune: bool = True, rates=None, start=None,
         steps: int = 1000, span=SPAN, grid: int = GRID, tol=None, gap=GAP, seed: int = 0) -> Race:
    """Race ``optimizers`` on ``surface`` from one start to the finish line (``gap``: see the
    module docstring). ``tune`` (default True): each at its best rate by the module's rule; else
    at ``rates`` (one per optimizer, or each optimizer's torch default). ``Race.table`` is the
    metrics table in finish order: finishers by steps, then the others by final loss, diverged
    runs last."""
    do_tune = bool(tune)
    names = racers(optimizers)
    s = make_surface(surface)
    if do_tune and rates is not None:
        raise UserInputError("give rates or tune=True, not both")
    finish = Finish.of(s, gap, tol)
    tunings = [tune_rate(s, n, start=start, steps=steps, span=span, grid=grid, tol=tol, gap=gap, seed=seed)
               for n in names] if do_tune else []
    if do_tune:
        rates = [t.lr for t in tunings]
    elif rates is not None:
        from .lessons.runs import per_series

        rates = per_series("lr", rates, len(names))
    else:
        rates = [None] * len(names)
    trajs, rows = [], []
    for i, (name, lr) in enumerate(zip(names, rates)):
        t0 = time.perf_counter()
        traj = run(make_optimizer(name, **({} if lr is None else {"lr": lr})), s, start, steps, tol=tol, seed=seed)
        seconds = time.perf_counter() - t0
        trajs.append(traj)
        crossed = int(finish.steps(traj)[0])
        median = float(tunings[i].median_steps[tunings[i].best]) if do_tune else np.inf
        rows.append({"optimizer": name, "lr": float(traj.hyperparams.get("lr")), "finished": crossed >= 0,
                     "steps": crossed if crossed >= 0 else int(traj.n_steps),
                     "median_steps": int(median) if np.isfinite(median) else None,
                     "final_loss": float(traj.loss[-1]), "start_loss": float(traj.loss[0]),
                     "peak_loss": float(traj.loss[1:].max()) if traj.n_steps else float(traj.loss[0]),
                     "diverged": traj.status == "diverged", "status": str(traj.status), "seconds": seconds})
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["diverged"], not rows[i]["finished"],
                                                    rows[i]["steps"] if rows[i]["finished"] else 0,
                                                    rows[i]["final_loss"]))
    table = [{**rows[i], "rank": k + 1} for k, i in enumerate(order)]
    space = {"span": [float(span[0]), float(span[1])], "grid": int(grid), "objective": OBJECTIVE,
             "steps": int(steps), "seed": int(seed), "starts": len(tunings[0].starts),
             "nudge": float(NUDGE * np.ptp(s.bounds, axis=1).max())} if do_tune else {}
    note = ""
    if not s.minima.size and not any(row["finished"] for row in rows):
        note = (f"no optimizer reached the tolerance and '{s.spec()['name']}' has no minimum in its window: the "
                "order by final loss only says which went farthest downhill, not which optimizer is better")
        warnings.warn(note, stacklevel=2)
    return Race(s, names, [float(r["lr"]) for r in rows], trajs, table, do_tune, tunings, space, note, finish)
