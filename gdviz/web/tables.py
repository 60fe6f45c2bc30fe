"""Tables the page reads, exported from the Python registries (one source of truth).

- :func:`optimizer_table`: every optimizer of ``gdviz.optim.OPTIMIZERS`` with its hyperparameters
  (names and defaults read with ``inspect.signature``; how each is shown from :data:`HYPER`), its
  colour, its name in English and Chinese and its update rule (from its docstring).
- :func:`mirrored`: the optimizers the page's JavaScript engine has a rule for (read from
  ``js/engine.js``); :func:`missing` the others, so a new optimizer without a mirror is named,
  never silently dropped.
- :func:`style_table` and :func:`labels`: colours and labels of ``gdviz.style``.

    >>> [h["name"] for h in optimizer_table()["adam"]["hyper"]]
    ['lr', 'beta1', 'beta2', 'eps', 'weight_decay', 'amsgrad', 'batch_size']
"""
from __future__ import annotations

import functools
import inspect
import re
from pathlib import Path

from .. import style
from ..errors import UserInputError
from .bundle import JS_DIR

HERE = Path(__file__).parent
ENGINE_JS = JS_DIR / "engine.js"
CSS = HERE / "explorer.css"

# How the page shows each hyperparameter (Python's names): type and slider. Python checks the
# value again when a trajectory is made from the widget. A hyperparameter missing here is a
# test failure that names it (tests/test_explorer.py).
HYPER = {
    "lr": dict(type="number", min=1e-5, max=10.0, log=True),
    "momentum": dict(type="number", min=0.0, max=0.999, step=0.001),
    "dampening": dict(type="number", min=0.0, max=1.0, step=0.01),
    "nesterov": dict(type="bool"),
    "weight_decay": dict(type="number", min=0.0, max=1.0, step=0.001),
    "batch_size": dict(type="int", min=1, max=None, step=1),   # max: the data's size; None: full batch
    "lr_decay": dict(type="number", min=0.0, max=1.0, step=0.001),
    "initial_accumulator_value": dict(type="number", min=0.0, max=10.0, step=0.01),
    "eps": dict(type="number", min=1e-12, max=1.0, log=True),
    "rho": dict(type="number", min=0.0, max=0.999, step=0.001),
    "alpha": dict(type="number", min=0.0, max=0.999, step=0.001),
    "centered": dict(type="bool"),
    "beta1": dict(type="number", min=0.0, max=0.999, step=0.001),
    "beta2": dict(type="number", min=0.0, max=0.9999, step=0.0001),
    "amsgrad": dict(type="bool"),
    "decoupled_weight_decay": dict(type="bool"),
    "line_search": dict(type="bool"),
    "momentum_decay": dict(type="number", min=0.0, max=0.1, step=0.001),
    "etaminus": dict(type="number", min=0.01, max=0.99, step=0.01),
    "etaplus": dict(type="number", min=1.01, max=3.0, step=0.01),
    "step_min": dict(type="number", min=1e-9, max=1.0, log=True),
    "step_max": dict(type="number", min=1e-3, max=100.0, log=True),
    "damping": dict(type="number", min=0.0, max=10.0, step=0.01),
}
# a tuple parameter shown as its parts: adam(betas=(0.9, 0.999)) also takes beta1=, beta2=
DERIVED = {"betas": ("beta1", "beta2"), "etas": ("etaminus", "etaplus"), "step_sizes": ("step_min", "step_max")}
# the hyperparameters shown first (the rest fold under "more"): what each optimizer is about
PRIMARY = {"momentum": ("momentum",), "nesterov": ("momentum",), "rmsprop": ("alpha", "momentum"),
           "adadelta": ("rho",), "adam": ("beta1", "beta2"), "adagrad": ("lr_decay",), "sgd": ("batch_size",),
           "adamw": ("weight_decay",), "nadam": ("beta1", "momentum_decay"), "radam": ("beta1", "beta2"),
           "adamax": ("beta1", "beta2"), "rprop": ("etaminus", "etaplus"), "lion": ("beta1", "beta2"),
           "newton": ("damping",), "gd": ("line_search",)}


