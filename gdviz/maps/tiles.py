"""STAND-IN on branch i18-network for the lead's gdviz.maps.tiles (the contract in the task
notes): serial only, replaced by main's on merge."""
from __future__ import annotations

import numpy as np


def compute(tile_fn, task, n_pixels, *, tile=50_000, client=None, progress=None):
    parts = []
    for lo in range(0, n_pixels, tile):
        hi = min(lo + tile, n_pixels)
        parts.append(tile_fn(task, lo, hi))
        if progress is not None:
            progress(hi, n_pixels)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
