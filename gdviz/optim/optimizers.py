"""The named optimizers, built from transforms; defaults and update rules follow torch.optim.

Each factory returns an :class:`Optimizer`: a pure ``(init, update)`` pair plus its name,
hyperparameters and learning-rate schedule. ``update(g, state, params, step)`` returns
``(u, state)``, and the engine sets ``params <- params + u``. Any hyperparameter may be an
array of shape (B,): the optimizer then runs B independent paths in one batch.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import UserInputError, number_in, positive_number, unknown_name
from . import transforms as T
from .schedules import Schedule, as_schedule, exception_text, label, rate_at, shown, trusted


@dataclass(frozen=True)
class Optimizer:
    """An optimizer with explicit state.

    name : registry name ("adam", ...) or "custom".
    init : ``init(params) -> state``.
    update : ``update(grads, state, params, step) -> (updates, state)``; new params = params + updates.
    hyperparams : the hyperparameters, for labels and saved metadata.
    lr : the learning-rate schedule ``f(step) -> lr`` (None when unknown, e.g. a custom step).
    batch_size : samples per gradient on data-driven surfaces (None: the full batch).
    batch : B when some hyperparameter is an array of shape (B,), else None.
    bind : for an optimizer that needs more of the surface than its gradient (Newton's Hessian, a
        line search's loss): ``bind(surface) -> Optimizer``, which the engine calls before a run.
    """

    name: str
    init: Callable
    update: Callable
    hyperparams: dict = field(default_factory=dict)
    lr: Callable | None = None
    batch_size: int | None = None
    batch: int | None = None
    bind: Callable | None = None

    def lr_at(self, step):
        """The nominal learning rate at ``step`` (a float, or an array of shape (B,)); a
        schedule other than the built-in ones has the rate checked (finite, >= 0)."""
        if self.lr is None:
            return None
        return self.lr(step) if trusted(self.lr) else rate_at(self.lr, step, self.batch)

    def label(self) -> str:
        """Short label, e.g. ``adam (lr=0.01)``."""
        lr = self.hyperparams.get("lr")
        if isinstance(lr, (int, float)):
            return f"{self.name} (lr={lr:g})"
        return self.name


def _batched(hp: dict) -> tuple[dict, int | None]:
    """Reshape (B,) hyperparameter arrays to (B, 1); return them and B."""
    sizes = set()
    out = {}
    for k, v in hp.items():
        if isinstance(v, np.ndarray) and v.ndim >= 1:
            if v.ndim != 1 or v.size == 0:
                raise UserInputError(f"{k} must be a number or a non-empty 1-D array (one value per "
                                     f"run), got shape {v.shape}")
            sizes.add(v.shape[0])
            out[k] = v.reshape(-1, 1)
        else:
            out[k] = v
    if len(sizes) > 1:
        raise UserInputError(f"hyperparameter arrays have different lengths: {sorted(sizes)}")
    return out, (sizes.pop() if sizes else None)


def _lr(lr):
    sched = as_schedule(lr)
    if isinstance(sched, Schedule):
        lr0 = sched.lr0
        batch = lr0.shape[0] if isinstance(lr0, np.ndarray) and lr0.ndim == 1 else None
        shown = lr0.tolist() if isinstance(lr0, np.ndarray) else lr0
        if sched.name != "constant":
            shown = sched.describe()
        return sched, batch, shown
    return sched, None, getattr(sched, "__name__", "custom schedule")


def _flag(name, value) -> bool:
    """A true/false option; anything else is a clear error (not silently true)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise UserInputError(f"{name} must be true or false, got {value!r}")


def _batch_size(batch_size):
    if batch_size is None:
        return None
    if isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, (bool, np.bool_)):
        ok = batch_size >= 1
    else:  # a float must be whole; text, lists, True/False... are refused
        ok = isinstance(batch_size, (float, np.floating)) and float(batch_size).is_integer() and batch_size >= 1
    if not ok:
        raise UserInputError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    return int(batch_size)


def _make(name, transform, sched, lr_shown, lr_batch, hp, batch_size, bind=None):
    b = hp.pop("_batch")
    if lr_batch and b and lr_batch != b:
        raise UserInputError(f"lr has {lr_batch} values but other hyperparameters have {b}")
    hp_shown = {"lr": lr_shown}
    for k, v in hp.items():
        hp_shown[k] = v.ravel().tolist() if isinstance(v, np.ndarray) else v
    if batch_size is not None:
        hp_shown["batch_size"] = batch_size
    _mark_checked(transform.update)  # built from the transforms: its updates need no checking
    return Optimizer(name, transform.init, transform.update, hp_shown, sched, batch_size, lr_batch or b, bind)


