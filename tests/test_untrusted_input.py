"""Untrusted input: crafted trajectory files (gd.load) and hostile values passed to the API.

Every case must end in a UserInputError whose message names the problem: never a raw exception,
a hang, a huge allocation, a silent wrong result, or a hint to load pickled data.
"""
import io
import json
import os
import struct
import threading
import time
import zipfile
import zlib

import numpy as np
import pytest

import gdviz as gd
from gdviz import trajectory
from gdviz.errors import UserInputError
from gdviz.optim import schedules as S


# -- helpers --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """The members of a file written by save (a single Adam run), as a dict of arrays."""
    folder = tmp_path_factory.mktemp("good")
    traj = gd.run(gd.optimizer("adam", lr=0.05), "rosenbrock", steps=20, tol=0)
    with np.load(traj.save(folder / "good.npz")) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def good_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("good_batch")
    traj = gd.run(gd.optimizer("gd", lr=[0.1, 4.0]), "parabola", steps=30, tol=0)
    with np.load(traj.save(folder / "b.npz")) as z:
        return {k: z[k] for k in z.files}


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asanyarray(array), allow_pickle=True)
    return buf.getvalue()


def _write(path, members: dict, compression=zipfile.ZIP_STORED):
    """A zip of ``name.npy`` members (object arrays are pickled, as a hostile file would be)."""
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, value in members.items():
            zf.writestr(name + ".npy", value if isinstance(value, bytes) else _npy(value))
    return path


def _info(good, **changes):
    info = json.loads(str(good["info"]))
    for k, v in changes.items():
        if v is KeyError:
            info.pop(k)
        else:
            info[k] = v
    return np.array(json.dumps(info))


