"""Maps and basins (issue 18): a value per pixel over two axes, and the minimum each start reaches.

Axes-first drawing functions for any :class:`gdviz.maps.Map` or :class:`gdviz.maps.Basins`, and
the teaching figures built on them (lessons ``momentum-map`` and ``basins``):

    >>> m = gd.map("momentum", "elongated", x=("lr", np.geomspace(1e-2, 1, 128)),
    ...            y=("momentum", np.linspace(0, 0.99, 128)), measure="rate")
    >>> fig = map_figure(m)                      # or draw_map(ax, m) on an axes of your own
    >>> fig = map_figure(gd.basins("himmelblau"), lang="zh")
"""
from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import FuncNorm, ListedColormap, LogNorm, SymLogNorm, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ... import style
from ...errors import UserInputError
from ...maps import Basins, Map
from ...style import colon
from ...style import label as L
from ..axes import HALO, draw_contours, draw_path
from .common import formula, title
from .starts import STAR, has_global

DIVERGED_FILL = "#d0d0d0"    # diverged pixels: a light grey, far from every colour of the colour map
NOT_YET_FILL = "#7a7a7a"     # pixels still running at the budget (no value for "steps")
NONE_FILL = "#bdbdbd"        # starts that reached no known minimum
DISAGREE = "#ff2bd6"         # pixels where simulation and theory disagree (magenta: in no colour map here)
MAP_CMAP = "viridis_r"       # fast / low: bright; slow / high: dark (perceptually uniform)
POINT_STYLE = {"gd best": (style.OKABE_ITO["blue"], "o", 9), "momentum best": (style.OKABE_ITO["green"], "*", 15),
               "too much": (style.OKABE_ITO["orange"], "s", 8),
               "past boundary": (style.OKABE_ITO["vermillion"], "X", 10)}   # colour, marker, size per marked point
BASIN_COLOURS = [style.OKABE_ITO[k] for k in ("sky", "orange", "green", "purple", "blue", "yellow", "vermillion")]
GLOBAL_BASIN = style.OKABE_ITO["vermillion"]
DARK_HALO = [patheffects.withStroke(linewidth=3.8, foreground=style.INK)]   # a white line seen on any colour


def axis_label(name: str, lang: str = "en") -> str:
    """'learning rate α' for lr, 'momentum β' for momentum, else the name itself."""
    return L(f"map axis {name}", lang) if f"map axis {name}" in style.LABELS else name


def _edges(v, scale: str) -> np.ndarray:
    """Cell edges around axis values (midpoints; geometric on a log axis)."""
    v = np.asarray(v, dtype=float)
    w = np.log(v) if scale == "log" else v
    mid = (w[1:] + w[:-1]) / 2
    e = np.concatenate([[w[0] - (mid[0] - w[0])], mid, [w[-1] + (w[-1] - mid[-1])]])
    return np.exp(e) if scale == "log" else e


def _rate_norm(values) -> FuncNorm:
    """Rates r in [lo, 1) on a scale of −log10(1 − r): 0.9, 0.99, 0.999 equally apart."""
    finite = values[np.isfinite(values) & (values < 1)]
    hi = min(float(finite.max()), 1 - 1e-6) if finite.size else 0.999
    lo = min(float(finite.min()), 0.5) if finite.size else 0.5

    def forward(r):
        return -np.log10(np.clip(1 - np.asarray(r, dtype=float), 1e-12, None))

    def inverse(t):
        return 1 - 10 ** (-np.asarray(t, dtype=float))

    return FuncNorm((forward, inverse), vmin=lo, vmax=max(hi, lo + 1e-9))


