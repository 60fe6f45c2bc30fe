"""Shared bits of the manim side: colours and fonts from :mod:`gdviz.style`, text, formulas."""
from __future__ import annotations

import functools
import shutil

import numpy as np
from manim import ManimColor, Mobject, Text, VGroup

from .. import style

INK = ManimColor(style.INK)
MUTED = ManimColor(style.MUTED)
DIVERGED = ManimColor(style.DIVERGED)


def colour(key: str, index: int = 0) -> ManimColor:
    """The same colour the matplotlib figures use: per optimizer, per regime, else by index."""
    if key in style.REGIME_COLOURS:
        return ManimColor(style.REGIME_COLOURS[key])
    return ManimColor(style.colour(key, index))


DASH_UNIT = 0.03   # scene units per unit of a dash pattern (gdviz.style.DASHES counts line widths)


def set_dashed_corners(mob, points, key: str):
    """``mob``'s points: the polyline ``points`` drawn with series ``key``'s dash pattern (the
    second cue beside its colour, as in the figures), one straight subpath per dash.

        >>> set_dashed_corners(VMobject(), chart.polyline(steps, log_losses), "momentum")
    """
    from ..render.geometry import dash_pieces

    pattern = style.dashes(style.colour(key)) if key not in style.REGIME_COLOURS else None
    pieces = [p for p in dash_pieces(points, pattern, DASH_UNIT) if len(p) > 1]
    if pattern is None or not pieces:
        return mob.set_points_as_corners(points)
    a = np.concatenate([p[:-1] for p in pieces])     # each straight segment as a cubic Bézier
    b = np.concatenate([p[1:] for p in pieces])
    return mob.set_points(np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=1).reshape(-1, 3))


def font(lang: str) -> str:
    """Pango font name: DejaVu Sans, or Noto Sans CJK SC named explicitly for Chinese
    (fontconfig would otherwise fall back to the Japanese face)."""
    return style.CJK_FONT if lang == "zh" else "DejaVu Sans"


def text(s: str, lang: str = "en", *, size: float = 28, colour=INK, weight: str = "NORMAL", **kw) -> Text:
    """A Text in the gdviz font for ``lang``: a copy of the one made for the same arguments
    before in this process (manim lays out and parses each Text anew, ~50 ms; tick labels, keys
    and names repeat across a scene, its languages and the gallery's scenes).

        >>> text("学习率", "zh")
    """
    try:
        key = (s, font(lang), float(size), str(ManimColor(colour)), weight, tuple(sorted(kw.items())))
        hash(key)
    except TypeError:     # an argument that cannot be a key (a dict of colours): made afresh
        return Text(s, font=font(lang), font_size=size, color=colour, weight=weight, **kw)
    made = _TEXTS.get(key)
    if made is None:
        made = _TEXTS[key] = Text(s, font=font(lang), font_size=size, color=colour, weight=weight, **kw)
        if len(_TEXTS) > 2048:
            _TEXTS.pop(next(iter(_TEXTS)))
    return made.copy()


_TEXTS: dict = {}    # made Texts by their arguments, oldest first


class Reads:
    """A mixin for mobjects that read other objects: the field or curve they are drawn on, a
    trajectory, a tracker. manim copies a mobject for every FadeIn and Transform; a copy
    shares what it reads (a Mobject outside its own family, a Trajectory, an Internals) instead
    of deep-copying it: a path's fade-in no longer copies its contour field's curves.

        >>> class TrajectoryPath(Reads, VGroup): ...
    """

    def __deepcopy__(self, memo):
        from ..internals import Internals
        from ..trajectory import Trajectory

        family = {id(m) for m in self.get_family()}
        for v in self.__dict__.values():
            if (isinstance(v, Mobject) and id(v) not in family) or isinstance(v, (Trajectory, Internals)):
                memo.setdefault(id(v), v)
        return super().__deepcopy__(memo)


