"""Contour and loss-curve animations, rendered fast.

The background (contours, colour bar, axes, labels, text boxes) is drawn once; each frame only
moves the path artists (blitting on the Agg canvas) and writes the counter text straight onto
the frame; frames go from the canvas buffer to the encoder, rendered by two processes at once.

    >>> anim = animate(gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=600))
    >>> anim.save("output/rosenbrock-adam.gif")      # or .mp4 / .webm

Every animation has a fixed frame size, a step counter and the current loss on screen, a fading
tail, a mark where a path diverges (at the window's edge), a hold on the last frame, and loops.
"""
from __future__ import annotations

import base64
import collections
import functools
import multiprocessing
import os
import re
import tempfile
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from PIL import Image, ImageDraw, ImageFont

from .. import style
from ..errors import OutputError, UserInputError, positive_number
from ..interrupt import check as check_interrupted
from ..interrupt import child_signals
from ..lessons import Runs
from ..style import fmt_number, readout
from ..style import label as L
from ..trajectory import Trajectory
from .axes import CARRIED, PUSH, STEP, draw_contours, draw_field, draw_loss_curve, mark_divergence
from .encode import GifFrames, check_video_size, global_palette, write_gif, write_video
from .geometry import first_exit, fit_window, focus_window, hop
from .mpl import cjk_available, new_figure, rc
from .output import ANIMATED, check_output
from .pacing import Pace
from .series import layered_widths, line_style, series_colours, series_label

MIN_SIDE, MAX_WIDTH, MAX_HEIGHT = 160, 3840, 2160
MAX_FRAMES, MAX_FPS = 5000, 60
MAX_GIF_PIXELS = 600_000_000   # frames x width x height of one GIF (its size and encoding time)
HELD_BYTES = 64_000_000        # raw frames the writing process may hold from the other renderer
MAX_TURN = 30                  # frames per turn of each renderer (a GIF renders one more per turn)
TEXT_PT = 10                   # counter text size, points (at 100 dpi: 13.9 px)
PANEL_PT = 13                  # 1-D panels (lr-panels): counters, titles and ticks readable on a slide


# -- checks --------------------------------------------------------------------------------
def check_size(size) -> tuple[int, int]:
    """(width, height) in pixels from a pair or a 'WxH' string; refuse zero or absurd sizes."""
    if isinstance(size, str):
        m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", size)
        if not m:
            raise UserInputError(f"size must look like 640x480, got '{size}'")
        size = (int(m.group(1)), int(m.group(2)))
    try:
        w, h = (int(v) for v in size)
        if any(float(v) != int(v) for v in size):
            raise ValueError
    except (TypeError, ValueError):
        raise UserInputError(f"size must be two whole numbers (width, height), got {size!r}") from None
    if not (MIN_SIDE <= w <= MAX_WIDTH and MIN_SIDE <= h <= MAX_HEIGHT):
        raise UserInputError(f"size {w}x{h} is out of range: width {MIN_SIDE}..{MAX_WIDTH}, "
                             f"height {MIN_SIDE}..{MAX_HEIGHT} pixels")
    return w, h


def check_frames(frames, what: str = "frames") -> int:
    """A whole number of frames from 1 to MAX_FRAMES (``what`` names it in the message)."""
    try:
        ok = not isinstance(frames, bool) and float(frames).is_integer() and 1 <= frames <= MAX_FRAMES
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise UserInputError(f"{what} must be a whole number from 1 to {MAX_FRAMES}, got {frames!r}")
    return int(frames)


def check_fps(fps) -> float:
    """Frames per second, > 0 and at most MAX_FPS."""
    fps = positive_number("fps", fps)
    if fps > MAX_FPS:
        raise UserInputError(f"fps must be at most {MAX_FPS}, got {fps:g}")
    return float(fps)


# -- text drawn per frame ------------------------------------------------------------------
def _zeros_as_wide(fig, pt: float, px: float) -> int:
    """How many "0"s of matplotlib's DejaVu Sans Mono at ``pt`` span at least ``px`` pixels: the
    placeholder that sizes a text box (PIL's text, 14 px, is wider than matplotlib's 13.9)."""
    props = font_manager.FontProperties(family="DejaVu Sans Mono", size=pt)
    zero = fig.canvas.get_renderer().get_text_width_height_descent("0" * 10, props, ismath=False)[0] / 10
    return int(np.ceil(px / zero))


