"""Foreign optimizers (gdviz.optim.adapters) against the real libraries: torch.optim and
pytorch-optimizer classes and optax transforms draw the same path through gdviz's engine as in
their own float64 loops, record their own state, batch like native optimizers, and the CLI
resolves only what it should. ``make test`` installs torch, pytorch-optimizer, jax and optax."""
import sys

import jax  # slow to import: once for the module
import numpy as np
import optax
import pytest
import pytorch_optimizer
import torch

import gdviz as gd
from gdviz.cli import main
from gdviz.errors import UserInputError
from gdviz.optim import adapters

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after float64 is on)

STEPS = 100
SURFACES = ("rosenbrock", "elongated")
# (id, class, hyperparameters per surface): rates that stay stable for 100 steps on each surface
TORCH_CASES = [
    ("AdamW", torch.optim.AdamW, {"rosenbrock": dict(lr=1e-2, weight_decay=0.05),
                                  "elongated": dict(lr=5e-2, weight_decay=0.05)}),
    ("SGD-nesterov", torch.optim.SGD, {"rosenbrock": dict(lr=1e-4, momentum=0.9, nesterov=True),
                                       "elongated": dict(lr=1e-2, momentum=0.9, nesterov=True)}),
    ("SGD-momentum", torch.optim.SGD, {"rosenbrock": dict(lr=2e-4, momentum=0.8, dampening=0.1),
                                       "elongated": dict(lr=2e-2, momentum=0.8)}),
    ("Adagrad", torch.optim.Adagrad, {"rosenbrock": dict(lr=0.1), "elongated": dict(lr=0.5, lr_decay=0.01)}),
    ("Lion", pytorch_optimizer.Lion, {"rosenbrock": dict(lr=1e-3), "elongated": dict(lr=1e-2, weight_decay=0.1)}),
]


def torch_loop(cls, hp, surface, start, steps=STEPS):
    """The library's own loop in float64: params after each step and opt.state[p] after each."""
    p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    opt = cls([p], **hp)
    params, states = [p.detach().numpy().copy()], []
    for _ in range(steps):
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy()[None])[0].copy())
        opt.step()
        params.append(p.detach().numpy().copy())
        states.append({k: v.detach().numpy().copy() for k, v in opt.state[p].items()
                       if isinstance(v, torch.Tensor) and v.shape == p.shape})
    return np.array(params), {k: np.array([s[k] for s in states]) for k in states[0]}


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_torch_matches_its_own_loop(case, surface):
    _, cls, hps = case
    s = gd.surface(surface)
    traj = gd.run(gd.optimizer(cls, **hps[surface]), s, steps=STEPS, tol=0)
    assert traj.status == "max_steps"
    params, state = torch_loop(cls, hps[surface], s, s.start)
    np.testing.assert_allclose(traj.params, params, rtol=1e-12, atol=1e-14)
    assert sorted(traj.state) == sorted(state) and traj.state  # torch's own names, e.g. exp_avg
    for k in state:
        np.testing.assert_allclose(traj.state[k], state[k], rtol=1e-12, atol=1e-14)
    assert traj.params.dtype == np.float64
    np.testing.assert_array_equal(traj.lr, np.full(STEPS, hps[surface]["lr"]))


def test_torch_names_hyperparams_and_save_load(tmp_path):
    opt = gd.optimizer(torch.optim.AdamW, lr=1e-2, weight_decay=0.05)
    assert opt.name == "torch:AdamW" and opt.label() == "torch:AdamW (lr=0.01)"
    assert opt.hyperparams["weight_decay"] == 0.05 and opt.hyperparams["betas"] == [0.9, 0.999]
    assert gd.optimizer(pytorch_optimizer.Lion, lr=1e-3).name == "pytorch_optimizer:Lion"
    traj = gd.run(opt, "rosenbrock", steps=50)
    assert set(traj.state) == {"exp_avg", "exp_avg_sq"}   # scalars such as step are left out
    back = gd.Trajectory.load(traj.save(tmp_path / "adamw.npz"))
    assert back.optimizer == "torch:AdamW" and back.hyperparams == traj.hyperparams
    for k in traj.state:
        np.testing.assert_array_equal(back.state[k], traj.state[k])
    np.testing.assert_array_equal(back.params, traj.params)
    # a batch of hyperparameters round-trips too, and each member gets its own values
    batch = gd.run(gd.optimizer(torch.optim.Adam, lr=[1e-2, 2e-2], betas=[(0.9, 0.99), (0.8, 0.999)]),
                   "rosenbrock", steps=30)
    back = gd.Trajectory.load(batch.save(tmp_path / "batch.npz"))
    assert back.hyperparams == batch.hyperparams
    assert back[1].hyperparams["lr"] == 2e-2 and back[1].hyperparams["betas"] == [0.8, 0.999]


