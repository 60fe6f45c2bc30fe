"""The README's Python example and CLI examples really run."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gdviz.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text()


def blocks(lang):
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "output").mkdir()
    code = "\n".join(blocks("python"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "converged" in r.stdout and "(1001, 200, 2)" in r.stdout


CLI_LINES = [line.split("#")[0].strip() for b in blocks("sh") for line in b.splitlines()
             if line.startswith("gdviz ")]
# the whole default gallery takes a minute and a half: tests/test_gallery.py builds small ones
SLOW = ("gdviz build", "gdviz build --force")


@pytest.mark.parametrize("line", [c for c in CLI_LINES if c not in SLOW])
def test_cli_examples_run(line, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "output").mkdir()
    (tmp_path / "gallery.toml").write_text(blocks("toml")[0])
    assert main(shlex.split(line)[1:]) == 0, capsys.readouterr().err


def test_spec_example_is_valid_and_complete():
    from gdviz.gallery.spec import ENTRY_KEYS, TOP_KEYS, load

    text = blocks("toml")[0]
    spec = load(text=text)
    assert [e.kind for e in spec.entries] == ["figure", "gif", "video"]
    used = set(re.findall(r"^(\w+) =", text, flags=re.M))
    assert set(ENTRY_KEYS) - {"figure", "lesson", "scene"} - used <= {"alt_zh", "n", "seed", "lr", "optimizer", "t"}
    assert {"title", "title_zh", "description"} <= used and set(TOP_KEYS) >= {"defaults", "entry"}


def test_every_optimizer_is_in_the_readme_with_its_update_rule():
    import gdviz as gd

    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)`(?:, `\w+`)* \| (.+?) \|", README, flags=re.M)}
    rows.update({"sgd": rows.get("gd", "")})
    missing = [name for name in gd.OPTIMIZERS if "←" not in rows.get(name, "")]
    assert missing == [], f"README lists no update rule for: {', '.join(missing)}"
