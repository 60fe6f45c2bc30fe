"""Figures that look inside the optimizer: what each update is made of, and one update
dissected with its numbers. Everything drawn is read from the lesson's runs and
``gdviz.internals`` (the run's recorded state), never recomputed here."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ... import style
from ...style import colon, fmt_number, optimizer_name
from ...style import label as L
from ..axes import (
    CARRIED,
    HALO,
    PUSH,
    STEP,
    arrow,
    draw_contours,
    draw_squares,
    draw_update,
    plain_log_axis,
    update_tips,
)
from ..geometry import fit_window
from .common import formula, title

ARROWS = 4                                                      # updates drawn as arrows: few, large
LATER = "#a3a3a3"                                               # the path beyond the updates drawn as arrows
PLAIN = "#6b6b6b"                                               # plain momentum, beside Nesterov
COORDS = [style.OKABE_ITO["sky"], style.OKABE_ITO["vermillion"]]  # x, y in the adaptive panels


def shown_updates(ins, window, most: int = 12, *, points=None, apart: float = 0.0) -> list[int]:
    """The updates worth an arrow: the first ``most`` whose step is longer than 1.5% of the
    window (later ones are too short to see), skipping any whose start (``points[t]``) lies
    within ``apart`` of the window's span from one already kept (so the arrows do not pile up)."""
    span = float(np.ptp(window, axis=1).max())
    big = np.flatnonzero(np.linalg.norm(ins.step, axis=1) > 0.015 * span)
    kept = []
    for t in big:
        if not apart or all(np.linalg.norm(points[t] - points[k]) >= apart * span for k in kept):
            kept.append(int(t))
        if len(kept) == most:
            break
    return kept


def _sep(lang, kind: str = "parts") -> str:
    """The separator between a title's parts (never '·': it reads as a product), or between the
    items of a list of numbers ('1, 3, 7' / '1、3、7')."""
    return ("，" if kind == "parts" else "、") if lang == "zh" else ", "


def _path(ax, pts, colour, *, ls="-", markers=True, lw=1.3, zorder=4):
    """A path as a line (dots at each point), a hollow start and a filled end."""
    ax.plot(pts[:, 0], pts[:, 1], ls, color=colour, lw=lw, zorder=zorder, path_effects=HALO,
            marker="o" if markers else None, ms=3, markevery=slice(1, len(pts) - 1))
    ax.plot(*pts[0], "o", ms=8, mfc="white", mec=colour, mew=2, zorder=zorder + 2)
    ax.plot(*pts[-1], "o", ms=6, color=colour, mec="white", mew=1, zorder=zorder + 2)


