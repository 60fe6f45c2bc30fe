"""Lessons about the learning rate: the regimes, the course's exercise, sweeps, decay, Playground."""
from __future__ import annotations

import numpy as np

from .. import analysis, arith
from ..claims import claim, cost, crossings, fewer_steps, loss_falls, name, steps_text
from ..engine import run
from ..optim import optimizer as make_optimizer
from ..optim import schedule
from ..style import readout
from ..surfaces import surface as make_surface
from .runs import Runs, per_series, with_claims

COURSE_RATES = (0.1, 0.7, 1.0, 1.6, 1.8, 4.0)       # seed 001's exercise
COURSE_STEPS = (81, 10, 6, 1, 3, None)              # None: diverges
MAX_DIGITS = 12


def shown_rates(rates, trajs, run_at) -> list[str]:
    """Each rate with the fewest significant digits that reproduce its run: a run at the printed
    number ends the same way after the same number of steps. ``run_at(rates)`` runs an array of
    rates (one batched run) and returns one trajectory per rate.

    3.104 is printed '3.104' (3.1 takes 81 steps, not 85); 0.1 x 1.6 = 0.16000000000000003 is
    printed '0.16'; 2/21 as many digits as its step count needs.
    """
    cands = [[float(f"{lr:.{k}g}") for k in range(1, MAX_DIGITS + 1)] for lr in rates]
    flat = sorted({c for cs in cands for c in cs})
    outcome = {c: (t.status, t.n_steps) for c, t in zip(flat, run_at(np.asarray(flat)))}
    out = []
    for lr, cs, t in zip(rates, cands, trajs):
        k = next((k for k, c in enumerate(cs, 1) if outcome[c] == (t.status, t.n_steps)), MAX_DIGITS)
        out.append(f"{lr:.{k}g}")
    return out


def _gd_at(optimizer, s, start, steps):
    """``run_at`` for :func:`shown_rates`: one batched run of ``optimizer`` over the rates."""
    return lambda lrs: run(make_optimizer(optimizer, lr=lrs), s, start, steps).members()


def lr_triptych(surface="parabola", rates=None, *, optimizer="gd", start=None,
                steps: int = 2000, compare: int | None = None) -> Runs:
    """Too small, Goldilocks and too large side by side (the course's figures 6-8). Default
    rates: :meth:`Regimes.triple` (0.1 x the fastest rate, the fastest rate 2/(L + mu), and
    2.1/L, past the divergence limit, where the point bounces farther away at every step).
    ``compare``: the pictures show every run after this many steps (default 30 on a surface of
    two parameters, where the step counts alone hide who is ahead; none in 1-D), in
    ``info["compare"]``, with a claim that Goldilocks is then the closest to the minimum.

        >>> runs = lr_triptych("parabola")
        >>> [t.n_steps for t in runs.trajectories], runs.trajectories[2].status
        ([50, 1, 82], 'diverged')
    """
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    if rates is None:
        rates, series = list(reg.triple()), ["too small", "goldilocks", "too large"]
    else:  # label each rate by the course's word for it, not by its position
        rates = per_series("lr", rates, 3)
        series = [str(r) for r in reg.word(np.asarray(rates))]
    run_at = _gd_at(optimizer, s, reg.point, steps)
    trajs = run_at(np.asarray(rates, float))
    compare = (30 if s.dim == 2 else None) if compare is None else int(compare) or None
    runs = Runs(s, trajs, series, rates, info={"L": reg.L, "regimes": series, "reg": reg, "compare": compare,
                                               "shown": shown_rates(rates, trajs, run_at)}, lesson="lr-triptych")
    out = regime_claims(runs, reg)
    if compare and "goldilocks" in series and s.minima.size:
        out.append(closest_after(runs, compare))
    return with_claims(runs, out)


