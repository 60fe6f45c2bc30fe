"""Lessons that look inside the optimizer: what each update is made of (gdviz.internals)."""
from __future__ import annotations

import numpy as np

from .. import arith
from ..claims import claim, cost, steps_text
from ..engine import run
from ..errors import UserInputError
from ..internals import ADAPTIVE, dissect
from ..internals import internals as derive
from ..optim import optimizer as make_optimizer
from ..style import label
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims

# Settings that make each optimizer's insides visible on the elongated bowl (curvatures 1, 20):
# momentum overshoots the valley and rolls along it, Adagrad's steep rate shrinks fastest; at
# Adagrad's 0.4 its sums keep growing for ten updates (y's root 30 -> 47.3; at 1.0 only 30 -> 31.9).
INSIDE = {"gd": 0.05, "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.4, "rmsprop": 0.1,
          "adam": 0.3, "adadelta": 1.0, "adamw": 0.3, "nadam": 0.3, "radam": 0.05, "adamax": 0.3, "rprop": 0.05,
          "lion": 0.05, "newton": 0.3}


def snapshots(n: int) -> list[int]:
    """The updates whose accumulators are drawn as squares (counted from 0): 1, 3, 10 and the
    last, e.g. ``snapshots(360) == [0, 2, 9, 359]``."""
    return sorted({0, min(2, n - 1), min(9, n - 1), n - 1})