def _prep(**hp):
    hp = {k: (np.asarray(v, float) if isinstance(v, (list, tuple, np.ndarray)) else v)
          for k, v in hp.items()}
    out, b = _batched(hp)
    out["_batch"] = b
    return out


def sgd(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
        batch_size=None, *, name="gd", line_search=False):
    """Gradient descent, torch.optim.SGD.

        g <- g + weight_decay * p
        b_t = g (t = 0);  b_t = momentum * b_{t-1} + (1 - dampening) * g
        g <- g + momentum * b_t  (nesterov)   or   g <- b_t  (momentum > 0)
        p <- p - lr * g

    ``line_search`` (plain full-batch gradient descent only): lr is the first rate tried at each
    step, halved until the Armijo condition L(p - lr g) <= L(p) - 1e-4 lr |g|^2 holds.
    """
    sched, lr_batch, lr_shown = _lr(lr)
    momentum = number_in("momentum", momentum, 0.0, 1.0, hi_open=False)
    dampening = number_in("dampening", dampening, 0.0, 1.0, hi_open=False)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    nesterov = _flag("nesterov", nesterov)
    if nesterov and (np.any(np.asarray(momentum) <= 0) or np.any(np.asarray(dampening) != 0)):
        raise UserInputError("nesterov needs momentum > 0 and dampening = 0")
    hp = _prep(momentum=momentum, dampening=dampening, weight_decay=weight_decay)
    parts = []
    if np.any(weight_decay):
        parts.append(T.add_decayed_weights(hp["weight_decay"]))
    if np.any(momentum):
        parts.append(T.trace(hp["momentum"], hp["dampening"], bool(nesterov)))
    parts.append(T.scale_by_schedule(sched))
    if nesterov:
        hp["nesterov"] = True
    if _flag("line_search", line_search):
        if np.any(momentum) or np.any(weight_decay) or batch_size is not None:
            raise UserInputError("line_search is for plain full-batch gradient descent: momentum = 0, "
                                 "weight_decay = 0 and no batch_size")
        hp["line_search"] = True

        def bind(surface):
            return _make(name, T.backtracking(sched, surface._value), sched, lr_shown, lr_batch, dict(hp), None)

        return _make(name, T.backtracking(sched, _unbound(name, "loss")), sched, lr_shown, lr_batch, dict(hp),
                     None, bind=bind)
    return _make(name, T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def gd(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, batch_size=None, line_search=False):
    """Full-batch gradient descent (torch.optim.SGD on the whole data); line_search=True: Armijo backtracking.

        p <- p - lr * grad L(p)
        line_search: lr halved until L(p - lr g) <= L(p) - 1e-4 lr |g|^2
    """
    return sgd(lr, momentum, dampening, nesterov, weight_decay, batch_size, name="gd", line_search=line_search)


def stochastic(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
               batch_size=1):
    """Stochastic gradient descent: the gd update on a random mini-batch (default 1 sample)."""
    return sgd(lr, momentum, dampening, nesterov, weight_decay, batch_size, name="sgd")


def momentum(lr=1e-3, momentum=0.9, dampening=0.0, weight_decay=0.0, batch_size=None):
    """Heavy-ball momentum: b_t = momentum * b_{t-1} + g;  p <- p - lr * b_t (torch.optim.SGD)."""
    return sgd(lr, momentum, dampening, False, weight_decay, batch_size, name="momentum")


def nesterov(lr=1e-3, momentum=0.9, weight_decay=0.0, batch_size=None):
    """Nesterov momentum: b_t = momentum * b_{t-1} + g;  p <- p - lr * (g + momentum * b_t)."""
    return sgd(lr, momentum, 0.0, True, weight_decay, batch_size, name="nesterov")


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10,
            batch_size=None):
    """Adagrad, torch.optim.Adagrad: each coordinate's rate shrinks with its gradient history.

        s_t = s_{t-1} + g^2;   p <- p - lr / (1 + t * lr_decay) * g / (sqrt(s_t) + eps)
    """
    sched, lr_batch, lr_shown = _lr(lr)
    lr_decay = positive_number("lr_decay", lr_decay, allow_zero=True)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    iav = positive_number("initial_accumulator_value", initial_accumulator_value, allow_zero=True)
    eps = positive_number("eps", eps, allow_zero=True)
    hp = _prep(lr_decay=lr_decay, weight_decay=weight_decay, initial_accumulator_value=iav, eps=eps)
    parts = [T.add_decayed_weights(hp["weight_decay"])] if np.any(weight_decay) else []
    parts += [T.scale_by_adagrad(hp["eps"], hp["initial_accumulator_value"]),
              T.scale_by_schedule(sched, hp["lr_decay"])]
    return _make("adagrad", T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, batch_size=None):
    """Adadelta, torch.optim.Adadelta:

        v_t = rho v + (1 - rho) g^2;   d = sqrt(a + eps) / sqrt(v_t + eps) * g
        a_t = rho a + (1 - rho) d^2;   p <- p - lr * d
    """
    sched, lr_batch, lr_shown = _lr(lr)
    rho = number_in("rho", rho, 0.0, 1.0, hi_open=False)
    eps = positive_number("eps", eps, allow_zero=True)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    hp = _prep(rho=rho, eps=eps, weight_decay=weight_decay)
    parts = [T.add_decayed_weights(hp["weight_decay"])] if np.any(weight_decay) else []
    parts += [T.scale_by_adadelta(hp["rho"], hp["eps"]), T.scale_by_schedule(sched)]
    return _make("adadelta", T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
            batch_size=None):
    """RMSprop, torch.optim.RMSprop:

        v_t = alpha v + (1 - alpha) g^2;   g~ = g / (sqrt(v_t) + eps)
        (momentum > 0: b_t = momentum b + g~, g~ <- b_t);   p <- p - lr * g~
    """
    sched, lr_batch, lr_shown = _lr(lr)
    alpha = number_in("alpha", alpha, 0.0, 1.0, hi_open=False)
    eps = positive_number("eps", eps, allow_zero=True)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    momentum = number_in("momentum", momentum, 0.0, 1.0, hi_open=False)
    hp = _prep(alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
    parts = [T.add_decayed_weights(hp["weight_decay"])] if np.any(weight_decay) else []
    parts.append(T.scale_by_rms(hp["alpha"], hp["eps"], _flag("centered", centered)))
    if np.any(momentum):
        parts.append(T.trace(hp["momentum"], first_is_gradient=False))
    parts.append(T.scale_by_schedule(sched))
    if centered:
        hp["centered"] = True
    return _make("rmsprop", T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def _betas(betas, beta1, beta2, name="betas", parts=("beta1", "beta2"), hi_open=True):
    """A pair given as ``betas=(a, b)`` or by its parts (``beta1=``, ``beta2=``), each checked in [0, 1)."""
    if not isinstance(betas, (list, tuple, np.ndarray)) or len(betas) != 2:
        raise UserInputError(f"{name} must be a pair ({', '.join(parts)}), got {betas!r}")
    return (number_in(parts[0], betas[0] if beta1 is None else beta1, 0.0, 1.0, hi_open=hi_open),
            number_in(parts[1], betas[1] if beta2 is None else beta2, 0.0, 1.0, hi_open=hi_open))


def _adam_like(name, scale, lr, betas, eps, weight_decay, decoupled, beta1, beta2, batch_size, **extra):
    """The Adam family: optional weight decay (L2 on the gradient, or decoupled as in AdamW),
    the family member's scaling ``scale(hp)`` of the gradient, then -lr."""
    sched, lr_batch, lr_shown = _lr(lr)
    b1, b2 = _betas(betas, beta1, beta2)
    eps = positive_number("eps", eps, allow_zero=True)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    decoupled = _flag("decoupled_weight_decay", decoupled)
    hp = _prep(beta1=b1, beta2=b2, eps=eps, weight_decay=weight_decay, **extra)
    decay = np.any(weight_decay)
    parts = [T.add_decayed_weights(hp["weight_decay"])] if decay and not decoupled else []
    parts += [scale(hp), T.scale_by_schedule(sched)]
    if decay and decoupled:
        parts.append(T.add_decoupled_weight_decay(sched, hp["weight_decay"]))
    if decoupled and name != "adamw":
        hp["decoupled_weight_decay"] = True
    return _make(name, T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled_weight_decay=False,
         beta1=None, beta2=None, batch_size=None):
    """Adam, torch.optim.Adam (t = 1, 2, ...):

        m_t = beta1 m + (1 - beta1) g;   v_t = beta2 v + (1 - beta2) g^2
        p <- p - lr / (1 - beta1^t) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)

    ``amsgrad``: the running maximum of v_t instead; ``decoupled_weight_decay``: as AdamW.
    """
    ams = _flag("amsgrad", amsgrad)
    opt = _adam_like("adam", lambda hp: T.scale_by_adam(hp["beta1"], hp["beta2"], hp["eps"], ams), lr, betas, eps,
                     weight_decay, decoupled_weight_decay, beta1, beta2, batch_size)
    return dataclasses.replace(opt, hyperparams={**opt.hyperparams, "amsgrad": True}) if ams else opt


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, beta1=None, beta2=None,
          batch_size=None):
    """AdamW, torch.optim.AdamW: Adam with decoupled weight decay (Loshchilov & Hutter):

        p <- p - lr * weight_decay * p,  then the Adam step (the decay is not in m or v)
    """
    ams = _flag("amsgrad", amsgrad)
    opt = _adam_like("adamw", lambda hp: T.scale_by_adam(hp["beta1"], hp["beta2"], hp["eps"], ams), lr, betas,
                     eps, weight_decay, True, beta1, beta2, batch_size)
    return dataclasses.replace(opt, hyperparams={**opt.hyperparams, "amsgrad": True}) if ams else opt


def nadam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3,
          decoupled_weight_decay=False, beta1=None, beta2=None, batch_size=None):
    """NAdam, torch.optim.NAdam: Adam with Nesterov momentum (Dozat), t = 1, 2, ...:

        mu_t = beta1 (1 - 0.96^(t * momentum_decay) / 2),   m_t, v_t as in Adam
        p <- p - lr * ((1 - mu_t) / (1 - mu_1...mu_t) g + mu_{t+1} / (1 - mu_1...mu_{t+1}) m_t)
                    / (sqrt(v_t / (1 - beta2^t)) + eps)
    """
    psi = positive_number("momentum_decay", momentum_decay, allow_zero=True)
    def scale(hp):
        return T.scale_by_nadam(hp["beta1"], hp["beta2"], hp["eps"], hp["momentum_decay"])

    return _adam_like("nadam", scale, lr, betas, eps, weight_decay, decoupled_weight_decay, beta1, beta2, batch_size,
                      momentum_decay=psi)


