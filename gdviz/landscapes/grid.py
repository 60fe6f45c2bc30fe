"""`gd.landscape` and `gd.interpolate`: a model's loss on a plane (or a line) through its weights.

    >>> land = gd.landscape(gd.mlp([2, 16, 1]), "cross-entropy", "moons", grid=51)   # doctest: +SKIP
    >>> land.loss.shape                                                              # doctest: +SKIP
    (51, 51)

``loss[i, j]`` is the loss at ``center + x[j] d1 + y[i] d2``. The grid's pixels (row-major) are
cut into tiles; each tile is ONE batched evaluation ``model._value(points)`` of its (m, P)
points, in a loop or on Dask workers (:func:`gdviz.maps.tiles.compute`), so the numbers are the
same bits however the grid is cut or run. Tile size: a memory budget (``MEMORY_BUDGET``) over
the model's ``floats_per_point`` unless ``tile=`` is given.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserInputError, unknown_name
from . import directions as dirs
from .result import Landscape, plane_coordinates
from .wrap import model_loss

KINDS = ("random", "pca", "hessian", "endpoints")
MAX_GRID = 1001            # points per axis
MEMORY_BUDGET = 16 * 2**20  # bytes of working memory per tile (the model groups its points within a tile)
MARGIN = 0.15              # default span for pca/endpoints: the paths' extent + this x its larger side
TITLES = {
    "random": ("filter-normalized random directions", "按滤波器归一化的随机方向"),
    "pca": ("PCA directions of the training path", "训练路径的主成分方向"),
    "hessian": ("top Hessian eigenvectors", "Hessian 最大特征向量方向"),
    "endpoints": ("the plane through the start and two end points", "过起点与两个终点的平面"),
    "fixed": ("given directions", "给定方向"),
    "interpolation": ("from start to end", "从起点到终点的线性插值"),
}


def landscape(model, loss=None, data=None, *, directions="random", grid=51, span=None, center=None, path=None,
              seed=0, ignore="biasbn", tile=None, client=None, progress=None) -> Landscape:
    """The loss of ``model`` (on ``data``, with ``loss``) on a plane through its weights.

    directions : "random" (filter-normalized, seeded), "pca" (of ``path``: one Trajectory or a
        list, jointly), "hessian" (top two eigenvectors at the center), "endpoints" (the
        orthonormal plane through the common start and the end points of ``path[0]``,
        ``path[1]``; see :func:`gdviz.landscapes.directions.endpoint_directions`), or a list of
        one or two directions (flat (P,) vectors or one array per parameter; one = a line).
    grid : points per axis (2..1001): an int, or (nx, ny).
    span : +-span on both axes, or (xmin, xmax, ymin, ymax) (a line: (xmin, xmax)); default 1.0,
        or for pca/endpoints the projected paths' extent plus a margin.
    center : the weights at the origin (flat or per parameter); default the last point of the
        first path when ``path`` is given (the trained weights: ``gd.train`` leaves the model as it
        was), for endpoints the common start, else the model's weights.
    ignore : "biasbn" (zero bias and norm parameters of random directions) or None (copy them).
    tile, client, progress : as :func:`gdviz.maps.tiles.compute` (tile default: by memory).
    """
    ml = model_loss(model, loss, data)
    kind = directions if isinstance(directions, str) else "fixed"
    if kind not in KINDS + ("fixed",):
        raise unknown_name("directions", directions, KINDS + ("a list of 1 or 2 directions",))
    dirs.check_ignore(ignore)
    if kind in ("pca", "endpoints") and path is None:
        raise UserInputError(f"directions='{kind}' needs path=: the Trajectory of a training run (gd.train)"
                             + (", or a list of them" if kind == "pca" else "; a list of 2 or more from one start"))
    c = None if center is None else dirs.as_flat(ml, center, "center")
    meta, explained, eigenvalues = {}, None, None
    if c is None and path is not None and kind != "endpoints":
        c = dirs.path_points(ml, path)[0][-1]          # where the first path ends: the trained weights
    if kind == "random":
        c = ml.center if c is None else c
        ds = dirs.random_directions(ml, c, seed=seed, ignore=ignore)
    elif kind == "pca":
        ds, explained = dirs.pca_directions(ml, path, c)
    elif kind == "hessian":
        c = ml.center if c is None else c
        ds, eigenvalues, meta["hessian_iterations"] = dirs.hessian_directions(ml, c, seed=seed)
    elif kind == "endpoints":
        ds, start = dirs.endpoint_directions(ml, path)
        c = start if c is None else c
    else:
        c = ml.center if c is None else c
        ds = dirs.fixed_directions(ml, directions)
    shape = grid_shape(grid, len(ds))
    limits = span_limits(span, len(ds), c, ds, path if kind in ("pca", "endpoints") else None, ml)
    axes = [np.linspace(lo, hi, n) for n, (lo, hi) in zip(shape, limits)]
    values = evaluate(ml, c, ds, axes, tile=tile, client=client, progress=progress)
    meta.update(seed=seed, grid=list(shape), span=[v for lim in limits for v in lim], ignore=ignore)
    return _result(ml, values, axes, ds, c, kind, explained, eigenvalues, meta)


def interpolate(model, loss=None, data=None, start=None, end=None, points=51, span=(-0.5, 1.5)) -> Landscape:
    """The loss on the line from ``start`` to ``end`` (Goodfellow et al. 2015): ``loss[j]`` at
    ``(1 - x[j]) start + x[j] end``; ``x``: ``points`` values evenly over ``span``, plus 0 and 1
    (the start and the end themselves) where the grid misses them.

    start, end : flat vectors or one array per parameter; or ``start`` a Trajectory and ``end``
        None (its first and last rows). kind "interpolation"; center = start, direction end - start.
    """
    from ..trajectory import Trajectory

    ml = model_loss(model, loss, data)
    if isinstance(start, Trajectory) and end is None:
        if start.batched:
            raise UserInputError(f"interpolate takes one path; this is a batch of {len(start)}: pass traj[i]")
        start, end = start.params[0], start.params[-1]
    if start is None or end is None:
        raise UserInputError("interpolate needs start and end weights (flat vectors or one array per parameter), "
                             "or start= a Trajectory")
    a, b = dirs.as_flat(ml, start, "start"), dirs.as_flat(ml, end, "end")
    if not np.any(b - a):
        raise UserInputError("interpolate: start and end are the same weights, so there is no line between them")
    (n,), [(lo, hi)] = grid_shape(points, 1, "points"), span_limits(span, 1)
    x = np.union1d(np.linspace(lo, hi, n), [v for v in (0.0, 1.0) if lo <= v <= hi])
    values = evaluate(ml, a, [b - a], [x])
    meta = {"grid": [int(x.size)], "span": [lo, hi]}
    return _result(ml, values, [x], [b - a], a, "interpolation", None, None, meta)


def describe(ml) -> dict:
    """The model, loss and data descriptions the wrapper recorded (``ml.params``), as strings."""
    return {k: str(ml.params[k]) for k in ("model", "loss", "data") if ml.params.get(k) is not None}


@dataclass
class _Task:
    """What a tile needs: the model, the plane (flat vectors) and the grid's axes."""

    model: object
    center: np.ndarray
    directions: list
    axes: list


