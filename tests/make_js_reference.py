"""Regenerate tests/data/js_reference.json: what the explorer's JavaScript engine must reproduce.

    .venv/bin/python tests/make_js_reference.py

For every row of OPTIMIZER_CASES (every optimizer of the registry, every option of its update
rule) it runs gd.run on one of the page's surfaces and stores the surface as the page prints it
to JavaScript, the settings, and Python's record: params, loss, grads and optimizer state after
every update. It also stores numpy's seeded mini-batch draws, numpy's pairwise sums, and
Python's learning-rate regimes. tests/js/engine.test.mjs (run by `node --test`, which
tests/test_explorer.py runs) replays them: the page's rules step for step, its loop, its sampling.
tests/test_explorer.py also checks that this file is what this script makes today, so a change
to an update rule in Python cannot leave the JavaScript checked against stale numbers.
"""
import json
import sys
import warnings
from pathlib import Path

import numpy as np

import gdviz as gd
from gdviz.web.surfaces import engine_record, resolve, suggest
from gdviz.web.tables import hyperparameters, mirrored

OUT = Path(__file__).parent / "data" / "js_reference.json"
STEPS = 60

# (optimizer, hyperparameters, surface): every option of every rule; lr, unless given, is the
# rate the page suggests for that optimizer on that surface. One table feeds this file and the
# in-browser checks in tests/test_explorer.py.
OPTIMIZER_CASES = [
    ("gd", {}, "elongated"),
    ("gd", {"momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, "rosenbrock"),
    ("gd", {"momentum": 0.5, "nesterov": True}, "egg-crate"),
    ("sgd", {}, "linear-regression-standardized"),
    ("sgd", {"batch_size": 8, "momentum": 0.5}, "linear-regression"),
    ("momentum", {}, "rosenbrock"),
    ("momentum", {"momentum": 0.7, "dampening": 0.2, "weight_decay": 0.05}, "elongated"),
    ("nesterov", {}, "egg-crate"),
    ("nesterov", {"momentum": 0.6, "weight_decay": 0.02}, "x**2 + 10*y**2"),
    ("adagrad", {}, "rosenbrock"),
    ("adagrad", {"lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}, "parabola"),
    ("adadelta", {}, "elongated"),
    ("adadelta", {"rho": 0.95, "eps": 1e-4, "weight_decay": 0.01}, "himmelblau"),
    ("rmsprop", {}, "egg-crate"),
    ("rmsprop", {"alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01}, "rosenbrock"),
    ("adam", {}, "linear-regression-standardized"),
    ("adam", {"beta1": 0.8, "beta2": 0.99, "amsgrad": True, "weight_decay": 0.01}, "beale"),
    ("adam", {"eps": 1e-3}, "sin(x)*cos(y) + 0.1*(x^2 + y^2)"),
    ("adam", {"weight_decay": 0.05, "decoupled_weight_decay": True}, "elongated"),
    ("gd", {"lr": 1.0, "line_search": True}, "rosenbrock"),
    ("gd", {"lr": 2.0, "line_search": True}, "parabola"),
    # divergence: past the distance bound, past the loss bound, and to a non-finite loss
    ("gd", {"lr": 4.0}, "parabola"),
    ("gd", {"lr": 0.0025}, "rosenbrock"),
    ("gd", {"lr": 3.0}, "exp(x^2) + y^2"),
    # the optimizers of the next issue: checked as soon as their factories exist, shown once registered
    ("adamw", {"lr": 0.1}, "rosenbrock"),
    ("adamw", {"lr": 0.2, "weight_decay": 0.1, "amsgrad": True}, "elongated"),
    ("nadam", {"lr": 0.1}, "elongated"),
    ("nadam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.01}, "rosenbrock"),
    ("nadam", {"lr": 0.1, "decoupled_weight_decay": True, "weight_decay": 0.05}, "egg-crate"),
    ("radam", {"lr": 0.1}, "rosenbrock"),
    ("radam", {"lr": 0.2, "weight_decay": 0.01, "decoupled_weight_decay": True}, "elongated"),
    ("adamax", {"lr": 0.1}, "elongated"),
    ("adamax", {"lr": 0.05, "beta1": 0.8, "weight_decay": 0.01}, "rosenbrock"),
    ("rprop", {"lr": 0.01}, "rosenbrock"),
    ("rprop", {"lr": 0.1, "etaminus": 0.3, "etaplus": 1.5, "step_min": 1e-4, "step_max": 1.0}, "egg-crate"),
    ("lion", {"lr": 0.01}, "elongated"),
    ("lion", {"lr": 0.005, "weight_decay": 0.1, "beta1": 0.8}, "rosenbrock"),
    ("newton", {"lr": 1.0}, "rosenbrock"),
    ("newton", {"lr": 0.5, "damping": 1.0}, "himmelblau"),
    ("newton", {"lr": 1.0}, "saddle"),
    ("newton", {"lr": 1.0}, "parabola"),
]


def factory(name):
    """The optimizer ``name`` of the registry, or its factory before it is registered (None: neither)."""
    from gdviz.optim import optimizers

    return gd.OPTIMIZERS.get(name) or getattr(optimizers, name, None)


def _page(key):
    k, s = resolve(key)
    return k, s, engine_record(k, s)


def case(name, hyper, key, steps=STEPS, seed=0):
    k, s, rec = _page(key)
    hyper = dict(hyper)
    lr = hyper.pop("lr", None) or suggest(s)[name]
    with warnings.catch_warnings():   # Newton on a saddle warns that its Hessian is not positive definite
        warnings.simplefilter("ignore")
        traj = gd.run(factory(name)(lr=lr, **hyper), s, steps=steps, seed=seed)
    return {
        "optimizer": name, "hyper": hyper, "lr": lr, "surface": k, "start": s.start.tolist(), "steps": steps,
        "seed": seed, "status": traj.status, "reason": traj.reason, "stop": int(traj.stop),
        "params": traj.params.tolist(),
        "loss": traj.loss.tolist(), "grads": traj.grads.tolist(),
        "state": {n: a.tolist() for n, a in traj.state.items()},
    }


def draws():
    """numpy's default_rng(seed).choice(n, size, replace=False), several calls per stream."""
    out = []
    for seed in (0, 1, 7, 12345, 2**31 - 1, 2**40 + 3):
        for n, size in ((100, 1), (100, 8), (100, 100), (40, 39), (7, 3)):
            rng = np.random.default_rng(seed)
            out.append({"seed": seed, "n": n, "size": size,
                        "draws": [rng.choice(n, size=size, replace=False).tolist() for _ in range(4)]})
    return out


def sums():
    rng = np.random.default_rng(3)
    out = []
    for n in (1, 3, 7, 8, 9, 15, 16, 100, 127, 128, 129, 300, 1000):
        a = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 8, n)
        out.append({"a": a.tolist(), "sum": float(np.add.reduce(a[None, :], axis=-1)[0])})
    return out


def regimes():
    out = []
    for key, start in (("parabola", None), ("elongated", None), ("elongated", [1.0, -2.0]), ("rosenbrock", None),
                       ("rosenbrock", [1.0, 1.0]), ("egg-crate", [1.5, 1.5]), ("saddle", [0.0, 0.0]),
                       ("himmelblau", None), ("linear-regression", None)):
        k, s, _ = _page(key)
        r = gd.regimes(s, start)
        out.append({"surface": k, "start": (s.start if start is None else np.asarray(start)).tolist(), "L": r.L,
                    "mu": r.mu, "goldilocks": r.goldilocks, "diverge": r.diverge, "band": list(r.band()),
                    "classify": {str(lr): r.classify(lr) for lr in (1e-4, 0.01, 0.05, 0.09, 0.1, 0.5, 1.0, 1.6, 3.2)}})
    return out


def arithmetic():
    """gdviz.arith's results on awkward inputs: what the page's mirror must give to the bit."""
    from gdviz import arith

    rng = np.random.default_rng(11)
    H = rng.standard_normal((60, 2, 2)) * 10.0 ** rng.integers(-8, 8, (60, 1, 1))
    H = H + np.swapaxes(H, 1, 2)
    H[:6] = [[[2, 1], [1, 2]], [[1, 0], [0, 1]], [[0, 0], [0, 0]], [[1, 2], [2, 4]], [[0, 3], [3, 0]],
             [[-4, 0], [0, 1e-9]]]
    b = rng.standard_normal((60, 2))
    xs = [-800.0, -745.0, -30.5, -1.0, -0.04, -1e-12, 0.0, 1e-9, 0.3, 0.5, 1.0, 2.0, 10.0, 88.7, 700.0, 709.0, 710.0]
    return {
        "powi": [[x, n, arith.powi(x, n)] for x in (0.9, 0.999, 0.99, 0.8, 1.0000001, 2.0, 0.5, -1.5) for n in
                 (0, 1, 2, 3, 7, 13, 64, 100, 1000, 4097) if np.isfinite(arith.powi(x, n))],
        "exp": [[x, arith.exp(x)] for x in xs + (rng.uniform(-50, 50, 40)).tolist() if np.isfinite(arith.exp(x))],
        "eigh": [[h.tolist(), arith.eigh(h).tolist()] for h in H] + [[[[3.5]], arith.eigh(np.array([[3.5]])).tolist()]],
        "solve": [[h.tolist(), v.tolist(), arith.solve(h, v).tolist()] for h, v in zip(H, b)],
    }


def make() -> dict:
    cases = [case(*row) for row in OPTIMIZER_CASES if factory(row[0])]
    surfaces = {}
    regs = regimes()
    for key in [c["surface"] for c in cases] + [r["surface"] for r in regs]:
        if key not in surfaces:
            surfaces[key] = _page(key)[2]
    keep = ("name", "default", "type", "min", "max")
    names = dict.fromkeys(mirrored() + [c["optimizer"] for c in cases])
    tables = {n: {"hyper": [{k: h[k] for k in keep if k in h} for h in hyperparameters(n)]} for n in names}
    return {"optimizers": list(gd.OPTIMIZERS), "tables": tables, "surfaces": surfaces, "cases": cases,
            "draws": draws(),
            "sums": sums(), "regimes": regs, "arith": arithmetic()}


def main():
    data = make()
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} kB, {len(data['cases'])} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
