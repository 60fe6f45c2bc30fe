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
  (Adagrad sqrt(sum), RMSprop sqrt(square_avg), Adam sqrt(v-hat), Adadelta sqrt(square_avg),
  Adamax its infinity norm u), ``effective_lr`` the rate each coordinate really gets (Adagrad
  lr / (sqrt(sum) + eps), Adam lr / (sqrt(v-hat) + eps), RAdam that times its rectification...),
  and the Adam family's ``first`` (m-hat; NAdam's Nesterov mix of g and m), so that
  ``step = -effective_lr * first (+ decay)`` for the Adam family and ``-effective_lr * g`` for Adagrad;
- ``decay``: decoupled weight decay, -lr wd p (AdamW, Lion, decoupled_weight_decay=True);
- sign methods (Rprop, Lion): the step is a sign times a size (Rprop's ``scale``: its step sizes;
  Lion's ``first``: the momentum c whose sign it takes); ``push`` -lr g only for comparison;
- Newton: ``push`` the gradient's push for comparison, ``curvature`` the Hessian's eigenvalues;
- a line search: ``effective_lr`` the rate it accepted (``push`` is the first rate's push).

    >>> ins = internals(gd.run(gd.optimizer("momentum", lr=0.02), "elongated", steps=50))
    >>> np.allclose(ins.step, ins.carried + ins.push)
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import arith
from .errors import UserInputError

MOMENTUM = ("momentum", "nesterov", "gd", "sgd")     # torch.optim.SGD and its names here
ADAPTIVE = ("adagrad", "rmsprop", "adam", "adadelta", "adamw", "nadam", "radam", "adamax")
DECOUPLED = ("adamw", "lion")                         # weight decay on p, not added to g


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
    decay: np.ndarray | None = None
    curvature: np.ndarray | None = None


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
    decoupled = name in DECOUPLED or bool(hp.get("decoupled_weight_decay"))
    g_used = g if decoupled else g + wd * p[:n]   # what the optimizer's transforms saw first
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
    if name in MOMENTUM and "step_size" in st:      # a line search: the rate it accepted
        return Internals(name, step, -lr * g_used, effective_lr=st["step_size"][:n], grads=g)
    if name in MOMENTUM:     # plain gradient descent: the step is the push
        return Internals(name, step, -lr * g_used, grads=g)
    decay = -lr * wd * p[:n] if decoupled and wd else None
    if name in ADAPTIVE:
        return _adaptive(name, traj, step, lr, g, g_used, hp, st, n, decay)
    if name == "rprop":      # the sign of g times each coordinate's own step size (push: for comparison)
        return Internals(name, step, -lr * g, scale=st["step_size"][:n], grads=g)
    if name == "lion":       # lr times the sign of the interpolated momentum c (push: for comparison)
        b1 = float(hp.get("beta1", 0.9))
        m = np.vstack([np.zeros((1, p.shape[1])), st["exp_avg"][: n - 1]])
        c = m + (1 - b1) * (g - m)
        return Internals(name, step, -lr * g, first=c, grads=g, decay=decay)
    if name == "newton":
        return Internals(name, step, -lr * g, grads=g, curvature=st["curvature"][:n])
    return Internals(name, step, -lr * g, grads=g)   # a custom optimizer: step and push only


def _adaptive(name, traj, step, lr, g, g_used, hp, st, n, decay=None) -> Internals:
    eps = float(hp.get("eps", 1e-8))
    t = np.arange(1, n + 1)[:, None]
    if name in ("adam", "adamw", "nadam", "radam", "adamax"):
        return _adam_family(name, step, lr, g, g_used, hp, st, n, t, eps, decay)
    if name == "adagrad":
        rate = lr / (1 + (t - 1) * float(hp.get("lr_decay", 0.0) or 0.0))
        scale = np.sqrt(st["sum"][:n])
        return Internals(name, step, -lr * g, scale=scale, effective_lr=rate / (scale + eps), grads=g)
    if name == "rmsprop":
        v = st["square_avg"][:n]
        var = v - st["grad_avg"][:n] ** 2 if "grad_avg" in st else v
        scale = np.sqrt(var)
        return Internals(name, step, -lr * g, scale=scale, effective_lr=lr / (scale + eps), grads=g)
    # adadelta: the rate uses the accumulated updates before this step
    rho_eps = float(hp.get("eps", 1e-6))
    acc = st["acc_delta"][:n]
    before = np.vstack([np.zeros((1, acc.shape[1])), acc[:-1]])
    scale = np.sqrt(st["square_avg"][:n] + rho_eps)
    return Internals(name, step, -lr * g, scale=scale, effective_lr=lr * np.sqrt(before + rho_eps) / scale,
                     grads=g)


def nadam_mu(t, beta1: float, momentum_decay: float):
    """NAdam's momentum coefficient mu_t = beta1 (1 - 0.96^(t psi) / 2) and the product
    mu_1 ... mu_t, for updates t = 1, 2, ... (arrays like ``t``)."""
    t = np.asarray(t)
    mu = beta1 * (1.0 - 0.5 * arith.exp(t * momentum_decay * arith.LN_096))
    all_mu = beta1 * (1.0 - 0.5 * arith.exp(np.arange(1, int(t.max()) + 2) * momentum_decay * arith.LN_096))
    return mu, np.cumprod(all_mu)[t - 1]


def radam_rectification(t, beta2: float):
    """RAdam's rho_t and r_t (0 while rho_t <= 5: those updates are plain momentum), t = 1, 2, ..."""
    rho_inf = 2 / (1 - beta2) - 1
    rho = rho_inf - 2 * t * arith.powi(beta2, t) / (1 - arith.powi(beta2, t))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return rho, np.where(rho > 5, r, 0.0)


def _adam_family(name, step, lr, g, g_used, hp, st, n, t, eps, decay) -> Internals:
    """Adam, AdamW, NAdam, RAdam and Adamax: step = -effective_lr * first (+ decay)."""
    b1, b2 = float(hp.get("beta1", 0.9)), float(hp.get("beta2", 0.999))
    m = st["exp_avg"][:n]
    first = m / (1 - arith.powi(b1, t))
    if name == "adamax":
        scale = st["exp_inf"][:n]
        return Internals(name, step, -lr * g, scale=scale, effective_lr=lr / scale, first=first, grads=g, decay=decay)
    v = st.get("max_exp_avg_sq", st["exp_avg_sq"])[:n]
    bc2 = 1 - arith.powi(b2, t)
    scale = np.sqrt(v / bc2)
    if name == "nadam":
        mu, prod = nadam_mu(t, b1, float(hp.get("momentum_decay", 4e-3)))
        mu_next, _ = nadam_mu(t + 1, b1, float(hp.get("momentum_decay", 4e-3)))
        first = (1 - mu) / (1 - prod) * g_used + mu_next / (1 - prod * mu_next) * m
        rate = lr / (scale + eps)
    elif name == "radam":
        rho, r = radam_rectification(t, b2)
        rate = np.where(rho > 5, lr * r * np.sqrt(bc2) / (np.sqrt(v) + eps), lr)
    else:
        rate = lr / (scale + eps)
    return Internals(name, step, -lr * g, scale=scale, effective_lr=rate * np.ones_like(step), first=first,
                     grads=g, decay=decay)


@dataclass(frozen=True)
class Term:
    """One line of a dissected update: its symbol, the rule with the numbers filled in, and the
    value it comes to (a vector, one number per parameter)."""

    name: str
    formula: str
    value: np.ndarray


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
    decoupled = name in DECOUPLED or bool(hp.get("decoupled_weight_decay"))
    v = _vec
    terms = [Term("g", f"∇L(p) = {v(g)}", g)]
    if wd and not decoupled:
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
    elif name in ("adam", "adamw", "nadam", "radam", "adamax"):
        terms += _adam_terms(name, ins, hp, st, before, t, lr)
        d = None
    elif name == "adadelta":
        rho, sq, acc = float(hp.get("rho", 0.9)), st["square_avg"][t], st["acc_delta"][t]
        terms.append(Term("v", f"{rho:g} × {v(before['square_avg'])} + {1 - rho:g} × g² = {v(sq)}", sq))
        rate = ins.effective_lr[t]
        terms.append(Term("rate", f"{lr:g} √(a + ε) / √(v + ε) = {v(rate)}", rate))
        terms.append(Term("a", f"{rho:g} × {v(before['acc_delta'])} + {1 - rho:g} × Δ² = {v(acc)}", acc))
        d = None
    elif name == "rprop":
        flips = np.sign(g * before["prev"])
        s_t = st["step_size"][t]
        terms.append(Term("sign", f"sign(g × g_prev) = {v(flips)}", flips))
        terms.append(Term("s", f"{v(before['step_size'])} × ({float(hp['etaplus']):g} if +, {float(hp['etaminus']):g} "
                               f"if −, 1 if 0) = {v(s_t)}", s_t))
        d = None
    elif name == "lion":
        b1, b2 = float(hp.get("beta1", 0.9)), float(hp.get("beta2", 0.99))
        c = ins.first[t]
        terms.append(Term("c", f"{b1:g} × {v(before['exp_avg'])} + {1 - b1:g} × g = {v(c)}", c))
        terms.append(Term("m", f"{b2:g} × {v(before['exp_avg'])} + {1 - b2:g} × g = {v(st['exp_avg'][t])}",
                          st["exp_avg"][t]))
        d = None
    elif name == "newton":
        damping = float(hp.get("damping", 0.0) or 0.0)
        eig = ins.curvature[t]
        shown = "" if eig.min() > 0 else "  (not positive definite)"
        terms.append(Term("λ(H)", f"eigenvalues of ∇²L(p) = {v(eig)}{shown}", eig))
        d = -ins.step[t] / lr
        terms.append(Term("d", f"{f'(H + {damping:g} I)' if damping else 'H'}⁻¹ g = {v(d)}", d))
    elif name in MOMENTUM and "step_size" in st:      # the line search
        a = float(st["step_size"][t][0])
        halvings = int(round(np.log2(lr / a))) if a > 0 else 0
        gg = float(arith.sumsq(g))
        terms.append(Term("α", f"{lr:g} halved {halvings} time{'s' * (halvings != 1)} = {a:g}", np.full_like(g, a)))
        terms.append(Term("L", f"L(p − α g) = {traj.loss[t + 1]:.5g} ≤ L(p) − 10⁻⁴ α |g|² = "
                               f"{traj.loss[t] - 1e-4 * a * gg:.5g}", np.atleast_1d(traj.loss[t + 1])))
        d = None
    else:
        d = g
    step = ins.step[t]
    if name in ("adam", "adamw", "nadam", "radam", "adamax"):
        body = {"nadam": "n / (√v̂ + ε)", "adamax": "m̂ / u"}.get(name, "m̂ / (√v̂ + ε)")
        if name == "radam":
            body = "r m̂ √(1 − β₂ᵗ) / (√v + ε)" if ins.effective_lr[t][0] != lr else "m̂  (ρ ≤ 5: no adaptive rate yet)"
        decay = f" − {lr:g} × {wd:g} p" if ins.decay is not None else ""
        terms.append(Term("Δp", f"−{lr:g} {body}{decay} = {v(step)}", step))
    elif name == "rprop":
        terms.append(Term("Δp", f"−sign(g) × s = {v(step)}", step))
    elif name == "lion":
        decay = f" − {lr:g} × {wd:g} p" if ins.decay is not None else ""
        terms.append(Term("Δp", f"−{lr:g} sign(c){decay} = {v(step)}", step))
    elif name in MOMENTUM and "step_size" in st:
        terms.append(Term("Δp", f"−α g = {v(step)}", step))
    elif d is not None:
        terms.append(Term("Δp", f"−{lr:g} × {v(d)} = {v(step)}", step))
    else:
        terms.append(Term("Δp", f"−rate × g = {v(step)}", step))
    terms.append(Term("p", f"{v(p)} + {v(step)} = {v(traj.params[t + 1])}", traj.params[t + 1]))
    return terms


def _adam_terms(name, ins, hp, st, before, t, lr) -> list[Term]:
    """The Adam family's moments at update t (t counted from 0; the formulas' t is t + 1)."""
    v, n = _vec, t + 1
    b1, b2 = float(hp.get("beta1", 0.9)), float(hp.get("beta2", 0.999))
    m = st["exp_avg"][t]
    out = [Term("m", f"{b1:g} × {v(before['exp_avg'])} + {1 - b1:g} × g = {v(m)}", m)]
    if name == "adamax":
        u = st["exp_inf"][t]
        out.append(Term("u", f"max({b2:g} × {v(before['exp_inf'])}, |g| + ε) = {v(u)}", u))
        out.append(Term("m̂", f"m / (1 − {b1:g}{_power(n)}) = {v(ins.first[t])}", ins.first[t]))
        return out
    sq = st["exp_avg_sq"][t]
    out.append(Term("v", f"{b2:g} × {v(before['exp_avg_sq'])} + {1 - b2:g} × g² = {v(sq)}", sq))
    if name == "nadam":
        psi = float(hp.get("momentum_decay", 4e-3))
        mu, prod = (float(x[0]) for x in nadam_mu(np.array([n]), b1, psi))
        mu_next = float(nadam_mu(np.array([n + 1]), b1, psi)[0][0])
        out.append(Term("μ", f"μ{_sub(n)} = {mu:.5g}, μ{_sub(n + 1)} = {mu_next:.5g}, μ₁…μ{_sub(n)} = {prod:.5g}",
                        np.array([mu, mu_next])))
        out.append(Term("n", f"(1 − μ{_sub(n)}) g / (1 − μ₁…μ{_sub(n)}) + μ{_sub(n + 1)} m / (1 − μ₁…μ{_sub(n + 1)}) "
                             f"= {v(ins.first[t])}", ins.first[t]))
    else:
        out.append(Term("m̂", f"m / (1 − {b1:g}{_power(n)}) = {v(ins.first[t])}", ins.first[t]))
    if name == "radam":
        rho, r = radam_rectification(n, b2)
        out.append(Term("ρ", f"ρ{_sub(n)} = {float(rho):.4g}" + (f", r = {float(r):.4g}" if rho > 5 else " ≤ 5"),
                        np.array([float(rho), float(r)])))
    vhat = ins.scale[t] ** 2
    out.append(Term("v̂", f"{'max v' if 'max_exp_avg_sq' in st else 'v'} / (1 − {b2:g}{_power(n)}) = {v(vhat)}",
                    vhat))
    return out


def _sub(n: int) -> str:
    """A subscript: 10 -> '₁₀'."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _initial(name, key, hp, like):
    """A state array before the first update (what ``init`` starts from)."""
    if name == "adagrad" and key == "sum":
        return np.full_like(like, float(hp.get("initial_accumulator_value", 0.0) or 0.0))
    if name == "rprop" and key == "step_size":
        return np.full_like(like, float(hp["lr"]) if isinstance(hp.get("lr"), (int, float)) else np.nan)
    return np.zeros_like(like)


def _power(n: int) -> str:
    """An exponent as superscript digits: 10 -> '¹⁰' (0.9¹⁰ reads as a power, 0.9^10 as code)."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _vec(x) -> str:
    """(a, b) with 5 significant digits: enough to check the sum by hand."""
    x = np.atleast_1d(x)
    text = [f"{float(a):.5g}" for a in x]
    return "(" + ", ".join(text) + ")" if x.size > 1 else text[0]
