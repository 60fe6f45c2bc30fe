"""Foreign optimizers run by gdviz's engine: any ``torch.optim.Optimizer`` subclass (torch's own,
pytorch-optimizer's, your own) and any optax ``GradientTransformation``, each wrapped as an
:class:`~gdviz.optim.Optimizer` (an ``(init, update)`` pair), so the same engine, stopping rules,
recording and renderers serve them.

    >>> import torch, gdviz as gd
    >>> traj = gd.run(gd.optimizer(torch.optim.AdamW, lr=1e-2, weight_decay=0.05), "rosenbrock", steps=100)
    >>> traj.optimizer, sorted(traj.state)
    ('torch:AdamW', ['exp_avg', 'exp_avg_sq'])
    >>> import optax
    >>> traj = gd.run(gd.optimizer(optax.adam(1e-2)), "rosenbrock", steps=100)
    >>> sorted(traj.state)
    ['mu', 'nu']

torch: float64 parameters living in a buffer that the adapter shares with torch (no copies).
Each update puts g into ``p.grad``, calls ``step()`` and returns the change in params; the state
recorded is ``optimizer.state[p]`` under torch's own names (its arrays of the params' shape;
scalars such as ``step`` are left out). Hyperparameter arrays of shape (B,) (or (B, 2) for a pair
such as ``betas``) make B runs, as for the named optimizers: for ``torch.optim``'s classes one
parameter of shape (d,) per member, each in its own param group, and one ``step()`` for the
batch; for any other class (which may couple its parameters, e.g. through a global norm) one
optimizer per member. A batch that shares its hyperparameters (several starts) steps as one
(B, d) parameter for torch's elementwise classes (``ELEMENTWISE``). Every way, a batch equals
the same runs made one at a time, and a member the engine has stopped (its params frozen) cannot
disturb the others.

optax: float64 (``jax_enable_x64`` is switched on), the transform ``vmap``-ed over a batch of
starts (the same hyperparameters for every member) and jitted; the recorded state is each array
of the params' shape under optax's field names (``mu``, ``nu``, ``trace``), prefixed by where it
sits when a name repeats.

Neither library is imported until it is used. By name (the CLI's ``--optimizer``), only an
allowlist resolves: ``torch:Name`` (a class in ``torch.optim``), ``pytorch_optimizer:Name`` and
``torch_optimizer:Name`` (a class exported by that package), each a subclass of
``torch.optim.Optimizer``, and ``optax:name`` (one of optax's optimizer aliases such as
``optax:adam``); nothing else is imported. A missing library is a one-line error naming the extra
to install (``pip install 'gdviz[torch]'``, ``pip install 'gdviz[jax]'``).

.. warning:: torch's classes and gdviz's named optimizers agree step for step; optax keeps its
   own conventions where they differ from torch's (``optax.adagrad`` starts its accumulator at
   0.1 with eps 1e-7, ``optax.rmsprop`` puts eps inside the square root, decay 0.9), so
   ``optax:rmsprop`` and ``rmsprop`` need not draw the same path (``optax:adam`` and ``adam`` do).

The engine sets ``params + u``; for torch, ``u`` is torch's new params minus the old, so a step
can differ from torch's own in the last bit where that subtraction rounds (near zero).
"""
from __future__ import annotations

import importlib
import inspect
import math
import re
import sys
from typing import NamedTuple

import numpy as np

from ..errors import UserInputError, unknown_name
from .optimizers import Optimizer, _batch_size, _mark_checked
from .schedules import Constant, exception_text

MAX_STATE = 16  # state arrays a trajectory file holds (gdviz.trajfile)
# torch.optim's classes whose update treats every element on its own (no norms, no factoring),
# so a batch sharing hyperparameters steps as one (B, d) parameter
ELEMENTWISE = frozenset({"SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "RMSprop",
                         "Rprop", "ASGD"})

