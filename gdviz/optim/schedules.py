"""Learning-rate schedules: plain callables ``f(step) -> lr`` (step = 0, 1, 2, ...).

    >>> inverse_sqrt(0.5)(3)      # eta / sqrt(t + 1), seed 004's adaptive rate
    0.25

``lr0`` may be a number or an array of shape (B,) (one rate per batch member).

The built-in schedules check their parameters when made, so the rates they give need no further
checking. Any other schedule (a plain function, or a subclass of :class:`Schedule`) is called
through :func:`rate_at`, which checks each rate it returns: a finite number >= 0, or an array
of shape (B,) of them, one per batch member.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import arith
from ..errors import UserInputError, number_in, positive_number, unknown_name


@dataclass(frozen=True)
class Schedule:
    """Base: ``name``, the initial rate ``lr0``; calling it gives the rate at a step."""

    lr0: object

    name = "schedule"

    def __post_init__(self):
        object.__setattr__(self, "lr0", _lr0(self.lr0))

    def __call__(self, step):
        raise NotImplementedError

    def describe(self) -> dict:
        d = {"schedule": self.name}
        for k, v in self.__dict__.items():
            d[k] = v.tolist() if isinstance(v, np.ndarray) else v
        return d


@dataclass(frozen=True)
class Constant(Schedule):
    """lr_t = lr0."""

    name = "constant"

    def __call__(self, step):
        return self.lr0


@dataclass(frozen=True)
class InverseSqrt(Schedule):
    """lr_t = lr0 / sqrt(t + 1)."""

    name = "inverse-sqrt"

    def __call__(self, step):
        return self.lr0 / math.sqrt(step + 1)


@dataclass(frozen=True)
class StepDecay(Schedule):
    """lr_t = lr0 * gamma ** floor(t / step_size)   (torch's StepLR)."""

    step_size: int = 100
    gamma: float = 0.5
    name = "step"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "step_size", _whole_steps("step_size", self.step_size))
        object.__setattr__(self, "gamma", _gamma(self.gamma, self.lr0))

    def __call__(self, step):
        return self.lr0 * arith.powi(self.gamma, step // self.step_size)


@dataclass(frozen=True)
class Exponential(Schedule):
    """lr_t = lr0 * gamma ** t   (torch's ExponentialLR)."""

    gamma: float = 0.99
    name = "exponential"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "gamma", _gamma(self.gamma, self.lr0))

    def __call__(self, step):
        return self.lr0 * arith.powi(self.gamma, step)


@dataclass(frozen=True)
class Cosine(Schedule):
    """lr_t = lr_min + (lr0 - lr_min) (1 + cos(pi min(t, T) / T)) / 2   (torch's CosineAnnealingLR)."""

    t_max: int = 1000
    lr_min: float = 0.0
    name = "cosine"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "t_max", _whole_steps("t_max", self.t_max))
        lr_min = _like_lr0("lr_min", positive_number("lr_min", self.lr_min, allow_zero=True), self.lr0)
        object.__setattr__(self, "lr_min", lr_min)

    def __call__(self, step):
        t = min(step, self.t_max)
        return self.lr_min + (self.lr0 - self.lr_min) * (1 + math.cos(math.pi * t / self.t_max)) / 2


@dataclass(frozen=True)
class WarmupCosine(Schedule):
    """lr_t = lr0 (s + (1 - s) t / W) for t < W = warmup, then a cosine down to lr_min at t_max.

    s = start_factor; torch's SequentialLR of LinearLR and CosineAnnealingLR(t_max - W)."""

    warmup: int = 100
    t_max: int = 1000
    lr_min: float = 0.0
    start_factor: float = 1 / 3
    name = "warmup-cosine"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "warmup", _whole_steps("warmup", self.warmup))
        object.__setattr__(self, "t_max", _whole_steps("t_max", self.t_max))
        if self.t_max <= self.warmup:
            raise UserInputError(f"t_max ({self.t_max}) must be larger than warmup ({self.warmup})")
        lr_min = _like_lr0("lr_min", positive_number("lr_min", self.lr_min, allow_zero=True), self.lr0)
        object.__setattr__(self, "lr_min", lr_min)
        object.__setattr__(self, "start_factor", _start_factor(self.start_factor))

    def __call__(self, step):
        """torch's SequentialLR of LinearLR(start_factor, warmup) and CosineAnnealingLR(t_max - warmup)."""
        if step < self.warmup:
            return self.lr0 * (self.start_factor + (1 - self.start_factor) * step / self.warmup)
        t, span = min(step - self.warmup, self.t_max - self.warmup), self.t_max - self.warmup
        return self.lr_min + (self.lr0 - self.lr_min) * (1 + math.cos(math.pi * t / span)) / 2


