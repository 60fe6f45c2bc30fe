"""Data-driven losses over (w, b): linear regression (MSE, MAE, Huber) and logistic regression;
over (w1, w2): a linear model of two features (feature scaling with two weights).

The model is ``y_hat = w x + b`` (for logistic regression ``p = sigmoid(w x + b)``). Gradients
are full-batch (``grad``) or over a subset of samples (``batch_grad(p, idx)``), which the engine
uses for mini-batch and stochastic gradient descent.

    >>> s = LinearRegression(loss="mse", features="standardized")
    >>> s.hessian(s.minima[0]).round(3).tolist()   # standardized x: round contours
    [[2.0, 0.0], [0.0, 2.0]]
"""
from __future__ import annotations

import csv
import functools
import io
import math
import os

import numpy as np

from .. import arith
from ..errors import UserInputError, positive_number, unknown_name
from ..reading import read_capped
from .base import Surface

LOSSES = ("mse", "mae", "huber")
FEATURES = ("raw", "standardized")
MAX_DATA_POINTS = 100_000       # data points of a data surface: n, the rows of a CSV file, x and y arrays
MAX_DATA_BYTES = 16 * 2**20     # bytes of a CSV data file (read no further)
CHUNK_VALUES = 2**22            # points x samples evaluated at once (32 MiB per intermediate array)


def synthetic_regression(n=100, seed=0, outliers=0, slope=3.0, intercept=4.0, noise=2.0):
    """Seeded synthetic data: x ~ U(0, 10), y = slope x + intercept + N(0, noise^2).

    ``outliers`` points get y pushed up by 40-60: the data for comparing L1, L2 and Huber.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    y = slope * x + intercept + rng.normal(0, noise, n)
    if outliers:
        k = rng.choice(n, size=min(int(outliers), n), replace=False)
        y[k] += rng.uniform(40, 60, len(k))
    return x, y


def synthetic_classification(n=100, seed=0):
    """Seeded 1-D two-class data: x ~ N(2, 1.2^2) for class 0, N(5, 1.2^2) for class 1."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype(float)
    x = np.where(labels == 1, rng.normal(5, 1.2, n), rng.normal(2, 1.2, n))
    return x, labels


