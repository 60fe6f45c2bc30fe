"""The boundary of a map and its box-counting dimension (numpy only).

:func:`edges` marks the boundary as the Sohl-Dickstein notebook does: a pixel of the
(ny - 1, nx - 1) edge image is on the boundary when the 2 x 2 window of values at its corners
changes sign (trains on one side, diverges on the other). :func:`box_counting_dimension` tiles
the edge image with boxes of 2^k pixels and counts the boxes that hold a boundary pixel; the
dimension is minus the slope of log(count) against log(size), fitted by least squares over the
sizes from 2 pixels (1-pixel boxes only count the pixels of a line one pixel thick) to 1/8 of
the image's shorter side (at least 8 boxes across, before the few largest boxes are all full).

    >>> line = np.zeros((256, 256), bool); line[100, :] = True
    >>> round(box_counting_dimension(line).dimension, 3)
    1.0
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserInputError

SMALLEST = 2          # the smallest box side fitted, in pixels
ACROSS = 8            # the largest box fitted leaves at least this many boxes across the image


@dataclass(frozen=True)
class BoxCount:
    """dimension: minus the fitted slope; sizes: box sides 1, 2, 4, ... (pixels); counts: boxes
    of each size that hold a boundary pixel; fit: (smallest, largest) side used in the fit."""

    dimension: float
    sizes: np.ndarray
    counts: np.ndarray
    fit: tuple


def edges(values) -> np.ndarray:
    """Boundary pixels: the sign of ``max * min`` over each 2 x 2 window is negative.

        >>> edges(np.array([[-1.0, -1.0, 2.0], [-1.0, -1.0, 2.0]])).tolist()
        [[False, True]]
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or min(v.shape) < 2:
        raise UserInputError(f"edges needs a 2-D map at least 2 x 2, got shape {v.shape}")
    windows = np.stack((v[1:, 1:], v[:-1, 1:], v[1:, :-1], v[:-1, :-1]), axis=-1)
    with np.errstate(invalid="ignore"):
        return np.sign(windows.max(axis=-1) * windows.min(axis=-1)) < 0


def box_counts(edge_image) -> tuple[np.ndarray, np.ndarray]:
    """(sizes, counts): for each side s = 1, 2, 4, ... up to the image's shorter side, how many
    s x s tiles (from the top-left corner; the last row and column of tiles may be partial) hold
    a True pixel."""
    e = np.asarray(edge_image, dtype=bool)
    if e.ndim != 2 or min(e.shape) < 1:
        raise UserInputError(f"box counting needs a 2-D image, got shape {e.shape}")
    sizes, counts = [], []
    s = 1
    while s <= min(e.shape):
        h, w = -(-e.shape[0] // s) * s, -(-e.shape[1] // s) * s
        padded = np.zeros((h, w), bool)
        padded[: e.shape[0], : e.shape[1]] = e
        tiles = padded.reshape(h // s, s, w // s, s).any(axis=(1, 3))
        sizes.append(s)
        counts.append(int(tiles.sum()))
        s *= 2
    return np.array(sizes), np.array(counts)


def box_counting_dimension(edge_image) -> BoxCount:
    """The box-counting dimension of the True pixels of ``edge_image`` (see the module)."""
    e = np.asarray(edge_image, dtype=bool)
    sizes, counts = box_counts(e)
    largest = min(e.shape) // ACROSS
    use = (sizes >= SMALLEST) & (sizes <= largest)
    if use.sum() < 3:
        raise UserInputError(f"box counting needs an image of at least {SMALLEST * ACROSS * 4} pixels a side "
                             f"(three box sizes from {SMALLEST} to 1/{ACROSS} of it), got shape {e.shape}")
    if counts[use].min() == 0:
        raise UserInputError("box counting needs a boundary: the edge image has no boundary pixel")
    slope = np.polyfit(np.log(sizes[use]), np.log(counts[use]), 1)[0]
    return BoxCount(float(-slope), sizes, counts, (int(sizes[use][0]), int(sizes[use][-1])))