def _header(shape, descr="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _deflate_bomb(path, good, nbytes):
    """A real zip bomb: params.npy inflates to ``nbytes`` of zeros (a valid deflate stream and
    CRC) from about nbytes / 1000 on disk. Built from one compressed MiB repeated, so it is cheap."""
    header = _header((nbytes // 16, 2))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = co.compress(header) + co.flush(zlib.Z_FULL_FLUSH)
    chunk = co.compress(bytes(2**20)) + co.flush(zlib.Z_FULL_FLUSH)  # independent after a full flush
    stream += chunk * (nbytes // 2**20) + co.flush()
    crc = zlib.crc32(header)
    for _ in range(nbytes // 2**20):
        crc = zlib.crc32(bytes(2**20), crc)
    members = {k: v for k, v in good.items() if k != "params"}
    members["params"] = stream  # stored as is, then marked as deflated below
    _write(path, members)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo("params.npy").header_offset
    struct.pack_into("<H", data, local + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<I", data, local + 14, crc)
    struct.pack_into("<I", data, local + 22, len(header) + nbytes)
    end = data.rfind(b"PK\x05\x06")
    pos = struct.unpack_from("<I", data, end + 16)[0]  # central directory
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, extra, comment = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46: pos + 46 + n] == b"params.npy":
            struct.pack_into("<H", data, pos + 10, zipfile.ZIP_DEFLATED)
            struct.pack_into("<I", data, pos + 16, crc)
            struct.pack_into("<I", data, pos + 24, len(header) + nbytes)
        pos += 46 + n + extra + comment
    path.write_bytes(bytes(data))
    return path


def _refused(path, match):
    with pytest.raises(UserInputError, match=match) as err:
        gd.load(path)
    message = str(err.value)
    assert "allow_pickle" not in message and "\n" not in message
    return message


# -- family 9: the path ---------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    fifo = tmp_path / "run.npz"
    os.mkfifo(fifo)
    link = tmp_path / "link.npz"
    link.symlink_to(fifo)
    real_os_open, real_open = os.open, open

    def no_open(path, *a, **k):
        if os.fspath(path) in (str(fifo), str(link)):
            raise AssertionError("the FIFO was opened")
        return (real_os_open if a and isinstance(a[0], int) else real_open)(path, *a, **k)

    monkeypatch.setattr(os, "open", no_open)
    monkeypatch.setattr("builtins.open", no_open)
    # a last resort: if something opened the FIFO anyway, a writer comes and goes after 5 s
    unblock = threading.Timer(5, _unblock_fifo, [str(fifo), real_os_open])
    unblock.start()
    try:
        t0 = time.perf_counter()
        for path in (fifo, link):
            _refused(path, rf"'{path}' is a named pipe \(FIFO\), not a trajectory file")
        assert time.perf_counter() - t0 < 2
    finally:
        unblock.cancel()


def _unblock_fifo(path, os_open):
    try:
        os.close(os_open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_folder_and_devices_are_refused(tmp_path):
    _refused(tmp_path, "is a folder, not a trajectory file")
    if os.path.exists("/dev/null"):
        _refused("/dev/null", "'/dev/null' is a character device, not a trajectory file")
    if os.path.exists("/dev/zero"):
        _refused("/dev/zero", "'/dev/zero' is a character device")


@pytest.mark.parametrize("path", [123, None, 4.5, ["a.npz"]])
def test_path_must_be_a_path(path):
    _refused(path, "a trajectory file is given by its path")


def test_missing_file(tmp_path):
    _refused(tmp_path / "nope.npz", "trajectory file '.*nope.npz' does not exist")


def test_file_objects_still_load(tmp_path, good):
    path = _write(tmp_path / "f.npz", good)
    with open(path, "rb") as fh:
        assert gd.load(fh).params.shape == good["params"].shape
    assert gd.load(io.BytesIO(path.read_bytes())).n_steps == 20


# -- family 9: the archive ------------------------------------------------------------------------
def test_not_a_zip(tmp_path, good):
    for name, data, match in [
        ("empty", b"", "the file is empty"),
        ("text", b"hello, not a zip", r"it is not a zip archive \(.npz\)"),
        ("pkjunk", b"PK\x03\x04" + bytes(range(200)), "it is not a zip archive"),
        ("npy", _npy(np.zeros(3)), "it is not a zip archive"),
        ("pickle", b"\x80\x04\x95" + bytes(40), "it is not a zip archive"),
    ]:
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        _refused(path, f"'{path}' is not a gdviz trajectory file: {match}")


def test_truncated_and_corrupted_files(tmp_path, good):
    whole = _write(tmp_path / "whole.npz", good, zipfile.ZIP_DEFLATED).read_bytes()
    for name, data in [("half", whole[: len(whole) // 2]), ("tail", whole[:-10]),
                       ("cut_member", whole[:200] + whole[-300:])]:
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        _refused(path, "is not a gdviz trajectory file: it is (damaged|not a zip)")
    bad = bytearray(whole)
    bad[len(bad) // 3: len(bad) // 3 + 64] = bytes(64)  # inside compressed data
    (tmp_path / "corrupt.npz").write_bytes(bytes(bad))
    _refused(tmp_path / "corrupt.npz", "is not a gdviz trajectory file: (it is damaged|.*)")


def test_zip_bomb_headers_are_refused_before_decompressing(tmp_path, good):
    members = dict(good, params=_header((2**26, 2)) + bytes(64))  # claims 1 GiB, holds 64 bytes
    msg = _refused(_write(tmp_path / "claims.npz", members),
                   r"params claims 1,024 MiB \(shape \(67108864, 2\) of float64\), more than the 256 MiB")
    assert "MAX_RECORD_BYTES" in msg
    huge = dict(good, params=_header((2**49, 2)) + bytes(64))  # 8 PiB: MemoryError before
    _refused(_write(tmp_path / "huge.npz", huge), "params claims 8,589,934,592 MiB")
    text = dict(good, info=_header((), "<U100000000"))  # 400 MB of text
    _refused(_write(tmp_path / "text.npz", text), "info claims 381 MiB")
    split = dict(good, params=_header((2**23, 2)) + bytes(8), grads=_header((2**23, 2)) + bytes(8),
                 loss=_header((2**23,)) + bytes(8), lr=_header((2**23 - 1,)) + bytes(8))  # 128+128+64+64
    _refused(_write(tmp_path / "split.npz", split), r"its arrays claim 384 MiB together \(params of shape "
                                                      r"\(8388608, 2\)\), more than the 256 MiB")


def test_real_deflate_bomb_is_refused_quickly(tmp_path, good):
    path = _deflate_bomb(tmp_path / "bomb.npz", good, 2**30)
    assert path.stat().st_size < 2 * 2**20  # 1 GiB of zeros in about 1 MB
    t0 = time.perf_counter()
    _refused(path, r"params claims 1,024 MiB .* more than the 256 MiB a trajectory may hold")
    assert time.perf_counter() - t0 < 1


def test_memory_bound_is_read_at_call_time(tmp_path, good, monkeypatch):
    path = _write(tmp_path / "ok.npz", good)
    monkeypatch.setattr(trajectory, "MAX_RECORD_BYTES", 256)
    _refused(path, "more than the 0.0 MiB a trajectory may hold")


def test_zip_directory_is_bounded(tmp_path, good):
    with zipfile.ZipFile(tmp_path / "many.npz", "w") as zf:
        for k, v in good.items():
            zf.writestr(k + ".npy", _npy(v))
        for i in range(200):
            zf.writestr(f"pad{i}.npy", b"")
    _refused(tmp_path / "many.npz", f"its zip directory claims {len(good) + 200} entries")


@pytest.mark.parametrize("change,match", [
    (lambda m: m.pop("info"), r"it has no info.npy"),
    (lambda m: m.pop("params"), r"it has no params.npy"),
    (lambda m: m.clear(), r"it has no info.npy, params.npy, loss.npy, grads.npy"),
    (lambda m: m.update(evil=np.zeros(3)), r"unexpected member 'evil.npy'"),
    (lambda m: m.update({"../x": np.zeros(1)}), r"unexpected member '../x.npy'"),
])
def test_wrong_members(tmp_path, good, change, match):
    members = dict(good)
    change(members)
    _refused(_write(tmp_path / "m.npz", members), match)


def test_duplicate_and_unsupported_members(tmp_path, good):
    with zipfile.ZipFile(tmp_path / "dup.npz", "w") as zf:
        for k, v in good.items():
            zf.writestr(k + ".npy", _npy(v))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("params.npy", _npy(good["params"] * 0 + 7))
    _refused(tmp_path / "dup.npz", "member 'params.npy' appears twice")
    with zipfile.ZipFile(tmp_path / "hello.npz", "w") as zf:
        zf.writestr("hello.txt", "hi")
    _refused(tmp_path / "hello.npz", "unexpected member 'hello.txt'")
    _write(tmp_path / "bz.npz", good, zipfile.ZIP_BZIP2)
    _refused(tmp_path / "bz.npz", "uses compression method 12")


@pytest.mark.parametrize("member,value,match", [
    ("params", lambda g: g["params"].astype(object), "params holds Python objects, which are never loaded"),
    ("info", lambda g: np.array(str(g["info"]), dtype=object), "info holds Python objects"),
    ("params", lambda g: g["params"].astype(np.int64), "params must be float64 numbers, got int64"),
    ("params", lambda g: g["params"].astype(np.float32), "params must be float64 numbers, got float32"),
    ("loss", lambda g: g["loss"].astype(complex), "loss must be float64 numbers, got complex128"),
    ("grads", lambda g: g["grads"].astype(str), "grads must be float64 numbers, got <U"),
    ("params", lambda g: np.zeros(21, dtype=[("a", "<f8"), ("b", "<f8")]), "params must be float64 numbers"),
    ("step_index", lambda g: np.arange(21) + 0.5, "step_index must hold whole numbers"),
    ("step_index", lambda g: np.arange(21).astype(str), r"step_index must hold whole numbers \(int64\)"),
    ("info", lambda g: np.array(str(g["info"]).encode()), r"info must be one text \(the JSON metadata\)"),
    ("info", lambda g: np.array([str(g["info"])]), r"info must be one text .* of shape \(1,\)"),
])
def test_wrong_dtypes_and_object_arrays(tmp_path, good, member, value, match):
    _refused(_write(tmp_path / "d.npz", dict(good, **{member: value(good)})), match)


def test_npy_header_oddities(tmp_path, good):
    _refused(_write(tmp_path / "neg.npz", dict(good, params=_header((-5, 2)) + bytes(8))),
             r"params declares an impossible shape \(-5, 2\)")
    _refused(_write(tmp_path / "nomagic.npz", dict(good, loss=b"not an npy array")),
             "loss is not a .npy array")
    big = b"\x93NUMPY\x02\x00" + struct.pack("<I", 200000) + b"{" + b" " * 199998 + b"\n"
    msg = _refused(_write(tmp_path / "bighead.npz", dict(good, grads=big)), "it is damaged or not a zip archive")
    assert "pickle" not in msg  # numpy's own message suggests allow_pickle=True
    _refused(_write(tmp_path / "v3.npz", dict(good, loss=b"\x93NUMPY\x03\x00" + bytes(30))),
             "loss uses .npy format version 3.0")


@pytest.mark.parametrize("change,match", [
    (lambda g: {"loss": g["loss"][:-2]},
     r"loss has shape \(19,\) but params of shape \(21, 2\) needs loss of shape \(21,\)"),
    (lambda g: {"grads": g["grads"][:, :1]}, r"grads has shape \(21, 1\) but params .* needs grads of shape \(21, 2\)"),
    (lambda g: {"lr": g["lr"][:3]}, r"lr has shape \(3,\) but params .* needs lr of shape \(20,\)"),
    (lambda g: {"step_index": np.arange(5)}, r"step_index has shape \(5,\) but params .* \(21,\)"),
    (lambda g: {"params": g["params"][:, 0].copy()}, r"params must have shape \(steps \+ 1, d\)"),
    (lambda g: {"params": g["params"][:, None, None]}, r"params must have shape .* got \(21, 1, 1, 2\)"),
    (lambda g: {"params": np.empty((0, 2)), "loss": np.empty(0), "grads": np.empty((0, 2))},
     r"params must have shape .* with no empty axis; got \(0, 2\)"),
])
def test_inconsistent_shapes(tmp_path, good, change, match):
    _refused(_write(tmp_path / "s.npz", dict(good, **change(good))), match)


def _with_nan(a, value=np.nan):
    a = a.copy()
    a.flat[3] = value
    return a


@pytest.mark.parametrize("change,match", [
    (lambda g: {"params": _with_nan(g["params"])}, r"params holds non-finite numbers \(nan\)"),
    (lambda g: {"loss": _with_nan(g["loss"], np.inf)}, r"loss holds non-finite numbers \(inf\)"),
    (lambda g: {"grads": _with_nan(g["grads"], -np.inf)}, r"grads holds non-finite numbers \(-inf\)"),
    (lambda g: {"lr": _with_nan(g["lr"])}, r"lr holds non-finite numbers"),
    (lambda g: {"lr": -g["lr"]}, r"lr holds a negative rate \(-0.05\)"),
    (lambda g: {"step_index": np.arange(21)[::-1].copy()}, "step_index must start at 0 and increase"),
    (lambda g: {"step_index": np.zeros(21, dtype=int)}, "step_index must start at 0 and increase"),
])
def test_non_finite_and_impossible_values(tmp_path, good, change, match):
    _refused(_write(tmp_path / "v.npz", dict(good, **change(good))), match)


@pytest.mark.parametrize("info,match", [
    (lambda g: np.array("{not json"), r"info is not valid JSON \(Expecting property name"),
    (lambda g: np.array("[1, 2, 3]"), "info must be a JSON object, got list"),
    (lambda g: np.array('{"a": ' + "[" * 100000 + "]" * 100000 + "}"), r"info is not valid JSON \(nested too deeply\)"),
    (lambda g: _info(g, status=KeyError), "info has no key 'status'; expected exactly: surface, optimizer"),
    (lambda g: _info(g, evil=1), r"info has unexpected key\(s\) 'evil'"),
    (lambda g: _info(g, status="exploded"),
     'info\'s status must be one of converged, diverged, max_steps, got "exploded"'),
    (lambda g: _info(g, status=["max_steps"]), "info's status must be one of .* got a list of 1"),
    (lambda g: _info(g, stop=-1),
     r"info's stop must be a whole number of steps from 0 to 20 \(the last recorded step\), got -1"),
    (lambda g: _info(g, stop=21), "info's stop must be a whole number of steps from 0 to 20"),
    (lambda g: _info(g, stop=2.5), "info's stop must be a whole number .* got 2.5"),
    (lambda g: _info(g, stop=True), "info's stop must be a whole number .* got true"),
    (lambda g: _info(g, stop="20"), "info's stop must be a whole number"),
    (lambda g: _info(g, surface=42), "info's surface must be text, got 42"),
    (lambda g: _info(g, optimizer=None), "info's optimizer must be text, got null"),
    (lambda g: _info(g, hyperparams="x"), 'info\'s hyperparams must be a JSON object, got "x"'),
    (lambda g: _info(g, meta=[1]), "info's meta must be a JSON object, got a list of 1"),
    (lambda g: _info(g, meta={"surface_params": [1, 2]}), "info's meta.surface_params must be a JSON object"),
    (lambda g: _info(g, seed="abc"), 'info\'s seed must be a whole number >= 0 or null, got "abc"'),
    (lambda g: _info(g, seed=-5), "info's seed must be a whole number >= 0 or null, got -5"),
    (lambda g: _info(g, seed=1.5), "info's seed must be a whole number >= 0 or null"),
    (lambda g: _info(g, meta={"tol": float("nan")}), r"info's meta.tol is not finite \(nan\)"),
    (lambda g: _info(g, hyperparams={"lr": [0.1, float("inf")]}), r"info's hyperparams.lr\[1\] is not finite \(inf\)"),
    (lambda g: _info(g, meta={"x": json.loads("[" * 40 + "]" * 40)}), "info's meta.x.* is nested too deeply"),
])
def test_bad_info(tmp_path, good, info, match):
    _refused(_write(tmp_path / "i.npz", dict(good, info=info(good))), match)


def test_batch_info_must_match_the_batch(tmp_path, good_batch):
    info = json.loads(str(good_batch["info"]))
    for change, match in [({"status": info["status"][:1]}, "info's status must be a list of 2 .* got a list of 1"),
                          ({"stop": 3}, "info's stop must be a list of 2 .* got 3"),
                          ({"status": ["converged", "lost"]}, "info's status\\[1\\] must be one of"),
                          ({"stop": [3, 99]}, r"info's stop\[1\] must be a whole number of steps from 0 to 30")]:
        members = dict(good_batch, info=np.array(json.dumps({**info, **change})))
        _refused(_write(tmp_path / "b.npz", members), match)


# -- family 9: what save writes still loads, exactly ----------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: gd.run(gd.optimizer("adam", lr=0.05, betas=(0.8, 0.99)), "rosenbrock", steps=50, seed=5),
    lambda: gd.run(gd.optimizer("gd", lr=[0.1, 4.0]), "parabola", steps=100),
    lambda: gd.run(gd.optimizer("adam", lr=gd.schedule("cosine", [0.01, 0.1], t_max=30)), "rosenbrock",
                   steps=30, record_every=7),
    lambda: gd.run(lambda p, g, t: p - 0.1 * g, "bowl", steps=5),
    lambda: gd.run(gd.optimizer("gd", lr=lambda t: 0.1 / (t + 1)), "bowl", steps=5),
    lambda: gd.run(gd.optimizer("sgd", lr=0.05, batch_size=4), "linear-regression", steps=40, seed=3),
    lambda: gd.run(gd.optimizer("gd", lr=0.7), "parabola", steps=100),  # converges early
    lambda: gd.run(gd.optimizer("gd", lr=5.0), "parabola", steps=100),  # diverges
    lambda: gd.run(gd.optimizer("gd", lr=[0.1, 0.3]), "bowl", steps=40, record_every=3)[1],  # a member
])
def test_saved_files_round_trip_exactly(tmp_path, make):
    traj = make()
    back = gd.load(traj.save(tmp_path / "t.npz"))
    for name in ("params", "loss", "grads", "lr", "step_index"):
        a, b = getattr(traj, name), getattr(back, name)
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)
            assert b.dtype == a.dtype
    assert np.asarray(back.status).tolist() == np.asarray(traj.status).tolist()
    assert np.asarray(back.stop).tolist() == np.asarray(traj.stop).tolist()
    assert (back.surface, back.optimizer, back.seed) == (traj.surface, traj.optimizer, traj.seed)
    assert back.hyperparams == json.loads(json.dumps(traj.hyperparams, default=str))
    assert back.meta == json.loads(json.dumps(traj.meta))


def test_files_of_older_versions_without_optional_arrays_load(tmp_path, good):
    older = {k: v for k, v in good.items() if k not in ("lr", "step_index")}
    back = gd.load(_write(tmp_path / "old.npz", older, zipfile.ZIP_DEFLATED))
    assert back.lr is None and back.step_index is None
    np.testing.assert_array_equal(back.params, good["params"])


# -- family 11: learning-rate schedules -----------------------------------------------------------
def my_f(t):
    return 0.1 if t < 3 else -0.1


@pytest.mark.parametrize("lr,match", [
    (my_f, r"learning-rate schedule 'my_f' returned -0.1 at step 3; a rate must be a finite number >= 0"),
    (lambda t: -0.1, "your learning-rate schedule returned -0.1 at step 0; a rate must be a finite number >= 0"),
    (lambda t: None, "returned None at step 0"),
    (lambda t: "0.1", "returned '0.1' at step 0"),
    (lambda t: float("nan"), "returned nan at step 0"),
    (lambda t: np.float64("inf") if t == 2 else 0.1, "returned inf at step 2"),
    (lambda t: 0.1 + 0j, r"returned the complex number \(0.1\+0j\) at step 0"),
    (lambda t: True, "returned True at step 0"),
    (lambda t: np.array([0.1, -0.2, 0.3]), r"returned -0.2 \(one of its 3 rates\) at step 0"),
    (lambda t: np.array([0.1, 0.2]), r"returned an array of shape \(2,\) at step 0; a schedule returns one "
                                     r"rate, or an array of shape \(3,\) with one rate per run"),
    (lambda t: np.ones((3, 3)), r"returned an array of shape \(3, 3\)"),
    (lambda t: np.array([]), r"returned an array of shape \(0,\)"),
    (lambda t: np.array(["a", "b", "c"]), "returned an array of text of shape"),
    (lambda t: 1 / 0, "your learning-rate schedule raised ZeroDivisionError: division by zero at step 0"),
    (lambda: 0.1, "raised TypeError: .* takes 0 positional arguments but 1 was given at step 0"),
])
@pytest.mark.parametrize("name", ["gd", "adam", "adagrad"])
def test_schedule_is_checked_at_every_step(lr, match, name):
    opt = gd.optimizer(name, lr=lr, **({"lr_decay": 0.1} if name == "adagrad" else {}))
    with pytest.raises(UserInputError, match=match):
        gd.run(opt, "bowl", np.ones((3, 2)), steps=6, tol=0)


def test_schedule_of_a_custom_step_is_checked_where_it_is_recorded():
    with pytest.raises(UserInputError, match="learning-rate schedule 'my_f' returned -0.1 at step 3"):
        gd.run(gd.custom(lambda p, g, t: p - 0.1 * g, lr=my_f), "bowl", steps=6, tol=0)
    with pytest.raises(UserInputError, match="returned nan at step 0"):
        gd.run(gd.custom(lambda p, g, t: p - 0.1 * g, lr=lambda t: float("nan")), "bowl", steps=2)


def test_good_schedules_still_run():
    warmup = gd.run(gd.optimizer("gd", lr=lambda t: 0.05 * t), "bowl", steps=4, tol=0)  # 0 at step 0
    np.testing.assert_allclose(warmup.lr, [0.0, 0.05, 0.1, 0.15])
    np.testing.assert_array_equal(warmup.params[1], warmup.params[0])
    cos = gd.run(gd.optimizer("gd", lr=gd.schedule("cosine", 0.1, t_max=3)), "bowl", steps=5, tol=0)
    assert cos.lr[-1] == 0.0  # lr_min = 0 reached
    kinds = [lambda t: 1, lambda t: np.float32(0.1), lambda t: np.array(0.1), lambda t: [0.1, 0.2],
             lambda t: np.array([0.1, 0.2])]
    for lr in kinds:
        traj = gd.run(gd.optimizer("gd", lr=lr), "bowl", np.ones((2, 2)), steps=3, tol=0)
        assert traj.lr.shape == (3, 2) and traj.status.tolist() == ["max_steps"] * 2


@pytest.mark.parametrize("make,match", [
    (lambda: S.Cosine(-0.1), "lr must be a finite number > 0, got -0.1"),
    (lambda: S.Cosine(0.1, t_max=0), "t_max must be a whole number of steps >= 1, got 0"),
    (lambda: S.StepDecay(0.1, step_size=2.5), "step_size must be a whole number of steps >= 1, got 2.5"),
    (lambda: S.Exponential(0.1, gamma=1.5), r"gamma must be in \[0, 1\], got 1.5"),
    (lambda: gd.schedule("cosine", []), r"lr must be a number or a non-empty list of rates \(one per run\), "
                                        r"got an array of shape \(0,\)"),
    (lambda: gd.schedule("cosine", [[0.1, 0.2]]), r"got an array of shape \(1, 2\)"),
    (lambda: gd.schedule("step", 0.1, gamma=[0.5, 0.6]), r"gamma must be a number, or a list as long as lr "
                                                         r"\(one rate\), got an array of shape \(2,\)"),
    (lambda: gd.schedule("cosine", [0.1, 0.2], lr_min=[0, 0, 0]), r"lr_min must be .* as long as lr \(2 rates\)"),
    (lambda: gd.schedule("cosine", 0.1, t_max=[100, 200]),
     r"t_max must be a whole number of steps >= 1, got \[100, 200\]"),
    (lambda: gd.schedule("step", 0.1, step_size=True), "step_size must be a whole number of steps >= 1, got True"),
    (lambda: gd.schedule("cosine", 0.1, t_max=float("inf")), "t_max must be a whole number of steps >= 1, got inf"),
    (lambda: gd.schedule("constant", True), "lr must be a number, got True"),
])
def test_schedule_parameters(make, match):
    with pytest.raises(UserInputError, match=match):
        make()


def test_batched_schedule_parameters_still_work():
    sched = gd.schedule("step", [0.1, 0.2], step_size=2, gamma=[0.5, 0.1])
    np.testing.assert_allclose(sched(2), [0.05, 0.02])
    traj = gd.run(gd.optimizer("gd", lr=sched), "bowl", steps=4, tol=0)
    assert traj.lr.shape == (4, 2)


# -- family 11: custom steps and updates ----------------------------------------------------------
def halve(p, g, t):
    return None if t == 2 else p - 0.5 * g


def creep(p, g, t):
    return None if t == 2 else p - 0.01 * g


@pytest.mark.parametrize("step,match", [
    (halve, r"step function 'halve' returned None at step 2; it must return the new params: numbers in "
            r"an array of shape \(1, 2\), like params"),
    (lambda p, g, t: p[0, :1], r"your step function returned an array of shape \(1,\) at step 0"),
    (lambda p, g, t: np.zeros(3), r"returned an array of shape \(3,\) at step 0"),
    (lambda p, g, t: 0.0, "returned 0.0 at step 0"),
    (lambda p, g, t: p - 0.1j * g, "returned an array of complex numbers of shape"),
    (lambda p, g, t: "abc", "returned 'abc' at step 0"),
    (lambda p, g, t: np.array([[object(), object()]]), "returned an array of Python objects"),
    (lambda p, g, t: p > 0, "returned an array of true/false values"),
    (lambda p, g, t: (p - 0.1 * g, None), r"returned a tuple of 2 item\(s\) at step 0"),
    (lambda p, g, t: [[1.0, "x"]], r"returned a list of 1 item\(s\)"),
    (lambda p, g, t: [[1.0], [1.0, 2.0]], r"returned a list of 2 item\(s\)"),
    (lambda p, g, t: 1 / 0, "your step function raised ZeroDivisionError: division by zero at step 0"),
    (lambda p, g: p, "raised TypeError: .* takes 2 positional arguments but 3 were given at step 0"),
])
def test_custom_step_failures(step, match):
    with pytest.raises(UserInputError, match=match):
        gd.run(step, "bowl", steps=5, tol=0)
    with pytest.raises(UserInputError, match=match.replace("(1, 2)", "(3, 2)")):
        gd.run(gd.custom(step), "bowl", np.ones((1, 2)), steps=5, tol=0)


def test_exception_inside_a_step_keeps_its_cause():
    def boom(p, g, t):
        raise KeyError("velocity")

    with pytest.raises(UserInputError, match="step function 'boom' raised KeyError: 'velocity' at step 0") as err:
        gd.run(boom, "bowl", steps=3)
    assert isinstance(err.value.__cause__, KeyError)


def test_custom_update_failures():
    def run(update, init=lambda p: (), start=None):
        return gd.run(gd.custom(init=init, update=update), "bowl", start, steps=5, tol=0)

    cases = [
        (lambda g, s, p, t: None,
         r"your update function returned None at step 0; it must return a pair \(updates, state\)"),
        (lambda g, s, p, t: -0.1 * g, r"returned an array of shape \(1, 2\) at step 0; it must return a pair"),
        (lambda g, s, p, t: (np.zeros(5), s),
         r"returned an array of shape \(5,\) at step 0; it must return the updates"),
        (lambda g, s, p, t: (None, s), "returned None at step 0; it must return the updates"),
        (lambda g, s, p, t: ("x", s), "returned 'x' at step 0"),
        (lambda g, s, p, t: (g, s, 1), r"returned a tuple of 3 item\(s\)"),
        (lambda g, s, p, t: ({}["m"], s), "your update function raised KeyError: 'm' at step 0"),
    ]
    for update, match in cases:
        with pytest.raises(UserInputError, match=match):
            run(update)
    with pytest.raises(UserInputError, match=r"returned an array of shape \(2, 2\) at step 0; it must return a pair"):
        run(lambda g, s, p, t: -0.1 * g, start=[[1, 1], [2, 2]])  # was silently taken as (row 0, row 1)
    with pytest.raises(UserInputError,
                       match="your init function raised ZeroDivisionError: division by zero at the start"):
        run(lambda g, s, p, t: (-g, s), init=lambda p: 1 / 0)


def test_hand_built_optimizer_is_checked_too():
    with pytest.raises(UserInputError, match="your update function returned None at step 0"):
        gd.run(gd.Optimizer("mine", lambda p: (), lambda g, s, p, t: None), "bowl", steps=3)
    with pytest.raises(UserInputError, match="batch_size must be a whole number >= 1, got '8'"):
        gd.run(gd.Optimizer("mine", lambda p: (), lambda g, s, p, t: (-g, s), batch_size="8"), "bowl", steps=3)
    with pytest.raises(UserInputError, match="an optimizer's name must be non-empty text, got 3"):
        gd.run(gd.Optimizer(3, lambda p: (), lambda g, s, p, t: (-g, s)), "bowl", steps=3)
    with pytest.raises(UserInputError, match="returned -1 at step 0"):
        gd.run(gd.Optimizer("mine", lambda p: (), lambda g, s, p, t: (-0.1 * g, s), lr=lambda t: -1), "bowl", steps=3)
    traj = gd.run(gd.Optimizer("mine", lambda p: (), lambda g, s, p, t: (-0.1 * g, s), lr=0.1), "bowl", steps=3, tol=0)
    np.testing.assert_allclose(traj.lr, [0.1] * 3)


def test_custom_arguments():
    with pytest.raises(UserInputError, match="name must be non-empty text, got 123"):
        gd.custom(lambda p, g, t: p, name=123)
    with pytest.raises(UserInputError, match="unknown parameter for a custom optimizer 'momentum'"):
        gd.optimizer(lambda p, g, t: p, momentum=0.9)
    with pytest.raises(UserInputError, match="give a custom optimizer step=..., or init=... and update=..., not both"):
        gd.custom(lambda p, g, t: p, init=lambda p: ())


def test_good_custom_steps_still_run():
    single = gd.run(lambda p, g, t: (p - 0.5 * g)[0].tolist(), "bowl", steps=3, tol=0)  # (d,) as a list
    np.testing.assert_allclose(single.params[1], single.params[0] - 0.5 * single.grads[0])

    def in_place(p, g, t):  # changes its arguments: they are copies
        p -= 0.25 * g
        g *= 0
        return p

    a = gd.run(in_place, "bowl", np.ones((2, 2)) * [[1], [40]], steps=30, tol=0)
    b = gd.run(lambda p, g, t: p - 0.25 * g, "bowl", np.ones((2, 2)) * [[1], [40]], steps=30, tol=0)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.grads, b.grads)
    ints = gd.run(lambda p, g, t: np.zeros((1, 1), dtype=int), "parabola", steps=2, tol=0)  # 1-D surface
    assert ints.params[-1].tolist() == [0.0]


# -- family 11: other arguments ------------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda: gd.optimizer("gd", lr=[]), r"lr must be a number or a non-empty list of rates .* shape \(0,\)"),
    (lambda: gd.optimizer("gd", lr=[[0.1, 0.2]]),
     r"lr must be a number or a non-empty list of rates .* shape \(1, 2\)"),
    (lambda: gd.optimizer("adam", lr=np.full((2, 2), 0.1)), r"shape \(2, 2\)"),
    (lambda: gd.optimizer("gd", lr=True), "lr must be a number, got True"),
    (lambda: gd.optimizer("gd", lr=0.1, momentum=[]),
     r"momentum must be a number or a non-empty 1-D array .* shape \(0,\)"),
    (lambda: gd.optimizer("adam", betas=([], [])), "beta1 must be a number or a non-empty 1-D array"),
    (lambda: gd.optimizer("sgd", batch_size="8"), "batch_size must be a whole number >= 1, got '8'"),
    (lambda: gd.optimizer("sgd", batch_size="abc"), "batch_size must be a whole number >= 1, got 'abc'"),
    (lambda: gd.optimizer("sgd", batch_size=[8]), r"batch_size must be a whole number >= 1, got \[8\]"),
    (lambda: gd.optimizer("sgd", batch_size=8 + 0j), "batch_size must be a whole number >= 1"),
    (lambda: gd.optimizer("sgd", batch_size=True), "batch_size must be a whole number >= 1, got True"),
    (lambda: gd.optimizer("sgd", batch_size=float("inf")), "batch_size must be a whole number >= 1, got inf"),
    (lambda: gd.run("gd", "bowl", np.empty((0, 2))),
     r"start must hold at least one point, got an empty array of shape \(0, 2\)"),
    (lambda: gd.run(gd.optimizer("gd", lr=[0.1, 0.2]), "bowl", np.empty((0, 2))), "start must hold at least one point"),
    (lambda: gd.sweep("parabola", "sgd", [0.1], batch_size="8", steps=5), "batch_size must be a whole number"),
    (lambda: gd.sweep("parabola", "gd", [0.1], momentum=[], steps=5), "momentum must be a number or a non-empty"),
    (lambda: gd.restarts("bowl", 3, lr=my_f, steps=5), "learning-rate schedule 'my_f' returned -0.1 at step 3"),
    (lambda: gd.restarts("bowl", 3, optimizer=creep, lr=0.1, steps=5),
     r"'creep' returned None at step 2.*shape \(3, 2\)"),
    (lambda: gd.restarts("bowl", 3, lr=[], steps=5), "lr must be a number or a non-empty list of rates"),
    (lambda: gd.restarts("bowl", 3, optimizer="sgd", lr=0.1, batch_size="8"), "batch_size must be a whole number"),
])
def test_bad_arguments(call, match):
    with pytest.raises(UserInputError, match=match):
        call()


def test_whole_batch_sizes_still_accepted():
    assert gd.optimizer("sgd", batch_size=np.int64(8)).batch_size == 8
    assert gd.optimizer("sgd", batch_size=8.0).batch_size == 8


@pytest.fixture(scope="module")
def trajs():
    return (gd.run(gd.optimizer("gd", lr=0.1), "bowl", steps=10, tol=0),
            gd.run(gd.optimizer("gd", lr=[0.1, 0.2]), "bowl", steps=10, tol=0))


@pytest.mark.parametrize("call,match", [
    (lambda s, b: s.at(float("nan")), r"at\(t\): t must be a finite step number, got nan"),
    (lambda s, b: s.at(float("inf")), "at.* got inf"),
    (lambda s, b: s.at(-np.inf), "at.* got -inf"),
    (lambda s, b: s.at([1, np.nan]), "at.* got nan"),
    (lambda s, b: s.at(None), "at.* got None"),
    (lambda s, b: s.at("abc"), r"at\(t\): t must be a step number \(or an array of them\), got 'abc'"),
    (lambda s, b: s.at(1 + 2j), "at.* must be a step number"),
    (lambda s, b: s.loss_at(np.nan), r"loss_at\(t\): t must be a finite step number, got nan"),
    (lambda s, b: s.loss_at("x"), r"loss_at\(t\): t must be a step number"),
    (lambda s, b: b.at(np.nan), "at.* got nan"),
    (lambda s, b: s.rows_until(np.nan), r"rows_until\(t\): t must be a finite step number"),
    (lambda s, b: s.rows_until([1, 2]), r"rows_until\(t\) takes one step"),
    (lambda s, b: s[0], "a single trajectory has no members"),
    (lambda s, b: b[5], r"member 5 is out of range: this batch has 2 members \(0 to 1\)"),
    (lambda s, b: b[-3], "member -3 is out of range"),
    (lambda s, b: b[1.5], "a batch member is picked by a whole number from 0 to 1, got 1.5"),
    (lambda s, b: b["a"], "a batch member is picked by a whole number .* got 'a'"),
    (lambda s, b: b[True], "a batch member is picked by a whole number .* got True"),
    (lambda s, b: b[0:1], "a batch member is picked by a whole number .* got slice"),
])
def test_trajectory_accessors(trajs, call, match):
    with pytest.raises(UserInputError, match=match):
        call(*trajs)


def test_trajectory_accessors_still_work(trajs):
    single, batch = trajs
    np.testing.assert_array_equal(single.at(99), single.params[-1])
    assert single.at(np.linspace(0, 10, 7)).shape == (7, 2)
    assert single.rows_until(np.int64(3)) == 4 and single.rows_until(np.array([3.0])) == 4
    assert [m.stop for m in batch] == [10, 10]  # iteration ends at IndexError
    with pytest.raises(IndexError):
        batch[2]
    np.testing.assert_array_equal(batch[-1].params, batch[1].params)
    np.testing.assert_array_equal(batch[np.int64(1)].params, batch.params[:, 1])
