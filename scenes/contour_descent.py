"""manim -ql scenes/contour_descent.py ContourDescent   (or: gdviz video contour-descent)"""
from gdviz.scenes import ContourDescent


class ContourDescentZh(ContourDescent):
    """The Chinese version."""

    lang = "zh"
