"""Panels: learning rate / step / loss read-outs, an optimizer legend, a titled update rule."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, WHITE, Line, RoundedRectangle, ValueTracker, VGroup

from ..style import bracketed, fmt_number, optimizer_name
from ..style import label as L
from .common import DIVERGED, INK, MUTED, Reads, formula, text
from .common import colour as gd_colour
from .glyphs import Readout, readable


def loss_text(x: float) -> str:
    """A loss for a read-out: three significant digits, "< 0.001" when tiny."""
    return readable(x)


class RatePanel(Reads, VGroup):
    """Title and learning rate of one run, then its step counter and loss, updated from
    ``tracker`` (the fractional step; ``per_step`` tracker units a step): the numbers are the
    trajectory's own. When the run's last step is shown, its status appears ("converged",
    "diverged"; ``status_at``: from this step on instead, e.g. where a diverging run leaves the
    picture). ``wide``: the step and the loss on one line.

        >>> panel = RatePanel(traj, t, title="too small")
    """

    def __init__(self, traj, tracker: ValueTracker, *, title: str | None = None, lang: str = "en",
                 colour=None, size: float = 20, lr=None, wide: bool = True, step_label: str | None = None,
                 per_step: float = 1.0, status: bool = True, status_at: float | None = None):
        super().__init__()
        self.traj, self.tracker, self.lang, self.size, self.title = traj, tracker, lang, size, title
        self.per_step = float(per_step)
        self.colour = colour if colour is not None else gd_colour(traj.optimizer)
        rate = lr if lr is not None else traj.hyperparams.get("lr")
        parts = []
        if title:
            parts.append(text(title, lang, size=size * 1.15, colour=self.colour, weight="BOLD"))
        if isinstance(rate, (int, float, str)):   # a string: the rate as the caption prints it
            shown = rate if isinstance(rate, str) else fmt_number(rate)
            parts.append(text(f"{L('lr', lang)} = {shown}", lang, size=size, colour=INK))
        self.head = VGroup(*parts)
        if wide:
            self.head.arrange(RIGHT, buff=0.3)
            if len(parts) == 2:  # on the title's baseline (its first glyph has no descender)
                parts[1].align_to(parts[0][0], DOWN)
        else:
            self.head.arrange(DOWN, buff=0.08, aligned_edge=LEFT)
        # the widest values first, so the layout leaves room for them
        n = int(traj.n_steps)
        self.step_readout = Readout(step_label or L("step", lang), lang, size=size, colour=MUTED,
                                    value="0", reserve=str(max(n, 100)))
        self.loss_readout = Readout(L("loss", lang), lang, size=size, colour=MUTED, value="0",
                                    reserve="0.00000")
        rows = VGroup(self.step_readout, self.loss_readout)
        if wide:   # on one baseline ("step" has a descender, "loss" none)
            rows.arrange(RIGHT, buff=0.35, aligned_edge=DOWN)
            self.loss_readout.shift(UP * (self.step_readout.ref.get_start()[1] - self.loss_readout.ref.get_start()[1]))
        else:
            rows.arrange(DOWN, buff=0.06, aligned_edge=LEFT)
        self.readout = rows
        VGroup(self.head, rows).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        self.add(self.head, rows)
        self.status = None
        self.status_at = float(traj.n_steps if status_at is None else status_at)
        if status and traj.status in ("converged", "diverged"):
            bad = traj.status == "diverged"
            self.status = text(L(traj.status, lang), lang, size=size, colour=DIVERGED if bad else self.colour,
                               weight="BOLD").next_to(rows, DOWN, buff=0.08, aligned_edge=LEFT)
            self.status.set_opacity(0)
            self.add(self.status)
        self._shown = None
        self.update_from_tracker()
        self.add_updater(lambda m: m.update_from_tracker())

    def detach_static(self) -> VGroup:
        """Take the title and rate out of the panel (they never change) and return them, so a
        scene can add them with the static mobjects; the panel keeps its read-outs."""
        self.remove(self.head)
        return self.head

    def step(self) -> int:
        """The whole step shown at the tracker's value (clipped to the run's length)."""
        return int(np.floor(min(self.tracker.get_value() / self.per_step, self.traj.n_steps) + 1e-9))

    def status_shown(self) -> bool:
        """Whether the status shows at the tracker's step."""
        return self.status is not None and self.step() >= self.status_at

    def update_from_tracker(self):
        k = self.step()
        if k != self._shown:
            self.step_readout.set_text(str(k))
            self.loss_readout.set_text(loss_text(self.traj.loss[self.traj.rows_until(k) - 1]))
            if self.status is not None:
                self.status.set_opacity(1.0 if self.status_shown() else 0.0)
            self._shown = k
        return self


