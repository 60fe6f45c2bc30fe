"""``gdviz slides``: a deck of gallery entries in manim-slides' slide-folder format.

    >>> from gdviz import slides
    >>> slides.make(None, "deck", lang="zh", to="html")     # the course deck, as deck/deck-zh.html

The folder ``DIR`` holds ``deck-LANG.json`` (manim-slides' presentation config, written with its
own pydantic models) and one video per slide in ``files/deck-LANG/``, so ``manim-slides present
--folder DIR deck-LANG`` plays it and ``manim-slides convert`` converts it. The pictures come from
the gallery build (cached in ``DIR/media``). ``to``: html, pdf, pptx (manim-slides' converters)
or beamer (:mod:`gdviz.slides.beamer`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import OutputError, UserInputError
from ..gallery.spec import EXPLORER
from .deck import Deck, load

TARGETS = ("html", "pdf", "pptx", "beamer")
TITLE = "title"    # the deck's first slide: its title
EXPLORER_TITLE = {"en": "Explore it yourself", "zh": "动手探索"}
EXPLORER_NOTES = {"en": "The explorer (explorer.html): pick a surface, an optimizer and a learning rate, then step, "
                        "play and race.",
                  "zh": "探索页面（explorer.html）：选一个曲面、一个优化器和一个学习率，然后单步、播放或比赛。"}


@dataclass
class Shown:
    """One slide as built: its title, notes, the gallery file it shows (None: the title or the explorer), the
    entry's kind and its slide videos (one per act)."""

    entry: str
    title: str
    notes: str
    source: Path | None
    kind: str
    videos: list[Path] = field(default_factory=list)
    captions: list = field(default_factory=list)   # per video: its act's Timeline (captions), or None
    caption: str = ""   # the entry's own caption: with the title, what a screen reader names the slide

    @property
    def label(self) -> str:
        """The slide's accessible name: "Learning rate: Loss against steps for several rates"."""
        return f"{self.title}: {self.caption}" if self.caption and self.caption != self.title else self.title


@dataclass
class Result:
    """What :func:`make` wrote: the presentation config, the slides, the converted file (if any)."""

    config: Path
    slides: list[Shown]
    output: Path | None = None
    scene: str = ""


def scene_name(lang: str) -> str:
    """The presentation's name for manim-slides (``deck-en``): its config is ``DIR/NAME.json``."""
    return f"deck-{lang}"


def make(deck_path=None, out="slides", *, lang: str | None = None, to: str | None = None, jobs: int | None = None,
         size=None, progress=None) -> Result:
    """Build the deck in ``deck_path`` (None: the built-in course deck) into the folder ``out``;
    ``to`` converts it (html, pdf, pptx, beamer). ``size``: the slides' (width, height).
    progress : ``f(stage, done, total)`` as pictures render (stage "pictures") and slides encode
    ("slides")."""
    from . import media

    if to is not None and to not in TARGETS:
        raise UserInputError(f"unknown target '{to}'; choose from: {', '.join(TARGETS)}")
    if lang is not None and lang not in ("en", "zh"):
        raise UserInputError(f"unknown language '{lang}'; choose from: en, zh")
    _require_manim_slides()
    deck = load(deck_path)
    lang = lang or deck.lang or "en"
    size = tuple(size or media.SIZE)
    _entries(deck, lang)   # every picture exists in the deck's language, before anything is written
    folder = _folder(out)
    built = _build_gallery(deck, folder, lang, jobs, figure_format="pdf" if to == "beamer" else "png",
                           progress=progress)
    shown = _shown(deck, lang, folder, built)
    if to != "beamer":   # Beamer makes its own title page
        shown.insert(0, Shown(TITLE, deck.title[lang], "", None, TITLE))
    if any(s.entry == EXPLORER for s in shown):   # the explorer beside the deck, on the deck's surfaces
        from ..web.page import write_for_gallery

        write_for_gallery(built["spec"], folder, (lang,))
    scene = scene_name(lang)
    if to == "beamer":
        from .beamer import write_beamer

        tex = write_beamer(shown, folder, deck.title[lang], lang, scene)
        return Result(tex, shown, tex, scene)
    config = _write_folder(shown, folder, scene, lang, size, progress)
    result = Result(config, shown, scene=scene)
    if to is not None:
        from .convert import convert

        result.output = convert(config, folder, scene, to, shown, deck.title[lang], size, lang)
    return result


def _require_manim_slides():
    try:
        import manim_slides  # noqa: F401
    except ImportError:
        raise UserInputError("gdviz slides needs manim-slides: pip install 'gdviz[slides]'") from None


