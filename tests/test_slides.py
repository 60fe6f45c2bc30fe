"""gdviz slides: a deck of gallery entries in manim-slides' slide-folder format, converted by
manim-slides to HTML (offline, in Chromium), PDF and PowerPoint, or written as Beamer.

One small deck (its title, a figure, a GIF, a short low-quality video in three acts and the
explorer: seven slides) is built once per module; every conversion reads it (the gallery build caches the
pictures).
"""
from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_browser
from PIL import Image

from gdviz.cli import main
from gdviz.errors import UserInputError

pytest.importorskip("manim_slides")
pytest.importorskip("manim")
av = pytest.importorskip("av")

DECK = """title = "Tiny deck"
title_zh = "小幻灯片"

[[entry]]
name = "tri"
kind = "figure"
figure = "lr-triptych"
surface = "parabola"
concept = "Learning rates"
concept_zh = "学习率"

[[entry]]
name = "anim"
kind = "gif"
surface = "bowl"
optimizers = ["gd"]
rates = [0.1]
steps = 20
frames = 8
fps = 8
hold = 0.5
size = "320x240"

[[entry]]
name = "bowls"
kind = "video"
scene = "contour-descent"
quality = "low"
time_scale = 0.05

[[slide]]
entry = "tri"
title = "Three rates"
title_zh = "三个学习率"

[[slide]]
entry = "anim"
notes = "Watch the dot."

[[slide]]
entry = "bowls"

[[slide]]
entry = "explorer"
"""
SIZE = (640, 360)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    from gdviz import slides

    root = tmp_path_factory.mktemp("deck")
    (root / "deck.toml").write_text(DECK, encoding="utf-8")
    out = root / "out"
    made = {to: slides.make(root / "deck.toml", out, to=to, jobs=1, size=SIZE) for to in ("html", "pdf", "pptx")}
    made["beamer"] = slides.make(root / "deck.toml", out, to="beamer", jobs=1)
    return out, made


def test_the_folder_is_manim_slides_format(deck):
    from manim_slides.config import PresentationConfig
    from manim_slides.present import get_scenes_presentation_config

    out, made = deck
    config = PresentationConfig.from_file(out / "deck-en.json")   # manim-slides' own loader
    assert [s.loop for s in config.slides] == [False, False, True, False, False, False, False]   # the GIF loops
    assert tuple(config.resolution) == SIZE
    assert all(s.file.is_file() and s.file.parent == (out / "files" / "deck-en").resolve() for s in config.slides)
    assert len(get_scenes_presentation_config(["deck-en"], out)[0].slides) == 7   # the title, then the slides
    notes = [s.notes for s in config.slides]
    assert notes[1].startswith("the Goldilocks rate reaches the minimum in fewer steps")   # the entry's claims
    assert notes[2] == "Watch the dot."
    assert notes[3] and notes[4] == notes[5] == ""   # a video's notes go with its first act
    assert "explorer.html" in notes[6]
    assert made["html"].slides[0].title == "Tiny deck" and notes[0] == ""
    with av.open(str(config.slides[1].file)) as c:   # a figure: a still of the deck's size
        frames = list(c.decode(video=0))
    assert (frames[0].width, frames[0].height) == SIZE and len(frames) == 10
    first, last = (f.to_ndarray(format="rgb24").astype(int) for f in (frames[0], frames[-1]))
    assert np.abs(first - last).mean() < 1   # the same picture (x264 codes it once, then tiny corrections)


def test_a_video_is_one_slide_per_act(deck):
    """contour-descent's timeline has acts at 0.47 s and 1.07 s (7 and 16 frames at 15 fps): the
    acts' slides hold 7, 9 and the remaining frames, all the video's frames once."""
    from gdviz.timeline import read

    out, made = deck
    source = out / "media" / "bowls.mp4"
    acts = read(source).acts
    with av.open(str(source)) as c:
        times = [float(f.time) for f in c.decode(video=0)]
    bounds = [0.0, *acts, float("inf")]
    expected = [sum(a - 1e-9 <= t < b - 1e-9 for t in times) for a, b in zip(bounds, bounds[1:])]
    videos = [v for s in made["html"].slides if s.entry == "bowls" for v in s.videos]
    assert [v.name for v in videos] == ["004-bowls-1.mp4", "004-bowls-2.mp4", "004-bowls-3.mp4"]
    counts = []
    for v in videos:
        with av.open(str(v)) as c:
            counts.append(sum(1 for _ in c.decode(video=0)))
    assert counts == expected and expected[:2] == [7, 9] and sum(counts) == len(times)


def test_a_second_build_reuses_the_slide_videos(deck):
    from gdviz import slides

    out, made = deck
    videos = sorted((out / "files" / "deck-en").glob("*.mp4"))
    before = [v.stat().st_mtime_ns for v in videos]
    again = slides.make(out.parent / "deck.toml", out, size=SIZE)
    assert [v for s in again.slides for v in s.videos] == videos
    assert [v.stat().st_mtime_ns for v in videos] == before


