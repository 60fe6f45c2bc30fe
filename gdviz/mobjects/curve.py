"""A 1-D loss curve and a ball that descends it, step by step, reading a Trajectory."""
from __future__ import annotations

import numpy as np
from manim import Arrow, Axes, Dot, Line, VGroup, ValueTracker, WHITE

from .. import style
from ..style import label as L
from .common import INK, LinearMap, colour as gd_colour, text


class LossCurve(VGroup):
    """Axes with the loss curve of a 1-D surface; ``point(w)`` is the scene point of (w, L(w)).

        >>> curve = LossCurve(gd.surface("parabola"), width=4, height=3)
    """

    def __init__(self, surface, *, width: float = 4.0, height: float = 3.0, lang: str = "en",
                 labels: bool = True):
        super().__init__()
        self.surface = surface
        (w0, w1), = surface.bounds
        ws = np.linspace(w0, w1, 200)
        top = float(surface.value(ws[:, None]).max())
        self.axes = Axes(x_range=[w0, w1, (w1 - w0) / 4], y_range=[0, top * 1.08, top / 2],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": INK, "stroke_width": 2, "include_ticks": False})
        self.graph = self.axes.plot(lambda w: float(surface.value([w])), x_range=[w0, w1],
                                    color=INK, stroke_width=3)
        self.axes.y_axis.set_opacity(0)  # manim puts it at w = 0; a frame line at the left instead
        left = Line(self.axes.c2p(w0, 0), self.axes.c2p(w0, top * 1.08), color=INK, stroke_width=2)
        self.to_scene = LinearMap(self.axes, (w0, w1), (0, top * 1.08))
        self.add(self.axes, left, self.graph)
        if labels:
            self.add(text(L("weight", lang), lang, size=18).next_to(self.axes.x_axis.get_right(), np.array([0, -1, 0]),
                                                                   buff=0.12).align_to(self.axes.x_axis, np.array([1, 0, 0])),
                     text(L("loss", lang), lang, size=18).next_to(left, np.array([0, 1, 0]), buff=0.1))

    def point(self, w: float):
        """Scene coordinates of the curve at weight ``w``."""
        return self.to_scene([[w, float(self.surface.value([w]))]])[0]


class DescendingBall(VGroup):
    """A ball on a :class:`LossCurve` driven by ``tracker`` (the fractional step): it sits at
    ``traj.at(t)``, leaves a dot at every step it has made, shows the tangent (slope = gradient)
    and an arrow for the step being taken. Nothing is computed but what the trajectory holds.

        >>> t = ValueTracker(0); ball = DescendingBall(curve, traj, t, colour("gd"))
        >>> self.play(t.animate.set_value(traj.n_steps), run_time=6)
    """

    def __init__(self, curve: LossCurve, traj, tracker: ValueTracker, colour=None, *,
                 tangent: bool = True, lang: str = "en"):
        super().__init__()
        self.curve, self.traj, self.tracker = curve, traj, tracker
        self.colour = colour if colour is not None else gd_colour(traj.optimizer)
        (self.w0, self.w1), = curve.surface.bounds
        self.ball = Dot(radius=0.09, color=self.colour, stroke_color=WHITE, stroke_width=2)
        self.trail = VGroup()
        self.tangent = Line(color=style.OKABE_ITO["vermillion"], stroke_width=3) if tangent else None
        self.step_arrow = Arrow(color=self.colour, buff=0.04, stroke_width=3, tip_length=0.14,
                                max_tip_length_to_length_ratio=0.3, max_stroke_width_to_length_ratio=8)
        self.add(self.trail, self.step_arrow, self.ball)
        if self.tangent is not None:
            self.add(self.tangent)
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def head(self) -> float:
        """The weight at the tracker's current (fractional) step."""
        return float(self.traj.at(min(self.tracker.get_value(), self.traj.n_steps))[0])

    def inside(self, w: float) -> bool:
        return self.w0 <= w <= self.w1

    def update_from_tracker(self):
        t = min(self.tracker.get_value(), self.traj.n_steps)
        w = self.head()
        visible = self.inside(w)
        self.ball.move_to(self.curve.point(w) if visible else self.curve.point(np.clip(w, self.w0, self.w1)))
        self.ball.set_opacity(1.0 if visible else 0.0)
        rows = self.traj.rows_until(t)
        pts = [self.curve.point(x) for x in self.traj.params[:rows, 0] if self.inside(x)]
        if len(self.trail) != len(pts):
            self.trail.become(VGroup(*[Dot(p, radius=0.05, color=self.colour) for p in pts]))
        nxt = min(rows, len(self.traj.params) - 1)
        a, b = self.traj.params[rows - 1, 0], self.traj.params[nxt, 0]
        show_arrow = nxt > rows - 1 and self.inside(a) and self.inside(b) and abs(b - a) > 0.04 * (self.w1 - self.w0)
        if show_arrow:
            self.step_arrow.put_start_and_end_on(self.curve.point(a), self.curve.point(b))
        self.step_arrow.set_opacity(0.55 if show_arrow else 0.0)
        if self.tangent is not None:
            g = float(self.curve.surface.grad([w])[0])
            half = 0.12 * (self.w1 - self.w0)
            y = float(self.curve.surface.value([w]))
            start, end = self.curve.to_scene([[w - half, y - g * half], [w + half, y + g * half]])
            self.tangent.put_start_and_end_on(start, end)
            self.tangent.set_opacity(1.0 if visible else 0.0)
        return self
