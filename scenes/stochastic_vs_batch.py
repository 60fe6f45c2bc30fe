"""manim -ql scenes/stochastic_vs_batch.py StochasticVsBatch   (or: gdviz video stochastic-vs-batch)"""
from gdviz.scenes import StochasticVsBatch


class StochasticVsBatchZh(StochasticVsBatch):
    """The Chinese version."""

    lang = "zh"
