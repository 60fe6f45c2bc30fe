"""Files gdviz reads are described, never quoted, never followed, and bounded (issue 16).

A data file's content never appears in an error; a spec's data paths resolve beside the spec
and stay inside its folder unless the user allows otherwise; a trajectory file never makes
gdviz open another file; data surfaces, CSV files and a trajectory's metadata have stated
caps checked before allocating; the gallery's cache follows the content of the files an entry
reads.
"""
import io
import json
import os
import zipfile

import numpy as np
import pytest

import gdviz as gd
from gdviz import trajfile
from gdviz.cli import main
from gdviz.errors import UserInputError
from gdviz.gallery import build, load
from gdviz.gallery.build import fingerprint
from gdviz.surfaces import data as data_mod

SECRET = "sk-live-8f3b2c"


def cli(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdviz: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def secret_env(tmp_path):
    path = tmp_path / "secret.env"
    path.write_text(f"API_TOKEN={SECRET}\nDB_PASSWORD=hunter2-{SECRET}\n")
    return path


# -- a data file's content is never printed ---------------------------------------------------------
def test_missing_column_is_described_not_quoted(secret_env):
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(secret_env), x_column="a")
    assert str(err.value) == f"column 'a' is not in '{secret_env}': the header has 1 column"
    assert SECRET not in str(err.value) and "API_TOKEN" not in str(err.value)


def test_cli_prints_one_line_without_the_file(secret_env, capsys, monkeypatch):
    monkeypatch.chdir(secret_env.parent)
    code, out, err = cli("run", "-s", "linear-regression", "-P", "data=secret.env", "-P", "x_column=a",
                         capsys=capsys)
    assert code == 2
    line = one_line_error(err)
    assert line == "gdviz: error: column 'a' is not in 'secret.env': the header has 1 column"
    assert SECRET not in out + err and "API_TOKEN" not in out + err


@pytest.mark.parametrize("text,kwargs,message", [
    ("area,price\n1,2\n3,4\n", {"x_column": "size"},
     "column 'size' is not in '{p}': the header has 2 columns"),
    ("1,2\n3,4\n", {"x_column": "size"},
     "column 'size' is not in '{p}': it has no header row; give x_column as a column number, 0 to 1"),
    ("a,b\n1,2\n3,4\n", {"y_column": 5},
     "y_column 5 is out of range: '{p}' has 2 columns, numbered 0 to 1"),
    ("a,b\n1,2\n3,{s}\n", {}, "data file '{p}' needs two numeric columns (x, y) on every row; "
                              "line 3 has no number in its y column"),
    ("a\n1\n2\n", {}, "data file '{p}' needs two numeric columns (x, y) on every row; "
                      "line 2 has no y column"),
    ("x,{s}\n", {}, "data file '{p}' has a header row but no data rows"),
    ("\n\n", {}, "data file '{p}' is empty"),
])
def test_csv_errors_describe_the_file(tmp_path, text, kwargs, message):
    p = tmp_path / "d.csv"
    p.write_text(text.format(s=SECRET))
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p), **kwargs)
    assert str(err.value) == message.format(p=p)
    assert SECRET not in str(err.value)


