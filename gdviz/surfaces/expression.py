"""Surfaces typed as expressions, parsed safely and differentiated exactly with sympy.

    >>> s = ExpressionSurface("x**2 + 10*y**2")
    >>> s.grad([1.0, 1.0]).tolist()
    [2.0, 20.0]

The text is parsed with :mod:`ast` and only numbers, the variables, arithmetic (``+ - * / **``,
``^`` as power) and the functions in ``FUNCTIONS`` become sympy objects; anything else is
rejected before any evaluation. User text never reaches ``eval``, ``sympify`` or ``exec``.
"""
from __future__ import annotations

import ast

import functools

import numpy as np

from ..errors import UserInputError
from .base import Surface

MAX_LENGTH = 300
MAX_NODES = 200
MAX_EXPONENT = 64
MAX_CONSTANT = 1e12

FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs", "tanh", "sinh", "cosh",
             "atan", "arctan", "sigmoid", "softplus")
CONSTANTS = ("pi", "e")
VARIABLE_ORDER = ("x", "y", "w", "b", "w1", "w2", "w0", "u", "v", "theta0", "theta1")

_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: None}


@functools.cache
def _sympy():
    """sympy and the whitelisted functions/constants (imported on first use: it is slow)."""
    import sympy as sp

    funcs = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
             "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "tanh": sp.tanh, "sinh": sp.sinh,
             "cosh": sp.cosh, "atan": sp.atan, "arctan": sp.atan,
             "sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "softplus": lambda z: sp.log(1 + sp.exp(z))}
    return sp, funcs, {"pi": sp.pi, "e": sp.E}


def parse_expression(text: str):
    """Parse ``text`` into ``(sympy_expr, variables)``; raise UserInputError when unsafe or bad."""
    if not isinstance(text, str) or not text.strip():
        raise UserInputError("expression is empty; write a formula such as 'x**2 + 10*y**2'")
    if len(text) > MAX_LENGTH:
        raise UserInputError(f"expression is too long ({len(text)} characters; at most {MAX_LENGTH})")
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")  # ^ means power
    except SyntaxError as e:
        raise UserInputError(f"expression {text!r} is not valid arithmetic: {e.msg}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise UserInputError(f"expression is too complex ({nodes} parts; at most {MAX_NODES})")
    symbols: dict = {}
    expr = _build(tree.body, symbols, text)
    sp = _sympy()[0]
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        raise UserInputError(f"expression {text!r} is undefined or complex (e.g. a division by zero)")
    names = sorted(symbols, key=lambda n: (VARIABLE_ORDER.index(n), n))
    if not names:
        raise UserInputError(f"expression {text!r} has no variable; use x and y (or w and b)")
    if len(names) > 2:
        raise UserInputError(f"expression {text!r} has {len(names)} variables ({', '.join(names)});"
                             " gdviz draws surfaces of 1 or 2 variables")
    return expr, tuple(names)


def _build(node, symbols, text):
    sp, funcs, consts = _sympy()
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if abs(node.value) > MAX_CONSTANT:
            raise UserInputError(f"number {node.value!r} is too large (at most {MAX_CONSTANT:g})")
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
    if isinstance(node, ast.Name):
        if node.id in consts:
            return consts[node.id]
        if node.id in VARIABLE_ORDER:
            return symbols.setdefault(node.id, sp.Symbol(node.id, real=True))
        raise _reject(f"unknown name '{node.id}'")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand, symbols, text)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _build(node.left, symbols, text), _build(node.right, symbols, text)
        if isinstance(node.op, ast.Pow):
            if right.is_number and (not right.is_finite or abs(complex(right)) > MAX_EXPONENT):
                raise UserInputError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
            return left ** right
        if isinstance(node.op, ast.Div) and right == 0:
            raise UserInputError(f"expression {text!r} divides by zero")
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if fname not in FUNCTIONS:
            what = (f"function '{fname}'" if fname else
                    f"attribute access (.{node.func.attr})" if isinstance(node.func, ast.Attribute)
                    else "this kind of call")
            raise _reject(what)
        if node.keywords or len(node.args) != 1:
            raise UserInputError(f"{fname}() takes exactly one argument")
        return funcs[fname](_build(node.args[0], symbols, text))
    raise _reject(_describe(node))


def _reject(what):
    return UserInputError(
        f"expression uses {what}; allowed: numbers, variables {', '.join(VARIABLE_ORDER[:4])}, "
        f"+ - * / ** ^, {', '.join(CONSTANTS)} and functions {', '.join(sorted(FUNCTIONS))}")


def _describe(node):
    if isinstance(node, ast.Attribute):
        return "attribute access"
    if isinstance(node, ast.Constant):
        return f"the literal {node.value!r}"
    return f"'{type(node).__name__}' syntax"


