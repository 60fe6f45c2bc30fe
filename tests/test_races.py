"""Fair races: tuned learning rates, the metrics table, the race figure and `gdviz race`."""
import numpy as np
import pytest
from PIL import Image

import gdviz as gd
from gdviz.cli import main
from gdviz.races import GRID, SPAN, race, tune_rate

KEYS = {"optimizer", "lr", "steps", "final_loss", "diverged", "seconds"}


def test_the_tuned_rate_of_gradient_descent_on_the_elongated_bowl_is_two_over_L_plus_mu():
    reg = gd.regimes("elongated")
    tuning = tune_rate("elongated", "gd")
    grid_step = np.log(SPAN[1] / SPAN[0]) / (GRID - 1)    # the tuning can only be as fine as its grid
    assert abs(np.log(tuning.lr / reg.goldilocks)) <= grid_step
    assert not tuning.at_edge


def test_the_tuned_rate_is_the_fewest_steps_of_the_sweep_with_diverged_runs_excluded():
    tuning = tune_rate("bowl", "gd", steps=400)
    sw = tuning.sweep
    assert (sw.status == "diverged").any()    # the range reaches rates that diverge...
    assert sw.status[tuning.best] == "converged"    # ...and they are never chosen
    converged = np.flatnonzero(sw.status == "converged")
    fewest = sw.stop[converged].min()
    assert sw.stop[tuning.best] == fewest
    ties = converged[sw.stop[converged] == fewest]
    assert sw.loss[-1, tuning.best] == sw.loss[-1, ties].min()    # ties go by final loss


def test_a_race_table_has_the_documented_keys_best_first_and_matches_single_runs():
    r = race("elongated", ["gd", "momentum", "adam"], steps=600)
    assert [set(row) >= KEYS for row in r.table] == [True] * 3
    assert sorted(row["optimizer"] for row in r.table) == ["adam", "gd", "momentum"]
    steps = [row["steps"] for row in r.table]
    assert all(row["status"] == "converged" for row in r.table) and steps == sorted(steps)
    for name, lr, traj, tuning in zip(r.optimizers, r.rates, r.trajectories, r.tunings):
        row = next(x for x in r.table if x["optimizer"] == name)
        assert row["lr"] == lr == tuning.lr
        single = gd.run(gd.optimizer(name, lr=lr), "elongated", steps=600)
        np.testing.assert_array_equal(single.params, traj.params)
        assert row["steps"] == single.n_steps and row["final_loss"] == single.loss[-1]
        assert row["diverged"] is False and row["seconds"] > 0
        member = tuning.sweep.params[: single.n_steps + 1, tuning.best]    # the batched sweep agrees too
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
    ({"span": (1e3, 1e4), "optimizers": ["gd"]}, "every rate from 1000 to 10000 diverges"),
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
    assert {"优化器", "学习率", "达到容差的步数", "最终损失", "发散", "用时"} <= texts
    assert "梯度下降" in texts and "Adam" in texts
    out = save(fig, tmp_path / "race.png")
    assert Image.open(out).size == (1200, 760)


def test_gdviz_race_prints_the_table_and_draws_it(tmp_path, capsys):
    out = tmp_path / "race.png"
    assert main(["race", "-s", "elongated", "-O", "gd,adam", "-n", "600", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "steps to tolerance" in text and "best of 200 log-spaced" in text
    rows = [line for line in text.splitlines() if line.startswith(("│ gd", "│ adam"))]
    assert len(rows) == 2 and rows[0].startswith("│ gd")
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
