"""`gd.train`: train a model with any gdviz optimizer and keep the path of its weights.

    >>> traj = gd.train(gd.mlp([2, 8, 1]), None, "moons", gd.optimizer("adam", lr=0.01), 200)  # doctest: +SKIP
    >>> traj.params.shape                                                                        # doctest: +SKIP
    (201, 33)
"""
from __future__ import annotations

from dataclasses import replace


def train(model, loss, data, optimizer, steps, *, start=None, seed=0, record_every=None,
          tol=0.0):
    """:func:`gdviz.run` of ``optimizer`` on the model's loss (a
    :class:`~gdviz.landscapes.model.ModelLoss`) from ``start`` (default the model's weights; flat or
    one array per parameter). Mini-batch optimizers sample the data's rows with ``seed``.
    ``tol`` 0: train for all ``steps`` (gdviz.run's default would stop at a small gradient).
    The model object is not changed: ``traj.params[-1]`` are the trained weights (flat; the model's
    ``unflatten`` gives one array per parameter); ``traj.meta`` gains the model, loss and data.
    """
    from ..engine import run
    from .directions import as_flat
    from .grid import describe
    from .wrap import model_loss

    ml = model_loss(model, loss, data)
    p0 = ml.center if start is None else as_flat(ml, start, "start")
    traj = run(optimizer, ml, start=p0, steps=steps, tol=tol, seed=seed, record_every=record_every)
    return replace(traj, meta={**traj.meta, **describe(ml)})
