"""Random restarts on the egg crate: different starts end in different minima."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Circle, Line, Square, ValueTracker, VGroup

from .. import lessons
from ..mobjects import ContourField, TrajectoryPath
from ..mobjects.common import INK, MUTED, text
from ..style import CONTOUR_COLOURS, OKABE_ITO
from .base import EDGE, GdvizScene, pace_of, square_window

GLOBAL, LOCAL = OKABE_ITO["vermillion"], OKABE_ITO["blue"]
ON_ITS_WAY = "#4a4a4a"     # a path not yet landed: no colour gives its outcome away


class LocalMinima(GdvizScene):
    """The lesson's seeded starts (12, seed 3) run at once on the egg crate, which fills the
    left of the frame. Every path is drawn dark grey while it descends and takes its outcome's
    colour when it lands (within a pixel of where it ends): vermillion in the global minimum,
    blue in a local one. A key says what the colours and the background's shades mean; the
    closing caption counts the minima reached and rings the starts that found the global one."""

    seconds = 4.5

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.restarts("egg-crate")]

    def construct(self):
        runs, = self.runs()
        step = ValueTracker(0)
        # starts are drawn anywhere in the bounds: a margin keeps the ones near an edge whole
        span = float(np.ptp(runs.surface.bounds, axis=1).max())
        field = ContourField(runs.surface, width=7.0, height=7.0, lang=self.lang,
                             window=square_window(runs.surface.bounds, pad=0.03 * span))
        self.place_field(field)
        basin = runs.info["basin"]
        paths = [TrajectoryPath(field, t, step, ON_ITS_WAY, lang=self.lang, stroke_width=3)
                 for t in runs.trajectories]
        for path, t, b in zip(paths, runs.trajectories, basin):
            path.add_updater(self.landing(step, landed(t, field.window), GLOBAL if b == 0 else LOCAL))
        left = field.get_right()[0] + 0.55
        width = EDGE - left
        heading = self.heading(self.L("basins"), runs.surface.title[self.lang], size=30, width=width, align=LEFT)
        key = VGroup(*[VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=c, stroke_width=6),
                              text(self.L(k), self.lang, size=20)).arrange(RIGHT, buff=0.15)
                       for c, k in ((ON_ITS_WAY, "on its way down"), (GLOBAL, "to the global minimum"),
                                    (LOCAL, "to a local minimum"))])
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        star = VGroup(text("★", "en", size=26, colour="#F0E442").set_stroke(INK, 0.6),
                      text(self.L("global minimum"), self.lang, size=20)).arrange(RIGHT, buff=0.15)
        shades = VGroup(*[Square(0.17, stroke_width=0, fill_color=c, fill_opacity=1) for c in CONTOUR_COLOURS[::-1]])
        shades.arrange(RIGHT, buff=0).set_stroke(INK, 0.5)
        shade_key = VGroup(shades, text(self.L("lighter is lower"), self.lang, size=20)).arrange(RIGHT, buff=0.15)
        starts = self.caption(self.L("restart starts").format(n=len(basin)), size=18, colour=MUTED, width=width)
        self.column(heading, starts, VGroup(key, star, shade_key).arrange(DOWN, aligned_edge=LEFT, buff=0.15),
                    left=left, width=width, buff=0.3)
        self.show([field, heading, starts, key, star, shade_key], paths)
        self.advance(step, pace_of([(t, field.window) for t in runs.trajectories]), self.seconds)
        rings = [Circle(radius=0.2, color=GLOBAL, stroke_width=4).move_to(field.c2p(*t.params[0]))
                 for t, b in zip(runs.trajectories, basin) if b == 0]
        reached = len({b for b in basin if b >= 0})
        note = self.L("restarts caption").format(n=len(basin), m=reached, g=len(rings))
        caption = self.caption(note, size=23, width=width)
        caption.next_to(shade_key, DOWN, buff=0.55, aligned_edge=LEFT)
        goal = [field.global_star.copy()] if field.global_star is not None else []  # above the paths
        self.conclude(VGroup(caption, *rings, *goal))

    @staticmethod
    def landing(step, at: float, colour):
        """An updater: the path turns ``colour`` once the tracker reaches step ``at``."""
        def update(path):
            c = colour if step.get_value() >= at else ON_ITS_WAY
            if getattr(path, "_tint", None) != c:
                path.line.set_stroke(color=c)
                path.start.set_stroke(color=c)
                path.dot.set_fill(color=c)
                path._tint = c
        return update


def landed(traj, window, pixels: int = 500) -> float:
    """The first step after which the run stays within a pixel (of a ``pixels``-wide picture of
    ``window``) of where it ends."""
    w = np.asarray(window, dtype=float)
    p = (traj.params - traj.params[-1]) / (w[:, 1] - w[:, 0])
    far = np.abs(p).max(-1) > 1.0 / pixels
    return float(np.flatnonzero(far)[-1] + 1) if far.any() else 0.0
