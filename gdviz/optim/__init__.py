"""Optimizers: ``optimizer(name, **hyperparameters)`` and learning-rate schedules.

    >>> opt = optimizer("adam", lr=0.01)
    >>> opt.name, opt.hyperparams["lr"]
    ('adam', 0.01)
"""
from __future__ import annotations

import inspect

from ..errors import UserInputError, unknown_name
from . import transforms
from .optimizers import (Optimizer, adadelta, adagrad, adam, custom, gd, momentum, nesterov,
                         rmsprop, stochastic)
from .schedules import SCHEDULES, Schedule, schedule

OPTIMIZERS = {"gd": gd, "sgd": stochastic, "momentum": momentum, "nesterov": nesterov,
              "adagrad": adagrad, "adadelta": adadelta, "rmsprop": rmsprop, "adam": adam}


def optimizer(name, **hyperparameters) -> Optimizer:
    """Build a named optimizer (see ``OPTIMIZERS``); an :class:`Optimizer` passes through.

    Hyperparameter names and defaults follow torch.optim; ``lr`` takes a number, a schedule
    (``schedule("cosine", 0.1, t_max=500)`` or any ``f(step) -> lr``) or an array of shape (B,).
    """
    if isinstance(name, Optimizer):
        if hyperparameters:
            raise UserInputError("hyperparameters cannot be applied to a built optimizer")
        return name
    if callable(name):
        return custom(name, **hyperparameters)
    key = str(name).lower().replace("_", "-")
    key = {"sgd-momentum": "momentum", "nag": "nesterov", "rms-prop": "rmsprop",
           "gradient-descent": "gd", "batch": "gd"}.get(key, key)
    if key not in OPTIMIZERS:
        raise unknown_name("optimizer", name, OPTIMIZERS)
    factory = OPTIMIZERS[key]
    accepted = list(inspect.signature(factory).parameters)
    for k in hyperparameters:
        if k not in accepted:
            raise unknown_name(f"hyperparameter for {key}", k, accepted)
    return factory(**hyperparameters)


def describe() -> dict[str, str]:
    """One line per optimizer, for ``gdviz list``."""
    return {n: f.__doc__.strip().splitlines()[0] for n, f in OPTIMIZERS.items()}


__all__ = ["Optimizer", "OPTIMIZERS", "optimizer", "custom", "schedule", "Schedule", "SCHEDULES",
           "transforms", "describe"]
