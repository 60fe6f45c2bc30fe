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
import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main
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


# -- a surface that overflows in its window ------------------------------------------------------
def blank_notes(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().startswith(("blank", "空白"))]


@pytest.mark.parametrize("kind, notes", [
    ("path", ["blank: the loss overflows there (26% of the window)"]),
    ("surface-3d", ["blank: the loss overflows there (27% of the window)"]),
    ("lr-triptych", ["blank: overflows"] * 3),
    ("taylor", ["blank: the loss overflows there (12% of the window)"]),
])
def test_a_surface_that_overflows_is_drawn_where_it_is_finite_with_a_note(kind, notes):
    from gdviz.render import figures

    fig = figures.figure(kind, surface=gd.surface(OVERFLOWS))
    assert blank_notes(fig) == notes
    for ax in fig.axes:
        for cs in [c for c in ax.collections if hasattr(c, "levels")]:
            assert np.all(np.isfinite(cs.levels)) and cs.levels.max() <= 1e200


def test_the_note_speaks_chinese_and_names_an_undefined_part():
    from gdviz.render import figures

    fig = figures.figure("path", surface=gd.surface(OVERFLOWS), lang="zh")
    assert blank_notes(fig) == ["空白处：损失溢出（占窗口的 26%）"]
    fig = figures.figure("path", surface=gd.surface("sqrt(x + 4) + y**2"), start=[1.0, 1.0])
    assert blank_notes(fig) == []         # defined on the whole window: no note
    fig = figures.figure("path", surface=gd.surface("sqrt(x) + y**2"), start=[1.0, 1.0])
    assert blank_notes(fig) == ["blank: the loss is undefined there (50% of the window)"]


def test_nothing_finite_in_the_window_is_one_line():
    from matplotlib.figure import Figure

    from gdviz.render.axes import draw_contours

    ax = Figure().add_subplot()
    with pytest.raises(UserInputError) as e:
        draw_contours(ax, gd.surface(OVERFLOWS), window=[[5, 6], [0, 1]])
    assert str(e.value) == ("the loss of 'exp(exp(exp(x)))+y**2' is not a finite number anywhere in the window "
                            "x from 5 to 6, y from 0 to 1 (it overflows or is undefined there); choose a surface "
                            "or a window where it is finite")


@pytest.mark.parametrize("args", [
    ["plot", "path", "-s", OVERFLOWS, "-o", "{d}/a.png"],
    ["plot", "race", "-s", OVERFLOWS, "--steps", "50", "-o", "{d}/a.png"],
    ["gif", "-s", OVERFLOWS, "--lr", "0.1", "-n", "30", "--frames", "6", "--size", "320x240", "-o", "{d}/a.gif"],
    ["explore", "-s", OVERFLOWS, "-o", "{d}/a.html"],
])
def test_plot_gif_and_explore_draw_an_overflowing_surface(tmp_path, capsys, args):
    assert main([a.format(d=tmp_path) for a in args]) == 0, capsys.readouterr().err
    assert "internal error" not in capsys.readouterr().err
    written = next(tmp_path.iterdir())
    assert written.stat().st_size > 1000
    if written.suffix == ".html":
        data = json.loads(written.read_text().split('id="gdviz-data">')[1].split("</script>")[0])
        levels = data["surfaces"][OVERFLOWS]["levels"]
        assert all(np.isfinite(levels)) and max(levels) == 1e200


@pytest.mark.parametrize("command", ["plot", "gif", "explore"])
def test_nothing_finite_is_one_line_in_plot_gif_and_explore(tmp_path, capsys, command):
    args = {"plot": ["plot", "path", "-o", "a.png"], "gif": ["gif", "-o", "a.gif"],
            "explore": ["explore", "-o", "a.html"]}[command]
    assert main(args[:1] + ["-s", NOTHING_FINITE] + [a.replace("a.", f"{tmp_path}/a.") for a in args[1:]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdviz: error: ") and "not finite" in err
    assert list(tmp_path.iterdir()) == []
