"""Figures that look inside the optimizer: what each update is made of, and one update
dissected with its numbers. Everything drawn is read from ``gdviz.internals`` (the run's
recorded state), never recomputed here."""
from __future__ import annotations

import textwrap

import numpy as np

from ... import style
from ...style import colon, fmt_number, optimizer_name
from ...style import label as L
from ..axes import CARRIED, PUSH, STEP, draw_contours, draw_path, draw_squares, draw_step_box, draw_update, update_tips
from ..geometry import fit_window
from .common import formula, title


def shown_updates(ins, window, most: int = 12) -> list[int]:
    """The updates worth an arrow: the first ``most`` whose step is longer than 1.5% of the
    window (later ones are too short to see)."""
    span = float(np.ptp(window, axis=1).max())
    big = np.flatnonzero(np.linalg.norm(ins.step, axis=1) > 0.015 * span)
    return [int(t) for t in big[:most]]


def legend_for(ax, ins, lang):
    """The key to the arrows, under the axes."""
    handles = []
    if ins.lookahead is not None:
        handles += [ax.plot([], [], color=CARRIED, lw=2, label=L("to the look-ahead", lang))[0],
                    ax.plot([], [], "o", mfc="white", mec=PUSH, mew=1.6, label=L("look-ahead point", lang))[0],
                    ax.plot([], [], color=PUSH, lw=2, label=L("push at the look-ahead", lang))[0]]
    elif ins.carried is not None:
        handles += [ax.plot([], [], color=CARRIED, lw=2, label=L("carried velocity", lang))[0],
                    ax.plot([], [], color=PUSH, lw=2, label=L("gradient push", lang))[0],
                    ax.plot([], [], color=STEP, lw=2.4, label=L("step taken", lang))[0]]
    elif ins.effective_lr is not None:
        handles += [ax.plot([], [], color=STEP, lw=2.4, label=L("step taken", lang))[0],
                    ax.plot([], [], "s", mfc="none", mec=style.OKABE_ITO["orange"], ms=10,
                            label=L("effective step box", lang))[0]]
    else:
        handles += [ax.plot([], [], color=STEP, lw=2.4, label=L("step = push", lang))[0]]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=len(handles),
              frameon=False, fontsize=9.5)


def plot_internals(fig, runs, lang):
    """The path on the contours with what each shown update is made of; beside it, the terms'
    sizes over the run (momentum) or the accumulators and per-coordinate rates (adaptive)."""
    s, t, name = runs.surface, runs.trajectories[0], runs.series[0]
    ins = runs.info["internals"]
    window = fit_window(s, [t], include_bounds=False, margin=0.12)
    shown = shown_updates(ins, window, most=8)
    tips = np.vstack([t.params] + [update_tips(ins, k, t.params[k]) for k in shown])
    lo, hi = tips.min(0), tips.max(0)
    window = np.stack([lo - 0.06 * (hi - lo), hi + 0.06 * (hi - lo)], 1)   # every arrow inside
    adaptive = ins.effective_lr is not None
    grid = fig.add_gridspec(2, 2, width_ratios=[1.15, 1], height_ratios=[1, 1] if adaptive else [1, 0.0001])
    ax = fig.add_subplot(grid[:, 0])
    draw_contours(ax, s, window=window, lang=lang)
    draw_path(ax, t, style.colour(name), surface=s, arrows=0, markers=True, lw=1.3, window=window)
    share = (np.linalg.norm(ins.carried, axis=1) / np.maximum(np.linalg.norm(ins.step, axis=1), 1e-300)
             if ins.carried is not None else np.zeros(len(ins.step)))
    rolling = next((k for k in shown if share[k] > 1), None)   # one update drawn as a full parallelogram
    for i, k in enumerate(shown):
        if adaptive and i % 2 == 0:   # every other one: boxes must not hide each other
            draw_step_box(ax, t.params[k], ins.effective_lr[k] * 0.12 * float(np.ptp(window, axis=1).min()) /
                          max(float(ins.effective_lr[shown].max()), 1e-300), style.OKABE_ITO["orange"])
        draw_update(ax, ins, k, t.params[k], parallelogram=k == rolling)
    ax.set_aspect("equal", adjustable="box")
    legend_for(ax, ins, lang)
    ax.set_title(f"{optimizer_name(name, lang)} · {L('lr', lang)} = {fmt_number(runs.rates[0])} · "
                 f"{L('first updates', lang).format(n=len(shown))}", fontsize=11)
    steps = np.arange(1, len(ins.step) + 1)
    if adaptive:
        sq = fig.add_subplot(grid[0, 1])
        picks = sorted({0, min(2, len(steps) - 1), min(9, len(steps) - 1), len(steps) - 1})
        cols = [style.OKABE_ITO["sky"], style.OKABE_ITO["vermillion"]]
        draw_squares(sq, ins.scale[picks].T, cols, list(s.variables), [str(k + 1) for k in picks])
        sq.text(-0.15, 1.12, L("update", lang) + colon(lang).strip(), ha="right", va="bottom", fontsize=9.5)
        sq.set_title(L(f"accumulator {name}", lang), fontsize=11)
        rt = fig.add_subplot(grid[1, 1])
        for i, c in zip(range(2), cols):
            rt.plot(steps, ins.effective_lr[:, i], color=c, lw=2,
                    label=f"{L('effective rate', lang)} ({s.variables[i]})")
        rt.set_yscale("log")
        rt.set_xlabel(L("update", lang))
        rt.grid(True, alpha=0.25, which="both")
        rt.legend(fontsize=9.5)
    else:
        mg = fig.add_subplot(grid[0, 1])
        upto = min(len(steps), max(shown[-1] + 25 if shown else 40, 40))
        mg.plot(steps[:upto], np.linalg.norm(ins.push[:upto], axis=1), "-o", ms=3, color=PUSH, lw=1.8,
                label=L("gradient push", lang))
        if ins.carried is not None:
            mg.plot(steps[:upto], np.linalg.norm(ins.carried[:upto], axis=1), "-o", ms=3, color=CARRIED, lw=1.8,
                    label=L("to the look-ahead", lang) if ins.lookahead is not None else L("carried velocity", lang))
        mg.plot(steps[:upto], np.linalg.norm(ins.step[:upto], axis=1), color=STEP, lw=1.6, ls="--",
                label=L("step taken", lang))
        mg.set_xlabel(L("update", lang))
        mg.set_ylabel(L("length", lang))
        mg.set_ylim(bottom=0)
        mg.grid(True, alpha=0.25)
        mg.legend(fontsize=9.5)
        mg.set_title(L("sizes of the terms", lang), fontsize=11)
    title(fig, f"{L('inside', lang)}{colon(lang)}{optimizer_name(name, lang)}", s.title[lang], formula(s))
    fig.subplots_adjust(top=0.86, left=0.06, right=0.98, bottom=0.14, wspace=0.2, hspace=0.35)
    return fig