def load_csv(path, x_column=None, y_column=None):
    """Two numeric columns from a CSV file (UTF-8, with or without a header row): x from column 0
    and y from column 1 unless ``x_column`` / ``y_column`` name a column of the header or give a
    column number (from 0). At most ``MAX_DATA_BYTES`` are read and ``MAX_DATA_POINTS`` rows
    taken; only a regular file is opened. Errors describe the file (its size, its rows, how many
    columns its header has) and never quote it:

        column 'price' is not in 'houses.csv': the header has 3 columns
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UserInputError(f"data must be the path of a CSV file, got {_kind(path)}")
    name = os.fsdecode(path)
    raw = read_capped(path, "data file", "give the path of a CSV file", MAX_DATA_BYTES, "MAX_DATA_BYTES")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UserInputError(f"data file '{name}' is not UTF-8 text (line {line}); save it as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    out = np.empty((MAX_DATA_POINTS, 2))   # rows are read one at a time into it, never all kept
    n, header, columns = 0, None, None
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if columns is None:   # the first row: a header, or already data
                if not all(_is_number(c) for c in row):
                    header = [c.strip() for c in row]
                columns = [_column(name, key, which, default, header, len(row))
                           for key, which, default in (("x_column", x_column, 0), ("y_column", y_column, 1))]
                if header is not None:
                    continue
            if n == MAX_DATA_POINTS:
                raise UserInputError(f"data file '{name}' has more than {MAX_DATA_POINTS:,} data rows; a data "
                                     f"surface takes at most {MAX_DATA_POINTS:,} points (MAX_DATA_POINTS)")
            try:
                out[n] = float(row[columns[0]]), float(row[columns[1]])
            except (IndexError, ValueError):
                axis, c = next((a, c) for a, c in zip("xy", columns) if c >= len(row) or not _is_number(row[c]))
                problem = f"has no {axis} column" if c >= len(row) else f"has no number in its {axis} column"
                raise UserInputError(f"data file '{name}' needs two numeric columns (x, y) on every row; "
                                     f"line {reader.line_num} {problem}") from None
            n += 1
    except csv.Error as e:   # its messages are fixed text ("line contains NUL"), never the line
        raise UserInputError(f"data file '{name}': line {reader.line_num} is not valid CSV ({e})") from None
    if columns is None:
        raise UserInputError(f"data file '{name}' is empty")
    if n == 0:
        raise UserInputError(f"data file '{name}' has a header row but no data rows")
    return out[:n, 0].copy(), out[:n, 1].copy()


def _column(name, key, which, default, header, width) -> int:
    """The index of column ``which`` (a header name or a number from 0); the file is described
    (how many columns), never quoted."""
    if which is None:
        return default
    if isinstance(which, (int, np.integer)) and not isinstance(which, bool):
        if not 0 <= which < width:
            raise UserInputError(f"{key} {which} is out of range: '{name}' has {_count(width, 'column')}, "
                                 f"numbered 0 to {width - 1}")
        return int(which)
    if not isinstance(which, str):
        raise UserInputError(f"{key} must be a column name or a column number (from 0), got {_kind(which)}")
    if header is None:
        raise UserInputError(f"column '{which}' is not in '{name}': it has no header row; give {key} as a "
                             f"column number, 0 to {width - 1}")
    if which not in header:
        raise UserInputError(f"column '{which}' is not in '{name}': the header has {_count(width, 'column')}")
    return header.index(which)


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _kind(value) -> str:
    """What ``value`` is, without printing it: 'a number', 'a list'..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return {list: "a list", tuple: "a list", dict: "a table", type(None): "nothing"}.get(type(value),
                                                                                       type(value).__name__)


def whole_number(key: str, value, lo: int, hi: int | None = None, what_hi: str | None = None, *,
           floats: bool = True) -> int:
    """``value`` as a whole number in [lo, hi] (``floats``: 3.0 counts), checked before anything
    is allocated."""
    ok = (isinstance(value, (int, np.integer)) or (floats and isinstance(value, (float, np.floating)) and
                                                   math.isfinite(value) and float(value).is_integer()))
    if isinstance(value, bool) or not ok or value < lo or (hi is not None and value > hi):
        shown = (int(value) if isinstance(value, np.integer) else value if isinstance(value, (int, float))
                 else _kind(value))
        span = f">= {lo}" if hi is None else f"from {lo} to {what_hi or f'{hi:,}'}"
        raise UserInputError(f"{key} must be a whole number {span}, got {shown}")
    return int(value)


def _data(x, y, data, x_column, y_column, synthetic, n, synthetic_params):
    """The (x, y) arrays from a CSV file, the user's arrays, or the built-in synthetic set, and
    the parameters that rebuild them. Data read from a file is kept as arrays (``x``, ``y``), so
    a saved run rebuilds its surface from the points it ran on and never opens the file again.
    Every source is capped at ``MAX_DATA_POINTS`` before anything is allocated."""
    if data is not None and (x is not None or y is not None):
        raise UserInputError("give either data=FILE.csv or x and y arrays, not both")
    if data is None and (x_column is not None or y_column is not None):
        raise UserInputError("x_column and y_column pick the columns of a data file; give data=FILE.csv too")
    if data is not None:
        x, y = load_csv(data, x_column, y_column)
        return x, y, {"x": x, "y": y}
    if x is not None or y is not None:
        if x is None or y is None:
            raise UserInputError("give both x and y arrays")
        try:
            x, y = np.asarray(x, float), np.asarray(y, float)
        except (TypeError, ValueError):
            raise UserInputError("x and y must be arrays of numbers (CLI: -P x=1,2,3 -P y=2,4,6)") from None
        if max(x.size, y.size) > MAX_DATA_POINTS:
            raise UserInputError(f"x and y hold {max(x.size, y.size):,} points; a data surface takes at most "
                                 f"{MAX_DATA_POINTS:,} (MAX_DATA_POINTS)")
        return x, y, {"x": x, "y": y}
    n = whole_number("n", n, 2, MAX_DATA_POINTS, f"{MAX_DATA_POINTS:,} (MAX_DATA_POINTS)")
    whole_number("seed", synthetic_params["seed"], 0, floats=False)   # numpy's generator takes whole numbers only
    if "outliers" in synthetic_params:
        whole_number("outliers", synthetic_params["outliers"], 0, n, f"n ({n})")
    x, y = synthetic(n)
    return x, y, {"n": n, **synthetic_params}


