"""The gallery: spec validation with file and line, cached parallel builds, failures reported,
the preview page in headless Chromium, Sphinx and MkDocs embedding, the notebook helper."""
import json
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image
from vtt import parse_vtt

import gdviz as gd
from gdviz.cli import main
from gdviz.gallery import build, load

SMALL = """
title = "Small gallery"
title_zh = "小图集"

[defaults]
lang = "all"

[[entry]]
name = "curves"
kind = "figure"
figure = "lr-curves"
steps = 30
concept = "Rates"
caption = "Loss against steps"
caption_zh = "损失随步数变化"

[[entry]]
name = "anim"
kind = "gif"
lesson = "race"
surface = "bowl"
optimizers = ["gd", "adam"]
steps = 40
frames = 12
size = "320x240"
concept = "Races"
caption = "A small race"

[[entry]]
name = "clip"
kind = "video"
scene = "iterative-loop"
time_scale = 0.05
lang = "en"
concept = "Races"
caption = "The loop"
"""


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("gallery")
    spec = root / "gallery.toml"
    spec.write_text(SMALL)
    out = root / "out"
    result = build(spec, out, jobs=2)
    return spec, out, result


# -- spec validation ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,message", [
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\ncolour = "red"\n',
     ":5: entry 1: unknown key 'colour'; accepted: name, kind,"),
    ('[[entry]]\nname = "a"\nkind = "painting"\n', ":3: entry 'a': kind must be one of: figure, gif, video"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "pie"\n',
     ":4: entry 'a': unknown figure 'pie'; accepted: loss-curve, gradient-step,"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nlang = "fr"\n',
     ":5: entry 'a': lang must be en, zh or all"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nformat = "jpg"\n',
     ":5: entry 'a': format for a figure must be one of: png, svg, pdf"),
    ('[[entry]]\nname = "A b"\nkind = "figure"\n', ":2: entry 1: 'name' must be lowercase letters"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\n\n'
     '[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\n',
     ":7: entry name 'a' is used twice (first at line 2)"),
    ('[[entry]]\nname = "v"\nkind = "video"\nscene = "learning-rates"\nsteps = 5\n',
     ":5: entry 'v': a video scene takes no 'steps'"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "feature-scaling"\nsurface = "bowl"\n',
     ":5: entry 'a': 'surface' does not apply to this figure"),
    ('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nsteps = -3\n',
     ":5: entry 'a': steps must be a whole number >= 1"),
    ('[[entry]]\nname = "g"\nkind = "gif"\nlesson = "race"\nsize = "big"\n', ":5: entry 'g': size must look like"),
    ('[[entry]]\nname = "g"\nkind = "gif"\nlesson = "nope"\n', ":4: entry 'g': unknown lesson 'nope'"),
    ('titel = "x"\n[[entry]]\nname = "a"\nkind = "figure"\n', ":1: unknown key 'titel'; accepted: title,"),
    ('[defaults]\nkind = "figure"\n[[entry]]\nname = "a"\n', ":2: unknown key 'kind' in [defaults]"),
    ('title = "x"\n', ":1: the spec lists no [[entry]] tables"),
    ('[[entry]\nname = "a"\n', ": not valid TOML"),
    ('[[entry]]\nname = "g"\nkind = "gif"\nsize = "99999x300"\n', ":4: entry 'g': size 99999x300 is out of range"),
    ('[[entry]]\nname = "g"\nkind = "gif"\nframes = 100000\n',
     ":4: entry 'g': frames must be a whole number from 1 to 5000"),
    ('[[entry]]\nname = "g"\nkind = "gif"\nfps = 500\n', ":4: entry 'g': fps must be at most 60"),
])
def test_spec_errors_name_file_line_and_accepted_values(tmp_path, text, message):
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    with pytest.raises(ValueError) as e:
        load(spec)
    assert str(e.value).startswith(str(spec)) and message in str(e.value), str(e.value)


def test_missing_spec_file(tmp_path):
    with pytest.raises(ValueError, match="spec file .* does not exist"):
        load(tmp_path / "nope.toml")


