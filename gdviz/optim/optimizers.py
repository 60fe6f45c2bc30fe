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
    """

    name: str
    init: Callable
    update: Callable
    hyperparams: dict = field(default_factory=dict)
    lr: Callable | None = None
    batch_size: int | None = None
    batch: int | None = None

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


def _make(name, transform, sched, lr_shown, lr_batch, hp, batch_size):
    b = hp.pop("_batch")
    if lr_batch and b and lr_batch != b:
        raise UserInputError(f"lr has {lr_batch} values but other hyperparameters have {b}")
    hp_shown = {"lr": lr_shown}
    for k, v in hp.items():
        hp_shown[k] = v.ravel().tolist() if isinstance(v, np.ndarray) else v
    if batch_size is not None:
        hp_shown["batch_size"] = batch_size
    _mark_checked(transform.update)  # built from the transforms: its updates need no checking
    return Optimizer(name, transform.init, transform.update, hp_shown, sched, batch_size, lr_batch or b)


def _prep(**hp):
    hp = {k: (np.asarray(v, float) if isinstance(v, (list, tuple, np.ndarray)) else v)
          for k, v in hp.items()}
    out, b = _batched(hp)
    out["_batch"] = b
    return out


def sgd(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
        batch_size=None, *, name="gd"):
    """Gradient descent, torch.optim.SGD.

        g <- g + weight_decay * p
        b_t = g (t = 0);  b_t = momentum * b_{t-1} + (1 - dampening) * g
        g <- g + momentum * b_t  (nesterov)   or   g <- b_t  (momentum > 0)
        p <- p - lr * g
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
    return _make(name, T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


def gd(lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0, batch_size=None):
    """Full-batch gradient descent: p <- p - lr * grad L(p) (torch.optim.SGD on the whole data)."""
    return sgd(lr, momentum, dampening, nesterov, weight_decay, batch_size, name="gd")


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


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, beta1=None,
         beta2=None, batch_size=None):
    """Adam, torch.optim.Adam (t = 1, 2, ...):

        m_t = beta1 m + (1 - beta1) g;   v_t = beta2 v + (1 - beta2) g^2
        p <- p - lr / (1 - beta1^t) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)
    """
    sched, lr_batch, lr_shown = _lr(lr)
    if not isinstance(betas, (list, tuple, np.ndarray)) or len(betas) != 2:
        raise UserInputError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    amsgrad = _flag("amsgrad", amsgrad)
    b1 = number_in("beta1", betas[0] if beta1 is None else beta1, 0.0, 1.0)
    b2 = number_in("beta2", betas[1] if beta2 is None else beta2, 0.0, 1.0)
    eps = positive_number("eps", eps, allow_zero=True)
    weight_decay = positive_number("weight_decay", weight_decay, allow_zero=True)
    hp = _prep(beta1=b1, beta2=b2, eps=eps, weight_decay=weight_decay)
    parts = [T.add_decayed_weights(hp["weight_decay"])] if np.any(weight_decay) else []
    parts += [T.scale_by_adam(hp["beta1"], hp["beta2"], hp["eps"], bool(amsgrad)),
              T.scale_by_schedule(sched)]
    if amsgrad:
        hp["amsgrad"] = True
    return _make("adam", T.chain(*parts), sched, lr_shown, lr_batch, hp, _batch_size(batch_size))


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