def _in_chunks(method):
    """``method(self, p, ...)`` over chunks of the points ``p`` (..., 2), so that no intermediate
    (points x samples) array holds more than CHUNK_VALUES numbers: a contour grid over 100,000
    samples stays in bounded memory. Each point is computed on its own, so the numbers are the
    same as in one go."""

    @functools.wraps(method)
    def chunked(self, p, *rest):
        samples = self.n_samples if not rest or rest[0] is None else len(rest[0])
        rows = max(1, CHUNK_VALUES // max(samples, 1))
        flat = p.reshape(-1, p.shape[-1])
        if len(flat) <= rows:
            return method(self, p, *rest)
        out = np.concatenate([method(self, flat[i:i + rows], *rest) for i in range(0, len(flat), rows)])
        return out.reshape(p.shape[:-1] + out.shape[1:])

    return chunked


class _DataSurface(Surface):
    """Shared machinery: data arrays, feature scaling, bounds around the minimum."""

    variables = ("w", "b")

    def __init__(self, x, y, features, params, tol=1e-6):
        if features not in FEATURES:
            raise unknown_name("features", features, FEATURES)
        x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        if x.shape != y.shape or x.size < 2:
            raise UserInputError(f"x and y must be two arrays of the same length >= 2, "
                                 f"got {x.size} and {y.size}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise UserInputError("data contains NaN or infinite values")
        self.x_raw = x
        if features == "standardized":
            sd = x.std()
            if sd == 0:
                raise UserInputError("cannot standardize x: all values are equal")
            x = (x - x.mean()) / sd
        self.x, self.y, self.n_samples = x, y, x.size
        params = dict(params, features=features)
        minimum = self._solve()
        half = 1.2 * max(1.0, np.abs(minimum).max())
        super().__init__(bounds=[(minimum[0] - half, minimum[0] + half),
                                 (minimum[1] - half, minimum[1] + half)],
                         minima=[minimum], start=minimum + np.array([-0.8, -0.8]) * half,
                         params=params, variables=("w", "b"), tol=tol)

    def _residual(self, p, idx=None):
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        return p[..., :1] * x + p[..., 1:] - y, x  # (..., N)

    def _grad(self, p):
        return self.batch_grad(p, None)

    def value_and_grad(self, p):
        return self._value(p), self.batch_grad(p, None)

    def _solve(self):
        raise NotImplementedError


class LinearRegression(_DataSurface):
    """Loss of the line ``y = w x + b`` on data: ``mse``, ``mae`` or ``huber`` (with ``delta``).

    MSE = mean(r^2), MAE = mean(|r|), Huber = mean(r^2/2 if |r| <= delta else delta (|r| - delta/2)),
    with residuals r = w x + b - y. Data: the built-in seeded set (``n``, ``seed``, ``outliers``),
    your arrays (``x=..., y=...``) or a CSV file (``data="file.csv"``, ``x_column``, ``y_column``).
    ``features="standardized"`` rescales x to mean 0, std 1: elongated contours become round.
    """

    name = "linear-regression"

    def __init__(self, loss="mse", features="raw", x=None, y=None, data=None, x_column=None,
                 y_column=None, n=100, seed=0, outliers=0, delta=1.0):
        if loss not in LOSSES:
            raise unknown_name("loss", loss, LOSSES)
        self.loss, self.delta = loss, positive_number("delta", delta)
        x, y, params = _data(x, y, data, x_column, y_column,
                             lambda n: synthetic_regression(n=n, seed=seed, outliers=outliers), n,
                             {"seed": seed, "outliers": outliers})
        params = {"loss": loss, **params}
        if loss == "huber":
            params["delta"] = self.delta
        label = {"mse": ("MSE", "均方误差（L2）"), "mae": ("MAE", "平均绝对误差（L1）"),
                 "huber": ("Huber", "Huber 损失")}[loss]
        self.title = {"en": f"Linear regression, {label[0]} loss" + (
            ", standardized x" if features == "standardized" else ""),
            "zh": "线性回归，" + ("特征标准化，" if features == "standardized" else "") + label[1]}  # no "），"
        self.formula = {"mse": r"$\frac{1}{N}\sum (wx_i + b - y_i)^2$",
                        "mae": r"$\frac{1}{N}\sum |wx_i + b - y_i|$",
                        "huber": r"$\frac{1}{N}\sum \mathrm{Huber}_\delta(wx_i + b - y_i)$"}[loss]
        super().__init__(x, y, features, params, tol=1e-6 if loss != "mae" else 1e-3)

    @_in_chunks
    def _value(self, p):
        r, _ = self._residual(p)
        a = np.abs(r)
        if self.loss == "mse":
            return (r * r).mean(-1)
        if self.loss == "mae":
            return a.mean(-1)
        d = self.delta
        return np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d)).mean(-1)

    def _dloss(self, r):
        if self.loss == "mse":
            return 2 * r
        if self.loss == "mae":
            return np.sign(r)
        return np.clip(r, -self.delta, self.delta)

    @_in_chunks
    def batch_grad(self, p, idx):
        r, x = self._residual(p, idx)
        d = self._dloss(r)
        return np.stack([(d * x).mean(-1), d.mean(-1)], -1)

    @_in_chunks
    def _hessian(self, p):
        r, x = self._residual(p)
        if self.loss == "mse":
            wts = np.full_like(r, 2.0)
        elif self.loss == "mae":
            wts = np.zeros_like(r)
        else:
            wts = (np.abs(r) <= self.delta).astype(float)
        return _moments(wts, x)

    def symbolic(self):
        """The loss over (w, b) in sympy. MSE is an exact quadratic built from the data's moments,
        ``E[x^2] w^2 + 2 E[x] w b + b^2 - 2 E[xy] w - 2 E[y] b + E[y^2]``; MAE and Huber are the
        mean over the samples of ``|r_i|`` or the Huber piece of ``r_i = w x_i + b - y_i``.

            >>> e = gd.surface("linear-regression", features="standardized").symbolic()
            >>> sorted(map(str, e.free_symbols)), sympy.Poly(e).total_degree()
            (['b', 'w'], 2)
        """
        import sympy as sp

        w, b = (sp.Symbol(v, real=True) for v in self.variables)
        x, y = self.x, self.y
        if self.loss == "mse":
            m = [float(v) for v in (np.mean(x * x), np.mean(x), np.mean(x * y), np.mean(y), np.mean(y * y))]
            return (sp.Float(m[0]) * w ** 2 + 2 * sp.Float(m[1]) * w * b + b ** 2 - 2 * sp.Float(m[2]) * w
                    - 2 * sp.Float(m[3]) * b + sp.Float(m[4]))
        r = [w * sp.Float(float(xi)) + b - sp.Float(float(yi)) for xi, yi in zip(x, y)]
        if self.loss == "mae":
            terms = [sp.Abs(ri) for ri in r]
        else:
            d = sp.Float(self.delta)
            terms = [sp.Piecewise((ri ** 2 / 2, sp.Abs(ri) <= d), (d * (sp.Abs(ri) - d / 2), True)) for ri in r]
        return sp.Add(*terms) / len(r)

    def _solve(self):
        """The minimum: least squares (the normal equations), then iteratively reweighted least
        squares for L1/Huber; every sum and solve in gdviz.arith's fixed order (no LAPACK), so the
        window and start built from it are the same on every machine."""
        x, y = self.x, self.y
        beta = _weighted_fit(np.ones_like(x), x, y)
        if self.loss == "mse":
            return beta
        for _ in range(200):
            a = np.abs(beta[0] * x + beta[1] - y)
            wts = 1 / np.maximum(a, 1e-9) if self.loss == "mae" else \
                np.where(a <= self.delta, 1.0, self.delta / np.maximum(a, 1e-12))
            new = _weighted_fit(wts, x, y)
            if np.abs(new - beta).max() < 1e-12:
                break
            beta = new
        return beta


