"""Full batch, mini-batch and single-sample SGD on a linear-regression loss over (w, b)."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, FadeIn, Group, ValueTracker, VGroup, VMobject, linear

from .. import lessons
from ..render.axes import fit_window
from ..render.series import series_label
from ..mobjects import Chart, ContourField, TrajectoryPath
from ..mobjects.common import text
from ..style import SERIES, label as L
from .base import GdvizScene


class StochasticVsBatch(GdvizScene):
    """The noisy paths on the contours (left) and their loss curves drawn as they go (right)."""

    seconds = 8.0

    def construct(self):
        runs = lessons.batch_sizes()
        step = ValueTracker(0)
        colours = SERIES[: len(runs.trajectories)]
        field = ContourField(runs.surface, width=5.6, height=5.0,
                             window=fit_window(runs.surface, runs.trajectories, include_bounds=False),
                             lang=self.lang)
        paths = [TrajectoryPath(field, t, step, c, lang=self.lang, stroke_width=2.5)
                 for t, c in zip(runs.trajectories, colours)]
        n = max(t.n_steps for t in runs.trajectories)
        top = np.log10(max(t.loss.max() for t in runs.trajectories))
        low = np.log10(min(t.loss.min() for t in runs.trajectories))
        chart = Chart([0, n], [np.floor(low), np.ceil(top)], width=5.2, height=4.0,
                      x_label=L("step", self.lang), y_label=L("loss", self.lang) + " (log₁₀)", lang=self.lang)
        curves = VGroup(*[VMobject(stroke_color=c, stroke_width=3) for c in colours])

        def redraw(group):
            k = int(step.get_value())
            for curve, t in zip(group, runs.trajectories):
                m = min(k, t.n_steps)
                curve.set_points_as_corners(chart.polyline(range(m + 1), np.log10(t.loss[: m + 1])))

        curves.add_updater(redraw)
        redraw(curves)
        legend = VGroup(*[text(series_label(k, self.lang), self.lang, size=18, colour=c)
                          for k, c in zip(runs.series, colours)]).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        left = Group(field, *paths)
        right = Group(chart, curves)
        Group(left, right).arrange(RIGHT, buff=0.7).to_edge(DOWN, buff=0.35)
        legend.next_to(chart.c2p(n, np.ceil(top)), DOWN + LEFT, buff=0.1)
        heading = self.heading(L("batch vs sgd", self.lang), runs.surface.title[self.lang])
        self.play(FadeIn(heading), FadeIn(left), FadeIn(right), FadeIn(legend), run_time=self.secs(0.8))
        self.play(step.animate.set_value(n), run_time=self.secs(self.seconds), rate_func=linear)
        self.wait(self.secs(1.5))
