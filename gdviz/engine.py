"""The trajectory engine: run any optimizer on any surface and record the path.

    >>> import gdviz as gd
    >>> traj = gd.run(gd.optimizer("gd", lr=0.7), gd.surface("parabola"), steps=100)
    >>> traj.status, traj.n_steps
    ('converged', 10)

Stopping rules, checked at every step t for each batch member:

- converged: the (full-batch) gradient norm at the current point is below ``tol``;
- diverged: the new point is farther than ``max_distance`` from the centre of the surface's
  bounds in some coordinate, its loss exceeds ``max_loss``, or the point, its loss or its
  gradient is not finite (then the last point where all three are finite is kept): caught
  before anything overflows;
- max_steps: ``steps`` updates were made.

Beside the status, ``Trajectory.reason`` says why a member stopped (gdviz.stops): converged at
a "minimum", a "local minimum", a "saddle point", a "maximum" or on a "plateau" (the Hessian's
eigenvalues and the loss at the stop); diverged "too far", "loss too large", "not finite" or at a
"kink".

A kink or cusp, where the loss is finite but its gradient is not (``sqrt(x**2 + y**2)`` at 0,
a 0/0), is no divergence when it is a minimum of the loss: where no point nearby is lower (at
distances ``KINK_RADII`` of the window's span, in 16 directions; both ways in 1-D), the gradient
there is taken as 0, a subgradient (no direction goes down), so the run has converged there,
with a finite record. A kink that is not a minimum (``sqrt(x**2 + y**2) + 2*x`` at 0) has no
gradient to follow: the run stops at its last point with one, as diverged, with a warning that
says why; a start there is refused.

A start farther from the centre than the divergence bound is refused, with both numbers.
"""
from __future__ import annotations

import numpy as np

from . import __version__, stops
from .arith import sumsq
from .errors import UserInputError, positive_number
from .optim import Optimizer
from .optim import optimizer as make_optimizer
from .optim.optimizers import guard
from .optim.schedules import rate_at, trusted
from .optim.transforms import state_paths
from .surfaces import Surface
from .surfaces import surface as make_surface
from .trajectory import MAX_RECORD_BYTES, Trajectory

MAX_LOSS = 1e100
KINK_RADII = (1e-9, 1e-6, 1e-3)  # where a kink's neighbours are looked at, in window spans
# ... in 16 directions (cos, sin of k pi / 8), written out: the page uses the same numbers
_COS = (1.0, 0.9238795325112867, 0.7071067811865476, 0.3826834323650898, 0.0)
_COS16 = _COS + tuple(-c for c in _COS[-2::-1]) + tuple(-c for c in _COS[1:]) + _COS[-2:0:-1]
KINK_DIRECTIONS = np.array([(_COS16[k], _COS16[(k - 4) % 16]) for k in range(16)])
DISTANCE_FACTOR = 1000.0  # default max_distance, in multiples of the bounds' widest span


