"""Figures for the course's worked examples: the decaying rate eta/sqrt(t+1) (seed 004), the
Playground exercise at rate 3 (seed 001), one pass of GD against 20 SGD updates (seed 004),
fitting an intercept by its residuals (seed 002) and cross-entropy against the squared error
(seed 002). Each draws the runs of its lesson (``gdviz.lessons``) and nothing else."""
from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.ticker import LogLocator, MaxNLocator

from ... import analysis, style
from ...errors import UserInputError
from ...lessons.rates import misclassified
from ...style import fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_loss_curve, draw_path, plain_log_axis
from ..series import status_text
from .common import formula, rule_note, title
from .rates import _limits_text, centred_window, draw_steps, mark_minimum, set_curve_top, zoom_inset

BLUE, ORANGE = style.OKABE_ITO["blue"], style.OKABE_ITO["orange"]        # Playground's two classes
GREEN, VERMILLION = style.OKABE_ITO["green"], style.OKABE_ITO["vermillion"]


def _tint(colour, amount):
    """``colour`` mixed with white: 0 is white, 1 the colour itself."""
    return tuple(1 - amount * (1 - c) for c in to_rgb(colour))


# p(x) = 0 blue, 0.5 white, 1 orange: light tints, so the data points stand out on them
PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "gdviz-playground", [_tint(BLUE, 0.5), (1, 1, 1), _tint(ORANGE, 0.5)])


# -- lr-decay ----------------------------------------------------------------------------------
def plot_lr_decay(fig, runs, lang):
    """Seed 004's eta_t = eta / sqrt(t + 1): the constant rate eta stepping on the loss curve and
    bouncing away (left), the decaying rate from the same start settling (middle), and both
    schedules against t with the divergence limit 2/L (right)."""
    s = runs.surface
    if s is None or s.dim != 1:
        raise UserInputError("lr-decay needs a 1-D surface such as 'parabola' or '(w-3)**2'")
    i_c, i_d = runs.series.index("constant rate"), runs.series.index("decaying rate")
    const, decay = runs.trajectories[i_c], runs.trajectories[i_d]
    eta, lim = runs.rates[i_c], 2 / runs.info["L"]
    c_const, c_decay = VERMILLION, GREEN
    gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.12])
    ax1 = fig.add_subplot(gs[0])
    ax2 = fig.add_subplot(gs[1], sharey=ax1)
    ax3 = fig.add_subplot(gs[2])
    names = (f"{L('lr decay constant', lang)} η = {fmt_number(eta)}",
             f"{L('lr decay decaying', lang)} {fmt_number(eta)}/√(t+1)")
    # one window for both curves, centred on the minimum: the whole decaying run and the
    # constant run's first two bounces (its next step leaves the picture, marked "diverged")
    shown = [decay.params[:, 0], const.params[: (3 if const.status == "diverged" else None), 0]]
    window = centred_window(s, np.concatenate(shown), grow=1.1)
    for ax, t, c, name in ((ax1, const, c_const, names[0]), (ax2, decay, c_decay, names[1])):
        draw_loss_curve(ax, s, None, lang=lang, window=window)
        set_curve_top(ax, s, window)
        draw_steps(ax, s, t, c, numbers=True, lang=lang)
        mark_minimum(ax, s)
        ax.set_title(f"{name}\n{status_text(t, lang)}", color=c, fontweight="bold", fontsize=11.5)
        ax.grid(True, alpha=0.2)
    ax2.set_ylabel("")
    ax2.tick_params(labelleft=False)
    _draw_schedule(ax3, eta, lim, decay, c_const, c_decay, lang)
    sep = "，" if lang == "zh" else ", "
    sub = sep.join([_limits_text(s, analysis.regimes(s, const.params[0]), lang), f"η = {fmt_number(eta)}"])
    title(fig, L("lr decay title", lang), sub, formula(s))
    fig.subplots_adjust(top=0.78, left=0.055, right=0.985, bottom=0.12, wspace=0.2)
    rule_note(fig, runs, lang)
    return fig


