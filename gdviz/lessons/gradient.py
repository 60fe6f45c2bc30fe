"""Lessons on the gradient itself: the negative-gradient step, the gradient as a vector of
partial derivatives, the Taylor-series reason small steps work, and Adagrad's intuition."""
from __future__ import annotations

import numpy as np

from .. import analysis, arith
from ..claims import claim, loss_falls, steps_text
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..style import readout
from ..surfaces import surface as make_surface
from .runs import Runs, one_point, with_claims


def gradient_step(surface="parabola", lr: float = 0.8, *, start=None, steps: int = 50) -> Runs:
    """The course's figures 3-5: from the start, the gradient (the tangent's slope) points
    uphill, so gradient descent steps the other way, by lr x gradient, step after step."""
    s = make_surface(surface)
    t = run(make_optimizer("gd", lr=lr), s, one_point(start), steps)
    runs = Runs(s, [t], ["gd"], [lr], lesson="gradient-step")
    g, w = t.grads[: t.n_steps, 0], t.params[:, 0]
    against = bool(np.all(np.sign(np.diff(w)) == -np.sign(g)))
    g0 = float(t.grads[0, 0])
    return with_claims(runs, [
        claim("negative-gradient", "every step moves w against the gradient's sign, by lr × gradient",
              "每一步都让 w 朝梯度符号的反方向移动 学习率 × 梯度", against and np.allclose(np.diff(w), -lr * g),
              f"first step: gradient {g0:.3g}, w moves by {w[1] - w[0]:+.3g} = −{lr:g} × {g0:.3g}",
              f"第一步：梯度 {g0:.3g}，w 移动 {w[1] - w[0]:+.3g} = −{lr:g} × {g0:.3g}"),
        claim("loss-falls", "the loss falls at every step until the minimum",
              "损失每一步都下降，直到最小值", loss_falls(t) and t.status == "converged",
              f"{readout(t.loss[0])} → {readout(t.loss[-1])} in {steps_text(t)}",
              f"{steps_text(t, 'zh')}内 {readout(t.loss[0])} → {readout(t.loss[-1])}")])


