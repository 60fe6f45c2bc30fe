"""Axes-first building blocks: each draws onto a matplotlib Axes you pass in.

    >>> fig = new_figure(640, 480); ax = fig.add_subplot()
    >>> draw_contours(ax, s); draw_path(ax, traj, colour("adam"), label="Adam")
"""
from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import BoundaryNorm, LogNorm
from matplotlib.ticker import Locator

from .. import style
from ..errors import UserInputError
from ..style import label as L
from .geometry import clip_to_window, first_exit, inside
from .mpl import CONTOUR_CMAP
from .series import line_style

HALO = [patheffects.withStroke(linewidth=4.2, foreground="white", alpha=0.85)]
MAX_GRID = 2000  # contour grid points per side
MAX_LEVEL = 1e200  # |loss| drawn above it is in the top band (matplotlib's extended band starts at 1e250)


def grid(surface, n: int = 220, window=None):
    """X, Y, Z on an n x n grid over ``window`` (default: the surface's bounds; 2-D)."""
    (x0, x1), (y0, y1) = surface.bounds if window is None else window
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        Z = surface.value(np.stack([X, Y], -1))
    return X, Y, Z


def finite_part(Z, surface, window):
    """``Z`` ready to draw: finite values beyond +-MAX_LEVEL clipped to it (they stay above the top
    level, in its band: matplotlib's extended bands end at 1e250), inf and NaN left as they are
    (drawn blank, see :func:`note_blank`). A UserInputError when nothing finite is left, e.g.
    ``exp(exp(exp(x + 10)))`` over x in [-4, 4]."""
    finite = np.isfinite(Z)
    if not finite.any():
        (x0, x1), (y0, y1) = window
        name = getattr(surface, "expression", None) or surface.name
        raise UserInputError(
            f"the loss of '{name}' is not a finite number anywhere in the window {surface.variables[0]} from "
            f"{x0:g} to {x1:g}, {surface.variables[1]} from {y0:g} to {y1:g} (it overflows or is undefined "
            "there); choose a surface or a window where it is finite")
    return np.where(finite, np.clip(Z, -MAX_LEVEL, MAX_LEVEL), Z)


def note_blank(ax, Z, lang: str = "en", *, fontsize: float = 8):
    """When the loss is not a number on part of the window (inf: it overflows; NaN: outside its
    domain), that part is blank: say so, with its share of the window, inside the blank part
    where the note fits (``Z``: the grid over the axes' limits), so it hides nothing drawn."""
    blank = ~np.isfinite(Z)
    if not blank.any():
        return None
    share = 100 * blank.mean()
    overflows, undefined = bool(np.isinf(Z).any()), bool(np.isnan(Z).any())
    key = "blank: overflows or undefined" if overflows and undefined else \
        "blank: overflows" if overflows else "blank: undefined"
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    narrow = width_in < 4   # inches: one panel of several
    text = L(key + (" (short)" if narrow else ""), lang).format(share=f"{share:.0f}%" if share >= 1 else "<1%")
    ems = sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)          # CJK characters are a full em
    (x, y, ha, va) = (0.015, 0.985, "left", "top") if hasattr(ax, "text2D") else \
        _blankest(blank, min(0.97, ems * fontsize / 72 / width_in + 0.02), 0.09)
    return getattr(ax, "text2D", ax.text)(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=fontsize,
                                          color=style.INK, zorder=10,
                                          bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="#bbbbbb", lw=0.6,
                                                    alpha=0.9))


# where a note may sit, in axes fractions: (x, y, ha, va), in order of preference
NOTE_PLACES = [(0.985, 0.015, "right", "bottom"), (0.985, 0.985, "right", "top"), (0.015, 0.015, "left", "bottom"),
               (0.015, 0.985, "left", "top"), (0.985, 0.5, "right", "center"), (0.015, 0.5, "left", "center"),
               (0.5, 0.985, "center", "top"), (0.5, 0.015, "center", "bottom"), (0.5, 0.5, "center", "center")]


def _blankest(blank, w: float, h: float):
    """The place in NOTE_PLACES whose w x h box (axes fractions) covers the most of ``blank``
    (rows: y upwards, columns: x), the first one on a tie."""
    ny, nx = blank.shape

    def covered(place):
        x, y, ha, va = place
        x0 = x - {"left": 0, "center": w / 2, "right": w}[ha]
        y0 = y - {"bottom": 0, "center": h / 2, "top": h}[va]
        rows = slice(max(int(y0 * ny), 0), max(int(np.ceil((y0 + h) * ny)), 1))
        cols = slice(max(int(x0 * nx), 0), max(int(np.ceil((x0 + w) * nx)), 1))
        return blank[rows, cols].mean()

    return max(NOTE_PLACES, key=covered)


