"""Loss landscapes of networks (Li et al. 2018; Goodfellow et al. 2015).

    >>> model = gd.mlp([2, 16, 16, 1], seed=0)             # the native numpy MLP
    >>> path = gd.train(model, "cross-entropy", "moons", gd.optimizer("adam", lr=0.01), steps=300)
    >>> land = gd.landscape(model, "cross-entropy", "moons", directions="pca", path=path)
    >>> flat = land.project(path)                           # a 2-D Trajectory on the plane

Models: the native MLP (:mod:`.mlp`) on the data sets it ships (:mod:`.datasets`), or any
``torch.nn.Module`` with a loss and a batch (:mod:`.torchmodel`, the ``torch`` extra). A model's
loss is a :class:`~.model.ModelLoss`: a Surface over the flat parameter vector, so training is
:func:`gdviz.run` and a landscape is that surface on a grid of a plane.
"""
