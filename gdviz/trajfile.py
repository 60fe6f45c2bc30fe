"""Reading trajectory files without trusting them: ``.npz`` archives written by
:meth:`gdviz.Trajectory.save`, checked member by member before anything is decompressed.

A file must be a regular file (a pipe, device or folder is refused before it is opened); the
archive may hold only the members ``save`` writes: float64 arrays of consistent shapes whose
declared sizes (read from their headers) fit the memory bound, all finite, the optimizer's
state arrays (``state.<name>``), and an ``info`` JSON text of the expected structure. Anything
else is a :class:`UserInputError` naming the problem.
"""
from __future__ import annotations

import json
import math
import os
import re
import struct
import zipfile
import zlib

import numpy as np

from .errors import UserInputError
from .reading import check_regular, open_regular

_MEMBERS = ("info", "params", "loss", "grads", "lr", "step_index")  # what save writes
_STATE = re.compile(r"^state\.[A-Za-z_][A-Za-z0-9_]{0,39}$")     # and state.<name>, one per state array
_MAX_STATE = 16
_REQUIRED = ("info", "params", "loss", "grads")  # lr and step_index are optional
_INFO_KEYS = ("surface", "optimizer", "hyperparams", "seed", "meta", "status", "stop")
_OPTIONAL_KEYS = ("reason",)   # files written before stop reasons have none
_STATUSES = ("converged", "diverged", "max_steps")
_MAX_DIRECTORY = 64 * 2**10  # bytes of zip central directory (save's holds 6 short entries)
_MAX_DEPTH = 32  # nesting of JSON values in info
MAX_INFO_CHARS = 2**23  # characters of info text (8 Mi): parsing it takes at most a few hundred MB
_HINT = "give the path of a .npz file written by Trajectory.save"


class _Bad(Exception):
    """Internal: why a file is not a trajectory file (becomes a UserInputError naming it)."""


def read_trajectory(path, limit: int) -> dict:
    """The fields of a Trajectory read from ``path``, or a UserInputError naming the problem."""
    name = _path_name(path)
    try:
        return _parse(path, name, limit)
    except _Bad as e:
        raise UserInputError(f"'{name}' is not a gdviz trajectory file: {e}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError, OSError,
            RuntimeError, UnicodeError, OverflowError, KeyError, IndexError, TypeError) as e:
        raise UserInputError(f"'{name}' is not a gdviz trajectory file: it is damaged or not a "
                             f"zip archive ({_reason(e)})") from None
    except ValueError as e:
        if isinstance(e, UserInputError):
            raise
        raise UserInputError(f"'{name}' is not a gdviz trajectory file: it is damaged or not a "
                             f"zip archive ({_reason(e)})") from None


def _reason(e: BaseException) -> str:
    """The kind of damage ``e`` reports, in one line: its message up to the first quote, colon,
    bracket or sentence end, since what follows repeats the file (numpy's header errors quote the
    header, zipfile's quote member names); numpy's hints about pickled data are dropped (never
    loaded). "Cannot parse header: b'{...'" -> "Cannot parse header"."""
    text = re.split(r"""['"{(\[:]|\.\s""", (str(e).strip().splitlines() or [""])[0])[0].strip()
    if "pickle" in text.lower() or not text:
        text = type(e).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _path_name(path) -> str:
    if isinstance(path, (str, bytes, os.PathLike)):
        return os.fsdecode(path)
    if hasattr(path, "read") and hasattr(path, "seek"):
        return str(getattr(path, "name", "<file object>"))
    raise UserInputError(f"a trajectory file is given by its path (text or pathlib.Path), got {path!r}")


def _parse(path, name, limit) -> dict:
    if hasattr(path, "read") and not isinstance(path, (str, bytes, os.PathLike)):
        fh, close = path, False  # an open file object: the caller opened it
        try:
            mode = os.fstat(fh.fileno()).st_mode
        except (AttributeError, OSError, ValueError):
            mode = None  # not backed by a file descriptor (e.g. io.BytesIO)
        if mode is not None:
            check_regular(mode, name, "trajectory file", _HINT)
    else:
        fh, close = open_regular(path, "trajectory file", _HINT), True
    try:
        _check_directory(fh)
        with zipfile.ZipFile(fh) as zf:
            members = _members(zf)
            headers = {k: _header(zf, zi, k) for k, zi in members.items()}
            _check_headers(headers, limit)
            arrays = {k: _read_array(zf, members[k]) for k in members}
    finally:
        if close:
            fh.close()
    return _build(arrays)


