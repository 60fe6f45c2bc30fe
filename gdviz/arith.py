"""The arithmetic that decides a path, written out so that it gives the same bits everywhere.

A run must not depend on the machine: LAPACK (``np.linalg``) and BLAS round differently with
each CPU's kernel, and ``pow``, ``exp``, ``sin`` differ in the last bit between C libraries and
JavaScript engines. Surfaces have one or two parameters, so the solves and eigenvalues a run
needs are short formulas; this module writes them with ``+ - * /`` and ``sqrt`` only (each
correctly rounded by IEEE 754, in numpy and in JavaScript alike), in a fixed order. The
explorer's engine (``gdviz/web/js/arith.js``) mirrors every function here operation for
operation, and the tests hold the two to the same bits.

    >>> eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    array([1., 3.])
    >>> solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([3.0, 5.0]))
    array([0.8, 1.4])
    >>> powi(0.9, 3), exp(1.0)
    (0.7290000000000001, 2.718281828459045)

Every function takes one point or a batch: a leading batch axis broadcasts.
"""
from __future__ import annotations

import math

import numpy as np

# exp: x = k ln 2 + r with ln 2 split in two (fdlibm's ln2_hi has 11 trailing zero bits, so
# k * LN2_HI is exact), then e^r by a Taylor polynomial (|r| <= ln2 / 2: the first term left
# out, r^15 / 15!, is below 1e-19 of e^r).
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e+00
EXP_TERMS = 15
LN_096 = -0.040821994520255166   # log(0.96), for NAdam's 0.96^(t psi) = exp(t psi log 0.96)


def powi(x, n):
    """``x ** n`` for a whole ``n >= 0`` (a number, or an integer array), by repeated squaring:
    ``x^13 = x * x^4 * x^8``, each product rounded once, in this order.

        >>> powi(2.0, 10), powi(np.array([0.5, 0.9]), 2).tolist()
        (1024.0, [0.25, 0.81])
    """
    if isinstance(n, (int, np.integer)) or np.ndim(n) == 0:
        n = int(n)
        if n < 0:
            raise ValueError(f"powi needs a whole exponent >= 0, got {n}")
        result, base = 1.0, x
        while n:
            if n & 1:
                result = result * base
            n >>= 1
            if n:
                base = base * base
        return result
    n = np.asarray(n)
    if n.size and n.min() < 0:
        raise ValueError("powi needs whole exponents >= 0")
    result = np.ones(np.broadcast_shapes(np.shape(x), n.shape))
    base = np.broadcast_to(np.asarray(x, float), result.shape)
    n = np.broadcast_to(n, result.shape).astype(np.int64)
    while n.any():
        result = np.where(n & 1, result * base, result)
        n = n >> 1
        base = base * base
    return result


def exp(x):
    """e^x in basic arithmetic (relative error below 1e-15): ``x = k ln 2 + r``,
    ``e^x = 2^k (1 + r (1 + r / 2 (1 + r / 3 (...))))`` written as Horner's rule on the
    coefficients 1/j!. Used where libm's ``exp``/``pow`` would decide a path (NAdam)."""
    scalar = np.ndim(x) == 0
    x = np.asarray(x, float)
    with np.errstate(all="ignore"):
        k = np.floor(x * INV_LN2 + 0.5)
        r = (x - k * LN2_HI) - k * LN2_LO
        p = 1 / math.factorial(EXP_TERMS - 1)
        for j in range(EXP_TERMS - 2, -1, -1):
            p = p * r + 1 / math.factorial(j)
        kk = np.clip(np.nan_to_num(k), -1100, 1100).astype(np.int64)
        out = p * np.where(kk >= 0, powi(2.0, np.maximum(kk, 0)), powi(0.5, np.maximum(-kk, 0)))
        out = np.where(x > 709.78, np.inf, np.where(x < -745.2, 0.0, out))
        out = np.where(np.isnan(x), np.nan, out)
    return float(out) if scalar else out


def sumsq(v):
    """``v_0^2 + v_1^2 + ...`` over the last axis, left to right (no BLAS dot, whose kernels
    may fuse the multiply and the add)."""
    v = np.asarray(v, float)
    out = v[..., 0] * v[..., 0]
    for i in range(1, v.shape[-1]):
        out = out + v[..., i] * v[..., i]
    return out


def norm(v):
    """The Euclidean length over the last axis: ``sqrt(sumsq(v))``."""
    return np.sqrt(sumsq(v))


