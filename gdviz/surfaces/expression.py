"""Surfaces typed as expressions, parsed safely and differentiated exactly with sympy.

    >>> s = ExpressionSurface("x**2 + 10*y**2")
    >>> s.grad([1.0, 1.0]).tolist()
    [2.0, 20.0]

The text is parsed with :mod:`ast` and only numbers, the variables, arithmetic (``+ - * / **``,
``^`` as power) and the functions in ``FUNCTIONS`` become sympy objects; anything else is
rejected before any evaluation. User text never reaches ``eval``, ``sympify`` or ``exec``.
The text is plain ASCII: any other character is refused by its code point, with the ASCII it
looks like (Cyrillic ``х``, U+0445, is not ``x``; Python's parser would read ``𝑥`` as ``x``).

What was typed is what is evaluated, in numpy's real arithmetic: where sympy's automatic
simplification would give a part values where the typed part has none (``sqrt(x)**2`` is ``x``,
also for x < 0; ``exp(log(x))`` is ``x``; ``x/x`` is ``1``, also at 0), the formula is refused,
naming the part and a point (see :func:`_same_domain`). Simplifications that keep the domain
(``sqrt(x**2)`` is ``|x|``, ``log(exp(x))`` is ``x``, ``sqrt(4*x)`` is ``2*sqrt(x)``) stay.

Building a surface is bounded in time and memory by structural limits, checked as the formula
is built (each step can only grow it a little, so no step is ever expensive):

- the text: at most ``MAX_LENGTH`` characters and ``MAX_NODES`` parts;
- numbers: every number, typed (``1e13``), computed from numbers alone (``10**13``,
  ``exp(30)``, ``(64**64)**64``) or produced by sympy when it simplifies (``(10*x)**13`` is
  ``10**13*x**13``), is at most ``MAX_CONSTANT`` in size; the numbers are estimated in floating
  point *before* sympy computes them exactly, so towers are refused without being built;
  exact fractions longer than ``MAX_BITS`` bits become 15-digit floats;
- exponents that are numbers: at most ``MAX_EXPONENT``;
- the formula: at most ``MAX_DEPTH`` levels deep and ``MAX_SIZE`` parts (after simplification);
- its derivatives: the gradient at most ``MAX_GRADIENT_SIZE`` parts, the Hessian at most
  ``MAX_HESSIAN_SIZE`` (a short formula can have an enormous derivative: ``cos(cos(...))``),
  which also bounds the work of every later evaluation.
"""
from __future__ import annotations

import ast
import cmath
import functools
import math
import re
import unicodedata

import numpy as np

from .. import arith
from ..errors import UserInputError
from .base import Formula, Surface

MAX_LENGTH = 300
MAX_NODES = 200
MAX_EXPONENT = 64
MAX_CONSTANT = 1e12
MAX_DEPTH = 30            # levels of the formula as sympy holds it (sigmoid(z) adds 4)
MAX_SIZE = 1000           # parts of the formula as sympy holds it
MAX_GRADIENT_SIZE = 2000  # parts of all first derivatives together
MAX_HESSIAN_SIZE = 15000  # parts of all second derivatives together (each pair once)
MAX_BITS = 4096           # an exact fraction longer than this becomes a float
STATIONARY = 1e-6         # a minimum's gradient norm, at most, relative to 1 + |loss|
MAX_VALLEY_PARTS = 1000   # valleys of minima are looked for in formulas (with derivatives) this small

FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs", "tanh", "sinh", "cosh",
             "atan", "arctan", "sigmoid", "softplus")
CONSTANTS = ("pi", "e")
VARIABLE_ORDER = ("x", "y", "w", "b", "w1", "w2", "w0", "u", "v", "theta0", "theta1")

_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b}
_SIMPLIFY = "use fewer functions inside functions, or fewer factors"
# characters that look like (or stand for) plain ASCII, for the suggestion in a refusal; others that
# fold to ASCII under NFKD (mathematical italic x, fullwidth x, accented letters) need no entry
LOOKALIKES = {
    "а": "a", "в": "b", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "ԁ": "d", "ԝ": "w", "ь": "b", "ν": "v", "ο": "o", "υ": "u", "χ": "x", "ω": "w", "α": "a",
    "θ": "theta", "π": "pi", "−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/", "²": "**2",
    "³": "**3", "\u00a0": " ", "\u2009": " ", "\u202f": " "}


def _sigmoid(z: complex) -> complex:
    if z.imag == 0:  # the stable forms: sigmoid(-1000) is 0, not an overflow
        r = z.real
        return complex(1 / (1 + math.exp(-r)) if r >= 0 else math.exp(r) / (1 + math.exp(r)))
    return 1 / (1 + cmath.exp(-z))


def _softplus(z: complex) -> complex:
    if z.imag == 0:
        r = z.real
        return complex(max(r, 0.0) + math.log1p(math.exp(-abs(r))))
    return cmath.log(1 + cmath.exp(z))


