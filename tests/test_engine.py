"""The engine: convergence on every surface, closed-form results, batches, divergence, records."""
import warnings

import numpy as np
import pytest

import gdviz as gd

# One shared table: (optimizer, hyperparameters) that reach the minimum of each surface. A key
# "name (note)" runs optimizer "name"; NEWER is merged into every surface (tests/test_optimizers.py
# checks that every optimizer of the registry is here).
NEWER = {
    "parabola": {"adamw": {"lr": 0.1, "weight_decay": 0.0}, "nadam": {"lr": 0.1}, "radam": {"lr": 0.1},
                 "adamax": {"lr": 0.1}, "rprop": {"lr": 0.01}, "lion": {"lr": 0.01}},
    "bowl": {"adamw": {"lr": 0.1, "weight_decay": 0.0}, "nadam": {"lr": 0.1}, "radam": {"lr": 0.1},
             "adamax": {"lr": 0.1}, "rprop": {"lr": 0.1}, "lion": {"lr": 0.01}},
    "elongated": {"adamw": {"lr": 0.1, "weight_decay": 0.0}, "nadam": {"lr": 0.1}, "radam": {"lr": 0.1},
                  "adamax": {"lr": 0.1}, "rprop": {"lr": 0.1}, "lion": {"lr": 0.01}},
    "rosenbrock": {"adamw": {"lr": 0.1, "weight_decay": 0.0}, "nadam": {"lr": 0.002}, "radam": {"lr": 0.01},
                   "adamax": {"lr": 0.1}, "rprop": {"lr": 0.01, "step_sizes": (1e-9, 50.0)}, "lion": {"lr": 0.01}},
}
ALWAYS = {"newton": {"lr": 1.0}, "gd (line search)": {"lr": 1.0, "line_search": True}}
TABLE = {
    "parabola": {"gd": {"lr": 1.0}, "sgd": {"lr": 0.5}, "momentum": {"lr": 0.1}, "nesterov": {"lr": 0.1},
                 "adagrad": {"lr": 2.0}, "adadelta": {"lr": 10.0}, "rmsprop": {"lr": 0.05}, "adam": {"lr": 0.1}},
    "bowl": {"gd": {"lr": 0.3}, "sgd": {"lr": 0.3}, "momentum": {"lr": 0.1}, "nesterov": {"lr": 0.1},
             "adagrad": {"lr": 2.0}, "adadelta": {"lr": 10.0}, "rmsprop": {"lr": 0.05}, "adam": {"lr": 0.1}},
    "elongated": {"gd": {"lr": 0.09}, "sgd": {"lr": 0.09}, "momentum": {"lr": 0.05}, "nesterov": {"lr": 0.05},
                  "adagrad": {"lr": 2.0}, "adadelta": {"lr": 1.0, "eps": 1e-2}, "rmsprop": {"lr": 0.05},
                  "adam": {"lr": 0.1}},
    "rosenbrock": {"gd": {"lr": 1e-3}, "sgd": {"lr": 1e-3}, "momentum": {"lr": 1e-3}, "nesterov": {"lr": 1e-3},
                   "adagrad": {"lr": 1.0}, "rmsprop": {"lr": 1e-3}, "adam": {"lr": 0.1},
                   "adadelta": {"lr": ("cosine", 1.0, 20000), "rho": 0.99, "eps": 1e-4}},
}


for _surface in TABLE:
    TABLE[_surface].update({**NEWER[_surface], **ALWAYS})


@pytest.mark.parametrize("surface,name", [(s, o) for s in TABLE for o in TABLE[s]])
def test_every_optimizer_reaches_the_minimum(surface, name):
    hp = dict(TABLE[surface][name])
    if isinstance(hp["lr"], tuple):
        kind, lr0, t_max = hp["lr"]
        hp["lr"] = gd.schedule(kind, lr0, t_max=t_max)
    s = gd.surface(surface)
    traj = gd.run(gd.optimizer(name.split()[0], **hp), s, steps=20000, tol=1e-8)
    assert traj.status != "diverged"
    assert np.linalg.norm(traj.params[-1] - s.minima[0]) < 1e-3
    assert traj.loss[-1] < traj.loss[0]


