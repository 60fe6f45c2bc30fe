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
        beta = float(hp.get("momentum", 0.0))   # (dampening is in step - carried; Nesterov has none)
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


@dataclass(frozen=True)
class Term:
    """One line of a dissected update: its symbol, the rule with the numbers filled in, and the
    value it comes to (a vector, one number per parameter)."""

    name: str
    formula: str
    value: np.ndarray


def rule(optimizer: str) -> str:
    """The update rule as written in the optimizer's docstring (its indented lines)."""
    from .optim import OPTIMIZERS

    doc = (OPTIMIZERS[optimizer].__doc__ or "") if optimizer in OPTIMIZERS else ""
    lines = [line.strip() for line in doc.splitlines() if line.startswith("        ") and line.strip()]
    return "\n".join(lines) or doc.strip().splitlines()[0] if doc.strip() else ""


def dissect(traj, t: int) -> list[Term]:
    """Update t of a run, term by term, with the run's own numbers: the last term is
    p_{t+1}, equal to ``traj.params[t + 1]``.

        >>> terms = dissect(gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=20), 9)
        >>> [term.name for term in terms]
        ['g', 'm', 'v', 'm̂', 'v̂', 'Δp', 'p']
    """
    if not 0 <= t < traj.n_steps:
        raise UserInputError(f"update t must be a whole number from 0 to {int(traj.n_steps) - 1}, got {t!r}")
    ins = internals(traj)
    hp, st, name = traj.hyperparams, traj.state, traj.optimizer
    p, g, lr = traj.params[t], traj.grads[t], float(traj.lr[t])
    wd = float(hp.get("weight_decay", 0.0) or 0.0)
    v = _vec
    terms = [Term("g", f"∇L(p) = {v(g)}", g)]
    if wd:
        g = g + wd * p
        terms.append(Term("g", f"g + {wd:g} p = {v(g)}", g))
    before = {k: (a[t - 1] if t > 0 else _initial(name, k, hp, a[t])) for k, a in st.items()}
    if name in MOMENTUM and "momentum_buffer" in st:
        beta, b = float(hp.get("momentum", 0.0)), st["momentum_buffer"][t]
        damp = float(hp.get("dampening", 0.0) or 0.0)
        if t == 0:
            terms.append(Term("b", f"g (first step) = {v(b)}", b))
        else:
            terms.append(Term("b", f"{beta:g} × {v(before['momentum_buffer'])} + {1 - damp:g} × {v(g)} = {v(b)}", b))
        if hp.get("nesterov"):
            d = g + beta * b
            terms.append(Term("g", f"g + {beta:g} b = {v(d)}", d))
        else:
            d = b
    elif name == "adagrad":
        s = st["sum"][t]
        terms.append(Term("sum", f"{v(before['sum'])} + g² = {v(s)}", s))
        rate = ins.effective_lr[t]
        terms.append(Term("rate", f"{lr:g} / (√sum + ε) = {v(rate)}", rate))
        d = None
    elif name == "rmsprop":
        a, sq = float(hp.get("alpha", 0.99)), st["square_avg"][t]
        terms.append(Term("v", f"{a:g} × {v(before['square_avg'])} + {1 - a:g} × g² = {v(sq)}", sq))
        rate = ins.effective_lr[t]
        terms.append(Term("rate", f"{lr:g} / (√v + ε) = {v(rate)}", rate))
        d = None
    elif name == "adam":
        b1, b2 = float(hp.get("beta1", 0.9)), float(hp.get("beta2", 0.999))
        m, sq = st["exp_avg"][t], st["exp_avg_sq"][t]
        terms.append(Term("m", f"{b1:g} × {v(before['exp_avg'])} + {1 - b1:g} × g = {v(m)}", m))
        terms.append(Term("v", f"{b2:g} × {v(before['exp_avg_sq'])} + {1 - b2:g} × g² = {v(sq)}", sq))
        terms.append(Term("m̂", f"m / (1 − {b1:g}^{t + 1}) = {v(ins.first[t])}", ins.first[t]))
        vhat = ins.scale[t] ** 2
        terms.append(Term("v̂", f"{'max v' if 'max_exp_avg_sq' in st else 'v'} / (1 − {b2:g}^{t + 1}) "
                                f"= {v(vhat)}", vhat))
        d = None
    elif name == "adadelta":
        rho, sq, acc = float(hp.get("rho", 0.9)), st["square_avg"][t], st["acc_delta"][t]
        terms.append(Term("v", f"{rho:g} × {v(before['square_avg'])} + {1 - rho:g} × g² = {v(sq)}", sq))
        rate = ins.effective_lr[t]
        terms.append(Term("rate", f"{lr:g} √(a + ε) / √(v + ε) = {v(rate)}", rate))
        terms.append(Term("a", f"{rho:g} × {v(before['acc_delta'])} + {1 - rho:g} × Δ² = {v(acc)}", acc))
        d = None
    else:
        d = g
    step = ins.step[t]
    if d is not None:
        terms.append(Term("Δp", f"−{lr:g} × {v(d)} = {v(step)}", step))
    elif name == "adam":
        terms.append(Term("Δp", f"−{lr:g} m̂ / (√v̂ + ε) = {v(step)}", step))
    else:
        terms.append(Term("Δp", f"−rate × g = {v(step)}", step))
    terms.append(Term("p", f"{v(p)} + {v(step)} = {v(traj.params[t + 1])}", traj.params[t + 1]))
    return terms


def _initial(name, key, hp, like):
    """A state array before the first update (what ``init`` starts from)."""
    if name == "adagrad" and key == "sum":
        return np.full_like(like, float(hp.get("initial_accumulator_value", 0.0) or 0.0))
    return np.zeros_like(like)


def _vec(x) -> str:
    """(a, b) with 5 significant digits: enough to check the sum by hand."""
    x = np.atleast_1d(x)
    text = [f"{float(a):.5g}" for a in x]
    return "(" + ", ".join(text) + ")" if x.size > 1 else text[0]
