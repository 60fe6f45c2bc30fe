"""The ``gdviz`` command. Every verb maps to the same registries and functions as the Python API.

    gdviz list
    gdviz run --surface rosenbrock --optimizer adam --lr 0.05 --steps 600 --start=-1.5,2.0
    gdviz sweep --surface parabola --optimizer gd
    gdviz demo

User mistakes print one line on stderr and exit with code 2 (``--debug`` shows the traceback).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from . import __version__, arith
from .errors import OutputError, UserInputError, printable

console = Console(highlight=False)


def shown(text) -> str:
    """User text (a path, a name) for the rich console: control characters escaped, no markup."""
    from rich.markup import escape

    return escape(printable(text))


# -- option parsing helpers ----------------------------------------------------------------
def parse_numbers(option: str, text: str | None) -> list[float] | None:
    """'0.1,0.7, 1' -> [0.1, 0.7, 1.0]; a clear error for empty items or words."""
    if text is None:
        return None
    items = [t.strip() for t in str(text).split(",")]
    try:
        if not items or any(t == "" for t in items):
            raise ValueError
        values = [float(t) for t in items]
    except ValueError:
        raise UserInputError(f"{option} must be numbers separated by commas, got '{text}'") from None
    return values


def parse_assignments(option: str, pairs) -> dict:
    """('condition=50', 'loss=huber') -> {'condition': 50.0, 'loss': 'huber'}."""
    out = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise UserInputError(f"{option} takes KEY=VALUE, got '{pair}'")
        out[key.strip().replace("-", "_")] = _value(raw.strip())
    return out


def _value(raw: str):
    """'true'/'yes'/'on' -> True, 'false'/'no'/'off' -> False, numbers, 'a,b' -> a list, else text."""
    low = raw.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("none", "null"):
        return None
    if "," in raw:
        return [_value(part.strip()) for part in raw.split(",")]
    try:
        v = float(raw)
        return int(v) if v.is_integer() and "." not in raw and "e" not in low else v
    except ValueError:
        return raw


def _fmt(x, digits=4) -> str:
    if isinstance(x, (list, tuple, np.ndarray)):
        return "(" + ", ".join(_fmt(v, digits) for v in x) + ")"
    x = float(x)
    if x == 0 or (1e-3 <= abs(x) < 1e5):
        return f"{x:.{digits}g}"
    return f"{x:.{max(digits - 2, 1)}e}"


# -- shared options ------------------------------------------------------------------------
def surface_options(f):
    f = click.option("--surface", "-s", default="rosenbrock", show_default=True,
                     help="Surface name (see `gdviz list`) or an expression such as 'x**2 + 10*y**2'.")(f)
    f = click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE",
                     help="Surface parameter, e.g. -P condition=50 or -P loss=huber (repeatable).")(f)
    return f


def optimizer_options(f):
    f = click.option("--optimizer", "-o", "optimizer_name", default="gd", show_default=True,
                     help="Optimizer: a name from `gdviz list`, or a class of an installed library: "
                          "torch:AdamW, pytorch_optimizer:Lion, optax:adam.")(f)
    f = click.option("--hp", "-H", "hyperparams", multiple=True, metavar="KEY=VALUE",
                     help="Optimizer hyperparameter, e.g. -H momentum=0.8 -H batch_size=8 (repeatable).")(f)
    f = click.option("--schedule", default=None,
                     help="Learning-rate schedule: constant, inverse-sqrt, step, exponential, cosine, warmup, "
                          "warmup-cosine, one-cycle; its parameters as -H (e.g. -H t_max=500 -H warmup=50).")(f)
    f = click.option("--start", default=None, metavar="X[,Y]",
                     help="Start point, comma-separated (use --start=-1.5,2 for negatives). "
                          "Default: the surface's own.")(f)
    f = click.option("--steps", "-n", default="1000", show_default=True, help="Maximum number of updates.")(f)
    f = click.option("--tol", default=None, help="Gradient-norm tolerance (0 disables the convergence stop).")(f)
    f = click.option("--seed", default="0", show_default=True, help="Seed for mini-batch sampling.")(f)
    f = click.option("--record-every", default=None, metavar="K",
                     help="Keep every K-th step (for very long runs; default: every step).")(f)
    return f


def optimizer_arg(name: str) -> str:
    """An --optimizer value, checked before anything runs: a gdviz name passes as it is (the
    registry judges it); ``torch:Name`` (a class in torch.optim), ``pytorch_optimizer:Name``,
    ``torch_optimizer:Name`` (a class the package exports) and ``optax:name`` (an optax optimizer)
    must name a ``torch.optim.Optimizer`` subclass (or an optax alias) in an installed package.
    Anything else with a ':' (another module, a dotted path, a function) is refused in one line;
    only those packages are ever imported (gdviz.optim.adapters.resolve)."""
    if ":" in str(name):
        from .optim.adapters import resolve

        resolve(name)
    return name


def _build(surface, surface_params, optimizer_name, hyperparams, schedule_name, lr):
    from . import optim, surfaces

    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    hp = parse_assignments("--hp", hyperparams)
    if lr is not None:
        if "lr" in hp:
            raise UserInputError(f"give the learning rate once: --lr {lr:g} or -H lr={hp['lr']}, not both")
        hp["lr"] = lr
    if schedule_name:
        from .optim.schedules import PARAMETERS

        extra = {k: hp.pop(k) for k in PARAMETERS if k in hp}
        hp["lr"] = optim.schedule(schedule_name, hp.get("lr", 0.01), **extra)
    return s, optim.optimizer(optimizer_arg(optimizer_name), **hp)


def _number(option, text, cast=float):
    if text is None:
        return None
    try:
        v = float(text)
        if cast is int and not v.is_integer():
            raise ValueError
        return cast(v)
    except (TypeError, ValueError):
        kind = "a whole number" if cast is int else "a number"
        raise UserInputError(f"{option} must be {kind}, got '{text}'") from None


# -- the command group ---------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gdviz")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx, debug):
    """gdviz: gradient descent, drawn. Surfaces, optimizers and learning rates you can see."""
    ctx.ensure_object(dict)["debug"] = debug


@cli.command("list")
def list_cmd():
    """List surfaces, optimizers and learning-rate schedules."""
    from . import optim, surfaces
    from .optim import schedules

    for title, rows in (("Surfaces (or type an expression, e.g. 'x**2 + 10*y**2')", surfaces.describe()),
                        ("Optimizers (hyperparameters as in torch.optim)", optim.describe()),
                        ("Learning-rate schedules (--schedule)", schedules.describe())):
        _print_table(title, rows)
        console.print()
    console.print("Any torch.optim.Optimizer subclass of an installed library runs too: -o torch:AdamW, "
                  "-o pytorch_optimizer:Lion (pip install 'gdviz[torch]'), or an optax transform: -o optax:adam "
                  "(pip install 'gdviz[jax]').")


@cli.command()
@surface_options
@optimizer_options
@click.option("--lr", default=None, help="Learning rate (default: the optimizer's torch default).")
@click.option("--save", default=None, metavar="FILE.npz", help="Save the trajectory to a .npz file.")
def run(surface, surface_params, optimizer_name, hyperparams, schedule, start, steps, tol, seed, record_every,
        lr, save):
    """Run one optimizer and print a summary: status, steps, final loss, final point."""
    from .engine import run as run_engine

    lr_value = _number("--lr", lr)
    if save:   # where it goes is checked before the run, not after
        from .files import check_output

        if not str(save).endswith(".npz"):
            raise UserInputError(f"trajectory files end in .npz, got '{Path(save).name}'")
        check_output(save, (".npz",))
    s, opt = _build(surface, surface_params, optimizer_name, hyperparams, schedule, lr_value)
    if opt.batch is not None:
        raise UserInputError("gdviz run takes one value per hyperparameter; use gdviz sweep for many rates")
    traj = run_engine(opt, s, parse_numbers("--start", start), _number("--steps", steps, int),
                      tol=_number("--tol", tol), seed=_number("--seed", seed, int),
                      record_every=_number("--record-every", record_every, int))
    if save:
        traj.save(save)
    table = Table(title=shown(f"{opt.label()} on {s.title['en']}"), title_justify="left", show_header=False,
                  box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    colour = {"converged": "green", "diverged": "red", "max_steps": "yellow"}[traj.status]
    table.add_row("status", f"[{colour}]{traj.status}[/]")
    table.add_row("steps", str(traj.n_steps))
    table.add_row("start", _fmt(traj.params[0]))
    table.add_row("final point", _fmt(traj.params[-1]))
    table.add_row("final loss", _fmt(traj.loss[-1], 6))
    if s.minima.size:
        off = s.minima - traj.params[-1]
        valleys = getattr(s, "valleys", np.zeros_like(s.minima))  # a valley of minima: the distance to its line
        d = arith.norm(off - (off * valleys).sum(-1, keepdims=True) * valleys)
        i = int(d.argmin())
        on = f" on a valley of minima along {_fmt(valleys[i])}" if valleys[i].any() else ""
        table.add_row("nearest minimum", f"{_fmt(s.minima[i])}{on}  (distance {_fmt(d[i])})")
    if save:
        table.add_row("saved", shown(save))
    console.print(table)


@cli.command()
@surface_options
@optimizer_options
@click.option("--lrs", default=None, metavar="A,B,...",
              help="Rates to try (default: 25 log-spaced around 1/L).")
def sweep(surface, surface_params, optimizer_name, hyperparams, schedule, start, steps, tol, seed, record_every,
          lrs):
    """Learning-rate sweep: the regime table (too small / Goldilocks / too large / diverges)."""
    from .analysis import sweep as run_sweep

    if schedule:
        raise UserInputError("gdviz sweep varies a constant rate; --schedule is for gdviz run")
    from . import surfaces

    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    hp = parse_assignments("--hp", hyperparams)
    if "lr" in hp:
        raise UserInputError("gdviz sweep varies the learning rate: give the rates as --lrs, not -H lr")
    sw = run_sweep(s, optimizer_arg(optimizer_name), parse_numbers("--lrs", lrs), start=parse_numbers("--start", start),
                   steps=_number("--steps", steps, int), tol=_number("--tol", tol),
                   seed=_number("--seed", seed, int), record_every=_number("--record-every", record_every, int),
                   **hp)
    print_sweep(sw, f"{optimizer_name} on {s.title['en']}")


def print_sweep(sw, title):
    r = sw.regimes
    console.print(f"[bold]{shown(title)}[/]")
    curv = f"L = {_fmt(r.L)}" + (f", smallest mu = {_fmt(r.mu)}" if r.mu is not None and r.mu != r.L else "")
    console.print(f"curvature at {_fmt(r.point)}: largest {curv}")
    best = "2/(L + mu)" if r.mu is not None and r.mu != r.L else "1/L"
    console.print(f"Goldilocks (fastest) {best} = {_fmt(r.goldilocks)}, diverges at 2/L = {_fmt(r.diverge)}")
    table = Table(show_lines=False)
    for col, just in (("lr", "right"), ("lr x L", "right"), ("regime (GD)", "left"),
                      ("status", "left"), ("steps", "right"), ("final loss", "right")):
        table.add_column(col, justify=just)
    colours = {"too small": "blue", "goldilocks": "green", "too large": "yellow", "diverges": "red"}
    for lr, regime, status, steps, loss in sw.rows():
        table.add_row(_fmt(lr), _fmt(lr * r.L, 3), f"[{colours[regime]}]{regime}[/]", status,
                      str(steps), _fmt(loss))
    console.print(table)


@cli.command()
def demo():
    """The engine's demonstration: the course's learning-rate exercise and an optimizer race."""
    from . import analysis, surfaces
    from .races import race as run_race

    s = surfaces.surface("parabola")
    sw = analysis.sweep(s, "gd", [0.1, 0.7, 1.0, 1.6, 1.8, 4.0], steps=200)
    print_sweep(sw, "The course's learning-rate exercise (gradient descent, L(w) = 0.3125 w^2, w0 = -2.9)")
    console.print()
    print_race(run_race("rosenbrock", ("gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"),
                        steps=3000))


@cli.command()
@click.option("--surface", "-s", default="rosenbrock", show_default=True, help="Surface name or expression.")
@click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE")
@click.option("--optimizer", "-O", "optimizers", default="gd,momentum,nesterov,rmsprop,adam", show_default=True,
              metavar="O[,O...]", help="The optimizers that race.")
@click.option("--tune/--no-tune", default=None,
              help="Each optimizer at its best rate of one batched sweep (the default unless --lr is given).")
@click.option("--lr", default=None, metavar="X[,X...]",
              help="Fixed rates instead of tuning: one, or one per optimizer.")
@click.option("--grid", default="200", show_default=True, help="How many log-spaced rates the tuning tries.")
@click.option("--span", default="1e-6,1e3", show_default=True, metavar="LO,HI", help="The range of rates tried.")
@click.option("--steps", "-n", default="1000", show_default=True, help="Step budget of every run.")
@click.option("--start", default=None, metavar="X[,Y]", help="Start point (use --start=-1.5,2).")
@click.option("--tol", default=None, help="Gradient-norm tolerance that ends a run (the finish line on a surface "
              "with no known minimum).")
@click.option("--gap", default="0.001", show_default=True,
              help="The finish line: loss within GAP of the minimum's, and staying there.")
@click.option("--seed", default="0", show_default=True, help="Seed for mini-batch sampling.")
@click.option("--output", "-o", default=None, metavar="FILE",
              help="Also draw the race with its metrics table (.png, .svg or .pdf).")
@click.option("--lang", default="en", help="Label language of the figure: en or zh.")
@click.option("--size", default=None, metavar="WxH", help="Figure size in pixels.")
def race(surface, surface_params, optimizers, tune, lr, grid, span, steps, start, tol, gap, seed, output, lang,
         size):
    """Race optimizers from one start to a finish line (loss within --gap of the minimum), fairly:
    each at its own best learning rate (one batched sweep of --grid rates per optimizer: the
    fewest steps to the finish line, the median over 5 nearby starts; a run whose loss rises
    above its start does not finish). Prints the table in finish order; -o also draws it."""
    from . import style, surfaces
    from .races import race as run_race
    from .races import racers

    names = racers(_split("--optimizer", optimizers))   # counted and checked before anything is built
    rates = _split("--lr", lr, float)
    if tune and rates:
        raise UserInputError("give --lr or --tune, not both (--tune picks each optimizer's rate)")
    if output:
        from .render.output import STATIC, check_output

        check_output(output, STATIC)
        style.check_lang(lang)
    bounds = parse_numbers("--span", span)
    if bounds is None or len(bounds) != 2:
        raise UserInputError(f"--span must be two rates LO,HI, got '{span}'")
    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    r = run_race(s, names, tune=not rates, rates=rates,
                 start=parse_numbers("--start", start), steps=_number("--steps", steps, int), span=bounds,
                 grid=_number("--grid", grid, int), tol=_number("--tol", tol), gap=_number("--gap", gap),
                 seed=_number("--seed", seed, int))
    print_race(r)
    if output:
        from .lessons.paths import race_runs
        from .render import figures

        runs = race_runs(r)
        fig = figures.figure("race", lang=lang, size=size, runs=runs)
        path = figures.save(fig, output)
        for claim in figures.failed(fig.gdviz_claims):
            click.echo(f"gdviz: warning: this picture misleads: {printable(claim.failure())}", err=True)
        console.print(f"wrote {shown(path)}")


def print_race(r):
    """A race's metrics table in finish order, its finish line and how its rates were chosen."""
    start = _fmt(r.trajectories[0].params[0]) if r.trajectories else ""
    steps = r.space.get("steps") if r.tuned else len(r.trajectories[0].loss) - 1
    table = Table(title=shown(f"Optimizer race on {r.surface.title['en']} from {start}"), title_justify="left")
    columns = ("place", "optimizer", "lr", "steps to finish", *(("median of starts",) if r.tuned else ()),
               "final loss", "diverged")
    for col in columns:
        table.add_column(col, justify="left" if col == "optimizer" else "right")
    for row in r.table:
        median = [] if not r.tuned else ["-" if row["median_steps"] is None else str(row["median_steps"])]
        table.add_row(str(row["rank"]), row["optimizer"], f"{row['lr']:g}",
                      str(row["steps"]) if row["finished"] else f"not in {row['steps']}", *median,
                      "-" if row["diverged"] else _fmt(row["final_loss"]),
                      "[red]yes[/]" if row["diverged"] else "no")
    console.print(table)
    f = r.finish
    console.print("finish line: " + (f"gradient norm < {f.tol:g} (no known minimum)" if f.low is None else
                                     f"loss <= {f.line:g} (the minimum {f.low:g} + {f.gap:g}) from then on"))
    if r.tuned:
        sp = r.space
        console.print(f"rates: each the best of {sp['grid']} log-spaced from {_fmt(sp['span'][0])} to "
                      f"{_fmt(sp['span'][1])} in {steps} steps ({sp['objective']}); tuning took "
                      f"{sum(t.seconds for t in r.tunings):.2f} s")
        edge = [t.optimizer for t in r.tunings if t.at_edge]
        if edge:
            click.echo(f"gdviz: warning: the best rate of {', '.join(edge)} is at the edge of --span: "
                       "widen it to be sure it is the best", err=True)
    if r.note:
        click.echo(f"gdviz: warning: {printable(r.note)}", err=True)


