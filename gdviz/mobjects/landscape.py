"""A loss landscape in 3-D for manim: the grid's log loss as a shaded surface, and training paths
(projected onto the plane) drawn on it.

    >>> land_mob = LandscapeSurface(land)                  # land: a gdviz Landscape (2-D)
    >>> path = SurfacePath(land_mob, traj, tracker, colour("adam"))   # traj: land.project(run)

Heights are ``log10(loss)`` (a network's loss spans decades) scaled to ``height`` scene units;
colours run from light (low) to dark (high), as in the contour fields ("lighter is lower").
"""
from __future__ import annotations

import numpy as np
from manim import WHITE, Dot, LineJointType, ManimColor, Surface, VGroup, VMobject

from .. import style
from ..landscapes.result import Landscape
from ..render.geometry import clip_to_window
from .common import Reads


def log_heights(loss) -> tuple[np.ndarray, np.ndarray]:
    """(log10 of the loss with non-finite or non-positive values replaced by the highest finite
    one, the mask of the values replaced). An all-bad grid is flat at 0.

        >>> log_heights(np.array([[1.0, 10.0], [np.inf, 100.0]]))[0]
        array([[0., 1.],
               [2., 2.]])
    """
    loss = np.asarray(loss, dtype=float)
    bad = ~np.isfinite(loss) | (loss <= 0)
    good = loss[~bad]
    if not good.size:
        return np.zeros_like(loss), bad
    z = np.log10(np.where(bad, good.max(), loss))
    return z, bad


def _grid_like(land, values) -> Landscape:
    """A landscape with ``land``'s grid holding ``values`` (to interpolate them as it does)."""
    return Landscape(loss=values, x=land.x, y=land.y, directions=(), center=[], kind=land.kind)


def ramp(colours, s: float) -> ManimColor:
    """The colour at ``s`` in [0, 1] along evenly spaced ``colours`` (linear in RGB)."""
    rgb = np.array([ManimColor(c).to_rgb() for c in colours])
    t = np.clip(s, 0.0, 1.0) * (len(rgb) - 1)
    k = min(int(t), len(rgb) - 2)
    return ManimColor.from_rgb(rgb[k] * (k + 1 - t) + rgb[k + 1] * (t - k))


LIGHT = np.array([-0.45, -0.55, 0.7]) / np.linalg.norm([-0.45, -0.55, 0.7])


def shade(c: ManimColor, points: np.ndarray, light=LIGHT, depth: float = 0.35) -> ManimColor:
    """``c`` darkened by up to ``depth`` where a face (its Bezier ``points``) turns away from ``light``."""
    p = points[::4]
    n = np.cross(p[1] - p[0], p[-1] - p[0])
    norm = np.linalg.norm(n)
    facing = abs(float(n @ light)) / norm if norm > 0 else 1.0
    return ManimColor.from_rgb(np.array(c.to_rgb()) * (1 - depth * (1 - facing)))


def faces(n_points: int, most: int) -> int:
    """Faces along a side of ``n_points`` grid points, at most ``most``: a divisor of
    ``n_points - 1`` (every face corner a grid point: nothing is smoothed away) unless none is
    over ``most / 2``. ``faces(51, 28)`` is 25."""
    n = n_points - 1
    if n <= most:
        return n
    fits = [k for k in range(most, 0, -1) if n % k == 0]
    return fits[0] if fits and fits[0] > most // 2 else most


