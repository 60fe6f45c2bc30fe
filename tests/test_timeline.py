"""Scene timelines (gdviz.timeline): the texts a video shows and when, and its act boundaries,
recorded as a scene renders, kept beside the video, and written as WebVTT captions/chapters."""
from __future__ import annotations

import re

import numpy as np
import pytest
from vtt import parse_vtt

from gdviz import timeline
from gdviz.errors import UserInputError
from gdviz.timeline import Cue, Timeline


# -- the data type, no rendering --------------------------------------------------------------
def test_vtt_stamps_escapes_and_keeps_lines():
    tl = Timeline(3725.5, [Cue(0.0, 1.25, "loss < 1e-3 & x -> 0\nsecond line"), Cue(61.0, 3725.5, "学习率 0.1")],
                  [61.0], "zh", ["Act one", ""])
    text = tl.to_vtt()
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.250\nloss &lt; 1e-3 &amp; x -&gt; 0\nsecond line\n")
    assert "00:01:01.000 --> 01:02:05.500\n学习率 0.1" in text
    assert [c[2] for c in parse_vtt(text)] == [c.text for c in tl.cues]
    chapters = parse_vtt(tl.chapters_vtt())
    assert chapters == [(0.0, 61.0, "Act one"), (61.0, 3725.5, "第 2 幕")]


def test_json_round_trip_and_sidecar(tmp_path):
    tl = Timeline(4.0, [Cue(0.0, 2.5, "Heading\nsub"), Cue(2.5, 4.0, "Caption")], [2.5], "en", ["Heading"])
    video = tmp_path / "race-zh.mp4"
    assert timeline.read(video) is None
    assert timeline.write(video, tl) == tmp_path / "race-zh.timeline.json"
    assert timeline.read(video) == tl
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race-zh.timeline.json"]   # no temporaries left


@pytest.mark.parametrize("text, problem", [
    ("[]", "not a gdviz timeline"),
    ('{"version": 1, "duration": 2, "cues": [], "acts": [2]}', "acts [2.0] must increase strictly inside (0, 2)"),
    ('{"version": 1, "duration": 2, "cues": [{"start": 1, "end": 3, "text": "x"}], "acts": []}', "outside 0-2 s"),
    ('{"version": 1, "duration": NaN, "cues": [], "acts": []}', "is not a number of seconds"),
])
def test_a_broken_sidecar_is_one_line(tmp_path, text, problem):
    (tmp_path / "x.timeline.json").write_text(text)
    with pytest.raises(UserInputError, match=re.escape(problem)) as e:
        timeline.read(tmp_path / "x.mp4")
    assert "\n" not in str(e.value) and "x.timeline.json" in str(e.value)


# -- a rendered scene --------------------------------------------------------------------------
SCALE = 0.1


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """contour-descent (three acts) at low quality, with the scene object kept to find where each
    cue's text is drawn."""
    pytest.importorskip("manim")
    import av

    from gdviz import video
    from gdviz.scenes.base import GdvizScene

    scenes = []
    original = GdvizScene.timeline

    def keep(self):
        scenes.append(self)
        return original(self)

    folder = tmp_path_factory.mktemp("timeline")
    out = folder / "contour.mp4"
    mp = pytest.MonkeyPatch()
    mp.setattr(GdvizScene, "timeline", keep)
    try:
        video.render("contour-descent", out, quality="low", time_scale=SCALE, captions=True)
    finally:
        mp.undo()
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(stream)]
        fps = float(stream.average_rate)
    return out, scenes[0], frames, fps


def region(scene, cue) -> tuple[slice, slice]:
    """The pixels of the mobject that showed ``cue``."""
    from manim import config

    state = scene._cue_state()
    spans = state["done"] + [(start, None, mob) for start, mob in state["open"].values()]
    mob = next(m for start, _, m in spans if m.cue_text == cue.text and abs(start - cue.start) < 1e-9)
    h, w = scene.camera.pixel_height, scene.camera.pixel_width
    (x0, y0, _), (x1, y1, _) = mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])
    px = lambda x: int(np.clip((x / config.frame_width + 0.5) * w, 0, w))     # noqa: E731
    py = lambda y: int(np.clip((0.5 - y / config.frame_height) * h, 0, h))    # noqa: E731
    return slice(py(y1), py(y0)), slice(px(x0), px(x1))


