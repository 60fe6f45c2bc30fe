"""Figures about the gradient step and the learning rate (the course's figures 2-8, the
exercise, seed 004's tuning figure, the sweep). The 1-D pieces (steps on a loss curve as hops
that always bow upward, step numbers, the step that leaves the picture, the minimum's star, the
rate as a person reads it) are also used by the worked examples (practice.py)."""
from __future__ import annotations

import numpy as np

from ... import analysis, style
from ...style import bracketed, colon, fmt_number
from ...style import label as L
from ..axes import HALO, draw_contours, draw_gradient_arrows, draw_loss_curve, plain_log_axis
from ..geometry import clip_to_window, fit_window
from ..series import line_style, series_colours, status_text
from .common import axes_formula, formula, rule_note, title

STAR = dict(marker="*", ms=17, color=style.OKABE_ITO["yellow"], mec=style.INK, mew=1.0, ls="none")
BOX = dict(boxstyle="round,pad=0.25", fc="white", ec="#cccccc", lw=0.8, alpha=0.92)


# -- pieces ------------------------------------------------------------------------------------
def mark_minimum(ax, surface, zorder: float = 3.5):
    """The minimum as a large yellow star, over the curve or contours and the hops, under the
    points (so a run that arrives sits on it)."""
    if not surface.minima.size:
        return
    m = surface.minima[0]
    xy = (float(m[0]), float(surface.value(np.atleast_1d(m)))) if surface.dim == 1 else (m[0], m[1])
    ax.plot(*xy, zorder=zorder, gid="minimum", **STAR)


def rate_text(lr, reg, lang: str = "en", shown: str | None = None) -> str:
    """A rate as a person reads it: 'lr = 1/L = 1.6', 'lr = 2/(L+μ) ≈ 0.09524', 'lr = 3.36 > 2/L = 3.2',
    else 'lr = 0.7'. ``shown``: the rate with the digits that reproduce its run
    (:func:`gdviz.lessons.rates.shown_rates`; default: 3 significant digits)."""
    head = L("lr", lang)
    num = fmt_number(lr) if shown is None else shown
    if reg is None:
        return f"{head} = {num}"
    if np.isclose(lr, reg.goldilocks, rtol=1e-9):
        if reg.mu is None or np.isclose(reg.mu, reg.L):
            return f"{head} = 1/L = {num}"
        return f"{head} = 2/(L+μ) {'=' if float(num) == lr else '≈'} {num}"
    if lr * reg.L >= 2:
        return f"{head} = {num} > 2/L = {fmt_number(reg.diverge)}"
    return f"{head} = {num}"


