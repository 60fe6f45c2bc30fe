"""The learning-rate entries of the gallery (issue 17): the course's words for the course's
exercise, one threshold text, rates printed with the digits that reproduce their step counts,
the convergence rule on every figure that quotes steps, and no label over another label, the
minimum's star, a tick label or a status box, in English and Chinese."""
import pytest
from overlap import overlaps

from gdviz.gallery import load
from gdviz.gallery.render import entry_runs
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

