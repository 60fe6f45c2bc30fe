"""The learning-rate entries of the gallery (issue 17): the course's words for the course's
exercise, one threshold text, rates printed with the digits that reproduce their step counts,
the convergence rule on every figure that quotes steps, and no label over another label, the
minimum's star, a tick label or a status box, in English and Chinese."""
import re

import numpy as np
import pytest
from matplotlib.text import Text
from overlap import overlaps

from gdviz import lessons
from gdviz.engine import run
from gdviz.gallery import load
from gdviz.gallery.render import entry_runs
from gdviz.optim import optimizer
from gdviz.render import figures, mpl

ENTRIES = ["gradient-step", "lr-triptych", "lr-triptych-2d", "lr-exercise", "lr-sweep", "lr-curves", "lr-decay",
           "fit-line"]


def gallery_entry(name):
    return next(e for e in load().entries if e.name == name)


@pytest.fixture(scope="module")
def drawn():
    """Each entry drawn as the gallery draws it, once per language, with its runs."""
    out = {}
    for name in ENTRIES:
        entry = gallery_entry(name)
        runs = entry_runs(entry)[0]
        for lang in ("en", "zh"):
            fig = figures.figure(entry.options.get("figure", name), lang=lang, runs=runs)
            with mpl.rc(lang):
                fig.canvas.draw()
            out[name, lang] = (fig, runs)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ENTRIES)
def test_no_label_overlaps_a_label_the_star_or_a_box(name, lang, drawn):
    fig, _ = drawn[name, lang]
    with mpl.rc(lang):
        assert overlaps(fig) == []


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ENTRIES)
def test_every_figure_that_quotes_steps_states_the_convergence_rule(name, lang, drawn):
    """The tolerance printed is the one the runs stopped at (fit-line runs at 1e-3, not its
    surface's 1e-6): every converged run's last gradient is below it, the one before not."""
    fig, runs = drawn[name, lang]
    (tol,) = {t.meta["tol"] for t in runs.trajectories} or {runs.surface.tol}   # a sweep: its surface's
    for t in runs.trajectories:
        if t.status == "converged":
            g = np.linalg.norm(t.grads, axis=1)
            assert g[-1] <= tol < g[-2]
    rule = {"en": f"Steps count until |gradient| < {tol:g} (converged).",
            "zh": f"步数计到 |梯度| < {tol:g} 为止（收敛）。"}[lang]
    assert any(t.endswith(rule) for t in texts(fig)), texts(fig)


THRESHOLD = {"en": "1/L = 1.6 reaches the minimum in one step; from 2/L = 3.2 on, every rate diverges",
             "zh": "1/L = 1.6 一步到达最小值；从 2/L = 3.2 起，所有学习率都发散"}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["gradient-step", "lr-triptych", "lr-exercise", "lr-sweep", "lr-curves", "lr-decay"])
def test_one_threshold_text_in_every_learning_rate_entry(name, lang, drawn):
    fig, _ = drawn[name, lang]
    assert sum(THRESHOLD[lang] in t for t in texts(fig)) == 1


@pytest.mark.parametrize("name", ["lr-triptych", "lr-triptych-2d", "lr-exercise", "lr-curves"])
def test_every_printed_rate_reproduces_its_step_count(name, drawn):
    """Each rate a panel title or legend prints ('lr = 3.104', 'lr = 2/(L+μ) ≈ 0.09524'), run as
    printed, ends the same way in the same number of steps as the run drawn."""
    fig, runs = drawn[name, "en"]
    shown = " | ".join(texts(fig))
    start = runs.trajectories[0].params[0]
    printed = [float(x) for x in re.findall(r"lr = (?:1/L = |2/\(L\+μ\) ≈ )?([0-9.]+)", shown)]
    assert len(printed) >= len(runs.trajectories)
    for t, lr in zip(runs.trajectories, printed):
        again = run(optimizer("gd", lr=lr), runs.surface, start, len(t.params) + 5 if t.status == "converged"
                    else len(t.params) - 1)
        assert (again.status, int(again.n_steps)) == (t.status, int(t.n_steps)), (name, lr)


