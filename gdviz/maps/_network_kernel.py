"""The numba kernel of :mod:`gdviz.maps.network` (this module imports numba: load it only when
a trainability map is computed).

A block holds ``LANES`` pixels; every per-pixel array has the lanes as its last, contiguous axis,
so each loop over lanes is one SIMD multiply-add across pixels, and the block's weights and
gradients (2 x width^2 x LANES doubles, 32 KB for width 16) stay in the core's cache for all the
steps. Blocks run in parallel (``prange``); nothing is summed across pixels.

``tanh`` is written out (libm's is scalar and took half the run): for all x,
``tanh|x| = (1 - u) / (1 + u)`` with ``u = exp(-2|x|) = 2^-k e^s`` (``2|x| = k ln2 - s``, ln 2 in
two parts), ``e^s - 1`` by its Taylor polynomial to s^14 (Estrin's scheme: short dependency
chains), 2^-k from a table of exact powers of two, and ``1 -+ u`` formed as ``(1 -+ 2^-k) -+ 2^-k
(e^s - 1)`` so no digits cancel near 0; 1 beyond |x| = 20 (tanh(20) rounds to 1). Within 3 ulp
of libm's (tested against np.tanh).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .network import CAP, LANES, LAST

LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
INV_LN2 = 1.44269504088896338700e+00
# 1/k! for k = 2 .. 14: e^s - 1 = sum_{k>=1} s^k / k!, the first term left out s^15/15! < 1e-19
E14, E13, E12, E11, E10 = 1 / 87178291200, 1 / 6227020800, 1 / 479001600, 1 / 39916800, 1 / 3628800
E9, E8, E7, E6, E5, E4, E3, E2 = 1 / 362880, 1 / 40320, 1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5
SCALE = np.array([2.0 ** -k for k in range(64)])   # exact powers of two: a vector gather, no int64

STRIPES = 64          # a thread's share of a tile is whole stripes of blocks spread across it
FAST = {"contract"}   # fused multiply-adds allowed; no reassociation, NaN and inf kept


@njit(inline="always", fastmath=FAST, error_model="numpy")
def tanh(x):
    """tanh(x) without libm, branch-free so that a loop of it vectorises:
    tanh|x| = (1 - u) / (1 + u), u = exp(-2|x|) = 2^-k (1 + p), p = e^s - 1."""
    a = abs(x)
    t = 2.0 * a
    t = t if t < 40.0 else 40.0                  # NaN too: its result is set below
    kf = math.floor(t * INV_LN2 + 0.5)
    s = -((t - kf * LN2_HI) - kf * LN2_LO)       # exp(-t) = 2^-k e^s, |s| <= ln2 / 2
    s2 = s * s
    s4 = s2 * s2
    low = (E3 + E4 * s) + (E5 + E6 * s) * s2 + (E7 + E8 * s) * s4       # s^3 .. s^8, over s^3
    high = (E9 + E10 * s) + (E11 + E12 * s) * s2 + (E13 + E14 * s) * s4  # s^9 .. s^14, over s^9
    p = (s + E2 * s2) + s2 * s * (low + high * (s4 * s2))               # e^s - 1 (Estrin)
    sc = SCALE[np.int32(kf)]                     # 2^-k, 0 <= k <= 58
    r = ((1.0 - sc) - sc * p) / ((1.0 + sc) + sc * p)
    r = math.copysign(r, x)
    return x if x != x else r


@njit(parallel=True, cache=True, fastmath=FAST, error_model="numpy")
def tanh_array(x):
    """:func:`tanh` over a 1-D array (for tests and measurements)."""
    out = np.empty_like(x)
    for i in prange(x.shape[0]):
        out[i] = tanh(x[i])
    return out


@njit(parallel=True, cache=True, fastmath=FAST, error_model="numpy")
def train_blocks(w1_0, w2_0, x, y, n_data, lr1, lr2, steps, l0, sums, diverged):
    """Train every block (row of ``lr1``/``lr2``, LANES pixels) and write its sum of ratios, sum
    of inverse ratios and mean of the last LAST ratios into ``sums[:, block]``, and whether a
    ratio hit the cap into ``diverged[block]``."""
    nb = lr1.shape[0]
    stripes = min(nb, STRIPES)
    for first in prange(stripes):                  # stripe = blocks first, first + stripes, ...: each spans
        for b in range(first, nb, stripes):        # the tile, so threads share trained and diverged pixels
            _train_block(w1_0, w2_0, x, y, n_data, lr1[b], lr2[b], steps, l0, sums[:, b], diverged[b])


@njit(inline="always", fastmath=FAST, error_model="numpy")
def _point(z, w2, g2, out, loss, yk, c, n):
    """One data point, all lanes: z = X[k] W1 in, dL/dz (for W1's gradient) out; adds the
    point's squared error to ``loss`` and its share of W2's gradient to ``g2``."""
    d = z.shape[0] // LANES
    for q in range(z.shape[0]):
        z[q] = tanh(c * z[q])                 # h
    for p in range(LANES):
        out[p] = 0.0
    for j in range(d):
        for p in range(LANES):
            out[p] += z[j * LANES + p] * w2[j * LANES + p]
    for p in range(LANES):
        r = out[p] / d - yk
        loss[p] += r * r
        out[p] = 2.0 * r / n                  # dL/df for this point
    for j in range(d):
        for p in range(LANES):
            q = j * LANES + p
            h = z[q]
            g2[q] += h * out[p]
            z[q] = out[p] * w2[q] / d * c * (1.0 - h * h)


@njit(cache=True, fastmath=FAST, error_model="numpy")
def _train_block(w1_0, w2_0, x, y, n_data, lr1, lr2, steps, l0, sums, diverged):
    # weights flat per row: w1[i, j * LANES + p] is W1[i, j] of pixel p; m = width * LANES
    d, n = w1_0.shape[0], x.shape[0]          # n even (a zero row added: it adds 0 to all sums)
    m = d * LANES
    c = math.sqrt(2.0) / math.sqrt(d)            # tanh(sqrt2 * XW / sqrt d)
    w1 = np.empty((d, m))
    g1 = np.empty((d, m))
    w2 = np.empty(m)
    g2 = np.empty(m)
    z0 = np.empty(m)
    z1 = np.empty(m)
    lr1m = np.empty(m)
    lr2m = np.empty(m)
    out = np.empty(LANES)
    loss = np.empty(LANES)
    sum_v = np.zeros(LANES)
    sum_inv = np.zeros(LANES)
    tail = np.zeros(LANES)
    over = np.zeros(LANES, dtype=np.bool_)
    dead = np.zeros(LANES, dtype=np.bool_)      # loss NaN: the weights are NaN from now on
    for j in range(d):
        for p in range(LANES):
            q = j * LANES + p
            for i in range(d):
                w1[i, q] = w1_0[i, j]
            w2[q] = w2_0[j]
            lr1m[q] = lr1[p]
            lr2m[q] = lr2[p] / d
    for t in range(steps):
        if dead.all():
            for p in range(LANES):
                loss[p] = np.nan
        else:
            for i in range(d):
                for q in range(m):
                    g1[i, q] = 0.0
            for q in range(m):
                g2[q] = 0.0
            for p in range(LANES):
                loss[p] = 0.0
            for k in range(0, n, 2):                      # two points share each load of W1
                for q in range(m):
                    z0[q] = 0.0
                    z1[q] = 0.0
                for i in range(d):                        # z = X[k] W1, all lanes at once
                    x0, x1 = x[k, i], x[k + 1, i]
                    for q in range(m):
                        w = w1[i, q]
                        z0[q] += x0 * w
                        z1[q] += x1 * w
                _point(z0, w2, g2, out, loss, y[k], c, n_data)
                _point(z1, w2, g2, out, loss, y[k + 1], c, n_data)
                for i in range(d):                        # g1 += X[k]^T dz
                    x0, x1 = x[k, i], x[k + 1, i]
                    for q in range(m):
                        g1[i, q] += x0 * z0[q] + x1 * z1[q]
            for i in range(d):
                for q in range(m):
                    w1[i, q] -= lr1m[q] * g1[i, q]
            for q in range(m):
                w2[q] -= lr2m[q] * g2[q]
            for p in range(LANES):
                loss[p] = loss[p] / n_data
        for p in range(LANES):
            v = loss[p] / l0
            if not v <= CAP:                             # above the cap, inf or NaN
                v = CAP
                over[p] = True
            if loss[p] != loss[p]:
                dead[p] = True
            sum_v[p] += v
            sum_inv[p] += 1.0 / v
            if t >= steps - LAST:
                tail[p] += v
    for p in range(LANES):
        sums[0, p] = sum_v[p]
        sums[1, p] = sum_inv[p]
        sums[2, p] = tail[p] / min(LAST, steps)
        diverged[p] = over[p]
