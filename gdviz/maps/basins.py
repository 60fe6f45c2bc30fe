"""``gd.basins``: from every start of a grid, which known minimum does the optimizer reach?

    >>> b = gd.basins("himmelblau", "gd", grid=40, steps=2000)
    >>> b.labels.shape, len(b.minima), round(float(b.share.sum() + b.none_share), 6)
    ((40, 40), 4, 1.0)

The picture behind random restarts: the share of starts in the global minimum's basin is the
chance that one random start finds it (``gd.restarts`` draws such starts).
"""
from __future__ import annotations

import numpy as np

from ..analysis import max_curvature, nearest_minimum
from ..errors import UserInputError
from ..surfaces import Surface
from ..surfaces import surface as make_surface
from . import tiles
from .result import DIVERGED, Basins
from .simulate import MAX_AXIS, map


def basins(surface, optimizer: str = "gd", grid=200, *, steps: int = 2000, bounds=None, radius=None, tol=None,
           tile: int = tiles.TILE, client=None, progress=None, kernel: str = "auto", **hyperparameters) -> Basins:
    """A grid of starts over ``bounds`` (default: the surface's window), one run each.

    grid : n (n x n starts) or (nx, ny), each 2..8192.
    lr : by default 0.5 / L_max (L_max: the largest curvature in the window), as ``gd.restarts``.
    radius : a run that ends within ``radius`` (default 5% of the window's span) of a known minimum
        without diverging is labelled with it (as ``gd.restarts`` labels its starts; ``map.status``
        tells a converged run from one still on its way); anything else is -1.
    The other keywords are ``gd.map``'s.
    """
    s = surface if isinstance(surface, Surface) else make_surface(surface)
    if s.dim != 2:
        raise UserInputError(f"basins map a grid of starts over a 2-D surface; '{s.spec()['name']}' is {s.dim}-D")
    if not len(s.minima):
        raise UserInputError(f"'{s.spec()['name']}' has no known minima to label the starts with")
    nx, ny = _grid(grid)
    box = s.bounds if bounds is None else _bounds(bounds)
    if hyperparameters.get("lr") is None:
        L = max_curvature(s)
        if not np.isfinite(L) or L <= 0:
            raise UserInputError(f"'{s.spec()['name']}' has no positive curvature in its window: give basins lr=...")
        hyperparameters["lr"] = 0.5 / L
    vx, vy = s.variables
    m = map(optimizer, s, (vx, np.linspace(*box[0], nx)), (vy, np.linspace(*box[1], ny)), steps=steps,
            measure="loss", tol=tol, keep_final=True, tile=tile, client=client, progress=progress, kernel=kernel,
            **hyperparameters)
    labels = nearest_minimum(s, m.final.reshape(-1, 2), radius).reshape(ny, nx)
    labels = np.where(m.codes == DIVERGED, -1, labels)
    share = np.array([np.mean(labels == k) for k in range(len(s.minima))])
    return Basins(labels, s.minima.copy(), m.x, m.y, share, m)


def _grid(grid) -> tuple[int, int]:
    sizes = (grid, grid) if np.ndim(grid) == 0 else tuple(grid)
    ok = len(sizes) == 2 and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                 and 2 <= n <= MAX_AXIS for n in sizes)
    if not ok:
        raise UserInputError(f"grid must be n or (nx, ny), whole numbers from 2 to {MAX_AXIS}, got {grid!r}")
    return int(sizes[0]), int(sizes[1])


def _bounds(bounds) -> np.ndarray:
    try:
        b = np.array(bounds, dtype=float)
    except (TypeError, ValueError):
        b = None
    if b is None or b.shape != (2, 2) or not np.isfinite(b).all() or not (b[:, 0] < b[:, 1]).all():
        raise UserInputError(f"bounds must be ((xmin, xmax), (ymin, ymax)) with min < max, got {bounds!r}")
    return b
