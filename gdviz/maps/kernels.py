"""Fused map kernels: each pixel's whole run in one compiled loop (numba), no Python per pixel or step.

The kernel is written for the surface at hand: its own numpy arithmetic (``Formula._fg``) is traced
(gdviz.web.trace, as for the explorer's engine) and printed as Python, one operation per operation in
Python's order, then compiled with numba together with the update rule of torch's SGD (gradient
descent, heavy-ball momentum, Nesterov; dampening, weight decay) and the engine's stopping rules,
written in the engine's order. On a surface of ``+ - * /`` and ``sqrt`` the kernel gives the bits
``gd.run`` gives (``tests/test_maps.py`` holds it to that); ``sin``, ``exp``... come from the C
library instead of numpy and may differ in the last bit.

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

# The per-pixel loop, the engine's order (gdviz/engine.py _loop; optim transforms add_decayed_weights,
# trace, scale_by_schedule), written out per coordinate p0, p1 by _kernel_source.
LOOP = '''
def kernel(P0, LR, MOM, DAMP, WD, nesterov, steps, tol2, centre, limit, train, clip, last,
           code, stop, final, loss_out, g0_out, g_out, sum_v, sum_inv, tail):
    for b in numba.prange(P0.shape[0]):
        lr, m, damp, wd = LR[b], MOM[b], DAMP[b], WD[b]
{unpack}
        loss, {grads} = vg({coords})
        ok = math.isfinite(loss){finite_g}
        gn0 = math.sqrt({sumsq})
        g0_out[b] = gn0
        if not ok:
            code[b], stop[b], loss_out[b], g_out[b] = {DIVERGED}, 0, math.nan, gn0
            sum_v[b], sum_inv[b], tail[b] = math.inf, 0.0, math.inf
{store_start}
            continue
        L0 = loss
        status, n = {MAX_STEPS}, steps
        tv, ti, tt = 0.0, 0.0, 0.0
        first_tail = steps - last
{zero_bufs}
        for t in range(steps):
            if train:
                v = _ratio(loss, L0, clip)
                tv += v
                ti += 1.0 / v
                if t >= first_tail:
                    tt += v
            if tol2 > 0.0 and {sumsq} < tol2:
                status, n = {CONVERGED}, t
                if train:
                    for t2 in range(t + 1, steps):
                        tv += v
                        ti += 1.0 / v
                        if t2 >= first_tail:
                            tt += v
                break
{update}
            nloss, {ngrads} = vg({ncoords})
            near = {near}
            inside = near and nloss <= {MAX_LOSS}
            gfin = {gfinite}
            if not (inside and gfin):
                if math.isfinite(nloss) and not gfin:
                    status = {KINK}
                    break
                finite = {nfinite} and math.isfinite(nloss) and gfin
                status, n = {DIVERGED}, t + (1 if finite else 0)
                if finite:
{accept}
                if train:
                    if finite and t + 1 < steps:
                        v = _ratio(loss, L0, clip)
                        tv += v
                        ti += 1.0 / v
                        if t + 1 >= first_tail:
                            tt += v
                        start = t + 2
                    else:
                        start = t + 1
                    for t2 in range(start, steps):
                        tv += clip
                        ti += 1.0 / clip
                        if t2 >= first_tail:
                            tt += clip
                break
{accept_body}
        code[b], stop[b], loss_out[b] = status, n, loss
        g_out[b] = math.sqrt({sumsq})
{store_final}
        sum_v[b], sum_inv[b], tail[b] = tv, ti, tt / min(last, steps)


def _ratio(loss, L0, clip):
    if L0 == 0.0:
        v = 0.0 if loss == 0.0 else math.inf
    else:
        v = loss / L0
    if not math.isfinite(v) or v > clip:
        return clip
    return v
'''


def _kernel_source(s) -> str:
    """The whole kernel for surface ``s`` (1-D or 2-D) as Python source."""
    d = s.dim
    pv, g, ng, nw = ([f"{v}{i}" for i in range(d)] for v in ("p", "g", "ng", "q"))
    i8 = " " * 8
    i12, i16, i20 = " " * 12, " " * 16, " " * 20

    def lines(ind, fmt):
        return "\n".join(ind + fmt.format(i=i) for i in range(d))

    sumsq = " + ".join(f"g{i} * g{i}" for i in range(d)) if d == 1 else \
        "(" * (d - 1) + "g0 * g0" + "".join(f" + g{i} * g{i})" for i in range(1, d))
    update = "\n".join([
        lines(i12, "u{i} = g{i} + wd * p{i}"),           # add_decayed_weights (u + 0 * p = u)
        i12 + "if t == 0:",
        lines(i16, "buf{i} = u{i}"),                      # trace: buf_0 = u
        i12 + "else:",
        lines(i16, "buf{i} = m * buf{i} + (1 - damp) * u{i}"),
        i12 + "if nesterov:",
        lines(i16, "u{i} = u{i} + m * buf{i}"),
        i12 + "else:",
        lines(i16, "u{i} = buf{i}"),
        lines(i12, "q{i} = p{i} + -lr * u{i}"),          # scale_by_schedule: (-lr) * u; p + u
    ])
    accept = "\n".join(lines(i20, "p{i} = q{i}").splitlines() + lines(i20, "g{i} = ng{i}").splitlines()
                       + [i20 + "loss = nloss"])
    accept_body = "\n".join(lines(i12, "p{i} = q{i}").splitlines() + lines(i12, "g{i} = ng{i}").splitlines()
                            + [i12 + "loss = nloss"])
    return LOOP.format(
        unpack=lines(i8, "p{i} = P0[b, {i}]"), grads=", ".join(g), coords=", ".join(pv),
        finite_g="".join(f" and math.isfinite(g{i})" for i in range(d)), sumsq=sumsq,
        store_final=lines(i8, "final[b, {i}] = p{i}"), store_start=lines(i12, "final[b, {i}] = p{i}"),
        zero_bufs=lines(i8, "buf{i} = 0.0"),
        update=update, ngrads=", ".join(ng), ncoords=", ".join(nw),
        near=" and ".join(f"abs(q{i} - centre[{i}]) <= limit" for i in range(d)),
        gfinite=" and ".join(f"math.isfinite(ng{i})" for i in range(d)),
        nfinite=" and ".join(f"math.isfinite(q{i})" for i in range(d)),
        accept=accept, accept_body=accept_body, MAX_LOSS=repr(MAX_LOSS), KINK=KINK,
        CONVERGED=CONVERGED, DIVERGED=DIVERGED, MAX_STEPS=MAX_STEPS)


HEADER = """# generated by gdviz.maps.kernels: a fused map kernel for one surface (safe to delete)
import math

