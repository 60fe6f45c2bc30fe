"""gd.landscape, gd.interpolate, gd.train and Landscape.project/surface: numbers against one-by-one
evaluation, numpy's SVD and eigh, and each other (float64)."""
import numpy as np
import pytest

import gdviz as gd
from gdviz.errors import UserInputError
from gdviz.landscapes import directions as dirs
from gdviz.landscapes.model import ModelLoss


class TinyMLP(ModelLoss):
    """A 1-hidden-layer tanh network with MSE, written out here (value, gradient and an exact
    Hessian-vector product by the R-operator), batched over leading axes of p."""

    def __init__(self, n_in=2, hidden=3, n=20, seed=0):
        rng = np.random.default_rng(seed)
        self.X = rng.standard_normal((n, n_in))
        self.y = np.sin(self.X @ np.arange(1.0, n_in + 1))
        shapes = [(hidden, n_in), (hidden,), (1, hidden), (1,)]
        size = sum(int(np.prod(s)) for s in shapes)
        super().__init__(["0.weight", "0.bias", "1.weight", "1.bias"], shapes, ["weight", "bias", "weight", "bias"],
                         rng.uniform(-1, 1, size), params={"model": "tiny", "loss": "mse", "data": "test"})
        self.n_samples = n
        self.floats_per_point = 3 * n * hidden + size

    def parts(self, p):
        ends = np.cumsum(self.sizes)
        return [p[..., e - k:e].reshape(p.shape[:-1] + s) for e, k, s in zip(ends, self.sizes, self.shapes)]

    def forward(self, p):
        W1, b1, W2, b2 = self.parts(p)
        a = np.tanh(W1 @ self.X.T + b1[..., :, None])            # (..., h, n)
        return a, (W2 @ a)[..., 0, :] + b2                          # (..., n)

    def _value(self, p):
        r = self.forward(p)[1] - self.y
        return (r * r).mean(-1)

    def _grad(self, p):
        W1, b1, W2, b2 = self.parts(p)
        a, out = self.forward(p)
        dout = 2 * (out - self.y) / len(self.y)
        dz = W2[..., 0, :, None] * dout[..., None, :] * (1 - a * a)
        flat = [dz @ self.X, dz.sum(-1), (a @ dout[..., :, None])[..., None, :, 0], dout.sum(-1)[..., None]]
        return np.concatenate([g.reshape(p.shape[:-1] + (-1,)) for g in flat], axis=-1)

    def hvp(self, p, v):
        W1, b1, W2, b2 = self.parts(p)
        V1, c1, V2, c2 = self.parts(v)
        a, out = self.forward(p)
        n = len(self.y)
        dout = 2 * (out - self.y) / n
        Ra = (1 - a * a) * (V1 @ self.X.T + c1[:, None])
        Rout = (V2 @ a)[0] + (W2 @ Ra)[0] + c2
        Rdout = 2 * Rout / n
        da = W2[0][:, None] * dout[None, :]
        Rda = V2[0][:, None] * dout[None, :] + W2[0][:, None] * Rdout[None, :]
        Rdz = Rda * (1 - a * a) - da * 2 * a * Ra
        parts = [Rdz @ self.X, Rdz.sum(-1), (Ra @ dout + a @ Rdout)[None, :], [Rdout.sum()]]
        return np.concatenate([np.ravel(x) for x in parts])


@pytest.fixture(scope="module")
def tiny():
    return TinyMLP()


@pytest.fixture(scope="module")
def paths(tiny):
    """Two short runs from the model's weights (gd and momentum)."""
    return [gd.train(tiny, None, None, gd.optimizer("gd", lr=0.05), 30),
            gd.train(tiny, None, None, gd.optimizer("momentum", lr=0.02, momentum=0.9), 30)]