def test_binary_and_special_files_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bin.csv").write_bytes(b"1,2\n\x89PNG\x00\xff" + SECRET.encode())
    code, _, err = cli("run", "-s", "linear-regression", "-P", "data=bin.csv", capsys=capsys)
    assert code == 2
    assert one_line_error(err) == ("gdviz: error: data file 'bin.csv' is not UTF-8 text (line 2); "
                                   "save it as UTF-8 CSV")
    assert SECRET not in err
    with pytest.raises(UserInputError, match=r"^'.*' is a folder, not a data file: give the path of a CSV file$"):
        gd.surface("linear-regression", data=str(tmp_path))
    if os.path.exists("/dev/zero"):
        with pytest.raises(UserInputError, match="^'/dev/zero' is a character device, not a data file"):
            gd.surface("linear-regression", data="/dev/zero")
    with pytest.raises(UserInputError, match=r"^data must be the path of a CSV file, got a number$"):
        gd.surface("linear-regression", data=1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    with pytest.raises(UserInputError, match=r"^'.*f\.csv' is a named pipe \(FIFO\), not a data file"):
        gd.surface("linear-regression", data=str(fifo))


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="Linux /proc")
def test_a_file_larger_than_its_stated_size_is_read_only_up_to_the_cap(monkeypatch):
    # /proc files claim size 0; the cap holds on what is read, and nothing of it is shown
    monkeypatch.setenv("GDVIZ_TEST_SECRET", SECRET)
    monkeypatch.setattr(data_mod, "MAX_DATA_BYTES", 64)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data="/proc/self/environ")
    assert str(err.value) == ("data file '/proc/self/environ' holds more than 64 bytes; a data file may "
                              "hold at most 64 bytes (MAX_DATA_BYTES)")


def test_a_spec_that_is_not_a_spec_shows_no_values(tmp_path):
    for text in (f'API_TOKEN = "{SECRET}"\n', f"API_TOKEN={SECRET}\n"):
        p = tmp_path / "creds.toml"
        p.write_text(text)
        with pytest.raises(UserInputError) as err:
            load(p)
        assert SECRET not in str(err.value)


# -- caps on data: points, rows, bytes, checked before allocating -----------------------------------
def test_synthetic_data_is_capped_before_it_is_made(monkeypatch):
    def never(*a, **k):
        raise AssertionError("the data was allocated")

    monkeypatch.setattr(data_mod, "synthetic_regression", never)
    monkeypatch.setattr(data_mod, "synthetic_classification", never)
    for name in ("linear-regression", "logistic-regression"):
        for n in (30_000_000, 10**8, data_mod.MAX_DATA_POINTS + 1):
            with pytest.raises(UserInputError) as err:
                gd.surface(name, n=n)
            assert str(err.value) == (f"n must be a whole number from 2 to 100,000 (MAX_DATA_POINTS), got {n}")
    with pytest.raises(UserInputError, match=r"^n must be a whole number from 2 to 100,000 .* got 2.5$"):
        gd.surface("linear-regression", n=2.5)


def test_cli_refuses_a_huge_n_in_one_line(capsys):
    code, _, err = cli("run", "-s", "linear-regression", "-P", "n=30000000", capsys=capsys)
    assert code == 2
    assert one_line_error(err).endswith("n must be a whole number from 2 to 100,000 (MAX_DATA_POINTS), "
                                        "got 30000000")


@pytest.mark.parametrize("params,message", [
    ({"seed": -1}, "seed must be a whole number >= 0, got -1"),
    ({"seed": 1.5}, "seed must be a whole number >= 0, got 1.5"),
    ({"outliers": -1}, "outliers must be a whole number from 0 to n (100), got -1"),
    ({"outliers": float("inf")}, "outliers must be a whole number from 0 to n (100), got inf"),
    ({"x_column": "a"}, "x_column and y_column pick the columns of a data file; give data=FILE.csv too"),
    ({"x": [1, 2], "y": [1, 2], "data": "d.csv"}, "give either data=FILE.csv or x and y arrays, not both"),
])
def test_data_parameters_are_checked(params, message):
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", **params)
    assert str(err.value) == message


def test_arrays_are_capped(monkeypatch):
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 10)
    x = np.arange(11.0)
    with pytest.raises(UserInputError, match=r"^x and y hold 11 points; a data surface takes at most 10 "
                                             r"\(MAX_DATA_POINTS\)$"):
        gd.surface("linear-regression", x=x, y=2 * x)
    gd.surface("linear-regression", x=x[:10], y=2 * x[:10])


