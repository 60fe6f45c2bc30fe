"""Output files: checked before any work, written to a temporary file beside the target and
renamed into place, so a failure or an interruption never leaves a half-written file and never
replaces a good one. Failures of the disk (full, read-only, a folder where a file should be)
become one line naming the path and the cause.

    >>> path = check_output("output/race.png", (".png", ".svg"))
    >>> with atomic_path(path) as tmp:          # output/.race.png.k3j2h1x9.gdviz-tmp.png
    ...     fig.savefig(tmp)

Temporary names follow one pattern (:data:`TEMPORARY`), so leftovers of a killed run are
recognised exactly and a user's own dotfiles are never touched; the next run writing into the
folder removes them. A run holds a lock (``flock``) on each of its temporaries while it lives,
so a run writing beside it never takes them for leftovers; the kernel drops the lock however
the run ends.

A new output gets the mode ``0o666 & ~umask``, like any file a program creates; a replaced
output keeps its mode.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import OutputError, UserInputError
from .interrupt import check as check_interrupted

TMP_MARK = ".gdviz-tmp"
# .<target name, cut to fit NAME_MAX>.<8 random characters from mkstemp>.gdviz-tmp[.<extension>]
TEMPORARY = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.gdviz-tmp(\.[A-Za-z0-9]+)?$")
# gdviz's manim media folder: .gdviz-manim-<8 random characters from mkdtemp>
MEDIA = re.compile(r"^\.gdviz-manim-[A-Za-z0-9_]{8}$")
NAME_MAX, PATH_MAX = 255, 4096   # bytes, Linux's limits (a file system may allow fewer names)
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
    """The output path, or a clear error before any work: a path or a name too long for the
    OS, an unknown extension, a folder that is missing, not a folder or not writable, or a
    target that is a folder, a FIFO or a device."""
    p = Path(path)
    check_length(p)
    ext = p.suffix.lower()
    if ext not in allowed:
        shown = f"'{ext}'" if ext else "no extension"
        raise UserInputError(f"output '{p.name}' has {shown}; choose one of: {', '.join(allowed)}")
    folder = p.parent if str(p.parent) else Path(".")
    try:
        _check_place(p, folder)
    except OSError as e:
        raise UserInputError(f"cannot use output '{p}': {cause(e)}") from None
    return p


def _check_place(p: Path, folder: Path):
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


def check_length(p: Path):
    """One line for a path the OS would refuse as too long: PATH_MAX bytes or more, or a name
    (of the file or a folder on the way) over NAME_MAX bytes."""
    size = len(os.fsencode(p))
    if size >= PATH_MAX:
        raise UserInputError(f"output path is too long ({size:,} bytes; at most {PATH_MAX - 1:,})")
    limit = name_max(p.parent)
    for i, part in enumerate(p.parts):
        size = len(os.fsencode(part))
        if size > limit and part != "/":
            what = "name" if i == len(p.parts) - 1 else "folder name"
            raise UserInputError(f"output {what} '{shorten(part)}' is too long ({size} bytes; at most {limit})")


def too_long(e: BaseException) -> str | None:
    """For an OS error 'file name too long' (ENAMETOOLONG), one line naming the path; else None."""
    if not (isinstance(e, OSError) and e.errno == errno.ENAMETOOLONG and e.filename is not None):
        return None
    path = os.fsdecode(e.filename)
    return (f"path '{shorten(path)}' is too long ({len(os.fsencode(path)):,} bytes; at most "
            f"{PATH_MAX - 1:,}, and {NAME_MAX} in one name)")


def name_max(folder) -> int:
    """The longest file name ``folder``'s file system takes, in bytes (NAME_MAX if unknown)."""
    try:
        return min(os.pathconf(folder if str(folder) else ".", "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError):
        return NAME_MAX


def shorten(text: str, keep: int = 40) -> str:
    """``text`` cut in the middle to about ``keep`` characters: 'aaaa…a.png'."""
    return text if len(text) <= keep else f"{text[:keep - 11]}…{text[-10:]}"


def _read_only(folder) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def umask() -> int:
    """This process's umask (read from /proc on Linux, which leaves it untouched)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_mode(path) -> int:
    """The permissions an output gets: those of the regular file it replaces, else those of a
    new file, ``0o666 & ~umask`` (0o644 under the usual umask 022, 0o600 under 077)."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode) & 0o777
    return 0o666 & ~umask()


def publish(src, path):
    """Move the finished file ``src`` (in the same folder or file system) to ``path`` in one
    rename, with the mode of :func:`output_mode`."""
    os.chmod(src, output_mode(path))
    os.replace(src, path)


def _stem(name: str, folder) -> tuple[str, str]:
    """The target part and the extension of a temporary's name for the output ``name``: the
    name cut (at a character) so the whole temporary name fits the file system's name limit."""
    suffix = Path(name).suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,16}", Path(name).suffix) else ""
    room = name_max(folder) - len(f"..XXXXXXXX{TMP_MARK}{suffix}")
    stem = name[:room]
    while len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return stem, suffix


def _hold(fd: int, path) -> bool:
    """Lock a new temporary of ours (waiting while a run sweeping the folder looks at it); False
    if that run removed it meanwhile (then make another)."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        return os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def temporary(path) -> tuple[Path, int]:
    """A new empty temporary file beside ``path`` (same extension), named by :data:`TEMPORARY`,
    and a descriptor holding its lock (close it when done). Leftovers of killed runs in that
    folder are removed first."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    remove_stale_temporaries(folder)
    stem, suffix = _stem(p.name, folder)
    while True:
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=TMP_MARK + suffix)
        except OSError as e:
            raise OutputError(f"cannot write '{p}': {cause(e)}") from None
        if _hold(fd, tmp):
            return Path(tmp), fd
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` on success, delete it on any
    failure or interruption. An OS error (disk full, read-only...) becomes an
    :class:`OutputError` naming the file; the previous file, if any, is untouched."""
    p = Path(path)
    tmp, lock = temporary(p)
    try:
        yield tmp
        check_interrupted()   # an interruption a callback swallowed: the file is not published
        publish(tmp, p)
    except OSError as e:
        _unlink(tmp)
        kept = " (the previous file is kept)" if p.is_file() else ""
        raise OutputError(f"cannot write '{p}': {cause(e)}{kept}") from None
    except BaseException:
        _unlink(tmp)
        raise
    finally:
        os.close(lock)


@contextlib.contextmanager
def temporary_folder(parent):
    """A new private folder in ``parent`` (named by :data:`MEDIA`) for a render's intermediate
    files (manim's media), locked while it lives and removed afterwards. Leftovers of killed
    runs in ``parent`` are removed first."""
    parent = Path(parent) if str(parent) else Path(".")
    remove_stale_temporaries(parent)
    while True:
        try:
            folder = Path(tempfile.mkdtemp(prefix=".gdviz-manim-", dir=parent))
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as e:
            raise OutputError(f"cannot write in '{parent}': {cause(e)}") from None
        if _hold(fd, folder):
            break
        os.close(fd)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def read_regular(path: Path, cap: int, *, head: bool = False) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, FIFO or device) of at most
    ``cap`` bytes (with ``head``: its first ``cap`` bytes), else None; never blocks, never reads
    more than ``cap + 1`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or (st.st_size > cap and not head):
                return None
            data = fh.read(cap if head else cap + 1)
        except OSError:
            return None
    return data if len(data) <= cap else None


