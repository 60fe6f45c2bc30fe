"""The course's iterative approach: model -> compute loss -> compute parameter updates -> model."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Arrow, FadeIn, Group, Indicate, RoundedRectangle,
                   ValueTracker, VGroup, WHITE, linear)

from .. import lessons
from ..mobjects import DescendingBall, LossCurve, UpdateRule, colour
from ..mobjects.common import INK, MUTED, text
from ..style import OKABE_ITO, fmt_number
from .base import GdvizScene

BOXES = {"en": ("Model\nw", "Compute loss\nL(w)", "Compute\nparameter update"),
         "zh": ("模型\nw", "计算损失\nL(w)", "计算\n参数更新")}


class IterativeLoop(GdvizScene):
    """The loop of seed 001 as three boxes; each pass lights them in turn and moves the ball on
    the loss curve by one gradient step."""

    iterations = 5
    lr = 0.5

    def box(self, label: str) -> VGroup:
        t = text(label, self.lang, size=22)
        frame = RoundedRectangle(corner_radius=0.15, width=t.width + 0.5, height=t.height + 0.45,
                                 stroke_color=INK, stroke_width=2, fill_color=WHITE, fill_opacity=1)
        return VGroup(frame, t)

    def construct(self):
        runs = lessons.single("parabola", ["gd"], [self.lr], steps=self.iterations, start=[-2.9])
        traj = runs.trajectories[0]
        names = BOXES[self.lang]
        model, loss, update = (self.box(n) for n in names)
        loop = VGroup(model, loss, update)
        model.move_to(UP * 1.4)
        loss.move_to(DOWN * 0.9 + RIGHT * 1.9)
        update.move_to(DOWN * 0.9 + LEFT * 1.9)
        arrows = VGroup(Arrow(model.get_bottom(), loss.get_top(), color=INK, buff=0.1),
                        Arrow(loss.get_left(), update.get_right(), color=INK, buff=0.1),
                        Arrow(update.get_top(), model.get_bottom() + LEFT * 0.3, color=INK, buff=0.1))
        rule = UpdateRule("gd", lang=self.lang, size=26).next_to(loop, DOWN, buff=0.6)
        values = text("", self.lang, size=20, colour=MUTED)
        step = ValueTracker(0)
        curve = LossCurve(runs.surface, width=5.2, height=3.8, lang=self.lang)
        ball = DescendingBall(curve, traj, step, colour("gd"), lang=self.lang)
        left = VGroup(loop, arrows, rule)
        Group(left, Group(curve, ball)).arrange(RIGHT, buff=0.8).to_edge(DOWN, buff=0.6)
        heading = self.heading("Iterative approach to reducing loss" if self.lang == "en" else "降低损失的迭代方法")
        self.play(FadeIn(heading), FadeIn(left), FadeIn(curve), FadeIn(ball), run_time=self.secs(1.0))
        for k in range(traj.n_steps):
            w, lv, g = traj.params[k, 0], traj.loss[k], traj.grads[k, 0]
            readout = text(f"w = {fmt_number(w)}   L(w) = {fmt_number(lv)}   ∂L/∂w = {fmt_number(g)}",
                           self.lang, size=20, colour=MUTED).next_to(Group(curve, ball), UP, buff=0.15)
            values.become(readout)
            if k == 0:
                self.add(values)
            for box in (model, loss, update):
                self.play(Indicate(box, color=OKABE_ITO["vermillion"], scale_factor=1.06),
                          run_time=self.secs(0.45))
            self.play(step.animate.set_value(k + 1), run_time=self.secs(0.8), rate_func=linear)
        self.wait(self.secs(1.5))
