"""gd.map, the theory map and gd.basins: numbers against closed forms, gd.run and each other."""
import json
import tracemalloc

import numpy as np
import pytest

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.maps import STATUSES, simulate, theory, tiles
from gdviz.maps.result import DIVERGED
from gdviz.web.trace import trace

LR = ("lr", np.geomspace(1e-3, 1, 48))
BETA = ("momentum", np.linspace(0, 0.99, 40))


def eig_rate(M):
    """The largest |eigenvalue| of 2x2 matrices, by numpy (LAPACK; a reference at 1e-12 only)."""
    return np.abs(np.linalg.eigvals(M)).max(-1)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "gd"])
def test_theory_map_is_the_closed_form(name):
    """Distill's matrix [[beta, lambda], [-alpha beta, 1 - alpha lambda]] (Nesterov's: -alpha beta^2,
    1 - alpha lambda (1 + beta)), its largest |eigenvalue| maximised over the Hessian's eigenvalues 1 and 20."""
    y = BETA if name != "nesterov" else ("momentum", np.linspace(0.01, 0.99, 40))
    m = gd.map(name, "elongated", x=LR, y=y if name != "gd" else ("weight_decay", [0.0, 0.5]), method="theory")
    a = m.x[None, :]
    b = m.y[:, None] if name != "gd" else 0.0
    want = np.zeros(m.values.shape)
    for lam in (1.0, 20.0):
        if name == "gd":
            want = np.maximum(want, np.abs(1 - a * (lam + m.y[:, None])))
            continue
        bb = np.broadcast_to(b, want.shape)
        aa = np.broadcast_to(a, want.shape)
        if name == "momentum":
            M = np.stack([np.stack([bb, np.full_like(bb, lam)], -1), np.stack([-aa * bb, 1 - aa * lam], -1)], -2)
        else:
            M = np.stack([np.stack([bb, np.full_like(bb, lam)], -1),
                          np.stack([-aa * bb * bb, 1 - aa * lam * (1 + bb)], -1)], -2)
        want = np.maximum(want, eig_rate(M))
    np.testing.assert_allclose(m.values, want, rtol=1e-12, atol=1e-12)
    assert m.xscale == "log" and m.method == "theory"
    assert ((m.values < 1) == (m.status == "converged")).all()


def test_heavy_ball_boundary_is_two_one_plus_beta_over_lambda():
    """Converges iff 0 < alpha < 2 (1 + beta) / lambda_max: pixels a hair inside and outside."""
    beta = np.array([0.0, 0.3, 0.9])
    for b in beta:
        edge = 2 * (1 + b) / 20.0
        m = gd.map("momentum", "elongated", x=("lr", [edge * (1 - 1e-6), edge * (1 + 1e-6)]),
                   y=("momentum", [b, b + 1e-9]), method="theory")
        assert (m.values[:, 0] < 1).all() and (m.values[:, 1] > 1).all()


def test_simulated_map_agrees_with_theory():
    """>= 99% of pixels agree on converging; the rest lie on the boundary (rate within 2% of 1)."""
    sim = gd.map("momentum", "elongated", x=LR, y=BETA, measure="rate", steps=1000)
    th = gd.map("momentum", "elongated", x=LR, y=BETA, method="theory")
    agree = sim.converges == th.converges
    assert agree.mean() >= 0.99, agree.mean()
    assert (np.abs(th.values[~agree] - 1) < 0.02).all(), th.values[~agree]
    # converged pixels' measured rate is the theory's within the transient's error
    ok = sim.codes == 0
    assert np.median(np.abs(sim.values[ok] - th.values[ok])) < 0.05


def test_momentum_needs_sqrt_kappa_fewer_steps():
    """At the optimal settings, momentum needs ~sqrt(kappa) times fewer steps than gradient descent."""
    L, mu = 20.0, 1.0
    gd_lr = 2 / (L + mu)
    hb_lr, hb_beta = (2 / (L ** 0.5 + mu ** 0.5)) ** 2, ((L ** 0.5 - 1) / (L ** 0.5 + 1)) ** 2
    g = gd.map("gd", "elongated", x=("lr", [gd_lr, gd_lr * 1.001]), y=("momentum", [0.0, 0.0]), steps=5000, tol=1e-8)
    h = gd.map("momentum", "elongated", x=("lr", [hb_lr, hb_lr * 1.001]), y=("momentum", [hb_beta, hb_beta]),
               steps=5000, tol=1e-8)
    ratio = g.values[0, 0] / h.values[0, 0]
    assert 0.6 * 20 ** 0.5 < ratio < 1.5 * 20 ** 0.5, (g.values[0, 0], h.values[0, 0])