class LazyProgress:
    """A rich progress bar that appears only once a render has taken more than a second."""

    def __init__(self, description: str, total: int, delay: float = 1.0):
        import time

        self.description, self.total, self.delay = description, total, delay
        self.start, self.bar, self.task, self._time = time.monotonic(), None, None, time.monotonic

    def __call__(self, done: int):
        if self.bar is None and self._time() - self.start > self.delay:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total)
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def close(self):
        if self.bar is not None:
            self.bar.stop()


def _split(option, text, cast=str):
    if text is None:
        return None
    if cast is float:
        return parse_numbers(option, text)
    items = [t.strip() for t in str(text).split(",")]
    if any(not t for t in items):
        raise UserInputError(f"{option} must be names separated by commas, got '{text}'")
    return items


def _lesson_options(kind, builder, surface, surface_params, optimizers, lrs, steps, start, default_surface=None):
    """Map CLI options onto the lesson builder's parameters; refuse ones it does not take."""
    import inspect

    from . import surfaces

    accepted = inspect.signature(builder).parameters
    out = {}

    def put(name, value, option):
        if value is None:
            return
        if name not in accepted:
            raise UserInputError(f"'{kind}' does not take {option}")
        out[name] = value

    if surface is not None or surface_params:
        if "surface" not in accepted:
            raise UserInputError(f"'{kind}' draws its own surfaces: it takes no "
                                 f"{'--surface' if surface is not None else '--surface-param'}")
        base = surface or default_surface or accepted["surface"].default or "linear-regression"
        s = surfaces.surface(base, **parse_assignments("--surface-param", surface_params))
        put("surface", s, "--surface")
    if optimizers:
        if "optimizers" in accepted:
            out["optimizers"] = optimizers
        elif len(optimizers) == 1:
            put("optimizer", optimizers[0], "--optimizer")
        else:
            raise UserInputError(f"'{kind}' takes one --optimizer, got {len(optimizers)}")
    if lrs:
        if "rates" in accepted:
            out["rates"] = lrs if len(lrs) > 1 or "optimizers" in accepted else lrs
        elif "lr" in accepted and len(lrs) == 1:
            out["lr"] = lrs[0]
        else:
            raise UserInputError(f"'{kind}' does not take --lr" if "lr" not in accepted
                                 else f"'{kind}' takes one --lr, got {len(lrs)}")
    put("steps", steps, "--steps")
    put("start", start, "--start")
    return out