def test_the_test_model_is_right(tiny):
    """Its gradient and Hessian-vector product against central differences."""
    p, v = tiny.center, np.random.default_rng(1).standard_normal(tiny.dim)
    h = 1e-6
    fd = np.array([(tiny._value(p + h * e) - tiny._value(p - h * e)) / (2 * h) for e in np.eye(tiny.dim)])
    np.testing.assert_allclose(tiny._grad(p), fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(tiny.hvp(p, v), (tiny._grad(p + h * v) - tiny._grad(p - h * v)) / (2 * h),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(tiny._grad(np.stack([p, p + v]))[1], tiny._grad(p + v), rtol=1e-14)


# -- directions ------------------------------------------------------------------------------
def stub(shapes, kinds):
    """A ModelLoss with just the layout (directions need no loss)."""
    size = sum(int(np.prod(s)) for s in shapes)
    center = np.random.default_rng(7).standard_normal(size)
    return ModelLoss([f"p{k}" for k in range(len(shapes))], shapes, kinds, center)


def test_random_directions_are_filter_normalized():
    """Each filter (slice along axis 0) of a direction has the norm of the weight's filter (1e-6);
    bias and norm parameters zeroed with ignore='biasbn', copied from the weights with None; the
    weights' draws are the same either way."""
    m = stub([(4, 3, 2, 2), (4,), (4,), (5, 4), (5,)], ["weight", "bias", "norm", "weight", "bias"])
    for ignore in ("biasbn", None):
        ds = dirs.random_directions(m, m.center, seed=3, ignore=ignore)
        assert len(ds) == 2 and not np.array_equal(ds[0], ds[1])
        for d in ds:
            for dk, wk, kind in zip(m.unflatten(d), m.unflatten(m.center), m.kinds):
                if kind == "weight":
                    nd = np.linalg.norm(dk.reshape(len(dk), -1), axis=1)
                    nw = np.linalg.norm(wk.reshape(len(wk), -1), axis=1)
                    np.testing.assert_allclose(nd, nw, rtol=1e-6)
                elif ignore == "biasbn":
                    assert not dk.any()
                else:
                    np.testing.assert_array_equal(dk, wk)
    a = dirs.random_directions(m, m.center, seed=3, ignore="biasbn")
    b = dirs.random_directions(m, m.center, seed=3, ignore=None)
    for x, y, kind in zip(m.unflatten(a[1]), m.unflatten(b[1]), m.kinds):
        if kind == "weight":
            np.testing.assert_array_equal(x, y)


def test_seeds_reproduce(tiny):
    one = gd.landscape(tiny, grid=5, seed=4)
    two = gd.landscape(tiny, grid=5, seed=4)
    other = gd.landscape(tiny, grid=5, seed=5)
    np.testing.assert_array_equal(one.loss, two.loss)
    for d, e in zip(one.directions, two.directions):
        for x, y in zip(d, e):
            np.testing.assert_array_equal(x, y)
    assert not np.array_equal(one.directions[0][0], other.directions[0][0])


def test_pca_directions_are_numpys_svd(tiny, paths):
    """d1, d2 = the first two right singular vectors of all the paths' points, centred (up to sign,
    1e-10); explained = s_k^2 / sum s^2; the first path's start at negative coordinates."""
    land = gd.landscape(tiny, directions="pca", path=paths, grid=9)
    points = np.concatenate([p.params for p in paths])
    _, s, vt = np.linalg.svd(points - points.mean(0), full_matrices=False)
    center, ds = land.flat()
    for k in range(2):
        assert min(np.abs(ds[k] - vt[k]).max(), np.abs(ds[k] + vt[k]).max()) < 1e-10
    np.testing.assert_allclose(land.explained, s[:2] ** 2 / (s ** 2).sum(), rtol=1e-10)
    np.testing.assert_array_equal(center, paths[0].params[-1])
    start = land.project(paths[0]).params[0]
    assert (start < 0).all()
    # the default span holds every projected point, with a margin
    for p in paths:
        xy = land.project(p).params
        assert land.x[0] < xy[:, 0].min() and xy[:, 0].max() < land.x[-1]
        assert land.y[0] < xy[:, 1].min() and xy[:, 1].max() < land.y[-1]


def test_hessian_directions_are_the_explicit_hessians_eigenvectors(tiny):
    """Power iteration + deflation against np.linalg.eigh of the explicit Hessian: the two
    largest |eigenvalues| (1e-6 relative) and their eigenvectors (|cos| > 1 - 1e-6)."""
    land = gd.landscape(tiny, directions="hessian", grid=3, span=0.1)
    w, v = np.linalg.eigh(tiny._hessian(tiny.center))
    order = np.argsort(-np.abs(w))[:2]
    np.testing.assert_allclose(land.eigenvalues, w[order], rtol=1e-6)
    _, ds = land.flat()
    for k, i in enumerate(order):
        assert abs(ds[k] @ v[:, i]) > 1 - 1e-6
        assert abs(np.linalg.norm(ds[k]) - 1) < 1e-12


def test_endpoints_plane_puts_the_ends_where_documented(tiny, paths):
    """Orthonormal plane through the common start: end 1 at (|e1|, 0), end 2 at (e2 . d1, |e2 off d1|)."""
    land = gd.landscape(tiny, directions="endpoints", path=paths, grid=5)
    e1 = paths[0].params[-1] - paths[0].params[0]
    e2 = paths[1].params[-1] - paths[1].params[0]
    d1 = e1 / np.linalg.norm(e1)
    one, two = land.project(paths[0]), land.project(paths[1])
    np.testing.assert_allclose(one.params[0], [0, 0], atol=1e-12)
    np.testing.assert_allclose(one.params[-1], [np.linalg.norm(e1), 0], atol=1e-10)
    np.testing.assert_allclose(two.params[-1], [e2 @ d1, np.linalg.norm(e2 - (e2 @ d1) * d1)], atol=1e-10)
    assert one.meta["off_plane"][-1] < 1e-10 and two.meta["off_plane"][-1] < 1e-10
    np.testing.assert_array_equal(land.flat()[0], paths[0].params[0])


# -- the grid ----------------------------------------------------------------------------------
def test_landscape_values_are_the_loss_point_by_point(tiny):
    """loss[i, j] = the model's loss at center + x[j] d1 + y[i] d2, evaluated alone (1e-10)."""
    land = gd.landscape(tiny, grid=(7, 5), span=(-1, 2, -0.5, 0.5))
    assert land.loss.shape == (5, 7) and land.kind == "random" and land.dim == 2
    np.testing.assert_allclose(land.x, np.linspace(-1, 2, 7))
    np.testing.assert_allclose(land.y, np.linspace(-0.5, 0.5, 5))
    center, (d1, d2) = land.flat()
    for i, j in [(0, 0), (4, 6), (2, 3), (1, 5)]:
        r = tiny.forward(center + land.x[j] * d1 + land.y[i] * d2)[1] - tiny.y
        assert abs(land.loss[i, j] - (r * r).mean()) <= 1e-10 * (r * r).mean()
    assert land.meta["model"] == "tiny" and land.meta["grid"] == [7, 5]
    assert land.meta["span"] == [-1, 2, -0.5, 0.5] and land.meta["non_finite"] == 0


def test_tiles_and_dask_give_the_same_bits(tiny):
    distributed = pytest.importorskip("distributed")
    base = gd.landscape(tiny, grid=(11, 9))
    np.testing.assert_array_equal(gd.landscape(tiny, grid=(11, 9), tile=7).loss, base.loss)
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        np.testing.assert_array_equal(gd.landscape(tiny, grid=(11, 9), tile=13, client=client).loss, base.loss)


def test_fixed_directions_and_a_line(tiny):
    """Per-parameter arrays and flat vectors give the same plane; one direction gives a line."""
    rng = np.random.default_rng(2)
    d1, d2 = rng.standard_normal(tiny.dim), rng.standard_normal(tiny.dim)
    flat = gd.landscape(tiny, directions=[d1, d2], grid=4)
    arrays = gd.landscape(tiny, directions=[tiny.unflatten(d1), tiny.unflatten(d2)], grid=4)
    np.testing.assert_array_equal(flat.loss, arrays.loss)
    assert flat.kind == "fixed"
    line = gd.landscape(tiny, directions=[d1], grid=6, span=(-1, 0.5))
    assert line.loss.shape == (6,) and line.y is None and line.dim == 1
    np.testing.assert_allclose(line.loss, tiny.value(tiny.center + line.x[:, None] * d1), rtol=1e-12)


def test_a_line_projects_and_interpolates(tiny, paths):
    """On an interpolation line the path's start is at 0 and its end at 1; the line as a surface
    is linear between grid points."""
    line = gd.interpolate(tiny, None, None, paths[0], points=5, span=(-1, 2))
    flat = line.project(paths[0])
    assert flat.params.shape == (31, 1)
    np.testing.assert_allclose(flat.params[[0, -1], 0], [0, 1], atol=1e-12)
    s = line.surface()
    assert s.dim == 1 and s.bounds.tolist() == [[-1, 2]]
    np.testing.assert_allclose(s.value(line.x[:, None]), line.loss, rtol=1e-14)
    np.testing.assert_allclose(line.x, [-1, -0.25, 0, 0.5, 1, 1.25, 2])
    assert s.value([0.25])[()] == pytest.approx(line.loss[[2, 3]].mean(), rel=1e-14)   # halfway from 0 to 0.5
    assert line.argmin() == (line.x[np.argmin(line.loss)],)


def test_overflowing_points_are_kept_and_counted(tiny):
    """Far out the loss overflows: those points stay inf/nan, meta counts them, argmin skips them."""
    d = np.ones(tiny.dim)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")     # nothing printed while evaluating
        land = gd.landscape(tiny, directions=[d], grid=5, span=1e307)
    assert not np.isfinite(land.loss[[0, -1]]).any() and np.isfinite(land.loss[2])
    assert land.meta["non_finite"] == (~np.isfinite(land.loss)).sum() >= 2
    assert land.argmin() == (0.0,)


def test_interpolation_from_start_to_end(tiny, paths):
    """loss[j] at (1 - x[j]) start + x[j] end, with x = 0 and 1 on the grid."""
    line = gd.interpolate(tiny, None, None, paths[0], points=6, span=(-0.5, 1.5))
    assert line.kind == "interpolation" and line.y is None
    np.testing.assert_allclose(line.x, [-0.5, -0.1, 0, 0.3, 0.7, 1, 1.1, 1.5])
    a, b = paths[0].params[0], paths[0].params[-1]
    np.testing.assert_allclose(line.loss, tiny.value((1 - line.x[:, None]) * a + line.x[:, None] * b), rtol=1e-12)
    assert line.loss[line.x == 0][0] == pytest.approx(paths[0].loss[0], rel=1e-12)
    assert line.loss[line.x == 1][0] == pytest.approx(paths[0].loss[-1], rel=1e-12)


# -- results -----------------------------------------------------------------------------------
def test_projection_recovers_plane_coordinates(tiny, paths):
    """Points built on the plane come back at their coordinates (1e-10), 0 off the plane; a point
    off it reports the share of its distance that is off."""
    land = gd.landscape(tiny, grid=3)
    center, (d1, d2) = land.flat()
    xy = np.random.default_rng(3).uniform(-2, 2, (6, 2))
    params = center + xy[:, :1] * d1 + xy[:, 1:] * d2
    traj = paths[0]
    from dataclasses import replace
    on = replace(traj, params=params, loss=np.zeros(6), grads=np.zeros((6, tiny.dim)), lr=None, step_index=None,
                 state={})
    got = land.project(on)
    np.testing.assert_allclose(got.params, xy, atol=1e-10)
    assert got.meta["off_plane"].max() < 1e-10
    normal = np.random.default_rng(4).standard_normal(tiny.dim)
    q, _ = np.linalg.qr(np.stack([d1, d2], axis=1))
    normal = normal - q @ (q.T @ normal)        # orthogonal to the plane
    off = replace(on, params=params + normal)
    r = params - center + normal
    want = np.linalg.norm(normal) / np.linalg.norm(r, axis=1)
    np.testing.assert_allclose(land.project(off).meta["off_plane"], want, rtol=1e-8)
    flat = land.project(traj)
    assert flat.params.shape == (31, 2) and flat.surface == "landscape"
    np.testing.assert_array_equal(flat.loss, traj.loss)
    np.testing.assert_allclose(flat.grads, np.stack([traj.grads @ d1, traj.grads @ d2], -1))


def test_surface_interpolates_the_grid(tiny):
    land = gd.landscape(tiny, grid=(5, 4), span=(-1, 1, -2, 1))
    s = land.surface()
    assert s.dim == 2 and s.log_scale and "landscape" in s.title["en"].lower()
    np.testing.assert_array_equal(s.bounds, [[-1, 1], [-2, 1]])
    X, Y = np.meshgrid(land.x, land.y)
    np.testing.assert_allclose(s.value(np.stack([X, Y], -1)), land.loss, rtol=1e-14)
    i, j = np.unravel_index(np.argmin(land.loss), land.loss.shape)
    assert land.argmin() == (land.x[j], land.y[i])
    np.testing.assert_array_equal(s.minima[0], land.argmin())
    # bilinear in a cell: the midpoint is the mean of the four corners; the gradient is the interpolant's
    mid = s.value([(land.x[1] + land.x[2]) / 2, (land.y[0] + land.y[1]) / 2])
    assert mid == pytest.approx(land.loss[0:2, 1:3].mean(), rel=1e-14)
    p, h = np.array([0.13, -0.71]), 1e-6
    fd = [(s.value(p + e * h) - s.value(p - e * h)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(s.grad(p), fd, rtol=1e-6)


def test_surface_beside_an_overflow_keeps_the_grid_values(tiny):
    from dataclasses import replace

    land = gd.landscape(tiny, grid=(6, 5))
    loss = land.loss.copy()
    loss[3, 4] = np.inf
    s = replace(land, loss=loss).surface()
    X, Y = np.meshgrid(land.x, land.y)
    got = s.value(np.stack([X, Y], -1))
    np.testing.assert_array_equal(got, loss)        # finite grid points beside inf stay themselves
    assert np.isinf(s.value([(land.x[3] + land.x[4]) / 2, land.y[3]]))   # between them: not a number pretending


# -- training ----------------------------------------------------------------------------------
def test_train_is_gd_run_on_the_model(tiny):
    before = tiny.center.copy()
    traj = gd.train(tiny, None, None, gd.optimizer("gd", lr=0.05), 25)
    want = gd.run(gd.optimizer("gd", lr=0.05), tiny, start=tiny.center, steps=25, tol=0)
    np.testing.assert_array_equal(traj.params, want.params)
    assert traj.params.shape == (26, tiny.dim) and traj.loss[-1] < traj.loss[0]
    np.testing.assert_array_equal(tiny.center, before)
    assert traj.meta["model"] == "tiny" and traj.meta["data"] == "test"
    start = gd.train(tiny, None, None, "adam", 3, start=tiny.unflatten(before + 0.1))
    np.testing.assert_array_equal(start.params[0], before + 0.1)


# -- one-line errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, words", [
    ({"grid": 1002}, "grid must be a whole number or (nx, ny) of points per axis from 2 to 1001, got 1002"),
    ({"grid": (51, 1)}, "from 2 to 1001"),
    ({"grid": 2.5}, "from 2 to 1001"),
    ({"span": 0}, "span must be"),
    ({"span": (1, -1, 0, 1)}, "each min < max"),
    ({"directions": "pca"}, "directions='pca' needs path="),
    ({"directions": "endpoints"}, "directions='endpoints' needs path="),
    ({"directions": "randon"}, "unknown directions 'randon' (did you mean 'random'?)"),
    ({"directions": [np.ones(5)]}, "direction 1 must be a flat vector of 13 numbers"),
    ({"directions": [[np.ones((3, 2)), np.ones(3)]]}, "direction 1: expected 4 arrays"),
    ({"directions": [np.zeros(13)]}, "direction 1 is zero"),
    ({"directions": [np.ones(13), 2 * np.ones(13)]}, "directions 1 and 2 are parallel"),
    ({"directions": [np.full(13, np.nan)]}, "direction 1 has numbers that are not finite"),
    ({"ignore": "bias"}, "ignore must be 'biasbn'"),
    ({"center": np.ones(3)}, "center must be a flat vector of 13 numbers"),
])
def test_one_line_errors(tiny, kwargs, words):
    with pytest.raises(UserInputError) as e:
        gd.landscape(tiny, **kwargs)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_errors_for_paths_and_models(tiny, paths):
    with pytest.raises(UserInputError, match="list of 2 or more Trajectories"):
        gd.landscape(tiny, directions="endpoints", path=paths[0])
    other = gd.run("gd", "bowl", steps=5)
    with pytest.raises(UserInputError, match="path 1 has 2 parameters per point, the model 13"):
        gd.landscape(tiny, directions="pca", path=other)
    with pytest.raises(UserInputError, match="project takes one path; this is a batch of 2"):
        gd.landscape(tiny, grid=2).project(gd.run("gd", tiny, start=np.stack([tiny.center] * 2), steps=2))
    with pytest.raises(UserInputError, match="start and end are the same weights"):
        gd.interpolate(tiny, None, None, tiny.center, tiny.center)
    from dataclasses import replace

    def moved(traj, params):
        return replace(traj, params=params, loss=np.zeros(len(params)), grads=np.zeros(params.shape), lr=None,
                       state={}, step_index=None)

    short = moved(paths[0], paths[0].params[:2])
    with pytest.raises(UserInputError, match="PCA directions need at least 3 points on the paths"):
        gd.landscape(tiny, directions="pca", path=short)
    still = moved(paths[0], np.repeat(paths[0].params[:1], 5, axis=0))
    with pytest.raises(UserInputError, match="PCA directions need a path that moves"):
        gd.landscape(tiny, directions="pca", path=still)
    elsewhere = moved(paths[1], paths[1].params + 0.5)
    with pytest.raises(UserInputError, match="endpoints directions need paths from one start: path 2 starts"):
        gd.landscape(tiny, directions="endpoints", path=[paths[0], elsewhere])
    a, b = paths[0].params[0], paths[0].params[-1]
    line = moved(paths[1], np.stack([a, a + 2 * (b - a)]))
    with pytest.raises(UserInputError, match="the start and the two end points lie on one line"):
        gd.landscape(tiny, directions="endpoints", path=[paths[0], line])


def test_hessian_power_iteration_says_when_it_stops_short(tiny):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds, values, counts = dirs.hessian_directions(tiny, tiny.center, max_iter=2)
    said = [str(w.message) for w in caught]
    assert len(said) == 2 and all(f"Hessian direction {k}: power iteration stopped after 2 Hessian-vector products "
                                  f"with relative residual" in m and "approximate" in m for k, m in zip((1, 2), said))
    assert counts == [2, 2] and abs(ds[0] @ ds[1]) < 1e-12


# -- the native MLP (gd.mlp) -------------------------------------------------------------------
@pytest.fixture(scope="module")
def moons_mlp():
    return gd.mlp([2, 6, 1], seed=1)


def test_native_mlp_landscape_is_its_loss_point_by_point_and_the_same_bits_however_cut(moons_mlp):
    """Binary logistic loss written out here on MLP.forward, at grid points one by one (1e-10);
    tile=5 and a Dask client give the default's bits."""
    land = gd.landscape(moons_mlp, None, "moons", grid=(9, 7), span=0.5)
    X, y = gd.dataset("moons")
    center, (d1, d2) = land.flat()
    for i, j in [(0, 0), (6, 8), (3, 4), (2, 7)]:
        z = moons_mlp.forward(X, land.model.unflatten(center + land.x[j] * d1 + land.y[i] * d2))[:, 0]
        want = np.log1p(np.exp(-(2 * y - 1) * z)).mean()
        assert abs(land.loss[i, j] - want) <= 1e-10 * want
    assert land.meta["loss"] == "cross-entropy" and land.meta["data"] == "moons"
    np.testing.assert_array_equal(gd.landscape(moons_mlp, None, "moons", grid=(9, 7), span=0.5, tile=5).loss,
                                  land.loss)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        again = gd.landscape(moons_mlp, None, "moons", grid=(9, 7), span=0.5, tile=11, client=client)
    np.testing.assert_array_equal(again.loss, land.loss)


def test_native_mlp_hessian_directions_are_eighs(moons_mlp):
    """At the weights after a few steps: the top two |eigenvalues| and eigenvectors of the explicit
    Hessian (np.linalg.eigh of model._hessian)."""
    path = gd.train(moons_mlp, None, "moons", gd.optimizer("gd", lr=0.5), 20)
    land = gd.landscape(moons_mlp, None, "moons", directions="hessian", center=path.params[-1], grid=3)
    w, v = np.linalg.eigh(land.model._hessian(path.params[-1]))
    order = np.argsort(-np.abs(w))[:2]
    np.testing.assert_allclose(land.eigenvalues, w[order], rtol=1e-6)
    for k, i in enumerate(order):
        assert abs(land.flat()[1][k] @ v[:, i]) > 1 - 1e-6


@pytest.mark.parametrize("data, words", [
    ((np.ones((10, 3)), np.ones(10)), "data X has shape (10, 3) but the model takes 2 inputs"),
    ((np.ones((10, 2)), np.ones(9)), "data X has 10 rows and y has 9 rows"),
])
def test_wrong_data_is_one_line(moons_mlp, data, words):
    with pytest.raises(UserInputError) as e:
        gd.landscape(moons_mlp, "mse", data)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_a_model_without_parameters_is_one_line():
    torch = pytest.importorskip("torch")
    with pytest.raises(UserInputError, match="^the model has no parameters"):
        gd.landscape(torch.nn.ReLU(), "mse", (np.ones((4, 2)), np.ones(4)))


def test_share_below_is_the_part_of_the_plane_lower_than_each_point():
    """share_below((x, y) rows) = the share of the finite grid points whose loss is below the
    plane's (interpolated) loss there: on loss = x + 10 y over a 3 x 2 grid with one inf point."""
    from gdviz.landscapes.result import Landscape

    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0])
    loss = x[None, :] + 10 * y[:, None]
    loss[1, 2] = np.inf                                   # 5 finite points: 0, 1, 2, 10, 11
    land = Landscape(loss=loss, x=x, y=y, directions=(), center=[], kind="random")
    np.testing.assert_allclose(land.share_below(np.array([[0.0, 0.0], [1.5, 0.0], [1.0, 1.0]])),
                               [0.0, 0.4, 0.8])


