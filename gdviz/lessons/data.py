"""Lessons on data losses: batch sizes, feature scaling, fitting a line, loss functions."""
from __future__ import annotations

import numpy as np

from .. import arith
from ..claims import claim, fewer_steps, loss_falls, steps_text
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, with_claims


def batch_sizes(surface=None, sizes=(None, 10, 1), *, lr: float = 0.1, passes: float = 3,
                seed: int = 0, start=None) -> Runs:
    """Full batch vs mini-batch vs single-sample SGD on a data loss (default: standardized
    linear regression), each given the same number of examples: ``passes`` passes over the
    data. ``None`` in ``sizes`` means the full batch. ``info["examples"]`` holds the examples
    each update costs, so pictures can put "examples processed" on their axis."""
    s = make_surface(surface or make_surface("linear-regression", features="standardized"))
    if s.n_samples is None:
        raise UserInputError(f"'{s.name}' has no data: batch sizes need linear-regression or "
                             "logistic-regression")
    if not 0 < passes <= 1000:
        raise UserInputError(f"passes must be a number in (0, 1000], got {passes!r}")
    trajs, series, cost = [], [], []
    for b in sizes:
        full = b is None or b >= s.n_samples
        per = s.n_samples if full else int(b)
        opt = make_optimizer("gd" if full else "sgd", lr=lr, **({} if full else {"batch_size": per}))
        steps = max(1, int(round(passes * s.n_samples / per)))
        trajs.append(run(opt, s, start, steps, seed=seed, tol=0))
        series.append("full batch" if full else ("stochastic" if per == 1 else f"mini-batch {per}"))
        cost.append(per)
    runs = Runs(s, trajs, series, [lr] * len(trajs), lesson="batch-sizes",
                info={"n_samples": s.n_samples, "examples": cost, "passes": passes})
    return with_claims(runs, batch_claims(runs))


def batch_claims(runs: Runs) -> list:
    """Same examples, more updates: the smallest batch ends lower; only the full batch's loss
    falls at every step."""
    out = []
    keyed = dict(zip(runs.series, runs.trajectories))
    full = keyed.get("full batch")
    small = keyed.get("stochastic") or next((t for k, t in keyed.items() if k.startswith("mini")), None)
    if full is not None and small is not None:
        passes = runs.info["passes"]
        shown = "one pass" if passes == 1 else f"{passes:g} passes"
        out.append(claim("sgd-cheaper", f"given the same {shown} over the data, SGD's many cheap updates end "
                         "lower than the full batch's few", f"同样遍历数据 {passes:g} 次，随机梯度下降的大量廉价更新"
                         "比全批量的少数几次更新损失更低", small.loss[-1] < full.loss[-1],
                         f"loss {small.loss[-1]:.3g} after {small.n_steps} updates vs {full.loss[-1]:.3g} "
                         f"after {full.n_steps}",
                         f"{small.n_steps} 次更新后损失 {small.loss[-1]:.3g}，"
                         f"对 {full.n_steps} 次更新后 {full.loss[-1]:.3g}"))
        ups = int(np.sum(np.diff(small.loss) > 0))
        out.append(claim("sgd-noisy", "the full batch's loss falls at every step; SGD's goes up on some steps",
                         "全批量的损失每一步都下降；随机梯度下降的损失有时会上升",
                         loss_falls(full) and ups > 0, f"SGD's loss rises on {ups} of {small.n_steps} steps",
                         f"随机梯度下降 {small.n_steps} 步中有 {ups} 步损失上升"))
    mini = next((t for k, t in keyed.items() if k.startswith("mini")), None)
    if mini is not None and len(keyed) > 2:
        others = [t.loss[-1] for t in keyed.values() if t is not mini]
        out.append(claim("mini-batch-lowest", "the mini-batch, steadier than SGD and with more updates than the "
                         "full batch, ends lowest", "小批量比随机梯度下降更平稳、比全批量更新次数更多，最终损失最低",
                         mini.loss[-1] < min(others), f"mini-batch loss {mini.loss[-1]:.3g} after {mini.n_steps} "
                         f"updates vs {', '.join(f'{x:.3g}' for x in others)}",
                         f"小批量 {mini.n_steps} 次更新后损失 {mini.loss[-1]:.3g}，"
                         f"对 {'、'.join(f'{x:.3g}' for x in others)}"))
    return out


def sgd_epoch(n: int = 20, *, lr: float = 0.1, seed: int = 0) -> Runs:
    """Seed 004's comparison: in one pass over n examples gradient descent makes one update and
    SGD makes n (standardized linear regression on n points)."""
    s = make_surface("linear-regression", features="standardized", n=n)
    runs = batch_sizes(s, (None, 1), lr=lr, passes=1, seed=seed)
    from dataclasses import replace

    return replace(runs, lesson="sgd-epoch")


