"""Pacing: which fractional step each moment of an animation shows, so that motion fills it.

Spending the same time on every step wastes most of a video: the first steps of gradient
descent jump across the picture, then hundreds of steps move less than a pixel. A
:class:`Pace` gives each step time in proportion to the square root of how far anything
visibly moves during it (big early jumps are slowed, crawls are sped up, never skipped), and
stops where nothing moves by more than a pixel any more; the last frame shows the final step.
Pure numpy: the matplotlib animations and the manim scenes share it.

    >>> pace = Pace([traj], window)                 # window: (d, 2) plotting bounds
    >>> pace.frame_times(120)                       # fractional step of each of 120 frames
    >>> self.play(tracker.animate.set_value(pace.end), rate_func=pace.rate_func)   # manim
"""
from __future__ import annotations

import numpy as np

PIXELS = 500   # the picture's size in pixels, for "moves by more than a pixel"


class Pace:
    """The timing of an animation of ``trajs`` (all driven by one step counter) in ``window``.

    end : the last step where something still visibly moves (the animation's motion ends
    there); n : the last step of the longest run. ``weights[k]`` is the share of the motion's
    time given to step k -> k + 1.
    """

    def __init__(self, trajs, window, *, pixels: int = PIXELS, power: float = 0.5):
        window = np.asarray(window, dtype=float)
        self.n = max(int(t.n_steps) for t in trajs)
        pts = np.stack([_screen(t, window, self.n) for t in trajs])          # (T, n+1, d)
        move = np.linalg.norm(np.diff(pts, axis=1), axis=-1).max(0)          # (n,)
        # the motion ends at the first step after which no run gets a pixel away from where it is
        drift = np.abs(pts - pts[:, -1:, :]).max(-1).max(0)                   # (n+1,)
        beyond = np.maximum.accumulate((drift > 1.0 / pixels)[::-1])[::-1]
        self.end = int(np.flatnonzero(beyond)[-1]) + 1 if beyond.any() else min(self.n, 1)
        self.end = max(1, min(self.end, self.n)) if self.n else 0
        w = np.power(np.maximum(move[: self.end], 0.0), power)
        floor = 0.05 * w.max() if w.size and w.max() > 0 else 1.0
        self.weights = np.maximum(w, floor)       # a step that moves little still takes a moment
        self._cum = np.concatenate([[0.0], np.cumsum(self.weights)])
        if self._cum[-1] > 0:
            self._cum /= self._cum[-1]

    def step_at(self, u):
        """Fractional step at the share ``u`` in [0, 1] of the motion's time."""
        if not self.end:
            return np.zeros_like(np.asarray(u, dtype=float))
        return np.interp(np.clip(u, 0.0, 1.0), self._cum, np.arange(self.end + 1, dtype=float))

    def share(self, step: float) -> float:
        """The share of the motion's time spent when ``step`` is reached (inverse of :meth:`step_at`)."""
        if not self.end:
            return 1.0
        return float(np.interp(step, np.arange(self.end + 1, dtype=float), self._cum))

    def segment(self, a: float, b: float):
        """For manim: the rate function of the motion from step ``a`` to step ``b`` (b > a),
        played in ``share(b) - share(a)`` of the whole motion's time."""
        ua, ub = self.share(a), self.share(b)
        return lambda v: (float(self.step_at(ua + v * (ub - ua))) - a) / (b - a)

    def stretch(self, upto: int, share: float) -> "Pace":
        """This pace with steps ``0 .. upto`` given ``share`` of the motion's time (the rest
        scaled to fit): a scene slows down its first steps where the runs part."""
        k = int(min(max(upto, 0), self.end))
        if 0 < k < self.end and 0 < share < 1:
            head, tail = self.weights[:k].sum(), self.weights[k:].sum()
            w = self.weights.copy()
            w[:k] *= share / head
            w[k:] *= (1 - share) / tail
            self.weights = w
            self._cum = np.concatenate([[0.0], np.cumsum(w)])
            self._cum /= self._cum[-1]
        return self

    def rate_func(self, u: float) -> float:
        """For manim: the share of ``end`` reached at the share ``u`` of the run time."""
        return float(self.step_at(u)) / self.end if self.end else 1.0

    def frame_times(self, frames: int) -> np.ndarray:
        """Fractional step of each of ``frames`` frames; the last shows the final step n."""
        if frames == 1:
            return np.array([float(self.n)])
        times = self.step_at(np.linspace(0.0, 1.0, frames))
        times[-1] = float(self.n)
        return times


def _screen(traj, window, n):
    """The run's points (steps 0..n, holding its last point once it stopped) in window units,
    [0, 1] per axis (on a 1-D loss curve, the weight axis). Points outside the window are
    clipped to its edge: a diverging run stops moving once it has left."""
    steps = np.arange(n + 1, dtype=float)
    p = traj.at(np.minimum(steps, traj.n_steps))
    lo, hi = window[:, 0], window[:, 1]
    out = np.flatnonzero(((p < lo) | (p > hi)).any(-1))
    if out.size:  # gone: it stays where it left
        p[out[0]:] = np.clip(p[out[0]], lo, hi)
    return (np.clip(p, lo, hi) - lo) / np.where(hi > lo, hi - lo, 1.0)
