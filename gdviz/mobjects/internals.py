"""What an optimizer carries from step to step, drawn from its recorded state
(:mod:`gdviz.internals`), following a tracker: momentum's velocity arrows and the adaptive
methods' accumulator squares.

Tracker value t is update t: at a whole t the pieces show that update's terms exactly
(``internals(traj).carried[t]``, ``.push[t]``, ``.step[t]``, ``.scale[t]``); between two whole
values they are interpolated linearly, so they change as smoothly as the path moves. Past the
last update they keep the last one's.

    >>> t = ValueTracker(0)
    >>> arrows = VelocityArrow(field, traj, t)             # carried (green) + push (vermillion) = step (black)
    >>> square = AccumulatorSquare(ins, t, 1, unit=0.05)   # side = 0.05 x sqrt(sum g^2) of coordinate 1
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Line, ManimColor, ValueTracker, VGroup, VMobject

from ..internals import internals as derive
from ..render.axes import CARRIED, PUSH, STEP
from .common import INK, MUTED, Reads


def _rows_at(rows: np.ndarray, t: float) -> np.ndarray:
    """Row ``t`` of ``rows`` (n, d), linear between whole rows, clipped to [0, n - 1]."""
    n = len(rows)
    t = float(np.clip(t, 0.0, n - 1))
    k = int(np.floor(t + 1e-9))
    if k >= n - 1:
        return rows[n - 1].astype(float)
    u = t - k
    return rows[k] * (1.0 - u) + rows[k + 1] * u


class FlatArrows(VGroup):
    """Arrows of one colour (shafts and filled tips) re-pointed cheaply every frame: all of
    them are two shapes whose points change, so the family never does (manim lists the moving
    mobjects once per animation) and Cairo draws two paths, not two per arrow. Each tip's apex
    is exactly at its arrow's end; an arrow shorter than ``least`` is left out."""

    def __init__(self, colour, *, stroke_width: float = 4.0, tip: float = 0.2, least: float = 0.02,
                 opacity: float = 1.0):
        super().__init__()
        self.colour, self.tip_length, self.least = ManimColor(colour), float(tip), float(least)
        self.shaft = VMobject(stroke_color=self.colour, stroke_width=stroke_width, stroke_opacity=opacity,
                              fill_opacity=0)
        self.tip = VMobject(fill_color=self.colour, fill_opacity=opacity, stroke_width=0)
        self.add(self.shaft, self.tip)
        self.ends = np.zeros((0, 2, 3))
        self.put_all([])

    def put_all(self, pairs):
        """Arrows from each scene point a to its b: ``pairs`` is a list of (a, b)."""
        self.ends = np.array([[np.asarray(a, dtype=float), np.asarray(b, dtype=float)] for a, b in pairs]
                             ).reshape(-1, 2, 3)
        shaft, tip = [], []
        for a, b in self.ends:
            d = b - a
            length = float(np.linalg.norm(d[:2]))
            if not np.isfinite(length) or length < self.least:
                continue
            u = d / length
            normal = np.array([-u[1], u[0], 0.0])
            t = min(self.tip_length, 0.45 * length)
            base = b - t * u
            shaft.append(_segment(a, base + 0.25 * t * u))          # under the tip: no gap
            tip.append(_polygon([b, base + 0.42 * t * normal, base - 0.42 * t * normal, b]))
        self.shaft.points = np.concatenate(shaft) if shaft else np.zeros((0, 3))
        self.tip.points = np.concatenate(tip) if tip else np.zeros((0, 3))
        return self


def _segment(a, b) -> np.ndarray:
    """The four Bezier points of a straight segment (manim's cubic curves)."""
    return np.array([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b])


def _polygon(corners) -> np.ndarray:
    return np.concatenate([_segment(a, b) for a, b in zip(corners[:-1], corners[1:])])


class FlatArrow(FlatArrows):
    """One arrow of :class:`FlatArrows`: ``put(a, b)``."""

    def put(self, a, b):
        return self.put_all([(a, b)])

    @property
    def start(self):
        return self.ends[0, 0] if len(self.ends) else np.zeros(3)

    @property
    def end(self):
        return self.ends[0, 1] if len(self.ends) else np.zeros(3)

    def vector(self) -> np.ndarray:
        """End minus start, as drawn (zero when too short to draw)."""
        return self.end - self.start if len(self.tip.points) else np.zeros(3)


