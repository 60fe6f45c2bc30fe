"""Render a gdviz manim scene to a file: ``render("learning-rates", "output/lr.mp4")``.

manim's configuration is one global object, so each render runs inside ``tempconfig``; manim's
media folder is a temporary directory, its log is silenced, and the result is moved to exactly
the path asked for (atomically). When progress is asked for, a first pass with animations
skipped measures the scene's length, so progress can be reported as a fraction of it (the
lesson runs are computed once and shared by both passes).

The gallery renders at ``quality="medium"`` (1280x720, 30 fps).
"""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from .errors import OutputError, UserInputError, unknown_name

QUALITIES = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality",
             "4k": "fourk_quality"}
MAX_TIME_SCALE = 20.0
FORMATS = ("mp4", "gif", "webm", "png")
SYSTEM_PACKAGES = "pkg-config libcairo2-dev libpango1.0-dev"


def require_manim():
    """Import manim, or raise one clear line naming what to install."""
    try:
        import manim  # noqa: F401
    except ImportError as e:
        missing = getattr(e, "name", None) or str(e)
        raise UserInputError(
            f"gdviz video needs manim ({missing} is missing): pip install 'gdviz[manim]' "
            f"(on Debian first: apt-get install {SYSTEM_PACKAGES})") from None
    except OSError as e:  # a system library (cairo, pango) is missing
        raise UserInputError(f"manim cannot load a system library ({e}); on Debian: "
                             f"apt-get install {SYSTEM_PACKAGES}") from None
    return manim


def manim_missing() -> str | None:
    """Why videos cannot be rendered here (:func:`require_manim`'s line naming what to install), or
    None when manim loads."""
    try:
        require_manim()
    except UserInputError as e:
        return str(e)
    return None


def scene_class(name: str, lang: str = "en", time_scale: float = 1.0):
    """The scene class for ``name``, as a variant with ``lang`` and ``time_scale``."""
    require_manim()
    from .scenes import SCENES, variant
    from .style import check_lang

    if name not in SCENES:
        raise unknown_name("scene", name, SCENES)
    check_lang(lang)
    return variant(SCENES[name], lang=lang, time_scale=float(time_scale))


def claims(name: str) -> list:
    """The claims of every lesson run scene ``name`` draws (:meth:`lesson_runs` of its class:
    the very runs its ``construct`` reads), for the gallery's checks."""
    cls = scene_class(name)
    return [c for r in cls.lesson_runs() for c in r.claims]


def describe() -> dict[str, str]:
    """One line per scene, for ``gdviz video --list`` (no manim import needed)."""
    return {
        "learning-rates": "too small, too large and Goldilocks rates on the course's parabola",
        "contour-descent": "gradient descent on a bowl, an elongated bowl, then raw against standardized features",
        "optimizer-race": "gd, momentum, Nesterov, RMSprop and Adam, each at its best rate, on Rosenbrock and Beale",
        "stochastic-vs-batch": "full batch, mini-batch and SGD on a linear-regression loss",
        "local-minima": "random restarts on the egg crate landing in different minima",
        "adaptive-rates": "Adagrad's shrinking per-coordinate rate against a fixed rate",
        "iterative-loop": "the iterative approach: model, compute loss, compute updates",
        "inside-momentum": "momentum's carried velocity rolling through the egg crate's dimples; gd stops in one",
        "inside-adaptive": "Adagrad's and Adam's accumulators as squares and their per-coordinate rates",
        "momentum-beta": "momentum's β from none to too much at one rate on the elongated bowl",
        "landscape-flyover": "a fly-over of a network's loss landscape as the training paths descend on it",
    }


def check_time_scale(time_scale, name: str = "time_scale") -> float:
    """A finite time scale > 0 and at most MAX_TIME_SCALE (scenes are at most half a minute, so
    a render stays bounded); ``name``: how the message calls it (the CLI's --time-scale)."""
    from .errors import positive_number

    scale = float(positive_number(name, time_scale))
    if scale > MAX_TIME_SCALE:
        raise UserInputError(f"{name} must be at most {MAX_TIME_SCALE:g} (a slowed-down scene is long "
                             f"enough at that), got {scale:g}")
    return scale


