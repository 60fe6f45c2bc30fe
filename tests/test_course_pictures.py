"""Issue 17 §4: the course's pictures no other entry showed: feature scaling with two weights,
one curve with a plateau, a saddle point and a local minimum, cross-entropy over three classes and
the feed-forward prediction sigma(theta^T x + b). Their numbers, claims, bad input and figures."""
import numpy as np
import pytest

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.lessons import build
from gdviz.lessons.course import cross_entropy_classes, feature_ranges, feed_forward, stuck
from gdviz.surfaces.data import TwoFeatureRegression, synthetic_houses


# -- the two-feature surface ------------------------------------------------------------------------
def test_houses_have_uncorrelated_features_on_ranges_ten_times_apart():
    rooms, ages, price = synthetic_houses()
    assert (rooms.min(), rooms.max(), ages.min(), ages.max()) == (1, 5, 0, 40)
    assert rooms.var() == 2 and ages.var() == 200 and ((rooms - rooms.mean()) * (ages - ages.mean())).mean() == 0
    assert price.size == 25


def test_raw_hessian_is_axis_aligned_and_standardizing_makes_it_round():
    raw, std = TwoFeatureRegression(), TwoFeatureRegression("standardized")
    assert raw.hessian(raw.minima[0]).tolist() == [[4.0, 0.0], [0.0, 400.0]]
    np.testing.assert_allclose(std.hessian(std.minima[0]), 2 * np.eye(2), atol=1e-12)


def test_minimum_is_least_squares_and_intercept_is_at_its_best():
    s = TwoFeatureRegression()
    rooms, ages, price = synthetic_houses()
    A = np.stack([rooms, ages, np.ones_like(rooms)], 1)
    (w1, w2, b), *_ = np.linalg.lstsq(A, price, rcond=None)
    np.testing.assert_allclose(s.minima[0], [w1, w2], rtol=1e-10)
    assert s.intercept(s.minima[0]) == pytest.approx(b, rel=1e-10)
    # the loss over (w1, w2) is the full model's MSE with b at its best
    p = np.array([3.0, -1.0])
    full = ((A @ np.array([*p, s.intercept(p)]) - price) ** 2).mean()
    assert s.value(p) == pytest.approx(full, rel=1e-12)


@pytest.mark.parametrize("features", ["raw", "standardized"])
def test_gradient_hessian_and_symbolic_agree_with_the_loss(features):
    import sympy as sp

    s = TwoFeatureRegression(features)
    P = s.minima[0] + np.array([[1.0, -2.0], [-5.0, 0.5], [0.0, 0.0]])
    h = 1e-5
    for p in P:
        fd = [(s.value(p + e) - s.value(p - e)) / (2 * h) for e in np.eye(2) * h]
        np.testing.assert_allclose(s.grad(p), fd, rtol=1e-6, atol=1e-6)
    w1, w2 = sp.symbols("w1 w2", real=True)
    f = sp.lambdify((w1, w2), s.symbolic().subs({sp.Symbol("w1", real=True): w1, sp.Symbol("w2", real=True): w2}))
    np.testing.assert_allclose([f(*p) for p in P], s.value(P), rtol=1e-9)
    # mini-batch gradients over every sample are the full gradient
    np.testing.assert_allclose(s.batch_grad(P[0], np.arange(25)), s.grad(P[0]), rtol=1e-12)


@pytest.mark.parametrize("kw, message", [
    ({"x1": [1, 2, 3]}, "give all three arrays x1, x2 and y, or none (the built-in houses)"),
    ({"x1": [1, 2], "x2": [1, 2], "y": [1, 2]}, "x1, x2 and y must have the same length >= 3, got 2, 2 and 2"),
    ({"x1": [1, 2, 3], "x2": [2, 4, 6], "y": [1, 2, 4]},
     "the two features are proportional: the loss has no single minimum"),
    ({"x1": [1, 1, 1], "x2": [1, 2, 3], "y": [1, 2, 4], "features": "standardized"},
     "cannot standardize: all values of a feature are equal"),
    ({"x1": [1, 1, 1], "x2": [1, 2, 3], "y": [1, 2, 4]}, "all values of a feature are equal: the loss has no "
     "single minimum"),
    ({"x1": [1, 2, float("nan")], "x2": [1, 2, 3], "y": [1, 2, 4]}, "data contains NaN or infinite values"),
])
def test_bad_data_is_one_clear_line(kw, message):
    with pytest.raises(UserInputError) as e:
        TwoFeatureRegression(**kw)
    assert str(e.value) == message