def _legend_under(ax, handles, *, gap: float = 0.085):
    """The key under ``ax``: centred on its grid cell in at most two rows if that fits the
    cell's width, else centred on the figure in as few rows as fit (never cut off)."""
    fig = ax.figure
    cell = ax.get_subplotspec().get_position(fig)
    renderer = fig.canvas.get_renderer()
    y = ax.get_position().y0 - gap
    n = len(handles)
    cols = sorted({-(-n // rows) for rows in range(1, n + 1)}, reverse=True)   # fewest rows, columns even
    tries = [(cell.x0 + cell.width / 2, cell.width + 0.04, k) for k in cols if 2 * k >= n]
    tries += [(0.5, 0.96, k) for k in cols]
    for x, room, ncols in tries:
        leg = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(x, y), bbox_transform=fig.transFigure,
                        ncols=ncols, frameon=False, fontsize=9.5, columnspacing=1.6, handlelength=2.2)
        if leg.get_window_extent(renderer).width <= room * fig.bbox.width:
            break
    return leg


def filled(window, aspect: float):
    """``window`` grown about its centre to ``aspect`` (height / width): drawn with equal scales
    it fills an axes box of that shape, no blank band beside the contours."""
    lo, hi = window[:, 0], window[:, 1]
    centre, span = (lo + hi) / 2, hi - lo
    span = np.array([max(span[0], span[1] / aspect), max(span[1], span[0] * aspect)])
    return np.stack([centre - span / 2, centre + span / 2], 1)


def _box_aspect(ax) -> float:
    """Height / width of the axes box on the figure (before any aspect adjustment)."""
    box, (w, h) = ax.get_position(original=True), ax.figure.get_size_inches()
    return box.height * h / (box.width * w)


def _window(runs, shown):
    """Every point drawn: the path(s), the arrows of the shown updates, the minimum."""
    s, traj, ins = runs.surface, runs.trajectories[0], runs.info["internals"]
    pts = [runs.info.get("path", traj.params), s.minima[:1]] + [t.params for t in runs.trajectories[1:]]
    pts += [update_tips(ins, k, traj.params[k]) for k in shown]
    pts = np.vstack(pts)
    b = np.asarray(s.bounds, dtype=float)
    room = 0.5 * (b[:, 1] - b[:, 0])   # a run that diverges is followed to half the bounds' width beyond them
    lo, hi = np.maximum(pts.min(0), b[:, 0] - room), np.minimum(pts.max(0), b[:, 1] + room)
    return np.stack([lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)], 1)


def _arrows_panel(ax, runs, lang):
    """The path on the contours and, at each of its first big updates, what the update is made
    of; returns the handles of its key."""
    s, traj, name, ins = runs.surface, runs.trajectories[0], runs.series[0], runs.info["internals"]
    starts = ins.position if ins.lookahead is not None else traj.params
    shown = shown_updates(ins, fit_window(s, [traj], include_bounds=False, margin=0.12), most=ARROWS,
                          points=starts, apart=0.16)
    window = filled(_window(runs, shown), _box_aspect(ax))
    draw_contours(ax, s, window=window, lang=lang)
    nesterov = ins.lookahead is not None
    path = runs.info["path"] if nesterov else traj.params
    if nesterov:
        _path(ax, runs.trajectories[1].params, PLAIN, ls="--", markers=False, lw=1.1, zorder=3)
    _path(ax, path, style.colour(name) if nesterov else LATER)
    share = (np.linalg.norm(ins.carried, axis=1) / np.maximum(np.linalg.norm(ins.step, axis=1), 1e-300)
             if ins.carried is not None else np.zeros(len(ins.step)))
    rolling = next((k for k in shown if share[k] > 1), None)   # one update drawn as a full parallelogram
    for k in shown:
        draw_update(ax, ins, k, traj.params[k], parallelogram=k == rolling and not nesterov)
        if nesterov:   # the step between the classic points: the jump plus the push
            arrow(ax, path[k], path[k + 1], STEP, lw=2.2, zorder=8)
    if ins.effective_lr is not None and shown and shown[0] == 0:   # the first step, whatever the slopes
        d = ", ".join(fmt_number(x).replace("-", "−") for x in ins.step[0])
        ax.annotate(f"{L('this update', lang).format(n=1)}{colon(lang)}Δp = ({d})", xy=traj.params[0] + ins.step[0] / 2,
                    xytext=(10, 4), textcoords="offset points", fontsize=9.5, color=STEP, ha="left", va="bottom")
    ax.set_aspect("equal", adjustable="box")
    sep = _sep(lang)
    beta = f"{sep}β = {fmt_number(runs.info['beta'])}" if runs.info.get("beta") else ""
    at = _sep(lang, "list").join(str(k + 1) for k in shown)
    ax.set_title(f"{optimizer_name(name, lang)}{sep}{L('lr', lang)} = {fmt_number(runs.rates[0])}{beta}"
                 f"{colon(lang)}{L('arrows at updates', lang).format(list=at)}", fontsize=11)
    line = lambda c, key, **kw: Line2D([], [], color=c, lw=kw.pop("lw", 2), label=L(key, lang), **kw)  # noqa: E731
    if nesterov:
        return [line(CARRIED, "to the look-ahead"),
                Line2D([], [], ls="", marker="o", mfc="white", mec=PUSH, mew=1.6, label=L("look-ahead torch", lang)),
                line(PUSH, "push at the look-ahead"), line(STEP, "nesterov step", lw=2.4),
                line(style.colour(name), "nesterov path", lw=1.3, marker="o", ms=3),
                line(PLAIN, "plain momentum", lw=1.1, ls="--")]
    if ins.carried is not None:
        keys = [line(CARRIED, "carried velocity"), line(PUSH, "gradient push"), line(STEP, "step taken", lw=2.4)]
        keys += [line(style.INK, "other order", lw=1.0, ls=(0, (2, 2)))] if rolling is not None else []
    else:
        same = ins.effective_lr is None and np.allclose(ins.step, ins.push, rtol=1e-9, atol=1e-12)
        keys = [line(STEP, "step = push" if same else "step taken", lw=2.4)]
        if not same and ins.effective_lr is None:   # Rprop, Lion, Newton: the push drawn to compare
            keys.append(line(PUSH, "gradient push", lw=1.2, ls="--"))
    return keys + [line(LATER, "rest of the path", lw=1.3, marker="o", ms=3)]


def _sizes_chart(ax, runs, lang):
    """How long each term is, update by update: the gradient's push, the carried velocity (or
    Nesterov's jump) and the step; for momentum the updates where the carried velocity is
    longer than the step are shaded (there the gradient pushes back)."""
    ins, n = runs.info["internals"], runs.info["chart"]
    steps = np.arange(1, n + 1)
    nesterov = ins.lookahead is not None
    size = lambda a: np.linalg.norm(a[:n], axis=1) if a is not None else np.zeros(n)   # noqa: E731
    push, carried = size(ins.push), size(ins.carried)
    step = size(np.diff(runs.info["path"], axis=0)) if nesterov else size(ins.step)
    ax.plot(steps, push, "-o", ms=3, color=PUSH, lw=1.8, label=L("gradient push", lang))
    if ins.carried is not None:
        ax.plot(steps, carried, "-o", ms=3, color=CARRIED, lw=1.8,
                label=L("to the look-ahead" if nesterov else "carried velocity", lang))
    ax.plot(steps, step, color=STEP, lw=1.6, ls="--", label=L("nesterov step" if nesterov else "step taken", lang))
    if ins.carried is not None and not nesterov:
        ax.fill_between(steps, step, carried, where=carried > step, interpolate=True, color=CARRIED, alpha=0.18,
                        lw=0, label=L("carried > step", lang))
    ax.set_xlabel(L("update", lang))
    ax.set_ylabel(L("length", lang))
    ax.set_xlim(0, n + 1)
    ax.set_ylim(0, max(push.max(), carried.max(), step.max()) * 1.3)   # room for the key over the late updates
    ax.grid(True, alpha=0.25)
    ax.legend(fontsize=9.5, loc="upper right")
    ax.set_title(L("sizes of the terms", lang), fontsize=11)


def _adaptive_panels(fig, grid, runs, lang):
    """The accumulators as squares at a few updates (top) and each coordinate's effective rate
    (bottom, log scale with plain ticks, its first and last values written at the ends)."""
    s, name, ins = runs.surface, runs.series[0], runs.info["internals"]
    n = len(ins.step)
    sq = fig.add_subplot(grid[0, 1])
    picks = runs.info["snapshots"]
    draw_squares(sq, ins.scale[picks].T, COORDS, list(s.variables), [str(k + 1) for k in picks])
    sq.text(-0.15, 1.12, L("update", lang), ha="right", va="bottom", fontsize=9.5)
    same_as = "adam" if name in ("adamw", "nadam", "radam") else name   # the same √v̂
    sq.set_title(L(f"accumulator {same_as}", lang), fontsize=11)
    rt = fig.add_subplot(grid[1, 1])
    steps = np.arange(1, n + 1)
    for i, c in enumerate(COORDS):   # each line named at its end, its first and last values written
        e = ins.effective_lr[:, i]
        rt.plot(steps, e, color=c, lw=2)
        rt.text(steps[0], e[0], f"{e[0]:.2g} ", color=c, fontsize=9, ha="right", va="center")
        rt.text(steps[-1], e[-1], f" {e[-1]:.2g}  ${s.variables[i]}$", color=c, fontsize=9.5, ha="left", va="center")
    rt.set_yscale("log")
    lo, hi = ins.effective_lr.min(), ins.effective_lr.max()
    rt.set_ylim(lo / 1.4, hi * 1.4)
    rt.set_xlim(-0.14 * n, n * 1.3)
    plain_log_axis(rt)
    rt.set_xlabel(L("update", lang))
    rt.set_ylabel(L("effective rate", lang) + L("log scale", lang), fontsize=9.5)
    rt.grid(True, alpha=0.25)


def plot_internals(fig, runs, lang):
    """The path on the contours with what each shown update is made of; beside it, the terms'
    sizes over the first updates (momentum, Nesterov) or the accumulators and per-coordinate
    rates (adaptive)."""
    s, name, ins = runs.surface, runs.series[0], runs.info["internals"]
    adaptive = ins.effective_lr is not None
    grid = fig.add_gridspec(2 if adaptive else 1, 2, width_ratios=[1.3, 1],
                            height_ratios=[1.3, 1] if adaptive else None)   # room for the squares to grow
    ax = fig.add_subplot(grid[:, 0])
    fig.subplots_adjust(top=0.86, left=0.06, right=0.97, bottom=0.2, wspace=0.2, hspace=0.45)
    keys = _arrows_panel(ax, runs, lang)   # its window fills the box laid out above
    chart = None
    if adaptive:
        _adaptive_panels(fig, grid, runs, lang)
    else:
        _sizes_chart(chart := fig.add_subplot(grid[0, 1]), runs, lang)
    title(fig, f"{L('inside', lang)}{colon(lang)}{optimizer_name(name, lang)}", s.title[lang], formula(s))
    ax.apply_aspect()
    if chart is not None:   # the chart as tall as the map beside it, the key under both
        box, at = chart.get_position(), ax.get_position()
        chart.set_position((box.x0, at.y0, box.width, at.height))
    _legend_under(ax, keys)
    return fig


# -- one-step ------------------------------------------------------------------------------------
# Each optimizer's update typeset as in PyTorch's documentation, one line per term of
# gdviz.internals.dissect (matched by the term's name, in order).
_G, _P = ("g", r"$g_t = \nabla L(p_{t-1})$"), ("p", r"$p_t = p_{t-1} + \Delta p$")
_RATE_STEP = ("Δp", r"$\Delta p = -\mathrm{rate}\; g_t$")
RULES = {
    "gd": [_G, ("Δp", r"$\Delta p = -\mathrm{lr}\; g_t$"), _P],
    "momentum": [_G, ("b", r"$b_t = \mu\, b_{t-1} + (1 - \tau)\, g_t$"), ("Δp", r"$\Delta p = -\mathrm{lr}\; b_t$"),
                 _P],
    "nesterov": [_G, ("b", r"$b_t = \mu\, b_{t-1} + g_t$"), ("g", r"$g_t \leftarrow g_t + \mu\, b_t$"),
                 ("Δp", r"$\Delta p = -\mathrm{lr}\; g_t$"), _P],
    "adagrad": [_G, ("sum", r"$s_t = s_{t-1} + g_t^2$"),
                ("rate", r"$\mathrm{rate} = \mathrm{lr}\,/\,(\sqrt{s_t} + \epsilon)$"), _RATE_STEP, _P],
    "rmsprop": [_G, ("v", r"$v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2$"),
                ("rate", r"$\mathrm{rate} = \mathrm{lr}\,/\,(\sqrt{v_t} + \epsilon)$"), _RATE_STEP, _P],
    "adadelta": [_G, ("v", r"$v_t = \rho\, v_{t-1} + (1 - \rho)\, g_t^2$"),
                 ("rate", r"$\mathrm{rate} = \mathrm{lr}\,\sqrt{a_{t-1} + \epsilon}\,/\,\sqrt{v_t + \epsilon}$"),
                 ("a", r"$a_t = \rho\, a_{t-1} + (1 - \rho)\, \Delta_t^2$"), _RATE_STEP, _P],
    "adam": [_G, ("m", r"$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t$"),
             ("v", r"$v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2$"),
             ("m̂", r"$\hat{m}_t = m_t\,/\,(1 - \beta_1^{\,t})$"), ("v̂", r"$\hat{v}_t = v_t\,/\,(1 - \beta_2^{\,t})$"),
             ("Δp", r"$\Delta p = -\mathrm{lr}\;\hat{m}_t\,/\,(\sqrt{\hat{v}_t} + \epsilon)$"), _P],
}
_M = ("m", r"$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t$")
_V = ("v", r"$v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2$")
_MHAT, _VHAT = RULES["adam"][3], RULES["adam"][4]
RULES.update({
    "adamw": [_G, _M, _V, _MHAT, _VHAT,
              ("Δp", r"$\Delta p = -\mathrm{lr}\;\hat{m}_t\,/\,(\sqrt{\hat{v}_t} + \epsilon)"
                     r" - \mathrm{lr}\,\lambda\, p$"), _P],
    "nadam": [_G, _M, _V, ("μ", r"$\mu_t = \beta_1\,(1 - 0.96^{\,t\psi}\,/\,2)$"),
              ("n", r"$n_t = \frac{(1 - \mu_t)\, g_t}{1 - \mu_1 \cdots \mu_t}"
                    r" + \frac{\mu_{t+1}\, m_t}{1 - \mu_1 \cdots \mu_{t+1}}$"),
              _VHAT, ("Δp", r"$\Delta p = -\mathrm{lr}\; n_t\,/\,(\sqrt{\hat{v}_t} + \epsilon)$"), _P],
    "radam": [_G, _M, _V, _MHAT, ("ρ", r"$\rho_t = \rho_\infty - 2t\,\beta_2^{\,t}\,/\,(1 - \beta_2^{\,t})$"), _VHAT,
              ("Δp", r"$\Delta p = -\mathrm{lr}\; r_t\, \hat{m}_t \sqrt{1 - \beta_2^{\,t}}"
                     r"\,/\,(\sqrt{v_t} + \epsilon)$"),
              _P],
    "adamax": [_G, _M, ("u", r"$u_t = \mathrm{max}(\beta_2 u_{t-1},\ |g_t| + \epsilon)$"), _MHAT,
               ("Δp", r"$\Delta p = -\mathrm{lr}\;\hat{m}_t\,/\,u_t$"), _P],
    "rprop": [_G, ("sign", r"$\sigma = \mathrm{sign}(g_t\, g_{t-1})$"),
              ("s", r"$s_t = \mathrm{clip}(s_{t-1}\,\eta_\sigma)$"),
              ("Δp", r"$\Delta p = -\mathrm{sign}(g_t)\, s_t$"), _P],
    "lion": [_G, ("c", r"$c_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t$"),
             ("m", r"$m_t = \beta_2 m_{t-1} + (1 - \beta_2)\, g_t$"),
             ("Δp", r"$\Delta p = -\mathrm{lr}\,(\mathrm{sign}(c_t) + \lambda\, p)$"), _P],
    "newton": [_G, ("λ(H)", r"$H = \nabla^2 L(p_{t-1})$, its eigenvalues"),
               ("d", r"$d = (H + \delta I)^{-1}\, g_t$"), ("Δp", r"$\Delta p = -\mathrm{lr}\; d$"), _P],
    "gd-line-search": [_G, ("α", r"$\alpha = \mathrm{lr}\,/\,2^k$"),
                       ("L", r"$L(p - \alpha g) \leq L(p) - 10^{-4}\,\alpha\, |g|^2$"),
                       ("Δp", r"$\Delta p = -\alpha\; g_t$"), _P],
})
RULES["sgd"] = RULES["gd"]
NOT_TORCH = ("lion", "newton")   # their rules: the paper's (pytorch-optimizer's) and Newton's
SYMBOLS = {"lr": r"\mathrm{lr}", "momentum": r"\mu", "dampening": r"\tau", "beta1": r"\beta_1", "beta2": r"\beta_2",
           "alpha": r"\alpha", "rho": r"\rho", "eps": r"\epsilon", "weight_decay": r"\lambda",
           "momentum_decay": r"\psi", "damping": r"\delta"}


def _rule_lines(traj, terms) -> list[str]:
    """The typeset rule line of each term (its bare name when the optimizer has no typeset rule)."""
    name = traj.optimizer
    if name in ("gd", "sgd") and "momentum_buffer" in traj.state:
        name = "nesterov" if traj.hyperparams.get("nesterov") else "momentum"
    if name == "gd" and traj.hyperparams.get("line_search"):
        name = "gd-line-search"
    left = list(RULES.get(name, []))
    out = []
    for term in terms:
        i = next((i for i, (key, _) in enumerate(left) if key == term.name), None)
        out.append(left.pop(i)[1] if i is not None else f"${term.name}$" if term.name.isascii() else term.name)
    return out


def _settings(traj, lr) -> str:
    """The run's settings in the rule's symbols: '$\\mathrm{lr} = 0.05,\\ \\beta_1 = 0.9, ...$'."""
    def num(v):
        e = np.log10(abs(v)) if v else 0.5
        return f"10^{{{int(round(e))}}}" if abs(e - round(e)) < 1e-9 and abs(e) >= 4 else f"{v:g}"

    hp = {"lr": lr, **{k: v for k, v in traj.hyperparams.items() if k in SYMBOLS and isinstance(v, (int, float))
                       and not isinstance(v, bool) and (v or k != "dampening")}}
    return "$" + r",\ \ ".join(f"{SYMBOLS[k]} = {num(float(v))}" for k, v in hp.items()) + "$"


def plot_one_step(fig, runs, lang):
    """Update t dissected: each line of PyTorch's rule typeset (left) beside the same term with
    the run's numbers (right), the run's settings below, and the step on the contours (inset)."""
    s, traj, name = runs.surface, runs.trajectories[0], runs.series[0]
    t, terms = runs.info["t"], runs.info["terms"]
    n = t + 1   # counted from 1, as torch's t (the power in the bias corrections)
    tb = fig.add_axes((0.02, 0.04, 0.68, 0.78))
    tb.axis("off")
    torch_rule = name in RULES and name not in NOT_TORCH and not traj.hyperparams.get("line_search")
    head = L("pytorch rule", lang).format(name=optimizer_name(name, lang)) if torch_rule else L("the rule", lang)
    tb.text(0, 1, head, fontsize=11.5, fontweight="bold", va="top", color=style.INK)
    rows = max(len(terms), 6) + 1
    ys = [0.86 - i * 0.86 / rows for i in range(len(terms))]
    rules = [tb.text(0.0, y, rule, fontsize=13, va="center", color=style.INK)
             for y, rule in zip(ys, _rule_lines(traj, terms))]
    renderer = fig.canvas.get_renderer()   # the numbers start just right of the widest rule
    right = max(tb.transAxes.inverted().transform(r.get_window_extent(renderer))[1, 0] for r in rules)
    x = max(0.26, right + 0.015)
    tb.text(x, 1, f"{L('update n', lang).format(n=n)}{colon(lang)}{L('with the numbers', lang)}", fontsize=11.5,
            fontweight="bold", va="top", color=style.INK)
    for y, term in zip(ys, terms):
        tb.text(x, y, "= " + term.formula.replace("-", "−"), fontsize=10.5, va="center", color=style.INK)
    tb.text(0.0, 0.86 - len(terms) * 0.86 / rows - 0.04, _settings(traj, runs.rates[0]) + f"$,\\ \\ t = {n}$",
            fontsize=11.5, va="center", color=style.MUTED)
    inset = fig.add_axes((0.73, 0.25, 0.23, 0.55))
    p0, p1 = traj.params[t], traj.params[t + 1]
    half = max(float(np.linalg.norm(p1 - p0)) * 1.6, 1e-9)
    mid = (p0 + p1) / 2
    window = np.stack([mid - half, mid + half], 1)   # square around the step: equal scales
    draw_contours(inset, s, window=window, lang=lang, n=120)
    inset.plot(*traj.params[: t + 1].T, "-o", color=LATER, ms=3, lw=1.2, zorder=5)
    arrow(inset, p0, p1, STEP, lw=2.2, zorder=8, scale=14)
    for axis in (inset.xaxis, inset.yaxis):
        axis.set_major_locator(MaxNLocator(3))
    inset.tick_params(labelsize=8.5)
    inset.set_title(L("the step on the loss", lang), fontsize=10.5)
    inset.set_aspect("equal", adjustable="box")
    inset.legend(handles=[Line2D([], [], color=LATER, marker="o", ms=3, lw=1.2,
                                 label=L("path so far", lang).format(n=t)),
                          Line2D([], [], color=STEP, lw=2.2, label=L("this update", lang).format(n=n))],
                 loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, fontsize=9)
    title(fig, f"{L('one step dissected', lang)}{colon(lang)}{optimizer_name(name, lang)}",
          f"{s.title[lang]}{_sep(lang)}{L('lr', lang)} = {fmt_number(runs.rates[0])}", formula(s))
    return fig


KINDS = {
    "internals": ("internals", plot_internals, (1250, 580),
                  "inside the optimizer: velocity, gradient push and step arrows, or accumulators and rates"),
    "one-step": ("one-step", plot_one_step, (1400, 560), "one update dissected: each term with its numbers"),
}
