"""gdviz landscape: one line and exit code 2 for every bad option, checked before anything is
trained (nothing written); the figure and the .npz read back with the API's numbers."""
import json

import imageio.v3 as iio
import numpy as np
import pytest

from gdviz import OPTIMIZERS
from gdviz.cli import main


def gdviz(*args, capsys):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args,message", [
    (["--kind", "pie"], "unknown kind 'pie'; choose from: contour, surface, both, interpolation, gif"),
    (["-o", "x.gif"], "output 'x.gif' has '.gif'; choose one of: .png, .svg, .pdf, .npz"),
    (["--kind", "gif"], "output 'x.png' has '.png'; choose one of: .gif"),
    (["-o", "nowhere/x.png"], "output folder 'nowhere' does not exist"),
    (["--save", "x.csv"], "output 'x.csv' has '.csv'; choose one of: .npz"),
    (["--save", "nowhere/x.npz"], "output folder 'nowhere' does not exist"),
    (["--lang", "de"], "unknown language 'de'; choose from: en, zh"),
    (["--data", "moon"], "unknown data set 'moon' (did you mean 'moons'?); choose from: regression, moons, spirals"),
    (["--activation", "sigmoid"], "unknown activation 'sigmoid'; choose from: tanh, relu"),
    (["--loss", "mse2"], "unknown loss 'mse2' (did you mean 'mse'?); choose from: mse, cross-entropy"),
    (["--directions", "pcaa"], "unknown directions 'pcaa' (did you mean 'pca'?); choose from: random, pca, hessian, "
                               "endpoints"),
    (["--optimizer", "adamm"],
     "unknown optimizer 'adamm' (did you mean 'adam'?); choose from: " + ", ".join(OPTIMIZERS)),
    (["--optimizer", "gd,,adam"], "--optimizer must be names separated by commas, got 'gd,,adam'"),
    (["--directions", "endpoints"], "--directions endpoints is the plane through the start and two end points: "
                                    "give two optimizers or more, e.g. --optimizer gd,adam"),
    (["--optimizer", "gd,momentum,adam", "--lr", "0.1,0.2"], "give one learning rate (--lr) per series (3), got 2"),
    (["--lr", "-1"], "lr must be a finite number > 0, got -1"),
    (["--lr", "fast"], "--lr must be numbers separated by commas, got 'fast'"),
    (["--steps", "0"], "--steps must be a whole number >= 1, got '0'"),
    (["--steps", "2.5"], "--steps must be a whole number >= 1, got '2.5'"),
    (["--seed", "-1"], "--seed must be a whole number >= 0, got '-1'"),
    (["--model", "2,x,1"], "--model must be layer sizes from the inputs to the outputs, e.g. 2,16,16,1; got '2,x,1'"),
    (["--model", "2"], "--model must be layer sizes from the inputs to the outputs, e.g. 2,16,16,1 (at least the "
                       "inputs and the outputs); got '2'"),
    (["--model", "3,16,1"], "data X has shape (200, 2) but the model takes 3 inputs: X must be (N, 3)"),
    (["--model", "2,0,1"], "a layer width must be a whole number from 1 to 4,096 (MAX_WIDTH), got 0"),
    (["--grid", "2000"], "--grid must be a whole number or (nx, ny) of points per axis from 2 to 1001, got 2000"),
    (["--grid", "a"], "--grid must be N or NX,NY (whole numbers), got 'a'"),
    (["--kind", "interpolation", "--grid", "51,51"],
     "--grid must be a whole number of points per axis from 2 to 1001, got (51, 51)"),
    (["--span", "-1"], "--span must be a number > 0 (+-span on each axis) or (xmin, xmax, ymin, ymax) with each "
                       "min < max, all finite; got -1.0"),
    (["--span", "1,2,3"], "--span must be a number > 0 (+-span on each axis) or (xmin, xmax, ymin, ymax) with each "
                          "min < max, all finite; got (1.0, 2.0, 3.0)"),
    (["--span", "wide"], "--span must be a number > 0 or XMIN,XMAX,YMIN,YMAX, got 'wide'"),
    (["--record-every", "0"], "--record-every must be a whole number >= 1, got '0'"),
    (["--steps", "2000000"], "a run of 2,000,000 steps x 1 path(s) would record 20,599 MiB (limit 256 MiB): keep "
                             "every k-th step with record_every=81 (CLI: --record-every 81), or ask for fewer "
                             "steps or paths"),
    (["-o", "x.csv"], "output 'x.csv' has '.csv'; choose one of: .png, .svg, .pdf, .npz"),
    (["--save", "y.npz", "-o", "x.npz"], "--save writes the arrays beside a picture: give -o a .png, .svg or .pdf"),
    (["--optimizer", "gd,adam", "--lr", "1e6,0.01", "--steps", "50"],
     "gradient descent diverged after 1 step at learning rate 1e+06: nothing to draw; give a smaller --lr"),
])
def test_bad_input_is_one_line_and_exit_2_with_nothing_written(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    base = ["landscape", "--steps", "3", "--grid", "5"]
    if "-o" not in args:
        base += ["-o", "x.png"]
    code, out, err = gdviz(*base, *args, capsys=capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0] == f"gdviz: error: {message}"
    assert list(tmp_path.iterdir()) == []


# -- what it writes ----------------------------------------------------------------------------
def api_landscape(optimizers, rates, steps, grid, directions="pca", seed=0):
    """The same computation through the API: moons, [2, 16, 16, 1] tanh, each optimizer from the
    same seeded start, one plane for all the paths."""
    import gdviz as gd

    data = gd.dataset("moons", seed=seed)
    net = gd.mlp([2, 16, 16, 1], activation="tanh", seed=seed)
    trajs = [gd.train(net, None, data, gd.optimizer(k, lr=r), steps, seed=seed) for k, r in zip(optimizers, rates)]
    return gd.landscape(net, None, data, directions=directions, grid=grid, path=trajs, seed=seed), trajs


def test_npz_alone_like_gdviz_map(tmp_path, capsys):
    npz = tmp_path / "l.npz"
    code, out, err = gdviz("landscape", "--steps", "20", "--grid", "5", "--lr", "0.02", "-o", npz, capsys=capsys)
    assert code == 0, err
    with np.load(npz) as z:
        assert z["loss"].shape == (5, 5) and np.isfinite(z["loss"]).all()
        assert json.loads(str(z["settings"]))["series"] == ["adam"]
    assert [p.name for p in tmp_path.iterdir()] == ["l.npz"] and f"wrote {npz}" in " ".join(out.split())


def test_record_every_keeps_every_kth_step(tmp_path, capsys):
    npz = tmp_path / "l.npz"
    code, _, err = gdviz("landscape", "--steps", "20", "--record-every", "5", "--grid", "5", "--lr", "0.02", "-o", npz,
                         capsys=capsys)
    assert code == 0, err
    with np.load(npz) as z:
        assert z["path_adam"].shape == (5, 2)      # steps 0, 5, 10, 15, 20


def test_a_failed_picture_leaves_no_npz(tmp_path, capsys, monkeypatch):
    from gdviz.landscapes import command

    def broken(runs, req):
        raise OSError("disk full")

    monkeypatch.setattr(command, "draw", broken)
    code, _, err = gdviz("landscape", "--steps", "20", "--grid", "5", "--lr", "0.02", "-o", tmp_path / "l.png",
                         "--save", tmp_path / "l.npz", capsys=capsys)
    assert code != 0 and list(tmp_path.iterdir()) == []


def test_contour_png_and_npz_hold_the_apis_numbers(tmp_path, capsys):
    png, npz = tmp_path / "l.png", tmp_path / "l.npz"
    code, out, err = gdviz("landscape", "--optimizer", "gd,adam", "--lr", "0.5,0.02", "--steps", "40", "--grid", "9",
                           "-o", png, "--save", npz, capsys=capsys)
    assert code == 0, err
    from gdviz.render.figures.landscape import LAYOUTS

    width, height = LAYOUTS["contour"][1]
    assert iio.imread(png).shape[:2] == (height, width)
    land, trajs = api_landscape(["gd", "adam"], [0.5, 0.02], 40, 9)
    with np.load(npz) as z:
        np.testing.assert_allclose(z["loss"], land.loss, rtol=1e-12)
        np.testing.assert_array_equal(z["x"], land.x)
        np.testing.assert_array_equal(z["y"], land.y)
        np.testing.assert_allclose(z["d1"], land.model.flatten(land.directions[0]), rtol=1e-12)
        np.testing.assert_allclose(z["path_adam"], land.project(trajs[1]).params, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(z["path_adam_loss"], trajs[1].loss, rtol=1e-12)
        settings = json.loads(str(z["settings"]))
    assert settings["kind"] == "pca" and settings["series"] == ["gd", "adam"]
    assert settings["explained"] == pytest.approx(list(land.explained))
    assert f"final loss {trajs[1].loss[-1]:.4g} after 40 steps" in " ".join(out.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.npz", "l.png"]


@pytest.mark.parametrize("kind,name,extra", [
    ("surface", "s.png", ["--directions", "random", "--lr", "0.02", "--lang", "zh"]),
    ("both", "b.svg", ["--directions", "endpoints", "--optimizer", "gd,adam", "--lr", "0.5,0.02"]),
    ("interpolation", "i.pdf", ["--lr", "0.02"]),
])
def test_each_kind_writes_its_figure(kind, name, extra, tmp_path, capsys):
    out = tmp_path / name
    code, _, err = gdviz("landscape", "--kind", kind, "--steps", "30", "--grid", "7", *extra, "-o", out, capsys=capsys)
    assert code == 0, err
    head = out.read_bytes()[:8]
    assert head.startswith({".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[out.suffix])
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_gif_reads_back(tmp_path, capsys):
    from PIL import Image

    gif = tmp_path / "p.gif"
    code, _, err = gdviz("landscape", "--kind", "gif", "--optimizer", "gd,adam", "--lr", "0.5,0.02", "--steps", "30",
                         "--grid", "7", "-o", gif, capsys=capsys)
    assert code == 0, err
    with Image.open(gif) as im:
        assert im.n_frames > 10 and im.info["loop"] == 0


def test_the_grid_shows_progress_like_gdviz_map(tmp_path, capsys, progress_seen):
    """A 501 x 501 grid of the default MLP takes about two minutes: the command shows a bar (after a
    second, as `gdviz map` does) counting the grid's points, and closes it."""
    seen = progress_seen
    code, out, err = gdviz("landscape", "--steps", "5", "--grid", "7,5", "-o", tmp_path / "l.npz", capsys=capsys)
    assert code == 0, err
    assert seen[0] == ("landscape", 35) and seen[-2:] == [35, "closed"]


def test_the_grid_on_a_dask_scheduler_is_the_serial_grid(tmp_path, capsys):
    """--scheduler as gdviz map's: the tiles run on Dask, the numbers are the same bits."""
    distributed = pytest.importorskip("distributed")
    f, g = tmp_path / "dask.npz", tmp_path / "serial.npz"
    args = ["landscape", "--steps", "5", "--grid", "9", "--directions", "random"]
    with distributed.LocalCluster(processes=False, n_workers=1, dashboard_address=None) as cluster:
        code, _, err = gdviz(*args, "--scheduler", cluster.scheduler_address, "-o", f, capsys=capsys)
    assert code == 0, err
    assert gdviz(*args, "-o", g, capsys=capsys)[0] == 0
    with np.load(f) as a, np.load(g) as b:
        np.testing.assert_array_equal(a["loss"], b["loss"])


def test_span_of_an_interpolation_is_the_range_of_alpha(tmp_path, capsys):
    """--kind interpolation --span=0,1 draws α from 0 to 1 (it was ignored, α always -0.5..1.5, and 0,1
    refused as a plane's span); a plane's four numbers are refused for the line."""
    npz = tmp_path / "i.npz"
    code, _, err = gdviz("landscape", "--steps", "5", "--grid", "11", "--kind", "interpolation", "--span=0,1",
                         "-o", npz, capsys=capsys)
    assert code == 0, err
    with np.load(npz) as z:
        assert (z["x"].min(), z["x"].max(), z["x"].size) == (0.0, 1.0, 11)
    code, _, err = gdviz("landscape", "--kind", "interpolation", "--span=0,1,0,1", "-o", tmp_path / "j.npz",
                         capsys=capsys)
    assert code == 2 and err.strip().endswith("span must be a number > 0 (+-span on each axis) or (xmin, xmax) "
                                              "with each min < max, all finite; got (0.0, 1.0, 0.0, 1.0)")
    assert [p.name for p in tmp_path.iterdir()] == ["i.npz"]


def test_summary_says_how_far_the_paths_lie_off_the_plane(tmp_path, capsys):
    """On a random plane a path is almost all off the plane (its drawing is a shadow): the summary gives
    each path's largest off-plane share |r - (a d1 + b d2)| / |r|, from Landscape.project."""
    import gdviz as gd

    data = gd.dataset("moons", seed=0)
    net = gd.mlp([2, 16, 16, 1], activation="tanh", seed=0)
    trajs = [gd.train(net, None, data, gd.optimizer(k, lr=0.02), 30, seed=0) for k in ("gd", "adam")]
    land = gd.landscape(net, None, data, directions="random", grid=5, path=trajs, center=trajs[0].params[-1])
    shares = [f"{100 * float(np.max(land.project(t).meta['off_plane'])):.0f}%" for t in trajs]
    code, out, err = gdviz("landscape", "--optimizer", "gd,adam", "--lr", "0.02", "--steps", "30", "--grid", "5",
                           "--directions", "random", "-o", tmp_path / "l.npz", capsys=capsys)
    assert code == 0, err
    assert f"off the plane up to gd {shares[0]}, adam {shares[1]} of the distance from the center" \
        in " ".join(out.split()), out