def leave_point(a, b, box):
    """Where the step from ``a`` (inside) to ``b`` (outside) crosses the edge of ``box`` =
    ((x0, x1), (y0, y1))."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    t = 1.0
    for i, (lo, hi) in enumerate(box):
        d = b[i] - a[i]
        if b[i] > hi:
            t = min(t, (hi - a[i]) / d)
        elif b[i] < lo:
            t = min(t, (lo - a[i]) / d)
    return a + max(t, 0.0) * (b - a)


def mark_exit(ax, a, b, lang: str, *, side=None):
    """The step that leaves the picture: an arrow from ``a`` to the edge, towards ``b``, and
    'diverged ✕' boxed in the bottom corner on that side (free space beside a loss curve's arm,
    off the paths), or on ``side`` ('left'/'right')."""
    box = (ax.get_xlim(), ax.get_ylim())
    edge = leave_point(a, b, box)
    ax.annotate("", xy=edge, xytext=a, zorder=6, annotation_clip=False,
                arrowprops=dict(arrowstyle="-|>", color=style.DIVERGED, lw=2.0, mutation_scale=15, shrinkA=3,
                                shrinkB=0, ls=(0, (4, 2))))
    right = (edge[0] > np.mean(box[0])) if side is None else side == "right"
    ax.text(0.97 if right else 0.03, 0.05, L("diverged", lang) + (" ✕" if lang == "en" else ""),
            transform=ax.transAxes, ha="right" if right else "left", va="bottom", color=style.DIVERGED,
            fontsize=10, fontweight="bold", zorder=7, gid="diverged",
            bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=style.DIVERGED, lw=0.8))


def draw_steps(ax, surface, traj, colour, *, first: int = 0, upto: int | None = None, arrows: int = 12,
               numbers=False, lang: str = "en", exit_mark: bool = True, size=None, start: bool = True,
               gap: float = 0.045):
    """A run's steps on a 1-D loss curve already drawn on ``ax`` (its limits are the window): a
    dot per step, hops for the first ``arrows`` steps (arcs that always bow upward, so steps back
    and forth nest instead of crossing), the hollow start, step numbers (``numbers``) and, when
    the run leaves the window, the step that leaves it (:func:`mark_exit`, its label in the bottom
    corner away from the start). Steps ``first`` to ``upto``; ``numbers``: True, or the steps to
    number. Returns the number of points drawn."""
    (w0, w1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    p, z = traj.params[:, 0], traj.loss
    last = len(p) if upto is None else min(len(p), upto + 1)
    ok = ((p >= w0) & (p <= w1) & (z <= y1) & np.isfinite(z))[first:]
    k = len(p) if ok.all() else first + int(np.argmin(ok))          # the first point outside the window
    end = min(k, last)
    pts = np.c_[p[first:end], z[first:end]]
    for i, (a, b) in enumerate(zip(pts[:-1], pts[1:])):
        if i >= arrows:
            break
        if abs(b[0] - a[0]) < 0.035 * (w1 - w0) and abs(b[1] - a[1]) < 0.05 * (y1 - y0):
            continue      # too short for an arrowhead: the dots show it
        ax.annotate("", xy=b, xytext=a, zorder=3, arrowprops=dict(
            arrowstyle="-|>", color=colour, lw=1.4, mutation_scale=11, shrinkA=3, shrinkB=3,
            connectionstyle=f"arc3,rad={-0.2 if b[0] > a[0] else 0.2}"))
    big = len(pts) <= 25 if size is None else size >= 20
    ax.scatter(pts[:, 0], pts[:, 1], s=size or (30 if big else 13), color=colour, edgecolors="white",
               linewidths=0.8 if big else 0.3, zorder=4)
    if start and first == 0 and len(pts):
        ax.plot(*pts[0], "o", ms=9, mfc="white", mec=colour, mew=2, zorder=5)
    if numbers is not False:
        number_points(ax, pts, np.arange(first, end), surface, which=None if numbers is True else set(numbers),
                      min_gap=gap)
    if exit_mark and k < last and k > first:
        mark_exit(ax, pts[-1], (p[k], z[k]), lang, side="right" if p[0] < np.mean([w0, w1]) else "left")
    return len(pts)


def number_points(ax, pts, steps, surface, which=None, min_gap: float = 0.045):
    """The step number beside each point (only the steps in ``which`` when given), on the outer
    side of the curve's arm (outside the bowl: clear of the hops inside it; above it, on the
    inside, at the window's edge, so it never crosses the frame). A point with a
    later one close by is left unnumbered (a cluster near the minimum shows only its last step),
    as is one close to a numbered point. Closeness is measured in axes fractions."""
    (w0, w1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    uv = np.c_[(pts[:, 0] - w0) / (w1 - w0), (pts[:, 1] - y0) / (y1 - y0)]
    centre = float(surface.minima[0, 0]) if surface.minima.size else float(np.mean([w0, w1]))
    taken = []
    cand = np.array([which is None or i in which for i in steps])
    for j, ((w, z), i) in enumerate(zip(pts, steps)):
        if not cand[j]:
            continue
        later = uv[j + 1:][cand[j + 1:]]
        if (np.hypot(*(later - uv[j]).T) < min_gap).any() or any(np.hypot(*(uv[j] - v)) < min_gap for v in taken):
            continue
        near = abs(w - centre) < 0.08 * (w1 - w0)
        right = w > centre
        off = (0, 11) if near else ((9 if right else -9), -4)
        ha, va = ("center" if near else ("left" if right else "right")), ("bottom" if near else "top")
        if not near and min(uv[j, 0], 1 - uv[j, 0]) < 0.07:   # at the window's edge: above, on the inside
            off, ha, va = ((-5 if right else 5), 7), ("right" if right else "left"), "bottom"
        ax.annotate(str(i), xy=(w, z), xytext=off, textcoords="offset points", fontsize=9.5, color=style.INK,
                    ha=ha, va=va, zorder=6, gid="step number")
        taken.append(uv[j])


def zoom_inset(ax, surface, traj, colour, bounds, lang: str = "en", star=None, connect: bool = True):
    """The steps that clump at the minimum, magnified: an inset at ``bounds`` (axes fraction)
    showing the curve around the minimum, every step from the first inside that neighbourhood
    on, numbered, and the star; grey lines link it to the region it magnifies. The
    neighbourhood is the minimum's 6% of the window's width. ``star``: the minimum's marker
    style (default: the yellow :data:`STAR`). ``connect=False``: the region's box only, no lines
    to the inset (where they would cross a label)."""
    if not surface.minima.size:
        return None
    w0, w1 = ax.get_xlim()
    m = float(surface.minima[0, 0])
    near = np.flatnonzero(np.abs(traj.params[:, 0] - m) <= 0.06 * (w1 - w0))
    if len(near) < 3:
        return None
    first = int(near[0])
    half = 1.6 * max(float(np.abs(traj.params[first:, 0] - m).max()), 1e-12)
    inset = ax.inset_axes(bounds)
    w = np.linspace(m - half, m + half, 200)
    z = np.asarray(surface.value(w[:, None]), float)
    inset.plot(w, z, color="#444444", lw=1.6, zorder=1)
    pts = np.c_[traj.params[first:, 0], traj.loss[first:]]
    inset.plot(pts[:, 0], pts[:, 1], "o", color=colour, ms=4.5, mec="white", mew=0.6, zorder=4)
    zmin = float(surface.value(np.atleast_1d(m)))
    inset.set_xlim(m - half, m + half)
    inset.set_ylim(zmin - 0.25 * (z.max() - zmin), z.max() + 0.1 * (z.max() - zmin))
    inset.plot(m, zmin, zorder=3.5, **{**(STAR if star is None else star), "ms": 12})
    number_points(inset, pts, np.arange(first, len(traj.params)), surface, min_gap=0.09)
    inset.set_xticks([])
    inset.set_yticks([])
    for side in inset.spines.values():
        side.set_visible(True)
        side.set_color("#999999")
    inset.set_title(L("zoom near minimum", lang), fontsize=9, color=style.MUTED, pad=2)
    zoomed = ax.indicate_inset_zoom(inset, edgecolor="#999999", alpha=0.8)
    for line in zoomed.connectors if hasattr(zoomed, "connectors") else zoomed[1]:
        line.set_visible(line.get_visible() and connect)
    return inset


def centred_window(surface, points, grow: float = 1.15):
    """A 1-D window centred on the minimum that holds ``points`` (weights) with room around."""
    centre = float(surface.minima[0, 0]) if surface.minima.size else float(np.mean(surface.bounds[0]))
    half = grow * max(float(np.max(np.abs(np.asarray(points, float) - centre))), 1e-9)
    return np.array([[centre - half, centre + half]])


def set_curve_top(ax, surface, window, top=None):
    """The loss axis from just under 0 (or the curve's lowest point) to the curve's height at the
    window's edges (or ``top``); where the loss is not finite (log(w), 1/w) only its finite part counts."""
    (w0, w1), = window
    with np.errstate(all="ignore"):
        z = np.asarray(surface.value(np.linspace(w0, w1, 201)[:, None]), float)
    ok = np.isfinite(z) & (np.abs(z) <= 1e300)
    if not ok.any():
        return
    if top is None:
        edges = [float(v) for v, good in ((z[0], ok[0]), (z[-1], ok[-1])) if good]
        top = max(edges) if edges else float(z[ok].max())
    low = min(0.0, float(z[ok].min()))
    span = max(top - low, 1e-12)
    ax.set_ylim(low - 0.04 * span, top + 0.06 * span)


# -- the gradient step -------------------------------------------------------------------------
def plot_loss_curve(fig, runs, lang):
    """A 1-D loss curve with every gradient step and the tangent at the start (figures 2-5)."""
    s, t = runs.surface, runs.trajectories[0]
    if s.dim != 1:
        from ...errors import UserInputError

        raise UserInputError("loss-curve needs a 1-D surface such as 'parabola' or '(w-3)**2'")
    ax = fig.add_subplot()
    draw_loss_curve(ax, s, t, style.SERIES[0], tangents=1, max_points=len(t.params), lang=lang)
    mark_minimum(ax, s)
    ax.legend(loc="upper center")
    ax.set_title(f"{s.title[lang]}\n{L('lr', lang)} = {fmt_number(runs.rates[0])}{colon(lang)}{status_text(t, lang)}",
                 loc="left")
    axes_formula(ax, s)
    return fig


def plot_gradient_step(fig, runs, lang):
    """The course's figures 3-5: the start with its gradient and the negative gradient (left),
    then every gradient step down the curve (right)."""
    s, t = runs.surface, runs.trajectories[0]
    ax, ax2 = fig.subplots(1, 2, sharey=True)
    (w0, w1), = s.bounds
    room = 0.5 * (w1 - w0)     # the gradient arrow and its label on the start's side
    window = np.array([[w0 - room, w1]]) if t.params[0, 0] < (w0 + w1) / 2 else np.array([[w0, w1 + room]])
    draw_loss_curve(ax, s, None, lang=lang, window=window)
    draw_gradient_arrows(ax, s, float(t.params[0, 0]), lang=lang, window=window)
    mark_minimum(ax, s)
    ax.legend(loc="upper right", fontsize=9)          # off the arm that rises on the start's side
    ax.set_title(L("gradient and negative gradient", lang), fontsize=11.5)
    draw_loss_curve(ax2, s, t, style.SERIES[0], tangents=1, max_points=len(t.params), lang=lang, window=window)
    mark_minimum(ax2, s)
    ax2.set_ylabel("")
    ax2.legend(loc="upper right", fontsize=9)
    ax2.set_ylim(-0.06 * t.loss[0], 1.75 * t.loss[0])   # the start's neighbourhood, not the window's top
    head = L("gradient steps", lang)
    zoom_inset(ax2, s, t, style.SERIES[0], [0.05, 0.07, 0.3, 0.36], lang)
    ax2.set_title(f"{head.capitalize() if lang == 'en' else head}{colon(lang)}{L('lr', lang)} = "
                  f"{fmt_number(runs.rates[0])}{'，' if lang == 'zh' else ', '}{status_text(t, lang)}",
                  fontsize=11.5)
    title(fig, L("gradient step", lang).capitalize() if lang == "en" else L("gradient step", lang),
          _limits_text(s, analysis.regimes(s, t.params[0]), lang), formula(s))
    fig.subplots_adjust(top=0.8, wspace=0.08, left=0.06, right=0.98, bottom=0.12)
    rule_note(fig, runs, lang)
    return fig


# -- too small, Goldilocks, too large ----------------------------------------------------------
def plot_lr_triptych(fig, runs, lang):
    """Too small / Goldilocks / too large side by side, each with its rate and step count. In
    2-D every path stops at step ``info["compare"]``, so who is ahead shows at a glance."""
    s, cols = runs.surface, series_colours(runs.series)
    reg = runs.info.get("reg")
    k = runs.info.get("compare")
    axes = fig.subplots(1, 3, sharey=s.dim == 1)
    if s.dim == 1:
        window = fit_window(s, runs.trajectories, diverged_steps=6)
        window = centred_window(s, [*window[0]], grow=1.0)
    else:
        window = fit_window(s, [t for t in runs.trajectories if t.status != "diverged"])
    shown = runs.info.get("shown") or [None] * len(runs.rates)
    for ax, t, key, lr, c, num in zip(axes, runs.trajectories, runs.series, runs.rates, cols, shown):
        if s.dim == 1:
            draw_loss_curve(ax, s, None, lang=lang, window=window)
            set_curve_top(ax, s, window)
            n = len(t.params) - 1
            draw_steps(ax, s, t, c, upto=k, arrows=8, lang=lang,
                       numbers=True if n <= 12 or t.status == "diverged" else [0, 5, 10, 20, n])
        else:
            draw_contours(ax, s, window=window, lang=lang)
            _draw_first_steps(ax, t, c, k, window, lang, s.minima[0] if s.minima.size else None)
            ax.set_aspect("equal")
        mark_minimum(ax, s, zorder=3.5 if s.dim == 1 else 8)
        ax.set_title(f"{L(key, lang)}\n{rate_text(lr, reg, lang, num)}{colon(lang)}{status_text(t, lang)}",
                     color=c, fontweight="bold", fontsize=11.5)
    for ax in axes[1:]:
        ax.set_ylabel("")
    title(fig, L("lr triptych", lang), _limits_text(s, reg, lang), formula(s))
    fig.subplots_adjust(top=0.76, left=0.06, right=0.98, bottom=0.12, wspace=0.15 if s.dim == 1 else 0.25)
    rule_note(fig, runs, lang, L("lr first k", lang).format(k=k) if k else None)
    return fig


def _draw_first_steps(ax, traj, colour, k, window, lang, minimum=None):
    """A 2-D path up to step ``k`` (all of it when None): a dot per step, arrows on the first
    steps, the start hollow, the point at step k filled and labelled with its distance to the
    minimum; a path that leaves the window gets an arrow at the edge and 'diverged ✕' in the
    lower-right corner, off the path."""
    p = traj.params if k is None else traj.params[: k + 1]
    shown = clip_to_window(p, window)
    out = len(shown) < len(p) or not np.all((p >= window[:, 0]) & (p <= window[:, 1]))
    ax.plot(shown[:, 0], shown[:, 1], ls=line_style(colour), color=colour, lw=1.8, zorder=4, path_effects=HALO)
    dots = shown[:-1] if out else shown
    ax.plot(dots[:, 0], dots[:, 1], "o", color=colour, ms=3.6, mec=colour, zorder=4.5)
    if out:   # the step that leaves the picture
        ax.annotate("", xy=shown[-1], xytext=shown[-2], zorder=5, annotation_clip=False,
                    arrowprops=dict(arrowstyle="-|>", color=style.DIVERGED, lw=2, mutation_scale=15, shrinkA=0,
                                    shrinkB=0))
    for a, b in list(zip(shown[:-1], shown[1:]))[:6]:
        if np.linalg.norm((b - a) / np.ptp(window, axis=1)) > 0.04:
            ax.annotate("", xy=b, xytext=a, zorder=5, arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.3,
                                                                      mutation_scale=11, shrinkA=0, shrinkB=2))
    ax.plot(*p[0], "o", ms=8, mfc="white", mec=colour, mew=2, zorder=6)
    if out:
        ax.text(0.97, 0.04, L("diverged", lang) + (" ✕" if lang == "en" else ""), transform=ax.transAxes,
                ha="right", va="bottom", color=style.DIVERGED, fontsize=10, fontweight="bold", zorder=9,
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=style.DIVERGED, lw=0.8), gid="diverged")
        return
    ax.plot(*p[-1], "o", ms=7, color=colour, mec="white", mew=1.2, zorder=7)
    if k is not None and minimum is not None:
        d = float(np.linalg.norm(p[-1] - minimum))
        ax.text(0.5, 0.04, L("lr after k", lang).format(k=len(p) - 1, d=f"{d:.2g}"), transform=ax.transAxes,
                ha="center", va="bottom", color=colour, fontsize=9, fontweight="bold", zorder=9, gid="after k",
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=colour, lw=0.8))


