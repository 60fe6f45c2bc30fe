"""The `Surface` base class: a loss over 1 or 2 parameters, vectorised over a batch axis."""
from __future__ import annotations

import contextlib

import numpy as np

from ..errors import UserInputError


class Surface:
    """A loss surface f: R^d -> R (d = 1 or 2) with exact derivatives.

    Every method takes points of shape ``(..., d)`` and broadcasts over the leading axes:
    ``value(p)`` has shape ``(...)``, ``grad(p)`` ``(..., d)``, ``hessian(p)`` ``(..., d, d)``.

    Attributes
    ----------
    name : registry name (``gd.surface(name)`` builds it again with ``params``).
    dim : number of parameters, 1 or 2.
    bounds : ``(d, 2)`` array, one (min, max) row per dimension: the plotting window.
    minima : ``(k, d)`` array of known local minima, the global one first.
    start : ``(d,)`` suggested starting point (used when a run names none).
    tol : default convergence tolerance on the gradient norm for this surface.
    title : ``{"en": ..., "zh": ...}``.
    formula : the formula as matplotlib mathtext, e.g. ``r"$x^2 + 10y^2$"``.
    variables : parameter names, e.g. ``("x", "y")`` or ``("w", "b")``.
    params : the keyword parameters the surface was built with.
    log_scale : whether contour plots read better on a log scale (Rosenbrock, Beale).
    n_samples : number of data points for data-driven losses, else ``None``.
    """

    name: str = "surface"
    dim: int = 2
    title: dict = {"en": "Surface", "zh": "曲面"}
    formula: str = ""
    log_scale: bool = False
    n_samples: int | None = None
    tol: float = 1e-6

    def __init__(self, *, bounds, minima, start, params=None, variables=None, tol=None):
        self.bounds = np.asarray(bounds, dtype=float).reshape(self.dim, 2)
        self.minima = np.asarray(minima, dtype=float).reshape(-1, self.dim)
        self.start = np.asarray(start, dtype=float).reshape(self.dim)
        self.params = dict(params or {})
        self.variables = tuple(variables or (("w",) if self.dim == 1 else ("x", "y")))
        if tol is not None:
            self.tol = float(tol)

    # -- public, checked entry points ------------------------------------------------------
    def value(self, p):
        """Loss at points ``p`` of shape ``(..., d)``; returns shape ``(...)``."""
        return self._value(self._points(p))

    def grad(self, p):
        """Gradient at ``p``: shape ``(..., d)``."""
        return self._grad(self._points(p))

    def hessian(self, p):
        """Hessian at ``p``: shape ``(..., d, d)``."""
        return self._hessian(self._points(p))

    # -- fast paths the engine calls on validated float arrays ------------------------------
    def value_and_grad(self, p):
        """``(value(p), grad(p))`` for validated ``p``; subclasses share work where they can."""
        return self._value(p), self._grad(p)

    def batch_grad(self, p, idx):
        """Gradient over the data points ``idx`` only (data-driven losses); here the full one."""
        return self._grad(p)

    def _value(self, p):
        raise NotImplementedError

    def _grad(self, p):
        raise NotImplementedError

    def _hessian(self, p):
        raise NotImplementedError

    def symbolic(self):
        """The loss as a sympy expression in ``sympy.Symbol(v, real=True)`` for each name in
        ``variables``: what the explorer prints to JavaScript, so the page cannot drift from
        ``value`` and ``grad``. Surfaces that have no closed form raise NotImplementedError.

            >>> gd.surface("bowl").symbolic()
            1.0*x**2 + 1.0*y**2
        """
        raise NotImplementedError(f"'{self.name}' has no symbolic form")

    # -- helpers ----------------------------------------------------------------------------
    def _points(self, p):
        try:
            arr = np.asarray(p, dtype=float)
        except (TypeError, ValueError):
            raise UserInputError(f"a point on '{self.name}' must be numbers, got {p!r}") from None
        if self.dim == 1 and arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise UserInputError(
                f"'{self.name}' is {self.dim}-D: points need a last axis of length {self.dim}, "
                f"got shape {arr.shape}")
        return arr

    def spec(self) -> dict:
        """What rebuilds this surface: ``gd.surface(spec["name"], **spec["params"])``."""
        return {"name": self.name, "params": _jsonable(self.params)}

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params.items() if _short(v))
        return f"Surface({self.name!r}{', ' if extra else ''}{extra})"


class Formula(Surface):
    """A surface written as arithmetic on its coordinates, the one source of its numbers: in
    Python, and in the explorer's engine, which runs these very operations (gdviz.web.trace
    prints them to JavaScript, so the page computes the same bits).

    Subclasses define, on columns ``x, y`` (arrays of any shape, or traced values):
    ``_fg(x, y) -> (loss, (dL/dx, dL/dy))`` and ``_h(x, y) -> ((Lxx, Lxy), (Lyx, Lyy))``, and may
    define ``_f(x, y) -> loss`` when the loss alone is cheaper. Use ``+ - * /``, ``x * x`` (not
    ``x ** 3``: numpy's ``pow`` and JavaScript's differ in the last bit) and numpy functions.
    ``quiet``: evaluate with numpy's floating-point warnings off (typed expressions)."""

    quiet = False

    def _f(self, *xs):
        return self._fg(*xs)[0]

    def _fg(self, *xs):
        raise NotImplementedError

    def _h(self, *xs):
        raise NotImplementedError

    def _errors(self):
        return np.errstate(all="ignore") if self.quiet else contextlib.nullcontext()

    def _columns(self, p):
        return [p[..., i] for i in range(self.dim)]

    def _value(self, p):
        with self._errors():
            return _filled(self._f(*self._columns(p)), p.shape[:-1])

    def _grad(self, p):
        return self.value_and_grad(p)[1]

    def value_and_grad(self, p):
        if self.quiet:
            with np.errstate(all="ignore"):
                f, g = self._fg(*self._columns(p))
        else:
            f, g = self._fg(*self._columns(p))
        value, grad = np.empty(p.shape[:-1]), np.empty(p.shape)   # the engine's hot path: no helper
        value[...] = f
        for i, gi in enumerate(g):
            grad[..., i] = gi
        return value, grad

    def _hessian(self, p):
        with self._errors():
            h = self._h(*self._columns(p))
        return _filled(h, p.shape[:-1])


def _filled(v, shape) -> np.ndarray:
    """``v`` (a number or an array; a list of them, or a list of such lists) as a new float array
    of ``shape`` plus one axis per level of list: [g_x, g_y] -> (..., 2)."""
    if isinstance(v, (list, tuple)):
        parts = [_filled(x, shape) for x in v]
        out = np.empty(shape + (len(parts),) + parts[0].shape[len(shape):])
        for i, part in enumerate(parts):
            out[(Ellipsis, i) + (slice(None),) * (part.ndim - len(shape))] = part
        return out
    out = np.empty(shape)
    out[...] = v
    return out


def _short(v) -> bool:
    return isinstance(v, (int, float, str, bool)) and len(repr(v)) < 40


def _jsonable(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if isinstance(v, np.ndarray):
            v = v.tolist()
        if isinstance(v, (np.floating, np.integer)):
            v = v.item()
        out[k] = v
    return out