@cli.command()
@click.argument("kind", required=False)
@click.option("--list", "list_kinds", is_flag=True, help="List the figure kinds.")
@click.option("--surface", "-s", default=None, help="Surface name or expression (default: the figure's own).")
@click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE")
@click.option("--optimizer", "-O", "optimizers", default=None, metavar="O[,O...]", help="Optimizer(s).")
@click.option("--lr", default=None, metavar="X[,X...]", help="Learning rate(s).")
@click.option("--steps", "-n", default=None, help="Maximum number of updates.")
@click.option("--start", default=None, metavar="X[,Y]", help="Start point (use --start=-1.5,2).")
@click.option("--lang", default="en", help="Label language: en or zh.")
@click.option("--size", default=None, metavar="WxH", help="Figure size in pixels (default per kind).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Output .png, .svg or .pdf.")
@click.option("--field", is_flag=True, help="Draw the gradient field (-grad L) over every contour plot.")
@click.option("--arrows", is_flag=True,
              help="Draw what each path's first updates are made of: gradient push, carried momentum, step.")
def plot(kind, list_kinds, surface, surface_params, optimizers, lr, steps, start, lang, size, output, field, arrows):
    """Draw a teaching figure: gdviz plot KIND -o FILE (see gdviz plot --list)."""
    from .render import figures
    from .render.output import STATIC, check_output

    if list_kinds:
        _print_table("Figure kinds (gdviz plot KIND -o FILE)", figures.describe())
        return
    if not kind:
        raise UserInputError("plot needs a KIND; see gdviz plot --list")
    if kind not in figures.FIGURES:
        from .errors import unknown_name

        raise unknown_name("figure kind", kind, figures.FIGURES)
    if not output:
        raise UserInputError("plot needs an output file: -o FILE.png (or .svg, .pdf)")
    check_output(output, STATIC)
    from . import lessons, style

    style.check_lang(lang)
    builder = lessons.BUILDERS[figures.FIGURES[kind][0]]
    opts = _lesson_options(kind, builder, surface, surface_params,
                           [optimizer_arg(n) for n in _split("--optimizer", optimizers) or []] or None,
                           _split("--lr", lr, float), _number("--steps", steps, int),
                           parse_numbers("--start", start), figures.DEFAULTS.get(kind, {}).get("surface"))
    fig = figures.figure(kind, lang=lang, size=size, field=field, arrows=arrows, **opts)
    path = figures.save(fig, output)
    for claim in figures.failed(fig.gdviz_claims):
        click.echo(f"gdviz: warning: this picture misleads: {printable(claim.failure())}", err=True)
    console.print(f"wrote {shown(path)}")


