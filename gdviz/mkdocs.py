"""MkDocs hook: render a gallery spec into the docs before every build.

    # mkdocs.yml
    hooks:
      - gdviz_hook.py                  # a file next to mkdocs.yml containing one line:
                                       #   from gdviz.mkdocs import on_pre_build
    extra:
      gdviz:
        spec: gallery.toml             # relative to mkdocs.yml; omit for the built-in gallery
        out: img/gdviz                 # relative to docs_dir

    ![Optimizer race](img/gdviz/race.png)

Rendering is cached (see ``gdviz build``), so only changed entries are rendered again.
"""
from __future__ import annotations

from pathlib import Path


def on_pre_build(config, **kwargs):
    from .gallery import build

    settings = (config.get("extra") or {}).get("gdviz", {}) or {}
    root = Path(config["config_file_path"]).parent
    spec = settings.get("spec")
    out = Path(config["docs_dir"]) / settings.get("out", "img/gdviz")
    result = build(str(root / spec) if spec else None, out, jobs=settings.get("jobs"), write_index=False)
    if result.failed:
        raise RuntimeError("gdviz: failed to render " + ", ".join(result.failed))
