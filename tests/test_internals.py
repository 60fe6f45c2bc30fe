"""Trajectory.state and what each update is made of (gdviz.internals): the terms rebuild every
step exactly, and batched or strided runs keep the state as single runs do."""
import numpy as np
import pytest

import gdviz as gd
from gdviz.internals import internals


def run(name, steps=60, surface="elongated", **hp):
    return gd.run(gd.optimizer(name, **hp), surface, steps=steps, tol=0)


def test_momentum_step_is_the_carried_velocity_plus_the_push():
    t = run("momentum", lr=0.02, momentum=0.9)
    ins = internals(t)
    buf = t.state["momentum_buffer"]
    np.testing.assert_allclose(ins.step, -0.02 * buf, rtol=1e-12)          # the velocity is -lr b_t
    np.testing.assert_allclose(ins.carried[1:], -0.02 * 0.9 * buf[:-1], rtol=1e-12)
    np.testing.assert_allclose(ins.push, -0.02 * t.grads[:-1], rtol=1e-12)  # the gradient's push
    np.testing.assert_allclose(ins.carried + ins.push, ins.step, atol=1e-14)
    assert not ins.carried[0].any()


def test_momentum_with_dampening_and_weight_decay_still_adds_up():
    t = run("momentum", lr=0.01, momentum=0.8, dampening=0.3, weight_decay=0.05)
    ins = internals(t)
    np.testing.assert_allclose(ins.carried + ins.push, ins.step, atol=1e-14)
    expected = -0.01 * 0.7 * (t.grads[1:-1] + 0.05 * t.params[1:-1])   # -lr (1 - d)(g + wd p)
    np.testing.assert_allclose(ins.push[1:], expected, rtol=1e-10)


def test_nesterov_looks_ahead_then_pushes():
    t = run("nesterov", lr=0.02, momentum=0.9)
    ins = internals(t)
    np.testing.assert_allclose(ins.lookahead, t.params[:-1])               # where its gradient is taken
    np.testing.assert_allclose(ins.position + ins.carried, ins.lookahead, atol=1e-14)
    np.testing.assert_allclose(ins.lookahead[:-1] + ins.push[:-1], ins.position[1:], atol=1e-12)
    np.testing.assert_allclose(ins.push, -0.02 * t.grads[:-1], rtol=1e-12)


@pytest.mark.parametrize("name, hp, key", [
    ("adagrad", {"lr": 0.5}, "sum"),
    ("adagrad", {"lr": 0.5, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}, "sum"),
    ("rmsprop", {"lr": 0.01}, "square_avg"),
    ("rmsprop", {"lr": 0.01, "centered": True}, "square_avg"),
    ("adadelta", {"lr": 1.0}, "square_avg"),
])
def test_adaptive_steps_are_the_effective_rate_times_the_gradient(name, hp, key):
    t = run(name, **hp)
    ins = internals(t)
    g = t.grads[:-1] + hp.get("weight_decay", 0) * t.params[:-1]
    np.testing.assert_allclose(ins.step, -ins.effective_lr * g, rtol=1e-9, atol=1e-15)
    if name != "adadelta":
        assert (np.diff(ins.scale, axis=0) >= 0).all() or name == "rmsprop"   # Adagrad's only grows


