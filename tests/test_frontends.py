"""The explorer where people open it: MkDocs sites (a rebuild writes nothing unchanged; no manim:
videos skipped with one warning), Jupyter Notebook 7 and JupyterLab against a local server, marimo,
and static pages without a kernel or a network."""
import builtins
import contextlib
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import needs_browser

import gdviz as gd

FIGURE = """
[[entry]]
name = "curves"
kind = "figure"
figure = "lr-curves"
steps = 30
lang = "en"
caption = "Loss against steps"
"""
VIDEO = """
[[entry]]
name = "clip"
kind = "video"
scene = "iterative-loop"
time_scale = 0.05
lang = "en"
caption = "The loop"
"""


def mkdocs_site(root, spec):
    """A tiny MkDocs project in ``root`` with the gdviz hook, the explorer and ``spec``."""
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Test\n\n![Loss](img/gdviz/curves.png)\n")
    (root / "gallery.toml").write_text(spec)
    (root / "gdviz_hook.py").write_text("from gdviz.mkdocs import on_pre_build  # noqa: F401\n")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""
        site_name: Test
        hooks:
          - gdviz_hook.py
        extra:
          gdviz:
            spec: gallery.toml
            jobs: 1
            explorer:
              surfaces: [rosenbrock]
    """))
    return root / "mkdocs.yml"


def mkdocs_build(yml):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(yml)))


def snapshot(folder):
    """path -> (mtime_ns, bytes) of every file under ``folder``."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_mkdocs_rebuild_writes_nothing_unchanged(tmp_path):
    pytest.importorskip("mkdocs")
    yml = mkdocs_site(tmp_path, FIGURE)
    mkdocs_build(yml)
    docs = tmp_path / "docs"
    first = snapshot(docs)
    assert {"img/gdviz/curves.png", "img/gdviz/explorer.html"} <= set(first)
    mkdocs_build(yml)   # what `mkdocs serve` does after it sees a change: no change, no write
    assert snapshot(docs) == first


def test_mkdocs_without_manim_skips_videos_with_one_warning(tmp_path, monkeypatch, caplog):
    pytest.importorskip("mkdocs")
    real_import = builtins.__import__

    def no_manim(name, *a, **k):
        if name == "manim" or name.startswith("manim."):
            raise ImportError("No module named 'manim'", name="manim")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_manim)
    yml = mkdocs_site(tmp_path, FIGURE + VIDEO)
    with caplog.at_level(logging.WARNING):
        mkdocs_build(yml)
    out = tmp_path / "docs" / "img" / "gdviz"
    assert sorted(os.listdir(out)) == [".gdviz-cache.json", "curves.png", "explorer.html"]
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and "manim" in r.getMessage()]
    assert len(warned) == 1, warned
    assert "clip.mp4" in warned[0] and "pip install 'gdviz[manim]'" in warned[0] and "\n" not in warned[0]


# -- Jupyter: a local server, JupyterLab and Notebook 7 in Chromium ------------------------------
ROOT = Path(gd.__file__).resolve().parents[1]   # the gdviz the kernels import
SHOTS = Path("/tmp/frontends")
CELL = 'import gdviz as gd\nw = gd.explore("rosenbrock")\nw'
UP = 60   # seconds a server, a kernel or a page may take


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc) -> None:
    """Until ``url`` answers (at most UP seconds); fails with the server's log if it died."""
    end = time.monotonic() + UP
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the server exited ({proc.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"no answer from {url} in {UP} s")


@contextlib.contextmanager
def server(args, url, tmp):
    """Run ``args`` (a server) in its own session with gdviz on its path, until ``url`` answers;
    stop it (and the kernels it started) afterwards."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "MARIMO_SKIP_UPDATE_CHECK": "1"}
    with open(tmp / "server.log", "wb") as log:
        proc = subprocess.Popen(args, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(url, proc)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def notebook(path: Path, source: str) -> Path:
    cell = {"cell_type": "code", "execution_count": None, "id": "explorer", "metadata": {}, "outputs": [],
            "source": source}
    path.write_text(json.dumps({"cells": [cell], "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """One Jupyter server on 127.0.0.1 for JupyterLab and Notebook 7: (base URL, token, root)."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install 'gdviz[dev]')")
    pytest.importorskip("notebook", reason="Notebook 7 is not installed (pip install 'gdviz[dev]')")
    tmp = tmp_path_factory.mktemp("jupyter")
    (tmp / "root").mkdir()
    news = tmp / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')   # no "Would you like news?" toast over the screenshots
    port, token = free_port(), secrets.token_hex(12)
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp / 'root'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with server(args, f"{base}/api/status?token={token}", tmp):
        yield base, token, tmp / "root"


