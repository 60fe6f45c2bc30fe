"""A deck folder to HTML, PDF or PowerPoint with manim-slides' own converters.

The HTML deck works offline from disk: reveal.js comes from the copy in ``revealjs/`` (the
version manim-slides' template asks for), copied beside the deck instead of a CDN. The explorer
slide is the live explorer page (a reveal.js background iframe that takes the mouse and keys);
in PDF and PowerPoint it is the still card that says where to open it.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

from ..errors import OutputError

REVEAL = Path(__file__).parent / "revealjs"
REVEAL_VERSION = "6.0.1"   # the reveal.js in REVEAL: the version manim-slides 5.7's template loads


def convert(config_path: Path, folder: Path, scene: str, to: str, shown, title: str, size) -> Path:
    """Convert ``folder/scene.json`` to ``folder/scene.{html,pdf,pptx}``; returns that file."""
    from manim_slides.config import PresentationConfig
    from manim_slides.convert import PDF, PowerPoint, RevealJS

    from ..files import atomic_path, cause

    configs = [PresentationConfig.from_file(config_path)]
    dest = folder / f"{scene}.{to}"
    assets = f"{scene}_assets"
    try:
        with atomic_path(dest) as tmp, contextlib.redirect_stderr(io.StringIO()):   # manim-slides' progress bars
            if to == "html":
                version = RevealJS.model_fields["reveal_version"].default
                _copy_reveal(folder / assets / "revealjs", version)
                RevealJS(presentation_configs=configs, assets_dir=assets, cdn_url=f"{assets}/revealjs",
                         title=title, background_color="white").convert_to(Path(tmp))
                Path(tmp).write_text(_finish_html(Path(tmp).read_text(encoding="utf-8"), shown), encoding="utf-8")
            elif to == "pdf":
                PDF(presentation_configs=configs).convert_to(Path(tmp))
            else:
                PowerPoint(presentation_configs=configs, width=size[0], height=size[1]).convert_to(Path(tmp))
    except OSError as e:
        raise OutputError(f"cannot write '{dest}': {cause(e)}") from None
    return dest


def _copy_reveal(target: Path, version: str):
    """reveal.js's files beside the deck (only when manim-slides asks for the version we ship)."""
    if REVEAL_VERSION != version:
        raise OutputError(f"manim-slides asks for reveal.js {version}, gdviz ships {REVEAL_VERSION} for offline decks: "
                          "install the manim-slides version gdviz was tested with (pip install 'gdviz[slides]')")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REVEAL, target, ignore=shutil.ignore_patterns("README.md"))


def _finish_html(html: str, shown) -> str:
    """manim-slides' reveal.js page, finished for gdviz: each section named by its slide's title
    (screen readers), every video muted (they are silent; muted videos may autoplay), and the
    explorer slide the live explorer page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    sections = soup.select("div.slides > section")
    k = 0
    for s in shown:
        for _ in s.videos:
            section = sections[k]
            k += 1
            section["aria-label"] = s.title
            if s.source is None:   # the explorer
                for attr in ("data-background-video", "data-background-video-muted", "data-background-video-loop"):
                    section.attrs.pop(attr, None)
                section["data-background-iframe"] = "explorer.html"
                section["data-background-interactive"] = ""
            else:
                section["data-background-video-muted"] = ""
    return str(soup)
