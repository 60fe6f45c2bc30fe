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
    return figures.figure(o.get("figure", entry.name), lang=lang, size=o.get("size"), runs=runs_of(entry.name),
                          field=o.get("field", False), arrows=o.get("arrows", False))


def test_every_figure_entry_is_checked():
    assert len(FIGURE_ENTRIES) >= 30
    assert {"error-surface", "cross-entropy", "inside-adam", "race"} <= {e.name for e in FIGURE_ENTRIES}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("entry", FIGURE_ENTRIES, ids=[e.name for e in FIGURE_ENTRIES])
def test_no_label_overlaps_a_label_a_star_a_legend_or_the_frame(entry, lang):
    fig = drawn(entry, lang)
    with mpl.rc(lang):
        assert overlaps(fig) == []


def test_the_check_sees_each_kind_of_overlap():
    """A label on a label, on a scatter star, on a big marker, across the frame, on a legend, and a
    3-D label at its projected place; a legend's own key, small path dots and the edge of an axes
    whose axis is off are not counted."""
    from gdviz.render.mpl import new_figure

    with mpl.rc("en"):
        fig = new_figure(600, 400)
        ax = fig.add_subplot(1, 2, 1)
        ax.set(xlim=(0, 10), ylim=(0, 10))
        ax.plot([1, 2, 3], [1, 1, 1], "o-", ms=3)                    # a path's dots: not counted
        ax.scatter([5], [5], marker="*", s=300, label="minimum")
        ax.text(5, 5, "on the star", ha="center", va="center")
        ax.plot([4], [8], "o", ms=12)
        ax.text(4, 8, "on the start", ha="center", va="center")
        ax.text(1, 3, "a", fontsize=12)
        ax.text(1.1, 3.1, "b", fontsize=12)
        ax.text(0.5, 5, "across the frame", ha="right", va="center")
        ax.legend(loc="upper right")
        ax.text(9.9, 9.9, "on the legend", ha="right", va="top")
        ax3 = fig.add_subplot(1, 2, 2, projection="3d")
        ax3.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1))
        ax3.text(0.5, 0.5, 0.5, "centre")
        ax3.text(0.5, 0.5, 0.5, "centre too")
        off = fig.add_axes((0.45, 0.92, 0.04, 0.04))
        off.axis("off")
        off.text(0.5, 0.5, "an axes without a frame", fontsize=8)    # nothing to cross
        got = overlaps(fig)
    pairs = {frozenset(x.strip("'") for x in line.split(" overlaps ")) for line in got if " overlaps " in line}
    assert pairs == {frozenset(p) for p in [("★", "on the star"), ("marker o", "on the start"), ("a", "b"),
                                            ("on the legend", "legend"), ("on the legend", "minimum"),
                                            ("centre", "centre too")]}
    assert [line for line in got if " overlaps " not in line] == ["'across the frame' crosses the axes' frame"]
