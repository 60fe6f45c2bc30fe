"""gdviz: turn gradient descent into pictures people can learn from.

    >>> import gdviz as gd
    >>> s = gd.surface("rosenbrock")
    >>> traj = gd.run(gd.optimizer("adam", lr=0.05), s, start=[-1.5, 2.0], steps=600)
    >>> traj.params.shape[1], traj.status in ("converged", "max_steps")
    (2, True)

The core (surfaces, optimizers, engine, trajectories, analysis) needs only numpy (and sympy for
typed expressions, imported on first use); renderers import matplotlib or manim when used.
"""
__version__ = "0.1.0"

from . import analysis  # noqa: E402
from .analysis import regimes, restarts, sweep  # noqa: E402
from .engine import run  # noqa: E402
from .errors import UserInputError  # noqa: E402
from .maps import basins, map  # noqa: E402
from .optim import OPTIMIZERS, SCHEDULES, Optimizer, custom, optimizer, schedule  # noqa: E402
from .races import race, tune_rate  # noqa: E402
from .surfaces import SURFACES, Surface, surface  # noqa: E402
from .trajectory import Trajectory  # noqa: E402

load = Trajectory.load


def __getattr__(name):
    """Renderers load on first use, so ``import gdviz`` stays light: ``gd.figure``,
    ``gd.animate``, ``gd.save``, ``gd.show`` and ``gd.explore`` (notebooks), ``gd.build`` (galleries),
    ``gd.render``, ``gd.lessons``, ``gd.trainability`` (maps), ``gd.mlp``, ``gd.dataset``,
    ``gd.landscape``, ``gd.interpolate`` and ``gd.train`` (loss landscapes of networks)."""
    import importlib

    if name in ("figure", "animate", "save"):
        return getattr(importlib.import_module(".render", __name__), name)
    if name in ("show", "explore"):
        return getattr(importlib.import_module(".notebook", __name__), name)
    if name == "build":
        return importlib.import_module(".gallery", __name__).build
    if name == "trainability":   # numpy until a map is computed (then numba)
        return importlib.import_module(".maps.network", __name__).trainability
    if name in ("landscape", "interpolate"):
        return getattr(importlib.import_module(".landscapes.grid", __name__), name)
    if name == "train":
        return importlib.import_module(".landscapes.train", __name__).train
    if name == "mlp":
        return importlib.import_module(".landscapes.mlp", __name__).MLP
    if name == "dataset":
        return importlib.import_module(".landscapes.datasets", __name__).dataset
    if name in ("render", "lessons", "style"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'gdviz' has no attribute '{name}'")

__all__ = ["surface", "optimizer", "schedule", "custom", "run", "load", "regimes", "sweep",
           "restarts", "race", "tune_rate", "map", "basins", "analysis", "Surface", "Optimizer", "Trajectory",
           "UserInputError",
           "SURFACES", "OPTIMIZERS", "SCHEDULES", "figure", "animate", "save", "show", "explore", "build",
           "trainability", "mlp", "dataset", "landscape", "interpolate", "train", "__version__"]
