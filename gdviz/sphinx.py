"""Sphinx extension: render gallery entries while the docs build.

    # conf.py
    extensions = ["gdviz.sphinx"]
    gdviz_spec = "gallery.toml"        # optional; default: the built-in "Reducing Loss" gallery
    gdviz_allow_outside_paths = False  # True lets the spec's data files lie outside its folder

    .. gdviz:: race
       :lang: zh
       :width: 80%

Files are rendered (and cached, see ``gdviz build``) into ``<html output>/_gdviz/`` and shown as
an image or a looping video with the entry's caption. HTML builders only.

The explorer (the page ``gdviz explore`` writes) embeds the same way, in a frame:

    .. gdviz-explorer::
       :surface: rosenbrock
       :optimizer: gd, momentum, adam
       :lang: zh
       :height: 1150px
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
        from .gallery.alt import alt_text
        from .gallery.page import tracks

        env = self.state.document.settings.env
        app = env.app
        spec = self.options.get("spec") or app.config.gdviz_spec
        if spec:
            spec = str((Path(app.confdir) / spec).resolve())
        name, lang = self.arguments[0], self.options.get("lang", "en")
        folder = Path(app.outdir) / "_gdviz"
        allow = app.config.gdviz_allow_outside_paths
        if not isinstance(allow, bool):
            raise self.error(f"gdviz: gdviz_allow_outside_paths must be True or False, got {allow!r:.40}")
        try:
            result = build(spec, folder, only=[name], langs=(lang,), jobs=1, write_index=False,
                           allow_outside_paths=allow)
        except ValueError as e:
            raise self.error(f"gdviz: {e}") from None
        if result.failed:
            raise self.error(f"gdviz: {name} failed: {next(iter(result.failed.values())).splitlines()[0]}")
        entry = next(e for e in load(spec, allow_outside_paths=allow).entries if e.name == name)
        file = entry.filename(lang)
        caption = self.options.get("caption") or entry.text("caption", lang)
        alt = html.escape(alt_text(entry, lang, result.claims.get(file, [])))
        width = html.escape(self.options.get("width", "100%"))
        src = f"{_relative_root(env)}_gdviz/{file}"
        if file.endswith((".mp4", ".webm")):
            track = tracks(folder, file, lang, inline=True)   # a page opened from disk loads it too
            media = (f'<video src="{src}" controls loop muted playsinline aria-label="{alt}" '
                     f'style="width:{width}">{track}</video>')
        else:
            media = f'<img src="{src}" alt="{alt}" style="width:{width}">'
        body = f'<figure class="gdviz">{media}<figcaption>{html.escape(caption)}</figcaption></figure>'
        return [nodes.raw("", body, format="html")]


class ExplorerDirective(Directive):
    """``.. gdviz-explorer::`` with options ``surface`` (a name or an expression), ``optimizer``
    (names, comma-separated: several race), ``lang`` and ``height`` (the frame's before the page
    has loaded: it then takes the page's own height): the explorer page written into
    ``<html output>/_gdviz/`` and shown in a frame."""

    option_spec = {"surface": directives.unchanged, "optimizer": directives.unchanged,
                   "lang": lambda v: directives.choice(v, ("en", "zh")), "height": directives.unchanged}

    def run(self):
        import hashlib

        from .web import write_explorer
        from .web.page import FRAME_LISTENER

        env = self.state.document.settings.env
        surface = (self.options.get("surface") or "").strip()
        names = [n.strip() for n in (self.options.get("optimizer") or "").split(",") if n.strip()]
        lang = self.options.get("lang", "en")
        key = hashlib.sha256(repr((surface, names, lang, __version__)).encode()).hexdigest()[:10]
        folder = Path(env.app.outdir) / "_gdviz"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            write_explorer(folder / f"explorer-{key}.html", [surface] if surface else [], names, lang=lang)
        except ValueError as e:
            raise self.error(f"gdviz-explorer: {e}") from None
        height = html.escape(self.options.get("height", "1150px"))
        src = f"{_relative_root(env)}_gdviz/explorer-{key}.html"
        body = (f'{FRAME_LISTENER}<iframe class="gdviz-explorer" src="{src}" title="gdviz explorer" loading="lazy" '
                f'style="width:100%;height:{height};border:0"></iframe>')
        return [nodes.raw("", body, format="html")]


def _relative_root(env) -> str:
    depth = env.docname.count("/")
    return "../" * depth


def setup(app):
    app.add_config_value("gdviz_spec", None, "env")
    app.add_config_value("gdviz_allow_outside_paths", False, "env")
    app.add_directive("gdviz", GdvizDirective)
    app.add_directive("gdviz-explorer", ExplorerDirective)
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True}
