"""Honest stop reasons: a run that converges at a saddle point, a maximum, on a plateau or in a
local minimum says so, in Python, in the files it is saved to, in figures and in the page."""
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import gdviz as gd
from gdviz.render.series import status_text

HERE = Path(__file__).parent
NODE = shutil.which("node") or shutil.which("nodejs")

# (optimizer, lr, surface, start, steps): status and reason
CASES = [
    (("gd", 0.1, "saddle", [0.0, 1.0], 500), ("converged", "saddle point")),           # started on the ridge
    (("newton", 1.0, "saddle", [0.2, 0.5], 50), ("converged", "saddle point")),        # Newton heads for it
    (("gd", 0.1, "saddle", None, 500), ("converged", "minimum")),                       # 0.01 off the ridge
    (("newton", 1.0, "-(x^2 + y^2) / 2", [1.0, 2.0], 20), ("converged", "maximum")),
    (("gd", 0.02, "egg-crate", [3.0, 0.3], 5000), ("converged", "local minimum")),
    (("gd", 0.02, "egg-crate", [0.5, 0.5], 5000), ("converged", "minimum")),
    (("gd", 0.1, "parabola", None, 500), ("converged", "minimum")),                     # the course's tol 0.01
    (("gd", 0.1, "x^2 + 0*y", None, 500), ("converged", "minimum")),                    # a valley's flat floor
    (("gd", 0.5, "sqrt(x^2 + y^2)", [1.0, 0.0], 50), ("converged", "minimum")),         # a kink minimum
    (("gd", 0.01, "(x^2 + y^2 - 4)^2 / 100 + 1e-7 * x^4", [0.0, 1e-30], 5000), ("converged", "maximum")),
    (("gd", 1.0, "x^3", [0.3], 2000), ("converged", "saddle point")),                  # a 1-D inflection, f'' > 0
    (("gd", 0.05, "(x^2 - 1)^2 + 0.3*x", [1.5], 2000), ("converged", "local minimum")),
    (("gd", 4.0, "parabola", None, 500), ("diverged", "too far")),
    (("gd", 3.0, "exp(x^2) + y^2", [1.0, 1.0], 50), ("diverged", "loss too large")),
    (("gd", 3.0, "sqrt(x) + y^2", [1.0, 1.0], 50), ("diverged", "not finite")),
    (("gd", 1 / 3, "sqrt(x^2 + y^2) + 2*x", [1.0, 0.0], 50), ("diverged", "kink")),
    (("adam", 0.05, "rosenbrock", None, 600), ("max_steps", "")),
]


def run(name, lr, surface, start, steps):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gd.run(gd.optimizer(name, lr=lr), surface, start, steps)


@pytest.mark.parametrize("case, want", CASES, ids=[f"{c[0]}-{c[2]}-{w[1] or w[0]}" for c, w in CASES])
def test_a_run_says_why_it_stopped(case, want):
    t = run(*case)
    assert (t.status, t.reason) == want


def test_a_plateau_is_not_a_minimum():
    """Flat ground above the lowest minimum (the gradient below tol, the Hessian ~0 there) is a
    plateau; flat ground at the lowest minimum's level is a valley's floor: a minimum."""
    from gdviz import stops

    s = gd.surface("x^2 + 0.00001*tanh(100*(y - 2))**2 + 0*y")
    at = stops.at_convergence(s, np.array([[0.0, 3.9], [0.0, 2.0]]), s.value(np.array([[0.0, 3.9], [0.0, 2.0]])),
                              np.array([1e-4, 1e-4]))   # the gap left, 1e-5, is a tenth of the drop
    assert list(at) == ["plateau", "minimum"]


def test_the_saddle_figure_and_the_claims_say_saddle_point():
    t = run("gd", 0.1, "saddle", [0.0, 1.0], 500)
    assert status_text(t, "en") == f"stopped at a saddle point after {t.n_steps} steps"
    assert status_text(t, "zh") == f"{t.n_steps} 步后停在鞍点"
    from gdviz.claims import cost, steps_text

    assert steps_text(t) == status_text(t) and cost(t) == float("inf")   # it has not arrived


def test_a_batch_keeps_a_reason_per_member_through_save_and_load(tmp_path):
    b = gd.run(gd.optimizer("gd", lr=0.1), "saddle", start=[[0.0, 1.0], [0.01, 1.0], [1.0, 0.5]], steps=3000)
    assert list(b.reason) == ["saddle point", "minimum", "minimum"] and b[0].reason == "saddle point"
    b.save(tmp_path / "b.npz")
    assert list(gd.load(tmp_path / "b.npz").reason) == list(b.reason)
    one = run("gd", 0.1, "saddle", [0.0, 1.0], 500)
    one.save(tmp_path / "one.npz")
    assert gd.load(tmp_path / "one.npz").reason == "saddle point"


def test_a_file_with_an_unknown_reason_is_refused(tmp_path):
    run("gd", 0.1, "parabola", None, 500).save(tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz") as z:
        arrays = {k: z[k] for k in z.files}
    info = json.loads(str(arrays["info"][()]))
    assert info["reason"] == "minimum"
    arrays["info"] = np.array(json.dumps({**info, "reason": "wormhole"}))
    np.savez_compressed(tmp_path / "bad.npz", **arrays)
    with pytest.raises(gd.UserInputError, match="info's reason must be one of"):
        gd.load(tmp_path / "bad.npz")
    del info["reason"]   # a file written before stop reasons: none, and it loads
    arrays["info"] = np.array(json.dumps(info))
    np.savez_compressed(tmp_path / "old.npz", **arrays)
    assert gd.load(tmp_path / "old.npz").reason == ""


@pytest.mark.skipif(NODE is None, reason="node is not installed (make test installs it)")
def test_the_page_gives_the_same_reasons():
    from test_same_numbers import js_runs

    cases = [{"optimizer": c[0], "hyper": {}, "lr": c[1], "surface": c[2], "steps": c[4],
              "start": (c[3] if c[3] is not None else json.loads(json.dumps(gd.surface(c[2]).start.tolist())))}
             for c, _ in CASES]
    for c, js in zip(cases, js_runs(cases)):
        t = run(c["optimizer"], c["lr"], c["surface"], c["start"], c["steps"])
        assert (js["status"], js["reason"]) == (t.status, t.reason), c
