"""Rendering: files read back (frames, size, timing, loop), frames against still figures,
Chinese glyphs, divergence marks, atomic writes and bad input."""
import re
import warnings

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import gdviz as gd
from gdviz import style
from gdviz.cli import main
from gdviz.render import animation as anim_mod
from gdviz.render import figures, mpl
from gdviz.render.animation import Animation, animate
from gdviz.render.encode import global_palette, palette_colours


@pytest.fixture(scope="module")
def adam_traj():
    return gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", start=[-1.5, 2.0], steps=600)


# -- GIF -------------------------------------------------------------------------------------
def test_gif_frames_size_timing_loop(adam_traj, tmp_path):
    out = animate(adam_traj, frames=24, fps=20, size=(320, 240), hold=1.0).save(tmp_path / "a.gif")
    with Image.open(out) as im:
        assert im.n_frames == 24 and im.size == (320, 240) and im.info["loop"] == 0
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info["duration"])
    assert durations[:-1] == [50] * 23 and durations[-1] == 50 + 1000  # the hold on the last frame
    frames = iio.imread(out, index=None)
    assert frames.shape == (24, 240, 320, 3)
    assert iio.immeta(out)["loop"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]


def test_gif_timing_rounds_to_centiseconds(adam_traj, tmp_path):
    out = animate(adam_traj, frames=16, fps=30, size=(320, 240), hold=0).save(tmp_path / "b.gif")
    with Image.open(out) as im:
        im.seek(3)
        assert im.info["duration"] == 30  # 33.3 ms stored as 3 centiseconds


def test_gif_frames_decode_to_the_rendered_frames(adam_traj, tmp_path):
    """Transparent-delta frames and the hand-assembled GIF decode to exactly the quantized
    frames; and a frame matches the static (fully redrawn) figure within the palette's error."""
    a = animate(adam_traj, frames=20, size=(400, 300))
    out = a.save(tmp_path / "c.gif")
    palette = global_palette([a.frame(i) for i in (0, 10, 19)])
    colours = np.array(palette_colours(palette)).reshape(-1, 3)
    decoded = iio.imread(out, index=None)
    for i in range(20):
        expected = colours[np.asarray(a.frame(i).quantize(palette=palette, dither=Image.Dither.NONE))]
        np.testing.assert_array_equal(decoded[i], expected)
    still = np.asarray(a.full_frame(13), dtype=int)
    err = np.abs(decoded[13].astype(int) - still)
    assert err.mean() < 2.5 and np.percentile(err, 99.5) < 40


def test_gif_is_single_process_and_parallel_identical(adam_traj, tmp_path):
    a = animate(adam_traj, frames=40, size=(320, 240))
    one = a.save(tmp_path / "one.gif", workers=1).read_bytes()
    two = a.save(tmp_path / "two.gif", workers=2).read_bytes()
    assert one == two


def test_smooth_motion_when_frames_outnumber_steps(tmp_path):
    traj = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=5, tol=0)
    a = animate(traj, frames=50, size=(320, 240))
    np.testing.assert_allclose(a.times[[0, -1]], [0, 5])
    heads = []
    for i in (10, 11, 12):
        a._update(i)
        heads.append(a.artists[0]["head"].get_xydata()[0])
    assert not np.allclose(heads[0], heads[1])  # moves between recorded steps
    np.testing.assert_allclose(heads[1], traj.at(a.times[11]))


def test_subsample_when_steps_outnumber_frames(adam_traj):
    a = animate(adam_traj, frames=10, size=(320, 240))
    a._update(5)
    trail = a.artists[0]["trail"].get_xydata()
    k = int(np.floor(a.times[5]))
    assert len(trail) == k + 2  # every recorded step up to t, plus the head
    np.testing.assert_array_equal(trail[:-1], adam_traj.params[: k + 1])


# -- video -----------------------------------------------------------------------------------
@pytest.mark.parametrize("ext", [".mp4", ".webm"])
def test_video_stream_size_and_duration(adam_traj, tmp_path, ext):
    out = animate(adam_traj, frames=30, fps=15, size=(320, 240), hold=1.0).save(tmp_path / f"v{ext}")
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    reader.close()
    assert tuple(meta["size"]) == (320, 240)
    n, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n == 30 + 15  # the frames and one second of hold
    assert secs == pytest.approx(3.0, abs=0.1)


