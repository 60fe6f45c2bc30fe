"""manim -ql scenes/landscape_flyover.py LandscapeFlyover   (or: gdviz video landscape-flyover)"""
from gdviz.scenes import LandscapeFlyover


class LandscapeFlyoverZh(LandscapeFlyover):
    """The Chinese version."""

    lang = "zh"