def contour_levels(Z, log: bool, n: int = 14):
    """Levels that spread evenly over the picture: log-spaced (log surfaces) or at quantiles."""
    z = Z[np.isfinite(Z)]
    if log:
        lo = max(np.percentile(z, 0.5), z.max() * 1e-6, 1e-12)
        hi = max(z.max(), lo * (1 + 1e-9))   # a window too small to see the loss change: still increasing
        return np.geomspace(lo, hi, n)
    levels = np.unique(np.quantile(z, np.linspace(0, 1, n)))
    return levels if len(levels) >= 2 else np.array([z.min(), z.min() + 1])


def draw_contours(ax, surface, *, n: int = 220, levels: int = 14, log: bool | None = None,
                  minima: bool = True, lines: bool = True, window=None, lang: str = "en", note: bool = True):
    """Filled contours of a 2-D surface (log scale for surfaces like Rosenbrock), thin contour
    lines, and the known minima marked with a star (the lowest, or the only one, a large yellow
    one: the minimum is always visible). Axis limits: ``window`` (default: the
    surface's bounds, see :func:`fit_window`). ``levels``: how many, or the levels themselves.
    Where the loss is not a number (it overflows, or is outside its domain) the picture is blank,
    with a note saying so (``note``); nothing finite at all is a UserInputError."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 10 <= n <= MAX_GRID:
        raise UserInputError(f"grid resolution must be a whole number from 10 to {MAX_GRID}, got {n!r}")
    window = surface.bounds if window is None else np.asarray(window, dtype=float)
    X, Y, Z = grid(surface, n, window)
    Z = finite_part(Z, surface, window)
    log = surface.log_scale if log is None else log
    lv = np.asarray(levels, dtype=float) if np.ndim(levels) else contour_levels(Z, log, levels)
    norm = LogNorm(lv[0], lv[-1]) if log else BoundaryNorm(lv, CONTOUR_CMAP.N)
    Zc = np.clip(Z, lv[0], None) if log else Z
    cs = ax.contourf(X, Y, Zc, levels=lv, cmap=CONTOUR_CMAP, norm=norm, extend="max", zorder=0)
    if lines:
        ax.contour(X, Y, Zc, levels=lv, colors="#8a96b3", linewidths=0.5, alpha=0.55, zorder=1)
    if minima and surface.minima.size:  # above the paths: a run that ends there rings the star
        ax.scatter(surface.minima[:, 0], surface.minima[:, 1], marker="*", s=90, c="#333333",
                   edgecolors="white", linewidths=0.8, zorder=9, label=None)
        if len(surface.minima) == 1 or surface.value(surface.minima[0]) < surface.value(surface.minima[1]) - 1e-9:
            ax.scatter(*surface.minima[0], marker="*", s=260, c=style.OKABE_ITO["yellow"],
                       edgecolors="#333333", linewidths=1.0, zorder=9)  # the global minimum
    if note:
        note_blank(ax, Z, lang)
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax._gdviz_contours = (surface, window)   # for overlays added later (draw_overlays)
    ax.set_xlabel(surface.variables[0], fontstyle="italic")
    ax.set_ylabel(surface.variables[1], rotation=0, labelpad=10, fontstyle="italic")
    ax.set_aspect("auto")
    return cs


def draw_path(ax, traj, colour: str, *, label: str | None = None, surface=None, arrows: int = 8,
              markers: bool | None = None, lw: float = 2.0, lang: str = "en", end_marker: bool = True,
              window=None, zorder: float = 4, ls=None):
    """A 2-D path: line with a white halo, dots at each step (short paths), arrows on the first
    ``arrows`` steps, a hollow start marker and a filled end marker. A path that diverges is
    drawn to the window's edge (``window``, default the surface's bounds) and marked there
    (see :func:`mark_divergence`). ``ls``: the line style, by default the colour's own
    (:func:`gdviz.render.series.line_style`)."""
    p = traj.params
    bounds = np.asarray(window, dtype=float) if window is not None else (
        surface.bounds if surface is not None else None)
    ax.__dict__.setdefault("_gdviz_paths", []).append(traj)   # for overlays (draw_overlays)
    diverged = bounds is not None and traj.status == "diverged"
    shown = clip_to_window(p, bounds) if diverged else p
    markers = len(p) <= 80 if markers is None else markers
    ax.plot(shown[:, 0], shown[:, 1], ls=line_style(colour) if ls is None else ls, color=colour, lw=lw,
            label=label, zorder=zorder, path_effects=HALO, solid_capstyle="round",
            marker="o" if markers else None, ms=3.2, markevery=slice(0, len(shown) - 1))
    span = np.ptp(bounds, axis=1) if bounds is not None else np.ptp(p, axis=0) + 1e-12
    drawn = 0
    for i in range(min(len(shown) - 1, 60)):
        if drawn >= arrows:
            break
        a, b = shown[i], shown[i + 1]
        if np.linalg.norm((b - a) / span) < 0.03:
            continue
        ax.annotate("", xy=b, xytext=a, zorder=zorder + 1,
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.3, mutation_scale=11,
                                    shrinkA=0, shrinkB=2))
        drawn += 1
    ax.plot(*p[0], "o", ms=8, mfc="white", mec=colour, mew=2, zorder=zorder + 2)
    if diverged and not inside(p[-1:], bounds)[0]:
        mark_divergence(ax, p, bounds, colour, lang=lang)
    elif end_marker:
        ax.plot(*p[-1], "o", ms=7, color=colour, mec="white", mew=1.2, zorder=zorder + 2)


def mark_divergence(ax, params, bounds, colour: str, *, lang: str = "en"):
    """Where a path leaves the window: an outward arrow on the edge and the label 'diverged'."""
    i, edge = first_exit(params, bounds)
    if i is None:
        return None
    d = params[i] - params[i - 1] if i > 0 else np.ones(2)
    span = np.ptp(bounds, axis=1)
    u = d / span
    u = u / (np.linalg.norm(u) + 1e-300) * 0.07  # 7% of the window, in the direction of travel
    tail = edge - u * span
    ax.annotate("", xy=edge, xytext=tail, zorder=7, annotation_clip=False,
                arrowprops=dict(arrowstyle="-|>", color=style.DIVERGED, lw=2.2, mutation_scale=16))
    centre = bounds.mean(axis=1)
    pos = edge - (edge - centre) / (np.abs(edge - centre) / (span / 2) + 1e-300).max() * 0.18
    ax.annotate(L("diverged", lang) + " ✕" if lang == "en" else L("diverged", lang), xy=pos,
                ha="center", va="center", color=style.DIVERGED, fontsize=10, fontweight="bold",
                zorder=7, bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=style.DIVERGED, lw=0.8))
    return edge


def draw_loss_curve(ax, surface, traj=None, colour: str = style.SERIES[0], *, tangents: int = 0,
                    max_points: int = 40, lang: str = "en", arrows: bool = True, window=None,
                    arrows_max: int = 40, curve: bool = True, start: bool = True):
    """A 1-D loss curve with the points visited, arrows from each point to the next (the first
    ``arrows_max``), and the tangent (slope = gradient) at the first ``tangents`` points: the
    course's figures 2-8. ``window``: the weight range (default: the surface's bounds, see
    :func:`fit_window`). ``curve=False`` adds a run to a curve already drawn."""
    (w0, w1), = surface.bounds if window is None else window
    w = np.linspace(w0, w1, 400)
    with np.errstate(all="ignore"):
        z = surface.value(w[:, None])
    # NaN, inf and values so large that the axis range itself would overflow (exp(w + 705))
    # are off the chart: the limits come from the rest (log(w), 1/w draw their finite part)
    finite = np.isfinite(z) & (np.abs(z) <= 1e300)
    top = float(z[finite].max()) if finite.any() else 1.0
    if curve:
        ax.plot(w, np.where(finite, z, np.nan), color="#444444", lw=2, zorder=1)
        ax.set_xlim(w0, w1)
        low = float(z[finite].min()) if finite.any() else 0.0
        ax.set_ylim(min(low, 0) - 0.04 * (top - min(low, 0)), top + 0.08 * (top - min(low, 0)))
        ax.set_xlabel(L("weight", lang) if surface.variables[0] == "w" else surface.variables[0])
        ax.set_ylabel(L("loss", lang))
        for m in surface.minima[:, 0] if surface.minima.size else ():
            if w0 <= m <= w1:
                ax.plot(m, float(surface.value([m])), "*", ms=11, color="#333333", mec="white", mew=0.8,
                        zorder=2)
    if traj is None:
        return
    p, loss = traj.params[:, 0], traj.loss
    ins = (p >= w0) & (p <= w1)
    k = len(p) if ins.all() else int(np.argmin(ins))
    k = min(k, max_points + 1)
    pts = np.c_[p[:k], loss[:k]]
    if arrows:
        for a, b in list(zip(pts[:-1], pts[1:]))[tangents:arrows_max]:
            if abs(b[0] - a[0]) < 1e-3 * (w1 - w0):
                continue
            ax.annotate("", xy=b, xytext=a, zorder=3, arrowprops=dict(
                arrowstyle="-|>", color=colour, lw=1.3, mutation_scale=10, shrinkA=3, shrinkB=3,
                connectionstyle="arc3,rad=-0.15"))
    ax.scatter(pts[:, 0], pts[:, 1], s=28, color=colour, edgecolors="white", linewidths=0.8, zorder=4)
    if start:
        ax.plot(*pts[0], "o", ms=9, mfc="white", mec=colour, mew=2, zorder=5)
    half = 0.16 * (w1 - w0)
    for i in range(min(tangents, k - 1)):
        g = traj.grads[i, 0]
        xs = np.array([p[i] - half, p[i] + half])
        ax.plot(xs, loss[i] + g * (xs - p[i]), "--", color=style.OKABE_ITO["vermillion"], lw=1.6,
                zorder=4, label=L("tangent", lang) if i == 0 else None)
        # the gradient step: from w_i, -lr * gradient along the weight axis (figures 4-5)
        ax.annotate("", xy=(p[i + 1], loss[i]), xytext=(p[i], loss[i]), zorder=4,
                    arrowprops=dict(arrowstyle="-|>", color=style.OKABE_ITO["green"], lw=2,
                                    mutation_scale=14, shrinkA=0, shrinkB=0))
        ax.plot([p[i + 1], p[i + 1]], [loss[i], loss[i + 1]], ":", color=style.OKABE_ITO["green"], lw=1.2)
        if i == 0:
            ax.annotate(L("gradient step", lang) + " = −" + L("lr", lang) + " × " + L("gradient", lang), zorder=4,
                        xy=(p[0], loss[0]), xytext=(6 * np.sign(p[1] - p[0]), 6), textcoords="offset points",
                        va="bottom", ha="left" if p[1] > p[0] else "right", fontsize=9.5,
                        color=style.OKABE_ITO["green"])
    if traj.status == "diverged" and not ins.all():
        edge_w = w1 if p[k] > w1 else w0
        ax.annotate(L("diverged", lang) + (" ✕" if lang == "en" else ""), xy=(edge_w, 0.9 * top),
                    ha="right" if edge_w == w1 else "left", color=style.DIVERGED, fontweight="bold",
                    fontsize=10, zorder=7, bbox=dict(boxstyle="round,pad=0.25", fc="white",
                                                     ec=style.DIVERGED, lw=0.8))


def draw_gradient_arrows(ax, surface, w: float, *, lang: str = "en", window=None):
    """At weight ``w`` on a 1-D loss curve: the tangent, the gradient (it points uphill) and the
    negative gradient (the direction gradient descent steps), as arrows along the weight axis
    (the course's figure 4)."""
    (w0, w1), = surface.bounds if window is None else window
    y, g = float(surface.value([w])), float(surface.grad([w])[0])
    half = 0.16 * (w1 - w0)
    xs = np.array([w - half, w + half])
    ax.plot(xs, y + g * (xs - w), "--", color=style.OKABE_ITO["vermillion"], lw=1.6, zorder=3,
            label=L("tangent", lang))
    length = 0.16 * (w1 - w0) * np.sign(g)
    # the tangent runs through the point; its labels go on the sides it leaves free
    free_up = -np.sign(g)   # on the side the negative gradient points to, the space above is free
    for sign, key, colour in ((1, "gradient", style.MUTED), (-1, "negative gradient", style.OKABE_ITO["green"])):
        tip = w + sign * length
        ax.annotate("", xy=(tip, y), xytext=(w, y), zorder=5, arrowprops=dict(
            arrowstyle="-|>", color=colour, lw=2.4, mutation_scale=16, shrinkA=0, shrinkB=0))
        out = np.sign(tip - w)   # the label continues the arrow, beyond its tip
        ax.annotate(L(key, lang), xy=(tip, y), xytext=(6 * out, 0), textcoords="offset points",
                    ha="left" if out > 0 else "right", va="center", fontsize=10, color=colour,
                    fontweight="bold", zorder=5)
    ax.plot(w, y, "o", ms=9, mfc="white", mec=style.SERIES[0], mew=2, zorder=6)
    ax.annotate(f"{L('slope', lang)} ∂L/∂w = {g:.3g}", xy=(w, y), xytext=(12 * free_up, 32),
                textcoords="offset points", ha="left" if free_up > 0 else "right", fontsize=10, color=style.INK)
    ax.legend(loc="upper center", fontsize=9)


def draw_loss_vs_step(ax, trajs, labels, colours, *, log: bool | None = None, lang: str = "en",
                      markers: bool = False):
    """Loss against step for several runs (log scale when the losses span decades)."""
    finite_min = min(float(np.min(t.loss)) for t in trajs)
    finite_max = max(float(np.max(t.loss)) for t in trajs)
    if log is None:
        log = finite_min > 0 and finite_max / max(finite_min, 1e-300) > 100
    for t, lab, c in zip(trajs, labels, colours):
        steps = np.arange(len(t.loss))
        ax.plot(steps, t.loss, color=c, ls=line_style(c), lw=1.8, label=lab, marker="o" if markers else None, ms=3)
        if t.status == "diverged":
            ax.plot(steps[-1], t.loss[-1], "x", color=style.DIVERGED, ms=9, mew=2.2)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(L("step", lang))
    ax.set_ylabel(L("loss", lang))
    ax.grid(True, alpha=0.25)
    ax.set_xlim(left=0)


def draw_surface_3d(ax, surface, traj=None, colour: str = style.OKABE_ITO["vermillion"], *,
                    n: int = 120, lang: str = "en"):
    """A 3-D surface (log-compressed for surfaces like Rosenbrock) with the path on it; where the
    loss is not a number the surface has a hole, noted as in :func:`draw_contours`."""
    X, Y, Z = grid(surface, n)
    Z = finite_part(Z, surface, surface.bounds)
    finite = np.isfinite(Z)
    low = Z[finite].min()
    f = (lambda z: np.log10(z - low + 1)) if surface.log_scale else (lambda z: z)
    with np.errstate(all="ignore"):
        F = np.where(finite, f(Z), np.nan)
    lift = 0.01 * np.ptp(F[finite])
    ax.computed_zorder = False  # draw the path over the surface, not under it
    ax.plot_surface(X, Y, F, cmap="viridis", alpha=0.85, linewidth=0, antialiased=True,
                    rstride=1, cstride=1, zorder=1)
    note_blank(ax, Z, lang)
    if traj is not None:
        p = clip_to_window(traj.params, surface.bounds)
        z = f(surface.value(p)) + lift
        ax.plot(p[:, 0], p[:, 1], z, color=colour, lw=2.4, zorder=10)
        ax.scatter(*p[0], z[0], color="white", edgecolors=colour, s=40, depthshade=False)
        ax.scatter(*p[-1], z[-1], color=colour, s=40, depthshade=False)
    ax.set_xlabel(f"${surface.variables[0]}$")
    ax.set_ylabel(f"${surface.variables[1]}$")
    ax.set_zlabel(L("loss", lang) + (" (log)" if surface.log_scale else ""))
    ax.view_init(elev=40, azim=-65)


# -- inside the optimizer (gdviz.internals) ------------------------------------------------------
FIELD_COLOUR = "#7a869e"
PUSH, CARRIED, STEP = style.OKABE_ITO["vermillion"], style.OKABE_ITO["green"], style.INK


FIELD_ARROWS = "#4a5672"   # darker than the explorer's FIELD_COLOUR: arrows that show on a projector


def draw_field(ax, surface, window=None, *, n: int = 15, colour: str = FIELD_ARROWS, alpha: float = 0.75,
               width: float = 0.003):
    """The direction of -grad L on an n x n grid over the window, as arrows of equal length
    (0.4 of a grid cell), under the paths: where gradient descent would head from anywhere.
    ``width``: the shaft's, as a fraction of the axes' width."""
    (x0, x1), (y0, y1) = surface.bounds if window is None else window
    xs, ys = np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1]
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        G = -surface.grad(np.stack([X, Y], -1))
    norm = np.linalg.norm(G, axis=-1)
    ok = np.isfinite(norm) & (norm > 0)
    U, V = np.where(ok, G[..., 0] / np.where(ok, norm, 1), 0), np.where(ok, G[..., 1] / np.where(ok, norm, 1), 0)
    cell = min((x1 - x0) / (n + 1), (y1 - y0) / (n + 1)) * 0.4
    q = ax.quiver(X[ok], Y[ok], U[ok] * cell, V[ok] * cell, angles="xy", scale_units="xy", scale=1,
                  color=colour, alpha=alpha, width=width, headwidth=3.8, headlength=4.2, headaxislength=3.8,
                  zorder=2)
    return q


