"""Hardening, second round: full disks, OS errors, hostile durations and texts, concurrent
builds, corrupt caches, killed parents and dying workers. Each behaves as a trusted tool:
one clear line (exit 2 for a usage error, 1 for a failed render), nothing lost, nothing left."""
import html
import html.parser
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gdviz.cli import main
from gdviz.files import TEMPORARY
from gdviz.gallery import build, load
from gdviz.gallery.build import MANIFEST
from gdviz.gallery.page import embeds

GDVIZ = [sys.executable, "-m", "gdviz"]
ROOT = os.geteuid() == 0


def gdviz(args, cwd, **kw):
    return subprocess.run(GDVIZ + list(args), cwd=cwd, capture_output=True, text=True, timeout=300, **kw)


def temporaries(folder):
    return [p.name for p in Path(folder).iterdir() if TEMPORARY.match(p.name) or p.name.startswith(".gdviz-manim")]


# -- 1, 2: a full disk, and other OS errors --------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 600 KB tmpfs when we may mount one (root); otherwise a folder whose writers are held
    to 150 KB per file by RLIMIT_FSIZE (the injected fault: writes fail with EFBIG)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = ROOT and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)],
                                      capture_output=True).returncode == 0
    yield disk, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def fill(disk, mounted, leave_kb=60):
    """Leave about ``leave_kb`` free on the tmpfs; with the injected fault, limit file sizes."""
    if not mounted:
        import resource

        return lambda: (resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000)),
                        signal.signal(signal.SIGXFSZ, signal.SIG_IGN))
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave_kb * 1024))
    return None


@pytest.mark.parametrize("ext", [".mp4", ".gif", ".webm"])
def test_a_full_disk_fails_the_render_and_keeps_the_previous_file(small_disk, ext):
    disk, mounted = small_disk
    out = disk / f"prev{ext}"
    small = ["gif", "--frames", "8", "--size", "320x240", "-o", out.name]
    assert gdviz(small, disk).returncode == 0
    before = out.read_bytes()
    limit = fill(disk, mounted)
    r = gdviz(["gif", "--frames", "200", "--size", "800x600", "-o", out.name], disk, preexec_fn=limit)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr   # no ffmpeg chatter, no traceback
    cause = "no space left on the device" if mounted else "too large"
    assert lines[0].startswith(f"gdviz: error: cannot write '{out.name}': ") and cause in lines[0]
    assert "internal error" not in r.stderr and "wrote" not in r.stdout
    assert out.read_bytes() == before
    assert temporaries(disk) == []


def test_a_full_disk_fails_a_figure_cleanly(small_disk):
    disk, mounted = small_disk
    limit = fill(disk, mounted, leave_kb=8)
    r = gdviz(["plot", "race", "-o", "race.png"], disk, preexec_fn=limit)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "cannot write 'race.png'" in r.stderr and not (disk / "race.png").exists()
    assert temporaries(disk) == []


def test_a_manifest_that_cannot_be_written_fails_the_build_with_its_list(tmp_path, monkeypatch):
    from gdviz.errors import OutputError

    build_mod = sys.modules["gdviz.gallery.build"]   # the module (its name is also the function's)

    def no_space(folder, files):
        raise OutputError(f"cannot write '{folder / MANIFEST}': no space left on the device")

    monkeypatch.setattr(build_mod, "write_manifest", no_space)
    result = build(None, tmp_path, only=["lr-exercise"], jobs=1)
    assert sorted(result.failed) == ["lr-exercise-zh.png", "lr-exercise.png"]
    assert all("manifest could not be written" in m and "no space" in m for m in result.failed.values())
    assert (tmp_path / "index.html").is_file() and temporaries(tmp_path) == []