class LogisticRegression(_DataSurface):
    """Cross-entropy of ``p = sigmoid(w x + b)`` on two-class data (labels 0/1).

    L = mean(log(1 + e^z) - y z) with z = w x + b; gradient mean((p - y) [x, 1]); Hessian
    mean(p (1 - p) [x, 1][x, 1]^T). Data: built-in seeded classes, arrays or a CSV file.
    """

    name = "logistic-regression"
    title = {"en": "Logistic regression, cross-entropy", "zh": "逻辑回归，交叉熵损失"}
    formula = r"$-\frac{1}{N}\sum\,[\,y_i \log p_i + (1-y_i)\log(1-p_i)\,]$"

    def __init__(self, features="raw", x=None, y=None, data=None, x_column=None, y_column=None,
                 n=100, seed=0):
        x, y, params = _data(x, y, data, x_column, y_column,
                             lambda n: synthetic_classification(n=n, seed=seed), n, {"seed": seed})
        if not np.isin(np.asarray(y, float), (0.0, 1.0)).all():
            raise UserInputError("logistic-regression labels y must be 0 or 1")
        super().__init__(x, y, features, params)

    @_in_chunks
    def _value(self, p):
        z = p[..., :1] * self.x + p[..., 1:]
        return (np.logaddexp(0, z) - self.y * z).mean(-1)

    @_in_chunks
    def batch_grad(self, p, idx):
        r, x = self._residual(p, idx)  # r = z - y
        y = self.y if idx is None else self.y[idx]
        d = _sigmoid(r + y) - y
        return np.stack([(d * x).mean(-1), d.mean(-1)], -1)

    @_in_chunks
    def _hessian(self, p):
        z = p[..., :1] * self.x + p[..., 1:]
        s = _sigmoid(z)
        return _moments(s * (1 - s), self.x)

    def symbolic(self):
        """Cross-entropy over (w, b) in sympy: the mean of ``log(1 + e^z_i) - y_i z_i``,
        ``z_i = w x_i + b``."""
        import sympy as sp

        w, b = (sp.Symbol(v, real=True) for v in self.variables)
        z = [w * sp.Float(float(xi)) + b for xi in self.x]
        return sp.Add(*[sp.log(1 + sp.exp(zi)) - sp.Float(float(yi)) * zi for zi, yi in zip(z, self.y)]) / len(z)

    def _solve(self):
        beta = np.zeros(2)
        for _ in range(100):
            g, h = self.batch_grad(beta, None), self._hessian(beta)
            lo, hi = arith.eigh(h)
            if not lo * 1e12 >= hi:    # condition number over 1e12 (or a zero curvature)
                raise UserInputError("the classes are perfectly separable: cross-entropy has no minimum")
            step = arith.solve(h, g)
            beta = beta - step
            if np.abs(step).max() < 1e-12:
                break
        return beta


