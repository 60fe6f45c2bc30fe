"""Adagrad's per-coordinate rate eta / sqrt(sum g^2) shrinking, against a fixed rate."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ValueTracker, VGroup, VMobject

from .. import lessons
from ..mobjects import Chart, ContourField, Readout, TrajectoryPath, UpdateRule, colour
from ..mobjects.common import MUTED, text
from ..render.geometry import fit_window
from ..style import bracketed, colon, fmt_number, optimizer_name
from .base import GdvizScene, pace_of


class AdaptiveRates(GdvizScene):
    """Paths of Adagrad and of gradient descent at its best fixed rate on the elongated bowl
    (left, Adagrad drawn over the zig-zag, the star over both); on the right the update rule, a
    key whose rows count each method's steps and say when it has arrived, and a chart of the
    rate each method uses at every step: Adagrad's per coordinate (ending where it arrives),
    the fixed rate running on until gradient descent arrives. The closing caption: the steep
    coordinate gets the smaller rate from the first step, both rates only shrink, and Adagrad
    arrives first."""

    seconds = 8.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.adaptive("elongated")]

    def construct(self):
        runs, = self.runs()
        ada, fixed = runs.trajectories
        step = ValueTracker(0)
        window = fit_window(runs.surface, runs.trajectories, include_bounds=False, margin=0.12)
        field = ContourField(runs.surface, width=6.4, height=5.9, window=window, lang=self.lang)
        paths = [TrajectoryPath(field, fixed, step, colour("gd"), lang=self.lang),
                 TrajectoryPath(field, ada, step, colour("adagrad"), lang=self.lang)]
        eff, level = runs.info["effective"], runs.info["fixed"]
        n_ada, n_all = len(eff), int(max(ada.n_steps, fixed.n_steps))
        top = max(float(eff.max()), level) * 1.1
        chart = Chart([0, n_all], [0, top], width=5.3, height=3.0, x_label=self.L("step"),
                      y_label=self.L("effective rate"), lang=self.lang)
        lines = VGroup(*[VMobject(stroke_color=colour("adagrad"), stroke_width=3.5) for _ in range(eff.shape[1])])
        fixed_line = VMobject(stroke_color=colour("gd"), stroke_width=3.5)
        lines.add(fixed_line)

        def redraw(group):
            t = step.get_value()
            k = int(min(max(np.floor(t + 1e-9), 1), n_ada))
            for j in range(eff.shape[1]):
                group[j].set_points_as_corners(chart.polyline(range(1, k + 1), eff[:k, j]))
            end = float(np.clip(t, 1e-3, fixed.n_steps))
            fixed_line.set_points_as_corners(chart.polyline([0, end], [level, level]))

        redraw(lines)
        lines.add_updater(redraw)
        v = runs.surface.variables
        h = np.diag(runs.surface.hessian(ada.params[0]))
        steep = int(np.argmax(h))
        kinds = [self.L("adagrad steep" if j == steep else "adagrad flat") for j in range(eff.shape[1])]
        names = [self.L("adagrad coordinate").format(v=v[j], kind=kinds[j]) for j in range(eff.shape[1])]
        at = 0.06 * n_all    # past the first steps, where the rates fall fastest
        labels = VGroup(*[text(nm, self.lang, size=17, colour=colour("adagrad"))
                          .next_to(chart.c2p(at, eff[-1, j]), UP, buff=0.08)
                          .align_to(chart.c2p(at, eff[-1, j]), LEFT)
                          for j, nm in enumerate(names)])
        fixed_label = text(f"{self.L('fixed rate')} {runs.info['shown'][1]}", self.lang, size=17,
                           colour=colour("gd"))
        fixed_label.next_to(chart.c2p(n_all, level), UP, buff=0.08).align_to(chart.c2p(n_all, level), RIGHT)
        rule = UpdateRule("adagrad", lang=self.lang, size=30)
        key, counters = self.key(runs, (ada, fixed), step)
        right = VGroup(rule, VGroup(key, counters), VGroup(chart, fixed_label, labels)).arrange(DOWN, buff=0.3)
        self.fit(VGroup(field, right).arrange(RIGHT, buff=0.6), height=6.7).to_edge(DOWN, buff=0.2)
        heading = self.heading(self.L("adaptive"), runs.surface.title[self.lang], size=30)
        goal = [field.global_star.copy()] if field.global_star is not None else []   # over the paths
        self.show([field, rule, key, chart, fixed_label, labels, heading], [*paths, *goal, lines, counters])
        pace = pace_of([(t, field.window) for t in runs.trajectories])
        self.advance(step, pace, self.seconds, count=1.5)
        note = self.L("adaptive caption").format(
            steep=v[steep], flat=v[1 - steep], r0_steep=fmt_number(eff[0, steep]), r_steep=fmt_number(eff[-1, steep]),
            r0_flat=fmt_number(eff[0, 1 - steep]), r_flat=fmt_number(eff[-1, 1 - steep]),
            n_ada=self.steps(ada.n_steps), n_gd=self.steps(fixed.n_steps))
        self.conclude(self.caption(note, size=21, width=13.4).to_edge(UP, buff=0.2), replace=heading)

    def key(self, runs, trajs, step):
        """The key: a row per method (swatch, name and rate; static) and, moving, its step count
        and an "arrived" badge once it has converged."""
        rows, counters = VGroup(), VGroup()
        for key, shown in zip(("adagrad", "gd"), runs.info["shown"]):   # the digits that reproduce each run
            rate = f"{self.L('lr')} {shown}"
            name = optimizer_name(key, self.lang) + bracketed(rate, self.lang)
            rows.add(VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=colour(key), stroke_width=6),
                            text(name, self.lang, size=18)).arrange(RIGHT, buff=0.12))
        rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        x = rows.get_right()[0] + 0.35

        def arrived(traj) -> bool:
            return int(np.floor(min(step.get_value(), traj.n_steps) + 1e-9)) >= traj.n_steps and \
                traj.status == "converged"

        for row, key, traj in zip(rows, ("adagrad", "gd"), trajs):
            r = Readout(self.L("step"), self.lang, size=18, colour=MUTED, value="0", reserve="000")
            r.set_x(x, direction=LEFT).set_y(row.get_center()[1])
            badge = text(self.L("arrived"), self.lang, size=18, colour=colour(key), weight="BOLD")
            badge.next_to(r, RIGHT, buff=0.2).set_y(row.get_center()[1])
            self.cue(badge, f"{optimizer_name(key, self.lang)}{colon(self.lang)}{self.L('arrived')}",
                     shown=lambda traj=traj: arrived(traj))
            counters.add(VGroup(r, badge))

        def count(group):
            t = step.get_value()
            for (r, badge), traj in zip(group, trajs):
                k = int(np.floor(min(t, traj.n_steps) + 1e-9))
                r.set_text(str(k))
                badge.set_opacity(1.0 if arrived(traj) else 0.0)

        count(counters)
        counters.add_updater(count)
        return rows, counters
