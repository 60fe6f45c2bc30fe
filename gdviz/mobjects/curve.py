"""A 1-D loss curve and a ball that descends it, step by step, reading a Trajectory."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, WHITE, Arrow, Axes, Circle, Dot, Line, ValueTracker, VGroup, VMobject

from .. import style
from ..style import label as L
from .chart import LABEL_SIZE, TICK_SIZE, nice_ticks, ticks
from .common import DIVERGED, INK, MUTED, LinearMap, Reads, text
from .common import colour as gd_colour


class LossCurve(VGroup):
    """The loss curve of a 1-D surface on an L-shaped frame with ticks, numbers and axis labels
    ("weight w" under the axis, "loss" above it), over ``window`` (default: the surface's
    bounds; see :func:`gdviz.render.geometry.fit_window`); ``point(w)`` is the scene point of
    (w, L(w)).

        >>> curve = LossCurve(gd.surface("parabola"), width=4, height=3)
    """

    def __init__(self, surface, *, width: float = 4.0, height: float = 3.0, lang: str = "en",
                 labels: bool = True, size: float = TICK_SIZE, window=None):
        super().__init__()
        self.surface = surface
        self.window = np.asarray(surface.bounds if window is None else window, dtype=float)
        (w0, w1), = self.window
        ws = np.linspace(w0, w1, 200)
        values = surface.value(ws[:, None])
        top = float(values.max()) * 1.08
        self.top = top
        self.axes = Axes(x_range=[w0, w1, (w1 - w0) / 4], y_range=[0, top, top / 2],
                         x_length=width, y_length=height, tips=False).set_opacity(0)
        self.to_scene = LinearMap(self.axes, (w0, w1), (0, top))
        self.graph = VMobject(stroke_color=INK, stroke_width=3)
        self.graph.set_points_smoothly(self.to_scene(np.column_stack([ws, values])))
        bottom = Line(self.to_scene([[w0, 0]])[0], self.to_scene([[w1, 0]])[0], color=INK, stroke_width=2)
        left = Line(self.to_scene([[w0, 0]])[0], self.to_scene([[w0, top]])[0], color=INK, stroke_width=2)
        self.tick_marks = ticks(self.to_scene, nice_ticks(w0, w1, 7), nice_ticks(0, top, 4),
                                x_at=w0, y_at=0, lang=lang, size=size)
        self.add(self.axes, bottom, left, self.tick_marks, self.graph)
        if labels:
            self.add(text(L("weight", lang), lang, size=LABEL_SIZE, colour=MUTED)
                     .next_to(self.tick_marks, DOWN, buff=0.08).set_x(bottom.get_center()[0]),
                     text(L("loss", lang), lang, size=LABEL_SIZE, colour=MUTED)
                     .next_to(left, UP, buff=0.1).align_to(self.tick_marks, LEFT))

    def point(self, w: float):
        """Scene coordinates of the curve at weight ``w``."""
        return self.to_scene([[w, float(self.surface.value([w]))]])[0]

    def curve_points(self, ws) -> np.ndarray:
        """Scene coordinates of the curve at each weight of ``ws``."""
        ws = np.asarray(ws, dtype=float).reshape(-1)
        return self.to_scene(np.column_stack([ws, self.surface.value(ws[:, None])]))


class DescendingBall(Reads, VGroup):
    """A ball on a :class:`LossCurve` driven by ``tracker`` (the fractional step): it hops from
    the point of one step to the next along an arc (a step jumps; it does not slide along the
    curve through the minimum), leaves a dot at every step it has made, and shows the tangent
    (slope = gradient) at the point the current step is taken from. A run that leaves the
    curve's window gets a "diverged" arrow at the edge it left by. Nothing is computed but what
    the trajectory holds.

        >>> t = ValueTracker(0); ball = DescendingBall(curve, traj, t, colour("gd"))
        >>> self.play(t.animate.set_value(traj.n_steps), run_time=6)
    """

    def __init__(self, curve: LossCurve, traj, tracker: ValueTracker, colour=None, *,
                 tangent: bool = True, lang: str = "en"):
        super().__init__()
        self.curve, self.traj, self.tracker = curve, traj, tracker
        self.colour = colour if colour is not None else gd_colour(traj.optimizer)
        (self.w0, self.w1), = curve.window
        self.ball = Dot(radius=0.1, color=self.colour, stroke_color=WHITE, stroke_width=2)
        # the dots of the steps made, as one shape (one circle per step): its points change,
        # never its family, which manim's renderer lists once per animation
        self.trail = VMobject(fill_color=self.colour, fill_opacity=1, stroke_width=0)
        self._circle = Circle(radius=0.05).points.copy()
        self.tangent = Line(color=style.OKABE_ITO["vermillion"], stroke_width=3) if tangent else None
        self.hop_line = VMobject(stroke_color=self.colour, stroke_width=2.5, stroke_opacity=0.6)
        w = traj.params[:, 0]
        self._inside = (w >= self.w0) & (w <= self.w1)
        out = np.flatnonzero(~self._inside)
        self.exit = int(out[0]) if out.size else None       # the first row off the curve
        self.mark = None
        if self.exit is not None:  # which edge it left by, and an arrow pointing out there
            side = 1.0 if w[self.exit] > self.w1 else -1.0
            edge = self.w1 if side > 0 else self.w0
            tip = curve.point(edge)
            arrow = Arrow(tip - RIGHT * side * 0.55, tip + RIGHT * side * 0.05, buff=0, color=DIVERGED,
                          stroke_width=5, tip_length=0.18)
            label = text(L("diverged", lang), lang, size=18, colour=DIVERGED)
            label.next_to(arrow, -side * RIGHT, buff=0.1)
            self.mark = VGroup(arrow, label)
        self.add(self.trail, self.hop_line, self.ball)
        if self.tangent is not None:
            self.add(self.tangent)
        if self.mark is not None:
            self.add(self.mark)
        self._trail_rows = -1
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def head(self) -> float:
        """The weight at the tracker's current (fractional) step."""
        return float(self.traj.at(min(self.tracker.get_value(), self.traj.n_steps))[0])

    def inside(self, w: float) -> bool:
        return self.w0 <= w <= self.w1

    def gone(self, t: float) -> bool:
        """Has the run left the curve's window by step ``t``?"""
        return self.exit is not None and t >= self.traj.step_of(self.exit) - 1e-9

    def hop_points(self, t: float, n: int = 24) -> np.ndarray:
        """Scene points of the hop under way at step ``t``, from the last point reached to the
        ball (one point when it rests): the arc of :func:`gdviz.render.geometry.hop`."""
        from ..render.geometry import hop

        rows = self.traj.rows_until(t)
        last = rows - 1
        a = self.curve.point(self.traj.params[last, 0])
        if last + 1 >= len(self.traj.params):
            return a[None]
        span = self.traj.step_of(last + 1) - self.traj.step_of(last)
        u = float(np.clip((t - self.traj.step_of(last)) / span, 0.0, 1.0))
        b = self.curve.point(self.traj.params[last + 1, 0])
        pts = hop(a[:2], b[:2], np.linspace(0.0, u, n), 0.25 * abs(b[0] - a[0]))
        return np.column_stack([pts, np.full(len(pts), a[2])])

    def update_from_tracker(self):
        t = min(self.tracker.get_value(), self.traj.n_steps)
        rows = self.traj.rows_until(t)
        arc = self.hop_points(t)
        x0, x1 = self.curve.to_scene([[self.w0, 0.0], [self.w1, 0.0]])[:, 0]
        pos = arc[-1]
        gone = self.gone(t) or not (x0 - 1e-9 <= pos[0] <= x1 + 1e-9)
        self.ball.move_to(pos)
        self.ball.set_opacity(0.0 if gone else 1.0)
        key = (rows, *np.round(self.curve.to_scene([[self.w0, 0.0]])[0], 6))   # moved with its curve, too
        if key != self._trail_rows:  # the trail changes only when a step is completed
            keep = np.flatnonzero(self._inside[:rows])
            centres = self.curve.curve_points(self.traj.params[keep, 0])
            self.trail.points = (centres[:, None, :] + self._circle[None]).reshape(-1, 3)
            self._trail_rows = key
        self.hop_line.set_points_as_corners(arc if len(arc) > 1 else np.vstack([arc, arc]))
        self.hop_line.set_stroke(opacity=0.0 if len(arc) < 2 or gone else 0.6)
        if self.tangent is not None:   # the slope where this step is taken from
            w = float(self.traj.params[rows - 1, 0])
            g = float(self.traj.grads[rows - 1, 0])
            y = float(self.curve.surface.value([w]))
            # a segment of fixed length on screen, whatever the slope
            (sx0, sy0, _), (sx1, sy1, _) = self.curve.to_scene([[self.w0, 0.0], [self.w1, self.curve.top]])
            sx, sy = (sx1 - sx0) / (self.w1 - self.w0), (sy1 - sy0) / self.curve.top   # scene per unit
            half = 0.5 / np.hypot(sx, g * sy)
            start, end = self.curve.to_scene([[w - half, y - g * half], [w + half, y + g * half]])
            self.tangent.put_start_and_end_on(start, end)
            resting = self.traj.status == "converged" and rows - 1 >= self.traj.n_steps
            self.tangent.set_opacity(0.0 if gone or resting or not self.inside(w) else 1.0)
        if self.mark is not None:
            self.mark.set_opacity(1.0 if gone else 0.0)
        return self
