"""The figures of the course's worked examples (gdviz.render.figures.practice): each renders in
English and Chinese, draws the numbers of its runs, keeps its texts inside the picture and its
legends off the data, and its lesson's claims hold."""
import re
import warnings

import numpy as np
import pytest
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from gdviz import lessons, style
from gdviz.render import figures, mpl
from gdviz.render.figures import practice

KINDS = ["lr-decay", "playground", "sgd-epoch", "fit-line", "cross-entropy"]


@pytest.fixture(scope="module")
def drawn():
    """Each kind drawn once per language (with its runs), and rendered so extents are known."""
    out = {}
    for kind in KINDS:
        runs = figures.runs_for(kind)
        for lang in ("en", "zh"):
            fig = figures.figure(kind, lang=lang, runs=runs)
            with mpl.rc(lang):
                fig.canvas.draw()
            out[kind, lang] = (fig, runs)
    return out


def by_gid(fig, gid):
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


# -- registry, sizes, languages ------------------------------------------------------------------
def test_kinds_are_registered_with_their_lessons():
    for kind in KINDS:
        lesson, draw, size, desc = figures.FIGURES[kind]
        assert figures.FIGURES[kind] is practice.KINDS[kind]
        assert lesson in lessons.BUILDERS and lesson == kind
        assert callable(draw) and len(size) == 2 and desc


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_renders_png_of_its_size(kind, lang, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = figures.save(figures.figure(kind, lang=lang), tmp_path / f"{kind}-{lang}.png")
    with Image.open(out) as im:
        assert im.size == figures.FIGURES[kind][2]
        assert len(np.unique(np.asarray(im.convert("L")))) > 20     # not a blank picture
    assert not [w for w in caught if "missing from font" in str(w.message)]


@pytest.mark.parametrize("kind", KINDS)
def test_every_claim_of_the_default_lesson_holds(kind):
    runs = figures.runs_for(kind)
    assert runs.claims, f"{kind} makes no claim"
    assert all(c.holds for c in runs.claims), [c.failure() for c in runs.claims if not c.holds]
    assert figures.figure(kind).gdviz_claims == runs.claims


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_figure_has_no_english_words(kind, drawn):
    fig, _ = drawn[kind, "zh"]
    allowed = {"log", "playground"}            # the formula's log, the tool's name
    for s in texts(fig):
        if s.startswith("$"):
            continue
        words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", s)}
        assert words <= allowed, (s, words - allowed)
    assert any(re.search(r"[\u4e00-\u9fff]", s) for s in texts(fig))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_texts_inside_the_picture_and_legends_off_the_data(kind, lang, drawn):
    fig, _ = drawn[kind, lang]
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    undrawn = set()                     # labels of ticks outside the view, which matplotlib skips
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo):
                    undrawn |= {id(tick.label1), id(tick.label2)}
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in undrawn:
            continue
        e = t.get_window_extent(renderer)
        assert e.x0 >= -1 and e.y0 >= -1 and e.x1 <= W + 1 and e.y1 <= H + 1, f"clipped: {t.get_text()!r}"
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None or not ax.get_visible() or not ax.axison:
            continue
        box = leg.get_window_extent(renderer)
        for line in ax.get_lines():
            xy = np.column_stack(line.get_data()).astype(float)
            if not len(xy) or line.get_gid() == "limit":
                continue
            pts = ax.transData.transform(xy[np.all(np.isfinite(xy), 1)])
            inside = (pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)
            assert not inside.any(), f"the legend of '{ax.get_title()}' covers {line.get_label()!r}"


def test_new_labels_are_bilingual():
    keys = [k for k in style.LABELS if k.split()[0] in ("pg", "sgd", "fit", "ce") or k.startswith("lr decay")]
    assert len(keys) > 40
    for k in keys:
        en, zh = style.LABELS[k]
        assert en and zh and en != zh
        assert re.search(r"[\u4e00-\u9fff]", zh), k
        assert set(re.findall(r"\{(\w+)\}", zh)) <= set(re.findall(r"\{(\w+)\}", en)) | {"s"}, k


