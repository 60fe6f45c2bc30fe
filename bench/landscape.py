"""Benchmark: a torch model's 2-D loss landscape, gdviz's TorchLoss against the per-point loops that
tomgoldstein/loss-landscape and marcellodebernardi/loss-landscapes run, measured in one run.

  cnn   conv 1->8 3x3, relu, maxpool 2, conv 8->16 3x3, relu, maxpool 2, linear 64->4 (float32) on
        --images synthetic 16x16 images (default 2048; no data set can be downloaded here: four seeded
        classes, a square, a disk, a cross and a bar, each placed at random with Gaussian pixel noise,
        stored as uint8 like CIFAR-10), trained for 2 epochs of Adam first
  mlp   2-16-16-1 tanh (float32) on 512 seeded two-moons points with the binary logistic loss (the
        lecture's size), trained for 300 full-batch Adam steps

The grid: 51 x 51 on [-1, 1]^2 over gd.landscape's two filter-normalized random directions (seed 0;
loss-landscape's filter normalization, biases zeroed), loss[i, j] at w + x[j] d1 + y[i] d2; every way
uses these same directions. By default every way measures the CNN on the 11 x 11 sub-grid of every
5th row and column (--stride 5: the same points for every way, spread over the plane), scaled per
point to the 51 x 51 grid, and the MLP on the full grid (--mlp-stride 1).

  loss-landscape loop    per point: set_weights (p.data = w + x d1 + y d2 per parameter), then its
                         eval_loss: net.eval(), no_grad, a DataLoader of batches of 128 over a data
                         set that converts each stored uint8 image when it is read (ToTensor +
                         Normalize, as its CIFAR-10 loader does), loss * batch summed, accuracy
                         counted. num_workers=0 here (its default is 2 worker processes; this machine
                         has 2 cores).
  loss-landscapes loop   its random_plane: the parameters moved in place along the grid in its snake
                         order (add_ a step along d2, one along d1 per column), each point its Loss
                         metric, loss_fn(model(X), y).item() on the whole batch (no no_grad, as there).
  gdviz                  gd.landscape(module, "cross-entropy", (X, y), grid=..., span=1.0, seed=0):
                         TorchLoss, functional_call under vmap over tiles of points sized from a
                         memory budget; in the module's float32, and in float64 (a .double() copy).

Each way runs in its own process (one torch thread unless --threads: on this shared 2-core machine
two threads per process made small operations many times slower and every row unstable), twice, in
alternating order, its faster run kept (--rounds), after a warm-up on two points (first-call costs: torch's lazy
initialisation, torch.func's); peak memory is that process's ru_maxrss (torch and the data
included: the "baseline" row is a process that only loads them and makes one forward pass). "max
|diff|" compares each way's losses with gdviz float32's at the same grid points.

    .venv/bin/python bench/landscape.py [--images 2048] [--stride 5] [--threads N] [--no-mlp]

Target (issue 20): gdviz at least 10x fewer seconds per point than the loops on this CPU. Measured
here (2 cores, one torch thread per way, load average 0.6 -> 1.0), ms per point:

    way                                          CNN, 2048 images   MLP, 512 points
    gdviz float32                                      50.2              0.14
    gdviz float64                                      58.1              0.23
    gdviz float32, client=True (both cores)            28.0              0.12
    loss-landscape loop (DataLoader)                  100.0 (2.0x)       3.48 (25x)
    loss-landscapes loop (whole batch)                 35.3 (0.7x)       0.26 (1.9x)

Met for the MLP against loss-landscape's loop only. A CNN point is one forward pass over 2048
images whichever way runs it, and torch's max-pool over 2048 x 8 x 14 x 14 NCHW activations is
most of it (68% of a forward pass in torch's profiler; the convolutions 26%): batching points adds
nothing there (vmap over 7 points ran 2x slower per point, so TorchLoss runs such a model one point
per call, without vmap; data slices, channels_last inputs or weights and torch.compile gave at most
1.2x). What gdviz adds is both cores with one argument (client=True: 28 ms, the same bits).
glibc's dynamic mmap threshold moves the CNN rows by up to 1.6x between processes (fresh pages for
each large activation); MALLOC_MMAP_THRESHOLD_=1073741824 in the environment narrows gdviz's gap to
the whole-batch loop to 34.7 against 31.0 ms.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

GRID = 51
SPAN = 1.0
WAYS = ("baseline", "gdviz-float32", "gdviz-float64", "gdviz-dask", "loss-landscape", "loss-landscapes")
LABELS = {"loss-landscape": "loss-landscape loop (DataLoader, batches of 128)",
          "loss-landscapes": "loss-landscapes loop (whole batch, in place)",
          "gdviz-float32": "gdviz: gd.landscape (TorchLoss, vmap), float32",
          "gdviz-float64": "gdviz: gd.landscape (TorchLoss, vmap), float64",
          "gdviz-dask": "gdviz float32, client=True (tiles on both cores)",
          "baseline": "baseline: torch + data + one forward pass"}
MEAN, STD = 0.2, 0.3        # the images' Normalize constants (as loss-landscape's CIFAR-10 mean and std)


# -- data and models (seeded; built the same way in every process) --------------------------------

def shapes_images(n, size=16, seed=0):
    """(n, 1, size, size) uint8 images of four classes (square, disk, cross, bar) and their labels."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 4
    rr, cc = np.mgrid[:size, :size]
    out = np.empty((n, 1, size, size), np.uint8)
    for k, c in enumerate(labels):
        r0, c0 = rng.uniform(4, size - 4, 2)
        a = rng.uniform(2.0, 3.5)
        if c == 0:
            img = (np.abs(rr - r0) <= a) & (np.abs(cc - c0) <= a)
        elif c == 1:
            img = (rr - r0) ** 2 + (cc - c0) ** 2 <= a * a
        elif c == 2:
            bar = (np.abs(rr - r0) <= 0.8) & (np.abs(cc - c0) <= a)
            img = bar | ((np.abs(cc - c0) <= 0.8) & (np.abs(rr - r0) <= a))
        else:
            img = (np.abs(rr - r0) <= 1.0) & (np.abs(cc - c0) <= a + 1)
        pixels = 200.0 * img + rng.normal(30, 25, (size, size))
        out[k, 0] = np.clip(pixels, 0, 255).astype(np.uint8)
    return out, labels


