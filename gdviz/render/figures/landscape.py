"""Loss landscapes of networks (lessons ``landscape-*``): a plane through the weights drawn as
contours (log-spaced levels, a colour bar in loss units) and as a 3-D surface, training paths
projected onto it, the 1-D interpolation from the initial to the trained weights, and an
animated path GIF.

    >>> land = gd.landscape(model, "cross-entropy", "moons", directions="pca", path=trajs)
    >>> fig = new_figure(800, 640); ax = fig.add_subplot()
    >>> draw_landscape(ax, land, [land.project(t) for t in trajs], ["gd", "momentum", "adam"])

Where the loss is not finite (it overflows) the grid is masked: drawn blank, with a note giving
the blank share of the plane.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ... import style
from ...errors import UserInputError
from ...style import fmt_number
from ...style import label as L
from ..axes import MAX_LEVEL, draw_path, note_blank
from ..mpl import CONTOUR_CMAP
from ..series import layered_widths, line_style, series_colours, series_label
from .common import title

STAR = style.OKABE_ITO["yellow"]
SURFACE_CMAP = LinearSegmentedColormap.from_list("gdviz-surface", style.SURFACE_COLOURS)   # light = low
LEVELS = 15                       # contour levels, log-spaced from the lowest to the highest loss
CENTER_AT = 1e-9                  # a path point this close to the center (plane units and off it) is the center


# -- reading a Landscape ---------------------------------------------------------------------
def axis_label(land, k: int, lang: str = "en") -> str:
    """What direction ``k`` (1 or 2) of the plane is, for its axis:

        'filter-normalized random direction 1', 'PC1 (87.3% of the paths' variance)',
        'Hessian eigenvector 1 (λ = 12.4)'
    """
    kind = land.kind if land.kind in ("random", "pca", "hessian", "endpoints") else "fixed"
    share = value = ""
    if kind == "pca" and land.explained is not None:
        share = f"{100 * float(land.explained[k - 1]):.1f}%"
    if kind == "hessian" and land.eigenvalues is not None:
        value = f"{float(land.eigenvalues[k - 1]):.3g}"
    return L(f"landscape {kind} axis", lang).format(k=k, share=share, value=value)


def shown_loss(land) -> np.ndarray:
    """The grid as drawn: non-finite values masked, finite ones clipped to +-MAX_LEVEL."""
    z = np.asarray(land.loss, dtype=float)
    return np.ma.masked_invalid(np.where(np.isfinite(z), np.clip(z, -MAX_LEVEL, MAX_LEVEL), z))


def loss_levels(Z, n: int = LEVELS) -> np.ndarray:
    """``n`` log-spaced levels from the lowest positive finite loss to the highest (a loss of 0
    or below is drawn in the lowest band)."""
    z = np.ma.compressed(Z)
    z = z[z > 0]
    if not z.size:
        return np.geomspace(1e-12, 1.0, n)
    lo, hi = float(z.min()), float(z.max())
    return np.geomspace(lo, max(hi, lo * (1 + 1e-6)), n)


def nice_ticks(lo: float, hi: float) -> list[float]:
    """Colour-bar ticks a person reads: 1, 2, 5 times powers of ten within [lo, hi] (at most
    seven; the ends themselves when fewer than two fall inside).

        >>> nice_ticks(0.03, 4.2)
        [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
    """
    out = [m * 10.0 ** e for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
           for m in (1, 2, 5)]
    out = [v for v in out if lo <= v <= hi]
    while len(out) > 7:
        out = out[::2]
    return out if len(out) >= 2 else [lo, hi]


def _check_dim(land, dim: int):
    """A plane for the contour and 3-D drawings, a line for the interpolation; else one line saying which."""
    if land.dim != dim:
        has, use = ("a line (1-D)", "draw_interpolation") if land.dim == 1 else ("a plane (2-D)", "draw_landscape")
        raise UserInputError(f"this drawing needs a {'plane (2-D)' if dim == 2 else 'line (1-D)'} landscape; "
                             f"this one is {has}: use {use}")


def center_key(land, paths=()) -> str:
    """The label of what the center is, as far as the data tell: the end of the first path drawn
    that ends there, else the start of one that starts there, else the model's own weights (a
    landscape around ``gd.mlp``/a module as it is), else just "the center"."""
    for row, key in ((-1, "landscape center end"), (0, "landscape center start")):
        for t in paths:
            off = np.asarray(t.meta.get("off_plane", [0.0]), dtype=float)
            if np.abs(t.params[row]).max() <= CENTER_AT and off[row] <= CENTER_AT:
                return key if row == 0 or t is paths[0] else "landscape center path end"
    model = land.model
    if model is not None and land.center and np.array_equal(model.flatten(land.center), model.center):
        return "landscape center model"
    return "landscape center"


def _legend(fig, *, handles, ncols, **options):
    """``fig.legend`` in ``ncols`` columns, or fewer where its rows would run past the figure's
    edges (long Chinese or English labels)."""
    for n in range(ncols, 0, -1):
        legend = fig.legend(handles=handles, ncols=n, **options)
        box = legend.get_window_extent(fig.canvas.get_renderer())
        if n == 1 or (box.x0 >= 0 and box.x1 <= fig.bbox.width):
            return legend
        legend.remove()


def on_edge(land) -> bool:
    """Whether the plane's lowest grid point lies on the window's border (lower loss may lie outside)."""
    x, y = land.argmin()
    return x in (land.x[0], land.x[-1]) or y in (land.y[0], land.y[-1])


def extent(land):
    """(x0, x1, y0, y1) of the grid."""
    return float(land.x[0]), float(land.x[-1]), float(land.y[0]), float(land.y[-1])


# -- axes-first drawing ----------------------------------------------------------------------
def draw_landscape(ax, land, paths=(), keys=(), *, lang: str = "en", colorbar: bool = True, cax=None,
                   lowest: bool = True, center: bool = True, arrows: int = 0, levels=None, center_label=None):
    """Filled contours of a 2-D ``land`` on log-spaced levels with thin contour lines, a colour bar
    in loss units (``colorbar``; into ``cax`` when given), the lowest grid point (★) and the
    center (✕) marked, the projected ``paths`` in their optimizer's colour and dash (``keys``: one
    optimizer name per path) with start and end markers, the axes named after the directions.
    ``levels``: the contour levels (default :func:`loss_levels` of this grid; give the same to
    panels that compare). ``center_label``: the style label naming the center (default
    :func:`center_key`). Returns the legend handles (paths first, then the markers)."""
    _check_dim(land, 2)
    Z = shown_loss(land)
    x0, x1, y0, y1 = extent(land)
    lv = loss_levels(Z) if levels is None else np.asarray(levels, dtype=float)
    Zc = np.ma.maximum(Z, lv[0])
    cs = ax.contourf(land.x, land.y, Zc, levels=lv, cmap=CONTOUR_CMAP, norm=LogNorm(lv[0], lv[-1]), zorder=0)
    ax.contour(land.x, land.y, Zc, levels=lv, colors="#8a96b3", linewidths=0.5, alpha=0.55, zorder=1)
    if colorbar:
        bar = ax.figure.colorbar(cs, ax=None if cax is not None else ax, cax=cax, pad=0.02, fraction=0.05)
        bar.ax.yaxis.set_major_locator(FixedLocator(nice_ticks(lv[0], lv[-1])))
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v)))
        bar.ax.yaxis.set_minor_locator(NullLocator())
        bar.set_label(L("loss", lang) + L("log scale", lang), fontsize=9.5)
        bar.ax.tick_params(labelsize=8.5)
    handles = []
    colours = series_colours(list(keys)) if keys else []
    widths = layered_widths(len(paths), thin=1.8, step=1.0)
    window = np.array([[x0, x1], [y0, y1]])
    for t, key, c, lw in zip(paths, keys, colours, widths):
        draw_path(ax, t, c, surface=None, arrows=arrows, markers=False, lw=lw, lang=lang, window=window, zorder=4)
        handles.append(Line2D([], [], color=c, ls=line_style(c), lw=2.2,
                              label=f"{series_label(key, lang)}{style.colon(lang)}{L('loss', lang)} "
                                    f"{style.readout(t.loss[-1])}"))
    if paths:
        handles += [Line2D([], [], ls="none", marker="o", ms=8, mfc="white", mec=style.INK, mew=1.6,
                           label=L("start", lang)),
                    Line2D([], [], ls="none", marker="o", ms=7, color=style.INK, mec="white",
                           label=L("end", lang))]
    if lowest:
        ax.scatter(*land.argmin(), marker="*", s=280, c=STAR, edgecolors=style.INK, linewidths=1.0, zorder=9,
                   clip_on=False)   # whole, also on the grid's edge
        handles.append(Line2D([], [], ls="none", marker="*", ms=16, mfc=STAR, mec=style.INK, mew=1.0,
                              label=L("landscape lowest edge" if on_edge(land) else "landscape lowest", lang)))
    if center:
        ax.plot(0.0, 0.0, marker="X", ms=9, color=style.INK, mec="white", mew=1.2, ls="none", zorder=10)   # on a ★
        handles.append(Line2D([], [], ls="none", marker="X", ms=10, color=style.INK, mec="white",
                              label=L(center_label or center_key(land, paths), lang)))
    note_blank(ax, np.asarray(land.loss, dtype=float), lang)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(axis_label(land, 1, lang))
    ax.set_ylabel(axis_label(land, 2, lang))
    return handles


def draw_landscape_3d(ax, land, paths=(), keys=(), *, lang: str = "en", view=(38, -60)):
    """The plane as a 3-D surface of log10 loss (the z axis says so; lighter is lower, as on the
    contours and in the manim fly-over), each projected path lifted
    onto the surface (its height there, a little above), its start hollow and its end filled; the
    lowest grid point (★) marked; seen from ``view`` (elevation, azimuth in degrees). Non-finite values
    leave a hole, with a note."""
    _check_dim(land, 2)
    Z = shown_loss(land)
    with np.errstate(all="ignore"):
        F = np.log10(np.ma.maximum(Z, loss_levels(Z)[0])).filled(np.nan)
    X, Y = np.meshgrid(land.x, land.y)
    finite = np.isfinite(F)
    lift = 0.015 * np.ptp(F[finite]) if finite.any() else 0.0
    ax.computed_zorder = False   # the paths over the surface
    ax.plot_surface(X, Y, F, cmap=SURFACE_CMAP, alpha=0.88, linewidth=0, antialiased=True, rstride=1, cstride=1,
                    zorder=1)
    surface = land.surface()
    for t, c in zip(paths, series_colours(list(keys)) if keys else []):
        with np.errstate(all="ignore"):
            z = np.log10(np.maximum(surface.value(t.params), loss_levels(Z)[0])) + lift
        ax.plot(t.params[:, 0], t.params[:, 1], z, color=c, ls=line_style(c), lw=2.4, zorder=10)
        ax.scatter(*t.params[0], z[0], color="white", edgecolors=c, s=40, linewidths=1.6, depthshade=False,
                   zorder=11)
        ax.scatter(*t.params[-1], z[-1], color=c, edgecolors="white", s=44, depthshade=False, zorder=11)
    xs, ys = land.argmin()
    with np.errstate(all="ignore"):
        zs = np.log10(np.maximum(surface.value([xs, ys]), loss_levels(Z)[0])) + lift
    ax.scatter(xs, ys, zs, marker="*", s=220, c=STAR, edgecolors=style.INK,
               linewidths=0.9, depthshade=False, zorder=12)
    note_blank(ax, np.asarray(land.loss, dtype=float), lang)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel(_short_axis(land, 1, lang), fontsize=9.5, labelpad=13)
    ax.set_ylabel(_short_axis(land, 2, lang), fontsize=9.5, labelpad=13)
    ax.set_zlabel(L("landscape log loss", lang), fontsize=9.5, labelpad=6)
    ax.tick_params(labelsize=8, pad=1)
    ax.view_init(*view)


def _short_axis(land, k, lang):
    """A 3-D axis's name, short enough to fit along it (the contours' axes say the rest): 'PC1',
    'direction 1'."""
    if land.kind == "pca":
        return f"PC{k}" if lang == "en" else f"主成分 {k}"
    return L("landscape fixed axis", lang).format(k=k)


def draw_interpolation(ax, land, *, lang: str = "en", accuracy=None):
    """The 1-D interpolation (Goodfellow et al. 2015): the loss at (1 - α) initial + α trained for
    α over the line, α = 0 (initial) and α = 1 (trained) marked, log scale when the loss spans
    more than a factor of 30; where the loss rises between them the curve is drawn in vermillion
    and the legend says so. ``accuracy`` (same length as α): drawn on a right-hand axis.
    Returns the legend handles."""
    _check_dim(land, 1)
    a = np.asarray(land.x, dtype=float)
    Z = shown_loss(land)
    z = Z.filled(np.nan)
    ink = style.OKABE_ITO["blue"]
    ax.plot(a, z, color=ink, lw=2.2, zorder=3)
    handles = [Line2D([], [], color=ink, lw=2.2, label=L("loss", lang))]
    inside = (a >= 0) & (a <= 1)
    rises = np.flatnonzero(inside[:-1] & inside[1:] & (np.diff(z) > 0))
    if rises.size:
        for r in rises:
            ax.plot(a[r:r + 2], z[r:r + 2], color=style.DIVERGED, lw=3.4, zorder=4, solid_capstyle="round")
        handles.append(Line2D([], [], color=style.DIVERGED, lw=3.4, label=L("landscape rises", lang)))
    finite = np.isfinite(z)
    if finite.any() and np.nanmin(z[finite]) > 0 and np.nanmax(z) / np.nanmin(z[finite]) > 30:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v)))
    for alpha, key in ((0.0, "landscape initial"), (1.0, "landscape trained")):
        y = float(np.interp(alpha, a, z))
        ax.axvline(alpha, color=style.MUTED, lw=0.9, ls=(0, (2, 2)), zorder=1)
        ax.plot(alpha, y, "o", ms=8, color=ink, mec="white", mew=1.5, zorder=5, clip_on=False)
        right_end = alpha >= a[-1]          # the label turns inward at the window's right edge
        ax.annotate(f"{L(key, lang)}{style.colon(lang)}{style.readout(y)}", (alpha, y),
                    xytext=(-8 if right_end else 8, 8), textcoords="offset points",
                    ha="right" if right_end else "left", va="bottom",
                    fontsize=10, color=style.INK, zorder=6,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    if accuracy is not None:
        acc = np.asarray(accuracy, dtype=float)
        grey = style.OKABE_ITO["green"]
        right = ax.twinx()
        right.plot(a, 100 * acc, color=grey, lw=1.6, ls=line_style(grey), zorder=2)
        right.set_ylim(0, 105)
        right.set_ylabel(L("landscape accuracy", lang) + " (%)", color=grey)
        right.spines["right"].set_visible(True)
        right.tick_params(axis="y", colors=grey)
        handles.append(Line2D([], [], color=grey, ls=line_style(grey), lw=1.6, label=L("landscape accuracy", lang)))
    note_blank(ax, np.asarray(land.loss, dtype=float)[None, :], lang)
    ax.set_xlim(a[0], a[-1])
    ax.set_xlabel(L("landscape alpha axis", lang))
    ax.set_ylabel(L("loss", lang))
    ax.grid(True, alpha=0.25)
    return handles


# -- the figures of the lessons --------------------------------------------------------------
def _sub(runs, lang) -> str:
    """The runs' subtitle, else what the landscape is: the model's title and the plane's kind
    ("MLP 2-16-1 (tanh), cross-entropy; PCA directions of the training path")."""
    sub = (runs.info.get("sub") or {}).get(lang, "")
    land = runs.info.get("landscape")
    if sub or land is None or land.model is None:
        return sub
    from ...landscapes.grid import TITLES

    return f"{land.model.title[lang]}{'；' if lang == 'zh' else '; '}{TITLES[land.kind][lang == 'zh']}"


def _heading(fig, heading: str, sub: str = ""):
    """The bold title, and under it the grey subtitle wrapped to the figure's width (at spaces
    and at Chinese punctuation), so a long one is never cut off at the edge."""
    title(fig, heading)
    if not sub:
        return
    import re

    text = fig.text(0.02, 0.93, "", fontsize=10, color=style.MUTED, ha="left", va="top")
    renderer = fig.canvas.get_renderer()
    room = 0.96 * fig.bbox.width
    pieces, lines = re.findall(r"[^ ，；、]+[ ，；、]?", sub), [""]
    for piece in pieces:
        text.set_text(lines[-1] + piece)
        if lines[-1] and text.get_window_extent(renderer).width > room:
            lines.append(piece)
        else:
            lines[-1] += piece
    text.set_text("\n".join(line.rstrip() for line in lines))


def _two_panels(fig, runs, lang, heading):
    """Contours with the paths (left) and the 3-D surface (right), the legend under both."""
    info = runs.info
    land, paths, keys = info["landscape"], runs.trajectories, runs.series
    ax = fig.add_axes([0.07, 0.2, 0.4, 0.63])
    cax = fig.add_axes([0.48, 0.2, 0.012, 0.63])
    handles = draw_landscape(ax, land, paths, keys, lang=lang, cax=cax, center_label=info.get("center"))
    ax3 = fig.add_axes([0.53, 0.13, 0.45, 0.76], projection="3d")
    draw_landscape_3d(ax3, land, paths, keys, lang=lang, view=info.get("view", (38, -60)))
    _legend(fig, handles=handles, loc="lower left", bbox_to_anchor=(0.04, 0.0), ncols=3 if paths else 2,
               frameon=False, fontsize=9.5)
    _heading(fig, heading, _sub(runs, lang))
    return fig


def _contour(fig, runs, lang, heading):
    """The contours alone, the colour bar at the right, the legend under them."""
    info = runs.info
    ax = fig.add_axes([0.11, 0.24, 0.72, 0.6])
    cax = fig.add_axes([0.85, 0.24, 0.018, 0.6])
    handles = draw_landscape(ax, info["landscape"], runs.trajectories, runs.series, lang=lang, cax=cax,
                             center_label=info.get("center"))
    _legend(fig, handles=handles, loc="lower left", bbox_to_anchor=(0.04, 0.0), ncols=2, frameon=False, fontsize=9.5)
    _heading(fig, heading, _sub(runs, lang))
    return fig


def _surface(fig, runs, lang, heading):
    """The 3-D surface alone, with the paths' colours named under it."""
    info = runs.info
    ax3 = fig.add_axes([0.04, 0.12, 0.9, 0.76], projection="3d")
    draw_landscape_3d(ax3, info["landscape"], runs.trajectories, runs.series, lang=lang,
                      view=info.get("view", (38, -60)))
    handles = [Line2D([], [], color=c, ls=line_style(c), lw=2.2, label=series_label(k, lang))
               for k, c in zip(runs.series, series_colours(list(runs.series)))]
    handles.append(Line2D([], [], ls="none", marker="*", ms=16, mfc=STAR, mec=style.INK, mew=1.0,
                          label=L("landscape lowest", lang)))
    _legend(fig, handles=handles, loc="lower left", bbox_to_anchor=(0.04, 0.0), ncols=4, frameon=False, fontsize=9.5)
    _heading(fig, heading, _sub(runs, lang))
    return fig


