"""Optimizers: one step against the formula by hand, paths against torch.optim, validation."""
import json
import math
import re
import warnings
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
    no_torch = {"gd", "sgd", "newton"}   # gd: no state; newton: not in torch (tested by formula below)
    assert covered == set(gd.OPTIMIZERS) - no_torch
    assert {"max_exp_avg_sq", "grad_avg", "momentum_buffer", "acc_delta", "exp_inf", "prev", "step_size"} <= {
        n for c in STATEFUL for n in c["state"]}
    assert {c["hyperparams"].get("decoupled_weight_decay") for c in STATEFUL} == {None, True}


def test_every_optimizer_is_in_the_shared_table_on_every_surface():
    from test_engine import TABLE

    assert {name.split()[0] for row in TABLE.values() for name in row} == set(gd.OPTIMIZERS)
    assert all({name.split()[0] for name in row} == set(gd.OPTIMIZERS) for row in TABLE.values())


# -- beyond torch.optim: Newton's method and a line search, by their formulas ------------------
def test_newton_reaches_a_quadratics_minimum_in_one_step_and_is_the_courses_best_step():
    traj = gd.run(gd.optimizer("newton"), "elongated", steps=10)
    assert traj.n_steps == 1 and np.abs(traj.params[1]).max() < 1e-15
    s = gd.surface("parabola", curvature=0.625)          # 1-D: the step is |g'| / g''
    traj = gd.run(gd.optimizer("newton"), s, start=[-2.9], steps=10)
    g, h = s.grad([-2.9])[0], 0.625
    assert traj.params[1, 0] - traj.params[0, 0] == pytest.approx(-g / h) and traj.n_steps == 1
    np.testing.assert_allclose(traj.state["curvature"][0], [0.625])


def test_damped_newton_follows_its_formula():
    s = gd.surface("rosenbrock")
    traj = gd.run(gd.optimizer("newton", lr=0.5, damping=2.0), s, steps=3, tol=0)
    for t in range(3):
        p = traj.params[t]
        step = np.linalg.solve(s.hessian(p) + 2.0 * np.eye(2), s.grad(p))
        np.testing.assert_allclose(traj.params[t + 1], p - 0.5 * step, rtol=1e-12)
        np.testing.assert_allclose(traj.state["curvature"][t], np.linalg.eigvalsh(s.hessian(p)), rtol=1e-12)


