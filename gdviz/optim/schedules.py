"""Learning-rate schedules: plain callables ``f(step) -> lr`` (step = 0, 1, 2, ...).

    >>> inverse_sqrt(0.5)(3)      # eta / sqrt(t + 1), seed 004's adaptive rate
    0.25

``lr0`` may be a number or an array of shape (B,) (one rate per batch member).
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

    def __call__(self, step):
        return self.lr0 * self.gamma ** (step // self.step_size)


@dataclass(frozen=True)
class Exponential(Schedule):
    """lr_t = lr0 * gamma ** t   (torch's ExponentialLR)."""

    gamma: float = 0.99
    name = "exponential"

    def __call__(self, step):
        return self.lr0 * self.gamma ** step


@dataclass(frozen=True)
class Cosine(Schedule):
    """lr_t = lr_min + (lr0 - lr_min) (1 + cos(pi min(t, T) / T)) / 2   (torch's CosineAnnealingLR)."""

    t_max: int = 1000
    lr_min: float = 0.0
    name = "cosine"

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
    lr0 = positive_number("lr", lr0)
    cls = SCHEDULES[key]
    allowed = [f for f in cls.__dataclass_fields__ if f != "lr0"]
    for k in kwargs:
        if k not in allowed:
            raise UserInputError(f"unknown parameter '{k}' for schedule '{key}'; "
                                 f"accepted: {', '.join(allowed) or 'none'}")
    if "gamma" in kwargs:
        kwargs["gamma"] = number_in("gamma", kwargs["gamma"], 0.0, 1.0, hi_open=False)
    for k in ("step_size", "t_max"):
        if k in kwargs:
            v = positive_number(k, kwargs[k])
            if isinstance(v, float) and not v.is_integer() or v < 1:
                raise UserInputError(f"{k} must be a whole number of steps >= 1, got {kwargs[k]!r}")
            kwargs[k] = int(v)
    if "lr_min" in kwargs:
        kwargs["lr_min"] = positive_number("lr_min", kwargs["lr_min"], allow_zero=True)
    return cls(lr0, **kwargs)


def describe() -> dict[str, str]:
    """One line per schedule, for ``gdviz list``."""
    return {n: c.__doc__.strip().splitlines()[0] for n, c in SCHEDULES.items()}


def as_schedule(lr) -> Schedule | object:
    """A number or (B,) array becomes ``Constant``; a callable is used as it is."""
    if isinstance(lr, Schedule) or (callable(lr) and not isinstance(lr, np.ndarray)):
        return lr
    if lr is None:
        raise UserInputError("lr is required")
    return Constant(positive_number("lr", lr))
