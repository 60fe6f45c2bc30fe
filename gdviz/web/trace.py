"""A surface's own numpy arithmetic, printed to JavaScript operation for operation.

The page's engine must compute what ``gd.run`` computes, to the bit. Printing the formula a
second time (sympy's JavaScript printer) would group and order the operations its own way, and
the last bits would differ; chaotic runs then part after a few dozen steps. Instead, a surface's
Python code (``Formula._fg``, ``_f``, ``_h``) is run once on :class:`Traced` values: every
``+ - * /`` and numpy function it applies is recorded in the order Python applies it, one
JavaScript statement each. ``+ - * /`` and ``sqrt`` are correctly rounded in both languages, so
the page then gets the same bits; ``sin``, ``exp``, ``pow``... are not (``exact`` is False).

    >>> fn = trace(gd.surface("bowl"), "vg")
    >>> fn.body
    'const t0 = 1.0 * x;\\nconst t1 = t0 * x;\\n...'

Only what numpy computes exactly as JavaScript does is accepted: ``x ** 2`` (numpy squares),
``x ** 0.5`` (numpy's sqrt) and ``x ** -1``; any other power is numpy's ``pow`` and is printed as
``Math.pow`` (inexact). An operation the tracer does not know raises :class:`TraceError`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# numpy function -> (JavaScript template, exact in both languages)
UNARY = {
    "negative": ("-{0}", True), "positive": ("{0}", True), "absolute": ("Math.abs({0})", True),
    "sqrt": ("Math.sqrt({0})", True), "square": ("{0} * {0}", True),
    # numpy's sign: 0 for -0 and +0, NaN for NaN (Math.sign keeps the zero's sign)
    "sign": ("({0} > 0 ? 1 : {0} < 0 ? -1 : {0} === 0 ? 0 : {0})", True),
    "sin": ("Math.sin({0})", False), "cos": ("Math.cos({0})", False), "tan": ("Math.tan({0})", False),
    "exp": ("Math.exp({0})", False), "log": ("Math.log({0})", False), "tanh": ("Math.tanh({0})", False),
    "sinh": ("Math.sinh({0})", False), "cosh": ("Math.cosh({0})", False), "arctan": ("Math.atan({0})", False),
    "log1p": ("Math.log1p({0})", False), "expm1": ("Math.expm1({0})", False),
}
BINARY = {
    "add": ("{0} + {1}", True), "subtract": ("{0} - {1}", True), "multiply": ("{0} * {1}", True),
    "true_divide": ("{0} / {1}", True), "divide": ("{0} / {1}", True),
    "power": ("Math.pow({0}, {1})", False),
    # numpy's maximum and minimum return NaN when either is NaN, as Math.max and Math.min do
    "maximum": ("Math.max({0}, {1})", True), "minimum": ("Math.min({0}, {1})", True),
    "less": ("{0} < {1}", True), "less_equal": ("{0} <= {1}", True), "greater": ("{0} > {1}", True),
    "greater_equal": ("{0} >= {1}", True), "equal": ("{0} === {1}", True), "not_equal": ("{0} !== {1}", True),
}


class TraceError(ValueError):
    """The surface's code does something the page cannot mirror exactly (or at all)."""


class Program:
    """The statements recorded so far: ``(name, template, operands)``, in Python's order."""

    def __init__(self):
        self.statements: list[tuple[str, str, tuple]] = []
        self.exact = True

    def emit(self, template: str, operands, exact: bool) -> Traced:
        index = len(self.statements)
        self.statements.append((f"t{index}", template, tuple(operands)))
        self.exact &= exact
        return Traced(f"t{index}", self, index)


class Traced:
    """A value in the traced code: a variable of the surface (``index`` None) or the result of
    statement ``index``, held by the JavaScript constant ``name``."""

    __slots__ = ("name", "program", "index")
    __array_priority__ = 1000

    def __init__(self, name: str, program: Program, index: int | None = None):
        self.name, self.program, self.index = name, program, index

    def _op(self, fn: str, *args):
        template, exact = BINARY[fn] if len(args) == 2 else UNARY[fn]
        return self.program.emit(template, args, exact)

    __add__ = lambda self, o: self._op("add", self, o)            # noqa: E731
    __radd__ = lambda self, o: self._op("add", o, self)           # noqa: E731
    __sub__ = lambda self, o: self._op("subtract", self, o)       # noqa: E731
    __rsub__ = lambda self, o: self._op("subtract", o, self)      # noqa: E731
    __mul__ = lambda self, o: self._op("multiply", self, o)       # noqa: E731
    __rmul__ = lambda self, o: self._op("multiply", o, self)      # noqa: E731
    __truediv__ = lambda self, o: self._op("true_divide", self, o)   # noqa: E731
    __rtruediv__ = lambda self, o: self._op("true_divide", o, self)  # noqa: E731
    __neg__ = lambda self: self._op("negative", self)             # noqa: E731
    __pos__ = lambda self: self                                   # noqa: E731
    __abs__ = lambda self: self._op("absolute", self)             # noqa: E731
    __lt__ = lambda self, o: self._op("less", self, o)            # noqa: E731
    __le__ = lambda self, o: self._op("less_equal", self, o)      # noqa: E731
    __gt__ = lambda self, o: self._op("greater", self, o)         # noqa: E731
    __ge__ = lambda self, o: self._op("greater_equal", self, o)   # noqa: E731

    def __pow__(self, exponent):
        return _power(self, exponent)

    def __rpow__(self, base):
        return self._op("power", base, self)

    def __bool__(self):
        raise TraceError("the surface's code branches on a value (an 'if'); use numpy.where")

    def __float__(self):
        raise TraceError("the surface's code turns a value into a Python number")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            raise TraceError(f"numpy.{ufunc.__name__}.{method} cannot be printed for the page")
        name = ufunc.__name__
        if name == "power":
            return _power(*inputs)
        if name not in (BINARY if len(inputs) == 2 else UNARY):
            raise TraceError(f"numpy.{name} has no JavaScript mirror in the page")
        program = next(a.program for a in inputs if isinstance(a, Traced))
        template, exact = BINARY[name] if len(inputs) == 2 else UNARY[name]
        return program.emit(template, inputs, exact)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.where and len(args) == 3 and not kwargs:
            program = next(a.program for a in args if isinstance(a, Traced))
            return program.emit("{0} ? {1} : {2}", args, True)
        if func is np.broadcast_to:
            return args[0]
        raise TraceError(f"numpy.{func.__name__} cannot be printed for the page")


