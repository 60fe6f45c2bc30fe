"""The base of every gdviz scene: white background, language, timing, pacing, layering and
progress reporting.

Rendering cost. manim's Cairo renderer draws the mobjects that do not move once per animation
into a background image, and redraws every frame only the "moving" ones: those animated, those
with updaters, and every mobject after the first moving one in ``self.mobjects``. So a scene
adds its static pieces (heading, contour field, axes, legends) first and on their own, and
the pieces that follow a tracker (paths, balls, read-outs) after them: :meth:`GdvizScene.show`.
"""
from __future__ import annotations

import math
import re

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, WHITE, FadeIn, FadeOut, Rectangle, Scene, VGroup, config

from ..mobjects.common import INK, MUTED, text
from ..render.pacing import Pace
from ..style import label as L


class Clocked:
    """A trajectory as :class:`~gdviz.render.pacing.Pace` sees it when one tracker drives runs
    on other clocks or in other windows: tracker unit t is step ``t / per_step``, and points are
    in ``window`` units ([0, 1] per axis; Pace is then given the unit window)."""

    def __init__(self, traj, window, per_step: float = 1.0):
        self.traj, self.per_step = traj, float(per_step)
        w = np.asarray(window, dtype=float)
        self.lo, self.span = w[:, 0], np.where(w[:, 1] > w[:, 0], w[:, 1] - w[:, 0], 1.0)
        self.n_steps = int(math.ceil(traj.n_steps * self.per_step - 1e-9))

    def at(self, t):
        s = np.minimum(np.asarray(t, dtype=float) / self.per_step, self.traj.n_steps)
        return (self.traj.at(s) - self.lo) / self.span


def pace_of(items, *, pixels: int | None = None) -> Pace:
    """A :class:`Pace` for ``items``: (trajectory, window[, per_step]) tuples, each in its own
    window and on its own clock (tracker units per step)."""
    views = [Clocked(*item) for item in items]
    d = views[0].lo.shape[0]
    unit = np.tile([0.0, 1.0], (d, 1))
    return Pace(views, unit) if pixels is None else Pace(views, unit, pixels=pixels)


