"""The explorer (gdviz/web): its tables, its JavaScript engine against gd.run, the page in headless
Chromium (Playwright driving Debian's chromium), the notebook widget, the CLI and the embeds.

The page's engine is a second implementation of gdviz's update rules, so it is held to the
Python one step for step: every optimizer of the registry on several surfaces. On a surface built
from + - * / and sqrt the page computes gd.run's bits (asserted to 1e-12, the whole run); where
sin or exp differ in the last bit, params and loss agree to a relative deviation of 1e-9
elementwise (a value below 1e-12 of its series' largest counted at that size), gradients and
state to 1e-9 of their largest value, up to the horizon of tests/test_same_numbers.py.
Screenshots of each mode go to $GDVIZ_SCREENSHOTS (default: a temporary folder).
"""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SURFACES, mount_widget, needs_browser, sample_points
from make_js_reference import OPTIMIZER_CASES, make
from test_same_numbers import horizon

import gdviz as gd
from gdviz.cli import main
from gdviz.internals import internals as py_internals
from gdviz.web import state, tables
from gdviz.web.page import MAX_BYTES, write_explorer, write_for_gallery
from gdviz.web.surfaces import resolve

HERE = Path(__file__).parent
RTOL = 1e-9
EXPRESSION = "sin(x)*cos(y) + 0.1*(x^2 + y^2)"
# the surfaces every optimizer is checked on in the browser
CHECKED = ["elongated", "rosenbrock", "egg-crate", "parabola", "linear-regression-standardized", EXPRESSION]


# -- one table drives the controls, the hash and the traitlets -----------------------------------
def test_every_optimizer_of_the_registry_has_a_javascript_rule():
    assert tables.missing() == [], f"no JavaScript rule in gdviz/web/js/engine.js for: {', '.join(tables.missing())}"


def test_every_hyperparameter_of_the_registry_has_a_control():
    unknown = []
    for name in gd.OPTIMIZERS:
        try:
            tables.hyperparameters(name)
        except gd.UserInputError as e:
            unknown.append(str(e))
    assert unknown == []
    adam = {h["name"]: h for h in tables.hyperparameters("adam")}
    assert adam["beta1"]["default"] == 0.9 and adam["beta2"]["default"] == 0.999 and "betas" not in adam
    assert all(h["label"][0] and h["label"][1] for n in gd.OPTIMIZERS for h in tables.hyperparameters(n))


def test_the_widget_syncs_exactly_the_table():
    pytest.importorskip("anywidget")
    import traitlets

    from gdviz.web.widget import Explorer

    w = Explorer()
    kinds = {"enum": traitlets.Unicode, "text": traitlets.Unicode, "number": traitlets.Float, "int": traitlets.Int,
             "bool": traitlets.Bool, "point": traitlets.List, "list": traitlets.List, "dict": traitlets.Dict,
             "settings": traitlets.Dict}
    assert {p.name for p in state.props()} <= set(w.trait_names(sync=True))
    for p in state.props():
        trait = w.traits()[p.name]
        assert isinstance(trait, kinds[p.type]) and trait.metadata.get("sync") is True, p.name
        assert getattr(w, p.name) == p.default, p.name


def test_the_table_labels_every_control_in_both_languages():
    for p in state.props():
        assert p.label in gd.style.LABELS, p.name
        en, zh = gd.style.LABELS[p.label]
        assert en and zh and en != zh, p.name
    for key in ("explorer mode single", "explorer mode race", "explorer mode exercise", "explorer step",
                "explorer play", "explorer pause", "explorer reset", "explorer title"):
        assert gd.style.label(key, "en") != gd.style.label(key, "zh")


def test_default_learning_rate_is_the_suggested_one():
    from gdviz.web.page import page_data

    data = page_data()
    assert state.prop("lr").default == data["surfaces"]["elongated"]["suggest"]["gd"]