@dataclass(frozen=True)
class OneCycle(Schedule):
    """torch's OneCycleLR: a cosine up from lr0 / div_factor to lr0, then down to lr0 / (div_factor final_div_factor).

    The way up takes pct_start of total_steps; ``three_phase``: up, back down to lr0 / div_factor,
    then down to the end. torch's momentum cycling is not part of it."""

    total_steps: int = 1000
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False
    name = "one-cycle"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "total_steps", _whole_steps("total_steps", self.total_steps))
        object.__setattr__(self, "pct_start", number_in("pct_start", self.pct_start, 0.0, 1.0, hi_open=False))
        object.__setattr__(self, "div_factor", positive_number("div_factor", self.div_factor))
        object.__setattr__(self, "final_div_factor", positive_number("final_div_factor", self.final_div_factor))
        if not isinstance(self.three_phase, (bool, np.bool_)):
            raise UserInputError(f"three_phase must be true or false, got {self.three_phase!r}")
        up = float(self.pct_start * self.total_steps) - 1
        if up <= 0 or up >= self.total_steps - 1 or (self.three_phase and 2 * up >= self.total_steps - 1):
            raise UserInputError(f"pct_start {self.pct_start:g} of {self.total_steps} steps leaves a phase with no "
                                 "steps; raise total_steps or change pct_start")

    def phases(self):
        """(end step, start rate, end rate) of each phase, as torch lays them out."""
        lo = self.lr0 / self.div_factor
        end = lo / self.final_div_factor
        up = float(self.pct_start * self.total_steps) - 1
        if self.three_phase:
            down = float(2 * self.pct_start * self.total_steps) - 2
            return [(up, lo, self.lr0), (down, self.lr0, lo), (self.total_steps - 1, lo, end)]
        return [(up, lo, self.lr0), (self.total_steps - 1, self.lr0, end)]

    def __call__(self, step):
        step = min(step, self.total_steps - 1)   # torch stops there; the rate then stays at its end
        start = 0.0
        phases = self.phases()
        for i, (end_step, a, b) in enumerate(phases):
            if step <= end_step or i == len(phases) - 1:
                pct = (step - start) / (end_step - start)
                return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)
            start = end_step


@dataclass(frozen=True)
class Warmup(Schedule):
    """lr_t = after(t) (s + (1 - s) min(t, W) / W): a linear warmup over W = warmup steps, s = start_factor.

    ``after``: the schedule warmed up (a constant lr0 if None); torch's LinearLR chained with it.
    ``schedule(name, lr0, warmup=W)`` puts it in front of any schedule."""

    warmup: int = 100
    start_factor: float = 1 / 3
    after: object = None     # the schedule warmed up (None: a constant lr0)
    name = "warmup"

    def __post_init__(self):
        if self.after is not None and not isinstance(self.after, Schedule):
            raise UserInputError("warmup wraps a gdviz schedule (gd.schedule(...), or a Schedule subclass); "
                                 "to warm up a plain function, multiply its rate inside it")
        if self.after is not None:
            object.__setattr__(self, "lr0", self.after.lr0)
        super().__post_init__()
        object.__setattr__(self, "warmup", _whole_steps("warmup", self.warmup))
        object.__setattr__(self, "start_factor", _start_factor(self.start_factor))

    def __call__(self, step):
        base = self.lr0 if self.after is None else self.after(step)
        if step >= self.warmup:
            return base
        return base * (self.start_factor + (1 - self.start_factor) * step / self.warmup)

    def describe(self) -> dict:
        d = {"schedule": self.name, "warmup": self.warmup, "start_factor": self.start_factor}
        return {**d, "after": self.after.describe()} if self.after is not None else {
            **d, "lr0": self.lr0.tolist() if isinstance(self.lr0, np.ndarray) else self.lr0}


SCHEDULES = {cls.name: cls for cls in (Constant, InverseSqrt, StepDecay, Exponential, Cosine, Warmup,
                                       WarmupCosine, OneCycle)}


