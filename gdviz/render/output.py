"""Output files of the renderers: the extensions each writes; checks and atomic writes live in
:mod:`gdviz.files`."""
from __future__ import annotations

from ..files import atomic_path, check_output

STATIC = (".png", ".svg", ".pdf")
ANIMATED = (".gif", ".mp4", ".webm")

__all__ = ["STATIC", "ANIMATED", "check_output", "atomic_path"]
