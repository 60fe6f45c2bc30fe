"""Lessons that compare paths: optimizer races, momentum, Adagrad, a saddle point."""
from __future__ import annotations

import numpy as np

from .. import analysis, arith
from ..claims import claim, cost, fewer_steps, name, steps_text
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..races import DEFAULT as RACE_DEFAULT
from ..races import tune_rate
from ..surfaces import surface as make_surface
from .rates import shown_rates
from .runs import Runs, one_point, per_series, with_claims


def race(surface="rosenbrock", optimizers=RACE_DEFAULT, rates=None, *, start=None,
         steps: int = 1500) -> Runs:
    """Several optimizers from one start to a finish line, each at its own best rate
    (``gdviz.races``: fewest steps to the finish line, the median over 5 starts near this one,
    counting only rates whose loss never rises above its start), or at ``rates`` when given.
    ``info["table"]`` is the race's metrics table in finish order, ``info["space"]`` what was
    searched, ``info["finish"]`` the finish line."""
    from ..races import race as run_race

    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if not optimizers:
        raise UserInputError("a race needs at least one optimizer")
    return race_runs(run_race(make_surface(surface), optimizers, tune=rates is None, rates=rates,
                              start=one_point(start), steps=steps))


def race_runs(r) -> Runs:
    """The lesson runs of a :class:`gdviz.races.Race`, with its claims."""
    runs = Runs(r.surface, r.trajectories, list(r.optimizers), r.rates, lesson="race",
                info={"table": r.table, "space": r.space, "tuned": r.tuned, "finish": r.finish,
                      "edge": [t.optimizer for t in r.tunings if t.at_edge], "swap": swapped_rates(r)})
    return with_claims(runs, race_claims(runs))


def swapped_rates(r, pair=("momentum", "nesterov")) -> dict:
    """For a tuned race with both of ``pair``: the one that finishes later, run at the earlier
    one's rate (from its own tuning: the same grid). Keys: first, later, lr (the first's rate),
    rises (whether the later one's loss then rises above its start, from the race's start) and
    median (its median steps to the finish line there, None: the median never finishes)."""
    rows = [row for row in r.table if row["optimizer"] in pair]
    if not r.tuned or len(rows) != 2 or not rows[0]["finished"]:
        return {}
    first, later = rows
    tuning = r.tunings[r.optimizers.index(later["optimizer"])]
    i = int(np.flatnonzero(tuning.lrs == first["lr"])[0])
    median = float(tuning.median_steps[i])
    return {"first": first["optimizer"], "later": later["optimizer"], "lr": first["lr"],
            "rises": not bool(tuning.counts[i]), "median": int(median) if np.isfinite(median) else None,
            "first_median": first["median_steps"]}


def finish_text(runs: Runs, lang: str = "en") -> str:
    """The race's finish line in words, with the numbers: 'loss ≤ 0.001 (the minimum 0 + 0.001)
    from then on'."""
    from ..style import label as L

    finish = runs.info["finish"]
    if finish.low is None:
        return L("finish gradient", lang).format(tol=f"{finish.tol:g}")
    return L("finish gap", lang).format(line=f"{finish.line:g}", gap=f"{finish.gap:g}", low=f"{finish.low:g}")


