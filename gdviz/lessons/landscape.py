"""Loss landscapes of a small network (Li et al. 2018, Goodfellow et al. 2015): the runs behind
the landscape pictures and the claims they make.

Every lesson trains the built-in numpy MLP (two hidden layers of ``WIDTH`` tanh units, float64,
seeded) on two moons with noise ``NOISE`` (the classes overlap, so the loss has a floor) with the
binary cross-entropy, full batch, ``STEPS`` steps, so each lesson takes a few seconds:

- ``landscape-random``: a filter-normalized random plane through the weights Adam trained; they sit
  at the bottom of a basin (the plane's lowest loss is next to the center, the loss rises around it);
- ``landscape-paths``: gradient descent, momentum and Adam from one start, projected onto the PCA
  plane of all three paths together (one plane, so the paths compare); each ends in the plane's
  region of lowest loss, and the plane holds most of the paths' variance;
- ``landscape-interpolation``: the loss on the straight line from the initial to the trained
  weights (α from -0.5 to 1.5) falls without a bump, or the picture marks where it rises.
"""
from __future__ import annotations

import functools

import numpy as np

from ..claims import claim
from ..style import optimizer_name
from .runs import Runs

NOISE = 0.2         # two moons with N(0, 0.2^2) noise: 200 points, the classes overlap
WIDTH = 8           # hidden units per layer: [2, 8, 8, 1], 105 parameters
STEPS = 600
OPTIMIZERS = (("gd", 2.0), ("momentum", 0.2), ("adam", 0.02))   # name, learning rate (momentum's β 0.9):
#   each reaches a loss near 0.03 in STEPS steps
NEAR = 0.1          # "next to the center": the lowest grid point within NEAR x the half-width of the plane
RISE = 3.0          # "a basin": the lowest loss on the plane's border is RISE x the center's or more
LOWEST = 0.1        # "the region of lowest loss": the plane's lowest LOWEST share of grid points
EXPLAINED = 0.75    # "most of the variance": the two components explain at least this share
CURVATURE = 0.05    # the slice's second difference at the center agrees with λ₁ within 5%
VIEW = (70, -60)     # the 3-D view of the paths' plane (elevation, azimuth): every path in sight
WELL_VIEW = (65, -45)  # the random slice's: from high enough to see into its narrow well


@functools.lru_cache(maxsize=1)
def data():
    """The lessons' data set: two moons, 200 points, noise NOISE, seed 0."""
    from ..landscapes.datasets import dataset

    return dataset("moons", noise=NOISE)


@functools.lru_cache(maxsize=8)
def trained(name: str, lr: float, steps: int = STEPS, seed: int = 0):
    """The network (seeded) and its training path with ``name`` at ``lr`` (cached: the lessons
    share runs)."""
    import gdviz as gd

    model = gd.mlp([2, WIDTH, WIDTH, 1], activation="tanh", seed=seed)
    opt = gd.optimizer(name, lr=lr, **({"momentum": 0.9} if name == "momentum" else {}))
    return model, gd.train(model, None, data(), opt, steps)


def accuracy(model, points) -> np.ndarray:
    """The share of the data each flat weight vector in ``points`` (k, P) classifies right
    (the logit's sign against the label)."""
    from ..landscapes.wrap import model_loss

    ml = model_loss(model, None, data())
    X, y = data()
    return np.array([np.mean((model.forward(X, ml.unflatten(p))[:, 0] > 0) == (y > 0)) for p in points])


def _describe(steps: int, lang: str, what: str = "") -> str:
    """The lessons' subtitle: the network, the data (their size counted, not restated) and the training."""
    sizes, n = f"2-{WIDTH}-{WIDTH}-1", len(data()[0])
    if lang == "zh":
        return f"网络 {sizes}（tanh）在带噪声的双月数据（{n} 点）上训练 {steps} 步（全批量，交叉熵）{what}"
    return (f"An MLP {sizes} (tanh) trained {steps} steps on two noisy moons ({n} points, full batch, "
            f"cross-entropy){what}")


