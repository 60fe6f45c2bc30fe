"""Random restarts on the egg crate: different starts end in different minima."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Circle, Line, ValueTracker, VGroup

from .. import lessons
from ..mobjects import ContourField, TrajectoryPath
from ..mobjects.common import INK, MUTED, text
from ..style import OKABE_ITO
from .base import EDGE, GdvizScene, pace_of

GLOBAL, LOCAL = OKABE_ITO["vermillion"], OKABE_ITO["blue"]


class LocalMinima(GdvizScene):
    """The lesson's seeded starts (12, seed 3) run at once on the egg crate, which fills the
    left of the frame; paths that end in the global minimum are vermillion, the others blue.
    The closing caption counts the minima reached and rings the best start."""

    seconds = 6.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.restarts("egg-crate")]

    def construct(self):
        runs, = self.runs()
        step = ValueTracker(0)
        field = ContourField(runs.surface, width=7.0, height=7.0, lang=self.lang)
        self.place_field(field)
        basin = runs.info["basin"]
        paths = [TrajectoryPath(field, t, step, GLOBAL if b == 0 else LOCAL, lang=self.lang, stroke_width=3)
                 for t, b in zip(runs.trajectories, basin)]
        left = field.get_right()[0] + 0.55
        width = EDGE - left
        heading = self.heading(self.L("basins"), runs.surface.title[self.lang], size=30, width=width, align=LEFT)
        key = VGroup(*[VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=c, stroke_width=6),
                              text(self.L(k), self.lang, size=20)).arrange(RIGHT, buff=0.15)
                       for c, k in ((GLOBAL, "to the global minimum"), (LOCAL, "to a local minimum"))])
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        star = VGroup(text("★", "en", size=26, colour="#F0E442").set_stroke(INK, 0.6),
                      text(self.L("global minimum"), self.lang, size=20)).arrange(RIGHT, buff=0.15)
        starts = self.caption(self.L("restart starts").format(n=len(basin)), size=18, colour=MUTED, width=width)
        self.column(heading, starts, VGroup(key, star).arrange(DOWN, aligned_edge=LEFT, buff=0.15),
                    left=left, width=width, buff=0.3)
        self.show([field, heading, starts, key, star], paths)
        self.advance(step, pace_of([(t, field.window) for t in runs.trajectories]), self.seconds)
        best = runs.trajectories[runs.info["best"]]
        ring = Circle(radius=0.2, color=GLOBAL, stroke_width=4).move_to(field.c2p(*best.params[0]))
        reached = len({b for b in basin if b >= 0})
        g = sum(b == 0 for b in basin)
        note = self.L("restarts caption").format(n=len(basin), m=reached, g=g)
        caption = self.caption(note, size=23, width=width)
        caption.next_to(star, DOWN, buff=0.55, aligned_edge=LEFT)
        goal = [field.global_star.copy()] if field.global_star is not None else []  # above the paths
        self.conclude(VGroup(caption, ring, *goal))