def closest_after(runs: Runs, k: int):
    """After ``k`` steps the Goldilocks run is the closest to the minimum (what a picture that
    stops every run at step k shows)."""
    m = runs.surface.minima[0]
    dist = {key: float(arith.norm(t.params[min(k, len(t.params) - 1)] - m))
            for key, t in zip(runs.series, runs.trajectories)}
    others = [key for key in runs.series if key != "goldilocks"]
    shown = {lang: (" 对 " if lang == "zh" else " vs ").join(
        [f"{dist['goldilocks']:.2g}"] + [f"{dist[key]:.3g}" + (f"（{name(key, lang)}）" if lang == "zh" else
                                                                  f" ({name(key, lang)})") for key in others])
        for lang in ("en", "zh")}
    return claim("goldilocks-closest", f"after {k} steps the Goldilocks rate is the closest to the minimum",
                 f"{k} 步后恰到好处的学习率离最小值最近",
                 all(dist["goldilocks"] < dist[key] for key in others),
                 f"distance to the minimum after {k} steps: {shown['en']}", f"{k} 步后与最小值的距离：{shown['zh']}",
                 distances=dist)


def lr_curves(surface="parabola", rates=None, *, optimizer="gd", start=None, steps: int = 150) -> Runs:
    """Seed 004's tuning figure: loss against steps for a small, a just-right, a large and a
    very large rate (default :meth:`Regimes.quad`: the large one overshoots so much that it is
    slower than the small one, as in the course's figure, where it gets stuck)."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    rates = [float(r) for r in np.atleast_1d(reg.quad() if rates is None else rates)]
    run_at = _gd_at(optimizer, s, reg.point, steps)
    trajs = run_at(np.asarray(rates))
    series = [str(r) for r in reg.word(np.asarray(rates))]
    runs = Runs(s, trajs, series, rates, info={"L": reg.L, "reg": reg, "shown": shown_rates(rates, trajs, run_at)},
                lesson="lr-curves")
    out = regime_claims(runs, reg)
    if "too small" in series and "too large" in series:
        out.append(fewer_steps("small-beats-large", ("too small", runs.of("too small")),
                               ("too large", runs.of("too large"))))
    return with_claims(runs, out)


def regime_claims(runs: Runs, reg) -> list:
    """What a picture of the regimes claims: Goldilocks is the fastest; too small never
    overshoots; too large overshoots at every step (and is slower); past 2/L it diverges."""
    out = []
    keyed = list(zip(runs.series, runs.trajectories, runs.rates))
    gold = [(k, t) for k, t, _ in keyed if k == "goldilocks"]
    others = [(k, t) for k, t, _ in keyed if k != "goldilocks"]
    if not gold:
        shown = ", ".join(runs.info.get("shown") or [f"{r:.3g}" for r in runs.rates])
        out.append(claim("goldilocks-shown", "one of the rates is the Goldilocks rate",
                         "其中一个学习率恰到好处", False, f"rates {shown}; Goldilocks is {reg.goldilocks:.6g}",
                         f"学习率 {shown}；恰到好处的学习率为 {reg.goldilocks:.6g}"))
    elif others:
        out.append(fewer_steps("goldilocks-fastest", gold[0], others))
    minimum = runs.surface.minima[0] if runs.surface.minima.size else None
    for key, t, lr in keyed:
        if minimum is None:
            break
        along = _along_stiffest(t, minimum, runs.surface)
        label = {lang: name(key, lang) for lang in ("en", "zh")}
        if key == "too small":
            out.append(claim("too-small-creeps", f"{label['en']} never overshoots: the loss falls at every step",
                             f"{label['zh']}从不越过最低点：损失每一步都在下降",
                             loss_falls(t) and crossings(along) == 0,
                             f"{crossings(along)} overshoots in {steps_text(t)}",
                             f"{steps_text(t, 'zh')}中越过 {crossings(along)} 次", overshoots=crossings(along)))
        elif key in ("too large", "diverges"):
            k = min(len(along) - 1, 6)
            flips = crossings(along[: k + 1])
            if lr * reg.L >= 2:
                dist = np.abs(along[: k + 1])
                grows = bool(np.all(dist[1:] > dist[:-1]))
                out.append(claim(f"{key.replace(' ', '-')}-bounces-away",
                                 f"{label['en']} overshoots at every step and lands farther away: it diverges",
                                 f"{label['zh']}每一步都越过最低点并落得更远：发散",
                                 flips == k and grows and t.loss[-1] > t.loss[0],
                                 f"{flips} overshoots in the first {k} steps; loss {readout(t.loss[0])} → "
                                 f"{readout(t.loss[-1])}",
                                 f"前 {k} 步越过 {flips} 次；损失 {readout(t.loss[0])} → {readout(t.loss[-1])}",
                                 overshoots=flips))
            else:
                slower = cost(t) > cost(gold[0][1]) if gold else True
                out.append(claim("too-large-bounces",
                                 f"{label['en']} overshoots at every step and converges more slowly",
                                 f"{label['zh']}每一步都越过最低点，收敛更慢",
                                 flips == k and slower and t.status == "converged",
                                 f"{flips} overshoots in the first {k} steps, {steps_text(t)}",
                                 f"前 {k} 步越过 {flips} 次，{steps_text(t, 'zh')}", overshoots=flips))
    return out


def _along_stiffest(traj, minimum, surface):
    """The error along the stiffest direction at the start (top Hessian eigenvector): in 1-D
    just w - w*; its sign flips each time a step overshoots."""
    v = arith.top_eigenvector(surface.hessian(traj.params[0]))
    return sum((traj.params[:, i] - minimum[i]) * v[i] for i in range(len(v)))


def lr_exercise(surface="parabola", rates=COURSE_RATES, *, optimizer="gd", start=None,
                steps: int = 200) -> Runs:
    """The course's exercise (seed 001): each rate steps on the same loss curve; the course
    counts 81, 10, 6, 1 and 3 steps for 0.1, 0.7, 1, 1.6 and 1.8, and 4 diverges. In the
    course's words (:meth:`Regimes.word`): only 1/L = 1.6 is Goldilocks, the smaller rates are
    too small (each step falls short), 1.8 is too large (each step overshoots), 4 diverges."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    rates = [float(r) for r in np.atleast_1d(rates)]
    run_at = _gd_at(optimizer, s, reg.point, steps)
    trajs = run_at(np.asarray(rates))
    series = [str(r) for r in reg.word(np.asarray(rates))]
    runs = Runs(s, trajs, series, rates, info={"L": reg.L, "reg": reg, "shown": shown_rates(rates, trajs, run_at)},
                lesson="lr-exercise")
    out = []
    below = [t.status == "converged" for t, r in zip(trajs, rates) if r * reg.L < 2]
    above = [t.status == "diverged" for t, r in zip(trajs, rates) if r * reg.L >= 2]
    lim = 2 / reg.L
    out.append(claim("limit-2-over-L",
                     f"every rate below 2/L = {lim:.3g} converges and every rate at or above it diverges",
                     f"低于 2/L = {lim:.3g} 的学习率都收敛，不低于它的都发散", all(below) and all(above),
                     f"{sum(below)} of {len(below)} below converge, {sum(above)} of {len(above)} above diverge",
                     f"低于者 {len(below)} 个中 {sum(below)} 个收敛，其余 {len(above)} 个中 {sum(above)} 个发散"))
    one = [t for t, r in zip(trajs, rates) if abs(r * reg.L - 1) < 1e-9]
    if one:
        out.append(claim("one-step", f"the rate 1/L = {1 / reg.L:.3g} reaches the minimum in one step",
                         f"学习率 1/L = {1 / reg.L:.3g} 一步到达最小值",
                         one[0].n_steps == 1 and one[0].status == "converged",
                         steps_text(one[0]), steps_text(one[0], "zh")))
    out.append(course_words(runs))
    if s.name == "parabola" and tuple(rates) == COURSE_RATES and start is None and not s.params.get("centre"):
        got = [int(t.n_steps) if t.status == "converged" else None for t in trajs]
        shown = ", ".join(f"{r:g} → {'diverges' if n is None else n}" for r, n in zip(rates, got))
        out.append(claim("course-counts", "the step counts are the course's: 81, 10, 6, 1, 3, and 4 diverges",
                         "步数与课程一致：81、10、6、1、3，学习率 4 发散", tuple(got) == COURSE_STEPS,
                         shown, shown.replace("diverges", "发散")))
    return with_claims(runs, out)