# the same functions on (complex) floats: a cheap estimate of any number before sympy computes it
_FLOAT_FUNCS = {"sin": cmath.sin, "cos": cmath.cos, "tan": cmath.tan, "exp": cmath.exp,
                "log": cmath.log, "ln": cmath.log, "sqrt": cmath.sqrt, "abs": lambda z: complex(abs(z)),
                "tanh": cmath.tanh, "sinh": cmath.sinh, "cosh": cmath.cosh, "atan": cmath.atan,
                "arctan": cmath.atan, "sigmoid": _sigmoid, "softplus": _softplus}


@functools.cache
def _sympy():
    """sympy and the whitelisted functions/constants (imported on first use: it is slow)."""
    import sympy as sp

    funcs = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
             "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "tanh": sp.tanh, "sinh": sp.sinh,
             "cosh": sp.cosh, "atan": sp.atan, "arctan": sp.atan,
             "sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "softplus": lambda z: sp.log(1 + sp.exp(z))}
    return sp, funcs, {"pi": sp.pi, "e": sp.E}


@functools.cache
def _real_abs():
    """|u| and sign(u) differentiated as numpy evaluates them, in the reals: d|u| = sign(u) du,
    d sign(u) = 0 (a Dirac delta, zero almost everywhere). sympy's own rule for |u| when it
    cannot prove u real (|log(x)|, |sqrt(x) - 1|) goes through re/im and leaves derivatives it
    cannot finish (and numpy cannot compile)."""
    sp = _sympy()[0]

    class RealSign(sp.Function):
        def fdiff(self, argindex=1):
            return sp.Integer(0)

    class RealAbs(sp.Function):
        def fdiff(self, argindex=1):
            return RealSign(self.args[0])

    return RealAbs, RealSign


def parse_expression(text: str):
    """Parse ``text`` into ``(sympy_expr, variables)``; raise UserInputError when unsafe or bad."""
    if not isinstance(text, str) or not text.strip():
        raise UserInputError("expression is empty; write a formula such as 'x**2 + 10*y**2'")
    if len(text) > MAX_LENGTH:
        raise UserInputError(f"expression is too long ({len(text)} characters; at most {MAX_LENGTH})")
    _check_ascii(text)
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")  # ^ means power
    except SyntaxError as e:
        raise UserInputError(f"expression {text!r} is not valid arithmetic: {e.msg}") from None
    except (ValueError, MemoryError, RecursionError):  # e.g. a NUL character (Python < 3.12)
        raise UserInputError(f"expression {text!r} is not valid arithmetic") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise UserInputError(f"expression is too complex ({nodes} parts; at most {MAX_NODES})")
    symbols: dict = {}
    expr, _ = _build(tree.body, symbols, text)
    sp = _sympy()[0]
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) or any(
            v is not None and abs(v.imag) > 1e-9 * max(1.0, abs(v.real)) for _, v in _constants(expr)):
        raise UserInputError(f"expression {text!r} is undefined or complex (e.g. a division by zero, "
                             "or log or sqrt of a negative number)")
    names = sorted(symbols, key=lambda n: (VARIABLE_ORDER.index(n), n))
    if not names:
        raise UserInputError(f"expression {text!r} has no variable; use x and y (or w and b)")
    if len(names) > 2:
        raise UserInputError(f"expression {text!r} has {len(names)} variables ({', '.join(names)});"
                             " gdviz draws surfaces of 1 or 2 variables")
    return expr, tuple(names)


def _check_ascii(text: str):
    """Refuse any character outside ASCII, naming its code point, before Python's parser folds
    lookalikes (it reads the identifier 𝑥, U+1D465, as x) or calls them unknown (Cyrillic х)."""
    bad = re.search(r"[^\x00-\x7f]", text)
    if bad is None:
        return
    ch = bad.group()
    code = f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
    if ch.isalpha():  # a letter: name the word it is part of
        word = next(m.group() for m in re.finditer(r"\w+", text) if m.start() <= bad.start() < m.end())
        guess = "".join(_ascii_of(c) for c in word)
        known = guess in VARIABLE_ORDER or guess in CONSTANTS or guess in FUNCTIONS
        raise UserInputError(f"expression {text!r} has an unknown name {word!r} ({code}); "
                             + (f"did you mean {guess!r}?" if known else "formulas are plain ASCII: "
                                f"variables {', '.join(VARIABLE_ORDER[:4])}, constants {', '.join(CONSTANTS)}"))
    guess = _ascii_of(ch)
    raise UserInputError(f"expression {text!r} is not valid arithmetic: it uses {ch!r} ({code}); "
                         + (f"did you mean {guess!r}?" if guess != ch else "formulas are plain ASCII"))


def _ascii_of(ch: str) -> str:
    """The ASCII that ``ch`` looks like or stands for (``ch`` itself when none is known)."""
    if ch in LOOKALIKES or ch.isascii():
        return LOOKALIKES.get(ch, ch)
    folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return folded if folded.isascii() and folded.isalnum() else ch


