"""The gallery's preview page: ``index.html`` in the output folder, usable straight from disk.

One language at a time: a switch in the bar (English / 中文) whose choice is kept in
``localStorage``; a link with ``?lang=zh`` or ``#lang=zh`` chooses it too, and the first visit
follows the browser's language (zh for zh-*). Entries are grouped by concept, the groups flowing
on in one grid (each concept's title opens its first card, so a short group leaves no empty row);
each card shows its picture (click or Enter to enlarge it in a lightbox: Esc or the close button
closes it, ← → step through the pictures) or video (``preload="metadata"``), a line with the
file's type, duration, pixels and size and a download link, the caption, the claims it proves in
words (their numbers one click away), and, behind "Reuse" on the name's line, the gdviz command
that makes it again and embed snippets (Markdown, reStructuredText, HTML) with copy buttons.
Pictures load lazily, so the hidden language costs nothing. A small script records on ``<body>``
how many of the shown pictures and videos loaded so far (``data-media-ok``, ``data-media-total``,
``data-media-failed``), which the tests read in headless Chromium. Everything from a spec or a
claim is HTML-escaped; the page's only script is its own, with no inline handlers.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..style import label
from .alt import alt_text
from .render import command
from .spec import Spec

VIDEO = (".mp4", ".webm")
PICTURE = (".png", ".gif", ".svg", ".jpg", ".jpeg", ".webp")
CODES = {"en": "en", "zh": "zh-Hans"}   # the lang attribute of each language
NAMES = {"en": "English", "zh": "中文"}  # each language in its own words, on the switch
STORE = "gdviz-gallery-lang"            # the localStorage key of the chosen language

CSS = """
:root { --ink:#222; --muted:#666; --line:#e3e3e3; --accent:#0072B2; --good:#009E73; --bad:#D55E00; }
* { box-sizing: border-box; }
html[data-shown="en"] [data-lang="zh"], html[data-shown="zh"] [data-lang="en"] { display: none !important; }
body { font: 15px/1.5 "DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif; color: var(--ink);
       margin: 0; background: #fafafa; }
a { color: var(--accent); }
header { padding: 20px 32px 10px; background: white; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
.bar { position: sticky; top: 0; z-index: 2; background: white; border-bottom: 1px solid var(--line);
       padding: 8px 32px; display: flex; gap: 6px 14px; align-items: center; flex-wrap: wrap; }
.bar .sections { display: flex; gap: 4px 14px; flex-wrap: wrap; font-size: 13px; }
.bar .sections a { text-decoration: none; white-space: nowrap; }
.bar a.explorer { font-weight: bold; border: 1px solid var(--accent); border-radius: 6px; padding: 2px 8px;
                  text-decoration: none; font-size: 13px; white-space: nowrap; }
.langs { display: inline-flex; border: 1px solid var(--accent); border-radius: 6px; overflow: hidden; flex: none; }
.langs button { border: 0; background: white; color: var(--accent); padding: 3px 12px; cursor: pointer; font: inherit;
                font-size: 14px; }
.langs button[aria-pressed="true"] { background: var(--accent); color: white; }
main { padding: 4px 32px 48px; }
.grid { margin-top: 16px; }
.card.opens { border-top: 3px solid var(--accent); }
.card h2 { font-size: 17px; line-height: 1.3; margin: 0 0 6px; scroll-margin-top: 100px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(300px, 100%), 1fr)); gap: 14px; }
.card { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 10px; scroll-margin-top: 90px;
        min-width: 0; }
.card h3 { margin: 0 0 5px; font-size: 12px; line-height: 18px; font-family: monospace; color: var(--muted);
           font-weight: normal; padding-right: 6em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.card > div { position: relative; }   /* a language's block: the reuse toggle sits on the name's line above it */
figure { margin: 0; }
figure img, figure video { width: 100%; height: auto; border-radius: 6px; border: 1px solid #eee;
                           background: white; display: block; }
a.zoom { display: block; position: relative; cursor: zoom-in; border-radius: 6px; }
a.zoom::after { content: "⤢"; position: absolute; top: 6px; right: 6px; padding: 0 7px; border-radius: 4px;
                background: rgba(255,255,255,.92); border: 1px solid var(--line); color: var(--ink); opacity: 0;
                transition: opacity .15s; }
a.zoom:hover::after, a.zoom:focus-visible::after { opacity: 1; }
a.zoom:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.meta, .missing { font-size: 12px; color: var(--muted); margin: 3px 0 0; }
.meta a { margin-left: 2px; }
figcaption { font-size: 13px; line-height: 1.4; margin-top: 5px; }
.caption { margin: 0; }
.note { font-size: 12px; color: var(--muted); margin: 0 0 6px; font-style: italic; }
details.reuse { font-size: 13px; }
details.reuse > summary { position: absolute; top: -23px; right: 0; line-height: 18px; font-size: 12px;
                          cursor: pointer; color: var(--accent); list-style: none; }
details.reuse > summary::-webkit-details-marker { display: none; }
details.reuse > summary::after { content: " ▸"; }
details.reuse[open] > summary::after { content: " ▾"; }
details.reuse[open] { padding-top: 4px; margin-bottom: 8px; }
pre { background: #f4f4f4; padding: 24px 10px 8px; border-radius: 6px; overflow-x: auto; margin: 6px 0;
      white-space: pre-wrap; word-break: break-all; position: relative; font-size: 12px; }
pre button { position: absolute; top: 4px; right: 4px; font-size: 11px; border: 1px solid #ccc;
             background: white; border-radius: 4px; cursor: pointer; }
.label { font-size: 12px; color: var(--muted); margin-top: 8px; }
.missing { color: var(--bad); }
ul.claims { list-style: none; padding: 0; margin: 5px 0 0; font-size: 12px; line-height: 1.35; color: #444; }
ul.claims li { margin: 2px 0; }
ul.claims summary { list-style: none; cursor: pointer; padding-left: 1.3em; text-indent: -1.3em; }
ul.claims summary::-webkit-details-marker { display: none; }
ul.claims summary::before { content: "✓ "; color: var(--good); font-weight: bold; }
ul.claims li.fails summary::before { content: "✗ "; color: var(--bad); }
ul.claims li.fails { color: var(--bad); }
ul.claims .more { color: var(--accent); font-size: 12px; white-space: nowrap; }
ul.claims summary:hover .claim { text-decoration: underline dotted; }
ul.claims .more::after { content: " ▸"; }
ul.claims details[open] .more::after { content: " ▾"; }
ul.claims .evidence { margin: 2px 0 4px 1.3em; padding: 3px 8px; background: #f4f8fb;
                      border-left: 3px solid var(--accent); font-variant-numeric: tabular-nums; }
dialog.lightbox { width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; padding: 0; border: 0;
                  background: rgba(20,20,20,.97); color: #eee; }
dialog.lightbox::backdrop { background: rgba(20,20,20,.6); }
.lb { display: flex; flex-direction: column; align-items: center; justify-content: center; height: 100%;
      padding: 48px 56px 16px; gap: 10px; }
.lb img { max-width: 100%; max-height: calc(100vh - 150px); object-fit: contain; background: white;
          border-radius: 4px; }
.lb .lb-caption { max-width: 900px; margin: 0; font-size: 14px; text-align: center; }
.lb-top { position: absolute; top: 8px; right: 12px; left: 12px; display: flex; gap: 14px; align-items: center;
          justify-content: flex-end; font-size: 14px; }
.lb-top a { color: #9cd3ff; }
.lb button { background: rgba(255,255,255,.12); color: white; border: 1px solid rgba(255,255,255,.35);
             border-radius: 6px; cursor: pointer; font: inherit; padding: 3px 10px; }
.lb button:focus-visible, .lb-top a:focus-visible { outline: 3px solid #9cd3ff; outline-offset: 2px; }
.lb .step { position: absolute; top: 50%; transform: translateY(-50%); font-size: 26px; padding: 4px 10px; }
.lb .prev { left: 8px; } .lb .next { right: 8px; }
@media (max-width: 700px) {
  header { padding: 14px 12px 8px; } header h1 { font-size: 20px; }
  .bar { padding: 6px 12px; flex-wrap: nowrap; }
  .bar .sections { flex-wrap: nowrap; overflow-x: auto; min-width: 0; }
  main { padding: 4px 10px 32px; }
  .lb { padding: 44px 6px 60px; } .lb .step { top: auto; bottom: 10px; transform: none; }
}
"""

SCRIPT = """
(() => {
  const root = document.documentElement, KEY = '%(store)s', CODES = %(codes)s;
  const LANGS = root.dataset.langs.split(' ');
  const pick = v => LANGS.includes(v) ? v : null;
  const fromLink = () => pick(new URLSearchParams(location.search).get('lang')) ||
                         pick(new URLSearchParams(location.hash.slice(1)).get('lang'));
  const kept = () => { try { return pick(localStorage.getItem(KEY)); } catch (e) { return null; } };
  const keep = lang => { try { localStorage.setItem(KEY, lang); } catch (e) {} };
  const fromBrowser = () => {
    for (const l of navigator.languages || [navigator.language || '']) {
      const lang = pick(String(l).toLowerCase().split('-')[0]);
      if (lang) return lang;
    }
    return null;
  };
  function show(lang) {   // before the body is parsed (no flash of the other language) and on every switch
    root.dataset.shown = lang;
    root.lang = CODES[lang];
    if (!document.body) return;
    const title = document.querySelector(`h1 [data-lang="${lang}"]`);
    if (title) document.title = title.textContent;
    document.querySelectorAll('.langs button').forEach(b => b.setAttribute('aria-pressed', b.dataset.setLang === lang));
    const explorer = document.querySelector('a.explorer');
    if (explorer) explorer.setAttribute('href', lang === 'en' ? 'explorer.html' : `explorer.html#lang=${lang}`);
    document.querySelectorAll('video').forEach(v => { if (!v.getClientRects().length) v.pause(); });
    checkMedia();
  }
  function relink(lang) {   // a ?lang= or #lang= in the address follows the switch, so a reload keeps it
    const url = new URL(location.href), query = new URLSearchParams(url.search),
          hash = new URLSearchParams(url.hash.slice(1));
    if (!query.has('lang') && !hash.has('lang')) return;
    if (query.has('lang')) { query.set('lang', lang); url.search = query.toString(); }
    if (hash.has('lang')) { hash.set('lang', lang); url.hash = hash.toString(); }
    try { history.replaceState(history.state, '', url.href); } catch (e) {}
  }
  function choose(lang) { show(lang); keep(lang); relink(lang); }
  const linked = fromLink();
  if (linked) keep(linked);
  show(linked || kept() || fromBrowser() || LANGS[0]);
  window.addEventListener('hashchange', () => { const l = fromLink(); if (l) { show(l); keep(l); } });

  function checkMedia() {   // the shown pictures and videos: loaded, broken
    const media = [...document.querySelectorAll('main figure img, main figure video')]
      .filter(m => m.getClientRects().length);
    let ok = 0; const failed = [];
    for (const m of media) {
      const broken = m.tagName === 'IMG' ? m.complete && !m.naturalWidth : !!m.error;
      const loaded = m.tagName === 'IMG' ? m.complete && m.naturalWidth > 0 : m.readyState >= 1;
      if (broken) failed.push(m.getAttribute('src')); else if (loaded) ok++;
    }
    Object.assign(document.body.dataset, {mediaOk: ok, mediaTotal: media.length, mediaFailed: failed.join(' ')});
  }

  function copy(btn) {
    const text = btn.parentElement.querySelector('code').innerText, label = btn.textContent;
    const done = () => { btn.textContent = btn.dataset.done; setTimeout(() => btn.textContent = label, 1200); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => fallback(text, done));
    } else { fallback(text, done); }
  }
  function fallback(text, done) {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); done(); } catch (e) {} finally { area.remove(); }
  }

  let box, current = null;
  const zooms = () => [...document.querySelectorAll('main a.zoom')].filter(a => a.getClientRects().length);
  function enlarge(link) {
    current = link;
    const all = zooms(), img = box.querySelector('img'), file = link.getAttribute('href');
    img.src = file;
    img.alt = link.querySelector('img').alt;
    box.querySelector('.lb-caption').textContent = link.closest('figure').querySelector('.caption').textContent;
    box.querySelector('a.download').setAttribute('href', file);
    box.querySelector('.count').textContent = `${all.indexOf(link) + 1} / ${all.length}`;
    box.querySelectorAll('.step').forEach(b => b.hidden = all.length < 2);
    if (!box.open) box.showModal();
  }
  function step(by) {
    const all = zooms();
    if (all.length) enlarge(all[(all.indexOf(current) + by + all.length) %% all.length]);
  }

  window.addEventListener('error', () => {
    document.body.dataset.scriptErrors = (parseInt(document.body.dataset.scriptErrors || '0') + 1);
  });
  document.addEventListener('DOMContentLoaded', () => {
    box = document.querySelector('dialog.lightbox');
    show(root.dataset.shown);
    document.addEventListener('click', e => {
      const lang = e.target.closest('.langs button'), zoom = e.target.closest('main a.zoom'),
            copyButton = e.target.closest('pre button');
      if (lang) choose(lang.dataset.setLang);
      if (copyButton) copy(copyButton);
      if (zoom && e.button === 0 && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey)) {
        e.preventDefault(); enlarge(zoom);
      }
    });
    box.addEventListener('click', e => {
      if (e.target === box || e.target.classList.contains('lb')) box.close();   // outside the picture
      else if (e.target.closest('button.close')) box.close();
      else if (e.target.closest('button.prev')) step(-1);
      else if (e.target.closest('button.next')) step(1);
    });
    box.addEventListener('keydown', e => {
      if (e.key === 'ArrowRight') { e.preventDefault(); step(1); }
      if (e.key === 'ArrowLeft') { e.preventDefault(); step(-1); }
    });
    box.addEventListener('close', () => {
      box.querySelector('img').removeAttribute('src');
      if (current) current.focus();
    });
    document.querySelectorAll('main figure img, main figure video').forEach(m => {
      for (const ev of ['load', 'loadedmetadata', 'error']) m.addEventListener(ev, checkMedia);
    });
  });
  window.addEventListener('load', checkMedia);
})();
"""


def _words(key: str, lang: str | None, langs, **fill) -> str:
    """The page's word ``key`` (gdviz.style.LABELS) in ``lang``, or, for ``lang`` None, in every
    shown language, each in its own span (the CSS shows the chosen one)."""
    if lang is not None:
        return html.escape(label(key, lang).format(**fill))
    return _each({lg: label(key, lg).format(**fill) for lg in langs})


def _each(texts: dict) -> str:
    """``{"en": a, "zh": b}`` as spans, one a language, escaped."""
    return "".join(f'<span data-lang="{lg}" lang="{CODES[lg]}">{html.escape(t)}</span>' for lg, t in texts.items())


def media_info(path: Path) -> dict:
    """What the card's line says about a file: {"type": "MP4", "bytes": 1234, "pixels": (w, h) or
    None, "seconds": the length of a video or one loop of a GIF, or None}. A file whose header
    cannot be read still gets its type and size."""
    info = {"type": path.suffix.lstrip(".").upper(), "bytes": path.stat().st_size, "pixels": None, "seconds": None}
    try:
        if path.suffix in VIDEO:
            info.update(_video_info(path))
        elif path.suffix == ".gif":
            info.update(gif_info(path.read_bytes()))
        elif path.suffix in PICTURE and path.suffix != ".svg":
            from PIL import Image

            with Image.open(path) as im:
                info["pixels"] = im.size
    except Exception:   # a header no reader understands: the line shows type and size
        pass
    return info


def gif_info(data: bytes) -> dict:
    """A GIF's {"pixels": (w, h), "seconds": one loop, or None for a still} from its blocks,
    without decoding a frame: the loop is the sum of the frames' delays (in 1/100 s, in each
    Graphic Control Extension). Raises ValueError on a truncated or malformed file."""
    def table(flags):   # the size of a colour table that follows a block with these flags
        return 3 << ((flags & 7) + 1) if flags & 0x80 else 0

    def skip_sub_blocks(i):
        while data[i]:
            i += data[i] + 1
        return i + 1

    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("not a GIF")
    pixels = (int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little"))
    i, frames, centis = 13 + table(data[10]), 0, 0
    while data[i] != 0x3B:   # the trailer
        if data[i] == 0x21:   # an extension: label, then sub-blocks
            if data[i + 1] == 0xF9 and data[i + 2] == 4:
                centis += int.from_bytes(data[i + 4:i + 6], "little")
            i = skip_sub_blocks(i + 2)
        elif data[i] == 0x2C:   # a frame: descriptor, colour table, LZW code size, sub-blocks
            frames += 1
            i = skip_sub_blocks(i + 10 + table(data[i + 9]) + 1)
        else:
            raise ValueError(f"unknown GIF block {data[i]:#x}")
    return {"pixels": pixels, "seconds": centis / 100 if frames > 1 else None}


def _video_info(path: Path) -> dict:
    """A video's pixels and seconds from its container header (PyAV, which manim brings; else
    ffmpeg's header read through imageio-ffmpeg)."""
    try:
        import av
    except ImportError:
        import imageio_ffmpeg

        reader = imageio_ffmpeg.read_frames(str(path))
        try:
            meta = next(reader)
        finally:
            reader.close()
        return {"pixels": tuple(meta["size"]), "seconds": meta.get("duration")}
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        seconds = c.duration / av.time_base if c.duration else float(s.duration * s.time_base)
        return {"pixels": (s.codec_context.width, s.codec_context.height), "seconds": seconds}