def test_surface_is_in_the_registry_and_round_trips_its_spec():
    s = gd.surface("two-feature-regression", features="standardized", seed=3)
    again = gd.surface(s.spec()["name"], **s.spec()["params"])
    np.testing.assert_array_equal(again.minima, s.minima)


# -- the lessons --------------------------------------------------------------------------------------
def test_feature_ranges_numbers():
    r = feature_ranges()
    (raw, std) = r.trajectories
    assert [t.status for t in r.trajectories] == ["converged", "converged"]
    assert (raw.n_steps, std.n_steps) == (3681, 28)
    assert r.rates == [0.00125, 0.25]            # 0.5 / 400 and 0.5 / 2, printed as run
    assert r.info["condition"][0] == pytest.approx(100) and r.info["condition"][1] == pytest.approx(1)
    assert round(r.info["angle"][0]) == 77 and r.info["angle"][1] < 0.1
    assert all(c.holds for c in r.claims)


def test_plateau_saddle_runs_stop_where_the_picture_says():
    r = stuck()
    plateau, saddle, local, best = r.trajectories
    assert plateau.status == "max_steps" and plateau.n_steps == 3000 and abs(plateau.params[-1, 0] - 0.4) < 0.02
    assert saddle.status == "converged" and saddle.n_steps == 2679 and abs(saddle.params[-1, 0] - 2) < 3e-3
    assert abs(saddle.grads[-1, 0]) < 1e-5 <= abs(saddle.grads[-2, 0])   # the stated rule: |gradient| < 1e-5
    assert local.status == "converged" and local.params[-1, 0] == pytest.approx(4, abs=1e-5)
    assert best.status == "converged" and best.params[-1, 0] == pytest.approx(7, abs=1e-5)
    s = r.surface
    # the curve's special points: gradient 0 at each; the saddle's second derivative is 0 too
    pts = np.array([[2.0], [4.0], [5.5], [7.0]])
    np.testing.assert_allclose(s.grad(pts).ravel(), 0, atol=1e-9)
    assert abs(s.hessian(np.array([2.0]))[0, 0]) < 1e-9 and s.hessian(np.array([4.0]))[0, 0] > 1
    assert all(c.holds for c in r.claims)


def test_a_start_that_misses_the_plateau_fails_its_claim():
    r = stuck(starts=(1.2, 1.2, 2.5, 6.0))
    assert not next(c for c in r.claims if c.key == "plateau").holds


def test_cross_entropy_over_three_classes():
    r = cross_entropy_classes()
    assert [round(v, 3) for v in r.info["losses"]] == [0.357, 0.357, 2.303]
    assert all(c.holds for c in r.claims)
    other = cross_entropy_classes(predictions=((0.2, 0.7, 0.1), (0.1, 0.6, 0.3), (0.6, 0.1, 0.3)))
    assert not next(c for c in other.claims if c.key == "same-p-same-loss").holds


def test_feed_forward_numbers_recompute():
    r = feed_forward()
    assert [round(z, 2) for z in r.info["z"]] == [1.37, -1.2]
    assert [round(a, 3) for a in r.info["a"]] == [0.797, 0.231]
    assert all(c.holds for c in r.claims)


@pytest.mark.parametrize("name", ["feature-ranges", "plateau-saddle", "cross-entropy-classes", "feed-forward"])
def test_lessons_are_built_by_name(name):
    assert build(name).lesson == name


# -- the figures ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["cross-entropy-classes", "feed-forward"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_render_with_their_claims(kind, lang, tmp_path):
    from gdviz.render.figures import figure, save

    fig = figure(kind, lang=lang)
    assert fig.gdviz_claims and all(c.holds for c in fig.gdviz_claims)
    path = save(fig, tmp_path / f"{kind}.png")
    assert path.stat().st_size > 10_000
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert ("0.357" in texts) if kind == "cross-entropy-classes" else ("0.797" in texts)