# package prefix -> (module to search, what it is, how to install it)
PACKAGES = {
    "torch": ("torch.optim", "PyTorch", "pip install 'gdviz[torch]'"),
    "pytorch_optimizer": ("pytorch_optimizer", "pytorch-optimizer", "pip install 'gdviz[torch]' pytorch-optimizer"),
    "torch_optimizer": ("torch_optimizer", "torch-optimizer", "pip install 'gdviz[torch]' torch-optimizer"),
    "optax": ("optax", "optax and JAX", "pip install 'gdviz[jax]'"),
}
ACCEPTED = ("a gdviz optimizer name (see gdviz list), torch:Name (a torch.optim class such as torch:AdamW), "
            "pytorch_optimizer:Name, torch_optimizer:Name, or optax:name (an optax optimizer such as optax:adam)")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class AdapterState(NamedTuple):
    """An adapter's optimizer state. ``arrays``: name -> float64 copy of shape (B, d), what the
    engine records (``Trajectory.state``); ``live``: the library's own objects, which
    :func:`~gdviz.optim.transforms.state_paths` does not look into; ``version``: which update made it."""

    arrays: dict
    live: object
    version: int = 0


class _Opaque:
    """Holds a library object where state walkers do not look."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


# -- imports and names -----------------------------------------------------------------------
def _need(prefix: str, spec: str):
    """The module for ``prefix`` (from PACKAGES only), or a one-line error naming the extra."""
    module, what, install = PACKAGES[prefix]
    try:
        importlib.import_module("jax" if prefix == "optax" else "torch")  # the library underneath first
        return importlib.import_module(module)
    except ImportError:
        raise UserInputError(f"{spec} needs {what}: {install}") from None


def _torch(spec="a torch optimizer"):
    _need("torch", spec)
    return importlib.import_module("torch")


def _jax(spec="an optax transform"):
    """jax, jax.numpy and optax, with float64 switched on."""
    optax = _need("optax", spec)
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    return jax, jnp, optax


def is_torch_class(obj) -> bool:
    """True for a subclass of ``torch.optim.Optimizer`` (without importing torch)."""
    torch = _loaded("torch")
    return torch is not None and isinstance(obj, type) and issubclass(obj, torch.optim.Optimizer)


def is_torch_instance(obj) -> bool:
    torch = _loaded("torch")
    return torch is not None and isinstance(obj, torch.optim.Optimizer)


def is_optax(obj) -> bool:
    """True for an optax ``GradientTransformation`` (without importing optax)."""
    optax = _loaded("optax")
    return optax is not None and isinstance(obj, optax.GradientTransformation)


def is_optax_factory(obj) -> bool:
    """True for an optax function that makes a transform (``optax.adam`` not called)."""
    return callable(obj) and str(getattr(obj, "__module__", "")).split(".")[0] == "optax" and not is_optax(obj)


def _loaded(name):
    return sys.modules.get(name)  # None when never imported (or hidden)


def _torch_classes(module, torch) -> dict:
    """The public ``torch.optim.Optimizer`` subclasses that ``module`` defines or exports."""
    base = torch.optim.Optimizer
    return {n: v for n, v in vars(module).items()
            if not n.startswith("_") and isinstance(v, type) and issubclass(v, base) and v is not base}


def _optax_aliases(optax) -> dict:
    """optax's optimizers: the public functions of its alias module (adam, sgd, lion, ...)."""
    return {n: v for n, v in vars(optax).items()
            if not n.startswith("_") and inspect.isfunction(v) and v.__module__ == "optax._src.alias"}


def resolve(spec: str):
    """The class (or optax function) that ``spec`` names, from the allowlisted packages only:
    ``torch:AdamW`` -> ``torch.optim.AdamW``, ``pytorch_optimizer:Lion``, ``torch_optimizer:Name``,
    ``optax:adam`` -> ``optax.adam``. Anything else is a one-line UserInputError listing what is
    accepted. Names match exactly, or ignoring case when that is unambiguous."""
    text = str(spec)
    prefix, sep, name = text.partition(":")
    if not sep or prefix not in PACKAGES:
        raise UserInputError(f"unknown optimizer '{text}'; --optimizer takes {ACCEPTED}")
    if not _NAME.fullmatch(name):
        raise UserInputError(f"'{text}': after '{prefix}:' comes a plain name such as "
                             f"{'adam' if prefix == 'optax' else 'AdamW'} (letters, digits, _); "
                             f"--optimizer takes {ACCEPTED}")
    module = _need(prefix, text)
    if prefix == "optax":
        choices, kind = _optax_aliases(module), "optax optimizer"
    else:
        choices, kind = _torch_classes(module, importlib.import_module("torch")), f"{PACKAGES[prefix][0]} optimizer"
    if name in choices:
        return choices[name]
    folded = [n for n in choices if n.lower() == name.lower()]
    if len(folded) == 1:
        return choices[folded[0]]
    raise unknown_name(kind, name, sorted(choices))


