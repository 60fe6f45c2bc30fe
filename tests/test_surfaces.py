"""Surfaces: derivatives against finite differences, shapes, parameters, expressions, data."""
import re

import numpy as np
import pytest
from conftest import sample_points

import gdviz as gd
from gdviz.surfaces.expression import MAX_LENGTH


def numeric_grad(f, p, h=1e-6):
    g = np.zeros_like(p)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        g[i] = (f(p + e) - f(p - e)) / (2 * h)
    return g


def test_grad_matches_finite_differences(any_surface):
    s = any_surface
    for p in sample_points(s):
        num = numeric_grad(lambda q: float(s.value(q)), p)
        np.testing.assert_allclose(s.grad(p), num, rtol=1e-5, atol=1e-5 * (1 + np.abs(num).max()))


def test_hessian_matches_finite_differences_of_grad(any_surface):
    s = any_surface
    if s.params.get("loss") == "huber":
        pytest.skip("Huber's Hessian jumps where a residual crosses delta")
    for p in sample_points(s):
        num = np.stack([numeric_grad(lambda q, i=i: s.grad(q)[i], p) for i in range(s.dim)])
        np.testing.assert_allclose(s.hessian(p), num, rtol=1e-4, atol=1e-4 * (1 + np.abs(num).max()))


def test_vectorised_over_leading_axes(any_surface):
    s = any_surface
    pts = sample_points(s, 12).reshape(3, 4, s.dim)
    assert s.value(pts).shape == (3, 4)
    assert s.grad(pts).shape == (3, 4, s.dim)
    assert s.hessian(pts).shape == (3, 4, s.dim, s.dim)
    np.testing.assert_allclose(s.value(pts)[1, 2], s.value(pts[1, 2]))
    np.testing.assert_allclose(s.hessian(pts)[2, 3], s.hessian(pts[2, 3]))


def test_known_minima_are_stationary_and_lowest(any_surface):
    s = any_surface
    assert s.minima.shape[1] == s.dim and len(s.minima) >= 1
    assert s.bounds.shape == (s.dim, 2) and (s.bounds[:, 0] < s.bounds[:, 1]).all()
    g = s.grad(s.minima)
    assert np.abs(g).max() < 1e-5 * (1 + np.abs(s.value(s.start)))
    assert (np.linalg.eigvalsh(s.hessian(s.minima)) > -1e-9).all()
    assert s.value(s.minima[0]) <= s.value(s.minima).min() + 1e-12
    assert s.value(s.minima[0]) <= s.value(sample_points(s, 50)).min()
    assert s.title["en"] and s.title["zh"]


@pytest.mark.parametrize("name,expected", [
    ("rosenbrock", [[1, 1]]), ("beale", [[3, 0.5]]), ("bowl", [[0, 0]]), ("saddle", [[1, 0], [-1, 0]]),
])
def test_textbook_minima(name, expected):
    np.testing.assert_allclose(gd.surface(name).minima, expected, atol=1e-12)


def test_himmelblau_has_four_zero_minima():
    s = gd.surface("himmelblau")
    assert len(s.minima) == 4
    np.testing.assert_allclose(s.value(s.minima), 0, atol=1e-20)


def test_egg_crate_grid_of_minima_global_at_origin():
    s = gd.surface("egg-crate")
    assert len(s.minima) == 25
    np.testing.assert_allclose(s.minima[0], [0, 0])
    assert (s.value(s.minima[1:]) > 1).all()  # local minima are higher
    np.testing.assert_allclose(s.grad(s.minima), 0, atol=1e-8)


def test_saddle_point_is_a_saddle():
    s = gd.surface("saddle")
    ev = np.linalg.eigvalsh(s.hessian([0.0, 0.0]))
    np.testing.assert_allclose(ev, [-1, 2])
    np.testing.assert_allclose(s.grad([0.0, 0.0]), 0)


def test_elongated_condition_number_parameter():
    for kappa in (5, 20, 100):
        ev = np.linalg.eigvalsh(gd.surface("elongated", condition=kappa).hessian([0.3, -0.2]))
        assert ev.max() / ev.min() == pytest.approx(kappa)


def test_parabola_parameters():
    s = gd.surface("parabola", curvature=2.0, centre=1.5)
    assert s.value([3.5]) == pytest.approx(0.5 * 2.0 * 4.0)
    assert s.grad([3.5]).tolist() == [4.0]
    np.testing.assert_allclose(s.minima, [[1.5]])


def test_unknown_surface_suggests_closest():
    with pytest.raises(ValueError, match=r"unknown surface 'rosenbrok' \(did you mean 'rosenbrock'\?\)"):
        gd.surface("rosenbrok")


def test_unknown_surface_parameter():
    with pytest.raises(ValueError, match="unknown parameter 'kappa' for elongated; accepted: condition"):
        gd.surface("elongated", kappa=3)


