"""A small pool of worker processes for the gallery build, talking over pipes.

Why not ``concurrent.futures``: there a worker that dies breaks the whole pool (every pending
entry fails with ``BrokenProcessPool``), and its queues use semaphores that leak when the
parent is killed. Here each worker has its own pipe, so a death is attributed to the one task
it was running and a fresh worker takes its place; workers are spawned (no copied threads or
global state), die with their parent (``PR_SET_PDEATHSIG``: SIGTERM, so they remove their
temporary files), and leave nothing behind.

    >>> for key, result in run_tasks(render, [("a.png", (entry, "en")), ...], jobs=2):
    ...     print(key, result)
"""
from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.connection import wait

from ..interrupt import child_signals

DIED = "the worker rendering it died ({how}); the other entries went on"


def _worker(conn, fn):
    """A worker's life: die with the parent, then run tasks until told to stop (None)."""
    from ..interrupt import die_with_parent, install_worker

    die_with_parent(signal.SIGTERM)
    install_worker()
    try:
        while True:
            task = conn.recv()
            if task is None:
                break
            key, args = task
            conn.send((key, fn(*args)))
    except (EOFError, OSError):   # the parent went away
        pass
    except KeyboardInterrupt as e:   # stopped mid-render (its temporary files are gone): quietly
        raise SystemExit(128 + getattr(e, "signum", signal.SIGINT)) from None


class _Worker:
    def __init__(self, ctx, fn):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, fn), daemon=True)
        with child_signals():   # Ctrl-C is ignored from its first instant (no traceback while it starts)
            self.proc.start()
        child.close()
        self.key = None

    def stop(self, timeout: float = 30):
        """Ask it to finish (SIGTERM: it removes its temporary files), then wait."""
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_tasks(fn, tasks, jobs: int, *, died=None):
    """Run ``fn(*args)`` for every ``(key, args)`` in ``tasks`` in ``jobs`` spawned processes;
    yield ``(key, result)`` as each finishes. A task whose worker dies yields
    ``died(key, how)`` (default: an error text) and a new worker carries on with the rest.
    Interrupted (Ctrl-C, SIGTERM), the workers are stopped before the exception goes on."""
    ctx = multiprocessing.get_context("spawn")
    todo = list(tasks)
    workers = [_Worker(ctx, fn) for _ in range(min(jobs, len(todo)))]
    try:
        idle = list(workers)
        busy = {}
        while todo or busy:
            while idle and todo:
                w = idle.pop()
                w.key, args = todo.pop(0)
                w.conn.send((w.key, args))
                busy[w.conn] = w
                busy[w.proc.sentinel] = w
            for ready in wait(list(busy)):
                w = busy.get(ready)
                if w is None or w.key is None:
                    continue
                key = w.key
                try:
                    if ready is w.conn or w.conn.poll():
                        _, result = w.conn.recv()
                    else:
                        raise EOFError
                except (EOFError, OSError):   # it died on this task
                    w.proc.join(5)
                    code = w.proc.exitcode
                    how = f"signal {-code}" if code and code < 0 else f"exit code {code}"
                    result = died(key, how) if died else DIED.format(how=how)
                    del busy[w.conn], busy[w.proc.sentinel]
                    w.stop(1)
                    workers.remove(w)
                    w = _Worker(ctx, fn)
                    workers.append(w)
                    idle.append(w)
                    yield key, result
                    continue
                del busy[w.conn], busy[w.proc.sentinel]
                w.key = None
                idle.append(w)
                yield key, result
        for w in workers:
            w.conn.send(None)
        for w in workers:
            w.proc.join(10)
    finally:
        for w in workers:
            w.stop()
