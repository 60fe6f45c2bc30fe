"""Layout check shared by the figure tests: no label over another label, a legend, a star
marker (the minimum's ★) or the axes' frame. Works on any drawn matplotlib figure, in any
language (it compares the pixel boxes matplotlib computes, whatever the font).

    from overlap import overlaps
    with mpl.rc(lang):
        fig = figures.figure(...)
        assert overlaps(fig) == []
"""
import numpy as np
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text


def overlaps(fig) -> list[str]:
    """One line per pair that meets: text with text, a text with a ★ marker or a legend (a legend
    and its own texts excepted), and a label written in an axes that crosses that axes' frame.
    Tick labels outside the view (which matplotlib skips) and empty texts are ignored. Draws
    ``fig`` first, so call it inside the same ``mpl.rc(lang)`` the figure was made in."""
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
    """(kind, name, pixel box, owner, artist) of every visible text, ★ marker and legend of a
    drawn ``fig``; a legend's own texts have the legend as owner."""
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
    for line in fig.findobj(Line2D):
        if line.get_visible() and line.get_marker() == "*" and len(line.get_xdata()):
            r = line.get_markersize() * fig.dpi / 72 / 2
            xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
            for x, y in line.axes.transData.transform(xy):
                items.append(("star", "★", (x - r, y - r, x + r, y + r), None, line))
    return items


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
    it labels)."""
    e = Text.get_window_extent(t, renderer)
    patch = t.get_bbox_patch()
    if patch is not None:
        p = patch.get_window_extent(renderer)
        return (min(e.x0, p.x0), min(e.y0, p.y0), max(e.x1, p.x1), max(e.y1, p.y1))
    return (e.x0, e.y0, e.x1, e.y1)


def _meet(a, b, slack=1.0):
    """Two pixel boxes overlap by more than ``slack`` pixels both ways."""
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