def _build(node, symbols, text):
    """``(sympy expression, value)``: ``value`` is the number's complex-float estimate when the
    part holds no variable, else None. Every limit is checked before the step that could break it."""
    sp, funcs, consts = _sympy()
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if not abs(node.value) <= MAX_CONSTANT:  # also inf (1e999)
            raise _too_large(f"number {node.value!r} is too large")
        expr = sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        return expr, complex(node.value)
    if isinstance(node, ast.Name):
        if node.id in consts:
            return consts[node.id], complex(math.pi if node.id == "pi" else math.e)
        if node.id in VARIABLE_ORDER:
            return symbols.setdefault(node.id, sp.Symbol(node.id, real=True)), None
        raise _reject(f"unknown name '{node.id}'")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner, value = _build(node.operand, symbols, text)
        if isinstance(node.op, ast.UAdd):
            return inner, value
        return _checked(-inner, None if value is None else -value, node, text)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        (left, lv), (right, rv) = _build(node.left, symbols, text), _build(node.right, symbols, text)
        if isinstance(node.op, ast.Pow) and rv is not None and not abs(rv) <= MAX_EXPONENT:
            raise UserInputError(f"exponent {_show(right, rv)} is too large (at most {MAX_EXPONENT})")
        if isinstance(node.op, ast.Div) and right == 0:
            raise UserInputError(f"expression {text!r} divides by zero")
        if isinstance(node.op, ast.Div) and rv == 0:  # exp(-1000): zero in floating point
            raise UserInputError(f"expression {text!r} divides by zero (or by a number too close "
                                 f"to zero: {_src(node.right, text)})")
        value = None
        if lv is not None and rv is not None:
            value = _number(lambda: _BINOPS[type(node.op)](lv, rv), node, text)
        expr, value = _checked(_BINOPS[type(node.op)](left, right), value, node, text)
        return _same_domain(expr, (left, right), _own_restrictions(node.op, left, right), node, text), value
    if isinstance(node, ast.Call):
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if fname not in FUNCTIONS:
            what = (f"function '{fname}'" if fname else
                    f"attribute access (.{node.func.attr})" if isinstance(node.func, ast.Attribute)
                    else "this kind of call")
            raise _reject(what)
        if node.keywords or len(node.args) != 1:
            raise UserInputError(f"{fname}() takes exactly one argument")
        arg, av = _build(node.args[0], symbols, text)
        value = None if av is None else _number(lambda: _FLOAT_FUNCS[fname](av), node, text)
        expr, value = _checked(funcs[fname](arg), value, node, text)
        own = _unmet({("root" if fname == "sqrt" else "log", arg)} if fname in ("sqrt", "log", "ln") else set())
        return _same_domain(expr, (arg,), own, node, text), value
    raise _reject(_describe(node))


def _number(compute, node, text) -> complex:
    """The float estimate of a number computed from numbers alone, checked against MAX_CONSTANT
    before sympy works it out exactly ((64**64)**64 is never built)."""
    try:
        v = complex(compute())
    except ZeroDivisionError:
        raise UserInputError(f"expression {text!r} divides by zero (in {_src(node, text)})") from None
    except ValueError:  # log(0), atan(1j)
        raise UserInputError(f"expression {text!r} is undefined: {_src(node, text)} has no "
                             "value") from None
    except OverflowError:
        v = complex(math.inf)
    if not (cmath.isfinite(v) and abs(v) <= MAX_CONSTANT):
        raise _too_large(f"number {_src(node, text)} is too large ({_amount(v)})")
    return v


def _checked(expr, value, node, text):
    """``expr`` after the step at ``node``: the formula's depth and size, and every number sympy
    produced in it, within the limits (exact fractions too long become floats)."""
    sp = _sympy()[0]
    size, depth, parts = _scan(expr, MAX_SIZE, constants=True)
    if depth > MAX_DEPTH:
        raise UserInputError(f"expression is nested too deeply ({depth} levels at "
                             f"{_src(node, text)}; at most {MAX_DEPTH}): use fewer functions "
                             "inside functions (sigmoid and softplus count as 3-4 levels each)")
    if size > MAX_SIZE:
        raise UserInputError(f"expression is too complex (more than {MAX_SIZE} parts once "
                             f"simplified; {_SIMPLIFY})")
    long = {}
    for c, v in parts:
        if v is None:  # a kind of number we do not estimate: sympy keeps it symbolic
            continue
        if cmath.isnan(v):  # zoo, nan: (x - x)**-1
            raise UserInputError(f"expression {text!r} is undefined: {_src(node, text)} has no value")
        if not (cmath.isfinite(v) and abs(v) <= MAX_CONSTANT):
            shown = "" if c.is_Number or _measure(c, 12)[0] > 12 else f"{sp.sstr(c)} = "
            raise _too_large(f"{_src(node, text)} produces a number that is too large "
                             f"({shown}{_amount(v)})")
        for r in (c.atoms(sp.Rational) if not c.is_Atom else (c,) if c.is_Rational else ()):
            if max(abs(r.p), r.q).bit_length() > MAX_BITS:
                long[r] = sp.Float(r, 15)
    if long:
        expr = expr.xreplace(long)
    return expr, value