def race_claims(runs: Runs) -> list:
    """A tuned race is fair (each rate the best of the same search by the same rule, none at
    its edge, no drawn run's loss ever above its start); the winner crosses the finish line
    first, with its numbers; a tuned race's winner also wins the median over the tuning's starts."""
    out, info = [], runs.info
    table = info.get("table") or []
    if info.get("tuned"):
        space = info["space"]
        edge = info["edge"]
        lo, hi = space["span"]
        out.append(claim("fair", f"each optimizer runs at its best of {space['grid']} rates from {lo:g} to {hi:g} by "
                         "the same rule, and no best rate is at the edge of that range",
                         f"每个优化器都按同一规则，使用 {space['grid']} 个学习率（{lo:g} 到 {hi:g}）中最好的一个，"
                         "且没有一个落在范围边缘", not edge,
                         f"at the edge: {', '.join(edge)}" if edge else
                         ", ".join(f"{name(r['optimizer'])} {r['lr']:g}" for r in table),
                         f"位于边缘：{', '.join(edge)}" if edge else
                         "，".join(f"{name(r['optimizer'], 'zh')} {r['lr']:g}" for r in table)))
        start = table[0]["start_loss"] if table else 0.0
        out.append(claim("never-above-start", f"no run's loss ever rises above its start ({start:.3g})",
                         f"没有一条路径的损失超过它的起点（{start:.3g}）",
                         all(r["peak_loss"] <= r["start_loss"] for r in table),
                         "highest after the start: " + ", ".join(f"{name(r['optimizer'])} {r['peak_loss']:.3g}"
                                                                  for r in table),
                         "起点之后的最高损失：" + "，".join(f"{name(r['optimizer'], 'zh')} {r['peak_loss']:.3g}"
                                                   for r in table)))
    if table:
        win = table[0]
        line = {lang: finish_text(runs, lang) for lang in ("en", "zh")}
        runner = table[1] if len(table) > 1 else None
        first = win["finished"] and (runner is None or not runner["finished"] or runner["steps"] > win["steps"])
        evidence = {"en": _finish_steps(win), "zh": _finish_steps(win, "zh")}
        if runner is not None:
            evidence["en"] += f"; next {name(runner['optimizer'])}: {_finish_steps(runner)}"
            evidence["zh"] += f"；其次是{name(runner['optimizer'], 'zh')}：{_finish_steps(runner, 'zh')}"
        out.append(claim("winner", f"{name(win['optimizer'])} crosses the finish line first: {line['en']}",
                         f"{name(win['optimizer'], 'zh')}最先越过终点线：{line['zh']}", first,
                         evidence["en"], evidence["zh"], steps=win["steps"]))
        if info.get("tuned") and len(table) > 1:
            m = info["space"]["starts"]
            medians = [np.inf if r["median_steps"] is None else r["median_steps"] for r in table]
            robust = bool(np.isfinite(medians[0]) and all(medians[0] < x for x in medians[1:]))
            out.append(claim("robust", f"{name(win['optimizer'])} also wins in the median over {m} starts near this "
                             "one", f"在这个起点附近 {m} 个起点的中位数上，{name(win['optimizer'], 'zh')}同样第一",
                             robust,
                             "median steps: " + ", ".join(f"{name(r['optimizer'])} {_median(r)}" for r in table),
                             "步数中位数：" + "，".join(f"{name(r['optimizer'], 'zh')} {_median(r, 'zh')}"
                                                  for r in table)))
    swap = info.get("swap")
    if swap:
        a, b, lr = name(swap["first"]), name(swap["later"]), f"{swap['lr']:g}"
        za, zb = name(swap["first"], "zh"), name(swap["later"], "zh")
        better = swap["median"] is not None and (swap["first_median"] is None or swap["median"] < swap["first_median"])
        if swap["rises"]:
            en, zh = f"at {lr} {b}'s loss rises above its start", f"学习率 {lr} 时{zb}的损失超过起点"
        else:
            later, first = ({"median_steps": swap[k]} for k in ("median", "first_median"))
            en = f"median steps at {lr}: {b} {_median(later)}, {a} {_median(first)}"
            zh = f"学习率 {lr} 时的步数中位数：{zb} {_median(later, 'zh')}，{za} {_median(first, 'zh')}"
        out.append(claim("swap", f"{a} beats {b} not by a luckier rate: at {a}'s rate {lr}, {b} does no better",
                         f"{za}胜过{zb}并非靠学习率的运气：用{za}的学习率 {lr}，{zb}也不会更快", not better,
                         en, zh))
    return out


def _finish_steps(row, lang: str = "en") -> str:
    """'439 steps', 'not within 1500 steps', 'diverged' for evidence."""
    if row["diverged"] and not row["finished"]:
        return "发散" if lang == "zh" else "diverged"
    if row["finished"]:
        return f"{row['steps']} 步" if lang == "zh" else f"{row['steps']} steps"
    return f"{row['steps']} 步内未到达" if lang == "zh" else f"not within {row['steps']} steps"