def _colouring(m: Map):
    """(values to colour, norm, colour-bar label key) for the map's measure."""
    v = np.array(m.values, dtype=float)
    measure = "rate" if m.method == "theory" else m.measure
    if measure == "rate":
        return np.minimum(v, 1 - 1e-12), _rate_norm(v), "map rate"
    if measure in ("steps", "loss"):
        ok = np.isfinite(v) & (v > 0)
        lo = float(v[ok].min()) if ok.any() else 1.0
        hi = float(v[ok].max()) if ok.any() else 10.0
        return np.where(np.isfinite(v), np.maximum(v, lo), np.nan), LogNorm(lo, max(hi, lo * 1.01)), f"map {measure}"
    lim = float(np.nanmax(np.abs(v[np.isfinite(v)]))) if np.isfinite(v).any() else 1.0
    return v, SymLogNorm(linthresh=1.0, vmin=-lim, vmax=lim), "map trainability"


def draw_map(ax, m: Map, *, lang: str = "en", boundary: Map | None = None, colorbar: bool = True, cax=None,
             rasterized: bool = True) -> list:
    """Draw the map ``m`` on ``ax``: each pixel coloured by its value (a perceptual colour map;
    for rates on a −log10(1 − r) scale), diverged pixels light grey, pixels still running at
    the budget (measure "steps") dark grey; log axes where the axis is log-spaced. ``boundary``:
    a theory map whose convergence boundary (rate = 1) is drawn as a dashed line. Returns the
    legend handles (the greys and the boundary, those present)."""
    if not isinstance(m, Map):
        raise UserInputError(f"draw_map draws a gdviz Map (gd.map(...)), got {type(m).__name__}")
    style.check_lang(lang)
    xe, ye = _edges(m.x, m.xscale), _edges(m.y, m.yscale)
    values, norm, key = _colouring(m)
    diverged = m.codes == 1
    shown = np.ma.masked_where(diverged | ~np.isfinite(values), values)
    mesh = ax.pcolormesh(xe, ye, shown, cmap=MAP_CMAP, norm=norm, shading="flat", rasterized=rasterized, zorder=1)
    handles = []
    grey = np.where(diverged, 1.0, np.where(~np.isfinite(values), 2.0, np.nan))
    if np.isfinite(grey).any():
        ax.pcolormesh(xe, ye, np.ma.masked_invalid(grey), cmap=ListedColormap([DIVERGED_FILL, NOT_YET_FILL]),
                      vmin=0.5, vmax=2.5, shading="flat", rasterized=rasterized, zorder=1)
    if diverged.any():
        handles.append(Patch(fc=DIVERGED_FILL, ec="none", label=L("map diverged", lang)))
    if (~diverged & ~np.isfinite(values)).any():
        handles.append(Patch(fc=NOT_YET_FILL, ec="none", label=L("map not yet", lang).format(n=m.steps)))
    ax.set_xscale(m.xscale)
    ax.set_yscale(m.yscale)
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    ax.set_xlabel(axis_label(m.xname, lang))
    ax.set_ylabel(axis_label(m.yname, lang))
    if boundary is not None:
        line = ax.contour(boundary.x, boundary.y, boundary.values, levels=[1.0], colors="white", linewidths=1.8,
                          linestyles="--", zorder=3)
        line.set_path_effects(DARK_HALO)
        handles.append(Line2D([], [], color="white", lw=1.8, ls="--", path_effects=DARK_HALO,
                              label=L("map theory boundary", lang)))
    if colorbar and np.ma.count(shown):   # nothing coloured: no scale to show
        bar = ax.figure.colorbar(mesh, ax=None if cax is not None else ax, cax=cax, pad=0.02, fraction=0.05)
        bar.set_label(L(key, lang).format(tol=f"{m.tol or 0:g}"), fontsize=9.5)
        bar.ax.tick_params(labelsize=8.5)
        if key == "map rate":
            lo, hi = norm.vmin, norm.vmax
            ticks = []
            for t in (0.9, 0.99, 0.999, 0.9999, 0.99999, 0.5, 0.7, 0.8, 0.95):   # the decades first
                if lo <= t <= hi and all(abs(norm(t) - norm(u)) > 0.05 for u in ticks):
                    ticks.append(t)
            bar.set_ticks(sorted(ticks), labels=[f"{t:g}" for t in sorted(ticks)])
    return handles


