"""Gallery specs: a TOML file listing the pictures to render.

    title = "Reducing Loss"
    [defaults]
    lang = "all"                       # en, zh or all

    [[entry]]
    name = "race"                      # file name: race.png, race-zh.png
    kind = "figure"                    # figure | gif | video
    figure = "race"                    # a figure kind (gdviz plot --list); default: the name
    surface = "rosenbrock"
    optimizers = ["gd", "momentum", "adam"]
    concept = "Optimizers"             # the section of the index page
    caption = "Three optimizers race on Rosenbrock"
    caption_zh = "三种优化器在 Rosenbrock 函数上比赛"

Every error names the file, the line and the accepted values; unknown keys are errors. A data
file (``surface_params = {data = "data/prices.csv"}``) is found beside the spec and must stay
inside its folder unless allowed (see :func:`load`).
"""
from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from ..errors import UserInputError

KINDS = ("figure", "gif", "video")
LANGS = ("en", "zh")
FORMATS = {"figure": ("png", "svg", "pdf"), "gif": ("gif", "mp4", "webm"), "video": ("mp4", "webm", "gif")}
LESSON_KEYS = ("surface", "surface_params", "optimizer", "optimizers", "rates", "steps", "start", "n", "seed", "lr",
               "t")
ENTRY_KEYS = ("name", "kind", "figure", "lesson", "scene", "format", "lang", "size", "frames", "fps",
              "hold", "quality", "time_scale", "field", "arrows", "concept", "concept_zh", "caption", "caption_zh",
              "alt", "alt_zh", *LESSON_KEYS)
TOP_KEYS = ("title", "title_zh", "description", "description_zh", "defaults", "entry", "slide")
SLIDE_KEYS = ("entry", "title", "title_zh", "notes", "notes_zh")   # a [[slide]] of a deck (gdviz slides)
EXPLORER = "explorer"   # the slide entry that is the interactive explorer, not a gallery entry
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_NAME = 80          # characters in an entry name (it becomes a file name)
MAX_TEXT = 2000        # characters in a title, caption or alt text
MAX_HOLD = 30.0        # seconds an animation may hold its last frame
DEFAULT_TITLE = "gdviz gallery"   # the title of a spec that gives none
MAX_SPEC_BYTES = 4_000_000   # a spec's size (the built-in course of 40 entries is 12 kB)
MAX_NESTING = 16       # lists and tables inside each other (a spec needs 3: surface_params = {a = [1, 2]})
ALLOW_OUTSIDE = ("gdviz build --allow-outside-paths (Sphinx: gdviz_allow_outside_paths = True; "
                 "MkDocs: allow_outside_paths: true under extra: gdviz:)")   # what lets data paths leave the folder


@dataclass(frozen=True)
class Entry:
    """One gallery entry, validated. ``options`` holds every key but name, kind and the texts."""

    name: str
    kind: str
    langs: tuple[str, ...]
    format: str
    options: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    line: int = 0

    def filename(self, lang: str) -> str:
        return f"{self.name}{'' if lang == 'en' else '-' + lang}.{self.format}"

    def text(self, key: str, lang: str) -> str:
        """caption / alt / concept in ``lang`` (falling back to English)."""
        return self.texts.get(f"{key}_{lang}") or self.texts.get(key) or ""

    def spec(self) -> dict:
        """Everything that decides the picture (for the cache key)."""
        return {"name": self.name, "kind": self.kind, "format": self.format, **self.options}

    def reads(self) -> list[str]:
        """The files this entry reads (resolved paths): its data file, if any."""
        data = self.options.get("surface_params", {}).get("data")
        return [data] if isinstance(data, str) else []


@dataclass(frozen=True)
class Spec:
    path: Path | None
    title: dict
    description: dict
    entries: list[Entry]
    slides: list[Slide] = field(default_factory=list)


@dataclass(frozen=True)
class Slide:
    """One ``[[slide]]`` of a deck: the entry it shows (a gallery entry's name, or "explorer")
    and its texts (``title``, ``notes`` and their ``_zh`` forms), validated."""

    entry: str
    texts: dict = field(default_factory=dict)
    line: int = 0

    def text(self, key: str, lang: str) -> str | None:
        """title / notes in ``lang`` (falling back to English), None when not given."""
        return self.texts.get(f"{key}_{lang}") or self.texts.get(key)


