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
    c = float(np.dot(a, b)) / float(arith.norm(a) * arith.norm(b))
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