def arrow(ax, a, b, colour, *, lw: float = 1.8, ls: str = "-", zorder: float = 7, scale: float = 11):
    """One arrow from point a to point b in data coordinates (nothing when they coincide)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if not np.all(np.isfinite([a, b])) or np.allclose(a, b):
        return None
    return ax.annotate("", xy=b, xytext=a, zorder=zorder, annotation_clip=True, arrowprops=dict(
        arrowstyle="-|>", color=colour, lw=lw, ls=ls, mutation_scale=scale, shrinkA=0, shrinkB=0))


def update_tips(ins, t: int, p) -> np.ndarray:
    """Every point :func:`draw_update` draws for update t (to fit a window around them)."""
    p = np.asarray(p, dtype=float)
    pts = [p, p + ins.step[t]] + ([p + ins.push[t]] if ins.effective_lr is None else [])
    if ins.lookahead is not None:
        pts += [ins.position[t], ins.lookahead[t], ins.lookahead[t] + ins.push[t]]
    elif ins.carried is not None:
        pts += [p + ins.carried[t], p + ins.carried[t] + ins.push[t]]
    return np.array(pts)


def draw_update(ax, ins, t: int, p, *, parallelogram: bool = False):
    """What update t is made of, at the point p it starts from: for momentum the carried
    velocity (green) and the gradient's push (vermillion) placed head to tail, their sum the
    step (black), and with ``parallelogram`` the other two sides dashed; for Nesterov the jump
    to the look-ahead point (hollow), the gradient taken there, and where that lands; for the
    others the push and the step."""
    p = np.asarray(p, dtype=float)
    if ins.lookahead is not None:
        pos, look = ins.position[t], ins.lookahead[t]
        arrow(ax, pos, look, CARRIED)
        ax.plot(*look, "o", ms=6, mfc="white", mec=PUSH, mew=1.6, zorder=8)
        arrow(ax, look, look + ins.push[t], PUSH)
        return
    if ins.carried is not None and np.any(ins.carried[t]):
        c, g = ins.carried[t], ins.push[t]
        arrow(ax, p, p + c, CARRIED)
        arrow(ax, p + c, p + c + g, PUSH)
        if parallelogram:
            arrow(ax, p, p + g, PUSH, lw=1.0, ls=(0, (2, 2)), zorder=6)           # the other two
            arrow(ax, p + g, p + g + c, CARRIED, lw=1.0, ls=(0, (2, 2)), zorder=6)  # sides
        arrow(ax, p, p + ins.step[t], STEP, lw=2.2, zorder=8)
        return
    if ins.effective_lr is None and not np.allclose(ins.push[t], ins.step[t]):
        arrow(ax, p, p + ins.push[t], PUSH, lw=1.4, ls=(0, (2, 2)), zorder=6)   # (adaptive: rescaled)
    arrow(ax, p, p + ins.step[t], STEP, lw=2.2, zorder=8)


def draw_squares(ax, sides, colours, rows, cols, *, fmt=None):
    """A grid of squares, one row per coordinate and one column per moment (``sides[r][c]``,
    e.g. an accumulator's sqrt(sum of g^2)), all to one scale: growing squares are growing
    history (lilipads' picture of Adagrad)."""
    from matplotlib.patches import Rectangle

    sides = np.asarray(sides, dtype=float)
    top = float(sides.max()) if sides.size and sides.max() > 0 else 1.0
    fmt = fmt or style.fmt_number
    for r, (row, c) in enumerate(zip(sides, colours)):
        y = -r * 1.45
        ax.text(-0.15, y + 0.5, rows[r], ha="right", va="center", fontsize=11, fontstyle="italic")
        for j, side in enumerate(row):
            s = side / top
            ax.add_patch(Rectangle((j * 1.3 + (1 - s) / 2, y + (1 - s) / 2), s, s, fc=c, ec=style.INK, lw=0.8,
                                   alpha=0.6))
            ax.text(j * 1.3 + 0.5, y + (1 - s) / 2 - 0.06, fmt(side), ha="center", va="top", fontsize=9,
                    color=style.MUTED)   # right under its own square, never near the next row's
    for j, label in enumerate(cols):
        ax.text(j * 1.3 + 0.5, 1.12, label, ha="center", va="bottom", fontsize=9.5)
    ax.set_xlim(-0.6, len(cols) * 1.3)
    ax.set_ylim(-(len(rows) - 1) * 1.45 - 0.35, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_overlays(fig, *, field: bool = False, arrows: bool = False, most: int = 6):
    """On every contour plot of a figure: the gradient field (``field``), and for every path
    drawn on it what its first visible updates are made of (``arrows``, see
    :func:`draw_update`). A path whose run cannot say (a batch, a stride, no rates) is left as
    it is."""
    from ..internals import internals

    for ax in fig.axes:
        contours = getattr(ax, "_gdviz_contours", None)
        if contours is None:
            continue
        surface, window = contours
        if field:
            draw_field(ax, surface, window)
        for traj in getattr(ax, "_gdviz_paths", []) if arrows else []:
            try:
                ins = internals(traj)
            except UserInputError:
                continue
            span = float(np.ptp(window, axis=1).max())
            big = np.flatnonzero(np.linalg.norm(ins.step, axis=1) > 0.015 * span)[:most]
            for k in big:
                draw_update(ax, ins, int(k), traj.params[k])


def draw_table(ax, header, rows, colours=None, *, fontsize: float = 10):
    """A plain table filling ``ax``: a bold header, one line per row, rules between; the first
    cell of row i in ``colours[i]`` (the series colour that names it on the plot)."""
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=header, loc="center", cellLoc="center", edges="horizontal")
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, 1.35)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor(style.MUTED)
        cell.set_linewidth(0.6)
        if r == 0:
            cell.set_text_props(fontweight="bold")
        elif c == 0 and colours is not None:
            cell.set_text_props(color=colours[r - 1], fontweight="bold")
    return table


def plain_log_axis(ax, axis: str = "y", *, special=(), most: int = 7):
    """A log axis whose ticks read as plain numbers: 0.03, 0.05, 0.1, 0.2 or 5, 10, 100 (1, 2, 3, 5
    times powers of ten, thinned to 1, 2, 5 and then 1 when there are more than ``most``), never
    10^1 or 3×10^-2; ``special`` values (1/L, 2/L) are ticks too, and round ones crowding them go.
    The ticks follow the axis limits, whenever they are set."""
    from matplotlib.ticker import FuncFormatter, NullFormatter, NullLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(PlainLogLocator(special, most))
    target.set_major_formatter(FuncFormatter(lambda v, _: _plain(v)))
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


def _plain(v: float) -> str:
    """A log tick as a plain number: 1000, 0.03 (not 1e+03, 3e-02); huge or tiny ones compact."""
    if not 1e-4 <= abs(v) < 1e5:
        return style.fmt_number(v)
    return f"{v:.0f}" if abs(v) >= 1 and float(v).is_integer() else f"{v:.3g}"


class PlainLogLocator(Locator):
    """Ticks for :func:`plain_log_axis`, computed from the view limits at draw time."""

    def __init__(self, special=(), most: int = 7):
        self.special, self.most = [float(v) for v in special], most

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        lo, hi = sorted((float(vmin), float(vmax)))
        lo = lo if lo > 0 else hi * 1e-6
        special = [v for v in self.special if lo <= v <= hi]
        decades = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
        for mantissas in ((1, 2, 3, 5), (1, 2, 5), (1,)):
            ticks = [m * 10.0 ** e for e in decades for m in mantissas]
            ticks = [v for v in ticks if lo <= v <= hi and all(abs(np.log(v / x)) > np.log(1.4) for x in special)]
            if len(ticks) + len(special) <= self.most:
                break
        ticks = sorted(ticks + special)
        if len(ticks) < 2:   # a narrow range: its ends and middle, to two digits
            ticks = sorted({float(f"{v:.2g}") for v in np.geomspace(lo, hi, 3)})
        return ticks

