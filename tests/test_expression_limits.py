"""Expressions are bounded in time and memory: a hostile formula gets a clear one-line refusal
naming the limit (or, when it is legitimate, a working surface), and 1-D surfaces that are NaN
or infinite on part of the window draw their finite part.

Each expression is built in a worker process, capped at ``CAP`` seconds and a few GB of memory:
only so that a regression fails instead of hanging CI; no timing is asserted.
"""
import multiprocessing as mp
import os

import numpy as np
import pytest

import gdviz as gd
from gdviz.cli import main
from gdviz.errors import UserInputError
from gdviz.surfaces import expression as E

CAP = 20  # seconds per expression


def _build(text):
    try:
        s = gd.surface(text)
        p = s.start
        s.value(p), s.grad(p), s.hessian(p)
        return "ok", f"{s.dim}-D, {len(s.minima)} minima"
    except UserInputError as e:
        return "refused", str(e)
    except BaseException as e:  # an internal error: report it, keep the worker alive
        return "crash", f"{type(e).__name__}: {e}"


def _worker(conn):
    try:  # a regression that explodes in memory fails fast instead of swapping
        import resource

        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (used + (3 << 30), resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass
    while (text := conn.recv()) is not None:
        conn.send(_build(text))


class Builder:
    """Builds expressions in one reused worker; one that takes over CAP seconds (or dies) is
    killed and replaced, and the test fails."""

    def __init__(self):
        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.proc = None

    def _start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()

    def __call__(self, text):
        if self.proc is None or not self.proc.is_alive():
            self._start()
        self.conn.send(text)
        try:
            if self.conn.poll(CAP):
                return self.conn.recv()
            problem = f"took more than {CAP} s"
        except EOFError:
            problem = "killed the worker (out of memory?)"
        self.proc.kill()
        self.proc.join()
        self.proc = None
        pytest.fail(f"building {text!r} {problem}")

    def close(self):
        if self.proc is not None and self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()


@pytest.fixture(scope="module")
def build():
    E._sympy()  # imported before the fork: the worker starts at once
    b = Builder()
    yield b
    b.close()


def nest(f, n, inner="x"):
    return f"{f}(" * n + inner + ")" * n


NUMBER = "numbers, typed or computed, may be at most 1e+12"
DEEP = "nested too deeply"
SECOND = "too large second derivatives"

# (expression, a piece of the one-line refusal); the first ones are the tester's
HOSTILE = [
    ("(64**64)**64*x**2", NUMBER),
    ("((((64**64)**64)**64)**64)**64*x**2", NUMBER),
    ("x**2*exp(-(((64**64)**64)**64))", NUMBER),
    (nest("sigmoid", 30), DEEP),
    (nest("cos", 50), DEEP),
    # towers and huge numbers after folding
    ("exp(exp(exp(10)))*x", "number exp(exp(10)) is too large (beyond 1e308)"),
    ("x**2*exp(-exp(exp(10)))", NUMBER),
    ("10**(10**10)*x", "exponent 10000000000 is too large (at most 64)"),
    ("x**64**64", NUMBER),
    ("2**2**2**2**2*x", "exponent 65536 is too large"),
    ("(9**9)**9 + x", "number (9**9)**9 is too large (1.97e+77)"),
    ("1e12**64*x", NUMBER),
    ("x**2*exp(1000)", "number exp(1000) is too large"),
    ("x**2*10**13", "number 10**13 is too large (1e+13)"),
    ("pi**64*x", "number pi**64 is too large"),
    ("sin(exp(exp(5)))*x", "number exp(exp(5)) is too large"),
    ("x*" + "*".join(["64**6"] * 30), NUMBER),
    # numbers sympy produces while simplifying, with a variable in the way
    ("(x*10**12)**64", "(x*10**12)**64 produces a number that is too large"),
    ("((((x*10**12)**64)**64)**64)**64", "produces a number that is too large"),
    ("(pi*x)**64", "pi**64 = 6.57e+31"),
    ("(exp(20)*x)**64", "exp(1280)"),
    ("(((((((x**64)**64)**64)**64)**64)**64)**64)", "produces a number that is too large"),
    ("x*1e12*1e12", "produces a number that is too large (1e+24)"),
    ("exp(w + 705.75)", "produces a number that is too large (3.19e+306)"),
    # tiny numbers, zero and undefined
    ("x/(exp(-1000))", "divides by zero (or by a number too close to zero: exp(-1000))"),
    ("x/(cos(1)**2 + sin(1)**2 - 1)", "divides by zero"),
    ("x/(1-1)", "divides by zero"),
    ("x/(e**2 - exp(2))", "divides by zero"),
    ("x/(x-x)", "divides by zero"),
    ("0**-1 + x", "divides by zero (in 0**-1)"),
    ("x**(0**-1)", "divides by zero"),
    ("x + log(0)", "is undefined: log(0) has no value"),
    ("(x - x)**-1", "is undefined"),
    ("x*tan(pi/2)", "number tan(pi/2) is too large"),
    ("sqrt(-1)*x", "undefined or complex"),
    ("log(-1)*x", "undefined or complex"),
    ("(-8)**(1/3)*x", "undefined or complex"),
    ("0**x", "no usable derivative"),
    # nesting: every function
    *[(nest(f, 31), DEEP) for f in ("sin", "tan", "exp", "log", "ln", "tanh", "sinh", "cosh",
                                    "atan", "arctan")],
    (nest("sigmoid", 8), DEEP),
    ("(" * 40 + "x" + ")" * 40 + " + " + nest("exp", 31, "y"), DEEP),
    ("-" * 290 + "x", "too complex"),
    # derivatives that explode from short text
    (nest("tanh", 20, "x*y"), SECOND),
    (nest("sigmoid", 7, "x*y"), SECOND),
    ("*".join(f"sin(x+{i}*y)" for i in range(1, 14)), "too large"),
    (nest("sin", 14, "x*y") + "*" + nest("cos", 14, "x*y"), SECOND),
    # length and text
    ("x" + " + x" * 200, "too long"),
    ("x² + y²", "not valid arithmetic"),
    ("λ*x", "unknown name 'λ'"),
    ("x**2 + 1j", "the literal 1j"),
    ("1e999*x", "number inf is too large"),
]

# hostile-looking but legitimate (several crashed or hung before the limits)
LEGITIMATE = [
    "x**2 + 10*y**2", "(1-x)**2 + 100*(y-x**2)**2", "(x**2+y-11)**2 + (x+y**2-7)**2",
    "(1.5-x+x*y)**2+(2.25-x+x*y**2)**2+(2.625-x+x*y**3)**2", "softplus(x*y) + 0.1*(x**2+y**2)",
    "sigmoid(sigmoid(x))", nest("sin", 8), nest("exp", 29), "abs(abs(abs(x-1)-1)-1)",
    nest("sqrt", 40), nest("abs", 40), nest("softplus", 25),  # sympy folds these up
    "x**2 + 1e12*y**2", "x**2*exp(20)", "(x/2)**64", "(1+1/10**12)**64*x",
    "((((1+1/10**12)**64)**64)**64)**64*x",  # exact fractions past MAX_BITS become floats
    "(((x/3)**64)**64)**64",
    "abs(log(x))", "abs(sqrt(x)-1) + y**2", "sin(1/(x*y))", "x*sin(1/x)", "x**x", "x**y",
    "sigmoid(-1000)*x + sigmoid(-30)*y", "x**2*exp(-1000)", "2**-60*x**2", "abs(sqrt(-1))*x",
    "log(x)", "x*log(x)", "sqrt(w)", "1/w", "log(x*y)", "sqrt(x-5)",
    "*".join(f"sin(x+{i}*y)" for i in range(1, 10)),
    "(" + "+".join(f"sin(x*y+{i})" for i in range(1, 10)) + ")**64",
]


@pytest.mark.parametrize("text,message", HOSTILE, ids=lambda v: v[:40] if isinstance(v, str) else None)
def test_hostile_expression_is_refused_clearly(build, text, message):
    outcome, detail = build(text)
    assert outcome == "refused", f"{text!r}: {outcome}: {detail}"
    assert message in detail, detail
    assert "\n" not in detail and len(detail) < 600


@pytest.mark.parametrize("text", LEGITIMATE, ids=lambda v: v[:40])
def test_legitimate_expression_builds(build, text):
    outcome, detail = build(text)
    assert outcome == "ok", f"{text!r}: {outcome}: {detail}"


def test_tables_are_large():
    assert len(HOSTILE) >= 50 and len(LEGITIMATE) >= 30
    assert all(len(t) <= E.MAX_LENGTH for t, m in HOSTILE if m != "too long")


def test_limits_sit_where_documented(build):
    # nesting: MAX_DEPTH levels pass, one more is refused
    assert build(nest("exp", E.MAX_DEPTH - 1))[0] == "ok"
    outcome, detail = build(nest("exp", E.MAX_DEPTH))
    assert outcome == "refused" and f"at most {E.MAX_DEPTH}" in detail
    # numbers: MAX_CONSTANT passes, typed or computed; above it is refused, typed or computed
    assert build("x*10**12")[0] == "ok" and build("x*1e12")[0] == "ok"
    for text in ("x*10**12*10", "x*10**13", "x*1.0000001e12", "(10*x)**13"):
        outcome, detail = build(text)
        assert outcome == "refused" and NUMBER in detail, (text, detail)


def test_derivative_limits_are_checked_in_order(monkeypatch):
    # the gradient is measured before the Hessian is computed
    monkeypatch.setattr(E, "MAX_GRADIENT_SIZE", 5)
    with pytest.raises(UserInputError, match="too large a gradient"):
        gd.surface("sin(x)*cos(y)*x")
    monkeypatch.setattr(E, "MAX_GRADIENT_SIZE", 10_000)
    monkeypatch.setattr(E, "MAX_HESSIAN_SIZE", 5)
    with pytest.raises(UserInputError, match="too large second derivatives"):
        gd.surface("sin(x)*cos(y)*x")


def test_cli_refuses_hostile_expression_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for text in ("(64**64)**64*x**2", nest("sigmoid", 30)):
        assert main(["run", "--surface", text]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("gdviz: error: "), err


# -- 1-D surfaces with NaN or inf on part of the window ----------------------------------------
def _finite_limits(fig):
    for ax in fig.axes:
        assert np.isfinite(ax.get_xlim()).all() and np.isfinite(ax.get_ylim()).all()


@pytest.mark.parametrize("text", ["log(x)", "x*log(x)", "sqrt(w)", "1/w",
                                  "2.1*exp(w + 705)"])  # finite, but 1.08 x its top overflows
@pytest.mark.parametrize("kind", ["path", "loss-curve"])
@pytest.mark.filterwarnings("ignore:No artists with labels")  # a run that diverges at once
def test_partly_undefined_1d_surface_draws_its_finite_part(text, kind, tmp_path):
    fig = gd.figure(kind, surface=text)
    _finite_limits(fig)
    gd.save(fig, tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000


def test_partly_undefined_1d_surface_from_the_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for args in (["plot", "loss-curve", "--surface", "x*log(x)", "-o", "a.png"],
                 ["plot", "lr-triptych", "--surface", "x*log(x)", "-o", "b.png"],
                 ["gif", "--surface", "x*log(x)", "--lr", "0.1", "--frames", "12", "-o", "c.gif"]):
        assert main(args) == 0, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png", "c.gif"]


@pytest.mark.parametrize("text,lr", [("log(x)", 5.0), ("x*log(x)", 3.0), ("sqrt(w)", 2.0)])
def test_run_into_a_non_finite_region_ends_cleanly(text, lr):
    s = gd.surface(text)
    for name in ("gd", "momentum", "adam"):
        t = gd.run(gd.optimizer(name, lr=lr), s, steps=200)
        assert t.status in ("converged", "diverged", "max_steps")
        assert np.isfinite(t.params).all() and np.isfinite(t.loss).all()