def holds(path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``."""
    return read_regular(path, len(data)) == data


def update_text(path, text: str) -> Path:
    """:func:`write_text`, unless ``path`` already holds exactly ``text``: then it is left alone (its
    mtime too), so a docs server watching the folder (``mkdocs serve``) does not rebuild forever."""
    if not holds(path, text.encode("utf-8")):
        write_text(path, text)
    return Path(path)


def remove_stale_temporaries(folder, targets=None) -> list[Path]:
    """Delete what killed runs left in ``folder``: temporary files named by :data:`TEMPORARY`
    (for one of ``targets``, when given) and media folders named by :data:`MEDIA`, that no
    living run holds."""
    folder = Path(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    stems = None if targets is None else {_stem(t, folder)[0] for t in targets}
    removed = []
    for name in names:
        m = TEMPORARY.match(name)
        media = bool(MEDIA.match(name))
        if (media or m and (stems is None or m["target"] in stems)) and _remove_if_stale(folder / name, media):
            removed.append(folder / name)
    return removed


def _remove_if_stale(path: Path, is_folder: bool) -> bool:
    """Remove a temporary file (or folder) of gdviz's unless a living run holds its lock; never
    follow a symbolic link."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | (os.O_DIRECTORY if is_folder else 0)
    try:
        fd = os.open(path, flags)
    except OSError:   # gone, a symbolic link, not readable: not a leftover to touch
        return False
    try:
        st = os.fstat(fd)
        if not (stat.S_ISDIR if is_folder else stat.S_ISREG)(st.st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:   # a living run holds it
            return False
        if os.stat(path, follow_symlinks=False).st_ino != st.st_ino:
            return False
        if is_folder:
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _unlink(p):
    with contextlib.suppress(OSError):
        os.unlink(p)