def moons(n=512, noise=0.15, seed=0):
    """Two interleaving half circles, X (n, 2) float32, y (n,) in {0, 1}."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    y = np.arange(n) % 2
    X = np.where(y[:, None] == 0, np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1))
    return (X + rng.normal(0, noise, X.shape)).astype(np.float32), y


def normalized(u8):
    """ToTensor + Normalize on the whole stored set at once (the same numbers, per pixel)."""
    return ((u8.astype(np.float32) / np.float32(255)) - np.float32(MEAN)) / np.float32(STD)


def build(model, torch):
    """(module, X tensor, y tensor, stored uint8 images or None, loss name)."""
    torch.manual_seed(0)
    nn = torch.nn
    if model == "cnn":
        net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 2 * 2, 4))
        u8, y = shapes_images(ARGS.images)
        return net, torch.from_numpy(normalized(u8)), torch.from_numpy(y), u8, "cross-entropy"
    net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))
    X, y = moons()
    return net, torch.from_numpy(X), torch.from_numpy(y), None, "cross-entropy"


def criterion(torch, out, y):
    F = torch.nn.functional
    if out.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(out[:, 0], y.to(out.dtype))
    return F.cross_entropy(out, y)


def train(model, torch, path):
    """Train briefly (seeded), draw the two directions, save both for the measuring processes."""
    net, X, y, _, _ = build(model, torch)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(0)
    if model == "cnn":
        for _ in range(2):
            for rows in torch.randperm(len(X), generator=g).split(128):
                opt.zero_grad()
                criterion(torch, net(X[rows]), y[rows]).backward()
                opt.step()
    else:
        for _ in range(300):
            opt.zero_grad()
            criterion(torch, net(X), y).backward()
            opt.step()
    from gdviz.landscapes.directions import random_directions
    from gdviz.landscapes.wrap import model_loss

    ml = model_loss(net, "cross-entropy", (X, y))
    flat = random_directions(ml, ml.center, seed=0)       # what gd.landscape(..., seed=0) draws
    directions = [[torch.from_numpy(a).float() for a in ml.unflatten(d)] for d in flat]
    torch.save({"state": net.state_dict(), "d": directions}, path)
    return float(ml.value(ml.center))


def axis():
    return np.linspace(-SPAN, SPAN, GRID)


def sub_grid(stride):
    """The indices of every ``stride``-th row and column of the grid (the last one included)."""
    idx = np.arange(0, GRID, stride)
    if idx[-1] != GRID - 1:
        sys.exit(f"--stride {stride} must divide {GRID - 1}, so the sub-grid ends on the grid's edge")
    return idx


# -- the ways, each in its own process ----------------------------------------------------------------

def loss_landscape_loop(net, X, y, u8, torch, weights, d, points):
    """loss-landscape's crunch: set_weights then eval_loss over a DataLoader, point after point."""
    from torch.utils.data import DataLoader, Dataset

    class Stored(Dataset):
        """Images kept as uint8 and converted when read, as torchvision's CIFAR10 with ToTensor + Normalize."""

        def __init__(self, images, labels):
            self.images, self.labels = images, labels

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, i):
            img = torch.from_numpy(self.images[i]).float().div(255)        # ToTensor
            return img.sub(MEAN).div(STD), int(self.labels[i])             # Normalize

    if u8 is None:
        loader = DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=128, shuffle=False)
    else:
        loader = DataLoader(Stored(u8, y.numpy()), batch_size=128, shuffle=False, num_workers=0)
    xs = axis()
    out = []
    for i, j in points:
        changes = [d0 * xs[j] + d1 * xs[i] for d0, d1 in zip(*d)]
        for p, w, c in zip(net.parameters(), weights, changes):
            p.data = w + c.type(w.dtype)
        net.eval()
        total_loss, total, correct = 0.0, 0, 0
        with torch.no_grad():
            for inputs, targets in loader:
                outputs = net(inputs)
                loss = criterion(torch, outputs, targets)
                total_loss += loss.item() * inputs.size(0)
                total += inputs.size(0)
                predicted = outputs.max(1)[1] if outputs.shape[1] > 1 else (outputs[:, 0] > 0).long()
                correct += predicted.eq(targets).sum().item()
        out.append(total_loss / total)
    return out


