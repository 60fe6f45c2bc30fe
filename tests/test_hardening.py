"""Hardening: a table of bad inputs across every verb, property tests that no traceback escapes,
interrupted renders that leave nothing half-written, and bounded memory for huge requests."""
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import gdviz as gd
from gdviz.cli import main

GDVIZ = [sys.executable, "-m", "gdviz"]

# (argv, exit code, a piece of the one-line message)
BAD = [
    (["lst"], 2, "No such command 'lst'"),
    (["list", "--bogus"], 2, "No such option '--bogus'"),
    (["run", "--surface", "rosenbrok"], 2, "did you mean 'rosenbrock'"),
    (["run", "--surface", "x + __import__('os').getcwd()"], 2, "attribute access (.getcwd)"),
    (["run", "--surface", "x + __import__('os')"], 2, "function '__import__'"),
    (["run", "--surface", "x.real"], 2, "attribute access"),
    (["run", "--surface", "x" + "+x" * 200], 2, "too long"),
    (["run", "--surface", "(x"], 2, "not valid arithmetic"),
    (["run", "--optimizer", "adan"], 2, "did you mean 'adam'"),
    (["run", "--start=1,2,3"], 2, "start must have 2 coordinate(s)"),
    (["run", "--start=1,nan"], 2, "start must be finite"),
    (["run", "--start=1,,2"], 2, "--start must be numbers separated by commas"),
    (["run", "--lr", "0"], 2, "lr must be a finite number > 0, got 0"),
    (["run", "--lr", "inf"], 2, "lr must be a finite number > 0, got inf"),
    (["run", "--lr", "-1e-3"], 2, "lr must be a finite number > 0"),
    (["run", "--steps", "0"], 2, "steps must be a whole number >= 1"),
    (["run", "--steps", "1.5"], 2, "--steps must be a whole number, got '1.5'"),
    (["run", "--tol", "-1"], 2, "tol must be a finite number >= 0"),
    (["run", "--seed", "x"], 2, "--seed must be a whole number"),
    (["run", "-H", "betas=2"], 2, "unknown hyperparameter for gd 'betas'"),
    (["run", "-o", "momentum", "-H", "momentum=2"], 2, "momentum must be in [0, 1], got 2"),
    (["run", "--save", "out.txt"], 2, "trajectory files end in .npz"),
    (["run", "--save", "nowhere/out.npz"], 2, "folder 'nowhere' does not exist"),
    (["run", "--steps", "100000000"], 2, "record_every"),
    (["run", "--optimizer", "adam", "-H", "betas=0.9"], 2, "betas must be a pair (beta1, beta2), got 0.9"),
    (["run", "--optimizer", "sgd", "-H", "momentum=0.9", "-H", "nesterov=maybe"], 2,
     "nesterov must be true or false, got 'maybe'"),
    (["run", "--schedule", "cosine", "-H", "t_max=0.5"], 2, "t_max must be a whole number of steps >= 1"),
    (["run", "--surface", "linear-regression", "-P", "x=a,b", "-P", "y=1,2"], 2, "x and y must be arrays of numbers"),
    (["plot", "race", "--surface", "parabola", "-o", "x.png"], 2, "figure 'race' needs a 2-D surface"),
    (["plot", "restarts", "--surface", "x+y", "-o", "x.png"], 2, "has no positive curvature in its window"),
    (["plot", "feature-scaling", "-P", "loss=mae", "-o", "x.png"], 2, "draws its own surfaces"),
    (["sweep", "--lrs", "0.1,x"], 2, "--lrs must be numbers separated by commas"),
    (["sweep", "--lrs", "0.1,-2"], 2, "lr must be a finite number > 0, got -2"),
    (["sweep", "--surface", "egg"], 2, None),  # an alias: accepted (exit 0) - see below
    (["plot", "racee", "-o", "x.png"], 2, "unknown figure kind 'racee' (did you mean 'race'?)"),
    (["plot", "race", "-o", "x.bmp"], 2, "choose one of: .png, .svg, .pdf"),
    (["plot", "race", "-o", "x"], 2, "has no extension"),
    (["plot", "race", "--size", "10x10", "-o", "x.png"], 2, "size 10x10 is out of range"),
    (["plot", "race", "--lr", "1,2,,", "-o", "x.png"], 2, "--lr must be numbers separated by commas"),
    (["gif", "--frames", "100000", "-o", "x.gif"], 2, "frames must be a whole number from 1 to 5000"),
    (["gif", "--fps", "nan", "-o", "x.gif"], 2, "fps must be a finite number > 0, got nan"),
    (["gif", "--size", "4000x4000", "-o", "x.gif"], 2, "out of range"),
    (["gif", "--frames", "3000", "--size", "1920x1080", "-o", "x.gif"], 2, "too large to encode"),
    (["gif", "--hold", "-1", "-o", "x.gif"], 2, "hold must be a finite number >= 0"),
    (["gif", "--lr", "0.1,0.2,0.3", "--optimizer", "gd,adam", "-o", "x.gif"], 2, "give one --lr, or one per optimizer"),
    (["gif", "-o", "folder/"], 2, "has no extension"),
    (["video", "nope"], 2, "unknown scene 'nope'"),
    (["video", "learning-rates", "--quality", "8k"], 2, "unknown quality '8k'"),
    (["video", "learning-rates", "-o", "x.mov"], 2, "unknown video format 'mov'"),
    (["build", "missing.toml"], 2, "spec file 'missing.toml' does not exist"),
    (["build", "--out", "/proc/version"], 2, "output '/proc/version' is a file, not a folder"),
    (["build", "--out", "/proc/gdviz-out"], 2, "cannot create output folder '/proc/gdviz-out'"),
    (["build", "--only", "nope"], 2, "unknown entry 'nope'"),
    (["build", "--jobs", "two"], 2, "--jobs must be a whole number"),
]


