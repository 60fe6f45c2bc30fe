"""Pictures of the trainability map (gdviz.maps.zoom): the notebook's colours, the zoom's
windows and frames, the GIF and MP4 files, the figure's labels in both languages."""
import numpy as np
import pytest
from PIL import Image

from gdviz import style
from gdviz.errors import UserInputError
from gdviz.maps.network import NetworkConfig
from gdviz.maps.zoom import (
    Level,
    boundary_point,
    cdf_colours,
    composite,
    frame_heads,
    frame_note,
    log_ticks,
    save_zoom,
    view,
    zoom_frames,
    zoom_levels,
)


def notebook_cdf_img(x, x_ref, buffer=0.25):
    u = np.sort(x_ref.ravel())
    num_neg = np.sum(u < 0)
    v = np.concatenate((np.linspace(-1, -buffer, num_neg), np.linspace(buffer, 1, u.shape[0] - num_neg)))
    return -np.interp(x, u, v)


def disc(n, bounds, r=0.3):
    """A synthetic map: negative (trains) inside a disc around the window's centre."""
    a, b, c, d = bounds
    gx, gy = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
    cx, cy = (a + b) / 2, (c + d) / 2
    rr = np.hypot(gx - cx, gy - cy) / (b - a)
    return Level(bounds, np.where(rr < r, -1.0 - rr, 1.0 + rr), float(np.mean(rr < r)))


def test_colours_are_the_notebooks_cdf_img():
    rng = np.random.default_rng(1)
    x, ref = rng.standard_normal((20, 20)) * 50, rng.standard_normal((30, 30)) * 50
    assert np.allclose(cdf_colours(x, ref), notebook_cdf_img(x, ref))
    c = cdf_colours(x)
    assert (c[x < 0] >= 0.25).all() and (c[x > 0] <= -0.25).all()    # trains: blue end of Spectral


def test_the_zoom_window_moves_from_one_level_to_the_next():
    a, b = disc(32, (0.0, 4.0, 0.0, 4.0)), disc(32, (2.5, 3.5, 1.0, 2.0))
    assert np.allclose(view(a, b, 0.0), a.bounds) and np.allclose(view(a, b, 1.0), b.bounds)
    w = [view(a, b, t)[1] - view(a, b, t)[0] for t in (0, 0.5, 1)]
    assert w[1] == pytest.approx(np.sqrt(w[0] * w[2]))                  # widths shrink geometrically


def test_frames_show_the_finest_level_where_it_exists():
    coarse = Level((0.0, 4.0, 0.0, 4.0), np.full((8, 8), 1.0), 0.0)
    fine = Level((1.0, 2.0, 1.0, 2.0), np.full((8, 8), -1.0), 1.0)
    img = composite([coarse, fine], [np.full((8, 8), -0.5), np.full((8, 8), 0.5)], (0.0, 4.0, 0.0, 4.0), 16)
    assert img[6, 6] == 0.5 and img[0, 0] == -0.5 and img[14, 14] == -0.5
    frames = list(zoom_frames([coarse, fine], 5, 16))
    assert len(frames) == 6 and np.allclose(frames[-1][0], fine.bounds)


def test_boundary_point_lies_on_the_boundary_in_the_central_half():
    lv = disc(64, (0.0, 1.0, 0.0, 1.0), r=0.2)
    x, y = boundary_point(lv)
    assert 0.25 <= x <= 0.75 and 0.25 <= y <= 0.75
    assert np.hypot(x - 0.5, y - 0.5) == pytest.approx(0.2, abs=0.03)
    assert boundary_point(Level((0, 1, 0, 1), np.ones((16, 16)), 0.0)) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_zoom_gif_and_mp4_are_whole_files(tmp_path, lang):
    levels = [disc(32, (0.0, 4.0, 0.0, 4.0)), disc(32, (1.5, 2.5, 1.5, 2.5)), disc(32, (1.9, 2.1, 1.9, 2.1))]
    gif = save_zoom(levels, tmp_path / "z.gif", config=NetworkConfig(), lang=lang, frames_per_level=4, px=64)
    with Image.open(gif) as im:
        assert im.n_frames == 2 * 4 + 1 and im.size == (64 + 160, 64 + 130)
    import imageio_ffmpeg

    mp4 = save_zoom(levels, tmp_path / "z.mp4", lang=lang, frames_per_level=4, px=64, fps=20, hold_s=0.5)
    n, _ = imageio_ffmpeg.count_frames_and_secs(str(mp4))
    assert n == 2 * 4 + 1 + 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["z.gif", "z.mp4"]    # no temporary left


