"""Small gradient transforms, composed into the named optimizers (optax's shape).

A transform is a pair of pure functions ``init(params) -> state`` and
``update(u, state, params, step) -> (u, state)``: it takes the incoming update ``u`` (at first
the gradient) and returns a new one. ``chain`` runs several in order; the last usually scales by
``-lr`` so that ``new_params = params + u``. Hyperparameters are floats or arrays of shape
(B, 1), which broadcast over a batch of B parameter vectors of shape (B, d).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .. import arith
from .schedules import rate_at, trusted


class Transform(NamedTuple):
    init: Callable
    update: Callable


# States carry torch.optim's names, so a recorded run reads like ``optimizer.state[p]``.
class MomentumState(NamedTuple):
    momentum_buffer: np.ndarray


class AdagradState(NamedTuple):
    sum: np.ndarray


class AdadeltaState(NamedTuple):
    square_avg: np.ndarray
    acc_delta: np.ndarray


class RMSpropState(NamedTuple):
    square_avg: np.ndarray
    grad_avg: np.ndarray | None = None         # centered only


class AdamState(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None = None   # amsgrad only


class NAdamState(NamedTuple):
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    mu_product: object                         # a number (an array (B, 1) for a batch of beta1)


class AdamaxState(NamedTuple):
    exp_avg: np.ndarray
    exp_inf: np.ndarray


class RpropState(NamedTuple):
    prev: np.ndarray
    step_size: np.ndarray


class LionState(NamedTuple):
    exp_avg: np.ndarray


class NewtonState(NamedTuple):
    curvature: np.ndarray      # the Hessian's eigenvalues at the point of the step, smallest first


class LineSearchState(NamedTuple):
    step_size: np.ndarray      # the rate the Armijo search accepted, in each coordinate


def state_paths(state, like=None) -> list[tuple[str, tuple]]:
    """(name, path) of each array in an optimizer's state, at any depth: a NamedTuple's fields
    (the named optimizers: torch's names), a dict's keys, else ``state``, ``state1``, ... for
    bare arrays (a custom optimizer's own state). None fields are left out; with ``like``, only
    arrays of that shape (one value per parameter). ``path`` indexes into the state."""
    out: list = []

    def walk(node, path, name=None):
        if isinstance(node, np.ndarray):
            if like is None or node.shape == like:
                taken = {n for n, _ in out}
                if name is None or name in taken:
                    name = "state" if "state" not in taken else f"state{sum(n.startswith('state') for n in taken)}"
                out.append((name, path))
        elif hasattr(node, "_fields"):
            for i, (field, value) in enumerate(zip(node._fields, node)):
                walk(value, path + (i,), field)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + (key,), str(key))
        elif isinstance(node, (tuple, list)):
            for i, value in enumerate(node):
                walk(value, path + (i,))

    walk(state, ())
    return out


def at_path(state, path):
    """The value at ``path`` (from :func:`state_paths`) in a state."""
    for key in path:
        state = state[key]
    return state


def state_arrays(state, like=None) -> dict:
    """The arrays in an optimizer's state by name (see :func:`state_paths`).

        >>> state_arrays(((), AdamState(m, v)))
        {'exp_avg': m, 'exp_avg_sq': v}
    """
    return {name: at_path(state, path) for name, path in state_paths(state, like)}


def state_get(state, name: str):
    """One named array of a state at any depth (optax's ``tree_get``); None when absent."""
    return state_arrays(state).get(name)


def chain(*transforms: Transform) -> Transform:
    """Apply ``transforms`` one after another; the state is the tuple of their states."""

    def init(params):
        return tuple(t.init(params) for t in transforms)

    updates = tuple(t.update for t in transforms)
    if len(updates) == 2:  # the common case, without the loop (the engine calls this every step)
        first, second = updates

        def update(u, state, params, step):
            u, s0 = first(u, state[0], params, step)
            u, s1 = second(u, state[1], params, step)
            return u, (s0, s1)

        return Transform(init, update)

    def update(u, state, params, step):
        new_state = []
        for fn, s in zip(updates, state):
            u, s = fn(u, s, params, step)
            new_state.append(s)
        return u, tuple(new_state)

    return Transform(init, update)


def _none(params):
    return ()


def add_decayed_weights(weight_decay) -> Transform:
    """u <- u + weight_decay * params   (torch's L2 ``weight_decay``)."""

    def update(u, state, params, step):
        return u + weight_decay * params, state

    return Transform(_none, update)


def trace(momentum, dampening=0.0, nesterov=False, first_is_gradient=True) -> Transform:
    """Momentum buffer, as in torch.optim.SGD.

    buf_0 = u (first step, when ``first_is_gradient``), buf_t = momentum buf_{t-1} + (1 - dampening) u;
    output ``u + momentum buf_t`` (nesterov) or ``buf_t``.
    """

    def init(params):
        return MomentumState(np.zeros_like(params))

    def update(u, state, params, step):
        if step == 0 and first_is_gradient:
            buf = u.copy()
        else:
            buf = momentum * state.momentum_buffer + (1 - dampening) * u
        return (u + momentum * buf if nesterov else buf), MomentumState(buf)

    return Transform(init, update)


def scale_by_adagrad(eps=1e-10, initial_accumulator_value=0.0) -> Transform:
    """sum_t = sum_{t-1} + u^2;  u <- u / (sqrt(sum_t) + eps)."""

    def init(params):
        return AdagradState(np.full_like(params, initial_accumulator_value, dtype=float))

    def update(u, state, params, step):
        acc = state.sum + u * u
        return u / (np.sqrt(acc) + eps), AdagradState(acc)

    return Transform(init, update)


def scale_by_adadelta(rho=0.9, eps=1e-6) -> Transform:
    """v_t = rho v + (1 - rho) u^2;  delta = sqrt(a + eps) / sqrt(v_t + eps) * u;
    a_t = rho a + (1 - rho) delta^2;  u <- delta."""

    def init(params):
        return AdadeltaState(np.zeros_like(params), np.zeros_like(params))

    def update(u, state, params, step):
        v, a = state
        v = rho * v + (1 - rho) * u * u
        delta = np.sqrt(a + eps) / np.sqrt(v + eps) * u
        a = rho * a + (1 - rho) * delta * delta
        return delta, AdadeltaState(v, a)

    return Transform(init, update)


def scale_by_rms(alpha=0.99, eps=1e-8, centered=False) -> Transform:
    """v_t = alpha v + (1 - alpha) u^2;  u <- u / (sqrt(v_t) + eps), or with ``centered``
    (m_t = alpha m + (1 - alpha) u)  u <- u / (sqrt(v_t - m_t^2) + eps)."""

    def init(params):
        return RMSpropState(np.zeros_like(params), np.zeros_like(params) if centered else None)

    def update(u, state, params, step):
        v = alpha * state.square_avg + (1 - alpha) * u * u
        if centered:
            m = alpha * state.grad_avg + (1 - alpha) * u
            return u / (np.sqrt(v - m * m) + eps), RMSpropState(v, m)
        return u / (np.sqrt(v) + eps), RMSpropState(v)

    return Transform(init, update)


def scale_by_adam(beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=False) -> Transform:
    """m_t = beta1 m + (1 - beta1) u;  v_t = beta2 v + (1 - beta2) u^2;
    u <- (m_t / (1 - beta1^t)) / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)   (t = step + 1);
    ``amsgrad`` uses the running maximum of v_t. Powers beta^t by :func:`gdviz.arith.powi`
    (the same bits in the page), where torch calls ``pow``: they agree to 1e-15."""

    def init(params):
        return AdamState(np.zeros_like(params), np.zeros_like(params), np.zeros_like(params) if amsgrad else None)

    def update(u, state, params, step):
        m, v, vmax = state
        t = step + 1
        m = m + (1 - beta1) * (u - m)  # torch's lerp, same rounding
        v = beta2 * v + (1 - beta2) * u * u
        if amsgrad:
            vmax = np.maximum(vmax, v)
        denom = np.sqrt(vmax if amsgrad else v) / np.sqrt(1 - arith.powi(beta2, t)) + eps
        return m / denom / (1 - arith.powi(beta1, t)), AdamState(m, v, vmax)

    return Transform(init, update)


def scale_by_nadam(beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3) -> Transform:
    """NAdam (torch.optim.NAdam; t = step + 1): mu_t = beta1 (1 - 0.96^(t psi) / 2) with
    psi = ``momentum_decay``, mu_prod_t = mu_1 ... mu_t;  m, v as in Adam;
    u <- ((1 - mu_t) / (1 - mu_prod_t) u + mu_{t+1} / (1 - mu_prod_t mu_{t+1}) m_t)
         / (sqrt(v_t / (1 - beta2^t)) + eps).
    0.96^(t psi) is ``arith.exp(t psi log 0.96)`` and beta2^t ``arith.powi``: the same bits in the page."""

    def init(params):
        return NAdamState(np.zeros_like(params), np.zeros_like(params), np.ones_like(np.asarray(beta1, float)))

    def update(u, state, params, step):
        m, v, prod = state
        t = step + 1
        mu = beta1 * (1.0 - 0.5 * arith.exp(t * momentum_decay * arith.LN_096))
        mu_next = beta1 * (1.0 - 0.5 * arith.exp((t + 1) * momentum_decay * arith.LN_096))
        prod = prod * mu
        m = m + (1 - beta1) * (u - m)
        v = beta2 * v + (1 - beta2) * u * u
        denom = np.sqrt(v / (1 - arith.powi(beta2, t))) + eps
        out = (1 - mu) / (1 - prod) * u / denom + mu_next / (1 - prod * mu_next) * m / denom
        return out, NAdamState(m, v, prod)

    return Transform(init, update)


def scale_by_radam(beta1=0.9, beta2=0.999, eps=1e-8) -> Transform:
    """RAdam (torch.optim.RAdam; t = step + 1): m, v as in Adam; rho_inf = 2 / (1 - beta2) - 1,
    rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t);  u <- m_t / (1 - beta1^t) times, once rho_t > 5,
    r_t sqrt(1 - beta2^t) / (sqrt(v_t) + eps) with r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf /
    ((rho_inf - 4)(rho_inf - 2) rho_t)) (the variance rectification); before that, plain momentum."""

    def init(params):
        return AdamState(np.zeros_like(params), np.zeros_like(params))

    def update(u, state, params, step):
        m, v, _ = state
        t = step + 1
        m = m + (1 - beta1) * (u - m)
        v = beta2 * v + (1 - beta2) * u * u
        bc2 = 1 - arith.powi(beta2, t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * arith.powi(beta2, t) / bc2
        corrected = m / (1 - arith.powi(beta1, t))
        rectified = np.sqrt(np.maximum(rho_t - 4, 0) * np.maximum(rho_t - 2, 0) * rho_inf /
                            ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = corrected * (np.sqrt(bc2) / (np.sqrt(v) + eps)) * rectified
        return np.where(rho_t > 5.0, adaptive, corrected), AdamState(m, v)

    return Transform(init, update)


def scale_by_adamax(beta1=0.9, beta2=0.999, eps=1e-8) -> Transform:
    """Adamax (torch.optim.Adamax; t = step + 1): m as in Adam, u_t = max(beta2 u_{t-1}, |g| + eps)
    (the infinity norm, ``exp_inf``);  u <- m_t / (1 - beta1^t) / u_t."""

    def init(params):
        return AdamaxState(np.zeros_like(params), np.zeros_like(params))

    def update(u, state, params, step):
        m, inf = state
        m = m + (1 - beta1) * (u - m)
        inf = np.maximum(beta2 * inf, np.abs(u) + eps)
        return m / inf / (1 - arith.powi(beta1, step + 1)), AdamaxState(m, inf)

    return Transform(init, update)


def rprop(lr0, etaminus=0.5, etaplus=1.2, step_min=1e-6, step_max=50.0) -> Transform:
    """Rprop (torch.optim.Rprop): each coordinate has its own step size, starting at ``lr0``:
    times ``etaplus`` while the gradient keeps its sign, times ``etaminus`` when it flips (and
    that step is skipped), clipped to [step_min, step_max];  u <- -sign(g) * step_size.
    Only the signs of the gradients count, not their size."""

    def init(params):
        return RpropState(np.zeros_like(params), np.broadcast_to(lr0, params.shape).astype(float))

    def update(u, state, params, step):
        prev, size = state
        sign = np.sign(u * prev)
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
        size = np.clip(size * factor, step_min, step_max)
        g = np.where(sign < 0, 0.0, u)
        return -np.sign(g) * size, RpropState(g, size)

    return Transform(init, update)


def scale_by_lion(beta1=0.9, beta2=0.99) -> Transform:
    """Lion (Chen et al. 2023, as pytorch-optimizer's Lion): u <- sign(beta1 m + (1 - beta1) g);
    then m_t = beta2 m + (1 - beta2) g."""

    def init(params):
        return LionState(np.zeros_like(params))

    def update(u, state, params, step):
        m = state.exp_avg
        direction = np.sign(m + (1 - beta1) * (u - m))
        return direction, LionState(m + (1 - beta2) * (u - m))

    return Transform(init, update)


def newton_direction(hessian, damping=0.0) -> Transform:
    """u <- (H(p) + damping I)^-1 u with the exact Hessian H at p (the pseudo-inverse where that is
    singular), solved by :func:`gdviz.arith.solve` (the same bits on every machine and in the
    page). The state records H's eigenvalues: where the smallest is <= 0 the Hessian is not
    positive definite, and the step heads for a saddle or a maximum of the local quadratic."""

    def init(params):
        return NewtonState(np.zeros_like(params))

    def update(u, state, params, step):
        h = hessian(params)
        eig = arith.eigh(h)
        if np.any(damping):   # on the diagonal only
            h = h.copy()
            for i in range(h.shape[-1]):
                h[..., i, i] += np.reshape(damping, -1) if np.ndim(damping) else damping
        return arith.solve(h, u), NewtonState(eig)

    return Transform(init, update)


def backtracking(schedule, loss, c1=1e-4, shrink=0.5, tries=60) -> Transform:
    """An Armijo backtracking line search along -u, for each of the B paths (u: (B, d)): start
    from lr_t, shrink it until loss(p - lr u) <= loss(p) - c1 lr |u|^2 (at most ``tries``
    times: a rate that never passes ends as lr_t shrink^tries);  u <- -lr u."""
    rate = _rate(schedule)

    def update(u, state, params, step):
        lr = np.broadcast_to(rate(step, u), (len(u), 1)).astype(float)
        f0, need = loss(params), c1 * arith.sumsq(u)
        todo = np.arange(len(u))
        for _ in range(tries):
            passed = loss(params[todo] - lr[todo] * u[todo]) <= f0[todo] - need[todo] * lr[todo, 0]
            todo = todo[~passed]          # NaN and inf fail the test: shrink those too
            if not todo.size:
                break
            lr[todo] *= shrink
        size = np.broadcast_to(lr, u.shape).copy()
        return -size * u, LineSearchState(size)

    return Transform(lambda params: LineSearchState(np.zeros_like(params)), update)


def scale_by_schedule(schedule, lr_decay=0.0) -> Transform:
    """u <- -lr_t * u with lr_t = schedule(step) (/ (1 + step * lr_decay), Adagrad's decay).

    A schedule that is not one of the built-in ones (e.g. a plain function) has each rate
    checked (finite, >= 0, one per batch member): a bad one is a UserInputError naming the step.
    """
    rate = _rate(schedule, lr_decay)

    def update(u, state, params, step):
        return -rate(step, u) * u, state

    return Transform(_none, update)


def add_decoupled_weight_decay(schedule, weight_decay) -> Transform:
    """u <- u - lr_t * weight_decay * params   (AdamW's decay: torch's ``p.mul_(1 - lr * wd)``
    before the step)."""
    rate = _rate(schedule)

    def update(u, state, params, step):
        return u - rate(step, u) * weight_decay * params, state

    return Transform(_none, update)


def _rate(schedule, lr_decay=0.0):
    """``rate(step, u)``: the schedule's rate at ``step``, shaped to broadcast over ``u``
    ((B, 1) for a batch); a schedule that is not built in has its rates checked."""
    decay = np.any(lr_decay)
    checked = not trusted(schedule)
    if not checked and schedule.name == "constant" and not decay:  # a constant rate: shape it once
        fixed = np.asarray(schedule.lr0, dtype=float)
        fixed = fixed[:, None] if fixed.ndim == 1 else float(fixed)
        return lambda step, u: fixed

    def rate(step, u):
        lr = rate_at(schedule, step, _rows(u)) if checked else schedule(step)
        if isinstance(lr, np.ndarray) and lr.ndim == 1:
            lr = lr[:, None]
        return lr / (1 + step * lr_decay) if decay else lr

    return rate


def _rows(u):
    """B for a batch of updates of shape (B, d); None otherwise (one path of shape (d,))."""
    return u.shape[0] if getattr(u, "ndim", 0) == 2 else None
