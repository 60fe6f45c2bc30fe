"""The headline: too small, too large and Goldilocks learning rates, stepping in sync."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Group, ValueTracker

from .. import lessons
from ..mobjects import DescendingBall, LossCurve, RatePanel, colour
from ..render.figures.rates import _limits_text
from ..render.geometry import fit_window
from ..style import fmt_number
from .base import GdvizScene, pace_of

ORDER = ("too small", "goldilocks", "too large")  # one panel order in every learning-rate entry


class LearningRates(GdvizScene):
    """Three 1-D panels on the course's parabola (seed 001), one tracker driving all three;
    the steps are paced so the big early jumps are slow enough to follow, and the counters
    then count on in step to the last converging run's count (too large reads "diverged" from
    the step it leaves the curve). The heading states the thresholds (1/L, 2/L) and the
    convergence rule, as the figures do. The closing caption replaces the title: Goldilocks takes
    one step, too small many, too large diverges."""

    surface = "parabola"
    seconds = 9.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.lr_triptych(cls.surface)]

    def construct(self):
        runs, = self.runs()
        step = ValueTracker(0)
        columns, heads, curves, balls, panels = [], [], [], [], []
        window = fit_window(runs.surface, runs.trajectories, diverged_steps=6)   # the first bounces show
        for key in ORDER:
            i = runs.series.index(key)
            traj, c = runs.trajectories[i], colour(key)
            curve = LossCurve(runs.surface, width=3.75, height=4.3, lang=self.lang, window=window)
            ball = DescendingBall(curve, traj, step, c, lang=self.lang)
            gone = traj.step_of(ball.exit) if ball.exit is not None else None
            panel = RatePanel(traj, step, title=self.L(key), lang=self.lang, colour=c, lr=runs.rates[i], size=19,
                              status_at=gone)
            self.cue_status(panel)
            columns.append(Group(panel, Group(curve, ball)).arrange(DOWN, buff=0.3, aligned_edge=LEFT))
            curves.append(curve), balls.append(ball), panels.append(panel)
        self.fit(Group(*columns).arrange(RIGHT, buff=0.55, aligned_edge=UP)).to_edge(DOWN, buff=0.2)
        sub = _limits_text(runs.surface, runs.info["reg"], self.lang) + ("。" if self.lang == "zh" else ". ") + \
            self.L("converge rule").format(tol=f"{runs.surface.tol:g}")
        title = self.heading(self.L("lr triptych"), sub, width=13.4)
        below = Group(*columns)
        over = below.get_top()[1] - (title.get_bottom()[1] - 0.2)   # the panels under the two-line heading
        if over > 0:
            below.scale((below.height - over) / below.height, about_edge=DOWN)
        for panel, column in zip(panels[1:], columns[1:]):   # rows and curves level, whatever the titles' descenders
            up = UP * (panels[0].readout.get_bottom()[1] - panel.readout.get_bottom()[1])
            panel.readout.shift(up)
            if panel.status is not None:
                panel.status.shift(up)
            column[1].shift(UP * (columns[0][1][0].get_bottom()[1] - column[1][0].get_bottom()[1]))
        heads = [p.detach_static() for p in panels]
        self.show([*curves, *heads, title], [*balls, *panels])
        pace = pace_of([(t, window) for t in runs.trajectories])
        # every counter runs until the last converging run stops (a diverging one reads "diverged")
        until = max((t.n_steps for t in runs.trajectories if t.status != "diverged"), default=pace.n)
        self.advance(step, pace, self.seconds, until=until, count=1.5)
        self.conclude(self.caption(self.message(runs), size=22, width=13.4).to_edge(UP, buff=0.2), replace=title)

    def message(self, runs) -> str:
        by = dict(zip(runs.series, zip(runs.trajectories, runs.rates)))
        (small, r_small), (gold, r_gold), (large, r_large) = (by[k] for k in ("too small", "goldilocks", "too large"))
        return self.L("lr caption").format(gold=fmt_number(r_gold), n_gold=self.steps(gold.n_steps),
                                           small=fmt_number(r_small), n_small=self.steps(small.n_steps),
                                           large=fmt_number(r_large))
