"""The native numpy MLP, and its loss as a :class:`~.model.ModelLoss` evaluated in one batched pass.

    >>> model = gd.mlp([2, 16, 16, 1], activation="tanh", seed=0)
    >>> [w.shape for w in model.params]
    [(16, 2), (16,), (16, 16), (16,), (1, 16), (1,)]

Layer l maps ``a_{l-1}`` (N, in) to ``z_l = a_{l-1} W_l^T + b_l`` (torch's nn.Linear layout:
``W_l`` is (out, in)), ``a_l = act(z_l)`` on hidden layers; the last layer's ``z_L`` is the output.

:class:`MLPLoss` evaluates k weight sets at once: ``p`` (k, P) is cut into ``W_l`` (k, out, in)
and ``b_l`` (k, out), and every layer is one ``np.matmul`` over the leading k axis, so the hidden
activations of k points on N data rows are one (k, N, h) array. The gradient is backpropagation
over the same batch, and the Hessian-vector product the complex step of that gradient:

    H(p) v = Im(grad(p + i h v)) / h,  h = 1e-30 / |v|

exact to rounding (no subtraction: the error is O(h^2 |v|^2) relative), because every operation
of the gradient is complex-analytic (matmul without conjugation, tanh, relu written as
``where(Re z > 0, z, 0)``, a log-sum-exp shifted by the real maximum).
"""
from __future__ import annotations

import numpy as np

from ..errors import UserInputError, unknown_name
from ..surfaces.data import whole_number
from .datasets import DATASETS
from .model import ModelLoss

ACTIVATIONS = ("tanh", "relu")
LOSSES = ("mse", "cross-entropy")
LOSS_TITLES = {"mse": {"en": "MSE", "zh": "均方误差"}, "cross-entropy": {"en": "cross-entropy", "zh": "交叉熵"}}
MAX_WIDTH = 4096           # units in one layer
MAX_PARAMS = 10_000_000    # weights and biases of one MLP
COMPLEX_STEP = 1e-30
CHUNK_FLOATS = 2**18       # float64 numbers of activations one batched pass keeps (2 MiB: about a core's L2)


class MLP:
    """A fully connected network: ``sizes`` = [inputs, hidden..., outputs], ``activation``
    "tanh" or "relu" between layers, none after the last. Weights and biases start like torch's
    nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from ``numpy.random.default_rng(seed)``
    in the order W1, b1, W2, b2, ...

    params : one array per parameter, W_l (out, in) then b_l (out,).
    names : "0.weight", "0.bias", "1.weight", ... (as torch names an nn.Sequential of Linears).
    """

    def __init__(self, sizes, activation="tanh", seed=0):
        self.sizes = _sizes(sizes)
        if activation not in ACTIVATIONS:
            raise unknown_name("activation", activation, ACTIVATIONS)
        self.activation, self.seed = activation, whole_number("seed", seed, 0, floats=False)
        rng = np.random.default_rng(self.seed)
        self.params, self.names, self.kinds = [], [], []
        for layer, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            bound = 1.0 / np.sqrt(fan_in)
            self.params += [rng.uniform(-bound, bound, (fan_out, fan_in)), rng.uniform(-bound, bound, fan_out)]
            self.names += [f"{layer}.weight", f"{layer}.bias"]
            self.kinds += ["weight", "bias"]

    @property
    def shapes(self) -> list:
        return [w.shape for w in self.params]

    def forward(self, X, params=None) -> np.ndarray:
        """The outputs (N, outputs) for inputs X (N, inputs), with ``params`` (default: the model's)."""
        params = self.params if params is None else [np.asarray(w, dtype=float) for w in params]
        if [w.shape for w in params] != self.shapes:
            raise UserInputError(f"params must be arrays of shapes {self.shapes}, got {[w.shape for w in params]}")
        flat = np.concatenate([w.ravel() for w in params])
        return _forward(self, flat[None, :], np.asarray(X, dtype=float))[-1][0]

    def __repr__(self) -> str:
        return f"MLP({list(self.sizes)}, activation={self.activation!r}, seed={self.seed})"