def watch(page):
    """The page's console errors and uncaught exceptions, as a list that fills as they come."""
    errs = []
    page.on("console", lambda m: m.type == "error" and errs.append(m.text))
    page.on("pageerror", lambda e: errs.append(f"uncaught: {e} {e.stack}"))
    return errs


def ours(errs):
    """The errors that come from gdviz: naming it, or raised in its module (which anywidget and
    marimo load from a blob: URL); the host's own (Notebook 7 throws one reading its settings) left out."""
    return [e for e in errs if re.search(r"gdviz|gdx|explorer|anywidget|blob:", e, re.I)]


def shows_step(page, n: int):
    """The (first) explorer's counter reads 'step n / ...' (within a few frames)."""
    from playwright.sync_api import expect

    expect(page.locator(".gdx .gdx-counter").first).to_have_text(re.compile(rf"^(step|步数) {n} /"), timeout=5000)


RATE = '.gdx [data-prop="lr"] .gdx-num'


def rate(page) -> str:
    return page.locator(RATE).first.input_value()


def cell_kinds(page) -> list[str]:
    return page.eval_on_selector_all(".jp-Notebook .jp-Cell", """cells => cells.map(c =>
        c.classList.contains('jp-CodeCell') ? 'code' : c.classList.contains('jp-RawCell') ? 'raw' : 'markdown')""")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def check_keys(page, name):
    """The explorer's keys stay with the explorer; S, P and R work on the plot and on the rate
    slider; ArrowRight on the slider walks the rate up one round number."""
    from playwright.sync_api import expect

    page.wait_for_selector(".gdx .gdx-plot", timeout=UP * 1000)
    shows_step(page, 500)   # the whole run is shown first
    shoot(page, f"{name}-en")
    page.focus(".gdx .gdx-plot")
    for key in "ss":
        page.keyboard.press(key)
    shows_step(page, 2)
    page.keyboard.press("r")
    shows_step(page, 0)
    slider = '.gdx [data-prop="lr"] .gdx-log'
    page.focus(slider)
    before = rate(page)
    page.keyboard.press("ArrowRight")
    expect(page.locator(RATE)).not_to_have_value(before, timeout=5000)
    assert float(rate(page)) > float(before)
    page.keyboard.press("s")
    shows_step(page, 1)
    page.keyboard.press("R")                        # Shift or Caps Lock: the same key
    shows_step(page, 0)
    expect(page.locator(slider)).to_be_focused()
    page.click('.gdx [data-prop="lang"] >> text=中文')
    page.wait_for_timeout(300)
    shoot(page, f"{name}-zh")


def run_first_cell(page):
    """Shift+Enter in the notebook's first cell, again until the kernel takes it (a run asked for
    before the page has connected to its kernel is dropped, or JupyterLab asks which kernel to
    start: its default is taken): its prompt shows [*] or [1]."""
    from playwright.sync_api import TimeoutError

    page.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=UP * 1000)
    for _ in range(UP // 10):
        accept = page.locator(".jp-Dialog .jp-mod-accept")   # "Select Kernel" (asked if the run came first)
        if accept.count():
            accept.first.click()
        page.click(".jp-Notebook .jp-Cell .jp-InputArea-editor")
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function(r"/\[[*0-9]+\]/.test(document.querySelector('.jp-Notebook .jp-InputPrompt')"
                                   ".textContent)", timeout=10_000)
            return
        except TimeoutError:
            continue
    pytest.fail(f"the kernel did not run the cell in {UP} s")


@needs_browser
@pytest.mark.parametrize("front", ["lab", "notebook"])
def test_jupyter_keeps_the_explorers_keys(front, jupyter, browser):
    base, token, root = jupyter
    notebook(root / f"{front}.ipynb", CELL)
    url = {"lab": f"{base}/lab/tree/{front}.ipynb", "notebook": f"{base}/notebooks/{front}.ipynb"}[front]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errs = watch(page)
    try:
        page.goto(f"{url}?token={token}", timeout=UP * 1000)
        run_first_cell(page)
        check_keys(page, front)
        assert cell_kinds(page)[0] == "code" and page.locator(".gdx").count() == 1
        cells = len(cell_kinds(page))
        page.focus(".gdx .gdx-plot")
        page.keyboard.press("b")   # not the explorer's: the notebook's "insert a cell below"
        page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length === {cells + 1}",
                               timeout=5000)
        assert ours(errs) == []
    except BaseException:
        shoot(page, f"{front}-failed")
        raise
    finally:
        page.close()