def _tile(task: _Task, lo: int, hi: int) -> dict:
    """The loss at pixels lo..hi (row-major over (ny, nx)): one batched ``_value`` of their points."""
    k = np.arange(lo, hi)
    nx = task.axes[0].size
    points = task.center + task.axes[0][k % nx, None] * task.directions[0]
    if len(task.directions) == 2:
        points = points + task.axes[1][k // nx, None] * task.directions[1]
    with np.errstate(all="ignore"):
        values = np.asarray(task.model._value(points), dtype=float).reshape(hi - lo)
    return {"loss": values}


def evaluate(ml, center, ds, axes, *, tile=None, client=None, progress=None) -> np.ndarray:
    """``loss`` over the grid ``axes`` (x, or x and y) of the plane: (nx,) or (ny, nx)."""
    from ..maps import tiles

    n = int(np.prod([a.size for a in axes]))
    if tile is None:
        per_point = int(getattr(ml, "floats_per_point", 0) or 4 * ml.dim)
        tile = int(min(max(MEMORY_BUDGET // (8 * per_point), 1), tiles.MAX_TILE))
    task = _Task(ml, np.asarray(center, dtype=float), [np.asarray(d, dtype=float) for d in ds], axes)
    out = tiles.compute(_tile, task, n, tile=tile, client=client, progress=progress)
    return out["loss"].reshape([a.size for a in axes[::-1]])


def _result(ml, values, axes, ds, c, kind, explained, eigenvalues, meta) -> Landscape:
    en, zh = TITLES[kind]
    meta = {**describe(ml), **meta, "non_finite": int((~np.isfinite(values)).sum()),
            "title": {"en": f"Loss landscape: {en}", "zh": f"损失曲面：{zh}"}}
    return Landscape(loss=values, x=axes[0], y=axes[1] if len(axes) == 2 else None,
                     directions=tuple([a.copy() for a in ml.unflatten(d)] for d in ds),
                     center=[a.copy() for a in ml.unflatten(c)], kind=kind, explained=explained,
                     eigenvalues=eigenvalues, model=ml, meta=meta)


def grid_shape(grid, dims: int, what: str = "grid") -> tuple:
    """``grid`` as (nx,) or (nx, ny), each a whole number 2..MAX_GRID."""
    sizes = [grid] * dims if not isinstance(grid, (list, tuple, np.ndarray)) else list(grid)
    ok = len(sizes) == dims and all(not isinstance(n, (bool, np.bool_)) and isinstance(n, (int, np.integer))
                                    and 2 <= n <= MAX_GRID for n in sizes)
    if not ok:
        form = "a whole number" if dims == 1 else "a whole number or (nx, ny)"
        raise UserInputError(f"{what} must be {form} of points per axis from 2 to {MAX_GRID}, got {grid!r}")
    return tuple(int(n) for n in sizes)


def span_limits(span, dims: int, center=None, ds=None, path=None, ml=None,
                what: str = "span") -> list[tuple[float, float]]:
    """``span`` as one (lo, hi) per axis; None: 1.0, or the paths' projected extent plus a margin
    (``what`` names it in errors: "span", the CLI's "--span")."""
    if span is None and path is not None:
        coords = np.concatenate([plane_coordinates(p, center, ds)[0] for p in dirs.path_points(ml, path)])
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        pad = MARGIN * max(float((hi - lo).max()), 1e-12)
        return [(float(a - pad), float(b + pad)) for a, b in zip(lo, hi)]
    span = 1.0 if span is None else span
    form = "a number > 0 (+-span on each axis) or " + ("(xmin, xmax)" if dims == 1 else "(xmin, xmax, ymin, ymax)")
    try:
        arr = np.asarray(span, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"{what} must be {form}, got {span!r}") from None
    if arr.ndim == 0:
        arr = np.array([-arr, arr] * dims)
    if arr.shape != (2 * dims,) or not np.isfinite(arr).all() or (arr[1::2] <= arr[0::2]).any():
        raise UserInputError(f"{what} must be {form} with each min < max, all finite; got {span!r}")
    return [(float(arr[2 * k]), float(arr[2 * k + 1])) for k in range(dims)]