@cli.command()
@click.option("--surface", "-s", default="rosenbrock", show_default=True, help="Surface name or expression.")
@click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE")
@click.option("--optimizer", "-O", "optimizers", default="adam", show_default=True, metavar="O[,O...]",
              help="Optimizer(s); several race on one plot.")
@click.option("--lr", default=None, metavar="X[,X...]",
              help="Learning rate(s); several compare. Default: each optimizer's best (as gdviz race --tune).")
@click.option("--hp", "-H", "hyperparams", multiple=True, metavar="KEY=VALUE",
              help="Optimizer hyperparameter, e.g. -H momentum=0.8 (repeatable).")
@click.option("--steps", "-n", default="600", show_default=True, help="Maximum number of updates.")
@click.option("--start", default=None, metavar="X[,Y]", help="Start point (use --start=-1.5,2).")
@click.option("--seed", default="0", show_default=True, help="Seed for mini-batch sampling.")
@click.option("--record-every", default=None, metavar="K", help="Keep every K-th step (very long runs).")
@click.option("--frames", default="120", show_default=True, help="Number of frames.")
@click.option("--fps", default="20", show_default=True, help="Frames per second.")
@click.option("--size", default="640x480", show_default=True, metavar="WxH", help="Frame size in pixels.")
@click.option("--hold", default="1.5", show_default=True, help="Seconds to hold the last frame.")
@click.option("--lang", default="en", show_default=True, help="Label language: en or zh.")
@click.option("--output", "-o", required=True, metavar="FILE", help="Output .gif, .mp4 or .webm.")
@click.option("--field", is_flag=True, help="Draw the gradient field (-grad L) under the paths.")
@click.option("--arrows", is_flag=True,
              help="Show what each update is made of, as it happens: gradient push, carried momentum, step.")