def _folder(out) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"output '{folder}' is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        from ..files import cause

        raise UserInputError(f"cannot create output folder '{folder}': {cause(e)}") from None
    return folder


def _build_gallery(deck: Deck, folder: Path, lang: str, jobs, figure_format: str, progress=None):
    """Render the deck's entries in ``lang`` through the gallery build (cached in
    ``folder/media``); figures as ``figure_format`` (PNG for slide videos, PDF for Beamer)."""
    from ..gallery import build

    entries = [replace(e, format=figure_format) if e.kind == "figure" else e for e in _entries(deck, lang)]
    spec = replace(deck.spec, entries=entries, slides=[])
    if not entries:
        return {"spec": spec, "result": None, "folder": folder / "media"}
    result = build(spec, folder / "media", jobs=jobs, langs=(lang,), write_index=False, overwrite=True,
                   progress=progress and (lambda done, total, _: progress("pictures", done, total)))
    if result.failed:
        file, message = next(iter(result.failed.items()))
        more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
        raise OutputError(f"cannot make the deck: {file} failed{more}: {message.splitlines()[0]}")
    return {"spec": spec, "result": result, "folder": folder / "media"}


def _entries(deck: Deck, lang: str) -> list:
    """The gallery entries the deck shows, each made in ``lang`` (else one line saying so)."""
    names = {s.entry for s in deck.slides if s.entry != EXPLORER}
    entries = [e for e in deck.spec.entries if e.name in names]
    for e in entries:
        if lang not in e.langs:
            raise UserInputError(f"entry '{e.name}' is not made in {lang} (its lang is {', '.join(e.langs)}); "
                                 f"build the deck with --lang {e.langs[0]} or add {lang} to the entry")
    return entries


def _shown(deck: Deck, lang: str, folder: Path, built: dict) -> list[Shown]:
    entries = {e.name: e for e in built["spec"].entries}
    result = built["result"]
    shown = []
    for s in deck.slides:
        if s.entry == EXPLORER:
            shown.append(Shown(EXPLORER, s.text("title", lang) or EXPLORER_TITLE[lang],
                               s.text("notes", lang) or EXPLORER_NOTES[lang], None, EXPLORER))
            continue
        e = entries[s.entry]
        file = e.filename(lang)
        claims = result.claims.get(file, []) if result else []
        notes = s.text("notes", lang) or "\n\n".join(c.line(lang) for c in claims) or e.text("caption", lang)
        shown.append(Shown(e.name, s.text("title", lang) or e.text("concept", lang) or e.name, notes,
                           built["folder"] / file, e.kind, caption=e.text("caption", lang) or ""))
    return shown


def _write_folder(shown: list[Shown], folder: Path, scene: str, lang: str, size, progress=None) -> Path:
    """The slide videos and ``scene.json`` (manim-slides' PresentationConfig, paths relative to
    the folder's parent, as manim-slides writes them)."""
    from manim_slides.config import PresentationConfig, SlideConfig

    files = folder / "files" / scene
    files.mkdir(parents=True, exist_ok=True)
    _encode(shown, files, lang, size, progress)
    configs, keep = [], set()
    for s in shown:
        s.captions = _captions(s)
        for k, video in enumerate(s.videos):
            keep.add(video.name)
            configs.append(SlideConfig(file=video.resolve(), rev_file=video.resolve(), loop=s.kind == "gif",
                                       notes=s.notes if k == 0 else "", dedent_notes=False))
    for old in files.glob("*.mp4"):   # slides of an earlier deck in this folder
        if old.name not in keep:
            old.unlink()
    config = PresentationConfig(slides=configs, resolution=size, background_color="white")
    data = json.loads(config.model_dump_json())
    base = folder.resolve().parent
    for slide in data["slides"]:
        for key in ("file", "rev_file"):
            slide[key] = os.path.relpath(slide[key], base)
    from ..files import write_text

    path = write_text(folder / f"{scene}.json", json.dumps(data, indent=2, ensure_ascii=False))
    PresentationConfig.from_file(path)   # manim-slides reads it back (a broken folder fails here, not later)
    return path