class _Locator:
    """Line numbers for keys of the n-th [[entry]] (tomllib keeps none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.entry_lines = [i + 1 for i, line in enumerate(self.lines) if line.strip().startswith("[[entry]]")]
        self.slide_lines = [i + 1 for i, line in enumerate(self.lines) if line.strip().startswith("[[slide]]")]
        self.defaults_line = next((i + 1 for i, line in enumerate(self.lines)
                                   if line.strip().startswith("[defaults]")), 0)

    def of(self, index: int | None, key: str | None = None, table: str = "entry") -> int:
        """Line of ``key`` in entry (or ``table`` "slide") ``index`` ([defaults] when None), else
        of its header."""
        headers = self.slide_lines if table == "slide" else self.entry_lines
        start = self.defaults_line if index is None else (headers[index] if index < len(headers) else 0)
        if key is None or not start:
            return start
        for j in range(start, len(self.lines)):  # the lines after the header, to the next table
            s = self.lines[j].strip()
            if s.startswith("["):
                break
            if re.match(rf"^{re.escape(key)}\s*=", s):
                return j + 1
        return start


def load(path=None, *, text: str | None = None, allow_outside_paths: bool = False) -> Spec:
    """Read and validate a spec file (or ``text``); the built-in gallery when both are None.

    Data paths (``surface_params.data``) resolve against the spec file's folder (the current
    folder for ``text``) and must stay inside it: an absolute path, a ``..`` or a symbolic link
    leading out is refused unless ``allow_outside_paths``."""
    if path is None and text is None:
        path = Path(__file__).parent.parent / "data" / "reducing-loss.toml"
    where = str(path) if path is not None else "<spec>"
    if text is None:
        p = Path(path)
        if not p.is_file():
            raise UserInputError(f"spec file '{where}' does not exist" if not p.exists() else
                                 f"spec '{where}' is not a regular file")
        text = _read_utf8(p, where)
    elif len(text) > MAX_SPEC_BYTES:
        raise UserInputError(f"spec '{where}' is {len(text) / 1e6:.1f} MB; a spec may be at most "
                             f"{MAX_SPEC_BYTES / 1e6:g} MB")

    def fail(line, message):
        raise UserInputError(f"{where}:{line}: {message}")

    deep = _too_deep(text)
    if deep:
        fail(deep, f"lists and tables nest more than {MAX_NESTING} levels deep here; a gallery spec needs 3 at most")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserInputError(f"{where}: not valid TOML: {e}") from None
    loc = _Locator(text)
    _check_depth(data, text, loc, fail)

    for key in data:
        if key not in TOP_KEYS:
            fail(_top_line(text, key), f"unknown key '{key}'; accepted: {', '.join(TOP_KEYS)}")
    for key in ("title", "title_zh", "description", "description_zh"):
        if key in data and (not isinstance(data[key], str) or len(data[key]) > MAX_TEXT):
            fail(_top_line(text, key), f"'{key}' must be text of at most {MAX_TEXT} characters, got {data[key]!r:.60}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        fail(loc.defaults_line, "[defaults] must be a table")
    for key in defaults:
        if key not in ENTRY_KEYS or key in ("name", "kind"):
            fail(loc.of(None, key), f"unknown key '{key}' in [defaults]; accepted: "
                 f"{', '.join(k for k in ENTRY_KEYS if k not in ('name', 'kind'))}")
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list) or not raw_entries:
        fail(_top_line(text, "entry"), "the spec lists no [[entry]] tables")
    entries, seen, files = [], {}, {}
    for i, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            fail(_top_line(text, "entry"), f"entry {i + 1} must be a table ([[entry]] with keys), got {raw!r:.60}")
        entry = _entry(i, {**defaults, **raw}, raw, loc, fail)
        entry = _resolve_data(entry, Path(path).parent if path is not None else Path.cwd(), allow_outside_paths,
                              loc.of(i, "surface_params"), fail)
        if entry.name in seen:
            fail(loc.of(i, "name"), f"entry name '{entry.name}' is used twice (first at line {seen[entry.name]})")
        seen[entry.name] = loc.of(i, "name")
        for lang in entry.langs:   # two entries must not write one file: 'p' in zh and 'p-zh' in en
            file = entry.filename(lang)
            if file in files:
                fail(loc.of(i, "name"), f"entry '{entry.name}' writes '{file}', which entry '{files[file]}' "
                     "also writes; rename one of them")
            files[file] = entry.name
        entries.append(entry)
    slides = read_slides(data.get("slide", []), [e.name for e in entries], loc, fail) if "slide" in data else []
    return Spec(Path(path) if path is not None else None,
                {"en": data.get("title", DEFAULT_TITLE), "zh": data.get("title_zh", data.get("title", ""))},
                {"en": data.get("description", ""), "zh": data.get("description_zh", data.get("description", ""))},
                entries, slides)


def read_slides(raw_slides, names: list[str], loc: _Locator, fail) -> list[Slide]:
    """The ``[[slide]]`` tables, validated as strictly as entries: only SLIDE_KEYS, an ``entry``
    that names one of ``names`` (or the explorer), texts of at most MAX_TEXT characters;
    ``fail(line, message)`` reports a problem."""
    if not isinstance(raw_slides, list) or not raw_slides:
        fail(loc.slide_lines[0] if loc.slide_lines else 1, "'slide' must be [[slide]] tables")
    slides = []
    for i, raw in enumerate(raw_slides):
        def at(key=None, i=i):
            return loc.of(i, key, table="slide")

        if not isinstance(raw, dict):
            fail(at(), f"slide {i + 1} must be a table ([[slide]] with keys), got {raw!r:.60}")
        _known_keys(raw, SLIDE_KEYS, f"slide {i + 1}", at, fail)
        entry = raw.get("entry")
        if entry is None:
            fail(at(), f"slide {i + 1} names no entry; add entry = \"NAME\" (a gallery entry or \"{EXPLORER}\")")
        if entry not in names and entry != EXPLORER:
            close = difflib.get_close_matches(str(entry), [*names, EXPLORER], n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            fail(at("entry"), f"slide {i + 1}: unknown entry {entry!r}{hint}; choose a gallery entry or "
                              f"'{EXPLORER}'")
        texts = {k: v for k, v in raw.items() if k != "entry"}
        for k, v in texts.items():
            if not isinstance(v, str) or len(v) > MAX_TEXT:
                fail(at(k), f"slide {i + 1}: '{k}' must be text of at most {MAX_TEXT} characters, got {v!r:.60}")
        slides.append(Slide(entry, texts, at()))
    return slides


def _resolve_data(entry: Entry, folder: Path, allow_outside: bool, line: int, fail) -> Entry:
    """``entry`` with its data path (``surface_params.data``, as written in the spec) resolved
    against the spec's ``folder``; a path that leaves the folder (absolute, with ``..``, or
    through a symbolic link) is refused unless ``allow_outside``."""
    params = entry.options.get("surface_params")
    if not isinstance(params, dict) or "data" not in params:
        return entry
    written = params["data"]
    if not isinstance(written, str):
        fail(line, f"entry '{entry.name}': surface_params.data must be the path of a CSV file (text), "
                   f"got {written!r:.60}")
    try:
        root = os.path.realpath(folder)
        target = os.path.realpath(os.path.join(root, written))
    except ValueError:   # a NUL in the path
        fail(line, f"entry '{entry.name}': surface_params.data is not a usable path (it holds a NUL character)")
    inside = (not os.path.isabs(written) and ".." not in PurePath(written).parts
              and os.path.commonpath([root, target]) == root)
    if not inside and not allow_outside:
        fail(line, f"entry '{entry.name}': data path '{written}' is outside the spec's folder; allow it with "
                   f"{ALLOW_OUTSIDE}")
    return replace(entry, options={**entry.options, "surface_params": {**params, "data": target}})


def _read_utf8(p: Path, where: str) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is an error
    naming the line where it stops being UTF-8. A file over MAX_SPEC_BYTES is refused before it
    is read (and never more than that is read, should it grow meanwhile)."""
    try:
        with open(p, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(MAX_SPEC_BYTES + 1) if size <= MAX_SPEC_BYTES else b""
    except OSError as e:
        from ..files import cause

        raise UserInputError(f"cannot read spec '{where}': {cause(e)}") from None
    if max(size, len(data)) > MAX_SPEC_BYTES:
        raise UserInputError(f"spec '{where}' is {max(size, len(data)) / 1e6:.1f} MB; a spec may be at most "
                             f"{MAX_SPEC_BYTES / 1e6:g} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UserInputError(f"{where}:{line}: the spec is not UTF-8 text (byte {data[e.start]:#04x}); "
                             "save it as UTF-8") from None


# what changes the nesting of TOML values: brackets, and the strings and comments they may hide in
_TOKEN = re.compile(r'"""|\'\'\'|\\.|["\'#\[\]{}\n\\]', re.S)


def _too_deep(text: str) -> int:
    """The line where ``[`` and ``{`` outside strings and comments first nest more than
    MAX_NESTING deep (0 when they never do): checked before parsing, whose recursion a deeper
    value would exhaust.

        >>> _too_deep("a = [[1]]"), _too_deep("a = " + "[" * 17)
        (0, 1)
    """
    depth, line, inside = 0, 1, None     # inside: the string or comment being read
    for m in _TOKEN.finditer(text):
        t = m.group()
        line += t.count("\n")
        if inside is None:
            if t in ('"', "'", '"""', "'''", "#"):
                inside = t
            elif t in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return line
            elif t in "]}":
                depth = max(depth - 1, 0)
        elif inside == "#":
            inside = None if t.endswith("\n") else inside
        elif t == inside or (inside == "'" and t == "\\'"):   # a backslash is no escape in '...'
            inside = None
        elif inside in ('"', "'") and t.endswith("\n"):        # a one-line string ends with its line
            inside = None
    return 0


def _depth(value) -> int:
    """How many lists and tables nest in ``value`` (0 for a number or text), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            deepest = max(deepest, d + 1)
            if deepest > MAX_NESTING:
                break
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def _check_depth(data: dict, text: str, loc, fail):
    """Refuse values nested more than MAX_NESTING deep (dotted keys nest without brackets:
    ``surface_params.a.a.a = 1``), naming the line of the key."""
    def check(where, key, value, line):
        if _depth(value) > MAX_NESTING:
            fail(line, f"{where}'{key}' nests more than {MAX_NESTING} levels deep; a gallery spec needs 3 at most")

    for key, value in data.items():
        if key == "entry" and isinstance(value, list):
            for i, raw in enumerate(value):
                for k, v in (raw.items() if isinstance(raw, dict) else ()):
                    name = raw.get("name")
                    check(f"entry {name!r}: " if isinstance(name, str) else f"entry {i + 1}: ", k, v,
                          _key_line(loc, loc.entry_lines[i] if i < len(loc.entry_lines) else 0, k))
        elif key == "defaults" and isinstance(value, dict):
            for k, v in value.items():
                check("[defaults]: ", k, v, _key_line(loc, loc.defaults_line, k))
        else:
            check("", key, value, _top_line(text, key))


def _key_line(loc, start: int, key: str) -> int:
    """The line of ``key`` (also as ``key.x = ...``) in the table whose header is at ``start``."""
    for j in range(start, len(loc.lines)):
        s = loc.lines[j].strip()
        if s.startswith("[[") and j >= start:
            break
        if re.match(rf"^(\[entry\.)?{re.escape(key)}\s*[.=\]]", s):
            return j + 1
    return start


def _top_line(text, key):
    for i, line in enumerate(text.splitlines()):
        if re.match(rf"^\s*\[?\[?{re.escape(key)}\b", line):
            return i + 1
    return 1


def _known_keys(raw, accepted, what, at, fail):
    """Fail on the first key of table ``raw`` not in ``accepted``, suggesting the closest one:
    "entry 3: unknown key 'captoin' (did you mean 'caption'?); accepted: ..."."""
    for key in raw:
        if key not in accepted:
            close = difflib.get_close_matches(key, accepted, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            fail(at(key), f"{what}: unknown key '{key}'{hint}; accepted: {', '.join(accepted)}")


def _entry(i, merged, raw, loc, fail):
    def at(key=None):
        return loc.of(i, key)

    _known_keys(raw, ENTRY_KEYS, f"entry {i + 1}", at, fail)
    name = merged.get("name")
    if not isinstance(name, str) or not SLUG.match(name) or len(name) > MAX_NAME:
        fail(at("name"), f"entry {i + 1}: 'name' must be lowercase letters, digits and dashes, at most "
             f"{MAX_NAME} characters, got {name!r:.100}")
    kind = merged.get("kind")
    if kind not in KINDS:
        fail(at("kind"), f"entry '{name}': kind must be one of: {', '.join(KINDS)}; got {kind!r}")
    lang = merged.get("lang", "all")
    if isinstance(lang, str):
        langs = LANGS if lang == "all" else (lang,)
    else:
        langs = tuple(lang) if isinstance(lang, list) else ()
    if not langs or any(not isinstance(lg, str) or lg not in LANGS for lg in langs):
        fail(at("lang"), f"entry '{name}': lang must be en, zh or all (or a list), got {lang!r}")
    if len(set(langs)) < len(langs):
        fail(at("lang"), f"entry '{name}': lang lists a language twice: {list(langs)}")
    fmt = merged.get("format", FORMATS[kind][0])
    if fmt not in FORMATS[kind]:
        fail(at("format"), f"entry '{name}': format for a {kind} must be one of: "
                           f"{', '.join(FORMATS[kind])}; got {fmt!r}")
    options = {k: v for k, v in merged.items() if k not in ("name", "kind", "lang", "format")
               and not k.startswith(("caption", "alt", "concept"))}
    texts = {k: v for k, v in merged.items() if k.startswith(("caption", "alt", "concept"))}
    for k, v in texts.items():
        if not isinstance(v, str) or len(v) > MAX_TEXT:
            fail(at(k), f"entry '{name}': '{k}' must be text of at most {MAX_TEXT} characters, got {v!r:.60}")
    _check_options(name, kind, options, at, fail)
    return Entry(name, kind, tuple(langs), fmt, options, texts, at())


def _check_options(name, kind, o, at, fail):
    from ..lessons import BUILDERS
    from ..render.figures import FIGURES
    from ..video import describe as scenes

    def choose(key, value, accepted):
        if value not in accepted:
            fail(at(key), f"entry '{name}': unknown {key} {value!r}; accepted: {', '.join(accepted)}")

    import inspect

    if kind == "figure":
        choose("figure", o.get("figure", name), list(FIGURES))
        builder = BUILDERS[FIGURES[o.get("figure", name)][0]]
    elif kind == "gif":
        choose("lesson", o.get("lesson", "single"), [k for k in BUILDERS if k not in (
            "sweep", "feature-scaling", "convex-vs-nonconvex", "loss-functions", "trainability", "landscape-random",
            "landscape-interpolation", "landscape-hessian")])
        builder = BUILDERS[o.get("lesson", "single")]
    else:
        builder = None
    if builder is not None:
        takes = set(inspect.signature(builder).parameters) | {"surface_params"}
        for key in LESSON_KEYS:
            if key in o and key not in takes:
                fail(at(key), f"entry '{name}': '{key}' does not apply to this {kind}; it takes: "
                     f"{', '.join(k for k in LESSON_KEYS if k in takes)}")
    elif any(k in o for k in LESSON_KEYS):
        key = next(k for k in LESSON_KEYS if k in o)
        fail(at(key), f"entry '{name}': a video scene takes no '{key}'; accepted: scene, quality, "
             "time_scale, format, lang")
    if kind == "video":
        choose("scene", o.get("scene", name), list(scenes()))
        if "quality" in o:
            choose("quality", o["quality"], ["low", "medium", "high", "4k"])
    for key in ("frames", "steps", "n", "seed", "t"):
        low = 0 if key in ("seed", "t") else 1
        if key in o and (not isinstance(o[key], int) or isinstance(o[key], bool) or o[key] < low):
            fail(at(key), f"entry '{name}': {key} must be a whole number >= {low}, got {o[key]!r}")
    if "optimizer" in o:
        from ..optim import OPTIMIZERS

        if not isinstance(o["optimizer"], str):
            fail(at("optimizer"), f"entry '{name}': optimizer must be a name, got {o['optimizer']!r}")
        choose("optimizer", o["optimizer"], list(OPTIMIZERS))
    for key in ("fps", "hold", "time_scale", "lr"):
        if key in o and (not isinstance(o[key], (int, float)) or isinstance(o[key], bool)
                         or not math.isfinite(o[key]) or o[key] <= 0):
            if not (key == "hold" and o[key] == 0):
                fail(at(key), f"entry '{name}': {key} must be a finite number > 0, got {o[key]!r}")
    from ..video import MAX_TIME_SCALE

    for key, top in (("hold", MAX_HOLD), ("time_scale", MAX_TIME_SCALE)):
        if key in o and o[key] > top:
            fail(at(key), f"entry '{name}': {key} must be at most {top:g}, got {o[key]!r}")
    if "size" in o and (not isinstance(o["size"], str) or not re.fullmatch(r"\d+x\d+", o["size"])):
        fail(at("size"), f"entry '{name}': size must look like \"640x480\", got {o['size']!r}")
    from ..render.animation import check_fps, check_frames, check_size

    for key, check in (("size", check_size), ("frames", check_frames), ("fps", check_fps)):
        if key in o:
            try:
                check(o[key])
            except UserInputError as e:
                fail(at(key), f"entry '{name}': {e}")
    if kind == "gif":   # the hold counts against the frame limit
        try:
            check_frames(o.get("frames", 120) + round(o.get("hold", 1.5) * o.get("fps", 20)),
                         what="frames + hold x fps")
        except UserInputError as e:
            fail(at("hold" if "hold" in o else "frames"), f"entry '{name}': {e}")
    if "optimizers" in o and (not isinstance(o["optimizers"], list)
                              or not all(isinstance(v, str) for v in o["optimizers"])):
        fail(at("optimizers"), f"entry '{name}': optimizers must be a list of names, got {o['optimizers']!r}")
    for key in ("rates", "start"):
        if key in o and (not isinstance(o[key], list) or not o[key] or len(o[key]) > 100 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in o[key])):
            fail(at(key), f"entry '{name}': {key} must be a list of 1 to 100 finite numbers, got {o[key]!r:.80}")
    if "rates" in o and any(v <= 0 for v in o["rates"]):
        fail(at("rates"), f"entry '{name}': rates must be > 0, got {o['rates']!r:.80}")
    if "optimizers" in o and isinstance(o["optimizers"], list):
        from ..optim import OPTIMIZERS

        for opt in o["optimizers"]:
            if str(opt).lower() not in OPTIMIZERS:
                choose("optimizers", opt, list(OPTIMIZERS))
    for key in ("field", "arrows"):
        if key in o and not isinstance(o[key], bool):
            fail(at(key), f"entry '{name}': {key} must be true or false, got {o[key]!r}")
        if key in o and kind == "video":
            fail(at(key), f"entry '{name}': {key} is for figures and GIFs, not video scenes")
    if "surface_params" in o and not isinstance(o["surface_params"], dict):
        fail(at("surface_params"), f"entry '{name}': surface_params must be a table")
    for k, v in o.get("surface_params", {}).items():
        bad = [x for x in (v if isinstance(v, list) else [v]) if isinstance(x, float) and not math.isfinite(x)]
        if bad:
            fail(at("surface_params"), f"entry '{name}': surface parameter '{k}' must be finite, got {v!r:.60}")
    if "surface" in o and not isinstance(o["surface"], str):
        fail(at("surface"), f"entry '{name}': surface must be a name or an expression")
