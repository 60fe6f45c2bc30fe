"""The effect of momentum's β (lesson ``momentum-beta``): the paths of a few βs at one learning
rate on the elongated bowl, and the steps every β from 0 to 0.99 needs, with Distill's √κ."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import colon, fmt_number, optimizer_name
from ...style import label as L
from ..animation import power_of_ten
from ..axes import HALO, draw_contours, draw_path, plain_log_axis
from ..geometry import fit_window
from .common import formula, title
from .paths import point_text


def beta_colours(n: int) -> list[str]:
    """One colour per β shown, from no momentum (gradient descent's blue) to the most."""
    return [style.BETA_COLOURS[min(i, len(style.BETA_COLOURS) - 1)] for i in range(n)]


def panel_title(beta: float, traj, lang: str) -> str:
    """'β = 0 (gradient descent): 160 steps'."""
    head = f"β = {beta:g}"
    if beta == 0:
        head += style.bracketed(optimizer_name("gd", lang), lang)
    n = int(traj.n_steps)
    steps = f"{n} {L('steps', lang)}" if traj.status == "converged" else f"{n}+ {L('steps', lang)}"
    return f"{head}{colon(lang)}{steps}"


def _paths(fig, area, runs, lang, cols):
    """One small panel per β shown, all on the same window (the paths at the same scale)."""
    s = runs.surface
    window = fit_window(s, runs.trajectories, include_bounds=False, margin=0.06)
    n = len(runs.trajectories)
    per_row = 2 if n > 2 else n
    rows = -(-n // per_row)
    grid = area.subgridspec(rows, per_row, wspace=0.12, hspace=0.3)
    axes = []
    for i, (traj, c) in enumerate(zip(runs.trajectories, cols)):
        ax = fig.add_subplot(grid[i // per_row, i % per_row])
        draw_contours(ax, s, window=window, lang=lang)
        beta = float(traj.hyperparams.get("momentum", 0.0) or 0.0)
        draw_path(ax, traj, c, surface=s, arrows=0, markers=traj.n_steps <= 200, lang=lang,
                  lw=1.5 if traj.n_steps <= 300 else 0.7, window=window)
        ax.set_aspect("equal", adjustable="box")
        ax.tick_params(labelsize=8)
        ax.set_xlabel(ax.get_xlabel() if i // per_row == rows - 1 else "", fontsize=9, labelpad=1)
        ax.set_ylabel(ax.get_ylabel() if i % per_row == 0 else "", fontsize=9)
        if i // per_row != rows - 1:
            ax.tick_params(labelbottom=False)
        if i % per_row:
            ax.tick_params(labelleft=False)
        ax.set_title(panel_title(beta, traj, lang), fontsize=10, color=c, fontweight="bold", loc="left")
        axes.append(ax)
    return axes


def _chart(ax, runs, lang, cols):
    """Steps to converge against β (log scale): every β of the grid, the ones drawn as paths in
    their colours, the fewest starred; under it, Distill's best settings for each method."""
    info = runs.info
    grid, steps, ok = info["grid"], info["steps"], info["status"] == "converged"
    ax.plot(grid[ok], steps[ok], "-o", color=style.MUTED, ms=2.6, lw=1.2, zorder=3)
    if (~ok).any():
        ax.plot(grid[~ok], steps[~ok], "x", color=style.DIVERGED, ms=6, zorder=3)
    k = int(np.argmin(np.where(ok, steps, np.iinfo(int).max)))
    for traj, c in zip(runs.trajectories, cols):
        b = float(traj.hyperparams.get("momentum", 0.0) or 0.0)
        n = int(traj.n_steps)
        ax.plot(b, n, "o", ms=9, color=c, mec="white", mew=1.2, zorder=5)
        right = b < 0.8
        ax.annotate(f"{n}", (b, n), xytext=(12 if right else -10, 3), textcoords="offset points",
                    ha="left" if right else "right", va="bottom", fontsize=10, color=c, fontweight="bold",
                    path_effects=HALO, zorder=6)
    ax.plot(grid[k], steps[k], "*", ms=17, color=style.OKABE_ITO["yellow"], mec=style.INK, mew=0.9, zorder=6)
    ax.annotate(L("beta fewest", lang).format(n=int(steps[k]), b=f"{grid[k]:g}"), (grid[k], steps[k]),
                xytext=(0, -16), textcoords="offset points", ha="center", va="top", fontsize=9.5, color=style.INK,
                path_effects=HALO, zorder=6)
    ax.set_yscale("log")
    ax.set_ylim(steps[ok].min() / 1.9, steps[ok].max() * 1.6)
    plain_log_axis(ax)
    ax.set_xlim(-0.03, 1.0)
    ax.set_xlabel("β")
    ax.set_ylabel(L("steps to converge", lang) + L("log scale", lang), fontsize=10)
    ax.grid(True, alpha=0.25, which="both")
    ax.text(0.03, 0.97, f"{L('beta damped note', lang)}\n{L('beta too much note', lang)}", transform=ax.transAxes,
            fontsize=9.5, color=style.MUTED, ha="left", va="top", linespacing=1.5)
    ax.set_title(L("beta chart", lang).format(lr=fmt_number(info["lr"])), fontsize=11, loc="left")


def distill_text(runs, lang: str) -> str:
    """Distill's √κ in words, with the runs' numbers (the lesson's "sqrt-kappa" claim)."""
    info = runs.info
    d = info["distill"]
    c = next((c for c in runs.claims if c.key == "sqrt-kappa"), None)
    if c is None:               # no geometric rates to compare (e.g. κ = 1: one step each)
        return ""
    speed = c.numbers["speed"]
    return L("beta distill", lang).format(
        kappa=f"{info['kappa']:g}", root=f"{np.sqrt(info['kappa']):.2f}", a=f"{d['lr_gd']:g}",
        n_gd=int(d["gd"].n_steps), am=f"{d['lr_mo']:g}", bm=f"{d['beta_mo']:g}", n_mo=int(d["momentum"].n_steps),
        r_gd=f"{d['rate_gd']:.3f}", r_mo=f"{d['rate_mo']:.3f}", speed=f"{speed:.1f}")


def plot_momentum_beta(fig, runs, lang):
    """The paths of the βs shown (left, one panel each, same window) and the steps of every β
    against β (right), Distill's best settings in words under the chart."""
    s = runs.surface
    cols = beta_colours(len(runs.trajectories))
    outer = fig.add_gridspec(1, 2, width_ratios=[1.22, 1], wspace=0.14, left=0.045, right=0.985, top=0.84,
                             bottom=0.08)
    _paths(fig, outer[0], runs, lang, cols)
    right = outer[1].subgridspec(2, 1, height_ratios=[2.4, 1], hspace=0.3)
    _chart(fig.add_subplot(right[0]), runs, lang, cols)
    box = fig.add_subplot(right[1])
    box.axis("off")
    box.text(0.0, 1.0, distill_text(runs, lang), transform=box.transAxes, fontsize=9.5, va="top", ha="left",
             color=style.INK, linespacing=1.5)
    tol = float(runs.trajectories[0].meta.get("tol", s.tol))
    shown = power_of_ten(tol) if tol > 0 and float(np.log10(tol)).is_integer() else f"{tol:g}"
    sub = L("beta sub", lang).format(surface=s.title[lang], start=point_text(runs.info["start"]),
                                     lr=fmt_number(runs.info["lr"]), tol=shown)
    title(fig, L("beta title", lang), sub, formula(s))
    return fig


KINDS = {
    "momentum-beta": ("momentum-beta", plot_momentum_beta, (1400, 700),
                      "momentum's β from 0 to 0.99 at one rate: paths, steps against β, Distill's √κ"),
}
