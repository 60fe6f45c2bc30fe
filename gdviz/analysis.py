"""Learning-rate regimes from curvature, learning-rate sweeps, random restarts and basins.

Near a point, gradient descent sees a quadratic with curvatures between mu and L (the smallest
and largest Hessian eigenvalues). Each step multiplies the error along a direction of curvature
lambda by ``1 - lr lambda``, so the slowest direction shrinks by the factor
``r(lr) = max(|1 - lr mu|, |1 - lr L|)`` per step. The fastest fixed rate is ``2 / (L + mu)``
(``1/L`` in 1-D, one step to the minimum), and:

- Goldilocks: r <= max(0.5, sqrt(r_best)), i.e. at most twice the steps of the fastest rate
  (in 1-D: 0.5/L <= lr <= 1.5/L);
- too small: below that band (slow, monotone approach);
- too large: above it but below 2/L (overshoots and bounces, but converges);
- diverges: lr >= 2/L (|1 - lr L| >= 1: every step lands farther away, the course's figure 7).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import arith
from .engine import run
from .errors import UserInputError, positive_number
from .optim import Optimizer
from .optim import optimizer as make_optimizer
from .surfaces import Surface
from .surfaces import surface as make_surface
from .trajectory import Trajectory

REGIMES = ("too small", "goldilocks", "too large", "diverges")


@dataclass(frozen=True)
class Regimes:
    """Learning-rate regimes of gradient descent at a point with curvatures between ``mu`` and
    ``L`` (``mu`` = ``L`` in 1-D).

        >>> r = regimes(gd.surface("parabola"))
        >>> r.L, r.goldilocks, r.diverge
        (0.625, 1.6, 3.2)
        >>> r = regimes(gd.surface("elongated"))       # curvatures 1 and 20
        >>> round(r.goldilocks, 4), r.diverge               # 2 / (L + mu), 2 / L
        (0.0952, 0.1)
    """

    L: float
    point: np.ndarray
    mu: float | None = None

    @property
    def low(self) -> float:
        """The smallest curvature used (``L`` when none was given)."""
        return self.L if self.mu is None else self.mu

    @property
    def goldilocks(self) -> float:
        """2 / (L + mu): the fastest fixed rate (1/L in 1-D: one step to the minimum)."""
        return 2.0 / (self.L + self.low)

    @property
    def diverge(self) -> float:
        """2/L: at and above this rate plain gradient descent diverges."""
        return 2.0 / self.L

    def factor(self, lr):
        """r(lr) = max(|1 - lr mu|, |1 - lr L|): how much the slowest error shrinks per step."""
        lr = np.asarray(lr, dtype=float)
        return np.maximum(np.abs(1 - lr * self.low), np.abs(1 - lr * self.L))

    @property
    def band_factor(self) -> float:
        """The Goldilocks band's largest contraction factor per step: max(0.5, sqrt(r_best))
        (0.5 in 1-D: each step at least halves the distance to the minimum)."""
        return max(0.5, float(np.sqrt(self.factor(self.goldilocks))))

    def band(self) -> tuple[float, float]:
        """The Goldilocks band (lo, hi): rates whose factor is at most :attr:`band_factor`,
        i.e. at most twice the steps of the fastest rate ([0.5/L, 1.5/L] in 1-D)."""
        b = self.band_factor
        return (1 - b) / self.low, min((1 + b) / self.L, self.diverge)

    def classify(self, lr):
        """'too small', 'goldilocks', 'too large' or 'diverges' (an array for an array of rates)."""
        lr = np.asarray(positive_number("lr", lr), dtype=float)
        lo, hi = self.band()
        idx = np.select([lr * self.L >= 2.0, lr < lo * (1 - 1e-12), lr <= hi * (1 + 1e-12)], [3, 0, 1], 2)
        out = np.array(REGIMES)[idx]
        return str(out) if out.ndim == 0 else out

    def word(self, lr):
        """The course's word for a rate (seed 001's exercise, where only 1/L = 1.6 is Goldilocks
        and 1.8 overshoots): 'goldilocks' at the fastest rate 2/(L + mu) (1/L in 1-D, one
        step; within 1e-6 of it), 'too small' below it (in 1-D each step falls short), 'too
        large' above it (each step overshoots), 'diverges' from 2/L on. The figures of the
        learning rate use these words; :meth:`classify` is the wider Goldilocks band.

            >>> regimes(gd.surface("parabola")).word([1.0, 1.6, 1.8, 4.0]).tolist()
            ['too small', 'goldilocks', 'too large', 'diverges']
        """
        lr = np.asarray(positive_number("lr", lr), dtype=float)
        gold = self.goldilocks
        idx = np.select([lr * self.L >= 2.0, np.abs(lr - gold) <= 1e-6 * gold, lr < gold], [3, 1, 0], 2)
        out = np.array(REGIMES)[idx]
        return str(out) if out.ndim == 0 else out

    def triple(self) -> tuple[float, float, float]:
        """(too small, Goldilocks, too large) rates for the three-panel pictures: 0.1 x the
        fastest rate, the fastest rate 2/(L + mu), and 2.1/L, just past the divergence limit,
        where every step lands farther from the minimum than the last (the course's figure 7)."""
        return 0.1 * self.goldilocks, self.goldilocks, 2.1 / self.L

    def quad(self) -> tuple[float, float, float, float]:
        """(small, just right, large, very large) for seed 004's tuning figure: 0.1 x the fastest
        rate, the fastest rate, 94% of the way from it to 2/L (1.94/L in 1-D: overshoots at every
        step and converges slower than the small rate) and 2.1/L (diverges)."""
        best = self.goldilocks
        return 0.1 * best, best, best + 0.94 * (self.diverge - best), 2.1 / self.L


def max_curvature(s: Surface, n: int = 41) -> float:
    """Largest Hessian eigenvalue over an n^d grid of the surface's bounds."""
    axes = [np.linspace(lo, hi, n) for lo, hi in s.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, s.dim)
    with np.errstate(all="ignore"):
        ev = arith.eigh(s.hessian(grid))[..., -1]
    return float(np.nanmax(ev))


def regimes(surface, start=None) -> Regimes:
    """Regimes from the curvatures at ``start`` (default the surface's start): L the largest, mu
    the smallest where it is positive. Where the surface is not convex there (L <= 0), L is the
    largest curvature over the plotting window and mu is not used."""
    s = make_surface(surface)
    try:
        p = np.asarray(s.start if start is None else start, dtype=float).reshape(s.dim)
    except (TypeError, ValueError):
        raise UserInputError(f"start must be one point of {s.dim} number(s) for '{s.spec()['name']}', "
                             f"got {start!r:.60}") from None
    if not np.isfinite(p).all():
        raise UserInputError(f"start must be finite numbers, got {p.tolist()}")
    mu, L = (float(e) for e in arith.eigh(s.hessian(p))[[0, -1]])
    if not np.isfinite(L) or L <= 0:
        L, mu = max_curvature(s), None
    if not np.isfinite(L) or L <= 0:
        raise UserInputError(f"'{s.spec()['name']}' has no positive curvature in its window; "
                             "learning-rate regimes need a convex region")
    return Regimes(L, p, mu if mu is not None and np.isfinite(mu) and mu > 0 else None)


@dataclass(frozen=True)
class Sweep:
    """A learning-rate sweep: one batched run with one member per rate.

    lrs : (k,) rates; status, steps : outcome and number of updates per rate;
    final_loss : (k,) loss at the end; regime : curvature-based regime per rate (plain GD theory);
    regimes : the :class:`Regimes`; trajectory : the batched :class:`Trajectory`.
    """

    lrs: np.ndarray
    status: np.ndarray
    steps: np.ndarray
    final_loss: np.ndarray
    regime: np.ndarray
    regimes: Regimes
    trajectory: Trajectory

    def rows(self):
        """(lr, regime, status, steps, final loss) per rate."""
        return list(zip(self.lrs.tolist(), self.regime.tolist(), self.status.tolist(),
                        self.steps.tolist(), self.final_loss.tolist()))

    def best(self) -> float:
        """The converging rate with the fewest steps (ties: the lower final loss)."""
        ok = np.flatnonzero(self.status == "converged")
        if not ok.size:
            ok = np.flatnonzero(self.status != "diverged")
        if not ok.size:
            raise UserInputError("no rate in the sweep avoided divergence")
        return float(self.lrs[ok[np.lexsort((self.final_loss[ok], self.steps[ok]))[0]]])


def sweep(surface, optimizer="gd", lrs=None, *, start=None, steps: int = 500, tol=None,
          seed: int = 0, record_every: int | None = None, **hyperparameters) -> Sweep:
    """Run ``optimizer`` once per rate in ``lrs``, all in one batched run.

    Default rates: 25 log-spaced from 0.05/L to 2.5/L for the gradient-descent family, from
    1e-4 to 1 for the adaptive optimizers.

        >>> sw = sweep("parabola", "gd", [0.1, 0.7, 1.6, 4.0], steps=200)
        >>> sw.steps.tolist(), sw.status.tolist()[-1]
        ([81, 10, 1, 20], 'diverged')
    """
    s = make_surface(surface)
    if "lr" in hyperparameters:
        raise UserInputError("a sweep varies the learning rate: give the rates as lrs=[...], not lr=")
    if not isinstance(optimizer, (str, Optimizer)) or (isinstance(optimizer, Optimizer) and optimizer.name == "custom"):
        raise UserInputError(f"a sweep needs a named optimizer (e.g. 'gd', 'adam') or one built with "
                             f"gd.optimizer(...), got {optimizer!r:.60}")
    reg = regimes(s, start)
    name = optimizer if isinstance(optimizer, str) else optimizer.name
    if isinstance(optimizer, Optimizer):  # keep its other hyperparameters; the sweep sets lr
        import inspect

        from .optim import OPTIMIZERS

        takes = inspect.signature(OPTIMIZERS[name]).parameters if name in OPTIMIZERS else {}
        hyperparameters = {**{k: v for k, v in optimizer.hyperparams.items()
                              if k != "lr" and k in takes and isinstance(v, (int, float, bool))},
                           **hyperparameters}
        if optimizer.batch_size is not None:
            hyperparameters.setdefault("batch_size", optimizer.batch_size)
    if lrs is None:
        if name in ("gd", "sgd", "momentum", "nesterov"):
            lrs = np.geomspace(0.05 / reg.L, 2.5 / reg.L, 25)
        else:
            lrs = np.geomspace(1e-4, 1.0, 25)
    lrs = np.atleast_1d(np.asarray(positive_number("lr", lrs), dtype=float))
    if lrs.ndim != 1 or lrs.size == 0:
        raise UserInputError("lrs must be a non-empty list of rates")
    opt = make_optimizer(name, lr=lrs, **hyperparameters)
    traj = run(opt, s, reg.point if start is None else start, steps, tol=tol, seed=seed,
               record_every=record_every)
    return Sweep(lrs, traj.status, traj.stop, traj.loss[-1], reg.classify(lrs), reg, traj)


@dataclass(frozen=True)
class Restarts:
    """Random restarts: N seeded starts, and the known minimum each one reached.

    starts, finals : (N, d); basin : (N,) index into ``minima`` (-1: none within reach);
    minima : (k, d) the surface's known minima; counts : (k,) how many starts reached each;
    trajectory : the batched run.
    """

    starts: np.ndarray
    finals: np.ndarray
    basin: np.ndarray
    minima: np.ndarray
    counts: np.ndarray
    trajectory: Trajectory

    @property
    def global_share(self) -> float:
        """Fraction of starts that reached the global minimum (minima[0])."""
        return float(np.mean(self.basin == 0)) if self.minima.size else 0.0


def restarts(surface, n: int = 20, *, optimizer="gd", lr=None, steps: int = 2000, seed: int = 0,
             radius: float | None = None, **hyperparameters) -> Restarts:
    """``n`` starts drawn uniformly (seeded) in the surface's bounds, run in one batch.

    ``lr`` defaults to 0.5/L_max (L_max: the largest curvature in the window), safe for plain
    gradient descent everywhere. A final point within ``radius`` (default 5% of the window's span)
    of a known minimum is assigned to it.
    """
    s = make_surface(surface)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UserInputError(f"n must be a whole number >= 1, got {n!r}")
    from .engine import _whole

    rng = np.random.default_rng(_whole("seed", seed, minimum=0))
    lo, hi = s.bounds[:, 0], s.bounds[:, 1]
    starts = lo + (hi - lo) * rng.random((int(n), s.dim))
    if isinstance(optimizer, Optimizer):  # built by the caller: used as it is
        opt = optimizer
    else:
        if lr is None:
            L = max_curvature(s)
            if not np.isfinite(L) or L <= 0:
                raise UserInputError(f"'{s.spec()['name']}' has no positive curvature in its window: "
                                     "give restarts a learning rate (lr=...)")
            lr = 0.5 / L
        opt = make_optimizer(optimizer, lr=lr, **hyperparameters)
    traj = run(opt, s, starts, steps, seed=seed)
    finals = traj.params[-1]
    basin = nearest_minimum(s, finals, radius)
    counts = np.array([(basin == k).sum() for k in range(len(s.minima))])
    return Restarts(starts, finals, basin, s.minima, counts, traj)


def nearest_minimum(s: Surface, finals, radius: float | None = None) -> np.ndarray:
    """For each final point (N, d): the index of the known minimum within ``radius`` (default 5%
    of the window's span) of it, or -1."""
    finals = np.asarray(finals, dtype=float)
    radius = 0.05 * float(np.ptp(s.bounds, axis=1).max()) if radius is None else positive_number("radius", radius)
    if not s.minima.size:
        return np.full(len(finals), -1)
    dist = arith.norm(finals[:, None, :] - s.minima[None])
    return np.where(dist.min(1) <= radius, dist.argmin(1), -1)
