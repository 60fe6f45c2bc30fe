"""Figures about where you start: random restarts, convex bowl against egg crate, the gradient
field and its basins."""
from __future__ import annotations

import numpy as np
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ... import style
from ...style import label as L
from ..axes import draw_contours, draw_field, draw_path
from .common import axes_formula, title

GLOBAL, LOCAL = style.OKABE_ITO["vermillion"], style.OKABE_ITO["blue"]
STAR = style.OKABE_ITO["yellow"]
GLOBAL_TINT = "#f5c6a5"       # the global minimum's basin: a pale vermillion, as the paths that end there
LOCAL_TINTS = ["#c9def0", "#cfe8d6", "#efe6b5", "#e2d3ec", "#d9dee6", "#f0d6e3"]   # touching basins differ


def padded(bounds, frac: float = 0.04):
    """The bounds grown by ``frac`` of their span on every side, so markers at the edge show."""
    b = np.asarray(bounds, dtype=float)
    pad = frac * (b[:, 1] - b[:, 0])
    return np.stack([b[:, 0] - pad, b[:, 1] + pad], 1)


def has_global(surface) -> bool:
    """Whether the surface's first known minimum is its one lowest (a single minimum counts)."""
    m = surface.minima
    return bool(len(m) == 1 or (len(m) > 1 and surface.value(m[0]) < surface.value(m[1]) - 1e-9))


def global_star(ax, surface, *, zorder: float = 13):
    """The global minimum as a large yellow star above every path, dot and ring."""
    if surface.minima.size and has_global(surface):
        ax.scatter(*surface.minima[0], marker="*", s=330, c=STAR, edgecolors=style.INK, linewidths=1.1,
                   zorder=zorder)


def restart_paths(ax, surface, trajs, basins, lang, best=None, window=None):
    """Each start's path, vermillion when it reaches the global minimum (basin 0); the best
    run drawn thick with its end ringed; the global minimum's star on top of all."""
    window = padded(surface.bounds) if window is None else window
    draw_contours(ax, surface, window=window, lang=lang)
    for i, (t, b) in enumerate(zip(trajs, basins)):   # under the stars (zorder 9): a run's end dot rings its star
        draw_path(ax, t, GLOBAL if b == 0 else LOCAL, surface=surface, arrows=0, markers=False,
                  lw=3.2 if i == best else 1.6, lang=lang, window=window, zorder=5 if i == best else 4)
    if best is not None:
        end = trajs[best].params[-1]
        ax.plot(*end, "o", ms=28, mfc="none", mec=style.INK, mew=2, zorder=8)
        ax.annotate(L("best found", lang), end, xytext=(0, -20), textcoords="offset points", ha="center",
                    va="top", fontsize=10, fontweight="bold", color=style.INK, zorder=12,
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.9))
    global_star(ax, surface)
    ax.set_aspect("equal", adjustable="box")


def start_handles(lang, *, local: bool = True, best: bool = False, star: bool = True) -> list:
    """Legend entries for the restart pictures: the starts, the two kinds of path, the minima
    (``star``: the global minimum's) and the ring around the best run."""
    def marker(**kw):
        return Line2D([], [], ls="none", **kw)

    out = [marker(marker="o", ms=8, mfc="white", mec=style.INK, mew=1.6, label=L("random start", lang)),
           Line2D([], [], color=GLOBAL, lw=2.4, label=L("to the global minimum", lang))]
    if local:
        out.append(Line2D([], [], color=LOCAL, lw=2.4, label=L("to a local minimum", lang)))
    if star:
        out.append(marker(marker="*", ms=17, mfc=STAR, mec=style.INK, mew=1.0, label=L("global minimum", lang)))
    if local:
        out.append(marker(marker="*", ms=10, mfc="#333333", mec="white", mew=0.8, label=L("local minimum", lang)))
    if best:
        out.append(marker(marker="o", ms=14, mfc="none", mec=style.INK, mew=2, label=L("best found", lang)))
    return out


def restarts_sub(basin, lang) -> str:
    """'12 random starts reach 11 different minima; 2 reach the global one'."""
    reached = len({b for b in basin if b >= 0})
    g = sum(1 for b in basin if b == 0)
    if lang == "zh":
        return f"{len(basin)} 个随机起点到达 {reached} 个不同的最小值；{g} 个到达全局最小值"
    return (f"{len(basin)} random starts reach {reached} different minim{'um' if reached == 1 else 'a'}; "
            f"{g} reach{'es' if g == 1 else ''} the global one")


def plot_restarts(fig, runs, lang):
    """Random starts on a non-convex surface, each path ending in the minimum of its basin; the
    best run ringed, the global minimum starred above it."""
    s, basin = runs.surface, runs.info["basin"]
    ax = fig.add_subplot()
    restart_paths(ax, s, runs.trajectories, basin, lang, best=runs.info.get("best"))
    axes_formula(ax, s)
    handles = start_handles(lang, local=len(s.minima) > 1, best=True)
    handles.insert(1, handles.pop())   # in columns: the starts and the ring, the paths, the minima
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, frameon=False,
              fontsize=9.5)
    title(fig, L("restarts title", lang), restarts_sub(basin, lang))
    fig.subplots_adjust(top=0.86, bottom=0.15, left=0.08, right=0.97)
    return fig


