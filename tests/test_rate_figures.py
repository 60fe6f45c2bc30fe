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