# every schedule parameter (what the CLI's -H passes to the schedule rather than the optimizer)
PARAMETERS = sorted({f for cls in SCHEDULES.values() for f in cls.__dataclass_fields__} - {"lr0", "after"})


def schedule(name: str, lr0, *, warmup=None, start_factor=None, **kwargs) -> Schedule:
    """Build a schedule by name (see ``SCHEDULES``). ``warmup=N`` (and ``start_factor``) put a
    linear warmup in front of any of them:

        >>> schedule("cosine", 0.1, t_max=500, warmup=50)(0)   # 0.1 / 3
        0.0333...
    """
    key = str(name).lower().replace("_", "-")
    key = {"invsqrt": "inverse-sqrt", "inverse-square-root": "inverse-sqrt", "step-decay": "step",
           "exp": "exponential", "onecycle": "one-cycle", "1cycle": "one-cycle",
           "linear-warmup": "warmup"}.get(key, key)
    if key not in SCHEDULES:
        raise unknown_name("schedule", name, SCHEDULES)
    cls = SCHEDULES[key]
    if cls in (Warmup, WarmupCosine):   # warmup is their own parameter
        kwargs.update({k: v for k, v in (("warmup", warmup), ("start_factor", start_factor)) if v is not None})
        warmup = start_factor = None
    allowed = [f for f in cls.__dataclass_fields__ if f not in ("lr0", "after")]
    for k in kwargs:
        if k not in allowed:
            raise UserInputError(f"unknown parameter '{k}' for schedule '{key}'; "
                                 f"accepted: {', '.join(allowed + ['warmup', 'start_factor'])}")
    made = cls(lr0, **kwargs)  # the parameters are checked by the class
    if warmup is None:
        if start_factor is not None:
            raise UserInputError("start_factor is the warmup's: give warmup=N steps too")
        return made
    return Warmup(made.lr0, warmup, 1 / 3 if start_factor is None else start_factor, after=made)


def warmup(after, steps: int, start_factor: float = 1 / 3) -> Warmup:
    """``after`` (a schedule, or a rate) with a linear warmup over its first ``steps`` steps."""
    if isinstance(after, Schedule):
        return Warmup(after.lr0, steps, start_factor, after=after)
    return Warmup(after, steps, start_factor)


def describe() -> dict[str, str]:
    """One line per schedule, for ``gdviz list``."""
    return {n: c.__doc__.strip().splitlines()[0] for n, c in SCHEDULES.items()}


def as_schedule(lr) -> Schedule | object:
    """A number or (B,) array becomes ``Constant``; a callable is used as it is."""
    if isinstance(lr, Schedule) or (callable(lr) and not isinstance(lr, np.ndarray)):
        return lr
    if lr is None:
        raise UserInputError("lr is required")
    return Constant(lr)


_BUILTIN = frozenset(SCHEDULES.values())


def trusted(schedule) -> bool:
    """True for the built-in schedules: their parameters were checked when they were made, so
    every rate they give is finite, >= 0 and shaped like ``lr0`` (a warmup: when what it warms up is)."""
    if type(schedule) not in _BUILTIN:
        return False
    after = getattr(schedule, "after", None)
    return after is None or trusted(after)


def rate_at(schedule, step, batch: int | None = None):
    """``schedule(step)``, checked: a float, or a float array of shape (``batch``,) (any length
    when ``batch`` is None), finite and >= 0. Anything else, or an exception raised inside the
    schedule, is a :class:`UserInputError` naming the schedule and the step."""
    try:
        lr = schedule(step)
    except Exception as e:
        raise UserInputError(f"{label(schedule, 'learning-rate schedule')} raised {exception_text(e)} "
                             f"at step {step}") from e
    if type(lr) is float:  # the common cases first, cheaply (NaN fails every comparison)
        if 0.0 <= lr < math.inf:
            return lr
    elif type(lr) is np.ndarray and lr.dtype == _F8 and lr.ndim == 1 and lr.shape[0] == batch:
        # min >= 0 rules out NaN and negative rates; a finite a.a (one BLAS call) rules out inf
        if _min(lr) >= 0.0 and lr.dot(lr) < math.inf:
            return lr
    return _checked_rate(schedule, step, lr, batch)


_F8, _min = np.dtype(np.float64), np.minimum.reduce