def _check_directory(fh):
    """Bound the zip's central directory before zipfile reads it all into memory."""
    size = fh.seek(0, os.SEEK_END)
    if size == 0:
        raise _Bad("the file is empty")
    tail = min(size, 22 + 65535)  # end-of-directory record and the longest comment
    fh.seek(size - tail)
    data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        raise _Bad("it is not a zip archive (.npz)")
    entries, directory = struct.unpack("<HI", data[at + 10: at + 16])  # total entries, directory size
    pos = size - tail + at
    if pos >= 20:  # a ZIP64 locator just before the record would override these numbers
        fh.seek(pos - 20)
        zip64 = fh.read(4) == b"PK\x06\x07"
    else:
        zip64 = False
    most = len(_MEMBERS) + _MAX_STATE
    if zip64 or entries > most or directory > _MAX_DIRECTORY:
        raise _Bad(f"its zip directory claims {entries:,} entries in {directory:,} bytes"
                   f"{' (ZIP64)' if zip64 else ''}; a trajectory file has at most {most}")
    fh.seek(0)


def _members(zf) -> dict:
    members = {}
    for zi in zf.infolist():
        key = zi.filename[:-4] if zi.filename.endswith(".npy") else None
        if key not in _MEMBERS and not (key and _STATE.match(key)):
            raise _Bad(f"unexpected member '{zi.filename[:80]}' (a trajectory file holds "
                       f"{', '.join(m + '.npy' for m in _MEMBERS)} and state.<name>.npy)")
        if key in members:
            raise _Bad(f"member '{zi.filename}' appears twice")
        if zi.flag_bits & 0x1:
            raise _Bad(f"member '{zi.filename}' is encrypted")
        if zi.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Bad(f"member '{zi.filename}' uses compression method {zi.compress_type}; "
                       "save writes stored or deflated members")
        members[key] = zi
    missing = [k for k in _REQUIRED if k not in members]
    if missing:
        raise _Bad(f"it has no {', '.join(m + '.npy' for m in missing)} (a trajectory file holds "
                   f"{', '.join(m + '.npy' for m in _REQUIRED)}, and optionally lr.npy, step_index.npy)")
    return members


def _header(zf, zi, key):
    """(shape, dtype) of a member, from its .npy header alone (no data is decompressed)."""
    fmt = np.lib.format
    with zf.open(zi) as f:
        try:
            version = fmt.read_magic(f)
        except ValueError:
            raise _Bad(f"{key} is not a .npy array") from None
        if version == (1, 0):
            shape, _, dtype = fmt.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = fmt.read_array_header_2_0(f)
        else:
            raise _Bad(f"{key} uses .npy format version {version[0]}.{version[1]}; save writes 1.0 or 2.0")
    if not all(isinstance(n, int) and n >= 0 for n in shape):
        raise _Bad(f"{key} declares an impossible shape {shape}")
    if dtype.hasobject:
        raise _Bad(f"{key} holds Python objects, which are never loaded (a trajectory file holds numbers and text)")
    if key == "info":
        if dtype.kind != "U" or shape != ():
            raise _Bad(f"info must be one text (the JSON metadata), got an array of {dtype} of shape {shape}")
    elif key == "step_index":
        if not (dtype.kind in "iu" or (dtype.kind == "f" and dtype.itemsize == 8)) or dtype.fields:
            raise _Bad(f"step_index must hold whole numbers (int64), got {dtype}")
    elif dtype.kind != "f" or dtype.itemsize != 8 or dtype.fields:
        raise _Bad(f"{key} must be float64 numbers, got {dtype}")
    return shape, dtype, math.prod(shape) * dtype.itemsize


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n < 10 * 2**20 else f"{n / 2**20:,.0f} MiB"