def test_cues_are_timed_to_the_texts_in_the_frames(rendered):
    out, scene, frames, fps = rendered
    tl = timeline.read(out)
    duration = len(frames) / fps
    assert tl.duration == pytest.approx(duration, abs=1e-6)
    assert len(tl.cues) >= 6 and tl.cues[0].start == 0.0      # the heading is there from the poster frame on
    at = lambda t: frames[min(int(t * fps + 1e-6), len(frames) - 1)].astype(float)   # noqa: E731
    checked = []
    for cue in tl.cues:
        if cue.end - cue.start < 0.25:
            continue
        rows, cols = region(scene, cue)
        shown_first, shown_last = at(cue.start + 0.1)[rows, cols], at(cue.end - 0.1)[rows, cols]
        assert (shown_first.min(-1) < 120).mean() > 0.01, cue.text       # ink of text in its place
        assert (shown_last.min(-1) < 120).mean() > 0.01, cue.text
        if cue.start >= 0.1:   # before the cue its place looked different (the text was not there)
            assert np.abs(at(cue.start - 0.1)[rows, cols] - shown_first).mean() > 3, cue.text
        if cue.end + 0.1 < duration:
            assert np.abs(at(cue.end + 0.1)[rows, cols] - shown_last).mean() > 3, cue.text
        checked.append(cue.text)
    assert len(checked) >= 6 and "gradient descent: converged" in checked     # captions and read-outs


def test_acts_and_captions_files(rendered):
    out, scene, frames, fps = rendered
    tl = timeline.read(out)
    assert len(tl.acts) == 2 and 0 < tl.acts[0] < tl.acts[1] < tl.duration
    # each act's closing caption is on screen up to the click point: the hold is over there
    for act in tl.acts:
        assert any(abs(c.end - act) < 0.1 + 0.45 * SCALE and c.start < act - 0.2 for c in tl.cues)
    captions = parse_vtt(out.with_suffix(".vtt").read_text())
    assert [c[2] for c in captions] == [c.text for c in tl.cues]
    starts = [c[0] for c in captions]
    assert starts == sorted(starts) and all(0 <= a < b <= len(frames) / fps + 1e-3 for a, b, _ in captions)
    chapters = parse_vtt((out.parent / "contour.chapters.vtt").read_text())
    assert [c[2] for c in chapters] == ["Gradient descent on a round bowl", "Gradient descent on an elongated bowl",
                                        "Feature scaling"]
    assert [c[1] for c in chapters[:-1]] == [pytest.approx(a, abs=1e-3) for a in tl.acts]


def test_gdviz_video_captions(tmp_path, capsys):
    """``gdviz video --captions`` writes the captions beside the video: the scene's texts, timed
    inside the video (read back with PyAV); a one-act scene has no chapters."""
    pytest.importorskip("manim")
    import av

    from gdviz.cli import main

    out = tmp_path / "lr-zh.mp4"
    code = main(["video", "learning-rates", "--quality", "low", "--time-scale", "0.05", "--lang", "zh",
                 "--captions", "-o", str(out)])
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lr-zh.mp4", "lr-zh.timeline.json", "lr-zh.vtt"]
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        seconds = s.frames / float(s.average_rate)
    cues = parse_vtt((tmp_path / "lr-zh.vtt").read_text())
    assert [c[2] for c in cues] == [c.text for c in timeline.read(out).cues]
    assert cues[0][0] == 0 and all(0 <= a < b <= seconds + 1e-3 for a, b, _ in cues)
    assert cues[0][2].startswith("学习率") and any("发散" in c[2] for c in cues)   # the heading; a read-out
    assert "lr-zh.vtt" in capsys.readouterr().out


def test_gdviz_video_captions_needs_a_video(tmp_path, capsys):
    pytest.importorskip("manim")
    from gdviz.cli import main

    assert main(["video", "learning-rates", "--captions", "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["gdviz: error: --captions needs a video (mp4, webm or gif), not a png still"]
    assert list(tmp_path.iterdir()) == []


def test_a_new_video_never_keeps_the_old_videos_timeline(tmp_path, monkeypatch):
    """The old captions go before the new video is published: if the new timeline cannot be
    written (here: the disk refuses), the video has none rather than the old one's."""
    pytest.importorskip("manim")
    from gdviz import video
    from gdviz.errors import OutputError

    out = tmp_path / "lr.mp4"
    out.write_bytes(b"old video")
    stale = Timeline(60.0, [Cue(0.0, 60.0, "an old scene")], [30.0], "en", ["old"])
    timeline.write(out, stale)
    timeline.write_vtt(out, stale)

    def refuse(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(timeline, "write", refuse)
    with pytest.raises(OutputError, match="no space left on the device"):
        video.render("learning-rates", out, quality="low", time_scale=0.05, captions=True)
    assert out.read_bytes()[4:8] == b"ftyp" and sorted(p.name for p in tmp_path.iterdir()) == ["lr.mp4"]
