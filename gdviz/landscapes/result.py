"""`Landscape`: the loss of a model on a plane (or a line) through its parameter space.

    >>> land = gd.landscape(gd.mlp([2, 16, 1]), "cross-entropy", "moons", grid=51)
    >>> land.loss.shape, land.x.shape, land.y.shape
    ((51, 51), (51,), (51,))

``loss[i, j]`` is the loss at ``center + x[j] * d1 + y[i] * d2`` (``d1, d2 = directions``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import UserInputError
from ..surfaces.base import Surface


@dataclass
class Landscape:
    """The model's loss on a grid of a plane (2-D) or a line (1-D) through parameter space.

    loss : (ny, nx) for a plane, (nx,) for a line; ``loss[i, j]`` is the loss at
        ``center + x[j] d1 + y[i] d2`` (a line: ``center + x[j] d1``). Not finite where the
        model's loss overflows (kept as inf/nan; renderers mask it and say so).
    x, y : grid coordinates along d1 and d2 (``y`` is None for a line).
    directions : (d1, d2) or (d1,): each a list of arrays, one per parameter, in the model's
        parameter order and shapes.
    center : the weights at the origin, one array per parameter.
    kind : "random" (filter-normalized), "pca", "hessian", "endpoints", "fixed" or "interpolation".
    explained : PCA only: the share of the path's variance along d1 and d2 (2,), else None.
    eigenvalues : Hessian only: the two eigenvalues (largest magnitude first), else None.
    model : the :class:`~gdviz.landscapes.model.ModelLoss` evaluated (its ``unflatten`` and
        ``flatten`` convert between the flat vector and the per-parameter arrays).
    meta : what built it: model, loss and data descriptions, seed, grid, span, ignore.
    """

    loss: np.ndarray
    x: np.ndarray
    y: np.ndarray | None
    directions: tuple
    center: list
    kind: str
    explained: np.ndarray | None = None
    eigenvalues: np.ndarray | None = None
    model: object = None
    meta: dict = field(default_factory=dict)

    @property
    def dim(self) -> int:
        """2 for a plane, 1 for a line."""
        return 1 if self.y is None else 2

    def __repr__(self) -> str:
        finite = np.asarray(self.loss)[np.isfinite(self.loss)]
        m = self.meta
        data = f" on {m['data']}" if m.get("data") else ""
        points = " x ".join(str(n) for n in np.shape(self.loss)[::-1])
        values = f"loss {finite.min():.4g} to {finite.max():.4g}" if finite.size else "no finite loss"
        blank = f", {m['non_finite']} not finite" if m.get("non_finite") else ""
        return (f"Landscape({self.kind} {'plane' if self.dim == 2 else 'line'} of {m.get('model', 'a model')}, "
                f"{m.get('loss', '?')}{data}, {points} points; {values}{blank})")

    # -- the plane's coordinates -----------------------------------------------------------
    def flat(self):
        """(center, [d1, d2]) as flat (P,) vectors."""
        return _ravel(self.center), [_ravel(d) for d in self.directions]

    def project(self, traj):
        """The path's coordinates on the plane: a :class:`~gdviz.trajectory.Trajectory` whose
        ``params`` are (n+1, 2) (a line: (n+1, 1)) by least squares on the directions (see
        :func:`plane_coordinates`); ``loss`` the path's own loss; ``grads`` the gradient's
        components along d1, d2 (``g . d_k``: the slope of the loss along each axis); and
        ``meta["off_plane"]`` per row ``|r - (a d1 + b d2)| / |r|`` (``r`` = the point minus
        the center; 0 on the plane, 1 orthogonal to it; 0 where ``r = 0``).
        """
        from dataclasses import replace

        from ..trajectory import Trajectory

        if not isinstance(traj, Trajectory):
            raise UserInputError(f"project takes a Trajectory (from gd.train), got {type(traj).__name__}")
        if traj.batched:
            raise UserInputError(f"project takes one path; this is a batch of {len(traj)}: project each "
                                 "member (traj[i]) or traj.members()")
        center, ds = self.flat()
        if traj.params.shape[-1] != center.size:
            raise UserInputError(f"the path has {traj.params.shape[-1]} parameters per point, the landscape's "
                                 f"model {center.size}: train it on the same model")
        coords, off = plane_coordinates(traj.params, center, ds)
        grads = np.stack([traj.grads @ d for d in ds], axis=-1)
        meta = {**traj.meta, "off_plane": off, "landscape": self.kind, "surface_params": {},
                "surface_title": dict(self.meta.get("title") or {})}
        return replace(traj, params=coords, grads=grads, state={}, surface="landscape", meta=meta)

    def argmin(self):
        """The coordinates of the lowest finite grid point: (x, y), or (x,) for a line."""
        finite = np.isfinite(self.loss)
        if not finite.any():
            raise UserInputError("the landscape has no finite loss: the model's loss overflows everywhere on it")
        k = np.argmin(np.where(finite, self.loss, np.inf))
        if self.y is None:
            return (float(self.x[k]),)
        i, j = np.unravel_index(k, self.loss.shape)
        return float(self.x[j]), float(self.y[i])

    def share_below(self, points) -> np.ndarray:
        """For each plane point (rows of (x, y), or (x,) on a line): the share of the finite grid
        points whose loss is lower than the plane's loss there (interpolated as :meth:`surface`);
        0 at the lowest grid point, 1 above all of it."""
        finite = np.asarray(self.loss)[np.isfinite(self.loss)]
        at = np.atleast_1d(self.surface().value(np.asarray(points, dtype=float)))
        return (finite[None, :] < at[:, None]).mean(axis=1)

    def surface(self) -> "GridSurface":
        """The grid as a :class:`~gdviz.surfaces.Surface` (bilinear interpolation; a line: linear),
        over the grid's extent, its minimum the lowest grid point, drawn on a log scale."""
        return GridSurface(self)


