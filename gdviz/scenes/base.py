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
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, WHITE, FadeIn, FadeOut, Rectangle, Scene, VGroup, config, linear

from ..mobjects.common import INK, MUTED, text
from ..render.pacing import Pace
from ..style import colon
from ..style import label as L


class HopClock:
    """Tracker units -> fractional step for a run whose steps cost ``per_step`` units each (e.g.
    examples processed) and are made when paid for: the point stays put while a step's units
    are spent and moves during the last ``move`` of them; at ``k * per_step`` step k is made.

        >>> clock = HopClock(100); clock(50.0), clock(99.5), clock(100.0)
        (0.0, 0.5, 1.0)
    """

    def __init__(self, per_step: float, move: float = 1.0):
        self.per_step = float(per_step)
        self.move = min(float(move), self.per_step)

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        j = np.floor(t / self.per_step + 1e-9)
        r = t - j * self.per_step
        out = j + np.clip((r - (self.per_step - self.move)) / self.move, 0.0, 1.0)
        return float(out) if out.ndim == 0 else out


class Clocked:
    """A trajectory as :class:`~gdviz.render.pacing.Pace` sees it when one tracker drives runs
    on other clocks or in other windows: tracker unit t is step ``t / per_step`` (or, for a
    :class:`HopClock`, ``clock(t)``), and points are in ``window`` units ([0, 1] per axis;
    Pace is then given the unit window)."""

    def __init__(self, traj, window, per_step=1.0):
        self.clock = per_step if callable(per_step) else None
        self.traj = traj
        self.per_step = float(per_step.per_step if self.clock is not None else per_step)
        w = np.asarray(window, dtype=float)
        self.lo, self.span = w[:, 0], np.where(w[:, 1] > w[:, 0], w[:, 1] - w[:, 0], 1.0)
        self.n_steps = int(math.ceil(traj.n_steps * self.per_step - 1e-9))

    def at(self, t):
        t = np.asarray(t, dtype=float)
        s = self.clock(t) if self.clock is not None else t / self.per_step
        return (self.traj.at(np.minimum(s, self.traj.n_steps)) - self.lo) / self.span


def pace_of(items, *, pixels: int | None = None) -> Pace:
    """A :class:`Pace` for ``items``: (trajectory, window[, per_step]) tuples, each in its own
    window and on its own clock (tracker units per step, or a :class:`HopClock`)."""
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


# Line breaking. Chinese has no spaces between words, and a break may fall between any two
# characters; a good one falls after punctuation, at a space (around Latin words and numbers),
# or next to a particle, and never splits a word if it can help it. So breaks are chosen for the
# whole line at once (balanced lines, no orphan), each break priced by where it falls.
_CLOSE = set("，。：；、）！？」』%")      # never starts a line
_OPEN = set("（「『")                     # never ends a line
_AFTER = set("，。：；、！？）")           # a break after these is free
_PARTICLE_AFTER = set("的了")             # a break after these costs little
_PARTICLE_BEFORE = set("在把用从而但却就也都让被和与只还并每即")   # a break before these costs little


def _cjk(c: str) -> bool:
    return "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"


def _break_cost(left: str, right: str, spaced: bool = False) -> float | None:
    """The price of a break between tokens ``left`` and ``right`` (``spaced``: a space between
    them; None: not allowed). A line costs 100 and an uneven one up to 20 more, so a break
    inside a Chinese word is the last resort."""
    a, b = left[-1], right[0]
    if spaced:
        if not (_cjk(a) or _cjk(b)):
            return 0.0               # between English words
        # in Chinese text a space sits by a number or a Latin word: keep "学习率 0.1", "71 步" whole
        return 15.0 if a.isdigit() or b.isdigit() else 3.0
    if b in _CLOSE or a in _OPEN:
        return None
    if a in _AFTER:
        return 0.0
    if not (_cjk(a) or _cjk(b)):
        return None                  # inside a Latin word or a number
    if not (_cjk(a) and _cjk(b)):
        return 15.0 if a.isdigit() or b.isdigit() else 6.0    # by a number or a Latin word
    if a in _PARTICLE_AFTER or b in _PARTICLE_BEFORE:
        return 5.0
    return 25.0                      # between two Chinese characters: maybe inside a word