CASES = [("elongated", "momentum", {}), ("elongated", "nesterov", {}), ("rosenbrock", "momentum", {}),
         ("himmelblau", "gd", {"weight_decay": 0.01}), ("egg-crate", "gd", {}), ("parabola", "momentum", {}),
         ("x**2 + 3*y**2 + x*y", "gd", {"momentum": 0.5, "dampening": 0.2})]


@pytest.mark.parametrize("surface,optimizer,fixed", CASES)
@pytest.mark.parametrize("measure", ["rate", "trainability", "loss"])
def test_fused_kernel_equals_the_reference_bit_for_bit(surface, optimizer, fixed, measure):
    s = gd.surface(surface)
    y = ("momentum", np.linspace(0.05, 0.99, 12)) if optimizer != "gd" else (s.variables[-1], np.linspace(-2, 2, 12))
    kw = dict(x=("lr", np.geomspace(1e-4, 1.5, 15)), y=y, steps=200, measure=measure, keep_final=True, **fixed)
    a = gd.map(optimizer, s, kernel="numpy", **kw)
    b = gd.map(optimizer, s, kernel="fused", **kw)
    assert len(set(a.status.ravel())) >= 2   # the map is not all one status
    if not trace(s, "vg").exact:   # sin, exp...: numpy's and the C library's may differ in the last bit
        same = a.codes == b.codes
        assert same.mean() > 0.97
        np.testing.assert_allclose(a.final[same], b.final[same], rtol=1e-6, atol=1e-9)
        return
    assert np.array_equal(a.codes, b.codes)
    assert np.array_equal(a.values, b.values, equal_nan=True)
    assert np.array_equal(a.final, b.final, equal_nan=True)


def test_pixels_are_single_runs():
    """A pixel's status, steps and final point are those of gd.run with that pixel's settings."""
    m = gd.map("momentum", "rosenbrock", x=("lr", np.geomspace(1e-4, 1e-2, 9)), y=("y", np.linspace(-1, 2, 7)),
               steps=800, measure="steps", keep_final=True, momentum=0.8)
    for i, j in [(0, 0), (3, 4), (6, 8), (2, 7), (5, 1)]:
        traj = gd.run(gd.optimizer("momentum", lr=m.x[j], momentum=0.8), "rosenbrock",
                      start=[-1.5, m.y[i]], steps=800)
        assert m.status[i, j] == traj.status
        assert np.array_equal(m.final[i, j], traj.params[-1])
        if traj.status == "converged":
            assert m.values[i, j] == traj.stop
        else:
            assert np.isnan(m.values[i, j])


def test_trainability_is_the_notebook_measure():
    """Sohl-Dickstein's convergence_measure on the loss sequence of gd.run, written out again here."""
    lrs = np.geomspace(1e-3, 0.2, 10)
    m = gd.map("gd", "egg-crate", x=("lr", lrs), y=("x", [-4.0, 1.0]), steps=60, measure="trainability", tol=0,
               kernel="numpy")   # numpy's sin on both sides (the fused kernel's is the C library's)
    for i, x0 in enumerate([-4.0, 1.0]):
        for j, lr in enumerate(lrs):
            traj = gd.run(gd.optimizer("gd", lr=lr), "egg-crate", start=[x0, -4.5], steps=60, tol=0)
            v = np.concatenate([traj.loss[:60], np.full(60 - min(60, len(traj.loss)), np.inf)])
            if traj.status == "diverged":
                v[traj.stop + 1:] = np.inf
            v = np.where(np.isfinite(v), v, 1e6 * v[0])
            v = v / v[0]
            v = np.minimum(v, 1e6)
            want = -v.sum() if v[-20:].mean() < 1 else (1 / v).sum()
            assert m.values[i, j] == pytest.approx(want, rel=1e-12)
    assert (m.values < 0).any() and (m.values > 0).any()