def _check_headers(h: dict, limit: int):
    """Declared sizes against the memory bound, then the shapes against each other."""
    bound = f"more than the {_mib(limit)} a trajectory may hold (MAX_RECORD_BYTES); refusing to load it"
    for k, (shape, dtype, n) in h.items():
        if n > limit:
            what = f"{n // 4:,} characters of text" if k == "info" else f"shape {shape} of {dtype}"
            raise _Bad(f"{k} claims {_mib(n)} ({what}), {bound}")
    chars = h["info"][2] // 4
    if chars > MAX_INFO_CHARS:
        raise _Bad(f"info claims {chars:,} characters of text, more than the {MAX_INFO_CHARS:,} a trajectory's "
                   "metadata may hold (MAX_INFO_CHARS); refusing to load it")
    record = sum(h[k][2] for k in h if k in ("params", "loss", "grads", "lr") or k.startswith("state."))
    if record > limit:
        raise _Bad(f"its arrays claim {_mib(record)} together (params of shape {h['params'][0]}), {bound}")
    P = h["params"][0]
    if len(P) not in (2, 3) or 0 in P:
        raise _Bad(f"params must have shape (steps + 1, d), or (steps + 1, B, d) for a batch, with no "
                   f"empty axis; got {P}")
    need = {"loss": P[:-1], "grads": P, "lr": (P[0] - 1,) + P[1:-1], "step_index": (P[0],)}
    need.update({k: (P[0] - 1,) + P[1:] for k in h if k.startswith("state.")})   # one row per update
    for k, shape in need.items():
        if k in h and h[k][0] != shape:
            raise _Bad(f"{k} has shape {h[k][0]} but params of shape {P} needs {k} of shape {shape}")


def _read_array(zf, zi):
    with zf.open(zi) as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _build(a: dict) -> dict:
    """The Trajectory's fields from the arrays, with values and info checked."""
    out = {}
    for k in ("params", "loss", "grads", "lr", *sorted(k for k in a if k.startswith("state."))):
        if k not in a:
            continue
        x = a[k].astype(np.float64, copy=False)  # native byte order
        if not np.isfinite(x).all():
            raise _Bad(f"{k} holds non-finite numbers ({x[~np.isfinite(x)][0]}); a trajectory's numbers are finite")
        out[k] = x
    if sum(k.startswith("state.") for k in out) > _MAX_STATE:
        raise _Bad(f"it holds more than {_MAX_STATE} state arrays")
    if "lr" in out and (out["lr"] < 0).any():
        raise _Bad(f"lr holds a negative rate ({out['lr'][out['lr'] < 0][0]:g}); rates are >= 0")
    steps = None
    if "step_index" in a:
        s = a["step_index"]
        if s.dtype.kind == "f" and not (np.isfinite(s).all() and (s == np.round(s)).all()):
            raise _Bad("step_index must hold whole numbers")
        if s[0] != 0 or (s.size > 1 and not (np.diff(s) > 0).all()) or s[-1] >= 2**62:
            raise _Bad("step_index must start at 0 and increase at every row")
        steps = s.astype(np.int64)
    info = _info(a["info"])
    params = out["params"]
    last = len(params) - 1 if steps is None else int(steps[-1])
    status, stop, reason = info["status"], info["stop"], info.get("reason")
    if params.ndim == 2:
        status, stop = _status(status, "status"), _stop(stop, "stop", last)
        reason = "" if reason is None else _reason_of(reason, "reason")
    else:
        B = params.shape[1]
        reason = [""] * B if reason is None else reason
        for k, v in (("status", status), ("stop", stop), ("reason", reason)):
            if not isinstance(v, list) or len(v) != B:
                raise _Bad(f"info's {k} must be a list of {B} (one per batch member), got {_short(v)}")
        status = np.array([_status(v, f"status[{i}]") for i, v in enumerate(status)])
        stop = np.array([_stop(v, f"stop[{i}]", last) for i, v in enumerate(stop)], dtype=int)
        reason = np.array([_reason_of(v, f"reason[{i}]") for i, v in enumerate(reason)])
    return {"params": params, "loss": out["loss"], "grads": out["grads"], "lr": out.get("lr"),
            "status": status, "stop": stop, "surface": info["surface"], "optimizer": info["optimizer"],
            "hyperparams": info["hyperparams"], "seed": info["seed"], "meta": info["meta"],
            "step_index": steps, "state": {k[len("state."):]: out[k] for k in out if k.startswith("state.")},
            "reason": reason}


