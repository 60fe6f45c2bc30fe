"""The surfaces of the page, printed to JavaScript from each surface's sympy expression.

Every surface becomes a small record: its loss, loss-and-gradient and Hessian as JavaScript
function bodies that run the very operations gd.run runs (:mod:`gdviz.web.trace`: the same bits
where only ``+ - * /`` and ``sqrt`` are involved, ``exact``), its window, start, tolerance and
divergence bounds as ``gd.run`` uses them, the contour levels and band colours of the figures
(``gdviz.render.axes.draw_contours``), its formula as an image, and learning rates that suit each
optimizer there. A data surface carries its data, and the page computes its loss and gradient
as ``LinearRegression`` does (numpy's pairwise sums).

    >>> key, s = resolve("x^2 + 10*y^2")
    >>> print(entry(key, s)["vg"])
    const t0 = x * x;
    ...
"""
from __future__ import annotations

import base64
import io
import re

import numpy as np

from .. import stops, style
from ..errors import UserInputError, unknown_name
from ..surfaces import SURFACES, Surface, surface
from ..surfaces.base import Formula
from ..surfaces.expression import VARIABLE_ORDER
from .trace import literal, trace

# The built-in surfaces every page offers: key -> (registry name, parameters)
BUILTIN = {
    "parabola": ("parabola", {}), "bowl": ("bowl", {}), "elongated": ("elongated", {}),
    "egg-crate": ("egg-crate", {}), "rosenbrock": ("rosenbrock", {}), "himmelblau": ("himmelblau", {}),
    "beale": ("beale", {}), "saddle": ("saddle", {}),
    "linear-regression": ("linear-regression", {}),
    "linear-regression-standardized": ("linear-regression", {"features": "standardized"}),
}
ALIASES = {"eggcrate": "egg-crate", "egg": "egg-crate", "linear": "linear-regression",
           "linear-regression-raw": "linear-regression"}
DISTANCE_FACTOR = 1000.0   # gdviz.engine's default max_distance, in spans of the bounds


def resolve(text) -> tuple[str, Surface]:
    """(key, surface) for a built-in name or an expression; a UserInputError (one line, with the
    closest name) for anything the page cannot show."""
    if not isinstance(text, str) or not text.strip():
        raise UserInputError(f"surface must be a name or an expression, got {text!r}")
    key = text.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key in BUILTIN:
        name, params = BUILTIN[key]
        return key, surface(name, **params)
    if key in SURFACES or {"logistic": "logistic-regression"}.get(key) in SURFACES:
        raise UserInputError(f"surface '{text}' is not in the explorer; choose from: {', '.join(BUILTIN)}, "
                             "or an expression such as 'x**2 + 10*y**2'")
    if re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", text.strip()) and text.strip() not in VARIABLE_ORDER:
        raise unknown_name("surface", text.strip(), BUILTIN)
    s = surface(text)
    return s.expression, s


def engine_record(key: str, s: Surface) -> dict:
    """What the page's engine needs of ``s``: its variables; its loss (``f``), loss and gradient
    (``vg``) and Hessian (``h``) as JavaScript function bodies traced from the surface's own
    arithmetic (``exact``: they give Python's bits); gd.run's start, tolerance and divergence
    bounds (``centre``, ``limit``: 1000 spans of the bounds). A data surface carries its data
    instead of ``f`` and ``vg`` (the page sums it as numpy does), and its constant Hessian."""
    bounds = s.bounds
    rec = {
        "key": key, "dim": s.dim, "vars": list(s.variables), "bounds": bounds.tolist(), "start": s.start.tolist(),
        "tol": float(s.tol), "centre": bounds.mean(axis=1).tolist(),
        "limit": DISTANCE_FACTOR * float((bounds[:, 1] - bounds[:, 0]).max()),
        "text": str(s.symbolic()), "lowest": stops.lowest_minimum(s),
    }
    if isinstance(s, Formula):
        parts = {what: trace(s, what) for what in ("f", "vg", "h")}
        rec.update({what: fn.body for what, fn in parts.items()}, exact=all(fn.exact for fn in parts.values()))
    elif s.n_samples is not None and getattr(s, "loss", None) == "mse":
        h = s.hessian(s.minima[0]).tolist()    # constant: 2 [[mean x^2, mean x], [mean x, 1]]
        rec.update(data={"x": s.x.tolist(), "y": s.y.tolist(), "loss": "mse"}, exact=True,
                   h="return [" + ", ".join("[" + ", ".join(literal(v) for v in row) + "]" for row in h) + "];")
    else:
        raise UserInputError(f"surface '{key}' cannot be computed in the explorer")
    return rec


def curvatures(s: Surface) -> list[float] | None:
    """The Hessian's eigenvalues of a quadratic surface, ascending, as gd.map(method="theory")
    finds them (``gdviz.maps.theory.curvatures``); None for any other surface. The page's momentum
    map reads them: the theory's rate holds on quadratics only.

        >>> curvatures(gd.surface("elongated")), curvatures(gd.surface("rosenbrock"))
        ([1.0, 20.0], None)
    """
    from ..maps.theory import curvatures as theory_curvatures

    try:
        return [float(v) for v in theory_curvatures(s)]
    except UserInputError:
        return None


