"""gd, momentum, Nesterov, RMSprop and Adam race on Rosenbrock, then on the egg crate."""
from __future__ import annotations

from manim import DOWN, LEFT, ValueTracker, VGroup

from .. import lessons
from ..claims import name as claim_name
from ..mobjects import ContourField, OptimizerLegend, TrajectoryPath, colour
from ..mobjects.common import MUTED
from ..render.geometry import fit_window
from .base import EDGE, GdvizScene, pace_of, square_window


class OptimizerRace(GdvizScene):
    """Each act: one contour field filling the left of the frame, five paths driven by one
    tracker (paced: the race is decided where the paths part, so that is where the time
    goes), a legend that reads each optimizer's loss as it runs, and a caption with the
    act's claim. On the egg crate the field is zoomed to where the paths go."""

    surfaces = ("rosenbrock", "egg-crate")
    optimizers = lessons.RACE_DEFAULT
    seconds = (7.0, 7.0)
    acts = 2
    act_hold = 1.2

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
        s = runs.surface
        if len(s.minima) > 1:  # several minima: zoom to the paths (and the global minimum)
            w = fit_window(s, runs.trajectories, include_bounds=False)
            for d in range(2):
                w[d, 0], w[d, 1] = min(w[d, 0], s.minima[0][d]), max(w[d, 1], s.minima[0][d])
            return square_window(w, s.bounds, pad=0.8)
        return fit_window(s, runs.trajectories)

    def race(self, runs, seconds: float, last: bool, first: bool = True):
        step = ValueTracker(0)
        field = ContourField(runs.surface, width=7.0, height=7.0, window=self.window(runs), lang=self.lang)
        self.place_field(field)
        paths = [TrajectoryPath(field, t, step, colour(k), lang=self.lang, stroke_width=3.5)
                 for t, k in zip(runs.trajectories, runs.series)]
        legend = OptimizerLegend(runs.series, lang=self.lang, rates=runs.rates, size=20,
                                 live=(runs.trajectories, step))
        left = field.get_right()[0] + 0.55
        width = EDGE - left
        heading = self.heading(self.L("optimizer race"), runs.surface.title[self.lang], size=30, width=width,
                               align=LEFT)
        steps_note = self.caption(self.L("race steps").format(n=self.steps(max(t.n_steps for t in runs.trajectories))),
                                  size=18, colour=MUTED, width=width)
        self.column(heading, steps_note, legend, left=left, width=width, buff=0.3)
        static = legend.detach_static()
        self.show([field, heading, steps_note, static], [*paths, legend], fade_static=not first)
        self.advance(step, pace_of([(t, field.window) for t in runs.trajectories]), seconds)
        caption = self.caption(self.message(runs), size=23, width=width)
        caption.next_to(static, DOWN, buff=0.5, aligned_edge=LEFT)
        if field.global_star is not None and len(runs.surface.minima) > 1:  # the goal, above the paths
            caption = VGroup(caption, field.global_star.copy())
        self.conclude(caption, hold=None if last else self.act_hold)

    def message(self, runs) -> str:
        """The act's claim in words (the race's checked claim)."""
        if any(c.key == "global-not-local" for c in runs.claims):
            # the run that ends lowest is the one in the global minimum
            best = min(zip(runs.series, runs.trajectories), key=lambda kt: float(kt[1].loss[-1]))[0]
            who = claim_name(best, self.lang)
            return self.L("race caption global").format(best=who[:1].upper() + who[1:])
        return self.L("race caption beats").format(n=self.steps(runs.of("gd").n_steps))
