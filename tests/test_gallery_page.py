"""The gallery's preview page (gdviz/gallery/page.py) in headless Chromium (Playwright driving
Debian's chromium), from file:// with no server: one language at a time with a remembered switch,
a lightbox and a download link per file, duration and size of videos, claims in words with their
numbers one click away, no console errors, nothing that leaks from the hidden language.

The page is written from small files made here (PNG, GIF, MP4), not from a build, so these tests
take seconds. Screenshots go to $GDVIZ_SCREENSHOTS when it is set.
"""
import html.parser
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gdviz.claims import claim
from gdviz.gallery import load
from gdviz.gallery.page import render_page, write_index

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'

SPEC = f"""
title = "Small gallery"
title_zh = "小图集"
description = "Pictures for a test"
description_zh = "测试用的图"

[[entry]]
name = "curve"
kind = "figure"
figure = "lr-curves"
concept = "Rates"
concept_zh = "学习率"
caption = "Loss against steps"
caption_zh = "损失随步数变化"
alt = "Three loss curves"
alt_zh = "三条损失曲线"

[[entry]]
name = "anim"
kind = "gif"
lesson = "race"
concept = "Rates"
concept_zh = "学习率"
caption = "A small race"
caption_zh = "一场小比赛"

[[entry]]
name = "clip"
kind = "video"
scene = "iterative-loop"
lang = "en"
concept = "Loops"
concept_zh = "循环"
caption = "The loop"

[[entry]]
name = "gone"
kind = "figure"
figure = "lr-curves"
lang = "en"
concept = "Loops"
concept_zh = "循环"
caption = {json.dumps(HOSTILE)}
"""


def _png(path, size, colour):
    Image.new("RGB", size, colour).save(path)


def _gif(path, frames=6, ms=200):
    images = [Image.new("RGB", (120, 90), (40 * i, 90, 160)) for i in range(frames)]
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms, loop=0)


def _mp4(path, seconds=3, fps=10):
    import imageio_ffmpeg

    writer = imageio_ffmpeg.write_frames(str(path), (160, 128), fps=fps, macro_block_size=16,
                                         output_params=["-loglevel", "error"])
    writer.send(None)
    for i in range(seconds * fps):
        writer.send(np.full((128, 160, 3), (i * 8) % 256, dtype=np.uint8).tobytes())
    writer.close()


