"""manim side: mobjects read the trajectory (checked without rendering), every scene renders,
Chinese glyphs are real, the video command's errors."""
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

pytest.importorskip("manim")

from manim import ValueTracker  # noqa: E402

import gdviz as gd  # noqa: E402
from gdviz import video  # noqa: E402
from gdviz.cli import main  # noqa: E402
from gdviz.mobjects import (ContourField, DescendingBall, LossCurve, RatePanel, TrajectoryPath,  # noqa: E402
                            text)
from gdviz.scenes import SCENES  # noqa: E402

ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # manim writes Typst/Text caches under ./media


# -- mobjects read the trajectory ----------------------------------------------------------
@pytest.mark.parametrize("t", [0, 1, 2.5, 7.25, 1e9])
def test_ball_sits_at_the_trajectory_point(t):
    s = gd.surface("parabola")
    traj = gd.run(gd.optimizer("gd", lr=0.3), s, steps=50)
    curve = LossCurve(s, width=4, height=3)
    tracker = ValueTracker(t)
    ball = DescendingBall(curve, traj, tracker)
    w = traj.at(min(t, traj.n_steps))[0]
    np.testing.assert_allclose(ball.ball.get_center(), curve.axes.c2p(w, s.value([w])), atol=1e-9)
    assert len(ball.trail) == min(int(np.floor(t)), traj.n_steps) + 1


def test_path_follows_tracker_after_the_field_moves():
    traj = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=300)
    field = ContourField(gd.surface("rosenbrock"), width=5, height=4)
    tracker = ValueTracker(0)
    path = TrajectoryPath(field, traj, tracker)
    field.shift([2.0, -1.0, 0]).scale(0.7)
    for t in (3.5, 120.0, 300.0):
        tracker.set_value(t)
        path.update()
        np.testing.assert_allclose(path.dot.get_center(), field.axes.c2p(*traj.at(t)), atol=1e-6)
    assert len(path.line.get_anchors()) >= traj.n_steps


def test_diverging_path_stops_at_the_edge():
    s = gd.surface("rosenbrock")
    traj = gd.run(gd.optimizer("gd", lr=0.0025), s, steps=200)
    field = ContourField(s)
    tracker = ValueTracker(traj.n_steps)
    path = TrajectoryPath(field, traj, tracker)
    assert path.mark is not None and path.mark[0].get_stroke_opacity() > 0
    x0, y0 = field.axes.c2p(*s.bounds[:, 0])[:2]
    x1, y1 = field.axes.c2p(*s.bounds[:, 1])[:2]
    pts = path.line.points[:, :2]
    assert (pts[:, 0] >= x0 - 1e-6).all() and (pts[:, 0] <= x1 + 1e-6).all()
    assert (pts[:, 1] >= y0 - 1e-6).all() and (pts[:, 1] <= y1 + 1e-6).all()
    tracker.set_value(0)
    path.update()
    assert path.mark[0].get_stroke_opacity() == 0


def test_rate_panel_shows_the_trajectory_numbers():
    traj = gd.run(gd.optimizer("gd", lr=0.7), "parabola", steps=50)
    tracker = ValueTracker(0)
    panel = RatePanel(traj, tracker, title="Goldilocks")
    tracker.set_value(4.6)
    panel.update()
    assert panel.step() == 4
    tracker.set_value(1e6)
    assert panel.step() == traj.n_steps == 10


def test_field_keeps_round_bowls_round():
    field = ContourField(gd.surface("bowl"), width=7, height=5)
    a, b = field.axes.c2p(0, 0), field.axes.c2p(1, 1)
    assert abs((b - a)[0] - (b - a)[1]) < 1e-9


def test_chinese_text_has_real_glyphs():
    from gdviz.render.mpl import cjk_available

    if not cjk_available():
        pytest.skip("Noto Sans CJK SC is not installed")
    from manim import Text

    real = text("损失", "zh")
    assert len(real) == 2
    for glyph in real:
        assert len(glyph.points) > 60  # strokes of a real character, not a .notdef box
    # fontconfig alone would pick the Japanese face; the simplified-Chinese glyph of 直 differs
    sc, jp = text("直", "zh", size=28)[0].points, Text("直", font="Noto Sans CJK JP", font_size=28)[0].points
    assert sc.shape != jp.shape or not np.allclose(sc, jp)
    np.testing.assert_allclose(sc, Text("直", font="Noto Sans CJK SC", font_size=28)[0].points)


# -- scenes render -------------------------------------------------------------------------
def _render(name, folder):
    out = Path(folder) / f"{name}.mp4"
    video.render(name, out, quality="low", time_scale=0.08)
    return str(out)


def test_every_scene_renders_at_low_quality(tmp_path):
    with ProcessPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(_render, SCENES, [str(tmp_path)] * len(SCENES)))
    for out in outputs:
        reader = imageio_ffmpeg.read_frames(out)
        meta = next(reader)
        reader.close()
        assert tuple(meta["size"]) == (854, 480) and meta["codec"] == "h264"
        n, secs = imageio_ffmpeg.count_frames_and_secs(out)
        assert n > 5 and secs > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.mp4" for n in SCENES)


def test_gif_and_png_and_chinese(tmp_path):
    from PIL import Image

    gif = video.render("learning-rates", tmp_path / "lr.gif", lang="zh", time_scale=0.05)
    with Image.open(gif) as im:
        assert im.size == (854, 480) and im.n_frames > 3 and im.info["loop"] == 0
    png = video.render("iterative-loop", tmp_path / "loop.png", time_scale=0.05)
    with Image.open(png) as im:
        assert im.size == (854, 480)
        assert np.asarray(im.convert("RGB"))[5, 5].tolist() == [255, 255, 255]  # white background
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.png", "lr.gif"]


def test_plain_manim_renders_the_thin_scene_files(tmp_path):
    r = subprocess.run([sys.executable, "-m", "manim", "-ql", "-s", "--media_dir", str(tmp_path / "m"),
                        str(ROOT / "scenes" / "learning_rates.py"), "LearningRatesZh"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert list((tmp_path / "m").rglob("LearningRatesZh*.png"))


# -- the command -----------------------------------------------------------------------------
def test_video_list(capsys):
    assert main(["video", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in SCENES)


@pytest.mark.parametrize("args,message", [
    (["video"], "video needs a SCENE"),
    (["video", "learning-rate"], "unknown scene 'learning-rate' (did you mean 'learning-rates'?)"),
    (["video", "learning-rates", "--quality", "ultra"], "unknown quality 'ultra'"),
    (["video", "learning-rates", "--format", "avi"], "unknown video format 'avi'"),
    (["video", "learning-rates", "-o", "x.mkv"], "unknown video format 'mkv'"),
    (["video", "learning-rates", "--lang", "de"], "unknown language 'de'"),
    (["video", "learning-rates", "-o", "nowhere/x.mp4"], "output folder 'nowhere' does not exist"),
    (["video", "learning-rates", "--time-scale", "0"], "--time-scale must be a finite number > 0"),
])
def test_video_bad_input(args, message, capsys, tmp_path):
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert list(tmp_path.iterdir()) == []


def test_missing_manim_is_one_clear_line(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *a, **k):
        if name == "manim" or name.startswith("manim."):
            raise ImportError("No module named 'manim'", name="manim")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    assert main(["video", "learning-rates", "-o", "x.mp4"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'gdviz[manim]'" in err and "libcairo2-dev" in err and err.count("\n") == 1
