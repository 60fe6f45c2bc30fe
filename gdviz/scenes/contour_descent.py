"""Gradient descent on a round bowl, on an elongated bowl with the same flat curvature and start
(the zig-zag of unscaled features), each at its best rate, then raw against standardized
features on the same data."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, ValueTracker, VGroup, config, linear

from .. import lessons
from ..lessons.paths import SAME_RATE
from ..mobjects import ContourField, RatePanel, TrajectoryPath, colour
from ..mobjects.common import INK, text
from ..render.geometry import fit_window
from ..style import OKABE_ITO, optimizer_name
from .base import EDGE, GdvizScene, pace_of


class ContourDescent(GdvizScene):
    """Three acts. Round bowl and elongated bowl, like with like (same flat curvature, same start,
    each at its best rate 2/(L + μ): :func:`gdviz.lessons.paths.round_vs_elongated`; the round
    one lands in one step, the elongated one's steep direction caps its rate, so it crawls); the
    contour field fills the left of the
    frame, the path is drawn step by step (paced, so the first big steps can be followed and
    the crawl near the minimum does not take the time), the iteration and loss read out on
    the right, and a caption says what the act shows. Then the same data with raw and with
    standardized features side by side (the standardized parameters primed, w′ and b′): the
    standardized run's steps are slowed to be followed; then the raw one's crawl along its
    valley is played faster, with a tag saying how much faster."""

    seconds = (4.0, 5.0, 7.0)     # motion of each act
    acts = 3
    act_hold = 4.0                # still time on each act's caption before the next (~0.25 s a word)
    first_steps = 3.0             # act 3: seconds for the steps the standardized run needs

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.round_vs_elongated(), lessons.feature_scaling()]

    def construct(self):
        bowls, scaled = self.runs()
        self.one_field(bowls, 0, self.L("contour act bowl"), "contour caption bowl", self.seconds[0], first=True)
        self.clear_act()
        self.one_field(bowls, 1, self.L("contour act elongated"), "contour caption elongated", self.seconds[1])
        self.clear_act()
        self.scaling(scaled, self.seconds[2])

    def one_field(self, runs, i: int, title: str, caption_key: str, seconds: float, first: bool = False):
        traj, surface = runs.trajectories[i], runs.surface_of(i)
        step = ValueTracker(0)
        field = ContourField(surface, width=7.0, height=7.0, window=fit_window(surface, [traj]), lang=self.lang)
        self.place_field(field)
        path = TrajectoryPath(field, traj, step, colour("gd"), lang=self.lang, markers=True)
        panel = RatePanel(traj, step, title=optimizer_name("gd", self.lang), lang=self.lang, colour=colour("gd"),
                          size=24, lr=f"{runs.rates[i]:.4g}", wide=False, step_label=self.L("iteration"))
        self.cue_status(panel)
        left = field.get_right()[0] + 0.6
        heading = self.heading(title, runs.info["formulas"][i], size=30, width=EDGE - left, align=LEFT)
        self.column(heading, panel, left=left, width=EDGE - left)
        head = panel.detach_static()
        self.show([field, heading, head], [path, panel], fade_static=not first)
        self.advance(step, pace_of([(traj, field.window)]), seconds)
        same = runs.info["same rate"]
        note = self.L(caption_key).format(n=self.steps(traj.n_steps), lr=f"{runs.rates[i]:.4g}",
                                          k=f"{runs.info['L'][i] / runs.info['mu'][i]:g}",
                                          div=f"{2 / runs.info['L'][i]:g}", same=f"{SAME_RATE:g}",
                                          n_round=self.steps(same[0].n_steps), n_long=self.steps(same[1].n_steps))
        caption = self.caption(note, size=23, width=EDGE - left)
        room = panel.get_bottom()[1] - 0.6 - (-config.frame_height / 2 + 0.25)   # down to the frame's edge
        if caption.height > room:
            caption.scale_to_fit_height(room)
        caption.next_to(panel, DOWN, buff=0.6, aligned_edge=LEFT)
        self.conclude(caption, hold=self.act_hold)

    def scaling(self, runs, seconds: float):
        step = ValueTracker(0)
        fields, paths, panels = [], [], []
        for i, key in enumerate(runs.series):
            s, traj = runs.surface_of(i), runs.trajectories[i]
            c = OKABE_ITO["green"] if i else OKABE_ITO["vermillion"]
            field = ContourField(s, width=5.6, height=4.85, window=fit_window(s, [traj]), lang=self.lang,
                                 names=[f"{v}′" for v in s.variables] if key == "standardized" else None)
            fields.append(field)
            paths.append(TrajectoryPath(field, traj, step, c, lang=self.lang))
            panels.append(RatePanel(traj, step, title=self.L(key), lang=self.lang, colour=c, size=20,
                                    lr=runs.rates[i], step_label=self.L("iteration")))
            self.cue_status(panels[-1])
        for f, p in zip(fields, panels):
            VGroup(p, f).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        columns = VGroup(*[VGroup(p, f) for p, f in zip(panels, fields)]).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        self.fit(columns).to_edge(DOWN, buff=0.15)
        heads = [p.detach_static() for p in panels]
        cond = runs.info["condition"]
        heading = self.heading(self.L("feature scaling"),
                               self.L("contour act scaling").format(raw=f"{cond[0]:.0f}", std=f"{cond[1]:.1f}"),
                               size=30, width=13.4)
        self.show([*fields, *heads, heading], [*paths, *panels], fade_static=True)
        raw, std = runs.trajectories
        pace = pace_of([(t, f.window) for t, f in zip(runs.trajectories, fields)])
        # the steps the standardized run needs, slowly; then the raw run's crawl, faster (a tag says
        # how much faster than the first steps), and its counter on to its last step
        k, end, n = int(std.n_steps), pace.end, int(raw.n_steps)
        self.play(step.animate.set_value(k), rate_func=pace.segment(0, k), run_time=self.secs(self.first_steps))
        base = k / self.first_steps
        crawl = seconds - self.first_steps
        tag = self.fast_tag((end - k) / crawl / base, fields[0])
        self.add(tag)
        self.play(step.animate.set_value(end), rate_func=pace.segment(k, end), run_time=self.secs(crawl))
        if n > end:
            count = min(1.5, (n - end) / 30)
            self.remove(tag)
            tag = self.fast_tag((n - end) / count / base, fields[0])
            self.add(tag)
            self.play(step.animate.set_value(n), rate_func=linear, run_time=self.secs(count))
        step.set_value(n)
        self.update_mobjects(0)
        self.remove(tag)
        note = self.L("contour caption scaling").format(std=self.steps(std.n_steps), raw=self.steps(raw.n_steps),
                                                        c0=f"{cond[0]:.0f}", c1=f"{cond[1]:.1f}")
        self.conclude(self.caption(note, size=22, width=13.4).to_edge(UP, buff=0.2), replace=heading)

    def fast_tag(self, factor: float, field):
        """"▶▶ ×50 speed": how much faster than the first steps the clock now runs, over the
        top right corner of ``field``."""
        k = float(f"{factor:.2g}" if factor < 100 else f"{factor:.1g}")
        words = self.L("fast forward").format(k=f"{k:g}")
        tag = text(words, self.lang, size=18, colour=INK, weight="BOLD")
        return self.cue(tag.next_to(field, UP, buff=0.06).align_to(field, RIGHT), words)
