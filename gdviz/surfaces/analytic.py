"""Built-in analytic surfaces: quadratics, the egg crate, classic test functions, a saddle."""
from __future__ import annotations

import math

import numpy as np

from ..errors import positive_number
from .base import Surface


def _stack(*cols):
    return np.stack(cols, axis=-1)


def _mat(a, b, c, d):
    """Stack four same-shape arrays into ``(..., 2, 2)`` matrices [[a, b], [c, d]]."""
    return np.stack([np.stack([a, b], -1), np.stack([c, d], -1)], -2)


class Parabola(Surface):
    """1-D parabola ``f(w) = (k/2) (w - c)^2`` with curvature ``k`` and centre ``c``.

    The defaults reproduce the course's learning-rate exercise (seed 001): with k = 0.625 the
    ideal rate 1/k is 1.6 (one step to the minimum), 2/k = 3.2 is the divergence limit (4
    diverges), and from w0 = c - 2.9 with tol 0.01 the rates 0.1, 0.7, 1 and 1.8 take 81, 10, 6
    and 3 steps.
    """

    name = "parabola"
    dim = 1
    title = {"en": "Convex loss curve", "zh": "凸损失曲线"}

    def __init__(self, curvature=0.625, centre=0.0, center=None):
        k = positive_number("curvature", curvature)
        c = float(center if center is not None else centre)
        if not math.isfinite(c):
            positive_number("centre", c)  # raises the standard message
        self.k, self.c = k, c
        half = max(3.5, 3.5 * math.sqrt(0.625 / k))
        self.formula = rf"$L(w) = \frac{{{k:g}}}{{2}}\,(w - {c:g})^2$" if c else \
            rf"$L(w) = \frac{{{k:g}}}{{2}}\,w^2$"
        super().__init__(bounds=[(c - half, c + half)], minima=[[c]], start=[c - 2.9],
                         params={"curvature": k, "centre": c}, variables=("w",), tol=1e-2)

    def _value(self, p):
        return 0.5 * self.k * (p[..., 0] - self.c) ** 2

    def _grad(self, p):
        return self.k * (p - self.c)

    def _hessian(self, p):
        return np.full(p.shape[:-1] + (1, 1), self.k)

    def symbolic(self):
        """``(k/2) (w - c)^2`` in sympy: ``gd.surface("parabola").symbolic()`` is ``0.3125*w**2``."""
        import sympy as sp

        w = sp.Symbol(self.variables[0], real=True)
        return sp.Float(0.5 * self.k) * (w - sp.Float(self.c)) ** 2


