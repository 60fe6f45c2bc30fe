"""Reusable manim mobjects that read gdviz Trajectories (imported only when manim is used).

    >>> from gdviz.mobjects import LossCurve, DescendingBall, ContourField, TrajectoryPath
"""
from .chart import Chart
from .common import colour, font, formula, formula_engine, text
from .curve import DescendingBall, LossCurve
from .field import ContourField, TrajectoryPath, contour_bands
from .panel import OptimizerLegend, RatePanel, UpdateRule

__all__ = ["Chart", "LossCurve", "DescendingBall", "ContourField", "TrajectoryPath", "RatePanel",
           "OptimizerLegend", "UpdateRule", "colour", "font", "formula", "formula_engine", "text",
           "contour_bands"]
