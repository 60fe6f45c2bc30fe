"""Fair races: every optimizer at its own best learning rate, found the same way for each.

A hand-picked rate per optimizer makes a race say more about the picker than the optimizers.
Here each optimizer's rate is tuned by one batched run over ``grid`` log-spaced rates (200 by
default, from 1e-6 to 1e3) from the race's start, with the same step budget and seed for all.
The objective: fewest steps to reach the tolerance (the gradient-norm stop of ``gd.run``);
diverged runs are excluded; ties, and optimizers that never reach it, go by the lowest final loss.

    >>> r = race("rosenbrock", ["gd", "momentum", "adam"], steps=1500)
    >>> [(row["optimizer"], row["steps"]) for row in r.table][:1]
    [('adam', 879)]
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
OBJECTIVE = ("fewest steps to reach the tolerance from the start; diverged runs excluded; ties (and runs that "
             "never reach it) broken by the lowest final loss")


@dataclass(frozen=True)
class Tuning:
    """How one optimizer's rate was chosen: the rates tried, the batched run over them, and the
    index of the best one (``lr``)."""

    optimizer: str
    lrs: np.ndarray
    sweep: object
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
         seed: int = 0, **hyperparameters) -> Tuning:
    """The best learning rate of ``optimizer`` on ``surface`` from ``start`` (see the module's
    objective), by one batched run over ``grid`` log-spaced rates in ``span``."""
    s = make_surface(surface)
    lo, hi = (float(positive_number("span", v)) for v in span)
    if not lo < hi:
        raise UserInputError(f"span must be (smallest, largest) rate with smallest < largest, got {span!r}")
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or not 2 <= grid <= 10_000:
        raise UserInputError(f"grid must be a whole number of rates from 2 to 10000, got {grid!r}")
    lrs = np.geomspace(lo, hi, int(grid))
    t0 = time.perf_counter()
    sweep = run(make_optimizer(optimizer, lr=lrs, **hyperparameters), s, start, steps, tol=tol, seed=seed)
    seconds = time.perf_counter() - t0
    ok = np.flatnonzero(sweep.status != "diverged")
    if not ok.size:
        raise UserInputError(f"every rate from {lo:g} to {hi:g} diverges for {optimizer} on '{s.spec()['name']}'")
    final = sweep.loss[-1]
    reached = ok[sweep.status[ok] == "converged"]
    pool = reached if reached.size else ok
    steps_of = sweep.stop[pool] if reached.size else np.zeros(len(pool))
    best = int(pool[np.lexsort((final[pool], steps_of))[0]])
    return Tuning(str(optimizer), lrs, sweep, best, seconds)


@dataclass(frozen=True)
class Race:
    """A race's runs and its metrics table.

    surface : the surface; trajectories : one per optimizer, in ``optimizers`` order;
    optimizers, rates : names and the rate each ran at; tuned : whether rates were tuned;
    tunings : the :class:`Tuning` of each (when tuned); table : one row per optimizer, best
    first, with the keys optimizer, lr, steps, final_loss, diverged, seconds (and status);
    space : the search space (span, grid, objective) when tuned; note : what the order cannot
    say, or "" (no optimizer reached the tolerance on a surface with no minimum in its window:
    the lowest final loss is only the farthest downhill, as on ``x + y``).
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
         steps: int = 1000, span=SPAN, grid: int = GRID, tol=None, seed: int = 0) -> Race:
    """Race ``optimizers`` on ``surface`` from one start. ``tune`` (default True): each at its best
    rate (see the module docstring); else at ``rates`` (one per optimizer, or each optimizer's
    torch default). ``Race.table`` is the metrics table, best first."""
    do_tune = bool(tune)
    names = racers(optimizers)
    s = make_surface(surface)
    if do_tune and rates is not None:
        raise UserInputError("give rates or tune=True, not both")
    tunings = [tune_rate(s, n, start=start, steps=steps, span=span, grid=grid, tol=tol, seed=seed)
               for n in names] if do_tune else []
    if do_tune:
        rates = [t.lr for t in tunings]
    elif rates is not None:
        from .lessons.runs import per_series

        rates = per_series("lr", rates, len(names))
    else:
        rates = [None] * len(names)
    trajs, rows = [], []
    for name, lr in zip(names, rates):
        t0 = time.perf_counter()
        traj = run(make_optimizer(name, **({} if lr is None else {"lr": lr})), s, start, steps, tol=tol, seed=seed)
        seconds = time.perf_counter() - t0
        trajs.append(traj)
        rows.append({"optimizer": name, "lr": float(traj.hyperparams.get("lr")), "steps": int(traj.n_steps),
                     "final_loss": float(traj.loss[-1]), "diverged": traj.status == "diverged",
                     "status": str(traj.status), "seconds": seconds})
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["diverged"], rows[i]["status"] != "converged",
                                                    rows[i]["steps"] if rows[i]["status"] == "converged" else 0,
                                                    rows[i]["final_loss"]))
    space = {"span": [float(span[0]), float(span[1])], "grid": int(grid), "objective": OBJECTIVE,
             "steps": int(steps), "seed": int(seed)} if do_tune else {}
    note = ""
    if not s.minima.size and not any(row["status"] == "converged" for row in rows):
        note = (f"no optimizer reached the tolerance and '{s.spec()['name']}' has no minimum in its window: the "
                "order by final loss only says which went farthest downhill, not which optimizer is better")
        warnings.warn(note, stacklevel=2)
    return Race(s, names, [float(r["lr"]) for r in rows], trajs, [rows[i] for i in order], do_tune, tunings, space,
                note)
