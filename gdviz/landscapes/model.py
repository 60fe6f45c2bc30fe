"""A network's loss as a :class:`~gdviz.surfaces.Surface` over its flat parameter vector.

A model with parameters ``theta_1 .. theta_m`` (arrays of shapes ``shapes``, in the model's
order: torch's ``named_parameters()`` order, or the native MLP's ``W1, b1, W2, b2, ...``) is
seen as one point ``p`` of dimension ``P = sum(size(theta_k))``: the arrays raveled in C order
and joined (:meth:`ModelLoss.flatten`, :meth:`ModelLoss.unflatten`). The loss over the model's
data is then a surface of dimension ``P``, so :func:`gdviz.run` trains the network with any of
gdviz's optimizers, and a landscape is that surface evaluated on a plane through ``P``-space.

Every evaluation is batched: ``value(p)`` takes points of shape ``(..., P)`` and computes all of
them in one vectorised pass (the native MLP: batched matrix products; torch: ``torch.func``
``functional_call`` under ``vmap``).

Subclasses set ``names``, ``shapes``, ``kinds`` (``"weight"`` for arrays with filters along the
first axis, ``"bias"`` or ``"norm"`` for parameters a direction zeroes by default), ``center``
(the model's current weights, flat), ``n_samples`` and implement ``_value(p)``, ``_grad(p)``,
``batch_grad(p, idx)`` (mini-batches) and ``hvp(p, v)`` (Hessian-vector product at one point).
"""
from __future__ import annotations

import numpy as np

from ..surfaces.base import Surface

KINDS = ("weight", "bias", "norm")


class ModelLoss(Surface):
    """The loss of a model on its data, as a surface over the flat parameter vector.

    names : parameter names in the model's order ("0.weight", "W1", ...).
    shapes : one shape per parameter.
    kinds : one of KINDS per parameter ("weight": filters along axis 0; "bias", "norm": 1-D
        parameters that filter-normalized directions zero by default).
    center : (P,) the model's weights when it was wrapped (a copy; training never changes it).
    dtype : the float type of evaluation (numpy float64 for the native MLP; the module's for torch).
    """

    name = "model"
    log_scale = True
    names: tuple
    shapes: tuple
    kinds: tuple

    def __init__(self, names, shapes, kinds, center, *, title=None, params=None):
        self.names, self.shapes, self.kinds = tuple(names), tuple(tuple(s) for s in shapes), tuple(kinds)
        self.sizes = tuple(int(np.prod(s, dtype=np.int64)) for s in self.shapes)
        self.dim = int(sum(self.sizes))
        center = np.asarray(center, dtype=float).reshape(self.dim)
        span = 10.0 * (1.0 + np.abs(center))
        super().__init__(bounds=np.stack([center - span, center + span], axis=1), minima=center[None, :],
                         start=center, params=params, variables=tuple(f"p{i}" for i in range(self.dim)))
        self.center = center.copy()
        if title is not None:
            self.title = title

    # -- flat <-> per-parameter ------------------------------------------------------------
    def flatten(self, arrays) -> np.ndarray:
        """One flat (P,) vector from one array per parameter (checked against ``shapes``)."""
        arrays = list(arrays)
        if len(arrays) != len(self.shapes):
            from ..errors import UserInputError
            raise UserInputError(f"expected {len(self.shapes)} arrays (one per parameter: "
                                 f"{', '.join(self.names)}), got {len(arrays)}")
        out = []
        for name, shape, a in zip(self.names, self.shapes, arrays):
            a = np.asarray(a, dtype=float)
            if a.shape != shape:
                from ..errors import UserInputError
                raise UserInputError(f"parameter {name} has shape {shape}, got an array of shape {a.shape}")
            out.append(a.ravel())
        return np.concatenate(out) if out else np.zeros(0)

    def unflatten(self, p) -> list[np.ndarray]:
        """One array per parameter (views into ``p``) from a flat (P,) vector."""
        p = np.asarray(p, dtype=float)
        ends = np.cumsum(self.sizes)
        return [p[e - n:e].reshape(s) for e, n, s in zip(ends, self.sizes, self.shapes)]

    # -- what subclasses provide -----------------------------------------------------------
    def hvp(self, p, v) -> np.ndarray:
        """Hessian-vector product ``H(p) v`` at one point ``p`` (P,), ``v`` (P,)."""
        raise NotImplementedError

    def _hessian(self, p):
        """The explicit Hessian, one Hessian-vector product per column (small models only)."""
        p = np.asarray(p, dtype=float)
        flat = p.reshape(-1, self.dim)
        eye = np.eye(self.dim)
        out = np.stack([np.stack([self.hvp(q, e) for e in eye], axis=-1) for q in flat])
        return out.reshape(p.shape + (self.dim,))
