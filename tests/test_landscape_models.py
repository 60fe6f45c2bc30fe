"""The native numpy MLP, its data sets and model_loss: value, gradient and Hessian against torch
(float64), batched evaluation, mini-batch gradients, training, seeded data, and every error line."""
import re

import numpy as np
import pytest

import gdviz as gd
from gdviz.landscapes.datasets import DATASETS
from gdviz.landscapes.mlp import MLPLoss
from gdviz.landscapes.wrap import model_loss

# (sizes, loss, data): mse, the binary logistic loss (one output) and softmax cross-entropy
CASES = [([1, 4, 3, 1], "mse", "regression"), ([2, 4, 3, 1], "cross-entropy", "moons"),
         ([2, 4, 3, 3], "cross-entropy", "spirals3")]


def _data(name):
    """Few rows (the Hessian is checked whole): 30 of a data set; spirals3 has three labels."""
    if name == "spirals3":
        X, _ = gd.dataset("spirals", n=30, seed=1)
        return X, np.arange(30) % 3
    return gd.dataset(name, n=30, seed=1)


def _torch_loss(torch, model, loss, X, y):
    """The same network and loss in torch, as a function of the flat parameter vector."""
    act = torch.tanh if model.activation == "tanh" else torch.relu
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y)
    shapes = model.shapes

    def f(p):
        parts, start, a = [], 0, Xt
        for shape in shapes:
            size = int(np.prod(shape))
            parts.append(p[start:start + size].reshape(shape))
            start += size
        for i in range(0, len(parts), 2):
            a = a @ parts[i].T + parts[i + 1]
            if i + 2 < len(parts):
                a = act(a)
        if loss == "mse":
            return ((a[:, 0] - yt) ** 2).mean()
        if a.shape[1] == 1:
            return torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], yt.double())
        return torch.nn.functional.cross_entropy(a, yt)

    return f


def _close(a, b, rel):
    a, b = np.asarray(a), np.asarray(b)
    assert np.abs(a - b).max() <= rel * max(np.abs(b).max(), 1e-300), (np.abs(a - b).max(), np.abs(b).max())


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("sizes, loss, data", CASES)
def test_value_grad_and_hessian_equal_torch(activation, sizes, loss, data):
    torch = pytest.importorskip("torch")
    model = gd.mlp(sizes, activation=activation, seed=3)
    X, y = _data(data)
    s = model_loss(model, loss, (X, y))
    p = s.center + np.random.default_rng(0).normal(0, 0.3, s.dim)    # away from the initial weights
    f = _torch_loss(torch, model, loss, X, y)
    pt = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    value = f(pt)
    (grad,) = torch.autograd.grad(value, pt)
    hessian = torch.autograd.functional.hessian(f, torch.tensor(p, dtype=torch.float64))
    _close(s.value(p), value.item(), 1e-10)
    _close(s.grad(p), grad.numpy(), 1e-10)
    _close(s._hessian(p), hessian.numpy(), 1e-10)
    v = np.random.default_rng(1).normal(size=s.dim)
    _close(s.hvp(p, v), hessian.numpy() @ v, 1e-10)


def test_binary_cross_entropy_is_stable_for_large_logits():
    # one hidden unit pushed far: logits of +-1e4 would overflow exp; the loss stays finite and exact
    model = gd.mlp([1, 1], seed=0)
    s = model_loss(model, "cross-entropy", (np.array([[1.0], [-1.0]]), np.array([1, 1])))
    value, grad = s.value_and_grad(np.array([1e4, 0.0]))
    assert value == pytest.approx(1e4 / 2)        # mean(softplus(-1e4), softplus(1e4)) = 1e4 / 2
    assert grad.tolist() == [0.5, -0.5]   # dL/dz = -sigmoid(-z) / 2 = (0, -1/2); dw = -1/2 x2 (x2 = -1), db = -1/2


