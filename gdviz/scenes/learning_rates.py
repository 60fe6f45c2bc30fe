"""The headline: too small, too large and Goldilocks learning rates, stepping in sync."""
from __future__ import annotations

from manim import DOWN, RIGHT, FadeIn, Group, ValueTracker, linear

from .. import lessons
from ..mobjects import DescendingBall, LossCurve, RatePanel, colour
from .base import GdvizScene

ORDER = ("too small", "too large", "goldilocks")  # the course's figures 6, 7 and 8


class LearningRates(GdvizScene):
    """Three 1-D panels on the course's parabola (seed 001), one tracker driving all three."""

    surface = "parabola"
    seconds_per_step = 0.3

    def construct(self):
        runs = lessons.lr_triptych(self.surface)
        step = ValueTracker(0)
        panels = Group()
        for key in ORDER:
            i = runs.series.index(key)
            traj, c = runs.trajectories[i], colour(key)
            curve = LossCurve(runs.surface, width=3.7, height=2.7, lang=self.lang)
            ball = DescendingBall(curve, traj, step, c, lang=self.lang)
            panel = RatePanel(traj, step, title=self.L(key), lang=self.lang, colour=c, lr=runs.rates[i])
            panels.add(Group(panel, Group(curve, ball)).arrange(DOWN, buff=0.25))
        panels.arrange(RIGHT, buff=0.45).scale_to_fit_width(13.2).to_edge(DOWN, buff=0.35)
        title = self.heading(self.L("lr triptych"), runs.surface.title[self.lang])
        self.play(FadeIn(title), FadeIn(panels), run_time=self.secs(1.0))
        n = max(t.n_steps for t in runs.trajectories)
        self.play(step.animate.set_value(n), run_time=self.secs(self.seconds_per_step * n), rate_func=linear)
        self.wait(self.secs(1.5))