def _draw_schedule(ax, eta, lim, decay, c_const, c_decay, lang):
    """eta_t against t: the constant eta, eta / sqrt(t + 1) with the decaying run's own rates as
    dots, and the band above 2/L where a constant rate diverges."""
    taken = np.asarray(decay.lr, dtype=float)
    T = max(20, 3 * len(taken))
    t = np.arange(T + 1)
    top = 1.2 * max(eta, lim)
    ax.axhspan(lim, top, color=VERMILLION, alpha=0.08, lw=0, zorder=0)
    ax.axhline(lim, color="#555555", ls=":", lw=1.3, zorder=1, gid="limit")
    ax.annotate(f"2/L = {fmt_number(lim)}", xy=(T, lim), xytext=(-2, 3), textcoords="offset points", ha="right",
                va="bottom", fontsize=10, color="#333333")
    ax.text(T, top * 0.985, L("lr decay above limit", lang), ha="right", va="top", fontsize=9.5,
            color=VERMILLION, fontweight="bold")
    ax.plot(t, np.full(t.shape, eta), color=c_const, lw=2.2, zorder=2, gid="rate-constant",
            label=f"{L('lr decay constant', lang)} η = {fmt_number(eta)}")
    ax.plot(t, eta / np.sqrt(t + 1), color=c_decay, lw=2, zorder=2, label="η / √(t+1)")
    ax.plot(np.arange(len(taken)), taken, "o", color=c_decay, ms=6, mec="white", mew=1, zorder=3, gid="rate-taken",
            label=L("lr decay steps taken", lang).format(n=len(taken)))
    for i in (0, 1):
        if i < len(taken):
            below = i and taken[i] < lim <= taken[0]     # the first rate past the limit, the next under it
            ax.annotate(fmt_number(taken[i]) + (" < 2/L" if below else ""), xy=(i, taken[i]),
                        xytext=(7, -3 if i else -13), textcoords="offset points", fontsize=9.5, color=c_decay,
                        fontweight="bold")
    ax.annotate(fmt_number(eta / np.sqrt(T + 1)), xy=(T, eta / np.sqrt(T + 1)), xytext=(0, 6),
                textcoords="offset points", ha="right", fontsize=9.5, color=c_decay)
    ax.set_xlim(-0.5, T + 0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_ylim(0, top)
    ax.set_xlabel(L("lr decay t", lang))
    ax.set_ylabel(L("lr decay eta t", lang))
    ax.grid(True, alpha=0.25)
    ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.52), fontsize=9.5)
    ax.set_title(L("lr decay schedule", lang), fontsize=11.5, fontweight="bold", color=style.INK)


