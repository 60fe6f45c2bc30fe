"""What ``gdviz landscape`` needs beyond the API: its options checked before anything runs, the
training and the landscape, the files it writes.

    gdviz landscape --data moons --model 2,16,16,1 --optimizer gd,momentum,adam --lr 2,0.2,0.02 \\
        --steps 600 --directions pca --grid 51 -o landscape.png --save landscape.npz

Every optimizer trains the same seeded network from the same start; one plane holds all the
paths (PCA of all of them jointly, the plane through the start and two end points, or random or
Hessian directions around the first optimizer's trained weights), and each path is projected
onto it. ``--kind interpolation`` draws the line from the initial to the first optimizer's
trained weights instead.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserInputError, unknown_name
from .grid import KINDS as DIRECTIONS

KINDS = ("contour", "surface", "both", "interpolation", "gif")
FIGURES = (".png", ".svg", ".pdf")
HIDDEN = (16, 16)          # the default network: the data's inputs, two tanh layers of 16, one output
SIZES = "layer sizes from the inputs to the outputs, e.g. 2,16,16,1"


@dataclass(frozen=True)
class Request:
    """One ``gdviz landscape`` call, checked."""

    data: str
    sizes: list | None          # None: the data's inputs, HIDDEN, one output
    activation: str
    loss: str | None
    optimizers: list            # gdviz optimizer objects, one per path
    keys: list                  # their names
    steps: int
    record_every: int | None
    directions: str
    grid: tuple
    span: object                # None, a float or (xmin, xmax, ymin, ymax)
    seed: int
    lang: str
    kind: str
    output: Path
    save: Path | None


def _numbers(option: str, text, cast=float) -> list:
    """'2,0.2' -> [2.0, 0.2] (``cast`` int: whole numbers); one clear line otherwise."""
    items = [t.strip() for t in str(text).split(",")]
    try:
        values = [float(t) for t in items]
        if cast is int and not all(v.is_integer() for v in values):
            raise ValueError
    except ValueError:
        kind = "whole numbers" if cast is int else "numbers"
        raise UserInputError(f"{option} must be {kind} separated by commas, got '{text}'") from None
    return [cast(v) for v in values]


def _whole(option: str, text, least: int) -> int:
    """'500' -> 500: a whole number >= ``least``; one clear line otherwise."""
    try:
        v = float(text)
        if not v.is_integer() or v < least:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise UserInputError(f"{option} must be a whole number >= {least}, got '{text}'") from None
    return int(v)


def sizes_spec(text) -> list | None:
    """'2,16,16,1' -> [2, 16, 16, 1] (gd.mlp checks the widths); None stays None."""
    if text is None:
        return None
    try:
        sizes = _numbers("--model", text, int)
    except UserInputError:
        raise UserInputError(f"--model must be {SIZES}; got '{text}'") from None
    if len(sizes) < 2:
        raise UserInputError(f"--model must be {SIZES} (at least the inputs and the outputs); got '{text}'")
    return sizes


def span_spec(text):
    """'1.5' -> 1.5, '-2,1,-1,1' -> (xmin, xmax, ymin, ymax), None -> None (gd.landscape's default)."""
    if text is None:
        return None
    try:
        values = _numbers("--span", text)
    except UserInputError:
        raise UserInputError(f"--span must be a number > 0 or XMIN,XMAX,YMIN,YMAX, got '{text}'") from None
    return values[0] if len(values) == 1 else tuple(values)


def request(*, data="moons", model=None, activation="tanh", loss=None, optimizer="adam", lr=None, steps="500",
            record_every=None, directions="pca", grid="51", span=None, seed="0", lang="en", kind="contour", output,
            save=None) -> Request:
    """The options of ``gdviz landscape`` (text as typed), checked without training anything:
    one :class:`~gdviz.errors.UserInputError` line for the first problem found."""
    import gdviz as gd

    from .. import style
    from ..files import check_output
    from ..lessons.runs import per_series
    from ..maps.command import grid_spec
    from .datasets import DATASETS
    from .grid import grid_shape, span_limits
    from .mlp import ACTIVATIONS, LOSSES

    style.check_lang(lang)
    if kind not in KINDS:
        raise unknown_name("kind", kind, KINDS)
    out = check_output(output, (".gif",) if kind == "gif" else (*FIGURES, ".npz"))
    stored = check_output(save, (".npz",)) if save is not None else None
    if stored is not None and out.suffix.lower() == ".npz":
        raise UserInputError("--save writes the arrays beside a picture: give -o a .png, .svg or .pdf")
    if data not in DATASETS:
        raise unknown_name("data set", data, DATASETS)
    if activation not in ACTIVATIONS:
        raise unknown_name("activation", activation, ACTIVATIONS)
    if loss is not None and loss not in LOSSES:
        raise unknown_name("loss", loss, LOSSES)
    if directions not in DIRECTIONS:
        raise unknown_name("directions", directions, DIRECTIONS)
    keys = [k.strip() for k in str(optimizer).split(",")]
    if any(not k for k in keys):
        raise UserInputError(f"--optimizer must be names separated by commas, got '{optimizer}'")
    if directions == "endpoints" and len(keys) < 2 and kind != "interpolation":
        raise UserInputError("--directions endpoints is the plane through the start and two end points: give two "
                             "optimizers or more, e.g. --optimizer gd,adam")
    rates = [None] * len(keys) if lr is None else per_series("learning rate (--lr)", _numbers("--lr", lr), len(keys))
    optimizers = [gd.optimizer(k, **({} if r is None else {"lr": r})) for k, r in zip(keys, rates)]
    n = _whole("--steps", steps, 1)
    sizes = sizes_spec(model)
    grid_sizes = grid_shape(grid_spec(grid), 1 if kind == "interpolation" else 2, "--grid")
    spans = span_spec(span)
    if spans is not None:
        span_limits(spans, 1 if kind == "interpolation" else 2, what="--span")
    every = None if record_every is None else _whole("--record-every", record_every, 1)
    return Request(data, sizes, activation, loss, optimizers, keys, n, every, directions, grid_sizes, spans,
                   _whole("--seed", seed, 0), lang, kind, out, stored)


def compute(req: Request, progress=None, client=None):
    """Train every optimizer from the network's seeded start, then the landscape (``progress``,
    ``client``: as :func:`gdviz.landscape`'s; progress is called with (points done, points in the grid)): a
    :class:`gdviz.lessons.Runs` like the ``landscape-paths`` lesson's (the projected paths,
    ``info["landscape"]``, ``info["paths"]`` the full paths and ``info["keys"]`` their optimizers,
    ``info["sub"]`` a subtitle per language)."""
    import gdviz as gd

    from ..lessons.runs import Runs
    from .wrap import model_loss

    X, y = gd.dataset(req.data, seed=req.seed)
    sizes = req.sizes or [X.shape[1], *HIDDEN, 1]
    net = gd.mlp(sizes, activation=req.activation, seed=req.seed)
    ml = model_loss(net, req.loss, (X, y))
    trajs = [gd.train(ml, None, None, opt, req.steps, seed=req.seed, record_every=req.record_every)
             for opt in req.optimizers]
    for key, t in zip(req.keys, trajs):
        if t.status == "diverged":
            from ..style import optimizer_name

            steps = f"{int(t.n_steps)} step{'' if t.n_steps == 1 else 's'}"
            raise UserInputError(f"{optimizer_name(key)} diverged after {steps} at learning rate "
                                 f"{t.hyperparams.get('lr', '?'):g}: nothing to draw; give a smaller --lr")
    if req.kind == "interpolation":
        alpha = {} if req.span is None else {"span": req.span}
        land = gd.interpolate(ml, start=trajs[0], points=req.grid[0], **alpha)
        paths = []
    else:
        around = {} if req.directions in ("pca", "endpoints") else {"center": trajs[0].params[-1]}
        land = gd.landscape(ml, directions=req.directions, grid=req.grid, span=req.span, path=trajs,
                            seed=req.seed, progress=progress, client=client, **around)
        paths = [land.project(t) for t in trajs]
    sub = {lang: subtitle(req, sizes, lang) for lang in ("en", "zh")}
    info = {"landscape": land, "paths": trajs, "keys": list(req.keys), "sub": sub}
    return Runs(None, paths, list(req.keys) if paths else [], info=info, lesson="landscape")


def subtitle(req: Request, sizes, lang: str) -> str:
    """'a 2-16-16-1 tanh network on two moons, 500 steps of Adam from one start'."""
    from ..style import optimizer_name
    from .datasets import DATASETS

    names = ("、" if lang == "zh" else ", ").join(optimizer_name(k, lang) for k in req.keys)
    shape, data = "-".join(str(s) for s in sizes), DATASETS[req.data].title[lang]
    if lang == "zh":
        gap = " " if names[-1].isascii() else ""     # a space between Latin and Chinese: "Adam 从"
        return f"{shape} {req.activation} 网络，{data}，{names}{gap}从同一起点训练 {req.steps} 步"
    return f"a {shape} {req.activation} network on {data.lower()}, {req.steps} steps of {names} from one start"


def save_npz(runs, path) -> Path:
    """The landscape's arrays (loss, x, y, center and directions as flat vectors, the projected
    paths and their losses) and its settings as JSON, written atomically."""
    from ..files import atomic_path

    land = runs.info["landscape"]
    flat = land.model.flatten
    arrays = {"loss": land.loss, "x": land.x, "center": flat(land.center)}
    if land.y is not None:
        arrays["y"] = land.y
    for k, d in enumerate(land.directions, 1):
        arrays[f"d{k}"] = flat(d)
    for key, p in zip(runs.series, runs.trajectories):
        arrays[f"path_{key}"], arrays[f"path_{key}_loss"] = p.params, p.loss
    info = {"kind": land.kind, "series": list(runs.series), **{k: v for k, v in land.meta.items() if k != "title"}}
    if land.explained is not None:
        info["explained"] = [float(v) for v in land.explained]
    if land.eigenvalues is not None:
        info["eigenvalues"] = [float(v) for v in land.eigenvalues]
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, settings=np.array(json.dumps(info, default=str)), **arrays)
    return Path(path)