# The built-in houses of TwoFeatureRegression: every number of rooms with every age, so the two
# features are uncorrelated and the unscaled contours are axis-aligned ellipses
HOUSE_ROOMS = (1.0, 2.0, 3.0, 4.0, 5.0)
HOUSE_AGES = (0.0, 10.0, 20.0, 30.0, 40.0)


def synthetic_houses(seed=0, noise=15.0):
    """25 seeded houses: every number of rooms (1 to 5) with every age (0 to 40 years), price in
    thousands = 400 + 25 rooms - 4 age + N(0, noise^2). x1 spans 4 and x2 40: var(x1) = 2,
    var(x2) = 200, cov(x1, x2) = 0 exactly."""
    rooms, ages = (a.ravel() for a in np.meshgrid(HOUSE_ROOMS, HOUSE_AGES, indexing="ij"))
    rng = np.random.default_rng(seed)
    return rooms, ages, 400.0 + 25.0 * rooms - 4.0 * ages + rng.normal(0.0, noise, rooms.size)


class TwoFeatureRegression(Surface):
    """MSE of ``y = b + w1 x1 + w2 x2`` over (w1, w2), b at its best for each (w1, w2).

    With b = mean(y) - w1 mean(x1) - w2 mean(x2) the loss is mean((w1 c1 + w2 c2 - (y - mean y))^2)
    on the centred features c = x - mean(x): its Hessian 2 [[var x1, cov], [cov, var x2]] is
    constant, so features on very different ranges give elongated contours (axis-aligned when
    they are uncorrelated) and ``features="standardized"``, x' = (x - mean) / sd, round ones.
    Data: the built-in houses (rooms and age, ``seed``, ``noise``) or arrays ``x1``, ``x2``, ``y``.

        >>> s = TwoFeatureRegression()
        >>> s.hessian(s.minima[0]).tolist()   # 2 var(rooms), 2 var(age): condition number 100
        [[4.0, 0.0], [0.0, 400.0]]
    """

    name = "two-feature-regression"
    formula = r"$\frac{1}{N}\sum (b + w_1 x_{1i} + w_2 x_{2i} - y_i)^2$"

    def __init__(self, features="raw", x1=None, x2=None, y=None, seed=0, noise=15.0):
        if features not in FEATURES:
            raise unknown_name("features", features, FEATURES)
        given = [v is not None for v in (x1, x2, y)]
        if any(given) and not all(given):
            raise UserInputError("give all three arrays x1, x2 and y, or none (the built-in houses)")
        if all(given):
            try:
                x1, x2, y = (np.asarray(v, dtype=float).ravel() for v in (x1, x2, y))
            except (TypeError, ValueError):
                raise UserInputError("x1, x2 and y must be arrays of numbers (CLI: -P x1=1,2,3 ...)") from None
            if not x1.size == x2.size == y.size or x1.size < 3:
                raise UserInputError(f"x1, x2 and y must have the same length >= 3, got {x1.size}, {x2.size} "
                                     f"and {y.size}")
            if x1.size > MAX_DATA_POINTS:
                raise UserInputError(f"x1, x2 and y hold {x1.size:,} points; a data surface takes at most "
                                     f"{MAX_DATA_POINTS:,} (MAX_DATA_POINTS)")
            params = {"x1": x1, "x2": x2, "y": y}
        else:
            whole_number("seed", seed, 0, floats=False)
            x1, x2, y = synthetic_houses(seed, positive_number("noise", noise, allow_zero=True))
            params = {"seed": seed, "noise": noise}
        if not all(np.isfinite(v).all() for v in (x1, x2, y)):
            raise UserInputError("data contains NaN or infinite values")
        self.x1_raw, self.x2_raw, self.y = x1, x2, y
        c1, c2 = x1 - x1.mean(), x2 - x2.mean()
        if features == "standardized":
            sd1, sd2 = x1.std(), x2.std()
            if sd1 == 0 or sd2 == 0:
                raise UserInputError("cannot standardize: all values of a feature are equal")
            c1, c2 = c1 / sd1, c2 / sd2
        self.c1, self.c2, self.yc, self.n_samples = c1, c2, y - y.mean(), y.size
        self.title = {"en": "Two features, " + ("standardized" if features == "standardized" else "raw"),
                      "zh": "两个特征，" + ("标准化" if features == "standardized" else "原始")}
        h = self._hessian(np.zeros(2))
        if h[0, 0] == 0 or h[1, 1] == 0:
            raise UserInputError("all values of a feature are equal: the loss has no single minimum")
        if h[0, 0] * h[1, 1] - h[0, 1] ** 2 <= 1e-12 * h[0, 0] * h[1, 1]:
            raise UserInputError("the two features are proportional: the loss has no single minimum")
        minimum = arith.solve(h, 2 * np.array([(c1 * self.yc).mean(), (c2 * self.yc).mean()]))
        half = 1.25 * max(1.0, float(np.abs(minimum).max()))
        super().__init__(bounds=[(minimum[0] - half, minimum[0] + half), (minimum[1] - half, minimum[1] + half)],
                         minima=[minimum], start=[0.0, 0.0], params=dict(params, features=features),
                         variables=("w1", "w2"))

    def intercept(self, p):
        """b at its best for the weights ``p`` (..., 2), in the model's own features: mean(y)
        for standardized ones, mean(y) - w1 mean(x1) - w2 mean(x2) for raw ones."""
        p = self._points(p)
        if self.params["features"] == "standardized":
            return np.full(p.shape[:-1], self.y.mean())
        return self.y.mean() - p[..., 0] * self.x1_raw.mean() - p[..., 1] * self.x2_raw.mean()

    def symbolic(self):
        """The loss over (w1, w2) in sympy, an exact quadratic from the centred data's moments:
        ``E[c1^2] w1^2 + 2 E[c1 c2] w1 w2 + E[c2^2] w2^2 - 2 E[c1 yc] w1 - 2 E[c2 yc] w2 + E[yc^2]``."""
        import sympy as sp

        w1, w2 = (sp.Symbol(v, real=True) for v in self.variables)
        m = {k: sp.Float(float(v.mean())) for k, v in (("11", self.c1 * self.c1), ("12", self.c1 * self.c2),
                                                          ("22", self.c2 * self.c2), ("1y", self.c1 * self.yc),
                                                          ("2y", self.c2 * self.yc), ("yy", self.yc * self.yc))}
        return (m["11"] * w1 ** 2 + 2 * m["12"] * w1 * w2 + m["22"] * w2 ** 2 - 2 * m["1y"] * w1 - 2 * m["2y"] * w2
                + m["yy"])

    def _residual(self, p, idx=None):
        c1, c2, yc = (self.c1, self.c2, self.yc) if idx is None else (self.c1[idx], self.c2[idx], self.yc[idx])
        return p[..., :1] * c1 + p[..., 1:] * c2 - yc, c1, c2

    @_in_chunks
    def _value(self, p):
        r, _, _ = self._residual(p)
        return (r * r).mean(-1)

    def _grad(self, p):
        return self.batch_grad(p, None)

    def value_and_grad(self, p):
        return self._value(p), self.batch_grad(p, None)

    @_in_chunks
    def batch_grad(self, p, idx):
        r, c1, c2 = self._residual(p, idx)
        return np.stack([(2 * r * c1).mean(-1), (2 * r * c2).mean(-1)], -1)

    def _hessian(self, p):
        h12 = 2 * (self.c1 * self.c2).mean()
        h = np.array([[2 * (self.c1 * self.c1).mean(), h12], [h12, 2 * (self.c2 * self.c2).mean()]])
        return np.broadcast_to(h, p.shape[:-1] + (2, 2)).copy()


def _moments(wts, x):
    """The Hessian of a mean loss over (w, b) with curvature ``wts`` (..., N) per sample:
    [[mean(wts x^2), mean(wts x)], [mean(wts x), mean(wts)]] (numpy's pairwise sums)."""
    hwb = (wts * x).mean(-1)
    return np.stack([np.stack([(wts * x * x).mean(-1), hwb], -1), np.stack([hwb, wts.mean(-1)], -1)], -2)


def _weighted_fit(wts, x, y):
    """(w, b) minimising sum(wts (w x + b - y)^2): the 2x2 normal equations, by gdviz.arith.solve."""
    return arith.solve(_moments(wts, x), np.array([(wts * x * y).mean(), (wts * y).mean()]))


def _sigmoid(z):
    """1 / (1 + e^-z), from e^-|z| (never overflows). Not 0.5 (1 + tanh(z / 2)): numpy's tanh runs
    different code on different CPUs (AVX2 or not), and rounds differently."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
