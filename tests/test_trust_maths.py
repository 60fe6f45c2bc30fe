"""Honest mathematics (issue 16, section 5): what was typed is what is evaluated, a kink minimum
is a minimum, valleys have minima, lookalike letters are named, foreign optimizers take finite
numbers, and a race says what it can and cannot rank."""
import math
import warnings

import numpy as np
import pytest

import gdviz as gd
from gdviz import engine, races
from gdviz.cli import main
from gdviz.errors import UserInputError


def _typed(text, x, y):
    """``text`` evaluated as typed, with numpy's real arithmetic (NaN outside the domain)."""
    names = {"x": x, "y": y, "sqrt": np.sqrt, "log": np.log, "exp": np.exp, "tan": np.tan, "atan": np.arctan,
             "abs": np.abs}
    with np.errstate(all="ignore"):
        return np.broadcast_to(eval(text.replace("^", "**"), {"__builtins__": {}}, names), x.shape)  # noqa: S307


# -- 1. sympy's simplifications never widen the domain ---------------------------------------------
WIDENED = [  # typed form, the part sympy would simplify, what it would become
    ("sqrt(x)**2 + y**2", "sqrt(x)**2", "x"),
    ("exp(log(x)) + y**2", "exp(log(x))", "x"),
    ("sqrt(x)*sqrt(x) + y**2", "sqrt(x)*sqrt(x)", "x"),
    ("(x**(1/3))**3 + y**2", "(x**(1/3))**3", "x"),
    ("sqrt(x)**4 + y**2", "sqrt(x)**4", "x**2"),
    ("x**0.5*x**0.5 + y**2", "x**0.5*x**0.5", "x**1.0"),
    ("exp(2*log(x)) + y**2", "exp(2*log(x))", "x**2"),
    ("sqrt(x - 1)**2 + y**2", "sqrt(x - 1)**2", "x - 1"),
    ("sqrt(-x)**2 + y**2", "sqrt(-x)**2", "-x"),
    ("sqrt(x)**-2 + y**2", "sqrt(x)**-2", "1/x"),
    ("0*log(x) + y**2", "0*log(x)", "0"),
    ("x/x + y**2", "x/x", "1"),
    ("x*y/y + y**2", "x*y/y", "x"),
    ("x**3/x + y**2", "x**3/x", "x**2"),
    ("sqrt(1e6 - x)**2 + y**2", "sqrt(1e6 - x)**2", "1000000.0 - x"),
]


@pytest.mark.parametrize("text, part, becomes", WIDENED, ids=[w[0] for w in WIDENED])
def test_a_simplification_that_widens_the_domain_is_refused_naming_it(text, part, becomes):
    with pytest.raises(UserInputError) as e:
        gd.surface(text)
    msg = str(e.value)
    assert f"sympy would simplify {part} to {becomes}, which has values where {part} has none (e.g. at " in msg
    assert "\n" not in msg


KEPT = ["log(exp(x)) + y**2", "sqrt(x**2) + y**2", "(x**2)**(1/4) + y**2", "sqrt(4*x) + y**2", "sqrt(4.0*x) + y**2",
        "sqrt(-4*x) + y**2", "sqrt(x)**3 + y**2", "sqrt(x**2*y) + x**2", "sqrt(exp(x)) + y**2", "tan(atan(x)) + y**2",
        "sqrt((x-1)**2) + y**2", "exp(log(x)/2) + y**2", "(x**2)**0.5 + y**2", "sqrt(x**2 + 1)**2 + y**2",
        "exp(log(x**2 + 1)) + y**2", "x*y/(x**2 + 1) + y**2", "sqrt(x)*sqrt(y)", "x**2 + 10*y**2"]


@pytest.mark.parametrize("text", KEPT)
def test_simplifications_that_keep_the_domain_evaluate_what_was_typed(text):
    s = gd.surface(text)
    axis = np.linspace(-4, 4, 41) + 0.013    # off the grid of whole numbers: no 0/0 on purpose
    x, y = np.meshgrid(axis, axis, indexing="ij")
    typed = _typed(text, x, y)
    built = s.value(np.stack([x, y], -1))
    np.testing.assert_array_equal(np.isfinite(built), np.isfinite(typed))
    ok = np.isfinite(typed)
    np.testing.assert_allclose(built[ok], typed[ok], rtol=1e-12, atol=1e-12)


