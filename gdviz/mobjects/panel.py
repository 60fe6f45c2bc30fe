"""Panels: learning rate / step / loss read-outs, an optimizer legend, a titled update rule."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Line, RoundedRectangle, VGroup, ValueTracker, WHITE

from ..style import fmt_number, label as L, optimizer_name
from .common import INK, MUTED, colour as gd_colour, formula, text


class RatePanel(VGroup):
    """Learning rate, step counter and loss of one run, updated from ``tracker`` (the
    fractional step): the numbers are the trajectory's own.

        >>> panel = RatePanel(traj, t, title="too small")
    """

    def __init__(self, traj, tracker: ValueTracker, *, title: str | None = None, lang: str = "en",
                 colour=None, size: float = 20, lr=None):
        super().__init__()
        self.traj, self.tracker, self.lang, self.size = traj, tracker, lang, size
        self.colour = colour if colour is not None else gd_colour(traj.optimizer)
        rate = lr if lr is not None else traj.hyperparams.get("lr")
        rows = []
        if title:
            rows.append(text(title, lang, size=size * 1.15, colour=self.colour, weight="BOLD"))
        if isinstance(rate, (int, float)):
            rows.append(text(f"{L('lr', lang)} = {fmt_number(rate)}", lang, size=size, colour=INK))
        self.head = VGroup(*rows).arrange(DOWN, buff=0.08)
        self.readout = self._readout(0)
        self.add(self.head, self.readout)
        self._shown = 0
        self.add_updater(lambda m: m.update_from_tracker())

    def step(self) -> int:
        """The whole step shown at the tracker's value (clipped to the run's length)."""
        return int(np.floor(min(self.tracker.get_value(), self.traj.n_steps) + 1e-9))

    def _readout(self, k: int):
        loss = self.traj.loss[self.traj.rows_until(k) - 1]
        mob = VGroup(text(f"{L('step', self.lang)} {k}", self.lang, size=self.size, colour=MUTED),
                     text(f"{L('loss', self.lang)} {fmt_number(loss)}", self.lang, size=self.size, colour=MUTED))
        return mob.arrange(DOWN, buff=0.06).next_to(self.head, DOWN, buff=0.12)

    def update_from_tracker(self):
        k = self.step()
        if k != self._shown:
            self.readout.become(self._readout(k))
            self._shown = k
        return self


class OptimizerLegend(VGroup):
    """A colour swatch and the display name of each optimizer (in ``lang``).

        >>> OptimizerLegend(["gd", "momentum", "adam"], lang="zh")
    """

    def __init__(self, names, *, lang: str = "en", rates=None, size: float = 20):
        super().__init__()
        rates = rates or [None] * len(names)
        for name, lr in zip(names, rates):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=gd_colour(name), stroke_width=6)
            label = optimizer_name(name, lang) + (f" ({fmt_number(lr)})" if lr else "")
            self.add(VGroup(swatch, text(label, lang, size=size)).arrange(RIGHT, buff=0.15))
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.12)

    def boxed(self):
        box = RoundedRectangle(corner_radius=0.1, width=self.width + 0.4, height=self.height + 0.3,
                               fill_color=WHITE, fill_opacity=0.9, stroke_color="#cccccc", stroke_width=1)
        return VGroup(box.move_to(self), self)


class UpdateRule(VGroup):
    """The update rule of an optimizer as a formula (LaTeX if installed, else Typst, else
    text), with an optional caption above.

        >>> UpdateRule("adagrad", caption="Adagrad")
    """

    def __init__(self, rule: str, *, caption: str | None = None, lang: str = "en", size: float = 30):
        super().__init__()
        self.formula = formula(rule, size=size, lang=lang)
        if caption:
            self.add(text(caption, lang, size=size * 0.7, colour=MUTED))
        self.add(self.formula)
        self.arrange(DOWN, buff=0.12)