class ExpressionSurface(Surface):
    """A surface from a formula the user typed, e.g. ``"x**2 + 10*y**2"`` or ``"(w-3)**2"``.

    Gradient and Hessian are exact (sympy's derivatives, compiled to numpy). ``bounds``
    default to (-4, 4) per variable; ``start`` to the corner-ish point 80% of the way out;
    ``minima`` are found numerically (grid search refined by Newton's method).
    """

    name = "expression"
    title = {"en": "Custom surface", "zh": "自定义曲面"}

    def __init__(self, expression: str, bounds=None, start=None):
        expr, names = parse_expression(expression)
        sp = _sympy()[0]
        self.dim = len(names)
        syms = [sp.Symbol(n, real=True) for n in names]
        grad = [sp.diff(expr, s) for s in syms]
        if any(g.has(sp.zoo, sp.nan, sp.I) for g in grad):
            raise UserInputError(f"expression {expression!r} has no usable derivative")
        hess = [[sp.diff(g, s) for s in syms] for g in grad]
        # |x|'' is a Dirac delta: zero almost everywhere, which is what a sampled Hessian shows
        hess = [[h.replace(sp.DiracDelta, lambda *a: sp.Integer(0)) for h in row] for row in hess]
        self.expression = expression.strip()
        self._f = sp.lambdify(syms, expr, "numpy")
        self._g = [sp.lambdify(syms, g, "numpy") for g in grad]
        self._h = [[sp.lambdify(syms, h, "numpy") for h in row] for row in hess]
        self.formula = f"${sp.latex(expr)}$"
        if bounds is None:
            bounds = [(-4.0, 4.0)] * self.dim
        bounds = _check_bounds(bounds, self.dim)
        super().__init__(bounds=bounds, minima=np.zeros((0, self.dim)),
                         start=bounds[:, 0] if start is None else start,
                         params={"expression": self.expression, "bounds": bounds.tolist()},
                         variables=names)
        self.minima = _find_minima(self)
        if start is None:
            self.start = self._default_start()

    def _default_start(self):
        """Near a corner of the window (10% in), at the first such point where f is finite."""
        lo, span = self.bounds[:, 0], self.bounds[:, 1] - self.bounds[:, 0]
        for frac in (0.1, 0.9, 0.25, 0.75, 0.4, 0.6):
            p = lo + frac * span
            if np.isfinite(self._value(p)) and np.isfinite(self._grad(p)).all():
                return p
        return lo + 0.1 * span

    def spec(self) -> dict:
        return {"name": self.expression, "params": {"bounds": self.bounds.tolist()}}

    def _cols(self, p):
        return [p[..., i] for i in range(self.dim)]

    def _value(self, p):
        with np.errstate(all="ignore"):
            return np.broadcast_to(self._f(*self._cols(p)), p.shape[:-1]).astype(float)

    def _grad(self, p):
        cols = self._cols(p)
        with np.errstate(all="ignore"):
            return np.stack([np.broadcast_to(g(*cols), p.shape[:-1]) for g in self._g], -1) \
                .astype(float)

    def _hessian(self, p):
        cols = self._cols(p)
        with np.errstate(all="ignore"):
            rows = [np.stack([np.broadcast_to(h(*cols), p.shape[:-1]) for h in r], -1)
                    for r in self._h]
        return np.stack(rows, -2).astype(float)


def _check_bounds(bounds, dim):
    try:
        b = np.asarray(bounds, dtype=float).reshape(dim, 2)
    except (TypeError, ValueError):
        raise UserInputError(f"bounds must be {dim} (min, max) pair(s), got {bounds!r}") from None
    if not np.isfinite(b).all() or (b[:, 1] <= b[:, 0]).any():
        raise UserInputError(f"bounds must be finite (min, max) pairs with min < max, got {b.tolist()}")
    return b


def _is_local_min(s: Surface, p, spacing) -> bool:
    """Stationary (gradient ~ 0), or no lower than its neighbours a tenth of a grid step away
    (kinks like |x - 3| have no zero gradient but are minima)."""
    g, v = s._grad(p), s._value(p)
    if np.isfinite(g).all() and np.linalg.norm(g) <= 1e-6 * (1 + abs(v)):
        return True
    for i in range(s.dim):
        for sign in (-1, 1):
            q = p.copy()
            q[i] += sign * spacing[i] / 10
            if not s._value(q) >= v:
                return False
    return True


def _find_minima(s: Surface, n: int = 81, keep: int = 8):
    """Local minima inside ``s.bounds``: grid points below all neighbours, refined by Newton."""
    axes = [np.linspace(lo, hi, n) for lo, hi in s.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
    z = s._value(grid)
    # a minimum is an interior grid point below all its neighbours, every one of them finite:
    # the window's edge and the rim of a singularity (1/x) are not minima
    pad = np.pad(np.where(np.isfinite(z), z, -np.inf), 1, constant_values=-np.inf)
    is_min = np.isfinite(z)
    for shift in np.ndindex(*(3,) * s.dim):
        if all(k == 1 for k in shift):
            continue
        sl = tuple(slice(k, k + n) for k in shift)
        is_min &= z < pad[sl]
    cand = grid[is_min]
    spacing = (s.bounds[:, 1] - s.bounds[:, 0]) / (n - 1)
    out = []
    with np.errstate(all="ignore"):
        for p in cand[np.argsort(s._value(cand))][: 4 * keep]:
            for _ in range(30):
                h, g = s._hessian(p), s._grad(p)
                if not (np.isfinite(h).all() and np.isfinite(g).all()) or \
                        np.linalg.eigvalsh(h).min() <= 0:
                    break
                p = p - np.linalg.solve(h, g)
            inside = ((p >= s.bounds[:, 0]) & (p <= s.bounds[:, 1])).all()
            if inside and np.isfinite(p).all() and _is_local_min(s, p, spacing) \
                    and not any(np.abs(p - q).max() < 1e-4 for q in out):
                out.append(p)
    out.sort(key=lambda q: float(s._value(q)))
    return np.array(out[:keep]).reshape(-1, s.dim)
