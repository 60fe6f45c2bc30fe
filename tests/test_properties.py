"""Property tests: the expression parser never lets anything but a clear ValueError escape."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gdviz as gd
from gdviz.errors import UserInputError

ATOMS = st.sampled_from(["x", "y", "w", "1", "2", "0", "0.5", "pi", "e", "foo", "__import__", "''", "-1", "(x-x)"])
OPS = st.sampled_from(["+", "-", "*", "/", "**", "^", ".", ",", "(", ")", " ", "[", "]", "lambda", "sin(",
                       "exp(", "log(", "sqrt(", "abs("])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(ATOMS, OPS), min_size=1, max_size=12).map("".join))
def test_parser_only_raises_user_errors(text):
    try:
        s = gd.surface(text)
    except UserInputError:
        return
    # accepted: the surface evaluates to numbers or NaN, never raises
    p = s.start
    v, g, h = s.value(p), s.grad(p), s.hessian(p)
    assert np.shape(v) == () and g.shape == (s.dim,) and h.shape == (s.dim, s.dim)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_arbitrary_text_only_raises_user_errors(text):
    try:
        gd.surface(text)
    except UserInputError:
        pass


@settings(max_examples=50, deadline=None, derandomize=True)
@given(a=st.floats(0.1, 10), b=st.floats(0.1, 10), cx=st.floats(-3, 3), cy=st.floats(-3, 3))
def test_typed_quadratic_matches_builtin_math(a, b, cx, cy):
    s = gd.surface(f"{a!r}*(x - ({cx!r}))**2 + {b!r}*(y - ({cy!r}))**2")
    np.testing.assert_allclose(s.hessian([0.0, 0.0]), [[2 * a, 0], [0, 2 * b]], rtol=1e-12)
    np.testing.assert_allclose(s.grad([cx, cy]), [0, 0], atol=1e-9)
