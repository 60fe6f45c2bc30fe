"""The shape-of-the-loss figures (gdviz/render/figures/shape.py): each renders in both languages
at its size, draws what its runs hold (read back from the artists), keeps every label on the
canvas and its legends off the data, and makes claims that hold."""
import re
import warnings

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text
from PIL import Image

from gdviz import lessons, style
from gdviz.errors import UserInputError
from gdviz.render import figures, mpl
from gdviz.render.figures import shape

KINDS = ["surfaces-3d", "error-surface", "gradient-vector", "taylor", "adagrad-intuition"]


def by_gid(fig, gid, kind=None):
    """The artists of the figure whose gid is ``gid`` (optionally of one type)."""
    found = [a for a in fig.findobj(lambda a: a.get_gid() == gid) if kind is None or isinstance(a, kind)]
    assert found, f"nothing drawn with gid {gid!r}"
    return found


def one(fig, gid, kind=None):
    found = by_gid(fig, gid, kind)
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def arrow_ends(annotation):
    """(tail, head) of an arrow drawn as an annotation in data coordinates."""
    return np.asarray(annotation.xyann, float), np.asarray(annotation.xy, float)


def extent(text, renderer):
    """The text's box on the canvas; a 3-D text (``ax.text(x, y, z, ...)``) at its projection."""
    from mpl_toolkits.mplot3d import art3d, proj3d

    if not isinstance(text, art3d.Text3D):
        return text.get_window_extent(renderer)
    saved = text.get_position()
    x, y, _ = proj3d.proj_transform(text._x, text._y, text._z, text.axes.get_proj())
    text.set_position((x, y))
    try:
        return text.get_window_extent(renderer)
    finally:
        text.set_position(saved)


