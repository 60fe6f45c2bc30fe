"""Figures on data losses: batch sizes, feature scaling, L1 / L2 / Huber."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import colon, fmt_number
from ...style import label as L
from ..axes import draw_contours, draw_path, plain_log_axis
from ..geometry import fit_window
from ..series import line_style, series_colours, series_label, status_text
from .common import title

GOLD = style.OKABE_ITO["yellow"]


def lang_text(lang, en, zh):
    return zh if lang == "zh" else en


def comma(lang) -> str:
    """', ' in English, the full-width '，' in Chinese: the separator of a title's parts."""
    return "，" if lang == "zh" else ", "


def star(ax, m, *, zorder=12):
    """The minimum as a large gold star, over every path."""
    ax.scatter(*m, marker="*", s=300, c=GOLD, edgecolors=style.INK, linewidths=1.1, zorder=zorder, gid="minimum")


def plot_batch_sizes(fig, runs, lang):
    """Full batch vs mini-batch vs SGD given the same examples: the paths (left) and the loss
    against the number of examples processed (right), where SGD's many cheap updates show."""
    s, cols = runs.surface, series_colours(runs.series)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
    window = fit_window(s, runs.trajectories, include_bounds=False)
    draw_contours(ax, s, window=window, lang=lang, minima=False)
    labels = [lang_text(lang, f"{series_label(k, lang)}: {t.n_steps} {L('updates', lang)}",  # no "）：" in zh
                        f"{series_label(k, lang)}共 {t.n_steps} {L('updates', lang)}")
              for k, t in zip(runs.series, runs.trajectories)]
    # SGD's scribble first, under the mini-batch's path and the full batch's few long steps
    for t, c, lw in reversed(list(zip(runs.trajectories, cols, (3.2, 2.0, 1.3)))):
        draw_path(ax, t, c, surface=s, arrows=3 if t.n_steps < 10 else 0, markers=t.n_steps < 40, lang=lang,
                  lw=lw, window=window)
    star(ax, s.minima[0])  # over SGD's scribble
    ax.set_aspect("equal", adjustable="box")
    for t, c, lab, per in zip(runs.trajectories, cols, labels, runs.info["examples"]):
        ax2.plot(np.arange(len(t.loss)) * per, t.loss, ls=line_style(c), color=c, lw=2, label=lab, clip_on=False,
                 marker="o" if t.n_steps < 40 else None, ms=4, drawstyle="steps-post" if per > 1 else "default")
    ax2.set_yscale("log")
    plain_log_axis(ax2)
    ax2.set_xlabel(L("examples processed", lang))
    ax2.set_ylabel(L("loss", lang))
    ax2.grid(True, alpha=0.25, which="both")
    end = max(len(t.loss) - 1 for t in runs.trajectories) * min(runs.info["examples"])
    ax2.set_xlim(0, end * 1.03 or None)  # the last points whole, not cut by the frame
    n = runs.info["n_samples"]
    for k in range(1, int(runs.info["passes"]) + 1):
        ax2.axvline(k * n, color="#999999", lw=0.8, ls=":")
    ax2.legend(loc="center right", fontsize=9.5)
    ax.set_title(s.title[lang], fontsize=10.5)
    ax2.set_title(comma(lang).join([f"{L('lr', lang)} = {fmt_number(runs.rates[0])}", f"N = {n}",
                                    L("same examples", lang)]), fontsize=10.5)
    title(fig, L("batch vs sgd", lang))
    fig.subplots_adjust(top=0.84, wspace=0.22, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_feature_scaling(fig, runs, lang):
    """Raw vs standardized features side by side, equal scales on both axes: elongated against
    round contours, with condition numbers, step counts, a dot every ``every`` steps on a long
    crawl, and the standardization formula. The standardized model has its own weights w′, b′."""
    axes = fig.subplots(1, 2)
    every = 100
    for i, (ax, t, key) in enumerate(zip(axes, runs.trajectories, runs.series)):
        s = runs.surface_of(i)
        window = _square(fit_window(s, [t], margin=0.15))
        low = float(s.value(s.minima[0]))
        rise = float(t.loss[0]) - low   # levels log-spaced above the minimum: the inner ones close
        levels = low + np.geomspace(rise * 2e-4, rise * 4, 15)
        draw_contours(ax, s, window=window, lang=lang, levels=levels, n=320, minima=False)
        long = t.n_steps > 2 * every
        draw_path(ax, t, style.SERIES[i], surface=s, arrows=4, lang=lang, window=window, markers=not long)
        if long:
            _mark_every(ax, t, every, style.SERIES[i], lang)
        star(ax, s.minima[0])
        ax.set_aspect("equal", adjustable="box")
        kappa = runs.info["condition"][i]
        ax.set_title(f"{L(key, lang)}\n{L('condition number', lang)} {kappa:.0f}{comma(lang)}{status_text(t, lang)}",
                     fontsize=11)
        if i:  # the standardized model's own weights: same line, other numbers
            ax.set_xlabel("w′", fontstyle="italic")
            ax.set_ylabel("b′", rotation=0, labelpad=10, fontstyle="italic")
    mean, sd = runs.info["mean"], runs.info["sd"]
    fig.text(0.5, 0.075, f"{L('standardize', lang)}{colon(lang)}x′ = (x − μ) / σ = (x − {mean:.2f}) / {sd:.2f}",
             ha="center", fontsize=11.5, color=style.INK)
    fig.text(0.5, 0.025, lang_text(lang, "the same line y = w x + b = w′ x′ + b′ has w′ = σ w, b′ = b + μ w",
                                   "同一条直线 y = w x + b = w′ x′ + b′，其中 w′ = σ w，b′ = b + μ w"),
             ha="center", fontsize=10.5, color=style.MUTED)
    raw, std = (fmt_number(r) for r in runs.rates)
    title(fig, L("feature scaling", lang),
          lang_text(lang, f"The same data and the same starting line; gradient descent on each at learning rate "
                          f"0.5 / (largest curvature): {raw} raw, {std} standardized",
                    f"同一份数据、同一条初始直线；两边的梯度下降学习率都是 0.5 / 最大曲率：原始 {raw}，标准化 {std}"))
    fig.subplots_adjust(top=0.8, wspace=0.2, left=0.07, right=0.98, bottom=0.2)
    return fig


def _mark_every(ax, t, every, colour, lang, *, above=False):
    """Dots on the path every ``every`` steps, a few of them numbered (right of the dot, or
    ``above`` it for a level path): the spacing shows the crawl."""
    idx = np.arange(every, t.n_steps, every)
    p = t.params[idx]
    ax.plot(p[:, 0], p[:, 1], "o", ms=4.5, color=colour, mec="white", mew=0.8, zorder=6, gid="every-steps")
    for k in (1, 2, 5):
        if k * every < t.n_steps:
            q = t.params[k * every]
            ax.annotate(f"{k * every}", xy=tuple(q), xytext=(0, 9) if above else (7, 0), textcoords="offset points",
                        ha="center" if above else "left", va="bottom" if above else "center", fontsize=9,
                        color=colour, fontweight="bold", zorder=7)
    ax.plot([], [], "o", ms=4.5, color=colour, mec="white", label=lang_text(lang, f"every {every} steps",
                                                                            f"每 {every} 步一个点"))
    ax.legend(loc="upper left", fontsize=9.5, framealpha=0.9)


def _line(w, b) -> str:
    return f"y = {w:.2f}x + {b:.2f}"


def _square(window):
    """The window grown so both axes span the same length (round stays round, with equal aspect)."""
    w = np.asarray(window, dtype=float)
    c, half = w.mean(1), (w[:, 1] - w[:, 0]).max() / 2
    return np.stack([c - half, c + half], 1)


def plot_loss_functions(fig, runs, lang):
    """L1, L2 and Huber as functions of the residual, and the lines each fits to data with
    outliers: L1 and Huber nearly on the clean data's line (drawn on top, thin and dashed)."""
    ax, ax2 = fig.subplots(1, 2)
    d = runs.info["delta"]
    r = np.linspace(-3, 3, 400)
    curves = {"mse": (r ** 2, "L2 (MSE)"), "mae": (np.abs(r), "L1 (MAE)"),
              "huber": (np.where(np.abs(r) <= d, 0.5 * r ** 2, d * (np.abs(r) - 0.5 * d)), f"Huber (δ = {d:g})")}
    cols = {"mse": style.OKABE_ITO["blue"], "mae": style.OKABE_ITO["vermillion"], "huber": style.OKABE_ITO["green"]}
    for key, (y, lab) in curves.items():
        ax.plot(r, y, color=cols[key], lw=2.2, label=lab)
    ax.set_xlabel(L("residual", lang))
    ax.set_ylabel(L("loss", lang))
    ax.set_ylim(-0.2, 5)
    ax.grid(True, alpha=0.25)
    ax.legend(loc="upper center")
    x, y = runs.info["x"], runs.info["y"]
    zoom = fig.add_axes([0.76, 0.13, 0.2, 0.38])
    lo, hi = float(x.min()), float(x.min()) + 0.05 * float(np.ptp(x))  # the left end, where the fits part
    for a, xs in ((ax2, np.array([x.min(), x.max()])), (zoom, np.array([lo, hi]))):
        a.scatter(x, y, s=14, color="#8c8c8c", label=L("data", lang), zorder=2)
        # widest first, so lines that coincide still show: Huber a broad band, L1 inside it
        for key, lw in (("mse", 2.2), ("huber", 5.0), ("mae", 2.0)):
            w, b = runs.info["fits"][key]
            a.plot(xs, w * xs + b, color=cols[key], lw=lw, alpha=0.75 if key == "huber" else 1, zorder=3,
                   solid_capstyle="butt", label=f"{curves[key][1]}{colon(lang)}{_line(w, b)}", gid=f"fit-{key}")
        w0, b0 = runs.info["clean"]
        a.plot(xs, w0 * xs + b0, color=style.INK, lw=1.2, ls=(0, (4, 3)), zorder=4, gid="fit-clean",
               label=f"{L('fit without outliers', lang)}{colon(lang)}{_line(w0, b0)}")
    fits = np.array([w * np.array([lo, hi]) + b for w, b in [*runs.info["fits"].values(), runs.info["clean"]]])
    pad = 0.08 * np.ptp(fits)
    zoom.set_xlim(lo, hi)
    zoom.set_ylim(fits.min() - pad, fits.max() + pad)
    zoom.tick_params(labelsize=8.5)
    zoom.set_title(lang_text(lang, f"zoom: x from {lo:.1f} to {hi:.1f}", f"放大：x 从 {lo:.1f} 到 {hi:.1f}"),
                   fontsize=9.5)
    for side in ("top", "right"):
        zoom.spines[side].set_visible(True)
    y0, y1 = zoom.get_ylim()
    ax2.indicate_inset([lo, y0, hi - lo, y1 - y0], edgecolor=style.INK, alpha=0.9)  # where the zoom is
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    ax2.grid(True, alpha=0.25)
    handles, labels = ax2.get_legend_handles_labels()
    order = [0, 4, 1, 3, 2]  # data, clean fit, L2, L1, Huber
    ax2.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=9.5, loc="upper left",
               bbox_to_anchor=(1.02, 1.0), frameon=False, borderaxespad=0)
    k = runs.info["outliers"]
    title(fig, L("loss functions", lang),
          lang_text(lang, f"{k} outliers; each line is the minimum of its loss over (w, b)",
                    f"{k} 个离群点；每条直线都是对应损失在 (w, b) 上的最小值"))
    fig.subplots_adjust(top=0.84, wspace=0.22, left=0.06, right=0.7, bottom=0.12)
    return fig


KINDS = {
    "batch-sizes": ("batch-sizes", plot_batch_sizes, (1200, 560),
                    "full batch vs mini-batch vs SGD for the same examples processed"),
    "feature-scaling": ("feature-scaling", plot_feature_scaling, (1100, 620), "raw vs standardized features"),
    "loss-functions": ("loss-functions", plot_loss_functions, (1200, 520),
                       "L1, L2 and Huber curves and their fits to data with outliers"),
}
