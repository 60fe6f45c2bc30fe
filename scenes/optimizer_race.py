"""manim -ql scenes/optimizer_race.py OptimizerRace   (or: gdviz video optimizer-race)"""
from gdviz.scenes import OptimizerRace


class OptimizerRaceZh(OptimizerRace):
    """The Chinese version."""

    lang = "zh"