def course_words(runs: Runs):
    """The course's words hold on the runs: the too-small rates never overshoot the minimum,
    the too-large ones overshoot at every step and converge, the Goldilocks rate (if shown)
    takes the fewest steps."""
    m = runs.surface.minima[0]
    rows, ok = {"en": [], "zh": []}, True
    for key, t, shown in zip(runs.series, runs.trajectories, runs.info["shown"]):
        if key == "diverges":
            continue
        flips = crossings(_along_stiffest(t, m, runs.surface))
        n = int(t.n_steps)
        if key == "too small":
            ok &= flips == 0 and t.status == "converged"
        elif key == "too large":
            ok &= flips == n and t.status == "converged"
        else:
            ok &= all(cost(t) <= cost(u) for u in runs.trajectories)
        rows["en"].append(f"{shown}: {flips} of {n}")
        rows["zh"].append(f"{shown}：{n} 步中 {flips} 次")
    return claim("course-words", "each rate below the Goldilocks rate falls short at every step (never overshoots), "
                 "each rate above it overshoots at every step, and the Goldilocks rate is the fastest",
                 "低于恰到好处的学习率每一步都走不到最低点（从不越过），高于它的每一步都越过最低点，"
                 "恰到好处的学习率最快", ok,
                 "steps that overshoot: " + ", ".join(rows["en"]), "越过最低点的步数：" + "，".join(rows["zh"]))