import numba

jit = numba.njit(error_model="numpy", cache=True)
"""


def module_source(s) -> str:
    """The kernel module for surface ``s``: helpers, ``vg`` and ``kernel``, each compiled by numba."""
    def jitted(src, deco="@jit"):
        return "\n".join(deco + "\n" + part.strip() + "\n" for part in src.strip().split("\n\n\n") if part.strip())

    return "\n\n".join([HEADER, jitted(HELPERS.replace("\ndef ", "\n\n\ndef ")), jitted(_source(s)),
                         jitted(_kernel_source(s).split("\n\n\ndef _ratio")[0],
                                '@numba.njit(parallel=True, error_model="numpy", cache=True)'),
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


def compiled(s):
    """The compiled kernel for surface ``s`` (compiled once per formula and machine)."""
    return _compiled(module_source(s))


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
    compiled(s)(np.ascontiguousarray(starts), LR, MOM, DAMP, WD, nesterov, task.steps, task.tol * task.tol,
                centre, task.limit, task.measure == "trainability", CLIP, LAST,
                out["code"], out["stop"], out["final"], out["loss"], out["g0"], out["g"], out["sum_v"],
                out["sum_inv"], out["tail"])
    kinks = np.flatnonzero(out["code"] == KINK)
    for k in kinks:   # rare: the reference, one pixel at a time
        part = reference_tile(task, lo + k, lo + k + 1)
        for key, arr in part.items():
            out[key][k] = arr[0]
    return out
