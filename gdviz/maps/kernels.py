"""Fused map kernels: a tile's runs in one compiled loop (numba), no Python per pixel or per step.

The kernel is written for the surface at hand: its own numpy arithmetic (``Formula._fg``) is traced
(gdviz.web.trace, as for the explorer's engine) and printed as Python, one operation per operation in
Python's order, then compiled with numba together with the update rule of torch's SGD (gradient
descent, heavy-ball momentum, Nesterov; dampening, weight decay) and the engine's stopping rules,
written in the engine's order. On a surface of ``+ - * /`` and ``sqrt`` the kernel gives the bits
``gd.run`` gives (``tests/test_maps.py`` holds it to that); ``sin``, ``exp``... come from the C
library instead of numpy and may differ in the last bit. Pixels run in blocks of 32 and steps in
chunks of 16, branch-free (vector instructions), with a checked rerun of a chunk where a pixel
stops (see LOOP); the compiled module is cached on disk (``cache_dir()``), so a kernel compiles once
per surface, variant and machine.

numba is imported on first use (``pip install 'gdviz[maps]'``); without it ``gd.map`` runs the numpy
reference. A pixel that meets a gradient that is not finite where the loss is (a kink) is handed
back to the reference, which knows kinks.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..engine import MAX_LOSS
from ..surfaces.base import Formula
from ..web import trace as tr
from .result import CONVERGED, DIVERGED, MAX_STEPS

FUSED = ("gd", "momentum", "nesterov")   # torch's SGD without line search or mini-batches
KINK = 255                               # a pixel the reference must run

# the recorded (JavaScript) templates in Python; numba gets numpy's error model (x / 0 is inf)
PY = {"Math.abs({0})": "abs({0})", "Math.sqrt({0})": "math.sqrt({0})",
      "({0} > 0 ? 1 : {0} < 0 ? -1 : {0} === 0 ? 0 : {0})": "_sign({0})",
      "Math.pow({0}, {1})": "_pow({0}, {1})", "Math.max({0}, {1})": "_max({0}, {1})",
      "Math.min({0}, {1})": "_min({0}, {1})", "{0} === {1}": "({0} == {1})", "{0} !== {1}": "({0} != {1})",
      "{0} ? {1} : {2}": "({1} if {0} else {2})", "Math.atan({0})": "math.atan({0})"}
for _f in ("sin", "cos", "tan", "exp", "log", "tanh", "sinh", "cosh", "log1p", "expm1"):
    PY[f"Math.{_f}({{0}})"] = f"math.{_f}({{0}})"


def _py_literal(v) -> str:
    if isinstance(v, tr.Traced):
        return v.name
    x = float(v)
    return "math.nan" if math.isnan(x) else ("math.inf" if x > 0 else "(-math.inf)") if math.isinf(x) else repr(x)


def _py_template(template: str) -> str:
    if template in PY:
        return PY[template]
    if "Math." in template or "?" in template or "===" in template:
        raise tr.TraceError(f"no Python form for {template}")
    return template


PYTHON = tr.Dialect(template=_py_template, literal=_py_literal, assign="{0} = {1}", result="return {0}",
                    brackets="()")


def why_not(name, s, measure, hyperparameters) -> str | None:
    """Why no fused kernel runs this map (None when one does)."""
    if name not in FUSED:
        return f"fused kernels cover {', '.join(FUSED)}"
    if hyperparameters.get("line_search"):
        return "line search is not fused"
    lr = hyperparameters.get("lr", 0.0)
    if not isinstance(lr, (int, float, np.number, list, tuple, np.ndarray)):
        return "a learning-rate schedule is not fused"
    if not isinstance(s, Formula):
        return f"'{s.spec()['name']}' is not a formula surface"
    try:
        _source(s)
    except (tr.TraceError, NotImplementedError) as e:
        return f"its formula cannot be compiled ({e})"
    try:
        import numba  # noqa: F401
    except ImportError:
        return "numba is not installed (pip install 'gdviz[maps]')"
    return None


def covers(name, s, measure, hyperparameters) -> bool:
    return why_not(name, s, measure, hyperparameters) is None


def _source(s) -> str:
    """The surface's value and gradient as a Python function ``vg(x, y) -> (f, gx, gy)``."""
    fn = tr.trace(s, "vg", PYTHON, flat=True)
    body = "\n".join("    " + line for line in fn.body.splitlines())
    return f"def vg({', '.join(s.variables)}):\n{body}\n"