def radam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False, beta1=None,
          beta2=None, batch_size=None):
    """RAdam, torch.optim.RAdam: Adam with its early variance rectified (Liu et al.), t = 1, 2, ...:

        rho_inf = 2 / (1 - beta2) - 1,   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        rho_t > 5:  p <- p - lr * m_t / (1 - beta1^t) * r_t * sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
        else:       p <- p - lr * m_t / (1 - beta1^t)      (momentum only, the first few steps)
        r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    """
    return _adam_like("radam", lambda hp: T.scale_by_radam(hp["beta1"], hp["beta2"], hp["eps"]), lr, betas, eps,
                      weight_decay, decoupled_weight_decay, beta1, beta2, batch_size)


def adamax(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, beta1=None, beta2=None, batch_size=None):
    """Adamax, torch.optim.Adamax: Adam with the infinity norm, t = 1, 2, ...:

        m_t = beta1 m + (1 - beta1) g;   u_t = max(beta2 u_{t-1}, |g| + eps)
        p <- p - lr / (1 - beta1^t) * m_t / u_t
    """
    return _adam_like("adamax", lambda hp: T.scale_by_adamax(hp["beta1"], hp["beta2"], hp["eps"]), lr, betas, eps,
                      weight_decay, False, beta1, beta2, batch_size)


