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

Every error names the file, the line and the accepted values; unknown keys are errors.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserInputError

KINDS = ("figure", "gif", "video")
LANGS = ("en", "zh")
FORMATS = {"figure": ("png", "svg", "pdf"), "gif": ("gif", "mp4", "webm"), "video": ("mp4", "webm", "gif")}
LESSON_KEYS = ("surface", "surface_params", "optimizers", "rates", "steps", "start", "n", "seed", "lr")
ENTRY_KEYS = ("name", "kind", "figure", "lesson", "scene", "format", "lang", "size", "frames", "fps",
              "hold", "quality", "time_scale", "concept", "concept_zh", "caption", "caption_zh", "alt",
              "alt_zh", *LESSON_KEYS)
TOP_KEYS = ("title", "title_zh", "description", "description_zh", "defaults", "entry")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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


@dataclass(frozen=True)
class Spec:
    path: Path | None
    title: dict
    description: dict
    entries: list[Entry]


class _Locator:
    """Line numbers for keys of the n-th [[entry]] (tomllib keeps none)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.entry_lines = [i + 1 for i, line in enumerate(self.lines) if line.strip().startswith("[[entry]]")]
        self.defaults_line = next((i + 1 for i, line in enumerate(self.lines)
                                   if line.strip().startswith("[defaults]")), 0)

    def of(self, index: int | None, key: str | None = None) -> int:
        """Line of ``key`` in entry ``index`` ([defaults] when None), else of its header."""
        start = self.defaults_line if index is None else (
            self.entry_lines[index] if index < len(self.entry_lines) else 0)
        if key is None or not start:
            return start
        for j in range(start, len(self.lines)):  # the lines after the header, to the next table
            s = self.lines[j].strip()
            if s.startswith("["):
                break
            if re.match(rf"^{re.escape(key)}\s*=", s):
                return j + 1
        return start


def load(path=None, *, text: str | None = None) -> Spec:
    """Read and validate a spec file (or ``text``); the built-in gallery when both are None."""
    if path is None and text is None:
        path = Path(__file__).parent.parent / "data" / "reducing-loss.toml"
    where = str(path) if path is not None else "<spec>"
    if text is None:
        p = Path(path)
        if not p.is_file():
            raise UserInputError(f"spec file '{where}' does not exist")
        text = p.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserInputError(f"{where}: not valid TOML: {e}") from None
    loc = _Locator(text)

    def fail(line, message):
        raise UserInputError(f"{where}:{line}: {message}")

    for key in data:
        if key not in TOP_KEYS:
            fail(_top_line(text, key), f"unknown key '{key}'; accepted: {', '.join(TOP_KEYS)}")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        fail(loc.defaults_line, "[defaults] must be a table")
    for key in defaults:
        if key not in ENTRY_KEYS or key in ("name", "kind"):
            fail(loc.of(None, key), f"unknown key '{key}' in [defaults]; accepted: "
                 f"{', '.join(k for k in ENTRY_KEYS if k not in ('name', 'kind'))}")
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list) or not raw_entries:
        fail(1, "the spec lists no [[entry]] tables")
    entries, seen = [], {}
    for i, raw in enumerate(raw_entries):
        entry = _entry(i, {**defaults, **raw}, raw, loc, fail)
        if entry.name in seen:
            fail(loc.of(i, "name"), f"entry name '{entry.name}' is used twice (first at line {seen[entry.name]})")
        seen[entry.name] = loc.of(i, "name")
        entries.append(entry)
    return Spec(Path(path) if path is not None else None,
                {"en": data.get("title", "gdviz gallery"), "zh": data.get("title_zh", data.get("title", ""))},
                {"en": data.get("description", ""), "zh": data.get("description_zh", data.get("description", ""))},
                entries)


def _top_line(text, key):
    for i, line in enumerate(text.splitlines()):
        if re.match(rf"^\s*\[?\[?{re.escape(key)}\b", line):
            return i + 1
    return 1


def _entry(i, merged, raw, loc, fail):
    def at(key=None):
        return loc.of(i, key)

    for key in raw:
        if key not in ENTRY_KEYS:
            close = difflib.get_close_matches(key, ENTRY_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            fail(at(key), f"entry {i + 1}: unknown key '{key}'{hint}; accepted: {', '.join(ENTRY_KEYS)}")
    name = merged.get("name")
    if not isinstance(name, str) or not SLUG.match(name):
        fail(at("name"), f"entry {i + 1}: 'name' must be lowercase letters, digits and dashes, got {name!r}")
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
    fmt = merged.get("format", FORMATS[kind][0])
    if fmt not in FORMATS[kind]:
        fail(at("format"), f"entry '{name}': format for a {kind} must be one of: {', '.join(FORMATS[kind])}; got {fmt!r}")
    options = {k: v for k, v in merged.items() if k not in ("name", "kind", "lang", "format")
               and not k.startswith(("caption", "alt", "concept"))}
    texts = {k: v for k, v in merged.items() if k.startswith(("caption", "alt", "concept"))}
    for k, v in texts.items():
        if not isinstance(v, str):
            fail(at(k), f"entry '{name}': '{k}' must be text, got {v!r}")
    _check_options(name, kind, options, at, fail)
    return Entry(name, kind, tuple(langs), fmt, options, texts, at())


def _check_options(name, kind, o, at, fail):
    from ..render.figures import FIGURES
    from ..video import describe as scenes
    from ..lessons import BUILDERS

    def choose(key, value, accepted):
        if value not in accepted:
            fail(at(key), f"entry '{name}': unknown {key} {value!r}; accepted: {', '.join(accepted)}")

    import inspect

    if kind == "figure":
        choose("figure", o.get("figure", name), list(FIGURES))
        builder = BUILDERS[FIGURES[o.get("figure", name)][0]]
    elif kind == "gif":
        choose("lesson", o.get("lesson", "single"), [k for k in BUILDERS if k not in (
            "sweep", "feature-scaling", "convex-vs-nonconvex", "loss-functions")])
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
    for key in ("frames", "steps", "n", "seed"):
        if key in o and (not isinstance(o[key], int) or isinstance(o[key], bool) or o[key] < (0 if key == "seed" else 1)):
            fail(at(key), f"entry '{name}': {key} must be a whole number >= {0 if key == 'seed' else 1}, got {o[key]!r}")
    for key in ("fps", "hold", "time_scale", "lr"):
        if key in o and (not isinstance(o[key], (int, float)) or isinstance(o[key], bool) or o[key] <= 0):
            if not (key == "hold" and o[key] == 0):
                fail(at(key), f"entry '{name}': {key} must be a number > 0, got {o[key]!r}")
    if "size" in o and (not isinstance(o["size"], str) or not re.fullmatch(r"\d+x\d+", o["size"])):
        fail(at("size"), f"entry '{name}': size must look like \"640x480\", got {o['size']!r}")
    from ..render.animation import check_fps, check_frames, check_size

    for key, check in (("size", check_size), ("frames", check_frames), ("fps", check_fps)):
        if key in o:
            try:
                check(o[key])
            except UserInputError as e:
                fail(at(key), f"entry '{name}': {e}")
    if "optimizers" in o and (not isinstance(o["optimizers"], list) or not all(isinstance(v, str) for v in o["optimizers"])):
        fail(at("optimizers"), f"entry '{name}': optimizers must be a list of names, got {o['optimizers']!r}")
    for key in ("rates", "start"):
        if key in o and (not isinstance(o[key], list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                                  for v in o[key])):
            fail(at(key), f"entry '{name}': {key} must be a list of numbers, got {o[key]!r}")
    if "surface_params" in o and not isinstance(o["surface_params"], dict):
        fail(at("surface_params"), f"entry '{name}': surface_params must be a table")
    if "surface" in o and not isinstance(o["surface"], str):
        fail(at("surface"), f"entry '{name}': surface must be a name or an expression")