# the values each variable takes where a simplification is checked (see _same_domain)
_SAMPLES = sorted({0.0, *(s * v for v in (0.1, 0.5, 1.0, 2.0, 3.0, 7.5, 30.0, 1e3, 1e6, 1e12) for s in (1, -1))},
                  key=lambda v: (abs(v), v))


@functools.lru_cache(maxsize=1024)
def _restrictions(expr) -> frozenset:
    """Where ``expr`` has no value in numpy's real arithmetic, as ``(kind, b)`` pairs: ``("root",
    b)``, b**p with p not a whole number, needs b >= 0; ``("log", b)`` needs b >= 0 (log(0) is
    -inf, a value); ``("pole", b)``, b**p with p < 0, needs b != 0. Those sympy proves always met
    are left out (sqrt(x**2 + 1), 1/exp(x))."""
    sp = _sympy()[0]
    out = set()
    for e in expr.atoms(sp.Pow, sp.log):
        out |= _unmet({("log", e.args[0])}) if isinstance(e, sp.log) else _own_restrictions(ast.Pow(), *e.args)
    return frozenset(out)


def _own_restrictions(op, left, right) -> set:
    """The restrictions of the step ``left ** right`` or ``left / right``."""
    out = set()
    if isinstance(op, ast.Div):
        out.add(("pole", right))
    elif isinstance(op, ast.Pow):
        if not (right.is_integer or right.is_Float and float(right).is_integer()):  # x**0.5, x**y; not x**2.0
            out.add(("root", left))
        if right.is_negative or not right.is_number:
            out.add(("pole", left))
    return _unmet(out)


def _unmet(restrictions) -> set:
    """The restrictions sympy cannot prove always met, on parts with a variable (a number's own
    domain is checked when it is computed). b >= 0 is also met where b is a root (x**0.5 is
    never negative where it has a value), which sympy cannot prove for complex roots."""
    met = {"root": lambda b: b.is_nonnegative or _is_root(b), "log": lambda b: b.is_nonnegative or _is_root(b),
           "pole": lambda b: b.is_zero is False}
    return {(kind, b) for kind, b in restrictions if not b.is_number and met[kind](b) is not True}


def _is_root(b) -> bool:
    return b.is_Pow and ("root", b.base) in _own_restrictions(ast.Pow(), b.base, b.exp)


def _same_domain(expr, operands, own, node, text):
    """``expr``, the step at ``node`` as sympy built it, unless sympy's automatic simplification
    gave it values where what was typed has none: ``sqrt(x)**2`` is ``x``, ``exp(log(x))`` is
    ``x``, ``x/x`` is ``1``. A restriction of the typed step (its operands' and its own, see
    :func:`_restrictions`) that ``expr`` no longer has is checked at the points of ``_SAMPLES``:
    where it fails, the typed step is NaN or infinite, so ``expr`` must not be finite there."""
    lost = set(own).union(*(_restrictions(o) for o in operands)) - _restrictions(expr)
    if not lost:
        return expr
    sp = _sympy()[0]
    syms = sorted(set().union(*(o.free_symbols for o in operands)), key=lambda v: v.name)
    grid = np.meshgrid(*[np.array(_SAMPLES)] * len(syms), indexing="ij")
    cols = [g.ravel() for g in grid]
    order = np.argsort(sum(np.abs(c) for c in cols), kind="stable")  # small numbers first
    cols = [c[order] for c in cols]
    with np.errstate(all="ignore"):
        defined = np.isfinite(np.broadcast_to(_compile(syms, expr)(*cols), cols[0].shape))
        for kind, b in sorted(lost, key=str):
            at = np.broadcast_to(_compile(syms, b)(*cols), cols[0].shape)
            fails = (at == 0) if kind == "pole" else (at < 0)
            where = np.flatnonzero(fails & defined)
            if where.size:
                point = ", ".join(f"{v} = {c[where[0]]:g}" for v, c in zip(syms, cols))
                raise UserInputError(f"expression {text!r}: sympy would simplify {_src(node, text)} to "
                                     f"{sp.sstr(expr)}, which has values where {_src(node, text)} has none "
                                     f"(e.g. at {point}); gdviz evaluates what you type: type "
                                     f"{sp.sstr(expr)} if you mean it")
    return expr


def _measure(expr, limit: int):
    """``(size, depth)`` of a sympy tree; counting stops just past ``limit`` parts (a tree that
    shares parts can be far larger than its memory)."""
    size, depth, _ = _scan(expr, limit)
    return size, depth


def _scan(expr, limit: int, constants: bool = False):
    """``(size, depth, parts)``: with ``constants``, ``parts`` are the largest subtrees with no
    variable (numbers), each with its float estimate. One pass, stopped past ``limit`` parts."""
    size = depth = 0
    order, stack = [], [(expr, 1)]
    while stack:
        e, d = stack.pop()
        size += 1
        depth = max(depth, d)
        if size > limit:
            return size, depth, []
        if constants:
            order.append(e)
        stack.extend((a, d + 1) for a in e.args)
    if not constants:
        return size, depth, []
    variable = {}
    for e in reversed(order):  # every part comes after its parent in `order`: children first
        variable[id(e)] = e.is_Symbol or any(variable[id(a)] for a in e.args)
    parts, stack = [], [expr]
    while stack:
        e = stack.pop()
        if variable[id(e)]:
            stack.extend(e.args)
        else:
            parts.append((e, _estimate(e)))
    return size, depth, parts