HELPERS = '''
def _sign(v):
    return 1.0 if v > 0 else (-1.0 if v < 0 else (0.0 if v == 0 else v))
def _max(a, b):
    return a if (a != a or a > b) else b
def _min(a, b):
    return a if (a != a or a < b) else b
def _pow(a, b):
    return a ** b
'''

# The run of every pixel, in the engine's order (gdviz/engine.py _loop; the optim transforms
# add_decayed_weights, trace, scale_by_schedule). Pixels go in blocks of LANES and steps in chunks
# of CHUNK. A chunk first runs every lane of the block without a branch (the compiler turns the lane
# loop into vector instructions) and only notes whether a lane met a stop (converged, diverged, a
# kink); such a lane is then put back to the chunk's start and run again step by step with the
# engine's checks, where it stops at the very step the engine would. Same operations either way, so
# the same bits. A stopped lane writes its results and idles (learning rate 0). A line marked "#each"
# is written once per coordinate i (p0, p1, ...); {sumsq_k}, {near}... are expanded by _kernel_source.
LANES, CHUNK = 32, 16
LOOP = """
def kernel(P0, LR, MOM, DAMP, WD, nesterov, steps, tol2, centre, limit, train, clip, last,
           code, stop, final, loss_out, g0_out, g_out, sum_v, sum_inv, tail):
    W = {LANES}
    n_pix = P0.shape[0]
    first_tail = steps - last
    for blk in numba.prange((n_pix + W - 1) // W):
        lo = blk * W
        w = min(W, n_pix - lo)
        p{i}, g{i}, buf{i} = np.zeros(W), np.zeros(W), np.zeros(W)  #each
        sp{i}, sg{i}, sb{i} = np.zeros(W), np.zeros(W), np.zeros(W)  #each
        lrs, ms, damps, wds = np.zeros(W), np.zeros(W), np.zeros(W), np.zeros(W)
        loss, L0, sloss = np.ones(W), np.ones(W), np.ones(W)
        tv, ti, tt = np.zeros(W), np.zeros(W), np.zeros(W)
        stv, sti, stt = np.zeros(W), np.zeros(W), np.zeros(W)
        active, bad = np.zeros(W, np.int64), np.zeros(W, np.int64)
        n_active = 0
        for k in range(w):
            b = lo + k
            lrs[k], ms[k], damps[k], wds[k] = LR[b], MOM[b], DAMP[b], WD[b]
            x{i} = P0[b, {i}]  #each
            f, {gargs} = vg({xargs})
            p{i}[k] = x{i}  #each
            g{i}[k] = h{i}  #each
            loss[k], L0[k] = f, f
            g0_out[b] = math.sqrt({sumsq_h})
            if math.isfinite(f) and {hfinite}:
                active[k] = 1
                n_active += 1
            else:
                code[b], stop[b], loss_out[b], g_out[b] = {DIVERGED}, 0, math.nan, g0_out[b]
                final[b, {i}] = x{i}  #each
                sum_v[b], sum_inv[b], tail[b] = math.inf, 0.0, math.inf
                lrs[k], loss[k], L0[k] = 0.0, 1.0, 1.0
                p{i}[k], g{i}[k] = 0.0, 0.0  #each
        t0 = 0
        while t0 < steps and n_active > 0:
            t1 = min(t0 + {CHUNK}, steps)
            for k in range(W):
                sp{i}[k], sg{i}[k], sb{i}[k] = p{i}[k], g{i}[k], buf{i}[k]  #each
                sloss[k], stv[k], sti[k], stt[k] = loss[k], tv[k], ti[k], tt[k]
                bad[k] = 0
            for t in range(t0, t1):
                tail_step = t >= first_tail
                for k in range(W):
                    if train:
                        v = _ratio(loss[k], L0[k], clip)
                        tv[k] += v
                        ti[k] += 1.0 / v
                        tt[k] += v if tail_step else 0.0
                    conv = {sumsq_k} < tol2
                    #step
                    p{i}[k], g{i}[k] = q{i}, n{i}  #each
                    loss[k] = nloss
                    ok = {near_amp} & (nloss <= {MAX_LOSS}) & {nfinite_amp}
                    bad[k] |= active[k] & (conv | (ok == False))
            for k in range(w):
                if bad[k] == 0:
                    continue
                p{i}[k], g{i}[k], buf{i}[k] = sp{i}[k], sg{i}[k], sb{i}[k]  #each
                loss[k], tv[k], ti[k], tt[k] = sloss[k], stv[k], sti[k], stt[k]
                status, n = -1, 0
                for t in range(t0, t1):
                    if train:
                        v = _ratio(loss[k], L0[k], clip)
                        tv[k] += v
                        ti[k] += 1.0 / v
                        if t >= first_tail:
                            tt[k] += v
                    if {sumsq_k} < tol2:
                        status, n = {CONVERGED}, t
                        if train:
                            for t2 in range(t + 1, steps):
                                tv[k] += v
                                ti[k] += 1.0 / v
                                if t2 >= first_tail:
                                    tt[k] += v
                        break
                    #step
                    if {near} and nloss <= {MAX_LOSS} and {nfinite_g}:
                        p{i}[k], g{i}[k] = q{i}, n{i}  #each
                        loss[k] = nloss
                        continue
                    if math.isfinite(nloss) and not ({nfinite_g}):
                        status = {KINK}
                        break
                    finite = {qfinite} and math.isfinite(nloss) and {nfinite_g}
                    status, n = {DIVERGED}, t + (1 if finite else 0)
                    if finite:
                        p{i}[k], g{i}[k] = q{i}, n{i}  #each
                        loss[k] = nloss
                    if train:
                        t2 = t + 1
                        if finite and t2 < steps:
                            v = _ratio(loss[k], L0[k], clip)
                            tv[k] += v
                            ti[k] += 1.0 / v
                            if t2 >= first_tail:
                                tt[k] += v
                            t2 += 1
                        for t3 in range(t2, steps):
                            tv[k] += clip
                            ti[k] += 1.0 / clip
                            if t3 >= first_tail:
                                tt[k] += clip
                    break
                if status < 0:
                    continue
                b = lo + k
                code[b], stop[b], loss_out[b] = status, n, loss[k]
                g_out[b] = math.sqrt({sumsq_k})
                final[b, {i}] = p{i}[k]  #each
                sum_v[b], sum_inv[b], tail[b] = tv[k], ti[k], tt[k] / min(last, steps)
                active[k], lrs[k], loss[k], L0[k] = 0, 0.0, 1.0, 1.0
                g{i}[k], buf{i}[k] = 0.0, 0.0  #each
                n_active -= 1
            t0 = t1
        for k in range(w):
            if active[k]:
                b = lo + k
                code[b], stop[b], loss_out[b] = {MAX_STEPS}, steps, loss[k]
                g_out[b] = math.sqrt({sumsq_k})
                final[b, {i}] = p{i}[k]  #each
                sum_v[b], sum_inv[b], tail[b] = tv[k], ti[k], tt[k] / min(last, steps)


def _ratio(loss, L0, clip):
    v = (0.0 if loss == 0.0 else math.inf) if L0 == 0.0 else loss / L0
    return v if math.isfinite(v) and v <= clip else clip
"""
# One step of lane k (torch's SGD: u = g + wd p; buf = u at t = 0, else m buf + (1 - dampening) u;
# u = u + m buf (Nesterov) or buf; p + (-lr) u), written where LOOP says "#step".
STEP = """u{i} = g{i}[k] + wds[k] * p{i}[k]  #each
b{i} = u{i} if t == 0 else ms[k] * buf{i}[k] + (1 - damps[k]) * u{i}  #each
buf{i}[k] = b{i}  #each
u{i} = u{i} + ms[k] * b{i}  #nesterov
u{i} = b{i}  #heavy
q{i} = p{i}[k] + -lrs[k] * u{i}  #each
nloss, {nargs} = vg({qargs})"""