def _title(model, loss, data) -> dict:
    """{"en": "MLP 2-16-1 (tanh) on two moons, cross-entropy", "zh": "双月数据上的 MLP 2-16-1（tanh），交叉熵"}."""
    arch = "-".join(map(str, model.sizes))
    on = DATASETS[data].title if data else {"en": "", "zh": ""}
    return {"en": f"MLP {arch} ({model.activation}){' on ' + on['en'].lower() if data else ''}, "
                  f"{LOSS_TITLES[loss]['en']}",
            "zh": f"{on['zh'] + '上的 ' if data else ''}MLP {arch}（{model.activation}），{LOSS_TITLES[loss]['zh']}"}


def _sizes(sizes) -> tuple:
    try:
        sizes = list(sizes)
    except TypeError:
        raise UserInputError(f"sizes must be a list of layer widths like [2, 16, 1], got {sizes!r}") from None
    if len(sizes) < 2:
        raise UserInputError(f"sizes must list at least the inputs and the outputs, like [2, 16, 1], got {sizes}")
    sizes = tuple(whole_number("a layer width", s, 1, MAX_WIDTH, f"{MAX_WIDTH:,} (MAX_WIDTH)") for s in sizes)
    total = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if total > MAX_PARAMS:
        raise UserInputError(f"an MLP of sizes {list(sizes)} has {total:,} parameters; the native MLP takes at "
                             f"most {MAX_PARAMS:,} (MAX_PARAMS)")
    return sizes


def _layers(model, p):
    """(W_l (k, out, in), b_l (k, out)) per layer from points p (k, P)."""
    out, start = [], 0
    for fan_in, fan_out in zip(model.sizes[:-1], model.sizes[1:]):
        w_end = start + fan_in * fan_out
        out.append((p[:, start:w_end].reshape(-1, fan_out, fan_in), p[:, w_end:w_end + fan_out]))
        start = w_end + fan_out
    return out


def _act(name, z):
    """tanh, or relu as where(Re z > 0, z, 0) (complex-analytic away from 0)."""
    return np.tanh(z) if name == "tanh" else np.where(z.real > 0, z, 0)


def _act_slope(name, z, a):
    """act'(z) from z and a = act(z): 1 - a^2 for tanh, [Re z > 0] for relu."""
    return 1 - a * a if name == "tanh" else (z.real > 0).astype(float)


def _forward(model, p, X, keep=False):
    """The outputs (k, N, outputs) of k weight sets p (k, P) on X (N, in); ``keep``: the list of
    (z_l, a_l) per layer for backpropagation (a_0 = X), else just [outputs]."""
    a, kept = X, [(None, X)]
    layers = _layers(model, p)
    for i, (W, b) in enumerate(layers):
        z = np.matmul(a, W.transpose(0, 2, 1)) + b[:, None, :]
        a = z if i == len(layers) - 1 else _act(model.activation, z)
        if keep:
            kept.append((z, a))
    return kept if keep else [a]


