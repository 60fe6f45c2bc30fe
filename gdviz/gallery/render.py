"""Render one gallery entry in one language (runs in a worker process of the build)."""
from __future__ import annotations

import shlex
from pathlib import Path

from .spec import Entry


def lesson_options(options: dict) -> dict:
    """The entry's lesson options as the builders take them (a surface with parameters built)."""
    from ..surfaces import surface
    from .spec import LESSON_KEYS

    out = {k: v for k, v in options.items() if k in LESSON_KEYS and k != "surface_params"}
    if "surface_params" in options:
        out["surface"] = surface(out.get("surface", "rosenbrock"), **options["surface_params"])
    return out


def entry_runs(entry: Entry) -> list:
    """The lesson runs an entry draws (their claims are the entry's claims): a figure's or a
    GIF's lesson, or every lesson a video scene reads."""
    o = entry.options
    if entry.kind == "figure":
        from ..render import figures

        return [figures.runs_for(o.get("figure", entry.name), **lesson_options(o))]
    if entry.kind == "gif":
        from .. import lessons

        return [lessons.build(o.get("lesson", "single"), **lesson_options(o))]
    from .. import video

    return list(video.scene_class(o.get("scene", entry.name)).runs())   # computed once, shared with the render


def render_entry(entry: Entry, lang: str, folder, runs=None) -> Path:
    """Write ``entry`` in ``lang`` into ``folder``; returns the file. ``runs``: the entry's
    :func:`entry_runs`, when already computed."""
    path = Path(folder) / entry.filename(lang)
    o = entry.options
    if entry.kind == "figure":
        from ..render import figures

        kind = o.get("figure", entry.name)
        runs = runs or entry_runs(entry)
        fig = figures.figure(kind, lang=lang, size=o.get("size"), runs=runs[0], field=o.get("field", False),
                             arrows=o.get("arrows", False))
        return figures.save(fig, path)
    if entry.kind == "gif":
        from ..render.animation import Animation

        runs = runs or entry_runs(entry)
        if "levels" in runs[0].info:   # a zoom into a map (lesson trainability-zoom)
            from ..maps.zoom import save_zoom

            return save_zoom(runs[0].info["levels"], path, config=runs[0].info["config"], lang=lang,
                             fps=o.get("fps", 16), hold_s=o.get("hold", 1.5))
        if "landscape" in runs[0].info:   # paths on a network's loss landscape (lessons landscape-*)
            from ..render.figures.landscape import save_landscape_gif

            return save_landscape_gif(runs[0], path, lang=lang, frames=o.get("frames", 90), fps=o.get("fps", 15),
                                      size=o.get("size", "760x600"), hold=o.get("hold", 1.5))
        anim = Animation(runs[0], frames=o.get("frames", 120), fps=o.get("fps", 20),
                         size=o.get("size", "640x480"), lang=lang, hold=o.get("hold", 1.5),
                         field=o.get("field", False), arrows=o.get("arrows", False))
        return anim.save(path, workers=1)  # the build already keeps every core busy
    from .. import video

    return video.render(o.get("scene", entry.name), path, quality=o.get("quality", "medium"), fmt=entry.format,
                        lang=lang, time_scale=o.get("time_scale", 1.0), captions=True)


def command(entry: Entry, lang: str, folder: str, spec: str | None) -> str:
    """A gdviz command that makes this file again, every number as Python's ``repr`` (the exact
    double: ``0.1234567891``, not ``0.123457``); ``gdviz build --only`` when the options have
    no ``gdviz plot`` equivalent."""
    out = f"{folder}/{entry.filename(lang)}"
    o = entry.options
    params = [_literal(v) for v in o.get("surface_params", {}).values()]
    if entry.kind == "figure" and not ({"n", "seed", "lr", "t"} & set(o)) and None not in params:
        args = ["gdviz", "plot", o.get("figure", entry.name)]
        if "surface" in o or "surface_params" in o:   # the build's surface with parameters: rosenbrock's
            args += ["--surface", o.get("surface", "rosenbrock")]
        for k, v in zip(o.get("surface_params", {}), params):
            args += ["-P", f"{k}={v}"]
        if "optimizers" in o or "optimizer" in o:
            args += ["--optimizer", ",".join(o.get("optimizers") or [o["optimizer"]])]
        if "rates" in o:
            args += ["--lr", ",".join(_literal(r) for r in o["rates"])]
        if "steps" in o:
            args += ["--steps", str(o["steps"])]
        if "start" in o:
            args += [f"--start={','.join(_literal(v) for v in o['start'])}"]
        if "size" in o:
            args += ["--size", o["size"]]
        args += ["--field"] * bool(o.get("field")) + ["--arrows"] * bool(o.get("arrows"))
        args += ["--lang", lang, "-o", out]
        return shlex.join(args)
    if entry.kind == "video":
        args = ["gdviz", "video", o.get("scene", entry.name), "--quality", o.get("quality", "medium"),
                "--lang", lang]
        if o.get("time_scale", 1.0) != 1.0:
            args += ["--time-scale", _literal(o["time_scale"])]
        return shlex.join(args + ["-o", out])
    args = ["gdviz", "build"] + ([spec] if spec else []) + ["--out", folder, "--only", entry.name,
                                                          "--lang", lang]
    data = o.get("surface_params", {}).get("data")
    home = Path(spec).resolve().parent if spec else Path.cwd()
    if isinstance(data, str) and not Path(data).resolve().is_relative_to(home):   # the build allowed it
        args.append("--allow-outside-paths")
    return shlex.join(args)


def _literal(v) -> str | None:
    """``v`` as the command line reads it back exactly (``gdviz.cli``'s KEY=VALUE and X,Y
    parsing): numbers by ``repr``, true/false, text without commas, lists joined by commas;
    None when there is no such text (the command then falls back to ``gdviz build``).

        >>> _literal(0.1234567891), _literal([1, 2.5]), _literal(True)
        ('0.1234567891', '1,2.5', 'true')
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str) and v and "," not in v and v.strip() == v and v.lower() not in (
            "true", "false", "yes", "no", "on", "off", "none", "null"):
        try:
            float(v)
        except ValueError:
            return v
        return None
    if isinstance(v, list) and len(v) > 1 and not any(isinstance(x, list) for x in v):   # [x] would read as x
        parts = [_literal(x) for x in v]
        return None if None in parts else ",".join(parts)
    return None
