"""Adagrad's per-coordinate rate eta / sqrt(sum g^2) shrinking, against a fixed rate."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedLine, Line, ValueTracker, VGroup, VMobject

from .. import lessons
from ..mobjects import Chart, ContourField, TrajectoryPath, UpdateRule, colour
from ..mobjects.common import text
from ..render.geometry import fit_window
from ..style import fmt_number, optimizer_name
from .base import GdvizScene, pace_of


class AdaptiveRates(GdvizScene):
    """Paths of Adagrad and of gradient descent at its best fixed rate on the elongated bowl
    (left); Adagrad's effective rate per coordinate drawn step by step against the fixed rate
    (right, below the update rule). The closing caption: the steep coordinate is slowed most,
    and Adagrad arrives first."""

    seconds = 7.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.adaptive("elongated")]

    def construct(self):
        runs, = self.runs()
        ada, fixed = runs.trajectories
        step = ValueTracker(0)
        window = fit_window(runs.surface, runs.trajectories, include_bounds=False, margin=0.12)
        field = ContourField(runs.surface, width=6.4, height=5.9, window=window, lang=self.lang)
        paths = [TrajectoryPath(field, ada, step, colour("adagrad"), lang=self.lang),
                 TrajectoryPath(field, fixed, step, colour("gd"), lang=self.lang)]
        eff = runs.info["effective"]
        n_ada = len(eff)
        top = max(float(eff.max()), runs.info["fixed"]) * 1.1
        chart = Chart([0, n_ada], [0, top], width=5.3, height=3.3, x_label=self.L("step"),
                      y_label=self.L("effective rate"), lang=self.lang)
        lines = VGroup(*[VMobject(stroke_color=colour("adagrad"), stroke_width=3.5) for _ in range(eff.shape[1])])

        def redraw(group):
            k = int(min(max(np.floor(step.get_value() + 1e-9), 1), n_ada))
            for j, line in enumerate(group):
                line.set_points_as_corners(chart.polyline(range(1, k + 1), eff[:k, j]))

        redraw(lines)
        lines.add_updater(redraw)
        level = runs.info["fixed"]
        fixed_line = DashedLine(chart.c2p(0, level), chart.c2p(n_ada, level), color=colour("gd"), stroke_width=3)
        v = runs.surface.variables
        h = np.diag(runs.surface.hessian(ada.params[0]))
        steep = int(np.argmax(h))
        kinds = [self.L("adagrad steep" if j == steep else "adagrad flat") for j in range(eff.shape[1])]
        names = [self.L("adagrad coordinate").format(v=v[j], kind=kinds[j])
                 for j in range(eff.shape[1])]
        labels = VGroup(*[text(nm, self.lang, size=17, colour=colour("adagrad"))
                          .next_to(chart.c2p(n_ada, eff[-1, j]), UP, buff=0.08)
                          .align_to(chart.c2p(n_ada, eff[-1, j]), RIGHT)
                          for j, nm in enumerate(names)])
        fixed_label = text(f"{self.L('fixed rate')} {fmt_number(level)}", self.lang, size=17, colour=colour("gd"))
        fixed_label.next_to(chart.c2p(n_ada, level), UP, buff=0.08).align_to(chart.c2p(n_ada, level), RIGHT)
        rule = UpdateRule("adagrad", lang=self.lang, size=30)
        key = VGroup(*[VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=colour(k), stroke_width=6),
                              text(nm, self.lang, size=18)).arrange(RIGHT, buff=0.12)
                       for k, nm in (("adagrad", f"Adagrad ({self.L('lr')} {fmt_number(runs.rates[0])})"),
                                     ("gd", f"{optimizer_name('gd', self.lang)} "
                                            f"({self.L('lr')} {fmt_number(level)})"))])
        key.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        right = VGroup(rule, key, VGroup(chart, fixed_line, fixed_label, labels)).arrange(DOWN, buff=0.25)
        self.fit(VGroup(field, right).arrange(RIGHT, buff=0.6), height=6.7).to_edge(DOWN, buff=0.2)
        heading = self.heading(self.L("adaptive"), runs.surface.title[self.lang], size=30)
        self.show([field, rule, key, chart, fixed_line, fixed_label, labels, heading], [*paths, lines])
        pace = pace_of([(t, field.window) for t in runs.trajectories])
        self.advance(step, pace, self.seconds)
        note = self.L("adaptive caption").format(
            steep=v[steep], flat=v[1 - steep], r_steep=fmt_number(eff[-1, steep]),
            r_flat=fmt_number(eff[-1, 1 - steep]),
            n_ada=self.steps(ada.n_steps), n_gd=self.steps(fixed.n_steps))
        self.conclude(self.caption(note, size=21, width=13.4).to_edge(UP, buff=0.2), replace=heading)
