"""The explorer's momentum map (Distill's "Why Momentum Really Works"): every (learning rate,
momentum beta) coloured by the theory's convergence rate on a quadratic, the learner's settings as
a point that a click, a drag or the arrow keys move.

The rate of heavy ball at (alpha, beta) is the largest |eigenvalue| of [[beta, lambda],
[-alpha beta, 1 - alpha lambda]] over the Hessian's eigenvalues lambda (Nesterov: [[beta, lambda],
[-alpha beta^2, 1 - alpha lambda (1 + beta)]]); the page's are held to numpy's eigenvalues of the
update's own iteration to 1e-12 at sample pixels, and to gd.map(..., method="theory") bit for bit
on every pixel (the page mirrors gdviz.maps.theory.rate). Screenshots go to $GDVIZ_SCREENSHOTS.
"""
import math
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from conftest import mount_widget, needs_browser
from test_explorer import Page

import gdviz as gd
from gdviz.web.page import write_explorer
from gdviz.web.surfaces import curvatures, resolve

HERE = Path(__file__).parent


# -- which surfaces have a map: a constant Hessian, its eigenvalues from Python ------------------
@pytest.mark.parametrize("key, want", [
    ("parabola", [0.625]), ("bowl", [2.0, 2.0]), ("elongated", [1.0, 20.0]), ("x**2 + 10*y**2", [2.0, 20.0]),
    ("x*y + x**2 + 3*y**2 - 2*x", np.linalg.eigvalsh([[2.0, 1.0], [1.0, 6.0]]).tolist()),
    ("(w-3)**2", [2.0]), ("linear-regression-standardized", [2.0, 2.0]),
    ("rosenbrock", None), ("egg-crate", None), ("saddle", None), ("sin(x)*cos(y) + 0.1*(x^2 + y^2)", None),
])
def test_a_quadratic_surface_carries_its_hessians_eigenvalues(key, want):
    got = curvatures(resolve(key)[1])
    if want is None:
        assert got is None
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_the_page_record_has_them():
    from gdviz.web.page import _entry

    assert _entry("elongated")["curvatures"] == [1.0, 20.0] and _entry("rosenbrock")["curvatures"] is None


