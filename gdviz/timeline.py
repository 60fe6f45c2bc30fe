"""A video's timeline: the texts it shows and when (captions), and where a lecturer would click to
go on (acts), in the video's own seconds. Every gdviz scene records one as it renders
(:meth:`gdviz.scenes.base.GdvizScene.timeline`); it is kept beside the video as a sidecar and
gives the WebVTT captions and chapters the players, the gallery page and the slide decks use.

    >>> tl = Timeline(12.0, [Cue(0.0, 7.5, "Learning rates"), Cue(7.5, 12.0, "Goldilocks wins")], [7.5])
    >>> print(tl.to_vtt().splitlines()[2])
    00:00:00.000 --> 00:00:07.500
    >>> write(Path("out/lr.mp4"), tl)     # out/lr.timeline.json (read(Path("out/lr.mp4")) gives it back)

Neither numpy nor manim is imported here.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserInputError

VERSION = 1
SIDECAR = ".timeline.json"      # NAME.mp4 -> NAME.timeline.json
ACT_TITLE = {"en": "Act {n}", "zh": "第 {n} 幕"}


@dataclass(frozen=True)
class Cue:
    """A text on screen from ``start`` to ``end`` (seconds); lines as shown, split at newlines."""
    start: float
    end: float
    text: str


@dataclass
class Timeline:
    """``duration`` seconds; ``cues`` in order of their start; ``acts``: the click points
    (seconds, strictly increasing, strictly inside (0, duration)); a one-act video has none;
    ``titles``: each act's title (its heading), for the chapters."""
    duration: float
    cues: list[Cue] = field(default_factory=list)
    acts: list[float] = field(default_factory=list)
    lang: str = "en"
    titles: list[str] = field(default_factory=list)    # per act (its heading's title), may be empty

    def to_vtt(self) -> str:
        """WebVTT captions: one cue per text, its lines as shown.

        WEBVTT / (blank) / 1 / 00:00:01.200 --> 00:00:05.000 / Learning rates / ..."""
        blocks = ["WEBVTT"]
        for i, c in enumerate(self.cues, 1):
            lines = [_escape(s) for s in c.text.splitlines() if s.strip()]
            if lines and _ms(c.end) > _ms(c.start):
                blocks.append(f"{i}\n{stamp(c.start)} --> {stamp(c.end)}\n" + "\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    def chapters(self) -> list[tuple[float, float, str]]:
        """(start, end, title) per act: the act's title, else "Act n" in the timeline's language."""
        bounds = [0.0, *self.acts, self.duration]
        out = []
        for n, (a, b) in enumerate(zip(bounds, bounds[1:]), 1):
            title = " ".join(self.titles[n - 1].split()) if n <= len(self.titles) else ""
            out.append((a, b, title or ACT_TITLE.get(self.lang, ACT_TITLE["en"]).format(n=n)))
        return out

    def chapters_vtt(self) -> str:
        """The acts as a WebVTT chapters track (``<track kind="chapters">``)."""
        blocks = ["WEBVTT"]
        for i, (a, b, title) in enumerate(self.chapters(), 1):
            blocks.append(f"{i}\n{stamp(a)} --> {stamp(b)}\n{_escape(title)}")
        return "\n\n".join(blocks) + "\n"

    def to_json(self) -> str:
        return json.dumps({"version": VERSION, "lang": self.lang, "duration": self.duration,
                           "cues": [{"start": c.start, "end": c.end, "text": c.text} for c in self.cues],
                           "acts": list(self.acts), "titles": list(self.titles)}, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "timeline") -> Timeline:
        """The timeline in ``text``, checked; a malformed one raises one line naming ``where``."""
        try:
            data = json.loads(text)
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}, expected {VERSION}")
            duration = _seconds(data["duration"])
            cues = [Cue(_seconds(c["start"]), _seconds(c["end"]), str(c["text"])) for c in data["cues"]]
            acts = [_seconds(a) for a in data["acts"]]
            lang = str(data.get("lang", "en"))
            titles = [str(t) for t in data.get("titles", [])]
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            raise UserInputError(f"{where} is not a gdviz timeline ({e})") from None
        tl = cls(duration, cues, acts, lang, titles)
        problem = tl.problem()
        if problem:
            raise UserInputError(f"{where} is not a gdviz timeline ({problem})")
        return tl

    def problem(self) -> str | None:
        """What is wrong with this timeline, or None: cues within [0, duration] and not
        ending before they start; acts strictly increasing inside (0, duration)."""
        for c in self.cues:
            if not 0 <= c.start <= c.end <= self.duration + 1e-6:
                return f"cue {c.text[:30]!r} at {c.start:g}-{c.end:g} s is outside 0-{self.duration:g} s"
        if any(not 0 < a < self.duration for a in self.acts) or any(b <= a for a, b in zip(self.acts, self.acts[1:])):
            return f"acts {self.acts} must increase strictly inside (0, {self.duration:g})"
        return None


def stamp(seconds: float) -> str:
    """WebVTT's HH:MM:SS.mmm: ``stamp(75.5)`` is ``'00:01:15.500'``."""
    ms = _ms(seconds)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _escape(s: str) -> str:
    """A line of cue text with WebVTT's special characters escaped (so "-->" cannot occur)."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _seconds(v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"{v!r} is not a number of seconds")
    return float(v)


def sidecar(video_path) -> Path:
    """Where the timeline of ``video_path`` lives: ``x.mp4`` -> ``x.timeline.json``."""
    p = Path(video_path)
    return p.with_name(p.stem + SIDECAR)


def captions_path(video_path) -> Path:
    """``x.mp4`` -> ``x.vtt``: the captions track."""
    p = Path(video_path)
    return p.with_name(p.stem + ".vtt")


def chapters_path(video_path) -> Path:
    """``x.mp4`` -> ``x.chapters.vtt``: the chapters track (a video in several acts)."""
    p = Path(video_path)
    return p.with_name(p.stem + ".chapters.vtt")


def companions(video_path) -> list[Path]:
    """Every file this module may write beside ``video_path``."""
    return [sidecar(video_path), captions_path(video_path), chapters_path(video_path)]


def _put(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, unless it already holds exactly that (a rebuild
    that changes nothing writes nothing)."""
    from .files import write_text

    try:
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return path
    except OSError:
        pass
    return write_text(path, text)


def write(video_path, timeline: Timeline) -> Path:
    """Write ``timeline`` beside ``video_path`` (atomically); returns the sidecar's path."""
    return _put(sidecar(video_path), timeline.to_json())


def read(video_path) -> Timeline | None:
    """The timeline kept beside ``video_path``, or None when there is none."""
    path = sidecar(video_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise UserInputError(f"cannot read timeline '{path}': {e}") from None
    return Timeline.from_json(text, f"'{path}'")


def write_vtt(video_path, timeline: Timeline) -> list[Path]:
    """Write the captions ``x.vtt`` (and, for a video in several acts, the chapters
    ``x.chapters.vtt``) beside ``video_path``, atomically; returns the paths written."""
    out = [_put(captions_path(video_path), timeline.to_vtt())]
    if timeline.acts:
        out.append(_put(chapters_path(video_path), timeline.chapters_vtt()))
    return out


__all__ = ["Cue", "Timeline", "captions_path", "chapters_path", "companions", "read", "sidecar", "stamp", "write",
           "write_vtt"]
