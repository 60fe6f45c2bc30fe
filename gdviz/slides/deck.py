"""Decks: which gallery entries a slide deck shows, in what order, with what titles and notes.

A deck file lists slides of the built-in gallery (or the ``[[slide]]`` tables may sit in a
gallery spec, naming its own entries)::

    title = "Gradient descent in ten minutes"
    lang = "zh"                        # en or zh (gdviz slides --lang overrides it)

    [[slide]]
    entry = "lr-triptych"              # a gallery entry's name, or "explorer"
    title = "Three learning rates"     # default: the entry's concept
    notes = "Ask the class first."     # default: the entry's checked claims

Without a deck file: the built-in course deck, every entry of the built-in gallery in the order
of the course notes, with the explorer after the Playground figure.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserInputError
from ..gallery import spec as gallery_spec
from ..gallery.spec import EXPLORER, Slide, Spec

DECK_KEYS = ("title", "title_zh", "lang", "slide")
EXPLORER_AFTER = "playground"   # where the built-in deck shows the explorer: beside MLCC's Playground


@dataclass(frozen=True)
class Deck:
    """A deck to build: the spec whose entries it shows (``spec_path`` None: the built-in
    gallery), its slides, its title ({"en", "zh"}) and its language (None: not chosen)."""

    spec: Spec
    spec_path: Path | None
    slides: list[Slide]
    title: dict
    lang: str | None = None


def load(path=None) -> Deck:
    """The deck in ``path`` (a deck file, or a gallery spec with or without ``[[slide]]``
    tables); the built-in course deck when None. Problems are one line naming file and line."""
    if path is None:
        return _built_in()
    p = Path(path)
    if not p.is_file():
        raise UserInputError(f"deck file '{p}' does not exist" if not p.exists() else
                             f"deck '{p}' is not a regular file")
    text = gallery_spec._read_utf8(p, str(p))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserInputError(f"{p}: not valid TOML: {e}") from None
    if "entry" in data or "defaults" in data:   # a gallery spec: its slides name its own entries
        spec = gallery_spec.load(p)
        slides = spec.slides or [Slide(e.name) for e in spec.entries]
        return Deck(spec, p, slides, spec.title)

    def fail(line, message):
        raise UserInputError(f"{p}:{line}: {message}")

    loc = gallery_spec._Locator(text)
    for key in data:
        if key not in DECK_KEYS:
            fail(gallery_spec._top_line(text, key), f"unknown key '{key}'; accepted: {', '.join(DECK_KEYS)} "
                 "(or write a gallery spec with [[entry]] tables)")
    for key in ("title", "title_zh"):
        if key in data and (not isinstance(data[key], str) or len(data[key]) > gallery_spec.MAX_TEXT):
            fail(gallery_spec._top_line(text, key), f"'{key}' must be text of at most {gallery_spec.MAX_TEXT} "
                 f"characters, got {data[key]!r:.60}")
    lang = data.get("lang")
    if lang is not None and lang not in gallery_spec.LANGS:
        fail(gallery_spec._top_line(text, "lang"), f"lang must be en or zh, got {lang!r}")
    if "slide" not in data:
        fail(1, "the deck lists no [[slide]] tables")
    built_in = gallery_spec.load()
    slides = gallery_spec.read_slides(data["slide"], [e.name for e in built_in.entries], loc, fail)
    title = {"en": data.get("title", built_in.title["en"]),
             "zh": data.get("title_zh", data.get("title", built_in.title["zh"]))}
    return Deck(built_in, None, slides, title, lang)


def _built_in() -> Deck:
    spec = gallery_spec.load()
    slides = []
    for e in spec.entries:
        slides.append(Slide(e.name))
        if e.name == EXPLORER_AFTER:
            slides.append(Slide(EXPLORER))
    if EXPLORER_AFTER not in [e.name for e in spec.entries]:
        slides.append(Slide(EXPLORER))
    return Deck(spec, None, slides, spec.title)