def test_adam_steps_are_the_effective_rate_times_the_first_moment():
    for hp in ({"lr": 0.05}, {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True}):
        t = run("adam", surface="rosenbrock", **hp)
        ins = internals(t)
        np.testing.assert_allclose(ins.step, -ins.effective_lr * ins.first, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(ins.first[0], t.grads[0])   # m-hat after one step is g


def test_adagrad_slows_the_steep_direction_more():
    ins = internals(run("adagrad", lr=1.0))
    assert (ins.effective_lr[:, 1] < ins.effective_lr[:, 0]).all()   # y (curvature 20) vs x (1)
    assert (np.diff(ins.effective_lr, axis=0) <= 0).all()


def test_state_in_batches_strides_and_files():
    lrs = np.array([0.01, 0.02, 0.03])
    batch = gd.run(gd.optimizer("adam", lr=lrs), "rosenbrock", steps=40)
    assert batch.state["exp_avg"].shape == (40, 3, 2)
    for i, lr in enumerate(lrs):
        one = gd.run(gd.optimizer("adam", lr=lr), "rosenbrock", steps=40)
        for name in one.state:
            np.testing.assert_array_equal(batch[i].state[name], one.state[name])
    strided = gd.run(gd.optimizer("adam", lr=0.02), "rosenbrock", steps=40, record_every=7)
    full = gd.run(gd.optimizer("adam", lr=0.02), "rosenbrock", steps=40)
    np.testing.assert_array_equal(strided.state["exp_avg"], full.state["exp_avg"][strided.step_index[:-1]])
    with pytest.raises(gd.UserInputError, match="every step recorded"):
        internals(strided)


def test_state_counts_against_the_memory_bound():
    from gdviz.engine import MAX_RECORD_BYTES

    with pytest.raises(gd.UserInputError, match="record_every"):   # Adam's 3 arrays make it too big
        gd.run(gd.optimizer("adam", lr=0.01, amsgrad=True), "rosenbrock",
               steps=MAX_RECORD_BYTES // (2 * 8 * 2 + 16) + 1000, tol=0)


def test_state_round_trips_and_old_files_still_load(tmp_path):
    t = run("rmsprop", lr=0.01, momentum=0.5, centered=True)
    t.save(tmp_path / "r.npz")
    back = gd.load(tmp_path / "r.npz")
    assert sorted(back.state) == ["grad_avg", "momentum_buffer", "square_avg"]
    for name in t.state:
        np.testing.assert_array_equal(back.state[name], t.state[name])
    old = gd.Trajectory(t.params, t.loss, t.grads, t.lr, t.status, t.stop, t.surface, t.optimizer, t.hyperparams)
    old.save(tmp_path / "old.npz")   # a file as earlier versions wrote it: no state
    assert gd.load(tmp_path / "old.npz").state == {}


def test_custom_optimizers_record_their_own_state_by_name():
    def init(p):
        return {"velocity": np.zeros_like(p), "count": 0}

    def update(g, s, p, t):
        v = 0.9 * s["velocity"] - 0.01 * g
        return v, {"velocity": v, "count": s["count"] + 1}

    t = gd.run(gd.custom(init=init, update=update, lr=0.01), "bowl", steps=20, tol=0)
    assert list(t.state) == ["velocity"]   # arrays of one value per parameter
    np.testing.assert_allclose(t.state["velocity"], np.diff(t.params, axis=0))


# -- the pictures read the recorded state ------------------------------------------------------
def drawn_arrows(ax, colour):
    from matplotlib.colors import to_hex

    out = []
    for a in ax.texts:
        patch = getattr(a, "arrow_patch", None)
        if patch is not None and to_hex(patch.get_edgecolor()) == to_hex(colour) and patch.get_linestyle() == "-":
            out.append((np.array(a.xyann), np.array(a.xy)))
    return out


def test_the_drawn_velocity_is_the_momentum_buffer_times_the_rate(tmp_path):
    from gdviz.render import figures
    from gdviz.render.axes import CARRIED, STEP

    fig = figures.figure("internals", optimizer="momentum")
    runs = figures.runs_for("internals", optimizer="momentum")
    traj, lr = runs.trajectories[0], runs.rates[0]
    ax = fig.axes[0]
    steps = drawn_arrows(ax, STEP)
    assert len(steps) >= 3   # few arrows (issue 17), each checked
    for a, b in steps:   # each black arrow starts at p_t and is -lr * momentum_buffer[t]
        t = int(np.argmin(np.linalg.norm(traj.params - a, axis=1)))
        np.testing.assert_allclose(b - a, -lr * traj.state["momentum_buffer"][t], rtol=1e-9, atol=1e-12)
    for a, b in drawn_arrows(ax, CARRIED):   # each green one is what the buffer carried over
        t = int(np.argmin(np.linalg.norm(traj.params - a, axis=1)))
        np.testing.assert_allclose(b - a, -lr * 0.9 * traj.state["momentum_buffer"][t - 1], rtol=1e-9)
    figures.save(fig, tmp_path / "m.png")


def test_adaptive_squares_are_the_accumulators(tmp_path):
    from matplotlib.patches import Rectangle

    from gdviz.render import figures

    runs = figures.runs_for("internals", optimizer="adagrad")
    fig = figures.figure("internals", runs=runs, lang="zh")
    squares = [p for p in fig.axes[1].patches if isinstance(p, Rectangle)]
    sides = np.array([p.get_width() for p in squares])
    traj = runs.trajectories[0]
    root = np.sqrt(traj.state["sum"])
    picks = sorted({0, 2, 9, len(root) - 1})
    expected = root[picks].T.ravel() / root[picks].max()   # rows x, y; columns the picked updates
    np.testing.assert_allclose(sides, expected, rtol=1e-12)
    figures.save(fig, tmp_path / "a.png")


def test_the_field_is_minus_the_gradient_direction():
    from matplotlib.quiver import Quiver

    from gdviz.render import figures

    fig = figures.figure("path", surface="himmelblau", optimizers=["momentum"], rates=[0.002], steps=100, field=True)
    q = next(c for c in fig.axes[0].collections if isinstance(c, Quiver))
    s = gd.surface("himmelblau")
    g = -s.grad(q.get_offsets())
    uv = np.column_stack([q.U, q.V])
    cos = (uv * g).sum(1) / np.linalg.norm(uv, axis=1) / np.linalg.norm(g, axis=1)
    assert len(uv) > 150 and cos.min() > 0.999999


def test_one_step_shows_the_runs_numbers(tmp_path):
    from gdviz.render import figures

    runs = figures.runs_for("one-step", optimizer="adam", t=9)
    fig = figures.figure("one-step", runs=runs)
    shown = " ".join(t.get_text() for ax in fig.axes for t in ax.texts).replace("−", "-")
    p10 = runs.trajectories[0].params[10]
    assert f"{p10[0]:.5g}" in shown and f"{p10[1]:.5g}" in shown
    assert r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)" in shown    # PyTorch's rule, typeset
    assert "update 10 (t = 10)" in shown                        # counted as torch counts t
    assert all(c.holds for c in runs.claims)


def test_animation_arrows_follow_the_update_being_made(tmp_path):
    from gdviz import lessons
    from gdviz.render.animation import Animation

    runs = lessons.momentum()
    anim = Animation(runs, frames=40, size=(480, 360), arrows=True, field=True)
    mo = runs.of("momentum")
    ins = internals(mo)
    a = anim.artists[runs.series.index("momentum")]
    anim.frame(20)
    k = min(int(np.floor(anim.times[20] + 1e-9)), mo.n_steps - 1)
    step = dict((key, patch) for patch, key in a["parts"])["step"]
    start, end = (np.array(v) for v in step._posA_posB)
    np.testing.assert_allclose(end - start, ins.step[k], rtol=1e-9)
    anim.save(tmp_path / "m.gif")


@pytest.mark.parametrize("args", [
    ["plot", "internals", "--optimizer", "nesterov", "--lang", "zh"],
    ["plot", "one-step", "--optimizer", "rmsprop"],
    ["plot", "race", "--field", "--arrows"],
    ["gif", "--surface", "elongated", "--optimizer", "momentum", "--lr", "0.02", "--arrows", "--field",
     "--frames", "20"],
])
def test_cli_draws_the_insides(args, tmp_path):
    from gdviz.cli import main

    out = tmp_path / ("x.gif" if args[0] == "gif" else "x.png")
    assert main(args + ["-o", str(out)]) == 0 and out.stat().st_size > 10_000
