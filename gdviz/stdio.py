"""Standard output as well-behaved Unix tools treat it: a closed stdout (``>&-``) or a full
one (``> /dev/full``) is one line and exit code 1; a reader that went away (``| head -1``)
ends gdviz quietly, killed by SIGPIPE like ``yes | head -1``.

    >>> guard()                     # first thing in the console script
    >>> try: ...                    # the command
    ... except StdoutFailed as e:
    ...     code = report(e)        # 1 after one line; PIPE_CLOSED when the reader left
    >>> leave(code)                 # os._exit, or death by SIGPIPE
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys

import click

PIPE_CLOSED = 128 + signal.SIGPIPE   # the exit status a shell shows for a tool killed by SIGPIPE


class StdoutFailed(Exception):
    """Writing to standard output failed (not an OSError, so no handler of file errors takes it
    for a failure of the file it is writing)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror)
        self.errno = error.errno


class _Stdout(io.RawIOBase):
    """File descriptor 1 (None: it was closed) under sys.stdout: the first failed write raises
    :class:`StdoutFailed`; later writes are dropped, so the failure is reported once."""

    def __init__(self, fd):
        self.fd, self.failed = fd, False

    def writable(self):
        return True

    def fileno(self):
        if self.fd is None:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return self.fd

    def isatty(self):
        return self.fd is not None and os.isatty(self.fd)

    def write(self, data):
        if self.failed:
            return len(data)
        try:
            if self.fd is None:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return os.write(self.fd, data)
        except OSError as e:
            self.failed = True
            raise StdoutFailed(e) from None


def guard():
    """Keep file descriptors 0-2 taken (on /dev/null where they were closed, so no file gdviz
    opens becomes its 'standard output'), and put sys.stdout on :class:`_Stdout`."""
    closed = sys.stdout is None
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)   # the lowest free descriptor: this one
            if null != fd:
                os.close(null)
    old = sys.stdout
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Stdout(None if closed else 1)),
                                  encoding=getattr(old, "encoding", None) or "utf-8",
                                  errors=getattr(old, "errors", None) or "strict",
                                  line_buffering=bool(getattr(old, "line_buffering", False)))


def report(e: StdoutFailed) -> int:
    """The exit code for a failed standard output, after one line on stderr (none when the
    reader of a pipe went away: PIPE_CLOSED)."""
    from .errors import printable
    from .files import cause

    if e.errno == errno.EPIPE:
        return PIPE_CLOSED
    with contextlib.suppress(OSError):
        click.echo(f"gdviz: error: cannot write to standard output: {printable(cause(OSError(e.errno, str(e))))}",
                   err=True)
    return 1


def leave(code: int):
    """End the process now with ``code``: flush what is left (its failure reported as by
    :func:`report`); PIPE_CLOSED ends it by SIGPIPE, as the shell expects of a tool."""
    try:
        sys.stdout.flush()
    except StdoutFailed as e:
        code = report(e) if code == 0 else code
    with contextlib.suppress(OSError, AttributeError):   # stderr closed or gone: nothing to tell
        sys.stderr.flush()
    if code == PIPE_CLOSED:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    os._exit(code)