# -- closed-form results on quadratics -------------------------------------------------------
@pytest.mark.parametrize("lr,steps", [(0.1, 81), (0.7, 10), (1.0, 6), (1.6, 1), (1.8, 3)])
def test_course_learning_rate_exercise(lr, steps):
    traj = gd.run(gd.optimizer("gd", lr=lr), "parabola", steps=500)
    assert traj.status == "converged" and traj.n_steps == steps


def test_course_exercise_rate_4_diverges():
    traj = gd.run(gd.optimizer("gd", lr=4.0), "parabola", steps=500)
    assert traj.status == "diverged"
    # every step multiplies the distance to the minimum by |1 - 4 * 0.625| = 1.5
    np.testing.assert_allclose(traj.params[1:, 0] / traj.params[:-1, 0], -1.5)


@pytest.mark.parametrize("k", [0.3, 1.0, 7.5])
def test_rate_one_over_L_hits_1d_minimum_in_one_step(k):
    s = gd.surface("parabola", curvature=k, centre=2.0)
    traj = gd.run(gd.optimizer("gd", lr=1 / k), s, start=[-5.0], steps=50)
    assert traj.n_steps == 1 and traj.params[1, 0] == pytest.approx(2.0, abs=1e-12)


@pytest.mark.parametrize("factor,status", [(1.99, "converged"), (2.01, "diverged"), (2.5, "diverged")])
def test_rate_above_two_over_L_diverges(factor, status):
    s = gd.surface("elongated", condition=10)  # L = 10
    traj = gd.run(gd.optimizer("gd", lr=factor / 10), s, steps=20000)
    assert traj.status == status


def test_gd_on_quadratic_matches_closed_form_path():
    s = gd.surface("elongated", condition=10)
    traj = gd.run(gd.optimizer("gd", lr=0.15), s, steps=30, tol=0)
    t = np.arange(31)[:, None]
    expected = s.start * np.array([1 - 0.15, 1 - 1.5]) ** t
    np.testing.assert_allclose(traj.params, expected, rtol=1e-12, atol=1e-300)


# -- stopping rules --------------------------------------------------------------------------
def test_tol_zero_disables_convergence_stop():
    traj = gd.run(gd.optimizer("gd", lr=0.7), "parabola", steps=40, tol=0)
    assert traj.status == "max_steps" and traj.n_steps == 40 and traj.params.shape == (41, 1)


def test_single_run_shapes_and_records():
    traj = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", start=[-1.5, 2.0], steps=300, tol=0)
    assert traj.params.shape == (301, 2) and traj.loss.shape == (301,) and traj.grads.shape == (301, 2)
    assert traj.lr.shape == (300,) and (traj.lr == 0.05).all()
    s = gd.surface("rosenbrock")
    np.testing.assert_allclose(traj.loss, s.value(traj.params))
    np.testing.assert_allclose(traj.grads, s.grad(traj.params))
    np.testing.assert_array_equal(traj.params[0], [-1.5, 2.0])


def test_divergence_is_caught_before_overflow_and_stays_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, lr in [("gd", 0.1), ("gd", 10.0), ("momentum", 0.05), ("nesterov", 0.01)]:
            traj = gd.run(gd.optimizer(name, lr=lr), "rosenbrock", steps=1000)
            assert traj.status == "diverged", name
            for arr in (traj.params, traj.loss, traj.grads, traj.lr):
                assert np.isfinite(arr).all()


def test_divergence_to_non_finite_keeps_last_finite_point():
    # exp(exp(x)) overflows in one step from a point where it is still finite
    traj = gd.run(gd.optimizer("gd", lr=50.0), "exp(exp(w))", start=[2.0], steps=100)
    assert traj.status == "diverged"
    assert np.isfinite(traj.params).all() and np.isfinite(traj.loss).all()


def test_stalls_at_saddle_or_escapes():
    s = gd.surface("saddle")
    stuck = gd.run(gd.optimizer("gd", lr=0.1), s, start=[0.0, 1.8], steps=3000)
    assert stuck.status == "converged"
    np.testing.assert_allclose(stuck.params[-1], [0, 0], atol=1e-5)  # at the saddle, not a minimum
    escaped = gd.run(gd.optimizer("gd", lr=0.1), s, start=[0.01, 1.8], steps=3000)
    np.testing.assert_allclose(np.abs(escaped.params[-1]), [1, 0], atol=1e-5)
    # the plateau: the escaping path lingers near the saddle for a while
    near = np.linalg.norm(escaped.params, axis=1) < 0.3
    assert near.sum() > 10