def basin_groups(b: Basins, surface=None) -> list[tuple[str, list[int], str]]:
    """How the basins are coloured and listed: (colour, minima indices, kind) per group. Up to
    eight minima: one colour each; more: one per loss level (the egg crate's 25 minima in 6
    levels), the global one's in vermillion. kind: "global" or "local"."""
    k = len(b.minima)
    losses = (np.array([float(surface.value(m)) for m in b.minima]) if surface is not None
              else np.arange(k, dtype=float))
    low = losses.min() if k else 0.0
    is_global = np.abs(losses - low) <= 1e-9 * max(1.0, abs(low))
    if k <= 8:
        return [(GLOBAL_BASIN if is_global[i] and is_global.sum() == 1 else BASIN_COLOURS[i % len(BASIN_COLOURS)],
                 [i], "global" if is_global[i] else "local") for i in range(k)]
    levels = sorted(set(np.round(losses, 6).tolist()))
    from matplotlib import colormaps

    blues = colormaps["Blues"](np.linspace(0.85, 0.25, max(len(levels) - 1, 1)))
    out = []
    for j, lv in enumerate(levels):
        idx = [i for i in range(k) if round(float(losses[i]), 6) == lv]
        glob = bool(is_global[idx[0]])
        out.append((GLOBAL_BASIN if glob else blues[min(j - 1, len(blues) - 1)], idx, "global" if glob else "local"))
    return out


def draw_basins(ax, b: Basins, *, surface=None, lang: str = "en", rasterized: bool = True) -> list:
    """Draw the basins ``b`` on ``ax``: each start coloured by the minimum it reaches (see
    :func:`basin_groups`), white lines between basins, starts that reach none in grey, the minima
    starred (the global one, or each of several equal global ones, with the largest star); with
    ``surface``, its contour lines. Returns legend handles with the share of each basin."""
    if not isinstance(b, Basins):
        raise UserInputError(f"draw_basins draws gdviz Basins (gd.basins(...)), got {type(b).__name__}")
    style.check_lang(lang)
    groups = basin_groups(b, surface)
    rgba = np.zeros(b.labels.shape + (4,))
    rgba[b.labels < 0] = to_rgba(NONE_FILL)
    for colour, idx, _ in groups:
        rgba[np.isin(b.labels, idx)] = to_rgba(colour, 0.85)
    lab = b.labels
    edge = np.zeros(lab.shape, bool)
    edge[:, 1:] |= lab[:, 1:] != lab[:, :-1]
    edge[1:, :] |= lab[1:, :] != lab[:-1, :]
    rgba[edge] = (1, 1, 1, 1)
    xe, ye = _edges(b.x, "linear"), _edges(b.y, "linear")
    ax.imshow(rgba, origin="lower", extent=(xe[0], xe[-1], ye[0], ye[-1]), interpolation="nearest", zorder=1,
              aspect="auto", rasterized=rasterized)
    if surface is not None:
        X, Y = np.meshgrid(b.x, b.y)
        with np.errstate(all="ignore"):
            Z = surface.value(np.stack([X, Y], -1).reshape(-1, 2)).reshape(X.shape)
        if np.isfinite(Z).all():
            ax.contour(X, Y, Z, levels=10, colors=style.INK, linewidths=0.5, alpha=0.35, zorder=2)
    glob = [i for _, idx, kind in groups if kind == "global" for i in idx]
    for i, p in enumerate(b.minima):
        big = i in glob
        ax.scatter(*p, marker="*", s=330 if big else 70, c=STAR if big else "#333333",
                   edgecolors=style.INK if big else "white", linewidths=1.1 if big else 0.6, zorder=9)
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    ax.set_aspect("equal", adjustable="box")
    names = ("x", "y") if surface is None else surface.variables
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    handles = []
    for colour, idx, kind in groups:
        shares = b.share[idx]
        share = f"{shares[0]:.1%}" if len(idx) == 1 else (
            L("basins each", lang).format(n=len(idx), share=f"{shares.mean():.1%}") if np.ptp(shares) < 5e-4 else
            L("basins range", lang).format(n=len(idx), lo=f"{shares.min():.1%}", hi=f"{shares.max():.1%}"))
        if len(idx) == 1:
            where = "(" + ", ".join(f"{v:.3g}" for v in b.minima[idx[0]]) + ")"
            name = L(f"basins {kind} at", lang).format(p=where)
        else:
            loss = f"{float(surface.value(b.minima[idx[0]])):.3g}" if surface is not None else "?"
            name = L(f"basins {kind} level", lang).format(loss=loss)
        handles.append(Patch(fc=colour, ec="none", alpha=0.85, label=f"{name}{colon(lang)}{share}"))
    if b.none_share > 0:
        handles.append(Patch(fc=NONE_FILL, ec="none", label=f"{L('basins none', lang)}{colon(lang)}{b.none_share:.1%}"))
    return handles


