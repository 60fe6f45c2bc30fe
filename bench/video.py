"""Benchmark: each manim scene rendered at low quality (854x480, 15 fps), full length.

Target: no scene over 60 s on a 2-core machine. Each render runs in its own process (manim's
configuration is global), one at a time so the times are comparable; trajectories are computed
once per scene, before the first frame.

    .venv/bin/python bench/video.py [--scene NAME ...] [--quality low]
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg

from gdviz.video import describe


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scene", nargs="*", default=list(describe()))
    ap.add_argument("--quality", default="low")
    args = ap.parse_args()
    gdviz = str(Path(sys.executable).parent / "gdviz")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name in args.scene:
            out = Path(d) / f"{name}.mp4"
            t0 = time.perf_counter()
            subprocess.run([gdviz, "video", name, "-q", args.quality, "-o", str(out)], check=True,
                           capture_output=True)
            seconds = time.perf_counter() - t0
            frames, length = imageio_ffmpeg.count_frames_and_secs(str(out))
            rows.append((name, seconds, frames, length, out.stat().st_size))
    print(f"manim scenes at {args.quality} quality (whole process: python, imports, runs, render)\n")
    print(f"{'scene':<22} {'render s':>9} {'frames':>7} {'video s':>8} {'size':>9}  target <= 60 s")
    for name, seconds, frames, length, size in rows:
        ok = "ok" if seconds <= 60 else "SLOW"
        print(f"{name:<22} {seconds:>9.1f} {frames:>7} {length:>8.1f} {size / 1e3:>7.0f} kB  {ok}")


if __name__ == "__main__":
    main()
