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
from ..gallery.spec import EXPLORER

REVEAL = Path(__file__).parent / "revealjs"
REVEAL_VERSION = "6.0.1"   # the reveal.js in REVEAL: the version manim-slides 5.7's template loads


def convert(config_path: Path, folder: Path, scene: str, to: str, shown, title: str, size, lang: str = "en") -> Path:
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
                if (folder / assets).is_dir():   # manim-slides keeps a video already there, even if changed
                    shutil.rmtree(folder / assets)
                _copy_reveal(folder / assets / "revealjs", version)
                RevealJS(presentation_configs=configs, assets_dir=assets, cdn_url=f"{assets}/revealjs",
                         title=title, background_color="white").convert_to(Path(tmp))
                Path(tmp).write_text(_finish_html(Path(tmp).read_text(encoding="utf-8"), shown, lang), encoding="utf-8")
            elif to == "pdf":
                PDF(presentation_configs=configs).convert_to(Path(tmp))
            else:
                PowerPoint(presentation_configs=configs, width=size[0], height=size[1]).convert_to(Path(tmp))
                _link_explorer(Path(tmp), shown)
    except OSError as e:
        raise OutputError(f"cannot write '{dest}': {cause(e)}") from None
    return dest


def _link_explorer(pptx_path: Path, shown):
    """In the PowerPoint deck, clicking the explorer slide's card opens explorer.html."""
    import pptx

    index = [s.kind == EXPLORER for s in shown for _ in s.videos]
    if not any(index):
        return
    prs = pptx.Presentation(str(pptx_path))
    for slide, explorer in zip(prs.slides, index):
        if explorer:
            slide.shapes[0].click_action.hyperlink.address = "explorer.html"
    prs.save(str(pptx_path))


def _copy_reveal(target: Path, version: str):
    """reveal.js's files beside the deck (only when manim-slides asks for the version we ship)."""
    if REVEAL_VERSION != version:
        raise OutputError(f"manim-slides asks for reveal.js {version}, gdviz ships {REVEAL_VERSION} for offline decks: "
                          "install the manim-slides version gdviz was tested with (pip install 'gdviz[slides]')")
    shutil.copytree(REVEAL, target, ignore=shutil.ignore_patterns("README.md"))


LANGUAGE = {"en": "English", "zh": "中文"}
EXPLORER_SLIDE = "explorer.html#lecture=true"   # in a deck the explorer opens in lecture mode (large type)
# a slide's captions as a <track> on the background video reveal.js makes for it (when it makes it),
# hidden until C shows them (they repeat the picture's own text and would cover it); the explorer
# slide's keys
DECK_SCRIPT = """
(function () {
  var shown = false;
  function captions(slide) {
    var background = slide && Reveal.getSlideBackground(slide);
    var video = background && background.querySelector('video');
    if (!video || !slide.dataset.captions || video.querySelector('track')) return;
    var track = document.createElement('track');
    track.kind = 'captions';
    track.src = slide.dataset.captions;
    track.srclang = slide.dataset.captionsLang;
    track.label = slide.dataset.captionsLabel;
    video.appendChild(track);
    track.track.mode = shown ? 'showing' : 'hidden';   // hidden: loaded, not drawn
  }
  function toggleCaptions() {
    shown = !shown;
    document.querySelectorAll('.backgrounds video').forEach(function (video) {
      for (var k = 0; k < video.textTracks.length; k++) video.textTracks[k].mode = shown ? 'showing' : 'hidden';
    });
  }
  Reveal.addKeyBinding({ keyCode: 67, key: 'C', description: 'Captions on or off' }, toggleCaptions);
  // the explorer slide's page sends the keys it leaves alone (gdviz.web.page): a clicker's
  // PageDown/PageUp and the arrows still turn the page after a click inside the explorer
  addEventListener('message', function (event) {
    var frame = document.querySelector('.backgrounds iframe[src^="explorer.html"]');
    var mine = frame && event.source === frame.contentWindow;
    var key = mine && event.data && event.data.gdviz === 'key' && event.data.key;
    var next = key === 'PageDown' || key === 'ArrowRight' || key === 'ArrowDown';
    if (!next && key !== 'PageUp' && key !== 'ArrowLeft' && key !== 'ArrowUp') return;
    document.activeElement.blur();   // the keys are the deck's again (the frame is unloaded when left)
    if (next) Reveal.next(); else Reveal.prev();
  });
  Reveal.on('ready', function (event) { captions(event.currentSlide); });
  Reveal.on('slidechanged', function (event) { captions(event.currentSlide); });
})();
"""


def _finish_html(html: str, shown, lang: str = "en") -> str:
    """manim-slides' reveal.js page, finished for gdviz: each section named by its slide's title
    and caption (screen readers), every video muted (they are silent; muted videos may autoplay), a
    video's captions (its act's WebVTT, from the scene timeline) as a track that C shows or hides,
    and the explorer slide the live explorer page."""
    import base64

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    sections = soup.select("div.slides > section")
    k = 0
    for s in shown:
        for captions in s.captions or [None] * len(s.videos):
            section = sections[k]
            k += 1
            section["aria-label"] = s.label
            if s.kind == EXPLORER:
                for attr in ("data-background-video", "data-background-video-muted", "data-background-video-loop"):
                    section.attrs.pop(attr, None)
                section["data-background-iframe"] = EXPLORER_SLIDE
                section["data-background-interactive"] = ""
                continue
            section["data-background-video-muted"] = ""
            if captions is not None and captions.cues:
                vtt = base64.b64encode(captions.to_vtt().encode("utf-8")).decode("ascii")
                section["data-captions"] = f"data:text/vtt;base64,{vtt}"
                section["data-captions-lang"] = lang
                section["data-captions-label"] = LANGUAGE[lang]
    script = soup.new_tag("script")
    script.string = DECK_SCRIPT
    soup.body.append(script)
    return str(soup)