def internals(surface="elongated", optimizer="momentum", lr: float | None = None, *, start=None,
              steps: int = 400, chart: int = 40) -> Runs:
    """One run and what each of its updates is made of (``info["internals"]``): the carried
    velocity and the gradient's push for momentum, the look-ahead for Nesterov, accumulators and
    per-coordinate rates for the adaptive methods. For Nesterov also its path in the classic
    form (``info["path"]``: the points theta_t, each step between them the jump plus the push)
    and plain momentum at the same rate and beta (the second series). ``info["chart"]``: how
    many updates the chart of term sizes shows. Claims: every step is exactly the sum of the
    drawn terms, and what the picture shows (:func:`picture_claims`)."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError("internals are drawn on a 2-D surface (the arrows are vectors)")
    name = str(optimizer)
    lr = INSIDE.get(name, 0.01) if lr is None else float(lr)
    traj = run(make_optimizer(name, lr=lr), s, one_point(start), steps)
    ins = derive(traj)
    info = {"internals": ins, "beta": traj.hyperparams.get("momentum"), "chart": min(int(chart), len(ins.step)),
            "snapshots": snapshots(len(ins.step))}
    trajs, series = [traj], [name]
    if ins.lookahead is not None:   # theta_0..theta_{n-1}, then theta_n = the last look-ahead plus its push
        info["path"] = np.vstack([ins.position, ins.lookahead[-1] + ins.push[-1]])
        trajs.append(run(make_optimizer("momentum", lr=lr, momentum=info["beta"]), s, traj.params[0], steps))
        series.append("momentum")
    runs = Runs(s, trajs, series, [lr] * len(trajs), info=info, lesson="internals")
    return with_claims(runs, inside_claims(traj, ins, s, insights=False) + picture_claims(runs))


def picture_claims(runs) -> list:
    """What the internals picture shows, checked on its runs: momentum's carried velocity is
    often larger than the step (the gradient pushes back); Nesterov's step is the jump plus the
    push, and it swings less than plain momentum; an adaptive method's first steps move every
    coordinate by about lr, and the steep coordinate's accumulator is the larger one from the
    first update (Adagrad's only grow; Adam's forget, so its rates grow)."""
    traj, ins, s, v = runs.trajectories[0], runs.info["internals"], runs.surface, runs.surface.variables
    if ins.lookahead is not None:
        return _nesterov_claims(runs, traj, ins, s, v)
    if ins.carried is not None:
        n = runs.info["chart"]
        c, st = arith.norm(ins.carried[:n]), arith.norm(ins.step[:n])
        big = c > st
        back = ((ins.carried[:n] * ins.push[:n]).sum(1) < 0)[big]
        top = float((c / np.maximum(st, 1e-300))[big].max()) if big.any() else 0.0
        return [claim("carried-often-larger", "the carried velocity is often larger than the step: the gradient "
                      "then pushes back against it", "带过来的速度常常比实际的一步还大：这时梯度在往回推",
                      big.mean() >= 0.25 and back.all(),
                      f"in {big.sum()} of the first {n} updates |carried| > |step| (up to {top:.1f} ×), and in "
                      f"each of them the push points against the carried velocity",
                      f"前 {n} 次更新中有 {big.sum()} 次 |带过来的速度| > |步长|（最多 {top:.1f} 倍），"
                      f"每一次梯度的推力都与带过来的速度方向相反")]
    return _adaptive_claims(runs, traj, ins, s, v) if ins.effective_lr is not None else []


def _adaptive_claims(runs, traj, ins, s, v) -> list:
    """Adagrad's and Adam's first steps move every coordinate by about lr (g / sqrt(g^2)); the
    steep coordinate's accumulator is the larger one from update 1, its rate the smaller one all
    along; Adagrad's accumulators only grow, Adam's rates grow as its sqrt(v-hat) forgets."""
    lr, sc, e, out = float(runs.rates[0]), ins.scale, ins.effective_lr, []
    if traj.optimizer in ("adagrad", "adam"):
        near = (np.abs(np.abs(ins.step) / lr - 1) < 0.1).all(1)
        k = len(near) if near.all() else int(np.argmin(near))
        upto = "1" if k == 1 else f"1–{k}"
        out.append(claim("diagonal-start", "the first steps move every coordinate by about lr, whatever its slope: "
                         "the path starts along the diagonal",
                         "最初几步每个坐标都移动约一个学习率，不论坡度：路径先沿对角线走", k >= 1,
                         f"update{'s' if k > 1 else ''} {upto}: within 10% of lr = {lr:g} in each coordinate",
                         f"第 {upto} 次更新：每个坐标的移动都在学习率 {lr:g} 的 10% 以内"))
    h = np.diag(s.hessian(traj.params[0]))
    steep, flat = int(np.argmax(h)), int(np.argmin(h))
    if steep == flat:
        return out
    a, b, n = v[steep], v[flat], len(e)
    ratio = sc[0, steep] / sc[0, flat]
    out.append(claim("steep-from-the-start", f"the steep {a}'s accumulator is the larger one from the first update, "
                     f"so its effective rate is the smaller one all along",
                     f"陡峭的 {a} 的累积量从第一次更新起就更大，所以它的有效学习率始终更小",
                     ratio > 3 and (e[:, steep] < e[:, flat]).all(),
                     f"update 1: {a} {sc[0, steep]:.3g} vs {b} {sc[0, flat]:.3g} ({ratio:.1f} ×), rates "
                     f"{e[0, steep]:.2g} vs {e[0, flat]:.2g}; update {n}: {sc[-1, steep]:.3g} vs {sc[-1, flat]:.3g}, "
                     f"rates {e[-1, steep]:.2g} vs {e[-1, flat]:.2g}",
                     f"第 1 次更新：{a} {sc[0, steep]:.3g} 对 {b} {sc[0, flat]:.3g}（{ratio:.1f} 倍），学习率 "
                     f"{e[0, steep]:.2g} 对 {e[0, flat]:.2g}；第 {n} 次更新：{sc[-1, steep]:.3g} 对 "
                     f"{sc[-1, flat]:.3g}，学习率 {e[-1, steep]:.2g} 对 {e[-1, flat]:.2g}"))
    moves = [f"{x} {sc[0, i]:.3g} → {sc[-1, i]:.3g}" for x, i in ((b, flat), (a, steep))]
    rates = [f"{x} {e[0, i]:.2g} → {e[-1, i]:.2g}" for x, i in ((b, flat), (a, steep))]
    if traj.optimizer == "adagrad":   # and visibly so: each square drawn half as long again by the last
        picks = runs.info["snapshots"]
        drawn = [f"{x} " + " → ".join(f"{sc[k, i]:.3g}" for k in picks) for x, i in ((b, flat), (a, steep))]
        at = ", ".join(str(k + 1) for k in picks)
        out.append(claim("only-grow", "the accumulators only grow, and the squares drawn visibly so",
                         "累积量只增不减，画出的方块明显变大",
                         bool((np.diff(sc, axis=0) >= 0).all() and (sc[picks[-1]] >= 1.5 * sc[picks[0]]).all()),
                         f"updates {at}: {', '.join(drawn)}", f"第 {at} 次更新：{'，'.join(drawn)}"))
    elif traj.optimizer == "adam":
        out.append(claim("rates-grow", "√v̂ forgets: it shrinks as the gradients shrink, so both rates grow from "
                         "the first update on", "√v̂ 会遗忘：梯度变小它就变小，所以两个学习率从第一次更新起一直在变大",
                         bool((np.diff(e, axis=0) >= -1e-15).all()),
                         f"√v̂ {', '.join(moves)}; rates {', '.join(rates)}",
                         f"√v̂ {'，'.join(moves)}；学习率 {'，'.join(rates)}"))
    return out


def _nesterov_claims(runs, traj, ins, s, v) -> list:
    """The drawn step theta_t -> theta_t+1 is the jump plus the push; against plain momentum
    (the second run) it overshoots the minimum less in every coordinate and arrives no later."""
    path, plain = runs.info["path"], runs.trajectories[1]
    err = float(np.abs(np.diff(path, axis=0) - (ins.carried + ins.push)).max())
    low = s.minima[0] if s.minima.size else path[-1]
    side = np.sign(path[0] - low)
    ne, mo = (np.maximum(-(p - low) * side, 0).max(0) for p in (path, plain.params))   # farthest past the minimum
    holds = bool((ne <= mo + 1e-12).all() and (ne < mo).any() and cost(traj) <= cost(plain) < np.inf)
    return [claim("step-is-jump-plus-push", "each step drawn (θₜ → θₜ₊₁) is the jump to the look-ahead point plus "
                  "the push from the gradient taken there", "画出的每一步（θₜ → θₜ₊₁）等于跳到前瞻点的一跳加上"
                  "在那里计算的梯度的推力", err < 1e-9, f"largest difference {err:.1e}", f"最大误差 {err:.1e}"),
            claim("swings-less", "at the same rate and β, Nesterov goes less far past the minimum than plain "
                  "momentum and arrives no later", "在相同的学习率和 β 下，Nesterov 冲过最小值的距离比普通动量法短，"
                  "而且到达得不更晚", holds,
                  "farthest past the minimum: " + ", ".join(f"{x} {p:.2f} vs {q:.2f}" for x, p, q in zip(v, ne, mo))
                  + f"; Nesterov {steps_text(traj)}, momentum {steps_text(plain)}",
                  "冲过最小值最远：" + "，".join(f"{x} {p:.2f} 对 {q:.2f}" for x, p, q in zip(v, ne, mo))
                  + f"；Nesterov {steps_text(traj, 'zh')}，动量法 {steps_text(plain, 'zh')}")]


def inside_claims(traj, ins, s, *, insights: bool = True) -> list:
    """The drawn terms rebuild every step; and (``insights``) the one insight each optimizer's
    picture in the manim scenes shows (the figures state theirs with :func:`picture_claims`)."""
    out = []
    if ins.carried is not None and ins.lookahead is None:
        err = float(np.abs(ins.carried + ins.push - ins.step).max())
        out.append(claim("parallelogram", "every step is the carried velocity plus the gradient's push",
                         "每一步都等于带过来的速度加上梯度的推力", err < 1e-9,
                         f"largest difference {err:.1e} over {len(ins.step)} steps",
                         f"{len(ins.step)} 步中最大误差 {err:.1e}"))
        if insights:
            share = arith.norm(ins.carried) / np.maximum(arith.norm(ins.step), 1e-300)
            k = int(np.argmax(share[: max(len(share) // 2, 1)] > 1.0)) if (share > 1.0).any() else -1
            out.append(claim("momentum-carries", "once it is rolling, the carried velocity is larger than the "
                             "step: it overshoots and the gradient pulls it back",
                             "动量滚起来后，带过来的速度比实际步长还大：它会冲过头，再被梯度拉回", k >= 0,
                             f"from update {k + 1} on, e.g. |carried| = {share[k]:.2f} × |step|" if k >= 0
                             else "never",
                             f"从第 {k + 1} 次更新起，例如 |带过来的速度| = {share[k]:.2f} × |步长|" if k >= 0
                             else "从未"))
    elif ins.lookahead is not None:
        err = float(np.abs(ins.lookahead[:-1] + ins.push[:-1] - ins.position[1:]).max())
        gap = float(arith.norm(ins.lookahead - ins.position).max())
        out.append(claim("look-ahead", "Nesterov takes its gradient at the look-ahead point, where momentum "
                         "would carry it, then steps from there", "Nesterov 在前瞻点（动量会把它带到的地方）计算梯度，"
                         "再从那里走一步", err < 1e-9 and gap > 0,
                         f"look-ahead up to {gap:.3g} away; steps rebuilt to {err:.1e}",
                         f"前瞻点最远相距 {gap:.3g}；步长重建误差 {err:.1e}"))
    elif ins.effective_lr is not None:
        drive = ins.first if ins.first is not None else ins.grads
        wd = float(traj.hyperparams.get("weight_decay", 0.0) or 0.0)
        drive = drive + (wd * traj.params[: len(drive)] if ins.first is None else 0)
        decay = ins.decay if ins.decay is not None else 0.0
        err = float(np.abs(-ins.effective_lr * drive + decay - ins.step).max())
        what = {"nadam": ("its Nesterov momentum n", "它的 Nesterov 动量 n")}.get(
            traj.optimizer, ("m̂", "m̂") if ins.first is not None else ("g", "g"))
        if ins.decay is not None:
            what = (f"{what[0]}, plus the decay −lr λ p", f"{what[1]}，再加上衰减 −lr λ p")
        out.append(claim("effective-rate", f"every step is each coordinate's effective rate times {what[0]}",
                         f"每一步都等于各坐标的有效学习率乘以 {what[1]}", err < 1e-9,
                         f"largest difference {err:.1e}", f"最大误差 {err:.1e}"))
        h = np.diag(s.hessian(traj.params[0]))
        steep, flat = int(np.argmax(h)), int(np.argmin(h))
        if steep != flat and insights:
            e = ins.effective_lr[-1]
            v = s.variables
            out.append(claim("steep-rate-smaller", f"the steep coordinate ({v[steep]}) ends with a smaller "
                             f"effective rate than the flat one ({v[flat]})",
                             f"陡峭坐标（{v[steep]}）最终的有效学习率小于平坦坐标（{v[flat]}）", e[steep] < e[flat],
                             f"{e[steep]:.3g} vs {e[flat]:.3g}", f"{e[steep]:.3g} 对 {e[flat]:.3g}"))
    else:
        err = float(np.abs(ins.push - ins.step).max())
        out.append(claim("push-is-step", "for plain gradient descent the step is the gradient's push, -lr × g",
                         "普通梯度下降的步长就是梯度的推力 −学习率 × g", err < 1e-9, f"largest difference {err:.1e}",
                         f"最大误差 {err:.1e}"))
    return out


def one_step(optimizer="adam", t: int | None = None, *, surface="rosenbrock", lr: float | None = None,
             start=None) -> Runs:
    """Update t of one run (counted from 0: the update from ``params[t]`` to ``params[t + 1]``,
    torch's step t + 1), dissected term by term with its numbers (``info["terms"]``), next to
    the rule in the optimizer's docstring (``info["rule"]``). Default t: 9, or half way to where
    the run converges when it gets there in fewer (Newton's method), while the steps still show."""
    from ..optim import rule

    s = make_surface(surface)
    name = str(optimizer)
    lr = {"adam": 0.05, "momentum": 1e-3, "nesterov": 1e-3, "gd": 1e-3, "adagrad": 0.5, "rmsprop": 0.01,
          "adadelta": 1.0, "adamw": 0.05, "nadam": 0.02, "adamax": 0.05, "lion": 0.01, "newton": 1.0}.get(
              name, 0.01) if lr is None else float(lr)
    if t is None:
        probe = run(make_optimizer(name, lr=lr), s, one_point(start), 10)
        t = 9 if probe.status != "converged" else (probe.n_steps - 1) // 2
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise UserInputError(f"t must be a whole number >= 0 (the update to dissect), got {t!r}")
    traj = run(make_optimizer(name, lr=lr), s, one_point(start), int(t) + 1, tol=0)
    if traj.n_steps <= t:
        raise UserInputError(f"the run {traj.status.replace('_', ' ')} after {traj.n_steps} update(s), before update "
                             f"{int(t) + 1}: pick an earlier t (0 to {traj.n_steps - 1}) or a smaller lr")
    terms = dissect(traj, int(t))
    runs = Runs(s, [traj], [name], [lr], info={"terms": terms, "rule": rule(name), "t": int(t)}, lesson="one-step")
    err = float(np.abs(terms[-1].value - traj.params[int(t) + 1]).max())
    n = int(t) + 1   # counted from 1, as torch's step t (the bias corrections' power)
    return with_claims(runs, [claim("terms-add-up", f"the terms of update {n} computed by hand land exactly where "
                                    "the run went", f"手算第 {n} 次更新的各项，正好落在这次运行到达的位置", err < 1e-12,
                                    f"difference {err:.1e}", f"误差 {err:.1e}")])




def rolling(surface="egg-crate", lr: float = 0.01, *, beta: float = 0.9, start=(-4.5, -1.5),
            steps: int = 600) -> Runs:
    """Momentum against plain gradient descent at the same rate on the egg crate: gradient
    descent stops in the first dimple; momentum's carried velocity rolls it through the dimples
    to the global minimum (``info["internals"]``: momentum's, for its velocity arrows)."""
    from .paths import _basin

    s = make_surface(surface)
    gd = run(make_optimizer("gd", lr=lr), s, start, steps)
    mo = run(make_optimizer("momentum", lr=lr, momentum=beta), s, start, steps)
    ins = derive(mo)
    runs = Runs(s, [gd, mo], ["gd", "momentum"], [lr, lr], lesson="rolling",
                info={"internals": ins, "beta": beta, "note": {k: label("rolling note", k) for k in ("en", "zh")}})
    reach = {k: _basin(s, t) for k, t in (("gd", gd), ("momentum", mo))}
    out = [claim("rolls-through", "at the same rate, momentum rolls through the dimples to the global minimum; "
                 "gradient descent stops in the first one", "相同学习率下，动量法滚过小凹坑到达全局最小值；"
                 "梯度下降停在第一个凹坑里", reach["momentum"] == 0 and reach["gd"] not in (0,),
                 f"momentum ends in minimum #{reach['momentum']}, gradient descent in #{reach['gd']} (#0 is global)",
                 f"动量法停在第 {reach['momentum']} 个最小值，梯度下降停在第 {reach['gd']} 个（第 0 个为全局）")]
    return with_claims(runs, out + inside_claims(mo, ins, s))


def adaptive_insides(surface="elongated", *, steps: int = 400, start=None) -> Runs:
    """Adagrad and Adam on the elongated bowl with what their updates are made of
    (``info["internals"]``: one :class:`gdviz.internals.Internals` per run): per-coordinate
    accumulators and rates; the steep coordinate's rate is the smaller one."""
    s = make_surface(surface)
    trajs = [run(make_optimizer(name, lr=INSIDE[name]), s, one_point(start), steps) for name in ("adagrad", "adam")]
    ins = [derive(t) for t in trajs]
    runs = Runs(s, trajs, ["adagrad", "adam"], [INSIDE["adagrad"], INSIDE["adam"]],
                info={"internals": ins}, lesson="adaptive-insides")
    return with_claims(runs, [c for t, i in zip(trajs, ins) for c in _named(inside_claims(t, i, s), t.optimizer)])


def _named(claims, optimizer):
    """Claims of one run among several: the optimizer's name leads each sentence."""
    from dataclasses import replace

    from ..claims import name
    from ..style import colon

    return [replace(c, key=f"{optimizer}-{c.key}",
                    text={lang: f"{name(optimizer, lang)}{colon(lang)}{c.text[lang]}" for lang in c.text})
            for c in claims]


__all__ = ["internals", "one_step", "rolling", "adaptive_insides", "snapshots", "INSIDE", "ADAPTIVE"]