def test_video_needs_even_sides(adam_traj, tmp_path):
    with pytest.raises(ValueError, match="even width and height, got 321x240"):
        animate(adam_traj, frames=5, size=(321, 240)).save(tmp_path / "odd.mp4")
    assert list(tmp_path.iterdir()) == []


# -- divergence ------------------------------------------------------------------------------
def _vermillion_pixels(img):
    a = np.asarray(img, dtype=int)
    target = np.array([0xD5, 0x5E, 0x00])
    return int((np.abs(a - target).sum(-1) < 40).sum())


def test_diverging_animation_marks_the_edge_and_stays_finite(tmp_path):
    traj = gd.run(gd.optimizer("gd", lr=0.0025), "rosenbrock", start=[-1.5, 2.0], steps=200)
    assert traj.status == "diverged" and np.isfinite(traj.params).all()
    a = animate(traj, frames=30, size=(480, 360))
    exit_step = a.artists[0]["exit"]
    assert exit_step is not None
    before = [i for i in range(30) if a.times[i] < exit_step - 1]
    assert _vermillion_pixels(a.frame(before[0])) == 0
    assert _vermillion_pixels(a.frame(29)) > 200  # arrow and "diverged" label at the edge
    out = a.save(tmp_path / "d.gif")
    assert np.isfinite(iio.imread(out, index=None)).all()


def test_diverging_1d_animation(tmp_path):
    traj = gd.run(gd.optimizer("gd", lr=4.0), "parabola", steps=100)
    a = animate(traj, frames=25, size=(400, 300))
    assert a.artists[0]["exit"] is not None
    assert _vermillion_pixels(a.frame(24)) > _vermillion_pixels(a.frame(0)) + 100


# -- 1-D panels --------------------------------------------------------------------------------
def test_three_rates_make_three_panels(tmp_path):
    runs = gd.lessons.lr_triptych("parabola")
    a = Animation(runs, frames=20, size=(900, 360))
    assert len(a.artists) == 3 and a.frame(19).size == (900, 360)
    out = a.save(tmp_path / "t.gif")
    assert iio.imread(out, index=None).shape == (20, 360, 900, 3)


# -- static figures ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(figures.FIGURES))
def test_every_figure_kind_renders(kind, tmp_path):
    fig = figures.figure(kind)
    out = figures.save(fig, tmp_path / f"{kind}.png")
    with Image.open(out) as im:
        assert im.size == figures.FIGURES[kind][2]