def test_the_rate_functions_pass_nodes_test_runner():
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("Node.js is needed for tests/js (make test installs Debian's nodejs)")
    r = subprocess.run([node, "--test", "--test-reporter=tap", str(HERE / "js" / "map.test.mjs")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "# fail 0" in r.stdout, r.stdout[-4000:] + r.stderr[-2000:]


# -- the map in Chromium ----------------------------------------------------------------------------
MIXED = "x*y + x**2 + 3*y**2 - 2*x"   # a quadratic whose Hessian is not diagonal


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer-map") / "explorer.html"
    return write_explorer(path, surfaces=["elongated", MIXED], optimizers=["momentum"])


@pytest.fixture(scope="module")
def page(browser, page_file):
    p = Page(browser, page_file.as_uri(), width=1280, height=800)
    yield p
    p.page.close()


def iteration(name, alpha, beta, H, weight_decay=0.0, dampening=0.0):
    """The whole linear iteration of (velocity, params) on the quadratic with Hessian H, built from
    the update rule itself (torch.optim.SGD), not from its eigenvalues: for heavy ball
    b' = beta b + (1 - dampening) G p, p' = p - alpha b'; Nesterov p' = p - alpha (G p + beta b'),
    where G = H + weight_decay I."""
    d = len(H)
    eye = np.eye(d)
    G = np.asarray(H, float) + weight_decay * eye
    if name == "momentum":
        return np.block([[beta * eye, (1 - dampening) * G], [-alpha * beta * eye, eye - alpha * (1 - dampening) * G]])
    return np.block([[beta * eye, G], [-alpha * beta * beta * eye, eye - alpha * (1 + beta) * G]])


def theory_rate(name, alpha, beta, H, **hyper):
    """The reference: the largest |eigenvalue| of the iteration (numpy.linalg.eigvals)."""
    return float(np.max(np.abs(np.linalg.eigvals(iteration(name, alpha, beta, H, **hyper)))))


def sample(m, n=150, seed=0):
    rng = np.random.default_rng(seed)
    rows, cols = len(m["y"]), len(m["x"])
    picks = zip(rng.integers(0, rows, n).tolist(), rng.integers(0, cols, n).tolist())
    return [(0, 0), (rows - 1, cols - 1), *picks]


RATE_CASES = [(name, key, {}) for name in ("momentum", "nesterov")
              for key in ("elongated", MIXED, "bowl", "parabola", "linear-regression")]
RATE_CASES += [("momentum", "elongated", {"dampening": 0.3, "weight_decay": 0.1}),
               ("nesterov", "elongated", {"weight_decay": 0.5})]


@needs_browser
@pytest.mark.parametrize("name, key, hyper", RATE_CASES)
def test_the_page_rates_are_the_theorys(page, name, key, hyper):
    page.set(mode="single", surface=key, optimizer=name, hyper=hyper, lr=0.01)
    m = page.js("gdviz.rateMap()")
    s = resolve(key)[1]
    H = s.hessian(s.start)
    assert m["optimizer"] == name and len(m["values"]) == len(m["y"]) and len(m["values"][0]) == len(m["x"])
    top = (1 - hyper.get("dampening", 0)) * (np.linalg.eigvalsh(H).max() + hyper.get("weight_decay", 0))
    # across: the decades from 0.1 / lambda_max to 8 / lambda_max (within the slider's 1e-5..10); up: beta's range
    assert m["x"][0] <= 0.1 / top and m["x"][-1] >= 0.95 * min(8 / top, 10) and m["x"][-1] / m["x"][0] < 1e4
    assert m["y"][0] > 0.99 and m["y"][-1] < 0.01
    worst = 0.0
    for i, j in sample(m):
        want = theory_rate(name, m["x"][j], m["y"][i], H, **hyper)
        worst = max(worst, abs(m["values"][i][j] - want))
    assert worst <= 1e-12, worst
    if "dampening" not in hyper:   # the Python side: every pixel, the same bits as gd.map(method="theory")
        py = gd.map(name, s, x=("lr", np.array(m["x"])), y=("momentum", np.array(m["y"][::-1])), method="theory",
                    **hyper)
        np.testing.assert_array_equal(np.array(m["values"]), py.values[::-1])   # the page's top row first
    page.set(hyper={})


@needs_browser
def test_a_click_on_the_map_sets_lr_and_beta_and_the_run_follows(page):
    page.set(mode="single", surface="elongated", optimizer="momentum", lr=0.023, hyper={}, start=None, steps=500)
    m = page.js("gdviz.rateMap()")
    left, top = m["box"][:2]
    canvas = page.page.locator(".gdx-map")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()

    def click_cell(i, j, how="click"):
        x, y = box["x"] + left + j + 0.5, box["y"] + top + i + 0.5
        if how == "click":
            page.page.mouse.click(x, y)
        return x, y

    def expect(i, j):   # the cell's centre, to the sliders' precision
        return float(f"{m['x'][j]:.2g}"), round(m["y"][i], 3)

    i, j = len(m["y"]) // 5, int(len(m["x"]) * 0.6)
    click_cell(i, j)
    lr, beta = expect(i, j)
    st = page.js("gdviz.state()")
    assert (st["lr"], st["hyper"]["momentum"]) == (lr, beta)
    assert page.js("gdviz.rateMap().point") == [lr, beta]
    # the run follows: gd.run with those settings, bit for bit
    s = resolve("elongated")[1]
    want = gd.run(gd.optimizer("momentum", lr=lr, momentum=beta), s, s.start, 500)
    path = page.js("gdviz.path()")
    assert path["params"] == want.params.tolist() and path["status"] == want.status
    # the sliders and the link show them
    assert page.page.locator('.gdx-field[data-prop="lr"] .gdx-num').input_value() == str(lr)
    beta_field = page.page.locator(".gdx-field", has=page.page.locator("code.gdx-py", has_text="momentum")).first
    assert beta_field.locator(".gdx-num").input_value() == str(beta)
    page.page.wait_for_timeout(300)   # the hash is written after a short pause
    assert f"lr={lr}" in page.page.url and f"momentum%3D{beta}" in page.page.url.replace(":", "%3D")
    # drag: the point follows the pointer
    x0, y0 = click_cell(len(m["y"]) - 3, 10, how="position")
    x1, y1 = click_cell(len(m["y"]) // 2, int(len(m["x"]) * 0.55), how="position")
    page.page.mouse.move(x0, y0)
    page.page.mouse.down()
    page.page.mouse.move(x1, y1, steps=5)
    page.page.mouse.up()
    lr, beta = expect(len(m["y"]) // 2, int(len(m["x"]) * 0.55))
    assert page.js("gdviz.rateMap().point") == [lr, beta]
    assert page.js("gdviz.path().lr") == lr
    assert page.errors == []


@needs_browser
def test_the_map_takes_the_arrow_keys_and_says_the_rate(page):
    page.set(mode="single", surface="elongated", optimizer="momentum", lr=0.023, hyper={"momentum": 0.9})
    live = page.page.locator(".gdx-maprate")
    assert live.get_attribute("aria-live") == "polite"
    rate = theory_rate("momentum", 0.023, 0.9, [[1.0, 0.0], [0.0, 20.0]])
    steps = math.ceil(math.log(1e6) / -math.log(rate))
    assert live.inner_text() == f"lr 0.023, β 0.9 → rate {rate:.3g} per step: ~ {steps} steps to shrink the error 10⁶ ×"
    assert page.js("gdviz.rateMap().steps") == steps
    canvas = page.page.locator(".gdx-map")
    assert canvas.get_attribute("tabindex") == "0" and "arrow keys" in canvas.get_attribute("aria-label")
    canvas.focus()
    page.page.keyboard.press("ArrowRight")   # the next round rate, as the slider walks them
    page.page.keyboard.press("ArrowUp")      # beta + 0.01
    st = page.js("gdviz.state()")
    assert (st["lr"], st["hyper"]["momentum"]) == (0.024, 0.91)
    page.page.keyboard.press("Shift+ArrowDown")
    page.page.keyboard.press("PageDown")
    st = page.js("gdviz.state()")
    assert (st["lr"], st["hyper"]["momentum"]) == (0.014, 0.81) and st["t"] == -1
    assert live.inner_text().startswith("lr 0.014, β 0.81 → rate ")
    # past the edge: it diverges, and says so
    page.set(lr=0.5)
    assert page.js("gdviz.rateMap().text").endswith("per step: diverges")
    assert page.js("gdviz.path().status") == "diverged"
    page.set(lr=0.1, hyper={"momentum": 0.0})   # on the edge 2/20: the rate is 1 exactly
    assert page.js("gdviz.rateMap().text") == "lr 0.1, β 0 → rate 1 per step: the error does not shrink"
    assert page.errors == []


@needs_browser
def test_the_map_is_shown_only_where_the_theory_holds(page):
    def shown():
        return (page.page.locator(".gdx-mapbox").is_visible(), page.page.locator(".gdx-mapnote").is_visible(),
                page.js("gdviz.rateMap()"))

    page.set(mode="single", surface="elongated", optimizer="nesterov", lr=0.01, hyper={})
    visible, note, m = shown()
    assert visible and not note and m["optimizer"] == "nesterov"
    assert "(1 + 2β)" in page.page.locator(".gdx-maplegend").inner_text()
    page.set(surface="rosenbrock", optimizer="momentum", hyper={})
    visible, note, m = shown()
    assert not visible and note and m == {"why": gd.style.label("explorer map needs quadratic")}
    assert page.page.locator(".gdx-mapnote").inner_text() == m["why"]
    page.set(surface="linear-regression", hyper={"batch_size": 8})
    assert shown() == (False, True, {"why": gd.style.label("explorer map needs full batch")})
    for other in ({"surface": "elongated", "optimizer": "adam", "hyper": {}}, {"optimizer": "gd"},
                  {"mode": "exercise"}):
        page.set(**other)
        assert shown() == (False, False, None), other
    page.set(mode="race", racers=["gd", "momentum"], optimizer="momentum", surface="elongated", hyper={})
    assert shown()[0] and page.js("gdviz.rateMap().optimizer") == "momentum"   # the racer whose sliders show
    page.set(mode="single")
    assert page.errors == []


@needs_browser
def test_the_map_sits_beside_the_plot_under_the_loss_chart_and_the_plot_stays_put(page):
    """On a laptop the loss chart and the map stand in the column right of the plot (issue 19 §3)."""
    page.js("window.scrollTo(0, 0)")
    page.set(mode="single", surface="elongated", optimizer="gd", hyper={}, lr=0.05)
    plot = page.page.locator(".gdx-plot").bounding_box()
    page.set(optimizer="momentum", hyper={}, lr=0.023)
    assert page.js("window.scrollY") == 0
    assert page.page.locator(".gdx-plot").bounding_box() == plot   # not pushed down
    loss = page.page.locator(".gdx-loss").bounding_box()
    mapbox = page.page.locator(".gdx-mapbox").bounding_box()
    main = page.page.locator(".gdx-main").bounding_box()
    assert mapbox["x"] >= plot["x"] + plot["width"] and loss["x"] >= plot["x"] + plot["width"]
    assert mapbox["y"] >= loss["y"] + loss["height"] and mapbox["y"] + mapbox["height"] <= 800
    assert mapbox["x"] + mapbox["width"] <= main["x"] + main["width"]
    assert loss["width"] >= 280


@needs_browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshot_of_the_map(browser, page_file, lang, tmp_path_factory):
    folder = Path(os.environ.get("GDVIZ_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    p = Page(browser, page_file.as_uri(), width=1280, height=800)
    p.set(mode="single", surface="elongated", optimizer="momentum", lr=0.03, hyper={"momentum": 0.6}, lang=lang)
    p.page.locator(".gdx-charts").scroll_into_view_if_needed()
    p.page.wait_for_timeout(150)
    shot = folder / f"explorer-map-{lang}.png"
    p.page.screenshot(path=str(shot))
    p.page.screenshot(path=str(folder / f"explorer-map-{lang}-full.png"), full_page=True)
    from PIL import Image

    img = np.asarray(Image.open(shot).convert("RGB"))
    assert img.shape[:2] == (800, 1280)
    cells = np.asarray(Image.open(BytesIO(p.page.locator(".gdx-map").screenshot())).convert("RGB"))
    assert len(np.unique(cells.reshape(-1, 3), axis=0)) > 100   # a map of rates, not a blank canvas
    text = p.page.locator(".gdx-mapbox").inner_text()
    for key in ("explorer map title", "explorer map scale", "explorer map edge momentum"):
        assert gd.style.label(key, lang) in text, key
    assert p.errors == []
    p.page.close()


# -- the notebook widget ------------------------------------------------------------------------------
@needs_browser
def test_the_widget_shows_the_map_and_a_click_reaches_the_kernel(browser):
    pytest.importorskip("anywidget")
    w = gd.explore("elongated", optimizer="momentum", lr=0.02, hyper={"momentum": 0.5})
    state = w.get_state()   # what the kernel sends the front end
    page, errs = mount_widget(browser, state, width=1100)
    canvas = page.locator(".gdx-map")
    assert canvas.is_visible()
    canvas.focus()
    page.keyboard.press("ArrowUp")
    assert page.evaluate("model.get('hyper')") == {"momentum": 0.51} and page.evaluate("model.get('lr')") == 0.02
    w.hyper = page.evaluate("model.get('hyper')")   # what the kernel receives: a run of those settings
    assert w.trajectory().params.tolist() == gd.run(gd.optimizer("momentum", lr=0.02, momentum=0.51), "elongated",
                                                    None, w.steps).params.tolist()
    assert errs == [], errs
    page.close()
