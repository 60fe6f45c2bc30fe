"""The trainability map of a tiny network (lesson ``trainability``): the per-layer learning-rate
map in the notebook's colours (blue trains, red diverges) with a window on its boundary."""
from __future__ import annotations

from ...maps.zoom import draw


def plot_trainability(fig, runs, lang):
    info = runs.info
    draw(fig, info["level"], info["config"], lang, inset=info["inset"])


KINDS = {
    "trainability": ("trainability", plot_trainability, (900, 640),
                     "where a tiny network trains, per-layer learning rates (Sohl-Dickstein 2024), its fractal "
                     "boundary"),
}
