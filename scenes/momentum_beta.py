"""manim -ql scenes/momentum_beta.py MomentumBeta   (or: gdviz video momentum-beta)"""
from gdviz.scenes import MomentumBeta


class MomentumBetaZh(MomentumBeta):
    """The Chinese version."""

    lang = "zh"
