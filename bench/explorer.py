"""The explorer in Chromium: recomputing a 1000-step path, for every optimizer, against one
animation frame (16 ms), and the page's size against its 3 MB limit.

    .venv/bin/python bench/explorer.py [--repeats 25]

Each row sets one optimizer on Rosenbrock from its start (tolerance 1e-12, so every run makes all
1000 steps), then times ``gdviz.recompute()`` (the engine: the run, its record and its state)
``--repeats`` times and reports the median; "with drawing" also redraws the contours' overlay,
the paths, the loss panel and the read-out (``gdviz.redraw()``). SGD is also timed on linear
regression, where it draws numpy's mini-batches: the first run with a seed draws them (its time is
given), later runs with that seed reuse them. Uses Debian's chromium through Playwright.
"""
import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

FRAME_MS = 16.0
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=25)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from gdviz.web.page import MAX_BYTES, write_explorer
    from gdviz.web.tables import mirrored

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("bench/explorer.py needs chromium (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = write_explorer(Path(tmp) / "explorer.html")
        size = page_path.stat().st_size
        rows = [(name, "rosenbrock", {}) for name in mirrored()]
        rows += [("sgd", "linear-regression-standardized", {"batch_size": 1}),
                 ("sgd", "linear-regression-standardized", {"batch_size": 32})]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(page_path.as_uri())
            page.wait_for_function("document.documentElement.dataset.ready === '1'")
            version = browser.version
            out = []
            for name, surface, hyper in rows:
                page.evaluate("c => gdviz.set(c)", dict(surface=surface, optimizer=name, hyper=hyper, steps=1000,
                                                         tol=1e-12, start=None, mode="single"))
                n = page.evaluate("gdviz.path().params.length - 1")
                note = ""
                if n < 1000:   # done sooner (Newton: in 7 steps): a rate 1000 times smaller takes all 1000
                    lr = page.evaluate("gdviz.state().lr") / 1000
                    page.evaluate("lr => gdviz.set({lr})", lr)
                    n, note = page.evaluate("gdviz.path().params.length - 1"), f" (lr {lr:g})"
                if hyper:   # a fresh seed: the first run draws its mini-batches, later ones reuse them
                    first = page.evaluate("s => { gdviz.set({seed: s}); return gdviz.redraw(); }", 1000 + len(out))
                engine = page.evaluate(f"() => Array.from({{length: {args.repeats}}}, () => gdviz.recompute())")
                k = max(5, args.repeats // 3)
                drawn = page.evaluate(f"() => Array.from({{length: {k}}}, () => gdviz.redraw())")
                label = name + note + (f" ({surface}, batch {hyper['batch_size']}, first run {first:.1f} ms)"
                                       if hyper else "")
                out.append((label, n, statistics.median(engine), statistics.median(drawn)))
            browser.close()
    print(f"Recomputing a path in the page (Chromium {version}), median of {args.repeats}; "
          f"one frame = {FRAME_MS:g} ms\n")
    print(f"| {'optimizer':<66} | steps | engine ms | with drawing ms | within a frame |")
    print(f"| {'-' * 66} | ----: | --------: | --------------: | :------------: |")
    for label, n, engine, drawn in out:
        print(f"| {label:<66} | {n:5d} | {engine:9.2f} | {drawn:15.2f} | {'yes' if engine < FRAME_MS else 'NO':^14} |")
    print(f"\nPage size: {size / 1e3:,.0f} kB of {MAX_BYTES / 2**20:g} MB ({100 * size / MAX_BYTES:.1f}% of the limit)")


if __name__ == "__main__":
    main()
