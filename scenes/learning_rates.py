"""manim -ql scenes/learning_rates.py LearningRates   (or: gdviz video learning-rates)"""
from gdviz.scenes import LearningRates


class LearningRatesZh(LearningRates):
    """The Chinese version."""

    lang = "zh"
