"""What ``gdviz map`` and ``gdviz basins`` need beyond the API: axis specs, and the files they write.

    >>> axis_spec("--x", "lr:1e-3:1:4:log")
    ('lr', array([0.001, 0.01 , 0.1  , 1.   ]))
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import UserInputError
from .result import STATUSES, Basins, Map
from .simulate import MAX_AXIS

FIGURES = (".png", ".svg", ".pdf")
OUTPUTS = (*FIGURES, ".npz")
SPEC = "NAME:LO:HI:N or NAME:LO:HI:N:log (e.g. lr:1e-3:1:256:log)"


def axis_spec(option: str, text: str) -> tuple[str, np.ndarray]:
    """'lr:1e-3:1:256:log' -> ('lr', 256 log-spaced values from 1e-3 to 1); ':lin' or nothing: even."""
    parts = str(text).split(":")
    if len(parts) not in (4, 5) or not parts[0].strip():
        raise UserInputError(f"{option} must be {SPEC}, got '{text}'")
    name, lo, hi, n, *scale = (p.strip() for p in parts)
    try:
        lo, hi = float(lo), float(hi)
    except ValueError:
        raise UserInputError(f"{option}: LO and HI must be numbers, got '{parts[1]}' and '{parts[2]}'") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise UserInputError(f"{option}: LO must be a finite number below HI, got {lo:g} and {hi:g}")
    if not n.isdigit() or not 2 <= int(n) <= MAX_AXIS:
        raise UserInputError(f"{option}: N must be a whole number from 2 to {MAX_AXIS}, got '{n}'")
    scale = scale[0].lower() if scale else "lin"
    if scale not in ("log", "lin"):
        raise UserInputError(f"{option}: the scale must be log or lin, got '{scale}'")
    if scale == "log" and lo <= 0:
        raise UserInputError(f"{option}: a log axis needs LO > 0, got {lo:g}")
    values = np.geomspace(lo, hi, int(n)) if scale == "log" else np.linspace(lo, hi, int(n))
    return name, values


def grid_spec(text: str):
    """'200' -> 200, '300,200' -> (300, 200) (gd.basins checks the sizes)."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) not in (1, 2) or not all(p.isdigit() for p in parts):
        raise UserInputError(f"--grid must be N or NX,NY (whole numbers), got '{text}'")
    sizes = tuple(int(p) for p in parts)
    return sizes[0] if len(sizes) == 1 else sizes


def theory_boundary(m: Map, surface) -> Map | None:
    """The theory map of ``m`` (run on ``surface``) over the same axes when there is one (gd /
    momentum / nesterov on a quadratic, hyperparameter axes), to outline its convergence region;
    else None."""
    if m.method != "simulate":
        return None
    from .simulate import map as make_map
    from .theory import THEORY

    if m.optimizer not in THEORY:
        return None
    try:
        return make_map(m.optimizer, surface, (m.xname, m.x), (m.yname, m.y), method="theory", **m.hyperparams)
    except UserInputError:
        return None


def settings(m: Map) -> dict:
    """What ran, as plain JSON values."""
    return {"optimizer": m.optimizer, "surface": m.surface, "xname": m.xname, "yname": m.yname,
            "xscale": m.xscale, "yscale": m.yscale, "measure": m.measure, "method": m.method, "steps": m.steps,
            "tol": m.tol, "start": list(m.start), "statuses": list(STATUSES),
            "hyperparams": {k: v for k, v in m.hyperparams.items() if isinstance(v, (int, float, bool, str))}}


def save_npz(result, path) -> Path:
    """Write a Map (values, codes, x, y, settings as JSON) or Basins (labels, minima, x, y, share,
    and the map's settings) to ``path`` atomically."""
    from ..files import atomic_path

    if isinstance(result, Basins):
        arrays = {"labels": result.labels, "minima": result.minima, "x": result.x, "y": result.y,
                  "share": result.share}
        info = settings(result.map)
    else:
        arrays = {"values": result.values, "codes": result.codes, "x": result.x, "y": result.y}
        info = settings(result)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, settings=np.array(json.dumps(info)), **arrays)
    return Path(path)


def summary(result) -> list[tuple[str, str]]:
    """Rows for the terminal: what ran and how the pixels ended."""
    if isinstance(result, Basins):
        m = result.map
        rows = [("starts", f"{len(result.x)} × {len(result.y)}"), ("lr", f"{m.hyperparams.get('lr', 0):.4g}"),
                ("global minimum", f"{result.global_share:.2%} of the starts")]
        rows += [(f"minimum {i}", f"({', '.join(f'{v:.4g}' for v in p)}): {s:.2%}")
                 for i, (p, s) in enumerate(zip(result.minima, result.share))]
        return rows + [("no minimum", f"{result.none_share:.2%}")]
    m = result
    rows = [("pixels", f"{len(m.x)} × {len(m.y)} ({m.xname} × {m.yname})"), ("measure", f"{m.measure} ({m.method})")]
    for k, name in enumerate(STATUSES):
        rows.append((name, f"{np.mean(m.codes == k):.2%}"))
    return rows