def run(optimizer, surface, start=None, steps: int = 1000, *, tol: float | None = None,
        seed: int | None = 0, max_distance: float | None = None,
        record_every: int | None = None) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` for at most ``steps`` updates.

    optimizer : an :class:`Optimizer`, a name ("adam"), or a function ``step(params, grad, t)``
        (what a user's function returns, or raises, is checked at every step: see ``custom``).
    surface : a :class:`Surface`, a name ("rosenbrock") or an expression ("x**2 + 10*y**2").
    start : (d,) for one path or (B, d) for B paths; default ``surface.start``.
    steps : the most updates to make (>= 1).
    tol : convergence tolerance on the gradient norm (default ``surface.tol``; 0 disables).
    seed : seeds the mini-batch sampling of stochastic optimizers (all members share the stream,
        so a batched run equals the same runs made one at a time).
    max_distance : divergence bound on |param - centre of bounds| (default 1000 x the span).
    record_every : keep every k-th step (and the last) instead of every step. A request whose
        record would pass MAX_RECORD_BYTES (256 MiB) is refused with the stride that fits.

    Returns a :class:`Trajectory`; hyperparameter arrays of shape (B,) also make a batch.
    """
    s = make_surface(surface) if not isinstance(surface, Surface) else surface
    opt = guard(optimizer if isinstance(optimizer, Optimizer) else make_optimizer(optimizer))
    if opt.bind is not None:   # Newton's Hessian, a line search's loss
        opt = opt.bind(s)
    steps = _whole("steps", steps)
    tol = s.tol if tol is None else positive_number("tol", tol, allow_zero=True)
    p0, single = _start(s, opt, start)
    centre = s.bounds.mean(axis=1)
    span = float((s.bounds[:, 1] - s.bounds[:, 0]).max())
    limit = DISTANCE_FACTOR * span if max_distance is None else positive_number("max_distance", max_distance)
    _within_bound(s, p0, centre, limit, max_distance is None)
    rng = np.random.default_rng(None if seed is None else _whole("seed", seed, minimum=0))
    stochastic = opt.batch_size is not None and s.n_samples is not None
    state0 = opt.init(p0)
    kept = state_paths(state0, like=p0.shape)   # what the record keeps of the optimizer's state
    k = _record_every(record_every, steps, *p0.shape, n_state=len(kept))
    with np.errstate(all="ignore"):
        rec, kink = _loop(opt, s, p0, steps, tol * tol, centre, limit, rng, stochastic, k, state0)
    traj = _trajectory(rec, s, opt, single, tol, seed, stochastic, k)
    if "curvature" in traj.state:
        _warn_not_positive_definite(traj)
    if kink is not None:
        _warn_kink(opt, s, *kink)
    return traj


def _within_bound(s: Surface, p, centre, limit, default: bool):
    """Refuse a start farther than ``limit`` from the centre of the window in some coordinate
    (the run could only be "diverged" at once), naming the distance and the bound."""
    far = np.abs(p - centre) > limit
    if far.any():
        i, j = np.argwhere(far)[0]
        how = f", by default {DISTANCE_FACTOR:g} x the window's widest span" if default else ""
        raise UserInputError(f"start {p[i].tolist()} is {abs(p[i, j] - centre[j]):g} from the centre of the window "
                             f"in {s.variables[j]}, past the divergence bound {limit:g} (max_distance{how}): "
                             "start closer, or allow a larger max_distance")


def _at_kinks(s: Surface, p, loss, g):
    """``g`` with 0 in the rows where the loss is finite but the gradient is not and no point
    nearby is lower (see the module docstring): a kink or cusp minimum, where 0 is a subgradient."""
    rows = np.flatnonzero(np.isfinite(loss) & ~np.isfinite(g).all(-1))
    if not rows.size:
        return g
    directions = np.array([[1.0], [-1.0]]) if s.dim == 1 else KINK_DIRECTIONS
    span = float((s.bounds[:, 1] - s.bounds[:, 0]).max())
    offsets = (np.array(KINK_RADII)[:, None, None] * span * directions).reshape(-1, s.dim)
    nearby = s._value(p[rows][:, None, :] + offsets)
    g = g.copy()
    g[rows[~(nearby < loss[rows, None]).any(-1)]] = 0.0
    return g


def _warn_kink(opt, s: Surface, step: int, point):
    import warnings

    where = ", ".join(f"{v:g}" for v in point)
    warnings.warn(f"{opt.name}: the gradient of '{s.spec()['name']}' is not defined at ({where}), reached at step "
                  f"{step}, and that point is not a minimum (the loss falls in some direction): with no gradient "
                  f"to follow there, the run stops at step {step - 1}, recorded as diverged", stacklevel=3)


def _warn_not_positive_definite(traj):
    """Newton's method records the Hessian's eigenvalues at each step: say where the Hessian
    was not positive definite (its step then heads for a saddle or a maximum)."""
    import warnings

    eig = traj.state["curvature"]
    eig = eig[:, None] if eig.ndim == 2 else eig                  # (steps, B, d)
    stop = np.broadcast_to(np.atleast_1d(traj.stop), eig.shape[1:2])
    steps = np.arange(len(eig))[:, None] if traj.step_index is None else traj.step_index[: len(eig), None]
    bad = (eig.min(-1) <= 0) & (steps < stop[None, :])
    if bad.any():
        first = int(steps[bad.any(1)][0, 0])
        of = (f"{int(stop.max())} steps" if traj.step_index is None else
              f"the {int((steps[:, 0] < stop.max()).sum())} recorded steps")
        warnings.warn(f"{traj.optimizer}: the Hessian is not positive definite at {int(bad.any(1).sum())} of {of} "
                      f"(first at step {first}); there the Newton step heads for a saddle point or a maximum, "
                      "not a minimum", stacklevel=3)


class _Recorder:
    """Rows of params, loss and grads at steps 0, k, 2k, ... (every step when k = 1) and at the
    last step, and the optimizer's state after the update made from each row but the last.
    Storage grows in chunks, so a run that stops early holds only what it used."""

    def __init__(self, B, d, k, steps, state_paths):
        self.k, self.B, self.d = k, B, d
        cap = self.cap = min(steps // k + 2, 1024)
        self.P, self.L = np.empty((cap, B, d)), np.empty((cap, B))
        self.paths = state_paths
        self.ST = {name: np.empty((cap, B, d)) for name, _ in state_paths}
        self.G, self.S = np.empty((cap, B, d)), np.empty(cap, dtype=np.int64)
        self.n = 0

    def _grow(self):
        cap = self.cap = 2 * self.cap

        def grown(old):
            new = np.empty((cap, *old.shape[1:]), dtype=old.dtype)
            new[: self.n] = old[: self.n]
            return new

        for name in ("P", "L", "G", "S"):
            setattr(self, name, grown(getattr(self, name)))
        self.ST = {name: grown(arr) for name, arr in self.ST.items()}

    def point(self, step, p, loss):
        n = self.n
        if n == self.cap:
            self._grow()
        self.P[n], self.L[n], self.S[n] = p, loss, step
        self.n = n + 1

    def grad(self, g):
        """The gradient used at the last recorded point."""
        self.G[self.n - 1] = g

    def state(self, state):
        """The optimizer's state after the update made from the last recorded point."""
        row = self.n - 1
        for name, path in self.paths:
            value = state
            for key in path:
                value = value[key]
            self.ST[name][row] = value

    def finish(self, step, p, loss, g):
        """Record the final state (if not already) with the full gradient there."""
        if self.S[self.n - 1] != step:
            self.point(step, p, loss)
        self.G[self.n - 1] = g
        n = self.n
        states = {name: arr[: n - 1] for name, arr in self.ST.items()}
        return self.P[:n], self.L[:n], self.G[:n], self.S[:n], states


def _loop(opt, s, p, steps, tol2, centre, limit, rng, stochastic, k, state):
    B, d = p.shape
    rec = _Recorder(B, d, k, steps, state_paths(state, like=p.shape))
    loss, gfull = s.value_and_grad(p)
    gfull = _at_kinks(s, p, loss, gfull)
    bad = ~np.isfinite(gfull).all(-1)
    if np.isfinite(loss).all() and bad.any():
        raise UserInputError(f"the gradient of '{s.spec()['name']}' is not defined at the start "
                             f"{p[bad][0].tolist()}, a kink or cusp that is not a minimum: start elsewhere")
    if not (np.isfinite(loss).all() and np.isfinite(gfull).all()):
        raise UserInputError(f"the loss or gradient of '{s.name}' is not finite at the start "
                             f"{p[:1].tolist()}")
    rec.point(0, p, loss)
    point, grad = rec.point, rec.grad  # bound once: the loop below is the hot path
    keep_state = rec.state if rec.paths else None
    active = np.ones(B, dtype=bool)
    n_active = B
    status = np.full(B, "max_steps", dtype=object)
    reason = np.full(B, "", dtype=object)   # why a member stopped (gdviz.stops)
    stop = np.full(B, steps)
    n = steps
    # a box test on the whole batch first (two reductions); members are checked one by one only
    # when it fails: hi/lo are the tightest of the per-coordinate bounds centre +- limit
    hi, lo = float((centre + limit).min()), float((centre - limit).max())
    kink = None  # (step, point) where a member first met a gradient that is not defined
    for t in range(steps):
        # converged: gradient norm below tol (the cheap min() test first, members only if needed)
        gn2 = sumsq(gfull) if tol2 else None
        if tol2 and gn2.min() < tol2:
            converged = active & (gn2 < tol2)
            if converged.any():
                status[converged], stop[converged] = "converged", t
                active &= ~converged
                n_active = int(active.sum())
                if not n_active:
                    n = t
                    break
        if stochastic:
            idx = rng.choice(s.n_samples, size=min(opt.batch_size, s.n_samples), replace=False)
            g = s.batch_grad(p, idx)
            if t % k == 0:
                grad(np.where(active[:, None], g, gfull) if n_active < B else g)
        else:
            g = gfull
            if t % k == 0:
                grad(g)
        u, state = opt.update(g, state, p, t)
        if keep_state is not None and t % k == 0:
            keep_state(state)
        new = p + u
        new_loss, new_g = s.value_and_grad(new)
        # diverged: past the distance or loss bound, or not finite (NaN fails every comparison; the
        # gradient's sum is finite only if every component is)
        if not (new.max() <= hi and new.min() >= lo and new_loss.max() <= MAX_LOSS
                and -np.inf < new_g.sum() < np.inf) or n_active < B:
            if not np.isfinite(new_g).all():  # a kink or cusp: 0 where it is a minimum
                new_g = _at_kinks(s, new, new_loss, new_g)
            near = (np.abs(new - centre) <= limit).all(-1)
            inside = near & (new_loss <= MAX_LOSS)
            ok = inside & np.isfinite(new_g).all(-1)
            finite = np.isfinite(new).all(-1) & np.isfinite(new_loss) & np.isfinite(new_g).all(-1)
            diverged = active & ~ok
            why = np.select([~finite & ~inside, ~near, ~inside], ["not finite", "too far", "loss too large"], "kink")
            reason[diverged] = why[diverged]
            if kink is None and (diverged & inside).any():
                kink = (t + 1, new[np.flatnonzero(diverged & inside)[0]].copy())
            status[diverged] = "diverged"
            stop[diverged] = t + finite[diverged]  # a non-finite point is not recorded
            keep = ~active | ~finite
            new[keep], new_loss[keep], new_g[keep] = p[keep], loss[keep], gfull[keep]
            active &= ok
            n_active = int(active.sum())
        p, loss, gfull = new, new_loss, new_g
        if (t + 1) % k == 0:
            point(t + 1, p, loss)
        if not n_active:
            n = t + 1
            break
    P, L, G, S, ST = rec.finish(n, p, loss, gfull)
    done = status == "converged"
    if done.any():
        reason[done] = stops.at_convergence(s, p[done], loss[done], L[0, done])
    return (P, L, G, _rates(opt, S[:-1], B, stop), status, stop, S, ST, reason), kink


def _rates(opt, steps, B, stop):
    """The nominal learning rate of the update made at each recorded step; 0 where a member
    had stopped."""
    if opt.lr is None:
        return None
    LR = np.empty((len(steps), B))
    sched, checked = opt.lr, not trusted(opt.lr)
    for r, t in enumerate(steps):
        LR[r] = rate_at(sched, int(t), B) if checked else sched(int(t))
    LR[steps[:, None] >= stop[None, :]] = 0.0
    return LR


def _trajectory(rec, s, opt, single, tol, seed, stochastic, k):
    P, L, G, LR, status, stop, S, ST, reason = rec
    meta = {"surface_params": s.spec()["params"], "surface_title": s.title, "tol": tol,
            "gdviz_version": __version__, "dim": s.dim, "batch_size": opt.batch_size if stochastic else None,
            "record_every": k}
    if not single:   # the hyperparameters with one value per member (none for a batch of starts)
        meta["per_member"] = [] if opt.batch is None else [
            key for key, v in opt.hyperparams.items() if isinstance(v, list) and len(v) == P.shape[1]]
    status = status.astype(str)
    steps = None if k == 1 else S.copy()
    if single:
        return Trajectory(P[:, 0], L[:, 0], G[:, 0], None if LR is None else LR[:, 0], str(status[0]),
                          int(stop[0]), s.spec()["name"], opt.name, opt.hyperparams, seed, meta, steps,
                          {name: arr[:, 0] for name, arr in ST.items()}, str(reason[0]))
    return Trajectory(P, L, G, LR, status, stop.astype(int), s.spec()["name"], opt.name,
                      opt.hyperparams, seed, meta, steps, ST, reason.astype(str))


def _record_every(record_every, steps: int, B: int, d: int, n_state: int = 0) -> int:
    """The recording stride: 1 (every step) unless asked; refuse a request whose record would
    pass MAX_RECORD_BYTES, saying which stride fits."""
    k = 1 if record_every is None else _whole("record_every", record_every)
    per_row = B * ((2 + n_state) * d + 2) * 8  # params, grads, state arrays, loss, learning rate
    need = (steps // k + 2) * per_row
    if need > MAX_RECORD_BYTES:
        fit = -(-steps // max(MAX_RECORD_BYTES // per_row - 2, 1))
        raise UserInputError(
            f"a run of {steps:,} steps x {B:,} path(s) would record {need / 2**20:,.0f} MiB "
            f"(limit {MAX_RECORD_BYTES / 2**20:.0f} MiB): keep every k-th step with record_every={fit} "
            f"(CLI: --record-every {fit}), or ask for fewer steps or paths")
    return k


def _start(s: Surface, opt: Optimizer, start):
    raw = s.start if start is None else start
    try:
        p = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"start must be numbers, got {raw!r}") from None
    if s.dim == 1 and p.ndim == 0:
        p = p.reshape(1)
    if p.ndim not in (1, 2) or p.shape[-1] != s.dim:
        raise UserInputError(f"start must have {s.dim} coordinate(s) for the {s.dim}-D surface "
                             f"'{s.spec()['name']}' (or shape (B, {s.dim}) for a batch), got shape {p.shape}")
    if p.size == 0:
        raise UserInputError(f"start must hold at least one point, got an empty array of shape {p.shape}")
    if not np.isfinite(p).all():
        raise UserInputError(f"start must be finite numbers, got {p.tolist()}")
    single = p.ndim == 1 and opt.batch is None
    p = p.reshape(-1, s.dim)
    if opt.batch is not None:
        if p.shape[0] == 1:
            p = np.repeat(p, opt.batch, axis=0)
        elif p.shape[0] != opt.batch:
            raise UserInputError(f"{p.shape[0]} starts but {opt.batch} hyperparameter values; "
                                 "give one start or one per value")
    return p, single


def _whole(name, value, minimum=1):
    try:
        ok = float(value).is_integer() and value >= minimum and not isinstance(value, bool)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise UserInputError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)