def _ravel(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])


def plane_coordinates(points, center, ds):
    """(coords, off_plane) of points (n, P) on the plane ``center + sum_k c_k d_k``: the least-squares
    ``c`` from the normal equations ``G c = D r`` (``G = D D^T``, 2 x 2, solved in closed form;
    a line: ``c = d . r / d . d``), ``r = point - center``; off_plane ``|r - c D| / |r|``."""
    r = np.asarray(points, dtype=float) - center
    b = [r @ d for d in ds]
    if len(ds) == 1:
        c = [b[0] / (ds[0] @ ds[0])]
    else:
        g11, g12, g22 = ds[0] @ ds[0], ds[0] @ ds[1], ds[1] @ ds[1]
        det = g11 * g22 - g12 * g12
        c = [(g22 * b[0] - g12 * b[1]) / det, (g11 * b[1] - g12 * b[0]) / det]
    rest = r - sum(ck[:, None] * d for ck, d in zip(c, ds))
    norm_r = np.sqrt((r * r).sum(axis=1))
    off = np.divide(np.sqrt((rest * rest).sum(axis=1)), norm_r, out=np.zeros_like(norm_r), where=norm_r > 0)
    return np.stack(c, axis=-1), off


class GridSurface(Surface):
    """A landscape's grid as a surface: the bilinear interpolant of ``loss`` (a line: linear),
    points outside the grid taken at the nearest edge (so the slope there is 0).

    In a cell ``[x_j, x_j+1] x [y_i, y_i+1]`` with ``s, t`` in [0, 1]:
    ``f = (1-s)(1-t) f00 + s(1-t) f01 + (1-s)t f10 + s t f11`` (``f01 = loss[i, j+1]``).
    """

    name = "landscape"
    log_scale = True

    def __init__(self, land: Landscape):
        self.dim = land.dim
        self.loss, self.axes = np.asarray(land.loss, dtype=float), [np.asarray(land.x, dtype=float)]
        if land.y is not None:
            self.axes.append(np.asarray(land.y, dtype=float))
        bounds = [(a[0], a[-1]) for a in self.axes]
        low = land.argmin()
        super().__init__(bounds=bounds, minima=[low], start=low, variables=("x", "y")[:self.dim])
        self.title = dict(land.meta.get("title") or {"en": "Loss landscape", "zh": "损失曲面"})

    def _cells(self, p):
        """Per axis: the cell index, the fraction ``s`` across it, and the cell's width (0 outside)."""
        out = []
        for k, a in enumerate(self.axes):
            q = p[..., k]
            c = np.clip(q, a[0], a[-1])
            j = np.clip(np.searchsorted(a, c, side="right") - 1, 0, len(a) - 2)
            h = a[j + 1] - a[j]
            inside = (q >= a[0]) & (q <= a[-1])
            out.append((j, (c - a[j]) / h, np.where(inside, h, np.inf)))
        return out

    def _corners(self, cells):
        if self.dim == 1:
            (j, _, _), = cells
            return self.loss[j], self.loss[j + 1]
        (j, _, _), (i, _, _) = cells
        L = self.loss
        return L[i, j], L[i, j + 1], L[i + 1, j], L[i + 1, j + 1]

    def _value(self, p):
        cells = self._cells(p)
        if self.dim == 1:
            s = cells[0][1]
            return _mix((1 - s, s), self._corners(cells))
        s, t = cells[0][1], cells[1][1]
        return _mix(((1 - s) * (1 - t), s * (1 - t), (1 - s) * t, s * t), self._corners(cells))

    def _grad(self, p):
        cells = self._cells(p)
        if self.dim == 1:
            f0, f1 = self._corners(cells)
            return ((f1 - f0) / cells[0][2])[..., None]
        f00, f01, f10, f11 = self._corners(cells)
        (_, s, hx), (_, t, hy) = cells
        gx = ((1 - t) * (f01 - f00) + t * (f11 - f10)) / hx
        gy = ((1 - s) * (f10 - f00) + s * (f11 - f01)) / hy
        return np.stack([gx, gy], axis=-1)

    def _hessian(self, p):
        cells = self._cells(p)
        out = np.zeros(p.shape + (self.dim,))
        if self.dim == 2:
            f00, f01, f10, f11 = self._corners(cells)
            out[..., 0, 1] = out[..., 1, 0] = (f11 - f10 - f01 + f00) / (cells[0][2] * cells[1][2])
        return out


def _mix(weights, values):
    """``sum(w * f)`` over the corners, a corner of weight 0 left out: at a grid point beside an
    overflowing one (inf) the value is the grid point's own, not 0 * inf = nan."""
    with np.errstate(invalid="ignore"):
        return sum(np.where(w == 0, 0.0, w * f) for w, f in zip(weights, values))
