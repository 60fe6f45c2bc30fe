"""Ready-made teaching figures: each kind runs its lesson (``gdviz.lessons``) and draws it.

    >>> fig = figure("race", surface="rosenbrock", lang="zh")
    >>> save(fig, "output/race.png")

Each module holds the kinds of one part of the course and exports ``KINDS``: kind -> (lesson,
drawing function ``draw(fig, runs, lang)``, default size in pixels, one line of description).
``FIGURES`` joins them; ``gdviz plot --list`` prints them.
"""
from __future__ import annotations

from ... import lessons, style
from ...claims import failed
from ...errors import UserInputError, unknown_name
from ...surfaces import surface as make_surface
from ..axes import draw_overlays
from ..mpl import new_figure, rc
from ..output import STATIC, atomic_path, check_output
from . import (
    adagrad,
    beta,
    course,
    data,
    inside,
    landscape,
    listing,
    maps,
    network,
    paths,
    practice,
    rates,
    shape,
    starts,
)

FIGURES = {**rates.KINDS, **paths.KINDS, **starts.KINDS, **data.KINDS, **shape.KINDS, **practice.KINDS,
           **inside.KINDS, **course.KINDS, **beta.KINDS, **adagrad.KINDS, **listing.KINDS,
           **maps.KINDS, **network.KINDS, **landscape.KINDS}
NEEDS_2D = {"race", "momentum", "restarts", "adaptive", "surface-3d", "batch-sizes", "internals", "one-step",
            "gradient-field", "momentum-beta", "sgd-momentum-code", "momentum-map", "basins"}
NEEDS_1D = {"gradient-step", "adagrad-steps"}
# Lesson options a kind starts from (the caller's options override them).
DEFAULTS = {
    "path": {"surface": "rosenbrock", "optimizers": ["adam"], "rates": [0.05], "steps": 1500},
    "loss-curve": {"surface": "parabola", "rates": [0.8], "steps": 50},
    "loss-vs-step": {"surface": "rosenbrock", "optimizers": ["gd", "momentum", "adam"],
                     "rates": [1e-3, 1e-3, 0.05], "steps": 1500},
    "surface-3d": {"surface": "rosenbrock", "optimizers": ["adam"], "rates": [0.05], "steps": 1500},
}
TIGHT = {"path", "loss-curve", "loss-vs-step", "surface-3d"}   # single-axes kinds: tight layout


def runs_for(kind: str, **options):
    """The lesson runs behind figure ``kind`` with the caller's ``options`` (surface,
    optimizers, rates, steps, start, ...) over the kind's defaults."""
    if kind not in FIGURES:
        raise unknown_name("figure kind", kind, FIGURES)
    defaults = dict(DEFAULTS.get(kind, {}))
    other_surface = "surface" in options and options["surface"] != defaults.get("surface")
    if "optimizers" in options or other_surface:
        defaults.pop("rates", None)  # they suit the default optimizers on the default surface
    return lessons.build(FIGURES[kind][0], **{**defaults, **options})


def figure(kind: str, *, lang: str = "en", size=None, runs=None, field: bool = False, arrows: bool = False,
           **options):
    """Build the figure ``kind`` (see ``FIGURES``) and return the matplotlib Figure.

    ``options`` go to the lesson builder (surface, optimizers, rates, steps, start, ...);
    ``runs`` passes ready-made runs instead. ``size`` is (width, height) in pixels at 100 dpi.
    ``field``: the gradient field over every contour plot; ``arrows``: what each path's first
    updates are made of (gradient push, carried momentum, step).
    The figure's claims (``fig.gdviz_claims``) are those of its runs.
    """
    if kind not in FIGURES:
        raise unknown_name("figure kind", kind, FIGURES)
    _, draw, default_size, _ = FIGURES[kind]
    style.check_lang(lang)
    from ..animation import check_size

    width, height = check_size(size or default_size)
    if runs is None:
        if "surface" in options:   # the kind's dimension first, before its lesson runs
            _check_dim(kind, make_surface(options["surface"]))
        runs = runs_for(kind, **options)
    _check_dim(kind, runs.surface)
    with rc(lang):
        fig = new_figure(width, height)
        fig._gdviz_lang = lang
        draw(fig, runs, lang)
        if field or arrows:
            draw_overlays(fig, field=field, arrows=arrows)
        if kind in TIGHT:
            fig.tight_layout()
    fig.gdviz_claims = list(runs.claims)
    return fig


def _check_dim(kind, surface):
    if surface is None:
        return
    if kind in NEEDS_2D and surface.dim != 2:
        raise UserInputError(f"figure '{kind}' needs a 2-D surface, '{surface.spec()['name']}' is 1-D; "
                             "for 1-D use path, loss-curve, loss-vs-step, lr-triptych or lr-curves")
    if kind in NEEDS_1D and surface.dim != 1:
        raise UserInputError(f"figure '{kind}' needs a 1-D surface (a loss curve such as 'parabola'), "
                             f"'{surface.spec()['name']}' is 2-D; for 2-D use path, gradient-vector or lr-triptych")


def save(fig, path, *, dpi: int = 100):
    """Write a static figure (PNG, SVG or PDF by extension) atomically; returns the path."""
    p = check_output(path, STATIC)
    with rc(getattr(fig, "_gdviz_lang", "en")), atomic_path(p) as tmp:
        fig.savefig(tmp, format=p.suffix[1:].lower(), dpi=dpi)
    return p


def describe() -> dict[str, str]:
    """One line per figure kind, for ``gdviz plot --list``."""
    return {k: v[3] for k, v in FIGURES.items()}


__all__ = ["FIGURES", "DEFAULTS", "figure", "save", "describe", "runs_for", "failed"]
