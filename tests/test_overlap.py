"""Every figure of the built-in gallery, drawn as the build draws it, in English and Chinese: no
label over another label, a star or a marker of a place, a legend or the frame of its axes (issue 17 §3;
the check is tests/overlap.py)."""
import functools

import pytest
from overlap import overlaps

from gdviz.gallery import load
from gdviz.gallery.render import entry_runs
from gdviz.render import figures, mpl

FIGURE_ENTRIES = [e for e in load().entries if e.kind == "figure"]


@functools.cache
def runs_of(name):
    """The entry's runs, computed once for both languages."""
    return entry_runs(next(e for e in FIGURE_ENTRIES if e.name == name))[0]


def drawn(entry, lang):
    """The figure of ``entry`` laid out as ``gallery.render.render_entry`` saves it."""
    o = entry.options
    fig = figures.figure(o.get("figure", entry.name), lang=lang, size=o.get("size"), runs=runs_of(entry.name),
                         field=o.get("field", False), arrows=o.get("arrows", False))
    with mpl.rc(lang):
        fig.canvas.draw()
    return fig


def test_every_figure_entry_is_checked():
    assert len(FIGURE_ENTRIES) >= 30
    assert {"error-surface", "cross-entropy", "inside-adam", "race"} <= {e.name for e in FIGURE_ENTRIES}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("entry", FIGURE_ENTRIES, ids=lambda e: e.name)
def test_no_label_overlaps_a_label_a_star_a_legend_or_the_frame(entry, lang):
    assert overlaps(drawn(entry, lang)) == []
