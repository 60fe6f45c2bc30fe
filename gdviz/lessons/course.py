"""Lessons for pictures of the course notes that no other entry shows: feature scaling with two
weights (seed 004), where gradient descent stops on a curve with a plateau, a saddle point and a
local minimum (seed 004), cross-entropy over three classes (seed 002) and the feed-forward
prediction sigma(theta^T x + b) (seed 003)."""
from __future__ import annotations

import numpy as np

from .. import arith
from ..claims import claim, fewer_steps
from ..engine import run
from ..optim import optimizer as make_optimizer
from ..surfaces.data import TwoFeatureRegression
from .runs import Runs, with_claims


def _rate(x: float) -> float:
    """``x`` to 3 significant digits: the rate printed is the rate run."""
    return float(f"{x:.3g}")


def _angle(a, b) -> float:
    """The angle between vectors ``a`` and ``b`` in degrees."""
    c = float(sum(float(x) * float(y) for x, y in zip(a, b))) / float(arith.norm(a) * arith.norm(b))   # no BLAS
    return float(np.degrees(np.arccos(min(1.0, max(-1.0, c)))))


# -- feature scaling with two weights (seed 004) -------------------------------------------------
def feature_ranges(*, seed: int = 0, steps: int = 20000) -> Runs:
    """Seed 004's feature scaling: ``y = b + w1 x1 + w2 x2`` on 25 houses whose rooms x1 span 1 to
    5 and whose age x2 spans 0 to 40 years, over (w1, w2) with b at its best. Raw features: the
    curvature along w2 is 2 var(x2) = 400, along w1 2 var(x1) = 4, so the contours are ellipses
    along the axes, ten times longer in w1; standardized: circles. Gradient descent from w = 0 at
    0.5 / (largest curvature) on each. ``info``: the curvatures, condition numbers, the angle
    between -grad L at the start and the direction to the minimum, the data."""
    trajs, rates, conds, curv, angles, surfaces = [], [], [], [], [], []
    for features in ("raw", "standardized"):
        s = TwoFeatureRegression(features, seed=seed)
        h = s.hessian(s.minima[0])
        lo, hi = (float(v) for v in arith.eigh(h))
        rate = _rate(0.5 / hi)
        start = np.zeros(2)
        trajs.append(run(make_optimizer("gd", lr=rate), s, start, steps))
        surfaces.append(s)
        rates.append(rate)
        conds.append(hi / lo)
        curv.append((float(h[0, 0]), float(h[1, 1]), float(h[0, 1])))
        angles.append(_angle(-s.grad(start), s.minima[0] - start))
    raw, std = surfaces
    info = {"condition": conds, "curvature": curv, "angle": angles, "tol": raw.tol,
            "x1": raw.x1_raw, "x2": raw.x2_raw, "mean": (raw.x1_raw.mean(), raw.x2_raw.mean()),
            "sd": (raw.x1_raw.std(), raw.x2_raw.std())}
    runs = Runs(raw, trajs, ["raw features", "standardized"], rates, surfaces=surfaces, info=info,
                lesson="feature-ranges")
    (a, c, b), (a2, c2, b2) = curv
    return with_claims(runs, [
        claim("axis-aligned", "on the raw features the loss is far steeper along w2 than along w1, and the contours "
              "are ellipses along the axes (the features are uncorrelated)",
              "原始特征下损失沿 w2 比沿 w1 陡得多，等高线是沿坐标轴方向的椭圆（两个特征不相关）",
              b == 0 and c > 10 * a,
              f"curvature 2 var(x1) = {a:.3g} along w1, 2 var(x2) = {c:.3g} along w2, {b:.3g} across",
              f"沿 w1 的曲率 2 var(x1) = {a:.3g}，沿 w2 的曲率 2 var(x2) = {c:.3g}，交叉项 {b:.3g}",
              curvatures=[a, c]),
        claim("round", "standardizing both features makes the contours round", "两个特征都标准化后等高线变圆",
              conds[1] < 1.01 < 10 < conds[0],
              f"condition number {conds[0]:.0f} → {conds[1]:.2f} (curvatures {a2:.3g} and {c2:.3g})",
              f"条件数 {conds[0]:.0f} → {conds[1]:.2f}（曲率 {a2:.3g} 和 {c2:.3g}）"),
        claim("gradient-aims", "from the same start, −∇L points far from the minimum on the raw features and "
              "straight at it on the standardized ones",
              "从同一起点出发，原始特征下 −∇L 偏离最小值很远，标准化后直指最小值",
              angles[0] > 30 and angles[1] < 1,
              f"{angles[0]:.0f}° vs {angles[1]:.1f}° off the direction to the minimum",
              f"与指向最小值的方向相差 {angles[0]:.0f}° 对 {angles[1]:.1f}°"),
        fewer_steps("scaled-faster", ("standardized", trajs[1]), ("raw features", trajs[0]),
                    what=("reach the minimum", "到达最小值"))])


