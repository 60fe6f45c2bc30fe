"""Optimizers: one step against the formula by hand, paths against torch.optim, validation."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import gdviz as gd
from gdviz.optim import transforms as T

G = np.array([0.5, -2.0])
P = np.array([1.0, 3.0])


def two_steps(opt, grads=(G, G * 0.5)):
    """Apply ``opt`` for two steps with fixed gradients; return the points after each step."""
    p, state, out = P.copy(), opt.init(P), []
    for t, g in enumerate(grads):
        u, state = opt.update(g, state, p, t)
        p = p + u
        out.append(p)
    return out


def test_gd_step():
    p1, p2 = two_steps(gd.optimizer("gd", lr=0.1))
    np.testing.assert_allclose(p1, P - 0.1 * G)
    np.testing.assert_allclose(p2, p1 - 0.1 * 0.5 * G)


def test_momentum_steps():
    p1, p2 = two_steps(gd.optimizer("momentum", lr=0.1, momentum=0.9))
    b1 = G
    b2 = 0.9 * b1 + 0.5 * G
    np.testing.assert_allclose(p1, P - 0.1 * b1)
    np.testing.assert_allclose(p2, p1 - 0.1 * b2)


def test_momentum_dampening_first_step_is_plain_gradient():
    p1, p2 = two_steps(gd.optimizer("momentum", lr=0.1, momentum=0.9, dampening=0.5))
    np.testing.assert_allclose(p1, P - 0.1 * G)
    np.testing.assert_allclose(p2, p1 - 0.1 * (0.9 * G + 0.5 * 0.5 * G))


def test_nesterov_steps():
    p1, p2 = two_steps(gd.optimizer("nesterov", lr=0.1, momentum=0.9))
    b1 = G
    b2 = 0.9 * b1 + 0.5 * G
    np.testing.assert_allclose(p1, P - 0.1 * (G + 0.9 * b1))
    np.testing.assert_allclose(p2, p1 - 0.1 * (0.5 * G + 0.9 * b2))


def test_weight_decay_adds_l2_gradient():
    (p1, _) = two_steps(gd.optimizer("gd", lr=0.1, weight_decay=0.2))
    np.testing.assert_allclose(p1, P - 0.1 * (G + 0.2 * P))


def test_adagrad_steps():
    p1, p2 = two_steps(gd.optimizer("adagrad", lr=0.5))
    s1 = G ** 2
    s2 = s1 + (0.5 * G) ** 2
    np.testing.assert_allclose(p1, P - 0.5 * G / (np.sqrt(s1) + 1e-10))
    np.testing.assert_allclose(p2, p1 - 0.5 * 0.5 * G / (np.sqrt(s2) + 1e-10))
    # the first step moves every coordinate by lr: eta / sqrt(g^2) * g = eta * sign(g)
    np.testing.assert_allclose(np.abs(p1 - P), 0.5)


def test_adagrad_lr_decay():
    _, p2 = two_steps(gd.optimizer("adagrad", lr=0.5, lr_decay=0.1))
    p1 = P - 0.5 * G / (np.abs(G) + 1e-10)
    s2 = G ** 2 + (0.5 * G) ** 2
    np.testing.assert_allclose(p2, p1 - 0.5 / 1.1 * 0.5 * G / (np.sqrt(s2) + 1e-10))


def test_adadelta_steps():
    rho, eps, lr = 0.9, 1e-6, 1.0
    p1, p2 = two_steps(gd.optimizer("adadelta"))
    v1 = (1 - rho) * G ** 2
    d1 = np.sqrt(0 + eps) / np.sqrt(v1 + eps) * G
    a1 = (1 - rho) * d1 ** 2
    g2 = 0.5 * G
    v2 = rho * v1 + (1 - rho) * g2 ** 2
    d2 = np.sqrt(a1 + eps) / np.sqrt(v2 + eps) * g2
    np.testing.assert_allclose(p1, P - lr * d1)
    np.testing.assert_allclose(p2, p1 - lr * d2)


def test_rmsprop_steps():
    p1, p2 = two_steps(gd.optimizer("rmsprop", lr=0.01))
    v1 = 0.01 * G ** 2
    v2 = 0.99 * v1 + 0.01 * (0.5 * G) ** 2
    np.testing.assert_allclose(p1, P - 0.01 * G / (np.sqrt(v1) + 1e-8))
    np.testing.assert_allclose(p2, p1 - 0.01 * 0.5 * G / (np.sqrt(v2) + 1e-8))


def test_rmsprop_centered_momentum():
    p1, p2 = two_steps(gd.optimizer("rmsprop", lr=0.01, alpha=0.9, momentum=0.5, centered=True))
    v1, m1 = 0.1 * G ** 2, 0.1 * G
    b1 = G / (np.sqrt(v1 - m1 ** 2) + 1e-8)
    g2 = 0.5 * G
    v2, m2 = 0.9 * v1 + 0.1 * g2 ** 2, 0.9 * m1 + 0.1 * g2
    b2 = 0.5 * b1 + g2 / (np.sqrt(v2 - m2 ** 2) + 1e-8)
    np.testing.assert_allclose(p1, P - 0.01 * b1)
    np.testing.assert_allclose(p2, p1 - 0.01 * b2)


def test_adam_steps():
    p1, p2 = two_steps(gd.optimizer("adam", lr=0.1))
    b1, b2, eps = 0.9, 0.999, 1e-8
    m1, v1 = (1 - b1) * G, (1 - b2) * G ** 2
    np.testing.assert_allclose(p1, P - 0.1 * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps))
    # the first Adam step moves every coordinate by about lr
    np.testing.assert_allclose(np.abs(p1 - P), 0.1, rtol=1e-6)
    g2 = 0.5 * G
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 ** 2
    np.testing.assert_allclose(p2, p1 - 0.1 * (m2 / (1 - b1 ** 2)) / (np.sqrt(v2 / (1 - b2 ** 2)) + eps))


def test_adam_amsgrad_uses_max_second_moment():
    grads = (G, 10 * G, 0.1 * G)
    opt = gd.optimizer("adam", lr=0.1, amsgrad=True)
    p, state = P.copy(), opt.init(P)
    vmax = np.zeros(2)
    m = v = np.zeros(2)
    expected = P.copy()
    for t, g in enumerate(grads):
        u, state = opt.update(g, state, p, t)
        p = p + u
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g ** 2
        vmax = np.maximum(vmax, v)
        expected = expected - 0.1 * (m / (1 - 0.9 ** (t + 1))) / (np.sqrt(vmax / (1 - 0.999 ** (t + 1))) + 1e-8)
    np.testing.assert_allclose(p, expected)


def test_defaults_follow_torch():
    assert gd.optimizer("gd").hyperparams["lr"] == 1e-3
    assert gd.optimizer("adam").hyperparams == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                                "weight_decay": 0.0}
    assert gd.optimizer("adagrad").hyperparams["lr"] == 1e-2
    assert gd.optimizer("adadelta").hyperparams["lr"] == 1.0
    assert gd.optimizer("rmsprop").hyperparams["alpha"] == 0.99
    assert gd.optimizer("sgd").batch_size == 1 and gd.optimizer("gd").batch_size is None


# -- torch.optim, step for step ----------------------------------------------------------------
REFERENCE = json.loads((Path(__file__).parent / "data" / "torch_reference.json").read_text())


@pytest.mark.parametrize("case", REFERENCE["cases"],
                         ids=lambda c: f"{c['optimizer']}-{c['surface']}-{len(c['hyperparams'])}")
def test_paths_match_torch_optim(case):
    hp = dict(case["hyperparams"])
    if "betas" in hp:
        hp["betas"] = tuple(hp["betas"])
    traj = gd.run(gd.optimizer(case["optimizer"], **hp), case["surface"], case["start"],
                  REFERENCE["steps"], tol=0)
    expected = np.array(case["params"])
    assert traj.params.shape == expected.shape
    np.testing.assert_allclose(traj.params, expected, rtol=1e-9, atol=1e-12)


STATEFUL = [c for c in REFERENCE["cases"] if c["state"]]


@pytest.mark.parametrize("case", STATEFUL, ids=lambda c: f"{c['optimizer']}-{c['surface']}-{len(c['hyperparams'])}")
def test_recorded_state_matches_torch_optim_state(case):
    """Row t of Trajectory.state is torch's optimizer.state[p] after its (t+1)-th step()."""
    hp = dict(case["hyperparams"])
    if "betas" in hp:
        hp["betas"] = tuple(hp["betas"])
    traj = gd.run(gd.optimizer(case["optimizer"], **hp), case["surface"], case["start"],
                  REFERENCE["steps"], tol=0)
    assert sorted(traj.state) == sorted(case["state"])   # the same names, no more, no less
    for name, rows in case["state"].items():
        np.testing.assert_allclose(traj.state[name], np.array(rows), rtol=1e-9, atol=1e-12, err_msg=name)


