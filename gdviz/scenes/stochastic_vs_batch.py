"""Full batch, mini-batch and single-sample SGD on a linear-regression loss over (w, b), each
given the same number of examples."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ValueTracker, VGroup, VMobject, smooth

from .. import lessons
from ..mobjects import Chart, ContourField, Readout, TrajectoryPath
from ..mobjects.chart import tick_text
from ..mobjects.common import MUTED, text
from ..render.geometry import fit_window
from ..render.series import series_label
from ..style import SERIES
from .base import GdvizScene, HopClock, pace_of


class StochasticVsBatch(GdvizScene):
    """One clock for all: examples processed. The noisy paths on the contours (left) and the
    loss against examples processed (right, log scale, a step at each update), drawn as they
    go; each series reads how many updates it has made. The full batch pays 100 examples for
    each of its 3 careful updates, SGD 1 for each of its 300 noisy ones: a point stays put
    while its batch is being read and moves when the update is made (:class:`HopClock`). The
    first examples, where the runs part, get a third of the time."""

    seconds = 9.0
    slow_examples, slow_share = 30, 0.35
    jump = 0.6            # seconds each of the full batch's updates takes

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.batch_sizes()]

    def construct(self):
        runs, = self.runs()
        cost = [float(c) for c in runs.info["examples"]]          # examples per update
        trajs = runs.trajectories
        total = max(int(round(t.n_steps * c)) for t, c in zip(trajs, cost))
        examples = ValueTracker(0)
        colours = SERIES[: len(trajs)]
        clocks = [HopClock(k) for k in cost]
        field = ContourField(runs.surface, width=5.8, height=5.8,
                             window=fit_window(runs.surface, trajs, include_bounds=False), lang=self.lang)
        paths = [TrajectoryPath(field, t, examples, c, lang=self.lang, stroke_width=2.5, per_step=k,
                                dot_radius=0.07, clock=clock) for t, c, k, clock in zip(trajs, colours, cost, clocks)]
        top = np.ceil(np.log10(max(t.loss.max() for t in trajs)))
        low = np.floor(np.log10(min(t.loss.min() for t in trajs)))
        chart = Chart([0, total], [low, top], width=6.6, height=5.5, lang=self.lang,
                      x_label=self.L("examples processed"), y_label=self.L("loss") + self.L("log scale"),
                      y_ticks=np.arange(low, top + 0.5), y_labels=lambda v: tick_text(10 ** v))
        curves = VGroup(*[VMobject(stroke_color=c, stroke_width=3) for c in colours])

        def redraw(group):
            e = examples.get_value()
            for curve, t, k, clock in zip(group, trajs, cost, clocks):
                xs, ys = steps_curve(t, k, clock, e)
                curve.set_points_as_corners(chart.polyline(xs, ys))

        redraw(curves)
        curves.add_updater(redraw)
        # a legend where the curves leave room (right, between the full batch and the others):
        # each series, and how many updates it has made so far
        size = 18 if self.lang == "en" else 16   # the Chinese names are longer
        names = VGroup(*[VGroup(Line(LEFT * 0.22, RIGHT * 0.22, color=c, stroke_width=6),
                                text(series_label(k, self.lang), self.lang, size=size, colour=c))
                         .arrange(RIGHT, buff=0.12) for k, c in zip(runs.series, colours)])
        names.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        x = names.get_right()[0] + 0.3
        counters = []
        for t, row in zip(trajs, names):
            r = Readout("", self.lang, size=size, colour=MUTED, value="0", reserve=str(int(t.n_steps)))
            counters.append(r.set_x(x, direction=LEFT).set_y(row.get_center()[1]))
        header = text(self.L("update count"), self.lang, size=size - 2, colour=MUTED)
        header.next_to(counters[0], UP, buff=0.12).set_x(x, direction=LEFT)
        names.add(header)
        counter_group = VGroup(*counters)
        legend = VGroup(names, counter_group)

        def count(_):
            e = examples.get_value()
            for r, t, k in zip(counters, trajs, cost):
                r.set_text(str(int(min(np.floor(e / k + 1e-9), t.n_steps))))

        count(None)
        counter_group.add_updater(count)
        self.fit(VGroup(field, chart).arrange(RIGHT, buff=0.8)).to_edge(DOWN, buff=0.15)
        # at the right, just above the small batches' curves where it stands (they are done
        # falling there) and below the full batch's line
        x0, y0, _ = chart.c2p(0, low)
        x1, y1, _ = chart.c2p(total, top)
        left_at = max(total * (1 - (legend.width + 0.1) / (x1 - x0)), 0.0)
        under = max(np.log10(t.loss[int(np.floor(left_at / k)):].max()) for t, k in zip(trajs[1:], cost[1:]))
        legend.next_to(chart.c2p(total, under), UP, buff=0.15).align_to(chart.c2p(total, under) - 0.1 * RIGHT, RIGHT)
        heading = self.heading(self.L("batch vs sgd"),
                               self.L("same examples per run").format(n=total, passes=f"{runs.info['passes']:g}"),
                               size=30, width=13.4)
        goal = [field.global_star.copy()] if field.global_star is not None else []   # laid out: copy it now
        # the noisiest run drawn first, under the others; the star over their lines, the dots over it
        dots = [p.dot.copy().add_updater(lambda m, p=p: m.move_to(p.dot.get_center())) for p in paths[::-1]]
        self.show([field, chart, names, heading], [*paths[::-1], *goal, *dots, curves, counter_group])
        pace = pace_of([(t, field.window, c) for t, c in zip(trajs, clocks)]).stretch(self.slow_examples,
                                                                                     self.slow_share)
        # the full batch's updates are single jumps: each gets time of its own to be seen
        big = max(cost)
        jumps = [(j * big - 1, j * big) for j in range(1, int(round(total / big)) + 1)]
        done = 0.0
        for a, b in [*jumps, (total, total)]:
            if a > done:
                self.play(examples.animate.set_value(a), rate_func=pace.segment(done, a),
                          run_time=self.secs(self.seconds * (pace.share(a) - pace.share(done))))
            if b > a:
                self.play(examples.animate.set_value(b), rate_func=smooth, run_time=self.secs(self.jump))
            done = b
        self.conclude(self.caption(self.message(runs), size=22, width=13.4).to_edge(UP, buff=0.2), replace=heading)

    def message(self, runs) -> str:
        keyed = dict(zip(runs.series, runs.trajectories))
        full, sgd = keyed["full batch"], keyed.get("stochastic") or runs.trajectories[-1]
        mini = next(t for k, t in keyed.items() if k.startswith("mini"))
        return self.L("batch caption").format(
            passes=f"{runs.info['passes']:g}", n_sgd=int(sgd.n_steps), n_full=int(full.n_steps),
            n_mini=int(mini.n_steps), l_sgd=f"{sgd.loss[-1]:.3g}", l_full=f"{full.loss[-1]:.3g}",
            l_mini=f"{mini.loss[-1]:.3g}")


def steps_curve(traj, per_step: float, clock, e: float):
    """The run's log10 loss against examples processed, up to ``e`` examples: flat while a
    batch is read, falling (or rising) when its update is made, the way ``clock`` moves the point."""
    n = int(traj.n_steps)
    made = np.arange(1, n + 1) * per_step
    corners = np.concatenate([[0.0], np.stack([made - clock.move, made], 1).ravel()])
    xs = np.append(corners[corners < e], min(e, n * per_step))
    s = np.minimum(clock(xs), n)
    logs = np.log10(traj.loss)
    return xs, np.interp(s, np.arange(n + 1), logs)
