"""Trust, third round (issue 16), processes and files: outputs honour the umask and keep a
replaced file's mode, MP4/WebM frames stream with back-pressure (memory does not grow with the
frame count), long names and paths, a dead frame renderer, leftovers of killed runs cleaned by
the next run, and standard output closed, full or a closed pipe."""
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

import gdviz as gd
from gdviz.cli import main
from gdviz.errors import OutputError
from gdviz.files import TEMPORARY, atomic_path, write_text
from gdviz.render import animation as anim_mod
from gdviz.render.animation import animate

GDVIZ = [sys.executable, "-m", "gdviz"]
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def gdviz(args, cwd, **kw):
    return subprocess.run(GDVIZ + list(args), cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=ENV, **kw)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir()
                  if TEMPORARY.match(p.name) or p.name.startswith(".gdviz-manim"))


@pytest.fixture(scope="module")
def traj():
    return gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", start=[-1.5, 2.0], steps=200)


@pytest.fixture
def umask077():
    old = os.umask(0o077)
    yield
    os.umask(old)


# -- 1: the umask, and a replaced file's mode ------------------------------------------------
WRITERS = {
    "plot": lambda d: main(["plot", "loss-curve", "-o", str(d / "f.png")]) or d / "f.png",
    "gif": lambda d: main(["gif", "--frames", "4", "--size", "200x160", "--steps", "20", "-o",
                           str(d / "a.gif")]) or d / "a.gif",
    "mp4": lambda d: main(["gif", "--frames", "4", "--size", "200x160", "--steps", "20", "-o",
                           str(d / "a.mp4")]) or d / "a.mp4",
    "npz": lambda d: main(["run", "--steps", "20", "--save", str(d / "t.npz")]) or d / "t.npz",
    "explorer": lambda d: main(["explore", "-s", "bowl", "-o", str(d / "e.html")]) or d / "e.html",
    "text": lambda d: write_text(d / "manifest.json", "{}"),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_new_outputs_follow_the_umask(tmp_path, umask077, writer):
    out = WRITERS[writer](tmp_path)
    assert out.is_file() and mode(out) == 0o600


@pytest.mark.parametrize("writer", ["plot", "gif", "text"])
@pytest.mark.parametrize("before", [0o600, 0o640, 0o664])
def test_a_replaced_output_keeps_its_mode(tmp_path, writer, before):
    target = WRITERS[writer](tmp_path)
    os.chmod(target, before)
    assert WRITERS[writer](tmp_path) == target and mode(target) == before


def test_the_gallery_manifest_and_index_follow_the_umask(tmp_path, umask077):
    spec = tmp_path / "g.toml"
    spec.write_text('[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\nlang = "en"\n')
    out = tmp_path / "out"
    assert main(["build", str(spec), "--out", str(out), "--jobs", "1"]) == 0
    files = [p for p in out.iterdir() if p.is_file()]
    assert {"index.html", "a.png"} <= {p.name for p in files}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_a_video_follows_the_umask(tmp_path, umask077):
    pytest.importorskip("manim")
    from gdviz.video import render

    out = render("learning-rates", tmp_path / "v.png", quality="low", time_scale=0.05)
    assert mode(out) == 0o600 and leftovers(tmp_path) == []


# -- 2: MP4/WebM frames stream with back-pressure ---------------------------------------------
def test_frames_in_flight_stay_bounded_whatever_the_frame_count(traj, monkeypatch):
    """Frames converted (by either process) but not yet taken by the writer: at most the frames
    the parent may hold from the child (two turns), one on its way through the pipe and one
    being converted in each process. Before, the parent held every frame of the child's half."""
    size = (160, 160)
    monkeypatch.setattr(anim_mod, "HELD_BYTES", 2 * 2 * 3 * size[0] * size[1], raising=False)  # turns of 2
    a = animate(traj, frames=100, size=size)
    converted, consumed, peak = (multiprocessing.Value("i", 0) for _ in range(3))

    def counting():
        def convert(image):
            with converted.get_lock():
                converted.value += 1
                peak.value = max(peak.value, converted.value - consumed.value)
            return image.tobytes()
        return convert

    frames = []
    for data in a._render(counting, workers=2):
        frames.append(data)
        with converted.get_lock():
            consumed.value += 1
    assert frames == [a.frame(i).tobytes() for i in range(100)]
    assert peak.value <= 2 * 2 + 3


@pytest.mark.parametrize("held_frames", [2, 6, 50])
def test_a_parallel_gif_is_the_serial_gif_whatever_the_turns(traj, tmp_path, monkeypatch, held_frames):
    size = (200, 160)
    monkeypatch.setattr(anim_mod, "HELD_BYTES", held_frames * 3 * size[0] * size[1], raising=False)
    a = animate(traj, frames=37, size=size)
    assert a.save(tmp_path / "two.gif", workers=2).read_bytes() == a.save(tmp_path / "one.gif",
                                                                          workers=1).read_bytes()


# -- 3: long names and paths -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["a" * 251 + ".png", "é" * 125 + ".png", "数" * 83 + ".png"])
def test_a_legal_long_name_is_written(tmp_path, name, monkeypatch):
    assert len(name.encode()) in (255, 254, 253)
    monkeypatch.chdir(tmp_path)
    assert main(["plot", "loss-curve", "-o", name]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_temporary_names_fit_and_are_still_recognised(tmp_path):
    from gdviz.files import remove_stale_temporaries

    target = tmp_path / ("b" * 250 + ".json")
    with atomic_path(target) as tmp:
        assert len(tmp.name.encode()) <= 255 and TEMPORARY.match(tmp.name)
        seen = tmp.name
    assert target.is_file() and not (tmp_path / seen).exists()
    # a killed run's temporary of that long name is recognised as one
    code = textwrap.dedent(f"""
        import os, signal
        from gdviz.files import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            open(tmp, "w").write("half")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    subprocess.run([sys.executable, "-c", code], env=ENV)
    assert len(leftovers(tmp_path)) == 1
    assert remove_stale_temporaries(tmp_path, [target.name]) and leftovers(tmp_path) == []


@pytest.mark.parametrize("path, message", [
    ("/".join(["d" * 200] * 25) + "/x.png", "output path is too long (5,030 bytes; at most 4,095)"),
    ("a" * 300 + ".png", "output name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa…aaaaaa.png' is too long (304 bytes; at most 255)"),
])
@pytest.mark.parametrize("verb", [["plot", "loss-curve"], ["gif"], ["explore"], ["race"]])
def test_too_long_paths_are_one_line_exit_2(tmp_path, capsys, monkeypatch, path, message, verb):
    monkeypatch.chdir(tmp_path)
    assert main(verb + ["-o", path]) == 2
    assert capsys.readouterr().err == f"gdviz: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


# -- 4: a dead frame renderer; leftovers of killed runs; standard output -----------------------
@pytest.mark.parametrize("ext", [".gif", ".mp4"])
def test_a_dead_frame_renderer_is_one_line_exit_1(tmp_path, capsys, monkeypatch, ext):
    parent = os.getpid()
    convert = anim_mod.GifFrames.__call__ if ext == ".gif" else anim_mod._rgb_bytes
    calls = []

    def dying(*args):
        calls.append(1)
        if os.getpid() != parent and len(calls) == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return convert(*args)

    if ext == ".gif":
        monkeypatch.setattr(anim_mod.GifFrames, "__call__", dying)
    else:
        monkeypatch.setattr(anim_mod, "_rgb_bytes", dying)
    target = tmp_path / f"a{ext}"
    target.write_bytes(b"previous")
    assert main(["gif", "--frames", "60", "--size", "200x160", "--steps", "50", "-o", str(target)]) == 1
    assert capsys.readouterr().err == "gdviz: error: the frame renderer died (signal 9)\n"
    assert target.read_bytes() == b"previous" and leftovers(tmp_path) == []


KILLED = {
    "mp4": """
        from gdviz.files import atomic_path
        with atomic_path("clip.mp4") as tmp:
            open(tmp, "wb").write(b"half a video")
            kill()""",
    "manim": """
        from gdviz.files import temporary_folder
        with temporary_folder(".") as media:
            (media / "partial_movie_files").mkdir()
            kill()""",
}


def killed(kind, folder):
    """A run that dies (SIGKILL) while its temporary file or media folder exists."""
    code = "import os, signal\nkill = lambda: os.kill(os.getpid(), signal.SIGKILL)\n" + textwrap.dedent(KILLED[kind])
    assert subprocess.run([sys.executable, "-c", code], cwd=folder, env=ENV).returncode == -signal.SIGKILL


@pytest.mark.parametrize("kind", list(KILLED))
@pytest.mark.parametrize("next_run", [["plot", "loss-curve", "-o", "f.png"],
                                      ["gif", "--frames", "4", "--size", "200x160", "-o", "a.mp4"],
                                      ["run", "--steps", "5", "--save", "t.npz"]])
def test_the_next_run_cleans_the_leftovers_of_a_killed_run(tmp_path, kind, next_run):
    (tmp_path / ".notes.swp").write_text("mine")
    (tmp_path / ".gdviz-manim-mine").mkdir()   # not a name gdviz makes
    killed(kind, tmp_path)
    assert len(leftovers(tmp_path)) == 2   # the killed run's and the user's lookalike
    assert gdviz(next_run, tmp_path).returncode == 0
    assert leftovers(tmp_path) == [".gdviz-manim-mine"] and (tmp_path / ".notes.swp").read_text() == "mine"


def test_a_live_runs_temporaries_are_not_taken_for_leftovers(tmp_path):
    """Another run writing into the same folder at the same time keeps its files."""
    code = textwrap.dedent("""
        import sys
        from gdviz.files import atomic_path, temporary_folder
        with temporary_folder(".") as media, atomic_path("slow.txt") as tmp:
            open(tmp, "w").write("slow")
            (media / "frame").write_text("x")
            print("ready", flush=True)
            sys.stdin.readline()
    """)
    slow = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=ENV, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert slow.stdout.readline() == "ready\n"
        live = leftovers(tmp_path)
        assert len(live) == 2
        assert gdviz(["plot", "loss-curve", "-o", "f.png"], tmp_path).returncode == 0
        assert leftovers(tmp_path) == live
        slow.stdin.write("go\n")
        slow.stdin.close()
        assert slow.wait(60) == 0
    finally:
        slow.kill()
    assert (tmp_path / "slow.txt").read_text() == "slow" and leftovers(tmp_path) == []


def run_with_stdout(args, stdout, **kw):
    return subprocess.run(GDVIZ + args, stdout=stdout, stderr=subprocess.PIPE, text=True, env=ENV,
                          timeout=120, **kw)


def test_a_closed_stdout_is_one_line(tmp_path):
    r = run_with_stdout(["list"], None, preexec_fn=lambda: os.close(1))
    assert (r.returncode, r.stderr) == (1, "gdviz: error: cannot write to standard output: bad file descriptor\n")


def test_a_closed_stdout_takes_no_file_descriptor_of_an_output(tmp_path):
    """With fd 1 closed, the output file must not become fd 1 (where 'wrote ...' would go)."""
    r = run_with_stdout(["plot", "loss-curve", "-o", "f.png"], None, cwd=tmp_path, preexec_fn=lambda: os.close(1))
    assert r.returncode == 1 and r.stderr.endswith("cannot write to standard output: bad file descriptor\n")
    with Image.open(tmp_path / "f.png") as im:
        im.verify()


@pytest.mark.parametrize("args", [["list"], ["run", "--steps", "5"], ["--help"]])
def test_a_full_stdout_is_one_line(args):
    with open("/dev/full", "w") as full:
        r = run_with_stdout(args, full)
    assert r.returncode == 1
    assert r.stderr == "gdviz: error: cannot write to standard output: no space left on the device\n"


@pytest.mark.parametrize("args", [["list"], ["run", "--steps", "5"], ["--help"]])
def test_a_closed_pipe_ends_quietly_like_other_tools(args):
    """Like ``yes | head -1``: no message, and the exit of a process killed by SIGPIPE."""
    read, write = os.pipe()
    os.close(read)   # the reader has gone before gdviz writes a byte
    try:
        r = run_with_stdout(args, write)
    finally:
        os.close(write)
    assert (r.returncode, r.stderr) == (-signal.SIGPIPE, "")


def test_writing_into_a_missing_folder_is_still_one_line(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        with atomic_path(tmp_path / "gone" / "x.png"):
            pass


@pytest.mark.parametrize("args, size", [
    (["build", "--out", "/".join(["d" * 200] * 25)], "5,024 bytes"),
    (["build", "/".join(["d" * 200] * 25) + "/g.toml"], "5,031 bytes"),
    (["build", "--out", "e" * 300], "300 bytes"),
])
def test_any_path_the_os_finds_too_long_is_one_line_exit_2(tmp_path, capsys, monkeypatch, args, size):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdviz: error: path '") and err.endswith(
        f"' is too long ({size}; at most 4,095, and 255 in one name)\n") and err.count("\n") == 1


def test_an_interruption_a_finalizer_swallows_still_stops_the_render(tmp_path):
    """Ctrl-C landing in a weakref callback or __del__ (matplotlib has many) is printed by Python as
    'Exception ignored' with a traceback and lost; gdviz keeps it: the output is not published, the
    previous file stays, and nothing is printed."""
    script = f"""
import gc, sys
from pathlib import Path
from gdviz import interrupt
from gdviz.files import atomic_path
interrupt.install()

class Finalizer:
    def __del__(self):
        raise KeyboardInterrupt

target = Path({str(tmp_path / "out.png")!r})
target.write_bytes(b"previous")
try:
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(b"new")
        Finalizer()          # dropped at once: its KeyboardInterrupt cannot be raised here
        gc.collect()
    print("published")
except KeyboardInterrupt:
    print("stopped")
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "stopped" and r.stderr == ""
    assert (tmp_path / "out.png").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
