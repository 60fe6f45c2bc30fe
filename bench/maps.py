"""Benchmark: maps, gdviz against the JAX reference and a plain numpy loop, measured in one run.

  trainability  512 x 512 per-layer learning rates (1e-3 .. 1e6 both, the notebook's first view) of
                the paper's network (width 16, tanh, 272 points, full batch, float64), 100 steps:
                gd.trainability (fused numba kernel) vs the notebook's jit(vmap(train_step)) in JAX
                (float64, chunks of 50,000) vs the numpy reference loop (gdviz.maps.network.train_numpy)
  momentum      1024 x 1024 (lr 1e-3 .. 1, momentum 0 .. 0.99) heavy ball on the elongated bowl,
                1000 steps, steps to |g| < tol: gd.map (fused kernel) vs jit(vmap(step)) in JAX vs a
                vectorised numpy loop, both in chunks of 50,000
  dask          the trainability map on a LocalCluster of 1 and of 2 single-threaded workers:
                parallel efficiency = t1 / (2 t2)

The JAX and numpy columns run on a strided sub-grid (every k-th row and column, so the mix of
trained and diverged pixels is the full map's) and are scaled per pixel to the full map when a
full run would take more than 5 minutes; the table says so. Each measured column also reports how
many sub-grid pixels agree with gdviz on converged / not.

    .venv/bin/python bench/maps.py [--size 512] [--momentum-size 1024] [--no-jax] [--no-dask]

Targets (issue 18): gdviz at least as fast as JAX on this CPU and 10x the numpy loop.
"""
import argparse
import math
import os
import time

import numpy as np

import gdviz as gd
from gdviz.maps import network as nw

CHUNK = 50_000
FULL_LIMIT_S = 300.0


def sub_grid(n, target):
    """The stride k so that (n / k)^2 is about ``target`` pixels, and the sub-grid indices."""
    k = max(1, int(round(n / math.sqrt(target))))
    return k, np.arange(0, n, k)


def measured_on(k):
    return "full" if k == 1 else f"every {k}th px, scaled"


# -- trainability: the notebook's code in JAX ------------------------------------------------------