def canonical(spec: str) -> str:
    """The name ``spec`` resolves to (see :func:`resolve`): ``torch:adamw`` is ``torch:AdamW``."""
    found = resolve(spec)
    return _torch_name(found) if isinstance(found, type) else f"optax:{found.__name__}"


def from_spec(spec: str, **hyperparameters) -> Optimizer:
    """``optimizer("torch:AdamW", lr=0.01)``: resolve ``spec`` (see :func:`resolve`) and wrap it."""
    found = resolve(spec)
    if isinstance(found, type):
        return torch_optimizer(found, **hyperparameters)
    return _optax_alias(found, f"optax:{found.__name__}", hyperparameters)


# -- hyperparameters ---------------------------------------------------------------------------
def _plain(v):
    """A hyperparameter as JSON-able data: numbers, text, true/false, null, lists of them."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else str(float(v))
    if v is None or isinstance(v, str):
        return v
    if hasattr(v, "ndim") and hasattr(v, "tolist"):  # numpy or torch or jax arrays
        return _plain(v.tolist())
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return str(v)


def _check_finite(hp: dict, defaults: dict, who: str):
    """Refuse inf and NaN, alone or inside a pair or a per-run list (``momentum=inf`` would only
    show as a divergence), unless the parameter's own default is not finite (then the library
    means such a value, e.g. no limit)."""
    for k, v in hp.items():
        if _not_finite(v) and not _not_finite(defaults.get(k)):
            raise UserInputError(f"{k} for {who} must be finite, got {_text(v)}")


def _not_finite(v) -> bool:
    if isinstance(v, (float, np.floating)):
        return not math.isfinite(v)
    if isinstance(v, np.ndarray) and v.dtype.kind == "f":
        return not np.isfinite(v).all()
    if isinstance(v, (list, tuple, np.ndarray)):
        return any(_not_finite(x) for x in v)
    return False


def _text(v) -> str:
    """A hyperparameter as it reads in a message: ``0.1``, ``inf``, ``(0.9, nan)``."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return "(" + ", ".join(_text(x) for x in v) + ")"
    return repr(float(v)) if isinstance(v, (float, np.floating)) else repr(v)