def test_softmax_cross_entropy_is_stable_for_large_logits():
    model = gd.mlp([1, 2], seed=0)
    s = model_loss(model, "cross-entropy", (np.array([[1.0]]), np.array([0])))
    # logits (1000, -1000): the loss is log(1 + e^-2000) = 0; reversed it is 2000
    assert s.value(np.array([1000.0, -1000.0, 0.0, 0.0])) == 0.0
    assert s.value(np.array([-1000.0, 1000.0, 0.0, 0.0])) == 2000.0


def test_batched_value_equals_single_evaluations():
    s = model_loss(gd.mlp([2, 8, 8, 1], seed=0), None, "moons")
    points = s.center + np.random.default_rng(2).normal(0, 0.5, (3, 4, s.dim))
    values = s.value(points)
    assert values.shape == (3, 4)
    _close(values, [[s.value(q) for q in row] for row in points], 1e-12)
    grads = s.grad(points)
    assert grads.shape == (3, 4, s.dim)
    _close(grads, [[s.grad(q) for q in row] for row in points], 1e-12)


def test_batch_grad_on_all_rows_is_the_gradient_and_on_some_rows_their_mean():
    s = model_loss(gd.mlp([2, 6, 2], activation="relu", seed=0), None, "spirals")
    p = s.center
    _close(s.batch_grad(p, np.arange(s.n_samples)), s.grad(p), 1e-12)
    rows = np.array([3, 50, 299])
    one = [model_loss(gd.mlp([2, 6, 2], activation="relu", seed=0), None, (s.X[[i]], s.y[[i]])).grad(p) for i in rows]
    _close(s.batch_grad(p, rows), np.mean(one, axis=0), 1e-12)


def test_training_on_moons_lowers_the_loss():
    s = model_loss(gd.mlp([2, 16, 16, 1], seed=0), "cross-entropy", "moons")
    traj = gd.run(gd.optimizer("gd", lr=0.5), s, start=s.center, steps=200)
    assert traj.loss[-1] < 0.25 * traj.loss[0]
    assert (np.diff(traj.loss) < 0).mean() > 0.9
    # mini-batches go through batch_grad
    traj = gd.run(gd.optimizer("sgd", lr=0.2, batch_size=20), s, start=s.center, steps=200, seed=0)
    assert traj.loss[-1] < 0.5 * traj.loss[0]


def test_model_weights_and_layout():
    model = gd.mlp([2, 3, 1], seed=5)
    assert model.names == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert model.shapes == [(3, 2), (3,), (1, 3), (1,)]
    bounds = [1 / np.sqrt(2), 1 / np.sqrt(2), 1 / np.sqrt(3), 1 / np.sqrt(3)]   # U(-1/sqrt(fan_in), ...)
    assert all(np.abs(w).max() <= b for w, b in zip(model.params, bounds))
    assert all(np.array_equal(a, b) for a, b in zip(model.params, gd.mlp([2, 3, 1], seed=5).params))
    s = model_loss(model, None, "moons")
    assert s.kinds == ("weight", "bias", "weight", "bias") and s.dim == 13
    assert [w.tolist() for w in s.unflatten(s.center)] == [w.tolist() for w in model.params]
    X = np.array([[0.5, -1.0]])
    expected = np.tanh(X @ model.params[0].T + model.params[1]) @ model.params[2].T + model.params[3]
    assert model.forward(X).tolist() == expected.tolist()
    assert s.floats_per_point >= s.n_samples * 4 + s.dim
    assert s.title == {"en": "MLP 2-3-1 (tanh) on two moons, cross-entropy",
                       "zh": "双月数据上的 MLP 2-3-1（tanh），交叉熵"}
    assert model_loss(s, "mse", "regression") is s        # a ModelLoss is returned as it is


def test_default_loss_follows_the_labels():
    assert model_loss(gd.mlp([1, 4, 1]), None, "regression").loss == "mse"
    assert model_loss(gd.mlp([2, 4, 1]), None, "moons").loss == "cross-entropy"
    assert isinstance(model_loss(gd.mlp([2, 4, 1]), None, "moons"), MLPLoss)
    X, y = gd.dataset("moons", n=10)
    assert model_loss(gd.mlp([2, 4, 1]), None, (X, y == 1)).loss == "cross-entropy"    # booleans are classes
    assert model_loss(gd.mlp([2, 4, 1]), None, (X, y.astype(float))).loss == "mse"


