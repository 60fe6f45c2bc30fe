"""Output files: checked before any work, written to a temporary file beside the target and
renamed into place, so a failure or an interruption never leaves a half-written file and never
replaces a good one. Failures of the disk (full, read-only, a folder where a file should be)
become one line naming the path and the cause.

    >>> path = check_output("output/race.png", (".png", ".svg"))
    >>> with atomic_path(path) as tmp:          # output/.race.png.k3j2h1x9.gdviz-tmp.png
    ...     fig.savefig(tmp)

Temporary names follow one pattern (:data:`TEMPORARY`), so leftovers of a killed run are
recognised exactly and a user's own dotfiles are never touched.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from .errors import OutputError, UserInputError

TMP_MARK = ".gdviz-tmp"
# .<target name>.<8 random characters from mkstemp>.gdviz-tmp[.<extension>]
TEMPORARY = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.gdviz-tmp(\.[A-Za-z0-9]+)?$")
CAUSES = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is exceeded",
          errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
          errno.EPERM: "permission denied", errno.EISDIR: "it is a folder, not a file",
          errno.ENOTDIR: "a part of the path is a file, not a folder", errno.ENOENT: "the folder does not exist",
          errno.EFBIG: "the file is too large for the file system", errno.EIO: "an input/output error",
          errno.ENAMETOOLONG: "the name is too long"}


def cause(e: OSError) -> str:
    """A short, human cause for an OS error: 'no space left on the device'."""
    return CAUSES.get(e.errno, (e.strerror or str(e)).lower())


def check_output(path, allowed) -> Path:
    """The output path, or a clear error before any work: unknown extension, a folder that is
    missing, not a folder or not writable, or a target that is a folder, a FIFO or a device."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in allowed:
        shown = f"'{ext}'" if ext else "no extension"
        raise UserInputError(f"output '{p.name}' has {shown}; choose one of: {', '.join(allowed)}")
    folder = p.parent if str(p.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"output folder '{folder}' is a file, not a folder")
    if not folder.is_dir():
        raise UserInputError(f"output folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        why = "is on a read-only file system" if _read_only(folder) else "is not writable"
        raise UserInputError(f"output folder '{folder}' {why}")
    if p.is_dir():
        raise UserInputError(f"output '{p}' is a folder; give a file name")
    if p.exists() or p.is_symlink():
        try:
            mode = os.stat(p).st_mode
        except OSError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise UserInputError(f"output '{p}' exists and is not a regular file (a FIFO, socket or device); "
                                 "give another name")
    return p


def _read_only(folder) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def temporary(path) -> Path:
    """A new empty temporary file beside ``path`` (same extension), named by :data:`TEMPORARY`."""
    p = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.",
                                   suffix=TMP_MARK + p.suffix)
    except OSError as e:
        raise OutputError(f"cannot write '{p}': {cause(e)}") from None
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success, delete it on any
    failure or interruption. An OS error (disk full, read-only...) becomes an
    :class:`OutputError` naming the file; the previous file, if any, is untouched."""
    p = Path(path)
    tmp = temporary(p)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except OSError as e:
        _unlink(tmp)
        kept = " (the previous file is kept)" if p.is_file() else ""
        raise OutputError(f"cannot write '{p}': {cause(e)}{kept}") from None
    except BaseException:
        _unlink(tmp)
        raise


def write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def remove_stale_temporaries(folder, targets=None) -> list[Path]:
    """Delete temporary files a killed run left in ``folder``: only names matching
    :data:`TEMPORARY` (for one of ``targets``, when given) and gdviz's manim media folders."""
    import shutil

    folder = Path(folder)
    removed = []
    if not folder.is_dir():
        return removed
    targets = None if targets is None else set(targets)
    for p in folder.iterdir():
        m = TEMPORARY.match(p.name)
        if m and p.is_file() and not p.is_symlink() and (targets is None or m["target"] in targets):
            _unlink(p)
            removed.append(p)
        elif re.fullmatch(r"\.gdviz-manim-[A-Za-z0-9_]{8}", p.name) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _unlink(p):
    with contextlib.suppress(OSError):
        os.unlink(p)
