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

Rendering is cached (see ``gdviz build``), so only changed entries are rendered again, and a file
whose bytes did not change is not written again: ``mkdocs serve`` sees no change and does not
rebuild. Without manim, videos are skipped with one warning saying how to install it; the
pictures and the explorer are still written.

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

import logging
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.gdviz")


def on_pre_build(config, **kwargs):
    from mkdocs.exceptions import PluginError

    from .errors import UserInputError
    from .gallery import build, load
    from .video import manim_missing

    settings = (config.get("extra") or {}).get("gdviz", {}) or {}
    root = Path(config["config_file_path"]).parent
    spec = str(root / settings["spec"]) if settings.get("spec") else None
    out = Path(config["docs_dir"]) / settings.get("out", "img/gdviz")
    allow = settings.get("allow_outside_paths", False)
    if not isinstance(allow, bool):
        raise UserInputError(f"extra: gdviz: allow_outside_paths must be true or false, got {allow!r:.40}")
    entries = load(spec, allow_outside_paths=allow).entries
    videos = [e for e in entries if e.kind == "video"]
    why = manim_missing() if videos else None
    if why:
        files = [e.filename(lang) for e in videos for lang in e.langs]
        log.warning(f"gdviz: skipped {len(files)} video{'s' * (len(files) > 1)} ({shown(files)}): {why}")
    only = [e.name for e in entries if not why or e.kind != "video"]
    if only:
        result = build(spec, out, jobs=settings.get("jobs"), write_index=False, allow_outside_paths=allow,
                       only=only if len(only) < len(entries) else None)
        if result.failed:
            raise PluginError("gdviz: failed to render " + "; ".join(
                f"{f}: {(reason.splitlines() or [''])[0]}" for f, reason in result.failed.items()))
    explorer = settings.get("explorer")
    if explorer:
        from .web import write_explorer

        opts = explorer if isinstance(explorer, dict) else {}
        write_explorer(out / "explorer.html", opts.get("surfaces") or [], opts.get("optimizers") or [],
                       lang=opts.get("lang", "en"))


def shown(files, most: int = 5) -> str:
    """'a, b, c' (at most ``most`` names, then 'and N more')."""
    return ", ".join(files[:most]) + (f" and {len(files) - most} more" if len(files) > most else "")