# -- playground --------------------------------------------------------------------------------
def plot_playground(fig, runs, lang):
    """Seed 001's Playground exercise: loss against steps for the high rate and a lower one with
    the losses at the marked steps (left), and Playground's view of the model at those steps:
    the data over a background coloured by the predicted probability p(x) (right)."""
    s = runs.surface
    if s is None or getattr(s, "x", None) is None or s.dim != 2:
        raise UserInputError("playground needs the logistic-regression surface")
    marks = [int(m) for m in runs.info["marks"]]
    colours = [VERMILLION, GREEN, style.OKABE_ITO["purple"], style.OKABE_ITO["sky"]]
    k = len(runs.trajectories)
    rows = len(marks) * k
    gs = fig.add_gridspec(rows + 2, 2, width_ratios=[1, 1.12], height_ratios=[1] * rows + [0.3, 0.22],
                          hspace=0.6, wspace=0.16)
    ax = fig.add_subplot(gs[:, 0])
    for t, lr, c in zip(runs.trajectories, runs.rates, colours):
        steps = np.arange(len(t.loss))
        ax.plot(steps, t.loss, "-o", color=c, lw=1.8, ms=3, label=f"{L('lr', lang)} = {fmt_number(lr)}", zorder=3)
        for m in marks:
            if m < len(t.loss):
                ax.plot(m, t.loss[m], "o", ms=10, mfc="white", mec=c, mew=2.2, zorder=4, gid=f"mark {lr:g} {m}")
                above = _label_above(runs.trajectories, t, m)
                ax.annotate(f"{t.loss[m]:.3f}", xy=(m, t.loss[m]), xytext=(9, 8 if above else -14),
                            textcoords="offset points", fontsize=10, color=c, fontweight="bold", zorder=5,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for m in marks:
        ax.axvline(m, color="#888888", ls=":", lw=1.1, zorder=1)
        ax.text(m, 1.005, L("pg step n", lang).format(n=m), transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=9.5, color="#444444")
    ax.set_yscale("log")
    plain_log_axis(ax)
    lo = min(float(t.loss.min()) for t in runs.trajectories)
    hi = max(float(t.loss.max()) for t in runs.trajectories)
    ax.set_ylim(lo / 1.35, hi * 1.6)
    ax.set_xlim(0, max(len(t.loss) for t in runs.trajectories) - 1)
    ax.set_xlabel(L("step", lang))
    ax.set_ylabel(L("pg loss", lang))
    ax.grid(True, alpha=0.25, which="major")
    ax.legend(loc="upper right", fontsize=10)
    # Playground's view: one strip per (rate, marked step), on the same x axis
    x, y = np.asarray(s.x, float), np.asarray(s.y, float)
    pad = 0.08 * np.ptp(x)
    x0, x1 = x.min() - pad, x.max() + pad
    heights = 0.12 + 0.76 * np.random.default_rng(0).random(len(x))   # fixed jitter
    xs = np.linspace(x0, x1, 500)
    strips = []
    for i, (t, lr, c) in enumerate(zip(runs.trajectories, runs.rates, colours)):
        for j, m in enumerate(marks):
            sax = fig.add_subplot(gs[i * len(marks) + j, 1])
            strips.append(sax)
            w, b = t.params[min(m, len(t.params) - 1)]
            p = _sigmoid(w * xs + b)
            sax.imshow(p[None, :], extent=(x0, x1, 0, 1), aspect="auto", cmap=PROBABILITY_CMAP, vmin=0,
                       vmax=1, origin="lower", interpolation="bilinear", zorder=0, gid=f"strip {lr:g} {m}")
            for cls, col in ((0, BLUE), (1, ORANGE)):
                sel = y == cls
                sax.scatter(x[sel], heights[sel], s=22, color=col, edgecolors="white", linewidths=0.9, zorder=2)
            if w != 0 and x0 < -b / w < x1:
                sax.axvline(-b / w, color=style.INK, ls="--", lw=1.2, zorder=3, gid=f"boundary {lr:g} {m}")
            wrong = misclassified(s, (w, b))
            sax.set_xlim(x0, x1)
            sax.set_ylim(0, 1)
            sax.set_yticks([])
            for side in ("top", "right", "left"):
                sax.spines[side].set_visible(True)
                sax.spines[side].set_color("#bbbbbb")
            sax.set_title(L("pg strip", lang).format(lr=f"{L('lr', lang)} = {fmt_number(lr)}", n=m,
                                                    loss=f"{t.loss[m]:.3f}", wrong=wrong, total=len(x)),
                          loc="left", fontsize=10, color=c, fontweight="bold", pad=3)
            if (i, j) != (k - 1, len(marks) - 1):
                sax.tick_params(labelbottom=False)
    strips[-1].set_xlabel(L("pg feature", lang) + ("；" if lang == "zh" else "; ") + L("pg jitter", lang), labelpad=2)
    key = gs[-1, 1].subgridspec(1, 2, width_ratios=[0.4, 0.6], wspace=0.05)
    _probability_key(fig.add_subplot(key[0]), fig.add_subplot(key[1]), lang)
    sub = L("pg sub", lang)
    title(fig, L("pg title", lang).format(lr=fmt_number(runs.rates[0]), a=marks[0], b=marks[-1]), sub, formula(s))
    fig.subplots_adjust(top=0.83, left=0.06, right=0.985, bottom=0.085)
    return fig


def _label_above(trajectories, t, m):
    """Whether the loss of ``t`` at step ``m`` is labelled above its marker: with several runs the
    highest above and the lowest below, so the labels at one step never meet; a middle run (or a
    lone one) above where it peaks, below where it dips."""
    at = [u.loss[m] for u in trajectories if m < len(u.loss)]
    if len(at) > 1 and t.loss[m] in (max(at), min(at)):
        return t.loss[m] == max(at)
    return t.loss[m] >= np.median(t.loss[max(0, m - 2): m + 3])


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, float)))


