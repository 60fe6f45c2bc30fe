"""The explorer's state: one declarative table drives the page's controls, its URL hash and the
notebook widget's synced traitlets (TensorFlow Playground's ``State.PROPS``, without the second,
hand-wired list of controls).

Each :class:`Prop` names one setting, its type, default, limits and label (a key of
``gdviz.style.LABELS``, English and Chinese). The page generates its controls from the table
(``group`` says where a control goes), writes every setting that differs from its default into
the hash (``#surface=rosenbrock&optimizer=adam&lr=0.05``) and reads it back, unknown or bad keys
falling back to the defaults; a ``hide`` list lets a teacher share a page with fewer controls
(``#hide=hyper,racers``). The widget has one traitlet per row.

    >>> [p.name for p in PROPS][:4]
    ['lang', 'mode', 'surface', 'racers']
    >>> prop("lr").default, prop("lr").log
    (0.076, True)

Types: ``enum`` (one of ``choices``), ``text``, ``number`` (``log`` for a logarithmic slider;
None allowed when the default is None), ``int``, ``bool``, ``point`` (a start: numbers, or None
for the surface's own), ``list`` (names among ``choices``), ``dict`` (hyperparameter name ->
value, Python's names) and ``settings`` (optimizer -> its dict, for the optimizers not shown).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from ..errors import UserInputError, unknown_name

MODES = ("single", "race", "exercise")
MAX_STEPS = 5000
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Prop:
    """One setting of the explorer (see the module docstring for the types)."""

    name: str
    type: str
    default: object
    label: str                      # key of gdviz.style.LABELS
    group: str | None = None        # where the control goes: None = no control of its own
    min: float | None = None
    max: float | None = None
    step: float | None = None
    log: bool = False
    choices: tuple | None = None
    hideable: bool = True

    def to_dict(self) -> dict:
        d = asdict(self)
        d["choices"] = list(self.choices) if self.choices is not None else None
        return d


def _optimizer_names() -> tuple:
    from .tables import mirrored

    return tuple(mirrored())


def _table() -> tuple[Prop, ...]:
    names = _optimizer_names()
    return (
        Prop("lang", "enum", "en", "explorer language", "header", choices=("en", "zh")),
        Prop("mode", "enum", "single", "explorer mode", "mode", choices=MODES),
        Prop("surface", "text", "elongated", "explorer surface", "surface"),
        Prop("racers", "list", ["gd", "momentum", "adam"], "explorer racers", "optimizer", choices=names),
        Prop("optimizer", "enum", "gd", "explorer optimizer", "optimizer", choices=names),
        Prop("lr", "number", 0.076, "learning rate", "optimizer", min=1e-5, max=10.0, log=True),
        Prop("hyper", "dict", {}, "explorer hyperparameters", "optimizer"),
        Prop("others", "settings", {}, "explorer others", None, hideable=False),
        Prop("start", "point", None, "start", "surface"),
        Prop("steps", "int", 500, "explorer max steps", "run", min=1, max=MAX_STEPS, step=1),
        Prop("tol", "number", None, "explorer tolerance", "run", min=1e-12, max=1.0, log=True),
        Prop("seed", "int", 0, "explorer seed", "run", min=0, max=MAX_SEED, step=1),
        Prop("t", "int", -1, "explorer shown step", None, min=-1, max=MAX_STEPS, step=1, hideable=False),
        Prop("speed", "number", 10.0, "explorer speed", "play", min=1.0, max=200.0, log=True),
        Prop("field", "bool", False, "explorer field", "layers"),
        Prop("internals", "bool", False, "explorer internals", "layers"),
        Prop("lecture", "bool", False, "explorer lecture", None),   # full screen, large type, fewer controls
        Prop("hide", "list", [], "explorer hide", None, hideable=False),
    )


def props(**defaults) -> tuple[Prop, ...]:
    """The table, with some defaults replaced (a page made for Rosenbrock starts there and keeps
    it out of its hash). Unknown names and bad values are a UserInputError.

        >>> props(surface="rosenbrock")[2].default
        'rosenbrock'
    """
    table = _table()
    by_name = {p.name: p for p in table}
    for name in defaults:
        if name not in by_name:
            raise unknown_name("explorer setting", name, by_name)
    hideable = tuple(p.name for p in table if p.hideable)
    out = []
    for p in table:
        if p.name == "hide":
            p = replace(p, choices=hideable)
        if p.name in defaults:
            p = replace(p, default=check(p, defaults[p.name]))
        out.append(p)
    return tuple(out)


def prop(name: str) -> Prop:
    """One row of the table by name."""
    for p in _table():
        if p.name == name:
            return p
    raise unknown_name("explorer setting", name, [p.name for p in _table()])


def check(p: Prop, value, what: str | None = None):
    """``value`` as the setting ``p`` holds it, or a UserInputError naming the setting (or ``what``:
    "hyperparameter 'beta1' of adam")."""
    what = what or f"explorer setting '{p.name}'"
    if p.type in ("enum", "text"):
        if not isinstance(value, str) or not value.strip():
            raise UserInputError(f"{what} must be text, got {value!r}")
        if p.choices is not None and value not in p.choices:   # a page's surfaces: its own keys
            raise unknown_name(p.name, value, p.choices)
        return value
    if p.type == "bool":
        if not isinstance(value, bool):
            raise UserInputError(f"{what} must be true or false, got {value!r}")
        return value
    if p.type in ("number", "int"):
        if value is None and p.default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UserInputError(f"{what} must be a number, got {value!r}")
        if p.type == "int" and math.isfinite(value) and not float(value).is_integer():
            raise UserInputError(f"{what} must be a whole number, got {value!r}")
        if not math.isfinite(value) or (p.min is not None and value < p.min) or \
                (p.max is not None and value > p.max) or (p.log and value <= 0):
            raise UserInputError(f"{what} must be {_interval(p)}, got {value!r}")
        return int(value) if p.type == "int" else float(value)
    if p.type == "point":
        if value is None:
            return None
        try:
            pt = [float(v) for v in value]
        except (TypeError, ValueError):
            raise UserInputError(f"{what} must be numbers, got {value!r}") from None
        if not 1 <= len(pt) <= 2 or not all(math.isfinite(v) for v in pt):
            raise UserInputError(f"{what} must be 1 or 2 finite numbers, got {value!r}")
        return pt
    if p.type == "list":
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise UserInputError(f"{what} must be a list of names, got {value!r}")
        for v in value:
            if p.choices is not None and v not in p.choices:
                raise unknown_name(p.name[:-1] if p.name.endswith("s") else p.name, v, p.choices)
        return list(dict.fromkeys(value))   # each name once
    if p.type in ("dict", "settings"):
        if not isinstance(value, dict):
            raise UserInputError(f"{what} must be a dict, got {value!r}")
        return dict(value)
    raise AssertionError(p.type)


def _interval(p: Prop) -> str:
    """The values a number may take, as an error names them: "in [0, 0.999]", "a finite number >= 1"."""
    if p.min is not None and p.max is not None:
        return f"in [{p.min:g}, {p.max:g}]"
    return f"a finite number >= {p.min:g}" if p.min is not None else "a finite number"


# -- the hyperparameters: checked against the optimizer's own table ---------------------------------
def focus(settings: dict) -> str:
    """The optimizer whose sliders show, and whose hyperparameters ``hyper`` holds: ``optimizer``;
    the exercise is gradient descent's."""
    return "gd" if settings.get("mode") == "exercise" else settings["optimizer"]


