"""Benchmark: each manim scene rendered at the gallery's quality (medium: 1280x720, 30 fps),
full length, the way the gallery renders it (``gdviz.video.render``, no progress bar, so no
measuring pass; ``--cli`` times ``gdviz video`` instead, which adds one), against plain manim
rendering the same scene from its thin file (``manim -qm --disable_caching scenes/x.py X``:
manim's own pipeline and encoder settings), in the same run, one after the other, so both see
the same machine. The table gives milliseconds per frame (wall and CPU) for each; on a busy
machine compare the CPU columns and the ratio, not the absolute numbers.

Target: the whole gallery (7 scenes in English and Chinese, plus ~60 figures and GIFs) in at
most 150 s on a 2-core machine, so about 10-15 s a scene. Each render runs in its own process
(manim's configuration is global), one at a time so the times are comparable. "cpu s" is the
process's user + system time (the encoder's threads included): on a busy machine it is the
steadier number. "still" is the share of frames identical to the one before (within the
encoder's noise): the closing hold and the act captions.

    .venv/bin/python bench/video.py [--scene NAME ...] [--lang en zh] [--quality medium] [--cli] [--no-plain]
"""
import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from gdviz.video import describe

MANIM_FLAGS = {"low": "-ql", "medium": "-qm", "high": "-qh", "4k": "-qk"}
RENDER = ("import sys; from gdviz.video import render; "
          "render(sys.argv[1], sys.argv[2], quality=sys.argv[3], lang=sys.argv[4])")


def still_share(path, level: int = 8, pixels: int = 50):
    """(frames, seconds, share of still frames) of a video: a frame is still when fewer than
    ``pixels`` pixels differ from the one before by more than ``level`` (as in the tests)."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        fps = float(stream.average_rate)
        prev, still, n = None, 0, 0
        for frame in c.decode(stream):
            rgb = frame.to_ndarray(format="rgb24").astype(np.int16)
            if prev is not None:
                still += int((np.abs(rgb - prev).max(-1) > level).sum()) < pixels
            prev, n = rgb, n + 1
    return n, n / fps, still / max(n - 1, 1)


def timed(cmd, **kw):
    """(wall s, CPU s of the child: user + system, its encoder threads included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plain_manim(name, lang, quality, folder):
    """Render scene ``name`` in ``lang`` with plain manim (``manim -qm --disable_caching``: its own
    pipeline and encoder settings) from a thin file like those in scenes/; the movie's path."""
    from gdviz.scenes import SCENES

    base = SCENES[name].__name__
    scene = f"{base}{lang.title()}"
    file = Path(folder) / f"plain_{name.replace('-', '_')}_{lang}.py"
    file.write_text(f"from gdviz.scenes import {base}\n\n\nclass {scene}({base}):\n    lang = {lang!r}\n")
    media = Path(folder) / f"manim-{name}-{lang}"
    cmd = [sys.executable, "-m", "manim", MANIM_FLAGS[quality], "--disable_caching", "--progress_bar", "none",
           "--media_dir", str(media), str(file), scene]
    wall, cpu = timed(cmd, cwd=folder)
    out, = (p for p in media.rglob(f"{scene}.mp4") if "partial_movie_files" not in p.parts)
    return wall, cpu, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scene", nargs="*", default=list(describe()))
    ap.add_argument("--lang", nargs="*", default=["en"])
    ap.add_argument("--quality", default="medium")
    ap.add_argument("--cli", action="store_true", help="time `gdviz video` (adds its measuring pass)")
    ap.add_argument("--no-plain", action="store_true", help="skip plain manim's render of each scene")
    args = ap.parse_args()
    gdviz = str(Path(sys.executable).parent / "gdviz")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name in args.scene:
            for lang in args.lang:
                out = Path(d) / f"{name}-{lang}.mp4"
                cmd = ([gdviz, "video", name, "-q", args.quality, "--lang", lang, "-o", str(out)] if args.cli
                       else [sys.executable, "-c", RENDER, name, str(out), args.quality, lang])
                wall, cpu = timed(cmd)
                frames, length, still = still_share(out)
                plain = None
                if not args.no_plain:
                    p_wall, p_cpu, p_out = plain_manim(name, lang, args.quality, d)
                    plain = (p_wall, p_cpu, still_share(p_out)[0])
                rows.append((name, lang, wall, cpu, frames, length, still, out.stat().st_size, plain))
    how = "gdviz video" if args.cli else "gdviz.video.render, as the gallery"
    print(f"manim scenes at {args.quality} quality ({how}; whole process: python, imports, runs, render)\n")
    print(f"{'scene':<22} {'lang':<4} {'wall s':>7} {'cpu s':>6} {'frames':>7} {'video s':>8} {'still':>6} {'size':>8}"
          f"   {'ms/frame':>8} {'cpu ms/f':>8}   {'manim ms/f':>10} {'cpu ms/f':>8} {'cpu ratio':>9}")
    for name, lang, wall, cpu, frames, length, still, size, plain in rows:
        line = (f"{name:<22} {lang:<4} {wall:>7.1f} {cpu:>6.1f} {frames:>7} {length:>8.1f} {still:>6.0%} "
                f"{size / 1e3:>5.0f} kB   {1e3 * wall / frames:>8.0f} {1e3 * cpu / frames:>8.0f}")
        if plain is not None:
            p_wall, p_cpu, p_frames = plain
            line += f"   {1e3 * p_wall / p_frames:>10.0f} {1e3 * p_cpu / p_frames:>8.0f} {cpu / p_cpu:>9.2f}"
        print(line)
    print(f"{'total':<22} {'':<4} {sum(r[2] for r in rows):>7.1f} {sum(r[3] for r in rows):>6.1f} "
          f"{sum(r[4] for r in rows):>7} {sum(r[5] for r in rows):>8.1f}")
    if any(r[8] for r in rows):
        p_cpu = sum(r[8][1] for r in rows if r[8])
        print(f"plain manim, the same scenes: {sum(r[8][0] for r in rows if r[8]):.1f} s wall, {p_cpu:.1f} s CPU; "
              "the machine's load is the same for both, the absolute numbers are not")


if __name__ == "__main__":
    main()
