"""Tiles: the unit of work, of memory and of distribution.

A map's pixels (row-major over (ny, nx)) are cut into tiles of at most ``tile`` pixels; the same
``tile_fn(task, lo, hi)`` computes each, in a loop here or on Dask workers, and every pixel's
numbers depend only on that pixel, so the result is bit-identical however it is cut or run.
Memory: one tile's working arrays, plus the output arrays being filled.

    >>> out = compute(lambda task, lo, hi: {"v": np.arange(lo, hi) * task}, 2.0, 10, tile=4)
    >>> out["v"].tolist()
    [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
"""
from __future__ import annotations

import os
import sys

import numpy as np

from ..errors import UserInputError

TILE = 50_000          # pixels per tile by default (the Sohl-Dickstein notebook's chunk size)
MAX_TILE = 1_000_000


def tile_size(tile) -> int:
    """``tile`` checked: a whole number of pixels, 1..MAX_TILE."""
    if isinstance(tile, bool) or not isinstance(tile, (int, np.integer)) or not 1 <= tile <= MAX_TILE:
        raise UserInputError(f"tile must be a whole number of pixels from 1 to {MAX_TILE:,}, got {tile!r}")
    return int(tile)


def bounds(n: int, tile: int) -> list[tuple[int, int]]:
    """The (lo, hi) pixel ranges of the tiles."""
    return [(lo, min(lo + tile, n)) for lo in range(0, n, tile)]


def compute(tile_fn, task, n: int, *, tile: int = TILE, client=None, progress=None) -> dict:
    """Run ``tile_fn(task, lo, hi) -> {name: array of hi - lo}`` over ``n`` pixels; return the
    concatenated arrays (allocated once, filled tile by tile).

    client : None (here, one tile after another), a ``distributed.Client``, a scheduler address
        ("tcp://host:8786"), a scheduler file (a path to its JSON), or True (a LocalCluster).
    progress : None (a bar on a terminal when the work is large), True, False, or a function
        ``f(done_pixels, total_pixels)``.
    """
    ranges = bounds(n, tile_size(tile))
    report, close = _progress(progress, n)
    out: dict = {}

    def put(lo, hi, part):
        for name, arr in part.items():
            if name not in out:
                out[name] = np.empty((n, *arr.shape[1:]), dtype=arr.dtype)
            out[name][lo:hi] = arr
        report(hi - lo)

    try:
        if client is None:
            for lo, hi in ranges:
                put(lo, hi, tile_fn(task, lo, hi))
        else:
            with _client(client) as c:
                from distributed import as_completed

                future_task = c.scatter(task, broadcast=True)
                futures = {c.submit(tile_fn, future_task, lo, hi, pure=False): (lo, hi) for lo, hi in ranges}
                for fut in as_completed(futures):
                    put(*futures[fut], fut.result())
    finally:
        close()
    return out


class _client:
    """A Dask client from what the user gave (the usual conventions), closed afterwards only if made here."""

    def __init__(self, spec):
        self.spec, self.owned = spec, []

    def __enter__(self):
        try:
            import distributed
        except ImportError:
            raise UserInputError("maps on Dask need dask.distributed: pip install 'gdviz[maps]'") from None
        spec = self.spec
        if isinstance(spec, distributed.Client):
            return spec
        if spec is True:
            cluster = distributed.LocalCluster(processes=False, dashboard_address=None)
            self.owned.append(cluster)
        elif isinstance(spec, (str, os.PathLike)) and os.path.isfile(spec):
            c = distributed.Client(scheduler_file=os.fspath(spec), timeout="10s")
            self.owned.append(c)
            return c
        elif isinstance(spec, str) and "://" in spec or isinstance(spec, str) and ":" in spec:
            cluster = spec
        else:
            raise UserInputError(f"client must be a distributed.Client, a scheduler address (tcp://host:8786), "
                                 f"a scheduler file, or True for a local cluster; got {spec!r}")
        try:
            c = distributed.Client(cluster, timeout="10s")
        except OSError as e:
            raise UserInputError(f"cannot reach the Dask scheduler at {spec}: {e}") from None
        self.owned.insert(0, c)
        return c

    def __exit__(self, *exc):
        for thing in self.owned:
            thing.close()


def _progress(progress, n):
    """(report(k), close()) for ``progress`` (see :func:`compute`)."""
    if callable(progress):
        done = [0]

        def report(k):
            done[0] += k
            progress(done[0], n)

        return report, lambda: None
    if progress is None:
        progress = n >= 1_000_000 and sys.stderr.isatty()
    if not progress:
        return (lambda k: None), (lambda: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("map"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
    bar.start()
    job = bar.add_task("map", total=n)
    return (lambda k: bar.advance(job, k)), bar.stop
