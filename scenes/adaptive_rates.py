"""manim -ql scenes/adaptive_rates.py AdaptiveRates   (or: gdviz video adaptive-rates)"""
from gdviz.scenes import AdaptiveRates


class AdaptiveRatesZh(AdaptiveRates):
    """The Chinese version."""

    lang = "zh"
