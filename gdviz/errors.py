"""The one exception type for user mistakes.

`UserInputError` is a `ValueError`, so API callers can catch either; the CLI turns it into one
line on stderr and exit code 2. `OutputError` (a failed write or encoder) is one line and exit 1.
"""
from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

import numpy as np


class UserInputError(ValueError):
    """Bad input from a user: the message names the problem and the accepted values."""


class OutputError(RuntimeError):
    """A render or a write failed for a reason outside gdviz (a full or read-only disk, the
    video encoder); the message names the file and the cause. The CLI prints it as one line and
    exits with code 1; the previous file, if any, is kept."""


def unknown_name(kind: str, name: str, choices: Iterable[str]) -> UserInputError:
    """An error for an unknown name, suggesting the closest accepted one.

    >>> str(unknown_name("surface", "rosenbrok", ["rosenbrock", "bowl"]))
    "unknown surface 'rosenbrok' (did you mean 'rosenbrock'?); choose from: rosenbrock, bowl"
    """
    choices = list(choices)
    close = difflib.get_close_matches(str(name), choices, n=1, cutoff=0.5)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return UserInputError(f"unknown {kind} '{name}'{hint}; choose from: {', '.join(choices)}")


def positive_number(name: str, value, *, allow_zero: bool = False):
    """`value` as a float or float array (any shape), checked finite and > 0 (or >= 0)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"{name} must be a number, got {value!r}") from None
    bad = ~np.isfinite(arr) | ((arr < 0) if allow_zero else (arr <= 0))
    if bad.any():
        shown = arr[bad].flat[0] if arr.ndim else arr.item()
        need = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise UserInputError(f"{name} must be {need}, got {_fmt(shown)}")
    return arr.item() if arr.ndim == 0 else arr


def number_in(name: str, value, lo: float, hi: float, *, hi_open: bool = True):
    """`value` (float or array) checked to lie in [lo, hi) (or [lo, hi])."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"{name} must be a number, got {value!r}") from None
    bad = ~np.isfinite(arr) | (arr < lo) | ((arr >= hi) if hi_open else (arr > hi))
    if bad.any():
        shown = arr[bad].flat[0] if arr.ndim else arr.item()
        rng = f"[{_fmt(lo)}, {_fmt(hi)}{')' if hi_open else ']'}"
        raise UserInputError(f"{name} must be in {rng}, got {_fmt(shown)}")
    return arr.item() if arr.ndim == 0 else arr


def _fmt(x) -> str:
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:g}"


def printable(text) -> str:
    """``text`` safe to show on a terminal: control characters (escape sequences that could set
    the window title or clear the screen, newlines inside a one-line message) shown escaped.

        >>> printable("a\x1b]0;owned\x07b")
        'a\\x1b]0;owned\\x07b'
    """
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))
