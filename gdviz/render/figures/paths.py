"""Figures that compare paths: plain paths, optimizer races, momentum, Adagrad, a saddle."""
from __future__ import annotations

import numpy as np

from ... import style
from ...style import bracketed, colon, fmt_number, optimizer_name
from ...style import label as L
from ..axes import (
    HALO,
    draw_contours,
    draw_loss_curve,
    draw_loss_vs_step,
    draw_path,
    draw_surface_3d,
    draw_table,
    plain_log_axis,
)
from ..geometry import fit_window, focus_window, inside
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
            lab = run_label(key, lang, lr, t) if lr else None
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


NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def dot_spacing(trajs, most: int = 20) -> int:
    """A round number of steps between dots, so that the longest path gets at most ``most``."""
    n = max(int(t.n_steps) for t in trajs)
    return next((k for k in NICE_STEPS if n / k <= most), NICE_STEPS[-1])


def step_dots(ax, traj, colour, every: int, *, window=None, zorder: float = 6, size: float = 5.5,
              numbers=(), above: bool = True, avoid=()):
    """A dot on the path every ``every`` steps: dots far apart are fast progress, dots close
    together a crawl. ``numbers``: step counts to write beside their dots, where there is room
    (above or below the path, not within 7% of the window of a point of ``avoid``: the minima)."""
    idx = np.arange(every, traj.n_steps + 1, every)
    pts = traj.params[idx]
    if window is not None:
        keep = inside(pts, np.asarray(window, dtype=float))
        idx, pts = idx[keep], pts[keep]
    ax.plot(pts[:, 0], pts[:, 1], "o", ms=size, color=colour, mec="white", mew=0.9, zorder=zorder, ls="none")
    if not numbers:
        return
    span = np.ptp(np.asarray(window if window is not None else [ax.get_xlim(), ax.get_ylim()]), axis=1)
    last = None
    for i, p in zip(idx, pts):
        crowded = [q for q in (last, *avoid) if q is not None and np.linalg.norm((p - q) / span) < 0.07]
        if i not in numbers or crowded:
            continue
        ax.annotate(str(i), p, xytext=(0, 8 if above else -8), textcoords="offset points", ha="center",
                    va="bottom" if above else "top", fontsize=8.5, color=colour, fontweight="bold",
                    zorder=zorder + 1, path_effects=HALO)
        last = p


def run_label(key, lang, lr, traj, shown: str | None = None) -> str:
    """'gradient descent (lr = 0.02, 746 steps)', '梯度下降（学习率 = 0.02，746 步）'. ``shown``: the
    rate as printed when it needs more digits to reproduce its run (lessons.rates.shown_rates)."""
    rate = (f"{L('lr', lang)} = {shown or fmt_number(lr)}{'，' if lang == 'zh' else ', '}"
            if lr is not None else "")
    return series_label(key, lang) + bracketed(rate + status_text(traj, lang), lang)


def point_text(p) -> str:
    """A start point for a subtitle: '-3.5, 0.8'."""
    return ", ".join(fmt_number(v).replace("-", "−") for v in p)