def plot_one_step(fig, runs, lang):
    """Update t dissected: the rule from the optimizer's docstring (left), each term with the
    run's numbers (right), and the step on the contours (inset)."""
    s, traj, name = runs.surface, runs.trajectories[0], runs.series[0]
    t, terms = runs.info["t"], runs.info["terms"]
    ax = fig.add_axes((0.02, 0.06, 0.27, 0.72))
    ax.axis("off")
    ax.text(0, 1, L("the rule", lang), fontsize=11.5, fontweight="bold", va="top", color=style.INK)
    lines = [part.strip() for line in runs.info["rule"].splitlines() for part in line.split(";") if part.strip()]
    ax.text(0, 0.9, "\n".join(textwrap.fill(line, 44, subsequent_indent="    ") for line in lines), fontsize=9.5,
            va="top", family="DejaVu Sans Mono", color=style.INK, linespacing=1.7)
    tb = fig.add_axes((0.31, 0.06, 0.45, 0.72))
    tb.axis("off")
    tb.text(0, 1, f"{L('update', lang)} t = {t}{colon(lang)}{L('with the numbers', lang)}", fontsize=11.5,
            fontweight="bold", va="top", color=style.INK)
    for i, term in enumerate(terms):
        y = 0.88 - i * 0.88 / max(len(terms), 7)
        tb.text(0.0, y, term.name, fontsize=12, va="top", color=style.OKABE_ITO["vermillion"], fontweight="bold")
        tb.text(0.1, y, "= " + term.formula, fontsize=10, va="top", family="DejaVu Sans Mono", color=style.INK)
    inset = fig.add_axes((0.78, 0.12, 0.2, 0.62))
    p0, p1 = traj.params[t], traj.params[t + 1]
    half = max(float(np.linalg.norm(p1 - p0)) * 1.6, 1e-9)
    mid = (p0 + p1) / 2
    window = np.stack([mid - half, mid + half], 1)   # square around the step: equal scales
    draw_contours(inset, s, window=window, lang=lang, n=120)
    inset.plot(*traj.params[: t + 1].T, "-o", color=style.colour(name), ms=3, lw=1.2, zorder=5)
    inset.annotate("", xy=p1, xytext=p0, zorder=8, arrowprops=dict(arrowstyle="-|>", color=STEP, lw=2.2))
    inset.set_title(L("the step on the loss", lang), fontsize=10.5)
    inset.set_aspect("equal", adjustable="box")
    title(fig, f"{L('one step dissected', lang)}{colon(lang)}{optimizer_name(name, lang)}",
          f"{s.title[lang]} · {L('lr', lang)} = {fmt_number(runs.rates[0])}", formula(s))
    return fig


KINDS = {
    "internals": ("internals", plot_internals, (1250, 580),
                  "inside the optimizer: velocity, gradient push and step arrows, or accumulators and rates"),
    "one-step": ("one-step", plot_one_step, (1400, 560), "one update dissected: each term with its numbers"),
}
