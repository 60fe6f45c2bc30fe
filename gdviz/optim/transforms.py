"""Small gradient transforms, composed into the named optimizers (optax's shape).

A transform is a pair of pure functions ``init(params) -> state`` and
``update(u, state, params, step) -> (u, state)``: it takes the incoming update ``u`` (at first
the gradient) and returns a new one. ``chain`` runs several in order; the last usually scales by
``-lr`` so that ``new_params = params + u``. Hyperparameters are floats or arrays of shape
(B, 1), which broadcast over a batch of B parameter vectors of shape (B, d).
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

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
    ``amsgrad`` uses the running maximum of v_t."""

    root = math.sqrt if isinstance(beta2, float) else np.sqrt  # scalars: no numpy call

    def init(params):
        return AdamState(np.zeros_like(params), np.zeros_like(params), np.zeros_like(params) if amsgrad else None)

    def update(u, state, params, step):
        m, v, vmax = state
        t = step + 1
        m = m + (1 - beta1) * (u - m)  # torch's lerp, same rounding
        v = beta2 * v + (1 - beta2) * u * u
        if amsgrad:
            vmax = np.maximum(vmax, v)
        denom = np.sqrt(vmax if amsgrad else v) / root(1 - beta2 ** t) + eps
        return m / denom / (1 - beta1 ** t), AdamState(m, v, vmax)

    return Transform(init, update)


def scale_by_schedule(schedule, lr_decay=0.0) -> Transform:
    """u <- -lr_t * u with lr_t = schedule(step) (/ (1 + step * lr_decay), Adagrad's decay).

    A schedule that is not one of the built-in ones (e.g. a plain function) has each rate
    checked (finite, >= 0, one per batch member): a bad one is a UserInputError naming the step.
    """

    decay = np.any(lr_decay)
    checked = not trusted(schedule)
    fixed = not checked and schedule.name == "constant" and not decay
    if fixed:  # a constant rate: negate (and shape) it once
        neg = -np.asarray(schedule.lr0, dtype=float)
        neg = neg[:, None] if neg.ndim == 1 else float(neg)

    def update(u, state, params, step):
        if fixed:
            return neg * u, state
        lr = rate_at(schedule, step, _rows(u)) if checked else schedule(step)
        if isinstance(lr, np.ndarray) and lr.ndim == 1:
            lr = lr[:, None]
        if decay:
            lr = lr / (1 + step * lr_decay)
        return -lr * u, state

    return Transform(_none, update)


def _rows(u):
    """B for a batch of updates of shape (B, d); None otherwise (one path of shape (d,))."""
    return u.shape[0] if getattr(u, "ndim", 0) == 2 else None