def map_figure(result, *, lang: str = "en", size=None, boundary: Map | None = None, surface=None):
    """A figure of one :class:`Map` or :class:`Basins` (a title saying what ran, the legend
    under the axes): ``gd.render.map_figure(gd.map(...))``. ``boundary``: a theory map to
    outline (maps); ``surface``: contour lines and minima losses (basins)."""
    from ..animation import check_size
    from ..mpl import new_figure, rc

    style.check_lang(lang)
    if not isinstance(result, (Map, Basins)):
        raise UserInputError(f"map_figure draws a gdviz Map or Basins, got {type(result).__name__}")
    width, height = check_size(size or ((860, 760) if isinstance(result, Map) else (760, 820)))
    with rc(lang):
        fig = new_figure(width, height)
        fig._gdviz_lang = lang
        ax = fig.add_subplot()
        where = surface.title[lang] if surface is not None else (
            result.surface if isinstance(result, Map) else result.map.surface)
        if isinstance(result, Map):
            handles = draw_map(ax, result, lang=lang, boundary=boundary)
            m = result
            budget = L("map budget", lang).format(n=m.steps) if m.method == "simulate" else L("map exact", lang)
            sub = L("map user sub", lang).format(nx=len(m.x), ny=len(m.y), budget=budget,
                                                 colour=L(f"map {m.measure if m.method == 'simulate' else 'rate'}",
                                                          lang))
            head = L("map user title", lang).format(optimizer=style.optimizer_name(m.optimizer, lang), surface=where)
            head = head[:1].upper() + head[1:]
        else:
            handles = draw_basins(ax, result, surface=surface, lang=lang)
            m = result.map
            sub = L("basins user sub", lang).format(nx=len(result.x), ny=len(result.y),
                                                    share=f"{result.global_share:.1%}", n=m.steps,
                                                    lr=f"{m.hyperparams.get('lr', float('nan')):.3g}")
            head = L("basins user title", lang).format(optimizer=style.optimizer_name(m.optimizer, lang),
                                                      surface=where)
        if handles:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, frameon=False,
                      fontsize=9)
        title(fig, head, sub)
        fig.subplots_adjust(top=0.86, bottom=0.17 if handles else 0.1, left=0.1, right=0.88 if isinstance(
            result, Map) else 0.95)
    fig.gdviz_claims = []
    return fig


# -- the teaching figures ----------------------------------------------------------------------
def _mark_points(ax, runs, lang, *, labels: bool = True):
    """The marked (α, β) points, in their colours and shapes (numbered as their panels)."""
    for i, (key, (a, b)) in enumerate(runs.info["points"].items()):
        colour, marker, ms = POINT_STYLE[key]
        ax.plot(a, b, marker, ms=ms, mfc=colour, mec="white", mew=1.3, zorder=6, clip_on=False)
        if labels:
            ax.annotate(str(i + 1), (a, b), xytext=(-8, 5), textcoords="offset points", ha="right", va="bottom",
                        fontsize=10, fontweight="bold", color=style.INK, path_effects=HALO, zorder=7)