@pytest.mark.parametrize("args,code,message", [b for b in BAD if b[2] is not None],
                         ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_bad_input_table(args, code, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(args) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("gdviz: error: ") and message in err[0], err[0]
    assert "Traceback" not in err[0]
    assert list(tmp_path.iterdir()) == []


def test_table_is_large():
    assert len([b for b in BAD if b[2] is not None]) >= 30


# -- property tests ------------------------------------------------------------------------------
TOKENS = st.sampled_from([
    "run", "sweep", "plot", "gif", "list", "--surface", "--optimizer", "--lr", "--steps", "--start",
    "--frames", "--fps", "--size", "-o", "-H", "-P", "--lang", "--tol", "--seed", "rosenbrock", "bowl",
    "x**2+y", "__import__('os')", "adam", "gd", "0", "-1", "1e9", "nan", "0.1,,2", "2", "3", "abc",
    "640x480", "0x0", "out.png", "out.gif", "out.xyz", "zh", "fr", "race", "momentum=0.5", "b=3",
    "--start=1,2", "--start=1", "lr-curves", "--list", "=",
])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(TOKENS, min_size=1, max_size=7))
def test_cli_never_lets_a_traceback_escape(tmp_path_factory, argv):
    folder = tmp_path_factory.mktemp("cli")
    old = os.getcwd()
    os.chdir(folder)
    try:
        r = subprocess.run(GDVIZ + ["run" if argv[0] not in ("run", "sweep", "plot", "gif", "list") else argv[0],
                                    *argv[1:], "--steps", "20"] if argv[0] in ("run", "sweep") else GDVIZ + argv,
                           capture_output=True, text=True, timeout=120)
    finally:
        os.chdir(old)
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 1, 2)
    if r.returncode != 0:
        assert len(r.stderr.strip().splitlines()) == 1
        assert list(folder.iterdir()) == []


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("[]=\"' \nabcdefgknmrtuyz0123.,#-_")) , max_size=120))
def test_spec_loader_only_raises_clear_errors(text):
    from gdviz.gallery import load

    try:
        load(text=text)
    except ValueError as e:
        assert str(e).startswith("<spec>:") and "\n" not in str(e)


