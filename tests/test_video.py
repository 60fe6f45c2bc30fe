"""manim side: mobjects read the trajectory (checked without rendering), read-outs are for
people, every scene renders (short versions in English and Chinese; at the gallery's medium
quality, where motion must fill the video), the claims of what each scene draws hold, Chinese
glyphs are real, the video command's errors."""
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np
import pytest

pytest.importorskip("manim")

from manim import ValueTracker  # noqa: E402

import gdviz as gd  # noqa: E402
from gdviz import video  # noqa: E402
from gdviz.cli import main  # noqa: E402
from gdviz.mobjects import ContourField, DescendingBall, LossCurve, RatePanel, TrajectoryPath, text  # noqa: E402
from gdviz.mobjects.chart import nice_ticks  # noqa: E402
from gdviz.mobjects.glyphs import Readout, readable  # noqa: E402
from gdviz.render.pacing import Pace  # noqa: E402
from gdviz.scenes import SCENES  # noqa: E402
from gdviz.scenes.base import Clocked, pace_of  # noqa: E402

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
    k = int(np.floor(min(t, traj.n_steps)))
    a = curve.axes.c2p(traj.params[k, 0], traj.loss[k])
    if t == k or k == traj.n_steps:    # at a whole step it rests on the curve at that step's point
        np.testing.assert_allclose(ball.ball.get_center(), a, atol=1e-9)
    else:                              # between steps it is on the arc of the hop, not the curve
        from gdviz.render.geometry import hop

        b = curve.axes.c2p(traj.params[k + 1, 0], traj.loss[k + 1])
        u = t - k
        expected = hop(a[:2], b[:2], u, 0.25 * abs(b[0] - a[0]))
        np.testing.assert_allclose(ball.ball.get_center()[:2], expected, atol=1e-9)
        assert ball.ball.get_center()[1] > a[1] + (b[1] - a[1]) * u   # above the chord: a jump
    dots = len(ball.trail.points) // len(ball._circle)   # one circle per step made, in one shape
    assert dots == min(int(np.floor(t)), traj.n_steps) + 1


def test_ball_leaving_the_curve_gets_a_diverged_mark():
    s = gd.surface("parabola")
    traj = gd.run(gd.optimizer("gd", lr=3.5), s, [-2.9], steps=30)   # past 2/L: bounces out
    assert np.abs(traj.params[:, 0]).max() > 3.5
    tracker = ValueTracker(0)
    ball = DescendingBall(LossCurve(s), traj, tracker)
    assert ball.mark is not None and ball.mark[0].get_stroke_opacity() == 0
    tracker.set_value(traj.n_steps)
    ball.update()
    assert ball.mark[0].get_stroke_opacity() == 1 and ball.ball.get_fill_opacity() == 0


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


def test_a_copy_shares_what_it_reads():
    """manim copies a mobject for every FadeIn and Transform: a path's copy shares its contour
    field, trajectory and tracker (copying the field's curves each time was most of a scene's
    fade-ins), while its own line and dot are copies."""
    traj = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=20)
    field = ContourField(gd.surface("bowl"), width=5, height=4)
    tracker = ValueTracker(3)
    path = TrajectoryPath(field, traj, tracker)
    twin = path.copy()
    assert twin.field is field and twin.traj is traj and twin.tracker is tracker
    assert twin.line is not path.line and twin.dot is not path.dot
    np.testing.assert_allclose(twin.dot.get_center(), path.dot.get_center())
    twin.shift([1.0, 0, 0])
    np.testing.assert_allclose(twin.dot.get_center() - path.dot.get_center(), [1.0, 0, 0])
    ball = DescendingBall(LossCurve(gd.surface("parabola")), gd.run(gd.optimizer("gd", lr=0.3), "parabola", steps=5),
                          tracker)
    assert ball.copy().curve is ball.curve and RatePanel(traj, tracker).copy().traj is traj