@pytest.mark.parametrize("bad", [-1, 0, float("nan"), float("inf")])
def test_bad_surface_numbers(bad):
    with pytest.raises(ValueError, match="condition must be a finite number > 0"):
        gd.surface("elongated", condition=bad)


def test_wrong_point_dimension():
    with pytest.raises(ValueError, match="'bowl' is 2-D"):
        gd.surface("bowl").value([1.0, 2.0, 3.0])


# -- expressions -----------------------------------------------------------------------------
def test_expression_exact_derivatives():
    s = gd.surface("x**2 + 10*y**2")
    assert s.dim == 2 and s.variables == ("x", "y")
    assert s.grad([1.0, 1.0]).tolist() == [2.0, 20.0]
    assert s.hessian([0.3, 0.7]).tolist() == [[2.0, 0.0], [0.0, 20.0]]
    np.testing.assert_allclose(s.minima, [[0, 0]], atol=1e-9)


def test_expression_one_variable_and_caret_power():
    s = gd.surface("(w-3)^2")
    assert s.dim == 1 and s.variables == ("w",)
    assert s.grad([1.0]).tolist() == [-4.0]
    np.testing.assert_allclose(s.minima, [[3.0]])


def test_expression_variable_order_and_constants():
    s = gd.surface("b**2 + (w - pi)**2")
    assert s.variables == ("w", "b")
    np.testing.assert_allclose(s.minima, [[np.pi, 0]], atol=1e-9)


def test_expression_bounds_parameter():
    s = gd.surface("(x-8)**2 + y**2", bounds=[(0, 10), (-2, 2)])
    np.testing.assert_allclose(s.minima, [[8, 0]], atol=1e-9)


@pytest.mark.parametrize("text,message", [
    ("__import__('os').system('echo hacked')", "attribute access (.system)"),
    ("__import__('os')", "function '__import__'"),
    ("x.__class__", "attribute access"),
    ("os", "unknown surface 'os'"),
    ("x + foo", "unknown name 'foo'"),
    ("open('f')", "function 'open'"),
    ("(lambda: 1)()", "this kind of call"),
    ("[x for x in y]", "ListComp"),
    ("x if y else 1", "IfExp"),
    ("'abc' + x", "the literal 'abc'"),
    ("x**2 +", "not valid arithmetic"),
    ("9**9**9 + x", "exponent"),
    ("x ** 1000", "exponent 1000 is too large"),
    ("x" + " + x" * 200, "too long"),
    ("x*y*w", "has 3 variables"),
    ("2 + 3", "has no variable"),
    ("", "expression is empty"),
    ("x / 0", "divides by zero"),
    ("sin(x, y)", "takes exactly one argument"),
    ("1e300 * x", "too large"),
])
def test_unsafe_or_bad_expressions_rejected(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gd.surface(text)


def test_rejected_expression_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError):
        gd.surface("__import__('pathlib').Path('pwned').touch() or x")
    assert not (tmp_path / "pwned").exists()


def test_expression_length_limit_is_documented_number():
    assert len("x" + " + x" * 200) > MAX_LENGTH


# -- data-driven losses ----------------------------------------------------------------------
def test_feature_scaling_changes_conditioning():
    raw = gd.surface("linear-regression", features="raw")
    std = gd.surface("linear-regression", features="standardized")
    cond = lambda s: np.linalg.cond(s.hessian(s.minima[0]))  # noqa: E731
    assert cond(raw) > 50
    assert cond(std) == pytest.approx(1.0, abs=1e-9)
    # the same fitted line either way
    w_std, b_std = std.minima[0]
    x = raw.x_raw
    pred_std = w_std * (x - x.mean()) / x.std() + b_std
    np.testing.assert_allclose(pred_std, raw.minima[0][0] * x + raw.minima[0][1], atol=1e-8)


def test_mse_minimum_is_least_squares():
    s = gd.surface("linear-regression")
    w, b = np.polyfit(s.x, s.y, 1)
    np.testing.assert_allclose(s.minima[0], [w, b], rtol=1e-10)
    r = w * s.x + b - s.y
    assert s.value([w, b]) == pytest.approx(np.mean(r ** 2))


def test_mae_and_huber_resist_outliers():
    fits = {loss: gd.surface("linear-regression", loss=loss, outliers=8).minima[0] for loss in
            ("mse", "mae", "huber")}
    clean = gd.surface("linear-regression").minima[0]
    err = {k: np.abs(v - clean).sum() for k, v in fits.items()}
    assert err["mae"] < err["mse"] and err["huber"] < err["mse"]


def test_mae_value_and_minimum():
    s = gd.surface("linear-regression", loss="mae", n=30)
    w, b = s.minima[0]
    assert s.value([w, b]) == pytest.approx(np.abs(w * s.x + b - s.y).mean())
    # a minimum: no small move lowers the loss
    for d in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert s.value([w + d[0], b + d[1]]) >= s.value([w, b]) - 1e-12


