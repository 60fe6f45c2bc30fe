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
        return self.lr0 * self.gamma ** (step // self.step_size)


@dataclass(frozen=True)
class Exponential(Schedule):
    """lr_t = lr0 * gamma ** t   (torch's ExponentialLR)."""

    gamma: float = 0.99
    name = "exponential"

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "gamma", _gamma(self.gamma, self.lr0))

    def __call__(self, step):
        return self.lr0 * self.gamma ** step


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


SCHEDULES = {cls.name: cls for cls in (Constant, InverseSqrt, StepDecay, Exponential, Cosine)}


def schedule(name: str, lr0, **kwargs) -> Schedule:
    """Build a schedule by name: constant, inverse-sqrt, step, exponential, cosine."""
    key = str(name).lower().replace("_", "-")
    key = {"invsqrt": "inverse-sqrt", "inverse-square-root": "inverse-sqrt", "step-decay": "step",
           "exp": "exponential"}.get(key, key)
    if key not in SCHEDULES:
        raise unknown_name("schedule", name, SCHEDULES)
    cls = SCHEDULES[key]
    allowed = [f for f in cls.__dataclass_fields__ if f != "lr0"]
    for k in kwargs:
        if k not in allowed:
            raise UserInputError(f"unknown parameter '{k}' for schedule '{key}'; "
                                 f"accepted: {', '.join(allowed) or 'none'}")
    return cls(lr0, **kwargs)  # the parameters are checked by the class


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
    every rate they give is finite, >= 0 and shaped like ``lr0``."""
    return type(schedule) in _BUILTIN


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


def _whole_steps(name, value) -> int:
    try:
        v = float(value) if np.ndim(value) == 0 and not isinstance(value, (bool, np.bool_)) else math.nan
    except (TypeError, ValueError, OverflowError):
        v = math.nan
    if not (v.is_integer() and v >= 1):  # NaN and inf are not integers
        raise UserInputError(f"{name} must be a whole number of steps >= 1, got {value!r}")
    return int(v)
