"""Regenerate data/torch_reference.json: paths of torch.optim optimizers (and pytorch-optimizer's
Lion) in float64, and their ``optimizer.state`` after every step (every tensor shaped like the
parameters: not the step count, nor NAdam's scalar mu_product).

    .venv/bin/pip install -e '.[torch]'   # once: torch (the CPU wheel) and pytorch-optimizer
    .venv/bin/python tests/make_torch_reference.py

The test suite compares gdviz's optimizers (paths and recorded state) against these step for
step, so it needs no torch at test time.
"""
import json
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)   # torch's scalar state (NAdam's mu_product) in float64 too
STEPS = 100
CASES = [
    ("gd", "SGD", {"lr": 1e-3}),
    ("gd", "SGD", {"lr": 5e-4, "weight_decay": 0.01}),
    ("momentum", "SGD", {"lr": 1e-3, "momentum": 0.9}),
    ("momentum", "SGD", {"lr": 5e-4, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("nesterov", "SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    ("adagrad", "Adagrad", {"lr": 0.5}),
    ("adagrad", "Adagrad", {"lr": 0.5, "lr_decay": 0.01, "weight_decay": 0.01,
                            "initial_accumulator_value": 0.1}),
    ("adadelta", "Adadelta", {"lr": 1.0}),
    ("adadelta", "Adadelta", {"lr": 0.5, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.01}),
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop", "RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.5, "centered": True,
                            "weight_decay": 0.01}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam", "Adam", {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True, "weight_decay": 0.01}),
    ("adam", "Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("adamw", "AdamW", {"lr": 0.05}),
    ("adamw", "AdamW", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
    # at lr 0.05 NAdam's path on Rosenbrock is chaotic: rounding (torch adds its two terms to p
    # one at a time) grows to 1e-5 in 100 steps, so the reference uses a calmer rate
    ("nadam", "NAdam", {"lr": 0.02}),
    ("nadam", "NAdam", {"lr": 0.02, "momentum_decay": 0.01, "weight_decay": 0.01}),
    ("nadam", "NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", "RAdam", {"lr": 1e-3}),
    ("radam", "RAdam", {"lr": 1e-3, "betas": (0.9, 0.9), "weight_decay": 0.01}),
    ("radam", "RAdam", {"lr": 1e-3, "betas": (0.9, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("adamax", "Adamax", {"lr": 0.05}),
    ("adamax", "Adamax", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.01}),
    ("rprop", "Rprop", {"lr": 0.01}),
    ("rprop", "Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.2)}),
    ("lion", "pytorch_optimizer.Lion", {"lr": 0.01}),
    ("lion", "pytorch_optimizer.Lion", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1}),
]
SURFACES = {
    "rosenbrock": ([-1.5, 2.0], lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2),
    "elongated": ([-3.5, 1.5], lambda p: 0.5 * (p[0] ** 2 + 20 * p[1] ** 2)),
}


def path(cls, hp, start, f):
    """The params after each step (row 0: the start), and each state tensor after each step."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    if cls.startswith("pytorch_optimizer."):
        import pytorch_optimizer

        opt = getattr(pytorch_optimizer, cls.split(".", 1)[1])([p], **hp)
    else:
        opt = getattr(torch.optim, cls)([p], **hp)
    out, state = [p.detach().tolist()], {}
    for _ in range(STEPS):
        opt.zero_grad()
        f(p).backward()
        opt.step()
        out.append(p.detach().tolist())
        for name, value in opt.state[p].items():
            if name != "step" and torch.is_tensor(value) and value.shape == p.shape:
                state.setdefault(name, []).append(value.detach().tolist())
    return out, state


def main():
    cases = []
    for name, cls, hp in CASES:
        for surface, (start, f) in SURFACES.items():
            hp_out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in hp.items() if k != "nesterov"}
            params, state = path(cls, hp, start, f)
            cases.append({"optimizer": name, "torch": cls, "hyperparams": hp_out, "surface": surface,
                          "start": start, "params": params, "state": state})
    from importlib.metadata import version

    out = {"torch_version": torch.__version__, "pytorch_optimizer_version": version("pytorch_optimizer"),
           "steps": STEPS, "cases": cases}
    target = Path(__file__).parent / "data" / "torch_reference.json"
    target.write_text(json.dumps(out))
    print(f"wrote {len(cases)} paths to {target}")


if __name__ == "__main__":
    main()