def landscape_random(steps: int = STEPS, grid: int = 41, span: float = 1.0, seed: int = 0) -> Runs:
    """The loss on a filter-normalized random plane through the weights Adam trained (``span``:
    the plane reaches +-span along each direction)."""
    import gdviz as gd

    model, traj = trained(*OPTIMIZERS[2], steps, seed)
    land = gd.landscape(model, None, data(), directions="random", grid=grid, span=span, center=traj.params[-1],
                        seed=seed)
    at_center = float(traj.loss[-1])
    low = land.argmin()
    dist = float(np.hypot(*low)) / span
    border = np.concatenate([land.loss[0], land.loss[-1], land.loss[:, 0], land.loss[:, -1]])
    rise = float(np.nanmin(border)) / at_center
    low_loss = float(np.nanmin(land.loss))
    claims = [
        claim("center-lowest", f"the trained weights sit at the bottom: the lowest loss on the plane is within "
                               f"{NEAR:g} of the half-width from the center",
              f"训练后的权重位于谷底：平面上的最低损失离中心不超过半宽的 {NEAR:g}", dist <= NEAR,
              f"lowest grid point at ({low[0]:.2f}, {low[1]:.2f}), {dist:.2f} of the half-width away; "
              f"loss {low_loss:.3g} there, {at_center:.3g} at the center",
              f"最低的网格点在 ({low[0]:.2f}, {low[1]:.2f})，距中心为半宽的 {dist:.2f}；"
              f"那里的损失 {low_loss:.3g}，中心 {at_center:.3g}", distance=dist, lowest=low_loss, center=at_center),
        claim("basin", f"it is a basin: everywhere on the plane's border the loss is at least {RISE:g} × the center's",
              f"这是一个盆地：平面边缘上各处的损失都至少是中心的 {RISE:g} 倍", rise >= RISE,
              f"{rise:.1f} × at the border's lowest point ({np.nanmin(border):.3g} against {at_center:.3g})",
              f"边缘最低处为 {rise:.1f} 倍（{np.nanmin(border):.3g} 对 {at_center:.3g}）", rise=rise),
    ]
    sub = {lang: _describe(steps, lang, (f", then sliced along two random directions, ±{span:g} × the weights' size"
                                         if lang == "en" else f"，再沿两个随机方向切片，范围 ±{span:g} 倍权重大小"))
           for lang in ("en", "zh")}
    info = {"landscape": land, "trained": traj, "sub": sub, "center": "landscape center trained", "view": WELL_VIEW}
    return Runs(None, [], [], info=info, claims=claims, lesson="landscape-random")


def landscape_paths(steps: int = STEPS, grid: int = 41, seed: int = 0) -> Runs:
    """Gradient descent, momentum and Adam from one start (the seeded initial weights), on the
    PCA plane of all three paths together; ``trajectories`` are the projected paths."""
    import gdviz as gd

    runs = [trained(name, lr, steps, seed) for name, lr in OPTIMIZERS]
    trajs = [t for _, t in runs]
    land = gd.landscape(runs[0][0], None, data(), directions="pca", path=trajs, grid=grid)
    projected = [land.project(t) for t in trajs]
    keys = [name for name, _ in OPTIMIZERS]
    last = np.array([p.params[-1] for p in projected])
    ends = [float(e) for e in land.surface().value(last)]
    ranks = [float(r) for r in land.share_below(last)]      # the share of the plane lower than each end
    off = [float(p.meta["off_plane"][-1]) for p in projected]
    explained = float(np.sum(land.explained))

    def listed(lang):
        sep = "，" if lang == "zh" else ", "
        return sep.join(f"{optimizer_name(k, lang)} {e:.3g} ({100 * r:.0f}%)" if lang == "en" else
                        f"{optimizer_name(k, lang)} {e:.3g}（{100 * r:.0f}%）" for k, e, r in zip(keys, ends, ranks))

    offs = ", ".join(f"{100 * o:.0f}%" for o in off)
    claims = [
        claim("ends-lowest", f"each path ends in the region of lowest loss on the plane: where less than "
                             f"{100 * LOWEST:g}% of the plane is lower",
              f"每条路径都停在平面上损失最低的区域：平面上比终点更低的部分不到 {100 * LOWEST:g}%",
              all(r < LOWEST for r in ranks),
              f"the plane's loss at the ends (and the share of the plane below it): {listed('en')}; the ends lie "
              f"{offs} of their distance from the center off the plane",
              f"终点处的平面损失（及平面上更低部分的占比）：{listed('zh')}；终点离开平面的距离为其到中心距离的 {offs}",
              ends=ends, ranks=ranks, off_plane=off),
        claim("pca-explains", f"the two components hold most of the paths' variance: at least {100 * EXPLAINED:g}%",
              f"两个主成分包含路径的大部分方差：至少 {100 * EXPLAINED:g}%", explained >= EXPLAINED,
              f"{100 * explained:.1f}% (PC1 {100 * land.explained[0]:.1f}%, PC2 {100 * land.explained[1]:.1f}%)",
              f"{100 * explained:.1f}%（主成分 1 {100 * land.explained[0]:.1f}%，主成分 2 "
              f"{100 * land.explained[1]:.1f}%）", explained=explained),
    ]
    sub = {"en": _describe(steps, "en", " from one start; the plane: PCA of all three paths together"),
           "zh": _describe(steps, "zh", "，同一起点；平面：三条路径合在一起做 PCA")}
    return Runs(None, projected, keys, [lr for _, lr in OPTIMIZERS],
                info={"landscape": land, "sub": sub, "paths": trajs, "view": VIEW}, claims=claims,
                lesson="landscape-paths")


