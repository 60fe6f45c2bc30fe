"""Fair races: tuned learning rates, the metrics table, the race figure and `gdviz race`."""
import numpy as np
import pytest
from overlap import overlaps
from PIL import Image

import gdviz as gd
from gdviz.cli import main
from gdviz.races import GRID, SPAN, Finish, race, rises, tune_rate

KEYS = {"optimizer", "lr", "rank", "finished", "steps", "median_steps", "final_loss", "start_loss", "peak_loss",
        "diverged", "status"}


def test_the_tuned_rate_of_gradient_descent_on_the_elongated_bowl_is_two_over_L_plus_mu():
    reg = gd.regimes("elongated")
    tuning = tune_rate("elongated", "gd")
    grid_step = np.log(SPAN[1] / SPAN[0]) / (GRID - 1)    # the tuning can only be as fine as its grid
    assert abs(np.log(tuning.lr / reg.goldilocks)) <= grid_step
    assert not tuning.at_edge


def test_the_tuned_rate_is_the_fewest_median_steps_among_rates_that_never_rise_above_their_start():
    tuning = tune_rate("bowl", "gd", steps=400)
    sw, m = tuning.sweep, len(tuning.starts)
    assert m == 5 and (sw.status == "diverged").any()    # the range reaches rates that diverge...
    loss = sw.loss.reshape(len(sw.loss), len(tuning.lrs), m)
    rose = (loss[1:] > loss[0]).any(0) | (sw.status.reshape(len(tuning.lrs), m) == "diverged")
    finish = np.where(~rose & (tuning.finish_steps >= 0), tuning.finish_steps, np.inf)
    np.testing.assert_array_equal(tuning.median_steps, np.median(finish, axis=1))
    allowed = np.flatnonzero(~rose[:, 0])
    assert tuning.best in allowed and not rose[tuning.best].any()    # ...and they are never chosen
    assert tuning.median_steps[tuning.best] == tuning.median_steps[allowed].min()


def test_a_chaotic_lucky_rate_is_rejected_however_it_lands():
    """Plain gradient descent on Rosenbrock at 0.002 climbs from 12.5 to over 100 in its first
    steps: under the old rule (fewest steps to a tiny gradient) it won by landing near (1, 1)."""
    lucky = gd.run(gd.optimizer("gd", lr=0.002), "rosenbrock", steps=1500)
    assert lucky.loss[1:].max() > 8 * lucky.loss[0] and rises(lucky)[0]
    assert Finish.of("rosenbrock").steps(lucky)[0] == -1    # it never finishes, wherever it lands
    tuning = tune_rate("rosenbrock", "gd", steps=1500)
    i = int(np.argmin(abs(tuning.lrs - 0.002)))
    assert tuning.lrs[i] == 0.002 and not tuning.counts[i] and tuning.lr < 0.002
    chosen = gd.run(gd.optimizer("gd", lr=tuning.lr), "rosenbrock", steps=1500)
    assert chosen.loss[1:].max() <= chosen.loss[0]


def test_the_finish_line_is_loss_within_the_gap_of_the_minimum_and_staying_there():
    from types import SimpleNamespace

    finish = Finish.of("rosenbrock")
    assert (finish.low, finish.gap, finish.line) == (0.0, 1e-3, 1e-3)
    loss = np.array([[5.0, 5.0], [0.5, 0.0009], [0.0009, 0.01], [0.0002, 0.0005], [0.0001, 0.002]])
    runs = SimpleNamespace(loss=loss, batched=True, status=np.array(["max_steps"] * 2), stop=np.array([4, 4]))
    assert finish.steps(runs).tolist() == [2, -1]    # the second touches the line and bounces off: no finish
    with pytest.raises(gd.UserInputError, match="gap"):
        Finish.of("rosenbrock", gap=0)
    assert Finish.of("x + y").line is None    # no known minimum: the gradient tolerance decides


def test_a_race_table_has_the_documented_keys_in_finish_order_and_matches_single_runs():
    r = race("elongated", ["gd", "momentum", "adam"], steps=600)
    assert [set(row) >= KEYS for row in r.table] == [True] * 3
    assert sorted(row["optimizer"] for row in r.table) == ["adam", "gd", "momentum"]
    assert [row["rank"] for row in r.table] == [1, 2, 3]
    steps = [row["steps"] for row in r.table]
    assert all(row["finished"] for row in r.table) and steps == sorted(steps)
    for name, lr, traj, tuning in zip(r.optimizers, r.rates, r.trajectories, r.tunings):
        row = next(x for x in r.table if x["optimizer"] == name)
        assert row["lr"] == lr == tuning.lr
        single = gd.run(gd.optimizer(name, lr=lr), "elongated", steps=600)
        np.testing.assert_array_equal(single.params, traj.params)
        assert row["steps"] == int(np.flatnonzero(single.loss > 1e-3).max()) + 1    # loss <= 0.001 from then on
        assert row["final_loss"] == single.loss[-1] and row["peak_loss"] <= row["start_loss"] == single.loss[0]
        assert row["diverged"] is False
        member = tuning.sweep.params[: single.n_steps + 1, tuning.best * len(tuning.starts)]    # the sweep agrees
        np.testing.assert_allclose(member, single.params, rtol=1e-12, atol=1e-12)