def _median(row, lang: str = "en") -> str:
    if row["median_steps"] is None:
        return "未到达" if lang == "zh" else "does not finish"
    return str(row["median_steps"])


def _basin(s, traj, radius=None) -> int:
    """The index of the known minimum a run ended at (-1: none within 5% of the window)."""
    radius = 0.05 * float(np.ptp(s.bounds, axis=1).max()) if radius is None else radius
    d = arith.norm(s.minima - traj.params[-1])
    return int(d.argmin()) if d.min() <= radius else -1


VALLEY_START = (-3.5, 0.8)   # the momentum lesson's start on the elongated bowl: near the valley floor


def momentum(surface="elongated", lr: float = 0.02, *, beta: float = 0.85, start=None,
             steps: int = 1000) -> Runs:
    """Gradient descent and heavy-ball momentum (beta) at the same learning rate: along the
    flat valley momentum builds up speed where plain gradient descent crawls. On the elongated
    bowl the default start is ``VALLEY_START``, close enough to the valley floor that momentum's
    swings across the valley stay moderate (elsewhere: the surface's start)."""
    s = make_surface(surface)
    start = one_point(start)
    if start is None and s.spec()["name"] == "elongated":
        start = VALLEY_START
    gd = run(make_optimizer("gd", lr=lr), s, start, steps)
    mo = run(make_optimizer("momentum", lr=lr, momentum=beta), s, start, steps)
    runs = Runs(s, [gd, mo], ["gd", "momentum"], [lr, lr], info={"beta": beta}, lesson="momentum")
    return with_claims(runs, [fewer_steps("momentum-faster", ("momentum", mo), ("gd", gd),
                                          what=("at the same rate reaches the minimum",
                                                "在相同学习率下到达最小值"))])