def test_basins_agree_with_single_runs():
    b = gd.basins("himmelblau", "gd", grid=(30, 24), steps=2000)
    assert b.labels.shape == (24, 30) and b.minima.shape == (4, 2)
    assert b.share.sum() + b.none_share == pytest.approx(1.0)
    assert (b.share > 0.1).all()   # Himmelblau's four basins each hold a real share
    lr = b.map.hyperparams["lr"]
    for i, j in [(0, 0), (5, 20), (12, 14), (23, 29), (17, 3), (9, 9)]:
        traj = gd.run(gd.optimizer("gd", lr=lr), "himmelblau", start=[b.x[j], b.y[i]], steps=2000)
        d = np.linalg.norm(b.minima - traj.params[-1], axis=1)
        want = int(d.argmin()) if traj.status != "diverged" and d.min() < 0.05 * 12 else -1
        assert b.labels[i, j] == want


def test_basins_of_an_expression():
    """A double well: the starts left of x = 0 reach (-1, 0), the right ones (1, 0); runs still on
    their way (1000 small steps) count where they are headed, as gd.restarts counts them."""
    b = gd.basins("x**4 - 2*x**2 + y**2", grid=(20, 9), steps=1000)
    assert b.minima.tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    left = b.x < 0
    assert (b.labels[:, left] == 0).all() and (b.labels[:, ~left] == 1).all()
    assert b.share.tolist() == [0.5, 0.5] and (b.map.status == "max_steps").any()


def test_egg_crate_basins_global_share_matches_restarts():
    b = gd.basins("egg-crate", "gd", grid=60, steps=1500)
    r = gd.restarts("egg-crate", n=400, steps=1500, seed=3)
    assert 0 < b.global_share < 0.5
    se = (b.global_share * (1 - b.global_share) / 400) ** 0.5
    assert abs(r.global_share - b.global_share) < 4 * se + 0.02


@pytest.mark.parametrize("tile", [1, 7, 64, 1000])
def test_tiles_are_bit_identical(tile):
    kw = dict(x=("lr", np.geomspace(1e-3, 0.5, 23)), y=("momentum", np.linspace(0, 0.95, 11)), steps=150,
              measure="trainability")
    whole = gd.map("momentum", "rosenbrock", tile=10_000, **kw)
    cut = gd.map("momentum", "rosenbrock", tile=tile, **kw)
    assert np.array_equal(whole.values, cut.values) and np.array_equal(whole.codes, cut.codes)


def test_dask_is_bit_identical(tmp_path):
    """An existing Client, a scheduler address, a scheduler file, or True (a LocalCluster made here)."""
    distributed = pytest.importorskip("distributed")
    kw = dict(x=("lr", np.geomspace(1e-3, 0.5, 30)), y=("momentum", np.linspace(0, 0.95, 20)), steps=200,
              measure="rate", tile=97)
    serial = gd.map("momentum", "elongated", **kw)
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = gd.map("momentum", "elongated", client=client, **kw)
        ref = gd.map("momentum", "elongated", client=client, kernel="numpy", **kw)
        by_address = gd.map("momentum", "elongated", client=cluster.scheduler_address, **kw)
        file = tmp_path / "scheduler.json"
        file.write_text(json.dumps({"type": "Scheduler", "address": cluster.scheduler_address}))
        by_file = gd.map("momentum", "elongated", client=str(file), **kw)
    for m in (on_dask, ref, by_address, by_file):
        assert np.array_equal(serial.values, m.values) and np.array_equal(serial.codes, m.codes)
    b1 = gd.basins("himmelblau", grid=12, steps=500)
    b2 = gd.basins("himmelblau", grid=12, steps=500, client=True, tile=20)
    assert np.array_equal(b1.labels, b2.labels)