def landscape_hessian(steps: int = STEPS, grid: int = 41, span: float = 1.0, seed: int = 0) -> Runs:
    """The planes of the top two Hessian eigenvectors (power iteration on Hessian-vector products)
    at the ends of gradient descent and momentum, each +-``span`` along unit directions. Gradient
    descent at rate η ends where the top eigenvalue λ₁ is at most 2/η (the course's 2/L rule: where
    the loss is sharper its steps overshoot and grow); the slices' curvature at the center is λ₁."""
    import gdviz as gd

    runs = [(name, lr, *trained(name, lr, steps, seed)) for name, lr in OPTIMIZERS[:2]]
    lands = [gd.landscape(model, None, data(), directions="hessian", center=traj.params[-1], grid=grid, span=span,
                          seed=seed) for _, _, model, traj in runs]
    lam = [float(land.eigenvalues[0]) for land in lands]
    curv = [_curvature(land) for land in lands]
    worst = max(abs(c / v - 1) for c, v in zip(curv, lam))
    eta = OPTIMIZERS[0][1]
    pairs = {lang: ", ".join(f"{optimizer_name(k, lang)} {c:.3g} / {v:.3g}" for (k, *_), c, v in zip(runs, curv, lam))
             for lang in ("en", "zh")}
    claims = [
        claim("curvature-is-eigenvalue", f"the slice's curvature at the center is the top Hessian eigenvalue λ₁ "
                                         f"(within {100 * CURVATURE:g}%)",
              f"切片在中心处的曲率就是 Hessian 的最大特征值 λ₁（误差不超过 {100 * CURVATURE:g}%）", worst <= CURVATURE,
              f"second difference / λ₁: {pairs['en']} (at most {100 * worst:.1f}% apart)",
              f"二阶差分 / λ₁：{pairs['zh']}（最多相差 {100 * worst:.1f}%）", curvature=curv, eigenvalues=lam),
        claim("edge-of-stability", f"gradient descent at rate η = {eta:g} ends where λ₁ is at most 2/η = {2 / eta:g}: "
                                   "where the loss is sharper, its steps would overshoot and grow (the 2/L rule)",
              f"学习率 η = {eta:g} 的梯度下降停在 λ₁ 不超过 2/η = {2 / eta:g} 的地方："
              "更尖锐处它的步子会越冲越远（2/L 规则）",
              lam[0] <= 2 / eta, f"λ₁ = {lam[0]:.3g} at its end", f"终点处 λ₁ = {lam[0]:.3g}", eigenvalue=lam[0]),
        claim("sharper", "momentum ends in a sharper place than gradient descent: a larger λ₁",
              "动量法停在比梯度下降更尖锐的地方：λ₁ 更大", lam[1] > lam[0],
              f"λ₁ = {lam[1]:.3g} against {lam[0]:.3g} ({lam[1] / lam[0]:.1f} ×)",
              f"λ₁ = {lam[1]:.3g} 对 {lam[0]:.3g}（{lam[1] / lam[0]:.1f} 倍）", ratio=lam[1] / lam[0]),
    ]
    sub = {"en": _describe(steps, "en", f"; planes of the top two Hessian eigenvectors at each end, ±{span:g}"),
           "zh": _describe(steps, "zh", f"；每个终点处 Hessian 前两个特征向量张成的平面，±{span:g}")}
    return Runs(None, [], [k for k, *_ in runs], [lr for _, lr, *_ in runs],
                info={"landscapes": lands, "sub": sub, "center": "landscape center trained",
                      "rates": [lr for _, lr, *_ in runs]}, claims=claims,
                lesson="landscape-hessian")


