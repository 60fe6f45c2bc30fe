"""gd, momentum, Nesterov, RMSprop and Adam race on Rosenbrock, then on Beale's function, each at
its own best learning rate (``gdviz.races``)."""
from __future__ import annotations

from manim import DOWN, LEFT, ValueTracker

from .. import lessons
from ..claims import name as claim_name
from ..claims import steps_text
from ..mobjects import ContourField, OptimizerLegend, TrajectoryPath, colour
from ..mobjects.common import MUTED
from ..render.geometry import fit_window
from .base import EDGE, GdvizScene, pace_of


class OptimizerRace(GdvizScene):
    """Each act: one contour field filling the left of the frame, five paths driven by one
    tracker (paced: the race is decided where the paths part, so that is where the time
    goes; then the counters run on to the last step), drawn in reverse order with thin round-
    jointed lines (gradient descent on top, Adam's wide loops at the bottom), a legend that
    reads each optimizer's steps and loss as it runs and ticks it when it reaches the
    tolerance, and a caption with the act's claim: who reaches the tolerance first, each at
    its own tuned rate."""

    surfaces = ("rosenbrock", "beale")
    optimizers = lessons.RACE_DEFAULT
    seconds = (7.0, 7.0)
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

    def window(self, runs):
        return fit_window(runs.surface, runs.trajectories)

    def race(self, runs, seconds: float, last: bool, first: bool = True):
        step = ValueTracker(0)
        field = ContourField(runs.surface, width=7.0, height=7.0, window=self.window(runs), lang=self.lang)
        self.place_field(field)
        paths = [TrajectoryPath(field, t, step, colour(k), lang=self.lang, stroke_width=2.5)
                 for t, k in zip(runs.trajectories, runs.series)][::-1]
        legend = OptimizerLegend(runs.series, lang=self.lang, rates=runs.rates, size=19,
                                 live=(runs.trajectories, step), steps=True)
        left = field.get_right()[0] + 0.55
        width = EDGE - left
        heading = self.heading(self.L("tuned race"), runs.surface.title[self.lang], size=28, width=width,
                               align=LEFT)
        n = self.steps(max(t.n_steps for t in runs.trajectories))
        steps_note = self.caption(self.L("race steps").format(n=n, grid=runs.info["space"]["grid"]),
                                  size=18, colour=MUTED, width=width)
        self.column(heading, steps_note, legend, left=left, width=width, buff=0.3)
        static = legend.detach_static()
        goal = [field.global_star.copy()] if field.global_star is not None else []   # over the paths
        self.show([field, heading, steps_note, static], [*paths, *goal, legend], fade_static=not first)
        self.advance(step, pace_of([(t, field.window) for t in runs.trajectories]), seconds, count=1.5)
        caption = self.caption(self.message(runs), size=22, width=width)
        caption.next_to(static, DOWN, buff=0.5, aligned_edge=LEFT)
        self.conclude(caption, hold=None if last else self.act_hold)

    def message(self, runs) -> str:
        """The act's claim in words: the winner and the runner-up of the tuned race."""
        first, second = runs.info["table"][:2]

        def who(row, capital=False):
            text = claim_name(row["optimizer"], self.lang)
            return text[:1].upper() + text[1:] if capital else text

        def outcome(row):
            return steps_text(runs.of(row["optimizer"]), self.lang)

        return self.L("race caption tuned").format(best=who(first, True), n=outcome(first), next=who(second),
                                                   m=outcome(second))
