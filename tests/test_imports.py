"""gdviz's own imports: no module imports itself in a circle, and each module imports on its own."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent / "gdviz"


def _modules() -> dict[str, Path]:
    """gdviz module name -> its file."""
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _targets(module: str, node) -> set[str]:
    """The gdviz modules an import statement of `module` names: `from .x import y` is x.y when y is a
    module, else x. A module's own packages are left out: Python imports them before it anyway."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        named = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    return {m for m in named if m in MODULES and not module.startswith(m + ".")}


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(top-level imports, imports inside functions) of every gdviz module, module -> modules."""
    top, inner = {}, {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        statements = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        top[module] = set().union(*(_targets(module, n) for n in statements))
        every = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        inner[module] = set().union(*(_targets(module, n) for n in every)) - top[module]
    return top, inner


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports in `graph` (a -> b -> ... -> a), or None."""
    state: dict[str, int] = {}      # 1: on the current path, 2: done

    def walk(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := walk(nxt, path + [nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := walk(start, [start])):
            return found
    return None


def test_the_graph_is_read():
    top, inner = import_graph()
    assert "gdviz.trajectory" in top["gdviz.engine"] and "gdviz.optim.optimizers" in top["gdviz.optim"]
    assert "gdviz" not in top["gdviz.engine"]                   # its own package: imported first anyway
    assert "gdviz.trajfile" in inner["gdviz.trajectory"]        # a function's import
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]


def test_no_circle_of_top_level_imports():
    top, _ = import_graph()
    assert cycle(top) is None, " -> ".join(cycle(top))


@pytest.mark.parametrize("a, b", [("gdviz.engine", "gdviz.trajectory"), ("gdviz.internals", "gdviz.optim")])
def test_no_two_modules_import_each_other_even_inside_functions(a, b):
    top, inner = import_graph()
    both = {m: top[m] | inner[m] for m in top}
    assert not (b in both[a] and a in both[b]), f"{a} and {b} import each other"


@pytest.mark.parametrize("module", ["gdviz.trajectory", "gdviz.engine", "gdviz.internals", "gdviz.optim",
                                    "gdviz.web.tables", "gdviz.web.bundle"])
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    r = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120,
                       cwd=ROOT.parent)
    assert r.returncode == 0, r.stderr[-2000:]
