"""`Trajectory`: the immutable record of one optimizer run (or a batch of runs)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import UserInputError

MAX_RECORD_BYTES = 256 * 2**20  # memory for a trajectory's recorded arrays (gd.run refuses more, load too)


class _NoSuchMember(UserInputError, IndexError):
    """A batch member out of range: a UserInputError, and an IndexError so that iterating over a
    batch (``for member in batch``) ends there."""


@dataclass(frozen=True)
class Trajectory:
    """The path of an optimizer on a surface, as recorded by :func:`gdviz.run`.

    For one start of shape (d,) and n recorded steps:

    params : (n+1, d) float array; row 0 is the start, row t the point after t updates.
    loss : (n+1,) loss at each row of ``params``.
    grads : (n+1, d) the gradient the optimizer used at each point (for mini-batch and SGD runs
        the sampled one); the last row is the full gradient at the final point.
    lr : (n,) the nominal learning rate of each update (0 after a batch member stopped), or
        None when unknown (a custom step function without a schedule); with ``step_index``,
        one per recorded row but the last.
    status : "converged" (gradient norm <= tol), "diverged" (loss or distance past the
        divergence bound, or non-finite) or "max_steps".
    reason : why it stopped (:mod:`gdviz.stops`): "minimum", "local minimum", "saddle point",
        "maximum" or "plateau" when converged; "too far", "loss too large", "not finite" or
        "kink" when diverged; "" while still going (max_steps) or when unknown.
    stop : the step at which the run stopped (= n for a single run).

    For a batch of B runs (a start of shape (B, d), or hyperparameter arrays of shape (B,)),
    ``params`` is (n+1, B, d), ``loss`` (n+1, B), ``grads`` (n+1, B, d), ``lr`` (n, B),
    ``status``, ``reason`` and ``stop`` arrays of shape (B,); a member that stopped keeps its last value.
    ``traj[i]`` is member i as a single trajectory of its own length.

    surface, optimizer : the names; hyperparams : the optimizer's hyperparameters;
    seed : the seed of mini-batch sampling; meta : anything else (surface parameters, tol,
    gdviz version). All numbers are finite.

    step_index : for runs recorded every k-th step (``run(record_every=k)``), the step of each
    row (0, k, 2k, ..., last); None when every step is recorded (row t is step t). ``at``,
    ``rows_until`` and ``step_of`` take steps either way.

    state : the optimizer's state after each update, by ``torch.optim``'s names, one row per
        update like ``lr``: ``momentum_buffer`` (SGD with momentum or Nesterov; RMSprop with
        momentum), ``sum`` (Adagrad), ``square_avg`` (RMSprop, Adadelta), ``grad_avg``
        (centered RMSprop), ``acc_delta`` (Adadelta), ``exp_avg`` and ``exp_avg_sq`` (Adam;
        ``max_exp_avg_sq`` with amsgrad); a custom optimizer's arrays under its own names.
        Row t is what torch's ``optimizer.state[p][name]`` holds after its (t+1)-th ``step()``.
        Shapes (n, d), or (n, B, d) for a batch. What each update is made of, derived from it,
        is :func:`gdviz.internals.internals`.
    """

    params: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    lr: np.ndarray | None
    status: object
    stop: object
    surface: str = ""
    optimizer: str = ""
    hyperparams: dict = field(default_factory=dict)
    seed: int | None = None
    meta: dict = field(default_factory=dict)
    step_index: np.ndarray | None = None
    state: dict = field(default_factory=dict)
    reason: object = ""

    # -- shape -----------------------------------------------------------------------------
    @property
    def batched(self) -> bool:
        """True for a batch of runs."""
        return self.params.ndim == 3

    @property
    def n_steps(self):
        """Number of updates made (per member for a batch)."""
        return self.stop

    @property
    def final(self) -> np.ndarray:
        """The last point: (d,) or (B, d)."""
        return self.params[-1]

    def __len__(self) -> int:
        return self.params.shape[1] if self.batched else 1

    def __getitem__(self, i) -> "Trajectory":
        """Member ``i`` of a batch, trimmed to its own length."""
        if not self.batched:
            raise UserInputError("a single trajectory has no members; only a batch (several starts "
                                 "or hyperparameter values) can be indexed")
        B = len(self)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise UserInputError(f"a batch member is picked by a whole number from 0 to {B - 1}, got {i!r}")
        if not -B <= i < B:
            raise _NoSuchMember(f"member {i} is out of range: this batch has {B} members (0 to {B - 1})")
        i = int(i) % B
        n = int(self.stop[i])
        rows = self.rows_until(n)
        steps = None
        if self.step_index is not None:  # the row that holds the member's last state
            rows = min(int(np.searchsorted(self.step_index, n, side="left")) + 1, len(self.step_index))
            steps = self.step_index[:rows].copy()
            steps[-1] = n
        per_member = self.meta.get("per_member")     # older files: any list as long as the batch
        hp = {k: (v[i] if (k in per_member if per_member is not None else isinstance(v, list) and len(v) == B)
                  else v) for k, v in self.hyperparams.items()}
        return Trajectory(self.params[:rows, i].copy(), self.loss[:rows, i].copy(),
                          self.grads[:rows, i].copy(),
                          None if self.lr is None else self.lr[: rows - 1, i].copy(),
                          str(self.status[i]), n, self.surface, self.optimizer, hp, self.seed,
                          dict(self.meta), steps,
                          {name: arr[: rows - 1, i].copy() for name, arr in self.state.items()},
                          str(np.broadcast_to(np.asarray(self.reason, dtype=object), (B,))[i]))

    def members(self) -> list["Trajectory"]:
        """All members of a batch (or ``[self]``)."""
        return [self[i] for i in range(len(self))] if self.batched else [self]

    # -- smooth motion ---------------------------------------------------------------------
    def step_of(self, row):
        """The step recorded in ``row``."""
        return row if self.step_index is None else self.step_index[row]

    def rows_until(self, t) -> int:
        """How many rows hold steps <= ``t`` (at least 1)."""
        t = _steps(t, "rows_until")
        if t.size != 1:
            raise UserInputError(f"rows_until(t) takes one step, got an array of shape {t.shape}")
        t = t.item()
        if self.step_index is None:
            return int(min(max(np.floor(t + 1e-9), 0), len(self.params) - 1)) + 1
        return max(int(np.searchsorted(self.step_index, t + 1e-9, side="right")), 1)

    def _between(self, t, where):
        """Rows around fractional step ``t`` and the fraction of the way from one to the next."""
        steps = np.arange(len(self.params)) if self.step_index is None else self.step_index
        t = np.clip(_steps(t, where), 0, steps[-1])
        lo = np.clip(np.searchsorted(steps, t, side="right") - 1, 0, len(steps) - 1)
        hi = np.minimum(lo + 1, len(steps) - 1)
        span = np.where(hi > lo, steps[hi] - steps[lo], 1)
        return lo, hi, (t - steps[lo]) / span

    def at(self, t):
        """Position at fractional step ``t`` (linear between recorded points, clipped to
        [0, n]). ``t`` may be an array: the result then has shape ``t.shape + (d,)``
        (or ``t.shape + (B, d)`` for a batch).

            >>> traj.at(2.5)   # halfway between params[2] and params[3]
        """
        lo, hi, frac = self._between(t, "at")
        frac = np.asarray(frac).reshape(np.shape(frac) + (1,) * (self.params.ndim - 1))
        return self.params[lo] * (1 - frac) + self.params[hi] * frac

    def loss_at(self, t):
        """Loss at fractional step ``t``, interpolated like :meth:`at`."""
        lo, hi, frac = self._between(t, "loss_at")
        frac = np.asarray(frac).reshape(np.shape(frac) + (1,) * (self.loss.ndim - 1))
        return self.loss[lo] * (1 - frac) + self.loss[hi] * frac

    # -- save / load -----------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write a ``.npz`` file with all arrays and the metadata (atomically: a temporary file
        in the same folder, then renamed)."""
        from . import trajfile
        from .files import atomic_path, check_output

        path = Path(path)
        if path.suffix != ".npz":
            raise UserInputError(f"trajectory files end in .npz, got '{path.name}'")
        check_output(path, (".npz",))
        info = {"surface": self.surface, "optimizer": self.optimizer,
                "hyperparams": self.hyperparams, "seed": self.seed, "meta": self.meta,
                "status": np.asarray(self.status).tolist(), "stop": np.asarray(self.stop).tolist(),
                "reason": np.asarray(self.reason).tolist()}
        text = json.dumps(info, default=_json)
        if len(text) > trajfile.MAX_INFO_CHARS:   # what load would refuse is never written
            raise UserInputError(f"the run's metadata takes {len(text):,} characters, more than the "
                                 f"{trajfile.MAX_INFO_CHARS:,} a trajectory file may hold (MAX_INFO_CHARS); "
                                 "it keeps the surface's data points and each run's settings: save fewer "
                                 "runs or points per file")
        arrays = {"params": self.params, "loss": self.loss, "grads": self.grads}
        if self.lr is not None:
            arrays["lr"] = self.lr
        if self.step_index is not None:
            arrays["step_index"] = self.step_index
        for name, arr in self.state.items():
            arrays[f"state.{name}"] = arr
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez_compressed(fh, info=np.array(text), **arrays)
        return path

    @classmethod
    def load(cls, path) -> "Trajectory":
        """Read a file written by :meth:`save`, trusting nothing in it.

        ``path`` must name a regular file (a pipe, device or folder is refused before it is
        opened); the archive may hold only the members ``save`` writes, float64 arrays of
        consistent shapes whose declared sizes (read from their headers, before any data is
        decompressed) fit ``MAX_RECORD_BYTES``, all finite, and an ``info`` JSON text of the
        expected structure. Anything else is a :class:`UserInputError` naming the problem.
        """
        from .trajfile import read_trajectory

        return cls(**read_trajectory(path, MAX_RECORD_BYTES))   # read at call time

    def rebuild_surface(self):
        """The surface this run was on, built again from its name and ``meta["surface_params"]``
        (what :func:`gdviz.animate` draws a trajectory on when given no surface).

        A trajectory never makes gdviz open another file: parameters naming a data file (files
        written by gdviz 0.1.0 for runs on a CSV file) are refused; runs on a CSV file now keep
        its points as ``x`` and ``y``, so their files rebuild without it. What the parameters
        may ask for is bounded: data surfaces take at most ``MAX_DATA_POINTS`` points, typed
        expressions are bounded in size and nesting.
        """
        from .surfaces import surface

        params = self.meta.get("surface_params", {})
        if not isinstance(params, dict):
            raise UserInputError("this trajectory's meta['surface_params'] must be a dict of the surface's parameters")
        if "data" in params:
            raise UserInputError(
                "this trajectory's surface parameters name a data file (meta['surface_params']['data']); a "
                "trajectory never makes gdviz open another file: give the surface yourself, e.g. "
                "gd.animate(traj, surface=gd.surface(traj.surface, data='your.csv'))")
        return surface(self.surface, **params)

    def summary(self) -> dict:
        """Status, steps, final loss and final point (of a single run)."""
        return {"status": self.status, "steps": self.stop, "loss": float(self.loss[-1]),
                "point": self.params[-1].tolist()}


def _steps(t, where) -> np.ndarray:
    """A step (or array of steps) as floats, checked: numbers, finite."""
    try:
        arr = np.asarray(t, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise UserInputError(f"{where}(t): t must be a step number (or an array of them), got {t!r}") from None
    if not np.isfinite(arr).all():
        bad = t if t is None else (arr if arr.ndim == 0 else arr[~np.isfinite(arr)][0]).item()
        raise UserInputError(f"{where}(t): t must be a finite step number, got {bad!r}")
    return arr


def _json(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.floating, np.integer, np.bool_)):
        return o.item()
    return str(o)