def test_html_assets_follow_the_slides(deck):
    """manim-slides keeps a video already in the assets folder; gdviz's deck never shows a stale one."""
    from gdviz import slides

    out, made = deck
    asset = out / "deck-en_assets" / "002-tri.mp4"
    asset.write_bytes(b"stale")
    slides.make(out.parent / "deck.toml", out, to="html", size=SIZE)
    assert asset.read_bytes() == (out / "files" / "deck-en" / "002-tri.mp4").read_bytes()


def test_pdf_has_one_page_per_slide(deck):
    out, made = deck
    pdf = made["pdf"].output.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 7


def test_pptx_has_a_movie_per_video_slide(deck):
    import pptx
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out, made = deck
    prs = pptx.Presentation(str(made["pptx"].output))
    assert len(prs.slides) == 7
    for slide in prs.slides:
        assert [s.shape_type for s in slide.shapes] == [MSO_SHAPE_TYPE.MEDIA]
    assert prs.slides[2].notes_slide.notes_text_frame.text == "Watch the dot."
    links = [slide.shapes[0].click_action.hyperlink.address for slide in prs.slides]
    assert links == [None] * 6 + ["explorer.html"]   # the explorer's card opens the page


def test_beamer_names_every_frame_it_uses(deck):
    out, made = deck
    tex = made["beamer"].output.read_text(encoding="utf-8")
    assert tex.count("\\begin{frame}") == 7   # the title page and 6 slides (the video: one per act)
    assert "{frames/bowls-3-}" in tex
    used = set()
    for fps, prefix, first, last in re.findall(r"\\animategraphics\[[^]]*\]\{([\d.]+)\}\{([^}]+)\}\{(\d+)\}\{(\d+)\}",
                                               tex):
        assert float(fps) > 0
        names = {f"{prefix}{i}.png" for i in range(int(first), int(last) + 1)}
        assert all((out / n).is_file() for n in names)
        used |= names
    assert len(used) > 10 and used == {f"frames/{p.name}" for p in (out / "frames").iterdir()}
    figures = re.findall(r"\\includegraphics\[[^]]*\]\{([^}]+)\}", tex)
    assert figures == ["figures/tri.pdf"] and (out / figures[0]).read_bytes().startswith(b"%PDF")
    assert "\\note{the Goldilocks rate" in tex and "\\title{Tiny deck}" in tex
    assert "\\DeclareUnicodeCharacter{2192}" in tex   # the claims' arrows compile with pdflatex too


