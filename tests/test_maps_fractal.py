"""Box counting and the trainability boundary's edge rule (gdviz.maps.fractal)."""
import numpy as np
import pytest

from gdviz.errors import UserInputError
from gdviz.maps.fractal import box_counting_dimension, box_counts, edges


def koch_points(level):
    """The Koch curve from (0, 0) to (1, 0) after ``level`` replacements."""
    pts = np.array([0.0 + 0j, 1.0 + 0j])
    turn = np.exp(1j * np.pi / 3)
    for _ in range(level):
        a, b = pts[:-1], pts[1:]
        d = (b - a) / 3
        new = np.stack([a, a + d, a + d + d * turn, a + 2 * d], axis=1).ravel()
        pts = np.append(new, pts[-1])
    return pts


def rasterise(pts, n):
    """Mark the pixels an n x n image of [0, 1]^2 that the polyline through pts passes."""
    img = np.zeros((n, n), bool)
    a, b = pts[:-1], pts[1:]
    t = np.linspace(0, 1, 8)[None, :]
    seg = a[:, None] + (b - a)[:, None] * t
    ix = np.clip((seg.real * (n - 1)).round().astype(int), 0, n - 1)
    iy = np.clip((seg.imag * (n - 1)).round().astype(int) + n // 8, 0, n - 1)
    img[iy.ravel(), ix.ravel()] = True
    return img


def test_edges_follow_the_notebooks_sign_change_rule():
    v = np.array([[-1.0, -2.0, 3.0], [-1.0, 0.0, 4.0], [5.0, 6.0, 7.0]])
    # window corners: top-left (-1,-2,-1,0): max*min = 0 -> no edge; top-right (-2,3,0,4) -> edge
    assert edges(v).tolist() == [[False, True], [True, False]]
    assert not edges(np.full((4, 4), np.nan)).any()


def test_box_counts_of_a_single_pixel_are_one_at_every_size():
    img = np.zeros((64, 64), bool)
    img[5, 7] = True
    sizes, counts = box_counts(img)
    assert sizes.tolist() == [1, 2, 4, 8, 16, 32, 64] and counts.tolist() == [1] * 7


@pytest.mark.parametrize("kind", ["row", "diagonal"])
def test_a_straight_line_has_dimension_one(kind):
    img = np.zeros((512, 512), bool)
    if kind == "row":
        img[200, :] = True
    else:
        img[np.arange(512), np.arange(512)] = True
    assert box_counting_dimension(img).dimension == pytest.approx(1.0, abs=0.05)


def test_a_filled_squares_boundary_has_dimension_one():
    v = -np.ones((512, 512))
    v[100:400, 150:450] = 1.0
    bc = box_counting_dimension(edges(v))
    assert bc.dimension == pytest.approx(1.0, abs=0.05)
    assert bc.fit == (2, 32)          # 511 pixels a side: boxes of 2 to 32 (511 // 8 = 63)


def test_a_random_sign_field_fills_the_plane():
    v = np.random.default_rng(0).standard_normal((512, 512))
    assert box_counting_dimension(edges(v)).dimension == pytest.approx(2.0, abs=0.05)


def test_the_koch_curve_has_dimension_log4_over_log3():
    img = rasterise(koch_points(7), 1024)
    assert box_counting_dimension(img).dimension == pytest.approx(np.log(4) / np.log(3), abs=0.1)


def test_bad_images_get_one_line_errors():
    with pytest.raises(UserInputError, match=r"^edges needs a 2-D map at least 2 x 2, got shape \(3,\)$"):
        edges(np.ones(3))
    with pytest.raises(UserInputError, match="needs an image of at least 64 pixels a side"):
        box_counting_dimension(np.ones((16, 16), bool))
    with pytest.raises(UserInputError, match="no boundary pixel"):
        box_counting_dimension(np.zeros((256, 256), bool))
