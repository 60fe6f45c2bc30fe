"""Lessons about where you start: convex bowls against egg crates, random restarts."""
from __future__ import annotations

import numpy as np

from .. import analysis
from ..claims import claim
from ..engine import run
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from ..surfaces import surface as make_surface
from .runs import Runs, with_claims


def basin_map(s, optimizer, *, n: int = 201, steps: int = 2000, margin: float = 0.04) -> dict:
    """Which known minimum ``optimizer`` reaches from each point of an n x n grid over the
    surface's bounds grown by ``margin`` of their span on every side (the figures' window), in
    one batched run: the basins. ``x``, ``y``: the grid's coordinates; ``basin``: (n, n) indices
    into the minima (-1: none), rows along y."""
    pad = margin * np.ptp(s.bounds, axis=1)
    (x0, x1), (y0, y1) = s.bounds + np.stack([-pad, pad], 1)
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    traj = run(optimizer, s, np.column_stack([X.ravel(), Y.ravel()]), steps, record_every=steps)
    return {"x": xs, "y": ys, "basin": analysis.nearest_minimum(s, traj.params[-1]).reshape(n, n)}


def restarts(surface="egg-crate", n: int = 12, *, seed: int = 3, steps: int = 2000, **kw) -> Runs:
    """Random restarts: n seeded starts, each run to the minimum of its basin. With the default
    seed, 2 of the 12 starts land in the global minimum's basin; ``info["best"]`` is the start
    that found the lowest minimum, ``info["basins"]`` the basin of every point of a grid (see
    :func:`basin_map`; 2-D surfaces with known minima)."""
    res = analysis.restarts(surface, n, seed=seed, steps=steps, **kw)
    s = make_surface(surface)
    finals = res.trajectory.loss[-1]
    best = int(np.argmin(finals))
    info = {"basin": res.basin.tolist(), "counts": res.counts.tolist(), "global_share": res.global_share,
            "best": best}
    if s.dim == 2 and s.minima.size:
        try:   # the same optimizer, rebuilt from the record (not possible for a schedule or a function)
            opt = make_optimizer(res.trajectory.optimizer, **res.trajectory.hyperparams)
        except (UserInputError, TypeError):
            opt = None
        if opt is not None:
            info["basins"] = basin_map(s, opt, steps=steps)
    runs = Runs(s, res.trajectory.members(), [f"start {i + 1}" for i in range(n)], lesson="restarts", info=info)
    reached = len({b for b in res.basin.tolist() if b >= 0})
    g = int(np.sum(res.basin == 0))
    out = [claim("starts-decide", "different starts end in different minima",
                 "不同的起点落入不同的最小值", reached >= 2,
                 f"{n} starts reach {reached} different minima", f"{n} 个起点到达 {reached} 个不同的最小值",
                 minima=reached)]
    if len(s.minima) > 1:
        out.append(claim("restarts-find-global", f"of {n} random starts at least one reaches the global minimum, "
                         "and the best one found is it", f"{n} 个随机起点中至少一个到达全局最小值，"
                         "找到的最好结果就是它", g >= 1 and res.basin[best] == 0,
                         f"{g} of {n} reach it", f"{n} 个中有 {g} 个到达", reached_global=g))
    return with_claims(runs, out)


def convex_vs_nonconvex(n: int = 10, *, seed: int = 2, steps: int = 2000) -> Runs:
    """Random restarts on the convex bowl and on the egg crate, side by side: on the bowl every
    start reaches the one minimum; on the egg crate the start decides the minimum."""
    bowl = restarts("bowl", n, seed=seed, steps=steps)
    egg = restarts("egg-crate", n, seed=seed, steps=steps)
    basins = bowl.info["basin"] + egg.info["basin"]
    one = sum(b == 0 for b in bowl.info["basin"])
    many = len({b for b in egg.info["basin"] if b >= 0})
    runs = Runs(bowl.surface, bowl.trajectories + egg.trajectories, bowl.series + egg.series,
                surfaces=[bowl.surface] * n + [egg.surface] * n, info={"n": n, "basin": basins},
                lesson="convex-vs-nonconvex")
    return with_claims(runs, [
        claim("bowl-one-minimum", f"on the convex bowl all {n} starts reach the one minimum",
              f"在凸碗上 {n} 个起点全部到达唯一的最小值", one == n, f"{one} of {n}", f"{n} 个中 {one} 个"),
        claim("egg-crate-many", "on the egg crate the same starts end in several different minima",
              "在蛋托上同样的起点落入多个不同的最小值", many >= 3, f"{many} different minima",
              f"{many} 个不同的最小值")])


def surfaces_3d(*, names=("bowl", "egg-crate")) -> Runs:
    """The convex bowl and the egg crate as 3-D surfaces (seed 000): one minimum against many."""
    surfaces = [make_surface(name) for name in names]
    counts = [len(s.minima) for s in surfaces]
    runs = Runs(surfaces[0], [], list(names), surfaces=surfaces, info={"minima": counts},
                lesson="surfaces-3d")
    return with_claims(runs, [claim("one-vs-many", "the convex bowl has one lowest point; the egg crate has many",
                                    "凸碗只有一个最低点；蛋托有很多个", counts[0] == 1 and counts[-1] > 1,
                                    f"{counts[0]} minimum vs {counts[-1]} minima in the window",
                                    f"窗口内 {counts[0]} 个对 {counts[-1]} 个最小值")])