def _toml(entry: dict) -> str:
    def v(x):
        if isinstance(x, bool):
            return "true" if x else "false"
        if isinstance(x, str):
            return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(x, list):
            return "[" + ", ".join(v(i) for i in x) + "]"
        return str(x)

    return "[[entry]]\n" + "".join(f"{k} = {v(x)}\n" for k, x in entry.items())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.sampled_from(["name", "kind", "figure", "lesson", "scene", "format", "lang", "size",
                                        "frames", "fps", "steps", "rates", "optimizers", "surface", "colour"]),
                       st.one_of(st.integers(-3, 5), st.text(alphabet="abcxyz-09", max_size=6),
                                 st.lists(st.integers(-1, 3), max_size=3),
                                 st.sampled_from(["figure", "gif", "video", "race", "all", "png", "640x480"])),
                       min_size=1, max_size=6))
def test_generated_spec_entries_only_raise_clear_errors(entry):
    from gdviz.gallery import load

    try:
        load(text=_toml(entry))
    except ValueError as e:
        assert re.match(r"^<spec>:\d+: ", str(e)) and "\n" not in str(e), str(e)


# -- limits ------------------------------------------------------------------------------------
def test_ten_million_steps_are_refused_up_front_with_the_fix():
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"10,000,000 steps x 1 path\(s\) would record .* keep every k-th step "
                                         r"with record_every=\d+"):
        gd.run(gd.optimizer("gd", lr=0.1), "parabola", steps=10_000_000, tol=0)
    assert time.perf_counter() - t0 < 5  # refused before any work; generous bound for slow CI


def test_long_run_with_a_stride_stays_within_its_memory_bound():
    tracemalloc.start()
    traj = gd.run(gd.optimizer("gd", lr=1e-6), "parabola", steps=300_000, tol=0, record_every=300)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert traj.n_steps == 300_000 and traj.status == "max_steps"
    assert len(traj.params) == 1001 and traj.step_index[-1] == 300_000
    assert peak < 4 * 2**20  # a full record would be 3e5 x 4 x 8 B = 9.6 MB
    # the recorded points are the exact steps: w_t = w0 (1 - lr k)^t
    np.testing.assert_allclose(traj.params[10, 0], -2.9 * (1 - 1e-6 * 0.625) ** 3_000, rtol=1e-9)


def test_huge_sweep_is_refused_then_runs_bounded_with_a_stride():
    lrs = np.geomspace(1e-3, 3.0, 100_000)
    with pytest.raises(ValueError, match="100,000 path"):
        gd.sweep("parabola", "gd", lrs, steps=100)
    tracemalloc.start()
    sw = gd.sweep("parabola", "gd", lrs, steps=100, record_every=25)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(sw.steps) == 100_000 and peak < 256 * 2**20
    assert (sw.status[lrs > 3.2] == "diverged").all() and (sw.status[(lrs > 0.2) & (lrs < 3.0)] == "converged").all()


def test_stride_keeps_exact_points_and_the_end():
    full = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=333, tol=0)
    every = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=333, tol=0, record_every=7)
    np.testing.assert_array_equal(every.params[:-1], full.params[:-1:7][: len(every.params) - 1])
    np.testing.assert_array_equal(every.params[-1], full.params[-1])
    assert every.step_index[-1] == 333 and every.n_steps == 333
    np.testing.assert_allclose(every.at(100.5), full.at(100.5), atol=0.05)
    batch = gd.run(gd.optimizer("gd", lr=[0.1, 1.6, 4.0]), "parabola", steps=200, record_every=5)
    one = batch[1]
    assert one.n_steps == 1 and one.step_index.tolist() == [0, 1]
    np.testing.assert_array_equal(one.params[-1], gd.run(gd.optimizer("gd", lr=1.6), "parabola").params[-1])


def test_stride_renders():
    traj = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=600, record_every=10)
    a = gd.animate(traj, frames=12, size=(320, 240))
    a._update(6)
    trail = a.artists[0]["trail"].get_xydata()
    assert len(trail) == traj.rows_until(a.times[6]) + 1


