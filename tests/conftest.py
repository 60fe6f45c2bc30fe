import shutil

import numpy as np
import pytest

import gdviz as gd

ANALYTIC = ["parabola", "bowl", "elongated", "egg-crate", "rosenbrock", "himmelblau", "beale", "saddle"]


def all_surfaces():
    """Every built-in surface plus expressions and data-driven variants."""
    out = [gd.surface(n) for n in ANALYTIC]
    out += [gd.surface("x**2 + 10*y**2"), gd.surface("(w-3)**2"),
            gd.surface("sin(x)*cos(y) + 0.1*(x^2 + y^2)"), gd.surface("log(1 + exp(w)) - 0.5*w"),
            gd.surface("elongated", condition=50), gd.surface("parabola", curvature=2, centre=1)]
    for loss in ("mse", "huber"):
        for feat in ("raw", "standardized"):
            out.append(gd.surface("linear-regression", loss=loss, features=feat, n=40))
    out.append(gd.surface("logistic-regression", n=40))
    return out


SURFACES = all_surfaces()


@pytest.fixture(params=SURFACES, ids=lambda s: s.spec()["name"] + str(sorted(s.params.items()))[:40])
def any_surface(request):
    return request.param


def sample_points(s, n=7, seed=0):
    rng = np.random.default_rng(seed)
    lo, hi = s.bounds[:, 0], s.bounds[:, 1]
    return lo + (hi - lo) * (0.05 + 0.9 * rng.random((n, s.dim)))


# -- a real browser (Debian's chromium, driven by Playwright offline) ---------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def browser():
    pw = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it)")
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def mount_widget(browser, state, width=1200, height=1000):
    """Render a widget's saved state as a notebook front end does (the module's render({model, el})
    on a model of that state): returns the page and the list its console errors and warnings go to.
    ``window.model`` is the model, ``window.saved`` counts save_changes calls, ``window.cleanup`` is
    what render returned."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errs = []
    page.on("console", lambda m: m.type in ("error", "warning") and errs.append(m.text))
    page.on("pageerror", lambda e: errs.append(str(e)))
    page.set_content(f"<html><head><style>{state['_css']}</style></head><body><div id='out'></div></body></html>")
    page.evaluate("""async (state) => {
        const url = URL.createObjectURL(new Blob([state._esm], {type: 'text/javascript'}));
        const mod = await import(url);
        const handlers = {};
        window.model = {   // what a Jupyter or marimo front end hands the module
            get: (k) => state[k],
            set: (k, v) => { state[k] = v; (handlers['change:' + k] || []).forEach(f => f()); },
            on: (e, f) => (handlers[e] = handlers[e] || []).push(f),
            off: (e, f) => { handlers[e] = (handlers[e] || []).filter(g => g !== f); },
            save_changes: () => { window.saved = (window.saved || 0) + 1; },
        };
        window.cleanup = mod.default.render({ model: window.model, el: document.getElementById('out') });
    }""", state)
    page.wait_for_timeout(200)
    return page, errs


@pytest.fixture
def progress_seen(monkeypatch):
    """What the CLI tells its progress bar (gdviz.cli.LazyProgress), recorded: ("name", total), each
    count of work done, then "closed"."""
    import gdviz.cli as cli

    seen = []

    class Recorder:
        def __init__(self, description, total, delay=1.0):
            seen.append((description, total))

        def __call__(self, done):
            seen.append(done)

        def close(self):
            seen.append("closed")

    monkeypatch.setattr(cli, "LazyProgress", Recorder)
    return seen
