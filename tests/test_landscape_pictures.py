"""Pictures of loss landscapes (gdviz.render.figures.landscape, gdviz.lessons.landscape): the
lessons' claims hold, the figures name their axes and read in both languages with nothing
overlapping, a non-finite grid is masked and said, the path GIF reads back whole."""
import numpy as np
import pytest
from matplotlib.text import Text
from overlap import overlaps
from PIL import Image

from gdviz import lessons, style
from gdviz.errors import UserInputError
from gdviz.landscapes.result import Landscape
from gdviz.lessons.runs import Runs
from gdviz.render import figures
from gdviz.render.figures.landscape import (
    axis_label,
    draw_landscape,
    landscape_figure,
    loss_levels,
    nice_ticks,
    save_landscape_gif,
)
from gdviz.render.mpl import new_figure, rc
from gdviz.render.series import series_label
from gdviz.style import fmt_number
from gdviz.trajectory import Trajectory

KEYS, ENDS = ["gd", "momentum", "adam"], [(0.25, -0.15), (0.35, -0.25), (0.3, -0.2)]
SUB = {"en": "a hand-made plane", "zh": "手工构造的平面"}


def bowl(x, y):
    """A bowl with a ripple, from about 0.02 to 5 on [-1, 1]^2."""
    return 0.01 + (x - 0.3) ** 2 + 2 * (y + 0.2) ** 2 + 0.2 * np.sin(3 * x) ** 2


def plane(kind="pca", n=31, blank=False):
    x = y = np.linspace(-1.0, 1.0, n)
    loss = bowl(*np.meshgrid(x, y))
    if blank:
        loss[:6, :8] = np.inf          # 48 of 961 points: 5% of the plane overflows
    return Landscape(loss, x, y, (None, None), [], kind,
                     explained=np.array([0.873, 0.0812]) if kind == "pca" else None,
                     eigenvalues=np.array([12.4, 3.1]) if kind == "hessian" else None)


def path(end, name, n=40):
    t = np.linspace(0, 1, n + 1)[:, None]
    p = np.array([-0.8, 0.8]) + (np.array(end) - [-0.8, 0.8]) * (1 - (1 - t) ** 3)
    return Trajectory(p, bowl(p[:, 0], p[:, 1]), np.zeros_like(p), None, "max_steps", n, optimizer=name)


def paths_runs(**kw):
    trajs = [path(e, k) for e, k in zip(ENDS, KEYS)]
    return Runs(None, trajs, KEYS, info={"landscape": plane(**kw), "sub": SUB})


def line(loss):
    a = np.linspace(-0.5, 1.5, len(loss))
    return Landscape(np.asarray(loss, float), a, None, (None,), [], "interpolation")


@pytest.mark.parametrize("kind, en, zh", [
    ("random", "filter-normalized random direction 1", "滤波器归一化的随机方向 1"),
    ("pca", "PC1 (87.3% of the paths' variance)", "主成分 1（占路径方差的 87.3%）"),
    ("hessian", "Hessian eigenvector 1 (λ = 12.4)", "Hessian 特征向量 1（λ = 12.4）"),
])
def test_axes_are_named_after_the_directions(kind, en, zh):
    land = plane(kind)
    assert axis_label(land, 1, "en") == en and axis_label(land, 1, "zh") == zh
    assert axis_label(plane("pca"), 2, "en") == "PC2 (8.1% of the paths' variance)"


