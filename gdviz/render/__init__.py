"""Rendering with matplotlib: figures, animations and encoders (imported on first use).

    >>> from gdviz import render
    >>> render.figure("race", lang="zh")            # a matplotlib Figure
    >>> render.animate(traj).save("out.gif")
    >>> render.map_figure(gd.map(...))               # a Map or Basins; draw_map / draw_basins on your axes
    >>> render.landscape_figure(land, [traj])         # a gd.landscape and the gd.train paths on it
"""
from __future__ import annotations

_EXPORTS = {"figure": "figures", "save": "figures", "FIGURES": "figures", "animate": "animation",
            "Animation": "animation", "map_figure": "figures.maps", "draw_map": "figures.maps",
            "draw_basins": "figures.maps", "landscape_figure": "figures.landscape",
            "save_landscape_gif": "figures.landscape"}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'gdviz.render' has no attribute '{name}'")


__all__ = list(_EXPORTS)
