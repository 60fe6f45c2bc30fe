"""Benchmark: tune 8 optimizers x 200 learning rates x 1000 steps on Rosenbrock.

Two ways, measured in the same run:
  gdviz      gd.races.tune_rate for each optimizer: one batched run over the 200 rates
  torch      what pytorch-optimizer's visualization scripts do: one torch.optim loop per trial
             (autograd on the loss, 1000 steps, the loss recorded at every step)

The torch loop is timed on --trials rates per optimizer (spread over the range) and scaled to
all 200; --trials 200 times every trial (about a minute per optimizer).

Target: gdviz under 2 s on the 2-core machine.

    .venv/bin/python bench/race.py [--rates 200] [--steps 1000] [--trials 8]
"""
import argparse
import time

import numpy as np

from gdviz.races import tune_rate

START = (-1.5, 2.0)
OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam")
TARGET = 2.0


def torch_optimizer(name, params, lr):
    """The torch.optim class and arguments behind each gdviz name (torch defaults otherwise)."""
    import torch

    if name in ("gd", "sgd"):
        return torch.optim.SGD(params, lr=lr)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=name == "nesterov")
    cls = {"adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta,
           "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[name]
    return cls(params, lr=lr)


def torch_trial(name, lr, steps):
    """One trial as the per-trial scripts run it: a fresh parameter, optimizer and loop."""
    import torch

    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(name, [p], float(lr))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", type=int, default=200)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--trials", type=int, default=8, help="torch trials timed per optimizer (scaled to --rates)")
    ap.add_argument("--no-torch", action="store_true", help="skip the torch loop")
    args = ap.parse_args()
    trials = max(1, min(args.trials, args.rates))

    tune_rate("rosenbrock", "gd", start=START, steps=10, grid=4)    # warm up imports
    t0 = time.perf_counter()
    tunings = [tune_rate("rosenbrock", name, start=START, steps=args.steps, grid=args.rates, tol=0)
               for name in OPTIMIZERS]
    t_gdviz = time.perf_counter() - t0

    t_torch, note = float("nan"), "not installed: pip install torch"
    if not args.no_torch:
        try:
            import torch

            total = 0.0
            for tuning in tunings:
                sample = tuning.lrs[np.linspace(0, args.rates - 1, trials).round().astype(int)]
                t0 = time.perf_counter()
                for lr in sample:
                    torch_trial(tuning.optimizer, lr, args.steps)
                total += (time.perf_counter() - t0) * args.rates / trials
            t_torch = total
            note = (f"torch {torch.__version__}, " +
                    ("every trial timed" if trials == args.rates else f"{trials} trials per optimizer timed, scaled"))
        except ImportError:
            pass

    print(f"Tuning {len(OPTIMIZERS)} optimizers x {args.rates} rates x {args.steps} steps on Rosenbrock, float64\n")
    print(f"{'way':<44} {'seconds':>9} {'gdviz is':>14}  notes")
    print(f"{'gdviz (one batched run per optimizer)':<44} {t_gdviz:>9.2f} {'':>14}")
    speed = "" if np.isnan(t_torch) else f"{t_torch / t_gdviz:,.0f}x faster"
    print(f"{'torch.optim, one loop per trial':<44} {t_torch:>9.1f} {speed:>14}  {note}")
    print(f"\ntarget: gdviz under {TARGET:g} s -> {'met' if t_gdviz < TARGET else 'MISSED'}")
    print("\nbest rate per optimizer (fewest steps to the tolerance; no tolerance here, so the lowest final loss):")
    for t in tunings:
        print(f"  {t.optimizer:<9} lr {t.lr:<10.3g} final loss {t.sweep.loss[-1, t.best]:.3g}")


if __name__ == "__main__":
    main()