def test_newton_says_where_the_hessian_is_not_positive_definite():
    with pytest.warns(UserWarning, match=r"newton: the Hessian is not positive definite at 3 of 3 steps \(first at "
                                          r"step 0\); there the Newton step heads for a saddle point"):
        traj = gd.run(gd.optimizer("newton"), "saddle", start=[0.3, 1.0], steps=20)
    assert np.abs(traj.params[-1]).max() < 1e-8                  # it went to the saddle, not a minimum
    assert (traj.state["curvature"][:, 0] < 0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gd.run(gd.optimizer("newton"), "bowl", steps=5)          # positive definite: no warning


def test_line_search_steps_satisfy_armijo_and_are_the_largest_halving_that_does():
    s = gd.surface("elongated")                                   # 2 / L = 0.1: a fixed rate 1 diverges
    assert gd.run(gd.optimizer("gd", lr=1.0), s, steps=100).status == "diverged"
    traj = gd.run(gd.optimizer("gd", lr=1.0, line_search=True), s, steps=500)
    assert traj.status == "converged"
    for t in range(traj.n_steps):
        p, g, a = traj.params[t], traj.grads[t], traj.state["step_size"][t, 0]
        np.testing.assert_allclose(traj.state["step_size"][t], a)     # one rate for every coordinate
        assert math.log2(1.0 / a) == pytest.approx(round(math.log2(1.0 / a)))   # lr halved k times
        assert s.value(p - a * g) <= s.value(p) - 1e-4 * a * g @ g        # Armijo holds...
        if a < 1.0:
            assert s.value(p - 2 * a * g) > s.value(p) - 1e-4 * 2 * a * g @ g   # ...and not at twice the rate
        np.testing.assert_allclose(traj.params[t + 1], p - a * g)


def test_rprop_sees_only_signs_so_scaling_the_loss_changes_nothing():
    a = gd.run(gd.optimizer("rprop", lr=0.05), "x**2 + 10*y**2", start=[-2.0, 1.0], steps=60, tol=0)
    b = gd.run(gd.optimizer("rprop", lr=0.05), "1000*(x**2 + 10*y**2)", start=[-2.0, 1.0], steps=60, tol=0)
    np.testing.assert_array_equal(a.params, b.params)


@pytest.mark.parametrize("name, hp, message", [
    ("gd", {"line_search": True, "momentum": 0.9}, "line_search is for plain full-batch gradient descent"),
    ("gd", {"line_search": "yes"}, "line_search must be true or false"),
    ("newton", {"damping": -1}, "damping must be a finite number >= 0"),
    ("rprop", {"etas": (1.5, 1.2)}, "Rprop needs 0 < etaminus < 1 < etaplus"),
    ("rprop", {"step_sizes": (1.0, 0.1)}, "step_min must be <= step_max"),
    ("lion", {"betas": (0.9,)}, "betas must be a pair (beta1, beta2)"),
    ("nadam", {"momentum_decay": -0.1}, "momentum_decay must be a finite number >= 0"),
    ("adamw", {"decoupled_weight_decay": False}, "unknown hyperparameter for adamw 'decoupled_weight_decay'"),
])
def test_new_optimizers_refuse_bad_hyperparameters(name, hp, message):
    with pytest.raises(gd.UserInputError, match=re.escape(message)):
        gd.optimizer(name, **hp)


def test_an_unbound_newton_step_says_how_to_run_it():
    opt = gd.optimizer("newton")
    with pytest.raises(gd.UserInputError, match=r"newton needs the surface's Hessian: run it with gd.run"):
        opt.update(np.ones((1, 2)), opt.init(np.zeros((1, 2))), np.zeros((1, 2)), 0)


def test_batched_new_optimizers_equal_single_runs():
    for name, rates in (("adamw", [0.01, 0.05]), ("nadam", [0.01, 0.05]), ("radam", [1e-3, 3e-3]),
                        ("adamax", [0.01, 0.05]), ("rprop", [0.01, 0.05]), ("lion", [0.01, 0.05]),
                        ("newton", [0.5, 1.0])):
        batch = gd.run(gd.optimizer(name, lr=np.array(rates)), "rosenbrock", steps=50, tol=0)
        for i, lr in enumerate(rates):
            one = gd.run(gd.optimizer(name, lr=lr), "rosenbrock", steps=50, tol=0)
            np.testing.assert_allclose(batch.params[:, i], one.params, rtol=1e-12, atol=1e-14, err_msg=name)
    batch = gd.run(gd.optimizer("gd", lr=np.array([0.5, 2.0]), line_search=True), "rosenbrock", steps=50, tol=0)
    for i, lr in enumerate([0.5, 2.0]):
        one = gd.run(gd.optimizer("gd", lr=lr, line_search=True), "rosenbrock", steps=50, tol=0)
        np.testing.assert_allclose(batch.params[:, i], one.params, rtol=1e-12, atol=1e-14)


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


def test_warmup_and_one_cycle_follow_torch_lr_scheduler():
    torch = pytest.importorskip("torch")
    S = torch.optim.lr_scheduler
    n = 300

    def torch_rates(make):
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched, out = make(opt), []
        for _ in range(n):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return np.array(out)

    cases = [
        (gd.schedule("warmup", 0.1, warmup=20), lambda o: S.LinearLR(o, start_factor=1 / 3, total_iters=20)),
        (gd.schedule("step", 0.1, step_size=50, gamma=0.5, warmup=20, start_factor=0.1),
         lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.1, total_iters=20), S.StepLR(o, 50, 0.5)])),
        (gd.schedule("exponential", 0.1, gamma=0.99, warmup=20),
         lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=1 / 3, total_iters=20), S.ExponentialLR(o, 0.99)])),
        (gd.schedule("warmup-cosine", 0.1, warmup=30, t_max=n, lr_min=1e-3),
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / 3, total_iters=30),
                                      S.CosineAnnealingLR(o, T_max=n - 30, eta_min=1e-3)], milestones=[30])),
        (gd.schedule("one-cycle", 0.1, total_steps=n),
         lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=n, cycle_momentum=False)),
        (gd.schedule("one-cycle", 0.1, total_steps=n, three_phase=True, pct_start=0.25, div_factor=10,
                     final_div_factor=100),
         lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=n, cycle_momentum=False, three_phase=True, pct_start=0.25,
                                div_factor=10, final_div_factor=100)),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch's notes on the order of step() calls
        for ours, make in cases:
            np.testing.assert_allclose([ours(t) for t in range(n)], torch_rates(make), rtol=1e-12, atol=1e-15,
                                       err_msg=ours.name)


def test_a_warmup_drives_any_optimizer_and_is_recorded():
    sched = gd.schedule("cosine", 0.2, t_max=40, warmup=10, start_factor=0.0)
    traj = gd.run(gd.optimizer("adam", lr=sched), "bowl", steps=40, tol=0)
    np.testing.assert_allclose(traj.lr, [sched(t) for t in range(40)])
    np.testing.assert_allclose(traj.lr[:10], np.arange(10) / 10 * [sched.after(t) for t in range(10)])
    assert traj.params[1].tolist() == traj.params[0].tolist()        # rate 0 at step 0: no move
    assert gd.schedule("one-cycle", 0.1, total_steps=100)(1000) == pytest.approx(0.1 / 25 / 1e4)


@pytest.mark.parametrize("make, message", [
    (lambda: gd.schedule("warmup-cosine", 0.1, warmup=100, t_max=50), "t_max (50) must be larger than warmup (100)"),
    (lambda: gd.schedule("one-cycle", 0.1, total_steps=3), "leaves a phase with no steps"),
    (lambda: gd.schedule("cosine", 0.1, start_factor=0.5), "start_factor is the warmup's: give warmup=N steps too"),
    (lambda: gd.schedule("step", 0.1, warmup=0), "warmup must be a whole number of steps >= 1"),
    (lambda: gd.schedule("warmup", 0.1, warmup=5, start_factor=2), "start_factor must be in [0, 1], got 2"),
    (lambda: gd.schedule("one-cycle", 0.1, pct_start=1.5), "pct_start must be in [0, 1], got 1.5"),
])
def test_bad_schedules_say_what_is_accepted(make, message):
    with pytest.raises(gd.UserInputError, match=re.escape(message)):
        make()


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
    ("adamm", {}, "unknown optimizer 'adamm' (did you mean 'adam'?)"),
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


def test_gdviz_list_gives_every_optimizer_its_update_rule(capsys):
    from gdviz import optim
    from gdviz.cli import main

    rules = optim.describe()
    assert sorted(rules) == sorted(gd.OPTIMIZERS)
    assert [n for n, text in rules.items() if "<-" not in text and n != "sgd"] == []   # sgd: "the gd update"
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in gd.OPTIMIZERS) and "torch:AdamW" in out