def test_a_zoom_needs_sensible_parameters():
    with pytest.raises(UserInputError, match=r"^a zoom needs factor > 1, width > 0, at least 2 levels and 16 "
                                             r"pixels, got factor 1.0, width 1, 3 levels, 64 pixels$"):
        zoom_levels(NetworkConfig(), (3.0, 2.0), 1, 1.0, 3, 64)
    with pytest.raises(UserInputError, match="^output 'z.png' has '.png'; choose one of: .gif, .mp4, .webm$"):
        save_zoom([disc(16, (0, 1, 0, 1))] * 2, "z.png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figure_axes_are_labelled_in_each_language(lang):
    from gdviz.maps.zoom import draw
    from gdviz.render.mpl import new_figure, rc

    lv, inset = disc(65, (-3.0, 6.0, -3.0, 6.0)), disc(65, (1.0, 2.0, 1.0, 2.0))   # 64 x 64 edges: 3 box sizes
    with rc(lang):
        fig = draw(new_figure(900, 640), lv, NetworkConfig(), lang, inset=inset)
    ax = fig.axes[0]
    assert ax.get_xlabel() == style.label("lr1 axis", lang) and ax.get_ylabel() == style.label("lr2 axis", lang)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["$10^{-3}$", "$10^{0}$", "$10^{3}$", "$10^{6}$"]
    text = "\n".join(t.get_text() for t in fig.texts)
    assert NetworkConfig().describe(lang) in text and style.label("trainability boundary", lang)[:4] in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figure_says_what_the_shades_mean_and_draws_the_boundary(lang):
    from matplotlib.contour import ContourSet

    from gdviz.maps.zoom import draw
    from gdviz.render.mpl import new_figure, rc

    lv, inset = disc(65, (-3.0, 6.0, -3.0, 6.0)), disc(65, (1.0, 2.0, 1.0, 2.0))
    with rc(lang):
        fig = draw(new_figure(900, 640), lv, NetworkConfig(), lang, inset=inset)
    keys = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_title(loc="left")}
    fast, slowly = style.label("trainability fast", lang), style.label("trainability slowly", lang)
    # trains: -sum(v), so a fast run is near 0 (pale), a slow one far below (deep blue); diverges:
    # sum(1/v), small when the loss blows up fast (orange), large when it does so slowly (deep red)
    expect = {"trainability trains": cdf_colours(np.array([-1.0, -100.0, 1.0]))[[0, 1]],
              "trainability diverges": cdf_colours(np.array([-1.0, 1.0, 100.0]))[[1, 2]]}
    for key, (c_fast, c_slow) in expect.items():
        bar = keys[style.label(key, lang)]
        assert [t.get_text() for t in bar.get_xticklabels()] == [fast, slowly]
        data = bar.get_images()[0].get_array()
        assert (data[0, 0], data[0, -1]) == pytest.approx((c_fast, c_slow))
    legend = "".join(t.get_text() for t in fig.legends[0].get_texts())
    assert legend == style.label("trainability edge", lang)
    for ax in fig.axes[:1] + fig.axes[-1:]:        # the map and the inset: the line where the measure is 0
        (contour,) = [c for c in ax.findobj(ContourSet)]
        assert list(contour.levels) == [0.5]


def test_log_ticks_give_at_least_three_readable_ticks():
    assert log_ticks(-3.0, 6.0) == ([-3.0, 0.0, 3.0, 6.0], ["$10^{-3}$", "$10^{0}$", "$10^{3}$", "$10^{6}$"])
    pos, labels = log_ticks(1.6, 2.6)
    assert labels == ["50", "100", "200"] and pos == pytest.approx(np.log10([50, 100, 200]))
    for lo, hi in [(2.0, 2.25), (2.15, 2.2125), (2.17, 2.1716), (-0.3, 0.1)]:
        pos, labels = log_ticks(lo, hi)
        assert len(pos) >= 3 and len(set(labels)) == len(labels) and all(lo <= p <= hi for p in pos)


def test_each_frame_names_its_level_zoom_and_dimension():
    levels = [disc(65, (0.0, 4.0, 0.0, 4.0)), disc(65, (1.5, 2.5, 1.5, 2.5)), disc(65, (1.75, 2.25, 1.75, 2.25))]
    heads = frame_heads(levels, 4, "en")
    assert len(heads) == len(list(zoom_frames(levels, 4, 16))) == 9
    from gdviz.maps.fractal import box_counting_dimension, edges

    d = [f"{box_counting_dimension(edges(lv.values)).dimension:.2f}" for lv in levels]
    assert heads[0] == f"level 1 of 3: zoom ×1, boundary dimension {d[0]}"
    assert heads[4] == f"level 2 of 3: zoom ×4, boundary dimension {d[1]}"
    assert heads[-1] == f"level 3 of 3: zoom ×8, boundary dimension {d[2]}"
    assert frame_heads(levels, 4, "zh")[-1] == f"第 3/3 层：放大 ×8，边界维数 {d[2]}"


def test_zoom_frames_are_slide_sized_by_default(tmp_path):
    levels = [disc(32, (0.0, 4.0, 0.0, 4.0)), disc(32, (1.5, 2.5, 1.5, 2.5))]
    with Image.open(save_zoom(levels, tmp_path / "z.gif", frames_per_level=2)) as im:
        assert im.size[0] >= 720


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_frame_says_what_the_colours_mean(lang):
    key = style.label("trainability key", lang)
    assert frame_note(None, lang) == key
    assert frame_note(NetworkConfig(), lang) == f"{key}   {NetworkConfig().describe(lang, short=True)}"
