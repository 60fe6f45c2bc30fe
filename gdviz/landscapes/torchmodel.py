"""A ``torch.nn.Module``'s loss on a batch, as a :class:`~gdviz.landscapes.model.ModelLoss`.

    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)).double()
    >>> f = TorchLoss(net, "cross-entropy", X, y)          # X (n, 2), y (n,) labels 0/1
    >>> f.value(np.stack([f.center, f.center + 0.1]))      # two points, one batched pass
    array([0.69..., 0.71...])

The flat vector is ``named_parameters()`` (those that require grad) raveled and joined, in that
order. Every evaluation is ``torch.func.functional_call`` of the module with the point's weights:
values under ``vmap`` over points, in chunks of at most ``CHUNK_FLOATS`` numbers of working memory
(``floats_per_point`` each: the activations of one forward pass over the data, measured by forward
hooks, plus the point), so a small model on little data runs hundreds of points per call while a
convolutional network on thousands of images runs one point per call (a plain batched forward
pass: wider vmap chunks of such points ran slower, bench/landscape.py); gradients by
``torch.func.grad`` under ``vmap``; Hessian-vector products by ``jvp`` of ``grad``
(forward-over-reverse). Evaluations run on copies of the module taken when it is wrapped, one per
thread (``functional_call`` swaps a module's parameters while it runs, so threads must not share
one), in ``eval()`` mode: BatchNorm on its running statistics, which are never updated, dropout
off. Training through ``gd.train`` is therefore the eval-mode loss's descent. The module itself is
never changed or switched (its one forward pass when wrapped is in eval mode, its modes restored
after). Computations run in the module's dtype and device; results come back as float64 numpy
arrays.

Losses: ``"mse"`` (the mean of ``(output - y)^2`` over all outputs), ``"cross-entropy"`` (softmax
cross-entropy on class labels; for one output unit the binary logistic loss on the logit), or a
function ``loss(output, target) -> 0-d tensor`` written with torch operations (so ``vmap`` can
batch it).
"""
from __future__ import annotations

import contextlib
import copy
import math
import threading
import warnings

import numpy as np

from ..errors import UserInputError, unknown_name
from ..optim.adapters import _torch
from .grid import MEMORY_BUDGET
from .mlp import LOSSES
from .model import ModelLoss

CHUNK_FLOATS = MEMORY_BUDGET // 8  # float64 numbers one vmap call works in: a grid tile's budget
GRAD_FACTOR = 3     # a gradient keeps the forward's activations for the backward: about 3x a value's memory
NORM_LAYERS = ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
               "LazyBatchNorm3d", "SyncBatchNorm", "LayerNorm", "GroupNorm", "RMSNorm", "InstanceNorm1d",
               "InstanceNorm2d", "InstanceNorm3d")