def check_hyper(optimizers: dict, name: str, hyper, with_lr: bool = False) -> dict:
    """``hyper`` (Python's names -> values) checked against optimizer ``name``'s rows of the page's
    table (``optimizers``: :func:`gdviz.web.tables.optimizer_table`): names it takes (``lr`` only
    ``with_lr``: it is a setting of its own), values in their ranges. A UserInputError names the
    first problem and what is accepted.

        >>> check_hyper(optimizer_table(), "adam", {"beta1": 0.8})
        {'beta1': 0.8}
    """
    if not isinstance(hyper, dict):
        raise UserInputError(f"the hyperparameters of {name} must be a dict, got {hyper!r}")
    rows = {r["name"]: r for r in optimizers[name]["hyper"] if with_lr or r["name"] != "lr"}
    out = {}
    for k, v in hyper.items():
        if k not in rows:
            raise UserInputError(f"unknown hyperparameter {k!r} of {name}; choose from: {', '.join(rows)}")
        r = rows[k]
        row = Prop(k, r["type"], r["default"], "", min=r.get("min"), max=r.get("max"), log=r.get("log", False))
        out[k] = check(row, v, f"hyperparameter '{k}' of {name}")
    return out


def check_others(optimizers: dict, others) -> dict:
    """``others`` (optimizer -> its lr and hyperparameters, kept while another is focused) checked
    against the table, as :func:`check_hyper` with ``lr``."""
    if not isinstance(others, dict):
        raise UserInputError(f"explorer setting 'others' must be a dict, got {others!r}")
    out = {}
    for name, settings in others.items():
        if name not in optimizers:
            raise unknown_name("optimizer", name, optimizers)
        if not isinstance(settings, dict):
            raise UserInputError(f"others[{name!r}] must be a dict of hyperparameters, got {settings!r}")
        out[name] = check_hyper(optimizers, name, settings, with_lr=True)
    return out


