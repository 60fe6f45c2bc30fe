"""Ready-made teaching figures: each kind runs its lesson (``gdviz.lessons``) and draws it.

    >>> fig = figure("race", surface="rosenbrock", lang="zh")
    >>> save(fig, "output/race.png")

``FIGURES`` maps each kind to (lesson builder, drawing function, default size in pixels, one
line of description); ``gdviz plot --list`` prints them.
"""
from __future__ import annotations

import numpy as np

from .. import lessons, style
from ..errors import UserInputError, unknown_name
from ..style import fmt_number, label as L, optimizer_name
from .axes import (draw_contours, draw_loss_curve, draw_loss_vs_step, draw_path, draw_surface_3d,
                   fit_window)
from .mpl import new_figure, rc
from .output import STATIC, atomic_path, check_output
from .series import series_colours, series_label, status_text


def formula(surface) -> str:
    """The surface's formula as mathtext, or '' when matplotlib cannot typeset it."""
    from matplotlib.mathtext import MathTextParser

    text = getattr(surface, "formula", "") or ""
    if not text:
        return ""
    try:
        MathTextParser("path").parse(text)
    except ValueError:
        return ""
    return text


def _title(fig, text, sub=None, math=None):
    """Bold title and grey subtitle at the top left; the formula (mathtext) on its own at the
    right, since mathtext cannot typeset the CJK text of a Chinese subtitle."""
    fig.suptitle(text, fontsize=13.5, fontweight="bold", color=style.INK, x=0.02, ha="left", y=0.985)
    if sub:
        fig.text(0.02, 0.915, sub, fontsize=10, color=style.MUTED, ha="left")
    if math:
        fig.text(0.98, 0.93, math, fontsize=12, color=style.INK, ha="right")


def _formula(ax, surface):
    """The surface's formula at the top right of an axes (a text of its own: see _title)."""
    math = formula(surface)
    if math:
        ax.text(1.0, 1.015, math, transform=ax.transAxes, ha="right", va="bottom", fontsize=11,
                color=style.INK)


# -- drawing functions: (fig, runs, lang) ----------------------------------------------------
def plot_path(fig, runs, lang):
    """Paths on the contour plot (2-D) or on the loss curve (1-D)."""
    s, cols = runs.surface, series_colours(runs.series)
    ax = fig.add_subplot()
    if s.dim == 1:
        for t, c in zip(runs.trajectories, cols):
            draw_loss_curve(ax, s, t, c, lang=lang)
    else:
        draw_contours(ax, s, lang=lang)
        for t, key, c, lr in zip(runs.trajectories, runs.series, cols, runs.rates or [None] * 9):
            lab = f"{series_label(key, lang)} (lr={fmt_number(lr)}): {status_text(t, lang)}" if lr else None
            draw_path(ax, t, c, label=lab, surface=s, lang=lang)
        ax.legend(loc="upper right")
    ax.set_title(s.title[lang], loc="left")
    _formula(ax, s)
    return fig


def plot_loss_curve(fig, runs, lang):
    """A 1-D loss curve with gradient steps and tangents (the course's figures 2-5)."""
    s, t = runs.surface, runs.trajectories[0]
    if s.dim != 1:
        raise UserInputError("loss-curve needs a 1-D surface such as 'parabola' or '(w-3)**2'")
    ax = fig.add_subplot()
    draw_loss_curve(ax, s, t, style.SERIES[0], tangents=1, max_points=8, lang=lang)
    ax.legend(loc="upper center")
    lr = runs.rates[0]
    ax.set_title(f"{s.title[lang]}\n{L('lr', lang)} = {fmt_number(lr)} · {status_text(t, lang)}", loc="left")
    _formula(ax, s)
    return fig


def plot_loss_vs_step(fig, runs, lang):
    """Loss against step for each run."""
    ax = fig.add_subplot()
    labels = [f"{series_label(k, lang)} (lr={fmt_number(r)})" if r else series_label(k, lang)
              for k, r in zip(runs.series, runs.rates or [None] * len(runs.series))]
    draw_loss_vs_step(ax, runs.trajectories, labels, series_colours(runs.series), lang=lang)
    ax.legend()
    ax.set_title(runs.surface.title[lang])
    return fig