@functools.cache
def _js_rules() -> tuple[str, ...]:
    """The names in ``export const RULES = { ... }`` of js/engine.js, in order."""
    text = ENGINE_JS.read_text(encoding="utf-8")
    m = re.search(r"^export const RULES = \{\n(.*?)^\};", text, re.S | re.M)
    if not m:
        raise RuntimeError("js/engine.js has no 'export const RULES = {' block")
    return tuple(re.findall(r"^  ([a-z][a-z0-9_]*):", m.group(1), re.M))


def mirrored() -> list[str]:
    """Registry optimizers with a JavaScript rule, in the registry's order."""
    from ..optim import OPTIMIZERS

    return [n for n in OPTIMIZERS if n in _js_rules()]


def missing() -> list[str]:
    """Registry optimizers without a JavaScript rule (the page leaves them out and says so)."""
    from ..optim import OPTIMIZERS

    return [n for n in OPTIMIZERS if n not in _js_rules()]


def hyperparameters(name: str, strict: bool = True) -> list[dict]:
    """The hyperparameters of optimizer ``name`` as the page shows them: name, default, type,
    slider limits, label (English, Chinese) and whether it is shown first. One missing from
    :data:`HYPER` is a UserInputError naming it (``strict``), else left out: the page then keeps
    it at its default (see :func:`unshown`)."""
    out = []
    for pname, default in _signature(name):
        if pname in HYPER:
            out.append(_hyper(name, pname, default))
        elif strict:
            raise UserInputError(f"the explorer does not know how to show hyperparameter '{pname}' of "
                                 f"'{name}'; add it to gdviz/web/tables.py HYPER")
    return out


def _signature(name: str) -> list[tuple[str, object]]:
    """(name, default) of each hyperparameter of a registry optimizer (tuples split by DERIVED);
    a factory of gdviz.optim.optimizers not registered yet is read the same way."""
    from ..optim import OPTIMIZERS, optimizers

    parts = {sub for subs in DERIVED.values() for sub in subs}
    out = []
    for p in inspect.signature(OPTIMIZERS.get(name) or getattr(optimizers, name)).parameters.values():
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if p.name in DERIVED:
            out += [(sub, p.default[i]) for i, sub in enumerate(DERIVED[p.name])]
        elif not (p.name in parts and p.default is None):   # beta1=None: given by betas
            out.append((p.name, p.default))
    return out


def unshown() -> dict[str, list[str]]:
    """optimizer -> its hyperparameters the page cannot show yet (not in :data:`HYPER`)."""
    out = {name: [p for p, _ in _signature(name) if p not in HYPER] for name in mirrored()}
    return {k: v for k, v in out.items() if v}


def _hyper(optimizer: str, name: str, default) -> dict:
    return {"name": name, "default": default, **HYPER[name], "label": _pair(f"hp {name}"),
            "primary": name == "lr" or name in PRIMARY.get(optimizer, ())}


def optimizer_table() -> dict:
    """name -> {label, colour, hyper, rule} for every mirrored optimizer."""
    from ..optim import rule

    return {name: {"label": list(style.OPTIMIZER_NAMES.get(name, (name, name))), "colour": style.colour(name, i),
                   "hyper": hyperparameters(name, strict=False), "rule": rule(name)}
            for i, name in enumerate(mirrored())}


def _pair(key: str) -> list[str]:
    return [style.label(key, "en"), style.label(key, "zh")]


def labels() -> dict:
    """Every label of gdviz.style, key -> [English, Chinese]."""
    return {k: list(v) for k, v in style.LABELS.items()}


def style_table() -> dict:
    """Colours, dash patterns and fonts the page draws with (those of the figures)."""
    from ..render.axes import CARRIED, FIELD_COLOUR, PUSH, STEP

    return {"ink": style.INK, "muted": style.MUTED, "diverged": style.DIVERGED, "font": style.FONT_FAMILY,
            "regimes": dict(style.REGIME_COLOURS), "contour_line": "#8a96b3", "field": FIELD_COLOUR,
            "push": PUSH, "carried": CARRIED, "step": STEP, "box": style.OKABE_ITO["orange"],
            "series": style.SERIES, "star": style.OKABE_ITO["yellow"],
            "dashes": {c: list(d) for c, d in style.DASHES.items()},
            "rates": [list(stop) for stop in style.RATE_COLOURS]}
