"""gdviz map and gdviz basins: figures and .npz files that read back with the API's numbers,
exit codes, and one-line errors for bad axes, sizes and names (nothing written)."""
import json

import imageio.v3 as iio
import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main
from gdviz.maps.command import axis_spec


def gdviz(*args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_map_npz_holds_the_apis_numbers_and_settings(tmp_path, capsys):
    f = tmp_path / "m.npz"
    code, out, err = gdviz("map", "momentum", "elongated", "--x", "lr:1e-2:1:24:log", "--y", "momentum:0:0.99:16",
                           "--measure", "rate", "--steps", "300", "-o", f, capsys=capsys)
    assert code == 0, err
    assert "wrote" in out and "converged" in out
    m = gd.map("momentum", "elongated", x=("lr", np.geomspace(1e-2, 1, 24)), y=("momentum", np.linspace(0, 0.99, 16)),
               measure="rate", steps=300)
    with np.load(f) as z:
        np.testing.assert_array_equal(z["values"], m.values)
        np.testing.assert_array_equal(z["codes"], m.codes)
        np.testing.assert_array_equal(z["x"], m.x)
        settings = json.loads(str(z["settings"]))
    assert settings["measure"] == "rate" and settings["method"] == "simulate" and settings["steps"] == 300
    assert settings["xname"] == "lr" and settings["xscale"] == "log" and settings["yscale"] == "linear"
    assert settings["statuses"] == ["converged", "diverged", "max_steps"]


def test_map_figure_with_fixed_hyperparameters_and_theory(tmp_path, capsys):
    png = tmp_path / "m.png"
    code, _, err = gdviz("map", "momentum", "elongated", "--x", "lr:0.01:0.3:20", "--y", "y:-3:3:12",
                         "--set", "momentum=0.5", "--lang", "zh", "-o", png, capsys=capsys)
    assert code == 0, err
    assert iio.imread(png).shape[:2] == (760, 860)
    svg = tmp_path / "t.svg"
    code, out, err = gdviz("map", "momentum", "elongated", "--x", "lr:1e-2:1:20:log", "--method", "theory",
                           "-o", svg, capsys=capsys)
    assert code == 0, err and "rate (theory)" in out
    assert svg.read_text().lstrip().startswith("<?xml")


def test_basins_npz_and_figure(tmp_path, capsys):
    f = tmp_path / "b.npz"
    code, out, err = gdviz("basins", "himmelblau", "--grid", "30,20", "-o", f, capsys=capsys)
    assert code == 0, err
    b = gd.basins("himmelblau", "gd", grid=(30, 20))
    with np.load(f) as z:
        np.testing.assert_array_equal(z["labels"], b.labels)
        np.testing.assert_array_equal(z["share"], b.share)
        assert z["minima"].shape == (4, 2)
    assert f"{b.global_share:.2%}" in out
    png = tmp_path / "b.png"
    code, _, err = gdviz("basins", "egg-crate", "--grid", "40", "-o", png, capsys=capsys)
    assert code == 0, err and iio.imread(png).shape[:2] == (820, 760)


def test_map_on_a_dask_scheduler_is_the_serial_map(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    f, g = tmp_path / "dask.npz", tmp_path / "serial.npz"
    args = ["map", "gd", "elongated", "--x", "lr:0.01:0.12:12", "--y", "x:-3:3:10", "--tile", "25"]
    with distributed.LocalCluster(processes=False, n_workers=1, dashboard_address=None) as cluster:
        code, _, err = gdviz(*args, "--scheduler", cluster.scheduler_address, "-o", f, capsys=capsys)
    assert code == 0, err
    assert gdviz(*args, "-o", g, capsys=capsys)[0] == 0
    with np.load(f) as a, np.load(g) as b:
        np.testing.assert_array_equal(a["values"], b["values"])
        np.testing.assert_array_equal(a["codes"], b["codes"])


def test_axis_spec():
    name, v = axis_spec("--x", "lr:1e-3:1:4:log")
    assert name == "lr" and np.allclose(v, [1e-3, 1e-2, 1e-1, 1])
    name, v = axis_spec("--y", "x:-3:3:3:lin")
    assert name == "x" and v.tolist() == [-3.0, 0.0, 3.0]


@pytest.mark.parametrize("args, message", [
    (["--x", "lr:1e-3:1"], "--x must be NAME:LO:HI:N or NAME:LO:HI:N:log (e.g. lr:1e-3:1:256:log), got 'lr:1e-3:1'"),
    (["--x", "lr:a:1:10"], "--x: LO and HI must be numbers, got 'a' and '1'"),
    (["--y", "momentum:0.9:0.1:10"], "--y: LO must be a finite number below HI, got 0.9 and 0.1"),
    (["--x", "lr:0:1:10:log"], "--x: a log axis needs LO > 0, got 0"),
    (["--x", "lr:1e-3:1:100000:log"], "--x: N must be a whole number from 2 to 8192, got '100000'"),
    (["--x", "lr:1e-3:1:1"], "--x: N must be a whole number from 2 to 8192, got '1'"),
    (["--x", "lr:1e-3:1:10:ln"], "--x: the scale must be log or lin, got 'ln'"),
    (["--x", "speed:0:1:10"], "unknown x axis for momentum on 'elongated'"),
    (["--measure", "speed"], "unknown measure 'speed'"),
    (["--method", "exact"], "unknown method 'exact'"),
    (["--steps", "-5"], "steps"),
    (["--tile", "0"], "tile must be a whole number of pixels from 1 to 1,000,000, got 0"),
    (["--lang", "fr"], "unknown language 'fr'; choose from: en, zh"),
    (["--set", "momentum"], "--set takes KEY=VALUE, got 'momentum'"),
    (["--set", "lr=0.1"], "lr is an axis of the map: give it as x or y, not also as lr="),
])
def test_map_bad_input_is_one_line_and_exit_2(args, message, tmp_path, capsys):
    out = tmp_path / "m.png"
    code, _, err = gdviz("map", "momentum", "elongated", "--x", "lr:1e-2:1:8:log", "--y", "momentum:0:0.9:8", *args,
                         "-o", out, capsys=capsys)
    assert code == 2
    assert err.startswith("gdviz: error: ") and message in err and err.count("\n") == 1, err
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["map", "momentum", "elongated", "-o", "{tmp}/m.txt"], "output 'm.txt' has '.txt'; choose one of: .png, .svg, "
                                                            ".pdf, .npz"),
    (["map", "momentum", "elongated", "-o", "{tmp}/missing/m.png"], "does not exist"),
    (["map", "torch:SGD", "elongated", "-o", "{tmp}/m.png"], "a map varies a native optimizer's hyperparameters"),
    (["map", "gd", "rosenbrock", "--method", "theory", "--y", "weight_decay:0:1:4", "-o", "{tmp}/m.png"],
     "method='theory' needs a quadratic surface"),
    (["basins", "egg-crate", "--grid", "1", "-o", "{tmp}/b.png"], "grid must be n or (nx, ny), whole numbers from "
                                                                  "2 to 8192, got 1"),
    (["basins", "egg-crate", "--grid", "a,b", "-o", "{tmp}/b.png"], "--grid must be N or NX,NY (whole numbers), "
                                                                    "got 'a,b'"),
    (["basins", "parabola", "-o", "{tmp}/b.png"], "basins map a grid of starts over a 2-D surface"),
    (["basins", "nowhere", "-o", "{tmp}/b.png"], "unknown surface"),
    (["basins", "egg-crate", "--optimizer", "rocket", "-o", "{tmp}/b.png"], "a map varies a native optimizer's"),
])
def test_bad_names_sizes_and_outputs_are_one_line_and_exit_2(argv, message, tmp_path, capsys):
    code, _, err = gdviz(*[a.format(tmp=tmp_path) for a in argv], capsys=capsys)
    assert code == 2
    assert err.startswith("gdviz: error: ") and message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_the_progress_bar_follows_the_tiles(tmp_path, capsys, progress_seen):
    """A large map shows a bar (gdviz.cli.LazyProgress, after a second); it is told every tile."""
    seen = progress_seen
    code, _, err = gdviz("map", "gd", "elongated", "--x", "lr:0.01:0.12:10", "--y", "x:-3:3:10", "--tile", "30",
                         "-o", tmp_path / "m.npz", capsys=capsys)
    assert code == 0, err
    assert seen == [("map", 100), 30, 60, 90, 100, "closed"]
    seen.clear()
    code, _, err = gdviz("basins", "himmelblau", "--grid", "10", "--tile", "50", "-o", tmp_path / "b.npz",
                         capsys=capsys)
    assert code == 0, err
    assert seen == [("basins", 100), 50, 100, "closed"]