def test_csv_rows_and_bytes_are_capped(tmp_path, monkeypatch):
    p = tmp_path / "d.csv"
    p.write_text("x,y\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(11)))
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 10)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p))
    assert str(err.value) == (f"data file '{p}' has more than 10 data rows; a data surface takes at most "
                              "10 points (MAX_DATA_POINTS)")
    monkeypatch.setattr(data_mod, "MAX_DATA_POINTS", 11)
    assert gd.surface("linear-regression", data=str(p)).n_samples == 11
    monkeypatch.setattr(data_mod, "MAX_DATA_BYTES", 40)
    with pytest.raises(UserInputError) as err:
        gd.surface("linear-regression", data=str(p))
    assert str(err.value) == (f"data file '{p}' is {p.stat().st_size} bytes; a data file may hold at most "
                              "40 bytes (MAX_DATA_BYTES)")


# -- a trajectory file never opens another file; what it asks for is bounded ------------------------
def _crafted(tmp_path, surface, surface_params, name="crafted.npz"):
    """A trajectory file whose metadata asks for ``surface`` built with ``surface_params``."""
    traj = gd.run(gd.optimizer("gd", lr=0.01), "linear-regression", steps=3)
    path = traj.save(tmp_path / name)
    with np.load(path) as z:
        members = {k: z[k] for k in z.files}
    info = json.loads(str(members["info"]))
    info["surface"], info["meta"]["surface_params"] = surface, surface_params
    members["info"] = np.array(json.dumps(info))
    np.savez(path, **members)
    return path


def test_a_loaded_file_never_reads_a_data_file(tmp_path, monkeypatch):
    csv = tmp_path / "private.csv"
    csv.write_text("a,b\n1,3\n2,5\n3,7.5\n")

    def never(*a, **k):
        raise AssertionError("the loaded file made gdviz read a data file")

    path = _crafted(tmp_path, "linear-regression", {"data": str(csv), "x_column": "a", "y_column": "b"})
    traj = gd.load(path)   # loading is fine: the arrays are all there
    monkeypatch.setattr(data_mod, "load_csv", never)
    with pytest.raises(UserInputError) as err:
        gd.animate(traj)
    assert str(err.value) == (
        "this trajectory's surface parameters name a data file (meta['surface_params']['data']); a "
        "trajectory never makes gdviz open another file: give the surface yourself, e.g. gd.animate(traj, "
        "surface=gd.surface(traj.surface, data='your.csv'))")
    with pytest.raises(UserInputError, match="never makes gdviz open another file"):
        traj.rebuild_surface()


def test_a_loaded_file_asks_for_bounded_data_only(tmp_path, monkeypatch):
    def never(*a, **k):
        raise AssertionError("the data was allocated")

    traj = gd.load(_crafted(tmp_path, "linear-regression", {"n": 10_000_000}))
    monkeypatch.setattr(data_mod, "synthetic_regression", never)
    with pytest.raises(UserInputError, match=r"^n must be a whole number from 2 to 100,000 \(MAX_DATA_POINTS\), "
                                             r"got 10000000$"):
        gd.animate(traj)


def test_a_run_on_a_csv_keeps_its_data_and_animates_without_it(tmp_path):
    csv = tmp_path / "prices.csv"
    csv.write_text("area,price\n1,3\n2,5\n3,7.5\n4,9\n5,11.2\n")
    s = gd.surface("linear-regression", data=str(csv), x_column="area", y_column="price")
    traj = gd.run(gd.optimizer("gd", lr=0.01), s, steps=20)
    assert "data" not in traj.meta["surface_params"]
    saved = traj.save(tmp_path / "run.npz")
    csv.write_text("area,price\n1,100\n2,-5\n")   # edited, then gone: the file holds what the run used
    csv.unlink()
    back = gd.load(saved)
    rebuilt = back.rebuild_surface()
    np.testing.assert_array_equal(rebuilt.x, s.x)
    np.testing.assert_array_equal(rebuilt.y, s.y)
    np.testing.assert_array_equal(rebuilt.minima, s.minima)
    anim = gd.animate(back)
    np.testing.assert_array_equal(anim.runs.surface.minima, s.minima)


