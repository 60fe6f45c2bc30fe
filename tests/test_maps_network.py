"""The trainability map of the paper's tiny network (gdviz.maps.network): the numba kernel
against the numpy reference, its tanh against numpy's, independence of threads and tiles, and
one-line errors."""
import numpy as np
import pytest

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.maps import network as nw

pytest.importorskip("numba")

CONFIG = nw.NetworkConfig()


def test_the_papers_configuration():
    assert (CONFIG.width, CONFIG.n_params, CONFIG.n_data, CONFIG.steps) == (16, 272, 272, 100)
    w1, w2, x, y = CONFIG.problem()
    rng = np.random.default_rng(0)                       # numpy's generator, in the order W1, W2, X, Y
    assert np.array_equal(w1, rng.standard_normal((16, 16))) and np.array_equal(w2, rng.standard_normal(16))
    assert x.shape == (272, 16) and y.shape == (272,)


def test_convergence_measure_is_the_notebooks():
    def notebook(v):      # convergence_measure of the notebook, on ratios already clipped
        return -v.sum() if v[-20:].mean() < 1 else (1 / v).sum()

    losses = np.array([[2.0, 1.8, 1.6], [2.0, 4.0, 8.0], [2.0, 1e7, np.inf], [2.0, np.nan, np.nan]])
    ratios, diverged = nw.capped_ratios(losses, 2.0)
    assert ratios.tolist() == [[1.0, 0.9, 0.8], [1.0, 2.0, 4.0], [1.0, 1e6, 1e6], [1.0, 1e6, 1e6]]
    assert diverged.tolist() == [False, False, True, True]
    sums = {"sum_v": ratios.sum(1), "sum_inv": (1 / ratios).sum(1), "tail": ratios.mean(1)}
    assert nw.measure(sums).tolist() == pytest.approx([notebook(v) for v in ratios])


def test_own_tanh_is_within_three_ulp_of_numpys():
    from gdviz.maps._network_kernel import tanh_array

    x = np.concatenate([np.linspace(-25, 25, 200_001), np.geomspace(1e-300, 30, 20_001),
                        -np.geomspace(1e-300, 30, 20_001), [0.625, np.nextafter(0.625, 0), 19.0, 20.0, 21.0]])
    mine, ref = tanh_array(x), np.tanh(x)
    assert np.max(np.abs(mine - ref) / np.spacing(np.abs(ref))) <= 3
    special = tanh_array(np.array([0.0, -0.0, np.inf, -np.inf, np.nan]))
    assert special[:4].tolist() == [0.0, -0.0, 1.0, -1.0] and np.signbit(special[1]) and np.isnan(special[4])


def grid(n=12):
    """Learning rates across the boundary (both statuses present)."""
    g1, g2 = np.geomspace(0.3, 300, n), np.geomspace(0.3, 300, n)
    l1, l2 = np.meshgrid(g1, g2)
    return l1.ravel(), l2.ravel(), n


def test_numba_kernel_matches_the_numpy_reference():
    lr1, lr2, n = grid()
    ref, ref_div = nw.train_numpy(CONFIG, lr1, lr2)
    fast, fast_div = nw.train_numba(CONFIG, lr1, lr2)
    assert (ref < 0).any() and (ref > 0).any() and ref_div.any()   # the grid crosses the boundary
    s = (ref < 0).reshape(n, n)
    pad = np.pad(s, 2, mode="edge")
    inside = np.ones_like(s)
    for dy in range(5):
        for dx in range(5):
            inside &= pad[dy:dy + n, dx:dx + n] == s               # two pixels from the boundary
    assert inside.sum() > n * n // 2
    # the reference's matmul rounds as the machine's BLAS kernel does, the kernel fuses multiply-adds:
    # on the chaotic boundary a pixel may tip either way; away from it, the same status and numbers
    inside = inside.ravel()
    assert np.array_equal((ref < 0)[inside], (fast < 0)[inside]) and np.array_equal(ref_div[inside], fast_div[inside])
    assert np.mean((ref < 0) == (fast < 0)) >= 0.95
    np.testing.assert_allclose(fast[inside], ref[inside], rtol=1e-9, atol=0)