def test_levels_are_log_spaced_and_the_colour_bar_reads_in_loss_units():
    z = plane(blank=True).loss
    lv = loss_levels(np.ma.masked_invalid(z))
    finite = z[np.isfinite(z)]
    assert (lv[0], lv[-1]) == (finite.min(), pytest.approx(finite.max())) and len(lv) == 15
    assert np.allclose(np.diff(np.log(lv)), np.log(lv[1] / lv[0]))
    assert nice_ticks(0.03, 4.2) == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
    with rc("en"):
        fig = new_figure(700, 560)
        ax = fig.add_subplot()
        draw_landscape(ax, plane(), lang="en")
        fig.canvas.draw()
    bar = fig.axes[1]
    labels = [t.get_text() for t in bar.get_yticklabels()]
    assert labels == [fmt_number(v) for v in nice_ticks(*bar.get_ylim())] and len(labels) >= 3
    assert all(set(t) <= set("0123456789.") for t in labels)        # plain numbers, no 1e-2 or 10^x
    assert bar.get_ylabel() == "loss (log scale)"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind, runs", [
    ("landscape-paths", lambda: paths_runs()),
    ("landscape-random", lambda: Runs(None, [], [], info={"landscape": plane("random"), "sub": SUB})),
    ("landscape-interpolation", lambda: Runs(None, [], [], info={
        "landscape": line(np.r_[np.linspace(3, 0.5, 30), np.linspace(0.6, 0.1, 11), np.linspace(0.1, 2, 10)]),
        "sub": SUB})),
])
def test_figures_read_in_both_languages_with_nothing_overlapping(kind, runs, lang):
    with rc(lang):
        fig = figures.figure(kind, runs=runs(), lang=lang)
        assert overlaps(fig) == []
    text = "\n".join(t.get_text() for t in fig.findobj(Text))
    assert SUB[lang] in text
    if kind == "landscape-paths":
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend[:3] == [f"{style.optimizer_name(k, lang)}{style.colon(lang)}{style.label('loss', lang)} "
                              f"{style.readout(bowl(*end))}" for k, end in zip(KEYS, ENDS)]
        assert style.label("landscape lowest", lang) in legend