# -- where gradient descent stops: a plateau, a saddle point, a local minimum (seed 004) -----------
# 3 tanh(p(x) / 3) with p' = 0.15 (x - 2)^2 (x - 4)(x - 5.5)(x - 7) and p(7) = 0: tanh keeps p's
# stationary points (a saddle at 2, a local minimum at 4, a maximum at 5.5, the minimum at 7) and
# flattens it where p is large (x < 0.7): a plateau at loss 3
STUCK_CURVE = "3*tanh((x**6/40-123*x**5/200+951*x**4/160-287*x**3/10+291*x**2/4-462*x/5+40229/800)/3)"
STUCK_POINTS = {"saddle point": 2.0, "local minimum": 4.0, "minimum": 7.0}


def stuck_curve():
    """The 1-D loss of :func:`stuck` over x in [-0.5, 8.5], its minimum at x = 7 known."""
    from ..surfaces import surface as make_surface

    s = make_surface(STUCK_CURVE, bounds=[(-0.5, 8.5)])
    s.minima = np.array([[STUCK_POINTS["minimum"]]])
    return s


def stuck(*, lr: float = 0.1, steps: int = 3000, starts=(0.4, 1.2, 2.5, 6.0), tol: float = 1e-5) -> Runs:
    """Seed 004's limits of gradient descent on one curve: from four starts at one rate, a run
    crawls on a plateau (the gradient is almost 0), one stops at a saddle point (the gradient is
    0 but the loss goes on down beyond it), one in a local minimum, one in the minimum. ``info``:
    the curve's special points, the gradient at each start. A run stops when |gradient| < ``tol``
    (1e-5: the run into the saddle point slows as 1/t, and stops in 2679 steps, not 8561 at 1e-6)."""
    s = stuck_curve()
    trajs = run(make_optimizer("gd", lr=lr), s, np.reshape(starts, (-1, 1)), steps, tol=tol).members()
    series = ["plateau", "saddle point", "local minimum", "minimum"]
    grads = [float(abs(s.grad(np.array([x0]))[0])) for x0 in starts]
    info = {"points": dict(STUCK_POINTS), "plateau": 3.0, "start grads": grads, "tol": tol}
    runs = Runs(s, trajs, series, [lr] * len(trajs), info=info, lesson="plateau-saddle")
    plateau, saddle, local, best = trajs
    ends = [float(t.params[-1, 0]) for t in trajs]
    low = round(float(s.value(s.minima[0])), 6) + 0.0   # no "-0.00"
    moved = abs(ends[0] - starts[0])

    def near(t, x, reason):
        return t.status == "converged" and t.reason == reason and abs(float(t.params[-1, 0]) - x) < 1e-2

    return with_claims(runs, [
        claim("plateau", f"on the plateau the gradient is almost 0: in {plateau.n_steps} steps the run moves only "
              f"{moved:.2f}", f"在平台上梯度几乎为 0：{plateau.n_steps} 步只移动了 {moved:.2f}",
              plateau.status == "max_steps" and moved < 0.05 and grads[0] < 1e-4,
              f"gradient {grads[0]:.1e} at x = {starts[0]:g}; x = {ends[0]:.3f} after {plateau.n_steps} steps",
              f"x = {starts[0]:g} 处梯度 {grads[0]:.1e}；{plateau.n_steps} 步后 x = {ends[0]:.3f}"),
        claim("saddle", "a run stops at the saddle point, where the gradient is 0 but the loss goes on down beyond it",
              "一次运行停在鞍点：那里梯度为 0，但越过它损失还会继续下降",
              near(saddle, STUCK_POINTS["saddle point"], "saddle point") and float(saddle.loss[-1]) > low
              and float(s.value(np.array([STUCK_POINTS["saddle point"] + 1.0]))) < float(saddle.loss[-1]),
              f"{_where(saddle)} x = {ends[1]:.3f} after {saddle.n_steps} steps, loss {saddle.loss[-1]:.2f}",
              f"{saddle.n_steps} 步后{_where(saddle, 'zh')} x = {ends[1]:.3f}，损失 {saddle.loss[-1]:.2f}"),
        claim("local", "a run is stuck in the local minimum, above the lowest loss",
              "一次运行困在局部最小值，损失高于最低值",
              near(local, STUCK_POINTS["local minimum"], "local minimum") and float(local.loss[-1]) > low + 1,
              f"{_where(local)} x = {ends[2]:.3f} after {local.n_steps} steps, loss {local.loss[-1]:.2f} vs {low:.2f} "
              "at the minimum",
              f"{local.n_steps} 步后{_where(local, 'zh')} x = {ends[2]:.3f}，损失 {local.loss[-1]:.2f}，"
              f"最小值处为 {low:.2f}"),
        claim("minimum", "only the run started beyond the maximum reaches the minimum",
              "只有从极大值点另一侧出发的运行到达最小值",
              near(best, STUCK_POINTS["minimum"], "minimum")
              and all(abs(e - STUCK_POINTS["minimum"]) > 1 for e in ends[:3]),
              f"{_where(best)} x = {ends[3]:.3f} after {best.n_steps} steps",
              f"{best.n_steps} 步后{_where(best, 'zh')} x = {ends[3]:.3f}")])


