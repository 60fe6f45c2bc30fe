"""``gdviz build``: render a gallery spec into a folder, in parallel, skipping what is cached.

The cache is a manifest in the output folder (``.gdviz-cache.json``): for every file, a hash of
its entry's spec, the language, the gdviz version and the versions of the rendering libraries.
A file is rendered again only when that hash changed or the file is gone. The manifest is
rewritten (atomically) after every finished file, so an interrupted build resumes where it
stopped.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import tempfile
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..errors import UserInputError, unknown_name
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


def fingerprint(entry: Entry, lang: str) -> str:
    """The cache key of one file."""
    libs = {d: _version(d) for d in LIBRARIES[entry.kind]}
    blob = json.dumps({"spec": entry.spec(), "lang": lang, "gdviz": __version__, "libs": libs},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_manifest(folder: Path) -> dict:
    """file -> {"hash": ..., "claims": [...]} from the folder's manifest ({} when missing or
    unreadable: everything renders again)."""
    try:
        data = json.loads((folder / MANIFEST).read_text())
        files = data.get("files", {}) if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
    return {f: v for f, v in files.items() if isinstance(v, dict) and isinstance(v.get("hash"), str)} \
        if isinstance(files, dict) else {}


def write_manifest(folder: Path, files: dict):
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{MANIFEST}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump({"gdviz": __version__, "files": files}, fh, indent=1, sort_keys=True)
        os.replace(tmp, folder / MANIFEST)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
            fresh = manifest.get(file, {}).get("hash") == h and (folder / file).is_file()
            out.append((e, lang, file, h, force or not fresh))
    return out


def remove_stale_temporaries(folder: Path, files):
    """Temporary files a killed build left behind (gdviz's own names only)."""
    import shutil

    if not folder.is_dir():
        return
    prefixes = tuple(f".{f}." for f in [*files, MANIFEST, "index.html"])
    for p in folder.iterdir():
        if p.name.startswith(".gdviz-manim-") and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(prefixes) and p.is_file():
            p.unlink(missing_ok=True)


def _worker_init():
    """Pool workers: SIGTERM during a render raises (so temporary files are removed); Ctrl-C is
    the parent's to handle."""
    from ..interrupt import install_worker

    install_worker()


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
    except UserInputError as e:
        return {"error": str(e), "claims": [c.to_dict() for c in claims]}
    except Exception as e:  # noqa: BLE001  (reported, the build goes on)
        return {"error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}", "claims": []}


def claim_failure(name: str, bad) -> str:
    """'entry: "claim" does not hold: numbers' (several claims joined with '; ')."""
    return f"{name}: " + "; ".join(c.failure() for c in bad)


def build(spec_path=None, out="output", *, jobs: int | None = None, only=None, force: bool = False,
          langs=("en", "zh"), progress=None, write_index: bool = True, strict: bool | None = None) -> Result:
    """Render the spec (default: the built-in "Reducing Loss" gallery) into ``out``.

    Each entry's claims are checked on the runs it draws before it renders. ``strict`` (default:
    True for the built-in gallery, False for a spec file): a claim that does not hold fails the
    entry; otherwise it is a warning (``Result.warnings``, one line per entry) and the picture
    is still made.
    progress : ``f(done, total, current)`` after each file (``current``: what is rendering).
    """
    strict = spec_path is None if strict is None else bool(strict)
    t0 = time.perf_counter()
    spec = load(spec_path)
    folder = Path(out)
    jobs = (os.cpu_count() or 1) if jobs is None else int(jobs)
    if jobs < 1:
        raise UserInputError(f"--jobs must be at least 1, got {jobs}")
    items = plan(spec, folder, only=only, langs=langs, force=force)  # checks names before any write
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"output '{folder}' is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)  # a gallery's folder tree is made, as docs tools do
    except OSError as e:
        raise UserInputError(f"cannot create output folder '{folder}': {e.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError(f"output folder '{folder}' is not writable")
    remove_stale_temporaries(folder, [f for _, _, f, _, _ in items])
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

    def finished(file, h, outcome):
        error = outcome["error"]
        if error is None:
            manifest[file] = {"hash": h, "claims": outcome["claims"]}
            write_manifest(folder, manifest)
            result.rendered.append(file)
        else:
            manifest.pop(file, None)
            result.failed[file] = error
        note_claims(file, outcome["claims"])
        if progress:
            progress(len(result.rendered) + len(result.failed), total, file)

    if progress:
        progress(0, total, todo[0][2] if todo else "")
    if jobs == 1 or total <= 1:
        for e, lang, f, h in todo:
            finished(f, h, _work(e, lang, str(folder), strict))
    elif todo:
        ctx = multiprocessing.get_context("spawn")  # fresh workers: no threads or global config copied
        pool = ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=ctx, initializer=_worker_init)
        try:
            pending = {pool.submit(_work, e, lang, str(folder), strict): (f, h) for e, lang, f, h in todo}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    f, h = pending.pop(fut)
                    finished(f, h, fut.result())
        except BaseException:
            # interrupted: stop the workers now (they clean up their temporary files on SIGTERM)
            processes = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in processes:
                if proc.is_alive():
                    proc.terminate()
            for proc in processes:
                proc.join(timeout=30)
            remove_stale_temporaries(folder, [f for _, _, f, _ in todo])
            raise
        pool.shutdown()
    if write_index:
        from .page import write_index as write_page

        result.index = write_page(spec, folder, langs=langs, spec_arg=None if spec_path is None else str(spec_path),
                                  claims=result.claims)
    result.seconds = time.perf_counter() - t0
    return result