def test_an_arrived_path_is_not_redrawn_until_its_field_moves():
    traj = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=20)
    field = ContourField(gd.surface("bowl"), width=5, height=4)
    tracker = ValueTracker(traj.n_steps + 5)
    path = TrajectoryPath(field, traj, tracker)
    drawn = path.line.points
    tracker.set_value(traj.n_steps + 9)      # another run still moving: this one has arrived
    path.update()
    assert path.line.points is drawn
    field.shift([1.0, 0, 0])                 # the layout moved the field: drawn again, where it is
    path.update()
    assert path.line.points is not drawn
    np.testing.assert_allclose(path.dot.get_center(), field.c2p(*traj.params[-1]), atol=1e-9)


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
    family = len(panel.get_family())
    tracker.set_value(4.6)
    panel.update()
    assert panel.step() == 4
    assert panel.step_readout._shown == "4" and panel.loss_readout._shown == readable(traj.loss[4])
    tracker.set_value(1e6)
    panel.update()
    assert panel.step() == traj.n_steps == 10
    assert panel.loss_readout._shown == "< 0.001" and panel.status.get_fill_opacity() == 1
    # manim lists the moving mobjects once per animation: read-outs change points, not family
    assert len(panel.get_family()) == family


@pytest.mark.parametrize("x,shown", [(0, "0"), (6.2e-32, "< 0.001"), (0.000471, "< 0.001"), (0.00123, "0.00123"),
                                     (0.16, "0.160"), (2.63, "2.63"), (6510.4, "6510"), (-1.8125, "-1.81"),
                                     (1.6e7, "1.6 × 10⁷"), (float("inf"), "∞")])
def test_readable_numbers(x, shown):
    assert readable(x) == shown
    assert readable(-1e-9, signed=True) == "≈ 0"


def test_readout_lays_out_numbers_like_text():
    """Glyph copies land where a Text of the same string puts its glyphs (same font, size)."""
    r = Readout("loss", "en", size=24, value="0.047")
    t = text("loss 0.047", "en", size=24)
    r.shift(t.get_left() - r.prefix.get_left())
    got = [g for g in r.value if len(g.points)]
    assert len(got) == len(t) - 4
    for g, want in zip(got, t[4:]):
        np.testing.assert_allclose(g.get_center(), want.get_center(), atol=0.03)
    r.scale(2)   # scaled with its parent, new values scale too
    r.set_text("12")
    assert abs(r.value[0].height - 2 * t[4].height) < 0.02


def test_nice_ticks():
    assert nice_ticks(-3.5, 3.5, 7).tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert nice_ticks(0, 300).tolist() == [0, 100, 200, 300]
    assert nice_ticks(-7.28, 7.28).tolist() == [-5, 0, 5]


def test_one_clock_for_runs_of_other_speeds():
    """Batches of 100 and of 1 example on one clock (examples processed): the full batch's
    step k is at tracker value 100 k, and Pace sees both in window units."""
    s = gd.surface("bowl")
    a = gd.run(gd.optimizer("gd", lr=0.1), s, [-2.5, 2.0], steps=3, tol=0)
    b = gd.run(gd.optimizer("gd", lr=0.001), s, [-2.5, 2.0], steps=300, tol=0)
    slow = Clocked(a, s.bounds, 100)
    assert slow.n_steps == 300
    np.testing.assert_allclose(slow.at(150.0), (a.at(1.5) - s.bounds[:, 0]) / 6.0)
    pace = pace_of([(a, s.bounds, 100), (b, s.bounds, 1)])
    assert isinstance(pace, Pace) and pace.n == 300 and 0 < pace.end <= 300


def test_field_keeps_round_bowls_round():
    field = ContourField(gd.surface("bowl"), width=7, height=5)
    a, b = field.axes.c2p(0, 0), field.axes.c2p(1, 1)
    assert abs((b - a)[0] - (b - a)[1]) < 1e-9


def test_text_made_again_is_an_independent_copy_of_the_same_glyphs():
    """text() keeps what it made: the same arguments give a copy (the same points as a fresh
    Text), and changing one copy changes no other."""
    from manim import Text

    from gdviz.mobjects.common import INK

    a, b = text("keep the best 0.25", "en", size=21), text("keep the best 0.25", "en", size=21)
    fresh = Text("keep the best 0.25", font="DejaVu Sans", font_size=21, color=INK)
    assert a is not b and len(a) == len(fresh)
    np.testing.assert_allclose(b.get_all_points(), fresh.get_all_points())
    b.set_color("#FF0000").shift([1.0, 0, 0])
    assert str(text("keep the best 0.25", "en", size=21)[0].get_color()) == str(fresh[0].get_color())
    np.testing.assert_allclose(a.get_all_points(), fresh.get_all_points())


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
def _render(name, folder, lang="en", quality="low", time_scale=0.08):
    out = Path(folder) / f"{name}-{lang}-{quality}.mp4"
    video.render(name, out, quality=quality, lang=lang, time_scale=time_scale)
    return str(out)


