"""Why a run stopped: the reason beside its status, so that no picture calls a saddle "converged".

A run converges where its gradient norm falls below ``tol``: at a minimum, but also at a saddle
point (started on the ridge, or Newton's method heading for it), on a plateau, or in a local
minimum above the lowest one known. The Hessian's eigenvalues at the stop (gdviz.arith: the same
bits everywhere) and the loss there tell them apart:

- "minimum": the loss is at the level of the lowest known minimum (the gap left is at most 1e-4
  of the drop from the start), or, on a surface with no known minima, the Hessian is positive
  definite there;
- "local minimum": the Hessian is positive definite (or the stop is a kink no nearby point
  undercuts) but the loss is above the lowest known minimum;
- "saddle point": the Hessian has a negative eigenvalue (and a positive one), or the loss still
  falls a step of PROBE window spans further downhill (each coordinate against its gradient's
  sign): a 1-D inflection where the slope vanishes, f'' small but positive at the stop;
- "maximum": every eigenvalue is negative;
- "plateau": no eigenvalue is clearly negative or positive (|lambda| <= 1e-8 of the largest, or
  all 0) and the loss is above the lowest known minimum: flat ground, not a minimum.

A diverged run says what went wrong: "too far" (past ``max_distance``), "loss too large" (past
MAX_LOSS), "not finite" (the point, its loss or its gradient), "kink" (a point where the gradient
is not defined and the loss falls nearby). A run that is still going (max_steps) has "".

    >>> t = gd.run(gd.optimizer("gd", lr=0.1), "saddle", start=[0.0, 1.0], steps=500)
    >>> t.status, t.reason
    ('converged', 'saddle point')
"""
from __future__ import annotations

import numpy as np

from . import arith

CONVERGED = ("minimum", "local minimum", "saddle point", "maximum", "plateau")
DIVERGED = ("too far", "loss too large", "not finite", "kink")
REASONS = CONVERGED + DIVERGED + ("",)
FLAT = 1e-8        # an eigenvalue within this share of the largest |eigenvalue| counts as 0
LEVEL = 1e-4       # a loss within this share of the start's drop of the lowest minimum is at its level
PROBE = 1e-3       # how far past a stop the loss is looked at, in window spans (engine.KINK_RADII's largest)


def lowest_minimum(surface) -> float | None:
    """The loss at the lowest known minimum of ``surface``, or None when none is known."""
    if not surface.minima.size:
        return None
    with np.errstate(all="ignore"):
        values = surface.value(surface.minima)
    values = values[np.isfinite(values)]
    return float(values.min()) if values.size else None


def at_convergence(surface, points, losses, start_losses) -> np.ndarray:
    """The reason for each converged point of ``points`` (N, d): see the module docstring.
    ``losses`` and ``start_losses`` (N,) are the loss there and at the run's start."""
    points = np.asarray(points, float).reshape(-1, surface.dim)
    losses, start_losses = np.asarray(losses, float).ravel(), np.asarray(start_losses, float).ravel()
    lowest = lowest_minimum(surface)
    try:
        with np.errstate(all="ignore"):
            ev = arith.eigh(surface.hessian(points))
    except NotImplementedError:      # a surface without a Hessian: its stops are just "converged"
        return np.full(len(points), "", dtype=object)
    span = float((surface.bounds[:, 1] - surface.bounds[:, 0]).max())
    with np.errstate(all="ignore"):
        further = surface.value(points - PROBE * span * np.sign(surface.grad(points))) < losses
    out = np.empty(len(points), dtype=object)
    for i, (lam, loss, start) in enumerate(zip(ev, losses, start_losses)):
        level = lowest is not None and loss - lowest <= LEVEL * max(start - lowest, 0.0) + 1e-12 * (1 + abs(lowest))
        tiny = FLAT * float(np.max(np.abs(lam))) if np.isfinite(lam).all() else np.nan
        if not np.isfinite(lam).all():          # a kink the engine found no nearby point below
            out[i] = "minimum" if lowest is None or level else "local minimum"
        elif lam.min() > tiny and not level and further[i]:
            out[i] = "saddle point"             # an inflection: downhill goes on past the stop
        elif lam.min() > tiny:
            out[i] = "minimum" if lowest is None or level else "local minimum"
        elif level:
            out[i] = "minimum"                  # the floor of a valley of minima is flat along it
        elif lam.max() < -tiny:
            out[i] = "maximum"
        elif lam.min() < -tiny:
            out[i] = "saddle point"
        else:
            out[i] = "plateau"
    return out