@functools.cache
def _font(lang: str, size_px: int):
    """The monospace face for counters: DejaVu Sans Mono, or Noto Sans Mono CJK SC for Chinese."""
    if lang == "zh" and cjk_available():
        path = font_manager.findfont(font_manager.FontProperties(family=style.CJK_FONT))
        for index in range(12):
            try:
                face = ImageFont.truetype(path, size_px, index=index)
            except OSError:
                break
            if face.getname()[0] == "Noto Sans Mono CJK SC":
                return face
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans Mono"))
    return ImageFont.truetype(path, size_px)


class _Overlay:
    """A text box: the box is drawn once by matplotlib; the text is written per frame with PIL
    (``on_top``: over a fresh copy of the box, so nothing that moves covers it). ``texts``: every
    line it may show; the box is as wide as the widest of them in the font that writes them."""

    def __init__(self, anim, ax, x, y, ha, va, texts, lines, colour, pt: float = TEXT_PT, on_top: bool = False):
        self.ha, self.colour, self.lang, self.pt, self.on_top = ha, colour, anim.lang, pt, on_top
        pad = 0.3 * pt
        self.font = _font(self.lang, round(pt * 100 / 72))
        width = _zeros_as_wide(ax.figure, pt, max(self.font.getlength(t) for t in texts) + 2)   # draw()'s inset
        self.box = ax.text(x, y, "\n".join(["0" * width] * lines), transform=ax.transAxes, ha=ha,
                           va=va, fontsize=pt, family="DejaVu Sans Mono", color="none",
                           parse_math=False, zorder=19,
                           bbox=dict(boxstyle=f"round,pad={pad / pt}", fc="white", ec="#cccccc",
                                     alpha=0.92))
        self.text = ""

    def place(self, fig):
        """Pixel box of the background text box (after the background is drawn)."""
        bb = self.box.get_bbox_patch().get_window_extent()
        h = fig.canvas.get_width_height()[1]
        self.outline = (bb.x0, h - bb.y1, bb.x1, h - bb.y0)
        pad = 0.3 * self.pt * 100 / 72 + 1
        self.rect = (bb.x0 + pad, h - bb.y1 + pad, bb.x1 - pad, h - bb.y0 - pad)

    def draw(self, image_draw):
        """Write ``text``: a string, or a list of (line, colour) pairs for coloured lines."""
        if not self.text:
            return
        if self.on_top:   # the box again, over the moving points (a point never covers its status)
            image_draw.rounded_rectangle(self.outline, radius=0.3 * self.pt * 100 / 72, fill="white",
                                         outline="#cccccc")
        x0, y0, x1, _ = self.rect
        anchor, x = {"left": ("la", x0), "right": ("ra", x1), "center": ("ma", (x0 + x1) / 2)}[self.ha]
        lines = self.text if isinstance(self.text, list) else [(line, self.colour)
                                                               for line in self.text.split("\n")]
        step = self.font.size * 1.2 + 1
        for i, (line, colour) in enumerate(lines):
            image_draw.text((x, y0 + i * step), line, font=self.font, fill=colour, anchor=anchor)


def settings(trajs, lang: str) -> list[str]:
    """What a race's runs are run with, for its title: the rate they share, and each momentum
    coefficient β in use (a rate per run is already in each run's label).

        >>> settings(gd.lessons.rolling().trajectories, "en")
        ['lr = 0.01 for both', 'momentum β = 0.9']
    """
    rates = [t.hyperparams.get("lr") for t in trajs]
    out = []
    if all(isinstance(r, (int, float)) for r in rates) and len(set(rates)) == 1:
        out.append(L("both lr" if len(rates) == 2 else "same lr", lang).format(lr=fmt_number(rates[0])))
    betas = sorted({float(t.hyperparams["momentum"]) for t in trajs if t.hyperparams.get("momentum")})
    out += [L("momentum beta", lang).format(beta=fmt_number(b)) for b in betas]
    return out


def step_lengths(traj) -> np.ndarray:
    """The distance each step moved (parameter units): ``|p_(k+1) - p_k|`` for k = 0..n-1."""
    return np.sqrt((np.diff(traj.params, axis=0) ** 2).sum(-1))


def speed(traj, j: int) -> float:
    """The speed at row ``j``: the length of the step that arrived there (0 at the start)."""
    return float(np.sqrt(((traj.params[j] - traj.params[max(j - 1, 0)]) ** 2).sum())) if j > 0 else 0.0


