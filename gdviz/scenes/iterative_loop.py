"""The course's iterative approach: model -> compute loss -> compute parameter updates -> model."""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    WHITE,
    Arrow,
    ManimColor,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    interpolate_color,
    linear,
    smooth,
    there_and_back,
)

from .. import lessons
from ..mobjects import DescendingBall, LossCurve, Readout, UpdateRule, colour
from ..mobjects.common import INK, MUTED, text
from ..mobjects.glyphs import readable
from ..render.pacing import Pace
from ..style import OKABE_ITO, fmt_number
from .base import GdvizScene

HIGHLIGHT = OKABE_ITO["vermillion"]
TINT = "#FBE6DA"    # a pale vermillion: the lit box's fill, under dark text


class IterativeLoop(GdvizScene):
    """The loop of seed 001 as three boxes, each showing its current number; each pass lights
    them in turn (the frame and a pale fill, so the text stays readable) and moves the ball on
    the loss curve by one gradient step. The first ``iterations`` passes are slow enough to read
    the numbers; the loop then runs on, faster, until nothing visibly moves (the shared pacing
    decides where), and the counters show the run's last step. The boxes and the update line
    always show the same pass: the weight it starts from, its loss and gradient, and the step
    to the next weight; small numbers are written "3.1 × 10⁻⁴", so the falling loss stays in sight."""

    iterations = 5              # passes shown slowly
    seconds_per_pass = 2.2
    seconds_per_fast_pass = 0.8
    lr = 0.5
    start = -2.9

    @classmethod
    def lesson_runs(cls) -> list:
        return [lessons.gradient_step("parabola", lr=cls.lr, start=[cls.start])]

    def box(self, title: str, prefix: str):
        t = text(title, self.lang, size=22, weight="BOLD")
        # a formula, not words: the Latin font in either language ("= -0.589", "= 3.1 × 10⁻⁴");
        # room for the widest value, both lines flush left, so nothing touches the frame
        value = Readout(prefix, "en", size=20, colour=MUTED, value="= -0.000", reserve="= -9.9 × 10⁻⁴")
        body = VGroup(t, value).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        frame = RoundedRectangle(corner_radius=0.15, width=max(body.width + 0.6, 2.9), height=body.height + 0.45,
                                 stroke_color=INK, stroke_width=2, fill_color=WHITE, fill_opacity=1)
        frame.move_to(body)
        body.align_to(frame, LEFT).shift(0.3 * RIGHT)
        return frame, t, value

    def construct(self):
        runs, = self.runs()
        traj = runs.trajectories[0]
        parts = [self.box(self.L("loop model"), "w"), self.box(self.L("loop loss"), "L(w)"),
                 self.box(self.L("loop update"), "∂L/∂w")]
        frames = [p[0] for p in parts]
        boxes = [VGroup(*p) for p in parts]
        model, loss, update = boxes
        VGroup(update, loss).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        model.next_to(VGroup(update, loss), UP, buff=1.0)
        arrows = VGroup(Arrow(model.get_corner(DOWN + RIGHT) + LEFT * 0.3, loss.get_top(), color=INK, buff=0.1),
                        Arrow(loss.get_left(), update.get_right(), color=INK, buff=0.1),
                        Arrow(update.get_top(), model.get_corner(DOWN + LEFT) + RIGHT * 0.3, color=INK, buff=0.1))
        rule = UpdateRule("gd", lang=self.lang, size=30)
        step_text = Readout("w ←", "en", size=20, colour=INK, value="-0.000 - 0.5 × (-0.000) = -0.000")
        rule_block = VGroup(rule, step_text).arrange(DOWN, buff=0.2)
        counter = Readout(self.L("loop pass"), self.lang, size=22, colour=MUTED, value="1", reserve="00")
        after = text(self.L("loop pass after"), self.lang, size=22, colour=MUTED) if self.L("loop pass after") else None
        loop = VGroup(*boxes, arrows)
        left = VGroup(loop, rule_block).arrange(DOWN, buff=0.45)
        counter.next_to(loop, UP, buff=0.3).align_to(loop, LEFT)
        left.add(counter)
        step = ValueTracker(0)
        curve = LossCurve(runs.surface, width=5.6, height=4.9, lang=self.lang, size=16)
        ball = DescendingBall(curve, traj, step, colour("gd"), lang=self.lang)
        self.fit(VGroup(left, curve).arrange(RIGHT, buff=0.8), height=6.6).to_edge(DOWN, buff=0.25)
        heading = self.heading(self.L("loop title"), self.L("loop subtitle").format(lr=fmt_number(self.lr)), size=30)
        values = [p[2] for p in parts]
        # one tracker drives a pass: phase 4k..4k+3 lights the three boxes in turn, 4k+3..4k+4
        # moves the ball one step (a single animation a pass; no group added to the scene)
        n = int(traj.n_steps)
        phase = ValueTracker(0)

        def where() -> tuple[int, float]:
            p = phase.get_value()
            k = min(int(np.floor(p / 4 + 1e-9)), n)
            return k, p - 4 * k

        def light(j):
            def update(frame):
                k, u = where()
                a = there_and_back(float(np.clip(u - j, 0, 1))) if k < n else 0.0
                frame.set_stroke(interpolate_color(INK, ManimColor(HIGHLIGHT), a), width=2 + 4 * a)
                frame.set_fill(interpolate_color(ManimColor(WHITE), ManimColor(TINT), a), opacity=1)
            return update

        def follow(tracker):
            k, u = where()
            tracker.set_value(min(k + smooth(float(np.clip(u - 3, 0, 1))), n))

        def numbers(_):
            # each box shows its number once it is lit: the weight of pass k from the start of
            # the pass, its loss from the second box on, the gradient and update from the third;
            # after the last pass, the last pass's numbers (the update line ends on the final w)
            k, u = where()
            upto = int(np.floor(u)) + 1
            if k >= n:
                k, upto = n - 1, 3
            self.set_values(traj, k, values, step_text, upto=upto)
            counter.set_text(str(k + 1))
            if after is not None:   # "第 3 轮": the word after the number
                after.next_to(counter.value, RIGHT, buff=0.12).align_to(counter.prefix, DOWN)

        for j, frame in enumerate(frames):
            frame.add_updater(light(j))
        step.add_updater(follow)
        shown = VGroup(*values, step_text, counter, *([after] if after is not None else []))
        numbers(None)
        shown.add_updater(numbers)
        # the lit boxes move (their frames change colour): after the static pieces; the step
        # tracker before the ball, which reads it
        self.show([arrows, rule, curve, heading], [*[VGroup(p[0], p[1]) for p in parts], shown, step, ball],
                  fade_static=True)
        slow = min(self.iterations, n)
        for k in range(slow):
            self.play(phase.animate.set_value(4 * k + 4), run_time=self.secs(self.seconds_per_pass),
                      rate_func=linear)
        fast = max(Pace([traj], runs.surface.bounds).end, slow)   # where the ball stops visibly moving
        if fast > slow:
            self.play(phase.animate.set_value(4 * fast), rate_func=linear,
                      run_time=self.secs(self.seconds_per_fast_pass * (fast - slow)))
        phase.set_value(4 * n)
        self.update_mobjects(0)
        note = self.L("loop caption").format(n=int(traj.n_steps), w0=fmt_number(traj.params[0, 0]),
                                             w1=readable(traj.params[-1, 0], signed=True, small=True),
                                             l0=fmt_number(traj.loss[0]), l1=readable(traj.loss[-1], small=True))
        self.conclude(self.caption(note, size=22, width=13.4).to_edge(UP, buff=0.2), replace=heading)

    def set_values(self, traj, k: int, values, step_text, upto: int = 3):
        """The numbers of pass k in the first ``upto`` boxes (the others keep pass k - 1's):
        the weight, its loss, the gradient and the update it makes."""
        for j, r in enumerate(values):
            row = min(k if j < upto else max(k - 1, 0), len(traj.params) - 1)
            x = (traj.params[row, 0], traj.loss[row], traj.grads[row, 0])[j]
            shown = readable(x, small=True) if j == 1 else readable(x, signed=True, small=True)   # a loss is >= 0
            r.set_text(f"= {shown}")
        row = min(k if upto >= 3 else k - 1, int(traj.n_steps) - 1)
        if 0 <= row < traj.n_steps:
            w, g, w1 = traj.params[row, 0], traj.grads[row, 0], traj.params[row + 1, 0]
            step_text.set_text(f"{readable(w, signed=True, small=True)} - {fmt_number(self.lr)} × "
                               f"({readable(g, signed=True, small=True)}) = {readable(w1, signed=True, small=True)}")
        elif row < 0:
            step_text.set_text("")