def _constants(expr):
    """The largest parts of ``expr`` with no variable, each with its float estimate."""
    return _scan(expr, math.inf, constants=True)[2]


class _Unknown(Exception):
    pass


def _estimate(e):
    """``e`` (no variable) in complex floating point: inf when too large, nan when undefined,
    None for a kind of number :func:`_approx` does not know."""
    try:
        return complex(_approx(e))
    except _Unknown:
        return None
    except OverflowError:
        return complex(math.inf)
    except (ZeroDivisionError, ValueError, TypeError):
        return complex(math.nan)


def _approx(e):
    """The value of ``e`` in IEEE style: real floats while it is real, an overflow is inf (so
    1/(1 + exp(1000)), sympy's sigmoid(-1000), is 0 as numpy will find it), complex otherwise."""
    sp = _sympy()[0]
    if e.is_Rational:
        try:
            return e.p / e.q
        except OverflowError:
            return math.copysign(math.inf, e.p)
    if e.is_Float:
        return float(e)
    if e is sp.pi:
        return math.pi
    if e is sp.E:
        return math.e
    if e is sp.I:
        return 1j
    if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return math.nan
    if e.is_Add:
        return _real(sum((_approx(a) for a in e.args), 0.0))
    if e.is_Mul:
        return _real(math.prod((_approx(a) for a in e.args), start=1.0))
    if e.is_Pow:
        return _ieee(lambda b, x: b ** x, _approx(e.base), _approx(e.exp))
    name = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
            sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.atan: "atan",
            sp.Abs: "abs"}.get(type(e))
    if name is None or len(e.args) != 1:
        raise _Unknown(e)
    return _ieee(_FLOAT_FUNCS[name], _approx(e.args[0]))


def _ieee(f, *args):
    """``f(*args)`` with Python's exceptions turned into IEEE values: overflow is inf (with the
    sign of a real result), 0**-1 and log(0) are nan."""
    try:
        return _real(f(*args))
    except OverflowError:
        return math.inf
    except (ZeroDivisionError, ValueError):
        return math.nan


def _real(v):
    return v.real if isinstance(v, complex) and v.imag == 0 else v


def _too_large(what: str) -> UserInputError:
    return UserInputError(f"{what}; numbers, typed or computed, may be at most {MAX_CONSTANT:g}")


def _amount(v: complex) -> str:
    return f"{abs(v):.3g}" if cmath.isfinite(v) else "beyond 1e308"


def _show(expr, value) -> str:
    return str(expr) if expr.is_Number else f"{value.real:.6g}" if value.imag == 0 else str(value)


def _src(node, text) -> str:
    src = ast.get_source_segment(text.strip().replace("^", "**"), node) or ast.unparse(node)
    return src if len(src) <= 60 else src[:57] + "..."


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


def _derivatives(expr, syms, text):
    """Gradient and Hessian (each pair of variables once), each checked against its size limit
    before the next is computed: the work of differentiating, compiling and evaluating them
    stays bounded."""
    sp = _sympy()[0]
    RealAbs, RealSign = _real_abs()
    if expr.has(sp.Abs):
        expr = expr.replace(lambda e: isinstance(e, sp.Abs) and e.args[0].is_extended_real is not True,
                            lambda e: RealAbs(e.args[0]))
    grad = [sp.diff(expr, s) for s in syms]
    if any(g.has(sp.zoo, sp.nan, sp.I, sp.Derivative) for g in grad):
        raise UserInputError(f"expression {text!r} has no usable derivative")
    size = sum(_measure(g, MAX_GRADIENT_SIZE)[0] for g in grad)
    if size > MAX_GRADIENT_SIZE:
        raise UserInputError(f"expression {text!r} has too large a gradient (more than "
                             f"{MAX_GRADIENT_SIZE} parts; {_SIMPLIFY})")
    n = len(syms)
    hess = [[None] * n for _ in range(n)]
    total = 0
    for i in range(n):
        for j in range(i, n):
            h = sp.diff(grad[i], syms[j])
            total += _measure(h, MAX_HESSIAN_SIZE)[0]
            if total > MAX_HESSIAN_SIZE:
                raise UserInputError(f"expression {text!r} has too large second derivatives "
                                     f"(more than {MAX_HESSIAN_SIZE} parts; {_SIMPLIFY})")
            if h.has(sp.DiracDelta):  # |x|'' is a Dirac delta: zero almost everywhere,
                h = h.replace(sp.DiracDelta, lambda *a: sp.Integer(0))  # as a sampled Hessian shows
            if h.has(sp.zoo, sp.nan, sp.I, sp.Derivative):
                raise UserInputError(f"expression {text!r} has no usable second derivative")
            hess[i][j] = hess[j][i] = h
    back = {RealAbs: sp.Abs, RealSign: sp.sign}
    for old, new in back.items():
        grad = [g.replace(old, new) for g in grad]
        hess = [[h.replace(old, new) for h in row] for row in hess]
    return grad, hess


