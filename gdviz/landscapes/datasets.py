"""The data sets the native MLP trains on: seeded, numpy only.

    >>> X, y = gd.dataset("moons", seed=0)
    >>> X.shape, y.shape, np.bincount(y).tolist()
    ((200, 2), (200,), [100, 100])

"regression": the course's 1-D regression data (:func:`gdviz.surfaces.data.synthetic_regression`,
the very set the linear-regression lessons fit) as X (n, 1), y (n,) float. "moons": two
interleaving half circles, "spirals": two interleaved spiral arms; X (n, 2), y int {0, 1}, half
of the points in each class (class 1 gets the extra point when n is odd).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import UserInputError, positive_number, unknown_name
from ..surfaces.data import MAX_DATA_POINTS, synthetic_regression, whole_number


def regression(n=100, noise=2.0, seed=0):
    """The course's regression data (:func:`~gdviz.surfaces.data.synthetic_regression`: a line plus
    N(0, noise^2)) as X (n, 1), y (n,)."""
    x, y = synthetic_regression(n=n, seed=seed, noise=noise)
    return x[:, None], y


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles (as scikit-learn's make_moons): class 0 on
    (cos t, sin t), class 1 on (1 - cos t, 1/2 - sin t), t evenly spaced in [0, pi], plus
    N(0, noise^2) on each coordinate."""
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n - n0)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1),
                        np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], 1)])
    y = np.repeat([0, 1], [n0, n - n0])
    return X + rng.normal(0.0, noise, X.shape), y


SPIRAL_TURNS = 1.5   # turns of each arm (from radius 0 to 1)
SPIRAL_START = 0.1   # the radius each arm starts at (the centre stays readable)


def spirals(n=300, noise=0.05, seed=0):
    """Two interleaved spiral arms: radius r = t and angle 2 pi TURNS t + pi k for class k,
    t evenly spaced in [START, 1], plus N(0, noise^2) on each coordinate (arms 1/(2 TURNS) apart)."""
    rng = np.random.default_rng(seed)
    n0 = n // 2
    arms = []
    for k, m in ((0, n0), (1, n - n0)):
        t = np.linspace(SPIRAL_START, 1.0, m)
        angle = 2 * np.pi * SPIRAL_TURNS * t + np.pi * k
        arms.append(np.stack([t * np.cos(angle), t * np.sin(angle)], 1))
    y = np.repeat([0, 1], [n0, n - n0])
    X = np.concatenate(arms)
    return X + rng.normal(0.0, noise, X.shape), y


@dataclass(frozen=True)
class Dataset:
    """A registry entry: ``make(n, noise, seed) -> (X, y)`` (its defaults are the defaults) and
    figure titles."""
    make: Callable
    title: dict


DATASETS = {
    "regression": Dataset(regression, {"en": "Regression data", "zh": "回归数据"}),
    "moons": Dataset(moons, {"en": "Two moons", "zh": "双月数据"}),
    "spirals": Dataset(spirals, {"en": "Two spirals", "zh": "双螺旋数据"}),
}


def dataset(name, n=None, noise=None, seed=0):
    """``(X, y)`` of the data set ``name`` (see DATASETS): ``n`` points (None: its default),
    Gaussian ``noise`` of that standard deviation (None: its default), from ``seed``.

        >>> X, y = gd.dataset("regression")
        >>> X.shape, y.dtype
        ((100, 1), dtype('float64'))
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise unknown_name("data set", name, DATASETS)
    kwargs = {"seed": whole_number("seed", seed, 0, floats=False)}
    if n is not None:
        kwargs["n"] = whole_number("n", n, 2, MAX_DATA_POINTS, f"{MAX_DATA_POINTS:,} (MAX_DATA_POINTS)")
    if noise is not None:
        if np.ndim(noise) != 0:
            raise UserInputError(f"noise must be one number (a standard deviation), got {type(noise).__name__}")
        kwargs["noise"] = positive_number("noise", noise, allow_zero=True)
    return DATASETS[name].make(**kwargs)
