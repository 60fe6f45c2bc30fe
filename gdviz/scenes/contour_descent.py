"""Gradient descent on a round bowl, on an elongated bowl (the zig-zag of unscaled features),
then on standardized features."""
from __future__ import annotations

from manim import DOWN, FadeIn, FadeOut, Group, ValueTracker, linear

from .. import lessons
from ..render.axes import fit_window
from ..mobjects import ContourField, RatePanel, TrajectoryPath, colour
from ..style import label as L
from .base import GdvizScene


class ContourDescent(GdvizScene):
    """Three acts, each a contour field with the gradient-descent path drawn step by step."""

    seconds = 5.0

    def acts(self):
        bowl = lessons.single("bowl", ["gd"], [0.1], steps=200)
        long = lessons.single("elongated", ["gd"], [0.09], steps=400)
        scaled = lessons.feature_scaling()
        return [(bowl.surface, bowl.trajectories[0], bowl.surface.title[self.lang]),
                (long.surface, long.trajectories[0], long.surface.title[self.lang]),
                (scaled.surfaces[1], scaled.trajectories[1], scaled.surfaces[1].title[self.lang])]

    def construct(self):
        for surface, traj, title in self.acts():
            step = ValueTracker(0)
            field = ContourField(surface, width=6.4, height=5.4, window=fit_window(surface, [traj]),
                                 lang=self.lang)
            path = TrajectoryPath(field, traj, step, colour("gd"), lang=self.lang)
            panel = RatePanel(traj, step, title=L("iteration", self.lang), lang=self.lang,
                              colour=colour("gd"))
            scene = Group(field, path).to_edge(DOWN, buff=0.3).shift(1.3 * DOWN * 0)
            panel.next_to(field, direction=[1, 0, 0], buff=0.4)
            heading = self.heading(title)
            self.play(FadeIn(heading), FadeIn(scene), FadeIn(panel), run_time=self.secs(0.8))
            self.play(step.animate.set_value(traj.n_steps), run_time=self.secs(self.seconds), rate_func=linear)
            self.wait(self.secs(1.0))
            self.play(FadeOut(heading), FadeOut(scene), FadeOut(panel), run_time=self.secs(0.6))
