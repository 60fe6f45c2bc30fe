"""Alt text for a gallery picture: the spec's ``alt`` (``alt_zh``), else the caption followed by
the claims the picture's runs bear out, in the entry's language, at most :data:`MAX_TEXT`
characters, whole claims only:

    >>> alt_text(entry, "en", claims)
    'Too small (0.16) crawls ... Goldilocks reaches the minimum first: 1 vs 50 steps; ...'
"""
from __future__ import annotations

from .spec import MAX_TEXT

END = {"en": ".", "zh": "。"}
JOIN = {"en": "; ", "zh": "；"}
GAP = {"en": " ", "zh": ""}         # between the caption's last sentence and the claims
CLOSERS = ".!?。！？"


def alt_text(entry, lang: str, claims=()) -> str:
    """The alt text of ``entry``'s picture in ``lang``; ``claims``: the
    :class:`gdviz.claims.Claim` s the picture makes (those that do not hold are left out)."""
    given = entry.text("alt", lang)
    if given:
        return " ".join(given.split())[:MAX_TEXT]
    caption = " ".join(entry.text("caption", lang).split()) or entry.name
    if not caption.endswith(tuple(CLOSERS)):
        caption += END[lang]
    out, lines = caption, []
    for c in claims:
        if c.holds:
            line = " ".join(c.line(lang).split()).rstrip(CLOSERS)
            lines.append(line if lines else line[:1].upper() + line[1:])   # a new sentence
            text = caption + GAP[lang] + JOIN[lang].join(lines) + END[lang]
            if len(text) > MAX_TEXT:
                break
            out = text
    return out[:MAX_TEXT]


__all__ = ["alt_text"]
