"""Figures of the course's pictures that no other entry shows: feature scaling with two weights
(seed 004), where gradient descent gets stuck on one curve (seed 004), cross-entropy over three
classes (seed 002) and the feed-forward prediction sigma(theta^T x + b) (seed 003). Each draws
the runs of its lesson (``gdviz.lessons.course``) and nothing else."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_path
from ..geometry import fit_window
from ..series import line_style, status_text
from .common import title
from .data import _mark_every, _square, star

CLASS_COLOURS = {"red": style.OKABE_ITO["vermillion"], "green": style.OKABE_ITO["green"],
                 "blue": style.OKABE_ITO["blue"]}


def tol_text(tol: float) -> str:
    """A tolerance as a person writes it: 1e-6, not 1e-06."""
    return f"{tol:g}".replace("e-0", "e-")


# -- feature-ranges ------------------------------------------------------------------------------
def plot_feature_ranges(fig, runs, lang):
    """Raw against standardized features over (w1, w2), equal scales: contours along the axes,
    ten times longer in w1 than in w2, against circles; the paths from w = 0, a dot every 100
    steps on the long crawl; each panel's feature ranges and curvatures under it."""
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.45, 1]})
    x1, x2 = runs.info["x1"], runs.info["x2"]
    for i, (ax, t) in enumerate(zip(axes, runs.trajectories)):
        s = runs.surface_of(i)
        window = _square(fit_window(s, [t], margin=0.12))
        if not i:   # the raw ellipses are 10 times longer than wide: a window to their shape
            mid, half = float(s.minima[0][1]), 0.2 * float(np.ptp(window[0]))
            window[1] = (mid - half, mid + half)
        low = float(s.value(s.minima[0]))
        rise = float(t.loss[0]) - low
        levels = low + np.geomspace(rise * 3e-4, rise * 3, 14)
        draw_contours(ax, s, window=window, lang=lang, levels=levels, n=320, minima=False)
        long = t.n_steps > 200
        draw_path(ax, t, style.SERIES[i], surface=s, arrows=3, lang=lang, window=window, markers=not long)
        if long:
            _mark_every(ax, t, 100, style.SERIES[i], lang, above=True)
        star(ax, s.minima[0])
        ax.set_xlim(*window[0])
        ax.set_ylim(*window[1])
        ax.set_aspect("equal", adjustable="box")
        prime = "′" if i else ""
        ax.set_xlabel(f"w1{prime}", fontstyle="italic")
        ax.set_ylabel(f"w2{prime}", rotation=0, labelpad=12, fontstyle="italic")
        c1, c2, _ = runs.info["curvature"][i]
        if i:
            z = (x1 - x1.mean()) / x1.std()
            head = L("fr std", lang).format(a=f"{z.min():.2f}", b=f"{z.max():.2f}")
        else:
            head = L("fr raw", lang).format(a=f"{x1.min():g}", b=f"{x1.max():g}", c=f"{x2.min():g}",
                                            d=f"{x2.max():g}")
        kappa = runs.info["condition"][i]
        sep = "，" if lang == "zh" else ", "
        ax.set_title(f"{head}\n{L('fr curvature', lang).format(c1=f'{c1:.3g}', c2=f'{c2:.3g}')}\n"
                     f"{L('condition number', lang)} {kappa:.0f}{sep}"
                     f"{L('fr steps', lang).format(steps=status_text(t, lang), tol=tol_text(runs.info['tol']))}",
                     fontsize=10.5)
    raw, std = (fmt_number(r) for r in runs.rates)
    title(fig, L("fr title", lang), L("fr sub", lang).format(raw=raw, std=std))
    fig.subplots_adjust(top=0.8, wspace=0.25, left=0.07, right=0.98, bottom=0.1)
    return fig


