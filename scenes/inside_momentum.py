"""manim -ql scenes/inside_momentum.py InsideMomentum   (or: gdviz video inside-momentum)"""
from gdviz.scenes import InsideMomentum


class InsideMomentumZh(InsideMomentum):
    """The Chinese version."""

    lang = "zh"