def size_text(n: int) -> str:
    """Bytes as a person reads them: '812 B', '42 KB', '1.8 MB' (1 KB = 1024 bytes)."""
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.0f} KB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


def duration_text(seconds: float, video: bool) -> str:
    """A video's length as a player shows it ('0:03', '1:05'); a GIF's loop in seconds ('1.2 s')."""
    if not video:
        return f"{seconds:.1f} s"
    whole = max(1, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _meta(file: str, info: dict, lang: str | None, langs) -> str:
    """'MP4 · 0:21 · 1280 × 720 · 1.8 MB · Download'."""
    parts = [info["type"]]
    if info["seconds"]:
        parts.append(duration_text(info["seconds"], Path(file).suffix in VIDEO))
    if info["pixels"]:
        parts.append("{} × {}".format(*info["pixels"]))
    parts.append(size_text(info["bytes"]))
    link = f'<a href="{html.escape(file)}" download>{_words("page download", lang, langs)}</a>'
    return f'<p class="meta">{html.escape(" · ".join(parts))} · {link}</p>'


def tracks(folder: Path, file: str, lang: str, prefix: str = "", inline: bool = False) -> str:
    """``<track>`` elements for the captions (and chapters) written beside video ``file`` in
    ``folder``, in its language ``lang``; empty when there are none. Their addresses are
    ``prefix`` + name or, ``inline``, the files' text as ``data:`` URLs: a page opened from disk
    (``file:``) may not load a track from a file (Chromium refuses it as another origin). Not
    shown by default: the captions repeat the text drawn in the picture, and over a card-sized
    video they would hide it; the player's captions button turns them on."""
    import base64

    from ..timeline import captions_path, chapters_path

    out = ""
    for kind, path in (("captions", captions_path(file)), ("chapters", chapters_path(file))):
        if (folder / path).is_file():
            src = prefix + str(path)
            if inline:
                src = "data:text/vtt;charset=utf-8;base64," + base64.b64encode((folder / path).read_bytes()).decode()
            out += (f'<track kind="{kind}" srclang="{CODES[lang]}" label="{html.escape(NAMES[lang])}" '
                    f'src="{html.escape(src)}">')
    return out


def _media(file: str, alt: str, info: dict, lang: str | None, langs, track: str = "") -> str:
    src = html.escape(file)
    w_h = "" if not info["pixels"] else ' width="{}" height="{}"'.format(*info["pixels"])
    if Path(file).suffix in VIDEO:
        # "#t=2.5": the browser shows a frame from the middle of the action, not the empty start
        return (f'<video src="{src}#t=2.5" controls loop muted playsinline preload="metadata"{w_h} '
                f'aria-label="{html.escape(alt)}" title="{html.escape(alt)}">{track}</video>')
    if Path(file).suffix == ".pdf":
        return f'<a href="{src}">{html.escape(file)}</a>'
    hint = html.escape(label("page enlarge", lang) if lang else " / ".join(label("page enlarge", lg) for lg in langs))
    return (f'<a class="zoom" href="{src}" title="{hint}">'
            f'<img src="{src}" alt="{html.escape(alt)}"{w_h} loading="lazy" decoding="async"></a>')


def embeds(file: str, alt: str, track: str = "") -> dict[str, str]:
    """Markdown, reStructuredText and HTML snippets that embed ``file``, each escaped for its
    own format: the alt text becomes one line (a newline could start a new directive), HTML
    attributes are escaped, Markdown brackets and backslashes are escaped, and the file name is
    percent-encoded where it is a link target. A video's snippets carry ``track`` (its
    :func:`tracks`).

        >>> embeds("a b.png", 'x" onerror="y')["HTML"]
        '<img src="a%20b.png" alt="x&quot; onerror=&quot;y">'
    """
    from urllib.parse import quote

    one_line = " ".join(str(alt).split())
    url = quote(file)
    attr = html.escape(one_line, quote=True)
    if Path(file).suffix in VIDEO:
        tag = f'<video src="{html.escape(url)}" controls loop muted playsinline aria-label="{attr}">{track}</video>'
        return {"Markdown": tag, "reStructuredText": f".. raw:: html\n\n   {tag}", "HTML": tag}
    # Markdown: backslash before its punctuation, entities for what would start HTML
    md_alt = re.sub(r"([\\\[\]`*_])", r"\\\1", one_line).replace("&", "&amp;").replace("<", "&lt;") \
        .replace(">", "&gt;")
    return {"Markdown": f"![{md_alt}]({url})",
            "reStructuredText": f".. image:: {url}\n   :alt: {one_line}",
            "HTML": f'<img src="{html.escape(url)}" alt="{attr}">'}


def _pre(text: str, lang: str | None, langs) -> str:
    lg = lang or langs[0]
    return (f'<pre><button type="button" data-done="{html.escape(label("page copied", lg))}">'
            f'{html.escape(label("page copy", lg))}</button><code>{html.escape(text)}</code></pre>')


def _claims(claims, lang: str, shown: str | None, langs) -> str:
    """The picture's claims in words, a list under it (✗ marks one that fails); each claim's
    numbers open under it with one click."""
    if not claims:
        return ""
    more = html.escape(label("page numbers", shown or lang))
    items = "".join(f'<li class="{"holds" if c.holds else "fails"}"><details><summary>'
                    f'<span class="claim">{html.escape(c.text[lang])}</span><span class="more" title="{more}"></span>'
                    f'</summary><p class="evidence">{html.escape(c.evidence[lang])}</p></details></li>'
                    for c in claims)
    return f'<ul class="claims">{items}</ul>'


def _block(e, lang: str, folder: Path, langs, shown_as: str | None, claims, spec_arg, where: str,
           note: str = "") -> str:
    """One language's version of an entry: picture, its line, caption, claims, reproduce and embed.
    ``shown_as``: the language the block belongs to (hidden in the other), None for the only
    version of a one-language entry (shown in both, its page words in both)."""
    file = e.filename(lang)
    caption = e.text("caption", lang)
    alt = alt_text(e, lang, claims.get(file, []))
    video = Path(file).suffix in VIDEO
    if (folder / file).is_file():
        info = media_info(folder / file)
        body = (_media(file, alt, info, shown_as, langs, tracks(folder, file, lang, inline=True) if video else "")
                + _meta(file, info, shown_as, langs))
    else:
        body = f'<p class="missing">{_words("page not rendered", shown_as, langs, file=file)}</p>'
    snippets = "".join(f'<div class="label">{k}</div>{_pre(v, shown_as, langs)}'
                       for k, v in embeds(file, alt, tracks(folder, file, lang) if video else "").items())
    attrs = "" if shown_as is None else f' data-lang="{lang}"'
    # the reuse summary sits on the name's line, at its right end; what it opens comes under the file's line
    reuse = (f'<details class="reuse"><summary>{_words("page reproduce", shown_as, langs)}</summary>'
             f'<div class="label">gdviz</div>{_pre(command(e, lang, where, spec_arg), shown_as, langs)}{snippets}'
             f'</details>')
    words = f'<p class="caption">{html.escape(caption)}</p>{_claims(claims.get(file, []), lang, shown_as, langs)}'
    return (f'<div{attrs} lang="{CODES[lang]}">{note}<figure>{body}{reuse}<figcaption>{words}</figcaption>'
            f'</figure></div>')


def _card(e, folder: Path, langs, claims, spec_arg, where: str, heading: str = "") -> str | None:
    """An entry's card with a block for each of its languages shown; None when it has none.
    ``heading``: the section's ``<h2>`` when the card opens a section (the cards flow on in one
    grid, so a short section leaves no empty row)."""
    mine = [lg for lg in e.langs if lg in langs]
    if not mine:
        return None
    opens = ' opens' if heading else ''
    parts = [f'<article class="card{opens}" id="{html.escape(e.name)}">{heading}<h3>{html.escape(e.name)}</h3>']
    if len(mine) == 1 and len(langs) > 1:   # one version: shown whichever language is chosen
        only = mine[0]
        note = "".join(f'<p class="note" data-lang="{lg}" lang="{CODES[lg]}">{_words(f"page only {only}", lg, langs)}'
                       f'</p>' for lg in langs if lg != only)
        parts.append(_block(e, only, folder, langs, None, claims, spec_arg, where, note))
    else:
        parts += [_block(e, lg, folder, langs, lg, claims, spec_arg, where) for lg in mine]
    return "".join(parts) + "</article>"


def render_page(spec: Spec, folder: Path, *, langs=("en", "zh"), spec_arg: str | None = None,
                claims=None, owner=None) -> str:
    """The page's HTML; ``claims``: file -> the claims its picture makes (shown under it);
    ``owner``: the spec that builds it ({"id", "name"}, see :func:`gdviz.gallery.build.spec_owner`),
    kept in a meta tag (:func:`index_owner` reads it back)."""
    import json

    claims = claims or {}
    langs = tuple(lg for lg in CODES if lg in langs) or ("en",)
    sections: dict[str, list[str]] = {}
    titles: dict[str, dict] = {}
    where = str(folder)
    for e in spec.entries:
        concept = e.text("concept", "en") or "Gallery"
        title = titles.get(concept) or {lg: e.text("concept", lg) or concept for lg in langs}
        heading = "" if concept in sections else f'<h2 id="s{len(sections)}">{_each(title)}</h2>'
        card = _card(e, folder, langs, claims, spec_arg, where, heading)
        if card is None:
            continue
        titles[concept] = title
        sections.setdefault(concept, []).append(card)
    links = "".join(f'<a href="#s{i}">{_each(titles[c])}</a>' for i, c in enumerate(sections))
    bar = ""
    if len(langs) > 1:
        buttons = "".join(f'<button type="button" data-set-lang="{lg}" lang="{CODES[lg]}" '
                          f'aria-pressed="{str(i == 0).lower()}">{NAMES[lg]}</button>' for i, lg in enumerate(langs))
        named = " / ".join(html.escape(label("page language", lg)) for lg in langs)
        bar += f'<span class="langs" role="group" aria-label="{named}">{buttons}</span>'
    if (folder / "explorer.html").is_file():   # written by the build beside this page
        bar += f'<a class="explorer" href="explorer.html">{_words("page explorer", None, langs)}</a>'
    bar += f'<span class="sections">{links}</span>'
    body = '<div class="grid">' + "".join("".join(cards) for cards in sections.values()) + "</div>"
    title = {lg: spec.title[lg] or spec.title["en"] for lg in langs}
    desc = {lg: spec.description[lg] or spec.description["en"] for lg in langs}
    meta = "" if owner is None else \
        f'<meta name="gdviz-spec" content="{html.escape(owner["id"])}" data-name="{html.escape(owner["name"])}">'
    script = SCRIPT % {"store": STORE, "codes": json.dumps(CODES)}
    first = langs[0]
    close = _words("page close", None, langs)
    return f"""<!doctype html>
<html lang="{CODES[first]}" data-shown="{first}" data-langs="{" ".join(langs)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{html.escape(title[first])}</title><style>{CSS}</style><script>{script}</script></head>
<body><header><h1>{_each(title)}</h1><p>{_each(desc)}</p></header>
<nav class="bar" aria-label="{html.escape(label("page sections", first))}">{bar}</nav>
<main>{body}</main>
<dialog class="lightbox"><div class="lb"><div class="lb-top"><span class="count"></span>
<a class="download" download>{_words("page download", None, langs)}</a>
<button type="button" class="close" autofocus>{close} ✕</button></div>
<button type="button" class="step prev" aria-label="{html.escape(label("page previous", first))}">‹</button>
<img alt=""><p class="lb-caption"></p>
<button type="button" class="step next" aria-label="{html.escape(label("page next", first))}">›</button></div></dialog>
</body></html>
"""


def write_index(spec: Spec, folder: Path, *, langs=("en", "zh"), spec_arg: str | None = None,
                claims=None, owner=None) -> Path:
    """Write ``index.html`` atomically (unchanged text: left alone); returns its path."""
    from ..files import update_text

    text = render_page(spec, folder, langs=langs, spec_arg=spec_arg, claims=claims, owner=owner)
    return update_text(folder / "index.html", text)


def index_owner(folder: Path) -> dict | None:
    """The spec that wrote the folder's ``index.html`` ({"id", "name"}), or None (no page, or
    one without the tag)."""
    from ..files import read_regular

    head = (read_regular(folder / "index.html", 4096, head=True) or b"").decode("utf-8", "replace")
    m = re.search(r'<meta name="gdviz-spec" content="([^"]*)" data-name="([^"]*)">', head)
    return None if m is None else {"id": html.unescape(m[1]), "name": html.unescape(m[2])}