def test_trajectory_errors_do_not_repeat_the_file(tmp_path):
    """numpy's header errors repeat the header text; the loader reports the kind of damage only."""
    good = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=3)
    with np.load(good.save(tmp_path / "good.npz")) as z:
        members = {k: z[k] for k in z.files}
    header = ("{'descr': '" + SECRET + "', 'fortran_order': False, 'shape': (4, 2), }").ljust(117) + "\n"
    bad = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + bytes(64)
    with zipfile.ZipFile(tmp_path / "bad.npz", "w") as zf:
        for k, v in members.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, v)
            zf.writestr(k + ".npy", bad if k == "params" else buf.getvalue())
    with pytest.raises(UserInputError, match="is not a gdviz trajectory file") as err:
        gd.load(tmp_path / "bad.npz")
    assert SECRET not in str(err.value)


# -- the info text of a trajectory file is capped -----------------------------------------------------
def test_info_text_is_capped_before_it_is_decompressed(tmp_path):
    good = gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=3)
    with np.load(good.save(tmp_path / "good.npz")) as z:
        members = {k: z[k] for k in z.files}
    chars = trajfile.MAX_INFO_CHARS + 1
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": f"<U{chars}", "fortran_order": False, "shape": ()})
    with zipfile.ZipFile(tmp_path / "big.npz", "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in members.items():
            if k == "info":
                zf.writestr("info.npy", buf.getvalue() + bytes(64))
            else:
                b = io.BytesIO()
                np.lib.format.write_array(b, v)
                zf.writestr(k + ".npy", b.getvalue())
    with pytest.raises(UserInputError) as err:
        gd.load(tmp_path / "big.npz")
    assert str(err.value) == (f"'{tmp_path / 'big.npz'}' is not a gdviz trajectory file: info claims {chars:,} "
                              f"characters of text, more than the {trajfile.MAX_INFO_CHARS:,} a trajectory's "
                              "metadata may hold (MAX_INFO_CHARS); refusing to load it")


def test_save_refuses_metadata_that_load_would_refuse(tmp_path, monkeypatch):
    traj = gd.run(gd.optimizer("gd", lr=0.01), "linear-regression", steps=3)
    size = len(json.dumps(traj.meta))
    monkeypatch.setattr(trajfile, "MAX_INFO_CHARS", size // 2)
    with pytest.raises(UserInputError, match=r"^the run's metadata takes [\d,]+ characters, more than the "
                                             r"[\d,]+ a trajectory file may hold \(MAX_INFO_CHARS\)"):
        traj.save(tmp_path / "t.npz")
    assert list(tmp_path.iterdir()) == []


def test_the_largest_data_surface_still_saves_and_loads(tmp_path):
    n = data_mod.MAX_DATA_POINTS
    rng = np.random.default_rng(1)
    x = rng.normal(size=n) * 1e3
    traj = gd.run(gd.optimizer("gd", lr=1e-7), gd.surface("linear-regression", x=x, y=np.pi * x), steps=2)
    back = gd.load(traj.save(tmp_path / "t.npz"))
    np.testing.assert_array_equal(back.rebuild_surface().x, x)


# -- a spec's data paths: beside the spec, inside its folder unless allowed --------------------------
ENTRY = ('[[entry]]\nname = "fit"\nkind = "figure"\nfigure = "path"\nsurface = "linear-regression"\n'
         'surface_params = {{data = "{data}", x_column = "area", y_column = "price"}}\nsteps = 20\nlang = "en"\n')
PRICES = "area,price\n1,3\n2,5\n3,7.5\n4,9\n5,11.2\n"


@pytest.fixture
def docs(tmp_path):
    """docs/gallery.toml beside docs/data/prices.csv, and a private file outside docs/."""
    root = tmp_path / "docs"
    (root / "data").mkdir(parents=True)
    (root / "data" / "prices.csv").write_text(PRICES)
    (tmp_path / "private.csv").write_text(PRICES)
    return root


def _spec(docs, data, name="gallery.toml"):
    path = docs / name
    path.write_text(ENTRY.format(data=data))
    return path


def test_relative_data_paths_resolve_beside_the_spec(docs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # not the spec's folder
    spec = load(_spec(docs, "data/prices.csv"))
    assert spec.entries[0].options["surface_params"]["data"] == os.path.realpath(docs / "data" / "prices.csv")
    result = build(_spec(docs, "data/prices.csv"), tmp_path / "out", jobs=1, write_index=False)
    assert result.failed == {} and result.rendered == ["fit.png"]


@pytest.mark.parametrize("written", ["../private.csv", "data/../../private.csv", "{root}/private.csv"])
def test_paths_leaving_the_spec_folder_are_refused_unless_allowed(docs, tmp_path, written):
    written = written.format(root=tmp_path)
    spec = _spec(docs, written)
    with pytest.raises(UserInputError) as err:
        load(spec)
    assert str(err.value) == (
        f"{spec}:6: entry 'fit': data path '{written}' is outside the spec's folder; allow it with "
        "gdviz build --allow-outside-paths (Sphinx: gdviz_allow_outside_paths = True; MkDocs: "
        "allow_outside_paths: true under extra: gdviz:)")
    allowed = load(spec, allow_outside_paths=True)
    assert allowed.entries[0].options["surface_params"]["data"] == os.path.realpath(tmp_path / "private.csv")


def test_a_symlink_out_of_the_spec_folder_is_refused(docs, tmp_path):
    (docs / "data" / "link.csv").symlink_to(tmp_path / "private.csv")
    with pytest.raises(UserInputError, match=r"data path 'data/link.csv' is outside the spec's folder"):
        load(_spec(docs, "data/link.csv"))


def test_data_path_must_be_text(docs):
    spec = docs / "g.toml"
    spec.write_text(ENTRY.format(data="x").replace('data = "x"', "data = 5"))
    with pytest.raises(UserInputError, match=r":6: entry 'fit': surface_params.data must be the path of a "
                                             r"CSV file \(text\), got 5$"):
        load(spec)


def test_cli_build_option_allows_outside_paths(docs, tmp_path, capsys):
    spec = _spec(docs, "../private.csv")
    out = tmp_path / "out"
    code, _, err = cli("build", str(spec), "--out", str(out), "--jobs", "1", "--no-index", capsys=capsys)
    assert code == 2
    assert "data path '../private.csv' is outside the spec's folder" in one_line_error(err)
    assert not (out / "fit.png").exists()
    code, out_text, err = cli("build", str(spec), "--out", str(out), "--jobs", "1", "--no-index",
                              "--allow-outside-paths", capsys=capsys)
    assert code == 0, err
    assert (out / "fit.png").is_file()


def test_mkdocs_setting_allows_outside_paths(docs, tmp_path):
    from gdviz.mkdocs import on_pre_build

    _spec(docs, "../private.csv")
    (docs / "site").mkdir()
    config = {"config_file_path": str(docs / "mkdocs.yml"), "docs_dir": str(docs / "site"),
              "extra": {"gdviz": {"spec": "gallery.toml", "jobs": 1}}}
    with pytest.raises(UserInputError, match="is outside the spec's folder"):
        on_pre_build(config)
    config["extra"]["gdviz"]["allow_outside_paths"] = "yes"
    with pytest.raises(UserInputError, match=r"^extra: gdviz: allow_outside_paths must be true or false, "
                                             r"got 'yes'$"):
        on_pre_build(config)
    config["extra"]["gdviz"]["allow_outside_paths"] = True
    on_pre_build(config)
    assert (docs / "site" / "img" / "gdviz" / "fit.png").is_file()


def test_sphinx_setting_allows_outside_paths(docs, tmp_path):
    pytest.importorskip("sphinx")
    import subprocess
    import sys

    _spec(docs, "../private.csv")
    (docs / "index.rst").write_text("Docs\n====\n\n.. gdviz:: fit\n")
    conf = 'extensions = ["gdviz.sphinx"]\ngdviz_spec = "gallery.toml"\n'
    (docs / "conf.py").write_text(conf)
    args = [sys.executable, "-m", "sphinx", "-b", "html", "-q", str(docs), str(tmp_path / "html")]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert "data path '../private.csv' is outside the spec's folder" in r.stderr
    assert "gdviz_allow_outside_paths = True" in r.stderr
    assert not (tmp_path / "html" / "_gdviz" / "fit.png").exists()
    (docs / "conf.py").write_text(conf + "gdviz_allow_outside_paths = True\n")
    r = subprocess.run(args + ["-E"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "outside" not in r.stderr, r.stderr
    assert (tmp_path / "html" / "_gdviz" / "fit.png").is_file()


def test_notebook_show_takes_the_same_permission(docs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = _spec(docs, "../private.csv")
    with pytest.raises(UserInputError, match="is outside the spec's folder"):
        gd.show("fit", spec=spec)
    shown = gd.show("fit", spec=spec, allow_outside_paths=True)
    assert shown._repr_png_()[:4] == b"\x89PNG"


def test_a_spec_entry_does_not_put_the_file_in_the_build_log(tmp_path, secret_env, capsys):
    spec = tmp_path / "g.toml"
    spec.write_text('[[entry]]\nname = "fit"\nkind = "figure"\nfigure = "path"\nsurface = "linear-regression"\n'
                    'surface_params = {data = "secret.env", x_column = "a"}\nsteps = 5\nlang = "en"\n')
    code, out, err = cli("build", str(spec), "--out", str(tmp_path / "out"), "--jobs", "1", capsys=capsys)
    assert code == 1
    assert "column 'a' is not in" in err and "the header has 1 column" in err
    assert SECRET not in out + err and "API_TOKEN" not in out + err


# -- the cache follows the content of the files an entry reads ---------------------------------------
def test_fingerprint_follows_the_data_file(docs):
    csv = docs / "data" / "prices.csv"
    entry = load(_spec(docs, "data/prices.csv")).entries[0]
    before = fingerprint(entry, "en")
    assert fingerprint(entry, "en") == before
    stat = csv.stat()
    csv.write_text(PRICES.replace("11.2", "11.9"))            # same size, same times: still seen
    os.utime(csv, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert csv.stat().st_size == stat.st_size
    edited = fingerprint(entry, "en")
    assert edited != before
    csv.unlink()
    assert fingerprint(entry, "en") not in (before, edited)
    if hasattr(os, "mkfifo"):
        os.mkfifo(csv)   # a FIFO in its place is not opened (no writer would ever come)
        assert fingerprint(entry, "en") not in (before, edited)


def test_editing_the_csv_renders_the_entry_again(docs, tmp_path):
    spec = _spec(docs, "data/prices.csv")
    out = tmp_path / "out"
    first = build(spec, out, jobs=1, write_index=False)
    assert first.rendered == ["fit.png"]
    assert build(spec, out, jobs=1, write_index=False).cached == ["fit.png"]
    (docs / "data" / "prices.csv").write_text(PRICES.replace("11.2", "14.9"))
    again = build(spec, out, jobs=1, write_index=False)
    assert again.rendered == ["fit.png"] and again.cached == []


def test_the_index_command_for_an_entry_with_data_outside_its_folder_allows_it(docs, tmp_path):
    """The 'make it again' command falls back to gdviz build --only for options gdviz plot cannot
    express; for data the build only read with --allow-outside-paths, it says so."""
    from gdviz.gallery.render import command

    spec = _spec(docs, "../private.csv")
    entry = load(spec, allow_outside_paths=True).entries[0]
    entry.options["seed"] = 3   # no gdviz plot equivalent: the build command
    assert command(entry, "en", "out", str(spec)).endswith("--allow-outside-paths")
    inside = load(_spec(docs, "data/prices.csv")).entries[0]
    inside.options["seed"] = 3
    assert "--allow-outside-paths" not in command(inside, "en", "out", str(docs / "gallery.toml"))