def race_panels(fig, runs, area, lang, *, every: int):
    """One small contour panel per optimizer in the gridspec cell ``area``, in finish order: its
    path alone, a dot every ``every`` steps, a ringed flag where it crosses the finish line, and
    as its title its place, name, rate and finish step in its colour. Every panel shows the same
    window (all the paths and the minimum, at equal scale on both axes), so they compare by eye."""
    s, cols, table = runs.surface, series_colours(runs.series), runs.info.get("table") or []
    row_of = {r["optimizer"]: r for r in table}
    order = sorted(range(len(runs.series)), key=lambda i: row_of[runs.series[i]]["rank"] if runs.series[i] in row_of
                   else len(row_of) + i)
    window = focus_window(s, runs.trajectories)   # the paths and the minimum, the same in every panel
    n = len(order)
    rows = 1 if n <= 5 else 2
    per_row = -(-n // rows)
    grid = area.subgridspec(rows, per_row, wspace=0.12, hspace=0.6)
    axes = []
    for i, j in enumerate(order):
        t, key, lr, c = runs.trajectories[j], runs.series[j], runs.rates[j], cols[j]
        row = row_of.get(key)
        ax = fig.add_subplot(grid[i // per_row, i % per_row])
        draw_contours(ax, s, window=window, lang=lang)
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lang=lang, lw=2.0, window=window)
        step_dots(ax, t, c, every, window=window, size=4.5)
        if row is not None and row["finished"]:
            ax.plot(*t.params[row["steps"]], marker="o", ms=11, mfc="none", mec=style.INK, mew=1.6, zorder=10)
        ax.set_aspect("equal", adjustable="box")
        lowest = i + per_row >= n   # no panel below: the x axis is labelled here (all panels share it)
        ax.tick_params(labelsize=8, labelleft=i % per_row == 0, labelbottom=lowest)
        ax.set_xlabel(ax.get_xlabel() if lowest else "", fontsize=9, labelpad=1)
        ax.set_ylabel(ax.get_ylabel() if i % per_row == 0 else "", fontsize=9)
        rate = f"{L('lr', lang)} = {lr:g}" if lr is not None else ""
        head = f"{style.ordinal(row['rank'], lang)}  {series_label(key, lang)}" if row else series_label(key, lang)
        ax.set_title(f"{head}\n{rate}\n{finish_words(row, t, lang)}", fontsize=9.5, color=c, fontweight="bold",
                     linespacing=1.25)
        axes.append(ax)
    return axes


def finish_words(row, traj, lang) -> str:
    """'finish at step 439', 'no finish in 1500 steps' or 'diverged' for a panel title."""
    if row is not None and row["finished"]:
        return L("finish at", lang).format(n=row["steps"])
    if traj.status == "diverged":
        return L("diverged", lang)
    return L("no finish", lang).format(n=traj.n_steps)


def metrics_table(rows, lang, starts=None):
    """A race's metrics table (``Race.table``) as a header and rows of text: place, optimizer,
    rate, steps to the finish line, the median of the tuning's ``starts`` (when tuned) and the
    final loss (real digits, never '< 0.001')."""
    header = [L("finish place", lang), L("optimizer", lang), L("lr", lang), L("steps to finish", lang)]
    if starts:
        header.append(L("median of starts", lang).format(k=starts))
    header.append(L("final loss", lang))
    text = []
    for r in rows:
        steps = str(r["steps"]) if r["finished"] else (
            L("diverged", lang) if r["diverged"] else L("not within", lang).format(n=r["steps"]))
        cells = [style.ordinal(r["rank"], lang), optimizer_name(r["optimizer"], lang), f"{r['lr']:g}", steps]
        if starts:
            cells.append("—" if r["median_steps"] is None else str(r["median_steps"]))
        cells.append("—" if r["diverged"] else f"{r['final_loss']:.3g}")
        text.append(cells)
    return header, text


def fit_columns(table, total: float = 1.0):
    """Column widths of a matplotlib table in proportion to their longest text (a CJK character
    counts twice), together ``total`` of the axes' width."""
    width, lines = {}, 1
    for (r, c), cell in table.get_celld().items():
        text = cell.get_text().get_text().split("\n")
        lines = max(lines, len(text)) if r == 0 else lines
        width[c] = max(width.get(c, 0), *(sum(2 if ord(ch) > 0x2e80 else 1 for ch in t) + 3 for t in text))
    for (r, c), cell in table.get_celld().items():
        cell.set_width(total * width[c] / sum(width.values()))
        if r == 0:   # a header of several lines gets their height
            cell.set_height(cell.get_height() * (1 + 0.75 * (lines - 1)))


def plot_race(fig, runs, lang):
    """Several optimizers from one start to a finish line: one small contour panel each, in
    finish order and on the same axes (above); loss against step for all, with the finish line
    dashed and a ring where each crosses it (below left); the race's metrics table (below
    right). A tuned race says how the rates were chosen."""
    from ...lessons.paths import finish_text

    s, info, cols = runs.surface, runs.info, series_colours(runs.series)
    every = dot_spacing(runs.trajectories)
    many = len(runs.series) > 5   # two rows of panels
    # two rows of panels: the x axis labelled on the lower row only; room above the loss chart for its legend
    outer = fig.add_gridspec(2, 1, height_ratios=[2.5 if many else 1.25, 1], hspace=0.62 if many else 0.42,
                             top=0.785 if many else 0.76, bottom=0.14, left=0.065, right=0.98)
    race_panels(fig, runs, outer[0], lang, every=every)
    below = outer[1].subgridspec(1, 2, width_ratios=[1, 1.15], wspace=0.1)
    ax = fig.add_subplot(below[0])
    draw_loss_vs_step(ax, runs.trajectories, [series_label(k, lang) for k in runs.series], cols, lang=lang, log=True)
    table = info.get("table") or []
    finish = info.get("finish")
    if finish is not None and finish.low is not None:
        ax.axhline(finish.line, color=style.INK, lw=1.2, ls=(0, (5, 3)), zorder=1.5, label=L("finish line", lang))
        for r in table:
            if r["finished"]:
                t = runs.of(r["optimizer"])
                ax.plot(r["steps"], t.loss[r["steps"]], marker="o", ms=8, mfc="none", mec=style.INK, mew=1.4,
                        zorder=5)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncols=min(len(cols) + 1, 4 if many else 3), fontsize=9,
              frameon=False, borderaxespad=0, handlelength=1.8, columnspacing=1.2)
    if table:
        colour_of = dict(zip(runs.series, cols))
        tab = draw_table(fig.add_subplot(below[1]), *metrics_table(table, lang, info.get("space", {}).get("starts")),
                         fontsize=9.5, colours=[colour_of[r["optimizer"]] for r in table])
        for (r, c), cell in tab.get_celld().items():   # the place column, and the optimizer's name, in colour
            if r > 0 and c in (0, 1):
                cell.set_text_props(color=colour_of[table[r - 1]["optimizer"]], fontweight="bold")
        fit_columns(tab)
    start = point_text(runs.trajectories[0].params[0])
    sub = L("race sub", lang).format(surface=s.title[lang], start=start, n=max(t.n_steps for t in runs.trajectories),
                                     dots=L("dots every", lang).format(k=every))
    title(fig, L("tuned race" if info.get("tuned") else "optimizer race", lang), sub, formula(s))
    if finish is not None:
        words = f"{L('finish line', lang)}{colon(lang)}{finish_text(runs, lang)}"
        fig.text(0.02, 0.875, words, fontsize=10, color=style.INK, ha="left")
    if info.get("tuned"):
        sp = info["space"]
        fig.text(0.02, 0.012, L("tuned how", lang).format(grid=sp["grid"], lo=f"{sp['span'][0]:g}",
                                                         hi=f"{sp['span'][1]:g}", k=sp["starts"] - 1,
                                                         d=f"{sp['nudge']:.3g}"),
                 fontsize=9, color=style.MUTED, va="bottom")
    return fig


def widen(window, most: float = 2.0):
    """The window grown about its centre so that neither side is more than ``most`` times the other."""
    w = np.array(window, dtype=float)
    span, mid = np.ptp(w, axis=1), w.mean(axis=1)
    need = np.maximum(span, span.max() / most)
    return np.stack([mid - need / 2, mid + need / 2], 1)


def plot_momentum(fig, runs, lang):
    """Gradient descent and momentum at the same rate on one contour plot, a dot every few
    steps on both (momentum's far apart: it builds up speed; gradient descent's bunched: it
    crawls), gradient descent drawn on top; loss against step beside it."""
    s, beta, lr = runs.surface, runs.info.get("beta"), runs.rates[0]
    cols = series_colours(runs.series)
    every = dot_spacing(runs.trajectories, most=80)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.55, 1])
    window = widen(fit_window(s, runs.trajectories, include_bounds=False, margin=0.1))
    draw_contours(ax, s, window=window, lang=lang)
    labels = [run_label(k, lang, r, t) for k, r, t in zip(runs.series, runs.rates, runs.trajectories)]
    order = sorted(range(len(runs.series)), key=lambda i: runs.series[i] == "gd")   # gradient descent last: on top
    for z, i in enumerate(order):
        t, c = runs.trajectories[i], cols[i]
        draw_path(ax, t, c, surface=s, arrows=0, markers=False, lang=lang, lw=2.0, window=window,
                  zorder=3 + 2 * z, label=labels[i])
        step_dots(ax, t, c, every, window=window, zorder=4 + 2 * z, numbers=[k * every for k in (1, 2, 5, 10, 20)],
                  above=runs.series[i] != "gd", avoid=s.minima)
    ax.set_aspect("equal", adjustable="box")
    draw_loss_vs_step(ax2, runs.trajectories, labels, cols, lang=lang)
    handles = ax.get_legend_handles_labels()[0][::-1]   # in the series' order
    handles.append(ax.plot([], [], "o", ms=5.5, color=style.MUTED, mec="white", ls="none",
                           label=L("dots every", lang).format(k=every))[0])
    fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize=9.5, bbox_to_anchor=(0.5, 0.0))
    sub = L("momentum sub", lang).format(surface=s.title[lang], start=point_text(runs.trajectories[0].params[0]),
                                         lr=fmt_number(lr), beta=fmt_number(beta),
                                         dots=L("dots every", lang).format(k=every))
    title(fig, L("momentum title", lang), sub, formula(s))
    fig.subplots_adjust(top=0.83, wspace=0.16, left=0.05, right=0.98, bottom=0.2)
    return fig


