"""The landscape fly-over: the surface is the grid's log loss (non-finite values left out), the
paths lie on it and their dots sit at the trajectory's point; the video renders short in English
and Chinese (read back with PyAV: size, frames, duration), the path grows as it plays, the
timeline says the heading and the closing caption."""
from pathlib import Path

import av
import numpy as np
import pytest

pytest.importorskip("manim")

from manim import ValueTracker  # noqa: E402

import gdviz as gd  # noqa: E402
from gdviz import timeline, video  # noqa: E402
from gdviz.landscapes.result import Landscape  # noqa: E402
from gdviz.mobjects.landscape import LandscapeSurface, SurfacePath, faces, log_heights  # noqa: E402
from gdviz.style import OPTIMIZER_COLOURS  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # manim writes Text caches under ./media


def bowl(nx=11, ny=9, bad=None):
    """loss = 1 + x^2 + 2 y^2 on [-2, 2] x [-1, 1]; ``bad``: (i, j) set to inf."""
    x, y = np.linspace(-2, 2, nx), np.linspace(-1, 1, ny)
    xx, yy = np.meshgrid(x, y)
    loss = 1 + xx ** 2 + 2 * yy ** 2
    if bad is not None:
        loss[bad] = np.inf
    return Landscape(loss=loss, x=x, y=y, directions=(), center=[], kind="random")


def test_log_heights_replace_what_is_not_finite_by_the_highest():
    z, bad = log_heights(np.array([[1.0, 10.0], [np.inf, np.nan]]))
    np.testing.assert_array_equal(z, [[0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(bad, [[False, False], [True, True]])
    assert faces(51, 28) == 25 and faces(11, 28) == 10 and faces(60, 28) == 28


def test_surface_is_the_grids_log_loss():
    land = bowl()
    s = LandscapeSurface(land, size=6.0, height=2.0, base=-1.0)
    z = np.log10(land.loss)
    for i, j in [(0, 0), (4, 5), (8, 10), (2, 7)]:
        p = s.point(land.x[j], land.y[i])
        level = (z[i, j] - z.min()) / (z.max() - z.min())
        np.testing.assert_allclose(p[2], -1.0 + 2.0 * level, atol=1e-12)
    np.testing.assert_allclose(s.point(0.0, 0.0)[:2], [0.0, 0.0])     # the plane's centre in the middle
    np.testing.assert_allclose(s.point(2.0, 1.0)[:2], [3.0, 1.5])     # equal scales: x spans 6 units
    assert s.argmin() == (0.0, 0.0) and not s.masked
    assert all(f.get_fill_opacity() == 1 for f in s.surface)


def test_faces_touching_an_overflow_are_left_out():
    s = LandscapeSurface(bowl(bad=(4, 5)))
    assert s.masked
    gone = [f for f in s.surface if f.get_fill_opacity() == 0]
    assert len(gone) == 4 and {(f.u_index, f.v_index) for f in gone} == {(4, 3), (5, 3), (4, 4), (5, 4)}
    assert np.isfinite(s.mesh).all()


@pytest.mark.parametrize("t", [0, 1.5, 7.25, 30, 1e9])
def test_path_lies_on_the_surface_and_its_dot_at_the_trajectory_point(t):
    land = bowl(41, 21)
    surf = gd.surface("elongated")
    traj = gd.run(gd.optimizer("gd", lr=0.1), surf, [-1.8, 0.9], steps=30)
    s = LandscapeSurface(land, size=6.0, height=2.0)
    tracker = ValueTracker(t)
    path = SurfacePath(s, traj, tracker, OPTIMIZER_COLOURS["gd"], lift=0.05)
    np.testing.assert_allclose(path.dot.get_center(), s.point(*traj.at(min(t, 30)), 0.05), atol=1e-9)
    pts = np.asarray(path.line.get_anchors())
    np.testing.assert_allclose(pts[-1], path.dot.get_center(), atol=1e-9)
    back = pts[:, :2] / s.scales + s.middle                     # plane coordinates of each point
    on = s.place(back, 0.05)
    np.testing.assert_allclose(pts[:, 2], on[:, 2], atol=1e-9)   # every point on the surface, lifted
    # the step's pieces are short: the line follows the surface between recorded points
    if t > 1:
        assert np.linalg.norm(np.diff(back, axis=0), axis=1).max() <= path.piece + 1e-12


def test_a_path_leaving_the_plane_stops_at_its_edge():
    land = bowl(41, 21)          # x in [-2, 2]
    traj = gd.run(gd.optimizer("gd", lr=1.05), "bowl", [-1.0, 0.2], steps=12)   # over 2/L: it swings out
    assert np.abs(traj.params[:, 0]).max() > 2
    s = LandscapeSurface(land)
    path = SurfacePath(s, traj, ValueTracker(12), OPTIMIZER_COLOURS["gd"])
    back = np.asarray(path.line.get_anchors())[:, :2] / s.scales + s.middle
    assert np.all(np.abs(back[:, 0]) <= 2 + 1e-9) and np.all(np.abs(back[:, 1]) <= 1 + 1e-9)
    assert np.isclose(abs(back[-1, 0]), 2) or np.isclose(abs(back[-1, 1]), 1)    # on the edge
    np.testing.assert_allclose(path.dot.get_center(), path.line.get_anchors()[-1])


# -- the video --------------------------------------------------------------------------------
SCALE = 0.45      # about 5 s of video at -ql


def frames(path):
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        rgb = [f.to_ndarray(format="rgb24") for f in c.decode(stream)]
        return rgb, float(stream.average_rate), float(c.duration / av.time_base)


def near(rgb, hex_colour, tol=40) -> np.ndarray:
    c = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)])
    return np.abs(rgb.astype(int) - c).max(-1) < tol


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flyover")
    en = video.render("landscape-flyover", folder / "en.mp4", quality="low", time_scale=SCALE)
    zh = video.render("landscape-flyover", folder / "zh.mp4", quality="low", lang="zh", time_scale=0.2)
    return en, zh


