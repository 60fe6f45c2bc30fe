"""SGD with momentum as the course notes' code (lesson ``sgd-momentum-code``): the very source of
:func:`gdviz.lessons.listing.sgd` typeset (left) with one update's terms in the run's numbers,
and the paths that code takes with β and with β = 0 (right)."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from ... import style
from ...lessons.listing import LINES, SOURCE
from ...style import colon
from ...style import label as L
from ..axes import HALO, arrow, draw_contours, draw_path
from ..geometry import fit_window
from .common import formula, title
from .rates import mark_minimum

MOMENTUM, PLAIN = style.OPTIMIZER_COLOURS["momentum"], style.OPTIMIZER_COLOURS["sgd"]
PUSH, CARRIED, STEP = style.OKABE_ITO["vermillion"], style.OKABE_ITO["blue"], style.INK
MONO = "DejaVu Sans Mono"


def vec(v) -> str:
    """A parameter vector as the listing prints it: '(−91.77, −73.68)'."""
    return "(" + ", ".join(f"{float(x):.4g}".replace("-", "−") for x in v) + ")"


def update_lines(info, lr: float) -> list[tuple[str, str]]:
    """Update ``info["show"]`` of the code, term by term with the run's numbers: (text, colour)."""
    k, beta = info["show"], info["beta"]
    prev = info["momenta"][k - 1] if k else np.zeros_like(info["grads"][k])
    p0, p1 = info["points"][k], info["points"][k + 1]
    return [
        (f"gradient(theta_vector) = {vec(info['grads'][k])}", PUSH),
        (f"beta * gradient_momentum = {beta:g} × {vec(prev)} = {vec(beta * prev)}", CARRIED),
        (f"gradient_momentum = {vec(info['momenta'][k])}", STEP),
        (f"theta_vector = {vec(p0)} − {lr:g} × {vec(info['momenta'][k])}", STEP),
        (f"             = {vec(p1)}", STEP),
    ]


def _listing(ax, runs, lang):
    """The source with line numbers, the momentum and step lines marked, the arguments in words
    and update ``show`` in numbers."""
    info, lr = runs.info, runs.rates[0]
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0, 1, L("code head", lang), fontsize=11.5, fontweight="bold", va="top", color=style.INK)
    top, gap = 0.9, 0.058
    ax.add_patch(FancyBboxPatch(
        (0.0, top - gap * (len(SOURCE) - 0.4)), 1.0, gap * len(SOURCE), boxstyle="round,pad=0.008",
        fc="#F4F4F4", ec="#CCCCCC", lw=0.8))
    marks = {LINES["momentum"]: CARRIED, LINES["step"]: STEP}
    for i, line in enumerate(SOURCE):
        y = top - gap * i
        ax.text(0.012, y, f"{i + 1}", family=MONO, fontsize=9, color=style.MUTED, va="center")
        ax.text(0.045, y, line, family=MONO, fontsize=9.6, va="center",
                color=marks.get(i, style.INK), fontweight="bold" if i in marks else "normal")
    y = top - gap * len(SOURCE) - 0.02
    for text in L("code args", lang).split("\n"):
        ax.text(0.0, y, text, fontsize=9.5, va="top", color=style.INK)
        y -= 0.05
    y -= 0.02
    ax.text(0.0, y, L("code update", lang).format(k=info["show"] + 1, lr=f"{lr:g}", beta=f"{info['beta']:g}"),
            fontsize=10.5, fontweight="bold", va="top", color=style.INK)
    y -= 0.065
    for text, colour in update_lines(info, lr):
        ax.text(0.0, y, text, family=MONO, fontsize=9.3, va="top", color=colour)
        y -= 0.05


