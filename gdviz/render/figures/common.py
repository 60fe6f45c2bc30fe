"""Shared pieces of the teaching figures: titles, formulas, claim captions, legends that keep
out of the way."""
from __future__ import annotations

from ... import style


def formula(surface) -> str:
    """The surface's formula as mathtext with its left-hand side ('$L(x, y) = x^2 + y^2$'), or ''
    when matplotlib cannot typeset it."""
    from matplotlib.mathtext import MathTextParser

    text = getattr(surface, "formula", "") or ""
    if not text:
        return ""
    if "=" not in text and text.startswith("$"):
        text = f"$L({', '.join(surface.variables)}) = {text[1:]}"
    try:
        MathTextParser("path").parse(text)
    except ValueError:
        return ""
    return text


def title(fig, text, sub=None, math=None):
    """Bold title and grey subtitle at the top left; the formula (mathtext) on its own at the
    right, since mathtext cannot typeset the CJK text of a Chinese subtitle."""
    fig.suptitle(text, fontsize=13.5, fontweight="bold", color=style.INK, x=0.02, ha="left", y=0.985)
    if sub:
        fig.text(0.02, 0.915, sub, fontsize=10, color=style.MUTED, ha="left")
    if math:
        fig.text(0.98, 0.93, math, fontsize=12, color=style.INK, ha="right")


def rule_note(fig, runs, lang, before: str | None = None):
    """The convergence rule of the step counts a figure quotes, a grey line under the subtitle:
    'Steps count until |gradient| < 0.01 (converged)' (the engine's rule with the tolerance the
    runs used), after the sentence ``before`` when given. Call it after ``subplots_adjust``: it
    lowers the axes' top by one line."""
    from matplotlib.transforms import offset_copy

    line = 13.0                                                   # points
    tols = {t.meta.get("tol", runs.surface.tol) for t in runs.trajectories}
    tol = tols.pop() if len(tols) == 1 else runs.surface.tol
    rule = style.label("converge rule", lang).format(tol=f"{tol:g}")
    if before:
        rule = f"{before}。{rule}" if lang == "zh" else f"{before[0].upper()}{before[1:]}. {rule}"
    fig.text(0.02, 0.915, rule, fontsize=9.5,
             color=style.MUTED, ha="left", transform=offset_copy(fig.transFigure, fig=fig, y=-line, units="points"),
             gid="converge rule")
    fig.subplots_adjust(top=fig.subplotpars.top - line / (72 * fig.get_figheight()))


def axes_formula(ax, surface):
    """The surface's formula at the top right of an axes (a text of its own: see title)."""
    math = formula(surface)
    if math:
        ax.text(1.0, 1.015, math, transform=ax.transAxes, ha="right", va="bottom", fontsize=11,
                color=style.INK)


def legend_outside(ax, **kw):
    """A legend under the axes, so it never covers data or labels."""
    kw.setdefault("ncols", 3)
    return ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False, **kw)
