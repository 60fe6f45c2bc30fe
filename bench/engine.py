"""Benchmark: a 200-rate x 1000-step Adam sweep on Rosenbrock.

Three ways, measured in the same run:
  gdviz      one batched, vectorised run: gd.run(gd.optimizer("adam", lr=rates), ...)
  numpy      the per-rate loop a user would write by hand in numpy
  torch      the per-rate loop with torch.optim.Adam and autograd (when torch is installed)

Each records what gdviz records for a figure: the path and the loss at every step.

Target: gdviz >= 50x faster than the numpy loop and >= 1000x faster than torch.optim.

    .venv/bin/python bench/engine.py [--rates 200] [--steps 1000]
"""
import argparse
import time

import numpy as np

import gdviz as gd

START = (-1.5, 2.0)


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def numpy_loop(rates, steps):
    """What a user writes: per rate, an Adam loop recording the path and the loss (as gdviz does)."""
    finals = []
    for lr in rates:
        p, m, v = np.array(START), np.zeros(2), np.zeros(2)
        path, losses = [p], [rosenbrock(p)]
        for t in range(1, steps + 1):
            g = rosenbrock_grad(p)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            p = p - lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
            path.append(p)
            losses.append(rosenbrock(p))
        finals.append(np.array(path)[-1])
    return np.array(finals)


def torch_loop(rates, steps):
    """The same with torch.optim.Adam and autograd, recording the path and the loss."""
    import torch

    finals = []
    for lr in rates:
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=float(lr))
        path, losses = [p.detach().clone()], []
        for _ in range(steps):
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            opt.step()
            path.append(p.detach().clone())
            losses.append(loss.item())
        finals.append(torch.stack(path)[-1].numpy())
    return np.array(finals)


def gdviz_batched(rates, steps):
    traj = gd.run(gd.optimizer("adam", lr=rates), "rosenbrock", START, steps, tol=0)
    return traj.params[-1]


def timed(fn, *args, repeat=1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", type=int, default=200)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--no-torch", action="store_true", help="skip the torch.optim loop")
    args = ap.parse_args()
    rates = np.geomspace(1e-4, 0.5, args.rates)

    t_gd, p_gd = timed(gdviz_batched, rates, args.steps, repeat=5)
    t_np, p_np = timed(numpy_loop, rates, args.steps)
    rows = [("gdviz (one batched run)", t_gd, p_gd), ("numpy per-rate loop", t_np, p_np)]
    try:
        if args.no_torch:
            raise ImportError
        import torch  # noqa: F401

        t_th, p_th = timed(torch_loop, rates, args.steps)
        rows.append((f"torch.optim.Adam per-rate loop (torch {torch.__version__})", t_th, p_th))
    except ImportError:
        rows.append(("torch.optim (not installed: pip install torch)", float("nan"), None))

    print(f"Adam sweep on Rosenbrock: {args.rates} rates x {args.steps} steps, float64\n")
    print(f"{'way':<58} {'seconds':>9} {'gdviz is':>10} {'max |diff| vs gdviz':>20}")
    for name, t, p in rows:
        speed = "" if p is None or name.startswith("gdviz") else f"{t / t_gd:,.0f}x faster"
        diff = "" if p is None or name.startswith("gdviz") else f"{np.abs(p - p_gd).max():.1e}"
        print(f"{name:<58} {t:>9.3f} {speed:>10} {diff:>20}")
    print("\ntargets: >= 50x vs the numpy loop, >= 1000x vs torch.optim")


if __name__ == "__main__":
    main()
