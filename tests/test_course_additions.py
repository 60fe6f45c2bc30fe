"""Issue 17 §4, what the course notes show that no entry showed: the effect of momentum's β
(momentum-beta, momentum-beta-video), Adagrad step by step (adagrad-steps) and SGD with momentum
as the notes' code beside its path (sgd-momentum-code). Their claims hold with the numbers the
captions print, a misleading setting fails them, and the pictures draw what is checked."""
import warnings

import numpy as np
import pytest
from matplotlib.text import Text

from gdviz import lessons
from gdviz.engine import run
from gdviz.errors import UserInputError
from gdviz.gallery import load
from gdviz.lessons.adagrad import adagrad_steps
from gdviz.lessons.beta import heavy_ball_rate, momentum_beta, tail_rate
from gdviz.lessons.listing import SOURCE, momentum_code, one_example, sgd
from gdviz.optim import optimizer
from gdviz.render import figures
from gdviz.render.figures.adagrad import table_rows

NEW = ("momentum-beta", "momentum-beta-video", "adagrad-steps", "sgd-momentum-code")


def claims_of(runs):
    return {c.key: c for c in runs.claims}


@pytest.fixture(scope="module")
def beta():
    return momentum_beta()


# -- momentum-beta ---------------------------------------------------------------------------
def test_beta_claims_hold_with_the_captions_numbers(beta):
    c = claims_of(beta)
    assert all(x.holds for x in beta.claims), [x.failure() for x in beta.claims if not x.holds]
    assert set(c) == {"gd-zigzags", "momentum-damps", "fewest-in-between", "too-much-oscillates", "sqrt-kappa"}
    assert [int(t.n_steps) for t in beta.trajectories] == [160, 48, 282, 2784]
    assert c["gd-zigzags"].numbers == {"flips": 160, "steps": 160}
    assert c["fewest-in-between"].numbers == {"best": 0.5, "fewest": 48}
    assert round(c["sqrt-kappa"].numbers["speed"], 1) == 4.2 and round(c["sqrt-kappa"].numbers["sqrt_kappa"], 2) == 4.47
    d = beta.info["distill"]
    assert (d["gd"].n_steps, d["momentum"].n_steps) == (173, 48)
    # the steps curve is the batched run's: β = 0 of the grid is the plain gradient descent drawn
    assert beta.info["steps"][0] == beta.trajectories[0].n_steps and beta.info["grid"][-1] == 0.99


def test_the_batched_grid_matches_single_runs(beta):
    s = beta.surface
    for b in (0.3, 0.7):
        i = int(np.argmin(np.abs(beta.info["grid"] - b)))
        one = run(optimizer("momentum", lr=0.09, momentum=b), s, beta.info["start"], 5000)
        assert one.n_steps == beta.info["steps"][i]


def test_heavy_ball_rate_is_the_measured_rate(beta):
    assert heavy_ball_rate(0.09, 0.0, [1, 20]) == pytest.approx(0.91)
    assert heavy_ball_rate(0.09, 0.49, [1, 20]) == pytest.approx(0.7)
    low = beta.surface.minima[0]
    for b, t in zip((0.0, 0.5, 0.9), beta.trajectories):
        assert tail_rate(t, low) == pytest.approx(heavy_ball_rate(0.09, b, [1, 20]), abs=0.02)


def test_no_zigzag_to_damp_fails_the_claim():
    """At lr 0.04 gradient descent does not zig-zag (1 − 0.04 × 20 > 0): the picture must not say so."""
    c = claims_of(momentum_beta(lr=0.04))
    assert not c["gd-zigzags"].holds and "does not hold:" in c["gd-zigzags"].failure()


@pytest.mark.parametrize("kw, message", [
    ({"surface": "parabola"}, "momentum-beta needs a 2-D surface"),
    ({"betas": [0.5, 1.0]}, "each β must be a number in [0, 1), got [0.5, 1.0]"),
])
def test_beta_bad_input_is_one_line(kw, message):
    with pytest.raises(UserInputError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        momentum_beta(**kw)


# -- adagrad-steps -----------------------------------------------------------------------------
def test_adagrad_steps_numbers_are_the_runs():
    runs = adagrad_steps()
    c = claims_of(runs)
    assert all(x.holds for x in runs.claims)
    info, traj = runs.info, runs.trajectories[0]
    assert traj.n_steps == 18 and info["g"][0] == pytest.approx(-1.8125)
    # σᵗ, ηᵗ recomputed from the recorded gradients; the √(t+1) cancels
    g = traj.grads[:18, 0]
    t = np.arange(18)
    np.testing.assert_allclose(info["eta"] / info["sigma"], 1.0 / np.sqrt(np.cumsum(g * g)), rtol=1e-12)
    np.testing.assert_allclose(info["next"], traj.params[1:19, 0], atol=1e-9)
    np.testing.assert_allclose(info["sigma"], np.sqrt(np.cumsum(g * g) / (t + 1)))
    assert "0.5517 at t = 0 → 0.3995 at t = 17" in c["rate-shrinks"].evidence["en"]
    rows = table_rows(info, 4)
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "⋮", "17"]
    assert rows[0][1:] == ["−2.9", "−1.812", "3.285", "1.812", "1", "0.5517", "1", "−1.9"]


