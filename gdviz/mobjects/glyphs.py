"""Fast numbers: read-outs and tick labels built from glyphs rendered once.

A manim ``Text`` costs about 12 ms (Pango writes an SVG, which is parsed again), so a counter
that changes on every step cannot be a new ``Text`` each time. A :class:`GlyphAtlas` renders a
label and the characters of numbers once (each character twice, which gives its advance) and
lays out any number from copies of those glyphs, on the label's baseline: about 0.1 ms a glyph.

    >>> r = Readout("loss", "en", size=20); r.set_text(readable(0.00047))
    >>> label = number_text("-2.5", "en", size=16)          # a tick label
"""
from __future__ import annotations

import functools
import math

import numpy as np
from manim import RIGHT, Line, VGroup, VMobject

from .common import INK, text

# the characters numbers are made of (the minus sign and "×" of "1.2 × 10⁵" included)
CHARS = "0123456789.,-−+<>≈×=%()/⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
REF = 0.01   # length of a read-out's reference segment
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def readable(x: float, sig: int = 3, *, tiny: float = 1e-3, signed: bool = False, small: bool = False) -> str:
    """A number for people, with ``sig`` significant digits and no e-notation.

    0 is "0"; a positive value below ``tiny`` is "< 0.001" (``signed``: any value within
    ``tiny`` of 0 is "≈ 0"; ``small``: below ``tiny`` it is written "3.1 × 10⁻⁴", so a
    falling value keeps falling on screen); 100000 and more is "1.2 × 10⁵"; else fixed-point
    digits (trailing zeros kept, so a read-out does not jump in width).

        >>> readable(6.2e-32), readable(0.000471), readable(6510.4), readable(-1.8125), readable(3.1e7)
        ('< 0.001', '< 0.001', '6510', '-1.81', '3.1 × 10⁷')
    """
    x = float(x)
    if not math.isfinite(x):
        return "∞" if x > 0 else ("-∞" if x < 0 else "?")
    if x == 0:
        return "0"
    if abs(x) < tiny and not small:
        return "≈ 0" if signed or x < 0 else f"< {tiny:g}"
    if abs(x) >= 1e5 or abs(x) < tiny:
        e = int(math.floor(math.log10(abs(x))))
        m = x / 10 ** e
        if round(abs(m), 1) >= 10:
            m, e = m / 10, e + 1
        return f"{m:.1f} × 10{str(e).translate(SUPERSCRIPT)}"
    digits = max(0, sig - 1 - int(math.floor(math.log10(abs(x)))))
    out = f"{x:.{digits}f}"
    return "0" if float(out) == 0 else out


class GlyphAtlas:
    """``prefix`` and the characters of :data:`CHARS`, rendered once as one ``Text``; builds
    ``prefix + " " + s`` for any ``s`` made of those characters and spaces."""

    def __init__(self, prefix: str, lang: str, size: float, weight: str = "NORMAL"):
        self.prefix_text = prefix
        pairs = "".join(c + c for c in CHARS)
        source = (prefix + " " if prefix else "") + pairs + "0 0"
        t = text(source, lang, size=size, colour=INK, weight=weight)
        glyphs = list(t.submobjects)
        n_prefix = len(prefix.replace(" ", "").replace("\n", ""))
        self.ok = len(glyphs) == n_prefix + 2 * len(CHARS) + 2
        if not self.ok:  # a font that merges or drops characters: Text every time instead
            self.lang, self.size, self.weight = lang, size, weight
            return
        self.prefix = glyphs[:n_prefix]
        pairs = glyphs[n_prefix:-2]
        first, second = pairs[0::2], pairs[1::2]
        lefts = np.array([g.get_left()[0] for g in first])
        self.advance = np.array([b.get_left()[0] - a.get_left()[0] for a, b in zip(first, second)])
        # the origin of the first copy of character i (its left edge less the bearing of "0",
        # a constant that cancels): a number starts where "0" would
        self.start = lefts[0] + np.concatenate([[0.0], np.cumsum(2 * self.advance)[:-1]])
        self.space = (glyphs[-1].get_left()[0] - glyphs[-2].get_left()[0]) - self.advance[0]
        self.origin = np.array([lefts[0], first[0].get_bottom()[1], 0.0])  # baseline of "0"
        self.glyph = {c: (g.points.copy(), i) for i, (c, g) in enumerate(zip(CHARS, first))}
        self.prefix_points = [g.points.copy() for g in self.prefix]
        self.lang, self.size, self.weight = lang, size, weight

    def layout(self, s: str) -> list[np.ndarray] | None:
        """Points of each glyph of ``s`` in atlas coordinates (None: a character is missing)."""
        out, x = [], self.origin[0]
        for c in s:
            if c == " ":
                x += self.space
                continue
            if c not in self.glyph:
                return None
            pts, i = self.glyph[c]
            out.append(pts + np.array([x - self.start[i], 0.0, 0.0]))
            x += self.advance[i]
        return out


