"""Series stay apart for colour-blind viewers: every pair of colours the renderers draw together
(gdviz.style, the one source of colours) is checked under simulated protanopia and deuteranopia
(Machado, Oliveira & Fernandes 2009, severity 1.0, applied to linear RGB), and under normal
vision, by CIEDE2000 colour difference.

Threshold: MIN_DE = 10. A ΔE00 of about 1 is just noticeable between large patches side by side;
for thin lines and small marks the difference needed grows several-fold (Szafir 2017, "Modeling
Color Difference for Visualization Design"; Stone, Szafir & Setlur 2014), and 10 is the usual
floor for categorical palettes in charts. Okabe & Ito's palette, designed for colour-blind
viewers, keeps every pair of its colours that the figures use together at 12 or more.
The second cue: two series lines in one axes whose colours differ by less than MIN_DE_SAME_STYLE
= 20 under any of the three visions must differ in dash pattern or marker (gdviz.style.DASHES),
checked on the table and on the Line2D objects of the rendered many-series figures."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from gdviz import style

# Machado et al. 2009, Table 1 at severity 1.0 (rows: simulated R, G, B from linear R, G, B)
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
VISIONS = ("normal", *MACHADO)
MIN_DE = 10.0
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])


def srgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb_linear) -> np.ndarray:
    """CIELAB (D65 white) of a linear-RGB colour."""
    xyz = SRGB_TO_XYZ @ rgb_linear / SRGB_TO_XYZ.sum(1)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(hex_colour: str, vision: str) -> np.ndarray:
    """The CIELAB colour ``hex_colour`` looks like with ``vision``."""
    c = linear(srgb(hex_colour))
    if vision != "normal":
        c = np.clip(MACHADO[vision] @ c, 0.0, 1.0)
    return lab(c)


def ciede2000(lab1, lab2) -> float:
    """CIEDE2000 (Sharma, Wu & Dalal 2005, with kL = kC = kH = 1)."""
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = L2 - L1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    r_c = 2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2)))) * r_c
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)))


def distance(a: str, b: str) -> dict[str, float]:
    return {v: ciede2000(seen(a, v), seen(b, v)) for v in VISIONS}


# -- the measuring tools are right ----------------------------------------------------------------
@pytest.mark.parametrize("lab1, lab2, expected", [      # Sharma, Wu & Dalal 2005, Table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_sharmas_table(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_keeps_greys_and_merges_red_with_green():
    for vision in MACHADO:
        np.testing.assert_allclose(seen("#777777", vision), seen("#777777", "normal"), atol=0.05)
    # pure red and a green of the same lightness, far apart for a trichromat, close for the others
    d = distance("#D55E00", "#7F6A00")
    assert d["normal"] > 25 and d["protanopia"] < 6


# -- the sets of colours drawn together ----------------------------------------------------------
COURSE = ("gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam")


def drawn_together() -> dict[str, dict[str, str]]:
    """name -> {series: colour} for each set of series a renderer draws in one picture."""
    from gdviz.render.axes import CARRIED, PUSH, STEP
    from gdviz.render.figures import starts
    from gdviz.render.series import series_colours

    return {
        # any of the course's eight optimizers may race together (the race figure, GIFs, the explorer)
        "optimizers": {k: style.colour(k) for k in COURSE},
        # rates, batch sizes, restarts: the series palette in order (series_colours' fallback)
        "series": dict(zip(map(str, range(len(style.SERIES))), series_colours([f"s{i}" for i in range(7)]))),
        "regimes": dict(style.REGIME_COLOURS),                       # the learning-rate figures
        "beta": {str(i): c for i, c in enumerate(style.BETA_COLOURS)},   # momentum's β
        "inside momentum": {"push": PUSH, "carried": CARRIED, "step": STEP},
        "restarts": {"global": starts.GLOBAL, "local": starts.LOCAL},
    }


def close_pairs():
    out = []
    for name, colours in drawn_together().items():
        for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
            d = distance(ca, cb)
            if min(d.values()) < MIN_DE:
                out.append(f"{name}: {a} {ca} / {b} {cb}: " + ", ".join(f"{v} {x:.1f}" for v, x in d.items()))
    return out


def test_series_drawn_together_stay_apart_for_colour_blind_viewers():
    assert close_pairs() == []


def test_series_palette_is_what_the_renderers_use():
    from gdviz.render.series import series_colours

    assert series_colours(["gd", "momentum", "adam"]) == [style.colour(k) for k in ("gd", "momentum", "adam")]
    assert series_colours(["too small", "goldilocks", "too large", "diverges"]) == list(style.REGIME_COLOURS.values())
    assert series_colours(["mini-batch 1", "mini-batch 10", "mini-batch 100"]) == style.SERIES[:3]


# -- the second cue: line styles the renderers really draw ----------------------------------------
MIN_DE_SAME_STYLE = 20.0


def test_colours_that_look_alike_have_their_own_dash_pattern():
    """The table itself (gdviz.style.DASHES): any two series colours closer than 20 under any
    vision have different dash patterns, so any figure drawing them together tells them apart."""
    colours = {*style.OPTIMIZER_COLOURS.values(), *style.SERIES, *style.REGIME_COLOURS.values(),
               *style.BETA_COLOURS}
    clash = [f"{a} / {b}: {min(distance(a, b).values()):.1f}, both {style.dashes(a) or 'solid'}"
             for a, b in itertools.combinations(sorted(colours), 2)
             if style.dashes(a) == style.dashes(b) and min(distance(a, b).values()) < MIN_DE_SAME_STYLE]
    assert clash == []
    assert [k for k in COURSE if style.dashes(style.colour(k)) is None] == ["gd", "sgd", "adagrad", "rmsprop", "adam"]


def line_style_clashes(fig) -> list[str]:
    """Pairs of series lines in one axes that a colour-blind viewer cannot tell apart.

    Rule: in each axes, take every visible line drawn as a line (at least two points, not a
    marker alone); lines of one colour are one series (a path and its pieces). Two series of
    different colours drawn with the same dash pattern and marker must differ by CIEDE2000 >= 20
    under normal vision, simulated protanopia and simulated deuteranopia; below that they need
    different dash patterns or markers (the second cue)."""
    from matplotlib.colors import to_hex

    out = []
    for n, ax in enumerate(fig.axes):
        series = {}
        for line in ax.get_lines():
            if not line.get_visible() or line.get_linestyle() in ("None", "none", "", " ") or len(line.get_xdata()) < 2:
                continue
            offset, seq = line._unscaled_dash_pattern
            series.setdefault(to_hex(line.get_color()).upper(), set()).add((tuple(seq or ()), line.get_marker()))
        for (a, sa), (b, sb) in itertools.combinations(sorted(series.items()), 2):
            d = min(distance(a, b).values())
            if sa & sb and d < MIN_DE_SAME_STYLE:
                out.append(f"axes {n} {ax.get_title()!r}: {a} / {b} look alike ({d:.1f}) and share the style {sa & sb}")
    return out


def test_the_clash_check_finds_two_alike_colours_drawn_alike():
    from gdviz.render.mpl import new_figure

    fig = new_figure(300, 200)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color=style.colour("momentum"))
    ax.plot([0, 1], [1, 0], color=style.colour("nesterov"))
    assert len(line_style_clashes(fig)) == 1
    ax.lines[1].set_linestyle((0, (3, 1)))
    assert line_style_clashes(fig) == []


# the figures that draw several series together, each small and quick (rates given: no tuning)
MANY_SERIES = {
    "race": dict(optimizers=list(COURSE), rates=[1e-3, 1e-3, 5e-4, 5e-4, 0.1, 0.3, 5e-3, 0.05], steps=300),
    "loss-vs-step": dict(optimizers=list(COURSE), rates=[1e-3, 1e-3, 5e-4, 5e-4, 0.1, 0.3, 5e-3, 0.05], steps=300),
    "path": dict(optimizers=list(COURSE), rates=[1e-3, 1e-3, 5e-4, 5e-4, 0.1, 0.3, 5e-3, 0.05], steps=300),
    "lr-curves": {},
    "momentum-beta": {},
    "batch-sizes": {},
    "plateau-saddle": {},
}


@pytest.mark.parametrize("kind", MANY_SERIES)
def test_series_drawn_together_have_a_colour_or_a_line_style_of_their_own(kind):
    from gdviz.render import figure

    fig = figure(kind, **MANY_SERIES[kind])
    assert line_style_clashes(fig) == []


def test_the_manim_race_draws_each_loss_curve_with_its_dash_pattern():
    """The video's loss chart: momentum's curve is cut into dashes of the table's lengths, Adam's
    stays one solid path (manim has no dashes of its own: one subpath per dash)."""
    pytest.importorskip("manim")
    from manim import VMobject

    from gdviz.mobjects.common import DASH_UNIT, set_dashed_corners
    from gdviz.render.geometry import dash_pieces

    line = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])   # two units long, one corner
    on, off = style.dashes(style.colour("momentum"))
    pieces = dash_pieces(line, (on, off), DASH_UNIT)
    assert len(pieces) == int(np.ceil(2.0 / ((on + off) * DASH_UNIT)))
    lengths = [float(np.linalg.norm(np.diff(p, axis=0), axis=1).sum()) for p in pieces[:3]]
    assert lengths == pytest.approx([on * DASH_UNIT] * 3)     # the first three, the corner's included
    momentum = set_dashed_corners(VMobject(), line, "momentum")
    assert len(momentum.get_subpaths()) == len(pieces)
    assert len(set_dashed_corners(VMobject(), line, "adam").get_subpaths()) == 1