def plot_landscape_random(fig, runs, lang):
    """A filter-normalized random slice around a trained network's weights: contours and 3-D."""
    return _two_panels(fig, runs, lang, L("landscape random title", lang))


def plot_landscape_paths(fig, runs, lang):
    """Optimizers from one start, projected onto one plane: contours and 3-D."""
    return _two_panels(fig, runs, lang, L("landscape paths title", lang))


def plot_landscape_interpolation(fig, runs, lang):
    """The loss along the straight line from the initial to the trained weights."""
    info = runs.info
    ax = fig.add_axes([0.1, 0.22, 0.8, 0.62])
    handles = draw_interpolation(ax, info["landscape"], lang=lang, accuracy=info.get("accuracy"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=len(handles), frameon=False)
    _heading(fig, L("landscape interpolation title", lang), _sub(runs, lang))
    return fig


# kind -> (drawing, default size in pixels) for :func:`landscape_figure`
LAYOUTS = {"contour": (_contour, (860, 720)), "surface": (_surface, (860, 720)), "both": (_two_panels, (1300, 620)),
           "interpolation": (None, (900, 560))}


def as_runs(what, paths=()):
    """``what`` as the runs the drawings read: a Runs as it is, or a Landscape and its ``paths``
    (training Trajectories from ``gd.train``, projected here, or paths already on the plane), one
    series per path named by its optimizer."""
    from ...landscapes.result import Landscape
    from ...lessons.runs import Runs

    if not isinstance(what, Landscape):
        return what
    if what.dim == 1 and paths:
        raise UserInputError("paths are drawn on a plane: a 1-D landscape (gd.interpolate) takes none")
    flat = [t if t.params.shape[-1] == what.dim else what.project(t) for t in paths]
    return Runs(None, flat, [t.optimizer or "path" for t in paths], info={"landscape": what})


def landscape_figure(runs, paths=(), *, kind: str = "both", lang: str = "en", size=None):
    """A figure of a Landscape and the training ``paths`` on it, or of a lesson's runs
    (``runs.info["landscape"]``, the projected paths in ``runs.trajectories`` with one optimizer
    name each in ``runs.series``, ``info["sub"]`` an optional subtitle per language): ``kind``
    "contour", "surface" (3-D), "both" or "interpolation" (a 1-D landscape). ``size``:
    (width, height) pixels at 100 dpi.

        >>> land = gd.landscape(model, None, "moons", directions="pca", path=[t1, t2])
        >>> save(landscape_figure(land, [t1, t2], kind="contour", lang="zh"), "out.png")
    """
    from ...errors import unknown_name
    from ..animation import check_size
    from ..mpl import new_figure, rc

    runs = as_runs(runs, paths)
    if kind not in LAYOUTS:
        raise unknown_name("landscape figure kind", kind, LAYOUTS)
    style.check_lang(lang)
    draw, default = LAYOUTS[kind]
    width, height = check_size(size or default)
    with rc(lang):
        fig = new_figure(width, height)
        fig._gdviz_lang = lang
        if draw is None:
            plot_landscape_interpolation(fig, runs, lang)
        else:
            draw(fig, runs, lang, (runs.info.get("title") or {}).get(lang) or L("landscape title", lang))
    fig.gdviz_claims = list(runs.claims)
    return fig


def plot_landscape_hessian(fig, runs, lang):
    """Sharp and flat: the plane of the top two Hessian eigenvectors at the end of each run (the
    same levels, so the panels compare), and the loss along eigenvector 1 through each end with
    the quadratic L(center) + λ₁ t²/2 the eigenvalue predicts."""
    info = runs.info
    lands = info["landscapes"]
    lv = loss_levels(np.ma.concatenate([shown_loss(land).ravel() for land in lands]))
    colours = series_colours(runs.series)
    cut = fig.add_axes([0.76, 0.2, 0.22, 0.62])
    for k, (land, key, c) in enumerate(zip(lands, runs.series, colours)):
        ax = fig.add_axes([0.06 + 0.32 * k, 0.2, 0.25, 0.62])
        last = k == len(lands) - 1
        handles = draw_landscape(ax, land, lang=lang, levels=lv, colorbar=last, center_label=info.get("center"),
                                 cax=fig.add_axes([0.32 + 0.32 * k, 0.2, 0.01, 0.62]) if last else None)
        ax.set_title(series_label(key, lang, info["rates"][k]), fontsize=11, color=c)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        mid = int(np.argmin(np.abs(land.y)))
        t, z = np.asarray(land.x), np.asarray(land.loss[mid], dtype=float)
        z0 = float(np.interp(0.0, t, z))
        lam = float(land.eigenvalues[0])
        cut.plot(t, z, color=c, ls=line_style(c), lw=2.2, zorder=3,
                 label=f"{series_label(key, lang)}{style.colon(lang)}λ₁ = {lam:.3g}")
        cut.plot(t, z0 + lam * t ** 2 / 2, color=c, lw=1.0, ls=":", zorder=2)
    top = max(float(np.nanmax(land.loss[int(np.argmin(np.abs(land.y)))])) for land in lands)
    cut.set_ylim(0, 1.05 * top)
    cut.plot([], [], color=style.MUTED, lw=1.0, ls=":", label=L("landscape quadratic", lang))
    cut.set_xlabel(L("landscape along eigenvector", lang))
    cut.set_ylabel(L("loss", lang))
    cut.grid(True, alpha=0.25)
    cut.legend(loc="upper center", fontsize=9)
    _legend(fig, handles=handles, loc="lower left", bbox_to_anchor=(0.04, 0.0), ncols=2, frameon=False, fontsize=9.5)
    _heading(fig, L("landscape hessian title", lang), info["sub"][lang])
    return fig


# -- the animated path -----------------------------------------------------------------------
def save_landscape_gif(runs, path, *, paths=(), lang: str = "en", frames: int = 90, fps: float = 15,
                       size=(760, 600), hold: float = 1.5):
    """The projected paths of ``runs`` (a lesson's, or a Landscape and its training ``paths``,
    see :func:`as_runs`) drawn step by step over the landscape's contours (drawn once; each
    frame only sets the paths' data), a step counter above; written atomically as a GIF. Frame
    ``i`` shows fractional step ``Pace(...).frame_times(frames)[i]``; every frame lasts
    ``1000 / fps`` ms, the last ``hold`` seconds more. Returns the path."""
    from PIL import Image

    from ..animation import check_fps, check_frames, check_size
    from ..encode import GifFrames, global_palette, write_gif
    from ..mpl import new_figure, rc
    from ..output import check_output
    from ..pacing import Pace

    p = check_output(path, (".gif",))
    runs = as_runs(runs, paths)
    style.check_lang(lang)
    w, h = check_size(size)
    frames, fps = check_frames(frames), check_fps(fps)
    land, paths, keys = runs.info["landscape"], runs.trajectories, runs.series
    if not paths or land.dim != 2:
        raise UserInputError("a landscape GIF draws paths on a plane: give runs with projected paths on a 2-D "
                             "landscape (lesson landscape-paths)")
    x0, x1, y0, y1 = extent(land)
    times = Pace(paths, np.array([[x0, x1], [y0, y1]])).frame_times(frames)
    n = max(int(t.n_steps) for t in paths)
    images = []
    with rc(lang):
        fig = new_figure(w, h)
        ax = fig.add_axes([70 / w, 120 / h, 1 - 160 / w, 1 - 180 / h])
        cax = fig.add_axes([1 - 80 / w, 120 / h, 12 / w, 1 - 180 / h])
        handles = draw_landscape(ax, land, [], [], lang=lang, cax=cax,   # the paths move: drawn per frame
                                 center_label=runs.info.get("center") or center_key(land, paths))
        colours = series_colours(list(keys))
        arts = []
        for t, key, c, lw in zip(paths, keys, colours, layered_widths(len(paths), thin=1.8, step=1.0)):
            ax.plot(*t.params[0], "o", ms=8, mfc="white", mec=c, mew=2, zorder=6)
            line, = ax.plot([], [], color=c, ls=line_style(c), lw=lw, zorder=4, animated=True, solid_capstyle="round")
            head, = ax.plot([], [], "o", ms=8, color=c, mec="white", mew=1.4, zorder=7, animated=True)
            arts.append((t, line, head))
            handles.insert(len(arts) - 1, Line2D([], [], color=c, ls=line_style(c), lw=2.2,
                                                 label=series_label(key, lang)))
        _legend(fig, handles=handles, loc="lower left", bbox_to_anchor=(8 / w, 0.0), ncols=3, frameon=False,
                   fontsize=9)
        heading = (runs.info.get("title") or {}).get(lang) or L("landscape paths title" if len(paths) > 1
                                                                 else "landscape title", lang)
        fig.text(0.02, 1 - 10 / h, heading, fontsize=12, fontweight="bold", va="top", color=style.INK)
        counter = fig.text(0.02, 1 - 34 / h, "", fontsize=10.5, va="top", color=style.MUTED, animated=True)
        fig.canvas.draw()
        background = fig.canvas.copy_from_bbox(fig.bbox)
        for tt in times:
            fig.canvas.restore_region(background)
            for t, line, head in arts:
                k = min(float(tt), t.n_steps)
                pts = np.vstack([t.params[: t.rows_until(k)], t.at(k)[None]])
                line.set_data(pts[:, 0], pts[:, 1])
                head.set_data(pts[-1:, 0], pts[-1:, 1])
                fig.draw_artist(line)
                fig.draw_artist(head)
            k = int(np.floor(tt + 1e-9))
            losses = "   ".join(f"{series_label(key, lang)} {style.readout(t.loss[t.rows_until(k) - 1])}"
                               for (t, _, _), key in zip(arts, keys))
            counter.set_text(f"{L('landscape step', lang).format(k=k, n=n)}   {L('loss', lang)}{style.colon(lang)}"
                             f"{losses}")
            fig.draw_artist(counter)
            images.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()))
    palette = global_palette([images[0], images[len(images) // 2], images[-1]])
    encode = GifFrames(palette)
    durations = [round(1000 / fps)] * len(images)
    durations[-1] += round(1000 * hold)
    return write_gif((encode(im) for im in images), p, size=(w, h), durations_ms=durations, palette=palette)


KINDS = {
    "landscape-random": ("landscape-random", plot_landscape_random, (1300, 620),
                         "a trained network's loss on a filter-normalized random plane: contours and 3-D"),
    "landscape-paths": ("landscape-paths", plot_landscape_paths, (1300, 620),
                        "optimizers from one start projected onto one plane of a network's loss"),
    "landscape-hessian": ("landscape-hessian", plot_landscape_hessian, (1300, 560),
                          "sharp and flat minima: slices along the top Hessian eigenvectors at two runs' ends"),
    "landscape-interpolation": ("landscape-interpolation", plot_landscape_interpolation, (900, 560),
                                "the loss from the initial to the trained weights along a straight line"),
}
