"""TorchLoss (gdviz.landscapes.torchmodel): a torch module's loss over its flat parameters, batched
over points with torch.func, against torch evaluated the plain way (weights loaded into a copy of
the module one point at a time, autograd, the explicit Hessian). float64 modules, tiny."""
import copy

import numpy as np
import pytest
import torch

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.landscapes import torchmodel
from gdviz.landscapes.torchmodel import TorchLoss

F = torch.nn.functional


def mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()


def cnn():
    """Conv -> BatchNorm (running statistics moved off their defaults) -> ReLU -> Linear, left in train mode."""
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                              torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 2)).double()
    net.train()
    net(torch.randn(16, 1, 6, 6, dtype=torch.float64) * 2 + 0.5)
    return net


def data(kind, n=24, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "mlp":
        return rng.normal(size=(n, 2)), rng.integers(0, 3, n)
    return rng.normal(size=(n, 1, 6, 6)), rng.integers(0, 2, n)


MODELS = {"mlp": mlp, "cnn": cnn}


def points(f, k=4, seed=1, scale=0.3):
    return f.center + scale * np.random.default_rng(seed).normal(size=(k, f.dim))


def loaded(module, f, p):
    """A copy of ``module`` in eval mode holding the flat point ``p`` (buffers kept): the plain way."""
    net = copy.deepcopy(module).eval()
    state = net.state_dict()
    for name, arr in zip(f.names, f.unflatten(p)):
        state[name] = torch.tensor(arr)
    net.load_state_dict(state)
    return net


def flat_grad(net):
    return np.concatenate([p.grad.numpy().ravel() for p in net.parameters()])


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_values_equal_the_module_loaded_one_point_at_a_time(kind):
    module = MODELS[kind]()
    X, y = data(kind)
    f = TorchLoss(module, "cross-entropy", X, y)
    P = points(f)
    want = [F.cross_entropy(loaded(module, f, p)(torch.tensor(X)), torch.tensor(y)).item() for p in P]
    assert np.abs(f.value(P) - want).max() < 1e-10
    assert f.value(P).dtype == np.float64 and f.value(P.reshape(2, 2, -1)).shape == (2, 2)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_gradients_equal_autograd(kind):
    module = MODELS[kind]()
    X, y = data(kind)
    f = TorchLoss(module, "cross-entropy", X, y)
    P = points(f, k=3)
    rows = np.array([0, 5, 7, 11])
    for p, g, b, (v, g2) in zip(P, f.grad(P), f.batch_grad(P, rows), zip(*f.value_and_grad(P))):
        net = loaded(module, f, p)
        F.cross_entropy(net(torch.tensor(X)), torch.tensor(y)).backward()
        assert np.abs(g - flat_grad(net)).max() < 1e-10
        assert np.abs(g2 - g).max() < 1e-12 and abs(v - f.value(p)) < 1e-12
        net = loaded(module, f, p)
        F.cross_entropy(net(torch.tensor(X[rows])), torch.tensor(y[rows])).backward()
        assert np.abs(b - flat_grad(net)).max() < 1e-10


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_hvp_equals_the_explicit_hessian_times_v(kind):
    module = MODELS[kind]()
    X, y = data(kind)
    f = TorchLoss(module, "cross-entropy", X, y)
    p = points(f, k=1)[0]
    net = loaded(module, f, p)
    sizes, shapes = list(f.sizes), f.shapes

    def loss(theta):
        params = {n: t.reshape(s) for n, t, s in zip(f.names, torch.split(theta, sizes), shapes)}
        return F.cross_entropy(torch.func.functional_call(net, params, (torch.tensor(X),)), torch.tensor(y))

    H = torch.autograd.functional.hessian(loss, torch.tensor(p)).numpy()
    v = np.random.default_rng(2).normal(size=f.dim)
    assert np.abs(f.hvp(p, v) - H @ v).max() < 1e-8


def test_kinds_names_and_center_follow_named_parameters():
    module = cnn()
    f = TorchLoss(module, "cross-entropy", *data("cnn"))
    assert f.names == ("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias")
    assert f.kinds == ("weight", "bias", "norm", "norm", "weight", "bias")
    assert f.shapes[0] == (3, 1, 3, 3) and f.dim == 27 + 3 + 3 + 3 + 96 + 2
    want = np.concatenate([p.detach().numpy().ravel() for p in module.parameters()])
    assert np.array_equal(f.center, want)
    frozen = mlp()
    frozen[0].weight.requires_grad_(False)
    g = TorchLoss(frozen, "cross-entropy", *data("mlp"))
    assert g.names == ("0.bias", "2.weight", "2.bias") and g.kinds == ("bias", "weight", "bias")


def test_the_module_is_left_as_it_was():
    """Weights, buffers and every submodule's train/eval mode unchanged after values, gradients, hvp."""
    module = cnn()
    module[2].eval()             # a mix of modes, each restored as it was
    before = {k: v.clone() for k, v in module.state_dict().items()}
    modes = [m.training for m in module.modules()]
    f = TorchLoss(module, "cross-entropy", *data("cnn"))
    P = points(f)
    f.value(P), f.grad(P), f.batch_grad(P, np.arange(4)), f.hvp(P[0], P[1])
    after = module.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert [m.training for m in module.modules()] == modes == [True, True, True, False, True, True]


def test_chunks_give_the_numbers_of_one_pass(monkeypatch):
    f = TorchLoss(cnn(), "cross-entropy", *data("cnn"))
    P = points(f, k=7)
    whole, grads = f.value(P), f.grad(P)
    assert f.floats_per_point > f.dim
    monkeypatch.setattr(torchmodel, "CHUNK_FLOATS", 2 * torchmodel.GRAD_FACTOR * f.floats_per_point)  # 2 a chunk
    assert np.abs(f.value(P) - whole).max() < 1e-13 and np.abs(f.grad(P) - grads).max() < 1e-13


def test_mse_binary_cross_entropy_and_a_callable_loss():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1)).double()
    rng = np.random.default_rng(3)
    X, t, labels = rng.normal(size=(30, 2)), rng.normal(size=30), rng.integers(0, 2, 30)
    out = net(torch.tensor(X))
    bce = F.binary_cross_entropy_with_logits(out[:, 0], torch.tensor(labels).double())
    cases = [("cross-entropy", labels == 1, bce),
             ("mse", t, F.mse_loss(out[:, 0], torch.tensor(t))),
             ("cross-entropy", labels, bce),
             (lambda o, y: (o[:, 0] - y).abs().mean(), t, (out[:, 0] - torch.tensor(t)).abs().mean())]
    for loss, target, want in cases:
        f = TorchLoss(net, loss, X, target)
        assert abs(f.value(f.center) - want.item()) < 1e-12, loss