def wrap(line: str, room: float) -> list[str]:
    """``line`` broken into lines of at most ``room`` half-em units (a Chinese character is two):
    as few lines as fit, as even as possible, the last one not an orphan, breaking where it
    costs least (:func:`_break_cost`). Words and numbers stay whole.

        >>> wrap("Random restarts and basins", 20)
        ['Random restarts', 'and basins']
        >>> wrap("最少的是 β\u00a0=\u00a00.5 时", 12)
        ['最少的是', 'β\xa0=\xa00.5 时']
    """
    # a no-break space (U+00A0) binds its neighbours into one token: "β\u00a0=\u00a00.5" stays whole
    tokens = re.findall(r"(?:[^\s\u3000-\u9fff\uff00-\uffef]|\u00a0)+|\s+|.", line.strip())
    if not tokens:
        return []
    n = len(tokens)
    pos = [0]
    for t in tokens:
        pos.append(pos[-1] + _units(t))
    # a line may break before token j (j in 1..n-1) when allowed; spaces at its ends drop out
    cost_at = [None] * n + [0.0]
    for j in range(1, n):
        left, right = tokens[j - 1], tokens[j]
        if left.isspace() and j >= 2:
            cost_at[j] = _break_cost(tokens[j - 2], right, spaced=True)
        elif right.isspace() and j + 1 < n:
            cost_at[j] = _break_cost(left, tokens[j + 1], spaced=True)
        elif not (left.isspace() or right.isspace()):
            cost_at[j] = _break_cost(left, right)

    def width(i, j):   # tokens i..j-1 without the spaces at either end
        while i < j and tokens[i].isspace():
            i += 1
        while j > i and tokens[j - 1].isspace():
            j -= 1
        return pos[j] - pos[i]

    best = [(0.0, 0, -1)] + [(math.inf, 0, -1)] * n     # (cost, lines, previous break) up to token j
    for j in range(1, n + 1):
        if cost_at[j] is None:
            continue
        for i in range(j - 1, -1, -1):
            if best[i][0] == math.inf or (i and cost_at[i] is None):
                continue
            w = width(i, j)
            if w > room and not (j == i + 1 or all(cost_at[k] is None for k in range(i + 1, j))):
                break       # too long, and it could have been broken: no longer line will do
            slack = max(room - w, 0.0) / room
            last = j == n
            bad = (4.0 * max(0.45 - w / room, 0.0)) ** 2 * 10 if last else 20 * slack ** 2
            cost = best[i][0] + 100 + bad + cost_at[j] * (not last) + (50 if w > room else 0)
            if cost < best[j][0]:
                best[j] = (cost, best[i][1] + 1, i)
    out, j = [], n
    while j > 0:
        i = best[j][2]
        out.append("".join(tokens[i:j]).strip())
        j = i
    return [o for o in reversed(out) if o]


EDGE = 6.75     # text keeps this far (in scene units) from the frame's centre, left and right
PRESENTATION = {"lang", "time_scale", "progress"}   # class attributes that do not change a scene's runs
MAX_HOLD = 3.0  # the longest the closing caption is held still (seconds): a summary, not a pause