def test_grid_resolution_is_checked():
    from matplotlib.figure import Figure

    from gdviz.render.axes import draw_contours

    with pytest.raises(ValueError, match="grid resolution must be a whole number from 10 to 2000"):
        draw_contours(Figure().add_subplot(), gd.surface("bowl"), n=100_000)


# -- interruptions -------------------------------------------------------------------------------
def _interrupt(cmd, cwd, delay, sig, started, group=False):
    """Run ``cmd``, wait until ``started()`` says its work began (gdviz has imported and installed its
    signal handlers by then, however loaded the machine), then ``delay`` seconds, then send ``sig``."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not started() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(delay)
    if proc.poll() is None:
        (os.killpg if group else os.kill)(proc.pid, sig)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


def _leftovers(folder: Path):
    return [p.name for p in folder.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_interrupted_gif_keeps_the_previous_file(tmp_path, seed):
    rng = np.random.default_rng(seed)
    target = tmp_path / "race.gif"
    target.write_bytes(b"GIF89a previous")
    cmd = GDVIZ + ["gif", "--optimizer", "gd,momentum,adam", "--steps", "800", "--frames", "400",
                   "--size", "800x600", "-o", str(target)]
    sig = [signal.SIGTERM, signal.SIGINT][seed % 2]
    code, err = _interrupt(cmd, tmp_path, float(rng.uniform(0.2, 1.0)), sig, lambda: _leftovers(tmp_path),
                           group=sig == signal.SIGINT)
    assert "Traceback" not in err
    if code == 0:  # finished first: a whole GIF
        assert Image.open(target).n_frames == 400
    else:
        assert code in (130, 143) and target.read_bytes() == b"GIF89a previous"
    assert _leftovers(tmp_path) == []


def test_interrupted_video_leaves_no_media_folder(tmp_path):
    pytest.importorskip("manim")
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"previous")
    rng = np.random.default_rng(7)
    code, err = _interrupt(GDVIZ + ["video", "learning-rates", "--time-scale", "0.5", "-o", str(target)],
                           tmp_path, float(rng.uniform(1, 4)), signal.SIGTERM, lambda: _leftovers(tmp_path))
    assert "Traceback" not in err
    assert code in (0, 143)
    if code == 143:
        assert target.read_bytes() == b"previous"
    beside = ["clip.timeline.json"] if code == 0 else []    # a finished video has its timeline beside it
    assert _leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", *beside]


SPEC = "".join(f"""
[[entry]]
name = "fig{i}"
kind = "figure"
figure = "{kind}"
lang = "en"
""" for i, kind in enumerate(["lr-curves", "race", "restarts", "batch-sizes", "adaptive", "saddle", "lr-sweep",
                              "loss-functions"]))


@pytest.mark.parametrize("seed,sig", [(3, signal.SIGTERM), (4, signal.SIGINT)])
def test_interrupted_build_resumes_and_its_manifest_stays_whole(tmp_path, seed, sig):
    import json

    spec = tmp_path / "g.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    rng = np.random.default_rng(seed)
    code, err = _interrupt(GDVIZ + ["build", str(spec), "--out", str(out), "--jobs", "2"], tmp_path,
                           float(rng.uniform(1.0, 3.0)), sig, out.exists, group=sig == signal.SIGINT)
    assert "Traceback" not in err and code in (0, 130, 143)
    done = {}
    if (out / ".gdviz-cache.json").exists():
        done = json.loads((out / ".gdviz-cache.json").read_text())["files"]  # valid JSON, never torn
    for name in done:
        assert Image.open(out / name).size[0] > 0
    assert [p for p in _leftovers(out) if p != ".gdviz-cache.json"] == []
    again = subprocess.run(GDVIZ + ["build", str(spec), "--out", str(out), "--jobs", "2"], capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0
    assert f"{8 - len(done)} rendered, {len(done)} cached" in again.stdout