# -- what is drawn is read from the runs ---------------------------------------------------------
def test_lr_decay_draws_the_schedule_and_both_runs(drawn):
    fig, runs = drawn["lr-decay", "en"]
    const, decay = runs.of("constant rate"), runs.of("decaying rate")
    eta, L = runs.rates[0], runs.info["L"]
    (taken,) = by_gid(fig, "rate-taken")
    np.testing.assert_allclose(taken.get_ydata(), decay.lr)
    np.testing.assert_allclose(taken.get_ydata(), eta / np.sqrt(np.arange(decay.n_steps) + 1))
    (constant,) = by_gid(fig, "rate-constant")
    np.testing.assert_allclose(constant.get_ydata(), eta)
    (limit,) = by_gid(fig, "limit")
    np.testing.assert_allclose(limit.get_ydata(), 2 / L)
    assert const.status == "diverged" and decay.status == "converged"
    all_text = " ".join(texts(fig))
    assert "diverged" in all_text and f"{decay.n_steps} steps" in all_text
    # every point of the decaying run is on its panel (its loss curve, the steps scattered)
    ax = fig.axes[1]
    offsets = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    for w, z in zip(decay.params[:, 0], decay.loss):
        assert np.min(np.hypot(offsets[:, 0] - w, offsets[:, 1] - z)) < 1e-9
    lo, hi = ax.get_xlim()
    assert lo < decay.params[:, 0].min() and decay.params[:, 0].max() < hi


def test_playground_marks_and_strips_come_from_the_runs(drawn):
    fig, runs = drawn["playground", "en"]
    s = runs.surface
    marks = runs.info["marks"]
    assert marks == [10, 20]
    for t, lr in zip(runs.trajectories, runs.rates):
        for m in marks:
            (mark,) = by_gid(fig, f"mark {lr:g} {m}")
            assert mark.get_xdata()[0] == m and mark.get_ydata()[0] == pytest.approx(t.loss[m])
            assert f"{t.loss[m]:.3f}" in texts(fig)
            (strip,) = by_gid(fig, f"strip {lr:g} {m}")
            assert isinstance(strip, AxesImage)
            w, b = t.params[m]
            x0, x1 = strip.get_extent()[:2]
            assert x0 < s.x.min() and s.x.max() < x1
            p = np.asarray(strip.get_array())[0]
            xs = np.linspace(x0, x1, p.size)
            np.testing.assert_allclose(p, 1 / (1 + np.exp(-(w * xs + b))), atol=1e-12)
            boundary = by_gid(fig, f"boundary {lr:g} {m}")
            if x0 < -b / w < x1:
                assert boundary[0].get_xdata()[0] == pytest.approx(-b / w)
    # the claims' numbers are the marked ones
    more = next(c for c in runs.claims if c.key == "more-steps-no-better")
    high = runs.trajectories[0]
    assert f"{high.loss[10]:.3f}" in more.evidence["en"] and f"{high.loss[20]:.3f}" in more.evidence["en"]
    # Playground's colours: class 0 blue, class 1 orange, each dot at its x
    strip_ax = by_gid(fig, "strip 3 10")[0].axes
    dots = {tuple(np.round(c.get_facecolor()[0][:3], 3)): c.get_offsets()[:, 0] for c in strip_ax.collections}
    from matplotlib.colors import to_rgb
    np.testing.assert_allclose(np.sort(dots[tuple(np.round(to_rgb(practice.BLUE), 3))]), np.sort(s.x[s.y == 0]))
    np.testing.assert_allclose(np.sort(dots[tuple(np.round(to_rgb(practice.ORANGE), 3))]), np.sort(s.x[s.y == 1]))


def test_sgd_epoch_one_update_against_twenty(drawn):
    fig, runs = drawn["sgd-epoch", "en"]
    full, sgd = runs.of("full batch"), runs.of("stochastic")
    n = runs.info["n_samples"]
    assert (full.n_steps, sgd.n_steps, n) == (1, 20, 20)
    (gd_line,) = by_gid(fig, "sgd full legend")
    (sgd_line,) = by_gid(fig, "sgd sgd legend")
    np.testing.assert_allclose(gd_line.get_xdata(), [0, n])               # 1 update after all 20 examples
    np.testing.assert_allclose(gd_line.get_ydata(), full.loss)
    np.testing.assert_allclose(sgd_line.get_xdata(), np.arange(n + 1))     # an update per example
    np.testing.assert_allclose(sgd_line.get_ydata(), sgd.loss)
    (ups,) = by_gid(fig, "ups")
    rises = np.flatnonzero(np.diff(sgd.loss) > 0) + 1
    np.testing.assert_allclose(ups.get_xdata(), rises)
    noisy = next(c for c in runs.claims if c.key == "sgd-noisy")
    assert f"rises on {len(rises)} of 20" in noisy.evidence["en"]
    # both paths drawn on equal-aspect contour panels that show them and the minimum
    for ax, t in zip(fig.axes[:2], (full, sgd)):
        assert ax.get_aspect() == 1.0
        paths = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(t.params)]
        assert any(np.allclose(np.column_stack(ln.get_data()), t.params) for ln in paths)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        for px, py in np.vstack([t.params, runs.surface.minima[:1]]):
            assert x0 < px < x1 and y0 < py < y1


