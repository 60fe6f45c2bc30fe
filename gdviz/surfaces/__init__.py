"""Loss surfaces: ``surface(name_or_expression, **params)`` builds one.

    >>> surface("rosenbrock").minima.tolist()
    [[1.0, 1.0]]
    >>> surface("x**2 + 10*y**2").grad([1.0, 1.0]).tolist()
    [2.0, 20.0]
"""
from __future__ import annotations

import inspect
import re

from ..errors import UserInputError, unknown_name
from .analytic import Beale, Bowl, EggCrate, Elongated, Himmelblau, Parabola, Rosenbrock, Saddle
from .base import Surface
from .data import LinearRegression, LogisticRegression, TwoFeatureRegression
from .expression import VARIABLE_ORDER, ExpressionSurface

SURFACES: dict[str, type[Surface]] = {
    cls.name: cls for cls in (Parabola, Bowl, Elongated, EggCrate, Rosenbrock, Himmelblau, Beale,
                              Saddle, LinearRegression, LogisticRegression, TwoFeatureRegression)
}

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def surface(name_or_expression: str, **params) -> Surface:
    """Build a surface by registry name (see ``SURFACES``) or from an expression such as
    ``"x**2 + 10*y**2"`` or ``"(w-3)**2"``. Keyword ``params`` go to the surface's constructor."""
    if isinstance(name_or_expression, Surface):
        return name_or_expression
    if not isinstance(name_or_expression, str):
        raise UserInputError(f"surface must be a name or an expression string, got {name_or_expression!r}")
    text = name_or_expression.strip()
    key = text.lower().replace("_", "-")
    key = {"eggcrate": "egg-crate", "egg": "egg-crate", "linear": "linear-regression",
           "logistic": "logistic-regression"}.get(key, key)
    if key in SURFACES:
        return _construct(SURFACES[key], params)
    if _NAME.match(text) and text not in VARIABLE_ORDER:
        raise unknown_name("surface", text, SURFACES)
    return _construct(ExpressionSurface, {"expression": text, **params})


def _construct(cls, params):
    sig = inspect.signature(cls.__init__)
    accepted = [p for p in sig.parameters if p != "self"]
    unknown = [k for k in params if k not in accepted]
    if unknown:
        name = cls.name if cls is not ExpressionSurface else "an expression surface"
        raise UserInputError(f"unknown parameter '{unknown[0]}' for {name}; "
                             f"accepted: {', '.join(a for a in accepted if a != 'expression') or 'none'}")
    return cls(**params)


def describe() -> dict[str, str]:
    """One line per surface, for ``gdviz list``."""
    return {name: (cls.__doc__ or "").strip().splitlines()[0] for name, cls in SURFACES.items()}


__all__ = ["Surface", "SURFACES", "surface", "describe", "ExpressionSurface"]
