"""Random restarts on the egg crate: different starts end in different minima."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Circle,
    Create,
    FadeIn,
    Flash,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    Square,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
)

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
    blue in a local one. A key says what the colours and the background's shades mean. Then
    "keep the best": the final losses grow as bars ranked lowest first (each start's end point
    lit as its bar grows), the best is boxed and "kept"; the closing caption counts the minima
    reached and rings the starts that found the global one."""

    seconds = 7.0      # the descents (each about one unit long: slow enough to follow)
    rank_seconds = 3.0  # the ranked bars growing, one after another

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
        paths = [TrajectoryPath(field, t, step, ON_ITS_WAY, lang=self.lang, stroke_width=4.5, dot_radius=0.1)
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
        for path in paths:
            path.update()
            path.clear_updaters()
        # keep the best: the final losses ranked, each bar growing while its end point is lit
        finals = [float(t.loss[-1]) for t in runs.trajectories]
        order = ranked(finals)
        chart = self.ranking([finals[i] for i in order], [GLOBAL if basin[i] == 0 else LOCAL for i in order],
                             width=width)
        chart.next_to(shade_key, DOWN, buff=0.3, aligned_edge=LEFT)
        bars, values = chart[1], chart[2]
        self.play(FadeIn(chart[0]), run_time=self.secs(0.3))
        lit = [Circle(radius=0.17, color=INK, stroke_width=3).move_to(paths[i].dot.get_center()) for i in order]
        grow = [AnimationGroup(GrowFromEdge(bar, LEFT), FadeIn(value), Flash(dot, color=INK, line_length=0.12,
                                                                          flash_radius=0.2))
                for bar, value, dot in zip(bars, values, lit)]
        self.play(LaggedStart(*grow, lag_ratio=0.6), run_time=self.secs(self.rank_seconds))
        best = [k for k, i in enumerate(order) if basin[i] == basin[order[0]]]   # the best minimum, however reached
        box = SurroundingRectangle(VGroup(*[VGroup(bars[k], values[k]) for k in best]), color=GLOBAL,
                                   buff=0.06, stroke_width=3)
        kept = self.cue(text(self.L("keep the best"), self.lang, size=18, colour=GLOBAL).next_to(box, RIGHT, buff=0.15),
                        self.L("keep the best"))
        rings = [Circle(radius=0.2, color=GLOBAL, stroke_width=4).move_to(field.c2p(*t.params[0]))
                 for t, b in zip(runs.trajectories, basin) if b == 0]
        self.play(Create(box), FadeIn(kept), *[Create(r) for r in rings], run_time=self.secs(0.8))
        reached = len({b for b in basin if b >= 0})
        note = self.L("restarts caption").format(n=len(basin), m=reached, g=len(rings))
        caption = self.caption(note, size=21, width=width)
        caption.move_to(VGroup(heading, starts), aligned_edge=UP + LEFT)
        goal = [field.global_star.copy()] if field.global_star is not None else []  # above the paths
        self.conclude(VGroup(caption, *goal), replace=VGroup(heading, starts))

    def ranking(self, losses, colours, *, width: float) -> VGroup:
        """(title, bars, values): one bar per run, ``losses`` in the order given (lowest first),
        lengths proportional to the loss (a zero loss a sliver), the value printed after each."""
        title = text(self.L("final losses ranked"), self.lang, size=18, colour=MUTED)
        room = width - 1.0            # the longest bar leaves room for its value
        top = max(max(losses), 1e-12)
        bars, values = VGroup(), VGroup()
        for k, (loss, c) in enumerate(zip(losses, colours)):
            bar = Rectangle(width=max(room * loss / top, 0.04), height=0.16, stroke_width=0, fill_color=c,
                            fill_opacity=1)
            bar.move_to([bar.width / 2, -0.215 * k, 0])
            bars.add(bar)
            values.add(text(f"{loss:.2f}", "en", size=14))
        bars.next_to(title, DOWN, buff=0.12, aligned_edge=LEFT)
        for bar, value in zip(bars, values):
            value.next_to(bar, RIGHT, buff=0.1)
        return VGroup(title, bars, values)

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


def ranked(losses) -> list[int]:
    """Indices of ``losses`` from the lowest to the highest (ties in the runs' order).

        >>> ranked([3.0, 0.0, 3.0, 1.0])
        [1, 3, 0, 2]
    """
    return sorted(range(len(losses)), key=lambda i: (losses[i], i))
