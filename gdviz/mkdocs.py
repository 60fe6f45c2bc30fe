"""MkDocs hook: render a gallery spec into the docs before every build.

    # mkdocs.yml
    hooks:
      - gdviz_hook.py                  # a file next to mkdocs.yml containing one line:
                                       #   from gdviz.mkdocs import on_pre_build
    extra:
      gdviz:
        spec: gallery.toml             # relative to mkdocs.yml; omit for the built-in gallery
        out: img/gdviz                 # relative to docs_dir
        allow_outside_paths: false     # true lets the spec's data files lie outside its folder

    ![Optimizer race](img/gdviz/race.png)

Rendering is cached (see ``gdviz build``), so only changed entries are rendered again.

The explorer: add ``explorer:`` under ``gdviz`` (``true``, or the surfaces, optimizers and
language to open on) and the hook writes ``explorer.html`` beside the pictures; embed it in a
page with a frame (Markdown passes HTML through) and the line that lets the frame take the
explorer's height (``gdviz.web.page.FRAME_LISTENER``; once a page):

    extra:
      gdviz:
        explorer:
          surfaces: [rosenbrock, "x**2 + 10*y**2"]
          optimizers: [gd, momentum, adam]
          lang: en

    <script>addEventListener("message", (e) => {
      const v = e.data && e.data.gdviz === "height" && Number(e.data.value);
      for (const f of document.querySelectorAll("iframe"))
        if (v > 0 && v < 1e5 && f.contentWindow === e.source) f.style.height = v + "px";
    });</script>
    <iframe src="img/gdviz/explorer.html" title="gdviz explorer" style="width:100%;height:900px;border:0"></iframe>
"""
from __future__ import annotations

from pathlib import Path


def on_pre_build(config, **kwargs):
    from .errors import UserInputError
    from .gallery import build

    settings = (config.get("extra") or {}).get("gdviz", {}) or {}
    root = Path(config["config_file_path"]).parent
    spec = settings.get("spec")
    out = Path(config["docs_dir"]) / settings.get("out", "img/gdviz")
    allow = settings.get("allow_outside_paths", False)
    if not isinstance(allow, bool):
        raise UserInputError(f"extra: gdviz: allow_outside_paths must be true or false, got {allow!r:.40}")
    result = build(str(root / spec) if spec else None, out, jobs=settings.get("jobs"), write_index=False,
                   allow_outside_paths=allow)
    if result.failed:
        raise RuntimeError("gdviz: failed to render " + ", ".join(result.failed))
    explorer = settings.get("explorer")
    if explorer:
        from .web import write_explorer

        opts = explorer if isinstance(explorer, dict) else {}
        write_explorer(out / "explorer.html", opts.get("surfaces") or [], opts.get("optimizers") or [],
                       lang=opts.get("lang", "en"))
