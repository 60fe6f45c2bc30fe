"""The exact convergence rate of gradient descent and momentum on a quadratic, per pixel.

On f(x) = x^T H x / 2 each eigen-direction of H (curvature lambda) evolves by a fixed linear map;
its rate is the largest |eigenvalue| of that map, and the pixel's rate is the worst over the
curvatures (distill.pub's "Why Momentum Really Works" computes the same per pixel):

- gradient descent:  |1 - alpha lambda|
- heavy ball (torch's momentum, buf <- beta buf + g, x <- x - alpha buf), on (buf, x):
  [[beta, lambda], [-alpha beta, 1 - alpha lambda]]; it converges iff 0 < alpha < 2 (1 + beta) / lambda
- Nesterov (x <- x - alpha (g + beta buf)): [[beta, lambda], [-alpha beta^2, 1 - alpha lambda (1 + beta)]]

weight_decay w adds w to every curvature. A 2x2 matrix with trace T and determinant D has the
eigenvalues (T +- sqrt(T^2 - 4 D)) / 2, of modulus sqrt(D) when complex.

    >>> rate("momentum", 0.5, 0.25, [1.0])   # alpha lambda = 0.5, beta = 0.25: T = 0.75, D = 0.25
    0.5
"""
from __future__ import annotations

import numpy as np

from ..arith import eigh
from ..errors import UserInputError
from ..optim import optimizer as make_optimizer
from .result import CONVERGED, DIVERGED, MAX_STEPS, Map

THEORY = ("gd", "momentum", "nesterov")


def rate(optimizer: str, lr, momentum, curvatures, nesterov: bool | None = None):
    """The rate per step (broadcast over lr, momentum and each curvature): max over
    ``curvatures`` of the largest |eigenvalue| of the iteration matrix."""
    nesterov = optimizer == "nesterov" if nesterov is None else nesterov
    return np.max(np.broadcast_arrays(*(_one(lr, momentum, lam, nesterov) for lam in curvatures)), axis=0)


def _one(lr, beta, lam, nesterov: bool):
    """The largest |eigenvalue| for one curvature ``lam`` (arrays broadcast)."""
    lr, beta, a = np.asarray(lr, float), np.asarray(beta, float), np.asarray(lr, float) * lam
    T, D = (beta + 1 - a * (1 + beta), beta * (1 - a)) if nesterov else (beta + 1 - a, beta + 0 * a)
    disc = T * T - 4 * D
    root = np.sqrt(np.maximum(disc, 0.0))
    r = np.where(disc >= 0, np.maximum(np.abs(T + root), np.abs(T - root)) / 2, np.sqrt(np.maximum(D, 0.0)))
    return np.where(beta == 0, np.abs(1 - a), r)   # plain gradient descent, exactly


def curvatures(s) -> np.ndarray:
    """The Hessian's eigenvalues of a quadratic surface (the same Hessian at every point
    tried), else a one-line error."""
    lo, hi = s.bounds[:, 0], s.bounds[:, 1]
    points = np.array([s.start, lo, hi, (lo + hi) / 2, lo + 0.3 * (hi - lo)])
    H = s.hessian(points)
    if not np.isfinite(H).all() or not np.allclose(H, H[0], rtol=1e-12, atol=1e-12):
        raise UserInputError(f"method='theory' needs a quadratic surface (the same Hessian everywhere); "
                             f"'{s.spec()['name']}' is not: use method='simulate'")
    return eigh(H[0])


def theory_map(name, s, x, y, **hyperparameters) -> Map:
    """The theory map (see the module docstring): values = rate; converged where rate < 1,
    diverged where rate > 1 (max_steps where it is exactly 1)."""
    if name not in THEORY:
        raise UserInputError(f"method='theory' covers {', '.join(THEORY)} (a linear iteration), not {name}: "
                             "use method='simulate'")
    (xname, xs), (yname, ys) = x, y
    for axis in (xname, yname):
        if axis in s.variables:
            raise UserInputError(f"the theory's rate does not depend on the start ({axis}): "
                                 "its axes are hyperparameters (lr, momentum, weight_decay)")
        if axis not in ("lr", "momentum", "weight_decay"):
            raise UserInputError(f"method='theory' maps lr, momentum and weight_decay, not {axis}")
    grid = {xname: xs[None, :], yname: ys[:, None]}
    opt = make_optimizer(name, **hyperparameters)   # checks the fixed ones
    for axis, values in ((xname, xs), (yname, ys)):
        make_optimizer(name, **{**hyperparameters, axis: values})
    hp = opt.hyperparams
    if hp.get("dampening", 0) or "line_search" in hp:
        raise UserInputError("method='theory' covers dampening = 0 without line search")
    if not isinstance(hp.get("lr"), (int, float)) and "lr" not in grid:
        raise UserInputError("method='theory' needs a constant learning rate")
    lr = grid.get("lr", hp.get("lr"))
    beta = grid.get("momentum", hp.get("momentum", 0.0))
    decay = grid.get("weight_decay", hp.get("weight_decay", 0.0))
    shape = (len(ys), len(xs))
    worst = rate(name, lr, beta, [lam + decay for lam in curvatures(s)], bool(hp.get("nesterov")))
    values = np.broadcast_to(worst, shape).copy()
    codes = np.select([values < 1, values > 1], [CONVERGED, DIVERGED], MAX_STEPS).astype(np.uint8)
    from .simulate import _scale

    fixed = {k: v for k, v in hp.items() if k not in (xname, yname)}
    return Map(values, codes, xs, ys, xname, yname, "rate", "theory", name, s.spec()["name"], fixed,
               tuple(s.start.tolist()), None, None, None, _scale(xs), _scale(ys))