def _paths(ax, runs, lang):
    """Both runs of the code on the loss contours, update ``show`` of the momentum run taken apart:
    the carried momentum, the new gradient's push and the step they add up to."""
    s, info = runs.surface, runs.info
    mo, plain = runs.trajectories
    window = fit_window(s, [mo, plain], include_bounds=False, margin=0.08)
    draw_contours(ax, s, window=window, lang=lang)
    draw_path(ax, plain, PLAIN, surface=s, arrows=0, lw=1.4, lang=lang, window=window)
    draw_path(ax, mo, MOMENTUM, surface=s, arrows=0, lw=1.6, lang=lang, window=window)
    mark_minimum(ax, s, zorder=8)
    ax.set_aspect("equal", adjustable="box")
    k, lr = info["show"], runs.rates[0]
    _zoom(ax, runs, k)
    n, low = info["n_iter"], info["minimum_loss"]
    handles = [
        Line2D([], [], color=MOMENTUM, lw=2, marker="o", ms=4,
               label=L("code momentum run", lang).format(beta=f"{info['beta']:g}", n=n, loss=f"{mo.loss[-1]:.3g}")),
        Line2D([], [], color=PLAIN, lw=2, marker="o", ms=4,
               label=L("code plain run", lang).format(n=n, loss=f"{plain.loss[-1]:.3g}")),
        Line2D([], [], color=CARRIED, lw=2.2, label=L("code carried", lang).format(k=k + 1)),
        Line2D([], [], color=PUSH, lw=2.2, label=L("code push", lang).format(k=k + 1)),
        Line2D([], [], color=STEP, lw=1.4, ls="--", label=L("code step", lang).format(k=k + 1)),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.09), ncols=1, fontsize=9, frameon=False)
    ax.set_title(L("code paths", lang).format(low=f"{low:.3g}", lr=f"{lr:g}"), fontsize=11)
    for t in ax.texts:
        t.set_path_effects(HALO)


def _zoom(ax, runs, k: int):
    """Update ``k`` enlarged in an inset (bottom right, clear of the paths): the carried momentum,
    then the new gradient's push, and the step they add up to."""
    s, info = runs.surface, runs.info
    p, carried, push = info["points"][k], info["carried"][k], info["push"][k]
    ends = np.array([p, p + carried, p + carried + push, info["points"][k + 1]])
    mid = (ends.min(axis=0) + ends.max(axis=0)) / 2
    half = 0.75 * float(np.ptp(ends, axis=0).max()) + 1e-9
    window = np.stack([mid - half, mid + half], 1)
    inset = ax.inset_axes((0.56, 0.03, 0.41, 0.41))
    draw_contours(inset, s, window=window, lang=runs.info.get("lang", "en"), n=80)
    pts = info["points"]
    inset.plot(*pts[max(k - 2, 0): k + 3].T, "-o", color=MOMENTUM, ms=4, lw=1.2, zorder=5)
    arrow(inset, p, p + carried, CARRIED, lw=2.4, zorder=9, scale=14)
    arrow(inset, p + carried, p + carried + push, PUSH, lw=2.4, zorder=9, scale=14)
    arrow(inset, p, info["points"][k + 1], STEP, lw=1.4, ls="--", zorder=9, scale=12)
    inset.set_xlim(*window[0])
    inset.set_ylim(*window[1])
    inset.set_aspect("equal", adjustable="box")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    for side in inset.spines.values():
        side.set_edgecolor(style.INK)
    ax.indicate_inset_zoom(inset, edgecolor=style.INK, alpha=0.8)


def plot_momentum_code(fig, runs, lang):
    """The notes' code (left) beside the paths it takes (right)."""
    s = runs.surface
    _listing(fig.add_axes((0.02, 0.03, 0.5, 0.83)), runs, lang)
    _paths(fig.add_axes((0.56, 0.27, 0.42, 0.6)), runs, lang)
    sub = L("code sub", lang).format(surface=s.title[lang], n=s.n_samples, seed=runs.info["seed"])
    title(fig, f"{L('code title', lang)}{colon(lang)}sgd()", sub, formula(s))
    return fig


KINDS = {
    "sgd-momentum-code": ("sgd-momentum-code", plot_momentum_code, (1400, 720),
                          "SGD with momentum as the course notes' code beside the path it takes"),
}
