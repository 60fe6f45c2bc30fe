"""The gdviz command: verbs, output, and one-line errors with exit code 2."""
import subprocess
import sys

import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main


def gdviz(*args, capsys):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys):
    code, out, _ = gdviz("list", capsys=capsys)
    assert code == 0
    for name in ("rosenbrock", "egg-crate", "linear-regression", "adam", "adadelta", "cosine", "inverse-sqrt"):
        assert name in out


def test_run_prints_summary_and_saves(tmp_path, capsys):
    f = tmp_path / "r.npz"
    code, out, err = gdviz("run", "--surface", "rosenbrock", "--optimizer", "adam", "--lr", "0.05",
                           "--steps", "3000", "--start=-1.5,2.0", "--save", str(f), capsys=capsys)
    assert code == 0, err
    assert "converged" in out and "final loss" in out and "(1, 1)" in out
    traj = gd.load(f)
    assert traj.optimizer == "adam" and traj.hyperparams["lr"] == 0.05
    np.testing.assert_allclose(traj.params[-1], [1, 1], atol=1e-4)


def test_run_expression_and_params(capsys):
    code, out, _ = gdviz("run", "-s", "x**2 + 10*y**2", "-o", "momentum", "--lr", "0.01", "-H", "momentum=0.8",
                         "--start=2,1", capsys=capsys)
    assert code == 0 and "converged" in out
    code, out, _ = gdviz("run", "-s", "elongated", "-P", "condition=50", "--lr", "0.01", capsys=capsys)
    assert code == 0


def test_run_with_schedule(capsys):
    code, out, err = gdviz("run", "-s", "bowl", "--lr", "0.4", "--schedule", "inverse-sqrt", capsys=capsys)
    assert code == 0, err and "converged" in out


def test_sweep_prints_regime_table(capsys):
    code, out, _ = gdviz("sweep", "--surface", "parabola", "--optimizer", "gd", capsys=capsys)
    assert code == 0
    assert "1/L = 1.6" in out and "2/L = 3.2" in out
    for word in ("too small", "goldilocks", "too large", "diverges", "diverged"):
        assert word in out


def test_sweep_with_given_rates(capsys):
    code, out, _ = gdviz("sweep", "-s", "parabola", "--lrs", "0.1,0.7,4", capsys=capsys)
    assert code == 0 and out.count("converged") == 2 and "diverged" in out


def test_demo(capsys):
    code, out, _ = gdviz("demo", capsys=capsys)
    assert code == 0
    assert "learning-rate exercise" in out and "Rosenbrock" in out
    for name in ("gd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"):
        assert name in out


@pytest.mark.parametrize("args,message", [
    (["run", "--surface", "rosenbrok"], "unknown surface 'rosenbrok' (did you mean 'rosenbrock'?)"),
    (["run", "--optimizer", "adamm"], "unknown optimizer 'adamm' (did you mean 'adam'?)"),
    (["run", "--start=1,2,3"], "start must have 2 coordinate(s)"),
    (["run", "--start=1,,2"], "--start must be numbers separated by commas, got '1,,2'"),
    (["run", "--lr", "-0.5"], "lr must be a finite number > 0, got -0.5"),
    (["run", "--lr", "nan"], "lr must be a finite number > 0, got nan"),
    (["run", "--lr", "fast"], "--lr must be a number, got 'fast'"),
    (["run", "--steps", "0"], "steps must be a whole number >= 1, got 0"),
    (["run", "--steps", "ten"], "--steps must be a whole number, got 'ten'"),
    (["run", "--surface", "__import__('os').system('x')"], "attribute access"),
    (["run", "--surface", "x**2 +"], "not valid arithmetic"),
    (["run", "-H", "momentum"], "--hp takes KEY=VALUE, got 'momentum'"),
    (["run", "-H", "colour=red"], "unknown hyperparameter for gd 'colour'"),
    (["run", "-P", "size=3"], "unknown parameter 'size' for rosenbrock"),
    (["run", "--schedule", "cosin"], "unknown schedule 'cosin'"),
    (["run", "--save", "/nonexistent/dir/x.npz", "--steps", "2"], "folder '/nonexistent/dir' does not exist"),
    (["run", "--bogus"], "No such option '--bogus'"),
    (["sweep", "--lrs", "0.1,x"], "--lrs must be numbers separated by commas, got '0.1,x'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_bad_input_one_line_exit_2(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = gdviz(*args, capsys=capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdviz: error: ")
    assert message in lines[0]
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_console_script_exit_code():
    r = subprocess.run([sys.executable, "-m", "gdviz", "run", "--surface", "nope"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_debug_shows_traceback():
    r = subprocess.run([sys.executable, "-m", "gdviz", "--debug", "run", "--surface", "nope"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_import_is_light():
    code = ("import sys, gdviz; heavy = [m for m in ('matplotlib', 'manim', 'sympy', 'torch') "
            "if m in sys.modules]; print(heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"
