"""`Landscape`: the loss of a model on a plane (or a line) through its parameter space.

    >>> land = gd.landscape(gd.mlp([2, 16, 1]), "cross-entropy", "moons", grid=51)
    >>> land.loss.shape, land.x.shape, land.y.shape
    ((51, 51), (51,), (51,))

``loss[i, j]`` is the loss at ``center + x[j] * d1 + y[i] * d2`` (``d1, d2 = directions``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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
