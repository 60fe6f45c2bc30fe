"""Labels and colours of the series in a picture (optimizers, regimes, batch sizes...)."""
from __future__ import annotations

from .. import style
from ..style import fmt_number, optimizer_name, outcome
from ..style import label as L


def series_label(key: str, lang: str = "en", lr=None) -> str:
    """'adam' -> 'Adam', 'too small' -> '过小' (zh), 'mini-batch 10' -> 'mini-batch (10)';
    with ``lr``: 'Adam (lr = 0.05)', 'Adam（学习率 = 0.05）'."""
    if key in style.OPTIMIZER_NAMES:
        text = optimizer_name(key, lang)
    elif key.startswith("mini-batch"):
        text = L("mini-batch", lang) + style.bracketed(key.split()[-1], lang)
    else:
        text = L(key, lang)
    if lr is None:
        return text
    return text + style.bracketed(f"{L('lr', lang)} = {fmt_number(lr)}", lang)


def series_colours(series: list[str]) -> list[str]:
    """A colour per series: an optimizer's fixed colour, a regime's colour, else the series
    palette in order."""
    distinct = len(set(series)) == len(series)
    out = []
    for i, key in enumerate(series):
        if key in style.OPTIMIZER_COLOURS and distinct:
            out.append(style.colour(key))
        elif key in style.REGIME_COLOURS:
            out.append(style.REGIME_COLOURS[key])
        else:
            out.append(style.SERIES[i % len(style.SERIES)])
    return out


def line_style(colour: str):
    """matplotlib's linestyle for a series line drawn in ``colour``: '-' or (0, dashes), the dash
    pattern that goes with that colour (:data:`gdviz.style.DASHES`, the second cue beside colour).

        >>> line_style(style.colour("adam")), line_style(style.colour("momentum"))
        ('-', (0, (3.7, 1.6)))
    """
    d = style.dashes(colour)
    return "-" if d is None else (0, d)


def status_text(traj, lang: str = "en") -> str:
    """'10 steps', 'stopped at a saddle point after 10 steps', 'diverged' or '600+ steps' (not
    converged yet): :func:`gdviz.style.outcome`."""
    return outcome(traj, lang) or f"{traj.n_steps}+ {L('steps', lang)}"


def layered_widths(n: int, thin: float = 1.8, step: float = 1.1) -> list[float]:
    """Line widths for n paths drawn in order, widest first: where paths coincide, each one
    still shows as a coloured edge around the ones drawn over it."""
    return [thin + step * (n - 1 - i) for i in range(n)]