@pytest.mark.parametrize("name, n, shape, balance", [("regression", 100, (100, 1), None),
                                                     ("moons", 200, (200, 2), [100, 100]),
                                                     ("spirals", 300, (300, 2), [150, 150])])
def test_data_sets_are_seeded_with_their_defaults(name, n, shape, balance):
    X, y = gd.dataset(name)
    assert X.shape == shape and y.shape == (n,)
    if balance is None:
        assert y.dtype == float
    else:
        assert y.dtype.kind == "i" and np.bincount(y).tolist() == balance
    X2, y2 = gd.dataset(name, seed=0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = gd.dataset(name, seed=1)
    assert not np.array_equal(X, X3)
    X4, y4 = gd.dataset(name, n=11, noise=0.0)
    assert X4.shape == (11, shape[1])
    if balance is not None:
        assert np.bincount(y4).tolist() == [5, 6]
    assert set(DATASETS[name].title) == {"en", "zh"}


def test_regression_is_the_course_data():
    from gdviz.surfaces.data import synthetic_regression
    X, y = gd.dataset("regression", n=50, seed=4)
    x0, y0 = synthetic_regression(n=50, seed=4)
    assert np.array_equal(X[:, 0], x0) and np.array_equal(y, y0)


def test_import_gdviz_does_not_load_the_landscapes():
    import subprocess
    import sys
    code = "import sys, gdviz; print(any('landscapes' in m for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


MOONS = gd.dataset("moons", n=10)


@pytest.mark.parametrize("call, message", [
    (lambda: gd.dataset("moon"),
     "unknown data set 'moon' (did you mean 'moons'?); choose from: regression, moons, spirals"),
    (lambda: gd.dataset("moons", n=1), "n must be a whole number from 2 to 100,000 (MAX_DATA_POINTS), got 1"),
    (lambda: gd.dataset("moons", noise=-1), "noise must be a finite number >= 0, got -1"),
    (lambda: gd.dataset("moons", noise=[1, 2]), "noise must be one number (a standard deviation), got list"),
    (lambda: gd.dataset("moons", seed=-1), "seed must be a whole number >= 0, got -1"),
    (lambda: gd.mlp([2]), "sizes must list at least the inputs and the outputs, like [2, 16, 1], got [2]"),
    (lambda: gd.mlp(3), "sizes must be a list of layer widths like [2, 16, 1], got 3"),
    (lambda: gd.mlp([2, 0, 1]), "a layer width must be a whole number from 1 to 4,096 (MAX_WIDTH), got 0"),
    (lambda: gd.mlp([2, 4000, 4000, 1]),
     "an MLP of sizes [2, 4000, 4000, 1] has 16,020,001 parameters; the native MLP takes at most 10,000,000 "
     "(MAX_PARAMS)"),
    (lambda: gd.mlp([2, 1]).forward(MOONS[0], [np.zeros((2, 1)), np.zeros(1)]),
     "params must be arrays of shapes [(1, 2), (1,)], got [(2, 1), (1,)]"),
    (lambda: gd.mlp([2, 1], activation="sigmoid"),
     "unknown activation 'sigmoid'; choose from: tanh, relu"),
    (lambda: model_loss(object(), None, "moons"),
     "model must be a gd.mlp(...), a torch.nn.Module or a model loss, got object"),
    (lambda: model_loss(gd.mlp([2, 1]), "l2", "moons"),
     "unknown loss 'l2'; choose from: mse, cross-entropy"),
    (lambda: model_loss(gd.mlp([2, 1]), "cross_entropy", "moons"),
     "unknown loss 'cross_entropy' (did you mean 'cross-entropy'?); choose from: mse, cross-entropy"),
    (lambda: model_loss(gd.mlp([2, 1]), lambda o, t: 0, "moons"),
     "a loss function works with torch modules only; for gd.mlp choose from: mse, cross-entropy"),
    (lambda: model_loss(gd.mlp([2, 1]), None, "spiral"),
     "unknown data set 'spiral' (did you mean 'spirals'?); choose from: regression, moons, spirals"),
    (lambda: model_loss(gd.mlp([2, 1]), None, None),
     "give the data: a data set name (regression, moons, spirals) or a pair (X, y)"),
    (lambda: model_loss(gd.mlp([2, 1]), None, np.zeros((3, 2))),
     "data must be a data set name (regression, moons, spirals) or a pair (X, y), got ndarray"),
    (lambda: model_loss(gd.mlp([2, 1]), None, (MOONS[0], MOONS[1][:9])),
     "data X has 10 rows and y has 9 rows: they need one row per sample"),
    (lambda: model_loss(gd.mlp([2, 1]), None, (np.zeros((0, 2)), np.zeros(0))),
     "data X and y are empty: give at least one sample"),
    (lambda: model_loss(gd.mlp([2, 1]), None, ([["a", "b"]], [1])), "data X and y must be arrays of numbers"),
    (lambda: model_loss(gd.mlp([2, 1]), None, (np.full((2, 2), np.nan), [0, 1])),
     "data contains NaN or infinite values"),
    (lambda: model_loss(gd.mlp([3, 1]), None, "moons"),
     "data X has shape (200, 2) but the model takes 3 inputs: X must be (N, 3)"),
    (lambda: model_loss(gd.mlp([2, 1]), None, (MOONS[0], MOONS[0])),
     "data y has shape (10, 2): it must be one number per sample, shape (10,)"),
    (lambda: model_loss(gd.mlp([2, 3]), "mse", "moons"),
     "mse needs one output unit, the model has 3; use cross-entropy for classes, or sizes ending in 1"),
    (lambda: model_loss(gd.mlp([2, 1]), None, (MOONS[0], MOONS[1] + 1)),
     "cross-entropy labels must be whole numbers from 0 to 1 (the model has 1 output), got 2"),
    (lambda: model_loss(gd.mlp([2, 3]), "cross-entropy", (MOONS[0], np.full(10, 0.5))),
     "cross-entropy labels must be whole numbers from 0 to 2 (the model has 3 outputs), got 0.5"),
])
def test_error_lines(call, message):
    with pytest.raises(gd.UserInputError, match=f"^{re.escape(message)}$"):
        call()


@pytest.mark.parametrize("name, loss", [("regression", "mse"), ("moons", "cross-entropy")])
def test_a_column_of_targets_is_one_number_per_sample(name, loss):
    """y of shape (N, 1), as torch and Keras keep targets, is y of shape (N,) (as X of shape (N,) is
    X (N, 1) for one input): the same loss to the bit."""
    X, y = gd.dataset(name, n=20)
    net = gd.mlp([X.shape[1], 4, 1], seed=0)
    flat = model_loss(net, loss, (X, y))
    column = model_loss(net, loss, (X, y[:, None]))
    p = np.concatenate([w.ravel() for w in net.params])
    assert column.value(p) == flat.value(p)


def test_groups_of_points_give_the_numbers_of_one_pass(monkeypatch):
    """MLPLoss evaluates points in groups whose activations fit CHUNK_FLOATS: the same numbers."""
    from gdviz.landscapes import mlp as mlp_module
    from gdviz.landscapes.wrap import model_loss

    f = model_loss(gd.mlp([2, 5, 1], seed=0), None, "moons")
    p = f.center + 0.3 * np.random.default_rng(0).normal(size=(7, f.dim))
    whole = f.value(p)
    monkeypatch.setattr(mlp_module, "CHUNK_FLOATS", 2 * f.floats_per_point)      # 2 points a group
    np.testing.assert_array_equal(f.value(p), whole)
    np.testing.assert_array_equal(f.value(p[:0]), np.zeros(0))
