"""Built-in analytic surfaces: quadratics, the egg crate, classic test functions, a saddle."""
from __future__ import annotations

import math

import numpy as np

from ..errors import positive_number
from .base import Formula


class Parabola(Formula):
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

    def _fg(self, w):
        d = w - self.c
        return 0.5 * self.k * (d * d), (self.k * d,)

    def _h(self, w):
        return ((self.k,),)

    def symbolic(self):
        """``(k/2) (w - c)^2`` in sympy: ``gd.surface("parabola").symbolic()`` is ``0.3125*w**2``."""
        import sympy as sp

        w = sp.Symbol(self.variables[0], real=True)
        return sp.Float(0.5 * self.k) * (w - sp.Float(self.c)) ** 2


class Quadratic2D(Formula):
    """``f(x, y) = (a x^2 + b y^2) / 2``: a convex quadratic with curvatures a and b."""

    def __init__(self, a, b, *, half, start, params):
        self.a, self.b = float(a), float(b)
        super().__init__(bounds=[(-half, half), (-half, half)], minima=[[0.0, 0.0]],
                         start=start, params=params)

    def _fg(self, x, y):
        ax, by = self.a * x, self.b * y
        return 0.5 * (ax * x + by * y), (ax, by)

    def _h(self, x, y):
        return (self.a, 0.0), (0.0, self.b)

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


class EggCrate(Formula):
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

    def _f(self, x, y):
        sx, sy = np.sin(x), np.sin(y)
        return x * x + y * y + self.A * (sx * sx + sy * sy)

    def _fg(self, x, y):
        return self._f(x, y), (2 * x + self.A * np.sin(2 * x), 2 * y + self.A * np.sin(2 * y))

    def _h(self, x, y):
        return (2 + 2 * self.A * np.cos(2 * x), 0.0), (0.0, 2 + 2 * self.A * np.cos(2 * y))

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


class Rosenbrock(Formula):
    """Rosenbrock's banana valley ``f(x, y) = (a - x)^2 + b (y - x^2)^2``; minimum (a, a^2)."""

    name = "rosenbrock"
    title = {"en": "Rosenbrock function", "zh": "Rosenbrock 函数"}
    log_scale = True

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = float(a), positive_number("b", b)
        self.formula = rf"$({self.a:g} - x)^2 + {self.b:g}\,(y - x^2)^2$"
        super().__init__(bounds=[(-2.0, 2.0), (-1.0, 3.0)], minima=[[self.a, self.a ** 2]],
                         start=[-1.5, 2.0], params={"a": self.a, "b": self.b})

    def _f(self, x, y):
        u, v = self.a - x, y - x * x
        return u * u + self.b * v * v

    def _fg(self, x, y):
        u, v = self.a - x, y - x * x
        bv = self.b * v
        return u * u + bv * v, (-4 * x * bv - 2 * u, 2 * bv)

    def _h(self, x, y):
        hxy = -4 * self.b * x
        return (2 - 4 * self.b * (y - 3 * x * x), hxy), (hxy, 2 * self.b)

    def symbolic(self):
        """``(a - x)^2 + b (y - x^2)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (sp.Float(self.a) - x) ** 2 + sp.Float(self.b) * (y - x ** 2) ** 2


class Himmelblau(Formula):
    """Himmelblau's function ``(x^2 + y - 11)^2 + (x + y^2 - 7)^2``: four equal minima."""

    name = "himmelblau"
    title = {"en": "Himmelblau function", "zh": "Himmelblau 函数"}
    formula = r"$(x^2 + y - 11)^2 + (x + y^2 - 7)^2$"
    log_scale = True

    def __init__(self):
        mins = [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)]
        super().__init__(bounds=[(-5.0, 5.0), (-5.0, 5.0)], minima=mins, start=[0.0, -0.5])

    def _fg(self, x, y):
        u, v = x * x + y - 11, x + y * y - 7
        return u * u + v * v, (4 * x * u + 2 * v, 2 * u + 4 * y * v)

    def _h(self, x, y):
        u, v = x * x + y - 11, x + y * y - 7
        hxy = 4 * x + 4 * y
        return (4 * u + 8 * x * x + 2, hxy), (hxy, 2 + 4 * v + 8 * y * y)

    def symbolic(self):
        """``(x^2 + y - 11)^2 + (x + y^2 - 7)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


class Beale(Formula):
    """Beale's function ``sum_i (c_i - x + x y^i)^2`` with c = (1.5, 2.25, 2.625); min (3, 0.5)."""

    name = "beale"
    title = {"en": "Beale function", "zh": "Beale 函数"}
    formula = r"$(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$"
    log_scale = True
    _c = (1.5, 2.25, 2.625)

    def __init__(self):
        super().__init__(bounds=[(-4.5, 4.5), (-4.5, 4.5)], minima=[[3.0, 0.5]], start=[1.0, 1.5])

    def _terms(self, x, y):
        """Per term i = 1, 2, 3: the residual r_i = c_i - x + x y^i and its derivatives
        dr/dx = y^i - 1, dr/dy = i x y^(i-1); ``ys`` holds 1, y, y^2, y^3 as products."""
        ys = (1.0, y, y * y, y * y * y)
        return ys, [(c - x + x * ys[i], ys[i] - 1, i * x * ys[i - 1]) for i, c in enumerate(self._c, start=1)]

    def _fg(self, x, y):
        _, (t1, t2, t3) = self._terms(x, y)
        value = t1[0] * t1[0] + t2[0] * t2[0] + t3[0] * t3[0]
        gx = 2 * t1[0] * t1[1] + 2 * t2[0] * t2[1] + 2 * t3[0] * t3[1]
        gy = 2 * t1[0] * t1[2] + 2 * t2[0] * t2[2] + 2 * t3[0] * t3[2]
        return value, (gx, gy)

    def _h(self, x, y):
        ys, ts = self._terms(x, y)
        (r1, dx1, dy1), (r2, dx2, dy2), (r3, dx3, dy3) = ts
        hxx = 2 * dx1 * dx1 + 2 * dx2 * dx2 + 2 * dx3 * dx3
        # d2 r_i / dy2 = i (i - 1) x y^(i-2): 0, 2 x, 6 x y;  d2 r_i / dx dy = i y^(i-1): 1, 2 y, 3 y^2
        hyy = 2 * dy1 * dy1 + (2 * dy2 * dy2 + 2 * r2 * (2 * x)) + (2 * dy3 * dy3 + 2 * r3 * (6 * x * y))
        hxy = (2 * dx1 * dy1 + 2 * r1) + (2 * dx2 * dy2 + 2 * r2 * (2 * y)) + (2 * dx3 * dy3 + 2 * r3 * (3 * ys[2]))
        return (hxx, hxy), (hxy, hyy)

    def symbolic(self):
        """``sum_i (c_i - x + x y^i)^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return sum((sp.Float(c) - x + x * y ** i) ** 2 for i, c in enumerate(self._c, start=1))


class Saddle(Formula):
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

    def _fg(self, x, y):
        u = x * x - 1
        return 0.25 * (u * u) + y * y, (x * u, 2 * y)

    def _h(self, x, y):
        return (3 * x * x - 1, 0.0), (0.0, 2.0)

    def symbolic(self):
        """``(x^2 - 1)^2 / 4 + y^2`` in sympy."""
        import sympy as sp

        x, y = (sp.Symbol(v, real=True) for v in self.variables)
        return (x ** 2 - 1) ** 2 / 4 + y ** 2
