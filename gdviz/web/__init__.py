"""The explorer: an interactive page and a notebook widget where learners move the learning rate
and watch gradient descent, on one JavaScript module (``js/``, joined into one by ``bundle.py``).

    >>> from gdviz.web import write_explorer
    >>> write_explorer("explorer.html", surfaces=["rosenbrock"], optimizers=["gd", "adam"])
    >>> import gdviz as gd
    >>> w = gd.explore("rosenbrock", optimizer="adam", lr=0.05)   # in Jupyter or marimo
    >>> traj = w.trajectory()                                      # the Python engine on w's settings

- ``state.py``: the settings table, which drives the controls, the URL hash and the traitlets;
- ``tables.py``: optimizers, hyperparameters, labels and colours exported from the registries;
- ``surfaces.py``: each surface's sympy expression printed to JavaScript, with contour levels;
- ``page.py``: the self-contained HTML page (``gdviz explore``);
- ``widget.py``: the anywidget for notebooks;
- ``js/`` (ES modules: state, arith, engine, pcg64, format, chart, view; ``index.js`` their API) and
  ``explorer.css``: the engine mirror and the UI, shared by both hosts; ``bundle.py`` joins the
  modules into the one module the hosts load.
"""
from .page import explorer_html, page_data, write_explorer

__all__ = ["explorer_html", "page_data", "write_explorer", "explore", "Explorer"]


def __getattr__(name):
    if name in ("explore", "Explorer"):   # anywidget is imported only when a widget is made
        from . import widget

        return getattr(widget, name)
    raise AttributeError(f"module 'gdviz.web' has no attribute '{name}'")
