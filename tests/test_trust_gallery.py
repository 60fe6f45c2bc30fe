"""Trust, third round, for the gallery: specs and manifests that cannot hang or exhaust a build,
surfaces that overflow drawn honestly (or refused in one line), specs that never overwrite each
other's pictures, outputs re-checked before success is reported, and "make it again" commands
that carry the exact numbers."""
import json
import os
import subprocess
import sys
import textwrap

import matplotlib
import pytest

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.gallery import load

matplotlib.use("Agg")

OVERFLOWS = "exp(exp(exp(x)))+y**2"          # inf on the right quarter of its window
NOTHING_FINITE = "exp(exp(exp(x+10)))+y**2"  # inf everywhere in its window
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gd.__file__)))


def figure_entry(name, surface="bowl", **extra):
    lines = [f'name = "{name}"', 'kind = "figure"', 'figure = "path"', f'surface = "{surface}"',
             'optimizers = ["gd"]', "steps = 20", 'lang = "en"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "[[entry]]\n" + "\n".join(lines) + "\n"


def spec_file(folder, name, *entries):
    path = folder / name
    path.write_text("".join(entries))
    return path


def run_child(code, timeout=60, memory=2 << 30):
    """Run ``code`` in a fresh interpreter held to ``memory`` bytes of address space (a reader
    that does not stop fails with MemoryError instead of taking the machine)."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, env={**os.environ, "PYTHONPATH": ROOT})


# -- specs: a size cap before reading, a located error for depth --------------------------------
def test_a_spec_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    from gdviz.gallery.spec import MAX_SPEC_BYTES

    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(1_500_000_000)           # sparse: 1.5 GB that costs nothing on disk
    proc = run_child(f"""
        from gdviz.cli import main
        raise SystemExit(main(["build", {str(big)!r}, "--out", {str(tmp_path / "out")!r}]))
        """, memory=1 << 30)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (f"gdviz: error: spec '{big}' is 1500.0 MB; a spec may be at most "
                                   f"{MAX_SPEC_BYTES / 1e6:g} MB")
    with pytest.raises(UserInputError, match="a spec may be at most"):
        load(text="#" * (MAX_SPEC_BYTES + 1))


@pytest.mark.parametrize("value, line", [
    ("[" * 5000 + "]" * 5000, 9),
    ("{a = " * 5000 + "1" + "}" * 5000, 9),
    ("[\n" * 40 + "]" * 40, 9 + 16),             # the line where the 17th level opens
])
def test_deeply_nested_values_are_a_located_error(tmp_path, value, line):
    path = spec_file(tmp_path, "deep.toml", figure_entry("a"), f"rates = {value}\n")
    with pytest.raises(UserInputError) as e:
        load(path)
    assert str(e.value) == (f"{path}:{line}: lists and tables nest more than 16 levels deep here; "
                            "a gallery spec needs 3 at most")


def test_deep_dotted_keys_are_a_located_error(tmp_path):
    path = spec_file(tmp_path, "deep.toml", figure_entry("a"), "surface_params" + ".a" * 5000 + " = 1\n")
    with pytest.raises(UserInputError) as e:
        load(path)
    assert str(e.value) == (f"{path}:9: entry 'a': 'surface_params' nests more than 16 levels deep; "
                            "a gallery spec needs 3 at most")


def test_brackets_in_strings_and_comments_do_not_count_as_nesting(tmp_path):
    text = figure_entry("a", caption="[" * 40 + "{" * 40, alt="x ''' [[[") + "# " + "[" * 100 + "\n" + \
        "caption_zh = '''\n" + "[" * 50 + "\n'''\n"
    spec = load(spec_file(tmp_path, "ok.toml", text))
    assert spec.entries[0].texts["caption"] == "[" * 40 + "{" * 40