class Quadratic2D(Surface):
    """``f(x, y) = (a x^2 + b y^2) / 2``: a convex quadratic with curvatures a and b."""

    def __init__(self, a, b, *, half, start, params):
        self.a, self.b = float(a), float(b)
        super().__init__(bounds=[(-half, half), (-half, half)], minima=[[0.0, 0.0]],
                         start=start, params=params)

    def value_and_grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return 0.5 * (self.a * x * x + self.b * y * y), p * np.array([self.a, self.b])

    def _value(self, p):
        return 0.5 * (self.a * p[..., 0] ** 2 + self.b * p[..., 1] ** 2)

    def _grad(self, p):
        return p * np.array([self.a, self.b])

    def _hessian(self, p):
        return np.broadcast_to(np.diag([self.a, self.b]), p.shape[:-1] + (2, 2)).copy()

    def symbolic(self):
        """``(a x^2 + b y^2) / 2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return sp.Float(0.5 * self.a) * x ** 2 + sp.Float(0.5 * self.b) * y ** 2


class Bowl(Quadratic2D):
    """Round convex bowl ``f(x, y) = x^2 + y^2`` (scaled by ``curvature / 2``; default 2)."""

    name = "bowl"
    title = {"en": "Convex bowl", "zh": "凸碗形曲面"}

    def __init__(self, curvature=2.0):
        k = positive_number("curvature", curvature)
        self.formula = r"$x^2 + y^2$" if k == 2 else rf"$\frac{{{k:g}}}{{2}}(x^2 + y^2)$"
        super().__init__(k, k, half=3.0, start=[-2.5, 2.0], params={"curvature": k})


class Elongated(Quadratic2D):
    """Ill-conditioned bowl ``f(x, y) = (x^2 + kappa y^2) / 2``: the contours of unscaled features.

    ``condition`` (kappa, default 20) is the ratio of the largest to the smallest curvature.
    Plain gradient descent zig-zags across the narrow valley.
    """

    name = "elongated"
    title = {"en": "Elongated bowl (unscaled features)", "zh": "狭长的碗（特征未缩放）"}

    def __init__(self, condition=20.0):
        kappa = positive_number("condition", condition)
        self.formula = rf"$\frac{{1}}{{2}}(x^2 + {kappa:g}\,y^2)$"
        super().__init__(1.0, kappa, half=4.0, start=[-3.5, 1.5], params={"condition": kappa})


class EggCrate(Surface):
    """Non-convex egg crate ``f(x, y) = x^2 + y^2 + A (sin^2 x + sin^2 y)``.

    A grid of local minima near (j pi, k pi); the global minimum is at the origin. ``amplitude``
    A (default 25) sets how deep the dimples are.
    """

    name = "egg-crate"
    title = {"en": "Egg crate (non-convex)", "zh": "蛋托形曲面（非凸）"}

    def __init__(self, amplitude=25.0):
        A = positive_number("amplitude", amplitude)
        self.A = A
        half = 2 * math.pi + 1.0
        roots = _eggcrate_1d_minima(A, half)
        mins = sorted(((x, y) for x in roots for y in roots), key=lambda m: m[0] ** 2 + m[1] ** 2)
        self.formula = rf"$x^2 + y^2 + {A:g}\,(\sin^2 x + \sin^2 y)$"
        super().__init__(bounds=[(-half, half), (-half, half)], minima=mins, start=[-4.5, -4.5],
                         params={"amplitude": A})

    def _value(self, p):
        s = np.sin(p)
        return (p * p).sum(-1) + self.A * (s * s).sum(-1)

    def _grad(self, p):
        return 2 * p + self.A * np.sin(2 * p)

    def value_and_grad(self, p):
        s = np.sin(p)
        return (p * p).sum(-1) + self.A * (s * s).sum(-1), 2 * p + self.A * np.sin(2 * p)

    def _hessian(self, p):
        d = 2 + 2 * self.A * np.cos(2 * p)
        z = np.zeros(p.shape[:-1])
        return _mat(d[..., 0], z, z, d[..., 1])

    def symbolic(self):
        """``x^2 + y^2 + A (sin^2 x + sin^2 y)`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return x ** 2 + y ** 2 + sp.Float(self.A) * (sp.sin(x) ** 2 + sp.sin(y) ** 2)


def _eggcrate_1d_minima(A, half):
    """Minima of g(x) = x^2 + A sin^2 x in [-half, half], by Newton from each k*pi."""
    out = []
    for k in range(-int(half / math.pi) - 1, int(half / math.pi) + 2):
        x = k * math.pi
        for _ in range(50):
            g1, g2 = 2 * x + A * math.sin(2 * x), 2 + 2 * A * math.cos(2 * x)
            if g2 <= 0:
                break
            x -= g1 / g2
        if 2 + 2 * A * math.cos(2 * x) > 0 and abs(2 * x + A * math.sin(2 * x)) < 1e-9 \
                and abs(x) <= half and not any(abs(x - o) < 1e-6 for o in out):
            out.append(x)
    return sorted(out, key=abs)


class Rosenbrock(Surface):
    """Rosenbrock's banana valley ``f(x, y) = (a - x)^2 + b (y - x^2)^2``; minimum (a, a^2)."""

    name = "rosenbrock"
    title = {"en": "Rosenbrock function", "zh": "Rosenbrock 函数"}
    log_scale = True

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = float(a), positive_number("b", b)
        self.formula = rf"$({self.a:g} - x)^2 + {self.b:g}\,(y - x^2)^2$"
        super().__init__(bounds=[(-2.0, 2.0), (-1.0, 3.0)], minima=[[self.a, self.a ** 2]],
                         start=[-1.5, 2.0], params={"a": self.a, "b": self.b})

    def value_and_grad(self, p):
        x, y = p[..., 0], p[..., 1]
        u, v = self.a - x, y - x * x
        bv = self.b * v
        g = np.empty_like(p)
        np.multiply(x, bv, out=g[..., 0])
        g[..., 0] *= -4
        g[..., 0] -= 2 * u
        np.multiply(bv, 2, out=g[..., 1])
        return u * u + bv * v, g

    def _value(self, p):
        return self.value_and_grad(p)[0]

    def _grad(self, p):
        return self.value_and_grad(p)[1]

    def _hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        hxy = -4 * self.b * x
        return _mat(2 - 4 * self.b * (y - 3 * x * x), hxy, hxy, np.full_like(x, 2 * self.b))

    def symbolic(self):
        """``(a - x)^2 + b (y - x^2)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (sp.Float(self.a) - x) ** 2 + sp.Float(self.b) * (y - x ** 2) ** 2


class Himmelblau(Surface):
    """Himmelblau's function ``(x^2 + y - 11)^2 + (x + y^2 - 7)^2``: four equal minima."""

    name = "himmelblau"
    title = {"en": "Himmelblau function", "zh": "Himmelblau 函数"}
    formula = r"$(x^2 + y - 11)^2 + (x + y^2 - 7)^2$"
    log_scale = True

    def __init__(self):
        mins = [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)]
        super().__init__(bounds=[(-5.0, 5.0), (-5.0, 5.0)], minima=mins, start=[0.0, -0.5])

    def _value(self, p):
        x, y = p[..., 0], p[..., 1]
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def _grad(self, p):
        x, y = p[..., 0], p[..., 1]
        u, v = x * x + y - 11, x + y * y - 7
        return _stack(4 * x * u + 2 * v, 2 * u + 4 * y * v)

    def _hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        u, v = x * x + y - 11, x + y * y - 7
        hxy = 4 * x + 4 * y
        return _mat(4 * u + 8 * x * x + 2, hxy, hxy, 2 + 4 * v + 8 * y * y)

    def symbolic(self):
        """``(x^2 + y - 11)^2 + (x + y^2 - 7)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


class Beale(Surface):
    """Beale's function ``sum_i (c_i - x + x y^i)^2`` with c = (1.5, 2.25, 2.625); min (3, 0.5)."""

    name = "beale"
    title = {"en": "Beale function", "zh": "Beale 函数"}
    formula = r"$(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$"
    log_scale = True
    _c = (1.5, 2.25, 2.625)

    def __init__(self):
        super().__init__(bounds=[(-4.5, 4.5), (-4.5, 4.5)], minima=[[3.0, 0.5]], start=[1.0, 1.5])

    def _terms(self, p):
        x, y = p[..., 0], p[..., 1]
        return x, y, [(c - x + x * y ** i, y ** i - 1, i * x * y ** (i - 1))
                      for i, c in enumerate(self._c, start=1)]

    def _value(self, p):
        return sum(r * r for r, _, _ in self._terms(p)[2])

    def _grad(self, p):
        _, _, ts = self._terms(p)
        return _stack(sum(2 * r * dx for r, dx, _ in ts), sum(2 * r * dy for r, _, dy in ts))

    def _hessian(self, p):
        x, y, ts = self._terms(p)
        hxx = sum(2 * dx * dx for _, dx, _ in ts)
        hyy = sum(2 * dy * dy + 2 * r * i * (i - 1) * x * y ** (i - 2)
                  for i, (r, _, dy) in enumerate(ts, start=1))
        hxy = sum(2 * dx * dy + 2 * r * i * y ** (i - 1) for i, (r, dx, dy) in enumerate(ts, 1))
        return _mat(hxx, hxy, hxy, hyy)

    def symbolic(self):
        """``sum_i (c_i - x + x y^i)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return sum((sp.Float(c) - x + x * y ** i) ** 2 for i, c in enumerate(self._c, start=1))


class Saddle(Surface):
    """A saddle between two minima: ``f(x, y) = (x^2 - 1)^2 / 4 + y^2``.

    The saddle point is the origin (curvature -1 along x, +2 along y); the minima are (+-1, 0).
    A path started on x = 0 slides into the saddle and stalls there; a path started a little
    off it lingers on the plateau around the saddle (loss about 1/4), then escapes to a minimum.
    """

    name = "saddle"
    title = {"en": "Saddle point and plateau", "zh": "鞍点与平台"}
    formula = r"$\frac{1}{4}(x^2 - 1)^2 + y^2$"

    def __init__(self):
        super().__init__(bounds=[(-2.0, 2.0), (-2.0, 2.0)], minima=[[1.0, 0.0], [-1.0, 0.0]],
                         start=[0.01, 1.8])
        self.saddles = np.array([[0.0, 0.0]])

    def _value(self, p):
        x, y = p[..., 0], p[..., 1]
        return 0.25 * (x * x - 1) ** 2 + y * y

    def _grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return _stack(x * (x * x - 1), 2 * y)

    def _hessian(self, p):
        x = p[..., 0]
        z = np.zeros_like(x)
        return _mat(3 * x * x - 1, z, z, np.full_like(x, 2.0))

    def symbolic(self):
        """``(x^2 - 1)^2 / 4 + y^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (x ** 2 - 1) ** 2 / 4 + y ** 2