class TorchLoss(ModelLoss):
    """``loss(module(X), y)`` as a surface over the module's flat parameter vector.

    module : a ``torch.nn.Module`` (its parameters that require grad are the coordinates; all of
        one floating dtype).
    loss : "mse", "cross-entropy" or a function ``loss(output, target)`` returning a 0-d tensor
        (:func:`~gdviz.landscapes.wrap.model_loss` chooses one by the data when given None).
    X, y : the batch (numpy arrays or tensors); floating data are cast to the module's dtype.
    """

    def __init__(self, module, loss, X, y):
        torch = self._torch = _torch("a torch model")
        if not isinstance(module, torch.nn.Module):
            raise UserInputError(f"model must be a torch.nn.Module, got {type(module).__name__}")
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        if not named:
            raise UserInputError(f"the torch model {type(module).__name__} has no parameters that require grad; "
                                 "give a model with weights to train")
        dtypes = sorted({str(p.dtype).replace("torch.", "") for _, p in named})
        if len(dtypes) > 1 or not named[0][1].is_floating_point():
            raise UserInputError(f"the model's parameters must share one floating dtype, got {', '.join(dtypes)}; "
                                 "convert it with model.double() or model.float()")
        self.module, self.dtype, self.device = module, named[0][1].dtype, named[0][1].device
        self._template = copy.deepcopy(module)      # never run: what each thread's own copy is made from
        self._setup_threads()
        names = [n for n, _ in named]
        shapes = [tuple(p.shape) for _, p in named]
        kinds = [_kind(module, n, p) for n, p in named]
        center = np.concatenate([p.detach().cpu().double().numpy().ravel() for _, p in named])
        self.X, self.y = self._tensor(X, "X"), self._tensor(y, "y")
        if self.X.ndim == 0 or self.y.ndim == 0 or len(self.X) != len(self.y):
            raise UserInputError(f"X and y need one row per sample: X has shape {tuple(self.X.shape)}, "
                                 f"y has shape {tuple(self.y.shape)}")
        self.n_samples = len(self.X)
        self.loss_name, self._criterion = self._loss(loss)
        acts, output = self._first_pass()
        self.y = self._targets(output)
        self._check_loss(output)
        kind = type(module).__name__
        title = {"en": f"{kind} ({self.loss_name})", "zh": f"{kind}（{self.loss_name}）"}
        super().__init__(names, shapes, kinds, center, title=title,
                         params={"model": type(module).__name__, "loss": self.loss_name})
        self.floats_per_point = int(math.ceil(acts * self.X.element_size() / 8)) + self.dim

    # -- the surface -----------------------------------------------------------------------
    def _value(self, p):
        torch = self._torch
        f = self._function(self.X, self.y)
        with torch.no_grad():
            return self._chunked(p, torch.func.vmap(f), 1, one=lambda t: f(t[0])[None])

    def _grad(self, p):
        return self.batch_grad(p, None)

    def value_and_grad(self, p):
        torch = self._torch
        both = torch.func.vmap(torch.func.grad_and_value(self._function(self.X, self.y)))
        out = self._chunked(p, lambda t: _joined(torch, both(t)), GRAD_FACTOR)
        return out[..., 0], out[..., 1:]

    def batch_grad(self, p, idx):
        """Gradient of the loss over the data rows ``idx`` (all rows when None) at points ``p`` (..., P)."""
        torch = self._torch
        X, y = self.X, self.y
        if idx is not None:
            rows = torch.as_tensor(np.asarray(idx, dtype=np.int64), device=self.device)
            X, y = X[rows], y[rows]
        g = torch.func.vmap(torch.func.grad(self._function(X, y)))
        return self._chunked(p, g, GRAD_FACTOR)

    def hvp(self, p, v) -> np.ndarray:
        """``H(p) v`` at one point: ``jvp`` of ``grad`` (forward-over-reverse), p and v (P,)."""
        torch = self._torch
        theta, tangent = (self._point(np.asarray(a, dtype=float).reshape(self.dim)) for a in (p, v))
        g = torch.func.grad(self._function(self.X, self.y))
        with warnings.catch_warnings():
            # torch's first forward-mode call scripts its decompositions and warns about torch.jit itself
            warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
            out = torch.func.jvp(g, (theta,), (tangent,))[1]
        return out.detach().cpu().double().numpy()

    # -- machinery -------------------------------------------------------------------------
    def _setup_threads(self):
        self._copies, self._lock = {}, threading.Lock()

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in ("_copies", "_lock", "_torch"):
            state.pop(key)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state, _torch=_torch("a torch model"))
        self._setup_threads()

    def _own_module(self):
        """This thread's copy of the module. ``functional_call`` swaps a module's parameters while it
        runs, so threads evaluating at once (a threaded Dask cluster) must not share one: each gets
        a deep copy of a template that never runs (buffers included), in eval() mode."""
        key = threading.get_ident()
        with self._lock:
            if key not in self._copies:
                self._copies[key] = copy.deepcopy(self._template).eval()
            return self._copies[key]

    def _function(self, X, y):
        """``theta (P,) -> loss`` on the rows X, y (a pure function for torch.func), on this thread's
        copy of the module."""
        torch, module, criterion = self._torch, self._own_module(), self._criterion
        names, shapes, sizes = self.names, self.shapes, list(self.sizes)

        def f(theta):
            parts = torch.split(theta, sizes)
            params = {n: t.reshape(s) for n, t, s in zip(names, parts, shapes)}
            return criterion(torch.func.functional_call(module, params, (X,)), y)

        return f

    def _chunked(self, p, fn, factor, one=None):
        """``fn`` over the points of ``p`` (..., P) in chunks of CHUNK_FLOATS, as float64 numpy;
        ``one`` (the function without ``vmap``) where a chunk is one point: vmap over a single
        point costs about 12% more (a CNN on 2048 images: 50 against 45 ms, bench/landscape.py)."""
        flat = np.asarray(p, dtype=float).reshape(-1, self.dim)
        rows = max(1, CHUNK_FLOATS // (factor * self.floats_per_point))
        fn = one if rows == 1 and one is not None else fn
        parts = [fn(self._point(flat[i:i + rows])).detach().cpu().double().numpy()
                 for i in range(0, len(flat), rows)]
        out = np.concatenate(parts) if parts else np.zeros((0,))
        return out.reshape(p.shape[:-1] + out.shape[1:])

    def _point(self, a):
        return self._torch.as_tensor(np.ascontiguousarray(a), device=self.device).to(self.dtype)

    @contextlib.contextmanager
    def _evaluating(self):
        """The module in eval() mode, each submodule's mode restored after."""
        modes = [(m, m.training) for m in self.module.modules()]
        self.module.eval()
        try:
            yield
        finally:
            for m, training in modes:
                m.training = training

    def _tensor(self, a, name):
        torch = self._torch
        try:
            t = a if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a))
        except (TypeError, ValueError, RuntimeError):
            raise UserInputError(f"{name} must be an array of numbers, got {type(a).__name__}") from None
        if t.dtype == torch.bool:       # yes/no labels are classes 0/1; yes/no features are 0.0/1.0
            t = t.to(torch.int64 if name == "y" else self.dtype)
        if t.is_complex() or not (t.is_floating_point() or _is_integer(torch, t)):
            raise UserInputError(f"{name} must be an array of real numbers, "
                                 f"got dtype {str(t.dtype).replace('torch.', '')}")
        t = t.detach().to(self.device)
        if t.is_floating_point():
            if not bool(torch.isfinite(t).all()):
                raise UserInputError("data contains NaN or infinite values")
            t = t.to(self.dtype)
        return t

    def _loss(self, loss):
        """(name, criterion(output, target))."""
        F = self._torch.nn.functional
        if callable(loss):
            return getattr(loss, "__name__", type(loss).__name__), loss
        if loss == "mse":
            return loss, lambda out, y: ((out - y) ** 2).mean()
        if loss == "cross-entropy":
            def cross_entropy(out, y):
                if out.ndim == 1 or out.shape[1] == 1:   # one logit: binary logistic loss
                    return F.binary_cross_entropy_with_logits(out.reshape(y.shape), y)
                return F.cross_entropy(out, y)
            return loss, cross_entropy
        raise UserInputError(str(unknown_name("loss", loss, LOSSES)) + " or a function loss(output, target)")

    def _first_pass(self):
        """(activation numbers of one forward pass over X, the output); a shape error as one line."""
        torch, module = self._torch, self.module
        acts, entered = [0], []

        def count(_m, _inputs, output):
            acts[0] += sum(t.numel() for t in _tensors(torch, output))

        def enter(m, inputs):
            entered[:] = [m, _tensors(torch, inputs)]

        leaves = [m for m in module.modules() if not list(m.children())]
        hooks = [m.register_forward_hook(count) for m in leaves] + [m.register_forward_pre_hook(enter) for m in leaves]
        try:
            with self._evaluating(), torch.no_grad():
                output = module(self.X)
        except (RuntimeError, ValueError, TypeError, IndexError) as e:
            raise UserInputError(f"X of shape {tuple(self.X.shape)} does not fit the model: "
                                 f"{_misfit(module, *entered) if entered else _first_line(e)}") from None
        finally:
            for h in hooks:
                h.remove()
        if not isinstance(output, torch.Tensor):
            raise UserInputError(f"the model must return one tensor, got {type(output).__name__}")
        if not bool(torch.isfinite(output).all()):
            raise UserInputError("the model's output at its current weights is NaN or infinite")
        return acts[0] + output.numel(), output

    def _targets(self, out):
        """y in the form the loss needs (checked against the output)."""
        torch, y = self._torch, self.y
        if self.loss_name == "mse":
            if y.numel() != out.numel():
                raise UserInputError(f"y of shape {tuple(y.shape)} does not match the model's output of shape "
                                     f"{tuple(out.shape)}: mse needs one target per output")
            return y.to(self.dtype).reshape(out.shape)
        if self.loss_name != "cross-entropy":
            return y
        labels = y.double()
        if not bool((labels == labels.round()).all()):
            raise UserInputError("cross-entropy needs whole-number class labels in y; use loss='mse' for real targets")
        classes = 2 if out.ndim == 1 or out.shape[1] == 1 else out.shape[1]
        if out.ndim > 2 and tuple(y.shape) != (out.shape[0],) + tuple(out.shape[2:]):
            raise UserInputError(f"y of shape {tuple(y.shape)} does not match the model's output of shape "
                                 f"{tuple(out.shape)}: cross-entropy needs y of shape "
                                 f"{(out.shape[0],) + tuple(out.shape[2:])}")
        if out.ndim <= 2 and y.ndim != 1:
            raise UserInputError(f"cross-entropy needs one class label per sample: y of shape ({len(y)},), "
                                 f"got {tuple(y.shape)}")
        lo, hi = int(labels.min()), int(labels.max())
        if lo < 0 or hi >= classes:
            outputs = _plural(out.shape[1] if out.ndim > 1 else 1, "output")
            raise UserInputError(f"class labels must be 0..{classes - 1} for a model with {outputs}, "
                                 f"got labels from {lo} to {hi}")
        if classes == 2 and (out.ndim == 1 or out.shape[1] == 1):
            return y.to(self.dtype)
        return y.to(torch.long)

    def _check_loss(self, out):
        """A callable loss must give one number on the model's output and y."""
        if self.loss_name in LOSSES:
            return
        try:
            with self._torch.no_grad():
                value = self._criterion(out, self.y)
        except Exception as e:   # the user's function: any failure is theirs, said in one line
            raise UserInputError(f"the loss function failed on the model's output of shape {tuple(out.shape)} "
                                 f"and y of shape {tuple(self.y.shape)}: {_first_line(e)}") from None
        if not isinstance(value, self._torch.Tensor) or value.numel() != 1:
            raise UserInputError(f"the loss function must return one number (a 0-d tensor), got "
                                 f"{tuple(value.shape) if hasattr(value, 'shape') else type(value).__name__}")