def sweep(surface="parabola", optimizer="gd", rates=None, *, steps: int = 500, start=None) -> Runs:
    """Learning-rate sweep (see :func:`gdviz.analysis.sweep`), in ``info["sweep"]``. The default
    rates for the gradient-descent family include the fastest rate 2/(L + mu) (1/L in 1-D), so
    the curve's lowest point is the theory's."""
    if rates is None and optimizer in ("gd", "sgd", "momentum", "nesterov"):
        reg = analysis.regimes(surface, start)
        rates = np.union1d(np.geomspace(0.05 / reg.L, 2.5 / reg.L, 25), [reg.goldilocks])
    sw = analysis.sweep(surface, optimizer, rates, steps=steps, start=start)
    reg = sw.regimes
    s = make_surface(surface)
    conv = sw.status == "converged"
    out = []
    if conv.any():
        best = sw.best()
        n = int(sw.steps[np.flatnonzero(sw.lrs == best)[0]])
        out.append(claim("fastest-near-goldilocks", "the fewest steps are in the Goldilocks band around 2/(L + mu)",
                         "步数最少的学习率在 2/(L + mu) 附近的恰到好处区间内",
                         reg.classify(best) == "goldilocks",
                         f"fastest rate {best:.3g} ({n} step{'s' * (n != 1)}), Goldilocks {reg.goldilocks:.3g}",
                         f"最快的学习率 {best:.3g}（{n} 步），恰到好处 {reg.goldilocks:.3g}", best=best, steps=n))
    over = sw.lrs * reg.L >= 2
    if optimizer == "gd" and over.any():
        ok = bool(np.all(sw.status[over] == "diverged"))
        out.append(claim("diverge-past-2-over-L", f"every rate at or above 2/L = {reg.diverge:.3g} diverges",
                         f"不低于 2/L = {reg.diverge:.3g} 的学习率全部发散", ok,
                         f"{int(np.sum(sw.status[over] == 'diverged'))} of {int(over.sum())} diverge",
                         f"{int(over.sum())} 个中 {int(np.sum(sw.status[over] == 'diverged'))} 个发散"))
    return Runs(s, [], [], list(sw.lrs), info={"sweep": sw}, claims=out, lesson="sweep")


