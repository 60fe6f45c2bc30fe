"""The explorer as a notebook widget (Jupyter, JupyterLab, VS Code, marimo), built with anywidget on
the page's own JavaScript module (gdviz/web/js/, joined by bundle.py): one UI, two hosts.

    >>> w = gd.explore("rosenbrock", optimizer=["gd", "momentum", "adam"])   # race them
    >>> w                                   # the explorer, in the cell's output
    >>> w.lr = 0.002                        # every setting is a synced traitlet: the view follows
    >>> w.trajectory().status               # the Python engine on what the learner picked
    'max_steps'

The traitlets are the rows of the settings table (``gdviz.web.state``): ``surface``, ``mode``,
``optimizer``, ``lr``, ``hyper`` (the optimizer's other hyperparameters, Python's names),
``racers``, ``start``, ``steps``, ``tol``, ``seed``, ``t`` (the step shown), ``speed``, ``field``,
``internals``, ``lecture``, ``lang``, ``hide``. Setting ``surface``, ``mode`` or ``optimizer``
brings what the page's menus and buttons bring (a new surface: its start and suggested rate; a new
optimizer: its own rate and hyperparameters, the old one's kept in ``others``; see
``state.on_surface``, ``state.on_mode`` and ``state.on_optimizer``); values set together in
``w.hold_trait_notifications()`` win over what they imply. In marimo: ``mo.ui.anywidget(gd.explore(...))``.
"""
from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import anywidget
import traitlets

from ..errors import UserInputError, unknown_name
from . import state
from .bundle import explorer_js
from .page import inline_js, page_data, static_html
from .tables import CSS

TRAITS = {  # the table's types as traitlets
    "enum": lambda p: traitlets.Unicode(p.default),
    "text": lambda p: traitlets.Unicode(p.default),
    "number": lambda p: traitlets.Float(p.default, allow_none=p.default is None),
    "int": lambda p: traitlets.Int(p.default),
    "bool": lambda p: traitlets.Bool(p.default),
    "point": lambda p: traitlets.List(traitlets.Float(), default_value=None, allow_none=True),
    "list": lambda p: traitlets.List(traitlets.Unicode(), default_value=list(p.default)),
    "dict": lambda p: traitlets.Dict(default_value=dict(p.default)),
    "settings": lambda p: traitlets.Dict(default_value=dict(p.default)),
}


def _trait(p: state.Prop):
    return TRAITS[p.type](p).tag(sync=True)


class Refused(UserInputError, traitlets.TraitError):
    """A setting the widget refuses: a UserInputError, and a TraitError so that traitlets rolls back
    every setting of a ``hold_trait_notifications`` block whose final values do not fit together."""