# Update rules: (LaTeX, Typst, plain text). Typst renders without a TeX installation.
UPDATE_RULES = {
    "gd": (r"w_{t+1} = w_t - \eta \nabla L(w_t)", r"w_(t+1) = w_t - eta nabla L(w_t)",
           "w(t+1) = w(t) - η ∇L(w(t))"),
    "momentum": (r"v_{t+1} = \beta v_t + \nabla L(w_t),\quad w_{t+1} = w_t - \eta v_{t+1}",
                 r"v_(t+1) = beta v_t + nabla L(w_t), quad w_(t+1) = w_t - eta v_(t+1)",
                 "v ← βv + ∇L(w),  w ← w - ηv"),
    "adagrad": (r"w_{t+1} = w_t - \frac{\eta}{\sqrt{\sum_{i \le t} g_i^2}}\, g_t",
                r"w_(t+1) = w_t - eta / sqrt(sum_(i <= t) g_i^2) g_t",
                "w ← w - η / √(Σ g²) · g"),
    "adam": (r"w_{t+1} = w_t - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
             r"w_(t+1) = w_t - eta hat(m)_t / (sqrt(hat(v)_t) + epsilon)",
             "w ← w - η m̂ / (√v̂ + ε)"),
    "sgd": (r"w_{t+1} = w_t - \eta \nabla L_{B_t}(w_t)", r"w_(t+1) = w_t - eta nabla L_(B_t)(w_t)",
            "w ← w - η ∇L_batch(w)"),
}


@functools.cache
def formula_engine() -> str:
    """'latex' when a LaTeX installation exists, else 'typst' (manim[typst]), else 'text'."""
    if shutil.which("latex") and shutil.which("dvisvgm"):
        return "latex"
    try:
        import typst  # noqa: F401

        return "typst"
    except ImportError:
        return "text"


def formula(rule: str, *, size: float = 30, colour=INK, lang: str = "en"):
    """The update rule ``rule`` (see ``UPDATE_RULES``) as a formula mobject: MathTex with LaTeX,
    MathTypst without it, Text as the last resort.

        >>> formula("gd")
    """
    tex, typ, plain = UPDATE_RULES[rule]
    engine = formula_engine()
    if engine == "latex":
        from manim import MathTex

        return MathTex(tex, font_size=size, color=colour)
    if engine == "typst":
        from manim import MathTypst

        return MathTypst(typ, font_size=size, color=colour)
    return text(plain, lang, size=size * 0.8, colour=colour)


def stack(*mobs, buff: float = 0.15, aligned=None) -> VGroup:
    """Mobjects one under another, left-aligned."""
    from manim import DOWN, LEFT

    return VGroup(*mobs).arrange(DOWN, buff=buff, aligned_edge=aligned if aligned is not None else LEFT)


class LinearMap:
    """Parameter -> scene coordinates for a manim Axes, vectorised (``Axes.c2p`` costs tens of
    microseconds a point; paths have thousands). It reads two corners of the axes on every call,
    so it follows the axes wherever the scene moves or scales them.

        >>> to_scene = LinearMap(axes, (x0, x1), (y0, y1)); to_scene(points)  # (N, 2) -> (N, 3)
    """

    def __init__(self, axes, x_range, y_range):
        self.axes = axes
        (self.x0, self.x1), (self.y0, self.y1) = x_range, y_range

    def __call__(self, points):
        import numpy as np

        a = np.asarray(self.axes.c2p(self.x0, self.y0), dtype=float)
        b = np.asarray(self.axes.c2p(self.x1, self.y1), dtype=float)
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        scale = (b - a)[:2] / np.array([self.x1 - self.x0, self.y1 - self.y0])
        out = np.empty((len(pts), 3))
        out[:, :2] = a[:2] + (pts[:, :2] - np.array([self.x0, self.y0])) * scale
        out[:, 2] = a[2]
        return out