def test_the_issue_case_no_longer_walks_to_a_negative_loss():
    with pytest.raises(UserInputError, match=r"sqrt\(x\)\*\*2 to x"):
        gd.run("gd", "sqrt(x)**2 + y**2")
    assert main(["run", "-s", "sqrt(x)**2 + y**2"]) == 2


# -- 2. kinks, starts past the bound, valleys -------------------------------------------------------
def test_a_run_that_lands_on_a_kink_minimum_has_converged_there():
    t = gd.run(gd.optimizer("gd", lr=1), "sqrt(x**2+y**2)", start=[1, 0])
    assert (t.status, t.n_steps) == ("converged", 1)
    assert t.params[-1].tolist() == [0.0, 0.0] and t.loss[-1] == 0.0
    assert np.isfinite(t.grads).all() and t.grads[-1].tolist() == [0.0, 0.0]    # 0: a subgradient there
    one = gd.run(gd.optimizer("gd", lr=2), "sqrt(abs(w))", start=[1.0])    # a cusp in 1-D
    assert (one.status, one.n_steps, one.params[-1].tolist()) == ("converged", 1, [0.0])


def test_a_start_on_a_kink_minimum_has_converged_at_once():
    t = gd.run("adam", "sqrt(x**2+y**2)", start=[0, 0])
    assert (t.status, t.n_steps) == ("converged", 0) and np.isfinite(t.grads).all()


def test_a_batch_keeps_its_other_members_when_one_lands_on_a_kink():
    t = gd.run(gd.optimizer("gd", lr=[1.0, 0.3]), "sqrt(x**2+y**2)", start=[1, 0], steps=50)
    assert t.status.tolist() == ["converged", "max_steps"] and t.stop.tolist() == [1, 50]
    assert np.isfinite(t.grads).all() and np.isfinite(t.params).all()


def test_landing_on_a_kink_that_is_not_a_minimum_stops_there_with_the_reason():
    # sqrt(x^2 + y^2) + 2x falls to the left of the origin: its kink is no minimum
    with pytest.warns(UserWarning, match=r"not defined at \(0, 0\).*not a minimum"):
        t = gd.run(gd.optimizer("gd", lr=1 / 3), "sqrt(x**2+y**2) + 2*x", start=[1, 0])
    assert t.status == "diverged" and t.params[-1].tolist() == [1.0, 0.0]
    assert np.isfinite(t.grads).all() and np.isfinite(t.loss).all()
    with pytest.raises(UserInputError, match=r"gradient of 'sqrt\(x\*\*2\+y\*\*2\) \+ 2\*x' is not defined at the "
                                             r"start \[0.0, 0.0\]"):
        gd.run("gd", "sqrt(x**2+y**2) + 2*x", start=[0, 0])


def test_the_engine_docstring_says_what_a_kink_is():
    doc = engine.__doc__
    assert "kink" in doc and "subgradient" in doc


def test_a_start_past_the_divergence_bound_is_refused_with_both_numbers():
    with pytest.raises(UserInputError, match=r"start \[1000000.0, 0.0\] is 1e\+06 from the centre of the window "
                                             r"in x, past the divergence bound 8000"):
        gd.run("gd", "x**2+y**2", start=[1e6, 0])
    with pytest.raises(UserInputError, match=r"past the divergence bound 50 \(max_distance\)"):
        gd.run("gd", "x**2+y**2", start=[[0, 0], [0, -60]], max_distance=50)
    assert gd.run("gd", "x**2+y**2", start=[7999, 0], steps=3).n_steps == 3    # inside the bound: it runs


VALLEYS = [  # typed, the minimum shown (nearest the window's centre), the valley's direction
    ("x**2 + 0*y", [0, 0], [0, 1]),
    ("(x - y)**2", [0, 0], [1, 1]),
    ("(x - 0.33)**2 + 0*y", [0.33, 0], [0, 1]),
    ("(x + 2*y - 1)**2", [0.2, 0.4], [2, -1]),
    ("abs(x - y)", [0, 0], [1, 1]),
    ("y**2 + 0*x + 1", [0, 0], [1, 0]),
]


