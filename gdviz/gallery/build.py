"""``gdviz build``: render a gallery spec into a folder, in parallel, skipping what is cached.

The cache is a manifest in the output folder (``.gdviz-cache.json``): for every file, a hash of
its entry's spec, the language, the gdviz version and the versions of the rendering libraries,
the size and SHA-256 of the file written, its claims, the spec that wrote it and, for a video,
its timeline (:mod:`gdviz.timeline`), from which its captions beside it are restored. A file is
rendered again when that hash changed, or the file is gone, truncated or replaced. The manifest
is rewritten (atomically) after every finished file, so an interrupted build resumes where it
stopped; it is trusted only as a regular file of at most MAX_MANIFEST_BYTES whose records have
exactly the shape written here (anything else counts as missing: those files render again).
A lock on the output folder makes a second build into it wait, so two builds never interleave.
Specs may share a folder, but a build never overwrites a file another spec wrote unless told to
(``overwrite``); before it reports, it checks that every file it counts is still there.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..errors import OutputError, UserInputError, unknown_name
from ..files import read_regular
from .spec import DEFAULT_TITLE, Entry, Spec, load

MANIFEST = ".gdviz-cache.json"
MAX_MANIFEST_BYTES = 32_000_000   # about 15,000 files' records
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
    """The cache key of one file: the entry, the language, gdviz's code, the libraries that draw
    it, and the content of every file the entry reads (a CSV edited in place renders again)."""
    libs = {d: _version(d) for d in LIBRARIES[entry.kind]}
    reads = {path: content_digest(path) for path in entry.reads()}
    blob = json.dumps({"spec": entry.spec(), "lang": lang, "gdviz": __version__, "code": code_digest(),
                       "libs": libs, "reads": reads}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def content_digest(path: str) -> str:
    """SHA-256 of a file an entry reads, or why there is none ("missing: ..."): only a regular
    file within the data cap is read (a FIFO in its place is never opened), so the key changes
    whenever what the entry would read changes, and the render reports the problem."""
    from ..reading import read_capped
    from ..surfaces.data import MAX_DATA_BYTES

    try:
        data = read_capped(path, "data file", "give the path of a CSV file", MAX_DATA_BYTES, "MAX_DATA_BYTES")
        return hashlib.sha256(data).hexdigest()
    except UserInputError as e:
        return f"missing: {e}"


def spec_owner(spec: Spec, spec_path) -> dict:
    """Which spec wrote a file, as the manifest records it: a digest of the spec's title (so a
    spec stays itself when edited, copied or moved) or, for a spec without one, of its file's
    full path (the path itself stays private); and its file name.

        {"id": "3f2a9c0d5e1b7a64", "name": "a.toml"}
    """
    if spec_path is None:
        return {"id": "built-in", "name": "built-in"}
    p = Path(spec_path).resolve()
    key = f"title:{spec.title['en']}" if spec.title["en"] != DEFAULT_TITLE else f"path:{p}"
    return {"id": hashlib.sha256(key.encode()).hexdigest()[:16], "name": p.name}


def called(owner: dict) -> str:
    """A spec as messages name it: "spec 'a.toml'", or "the built-in gallery"."""
    return "the built-in gallery" if owner["id"] == "built-in" else f"spec '{owner['name']}'"


def read_manifest(folder: Path) -> dict:
    """file -> record ({"hash", "size", "sha256", "claims", "spec"}) from the folder's manifest.
    A manifest that is missing, not a regular file, over MAX_MANIFEST_BYTES or not JSON counts
    as empty, and a record that is not exactly the shape :func:`record` writes counts as missing:
    those files render again."""
    data = read_regular(folder / MANIFEST, MAX_MANIFEST_BYTES)
    try:
        data = json.loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, RecursionError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {f: v for f, v in files.items() if isinstance(f, str) and valid_record(v)}


HEX64 = re.compile(r"[0-9a-f]{64}")


RECORD_KEYS = {"hash", "size", "sha256", "claims", "spec"}


def record(h: str, size: int, sha: str, claims: list, owner: dict, timeline: str | None = None) -> dict:
    """One file's record in the manifest (claims as :meth:`gdviz.claims.Claim.to_dict` gives them;
    a video's ``timeline`` as :meth:`gdviz.timeline.Timeline.to_json` gives it)."""
    out = {"hash": h, "size": size, "sha256": sha, "claims": claims, "spec": owner}
    return out if timeline is None else {**out, "timeline": timeline}


