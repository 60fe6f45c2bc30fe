"""What each update is made of, derived from a run's recorded state (one place: renderers read
these, never recompute them).

For an update t (from ``params[t]`` to ``params[t + 1]``), with g the gradient used and lr its
learning rate:

- ``step``: the step actually taken, p_{t+1} - p_t;
- ``push``: the gradient's push, -lr g (with weight decay, dampening: -lr (1 - d)(g + wd p));
- ``carried``: the momentum carried over, -lr beta b_{t-1} (momentum and Nesterov), so that
  ``step = carried + push`` for momentum: the parallelogram of arrows;
- Nesterov: ``position`` theta_t = p_t + lr beta b_{t-1} (where the classic method stands),
  ``lookahead`` p_t = theta_t + carried (where its gradient is evaluated), and then
  theta_{t+1} = lookahead + push;
- adaptive methods: ``scale`` the root of the accumulated squared gradients per coordinate
  (Adagrad sqrt(sum), RMSprop sqrt(square_avg), Adam sqrt(v-hat), Adadelta sqrt(square_avg)),
  ``effective_lr`` the rate each coordinate really gets (Adagrad lr / (sqrt(sum) + eps), Adam
  lr / (sqrt(v-hat) + eps)...), and Adam's bias-corrected first moment ``first`` (m-hat), so
  that ``step = -effective_lr * first`` for Adam and ``-effective_lr * g`` for Adagrad.

    >>> ins = internals(gd.run(gd.optimizer("momentum", lr=0.02), "elongated", steps=50))
    >>> np.allclose(ins.step, ins.carried + ins.push)
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import UserInputError

MOMENTUM = ("momentum", "nesterov", "gd", "sgd")     # torch.optim.SGD and its names here
ADAPTIVE = ("adagrad", "rmsprop", "adam", "adadelta")


@dataclass(frozen=True)
class Internals:
    """The terms of each update of one run, one row per update (shape (n, d)); None where an
    optimizer has no such term. See the module docstring for each field."""

    optimizer: str
    step: np.ndarray
    push: np.ndarray
    carried: np.ndarray | None = None
    position: np.ndarray | None = None
    lookahead: np.ndarray | None = None
    scale: np.ndarray | None = None
    effective_lr: np.ndarray | None = None
    first: np.ndarray | None = None
    grads: np.ndarray | None = None


def internals(traj) -> Internals:
    """The :class:`Internals` of a single run recorded at every step."""
    if traj.batched:
        raise UserInputError("internals are drawn per run: pick a member of the batch first (traj[i])")
    if traj.step_index is not None:
        raise UserInputError("internals need every step recorded; run without record_every")
    if traj.lr is None:
        raise UserInputError("internals need the learning rate of each step (a custom step function "
                             "without lr= does not say)")
    n = traj.n_steps
    p, g, lr = traj.params, traj.grads[:n], traj.lr[:n, None]
    hp, st, name = traj.hyperparams, traj.state, traj.optimizer
    step = np.diff(p, axis=0)[:n]
    wd = float(hp.get("weight_decay", 0.0) or 0.0)
    g_used = g + wd * p[:n]                     # what the optimizer's transforms saw first
    if name in MOMENTUM and "momentum_buffer" in st:
        beta, damp = float(hp.get("momentum", 0.0)), float(hp.get("dampening", 0.0) or 0.0)
        buf = st["momentum_buffer"][:n]
        before = np.vstack([np.zeros((1, p.shape[1])), buf[:-1]])   # b_{t-1}; b_{-1} = 0
        carried = -lr * beta * before
        if hp.get("nesterov"):
            push = -lr * g_used
            return Internals(name, step, push, carried, position=p[:n] - carried, lookahead=p[:n].copy(),
                             grads=g)
        return Internals(name, step, step - carried, carried, grads=g)
    if name in MOMENTUM:     # plain gradient descent: the step is the push
        return Internals(name, step, -lr * g_used, grads=g)
    if name in ADAPTIVE:
        return _adaptive(name, traj, step, lr, g, g_used, hp, st, n)
    return Internals(name, step, -lr * g, grads=g)   # a custom optimizer: step and push only


def _adaptive(name, traj, step, lr, g, g_used, hp, st, n) -> Internals:
    eps = float(hp.get("eps", 1e-8))
    t = np.arange(1, n + 1)[:, None]
    if name == "adagrad":
        rate = lr / (1 + (t - 1) * float(hp.get("lr_decay", 0.0) or 0.0))
        scale = np.sqrt(st["sum"][:n])
        return Internals(name, step, -lr * g, scale=scale, effective_lr=rate / (scale + eps), grads=g)
    if name == "rmsprop":
        v = st["square_avg"][:n]
        var = v - st["grad_avg"][:n] ** 2 if "grad_avg" in st else v
        scale = np.sqrt(var)
        return Internals(name, step, -lr * g, scale=scale, effective_lr=lr / (scale + eps), grads=g)
    if name == "adam":
        b1, b2 = float(hp.get("beta1", 0.9)), float(hp.get("beta2", 0.999))
        v = st.get("max_exp_avg_sq", st["exp_avg_sq"])[:n]
        scale = np.sqrt(v / (1 - b2 ** t))
        first = st["exp_avg"][:n] / (1 - b1 ** t)
        return Internals(name, step, -lr * g, scale=scale, effective_lr=lr / (scale + eps), first=first,
                         grads=g)
    # adadelta: the rate uses the accumulated updates before this step
    rho_eps = float(hp.get("eps", 1e-6))
    acc = st["acc_delta"][:n]
    before = np.vstack([np.zeros((1, acc.shape[1])), acc[:-1]])
    scale = np.sqrt(st["square_avg"][:n] + rho_eps)
    return Internals(name, step, -lr * g, scale=scale, effective_lr=lr * np.sqrt(before + rho_eps) / scale,
                     grads=g)
