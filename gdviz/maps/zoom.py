"""Pictures of the trainability map: the figure, and a zoom into its boundary as GIF or MP4.

Colours follow the Sohl-Dickstein notebook: ``cdf_img`` ranks the measure so the colours
spread evenly, negatives (trains) to [-1, -0.25] and the rest (diverges, or not converged) to
[0.25, 1], and the sign is flipped for matplotlib's ``Spectral`` colormap: blue trains, red
diverges. A zoom (:func:`zoom_levels`) computes one map per level, each ``factor`` times
narrower (in decades of both learning rates) than the last and centred on a boundary pixel of
the last; the frames between two levels (:func:`zoom_frames`) narrow the view geometrically
towards the next level's window and draw each level where it is the finest one computed, so
every frame shows computed pixels only (no upsampling beyond a level's own resolution).

    >>> levels = zoom_levels(NetworkConfig(dataset_param_multiple=0.125), (3.0, 2.1), 1.0, 2.0, 3, 64)
    >>> save_zoom(levels, "zoom.gif", lang="zh")          # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import style
from ..errors import UserInputError
from .fractal import ACROSS, SMALLEST, box_counting_dimension, edges
from .network import NetworkConfig, trainability

BUFFER = 0.25          # the notebook's cdf_img buffer: |colour| >= 0.25 keeps the sign visible
CMAP = "Spectral"      # the notebook's colormap: red (diverges) .. blue (trains)


def cdf_colours(values, reference=None, buffer: float = BUFFER) -> np.ndarray:
    """The notebook's ``cdf_img``: each value's rank in ``reference`` (default: itself), negatives
    to [-1, -buffer], the rest to [buffer, 1], then negated (so trains > 0, drawn blue).

        >>> cdf_colours(np.array([-3.0, -1.0, 2.0, 5.0])).tolist()
        [1.0, 0.25, -0.25, -1.0]
    """
    x = np.asarray(values, dtype=float)
    u = np.sort(np.asarray(x if reference is None else reference, dtype=float).ravel())
    neg = int(np.sum(u < 0))
    v = np.concatenate([np.linspace(-1, -buffer, neg), np.linspace(buffer, 1, u.size - neg)])
    return -np.interp(x, u, v)


@dataclass(frozen=True)
class Level:
    """One computed map of a zoom: ``bounds`` (log10 lr1 min, max, log10 lr2 min, max) and its
    measure ``values`` (rows lr2, columns lr1)."""

    bounds: tuple
    values: np.ndarray
    converged_share: float


def level(config: NetworkConfig, bounds, px: int, steps: int | None = None) -> Level:
    """The map over ``bounds`` (log10 lr1 min, max, log10 lr2 min, max), px x px pixels."""
    a, b, c, d = (float(v) for v in bounds)
    m = trainability(x=("lr1", np.logspace(a, b, px)), y=("lr2", np.logspace(c, d, px)), config=config,
                     steps=steps)
    return Level((a, b, c, d), m.values, m.converged_share)


def _window_sums(mask, r):
    """For each pixel, how many True pixels of ``mask`` lie within r rows and columns of it."""
    n0, n1 = mask.shape
    c = np.pad(np.cumsum(np.cumsum(mask, 0), 1), ((1, 0), (1, 0)))
    i0, i1 = np.clip(np.arange(n0) - r, 0, n0), np.clip(np.arange(n0) + r + 1, 0, n0)
    j0, j1 = np.clip(np.arange(n1) - r, 0, n1), np.clip(np.arange(n1) + r + 1, 0, n1)
    return c[i1][:, j1] - c[i0][:, j1] - c[i1][:, j0] + c[i0][:, j0]


def boundary_point(lv: Level):
    """Where to zoom next, in log10 learning rates (None without a boundary): a boundary pixel of
    the central half of ``lv``'s window between two regions rather than in speckle: among those
    with no more boundary within n/8 than the median one, the one whose surroundings train on the
    share nearest to a half (ties: nearest to the centre)."""
    e = edges(lv.values)
    n = e.shape[0]
    r = max(1, n // 8)
    density = _window_sums(e, r)
    trains = _window_sums(lv.values[:-1, :-1] < 0, r) / _window_sums(np.ones_like(e), r)
    central = np.zeros_like(e)
    central[n // 4: n - n // 4, n // 4: n - n // 4] = True
    ys, xs = np.nonzero(e & central)
    if xs.size == 0:
        return None
    calm = density[ys, xs] <= np.median(density[ys, xs])
    ys, xs = ys[calm], xs[calm]
    score = np.abs(trains[ys, xs] - 0.5) + 1e-9 * ((xs - n / 2) ** 2 + (ys - n / 2) ** 2)
    k = int(np.argmin(score))
    a, b, c0, d = lv.bounds
    m = lv.values.shape[0]
    return a + (xs[k] + 0.5) / (m - 1) * (b - a), c0 + (ys[k] + 0.5) / (m - 1) * (d - c0)


def zoom_levels(config: NetworkConfig, centre, width: float, factor: float, levels: int, px: int,
                steps: int | None = None) -> list[Level]:
    """``levels`` maps, the first ``width`` decades wide around ``centre`` (log10 lr1, log10 lr2),
    each next one ``factor`` times narrower and centred on the previous one's boundary pixel
    nearest to its centre."""
    if not (factor > 1 and width > 0 and levels >= 2 and px >= 16):
        raise UserInputError(f"a zoom needs factor > 1, width > 0, at least 2 levels and 16 pixels, got factor "
                             f"{factor}, width {width}, {levels} levels, {px} pixels")
    out, (cx, cy), w = [], centre, float(width)
    for _ in range(levels):
        lv = level(config, (cx - w / 2, cx + w / 2, cy - w / 2, cy + w / 2), px, steps)
        out.append(lv)
        found = boundary_point(lv)
        if found is None:
            raise UserInputError(f"the zoom lost the boundary: no boundary pixel in the window around "
                                 f"lr1 = 1e{cx:.3f}, lr2 = 1e{cy:.3f}, {w:.3g} decades wide")
        (cx, cy), w = found, w / factor
    return out


def view(a: Level, b: Level, t: float):
    """The view window a fraction ``t`` of the way from level a's window to b's: widths shrink
    geometrically and the fixed point of the zoom stays put (the notebook's interpolate_history)."""
    wa, wb = np.array([a.bounds[1] - a.bounds[0], a.bounds[3] - a.bounds[2]]), \
        np.array([b.bounds[1] - b.bounds[0], b.bounds[3] - b.bounds[2]])
    ca, cb = np.array([sum(a.bounds[:2]) / 2, sum(a.bounds[2:]) / 2]), np.array([sum(b.bounds[:2]) / 2,
                                                                                  sum(b.bounds[2:]) / 2])
    ratio = wb / wa
    gamma = ratio ** t
    fixed = (cb - ca * ratio) / (1 - ratio)
    c, w = fixed + (ca - fixed) * gamma, wa * gamma
    return c[0] - w[0] / 2, c[0] + w[0] / 2, c[1] - w[1] / 2, c[1] + w[1] / 2


def composite(levels: list[Level], colours: list[np.ndarray], window, px: int) -> np.ndarray:
    """The colour values (px x px, rows lr2 from the bottom) of the view ``window``, each output
    pixel taken (nearest) from the finest level whose window holds it."""
    a, b, c, d = window
    gx = a + (np.arange(px) + 0.5) / px * (b - a)
    gy = c + (np.arange(px) + 0.5) / px * (d - c)
    out = np.full((px, px), np.nan)
    for lv, col in zip(levels, colours):
        la, lb, lc, ld = lv.bounds
        n = col.shape[0]
        ix = np.rint((gx - la) / (lb - la) * (n - 1)).astype(int)
        iy = np.rint((gy - lc) / (ld - lc) * (n - 1)).astype(int)
        okx, oky = (gx >= la) & (gx <= lb), (gy >= lc) & (gy <= ld)
        sub = col[np.clip(iy, 0, n - 1)][:, np.clip(ix, 0, n - 1)]
        mask = oky[:, None] & okx[None, :]
        out[mask] = sub[mask]
    return out


def zoom_frames(levels: list[Level], frames_per_level: int, px: int):
    """(window, colour image) per frame: from level 0's window to the last level's."""
    for k in range(len(levels) - 1):
        a, b = levels[k], levels[k + 1]
        for f in range(frames_per_level):
            t = f / frames_per_level
            s = np.sin(t * np.pi / 2) ** 2      # the colour scale moves from a's ranks to b's
            cols = [(1 - s) * cdf_colours(lv.values, a.values) + s * cdf_colours(lv.values, b.values)
                    for lv in levels[k:]]
            window = view(a, b, t)
            yield window, composite(levels[k:], cols, window, px)
    last = levels[-1]
    yield last.bounds, composite([last], [cdf_colours(last.values)], last.bounds, px)


def _rate_label(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits: plain from 0.01 to 9999, else m×10^k in mathtext."""
    if 1e-2 <= abs(v) < 1e4:
        return f"{float(f'{v:.{digits}g}'):g}" if digits <= 6 else f"{v:.{digits}g}"
    m, k = f"{v:.{digits - 1}e}".split("e")
    m = m.rstrip("0").rstrip(".")
    return f"$10^{{{int(k)}}}$" if m == "1" else f"${m}{{\\times}}10^{{{int(k)}}}$"


def log_ticks(lo: float, hi: float, most: int = 5):
    """At least three tick positions (log10) and labels for a window ``lo`` .. ``hi`` in decades:
    whole decades (every 1st, 3rd, 5th .. so at most ``most``) when three or more fit, else 1-2-5
    multiples of a decade, else evenly spaced round rates; labels with the digits that tell them
    apart.

        >>> log_ticks(-3.0, 6.0)[1]
        ['$10^{-3}$', '$10^{0}$', '$10^{3}$', '$10^{6}$']
    """
    from matplotlib.ticker import MaxNLocator

    eps = 1e-9 * max(1.0, hi - lo)
    decades = np.arange(np.ceil(lo - eps), np.floor(hi + eps) + 1)
    if decades.size >= 3:
        step = next(s for s in (1, 3, 5, 10, 30, 100) if np.sum(decades % s == 0) <= most)
        pos = decades[decades % step == 0]
        if pos.size < 3:
            pos = decades[:: -(-decades.size // most)]
        return [float(p) + 0.0 for p in pos], [f"$10^{{{int(p)}}}$" for p in pos]
    rates = [m * 10.0 ** k for k in range(int(np.floor(lo)) - 1, int(np.ceil(hi)) + 1) for m in (1, 2, 5)]
    rates = [r for r in rates if lo - eps <= np.log10(r) <= hi + eps]
    for bins in range(most - 1, 4 * most):
        if len(rates) >= 3:
            break
        rates = [r for r in MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(10 ** lo, 10 ** hi)
                 if r > 0 and lo - eps <= np.log10(r) <= hi + eps]
    digits = next(d for d in range(1, 12) if len({_rate_label(r, d) for r in rates}) == len(rates))
    return [float(np.log10(r)) for r in rates], [_rate_label(r, digits) for r in rates]


def _axes(fig, lang, box):
    ax = fig.add_axes(box)
    ax.set_xlabel(style.label("lr1 axis", lang))
    ax.set_ylabel(style.label("lr2 axis", lang))
    return ax


def _show(ax, image, window):
    a, b, c, d = window
    im = ax.imshow(image, origin="lower", extent=[a, b, c, d], cmap=CMAP, vmin=-1, vmax=1, aspect="auto",
                   interpolation="nearest")
    _ticks(ax, window)
    return im


def _ticks(ax, window):
    a, b, c, d = window
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_xticks(*log_ticks(a, b))
    ax.set_yticks(*log_ticks(c, d))


def _boundary(ax, lv: Level, linewidth: float = 0.6):
    """The boundary between the regions as a thin line: the contour of measure = 0 (the sign
    change :func:`gdviz.maps.fractal.edges` counts)."""
    a, b, c, d = lv.bounds
    n1, n0 = lv.values.shape
    ax.contour(np.linspace(a, b, n0), np.linspace(c, d, n1), (lv.values < 0).astype(float), levels=[0.5],
               colors=[style.INK], linewidths=linewidth)


def _colour_key(fig, lang, left: float, top: float, width: float, bar: float = 0.028, gap: float = 0.1):
    """Two colour bars under ``top`` (figure fractions) that say what the shades mean: trains
    fast (pale) .. slowly (deep blue), diverges fast (orange) .. slowly or stalls (deep red)."""
    for k, (key, lo, hi) in enumerate((("trainability trains", 0.25, 1.0), ("trainability diverges", -0.25, -1.0))):
        cax = fig.add_axes([left, top - bar - k * gap, width, bar])
        cax.imshow(np.linspace(lo, hi, 256)[None, :], cmap=CMAP, vmin=-1, vmax=1, aspect="auto", extent=[0, 1, 0, 1])
        cax.set_yticks([])
        cax.set_xticks([0, 1], [style.label("trainability fast", lang), style.label("trainability slowly", lang)])
        cax.get_xticklabels()[0].set_horizontalalignment("left")
        cax.get_xticklabels()[1].set_horizontalalignment("right")
        cax.tick_params(length=0, labelsize=8, pad=2)
        cax.set_title(style.label(key, lang), fontsize=9, loc="left", pad=3)


def draw(fig, lv: Level, config: NetworkConfig, lang: str = "en", inset: Level | None = None):
    """Draw the map of ``lv`` on ``fig`` (and, when given, the window of ``inset`` marked and drawn
    beside it) with the boundary (measure = 0) as a thin line, a colour key in words, the
    configuration and the boundary's box-counting dimension printed."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    ax = _axes(fig, lang, [0.09, 0.2, 0.56, 0.72])
    _show(ax, cdf_colours(lv.values), lv.bounds)
    _boundary(ax, lv, 0.5)
    ax.set_title(style.label("trainability title", lang), loc="left")
    bc = box_counting_dimension(edges((inset or lv).values))
    lines = [config.describe(lang), style.label("trainability colour", lang),
             style.label("trainability boundary", lang).format(d=f"{bc.dimension:.2f}")]
    fig.text(0.09, 0.015, "\n".join(lines), fontsize=9, color=style.INK, va="bottom")
    _colour_key(fig, lang, 0.7, 0.9, 0.27)
    fig.legend(handles=[Line2D([], [], color=style.INK, linewidth=0.8, label=style.label("trainability edge", lang))],
               loc="upper left", bbox_to_anchor=(0.69, 0.7), frameon=False, fontsize=9, handlelength=1.5)
    if inset is not None:
        a, b, c, d = inset.bounds
        ax.add_patch(Rectangle((a, c), b - a, d - c, fill=False, edgecolor=style.INK, linewidth=1.2))
        iax = _axes(fig, lang, [0.77, 0.2, 0.2, 0.4])
        _show(iax, cdf_colours(inset.values), inset.bounds)
        _boundary(iax, inset, 0.4)
        iax.tick_params(labelsize=8)
        iax.xaxis.label.set_size(8)
        iax.yaxis.label.set_size(8)
    return fig


def frame_heads(levels: list[Level], frames_per_level: int, lang: str = "en") -> list[str]:
    """The line above each frame of :func:`zoom_frames`: the level it zooms from (the last level
    on the last frame), the zoom factor of the view and that level's box-counting dimension (when
    the level is large enough to measure it: 64 x 64 edge pixels).

        'level 2 of 4: zoom ×8, boundary dimension 1.45'
    """
    dims = [_dimension(lv) for lv in levels]
    width0 = levels[0].bounds[1] - levels[0].bounds[0]
    out = []
    for k in range(len(levels) - 1):
        for f in range(frames_per_level):
            window = view(levels[k], levels[k + 1], f / frames_per_level)
            out.append((k, width0 / (window[1] - window[0])))
    out.append((len(levels) - 1, width0 / (levels[-1].bounds[1] - levels[-1].bounds[0])))
    return [style.label("trainability level", lang).format(k=k + 1, n=len(levels), z=f"{z:,.0f}") +
            ("" if dims[k] is None else style.label("trainability level dimension", lang).format(d=f"{dims[k]:.2f}"))
            for k, z in out]


def frame_note(config: NetworkConfig | None, lang: str = "en") -> str:
    """The second line of every frame: what the colours mean, then the configuration (if given).

        >>> frame_note(None)
        'blue: trains, red: diverges (pale: fast, deep: slowly)'
    """
    key = style.label("trainability key", lang)
    return key if config is None else f"{key}   {config.describe(lang, short=True)}"


def _dimension(lv: Level) -> float | None:
    """The box-counting dimension of ``lv``'s boundary; None when the map is too small to fit one."""
    e = edges(lv.values)
    return box_counting_dimension(e).dimension if min(e.shape) >= SMALLEST * ACROSS * 4 else None


def save_zoom(levels: list[Level], path, *, config: NetworkConfig | None = None, lang: str = "en",
              frames_per_level: int = 16, fps: float = 16, px: int = 560, hold_s: float = 1.0):
    """Render the zoom as a GIF (gdviz's global-palette encoder) or MP4/WebM (ffmpeg), written
    atomically; returns the path. Each frame shows the zoom factor and the level it zooms from,
    with that level's box-counting dimension (the finest level's on the last frame); frames are
    ``px + 160`` pixels wide."""
    from pathlib import Path

    from PIL import Image

    from ..render.encode import GifFrames, global_palette, write_gif, write_video
    from ..render.mpl import new_figure, rc
    from ..render.output import check_output

    p = check_output(path, (".gif", ".mp4", ".webm"))
    style.check_lang(lang)
    frames = list(zoom_frames(levels, frames_per_level, px))
    heads = frame_heads(levels, frames_per_level, lang)
    size = (px + 160, px + 130)
    size = (size[0] + size[0] % 2, size[1] + size[1] % 2)
    rgb = []
    with rc(lang):
        fig = new_figure(*size)
        ax = _axes(fig, lang, [100 / size[0], 70 / size[1], px / size[0], px / size[1]])
        ax.tick_params(labelsize=10)
        im = _show(ax, frames[0][1], frames[0][0])
        head = fig.text(100 / size[0], 1 - 12 / size[1], "", fontsize=12, va="top", color=style.INK)
        fig.text(100 / size[0], 1 - 38 / size[1], frame_note(config, lang), fontsize=9, va="top", color=style.INK)
        for (window, image), text in zip(frames, heads):
            im.set_data(image)
            im.set_extent(list(window))
            _ticks(ax, window)
            head.set_text(text)
            fig.canvas.draw()
            rgb.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
    hold = int(round(hold_s * fps))
    if p.suffix.lower() == ".gif":
        ims = [Image.fromarray(a) for a in rgb]
        palette = global_palette([ims[0], ims[len(ims) // 2], ims[-1]])
        encode = GifFrames(palette)
        durations = [round(1000 / fps)] * len(ims)
        durations[-1] += round(1000 * hold_s)
        return write_gif((encode(im) for im in ims), p, size=ims[0].size, durations_ms=durations, palette=palette)
    h, w = rgb[0].shape[:2]
    return Path(write_video((a.tobytes() for a in rgb), p, size=(w, h), fps=fps, hold_frames=hold))