# -- every kind ----------------------------------------------------------------------------------
def test_kinds_are_registered_with_their_lessons():
    for kind in KINDS:
        lesson, draw, size, text = figures.FIGURES[kind]
        assert lesson in lessons.BUILDERS and callable(draw) and text
        assert shape.KINDS[kind][0] == lesson


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_renders_at_its_size_with_claims_that_hold(kind, lang, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.figure(kind, lang=lang)
        out = figures.save(fig, tmp_path / f"{kind}-{lang}.png")
    with Image.open(out) as im:
        assert im.size == figures.FIGURES[kind][2]
    assert fig.gdviz_claims and all(c.holds for c in fig.gdviz_claims), [c.failure() for c in fig.gdviz_claims
                                                                           if not c.holds]
    if lang == "zh" and mpl.cjk_available():
        assert not [w for w in caught if "missing from font" in str(w.message) or "glyph" in str(w.message)]


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_figures_have_no_english_words(kind):
    """Every text of the Chinese figure is Chinese: no label left untranslated (formulas, variable
    names, numbers and the optimizer name Adagrad aside)."""
    fig = figures.figure(kind, lang="zh")
    fig.canvas.draw()
    allowed = {"Adagrad", "Himmelblau", "MSE", "L2", "p", "r", "w", "b", "x", "y", "g", "L", "a", "c", "d"}
    for t in fig.findobj(Text):
        s = t.get_text()
        if not s or s.startswith("$"):
            continue
        words = set(re.findall(r"[A-Za-z]{2,}", s)) - allowed
        assert not words, f"{kind}: English in the Chinese figure: {s!r}"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_label_is_on_the_canvas(kind, lang):
    fig = figures.figure(kind, lang=lang)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    ticks = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis, getattr(ax, "zaxis", None)) if axis
             for tick in axis.get_major_ticks() + axis.get_minor_ticks() for label in (tick.label1, tick.label2)}
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in ticks:  # matplotlib places ticks
            continue
        box = extent(t, renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, \
            f"{kind} ({lang}): {t.get_text()!r} is clipped at {box}"


def test_title_and_subtitle_do_not_run_into_the_formula():
    for kind in KINDS:
        for lang in ("en", "zh"):
            fig = figures.figure(kind, lang=lang)
            fig.canvas.draw()
            r = fig.canvas.get_renderer()
            texts = [t for t in fig.texts if t.get_text()]
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    assert not a.get_window_extent(r).overlaps(b.get_window_extent(r)), \
                        f"{kind} ({lang}): {a.get_text()!r} overlaps {b.get_text()!r}"


# -- what each picture draws, read back ---------------------------------------------------------
@pytest.mark.parametrize("points", [None, ((2.0, -0.4),), ((-3.0, 0.3), (1.5, 0.6))])
def test_gradient_arrow_is_the_gradient_at_the_drawn_scale(points):
    runs = lessons.gradient_vector() if points is None else lessons.gradient_vector(points=points)
    s = runs.surface
    p = np.asarray(runs.info["points"][0])
    g = s.grad(p)
    fig = figures.figure("gradient-vector", runs=runs)
    k = float(re.search(r"([\d.]+) ×", one(fig, "scale-note").get_text()).group(1))
    tail, head = arrow_ends(one(fig, "gradient"))
    np.testing.assert_allclose(tail, p)
    np.testing.assert_allclose(head - tail, k * g)
    tail, head = arrow_ends(one(fig, "negative-gradient"))
    np.testing.assert_allclose(head - tail, -k * g)
    # the two partial derivatives are the legs of the right angle under the arrow
    lx, ly = one(fig, "leg-x", Line2D), one(fig, "leg-y", Line2D)
    np.testing.assert_allclose(np.diff(lx.get_xdata()), [k * g[0]])
    np.testing.assert_allclose(np.diff(lx.get_ydata()), [0], atol=1e-12)
    np.testing.assert_allclose(np.diff(ly.get_ydata()), [k * g[1]])
    np.testing.assert_allclose(np.diff(ly.get_xdata()), [0], atol=1e-12)
    labels = " ".join(t.get_text() for t in fig.findobj(Text))
    assert f"∂L/∂x = {style.fmt_number(g[0]).replace('-', '−')}" in labels
    assert f"∂L/∂y = {style.fmt_number(g[1]).replace('-', '−')}" in labels
    # the contour's tangent is perpendicular to the gradient
    t = one(fig, "tangent", Line2D)
    d = np.array([np.ptp(t.get_xdata()) * np.sign(np.diff(t.get_xdata())[0]), np.diff(t.get_ydata())[0]])
    assert abs(d @ g) < 1e-9 * np.linalg.norm(d) * np.linalg.norm(g)
    # the angle written is the claim's
    miss = next(c for c in runs.claims if c.key == "not-at-minimum").numbers["degrees"]
    assert one(fig, "angle").get_text() == f"{miss:.0f}°"
    # and the arrows fit in the picture, as does the minimum
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for q in (p + k * g, p - k * g, s.minima[0]):
        assert x0 < q[0] < x1 and y0 < q[1] < y1


def test_gradient_figure_keeps_round_round():
    fig = figures.figure("gradient-vector")
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0


def test_taylor_marks_each_circles_true_lowest_point():
    runs = lessons.taylor()
    fig = figures.figure("taylor", runs=runs)
    p, g = runs.info["point"], runs.info["grad"]
    down = -g / np.linalg.norm(g)
    for i, c in enumerate(runs.info["circles"]):
        low = one(fig, f"lowest-{i}", Line2D)
        np.testing.assert_allclose(np.ravel(low.get_xydata()), c["lowest"])
        lin = one(fig, f"linear-{i}", Line2D)
        np.testing.assert_allclose(np.ravel(lin.get_xydata()), p + c["radius"] * down)
        circle = one(fig, f"circle-{i}", Circle)
        assert circle.get_radius() == c["radius"] and np.allclose(circle.center, p)
        # on the loss-around-the-circle panel the true lowest sits at the claim's angle from -grad L
        x = float(one(fig, f"curve-lowest-{i}", Line2D).get_xdata()[0])
        assert abs(abs(x) - c["angle"]) < 0.01
    large = runs.info["circles"][-1]
    assert one(fig, "angle").get_text() == f"{large['angle']:.0f}°"
    assert fig.axes[0].get_aspect() == 1.0


def test_taylor_on_another_point_and_surface():
    runs = lessons.taylor("rosenbrock", point=(-1.0, 0.5), radii=(0.1, 1.0))
    fig = figures.figure("taylor", runs=runs)
    for i, c in enumerate(runs.info["circles"]):
        np.testing.assert_allclose(np.ravel(one(fig, f"lowest-{i}", Line2D).get_xydata()), c["lowest"])


def test_adagrad_best_steps_land_on_the_minimum_and_roots_are_the_runs():
    runs = lessons.adagrad_intuition()
    fig = figures.figure("adagrad-intuition", runs=runs)
    for i, q in enumerate(runs.info["points"]):
        tail, head = arrow_ends(one(fig, f"best-{i}"))
        c = q["curvature"]
        np.testing.assert_allclose(tail, [q["w"], 0.5 * c * q["w"] ** 2])
        assert head[0] == pytest.approx(0.0, abs=1e-12)          # the minimum
        assert abs(head[0] - tail[0]) == pytest.approx(q["best"])  # the step |g'| / g''
        np.testing.assert_allclose(np.ravel(one(fig, f"point-{i}", Line2D).get_xydata()), tail)
    for j, r in enumerate(runs.info["root"]):
        assert one(fig, f"root-{j}", Line2D).get_ydata()[-1] == pytest.approx(r)
    # the steeper curve's line ends higher, as the claim says
    assert one(fig, "root-1", Line2D).get_ydata()[-1] > one(fig, "root-0", Line2D).get_ydata()[-1]


def test_adagrad_legend_covers_no_point():
    fig = figures.figure("adagrad-intuition")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        box = leg.get_window_extent(r)
        for line in ax.lines:
            if line.get_gid() and line.get_gid().startswith("point-"):
                xy = ax.transData.transform(line.get_xydata())
                assert not any(box.contains(*q) for q in xy)


def test_error_surface_draws_the_run_down_to_its_minimum():
    runs = lessons.error_surface()
    t, s = runs.trajectories[0], runs.surface
    fig = figures.figure("error-surface", runs=runs)
    xs, ys, zs = one(fig, "path-3d").get_data_3d()
    np.testing.assert_allclose(np.c_[xs, ys], t.params)
    lift = zs - s.value(t.params)
    assert np.all(lift > 0) and np.ptp(lift) < 1e-9 * max(1.0, lift.max())  # on the surface, just above
    flat = [ln for ln in fig.axes[1].lines if len(ln.get_xdata()) == len(t.params)]
    assert any(np.allclose(ln.get_xydata(), t.params) for ln in flat)
    np.testing.assert_allclose(t.params[-1], s.minima[0], atol=1e-3)
    legend = " ".join(x.get_text() for x in fig.axes[1].get_legend().get_texts())
    assert f"{t.n_steps} steps" in legend
    assert fig.axes[1].get_aspect() == 1.0


def test_surfaces_3d_marks_every_minimum_and_the_global_one():
    runs = lessons.surfaces_3d()
    fig = figures.figure("surfaces-3d", runs=runs)
    ax_bowl, ax_egg = fig.axes[:2]
    for ax, s, count in zip((ax_bowl, ax_egg), runs.surfaces, runs.info["minima"]):
        star = [c for c in ax.collections if c.get_gid() == "global-minimum"]
        assert len(star) == 1
        x, y, _ = star[0]._offsets3d
        np.testing.assert_allclose([x[0], y[0]], s.minima[0])
        local = [c for c in ax.collections if c.get_gid() == "local-minima"]
        shown = len(local[0]._offsets3d[0]) if local else 0
        assert shown + 1 == count == len(s.minima)
        assert str(count) in ax.get_title() or count == 1
    assert runs.info["minima"][0] == 1 and runs.info["minima"][1] > 1


# -- lessons --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_every_claim_of_the_default_lesson_holds(kind):
    runs = lessons.build(figures.FIGURES[kind][0])
    assert runs.claims and all(c.holds for c in runs.claims), [c.failure() for c in runs.claims if not c.holds]


@pytest.mark.parametrize("builder", [lessons.gradient_vector, lessons.taylor])
def test_one_dimensional_surfaces_are_refused_clearly(builder):
    with pytest.raises(UserInputError, match="2-D"):
        builder("parabola")


def test_cli_plots_a_shape_figure(tmp_path, capsys):
    from gdviz.cli import main

    out = tmp_path / "t.png"
    assert main(["plot", "taylor", "-o", str(out)]) == 0
    with Image.open(out) as im:
        assert im.size == figures.FIGURES["taylor"][2]
    out = tmp_path / "e.png"
    assert main(["plot", "error-surface", "--lr", "0.1", "--lang", "zh", "-o", str(out)]) == 0
    assert out.exists()
    assert main(["plot", "surfaces-3d", "--lr", "0.1", "-o", str(tmp_path / "x.png")]) == 2
    capsys.readouterr()