class GdvizScene(Scene):
    """A manim Scene with gdviz's style. Class attributes make the variants:

    lang : "en" or "zh" (a subclass with ``lang = "zh"`` is the Chinese version);
    time_scale : multiplies every run time (tests render a short version with 0.1);
    progress : ``f(seconds_done)``, called as frames are rendered (set by ``gdviz video``);
    hold : seconds the closing caption is held still (at most ``MAX_HOLD``, 3 s); the caption
    fades in while the last steps still move, so it is on screen longer than the hold;
    acts, act_hold : how many acts, and how long each act's caption is held before the next.

    As it renders, a scene records its :meth:`timeline`: each heading and caption (and each text
    marked with :meth:`cue`) from the time it is added until it is removed, and the time of
    each :meth:`clear_act` (where a lecturer clicks to go on), in the video's own seconds.

    Each scene says which lesson runs it draws: :meth:`lesson_runs` (a classmethod, so the
    gallery can check their claims without rendering); ``construct`` reads them with
    :meth:`runs` (the same call, computed once per class).
    """

    lang = "en"
    time_scale = 1.0
    progress = None
    hold = 3.0
    acts = 1          # scenes in several acts hold each act's caption for ``act_hold`` seconds
    act_hold = 0.0

    @classmethod
    def still_budget(cls) -> float:
        """Seconds the scene means to hold still (at time scale 1): the closing hold and the
        caption of each act before the next. Everything else moves."""
        return min(cls.hold, MAX_HOLD) + (cls.acts - 1) * cls.act_hold

    @classmethod
    def lesson_runs(cls) -> list:
        """The :class:`gdviz.lessons.Runs` this scene draws, in the order it draws them."""
        raise NotImplementedError(f"{cls.__name__} names no lesson runs")

    @classmethod
    def runs(cls) -> list:
        """:meth:`lesson_runs`, computed once: the dry run, the render and every variant that
        changes only how the scene is shown (:data:`PRESENTATION`: language, time scale) share
        it; a variant that changes anything else (a surface, a rate) has its own."""
        owner = cls
        while owner.__base__ is not GdvizScene and "lesson_runs" not in owner.__dict__ and not (
                {k for k in owner.__dict__ if not k.startswith("__")} - PRESENTATION - {"_lesson_runs_cache"}):
            owner = owner.__base__
        cached = owner.__dict__.get("_lesson_runs_cache")
        if cached is None:
            cached = list(owner.lesson_runs())
            owner._lesson_runs_cache = cached
        return cached

    def setup(self):
        self.camera.background_color = WHITE

    # -- the timeline: texts on screen and act boundaries, in the video's seconds -----------
    def cue(self, mob, message: str, shown=None):
        """Mark ``mob`` as showing ``message`` (lines as shown): a caption cue from when it is
        added to the scene until it is removed; with ``shown`` (a function of nothing), only
        while ``shown()`` is also true, checked every frame (a read-out that an updater shows
        or hides). Returns ``mob``."""
        mob.cue_text, mob.cue_shown = message, shown
        state = self._cue_state()
        state["marked"].append(mob)
        state["watched"] = state["watched"] or shown is not None
        return mob

    def cue_status(self, panel):
        """A :class:`RatePanel`'s status as a cue ("too large: diverged"), from the step it
        appears on."""
        if panel.status is not None:
            words = L(panel.traj.status, self.lang)
            self.cue(panel.status, f"{panel.title}{colon(self.lang)}{words}" if panel.title else words,
                     shown=panel.status_shown)

    def _cue_state(self) -> dict:
        state = self.__dict__.get("_cues")
        if state is None:
            state = self.__dict__["_cues"] = {"marked": [], "open": {}, "done": [], "acts": [], "titles": [],
                                              "present": set(), "watched": False}
        return state

    def _sync_cues(self):
        """Note which marked texts are in the scene now, then open and close their cues."""
        state = self._cue_state()
        if state["marked"]:
            state["present"] = {id(m) for m in self.get_mobject_family_members()}
            self._update_cues()

    def _update_cues(self):
        """Open a cue for each marked text now on screen, close the ones no longer there."""
        state = self._cue_state()
        now = float(self.renderer.time)
        for mob in state["marked"]:
            key = id(mob)
            on = key in state["present"] and (mob.cue_shown is None or bool(mob.cue_shown()))
            if on and key not in state["open"]:
                state["open"][key] = (now, mob)
                titles, acts = state["titles"], len(state["acts"])
                if getattr(mob, "cue_title", None) and len(titles) <= acts:   # the act's first heading
                    titles.extend([""] * (acts - len(titles)) + [mob.cue_title])
            elif not on and key in state["open"]:
                state["done"].append((state["open"].pop(key)[0], now, mob))

    def add(self, *mobjects):
        out = super().add(*mobjects)
        self._sync_cues()
        return out

    def remove(self, *mobjects):
        out = super().remove(*mobjects)
        self._sync_cues()
        return out

    def play(self, *args, **kwargs):
        self._sync_cues()
        out = super().play(*args, **kwargs)
        self._sync_cues()
        return out

    def timeline(self):
        """The :class:`gdviz.timeline.Timeline` of what has been rendered so far: the cues
        (texts still on screen end with the video) and the act boundaries."""
        from ..timeline import Cue, Timeline

        state = self._cue_state()
        self._sync_cues()
        end = float(self.renderer.time)
        spans = state["done"] + [(start, end, mob) for start, mob in state["open"].values()]
        cues = [Cue(a, b, m.cue_text) for a, b, m in sorted(spans, key=lambda c: (c[0], c[1])) if b > a]
        return Timeline(end, cues, [a for a in state["acts"] if 0 < a < end], self.lang, list(state["titles"]))

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
                size: float = 32, align=None, chapter: str | None = None) -> VGroup:
        """A title (and subtitle) at the top edge, wrapped (or scaled down) to ``width``;
        ``align=LEFT`` for a heading at the top of a column. A cue of the :meth:`timeline`; the
        first heading of an act names its chapter (``chapter``, default the title)."""
        parts = [self.text_block(title, size=size, colour=INK, weight="BOLD", width=width)]
        if subtitle:
            parts.append(self.text_block(subtitle, size=size * 0.65, colour=MUTED, width=width))
        head = VGroup(*parts).arrange(DOWN, buff=0.1, aligned_edge=align if align is not None else ORIGIN)
        head.cue_title = chapter or title
        return self.cue(head.to_edge(UP, buff=0.2), "\n".join(p.shown_text for p in parts))

    def text_block(self, message: str, *, size: float = 24, width: float | None = None, colour=INK,
                   weight: str = "NORMAL") -> VGroup:
        """Lines of text (split at newlines, and wrapped at spaces or, in Chinese, between
        characters to fit ``width``), left-aligned: one Pango layout, so the lines are evenly
        spaced; scaled down if still too wide."""
        def make(s):
            spacing = {"line_spacing": 0.8} if "\n" in s else {}   # Pango's default is cramped
            return text(s, self.lang, size=size, colour=colour, weight=weight, **spacing)

        block, shown = make(message), message
        if width is not None and block.width > width:
            lines = []
            for line in message.split("\n"):
                t = make(line)
                lines.extend([line] if t.width <= width else self._wrap(line, t.width, width))
            shown = "\n".join(lines)
            block = make(shown)
        if width is not None and block.width > width:
            block.scale_to_fit_width(width)
        group = VGroup(block)
        group.shown_text = shown
        return group

    @staticmethod
    def _wrap(line: str, full: float, width: float) -> list[str]:
        """``line`` (``full`` wide) broken into pieces narrower than ``width``: :func:`wrap`."""
        per_unit = full / max(_units(line), 1)
        return wrap(line, max(width / per_unit * 0.97, 1))

    def caption(self, message: str, *, size: float = 24, width: float | None = None, colour=INK,
                height: float | None = None) -> VGroup:
        """The closing message (what to learn): lines split at newlines, wrapped to ``width``;
        no taller than ``height`` (the type a point smaller at a time, down to 3/4 of ``size``,
        then scaled); a cue of the :meth:`timeline`."""
        block, smaller = self.text_block(message, size=size, width=width, colour=colour), size
        while height is not None and block.height > height and smaller - 1 >= 0.75 * size:
            smaller -= 1
            block = self.text_block(message, size=smaller, width=width, colour=colour)
        if height is not None and block.height > height:
            block.scale_to_fit_height(height)
        return self.cue(block, block.shown_text)

    # -- layering and timing ---------------------------------------------------------------
    def show(self, static=(), moving=(), *, fade_static: bool = False, run_time: float = 0.6):
        """Add ``static`` mobjects (drawn once per animation into the background) and then the
        ``moving`` ones (redrawn each frame), so that nothing static follows a moving one.
        A static mobject that is animated later (a heading that fades out) makes everything
        after it be redrawn during that animation: put it last among the static ones.
        The moving ones fade in (their updaters paused meanwhile, so nothing shows before its
        plot); the static ones appear at once, or, with ``fade_static``, from under a white
        veil that fades out (cheap: only the veil is redrawn, not the contour fields). The
        video's first frame is its poster (a player shows it before it plays), so the scene's
        first ``show`` never veils: its static pieces are there from frame 0."""
        static, moving = list(static), list(moving)
        for m in moving:
            m.update(0)           # placed after the layout moved their fields: start where they start
        for m in static:
            m.suspend_updating()  # nothing to update: skip their families every frame
        self.add(*static)
        for m in moving:
            m.suspend_updating()
        self.add(*moving)
        if fade_static and self.renderer.num_plays > 0:
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

    def advance(self, tracker, pace: Pace, seconds: float, *, until: float | None = None, count: float = 0.0):
        """Move ``tracker`` through ``pace`` in ``seconds`` (motion where something moves), then
        on to the last step (``until``, default the pace's last, ``pace.n``): at once, or with
        ``count`` > 0 at a steady rate in at most ``count`` seconds (one step a frame at least),
        so that the counters are seen counting to their final numbers."""
        last = pace.n if until is None else until
        end = min(pace.end, last)
        if end > 0:
            self.play(tracker.animate.set_value(end), rate_func=pace.segment(0, end),
                      run_time=self.secs(seconds * pace.share(end)))
        if count > 0 and last > end:
            self.play(tracker.animate.set_value(last), rate_func=linear,
                      run_time=self.secs(min(count, (last - end) / config.frame_rate)))
        tracker.set_value(last)
        self.update_mobjects(0)

    def conclude(self, caption, *, hold: float | None = None, run_time: float = 0.6, replace=None):
        """Fade ``replace`` (e.g. the heading the caption takes the place of) out first, then
        the caption in (never one over the other), then hold the picture still for ``hold``
        seconds (the class's by default; at most ``MAX_HOLD``)."""
        for m in self.mobjects:
            m.clear_updaters()   # everything has arrived: all of it is background now
        if replace is not None:
            self.play(FadeOut(replace), run_time=self.secs(run_time / 2))
        self.play(FadeIn(caption, shift=0.15 * UP), run_time=self.secs(run_time))
        self.wait(self.secs(min(self.hold if hold is None else hold, MAX_HOLD)))

    def clear_act(self, run_time: float = 0.45):
        """Fade to white (between acts): a white veil fades in over the picture, which stays
        in the background image, then everything is removed."""
        self._cue_state()["acts"].append(float(self.renderer.time))
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
        if self._cue_state()["watched"]:   # the frame about to be written: read-outs shown or hidden
            self._update_cues()
        if self.progress is not None:
            self.progress(self.renderer.time)


__all__ = ["EDGE", "GdvizScene", "Clocked", "HopClock", "wrap", "pace_of", "square_window",
           "DOWN", "LEFT", "RIGHT", "UP"]