def _probability_key(cax, lax, lang):
    """The key under the strips: the colours of p(x) from 0 (blue) to 1 (orange) on ``cax``; the
    two classes' dots and the dashed boundary p = 0.5 as a legend on ``lax``."""
    cax.imshow(np.linspace(0, 1, 256)[None, :], extent=(0, 1, 0, 1), aspect="auto", cmap=PROBABILITY_CMAP,
               origin="lower")
    cax.set_yticks([])
    cax.set_xticks([0, 0.5, 1])
    cax.set_xticklabels(["0", "0.5", "1"])
    cax.tick_params(labelsize=10, length=2, pad=1)
    for side in cax.spines.values():
        side.set_visible(True)
        side.set_color("#bbbbbb")
    cax.set_title(L("pg key", lang), fontsize=10.5, pad=3, loc="left", color=style.INK)
    lax.axis("off")
    handles = [lax.scatter([], [], s=34, color=BLUE, edgecolors="white", label=L("pg class 0", lang)),
               lax.scatter([], [], s=34, color=ORANGE, edgecolors="white", label=L("pg class 1", lang)),
               lax.plot([], [], "--", color=style.INK, lw=1.2, label=L("pg boundary", lang))[0]]
    lax.legend(handles=handles, loc="center left", bbox_to_anchor=(0, 0.25), frameon=False, fontsize=10, ncols=3,
               handlelength=1.5, columnspacing=1.0, handletextpad=0.4, borderaxespad=0)   # under the key's title


# -- sgd-epoch ---------------------------------------------------------------------------------
def plot_sgd_epoch(fig, runs, lang):
    """Seed 004: one pass over the data is one full-batch update (left) but n single-example
    updates (middle), from the same start on the same contours; the loss against examples
    processed (right) shows SGD ending far lower, and going up on some updates."""
    s = runs.surface
    i_f, i_s = runs.series.index("full batch"), runs.series.index("stochastic")
    full, sgd = runs.trajectories[i_f], runs.trajectories[i_s]
    n = int(runs.info["n_samples"])
    c_full, c_sgd = style.SERIES[0], VERMILLION
    pts = np.vstack([full.params, sgd.params, s.minima[:1]])
    lo, hi = pts.min(0), pts.max(0)
    c, half = (lo + hi) / 2, 0.6 * (hi - lo).max()
    window = np.stack([c - half, c + half], 1)           # square: round stays round
    gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.15])
    axes = [fig.add_subplot(gs[0]), fig.add_subplot(gs[1])]
    for ax, t, col, key in zip(axes, (full, sgd), (c_full, c_sgd), ("sgd full title", "sgd sgd title")):
        draw_contours(ax, s, window=window, lang=lang)
        draw_path(ax, t, col, surface=s, arrows=6, markers=True, lang=lang, window=window, lw=2.2)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(L(key, lang).format(k=t.n_steps, s="s" * (t.n_steps != 1)) + "\n" +
                     L("sgd loss change", lang).format(a=fmt_number(t.loss[0]), b=fmt_number(t.loss[-1])),
                     color=col, fontweight="bold", fontsize=11)
    axes[1].set_ylabel("")
    _label_point(axes[0], full.params[0], L("start", lang), (9, -4), ha="left")
    _label_point(axes[1], sgd.params[0], L("start", lang), (9, -4), ha="left")
    _label_point(axes[0], s.minima[0], L("minimum", lang), (0, 10), ha="center", va="bottom")
    _label_point(axes[1], s.minima[0], L("minimum", lang), (0, 10), ha="center", va="bottom")
    ax3 = fig.add_subplot(gs[2])
    per = runs.info["examples"]
    for t, col, every, key in ((full, c_full, per[i_f], "sgd full legend"), (sgd, c_sgd, per[i_s], "sgd sgd legend")):
        seen = np.arange(len(t.loss)) * every
        ax3.plot(seen, t.loss, "-", color=col, lw=2.2, drawstyle="steps-post" if every > 1 else "default",
                 label=L(key, lang).format(k=t.n_steps, s="s" * (t.n_steps != 1)), zorder=3, gid=key)
        ax3.plot(seen, t.loss, "o", color=col, ms=5 if every == 1 else 8, mec="white", mew=0.8, zorder=4)
        ax3.annotate(fmt_number(t.loss[-1]), xy=(seen[-1], t.loss[-1]), xytext=(-7, 0 if every > 1 else -4),
                     textcoords="offset points", ha="right", va="top" if every == 1 else "center", fontsize=10.5,
                     color=col, fontweight="bold", zorder=5)
    ups = np.flatnonzero(np.diff(sgd.loss) > 0) + 1
    ax3.plot(ups * per[i_s], sgd.loss[ups], "^", ms=9, mfc="none", mec=style.INK, mew=1.3, zorder=5, gid="ups",
             label=L("sgd ups", lang).format(k=len(ups), n=sgd.n_steps))
    ax3.set_yscale("log")
    plain_log_axis(ax3)
    allloss = np.concatenate([full.loss, sgd.loss])
    ax3.set_ylim(allloss.min() / 1.8, allloss.max() * 9)        # room above the curves for the legend
    # "one pass" is a dotted line from the axis up to the full batch's one update (under the
    # legend: no), its label left of the line, between the SGD curve's end and that update
    ax3.plot([n, n], [ax3.get_ylim()[0], full.loss[-1]], ls=":", color="#888888", lw=1.2, zorder=1, gid="one pass")
    ax3.annotate(L("sgd one pass", lang), xy=(n, float(np.sqrt(full.loss[-1] * sgd.loss[-1]))), xytext=(-7, 0),
                 textcoords="offset points", ha="right", va="center", rotation=90, fontsize=9.5, color="#444444")
    ax3.set_xlim(-0.6, n * 1.04)
    ax3.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax3.set_xlabel(L("examples processed", lang))
    ax3.set_ylabel(L("loss", lang))
    ax3.grid(True, alpha=0.25)
    ax3.legend(loc="upper right", fontsize=9.5)
    ax3.set_title(L("sgd loss title", lang), fontsize=11, fontweight="bold", color=style.INK)
    sub = L("sgd sub", lang).format(n=n, lr=fmt_number(runs.rates[0]))
    title(fig, L("sgd title", lang).format(n=n), sub, formula(s))
    fig.subplots_adjust(top=0.8, left=0.045, right=0.985, bottom=0.1, wspace=0.2)
    return fig