@pytest.mark.parametrize("text, point, direction", VALLEYS, ids=[v[0] for v in VALLEYS])
def test_a_valley_of_minima_reports_one_of_its_points_and_its_direction(text, point, direction):
    s = gd.surface(text)
    assert len(s.minima) == 1
    np.testing.assert_allclose(s.minima[0], point, atol=1e-9)
    d = np.asarray(direction, float) / np.linalg.norm(direction)
    assert abs(abs(s.valleys[0] @ d) - 1) < 1e-6
    loss = "1" if text.endswith("+ 1") else "0"
    assert s.minima_note.startswith(f"the minimum is not isolated: the loss is {loss} all along a valley through (")


def test_isolated_minima_are_not_valleys_and_plateaus_are_not_minima():
    for text in ("x**2 + y**2", "(x**2 + y**2 - 1)**2 + x", "abs(w - 3) + 1"):
        s = gd.surface(text)
        assert len(s.minima) >= 1 and not s.valleys.any() and s.minima_note is None
    flat = gd.surface("-tanh(10*x) - tanh(10*y)")   # flat in floating point beyond |x| > 2: no minimum there
    assert flat.minima.size == 0


def test_gdviz_run_on_a_valley_names_it(capsys):
    assert main(["run", "-s", "x**2 + 0*y", "--lr", "0.1", "-n", "200"]) == 0
    out = capsys.readouterr().out
    assert "nearest minimum" in out and "valley" in out


# -- 3. lookalike letters ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("х**2", "unknown name 'х' (U+0445 CYRILLIC SMALL LETTER HA); did you mean 'x'?"),
    ("𝑥**2", "unknown name '𝑥' (U+1D465 MATHEMATICAL ITALIC SMALL X); did you mean 'x'?"),
    ("ｘ**2 + y", "unknown name 'ｘ' (U+FF58 FULLWIDTH LATIN SMALL LETTER X); did you mean 'x'?"),
    ("x**2 + у**2", "unknown name 'у' (U+0443 CYRILLIC SMALL LETTER U); did you mean 'y'?"),
    ("x**2 + уy", "unknown name 'уy' (U+0443 CYRILLIC SMALL LETTER U); formulas are plain ASCII"),
    ("θ0**2 + theta1", "unknown name 'θ0' (U+03B8 GREEK SMALL LETTER THETA); did you mean 'theta0'?"),
    ("π*x**2", "unknown name 'π' (U+03C0 GREEK SMALL LETTER PI); did you mean 'pi'?"),
    ("x**2 − y", "uses '−' (U+2212 MINUS SIGN); did you mean '-'?"),
    ("x² + y", "uses '²' (U+00B2 SUPERSCRIPT TWO); did you mean '**2'?"),
    ("x\u00a0+ y", "uses '\\xa0' (U+00A0 NO-BREAK SPACE); did you mean ' '?"),
    ("ж + x", "unknown name 'ж' (U+0436 CYRILLIC SMALL LETTER ZHE); formulas are plain ASCII"),
])
def test_a_non_ascii_letter_is_named_by_its_code_point(text, message):
    with pytest.raises(UserInputError) as e:
        gd.surface(text)
    assert message in str(e.value)


def test_gdviz_names_the_lookalike_in_one_line(capsys):
    assert main(["run", "-s", "х**2 + y**2"]) == 2
    err = capsys.readouterr().err
    assert "U+0445 CYRILLIC SMALL LETTER HA" in err and err.count("\n") == 1


# -- 4. adapters and races --------------------------------------------------------------------------
@pytest.mark.parametrize("spec, hp, name", [
    ("torch:SGD", {"lr": 0.1, "momentum": math.inf}, "momentum"),
    ("torch:SGD", {"lr": math.nan}, "lr"),
    ("torch:Adam", {"lr": 0.1, "betas": (0.9, math.inf)}, "betas"),
    ("torch:Adam", {"lr": [0.1, 0.2], "eps": [1e-8, -math.inf]}, "eps"),
    ("optax:adam", {"lr": 0.1, "b1": math.inf}, "b1"),
    ("optax:sgd", {"lr": 0.1, "momentum": math.nan}, "momentum"),
])
def test_foreign_optimizers_refuse_numbers_that_are_not_finite(spec, hp, name):
    with pytest.raises(UserInputError, match=f"{name} for {spec} must be finite, got "):
        gd.optimizer(spec, **hp)