def gif(surface, surface_params, optimizers, lr, hyperparams, steps, start, seed, record_every, frames, fps,
        size, hold, lang, output, field, arrows):
    """Animate optimizer paths to a GIF, MP4 or WebM (by the extension of -o)."""
    from . import style, surfaces
    from .engine import run as run_engine
    from .lessons import Runs
    from .optim import optimizer as make_optimizer
    from .render.animation import Animation, check_fps, check_frames, check_size
    from .render.encode import check_video_size
    from .render.output import ANIMATED, check_output

    path = check_output(output, ANIMATED)
    size_px = check_size(size)
    check_video_size(path, size_px)
    n_frames = check_frames(_number("--frames", frames))
    rate = check_fps(_number("--fps", fps))
    style.check_lang(lang)
    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    names = [optimizer_arg(n) for n in _split("--optimizer", optimizers)]
    rates = _split("--lr", lr, float)
    hp = parse_assignments("--hp", hyperparams)
    if "lr" in hp:  # -H lr=... means --lr
        given = hp.pop("lr")
        rates = rates or [_number("lr", v) for v in (given if isinstance(given, list) else [given])]
    if rates and len(names) > 1 and len(rates) not in (1, len(names)):
        raise UserInputError(f"give one --lr, or one per optimizer ({len(names)}), got {len(rates)}")
    if rates and len(names) == 1:
        names = names * len(rates)
    start_pt = parse_numbers("--start", start)
    n_steps, seed_v = _number("--steps", steps, int), _number("--seed", seed, int)
    if not rates:   # each at its best rate, as in a fair race
        from .races import tune_rate

        rates = [tune_rate(s, n, start=start_pt, steps=n_steps, seed=seed_v, **hp).lr for n in names]
    elif len(rates) == 1:
        rates = rates * len(names)
    every = _number("--record-every", record_every, int)
    trajs = [run_engine(make_optimizer(n, **hp, **({} if r is None else {"lr": r})), s, start_pt,
                        n_steps, seed=seed_v, record_every=every) for n, r in zip(names, rates)]
    keys = names if len(set(names)) == len(names) else [f"lr = {style.fmt_number(r)}" for r in rates]
    runs = Runs(s, trajs, keys, [t.hyperparams.get("lr") for t in trajs] if len(set(names)) == len(names)
                else [None] * len(trajs))
    anim = Animation(runs, frames=n_frames, fps=rate, size=size_px, lang=lang,
                     hold=_number("--hold", hold), field=field, arrows=arrows)
    progress = LazyProgress(f"rendering {path.name}", n_frames)
    try:
        anim.save(path, on_frame=progress)
    finally:
        progress.close()
    console.print(f"wrote {shown(path)} ({n_frames} frames, {size_px[0]}x{size_px[1]}, {rate:g} fps)")


@cli.command()
@click.argument("scene", required=False)
@click.option("--list", "list_scenes", is_flag=True, help="List the scenes.")
@click.option("--quality", "-q", default="medium", show_default=True,
              help="low (854x480, 15 fps: a quick preview), medium (1280x720, 30 fps), high (1080p60) or 4k.")
@click.option("--format", "-f", "fmt", default=None, help="mp4, gif, webm or png (the last frame). "
              "Default: the extension of -o, else mp4.")
@click.option("--lang", default="en", show_default=True, help="Label language: en or zh.")
@click.option("--time-scale", default="1", show_default=True,
              help="Multiply every run time (0.2 renders a short preview).")
@click.option("--output", "-o", default=None, metavar="FILE", help="Output file (default: output/SCENE.mp4).")
@click.option("--captions", is_flag=True, help="Also write WebVTT captions beside the video (FILE.vtt; "
              "FILE.chapters.vtt for a scene in acts).")
def video(scene, list_scenes, quality, fmt, lang, time_scale, output, captions):
    """Render a manim scene of the course to video: gdviz video learning-rates."""
    from pathlib import Path

    from . import video as video_mod

    if list_scenes:
        _print_table("Scenes (gdviz video SCENE)", video_mod.describe())
        return
    if not scene:
        raise UserInputError("video needs a SCENE; see gdviz video --list")
    if scene not in video_mod.describe():
        from .errors import unknown_name

        raise unknown_name("scene", scene, video_mod.describe())
    if fmt is not None and fmt not in video_mod.FORMATS:
        raise UserInputError(f"unknown video format '{fmt}'; choose from: {', '.join(video_mod.FORMATS)}")
    if output is None:
        suffix = "" if lang == "en" else f"-{lang}"
        output = Path("output") / f"{scene}{suffix}.{fmt or 'mp4'}"
    elif fmt is None:
        fmt = Path(output).suffix.lstrip(".").lower() or "mp4"
    from .style import check_lang

    check_lang(lang)
    scale = video_mod.check_time_scale(_number("--time-scale", time_scale), "--time-scale")
    if captions and fmt == "png":
        raise UserInputError("--captions needs a video (mp4, webm or gif), not a png still")
    progress = LazyProgress(f"rendering {Path(output).name}", 1000, delay=0.5)
    try:
        path = video_mod.render(scene, output, quality=quality, fmt=fmt, lang=lang, time_scale=scale,
                                progress=lambda f: progress(int(1000 * f)), captions=captions)
    finally:
        progress.close()
    console.print(f"wrote {shown(path)}" + (f" and its captions {shown(path.with_suffix('.vtt'))}" if captions else ""))