def render(name: str, output, *, quality: str = "medium", fmt: str | None = None, lang: str = "en",
           time_scale: float = 1.0, progress=None, captions: bool = False) -> Path:
    """Render scene ``name`` to ``output`` (format from ``fmt`` or the extension). A failure of the
    disk or the encoder raises :class:`OutputError` and keeps the previous file. A video (not a
    PNG) gets its timeline beside it (``x.mp4`` -> ``x.timeline.json``: :mod:`gdviz.timeline`).

    progress : ``f(fraction)`` called as frames are rendered.
    captions : also write WebVTT captions ``x.vtt`` (and ``x.chapters.vtt`` for a scene in acts).
    """
    from .files import cause, check_output, publish, temporary_folder

    time_scale = check_time_scale(time_scale)
    if quality not in QUALITIES:
        raise unknown_name("quality", quality, QUALITIES)
    out = Path(output)
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise UserInputError(f"unknown video format '{fmt}'; choose from: {', '.join(FORMATS)}")
    if out.suffix.lower() != f".{fmt}":
        raise UserInputError(f"output '{out.name}' does not end in .{fmt}")
    check_output(out, tuple(f".{f}" for f in FORMATS))
    cls = scene_class(name, lang, time_scale)
    from manim import tempconfig

    # GIFs: manim's own GIF builds a palette per frame (speckles, large files); frames go to a
    # lossless intermediate instead and gdviz's encoder makes the GIF (one palette, deltas)
    movie = fmt in ("mp4", "webm")
    settings = {"quality": QUALITIES[quality], "verbosity": "ERROR",
                "progress_bar": "none", "disable_caching": True,
                "format": fmt if movie else ("png" if fmt == "png" else "none"),
                "write_to_movie": movie, "save_last_frame": fmt == "png",
                "output_file": name, "preview": False}
    if fmt == "mp4":  # x264's "veryfast" preset: 40% less encoding time, a smaller file than "medium"
        settings["video_encoder_options"] = {"preset": "veryfast"}
    try:
        # manim's media folder: beside the output (so the result moves in one rename), private to
        # this render, removed afterwards (and by the next run, if this one is killed)
        with temporary_folder(out.parent) as media, _quiet():
            settings["media_dir"] = str(media)
            if progress is not None:
                with tempconfig({**settings, "dry_run": True}):
                    dry = cls()
                    dry.render()
                    total = max(dry.renderer.time, 1e-9)
            with tempconfig(settings):
                scene = cls()
                if progress is not None:
                    scene.progress = lambda seconds: progress(min(seconds / total, 1.0))
                if fmt == "gif":
                    produced = _render_gif(scene, media, out)
                else:
                    scene.render()
                    writer = scene.renderer.file_writer
                    produced = Path(writer.image_file_path if fmt == "png" else writer.movie_file_path)
            if not produced.is_file():
                raise OutputError(f"cannot write '{out}': manim wrote no file for scene '{name}'")
            tl = scene.timeline() if fmt != "png" else None
            if tl is not None:   # the old video's timeline and captions never describe the new one
                from .timeline import companions

                for old in companions(out):
                    old.unlink(missing_ok=True)
            publish(produced, out)
        if tl is not None:
            from . import timeline

            timeline.write(out, tl)
            if captions:
                timeline.write_vtt(out, tl)
        return out
    except OSError as e:   # the disk (or PyAV's encoder, whose errors are OSErrors) refused
        raise OutputError(f"cannot write '{out}': {cause(e)}") from None


def _render_gif(scene, media: Path, out: Path) -> Path:
    """Render ``scene`` capturing its frames losslessly, then encode them as a GIF."""
    from manim import config

    from .render.encode import LosslessVideo, video_to_gif

    sink = LosslessVideo(media / "frames.mkv", (config.pixel_width, config.pixel_height), config.frame_rate)
    scene.renderer.file_writer.write_frame = sink.write
    try:
        scene.render()
    finally:
        sink.close()
    return video_to_gif(media / "frames.mkv", media / f"{out.stem}.gif", fps=config.frame_rate)


@contextlib.contextmanager
def _quiet():
    """Silence manim's logger (its own rich console) for the duration of a render."""
    log = logging.getLogger("manim")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)
