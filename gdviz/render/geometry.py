"""Pure-numpy geometry for drawing paths inside a window (shared by matplotlib and manim).

    >>> first_exit(np.array([[0.0, 0.0], [0.5, 0.0], [3.0, 0.0]]), np.array([[-1, 1], [-1, 1]]))
    (2, array([1., 0.]))
"""
from __future__ import annotations

import numpy as np


def inside(points, bounds) -> np.ndarray:
    """Boolean per point: within the (d, 2) box ``bounds`` (edges included)."""
    points = np.asarray(points, dtype=float)
    return ((points >= bounds[:, 0]) & (points <= bounds[:, 1])).all(-1)


def first_exit(params, bounds):
    """The first index whose point lies outside ``bounds`` and where the segment into it crosses
    the box edge; ``(None, None)`` when the path stays inside."""
    params = np.asarray(params, dtype=float)
    ins = inside(params, bounds)
    out = np.flatnonzero(~ins)
    if not out.size or out[0] == 0:
        return (None, None) if not out.size else (0, params[0].copy())
    i = int(out[0])
    a, b = params[i - 1], params[i]
    d = b - a
    t = 1.0
    for k in range(len(a)):  # largest step fraction that keeps every coordinate inside
        if d[k] > 0:
            t = min(t, (bounds[k, 1] - a[k]) / d[k])
        elif d[k] < 0:
            t = min(t, (bounds[k, 0] - a[k]) / d[k])
    return i, a + max(t, 0.0) * d


def clip_to_window(params, bounds):
    """The path up to where it leaves the window, ending exactly on the edge."""
    i, edge = first_exit(params, bounds)
    if i is None:
        return np.asarray(params, dtype=float)
    return np.vstack([params[:i], edge[None]])



def hop(a, b, u, lift: float):
    """Points at fractions ``u`` of a hop from ``a`` to ``b`` (2-D points, e.g. (w, loss) on a
    1-D loss curve): the straight line raised by ``lift`` x 4u(1 - u), an arc like a thrown
    ball's. A step of gradient descent jumps from point to point; it does not slide along the
    curve through the minimum.

        >>> hop(np.array([0.0, 1.0]), np.array([2.0, 1.0]), 0.5, 0.5).tolist()
        [1.0, 1.5]
    """
    u = np.asarray(u, dtype=float)[..., None]
    pts = a + (b - a) * u
    pts[..., 1] += lift * 4 * u[..., 0] * (1 - u[..., 0])
    return pts


def fit_window(surface, trajs, *, include_bounds: bool = True, margin: float = 0.08,
               diverged_steps: int = 0):
    """A plotting window (d, 2) that shows every path that did not diverge, and the first
    ``diverged_steps`` steps of those that did: the surface's bounds grown to the paths' extent
    (or, with ``include_bounds=False``, just the paths)."""
    pts = [t.params if t.status != "diverged" else t.params[: diverged_steps + 1] for t in trajs
           if t.status != "diverged" or diverged_steps]
    if not pts:
        return surface.bounds.copy()
    pts = np.vstack(pts)
    lo, hi = pts.min(0), pts.max(0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad, hi + pad
    if include_bounds:
        lo, hi = np.minimum(lo, surface.bounds[:, 0]), np.maximum(hi, surface.bounds[:, 1])
    return np.stack([lo, hi], 1)


def focus_window(surface, trajs, *, margin: float = 0.15, least: float = 0.3):
    """A window (d, 2) on where the paths go and the global minimum, not the whole surface: for
    landscapes with many minima, where the runs cross a few of them. Each side spans at least
    ``least`` of the bounds' widest span."""
    w = fit_window(surface, trajs, include_bounds=False, margin=margin)
    if len(surface.minima):
        w[:, 0] = np.minimum(w[:, 0], surface.minima[0] - margin)
        w[:, 1] = np.maximum(w[:, 1], surface.minima[0] + margin)
    span = least * float(np.ptp(surface.bounds, axis=1).max())
    grow = np.maximum(span - (w[:, 1] - w[:, 0]), 0) / 2
    return np.stack([w[:, 0] - grow, w[:, 1] + grow], 1)


def dash_pieces(points, pattern, unit: float) -> list[np.ndarray]:
    """A polyline cut into the drawn pieces of a dash ``pattern`` (on, off, on, off... lengths,
    times ``unit``, measured along the line as matplotlib measures dashes); ``pattern`` None:
    the whole line, one piece (for renderers without dashes: manim's).

        >>> [p.tolist() for p in dash_pieces(np.array([[0.0, 0.0], [5.0, 0.0]]), (2, 1), 1.0)]
        [[[0.0, 0.0], [2.0, 0.0]], [[3.0, 0.0], [5.0, 0.0]]]
    """
    points = np.asarray(points, dtype=float)
    if pattern is None or len(points) < 2:
        return [points]
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    lengths = np.asarray(pattern, dtype=float) * unit
    starts = np.r_[0.0, np.cumsum(lengths)[:-1]][::2]       # where each "on" begins in a period
    period = lengths.sum()
    pieces = []
    for k in range(int(s[-1] // period) + 1):
        for a, on in zip(k * period + starts, lengths[::2]):
            b = min(a + on, s[-1])
            if b <= a:
                continue
            inner = (s > a) & (s < b)
            at = np.concatenate([[a], s[inner], [b]])
            pieces.append(np.column_stack([np.interp(at, s, points[:, d]) for d in range(points.shape[1])]))
    return pieces
