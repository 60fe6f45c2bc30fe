"""Figures on the shape of the loss: convex bowl against egg crate in 3-D, the error surface of
linear regression, the gradient as a vector of partial derivatives, the Taylor-series reason a
small learning rate works, and the intuition behind Adagrad (seeds 000 and 002-004)."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Arc, Circle
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d import proj3d

from ... import style
from ...errors import UserInputError
from ...style import colon, fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_path, grid
from ..series import status_text
from .common import axes_formula, formula, title

GREEN, BLUE, VERMILLION = style.OKABE_ITO["green"], style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"]
ORANGE, PURPLE, SKY = style.OKABE_ITO["orange"], style.OKABE_ITO["purple"], style.OKABE_ITO["sky"]
GOLD = style.OKABE_ITO["yellow"]
BOX = dict(boxstyle="round,pad=0.22", fc="white", ec="none", alpha=0.88)
SURFACE_CMAP = "viridis"


# -- small drawing helpers ----------------------------------------------------------------------
def arrow(ax, tail, head, colour, *, lw=2.4, size=16, zorder=6, ls="-", gid=None):
    """A straight arrow from ``tail`` to ``head`` in data coordinates (its ``gid`` names it)."""
    a = ax.annotate("", xy=tuple(head), xytext=tuple(tail), zorder=zorder, annotation_clip=False,
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=lw, mutation_scale=size, shrinkA=0,
                                    shrinkB=0, linestyle=ls))
    if gid:
        a.set_gid(gid)
    return a


def note(ax, xy, text, colour=style.INK, *, offset=(0, 0), ha="center", va="center", size=10.5,
         bold=True, zorder=9, box=True, gid=None):
    """A label at ``xy`` shifted by ``offset`` points, on a light box so contours never hide it."""
    t = ax.annotate(text, xy=tuple(xy), xytext=offset, textcoords="offset points", ha=ha, va=va,
                    fontsize=size, color=colour, fontweight="bold" if bold else "normal", zorder=zorder,
                    bbox=BOX if box else None, annotation_clip=False)
    if gid:
        t.set_gid(gid)
    return t


def right_angle(ax, corner, u, v, size, colour, *, zorder=6, gid=None):
    """The small square that marks a right angle at ``corner`` between directions ``u`` and ``v``."""
    u, v = np.asarray(u, float) / np.linalg.norm(u), np.asarray(v, float) / np.linalg.norm(v)
    c = np.asarray(corner, float)
    pts = [c + size * u, c + size * (u + v), c + size * v]
    line, = ax.plot(*np.array(pts).T, color=colour, lw=1.2, zorder=zorder, solid_joinstyle="miter")
    if gid:
        line.set_gid(gid)
    return line


def angle_arc(ax, centre, u, v, radius, colour, *, zorder=5):
    """An arc at ``centre`` from direction ``u`` to direction ``v`` (the smaller angle)."""
    a, b = np.degrees(np.arctan2(u[1], u[0])), np.degrees(np.arctan2(v[1], v[0]))
    if (b - a) % 360 > 180:
        a, b = b, a
    ax.add_patch(Arc(centre, 2 * radius, 2 * radius, theta1=a, theta2=b, color=colour, lw=1.4, zorder=zorder))
    mid = np.radians(a + ((b - a) % 360) / 2)
    return np.asarray(centre) + radius * np.array([np.cos(mid), np.sin(mid)])


def lang_text(lang, en, zh):
    return zh if lang == "zh" else en


def plane_ax(ax):
    """Contour axes with equal scales (round stays round), framed on all four sides."""
    ax.set_aspect("equal", adjustable="box")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(True)


def need_2d(surface, kind):
    if surface.dim != 2:
        raise UserInputError(f"figure '{kind}' needs a 2-D surface, '{surface.spec()['name']}' is 1-D")


# -- 3-D surfaces ---------------------------------------------------------------------------------
def surface_3d(ax, surface, *, n=140, window=None, alpha=0.92, cmap=SURFACE_CMAP):
    """The surface as a shaded 3-D mesh over ``window`` (default: its bounds); returns X, Y, Z."""
    from matplotlib import colormaps
    from matplotlib.colors import LightSource, Normalize

    X, Y, Z = grid(surface, n, window)
    ax.computed_zorder = False  # markers and paths are drawn over the surface, never under it
    shade = LightSource(azdeg=315, altdeg=35)
    rgb = shade.shade(Z, cmap=colormaps[cmap], norm=Normalize(np.nanmin(Z), np.nanmax(Z)), blend_mode="soft",
                      vert_exag=0.6 * np.ptp(X) / max(np.ptp(Z), 1e-12))
    rgb[..., 3] = alpha
    ax.plot_surface(X, Y, Z, facecolors=rgb, linewidth=0, antialiased=False, rstride=1, cstride=1,
                    shade=False, zorder=1)
    ax.set_xlim(X.min(), X.max())
    ax.set_ylim(Y.min(), Y.max())
    for axis, (lo, hi) in ((ax.xaxis, (X.min(), X.max())), (ax.yaxis, (Y.min(), Y.max()))):
        axis.set_ticks(inner_ticks(lo, hi))  # none at the corners, where x's and y's last ticks meet
    ax.set_xlabel(surface.variables[0], fontstyle="italic", labelpad=2)
    ax.set_ylabel(surface.variables[1], fontstyle="italic", labelpad=2)
    ax.tick_params(labelsize=8.5, pad=0)
    ax.zaxis.set_major_locator(MaxNLocator(5))
    for a in (ax.xaxis, ax.yaxis, ax.zaxis):
        a.pane.set_facecolor((0.97, 0.97, 0.98, 1.0))
        a.pane.set_edgecolor("#dddddd")
    return X, Y, Z


def inner_ticks(lo, hi, n=6):
    """Round ticks strictly inside (lo, hi), clear of both ends."""
    ticks = MaxNLocator(n, steps=[1, 2, 5, 10]).tick_values(lo, hi)
    margin = 0.06 * (hi - lo)
    return ticks[(ticks > lo + margin) & (ticks < hi - margin)]


def hidden(ax, surface, points):
    """Which 3-D ``points`` (n, 3) the surface hides from the camera of ``ax``: some point of the
    line of sight toward the viewer (drawn in the axes' box, seen from far) lies under the surface."""
    elev, azim = np.radians(ax.elev), np.radians(ax.azim)
    lims = np.array([ax.get_xlim(), ax.get_ylim(), ax.get_zlim()])
    box = np.asarray(ax.get_box_aspect(), float)
    to_eye = np.array([np.cos(elev) * np.cos(azim), np.cos(elev) * np.sin(azim), np.sin(elev)])
    to_eye = to_eye * np.ptp(lims, axis=1) / box   # one box unit toward the eye, in data units
    reach = np.linspace(0.002, 3 * box.max(), 3000)[:, None] * to_eye
    out = []
    for p in np.asarray(points, float):
        q = p + reach
        q = q[np.all((q[:, :2] >= lims[:2, 0]) & (q[:, :2] <= lims[:2, 1]), axis=1)]
        out.append(bool(len(q)) and bool(np.any(surface.value(q[:, :2]) > q[:, 2])))
    return np.array(out, dtype=bool)


def clear_view(axes, surfaces, lifts, *, azim=-60, elevations=range(34, 76, 2), spare=2):
    """The lowest camera elevation (plus ``spare`` degrees) from which every known minimum of every
    surface shows, not hidden behind a ridge in front of it; the highest tried if none is clear."""
    for elev in elevations:
        clear = True
        for ax, s, lift in zip(axes, surfaces, lifts):
            ax.view_init(elev=elev, azim=azim)
            mins = np.c_[s.minima, s.value(s.minima) + lift]
            clear = clear and not hidden(ax, s, mins).any()
        if clear:
            return min(elev + spare, max(elevations))
    return max(elevations)


def clear_rise(ax, xyz, text, others, rises, *, size=10.5):
    """The first of ``rises`` (and the side of its pin, ``ha``) at which a pin's label (see
    :func:`pin`) over the 3-D point ``xyz`` covers none of the 3-D points ``others`` as ``ax`` shows
    them; the last rise, centred, if none is clear."""
    renderer = ax.figure.canvas.get_renderer()
    probe = ax.figure.text(0, 0, text, fontsize=size, fontweight="bold", bbox=BOX)
    w, h = probe.get_window_extent(renderer).size
    probe.remove()
    ax.apply_aspect()
    M = ax.get_proj()

    def screen(p):
        x, y, _ = proj3d.proj_transform(*np.asarray(p, float).T, M)
        return ax.transData.transform(np.c_[x, y])

    dots = screen(np.atleast_2d(others)) if len(others) else np.empty((0, 2))
    x, y, z = xyz
    pad = 9  # the box's padding and a marker's radius, in pixels
    for rise in rises:
        (cx, cy), = screen([[x, y, z + rise]])
        rows = (dots[:, 1] > cy - pad) & (dots[:, 1] < cy + h + pad)
        for ha, (x0, x1) in (("center", (cx - w / 2, cx + w / 2)), ("left", (cx, cx + w)), ("right", (cx - w, cx))):
            if not np.any(rows & (dots[:, 0] > x0 - pad) & (dots[:, 0] < x1 + pad)):
                return float(rise), ha
    return float(rises[-1]), "center"


def pin(ax, xyz, height, text, colour=style.INK, *, ha="center", gid=None):
    """A 3-D callout: a thin vertical line from the point up to its label (``ha``: the label's
    side of the line)."""
    x, y, z = xyz
    ax.plot([x, x], [y, y], [z, z + height], color=colour, lw=1.2, zorder=20)
    t = ax.text(x, y, z + height, text, ha=ha, va="bottom", fontsize=10.5, fontweight="bold",
                color=colour, zorder=21, bbox=BOX)
    if gid:
        t.set_gid(gid)
    return t


def plot_surfaces_3d(fig, runs, lang):
    """Seed 000: the convex bowl (one lowest point) beside the egg crate (many), in 3-D; every
    minimum marked, the egg crate's global minimum as a gold star, each surface seen from just high
    enough that no ridge hides a minimum (orthographic, so what is drawn is what is in front)."""
    surfaces = runs.surfaces or [runs.surface]
    axes = [fig.add_subplot(1, len(surfaces), i + 1, projection="3d") for i in range(len(surfaces))]
    fig.subplots_adjust(top=0.79, bottom=0.06, left=0.0, right=0.97, wspace=0.02)  # first: labels are placed on it
    lifts, tops = [], []
    for ax, s in zip(axes, surfaces):
        need_2d(s, "surfaces-3d")
        X, Y, Z = surface_3d(ax, s)
        ax.set_proj_type("ortho")
        ax.set_box_aspect((4, 4, 2), zoom=0.95)
        ax.set_zlim(ax.get_zlim())  # fixed: a pin drawn later must not rescale what its label was placed on
        lifts.append(0.012 * float(np.ptp(Z)))
        tops.append(float(np.nanmax(Z)))
    for ax, s, lift, top in zip(axes, surfaces, lifts, tops):
        span = lift / 0.012
        mins = s.minima
        zs = s.value(mins) + lift
        many = len(mins) > 1
        if many:
            ax.scatter(mins[1:, 0], mins[1:, 1], zs[1:], s=30, c="white", edgecolors=style.INK, linewidths=0.9,
                       depthshade=False, zorder=10, gid="local-minima")
        ax.scatter(*mins[0], zs[0], marker="*", s=330, c=GOLD,
                   edgecolors=style.INK, linewidths=1.1, depthshade=False, zorder=11, gid="global-minimum")
        ax.set_zlabel(L("loss", lang), labelpad=2)
        ax.view_init(elev=clear_view([ax], [s], [lift]), azim=-60)  # each as low as its minima allow
        text = L("global minimum" if many else "minimum", lang)
        rise, ha = clear_rise(ax, (*mins[0], zs[0]), text, np.c_[mins[1:], zs[1:]],  # no marker under the label
                              np.linspace(0.25, 1.2, 39) * (top - zs[0] + 0.08 * span))
        pin(ax, (*mins[0], zs[0]), rise, text, ha=ha, gid="min-label")
        count = len(mins)
        if many:
            sub = lang_text(lang, f"{count} minima: 1 global, {count - 1} local",
                            f"{count} 个最小值：1 个全局最小值，{count - 1} 个局部最小值")
        else:
            sub = lang_text(lang, "one minimum", "只有一个最小值")
        ax.set_title(f"{s.title[lang]}\n{sub}", fontsize=11.5, pad=22)
        math = formula(s)
        if math:  # under the title, a text of its own (mathtext cannot typeset CJK)
            ax.text2D(0.5, 1.0, math, transform=ax.transAxes, ha="center", va="bottom", fontsize=11,
                      color=style.INK, gid="formula")
    handles = [Line2D([], [], ls="", marker="*", ms=15, mfc=GOLD, mec=style.INK, label=L("global minimum", lang)),
               Line2D([], [], ls="", marker="o", ms=6.5, mfc="white", mec=style.INK, label=L("local minimum", lang))]
    fig.legend(handles=handles, loc="lower center", ncols=2, frameon=False, fontsize=10.5)
    title(fig, L("surfaces 3d", lang), L("surfaces 3d sub", lang))
    return fig


# -- the error surface of linear regression ------------------------------------------------------
def plot_error_surface(fig, runs, lang):
    """Seeds 002-003: the error (MSE) of a line y = w x + b over the two weights, as a 3-D bowl
    with gradient descent walking down it (left) and the same path on the contours (right)."""
    s, t = runs.surface, runs.trajectories[0]
    need_2d(s, "error-surface")
    colour = style.colour("gd")
    gs = fig.add_gridspec(1, 2, width_ratios=[1.45, 1])
    ax = fig.add_subplot(gs[0, 0], projection="3d")
    ax2 = fig.add_subplot(gs[0, 1])
    ax2.set_anchor("W")  # the square contour panel next to the 3-D one, no gap between
    window = s.bounds
    X, Y, Z = surface_3d(ax, s, n=90, window=window, alpha=0.8)
    span = float(np.ptp(Z))
    p = t.params
    keep = np.all((p >= window[:, 0]) & (p <= window[:, 1]), axis=1)
    q = p[keep]
    lift = 0.015 * span
    z = s.value(q) + lift
    # each step is straight in (w, b); over it the loss follows the surface, so draw it on the surface
    along = np.linspace(0, 1, 40)[:, None]
    seg = np.concatenate([a + along * (b - a) for a, b in zip(q[:-1], q[1:])]) if len(q) > 1 else q
    ax.plot(seg[:, 0], seg[:, 1], s.value(seg) + lift, "-", color=colour, lw=2.4, zorder=10, gid="steps-3d")
    ax.plot(q[:, 0], q[:, 1], z, "o", color=colour, ms=3.5, zorder=10, gid="path-3d")
    ax.scatter(*q[0], z[0], s=70, c="white", edgecolors=colour, linewidths=2, depthshade=False, zorder=11)
    m = s.minima[0]
    zm = float(s.value(m)) + 0.015 * span
    ax.scatter(*m, zm, marker="*", s=300, c=GOLD, edgecolors=style.INK, linewidths=1.1, depthshade=False,
               zorder=12)
    # look from (roughly) the side opposite the start: the path runs down the far wall, in view
    away = np.degrees(np.arctan2(*(m - p[0])[::-1] / np.ptp(window, axis=1)[::-1]))
    ax.view_init(elev=26, azim=away - 25)
    ax.set_box_aspect(None, zoom=1.3)
    # the label on the side of its pin away from the start, whence the path comes down beside it
    sx, _, _ = proj3d.proj_transform(np.array([q[0, 0], m[0]]), np.array([q[0, 1], m[1]]),
                                     np.array([z[0], zm]), ax.get_proj())
    pin(ax, (*m, zm), 0.3 * span, L("minimum", lang), ha="left" if sx[0] < sx[1] else "right", gid="min-label")
    pin(ax, (*q[0], z[0]), 0.12 * span, L("start", lang), colour=colour)
    ax.set_xlabel(L("slope w", lang), labelpad=2)
    ax.set_ylabel(L("intercept b", lang), labelpad=2)
    ax.set_zlabel(L("loss", lang) + style.bracketed("MSE", lang), labelpad=2)
    ax.set_title(L("error surface 3d", lang), fontsize=11.5, pad=0)

    draw_contours(ax2, s, window=window, lang=lang, levels=16, n=300)
    name, lr = style.optimizer_name("gd", lang), f"{L('lr', lang)} = {fmt_number(runs.rates[0])}"
    loss = f"{L('loss', lang)} {fmt_number(t.loss[0])} → {fmt_number(t.loss[-1])}"
    lab = lang_text(lang, f"{name}, {lr}: {status_text(t, lang)}, {loss}",  # no "）：" in Chinese
                    f"{name}，{lr}：{status_text(t, lang)}，{loss}")
    draw_path(ax2, t, colour, surface=s, arrows=4, lang=lang, window=window, label=lab)
    ax2.scatter(*m, marker="*", s=300, c=GOLD, edgecolors=style.INK, linewidths=1.1, zorder=9)
    note(ax2, m, f"{L('minimum', lang)}\n(w, b) = ({fmt_number(m[0])}, {fmt_number(m[1])})", offset=(12, -6),
         ha="left", va="top", size=10)
    note(ax2, p[0], L("start", lang), colour, offset=(0, 14), size=10)
    plane_ax(ax2)
    ax2.set_xlabel(L("slope w", lang))
    ax2.set_ylabel(L("intercept b", lang), rotation=90, labelpad=4)
    ax2.set_title(L("error surface contours", lang), fontsize=11.5)
    ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=10)
    title(fig, L("error surface", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.83, bottom=0.16, left=0.0, right=0.99, wspace=0.0)
    return fig


# -- the gradient as a vector ---------------------------------------------------------------------
def arrow_scale(g, length):
    """The round factor (1, 2, 2.5, 4 or 5 × 10^k) at which the gradient ``g`` is drawn at most
    ``length`` long: a gradient is loss per unit of x, not a length in the plane, so its arrow is
    drawn to a stated scale."""
    raw = length / max(float(np.linalg.norm(g)), 1e-300)
    e = np.floor(np.log10(raw))
    for m in (5, 4, 2.5, 2, 1):
        if m * 10 ** e <= raw * (1 + 1e-9):
            return float(m * 10 ** e)
    return float(10 ** e)


def fit_aspect(window, ratio):
    """``window`` grown along one axis so width / height = ``ratio`` (equal scales fill the axes)."""
    w = np.array(window, dtype=float)
    c, span = w.mean(1), np.ptp(w, axis=1)
    if span[0] / span[1] < ratio:
        span[0] = span[1] * ratio
    else:
        span[1] = span[0] / ratio
    return np.stack([c - span / 2, c + span / 2], 1)


def segment_distance(points, a, b):
    """Distance from each of ``points`` to the segment a-b."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    t = np.clip(((points - a) @ d) / max(float(d @ d), 1e-300), 0, 1)
    return np.linalg.norm(points - (a + t[:, None] * d), axis=1)


def gradient_layout(s, p, g, ratio):
    """The drawing scale of the gradient and a window holding the point, both arrows and the
    minimum, with room for their labels."""
    m = s.minima[0] if s.minima.size else None
    reach = 0.6 * np.linalg.norm(m - p) if m is not None and np.linalg.norm(m - p) > 0 else \
        0.2 * np.ptp(s.bounds, axis=1).min()
    k = arrow_scale(g, reach)
    pts = np.array([p, p + k * g, p - k * g] + ([m] if m is not None else []))
    lo, hi = pts.min(0), pts.max(0)
    ring = level_box(s, p, np.stack([lo - 2 * (hi - lo).max(), hi + 2 * (hi - lo).max()], 1))
    if ring is not None:  # the whole contour line through the point, when it closes nearby
        lo, hi = np.minimum(lo, ring[:, 0]), np.maximum(hi, ring[:, 1])
    span = np.maximum(hi - lo, 0.4 * (hi - lo).max())
    c = (lo + hi) / 2
    pad = 0.12 * span.max()
    window = np.stack([c - span / 2 - pad, c + span / 2 + pad], 1)
    return k, fit_aspect(window, ratio)


def level_box(surface, p, window):
    """The box around the contour line through ``p``, or None when it does not close inside
    ``window``."""
    X, Y, Z = grid(surface, 300, window)
    inside = Z <= surface.value(p)
    if not inside.any() or inside[[0, -1]].any() or inside[:, [0, -1]].any():
        return None
    return np.array([[X[inside].min(), X[inside].max()], [Y[inside].min(), Y[inside].max()]])


def num(x) -> str:
    """fmt_number with a true minus sign."""
    return fmt_number(x).replace("-", "−")


def field(ax, surface, window, keep_clear, *, nx=14):
    """A light field of −∇L directions (unit length) on a grid, kept clear of the segments
    ``keep_clear`` and of every label already on the axes (no arrow half hidden under a box)."""
    span = np.ptp(window, axis=1)
    unit = span.min()
    ny = max(3, int(round(nx * span[1] / span[0])))
    fx, fy = np.meshgrid(np.linspace(*window[0], nx + 2)[1:-1], np.linspace(*window[1], ny + 2)[1:-1])
    fp = np.stack([fx, fy], -1).reshape(-1, 2)
    fg = -surface.grad(fp)
    norm = np.linalg.norm(fg, axis=1)
    ok = (np.min([segment_distance(fp, a, b) for a, b in keep_clear], axis=0) > 0.1 * unit) & (norm > 0)
    u = fg / np.where(norm > 0, norm, 1)[:, None] * 0.07 * unit
    renderer = ax.figure.canvas.get_renderer()
    ax.apply_aspect()
    pix = ax.transData.transform(np.r_[fp - u / 2, fp, fp + u / 2]).reshape(3, -1, 2)  # tail, middle, head
    for t in ax.texts:
        if t.get_text().strip():
            (x0, y0), (x1, y1) = t.get_window_extent(renderer).padded(4).get_points()
            ok &= ~np.any((pix[..., 0] >= x0) & (pix[..., 0] <= x1) & (pix[..., 1] >= y0) & (pix[..., 1] <= y1), 0)
    ax.quiver(fp[ok, 0] - u[ok, 0] / 2, fp[ok, 1] - u[ok, 1] / 2, u[ok, 0], u[ok, 1], angles="xy", scale_units="xy",
              scale=1, color="#6f7d99", alpha=0.7, width=0.0022, headwidth=4.5, headlength=5, zorder=2, gid="field")


def plot_gradient_vector(fig, runs, lang):
    """Seeds 003-004: at the point, the gradient (∂L/∂x, ∂L/∂y) with its two partial derivatives
    as the legs of a right angle; −∇L, perpendicular to the contour line, is the step's
    direction, and on an elongated bowl it does not point at the minimum."""
    s = runs.surface
    need_2d(s, "gradient-vector")
    pts, grads = np.asarray(runs.info["points"]), np.asarray(runs.info["grads"])
    p, g = pts[0], grads[0]
    ax = fig.add_subplot()
    fig.subplots_adjust(top=0.86, bottom=0.14, left=0.06, right=0.98)
    box = ax.get_position()
    ratio = box.width * fig.get_figwidth() / (box.height * fig.get_figheight())
    k, window = gradient_layout(s, p, g, ratio)
    span = np.ptp(window, axis=1)
    unit = span.min()
    draw_contours(ax, s, window=window, lang=lang, levels=14, n=400, minima=False)
    ax.contour(*grid(s, 400, window), levels=[float(s.value(p))], colors=[style.INK], linewidths=1.4, zorder=2)
    tip, tail = p + k * g, p - k * g
    m = s.minima[0] if s.minima.size else None
    for q, gq in zip(pts[1:], grads[1:]):  # further points, if any: their -grad L at the same scale
        arrow(ax, q, q - k * gq, GREEN, lw=1.8, size=12)
        ax.plot(*q, "o", ms=6, mfc="white", mec=style.INK, zorder=7)
    gx, gy = k * g
    corner = p + np.array([gx, 0.0])
    # the partial derivatives: the two legs of the right angle under the gradient
    ax.plot([p[0], corner[0]], [p[1], p[1]], color=ORANGE, lw=3, zorder=5, solid_capstyle="butt", gid="leg-x")
    ax.plot([corner[0], corner[0]], [p[1], p[1] + gy], color=PURPLE, lw=3, zorder=5, solid_capstyle="butt",
            gid="leg-y")
    right_angle(ax, corner, [-np.sign(gx) or 1, 0], [0, np.sign(gy) or 1], 0.03 * unit, style.INK)
    ax.annotate(f"∂L/∂{s.variables[0]} = {num(g[0])}", xy=tuple(corner), xytext=(-8 if gx < 0 else 8, 0),
                textcoords="offset points", ha="right" if gx < 0 else "left", va="center", fontsize=11,
                color=ORANGE, fontweight="bold", zorder=9, bbox=BOX)
    ax.annotate(f"∂L/∂{s.variables[1]} = {num(g[1])}", xy=(corner[0], p[1] + gy / 2),
                xytext=(-8 if gx < 0 else 8, 0), textcoords="offset points", ha="right" if gx < 0 else "left",
                va="center", fontsize=11, color=PURPLE, fontweight="bold", zorder=9, bbox=BOX)
    # the gradient, the negative gradient and the tangent of the contour line (perpendicular)
    arrow(ax, p, tip, VERMILLION, lw=3, size=20, zorder=7, gid="gradient")
    arrow(ax, p, tail, GREEN, lw=3.4, size=22, zorder=7, gid="negative-gradient")
    up = g / np.linalg.norm(g)
    tang = np.array([-up[1], up[0]])
    side = tang if tang @ np.array([gx, 0.0]) < 0 else -tang  # the tangent's half away from the legs
    half = 0.55 * np.linalg.norm(k * g)
    ax.plot(*np.array([p - half * side, p + half * side]).T, "--", color=style.INK, lw=1.4, zorder=4, gid="tangent")
    right_angle(ax, p, up, side, 0.045 * unit, style.INK, gid="perpendicular")
    note(ax, tip, f"∇L  {L('gradient', lang)}", VERMILLION, offset=(8, 2), ha="left", va="bottom", size=11)
    note(ax, tail, f"−∇L  {L('steepest descent', lang)}", GREEN, offset=(10, -2), ha="left", va="top", size=11)
    note(ax, p + half * side, L("contour tangent", lang), style.INK, offset=tuple(4 * np.sign(side) + (side == 0) * 4),
         ha="left" if side[0] >= 0 else "right", va="bottom" if side[1] >= 0 else "top", size=10, bold=False)
    if m is not None:
        ax.annotate("", xy=tuple(m), xytext=tuple(p), zorder=6, gid="to-minimum",
                    arrowprops=dict(arrowstyle="-|>", color=style.INK, lw=1.6, ls="--", mutation_scale=15,
                                    shrinkA=0, shrinkB=9))
        ax.scatter(*m, marker="*", s=320, c=GOLD, edgecolors=style.INK, linewidths=1.1, zorder=8)
        note(ax, m, L("minimum", lang), offset=(0, -14), va="top", size=10.5)
        to_min = (m - p) / np.linalg.norm(m - p)
        deg = float(np.degrees(np.arccos(np.clip(to_min @ -up, -1, 1))))
        at = angle_arc(ax, p, -up, to_min, 0.5 * np.linalg.norm(k * g), style.INK)
        out = (at - p) / np.linalg.norm(at - p)  # the angle's label just outside its arc
        note(ax, at, f"{deg:.0f}°", offset=tuple(6 * out), size=11.5, ha="left" if out[0] >= 0 else "right",
             va="bottom" if out[1] >= 0 else "top", gid="angle")
        n = np.array([-to_min[1], to_min[0]])
        n = -n if n @ -up > 0 else n  # the side of the line away from -grad L
        note(ax, p + 0.62 * (m - p), L("to the minimum", lang), offset=tuple(7 * n), size=10.5,
             ha="center" if abs(n[0]) < 0.5 else ("left" if n[0] > 0 else "right"),
             va="center" if abs(n[1]) < 0.5 else ("bottom" if n[1] > 0 else "top"))
    ax.plot(*p, "o", ms=9, mfc="white", mec=style.INK, mew=2, zorder=9, gid="point")
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    plane_ax(ax)
    ax.text(0.99, 0.015, L("arrows scaled", lang).format(k=fmt_number(k)), transform=ax.transAxes, ha="right",
            va="bottom", fontsize=9.5, color=style.MUTED, bbox=BOX, gid="scale-note")
    field(ax, s, window, [(p, tip), (p, tail), (p, m if m is not None else p)])
    handles = [Line2D([], [], color=style.INK, lw=1.4, label=L("contour through the point", lang)),
               Line2D([], [], color="#6f7d99", marker=r"$\rightarrow$", ls="", ms=13, label=L("field", lang))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
    where, grad = f"({num(p[0])}, {num(p[1])})", f"({num(g[0])}, {num(g[1])})"
    if m is not None:
        sub = lang_text(lang, f"∇L{where} = {grad} is perpendicular to the contour line; −∇L points downhill, "
                              f"but {deg:.0f}° away from the minimum",
                        f"点 {where} 处 ∇L = {grad}，垂直于等高线；−∇L 指向下坡，但与指向最小值的方向相差 {deg:.0f}°")
    else:
        sub = lang_text(lang, f"∇L{where} = {grad} is perpendicular to the contour line",
                        f"点 {where} 处 ∇L = {grad}，垂直于等高线")
    ax.set_title(s.title[lang], fontsize=11, loc="left")
    axes_formula(ax, s)  # a text of its own: mathtext cannot typeset CJK
    title(fig, L("gradient vector", lang), sub,
          r"$\nabla L = \left(\frac{\partial L}{\partial x},\ \frac{\partial L}{\partial y}\right)$")
    return fig


# -- Taylor: why a small step works ----------------------------------------------------------------
def signed_angle(u, v) -> float:
    """The angle in degrees from direction ``u`` to direction ``v``, anticlockwise positive."""
    return float(np.degrees(np.arctan2(u[0] * v[1] - u[1] * v[0], u @ v)))


def degrees(a) -> str:
    """An angle to read: one decimal below 10° (0.7°, not 1°), whole degrees above (59°)."""
    return f"{a:.1f}°" if abs(a) < 9.95 else f"{a:.0f}°"


def plot_taylor(fig, runs, lang):
    """Seed 004: around the point, a small circle on which the loss is nearly its linear
    approximation (lowest point along −∇L) and a large circle on which it is not (left); the
    loss around each circle against the angle from −∇L, true and linear (right)."""
    s = runs.surface
    need_2d(s, "taylor")
    p, g, circles = np.asarray(runs.info["point"]), np.asarray(runs.info["grad"]), runs.info["circles"]
    f0 = float(s.value(p))
    down = -g / np.linalg.norm(g)
    cols = [BLUE, ORANGE, PURPLE, SKY, VERMILLION][: len(circles)]
    lows = [np.asarray(c["lowest"], dtype=float) for c in circles]
    # angles are measured from -grad L, turning toward the large circle's lowest point
    turn = 1.0 if signed_angle(down, lows[-1] - p) >= 0 else -1.0
    gs = fig.add_gridspec(len(circles), 2, width_ratios=[1.0, 1.05], hspace=0.62, wspace=0.16)
    ax = fig.add_subplot(gs[:, 0])
    rmax = max(c["radius"] for c in circles)
    lo, hi = p - 1.12 * rmax, p + 1.12 * rmax
    if s.minima.size:  # show the nearest minimum too, when it is close
        near = s.minima[np.argmin(np.linalg.norm(s.minima - p, axis=1))]
        if np.linalg.norm(near - p) < 2.2 * rmax:
            lo, hi = np.minimum(lo, near - 0.15 * rmax), np.maximum(hi, near + 0.15 * rmax)
    centre, half = (lo + hi) / 2, (hi - lo).max() / 2 + 0.12 * rmax
    window = np.stack([centre - half, centre + half], 1)
    draw_contours(ax, s, window=window, lang=lang, levels=16, n=400, minima=False)
    shown = s.minima[np.all((s.minima > window[:, 0]) & (s.minima < window[:, 1]), axis=1)]
    if len(shown):
        ax.scatter(shown[:, 0], shown[:, 1], marker="*", s=260, c=GOLD, edgecolors=style.INK, linewidths=1,
                   zorder=8, gid="minima")
        for m in shown:   # under its star; near a side of the frame, drawn inward from the star
            f = (m[0] - window[0, 0]) / (window[0, 1] - window[0, 0])
            ha, dx = ("right", 10) if f > 0.85 else ("left", -10) if f < 0.15 else ("center", 0)
            note(ax, m, L("minimum", lang), offset=(dx, -12), ha=ha, va="top", size=10)
    reach = 1.15 * rmax
    arrow(ax, p, p + reach * down, GREEN, lw=2.6, size=18, zorder=7, gid="negative-gradient")
    note(ax, p + reach * down, "−∇L", GREEN, offset=(0, 6), va="bottom", size=12)
    for i, (c, col, low) in enumerate(zip(circles, cols, lows)):
        r = c["radius"]
        ax.add_patch(Circle(p, r, fill=False, ec=col, lw=2.4, zorder=5, gid=f"circle-{i}"))
        ax.plot(*(p + r * down), "o", ms=13, mfc="white", mec=style.INK, mew=1.8, zorder=8,  # a ring: it shows
                gid=f"linear-{i}")  # round the true lowest point where the two coincide
        ax.plot(*low, "o", ms=9, color=col, mec="white", mew=1.2, zorder=9, gid=f"lowest-{i}")
        # the circle's name where it crosses the direction opposite its lowest point
        # its name on the side opposite -grad L, where no arrow goes
        note(ax, p - r * down, f"r = {fmt_number(r)}", col, offset=tuple(-14 * down), size=10.5, zorder=10)
    low = lows[-1]
    to_low = (low - p) / np.linalg.norm(low - p)
    at = angle_arc(ax, p, down, to_low, 0.55 * rmax, cols[-1])
    note(ax, at, degrees(abs(signed_angle(down, to_low))), cols[-1], offset=(4, 2), ha="left", va="bottom",
         size=11.5, gid="angle")
    ax.plot([p[0], low[0]], [p[1], low[1]], ":", color=cols[-1], lw=1.4, zorder=6)
    ax.plot(*p, "o", ms=7, color=style.INK, mec="white", zorder=10)
    note(ax, p, "p", offset=(-20, 0), ha="right", va="center", size=11)  # just outside the small circle
    plane_ax(ax)
    ax.set_title(s.title[lang], fontsize=11)
    handles = [Line2D([], [], ls="", marker="o", ms=9, color=style.MUTED, mec="white", label=L("true lowest", lang)),
               Line2D([], [], ls="", marker="o", ms=12, mfc="white", mec=style.INK, mew=1.8,
                      label=L("linear lowest", lang))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=1, frameon=False,
              fontsize=10)   # under the x label
    theta = np.linspace(-180, 180, 721)
    base = np.arctan2(down[1], down[0])
    dirs = np.stack([np.cos(base + turn * np.radians(theta)), np.sin(base + turn * np.radians(theta))], -1)
    for i, (c, col, low) in enumerate(zip(circles, cols, lows)):
        a = fig.add_subplot(gs[i, 1])
        r = c["radius"]
        a.plot(theta, s.value(p + r * dirs), color=col, lw=2.4, label=L("true loss", lang))
        a.plot(theta, f0 + r * (dirs @ g), "--", color=style.INK, lw=1.5, label=L("linear approximation", lang))
        ang = turn * signed_angle(down, low - p)
        a.plot(ang, float(s.value(low)), "o", ms=9, color=col, mec="white", mew=1.2, zorder=6, gid=f"curve-lowest-{i}")
        a.plot(0, f0 - r * np.linalg.norm(g), "o", ms=13, mfc="white", mec=style.INK, mew=1.8, zorder=5)
        a.axvline(0, color=GREEN, lw=1.3, alpha=0.9, zorder=0)
        a.annotate("−∇L", xy=(0, 1), xycoords=a.get_xaxis_transform(), xytext=(5, -3), textcoords="offset points",
                   ha="left", va="top", color=GREEN, fontsize=10, fontweight="bold")  # inside, beside its line
        a.set_xlim(-180, 180)
        a.margins(y=0.12)  # the markers at the lowest points stay whole
        a.set_xticks(range(-180, 181, 60))
        a.xaxis.set_major_formatter(lambda v, _: f"{v:.0f}°".replace("-", "−"))
        a.grid(True, alpha=0.25)
        a.set_ylabel(L("loss", lang))
        verdict = lang_text(lang, f"r = {fmt_number(r)}: lowest point {degrees(c['angle'])} from −∇L; "
                                  f"linear error {c['error']:.0%} of the drop",
                            f"r = {fmt_number(r)}：最低点与 −∇L 相差 {degrees(c['angle'])}；"
                            f"线性近似误差为下降量的 {c['error']:.0%}")
        a.set_title(verdict, fontsize=10, color=col, fontweight="bold", loc="left", pad=6)
        if i == len(circles) - 1:
            a.set_xlabel(L("angle from -grad", lang))
            keys = [Line2D([], [], color=style.MUTED, lw=2.4, label=L("true loss", lang)),
                    Line2D([], [], color=style.INK, lw=1.5, ls="--", label=L("linear approximation", lang))]
            a.legend(handles=keys, loc="upper center", fontsize=9.5, ncols=2, bbox_to_anchor=(0.5, -0.3),
                     frameon=False)
    title(fig, L("taylor", lang), L("taylor sub", lang), r"$L(q) \approx L(p) + \nabla L(p)\cdot(q-p)$")
    fig.subplots_adjust(top=0.84, bottom=0.17, left=0.05, right=0.965)
    return fig


# -- Adagrad's intuition -------------------------------------------------------------------------
def plot_adagrad_intuition(fig, runs, lang):
    """Seed 004: two parabolas, flat (w1) and steep (w2), on the same scales; from each point the
    best step |g'| / g'' lands on the minimum; a smaller slope can be farther away; Adagrad's
    √(Σg²) is larger along the steeper parameter, standing in for g''."""
    pts, curv = runs.info["points"], runs.info["curvatures"]
    fig.subplots_adjust(top=0.8, bottom=0.3, left=0.06, right=0.97)
    gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 0.85], wspace=0.22)
    axes = [fig.add_subplot(gs[0, 0])]
    axes.append(fig.add_subplot(gs[0, 1], sharex=axes[0], sharey=axes[0]))
    ax3 = fig.add_subplot(gs[0, 2])
    cols = [BLUE, VERMILLION, GREEN, PURPLE]
    names = "abcdefghijkl"
    wmax = 1.2 * max(abs(q["w"]) for q in pts)
    w = np.linspace(-wmax, wmax, 600)
    top = 1.75 * max(0.5 * q["curvature"] * q["w"] ** 2 for q in pts)
    subs = "₁₂₃₄"
    box = axes[0].get_position()
    px = np.array([box.width * fig.get_figwidth() * fig.dpi / (2 * wmax),
                   box.height * fig.get_figheight() * fig.dpi / (1.06 * top)])  # pixels per data unit
    first = {}
    for j, (ax, c) in enumerate(zip(axes, curv)):
        col = cols[j]
        ax.plot(w, 0.5 * c * w ** 2, color=col, lw=2.6, zorder=2)
        ax.scatter(0, 0, marker="*", s=260, c=GOLD, edgecolors=style.INK, linewidths=1, zorder=8, clip_on=False)
        for i, q in [(i, q) for i, q in enumerate(pts) if q["curvature"] == c]:
            x, d1, d2 = q["w"], q["g1"], q["g2"]
            y = 0.5 * c * x ** 2
            half = 85 / np.hypot(px[0], d1 * px[1])  # the tangent, 170 pixels long whatever its slope
            ax.plot([x - half, x + half], [y - d1 * half, y + d1 * half], color=style.INK, lw=1.4, zorder=3,
                    gid=f"tangent-{i}")
            arrow(ax, (x, y), (x - d1 / d2, y), GREEN, lw=2.2, size=14, zorder=4, gid=f"best-{i}")
            ax.plot([0, 0], [0, y], ":", color=GREEN, lw=1.2, zorder=1)
            ax.plot(x, y, "o", ms=10, color=col, mec="white", mew=1.4, zorder=7, gid=f"point-{i}")
            edge = abs(x) > 0.6 * wmax  # near the edge: label above, inward; else below, outward
            side = (-1 if x < 0 else 1) * (-1 if edge else 1)
            note(ax, (x, y), f"{names[i]}{colon(lang)}|g'| = {fmt_number(abs(d1))}", col,
                 offset=(side * 6, 12 if edge else -12), ha="left" if side > 0 else "right",
                 va="bottom" if edge else "top", size=10.5)
            if j not in first:  # the best step, written out once per curve: centred over the arrows'
                first[j] = i    # meeting point, clear of the tangents, above the points' labels
                note(ax, (0, y), f"|g'|/g'' = {fmt_number(abs(d1))}/{fmt_number(d2)} = {fmt_number(q['best'])}",
                     GREEN, offset=(0, 32 if edge else 8), va="bottom", size=10, gid=f"best-label-{i}")
        var = f"w{subs[j] if j < len(subs) else j + 1}"
        kind = L("flat" if c == min(curv) else "steep", lang)
        ax.set_title(lang_text(lang, f"{var}: {kind}, g'' = {fmt_number(c)}", f"{var}：{kind}，g'' = {fmt_number(c)}"),
                     color=col, fontweight="bold", fontsize=12)
        ax.set_xlabel(var, fontstyle="italic")
        ax.grid(True, alpha=0.2)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    axes[0].set_ylabel(L("loss", lang))
    axes[0].set_xlim(-wmax, wmax)
    axes[0].set_ylim(-0.06 * top, top)
    arrow_key = Line2D([], [], color=GREEN, lw=2.2, marker=">", ms=7, label=L("best step", lang))
    tangent_key = Line2D([], [], color=style.INK, lw=1.6, label=L("tangent slope", lang))
    star_key = Line2D([], [], ls="", marker="*", ms=13, mfc=GOLD, mec=style.INK, label=L("minimum", lang))
    axes[0].legend(handles=[tangent_key, arrow_key, star_key], loc="upper center", fontsize=9.5, ncols=1)
    # the comparison across parameters: a (flat) against c (steep)
    flat = [q for q in pts if q["curvature"] == curv[0]]
    steep = [q for q in pts if q["curvature"] == curv[1]]
    a, c_ = flat[0], steep[0]
    ia, ic = pts.index(a), pts.index(c_)
    msg = lang_text(lang,
                    f"{names[ia]}: |g'| = {fmt_number(abs(a['g1']))}, {fmt_number(abs(a['w']))} from its minimum      "
                    f"{names[ic]}: |g'| = {fmt_number(abs(c_['g1']))}, {fmt_number(abs(c_['w']))} from its minimum\n"
                    f"{names[ia]} has the smaller slope, yet is farther away: across parameters compare |g'| / g'', "
                    "not |g'|",
                    f"{names[ia]}：|g'| = {fmt_number(abs(a['g1']))}，离最小值 {fmt_number(abs(a['w']))}      "
                    f"{names[ic]}：|g'| = {fmt_number(abs(c_['g1']))}，离最小值 {fmt_number(abs(c_['w']))}\n"
                    f"{names[ia]} 的斜率更小，却离得更远：跨参数比较时要看 |g'| / g''，而不是只看 |g'|")
    left, right = axes[0].get_position().x0, axes[1].get_position().x1
    fig.text((left + right) / 2, 0.045, msg, ha="center", va="bottom", fontsize=11, color=style.INK,
             linespacing=1.6, bbox=dict(boxstyle="round,pad=0.5", fc="#f6f6f6", ec="#dddddd"), gid="comparison")
    ada = runs.trajectories[0]
    g = ada.grads[: max(ada.n_steps, 1)]
    root = np.sqrt(np.cumsum(g * g, axis=0))
    steps = np.arange(1, len(root) + 1)
    for j, c in enumerate(curv):
        ax3.plot(steps, root[:, j], color=cols[j], lw=2.6, label=f"w{subs[j]}{colon(lang)}g'' = {fmt_number(c)}",
                 gid=f"root-{j}")
        ax3.annotate(fmt_number(root[-1, j]), xy=(steps[-1], root[-1, j]), xytext=(5, 0),
                     textcoords="offset points", va="center", fontsize=10.5, color=cols[j], fontweight="bold")
    ax3.set_xlabel(L("step", lang))
    ax3.set_ylabel("√(Σg²)")
    ax3.set_ylim(0, 1.2 * root.max())
    ax3.set_xlim(0, steps[-1] * 1.22)   # room for the end values inside the frame
    ax3.grid(True, alpha=0.25)
    ax3.legend(loc="center right", fontsize=10)
    ax3.set_title(L("adagrad root", lang), fontsize=12)
    # which run the right panel plots: its loss, rate, start and length
    loss = " + ".join(f"{fmt_number(c / 2)} w{subs[j]}²" for j, c in enumerate(curv))
    w0 = ", ".join(num(v) for v in ada.params[0])
    names_w = ", ".join(f"w{subs[j]}" for j in range(len(curv)))
    run_text = lang_text(lang, f"Adagrad on L = {loss}\nlr = {fmt_number(runs.rates[0])}, from ({names_w}) = ({w0}), "
                               f"{ada.n_steps} steps",
                         f"Adagrad 作用于 L = {loss}\n学习率 = {fmt_number(runs.rates[0])}，起点 ({names_w}) = ({w0})，"
                         f"{ada.n_steps} 步")
    box3 = ax3.get_position()
    fig.text((box3.x0 + box3.x1) / 2, 0.045, run_text, ha="center", va="bottom", fontsize=10.5, color=style.INK,
             linespacing=1.6, bbox=dict(boxstyle="round,pad=0.5", fc="#f6f6f6", ec="#dddddd"), gid="adagrad-run")
    title(fig, L("adagrad intuition", lang), L("adagrad intuition sub", lang),
          r"$w \leftarrow w - \frac{\eta}{\sqrt{\sum g^2}}\,g$")
    return fig


KINDS = {
    "surfaces-3d": ("surfaces-3d", plot_surfaces_3d, (1200, 600),
                    "the convex bowl and the egg crate in 3-D: one lowest point or many"),
    "error-surface": ("error-surface", plot_error_surface, (1200, 580),
                      "linear regression's error surface over (w, b) in 3-D, with gradient descent on it"),
    "gradient-vector": ("gradient-vector", plot_gradient_vector, (1100, 640),
                        "the gradient as partial derivatives, perpendicular to the contour; −∇L misses the minimum"),
    "taylor": ("taylor", plot_taylor, (1200, 620),
               "why a small step works: on a small circle the loss is linear, the lowest point along −∇L"),
    "adagrad-intuition": ("adagrad-intuition", plot_adagrad_intuition, (1300, 600),
                          "the best step |g'|/g'': a smaller slope can be farther; Adagrad's √Σg² tracks g''"),
}
