"""Learning-rate regimes, sweeps and random restarts."""
import numpy as np
import pytest

import gdviz as gd


def test_regimes_of_the_course_parabola():
    r = gd.regimes("parabola")
    assert r.L == pytest.approx(0.625)
    assert r.goldilocks == pytest.approx(1.6) and r.diverge == pytest.approx(3.2)
    assert r.classify([0.1, 0.7, 1.0, 1.6, 1.8, 2.6, 3.2, 4.0]).tolist() == [
        "too small", "too small", "goldilocks", "goldilocks", "goldilocks", "too large",
        "diverges", "diverges"]
    assert r.classify(0.1) == "too small"


def test_regime_triple_behaves_as_named():
    s = gd.surface("parabola")
    small, good, large = gd.regimes(s).triple()
    runs = [gd.run(gd.optimizer("gd", lr=lr), s, steps=1000) for lr in (small, good, large)]
    assert [t.status for t in runs] == ["converged", "converged", "diverged"]
    assert runs[1].n_steps == 1 < runs[0].n_steps
    w = runs[2].params[:8, 0]
    assert (np.sign(w[1:]) != np.sign(w[:-1])).all()  # too large: overshoots every step...
    assert (np.abs(w[1:]) > np.abs(w[:-1])).all()      # ...and lands farther away (figure 7)
    assert (np.sign(runs[0].params[:, 0]) == -1).all()  # too small: never overshoots


def test_goldilocks_is_the_fastest_rate_in_two_dimensions():
    """On the elongated bowl (curvatures 1 and 20) the fastest fixed rate is 2/(L + mu), not 1/L."""
    r = gd.regimes("elongated")
    assert (r.L, r.mu) == pytest.approx((20.0, 1.0))
    assert r.goldilocks == pytest.approx(2 / 21) and r.diverge == pytest.approx(0.1)
    sw = gd.sweep("elongated", "gd", np.linspace(0.02, 0.0999, 200), steps=3000)
    assert sw.best() == pytest.approx(r.goldilocks, rel=0.02)  # step counts are whole numbers
    assert r.classify(sw.best()) == "goldilocks"
    lo, hi = r.band()   # inside the band the slowest error shrinks at least half as fast, per step
    inside = (sw.lrs >= lo) & (sw.lrs <= hi)
    assert np.log(r.factor(sw.lrs[inside])).max() <= 0.5 * np.log(r.factor(r.goldilocks)) + 1e-12
    assert sw.steps[inside].max() <= 2.5 * sw.steps.min()   # so about twice the steps, at most
    assert (sw.steps[~inside] > sw.steps[inside].min()).all()
    small, good, large = r.triple()
    assert r.classify([small, good, large]).tolist() == ["too small", "goldilocks", "diverges"]


def test_regime_quad_is_seed_004s_four_curves():
    for name in ("parabola", "elongated"):
        r = gd.regimes(name)
        assert r.classify(np.array(r.quad())).tolist() == ["too small", "goldilocks", "too large", "diverges"]


def test_regimes_use_curvature_at_start_on_rosenbrock():
    r = gd.regimes("rosenbrock", start=[-1.5, 2.0])
    h = gd.surface("rosenbrock").hessian([-1.5, 2.0])
    assert r.L == pytest.approx(np.linalg.eigvalsh(h).max())


def test_regimes_fall_back_where_start_is_concave():
    r = gd.regimes("saddle", start=[0.0, 0.0])  # L at the saddle is 2 (the y direction)
    assert r.L == pytest.approx(2.0)
    with pytest.raises(ValueError, match="no positive curvature"):
        gd.regimes("-(w**2) + 0*w", start=[1.0])


def test_sweep_is_one_batched_run_with_theory_lines():
    sw = gd.sweep("parabola", "gd", [0.1, 0.7, 1.0, 1.6, 1.8, 4.0], steps=200)
    assert sw.steps.tolist() == [81, 10, 6, 1, 3, 20]
    assert sw.status.tolist() == ["converged"] * 5 + ["diverged"]
    assert sw.trajectory.params.shape[1] == 6
    assert sw.best() == pytest.approx(1.6)
    assert np.isfinite(sw.final_loss).all()


def test_default_sweep_brackets_the_theory():
    sw = gd.sweep("elongated", "gd", steps=3000)
    assert len(sw.lrs) == 25
    below = sw.lrs < 0.99 * sw.regimes.diverge
    above = sw.lrs > 1.01 * sw.regimes.diverge
    assert (sw.status[below] != "diverged").all()
    assert (sw.status[below][-5:] == "converged").all()
    assert (sw.status[above] == "diverged").all()


def test_sweep_for_adaptive_optimizer():
    sw = gd.sweep("rosenbrock", "adam", [0.001, 0.01, 0.1], steps=3000)
    assert sw.final_loss[2] < sw.final_loss[0]


def test_restarts_find_different_basins_on_egg_crate():
    res = gd.restarts("egg-crate", n=40, seed=1)
    assert res.starts.shape == (40, 2) and res.finals.shape == (40, 2)
    assert (res.basin >= 0).all()  # gradient descent ends in a dimple from every start
    assert (res.counts > 0).sum() >= 8  # many different minima
    assert res.counts.sum() == 40
    np.testing.assert_allclose(res.finals, res.minima[res.basin], atol=1e-3)
    again = gd.restarts("egg-crate", n=40, seed=1)
    np.testing.assert_array_equal(res.starts, again.starts)


def test_restarts_on_convex_bowl_all_reach_the_one_minimum():
    res = gd.restarts("bowl", n=10)
    assert res.global_share == 1.0


def test_restarts_on_himmelblau_reach_all_four():
    res = gd.restarts("himmelblau", n=60, steps=5000)
    assert (res.counts > 0).all()