# -- turning inputs into runs --------------------------------------------------------------
def _as_runs(what, surface) -> Runs:
    if isinstance(what, Runs):
        return what
    from ..surfaces import surface as make_surface

    trajs = [what] if isinstance(what, Trajectory) else list(what)
    if not trajs or not all(isinstance(t, Trajectory) for t in trajs):
        raise UserInputError("animate needs a Trajectory, a list of them, or lesson Runs")
    members = [m for t in trajs for m in t.members()]
    if len({m.surface for m in members}) > 1:
        raise UserInputError("trajectories on different surfaces cannot share one animation: "
                             f"{', '.join(sorted({m.surface for m in members}))}")
    if surface is None:
        first = members[0]
        surface = first.rebuild_surface()   # never opens a file a trajectory names
    s = make_surface(surface)
    keys = [m.optimizer for m in members]
    rates = [m.hyperparams.get("lr") if isinstance(m.hyperparams.get("lr"), (int, float)) else None
             for m in members]
    if len(set(keys)) < len(keys):  # one optimizer at several rates: label by rate
        keys = [f"lr = {fmt_number(r)}" if r is not None else k for k, r in zip(keys, rates)]
        rates = [None] * len(keys)
    return Runs(s, members, keys, rates)


class Animation:
    """A trajectory animation; frames render on demand; ``save(path)`` writes GIF/MP4/WebM.

    runs : lesson :class:`Runs` (or use :func:`animate` with trajectories).
    field : draw the gradient field under the paths; arrows : show what the current update of
    each path is made of (gradient push, carried momentum, step), read from its recorded state.
    frames, fps : number of frames (before the hold) and frames per second.
    size : (width, height) in pixels; hold : seconds the last frame stays; tail : steps in the
    bright fading tail; lang : "en" or "zh"; title : overrides the surface's title.
    """

    def __init__(self, runs: Runs, *, frames: int = 120, fps: float = 20, size=(640, 480),
                 lang: str = "en", hold: float = 1.5, tail: int = 12, title: str | None = None,
                 field: bool = False, arrows: bool = False):
        self.runs = runs
        self.field, self.arrows = bool(field), bool(arrows)
        self.lang = style.check_lang(lang)
        self.size = check_size(size)
        self.fps = check_fps(fps)
        self.hold = positive_number("hold", hold, allow_zero=True)
        self.tail = max(1, int(tail))
        self.n_frames = check_frames(frames)
        if self.hold * self.fps > MAX_FRAMES:   # the held frames count against the limit too
            raise UserInputError(f"hold of {self.hold:g} s at {self.fps:g} fps is {self.hold * self.fps:.3g} frames; "
                                 f"frames + hold x fps must stay within {MAX_FRAMES}")
        check_frames(self.n_frames + round(self.hold * self.fps), what="frames + hold x fps")
        self.trajs = runs.trajectories
        self.n_max = max(t.n_steps for t in self.trajs)
        self.colours = series_colours(runs.series)
        rates = runs.rates or [None] * len(self.trajs)
        self.labels = [series_label(k, lang, lr) for k, lr in zip(runs.series, rates)]
        self.names = [style.short_name(k, lang) if k in style.OPTIMIZER_NAMES else series_label(k, lang)
                      for k in runs.series]
        self.title = title or (f"{self.labels[0]} · {runs.surface.title[lang]}" if len(self.trajs) == 1
                               and runs.surface.dim == 2 else runs.surface.title[lang])
        if title is None and runs.surface.dim == 2 and len(self.trajs) > 1:
            self.title = " · ".join([self.title, *settings(self.trajs, lang)])
        note = runs.info.get("note") if isinstance(runs.info, dict) else None
        self.note_text = note[lang] if isinstance(note, dict) else None   # one line of why, from the lesson
        self.note = None
        self.overlays: list[_Overlay] = []
        with rc(lang):
            self.fig = new_figure(*self.size)
            if runs.surface.dim == 2:
                self._build_2d()
            else:
                self._build_1d()
            self._capture_background()
        # motion fills the animation: see gdviz.render.pacing
        self.times = Pace(self.trajs, self.window).frame_times(self.n_frames)

    # -- building the figure (fixed pixel margins: no layout engine, same size every time) --
    def _px(self, left, bottom, right, top):
        w, h = self.size
        return left / w, bottom / h, 1 - (left + right) / w, 1 - (bottom + top) / h

    def _build_2d(self):
        s, fig = self.runs.surface, self.fig
        top = 48 if self.note_text else 30      # a second header line: the lesson's note
        ax = self.ax = fig.add_axes(self._px(58, 44, 100, top))
        # the window grows to show every path that did not diverge (a start outside the bounds);
        # on a landscape of many minima it closes in on where the paths go
        self.window = focus_window(s, self.trajs) if len(s.minima) > 1 else fit_window(s, self.trajs)
        cs = draw_contours(ax, s, window=self.window, lang=self.lang)
        if self.field:
            draw_field(ax, s, self.window)
        w, h = self.size
        cax = fig.add_axes(((w - 86) / w, 44 / h, 12 / w, 1 - (44 + top) / h))
        cb = fig.colorbar(cs, cax=cax, spacing="proportional")   # a linear scale, not one band per level
        cb.set_label(L("loss", self.lang), fontsize=9)
        cb.ax.tick_params(labelsize=8)
        from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

        if s.log_scale:
            cb.ax.yaxis.set_major_locator(LogLocator(numticks=6))
            cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: power_of_ten(v)))
        else:
            cb.ax.yaxis.set_major_locator(MaxNLocator(5))
            cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v)))
        cb.ax.yaxis.set_minor_locator(NullLocator())
        title = ax.set_title(self.title, fontsize=11.5, pad=20 if self.note_text else 6)
        renderer = fig.canvas.get_renderer()
        if self.note_text:
            self.note = ax.text(0.5, 1.012, self.note_text, transform=ax.transAxes, ha="center", va="bottom",
                                fontsize=9.5, color=style.MUTED)

        def clipped(t):
            box = t.get_window_extent(renderer)
            return box.x0 < 2 or box.x1 > fig.bbox.width - 2

        for t in (title, self.note) if self.note else (title,):
            while clipped(t) and t.get_fontsize() > 7:
                t.set_fontsize(t.get_fontsize() - 0.5)  # small frames: shrink the title to fit
        self.artists = []
        widths = layered_widths(len(self.trajs), thin=1.3, step=0.9)   # no path hides another
        for t, c, lw in zip(self.trajs, self.colours, widths):
            trail, = ax.plot([], [], ls=line_style(c), color=c, lw=lw, alpha=0.55, zorder=4, animated=True,
                             solid_capstyle="round")
            tail = LineCollection([], linewidths=lw + 1.3, zorder=5, animated=True, capstyle="round")
            ax.add_collection(tail)
            start, = ax.plot(*t.params[0], "o", ms=8, mfc="white", mec=c, mew=2, zorder=6, animated=True)
            head, = ax.plot([], [], "o", ms=9, color=c, mec="white", mew=1.5, zorder=7, animated=True)
            exit_i, edge = first_exit(t.params, s.bounds) if t.status == "diverged" else (None, None)
            mark = []
            if exit_i is not None:
                before = set(ax.texts) | set(ax.patches)
                mark_divergence(ax, t.params, s.bounds, c, lang=self.lang)
                mark = [a for a in list(ax.texts) + list(ax.patches) if a not in before]
                for a in mark:
                    a.set_animated(True)
            self.artists.append(dict(trail=trail, tail=tail, start=start, head=head, exit=exit_i,
                                     mark=mark, rgb=to_rgb(c), parts=self._update_arrows(ax, t),
                                     shown=None if exit_i is None else np.vstack([t.params[:exit_i], edge])))
        single = len(self.trajs) == 1
        # one run: counter and loss at the top left; a race: the counter at the bottom left and
        # a box of losses at the top right; each box as wide as the widest text it will show
        lines = [self._step_text(self.n_max, self.n_max)]
        if single:
            lines += [self._loss_text(x) for x in self.trajs[0].loss]
        self.counter = _Overlay(self, ax, 0.02, 0.98 if single else 0.02, "left", "top" if single else "bottom",
                                lines, 2 if single else 1, style.INK)
        self.overlays = [self.counter]
        if not single:  # one box, a line per run in its colour: name and current loss
            texts = {self._race_line(n, x, v) for n, t in zip(self.names, self.trajs)
                     for x, v in zip(t.loss, np.r_[0.0, step_lengths(t)])}
            self.loss_box = _Overlay(self, ax, 0.98, 0.98, "right", "top", texts, len(self.trajs),
                                     style.INK)
            self.overlays.append(self.loss_box)

    def _step_text(self, k, n) -> str:
        return f"{L('step', self.lang)} {k}/{n}"

    def _loss_text(self, loss) -> str:
        return f"{L('loss', self.lang)} {readout(loss)}"

    def _race_line(self, name, loss, speed=0.0) -> str:
        """A run's line in the race box: its name, its loss and its speed (the distance its last
        step moved, in parameter units): momentum is seen to speed up where it rolls."""
        return f"{name}  {readout(loss):>8}  {L('speed', self.lang)} {speed:.2f}"

    def _build_1d(self):
        s, fig = self.runs.surface, self.fig
        k = len(self.trajs)
        w, h = self.size
        left, right, bottom, top, gap = 66, 14, 56, 70, 16
        width = (w - left - right - gap * (k - 1)) / k
        # grown to show paths that start outside the bounds, and a diverging run's first bounces
        window = self.window = fit_window(s, self.trajs, diverged_steps=6)
        self.artists = []
        shared = None
        for i, (t, c, lab) in enumerate(zip(self.trajs, self.colours, self.labels)):
            ax = fig.add_axes(((left + i * (width + gap)) / w, bottom / h, width / w,
                               1 - (bottom + top) / h), sharey=shared)
            shared = shared or ax
            draw_loss_curve(ax, s, None, lang=self.lang, window=window)
            ax.tick_params(labelsize=PANEL_PT - 2)
            ax.xaxis.label.set_fontsize(PANEL_PT - 1)
            ax.yaxis.label.set_fontsize(PANEL_PT - 1)
            if i:
                ax.set_ylabel("")
                ax.tick_params(labelleft=False)
            lr = (self.runs.rates or [None] * k)[i]
            shown = (self.runs.info.get("shown") or [None] * k)[i] if lr is not None else None
            head_title = lab if lr is None else \
                f"{self.names[i]}\n{L('lr', self.lang)} = {shown or fmt_number(lr)}"
            # Chinese: the CJK face first, so the digits are its sans-serif ones, like the characters
            family = [style.CJK_FONT, *style.FONT_FAMILY] if self.lang == "zh" else None
            ax.set_title(head_title, color=c, fontsize=PANEL_PT, fontweight="bold", family=family)
            dots, = ax.plot([], [], "o", color=c, ms=5, mec="white", mew=0.6, zorder=4, animated=True)
            trail, = ax.plot([], [], "-", color=c, lw=1.2, alpha=0.5, zorder=3, animated=True)
            tangent, = ax.plot([], [], "-", color=style.OKABE_ITO["vermillion"], lw=1.6, zorder=5,
                               animated=True)
            head, = ax.plot([], [], "o", ms=12, color=c, mec="white", mew=1.5, zorder=6, animated=True)
            w0, w1 = window[0]
            exit_i = None
            if t.status == "diverged":
                outside = np.flatnonzero((t.params[:, 0] < w0) | (t.params[:, 0] > w1))
                exit_i = int(outside[0]) if outside.size else None
            mark = ax.text(0.5, 0.5, L("diverged", self.lang) + (" ✕" if self.lang == "en" else ""),
                           transform=ax.transAxes, ha="center", color=style.DIVERGED, fontsize=13,
                           fontweight="bold", animated=True, zorder=20,
                           bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=style.DIVERGED))
            texts = [self._step_text(t.n_steps, t.n_steps), *map(self._loss_text, t.loss)]
            counter = _Overlay(self, ax, 0.5, 0.97, "center", "top", texts, 2, style.INK, pt=PANEL_PT, on_top=True)
            self.overlays.append(counter)
            self.artists.append(dict(dots=dots, trail=trail, tangent=tangent, head=head, exit=exit_i,
                                     mark=[mark], counter=counter))
        self.ax = shared
        self.counter = None

    def _update_arrows(self, ax, traj):
        """With ``arrows``: the arrows of what an update is made of, moved every frame to the
        update being made (from gdviz.internals; none when the run cannot say)."""
        from matplotlib.patches import FancyArrowPatch

        from ..internals import internals

        if not self.arrows:
            return []
        try:
            ins = internals(traj)
        except UserInputError:
            return []
        self._internals = getattr(self, "_internals", {})
        self._internals[id(traj)] = ins
        parts = [("carried", CARRIED)] * (ins.carried is not None) + [("push", PUSH), ("step", STEP)]
        out = []
        for key, colour in parts:
            patch = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=12, color=colour,
                                    lw=2.2 if key == "step" else 1.8, zorder=8, animated=True)
            ax.add_patch(patch)
            out.append((patch, key))
        return out

    def _move_arrows(self, a, traj, k):
        """Place the arrows of update k: carried and push head to tail, the step from p_k."""
        parts = a.get("parts")
        if not parts:
            return
        ins = self._internals[id(traj)]
        k = min(k, len(ins.step) - 1)
        p = traj.params[k]
        if ins.lookahead is not None:
            ends = {"carried": (ins.position[k], ins.lookahead[k]),
                    "push": (ins.lookahead[k], ins.lookahead[k] + ins.push[k]), "step": (p, p + ins.step[k])}
        else:
            c = ins.carried[k] if ins.carried is not None else 0 * p
            ends = {"carried": (p, p + c), "push": (p + c, p + c + ins.push[k]), "step": (p, p + ins.step[k])}
        for patch, key in parts:
            start, end = ends[key]
            patch.set_positions(tuple(start), tuple(end))
            patch.set_visible(k < traj.n_steps and ins.effective_lr is None or key == "step")

    def _capture_background(self):
        canvas = self.fig.canvas
        canvas.draw()
        self._bg = canvas.copy_from_bbox(self.fig.bbox)
        for o in self.overlays:
            o.place(self.fig)

    def _animated(self):
        out = []
        for a in self.artists:
            out += [a[k] for k in ("trail", "tail", "start", "dots", "tangent", "head") if k in a]
            out += [patch for patch, _ in a.get("parts", [])]
            out += a["mark"]
        return out

    # -- per frame -------------------------------------------------------------------------
    def _update(self, i: int):
        t_now = float(self.times[i])
        step = int(np.floor(t_now + 1e-9))
        s = self.runs.surface
        for a, traj in zip(self.artists, self.trajs):
            n = traj.n_steps
            k, tt = min(step, n), min(t_now, n)
            head = traj.at(tt)
            if s.dim == 2:
                if a["exit"] is not None and tt >= traj.step_of(a["exit"]):  # gone: drawn to the edge only
                    head = a["shown"][-1]
                    pts = a["shown"]
                else:
                    pts = np.vstack([traj.params[: traj.rows_until(tt)], head[None]])
                a["trail"].set_data(pts[:, 0], pts[:, 1])
                seg_pts = pts[-(self.tail + 1):]
                segs = np.stack([seg_pts[:-1], seg_pts[1:]], 1)
                a["tail"].set_segments(segs)
                a["tail"].set_color([(*a["rgb"], al) for al in np.linspace(0.15, 1.0, len(segs))])
                a["head"].set_data([head[0]], [head[1]])
                self._move_arrows(a, traj, k)
            else:
                self._update_1d(a, traj, tt, k, n)
            for m in a["mark"]:
                m.set_visible(a["exit"] is not None and tt >= traj.step_of(a["exit"]))
        if self.counter is not None:
            text = self._step_text(min(step, self.n_max), self.n_max)
            if len(self.trajs) == 1:
                t0 = self.trajs[0]
                text += "\n" + self._loss_text(t0.loss[t0.rows_until(step) - 1])
            else:
                self.loss_box.text = [(self._race_line(name, traj.loss[j], speed(traj, j)), c)
                                      for traj, name, c in zip(self.trajs, self.names, self.colours)
                                      for j in [traj.rows_until(step) - 1]]
            self.counter.text = text

    def _update_1d(self, a, traj, tt, k, n):
        """A ball that hops from point to point on the loss curve (an arc, not a slide through
        the minimum), the points visited, the last hops as fading arcs, and the tangent at the
        point the current step is taken from."""
        (w0, w1), = self.window
        y0, y1 = a["head"].axes.get_ylim()
        pts = np.column_stack([traj.params[:, 0], traj.loss])
        end = len(pts) if a["exit"] is None else a["exit"]      # rows drawn: up to leaving the window
        last = traj.rows_until(tt) - 1
        u = 0.0 if last + 1 >= len(pts) else float(np.clip(
            (tt - traj.step_of(last)) / (traj.step_of(last + 1) - traj.step_of(last)), 0, 1))
        lift = 0.18 * (y1 - y0) / (w1 - w0)

        def arc(j, upto=1.0):
            return hop(pts[j], pts[j + 1], np.linspace(0, upto, 16), lift * abs(pts[j + 1, 0] - pts[j, 0]))

        a["dots"].set_data(pts[: min(last + 1, end), 0], pts[: min(last + 1, end), 1])
        hopping = u > 0 and last < end and last + 1 < len(pts)   # the last hop may leave the window
        hops = [arc(j) for j in range(max(0, last - 2), min(last, end))]
        if hopping:
            hops.append(arc(last, u))
        trail = np.vstack(hops) if hops else np.empty((0, 2))
        a["trail"].set_data(trail[:, 0], trail[:, 1])
        head = hops[-1][-1] if hopping else pts[min(last, end - 1)]
        inside = last < end and w0 <= head[0] <= w1
        a["head"].set_data([head[0]], [head[1]] if inside else [np.nan])
        if inside and last < n:  # the tangent at the point this step is taken from
            base, g = pts[last], float(traj.grads[last, 0])
            xs = np.array([base[0] - 0.09 * (w1 - w0), base[0] + 0.09 * (w1 - w0)])
            a["tangent"].set_data(xs, base[1] + g * (xs - base[0]))
        else:
            a["tangent"].set_data([], [])
        a["counter"].text = f"{self._step_text(k, n)}\n{self._loss_text(traj.loss[last])}"

    def _finish(self) -> Image.Image:
        w, h = self.fig.canvas.get_width_height()
        image = Image.frombytes("RGB", (w, h), self.fig.canvas.buffer_rgba(), "raw", "RGBX")
        draw = ImageDraw.Draw(image)
        for o in self.overlays:
            o.draw(draw)
        return image

    def frame(self, i: int) -> Image.Image:
        """Frame ``i`` as an RGB image: the saved background plus the moving artists."""
        if not 0 <= i < self.n_frames:
            raise IndexError(f"frame {i} out of range 0..{self.n_frames - 1}")
        check_interrupted()
        self._update(i)
        self.fig.canvas.restore_region(self._bg)
        for art in self._animated():
            if art.get_visible():
                self.fig.draw_artist(art)
        return self._finish()

    def full_frame(self, i: int) -> Image.Image:
        """Frame ``i`` drawn the slow way (a full redraw): the static figure of that moment."""
        with rc(self.lang):
            self._update(i)
            arts = self._animated()
            for a in arts:
                a.set_animated(False)
            try:
                self.fig.canvas.draw()
                return self._finish()
            finally:
                for a in arts:
                    a.set_animated(True)
                self._capture_background()

    def durations_ms(self) -> list[int]:
        """Per-frame duration; the last frame also holds for ``hold`` seconds."""
        d = [round(1000 / self.fps)] * self.n_frames
        d[-1] += round(1000 * self.hold)
        return d

    # -- rendering all frames, in two processes where the machine has two cores ---------------
    def _render(self, make_converter, on_frame=None, workers=None):
        """Yield ``converter(frame(i))`` (bytes) for every frame, in order. With ``workers`` > 1
        a forked child renders every other turn of :func:`frames_per_turn` frames while this
        process renders the turns between; this process holds at most two of the child's turns
        (the child waits for room), so memory does not grow with the number of frames.

        ``make_converter()`` gives a fresh converter per process; a converter may keep state
        from frame to frame (``prime(image)`` shows it the frame before its first one)."""
        n = self.n_frames
        workers = (os.cpu_count() or 1) if workers is None else workers
        convert = make_converter()
        if workers < 2 or n < 16 or "fork" not in multiprocessing.get_all_start_methods():
            for i in range(n):
                yield convert(self.frame(i))
                if on_frame:
                    on_frame(i + 1)
            return
        turn = frames_per_turn(self.size, n)
        ctx = multiprocessing.get_context("fork")
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child_render, args=(self, make_converter, turn, sender), daemon=True)
        with child_signals():  # the child inherits: ignore Ctrl-C, die on SIGTERM
            child.start()
        sender.close()
        held = collections.deque()   # the child's frames, in order, not yet passed on
        to_come = sum(1 for i in range(n) if (i // turn) % 2)   # frames the child will send

        def receive(wait: bool):
            """Take the child's frames: one, waiting for it; or, without waiting, as many as
            have arrived while fewer than two turns are held."""
            nonlocal to_come
            try:
                while to_come and ((wait and not held) or (not wait and len(held) < 2 * turn and receiver.poll())):
                    held.append(receiver.recv_bytes())
                    to_come -= 1
            except EOFError:   # the child ended before sending every frame
                child.join()
                code = child.exitcode
                how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                raise OutputError(f"the frame renderer died ({how})") from None

        try:
            for i in range(n):
                if (i // turn) % 2 == 0:   # this process's turn
                    if i % turn == 0 and i and hasattr(convert, "prime"):
                        convert.prime(self.frame(i - 1))
                    data = convert(self.frame(i))
                else:
                    receive(wait=True)
                    data = held.popleft()
                yield data
                receive(wait=False)
                if on_frame:
                    on_frame(i + 1 + len(held))
            child.join()
        finally:
            if child.is_alive():
                child.terminate()
                child.join()
            receiver.close()

    # -- output ----------------------------------------------------------------------------
    def save(self, path, *, on_frame=None, workers=None):
        """Write a GIF, MP4 or WebM (by extension), atomically; ``on_frame(done)`` reports progress."""
        p = check_output(path, ANIMATED)
        check_video_size(p, self.size)
        w, h = self.size
        if p.suffix.lower() == ".gif":
            if self.n_frames * w * h > MAX_GIF_PIXELS:
                raise UserInputError(f"a GIF of {self.n_frames} frames at {w}x{h} is too large to "
                                     f"encode (frames x width x height must stay under "
                                     f"{MAX_GIF_PIXELS:,}); use fewer frames, a smaller size, or .mp4")
            samples = [self.frame(i) for i in sorted({0, self.n_frames // 2, self.n_frames - 1})]
            palette = global_palette(samples)
            blocks = self._render(lambda: GifFrames(palette), on_frame, workers)
            return write_gif(blocks, p, size=self.size, durations_ms=self.durations_ms(), palette=palette)
        frames = self._render(lambda: _rgb_bytes, on_frame, workers)
        return write_video(frames, p, size=self.size, fps=self.fps, hold_frames=round(self.hold * self.fps))

    def _repr_html_(self) -> str:
        """Shows inline in Jupyter as a looping GIF."""
        with tempfile.TemporaryDirectory() as d:
            data = self.save(Path(d) / "animation.gif").read_bytes()
        w, h = self.size
        b64 = base64.b64encode(data).decode()
        return f'<img src="data:image/gif;base64,{b64}" width="{w}" height="{h}" alt="{self.title}"/>'


def _rgb_bytes(image: Image.Image) -> bytes:
    return image.tobytes()


def frames_per_turn(size, frames: int) -> int:
    """Frames in each turn of the two processes of :meth:`Animation._render`: two turns of raw
    frames fit in HELD_BYTES (1080p: 5 frames; 4K: 1), at most MAX_TURN, and at least four
    turns in all."""
    w, h = size
    return max(1, min(MAX_TURN, HELD_BYTES // (2 * 3 * w * h), frames // 4))


def _child_render(anim: Animation, make_converter, turn: int, sender):
    """In the forked child: render the odd turns (frames turn..2 turn-1, 3 turn..4 turn-1, ...)
    and send them, in order. A send waits while the parent holds enough. It writes no file and
    dies with its parent."""
    from ..interrupt import die_with_parent

    die_with_parent()
    try:
        convert = make_converter()
        for start in range(turn, anim.n_frames, 2 * turn):
            if hasattr(convert, "prime"):
                convert.prime(anim.frame(start - 1))
            for i in range(start, min(start + turn, anim.n_frames)):
                sender.send_bytes(convert(anim.frame(i)))
    except (KeyboardInterrupt, BrokenPipeError):  # stopped, or the parent went away: leave quietly
        raise SystemExit(1) from None
    finally:
        sender.close()


def power_of_ten(v: float) -> str:
    """Tick label without mathtext: 1000 -> '10³', 0.01 -> '10⁻²'."""
    if v <= 0:
        return ""
    k = int(round(np.log10(v)))
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "1" if k == 0 else f"10{str(k).translate(sup)}"


def animate(what, surface=None, **options) -> Animation:
    """An :class:`Animation` of a Trajectory, a list of them (a race, several rates) or Runs.

    ``surface`` defaults to the one the trajectory was recorded on.
    """
    return Animation(_as_runs(what, surface), **options)