@cli.command()
@click.option("--surface", "-s", "surfaces", multiple=True, metavar="S",
              help="Surface to open on (repeatable, at most 20; an expression such as 'x**2 + 10*y**2' joins the "
                   "built-in ones).")
@click.option("--optimizer", "-O", "optimizers", multiple=True, metavar="O",
              help="Optimizer to open with (repeatable, or O,O...): several race from the same start.")
@click.option("--lang", default="en", show_default=True, help="Language of the page: en or zh (a toggle switches).")
@click.option("--output", "-o", default="explorer.html", show_default=True, metavar="FILE.html", help="Output page.")
def explore(surfaces, optimizers, lang, output):
    """Write the explorer: one self-contained HTML page (no network, no server) to move the learning rate and watch."""
    from .files import check_output
    from .style import check_lang
    from .web import write_explorer

    path = check_output(output, (".html", ".htm"))
    check_lang(lang)
    names = _split("--optimizer", ",".join(optimizers)) if optimizers else []
    path = write_explorer(path, surfaces, names, lang=lang)
    console.print(f"wrote {shown(path)} ({path.stat().st_size / 1e3:,.0f} kB): open it in a browser, no server needed")


@cli.command("map")
@click.argument("optimizer")
@click.argument("surface")
@click.option("--x", "x_spec", default="lr:1e-3:1:256:log", show_default=True, metavar="NAME:LO:HI:N[:log]",
              help="The x axis: a hyperparameter or a start coordinate, its range and pixel count.")
@click.option("--y", "y_spec", default="momentum:0:0.99:256", show_default=True, metavar="NAME:LO:HI:N[:log]",
              help="The y axis, as --x.")
@click.option("--measure", default="steps", show_default=True, help="steps, loss, rate or trainability.")
@click.option("--method", default="simulate", show_default=True, help="simulate, or theory (quadratics).")
@click.option("--steps", "-n", default="1000", show_default=True, help="Step budget of every pixel's run.")
@click.option("--set", "fixed", multiple=True, metavar="KEY=VALUE", help="A fixed hyperparameter (repeatable).")
@click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE")
@click.option("--start", default=None, metavar="X[,Y]", help="Start point of every run (use --start=-1.5,2).")
@click.option("--tol", default=None, help="Gradient-norm tolerance (default: the surface's).")
@click.option("--scheduler", default=None, metavar="ADDRESS|FILE", help="Run the tiles on a Dask scheduler.")
@click.option("--tile", default="50000", show_default=True, help="Pixels per tile (memory and Dask tasks).")
@click.option("--lang", default="en", help="Label language of a figure: en or zh.")
@click.option("--size", default=None, metavar="WxH", help="Figure size in pixels.")
@click.option("--output", "-o", required=True, metavar="FILE", help="A .png, .svg or .pdf figure, or .npz data.")
def map_cmd(optimizer, surface, x_spec, y_spec, measure, method, steps, fixed, surface_params, start, tol, scheduler,
            tile, lang, size, output):
    """Map a measure over two axes, one run per pixel: gdviz map momentum elongated -o map.png."""
    from . import maps, style, surfaces
    from .files import check_output
    from .maps import command

    check_output(output, command.OUTPUTS)
    style.check_lang(lang)
    x, y = command.axis_spec("--x", x_spec), command.axis_spec("--y", y_spec)
    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    options = {"measure": measure, "method": method, **parse_assignments("--set", fixed)}
    if method != "theory":
        options.update(steps=_number("--steps", steps, int), start=parse_numbers("--start", start),
                       tol=_number("--tol", tol), tile=_number("--tile", tile, int), client=scheduler)
    bar = LazyProgress("map", len(x[1]) * len(y[1]))
    try:
        m = maps.map(optimizer, s, x, y, progress=lambda done, total: bar(done), **options)
    finally:
        bar.close()
    _map_output(m, output, lang, size, boundary=command.theory_boundary(m, s), surface=s)


@cli.command("basins")
@click.argument("surface")
@click.option("--optimizer", "-O", default="gd", show_default=True, help="A native optimizer's name.")
@click.option("--grid", default="200", show_default=True, metavar="N|NX,NY", help="Starts per axis.")
@click.option("--steps", "-n", default="2000", show_default=True, help="Step budget of every start's run.")
@click.option("--lr", default=None, help="Learning rate (default: 0.5 / the largest curvature in the window).")
@click.option("--set", "fixed", multiple=True, metavar="KEY=VALUE", help="A fixed hyperparameter (repeatable).")
@click.option("--surface-param", "-P", "surface_params", multiple=True, metavar="KEY=VALUE")
@click.option("--scheduler", default=None, metavar="ADDRESS|FILE", help="Run the tiles on a Dask scheduler.")
@click.option("--tile", default="50000", show_default=True, help="Starts per tile (memory and Dask tasks).")
@click.option("--lang", default="en", help="Label language of a figure: en or zh.")
@click.option("--size", default=None, metavar="WxH", help="Figure size in pixels.")
@click.option("--output", "-o", required=True, metavar="FILE", help="A .png, .svg or .pdf figure, or .npz data.")
def basins_cmd(surface, optimizer, grid, steps, lr, fixed, surface_params, scheduler, tile, lang, size, output):
    """Colour every start of a grid by the minimum it reaches: gdviz basins egg-crate -o basins.png."""
    from . import maps, style, surfaces
    from .files import check_output
    from .maps import command

    check_output(output, command.OUTPUTS)
    style.check_lang(lang)
    s = surfaces.surface(surface, **parse_assignments("--surface-param", surface_params))
    sizes = command.grid_spec(grid)
    bar = LazyProgress("basins", sizes * sizes if isinstance(sizes, int) else sizes[0] * sizes[1])
    try:
        b = maps.basins(s, optimizer, sizes, steps=_number("--steps", steps, int), lr=_number("--lr", lr),
                        tile=_number("--tile", tile, int), client=scheduler,
                        progress=lambda done, total: bar(done), **parse_assignments("--set", fixed))
    finally:
        bar.close()
    _map_output(b, output, lang, size, surface=s)