# -- what a change implies: the page's surface menu and mode buttons, the widget's traitlets --------
def on_surface(data: dict, settings: dict, key: str) -> dict:
    """The settings a new surface ``key`` brings (``data``: the page's data, ``settings``: the
    current ones): its own start, the focused optimizer's suggested rate there, the other
    optimizers' rates forgotten (theirs are suggested too), the whole path, and in a race that
    surface's race steps. The page's menu does the same (``onSurface``, gdviz/web/js/view.js).

        >>> on_surface(page_data(), {"mode": "single", "optimizer": "gd", "others": {}}, "egg-crate")["lr"]
        0.015
    """
    rec = data["surfaces"][key]
    others = {name: {k: v for k, v in hp.items() if k != "lr"} for name, hp in settings["others"].items()}
    out = {"surface": key, "start": None, "t": -1, "others": {n: hp for n, hp in others.items() if hp},
           "lr": rec["suggest"][focus(settings)]}
    if settings["mode"] == "race":
        out["steps"] = rec["race_steps"]
    return out


def on_optimizer(data: dict, settings: dict, name: str) -> dict:
    """The settings a newly focused optimizer ``name`` brings (the page's optimizer menu,
    ``focusOn`` in gdviz/web/js/view.js): the replaced one's rate and hyperparameters kept in
    ``others``, ``name``'s own brought back from there, else its suggested rate on this surface and
    its default hyperparameters; the whole path. (The exercise is gradient descent's: there the
    page and the widget refuse another optimizer.)

        >>> on_optimizer(page_data(), {"mode": "single", "surface": "elongated", "optimizer": "gd",
        ...                            "lr": 0.05, "hyper": {}, "others": {}}, "adam")["others"]
        {'gd': {'lr': 0.05}}
    """
    old = focus(settings)
    others = {**settings["others"], old: {"lr": settings["lr"], **settings["hyper"]}}
    own = dict(others.pop(name, {}))
    key = settings["surface"] if settings["surface"] in data["surfaces"] else data["order"][0]
    lr = own.pop("lr", data["surfaces"][key]["suggest"][name])
    return {"optimizer": name, "lr": lr, "hyper": own, "others": others, "t": -1}


def on_mode(data: dict, settings: dict, mode: str) -> dict:
    """The settings a new ``mode`` brings from ``settings`` (the page's mode buttons, ``setMode``
    in gdviz/web/js/view.js): the exercise is gradient descent's at the course's first rate (the
    focused optimizer's settings kept in ``others``); a race adds the focused optimizer to the
    racers and runs the surface's race steps; leaving a race brings the page's default steps."""
    if mode == "exercise":
        others, name = dict(settings["others"]), focus(settings)
        if name != "gd":
            others[name] = {"lr": settings["lr"], **settings["hyper"]}
        others.pop("gd", None)
        return {"mode": mode, "optimizer": "gd", "lr": data["exercise"]["rates"][0], "hyper": {}, "others": others,
                "t": 0}
    if mode == "race":
        racers = list(settings["racers"])
        if focus(settings) not in racers:
            racers.insert(0, focus(settings))
        key = settings["surface"] if settings["surface"] in data["surfaces"] else data["order"][0]
        return {"mode": mode, "racers": racers, "t": -1, "steps": data["surfaces"][key]["race_steps"]}
    out = {"mode": mode, "t": -1}
    if settings["mode"] == "race":
        out["steps"] = next(p["default"] for p in data["props"] if p["name"] == "steps")
    return out


# and PROPS, the table (built on use)
__all__ = ["Prop", "props", "prop", "check", "check_hyper", "check_others", "focus", "on_surface", "on_mode",
           "on_optimizer", "MODES"]


def __getattr__(name):
    if name == "PROPS":   # built on use: the optimizer choices come from the registry
        return props()
    raise AttributeError(name)