def _boundary_line(ax, runs):
    """α = 2 (1 + β) / λ_max as a white dashed line over the map."""
    from ...lessons.maps import boundary_lr

    beta = np.linspace(runs.info["map"].y[0], runs.info["map"].y[-1], 200)
    ax.plot(boundary_lr(beta, runs.info["L"]), beta, "--", color=style.INK, lw=1.8, zorder=4)


def point_title(i: int, key: str, traj, lang: str) -> str:
    """'1 gradient descent's best', 'α = 0.09524, β = 0', '173 steps' (or 'diverged after 7 steps'), one a line."""
    n = int(traj.n_steps)
    if traj.status == "diverged":
        what = L("map diverged after", lang).format(n=n)
    else:
        what = f"{n} {L('steps', lang)}" if traj.status == "converged" else f"{n}+ {L('steps', lang)}"
    a, b = (float(traj.hyperparams[k]) for k in ("lr", "momentum"))
    return f"{i + 1} {L(f'map point {key}', lang)}\nα = {a:g}, β = {b:g}\n{what}"


def _path_panels(fig, area, runs, lang):
    """One small contour panel per marked point, all on the surface's window."""
    s = runs.surface
    grid = area.subgridspec(2, 2, wspace=0.16, hspace=0.62)
    for i, (key, traj) in enumerate(zip(runs.series, runs.trajectories)):
        ax = fig.add_subplot(grid[i // 2, i % 2])
        colour = POINT_STYLE[key][0]
        draw_contours(ax, s, lang=lang)
        draw_path(ax, traj, colour, surface=s, arrows=0, markers=False, lw=1.4, lang=lang)
        for note in ax.texts:   # the 'diverged' label inside this small panel: from its left edge, not across it
            if note.get_text().startswith(L("diverged", lang)):
                note.set_horizontalalignment("left")
                note.xy = (s.bounds[0, 0] + 0.05 * np.ptp(s.bounds[0]), note.xy[1])
        ax.set_aspect("equal", adjustable="box")
        ax.tick_params(labelsize=8)
        ax.set_xlabel(ax.get_xlabel() if i >= 2 else "", fontsize=9, labelpad=1)
        ax.set_ylabel(ax.get_ylabel() if i % 2 == 0 else "", fontsize=9)
        if i < 2:
            ax.tick_params(labelbottom=False)
        if i % 2:
            ax.tick_params(labelleft=False)
        ax.set_title(point_title(i, key, traj, lang), fontsize=9, color=colour,
                     fontweight="bold", loc="left", linespacing=1.3)


def plot_momentum_map(fig, runs, lang):
    """The simulated (α, β) map (left) and the theory's (middle), the boundary line and the
    marked points on both, the disagreeing pixels circled; the marked points' paths (right)."""
    info = runs.info
    sim, theory = info["map"], info["theory"]
    outer = fig.add_gridspec(1, 3, width_ratios=[1, 1.17, 1.25], wspace=0.24, left=0.055, right=0.975, top=0.83,
                             bottom=0.2)
    axes = [fig.add_subplot(outer[0]), fig.add_subplot(outer[1])]
    from ...lessons.maps import disagreement

    off, _ = disagreement(sim, theory)
    for j, (ax, m) in enumerate(zip(axes, (sim, theory))):
        handles = draw_map(ax, m, lang=lang, colorbar=j == 1)
        _boundary_line(ax, runs)
        _mark_points(ax, runs, lang)
        ax.set_title(L("map simulated" if j == 0 else "map theory", lang).format(n=m.steps), fontsize=10.5,
                     loc="left")
        ax.tick_params(labelsize=8.5)
        if j:
            ax.set_ylabel("")
    if off.any():
        X, Y = np.meshgrid(sim.x, sim.y)
        axes[0].plot(X[off], Y[off], "o", ms=7, mfc="none", mec=DISAGREE, mew=1.6, zorder=5)
    handles = [Line2D([], [], color=style.INK, lw=1.8, ls="--",
                      label=L("map boundary line", lang).format(L=f"{info['L']:g}"))] + handles
    handles.append(Line2D([], [], ls="none", marker="o", ms=7, mfc="none", mec=DISAGREE, mew=1.6,
                          label=L("map disagree", lang).format(n=int(off.sum()), s="" if off.sum() == 1 else "s")))
    for i, key in enumerate(runs.series):
        colour, marker, ms = POINT_STYLE[key]
        handles.append(Line2D([], [], ls="none", marker=marker, ms=ms * 0.85, mfc=colour, mec="white",
                              label=f"{i + 1} {L(f'map point {key}', lang)}"))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.045, 0.0), ncols=3, frameon=False, fontsize=9.5)
    _path_panels(fig, outer[2], runs, lang)
    c = next((c for c in runs.claims if c.key == "map-agrees"), None)
    agree = "–" if c is None else "100%" if c.numbers["disagree"] == 0 else f"{c.numbers['agree']:.3%}"
    ny, nx = sim.values.shape
    sub = L("map sub", lang).format(surface=runs.surface.title[lang], nx=nx, ny=ny, n=sim.steps, agree=agree)
    title(fig, L("map title", lang), sub, formula(runs.surface))
    return fig