def snake(idx):
    """The points (i, j) of the sub-grid in loss-landscapes' random_plane order: column by column
    along d2, every other column walked backwards."""
    order = []
    for c, j in enumerate(idx):
        order += [(int(i), int(j)) for i in (idx if c % 2 == 0 else idx[::-1])]
    return order


def loss_landscapes_loop(net, X, y, torch, weights, d, points, stride):
    """loss-landscapes' random_plane: in-place steps of the parameters, its Loss metric at each point."""
    step = stride * 2 * SPAN / (GRID - 1)
    params = list(net.parameters())
    for p, w, d0, d1 in zip(params, weights, *d):     # start one step before the first point along d2
        p.data.copy_(w - SPAN * d0 - (SPAN + step) * d1)
    net.eval()
    out, j_prev = [], 0
    for _i, j in points:
        if j != j_prev:                                   # next column: one step along d1 (d2 stays)
            for p, d0 in zip(params, d[0]):
                p.data.add_(d0 * step)
            j_prev = j
        else:
            sign = 1 if (j // stride) % 2 == 0 else -1
            for p, d1 in zip(params, d[1]):
                p.data.add_(d1 * (sign * step))
        out.append(criterion(torch, net(X), y).item())
    return out


def gdviz_values(net, X, y, way, idx):
    """gd.landscape on the sub-grid (its axes are every idx-th value of the 51-point axes); "dask":
    its tiles on a local Dask cluster (threads in this process, one per core)."""
    import gdviz as gd

    if way == "float64":
        net = net.double()
    land = gd.landscape(net, "cross-entropy", (X, y), directions="random", seed=0, grid=len(idx), span=SPAN,
                        progress=False, client=True if way == "dask" else None)
    assert np.allclose(land.x, axis()[idx])
    values = [float(land.loss[a, b]) for a in range(len(idx)) for b in range(len(idx))]
    return values, land.model.floats_per_point


def child(args):
    """Measure one way in this process; print a JSON line."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    saved = torch.load(args.state)
    net, X, y, u8, loss = build(args.model, torch)
    net.load_state_dict(saved["state"])
    weights = [p.detach().clone() for p in net.parameters()]
    d = saved["d"]
    idx = sub_grid(args.stride)
    points = snake(idx) if args.way == "loss-landscapes" else [(int(i), int(j)) for i in idx for j in idx]
    extra = {}

    def run(points, idx):
        if args.way == "loss-landscape":
            return loss_landscape_loop(net, X, y, u8, torch, weights, d, points)
        if args.way == "loss-landscapes":
            return loss_landscapes_loop(net, X, y, torch, weights, d, points, args.stride)
        values, extra["floats_per_point"] = gdviz_values(net, X, y, args.way.split("-")[1], idx)
        return values

    if args.way == "baseline":
        with torch.no_grad():
            net(X)
        points, values, seconds = [], [], 0.0
    else:
        run(points[:2], np.array([0, GRID - 1]))         # warm-up: first-call costs out of every way alike
        t0 = time.perf_counter()
        values = run(points, idx)
        seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "points": points, "values": values, "threads": torch.get_num_threads(),
                      "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))


def measure(model, way, state):
    stride = ARGS.stride if model == "cnn" else ARGS.mlp_stride
    cmd = [sys.executable, __file__, "--child", way, "--model", model, "--state", state, "--images",
           str(ARGS.images), "--stride", str(stride), "--threads", str(ARGS.threads)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode:
        sys.exit(f"{way} failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def table(model, state, centre):
    n = GRID * GRID
    res = {}
    for r in range(ARGS.rounds):           # rounds in alternating order; each way's fastest kept
        for way in WAYS if r % 2 == 0 else WAYS[::-1]:
            got = measure(model, way, state)
            if way not in res or got["seconds"] < res[way]["seconds"]:
                res[way] = got
    ref = {tuple(p): v for p, v in zip(res["gdviz-float32"]["points"], res["gdviz-float32"]["values"])}
    per_point = {w: r["seconds"] / len(r["points"]) for w, r in res.items() if r["points"]}
    print(f"  {'way':<48} {'seconds':>8} {'ms/point':>9} {'measured on':>22} {'gdviz32 is':>11} "
          f"{'peak MiB':>9} {'max |diff|':>11}")
    for way, r in res.items():
        if way == "baseline":
            print(f"  {LABELS[way]:<48} {'':>8} {'':>9} {'':>22} {'':>11} {r['maxrss_mib']:>9.0f}")
            continue
        m = len(r["points"])
        seconds = per_point[way] * n
        how = "full grid" if m == n else f"{m} points, scaled"     # per point to the 51 x 51 grid
        speed = "" if way == "gdviz-float32" else f"{per_point[way] / per_point['gdviz-float32']:.1f}x"
        diff = max(abs(v - ref[tuple(p)]) for p, v in zip(r["points"], r["values"]))
        diff_text = "" if way == "gdviz-float32" else f"{diff:.1e}"
        print(f"  {LABELS[way]:<48} {seconds:>8.1f} {1e3 * per_point[way]:>9.2f} {how:>22} {speed:>11} "
              f"{r['maxrss_mib']:>9.0f} {diff_text:>11}")
    values = res["gdviz-float32"]["values"]
    print(f"  torch threads {res['gdviz-float32']['threads']}; TorchLoss floats_per_point "
          f"{res['gdviz-float32']['floats_per_point']:,}; loss from {min(values):.3f} to {max(values):.3f} "
          f"on the points measured; at the centre {centre:.3f}\n")


def main():
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        print(f"{os.cpu_count()} CPUs, torch {torch.__version__}, load average at start {os.getloadavg()[0]:.1f}\n")
        for model in ("cnn",) if ARGS.no_mlp else ("cnn", "mlp"):
            state = os.path.join(tmp, f"{model}.pt")
            centre = train(model, torch, state)
            what = (f"small CNN on {ARGS.images} synthetic 16x16 images (4 shape classes)" if model == "cnn"
                    else "MLP 2-16-16-1 tanh on 512 two-moons points")
            print(f"{what}: {GRID} x {GRID} grid on two filter-normalized random directions")
            table(model, state, centre)
        print(f"load average at the end {os.getloadavg()[0]:.1f} (other jobs on this machine slow every row)")
        print("target: gdviz >= 10x fewer seconds per point than the loops")


def parse():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=2048, help="synthetic images for the CNN (default 2048)")
    ap.add_argument("--stride", type=int, default=5,
                    help="measure every k-th row and column of the 51 x 51 grid, scaled per point (default 5; 1: all)")
    ap.add_argument("--mlp-stride", type=int, default=1, help="the same for the MLP (default 1: the full grid)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads in every way (default 1: stable on a shared machine; 0: torch's own)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="measure every way this many times, in alternating order, and keep its fastest (default 2)")
    ap.add_argument("--no-mlp", action="store_true", help="only the CNN")
    ap.add_argument("--child", choices=WAYS, dest="way", help=argparse.SUPPRESS)
    ap.add_argument("--model", default="cnn", help=argparse.SUPPRESS)
    ap.add_argument("--state", help=argparse.SUPPRESS)
    return ap.parse_args()


ARGS = parse() if __name__ == "__main__" else None

if __name__ == "__main__":
    child(ARGS) if ARGS.way else main()
