"""Figures on data losses: batch sizes, feature scaling, L1 / L2 / Huber."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_path
from ..geometry import fit_window
from ..series import series_colours, series_label, status_text
from .common import title


def plot_batch_sizes(fig, runs, lang):
    """Full batch vs mini-batch vs SGD given the same examples: the paths (left) and the loss
    against the number of examples processed (right), where SGD's many cheap updates show."""
    s, cols = runs.surface, series_colours(runs.series)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
    window = fit_window(s, runs.trajectories, include_bounds=False)
    draw_contours(ax, s, window=window, lang=lang)
    labels = [f"{series_label(k, lang)}: {t.n_steps} {L('updates', lang)}"
              for k, t in zip(runs.series, runs.trajectories)]
    for t, c, lw in zip(runs.trajectories, cols, (3.2, 2.0, 1.3)):
        draw_path(ax, t, c, surface=s, arrows=3 if t.n_steps < 10 else 0, markers=t.n_steps < 40, lang=lang,
                  lw=lw, window=window)
    ax.set_aspect("equal", adjustable="box")
    for t, c, lab, per in zip(runs.trajectories, cols, labels, runs.info["examples"]):
        ax2.plot(np.arange(len(t.loss)) * per, t.loss, "-", color=c, lw=2, label=lab,
                 marker="o" if t.n_steps < 40 else None, ms=4, drawstyle="steps-post" if per > 1 else "default")
    ax2.set_yscale("log")
    ax2.set_xlabel(L("examples processed", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25, which="both")
    ax2.set_xlim(0, max(len(t.loss) - 1 for t in runs.trajectories) * min(runs.info["examples"]) or None)
    n = runs.info["n_samples"]
    for k in range(1, int(runs.info["passes"]) + 1):
        ax2.axvline(k * n, color="#999999", lw=0.8, ls=":")
    ax2.legend(loc="center right", fontsize=9.5)
    ax.set_title(s.title[lang], fontsize=10.5)
    ax2.set_title(f"{L('lr', lang)} = {fmt_number(runs.rates[0])} · N = {n} · "
                  f"{L('same examples', lang)}", fontsize=10.5)
    title(fig, L("batch vs sgd", lang))
    fig.subplots_adjust(top=0.84, wspace=0.22, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_feature_scaling(fig, runs, lang):
    """Raw vs standardized features side by side, equal scales on both axes: elongated against
    round contours, with condition numbers, step counts and the standardization formula."""
    axes = fig.subplots(1, 2)
    for i, (ax, t, key) in enumerate(zip(axes, runs.trajectories, runs.series)):
        s = runs.surface_of(i)
        window = _square(fit_window(s, [t], margin=0.15))
        low = float(s.value(s.minima[0]))
        rise = float(t.loss[0]) - low   # levels log-spaced above the minimum: the inner ones close
        levels = low + np.geomspace(rise * 2e-4, rise * 4, 15)
        draw_contours(ax, s, window=window, lang=lang, levels=levels, n=320)
        draw_path(ax, t, style.SERIES[i], surface=s, arrows=4, lang=lang, window=window)
        ax.set_aspect("equal", adjustable="box")
        kappa = runs.info["condition"][i]
        ax.set_title(f"{L(key, lang)}\n{L('condition number', lang)} {kappa:.0f} · {status_text(t, lang)}",
                     fontsize=11)
    mean, sd = runs.info["mean"], runs.info["sd"]
    fig.text(0.5, 0.03, f"{L('standardize', lang)}:  x′ = (x − μ) / σ = (x − {mean:.2f}) / {sd:.2f}",
             ha="center", fontsize=11.5, color=style.INK)
    title(fig, L("feature scaling", lang))
    fig.subplots_adjust(top=0.8, wspace=0.2, left=0.07, right=0.98, bottom=0.14)
    return fig


def _square(window):
    """The window grown so both axes span the same length (round stays round, with equal aspect)."""
    w = np.asarray(window, dtype=float)
    c, half = w.mean(1), (w[:, 1] - w[:, 0]).max() / 2
    return np.stack([c - half, c + half], 1)


def plot_loss_functions(fig, runs, lang):
    """L1, L2 and Huber as functions of the residual, and the lines each fits to data with
    outliers."""
    ax, ax2 = fig.subplots(1, 2)
    d = runs.info["delta"]
    r = np.linspace(-3, 3, 400)
    curves = {"mse": (r ** 2, "L2 (MSE)"), "mae": (np.abs(r), "L1 (MAE)"),
              "huber": (np.where(np.abs(r) <= d, 0.5 * r ** 2, d * (np.abs(r) - 0.5 * d)), f"Huber (δ={d:g})")}
    cols = {"mse": style.OKABE_ITO["blue"], "mae": style.OKABE_ITO["vermillion"], "huber": style.OKABE_ITO["green"]}
    for key, (y, lab) in curves.items():
        ax.plot(r, y, color=cols[key], lw=2.2, label=lab)
    ax.set_xlabel(L("residual", lang))
    ax.set_ylabel(L("loss", lang))
    ax.set_ylim(-0.2, 5)
    ax.grid(True, alpha=0.25)
    ax.legend()
    x, y = runs.info["x"], runs.info["y"]
    ax2.scatter(x, y, s=14, color="#777777", label=L("data", lang), zorder=2)
    xs = np.linspace(x.min(), x.max(), 2)
    w0, b0 = runs.info["clean"]
    ax2.plot(xs, w0 * xs + b0, color="#999999", lw=1.4, ls="--", label=L("fit without outliers", lang))
    for key, (w, b) in runs.info["fits"].items():
        ax2.plot(xs, w * xs + b, color=cols[key], lw=2.2, label=f"{curves[key][1]}: y = {w:.2f}x + {b:.2f}")
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    ax2.grid(True, alpha=0.25)
    ax2.legend(fontsize=9, loc="upper left")
    title(fig, L("loss functions", lang),
          f"{runs.info['outliers']} outliers" if lang == "en" else f"{runs.info['outliers']} 个离群点")
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.1)
    return fig


KINDS = {
    "batch-sizes": ("batch-sizes", plot_batch_sizes, (1200, 560),
                    "full batch vs mini-batch vs SGD for the same examples processed"),
    "feature-scaling": ("feature-scaling", plot_feature_scaling, (1100, 600), "raw vs standardized features"),
    "loss-functions": ("loss-functions", plot_loss_functions, (1200, 520),
                       "L1, L2 and Huber curves and their fits to data with outliers"),
}