def test_an_infinite_value_the_library_itself_defaults_to_is_accepted():
    opt = gd.optimizer("pytorch_optimizer:Prodigy", growth_rate=math.inf)   # its default: no limit
    assert opt.hyperparams["growth_rate"] == "inf"


def test_a_learning_rate_given_twice_is_refused():
    with pytest.raises(UserInputError, match="optax:adam: give the learning rate once, as lr or learning_rate"):
        gd.optimizer("optax:adam", lr=0.1, learning_rate=0.5)


@pytest.mark.parametrize("args", [["-o", "optax:adam", "-H", "learning_rate=0.5", "--lr", "0.1"],
                                  ["-o", "adam", "-H", "lr=0.5", "--lr", "0.1"],
                                  ["-o", "torch:Adam", "-H", "lr=0.5", "--lr", "0.1"]])
def test_gdviz_run_refuses_two_learning_rates_in_one_line(args, capsys):
    assert main(["run", *args, "-n", "5"]) == 2
    err = capsys.readouterr().err
    assert "learning rate once" in err and err.count("\n") == 1


def test_gdviz_sweep_refuses_a_learning_rate_as_a_hyperparameter(capsys):
    assert main(["sweep", "-s", "bowl", "-H", "lr=0.5", "-n", "5"]) == 2
    err = capsys.readouterr().err
    assert "gdviz sweep varies the learning rate: give the rates as --lrs, not -H lr" in err and err.count("\n") == 1


def test_pytorch_optimizer_adafactor_runs_and_records_its_state_in_float64():
    t = gd.run(gd.optimizer("pytorch_optimizer:AdaFactor", lr=0.1), "x**2 + 10*y**2", steps=20)
    assert np.isfinite(t.params).all() and t.state
    assert all(v.dtype == np.float64 and np.isfinite(v).all() for v in t.state.values())


def test_a_race_takes_names_not_functions():
    with pytest.raises(UserInputError, match="a race takes optimizer names .* got a function"):
        gd.race("x**2+y**2", [lambda p, g, t: p - 0.1 * g])
    with pytest.raises(UserInputError, match="a race takes optimizer names"):
        gd.race("x**2+y**2", ["gd", gd.optimizer("adam")], tune=False)


def test_a_race_on_a_surface_with_no_minimum_says_it_crowns_nobody(capsys):
    with pytest.warns(UserWarning, match="no optimizer reached the tolerance and 'x \\+ y' has no minimum"):
        r = gd.race("x + y", ["gd", "adam"], steps=200, grid=20)
    assert "only says which went farthest downhill" in r.note
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gd.race("bowl", ["gd", "adam"], steps=200, grid=20).note == ""
    assert main(["race", "-s", "x + y", "-O", "gd,adam", "-n", "200", "--grid", "20"]) == 0
    assert "gdviz: warning: no optimizer reached the tolerance" in capsys.readouterr().err


@pytest.mark.parametrize("names, message", [
    (["gd"] * 9, "a race takes at most 8 optimizers (one panel each), got 9"),
    (["gd", "adam", "gd"], "a race takes each optimizer once: 'gd' is named twice"),
    (["gd", "gradient-descent"], "a race takes each optimizer once: 'gd' is named twice"),
    (["torch:Adam", "torch:adam"], "a race takes each optimizer once: 'torch:Adam' is named twice"),
])
def test_a_race_checks_its_racers_first(names, message, monkeypatch):
    monkeypatch.setattr(races, "tune_rate", lambda *a, **k: pytest.fail("tuned before the racers were checked"))
    with pytest.raises(UserInputError) as e:
        races.race("bowl", names)
    assert message in str(e.value)


def test_gdviz_race_checks_its_racers_before_building_the_surface(capsys, monkeypatch):
    from gdviz import surfaces

    monkeypatch.setattr(surfaces, "surface", lambda *a, **k: pytest.fail("surface built first"))
    assert main(["race", "-O", ",".join(["gd", "adam"] * 50)]) == 2
    err = capsys.readouterr().err
    assert "at most 8 optimizers" in err and err.count("\n") == 1
    assert main(["race", "-O", "gd,adam,gd"]) == 2
    assert "'gd' is named twice" in capsys.readouterr().err