def first_frame(path) -> np.ndarray:
    """Frame 0 of a video as RGB: what a player shows as the poster before it plays."""
    with av.open(str(path)) as c:
        return next(c.decode(c.streams.video[0])).to_ndarray(format="rgb24")


def inked(rgb) -> float:
    """The share of pixels that are not (near) white: 0 for a blank white frame."""
    return float((rgb.astype(np.int16).min(-1) < 235).mean())


def test_every_scene_renders_short_in_english_and_chinese(tmp_path):
    jobs = [(name, str(tmp_path), lang) for name in SCENES for lang in ("en", "zh")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(_render, *zip(*jobs)))
    for out in outputs:
        reader = imageio_ffmpeg.read_frames(out)
        meta = next(reader)
        reader.close()
        assert tuple(meta["size"]) == (854, 480) and meta["codec"] == "h264"
        n, secs = imageio_ffmpeg.count_frames_and_secs(out)
        assert n > 5 and secs > 0
        assert inked(first_frame(out)) > 0.02, f"{Path(out).name}: the first frame (the poster) is blank"
        check_timeline(out, SCENES[Path(out).name.split("-en-")[0].split("-zh-")[0]], n, secs)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [Path(o).name for o in outputs] + [Path(o).stem + ".timeline.json" for o in outputs])


def check_timeline(out, cls, n_frames, secs):
    """The video's timeline: one act boundary per act after the first, strictly inside the
    video; cues from the first frame on, in the scene's language."""
    from gdviz.timeline import read

    tl = read(out)
    assert tl.duration == pytest.approx(secs, abs=0.07) and len(tl.acts) == cls.acts - 1, out
    bounds = [0.0, *tl.acts, tl.duration]
    assert all(a < b for a, b in zip(bounds, bounds[1:])), (out, tl.acts)
    assert tl.cues and tl.cues[0].start == 0 and all(0 <= c.start < c.end <= tl.duration for c in tl.cues)
    if "-zh-" in Path(out).name:
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.text) for c in tl.cues)


# A frame is still when fewer than STILL_PIXELS pixels differ from the previous frame by more
# than STILL_LEVEL (in any colour channel): this tolerates the encoder's noise on held frames
# (a few pixels), while a dot or a line that moves, or a box that lights up, changes hundreds.
STILL_LEVEL, STILL_PIXELS = 8, 50
MEDIUM_SCALE = 0.35     # the medium-quality renders run at this time scale (motion and holds alike)


def still_frames(path):
    """(frames per second, frame size, a flag per pair of consecutive frames: still?)."""
    with av.open(path) as c:
        stream = c.streams.video[0]
        fps = float(stream.average_rate)
        flags, prev, size = [], None, None
        for frame in c.decode(stream):
            rgb = frame.to_ndarray(format="rgb24").astype(np.int16)
            size = (frame.width, frame.height)
            if prev is not None:
                flags.append(int((np.abs(rgb - prev).max(-1) > STILL_LEVEL).sum()) < STILL_PIXELS)
            prev = rgb
    return fps, size, np.array(flags)


@pytest.fixture(scope="module")
def medium_renders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("medium")
    with ProcessPoolExecutor(max_workers=2) as pool:
        outs = list(pool.map(_render, SCENES, [str(folder)] * len(SCENES), ["en"] * len(SCENES),
                             ["medium"] * len(SCENES), [MEDIUM_SCALE] * len(SCENES)))
    return dict(zip(SCENES, outs))


@pytest.mark.parametrize("name", list(SCENES))
def test_medium_quality_and_motion_fills_the_video(name, medium_renders):
    """The gallery's quality (1280x720 at 30 fps), and the motion fills the video: the scene
    holds still only on its captions (the closing hold, at most 3 s, and one hold per act),
    all scaled like the rest; half a second of slack for eased starts and stops."""
    fps, size, still = still_frames(medium_renders[name])
    assert size == (1280, 720) and fps >= 30
    cls = SCENES[name]
    budget = MEDIUM_SCALE * cls.still_budget() + 0.5
    seconds = still.sum() / fps
    assert seconds <= budget, f"{name}: still for {seconds:.2f} s of {len(still) / fps:.1f} s (budget {budget:.2f} s)"
    # the longest still stretch before the closing hold is at most an act's caption
    tail = len(still) - np.flatnonzero(~still)[-1] - 1 if (~still).any() else len(still)
    runs, cur = [], 0
    for x in still[: len(still) - tail]:
        cur = cur + 1 if x else 0
        runs.append(cur)
    assert max(runs, default=0) / fps <= MEDIUM_SCALE * max(cls.act_hold, 0.5) + 0.3