def test_untuned_races_run_at_the_given_rates_and_diverged_runs_rank_last():
    r = race("bowl", ["gd", "adam"], tune=False, rates=[3.0, 0.1], steps=200)
    assert not r.tuned and r.tunings == [] and r.space == {}
    assert [row["optimizer"] for row in r.table] == ["adam", "gd"]
    assert r.table[-1]["diverged"] is True


@pytest.mark.parametrize("kwargs, message", [
    ({"optimizers": []}, "at least one optimizer"),
    ({"rates": [0.1]}, "not both"),
    ({"span": (1.0, 0.1)}, "smallest < largest"),
    ({"grid": 1}, "grid must be"),
    ({"span": (1e3, 1e4), "optimizers": ["gd"]}, "every rate from 1000 to 10000 diverges or lets the loss rise"),
])
def test_bad_race_options_say_what_is_accepted(kwargs, message):
    with pytest.raises(gd.UserInputError, match=message):
        race("bowl", **{"optimizers": ["gd"], **kwargs})


def test_the_race_lesson_claims_fairness_and_flags_a_rate_at_the_edge_of_its_range():
    runs = gd.lessons.race("elongated", ["gd", "adam"], steps=600)
    claims = {c.key: c for c in runs.claims}
    assert claims["fair"].holds and claims["winner"].holds
    assert runs.info["table"][0]["optimizer"] == "gd"
    narrow = gd.lessons.race_runs(race("elongated", ["gd"], span=(1e-3, 1e-2), steps=600))
    fair = next(c for c in narrow.claims if c.key == "fair")
    assert not fair.holds and "gd" in fair.evidence["en"]


def test_the_race_figure_draws_the_metrics_table(tmp_path):
    from gdviz.render import figure, save

    fig = figure("race", surface="elongated", optimizers=["gd", "adam"], steps=600, lang="zh")
    texts = {t.get_text() for ax in fig.axes for t in ax.texts} | {
        cell.get_text().get_text() for ax in fig.axes for tab in ax.tables for cell in tab.get_celld().values()}
    assert {"名次", "优化器", "学习率", "到达终点\n的步数", "5 个起点\n的中位数", "最终损失"} <= texts
    assert "用时" not in texts and not any(t.startswith("<") for t in texts)    # no wall time, real losses
    assert "梯度下降" in texts and "Adam" in texts
    out = save(fig, tmp_path / "race.png")
    assert Image.open(out).size == (1200, 760)


def test_gdviz_race_prints_the_table_and_draws_it(tmp_path, capsys):
    out = tmp_path / "race.png"
    assert main(["race", "-s", "elongated", "-O", "gd,adam", "-n", "600", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "place" in text and "median of" in text and "best of 200 log-spaced" in text
    assert "finish line: loss <= 0.001 (the minimum 0 + 0.001) from then on" in text
    rows = [line for line in text.splitlines() if "│ gd " in line or "│ adam " in line]
    assert len(rows) == 2 and rows[0].startswith("│     1 │ gd")
    assert Image.open(out).size == (1200, 760)


@pytest.mark.parametrize("args, message", [
    (["--tune", "--lr", "0.1"], "give --lr or --tune, not both"),
    (["--span", "1"], "--span must be two rates"),
    (["-O", "gd", "--grid", "1"], "grid must be a whole number of rates from 2 to 10000"),
    (["-O", "nope"], "unknown optimizer 'nope'"),
    (["-o", "race.gif"], "race.gif"),
])
def test_gdviz_race_refuses_bad_options_in_one_line(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["race", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_gallery_races_are_fair_and_say_why_momentum_and_nesterov_swap_places():
    """The race figure (Rosenbrock) and the video's two acts (Rosenbrock, Beale): no chosen run's
    loss ever rises above its start, the winner also wins the median over 5 starts, and the
    order of momentum and Nesterov flips between the surfaces, not by a luckier rate."""
    from gdviz.scenes import OptimizerRace

    first = {}
    for runs in OptimizerRace.lesson_runs():
        for traj in runs.trajectories:
            assert traj.loss[1:].max() <= traj.loss[0], traj.optimizer
        claims = {c.key: c for c in runs.claims}
        assert set(claims) == {"fair", "never-above-start", "winner", "robust", "swap"}
        assert all(c.holds for c in claims.values()), [c.failure() for c in claims.values() if not c.holds]
        table = runs.info["table"]
        assert all(r["finished"] == (r["final_loss"] <= 1e-3) for r in table)    # finished: still there at the end
        first[runs.surface.spec()["name"]] = runs.info["swap"]["first"]
    assert first == {"rosenbrock": "momentum", "beale": "nesterov"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_eight_optimizer_race_figure_has_no_text_over_text(lang):
    """Two rows of panels: the legend above the loss chart and the panels' titles clear the
    axis labels (the lower row alone labels x: the panels share their axes)."""
    from gdviz.render import figure
    from gdviz.render.mpl import rc

    course = ["gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]
    fig = figure("race", optimizers=course, rates=[1e-3, 1e-3, 5e-4, 5e-4, 0.1, 0.3, 5e-3, 0.05], steps=300,
                 lang=lang)
    with rc(lang):
        assert overlaps(fig) == []
    labelled = [ax for ax in fig.axes if ax.get_xlabel()]
    assert len(labelled) == 4 + 1    # the lower row's four panels and the loss chart