def _python(v, like):
    """A value for the library: numpy scalars and arrays as Python numbers and tuples."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, list) and isinstance(like, tuple):
        v = tuple(v)
    return v


def _split_batch(hp: dict, defaults: dict, who: str) -> tuple[list[dict], int | None]:
    """Per-member hyperparameters: a value shaped like the default is shared, one with an extra
    leading axis of length B (arrays or lists of shape (B,), or (B, 2) for a pair) holds one per
    member. Returns B dicts (or one when nothing varies) and B (or None)."""
    shared, varying, sizes = {}, {}, set()
    for k, v in hp.items():
        like = defaults.get(k)
        if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple, np.ndarray)):
            shared[k] = _python(v, like)
            continue
        try:
            shape = np.shape(v)
        except ValueError:  # ragged
            shape = None
        base = np.shape(like) if isinstance(like, (tuple, list)) else ()
        if shape == base:
            shared[k] = _python(np.asarray(v) if isinstance(v, np.ndarray) else v, like)
        elif shape is not None and len(shape) == len(base) + 1 and shape[1:] == base and shape[0] >= 1:
            varying[k] = [_python(x, like) for x in (np.asarray(v) if isinstance(v, np.ndarray) else v)]
            sizes.add(shape[0])
        else:
            one = "a pair" if base == (2,) else f"shape {base}" if base else "a number"
            per_run = f"(B, {', '.join(map(str, base))})" if base else "(B,)"
            got = "ragged lists" if shape is None else f"shape {shape}"
            raise UserInputError(f"{k} for {who} must be {one}, or one per run (shape {per_run}), got {got}")
    if len(sizes) > 1:
        raise UserInputError(f"hyperparameter arrays for {who} have different lengths: {sorted(sizes)}")
    if not sizes:
        return [shared], None
    B = sizes.pop()
    return [{**shared, **{k: vs[i] for k, vs in varying.items()}} for i in range(B)], B


def _shown(groups: list[dict], batch: int | None) -> dict:
    """Recorded hyperparameters: a value shared by every member once, else one per member; with
    a batch, a shared list (``betas``) once per member, so ``traj[i]`` picks the right one."""
    out = {}
    keys = list(groups[0])
    if "lr" in keys:
        keys.remove("lr")
        keys.insert(0, "lr")
    for k in keys:
        values = [_plain(g.get(k)) for g in groups]
        same = all(v == values[0] for v in values)
        if batch is None:
            out[k] = values[0]
        elif same and not isinstance(values[0], list):
            out[k] = values[0]
        else:
            out[k] = values
    return out


def _lr_schedule(values: list, batch: int | None):
    """A constant schedule of the members' learning rates, or None when they are not numbers."""
    rates = []
    for v in values:
        if hasattr(v, "ndim") and getattr(v, "ndim", 1) == 0 and hasattr(v, "item"):
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            return None
        rates.append(float(v))
    if not rates:
        return None
    return Constant(np.array(rates) if batch is not None else rates[0])


