"""matplotlib set-up shared by figures and animations: fonts (with the CJK check), sizes, colours.

Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas directly (no pyplot), so
rendering never opens a window and imports stay light.
"""
from __future__ import annotations

import contextlib
import functools
import warnings

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .. import style  # noqa: E402

CONTOUR_CMAP = LinearSegmentedColormap.from_list("gdviz", style.CONTOUR_COLOURS)

RC = {
    # a list of families is matplotlib's per-glyph fallback; each text keeps it once created,
    # so figures drawn later (savefig, Jupyter) still find the CJK glyphs
    "font.family": style.FONT_FAMILY,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": style.INK,
    "axes.titlecolor": style.INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "#dddddd",
    "axes.unicode_minus": False,
    "mathtext.fontset": "dejavusans",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}


class MissingFontWarning(UserWarning):
    """Chinese labels were asked for but the CJK font is not installed."""


@functools.cache
def cjk_available() -> bool:
    """Whether matplotlib can find Noto Sans CJK SC (rebuilding a stale font cache once)."""
    def found():
        return any(f.name == style.CJK_FONT for f in font_manager.fontManager.ttflist)

    if found():
        return True
    font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    return found()


@contextlib.contextmanager
def rc(lang: str = "en"):
    """The gdviz style; for Chinese, check the font once and warn (once) naming the package."""
    style.check_lang(lang)
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        if lang == "zh" and not cjk_available():
            _warn_missing_font()
            # matplotlib would warn once per missing glyph; the warning above says it once
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


@functools.cache
def _warn_missing_font():
    warnings.warn(f"Chinese labels need the font '{style.CJK_FONT}': install the Debian package "
                  f"{style.CJK_PACKAGE} (apt-get install {style.CJK_PACKAGE}); until then "
                  "Chinese characters render as boxes", MissingFontWarning, stacklevel=4)


class GdvizFigure(Figure):
    """A matplotlib Figure that shows itself in Jupyter (``_repr_png_``): gdviz builds figures
    without pyplot, so IPython's inline backend, which pyplot sets up, would otherwise print
    only its text."""

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        with rc(getattr(self, "_gdviz_lang", "en")):
            self.savefig(buf, format="png", dpi=self.dpi)
        return buf.getvalue()


def new_figure(width_px: int, height_px: int, dpi: int = 100) -> Figure:
    """A Figure of exactly width_px x height_px pixels on an Agg canvas."""
    fig = GdvizFigure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig
