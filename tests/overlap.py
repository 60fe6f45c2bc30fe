"""Layout check shared by the figure tests: no label over another label, a legend, a star
marker (the minimum's ★), a marker of a place (a start, an end: ``BIG_MARKER`` points or more)
or the axes' frame; labels in 3-D axes where their draw puts them. Works on any drawn
matplotlib figure, in any language (it compares the pixel boxes matplotlib computes, whatever the font).

    from overlap import overlaps
    with mpl.rc(lang):
        fig = figures.figure(...)
        assert overlaps(fig) == []
"""
import contextlib

import numpy as np
from matplotlib import cbook
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.text import Text
from mpl_toolkits.mplot3d import proj3d
from mpl_toolkits.mplot3d.art3d import Text3D


def overlaps(fig) -> list[str]:
    """One line per pair that meets: text with text, a text with a ★, a marker of a place or a
    legend (a legend and its own texts excepted), and a label written in an axes that crosses
    that axes' frame (unless its axis is off). Tick labels outside the view (which matplotlib
    skips) and empty texts are ignored. Draws ``fig`` first, so call it inside the same
    ``mpl.rc(lang)`` the figure was made in."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    items = layout_items(fig)
    bad = []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a[0] != "text" and b[0] != "text":
                continue
            if a[3] is not None and (a[3] is b[3] or a[3] is b[4] or b[3] is a[4]):
                continue                       # a legend and its own texts
            if _meet(a[2], b[2]):
                bad.append(f"{a[1]!r} overlaps {b[1]!r}")
    for ax in fig.axes:
        if not ax.axison:                      # axis("off"): no frame to cross
            continue
        e = ax.get_window_extent(renderer)
        frame = (e.x0, e.y0, e.x1, e.y1)
        for t in ax.texts:
            if not t.get_visible() or not t.get_text().strip():
                continue
            b = _box(t, renderer)
            inside = b[0] >= frame[0] - 1 and b[1] >= frame[1] - 1 and b[2] <= frame[2] + 1 and b[3] <= frame[3] + 1
            if not inside and _meet(b, frame):
                bad.append(f"{t.get_text()!r} crosses the axes' frame")
    return bad


def layout_items(fig):
    """(kind, name, pixel box, owner, artist) of every visible text, ★, marker of a place and
    legend of a drawn ``fig``; a legend's own texts have the legend as owner, a legend's own
    markers (its keys) are inside its box."""
    renderer = fig.canvas.get_renderer()
    undrawn = _undrawn_ticks(fig)
    legends = [leg for leg in fig.findobj(Legend) if leg.get_visible()]
    in_legend = {id(t): leg for leg in legends for t in leg.get_texts()}
    legend_titles = {id(leg.get_title()) for leg in legends}
    items = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in undrawn or id(t) in legend_titles:
            continue
        items.append(("text", t.get_text(), _box(t, renderer), in_legend.get(id(t)), t))
    for leg in legends:
        e = leg.get_window_extent(renderer)
        items.append(("legend", "legend", (e.x0, e.y0, e.x1, e.y1), leg, leg))
    keys = {id(a) for leg in legends for a in leg.findobj()}
    for line in fig.findobj(Line2D):
        if not line.get_visible() or id(line) in keys or line.get_marker() in MARKERLESS:
            continue
        if line.get_marker() == "*" or line.get_markersize() >= BIG_MARKER:
            xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
            items += _marker_boxes(line, line.get_transform().transform(xy), line.get_markersize(),
                                   "★" if line.get_marker() == "*" else f"marker {line.get_marker()}")
    for dots in fig.findobj(PathCollection):   # scatters (in 3-D at their projection, set by the draw)
        if not dots.get_visible() or id(dots) in keys or not len(dots.get_offsets()):
            continue
        xy = dots.get_offset_transform().transform(np.asarray(dots.get_offsets(), float))
        star = _is_star(dots)
        for p, s in zip(xy, np.resize(dots.get_sizes(), len(xy))):
            if star or s >= BIG_MARKER ** 2:
                items += _marker_boxes(dots, [p], np.sqrt(s), "★" if star else "marker")
    return items


MARKERLESS = {"None", "none", "", " ", None}
BIG_MARKER = 8   # points: a marker that marks a place (a start, an end, a minimum), not a path's dot


def _marker_boxes(artist, points, size, name):
    """The pixel boxes of markers ``size`` points across at pixel ``points``; a marker clipped
    by its axes and outside them is not drawn."""
    r = size * artist.figure.dpi / 72 / 2
    frame = artist.axes.bbox if artist.axes is not None and artist.get_clip_on() else None
    return [("star" if name == "★" else "marker", name, (x - r, y - r, x + r, y + r), None, artist)
            for x, y in points if np.isfinite([x, y]).all() and (frame is None or frame.contains(x, y))]


def _is_star(dots):
    """Whether a scatter's marker is matplotlib's "*"."""
    star = MarkerStyle("*")
    want = star.get_path().transformed(star.get_transform()).vertices
    paths = dots.get_paths()
    return len(paths) == 1 and paths[0].vertices.shape == want.shape and np.allclose(paths[0].vertices, want)


def _undrawn_ticks(fig):
    """ids of the tick labels matplotlib skips (ticks outside the view)."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            pad = 1e-9 * abs(hi - lo)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - pad <= tick.get_loc() <= hi + pad:
                    out |= {id(tick.label1), id(tick.label2)}
    return out


def _box(t, renderer):
    """A text's pixel box, its bbox patch included (an annotation's arrow not: it points at what
    it labels); a text in 3-D at its projected place, where its draw puts it."""
    if isinstance(t, Text3D):
        with _projected(t):
            return _box2d(t, renderer)
    return _box2d(t, renderer)


@contextlib.contextmanager
def _projected(t):
    """``t`` (a Text3D) placed at its 2-D projection while inside, as ``Text3D.draw`` does."""
    x, y, _ = proj3d.proj_transform(np.array([t._x]), np.array([t._y]), np.array([t._z]), t.axes.get_proj())
    with cbook._setattr_cm(t, _x=float(x[0]), _y=float(y[0])):
        yield


def _box2d(t, renderer):
    e = Text.get_window_extent(t, renderer)
    patch = t.get_bbox_patch()
    if patch is not None:
        p = patch.get_window_extent(renderer)
        return (min(e.x0, p.x0), min(e.y0, p.y0), max(e.x1, p.x1), max(e.y1, p.y1))
    return (e.x0, e.y0, e.x1, e.y1)


def _meet(a, b, slack=1.0):
    """Two pixel boxes overlap by more than ``slack`` pixels both ways."""
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