def gradient_vector(surface="elongated", points=((-3.0, 0.3),), *, samples: int = 360,
                    radius: float = 0.01) -> Runs:
    """Seeds 003-004: the gradient is the vector of partial derivatives (dL/dx, dL/dy); it is
    perpendicular to the contour line, and the step goes the opposite way (-grad L), which on an
    elongated bowl does not point at the minimum. ``info["points"]`` and ``info["grads"]``."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError(f"the gradient as a vector needs a 2-D surface; '{s.spec()['name']}' is 1-D")
    pts = np.asarray(points, dtype=float).reshape(-1, s.dim)
    grads = s.grad(pts)
    p, g = pts[0], grads[0]
    angles = np.linspace(0, 2 * np.pi, samples, endpoint=False)
    dirs = np.stack([np.cos(angles), np.sin(angles)], -1)
    drop = s.value(p) - s.value(p + radius * dirs)
    best = dirs[np.argmax(drop)]
    down = -g / arith.norm(g)
    off = float(np.degrees(np.arccos(np.clip(best @ down, -1, 1))))
    runs = Runs(s, [], [], lesson="gradient-vector", info={"points": pts, "grads": grads})
    out = [claim("steepest-descent", f"of {samples} directions, a small step along −∇L lowers the loss the most",
                 f"在 {samples} 个方向中，沿 −∇L 走一小步损失下降最多", off <= 360 / samples,
                 f"the best sampled direction is {off:.1f}° from −∇L", f"采样中最好的方向与 −∇L 相差 {off:.1f}°")]
    if s.minima.size:
        to_min = (s.minima[0] - p) / arith.norm(s.minima[0] - p)
        miss = float(np.degrees(np.arccos(np.clip(to_min @ down, -1, 1))))
        out.append(claim("not-at-minimum", "on the elongated bowl −∇L does not point at the minimum",
                         "在狭长的碗上，−∇L 并不指向最小值", miss > 20,
                         f"{miss:.0f}° between −∇L and the direction to the minimum",
                         f"−∇L 与指向最小值的方向相差 {miss:.0f}°", degrees=miss))
    return with_claims(runs, out)


def taylor(surface="himmelblau", point=(0.0, 1.5), radii=(0.25, 2.0), *, samples: int = 720) -> Runs:
    """Seed 004's reason a small rate works: inside a small circle around the point, the loss is
    nearly its linear Taylor approximation L(p) + grad L . (q - p), so the lowest point on the
    circle lies along -grad L; on a large circle neither holds. ``info["circles"]``: per radius,
    the worst relative error of the approximation and the angle of the true lowest point."""
    s = make_surface(surface)
    if s.dim != 2:
        raise UserInputError(f"the Taylor circles need a 2-D surface; '{s.spec()['name']}' is 1-D")
    p = np.asarray(point, dtype=float)
    f0, g = float(s.value(p)), s.grad(p)
    down = -g / arith.norm(g)
    angles = np.linspace(0, 2 * np.pi, samples, endpoint=False)
    dirs = np.stack([np.cos(angles), np.sin(angles)], -1)
    circles = []
    for r in radii:
        q = p + r * dirs
        true, lin = s.value(q), f0 + (q - p) @ g
        err = float(np.max(np.abs(true - lin)) / max(abs(f0 - true.min()), 1e-12))
        low = dirs[np.argmin(true)]
        circles.append({"radius": float(r), "error": err,
                        "angle": float(np.degrees(np.arccos(np.clip(low @ down, -1, 1)))),
                        "lowest": (p + r * low).tolist()})
    small, large = circles[0], circles[-1]
    runs = Runs(s, [], [], lesson="taylor", info={"point": p, "grad": g, "circles": circles})
    return with_claims(runs, [
        claim("small-circle-linear", f"on a circle of radius {small['radius']:g} the loss is nearly linear, and its "
              "lowest point lies along −∇L", f"在半径 {small['radius']:g} 的圆上损失近似线性，最低点在 −∇L 方向",
              small["angle"] < 5 and small["error"] < 0.25,
              f"lowest point {small['angle']:.1f}° from −∇L; linear model off by {small['error']:.0%} of the drop",
              f"最低点与 −∇L 相差 {small['angle']:.1f}°；线性近似误差为下降量的 {small['error']:.0%}"),
        claim("large-circle-not", f"on a circle of radius {large['radius']:g} the linear model fails: the lowest "
              "point is off the −∇L direction", f"在半径 {large['radius']:g} 的圆上线性近似失效：最低点偏离 −∇L 方向",
              large["error"] > 4 * small["error"] and large["angle"] > 20,
              f"off by {large['error']:.0%} of the drop; lowest point {large['angle']:.0f}° from −∇L",
              f"误差为下降量的 {large['error']:.0%}；最低点与 −∇L 相差 {large['angle']:.0f}°")])


def adagrad_intuition(curvatures=(0.5, 4.0), *, starts=((-3.0, 3.0), (-1.5, 1.5)), lr: float = 1.0,
                      steps: int = 30) -> Runs:
    """Seed 004's intuition for Adagrad: for one parameter the best step is |g'| / g'' (it lands
    on the minimum), so a larger slope only means farther away when the curvature is the same;
    across parameters, compare a point on a flat parabola with one on a steep one. Adagrad's
    sqrt(sum of g^2) grows with the curvature, standing in for g''. ``info["points"]``: per
    curvature, the points, their g' and the best step; Adagrad runs on 0.5 c1 w1^2 + 0.5 c2 w2^2."""
    c1, c2 = curvatures
    pts = []
    for c, ws in zip(curvatures, starts):
        for w in ws:
            pts.append({"curvature": c, "w": w, "g1": c * w, "g2": c, "best": abs(c * w) / c})
    s = make_surface(f"{c1 / 2:g}*x**2 + {c2 / 2:g}*y**2", bounds=[(-3.5, 3.5), (-3.5, 3.5)])
    start = np.array([starts[0][0], starts[1][0]])
    ada = run(make_optimizer("adagrad", lr=lr), s, start, steps)
    g = ada.grads[: max(ada.n_steps, 1)]
    root = np.sqrt(np.sum(g * g, axis=0))
    runs = Runs(s, [ada], ["adagrad"], [lr], lesson="adagrad-intuition",
                info={"points": pts, "curvatures": list(curvatures), "root": root})
    a, c = pts[0], pts[2]   # the farther point on the flat curve, the farther on the steep one
    exact = all(abs(q["w"] + (-q["g1"] / q["g2"])) < 1e-12 for q in pts)
    return with_claims(runs, [
        claim("best-step", "the step |g'| / g'' lands exactly on the minimum, on either curve",
              "步长 |g'| / g'' 在两条曲线上都正好落在最小值", exact,
              ", ".join(f"w = {q['w']:g}: |g'|/g'' = {q['best']:g}" for q in pts),
              "，".join(f"w = {q['w']:g}：|g'|/g'' = {q['best']:g}" for q in pts)),
        claim("slope-misleads", "across parameters the slope alone misleads: a point with a smaller |g'| can be "
              "farther from its minimum", "跨参数比较时只看斜率会误导：|g'| 更小的点可能离最小值更远",
              abs(a["g1"]) < abs(c["g1"]) and abs(a["w"]) > abs(c["w"]),
              f"|g'| {abs(a['g1']):g} at distance {abs(a['w']):g} vs |g'| {abs(c['g1']):g} at distance {abs(c['w']):g}",
              f"|g'| {abs(a['g1']):g} 距离 {abs(a['w']):g}，对 |g'| {abs(c['g1']):g} 距离 {abs(c['w']):g}"),
        claim("root-tracks-curvature", "Adagrad's √(Σg²) is larger along the steeper parameter, as g'' is",
              "Adagrad 的 √(Σg²) 在更陡的参数上更大，与 g'' 一致", root[1] > root[0],
              f"√(Σg²) = {root[0]:.3g} (g'' = {c1:g}) vs {root[1]:.3g} (g'' = {c2:g})",
              f"√(Σg²) = {root[0]:.3g}（g'' = {c1:g}）对 {root[1]:.3g}（g'' = {c2:g}）")])