# -- plateau-saddle ------------------------------------------------------------------------------
def plot_plateau_saddle(fig, runs, lang):
    """Seed 004's limits of gradient descent: the curve with its plateau, saddle point, local
    minimum and minimum named, each run drawn on it from its start (○) to where it stops (●)
    (left); the loss of each run against the step, on a log scale of steps (right)."""
    s = runs.surface
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
    (w0, w1), = s.bounds
    w = np.linspace(w0, w1, 600)
    ax.plot(w, s.value(w[:, None]), color="#444444", lw=2.2, zorder=1)
    cols = [style.SERIES[i] for i in range(len(runs.trajectories))]
    for t, c in zip(runs.trajectories, cols):
        x, y = t.params[:, 0], t.loss
        ax.plot(x, y, ls=line_style(c), color=c, lw=6, alpha=0.55, solid_capstyle="round", zorder=3)
        ax.plot(x[0], y[0], "o", ms=10, mfc="white", mec=c, mew=2.4, zorder=5)
        ax.plot(x[-1], y[-1], "o", ms=9, color=c, mec="white", mew=1.2, zorder=6)
    points = runs.info["points"]
    m = points["minimum"]
    star(ax, (m, float(s.value(np.array([m])))), zorder=7)
    notes = {"plateau": (-0.35, 3.0, (0, 26), "left"),
             "saddle point": (points["saddle point"], float(s.value(np.array([points["saddle point"]]))), (0, -62),
                              "center"),
             "local minimum": (points["local minimum"], float(s.value(np.array([points["local minimum"]]))),
                               (0, -40), "center"),
             "minimum": (m, float(s.value(np.array([m]))), (-34, 12), "right")}
    for key, c in zip(runs.series, cols):
        x, y, off, ha = notes[key]
        arrow = dict(arrowstyle="-|>", color=c, lw=1.2, shrinkB=6) if key == "saddle point" else None
        ax.annotate(L(f"ps {key}", lang), xy=(x, y), xytext=off, textcoords="offset points", ha=ha,
                    va="center", fontsize=10.5, color=c, fontweight="bold", zorder=8, arrowprops=arrow)
    ax.set_xlim(w0, w1)
    ax.set_ylim(-0.45, 3.8)
    ax.set_xlabel("x")
    ax.set_ylabel(L("loss", lang))
    ax.grid(True, alpha=0.25)
    for t, c, key in zip(runs.trajectories, cols, runs.series):
        x0 = float(t.params[0, 0])
        if t.status == "converged":   # where the lesson's claims check that it stopped
            out = L("ps stopped", lang).format(where=L(f"ps at {key}", lang), x=f"{t.params[-1, 0]:.3f}", n=t.n_steps)
        else:
            out = L("ps moved", lang).format(d=f"{abs(t.params[-1, 0] - x0):.2f}", n=t.n_steps)
        ax2.plot(np.arange(1, len(t.loss) + 1), t.loss, ls=line_style(c), color=c, lw=2.4,
                 label=L("ps run", lang).format(x0=f"{x0:g}", outcome=out))
    ax2.set_xscale("log")
    ax2.set_ylim(-0.2, 4.9)   # room above the runs for the legend
    ax2.set_xlabel(L("ps step", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25, which="both")
    ax2.legend(loc="upper right", fontsize=9.5, framealpha=0.95)
    ax2.set_yticks(np.arange(0, 3.6, 0.5))
    ax2.set_title(L("ps right title", lang), fontsize=11)
    title(fig, L("ps title", lang), L("ps sub", lang).format(
        lr=fmt_number(runs.rates[0]), tol=tol_text(runs.info["tol"]), steps=max(t.n_steps for t in runs.trajectories)))
    fig.subplots_adjust(top=0.82, wspace=0.2, left=0.06, right=0.98, bottom=0.11)
    return fig


# -- cross-entropy-classes -----------------------------------------------------------------------
def plot_cross_entropy_classes(fig, runs, lang):
    """Seed 002's three classes: per prediction, the one-hot truth y (outlined) beside the
    predicted p (filled) for red, green and blue, and the sum −Σ y log p written term by term
    under it: only the true class's term is not 0."""
    info = runs.info
    classes, y = info["classes"], info["y"]
    axes = fig.subplots(1, len(info["predictions"]), sharey=True)
    xs = np.arange(len(classes))
    for k, (ax, p, loss) in enumerate(zip(axes, info["predictions"], info["losses"])):
        cols = [CLASS_COLOURS[c] for c in classes]
        ax.bar(xs - 0.2, y, 0.38, color="white", edgecolor=cols, linewidth=2, hatch="//")
        ax.bar(xs + 0.2, p, 0.38, color=cols, edgecolor=style.INK, linewidth=0.6)
        for xi, q in zip(xs, p):
            ax.text(xi + 0.2, q + 0.02, f"{q:g}", ha="center", va="bottom", fontsize=10, color=style.INK)
        ax.set_xticks(xs, [L(c, lang) for c in classes])
        for tick, c in zip(ax.get_xticklabels(), cols):
            tick.set_color(c)
            tick.set_fontweight("bold")
        ax.set_ylim(0, 1.18)
        ax.grid(True, axis="y", alpha=0.25)
        ax.set_title(L("cec prediction", lang).format(k="ABC"[k], loss=f"{loss:.3f}"), fontsize=11.5,
                     fontweight="bold", color=style.INK)
        terms = " + ".join(f"{yk:g}·log {q:g}" for yk, q in zip(y, p))
        ax.text(0.5, -0.14, f"−({terms})\n= −log {p[info['truth']]:g} = {loss:.3f}", transform=ax.transAxes,
                ha="center", va="top", fontsize=10, color=style.INK)
        if k == 0:
            from matplotlib.patches import Patch

            ax.set_ylabel(L("cec probability", lang))
            ax.legend(handles=[Patch(facecolor="white", edgecolor=style.INK, hatch="//", label=L("cec true", lang)),
                               Patch(facecolor="#999999", edgecolor=style.INK, label=L("cec predicted", lang))],
                      loc="upper left", fontsize=9.5)
    true = classes[info["truth"]]
    title(fig, L("cec title", lang), L("cec sub", lang).format(cls=L(true, lang)),
          r"$L = -\sum_k\, y_k \log p_k$")
    fig.subplots_adjust(top=0.8, wspace=0.08, left=0.06, right=0.98, bottom=0.21)
    return fig


# -- feed-forward --------------------------------------------------------------------------------
def plot_feed_forward(fig, runs, lang):
    """Seed 003's perceptron: a table of the features, weights θ and each patient's products
    θᵢxᵢ, summed with the bias into z and passed through σ (left); the sigmoid with each
    patient's (z, a) on it (right)."""
    info = runs.info
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    ax.axis("off")
    cols = [style.SERIES[0], style.SERIES[1]]
    n = len(info["x"])
    heads = [L("ff feature", lang), "θᵢ"] + [L("ff patient", lang).format(k=k + 1) + "\nxᵢ → θᵢ·xᵢ"
                                              for k in range(n)]
    xpos = [0.0, 0.36, 0.56, 0.82]
    rows = [[L(f, lang), f"{th:g}"] + [f"{x[i]:g} → {prod[i]:.2f}" for x, prod in zip(info["x"], info["products"])]
            for i, (f, th) in enumerate(zip(info["features"], info["theta"]))]
    rows.append(["b", f"{info['bias']:g}"] + [f"{info['bias']:g}"] * n)
    rows.append([L("ff weighted sum", lang), ""] + [f"{z:.2f}" for z in info["z"]])
    rows.append(["a = σ(z)", ""] + [f"{a:.3f}" for a in info["a"]])
    top, step = 0.93, 0.105
    for j, h in enumerate(heads):
        ax.text(xpos[j], top, h, transform=ax.transAxes, ha="left", va="center", fontsize=10.5, fontweight="bold",
                color=cols[j - 2] if j >= 2 else style.INK)
    for i, row in enumerate(rows):
        yv = top - step * (i + 1.2)
        strong = i >= len(rows) - 2
        for j, cell in enumerate(row):
            ax.text(xpos[j], yv, cell, transform=ax.transAxes, ha="left", va="center", fontsize=11,
                    fontweight="bold" if strong else "normal", color=cols[j - 2] if j >= 2 and strong else style.INK)
        if i in (len(rows) - 3, len(rows) - 2):
            ax.plot([0, 1], [yv - step / 2] * 2, color=style.MUTED, lw=0.8, transform=ax.transAxes)
    ax.set_title(L("ff left title", lang).format(b=f"{info['bias']:g}"), fontsize=11, loc="left")
    z = np.linspace(-6, 6, 400)
    ax2.plot(z, 1 / (1 + np.exp(-z)), color="#444444", lw=2.4, zorder=1)
    ax2.axhline(0.5, color=style.MUTED, lw=0.8, ls=":")
    ax2.axvline(0, color=style.MUTED, lw=0.8, ls=":")
    for k, (zk, ak, c) in enumerate(zip(info["z"], info["a"], cols)):
        ax2.plot([zk, zk], [0, ak], color=c, lw=1.2, ls="--")
        ax2.plot([-6, zk], [ak, ak], color=c, lw=1.2, ls="--")
        ax2.plot(zk, ak, "o", ms=9, color=c, mec="white", mew=1.2, zorder=4)
        ax2.annotate(f"{L('ff patient', lang).format(k=k + 1)}\nz = {zk:.2f}, a = {ak:.3f}", xy=(zk, ak),
                     xytext=(12, -24) if ak > 0.5 else (-16, 36), textcoords="offset points", fontsize=10,
                     color=c, fontweight="bold", ha="left" if ak > 0.5 else "right", va="center")
    ax2.set_xlim(-6, 6)
    ax2.set_ylim(-0.02, 1.02)
    ax2.set_xlabel("z = θᵀx + b")
    ax2.set_ylabel(L("ff probability", lang))
    ax2.grid(True, alpha=0.25)
    ax2.set_title(L("ff right title", lang), fontsize=11)
    title(fig, L("ff title", lang), L("ff sub", lang))
    fig.subplots_adjust(top=0.8, wspace=0.12, left=0.03, right=0.98, bottom=0.11)
    return fig


KINDS = {
    "feature-ranges": ("feature-ranges", plot_feature_ranges, (1200, 640),
                       "two features on very different ranges: contours along the axes, round once standardized"),
    "plateau-saddle": ("plateau-saddle", plot_plateau_saddle, (1350, 560),
                       "one loss curve: gradient descent crawls on a plateau, stops at a saddle, in a local minimum"),
    "cross-entropy-classes": ("cross-entropy-classes", plot_cross_entropy_classes, (1250, 520),
                              "cross-entropy over three classes: only the true class's −log p is left"),
    "feed-forward": ("feed-forward", plot_feed_forward, (1300, 560),
                     "the feed-forward prediction σ(θᵀx + b), computed for two patients"),
}
