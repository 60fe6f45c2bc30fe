"""The effect of momentum's β: four runs at one learning rate on the elongated bowl, from no
momentum (gradient descent, zig-zagging across the valley) to too much (swinging past the
minimum), driven by one clock (lesson ``momentum-beta``)."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, ValueTracker, VGroup, config, linear

from .. import lessons
from ..mobjects import ContourField, RatePanel, TrajectoryPath
from ..mobjects.common import INK, ManimColor, text
from ..render.animation import power_of_ten
from ..render.geometry import fit_window
from ..style import BETA_COLOURS, fmt_number, label
from .base import GdvizScene, pace_of


class MomentumBeta(GdvizScene):
    """One act: a 2 x 2 grid of the same contour field, one β each (0, 0.5, 0.9, 0.99) on the
    same window, every path driven by one tracker (paced: the time goes where the paths move,
    then the counters run on to the last step), a panel over each field counting its steps;
    the caption states the claim with the runs' step counts, in place of the heading."""

    seconds = 9.0     # motion in all
    first = 4.5       # of which the steps until the fastest β arrives

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.momentum_beta()]

    def construct(self):
        runs, = self.runs()
        s, trajs = runs.surface, runs.trajectories
        step = ValueTracker(0)
        window = fit_window(s, trajs, include_bounds=False, margin=0.06)
        cols = [ManimColor(BETA_COLOURS[min(i, len(BETA_COLOURS) - 1)]) for i in range(len(trajs))]
        cells, fields, paths, panels = [], [], [], []
        for traj, c, key in zip(trajs, cols, runs.series):
            field = ContourField(s, width=5.6, height=3.2, window=window, lang=self.lang)
            panel = RatePanel(traj, step, title=key, lang=self.lang, colour=c, size=17, wide=False,
                              step_label=self.L("iteration"))
            self.cue_status(panel)
            paths.append(TrajectoryPath(field, traj, step, c, lang=self.lang, stroke_width=2.2,
                                        markers=traj.n_steps <= 200, dot_radius=0.06))
            cells.append(VGroup(panel, field).arrange(RIGHT, buff=0.15, aligned_edge=UP))
            fields.append(field)
            panels.append(panel)
        rows = [VGroup(*cells[i: i + 2]).arrange(RIGHT, buff=0.45, aligned_edge=UP) for i in range(0, len(cells), 2)]
        grid = VGroup(*rows).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        self.fit(grid, width=13.6, height=6.55).to_edge(DOWN, buff=0.12)
        heads = [p.detach_static() for p in panels]
        tol = float(trajs[0].meta.get("tol", s.tol))
        heading = self.heading(self.L("beta title"),
                               self.L("beta sub").format(surface=s.title[self.lang], start=_point(runs.info["start"]),
                                                         lr=fmt_number(runs.info["lr"]), tol=power_of_ten(tol)),
                               size=26, width=13.4)
        self.show([*fields, *heads, heading])
        moving = [*paths[::-1], *panels]   # at step 0 they are the start markers and zeros: no fade-in
        for m in moving:                   # (a fade would deep-copy the 2784-step path, for nothing)
            m.update(0)
        self.add(*moving)
        self.play_on(step, runs, pace_of([(t, window) for t in trajs]), grid)
        caption = self.caption(self.message(runs), size=21, width=13.4).to_edge(UP, buff=0.2)
        self.conclude(caption, replace=heading)

    def play_on(self, step, runs, pace, grid):
        """The steps until the fewest-steps β arrives, slowly (where the zig-zag and its damping
        show), then the rest faster, with a tag saying how much faster, and the counters on to
        the last step."""
        k = min(int(next(c for c in runs.claims if c.key == "fewest-in-between").numbers["fewest"]), pace.end)
        self.play(step.animate.set_value(k), rate_func=pace.segment(0, k), run_time=self.secs(self.first))
        base = k / self.first
        rest = self.seconds - self.first
        words = self.L("fast forward").format(k=_speed((pace.end - k) / rest / base))
        tag = self.cue(text(words, self.lang, size=16, colour=INK, weight="BOLD").next_to(grid, UP, buff=0.06)
                       .align_to(grid, RIGHT), words)
        self.add(tag)
        self.play(step.animate.set_value(pace.end), rate_func=pace.segment(k, pace.end), run_time=self.secs(rest))
        if pace.n > pace.end:   # the counters on to the last step, steadily
            self.play(step.animate.set_value(pace.n), rate_func=linear,
                      run_time=self.secs(min(1.5, (pace.n - pace.end) / config.frame_rate)))
        step.set_value(pace.n)
        self.update_mobjects(0)
        self.remove(tag)

    def message(self, runs) -> str:
        return caption_text(runs, self.lang)


def caption_text(runs, lang: str) -> str:
    """The claim in words, with the runs' numbers: the fewest steps and the β that takes them."""
    fewest = next(c for c in runs.claims if c.key == "fewest-in-between").numbers
    steps = f"{fewest['fewest']} 步" if lang == "zh" else f"{fewest['fewest']} steps"
    message = label("beta video caption", lang).format(best=f"{fewest['best']:g}", n=steps)
    return message.replace(f"β = {fewest['best']:g}", f"β\u00a0=\u00a0{fewest['best']:g}")   # never broken


def _speed(factor: float) -> str:
    """'×50': a speed-up rounded to two significant digits (one above 100)."""
    return f"{float(f'{factor:.2g}' if factor < 100 else f'{factor:.1g}'):g}"


def _point(p) -> str:
    return ", ".join(f"{float(v):g}".replace("-", "−") for v in p)


__all__ = ["MomentumBeta", "caption_text"]