def test_lr_curves_prints_the_rate_it_runs():
    runs = lessons.lr_curves()
    assert runs.info["shown"] == ["0.16", "1.6", "3.104", "3.36"]      # 3.1 would take 81 steps, not 85
    assert [int(t.n_steps) for t in runs.trajectories[:3]] == [50, 1, 85]


def test_lr_exercise_uses_the_course_words():
    runs = lessons.lr_exercise()
    assert runs.series == ["too small", "too small", "too small", "goldilocks", "too large", "diverges"]
    words = next(c for c in runs.claims if c.key == "course-words")
    assert words.holds and "1.8: 3 of 3" in words.evidence["en"] and "1: 0 of 6" in words.evidence["en"]
    # one panel order: small, Goldilocks, large
    assert list(np.argsort(runs.rates)) == list(range(len(runs.rates)))


# -- contour-descent, acts 1-2: like with like -------------------------------------------------
def test_contour_descent_compares_bowls_like_with_like():
    from gdviz.engine import run
    from gdviz.optim import optimizer
    from gdviz.scenes.contour_descent import ContourDescent

    bowls = ContourDescent.lesson_runs()[0]
    round_, long = bowls.surfaces
    # the same start and the same flat curvature; each at its best rate 2/(L + mu)
    assert bowls.info["mu"] == [1.0, 1.0] and bowls.info["L"] == [1.0, 20.0]
    assert [t.params[0].tolist() for t in bowls.trajectories] == [[-3.5, 1.5]] * 2
    assert bowls.rates == [1.0, 2 / 21]
    assert [(t.status, int(t.n_steps)) for t in bowls.trajectories] == [("converged", 1), ("converged", 173)]
    # at one rate for both the step counts are alike: the zig-zag is not the cause
    assert [int(t.n_steps) for t in bowls.info["same rate"]] == [161, 160]
    claims = {c.key: c for c in bowls.claims}
    assert set(claims) == {"like-with-like", "round-faster", "same-rate-alike"}
    assert all(c.holds for c in claims.values())
    assert "161 steps (round) vs 160 steps (elongated)" in claims["same-rate-alike"].evidence["en"]
    # the rate the video prints (0.09524) reproduces the 173 steps
    assert int(run(optimizer("gd", lr=0.09524), long, long.start, 400).n_steps) == 173



# -- lr-panels GIF: readable at slide size, the status box never covered ------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lr_panels_gif_is_readable_and_the_point_never_covers_its_status(lang):
    from matplotlib.colors import to_rgb

    from gdviz import style
    from gdviz.render.animation import PANEL_PT, Animation

    runs = lessons.lr_triptych()
    anim = Animation(runs, frames=30, fps=15, size=(960, 360), lang=lang)
    axes = anim.fig.axes
    for ax in axes:
        assert ax.title.get_fontsize() >= 13 and min(t.get_fontsize() for t in ax.get_xticklabels()) >= 11
        if lang == "zh":   # the CJK face first: its sans-serif digits, not DejaVu's slab-footed bold ones
            assert ax.title.get_fontfamily()[0] == style.CJK_FONT
    assert PANEL_PT >= 13
    colours = [np.array(to_rgb(c)) * 255 for c in anim.colours]
    for i in range(anim.n_frames):
        img = np.asarray(anim.frame(i), dtype=float)
        for a, colour in zip(anim.artists, colours):
            x0, y0, x1, y1 = (int(round(v)) for v in a["counter"].outline)
            box = img[y0 + 2:y1 - 1, x0 + 2:x1 - 1]
            assert not (np.abs(box - colour).sum(axis=-1) < 60).any(), (i, lang)


def test_learning_rates_video_uses_the_one_panel_order():
    from gdviz.scenes.learning_rates import ORDER

    assert ORDER == ("too small", "goldilocks", "too large") == tuple(lessons.lr_triptych().series)
