"""Output files: checked before any work, written to a temporary file and renamed into place.

    >>> with atomic_path("output/race.png") as tmp:   # tmp: output/.race.png.xxxx.png
    ...     fig.savefig(tmp)
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import UserInputError

STATIC = (".png", ".svg", ".pdf")
ANIMATED = (".gif", ".mp4", ".webm")


def check_output(path, allowed=STATIC + ANIMATED) -> Path:
    """The output path, or a clear error: unknown extension, missing or unwritable folder."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in allowed:
        shown = f"'{ext}'" if ext else "no extension"
        raise UserInputError(f"output '{p.name}' has {shown}; choose one of: {', '.join(allowed)}")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise UserInputError(f"output folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError(f"output folder '{folder}' is not writable")
    if p.is_dir():
        raise UserInputError(f"output '{p}' is a folder; give a file name")
    return p


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path`` (same extension); rename it to ``path`` on success,
    delete it on any failure or interruption, so no partial file is ever left."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.",
                               suffix=p.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