@pytest.mark.parametrize("name", list(SCENES))
def test_claims_of_what_each_scene_draws_hold(name):
    cls = video.scene_class(name)
    runs = cls.lesson_runs()
    assert runs and any(r.claims for r in runs)
    claims = video.claims(name)
    assert len(claims) == sum(len(r.claims) for r in runs)
    assert all(c.holds for c in claims), [c.failure() for c in claims if not c.holds]
    # construct reads the same runs: one call, computed once per class
    assert cls.runs() is cls.runs() and [r.lesson for r in cls.runs()] == [r.lesson for r in runs]


def test_language_and_time_variants_share_the_lesson_runs():
    """The gallery checks a video's claims and then renders it in English and Chinese: the
    variants share one computation of the runs (the race's tuning is seconds of CPU)."""
    from gdviz.scenes import variant

    base = SCENES["local-minima"]
    runs = video.scene_class("local-minima").runs()
    assert variant(base, lang="zh").runs() is runs is base.runs()
    assert video.scene_class("local-minima", "zh", 0.5).runs() is runs
    other = variant(SCENES["learning-rates"], surface="bowl")     # a variant with other runs has its own
    assert other.runs()[0].surface.name == "bowl" and SCENES["learning-rates"].runs()[0].surface.name != "bowl"


def test_gif_and_png_and_chinese(tmp_path):
    from PIL import Image

    gif = video.render("learning-rates", tmp_path / "lr.gif", quality="low", lang="zh", time_scale=0.05)
    with Image.open(gif) as im:
        assert im.size == (854, 480) and im.n_frames > 3 and im.info["loop"] == 0
    png = video.render("iterative-loop", tmp_path / "loop.png", quality="low", time_scale=0.05)
    with Image.open(png) as im:
        assert im.size == (854, 480)
        assert np.asarray(im.convert("RGB"))[5, 5].tolist() == [255, 255, 255]  # white background
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.png", "lr.gif", "lr.timeline.json"]


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


# -- inside the optimizer: the arrows and squares are the recorded state --------------------------
INSIDE_SCENES = ["inside-momentum", "inside-adaptive"]


@pytest.fixture(scope="module")
def rolling():
    return gd.lessons.rolling()


@pytest.mark.parametrize("t", [0, 1, 5, 12, 40])
def test_inside_velocity_arrow_draws_the_recorded_state(rolling, t):
    """At tracker step t the arrows at the ball are update t's terms, read from the run's
    state: carried = -lr beta b_(t-1) (torch's momentum_buffer), push = -lr g_t, and the
    step they add up to lands on the next point."""
    from gdviz.internals import internals
    from gdviz.mobjects import VelocityArrow

    traj = rolling.of("momentum")
    lr, beta = float(traj.lr[t]), traj.hyperparams["momentum"]
    field = ContourField(rolling.surface, width=7, height=5, window=[[-5, 1.5], [-2, 1.5]])
    tracker = ValueTracker(t)
    arrows = VelocityArrow(field, traj, tracker, internals=rolling.info["internals"])
    p = traj.params[t]
    to = field.to_scene

    def drawn(delta):   # a parameter-space vector from p, as the scene draws it
        return to([p + delta])[0] - to([p])[0]

    buf = traj.state["momentum_buffer"]
    carried = -lr * beta * buf[t - 1] if t > 0 else np.zeros(2)
    np.testing.assert_allclose(carried, internals(traj).carried[t], atol=1e-12)
    np.testing.assert_allclose(arrows.carried.vector(), drawn(carried) if t > 0 else np.zeros(3), atol=1e-9)
    np.testing.assert_allclose(arrows.push.start, to([p + carried])[0], atol=1e-9)
    np.testing.assert_allclose(arrows.push.vector(), drawn(-lr * traj.grads[t]), atol=1e-9)
    np.testing.assert_allclose(arrows.step.start, to([p])[0], atol=1e-9)
    np.testing.assert_allclose(arrows.step.end, to([traj.params[t + 1]])[0], atol=1e-9)
    # the tip's apex is exactly the arrow's end
    np.testing.assert_allclose(arrows.push.tip.points[0], arrows.push.end, atol=1e-9)
    # between updates the arrows ride on the ball, their terms interpolated
    tracker.set_value(t + 0.5)
    arrows.update()
    np.testing.assert_allclose(arrows.step.start, to([traj.at(t + 0.5)])[0], atol=1e-9)