# -- surfaces: sympy is the one source ------------------------------------------------------------
@pytest.mark.parametrize("s", SURFACES, ids=lambda s: s.spec()["name"][:30] + str(s.params.get("loss", "")))
def test_symbolic_agrees_with_value_and_grad(s):
    import sympy as sp

    expr = s.symbolic()
    syms = [sp.Symbol(v, real=True) for v in s.variables]
    f = sp.lambdify(syms, expr, "numpy")
    g = [sp.lambdify(syms, sp.diff(expr, v), "numpy") for v in syms]
    P = sample_points(s, 9, seed=4)
    value = np.array([f(*p) for p in P], dtype=float)
    grad = np.array([[gi(*p) for gi in g] for p in P], dtype=float)
    np.testing.assert_allclose(value, s.value(P), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grad, s.grad(P), rtol=1e-9, atol=1e-9 * max(1.0, np.abs(s.grad(P)).max()))


def test_the_page_runs_the_operations_python_runs():
    key, s = resolve("x^2 + 10*y^2")
    from gdviz.web.surfaces import entry

    rec = entry(key, s)
    assert rec["f"] == "return ((x * x) + (10.0 * (y * y)));"   # Python's operations, in Python's order
    assert rec["vg"] == "return [((x * x) + (10.0 * (y * y))), [(2.0 * x), (20.0 * y)]];"
    assert rec["exact"] is True and "Math.pow" not in rec["f"] + rec["vg"] + rec["h"]
    assert rec["centre"] == [0.0, 0.0] and rec["limit"] == 8000.0 and rec["tol"] == s.tol


def test_js_reference_is_what_the_generator_makes_today():
    stored = json.loads((HERE / "data" / "js_reference.json").read_text())
    fresh = json.loads(json.dumps(make()))

    def close(a, b, where="$"):
        if isinstance(a, dict):
            assert a.keys() == b.keys(), where
            for k in a:
                close(a[k], b[k], f"{where}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), where
            for i, (x, y) in enumerate(zip(a, b)):
                close(x, y, f"{where}[{i}]")
        elif isinstance(a, float) and isinstance(b, float):
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300), where
        else:
            assert a == b, where

    close(fresh, stored)   # on a mismatch: .venv/bin/python tests/make_js_reference.py