def test_the_interpolation_marks_where_the_loss_rises():
    bump = line(np.r_[np.linspace(3, 0.5, 20), [0.8, 1.0], np.linspace(0.6, 0.1, 19), np.linspace(0.1, 2, 10)])
    fig = figures.figure("landscape-interpolation", runs=Runs(None, [], [], info={"landscape": bump, "sub": SUB}))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["loss", style.label("landscape rises", "en")]
    red = [ln for ln in fig.axes[0].lines if ln.get_color() == style.DIVERGED]
    assert len(red) == 2 and red[0].get_xdata()[0] == pytest.approx(bump.x[19])   # 0.5 -> 0.8 -> 1.0
    flat = line(np.linspace(3, 0.1, 51))
    fig = figures.figure("landscape-interpolation", runs=Runs(None, [], [], info={"landscape": flat, "sub": SUB}))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["loss"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_non_finite_grid_is_masked_and_said(lang):
    runs = paths_runs(blank=True)
    with rc(lang):
        fig = figures.figure("landscape-paths", runs=runs, lang=lang)
        assert overlaps(fig) == []
    note = style.label("blank: overflows", lang).format(share="5%")
    assert [t.get_text() for t in fig.axes[0].texts if t.get_text() == note] == [note]
    assert not np.isfinite(runs.info["landscape"].loss).all()     # the figure left the landscape as it was


def test_the_path_gif_reads_back_whole(tmp_path):
    out = save_landscape_gif(paths_runs(), tmp_path / "paths.gif", lang="zh", frames=12, fps=10, size=(520, 420),
                             hold=1.0)
    with Image.open(out) as im:
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
        assert im.n_frames == 12 and im.size == (520, 420)
        im.seek(0)
        first = np.asarray(im.convert("RGB"), dtype=int)
        im.seek(11)
        last = np.asarray(im.convert("RGB"), dtype=int)
    assert durations == [100] * 11 + [1100]
    assert (np.abs(first - last).sum(-1) > 60).sum() > 500            # the paths have been drawn
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paths.gif"]
    with pytest.raises(UserInputError, match="^a landscape GIF draws paths on a plane"):
        save_landscape_gif(Runs(None, [], [], info={"landscape": plane()}), tmp_path / "none.gif")


@pytest.fixture(scope="module")
def built():
    return {name: lessons.build(name) for name in ("landscape-random", "landscape-paths", "landscape-interpolation",
                                                    "landscape-hessian")}


def test_every_landscape_lesson_states_claims_that_hold(built):
    for name, runs in built.items():
        assert runs.claims, name
        assert not [c.failure() for c in runs.claims if not c.holds]


def test_the_paths_are_projected_onto_one_plane(built):
    runs = built["landscape-paths"]
    land = runs.info["landscape"]
    assert runs.series == ["gd", "momentum", "adam"] and land.kind == "pca"
    assert all(t.params.shape[1] == 2 for t in runs.trajectories)
    assert len({tuple(t.params[0].round(12)) for t in runs.trajectories}) == 1     # one start
    explained = next(c for c in runs.claims if c.key == "pca-explains").numbers["explained"]
    assert explained == pytest.approx(float(np.sum(land.explained)))


@pytest.mark.parametrize("build_runs, key", [
    (lambda: lessons.landscape_random(span=0.05), "basin"),            # a window too small to see the walls
    (lambda: lessons.landscape_random(steps=20), "center-lowest"),     # weights not trained yet: on a slope
    (lambda: lessons.landscape_paths(steps=40), "ends-lowest"),        # paths stopped half way down
])
def test_a_misleading_landscape_fails_its_claim(build_runs, key):
    claim = next(c for c in build_runs().claims if c.key == key)
    assert not claim.holds and claim.failure().startswith('"')


def test_the_captions_state_the_measured_numbers(built):
    from gdviz.gallery import load

    entries = {e.name: e for e in load().entries}
    numbers = {c.key: c.numbers for runs in built.values() for c in runs.claims}
    expect = {
        "landscape-random": [f"{numbers['basin']['rise']:.1f}", f"{numbers['center-lowest']['center']:.3g}"],
        "landscape-paths": [f"{100 * numbers['pca-explains']['explained']:.1f}%",
                            *[f"{100 * r:.0f}%" for r in numbers["ends-lowest"]["ranks"]],
                            *[f"{e:.3g}" for e in numbers["ends-lowest"]["ends"][1:]]],
        "landscape-hessian": [*[f"{v:.3g}" for v in numbers["curvature-is-eigenvalue"]["curvature"]],
                              *[f"{v:.3g}" for v in numbers["curvature-is-eigenvalue"]["eigenvalues"]],
                              f"{numbers['sharper']['ratio']:.1f}"],
        "landscape-interpolation": [f"{numbers['monotone']['start']:.3g}", f"{numbers['monotone']['end']:.3g}",
                                    *[f"{100 * a:.1f}%" for a in numbers["monotone"]["accuracy"]]],
    }
    for name, wanted in expect.items():
        for lang in ("en", "zh"):
            caption = entries[name].text("caption", lang)
            assert [w for w in wanted if w not in caption] == [], (name, lang)


def test_every_text_stays_inside_the_figure(built):
    """Titles, subtitles and legends of the gallery's pictures are not cut off at the figure's edge."""
    for name, runs in built.items():
        for lang in ("en", "zh"):
            with rc(lang):
                fig = figures.figure(name, runs=runs, lang=lang)
                fig.canvas.draw()
                out = inside_figure(fig)
            assert out == [], (name, lang)


def test_the_hessian_slices_share_their_levels_and_show_the_eigenvalue(built):
    runs = built["landscape-hessian"]
    fig = figures.figure("landscape-hessian", runs=runs)
    panels = [ax for ax in fig.axes if ax.get_xlabel().startswith("Hessian eigenvector 1")]
    assert [ax.get_xlabel() for ax in panels] == [f"Hessian eigenvector 1 (λ = {land.eigenvalues[0]:.3g})"
                                                  for land in runs.info["landscapes"]]
    levels = [tuple(ax.collections[0].levels) for ax in panels]
    assert len(panels) == 2 and levels[0] == levels[1]          # one scale: sharp and flat compare


def test_a_gallery_gif_of_a_landscape_needs_paths():
    from gdviz.gallery import load

    with pytest.raises(ValueError, match=r"^<spec>:4: entry 'x': unknown lesson 'landscape-random'; accepted: .*"
                                         r"landscape-paths$"):
        load(text='[[entry]]\nname = "x"\nkind = "gif"\nlesson = "landscape-random"\n')


def test_a_line_is_not_drawn_as_a_plane_nor_a_plane_as_a_line():
    from gdviz.render.figures.landscape import draw_interpolation

    ax = new_figure(400, 300).add_subplot()
    with pytest.raises(UserInputError, match=r"^this drawing needs a plane \(2-D\) landscape; this one is a line "
                                             r"\(1-D\): use draw_interpolation$"):
        draw_landscape(ax, line(np.linspace(2, 1, 11)))
    with pytest.raises(UserInputError, match=r"^this drawing needs a line \(1-D\) landscape; this one is a plane "
                                             r"\(2-D\): use draw_landscape$"):
        draw_interpolation(ax, plane())


def inside_figure(fig) -> list[str]:
    """Titles, subtitles, legend texts and axis labels of a drawn ``fig`` that reach past its edge."""
    renderer = fig.canvas.get_renderer()
    texts = [*fig.texts, *[t for leg in fig.legends for t in leg.get_texts()],
             *[a.xaxis.label for a in fig.axes], *[a.yaxis.label for a in fig.axes]]
    return [t.get_text() for t in texts if t.get_visible() and t.get_text().strip()
            and not (fig.bbox.contains(*t.get_window_extent(renderer).p0)
                     and fig.bbox.contains(*t.get_window_extent(renderer).p1))]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["contour", "surface", "both", "interpolation"])