def plot_lr_exercise(fig, runs, lang):
    """The course's exercise: each rate stepping on the same loss curve, with its step count.
    The converging rates share one window around the start; a diverging rate gets wider axes
    that show its first two steps and the third leaving the picture. The steps are numbered
    (a cluster at the bottom shows its last step)."""
    s = runs.surface
    reg = runs.info.get("reg")
    k = len(runs.trajectories)
    cols = 3 if k > 4 else k
    rows = (k + cols - 1) // cols
    gs = fig.add_gridspec(rows, cols, wspace=0.1, hspace=0.42)
    colours = series_colours(runs.series)
    conv = [t for t in runs.trajectories if t.status != "diverged"] or runs.trajectories
    window = centred_window(s, np.concatenate([t.params[:, 0] for t in conv]))
    axes, shared = [], None
    shown = runs.info.get("shown") or [fmt_number(r) for r in runs.rates]
    for i, (t, lr, key, c) in enumerate(zip(runs.trajectories, shown, runs.series, colours)):
        wide = t.status == "diverged"
        ax = fig.add_subplot(gs[i // cols, i % cols], sharex=None if wide else shared,
                             sharey=None if wide else shared)
        shared = shared if (wide or shared is not None) else ax
        axes.append(ax)
        win = centred_window(s, t.params[:3, 0], grow=1.1) if wide else window
        draw_loss_curve(ax, s, None, lang=lang, window=win)
        set_curve_top(ax, s, win)
        n = len(t.params) - 1
        draw_steps(ax, s, t, c, arrows=12, lang=lang, numbers=[0, 5, 10, 20, 40, n] if n > 12 and not wide else True)
        mark_minimum(ax, s)
        if wide:
            ax.text(0.72, 0.97, L("lr wider axes", lang), transform=ax.transAxes, ha="center", va="top", fontsize=9,
                    color=style.MUTED, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.9))
        ax.set_title(f"{L('lr', lang)} = {lr}{bracketed(L(key, lang), lang)}{colon(lang)}"
                     f"{status_text(t, lang)}", color=c, fontweight="bold", fontsize=11.5)
    for i, ax in enumerate(axes):
        wide = runs.trajectories[i].status == "diverged"
        if i % cols and not wide:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        if i // cols < rows - 1 and not wide:
            ax.set_xlabel("")
    sub = _limits_text(s, reg, lang)
    title(fig, L("lr exercise", lang), sub, formula(s))
    fig.subplots_adjust(top=0.83, left=0.06, right=0.985, bottom=0.08)
    rule_note(fig, runs, lang)
    return fig