def _where(traj, lang="en") -> str:
    """'stopped at' for a converged run, else where it still was ('still at', 'diverged from')."""
    words = {"converged": ("stopped at", "停在"), "diverged": ("diverged, last at", "发散，最后位于")}
    return words.get(traj.status, ("still at", "仍在"))[lang == "zh"]


# -- cross-entropy over three classes (seed 002) --------------------------------------------------
CLASSES = ("red", "green", "blue")


def cross_entropy_classes(*, truth: int = 1, predictions=((0.2, 0.7, 0.1), (0.05, 0.7, 0.25),
                                                          (0.6, 0.1, 0.3))) -> Runs:
    """Seed 002's three classes (red, green, blue): cross-entropy -sum y_k log p_k against the
    one-hot truth y (``truth`` is the true class), for each predicted distribution p. Every term
    but the true class's is 0·log p = 0, so the loss is -log p_true: two predictions that give
    the true class the same p cost the same, however they split the rest. ``info``: y, the
    predictions, the terms, the losses."""
    y = np.eye(len(CLASSES))[truth]
    ps = [np.asarray(p, dtype=float) for p in predictions]
    terms = [-(y * np.log(p)) for p in ps]
    losses = [float(t.sum()) for t in terms]
    runs = Runs(None, [], [], lesson="cross-entropy-classes",
                info={"classes": CLASSES, "truth": truth, "y": y, "predictions": ps, "terms": terms,
                      "losses": losses})
    a, b, c = losses
    true_p = [float(p[truth]) for p in ps]
    return with_claims(runs, [
        claim("only-true-class", "only the true class's term is left: the loss is −log p of the true class",
              "只剩真实类别那一项：损失就是 −log p（真实类别）",
              all(abs(loss + np.log(p[truth])) < 1e-12 and sum(t[k] != 0 for k in range(len(t))) == 1
                  for loss, p, t in zip(losses, ps, terms)),
              ", ".join(f"−log {q:g} = {v:.3f}" for q, v in zip(true_p, losses))),
        claim("same-p-same-loss", "two predictions that give the true class the same probability cost the same, "
              "however they split the rest", "两个预测给真实类别的概率相同，无论其余概率怎样分配，损失都相同",
              true_p[0] == true_p[1] and a == b, f"{a:.3f} and {b:.3f}", f"{a:.3f} 和 {b:.3f}"),
        claim("wrong-costs", "a prediction that puts its mass on a wrong class costs far more",
              "把概率压在错误类别上的预测代价大得多", c > 5 * a,
              f"{c:.3f} vs {a:.3f}", f"{c:.3f} 对 {a:.3f}")])


# -- the feed-forward prediction sigma(theta^T x + b) (seed 003) ----------------------------------
FEATURES = ("blood pressure", "sex", "age", "BMI")


def feed_forward(*, theta=(0.02, 0.5, 0.04, 0.05), bias: float = -6.0,
                 patients=((140.0, 1.0, 63.0, 31.0), (115.0, 0.0, 35.0, 22.0))) -> Runs:
    """Seed 003's perceptron for "predict heart disease": a = sigma(theta^T x + b), the dot
    product of the features (blood pressure, sex, age, BMI) with the weights, plus the bias,
    through the sigmoid. ``info``: theta, b, each patient's x, products, z and a."""
    th = np.asarray(theta, dtype=float)
    xs = [np.asarray(p, dtype=float) for p in patients]
    products = [th * x for x in xs]
    zs = [float(prod.sum() + bias) for prod in products]
    acts = [1.0 / (1.0 + np.exp(-z)) for z in zs]
    runs = Runs(None, [], [], lesson="feed-forward",
                info={"features": FEATURES, "theta": th, "bias": float(bias), "x": xs, "products": products,
                      "z": zs, "a": acts})
    # what a reader recomputes from the printed numbers (2 decimals for z, 3 for a)
    again = [1.0 / (1.0 + np.exp(-round(z, 2))) for z in zs]
    return with_claims(runs, [
        claim("recompute", "the prediction is the sigmoid of the weighted sum plus the bias",
              "预测值就是加权和加上偏置后再经过 sigmoid", all(abs(r - a) < 5e-4 for r, a in zip(again, acts)),
              "; ".join(f"z = {z:.2f}, σ(z) = {a:.3f}" for z, a in zip(zs, acts))),
        claim("probability", "the sigmoid turns any z into a probability between 0 and 1; z > 0 means a > 0.5",
              "sigmoid 把任何 z 变成 0 到 1 之间的概率；z > 0 即 a > 0.5",
              all(0 < a < 1 and (a > 0.5) == (z > 0) for z, a in zip(zs, acts)),
              ", ".join(f"{z:.2f} → {a:.3f}" for z, a in zip(zs, acts)))])
