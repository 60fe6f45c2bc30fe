"""Nothing a link, a script or a notebook can put into the explorer reaches its state, its
drawing or the Python snippet it shows (issue 16, section 2), and ``gdviz explore`` refuses a page
too big before it computes any surface (section 3).

- the hash and ``gdviz.set``: own keys only (``constructor``, ``__proto__``, ``toString`` are
  names like any other unknown one), hyperparameters checked against the optimizer's own table,
  every value checked before anything changes;
- the snippet: names from the optimizer's table, values as Python literals (Python's ``repr`` of a
  float), so it is a ``gd.run`` call with literal arguments that reproduces the page's run;
- the widget: ``hyper`` and ``others`` checked against the optimizer table, one line naming the
  accepted names and ranges.

The page runs in headless Chromium (Playwright driving Debian's chromium, as tests/test_explorer.py
does); the state codec and the float printer also run under Node, without a browser.
"""
import ast
import json
import math
import shutil
import struct
import subprocess
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from conftest import needs_browser

import gdviz as gd
from gdviz.cli import cli, main
from gdviz.web import page as page_mod
from gdviz.web.page import MAX_SURFACES, _entry, page_data, write_explorer

HERE = Path(__file__).parent
JS = HERE.parent / "gdviz" / "web" / "js" / "index.js"
NODE = shutil.which("node") or shutil.which("nodejs")
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (make test installs it)")
EXPRESSION = "x**2 + 10*y**2"
PWNED = ("optimizer=gd&hyper=momentum%3D__import__%28%22os%22%29.system%28%22echo%20PWNED%22%29%29%29%0A"
         "g%28f%28a%3A1")
PROTO = ("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__")


# -- the snippet: a gd.run call with literal arguments --------------------------------------------
CALLS = {"gd.run", "gd.optimizer", "gd.surface", "print"}


def _dotted(node):
    return f"{_dotted(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "?")


def check_snippet(code: str) -> ast.Call:
    """The snippet's shape: `import gdviz as gd`, `traj = gd.run(gd.optimizer("name", k=literal...),
    surface, start=[numbers], steps=int...)`, `print(...)`; literal arguments only. Returns the
    gd.optimizer call."""
    tree = ast.parse(code)
    assert [type(s).__name__ for s in tree.body] == ["Import", "Assign", "Expr"], code
    assert ast.unparse(tree.body[0]) == "import gdviz as gd"
    run = tree.body[1].value
    assert isinstance(run, ast.Call) and _dotted(run.func) == "gd.run", code
    assert ast.unparse(tree.body[2]) == "print(traj.status, traj.n_steps, traj.loss[-1])", code
    assert [ast.unparse(t) for t in tree.body[1].targets] == ["traj"], code
    for node in ast.walk(run):
        if isinstance(node, ast.Call):
            assert _dotted(node.func) in CALLS, ast.unparse(node)
        else:
            assert isinstance(node, (ast.Name, ast.Attribute, ast.Constant, ast.keyword, ast.List, ast.UnaryOp,
                                     ast.USub, ast.Load, ast.Store)), (type(node).__name__, code)
            if isinstance(node, ast.Name):
                assert node.id in ("gd", "traj"), code
    opt = run.args[0]
    assert _dotted(opt.func) == "gd.optimizer" and isinstance(opt.args[0], ast.Constant)
    for kw in [*opt.keywords, *run.keywords]:   # every value a literal Python reads as it is printed
        value = ast.literal_eval(kw.value)
        assert value is None or isinstance(value, (bool, int, float, list)), (kw.arg, code)
        for v in value if isinstance(value, list) else [value]:
            assert not isinstance(v, float) or (math.isfinite(v) and repr(v) in ast.unparse(kw.value)), code
    hyper = {h["name"] for h in gd.web.tables.hyperparameters(opt.args[0].value, strict=False)}
    assert {kw.arg for kw in opt.keywords} <= hyper, code
    assert len({kw.arg for kw in opt.keywords}) == len(opt.keywords), code   # each name once
    return opt