def test_fit_line_residuals_end_on_the_data_and_the_line(drawn):
    fig, runs = drawn["fit-line", "en"]
    t = runs.trajectories[0]
    x, y, slope, best = runs.info["x"], runs.info["y"], runs.info["slope"], runs.info["best"]
    for which, b in (("start", t.params[0, 0]), ("fit", t.params[-1, 0])):
        segs = by_gid(fig, f"residual {which}")
        assert len(segs) == len(x)
        for seg, xi, yi in zip(segs, x, y):
            xs, ys = seg.get_xdata(), seg.get_ydata()
            assert xs[0] == xs[1] and abs(xs[0] - xi) < 0.1              # vertical, at the point
            assert sorted(ys) == pytest.approx(sorted([slope * xi + b, yi]))
    assert t.params[-1, 0] == pytest.approx(best, abs=1e-3)
    (star,) = by_gid(fig, "least squares")
    assert star.get_xdata()[0] == best
    assert star.get_ydata()[0] == pytest.approx(np.sum((y - slope * x - best) ** 2))
    assert f"b = {best:.3f}" in " ".join(texts(fig))
    # the loss printed for each line is the sum of squared residuals, the loss curve's value
    all_text = " ".join(texts(fig))
    for b, loss in ((t.params[0, 0], t.loss[0]), (t.params[-1, 0], t.loss[-1])):
        assert f"Σr² = {np.sum((y - slope * x - b) ** 2):.3f}" in all_text
        assert np.sum((y - slope * x - b) ** 2) == pytest.approx(loss)


def test_cross_entropy_marks_the_claims_numbers(drawn):
    fig, runs = drawn["cross-entropy", "en"]
    p = runs.info["p"]
    (pts,) = by_gid(fig, "claim points")
    np.testing.assert_allclose(pts.get_xdata(), [p, p])
    np.testing.assert_allclose(sorted(pts.get_ydata()), [(1 - p) ** 2, -np.log(p)])
    (claim,) = runs.claims
    nums = re.findall(r"= (\d+\.\d+)", claim.evidence["en"])
    assert len(nums) == 2
    all_text = " ".join(texts(fig))
    for num in nums:
        assert num in all_text
    # -log p leaves the top of the picture (without bound); the squared error never passes 1
    ax = fig.axes[0]
    top = ax.get_ylim()[1]
    ce = next(ln for ln in ax.get_lines() if "−log p" in ln.get_label())
    sq = next(ln for ln in ax.get_lines() if "(1 − p)²" in ln.get_label())
    assert ce.get_ydata().max() > 0.8 * top and sq.get_ydata().max() <= 1


def test_a_legend_never_hides_the_data_check_can_fail():
    """The legend check above is not vacuous: a legend put over the data fails it."""
    fig = mpl.new_figure(400, 300)
    ax = fig.add_subplot()
    ax.plot(np.linspace(0, 1, 50), np.full(50, 0.5), label="data")
    ax.legend(loc="center")
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    pts = ax.transData.transform(np.column_stack(ax.get_lines()[0].get_data()))
    assert ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)).any()
    assert isinstance(ax.get_legend(), Legend) and isinstance(ax.get_lines()[0], Line2D)


def test_lr_decay_on_a_two_parameter_surface_is_a_clear_error():
    from gdviz.errors import UserInputError

    with pytest.raises(UserInputError, match="1-D"):
        figures.figure("lr-decay", surface="bowl")


def test_cli_plot_writes_each_kind(tmp_path):
    from click.testing import CliRunner

    from gdviz.cli import cli

    for kind in ("playground", "fit-line"):
        out = tmp_path / f"{kind}.png"
        res = CliRunner().invoke(cli, ["plot", kind, "--lang", "zh", "-o", str(out)])
        assert res.exit_code == 0, res.output
        with Image.open(out) as im:
            assert im.size == figures.FIGURES[kind][2]
