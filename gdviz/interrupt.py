"""Interruptions: SIGTERM and SIGHUP (a closed terminal) become an exception (like Ctrl-C's
KeyboardInterrupt), so every ``finally`` runs and no temporary file is left behind when a
render is stopped; child processes die with their parent."""
from __future__ import annotations

import contextlib
import os
import signal


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


def install():
    """Turn SIGTERM and SIGHUP into :class:`Terminated` in this process (main thread only)."""
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
