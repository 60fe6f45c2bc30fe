"""Opening the files gdviz is given (data files, trajectory files) without trusting them.

Only regular files are opened: a folder, a named pipe, a device or a socket is refused before it
is opened (opening a FIFO for reading blocks until a writer comes; ``/dev/zero`` never ends).
:func:`read_capped` reads at most a stated number of bytes, whatever size the file claims
(files under ``/proc`` claim 0). Errors name the file and what it is, never what it holds.
"""
from __future__ import annotations

import os
import stat

from .errors import UserInputError

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_regular(mode: int, name: str, what: str, hint: str):
    """Refuse anything but a regular file: ``'x' is a folder, not a data file: give ...``."""
    if stat.S_ISREG(mode):
        return
    kind = next((k for test, k in KINDS if test(mode)), "not a regular file")
    raise UserInputError(f"'{name}' is {kind}, not a {what}: {hint}")


def open_regular(path, what: str, hint: str):
    """``path`` opened for binary reading if it is a regular file. The type is checked with
    stat() before opening, and again on the open descriptor (opened non-blocking) in case the
    path was swapped in between.

    what : the kind of file expected ("data file"); hint : what to give instead.
    """
    name = os.fsdecode(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserInputError(f"{what} '{name}' does not exist") from None
    except (OSError, ValueError) as e:  # e.g. a symlink loop, a name too long, a NUL in the name
        raise UserInputError(f"cannot read {what} '{name}': {getattr(e, 'strerror', None) or e}") from None
    check_regular(st.st_mode, name, what, hint)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:  # e.g. permission denied
        raise UserInputError(f"cannot read {what} '{name}': {e.strerror or e}") from None
    try:
        check_regular(os.fstat(fd).st_mode, name, what, hint)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(path, what: str, hint: str, limit: int, limit_name: str) -> bytes:
    """The bytes of regular file ``path``, refused (before reading) when it claims more than
    ``limit`` bytes, and (while reading) when it holds more than it claimed.

        >>> read_capped("prices.csv", "data file", "give the path of a CSV file", 2**20, "MAX_DATA_BYTES")
    """
    name = os.fsdecode(path)
    cap = f"a {what} may hold at most {_bytes(limit)} ({limit_name})"
    with open_regular(path, what, hint) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise UserInputError(f"{what} '{name}' is {_bytes(size)}; {cap}")
        try:
            data = fh.read(limit + 1)
        except OSError as e:
            raise UserInputError(f"cannot read {what} '{name}': {e.strerror or e}") from None
    if len(data) > limit:
        raise UserInputError(f"{what} '{name}' holds more than {_bytes(limit)}; {cap}")
    return data


def _bytes(n: int) -> str:
    """1023 -> '1023 bytes', 16 MiB -> '16 MiB', 20.5 MiB -> '20.5 MiB'."""
    if n < 2**20:
        return f"{n:,} bytes" if n != 1 else "1 byte"
    mib = n / 2**20
    return f"{mib:,.0f} MiB" if mib == int(mib) else f"{mib:,.1f} MiB"
