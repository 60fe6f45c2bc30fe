"""The plane of a landscape: two directions through a model's parameter space, as flat (P,) vectors.

- :func:`random_directions`: filter-normalized Gaussian directions (Li et al. 2018,
  loss-landscape's ``normalize_directions_for_weights``): for each filter ``f`` (a slice along
  axis 0) of a weight, ``d_f <- d_f |w_f| / |d_f|``; bias and norm parameters zeroed
  (``ignore="biasbn"``) or copied from the weights (``ignore=None``).
- :func:`pca_directions`: the first two principal components of one or more training paths'
  points (jointly: one plane for several optimizers), unit length, with the share of variance.
- :func:`hessian_directions`: the two eigenvectors of the Hessian at the center with the largest
  |eigenvalue| (power iteration on Hessian-vector products, with deflation, as PyHessian does).
- :func:`endpoint_directions`: the plane through a common start and two end points,
  orthonormal (so distances and angles on the picture are true ones).
- :func:`fixed_directions`: the user's, checked.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..errors import UserInputError

IGNORES = ("biasbn", None)
HESSIAN_TOL = 1e-6        # power iteration stops when |H v - lambda v| <= tol |lambda| ...
HESSIAN_MAX_ITER = 1000   # ... or after this many Hessian-vector products per eigenvector


def random_directions(model, weights, *, seed=0, ignore="biasbn", count=2) -> list[np.ndarray]:
    """``count`` filter-normalized random directions (flat), drawn from
    ``numpy.random.default_rng(seed)``: direction 1's parameters in order, then direction 2's.

    weights : (P,) the weights the filters are normalized to (the landscape's center).
    ignore : "biasbn" zeroes the "bias" and "norm" parameters; None copies them from ``weights``.
    """
    check_ignore(ignore)
    rng = np.random.default_rng(seed)
    ws = model.unflatten(weights)
    out = []
    for _ in range(count):
        parts = []
        for w, kind in zip(ws, model.kinds):
            d = rng.standard_normal(w.shape)      # drawn for every parameter, so ignore= moves no draw
            if kind != "weight":
                d = np.zeros(w.shape) if ignore == "biasbn" else w.copy()
            else:
                d = _filter_normalized(d, w)
            parts.append(d.ravel())
        out.append(np.concatenate(parts) if parts else np.zeros(0))
    return out


def check_ignore(ignore):
    """``ignore`` checked: one of IGNORES."""
    if ignore not in IGNORES:
        raise UserInputError(f"ignore must be 'biasbn' (zero bias and norm parameters) or None (copy them "
                             f"from the weights), got {ignore!r}")


def _filter_normalized(d, w):
    """``d`` with each filter (slice along axis 0) scaled to the norm of ``w``'s same filter."""
    if d.ndim == 0:
        return np.abs(w) * np.sign(d)
    rows_d, rows_w = d.reshape(d.shape[0], -1), w.reshape(w.shape[0], -1)
    nd = np.sqrt((rows_d * rows_d).sum(axis=1))
    nw = np.sqrt((rows_w * rows_w).sum(axis=1))
    scale = np.divide(nw, nd, out=np.zeros_like(nw), where=nd > 0)
    return (rows_d * scale[:, None]).reshape(d.shape)


def path_points(model, paths) -> list[np.ndarray]:
    """The (n_k + 1, P) parameter rows of each path (a Trajectory, a batch's members, or a list)."""
    from ..trajectory import Trajectory

    if isinstance(paths, Trajectory):
        paths = [paths]
    if not isinstance(paths, (list, tuple)) or not paths:
        raise UserInputError("path must be a Trajectory (from gd.train) or a list of them")
    out = []
    for k, p in enumerate(paths):
        if not isinstance(p, Trajectory):
            raise UserInputError(f"path {k + 1} must be a Trajectory (from gd.train), got {type(p).__name__}")
        for m in p.members():
            if m.params.shape[-1] != model.dim:
                raise UserInputError(f"path {k + 1} has {m.params.shape[-1]} parameters per point, the model "
                                     f"{model.dim}: train it on the same model (gd.train)")
            out.append(np.asarray(m.params, dtype=float))
    return out


def pca_directions(model, paths, center):
    """(d1, d2, explained): the first two principal components of all the paths' points together
    (rows centred on their mean; numpy's SVD), unit length; ``explained[k] = s_k^2 / sum s^2``.

    Sign: each direction points so that the first path's start lies at a negative coordinate
    (``(start - center) . d < 0``), so the same paths always give the same picture.
    """
    rows = path_points(model, paths)
    points = np.concatenate(rows)
    if len(points) < 3 or model.dim < 2:
        raise UserInputError(f"PCA directions need at least 3 points on the paths and a model with 2 or more "
                             f"parameters, got {len(points)} points and {model.dim} parameters: train for more steps")
    centred = points - points.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    total = float((s * s).sum())
    if not total > 0:
        raise UserInputError("PCA directions need a path that moves: every point of the paths is the same")
    start = rows[0][0] - center
    ds = [vt[k] if start @ vt[k] <= 0 else -vt[k] for k in range(2)]
    return ds, np.array([s[0] ** 2, s[1] ** 2]) / total


def hessian_directions(model, center, *, seed=0, tol=HESSIAN_TOL, max_iter=HESSIAN_MAX_ITER):
    """(d1, d2, eigenvalues, iterations): the two unit eigenvectors of the Hessian at ``center``
    with the largest |eigenvalue| (largest first), by power iteration ``v <- H v / |H v|`` from a
    seeded Gaussian start, each later vector kept orthogonal to the earlier ones (deflation);
    it stops when ``|H v - lambda v| <= tol |lambda|`` (``lambda = v . H v``), else after
    ``max_iter`` products, with a warning. The sign: the largest entry of each vector positive.
    """
    if model.dim < 2:
        raise UserInputError(f"Hessian directions need a model with 2 or more parameters, got {model.dim}")
    rng = np.random.default_rng(seed)
    found, values, iterations = [], [], []
    for k in range(2):
        v = _orthogonal(rng.standard_normal(model.dim), found)
        v /= np.linalg.norm(v)
        v, lam, count, residual = _power_iteration(model, center, v, found, max_iter, tol)
        if residual > tol * abs(lam):
            warnings.warn(f"Hessian direction {k + 1}: power iteration stopped after {max_iter} Hessian-vector "
                          f"products with relative residual {residual / max(abs(lam), 1e-300):.1e} (wanted "
                          f"{tol:g}): the eigenvalue {lam:g} and its direction are approximate", stacklevel=3)
        if not np.isfinite(v).all() or not np.isfinite(lam):
            raise UserInputError("Hessian directions: the Hessian-vector products at the center are not finite")
        v = v if v[np.argmax(np.abs(v))] > 0 else -v
        found.append(v)
        values.append(lam)
        iterations.append(count)
    return found, np.array(values), iterations


def _power_iteration(model, center, v, found, max_iter, tol):
    """(v, lambda, products, residual): ``v <- H v / |H v|`` (kept orthogonal to ``found``) until
    ``|H v - lambda v| <= tol |lambda|`` or ``max_iter`` products; stops at once where ``H v = 0``."""
    count, lam, residual = 0, 0.0, np.inf
    while count < max_iter:
        count += 1
        hv = _orthogonal(np.asarray(model.hvp(center, v), dtype=float), found)
        lam = float(v @ hv)
        residual = float(np.linalg.norm(hv - lam * v))
        size = float(np.linalg.norm(hv))
        if residual <= tol * abs(lam) or size == 0.0:
            break
        v = hv / size
    return v, lam, count, residual


def _orthogonal(v, basis):
    """``v`` minus its components along the unit vectors ``basis``."""
    for b in basis:
        v = v - (v @ b) * b
    return v


def endpoint_directions(model, paths):
    """(d1, d2, start): the orthonormal plane through the paths' common start and the end points of
    the first two: ``d1 = (end1 - start) / |end1 - start|`` and ``d2`` the unit part of
    ``end2 - start`` orthogonal to d1, pointing to end2. With the center at the start, end 1 lies at
    ``(|end1 - start|, 0)`` and end 2 at ``((end2 - start) . d1, |its part off d1|)``, above the x axis.
    """
    rows = path_points(model, paths)
    if len(rows) < 2:
        raise UserInputError("endpoints directions need path= a list of 2 or more Trajectories from one start "
                             f"(the plane through the start and two end points), got {len(rows)}")
    start = rows[0][0]
    for k, r in enumerate(rows[1:], 2):
        if not np.allclose(r[0], start, rtol=1e-12, atol=1e-12):
            raise UserInputError(f"endpoints directions need paths from one start: path {k} starts "
                                 f"{np.linalg.norm(r[0] - start):g} away from path 1's start")
    e1, e2 = rows[0][-1] - start, rows[1][-1] - start
    n1 = np.linalg.norm(e1)
    if not n1 > 0:
        raise UserInputError("endpoints directions: path 1 ends where it starts; train it for more steps")
    d1 = e1 / n1
    off = e2 - (e2 @ d1) * d1
    n2 = np.linalg.norm(off)
    if not n2 > 1e-12 * max(n1, np.linalg.norm(e2)):
        raise UserInputError("endpoints directions: the start and the two end points lie on one line, so they "
                             "span no plane; use directions='pca' or a third path")
    return [d1, off / n2], start.copy()


def fixed_directions(model, directions) -> list[np.ndarray]:
    """The user's one or two directions as flat vectors: each a flat (P,) vector or one array per
    parameter; a (k, P) array holds k of them. Refused: other shapes, not finite, zero length, parallel."""
    if isinstance(directions, np.ndarray) and directions.ndim == 2:
        directions = list(directions)
    elif isinstance(directions, np.ndarray) or _numbers(directions):
        directions = [directions]
    if not isinstance(directions, (list, tuple)) or not 1 <= len(directions) <= 2:
        raise UserInputError("directions must be 'random', 'pca', 'hessian', 'endpoints' or a list of one or two "
                             f"directions (each a flat vector of {model.dim} numbers or one array per parameter)")
    out = [_flat_direction(model, d, k) for k, d in enumerate(directions, 1)]
    if len(out) == 2:
        g11, g22, g12 = out[0] @ out[0], out[1] @ out[1], out[0] @ out[1]
        if g11 * g22 - g12 * g12 <= 1e-12 * g11 * g22:
            raise UserInputError("directions 1 and 2 are parallel, so they span no plane: give two "
                                 "independent directions")
    return out


def _numbers(d) -> bool:
    return isinstance(d, (list, tuple)) and len(d) > 0 and all(np.isscalar(x) for x in d)


def as_flat(model, d, what) -> np.ndarray:
    """``d`` (a flat (P,) vector or one array per parameter) as a finite flat (P,) vector;
    ``what`` names it in errors ("direction 1", "center")."""
    if isinstance(d, np.ndarray) or _numbers(d):
        try:
            flat = np.asarray(d, dtype=float)
        except (TypeError, ValueError):
            raise UserInputError(f"{what} must be numbers") from None
        if flat.shape != (model.dim,):
            raise UserInputError(f"{what} must be a flat vector of {model.dim} numbers or one array per "
                                 f"parameter ({', '.join(model.names)}), got an array of shape {flat.shape}")
    elif isinstance(d, (list, tuple)):
        try:
            flat = model.flatten(d)
        except UserInputError as e:
            raise UserInputError(f"{what}: {e}") from None
        except (TypeError, ValueError):
            raise UserInputError(f"{what} must be numbers") from None
    else:
        raise UserInputError(f"{what} must be a flat vector of {model.dim} numbers or one array per "
                             f"parameter, got {type(d).__name__}")
    if not np.isfinite(flat).all():
        raise UserInputError(f"{what} has numbers that are not finite")
    return flat


def _flat_direction(model, d, k):
    """Direction ``k`` as a flat (P,) vector (checked, not zero)."""
    flat = as_flat(model, d, f"direction {k}")
    if not np.any(flat):
        raise UserInputError(f"direction {k} is zero: a direction needs a length")
    return flat