@pytest.mark.parametrize("kw, message", [
    ({"surface": "bowl"}, "adagrad-steps follows one parameter w"),
    ({"rows": 0}, "rows must be a whole number from 1 to 8"),
    ({"start": [0.0]}, "the run starts at the minimum"),
])
def test_adagrad_steps_bad_input_is_one_line(kw, message):
    with pytest.raises(UserInputError, match=message) as e:
        adagrad_steps(**kw)
    assert "\n" not in str(e.value)


# -- sgd-momentum-code -------------------------------------------------------------------------
def test_the_notes_code_is_the_path_drawn():
    runs = momentum_code()
    c = claims_of(runs)
    assert all(x.holds for x in runs.claims)
    mo, plain = runs.trajectories
    np.testing.assert_array_equal(runs.info["points"], mo.params)
    np.testing.assert_array_equal(runs.info["plain"], plain.params)
    assert "1.87 vs 48.4" in c["momentum-helps-sgd"].evidence["en"]
    # the listing is the source of the function that ran
    namespace = {"np": np}
    exec("\n".join(SOURCE), namespace)
    s, start = runs.surface, runs.surface.start
    a = namespace["sgd"](np.array(start), 0.01, 60, one_example(s, 0), 0.8)
    b = sgd(np.array(start), 0.01, 60, one_example(s, 0), 0.8)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, mo.params[-1])


def test_code_without_momentum_fails_the_momentum_claim():
    c = claims_of(momentum_code(beta=0.0))
    assert c["code-is-the-path"].holds and not c["momentum-helps-sgd"].holds


@pytest.mark.parametrize("kw, message", [
    ({"beta": 1.0}, "beta"), ({"lr": -1}, "lr"), ({"n_iter": 1}, "n_iter must be a whole number from 2 to 10000"),
    ({"show": 99}, "show must be an update from 0 to 59, got 99"),
])
def test_code_bad_input_is_one_line(kw, message):
    with pytest.raises(UserInputError, match=message) as e:
        momentum_code(**kw)
    assert "\n" not in str(e.value)


# -- the pictures --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["momentum-beta", "adagrad-steps", "sgd-momentum-code"])
def test_figures_draw_what_is_checked(kind, lang, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.figure(kind, lang=lang)
        figures.save(fig, tmp_path / f"{kind}.png")
    assert not [w for w in caught if "missing from font" in str(w.message) or "Ignoring fixed" in str(w.message)]
    texts = [t.get_text() for t in fig.findobj(Text)]
    texts += [cell.get_text().get_text() for ax in fig.axes for tb in ax.tables for cell in tb.get_celld().values()]
    assert fig.gdviz_claims and all(c.holds for c in fig.gdviz_claims)
    if kind == "sgd-momentum-code":   # every line of the code that ran is typeset
        assert all(line in texts for line in SOURCE)
        assert any("(−5.319, 5.733)" in t for t in texts)   # update 4 lands where the run went
    if kind == "momentum-beta":
        assert any(t.endswith(": 160 steps") or t.endswith("：160 步") for t in texts)
        assert "48" in texts and "2784" in texts
    if kind == "adagrad-steps":
        assert "0.5517" in texts and "−1.812" in texts


def test_new_entries_are_in_the_gallery_with_both_languages():
    entries = {e.name: e for e in load().entries}
    for name in NEW:
        e = entries[name]
        assert e.text("caption", "en") and e.text("caption", "zh") != e.text("caption", "en")
    assert entries["momentum-beta-video"].options["scene"] == "momentum-beta"


def test_scene_caption_states_the_claims_numbers():
    pytest.importorskip("manim")
    from gdviz import video
    from gdviz.scenes.momentum_beta import caption_text

    runs, = video.scene_class("momentum-beta").lesson_runs()
    assert all(c.holds for c in video.claims("momentum-beta"))
    en, zh = (caption_text(runs, lang).replace("\u00a0", " ") for lang in ("en", "zh"))
    assert "48 steps at β = 0.5" in en and "β = 0.5 时步数最少：48 步" in zh


def test_lessons_are_registered():
    assert lessons.BUILDERS["momentum-beta"] is momentum_beta
    assert lessons.BUILDERS["adagrad-steps"] is adagrad_steps
    assert lessons.BUILDERS["sgd-momentum-code"] is momentum_code