def equal_runs(batch, singles):
    for i, single in enumerate(singles):
        member = batch[i]
        assert member.status == single.status and member.stop == single.stop
        np.testing.assert_array_equal(member.params, single.params)
        np.testing.assert_array_equal(member.lr, single.lr)
        assert set(single.state) <= set(member.state)
        for k in member.state:   # an array only some members have (amsgrad's) is zeros for the rest
            np.testing.assert_array_equal(member.state[k], single.state.get(k, 0 * member.state[k]))


@pytest.mark.parametrize("cls, hp, batched", [
    # param groups, one step(): rates, a pair, and a flag that adds a state array for some members
    (torch.optim.AdamW, dict(weight_decay=0.05), dict(lr=[1e-3, 1e-2, 5e-2, 40.0], amsgrad=[False, True, False, True])),
    (torch.optim.Adam, {}, dict(lr=np.array([1e-2, 3e-2]), betas=np.array([[0.9, 0.999], [0.5, 0.9]]))),
    (torch.optim.SGD, dict(momentum=0.9), dict(lr=np.array([1e-5, 1e-4, 3e-3]))),   # the last diverges
    (pytorch_optimizer.Lion, {}, dict(lr=np.array([1e-4, 1e-3, 1e-2]))),           # one optimizer per member
])
def test_torch_batch_equals_single_runs(cls, hp, batched):
    s = gd.surface("rosenbrock")
    batch = gd.run(gd.optimizer(cls, **hp, **batched), s, steps=150)
    B = len(next(iter(batched.values())))
    assert batch.params.shape[1] == B
    singles = [gd.run(gd.optimizer(cls, **hp, **{k: (tuple(v[i]) if np.ndim(v[i]) else v[i])
                                                 for k, v in batched.items()}), s, steps=150)
               for i in range(B)]
    equal_runs(batch, singles)


def test_torch_batch_with_stopped_members():
    # members stop (one converges, one diverges) while the engine keeps calling update for all:
    # the others still equal their single runs
    s = gd.surface("bowl")
    lrs = [0.1, 0.45, 2.0, 0.01]
    batch = gd.run(gd.optimizer(torch.optim.SGD, lr=lrs, momentum=0.5), s, steps=200)
    assert {"converged", "diverged", "max_steps"} <= set(batch.status)
    equal_runs(batch, [gd.run(gd.optimizer(torch.optim.SGD, lr=lr, momentum=0.5), s, steps=200) for lr in lrs])


def test_torch_batch_of_starts_equals_single_runs():
    s = gd.surface("rosenbrock")
    starts = np.random.default_rng(0).uniform([-2, -1], [2, 3], (6, 2))
    for cls, hp in ((torch.optim.AdamW, dict(lr=1e-2, weight_decay=0.05)), (torch.optim.Adagrad, dict(lr=0.1)),
                    (pytorch_optimizer.Lion, dict(lr=1e-3))):
        batch = gd.run(gd.optimizer(cls, **hp), s, starts, steps=100)
        equal_runs(batch, [gd.run(gd.optimizer(cls, **hp), s, p, steps=100) for p in starts])


def test_a_member_of_two_starts_keeps_the_shared_betas_pair(tmp_path):
    """Two starts and betas = (0.9, 0.999): a list as long as the batch, yet one value for both."""
    batch = gd.run(gd.optimizer(torch.optim.Adam, lr=0.01), "rosenbrock", [[-1.0, 1.0], [1.5, -0.5]], steps=5)
    assert [m.hyperparams["betas"] for m in batch.members()] == [[0.9, 0.999]] * 2
    batch.save(tmp_path / "two.npz")
    assert gd.load(tmp_path / "two.npz")[1].hyperparams["betas"] == [0.9, 0.999]
    rates = gd.run(gd.optimizer("adam", lr=[0.01, 0.02]), "rosenbrock", steps=5)
    assert [m.hyperparams["lr"] for m in rates.members()] == [0.01, 0.02]


def test_torch_refusals():
    with pytest.raises(UserInputError, match="unknown hyperparameter for torch:AdamW 'momentum'"):
        gd.optimizer(torch.optim.AdamW, momentum=0.9)
    with pytest.raises(UserInputError, match="torch:Adam could not be built.*Invalid learning rate"):
        gd.optimizer(torch.optim.Adam, lr=[0.1, -1.0])   # each member is checked, not just the first
    with pytest.raises(UserInputError, match="needs a closure"):
        gd.optimizer(torch.optim.LBFGS)
    with pytest.raises(UserInputError, match="different lengths"):
        gd.optimizer(torch.optim.Adam, lr=[0.1, 0.2], eps=[1e-8, 1e-8, 1e-8])
    with pytest.raises(UserInputError, match="pass the optimizer's class"):
        gd.optimizer(torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))]))
    opt = gd.optimizer(torch.optim.Adam, lr=0.1)
    p = np.zeros((1, 2))
    s0 = opt.init(p)
    opt.update(np.ones((1, 2)), s0, p, 0)
    with pytest.raises(UserInputError, match="updated once"):   # torch's state is live: no replays
        opt.update(np.ones((1, 2)), s0, p, 0)