# -- batches ---------------------------------------------------------------------------------
def test_batch_of_starts_equals_single_runs():
    starts = np.array([[-1.5, 2.0], [1.5, -0.5], [0.0, 0.0], [-1.0, 1.0]])
    opt = gd.optimizer("adam", lr=0.05)
    batch = gd.run(opt, "rosenbrock", starts, steps=800)
    assert batch.params.shape[1:] == (4, 2) and batch.status.shape == (4,)
    for i, start in enumerate(starts):
        single = gd.run(opt, "rosenbrock", start, steps=800)
        member = batch[i]
        assert member.status == single.status and member.n_steps == single.n_steps
        np.testing.assert_array_equal(member.params, single.params)
        np.testing.assert_array_equal(member.loss, single.loss)
        np.testing.assert_array_equal(member.grads, single.grads)
        np.testing.assert_array_equal(member.lr, single.lr)


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"])
def test_batch_of_rates_equals_single_runs(name):
    lrs = np.array([1e-4, 1e-3, 5e-3, 0.05, 3.0])
    batch = gd.run(gd.optimizer(name, lr=lrs), "rosenbrock", steps=400)
    assert batch.params.shape[1] == 5
    for i, lr in enumerate(lrs):
        single = gd.run(gd.optimizer(name, lr=float(lr)), "rosenbrock", steps=400)
        assert batch[i].status == single.status and batch[i].n_steps == single.n_steps
        np.testing.assert_array_equal(batch[i].params, single.params)


def test_stopped_members_keep_their_last_value():
    batch = gd.run(gd.optimizer("gd", lr=[0.1, 1.6, 4.0]), "parabola", steps=200)
    assert batch.status.tolist() == ["converged", "converged", "diverged"]
    assert batch.stop.tolist() == [81, 1, 20]
    assert batch.params.shape == (82, 3, 1)
    assert (batch.params[1:, 1] == batch.params[1, 1]).all()  # converged in one step
    assert (batch.params[20:, 2] == batch.params[20, 2]).all()
    assert (batch.lr[20:, 2] == 0).all() and (batch.lr[:20, 2] == 4.0).all()


def test_batch_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="3 starts but 2 hyperparameter values"):
        gd.run(gd.optimizer("gd", lr=[0.1, 0.2]), "bowl", np.zeros((3, 2)), steps=5)


# -- stochastic gradients ----------------------------------------------------------------------
def test_seeded_sgd_repeats_exactly_and_seeds_differ():
    s = gd.surface("linear-regression", features="standardized")
    a = gd.run(gd.optimizer("sgd", lr=0.05), s, steps=200, seed=7)
    b = gd.run(gd.optimizer("sgd", lr=0.05), s, steps=200, seed=7)
    c = gd.run(gd.optimizer("sgd", lr=0.05), s, steps=200, seed=8)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    assert a.meta["batch_size"] == 1 and a.seed == 7


def test_sgd_is_noisy_and_gd_is_not():
    s = gd.surface("linear-regression", features="standardized")
    full = gd.run(gd.optimizer("gd", lr=0.05), s, steps=300, tol=0)
    mini = gd.run(gd.optimizer("sgd", lr=0.05, batch_size=10), s, steps=300, tol=0)
    single = gd.run(gd.optimizer("sgd", lr=0.05), s, steps=300, tol=0)
    # full batch: loss never increases on this convex quadratic with a small rate
    assert (np.diff(full.loss) <= 1e-12).all()
    # near the end the stochastic paths jitter around the fit; the smaller the batch, the more
    jitter = lambda t: float(np.linalg.norm(t.params[-100:] - s.minima[0], axis=1).mean())  # noqa: E731
    assert jitter(single) > 2 * jitter(mini) > 4 * jitter(full)
    # the sampled gradients differ from the full gradient; the full one is recorded last
    assert not np.allclose(single.grads[:-1], s.grad(single.params[:-1]))
    np.testing.assert_allclose(single.grads[-1], s.grad(single.params[-1]))
    # all three end near the least-squares fit
    for t in (full, mini, single):
        assert np.linalg.norm(t.params[-1] - s.minima[0]) < 2.0


