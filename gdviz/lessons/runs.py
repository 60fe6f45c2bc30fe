"""`Runs`: the trajectories behind one teaching picture and the claims that picture makes."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import UserInputError
from ..surfaces import Surface


@dataclass(frozen=True)
class Runs:
    """Trajectories for one picture, and what the picture claims about them.

    surface : the surface they ran on (for feature scaling: the first of two, see ``surfaces``).
    trajectories : one per series.
    series : a key per trajectory, e.g. "adam", "too small", "batch 10".
    rates : the learning rate of each trajectory (or None).
    surfaces : one surface per trajectory when they differ (feature scaling), else empty.
    info : numbers the picture prints (curvature L, condition numbers, ...).
    claims : the :class:`gdviz.claims.Claim` list the picture makes, checked on these runs.
    lesson : the name of the lesson that made them.
    """

    surface: Surface | None
    trajectories: list
    series: list[str]
    rates: list | None = None
    surfaces: list = field(default_factory=list)
    info: dict = field(default_factory=dict)
    claims: list = field(default_factory=list)
    lesson: str = ""

    def surface_of(self, i: int) -> Surface:
        return self.surfaces[i] if self.surfaces else self.surface

    def of(self, key: str):
        """The trajectory of series ``key`` (None when absent)."""
        return self.trajectories[self.series.index(key)] if key in self.series else None


def per_series(name, values, n):
    """One value per series: a single value is repeated; a wrong count is a clear error."""
    values = list(np.atleast_1d(values)) if not isinstance(values, list) else values
    if len(values) == 1 and n > 1:
        values = values * n
    if len(values) != n:
        raise UserInputError(f"give one {name} per series ({n}), got {len(values)}")
    return [None if v is None else float(v) for v in values]


def one_point(start):
    if start is not None and np.ndim(start) > 1:
        raise UserInputError("start must be one point here, e.g. [-1.5, 2.0]")
    return start


def with_claims(runs: Runs, claims) -> Runs:
    """The same runs with their claims attached."""
    from dataclasses import replace

    return replace(runs, claims=list(claims))