@pytest.mark.parametrize("make, message", [
    (lambda d: os.mkfifo(d / "out.png"), "is not a regular file"),
    (lambda d: (d / "out.png").mkdir(), "is a folder"),
    (lambda d: (d / "sub").write_text("a file"), "is a file, not a folder"),
])
def test_os_errors_are_one_clear_line_before_any_work(tmp_path, make, message, capsys):
    make(tmp_path)
    target = "sub/out.png" if "folder" in message and "is a file" in message else "out.png"
    assert main(["plot", "race", "-o", str(tmp_path / target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_run_checks_where_it_saves_before_running(tmp_path, monkeypatch, capsys):
    import gdviz.engine

    def never(*a, **k):
        raise AssertionError("the run happened before the output was checked")

    monkeypatch.setattr(gdviz.engine, "run", never)
    os.mkfifo(tmp_path / "fifo.npz")
    assert main(["run", "--save", str(tmp_path / "fifo.npz")]) == 2
    assert "is not a regular file" in capsys.readouterr().err


@pytest.mark.skipif(not ROOT, reason="mounting a read-only file system needs root")
def test_a_read_only_file_system_is_named(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)]).returncode:
        pytest.skip("cannot mount here")
    try:
        assert main(["plot", "race", "-o", str(ro / "x.png")]) == 2
        assert "is on a read-only file system" in capsys.readouterr().err
    finally:
        subprocess.run(["umount", "-l", str(ro)])


# -- 4: durations ------------------------------------------------------------------------------
@pytest.mark.parametrize("hold", ["100000", "1e9", "1e300", "nan", "-1"])
def test_hold_counts_against_the_frame_limit(hold, tmp_path, capsys):
    assert main(["gif", "--hold", hold, "-o", str(tmp_path / "x.gif")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hold" in err and not (tmp_path / "x.gif").exists()


@pytest.mark.parametrize("line, message", [
    ("hold = 1e300", "hold must be at most 30"),
    ("hold = nan", "hold must be a finite number"),
    ("fps = inf", "fps must be a finite number"),
    ("frames = 4990\nhold = 10", "frames + hold x fps"),
    ("start = [nan, inf]", "start must be a list of 1 to 100 finite numbers"),
    ("rates = [-0.1]", "rates must be > 0"),
    ('surface_params = { condition = nan }', "must be finite"),
])
def test_every_number_in_a_spec_is_finite_and_bounded(tmp_path, line, message):
    from gdviz.errors import UserInputError

    spec = f'[[entry]]\nname = "a"\nkind = "gif"\nlesson = "single"\nsurface = "elongated"\n{line}\n'
    with pytest.raises(UserInputError, match=re.escape(message)):
        load(text=spec)


def test_time_scale_is_bounded(tmp_path):
    from gdviz.errors import UserInputError

    for value in ("nan", "1e6"):
        with pytest.raises(UserInputError, match="time_scale"):
            load(text=f'[[entry]]\nname = "v"\nkind = "video"\nscene = "learning-rates"\ntime_scale = {value}\n')


# -- 5: escaping ---------------------------------------------------------------------------
HOSTILE = 'x" onerror="alert(3)\n\n.. raw:: html\n\n   <script>alert(4)</script> [a](javascript:b) *c* `d`'


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse_html(text):
    p = Tags()
    p.feed(text)
    return p.tags


@pytest.mark.parametrize("file", ["race.png", "my race (v2).png", "clip.mp4"])
def test_embed_snippets_are_escaped_for_their_format(file):
    import markdown
    from docutils.core import publish_doctree

    one_line = " ".join(HOSTILE.split())
    snip = embeds(file, HOSTILE)
    tags = parse_html(snip["HTML"])
    assert len(tags) == 1 and tags[0][0] in ("img", "video")
    assert set(tags[0][1]) <= {"src", "alt", "controls", "loop", "muted", "playsinline", "aria-label"}
    assert (tags[0][1].get("alt") or tags[0][1].get("aria-label")) == one_line
    rendered = parse_html(markdown.markdown(snip["Markdown"]))
    media = [t for t in rendered if t[0] in ("img", "video")]
    assert len(media) == 1 and not [t for t in rendered if t[0] in ("script", "a")]
    assert (media[0][1].get("alt") or media[0][1].get("aria-label")) == one_line
    tree = publish_doctree(snip["reStructuredText"], settings_overrides={"report_level": 5})
    raws = [n for n in tree.findall() if n.tagname == "raw"]
    images = [n for n in tree.findall() if n.tagname == "image"]
    if file.endswith(".mp4"):   # a video can only be raw HTML: one tag, escaped
        assert len(raws) == 1 and len(parse_html(raws[0].astext())) == 1
    else:
        assert not raws and len(images) == 1 and images[0]["alt"] == one_line


def test_the_preview_page_escapes_user_text(tmp_path):
    spec = tmp_path / "g.toml"
    spec.write_text(f'[[entry]]\nname = "a"\nkind = "figure"\nfigure = "lr-exercise"\nlang = "en"\n'
                    f'alt = {json.dumps(HOSTILE)}\ncaption = "<b>bold</b>"\n')
    result = build(spec, tmp_path / "out", jobs=1)
    assert not result.failed
    page = (tmp_path / "out" / "index.html").read_text()
    tags = parse_html(page)
    assert not [t for t in tags if "onerror" in t[1]] and "<b>bold</b>" not in page
    assert [t[0] for t in tags].count("script") == 1   # the page's own script only


def test_terminal_messages_escape_control_characters(tmp_path, capsys):
    assert main(["build", "--only", "x\x1b]0;owned\x07\x1b[2J", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]0;owned\\x07" in err


# -- 6: the output folder is locked ------------------------------------------------------------
SPEC = """
[defaults]
lang = "en"
[[entry]]
name = "{a}"
kind = "figure"
figure = "lr-exercise"
[[entry]]
name = "{b}"
kind = "gif"
lesson = "lr-triptych"
frames = 30
size = "480x200"
"""


def test_two_builds_into_one_folder_wait_for_each_other_and_both_stay_known(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a1.png.notes").write_text("my notes")       # a user's dotfiles are never touched
    (out / ".index.html.bak").write_text("backup")
    specs = []
    for i, (a, b) in enumerate((("a1", "a2"), ("b1", "b2"))):
        specs.append(tmp_path / f"s{i}.toml")
        specs[-1].write_text(SPEC.format(a=a, b=b))
    procs = [subprocess.Popen(GDVIZ + ["build", str(s), "--out", str(out), "--jobs", "1"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in specs]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert any("waiting for another gdviz build" in err for _, err in outs)
    files = json.loads((out / MANIFEST).read_text())["files"]
    assert sorted(files) == ["a1.png", "a2.gif", "b1.png", "b2.gif"]
    again = build(specs[0], out, jobs=1)
    assert sorted(again.cached) == ["a1.png", "a2.gif"] and not again.rendered
    assert (out / ".a1.png.notes").read_text() == "my notes" and (out / ".index.html.bak").is_file()


# -- 7: the cache verifies what it trusts ----------------------------------------------------
def test_truncated_empty_or_replaced_outputs_render_again(tmp_path):
    spec = tmp_path / "g.toml"
    spec.write_text(SPEC.format(a="fig", b="anim"))
    out = tmp_path / "out"
    first = build(spec, out, jobs=1)
    assert sorted(first.rendered) == ["anim.gif", "fig.png"]
    png = (out / "fig.png").read_bytes()
    (out / "fig.png").write_bytes(png[: len(png) // 2])      # truncated
    (out / "anim.gif").write_bytes(b"")                      # emptied
    again = build(spec, out, jobs=1)
    assert sorted(again.rendered) == ["anim.gif", "fig.png"] and not again.cached
    assert (out / "fig.png").read_bytes() == png
    (out / "fig.png").write_bytes(png[:-1] + bytes([png[-1] ^ 1]))   # same size, other bytes
    assert build(spec, out, jobs=1).rendered == ["fig.png"]


@pytest.mark.parametrize("manifest", ['{"files": null}', '{"files": []}', "[]", '{"files": {"fig.png": 3}}',
                                      "not json", '{"files": {"fig.png": {"hash": 1}}}'])
@pytest.mark.parametrize("force", [False, True])
def test_a_manifest_of_the_wrong_shape_counts_as_empty(tmp_path, manifest, force):
    spec = tmp_path / "g.toml"
    spec.write_text(SPEC.format(a="fig", b="anim"))
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(manifest)
    result = build(spec, out, jobs=1, force=force)
    assert sorted(result.rendered) == ["anim.gif", "fig.png"] and not result.failed
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == ["anim.gif", "fig.png"]


@pytest.mark.parametrize("text, message", [
    ('[[entry]]\nname = "p"\nkind = "figure"\nfigure = "race"\n[[entry]]\nname = "p-zh"\nkind = "figure"\n'
     'figure = "race"\nlang = "en"\n', ":6: entry 'p-zh' writes 'p-zh.png', which entry 'p' also writes"),
    ('[[entry]]\nname = "p"\nkind = "figure"\nfigure = "race"\nlang = ["en", "en"]\n',
     ":5: entry 'p': lang lists a language twice"),
])
def test_colliding_outputs_are_a_located_spec_error(text, message):
    from gdviz.errors import UserInputError

    with pytest.raises(UserInputError, match=re.escape(message)):
        load(text=text)


# -- 8: no process outlives gdviz ------------------------------------------------------------
def children(pid):
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_build(tmp_path):
    spec = tmp_path / "g.toml"
    spec.write_text("\n".join(f'[[entry]]\nname = "g{i}"\nkind = "gif"\nlesson = "race"\nsurface = "egg-crate"\n'
                              f'frames = 400\nsize = "800x600"\nlang = "en"\n' for i in range(4)))
    out = tmp_path / "out"
    parent = subprocess.Popen(GDVIZ + ["build", str(spec), "--out", str(out), "--jobs", "2"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and len(workers) < 2:
        workers = [c for c in children(parent.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        time.sleep(0.2)
    assert len(workers) == 2
    time.sleep(2)   # they are rendering now
    parent.kill()
    parent.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(alive(w) for w in workers)
    assert "leaked semaphore" not in parent.stderr.read()
    assert not [p for p in out.glob("*.gif")]   # nothing half-written took a real name


def test_sighup_stops_a_render_like_sigterm(tmp_path):
    out = tmp_path / "h.mp4"
    assert gdviz(["gif", "--frames", "8", "--size", "320x240", "-o", str(out)], tmp_path).returncode == 0
    before = out.read_bytes()
    p = subprocess.Popen(GDVIZ + ["gif", "--frames", "2000", "--size", "1280x720", "-o", str(out)], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not temporaries(tmp_path):
        time.sleep(0.1)
    time.sleep(1.0)
    kids = children(p.pid)
    p.send_signal(signal.SIGHUP)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGHUP and err.strip() == "gdviz: stopped"
    assert out.read_bytes() == before and temporaries(tmp_path) == []
    time.sleep(0.5)
    assert not any(alive(k) for k in kids)   # the frame renderer and ffmpeg went too


def _square_or_die(x):
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def test_a_worker_that_dies_is_one_failure_and_the_rest_finish():
    from gdviz.gallery.pool import run_tasks

    results = dict(run_tasks(_square_or_die, [(f"t{x}", (x,)) for x in range(8)], jobs=2,
                             died=lambda key, how: f"died ({how})"))
    assert results.pop("t3") == "died (signal 9)"
    assert results == {f"t{x}": x * x for x in range(8) if x != 3}


# -- 10: specs are validated when loaded ---------------------------------------------------------
@pytest.mark.parametrize("data, message", [
    (b'title = 3\n[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\n', ":1: 'title' must be text"),
    (b'description = ["x"]\n[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\n',
     ":1: 'description' must be text"),
    (b'entry = [1]\n', "entry 1 must be a table"),
    (b'[[entry]]\nname = "' + b"a" * 200 + b'"\nkind = "figure"\n', "at most 80 characters"),
    (b'[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\noptimizers = ["adamm"]\n',
     ":5: entry 'a': unknown optimizers 'adamm'; accepted: gd, sgd"),
    (b'title = "caf\xe9"\n[[entry]]\nname = "a"\nkind = "figure"\n', ":1: the spec is not UTF-8 text (byte 0xe9)"),
    (b'[[entry]]\nname = "a"\nkind = "figure"\ncaption = "\xff"\n', ":4: the spec is not UTF-8 text"),
])
def test_specs_are_checked_when_loaded(tmp_path, data, message):
    from gdviz.errors import UserInputError

    spec = tmp_path / "g.toml"
    spec.write_bytes(data)
    with pytest.raises(UserInputError, match=re.escape(message)):
        load(spec)


def test_a_spec_with_a_byte_order_mark_loads(tmp_path):
    spec = tmp_path / "g.toml"
    spec.write_bytes(b"\xef\xbb\xbf" + 'title = "课程"\n[[entry]]\nname = "a"\nkind = "figure"\nfigure = "race"\n'
                     .encode())
    assert load(spec).title["en"] == "课程"