def _limits_text(s, reg, lang):
    """The one threshold text of the learning-rate figures: 'Convex loss curve, L = 0.625: 1/L =
    1.6 reaches the minimum in one step; from 2/L = 3.2 on, every rate diverges' (in 2-D: the
    curvatures μ to L and the fastest fixed rate 2/(L+μ)); the surface's title alone without
    the regimes."""
    if reg is None:
        return s.title[lang]
    if reg.mu is not None and not np.isclose(reg.mu, reg.L):
        return L("lr limits 2d", lang).format(surface=s.title[lang], L=fmt_number(reg.L), mu=fmt_number(reg.mu),
                                              gold=f"{reg.goldilocks:.4g}", two=fmt_number(reg.diverge))
    return L("lr limits", lang).format(surface=s.title[lang], L=fmt_number(reg.L), one=fmt_number(1 / reg.L),
                                       two=fmt_number(reg.diverge))


# -- the sweep ---------------------------------------------------------------------------------
def plot_lr_sweep(fig, runs, lang):
    """Steps to converge against the rate (log axis with plain ticks and 1/L, 2/L), on bands
    coloured by regime, the fewest steps starred; rates that diverged (or did not converge) sit
    in a row of their own above, with no step count."""
    sw = runs.info["sweep"]
    r = sw.regimes
    conv = sw.status == "converged"
    other = ~conv
    gs = fig.add_gridspec(2, 1, height_ratios=[0.14, 1] if other.any() else [0.001, 1], hspace=0.05)
    ax = fig.add_subplot(gs[1])
    row = fig.add_subplot(gs[0], sharex=ax)
    top = max(float(sw.steps[conv].max()) if conv.any() else 1.0, 1.0)
    lo, hi = sw.lrs.min() / 1.15, sw.lrs.max() * 1.15
    edges = [lo, *r.band(), r.diverge, hi]
    for (a, b), g in zip(zip(edges[:-1], edges[1:]), ("too small", "goldilocks", "too large", "diverges")):
        if b > a:
            for axis in (ax, row):
                axis.axvspan(a, b, color=style.REGIME_COLOURS[g], alpha=0.10, lw=0, zorder=0)
            if g != "diverges":   # the diverged row names that band
                row.text(np.sqrt(a * b), 1.08, L(g, lang), transform=row.get_xaxis_transform(), ha="center",
                         va="bottom", fontsize=10, color=style.REGIME_COLOURS[g], fontweight="bold")
    ax.plot(sw.lrs[conv], sw.steps[conv], color="#999999", lw=1, zorder=2)
    cols = np.array([style.REGIME_COLOURS[g] for g in sw.regime])
    ax.scatter(sw.lrs[conv], sw.steps[conv], c=cols[conv], s=34, zorder=3, edgecolors="white", linewidths=0.6)
    reg_text = {"gold": "1/L" if not r.mu or r.mu == r.L else "2/(L+μ)"}
    if conv.any():
        best = sw.best()
        i = int(np.flatnonzero(sw.lrs == best)[0])
        ax.plot(best, sw.steps[i], zorder=4, gid="fewest", **STAR)
        what = f"{reg_text['gold']} = {fmt_number(best)}" if np.isclose(best, r.goldilocks) else fmt_number(best)
        n = int(sw.steps[i])
        steps = f"{n} {L('step' if n == 1 and lang == 'en' else 'steps', lang)}"
        ax.annotate(L("lr fewest", lang).format(n=steps, lr=f"{L('lr', lang)} = {what}"), xy=(best, sw.steps[i]),
                    xytext=(-24, 46), textcoords="offset points", ha="right", va="bottom", fontsize=10.5,
                    color=style.INK, fontweight="bold", zorder=6, bbox=BOX,
                    arrowprops=dict(arrowstyle="-|>", color=style.INK, lw=1.1, shrinkA=0, shrinkB=6))
    if other.any():
        div = sw.status == "diverged"
        row.scatter(sw.lrs[div], np.full(div.sum(), 0.5), marker="x", c=style.DIVERGED, s=46, zorder=3,
                    linewidths=2)
        row.scatter(sw.lrs[other & ~div], np.full((other & ~div).sum(), 0.5), marker="o", s=34, zorder=3,
                    facecolors="none", edgecolors="#777777")
        what = L("diverged", lang) + (" ✕" if lang == "en" else "") if not (other & ~div).any() else \
            f"{L('diverged', lang)} ✕ / {L('not converged', lang)} ○"
        first = min(float(sw.lrs[other].min()), r.diverge)     # clear of the 2/L line
        row.annotate(what, xy=(first, 0.5), xytext=(-8, 0), textcoords="offset points", ha="right", va="center",
                     fontsize=10, color=style.DIVERGED, fontweight="bold", zorder=4)
    row.set_ylim(0, 1)
    row.set_yticks([])
    row.tick_params(labelbottom=False, bottom=False)
    for side in row.spines.values():
        side.set_visible(other.any())
        side.set_color("#bbbbbb")
    row.set_visible(bool(other.any()))
    ax.set_ylim(0, top * 1.15)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    plain_log_axis(ax, "x", special=(r.goldilocks, r.diverge))
    ax.set_xlabel(L("learning rate", lang))
    ax.set_ylabel(L("steps to converge", lang))
    ax.grid(True, alpha=0.25)
    for axis in (ax, row):
        axis.axvline(r.goldilocks, color="#555555", ls="--", lw=1.2, zorder=2)
        axis.axvline(r.diverge, color="#555555", ls=":", lw=1.2, zorder=2)
    for x, name in ((r.goldilocks, reg_text["gold"]), (r.diverge, "2/L")):
        ax.annotate(f"{name} = {fmt_number(x)}", xy=(x, 0.5), xycoords=("data", "axes fraction"), xytext=(5, 0),
                    textcoords="offset points", rotation=90, ha="left", va="center", fontsize=10, color="#333333")
    title(fig, L("lr sweep", lang), _limits_text(runs.surface, r, lang), formula(runs.surface))
    fig.subplots_adjust(top=0.8, left=0.08, right=0.98, bottom=0.12)
    lo_b, hi_b = r.band()
    rule_note(fig, runs, lang, L("lr band", lang).format(lo=fmt_number(lo_b), hi=fmt_number(hi_b),
                                                                  b=f"{r.band_factor:.2g}"))
    return fig