def test_repr_is_one_line_like_a_maps():
    """``land`` at the end of a notebook cell printed every array (15,865 characters for an MLP
    2-64-64-1); now one line, like Map's: kind, model, loss, grid and the loss range."""
    land = gd.landscape(gd.mlp([2, 64, 64, 1]), "cross-entropy", "moons", grid=(5, 3))
    lo, hi = np.min(land.loss), np.max(land.loss)
    assert repr(land) == (f"Landscape(random plane of MLP([2, 64, 64, 1], activation='tanh', seed=0), "
                          f"cross-entropy on moons, 5 x 3 points; loss {lo:.4g} to {hi:.4g})")
    line = gd.interpolate(gd.mlp([2, 4, 1]), "mse", "moons", start=[0] * 17, end=[0.1] * 17, points=7)
    assert repr(line).startswith("Landscape(interpolation line of MLP([2, 4, 1], activation='tanh', seed=0), "
                                 "mse on moons, 9 points; loss ")


def test_a_path_centres_every_plane_on_the_trained_weights():
    """gd.train leaves the model as it was, so a random plane around the model's weights is around
    the initial ones; given path=, every kind but endpoints centres on where the first path ends."""
    model = gd.mlp([2, 4, 1], seed=0)
    traj = gd.train(model, None, "moons", gd.optimizer("adam", lr=0.05), steps=30)
    for kind in ("random", "hessian", "pca"):
        land = gd.landscape(model, None, "moons", directions=kind, path=traj, grid=3)
        np.testing.assert_array_equal(land.model.flatten(land.center), traj.params[-1])
    around_model = gd.landscape(model, None, "moons", grid=3)
    np.testing.assert_array_equal(around_model.model.flatten(around_model.center), traj.params[0])
    given = gd.landscape(model, None, "moons", path=traj, center=traj.params[3], grid=3)
    np.testing.assert_array_equal(given.model.flatten(given.center), traj.params[3])
