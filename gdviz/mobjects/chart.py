"""Axes drawn the way a lecturer draws them: a frame at the left and bottom, ticks with numbers
(``Text`` glyphs: manim's own numbers need LaTeX), axis labels; and a small line chart."""
from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Line, VGroup, VMobject

from .common import INK, MUTED, LinearMap, text
from .glyphs import number_text

TICK_SIZE = 15       # font size of tick numbers
LABEL_SIZE = 18      # font size of axis labels


def nice_ticks(lo: float, hi: float, target: int = 5) -> np.ndarray:
    """Round tick values inside [lo, hi], about ``target`` of them (steps of 1, 2, 2.5 or 5 x 10^k)."""
    span = hi - lo
    if not span > 0:
        return np.array([lo])
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * 0.999)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = np.arange(first, hi + step * 1e-9, step)
    return np.round(ticks / step) * step          # no -0.0000001


def tick_text(v: float) -> str:
    """A tick value as written on an axis: 0, 2.5, -1, 0.05, 1000."""
    if abs(v) < 1e-12:
        return "0"
    out = f"{v:.6f}".rstrip("0").rstrip(".")
    return out if len(out) <= 8 else f"{v:.2g}"


def ticks(to_scene, x_ticks=(), y_ticks=(), *, x_at: float, y_at: float, x_labels=None,
          y_labels=None, lang: str = "en", size: float = TICK_SIZE, length: float = 0.08) -> VGroup:
    """Tick marks and numbers: ``x_ticks`` along the horizontal line ``y = y_at`` (numbers
    below), ``y_ticks`` along the vertical line ``x = x_at`` (numbers to the left), in
    parameter coordinates mapped by ``to_scene``. ``x_labels``/``y_labels``: the texts."""
    group = VGroup()
    xl = x_labels if x_labels is not None else [tick_text(v) for v in x_ticks]
    yl = y_labels if y_labels is not None else [tick_text(v) for v in y_ticks]
    if len(x_ticks):
        pts = to_scene(np.column_stack([x_ticks, np.full(len(x_ticks), y_at)]))
        for p, s in zip(pts, xl):
            group.add(Line(p, p + DOWN * length, color=INK, stroke_width=1.5))
            group.add(number_text(s, lang, size=size, colour=INK).next_to(p + DOWN * length, DOWN, buff=0.06))
    if len(y_ticks):
        pts = to_scene(np.column_stack([np.full(len(y_ticks), x_at), y_ticks]))
        for p, s in zip(pts, yl):
            group.add(Line(p, p + LEFT * length, color=INK, stroke_width=1.5))
            group.add(number_text(s, lang, size=size, colour=INK).next_to(p + LEFT * length, LEFT, buff=0.06))
    return group


class Chart(VGroup):
    """Axes for ``x_range`` x ``y_range`` drawn as an L-shaped frame with ticks, numbers and
    axis labels (the y label above the axis, written horizontally); ``polyline(xs, ys)``
    points for ``VMobject.set_points_as_corners``.

        >>> chart = Chart([0, 300], [0, 3], x_label="examples", y_label="loss",
        ...               y_labels=lambda v: f"{10 ** v:g}")     # a log axis
    """

    def __init__(self, x_range, y_range, *, width: float = 5.0, height: float = 3.6, x_label: str = "",
                 y_label: str = "", lang: str = "en", x_ticks=None, y_ticks=None, x_labels=None,
                 y_labels=None, size: float = TICK_SIZE):
        super().__init__()
        (x0, x1), (y0, y1) = x_range, y_range
        self.x_range, self.y_range = (x0, x1), (y0, y1)
        self.axes = Axes(x_range=[x0, x1, (x1 - x0) / 4], y_range=[y0, y1, (y1 - y0) / 4],
                         x_length=width, y_length=height, tips=False).set_opacity(0)
        self.to_scene = LinearMap(self.axes, (x0, x1), (y0, y1))
        bottom = Line(self.c2p(x0, y0), self.c2p(x1, y0), color=INK, stroke_width=2)
        left = Line(self.c2p(x0, y0), self.c2p(x0, y1), color=INK, stroke_width=2)
        xt = nice_ticks(x0, x1) if x_ticks is None else np.asarray(x_ticks, float)
        yt = nice_ticks(y0, y1) if y_ticks is None else np.asarray(y_ticks, float)
        self.tick_marks = ticks(self.to_scene, xt, yt, x_at=x0, y_at=y0, lang=lang, size=size,
                                x_labels=[x_labels(v) for v in xt] if callable(x_labels) else x_labels,
                                y_labels=[y_labels(v) for v in yt] if callable(y_labels) else y_labels)
        self.add(self.axes, bottom, left, self.tick_marks)
        if x_label:
            self.x_label = text(x_label, lang, size=LABEL_SIZE, colour=MUTED)
            self.x_label.next_to(self.tick_marks if len(xt) else bottom, DOWN, buff=0.1)
            self.x_label.set_x(bottom.get_center()[0])
            self.add(self.x_label)
        if y_label:
            self.y_label = text(y_label, lang, size=LABEL_SIZE, colour=MUTED)
            self.y_label.next_to(left, UP, buff=0.12).align_to(self.tick_marks if len(yt) else left, LEFT)
            self.add(self.y_label)

    def c2p(self, x, y):
        return self.to_scene([[x, y]])[0]

    def polyline(self, xs, ys) -> np.ndarray:
        pts = self.to_scene(np.column_stack([np.asarray(list(xs), float), np.asarray(ys, float)]))
        return pts if len(pts) > 1 else np.vstack([pts, pts])


def line(colour, width: float = 3) -> VMobject:
    return VMobject(stroke_color=colour, stroke_width=width)


__all__ = ["Chart", "nice_ticks", "tick_text", "ticks", "line", "RIGHT"]