def rprop(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0), etaminus=None, etaplus=None, step_min=None,
          step_max=None):
    """Rprop, torch.optim.Rprop (full batch): only the gradient's sign counts. Each coordinate's
    step size s starts at lr (later rates of a schedule are not used, as in torch):

        same sign as last step: s <- min(s * etaplus, step_max);  p <- p - sign(g) * s
        sign flipped:           s <- max(s * etaminus, step_min); no step (g counts as 0)
    """
    sched, lr_batch, lr_shown = _lr(lr)
    em, ep = _pair("etas", etas, etaminus, etaplus, ("etaminus", "etaplus"))
    if not (np.all(np.asarray(em) < 1) and np.all(np.asarray(ep) > 1)):
        raise UserInputError(f"Rprop needs 0 < etaminus < 1 < etaplus, got etaminus={em!r}, etaplus={ep!r}")
    lo, hi = _pair("step_sizes", step_sizes, step_min, step_max, ("step_min", "step_max"))
    if not np.all(np.asarray(lo) <= np.asarray(hi)):
        raise UserInputError(f"step_min must be <= step_max, got {lo!r} and {hi!r}")
    hp = _prep(etaminus=em, etaplus=ep, step_min=lo, step_max=hi)
    lr0 = sched(0) if trusted(sched) else rate_at(sched, 0, lr_batch)
    lr0 = lr0[:, None] if np.ndim(lr0) == 1 else lr0
    transform = T.rprop(lr0, hp["etaminus"], hp["etaplus"], hp["step_min"], hp["step_max"])
    return _make("rprop", transform, sched, lr_shown, lr_batch, hp, None)


