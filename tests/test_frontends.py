"""The explorer where people open it: MkDocs sites (a rebuild writes nothing unchanged; no manim:
videos skipped with one warning), Jupyter Notebook 7 and JupyterLab against a local server, marimo,
and static pages without a kernel or a network."""
import builtins
import logging
import os
import textwrap

import pytest

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
