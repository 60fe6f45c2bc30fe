"""Where a tiny network trains (Sohl-Dickstein, "The boundary of neural network trainability is
fractal", 2024): the map of per-layer learning rates of a one-hidden-layer tanh network, and a
zoom into the boundary between the rates that train and those that diverge.

The gallery runs the paper's network (width 16, tanh, full batch, mean-field, float64, 100
steps) on a smaller data set than the paper's (34 points, ``dataset_param_multiple`` 1/8, where
the paper has 272 = the number of parameters) so a picture takes seconds; the boundary is still
fractal (the claims measure it on the pictures' own maps).
"""
from __future__ import annotations

import functools

from ..claims import claim
from ..maps.fractal import box_counting_dimension, edges
from ..maps.network import NetworkConfig
from ..maps.zoom import Level, level, zoom_levels
from .runs import Runs

CONFIG = NetworkConfig(dataset_param_multiple=0.125)
OVERVIEW = (-3.0, 6.0, -3.0, 6.0)          # log10 lr1, lr2: the notebook's first view
INSET = (2.0, 4.0, 1.6, 2.6)               # a window on the boundary, where the figure measures it
ZOOM_CENTRE, ZOOM_WIDTH = (2.0, 2.05), 1.0  # the zoom starts 1 decade wide around lr1 1e2, lr2 1e2.05,
#   where the boundary turns from a line into filaments (deeper, near lr1 1e3, it is speckle at 100 steps)
SHARE = (0.05, 0.95)                       # "a real share": each side holds at least 5% of the map


@functools.lru_cache(maxsize=16)
def _level(config, bounds, px, steps) -> Level:
    return level(config, bounds, px, steps)


def _shares_claim(levels: list[Level], where_en: str, where_zh: str):
    shares = [lv.converged_share for lv in levels]
    ok = all(SHARE[0] <= s <= SHARE[1] for s in shares)
    text = ", ".join(f"{100 * s:.0f}%" for s in shares)
    return claim("both-regions", f"both regions are real: rates that train and rates that do not each cover "
                                 f"at least 5% of {where_en}",
                 f"能训练与不能训练的学习率都真实存在：各自至少占{where_zh}的 5%", ok,
                 f"training converges on {text} of the pixels (on the rest it does not)",
                 f"训练收敛的像素比例：{text}（其余不收敛）", shares=shares)


def _dimension_claim(lv: Level, where_en: str, where_zh: str):
    bc = box_counting_dimension(edges(lv.values))
    d = bc.dimension
    n = lv.values.shape[0]
    return claim("fractal-boundary", f"the boundary is fractal: its box-counting dimension on {where_en} lies "
                                     f"strictly between 1 (a smooth curve) and 2 (filling the plane)",
                 f"边界是分形的：{where_zh}上边界的盒计数维数严格介于 1（光滑曲线）和 2（铺满平面）之间",
                 1.05 <= d <= 1.95,
                 f"{d:.2f} (boxes of {bc.fit[0]} to {bc.fit[1]} pixels on a {n} x {n} map)",
                 f"{d:.2f}（{n} × {n} 的图上，盒子边长 {bc.fit[0]} 到 {bc.fit[1]} 像素）", dimension=d)


def trainability(px: int = 160, inset_px: int = 160, steps: int | None = None) -> Runs:
    """The overview map (the notebook's first view, 1e-3 to 1e6 for both rates) and a window on
    its boundary, with the boundary's box-counting dimension measured on that window."""
    overview = _level(CONFIG, OVERVIEW, px, steps)
    inset = _level(CONFIG, INSET, inset_px, steps)
    claims = [_shares_claim([overview], "the map", "整张图"),
              _dimension_claim(inset, "the marked window", "框出的窗口")]
    return Runs(None, [], [], info={"config": CONFIG, "level": overview, "inset": inset}, claims=claims,
                lesson="trainability")


def trainability_zoom(px: int = 128, levels: int = 4, factor: float = 4.0, steps: int | None = None) -> Runs:
    """A zoom into the boundary: ``levels`` maps, each ``factor`` times narrower than the last and
    centred on its boundary."""
    zoom = _zoom(CONFIG, ZOOM_CENTRE, ZOOM_WIDTH, factor, levels, px, steps)
    claims = [_shares_claim(zoom, "every level of the zoom", "缩放的每一层"),
              _dimension_claim(zoom[-1], f"the deepest level (zoom ×{factor ** (levels - 1):g})",
                               f"最深一层（放大 ×{factor ** (levels - 1):g}）")]
    return Runs(None, [], [], info={"config": CONFIG, "levels": zoom}, claims=claims, lesson="trainability-zoom")


@functools.lru_cache(maxsize=4)
def _zoom(config, centre, width, factor, levels, px, steps):
    return zoom_levels(config, centre, width, factor, levels, px, steps)
