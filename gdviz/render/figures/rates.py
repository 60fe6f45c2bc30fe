"""Figures about the gradient step and the learning rate (the course's figures 2-8, the
exercise, seed 004's tuning figure, the sweep)."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import colon, fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_gradient_arrows, draw_loss_curve, draw_path
from ..geometry import fit_window
from ..series import series_colours, status_text
from .common import axes_formula, formula, title


def plot_loss_curve(fig, runs, lang):
    """A 1-D loss curve with every gradient step and the tangent at the start (figures 2-5)."""
    s, t = runs.surface, runs.trajectories[0]
    if s.dim != 1:
        from ...errors import UserInputError

        raise UserInputError("loss-curve needs a 1-D surface such as 'parabola' or '(w-3)**2'")
    ax = fig.add_subplot()
    draw_loss_curve(ax, s, t, style.SERIES[0], tangents=1, max_points=len(t.params), lang=lang)
    ax.legend(loc="upper center")
    ax.set_title(f"{s.title[lang]}\n{L('lr', lang)} = {fmt_number(runs.rates[0])} · {status_text(t, lang)}",
                 loc="left")
    axes_formula(ax, s)
    return fig


def plot_gradient_step(fig, runs, lang):
    """The course's figures 3-5: the start with its gradient and the negative gradient (left),
    then every gradient step down the curve (right)."""
    s, t = runs.surface, runs.trajectories[0]
    ax, ax2 = fig.subplots(1, 2, sharey=True)
    (w0, w1), = s.bounds
    window = np.array([[w0 - 0.3 * (w1 - w0), w1]]) if t.params[0, 0] < (w0 + w1) / 2 else \
        np.array([[w0, w1 + 0.3 * (w1 - w0)]])   # room for the gradient arrow on the start's side
    draw_loss_curve(ax, s, None, lang=lang, window=window)
    draw_gradient_arrows(ax, s, float(t.params[0, 0]), lang=lang, window=window)
    ax.set_title(L("gradient and negative gradient", lang), fontsize=11.5)
    draw_loss_curve(ax2, s, t, style.SERIES[0], tangents=1, max_points=len(t.params), lang=lang, window=window)
    ax2.set_ylabel("")
    ax2.legend(loc="upper center", fontsize=9)
    ax2.set_ylim(-0.06 * t.loss[0], 1.75 * t.loss[0])   # the start's neighbourhood, not the window's top
    ax2.set_title(f"{L('gradient steps', lang).capitalize()}{colon(lang)}{L('lr', lang)} = "
                  f"{fmt_number(runs.rates[0])} · {status_text(t, lang)}", fontsize=11.5)
    title(fig, L("gradient step", lang).capitalize() if lang == "en" else L("gradient step", lang),
          s.title[lang], formula(s))
    fig.subplots_adjust(top=0.8, wspace=0.08, left=0.06, right=0.98, bottom=0.12)
    return fig


def plot_lr_triptych(fig, runs, lang):
    """Too small / Goldilocks / too large side by side, each with its rate and step count."""
    s, cols = runs.surface, series_colours(runs.series)
    axes = fig.subplots(1, 3, sharey=s.dim == 1)
    window = fit_window(s, runs.trajectories, diverged_steps=6)
    for ax, t, key, lr, c in zip(axes, runs.trajectories, runs.series, runs.rates, cols):
        if s.dim == 1:
            draw_loss_curve(ax, s, t, c, lang=lang, window=window, max_points=len(t.params))
        else:
            draw_contours(ax, s, window=window, lang=lang)
            draw_path(ax, t, c, surface=s, lang=lang, window=window)
            ax.set_aspect("equal")
        ax.set_title(f"{L(key, lang)}\n{L('lr', lang)} = {fmt_number(lr)} · {status_text(t, lang)}",
                     color=c, fontweight="bold", fontsize=11.5)
    for ax in axes[1:]:
        ax.set_ylabel("")
    title(fig, L("lr triptych", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.76, left=0.06, right=0.98, bottom=0.12, wspace=0.15 if s.dim == 1 else 0.25)
    return fig


def plot_lr_exercise(fig, runs, lang):
    """The course's exercise: each rate stepping on the same loss curve, with its step count."""
    s = runs.surface
    k = len(runs.trajectories)
    cols = 3 if k > 4 else k
    axes = np.atleast_1d(fig.subplots((k + cols - 1) // cols, cols, sharex=True, sharey=True)).ravel()
    window = fit_window(s, runs.trajectories, diverged_steps=1)
    colours = series_colours(runs.series)
    for ax, t, lr, c in zip(axes, runs.trajectories, runs.rates, colours):
        draw_loss_curve(ax, s, t, c, lang=lang, window=window, max_points=len(t.params), arrows_max=12)
        ax.set_title(f"{L('lr', lang)} = {fmt_number(lr)}{colon(lang)}{status_text(t, lang)}", color=c,
                     fontweight="bold", fontsize=11.5)
    for ax in axes[k:]:
        ax.set_visible(False)
    for ax in axes:
        if ax not in axes[::cols]:
            ax.set_ylabel("")
        if ax not in axes[-cols:]:
            ax.set_xlabel("")
    title(fig, L("lr exercise", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, left=0.06, right=0.98, bottom=0.08, wspace=0.08, hspace=0.35)
    return fig


def plot_lr_sweep(fig, runs, lang):
    """Steps to converge against the rate (log axis), on bands coloured by regime; diverged
    rates sit in a labelled band at the top, never on the steps axis."""
    sw = runs.info["sweep"]
    r = sw.regimes
    ax = fig.add_subplot()
    conv = sw.status == "converged"
    top = max(float(sw.steps[conv].max()) if conv.any() else 1.0, 1.0)
    lo, hi = sw.lrs.min() / 1.15, sw.lrs.max() * 1.15
    edges = [lo, *r.band(), r.diverge, hi]
    for (a, b), g in zip(zip(edges[:-1], edges[1:]), ("too small", "goldilocks", "too large", "diverges")):
        if b > a:
            ax.axvspan(a, b, color=style.REGIME_COLOURS[g], alpha=0.10, lw=0, zorder=0)
            ax.text(np.sqrt(a * b), 1.01, L(g, lang), transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize=9.5, color=style.REGIME_COLOURS[g], fontweight="bold")
    ax.plot(sw.lrs[conv], sw.steps[conv], color="#999999", lw=1, zorder=2)
    cols = np.array([style.REGIME_COLOURS[g] for g in sw.regime])
    ax.scatter(sw.lrs[conv], sw.steps[conv], c=cols[conv], s=34, zorder=3, edgecolors="white", linewidths=0.6)
    band_y = top * 1.25
    other = ~conv
    if other.any():  # diverged or out of steps: a band above the steps axis, not a step count
        ax.axhspan(top * 1.12, top * 1.4, color="#f4f4f4", zorder=1, lw=0)
        div = sw.status == "diverged"
        ax.scatter(sw.lrs[div], np.full(div.sum(), band_y), marker="x", c=style.DIVERGED, s=40, zorder=3)
        ax.scatter(sw.lrs[other & ~div], np.full((other & ~div).sum(), band_y), marker="o", s=30, zorder=3,
                   facecolors="none", edgecolors="#777777")
        what = L("diverged", lang) if div.all() or not (other & ~div).any() else \
            f"{L('diverged', lang)} ✕ / {L('not converged', lang)} ○"
        ax.text(0.01, band_y, what, transform=ax.get_yaxis_transform(), va="center", fontsize=9.5,
                color=style.DIVERGED, fontweight="bold")
    ax.set_ylim(0, top * 1.4)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_xlabel(L("learning rate", lang))
    ax.set_ylabel(L("steps to converge", lang))
    ax.grid(True, alpha=0.25, which="both")
    for x, name, ls in ((r.goldilocks, "2/(L+μ)" if r.mu and r.mu != r.L else "1/L", "--"), (r.diverge, "2/L", ":")):
        ax.axvline(x, color="#555555", ls=ls, lw=1.2, zorder=2)
        ax.annotate(name, xy=(x, top * 1.05), xytext=(4, 0), textcoords="offset points", fontsize=10,
                    color="#333333", va="center")
    sub = f"L = {fmt_number(r.L)} · {L('goldilocks', lang)} {fmt_number(r.goldilocks)} · 2/L = {fmt_number(r.diverge)}"
    title(fig, L("lr sweep", lang), sub)
    fig.subplots_adjust(top=0.8, left=0.08, right=0.98, bottom=0.12)
    return fig


def plot_lr_curves(fig, runs, lang):
    """Seed 004's tuning figure: the four rates stepping on the loss curve (left) and the loss
    against steps (right; the diverging one leaves the top of the picture)."""
    s = runs.surface
    cols = series_colours(runs.series)
    labels = [f"{L(k, lang)}{colon(lang)}{L('lr', lang)} = {fmt_number(r)}" for k, r in zip(runs.series, runs.rates)]
    if s.dim == 1:
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        window = fit_window(s, runs.trajectories, diverged_steps=3)
        draw_loss_curve(ax, s, None, lang=lang, window=window)
        for t, c in zip(runs.trajectories, cols):
            draw_loss_curve(ax, s, t, c, lang=lang, max_points=4, curve=False, start=False, window=window)
        ax.plot(*(runs.trajectories[0].params[0, 0], runs.trajectories[0].loss[0]), "o", ms=9, mfc="white",
                mec="#333333", mew=2, zorder=6)
    else:
        ax2 = fig.add_subplot()
    start_loss = max(float(t.loss[0]) for t in runs.trajectories)
    for t, c, lab in zip(runs.trajectories, cols, labels):
        steps = np.arange(len(t.loss))
        ax2.plot(steps, t.loss, "-o", color=c, lw=2, ms=3, label=lab, clip_on=True)
        out = np.flatnonzero(t.loss > 1.3 * start_loss)
        if out.size:
            i = int(out[0])
            ax2.annotate(L("diverges", lang) + " ↑", xy=(steps[i - 1], 1.3 * start_loss), color=c,
                         fontsize=10, fontweight="bold", xytext=(6, -14), textcoords="offset points")
    ax2.set_ylim(-0.03 * start_loss, 1.35 * start_loss)
    ax2.set_xlim(0, max(len(t.loss) for t in runs.trajectories) - 1)
    ax2.set_xlabel(L("parameter updates", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25)
    ax2.legend(loc="upper right", fontsize=9.5)
    title(fig, L("lr curves", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, left=0.06, right=0.98, bottom=0.11, wspace=0.2)
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