def basin_colours(labels, *, global_tint: bool = True) -> dict:
    """A tint per basin (the labels of a basin map): the global minimum's (0) pale vermillion
    (with ``global_tint``), the others from ``LOCAL_TINTS`` so that no two touching basins share one."""
    labels = np.asarray(labels)
    touching = set()
    for a, b in ((labels[:, 1:], labels[:, :-1]), (labels[1:], labels[:-1]),
                 (labels[1:, 1:], labels[:-1, :-1]), (labels[1:, :-1], labels[:-1, 1:])):
        differ = a != b
        touching |= set(zip(a[differ].tolist(), b[differ].tolist()))
    out = {}
    for k in sorted(int(v) for v in np.unique(labels) if v >= 0):
        if k == 0 and global_tint:
            out[k] = GLOBAL_TINT
            continue
        taken = {out.get(j) for i, j in touching if i == k} | {out.get(i) for i, j in touching if j == k}
        out[k] = next((c for c in LOCAL_TINTS if c not in taken), LOCAL_TINTS[k % len(LOCAL_TINTS)])
    return out


def draw_basins(ax, basins, *, alpha: float = 0.8, global_tint: bool = True):
    """Each basin of a basin map (``lessons.starts.basin_map``) shaded in its tint, over the
    contour fill and under the contour lines; points that reach no known minimum stay clear."""
    from matplotlib.colors import to_rgba

    labels, xs, ys = np.asarray(basins["basin"]), basins["x"], basins["y"]
    tint = basin_colours(labels, global_tint=global_tint)
    rgba = np.zeros(labels.shape + (4,))
    for k, c in tint.items():
        rgba[labels == k] = to_rgba(c, alpha)
    dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    ax.imshow(rgba, origin="lower", extent=(xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy),
              interpolation="nearest", zorder=0.5, aspect="auto")


def plot_gradient_field(fig, runs, lang):
    """The gradient field -grad L over the surface, each basin shaded by the minimum it leads
    to, and the random starts' paths following the arrows into their basins."""
    s, basin = runs.surface, runs.info["basin"]
    ax = fig.add_subplot()
    basins = runs.info.get("basins")
    window = padded(s.bounds) if basins is None else np.array([[basins["x"][0], basins["x"][-1]],
                                                                [basins["y"][0], basins["y"][-1]]])
    draw_contours(ax, s, window=window, lang=lang)
    if basins is not None:
        draw_basins(ax, basins, global_tint=has_global(s))
    draw_field(ax, s, window, n=17, colour=style.INK, alpha=0.8, width=0.0032)
    for t, b in zip(runs.trajectories, basin):
        draw_path(ax, t, GLOBAL if b == 0 else LOCAL, surface=s, arrows=0, markers=False, lw=2.2, lang=lang,
                  window=window, zorder=5)
    global_star(ax, s)
    ax.set_aspect("equal", adjustable="box")
    axes_formula(ax, s)
    arrow = Line2D([], [], ls="none", marker=r"$\rightarrow$", ms=16, color=style.INK, label=L("field arrows", lang))
    tints = tuple(Patch(fc=c, ec="none") for c in LOCAL_TINTS[:3])
    unique = has_global(s)
    handles = [arrow, *[Patch(fc=GLOBAL_TINT, ec="none", label=L("global basin", lang))] * unique, tints,
               *start_handles(lang, local=len(s.minima) > 1, star=unique)]
    labels = [h.get_label() if not isinstance(h, tuple) else L("local basins", lang) for h in handles]
    ax.legend(handles=handles, labels=labels, handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
              loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, frameon=False, fontsize=9.5)
    title(fig, L("field title", lang), L("field sub", lang))
    fig.subplots_adjust(top=0.86, bottom=0.17, left=0.08, right=0.97)
    return fig


def plot_convex_vs_nonconvex(fig, runs, lang):
    """Random restarts on the bowl (one minimum) and on the egg crate (the start decides)."""
    n = runs.info["n"]
    spans = []
    for i, ax in enumerate(fig.subplots(1, 2)):
        s = runs.surface_of(i * n)
        basins = runs.info["basin"][i * n:(i + 1) * n]
        restart_paths(ax, s, runs.trajectories[i * n:(i + 1) * n], basins, lang)
        reached = len({b for b in basins if b >= 0})
        sub = (f"{n} 个起点 → {reached} 个最小值" if lang == "zh" else f"{n} starts → {reached} minim"
               + ("um" if reached == 1 else "a"))
        ax.set_title(f"{s.title[lang]}\n{sub}", fontsize=11)
        spans.append(float(np.ptp(s.bounds, axis=1).max()))
    fig.legend(handles=start_handles(lang), loc="lower center", ncols=5, frameon=False, fontsize=9.5,
               bbox_to_anchor=(0.5, 0.0))
    title(fig, L("convex vs nonconvex", lang), L("same draws", lang).format(n=n, k=f"{spans[-1] / spans[0]:.1f}"))
    fig.subplots_adjust(top=0.8, wspace=0.15, left=0.04, right=0.98, bottom=0.13)
    return fig


KINDS = {
    "restarts": ("restarts", plot_restarts, (800, 760), "random restarts and the minima they land in"),
    "gradient-field": ("restarts", plot_gradient_field, (800, 800),
                       "the gradient field -grad L and the basin of each minimum"),
    "convex-vs-nonconvex": ("convex-vs-nonconvex", plot_convex_vs_nonconvex, (1200, 640),
                            "random starts on a convex bowl and on the egg crate"),
}
