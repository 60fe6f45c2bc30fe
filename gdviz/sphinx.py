"""Sphinx extension: render gallery entries while the docs build.

    # conf.py
    extensions = ["gdviz.sphinx"]
    gdviz_spec = "gallery.toml"        # optional; default: the built-in "Reducing Loss" gallery

    .. gdviz:: race
       :lang: zh
       :width: 80%

Files are rendered (and cached, see ``gdviz build``) into ``<html output>/_gdviz/`` and shown as
an image or a looping video with the entry's caption. HTML builders only.
"""
from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from . import __version__


class GdvizDirective(Directive):
    required_arguments = 1
    option_spec = {"lang": lambda v: directives.choice(v, ("en", "zh")), "width": directives.unchanged,
                   "spec": directives.path, "caption": directives.unchanged}

    def run(self):
        from .gallery import build, load

        env = self.state.document.settings.env
        app = env.app
        spec = self.options.get("spec") or app.config.gdviz_spec
        if spec:
            spec = str((Path(app.confdir) / spec).resolve())
        name, lang = self.arguments[0], self.options.get("lang", "en")
        folder = Path(app.outdir) / "_gdviz"
        try:
            result = build(spec, folder, only=[name], langs=(lang,), jobs=1, write_index=False)
        except ValueError as e:
            raise self.error(f"gdviz: {e}") from None
        if result.failed:
            raise self.error(f"gdviz: {name} failed: {next(iter(result.failed.values())).splitlines()[0]}")
        entry = next(e for e in load(spec).entries if e.name == name)
        file = entry.filename(lang)
        caption = self.options.get("caption") or entry.text("caption", lang)
        alt = html.escape(entry.text("alt", lang) or caption or name)
        width = html.escape(self.options.get("width", "100%"))
        src = f"{_relative_root(env)}_gdviz/{file}"
        if file.endswith((".mp4", ".webm")):
            media = f'<video src="{src}" controls loop muted playsinline aria-label="{alt}" style="width:{width}"></video>'
        else:
            media = f'<img src="{src}" alt="{alt}" style="width:{width}">'
        body = f'<figure class="gdviz">{media}<figcaption>{html.escape(caption)}</figcaption></figure>'
        return [nodes.raw("", body, format="html")]


def _relative_root(env) -> str:
    depth = env.docname.count("/")
    return "../" * depth


def setup(app):
    app.add_config_value("gdviz_spec", None, "env")
    app.add_directive("gdviz", GdvizDirective)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
