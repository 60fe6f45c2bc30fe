"""Optimizers: ``optimizer(name, **hyperparameters)`` and learning-rate schedules.

    >>> opt = optimizer("adam", lr=0.01)
    >>> opt.name, opt.hyperparams["lr"]
    ('adam', 0.01)
"""
from __future__ import annotations

import inspect

from ..errors import UserInputError, unknown_name
from . import transforms
from .optimizers import (
    Optimizer,
    adadelta,
    adagrad,
    adam,
    adamax,
    adamw,
    custom,
    gd,
    lion,
    momentum,
    nadam,
    nesterov,
    newton,
    radam,
    rmsprop,
    rprop,
    stochastic,
)
from .schedules import SCHEDULES, Schedule, schedule

OPTIMIZERS = {"gd": gd, "sgd": stochastic, "momentum": momentum, "nesterov": nesterov,
              "adagrad": adagrad, "adadelta": adadelta, "rmsprop": rmsprop, "adam": adam, "adamw": adamw,
              "nadam": nadam, "radam": radam, "adamax": adamax, "rprop": rprop, "lion": lion, "newton": newton}


def optimizer(name, **hyperparameters) -> Optimizer:
    """Build a named optimizer (see ``OPTIMIZERS``); an :class:`Optimizer` passes through.

    Also wraps foreign optimizers (see :mod:`gdviz.optim.adapters`): a ``torch.optim.Optimizer``
    subclass with its hyperparameters (``optimizer(torch.optim.AdamW, lr=1e-2)``), an optax
    transform (``optimizer(optax.adam(1e-2))``), or one named ``torch:AdamW``,
    ``pytorch_optimizer:Lion`` or ``optax:adam``.

    Hyperparameter names and defaults follow torch.optim; ``lr`` takes a number, a schedule
    (``schedule("cosine", 0.1, t_max=500)`` or any ``f(step) -> lr``) or an array of shape (B,).
    """
    if isinstance(name, Optimizer):
        if hyperparameters:
            raise UserInputError("hyperparameters cannot be applied to a built optimizer")
        return name
    foreign = _foreign(name, hyperparameters)
    if foreign is not None:
        return foreign
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


def _foreign(name, hyperparameters) -> Optimizer | None:
    """A torch class, an optax transform, or ``torch:Name`` / ``optax:name`` (see
    :mod:`gdviz.optim.adapters`, imported only here); None for anything else."""
    import sys

    if isinstance(name, str):
        if ":" not in name:
            return None
        from . import adapters

        return adapters.from_spec(name, **hyperparameters)
    if "torch" not in sys.modules and "optax" not in sys.modules:
        return None  # neither library is loaded, so name cannot be one of theirs
    from . import adapters

    if adapters.is_torch_class(name):
        return adapters.torch_optimizer(name, **hyperparameters)
    if adapters.is_optax(name):
        extra = [k for k in hyperparameters if k != "batch_size"]
        if extra:
            raise UserInputError(f"an optax transform has its hyperparameters set when it is built (e.g. "
                                 f"optax.adam(learning_rate=0.01)), got {extra[0]}=...; gd.optimizer(tx) "
                                 "takes only batch_size=")
        return adapters.optax_optimizer(name, **hyperparameters)
    if adapters.is_torch_instance(name):
        raise UserInputError("pass the optimizer's class and its hyperparameters, e.g. "
                             "gd.optimizer(torch.optim.AdamW, lr=0.01), not a torch optimizer already built")
    if adapters.is_optax_factory(name):
        raise UserInputError(f"call it to make a transform, e.g. gd.optimizer(optax.adam(0.01)), "
                             f"not gd.optimizer({getattr(name, '__name__', 'optax function')})")
    return None


def rule(optimizer: str) -> str:
    """The update rule as written in the optimizer's docstring (its indented lines)."""
    doc = (OPTIMIZERS[optimizer].__doc__ or "") if optimizer in OPTIMIZERS else ""
    lines = [line.strip() for line in doc.splitlines() if line.startswith("        ") and line.strip()]
    return "\n".join(lines) or doc.strip().splitlines()[0] if doc.strip() else ""


def describe() -> dict[str, str]:
    """Per optimizer, for ``gdviz list``: the first line of its docstring and its update rule."""
    out = {}
    for name, factory in OPTIMIZERS.items():
        head, update = factory.__doc__.strip().splitlines()[0].rstrip(":"), rule(name)
        out[name] = head if update in ("", head) else f"{head}\n{update}"
    return out


__all__ = ["Optimizer", "OPTIMIZERS", "optimizer", "custom", "schedule", "Schedule", "SCHEDULES",
           "transforms", "describe", "rule"]
