"""``gdviz build``: render a gallery spec into a folder, in parallel, skipping what is cached.

The cache is a manifest in the output folder (``.gdviz-cache.json``): for every file, a hash of
its entry's spec, the language, the gdviz version and the versions of the rendering libraries,
and the size and SHA-256 of the file written. A file is rendered again when that hash changed,
or the file is gone, truncated or replaced. The manifest is rewritten (atomically) after every
finished file, so an interrupted build resumes where it stopped. A lock on the output folder
makes a second build into it wait, so two builds never interleave.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..errors import OutputError, UserInputError, unknown_name
from .spec import Entry, Spec, load

MANIFEST = ".gdviz-cache.json"
LIBRARIES = {"figure": ("numpy", "matplotlib", "pillow", "sympy"),
             "gif": ("numpy", "matplotlib", "pillow", "sympy"),
             "video": ("numpy", "matplotlib", "manim", "manimpango", "pycairo", "av", "sympy", "typst")}


@dataclass
class Result:
    """What a build did: files rendered, files taken from the cache, failures (file -> message),
    each file's claims (file -> list of :class:`gdviz.claims.Claim`), and warnings (one line per
    entry whose picture makes a claim its runs do not bear out, when that is not a failure)."""

    rendered: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def code_digest() -> str:
    """A digest of gdviz's own files (code, labels, data): a changed label or lesson renders
    again even when the version number stays (an editable install)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".toml", ".js", ".css", ".json") and "__pycache__" not in f.parts:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(entry: Entry, lang: str) -> str:
    """The cache key of one file: the entry, the language, gdviz's code and the libraries that draw it."""
    libs = {d: _version(d) for d in LIBRARIES[entry.kind]}
    blob = json.dumps({"spec": entry.spec(), "lang": lang, "gdviz": __version__, "code": code_digest(),
                       "libs": libs}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_manifest(folder: Path) -> dict:
    """file -> {"hash", "size", "sha256", "claims"} from the folder's manifest; a missing,
    unreadable or wrongly shaped manifest (or entry) counts as empty: those files render again."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {f: v for f, v in files.items() if isinstance(f, str) and isinstance(v, dict)
            and isinstance(v.get("hash"), str) and isinstance(v.get("size"), int)
            and isinstance(v.get("sha256"), str) and isinstance(v.get("claims", []), list)}


def write_manifest(folder: Path, files: dict):
    """Write the manifest atomically (an :class:`OutputError` when the disk refuses)."""
    from ..files import write_text

    write_text(folder / MANIFEST, json.dumps({"gdviz": __version__, "files": files}, indent=1, sort_keys=True))


def digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256) of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return path.stat().st_size, h.hexdigest()


def intact(folder: Path, file: str, record: dict) -> bool:
    """Whether ``file`` is still exactly what the build wrote (a regular file, same size and
    SHA-256): a truncated, emptied or replaced output renders again."""
    p = folder / file
    try:
        if not p.is_file() or p.stat().st_size != record.get("size"):
            return False
        return digest(p) == (record["size"], record["sha256"])
    except OSError:
        return False


@contextlib.contextmanager
def locked(folder: Path, on_wait=None):
    """Hold the output folder's build lock (``flock`` on the folder itself: no lock file to
    leave behind); if another build holds it, call ``on_wait()`` once and wait for it to finish
    (the kernel releases the lock when that process ends, however it ends)."""
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        from ..files import cause

        raise OutputError(f"cannot lock output folder '{folder}': {cause(e)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def plan(spec: Spec, folder: Path, *, only=None, langs=("en", "zh"), force=False):
    """(entry, lang, file, hash, needs_render) for every file the build covers."""
    names = [e.name for e in spec.entries]
    for name in only or ():
        if name not in names:
            raise unknown_name("entry", name, names)
    manifest = {} if force else read_manifest(folder)
    out = []
    for e in spec.entries:
        if only and e.name not in only:
            continue
        for lang in e.langs:
            if lang not in langs:
                continue
            file = e.filename(lang)
            h = fingerprint(e, lang)
            record = manifest.get(file)
            fresh = record is not None and record["hash"] == h and intact(folder, file, record)
            out.append((e, lang, file, h, force or not fresh))
    return out


def _work(entry: Entry, lang: str, folder: str, strict: bool) -> dict:
    """Worker: check the entry's claims on its runs, then render one file from those runs.
    Returns {"error": text or None, "claims": [claim dicts]}; failures come back as text
    (never lost in a pool). With ``strict``, a claim that does not hold is the error."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    for name in ("", "matplotlib", "manim", "PIL"):  # a build reports failures, not library chatter
        logging.getLogger(name).setLevel(logging.ERROR)
    from ..interrupt import busy

    claims = []
    try:
        from .render import entry_runs, render_entry

        with busy():
            runs = entry_runs(entry)
            claims = [c for r in runs for c in r.claims]
            bad = [c for c in claims if not c.holds]
            if bad and strict:
                return {"error": claim_failure(entry.name, bad), "claims": [c.to_dict() for c in claims]}
            render_entry(entry, lang, folder, runs=runs)
        return {"error": None, "claims": [c.to_dict() for c in claims]}
    except (UserInputError, OutputError) as e:
        return {"error": str(e), "claims": [c.to_dict() for c in claims]}
    except Exception as e:  # noqa: BLE001  (reported, the build goes on)
        return {"error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}", "claims": []}