def _power(base, exponent):
    """numpy's own fast paths are exact: x**2 is x*x, x**0.5 sqrt(x), x**-1 1/x, x**1 x."""
    program = base.program if isinstance(base, Traced) else exponent.program
    if isinstance(base, Traced) and not isinstance(exponent, Traced):
        e = float(exponent)
        if e == 2:
            return program.emit("{0} * {0}", (base,), True)
        if e == 0.5:
            return program.emit("Math.sqrt({0})", (base,), True)
        if e == -1:
            return program.emit("1 / {0}", (base,), True)
        if e == 1:
            return base
    return program.emit("Math.pow({0}, {1})", (base, exponent), False)


def literal(v) -> str:
    """A Python number as the JavaScript literal of the same double (NaN, Infinity, (-2.5))."""
    if isinstance(v, Traced):
        return v.name
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)) and abs(int(v)) > 2**53:
        raise TraceError(f"the integer {int(v)} is not exact in JavaScript")
    x = float(v)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "(-Infinity)"
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class Dialect:
    """How a recorded program is written out: ``template`` turns a statement's template (the
    JavaScript one, as recorded) into this language's; ``assign`` and ``result`` frame a line;
    ``brackets`` hold a list of outputs. gdviz.maps.codegen writes the same program in Python."""

    template: object = staticmethod(lambda t: t)
    literal: object = staticmethod(lambda v: literal(v))
    assign: str = "const {0} = {1};"
    result: str = "return {0};"
    brackets: str = "[]"


JS = Dialect()


@dataclass(frozen=True)
class Function:
    """A JavaScript function body over the surface's variables, and whether it computes the
    same bits as Python (only ``+ - * /``, ``sqrt``, ``abs``, comparisons)."""

    body: str
    exact: bool


def trace(surface, what: str, dialect: Dialect = JS, flat: bool = False) -> Function:
    """``what``: "f" (the loss), "vg" (``[loss, [gradient]]``, as ``value_and_grad``) or "h"
    (the Hessian's rows), traced from ``surface._f``, ``_fg`` or ``_h``; ``flat``: one list
    (``[loss, dL/dx, dL/dy]``)."""
    program = Program()
    xs = [Traced(v, program) for v in surface.variables]
    method = {"f": surface._f, "vg": surface._fg, "h": surface._h}[what]
    with np.errstate(all="ignore"):
        out = method(*xs)
    if flat:
        out = [v for part in (out if isinstance(out, (list, tuple)) else [out])
               for v in (part if isinstance(part, (list, tuple)) else [part])]
    return Function(_print(program, out, dialect), program.exact)


def _print(program: Program, out, dialect: Dialect = JS) -> str:
    """The statements the output needs, in order: one used once is written inline, in
    parentheses (the same operations in the same order); one used more often is a ``const``."""
    uses: dict[int, int] = {}
    stack = [(out, 1)]
    while stack:
        v, times = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend((x, 1) for x in v)
        elif isinstance(v, Traced) and v.index is not None:
            first = v.index not in uses
            uses[v.index] = uses.get(v.index, 0) + times
            if first:   # an operand the template writes twice (x * x) counts twice: a const
                _, template, operands = program.statements[v.index]
                stack.extend((a, template.count(f"{{{i}}}")) for i, a in enumerate(operands))
    text: dict[int, str] = {}

    def operand(v) -> str:
        if isinstance(v, Traced) and v.index is not None:
            return v.name if uses[v.index] > 1 else f"({text[v.index]})"
        return dialect.literal(v)

    lines = []
    for index in sorted(uses):
        _, template, operands = program.statements[index]
        text[index] = dialect.template(template).format(*(operand(a) for a in operands))
        if uses[index] > 1:
            lines.append(dialect.assign.format(f"t{index}", text[index]))

    def js(v):
        if isinstance(v, (list, tuple)):
            return dialect.brackets[0] + ", ".join(js(x) for x in v) + dialect.brackets[1]
        return v.name if isinstance(v, Traced) and v.index is not None and uses[v.index] > 1 else operand(v)

    return "\n".join(lines + [dialect.result.format(js(out))])