def _pair(name, pair, first, second, parts):
    """A positive pair given whole (``etas=(a, b)``) or by its parts."""
    if not isinstance(pair, (list, tuple, np.ndarray)) or len(pair) != 2:
        raise UserInputError(f"{name} must be a pair ({', '.join(parts)}), got {pair!r}")
    return (positive_number(parts[0], pair[0] if first is None else first),
            positive_number(parts[1], pair[1] if second is None else second))


def lion(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, beta1=None, beta2=None, batch_size=None):
    """Lion (Chen et al. 2023; pytorch-optimizer's Lion): the sign of an interpolated momentum.

        c = beta1 m + (1 - beta1) g;   p <- p - lr * (sign(c) + weight_decay * p)
        m <- beta2 m + (1 - beta2) g
    """
    sched, lr_batch, lr_shown = _lr(lr)
    b1, b2 = _betas(betas, beta1, beta2)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    hp = _prep(beta1=b1, beta2=b2, weight_decay=weight_decay)
    parts = [T.scale_by_lion(hp["beta1"], hp["beta2"]), T.scale_by_schedule(sched)]
    if np.any(weight_decay):
        parts.append(T.add_decoupled_weight_decay(sched, hp["weight_decay"]))
    return _make("lion", T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def newton(lr=1.0, damping=0.0):
    """Newton's method with the exact Hessian H (full batch; damped: lr < 1 or damping > 0):

        p <- p - lr * (H(p) + damping * I)^-1 g        (lr = 1, damping = 0: the pure Newton step)

    In 1-D this is the course's best step |g'| / g''. Where H is not positive definite (an
    eigenvalue <= 0: a saddle or a maximum nearby) the step heads for that stationary point, not
    for a minimum: the run records H's eigenvalues (``state["curvature"]``) and warns.
    """
    sched, lr_batch, lr_shown = _lr(lr)
    damping = positive_number("damping", damping, allow_zero=True)
    hp = _prep(damping=damping)

    def transform(hessian):
        return T.chain(T.newton_direction(hessian, hp["damping"]), T.scale_by_schedule(sched))

    def bind(surface):
        return _make("newton", transform(surface._hessian), sched, lr_shown, lr_batch, dict(hp), None)

    return _make("newton", transform(_unbound("newton", "Hessian")), sched, lr_shown, lr_batch, dict(hp), None,
                 bind=bind)


def _unbound(name, what):
    def missing(params):
        raise UserInputError(f"{name} needs the surface's {what}: run it with gd.run(optimizer, surface)")

    return missing


def custom(step=None, *, init=None, update=None, lr=None, name="custom", **unknown) -> Optimizer:
    """Wrap your own optimizer so the engine runs it.

    Either a plain ``step(params, grad, t) -> new_params`` (stateless), or an optax-style pair
    ``init(params) -> state`` and ``update(grads, state, params, t) -> (updates, state)``.
    ``params`` and ``grad`` have shape (B, d) (B = 1 for a single path) and are copies, yours to
    change; what you return must be numbers of that shape (or (d,) for a single path). Anything
    else, or an exception raised inside your function, stops the run with a UserInputError that
    names your function and the step.

        >>> halve = custom(lambda p, g, t: p - 0.5 * g)
    """
    if unknown:
        raise unknown_name("parameter for a custom optimizer", next(iter(unknown)),
                           ["step", "init", "update", "lr", "name"])
    if not isinstance(name, str) or not name:
        raise UserInputError(f"name must be non-empty text, got {name!r}")
    sched = as_schedule(lr) if lr is not None else None
    if step is not None:
        if init is not None or update is not None:
            raise UserInputError("give a custom optimizer step=..., or init=... and update=..., not both")
        if not callable(step):
            raise UserInputError("step must be a function step(params, grad, t) -> new_params")
        who = label(step, "step function")

        def upd(g, state, params, t):
            p = np.asarray(params, dtype=float)
            try:  # copies: the step may change them in place
                new = step(p.copy(), np.array(g, dtype=float), t)
            except Exception as e:
                raise UserInputError(f"{who} raised {exception_text(e)} at step {t}") from e
            return _numbers(new, p, who, t, "the new params") - p, state

        return Optimizer(name, _no_state, _mark_checked(upd), {}, sched)
    if not (callable(init) and callable(update)):
        raise UserInputError("a custom optimizer needs step=..., or both init=... and update=...")
    return guard(Optimizer(name, init, update, {}, sched))


def guard(opt: Optimizer) -> Optimizer:
    """``opt`` as the engine may run it: one made by the factories above as it is; any other
    (e.g. ``Optimizer(...)`` built by hand) with its fields checked and its ``init`` and
    ``update`` wrapped so that what they return, or raise, becomes a UserInputError."""
    if getattr(opt.update, "_gdviz_checked", False):
        return opt
    if not isinstance(opt.name, str) or not opt.name:
        raise UserInputError(f"an optimizer's name must be non-empty text, got {opt.name!r}")
    if not isinstance(opt.hyperparams, dict):
        raise UserInputError(f"an optimizer's hyperparams must be a dict, got {opt.hyperparams!r}")
    if not (callable(opt.init) and callable(opt.update)):
        raise UserInputError("an optimizer needs init(params) -> state and "
                             "update(grads, state, params, t) -> (updates, state) functions")
    batch = opt.batch
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1):
        raise UserInputError(f"an optimizer's batch must be None or a whole number >= 1, got {batch!r}")
    sched = opt.lr if opt.lr is None or callable(opt.lr) else as_schedule(opt.lr)
    init, update = opt.init, opt.update
    iwho, uwho = label(init, "init function"), label(update, "update function")

    def checked_init(params):
        try:
            return init(np.array(params, dtype=float))
        except Exception as e:
            raise UserInputError(f"{iwho} raised {exception_text(e)} at the start") from e

    def checked_update(g, state, params, t):
        p = np.asarray(params, dtype=float)
        try:
            out = update(np.array(g, dtype=float), state, p.copy(), t)
        except Exception as e:
            raise UserInputError(f"{uwho} raised {exception_text(e)} at step {t}") from e
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise UserInputError(f"{uwho} returned {_what(out)} at step {t}; it must return a pair "
                                 "(updates, state)")
        return _numbers(out[0], p, uwho, t, "the updates"), out[1]

    return dataclasses.replace(opt, init=checked_init, update=_mark_checked(checked_update), lr=sched,
                               batch_size=_batch_size(opt.batch_size), batch=None if batch is None else int(batch))


