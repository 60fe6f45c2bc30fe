"""Reusable manim mobjects that read gdviz Trajectories (imported only when manim is used).

    >>> from gdviz.mobjects import LossCurve, DescendingBall, ContourField, TrajectoryPath
"""
from .chart import Chart, nice_ticks, ticks
from .common import colour, font, formula, formula_engine, text
from .curve import DescendingBall, LossCurve
from .field import ContourField, TrajectoryPath, contour_bands
from .glyphs import Readout, number_text, readable
from .internals import AccumulatorSquare, TraceLine, VelocityArrow
from .panel import OptimizerLegend, RatePanel, UpdateRule

__all__ = ["Chart", "LossCurve", "DescendingBall", "ContourField", "TrajectoryPath", "RatePanel",
           "OptimizerLegend", "UpdateRule", "colour", "font", "formula", "formula_engine", "text",
           "contour_bands", "Readout", "readable", "number_text", "nice_ticks", "ticks", "VelocityArrow",
           "AccumulatorSquare", "TraceLine"]
