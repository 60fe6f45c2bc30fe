"""What a map returns: :class:`Map` (a value and a status per pixel) and :class:`Basins`."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STATUSES = ("converged", "diverged", "max_steps")   # Map.codes index this tuple, as gd.run's status
CONVERGED, DIVERGED, MAX_STEPS = range(3)
MEASURES = {
    "steps": "steps until |gradient| < tol (NaN where the run did not converge)",
    "loss": "the final loss (the last finite one where the run diverged)",
    "rate": "the per-step factor of the gradient norm, (|g_stop| / |g_0|)^(1/stop) (inf where diverged)",
    "trainability": "Sohl-Dickstein's measure on the loss ratios v_t = L_t / L_0 (clipped to 1e6): "
                    "-sum(v) where the mean of the last 20 is below 1 (trains), else sum(1/v)",
}


@dataclass(frozen=True, eq=False)
class Map:
    """A map over two axes: one run (or one closed-form rate) per pixel.

    values : (ny, nx) the measure (see ``MEASURES``) or, for ``method="theory"``, the rate.
    codes : (ny, nx) uint8 index into ``STATUSES``; ``status`` gives the strings.
    x, y : the axis values (pixel (i, j) ran with y[i], x[j]); xname, yname: what they set
        (a hyperparameter, or a start coordinate such as "x"); xscale, yscale: "log" or "linear".
    measure, method : what was measured, "simulate" or "theory".
    optimizer, surface : their names; hyperparams: the fixed hyperparameters; start: the fixed start.
    steps, tol : the run's budget and tolerance (None for theory).
    final : (ny, nx, d) the final parameters when asked for (``keep_final=True``; basins), else None.
    """

    values: np.ndarray
    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    xname: str
    yname: str
    measure: str
    method: str
    optimizer: str
    surface: str
    hyperparams: dict = field(default_factory=dict)
    start: tuple = ()
    steps: int | None = None
    tol: float | None = None
    final: np.ndarray | None = None
    xscale: str = "linear"
    yscale: str = "linear"

    @property
    def status(self) -> np.ndarray:
        """(ny, nx) "converged" | "diverged" | "max_steps"."""
        return np.array(STATUSES)[self.codes]

    @property
    def converges(self) -> np.ndarray:
        """(ny, nx) bool: the run converged, or (still running) its gradient shrank per step
        (rate < 1); for a theory map, rate < 1."""
        if self.method == "theory":
            return self.values < 1
        shrinking = self.codes == MAX_STEPS
        if self.measure == "rate":
            shrinking &= self.values < 1
        return (self.codes == CONVERGED) | shrinking

    @property
    def converged_share(self) -> float:
        """The share of pixels whose run converged."""
        return float(np.mean(self.codes == CONVERGED))

    def at(self, x, y) -> tuple[int, int]:
        """The pixel (i, j) whose axis values are nearest to (x, y) (on a log axis, in log)."""
        def nearest(axis, v, scale):
            return int(np.argmin(np.abs(np.log(axis) - np.log(v)) if scale == "log" else np.abs(axis - v)))

        return nearest(self.y, y, self.yscale), nearest(self.x, x, self.xscale)

    def __repr__(self) -> str:
        ny, nx = self.values.shape
        return (f"Map({self.measure!r} of {self.optimizer} on {self.surface}, {self.xname} x {self.yname}, "
                f"{nx} x {ny}, {self.method}; converged {self.converged_share:.1%})")


@dataclass(frozen=True, eq=False)
class Basins:
    """Which known minimum each start reaches.

    labels : (ny, nx) index into ``minima`` (k, d) of the minimum the run ended near (within the
        radius, not diverged); -1 where it diverged or ended away from every known minimum.
    x, y : the start coordinates (start (x[j], y[i]) for pixel (i, j)).
    share : (k,) the share of starts that reached each minimum (minima[0] is the global one).
    map : the underlying :class:`Map` (measure "loss", with the final points).
    """

    labels: np.ndarray
    minima: np.ndarray
    x: np.ndarray
    y: np.ndarray
    share: np.ndarray
    map: Map

    @property
    def global_share(self) -> float:
        """The share of starts that reached the global minimum: what random restarts buy."""
        return float(self.share[0]) if len(self.share) else 0.0

    @property
    def none_share(self) -> float:
        """The share of starts that reached no known minimum."""
        return float(np.mean(self.labels < 0))

    def __repr__(self) -> str:
        ny, nx = self.labels.shape
        return (f"Basins({self.map.surface}, {self.map.optimizer}, {nx} x {ny} starts, {len(self.minima)} minima; "
                f"global {self.global_share:.1%}, none {self.none_share:.1%})")
