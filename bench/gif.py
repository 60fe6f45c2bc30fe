"""Benchmark: the same 120-frame 640x480 Rosenbrock contour animation of an Adam path, made the
usual way (matplotlib FuncAnimation saved with PillowWriter) and with gdviz, in one run.

Each way runs as a whole process (Python start-up, imports, optimizer run, rendering, writing),
timed from outside. Target: gdviz at least 15x faster and its GIF at most 20% of the size.

    .venv/bin/python bench/gif.py [--out DIR] [--repeat 3]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

USUAL = r'''
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, PillowWriter

def f(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2

def grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])

# Adam, 600 steps from (-1.5, 2), lr 0.05
p, m, v = np.array([-1.5, 2.0]), np.zeros(2), np.zeros(2)
path = [p]
for t in range(1, 601):
    g = grad(p)
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g * g
    p = p - 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    path.append(p)
path = np.array(path)
loss = f(path[:, 0], path[:, 1])

fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
X, Y = np.meshgrid(np.linspace(-2, 2, 220), np.linspace(-1, 3, 220))
Z = f(X, Y)
cs = ax.contourf(X, Y, Z, levels=np.geomspace(1e-3, Z.max(), 15), cmap="viridis",
                 norm=matplotlib.colors.LogNorm())
ax.contour(X, Y, Z, levels=np.geomspace(1e-3, Z.max(), 15), colors="white", linewidths=0.5)
fig.colorbar(cs, ax=ax, label="loss")
ax.plot(1, 1, "w*", ms=12)
ax.set_title("Adam on the Rosenbrock function")
ax.set_xlabel("x")
ax.set_ylabel("y")
line, = ax.plot([], [], "-", color="tab:red", lw=2)
dot, = ax.plot([], [], "o", color="tab:red", ms=8)
text = ax.text(0.02, 0.96, "", transform=ax.transAxes, va="top",
               bbox=dict(boxstyle="round", fc="white", alpha=0.8))
frames = np.linspace(0, 600, 120).round().astype(int)

def update(i):
    k = frames[i]
    line.set_data(path[: k + 1, 0], path[: k + 1, 1])
    dot.set_data([path[k, 0]], [path[k, 1]])
    text.set_text(f"step {k}/600\nloss {loss[k]:.3g}")
    return line, dot, text

fig.tight_layout()
anim = FuncAnimation(fig, update, frames=len(frames), blit=True)
anim.save(sys.argv[1], writer=PillowWriter(fps=20))
'''


def gdviz_cmd(out):
    return [str(Path(sys.executable).parent / "gdviz"), "gif", "--surface", "rosenbrock",
            "--optimizer", "adam", "--lr", "0.05", "--steps", "600", "--start=-1.5,2.0",
            "--frames", "120", "--fps", "20", "--size", "640x480", "-o", str(out)]


def timed(cmd, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="keep the two GIFs in this folder")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = Path(args.out or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    usual_gif, gdviz_gif = folder / "usual.gif", folder / "gdviz.gif"
    script = folder / "usual.py"
    script.write_text(USUAL)
    t_usual = timed([sys.executable, str(script), str(usual_gif)], max(1, args.repeat // 2))
    t_gdviz = timed(gdviz_cmd(gdviz_gif), args.repeat)
    rows = []
    for name, t, f in (("usual: FuncAnimation + PillowWriter", t_usual, usual_gif),
                       ("gdviz gif", t_gdviz, gdviz_gif)):
        with Image.open(f) as im:
            rows.append((name, t, f.stat().st_size, im.n_frames, im.size))
    print("120-frame 640x480 Rosenbrock contour animation of an Adam path (whole process)\n")
    print(f"{'way':<40} {'seconds':>8} {'GIF size':>11} {'frames':>7} {'size':>9}")
    for name, t, size, n, wh in rows:
        print(f"{name:<40} {t:>8.2f} {size / 1e6:>9.2f} MB {n:>7} {wh[0]}x{wh[1]:<5}")
    speed = rows[0][1] / rows[1][1]
    ratio = rows[1][2] / rows[0][2]
    print(f"\ngdviz is {speed:.1f}x faster (target >= 15x); its GIF is {100 * ratio:.0f}% of the size "
          f"(target <= 20%)")
    print(f"files: {folder}")


if __name__ == "__main__":
    main()
