"""A fly-over of a network's loss landscape: the log loss on a plane through its weights as a
shaded surface, the camera turning slowly around it while the training paths, projected onto the
plane, descend on it; the plane's lowest point starred."""
from __future__ import annotations

import numpy as np
from manim import DEGREES, DOWN, LEFT, RIGHT, UP, Line, ThreeDScene, ValueTracker, VGroup, config, linear

from .. import lessons, style
from ..landscapes.grid import TITLES
from ..mobjects import colour, text
from ..mobjects.common import INK, MUTED
from ..mobjects.landscape import LandscapeSurface, SurfacePath, ramp
from ..style import OKABE_ITO, optimizer_name
from .base import EDGE, GdvizScene, pace_of

STAR = OKABE_ITO["yellow"]


class LandscapeFlyover(GdvizScene, ThreeDScene):
    """The landscape of :meth:`lesson_runs` (lesson ``landscape-paths``: ``info["landscape"]``, a
    2-D Landscape) as a surface of log loss; its trajectories (projected onto the plane with
    ``Landscape.project`` unless already 2-D) descend on it, paced so the motion fills the video,
    while the camera turns ``turn`` degrees around it. A key names the paths, the star and the
    height; the closing caption says how much of the plane lies lower than each end, each path's
    own final loss and, for a PCA plane, the share of the paths' variance it holds."""

    seconds = 7.0        # the descent
    turn = 70.0          # degrees the camera turns during the descent
    phi = 52.0           # the camera's angle from the vertical
    theta = -125.0       # the camera's azimuth at the start
    zoom = 1.0
    offset = (2.5, -0.35)  # the surface's centre this far right of (and below) the frame's: texts on the left
    column_width = 4.6   # the texts' column, from the left edge
    face_pixels = 18     # the surface's faces about this many pixels tall (20 x 20 at -ql, 40 x 40 at medium)

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.landscape_paths()]

    def construct(self):
        runs, = self.runs()
        land = runs.info["landscape"]
        trajs = [t if t.params.shape[-1] == 2 else land.project(t) for t in runs.trajectories]
        self.camera.should_apply_shading = False     # the surface's faces carry their own shading
        self.set_camera_orientation(phi=self.phi * DEGREES, theta=self.theta * DEGREES, zoom=self.zoom)
        self.shift_picture(*self.offset)
        surface = LandscapeSurface(land, size=7.0, height=2.6, base=-1.3,
                                   resolution=round(config.pixel_height / self.face_pixels))
        step = ValueTracker(0)
        paths = [SurfacePath(surface, t, step, colour(key)) for t, key in zip(trajs, runs.series)]
        star = text("★", "en", size=40, colour=STAR).set_stroke(INK, 0.8)
        star.move_to(surface.point(*surface.argmin(), 0.12))
        sub = runs.info.get("sub", {}).get(self.lang) or TITLES[land.kind][self.lang == "zh"]
        left = -EDGE
        width = self.column_width
        heading = self.heading(self.L("landscape title"), sub, size=28, width=width, align=LEFT)
        key = self.key(runs.series, surface.masked)
        self.column(heading, left=left, width=width)
        key.to_corner(DOWN + LEFT, buff=0.3)
        self.add_fixed_in_frame_mobjects(heading, key)
        # dots and the star face the camera (round, not squashed); only the camera is told, since
        # adding a path's dot on its own would take it out of the path that moves it
        self.camera.add_fixed_orientation_mobjects(star, *[d for p in paths for d in (p.dot, p.start)])
        self.show([surface, star], paths)          # the star from the first frame (the poster)
        self.bring_to_front(star)                   # over the paths that end on it
        pace = pace_of([(t, np.array([[land.x[0], land.x[-1]], [land.y[0], land.y[-1]]])) for t in trajs])
        run_time = self.secs(self.seconds)
        theta = self.camera.theta_tracker
        self.play(step.animate(rate_func=pace.segment(0, pace.end)).set_value(pace.end),
                  theta.animate(rate_func=linear).increment_value(self.turn * DEGREES), run_time=run_time)
        step.set_value(pace.n)
        self.update_mobjects(0)
        note = self.closing(land, trajs, runs.series)
        room = config.frame_height / 2 - 0.2 - (key.get_top()[1] + 0.4)     # above the key
        caption = self.caption(note, size=22, width=width, height=room)
        caption.move_to(heading, aligned_edge=UP + LEFT)
        self.add_fixed_in_frame_mobjects(caption)
        self.remove(caption)
        self.conclude(caption, replace=heading)

    def shift_picture(self, dx: float, dy: float):
        """Draw the 3-D picture ``dx`` units right and ``dy`` up of the frame's centre (the camera
        still turns around the surface's centre): every projected point moves, the texts fixed
        in the frame do not."""
        project = self.camera.project_points
        shift = np.array([dx, dy, 0.0])
        self.camera.project_points = lambda points: project(points) + shift

    def closing(self, land, trajs, series) -> str:
        """The closing caption: how much of the plane lies lower than each path's end (the plane's
        loss there, interpolated), each path's own final loss, and for a PCA plane the share of
        the paths' variance it holds."""
        sep = "、" if self.lang == "zh" else ", "
        lower = sep.join(f"{100 * float(r):.0f}%" for r in land.share_below([t.params[-1] for t in trajs]))
        finals = sep.join(f"{optimizer_name(k, self.lang)} {float(t.loss[-1]):.3g}" for k, t in zip(series, trajs))
        note = self.L("flyover caption").format(lower=lower, n=self.steps(max(t.n_steps for t in trajs)),
                                                finals=finals)
        if land.explained is not None:
            note += self.L("flyover explained").format(e=f"{100 * float(np.sum(land.explained)):.0f}%")
        return note

    def key(self, series, masked: bool) -> VGroup:
        """One row per path (its colour and optimizer), the star, the height and colour scale."""
        rows = [VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=colour(k), stroke_width=6),
                       text(optimizer_name(k, self.lang), self.lang, size=18)).arrange(RIGHT, buff=0.15)
                for k in series]
        rows.append(VGroup(text("★", "en", size=24, colour=STAR).set_stroke(INK, 0.6),
                           text(self.L("landscape lowest"), self.lang, size=18)).arrange(RIGHT, buff=0.15))
        bar = VGroup(*[Line(LEFT * 0.03, RIGHT * 0.03, stroke_width=10, color=ramp(style.SURFACE_COLOURS, s))
                       for s in np.linspace(0, 1, 12)]).arrange(RIGHT, buff=0)
        rows.append(VGroup(bar, text(self.L("flyover height"), self.lang, size=18, colour=MUTED))
                    .arrange(RIGHT, buff=0.15))
        if masked:
            rows.append(text(self.L("flyover masked"), self.lang, size=18, colour=MUTED))
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)


__all__ = ["LandscapeFlyover"]
