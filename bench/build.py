"""Benchmark: the built-in gallery, built cold (nothing cached) and warm (everything cached).

Targets: the cold build of the built-in gallery (videos at 1280x720, 30 fps) in at most 120 s on
a 2-core machine; warm at most 2% of cold; every core busy (the CPU column: process CPU seconds /
wall seconds; 2.0 means both cores of a 2-core machine).

    .venv/bin/python bench/build.py [--jobs N] [--spec FILE]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def video_frames(path) -> int:
    """The number of frames in a video file (read back with PyAV)."""
    import av

    with av.open(str(path)) as f:
        return sum(1 for _ in f.demux(video=0) if _.size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--spec", default=None)
    args = ap.parse_args()
    gdviz = str(Path(sys.executable).parent / "gdviz")
    with tempfile.TemporaryDirectory() as out:
        cmd = [gdviz, "build", *([args.spec] if args.spec else []), "--out", out, "--jobs", str(args.jobs)]
        cold, cold_cpu = timed(cmd)
        warm, warm_cpu = timed(cmd)
        made = [p for p in Path(out).iterdir() if not p.name.startswith(".") and p.suffix != ".html"]
        kinds = {ext: sum(p.suffix == ext for p in made) for ext in (".png", ".gif", ".mp4")}
        frames = sum(video_frames(p) for p in made if p.suffix == ".mp4")
    print(f"gdviz build of {'the built-in gallery' if not args.spec else args.spec}: {len(made)} files "
          f"({kinds['.png']} figures, {kinds['.gif']} GIFs, {kinds['.mp4']} videos), "
          f"{args.jobs} jobs on {os.cpu_count()} cores\n")
    print(f"{'build':<8} {'wall s':>8} {'CPU s':>8} {'cores busy':>11}")
    print(f"{'cold':<8} {cold:>8.1f} {cold_cpu:>8.1f} {cold_cpu / cold:>11.2f}")
    print(f"{'warm':<8} {warm:>8.2f} {warm_cpu:>8.2f} {warm_cpu / warm:>11.2f}")
    print(f"\n{frames} video frames; the cold build's CPU per video frame, everything else included: "
          f"{1000 * cold_cpu / max(frames, 1):.0f} ms")
    print(f"cold: {cold:.1f} s (target <= 120 s); warm is {100 * warm / cold:.2f}% of cold (target <= 2%)")


if __name__ == "__main__":
    main()
