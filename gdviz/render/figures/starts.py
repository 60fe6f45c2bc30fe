"""Figures about where you start: random restarts, convex bowl against egg crate."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import label as L
from ..axes import draw_contours, draw_path
from .common import title

GLOBAL, LOCAL = style.OKABE_ITO["vermillion"], style.OKABE_ITO["blue"]


def padded(bounds, frac: float = 0.04):
    """The bounds grown by ``frac`` of their span on every side, so markers at the edge show."""
    b = np.asarray(bounds, dtype=float)
    pad = frac * (b[:, 1] - b[:, 0])
    return np.stack([b[:, 0] - pad, b[:, 1] + pad], 1)


def restart_paths(ax, surface, trajs, basins, lang, best=None):
    """Each start's path, vermillion when it reaches the global minimum (basin 0); the best
    run drawn thick with its end ringed."""
    window = padded(surface.bounds)
    draw_contours(ax, surface, window=window, lang=lang)
    for i, (t, b) in enumerate(zip(trajs, basins)):
        draw_path(ax, t, GLOBAL if b == 0 else LOCAL, surface=surface, arrows=0, markers=False,
                  lw=3.2 if i == best else 1.6, lang=lang, window=window, zorder=8 if i == best else 4)
    if best is not None:
        end = trajs[best].params[-1]
        ax.plot(*end, "o", ms=22, mfc="none", mec=style.INK, mew=2, zorder=12)
        ax.annotate(L("best found", lang), end, xytext=(0, -26), textcoords="offset points", ha="center",
                    fontsize=10, fontweight="bold", color=style.INK, zorder=12,
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.9))
    ax.set_aspect("equal", adjustable="box")


def plot_restarts(fig, runs, lang):
    """Random starts on a non-convex surface, each path ending in the minimum of its basin."""
    s, basin = runs.surface, runs.info["basin"]
    ax = fig.add_subplot()
    restart_paths(ax, s, runs.trajectories, basin, lang, best=runs.info.get("best"))
    reached = len({b for b in basin if b >= 0})
    g = sum(1 for b in basin if b == 0)
    if lang == "zh":
        sub = f"{len(basin)} 个随机起点到达 {reached} 个不同的最小值；{g} 个到达全局最小值"
    else:
        sub = (f"{len(basin)} random starts reach {reached} different minima; "
               f"{g} reach{'es' if g == 1 else ''} the global one")
    ax.set_title(sub, fontsize=10.5)
    ax.legend(handles=[ax.plot([], [], color=GLOBAL, lw=2.4, label=L("to the global minimum", lang))[0],
                       ax.plot([], [], color=LOCAL, lw=2.4, label=L("to a local minimum", lang))[0]],
              loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
    title(fig, L("basins", lang))
    fig.subplots_adjust(top=0.88, bottom=0.12)
    return fig


def plot_convex_vs_nonconvex(fig, runs, lang):
    """Random restarts on the bowl (one minimum) and on the egg crate (the start decides)."""
    n = runs.info["n"]
    for i, ax in enumerate(fig.subplots(1, 2)):
        s = runs.surface_of(i * n)
        basins = runs.info["basin"][i * n:(i + 1) * n]
        restart_paths(ax, s, runs.trajectories[i * n:(i + 1) * n], basins, lang)
        reached = len({b for b in basins if b >= 0})
        sub = (f"{n} 个起点 → {reached} 个最小值" if lang == "zh" else f"{n} starts → {reached} minim"
               + ("um" if reached == 1 else "a"))
        ax.set_title(f"{s.title[lang]}\n{sub}", fontsize=11)
    title(fig, L("convex vs nonconvex", lang))
    fig.subplots_adjust(top=0.8, wspace=0.15, left=0.04, right=0.98, bottom=0.08)
    return fig


KINDS = {
    "restarts": ("restarts", plot_restarts, (800, 760), "random restarts and the basins they land in"),
    "convex-vs-nonconvex": ("convex-vs-nonconvex", plot_convex_vs_nonconvex, (1200, 640),
                            "random starts on a convex bowl and on the egg crate"),
}