class VelocityArrow(Reads, VGroup):
    """What update t of a run is made of, drawn at the run's point ``traj.at(t)`` on a
    :class:`~gdviz.mobjects.ContourField`: for momentum the velocity carried over (green,
    -lr beta b_{t-1}) and the gradient's push (vermillion, -lr g) head to tail, and their sum,
    the step taken (black), which lands on the next point; for plain gradient descent the push
    alone (it is the whole step). Read from :func:`gdviz.internals.internals`, interpolated
    between updates. ``trail``: updates whose arrows stay behind, faded, once the run has made
    them (e.g. :func:`gdviz.render.figures.inside.shown_updates`, the figure's choice): the
    velocity building up along the path.

        >>> arrows = VelocityArrow(field, runs.trajectories[1], step, internals=runs.info["internals"])
    """

    def __init__(self, field, traj, tracker: ValueTracker, *, internals=None, stroke_width: float = 4.5,
                 tip: float = 0.2, step: bool = True, trail=(), trail_opacity: float = 0.4):
        super().__init__()
        self.field, self.traj, self.tracker = field, traj, tracker
        self.internals = ins = derive(traj) if internals is None else internals
        self.momentum = ins.carried is not None and bool(np.any(ins.carried))
        self.trail = [int(k) for k in trail if 0 <= int(k) < len(ins.step)]
        # the faded arrows of past updates, under the live ones: one shape per colour
        self._made = None
        self.ghosts = self._arrows(stroke_width * 0.7, tip * 0.8, step, trail_opacity)
        self.step, self.carried, self.push = live = self._arrows(stroke_width, tip, step, 1.0)
        self.add(*[a for a in (*self.ghosts, *live) if a is not None])
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def _arrows(self, width, tip, step, opacity) -> tuple:
        """(step, carried, push) arrows; None where this run has no such term."""
        kind = FlatArrow if opacity >= 1 else FlatArrows
        carried = kind(CARRIED, stroke_width=width, tip=tip, opacity=opacity) if self.momentum else None
        push = kind(PUSH, stroke_width=width, tip=tip, opacity=opacity)
        taken = kind(STEP, stroke_width=width * 0.8, tip=tip, opacity=opacity) if step and self.momentum else None
        return taken, carried, push

    def terms(self, t: float) -> dict:
        """The update's terms at tracker value ``t`` (parameter units): carried, push, step."""
        ins = self.internals
        out = {"push": _rows_at(ins.push, t), "step": _rows_at(ins.step, t)}
        if self.momentum:
            out["carried"] = _rows_at(ins.carried, t)
        return out

    def pairs(self, p, terms) -> tuple:
        """(step, carried, push) as (start, end) scene points for an update made from p."""
        to = self.field.to_scene
        if self.momentum:
            c = terms["carried"]
            a, mid, end, last = to(np.array([p, p + c, p + c + terms["push"], p + terms["step"]]))
            return (a, last), (a, mid), (mid, end)
        a, end = to(np.array([p, p + terms["push"]]))
        return None, None, (a, end)

    def update_from_tracker(self):
        t = float(self.tracker.get_value())
        now = self.pairs(self.traj.at(min(t, self.traj.n_steps)), self.terms(t))
        for arrow, pair in zip((self.step, self.carried, self.push), now):
            if arrow is not None:
                arrow.put(*pair)
        made = [k for k in self.trail if t >= k + 1]
        if made != self._made:   # an update was made: its arrows stay where it was made
            done = [self.pairs(self.traj.params[k], self.terms(k)) for k in made]
            for i, arrows in enumerate(self.ghosts):
                if arrows is not None:
                    arrows.put_all([d[i] for d in done])
            self._made = made
        return self