def error_surface(lr: float | None = None, *, steps: int = 200) -> Runs:
    """Seeds 002-003: the error surface over two weights (w, b) of a linear regression is a
    convex bowl; gradient descent walks down to its one minimum."""
    s = make_surface("linear-regression", features="standardized")
    reg = analysis.regimes(s)
    lr = reg.goldilocks * 0.5 if lr is None else lr
    t = run(make_optimizer("gd", lr=lr), s, None, steps)
    xs = [np.linspace(lo, hi, 21) for lo, hi in s.bounds]
    grid = np.stack(np.meshgrid(*xs), -1).reshape(-1, 2)
    low = float(arith.eigh(s.hessian(grid)).min())
    runs = Runs(s, [t], ["gd"], [lr], lesson="error-surface")
    return with_claims(runs, [
        claim("convex", "the error surface over (w, b) is a convex bowl: its curvature is positive everywhere",
              "(w, b) 上的误差曲面是凸碗：处处曲率为正", low > 0,
              f"smallest Hessian eigenvalue on the window {low:.3g}", f"窗口内 Hessian 最小特征值 {low:.3g}"),
        claim("reaches-minimum", "gradient descent reaches its single minimum",
              "梯度下降到达唯一的最小值",
              t.status == "converged" and arith.norm(t.params[-1] - s.minima[0]) < 1e-3,
              steps_text(t), steps_text(t, "zh"))])