def valid_record(v) -> bool:
    """Whether ``v`` has exactly the keys and types :func:`record` writes."""
    return (isinstance(v, dict) and set(v) in (RECORD_KEYS, RECORD_KEYS | {"timeline"})
            and ("timeline" not in v or _valid_timeline(v["timeline"]))
            and isinstance(v["hash"], str) and 0 < len(v["hash"]) <= 256 and _hex64(v["sha256"])
            and type(v["size"]) is int and v["size"] >= 0
            and isinstance(v["claims"], list) and all(valid_claim(c) for c in v["claims"])
            and isinstance(v["spec"], dict) and set(v["spec"]) == {"id", "name"}
            and all(isinstance(x, str) and 0 < len(x) <= 255 for x in v["spec"].values()))


def _valid_timeline(text) -> bool:
    from ..timeline import Timeline

    try:
        return isinstance(text, str) and bool(Timeline.from_json(text))
    except UserInputError:
        return False


def restore_captions(folder: Path, file: str, rec: dict):
    """A video's timeline and captions beside it, from its manifest record (written only where
    missing or changed: a cached video keeps them, and an unchanged rebuild writes nothing)."""
    from .. import timeline

    if "timeline" in rec:
        tl = timeline.Timeline.from_json(rec["timeline"])
        timeline.write(folder / file, tl)
        timeline.write_vtt(folder / file, tl)


def valid_claim(c) -> bool:
    """Whether ``c`` has exactly the shape of :meth:`gdviz.claims.Claim.to_dict`: text and
    evidence in English and Chinese, ``holds`` true or false, numbers by name."""
    return (isinstance(c, dict) and set(c) == {"key", "text", "evidence", "holds", "numbers"}
            and isinstance(c["key"], str) and type(c["holds"]) is bool
            and all(isinstance(c[k], dict) and set(c[k]) == {"en", "zh"}
                    and all(isinstance(t, str) for t in c[k].values()) for k in ("text", "evidence"))
            and isinstance(c["numbers"], dict)
            and all(isinstance(k, str) and _plain_number(v) for k, v in c["numbers"].items()))


def _hex64(v) -> bool:
    return isinstance(v, str) and HEX64.fullmatch(v) is not None