def _no_state(params):
    return ()


def _mark_checked(fn):
    """Mark an update function whose results need no checking (ours, or already wrapped)."""
    fn._gdviz_checked = True
    return fn


def _what(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    return shown(value)


def _numbers(value, params: np.ndarray, who: str, t, what: str) -> np.ndarray:
    """What a user's function returned as ``what``, checked: numbers shaped like ``params``
    ((d,) is taken for (1, d)). Returns a float array of ``params``' shape."""
    if type(value) is np.ndarray and value.dtype == np.float64 and value.shape == params.shape:
        return value  # the common case
    need = f"it must return {what}: numbers in an array of shape {params.shape}, like params"
    if value is None:
        raise UserInputError(f"{who} returned None at step {t}; {need}")
    try:
        arr = np.asarray(value)
    except Exception:
        arr = None
    if arr is None or arr.dtype.kind not in "fiu":
        got = shown(arr) if isinstance(value, np.ndarray) else _what(value)
        raise UserInputError(f"{who} returned {got} at step {t}; {need}")
    if arr.shape != params.shape:
        if arr.shape == params.shape[1:] and params.shape[:1] == (1,) or arr.size == params.size == 1:
            arr = arr.reshape(params.shape)
        else:
            got = shown(value) if arr.ndim == 0 else f"an array of shape {arr.shape}"
            raise UserInputError(f"{who} returned {got} at step {t}; {need}")
    return arr.astype(float)