@cli.command("landscape")
@click.option("--data", default="moons", show_default=True, help="A data set: regression, moons or spirals.")
@click.option("--model", default=None, metavar="SIZES",
              help="The MLP's layer sizes, e.g. 2,16,16,1 (default: the data's inputs, 16, 16, 1).")
@click.option("--activation", default="tanh", show_default=True, help="tanh or relu.")
@click.option("--loss", default=None, help="mse or cross-entropy (default: by the data).")
@click.option("--optimizer", default="adam", show_default=True, metavar="NAME[,NAME...]",
              help="One path per optimizer, all from the same start.")
@click.option("--lr", default=None, metavar="LR[,LR...]", help="Learning rate: one, or one per optimizer.")
@click.option("--steps", "-n", default="500", show_default=True, help="Training steps of every path.")
@click.option("--record-every", default=None, metavar="K", help="Keep every K-th step of the paths (long runs).")
@click.option("--directions", default="pca", show_default=True, help="pca, random, hessian or endpoints.")
@click.option("--grid", default="51", show_default=True, metavar="N|NX,NY", help="Points per axis.")
@click.option("--span", default=None, metavar="S|XMIN,XMAX,YMIN,YMAX",
              help="The plane's extent (default: the paths' extent for pca/endpoints, else ±1); "
                   "for interpolation ALO,AHI of α (default -0.5,1.5).")
@click.option("--seed", default="0", show_default=True, help="Seeds the data, the weights and random directions.")
@click.option("--lang", default="en", help="Label language: en or zh.")
@click.option("--kind", default="contour", show_default=True, help="contour, surface, both, interpolation or gif.")
@click.option("--save", default=None, metavar="FILE.npz", help="Also write the landscape's arrays.")
@click.option("--scheduler", default=None, metavar="ADDRESS|FILE", help="Run the grid's tiles on a Dask scheduler.")
@click.option("--output", "-o", required=True, metavar="FILE",
              help="A .png, .svg or .pdf figure (a .gif for gif), or .npz data.")
def landscape_cmd(output, scheduler, **options):
    """Train a small network and draw its loss landscape with the paths: gdviz landscape -o land.png."""
    from .landscapes import command

    bars = []

    def progress(done, total):
        if not bars:
            bars.append(LazyProgress("landscape", total))
        bars[0](done)

    try:
        picture, stored, rows = command.run(output=output, progress=progress, client=scheduler, **options)
    finally:
        for bar in bars:
            bar.close()
    _print_table("landscape", dict(rows))
    console.print(f"wrote {shown(picture)}" + (f" and {shown(stored)}" if stored is not None else ""))


def _map_output(result, output, lang, size, **figure_options):
    """Print the summary and write the figure or the .npz of a Map or Basins."""
    from .maps import Map, command

    _print_table("map" if isinstance(result, Map) else "basins", dict(command.summary(result)))
    if Path(output).suffix.lower() == ".npz":
        path = command.save_npz(result, output)
    else:
        from .render import figures
        from .render.figures.maps import map_figure

        path = figures.save(map_figure(result, lang=lang, size=size, **figure_options), output)
    console.print(f"wrote {shown(path)}")


class BuildFailed(Exception):
    """Some gallery entries failed (each already reported); exit code 1."""


@cli.command("build")
@click.argument("spec", required=False)
@click.option("--out", default="output", show_default=True, help="Output folder.")
@click.option("--jobs", "-j", default=None, help="Parallel renders (default: the number of cores).")
@click.option("--only", multiple=True, metavar="NAME", help="Render only these entries (repeat, or a,b).")
@click.option("--force", is_flag=True, help="Render everything again, ignoring the cache.")
@click.option("--lang", default="all", show_default=True, help="en, zh or all.")
@click.option("--no-index", is_flag=True, help="Do not write index.html.")
@click.option("--strict", is_flag=True,
              help="Fail an entry whose picture makes a claim its runs do not bear out "
                   "(default for the built-in gallery).")
@click.option("--overwrite", is_flag=True, help="Replace files another spec built into the folder (else refused).")
@click.option("--allow-outside-paths", is_flag=True,
              help="Let the spec's data files be absolute paths or lie outside its folder ('..').")