def _state_name(parts, taken) -> str:
    """A state name a trajectory file accepts (``[A-Za-z_][A-Za-z0-9_]{0,39}``), not yet taken."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", "_".join(str(p) for p in parts if p != "")) or "state"
    if not (name[0].isalpha() or name[0] == "_"):
        name = "s" + name
    name = name[:40]
    base, i = name, 1
    while name in taken:
        suffix = f"_{i}"
        name, i = base[: 40 - len(suffix)] + suffix, i + 1
    return name


# -- torch -----------------------------------------------------------------------------------
def _torch_name(cls) -> str:
    root = cls.__module__.split(".")[0]
    if root in ("torch", "pytorch_optimizer", "torch_optimizer"):
        return f"{root}:{cls.__name__}"
    return cls.__name__


def torch_optimizer(cls, **hyperparameters) -> Optimizer:
    """Wrap a ``torch.optim.Optimizer`` subclass: ``torch_optimizer(torch.optim.AdamW, lr=1e-2)``.

    Hyperparameters are the class's own (checked against its signature, and by the class when
    built for each member); ``batch_size`` (mini-batches on data surfaces) is gdviz's. The
    recorded name is e.g. ``torch:AdamW``, the hyperparameters those of the param group.
    """
    name = _torch_name(cls) if isinstance(cls, type) else "a torch optimizer"
    torch = _torch(name)
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)) or cls is torch.optim.Optimizer:
        raise UserInputError(f"{cls!r:.80} is not a torch.optim.Optimizer subclass; pass one such as "
                             "torch.optim.AdamW")
    step_sig = inspect.signature(cls.step)
    closure = step_sig.parameters.get("closure")
    if closure is not None and closure.default is inspect.Parameter.empty:
        raise UserInputError(f"{name} needs a closure that re-evaluates the loss inside step(), which gdviz's "
                             "engine does not give (it passes one gradient per step); choose another optimizer")
    sig = inspect.signature(cls.__init__).parameters
    named = {k: p.default for k, p in sig.items()
             if k not in ("self", "params") and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    batch_size = None
    if "batch_size" in hyperparameters and "batch_size" not in named:
        batch_size = _batch_size(hyperparameters.pop("batch_size"))
    for k in hyperparameters:
        if k not in named:
            raise unknown_name(f"hyperparameter for {name}", k, list(named))
    defaults = {k: (None if v is inspect.Parameter.empty else v) for k, v in named.items()}
    _check_finite(hyperparameters, defaults, name)
    members, batch = _split_batch(hyperparameters, defaults, name)
    # build each distinct member once: the class checks its hyperparameters (torch checks only
    # the constructor's, not a param group's), and its groups give what is recorded
    groups, built = [], {}
    for hp in members:
        key = repr(sorted(hp.items()))
        if key not in built:
            dummy = torch.zeros(1, dtype=torch.float64, requires_grad=True)
            try:
                probe = cls([dummy], **hp)
            except Exception as e:
                raise UserInputError(f"{name} could not be built with {_plain(hp)}: {exception_text(e)}") from None
            group = probe.param_groups[0]
            built[key] = {k: group.get(k, v) for k, v in probe.defaults.items()}
        groups.append(built[key])
    sched = _lr_schedule([g.get("lr") for g in groups], batch)
    grouped = cls.__module__.split(".")[:2] == ["torch", "optim"]

    def init(params):
        P = np.array(params, dtype=np.float64)
        hps = members if batch is not None else members * P.shape[0]
        run = _TorchRun(torch, cls, hps, P, grouped, name)
        return AdapterState(run.snapshot(), run, 0)

    def update(g, state, params, step):
        run = state.live
        if state.version != run.version:
            raise UserInputError(f"{name}'s state is torch's live optimizer: each state can be updated once, "
                                 "in order (start again from init)")
        u = run.step(g, params, step)
        return u, AdapterState(run.snapshot(), run, run.version)

    return Optimizer(name, init, _mark_checked(update), _shown(groups, batch), sched, batch_size, batch)


class _TorchRun:
    """One run's torch objects: float64 parameters sharing the buffer ``P`` (their grads sharing
    ``G``), and the optimizer(s) that step them. Each block is (optimizer, parameter, rows of P):
    the whole batch as one (B, d) parameter when every member has the same hyperparameters and
    the class is elementwise; else one (d,) parameter per member, in its own param group
    (torch.optim's classes: one step for the batch) or with its own optimizer (any other class)."""

    def __init__(self, torch, cls, hps, P, grouped, name):
        self.torch, self.name, self.version = torch, name, 0
        B, d = P.shape
        self.P, self.G = P, np.zeros_like(P)
        Pt, Gt = torch.from_numpy(self.P), torch.from_numpy(self.G)
        packed = cls.__name__ in ELEMENTWISE and grouped and all(hp == hps[0] for hp in hps)
        spans = [slice(0, B)] if packed else [slice(i, i + 1) for i in range(B)]
        self.views = [Pt[r] if packed else Pt[r.start] for r in spans]
        self.grads = [Gt[r] if packed else Gt[r.start] for r in spans]
        params = [torch.nn.Parameter(v) for v in self.views]
        try:
            if packed:
                opts = [cls(params, **hps[0])]
            elif grouped:  # torch.optim's classes honour every param group's own hyperparameters
                opts = [cls([{"params": [p], **hp} for p, hp in zip(params, hps)], **hps[0])] * B
            else:  # any other class may couple its parameters (a global norm...): one optimizer each
                opts = [cls([p], **hp) for p, hp in zip(params, hps)]
        except Exception as e:
            raise UserInputError(f"{name} could not be built: {exception_text(e)}") from None
        self.blocks = list(zip(opts, params, spans))
        self.opts = list({id(o): o for o in opts}.values())
        self.names = self._names(cls, hps, P)

    def _names(self, cls, hps, P) -> list[str]:
        """torch's names of the state arrays of the params' shape, in its order: from the state
        the constructor made, and from one step of a scratch copy of each distinct member."""
        torch, d = self.torch, P.shape[1]
        names: list[str] = []
        seen = set()
        for i, hp in enumerate(hps):
            key = repr(sorted(hp.items()))
            if key in seen:
                continue
            seen.add(key)
            p = torch.nn.Parameter(torch.tensor(P[i], dtype=torch.float64))
            try:
                scratch = cls([p], **hp)
                p.grad = torch.ones(d, dtype=torch.float64)
                scratch.step()
            except Exception as e:
                raise UserInputError(f"{self.name} cannot step a parameter of shape ({d},): "
                                     f"{exception_text(e)}") from None
            opt, param, _ = self.blocks[0 if len(self.blocks) == 1 else i]
            for state in (opt.state.get(param, {}), scratch.state.get(p, {})):
                for k, v in state.items():
                    if (isinstance(k, str) and k not in names and isinstance(v, torch.Tensor)
                            and tuple(v.shape)[-1:] == (d,) and v.is_floating_point()):
                        names.append(k)
        return names[:MAX_STATE]

    def step(self, g, params, t):
        np.copyto(self.P, params)
        np.copyto(self.G, g)
        for (_, p, _), view, grad in zip(self.blocks, self.views, self.grads):
            if p.data_ptr() != view.data_ptr():  # the optimizer gave p new storage: share ours again
                p.data = view
            if p.grad is not grad:
                p.grad = grad
        try:
            for opt in self.opts:
                opt.step()
        except Exception as e:
            raise UserInputError(f"{self.name} failed at step {t}: {exception_text(e)}") from None
        for (_, p, rows), view in zip(self.blocks, self.views):
            if p.data_ptr() != view.data_ptr():
                self.P[rows] = p.detach().numpy().reshape(-1, self.P.shape[1])
        self.version += 1
        return self.P - params

    def snapshot(self) -> dict:
        """The state arrays, (B, d) float64 copies; a member without one keeps zeros."""
        out = {}
        d = self.P.shape[1]
        for name in self.names:
            arr = np.zeros_like(self.P)
            for opt, p, rows in self.blocks:
                v = opt.state.get(p, {}).get(name)
                if v is not None and v.numel() == (rows.stop - rows.start) * d:  # any float type (AdaFactor: bfloat16)
                    arr[rows] = v.detach().to(self.torch.float64).numpy().reshape(-1, d)
            out[name] = arr
        return out


# -- optax -----------------------------------------------------------------------------------
def optax_optimizer(tx, *, name: str = "optax", batch_size=None) -> Optimizer:
    """Wrap an optax ``GradientTransformation`` (``optax.adam(1e-2)``, ``optax.chain(...)``).

    Its hyperparameters are set when it is built; ``name`` is what the trajectory records.
    A batch of starts shares them (the transform is vmapped over the batch).
    """
    if not isinstance(name, str) or not name:
        raise UserInputError(f"name must be non-empty text, got {name!r}")
    return _optax(tx, name, {}, None, _batch_size(batch_size), None)


def _optax_alias(fn, name: str, hyperparameters: dict) -> Optimizer:
    """``optax:adam`` with gdviz's hyperparameters: ``lr`` is optax's ``learning_rate`` (and is
    recorded as ``lr``, so the recorded hyperparameters rebuild the optimizer). Arrays
    of shape (B,) make B runs (through ``optax.inject_hyperparams``, one vmapped transform)."""
    jax, jnp, optax = _jax(name)
    hp = dict(hyperparameters)
    batch_size = _batch_size(hp.pop("batch_size", None))
    sig = inspect.signature(fn).parameters
    if "lr" in hp and "learning_rate" in sig:
        if "learning_rate" in hp:
            raise UserInputError(f"{name}: give the learning rate once, as lr or learning_rate, not both (got "
                                 f"lr={_text(hp['lr'])} and learning_rate={_text(hp['learning_rate'])})")
        hp["learning_rate"] = hp.pop("lr")
    for k in hp:
        if k not in sig:
            raise unknown_name(f"hyperparameter for {name}", k, list(sig))
    defaults = {k: (None if p.default is inspect.Parameter.empty else p.default) for k, p in sig.items()}
    _check_finite(hp, defaults, name)
    missing = [k for k, p in sig.items() if p.default is inspect.Parameter.empty and k not in hp
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if missing:
        need = "a learning rate (--lr X, or lr=X)" if missing == ["learning_rate"] else ", ".join(missing)
        raise UserInputError(f"{name} needs {need}")
    members, batch = _split_batch(hp, defaults, name)
    varying = sorted(k for k in members[0] if any(m[k] != members[0][k] for m in members))
    try:
        if batch is None:
            tx = fn(**members[0])
        else:
            bad = [k for k in varying if not all(isinstance(m[k], (int, float)) and not isinstance(m[k], bool)
                                                 for m in members)]
            if bad:
                raise UserInputError(f"{name}: only numbers can vary across runs, not {bad[0]}")
            tx = optax.inject_hyperparams(fn)(**members[0])
    except UserInputError:
        raise
    except Exception as e:
        raise UserInputError(f"{name} could not be built with {_plain(members[0])}: {exception_text(e)}") from None
    lrs = [m.get("learning_rate") for m in members]
    sched = _lr_schedule(lrs, batch) if "learning_rate" in members[0] else None
    shown = _shown([{("lr" if k == "learning_rate" else k): v for k, v in m.items()} for m in members], batch)
    over = {k: np.array([m[k] for m in members], dtype=np.float64) for k in varying} if batch is not None else None
    return _optax(tx, name, shown, sched, batch_size, batch, over)


def _optax(tx, name, shown, sched, batch_size, batch, over=None) -> Optimizer:
    jax, jnp, optax = _jax(name)
    if not isinstance(tx, optax.GradientTransformation):
        raise UserInputError(f"{tx!r:.80} is not an optax GradientTransformation; pass one such as optax.adam(1e-2)")
    vinit = jax.vmap(tx.init)
    vupdate = jax.jit(jax.vmap(tx.update))

    def init(params):
        P = jnp.asarray(np.asarray(params, dtype=np.float64))
        if P.dtype != jnp.float64:
            raise UserInputError(f"{name}: JAX did not give float64 arrays (jax_enable_x64 is off)")
        try:
            st = vinit(P)
        except Exception as e:
            raise UserInputError(f"{name} failed at the start: {exception_text(e)}") from None
        if over is not None:  # one value per member, where inject_hyperparams keeps them
            st = st._replace(hyperparams={**st.hyperparams, **{k: jnp.asarray(v) for k, v in over.items()}})
        paths = _optax_paths(st, P.shape)
        return AdapterState(_optax_arrays(st, paths), _Opaque((st, paths)), 0)

    def update(g, state, params, step):
        st, paths = state.live.value
        try:
            u, st = vupdate(jnp.asarray(g), st, jnp.asarray(params))
        except Exception as e:
            raise UserInputError(f"{name} failed at step {step}: {exception_text(e)}") from None
        return np.array(u, dtype=np.float64), AdapterState(_optax_arrays(st, paths), _Opaque((st, paths)), step + 1)

    return Optimizer(name, init, _mark_checked(update), shown, sched, batch_size, batch)


def _optax_paths(state, shape) -> list[tuple[str, tuple]]:
    """(name, path) of each array of ``shape`` in an optax state: its NamedTuple field name
    (``mu``, ``nu``, ``trace``), prefixed by the indices or keys of where it sits when a name repeats."""
    found = []

    def walk(node, path, where, field):
        if hasattr(node, "shape") and hasattr(node, "dtype") and not isinstance(node, (tuple, list, dict)):
            if tuple(node.shape) == tuple(shape) and np.issubdtype(np.dtype(node.dtype), np.floating):
                found.append((field or "state", path, where))
        elif hasattr(node, "_fields"):
            for i, f in enumerate(node._fields):
                walk(node[i], path + (i,), where, f)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,), where + (str(k),), str(k))
        elif isinstance(node, (tuple, list)):
            for i, v in enumerate(node):
                walk(v, path + (i,), where + (f"t{i}",), field)

    walk(state, (), (), None)
    counts: dict = {}
    for field, _, _ in found:
        counts[field] = counts.get(field, 0) + 1
    out, taken = [], set()
    for field, path, where in found[:MAX_STATE]:
        name = _state_name((*where, field) if counts[field] > 1 else (field,), taken)
        taken.add(name)
        out.append((name, path))
    return out


def _optax_arrays(state, paths) -> dict:
    out = {}
    for name, path in paths:
        node = state
        for key in path:
            node = node[key]
        out[name] = np.array(node, dtype=np.float64)
    return out