def jax_trainability(config, lr1, lr2, steps):
    """The Sohl-Dickstein notebook's net / loss / train_step, jit(vmap(...)) over pixels in chunks of
    50,000, a Python loop over steps; its convergence_measure with non-finite losses counted as the
    cap (the notebook's ``v*fin`` keeps NaN, NaN * 0 being NaN)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    w1, w2, x, y = config.problem()
    theta0 = [jnp.asarray(w1), jnp.asarray(w2[:, None])]
    X, Y = jnp.asarray(x), jnp.asarray(y[:, None])

    def net(theta, X):
        for W in theta:
            Z = jnp.dot(X, W) / jnp.sqrt(W.shape[0])
            X = jax.nn.tanh(Z * jnp.sqrt(2))
        return Z / jnp.sqrt(W.shape[0])

    def loss(theta, X, Y):
        return jnp.mean((net(theta, X) - Y) ** 2)

    def train_step(theta, hparams, X, Y):
        _loss, _grad = jax.value_and_grad(loss)(theta, X, Y)
        return [t - lr * g for t, g, lr in zip(theta, _grad, hparams)], _loss

    step = jax.jit(jax.vmap(train_step, in_axes=(0, 0, None, None)), donate_argnums=(0,))

    def measure(v, max_val=1e6):
        v = jnp.where(jnp.isfinite(v), v, max_val * v[0])
        v = v / v[0]
        v = jnp.minimum(v, max_val)
        converged = jnp.mean(v[-20:]) < 1
        return jnp.where(converged, -jnp.sum(v), jnp.sum(1 / v))

    vmeasure = jax.jit(jax.vmap(measure))
    hp = np.stack([lr1, lr2], axis=-1)
    out = []
    for lo in range(0, len(hp), CHUNK):
        h = jnp.asarray(hp[lo: lo + CHUNK])
        theta = [jnp.tile(t, (len(h), 1, 1)) for t in theta0]
        losses = []
        for _ in range(steps):
            theta, l_ = step(theta, h, X, Y)
            losses.append(l_)
        out.append(np.asarray(vmeasure(jnp.stack(losses, axis=-1))))
    return np.concatenate(out)


def trainability_rows(n, no_jax):
    config = nw.NetworkConfig()
    axis = np.logspace(-3, 6, n)
    rows = []
    nw.train_numba(config, axis[:8], axis[:8], steps=2)          # compile (cached on disk after the first run)
    t0 = time.perf_counter()
    m = gd.trainability(x=("lr1", axis), y=("lr2", axis), config=config, progress=False)
    t_gd = time.perf_counter() - t0
    rows.append(("gdviz: gd.trainability (numba, fused)", t_gd, "full", n * n, None))
    refs = [("numpy loop (gdviz.maps.network.train_numpy)", lambda a, b: nw.train_numpy(config, a, b)[0], 1024)]
    if not no_jax:
        refs.append(("JAX: jit(vmap(train_step)), float64", lambda a, b: jax_trainability(config, a, b, 100), 4096))
    for name, fn, target in refs:
        k, idx = sub_grid(n, target)
        l1, l2 = np.meshgrid(axis[idx], axis[idx])
        t0 = time.perf_counter()
        v = fn(l1.ravel(), l2.ravel())
        t = time.perf_counter() - t0
        agree = np.mean((v < 0) == (m.values[np.ix_(idx, idx)].ravel() < 0))
        rows.append((name, t * n * n / idx.size ** 2, measured_on(k), idx.size ** 2, agree))
    return m, rows


# -- momentum on the elongated bowl ------------------------------------------------------------------

H = np.array([1.0, 20.0])      # the elongated bowl 0.5 (x^2 + 20 y^2): gradient H * p


def numpy_momentum(lr, beta, steps, tol, start):
    """Heavy ball b = beta b + g, p -= lr b per pixel, steps until |g| < tol, vectorised over a chunk."""
    out = []
    for lo in range(0, len(lr), CHUNK):
        a, bt = lr[lo: lo + CHUNK, None], beta[lo: lo + CHUNK, None]
        p = np.tile(start, (len(a), 1))
        b = np.zeros_like(p)
        stop = np.full(len(a), -1)
        with np.errstate(all="ignore"):
            for t in range(steps + 1):
                g = H * p
                done = np.sqrt((g * g).sum(1)) < tol
                stop = np.where((stop < 0) & done, t, stop)
                b = bt * b + g
                p = p - a * b
        out.append(stop)
    return np.concatenate(out)


def jax_momentum(lr, beta, steps, tol, start):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    Hj = jnp.asarray(H)

    def step(p, b, stop, hp, t):
        g = Hj * p
        done = jnp.sqrt(jnp.sum(g * g)) < tol
        stop = jnp.where((stop < 0) & done, t, stop)
        b = hp[1] * b + g
        return p - hp[0] * b, b, stop

    vstep = jax.jit(jax.vmap(step, in_axes=(0, 0, 0, 0, None)), donate_argnums=(0, 1, 2))
    out = []
    for lo in range(0, len(lr), CHUNK):
        hp = jnp.asarray(np.stack([lr[lo: lo + CHUNK], beta[lo: lo + CHUNK]], -1))
        p = jnp.tile(jnp.asarray(start), (len(hp), 1))
        b, stop = jnp.zeros_like(p), jnp.full(len(hp), -1)
        for t in range(steps + 1):
            p, b, stop = vstep(p, b, stop, hp, t)
        out.append(np.asarray(stop))
    return np.concatenate(out)


def jax_momentum_fused(lr, beta, steps, tol, start):
    """The same map with the whole step loop inside jit (lax.fori_loop), the fastest way JAX offers."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    Hj, p0 = jnp.asarray(H), jnp.asarray(start)

    def pixel(a, bt):
        def body(t, c):
            p, b, stop = c
            g = Hj * p
            stop = jnp.where((stop < 0) & (jnp.sqrt(jnp.sum(g * g)) < tol), t, stop)
            b = bt * b + g
            return p - a * b, b, stop

        return jax.lax.fori_loop(0, steps + 1, body, (p0, jnp.zeros_like(p0), -1))[2]

    run = jax.jit(jax.vmap(pixel))
    run(jnp.asarray(lr[:2]), jnp.asarray(beta[:2])).block_until_ready()     # compile outside the timing
    return np.concatenate([np.asarray(run(jnp.asarray(lr[lo: lo + CHUNK]), jnp.asarray(beta[lo: lo + CHUNK])))
                           for lo in range(0, len(lr), CHUNK)])