def test_progress_reports_every_pixel():
    seen = []
    gd.map("gd", "bowl", x=("lr", np.linspace(0.1, 1, 30)), y=("x", np.linspace(-2, 2, 10)), steps=50, tile=64,
           progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (300, 300) and len(seen) == 5 and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_memory_is_bounded_by_the_tile():
    """A 1024 x 1024 map in tiles of 4096 pixels: beyond its 9 MiB result, the peak grows by the
    tile's working arrays, not by the map."""
    kw = dict(x=("lr", np.geomspace(1e-3, 0.5, 1024)), y=("momentum", np.linspace(0, 0.95, 1024)), steps=3)
    gd.map("momentum", "elongated", tile=4096, **{**kw, "x": ("lr", [0.1, 0.2])})   # compile outside the trace
    tracemalloc.start()
    m = gd.map("momentum", "elongated", tile=4096, **kw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = m.values.nbytes + m.codes.nbytes
    assert peak - result < 4 * 2**20, (peak, result)


def test_status_strings_and_repr():
    m = gd.map("gd", "elongated", x=("lr", [0.05, 0.09, 0.11]), y=("x", [-3.0, 3.0]), steps=500)
    assert m.status.tolist() == [["converged", "converged", "diverged"]] * 2
    assert m.values[0].tolist()[:2] == [291.0, 159.0] and np.isnan(m.values[0, 2])
    assert STATUSES[DIVERGED] == "diverged" and "lr x x" in repr(m)
    assert m.at(0.09, 2.9) == (1, 1)


@pytest.mark.parametrize("call,message", [
    (lambda: gd.map("gd", "bowl", x=("speed", [1, 2]), y=("x", [0, 1])), "unknown x axis"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1]), y=("x", [0, 1])), "needs 2 to 8192 values"),
    (lambda: gd.map("gd", "bowl", x=("lr", np.ones(9000)), y=("x", [0, 1])), "needs 2 to 8192 values"),
    (lambda: gd.map("gd", "bowl", x=("lr", [[0.1, 0.2]]), y=("x", [0, 1])), "needs 2 to 8192 values"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, np.nan]), y=("x", [0, 1])), "must be finite"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, -1]), y=("x", [0, 1])), "lr must be"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("lr", [0, 1])), "different things"),
    (lambda: gd.map("gd", "bowl", x="lr", y=("x", [0, 1])), "must be (name, values)"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), measure="speed"), "unknown measure"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), method="guess"), "unknown method"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1e9])), "divergence bound"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), tile=0), "tile must be"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), steps=10**7), "at most 1,000,000"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), lr=0.1), "axis of the map"),
    (lambda: gd.map("sgd", "linear-regression", x=("lr", [0.1, 0.2]), y=("w", [0, 1])), "full-batch"),
    (lambda: gd.map(gd.optimizer("adam"), "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1])), "takes its name"),
    (lambda: gd.map("adam", "bowl", x=("lr", [0.1, 0.2]), y=("beta1", [0, 1]), method="theory"), "covers gd"),
    (lambda: gd.map("gd", "rosenbrock", x=("lr", [0.1, 0.2]), y=("momentum", [0, 1]), method="theory"),
     "quadratic surface"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), method="theory"), "depend on the start"),
    (lambda: gd.map("adam", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), kernel="fused"), "no fused kernel"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), client="nowhere"), "client must be"),
    (lambda: gd.map("gd", "bowl", x=("lr", [0.1, 0.2]), y=("x", [0, 1]), start="here"), "start must be"),
    (lambda: gd.basins("parabola"), "2-D surface"),
    (lambda: gd.basins("bowl", grid=1), "grid must be"),
    (lambda: gd.basins("bowl", grid=(10, 10000)), "grid must be"),
    (lambda: gd.basins("bowl", bounds=((1, 0), (0, 1))), "bounds must be"),
])
def test_bad_input_is_one_line(call, message):
    with pytest.raises(UserInputError) as e:
        call()
    assert message in str(e.value) and "\n" not in str(e.value)


def test_numpy_path_runs_any_native_optimizer():
    m = gd.map("adam", "rosenbrock", x=("lr", np.geomspace(1e-3, 0.3, 6)), y=("beta1", [0.5, 0.9, 0.99]), steps=300)
    assert m.values.shape == (3, 6) and set(m.status.ravel()) <= set(STATUSES)
    assert simulate.KERNELS == ("auto", "fused", "numpy") and tiles.TILE == 50_000
    assert theory.rate("momentum", 0.5, 0.25, [1.0]) == pytest.approx(0.5)
