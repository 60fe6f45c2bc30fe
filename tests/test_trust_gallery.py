"""Trust, third round, for the gallery: specs and manifests that cannot hang or exhaust a build,
surfaces that overflow drawn honestly (or refused in one line), specs that never overwrite each
other's pictures, outputs re-checked before success is reported, and "make it again" commands
that carry the exact numbers."""
import json
import os
import shlex
import subprocess
import sys
import textwrap
import threading

import matplotlib
import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main
from gdviz.errors import UserInputError
from gdviz.gallery import build, load
from gdviz.gallery.build import MANIFEST, read_manifest

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


# -- the manifest: a regular file under a cap, strictly shaped records --------------------------
def read_within(folder, seconds=20):
    """read_manifest(folder) in a thread: (finished, result)."""
    out = []
    t = threading.Thread(target=lambda: out.append(read_manifest(folder)), daemon=True)
    t.start()
    t.join(seconds)
    return (not t.is_alive()), (out[0] if out else None)


def test_a_fifo_in_place_of_the_manifest_counts_as_missing(tmp_path):
    os.mkfifo(tmp_path / MANIFEST)
    assert read_within(tmp_path) == (True, {})


def test_a_manifest_linked_to_dev_zero_or_over_the_cap_counts_as_missing(tmp_path):
    from gdviz.gallery.build import MAX_MANIFEST_BYTES

    (tmp_path / MANIFEST).symlink_to("/dev/zero")
    proc = run_child(f"""
        from pathlib import Path
        from gdviz.gallery.build import read_manifest
        print(read_manifest(Path({str(tmp_path)!r})))
        """, memory=1 << 30)
    assert (proc.returncode, proc.stdout) == (0, "{}\n"), proc.stderr
    (tmp_path / MANIFEST).unlink()
    with open(tmp_path / MANIFEST, "wb") as fh:         # a sparse file one byte over the cap
        fh.truncate(MAX_MANIFEST_BYTES + 1)
    proc = run_child(proc.args[-1], memory=1 << 30)
    assert (proc.returncode, proc.stdout) == (0, "{}\n"), proc.stderr


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """A one-figure spec built once (no index): (spec, folder, its manifest record)."""
    root = tmp_path_factory.mktemp("once")
    spec = spec_file(root, "g.toml", figure_entry("fig"))
    out = root / "out"
    assert build(spec, out, jobs=1, write_index=False).rendered == ["fig.png"]
    return spec, out, json.loads((out / MANIFEST).read_text())


CLAIM = {"key": "k", "text": {"en": "a", "zh": "甲"}, "evidence": {"en": "1", "zh": "1"}, "holds": True,
         "numbers": {"steps": 3, "rates": [0.1, 1e-3], "none": None, "by name": {"gd": 0.5, "adam": "inf"}}}


@pytest.mark.parametrize("change", [
    {"claims": [1]},
    {"claims": [{**CLAIM, "holds": "no"}]},
    {"claims": [{**CLAIM, "holds": 1}]},
    {"claims": [{**CLAIM, "text": {"en": "a"}}]},
    {"claims": [{**CLAIM, "text": {"en": "a", "zh": 2}}]},
    {"claims": [{**CLAIM, "key": None}]},
    {"claims": [{**CLAIM, "numbers": [1]}]},
    {"claims": [{**CLAIM, "numbers": {"a": [[[[[1]]]]]}}]},
    {"claims": [{**CLAIM, "extra": 1}]},
    {"claims": {"a": 1}},
    {"size": True},
    {"size": -1},
    {"size": 1.5},
    {"sha256": "not hex"},
    {"sha256": 7},
    {"hash": ["x"]},
    {"hash": ""},
    {"spec": {"id": "x"}},
    {"spec": 3},
    {"unknown": 1},
])
def test_a_malformed_record_counts_as_missing_and_the_file_renders_again(built_once, tmp_path, change):
    spec, out, manifest = built_once
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "fig.png").write_bytes((out / "fig.png").read_bytes())
    record = {**manifest["files"]["fig.png"], **change}
    (folder / MANIFEST).write_text(json.dumps({**manifest, "files": {"fig.png": record}}))
    assert read_manifest(folder) == {}
    result = build(spec, folder, jobs=1, write_index=False)
    assert result.rendered == ["fig.png"] and not result.failed and not result.warnings