class MLPLoss(ModelLoss):
    """The loss of an :class:`MLP` on (X, y), over its flat weights p (P,):

    mse : mean_i (f(x_i) - y_i)^2 (one output unit).
    cross-entropy, >= 2 outputs z : mean_i [logsumexp(z_i) - z_i[y_i]] (labels 0..outputs-1).
    cross-entropy, one output z : the binary logistic loss mean_i log(1 + exp(-s_i z_i)),
        s_i = 2 y_i - 1 (labels 0/1), computed as max(u, 0) + log1p(exp(-|u|)), u = -s z.

    The data are taken as given (:func:`gdviz.landscapes.wrap.model_loss` checks them);
    ``data``: their DATASETS name, for the title ("MLP 2-16-1 (tanh) on two moons, cross-entropy").
    """

    name = "mlp"

    def __init__(self, model, loss, X, y, *, data=None):
        if loss not in LOSSES:
            raise unknown_name("loss", loss, LOSSES)
        self.model, self.loss, self.data = model, loss, data
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y, dtype=int if loss == "cross-entropy" else float)
        self.n_samples = len(self.X)
        self.floats_per_point = int(self.n_samples * sum(model.sizes[1:]) * 2)
        super().__init__(model.names, model.shapes, model.kinds, np.concatenate([w.ravel() for w in model.params]),
                         title=_title(model, loss, data),
                         params={"model": repr(model), "loss": loss, "data": data or "arrays"})
        self.floats_per_point += self.dim

    # -- the loss and its derivative with respect to the outputs --------------------------
    def _loss_and_slope(self, out, y, slope=True):
        """The loss (k,) of outputs (k, N, outputs) against y (N,), and dL/d out (k, N, outputs)."""
        n = out.shape[1]
        if self.loss == "mse":
            r = out[..., 0] - y
            return (r * r).mean(-1), (2 / n * r)[..., None] if slope else None
        if out.shape[-1] == 1:     # binary logistic: softplus(u), u = -s z
            s = 2.0 * y - 1.0
            u = -s * out[..., 0]
            pos = u.real > 0
            e = np.exp(np.where(pos, -u, u))                   # exp(-|Re u|) <= 1: never overflows
            value = (np.where(pos, u, 0) + np.log1p(e)).mean(-1)
            if not slope:
                return value, None
            sig = np.where(pos, 1 / (1 + e), e / (1 + e))      # sigmoid(u)
            return value, (-s * sig / n)[..., None]
        m = out.real.max(-1, keepdims=True)                    # log-sum-exp shifted by the real max
        e = np.exp(out - m)
        total = e.sum(-1, keepdims=True)
        value = (m[..., 0] + np.log(total[..., 0]) - out[:, np.arange(n), y]).mean(-1)
        if not slope:
            return value, None
        return value, (e / total - (np.arange(out.shape[-1]) == y[:, None])) / n   # softmax - one-hot

    def _rows(self, idx):
        return (self.X, self.y) if idx is None else (self.X[idx], self.y[idx])

    def _flat(self, p):
        p = np.asarray(p)
        return p.reshape(-1, self.dim), p.shape[:-1]

    def _value(self, p):
        """The loss at points p (..., P): batched matrix products over groups of points whose
        activations fit in CHUNK_FLOATS (they stay in cache; a tile of hundreds of points at once
        spends its time on fresh memory)."""
        flat, lead = self._flat(p)
        rows = max(1, CHUNK_FLOATS // self.floats_per_point)
        with np.errstate(all="ignore"):    # far from the weights the loss may overflow: kept as inf/nan
            parts = [self._loss_and_slope(_forward(self.model, flat[i:i + rows], self.X)[-1], self.y, slope=False)[0]
                     for i in range(0, len(flat), rows)]
        return (np.concatenate(parts) if parts else np.zeros(0)).reshape(lead)

    def _value_and_grad(self, flat, idx):
        """Loss (k,) and gradient (k, P) by backpropagation over the rows idx (None: all)."""
        with np.errstate(all="ignore"):
            return self._backprop(flat, *self._rows(idx))

    def _backprop(self, flat, X, y):
        kept = _forward(self.model, flat, X, keep=True)
        value, delta = self._loss_and_slope(kept[-1][1], y)
        layers = _layers(self.model, flat)
        pairs = []
        for i in range(len(layers), 0, -1):
            z_prev, a_prev = kept[i - 1]
            pairs.append((np.matmul(delta.transpose(0, 2, 1), a_prev).reshape(len(flat), -1),   # dL/dW_i
                          delta.sum(1)))                                                         # dL/db_i
            if i > 1:
                delta = np.matmul(delta, layers[i - 1][0]) * _act_slope(self.model.activation, z_prev, a_prev)
        return value, np.concatenate([g for pair in reversed(pairs) for g in pair], axis=-1)   # W1, b1, ...

    def value_and_grad(self, p):
        flat, lead = self._flat(p)
        value, grad = self._value_and_grad(flat, None)
        return value.reshape(lead), grad.reshape(lead + (self.dim,))

    def _grad(self, p):
        return self.value_and_grad(p)[1]

    def batch_grad(self, p, idx):
        """The gradient of the loss over the data rows ``idx`` only (their mean), at p (..., P)."""
        flat, lead = self._flat(p)
        return self._value_and_grad(flat, idx)[1].reshape(lead + (self.dim,))

    def hvp(self, p, v) -> np.ndarray:
        """H(p) v = Im(grad(p + i h v)) / h with h = 1e-30 / |v| (the complex step), at one point."""
        p = np.asarray(p, dtype=float).reshape(self.dim)
        v = np.asarray(v, dtype=float).reshape(self.dim)
        size = np.linalg.norm(v)
        if size == 0:
            return np.zeros(self.dim)
        h = COMPLEX_STEP / size
        _, g = self._value_and_grad((p + 1j * h * v)[None, :], None)
        return g[0].imag / h