def _kind(module, name, param) -> str:
    """"norm" for a normalization layer's parameter, "weight" for ndim >= 2, else "bias"."""
    owner = module.get_submodule(name.rpartition(".")[0]) if "." in name else module
    if type(owner).__name__ in NORM_LAYERS:
        return "norm"
    return "weight" if param.ndim >= 2 else "bias"


def _misfit(module, layer, inputs) -> str:
    """Which layer refused its input, and what it takes:

        layer '4' (Linear) takes 48 features, got an input of shape (20, 36)
    """
    name = next(n for n, m in module.named_modules() if m is layer)
    label = f"layer '{name}' ({type(layer).__name__})" if name else type(layer).__name__
    shape = f"an input of shape {tuple(inputs[0].shape)}" if inputs else "no tensor"
    channels, kernel = getattr(layer, "in_channels", None), getattr(layer, "kernel_size", None)
    if isinstance(getattr(layer, "in_features", None), int):
        takes = _plural(layer.in_features, "feature")
    elif isinstance(channels, int) and isinstance(kernel, tuple) and 1 <= len(kernel) <= 3:
        dims = {1: "(n, C, L)", 2: "(n, C, H, W)", 3: "(n, C, D, H, W)"}[len(kernel)]
        takes = f"{_plural(channels, 'channel')} in inputs of shape {dims}"
    else:
        return f"{label} failed on {shape}"
    return f"{label} takes {takes}, got {shape}"


def _plural(n, word) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _tensors(torch, output):
    if isinstance(output, torch.Tensor):
        return [output]
    if isinstance(output, (tuple, list)):
        return [t for o in output for t in _tensors(torch, o)]
    return []


def _is_integer(torch, t) -> bool:
    return t.dtype in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def _joined(torch, grad_and_value):
    g, v = grad_and_value
    return torch.cat([v[:, None], g], dim=1)


def _first_line(e) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