def _label_point(ax, xy, text, offset, ha="center", va="baseline"):
    ax.annotate(text, xy=xy, xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=9.5,
                color=style.INK, zorder=8, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))


# -- fit-line ----------------------------------------------------------------------------------
def plot_fit_line(fig, runs, lang):
    """Seed 002: the data with the start line and the least-squares line y = slope x + b, their
    residuals as vertical segments (left); the sum of squared residuals against b with every
    gradient step and the tangent at the start, the least-squares b marked (right)."""
    s, t = runs.surface, runs.trajectories[0]
    x, y = np.asarray(runs.info["x"], float), np.asarray(runs.info["y"], float)
    slope, best = float(runs.info["slope"]), float(runs.info["best"])
    b0, b1 = float(t.params[0, 0]), float(t.params[-1, 0])
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [0.9, 1.2]})
    # left: data, the start line and the line after descent, each with its residuals: the vertical
    # drop from each point to the line (the start's thin and dotted, under the fit's)
    pad = 0.35 * np.ptp(x)
    xs = np.array([min(0.0, x.min() - pad), x.max() + pad])
    for b, which, col, res_col in ((b0, "start", "#888888", "#999999"), (b1, "fit", style.SERIES[0], VERMILLION)):
        fit = which == "fit"
        sse = float(np.sum((y - (slope * x + b)) ** 2))
        ax.plot(xs, slope * xs + b, "-" if fit else "--", color=col, lw=2, zorder=2,
                label=L("fit final line" if fit else "fit start line", lang).format(b=f"{b:.3f}" if b else "0",
                                                                                   sse=f"{sse:.3f}"))
        for xi, yi in zip(x, y):
            ax.plot([xi, xi], [slope * xi + b, yi], color=res_col, lw=3 if fit else 1.4,
                    ls="-" if fit else (0, (2, 1.5)), zorder=3 if fit else 2.5, solid_capstyle="butt",
                    gid=f"residual {which}")
    ax.plot([], [], color=VERMILLION, lw=2.2, label=L("fit residuals", lang))
    ax.scatter(x, y, s=60, color=style.INK, zorder=5, edgecolors="white", linewidths=1, label=L("data", lang))
    for xi, yi in zip(x, y):
        r = yi - (slope * xi + b1)
        above = r * slope > 0      # on the side of the bar away from the rising or falling line
        ax.annotate(f"{r:+.2f}", xy=(xi, (yi + slope * xi + b1) / 2), xytext=(-6 if above else 6, 0),
                    textcoords="offset points", ha="right" if above else "left",
                    va="center", fontsize=9.5, color=VERMILLION, zorder=6,
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85))
    ax.set_xlim(*xs)
    ymin = min(0.0, float(np.min(slope * xs + min(b0, b1))), y.min())
    ymax = max(float(np.max(slope * xs + max(b0, b1))), y.max())
    ax.set_ylim(ymin - 0.08 * (ymax - ymin), ymax + 0.45 * (ymax - ymin))
    ax.set_xlabel("x")
    ax.set_ylabel("y", rotation=0, labelpad=8)
    ax.grid(True, alpha=0.25)
    ax.legend(loc="upper left", fontsize=9.5)
    ax.set_title(L("fit left title", lang).format(m=f"{slope:g}"), fontsize=11.5, fontweight="bold", color=style.INK)
    # right: loss against b with the steps and the tangent
    draw_loss_curve(ax2, s, t, style.SERIES[0], tangents=1, max_points=len(t.params), lang=lang)
    ax2.axvline(best, ymax=0.3, color=GREEN, ls="--", lw=1.4, zorder=2)   # short: clear of the step label
    ax2.annotate(L("fit least squares", lang).format(b=f"{best:.3f}"), xy=(best, 0.3),
                 xycoords=("data", "axes fraction"),
                 xytext=(6, 0), textcoords="offset points", ha="left", va="center", fontsize=10, color=GREEN,
                 fontweight="bold", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    ax2.plot(best, float(s.value([best])), "*", ms=15, color=GREEN, mec="white", mew=0.8, zorder=6, gid="least squares")
    zoom_inset(ax2, s, t, style.SERIES[0], [0.58, 0.48, 0.2, 0.26], lang, connect=False,
               star=dict(marker="*", color=GREEN, mec="white", mew=0.8, ls="none"))
    moves = np.abs(np.diff(t.params[:, 0]))
    shown = ", ".join(fmt_number(m) for m in moves[:3]) + (f", …, {fmt_number(moves[-1])}" if len(moves) > 3 else "")
    ax2.text(0.5, 0.84, L("fit step sizes", lang).format(steps=shown), transform=ax2.transAxes, ha="center", va="top",
             fontsize=9.5, color=style.INK, bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="#dddddd"))
    ax2.set_xlabel(L("fit intercept", lang))
    ax2.set_ylabel(L("fit sse", lang))
    ax2.grid(True, alpha=0.2)
    ax2.legend(loc="upper center", fontsize=9.5)
    ax2.set_title(L("fit right title", lang).format(lr=fmt_number(runs.rates[0]), steps=status_text(t, lang)),
                  fontsize=11.5, fontweight="bold", color=style.INK)
    sub = L("fit sub", lang).format(m=f"{slope:g}", b0=fmt_number(b0))
    title(fig, L("fit title", lang), sub, formula(s))
    fig.subplots_adjust(top=0.8, left=0.06, right=0.985, bottom=0.11, wspace=0.2)
    rule_note(fig, runs, lang)
    return fig