def summary(runs) -> list[tuple[str, str]]:
    """Rows for the terminal: the plane, its lowest loss, how far each path lies off the plane (its
    largest ``off_plane``: near 100% on a random plane, where a drawn path is a shadow), each
    path's final loss."""
    land = runs.info["landscape"]
    finite = np.asarray(land.loss)[np.isfinite(land.loss)]
    rows = [("landscape", f"{land.kind}, {' × '.join(str(n) for n in np.shape(land.loss)[::-1])} points"),
            ("lowest loss", f"{finite.min():.4g}" if finite.size else "none finite")]
    if land.explained is not None:
        rows.append(("explained", f"{100 * float(np.sum(land.explained)):.1f}% of the paths' variance"))
    if land.eigenvalues is not None:
        rows.append(("eigenvalues", ", ".join(f"{v:.4g}" for v in land.eigenvalues)))
    if land.meta.get("non_finite"):
        rows.append(("not finite", f"{land.meta['non_finite']} grid points"))
    if runs.info["keys"] and land.kind != "interpolation":
        shares = [float(np.max(land.project(t).meta["off_plane"])) for t in runs.info["paths"]]
        each = ", ".join(f"{k} {100 * v:.0f}%" for k, v in zip(runs.info["keys"], shares))
        rows.append(("off the plane", f"up to {each} of the distance from the center"))
    for key, t in zip(runs.info["keys"], runs.info["paths"]):
        rows.append((key, f"final loss {float(t.loss[-1]):.4g} after {int(t.n_steps)} steps"))
    return rows


def draw(runs, req: Request) -> Path:
    """The picture ``req.kind`` of ``runs`` written to ``req.output``."""
    from ..render import figures
    from ..render.figures.landscape import landscape_figure, save_landscape_gif

    if req.kind == "gif":
        return save_landscape_gif(runs, req.output, lang=req.lang)
    return figures.save(landscape_figure(runs, kind=req.kind, lang=req.lang), req.output)


def run(progress=None, client=None, **options) -> tuple[Path, Path | None, list]:
    """``gdviz landscape``: check, compute, write the picture, then the .npz (a failed picture
    leaves no data behind), or with ``-o NAME.npz`` the data alone; returns the paths written
    and the summary rows; ``progress`` and ``client`` as :func:`compute`'s."""
    req = request(**options)
    runs = compute(req, progress, client)
    if req.output.suffix.lower() == ".npz":
        return save_npz(runs, req.output), None, summary(runs)
    picture = draw(runs, req)
    return picture, save_npz(runs, req.save) if req.save is not None else None, summary(runs)