@needs_browser
def test_html_deck_plays_offline_in_chromium(deck, browser):
    out, made = deck
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors, remote = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

    def only_files(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        remote.append(route.request.url)
        return route.abort()

    page.route("**/*", only_files)
    page.goto(made["html"].output.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)

    def playing(slide):
        assert page.evaluate("Reveal.getIndices().h") == slide
        page.wait_for_function("""() => { const v = Reveal.getCurrentSlide().slideBackgroundContentElement
            .querySelector('video'); return v && v.currentTime > 0.2; }""", timeout=15000)

    playing(0)
    for slide in (1, 2, 3, 4, 5):
        page.keyboard.press("ArrowRight")
        playing(slide)
        if slide >= 3:   # the video's acts carry their captions (from the scene timeline): hidden until C
            mode = "hidden" if slide == 3 else "showing"
            page.wait_for_function(f"""() => {{ const t = Reveal.getCurrentSlide().slideBackgroundContentElement
                .querySelector('video').textTracks[0];
                return t && t.mode === '{mode}' && t.cues && t.cues.length > 0; }}""", timeout=15000)
        if slide == 3:
            page.keyboard.press("c")
    vtt = page.evaluate("document.querySelectorAll('div.slides > section')[3].dataset.captions")
    assert "Gradient descent on a\nround bowl" in base64.b64decode(vtt.split(",", 1)[1]).decode()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 6
    frame = page.wait_for_selector(".backgrounds iframe[src^='explorer.html']", state="attached", timeout=15000)
    explorer = frame.content_frame()
    explorer.wait_for_function("document.documentElement.dataset.ready === '1'", timeout=15000)
    assert explorer.evaluate("gdviz.state().lecture") is True   # large type, four controls
    assert page.evaluate("Reveal.getCurrentSlide().getAttribute('aria-label')") == "Explore it yourself"
    step = explorer.get_by_role("button", name="Step", exact=True)
    step.click(timeout=10000)   # real clicks (Playwright waits while anything covers the button)
    t = explorer.evaluate("gdviz.state().t")
    step.click(timeout=10000)
    assert explorer.evaluate("gdviz.state().t") == t + 1 >= 2
    page.keyboard.press("PageUp")   # a clicker's key, with the focus inside the explorer: the deck turns back
    page.wait_for_function("Reveal.getIndices().h === 5", timeout=5000)
    page.keyboard.press("PageDown")
    page.wait_for_function("Reveal.getIndices().h === 6", timeout=5000)
    assert not remote and not errors
    page.close()


def test_video_is_cut_frame_exact_at_act_boundaries(tmp_path):
    """30 frames at 10 fps, acts at 1 s and 2 s: 10 frames each, and frame 10 opens act 2."""
    from gdviz.slides import media

    src = tmp_path / "src.mp4"
    with media.writer(src, (64, 48), 10) as write:
        for i in range(30):
            write(np.full((48, 64, 3), i * 8, np.uint8))
    canvas = media.Canvas("Acts", "en", (160, 90))
    outs = [tmp_path / f"act{k}.mp4" for k in range(3)]
    assert media.video_acts(src, outs, canvas, [1.0, 2.0]) == outs
    for k, out in enumerate(outs):
        with av.open(str(out)) as c:
            frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        assert len(frames) == 10
        centre = frames[0][60, 80]   # below the title band, inside the picture
        assert abs(int(centre.mean()) - 80 * k) <= 6


def test_acts_and_their_captions_come_from_the_scene_timeline(tmp_path):
    """Cut points are the timeline's acts; each act's captions are clipped to it and timed from
    its start (a caption across a boundary shows in both acts)."""
    from gdviz import timeline
    from gdviz.slides import media

    video = tmp_path / "v.mp4"
    timeline.write(video, timeline.Timeline(3.0, [timeline.Cue(0.0, 1.5, "one"), timeline.Cue(1.5, 3.0, "two")],
                                            [1.0, 2.0]))
    assert media.act_cuts(video) == [1.0, 2.0]
    acts = media.act_timelines(video)
    assert [(a.duration, [(c.start, c.end, c.text) for c in a.cues]) for a in acts] == [
        (1.0, [(0.0, 1.0, "one")]), (1.0, [(0.0, 0.5, "one"), (0.5, 1.0, "two")]), (1.0, [(0.0, 1.0, "two")])]
    assert media.act_cuts(tmp_path / "none.mp4") == [] and media.act_timelines(tmp_path / "none.mp4") is None


def test_the_built_in_deck_follows_the_course_with_the_explorer():
    from gdviz.gallery.spec import load as load_spec
    from gdviz.slides.deck import load

    deck = load()
    names = [s.entry for s in deck.slides]
    entries = [e.name for e in load_spec().entries]
    assert [n for n in names if n != "explorer"] == entries
    assert names.count("explorer") == 1 and names[names.index("explorer") - 1] == "playground"


@pytest.mark.parametrize("text, args, message", [
    ('[[slide]]\nentry = "nope"\n', [],
     "deck.toml:2: slide 1: unknown entry 'nope'; choose a gallery entry or 'explorer'"),
    ('[[slide]]\nentry = "race"\ntitel = "x"\n', [],
     "deck.toml:3: slide 1: unknown key 'titel' (did you mean 'title'?); accepted: entry, title, title_zh, notes, "
     "notes_zh"),
    ('lang = "fr"\n[[slide]]\nentry = "race"\n', [], "deck.toml:1: lang must be en or zh, got 'fr'"),
    ('title = "t"\n', [], "deck.toml:1: the deck lists no [[slide]] tables"),
    ('[[slide]]\nentry = "race"\n', ["--to", "keynote"],
     "unknown --to 'keynote'; choose from: html, pdf, pptx, beamer"),
    ('[[slide]]\nentry = "race"\n', ["--lang", "fr"], "unknown language 'fr'; choose from: en, zh"),
    ('[[entry]]\nname = "race"\nkind = "figure"\nlang = "en"\n[[slide]]\nentry = "race"\n', ["--lang", "zh"],
     "entry 'race' is not made in zh (its lang is en); build the deck with --lang en or add zh to the entry"),
])
def test_bad_decks_are_one_line(tmp_path, capsys, text, args, message):
    (tmp_path / "deck.toml").write_text(text, encoding="utf-8")
    assert main(["slides", str(tmp_path / "deck.toml"), "-o", str(tmp_path / "out"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith(message + "\n"), err
    assert not (tmp_path / "out").exists()


def test_a_missing_deck_file_is_one_line(tmp_path, capsys):
    assert main(["slides", str(tmp_path / "none.toml"), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"gdviz: error: deck file '{tmp_path / 'none.toml'}' does not exist\n"


def test_slides_in_a_spec_name_its_entries(tmp_path):
    from gdviz.gallery.spec import load

    spec = DECK.split("[[slide]]")[0] + '[[slide]]\nentry = "race"\n'
    (tmp_path / "g.toml").write_text(spec, encoding="utf-8")
    with pytest.raises(UserInputError, match=r"g\.toml:\d+: slide 1: unknown entry 'race'"):
        load(tmp_path / "g.toml")
    (tmp_path / "g.toml").write_text(DECK, encoding="utf-8")
    assert [(s.entry, s.text("title", "zh")) for s in load(tmp_path / "g.toml").slides][:2] == [
        ("tri", "三个学习率"), ("anim", None)]


def test_title_band_draws_chinese(tmp_path):
    """The zh title is drawn in the CJK font (glyphs, not boxes): its ink differs from the same
    number of missing-glyph boxes."""
    from gdviz.slides import media

    band = media.title_band("三个学习率", "zh", 400, 40)
    assert band.shape == (40, 400, 3) and (band > 200).any()
    Image.fromarray(band).save(tmp_path / "band.png")
    assert Path(tmp_path / "band.png").stat().st_size > 0
