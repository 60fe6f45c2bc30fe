"""A 2-D surface's contour field (coloured like the matplotlib figures) and trajectory paths."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    WHITE,
    Arrow,
    Axes,
    Circle,
    Dot,
    LineJointType,
    ManimColor,
    Rectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)

from ..render.geometry import first_exit
from ..style import label as L
from .chart import LABEL_SIZE, TICK_SIZE, nice_ticks, ticks
from .common import DIVERGED, INK, LinearMap, Reads, text
from .common import colour as gd_colour


def contour_bands(surface, window, to_scene, *, n: int = 160) -> VGroup:
    """The surface's filled contours over ``window`` as vector shapes in ``axes``: the very
    paths and colours :func:`gdviz.render.axes.draw_contours` gives the matplotlib figures.
    ``to_scene`` maps (N, 2) parameter points to scene points (a :class:`LinearMap`)."""
    from matplotlib.path import Path as MplPath

    from ..render.axes import draw_contours
    from ..render.mpl import new_figure

    fig = new_figure(400, 400)
    ax = fig.add_axes((0, 0, 1, 1))
    cs = draw_contours(ax, surface, window=window, minima=False, lines=False, n=n)
    bands = VGroup()
    for path, rgba in zip(cs.get_paths(), cs.get_facecolor()):
        if not len(path.vertices):
            continue
        shape = VMobject(stroke_width=0, fill_color=ManimColor.from_rgb(rgba[:3]), fill_opacity=1)
        for poly in _polygons(path, MplPath):
            pts = to_scene(poly)
            shape.start_new_path(pts[0])
            shape.add_points_as_corners(pts[1:])
            shape.add_line_to(pts[0])
        bands.add(shape)
    return bands


def _polygons(path, MplPath):
    """Split a matplotlib path into its closed polygons (lists of vertices)."""
    polys, current = [], []
    for (x, y), code in zip(path.vertices, path.codes if path.codes is not None else
                            [MplPath.MOVETO] + [MplPath.LINETO] * (len(path.vertices) - 1)):
        if code == MplPath.MOVETO:
            if len(current) > 2:
                polys.append(current)
            current = [(x, y)]
        elif code == MplPath.CLOSEPOLY:
            if len(current) > 2:
                polys.append(current)
            current = []
        else:
            current.append((x, y))
    if len(current) > 2:
        polys.append(current)
    return polys


class ContourField(VGroup):
    """A 2-D surface's window with its filled contours (vector shapes, coloured like the
    matplotlib figures), a frame with ticks and numbers on the left and bottom, the variable
    names, and the known minima marked (the global one a yellow star). The field fits in
    ``width`` x ``height`` with equal scales on both axes. ``c2p(x, y)`` maps parameters to the scene.
    ``names``: the axes' names (default: the surface's variables).

        >>> field = ContourField(gd.surface("rosenbrock"), width=6, height=5)
    """

    def __init__(self, surface, *, width: float = 6.0, height: float = 5.0, window=None,
                 lang: str = "en", minima: bool = True, size: float = TICK_SIZE, names=None):
        super().__init__()
        self.surface = surface
        self.window = np.asarray(surface.bounds if window is None else window, dtype=float)
        (x0, x1), (y0, y1) = self.window
        # one unit is as long across as up: round bowls stay round (width, height are maxima)
        aspect = (y1 - y0) / (x1 - x0)
        width, height = (width, width * aspect) if width * aspect <= height else (height / aspect, height)
        self.axes = Axes(x_range=[x0, x1, _tick(x1 - x0)], y_range=[y0, y1, _tick(y1 - y0)],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": INK, "stroke_width": 1.5, "include_numbers": False})
        self.axes.set_opacity(0)  # kept for c2p; manim would draw its lines through the origin
        self.to_scene = LinearMap(self.axes, (x0, x1), (y0, y1))
        self.bands = contour_bands(surface, self.window, self.to_scene)
        self.frame = Rectangle(width=width, height=height, stroke_color=INK, stroke_width=1.5)
        self.frame.move_to(self.axes.c2p((x0 + x1) / 2, (y0 + y1) / 2))
        self.tick_marks = ticks(self.to_scene, nice_ticks(x0, x1), nice_ticks(y0, y1), x_at=x0, y_at=y0,
                                lang=lang, size=size)
        names = [text(v, lang, size=LABEL_SIZE + 2, colour=INK, slant="ITALIC")
                 for v in (surface.variables if names is None else names)]
        names[0].next_to(self.tick_marks, DOWN, buff=0.06).set_x(self.frame.get_center()[0])
        names[1].next_to(self.tick_marks, LEFT, buff=0.12).set_y(self.frame.get_center()[1])
        self.add(self.axes, self.bands, self.frame, self.tick_marks, *names)
        self.global_star = None   # the global minimum's star (a scene may bring a copy to the front)
        if minima and surface.minima.size:
            for i, m in enumerate(surface.minima):
                if (m >= self.window[:, 0]).all() and (m <= self.window[:, 1]).all():
                    star = Text("★", font="DejaVu Sans", font_size=22 if i else 30,
                                color="#F0E442" if i == 0 and len(surface.minima) > 1 else INK)
                    if i == 0 and len(surface.minima) > 1:
                        star.set_stroke(INK, width=0.8)
                    self.add(star.move_to(self.c2p(*m)))
                    if i == 0:
                        self.global_star = star

    def c2p(self, x, y):
        return self.to_scene([[x, y]])[0]


def _tick(span: float) -> float:
    return 10 ** np.floor(np.log10(span / 2))


class TrajectoryPath(Reads, VGroup):
    """The path of ``traj`` on a :class:`ContourField`, drawn up to the tracker's step, with a
    dot at ``traj.at(t)``. A diverging path stops at the window's edge with a 'diverged' mark.
    ``per_step``: tracker units per step, when one tracker drives runs on different clocks
    (e.g. examples processed, for batches of different sizes); ``clock``: instead, a function
    from the tracker's value to the fractional step (e.g. :class:`gdviz.scenes.base.HopClock`).

        >>> t = ValueTracker(0); path = TrajectoryPath(field, traj, t, colour("adam"))
    """

    def __init__(self, field: ContourField, traj, tracker: ValueTracker, colour=None, *,
                 lang: str = "en", stroke_width: float = 3.5, per_step: float = 1.0,
                 dot_radius: float = 0.085, markers: bool = False, clock=None):
        super().__init__()
        self.field, self.traj, self.tracker = field, traj, tracker
        self.per_step = float(per_step)   # tracker units per step (a clock shared by runs of other speeds)
        self.clock = clock
        self.colour = colour if colour is not None else gd_colour(traj.optimizer)
        window = field.window
        self.exit, self.edge = first_exit(traj.params, window) if traj.status == "diverged" else (None, None)
        # round joins: a zig-zag's sharp corners would otherwise end in long miter spikes
        self.line = VMobject(stroke_color=self.colour, stroke_width=stroke_width, joint_type=LineJointType.ROUND)
        self.start = Dot(field.c2p(*traj.params[0]), radius=0.08, color=WHITE, stroke_color=self.colour,
                         stroke_width=3)
        self.dot = Dot(radius=dot_radius, color=self.colour, stroke_color=WHITE, stroke_width=2)
        # a small dot at every step made (``markers``): one shape whose points change
        self.markers = VMobject(fill_color=self.colour, fill_opacity=1, stroke_width=0) if markers else None
        self._marker_circle = Circle(radius=0.035).points.copy()
        self.add(self.line, *([self.markers] if markers else []), self.start, self.dot)
        self.mark = None
        if self.exit is not None:
            p = traj.params
            d = p[self.exit] - p[self.exit - 1]
            tip = field.c2p(*self.edge)
            direction = np.array([*(d / (np.linalg.norm(d) + 1e-300)), 0.0])
            arrow = Arrow(tip - 0.6 * direction, tip, buff=0, color=DIVERGED, stroke_width=5)
            label = text(L("diverged", lang), lang, size=20, colour=DIVERGED)
            label.next_to(tip - 0.6 * direction, -direction, buff=0.1)
            self.mark = VGroup(arrow, label).set_opacity(0)
            self._tip = tip
            self.add(self.mark)
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def points_at(self, t: float) -> np.ndarray:
        """Parameter points drawn at fractional step ``t`` (the last one is the moving head)."""
        t = min(t, self.traj.n_steps)
        if self.exit is not None and t > self.traj.step_of(self.exit - 1):
            a, b = self.traj.params[self.exit - 1], self.traj.params[self.exit]
            s0, s1 = self.traj.step_of(self.exit - 1), self.traj.step_of(self.exit)
            reach = np.linalg.norm(self.edge - a) / (np.linalg.norm(b - a) + 1e-300)
            if (t - s0) / (s1 - s0) >= reach:  # the head has reached the edge: stop there
                return np.vstack([self.traj.params[: self.exit], self.edge])
        return np.vstack([self.traj.params[: self.traj.rows_until(t)], self.traj.at(t)[None]])

    def step(self) -> float:
        """The (fractional) step shown: the tracker's value on this run's clock."""
        t = self.tracker.get_value()
        return float(self.clock(t)) if self.clock is not None else t / self.per_step

    def update_from_tracker(self):
        """Redraw for the tracker's step, unless what is drawn is already that: the same step
        (a run that has arrived stays still while others move) on a field that has not moved."""
        t = self.step()
        key = (min(t, self.traj.n_steps), self.field.to_scene([[0.0, 0.0], [1.0, 1.0]]).tobytes())
        if key == getattr(self, "_drawn", None):
            return self
        self._drawn = key
        pts = self.points_at(t)
        scene_pts = self.field.to_scene(pts)
        self.line.set_points_as_corners(scene_pts if len(scene_pts) > 1 else np.vstack([scene_pts, scene_pts]))
        self.dot.move_to(scene_pts[-1])
        self.start.move_to(self.field.c2p(*self.traj.params[0]))   # follows the field if it moved
        if self.markers is not None:  # the completed steps (not the start, not the moving head)
            centres = scene_pts[1:-1]
            self.markers.points = (centres[:, None, :] + self._marker_circle[None]).reshape(-1, 3)
        if self.mark is not None:
            tip = self.field.c2p(*self.edge)
            if not np.allclose(tip, self._tip):
                self.mark.shift(tip - self._tip)
                self._tip = tip
            self.mark.set_opacity(1.0 if t >= self.traj.step_of(self.exit) else 0.0)
        return self