def test_inside_velocity_arrow_leaves_made_updates_behind_gd_only_pushes(rolling):
    from gdviz.internals import internals
    from gdviz.mobjects import VelocityArrow

    plain = rolling.of("gd")
    field = ContourField(rolling.surface, width=7, height=5, window=[[-5, 1.5], [-2, 1.5]])
    tracker = ValueTracker(0)
    arrows = VelocityArrow(field, plain, tracker, trail=[0, 1, 2])
    family = len(arrows.get_family())
    assert arrows.carried is None and arrows.step is None          # gradient descent: the push is the step
    ghosts = arrows.ghosts[2]                                        # (step, carried, push): the push
    assert len(ghosts.ends) == 0
    tracker.set_value(2.4)
    arrows.update()
    assert len(ghosts.ends) == 2                                     # updates 0 and 1 are made, 2 is not
    for k in (0, 1):
        np.testing.assert_allclose(ghosts.ends[k], field.to_scene([plain.params[k], plain.params[k + 1]]), atol=1e-9)
    np.testing.assert_allclose(internals(plain).push[:2], np.diff(plain.params, axis=0)[:2], atol=1e-12)
    assert len(arrows.get_family()) == family                        # points change, not the family


@pytest.mark.parametrize("t", [0, 3, 10.5, 60, 1e6])
def test_inside_accumulator_square_side_follows_the_recorded_scale(t):
    """A square's side is unit x internals.scale[t] (Adagrad: sqrt of the summed squared
    gradients in the run's state), its read-outs the same numbers; scaled with its parent,
    it keeps working."""
    from gdviz.internals import internals
    from gdviz.mobjects import AccumulatorSquare

    runs = gd.lessons.adaptive_insides()
    ada = runs.trajectories[0]
    ins = runs.info["internals"][0]
    np.testing.assert_allclose(ins.scale, np.sqrt(ada.state["sum"][: ada.n_steps]))
    np.testing.assert_allclose(ins.scale, internals(ada).scale)
    tracker = ValueTracker(t)
    sq = AccumulatorSquare(ins, tracker, 1, unit=0.05, readout=True, rate="rate")
    k = min(int(t), len(ins.scale) - 1)
    u = t - k if k < len(ins.scale) - 1 else 0.0
    want = ins.scale[k, 1] * (1 - u) + (ins.scale[min(k + 1, len(ins.scale) - 1), 1] * u)
    assert sq.side() == pytest.approx(0.05 * want, abs=1e-9)
    if u == 0:
        assert sq.readout._shown == readable(ins.scale[k, 1])
        assert sq.rate_readout._shown == readable(ins.effective_lr[k, 1])
    from manim import VGroup

    VGroup(sq).scale(2)
    sq.update()
    assert sq.side() == pytest.approx(0.1 * want, abs=1e-9)


def test_inside_captions_state_the_claims_numbers():
    """The closing captions carry the numbers the lessons' claims are checked with."""
    from gdviz.scenes import InsideAdaptive, InsideMomentum

    for cls in (InsideMomentum, InsideAdaptive):
        runs, = cls.lesson_runs()
        assert all(c.holds for c in runs.claims)
        for lang in ("en", "zh"):
            scene = cls.__new__(cls)
            scene.lang = lang
            note = scene.message(runs)
            evidence = " ".join(c.evidence[lang] for c in runs.claims)
            if cls is InsideMomentum:
                from gdviz.scenes.inside_momentum import carried_share

                k, share = carried_share(runs.info["internals"])
                assert f"{k}" in note and f"{share:.2f}" in note and f"{share:.2f}" in evidence
                assert (f"from update {k} on" if lang == "en" else f"从第 {k} 次更新起") in evidence
            else:
                for pair in ("0.00838", "0.0401", "0.0959", "0.691"):
                    assert pair in note and pair in evidence
            if lang == "zh":   # every word of the Chinese caption is Chinese (numbers, symbols, names aside)
                words = [w for w in note.replace("Adagrad", "").replace("Adam", "").split() if w.isascii()]
                assert all(not any(c.isalpha() and c not in "xyβgε" for c in w) for w in words), words