def _encode(shown: list[Shown], files: Path, lang: str, size, progress=None):
    """Set every slide's videos: taken from the cache when nothing that decides them changed,
    else encoded (in this process: two processes on two cores took 46 s where one took 33 s)."""
    cache = _read_cache(files)
    for i, s in enumerate(shown):
        stem = f"{i + 1:03d}-{s.entry}"
        key = _slide_key(s, lang, size)
        known = cache.get(stem)
        if isinstance(known, dict) and known.get("key") == key and known.get("videos") and all(
                isinstance(v, str) and (files / v).is_file() for v in known["videos"]):
            s.videos = [files / v for v in known["videos"]]
            continue
        s.videos = _slide_videos(s, files, stem, lang, size)   # one process: x264 already uses every core
        cache[stem] = {"key": key, "videos": [v.name for v in s.videos]}
        _write_cache(files, cache)
        if progress:
            progress("slides", i + 1, len(shown))


def _captions(s: Shown) -> list:
    """Per slide video, the captions of its act (a Timeline), None where there are none."""
    from .media import act_timelines

    acts = act_timelines(s.source) if s.source is not None and s.kind == "video" else None
    if acts is None:
        return [None] * len(s.videos)
    if len(s.videos) == 1:
        return [acts[0]] if len(acts) == 1 else [None]
    return [acts[int(v.stem.rsplit("-", 1)[1]) - 1] for v in s.videos]   # NNN-name-K.mp4: act K


def _slide_videos(s: Shown, files: Path, stem: str, lang: str, size) -> list[Path]:
    """Encode one slide: a still (figure, explorer), a looping GIF, or a video per act."""
    from . import media

    canvas = media.Canvas(s.title, lang, size, band=s.kind != TITLE)
    if s.kind in (TITLE, EXPLORER):
        lines = (s.title, "", "gdviz") if s.kind == TITLE else EXPLORER_CARD[lang]
        return [media.still(card(lines, lang, canvas.room), files / f"{stem}.mp4", canvas)]
    if s.kind == "figure":
        return [media.still(s.source, files / f"{stem}.mp4", canvas)]
    if s.source.suffix.lower() == ".gif":
        return [media.gif_video(s.source, files / f"{stem}.mp4", canvas)]
    cuts = media.act_cuts(s.source) if s.kind == "video" else []
    outs = [files / (f"{stem}.mp4" if not cuts else f"{stem}-{k + 1}.mp4") for k in range(len(cuts) + 1)]
    return media.video_acts(s.source, outs, canvas, cuts)


CACHE = ".gdviz-slides.json"   # in the slide videos' folder: slide -> {key, videos}


def _slide_key(s: Shown, lang: str, size) -> str:
    """What decides a slide's videos: the picture's bytes, its act times, the title, language,
    size and gdviz's code."""
    import hashlib

    from ..gallery.build import code_digest, digest
    from .media import act_cuts

    source = list(digest(s.source)) if s.source is not None else None
    cuts = act_cuts(s.source) if s.source is not None and s.kind == "video" else []
    blob = json.dumps([source, cuts, s.kind, s.title, lang, list(size), code_digest()], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _read_cache(files: Path) -> dict:
    from ..files import read_regular

    data = read_regular(files / CACHE, 4_000_000)
    try:
        cache = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return cache if isinstance(cache, dict) else {}


def _write_cache(files: Path, cache: dict):
    from ..files import write_text

    write_text(files / CACHE, json.dumps(cache, indent=1, sort_keys=True))


EXPLORER_CARD = {"en": ("Interactive explorer", "Live in the HTML deck; or open explorer.html beside this deck",
                        "surface · optimizer · learning rate · Step · Play · Race"),
                 "zh": ("交互式探索页面", "在 HTML 幻灯片中可直接操作；或打开本幻灯片旁的 explorer.html",
                        "曲面 · 优化器 · 学习率 · 单步 · 播放 · 比赛")}


def card(lines, lang: str, room) -> "Image.Image":   # noqa: F821
    """A slide of text: a headline, a line in blue and a small grey line, centred (the deck's
    title; the explorer's card in decks that cannot embed it, PDF and PPTX)."""
    import numpy as np
    from PIL import Image

    from ..render.mpl import new_figure, rc

    width, height = room
    fig = new_figure(width, height)
    px = height / 100 * 72 / fig.dpi
    with rc(lang):
        headline = fig.text(0.5, 0.62, lines[0], ha="center", va="center", fontsize=9 * px, fontweight="bold",
                            color="#1f2937")
        fig.text(0.5, 0.45, lines[1], ha="center", va="center", fontsize=4.5 * px, color="#1f4e9a")
        fig.text(0.5, 0.33, lines[2], ha="center", va="center", fontsize=4 * px, color="#4b5563")
        fig.canvas.draw()
        wide = headline.get_window_extent().width
        if wide > 0.92 * width:   # a long title: smaller, to fit
            headline.set_fontsize(9 * px * 0.92 * width / wide)
            fig.canvas.draw()
        return Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