class AccumulatorSquare(Reads, VGroup):
    """One coordinate's accumulator as a square whose side is ``unit`` scene units per unit of
    ``internals.scale`` (the root of the accumulated squared gradients: Adagrad sqrt(sum g^2),
    Adam sqrt(v-hat)), so its area is the accumulated square itself; centred where it is
    placed, following ``tracker`` (update t). ``readout``: the value under the square;
    ``rate``: a read-out of the rate the coordinate gets (``internals.effective_lr``), with
    this prefix.

        >>> sq = AccumulatorSquare(ins, t, 1, unit=0.05, colour=colour("adagrad"))
    """

    def __init__(self, internals, tracker: ValueTracker, coordinate: int, *, unit: float, colour=INK,
                 opacity: float = 0.6, readout: bool = False, rate: str | None = None, lang: str = "en",
                 size: float = 18, room: float | None = None):
        super().__init__()
        if internals.scale is None or internals.effective_lr is None:
            raise ValueError(f"{internals.optimizer} keeps no accumulator (internals.scale is None)")
        self.internals, self.tracker, self.coordinate = internals, tracker, int(coordinate)
        self.values = np.asarray(internals.scale[:, self.coordinate], dtype=float)
        self.rates = np.asarray(internals.effective_lr[:, self.coordinate], dtype=float)
        # an invisible segment from the centre, ``unit`` long: it carries any shift and scale
        self.ref = Line(np.zeros(3), unit * RIGHT, stroke_width=0, stroke_opacity=0)
        self.square = VMobject(fill_color=colour, fill_opacity=opacity, stroke_color=INK, stroke_width=1.2)
        self.add(self.ref, self.square)
        # read-outs under the largest square drawn (``room``: the side to leave, in scene units)
        self.readout = self.rate_readout = None
        below = (unit * float(self.values.max()) if room is None else room) / 2
        anchor = self.ref.get_start() + DOWN * below
        if readout:
            from .glyphs import Readout

            self.readout = Readout("", lang, size=size, colour=MUTED, value="0", reserve="0.000")
            anchor = self._place(self.readout, anchor)
            self.add(self.readout)
        if rate is not None:
            from .glyphs import Readout

            self.rate_readout = Readout(rate, lang, size=size, colour=INK, value="0", reserve="0.0000")
            self._place(self.rate_readout, anchor)
            self.add(self.rate_readout)
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def _place(self, mob, anchor):
        """``mob`` centred under ``anchor``; returns the point under it."""
        mob.next_to(anchor, DOWN, buff=0.1)
        mob.shift((anchor[0] - mob.get_center()[0]) * RIGHT)
        return np.array([anchor[0], mob.get_bottom()[1], 0.0])

    def rate(self, t: float | None = None) -> float:
        """The coordinate's effective rate at tracker value ``t`` (the tracker's, by default)."""
        t = float(self.tracker.get_value()) if t is None else t
        return float(_rows_at(self.rates[:, None], t)[0])

    def value(self, t: float | None = None) -> float:
        """The accumulator's root at tracker value ``t`` (the tracker's, by default)."""
        t = float(self.tracker.get_value()) if t is None else t
        return float(_rows_at(self.values[:, None], t)[0])

    def unit(self) -> float:
        """Scene units per unit of the accumulator, as the square is now drawn."""
        return float(np.linalg.norm(self.ref.get_end() - self.ref.get_start()))

    def side(self) -> float:
        """The square's side as drawn."""
        pts = self.square.points
        return float(np.ptp(pts[:, 0])) if len(pts) else 0.0

    def update_from_tracker(self):
        from .glyphs import readable

        v = self.value()
        c, h = self.ref.get_start(), self.unit() * v / 2
        corners = c + np.array([[-h, -h, 0], [h, -h, 0], [h, h, 0], [-h, h, 0], [-h, -h, 0]])
        if h > 0:
            self.square.set_points_as_corners(corners)
        else:
            self.square.points = np.zeros((0, 3))
        if self.readout is not None:
            self.readout.set_text(readable(v))
        if self.rate_readout is not None:
            self.rate_readout.set_text(readable(self.rate()))
        return self


class TraceLine(Reads, VMobject):
    """A series drawn on a :class:`~gdviz.mobjects.Chart` up to the tracker's value (the head
    interpolated between whole steps): ``ys[k]`` at ``xs[k]``, the tracker read as an index."""

    def __init__(self, chart, xs, ys, tracker: ValueTracker, colour, *, stroke_width: float = 3.0):
        super().__init__(stroke_color=colour, stroke_width=stroke_width, fill_opacity=0)
        self.chart, self.tracker = chart, tracker
        self.xs, self.ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def update_from_tracker(self):
        n = len(self.xs)
        t = float(np.clip(self.tracker.get_value(), 0.0, n - 1))
        k = int(np.floor(t + 1e-9))
        xs, ys = list(self.xs[: k + 1]), list(self.ys[: k + 1])
        if k < n - 1 and t > k:
            xs.append(float(np.interp(t, np.arange(n), self.xs)))
            ys.append(float(np.interp(t, np.arange(n), self.ys)))
        self.set_points_as_corners(self.chart.polyline(xs, ys))
        return self


__all__ = ["VelocityArrow", "AccumulatorSquare", "FlatArrow", "TraceLine"]