@functools.cache
def _printer():
    """sympy's numpy printer with powers written in exact arithmetic: x**3 as (x*x*x), x**-2 as
    (1/(x*x)), x**(3/2) as (sqrt(x)*x); any other power is numpy.power. Terms are
    printed in the order sympy holds them (sorting them, its default, costs more than the rest
    for large Hessians). The explorer runs the printed operations as they are (gdviz.web.trace),
    so a formula of + - * / and sqrt gives the same bits in the page."""
    from sympy.printing.numpy import NumPyPrinter

    class Printer(NumPyPrinter):
        def _print_Pow(self, expr, rational=False):
            base, e = f"({self._print(expr.base)})", expr.exp
            if e.is_Integer and 1 <= abs(int(e)) <= MAX_EXPONENT:
                product = "(" + "*".join([base] * abs(int(e))) + ")"
                return product if e > 0 else f"(1/{product})"
            if e.is_Rational and e.q == 2 and abs(e.p) <= 2 * MAX_EXPONENT:   # x**(3/2) = sqrt(x)*x
                product = "(" + "*".join([f"numpy.sqrt{base}"] + [base] * (abs(int(e.p)) // 2)) + ")"
                return product if e > 0 else f"(1/{product})"
            return f"numpy.power({base}, {self._print(e)})"

    return Printer({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True,
                    "order": "none"})


def _compile(syms, expr):
    """``expr`` as a numpy function of ``syms`` (sympy's lambdify with :func:`_printer`)."""
    return _sympy()[0].lambdify(syms, expr, "numpy", printer=_printer())


class ExpressionSurface(Formula):
    """A surface from a formula the user typed, e.g. ``"x**2 + 10*y**2"`` or ``"(w-3)**2"``.

    Gradient and Hessian are exact (sympy's derivatives, compiled to numpy). ``bounds``
    default to (-4, 4) per variable; ``start`` to the corner-ish point 80% of the way out;
    ``minima`` are found numerically (grid search refined by Newton's method), those of the loss
    as computed in floating point. A minimum that is not isolated, on a valley of minima
    (``x**2 + 0*y``: every point with x = 0), is listed once, at the valley's point nearest the
    window's centre; ``valleys[i]`` is the valley's direction there (zeros for an isolated
    minimum) and ``minima_note`` says it in words.
    """

    name = "expression"
    title = {"en": "Custom surface", "zh": "自定义曲面"}

    def __init__(self, expression: str, bounds=None, start=None):
        expr, names = parse_expression(expression)
        sp = _sympy()[0]
        self.dim = len(names)
        syms = [sp.Symbol(n, real=True) for n in names]
        grad, hess = _derivatives(expr, syms, expression)
        self.expression = expression.strip()
        self._loss = _compile(syms, expr)
        self._grads = [_compile(syms, g) for g in grad]
        self._hessians = [[_compile(syms, h) for h in row] for row in hess]
        self.formula = f"${sp.latex(expr)}$"
        if bounds is None:
            bounds = [(-4.0, 4.0)] * self.dim
        bounds = _check_bounds(bounds, self.dim)
        super().__init__(bounds=bounds, minima=np.zeros((0, self.dim)),
                         start=bounds[:, 0] if start is None else start,
                         params={"expression": self.expression, "bounds": bounds.tolist()},
                         variables=names)
        parts = sum(_measure(e, MAX_VALLEY_PARTS)[0] for e in (expr, *grad, *(h for row in hess for h in row)))
        self.minima, self.valleys = _find_minima(self, flat=parts <= MAX_VALLEY_PARTS)
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

    @property
    def minima_note(self) -> str | None:
        """The valleys of minima in words, None when every minimum is isolated. For ``x**2 + 0*y``:
        "the minimum is not isolated: the loss is 0 all along a valley through (0, 0), direction
        (0, 1); minima lists one point of each valley, the nearest to the window's centre"."""
        valleys = [f"the loss is {_shown(float(self._value(m)))} all along a valley through {_pair(m)}, "
                   f"direction {_pair(v)}" for m, v in zip(self.minima, self.valleys) if v.any()]
        if not valleys:
            return None
        return (f"the minimum is not isolated: {'; '.join(valleys)}; minima lists one point of each valley, "
                "the nearest to the window's centre")

    def symbolic(self):
        """The typed formula as sympy parsed it (the same tree ``value`` and ``grad`` are compiled
        from): ``ExpressionSurface("x^2 + 10*y^2").symbolic()`` is ``x**2 + 10*y**2``."""
        return parse_expression(self.expression)[0]

    quiet = True   # a typed formula may be undefined in places: NaN there, no warning

    def _f(self, *xs):
        return self._loss(*xs)

    def _fg(self, *xs):
        return self._loss(*xs), [g(*xs) for g in self._grads]

    def _h(self, *xs):
        return [[h(*xs) for h in row] for row in self._hessians]


def _shown(v: float) -> str:
    return "0" if abs(v) < 1e-12 else f"{v:.6g}"


def _pair(p) -> str:
    return "(" + ", ".join(_shown(float(v)) for v in p) + ")"


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
    if _stationary(s, p):
        return True
    v = s._value(p)
    for i in range(s.dim):
        for sign in (-1, 1):
            q = p.copy()
            q[i] += sign * spacing[i] / 10
            if not s._value(q) >= v:
                return False
    return True


def _newton(s: Surface, p, steps: int = 30):
    """Newton's method from every row of ``p`` at once (one evaluation per step for all of
    them): a row stops where its Hessian is not finite or not positive definite."""
    p = p.copy()
    active = np.arange(len(p))
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if not active.size:
                break
            h, g = s._hessian(p[active]), s._grad(p[active])
            ok = np.isfinite(h).all(axis=(1, 2)) & np.isfinite(g).all(axis=1)
            ok[ok] = arith.eigh(h[ok]).min(axis=1) > 0   # positive definite, so not singular
            step = arith.solve(h, g)
            p[active[ok]] -= step[ok]
            active = active[ok]
    return p


def _find_minima(s: Surface, n: int = 81, keep: int = 8, flat: bool = True):
    """``(minima, valleys)`` inside ``s.bounds``: the lowest point of each group of touching grid
    points that are no higher than any neighbour, refined by Newton's method and then by steps
    along the gradient (:func:`_slide`, which also reaches a valley floor, where the Hessian is
    singular). ``valleys[i]`` is the direction of the valley of minima through ``minima[i]``
    (zeros when it is isolated); a valley's minimum is its point nearest the window's centre.
    A point where the loss is flat all around (a plateau, such as tanh saturating) is none.
    Without ``flat`` (a formula too large to search for valleys in bounded time, see
    ``MAX_VALLEY_PARTS``), only grid points below all their neighbours, refined by Newton."""
    axes = [np.linspace(lo, hi, n) for lo, hi in s.bounds]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1)
    z = s._value(grid)
    # a minimum is an interior grid point no higher than its neighbours, every one of them
    # finite: the window's edge and the rim of a singularity (1/x) are not minima
    pad = np.pad(np.where(np.isfinite(z), z, -np.inf), 1, constant_values=-np.inf)
    is_min = np.isfinite(z)
    for shift in np.ndindex(*(3,) * s.dim):
        if all(k == 1 for k in shift):
            continue
        sl = tuple(slice(k, k + n) for k in shift)
        is_min &= (z <= pad[sl]) if flat else (z < pad[sl])
    centre = s.bounds.mean(axis=1)
    cand = _lowest_of_groups(grid, z, is_min, centre)
    spacing = (s.bounds[:, 1] - s.bounds[:, 0]) / (n - 1)
    out = []
    with np.errstate(all="ignore"):
        first = _newton(s, cand[: 4 * keep])
        short = np.flatnonzero([flat and not _stationary(s, p) for p in first])
        for i, slid in zip(short, _slide(s, first[short])):  # where Newton stopped short of a valley's floor
            if _stationary(s, slid):
                first[i] = slid
        for p in first:
            if not _inside(s, p) or any(np.abs(p - q).max() < 1e-4 for q, _ in out) \
                    or not _is_local_min(s, p, spacing) or _on_a_floor(s, p, [q for q, v in out if v.any()]):
                continue
            direction = _valley(s, p, spacing) if flat else np.zeros(s.dim)
            if direction is None:  # no minimum after all
                continue
            if direction.any():
                p, direction = _nearest_centre(s, p, direction, centre, spacing)
            if not any(np.abs(p - q).max() < 1e-4 for q, _ in out):
                out.append((p, direction))
    out.sort(key=lambda m: float(s._value(m[0])))
    out = out[:keep]
    return (np.array([p for p, _ in out]).reshape(-1, s.dim), np.array([v for _, v in out]).reshape(-1, s.dim))


def _on_a_floor(s: Surface, p, valleys) -> bool:
    """Whether ``p`` lies on the floor of the valley through one of the minima ``valleys``
    (one point per valley): sliding down from the segment between them ends at that loss."""
    v = s._value(np.array(valleys).reshape(-1, s.dim))
    same = np.abs(v - s._value(p)) <= 1e-12 * (1 + np.abs(v))
    if not same.any():
        return False
    qs = np.array(valleys)[same]
    t = np.array([0.25, 0.5, 0.75])[None, :, None]
    floor = _slide(s, (qs[:, None] + t * (p - qs[:, None])).reshape(-1, s.dim), 20)
    level = v[same][:, None]
    return bool((np.abs(s._value(floor).reshape(len(qs), 3) - level) <= 1e-12 * (1 + np.abs(level))).all(-1).any())


def _inside(s: Surface, p) -> bool:
    return bool(np.isfinite(p).all() and ((p >= s.bounds[:, 0]) & (p <= s.bounds[:, 1])).all())


def _lowest_of_groups(grid, z, mask, centre):
    """One point per group of touching ``mask`` cells (the 3**d - 1 cells around each): its
    lowest, then nearest ``centre``; lowest groups first."""
    left = {tuple(c) for c in np.argwhere(mask)}
    around = [tuple(k - 1 for k in shift) for shift in np.ndindex(*(3,) * mask.ndim) if any(k != 1 for k in shift)]
    best = []
    while left:
        stack = [min(left)]
        left.remove(stack[0])
        group = []
        while stack:
            cell = stack.pop()
            group.append(cell)
            for step in around:
                nb = tuple(c + k for c, k in zip(cell, step))
                if nb in left:
                    left.remove(nb)
                    stack.append(nb)
        best.append(min(group, key=lambda c: (z[c], float(((grid[c] - centre) ** 2).sum()), c)))
    best.sort(key=lambda c: (z[c], float(((grid[c] - centre) ** 2).sum()), c))
    return np.array([grid[c] for c in best]).reshape(-1, grid.shape[-1])


def _slide(s: Surface, p, steps: int = 50):
    """From every row of ``p``, steps along the gradient to the lowest point of the loss's
    quadratic model on that line, ``p - (g.g / g.H.g) g``: where Newton's method stops at a
    singular Hessian (a valley's floor is flat along the valley) this still reaches the floor, in
    one step for a quadratic valley. A row stops where g.H.g is not positive or a step would not
    lower the loss by more than rounding."""
    p = p.copy()
    active = np.arange(len(p))
    with np.errstate(all="ignore"):
        for _ in range(steps):
            if not active.size:
                break
            q = p[active]
            g, h = s._grad(q), s._hessian(q)
            gg = arith.sumsq(g)
            ghg = (g[:, :, None] * h * g[:, None, :]).sum((1, 2))
            new = q - (gg / ghg)[:, None] * g
            before = s._value(q)
            ok = (ghg > 0) & np.isfinite(new).all(-1) & (s._value(new) < before - 1e-14 * (1 + np.abs(before)))
            p[active[ok]] = new[ok]
            active = active[ok]
    return p


def _stationary(s: Surface, p) -> bool:
    """Whether the gradient at ``p`` is zero, to ``STATIONARY`` relative to the loss."""
    g, v = s._grad(p), s._value(p)
    return bool(np.isfinite(g).all() and arith.norm(g) <= STATIONARY * (1 + abs(v)))


def _valley(s: Surface, p, spacing):
    """The direction (a unit vector) of the valley of minima through the minimum ``p``; zeros
    when ``p`` is isolated; None when ``p`` is no minimum after all: the loss is flat all around
    it (it stops changing in floating point, as tanh far out), or lower elsewhere on the floor.
    From ``p`` +- a grid step along 8 directions, slide back down (:func:`_slide`): where that
    ends at ``p``'s loss at least half a step from ``p``, the valley runs that way; its floor,
    followed across the window, must nowhere be lower."""
    delta = float(spacing.min())
    a = np.arange(8) * (np.pi / 8)
    units = np.array([[1.0], [-1.0]]) if s.dim == 1 else np.stack([np.cos(a), np.sin(a)], -1)
    starts = np.concatenate([p + delta * units, p - delta * units])
    v = float(s._value(p))
    tol = 1e-12 * (1 + abs(v))
    if (np.abs(s._value(starts) - v) <= tol).all():
        return None
    if s.dim == 1:
        return np.zeros(1)
    ends = _slide(s, starts, 20)
    apart = arith.norm(ends - p)
    flat = (np.abs(s._value(ends) - v) <= tol) & (apart >= delta / 2)
    if not flat.any():
        return np.zeros(s.dim)
    far = int(np.argmax(np.where(flat, apart, -1)))
    direction = (ends[far] - p) / apart[far]
    direction = direction if direction[np.flatnonzero(np.abs(direction) > 1e-12)[0]] > 0 else -direction
    span = float(arith.norm(s.bounds[:, 1] - s.bounds[:, 0]))
    walk = p + np.linspace(-span, span, 17)[:, None] * direction
    floor = _slide(s, walk[((walk >= s.bounds[:, 0]) & (walk <= s.bounds[:, 1])).all(-1)], 20)
    return None if (s._value(floor) < v - tol).any() else direction


def _nearest_centre(s: Surface, p, direction, centre, spacing):
    """The point of the valley through ``p`` nearest ``centre``: project ``centre`` onto the
    valley's line, slide down to its floor, and again (a curved valley) while that stays a
    minimum of the same loss inside the window."""
    v = float(s._value(p))
    for _ in range(3):
        q = _slide(s, (p + ((centre - p) @ direction) * direction)[None])[0]
        same = abs(float(s._value(q)) - v) <= 1e-12 * (1 + abs(v))
        if not (_inside(s, q) and same and _is_local_min(s, q, spacing)):
            break
        moved = np.abs(q - p).max()
        turned = _valley(s, q, spacing)
        if turned is None or not turned.any():
            break
        p, direction = q, turned
        if moved < 1e-12:
            break
    return p, direction
