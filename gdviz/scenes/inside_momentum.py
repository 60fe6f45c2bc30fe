"""Inside momentum: the velocity it carries rolls it through the egg crate's dimples, where
plain gradient descent at the same rate stops in the first one."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, ValueTracker, VGroup

from .. import lessons
from ..internals import internals as derive
from ..mobjects import Chart, ContourField, OptimizerLegend, TraceLine, TrajectoryPath, VelocityArrow, colour
from ..mobjects.common import text
from ..mobjects.internals import FlatArrow
from ..render.axes import CARRIED, PUSH, STEP
from ..render.figures.inside import shown_updates
from ..style import fmt_number
from .base import EDGE, GdvizScene, pace_of


def carried_share(ins) -> tuple[int, float]:
    """The first update (counted from 1) from which the carried velocity is larger than the
    step, and that ratio: the numbers of the lesson's "momentum-carries" claim."""
    share = np.linalg.norm(ins.carried, axis=1) / np.maximum(np.linalg.norm(ins.step, axis=1), 1e-300)
    k = int(np.argmax(share[: max(len(share) // 2, 1)] > 1.0))
    return k + 1, float(share[k])


class InsideMomentum(GdvizScene):
    """The egg crate around the two paths and the global minimum (left), gradient descent and
    momentum from the same start at the same rate; at each ball what its update is made of
    (:class:`~gdviz.mobjects.VelocityArrow`: momentum's carried velocity and the gradient's
    push head to tail, their sum the step; gradient descent's push alone), the first updates'
    arrows left behind, faded. At the right each run's loss, the key to the arrows, and the
    length of each arrow, update by update. The closing caption (in the heading's place):
    gradient descent stops in the first dimple, momentum's carried velocity rolls it through
    to the global minimum."""

    seconds = 10.0

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.rolling()]

    def window(self, runs, trails=(), aspect: float = 0.72):
        """The paths, the arrows left along them (``trails``: (internals, updates) per run) and
        the global minimum, grown to ``aspect`` (height / width) around their centre: more of
        the crate's dimples above and below."""
        s = runs.surface
        pts = [t.params for t in runs.trajectories] + [s.minima[:1]]
        pts += [runs.trajectories[i].params[k] + d for i, (ins, ks) in enumerate(trails) for k in ks
                for d in (ins.step[k], ins.push[k] + (ins.carried[k] if ins.carried is not None else 0))]
        pts = np.vstack(pts)
        lo, hi = pts.min(0), pts.max(0)
        pad = 0.06 * (hi - lo).max()
        lo, hi = lo - pad, hi + pad
        centre, span = (lo + hi) / 2, hi - lo
        span = np.array([max(span[0], span[1] / aspect), max(span[1], span[0] * aspect)])
        return np.stack([centre - span / 2, centre + span / 2], 1)

    def construct(self):
        runs, = self.runs()
        gd, mo = runs.trajectories
        ins, beta, lr = runs.info["internals"], runs.info["beta"], runs.rates[1]
        step = ValueTracker(0)

        # the top strip: the heading, then the closing caption in its place
        heading = self.heading(self.L("inside momentum title"), self.L("inside momentum sub").format(
            surface=runs.surface.title[self.lang], lr=fmt_number(lr), beta=fmt_number(beta)),
            size=28, width=13.4, align=LEFT).to_edge(LEFT, buff=0.4)
        caption = self.caption(self.message(runs), size=20, width=13.4).to_edge(UP, buff=0.2).to_edge(LEFT, buff=0.4)
        below = min(heading.get_bottom()[1], caption.get_bottom()[1]) - 0.2

        # the field: the two paths, and at each ball what its update is made of
        gd_ins = derive(gd)
        rough = self.window(runs)
        trails = [(i, shown_updates(i, rough, most=6, points=t.params, apart=0.1))   # few, spread out
                  for t, i in ((gd, gd_ins), (mo, ins))]
        field = ContourField(runs.surface, width=8.3, height=below + 3.35, window=self.window(runs, trails),
                             lang=self.lang)
        field.to_edge(LEFT, buff=0.55).align_to([0, below, 0], UP)
        paths = [TrajectoryPath(field, t, step, colour(key), lang=self.lang, stroke_width=3.0)
                 for t, key in zip(runs.trajectories, runs.series)]
        arrows = [VelocityArrow(field, t, step, internals=i, trail=shown)
                  for t, (i, shown) in zip(runs.trajectories, trails)]
        pace = pace_of([(t, field.window) for t in runs.trajectories])

        # the right column: the runs (with their loss), the key to the arrows, and the size of
        # each term, update by update, while they are visible
        left = field.frame.get_right()[0] + 0.55
        width = EDGE - left
        legend = OptimizerLegend(runs.series, lang=self.lang, size=20, live=(runs.trajectories, step))
        key = VGroup(*[self.key_row(c, self.L(name), width) for c, name in (
            (CARRIED, "carried velocity"), (PUSH, "gradient push"), (STEP, "step taken"))])
        key.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        sizes = {"carried": np.linalg.norm(ins.carried, axis=1), "push": np.linalg.norm(ins.push, axis=1),
                 "gd": np.linalg.norm(np.diff(gd.params, axis=0), axis=1)}
        top = max(float(v.max()) for v in sizes.values()) * 1.08
        seen = max(int(np.flatnonzero(v > 0.05 * top).max()) + 1 for v in sizes.values())
        n = int(min(np.ceil(seen / 10) * 10, max(pace.end, 10)))
        chart = Chart([0, n], [0, top], width=width - 0.5, height=2.0, x_label=self.L("update"),
                      y_label=self.L("inside sizes"), lang=self.lang)
        lines = [TraceLine(chart, np.arange(1, min(len(v), n) + 1), v[:n], step, c, stroke_width=w)
                 for v, c, w in ((sizes["gd"], colour("gd"), 3.0), (sizes["push"], PUSH, 2.5),
                                 (sizes["carried"], CARRIED, 3.0))]
        # gradient descent's line, named at the top right (clear of momentum's lines)
        gd_tag = text(self.L("inside gd step"), self.lang, size=16, colour=colour("gd"), line_spacing=0.8)
        gd_tag.next_to(chart.c2p(n, top), DOWN, buff=0).align_to(chart.c2p(n, 0), RIGHT)
        plot = VGroup(chart, gd_tag)
        self.column(legend, key, plot, left=left, top=below, width=width, buff=0.5)
        static = legend.detach_static()
        self.show([field, plot, static, key, heading], [*paths, *lines, *arrows, legend], fade_static=True)
        self.advance(step, pace, self.seconds)
        star = field.global_star.copy() if field.global_star is not None else VGroup()
        self.conclude(VGroup(caption, star), replace=heading)

    def message(self, runs) -> str:
        """The closing caption: the lesson's claims in words, with the runs' numbers."""
        gd, mo = runs.trajectories
        k, share = carried_share(runs.info["internals"])
        return self.L("inside momentum caption").format(
            lr=fmt_number(runs.rates[1]), beta=fmt_number(runs.info["beta"]), n_gd=self.steps(gd.n_steps),
            l_gd=fmt_number(gd.loss[-1]), k=k, share=f"{share:.2f}", n_mo=self.steps(mo.n_steps))

    def key_row(self, c, label: str, width: float) -> VGroup:
        """An arrow in colour ``c`` and what it is."""
        mark = FlatArrow(c, stroke_width=4.5, tip=0.2).put(LEFT * 0.3, RIGHT * 0.3)
        words = text(label, self.lang, size=18)
        if words.width > width - 0.8:
            words.scale_to_fit_width(width - 0.8)
        return VGroup(mark, words).arrange(RIGHT, buff=0.15)


__all__ = ["InsideMomentum", "carried_share"]