def test_video_reads_back_and_the_path_descends_as_it_plays(rendered):
    en, _ = rendered
    rgb, fps, secs = frames(en)
    assert rgb[0].shape == (480, 854, 3) and fps == 15
    assert 4.0 <= secs <= 6.5 and len(rgb) == pytest.approx(secs * fps, abs=2)
    assert (rgb[0].min(-1) < 235).mean() > 0.1            # the poster shows the surface and the heading
    # Adam's vermillion is nowhere in the surface's colours: its pixels are its path and dot
    n = len(rgb)
    adam = [int(near(rgb[k], OPTIMIZER_COLOURS["adam"]).sum()) for k in (n // 10, n // 3, 2 * n // 3, n - 1)]
    assert adam[0] > 20 and adam[1] > adam[0] + 20 and adam[2] > adam[1] + 20, adam
    # the camera turns: the surface at the end is not where it was at the start
    assert (np.abs(rgb[n // 10].astype(int) - rgb[-1].astype(int)).max(-1) > 40).mean() > 0.05


def test_timeline_says_the_heading_then_the_closing_numbers(rendered):
    en, zh = rendered
    runs, = video.scene_class("landscape-flyover").runs()
    tl = timeline.read(en)
    assert " ".join(tl.cues[0].text.split()).startswith("The loss landscape of a network")
    last = " ".join(tl.cues[-1].text.split())
    adam = runs.trajectories[runs.series.index("adam")]
    assert "Own loss after 600 steps" in last and f"Adam {float(adam.loss[-1]):.3g}" in last
    assert tl.cues[-1].end == pytest.approx(tl.duration)
    tz = timeline.read(zh)
    assert tz.lang == "zh" and "".join(tz.cues[0].text.split()).startswith("神经网络的损失地形")
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.text) for c in tz.cues)
    rgb, _, _ = frames(zh)
    assert rgb[0].shape == (480, 854, 3) and len(rgb) > 10
    assert (rgb[0][:60, :300].min(-1) < 120).sum() > 300     # the Chinese title is drawn (dark ink, top left)
    assert sorted(p.name for p in Path(zh).parent.iterdir()) == sorted(
        ["en.mp4", "en.timeline.json", "zh.mp4", "zh.timeline.json"])


def test_the_flyover_says_nothing_the_landscape_figures_already_say():
    """One source per text: the fly-over's labels (keys "flyover ...") repeat no other label's
    wording, and its fallback subtitle is the grid's name of the plane (TITLES)."""
    from gdviz.landscapes.grid import TITLES
    from gdviz.style import LABELS

    def words(text):
        return " ".join(text.lower().replace("this ", "the ").split())

    others = {words(v[0]) for k, v in LABELS.items() if not k.startswith("flyover")}
    others |= {words(en) for en, _ in TITLES.values()}
    assert [k for k, v in LABELS.items() if k.startswith("flyover") and words(v[0]) in others] == []
    assert not [k for k in LABELS if k.startswith("flyover plane")]