def _curvature(land) -> float:
    """The second difference of the loss along x through the center: (L(h) - 2 L(0) + L(-h)) / h²."""
    j, i = int(np.argmin(np.abs(land.x))), int(np.argmin(np.abs(land.y)))
    h = float(land.x[j + 1] - land.x[j])
    return float((land.loss[i, j + 1] - 2 * land.loss[i, j] + land.loss[i, j - 1]) / h ** 2)


def landscape_interpolation(steps: int = STEPS, points: int = 81, seed: int = 0) -> Runs:
    """The loss at (1 - α) initial + α trained for α from -0.5 to 1.5 (Goodfellow et al. 2015),
    the weights Adam trained; ``info["accuracy"]`` the share of the data classified right at each α.
    The claim: the loss falls at every step of α from 0 to 1; where it does not, the figure marks
    the rises (drawn in vermillion) and the claim says where they are."""
    import gdviz as gd

    model, traj = trained(*OPTIMIZERS[2], steps, seed)
    line = gd.interpolate(model, None, data(), traj, None, points=points)
    a, z = np.asarray(line.x), np.asarray(line.loss)
    acc = accuracy(model, (1 - a)[:, None] * traj.params[0] + a[:, None] * traj.params[-1])
    inside = (a >= 0) & (a <= 1)
    up = np.flatnonzero(inside[:-1] & inside[1:] & (np.diff(z) > 0))
    (z0, z1), (acc0, acc1) = np.interp([0.0, 1.0], a, z), np.interp([0.0, 1.0], a, acc)
    numbers = dict(start=float(z0), end=float(z1), rises=len(up), accuracy=(float(acc0), float(acc1)))
    accs = f"{100 * acc0:.1f}% → {100 * acc1:.1f}%"
    if not up.size:
        n = int(inside.sum()) - 1
        c = claim("monotone", "the loss falls all the way from the initial to the trained weights: no bump on the line",
                  "从初始权重到训练后的权重，损失一路下降：直线上没有隆起", True,
                  f"from {z0:.3g} at α = 0 to {z1:.3g} at α = 1, lower at each of the {n} steps of α "
                  f"(accuracy {accs})",
                  f"从 α = 0 处的 {z0:.3g} 降到 α = 1 处的 {z1:.3g}，α 的 {n} 小段每段都更低（准确率 {accs}）",
                  **numbers)
    else:
        rise, lo, hi = float(np.sum(np.diff(z)[up])), a[up[0]], a[up[-1] + 1]
        c = claim("marked-rise", "the loss does not fall all the way: where it rises, the picture marks it",
                  "损失并非一路下降：上升的地方图中已标出", True,
                  f"it rises by {rise:.3g} in all, between α = {lo:.2f} and {hi:.2f} (accuracy {accs})",
                  f"共上升 {rise:.3g}，位于 α = {lo:.2f} 到 {hi:.2f} 之间（准确率 {accs}）", **numbers)
    sub = {"en": _describe(steps, "en", " by Adam"), "zh": _describe(steps, "zh", "，优化器 Adam")}
    return Runs(None, [], [], info={"landscape": line, "sub": sub, "trained": traj, "accuracy": acc}, claims=[c],
                lesson="landscape-interpolation")