@pytest.mark.parametrize("ext,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_static_formats(ext, magic, tmp_path):
    out = figures.save(figures.figure("lr-curves"), tmp_path / f"f{ext}")
    assert out.read_bytes()[:5].startswith(magic)


def _glyph_missing(fig):
    """Characters of the figure's texts that no font in the text's family list can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    missing = set()
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        s = text.get_text()
        if not s or s.startswith("$"):
            continue
        fonts = [FT2Font(str(p.path) if hasattr(p, "path") else str(p))
                 for p in font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())]
        for ch in s:
            if ch.isspace():
                continue
            if not any(f.get_char_index(ord(ch)) for f in fonts):
                missing.add(ch)
    return missing


@pytest.mark.skipif(not mpl.cjk_available(), reason="Noto Sans CJK SC is not installed")
def test_chinese_labels_render_with_real_glyphs(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.figure("race", lang="zh")
        figures.save(fig, tmp_path / "zh.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert not [w for w in caught if issubclass(w.category, mpl.MissingFontWarning)]
    assert _glyph_missing(fig) == set()
    from matplotlib.text import Text

    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "优化器比赛" in texts and "损失" in texts


def test_missing_cjk_font_warns_once_naming_the_package(monkeypatch):
    monkeypatch.setattr(mpl, "cjk_available", lambda: False)
    mpl._warn_missing_font.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.figure("lr-curves", lang="zh")
        figures.figure("race", lang="zh")
    ours = [w for w in caught if issubclass(w.category, mpl.MissingFontWarning)]
    assert len(ours) == 1 and "fonts-noto-cjk" in str(ours[0].message)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    mpl._warn_missing_font.cache_clear()


def test_chinese_counter_font_is_monospace_cjk():
    if not mpl.cjk_available():
        pytest.skip("Noto Sans CJK SC is not installed")
    assert anim_mod._font("zh", 14).getname()[0] == "Noto Sans Mono CJK SC"


# -- Jupyter -----------------------------------------------------------------------------------
def test_repr_html_is_an_inline_gif(adam_traj):
    html = animate(adam_traj, frames=8, size=(200, 160))._repr_html_()
    assert html.startswith('<img src="data:image/gif;base64,R0lGOD')  # "GIF8" in base64


# -- atomic writes -------------------------------------------------------------------------------
def test_interrupted_render_leaves_previous_file_and_no_temp(adam_traj, tmp_path, monkeypatch):
    a = animate(adam_traj, frames=20, size=(320, 240))
    target = a.save(tmp_path / "keep.gif", workers=1)
    before = target.read_bytes()
    calls = {"n": 0}
    original = Animation.frame

    def boom(self, i):
        calls["n"] += 1
        if calls["n"] > 10:
            raise KeyboardInterrupt
        return original(self, i)

    monkeypatch.setattr(Animation, "frame", boom)
    for name in ("keep.gif", "new.mp4"):
        calls["n"] = 0
        with pytest.raises(KeyboardInterrupt):
            a.save(tmp_path / name, workers=1)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.gif"]


# -- CLI -------------------------------------------------------------------------------------
def test_cli_gif_and_plot(tmp_path, capsys):
    out = tmp_path / "race.gif"
    code = main(["gif", "--surface", "rosenbrock", "--optimizer", "gd,momentum,adam", "--steps", "300",
                 "--frames", "20", "--size", "400x300", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert iio.imread(out, index=None).shape == (20, 300, 400, 3)
    code = main(["gif", "--surface", "parabola", "--lr", "0.2,1.6,3", "--frames", "12", "--size", "600x300",
                 "--lang", "zh", "-o", str(tmp_path / "rates.mp4")])
    assert code == 0, capsys.readouterr().err
    code = main(["plot", "lr-triptych", "--surface", "elongated", "--lang", "zh", "-o", str(tmp_path / "t.svg")])
    assert code == 0, capsys.readouterr().err
    code = main(["plot", "--list"])
    assert code == 0 and "feature-scaling" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["plot", "pie-chart", "-o", "x.png"], "unknown figure kind 'pie-chart'"),
    (["plot", "race", "-o", "x.jpg"], "has '.jpg'; choose one of: .png, .svg, .pdf"),
    (["plot", "race", "-o", "missing/x.png"], "output folder 'missing' does not exist"),
    (["plot", "race"], "needs an output file"),
    (["plot", "feature-scaling", "--surface", "bowl", "-o", "x.png"], "draws its own surfaces: it takes no --surface"),
    (["plot", "race", "--lang", "fr", "-o", "x.png"], "unknown language 'fr'"),
    (["gif", "-o", "x.avi"], "has '.avi'; choose one of: .gif, .mp4, .webm"),
    (["gif", "--size", "0x480", "-o", "x.gif"], "size 0x480 is out of range"),
    (["gif", "--size", "100000x480", "-o", "x.gif"], "size 100000x480 is out of range"),
    (["gif", "--size", "big", "-o", "x.gif"], "size must look like 640x480"),
    (["gif", "--frames", "0", "-o", "x.gif"], "frames must be a whole number from 1 to 5000"),
    (["gif", "--frames", "-3", "-o", "x.gif"], "frames must be a whole number"),
    (["gif", "--fps", "0", "-o", "x.gif"], "fps must be a finite number > 0, got 0"),
    (["gif", "--fps", "-5", "-o", "x.gif"], "fps must be a finite number > 0"),
    (["gif", "--fps", "1000", "-o", "x.gif"], "fps must be at most 60"),
    (["gif", "--lr", "0.1,,0.2", "-o", "x.gif"], "--lr must be numbers separated by commas"),
    (["gif", "--optimizer", "adamq", "-o", "x.gif"], "unknown optimizer 'adamq'"),
    (["gif", "--size", "641x480", "-o", "x.mp4"], "even width and height"),
])
def test_render_bad_input(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_folder(tmp_path, monkeypatch, capsys):
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        assert main(["gif", "-o", str(locked / "x.gif")]) == 2
        assert "is not writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_unwritable_folder_check_without_permissions(tmp_path, monkeypatch, capsys):
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("ro") else real(p, mode))
    (tmp_path / "ro").mkdir()
    assert main(["plot", "race", "-o", str(tmp_path / "ro" / "x.png")]) == 2
    assert re.search(r"output folder '.*ro' is not writable", capsys.readouterr().err)
    assert list((tmp_path / "ro").iterdir()) == []


def test_style_colours_are_fixed_per_optimizer():
    assert style.colour("adam") == "#D55E00" and style.colour("gd") == "#0072B2"
    assert len(set(style.OPTIMIZER_COLOURS.values())) == len(style.OPTIMIZER_COLOURS)


@pytest.mark.parametrize("dim_surface", ["parabola", "bowl"])
def test_every_figure_kind_draws_or_refuses_in_one_line_in_either_dimension(dim_surface):
    """A 1-D surface for a 2-D picture (or the other way round) is a clear error, never an internal one."""
    import matplotlib.pyplot as plt

    from gdviz.render.figures import FIGURES, figure

    for kind in FIGURES:
        try:
            plt.close(figure(kind, surface=dim_surface))
        except gd.UserInputError as e:
            assert "\n" not in str(e), (kind, str(e))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_race_animation_states_its_settings_a_reason_and_the_speed(lang):
    """momentum-egg-crate: the frame says the rate both runs share and momentum's beta, one line
    of why (from the lesson), and each run's speed (distance moved in its last step) beside its
    loss, so a viewer sees momentum speed up over a ridge and gradient descent come to rest."""
    runs = gd.lessons.rolling()
    anim = Animation(runs, frames=40, lang=lang)
    title = anim.ax.get_title()
    assert "0.01" in title and "β = 0.9" in title
    assert anim.note is not None and anim.note.get_text() == runs.info["note"][lang]
    assert anim.note.get_text() in {style.label("rolling note", x) for x in ("en", "zh")}
    for i in (10, 39):
        anim.frame(i)
        k = int(np.floor(anim.times[i] + 1e-9))
        for (line, _), traj in zip(anim.loss_box.text, anim.trajs):
            j = traj.rows_until(k) - 1
            speed = float(np.linalg.norm(traj.params[j] - traj.params[max(j - 1, 0)]))
            assert line.endswith(f"{style.label('speed', lang)} {speed:.2f}"), line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_race_box_holds_its_longest_names(lang):
    """The race GIF's box of losses: no text ink in its left padding nor just outside it, with the
    longest names ("Momentum", "Nesterov"; "Nesterov 动量") and the widest loss ("< 0.0001")."""
    hp = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9}, "adam": {}}
    trajs = [gd.run(gd.optimizer(k, lr=0.01, **hp[k]), "egg-crate", start=[-4.5, -1.5], steps=300) for k in hp]
    a = animate(trajs, frames=2, lang=lang)
    frame = np.asarray(a.full_frame(a.n_frames - 1).convert("RGB")).astype(int)
    box = a.loss_box
    assert any("< 0.0001" in line for line, _ in box.text)
    x0, y0, x1, y1 = (round(v) for v in box.outline)
    pad = round(0.3 * box.pt * 100 / 72)
    strip = frame[y0 + 2:y1 - 2, x0 - 6:x0 + pad]      # just outside the box's left edge, and its padding
    inks = np.array([[int(gd.style.colour(k)[i:i + 2], 16) for i in (1, 3, 5)] for k in hp])
    near_ink = (np.abs(strip[:, :, None, :] - inks).max(-1) < 50).any(-1)   # a pixel in a racer's colour
    assert near_ink.sum() == 0, np.argwhere(near_ink)[:5]