def plot_adaptive(fig, runs, lang):
    """Adagrad vs a fixed rate: the paths, and Adagrad's per-coordinate rate shrinking."""
    s = runs.surface
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.2, 1])
    window = widen(fit_window(s, runs.trajectories, include_bounds=False, margin=0.1), 1.6)
    draw_contours(ax, s, window=window, lang=lang)
    ada, fixed = runs.trajectories
    cols = [style.colour("adagrad"), style.colour("gd")]
    draw_path(ax, fixed, cols[1], surface=s, arrows=3, lang=lang, lw=3.4, window=window,
              label=run_label("gd", lang, runs.rates[1], fixed, runs.info["shown"][1]))
    # Adagrad over gradient descent, but under the minimum's star (its end dot would hide it)
    draw_path(ax, ada, cols[0], surface=s, arrows=3, lang=lang, lw=2.0, window=window, zorder=6,
              label=run_label("adagrad", lang, runs.rates[0], ada, runs.info["shown"][0]))
    ax.set_aspect("equal", adjustable="box")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9.5, frameon=False)  # under the x label
    eff = runs.info["effective"]
    steps = np.arange(1, len(eff) + 1)
    h = np.diag(s.hessian(ada.params[0])) if len(eff) else np.zeros(s.dim)
    for k, ls in zip(range(s.dim), ("-", "--")):
        kind = L("adagrad steep" if h[k] >= h.max() and h[k] > h.min() else "adagrad flat", lang)
        ax2.plot(steps, eff[:, k], color=cols[0], ls=ls, lw=2,
                 label=L("adagrad coordinate", lang).format(v=s.variables[k], kind=kind) + colon(lang) + "η / √Σg²")
    ax2.axhline(runs.rates[1], color=cols[1], lw=1.6,
                label=f"{optimizer_name('gd', lang)}{colon(lang)}{L('fixed rate', lang)} {runs.info['shown'][1]}")
    ax2.set_yscale("log")
    plain_log_axis(ax2)
    ax2.set_xlabel(L("step", lang))
    ax2.set_ylabel(L("effective rate", lang))
    ax2.grid(True, alpha=0.25, which="both")
    ax2.set_xlim(left=0)
    ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=9.5, frameon=False)
    title(fig, L("adaptive", lang), s.title[lang], formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.24)
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
        # upper left: the path that escapes runs right, to the minimum's star
        ax.annotate(L("saddle point", lang), (x, y), xytext=(-8, 12), textcoords="offset points", fontsize=10,
                    ha="right", zorder=9, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85))
    labels = [L(k, lang) for k in runs.series]
    for t, c in zip(runs.trajectories, cols):
        draw_path(ax, t, c, surface=s, arrows=3, markers=False, lang=lang)
    ax.set_aspect("equal", adjustable="box")
    # the run that escapes first, the one that stalls dashed on top: where they coincide both show
    order = sorted(range(len(labels)), key=lambda i: runs.series[i] == "stalls at the saddle")
    draw_loss_vs_step(ax2, [runs.trajectories[i] for i in order], [labels[i] for i in order],
                      [cols[i] for i in order], lang=lang, log=False)
    for line in ax2.get_lines():
        if line.get_label() == L("stalls at the saddle", lang):
            line.set(linestyle=(0, (5, 3)), linewidth=2.4, zorder=4)
    if len(s.saddles):
        v = float(s.value(s.saddles[0]))
        on = [np.flatnonzero(np.abs(t.loss - v) < 0.02) for t in runs.trajectories]
        x = float(np.median(np.concatenate(on))) if sum(map(len, on)) else 0.0   # the middle of the plateau
        ax2.annotate(L("plateau note", lang).format(v=fmt_number(v)), (x, v), xytext=(0, 60),
                     textcoords="offset points", ha="left", va="bottom", fontsize=10, color=style.INK,
                     arrowprops=dict(arrowstyle="-|>", color=style.INK, lw=1.1))
    handles = {h.get_label(): h for h in ax2.get_legend_handles_labels()[0]}
    ax2.legend(handles=[handles[lab] for lab in labels], loc="upper right", fontsize=9.5)
    starts = [point_text(t.params[0]) for t in runs.trajectories]
    sub = L("saddle sub", lang).format(lr=fmt_number(runs.rates[0]), a=starts[0], b=starts[-1])
    title(fig, L("saddle", lang), sub, formula(s))
    fig.subplots_adjust(top=0.84, wspace=0.25, left=0.06, right=0.98, bottom=0.1)
    return fig


KINDS = {
    "path": ("single", plot_path, (800, 600), "paths on the contour plot (2-D) or the loss curve (1-D)"),
    "loss-vs-step": ("single", plot_loss_vs_step, (800, 520), "loss against step for each run"),
    "surface-3d": ("single", plot_surface_3d, (800, 640), "the surface in 3-D with the path on it"),
    "race": ("race", plot_race, (1200, 760), "optimizer race: paths, loss against step, metrics table"),
    "momentum": ("momentum", plot_momentum, (1200, 560), "gradient descent and momentum at the same rate"),
    "adaptive": ("adaptive", plot_adaptive, (1200, 580), "Adagrad's per-coordinate rate shrinking"),
    "saddle": ("saddle", plot_saddle, (1200, 540), "stalling at a saddle point, or a plateau and escape"),
}
