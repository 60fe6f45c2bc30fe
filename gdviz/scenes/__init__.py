"""The course's manim scenes, built from :mod:`gdviz.mobjects` (imported only when manim is used).

``SCENES`` maps each ``gdviz video`` name to its class; ``variant(cls, lang=..., time_scale=...)``
makes a subclass with other class attributes, the way variants are made.
"""
from __future__ import annotations

from .adaptive_rates import AdaptiveRates
from .base import GdvizScene
from .contour_descent import ContourDescent
from .inside_adaptive import InsideAdaptive
from .inside_momentum import InsideMomentum
from .iterative_loop import IterativeLoop
from .landscape_flyover import LandscapeFlyover
from .learning_rates import LearningRates
from .local_minima import LocalMinima
from .momentum_beta import MomentumBeta
from .optimizer_race import OptimizerRace
from .stochastic_vs_batch import StochasticVsBatch

SCENES = {"learning-rates": LearningRates, "contour-descent": ContourDescent,
          "optimizer-race": OptimizerRace, "stochastic-vs-batch": StochasticVsBatch,
          "local-minima": LocalMinima, "adaptive-rates": AdaptiveRates, "iterative-loop": IterativeLoop,
          "inside-momentum": InsideMomentum, "inside-adaptive": InsideAdaptive,
          "momentum-beta": MomentumBeta, "landscape-flyover": LandscapeFlyover}


def variant(cls, **attributes):
    """A subclass of ``cls`` with other class attributes, e.g. ``variant(LearningRates, lang="zh")``."""
    suffix = "".join(f"{k.title().replace('_', '')}{v}" for k, v in attributes.items())
    return type(f"{cls.__name__}{suffix}".replace(".", "_"), (cls,), dict(attributes))


__all__ = ["SCENES", "GdvizScene", "variant", *[c.__name__ for c in SCENES.values()]]