def test_the_javascript_engine_passes_nodes_test_runner():
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("Node.js is needed for tests/js (make test installs Debian's nodejs)")
    r = subprocess.run([node, "--test", "--test-reporter=tap", str(HERE / "js" / "engine.test.mjs")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout


# -- the command line -----------------------------------------------------------------------------
def test_cli_writes_one_self_contained_page(tmp_path, capsys):
    out = tmp_path / "explorer.html"
    code = main(["explore", "--surface", EXPRESSION, "--surface", "rosenbrock", "--optimizer", "gd,momentum",
                 "-O", "adam", "--lang", "zh", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    html = out.read_text()
    assert out.stat().st_size < MAX_BYTES
    for network in ('src="http', "src='http", 'href="http', "import(", "fetch(", "XMLHttpRequest", "@import"):
        assert network not in html, network
    data = json.loads(html.split('id="gdviz-data">', 1)[1].split("</script>", 1)[0])
    props = {p["name"]: p["default"] for p in data["props"]}
    assert props["surface"] == EXPRESSION and props["mode"] == "race" and props["lang"] == "zh"
    assert props["racers"] == ["gd", "momentum", "adam"] and EXPRESSION in data["order"]
    assert list(data["optimizers"]) == tables.mirrored()


@pytest.mark.parametrize("args, message", [
    (["--surface", "rosenbrok"], "unknown surface 'rosenbrok' (did you mean 'rosenbrock'?)"),
    (["--surface", "logistic-regression"], "is not in the explorer"),
    (["--surface", "x**2 +"], "is not valid arithmetic"),
    (["--optimizer", "adamm"], "unknown optimizer 'adamm' (did you mean 'adam'?)"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["-o", "{tmp}/missing/explorer.html"], "does not exist"),
    (["-o", "{tmp}/explorer.png"], "choose one of: .html"),
    (["-o", "{tmp}/folder.html"], "is a folder"),
])
def test_cli_bad_input_is_one_line(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.html").mkdir()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["explore", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("gdviz: error: ") and err.count("\n") == 1, err
    assert [p.name for p in tmp_path.rglob("*.htm*")] == ["folder.html"]


def test_cli_refuses_a_read_only_folder(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["explore", "-o", str(folder / "e.html")]) == 2
        assert "is not writable" in capsys.readouterr().err
    finally:
        folder.chmod(0o700)


# -- the page in Chromium -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    return write_explorer(path, surfaces=["elongated", EXPRESSION] + [key for _, _, key in OPTIMIZER_CASES])


class Page:
    """A loaded explorer with its console recorded."""

    def __init__(self, browser, url, width=1280, height=1000):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.goto(url)
        self.page.wait_for_function("document.documentElement.dataset.ready === '1'", timeout=15000)

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def set(self, **changes):
        return self.js("c => gdviz.set(c)", changes)


@pytest.fixture(scope="module")
def page(browser, page_file):
    p = Page(browser, page_file.as_uri())
    yield p
    p.page.close()


def py_run(name, hyper, key, lr=None, start=None, steps=200, tol=None, seed=0):
    k, s = resolve(key)
    rec = json.loads(page_record(k))
    lr = rec["suggest"][name] if lr is None else lr
    return gd.run(gd.optimizer(name, lr=lr, **hyper), s, rec["start"] if start is None else start, steps,
                  tol=tol, seed=seed), lr


_records = {}


def page_record(key):
    if key not in _records:
        from gdviz.web.page import _entry

        _records[key] = json.dumps(_entry(key))
    return _records[key]


def page_horizon(page, key, js):
    """How many rows to compare on a surface with sin, exp...: on one built from + - * / and sqrt,
    all (the page computes gd.run's bits); else the rows until the page's own run from a start one
    ulp away parts from it by more than 1e-12 of the path's size (tests/test_same_numbers.py states
    the rule; the page's engine computes the same on every machine)."""
    rec = json.loads(page_record(resolve(key)[0]))
    if rec["exact"]:
        return len(js["params"])
    start = np.asarray(rec["start"])
    page.set(start=np.nextafter(start, np.inf).tolist())
    twin = page.js("gdviz.path()")
    page.set(start=None)
    return horizon(js["params"], twin["params"])


def deviations(js, traj, rows=None):
    """(path deviation, state deviation) over the first ``rows`` rows: elementwise relative for
    params and loss; relative to the largest value over the run for grads and each state array."""
    if rows is not None and rows < len(traj.params):
        js = {**js, "params": js["params"][:rows], "loss": js["loss"][:rows], "grads": js["grads"][:rows],
              "state": {k: v[:rows - 1] for k, v in js["state"].items()}}
        traj = type("Cut", (), {"params": traj.params[:rows], "loss": traj.loss[:rows], "grads": traj.grads[:rows],
                                "state": {k: v[:rows - 1] for k, v in traj.state.items()}})
    def rel(a, b):   # a value below 1e-12 of the largest of its series counts at that size
        a, b = np.asarray(a, float), np.asarray(b, float)
        assert a.shape == b.shape
        floor = max(1e-12 * np.max(np.abs(b), initial=0.0), 1e-300)
        return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor), initial=0.0))

    def scaled(a, b):
        a, b = np.asarray(a, float), np.asarray(b, float)
        assert a.shape == b.shape
        top = np.max(np.abs(b), initial=0.0)
        return float(np.max(np.abs(a - b), initial=0.0) / (top if top > 0 else 1.0))

    path = max(rel(js["params"], traj.params), rel(js["loss"], traj.loss))
    assert sorted(js["state"]) == sorted(traj.state), (sorted(js["state"]), sorted(traj.state))
    st = max([scaled(js["grads"], traj.grads)] + [scaled(js["state"][k], traj.state[k]) for k in traj.state])
    return path, st


@needs_browser
def test_page_loads_with_no_console_errors(page):
    assert page.errors == []
    assert page.js("gdviz.rules()") == list(gd.OPTIMIZERS) or set(gd.OPTIMIZERS) <= set(page.js("gdviz.rules()"))
    assert page.js("gdviz.missing()") == []
    pixels = page.page.locator(".gdx-plot").screenshot()
    from io import BytesIO

    from PIL import Image

    img = np.asarray(Image.open(BytesIO(pixels)).convert("RGB"))
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50   # contours and a path, not a blank canvas


@needs_browser
@pytest.mark.parametrize("name", list(gd.OPTIMIZERS))
@pytest.mark.filterwarnings("ignore:newton:UserWarning")   # Newton near a saddle says so; it is checked all the same
def test_the_page_runs_every_optimizer_as_gd_run_does(page, name):
    """Every optimizer on every checked surface, and every option of its rule (OPTIMIZER_CASES)."""
    assert name in page.js("gdviz.rules()"), f"'{name}' has no JavaScript rule in gdviz/web/js/engine.js"
    cases = [(key, {}) for key in CHECKED] + [(key, h) for n, h, key in OPTIMIZER_CASES if n == name]
    worst, cut = [0.0, 0.0], []
    for key, hyper in cases:
        hyper = dict(hyper)
        lr = hyper.pop("lr", None)
        traj, lr = py_run(name, hyper, key, lr=lr)
        page.set(surface=key, optimizer=name, lr=lr, hyper=hyper, steps=200, start=None, mode="single")
        js = page.js("gdviz.path()")
        rows = page_horizon(page, key, js)
        if rows == len(traj.params):   # the whole run: the same stop, for the same reason
            assert js["status"] == traj.status and js["stop"] == traj.stop, (key, hyper, js["status"], traj.status)
        else:   # sin or exp amplified by a chaotic run: compared up to the horizon
            assert rows >= 2, (key, hyper, rows)
            cut.append(f"{key} {hyper} after {rows - 1} steps")
        path, st = deviations(js, traj, rows)
        tol = 1e-12 if json.loads(page_record(resolve(key)[0]))["exact"] else RTOL
        assert path <= tol and st <= tol, (key, hyper, path, st)
        worst = [max(worst[0], path), max(worst[1], st)]
    print(f"{name}: path {worst[0]:.1e}, grads and state {worst[1]:.1e}" + (f"; chaotic, compared until: "
                                                                           f"{'; '.join(cut)}" if cut else ""))
    assert page.errors == []


@needs_browser
def test_the_page_samples_mini_batches_as_numpy_does(page):
    for batch, seed in ((1, 0), (8, 3), (100, 11)):
        traj, lr = py_run("sgd", {"batch_size": batch}, "linear-regression-standardized", lr=0.05, seed=seed)
        page.set(surface="linear-regression-standardized", optimizer="sgd", lr=lr, hyper={"batch_size": batch},
                 seed=seed, steps=200)
        path, st = deviations(page.js("gdviz.path()"), traj)
        assert path <= RTOL and st <= RTOL, (batch, seed, path, st)
    page.set(seed=0)


@needs_browser
def test_the_internals_layer_draws_gdviz_internals(page):
    for name, hyper in (("momentum", {}), ("nesterov", {}), ("gd", {"momentum": 0.5, "weight_decay": 0.01}),
                        ("adagrad", {"lr_decay": 0.01}), ("rmsprop", {"centered": True}), ("adam", {"amsgrad": True}),
                        ("adadelta", {})):
        traj, lr = py_run(name, hyper, "elongated", steps=40)
        page.set(surface="elongated", optimizer=name, lr=lr, hyper=hyper, steps=40, internals=True)
        ins = py_internals(traj)
        for t in (0, 1, 7, 20):
            js = page.js("t => gdviz.internals(t)", t)
            for field in ("step", "push", "carried", "position", "lookahead", "scale", "effective_lr", "first"):
                want = getattr(ins, field)
                if want is None:
                    assert field not in js, (name, field)
                else:
                    np.testing.assert_allclose(js[field], want[t], rtol=1e-9, atol=1e-12, err_msg=f"{name} {field}")
    page.set(internals=False)
    assert page.errors == []


@needs_browser
@pytest.mark.parametrize("key, start", [("parabola", None), ("elongated", None), ("elongated", [1.0, -2.0]),
                                        ("rosenbrock", None), ("egg-crate", [1.5, 1.5]), ("saddle", [0.0, 0.0]),
                                        ("linear-regression", None)])
def test_the_slider_zones_are_the_regimes(page, key, start):
    page.set(surface=key, optimizer="gd", hyper={}, start=start)
    js = page.js("gdviz.regimes()")
    r = gd.regimes(resolve(key)[1], start)
    np.testing.assert_allclose([js["L"], js["goldilocks"], js["diverge"], *js["band"]],
                               [r.L, r.goldilocks, r.diverge, *r.band()], rtol=1e-9)
    assert (js["mu"] is None) == (r.mu is None)


@needs_browser
def test_moving_the_slider_and_clicking_the_plot_change_the_path(page):
    page.set(surface="elongated", optimizer="gd", lr=0.03, hyper={}, start=None, mode="single")
    before = page.js("gdviz.path().params")
    slider = page.page.locator('.gdx-field[data-prop="lr"] input[type="range"]')
    slider.focus()
    page.page.keyboard.press("ArrowRight")   # the next round rate
    assert page.js("gdviz.state().lr") == 0.031
    page.page.keyboard.press("PageUp")       # ten round rates up
    assert page.js("gdviz.state().lr") == 0.041
    after = page.js("gdviz.path().params")
    assert after != before and after[0] == before[0]
    box = page.page.locator(".gdx-plot").bounding_box()
    px = page.js("p => gdviz.pixel(p)", [1.0, -2.0])
    page.page.mouse.click(box["x"] + px[0], box["y"] + px[1])
    start = page.js("gdviz.state().start")
    np.testing.assert_allclose(start, [1.0, -2.0], atol=0.05)
    assert page.js("gdviz.path().params[0]") == start
    # drag: the start follows the pointer
    to = page.js("p => gdviz.pixel(p)", [-2.0, 1.0])
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + to[0], box["y"] + to[1], steps=4)
    page.page.mouse.up()
    np.testing.assert_allclose(page.js("gdviz.state().start"), [-2.0, 1.0], atol=0.05)
    # the typed number is taken as it is
    page.page.locator('.gdx-field[data-prop="lr"] .gdx-num').fill("0.0123")
    page.page.locator('.gdx-field[data-prop="lr"] .gdx-num').press("Enter")
    assert page.js("gdviz.state().lr") == 0.0123
    assert page.errors == []


@needs_browser
def test_step_play_pause_and_reset(page):
    page.set(surface="elongated", optimizer="gd", lr=0.03, hyper={}, start=None, speed=60)
    page.page.get_by_role("button", name="Reset").click()
    assert page.js("gdviz.state().t") == 0
    page.page.get_by_role("button", name="Step", exact=True).click()
    page.page.get_by_role("button", name="Step", exact=True).click()
    assert page.js("gdviz.state().t") == 2
    page.page.locator(".gdx-main").press("s")   # keyboard: S steps
    assert page.js("gdviz.state().t") == 3
    page.page.get_by_role("button", name="Play").click()
    page.page.wait_for_timeout(400)
    page.page.get_by_role("button", name="Pause").click()
    t = page.js("gdviz.state().t")
    assert t > 5, t
    assert "step" in page.page.locator(".gdx-counter").inner_text()
    page.set(t=-1, speed=10)


@needs_browser
def test_a_diverging_path_is_drawn_to_the_edge_never_nan(page):
    page.set(surface="elongated", optimizer="gd", lr=0.5, hyper={}, start=None, steps=500)
    path = page.js("gdviz.path()")
    assert path["status"] == "diverged"
    assert all(math.isfinite(v) for row in path["params"] for v in row) and all(map(math.isfinite, path["loss"]))
    assert page.js("gdviz.window()") == [[-4.0, 4.0], [-4.0, 4.0]]   # the axes keep the surface's window
    traj, _ = py_run("gd", {}, "elongated", lr=0.5, steps=500)
    assert path["stop"] == traj.stop and path["params"][-1] == traj.params[-1].tolist()
    assert "diverged" in page.page.locator(".gdx-readout").inner_text()
    page.set(surface="parabola", optimizer="gd", lr=4.0)
    assert page.js("gdviz.path().status") == "diverged" and page.js("gdviz.window()")[0] == [-3.5, 3.5]
    assert page.errors == []


@needs_browser
def test_the_url_hash_round_trips(browser, page_file):
    p = Page(browser, page_file.as_uri())
    p.set(surface=EXPRESSION, mode="race", racers=["gd", "momentum", "adam"], optimizer="adam", lr=0.07,
          hyper={"beta1": 0.8, "amsgrad": True}, start=[-2.5, 1.25], steps=321, field=True, lang="zh",
          hide=["seed", "tol"])
    want = p.js("gdviz.state()")
    p.page.wait_for_timeout(300)   # the hash is written after a short pause
    url = p.page.url
    assert "#" in url and "surface=" in url and p.js("gdviz.hash()") == url.split("#", 1)[1]
    q = Page(browser, url)
    assert q.js("gdviz.state()") == want
    assert q.js("gdviz.hash()") == url.split("#", 1)[1]
    assert q.js("gdviz.path('adam').params") == p.js("gdviz.path('adam').params")
    assert q.page.locator('.gdx-field[data-prop="seed"]').is_hidden()
    # a hand-written hash: unknown keys and bad values fall back to the defaults
    r = Page(browser, page_file.as_uri() + "#lr=oops&bogus=1&steps=7&surface=nowhere")
    st = r.js("gdviz.state()")
    assert st["steps"] == 7 and st["lr"] == state.prop("lr").default
    assert r.js("gdviz.path().params.length") > 1
    assert p.errors == q.errors == r.errors == []
    for x in (p, q, r):
        x.page.close()


@needs_browser
def test_every_control_is_labelled_and_reachable_by_keyboard(page):
    page.set(mode="race", internals=True)
    unlabelled = page.js("""() => [...document.querySelectorAll('.gdx input, .gdx select, .gdx button, .gdx canvas')]
        .filter(el => el.offsetParent !== null)
        .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.textContent.trim()
                        || el.closest('label') || (document.getElementById(el.getAttribute('aria-labelledby'))
                                                   || {textContent: ''}).textContent.trim()))
        .map(el => el.outerHTML.slice(0, 80))""")
    assert unlabelled == []
    unreachable = page.js("""() => [...document.querySelectorAll('.gdx input, .gdx select, .gdx button, .gdx summary')]
        .filter(el => el.offsetParent !== null)
        .filter(el => el.tabIndex < 0 || el.disabled && !el.matches('[data-prop=start] button'))
        .map(el => el.outerHTML.slice(0, 80))""")
    assert unreachable == []
    assert page.js("document.querySelector('.gdx-plot').tabIndex") == 0
    page.set(mode="single", internals=False)


def test_the_page_draws_the_dash_patterns_of_the_style():
    """One source: the page's dash table is gdviz.style.DASHES (on/off lengths in line widths)."""
    dashes = tables.style_table()["dashes"]
    assert dashes == {c: list(d) for c, d in gd.style.DASHES.items()}
    assert dashes[gd.style.colour("momentum")] == [3.7, 1.6] and gd.style.colour("adam") not in dashes


@needs_browser
def test_the_race_draws_momentum_dashed_and_adam_solid(page):
    """The second cue beside colour: momentum's path and loss curve are dashed with the style's
    pattern scaled by the line width (its dots and arrows stay solid); none of Adam's strokes is
    dashed; the legend's swatches carry the same patterns."""
    page.js("""() => { window.strokes = []; window.nativeStroke = CanvasRenderingContext2D.prototype.stroke;
        CanvasRenderingContext2D.prototype.stroke = function (...a) {
            window.strokes.push({ colour: this.strokeStyle, dash: this.getLineDash(), lw: this.lineWidth,
                                  canvas: this.canvas.className });
            return window.nativeStroke.apply(this, a); }; }""")
    page.set(mode="race", surface="elongated", racers=["momentum", "adam"], start=None, steps=300)
    strokes = page.js("window.strokes")
    page.js("() => { CanvasRenderingContext2D.prototype.stroke = window.nativeStroke; }")
    green, vermillion = gd.style.colour("momentum").lower(), gd.style.colour("adam").lower()
    dashed = [s for s in strokes if s["colour"] == green and s["dash"]]
    assert len({s["canvas"] for s in dashed}) == 2, strokes   # the plot and the loss chart
    for s in dashed:
        assert s["dash"] == pytest.approx([3.7 * s["lw"], 1.6 * s["lw"]]), s
    assert [s for s in strokes if s["colour"] == vermillion]
    assert [s for s in strokes if s["colour"] == vermillion and s["dash"]] == []
    swatches = page.js("""() => Object.fromEntries([...document.querySelectorAll('.gdx-legend .gdx-key')]
        .map(k => [k.dataset.name, k.querySelector('.gdx-line').dataset.dash]))""")
    assert swatches == {"momentum": "3.7 1.6", "adam": ""}
    page.set(mode="single")


@needs_browser
def test_the_exercise_is_the_courses(page):
    page.page.locator('.gdx-seg-mode button[data-value="exercise"]').click()
    st = page.js("gdviz.state()")
    assert st["mode"] == "exercise" and st["lr"] == 0.1 and st["t"] == 0
    assert page.js("gdviz.path().stop") == 81          # the course: 0.1 takes 81 steps
    page.page.get_by_role("button", name="lr = 1", exact=True).click()
    for _ in range(7):
        page.page.get_by_role("button", name="Step", exact=True).click()
    assert page.js("gdviz.path().stop") == 6
    assert "6" in page.page.locator(".gdx-attempts").inner_text()
    page.page.locator('.gdx-field[data-prop="lr"] .gdx-num').fill("1.6")
    page.page.locator('.gdx-field[data-prop="lr"] .gdx-num').press("Enter")
    page.page.get_by_role("button", name="Step", exact=True).click()
    assert page.js("gdviz.path().stop") == 1
    assert "1.6" in page.page.locator(".gdx-success").inner_text()
    page.page.locator('.gdx-seg-mode button[data-value="single"]').click()


SHOTS = {
    "single": dict(mode="single", surface="rosenbrock", optimizer="adam", lr=0.05, steps=600),
    "race": dict(mode="race", surface="egg-crate", racers=["gd", "momentum", "nesterov", "rmsprop", "adam"],
                 optimizer="momentum", lr=0.01, start=[-4.5, -1.5], steps=400),
    "exercise": dict(mode="exercise", lr=1, t=3),
    "internals-field": dict(mode="single", surface="elongated", optimizer="momentum", lr=0.03, field=True,
                            internals=True, t=4, start=None, steps=500),
    "chinese": dict(mode="race", surface=EXPRESSION, racers=["gd", "momentum", "adam"], optimizer="adam", lr=0.2,
                    lang="zh", start=None, steps=500),
}


@needs_browser
@pytest.mark.parametrize("mode", list(SHOTS))
def test_screenshot_of_each_mode(browser, page_file, mode, tmp_path_factory):
    folder = Path(os.environ.get("GDVIZ_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    p = Page(browser, page_file.as_uri(), width=1280, height=900)
    p.set(**SHOTS[mode])
    p.page.wait_for_timeout(150)
    shot = folder / f"explorer-{mode}.png"
    p.page.screenshot(path=str(shot), full_page=True)
    from PIL import Image

    img = np.asarray(Image.open(shot).convert("RGB"))
    assert img.shape[1] == 1280 and len(np.unique(img.reshape(-1, 3), axis=0)) > 300
    assert p.errors == []
    p.page.close()


@needs_browser
def test_recomputing_a_1000_step_path_fits_in_a_frame(page):
    """The benchmark (bench/explorer.py) measures every optimizer; this catches a slowdown."""
    page.set(surface="rosenbrock", optimizer="adam", lr=0.05, steps=1000, tol=1e-12, start=None)
    assert page.js("gdviz.path().params.length") == 1001
    times = sorted(page.js("() => Array.from({length: 15}, () => gdviz.recompute())"))
    assert times[len(times) // 2] < 16 * 3, times   # 16 ms on the 2-core machine; slack for a busy CI
    page.set(tol=None, steps=500)


# -- the notebook widget ---------------------------------------------------------------------------
def test_widget_trajectory_is_the_python_engine_on_the_settings():
    pytest.importorskip("anywidget")
    w = gd.explore("rosenbrock", optimizer=["gd", "adam"], steps=300)
    assert w.mode == "race" and w.racers == ["gd", "adam"] and w.surface == "rosenbrock"
    w.optimizer, w.lr, w.hyper, w.start = "adam", 0.05, {"beta1": 0.8}, [-1.0, 2.5]
    traj = w.trajectory()
    want = gd.run(gd.optimizer("adam", lr=0.05, beta1=0.8), "rosenbrock", [-1.0, 2.5], 300)
    np.testing.assert_array_equal(traj.params, want.params)
    assert set(w.trajectories()) == {"gd", "adam"}
    with pytest.raises(gd.UserInputError, match="lr"):
        w.lr = 50.0
    with pytest.raises(gd.UserInputError, match="unknown surface"):
        w.surface = "rosenbrok"
    with pytest.raises(gd.UserInputError, match="explorer setting"):
        gd.explore("bowl", colour="red")


@needs_browser
def test_widget_renders_in_a_notebook_executed_with_nbclient(browser, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("anywidget")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        "import gdviz as gd\nw = gd.explore('elongated', optimizer=['gd', 'momentum'], steps=200)\nw",
        "w.lr = 0.05\nt = w.trajectory()\nprint(t.status, t.n_steps, list(t.params[-1]))",
    )]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    view = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"][0]["data"]
    model_id = view["application/vnd.jupyter.widget-view+json"]["model_id"]
    widgets = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    saved = widgets[model_id]["state"]
    assert saved["lr"] == 0.05 and saved["mode"] == "race" and "export default" in saved["_esm"]
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    # render the saved widget as a notebook front end does: the module's render({model, el})
    page, errs = mount_widget(browser, saved, width=1200)
    assert page.locator(".gdx-plot").count() == 1 and page.locator(".gdx-readout tbody tr").count() == 2
    end = page.evaluate("""() => [...document.querySelectorAll('.gdx-readout tbody tr')][0].innerText""")
    assert "momentum" in page.locator(".gdx-legend").inner_text().lower()
    # a slider moved in the view reaches the model (and so the kernel)
    page.locator('.gdx-field[data-prop="lr"] input[type="range"]').focus()
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("model.get('lr')") == 0.049 and page.evaluate("window.saved") >= 1
    page.evaluate("window.cleanup()")
    assert errs == [], errs
    page.close()
    status, steps = printed.split()[:2]
    assert status in ("converged", "max_steps") and int(steps) > 0 and end


# -- the gallery, Sphinx and MkDocs ----------------------------------------------------------------
def test_the_gallery_writes_and_links_an_explorer(tmp_path):
    from gdviz.gallery import load
    from gdviz.gallery.page import render_page

    spec = load(text='[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nsurface = "x**2 + 10*y**2"\n'
                     '[[entry]]\nname = "b"\nkind = "figure"\nfigure = "race"\nsurface = "egg-crate"\n')
    path = write_for_gallery(spec, tmp_path)
    html = path.read_text()
    assert path.name == "explorer.html" and '"surface","type":"text","default":"x**2 + 10*y**2"' in html
    mtime = path.stat().st_mtime_ns
    assert write_for_gallery(spec, tmp_path).stat().st_mtime_ns == mtime   # unchanged: not written again
    assert 'href="explorer.html"' in render_page(spec, tmp_path)


def test_sphinx_directive_embeds_an_explorer(tmp_path):
    pytest.importorskip("sphinx")
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["gdviz.sphinx"]\n')
    (src / "index.rst").write_text("Docs\n====\n\n.. gdviz-explorer::\n   :surface: rosenbrock\n"
                                   "   :optimizer: gd, adam\n   :lang: zh\n")
    r = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src), str(tmp_path / "html")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "html" / "index.html").read_text()
    src_attr = page.split('<iframe class="gdviz-explorer" src="', 1)[1].split('"', 1)[0]
    embedded = (tmp_path / "html" / src_attr).read_text()
    assert '"default":"rosenbrock"' in embedded and '"default":"zh"' in embedded


def test_mkdocs_hook_writes_an_explorer(tmp_path):
    pytest.importorskip("mkdocs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "gallery.toml").write_text('[[entry]]\nname = "curves"\nkind = "figure"\nfigure = "loss-vs-step"\n'
                                           'surface = "bowl"\noptimizers = ["gd"]\nsteps = 30\nsize = "320x240"\n'
                                           'lang = "en"\n')
    (tmp_path / "gdviz_hook.py").write_text("from gdviz.mkdocs import on_pre_build  # noqa: F401\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\nhooks:\n  - gdviz_hook.py\nextra:\n  gdviz:\n"
                                         "    spec: gallery.toml\n    jobs: 1\n    explorer:\n"
                                         "      surfaces: [saddle]\n      optimizers: [momentum]\n")
    (tmp_path / "docs" / "index.md").write_text('# Test\n\n<iframe src="img/gdviz/explorer.html"></iframe>\n')
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    embedded = (tmp_path / "site" / "img" / "gdviz" / "explorer.html").read_text()
    assert '"default":"saddle"' in embedded and '"default":"momentum"' in embedded