# -- seed 004's tuning figure ------------------------------------------------------------------
def plot_lr_curves(fig, runs, lang):
    """Seed 004's tuning figure: the four rates' first steps on the loss curve (left; the
    diverging one leaves the picture) and the loss at every step (right; Goldilocks drawn
    thick and on top, the diverging one leaves the top)."""
    s = runs.surface
    reg = runs.info.get("reg")
    cols = series_colours(runs.series)
    shown = runs.info.get("shown") or [None] * len(runs.rates)
    labels = [f"{L(k, lang)}{'，' if lang == 'zh' else ', '}{rate_text(r, reg, lang, num)}" +
              ("" if k == "diverges" and t.status == "diverged" else f"{colon(lang)}{status_text(t, lang)}")
              for k, r, t, num in zip(runs.series, runs.rates, runs.trajectories, shown)]
    if s.dim == 1:
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        start = runs.trajectories[0].params[0, 0]
        window = centred_window(s, [start], grow=1.7)
        draw_loss_curve(ax, s, None, lang=lang, window=window)
        set_curve_top(ax, s, window)
        for t, c, key in zip(runs.trajectories, cols, runs.series):
            draw_steps(ax, s, t, c, upto=None if t.status == "diverged" else (8 if key == "too small" else 3),
                       arrows=8, lang=lang, start=False)
        ax.plot(start, runs.trajectories[0].loss[0], "o", ms=10, mfc="white", mec=style.INK, mew=2, zorder=6)
        mark_minimum(ax, s)
        ax.set_title(L("lr curves left", lang), fontsize=11.5, fontweight="bold", color=style.INK)
    else:
        ax2 = fig.add_subplot()
    start_loss = max(float(t.loss[0]) for t in runs.trajectories)
    order = sorted(range(len(runs.series)), key=lambda i: runs.series[i] == "goldilocks")   # Goldilocks on top
    for i in order:
        t, c, lab, key = runs.trajectories[i], cols[i], labels[i], runs.series[i]
        steps = np.arange(len(t.loss))
        gold = key == "goldilocks"
        ax2.plot(steps, t.loss, marker="o", ls=line_style(c), color=c, lw=3.6 if gold else 2, ms=5 if gold else 3,
                 label=lab, clip_on=True, zorder=5 if gold else 3, solid_capstyle="round")
        out = np.flatnonzero(t.loss > 1.3 * start_loss)
        if out.size:
            j = int(out[0])
            ax2.annotate(L("diverges", lang) + " ↑", xy=(steps[j - 1], 1.3 * start_loss), color=c,
                         fontsize=10, fontweight="bold", xytext=(8, -14), textcoords="offset points")
    handles, labs = ax2.get_legend_handles_labels()
    back = {lab: h for h, lab in zip(handles, labs)}
    ax2.set_ylim(-0.03 * start_loss, 1.35 * start_loss)
    n = max(len(t.loss) for t in runs.trajectories) - 1
    ax2.set_xlim(-0.02 * n, n)     # Goldilocks' one-step drop clear of the axis
    ax2.set_xlabel(L("parameter updates", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25)
    ax2.legend([back[lab] for lab in labels], labels, loc="upper right", fontsize=9.5)
    ax2.set_title(L("lr curves right", lang), fontsize=11.5, fontweight="bold", color=style.INK)
    title(fig, L("lr curves", lang), _limits_text(s, reg, lang), formula(s))
    fig.subplots_adjust(top=0.8, left=0.065, right=0.98, bottom=0.11, wspace=0.2)
    rule_note(fig, runs, lang)
    return fig


KINDS = {
    "loss-curve": ("single", plot_loss_curve, (800, 560), "1-D loss curve with every gradient step and the tangent"),
    "gradient-step": ("gradient-step", plot_gradient_step, (1200, 520),
                      "the gradient and negative gradient at the start, then the steps (figures 3-5)"),
    "lr-triptych": ("lr-triptych", plot_lr_triptych, (1200, 480), "too small / Goldilocks / too large side by side"),
    "lr-exercise": ("lr-exercise", plot_lr_exercise, (1200, 680),
                    "the course's exercise: each rate's steps on the loss curve with its step count"),
    "lr-sweep": ("sweep", plot_lr_sweep, (1100, 520), "steps to converge against the learning rate, by regime"),
    "lr-curves": ("lr-curves", plot_lr_curves, (1200, 540), "small, just right, large, very large: steps and loss"),
}
