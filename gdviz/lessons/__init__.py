"""The runs behind each teaching picture, and the claims each picture makes about them.

Each builder runs the engine and returns a :class:`Runs`: the surface, the trajectories, one
series key per trajectory (an optimizer name, a regime, a batch size...), a few numbers the
picture shows, and its claims (:class:`gdviz.claims.Claim`), checked on those very runs.
Renderers (matplotlib figures, GIFs, manim scenes) only read these.

    >>> runs = lr_triptych("parabola")
    >>> runs.series, [t.n_steps for t in runs.trajectories]
    (['too small', 'goldilocks', 'too large'], [50, 1, 152])
    >>> all(c.holds for c in runs.claims)
    True
"""
from __future__ import annotations

import inspect

from ..errors import unknown_name
from .adagrad import adagrad_steps
from .beta import momentum_beta
from .course import cross_entropy_classes, feature_ranges, feed_forward, stuck
from .data import batch_sizes, cross_entropy, feature_scaling, fit_line, loss_functions, sgd_epoch
from .gradient import adagrad_intuition, error_surface, gradient_step, gradient_vector, taylor
from .inside import adaptive_insides, internals, one_step, rolling
from .landscape import landscape_hessian, landscape_interpolation, landscape_paths, landscape_random
from .listing import momentum_code
from .maps import basin_maps, momentum_map
from .paths import RACE_DEFAULT, adaptive, momentum, race, race_runs, round_vs_elongated, saddle, single
from .rates import COURSE_RATES, lr_curves, lr_decay, lr_exercise, lr_triptych, playground, sweep
from .runs import Runs
from .starts import convex_vs_nonconvex, restarts, surfaces_3d
from .trainability import trainability, trainability_zoom

BUILDERS = {
    "single": single, "race": race, "momentum": momentum, "adaptive": adaptive, "saddle": saddle,
    "lr-triptych": lr_triptych, "lr-curves": lr_curves, "lr-exercise": lr_exercise, "sweep": sweep,
    "lr-decay": lr_decay, "playground": playground,
    "restarts": restarts, "convex-vs-nonconvex": convex_vs_nonconvex, "surfaces-3d": surfaces_3d,
    "batch-sizes": batch_sizes, "sgd-epoch": sgd_epoch, "feature-scaling": feature_scaling,
    "loss-functions": loss_functions, "fit-line": fit_line, "cross-entropy": cross_entropy,
    "gradient-step": gradient_step, "gradient-vector": gradient_vector, "taylor": taylor,
    "adagrad-intuition": adagrad_intuition, "error-surface": error_surface,
    "internals": internals, "one-step": one_step, "rolling": rolling, "adaptive-insides": adaptive_insides,
    "feature-ranges": feature_ranges, "plateau-saddle": stuck, "cross-entropy-classes": cross_entropy_classes,
    "feed-forward": feed_forward,
    "momentum-beta": momentum_beta, "sgd-momentum-code": momentum_code, "adagrad-steps": adagrad_steps,
    "momentum-map": momentum_map, "basins": basin_maps,
    "trainability": trainability, "trainability-zoom": trainability_zoom,
    "landscape-random": landscape_random, "landscape-paths": landscape_paths,
    "landscape-interpolation": landscape_interpolation, "landscape-hessian": landscape_hessian,
}


def build(name: str, **options) -> Runs:
    """Run the lesson ``name`` with keyword ``options`` (checked against the builder's)."""
    if name not in BUILDERS:
        raise unknown_name("lesson", name, BUILDERS)
    takes = inspect.signature(BUILDERS[name]).parameters
    for key in options:
        if key not in takes:
            raise unknown_name(f"option for '{name}'", key, takes)
    return BUILDERS[name](**options)


__all__ = ["Runs", "BUILDERS", "build", "race_runs", "RACE_DEFAULT", "COURSE_RATES", "round_vs_elongated",
           *[f.__name__ for f in BUILDERS.values()]]
