"""Scene timelines (gdviz.timeline): the texts a video shows and when, and its act boundaries,
recorded as a scene renders, kept beside the video, and written as WebVTT captions/chapters."""
from __future__ import annotations

import re

import numpy as np
import pytest

from gdviz import timeline
from gdviz.errors import UserInputError
from gdviz.timeline import Cue, Timeline

VTT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue of a WebVTT file, checked against the format's grammar."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    out = []
    for block in blocks[1:]:
        lines = block.split("\n")
        assert lines[0].isdigit(), block
        m = VTT_TIME.match(lines[1])
        assert m, lines[1]
        g = [int(x) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        assert all(line.strip() for line in lines[2:]) and "-->" not in "".join(lines[2:])
        out.append((start, end, "\n".join(lines[2:])))
    return out


def unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# -- the data type, no rendering --------------------------------------------------------------
def test_vtt_stamps_escapes_and_keeps_lines():
    tl = Timeline(3725.5, [Cue(0.0, 1.25, "loss < 1e-3 & x -> 0\nsecond line"), Cue(61.0, 3725.5, "学习率 0.1")],
                  [61.0], "zh", ["Act one", ""])
    text = tl.to_vtt()
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.250\nloss &lt; 1e-3 &amp; x -&gt; 0\nsecond line\n")
    assert "00:01:01.000 --> 01:02:05.500\n学习率 0.1" in text
    assert [unescape(c[2]) for c in parse_vtt(text)] == [c.text for c in tl.cues]
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


def region(scene, text: str, shape) -> tuple[slice, slice]:
    """The pixels of the marked mobject showing ``text``."""
    from manim import config

    mob = next(m for m in scene._cue_state()["marked"] if m.cue_text == text)
    h, w = shape[:2]
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
    checked = 0
    for cue in tl.cues:
        if cue.end - cue.start < 0.25:
            continue
        rows, cols = region(scene, cue.text, frames[0].shape)
        shown_first, shown_last = at(cue.start + 0.1)[rows, cols], at(cue.end - 0.1)[rows, cols]
        assert (shown_first.min(-1) < 120).mean() > 0.01, cue.text       # ink of text in its place
        assert (shown_last.min(-1) < 120).mean() > 0.01, cue.text
        if cue.start >= 0.1:   # before the cue its place looked different (the text was not there)
            assert np.abs(at(cue.start - 0.1)[rows, cols] - shown_first).mean() > 3, cue.text
        if cue.end + 0.1 < duration:
            assert np.abs(at(cue.end + 0.1)[rows, cols] - shown_last).mean() > 3, cue.text
        checked += 1
    assert checked >= 4


def test_acts_and_captions_files(rendered):
    out, scene, frames, fps = rendered
    tl = timeline.read(out)
    assert len(tl.acts) == 2 and 0 < tl.acts[0] < tl.acts[1] < tl.duration
    # each act's closing caption is on screen up to the click point: the hold is over there
    for act in tl.acts:
        assert any(abs(c.end - act) < 0.1 + 0.45 * SCALE and c.start < act - 0.2 for c in tl.cues)
    captions = parse_vtt(out.with_suffix(".vtt").read_text())
    assert [unescape(c[2]) for c in captions] == [c.text for c in tl.cues]
    starts = [c[0] for c in captions]
    assert starts == sorted(starts) and all(0 <= a < b <= len(frames) / fps + 1e-3 for a, b, _ in captions)
    chapters = parse_vtt((out.parent / "contour.chapters.vtt").read_text())
    assert [c[2] for c in chapters] == ["Gradient descent on a round bowl", "Gradient descent on an elongated bowl",
                                        "Feature scaling"]
    assert [c[1] for c in chapters[:-1]] == [pytest.approx(a, abs=1e-3) for a in tl.acts]
