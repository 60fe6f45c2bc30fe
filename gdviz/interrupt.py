"""Interruptions: SIGTERM and SIGHUP (a closed terminal) become an exception (like Ctrl-C's
KeyboardInterrupt), so every ``finally`` runs and no temporary file is left behind when a
render is stopped; child processes die with their parent.

Python raises a signal's exception wherever the program is; when that is a weakref callback or a
``__del__`` (matplotlib has many), Python cannot raise it there and prints "Exception ignored"
with a traceback instead, and the render would go on. :func:`install` keeps such an interruption
for :func:`check`, which every frame and every output (before it is published) calls.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys


class Terminated(KeyboardInterrupt):
    """Raised on SIGTERM or SIGHUP; ``signum`` says which (the exit code is 128 + signum)."""

    def __init__(self, message="", signum: int = signal.SIGTERM):
        super().__init__(message)
        self.signum = int(signum)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


_busy = True  # False in an idle pool worker: then SIGTERM just ends the process


def _raise(signum, frame):
    if not _busy:
        os._exit(128 + signum)
    raise Terminated(f"stopped by signal {signum}", signum)


_pending: BaseException | None = None   # an interruption Python could not raise where it came
_next_hook = sys.unraisablehook


def _unraisable(info):
    """sys.unraisablehook: keep an interruption that landed in a callback or finalizer (see the
    module docstring); pass anything else on."""
    global _pending
    if isinstance(info.exc_value, KeyboardInterrupt):
        _pending = _pending or info.exc_value
        return
    _next_hook(info)


def check():
    """Raise the interruption a callback or finalizer swallowed, if any."""
    global _pending
    if _pending is not None:
        e, _pending = _pending, None
        raise e


def install():
    """Turn SIGTERM and SIGHUP into :class:`Terminated` in this process (main thread only), and
    keep interruptions that land in callbacks for :func:`check`."""
    global _next_hook
    if sys.unraisablehook is not _unraisable:
        _next_hook, sys.unraisablehook = sys.unraisablehook, _unraisable
    with contextlib.suppress(ValueError):  # not the main thread: leave the default
        for sig in STOP_SIGNALS:
            signal.signal(sig, _raise)


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
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, *STOP_SIGNALS)}
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def die_with_parent(sig: int = signal.SIGKILL):
    """In a child process (e.g. as ``preexec_fn``, or first thing in a pool worker): ask Linux to
    send ``sig`` when the parent dies, so no child outlives gdviz even after ``kill -9``.
    Elsewhere it does nothing; children then notice a closed pipe."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:   # the parent died before the request took effect
        os._exit(1)


def quiet_child():
    """``preexec_fn`` for helper programs (ffmpeg): Ctrl-C is the parent's to handle, and they
    die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