class _Base(anywidget.AnyWidget):
    _esm = explorer_js()
    _css = CSS
    _data = traitlets.Dict().tag(sync=True)

    @traitlets.validate(*(p.name for p in state.props()))
    def _checked(self, proposal):
        """Every value checked as the page's table says (a UserInputError names the setting);
        ``hyper`` against the focused optimizer's own table, ``others`` against the optimizers'."""
        try:
            return self._check(proposal.trait.name, proposal.value)
        except UserInputError as e:
            raise Refused(str(e)) from None

    def _check(self, name, value):
        p = {q["name"]: q for q in self._data.get("props", [])}.get(name)
        row = state.Prop(**{**p, "choices": tuple(p["choices"]) if p["choices"] else None}) if p else \
            state.prop(name)
        value = state.check(row, value)
        if not self._data:
            return value
        table = self._data["optimizers"]
        if name == "others":
            return state.check_others(table, value)
        if name == "optimizer" and value != "gd" and self.mode == "exercise" and not self._quiet:   # as the page
            raise UserInputError("the exercise is gradient descent's: optimizer must be 'gd' in mode 'exercise'")
        # a new optimizer or mode brings its own hyper (on_optimizer, on_mode), but not in explore()
        if name == "hyper" or (name in ("optimizer", "mode") and self._quiet):
            now = {"hyper": self.hyper, "optimizer": self.optimizer, "mode": self.mode, name: value}
            focus = state.focus(now)
            try:
                hyper = state.check_hyper(table, focus, now["hyper"])
            except UserInputError as e:
                if name == "hyper":
                    raise
                who = "the exercise (gradient descent)" if focus != now["optimizer"] else f"optimizer '{focus}'"
                raise UserInputError(f"{who} does not fit hyper: {e}; set hyper = {{}} first, or both at once") \
                    from None
            return hyper if name == "hyper" else value
        return value

    _quiet = False   # True while explore() sets the first values: they imply nothing
    _given = {}   # the settings a hold_trait_notifications block changed -> their values before it

    @contextlib.contextmanager
    def hold_trait_notifications(self):
        """traitlets' block, remembering which settings it changed: those win over what another
        change of the block implies (``surface`` and ``lr`` together: the given rate)."""
        if self._cross_validation_lock:   # inside an outer block: that one remembers
            yield
            return
        before = copy.deepcopy({p.name: getattr(self, p.name) for p in state.props()})
        outer = self._given
        try:
            with super().hold_trait_notifications():
                yield
                self._given = {k: v for k, v in before.items() if getattr(self, k) != v}
        finally:
            self._given = outer

    @traitlets.observe("surface", "mode", "optimizer")
    def _implied(self, change):
        """A new surface, mode or optimizer brings what the page's menus and buttons bring
        (state.on_surface, on_mode, on_optimizer): ``w.surface = "egg-crate"`` re-suggests the rate
        there and resets the start. Settings given in the same block keep their given values; what
        it implies is worked out from the values before the block."""
        if self._quiet or not self._data or change["old"] == change["new"] or self._property_lock:
            return   # a change from the front end comes with what it implies (the page applied the rule)
        name, given = change["name"], self._given
        was = {p.name: getattr(self, p.name) for p in state.props()}
        was.update({k: v for k, v in given.items() if k != name}, **{name: change["old"]})
        rule = {"surface": state.on_surface, "mode": state.on_mode, "optimizer": state.on_optimizer}[name]
        implied = rule(self._data, was, change["new"])
        with self.hold_trait_notifications():
            for k, v in implied.items():
                if k != name and k not in given and getattr(self, k) != v:
                    setattr(self, k, v)
        self._given = {k: v for k, v in given.items() if k != name}   # from now on its new value counts

    def _repr_mimebundle_(self, **kwargs):
        """The widget view (a live kernel's front end shows it), and beside it a ``text/html`` view
        carrying the explorer's module and the current settings, which a page without a kernel
        shows (nbconvert's HTML, Jupyter Book, Quarto), with no network."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        return {**data, "text/html": static_html(self._static_data())}, metadata

    def _static_data(self) -> dict:
        """The page's data with each setting's default the widget's value now."""
        return {**self._data, "props": [{**p, "default": getattr(self, p["name"])} for p in self._data["props"]]}

    def model_state(self) -> dict:
        """The widget's state as anywidget hosts hand it to the module: ``_data`` and every setting."""
        return {"_data": self._data, **{p["name"]: getattr(self, p["name"]) for p in self._data["props"]}}

    def export_anywidget(self, folder) -> Path:
        """Write ``explorer.mjs`` (the explorer's module), ``explorer.css`` and ``state.json`` (the
        current settings) into ``folder``, for MyST's ``{anywidget}`` directive (README: "In static
        pages"); files already holding the same bytes are left alone. Returns the folder.

            >>> gd.explore("rosenbrock", lr=0.002).export_anywidget("explorer")
        """
        import json

        from ..files import check_output, update_text

        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            from ..files import cause

            raise UserInputError(f"cannot create folder '{folder}': {cause(e)}") from None
        texts = {"explorer.mjs": inline_js(), "explorer.css": CSS.read_text(encoding="utf-8"),
                 "state.json": json.dumps(self.model_state(), ensure_ascii=False, indent=1) + "\n"}
        targets = {name: check_output(folder / name, (Path(name).suffix,)) for name in texts}
        for name, text in texts.items():
            update_text(targets[name], text)
        return folder

    def trajectory(self, optimizer: str | None = None):
        """``gd.run`` on the widget's settings for ``optimizer`` (default: the one whose sliders
        show): the same surface, start, learning rate, hyperparameters, steps, tolerance and
        seed as the page's path, as a :class:`gdviz.Trajectory`."""
        from ..engine import run
        from ..optim import optimizer as make_optimizer
        from ..surfaces import surface

        name = optimizer or (self.optimizer if self.mode != "exercise" else "gd")
        if name not in self._data["optimizers"]:
            raise unknown_name("optimizer", name, self._data["optimizers"])
        key = self.surface if self.mode != "exercise" else self._data["exercise"]["surface"]
        rec = self._data["surfaces"][key]
        if name == (self.optimizer if self.mode != "exercise" else "gd"):
            lr, hyper = self.lr, dict(self.hyper)
        else:
            hyper = dict(self.others.get(name, {}))
            lr = hyper.pop("lr", rec["suggest"][name])
        s = surface(rec["spec"]["name"], **rec["spec"]["params"])
        start = self.start if self.start is not None and len(self.start) == s.dim and self.mode != "exercise" \
            else rec["start"]
        return run(make_optimizer(name, lr=lr, **hyper), s, start, self.steps, tol=self.tol, seed=self.seed)

    def trajectories(self) -> dict:
        """Every path the explorer shows (several in race mode), by optimizer."""
        names = ["gd"] if self.mode == "exercise" else list(self.racers) if self.mode == "race" else [self.optimizer]
        return {name: self.trajectory(name) for name in names}


Explorer = type("Explorer", (_Base,), {
    "__doc__": __doc__, "__module__": __name__,
    **{p.name: _trait(p) for p in state.props()},
})


def explore(surface=None, optimizer=None, *, lang: str = "en", **settings) -> Explorer:
    """The explorer widget. ``surface``: a name or an expression, or a list (the first is shown;
    expressions join the built-in surfaces); ``optimizer``: a name, or a list to race them.
    Any other setting of the table by name: ``lr=0.05``, ``start=[-1.5, 2]``, ``hyper={"beta1":
    0.8}``, ``steps=300``, ``field=True``...

        >>> w = explore("x**2 + 10*y**2", optimizer="momentum", lr=0.02, hyper={"momentum": 0.8})
    """
    surfaces = [surface] if isinstance(surface, str) else list(surface or [])
    optimizers = [optimizer] if isinstance(optimizer, str) else list(optimizer or [])
    names = {p.name for p in state.props()} - {"surface", "optimizer", "lang"}   # those are arguments
    for k in settings:
        if k not in names:
            raise unknown_name("explorer setting", k, sorted(names))
    data = page_data(surfaces, optimizers, lang=lang)
    values = {p["name"]: p["default"] for p in data["props"]}
    w = Explorer(_data=data)
    w._quiet = True
    try:
        with w.hold_trait_notifications():
            for k, v in {**values, **settings}.items():
                setattr(w, k, v)
    finally:
        w._quiet = False
    return w