# -- optax -----------------------------------------------------------------------------------
OPTAX_CASES = [
    ("adam", lambda: optax.adam(1e-2), SURFACES, ("mu", "nu")),
    ("sgd-momentum", lambda: optax.sgd(1e-2, momentum=0.9), ("elongated", "bowl"), ("trace",)),
    ("clip-adam", lambda: optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2)), SURFACES, ("mu", "nu")),
]


def optax_loop(tx, surface, start, steps=STEPS):
    """A plain optax loop in float64 (jitted update, as optax is used)."""
    update = jax.jit(tx.update)
    p = jnp.asarray(start, dtype=jnp.float64)
    state = tx.init(p)
    out = [np.asarray(p)]
    for _ in range(steps):
        g = jnp.asarray(surface.grad(np.asarray(p)[None])[0])
        u, state = update(g, state, p)
        p = optax.apply_updates(p, u)
        out.append(np.asarray(p))
    return np.array(out), state


@pytest.mark.parametrize("case", OPTAX_CASES, ids=[c[0] for c in OPTAX_CASES])
def test_optax_matches_its_own_loop(case):
    _, make, surfaces, names = case
    for name in surfaces:
        s = gd.surface(name)
        traj = gd.run(gd.optimizer(make()), s, steps=STEPS, tol=0)
        assert traj.status == "max_steps" and traj.optimizer == "optax"
        params, state = optax_loop(make(), s, s.start)
        assert params.dtype == np.float64
        np.testing.assert_allclose(traj.params, params, rtol=1e-12, atol=1e-14)
        assert tuple(sorted(traj.state)) == names
        leaves = {n: np.asarray(optax.tree_utils.tree_get(state, n)) for n in names}
        for n in names:
            np.testing.assert_allclose(traj.state[n][-1], leaves[n], rtol=1e-12, atol=1e-14)