def plot_surface_3d(fig, runs, lang):
    """The surface in 3-D with the path on it."""
    s = runs.surface
    if s.dim != 2:
        raise UserInputError("surface-3d needs a 2-D surface")
    ax = fig.add_subplot(projection="3d")
    draw_surface_3d(ax, s, runs.trajectories[0], series_colours(runs.series)[0], lang=lang)
    ax.set_title(s.title[lang])
    return fig


def plot_lr_triptych(fig, runs, lang):
    """Too small / Goldilocks / too large side by side, each with its rate and step count."""
    s, cols = runs.surface, series_colours(runs.series)
    axes = fig.subplots(1, 3, sharey=s.dim == 1)
    for ax, t, key, lr, c in zip(axes, runs.trajectories, runs.series, runs.rates, cols):
        if s.dim == 1:
            draw_loss_curve(ax, s, t, c, lang=lang)
        else:
            draw_contours(ax, s, lang=lang)
            draw_path(ax, t, c, surface=s, lang=lang)
        ax.set_title(f"{L(key, lang)}\n{L('lr', lang)} = {fmt_number(lr)} · {status_text(t, lang)}",
                     color=c, fontweight="bold", fontsize=11.5)
    for ax in axes[1:]:
        if s.dim == 1:
            ax.set_ylabel("")
    _title(fig, L("lr triptych", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.76, left=0.06, right=0.98, bottom=0.12)
    return fig


def plot_race(fig, runs, lang):
    """Several optimizers on one contour plot, with a synchronised loss-vs-step panel."""
    s, cols = runs.surface, series_colours(runs.series)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    draw_contours(ax, s, lang=lang)
    labels = []
    for t, key, c, lr in zip(runs.trajectories, runs.series, cols, runs.rates):
        lab = f"{optimizer_name(key, lang)} (lr={fmt_number(lr)})"
        labels.append(lab)
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lang=lang, lw=1.8)
    draw_loss_vs_step(ax2, runs.trajectories, labels, cols, lang=lang)
    ax2.legend(loc="upper right", fontsize=9)
    ax.set_title(s.title[lang])
    ax2.set_title(L("loss", lang))
    _title(fig, L("optimizer race", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.28, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_batch_sizes(fig, runs, lang):
    """Full batch vs mini-batch vs SGD on a data loss: the noisy paths and the loss curves."""
    s, cols = runs.surface, series_colours(runs.series)
    ax, ax2 = fig.subplots(1, 2)
    draw_contours(ax, s, window=fit_window(s, runs.trajectories, include_bounds=False), lang=lang)
    labels = [series_label(k, lang) for k in runs.series]
    for t, c in zip(runs.trajectories, cols):
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lang=lang, lw=1.5)
    draw_loss_vs_step(ax2, runs.trajectories, labels, cols, lang=lang)
    ax2.legend(loc="upper right")
    ax.set_title(s.title[lang], fontsize=10.5)
    ax2.set_title(f"{L('lr', lang)} = {fmt_number(runs.rates[0])}, N = {s.n_samples}")
    _title(fig, L("batch vs sgd", lang))
    fig.subplots_adjust(top=0.84, wspace=0.3, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_feature_scaling(fig, runs, lang):
    """Raw vs standardized features side by side, with condition numbers and step counts."""
    axes = fig.subplots(1, 2)
    for i, (ax, t, key) in enumerate(zip(axes, runs.trajectories, runs.series)):
        s = runs.surface_of(i)
        draw_contours(ax, s, window=fit_window(s, [t]), lang=lang)
        draw_path(ax, t, style.SERIES[i], surface=s, arrows=4, lang=lang)
        kappa = runs.info["condition"][i]
        ax.set_title(f"{L(key, lang)}\n{L('condition number', lang)} {kappa:.0f} · {status_text(t, lang)}",
                     fontsize=11)
    _title(fig, L("feature scaling", lang))
    fig.subplots_adjust(top=0.8, wspace=0.3, left=0.07, right=0.98, bottom=0.1)
    return fig


def plot_restarts(fig, runs, lang):
    """Random starts on a non-convex surface, each path ending in the minimum of its basin."""
    s = runs.surface
    ax = fig.add_subplot()
    draw_contours(ax, s, lang=lang)
    basin = runs.info["basin"]
    for t, b in zip(runs.trajectories, basin):
        c = style.OKABE_ITO["vermillion"] if b == 0 else style.OKABE_ITO["blue"]
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lw=1.6, lang=lang)
    reached = len({b for b in basin if b >= 0})
    g = sum(1 for b in basin if b == 0)
    if lang == "zh":
        sub = f"{len(basin)} 个随机起点到达 {reached} 个不同的最小值；{g} 个到达全局最小值"
    else:
        sub = f"{len(basin)} random starts reach {reached} different minima; {g} reach the global one"
    ax.set_title(sub, fontsize=10.5)
    _title(fig, L("basins", lang))
    fig.subplots_adjust(top=0.86)
    return fig


def plot_lr_sweep(fig, sw, lang):
    """Steps to converge and final loss against the rate (log axis), with the 1/L and 2/L lines."""
    ax, ax2 = fig.subplots(1, 2)
    r = sw.regimes
    cols = [style.REGIME_COLOURS[g] for g in sw.regime]
    conv = sw.status == "converged"
    ax.scatter(sw.lrs[conv], sw.steps[conv], c=np.array(cols)[conv], s=30, zorder=3)
    ax.scatter(sw.lrs[~conv], sw.steps[~conv], c=np.array(cols)[~conv], s=34, marker="x", zorder=3)
    ax.plot(sw.lrs[conv], sw.steps[conv], color="#999999", lw=1, zorder=2)
    ax.set_ylabel(L("steps to converge", lang))
    loss = np.maximum(sw.final_loss, 1e-300)
    ax2.scatter(sw.lrs, loss, c=cols, s=30, zorder=3)
    ax2.set_yscale("log")
    ax2.set_ylabel(L("final loss", lang))
    for a in (ax, ax2):
        a.set_xscale("log")
        a.set_xlabel(L("learning rate", lang))
        a.grid(True, alpha=0.25, which="both")
        for x, name, ls in ((r.goldilocks, "1/L", "--"), (r.diverge, "2/L", ":")):
            a.axvline(x, color="#555555", ls=ls, lw=1.2)
            a.annotate(name, xy=(x, 1), xycoords=("data", "axes fraction"), xytext=(3, -14),
                       textcoords="offset points", fontsize=10, color="#333333")
    handles = [ax.scatter([], [], c=style.REGIME_COLOURS[g], s=30, label=L(g, lang))
               for g in ("too small", "goldilocks", "too large", "diverges")]
    ax.legend(handles=handles, loc="upper right", fontsize=9)
    _title(fig, L("lr sweep", lang), f"L = {fmt_number(r.L)} · 1/L = {fmt_number(r.goldilocks)}"
                                     f" · 2/L = {fmt_number(r.diverge)}")
    fig.subplots_adjust(top=0.8, wspace=0.3, left=0.07, right=0.98, bottom=0.1)
    return fig


def plot_lr_curves(fig, runs, lang):
    """Loss against steps for several rates: the tuning figure of seed 004."""
    ax = fig.add_subplot()
    labels = [f"{L(k, lang)}: {L('lr', lang)} = {fmt_number(r)}" for k, r in zip(runs.series, runs.rates)]
    draw_loss_vs_step(ax, runs.trajectories, labels, series_colours(runs.series), lang=lang, markers=True)
    ax.legend(loc="best")
    _title(fig, L("lr curves", lang), runs.surface.title[lang], formula(runs.surface))
    fig.subplots_adjust(top=0.86)
    return fig


def plot_adaptive(fig, runs, lang):
    """Adagrad vs a fixed rate: the paths, and Adagrad's per-coordinate rate shrinking."""
    s = runs.surface
    ax, ax2 = fig.subplots(1, 2)
    draw_contours(ax, s, lang=lang)
    ada, fixed = runs.trajectories
    cols = [style.colour("adagrad"), style.colour("gd")]
    draw_path(ax, ada, cols[0], surface=s, arrows=3, lang=lang,
              label=f"Adagrad (η={fmt_number(runs.rates[0])}): {status_text(ada, lang)}")
    draw_path(ax, fixed, cols[1], surface=s, arrows=3, lang=lang,
              label=f"{optimizer_name('gd', lang)} ({L('lr', lang)}={fmt_number(runs.rates[1])}): "
                    f"{status_text(fixed, lang)}")
    ax.legend(loc="lower right", fontsize=8.5)
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
    _title(fig, L("adaptive", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.3, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_saddle(fig, runs, lang):
    """Two starts near a saddle: one stalls on it; one lingers on the plateau, then escapes."""
    s = runs.surface
    cols = ([style.OKABE_ITO["vermillion"], style.OKABE_ITO["blue"]] if len(runs.trajectories) == 2
            else series_colours(runs.series))
    ax, ax2 = fig.subplots(1, 2)
    draw_contours(ax, s, lang=lang)
    for x, y in s.saddles:
        ax.plot(x, y, "X", ms=10, color="#333333", zorder=6)
        ax.annotate(L("saddle point", lang), (x, y), xytext=(8, -14), textcoords="offset points", fontsize=10)
    labels = [L(k, lang) for k in runs.series]
    for t, c in zip(runs.trajectories, cols):
        draw_path(ax, t, c, surface=s, arrows=3, markers=False, lang=lang)
    draw_loss_vs_step(ax2, runs.trajectories, labels, cols, lang=lang, log=False)
    ax2.legend(loc="upper right", fontsize=9)
    _title(fig, L("saddle", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.3, left=0.06, right=0.98, bottom=0.1)
    return fig


def plot_convex_vs_nonconvex(fig, runs, lang):
    """Random restarts on the bowl (one minimum) and on the egg crate (the start decides)."""
    n = runs.info["n"]
    for i, ax in enumerate(fig.subplots(1, 2)):
        s = runs.surface_of(i * n)
        draw_contours(ax, s, lang=lang)
        for t, b in zip(runs.trajectories[i * n:(i + 1) * n], runs.info["basin"][i * n:(i + 1) * n]):
            c = style.OKABE_ITO["vermillion"] if b == 0 else style.OKABE_ITO["blue"]
            draw_path(ax, t, c, surface=s, arrows=0, markers=False, lw=1.5, lang=lang)
        reached = len({b for b in runs.info["basin"][i * n:(i + 1) * n] if b >= 0})
        sub = (f"{n} 个起点 → {reached} 个最小值" if lang == "zh" else f"{n} starts → {reached} minim"
               + ("um" if reached == 1 else "a"))
        ax.set_title(f"{s.title[lang]}\n{sub}", fontsize=11)
    _title(fig, L("convex vs nonconvex", lang))
    fig.subplots_adjust(top=0.8, wspace=0.25, left=0.06, right=0.98, bottom=0.1)
    return fig


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
    for key, (w, b) in runs.info["fits"].items():
        ax2.plot(xs, w * xs + b, color=cols[key], lw=2.2, label=f"{curves[key][1]}: y = {w:.2f}x + {b:.2f}")
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    ax2.grid(True, alpha=0.25)
    ax2.legend(fontsize=9, loc="upper left")
    _title(fig, L("loss functions", lang),
           f"{runs.info['outliers']} outliers" if lang == "en" else f"{runs.info['outliers']} 个离群点")
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.1)
    return fig


FIGURES = {
    "path": ("single", plot_path, (800, 600), "paths on the contour plot (2-D) or the loss curve (1-D)"),
    "loss-curve": ("single", plot_loss_curve, (800, 560), "1-D loss curve with gradient steps and tangents"),
    "loss-vs-step": ("single", plot_loss_vs_step, (800, 520), "loss against step for each run"),
    "surface-3d": ("single", plot_surface_3d, (800, 640), "the surface in 3-D with the path on it"),
    "lr-triptych": ("lr-triptych", plot_lr_triptych, (1200, 480), "too small / Goldilocks / too large side by side"),
    "race": ("race", plot_race, (1200, 540), "optimizer race: paths and loss against step"),
    "batch-sizes": ("batch-sizes", plot_batch_sizes, (1200, 540), "full batch vs mini-batch vs SGD on data"),
    "feature-scaling": ("feature-scaling", plot_feature_scaling, (1100, 560), "raw vs standardized features"),
    "restarts": ("restarts", plot_restarts, (800, 720), "random restarts and the basins they land in"),
    "lr-sweep": ("sweep", plot_lr_sweep, (1200, 520), "steps and final loss against the learning rate"),
    "lr-curves": ("lr-curves", plot_lr_curves, (900, 560), "loss against steps for several rates"),
    "adaptive": ("adaptive", plot_adaptive, (1200, 540), "Adagrad's per-coordinate rate shrinking"),
    "saddle": ("saddle", plot_saddle, (1200, 520), "stalling at a saddle point, or a plateau and escape"),
    "convex-vs-nonconvex": ("convex-vs-nonconvex", plot_convex_vs_nonconvex, (1200, 600),
                            "random starts on a convex bowl and on the egg crate"),
    "loss-functions": ("loss-functions", plot_loss_functions, (1200, 520),
                       "L1, L2 and Huber curves and their fits to data with outliers"),
}
NEEDS_2D = {"race", "restarts", "adaptive", "surface-3d", "batch-sizes"}
# Lesson options a kind starts from (the caller's options override them).
DEFAULTS = {
    "path": {"surface": "rosenbrock", "optimizers": ["adam"], "rates": [0.05], "steps": 1500},
    "loss-curve": {"surface": "parabola", "rates": [0.4], "steps": 50},
    "loss-vs-step": {"surface": "rosenbrock", "optimizers": ["gd", "momentum", "adam"],
                     "rates": [1e-3, 1e-3, 0.05], "steps": 1500},
    "surface-3d": {"surface": "rosenbrock", "optimizers": ["adam"], "rates": [0.05], "steps": 1500},
}


def figure(kind: str, *, lang: str = "en", size=None, runs=None, **options):
    """Build the figure ``kind`` (see ``FIGURES``) and return the matplotlib Figure.

    ``options`` go to the lesson builder (surface, optimizers, rates, steps, start, ...);
    ``runs`` passes ready-made runs instead. ``size`` is (width, height) in pixels at 100 dpi.
    """
    if kind not in FIGURES:
        raise unknown_name("figure kind", kind, FIGURES)
    lesson, draw, default_size, _ = FIGURES[kind]
    style.check_lang(lang)
    from .animation import check_size

    width, height = check_size(size or default_size)
    if runs is None:
        defaults = dict(DEFAULTS.get(kind, {}))
        other_surface = "surface" in options and options["surface"] != defaults.get("surface")
        if "optimizers" in options or other_surface:
            defaults.pop("rates", None)  # they suit the default optimizers on the default surface
        options = {**defaults, **options}
        runs = lessons.build(lesson, **options)
    surface = getattr(runs, "surface", None)
    if kind in NEEDS_2D and surface is not None and surface.dim != 2:
        raise UserInputError(f"figure '{kind}' needs a 2-D surface, '{surface.spec()['name']}' is 1-D; "
                             "for 1-D use path, loss-curve, loss-vs-step, lr-triptych or lr-curves")
    with rc(lang):
        fig = new_figure(width, height)
        fig._gdviz_lang = lang
        draw(fig, runs, lang)
        if kind in ("path", "loss-curve", "loss-vs-step", "surface-3d"):
            fig.tight_layout()
    return fig


def save(fig, path, *, dpi: int = 100):
    """Write a static figure (PNG, SVG or PDF by extension) atomically; returns the path."""
    p = check_output(path, STATIC)
    with rc(getattr(fig, "_gdviz_lang", "en")), atomic_path(p) as tmp:
        fig.savefig(tmp, format=p.suffix[1:].lower(), dpi=dpi)
    return p


def describe() -> dict[str, str]:
    """One line per figure kind, for ``gdviz plot --list``."""
    return {k: v[3] for k, v in FIGURES.items()}