def test_any_landscape_draws_as_each_kind(kind, lang):
    long = {"en": "a subtitle long enough to need two lines: " + "the plane of all three paths, " * 5,
            "zh": "需要两行的长副标题：" + "三条路径合在一起的平面，" * 8}
    runs = (Runs(None, [], [], info={"landscape": line(np.linspace(3, 0.1, 41)), "sub": long})
            if kind == "interpolation" else paths_runs())
    runs.info["sub"] = long
    with rc(lang):
        fig = landscape_figure(runs, kind=kind, lang=lang)
        assert overlaps(fig) == [] and inside_figure(fig) == []
    heading = fig._suptitle.get_text()
    assert [t.get_text().count("\n") for t in fig.texts if t.get_text().startswith(long[lang][:6])] == [1]
    assert heading == style.label("landscape interpolation title" if kind == "interpolation" else "landscape title",
                                  lang)
    with pytest.raises(UserInputError, match=r"^unknown landscape figure kind 'map'"):
        landscape_figure(runs, kind="map")


def test_a_landscape_and_its_training_paths_draw_directly(tmp_path):
    """What a user writes: gd.train, gd.landscape, then the figure and the GIF from the Landscape
    and the raw training paths (projected by the drawing, named by their optimizers)."""
    import gdviz as gd
    from gdviz import render

    model = gd.mlp([2, 6, 1], seed=0)
    trajs = [gd.train(model, None, "moons", gd.optimizer(name, lr=lr), steps=40)
             for name, lr in (("gd", 0.5), ("adam", 0.05))]
    land = gd.landscape(model, None, "moons", directions="pca", path=trajs, grid=9)
    fig = render.landscape_figure(land, trajs, kind="contour", lang="zh")
    labels = {t.get_text() for t in fig.findobj(Text)}
    assert {series_label("gd", "zh"), "Adam"} <= {lab.split("：")[0] for lab in labels}
    lines = [ln for ax in fig.axes for ln in ax.get_lines() if len(ln.get_xdata()) == 41]
    np.testing.assert_allclose(lines[0].get_xydata(), land.project(trajs[0]).params)
    out = render.save_landscape_gif(land, tmp_path / "p.gif", paths=trajs, frames=6, size=(520, 420))
    assert Image.open(out).n_frames == 6
    with pytest.raises(UserInputError, match="1-D landscape"):
        render.landscape_figure(gd.interpolate(model, None, "moons", trajs[0], points=5), trajs)


EVIDENCE = """
from gdviz.lessons import landscape as L
for f in (L.landscape_random, L.landscape_paths, L.landscape_hessian, L.landscape_interpolation):
    for c in f().claims:
        print(f.__name__, c.key, c.holds, c.evidence["en"], c.evidence["zh"])
"""