_NEED = "a rate must be a finite number >= 0"


def _checked_rate(schedule, step, lr, batch):
    who = f"{label(schedule, 'learning-rate schedule')} returned"
    if lr is None or isinstance(lr, (bool, np.bool_, str, bytes)):
        raise UserInputError(f"{who} {lr!r} at step {step}; {_NEED}")
    try:
        arr = np.asarray(lr)
    except Exception:
        arr = np.asarray(None)
    if arr.dtype.kind not in "fiu":
        raise UserInputError(f"{who} {shown(lr)} at step {step}; {_NEED}")
    if arr.ndim == 0:
        value = float(arr)
        if not 0.0 <= value < math.inf:
            raise UserInputError(f"{who} {value:g} at step {step}; {_NEED}")
        return value
    if arr.ndim != 1 or arr.size == 0 or (batch is not None and arr.shape[0] != batch):
        per_run = f"({batch},)" if batch is not None else "(B,)"
        raise UserInputError(f"{who} an array of shape {arr.shape} at step {step}; a schedule returns "
                             f"one rate, or an array of shape {per_run} with one rate per run")
    arr = arr.astype(float, copy=False)
    if not (arr.min() >= 0.0 and arr.max() < math.inf):  # NaN fails the first test
        bad = arr[~(np.isfinite(arr) & (arr >= 0))][0]
        raise UserInputError(f"{who} {bad:g} (one of its {arr.size} rates) at step {step}; {_NEED}")
    return arr


def label(fn, kind: str) -> str:
    """How messages name a user's function: "step function 'halve'", or "your step function"
    for a lambda or an object without a name."""
    name = type(fn).__name__ if isinstance(fn, Schedule) else getattr(fn, "__name__", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return f"{kind} '{name}'"
    return f"your {kind}"


def exception_text(e: BaseException) -> str:
    """``TypeError: the first line of its message`` (one line, at most 200 characters)."""
    lines = str(e).strip().splitlines()
    text = f"{type(e).__name__}: {lines[0]}" if lines else type(e).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def shown(value) -> str:
    """A short description of a returned value, for messages."""
    if isinstance(value, np.ndarray):
        kind = {"c": "complex numbers", "b": "true/false values", "O": "Python objects",
                "U": "text", "S": "bytes"}.get(value.dtype.kind, f"values of type {value.dtype}")
        return f"an array of {kind} of shape {value.shape}"
    if isinstance(value, (complex, np.complexfloating)):
        return f"the complex number {value!r}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def _lr0(value):
    """A rate > 0, or a non-empty 1-D array of them (one per batch member)."""
    if isinstance(value, (bool, np.bool_)):
        raise UserInputError(f"lr must be a number, got {value!r}")
    lr0 = positive_number("lr", value)
    if isinstance(lr0, np.ndarray) and (lr0.ndim != 1 or lr0.size == 0):
        raise UserInputError(f"lr must be a number or a non-empty list of rates (one per run), "
                             f"got an array of shape {lr0.shape}")
    return lr0


def _like_lr0(name, value, lr0):
    """A number, or (for a batch) an array as long as ``lr0``."""
    if isinstance(value, np.ndarray) and not (isinstance(lr0, np.ndarray) and value.shape == lr0.shape):
        n = f"{lr0.shape[0]} rates" if isinstance(lr0, np.ndarray) else "one rate"
        raise UserInputError(f"{name} must be a number, or a list as long as lr ({n}), "
                             f"got an array of shape {value.shape}")
    return value


def _gamma(value, lr0):
    if isinstance(value, (bool, np.bool_)):
        raise UserInputError(f"gamma must be a number, got {value!r}")
    return _like_lr0("gamma", number_in("gamma", value, 0.0, 1.0, hi_open=False), lr0)


def _start_factor(value) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise UserInputError(f"start_factor must be a number from 0 to 1, got {value!r}")
    return float(number_in("start_factor", value, 0.0, 1.0, hi_open=False))


def _whole_steps(name, value) -> int:
    try:
        v = float(value) if np.ndim(value) == 0 and not isinstance(value, (bool, np.bool_)) else math.nan
    except (TypeError, ValueError, OverflowError):
        v = math.nan
    if not (v.is_integer() and v >= 1):  # NaN and inf are not integers
        raise UserInputError(f"{name} must be a whole number of steps >= 1, got {value!r}")
    return int(v)
