"""Adagrad's per-coordinate rate eta / sqrt(sum g^2) shrinking, against a fixed rate."""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, DashedLine, FadeIn, Group, ValueTracker, VGroup, VMobject, linear

from .. import lessons
from ..mobjects import Chart, ContourField, TrajectoryPath, UpdateRule, colour
from ..mobjects.common import text
from ..style import label as L
from .base import GdvizScene


class AdaptiveRates(GdvizScene):
    """Paths of Adagrad and plain gradient descent on the elongated bowl (left); Adagrad's
    effective rate per coordinate drawn as it shrinks, and the fixed rate (right)."""

    seconds = 7.0

    def construct(self):
        runs = lessons.adaptive("elongated")
        ada, fixed = runs.trajectories
        step = ValueTracker(0)
        field = ContourField(runs.surface, width=5.6, height=4.6, lang=self.lang)
        paths = [TrajectoryPath(field, ada, step, colour("adagrad"), lang=self.lang),
                 TrajectoryPath(field, fixed, step, colour("gd"), lang=self.lang)]
        eff = runs.info["effective"]
        n = max(ada.n_steps, fixed.n_steps)
        lo = np.floor(np.log10(min(eff.min(), runs.info["fixed"])))
        hi = np.ceil(np.log10(eff.max()))
        chart = Chart([0, n], [lo, hi], width=5.4, height=3.6, x_label=L("step", self.lang),
                      y_label=L("effective rate", self.lang) + " (log₁₀)", lang=self.lang)
        lines = VGroup(*[VMobject(stroke_color=colour("adagrad"), stroke_width=3) for _ in range(eff.shape[1])])

        def redraw(group):
            k = min(max(int(step.get_value()), 1), len(eff))
            for j, line in enumerate(group):
                line.set_points_as_corners(chart.polyline(range(1, k + 1), np.log10(eff[:k, j])))

        lines.add_updater(redraw)
        redraw(lines)
        level = np.log10(runs.info["fixed"])
        fixed_line = DashedLine(chart.c2p(0, level), chart.c2p(n, level), color=colour("gd"), stroke_width=3)
        names = runs.surface.variables
        labels = VGroup(
            text(f"Adagrad ({names[0]})", self.lang, size=17, colour=colour("adagrad"))
            .next_to(chart.c2p(len(eff), np.log10(eff[-1, 0])), RIGHT, buff=0.1),
            text(f"Adagrad ({names[1]})", self.lang, size=17, colour=colour("adagrad"))
            .next_to(chart.c2p(len(eff), np.log10(eff[-1, 1])), RIGHT, buff=0.1),
            text(L("fixed rate", self.lang), self.lang, size=17, colour=colour("gd"))
            .next_to(chart.c2p(n, level), UP, buff=0.08).align_to(chart.c2p(n, level), RIGHT))
        rule = UpdateRule("adagrad", lang=self.lang, size=28)
        left = Group(field, *paths)
        right = Group(chart, lines, fixed_line, labels)
        Group(left, Group(rule, right).arrange(DOWN, buff=0.3)).arrange(RIGHT, buff=0.6).to_edge(DOWN, buff=0.3)
        heading = self.heading(L("adaptive", self.lang), runs.surface.title[self.lang])
        self.play(FadeIn(heading), FadeIn(left), FadeIn(right), FadeIn(rule), run_time=self.secs(0.8))
        self.play(step.animate.set_value(n), run_time=self.secs(self.seconds), rate_func=linear)
        self.wait(self.secs(1.5))