def test_optax_batch_of_starts_is_vmapped_and_equals_single_runs():
    s = gd.surface("rosenbrock")
    starts = np.array([[-1.5, 2.0], [1.5, -0.5], [0.0, 0.0]])
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))   # the norm is per member
    batch = gd.run(gd.optimizer(tx), s, starts, steps=60)
    for i, p in enumerate(starts):
        single = gd.run(gd.optimizer(tx), s, p, steps=60)
        np.testing.assert_allclose(batch[i].params, single.params, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(batch[i].state["nu"], single.state["nu"], rtol=1e-12, atol=1e-14)


def test_optax_by_name_batches_hyperparameters(tmp_path):
    s = gd.surface("rosenbrock")
    lrs = [1e-3, 1e-2, 5e-2]
    opt = gd.optimizer("optax:adam", lr=lrs, b1=0.8)
    assert opt.name == "optax:adam" and opt.hyperparams == {"lr": lrs, "b1": 0.8} and opt.batch == 3
    batch = gd.run(opt, s, steps=80)
    for i, lr in enumerate(lrs):
        single = gd.run(gd.optimizer("optax:adam", lr=lr, b1=0.8), s, steps=80)
        np.testing.assert_array_equal(batch[i].params, single.params)
        np.testing.assert_array_equal(batch[i].lr, np.full(80, lr))
    back = gd.Trajectory.load(batch.save(tmp_path / "optax.npz"))
    assert back.optimizer == "optax:adam" and back.hyperparams == batch.hyperparams


def test_optax_repeated_state_names_are_prefixed(tmp_path):
    tx = optax.chain(optax.scale_by_adam(), optax.scale_by_adam(b1=0.5), optax.scale(-1e-3))
    traj = gd.run(adapters.optax_optimizer(tx, name="adam-twice"), "bowl", steps=20)
    assert traj.optimizer == "adam-twice"
    assert len(traj.state) == 4 and all(k.isidentifier() for k in traj.state)
    assert len({k for k in traj.state if k.endswith("mu")}) == 2
    back = gd.Trajectory.load(traj.save(tmp_path / "twice.npz"))
    assert sorted(back.state) == sorted(traj.state)


def test_optax_refusals():
    with pytest.raises(UserInputError, match="set when it is built"):
        gd.optimizer(optax.adam(1e-2), lr=0.1)
    with pytest.raises(UserInputError, match="call it"):
        gd.optimizer(optax.adam)
    with pytest.raises(UserInputError, match="optax:adam needs a learning rate"):
        gd.optimizer("optax:adam")
    with pytest.raises(UserInputError, match="unknown hyperparameter for optax:sgd 'betas'"):
        gd.optimizer("optax:sgd", lr=0.1, betas=(0.9, 0.99))


# -- the CLI ---------------------------------------------------------------------------------
def cli(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_runs_torch_and_pytorch_optimizer(tmp_path, capsys):
    f = tmp_path / "adamw.npz"
    code, out, err = cli("run", "-o", "torch:AdamW", "-H", "weight_decay=0.05", "--lr", "0.01", "--steps", "100",
                         "--save", str(f), capsys=capsys)
    assert code == 0, err
    assert "torch:AdamW" in out
    traj = gd.load(f)
    api = gd.run(gd.optimizer(torch.optim.AdamW, lr=0.01, weight_decay=0.05), "rosenbrock", steps=100)
    assert traj.optimizer == "torch:AdamW" and traj.hyperparams == api.hyperparams
    np.testing.assert_array_equal(traj.params, api.params)
    code, out, err = cli("run", "-o", "pytorch_optimizer:Lion", "--lr", "0.001", "--steps", "50", capsys=capsys)
    assert code == 0 and "pytorch_optimizer:Lion" in out, err
    code, out, err = cli("sweep", "-o", "torch:Adam", "--lrs", "0.001,0.01", "--steps", "50", capsys=capsys)
    assert code == 0, err


@pytest.mark.parametrize("spec", ["os:system", "torch.nn:Linear", "torch:Tensor", "builtins:eval", "torch:nonexistent",
                                  "numpy:linalg", "torch:nn.Linear", "torch:Optimizer", "pytorch_optimizer:torch",
                                  "optax:tree_utils", "torch:__class__"])
def test_cli_refuses_anything_else(spec, capsys):
    code, out, err = cli("run", "-o", spec, "--steps", "5", capsys=capsys)
    assert code == 2 and out == ""
    assert err.startswith("gdviz: error: ") and err.count("\n") == 1, err
    assert "torch:Name" in err or "choose from" in err or "plain name" in err


def test_cli_imports_nothing_outside_the_allowlist(monkeypatch, capsys):
    calls = []
    real = adapters.importlib.import_module
    monkeypatch.setattr(adapters.importlib, "import_module", lambda name: calls.append(name) or real(name))
    for spec in ("os:system", "numpy:linalg", "builtins:eval", "torch.nn:Linear", "torch:AdamW", "optax:adam"):
        cli("run", "-o", spec, "--steps", "2", capsys=capsys)
    assert set(calls) <= {"torch", "torch.optim", "jax", "optax"}


@pytest.mark.parametrize("hidden, spec, message", [
    (("torch",), "torch:AdamW", "torch:AdamW needs PyTorch: pip install 'gdviz[torch]'"),
    (("pytorch_optimizer",), "pytorch_optimizer:Lion", "pytorch_optimizer:Lion needs pytorch-optimizer: pip install"),
    (("optax", "jax"), "optax:adam", "optax:adam needs optax and JAX: pip install 'gdviz[jax]'"),
])
def test_missing_library_is_one_line_naming_the_extra(hidden, spec, message, monkeypatch, capsys):
    for name in hidden:
        monkeypatch.setitem(sys.modules, name, None)
    code, out, err = cli("run", "-o", spec, "--lr", "0.01", "--steps", "5", capsys=capsys)
    assert code == 2 and err.startswith(f"gdviz: error: {message}") and err.count("\n") == 1, err
    with pytest.raises(UserInputError, match="needs"):
        gd.optimizer(spec, lr=0.01)
    if "torch" in hidden:
        with pytest.raises(UserInputError, match="needs PyTorch"):
            adapters.torch_optimizer(object)
    if "jax" in hidden:
        with pytest.raises(UserInputError, match=r"gdviz\[jax\]"):
            adapters.optax_optimizer(object())


@pytest.mark.parametrize("name", sorted(adapters.ELEMENTWISE))
def test_elementwise_classes_step_a_batch_of_starts_as_one_parameter(name):
    # a batch sharing hyperparameters is one (B, d) parameter for these: it must equal single runs
    cls, s = getattr(torch.optim, name), gd.surface("rosenbrock")
    starts = np.array([[-1.5, 2.0], [1.2, 0.5], [0.3, -0.4]])
    hp = {"lr": 1e-4} if name in ("SGD", "ASGD") else {"lr": 1e-2}
    batch = gd.run(gd.optimizer(cls, **hp), s, starts, steps=40)
    equal_runs(batch, [gd.run(gd.optimizer(cls, **hp), s, p, steps=40) for p in starts])