# -- marimo ----------------------------------------------------------------------------------------
MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    import gdviz as gd

    w = mo.ui.anywidget(gd.explore("rosenbrock"))
    w
    return


if __name__ == "__main__":
    app.run()
'''


@needs_browser
def test_marimo_renders_the_explorer_and_it_takes_keys(browser, tmp_path):
    pytest.importorskip("marimo", reason="marimo is not installed (pip install 'gdviz[dev]')")
    (tmp_path / "app.py").write_text(MARIMO_APP)
    port = free_port()
    args = [sys.executable, "-m", "marimo", "run", "app.py", "--host", "127.0.0.1", "--port", str(port),
            "--headless", "--no-token"]
    with server(args, f"http://127.0.0.1:{port}/", tmp_path):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errs = watch(page)
        try:
            page.goto(f"http://127.0.0.1:{port}/", timeout=UP * 1000)
            check_keys(page, "marimo")
            assert ours(errs) == []
        except BaseException:
            shoot(page, "marimo-failed")
            raise
        finally:
            page.close()


# -- static pages: no kernel, no network ---------------------------------------------------------
def offline_page(browser, path: Path):
    """``path`` opened in Chromium with every request but file: ones refused."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused = []

    def route(r):
        if r.request.url.startswith("file:"):
            return r.continue_()
        refused.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    errs = watch(page)
    page.goto(path.as_uri())
    return page, errs, refused


@needs_browser
def test_nbconvert_html_shows_the_explorer_offline(browser, tmp_path):
    from playwright.sync_api import expect

    pytest.importorskip("nbconvert", reason="nbconvert is not installed (pip install 'gdviz[dev]')")
    nb = notebook(tmp_path / "x.ipynb", 'import gdviz as gd\nw = gd.explore("rosenbrock", lang="zh")\nw.lr = 0.0005\n'
                  'display(w)\ngd.explore("bowl")')   # two on one page: each its own module and state
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute",
                        "--ExecutePreprocessor.store_widget_state=False", str(nb)],
                       env=env, capture_output=True, text=True, timeout=UP * 3)
    assert r.returncode == 0, r.stderr
    page, errs, refused = offline_page(browser, tmp_path / "x.html")
    try:
        page.wait_for_selector(".gdx .gdx-plot", timeout=UP * 1000)
        expect(page.locator(".gdx")).to_have_count(2)
        first, second = page.locator(".gdx").nth(0), page.locator(".gdx").nth(1)
        expect(second.locator(".gdx-title")).to_have_text("gdviz explorer")
        shows_step(page, 500)
        assert rate(page) == "0.0005"   # the settings the notebook left
        shoot(page, "nbconvert-zh")
        first.locator(".gdx-plot").focus()
        page.keyboard.press("s")
        shows_step(page, 1)
        expect(second.locator(".gdx-counter")).to_have_text(re.compile(r"^step \d+ / "))   # not stepped
        assert not second.locator(".gdx-counter").inner_text().startswith("step 1 /")
        page.click('.gdx [data-prop="lang"] >> text=English')
        shoot(page, "nbconvert-en")
        assert ours(errs) == []
        # the only requests are nbconvert's own template's (require.js, MathJax), refused
        assert [u for u in refused if not re.search(r"require\.js|mathjax", u, re.I)] == []
    finally:
        page.close()


@needs_browser
def test_export_anywidget_writes_a_module_and_a_state_that_render(browser, tmp_path):
    from conftest import mount_widget

    w = gd.explore("rosenbrock", lr=0.0005, lang="zh")
    assert w.export_anywidget(tmp_path / "explorer") == tmp_path / "explorer"
    folder = tmp_path / "explorer"
    assert sorted(os.listdir(folder)) == ["explorer.css", "explorer.mjs", "state.json"]
    state = json.loads((folder / "state.json").read_text())
    assert state["lr"] == 0.0005 and state["lang"] == "zh" and state["_data"]["order"][0] == "parabola"
    before = snapshot(folder)
    w.export_anywidget(folder)        # again, unchanged: nothing written
    assert snapshot(folder) == before
    page, errs = mount_widget(browser, {**state, "_esm": (folder / "explorer.mjs").read_text(),
                                        "_css": (folder / "explorer.css").read_text()})
    try:
        shows_step(page, 500)
        page.focus(".gdx .gdx-plot")
        page.keyboard.press("s")
        shows_step(page, 1)
        assert errs == []
    finally:
        page.close()


def test_export_anywidget_refuses_a_file_as_its_folder(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(gd.errors.UserInputError, match="^cannot create folder '.*taken': "):
        gd.explore().export_anywidget(tmp_path / "taken")
    assert (tmp_path / "taken").read_text() == "x"
