"""gd, momentum, Nesterov, RMSprop and Adam race on Rosenbrock, then on the egg crate."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, FadeIn, FadeOut, Group, ValueTracker, linear

from .. import lessons
from ..mobjects import ContourField, OptimizerLegend, TrajectoryPath, colour
from ..style import label as L
from .base import GdvizScene


class OptimizerRace(GdvizScene):
    """Each act: one contour field, five paths driven by one tracker, a legend."""

    surfaces = ("rosenbrock", "egg-crate")
    optimizers = lessons.RACE_DEFAULT
    seconds = 8.0

    def construct(self):
        for name in self.surfaces:
            runs = lessons.race(name, self.optimizers)
            step = ValueTracker(0)
            field = ContourField(runs.surface, width=7.2, height=5.6, lang=self.lang)
            paths = [TrajectoryPath(field, t, step, colour(k), lang=self.lang, stroke_width=3)
                     for t, k in zip(runs.trajectories, runs.series)]
            legend = OptimizerLegend(runs.series, lang=self.lang, rates=runs.rates, size=18).boxed()
            stage = Group(field, *paths).to_edge(DOWN, buff=0.25).to_edge(LEFT, buff=0.6)
            legend.next_to(field, RIGHT, buff=0.3).align_to(field, direction=[0, 1, 0])
            heading = self.heading(L("optimizer race", self.lang), runs.surface.title[self.lang])
            self.play(FadeIn(heading), FadeIn(stage), FadeIn(legend), run_time=self.secs(0.8))
            n = max(t.n_steps for t in runs.trajectories)
            self.play(step.animate.set_value(n), run_time=self.secs(self.seconds), rate_func=linear)
            self.wait(self.secs(1.0))
            self.play(FadeOut(heading), FadeOut(stage), FadeOut(legend), run_time=self.secs(0.6))