def test_minibatch_gradient_is_mean_of_sample_gradients():
    s = gd.surface("linear-regression", loss="huber", n=20)
    p = np.array([1.0, 2.0])
    singles = np.array([s.batch_grad(p, np.array([i])) for i in range(20)])
    np.testing.assert_allclose(singles.mean(0), s.grad(p))
    np.testing.assert_allclose(s.batch_grad(p, np.arange(20)), s.grad(p))


def test_user_arrays_and_csv(tmp_path):
    x = np.array([0.0, 1, 2, 3])
    y = 2 * x + 1
    s = gd.surface("linear-regression", x=x, y=y)
    np.testing.assert_allclose(s.minima[0], [2, 1], atol=1e-10)
    f = tmp_path / "data.csv"
    f.write_text("area,price\n" + "\n".join(f"{a},{b}" for a, b in zip(x, y)) + "\n")
    s2 = gd.surface("linear-regression", data=str(f), x_column="area", y_column="price")
    np.testing.assert_allclose(s2.minima[0], [2, 1], atol=1e-10)
    with pytest.raises(ValueError, match="column 'size' is not in"):
        gd.surface("linear-regression", data=str(f), x_column="size")
    with pytest.raises(ValueError, match="does not exist"):
        gd.surface("linear-regression", data=str(tmp_path / "nope.csv"))
    (tmp_path / "bad.csv").write_text("1,2\n3,oops\n")
    with pytest.raises(ValueError, match="two numeric columns"):
        gd.surface("linear-regression", data=str(tmp_path / "bad.csv"))


def test_logistic_regression_minimum_and_labels():
    s = gd.surface("logistic-regression")
    np.testing.assert_allclose(s.grad(s.minima[0]), 0, atol=1e-10)
    assert s.minima[0][0] > 0  # class 1 has larger x
    with pytest.raises(ValueError, match="labels y must be 0 or 1"):
        gd.surface("logistic-regression", x=[1, 2, 3], y=[0, 2, 1])
    with pytest.raises(ValueError, match="perfectly separable"):
        gd.surface("logistic-regression", x=[1, 2, 3, 4], y=[0, 0, 1, 1])


def test_data_validation():
    with pytest.raises(ValueError, match="unknown loss 'l3'"):
        gd.surface("linear-regression", loss="l3")
    with pytest.raises(ValueError, match="unknown features 'scaled'"):
        gd.surface("linear-regression", features="scaled")
    with pytest.raises(ValueError, match="same length"):
        gd.surface("linear-regression", x=[1, 2, 3], y=[1, 2])
    with pytest.raises(ValueError, match="NaN"):
        gd.surface("linear-regression", x=[1, 2, np.nan], y=[1, 2, 3])


@pytest.mark.parametrize("text", ["sin(x)*y", "1/x", "tan(x)", "x + y"])
def test_expressions_report_no_fake_minima(text):
    s = gd.surface(text)
    for m in s.minima:  # every reported minimum is stationary (or a kink) and inside the window
        assert ((m > s.bounds[:, 0]) & (m < s.bounds[:, 1])).all()
        assert np.linalg.norm(s.grad(m)) < 1e-5


def test_kink_minimum_is_found():
    np.testing.assert_allclose(gd.surface("abs(w - 3) + 1").minima, [[3.0]], atol=1e-9)


@pytest.mark.parametrize("kw", [{"loss": "mse"}, {"loss": "huber"}, {"loss": "mae"}, None])
def test_data_surfaces_evaluate_a_grid_in_bounded_chunks_with_the_same_numbers(monkeypatch, kw):
    """A contour grid over many samples is evaluated a few points at a time (points x samples at
    most CHUNK_VALUES numbers at once): the same bits as in one go."""
    from gdviz.surfaces import data

    s = gd.surface("linear-regression", n=500, **kw) if kw else gd.surface("logistic-regression", n=500)
    grid = sample_points(s, 7 * 9).reshape(7, 9, 2)
    whole = s.value(grid), s.grad(grid), s.hessian(grid), s.batch_grad(grid, np.arange(0, 500, 3))
    calls = []
    monkeypatch.setattr(data, "CHUNK_VALUES", 2000)   # 4 points of 500 samples at a time
    original = data.np.concatenate
    monkeypatch.setattr(data.np, "concatenate", lambda parts, *a, **k: calls.append(len(parts)) or original(parts))
    chunked = s.value(grid), s.grad(grid), s.hessian(grid), s.batch_grad(grid, np.arange(0, 500, 3))
    for a, b in zip(whole, chunked):
        assert a.shape == b.shape and np.array_equal(a, b)
    assert calls and max(calls) >= 16   # 63 points in chunks of 4 (6 for the 167-sample batch)