def test_claims_and_their_numbers_are_the_same_under_other_cpu_kernels():
    """A network's training runs through BLAS matrix products, whose last bits depend on the CPU's
    kernel (OPENBLAS_CORETYPE forces one; NPY_DISABLE_CPU_FEATURES turns numpy's AVX2 off): the
    paths may differ in the last bits, but what the pictures say (each claim, whether it holds,
    and the numbers printed in it) must read the same under each."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent

    def evidence(**env):
        r = subprocess.run([sys.executable, "-c", EVIDENCE], capture_output=True, text=True, cwd=root,
                           env={**os.environ, "PYTHONPATH": str(root), **env}, timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        return r.stdout

    plain = evidence()
    assert plain.count(" True ") == 8
    for env in ({"OPENBLAS_CORETYPE": "Prescott"}, {"NPY_DISABLE_CPU_FEATURES": "X86_V3"}):
        assert evidence(**env) == plain, env


def test_the_center_is_named_for_what_it_is(built):
    """The ✕'s label says what the center is: the lesson's trained weights, the end of the first
    path drawn that ends there, or the model's own weights (gd.train leaves the model as it was, so
    a plane around gd.mlp's weights is around the initial ones: not "trained weights")."""
    import gdviz as gd
    from gdviz.render.figures.landscape import center_key

    def center_text(fig):
        return [t.get_text() for t in fig.legends[0].get_texts() if "(the center)" in t.get_text()]

    assert center_text(figures.figure("landscape-random", runs=built["landscape-random"])) == [
        "trained weights (the center)"]
    assert center_text(figures.figure("landscape-paths", runs=built["landscape-paths"])) == [
        "end of the first path (the center)"]
    model = gd.mlp([2, 4, 1], seed=0)
    trajs = [gd.train(model, None, "moons", gd.optimizer("gd", lr=0.5), steps=10)]
    around_model = gd.landscape(model, None, "moons", grid=5)
    assert center_key(around_model, [around_model.project(trajs[0])]) == "landscape center start"
    assert center_key(around_model) == "landscape center model"
    elsewhere = gd.landscape(model, None, "moons", grid=5, center=trajs[0].params[5])
    assert center_key(elsewhere, [elsewhere.project(trajs[0])]) == "landscape center"


def test_the_interpolation_labels_stay_inside_when_alpha_ends_at_1():
    """α from 0 to 1 (gdviz landscape --kind interpolation --span=0,1): the "trained" label at the
    right edge turned outward and was cut off; it turns inward now."""
    import gdviz as gd

    model = gd.mlp([2, 4, 1], seed=0)
    t = gd.train(model, None, "moons", gd.optimizer("gd", lr=0.5), steps=10)
    line = gd.interpolate(model, None, "moons", t, points=11, span=(0.0, 1.0))
    for lang in ("en", "zh"):
        with rc(lang):
            fig = landscape_figure(line, kind="interpolation", lang=lang)
            fig.canvas.draw()
            assert inside_figure(fig) == [], lang
            box = fig.axes[0].get_window_extent()
            notes = [t for t in fig.axes[0].texts if t.get_text()]
            assert len(notes) == 2
            for t in notes:           # the "initial" and "trained" read-outs inside the plot
                extent = t.get_window_extent(fig.canvas.get_renderer())
                assert box.x0 <= extent.x0 and extent.x1 <= box.x1, (lang, t.get_text())


def test_the_gif_names_the_center_as_the_figure_does(built, tmp_path, monkeypatch):
    """The GIF draws its background without the paths (they move frame by frame); its ✕ is still
    named from them: the end of the first path, as in the figure (it said just "the center")."""
    from gdviz.render.figures import landscape as module

    labels, draw = [], module.draw_landscape

    def recording(*args, **kwargs):
        handles = draw(*args, **kwargs)
        labels.extend(h.get_label() for h in handles)
        return handles

    monkeypatch.setattr(module, "draw_landscape", recording)
    save_landscape_gif(built["landscape-paths"], tmp_path / "p.gif", frames=4, size=(520, 420))
    assert "end of the first path (the center)" in labels
