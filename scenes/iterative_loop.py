"""manim -ql scenes/iterative_loop.py IterativeLoop   (or: gdviz video iterative-loop)"""
from gdviz.scenes import IterativeLoop


class IterativeLoopZh(IterativeLoop):
    """The Chinese version."""

    lang = "zh"
