"""The gallery's preview page: ``index.html`` in the output folder, usable straight from disk.

Entries are grouped by concept; each shows its picture or video in English and Chinese, the
caption and alt text, the gdviz command that makes it again, and embed snippets (Markdown,
reStructuredText, HTML) with copy buttons. A small script checks that every image and video
loaded and records it on ``<body>`` (``data-media-ok``, ``data-media-failed``), which the tests
read in headless Chromium.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from .render import command
from .spec import Spec

VIDEO = (".mp4", ".webm")

CSS = """
:root { --ink:#222; --muted:#666; --line:#e3e3e3; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif; color: var(--ink);
       margin: 0; background: #fafafa; }
header { padding: 24px 32px 12px; background: white; border-bottom: 1px solid var(--line);
         position: sticky; top: 0; z-index: 2; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
nav { margin-top: 10px; display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
nav a { color: var(--accent); text-decoration: none; font-size: 13px; margin-right: 8px; }
nav a.explorer { font-weight: bold; border: 1px solid var(--accent); border-radius: 6px; padding: 2px 8px; }
.langs button { border: 1px solid var(--line); background: white; padding: 3px 10px; border-radius: 6px;
                cursor: pointer; }
.langs button.on { background: var(--accent); color: white; border-color: var(--accent); }
main { padding: 8px 32px 48px; }
section h2 { font-size: 19px; margin: 28px 0 12px; border-bottom: 2px solid var(--accent);
             display: inline-block; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 18px; }
.card { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
.card h3 { margin: 0 0 8px; font-size: 15px; font-family: monospace; color: var(--muted); }
figure { margin: 0 0 10px; }
figure img, figure video { width: 100%; height: auto; border-radius: 6px; border: 1px solid #eee;
                           background: white; display: block; }
figcaption { font-size: 14px; margin-top: 6px; }
details { margin-top: 6px; font-size: 13px; }
summary { cursor: pointer; color: var(--accent); }
pre { background: #f4f4f4; padding: 8px 10px; border-radius: 6px; overflow-x: auto; margin: 6px 0;
      white-space: pre-wrap; word-break: break-all; position: relative; font-size: 12px; }
pre button { position: absolute; top: 4px; right: 4px; font-size: 11px; border: 1px solid #ccc;
             background: white; border-radius: 4px; cursor: pointer; }
.label { font-size: 12px; color: var(--muted); margin-top: 8px; }
body.only-en [data-lang="zh"], body.only-zh [data-lang="en"] { display: none; }
.missing { color: #D55E00; }
ul.claims { list-style: none; padding: 0; margin: 6px 0 0; font-size: 13px; color: var(--muted); }
ul.claims li { margin: 2px 0; padding-left: 1.3em; text-indent: -1.3em; }
ul.claims li::before { content: "✓ "; color: #009E73; font-weight: bold; }
ul.claims li.fails::before { content: "✗ "; color: #D55E00; }
ul.claims li.fails { color: #D55E00; }
"""

SCRIPT = """
function copyText(btn) {
  const text = btn.parentElement.querySelector('code').innerText;
  const done = () => { btn.textContent = 'copied'; setTimeout(() => btn.textContent = 'copy', 1200); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else { fallbackCopy(text, done); }
}
function fallbackCopy(text, done) {
  const area = document.createElement('textarea');
  area.value = text; document.body.appendChild(area); area.select();
  try { document.execCommand('copy'); done(); } catch (e) {} finally { area.remove(); }
}
function showLang(lang) {
  document.body.classList.remove('only-en', 'only-zh');
  if (lang !== 'all') document.body.classList.add('only-' + lang);
  document.querySelectorAll('.langs button').forEach(b => b.classList.toggle('on', b.dataset.lang === lang));
}
window.addEventListener('error', e => {
  document.body.dataset.scriptErrors = (parseInt(document.body.dataset.scriptErrors || '0') + 1);
});
window.addEventListener('load', () => {
  const media = [...document.querySelectorAll('figure img, figure video')];
  let ok = 0, failed = [];
  const check = () => {
    ok = 0; failed = [];
    for (const m of media) {
      const good = m.tagName === 'IMG' ? (m.complete && m.naturalWidth > 0) : (m.readyState >= 2 && !m.error);
      if (good) ok++; else failed.push(m.getAttribute('src'));
    }
    document.body.dataset.mediaOk = ok;
    document.body.dataset.mediaTotal = media.length;
    document.body.dataset.mediaFailed = failed.join(' ');
  };
  media.filter(m => m.tagName === 'VIDEO').forEach(v => v.addEventListener('loadeddata', check));
  check(); setTimeout(check, 1500);
});
"""


def _media(file: str, alt: str) -> str:
    src = html.escape(file)
    if Path(file).suffix in VIDEO:
        # "#t=2.5": the browser shows a frame from the middle of the action, not the empty start
        return (f'<video src="{src}#t=2.5" controls loop muted playsinline preload="auto" '
                f'aria-label="{html.escape(alt)}" title="{html.escape(alt)}"></video>')
    if Path(file).suffix == ".pdf":
        return f'<a href="{src}">{html.escape(file)}</a>'
    return f'<img src="{src}" alt="{html.escape(alt)}" loading="eager">'


def embeds(file: str, alt: str) -> dict[str, str]:
    """Markdown, reStructuredText and HTML snippets that embed ``file``, each escaped for its
    own format: the alt text becomes one line (a newline could start a new directive), HTML
    attributes are escaped, Markdown brackets and backslashes are escaped, and the file name is
    percent-encoded where it is a link target.

        >>> embeds("a b.png", 'x" onerror="y')["HTML"]
        '<img src="a%20b.png" alt="x&quot; onerror=&quot;y">'
    """
    from urllib.parse import quote

    one_line = " ".join(str(alt).split())
    url = quote(file)
    attr = html.escape(one_line, quote=True)
    if Path(file).suffix in VIDEO:
        tag = f'<video src="{html.escape(url)}" controls loop muted playsinline aria-label="{attr}"></video>'
        return {"Markdown": tag, "reStructuredText": f".. raw:: html\n\n   {tag}", "HTML": tag}
    # Markdown: backslash before its punctuation, entities for what would start HTML
    md_alt = re.sub(r"([\\\[\]`*_])", r"\\\1", one_line).replace("&", "&amp;").replace("<", "&lt;") \
        .replace(">", "&gt;")
    return {"Markdown": f"![{md_alt}]({url})",
            "reStructuredText": f".. image:: {url}\n   :alt: {one_line}",
            "HTML": f'<img src="{html.escape(url)}" alt="{attr}">'}


def _pre(text: str) -> str:
    return f'<pre><button onclick="copyText(this)">copy</button><code>{html.escape(text)}</code></pre>'


def _claims(claims, lang: str) -> str:
    """The picture's claims with their numbers, as a list under it (✗ marks one that fails)."""
    if not claims:
        return ""
    items = "".join(('<li>' if c.holds else '<li class="fails">') + html.escape(c.line(lang)) + "</li>"
                    for c in claims)
    return f'<ul class="claims">{items}</ul>'


def render_page(spec: Spec, folder: Path, *, langs=("en", "zh"), spec_arg: str | None = None,
                claims=None, owner=None) -> str:
    """The page's HTML; ``claims``: file -> the claims its picture makes (shown under it);
    ``owner``: the spec that builds it ({"id", "name"}, see :func:`gdviz.gallery.build.spec_owner`),
    kept in a meta tag (:func:`index_owner` reads it back)."""
    claims = claims or {}
    sections: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    shown = str(folder)
    for e in spec.entries:
        concept = e.text("concept", "en") or "Gallery"
        titles.setdefault(concept, " / ".join(dict.fromkeys(filter(None, [concept, e.text("concept", "zh")]))))
        parts = [f'<article class="card" id="{e.name}"><h3>{html.escape(e.name)}</h3>']
        for lang in e.langs:
            if lang not in langs:
                continue
            file = e.filename(lang)
            caption = e.text("caption", lang)
            alt = e.text("alt", lang) or caption or e.name
            body = _media(file, alt) if (folder / file).is_file() else \
                f'<p class="missing">{html.escape(file)} was not rendered</p>'
            snippet = "".join(f'<div class="label">{k}</div>{_pre(v)}' for k, v in embeds(file, alt).items())
            parts.append(
                f'<div data-lang="{lang}"><figure>{body}<figcaption>{html.escape(caption)}'
                f'{_claims(claims.get(file, []), lang)}</figcaption></figure>'
                f'<details><summary>{"Reproduce and embed" if lang == "en" else "重现与嵌入"} ({lang})</summary>'
                f'<div class="label">gdviz</div>{_pre(command(e, lang, shown, spec_arg))}{snippet}</details></div>')
        parts.append("</article>")
        sections.setdefault(concept, []).append("".join(parts))
    nav = "".join(f'<a href="#s{i}">{html.escape(titles[c])}</a>' for i, c in enumerate(sections))
    if (folder / "explorer.html").is_file():   # written by the build beside this page
        nav = '<a class="explorer" href="explorer.html">Explorer / 交互探索 ↗</a>' + nav
    body = "".join(f'<section id="s{i}"><h2>{html.escape(titles[c])}</h2>'
                   f'<div class="grid">{"".join(cards)}</div></section>'
                   for i, (c, cards) in enumerate(sections.items()))
    title = " / ".join(dict.fromkeys(filter(None, [spec.title["en"], spec.title["zh"]])))
    desc = spec.description["en"]
    meta = "" if owner is None else \
        f'<meta name="gdviz-spec" content="{html.escape(owner["id"])}" data-name="{html.escape(owner["name"])}">'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>{html.escape(title)}</h1><p>{html.escape(desc)}</p>
<nav><span class="langs"><button data-lang="all" class="on" onclick="showLang('all')">EN + 中文</button>
<button data-lang="en" onclick="showLang('en')">English</button>
<button data-lang="zh" onclick="showLang('zh')">中文</button></span>{nav}</nav></header>
<main>{body}</main><script>{SCRIPT}</script></body></html>
"""


def write_index(spec: Spec, folder: Path, *, langs=("en", "zh"), spec_arg: str | None = None,
                claims=None, owner=None) -> Path:
    """Write ``index.html`` atomically (unchanged text: left alone); returns its path."""
    from ..files import write_text
    from .build import read_regular

    text = render_page(spec, folder, langs=langs, spec_arg=spec_arg, claims=claims, owner=owner)
    target = folder / "index.html"
    data = text.encode("utf-8")
    if read_regular(target, len(data)) == data:
        return target
    return write_text(target, text)


def index_owner(folder: Path) -> dict | None:
    """The spec that wrote the folder's ``index.html`` ({"id", "name"}), or None (no page, or
    one without the tag)."""
    from .build import read_regular

    head = (read_regular(folder / "index.html", 4096, head=True) or b"").decode("utf-8", "replace")
    m = re.search(r'<meta name="gdviz-spec" content="([^"]*)" data-name="([^"]*)">', head)
    return None if m is None else {"id": html.unescape(m[1]), "name": html.unescape(m[2])}
