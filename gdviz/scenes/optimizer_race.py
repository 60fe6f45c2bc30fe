"""gd, momentum, Nesterov, RMSprop and Adam race on Rosenbrock, then on Beale's function, each at
its own best learning rate (``gdviz.races``), each in its own panel on the same axes."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedLine, ValueTracker, VGroup, VMobject

from .. import lessons
from ..claims import name as claim_name
from ..lessons.paths import finish_text
from ..mobjects import Chart, ContourField, Readout, TrajectoryPath, colour
from ..mobjects.chart import tick_text
from ..mobjects.common import INK, MUTED, set_dashed_corners, text
from ..mobjects.glyphs import readable
from ..render.geometry import focus_window
from ..style import ordinal
from .base import GdvizScene, pace_of

PANEL = 2.5     # the widest a panel's field may be (five in a row fill the frame's width)
LOWEST = -6     # the loss chart's floor, log10 (the finish line is at 0.001)
BOTTOM = -3.85  # the frame's bottom edge less a margin


class OptimizerRace(GdvizScene):
    """Each act: one small contour panel per optimizer, in the same order and on the same axes
    (its path alone, so no path hides another: five paths in one field were spaghetti on
    Beale's function), all driven by one tracker (paced: the time goes where the paths move,
    then the counters run on to the last step). Above each panel its name and rate; below, its
    step and its real loss, and its place and finish step once its loss stays within the
    finish line (stated under the heading). Then a caption with the act's claim: who crosses
    the finish line first, each at its own tuned rate, and why momentum and Nesterov finish in
    a different order on the two surfaces."""

    surfaces = ("rosenbrock", "beale")
    optimizers = lessons.RACE_DEFAULT
    seconds = (7.0, 6.0)
    acts = 2
    act_hold = 4.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.race(name, cls.optimizers) for name in cls.surfaces]

    def construct(self):
        all_runs = self.runs()
        for i, runs in enumerate(all_runs):
            last = i == len(all_runs) - 1
            self.race(runs, self.seconds[min(i, len(self.seconds) - 1)], last, first=i == 0)
            if not last:
                self.clear_act()

    @staticmethod
    def finished(step, at) -> bool:
        """Whether a run that finishes at step ``at`` has finished at the tracker's step."""
        return int(np.floor(step.get_value() + 1e-9)) >= at

    def window(self, runs):
        return focus_window(runs.surface, runs.trajectories)

    def race(self, runs, seconds: float, last: bool, first: bool = True):
        step = ValueTracker(0)
        window = self.window(runs)
        row_of = {r["optimizer"]: r for r in runs.info["table"]}
        sep = "：" if self.lang == "zh" else ": "
        heading = self.heading(self.L("tuned race"), f"{runs.surface.title[self.lang]}   ·   {self.L('finish line')}"
                               f"{sep}{finish_text(runs, self.lang)}", size=30, width=13.4,
                               chapter=f"{self.L('tuned race')}{sep}{runs.surface.title[self.lang]}")
        fields, titles, paths, counters, flags = [], [], [], [], []
        for traj, key, lr in zip(runs.trajectories, runs.series, runs.rates):
            c, row = colour(key), row_of[key]
            field = ContourField(runs.surface, width=PANEL, height=PANEL, window=window, lang=self.lang, size=14)
            name = text(claim_name(key, self.lang), self.lang, size=21, colour=c, weight="BOLD")
            rate = text(f"{self.L('lr')} = {lr:g}", self.lang, size=17, colour=c)
            titles.append(VGroup(name, rate).arrange(DOWN, buff=0.08))
            fields.append(field)
            paths.append(TrajectoryPath(field, traj, step, c, lang=self.lang, stroke_width=2.5))
            counters.append(VGroup(Readout(self.L("step"), self.lang, size=16, colour=MUTED, value="0",
                                           reserve="0000"),
                                   Readout(self.L("loss"), self.lang, size=16, colour=MUTED, value="0.000",
                                           reserve="0.0 × 10⁻¹⁰")))
            words = self.L("race place").format(place=ordinal(row["rank"], self.lang), n=row["steps"])
            flags.append(text(words if row["finished"] else " ", self.lang, size=16, colour=INK, weight="BOLD"))
            if row["finished"]:   # a caption cue from the step it crosses the finish line
                self.cue(flags[-1], f"{claim_name(key, self.lang)}{sep}{words}",
                         shown=lambda at=row["steps"]: self.finished(step, at))
        panels = VGroup(*fields).arrange(RIGHT, buff=0.28)
        self.fit(panels, width=13.6).next_to(heading, DOWN, buff=0.85)
        for field, head, (step_r, loss_r), flag in zip(fields, titles, counters, flags):
            head.next_to(field.frame, UP, buff=0.12)
            step_r.next_to(field, DOWN, buff=0.12).align_to(field.frame, LEFT)
            loss_r.next_to(step_r, DOWN, buff=0.08, aligned_edge=LEFT)
            flag.next_to(loss_r, DOWN, buff=0.1, aligned_edge=LEFT).set_opacity(0)
        finish_at = [row_of[k]["steps"] if row_of[k]["finished"] else np.inf for k in runs.series]
        chart, curves = self.loss_chart(runs, step, top=min(f.get_bottom()[1] for f in flags) - 0.45)

        def count(group):
            k = int(np.floor(step.get_value() + 1e-9))
            for traj, (step_r, loss_r), flag, at in zip(runs.trajectories, counters, flags, finish_at):
                j = min(k, int(traj.n_steps))
                step_r.set_text(str(j))
                loss_r.set_text(readable(traj.loss[traj.rows_until(j) - 1], small=True))
                flag.set_opacity(1.0 if self.finished(step, at) else 0.0)
            return group

        live = VGroup(*counters, *flags).add_updater(count)
        goals = [f.global_star.copy() for f in fields if f.global_star is not None]   # over the paths
        self.show([*fields, *titles, heading, chart], [*paths, *goals, live, curves], fade_static=not first)
        self.advance(step, pace_of([(t, window) for t in runs.trajectories]), seconds, count=1.5)
        self.conclude(self.closing_caption(runs, chart), hold=None if last else self.act_hold)

    def closing_caption(self, runs, chart):
        """The act's claim right of the loss chart, from the chart's top down to the frame's
        bottom margin: smaller type where two paragraphs would run off the frame (Beale's act)."""
        left = chart.get_right()[0] + 0.6
        caption = self.caption(self.message(runs), size=18, width=6.9 - left, height=chart.get_top()[1] - BOTTOM)
        return caption.next_to(chart, RIGHT, buff=0.6).align_to(chart, UP)

    def loss_chart(self, runs, step, *, top: float):
        """Loss against step for every racer (log scale, floored at 10^LOWEST), drawn up to the
        tracker's step, with the finish line dashed, filling the frame's left half from ``top``
        down: (the static chart, the moving curves)."""
        trajs = runs.trajectories
        high = float(np.ceil(np.log10(max(t.loss[0] for t in trajs))))
        ticks = np.arange(LOWEST, high + 0.5, 2)
        n = max(int(t.n_steps) for t in trajs)
        chart = Chart([0, n], [LOWEST, high], width=6.2, height=max(top - BOTTOM - 1.0, 1.2), lang=self.lang,
                      x_label=self.L("step"), y_label=self.L("loss") + self.L("log scale"), y_ticks=ticks,
                      y_labels=lambda v: tick_text(10 ** v))
        chart.to_edge(LEFT, buff=0.45).align_to([0, top, 0], UP)
        finish = runs.info["finish"]
        if finish.line is not None and finish.line > 10 ** LOWEST:
            y = np.log10(finish.line)
            dash = DashedLine(chart.c2p(0, y), chart.c2p(n, y), color=INK, stroke_width=2, dash_length=0.12)
            tag = self.text_block(f"{self.L('finish line')}\n{finish.line:g}", size=14)
            chart.add(dash, tag.next_to(chart.c2p(n, y), RIGHT, buff=0.12))   # beyond the curves' end
        curves = VGroup(*[VMobject(stroke_color=colour(k), stroke_width=2.5) for k in runs.series])

        def redraw(group):
            k = int(np.floor(step.get_value() + 1e-9))
            for curve, t, key in zip(group, trajs, runs.series):
                j = min(k, int(t.n_steps))
                ys = np.clip(np.log10(np.maximum(t.loss[: t.rows_until(j)], 1e-300)), LOWEST, high)
                set_dashed_corners(curve, chart.polyline(np.arange(len(ys)), ys), key)
            return group

        redraw(curves)
        curves.add_updater(redraw)
        return chart, curves

    def message(self, runs) -> str:
        """The act's claim in words: the winner and the runner-up of the tuned race, and which
        of momentum and Nesterov finishes first here, each at its best rate for this surface."""
        first, second = runs.info["table"][:2]

        def who(row, capital=False):
            text = claim_name(row["optimizer"], self.lang)
            return text[:1].upper() + text[1:] if capital else text

        def outcome(row):
            return self.steps(row["steps"]) if row["finished"] else self.L("no finish").format(n=row["steps"])

        def number(row):
            return str(row["steps"]) if row["finished"] else "—"

        out = self.L("race caption tuned").format(best=who(first, True), n=outcome(first), next=who(second),
                                                  m=outcome(second))
        pair = [r for r in runs.info["table"] if r["optimizer"] in ("momentum", "nesterov")]
        if len(pair) == 2 and pair[0]["finished"]:
            a, b = pair
            out += "\n" + self.L("race pair").format(a=who(a, True), b=who(b), n=number(a), m=number(b),
                                                     ra=f"{a['lr']:g}", rb=f"{b['lr']:g}")
        return out