class OptimizerLegend(Reads, VGroup):
    """A colour swatch and the display name of each optimizer (in ``lang``); with ``live``
    (trajectories and a tracker), each row also reads the run's loss at the tracker's step;
    with ``steps`` too, the steps it has taken (stopping where it stopped), ticked once it has
    converged.

        >>> OptimizerLegend(["gd", "momentum", "adam"], lang="zh")
    """

    def __init__(self, names, *, lang: str = "en", rates=None, size: float = 20, live=None,
                 colours=None, labels=None, steps: bool = False):
        super().__init__()
        rates = rates or [None] * len(names)
        colours = colours or [gd_colour(n) for n in names]
        self.rows, self.readouts, self.step_readouts, self.ticks = VGroup(), [], [], []
        for i, (name, lr) in enumerate(zip(names, rates)):
            swatch = Line(LEFT * 0.25, RIGHT * 0.25, color=colours[i], stroke_width=7)
            rate = bracketed(fmt_number(lr), lang) if lr else ""
            label = labels[i] if labels else optimizer_name(name, lang) + rate
            self.rows.add(VGroup(swatch, text(label, lang, size=size)).arrange(RIGHT, buff=0.15))
        self.rows.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        self.add(self.rows)
        self.live = None
        if live is not None:  # a column of losses, headed "loss"
            trajs, tracker = live
            self.live = (list(trajs), tracker)
            x = self.rows.get_right()[0] + 0.35
            if steps:   # a column of steps taken, headed "step", each ticked when converged
                for row in self.rows:
                    r = Readout("", lang, size=size * 0.95, colour=MUTED, value="0", reserve="0000")
                    r.set_x(x, direction=LEFT).set_y(row.get_center()[1])
                    tick = text("✓", "en", size=size, colour=INK, weight="BOLD").next_to(r, RIGHT, buff=0.15)
                    tick.set_y(row.get_center()[1]).set_opacity(0)
                    self.step_readouts.append(r), self.ticks.append(tick)
                    self.add(r, tick)
                header = text(L("step", lang), lang, size=size * 0.85, colour=MUTED)
                header.next_to(self.step_readouts[0], UP, buff=0.14).set_x(x, direction=LEFT)
                self.rows.add(header)
                x = max(t.get_right()[0] for t in self.ticks) + 0.3
            for row in self.rows[: len(names)]:
                r = Readout("", lang, size=size * 0.95, colour=MUTED, value="0.000", reserve="< 0.001")
                r.set_x(x, direction=LEFT).set_y(row.get_center()[1])
                self.readouts.append(r)
                self.add(r)
            header = text(L("loss", lang), lang, size=size * 0.85, colour=MUTED)
            header.next_to(self.readouts[0], UP, buff=0.14).set_x(x, direction=LEFT)
            if steps:   # on the baseline of "step" (whose "p" hangs below it)
                header.align_to(self.rows[-1], UP)
            self.rows.add(header)  # static, with the names
            self._shown = None
            self.update_from_tracker()
            self.add_updater(lambda m: m.update_from_tracker())

    def detach_static(self) -> VGroup:
        """Take the swatches and names out (they never change) and return them, so a scene can
        add them with the static mobjects; the legend keeps its live read-outs."""
        self.remove(self.rows)
        return self.rows

    def update_from_tracker(self):
        trajs, tracker = self.live
        t = tracker.get_value()
        k = int(np.floor(t + 1e-9))
        if k != self._shown:
            for i, (r, traj) in enumerate(zip(self.readouts, trajs)):
                j = min(k, int(traj.n_steps))
                r.set_text(loss_text(traj.loss[traj.rows_until(j) - 1]))
                if self.step_readouts:
                    self.step_readouts[i].set_text(str(j))
                    self.ticks[i].set_opacity(1.0 if k >= traj.n_steps and traj.status == "converged" else 0.0)
            self._shown = k
        return self

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


__all__ = ["RatePanel", "OptimizerLegend", "UpdateRule", "loss_text", "UP"]