def entry(key: str, s: Surface) -> dict:
    """The page's record of surface ``s`` (see the module docstring): :func:`engine_record` and
    what is drawn (title, minima, contour levels and colours, formula) and suggested."""
    rec = engine_record(key, s)
    rec.update({
        "title": [s.title["en"], s.title["zh"]], "minima": s.minima.tolist(),
        "global": bool(len(s.minima) > 1 and s.value(s.minima[0]) < s.value(s.minima[1]) - 1e-9),
        "saddles": getattr(s, "saddles", np.zeros((0, s.dim))).tolist(),
        "log": bool(s.log_scale), "formula": formula_image(s.formula), "spec": s.spec(), "suggest": suggest(s),
        "curvatures": curvatures(s),
    })
    rec["race_steps"] = race_steps(s, rec["suggest"])
    if s.dim == 2:
        rec["levels"], rec["colours"] = contour_bands(s)
    return rec


def contour_bands(s: Surface) -> tuple[list, list]:
    """The levels of the figures' filled contours and the colour of each band (the last one:
    above the top level), read from matplotlib drawing them (``draw_contours``)."""
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from ..render.axes import draw_contours

    ax = Figure(figsize=(2, 2)).add_subplot()
    cs = draw_contours(ax, s, minima=False)
    return [float(v) for v in cs.levels], [to_hex(c) for c in cs.get_facecolor()]


def formula_image(formula: str) -> str | None:
    """The mathtext formula as a PNG data URL (twice the size it is shown at), or None when
    mathtext cannot draw it (the page then shows the formula as text)."""
    if not formula:
        return None
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buf = io.BytesIO()
    try:
        mathtext.math_to_image(formula, buf, prop=FontProperties(size=13), dpi=200, format="png",
                               color=style.INK)
    except Exception:   # noqa: BLE001 (an unsupported LaTeX command: show text instead)
        return None
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def nice(x: float) -> float:
    """``x`` to two significant digits: 0.0952 -> 0.095."""
    return float(f"{x:.2g}")


def suggest(s: Surface) -> dict:
    """A learning rate per optimizer that shows it well on ``s`` from its start, the rate the
    page starts each optimizer at. Gradient descent starts inside the Goldilocks band of the
    curvature there (0.8 of the fastest rate; half of it in 1-D, where the fastest rate is a
    single step), halved while its loss fails to fall at nearly every step (the curvature ahead
    can be larger than at the start); momentum at a third of that; the adaptive methods at a
    fraction of the window (their steps scale with lr, not with the gradient), halved while they
    diverge or end above where they started; an optimizer added later at its default. Two
    significant digits, within the slider.

        >>> suggest(gd.surface("elongated"))["gd"]     # 0.8 x 2 / (L + mu) = 0.8 x 2 / 21
        0.076
    """
    import inspect

    from ..analysis import regimes
    from ..optim import OPTIMIZERS
    from .tables import mirrored

    try:
        reg = regimes(s)
        gold = min(reg.goldilocks, 0.95 * reg.diverge)
    except UserInputError:
        gold = 0.01
    gold *= 0.8 if s.dim == 2 else 0.5
    span = float((s.bounds[:, 1] - s.bounds[:, 0]).max())
    gd_lr = _tame(s, "gd", gold, monotone=True)
    adam = 0.025 * span
    rule = {"gd": gd_lr, "sgd": gd_lr, "momentum": 0.3 * gd_lr, "nesterov": 0.3 * gd_lr,
            "adagrad": min(max(0.15 * span, 0.01), 2.0), "rmsprop": 0.004 * span, "adam": adam,
            "adadelta": 1.0, "adamw": adam, "nadam": adam, "radam": adam, "adamax": adam, "lion": 0.1 * adam,
            "rprop": 0.005 * span, "newton": 1.0}
    out = {}
    for name in mirrored():
        if name in rule:
            lr = rule[name] if name in ("gd", "sgd", "momentum", "nesterov", "newton") else _tame(s, name, rule[name])
        else:
            lr = inspect.signature(OPTIMIZERS[name]).parameters["lr"].default
        out[name] = min(max(nice(lr), 1e-5), 10.0)
    return out


def race_steps(s: Surface, rates: dict) -> int:
    """The steps a race on ``s`` runs by default (the page's race mode and ``gd.explore`` with
    several optimizers read it): enough for every default racer that converges within the
    table's maximum at its suggested rate (``rates``) to finish, plus 10%, rounded up to 100;
    at least the table's default steps, at most its maximum.

        >>> race_steps(gd.surface("rosenbrock"), suggest(gd.surface("rosenbrock")))   # adam: 1463
        1700
    """
    from ..engine import run
    from ..optim import optimizer
    from . import state

    default, most = state.prop("steps").default, state.MAX_STEPS
    stops = [t.stop for t in (run(optimizer(name, lr=rates[name]), s, steps=most)
                              for name in state.prop("racers").default) if t.status == "converged"]
    need = -(-int(1.1 * max(stops, default=0)) // 100) * 100
    return int(min(max(need, default), most))


def _tame(s: Surface, name: str, lr: float, monotone: bool = False, steps: int = 200) -> float:
    """``lr``, halved (at most 12 times) until a run of ``steps`` neither diverges nor ends above
    its start, and with ``monotone`` lowers the loss at 95% of its steps or more."""
    from ..engine import run
    from ..optim import optimizer

    for _ in range(12):
        t = run(optimizer(name, lr=lr), s, steps=steps)
        falls = np.mean(np.diff(t.loss) <= 0) if len(t.loss) > 1 else 1.0
        if t.status != "diverged" and t.loss[-1] <= t.loss[0] and (not monotone or falls >= 0.95):
            break
        lr /= 2
    return lr
