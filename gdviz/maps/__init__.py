"""Maps (issue 18). STAND-IN on branch i18-network for the lead's package, written against the
contract in the task notes: replaced by main's gdviz/maps/__init__.py on merge."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STATUSES = ("converged", "diverged", "max_steps")


@dataclass(frozen=True)
class Map:
    values: np.ndarray
    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    xname: str
    yname: str
    xscale: str = "linear"
    yscale: str = "linear"
    measure: str = "steps"
    method: str = "simulate"
    steps: int = 0
    tol: float | None = None
    optimizer: str = ""
    surface: str = ""
    hyperparams: dict = field(default_factory=dict)
    final: np.ndarray | None = None

    @property
    def status(self) -> np.ndarray:
        return np.asarray(STATUSES)[self.codes]

    @property
    def converged_share(self) -> float:
        return float(np.mean(self.codes == STATUSES.index("converged")))
