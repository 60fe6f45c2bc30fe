"""Inside Adagrad and Adam: accumulators of squared gradients, one per coordinate, and the
per-coordinate rates they give, as the paths bend toward the minimum."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, ValueTracker, VGroup

from .. import lessons
from ..mobjects import AccumulatorSquare, Chart, ContourField, TraceLine, TrajectoryPath, colour
from ..mobjects.common import MUTED, text
from ..render.geometry import fit_window
from ..style import fmt_number, optimizer_name
from .base import EDGE, GdvizScene, pace_of


class Recorded:
    """Rows of recorded state (row t: update t) as :class:`~gdviz.scenes.base.Clocked` reads a
    trajectory: ``at(t)`` row t, linear between updates (as the squares and the rate lines
    draw it), so that the shared pacing gives time to what they do, not only to the paths."""

    def __init__(self, rows):
        self.rows = np.asarray(rows, dtype=float)
        self.n_steps = len(self.rows) - 1

    def at(self, t):
        t = np.clip(np.asarray(t, dtype=float), 0, self.n_steps)
        k = np.minimum(np.floor(t).astype(int), max(self.n_steps - 1, 0))
        u = (t - k)[..., None]
        return self.rows[k] * (1 - u) + self.rows[np.minimum(k + 1, self.n_steps)] * u


class InsideAdaptive(GdvizScene):
    """Adagrad's and Adam's paths on the elongated bowl (left); under them each run's effective
    rate per coordinate, update by update (log scale); at the right each run's accumulators as
    squares (:class:`~gdviz.mobjects.AccumulatorSquare`: side sqrt(sum g^2) for Adagrad,
    sqrt(v-hat) for Adam; one row per coordinate, all to one scale) with the rate each gives,
    under each run's rule with its own rate. The closing caption (in the heading's place):
    Adagrad's squares only grow, the steep one most, so its rate is the smaller; Adam's
    forget, its rates grow back, the steep one's still smaller; both paths bend to the minimum."""

    seconds = 10.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.adaptive_insides()]

    def construct(self):
        runs, = self.runs()
        trajs, insides = runs.trajectories, runs.info["internals"]
        s = runs.surface
        v = s.variables
        steep, flat = self.coordinates(runs)
        step = ValueTracker(0)

        # the top strip: the heading, then the closing caption in its place
        heading = self.heading(self.L("inside adaptive title"), s.title[self.lang], size=28, width=13.4,
                               align=LEFT).to_edge(LEFT, buff=0.4)
        caption = self.caption(self.message(runs), size=19, width=13.4).to_edge(UP, buff=0.2).to_edge(LEFT, buff=0.4)
        below = min(heading.get_bottom()[1], caption.get_bottom()[1]) - 0.2

        # left: the paths, and under them each run's effective rate per coordinate (log scale)
        window = fit_window(s, trajs, include_bounds=False, margin=0.08)
        room = below + 3.95 - 3.0   # the field's height: the rest goes to the charts and their labels
        field = ContourField(s, width=7.2, height=room, window=window, lang=self.lang)
        field.to_edge(LEFT, buff=0.55).align_to([0, below, 0], UP)
        paths = [TrajectoryPath(field, t, step, colour(k), lang=self.lang, stroke_width=3.5)
                 for t, k in zip(trajs, runs.series)]
        logs = [np.log10(ins.effective_lr) for ins in insides]
        lo = np.floor(min(float(lg.min()) for lg in logs) * 4) / 4
        hi = np.ceil(max(float(lg.max()) for lg in logs) * 4) / 4 + 0.25   # room for the charts' names
        top = field.get_bottom()[1] - 0.2          # the charts' label, then the charts
        label = text(self.L("effective rate") + self.L("log scale"), self.lang, size=18, colour=MUTED)
        label.align_to([0, top, 0], UP).align_to(field, LEFT)
        gap = 0.75
        charts = VGroup(*[Chart([0, len(lg)], [lo, hi], width=(field.frame.width - gap) / 2 - 0.5,
                                height=label.get_bottom()[1] - 0.15 - 0.75 + 3.95, x_label=self.L("update"),
                                lang=self.lang, y_ticks=list(range(int(np.ceil(lo)), int(np.floor(hi)) + 1)),
                                y_labels=lambda y: f"{10 ** y:g}") for lg in logs])
        charts.arrange(RIGHT, buff=gap + 0.1, aligned_edge=DOWN)
        charts.align_to(field.frame, RIGHT).align_to([0, label.get_bottom()[1] - 0.15, 0], UP)
        lines, tags = [], VGroup(label)
        for chart, k, lg in zip(charts, runs.series, logs):
            n = len(lg)
            for j in range(lg.shape[1]):   # a line per coordinate, named at its end
                lines.append(TraceLine(chart, np.arange(1, n + 1), lg[:, j], step, colour(k), stroke_width=3))
                tags.add(text(v[j], self.lang, size=18, colour=colour(k), slant="ITALIC")
                         .next_to(chart.c2p(n, lg[-1, j]), RIGHT, buff=0.08))
            name = text(optimizer_name(k, self.lang), self.lang, size=17, colour=colour(k), weight="BOLD")
            tags.add(name.next_to(chart.c2p(0, hi), RIGHT, buff=0.15).align_to(chart.c2p(0, hi), UP))

        # right: the squares (columns: runs; rows: coordinates, all to one scale) and their rates
        left = field.frame.get_right()[0] + 0.5
        width = EDGE - left
        kinds = {j: self.L("inside coordinate").format(v=v[j], kind=self.L("steep" if j == steep else "flat"))
                 for j in (flat, steep)}
        col_w = width / len(trajs)   # the rows' names sit above them: the columns get the width
        x0 = left
        heads, squares, row_names = VGroup(), [], VGroup()
        for c, (k, lr) in enumerate(zip(runs.series, runs.rates)):
            cx = x0 + col_w * (c + 0.5)
            name = text(optimizer_name(k, self.lang), self.lang, size=21, colour=colour(k), weight="BOLD")
            rate = text(self.L(f"inside {k} rate").format(lr=fmt_number(lr)), self.lang, size=18)
            what = text(self.L(f"inside {k} square"), self.lang, size=18, colour=MUTED)
            heads.add(VGroup(name, rate, what).arrange(DOWN, buff=0.1).move_to([cx, 0, 0]))
        shrink = min(1.0, min((col_w - 0.15) / head.width for head in heads))   # one size for both
        for head in heads:
            head.scale(shrink).align_to([0, below, 0], UP)
        biggest = max(float(ins.scale.max()) for ins in insides)
        unit = min(2.1, col_w - 0.25) / biggest
        y = heads.get_bottom()[1] - 0.25
        for j in (flat, steep):   # the small squares first; a row is as tall as its largest square
            row_names.add(text(kinds[j], self.lang, size=19).align_to([left, y, 0], UP + LEFT))
            y = row_names[-1].get_bottom()[1] - 0.15
            room = max(unit * float(ins.scale[:, j].max()) for ins in insides)
            cy = y - room / 2
            row = [AccumulatorSquare(ins, step, j, unit=unit, colour=colour(k), readout=True,
                                     rate=self.L("inside rate"), lang=self.lang, size=17, room=room)
                   for ins, k in zip(insides, runs.series)]
            for c, sq in enumerate(row):
                sq.shift(np.array([x0 + col_w * (c + 0.5), cy, 0]) - sq.ref.get_start())
            squares += row
            y = min(sq.get_bottom()[1] for sq in row) - 0.35
        block = VGroup(heads, row_names, *squares)   # centred in the height left under the heading
        block.shift(DOWN * max(0.0, (block.get_bottom()[1] + 3.85) / 2))
        self.show([field, charts, tags, heads, row_names, heading], [*paths, *lines, *squares],
                  fade_static=True)
        # the pace: time where anything moves, the squares and the rate lines as much as the paths
        views = [(t, field.window) for t in trajs]
        views += [(Recorded(ins.scale), [[0, biggest]] * 2) for ins in insides]
        views += [(Recorded(lg), [[lo, hi]] * 2) for lg in logs]
        self.advance(step, pace_of(views), self.seconds)
        self.conclude(caption, replace=heading)

    @staticmethod
    def coordinates(runs) -> tuple[int, int]:
        """(steep, flat): the coordinates of the largest and smallest curvature at the start."""
        h = np.diag(runs.surface.hessian(runs.trajectories[0].params[0]))
        return int(np.argmax(h)), int(np.argmin(h))

    def message(self, runs) -> str:
        """The closing caption: the lesson's claims in words, with the runs' numbers."""
        ada, adam = runs.info["internals"]
        steep, flat = self.coordinates(runs)
        v = runs.surface.variables
        return self.L("inside adaptive caption").format(
            steep=v[steep], flat=v[flat], s_steep=fmt_number(ada.scale[-1, steep]),
            s_flat=fmt_number(ada.scale[-1, flat]), r_steep=fmt_number(ada.effective_lr[-1, steep]),
            r_flat=fmt_number(ada.effective_lr[-1, flat]), a_steep=fmt_number(adam.effective_lr[-1, steep]),
            a_flat=fmt_number(adam.effective_lr[-1, flat]), n_ada=self.steps(runs.trajectories[0].n_steps),
            n_adam=self.steps(runs.trajectories[1].n_steps))


__all__ = ["InsideAdaptive"]