def _kernel_source(s, train=True, nesterov=True, decay=True, damping=True) -> str:
    """The whole kernel for surface ``s`` (1-D or 2-D) as Python source, specialised: what a map does
    not use (the trainability sums, Nesterov's look-ahead, weight decay, dampening) is left out.
    Leaving out ``+ 0 * p`` and ``(1 - 0) *`` changes no bits."""
    d = s.dim

    def names(fmt):
        return ", ".join(fmt.format(i=i) for i in range(d))

    def sumsq(fmt):   # gdviz.arith.sumsq's order: ((v0 * v0 + v1 * v1) + ...)
        terms = [fmt.format(i=i) for i in range(d)]
        out = f"{terms[0]} * {terms[0]}"
        for term in terms[1:]:
            out = f"({out} + {term} * {term})"
        return out

    def all_of(fmt):
        return " and ".join(fmt.format(i=i) for i in range(d))

    fields = dict(LANES=LANES, CHUNK=CHUNK, MAX_STEPS=MAX_STEPS, DIVERGED=DIVERGED, CONVERGED=CONVERGED, KINK=KINK,
                  MAX_LOSS=repr(MAX_LOSS), gargs=names("h{i}"), xargs=names("x{i}"), nargs=names("n{i}"),
                  qargs=names("q{i}"), sumsq_h=sumsq("h{i}"), sumsq_k=sumsq("g{i}[k]"),
                  hfinite=all_of("math.isfinite(h{i})"), nfinite_g=all_of("math.isfinite(n{i})"),
                  qfinite=all_of("math.isfinite(q{i})"), near=all_of("abs(q{i} - centre[{i}]) <= limit"),
                  near_amp=" & ".join(f"(abs(q{i} - centre[{i}]) <= limit)" for i in range(d)),
                  nfinite_amp=" & ".join(f"(n{i} - n{i} == 0.0)" for i in range(d)))
    source = "\n".join(line[: -len("#step")] + step if line.strip() == "#step" else line
                        for line in LOOP.splitlines() for step in (STEP.splitlines() if line.strip() == "#step"
                                                                    else [None]))
    source = source.replace("if train:", f"if {bool(train)}:")
    source = "\n".join(line.replace("  #nesterov", "  #each").replace("  #heavy", "  #each")
                        for line in source.splitlines()
                        if not line.endswith("  #heavy" if nesterov else "  #nesterov"))
    if not decay:
        source = source.replace(" + wds[k] * p{i}[k]", "")
    if not damping:
        source = source.replace("(1 - damps[k]) * u{i}", "u{i}")
    out = []
    for line in source.splitlines():
        if line.endswith("  #each"):
            out.extend(line[: -len("  #each")].replace("{i}", str(i)) for i in range(d))
        else:
            out.append(line.format(**fields) if "{" in line else line)
    return "\n".join(out) + "\n"


