"""Interruptions: SIGTERM becomes an exception (like Ctrl-C's KeyboardInterrupt), so every
``finally`` runs and no temporary file is left behind when a render is stopped."""
from __future__ import annotations

import contextlib
import os
import signal


class Terminated(KeyboardInterrupt):
    """Raised on SIGTERM."""


_busy = True  # False in an idle pool worker: then SIGTERM just ends the process


def _raise(signum, frame):
    if not _busy:
        os._exit(128 + signum)
    raise Terminated(f"stopped by signal {signum}")


def install():
    """Turn SIGTERM into :class:`Terminated` in this process (main thread only)."""
    with contextlib.suppress(ValueError):  # not the main thread: leave the default
        signal.signal(signal.SIGTERM, _raise)


def install_worker():
    """For pool workers: Ctrl-C goes to the parent (which stops the workers); SIGTERM raises
    :class:`Terminated` during a render (so it cleans up) and ends an idle worker at once."""
    global _busy
    _busy = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install()


@contextlib.contextmanager
def busy():
    """Mark a pool worker as rendering (SIGTERM then raises instead of exiting)."""
    global _busy
    _busy = True
    try:
        yield
    finally:
        _busy = False


@contextlib.contextmanager
def child_signals():
    """While a helper process is forked: it ignores Ctrl-C and dies on SIGTERM (it writes no
    files; the parent handles the interruption and cleans up)."""
    old_int, old_term = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