def test_every_optimizer_with_state_is_covered_by_the_reference():
    covered = {c["optimizer"] for c in STATEFUL}
    assert covered == {"momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"}
    assert {"max_exp_avg_sq", "grad_avg", "momentum_buffer", "acc_delta"} <= {
        n for c in STATEFUL for n in c["state"]}


# -- schedules ---------------------------------------------------------------------------------
def test_schedules_formulas():
    assert gd.schedule("inverse-sqrt", 0.5)(3) == pytest.approx(0.25)
    assert gd.schedule("step", 1.0, step_size=10, gamma=0.5)(25) == pytest.approx(0.25)
    assert gd.schedule("exponential", 1.0, gamma=0.9)(2) == pytest.approx(0.81)
    cos = gd.schedule("cosine", 1.0, t_max=100, lr_min=0.1)
    assert cos(0) == pytest.approx(1.0) and cos(50) == pytest.approx(0.55) and cos(100) == pytest.approx(0.1)
    assert cos(500) == pytest.approx(0.1)
    assert gd.schedule("constant", 0.3)(1000) == 0.3


def test_schedule_drives_gd_and_is_recorded():
    traj = gd.run(gd.optimizer("gd", lr=gd.schedule("inverse-sqrt", 0.5)), "bowl", steps=5, tol=0)
    np.testing.assert_allclose(traj.lr, [0.5 / math.sqrt(t + 1) for t in range(5)])
    p = np.array([-2.5, 2.0])
    for t in range(5):
        p = p - 0.5 / math.sqrt(t + 1) * 2 * p
        np.testing.assert_allclose(traj.params[t + 1], p)