def feature_scaling(loss: str = "mse", *, optimizer: str = "gd", steps: int = 20000) -> Runs:
    """The same data with raw and with standardized x: gradient descent at the same relative rate
    0.5/L on each (half the one-step rate of the stiffest direction, to 3 digits as printed), from
    the same initial line. ``info`` has both condition numbers."""
    raw = make_surface("linear-regression", loss=loss, features="raw")
    std = make_surface("linear-regression", loss=loss, features="standardized")
    w0, b0 = raw.start
    mean, sd = raw.x_raw.mean(), raw.x_raw.std()
    std_start = np.array([w0 * sd, b0 + w0 * mean])  # the same line y = w x + b
    trajs, conds, rates = [], [], []
    for s, start in ((raw, raw.start), (std, std_start)):
        ev = arith.eigh(s.hessian(s.minima[0]))
        if ev.max() <= 0:
            raise UserInputError(f"feature-scaling needs a loss with curvature (mse or huber), not '{loss}'")
        conds.append(float(ev.max() / max(ev.min(), 1e-300)))
        rates.append(float(f"{0.5 / ev.max():.3g}"))   # as printed: the rate shown is the rate run
        trajs.append(run(make_optimizer(optimizer, lr=rates[-1]), s, start, steps))
    runs = Runs(raw, trajs, ["raw features", "standardized"], rates, surfaces=[raw, std],
                info={"condition": conds, "mean": float(mean), "sd": float(sd)}, lesson="feature-scaling")
    return with_claims(runs, [
        claim("rounder", "standardizing x makes the contours rounder: a smaller condition number",
              "标准化 x 让等高线更圆：条件数更小", conds[1] < conds[0],
              f"condition number {conds[0]:.0f} → {conds[1]:.1f}", f"条件数 {conds[0]:.0f} → {conds[1]:.1f}"),
        fewer_steps("scaled-faster", ("standardized", trajs[1]), ("raw features", trajs[0]),
                    what=("reach the minimum", "到达最小值"))])


def loss_functions(outliers: int = 8, *, delta: float = 1.0, seed: int = 0) -> Runs:
    """L2 (MSE), L1 (MAE) and Huber losses on data with ``outliers``: the fitted lines (each
    loss's minimum, no optimizer needed) are in ``info``; no trajectories."""
    fits = {}
    for loss in ("mse", "mae", "huber"):
        s = make_surface("linear-regression", loss=loss, outliers=outliers, delta=delta, seed=seed)
        fits[loss] = s.minima[0]
    clean = make_surface("linear-regression", seed=seed).minima[0]   # the same data, no outliers
    pull = {k: float(arith.norm(v - clean)) for k, v in fits.items()}
    runs = Runs(s, [], [], lesson="loss-functions",
                info={"fits": fits, "x": s.x, "y": s.y, "delta": delta, "outliers": outliers, "clean": clean})
    return with_claims(runs, [claim(
        "l2-pulled", "outliers pull the L2 fit further from the clean data's line than the L1 and Huber fits",
        "离群点把 L2 拟合拉离干净数据的直线，比 L1 和 Huber 拟合远得多",
        pull["mse"] > max(pull["mae"], pull["huber"]),
        f"distance of (w, b) from the clean fit: L2 {pull['mse']:.2f}, L1 {pull['mae']:.2f}, Huber {pull['huber']:.2f}",
        f"(w, b) 与干净拟合的距离：L2 {pull['mse']:.2f}，L1 {pull['mae']:.2f}，Huber {pull['huber']:.2f}")])


# seed 002's example: three points, a line of fixed slope, the intercept found by descent
FIT_X, FIT_Y, FIT_SLOPE = (0.5, 2.3, 2.9), (1.4, 1.9, 3.2), 0.64


def fit_line(lr: float = 0.1, *, start: float = 0.0, steps: int = 50) -> Runs:
    """Seed 002: data, a line ``y = 0.64 x + b`` with its residuals, and the loss (sum of
    squared residuals) against the intercept b, descended by gradient steps from b = 0."""
    from ..style import fmt_number  # the steps printed as the figure prints them

    terms = " + ".join(f"({y:g} - ({FIT_SLOPE:g}*{x:g} + b))**2" for x, y in zip(FIT_X, FIT_Y))
    s = make_surface(terms, bounds=[(-0.6, 2.6)], start=[start])
    s.title = {"en": "Sum of squared residuals against the intercept", "zh": "残差平方和随截距的变化"}
    s.formula = r"$\sum_i (y_i - (0.64\,x_i + b))^2$"
    t = run(make_optimizer("gd", lr=lr), s, [start], steps, tol=1e-3)
    best = float(np.mean(np.array(FIT_Y) - FIT_SLOPE * np.array(FIT_X)))
    runs = Runs(s, [t], ["gd"], [lr], lesson="fit-line",
                info={"x": np.array(FIT_X), "y": np.array(FIT_Y), "slope": FIT_SLOPE, "best": best})
    moves = np.abs(np.diff(t.params[:, 0]))
    return with_claims(runs, [
        claim("reaches-least-squares",
              f"gradient descent on the intercept reaches the least-squares value b = {best:.3f}",
              f"对截距做梯度下降，到达最小二乘值 b = {best:.3f}",
              t.status == "converged" and abs(t.params[-1, 0] - best) < 1e-3,
              f"b = {t.params[-1, 0]:.3f} after {steps_text(t)}", f"{steps_text(t, 'zh')}后 b = {t.params[-1, 0]:.3f}"),
        claim("steps-shrink", "the steps shrink as the slope flattens near the bottom",
              "越接近底部斜率越平，步子越小", bool(np.all(np.diff(moves) < 0)),
              f"first step {fmt_number(moves[0])}, last {fmt_number(moves[-1])}",
              f"第一步 {fmt_number(moves[0])}，最后一步 {fmt_number(moves[-1])}")])


def cross_entropy() -> Runs:
    """Seed 002: the cross-entropy -log p of the true class's predicted probability p, against
    the squared error (1 - p)^2: the log punishes a confident wrong answer without bound."""
    p = 0.01
    ce, sq = -np.log(p), (1 - p) ** 2
    runs = Runs(None, [], [], lesson="cross-entropy", info={"p": p})
    return with_claims(runs, [claim(
        "log-punishes", f"a confident wrong answer (p = {p:g} for the true class) costs far more under cross-entropy",
        f"自信的错误答案（真实类别的 p = {p:g}）在交叉熵下代价大得多", ce > 4 * sq,
        f"-log p = {ce:.2f} vs (1 - p)² = {sq:.2f}", f"-log p = {ce:.2f}，(1 - p)² = {sq:.2f}")])