def adaptive(surface="elongated", *, lr: float = 1.0, fixed_lr: float | None = None,
             steps: int = 300, start=None) -> Runs:
    """Adagrad against gradient descent at its fastest fixed rate 2/(L + mu); ``info["effective"]``
    holds Adagrad's per-coordinate rate eta / (sqrt(sum of g^2 so far) + eps) at each step."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    fixed_lr = reg.goldilocks if fixed_lr is None else fixed_lr
    ada = run(make_optimizer("adagrad", lr=lr), s, reg.point, steps)
    fixed = run(make_optimizer("gd", lr=fixed_lr), s, reg.point, steps)
    g = ada.grads[: ada.n_steps]
    eps = ada.hyperparams.get("eps", 1e-10)
    effective = lr / (np.sqrt(np.cumsum(g * g, axis=0)) + eps)
    def run_at(name):
        return lambda rates: run(make_optimizer(name, lr=rates), s, reg.point, steps).members()

    shown = [*shown_rates([lr], [ada], run_at("adagrad")), *shown_rates([fixed_lr], [fixed], run_at("gd"))]
    runs = Runs(s, [ada, fixed], ["adagrad", "gd"], [lr, fixed_lr],
                info={"effective": effective, "fixed": fixed_lr, "shown": shown}, lesson="adaptive")
    out = []
    if s.dim == 2 and len(effective):
        h = np.diag(s.hessian(reg.point))
        steep, flat = int(np.argmax(h)), int(np.argmin(h))
        v = s.variables
        out.append(claim("steep-slows-more",
                         f"from the first step on, Adagrad gives the steep direction ({v[steep]}) a smaller rate "
                         f"than the flat one ({v[flat]})",
                         f"从第一步起，Adagrad 给陡峭方向（{v[steep]}）的学习率就小于平坦方向（{v[flat]}）",
                         bool(np.all(effective[:, steep] < effective[:, flat])),
                         f"{v[steep]} {effective[0, steep]:.3g} vs {v[flat]} {effective[0, flat]:.3g} at the first "
                         f"step, {effective[-1, steep]:.3g} vs {effective[-1, flat]:.3g} at the last",
                         f"第一步 {v[steep]} {effective[0, steep]:.3g} 对 {v[flat]} {effective[0, flat]:.3g}，"
                         f"最后一步 {effective[-1, steep]:.3g} 对 {effective[-1, flat]:.3g}"))
    shrink = "; ".join(f"{v[j]} {effective[0, j]:.3g} → {effective[-1, j]:.3g}" for j in range(effective.shape[1])) \
        if len(effective) else ""
    out.append(claim("rates-shrink", "Adagrad's per-coordinate rates only shrink",
                     "Adagrad 的各坐标学习率只会变小", bool(np.all(np.diff(effective, axis=0) <= 0)),
                     shrink or "no steps", shrink.replace("; ", "；") or "没有步"))
    out.append(fewer_steps("adagrad-faster", ("adagrad", ada), ("gd", fixed)))
    return with_claims(runs, out)


def single(surface="rosenbrock", optimizers=("gd",), rates=None, *, start=None, steps: int = 500) -> Runs:
    """One run per optimizer (or per rate): the plain path picture. Without ``rates`` each
    optimizer runs at its own best rate (``gdviz.races.tune_rate``, as in :func:`race`)."""
    s = make_surface(surface)
    optimizers = [optimizers] if isinstance(optimizers, str) else list(optimizers)
    if rates is not None and len(optimizers) == 1 and len(np.atleast_1d(rates)) > 1:
        optimizers = optimizers * len(np.atleast_1d(rates))
    start = one_point(start)
    if rates is None:
        rates = [_best_rate(s, o, start, steps) for o in optimizers]
    rates = per_series("lr", rates, len(optimizers))
    trajs = [run(make_optimizer(o, **({} if lr is None else {"lr": lr})), s, start, steps)
             for o, lr in zip(optimizers, rates)]
    runs = Runs(s, trajs, optimizers, [t.hyperparams.get("lr") for t in trajs], lesson="single")
    out = []
    for k, t in zip(runs.series, runs.trajectories):
        if t.status == "diverged":
            out.append(claim("no-divergence", f"{name(k)} does not diverge", f"{name(k, 'zh')}不发散", False,
                             steps_text(t), steps_text(t, "zh")))
    return with_claims(runs, out)


SAME_RATE = 0.09   # round_vs_elongated: one rate below 2/L = 0.1 of the elongated bowl, for both


def round_vs_elongated(condition: float = 20.0, *, steps: int = 400) -> Runs:
    """Like with like: a round bowl ½(x² + y²) and the elongated bowl ½(x² + κy²) with the same
    flat curvature (1) and the same start, each at its best rate 2/(L + μ): 1 on the round bowl
    (one step), 2/(1 + κ) on the elongated one (κ = 20: 2/21 ≈ 0.095, 173 steps). The cause of
    the gap is the steep direction, which caps the rate below 2/L; at one rate for both
    (``SAME_RATE`` 0.09) they take about as many steps (161 and 160), zig-zag or not; those two
    runs are in ``info["same rate"]``."""
    bowls = [make_surface("bowl", curvature=1.0), make_surface("elongated", condition=condition)]
    start = bowls[1].start
    regs = [analysis.regimes(s, start) for s in bowls]
    rates = [r.goldilocks for r in regs]
    trajs = [run(make_optimizer("gd", lr=lr), s, start, steps) for s, lr in zip(bowls, rates)]
    same = [run(make_optimizer("gd", lr=SAME_RATE), s, start, steps) for s in bowls]
    runs = Runs(bowls[0], trajs, ["round bowl", "elongated bowl"], rates, surfaces=bowls, lesson="round-vs-elongated",
                info={"same rate": same, "formulas": ["½(x² + y²)", f"½(x² + {condition:g}y²)"],
                      "L": [r.L for r in regs], "mu": [r.low for r in regs]})
    mu, big = [r.low for r in regs], [r.L for r in regs]
    p = ", ".join(f"{v:g}" for v in start)
    alike = claim("like-with-like", "both bowls have the same flat curvature and start from the same point",
                  "两个碗的平坦方向曲率相同，并从同一点出发", mu[0] == mu[1],
                  f"flat curvature {mu[0]:g} and {mu[1]:g}, steep {big[0]:g} and {big[1]:g}; start ({p})",
                  f"平坦方向曲率 {mu[0]:g} 与 {mu[1]:g}，陡峭方向 {big[0]:g} 与 {big[1]:g}；起点 ({p})")
    best = fewer_steps("round-faster", ("round bowl", trajs[0]), ("elongated bowl", trajs[1]),
                       what=(f"at its best rate 2/(L + μ) ({rates[0]:.4g} against {rates[1]:.4g}) reaches the "
                             "minimum", f"在各自最好的学习率 2/(L + μ)（{rates[0]:.4g} 对 {rates[1]:.4g}）下"
                             "到达最小值"))
    a, b = (cost(t) for t in same)
    cause = claim("same-rate-alike", f"at the same rate {SAME_RATE:g} both take about as many steps (within 5%): "
                  "the zig-zag is not what costs the steps, the capped rate is",
                  f"在相同学习率 {SAME_RATE:g} 下两者步数相当（相差不到 5%）：代价不在之字形，而在被限制的学习率",
                  abs(a - b) <= 0.05 * max(a, b), f"{steps_text(same[0])} (round) vs {steps_text(same[1])} (elongated)",
                  f"{steps_text(same[0], 'zh')}（圆碗）对 {steps_text(same[1], 'zh')}（狭长）")
    return with_claims(runs, [alike, best, cause])


def _best_rate(s, optimizer, start, steps):
    """The optimizer's tuned rate on ``s``, or (None: its default) when every rate diverges."""
    try:
        return tune_rate(s, optimizer, start=start, steps=steps).lr
    except UserInputError:
        return None


