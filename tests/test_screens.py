"""The explorer on every screen (issue 19 §3): positions at four viewport sizes in Chromium, lecture
mode, the loss chart's log axis for a diverged run, race order, the live region, a framed page
that sizes its frame. Screenshots go to $GDVIZ_SCREENSHOTS (default: a temporary folder)."""
import os
from pathlib import Path

import pytest
from conftest import needs_browser

from gdviz.web.page import write_explorer

# the four screens: two laptops, a documentation column, a phone
SCREENS = {
    "1280x800": dict(viewport={"width": 1280, "height": 800}),
    "1366x768": dict(viewport={"width": 1366, "height": 768}),
    "760x900": dict(viewport={"width": 760, "height": 900}),
    "390x844": dict(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True),
}
LAPTOPS = ["1280x800", "1366x768"]
STRETCH = 1.25   # the plot's pixel aspect against its window's data aspect, at most (view.js: plotSize)
BOXES = {"plot": ".gdx-plot", "step": "[data-button=step]", "play": "[data-button=play]", "loss": ".gdx-loss",
         "controls": ".gdx-side", "status": ".gdx-readout tbody td.gdx-status"}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    return write_explorer(tmp_path_factory.mktemp("screens") / "explorer.html")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("GDVIZ_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, url, screen):
    page = browser.new_page(**SCREENS[screen])
    errors = []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.ready === '1'", timeout=15000)
    page.wait_for_timeout(150)
    page.errors = errors
    return page


def boxes(page):
    """{name: {left, top, right, bottom}} of the BOXES, in CSS pixels of the viewport."""
    return page.evaluate("""(sel) => Object.fromEntries(Object.entries(sel).map(([k, s]) => {
        const e = document.querySelector(s); if (!e) return [k, null];
        const r = e.getBoundingClientRect();
        return [k, {left: r.left, top: r.top, right: r.right, bottom: r.bottom, shown: r.width > 0}];
    }))""", BOXES)


def stretch(page):
    """How much wider (or taller) the plot's data area is drawn than its window: 1 is true shape."""
    f = page.evaluate("gdviz.axes().frame")
    ratio = (f["width"] / f["height"]) / (f["xspan"] / f["yspan"])
    return max(ratio, 1 / ratio)


@needs_browser
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_explorer_fits_each_screen(browser, page_file, screen, lang, shots):
    page = open_page(browser, page_file.as_uri() + ("#lang=zh" if lang == "zh" else ""), screen)
    b = boxes(page)
    width, height = SCREENS[screen]["viewport"]["width"], SCREENS[screen]["viewport"]["height"]
    page.screenshot(path=str(shots / f"screen-{screen}-{lang}.png"))
    assert stretch(page) <= STRETCH, (screen, page.evaluate("gdviz.axes().frame"))
    if screen in LAPTOPS:   # the plot, Step/Play and the loss chart without scrolling; the chart beside
        for name in ("plot", "step", "play", "loss"):
            assert b[name]["bottom"] <= height, (screen, name, b[name])
        assert b["loss"]["left"] >= b["plot"]["right"] and b["loss"]["top"] < b["plot"]["bottom"], b
    else:                   # the plot and Step/Play first, then the controls
        assert b["plot"]["top"] < b["controls"]["top"], b
        assert b["step"]["bottom"] <= height and b["play"]["bottom"] <= height, b
    # nothing runs off the side: the status column in the viewport, no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert 0 <= b["status"]["left"] and b["status"]["right"] <= width, b["status"]
    axes = page.evaluate("gdviz.axes()")
    for chart in ("plot", "loss"):
        for axis in ("x", "y"):
            assert len(axes[chart][axis]) > 1, (screen, chart, axis, axes[chart][axis])
    assert page.errors == []
    page.close()


@pytest.fixture(scope="module")
def laptop(browser, page_file):
    page = open_page(browser, page_file.as_uri(), "1280x800")
    yield page
    page.close()


@needs_browser
def test_a_diverged_run_shows_its_loss_growing_on_a_log_axis(laptop, shots):
    """GD above 2/L on the bowl (L = 2): the loss grows from 10 to 1e8 in 24 steps; the chart's axis
    is in decades and the line ends at the divergence mark, inside the chart."""
    laptop.evaluate("gdviz.set({surface: 'bowl', optimizer: 'gd', lr: 1.2, mode: 'single'})")
    assert laptop.evaluate("gdviz.path().status") == "diverged"
    loss = laptop.evaluate("gdviz.axes().loss")
    assert loss["log"] is True
    assert len(loss["y"]) >= 3 and all(t.startswith("10") for t in loss["y"]), loss["y"]
    run = loss["runs"][0]
    assert run["mark"] is not None and run["last"] == run["mark"]
    height = laptop.evaluate("document.querySelector('.gdx-loss').clientHeight")
    assert 0 < run["mark"][1] < height
    laptop.locator(".gdx-loss").screenshot(path=str(shots / "loss-diverged.png"))
    laptop.evaluate("gdviz.set({surface: 'elongated', lr: 0.076})")


@needs_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_default_race_on_rosenbrock_keeps_the_captions_promise(browser, tmp_path, lang, shots):
    """The caption says: see who reaches the star first. At the race's default steps someone does,
    and the readout gives the finish order (1st...), those not converged after."""
    from gdviz.style import label
    from gdviz.web.page import _entry

    path = write_explorer(tmp_path / "race.html", ["rosenbrock"], ["gd", "momentum", "adam"], lang=lang)
    page = open_page(browser, path.as_uri(), "1280x800")
    steps = page.evaluate("gdviz.state().steps")
    assert steps == _entry("rosenbrock")["race_steps"] > 500
    caption = page.inner_text(".gdx-caption")
    assert label("explorer try race", lang) in caption
    paths = page.evaluate("gdviz.paths()")
    finished = sorted((p["stop"], name) for name, p in paths.items() if p["status"] == "converged")
    assert finished, {name: (p["status"], p["stop"]) for name, p in paths.items()}
    rows = page.evaluate("""[...document.querySelectorAll('.gdx-readout tbody tr')]
        .map(r => [r.dataset.name, r.dataset.place || null, r.querySelector('.gdx-place')?.textContent || null])""")
    first = "1st" if lang == "en" else "第 1 名"
    assert rows[0][0] == finished[0][1] and rows[0][1] == "1" and rows[0][2] == first, rows
    assert [r[0] for r in rows[:len(finished)]] == [name for _, name in finished]
    assert all(r[1] is None for r in rows[len(finished):]), rows
    page.screenshot(path=str(shots / f"race-rosenbrock-{lang}.png"))
    # the surface menu in race mode brings that surface's race steps; one optimizer, the table's
    page.evaluate("gdviz.set({surface: 'beale'})")
    assert page.evaluate("gdviz.state().steps") == _entry("beale")["race_steps"]
    page.evaluate("gdviz.set({mode: 'single'})")
    assert page.evaluate("gdviz.state().steps") == steps   # the page's own default
    page.close()


@needs_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_momentum_map_fits_a_laptop(browser, page_file, lang, shots):
    """Momentum on the elongated bowl shows the map: it sits beside the plot with the loss chart,
    all of it in a 1280 x 800 window, and the plot keeps its shape."""
    page = open_page(browser, page_file.as_uri() + ("#lang=zh" if lang == "zh" else ""), "1280x800")
    page.evaluate("gdviz.set({surface: 'elongated', optimizer: 'momentum', mode: 'single'})")
    page.wait_for_timeout(150)
    map_box = page.locator(".gdx-mapbox").bounding_box()
    b = boxes(page)
    page.screenshot(path=str(shots / f"map-1280x800-{lang}.png"))
    assert map_box["y"] + map_box["height"] <= 800 and map_box["x"] >= b["plot"]["right"], map_box
    for name in ("plot", "step", "play", "loss"):
        assert b[name]["bottom"] <= 800, (name, b[name])
    assert stretch(page) <= STRETCH
    assert page.errors == []
    page.close()


ROLES = {"button", "textbox", "slider", "combobox", "checkbox", "spinbutton", "radio", "switch", "img",
         "DisclosureTriangle", "link"}


@needs_browser
def test_every_control_has_a_name_and_is_reached_by_tab(laptop):
    """Each control Chromium's accessibility tree holds has a name; Tab reaches every visible
    control, each showing its focus ring."""
    tree = laptop.context.new_cdp_session(laptop).send("Accessibility.getFullAXTree")["nodes"]
    unnamed = [(n["role"]["value"], n.get("backendDOMNodeId")) for n in tree if not n.get("ignored")
               and n.get("role", {}).get("value") in ROLES and not (n.get("name") or {}).get("value", "").strip()]
    assert unnamed == []
    controls = laptop.evaluate("""() => [...document.querySelectorAll(
        '.gdx button, .gdx input, .gdx select, .gdx summary, .gdx [tabindex="0"]')]
        .filter((e) => e.checkVisibility() && !e.disabled).length""")   # a closed <details>: its summary
    reached, rings = set(), []
    laptop.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(controls + 5):
        laptop.keyboard.press("Tab")
        key, ring = laptop.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            if (!e.closest('.gdx')) return [null, true];   // past the last control: the page itself
            if (!e.dataset.tabKey) e.dataset.tabKey = Math.random().toString(36).slice(2);
            return [e.dataset.tabKey, s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ||
                    e.tagName + ' ' + e.className]; }""")
        if key:
            reached.add(key)
            rings.append(ring)
    assert len(reached) == controls and [r for r in rings if r is not True] == []


def live_text(page):
    return page.inner_text(".gdx [aria-live=polite][role=status]")


@needs_browser
def test_a_live_region_announces_the_step_and_loss(laptop):
    laptop.evaluate("gdviz.set({surface: 'elongated', optimizer: 'gd', lr: 0.076, t: 0, speed: 200, mode: 'single'})")
    laptop.locator(".gdx-plot").focus()
    laptop.keyboard.press("s")
    text = live_text(laptop)
    laptop.wait_for_function("document.querySelector('.gdx-readout tbody td').textContent === '1'")   # drawn
    loss = laptop.inner_text(".gdx-readout tbody td:nth-child(3)")   # the readout's loss at step 1
    assert text.startswith("step 1 / ") and f"gradient descent: loss {loss}" in text, text
    laptop.keyboard.press("p")   # play to the end (200 steps a second)
    laptop.wait_for_function("!document.querySelector('[data-button=play]').getAttribute('aria-pressed').includes('true')",
                             timeout=10000)
    end = live_text(laptop)
    n = laptop.evaluate("gdviz.path().loss.length - 1")
    assert end.startswith(f"step {n} / {n}") and "converged" in end, end
    # only these moments are announced: not every frame of the animation
    assert laptop.evaluate("document.querySelectorAll('.gdx [aria-live]').length") == 2   # and the map's rate


def font_px(page, selector):
    return page.evaluate("(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector)


@needs_browser
@pytest.mark.parametrize("screen", LAPTOPS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lecture_mode_large_type_and_four_controls(browser, page_file, screen, lang, shots):
    page = open_page(browser, page_file.as_uri() + ("#lang=zh" if lang == "zh" else ""), screen)
    height = SCREENS[screen]["viewport"]["height"]
    normal = {s: font_px(page, s) for s in ("[data-button=step]", ".gdx-caption")}
    ticks = page.evaluate("gdviz.axes().plot.size")
    page.click("[data-button=lecture]")   # a click: the page may go full screen
    assert page.evaluate("gdviz.state().lecture") is True
    page.wait_for_timeout(200)
    page.screenshot(path=str(shots / f"lecture-{screen}-{lang}.png"))
    for s, px in normal.items():
        assert font_px(page, s) >= 1.6 * px, (s, px, font_px(page, s))
    assert page.evaluate("gdviz.axes().plot.size") >= 1.6 * ticks
    assert page.evaluate("gdviz.axes().loss.size") >= 1.6 * ticks
    shown = page.evaluate("""() => [...document.querySelectorAll('.gdx button, .gdx input, .gdx select, .gdx summary')]
        .filter((e) => e.checkVisibility()).map((e) => e.dataset.button || e.closest('[data-prop]')?.dataset.prop)""")
    assert set(shown) == {"reset", "step", "play", "lecture", "lr"}, shown
    b = boxes(page)
    lr = page.locator('.gdx-field[data-prop="lr"] input[type="range"]').bounding_box()
    for name in ("plot", "step", "play", "loss"):
        assert b[name]["bottom"] <= height, (name, b[name])
    assert lr["y"] + lr["height"] <= height and b["plot"]["top"] < 120
    # a big plot in its true shape on the left, the loss chart on its right, the controls under both
    assert stretch(page) <= STRETCH, page.evaluate("gdviz.axes().frame")
    assert b["plot"]["right"] - b["plot"]["left"] >= 0.4 * SCREENS[screen]["viewport"]["width"], b["plot"]
    assert b["loss"]["left"] >= b["plot"]["right"] and b["loss"]["top"] < b["plot"]["bottom"], b
    assert b["step"]["top"] >= max(b["plot"]["bottom"], b["loss"]["bottom"]), b
    # Esc leaves (out of full screen the browser leaves it, and that leaves lecture mode too)
    page.locator(".gdx-plot").focus()
    page.keyboard.press("Escape")
    page.wait_for_function("!gdviz.state().lecture")
    assert font_px(page, "[data-button=step]") == normal["[data-button=step]"]
    assert page.locator(".gdx-side").is_visible()
    page.keyboard.press("l")   # L enters again, and the hash keeps it
    assert page.evaluate("gdviz.state().lecture")
    page.wait_for_function("location.hash.includes('lecture=true')", timeout=5000)
    assert page.errors == []
    page.close()


def test_every_embedding_snippet_carries_the_frame_listener():
    """One listener (page.FRAME_LISTENER), shown as it is by the MkDocs hook's docstring and the
    README, and written by the Sphinx directive."""
    import gdviz.mkdocs
    from gdviz.web.page import FRAME_LISTENER

    def words(text):
        return " ".join(text.split())

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert words(FRAME_LISTENER) in words(gdviz.mkdocs.__doc__) and FRAME_LISTENER in readme
    assert "FRAME_LISTENER" in (Path(gdviz.mkdocs.__file__).parent / "sphinx.py").read_text()


@needs_browser
def test_a_framed_explorer_sizes_its_frame(browser, page_file, tmp_path):
    """A host page 760 px wide (a documentation column) with the listener: the frame ends as tall
    as the explorer's content, with no scrollbar inside."""
    from gdviz.web.page import FRAME_LISTENER

    host = tmp_path / "host.html"
    host.write_text(f'<!doctype html><html><body style="margin:0">{FRAME_LISTENER}<iframe src="{page_file.as_uri()}" '
                    'title="gdviz explorer" style="width:100%;height:300px;border:0"></iframe></body></html>')
    page = browser.new_page(viewport={"width": 760, "height": 900})
    page.goto(host.as_uri())
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 1000", timeout=15000)
    frame = page.frames[1]
    frame.wait_for_function("document.documentElement.dataset.ready === '1'")
    page.wait_for_timeout(300)   # the last resize posted
    outer = page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    assert abs(outer - content) <= 2, (outer, content)
    assert frame.evaluate("document.documentElement.scrollHeight <= document.documentElement.clientHeight + 1")
    page.close()
