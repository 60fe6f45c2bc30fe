"""manim -ql scenes/local_minima.py LocalMinima   (or: gdviz video local-minima)"""
from gdviz.scenes import LocalMinima


class LocalMinimaZh(LocalMinima):
    """The Chinese version."""

    lang = "zh"
