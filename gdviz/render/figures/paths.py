"""Figures that compare paths: plain paths, optimizer races, momentum, Adagrad, a saddle."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import fmt_number, optimizer_name
from ...style import label as L
from ..axes import draw_contours, draw_loss_curve, draw_loss_vs_step, draw_path, draw_surface_3d
from ..geometry import fit_window
from ..series import layered_widths, series_colours, series_label, status_text
from .common import axes_formula, formula, title


def plot_path(fig, runs, lang):
    """Paths on the contour plot (2-D) or on the loss curve (1-D)."""
    s, cols = runs.surface, series_colours(runs.series)
    ax = fig.add_subplot()
    if s.dim == 1:
        for t, c in zip(runs.trajectories, cols):
            draw_loss_curve(ax, s, t, c, lang=lang)
    else:
        draw_contours(ax, s, lang=lang)
        widths = layered_widths(len(runs.trajectories))
        for t, key, c, lr, lw in zip(runs.trajectories, runs.series, cols, runs.rates or [None] * 99, widths):
            lab = (f"{series_label(key, lang)} ({L('lr', lang)} = {fmt_number(lr)}): {status_text(t, lang)}"
                   if lr else None)
            draw_path(ax, t, c, label=lab, surface=s, lang=lang, lw=lw)
        if any(runs.rates or []):
            ax.legend(loc="upper right")
    ax.set_title(s.title[lang], loc="left")
    axes_formula(ax, s)
    return fig


def plot_loss_vs_step(fig, runs, lang):
    """Loss against step for each run."""
    ax = fig.add_subplot()
    labels = [series_label(k, lang, r) for k, r in zip(runs.series, runs.rates or [None] * len(runs.series))]
    draw_loss_vs_step(ax, runs.trajectories, labels, series_colours(runs.series), lang=lang)
    ax.legend()
    ax.set_title(runs.surface.title[lang])
    return fig


def plot_surface_3d(fig, runs, lang):
    """The surface in 3-D with the path on it."""
    s = runs.surface
    if s.dim != 2:
        from ...errors import UserInputError

        raise UserInputError("surface-3d needs a 2-D surface")
    ax = fig.add_subplot(projection="3d")
    draw_surface_3d(ax, s, runs.trajectories[0], series_colours(runs.series)[0], lang=lang)
    ax.set_title(s.title[lang])
    return fig


def race_panels(fig, runs, lang, heading, sub=None):
    """Paths on the contours (left) and loss against step (right), one colour per optimizer;
    paths are drawn widest first so none hides another."""
    s, cols = runs.surface, series_colours(runs.series)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    window = fit_window(s, runs.trajectories)
    draw_contours(ax, s, window=window, lang=lang)
    labels = [series_label(k, lang, lr) for k, lr in zip(runs.series, runs.rates)]
    for t, c, lw in zip(runs.trajectories, cols, layered_widths(len(runs.trajectories))):
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lang=lang, lw=lw, window=window)
    ax.set_aspect("equal", adjustable="box")
    draw_loss_vs_step(ax2, runs.trajectories, [f"{lab}: {status_text(t, lang)}" for lab, t in
                                               zip(labels, runs.trajectories)], cols, lang=lang)
    ax2.legend(loc="upper right", fontsize=9)
    ax.set_title(s.title[lang], fontsize=11)
    ax2.set_title(L("loss", lang), fontsize=11)
    title(fig, heading, sub or s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.22, left=0.05, right=0.98, bottom=0.1)
    return fig


def plot_race(fig, runs, lang):
    """Several optimizers on one contour plot, with a synchronised loss-vs-step panel."""
    return race_panels(fig, runs, lang, L("optimizer race", lang))


def plot_momentum(fig, runs, lang):
    """Gradient descent and momentum at the same rate: momentum rolls along the valley."""
    beta, lr = runs.info.get("beta"), runs.rates[0]
    sub = f"{L('same rate', lang)}: {L('lr', lang)} = {fmt_number(lr)} · β = {fmt_number(beta)}"
    return race_panels(fig, runs, lang, L("momentum title", lang), sub)


def plot_adaptive(fig, runs, lang):
    """Adagrad vs a fixed rate: the paths, and Adagrad's per-coordinate rate shrinking."""
    s = runs.surface
    ax, ax2 = fig.subplots(1, 2)
    window = fit_window(s, runs.trajectories)
    draw_contours(ax, s, window=window, lang=lang)
    ada, fixed = runs.trajectories
    cols = [style.colour("adagrad"), style.colour("gd")]
    draw_path(ax, fixed, cols[1], surface=s, arrows=3, lang=lang, lw=3.4, window=window,
              label=f"{optimizer_name('gd', lang)} ({L('lr', lang)} = {fmt_number(runs.rates[1])}): "
                    f"{status_text(fixed, lang)}")
    draw_path(ax, ada, cols[0], surface=s, arrows=3, lang=lang, lw=2.0, window=window, zorder=8,
              label=f"Adagrad (η = {fmt_number(runs.rates[0])}): {status_text(ada, lang)}")
    ax.set_aspect("equal", adjustable="box")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=9, frameon=False)
    eff = runs.info["effective"]
    steps = np.arange(1, len(eff) + 1)
    for k, ls in zip(range(s.dim), ("-", "--")):
        ax2.plot(steps, eff[:, k], color=cols[0], ls=ls, lw=2,
                 label=f"Adagrad: η / √Σg²  (${s.variables[k]}$)")
    ax2.axhline(runs.rates[1], color=cols[1], lw=1.6, label=L("fixed rate", lang))
    ax2.set_yscale("log")
    ax2.set_xlabel(L("step", lang))
    ax2.set_ylabel(L("effective rate", lang))
    ax2.grid(True, alpha=0.25, which="both")
    ax2.legend(fontsize=9)
    title(fig, L("adaptive", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.2)
    return fig


def plot_saddle(fig, runs, lang):
    """Two starts near a saddle: one stalls on it; one lingers on the plateau, then escapes."""
    s = runs.surface
    cols = ([style.OKABE_ITO["vermillion"], style.OKABE_ITO["blue"]] if len(runs.trajectories) == 2
            else series_colours(runs.series))
    ax, ax2 = fig.subplots(1, 2)
    draw_contours(ax, s, lang=lang)
    for x, y in s.saddles:
        ax.plot(x, y, "X", ms=10, color="#333333", zorder=9)
        ax.annotate(L("saddle point", lang), (x, y), xytext=(10, 8), textcoords="offset points", fontsize=10,
                    zorder=9, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    labels = [L(k, lang) for k in runs.series]
    for t, c in zip(runs.trajectories, cols):
        draw_path(ax, t, c, surface=s, arrows=3, markers=False, lang=lang)
    ax.set_aspect("equal", adjustable="box")
    draw_loss_vs_step(ax2, runs.trajectories, labels, cols, lang=lang, log=False)
    ax2.legend(loc="upper right", fontsize=9)
    title(fig, L("saddle", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.1)
    return fig


KINDS = {
    "path": ("single", plot_path, (800, 600), "paths on the contour plot (2-D) or the loss curve (1-D)"),
    "loss-vs-step": ("single", plot_loss_vs_step, (800, 520), "loss against step for each run"),
    "surface-3d": ("single", plot_surface_3d, (800, 640), "the surface in 3-D with the path on it"),
    "race": ("race", plot_race, (1200, 560), "optimizer race: paths and loss against step"),
    "momentum": ("momentum", plot_momentum, (1200, 560), "gradient descent and momentum at the same rate"),
    "adaptive": ("adaptive", plot_adaptive, (1200, 580), "Adagrad's per-coordinate rate shrinking"),
    "saddle": ("saddle", plot_saddle, (1200, 540), "stalling at a saddle point, or a plateau and escape"),
}