def _info(arr) -> dict:
    odd = []   # non-finite numbers met while parsing; only then is every number looked at, for its place

    def number(text):
        v = float(text)
        if not math.isfinite(v):   # 1e999
            odd.append(v)
        return v

    def constant(name):   # NaN, Infinity, -Infinity
        odd.append(name)
        return float(name.replace("Infinity", "inf"))

    try:
        info = json.loads(str(arr[()]), parse_float=number, parse_constant=constant)
    except RecursionError:
        raise _Bad("info is not valid JSON (nested too deeply)") from None
    except ValueError as e:
        raise _Bad(f"info is not valid JSON ({_reason(e)})") from None
    if not isinstance(info, dict):
        raise _Bad(f"info must be a JSON object, got {type(info).__name__}")
    missing = [k for k in _INFO_KEYS if k not in info]
    extra = [k for k in info if k not in _INFO_KEYS + _OPTIONAL_KEYS]
    if missing or extra:
        which = (f"no key {', '.join(map(repr, missing))}" if missing else
                 f"unexpected key(s) {', '.join(repr(k[:40]) for k in extra[:5])}")
        raise _Bad(f"info has {which}; expected exactly: {', '.join(_INFO_KEYS)} (and optionally "
                   f"{', '.join(_OPTIONAL_KEYS)})")
    for k in ("surface", "optimizer"):
        if not isinstance(info[k], str):
            raise _Bad(f"info's {k} must be text, got {_short(info[k])}")
    seed = info["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise _Bad(f"info's seed must be a whole number >= 0 or null, got {_short(seed)}")
    for k in ("hyperparams", "meta"):
        if not isinstance(info[k], dict):
            raise _Bad(f"info's {k} must be a JSON object, got {_short(info[k])}")
        _plain(info[k], k, 0, bool(odd))
    if "surface_params" in info["meta"] and not isinstance(info["meta"]["surface_params"], dict):
        raise _Bad(f"info's meta.surface_params must be a JSON object, got {_short(info['meta']['surface_params'])}")
    return info


def _plain(v, where, depth, floats):
    """Finite numbers, text, true/false, null, and lists and objects of them (not too deep).
    Only containers are visited, and numbers only when parsing met a non-finite one (``floats``);
    ``where`` (a text or a (parent, key) pair) is spelled out only for an error: a metadata of a
    million numbers is checked in C-speed passes, not a Python call each."""
    if depth > _MAX_DEPTH:
        raise _Bad(f"info's {_spell(where)} is nested too deeply")
    if isinstance(v, float) and not math.isfinite(v):
        raise _Bad(f"info's {_spell(where)} is not finite ({v}); a trajectory's numbers are finite")
    if isinstance(v, (list, dict)):
        values = v if isinstance(v, list) else v.values()
        visit = (list, dict, float) if floats else (list, dict)
        if not set(map(type, values)).isdisjoint(visit):
            for k, x in (enumerate(v) if isinstance(v, list) else v.items()):
                t = type(x)
                if ((t is list or t is dict) and x) or (floats and t is float):   # empty ones hold nothing
                    _plain(x, (where, k), depth + 1, floats)


def _spell(where) -> str:
    """('meta', 'x'), 3) -> 'meta.x[3]'."""
    if isinstance(where, str):
        return where
    parent, key = where
    return f"{_spell(parent)}[{key}]" if isinstance(key, int) else f"{_spell(parent)}.{key}"


def _status(v, where):
    if v not in _STATUSES:
        raise _Bad(f"info's {where} must be one of {', '.join(_STATUSES)}, got {_short(v)}")
    return v


def _reason_of(v, where):
    from .stops import REASONS

    if v not in REASONS:
        raise _Bad(f"info's {where} must be one of {', '.join(map(repr, REASONS))}, got {_short(v)}")
    return v


def _stop(v, where, last):
    whole = isinstance(v, int) or (isinstance(v, float) and v.is_integer())
    if isinstance(v, bool) or not whole or not 0 <= v <= last:
        raise _Bad(f"info's {where} must be a whole number of steps from 0 to {last} (the last "
                   f"recorded step), got {_short(v)}")
    return int(v)


def _short(v) -> str:
    if isinstance(v, (list, dict)):
        return f"a {'list' if isinstance(v, list) else 'JSON object'} of {len(v)}"
    text = json.dumps(v) if isinstance(v, (str, int, float, bool, type(None))) else type(v).__name__
    return text if len(text) <= 60 else text[:57] + "..."