def test_float32_module_computes_in_float32_and_returns_float64():
    X, y = data("mlp")
    f64 = TorchLoss(mlp(), "cross-entropy", X, y)
    f32 = TorchLoss(mlp().float(), "cross-entropy", X, y)
    P = points(f64)
    assert f32.dtype == torch.float32 and f32.value(P).dtype == np.float64
    assert 0 < np.abs(f32.value(P) - f64.value(P)).max() < 1e-5


def test_gd_run_trains_the_module_through_its_loss():
    """A ModelLoss is a Surface: gdviz's optimizers train it, full batch and in mini-batches."""
    X = np.random.default_rng(4).normal(size=(64, 2))
    f = TorchLoss(mlp(), "cross-entropy", X, (X > 0).sum(axis=1))   # classes 0, 1, 2
    for opt in (gd.optimizer("adam", lr=0.05), gd.optimizer("sgd", lr=0.2, batch_size=8)):
        traj = gd.run(opt, f, start=f.center, steps=40, tol=0)
        assert f.value(traj.params[-1]) < 0.8 * f.value(f.center)


LINEAR = torch.nn.Linear(2, 1).double()
ERRORS = [
    ((torch.nn.ReLU(), "mse", np.ones((4, 2)), np.ones(4)),
     "the torch model ReLU has no parameters that require grad; give a model with weights to train"),
    ((LINEAR, "mse", np.ones((4, 3)), np.ones(4)),
     "X of shape (4, 3) does not fit the model: Linear takes 2 features, got an input of shape (4, 3)"),
    (("cnn", "cross-entropy", np.ones((4, 1, 6, 5)), np.zeros(4, int)),
     "X of shape (4, 1, 6, 5) does not fit the model: layer '4' (Linear) takes 48 features, "
     "got an input of shape (4, 36)"),
    (("cnn", "cross-entropy", np.ones((4, 36)), np.zeros(4, int)),
     "X of shape (4, 36) does not fit the model: layer '0' (Conv2d) takes 1 channel in inputs of shape "
     "(n, C, H, W), got an input of shape (4, 36)"),
    ((LINEAR, "mse", np.ones((4, 2)), np.ones(3)),
     "X and y need one row per sample: X has shape (4, 2), y has shape (3,)"),
    ((LINEAR, "mse", np.ones((4, 2)), np.ones((4, 2))),
     "y of shape (4, 2) does not match the model's output of shape (4, 1): mse needs one target per output"),
    (("cnn", "cross-entropy", np.ones((4, 1, 6, 6)), np.array([0, 1, 2, 1])),
     "class labels must be 0..1 for a model with 2 outputs, got labels from 0 to 2"),
    ((LINEAR, "cross-entropy", np.ones((4, 2)), np.full(4, 0.5)),
     "cross-entropy needs whole-number class labels in y; use loss='mse' for real targets"),
    ((LINEAR, "hinge", np.ones((4, 2)), np.ones(4)),
     "unknown loss 'hinge'; choose from: mse, cross-entropy or a function loss(output, target)"),
    ((LINEAR, "mse", np.array([[1.0, np.nan]] * 4), np.ones(4)), "data contains NaN or infinite values"),
    ((LINEAR, "mse", np.ones((4, 2)), np.array([1, 2, np.inf, 0])), "data contains NaN or infinite values"),
    ((LINEAR, lambda o, y: o - y, np.ones((4, 2)), np.ones(4)),
     "the loss function must return one number (a 0-d tensor), got (4, 4)"),
    ((torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1).double()), "mse", np.ones((4, 2)), np.ones(4)),
     "the model's parameters must share one floating dtype, got float32, float64; "
     "convert it with model.double() or model.float()"),
    (("not a module", "mse", np.ones((4, 2)), np.ones(4)), "model must be a torch.nn.Module, got str"),
]