def test_odd_data_sets_and_few_steps_match_too():
    config = nw.NetworkConfig(width=5, dataset_param_multiple=0.5, seed=3, steps=7)   # 15 points: odd
    lr1, lr2 = np.geomspace(0.5, 50, 9), np.geomspace(50, 0.5, 9)
    ref, ref_div = nw.train_numpy(config, lr1, lr2)
    fast, fast_div = nw.train_numba(config, lr1, lr2)
    np.testing.assert_allclose(fast, ref, rtol=1e-9)
    assert np.array_equal(fast_div, ref_div)


def test_the_result_does_not_depend_on_threads_or_tiles():
    lr1, lr2, _ = grid(6)
    one = nw.train_numba(CONFIG, lr1, lr2, threads=1)
    two = nw.train_numba(CONFIG, lr1, lr2, threads=2)
    alone = [nw.train_numba(CONFIG, lr1[i:i + 1], lr2[i:i + 1])[0][0] for i in (0, 7, 35)]
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])
    assert np.array_equal(alone, one[0][[0, 7, 35]])             # a pixel's lane in its block does not matter
    axis = np.geomspace(0.3, 300, 6)
    a = gd.trainability(x=("lr1", axis), y=("lr2", axis), tile=5)          # tiles cut blocks of LANES
    b = gd.trainability(x=("lr1", axis), y=("lr2", axis))
    assert np.array_equal(a.values, b.values) and np.array_equal(a.values.ravel(), one[0])


def test_dask_is_bit_identical_to_the_serial_map():
    distributed = pytest.importorskip("distributed")
    axis = np.geomspace(0.3, 300, 7)
    serial = gd.trainability(x=("lr1", axis), y=("lr2", axis), steps=30)
    seen = []
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = gd.trainability(x=("lr1", axis), y=("lr2", axis), steps=30, tile=11, client=client,
                                  progress=lambda done, total: seen.append((done, total)))
    assert np.array_equal(serial.values, on_dask.values) and np.array_equal(serial.codes, on_dask.codes)
    assert seen[-1] == (49, 49)


def test_trainability_map_fields_and_statuses():
    axis = np.geomspace(0.3, 300, 6)
    m = gd.trainability(x=("lr1", axis), y=("lr2", axis[:5]))
    assert m.values.shape == m.status.shape == (5, 6) and m.measure == "trainability"
    assert (m.xname, m.yname, m.xscale, m.yscale, m.steps) == ("lr1", "lr2", "log", "log", 100)
    assert set(m.status.ravel()) <= {"converged", "diverged", "max_steps"}
    assert np.array_equal(m.status == "converged", m.values < 0)
    t = gd.trainability(x=("lr2", axis[:5]), y=("lr1", axis))      # axes swapped: the transposed map
    assert np.array_equal(t.values, m.values.T)
    big = gd.trainability(x=("lr1", [1e4, 2e4]), y=("lr2", [1e4, 2e4]), steps=20)
    assert (big.status == "diverged").all()


@pytest.mark.parametrize("kwargs, message", [
    ({"x": ("lr", [1, 2])}, "x axis 'lr' is not a trainability axis; choose from: lr1, lr2"),
    ({"x": ("lr1", [1, -2])}, "x axis lr1: learning rates must be finite and > 0, got -2"),
    ({"y": ("lr2", [0.5])}, "y axis lr2 needs 2 to 8192 values in a 1-D list, got shape (1,)"),
    ({"y": ("lr1", [1, 2])}, "x and y must be different axes (lr1 and lr2), got lr1 twice"),
    ({"steps": 0}, "steps must be a whole number from 1 to 100000, got 0"),
    ({"tile": 0}, "tile must be a whole number of pixels from 1 to 1,000,000, got 0"),
    ({"x": [1, 2]}, "x must be a pair (name, values) with name lr1 or lr2, got [1, 2]"),
])
def test_bad_input_gets_one_line(kwargs, message):
    args = {"x": ("lr1", [1.0, 2.0]), "y": ("lr2", [1.0, 2.0])} | kwargs
    with pytest.raises(UserInputError) as e:
        gd.trainability(**args)
    assert str(e.value) == message


def test_import_gdviz_stays_numpy_only_until_a_map_is_computed():
    import subprocess
    import sys

    code = ("import sys, gdviz; gdviz.trainability; import gdviz.maps.fractal; "
            "print(sorted(m for m in ('numba', 'dask', 'jax', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