HEADER = """# generated by gdviz.maps.kernels: a fused map kernel for one surface (safe to delete)
import math

import numba
import numpy as np

jit = numba.njit(error_model="numpy", cache=True)
"""


def module_source(s, parallel=True, **flags) -> str:
    """The kernel module for surface ``s``: helpers, ``vg`` and ``kernel``, each compiled by numba
    (``flags``: see :func:`_kernel_source`). ``parallel``: the pixels of a tile shared by numba's
    threads; else one thread, without the GIL (on Dask, whose workers are the parallelism)."""
    def jitted(src, deco="@jit"):
        return "\n".join(deco + "\n" + part.strip() + "\n" for part in src.strip().split("\n\n\n") if part.strip())

    return "\n\n".join([HEADER, jitted(HELPERS.replace("\ndef ", "\n\n\ndef ")), jitted(_source(s)),
                         jitted(_kernel_source(s, **flags).split("\n\n\ndef _ratio")[0].strip(),
                                f'@numba.njit(parallel={bool(parallel)}, nogil=True, error_model="numpy", cache=True)'),
                         jitted("def _ratio" + _kernel_source(s).split("\n\n\ndef _ratio")[1])])


def cache_dir():
    """Where kernel modules (and numba's compiled code beside them) are kept between runs:
    $GDVIZ_CACHE or ~/.cache/gdviz, under kernels/."""
    import os
    from pathlib import Path

    root = os.environ.get("GDVIZ_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                          os.path.join(Path.home(), ".cache"), "gdviz")
    return Path(root) / "kernels"


@functools.lru_cache(maxsize=32)
def _compiled(source: str):
    """Import (writing it first if needed) the module of ``source``; numba caches its machine code
    beside it, so a kernel compiles once per machine. An unwritable cache: compiled in memory."""
    import hashlib
    import importlib.util
    import os
    import sys
    import tempfile

    name = "gdviz_kernel_" + hashlib.sha256(source.encode()).hexdigest()[:16]
    folder = cache_dir()
    path = folder / f"{name}.py"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(source)
            os.replace(tmp, path)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module   # numba's cache finds the module again by its name
        spec.loader.exec_module(module)
        return module.kernel
    except OSError:
        scope: dict = {}
        exec(compile(source.replace("cache=True", "cache=False"), name, "exec"), scope)
        return scope["kernel"]


def compiled(s, **flags):
    """The compiled kernel for surface ``s`` (compiled once per formula, variant and machine)."""
    return _compiled(module_source(s, **flags))


def run_tile(task, lo: int, hi: int) -> dict:
    """Pixels lo..hi-1 of ``task`` (gdviz.maps.simulate.Task) through the fused kernel; pixels that
    met a kink are rerun by the reference."""
    from .simulate import CLIP, LAST, reference_tile

    s = task.surface
    hp, starts = task.pixels(lo, hi)
    B = hi - lo

    def per_pixel(key, default):
        v = hp.get(key, default)
        return np.broadcast_to(np.asarray(v if v is not None else default, float), (B,)).copy()

    from ..optim import optimizer as make_optimizer

    shown = make_optimizer(task.optimizer, **{k: v for k, v in hp.items() if not isinstance(v, np.ndarray)}) \
        .hyperparams
    default_m = {"gd": 0.0, "momentum": 0.9, "nesterov": 0.9}[task.optimizer]
    LR = per_pixel("lr", shown.get("lr", 1e-3))
    MOM = per_pixel("momentum", shown.get("momentum", default_m))
    DAMP = per_pixel("dampening", shown.get("dampening", 0.0))
    WD = per_pixel("weight_decay", shown.get("weight_decay", 0.0))
    nesterov = task.optimizer == "nesterov" or bool(hp.get("nesterov", False))
    out = {"code": np.empty(B, np.uint8), "stop": np.empty(B, np.int64), "final": np.empty((B, s.dim)),
           "loss": np.empty(B), "g0": np.empty(B), "g": np.empty(B), "sum_v": np.empty(B),
           "sum_inv": np.empty(B), "tail": np.empty(B)}
    centre = s.bounds.mean(axis=1)
    train = task.measure == "trainability"
    kernel = compiled(s, parallel=task.parallel, train=train, nesterov=nesterov, decay=bool(WD.any()),
                      damping=bool(DAMP.any()))
    kernel(np.ascontiguousarray(starts), LR, MOM, DAMP, WD, nesterov, task.steps, task.tol * task.tol,
                centre, task.limit, train, CLIP, LAST,
                out["code"], out["stop"], out["final"], out["loss"], out["g0"], out["g"], out["sum_v"],
                out["sum_inv"], out["tail"])
    kinks = np.flatnonzero(out["code"] == KINK)
    for k in kinks:   # rare: the reference, one pixel at a time
        part = reference_tile(task, lo + k, lo + k + 1)
        for key, arr in part.items():
            out[key][k] = arr[0]
    return out
