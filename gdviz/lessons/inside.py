"""Lessons that look inside the optimizer: what each update is made of (gdviz.internals)."""
from __future__ import annotations

import numpy as np

from ..claims import claim
from ..engine import run
from ..errors import UserInputError
from ..internals import ADAPTIVE, dissect
from ..internals import internals as derive
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims

# Settings that make each optimizer's insides visible on the elongated bowl (curvatures 1, 20):
# momentum overshoots the valley and rolls along it, Adagrad's steep rate shrinks fastest.
INSIDE = {"gd": 0.05, "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 1.0, "rmsprop": 0.1,
          "adam": 0.3, "adadelta": 1.0}


def internals(surface="elongated", optimizer="momentum", lr: float | None = None, *, start=None,
              steps: int = 400) -> Runs:
    """One run and what each of its updates is made of (``info["internals"]``): the carried
    velocity and the gradient's push for momentum, the look-ahead for Nesterov, accumulators and
    per-coordinate rates for the adaptive methods. Claims: every step is exactly the sum of the
    drawn terms, and what the terms show (momentum carries; Adagrad slows the steep direction)."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError("internals are drawn on a 2-D surface (the arrows are vectors)")
    name = str(optimizer)
    lr = INSIDE.get(name, 0.01) if lr is None else float(lr)
    traj = run(make_optimizer(name, lr=lr), s, one_point(start), steps)
    ins = derive(traj)
    runs = Runs(s, [traj], [name], [lr], info={"internals": ins, "beta": traj.hyperparams.get("momentum")},
                lesson="internals")
    return with_claims(runs, inside_claims(traj, ins, s))


def inside_claims(traj, ins, s) -> list:
    """The drawn terms rebuild every step; and the one insight each optimizer's picture shows."""
    out = []
    if ins.carried is not None and ins.lookahead is None:
        err = float(np.abs(ins.carried + ins.push - ins.step).max())
        out.append(claim("parallelogram", "every step is the carried velocity plus the gradient's push",
                         "每一步都等于带过来的速度加上梯度的推力", err < 1e-9,
                         f"largest difference {err:.1e} over {len(ins.step)} steps",
                         f"{len(ins.step)} 步中最大误差 {err:.1e}"))
        share = np.linalg.norm(ins.carried, axis=1) / np.maximum(np.linalg.norm(ins.step, axis=1), 1e-300)
        k = int(np.argmax(share[: max(len(share) // 2, 1)] > 1.0)) if (share > 1.0).any() else -1
        out.append(claim("momentum-carries", "once it is rolling, the carried velocity is larger than the step: "
                         "it overshoots and the gradient pulls it back", "动量滚起来后，带过来的速度比实际步长还大："
                         "它会冲过头，再被梯度拉回", k >= 0,
                         f"from update {k + 1} on, e.g. |carried| = {share[k]:.2f} × |step|" if k >= 0 else "never",
                         f"从第 {k + 1} 次更新起，例如 |带过来的速度| = {share[k]:.2f} × |步长|" if k >= 0 else "从未"))
    elif ins.lookahead is not None:
        err = float(np.abs(ins.lookahead[:-1] + ins.push[:-1] - ins.position[1:]).max())
        gap = float(np.linalg.norm(ins.lookahead - ins.position, axis=1).max())
        out.append(claim("look-ahead", "Nesterov takes its gradient at the look-ahead point, where momentum "
                         "would carry it, then steps from there", "Nesterov 在前瞻点（动量会把它带到的地方）计算梯度，"
                         "再从那里走一步", err < 1e-9 and gap > 0,
                         f"look-ahead up to {gap:.3g} away; steps rebuilt to {err:.1e}",
                         f"前瞻点最远相距 {gap:.3g}；步长重建误差 {err:.1e}"))
    elif ins.effective_lr is not None:
        drive = ins.first if ins.first is not None else ins.grads
        wd = float(traj.hyperparams.get("weight_decay", 0.0) or 0.0)
        drive = drive + (wd * traj.params[: len(drive)] if ins.first is None else 0)
        err = float(np.abs(-ins.effective_lr * drive - ins.step).max())
        what = ("m̂", "m̂") if ins.first is not None else ("g", "g")
        out.append(claim("effective-rate", f"every step is each coordinate's effective rate times {what[0]}",
                         f"每一步都等于各坐标的有效学习率乘以 {what[1]}", err < 1e-9,
                         f"largest difference {err:.1e}", f"最大误差 {err:.1e}"))
        h = np.diag(s.hessian(traj.params[0]))
        steep, flat = int(np.argmax(h)), int(np.argmin(h))
        if steep != flat:
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


def one_step(optimizer="adam", t: int = 9, *, surface="rosenbrock", lr: float | None = None, start=None) -> Runs:
    """Update t of one run, dissected term by term with its numbers (``info["terms"]``), next to
    the rule in the optimizer's docstring (``info["rule"]``)."""
    from ..internals import rule

    s = make_surface(surface)
    name = str(optimizer)
    lr = {"adam": 0.05, "momentum": 1e-3, "nesterov": 1e-3, "gd": 1e-3, "adagrad": 0.5,
          "rmsprop": 0.01, "adadelta": 1.0}.get(name, 0.01) if lr is None else float(lr)
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
        raise UserInputError(f"t must be a whole number >= 0 (the update to dissect), got {t!r}")
    traj = run(make_optimizer(name, lr=lr), s, one_point(start), int(t) + 1, tol=0)
    terms = dissect(traj, int(t))
    runs = Runs(s, [traj], [name], [lr], info={"terms": terms, "rule": rule(name), "t": int(t)}, lesson="one-step")
    err = float(np.abs(terms[-1].value - traj.params[int(t) + 1]).max())
    return with_claims(runs, [claim("terms-add-up", f"the terms of update {t} computed by hand land exactly where "
                                    "the run went", f"手算第 {t} 次更新的各项，正好落在这次运行到达的位置", err < 1e-12,
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
    runs = Runs(s, [gd, mo], ["gd", "momentum"], [lr, lr], info={"internals": ins, "beta": beta},
                lesson="rolling")
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

    return [replace(c, key=f"{optimizer}-{c.key}", text={lang: f"{name(optimizer, lang)}{'：' if lang == 'zh' else ': '}"
                                                         f"{c.text[lang]}" for lang in c.text}) for c in claims]


__all__ = ["internals", "one_step", "rolling", "adaptive_insides", "INSIDE", "ADAPTIVE"]
