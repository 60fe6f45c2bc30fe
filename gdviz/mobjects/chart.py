"""A small line chart with its frame at the left and bottom (manim's Axes cross at the origin)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Axes, Line, VGroup, VMobject

from .common import INK, LinearMap, text


class Chart(VGroup):
    """Axes for ``x_range`` x ``y_range`` drawn as an L-shaped frame, with axis labels;
    ``polyline(xs, ys)`` points for ``VMobject.set_points_as_corners``.

        >>> chart = Chart([0, 100], [-3, 1], x_label="step", y_label="loss (log)")
    """

    def __init__(self, x_range, y_range, *, width: float = 5.0, height: float = 3.6, x_label: str = "",
                 y_label: str = "", lang: str = "en"):
        super().__init__()
        (x0, x1), (y0, y1) = x_range, y_range
        self.axes = Axes(x_range=[x0, x1, (x1 - x0) / 4], y_range=[y0, y1, (y1 - y0) / 4],
                         x_length=width, y_length=height, tips=False).set_opacity(0)
        bottom = Line(self.axes.c2p(x0, y0), self.axes.c2p(x1, y0), color=INK, stroke_width=2)
        left = Line(self.axes.c2p(x0, y0), self.axes.c2p(x0, y1), color=INK, stroke_width=2)
        self.to_scene = LinearMap(self.axes, (x0, x1), (y0, y1))
        self.add(self.axes, bottom, left)
        if x_label:
            self.add(text(x_label, lang, size=18).next_to(bottom, DOWN, buff=0.1))
        if y_label:
            self.add(text(y_label, lang, size=18).next_to(left, UP, buff=0.1).align_to(left, LEFT))

    def c2p(self, x, y):
        return self.to_scene([[x, y]])[0]

    def polyline(self, xs, ys) -> np.ndarray:
        pts = self.to_scene(np.column_stack([np.asarray(list(xs), float), np.asarray(ys, float)]))
        return pts if len(pts) > 1 else np.vstack([pts, pts])


def line(colour, width: float = 3) -> VMobject:
    return VMobject(stroke_color=colour, stroke_width=width)