def saddle(*, lr: float = 0.1, steps: int = 300, offsets=(0.0, 0.01)) -> Runs:
    """Gradient descent toward the saddle point: started exactly on x = 0 it stalls at the
    saddle; started ``offset`` away it lingers on the plateau, then escapes to a minimum. The
    stalling run comes down from above, the escaping one from below, so neither hides the other."""
    s = make_surface("saddle")
    starts = [[dx, 1.8 if i % 2 == 0 else -1.8] for i, dx in enumerate(offsets)]
    trajs = [run(make_optimizer("gd", lr=lr), s, p, steps) for p in starts]
    series = ["stalls at the saddle" if dx == 0 else "escapes" for dx in offsets]
    if len(set(series)) < len(series):  # several offsets: name them by where they start
        series = [f"x0 = {dx:g}" for dx in offsets]
    runs = Runs(s, trajs, series, [lr] * len(trajs), lesson="saddle")
    out = []
    saddle_pt = s.saddles[0]
    for key, t in zip(series, trajs):
        if key == "stalls at the saddle":
            d = float(arith.norm(t.params[-1] - saddle_pt))
            out.append(claim("stalls", "started on x = 0, gradient descent stops at the saddle point, not at a minimum",
                             "从 x = 0 出发，梯度下降停在鞍点，而不是最小值",
                             d < 1e-3 and t.loss[-1] > 0.2 and t.reason == "saddle point",
                             f"ends {d:.1e} from the saddle with loss {t.loss[-1]:.3f}, {steps_text(t)}",
                             f"终点距鞍点 {d:.1e}，损失 {t.loss[-1]:.3f}，{steps_text(t, 'zh')}"))
        elif key == "escapes":
            plateau = int(np.sum(np.abs(t.loss - 0.25) < 0.02))
            out.append(claim("plateau-then-escape",
                             "started 0.01 off the ridge, it lingers on the plateau, then escapes to a minimum",
                             "偏离脊线 0.01 出发时，先在平台上停留，然后逃离到最小值",
                             plateau >= 10 and _basin(s, t) >= 0 and t.loss[-1] < 1e-3 and t.reason == "minimum",
                             f"{plateau} steps with loss within 0.02 of the plateau's 0.25, then loss {t.loss[-1]:.1e}",
                             f"{plateau} 步损失停在平台 0.25 附近，之后损失 {t.loss[-1]:.1e}", plateau=plateau))
    return with_claims(runs, out)


__all__ = ["race", "race_runs", "momentum", "adaptive", "single", "saddle", "RACE_DEFAULT",
           "race_claims", "finish_text", "round_vs_elongated"]