CLAIMS = {
    "curve.png": [claim("fast", "the Goldilocks rate reaches the minimum first", "恰到好处的学习率最先到达最小值",
                        True, "45 vs 160 steps", "45 步对 160 步"),
                  claim("hostile", HOSTILE, HOSTILE, False, HOSTILE)],
    "curve-zh.png": [claim("fast", "the Goldilocks rate reaches the minimum first", "恰到好处的学习率最先到达最小值",
                           True, "45 vs 160 steps", "45 步对 160 步")],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    _png(folder / "curve.png", (800, 500), (250, 250, 250))
    _png(folder / "curve-zh.png", (800, 500), (230, 240, 250))
    _gif(folder / "anim.gif")
    _gif(folder / "anim-zh.gif")
    _mp4(folder / "clip.mp4")
    (folder / "explorer.html").write_text("<!doctype html><title>explorer</title>")
    write_index(load(text=SPEC), folder, claims=CLAIMS)
    return folder


class Page:
    """The page opened in a fresh browser context (its own localStorage), console recorded."""

    def __init__(self, browser, url, *, locale="en-US", width=1400, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.open(url)

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def shown_lang(self):
        return self.js("document.documentElement.lang")

    def visible_text(self):
        return self.js("document.body.innerText")

    def close(self):
        self.context.close()


@pytest.fixture
def opened(browser):
    pages = []

    def open_page(url, **kw):
        pages.append(Page(browser, url, **kw))
        return pages[-1]

    yield open_page
    for p in pages:
        assert p.errors == [], p.errors   # no console errors or warnings on any page a test opened
        p.close()


def _hidden_language_takes_no_space(p, other):
    return p.js("lang => [...document.querySelectorAll(`[data-lang=${lang}]`)]"
                ".every(e => e.getClientRects().length === 0)", other)


# -- one language at a time -------------------------------------------------------------------------
@pytest.mark.parametrize("locale,lang", [("en-US", "en"), ("zh-CN", "zh-Hans"), ("zh-TW", "zh-Hans"),
                                         ("fr-FR", "en")])
def test_the_default_language_follows_the_browser(site, opened, locale, lang):
    p = opened((site / "index.html").as_uri(), locale=locale)
    assert p.shown_lang() == lang
    text = p.visible_text()
    if lang == "en":
        assert "Loss against steps" in text and "损失随步数变化" not in text and "Small gallery" in text
        assert _hidden_language_takes_no_space(p, "zh")
    else:
        assert "损失随步数变化" in text and "Loss against steps" not in text and "小图集" in text
        assert _hidden_language_takes_no_space(p, "en")
    assert p.js("document.title") == ("Small gallery" if lang == "en" else "小图集")


def test_the_switch_is_remembered(site, opened):
    url = (site / "index.html").as_uri()
    p = opened(url)
    assert p.js("[...document.querySelectorAll('.langs button')].map(b => b.getAttribute('aria-pressed'))") == \
        ["true", "false"]
    p.page.click(".langs button[data-set-lang=zh]")
    assert p.shown_lang() == "zh-Hans" and "损失随步数变化" in p.visible_text()
    assert p.js("localStorage.getItem('gdviz-gallery-lang')") == "zh"
    assert p.js("[...document.querySelectorAll('.langs button')].map(b => b.getAttribute('aria-pressed'))") == \
        ["false", "true"]
    assert p.js("document.querySelector('a.explorer').getAttribute('href')") == "explorer.html#lang=zh"
    p.open(url)   # the same browser profile: the choice is kept
    assert p.shown_lang() == "zh-Hans" and "Loss against steps" not in p.visible_text()


@pytest.mark.parametrize("suffix", ["?lang=zh", "#lang=zh"])
def test_a_link_chooses_the_language_and_the_switch_updates_it(site, opened, suffix):
    url = (site / "index.html").as_uri()
    p = opened(url + suffix)
    assert p.shown_lang() == "zh-Hans"
    p.page.click(".langs button[data-set-lang=en]")
    assert p.shown_lang() == "en" and p.js("location.href").endswith(suffix.replace("zh", "en"))
    p.open(p.js("location.href"))   # reloading the address bar's link shows what was chosen
    assert p.shown_lang() == "en"


def test_an_entry_in_one_language_shows_in_both_with_a_note(site, opened):
    p = opened((site / "index.html").as_uri() + "?lang=zh")
    assert p.js("document.querySelector('#clip video').getClientRects().length") == 1
    assert "只有英文版" in p.js("document.querySelector('#clip').innerText")


# -- pictures: enlarge, download, duration and size ---------------------------------------------------
def test_click_a_picture_to_enlarge_and_close_it(site, opened):
    p = opened((site / "index.html").as_uri())
    p.page.click("#curve .zoom")
    box = p.page.locator("dialog.lightbox")
    assert box.evaluate("d => d.open")
    assert box.locator("img").get_attribute("src") == "curve.png"
    assert box.locator("img").get_attribute("alt") == "Three loss curves"
    assert box.locator("a[download]").get_attribute("href") == "curve.png"
    assert "Loss against steps" in box.inner_text()
    p.page.keyboard.press("Escape")
    assert not box.evaluate("d => d.open")
    assert p.js("document.activeElement.closest('#curve') !== null")   # focus back on the picture
    # the keyboard alone: Enter on the focused picture opens it; the close button closes it
    p.page.keyboard.press("Enter")
    assert box.evaluate("d => d.open") and p.js("document.activeElement.closest('dialog') !== null")
    p.page.keyboard.press("ArrowRight")   # the next picture of the page
    assert box.locator("img").get_attribute("src") == "anim.gif"
    box.locator("button.close").click()
    assert not box.evaluate("d => d.open")


def test_every_file_has_a_download_link_and_its_size(site, opened):
    for lang, files in (("en", ["curve.png", "anim.gif", "clip.mp4"]), ("zh", ["curve-zh.png", "anim-zh.gif",
                                                                                "clip.mp4"])):
        p = opened((site / "index.html").as_uri() + f"?lang={lang}")
        links = p.js("[...document.querySelectorAll('a[download]')].filter(a => a.getClientRects().length && "
                     "!a.closest('dialog')).map(a => a.getAttribute('href'))")
        assert links == files
    page = (site / "index.html").read_text()
    kib = (site / "clip.mp4").stat().st_size / 1024
    assert f"{kib:.0f} KB" in page or f"{kib:.1f} KB" in page


def test_videos_load_only_their_metadata_and_show_duration_and_size(site):
    tags = _parse((site / "index.html").read_text())
    videos = [a for t, a in tags if t == "video"]
    assert videos and all(v["preload"] == "metadata" for v in videos)
    pictures = [a for t, a in tags if t == "img" and a.get("src")]   # the lightbox's own has none until opened
    assert len(pictures) == 4 and all(a["loading"] == "lazy" for a in pictures)
    meta = _meta_of(site, "clip")
    assert meta.startswith("MP4 · 0:03 · 160 × 128 ·") and "Download" in meta, meta
    assert _meta_of(site, "anim").startswith("GIF · 1.2 s · 120 × 90 ·")
    assert _meta_of(site, "curve").startswith("PNG · 800 × 500 ·")


def test_every_picture_and_video_loads_from_file_in_both_languages(site, opened):
    for lang, n in (("en", 3), ("zh", 3)):
        p = opened((site / "index.html").as_uri() + f"?lang={lang}")
        p.page.wait_for_function("document.body.dataset.mediaOk === document.body.dataset.mediaTotal", timeout=15000)
        assert p.js("document.body.dataset.mediaTotal") == str(n)
        assert p.js("document.body.dataset.mediaFailed") == ""


# -- claims in words, numbers one click away ----------------------------------------------------------
def test_claims_read_as_words_and_their_numbers_are_one_click_away(site, opened):
    p = opened((site / "index.html").as_uri())
    first = p.page.locator("#curve [data-lang=en] ul.claims > li").first
    assert "the Goldilocks rate reaches the minimum first" in first.inner_text()
    assert not first.get_by_text("45 vs 160 steps").is_visible()
    first.locator("summary").click()
    assert first.get_by_text("45 vs 160 steps").is_visible()
    failing = p.page.locator("#curve [data-lang=en] ul.claims > li.fails")
    assert failing.count() == 1 and "<script>" in failing.inner_text()   # shown as text, not run


# -- layout -------------------------------------------------------------------------------------------
def test_sections_flow_on_in_one_grid_so_a_short_section_leaves_no_empty_row(site, opened):
    p = opened((site / "index.html").as_uri(), width=1400)
    tops = p.js("[...document.querySelectorAll('article.card')].map(c => Math.round(c.getBoundingClientRect().top))")
    assert len(tops) == 4 and len(set(tops)) == 1   # two sections of two, side by side in one row of four
    assert p.js("[...document.querySelectorAll('article.card h2')].map(h => h.closest('article').id)") == \
        ["curve", "clip"]   # each section's title opens its first card
    p.page.click(".bar .sections a[href='#s1']")
    assert p.js("location.hash") == "#s1" and p.js("document.querySelector('#s1').innerText") == "Loops"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_reuse_toggle_sits_on_the_names_line_clear_of_it(site, opened, lang):
    p = opened((site / "index.html").as_uri() + f"?lang={lang}", width=1400)
    boxes = p.js("""[...document.querySelectorAll('article.card')].map(card => {
        const name = document.createRange(); name.selectNodeContents(card.querySelector('h3'));
        const toggle = [...card.querySelectorAll('details.reuse > summary')].find(s => s.getClientRects().length);
        const meta = [...card.querySelectorAll('p.meta, p.missing')].find(m => m.getClientRects().length);
        const box = r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right});
        return {id: card.id, name: box(name.getBoundingClientRect()), toggle: box(toggle.getBoundingClientRect()),
                meta: box(meta.getBoundingClientRect()), metaLines: meta.getClientRects().length,
                metaHeight: meta.getBoundingClientRect().height};
    })""")
    assert len(boxes) == 4
    for b in boxes:
        name, toggle = b["name"], b["toggle"]
        assert toggle["top"] < name["bottom"] and name["top"] < toggle["bottom"], b   # the same line
        assert name["right"] < toggle["left"], b                                      # not over the name
        assert b["metaHeight"] < 20, b   # the file's line on one line: "MP4 · 0:03 · 160 × 128 · 17 KB · Download"


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_layout_at_desktop_and_phone_widths(site, opened, width, height):
    shots = os.environ.get("GDVIZ_SCREENSHOTS")
    for lang in ("en", "zh"):
        p = opened((site / "index.html").as_uri() + f"?lang={lang}", width=width, height=height)
        assert p.js("document.documentElement.scrollWidth") <= width   # nothing wider than the screen
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            p.page.screenshot(path=str(Path(shots) / f"page-{width}-{lang}.png"), full_page=True)


# -- escaping -----------------------------------------------------------------------------------------
class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(text):
    t = _Tags()
    t.feed(text)
    return t.tags


def _meta_of(site, name):
    """The visible meta line of entry ``name`` (kind, duration, size) as text."""
    import re

    page = (site / "index.html").read_text()
    card = page[page.index(f'id="{name}"'):]
    m = re.search(r'<p class="meta">(.*?)</p>', card)
    return re.sub(r"<[^>]+>", "", m[1])


def test_text_from_the_spec_and_the_claims_is_escaped(tmp_path):
    spec = load(text=SPEC.replace('title = "Small gallery"', f'title = {json.dumps(HOSTILE)}')
                .replace('concept = "Loops"', f'concept = {json.dumps(HOSTILE)}'))
    page = render_page(spec, tmp_path, claims=CLAIMS)
    tags = _parse(page)
    assert [t for t, _ in tags].count("script") == 1   # the page's own script only
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# -- the file's line, read from headers only ----------------------------------------------------------
@pytest.mark.parametrize("frames,ms", [(1, 0), (6, 200), (40, 30), (3, 1000)])
def test_a_gifs_loop_length_is_read_from_its_blocks_without_decoding_frames(tmp_path, monkeypatch, frames, ms):
    from gdviz.gallery import page

    path = tmp_path / "a.gif"
    images = [Image.fromarray(np.random.default_rng(i).integers(0, 255, (90, 120, 3), dtype=np.uint8))
              for i in range(frames)]   # noise: many sub-blocks, bytes that look like block markers
    images[0].save(path, save_all=True, append_images=images[1:], duration=ms, loop=0)
    with Image.open(path) as im:
        expected = sum(im.seek(i) or im.info.get("duration", 0) for i in range(im.n_frames)) / 1000
    from PIL import GifImagePlugin

    monkeypatch.setattr(GifImagePlugin.GifImageFile, "seek", lambda *a: pytest.fail("a frame was decoded"))
    info = page.media_info(path)
    assert info["pixels"] == (120, 90) and info["seconds"] == (expected if frames > 1 else None)


def test_a_broken_gif_still_gets_its_type_and_size(tmp_path):
    from gdviz.gallery.page import media_info

    path = tmp_path / "b.gif"
    path.write_bytes(b"GIF89a\x10\x00\x10\x00\x80\x00\x00" + b"\x00" * 5)   # truncated in its colour table
    assert media_info(path) == {"type": "GIF", "bytes": path.stat().st_size, "pixels": None, "seconds": None}


def test_the_page_needs_no_network(site):
    tags = _parse((site / "index.html").read_text())
    links = [a[k] for _, a in tags for k in ("src", "href") if a.get(k)]
    assert links and all(":" not in link and not link.startswith("//") for link in links), links
    assert [t for t, a in tags if t in ("script", "link") and (a.get("src") or a.get("href"))] == []