def test_stochastic_batch_equals_single_runs():
    s = gd.surface("linear-regression", loss="huber", features="standardized", n=50)
    lrs = [0.02, 0.1, 0.3]
    batch = gd.run(gd.optimizer("sgd", lr=lrs, batch_size=5), s, steps=150, seed=3)
    for i, lr in enumerate(lrs):
        single = gd.run(gd.optimizer("sgd", lr=lr, batch_size=5), s, steps=150, seed=3)
        np.testing.assert_array_equal(batch[i].params, single.params)


def test_sgd_on_analytic_surface_is_gd():
    a = gd.run(gd.optimizer("sgd", lr=0.1), "bowl", steps=50)
    b = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=50)
    np.testing.assert_array_equal(a.params, b.params)


# -- trajectory --------------------------------------------------------------------------------
def test_at_interpolates_fractional_steps():
    traj = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=10, tol=0)
    np.testing.assert_allclose(traj.at(2.5), (traj.params[2] + traj.params[3]) / 2)
    np.testing.assert_array_equal(traj.at(3), traj.params[3])
    np.testing.assert_array_equal(traj.at(-1), traj.params[0])
    np.testing.assert_array_equal(traj.at(99), traj.params[-1])
    assert traj.at(np.linspace(0, 10, 7)).shape == (7, 2)
    assert traj.loss_at(0.5) == pytest.approx((traj.loss[0] + traj.loss[1]) / 2)
    batch = gd.run(gd.optimizer("gd", lr=[0.1, 0.2]), "bowl", steps=10, tol=0)
    assert batch.at(1.5).shape == (2, 2) and batch.at([0.5, 1.5]).shape == (2, 2, 2)


def test_save_load_round_trip(tmp_path):
    traj = gd.run(gd.optimizer("adam", lr=0.05, betas=(0.8, 0.99)), "rosenbrock", steps=50, seed=5)
    path = traj.save(tmp_path / "run.npz")
    back = gd.load(path)
    for field in ("params", "loss", "grads", "lr"):
        np.testing.assert_array_equal(getattr(back, field), getattr(traj, field))
    assert (back.status, back.n_steps, back.surface, back.optimizer, back.seed) == \
           (traj.status, traj.n_steps, "rosenbrock", "adam", 5)
    assert back.hyperparams["beta1"] == 0.8 and back.meta["gdviz_version"] == gd.__version__
    assert back.meta["surface_params"] == {"a": 1.0, "b": 100.0}
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]  # no temporary file left


def test_save_load_batch(tmp_path):
    batch = gd.run(gd.optimizer("gd", lr=[0.1, 4.0]), "parabola", steps=100)
    back = gd.load(batch.save(tmp_path / "b.npz"))
    assert back.status.tolist() == batch.status.tolist() and back.stop.tolist() == batch.stop.tolist()
    np.testing.assert_array_equal(back[1].params, batch[1].params)


def test_save_errors(tmp_path):
    traj = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=3)
    with pytest.raises(ValueError, match="end in .npz"):
        traj.save(tmp_path / "x.txt")
    with pytest.raises(ValueError, match="does not exist"):
        traj.save(tmp_path / "missing" / "x.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a gdviz trajectory"):
        gd.load(tmp_path / "junk.npz")


def test_failed_save_leaves_previous_file(tmp_path, monkeypatch):
    good = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=3)
    path = good.save(tmp_path / "t.npz")
    before = path.read_bytes()

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(KeyboardInterrupt):
        good.save(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["t.npz"]


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,message", [
    ({"start": [1.0, 2.0, 3.0]}, "start must have 2 coordinate(s)"),
    ({"start": [1.0, float("nan")]}, "start must be finite"),
    ({"start": "here"}, "start must be numbers"),
    ({"steps": 0}, "steps must be a whole number >= 1, got 0"),
    ({"steps": 2.5}, "steps must be a whole number >= 1, got 2.5"),
    ({"tol": -1}, "tol must be a finite number >= 0"),
    ({"seed": -3}, "seed must be a whole number >= 0"),
])
def test_run_rejects_bad_input(kwargs, message):
    import re
    args = {"start": None, "steps": 10, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        gd.run(gd.optimizer("gd", lr=0.1), "bowl", **args)


def test_start_where_loss_is_not_finite():
    with pytest.raises(ValueError, match="not finite at the start"):
        gd.run("gd", "log(w)", start=[-1.0], steps=5)


def test_run_accepts_names():
    traj = gd.run("adam", "himmelblau", steps=10)
    assert traj.optimizer == "adam" and traj.surface == "himmelblau"