def momentum_rows(n, no_jax):
    lr, beta = np.geomspace(1e-3, 1, n), np.linspace(0, 0.99, n)
    s = gd.surface("elongated")
    gd.map("momentum", s, x=("lr", lr[:16]), y=("momentum", beta[:16]), steps=10)     # compile
    t0 = time.perf_counter()
    m = gd.map("momentum", s, x=("lr", lr), y=("momentum", beta), steps=1000, progress=False)
    t_gd = time.perf_counter() - t0
    rows = [("gdviz: gd.map (fused kernel)", t_gd, "full", n * n, None)]
    refs = [("numpy loop, chunks of 50,000", numpy_momentum, 16_384)]
    if not no_jax:
        refs.append(("JAX: jit(vmap(step)), float64, chunks of 50,000", jax_momentum, 65_536))
        refs.append(("JAX: jit(vmap(fori_loop over steps)), float64", jax_momentum_fused, n * n))
    for name, fn, target in refs:
        k, idx = sub_grid(n, target)
        L, B = np.meshgrid(lr[idx], beta[idx])
        t0 = time.perf_counter()
        stop = fn(L.ravel(), B.ravel(), 1000, s.tol, np.asarray(s.start, float))
        t = time.perf_counter() - t0
        agree = np.mean((stop >= 0) == (m.status[np.ix_(idx, idx)].ravel() == "converged"))
        rows.append((name, t * n * n / idx.size ** 2, measured_on(k), idx.size ** 2, agree))
    return rows


# -- Dask -----------------------------------------------------------------------------------------------

def dask_rows(n=96):
    from distributed import Client, LocalCluster

    axis = np.logspace(-3, 6, n)
    times = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          env={"NUMBA_NUM_THREADS": "1"}) as cluster, Client(cluster) as client:
            gd.trainability(x=("lr1", axis[:8]), y=("lr2", axis[:8]), tile=8, client=client)      # warm up
            t0 = time.perf_counter()
            gd.trainability(x=("lr1", axis), y=("lr2", axis), tile=n * n // 16, client=client)
            times[workers] = time.perf_counter() - t0
    return times


def table(title, rows):
    print(title)
    print(f"  {'way':<50} {'seconds':>9} {'measured on':>24} {'gdviz is':>10} {'same status':>12}")
    t_gd = rows[0][1]
    for name, t, how, _, agree in rows:
        speed = "" if name.startswith("gdviz") else f"{t / t_gd:,.1f}x"
        same = "" if agree is None else f"{100 * agree:.1f}%"
        print(f"  {name:<50} {t:>9.1f} {how:>24} {speed:>10} {same:>12}")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=512, help="trainability map side (default 512)")
    ap.add_argument("--momentum-size", type=int, default=1024, help="momentum map side (default 1024)")
    ap.add_argument("--no-jax", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--no-trainability", action="store_true", help="skip the trainability map (26 min here)")
    args = ap.parse_args()
    import numba

    print(f"{os.cpu_count()} CPUs, numba {numba.__version__} ({numba.get_num_threads()} threads), "
          f"load average at start {os.getloadavg()[0]:.1f}\n")
    if not args.no_trainability:
        m, rows = trainability_rows(args.size, args.no_jax)
        table(f"trainability map {args.size} x {args.size}, 100 steps (paper's network, 272 points, float64); "
              f"trains on {100 * m.converged_share:.0f}% of pixels", rows)
    table(f"momentum map {args.momentum_size} x {args.momentum_size} on the elongated bowl, 1000 steps",
          momentum_rows(args.momentum_size, args.no_jax))
    if not args.no_dask:
        t = dask_rows()
        print(f"Dask LocalCluster, trainability 96 x 96 in 16 tiles: 1 worker {t[1]:.1f} s, 2 workers {t[2]:.1f} s: "
              f"parallel efficiency {100 * t[1] / (2 * t[2]):.0f}%\n")
    print(f"load average at the end {os.getloadavg()[0]:.1f} (other jobs on this machine slow every column)")
    print("targets: gdviz >= JAX speed, >= 10x the numpy loop")


if __name__ == "__main__":
    main()