def test_builtin_gallery_covers_the_course():
    spec = load()
    names = {e.name for e in spec.entries}
    for needed in ("iterative-loop", "gradient-step", "lr-triptych", "lr-triptych-2d", "lr-exercise", "lr-curves",
                   "lr-sweep", "convex-vs-nonconvex", "restarts", "batch-sizes", "momentum", "adaptive",
                   "feature-scaling", "saddle", "loss-functions", "race"):
        assert needed in names
    assert {e.kind for e in spec.entries} == {"figure", "gif", "video"}
    for e in spec.entries:
        assert e.langs == ("en", "zh")
        assert e.text("caption", "en") and e.text("caption", "zh") != e.text("caption", "en")
        assert e.text("concept", "zh")


def test_the_course_coverage_credits_only_entries_that_exist():
    """docs/course-coverage.md names gallery entries in backticks: each is a built-in entry."""
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "course-coverage.md").read_text(encoding="utf-8")
    credited = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)*)`", text))
    assert len(credited) > 30
    assert credited <= {e.name for e in load().entries}


# -- builds -------------------------------------------------------------------------------------
def test_build_renders_everything_with_an_index(small_build):
    spec, out, result = small_build
    assert not result.failed
    assert sorted(result.rendered) == ["anim-zh.gif", "anim.gif", "clip.mp4", "curves-zh.png", "curves.png"]
    manifest = json.loads((out / ".gdviz-cache.json").read_text())["files"]
    assert sorted(manifest) == sorted(result.rendered)
    page = (out / "index.html").read_text()
    for f in result.rendered:
        assert f'src="{f}' in page
    assert "损失随步数变化" in page and "gdviz plot lr-curves --steps 30 --lang zh" in page
    assert f"gdviz build {spec} --out {out} --only anim --lang en" in page
    assert re.search(r"!\[Loss against steps\. .*?\]\(curves\.png\)", page) and ".. image:: curves.png" in page
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".gdviz-manim")]


def test_videos_get_captions_the_page_offers(small_build):
    """Each video has its timeline and WebVTT captions beside it (timed inside the video, the
    scene's texts), the manifest keeps the timeline, and the page's <video> offers the track."""
    import base64

    import av

    from gdviz import timeline

    _, out, _ = small_build
    tl = timeline.read(out / "clip.mp4")
    with av.open(str(out / "clip.mp4")) as c:
        s = c.streams.video[0]
        seconds = s.frames / float(s.average_rate)
    assert tl.duration == pytest.approx(seconds, abs=1e-3) and tl.acts == []
    cues = parse_vtt((out / "clip.vtt").read_text())
    assert [c[2] for c in cues] == [c.text for c in tl.cues] and len(cues) >= 2
    assert cues[0][2].startswith("Iterative approach") and cues[-1][2].startswith("Each pass")
    assert [c[0] for c in cues] == sorted(c[0] for c in cues)
    assert all(0 <= a < b <= seconds + 1e-3 for a, b, _ in cues)
    manifest = json.loads((out / ".gdviz-cache.json").read_text())["files"]
    assert timeline.Timeline.from_json(manifest["clip.mp4"]["timeline"]) == tl
    page = (out / "index.html").read_text()
    vtt = base64.b64encode((out / "clip.vtt").read_bytes()).decode()     # inline: a page from disk loads it
    assert f'<track kind="captions" srclang="en" label="English" src="data:text/vtt;charset=utf-8;base64,{vtt}">' \
           '</video>' in page
    # the embed snippet names the file, for a page served beside it
    assert '&lt;track kind=&quot;captions&quot; srclang=&quot;en&quot; label=&quot;English&quot; ' \
           'src=&quot;clip.vtt&quot;&gt;&lt;/video&gt;' in page


def test_a_cached_video_gets_its_captions_back_and_an_unchanged_build_writes_nothing(small_build, tmp_path):
    spec, out, _ = small_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    vtt = (copy / "clip.vtt").read_text()
    (copy / "clip.vtt").unlink()
    (copy / "clip.timeline.json").unlink()
    again = build(spec, copy, jobs=1)
    assert again.rendered == [] and not again.failed
    assert (copy / "clip.vtt").read_text() == vtt and (copy / "clip.timeline.json").is_file()
    times = {p.name: p.stat().st_mtime_ns for p in copy.iterdir()}
    build(spec, copy, jobs=1)
    assert {p.name: p.stat().st_mtime_ns for p in copy.iterdir()} == times


def test_every_picture_has_alt_text_stating_its_claims(small_build):
    """No picture without alt text; the alt text is the caption and the claims that hold, in the
    entry's language (Chinese for the -zh file); embed snippets carry the same text."""
    import html

    from gdviz.claims import Claim

    _, out, result = small_build
    page = (out / "index.html").read_text()
    main_part = page[page.index("<main>"):page.index("</main>")]
    imgs = re.findall(r"<img ([^>]*)>", main_part)
    assert imgs and all(re.search(r'alt="[^"]{20,}"', i) for i in imgs)
    alt_of = {re.search(r'src="([^"]+)"', i)[1]: html.unescape(re.search(r'alt="([^"]*)"', i)[1]) for i in imgs}
    manifest = json.loads((out / ".gdviz-cache.json").read_text())["files"]
    for file, lang in (("curves.png", "en"), ("curves-zh.png", "zh"), ("anim.gif", "en")):
        claims = [Claim.from_dict(c) for c in manifest[file]["claims"] if c["holds"]]
        assert claims, file
        alt = alt_of[file]
        assert alt.startswith("损失随步数变化。" if lang == "zh" else ("Loss against steps.", "A small race.")), alt
        for c in claims:
            assert c.line(lang)[1:] in alt, (file, c.line(lang))      # the first one starts a sentence
    assert len(re.findall("[\u4e00-\u9fff]", alt_of["curves-zh.png"])) > 20
    assert not re.search("[\u4e00-\u9fff]", alt_of["curves.png"])
    video = re.search(r'<video src="clip.mp4#t=2.5"[^>]*aria-label="([^"]*)"', main_part)
    assert html.unescape(video[1]).startswith("The loop. ")
    assert f"![{alt_of['curves.png'].split('.')[0]}." in html.unescape(page)   # the Markdown embed


def test_alt_text_the_specs_own_else_caption_and_claims_that_hold_capped():
    from gdviz.claims import claim
    from gdviz.gallery.alt import alt_text
    from gdviz.gallery.spec import MAX_TEXT, Entry

    e = Entry("race", "figure", ("en", "zh"), "png", texts={"caption": "A race", "caption_zh": "一场比赛"})
    won = claim("k", "adam wins", "Adam 获胜", True, "12 vs 40 steps")
    lost = claim("k2", "gd wins", "梯度下降获胜", False, "no")
    assert alt_text(e, "en", [won, lost]) == "A race. Adam wins: 12 vs 40 steps."
    assert alt_text(e, "zh", [won, lost]) == "一场比赛。Adam 获胜：12 vs 40 steps。"
    assert alt_text(e, "en", []) == "A race."
    long = [claim(f"c{i}", "x" * 300, "x", True, "y") for i in range(10)]
    text = alt_text(e, "en", long)
    assert len(text) <= MAX_TEXT and text.endswith("y.") and text.count(": y") == 6   # whole claims only
    own = Entry("race", "figure", ("en",), "png", texts={"caption": "A race", "alt": "Five paths\non a valley"})
    assert alt_text(own, "en", [won]) == alt_text(own, "zh", [won]) == "Five paths on a valley"


def test_second_build_renders_nothing(small_build):
    spec, out, _ = small_build
    again = build(spec, out, jobs=2)
    assert again.rendered == [] and len(again.cached) == 5


def test_changed_entry_renders_again_alone(small_build, tmp_path):
    spec, out, _ = small_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    changed = tmp_path / "g.toml"
    changed.write_text(SMALL.replace("steps = 30", "steps = 31"))
    result = build(changed, copy, jobs=1)
    assert sorted(result.rendered) == ["curves-zh.png", "curves.png"] and len(result.cached) == 3
    caption_only = tmp_path / "c.toml"
    caption_only.write_text(SMALL.replace("steps = 30", "steps = 31").replace("A small race", "Another race"))
    assert build(caption_only, copy, jobs=1).rendered == []  # captions do not change pictures


def test_version_change_renders_again(small_build, tmp_path, monkeypatch):
    spec, out, _ = small_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    import importlib

    monkeypatch.setattr(importlib.import_module("gdviz.gallery.build"), "__version__", "99.0")
    result = build(spec, copy, jobs=1, only=["curves"], langs=("en",))
    assert result.rendered == ["curves.png"]


def test_a_change_to_gdviz_itself_renders_again(small_build, tmp_path, monkeypatch):
    """An edited label or lesson in an editable install (same version number) is not served stale."""
    spec, out, _ = small_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    import importlib

    module = importlib.import_module("gdviz.gallery.build")
    assert len(module.code_digest()) == 64
    monkeypatch.setattr(module, "code_digest", lambda: "edited")
    result = build(spec, copy, jobs=1, only=["curves"], langs=("en",))
    assert result.rendered == ["curves.png"]


def test_force_and_deleted_files_render_again(small_build, tmp_path):
    spec, out, _ = small_build
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "curves.png").unlink()
    assert build(spec, copy, jobs=1, only=["curves"]).rendered == ["curves.png"]
    assert sorted(build(spec, copy, jobs=1, only=["curves"], force=True).rendered) == ["curves-zh.png", "curves.png"]


def test_failing_entry_is_reported_and_others_finish(tmp_path, capsys):
    spec = tmp_path / "g.toml"
    spec.write_text(textwrap.dedent("""
        [[entry]]
        name = "broken"
        kind = "figure"
        figure = "path"
        surface = "log(x) + y**2"
        start = [-1.0, 0.5]
        lang = "en"

        [[entry]]
        name = "fine"
        kind = "figure"
        figure = "lr-curves"
        lang = "en"
    """))
    out = tmp_path / "out"
    code = main(["build", str(spec), "--out", str(out), "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "gdviz: failed: broken.png: the loss or gradient of 'expression' is not finite at the start" in err
    assert (out / "fine.png").is_file() and not (out / "broken.png").exists()
    assert "broken.png was not rendered" in (out / "index.html").read_text()


@pytest.mark.parametrize("args,message", [
    (["build", "--only", "racee"], "unknown entry 'racee' (did you mean 'race'?)"),
    (["build", "--lang", "fr"], "unknown language 'fr'"),
    (["build", "--jobs", "0"], "--jobs must be at least 1"),
    (["build", "missing.toml"], "spec file 'missing.toml' does not exist"),
])
def test_build_bad_input(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_bad_spec_on_the_command_line(tmp_path, capsys):
    spec = tmp_path / "g.toml"
    spec.write_text('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nsurfce = "bowl"\n')
    assert main(["build", str(spec), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{spec}:5: entry 1: unknown key 'surfce'" in err and err.count("\n") == 1


# -- the page in a browser ---------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=10000"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_page_loads_every_picture_and_video_in_chromium(small_build, tmp_path):
    _, out, result = small_build
    url = (out / "index.html").as_uri() + "?lang=en"
    shown = [f for f in result.rendered if "-zh." not in f]   # one language at a time: the English files
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'a'}", "--enable-logging=stderr",
                          "--v=0", "--dump-dom", url], capture_output=True, text=True, timeout=120)
    body = dom.stdout[dom.stdout.index("<body"):].split(">", 1)[0]
    assert f'data-media-total="{len(shown)}"' in body
    assert f'data-media-ok="{len(shown)}"' in body and 'data-media-failed=""' in body
    assert "data-script-errors" not in body
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'b'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", url], capture_output=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape == (1600, 1280, 3)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200  # pictures, not a blank page


def test_the_captions_track_loads_in_chromium(small_build, browser):
    """Opened from disk, the page's video offers its captions (off until the viewer turns them
    on: they repeat the picture's own text); turned on, they load, and the cues are the scene's texts."""
    _, out, _ = small_build
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.goto((out / "index.html").as_uri() + "?lang=en")
    assert page.evaluate("() => document.querySelector('video').textTracks[0].mode") == "disabled"
    page.evaluate("() => { document.querySelector('video').textTracks[0].mode = 'showing'; }")
    page.wait_for_function("() => { const t = document.querySelector('video').textTracks[0];"
                           " return t && t.cues && t.cues.length > 0; }", timeout=15000)
    track = page.evaluate("() => { const t = document.querySelector('video').textTracks[0];"
                          " return {mode: t.mode, kind: t.kind, lang: t.language,"
                          " texts: [...t.cues].map(c => c.text)}; }")
    page.close()
    assert errors == []
    assert track == {"mode": "showing", "kind": "captions", "lang": "en",
                     "texts": [c[2] for c in parse_vtt((out / "clip.vtt").read_text())]}


# -- docs and notebooks ----------------------------------------------------------------------
def test_sphinx_directive_renders_at_docs_build_time(tmp_path):
    pytest.importorskip("sphinx")
    src = tmp_path / "src"
    src.mkdir()
    (src / "gallery.toml").write_text(SMALL)
    (src / "conf.py").write_text('extensions = ["gdviz.sphinx"]\ngdviz_spec = "gallery.toml"\n')
    (src / "index.rst").write_text("Docs\n====\n\n.. gdviz:: curves\n   :lang: zh\n   :width: 70%\n\n.. gdviz:: clip\n")
    r = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(tmp_path / "html")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "html" / "index.html").read_text()
    img = re.search(r'<img src="_gdviz/curves-zh.png" alt="([^"]*)" style="width:70%">', page)
    assert img and img[1].startswith("损失随步数变化。") and len(img[1]) > 30   # the caption, then its claims
    assert (tmp_path / "html" / "_gdviz" / "curves-zh.png").is_file()
    # a video: its alt text, and its captions inline (a page opened from disk loads them)
    video = re.search(r'<video src="_gdviz/clip.mp4" [^>]*aria-label="The loop\. [^"]+"[^>]*>(.*?)</video>', page)
    assert video and video[1].startswith('<track kind="captions" srclang="en" label="English" '
                                         'src="data:text/vtt;charset=utf-8;base64,')


def test_mkdocs_hook_renders_before_the_build(tmp_path):
    pytest.importorskip("mkdocs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "gallery.toml").write_text(SMALL)
    (tmp_path / "gdviz_hook.py").write_text("from gdviz.mkdocs import on_pre_build  # noqa: F401\n")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""
        site_name: Test
        hooks:
          - gdviz_hook.py
        extra:
          gdviz:
            spec: gallery.toml
            out: img/gdviz
            jobs: 1
    """))
    (tmp_path / "docs" / "index.md").write_text("# Test\n\n![Loss](img/gdviz/curves.png)\n")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "site" / "img" / "gdviz" / "curves.png").is_file()
    assert 'src="img/gdviz/curves.png"' in (tmp_path / "site" / "index.html").read_text()


def test_notebook_show_displays_inline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "g.toml"
    spec.write_text(SMALL)
    shown = gd.show("curves", spec=spec, lang="zh")
    assert shown._repr_html_().startswith('<img src="data:image/png;base64,iVBOR')
    assert re.search(r'alt="损失随步数变化。[^"]{20,}">$', shown._repr_html_())   # the caption and its claims
    assert shown._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="has no 'zh' version"):
        gd.show("clip", spec=spec, lang="zh")
    clip = gd.show("clip", spec=spec)._repr_html_()     # a video: its alt text and captions inline
    assert 'aria-label="The loop. ' in clip
    assert '<track kind="captions" srclang="en" label="English" src="data:text/vtt;charset=utf-8;base64,' in clip