def run_snippet(code: str):
    """The snippet run as a learner runs it (after check_snippet has made sure it is only that)."""
    scope = {}
    exec(compile(code.replace("print(", "(lambda *a: None)("), "<snippet>", "exec"), scope)
    return scope["traj"]


# -- the browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    return write_explorer(tmp_path_factory.mktemp("trust") / "explorer.html", surfaces=["elongated", EXPRESSION])


class Page:
    """A loaded explorer with its console recorded; ``ready`` is False when the page never
    finished loading (an exception before ``window.gdviz`` was set)."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.errors = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.goto(url)
        try:
            self.page.wait_for_function("document.documentElement.dataset.ready === '1'", timeout=8000)
            self.ready = True
        except Exception:
            self.ready = False

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def snippet(self) -> str:
        return self.js("document.querySelector('.gdx-python code').textContent")

    def refused(self, expr) -> str:
        """The message of the Error that `expr` (a function of gdviz) throws; None if it does not."""
        return self.js(f"() => {{ try {{ ({expr})(gdviz); return null; }} catch (e) {{ return String(e.message); }} }}")


@pytest.fixture(scope="module")
def page(browser, page_file):
    p = Page(browser, page_file.as_uri())
    yield p
    p.page.close()


HOSTILE_LINKS = {
    "code in a hyperparameter": PWNED,
    "lr twice": f"surface={quote(EXPRESSION)}&optimizer=momentum&hyper=lr:1e308",
    "None for a number": "optimizer=momentum&hyper=momentum:null",
    "out of range": "optimizer=adam&hyper=beta1:5,beta2:0.9",
    "another optimizer's name": "optimizer=adam&hyper=momentum:0.5,beta1:0.8",
    "a name of Object.prototype": "optimizer=adam&hyper=constructor:1,__proto__:1,beta1:0.8",
    "a newline in a name": "optimizer=gd&hyper=momentum%0Aimport%20os:0.5",
    "the others": "optimizer=gd&others=adam(lr:1e308,beta1:7)momentum(momentum:null)constructor(lr:1)",
    "the exercise is gd's": "mode=exercise&optimizer=adam&hyper=beta1:0.8",
}


@needs_browser
@pytest.mark.parametrize("name", list(HOSTILE_LINKS))
def test_a_link_puts_only_checked_literals_in_the_python_snippet(browser, page_file, name):
    p = Page(browser, page_file.as_uri() + "#" + HOSTILE_LINKS[name])
    assert p.ready and p.errors == []
    code = p.snippet()
    assert "import os" not in code and "__" not in code and "None" not in code and "lr=1e+308" not in code, code
    opt = check_snippet(code)
    assert [kw.arg for kw in opt.keywords].count("lr") == 1, code
    st = p.js("gdviz.state()")
    table = page_data()["optimizers"]
    names = {h["name"] for h in table[st["optimizer"]]["hyper"]} - {"lr"}
    assert set(st["hyper"]) <= names, st["hyper"]                       # never in the state either
    assert set(st["others"]) <= set(table), st["others"]
    # what is left of each is what the link got right
    want_hyper = {"out of range": {"beta2": 0.9}, "another optimizer's name": {"beta1": 0.8},
                  "a name of Object.prototype": {"beta1": 0.8}}.get(name, {})
    assert st["hyper"] == want_hyper
    if name == "the exercise is gd's":
        assert st["mode"] == "exercise" and st["optimizer"] == "gd"
    # the snippet reproduces the page's run
    traj = run_snippet(code)
    js = p.js("gdviz.path()")
    assert traj.status == js["status"] and traj.stop == js["stop"]
    np.testing.assert_allclose(traj.params, js["params"], rtol=1e-9, atol=1e-300)
    p.page.close()


@needs_browser
def test_the_snippet_reproduces_the_page_run_with_every_kind_of_value(page):
    """Floats Python prints in exponent form, a whole-number float, a bool, an int, a typed start,
    a tolerance and a seed: each printed as Python reads back the same double."""
    page.js("""gdviz.set({surface: "linear-regression-standardized", optimizer: "sgd", lr: 0.00001,
                           hyper: {batch_size: 8, momentum: 0.5, nesterov: true, weight_decay: 1e-05},
                           start: [-1.5, 2.000000001], steps: 300, tol: 1e-07, seed: 11})""")
    code = page.snippet()
    check_snippet(code)
    for text in ("lr=1e-05", "weight_decay=1e-05", "batch_size=8", "nesterov=True", "momentum=0.5",
                 "start=[-1.5, 2.000000001]", "tol=1e-07", "seed=11", "steps=300"):
        assert text in code, (text, code)
    traj = run_snippet(code)
    js = page.js("gdviz.path()")
    assert traj.stop == js["stop"]
    np.testing.assert_allclose(traj.params, js["params"], rtol=1e-9)
    page.js("""gdviz.set({surface: "elongated", optimizer: "gd", lr: 1, hyper: {}, start: null, tol: null,
                           seed: 0, steps: 500})""")
    code = page.snippet()
    assert "lr=1.0" in code and "gd.surface('elongated', condition=20.0)" in code, code
    check_snippet(code)
    assert page.errors == []


@needs_browser
@pytest.mark.parametrize("key", ["surface", "optimizer", "racers", "mode", "hide", "lang"])
def test_names_of_object_prototype_in_the_hash_fall_back_to_the_defaults(browser, page_file, key):
    defaults = {p["name"]: p["default"] for p in page_data(["elongated", EXPRESSION])["props"]}
    for name in PROTO:
        p = Page(browser, page_file.as_uri() + f"#{key}={name}")
        assert p.ready, (key, name, p.errors)
        assert p.errors == [], (key, name)
        st = p.js("gdviz.state()")
        assert st[key] == defaults[key], (key, name, st[key])
        assert p.js("gdviz.path().params.length") > 1 and p.js("gdviz.path().status") != "error"
        assert p.js("gdviz.redraw()") >= 0
        p.page.close()


@needs_browser
def test_a_link_repeating_a_racer_runs_it_once(browser, page_file):
    p = Page(browser, page_file.as_uri() + "#mode=race&racers=" + ",".join(["gd", "adam"] * 500) + "&hide=" +
             ",".join(["seed"] * 500))
    assert p.ready and p.errors == []
    st = p.js("gdviz.state()")
    assert st["racers"] == ["gd", "adam"] and st["hide"] == ["seed"]
    assert sorted(p.js("Object.keys(gdviz.paths())")) == ["adam", "gd"]
    p.page.close()


@needs_browser
def test_gdviz_set_refuses_bad_settings_before_changing_anything(page):
    page.js('gdviz.set({surface: "elongated", optimizer: "gd", lr: 0.05, hyper: {}, others: {}, mode: "single"})')
    before = page.js("gdviz.state()")
    cases = {
        '{optimizer: "constructor"}': "unknown optimizer 'constructor'",
        '{surface: "toString"}': "unknown surface 'toString'",
        '{surface: "__proto__"}': "unknown surface '__proto__'",
        '{mode: "valueOf"}': "unknown mode 'valueOf'",
        'JSON.parse(\'{"__proto__": {"lr": 5}}\')': "unknown setting '__proto__'",
        '{constructor: 1}': "unknown setting 'constructor'",
        '{optimizer: "adam", lr: 50}': "lr must be a number in [1e-05, 10], got 50",
        '{optimizer: "adam", hyper: {lr: 5}}': "unknown hyperparameter 'lr' of adam; choose from: beta1, beta2",
        '{optimizer: "adam", hyper: {beta1: NaN}}': "beta1 of adam must be a number in [0, 0.999], got NaN",
        '{optimizer: "adam", hyper: {beta1: {}}}': "beta1 of adam must be a number in [0, 0.999], got {}",
        '{optimizer: "adam", hyper: {constructor: 1}}': "unknown hyperparameter 'constructor' of adam",
        '{hyper: {momentum: null}}': "momentum of gd must be a number in [0, 0.999], got null",
        '{hyper: {nesterov: 1}}': "nesterov of gd must be true or false, got 1",
        '{hyper: {batch_size: 2.5}}': "batch_size of gd must be a whole number >= 1 or null, got 2.5",
        '{others: {adam: 5}}': "others: adam's settings must be an object of hyperparameters, got 5",
        '{others: {constructor: {}}}': "unknown optimizer 'constructor' in others; choose from: gd, sgd",
        '{others: {adam: {lr: 1e308}}}': "lr of adam must be a number in [1e-05, 10], got 1e+308",
        '{mode: "exercise", optimizer: "adam"}': "the exercise is gradient descent's: optimizer must be 'gd'",
        "null": "gdviz.set takes an object of settings",
    }
    for expr, message in cases.items():
        got = page.refused(f"g => g.set({expr})")
        assert got is not None and message in got and "\n" not in got, (expr, got)
        assert page.js("gdviz.state()") == before, expr                 # nothing changed
    # and every later redraw still works
    assert page.js("gdviz.redraw()") >= 0
    page.js('gdviz.set({optimizer: "adam", hyper: {beta1: 0.8}})')
    assert page.js("gdviz.path().status") != "error" and page.js("gdviz.path().hyper.beta1") == 0.8
    page.js('gdviz.set({optimizer: "gd", hyper: {}})')
    assert page.errors == []


@needs_browser
def test_the_api_reads_only_steps_that_exist(page):
    page.js('gdviz.set({surface: "elongated", optimizer: "momentum", hyper: {}, steps: 20})')
    for t in ("'constructor'", "-1", "1.5", "100", "null"):
        got = page.refused(f"g => g.internals({t})")
        assert got is not None and "t must be a whole number in [0, " in got, (t, got)
    assert page.js("gdviz.internals(3).step.length") == 2
    page.js('gdviz.set({optimizer: "gd", steps: 500})')


# -- the codec and the float printer under Node ------------------------------------------------------
def node(script: str, data) -> object:
    """Run `script` (an ES module body with E = the explorer's modules, D = data) under Node; its
    printed JSON."""
    body = f"const E = await import({json.dumps(JS.as_uri())});\nconst D = {json.dumps(data)};\n{script}"
    r = subprocess.run([NODE, "--input-type=module", "-e", body], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def _doubles():
    rng = np.random.default_rng(16)
    bits = rng.integers(0, 2**64 - 1, 4000, dtype=np.uint64, endpoint=True)
    raw = [struct.unpack("<d", struct.pack("<Q", int(b)))[0] for b in bits]
    decimal = [float(f"{m:.{d}g}e{e}") for m, d, e in zip(rng.random(2000), rng.integers(1, 17, 2000),
                                                          rng.integers(-30, 30, 2000))]
    edges = [0.1, 0.2, 0.3, 1e-05, 0.0001, 1e+16, 1e+15, 123456789012345680.0, 9999999999999998.0, 1.0, 5.0,
             1e+308, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e+308, 0.022, 0.076, -0.0, 0.0, -1.5,
             1e21, 1e20, 1e-7, 1e-6, 2.000000001, 1 / 3, 2 / 3, 100.0, 1e22, 0.000123, 12345.678]
    return [x for x in edges + raw + decimal if math.isfinite(x)]


@needs_node
def test_floats_are_printed_as_python_repr_prints_them():
    xs = _doubles()
    got = node("console.log(JSON.stringify(D.map(E.pyFloat)));", xs)
    # -0.0 does not survive JSON: checked on its own
    assert node("console.log(JSON.stringify([E.pyFloat(-0), E.pyFloat(NaN), E.pyFloat(Infinity)]))", 0) == \
        ["-0.0", None, None]
    bad = [(x, g) for x, g in zip(xs, got) if g != repr(x)]
    assert bad == [], bad[:10]


@needs_node
def test_the_hash_codec_keeps_only_own_names_and_checked_values():
    data = page_data(["elongated", EXPRESSION])
    hashes = [PWNED, *HOSTILE_LINKS.values()] + [f"{k}={n}" for k in ("surface", "optimizer", "racers", "mode",
                                                                       "hide", "lang") for n in PROTO]
    hashes += ["others=__proto__(lr:1)", "hyper=__proto__:null", "others=adam(__proto__:null)", "start=1,2,3",
               f"surface={quote(EXPRESSION)}", "surface=rosenbrock&optimizer=adam&hyper=beta1:0.5&others=gd(lr:0.01)"]
    got = node("console.log(JSON.stringify(D.hashes.map(h => E.parseHash(h, D.props, D.optimizers))));",
               {"hashes": hashes, "props": data["props"], "optimizers": data["optimizers"]})
    table = data["optimizers"]
    for h, st in zip(hashes, got):
        assert st["surface"] in data["surfaces"] and st["optimizer"] in table, h
        assert set(st["racers"]) <= set(table) and st["mode"] in ("single", "race", "exercise"), h
        assert set(st["hyper"]) <= {r["name"] for r in table[st["optimizer"]]["hyper"]} - {"lr"}, h
        for name, d in st["others"].items():
            assert name in table and set(d) <= {r["name"] for r in table[name]["hyper"]}, h
        assert all(v is not None and not isinstance(v, dict) for v in st["hyper"].values()), h
    assert got[-2]["surface"] == EXPRESSION
    assert got[-1]["hyper"] == {"beta1": 0.5} and got[-1]["others"] == {"gd": {"lr": 0.01}}


# -- the widget -----------------------------------------------------------------------------------
def one_line(exc) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize("setting, value, message", [
    ("hyper", {"lr": 5}, "unknown hyperparameter 'lr' of adam"),
    ("hyper", {"beta1": float("nan")}, "hyperparameter 'beta1' of adam must be in [0, 0.999], got nan"),
    ("hyper", {"beta1": 5}, "hyperparameter 'beta1' of adam must be in [0, 0.999], got 5"),
    ("hyper", {"beta1": "0.5"}, "hyperparameter 'beta1' of adam must be a number, got '0.5'"),
    ("hyper", {"amsgrad": 1}, "hyperparameter 'amsgrad' of adam must be true or false, got 1"),
    ("hyper", {"batch_size": 2.5}, "hyperparameter 'batch_size' of adam must be a whole number, got 2.5"),
    ("hyper", {"momentum": 0.9}, "unknown hyperparameter 'momentum' of adam"),
    ("others", {"adam": 5}, "others['adam'] must be a dict of hyperparameters, got 5"),
    ("others", {"constructor": {}}, "unknown optimizer 'constructor'"),
    ("others", {"gd": {"lr": 50}}, "hyperparameter 'lr' of gd must be in [1e-05, 10], got 50"),
    ("others", {"gd": {"momentum": None}}, "hyperparameter 'momentum' of gd must be a number, got None"),
])
def test_the_widget_checks_hyper_and_others_against_the_optimizer_table(setting, value, message):
    pytest.importorskip("anywidget")
    w = gd.explore("rosenbrock", optimizer="adam")
    with pytest.raises(gd.UserInputError) as exc:
        setattr(w, setting, value)
    assert message in one_line(exc)
    if "unknown" in message:
        assert "choose from: " in one_line(exc)
    assert w.hyper == {} and w.others == {}
    with pytest.raises(gd.UserInputError) as exc:   # and when the widget is made
        gd.explore("rosenbrock", optimizer="adam", **{setting: value})
    assert message in one_line(exc)


def test_the_widget_keeps_hyper_the_focused_optimizers():
    pytest.importorskip("anywidget")
    w = gd.explore("rosenbrock", optimizer="adam", hyper={"beta1": 0.8, "amsgrad": True},
                   others={"gd": {"lr": 0.001, "momentum": 0.5, "batch_size": None}})
    assert w.hyper == {"beta1": 0.8, "amsgrad": True} and w.others["gd"]["momentum"] == 0.5
    w.optimizer = "gd"   # brings gd's own (as the page's menu), Adam's kept aside
    assert (w.lr, w.hyper) == (0.001, {"momentum": 0.5, "batch_size": None})
    assert w.others == {"adam": {"lr": _entry("rosenbrock")["suggest"]["adam"], "beta1": 0.8, "amsgrad": True}}
    with pytest.raises(gd.UserInputError) as exc:   # given together, they must fit
        with w.hold_trait_notifications():
            w.optimizer, w.hyper = "adam", {"momentum": 0.5}
    assert "unknown hyperparameter 'momentum' of adam; choose from: " in one_line(exc)
    assert w.optimizer == "gd"
    with w.hold_trait_notifications():
        w.optimizer, w.hyper = "adam", {"beta1": 0.5}
    assert w.optimizer == "adam" and w.hyper == {"beta1": 0.5} and w.trajectory().params.shape[1] == 2
    with pytest.raises(gd.UserInputError):
        w.mode = "race"
        w.optimizer = "constructor"
    w.hyper = {}
    w.mode = "exercise"
    assert w.trajectory().params.shape[1] == 1   # the exercise is gd on the course's parabola


def test_the_widget_keeps_each_racer_once():
    pytest.importorskip("anywidget")
    w = gd.explore("rosenbrock", optimizer=["gd", "adam"])
    w.racers = ["gd", "adam", "gd", "adam"]
    assert w.racers == ["gd", "adam"] and set(w.trajectories()) == {"gd", "adam"}


def test_the_widget_refuses_surfaces_the_page_has_not():
    pytest.importorskip("anywidget")
    w = gd.explore("rosenbrock")
    for name in PROTO + ("rosenbrok",):
        with pytest.raises(gd.UserInputError) as exc:
            w.surface = name
        assert f"unknown surface '{name}'" in one_line(exc)
    assert w.surface == "rosenbrock"


# -- gdviz explore: the page's size is bounded before any work ---------------------------------------
def test_explore_refuses_too_many_surfaces_before_computing_any(tmp_path, capsys, monkeypatch):
    computed = []
    monkeypatch.setattr(page_mod, "_entry", lambda key: computed.append(key) or {})
    monkeypatch.setattr(page_mod, "resolve", lambda text: computed.append(text) or (text, None))
    exprs = [f"x**2 + {k}*y**2" for k in range(1, MAX_SURFACES + 2)]
    args = ["explore", *[a for e in exprs for a in ("-s", e)], "-o", str(tmp_path / "e.html")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == (f"gdviz: error: the explorer takes at most {MAX_SURFACES} surfaces (names or expressions), "
                   f"got {MAX_SURFACES + 1}: give fewer\n"), err
    assert computed == [] and list(tmp_path.iterdir()) == []
    # the same surface given twice counts once; the built-in ones are on every page anyway
    assert page_mod.surface_count(["bowl", "bowl", " bowl", EXPRESSION]) == 2
    option = next(o for o in cli.get_command(None, "explore").params if o.name == "surfaces")
    assert f"at most {MAX_SURFACES}" in option.help   # and --help states it


def test_the_limit_leaves_room_for_the_largest_expressions():
    """MAX_SURFACES of the largest entries we found (a formula at the parser's 200 parts: its image
    is most of its 81 kB), with half again for worse ones, stay under the page's 3 MB: the count,
    checked first, is the limit that answers, not the size once everything is computed."""
    dense = "+".join(f"atan(x*{k}-y)*log(1+(x+{k})**2)" for k in range(1, 7))
    base = len(json.dumps(page_data(), ensure_ascii=False))
    one = len(json.dumps(page_mod._entry(gd.surface(dense).expression), ensure_ascii=False))
    assert one > 60_000, one
    assert base + MAX_SURFACES * 1.5 * one < page_mod.MAX_BYTES, (base, one)