def claim_failure(name: str, bad) -> str:
    """'entry: "claim" does not hold: numbers' (several claims joined with '; ')."""
    return f"{name}: " + "; ".join(c.failure() for c in bad)


def build(spec_path=None, out="output", *, jobs: int | None = None, only=None, force: bool = False,
          langs=("en", "zh"), progress=None, write_index: bool = True, strict: bool | None = None,
          on_wait=None) -> Result:
    """Render the spec (default: the built-in "Reducing Loss" gallery) into ``out``.

    Each entry's claims are checked on the runs it draws before it renders. ``strict`` (default:
    True for the built-in gallery, False for a spec file): a claim that does not hold fails the
    entry; otherwise it is a warning (``Result.warnings``, one line per entry) and the picture
    is still made.
    progress : ``f(done, total, current)`` after each file (``current``: what is rendering).
    on_wait : called once if another build holds the folder's lock (this one then waits).
    """
    strict = spec_path is None if strict is None else bool(strict)
    t0 = time.perf_counter()
    spec = load(spec_path)
    folder = Path(out)
    jobs = (os.cpu_count() or 1) if jobs is None else int(jobs)
    if jobs < 1:
        raise UserInputError(f"--jobs must be at least 1, got {jobs}")
    plan(spec, folder, only=only, langs=langs, force=True)  # checks names before any write
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"output '{folder}' is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)  # a gallery's folder tree is made, as docs tools do
    except OSError as e:
        from ..files import cause

        raise UserInputError(f"cannot create output folder '{folder}': {cause(e)}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError(f"output folder '{folder}' is not writable")
    with locked(folder, on_wait):
        result = _build_locked(spec, spec_path, folder, jobs, only, force, langs, progress, write_index, strict)
    result.seconds = time.perf_counter() - t0
    return result


def _build_locked(spec, spec_path, folder, jobs, only, force, langs, progress, write_index, strict) -> Result:
    """The build, with the folder's lock held: plan against the manifest, render what is not
    intact, record each file as it finishes, write the index."""
    from ..files import remove_stale_temporaries

    items = plan(spec, folder, only=only, langs=langs, force=force)
    remove_stale_temporaries(folder, [f for _, _, f, _, _ in items] + [MANIFEST, "index.html", "explorer.html"])
    manifest = read_manifest(folder)
    result = Result(cached=[f for _, _, f, _, todo in items if not todo])
    names = {f: e.name for e, _, f, _, _ in items}
    warned = set()

    def note_claims(file, claims):
        from ..claims import Claim

        result.claims[file] = [Claim.from_dict(c) for c in claims]
        bad = [c for c in result.claims[file] if not c.holds]
        if bad and names[file] not in warned and file not in result.failed:
            warned.add(names[file])
            result.warnings.append(claim_failure(names[file], bad))

    for f in result.cached:
        note_claims(f, manifest[f].get("claims", []))
    todo = [(e, lang, f, h) for e, lang, f, h, needed in items if needed]
    todo.sort(key=lambda t: {"video": 0, "gif": 1, "figure": 2}[t[0].kind])  # long ones first
    total = len(todo)
    hashes = {f: h for _, _, f, h in todo}

    def finished(file, outcome):
        error = outcome["error"]
        if error is None:
            try:
                size, sha = digest(folder / file)
                manifest[file] = {"hash": hashes[file], "size": size, "sha256": sha, "claims": outcome["claims"]}
                write_manifest(folder, manifest)
                result.rendered.append(file)
            except OSError as e:
                from ..files import cause

                error = f"rendered, but it could not be recorded: {cause(e)}"
            except OutputError as e:
                error = f"rendered, but the build's manifest could not be written: {e}"
        if error is not None:
            manifest.pop(file, None)
            result.failed[file] = error
        note_claims(file, outcome["claims"])
        if progress:
            progress(len(result.rendered) + len(result.failed), total, file)

    if progress:
        progress(0, total, todo[0][2] if todo else "")
    tasks = [(f, (e, lang, str(folder), strict)) for e, lang, f, h in todo]
    jobs = max(1, min(jobs, total))
    try:
        if jobs == 1:
            for f, args in tasks:
                finished(f, _work(*args))
        else:
            from .pool import run_tasks

            for f, outcome in run_tasks(_work, tasks, jobs, died=_died):
                finished(f, outcome)
    except BaseException:   # interrupted: the workers are stopped; no temporary file stays
        remove_stale_temporaries(folder, list(hashes) + [MANIFEST])
        raise
    if write_index:
        from .page import write_index as write_page

        try:   # the explorer beside the index, which links it
            from ..web.page import write_for_gallery

            write_for_gallery(spec, folder, langs)
        except (OutputError, UserInputError) as e:
            result.failed["explorer.html"] = str(e)
        try:
            result.index = write_page(spec, folder, langs=langs, claims=result.claims,
                                      spec_arg=None if spec_path is None else str(spec_path))
        except OutputError as e:
            result.failed["index.html"] = str(e)
    return result


def _died(file, how):
    return {"error": f"the worker rendering it died ({how}); the other files went on", "claims": []}
