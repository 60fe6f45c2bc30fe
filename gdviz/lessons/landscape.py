"""Loss landscapes of a small network (Li et al. 2018, Goodfellow et al. 2015): the runs behind
the landscape pictures and the claims they make.

Every lesson trains the built-in numpy MLP (two hidden layers of ``WIDTH`` tanh units, float64)
on two moons with the binary cross-entropy, full batch, so each takes a few seconds:

- ``landscape-random``: a filter-normalized random plane through the trained weights; they sit
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

DATA = "moons"
WIDTH = 12                                      # hidden units per layer: [2, 12, 12, 1], 205 parameters
OPTIMIZERS = (("gd", 0.5), ("momentum", 0.1), ("adam", 0.02))   # name, learning rate (momentum 0.9)
NEAR = 0.1          # "next to the center": the lowest grid point within NEAR x the half-width of the plane
RISE = 3.0          # "a basin": the lowest loss on the plane's border is RISE x the center's loss or more
LOWEST = 0.05       # "the region of lowest loss": the plane's lowest LOWEST share of grid points
EXPLAINED = 0.8     # "most of the variance": two components explain at least this share


@functools.lru_cache(maxsize=8)
def _trained(name: str, lr: float, steps: int, seed: int, dataset: str = DATA):
    """The network (seeded) and its training path with ``name`` at ``lr`` (cached: the lessons share runs)."""
    import gdviz as gd

    model = gd.mlp([2, WIDTH, WIDTH, 1], activation="tanh", seed=seed)
    opt = gd.optimizer(name, lr=lr, **({"momentum": 0.9} if name == "momentum" else {}))
    return model, gd.train(model, None, dataset, opt, steps)


def _describe(steps: int, lang: str, what: str = "") -> str:
    sizes = f"2-{WIDTH}-{WIDTH}-1"
    if lang == "zh":
        return f"网络 {sizes}（tanh）在双月数据上训练 {steps} 步（全批量，交叉熵）{what}"
    return f"An MLP {sizes} (tanh) trained {steps} steps on two moons (full batch, cross-entropy){what}"


def landscape_random(steps: int = 600, grid: int = 41, span: float = 1.0, seed: int = 0) -> Runs:
    """The loss on a filter-normalized random plane through the weights Adam trained (``span``:
    the plane reaches +-span along each direction)."""
    import gdviz as gd

    model, traj = _trained("adam", 0.02, steps, seed)
    land = gd.landscape(model, None, DATA, directions="random", grid=grid, span=span, center=traj.params[-1],
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
    return Runs(None, [], [], info={"landscape": land, "trained": traj, "sub": sub}, claims=claims,
                lesson="landscape-random")


def landscape_paths(steps: int = 300, grid: int = 41, seed: int = 0) -> Runs:
    """Gradient descent, momentum and Adam from one start (the seeded initial weights), on the
    PCA plane of all three paths together; ``trajectories`` are the projected paths."""
    import gdviz as gd

    runs = [_trained(name, lr, steps, seed) for name, lr in OPTIMIZERS]
    trajs = [t for _, t in runs]
    land = gd.landscape(runs[0][0], None, DATA, directions="pca", path=trajs, grid=grid)
    projected = [land.project(t) for t in trajs]
    keys = [name for name, _ in OPTIMIZERS]
    cut = float(np.nanquantile(land.loss, LOWEST))
    surface = land.surface()
    ends = [float(surface.value(p.params[-1])) for p in projected]
    explained = float(np.sum(land.explained))
    names = {lang: [optimizer_name(k, lang) for k in keys] for lang in ("en", "zh")}
    listed = {lang: ", ".join(f"{n} {e:.3g}" for n, e in zip(names[lang], ends)) for lang in ("en", "zh")}
    claims = [
        claim("ends-lowest", f"each path ends in the region of lowest loss on the plane (its lowest "
                             f"{100 * LOWEST:g}% of grid points)",
              f"每条路径都停在平面上损失最低的区域（最低的 {100 * LOWEST:g}% 网格点）", all(e <= cut for e in ends),
              f"the plane's loss at the ends: {listed['en']}; the region is below {cut:.3g}",
              f"终点处的平面损失：{listed['zh']}；该区域低于 {cut:.3g}", ends=ends, cut=cut),
        claim("pca-explains", f"the two components hold most of the paths' variance: at least {100 * EXPLAINED:g}%",
              f"两个主成分包含路径的大部分方差：至少 {100 * EXPLAINED:g}%", explained >= EXPLAINED,
              f"{100 * explained:.1f}% (PC1 {100 * land.explained[0]:.1f}%, PC2 {100 * land.explained[1]:.1f}%)",
              f"{100 * explained:.1f}%（主成分 1 {100 * land.explained[0]:.1f}%，主成分 2 "
              f"{100 * land.explained[1]:.1f}%）", explained=explained),
    ]
    sub = {"en": _describe(steps, "en", " from one start; the plane: PCA of all three paths together"),
           "zh": _describe(steps, "zh", "，同一起点；平面：三条路径合在一起做 PCA")}
    return Runs(None, projected, keys, [lr for _, lr in OPTIMIZERS],
                info={"landscape": land, "sub": sub, "paths": trajs}, claims=claims, lesson="landscape-paths")


def landscape_interpolation(steps: int = 600, points: int = 81, seed: int = 0) -> Runs:
    """The loss at (1 - α) initial + α trained for α from -0.5 to 1.5 (Goodfellow et al. 2015),
    the weights Adam trained; ``info["rises"]`` the α intervals in [0, 1] where it rises."""
    import gdviz as gd

    model, traj = _trained("adam", 0.02, steps, seed)
    line = gd.interpolate(model, None, DATA, traj, None, points=points)
    a, z = np.asarray(line.x), np.asarray(line.loss)
    inside = (a >= 0) & (a <= 1)
    steps_up = np.flatnonzero(inside[:-1] & inside[1:] & (np.diff(z) > 0))
    z0, z1 = float(np.interp(0.0, a, z)), float(np.interp(1.0, a, z))
    if steps_up.size == 0:
        c = claim("monotone", "the loss falls all the way from the initial to the trained weights: no bump on the line",
                  "从初始权重到训练后的权重，损失一路下降：直线上没有隆起", True,
                  f"from {z0:.3g} at α = 0 to {z1:.3g} at α = 1, falling at each of the "
                  f"{int(inside.sum()) - 1} steps of α",
                  f"从 α = 0 处的 {z0:.3g} 降到 α = 1 处的 {z1:.3g}，α 的 {int(inside.sum()) - 1} 小段每段都在下降",
                  start=z0, end=z1, rises=0)
    else:
        up = float(np.sum(np.diff(z)[steps_up]))
        c = claim("marked-rise", "the loss does not fall all the way: where it rises, the picture marks it",
                  "损失并非一路下降：上升的地方图中已标出", True,
                  f"it rises by {up:.3g} in all, between α = {a[steps_up[0]]:.2f} and {a[steps_up[-1] + 1]:.2f}",
                  f"共上升 {up:.3g}，位于 α = {a[steps_up[0]]:.2f} 到 {a[steps_up[-1] + 1]:.2f} 之间",
                  start=z0, end=z1, rises=len(steps_up))
    sub = {"en": _describe(steps, "en", " with Adam; the straight line from its initial to its trained weights"),
           "zh": _describe(steps, "zh", "（Adam）；从初始权重到训练后权重的直线")}
    return Runs(None, [], [], info={"landscape": line, "sub": sub, "trained": traj}, claims=[c],
                lesson="landscape-interpolation")