def eigh(h):
    """The eigenvalues of symmetric 1x1 or 2x2 matrices ``h`` (..., d, d), smallest first.

    2x2 [[a, b], [b, c]]: LAPACK's dlaev2 formula, stable where the eigenvalues are far apart
    in size: rt = sqrt((a - c)^2 + 4 b^2) with the larger of |a - c|, |2b| factored out,
    rt1 = (a + c +- rt) / 2 (the eigenvalue larger in magnitude), rt2 = (acmx / rt1) acmn -
    (b / rt1) b, where acmx, acmn are the diagonal entries of larger and smaller magnitude."""
    h = np.asarray(h, float)
    d = _dim(h)
    if d == 1:
        return h[..., 0, :].copy()
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    with np.errstate(all="ignore"):
        sm, df, tb = a + c, a - c, b + b
        adf, ab = np.abs(df), np.abs(tb)
        big_a = np.abs(a) > np.abs(c)
        acmx, acmn = np.where(big_a, a, c), np.where(big_a, c, a)
        rt = np.where(adf > ab, adf * np.sqrt(1.0 + (ab / adf) * (ab / adf)),
                      np.where(adf < ab, ab * np.sqrt(1.0 + (adf / ab) * (adf / ab)), ab * 1.4142135623730951))
        rt1 = np.where(sm < 0, 0.5 * (sm - rt), 0.5 * (sm + rt))
        rt2 = (acmx / rt1) * acmn - (b / rt1) * b
        rt2 = np.where(sm == 0, -0.5 * rt, rt2)
        rt1 = np.where(sm == 0, 0.5 * rt, rt1)
        first = rt1 <= rt2
        lo, hi = np.where(first, rt1, rt2), np.where(first, rt2, rt1)
        bad = np.isnan(rt1) | np.isnan(rt2)   # a NaN entry: no ordering to trust
        lo, hi = np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
    return np.stack([lo, hi], -1)


def solve(a, b):
    """``x`` with ``a x = b`` for symmetric 1x1 or 2x2 ``a`` (..., d, d) and ``b`` (..., d):
    Cramer's rule, ``x = [d b0 - a01 b1, a00 b1 - a10 b0] / (a00 a11 - a01 a10)``; where the
    determinant is exactly 0, the pseudo-inverse (1/lambda along each eigenvector whose
    |lambda| > 1e-15 of the largest), as ``np.linalg.pinv`` gives."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = _dim(a)
    a, b = np.broadcast_arrays(a, b[..., None, :])
    b = b[..., 0, :]
    with np.errstate(all="ignore"):
        if d == 1:
            return np.where(a[..., 0] != 0, b / a[..., 0], 0.0)
        a00, a01, a10, a11 = a[..., 0, 0], a[..., 0, 1], a[..., 1, 0], a[..., 1, 1]
        det = a00 * a11 - a01 * a10
        out = np.stack([(a11 * b[..., 0] - a01 * b[..., 1]) / det, (a00 * b[..., 1] - a10 * b[..., 0]) / det], -1)
    singular = det == 0
    if singular.any():
        out = np.array(out)
        for idx in np.ndindex(singular.shape):
            if singular[idx]:
                out[idx] = _pinv_solve2(a[idx], b[idx])
    return out


def _pinv_solve2(a, b):
    """pinv(a) @ b for one singular symmetric 2x2 ``a``: the sum over eigenpairs (lambda, v)
    with |lambda| > 1e-15 max|lambda| of v (v . b) / (|v|^2 lambda); v = (a01, lambda - a00),
    or a unit vector where a01 = 0."""
    lo, hi = (float(x) for x in eigh(a))
    top = max(abs(lo), abs(hi))
    out = [0.0, 0.0]
    a00, a01 = float(a[0, 0]), float(a[0, 1])
    for lam in (lo, hi):
        if not abs(lam) > 1e-15 * top:
            continue
        v = (a01, lam - a00) if a01 != 0 else (1.0, 0.0) if lam == a00 else (0.0, 1.0)
        n2 = v[0] * v[0] + v[1] * v[1]
        w = (v[0] * float(b[0]) + v[1] * float(b[1])) / (n2 * lam)
        out[0] = out[0] + w * v[0]
        out[1] = out[1] + w * v[1]
    return out


def _dim(m) -> int:
    if m.ndim < 2 or m.shape[-1] != m.shape[-2] or m.shape[-1] not in (1, 2):
        raise ValueError(f"gdviz.arith handles 1x1 and 2x2 matrices (surfaces of 1 or 2 parameters), "
                         f"got shape {m.shape}")
    return m.shape[-1]


def top_eigenvector(h):
    """A unit eigenvector of the largest eigenvalue of one symmetric 1x1 or 2x2 matrix ``h``:
    (b, lambda - a) / |.| for [[a, b], [b, c]], or the axis of the larger diagonal entry where
    b = 0."""
    h = np.asarray(h, float)
    if _dim(h) == 1:
        return np.array([1.0])
    a, b, c = float(h[0, 0]), float(h[0, 1]), float(h[1, 1])
    hi = float(eigh(h)[-1])
    v = np.array([b, hi - a]) if b != 0 else np.array([1.0, 0.0]) if a >= c else np.array([0.0, 1.0])
    return v / norm(v)