def test_callable_schedule():
    traj = gd.run(gd.optimizer("gd", lr=lambda t: 0.1 * (t + 1)), "bowl", steps=3, tol=0)
    np.testing.assert_allclose(traj.lr, [0.1, 0.2, 0.3])


# -- user optimizers ---------------------------------------------------------------------------
def test_plain_step_function_runs_through_engine():
    traj = gd.run(lambda p, g, t: p - 0.25 * g, "bowl", steps=3, tol=0)
    expected = [-2.5, 2.0] * 0.5 ** np.arange(4)[:, None]
    np.testing.assert_allclose(traj.params, expected)
    assert traj.optimizer == "custom" and traj.lr is None


def test_user_init_update_pair():
    def init(p):
        return np.zeros_like(p)

    def update(g, velocity, p, t):
        velocity = 0.5 * velocity - 0.1 * g
        return velocity, velocity

    traj = gd.run(gd.custom(init=init, update=update, lr=0.1), "bowl", steps=2, tol=0)
    v1 = -0.1 * np.array([-5.0, 4.0])
    p1 = np.array([-2.5, 2.0]) + v1
    v2 = 0.5 * v1 - 0.1 * 2 * p1
    np.testing.assert_allclose(traj.params[2], p1 + v2)
    np.testing.assert_allclose(traj.lr, [0.1, 0.1])


# -- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize("name,kw,message", [
    ("adamw", {}, "unknown optimizer 'adamw' (did you mean 'adam'?)"),
    ("gd", {"lr": -0.1}, "lr must be a finite number > 0, got -0.1"),
    ("gd", {"lr": 0}, "lr must be a finite number > 0, got 0"),
    ("gd", {"lr": float("nan")}, "lr must be a finite number > 0, got nan"),
    ("gd", {"lr": "fast"}, "lr must be a number, got 'fast'"),
    ("adam", {"betas": (0.9, 1.0)}, "beta2 must be in [0, 1), got 1"),
    ("adam", {"momentum": 0.9}, "unknown hyperparameter for adam 'momentum'"),
    ("momentum", {"momentum": 1.5}, "momentum must be in [0, 1], got 1.5"),
    ("sgd", {"batch_size": 0}, "batch_size must be a whole number >= 1, got 0"),
    ("sgd", {"batch_size": 2.5}, "batch_size must be a whole number >= 1, got 2.5"),
    ("gd", {"nesterov": True}, "nesterov needs momentum > 0"),
    ("adam", {"lr": [0.1, 0.2], "eps": [1e-8, 1e-8, 1e-8]}, "lr has 2 values but other hyperparameters have 3"),
])
def test_bad_hyperparameters(name, kw, message):
    import re
    with pytest.raises(ValueError, match=re.escape(message)):
        gd.optimizer(name, **kw)


def test_unknown_schedule():
    with pytest.raises(ValueError, match="unknown schedule 'cosin' \\(did you mean 'cosine'\\?\\)"):
        gd.schedule("cosin", 0.1)


def test_transform_chain_is_pure():
    opt = T.chain(T.trace(0.9), T.scale_by_schedule(lambda t: 0.1))
    s0 = opt.init(P)
    u1, s1 = opt.update(G, s0, P, 0)
    u1b, _ = opt.update(G, s0, P, 0)
    np.testing.assert_array_equal(u1, u1b)  # same inputs, same outputs: no hidden state
    np.testing.assert_array_equal(s0[0], 0)
