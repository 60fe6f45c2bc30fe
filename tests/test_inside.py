"""The inside-* figures and videos (issue 17): distinct hues for the adaptive optimizers,
accumulators that visibly change in the snapshots drawn, plain words, claims on the runs drawn."""
from __future__ import annotations

import numpy as np
import pytest

from gdviz import style

# -- colour distances: CIE Lab (D65), CIEDE2000, and Machado et al.'s (2009) deuteranopia ----------
_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                 [0.0193339, 0.1191920, 0.9503041]])
_DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                          [-0.011820, 0.042940, 0.968881]])


def _linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    t = _XYZ @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    """Sharma, Wu and Dalal's CIEDE2000 colour difference (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    cbar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    dl, dc, dhh = l2 - l1, c2 - c1, 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    lbar, cbar = (l1 + l2) / 2, (c1 + c2) / 2
    hbar = h1 + h2 if c1 * c2 == 0 else ((h1 + h2) / 2 + (180 if abs(h1 - h2) > 180 else 0)) % 360
    t = (1 - 0.17 * np.cos(np.radians(hbar - 30)) + 0.24 * np.cos(np.radians(2 * hbar))
         + 0.32 * np.cos(np.radians(3 * hbar + 6)) - 0.20 * np.cos(np.radians(4 * hbar - 63)))
    rt = -2 * np.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)) * np.sin(np.radians(60 * np.exp(-((hbar - 275) / 25) ** 2)))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / np.sqrt(20 + (lbar - 50) ** 2)
    sc, sh = 1 + 0.045 * cbar, 1 + 0.015 * cbar * t
    return float(np.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)))


def test_ciede2000_matches_sharma_reference_pairs():
    # pairs 1, 7 and 17 of Sharma, Wu and Dalal (2005), Table 1
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_adagrad_and_adam_differ_on_a_projector_in_grey_and_for_deuteranopes():
    ada, adam = (style.colour(k) for k in ("adagrad", "adam"))
    normal = ciede2000(_lab(_linear(ada)), _lab(_linear(adam)))
    deutan = ciede2000(_lab(_DEUTERANOPIA @ _linear(ada)), _lab(_DEUTERANOPIA @ _linear(adam)))
    grey = abs(_lab(_linear(ada))[0] - _lab(_linear(adam))[0])   # L*: what a grayscale print keeps
    assert normal > 30 and deutan > 25 and grey > 15, (normal, deutan, grey)


def test_course_optimizers_stay_apart_from_adagrad_and_adam():
    course = ("gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam")
    for a in ("adagrad", "adam"):
        for b in course:
            if b != a:
                d = ciede2000(_lab(_linear(style.colour(a))), _lab(_linear(style.colour(b))))
                assert d > 20, (a, b, d)


# -- the accumulators drawn change visibly -----------------------------------------------------------
def test_adagrad_squares_grow_visibly_in_the_snapshots_drawn():
    from gdviz.lessons.inside import internals

    runs = internals(optimizer="adagrad")
    picks, sc = runs.info["snapshots"], runs.info["internals"].scale
    assert picks[0] == 0 and picks[-1] == len(sc) - 1 and picks == sorted(set(picks))
    grow = sc[picks[-1]] / sc[picks[0]]
    assert (grow > 1.5).all(), grow    # each side half as long again: y 30 -> 47.7, x 3.5 -> 10
    grew = next(c for c in runs.claims if c.key == "only-grow")
    assert grew.holds and "30 → 41 → 47.3 → 47.7" in grew.evidence["en"]


def test_adagrad_squares_that_barely_change_fail_the_claim():
    from gdviz.lessons.inside import internals

    runs = internals(optimizer="adagrad", lr=1.0)   # y 30 -> 31.9: "only grows" is invisible
    assert not next(c for c in runs.claims if c.key == "only-grow").holds


def test_adam_squares_change_visibly_in_the_snapshots_drawn():
    from gdviz.lessons.inside import internals

    runs = internals(optimizer="adam")
    picks, sc = runs.info["snapshots"], runs.info["internals"].scale
    assert (sc[picks[-1]] / sc[picks[0]] < 0.5).all()   # both roots of v-hat at least halve


# -- the figures: few arrows, a map that fills its panel, plain words -------------------------------
@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adagrad", "adam"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inside_figures_draw_few_spread_arrows_on_a_map_that_fills_its_panel(optimizer, lang):
    import matplotlib.pyplot as plt

    from gdviz.render import figures

    fig = figures.figure("internals", optimizer=optimizer, lang=lang)
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        title = ax.get_title()
        listed = title.split("1、" if lang == "zh" else "updates ")[-1]
        assert "1" in title and len(listed.replace("、", ",").split(",")) <= 4, title
        box, drawn = ax.get_position(original=True), ax.get_position()
        assert drawn.width * drawn.height > 0.97 * box.width * box.height   # no blank band beside the map
        words = " ".join(t.get_text() for t in fig.findobj(plt.Text))
        assert "PyTorch" not in words
    finally:
        plt.close(fig)


def test_arrows_left_along_a_path_are_few_and_spread_out():
    from gdviz.internals import internals as derive
    from gdviz.lessons.inside import rolling
    from gdviz.render.figures.inside import shown_updates

    runs = rolling()
    mo = runs.of("momentum")
    window = np.array([[-5.0, 1.5], [-2.5, 2.0]])
    kept = shown_updates(derive(mo), window, most=6, points=mo.params, apart=0.1)
    assert 3 <= len(kept) <= 6 and kept[0] == 0
    starts = mo.params[kept]
    gaps = np.linalg.norm(starts[:, None] - starts[None], axis=2) + np.eye(len(kept)) * 1e9
    assert gaps.min() >= 0.1 * 6.5   # a tenth of the window's span between any two