class LandscapeSurface(VGroup):
    """The 2-D ``landscape``'s log loss as a Surface centred at the origin: the grid's extent
    fits ``size`` scene units (equal scales unless one side would be under half the other),
    heights from ``base`` (lowest) to ``base + height``. ``resolution``: faces per side at most
    (:func:`faces`; a corner between grid points is interpolated, ``Landscape.surface``). Faces
    touching a non-finite loss are left out (``masked`` says the grid has some).

    ``point(x, y)`` is the scene point on the drawn surface over plane coordinates (x, y).
    """

    def __init__(self, landscape, *, size: float = 6.0, height: float = 2.4, base: float = 0.0,
                 resolution: int = 28, colours=style.SURFACE_COLOURS):
        super().__init__()
        x, y = np.asarray(landscape.x, dtype=float), np.asarray(landscape.y, dtype=float)
        self.x, self.y = x, y
        self.masked = not np.isfinite(landscape.loss).all()
        self.low = landscape.argmin()
        span = np.array([x[-1] - x[0], y[-1] - y[0]])
        scale = size / span.max()
        self.scales = np.maximum(scale * span, size / 2) / span     # scene units per plane unit, per axis
        self.middle = np.array([(x[0] + x[-1]) / 2, (y[0] + y[-1]) / 2])
        self.rise, self.base = height, base
        nu, nv = faces(len(x), resolution), faces(len(y), resolution)
        self.us, self.vs = np.linspace(x[0], x[-1], nu + 1), np.linspace(y[0], y[-1], nv + 1)
        # the grid's log loss at the faces' corners, by the grid's own interpolation (Landscape.surface)
        # of the grid with its non-finite points raised to the highest finite loss; a face touching
        # one of those points (the interpolated share of them > 0) is left out
        z, bad = log_heights(landscape.loss)
        nodes = np.stack(np.meshgrid(self.us, self.vs), -1)
        self.mesh = np.log10(_grid_like(landscape, 10.0 ** z).surface().value(nodes))   # (nv+1, nu+1)
        badness = _grid_like(landscape, bad.astype(float)).surface().value(nodes) > 0
        self.z_lo, self.z_hi = float(self.mesh.min()), float(self.mesh.max())
        # the drawn surface between its corners: the same bilinear interpolation, of the mesh
        self.drawn = Landscape(loss=10.0 ** self.mesh, x=self.us, y=self.vs, directions=(), center=[],
                               kind=landscape.kind).surface()
        # faces filled, no stroke, their shading baked into the colour (a light from the upper left):
        # the camera then only sorts them by depth (``should_apply_shading = False``), which
        # halves the time of a frame
        self.surface = Surface(lambda u, v: self.point(u, v), u_range=(x[0], x[-1]), v_range=(y[0], y[-1]),
                               resolution=(nu, nv), checkerboard_colors=False, fill_opacity=1, stroke_width=0)
        for face in self.surface:
            corners = badness[face.v_index:face.v_index + 2, face.u_index:face.u_index + 2]   # v: y, u: x
            level = (face.get_center()[2] - base) / height if height > 0 else 0.0
            face.set_fill(shade(ramp(colours, level), face.points), opacity=0.0 if corners.any() else 1.0)
        self.add(self.surface)

    def level(self, x, y) -> np.ndarray:
        """Height in [0, 1] of the drawn surface over plane point(s) (x, y): 0 at its lowest, 1 at its highest."""
        z = np.log10(self.drawn.value(np.stack(np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float)), -1)))
        return (z - self.z_lo) / (self.z_hi - self.z_lo) if self.z_hi > self.z_lo else np.zeros_like(z)

    def point(self, x, y, lift: float = 0.0) -> np.ndarray:
        """The scene point on the surface over plane coordinates (x, y), ``lift`` units above it."""
        p = (np.array([x, y], dtype=float) - self.middle) * self.scales
        return np.array([p[0], p[1], self.base + float(self.level(x, y)) * self.rise + lift])

    def place(self, xy: np.ndarray, lift: float = 0.0) -> np.ndarray:
        """:meth:`point` for rows of ``xy`` (n, 2) -> (n, 3)."""
        xy = np.asarray(xy, dtype=float)
        p = (xy - self.middle) * self.scales
        z = self.base + self.level(xy[:, 0], xy[:, 1]) * self.rise + lift
        return np.column_stack([p, z])

    def argmin(self) -> tuple[float, float]:
        """Plane coordinates of the grid's lowest point (``Landscape.argmin``)."""
        return tuple(float(v) for v in self.low)


class SurfacePath(Reads, VGroup):
    """A projected path (a 2-D Trajectory in the landscape's plane coordinates) drawn on a
    :class:`LandscapeSurface` up to the tracker's step, with a dot at ``traj.at(t)``. The line
    follows the surface between recorded points (each step cut into pieces of at most
    ``piece`` plane units), lifted by ``lift`` and cased in white so it reads on any colour; a
    path that leaves the grid stops at its edge.

        >>> t = ValueTracker(0); path = SurfacePath(surface, land.project(run), t, colour("adam"))
    """

    def __init__(self, surface: LandscapeSurface, traj, tracker, colour, *, stroke_width: float = 4.0,
                 lift: float = 0.04, dot_radius: float = 0.09):
        super().__init__()
        self.surface, self.traj, self.tracker, self.lift = surface, traj, tracker, lift
        cell = min(np.diff(surface.x).min(), np.diff(surface.y).min())
        self.piece = cell / 2
        self.window = np.array([[surface.x[0], surface.x[-1]], [surface.y[0], surface.y[-1]]])
        self.casing = VMobject(stroke_color=WHITE, stroke_width=stroke_width + 3, joint_type=LineJointType.ROUND)
        self.line = VMobject(stroke_color=colour, stroke_width=stroke_width, joint_type=LineJointType.ROUND)
        self.start = Dot(surface.point(*traj.params[0], lift), radius=0.075, color=WHITE, stroke_color=colour,
                         stroke_width=3)
        self.dot = Dot(radius=dot_radius, color=colour, stroke_color=WHITE, stroke_width=2)
        self.add(self.casing, self.line, self.start, self.dot)
        self.add_updater(lambda m: m.update_from_tracker())
        self.update_from_tracker()

    def dense(self, t: float) -> np.ndarray:
        """Plane points of the path up to fractional step ``t`` (up to the grid's edge), each step
        cut into pieces."""
        t = min(max(t, 0.0), self.traj.n_steps)
        pts = np.vstack([self.traj.params[: self.traj.rows_until(t)], self.traj.at(t)[None]])
        pts = clip_to_window(pts, self.window)     # a path that leaves the plane's grid stops at its edge
        out = [pts[:1]]
        for a, b in zip(pts[:-1], pts[1:]):
            k = max(1, int(np.ceil(np.linalg.norm(b - a) / self.piece)))
            out.append(a + (b - a) * (np.arange(1, k + 1) / k)[:, None])
        return np.vstack(out)

    def update_from_tracker(self):
        t = float(self.tracker.get_value())
        if t == getattr(self, "_drawn", None):
            return self
        self._drawn = t
        pts = self.surface.place(self.dense(t), self.lift)
        if len(pts) < 2:
            pts = np.vstack([pts, pts])
        self.casing.set_points_as_corners(pts)
        self.line.set_points_as_corners(pts)
        self.dot.move_to(pts[-1])
        return self