@functools.lru_cache(maxsize=64)
def atlas(prefix: str, lang: str, size: float, weight: str = "NORMAL") -> GlyphAtlas:
    return GlyphAtlas(prefix, lang, size, weight)


def _shape(points: np.ndarray, colour, opacity: float = 1.0) -> VMobject:
    m = VMobject(fill_color=colour, fill_opacity=opacity, stroke_width=0)
    m.points = points
    return m


class Readout(VGroup):
    """``prefix value`` (e.g. "loss 0.047") whose value changes cheaply with :meth:`set_text`.
    The prefix stays where it is; scaled or moved with its parent, it keeps working.

    The value's glyphs are a fixed pool of shapes whose points change: manim's renderer lists
    the moving mobjects once per animation, so a read-out must not add or remove mobjects
    while it plays (a removed glyph would still be drawn, a new one drawn twice).

        >>> r = Readout("step", "en", size=20, colour=MUTED); r.set_text("41")
    """

    def __init__(self, prefix: str, lang: str = "en", *, size: float = 20, colour=INK,
                 weight: str = "NORMAL", value: str = "", slots: int = 16, reserve: str = ""):
        super().__init__()
        self.atlas = a = atlas(prefix, lang, size, weight)
        self.colour, self._shown = colour, None
        if a.ok:
            self.prefix = VGroup(*[_shape(p, colour) for p in a.prefix_points])
            origin = a.origin
        else:  # a font that merges characters: the prefix is a Text, numbers follow it
            self.prefix = text(prefix, lang, size=size, colour=colour, weight=weight) if prefix else VGroup()
            origin = np.array([self.prefix.get_right()[0] + 0.12 if prefix else 0.0,
                               self.prefix.get_bottom()[1] if prefix else 0.0, 0.0])
            self._origin = origin
        # an invisible short segment from the origin of the value: it carries any shift and scale
        self.ref = Line(origin, origin + REF * RIGHT, stroke_width=0, stroke_opacity=0)
        self.value = VGroup(*[_shape(np.zeros((0, 3)), colour) for _ in range(slots)])
        self.add(self.ref, self.prefix, self.value)
        if reserve:  # an invisible line as wide as ``reserve``: layouts leave room for it
            pts = self._glyph_points(reserve)
            right = max(float(p[:, 0].max()) for p in pts) if pts else 0.0
            self.add(Line(origin, origin + right * RIGHT, stroke_width=0, stroke_opacity=0))
        self.set_text(value)

    def _glyph_points(self, s: str) -> list[np.ndarray]:
        """Points of the glyphs of ``s``, with the value's origin at (0, 0) (unscaled)."""
        a = self.atlas
        pts = a.layout(s) if a.ok else None
        if pts is not None:
            return [p - a.origin for p in pts]
        t = text(s, a.lang, size=a.size, colour=self.colour, weight=a.weight)
        base = np.array([t.get_left()[0], t.get_bottom()[1], 0.0])
        return [g.points - base for g in t.family_members_with_points()]

    def set_text(self, s: str):
        if s == self._shown:
            return self
        self._shown = s
        pts = self._glyph_points(s)
        while len(self.value) < len(pts):   # more glyphs than slots: grow (between animations)
            self.value.add(_shape(np.zeros((0, 3)), self.colour))
        start, end = self.ref.get_start(), self.ref.get_end()
        k = float(np.linalg.norm(end - start)) / REF
        for i, slot in enumerate(self.value):
            slot.points = start + pts[i] * k if i < len(pts) else np.zeros((0, 3))
        return self


def number_text(s: str, lang: str = "en", *, size: float = 16, colour=INK) -> VGroup:
    """A short number (a tick label) as glyph copies: much cheaper than a ``Text``."""
    a = atlas("", lang, size)
    pts = a.layout(s) if a.ok else None
    if pts is None:
        return text(s, lang, size=size, colour=colour)
    return VGroup(*[_shape(p, colour) for p in pts])


__all__ = ["Readout", "readable", "number_text", "atlas", "GlyphAtlas"]
