"""manim -ql scenes/inside_adaptive.py InsideAdaptive   (or: gdviz video inside-adaptive)"""
from gdviz.scenes import InsideAdaptive


class InsideAdaptiveZh(InsideAdaptive):
    """The Chinese version."""

    lang = "zh"