def _plain_number(v, depth: int = 0) -> bool:
    """A measured number as a claim records it: a number, true/false, text ("inf"), null, or a
    list of them or table of them by name (at most 4 inside each other)."""
    if isinstance(v, list):
        return depth < 4 and all(_plain_number(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return depth < 4 and all(isinstance(k, str) and _plain_number(x, depth + 1) for k, x in v.items())
    return v is None or isinstance(v, (bool, int, float, str))


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
          on_wait=None, overwrite: bool = False, allow_outside_paths: bool = False) -> Result:
    """Render the spec (a path, a loaded :class:`Spec`, or None: the built-in "Reducing Loss"
    gallery) into ``out``.

    Each entry's claims are checked on the runs it draws before it renders. ``strict`` (default:
    True for the built-in gallery, False for a spec file): a claim that does not hold fails the
    entry; otherwise it is a warning (``Result.warnings``, one line per entry) and the picture
    is still made.
    progress : ``f(done, total, current)`` after each file (``current``: what is rendering).
    on_wait : called once if another build holds the folder's lock (this one then waits).
    overwrite : replace files another spec wrote into ``out`` (otherwise a UserInputError names them).
    allow_outside_paths : let the spec's data paths be absolute or leave its folder (see :func:`load`).
    A file counted as rendered or cached is checked to be still there before the build reports.
    """
    t0 = time.perf_counter()
    if isinstance(spec_path, Spec):   # already loaded (gdviz slides: the entries of a deck)
        spec, spec_path = spec_path, spec_path.path
    else:
        spec = load(spec_path, allow_outside_paths=allow_outside_paths)
    strict = spec_path is None if strict is None else bool(strict)
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
        result = _build_locked(spec, spec_path, folder, jobs, only, force, langs, progress, write_index, strict,
                               overwrite)
    result.seconds = time.perf_counter() - t0
    return result


def _build_locked(spec, spec_path, folder, jobs, only, force, langs, progress, write_index, strict,
                  overwrite) -> Result:
    """The build, with the folder's lock held: plan against the manifest, refuse to overwrite
    another spec's files, render what is not intact, record each file as it finishes, check that
    every file is still there, write the index."""
    from ..files import remove_stale_temporaries

    items = plan(spec, folder, only=only, langs=langs, force=force)
    manifest = read_manifest(folder)
    owner = spec_owner(spec, spec_path)
    if not overwrite:
        _refuse_others(folder, owner, [(f, manifest.get(f)) for _, _, f, _, todo in items if todo])
    from ..timeline import companions

    extras = [c.name for e, _, f, _, _ in items if e.kind == "video" for c in companions(folder / f)]
    remove_stale_temporaries(folder, [f for _, _, f, _, _ in items] + extras
                             + [MANIFEST, "index.html", "explorer.html"])
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
                manifest[file] = record(hashes[file], size, sha, outcome["claims"], owner, _timeline_of(folder / file))
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
    _recheck(folder, manifest, result)
    for f in result.rendered + result.cached:
        try:
            restore_captions(folder, f, manifest[f])
        except (OutputError, UserInputError) as e:
            result.failed[f"{Path(f).stem}.vtt"] = str(e)
    if write_index:
        _write_pages(spec, spec_path, folder, langs, owner, result)
        if _recheck(folder, manifest, result):   # gone while the pages were written: say so on the page
            _write_pages(spec, spec_path, folder, langs, owner, result, explorer=False)
    return result


def _timeline_of(video: Path) -> str | None:
    """The timeline the render wrote beside ``video`` (its JSON text), or None (not a video)."""
    from .. import timeline

    tl = timeline.read(video) if video.suffix in (".mp4", ".webm", ".gif") else None
    return None if tl is None else tl.to_json()


def _refuse_others(folder: Path, owner: dict, todo):
    """A UserInputError when files this build would write are there and another spec wrote them
    (``todo``: (file, its manifest record or None))."""
    theirs = [(f, r["spec"]) for f, r in todo if r is not None and r["spec"]["id"] != owner["id"]
              and os.path.lexists(folder / f)]
    if not theirs:
        return
    files = [f for f, _ in theirs]
    shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
    others = ", ".join(dict.fromkeys(called(o) for _, o in theirs))
    it = "it" if len(files) == 1 else "them"
    raise UserInputError(f"'{folder}' holds {shown}, built from {others}; building {called(owner)} there "
                         f"would overwrite {it}: build into another --out, or pass --overwrite to replace {it}")


GONE = "gone or changed since this build checked it (removed while the build ran?)"


def _recheck(folder: Path, manifest: dict, result: Result) -> list[str]:
    """Move every file counted as rendered or cached that is no longer there (or no longer its
    recorded size) to the failures, and out of the manifest; returns those files."""
    def there(file):
        p = folder / file
        try:
            return p.is_file() and p.stat().st_size == manifest[file]["size"]
        except (OSError, KeyError):
            return False

    lost = [f for f in result.rendered + result.cached if not there(f)]
    for f in lost:
        for done in (result.rendered, result.cached):
            if f in done:
                done.remove(f)
        result.failed[f] = GONE
        result.claims.pop(f, None)
        manifest.pop(f, None)
    if lost:
        with contextlib.suppress(OutputError):   # if it cannot be written, those files fail its check later
            write_manifest(folder, manifest)
    return lost


def _write_pages(spec, spec_path, folder, langs, owner, result, explorer=True):
    """The explorer (opening on the surfaces of the entries that did not fail) and the index;
    a warning when the index was another spec's."""
    import dataclasses

    from .page import index_owner
    from .page import write_index as write_page

    if explorer:
        failed = set(result.failed)
        shown = dataclasses.replace(spec, entries=[e for e in spec.entries
                                                   if not any(e.filename(lg) in failed for lg in e.langs)])
        try:   # the explorer beside the index, which links it
            from ..web.page import write_for_gallery

            write_for_gallery(shown, folder, langs)
        except (OutputError, UserInputError) as e:
            result.failed["explorer.html"] = str(e)
    before = index_owner(folder)
    try:
        result.index = write_page(spec, folder, langs=langs, claims=result.claims,
                                  spec_arg=None if spec_path is None else str(spec_path), owner=owner)
    except OutputError as e:
        result.failed["index.html"] = str(e)
        return
    if before is not None and before["id"] != owner["id"]:
        result.warnings.append(f"index.html showed {called(before)}; it now shows {called(owner)}")


def _died(file, how):
    return {"error": f"the worker rendering it died ({how}); the other files went on", "claims": []}
