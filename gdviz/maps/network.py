"""The trainability map of a tiny network (Sohl-Dickstein, "The boundary of neural network
trainability is fractal", 2024): full-batch gradient descent on a one-hidden-layer tanh network,
one learning rate per layer, and for each (lr1, lr2) pixel whether training converges.

The network is the notebook's mean-field one: with weights ``W1`` (width x width) and ``W2``
(width x 1),

    h = tanh(sqrt(2) X W1 / sqrt(width)),   f(X) = h W2 / width,   L = mean((f(X) - Y)^2),

and each step is ``W1 -= lr1 dL/dW1``, ``W2 -= lr2 dL/dW2``. The measure of a run is the
notebook's ``convergence_measure`` of the loss ratios ``v_t = L_t / L_0`` (t = 0 .. steps-1, the
loss before each step; a ratio above 1e6 or not finite counts as 1e6): ``-sum(v)`` when the mean
of the last 20 ratios is below 1 (it trains: negative), else ``sum(1 / v)`` (positive).

Two implementations compute the same numbers: :func:`train_numpy`, a plain vectorised loop over
steps (the reference), and :func:`train_numba`, a fused kernel (numba, imported on first use)
that keeps the weights of a block of ``LANES`` pixels in cache, lanes contiguous in the last
axis so each multiply-add runs across pixels in SIMD, and uses its own vectorisable ``tanh``.
Pixels never meet: no sum runs across pixels, so a pixel's value does not depend on the tile,
the block or the thread that computed it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import UserInputError

LANES = 8          # pixels per block of the numba kernel (two AVX2 vectors of float64)
# the notebook's measure, as every map's (gdviz.maps.simulate): ratios clipped at CAP (max_val), and
# "converged" when the mean of the last LAST ratios is below 1
from .simulate import CLIP as CAP  # noqa: E402
from .simulate import LAST  # noqa: E402, F401  (the kernel reads both from here)


@dataclass(frozen=True)
class NetworkConfig:
    """The paper's configuration (``width`` 16, one hidden layer, tanh, one target, full batch,
    float64). The data set has ``n_data = n_params * dataset_param_multiple`` points
    (272 = 16 * 16 + 16 * 1 with the notebook's multiple 1); data and initial weights are
    standard normal draws from ``numpy.random.default_rng(seed)``, in the order W1, W2, X, Y.

        >>> c = NetworkConfig()
        >>> c.n_params, c.n_data
        (272, 272)
    """

    width: int = 16
    dataset_param_multiple: float = 1.0
    seed: int = 0
    steps: int = 100

    @property
    def n_params(self) -> int:
        return self.width * self.width + self.width

    @property
    def n_data(self) -> int:
        return max(1, int(self.n_params * self.dataset_param_multiple))

    def problem(self):
        """(W1, W2, X, Y): the initial weights (width x width, width) and the data
        (n_data x width, n_data)."""
        rng = np.random.default_rng(self.seed)
        w1 = rng.standard_normal((self.width, self.width))
        w2 = rng.standard_normal(self.width)
        x = rng.standard_normal((self.n_data, self.width))
        y = rng.standard_normal(self.n_data)
        return w1, w2, x, y

    def describe(self, lang: str = "en", short: bool = False) -> str:
        """One line for a figure: 'width 16, 1 hidden layer, tanh, 272 points, full batch, 100 steps,
        seed 0' (``short``: 'width 16, tanh, 272 points, 100 steps')."""
        if short:
            return (f"宽度 {self.width}，tanh，{self.n_data} 个数据点，{self.steps} 步" if lang == "zh" else
                    f"width {self.width}, tanh, {self.n_data} points, {self.steps} steps")
        if lang == "zh":
            return (f"宽度 {self.width}，1 个隐藏层，tanh，{self.n_data} 个数据点，全批量，{self.steps} 步，"
                    f"种子 {self.seed}")
        return (f"width {self.width}, 1 hidden layer, tanh, {self.n_data} points, full batch, "
                f"{self.steps} steps, seed {self.seed}")


def initial_loss(config: NetworkConfig) -> float:
    """L_0: the loss of the initial weights (the same for every pixel)."""
    w1, w2, x, y = config.problem()
    d = config.width
    h = np.tanh(math.sqrt(2.0) * (x @ w1) / math.sqrt(d))
    return float(np.mean((h @ w2 / d - y) ** 2))


def measure(sums: dict) -> np.ndarray:
    """The notebook's ``convergence_measure`` from ``sum_v``, ``sum_inv`` and ``tail`` (the mean
    of the last LAST ratios), by :func:`gdviz.maps.simulate.measure_values`: ``-sum(v)`` where
    ``tail < 1`` (trains), else ``sum(1/v)``.

        >>> measure({"sum_v": np.array([1.75]), "sum_inv": np.array([7.0]), "tail": np.array([0.58])})
        array([-1.75])
    """
    from .simulate import measure_values

    return measure_values("trainability", {"code": None, "stop": None, **sums})   # code, stop: unused here


def capped_ratios(losses, l0):
    """Loss ratios ``L_t / L_0`` with non-finite ones and those above CAP set to CAP, and
    whether each run hit the cap (diverged) at any step."""
    with np.errstate(all="ignore"):
        v = np.asarray(losses, dtype=float) / l0
        over = ~np.isfinite(v) | (v > CAP)
    return np.where(over, CAP, v), over.any(axis=-1)


def train_numpy(config: NetworkConfig, lr1, lr2, steps: int | None = None, *, history: bool = False):
    """The reference: all pixels at once, one numpy step at a time.

    Returns ``(values, diverged)`` for pixels with learning rates ``lr1[i], lr2[i]`` (or the
    losses (pixels, steps) with ``history=True``).
    """
    steps = config.steps if steps is None else int(steps)
    w1_0, w2_0, x, y = config.problem()
    d, n = config.width, config.n_data
    lr1 = np.asarray(lr1, dtype=float).reshape(-1)
    lr2 = np.asarray(lr2, dtype=float).reshape(-1)
    b = lr1.size
    w1 = np.repeat(w1_0[None], b, axis=0)       # (b, d, d)
    w2 = np.repeat(w2_0[None], b, axis=0)       # (b, d)
    losses = np.empty((b, steps))
    root_d, root_2 = math.sqrt(d), math.sqrt(2.0)
    with np.errstate(all="ignore"):
        for t in range(steps):
            h = np.tanh(root_2 * np.matmul(x, w1) / root_d)              # (b, n, d)
            r = np.einsum("bnj,bj->bn", h, w2) / d - y                   # (b, n)
            losses[:, t] = np.mean(r * r, axis=1)
            g = 2.0 * r / n
            grad2 = np.einsum("bnj,bn->bj", h, g) / d
            dz = g[:, :, None] * w2[:, None, :] / d * root_2 * (1.0 - h * h)
            grad1 = np.matmul(x.T, dz) / root_d                            # (b, d, d)
            w1 -= lr1[:, None, None] * grad1
            w2 -= lr2[:, None] * grad2
    if history:
        return losses
    from .simulate import _sums

    v, diverged = capped_ratios(losses, initial_loss(config))
    total, inv, tail = _sums(v.T)                 # in step order, as the kernel adds them
    return measure({"sum_v": total, "sum_inv": inv, "tail": tail}), diverged


def train_numba(config: NetworkConfig, lr1, lr2, steps: int | None = None, *, threads: int | None = None):
    """The fused kernel: the same ``(values, diverged)`` as :func:`train_numpy`, to rounding.

    ``threads`` caps numba's threads for this call (the result does not depend on it).
    """
    import numba

    from . import _network_kernel as k

    steps = config.steps if steps is None else int(steps)
    w1_0, w2_0, x, y = config.problem()
    lr1 = np.asarray(lr1, dtype=float).reshape(-1)
    lr2 = np.asarray(lr2, dtype=float).reshape(-1)
    m = lr1.size
    pad = -m % LANES
    lr1p = np.concatenate([lr1, np.full(pad, lr1[-1] if m else 1.0)])
    lr2p = np.concatenate([lr2, np.full(pad, lr2[-1] if m else 1.0)])
    sums = np.empty((3, m + pad))                 # sum v, sum 1/v, mean of the last LAST
    diverged = np.empty(m + pad, dtype=np.uint8)
    l0 = initial_loss(config)
    old = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        n = config.n_data
        xe, ye = (x, y) if n % 2 == 0 else (np.vstack([x, np.zeros((1, x.shape[1]))]), np.append(y, 0.0))
        k.train_blocks(w1_0, w2_0, xe, ye, n, lr1p.reshape(-1, LANES), lr2p.reshape(-1, LANES), steps, l0,
                       sums.reshape(3, -1, LANES), diverged.reshape(-1, LANES))
    finally:
        numba.set_num_threads(old)
    values = measure({"sum_v": sums[0, :m], "sum_inv": sums[1, :m], "tail": sums[2, :m]})
    return values, diverged[:m].astype(bool)


MAX_STEPS = 100_000
AXES = ("lr1", "lr2")
DEFAULT_AXIS = np.logspace(-3, 6, 128)   # the notebook's first view: 1e-3 .. 1e6 for both layers


@dataclass(frozen=True)
class _Task:
    """What a tile needs (small and picklable): the pixel (i, j) has lr1 = lr1[i], lr2 = lr2[j]
    for row-major pixel index ``i * nx + j`` when x is lr1 (``transposed`` when x is lr2)."""

    config: NetworkConfig
    xs: np.ndarray
    ys: np.ndarray
    x_is_lr1: bool
    steps: int


def _tile(task: _Task, lo: int, hi: int) -> dict:
    """Pixels lo .. hi-1 (row-major over (ny, nx)): their measure and status codes."""
    from .result import CONVERGED, DIVERGED, MAX_STEPS

    idx = np.arange(lo, hi)
    xv, yv = task.xs[idx % task.xs.size], task.ys[idx // task.xs.size]
    lr1, lr2 = (xv, yv) if task.x_is_lr1 else (yv, xv)
    values, diverged = train_numba(task.config, lr1, lr2, task.steps)
    codes = np.where(values < 0, CONVERGED, np.where(diverged, DIVERGED, MAX_STEPS)).astype(np.uint8)
    return {"values": values, "codes": codes}


def _axis(arg, which: str):
    """(name, values) checked: a name in AXES and 1-D finite learning rates > 0."""
    if not (isinstance(arg, tuple) and len(arg) == 2 and isinstance(arg[0], str)):
        raise UserInputError(f"{which} must be a pair (name, values) with name lr1 or lr2, got {arg!r:.60}")
    name, values = arg
    if name not in AXES:
        raise UserInputError(f"{which} axis '{name}' is not a trainability axis; choose from: lr1, lr2")
    from .simulate import axis_values

    v = axis_values(which, name, values)
    bad = v <= 0
    if bad.any():
        raise UserInputError(f"{which} axis {name}: learning rates must be finite and > 0, got {v[bad][0]:g}")
    return name, v


def trainability(x=None, y=None, *, config: NetworkConfig | None = None, steps: int | None = None,
                 tile: int = 50_000, client=None, progress=None):
    """The trainability map of the paper's network over per-layer learning rates.

        >>> m = trainability(x=("lr1", np.geomspace(0.1, 100, 64)), y=("lr2", np.geomspace(0.1, 100, 64)))
        >>> m.values.shape, m.measure                      # doctest: +SKIP
        ((64, 64), 'trainability')

    ``values``: the notebook's convergence measure (negative: trains); ``status``: "converged" where
    it is negative, "diverged" where the loss went non-finite or above 1e6 x L_0, else "max_steps".
    ``steps`` defaults to ``config.steps`` (100); each axis to the notebook's first view,
    ``np.logspace(-3, 6, 128)``. Tiles of ``tile`` pixels go through
    :func:`gdviz.maps.tiles.compute` (serially, or on Dask with ``client``).
    """
    from . import Map, tiles
    from .simulate import _scale

    config = NetworkConfig() if config is None else config
    x = ("lr1", DEFAULT_AXIS) if x is None else x
    y = ("lr2", DEFAULT_AXIS) if y is None else y
    if not isinstance(config, NetworkConfig):
        raise UserInputError(f"config must be a gdviz.maps.network.NetworkConfig, got {type(config).__name__}")
    xname, xs = _axis(x, "x")
    yname, ys = _axis(y, "y")
    if xname == yname:
        raise UserInputError(f"x and y must be different axes (lr1 and lr2), got {xname} twice")
    steps = config.steps if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
        raise UserInputError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {steps!r}")
    task = _Task(config, xs, ys, xname == "lr1", int(steps))
    out = tiles.compute(_tile, task, xs.size * ys.size, tile=tile, client=client, progress=progress)
    shape = (ys.size, xs.size)
    return Map(values=out["values"].reshape(shape), codes=out["codes"].reshape(shape), x=xs, y=ys,
               xname=xname, yname=yname, xscale=_scale(xs), yscale=_scale(ys), measure="trainability",
               method="simulate", steps=int(steps), tol=None, optimizer="gd", surface="network",
               hyperparams={"config": config}, final=None)