# -- cross-entropy -----------------------------------------------------------------------------
def plot_cross_entropy(fig, runs, lang):
    """Seed 002: -log p against (1 - p)^2 for the probability p of the true class, on a log p
    axis so that each tick is ten times more confidently wrong, the claim's p marked (left);
    binary cross-entropy for y = 1 and y = 0 against the predicted p (right): each grows
    without bound as the prediction becomes confidently wrong, the squared error stays below 1."""
    p0 = float(runs.info["p"])
    ce0, sq0 = -np.log(p0), (1 - p0) ** 2
    ax, ax2 = fig.subplots(1, 2)
    lo = min(p0 / 100, 1e-4)
    top = 1.15 * -np.log(lo)
    p = np.geomspace(lo, 1, 800)
    ax.plot(p, -np.log(p), color=VERMILLION, lw=2.4, label=L("ce log", lang), zorder=3)
    ax.plot(p, (1 - p) ** 2, color=style.SERIES[0], lw=2.4, label=L("ce square", lang), zorder=3)
    ax.set_xscale("log")
    plain_log_axis(ax, "x")
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.set_xlim(lo, 1)
    ax.set_ylim(0, top)
    ax.axvline(p0, color="#777777", ls=":", lw=1.2, zorder=1)
    ax.plot([p0, p0], [sq0, ce0], "o", color=style.INK, ms=7, mec="white", zorder=5, gid="claim points")
    ax.annotate(f"−log p = {ce0:.2f}", xy=(p0, ce0), xytext=(10, 6), textcoords="offset points", fontsize=11,
                color=VERMILLION, fontweight="bold", va="bottom")
    ax.annotate(f"(1 − p)² = {sq0:.2f}", xy=(p0, sq0), xytext=(8, -10), textcoords="offset points", fontsize=11,
                color=style.SERIES[0], fontweight="bold", va="top")
    ax.text(0.02, 0.985, L("ce more wrong", lang), transform=ax.transAxes, ha="left", va="top", fontsize=10,
            color=VERMILLION, fontweight="bold")
    ax.set_xlabel(L("ce p true", lang))
    ax.set_ylabel(L("loss", lang))
    ax.grid(True, alpha=0.25)
    ax.legend(loc="upper right", fontsize=10)
    ax.set_title(L("ce left title", lang), fontsize=11.5, fontweight="bold", color=style.INK)
    # right: binary cross-entropy against the predicted probability of class 1 (linear p)
    q = np.unique(np.concatenate([p, 1 - p]).clip(lo, 1 - lo))
    ytop = 0.75 * top
    for yv, col in ((1, VERMILLION), (0, style.OKABE_ITO["purple"])):
        target = q if yv == 1 else 1 - q                      # the probability given to the true class
        ax2.plot(q, -np.log(target), color=col, lw=2.4, label=L("ce bce", lang).format(y=yv), zorder=3)
        ax2.plot(q, (1 - target) ** 2, color=col, lw=1.5, ls="--", alpha=0.85, zorder=2,
                 label=L("ce bce square", lang).format(y=yv))
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, ytop)
    ax2.text(0.035, 0.62 * ytop, L("ce wrong y1", lang), ha="left", va="center", fontsize=10, color=VERMILLION)
    ax2.text(0.965, 0.62 * ytop, L("ce wrong y0", lang), ha="right", va="center", fontsize=10,
             color=style.OKABE_ITO["purple"])
    ax2.set_xlabel(L("ce p predicted", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25)
    ax2.legend(loc="upper center", fontsize=9.5, ncols=2)
    ax2.set_title(L("ce right title", lang), fontsize=11.5, fontweight="bold", color=style.INK)
    title(fig, L("ce title", lang), L("ce sub", lang), r"$L_{CE} = -\sum_i\, y_i \log p_i$")
    fig.subplots_adjust(top=0.8, left=0.06, right=0.985, bottom=0.11, wspace=0.18)
    return fig


KINDS = {
    "lr-decay": ("lr-decay", plot_lr_decay, (1400, 540),
                 "course note 004's eta/sqrt(t+1): a constant rate diverges, the decaying one settles"),
    "playground": ("playground", plot_playground, (1300, 640),
                   "course note 001's Playground exercise: rate 3 after 10 and 20 steps against a lower rate"),
    "sgd-epoch": ("sgd-epoch", plot_sgd_epoch, (1400, 560),
                  "one pass over the data: 1 gradient-descent update against 20 SGD updates"),
    "fit-line": ("fit-line", plot_fit_line, (1250, 560),
                 "residuals of y = 0.64x + b, and the sum of squares against b descended by gradient steps"),
    "cross-entropy": ("cross-entropy", plot_cross_entropy, (1200, 520),
                      "cross-entropy -log p against the squared error: a confident wrong answer costs without bound"),
}
