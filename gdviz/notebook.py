"""Show a gallery entry inline in a Jupyter notebook, or explore interactively.

    >>> import gdviz as gd
    >>> gd.show("race", lang="zh")          # renders once (cached in .gdviz/), then displays
    >>> w = gd.explore("rosenbrock", optimizer=["gd", "adam"])   # the explorer as a widget
    >>> w.trajectory()                      # the Python engine on what the learner picked

Works without IPython installed: the returned object has ``_repr_html_`` (and ``_repr_png_`` for
PNG figures), which Jupyter uses to display it.
"""
from __future__ import annotations

import base64
from pathlib import Path

MIME = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".mp4": "video/mp4",
        ".webm": "video/webm"}


class Inline:
    """A rendered file that displays itself inline (an image, or a looping muted video with
    ``track``: its captions' ``<track>`` elements)."""

    def __init__(self, path, alt: str = "", track: str = ""):
        self.path, self.alt, self.track = Path(path), alt, track

    def _repr_html_(self) -> str:
        import html

        mime = MIME.get(self.path.suffix, "application/octet-stream")
        data = base64.b64encode(self.path.read_bytes()).decode()
        alt = html.escape(self.alt)
        if mime.startswith("video/"):
            return (f'<video controls loop muted autoplay playsinline aria-label="{alt}">'
                    f'<source src="data:{mime};base64,{data}" type="{mime}">{self.track}</video>')
        return f'<img src="data:{mime};base64,{data}" alt="{alt}">'

    def _repr_png_(self):
        return self.path.read_bytes() if self.path.suffix == ".png" else None

    def __repr__(self) -> str:
        return f"Inline({str(self.path)!r})"


def show(name: str, *, spec=None, lang: str = "en", folder=".gdviz", allow_outside_paths: bool = False) -> Inline:
    """Render the gallery entry ``name`` (of ``spec``, default the built-in gallery) in ``lang``
    into ``folder`` (cached) and return it for inline display. ``allow_outside_paths``: let the
    spec's data files lie outside its folder (see :func:`gdviz.gallery.load`)."""
    from .errors import UserInputError
    from .gallery import build, load

    # the folder is this notebook's cache: another spec's picture of the same name is replaced
    result = build(spec, folder, only=[name], langs=(lang,), jobs=1, write_index=False, overwrite=True,
                   allow_outside_paths=allow_outside_paths)
    if result.failed:
        raise UserInputError(f"could not render '{name}': {next(iter(result.failed.values())).splitlines()[0]}")
    entry = next(e for e in load(spec, allow_outside_paths=allow_outside_paths).entries if e.name == name)
    if lang not in entry.langs:
        raise UserInputError(f"entry '{name}' has no '{lang}' version; it has: {', '.join(entry.langs)}")
    from .gallery.alt import alt_text
    from .gallery.page import VIDEO, tracks

    file = entry.filename(lang)
    track = tracks(Path(folder), file, lang, inline=True) if Path(file).suffix in VIDEO else ""
    return Inline(Path(folder) / file, alt_text(entry, lang, result.claims.get(file, [])), track)


def explore(surface=None, optimizer=None, *, lang: str = "en", **settings):
    """The explorer as a notebook widget (Jupyter, JupyterLab, VS Code, marimo; needs anywidget):
    the same page as ``gdviz explore``, its settings synced traitlets (``w.lr = 0.05``), and
    ``w.trajectory()`` runs the Python engine on what the learner picked. See
    :func:`gdviz.web.widget.explore` for the arguments.

        >>> w = gd.explore("x**2 + 10*y**2", optimizer="momentum", lr=0.02)
    """
    try:
        from .web.widget import explore as make
    except ImportError as e:   # anywidget is the notebook extra, not a core dependency
        from .errors import UserInputError

        raise UserInputError(f"gd.explore needs anywidget ({e}); install it with: "
                             "pip install 'gdviz[notebook]'") from None
    return make(surface, optimizer, lang=lang, **settings)