def _units(s: str) -> int:
    """Width of ``s`` in half-em units: a Chinese character is two."""
    return sum(2 if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" else 1 for c in s)


def square_window(window, bounds=None, *, pad: float = 0.0) -> np.ndarray:
    """``window`` (2, 2) grown by ``pad`` on each side and to a square around its centre (a
    contour field keeps equal scales, so a square window fills the height of the frame), kept
    inside ``bounds`` where it fits."""
    w = np.asarray(window, dtype=float)
    centre = w.mean(1)
    half = (w[:, 1] - w[:, 0]).max() / 2 + pad
    out = np.stack([centre - half, centre + half], 1)
    if bounds is not None:
        b = np.asarray(bounds, dtype=float)
        for i in range(2):
            if out[i, 1] - out[i, 0] <= b[i, 1] - b[i, 0]:
                shift = max(b[i, 0] - out[i, 0], 0) - max(out[i, 1] - b[i, 1], 0)
                out[i] += shift
    return out


EDGE = 6.75   # text keeps this far (in scene units) from the frame's centre, left and right


class GdvizScene(Scene):
    """A manim Scene with gdviz's style. Class attributes make the variants:

    lang : "en" or "zh" (a subclass with ``lang = "zh"`` is the Chinese version);
    time_scale : multiplies every run time (tests render a short version with 0.1);
    progress : ``f(seconds_done)``, called as frames are rendered (set by ``gdviz video``);
    hold : seconds the closing caption is held still (at most 3);
    acts, act_hold : how many acts, and how long each act's caption is held before the next.

    Each scene says which lesson runs it draws: :meth:`lesson_runs` (a classmethod, so the
    gallery can check their claims without rendering); ``construct`` reads them with
    :meth:`runs` (the same call, computed once per class).
    """

    lang = "en"
    time_scale = 1.0
    progress = None
    hold = 2.5
    acts = 1          # scenes in several acts hold each act's caption for ``act_hold`` seconds
    act_hold = 0.0

    @classmethod
    def still_budget(cls) -> float:
        """Seconds the scene means to hold still (at time scale 1): the closing hold and the
        caption of each act before the next. Everything else moves."""
        return min(cls.hold, 3.0) + (cls.acts - 1) * cls.act_hold

    @classmethod
    def lesson_runs(cls) -> list:
        """The :class:`gdviz.lessons.Runs` this scene draws, in the order it draws them."""
        raise NotImplementedError(f"{cls.__name__} names no lesson runs")

    @classmethod
    def runs(cls) -> list:
        """:meth:`lesson_runs`, computed once per class (the dry run and the render share it)."""
        cached = cls.__dict__.get("_lesson_runs_cache")
        if cached is None:
            cached = list(cls.lesson_runs())
            cls._lesson_runs_cache = cached
        return cached

    def setup(self):
        self.camera.background_color = WHITE

    def secs(self, seconds: float) -> float:
        """A run time, scaled by ``time_scale`` (never shorter than one frame)."""
        return max(seconds * self.time_scale, 1.0 / config.frame_rate)

    def L(self, key: str) -> str:
        return L(key, self.lang)

    def steps(self, n) -> str:
        """"1 step", "50 steps" ("50 步")."""
        n = int(n)
        return f"{n} 步" if self.lang == "zh" else f"{n} step{'' if n == 1 else 's'}"

    def heading(self, title: str, subtitle: str | None = None, *, width: float | None = None,
                size: float = 32, align=None) -> VGroup:
        """A title (and subtitle) at the top edge, wrapped (or scaled down) to ``width``;
        ``align=LEFT`` for a heading at the top of a column."""
        parts = [self.text_block(title, size=size, colour=INK, weight="BOLD", width=width)]
        if subtitle:
            parts.append(self.text_block(subtitle, size=size * 0.65, colour=MUTED, width=width))
        head = VGroup(*parts).arrange(DOWN, buff=0.1, aligned_edge=align if align is not None else ORIGIN)
        return head.to_edge(UP, buff=0.2)

    def text_block(self, message: str, *, size: float = 24, width: float | None = None, colour=INK,
                   weight: str = "NORMAL") -> VGroup:
        """Lines of text (split at newlines, and wrapped at spaces or, in Chinese, between
        characters to fit ``width``), left-aligned: one Pango layout, so the lines are evenly
        spaced; scaled down if still too wide."""
        def make(s):
            spacing = {"line_spacing": 0.8} if "\n" in s else {}   # Pango's default is cramped
            return text(s, self.lang, size=size, colour=colour, weight=weight, **spacing)

        block = make(message)
        if width is not None and block.width > width:
            lines = []
            for line in message.split("\n"):
                t = make(line)
                lines.extend([line] if t.width <= width else self._wrap(line, t.width, width))
            block = make("\n".join(lines))
        if width is not None and block.width > width:
            block.scale_to_fit_width(width)
        return VGroup(block)

    @staticmethod
    def _wrap(line: str, full: float, width: float) -> list[str]:
        """``line`` (``full`` wide) broken into pieces narrower than ``width``."""
        per_unit = full / max(_units(line), 1)
        room = max(width / per_unit * 0.97, 1)
        # words and numbers stay whole; Chinese may break between any two characters, but
        # not before its punctuation
        tokens = re.findall(r"[^\s\u3000-\u9fff\uff00-\uffef]+|\s+|.", line)
        out, cur = [], ""
        for tok in tokens:
            if (cur.strip() and _units(cur + tok.rstrip()) > room and not tok.isspace()
                    and tok not in "，。：；、）！？"):
                out.append(cur.rstrip())
                cur = tok
            else:
                cur += tok
        out.append(cur.rstrip())
        return [o.lstrip() for o in out if o.strip()]

    def caption(self, message: str, *, size: float = 24, width: float | None = None, colour=INK) -> VGroup:
        """The closing message (what to learn): lines split at newlines, wrapped to ``width``."""
        return self.text_block(message, size=size, width=width, colour=colour)

    # -- layering and timing ---------------------------------------------------------------
    def show(self, static=(), moving=(), *, fade_static: bool = False, run_time: float = 0.6):
        """Add ``static`` mobjects (drawn once per animation into the background) and then the
        ``moving`` ones (redrawn each frame), so that nothing static follows a moving one.
        A static mobject that is animated later (a heading that fades out) makes everything
        after it be redrawn during that animation: put it last among the static ones.
        The moving ones fade in (their updaters paused meanwhile, so nothing shows before its
        plot); the static ones appear at once, or, with ``fade_static``, from under a white
        veil that fades out (cheap: only the veil is redrawn, not the contour fields)."""
        static, moving = list(static), list(moving)
        for m in static:
            m.suspend_updating()  # nothing to update: skip their families every frame
        self.add(*static)
        for m in moving:
            m.suspend_updating()
        self.add(*moving)
        if fade_static:
            veil = self._veil()
            self.add(veil)
            self.play(FadeOut(veil), run_time=self.secs(run_time))
        elif moving:
            self.play(*[FadeIn(m) for m in moving], run_time=self.secs(run_time))
        for m in moving:
            m.resume_updating()

    def _veil(self):
        return Rectangle(width=config.frame_width + 1, height=config.frame_height + 1, stroke_width=0,
                         fill_color=WHITE, fill_opacity=1)

    def advance(self, tracker, pace: Pace, seconds: float):
        """Move ``tracker`` through ``pace`` in ``seconds`` (motion where something moves), then
        set it to the final step so counters show the true count."""
        if pace.end > 0:
            self.play(tracker.animate.set_value(pace.end), rate_func=pace.rate_func,
                      run_time=self.secs(seconds))
        tracker.set_value(pace.n)
        self.update_mobjects(0)

    def conclude(self, caption, *, hold: float | None = None, run_time: float = 0.6, replace=None):
        """Fade the caption in (cross-fading ``replace``, e.g. the heading it takes the place
        of), then hold the picture: at most 3 s, a summary rather than a pause."""
        for m in self.mobjects:
            m.clear_updaters()   # everything has arrived: all of it is background now
        fades = [FadeIn(caption, shift=0.15 * UP)]
        if replace is not None:
            fades.insert(0, FadeOut(replace, run_time=self.secs(run_time) / 2))
        self.play(*fades, run_time=self.secs(run_time))
        self.wait(self.secs(min(self.hold if hold is None else hold, 3.0)))

    def clear_act(self, run_time: float = 0.45):
        """Fade to white (between acts): a white veil fades in over the picture, which stays
        in the background image, then everything is removed."""
        for m in self.mobjects:
            m.suspend_updating()
        self.play(FadeIn(self._veil()), run_time=self.secs(run_time))
        self.remove(*self.mobjects)

    # -- layout --------------------------------------------------------------------------
    def place_field(self, field, *, buff: float = 0.18):
        """A contour field at the left of the frame, its labels just inside the edges."""
        field.to_edge(LEFT, buff=buff + 0.1).to_edge(DOWN, buff=buff)
        return field

    @staticmethod
    def fit(mob, width: float = 13.4, height: float = 7.6):
        """Scale ``mob`` down (never up) to fit ``width`` x ``height``: the frame less a margin,
        so no tick label or axis name touches the edge."""
        if mob.width > width:
            mob.scale_to_fit_width(width)
        if mob.height > height:
            mob.scale_to_fit_height(height)
        return mob

    def column(self, *items, left: float, top: float = 3.8, buff: float = 0.35, width: float | None = None):
        """``items`` one under another, left-aligned, from (``left``, ``top``); each scaled down
        to ``width`` if wider."""
        if width is not None:
            for m in items:
                if m.width > width:
                    m.scale_to_fit_width(width)
        group = VGroup(*items).arrange(DOWN, buff=buff, aligned_edge=LEFT)
        group.move_to([left + group.width / 2, top - group.height / 2, 0])
        return group

    def update_to_time(self, t):
        super().update_to_time(t)
        if self.progress is not None:
            self.progress(self.renderer.time)


__all__ = ["EDGE", "GdvizScene", "Clocked", "pace_of", "square_window", "DOWN", "LEFT", "RIGHT", "UP"]