def build_cmd(spec, out, jobs, only, force, lang, no_index, strict, overwrite, allow_outside_paths):
    """Render a gallery (default: the built-in "Reducing Loss" course) with an index page."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .gallery import build as build_gallery
    from .style import LANGS

    if lang not in (*LANGS, "all"):
        raise UserInputError(f"unknown language '{lang}'; choose from: en, zh, all")
    langs = LANGS if lang == "all" else (lang,)
    names = [n.strip() for item in only for n in item.split(",") if n.strip()] or None
    n_jobs = None if jobs is None else _number("--jobs", jobs, int)
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = None

    def progress(done, total, current):
        nonlocal task
        if task is None:
            if not total:
                return
            bar.start()
            task = bar.add_task("", total=total)
        bar.update(task, completed=done, description=f"rendering {current}" if done < total else "done")

    try:
        result = build_gallery(spec, out, jobs=n_jobs, only=names, force=force, langs=langs, progress=progress,
                               write_index=not no_index, strict=True if strict else None, overwrite=overwrite,
                               allow_outside_paths=allow_outside_paths,
                               on_wait=lambda: click.echo(f"gdviz: waiting for another gdviz build into "
                                                          f"'{printable(out)}' to finish", err=True))
    finally:
        if task is not None:
            bar.stop()
    for line in result.warnings:
        click.echo(f"gdviz: warning: {printable(line)}", err=True)
    console.print(f"{len(result.rendered)} rendered, {len(result.cached)} cached, {len(result.failed)} failed "
                  f"in {result.seconds:.1f} s" + f" -> {shown(result.index or out)}")
    if result.failed:
        for file, message in result.failed.items():
            click.echo(f"gdviz: failed: {printable(file)}: {printable(message.splitlines()[0])}", err=True)
        raise BuildFailed


@cli.command("slides")
@click.argument("deck", required=False)
@click.option("--output", "-o", "out", default="slides", show_default=True, metavar="DIR",
              help="The slide folder (manim-slides' format: DIR/deck-LANG.json and its videos).")
@click.option("--lang", default=None, help="en or zh (default: the deck's lang, else en).")
@click.option("--to", default=None, help="Also convert: html (offline reveal.js), pdf, pptx or beamer (deck-LANG.tex).")
@click.option("--jobs", "-j", default=None, help="Parallel renders of the gallery entries (default: the cores).")
def slides_cmd(deck, out, lang, to, jobs):
    """A slide deck of gallery entries (default: the course deck), for manim-slides or converted."""
    from . import slides

    if to is not None and to not in slides.TARGETS:
        raise UserInputError(f"unknown --to '{to}'; choose from: {', '.join(slides.TARGETS)}")
    if lang is not None and lang not in ("en", "zh"):
        raise UserInputError(f"unknown language '{lang}'; choose from: en, zh")
    n_jobs = None if jobs is None else _number("--jobs", jobs, int)
    bars = {}

    def progress(stage, done, total):
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = LazyProgress(f"{'rendering' if stage == 'pictures' else 'encoding'} {stage}", total)
        bars[stage](done)

    try:
        result = slides.make(deck, out, lang=lang, to=to, jobs=n_jobs, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    n = sum(len(s.videos) for s in result.slides) if to != "beamer" else len(result.slides)
    console.print(f"{n} slides -> {shown(result.output or result.config)}")
    if to != "beamer":
        console.print(f"present: manim-slides present --folder {shown(out)} {result.scene}")


def _print_table(title, rows):
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for name, line in rows.items():
        table.add_row(name, line)
    console.print(table)


def main(argv=None) -> int:
    """Entry point: run the CLI, turning user mistakes into one line and exit code 2."""
    from . import stdio
    from .interrupt import install

    install()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if not [a for a in args if a != "--debug"]:
        args.append("--help")
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            try:
                cli.main(args=args, prog_name="gdviz", standalone_mode=False)
            finally:
                _report_warnings(caught, debug)
    except UserInputError as e:
        if debug:
            raise
        click.echo(f"gdviz: error: {printable(e)}", err=True)
        return 2
    except OutputError as e:   # a write or the encoder failed (a full disk...): the render failed
        if debug:
            raise
        click.echo(f"gdviz: error: {printable(e)}", err=True)
        return 1
    except click.UsageError as e:
        if debug:
            raise
        click.echo(f"gdviz: error: {printable(e.format_message())}", err=True)
        return 2
    except BuildFailed:
        return 1
    except click.Abort as e:  # click turns KeyboardInterrupt (and our SIGTERM) into Abort
        from .interrupt import Terminated

        cause = e.__cause__ or e.__context__
        stopped = isinstance(cause, Terminated)
        click.echo("gdviz: stopped" if stopped else "gdviz: interrupted", err=True)
        return 128 + cause.signum if stopped else 130
    except KeyboardInterrupt as e:
        from .interrupt import Terminated

        click.echo("gdviz: stopped" if isinstance(e, Terminated) else "gdviz: interrupted", err=True)
        return 128 + e.signum if isinstance(e, Terminated) else 130
    except click.exceptions.Exit as e:
        return e.exit_code
    except stdio.StdoutFailed as e:   # closed, full, or a pipe whose reader left
        return stdio.report(e)
    except Exception as e:  # a bug, not a user mistake: say so briefly
        from .files import too_long

        message = too_long(e)   # a path the OS refuses (an input, or a folder to make)
        if message and not debug:
            click.echo(f"gdviz: error: {printable(message)}", err=True)
            return 2
        if debug:
            raise
        click.echo(f"gdviz: internal error: {type(e).__name__}: {printable(e)} (run with --debug for the traceback)",
                   err=True)
        return 1
    return 0


def _report_warnings(caught, debug: bool):
    """gdviz's own warnings (a missing CJK font) as one line each; library warnings only with
    --debug (the numbers they might warn about are already checked and kept finite)."""
    seen = set()
    for w in caught:
        ours = w.category.__name__ == "MissingFontWarning"  # gdviz.render.mpl's (not imported here)
        if (ours or debug) and str(w.message) not in seen:
            seen.add(str(w.message))
            click.echo(f"gdviz: warning: {printable(w.message)}", err=True)


def console_entry():
    """The ``gdviz`` console script: run, flush, and leave without Python's slow teardown of
    every imported module (about 0.1 s once matplotlib is loaded). Files are already complete:
    every output is written to a temporary file and renamed before this point. Standard output
    closed, full or a closed pipe: see gdviz.stdio."""
    from . import stdio

    stdio.guard()
    stdio.leave(main())


if __name__ == "__main__":
    console_entry()