def test_inside_scenes_render_short_in_english_and_chinese(tmp_path):
    jobs = [(name, str(tmp_path), lang) for name in INSIDE_SCENES for lang in ("en", "zh")]
    with ProcessPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(_render, *zip(*jobs)))
    for out in outputs:
        n, secs = imageio_ffmpeg.count_frames_and_secs(out)
        assert n > 5 and secs > 0
        fps, size, still = still_frames(out)
        assert size == (854, 480) and not still.all()
    assert all(name in video.describe() for name in INSIDE_SCENES)


@pytest.mark.parametrize("name", INSIDE_SCENES)
def test_inside_scene_at_medium_quality_moves_until_its_caption(name, tmp_path):
    """1280x720 at 30 fps; still only for the closing hold (scaled), in both languages."""
    budget = MEDIUM_SCALE * SCENES[name].still_budget() + 0.5
    for lang in ("en", "zh"):
        fps, size, still = still_frames(_render(name, tmp_path, lang, "medium", MEDIUM_SCALE))
        assert size == (1280, 720) and fps >= 30
        assert still.sum() / fps <= budget, f"{name} ({lang}): still {still.sum() / fps:.2f} s"
        moving = np.flatnonzero(~still)   # motion from the first frames to the caption: only the ends hold
        assert moving[0] / fps <= 0.2 and (len(still) - moving[-1] - 1) / fps <= budget


def test_local_minima_ranks_the_final_losses_and_keeps_a_global_one():
    """'Keep the best': the bars are the final losses lowest first; the first ones (boxed, kept)
    are the runs that reached the global minimum, the numbers the gallery caption quotes."""
    from gdviz.scenes.local_minima import ranked

    runs, = SCENES["local-minima"].runs()
    finals = [float(t.loss[-1]) for t in runs.trajectories]
    order = ranked(finals)
    assert [finals[i] for i in order] == sorted(finals)
    basin = runs.info["basin"]
    kept = [i for i in order if basin[i] == basin[order[0]]]
    assert basin[order[0]] == 0 and order[: len(kept)] == kept and len(kept) == 2
    shown = [f"{finals[i]:.2f}" for i in order]
    assert shown[:3] == ["0.00", "0.00", "9.49"] and shown[-1] == "75.86"


BEALE_ACT = [dict(optimizer="nesterov", steps=52, finished=True, lr=0.00374, rank=1),   # the race video's last act
             dict(optimizer="adam", steps=98, finished=True, lr=0.499, rank=2),
             dict(optimizer="momentum", steps=100, finished=True, lr=0.00304, rank=3),
             dict(optimizer="gd", steps=170, finished=True, lr=0.0333, rank=4),
             dict(optimizer="rmsprop", steps=1433, finished=True, lr=0.00304, rank=5)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_race_videos_closing_caption_stays_inside_the_frame(lang):
    """The Beale act's two paragraphs beside its loss chart (with its labels 8.34 wide, its top at
    y = -1.48, as in the video) end
    above the frame's bottom margin, all of their words kept ("...the order can flip.")."""
    from types import SimpleNamespace

    from manim import LEFT, Rectangle, config

    from gdviz.scenes import OptimizerRace, variant
    from gdviz.scenes.optimizer_race import BOTTOM

    scene = variant(OptimizerRace, lang=lang)()
    chart = Rectangle(width=8.34, height=1.2).to_edge(LEFT, buff=0.45).align_to([0, -1.48, 0], np.array([0, 1, 0]))
    caption = scene.closing_caption(SimpleNamespace(info={"table": BEALE_ACT}), chart)
    assert caption.shown_text.endswith({"en": "can flip.", "zh": "反过来。"}[lang])
    assert caption.get_top()[1] == pytest.approx(chart.get_top()[1])
    assert caption.get_bottom()[1] >= BOTTOM and caption.get_right()[0] <= config.frame_width / 2 - 0.2