def lr_decay(surface="parabola", lr: float | None = None, *, start=None, steps: int = 60) -> Runs:
    """Seed 004's adaptive rate eta_t = eta / sqrt(t + 1): big steps first, small ones near the
    minimum. ``lr`` (eta, default 2.2/L) is too large to use as a constant: the constant rate
    diverges while the decaying one settles into the minimum."""
    s = make_surface(surface)
    reg = analysis.regimes(s, start)
    lr = 2.2 / reg.L if lr is None else float(lr)
    const = run(make_optimizer("gd", lr=lr), s, reg.point, steps)
    decay = run(make_optimizer("gd", lr=schedule("inverse-sqrt", lr)), s, reg.point, steps)
    runs = Runs(s, [const, decay], ["constant rate", "decaying rate"], [lr, lr], info={"L": reg.L},
                lesson="lr-decay")
    first, later = lr, lr / np.sqrt(steps)
    out = [claim("constant-diverges",
                 f"at the constant rate {lr:.3g} (past 2/L = {reg.diverge:.3g}) gradient descent diverges",
                 f"恒定学习率 {lr:.3g}（超过 2/L = {reg.diverge:.3g}）时梯度下降发散",
                 const.status == "diverged",
                 f"{steps_text(const)} after {const.n_steps} steps, loss {const.loss[0]:.3g} → "
                 f"{const.loss[-1]:.3g}", f"{const.n_steps} 步后{steps_text(const, 'zh')}，损失 {const.loss[0]:.3g} → "
                 f"{const.loss[-1]:.3g}"),
           claim("decay-converges", f"with {lr:.3g}/√(t+1) the same start converges: big steps first, small ones later",
                 f"使用 {lr:.3g}/√(t+1) 时同一起点收敛：先大步，后小步",
                 decay.status == "converged",
                 f"{steps_text(decay)}; rate {first:.3g} at step 0, {later:.3g} at step {steps}",
                 f"{steps_text(decay, 'zh')}；第 0 步学习率 {first:.3g}，第 {steps} 步 {later:.3g}")]
    return with_claims(runs, out)


def misclassified(surface, params) -> int:
    """How many of a logistic-regression surface's points the model (w, b) puts on the wrong
    side of p = 0.5."""
    w, b = params
    return int(np.sum(((w * np.asarray(surface.x) + b) > 0) != (np.asarray(surface.y) == 1)))


def playground(rates=(3.0, 0.3), *, steps: int = 40, marks=(10, 20)) -> Runs:
    """The course's Playground exercise (seed 001): a high learning rate (3) on a two-class
    problem, looked at after 10 and 20 steps, against a lower one. Logistic regression on the
    built-in data, from w = b = 0: at 3 the loss jumps up and down, and the loss after 20 steps
    is no lower than after 10; at 0.3 it falls at every step."""
    s = make_surface("logistic-regression")
    rates = [float(r) for r in rates]
    trajs = run(make_optimizer("gd", lr=np.asarray(rates)), s, [0.0, 0.0], steps, tol=0).members()
    runs = Runs(s, trajs, [f"lr = {r:g}" for r in rates], rates, info={"marks": list(marks)},
                lesson="playground")
    high, low = trajs[0], trajs[-1]
    ups = int(np.sum(np.diff(high.loss[: marks[-1] + 1]) > 0))
    a, b = (float(high.loss[m]) for m in marks[:2])
    wa, wb = (misclassified(s, high.params[m]) for m in marks[:2])
    out = [claim("high-rate-unstable", f"at rate {rates[0]:g} the loss goes up on some of the first {marks[-1]} steps",
                 f"学习率 {rates[0]:g} 时，前 {marks[-1]} 步中损失有若干步上升", ups > 0,
                 f"up on {ups} of {marks[-1]} steps", f"{marks[-1]} 步中有 {ups} 步上升", ups=ups),
           claim("more-steps-no-better", f"at rate {rates[0]:g}, the loss after {marks[1]} steps is no lower than "
                 f"after {marks[0]}", f"学习率 {rates[0]:g} 时，{marks[1]} 步后的损失并不比 {marks[0]} 步后低",
                 b >= a - 0.01 * abs(a), f"loss {a:.3f} after {marks[0]} steps, {b:.3f} after {marks[1]} "
                 f"({wa} and {wb} of {len(s.y)} points misclassified)",
                 f"{marks[0]} 步后损失 {a:.3f}，{marks[1]} 步后 {b:.3f}（分错 {wa} 个和 {wb} 个，共 {len(s.y)} 个）",
                 misclassified=[wa, wb]),
           claim("low-rate-smooth", f"at rate {rates[-1]:g} the loss falls at every step",
                 f"学习率 {rates[-1]:g} 时损失每一步都在下降", loss_falls(low),
                 f"loss {low.loss[0]:.3f} → {low.loss[-1]:.3f} in {steps} steps",
                 f"{steps} 步内损失 {low.loss[0]:.3f} → {low.loss[-1]:.3f}")]
    return with_claims(runs, out)

