"""`model_loss(model, loss, data)`: any supported model with its loss and data, as a ModelLoss.

    >>> s = model_loss(gd.mlp([2, 8, 1]), None, "moons")      # classes: cross-entropy
    >>> s.loss, s.dim, s.n_samples
    ('cross-entropy', 33, 200)

model : an :class:`~.mlp.MLP`, a ``torch.nn.Module`` (:class:`~.torchmodel.TorchLoss`; torch is
    imported only then) or a :class:`~.model.ModelLoss` (returned as it is).
loss : "mse" | "cross-entropy" | None (by the labels: integer or boolean labels are classes and
    take cross-entropy, float targets mse) | for torch modules also a callable ``loss(output, target)``.
    Cross-entropy on one output unit is the binary logistic loss on that logit.
data : a name in :data:`~.datasets.DATASETS` or a pair (X, y) of arrays (or torch tensors).
"""
from __future__ import annotations

import numpy as np

from ..errors import UserInputError, unknown_name
from .datasets import DATASETS, dataset
from .mlp import LOSSES, MLP, MLPLoss
from .model import ModelLoss


def model_loss(model, loss=None, data=None) -> ModelLoss:
    """The loss of ``model`` on ``data`` as a surface over its flat parameters (see the module)."""
    if isinstance(model, ModelLoss):
        return model
    torch_module = _is_torch_module(model)
    if not (isinstance(model, MLP) or torch_module):
        raise UserInputError(f"model must be a gd.mlp(...), a torch.nn.Module or a model loss, got "
                             f"{type(model).__name__}")
    if callable(loss) and not torch_module:
        raise UserInputError(f"a loss function works with torch modules only; for gd.mlp choose from: "
                             f"{', '.join(LOSSES)}")
    if loss is not None and not callable(loss) and loss not in LOSSES:
        raise unknown_name("loss", loss, LOSSES)
    name, X, y = _data(data)
    if loss is None:
        loss = "cross-entropy" if _numpy(y).dtype.kind in "biu" else "mse"     # integer or boolean labels
    if torch_module:
        if not any(True for _ in model.parameters()):
            raise UserInputError("the model has no parameters: a loss landscape needs weights to vary")
        from .torchmodel import TorchLoss
        return TorchLoss(model, loss, X, y)
    return MLPLoss(model, loss, *_checked(model, loss, X, y), data=name)


def _is_torch_module(model) -> bool:
    """Whether ``model`` is a torch.nn.Module, without importing torch for anything else."""
    return any(f"{c.__module__}.{c.__qualname__}" == "torch.nn.modules.module.Module" for c in type(model).__mro__)


def _numpy(a) -> np.ndarray:
    """An array or a torch tensor as a numpy array (no gradient, on the CPU)."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.asarray(a)


def _data(data):
    """(name or None, X, y) from a DATASETS name or a pair (X, y), checked: same length, finite."""
    if isinstance(data, str):
        if data not in DATASETS:
            raise unknown_name("data set", data, DATASETS)
        return (data, *dataset(data))
    if data is None:
        raise UserInputError(f"give the data: a data set name ({', '.join(DATASETS)}) or a pair (X, y)")
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise UserInputError(f"data must be a data set name ({', '.join(DATASETS)}) or a pair (X, y), "
                             f"got {type(data).__name__}")
    X, y = data
    try:
        Xn, yn = _numpy(X), _numpy(y)
        ok = Xn.dtype.kind in "biuf" and yn.dtype.kind in "biuf"
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise UserInputError("data X and y must be arrays of numbers")
    if Xn.ndim == 0 or yn.ndim == 0 or len(Xn) != len(yn):
        raise UserInputError(f"data X has {_rows(Xn)} and y has {_rows(yn)}: they need one row per sample")
    if len(Xn) == 0:
        raise UserInputError("data X and y are empty: give at least one sample")
    if not (np.isfinite(Xn).all() and np.isfinite(yn).all()):
        raise UserInputError("data contains NaN or infinite values")
    return None, X, y


def _rows(a) -> str:
    return "no rows (a single number)" if a.ndim == 0 else f"{len(a):,} row{'' if len(a) == 1 else 's'}"


def _checked(model, loss, X, y):
    """X (N, inputs) float and y (N,) for the native MLP (a column y (N, 1) is taken as y (N,)):
    float targets for mse (one output), labels 0..outputs-1 (0/1 for one output) for cross-entropy."""
    X, y = np.asarray(X, dtype=float), _numpy(y)
    inputs, outputs = model.sizes[0], model.sizes[-1]
    if X.ndim == 1 and inputs == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != inputs:
        raise UserInputError(f"data X has shape {X.shape} but the model takes {inputs} input"
                             f"{'' if inputs == 1 else 's'}: X must be (N, {inputs})")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise UserInputError(f"data y has shape {y.shape}: it must be one number per sample, shape ({len(y)},)")
    if loss == "mse":
        if outputs != 1:
            raise UserInputError(f"mse needs one output unit, the model has {outputs}; use cross-entropy for "
                                 f"classes, or sizes ending in 1")
        return X, y.astype(float)
    classes = max(outputs, 2)
    if not (np.all(y == np.round(y)) and y.min() >= 0 and y.max() < classes):
        bad = y[(y != np.round(y)) | (y < 0) | (y >= classes)][0]
        raise UserInputError(f"cross-entropy labels must be whole numbers from 0 to {classes - 1} (the model has "
                             f"{outputs} output{'' if outputs == 1 else 's'}), got {bad:g}")
    return X, y.astype(int)