def test_a_well_formed_record_with_claims_is_trusted(built_once, tmp_path):
    spec, out, manifest = built_once
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "fig.png").write_bytes((out / "fig.png").read_bytes())
    record = {**manifest["files"]["fig.png"], "claims": [CLAIM, {**CLAIM, "holds": False}]}
    (folder / MANIFEST).write_text(json.dumps({**manifest, "files": {"fig.png": record}}))
    result = build(spec, folder, jobs=1, write_index=False)
    assert result.cached == ["fig.png"] and not result.rendered
    assert [c.holds for c in result.claims["fig.png"]] == [True, False]
    assert result.warnings == ['fig: "a" does not hold: 1']


def test_a_manifest_nested_too_deep_counts_as_missing(tmp_path):
    (tmp_path / MANIFEST).write_text('{"files": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert read_manifest(tmp_path) == {}


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


def test_one_bad_surface_is_one_failure_and_the_index_and_explorer_are_written(tmp_path, capsys):
    spec = spec_file(tmp_path, "g.toml", figure_entry("good"), figure_entry("overflows", OVERFLOWS),
                     figure_entry("hopeless", NOTHING_FINITE))
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdviz: failed: hopeless.png: ") and "not finite" in lines[0]
    assert (out / "good.png").is_file() and (out / "overflows.png").is_file()
    assert not (out / "hopeless.png").exists()
    page = (out / "explorer.html").read_text()
    assert f'"{OVERFLOWS}"' in page and "x+10" not in page
    assert "hopeless.png was not rendered" in (out / "index.html").read_text()


# -- two specs, one folder -----------------------------------------------------------------------
def test_a_build_into_another_specs_folder_refuses_to_overwrite_its_pictures(tmp_path, capsys):
    out = tmp_path / "out"
    a = spec_file(tmp_path, "a.toml", figure_entry("fig"), figure_entry("mine"))
    b = spec_file(tmp_path, "b.toml", figure_entry("fig", start=[1.0, 1.0]), figure_entry("theirs"))
    assert sorted(build(a, out, jobs=1, write_index=False).rendered) == ["fig.png", "mine.png"]
    before = (out / "fig.png").read_bytes()
    assert main(["build", str(b), "--out", str(out), "--no-index"]) == 2
    assert capsys.readouterr().err == (
        f"gdviz: error: '{out}' holds fig.png, built from spec 'a.toml'; building spec 'b.toml' there would "
        "overwrite it: build into another --out, or pass --overwrite to replace it\n")
    assert (out / "fig.png").read_bytes() == before and not (out / "theirs.png").exists()
    again = build(a, out, jobs=1, write_index=False)            # the folder's own spec: all cached
    assert sorted(again.cached) == ["fig.png", "mine.png"] and not again.rendered
    assert main(["build", str(b), "--out", str(out), "--no-index", "--overwrite"]) == 0
    assert (out / "fig.png").read_bytes() != before
    assert main(["build", str(a), "--out", str(out), "--no-index"]) == 2   # now fig.png is b's
    assert "holds fig.png, built from spec 'b.toml'; building spec 'a.toml'" in capsys.readouterr().err


def test_a_build_over_another_specs_index_says_so(tmp_path):
    out = tmp_path / "out"
    a = spec_file(tmp_path, "a.toml", figure_entry("one"))
    b = spec_file(tmp_path, "b.toml", figure_entry("two"))
    assert build(a, out, jobs=1).warnings == []
    assert build(a, out, jobs=1).warnings == []
    assert build(b, out, jobs=1).warnings == ["index.html showed spec 'a.toml'; it now shows spec 'b.toml'"]


def test_a_titled_spec_stays_itself_when_copied_or_moved_and_a_retitled_one_does_not(tmp_path):
    out = tmp_path / "out"
    (tmp_path / "old").mkdir()
    first = spec_file(tmp_path / "old", "g.toml", 'title = "My course"\n', figure_entry("fig"))
    build(first, out, jobs=1, write_index=False)
    moved = spec_file(tmp_path, "moved.toml", 'title = "My course"\n', figure_entry("fig", start=[1.0, 2.0]))
    assert build(moved, out, jobs=1, write_index=False).rendered == ["fig.png"]
    other = spec_file(tmp_path, "other.toml", 'title = "Another course"\n', figure_entry("fig", start=[2.0, 1.0]))
    with pytest.raises(UserInputError, match=r"holds fig.png, built from spec 'moved.toml'; building spec "
                                             r"'other.toml' there would overwrite it"):
        build(other, out, jobs=1, write_index=False)


# -- outputs re-checked before success ------------------------------------------------------------
def test_outputs_deleted_during_the_build_are_failures(tmp_path):
    out = tmp_path / "out"
    spec = spec_file(tmp_path, "g.toml", figure_entry("a"), figure_entry("b"), figure_entry("c"))
    build(spec, out, jobs=1, only=["a"], write_index=False)

    def delete(done, total, current):
        if done == 1:     # b has just been recorded; a is cached
            (out / "a.png").unlink()
            (out / "b.png").unlink()

    result = build(spec, out, jobs=1, progress=delete)
    assert sorted(result.failed) == ["a.png", "b.png"] and result.rendered == ["c.png"]
    assert result.failed["a.png"] == "gone or changed since this build checked it (removed while the build ran?)"
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == ["c.png"]
    page = (out / "index.html").read_text()
    assert "a.png was not rendered" in page and "b.png was not rendered" in page
    assert build(spec, out, jobs=1, write_index=False).rendered == ["a.png", "b.png"]


# -- "make it again" ------------------------------------------------------------------------------
def test_make_it_again_prints_exact_numbers_and_reproduces_the_picture(tmp_path):
    from gdviz.gallery.render import command

    out = tmp_path / "out"
    spec = spec_file(tmp_path, "g.toml", figure_entry("fig", start=[0.1234567891, -1.0000001], rates=[0.0123456789]),
                     )
    entry = load(spec).entries[0]
    text = command(entry, "en", str(out), str(spec))
    args = shlex.split(text)
    assert args[args.index("--lr") + 1] == "0.0123456789"
    assert "--start=0.1234567891,-1.0000001" in args
    build(spec, out, jobs=1, write_index=False)
    again = tmp_path / "again.png"
    args[args.index("-o") + 1] = str(again)
    assert main(args[1:]) == 0
    assert again.read_bytes() == (out / "fig.png").read_bytes()


def test_make_it_again_passes_surface_parameters_as_the_cli_reads_them(tmp_path):
    from gdviz.cli import parse_assignments
    from gdviz.gallery.render import command

    spec = spec_file(tmp_path, "g.toml", figure_entry("fig", surface="elongated"),
                     "[entry.surface_params]\ncondition = 12.345678901\n")
    entry = load(spec).entries[0]
    args = shlex.split(command(entry, "en", "out", str(spec)))
    params = [args[i + 1] for i, a in enumerate(args) if a == "-P"]
    assert parse_assignments("-P", params) == {"condition": 12.345678901}


def test_a_notebook_shows_entries_of_two_specs_with_the_same_name(tmp_path):
    """gd.show caches into one folder: an entry of another spec with the same name replaces the
    picture there (it is the notebook's cache, not a gallery folder another spec owns)."""
    import gdviz as gd

    for i, figure in enumerate(("loss-functions", "cross-entropy")):
        spec = tmp_path / f"s{i}.toml"
        spec.write_text(f'title = "spec {i}"\n[[entry]]\nname = "fig"\nkind = "figure"\nfigure = "{figure}"\n'
                        'lang = "en"\n')
        shown = gd.show("fig", spec=spec, folder=tmp_path / ".gdviz")
        assert shown.path.is_file()