@pytest.mark.parametrize("args, message", ERRORS)
def test_errors_are_one_line(args, message):
    module = cnn() if args[0] == "cnn" else args[0]
    with pytest.raises(UserInputError) as e:
        TorchLoss(module, *args[1:])
    assert str(e.value) == message


def test_gd_landscape_of_a_torch_module_equals_the_module_point_by_point():
    """The grid helper on a torch module: loss[i, j] = the module's loss at center + x[j] d1 + y[i] d2;
    Hessian directions come from TorchLoss.hvp; the module is left as it was."""
    module = cnn()
    X, y = data("cnn")
    before = {k: v.clone() for k, v in module.state_dict().items()}
    land = gd.landscape(module, "cross-entropy", (X, y), grid=(4, 3), span=0.5, seed=3)
    f = land.model
    assert isinstance(f, TorchLoss) and land.loss.shape == (3, 4)
    d1, d2 = (f.flatten(d) for d in land.directions)
    for i, j in [(0, 0), (1, 2), (2, 3)]:
        p = f.center + land.x[j] * d1 + land.y[i] * d2
        want = F.cross_entropy(loaded(module, f, p)(torch.tensor(X)), torch.tensor(y)).item()
        assert abs(land.loss[i, j] - want) < 1e-10
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items()) and module.training
    f = TorchLoss(mlp(), "cross-entropy", *data("mlp"))
    hess = gd.landscape(f, directions="hessian", grid=3, span=0.1)
    for d, lam in zip(hess.directions, hess.eigenvalues):     # each an eigenvector: H d = lambda d
        d = f.flatten(d) / np.linalg.norm(f.flatten(d))
        assert np.linalg.norm(f.hvp(f.center, d) - lam * d) < 1e-4 * abs(hess.eigenvalues[0])


def test_gd_landscape_wrong_images_is_one_line():
    with pytest.raises(UserInputError) as e:
        gd.landscape(cnn(), "cross-entropy", (np.ones((4, 1, 5, 5)), np.zeros(4, int)), grid=3)
    assert str(e.value) == ("X of shape (4, 1, 5, 5) does not fit the model: layer '4' (Linear) takes 48 features, "
                            "got an input of shape (4, 27)")


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_threads_evaluating_at_once_each_get_their_own_numbers(kind):
    """functional_call swaps the module's parameters while it runs: two threads on one module (a
    threaded Dask cluster, client=True) computed each other's points (the bench: a CNN grid off by
    2.8, an MLP's vmap chunk of 121 points meeting a chunk of 49). Each thread has its own copy now."""
    from concurrent.futures import ThreadPoolExecutor

    f = TorchLoss(MODELS[kind](), "cross-entropy", *data(kind))
    chunks = [points(f, k=k, seed=s) for s, k in enumerate([7, 3, 5, 1, 6, 2, 4, 8] * 3)]
    want = [f.value(p) for p in chunks]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(f.value, chunks))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    import cloudpickle

    g = cloudpickle.loads(cloudpickle.dumps(f))             # what Dask sends to worker processes
    np.testing.assert_array_equal(g.value(chunks[0]), want[0])
