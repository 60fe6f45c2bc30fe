"""The explorer's ES modules (gdviz/web/js/) joined into the one module the hosts load.

The page inlines a single ``<script type="module">`` and anywidget's ``_esm`` is a single module, so
:func:`explorer_js` joins the modules reached from ``index.js`` in dependency order (each module
after the ones it imports): their relative ``import { a, b } from "./x.js";`` statements are dropped
(they share one scope now), and ``export`` is kept only on the names ``index.js`` re-exports (its
``export { a, b } from "./x.js";`` lines, ``default`` included). It refuses, with a RuntimeError
naming the files, two modules declaring the same top-level name, an import of a name its module
does not export, an import cycle, and any import form it does not know.

    >>> "export function mount(" in explorer_js() and 'from "./' not in explorer_js()
    True
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

JS_DIR = Path(__file__).parent / "js"
ENTRY = "index.js"

# import { a, b } from "./x.js";   export { a, b } from "./x.js";   (over lines too)
RELATIVE = re.compile(r'^(import|export)\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+)";[ \t]*\n?', re.M)
# a top-level declaration, at the start of a line: [export] const|let|var|class|function|async function name
DECLARED = re.compile(r"^(export\s+)?(?:const|let|var|class|function\*?|async\s+function\*?)\s+([A-Za-z_$][\w$]*)",
                      re.M)
DEFAULT = re.compile(r"^export\s+default\b", re.M)
ANY_IMPORT = re.compile(r'^(?:import\b|export\s*(?:\*|\{[^}]*\}\s*from))|\bfrom\s*"\./', re.M)


@functools.cache
def explorer_js() -> str:
    """The explorer as one ES module text (cached: the modules ship with the package)."""
    return bundle(JS_DIR, ENTRY)


def bundle(folder: Path, entry: str) -> str:
    """Join the modules reached from ``folder/entry`` into one module text (see the module doc)."""
    texts: dict[str, str] = {}        # file -> text, each after the files it imports
    _visit(Path(folder), entry, (), texts)
    imports = {f: _names(RELATIVE.findall(t), f) for f, t in texts.items()}
    exported = {f: _exported(t) for f, t in texts.items()}
    declared: dict[str, str] = {}
    for f, text in texts.items():
        for m in DECLARED.finditer(text):
            if m.group(2) in declared:
                raise RuntimeError(f"'{m.group(2)}' is declared in both {declared[m.group(2)]} and {f}; "
                                   f"the joined module needs one top-level name per declaration")
            declared[m.group(2)] = f
        for _, name, source in imports[f]:
            if name not in exported[source]:
                raise RuntimeError(f"{f} imports '{name}' from {source}, which does not export it")
    public = {(source, name) for _, name, source in imports[entry]}
    parts = [RELATIVE.sub("", texts[entry]).rstrip() + "\n"]
    parts += [_joined(f, text, {name for source, name in public if source == f})
              for f, text in texts.items() if f != entry]
    return "\n".join(parts)


def _exported(text: str) -> set[str]:
    """The names a module exports: ``export const a``, ``export function b``, ..., ``default``."""
    names = {m.group(2) for m in DECLARED.finditer(text) if m.group(1)}
    return names | {"default"} if DEFAULT.search(text) else names


def _joined(file: str, text: str, public: set[str]) -> str:
    """``file``'s text without its relative imports, ``export`` kept on the ``public`` names only."""
    text = RELATIVE.sub("", text)
    text = DECLARED.sub(lambda m: m.group(0) if m.group(2) in public else m.group(0)[len(m.group(1) or ""):], text)
    text = DEFAULT.sub(lambda m: m.group(0) if "default" in public else "const _default =", text)
    return f"// ---- {file} " + "-" * max(0, 90 - len(file)) + "\n" + text.strip() + "\n"


def _visit(folder: Path, name: str, chain: tuple[str, ...], texts: dict[str, str]) -> None:
    if name in chain:
        raise RuntimeError(f"import cycle among the explorer's modules: {' -> '.join(chain + (name,))}")
    if name in texts:
        return
    path = folder / name
    if not path.is_file():
        raise RuntimeError(f"{chain[-1] if chain else 'the bundle'} imports ./{name}, which is not in {folder}")
    text = path.read_text(encoding="utf-8")
    left = ANY_IMPORT.search(RELATIVE.sub("", text))
    if left:
        line = text[text.rfind("\n", 0, left.start()) + 1:].split("\n", 1)[0]
        raise RuntimeError(f"{name}: only 'import {{ a, b }} from \"./x.js\";' is joined, not: {line.strip()}")
    for _, _, source in RELATIVE.findall(text):
        _visit(folder, source, chain + (name,), texts)
    texts[name] = text


def _names(statements, file: str) -> list[tuple[str, str, str]]:
    """(kind, name, source file) of each name in ``file``'s relative import/export statements."""
    out = []
    for kind, names, source in statements:
        for name in filter(None, (n.strip() for n in names.split(","))):
            if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
                raise RuntimeError(f"{file}: '{name}' in {kind} {{ ... }} from \"./{source}\": "
                                   "only plain names are joined")
            out.append((kind, name, source))
    return out