def plot_basins(fig, runs, lang):
    """One panel per surface: each start coloured by the minimum it reaches, the shares in the
    legend under it; the global share (what restarts buy) in the subtitle."""
    found, surfaces = runs.info["basins"], runs.info["surfaces"]
    axes = fig.subplots(1, len(found))
    axes = np.atleast_1d(axes)
    for ax, b, s in zip(axes, found, surfaces):
        handles = draw_basins(ax, b, surface=s, lang=lang)
        ax.tick_params(labelsize=8.5)
        head = s.title[lang]
        ax.set_title(f"{head}{colon(lang)}{L('basins global share', lang).format(share=f'{b.global_share:.1%}')}"
                     if has_global(s) else f"{head}{colon(lang)}{L('basins all global', lang).format(k=len(b.minima))}",
                     fontsize=11, loc="left")
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=2, frameon=False,
                  fontsize=8.8, handlelength=1.2, columnspacing=1.2)
    first = found[0]
    c = next((c for c in runs.claims if c.key == "restarts-buy"), None)
    q = c.numbers["restarts_share"] if c is not None else float("nan")
    from ...lessons.maps import find_once

    m = first.map
    sub = L("basins sub", lang).format(p=f"{first.global_share:.1%}", q=f"{q:.1%}", n=runs.info["n_restarts"],
                                       twelve=f"{find_once(first.global_share, 12):.0%}")
    title(fig, L("basins title", lang), sub)
    ny, nx = first.labels.shape
    rates = [f"{b.map.hyperparams['lr']:.3g}" for b in found]
    if len(rates) == 2:
        rates = L("basins two rates", lang).format(a=rates[0], b=rates[1])
    fig.text(0.02, 0.878, L("basins sub 2", lang).format(lr="".join(rates), steps=m.steps, nx=nx, ny=ny),
             fontsize=10, color=style.MUTED, ha="left")
    fig.subplots_adjust(top=0.8, bottom=0.2, left=0.06, right=0.98, wspace=0.16)
    return fig


KINDS = {
    "momentum-map": ("momentum-map", plot_momentum_map, (1560, 720),
                     "every (learning rate, momentum) at once: heavy ball's rate map, simulated and theory"),
    "basins": ("basins", plot_basins, (1300, 720),
               "the basins of gradient descent: which minimum every start reaches (what restarts buy)"),
}
