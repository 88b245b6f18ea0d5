"""The worker processes that draw a pack's charts: one per CPU (at most MAX_WORKERS), started from a fresh
interpreter, ending with the exporting process; $LOCALITY_WORKERS=1 draws in the calling process.

Drawing is nearly all of an export's time and each chart is independent, so the charts are drawn in
parallel; each is drawn with the pack style set afresh, so its files are the same bytes whichever process
draws it and in whichever order.
"""
from __future__ import annotations

import os
import pickle
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .export import Chart


# $LOCALITY_WORKERS sets how many processes draw a pack's charts (1: all in the calling process).
WORKERS_ENV = "LOCALITY_WORKERS"


# Each worker peaks at ~210 MB; the largest chart is about a quarter of a pack's drawing, so more workers
# than this would mostly wait for it.
MAX_WORKERS = 4


_PACKAGE = str(Path(__file__).resolve().parent)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or a check this system does not allow: leave its folder
    return True


def refuse_in_starting_worker() -> None:
    """Stop a script that calls export_pack without `if __name__ == "__main__":` from exporting again in
    each worker process, which runs the calling script anew as it starts (multiprocessing refuses to start
    processes there for the same reason). The parent then reports the broken pool with the same advice.

    A starting worker runs the script's top level under the module name `__mp_main__` (documented in
    multiprocessing's programming guidelines); a frame of that top level on the call stack is the sign."""
    import inspect

    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__mp_main__":
            raise RuntimeError("export_pack was called while a chart worker process was starting: put the call "
                               "under `if __name__ == \"__main__\":` in your script, or set LOCALITY_WORKERS=1")
        frame = frame.f_back


def render_charts(specs: list[Chart], out_dir: Path, lang: str = "vi",
                  say: Callable[[str], None] = lambda msg: None, *,
                  pool=None) -> list[tuple[Chart, dict[str, list[str]]]]:
    """Draw and save every chart at both sizes; returns (chart, {size: file names}) in the charts' order.

    Charts are drawn in worker processes, one per CPU (see `worker_count`), since drawing is nearly all of
    an export's time and each chart is independent: in `pool` (from `chart_workers`), else in a pool
    started here. Each chart is drawn with the pack style set afresh, so its files are the same bytes
    whichever process draws it and in whichever order. The first error stops the export: charts not
    started are cancelled, running ones awaited, and the error raised here as it was raised in the worker.
    """
    with ExitStack() as stack:
        picklable = _picklable(specs)
        if pool is None and picklable:
            pool = stack.enter_context(chart_workers(len(specs)))
        if pool is not None and picklable:
            results = _render_in_workers(specs, out_dir, lang, pool, say)
        else:  # one CPU, $LOCALITY_WORKERS=1, or charts drawn by local functions (a notebook's, a test's)
            results = []
            for i, spec in enumerate(specs, start=1):
                say(f"[{i}/{len(specs)}] {spec.stem}")
                results.append(_render_both(spec, out_dir, lang))
    built = []
    for spec, (files, title) in zip(specs, results):
        spec.title = title  # a worker's copy of the chart learnt it from the drawn figure
        built.append((spec, files))
    return built


def _render_both(spec: Chart, out_dir: Path, lang: str) -> tuple[dict[str, list[str]], str]:
    """One chart at both sizes, in the pack style: (file names by size, the chart's title)."""
    from .export import PACK_SIZES, pack_style, render_chart  # export imports this module

    with pack_style(lang):
        files = {size: [p.name for p in render_chart(spec, out_dir, size)] for size in PACK_SIZES}
    return files, spec.title


def worker_count(jobs: int) -> int:
    """Processes that draw the charts: $LOCALITY_WORKERS when set (1 draws in this process, for
    debugging), else one per CPU this process may use, at most MAX_WORKERS; never more than `jobs`."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(f"${WORKERS_ENV} must be a whole number of at least 1, not {env!r}")
        wanted = int(env)
    else:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        wanted = min(cpus, MAX_WORKERS)
    return max(1, min(wanted, jobs))


@contextmanager
def chart_workers(jobs: int = MAX_WORKERS):
    """A pool of worker processes for `render_charts`, starting at once; None when one process draws.

    Starting the first worker waits ~0.9 s for the fork server to import matplotlib, so a warm-up job is
    submitted from a helper thread: the caller validates and plans the charts meanwhile. The pool spawns
    no more workers than it is given jobs. Leaving the block waits for the workers (after an error too:
    they stop before the caller removes the unfinished pack).
    """
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    workers = worker_count(jobs)
    if workers < 2 or multiprocessing.current_process().daemon:  # a daemonic process may not have children
        yield None
        return
    pool = ProcessPoolExecutor(workers, mp_context=_mp_context(), initializer=_init_worker,
                               initargs=(os.getpid(),))
    starter = threading.Thread(target=pool.submit, args=(_warm_up,), name="chart-workers-start", daemon=True)
    starter.start()
    try:
        yield pool
    finally:
        starter.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _picklable(specs: list[Chart]) -> bool:
    """Whether the charts can be sent to worker processes (a chart drawn by a lambda cannot)."""
    try:
        pickle.dumps(specs)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _render_in_workers(specs: list[Chart], out_dir: Path, lang: str, pool,
                       say: Callable[[str], None]) -> list[tuple[dict[str, list[str]], str]]:
    """`_render_both` for every chart in `pool`; results in the charts' order.

    The costliest charts go first, so that the workers finish together. On any error (a worker's, or
    Ctrl-C here) charts not yet started are cancelled and the running ones awaited before the error
    propagates, so nothing writes into the pack folder once the caller removes it.
    """
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: list = [None] * len(specs)
    order = sorted(range(len(specs)), key=lambda i: -_rough_cost(specs[i]))
    say(f"Drawing {len(specs)} charts in {worker_count(len(specs))} processes …")
    try:
        futures = {pool.submit(_worker_render, specs[i], out_dir, lang, _PACKAGE): i for i in order}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()  # raises the worker's error
            say(f"[{done}/{len(specs)}] {specs[futures[future]].stem}")
    except BrokenProcessPool as exc:
        pool.shutdown(wait=True, cancel_futures=True)
        raise BrokenProcessPool(
            "a chart worker process stopped abruptly (killed, out of memory, or a script calling export_pack "
            "without `if __name__ == \"__main__\":`, which every worker runs again); "
            f"{WORKERS_ENV}=1 draws the charts in this process") from exc
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return results


def _rough_cost(spec: Chart) -> int:
    """How long a chart takes to draw, roughly: scorecards and the coverage map grow with the number of
    metrics (a panel or a row each)."""
    return spec.rows["metric_id"].nunique() if "metric_id" in spec.rows else 0


def _mp_context():
    """Worker processes start from a fresh interpreter ("forkserver", else "spawn"), never by forking this
    one: a notebook's kernel runs threads, and a forked copy of a threaded process can deadlock. The fork
    server imports the chart modules once; each worker is forked from it, ready to draw."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["helpers.workers", "helpers.export", "helpers.charts",
                                    "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
                                    "matplotlib.backends.backend_pdf"])
        return ctx
    return multiprocessing.get_context("spawn")


def _warm_up() -> None:
    """The first job of a pool: nothing to do, but submitting it starts the fork server and a worker."""


def _init_worker(parent: int | None = None) -> None:
    """A worker draws off-screen, leaves Ctrl-C to the parent, which stops the pool and removes the
    unfinished pack, and ends as soon as the exporting process is gone (killed by SIGKILL, it can stop
    nothing): a worker never outlives it nor writes into a folder the next export removes."""
    import signal
    import threading

    import matplotlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    matplotlib.use("Agg")
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.2) -> None:
    """End this worker when process `parent` has ended. Its parent process is the fork server, not the
    export, so the export's pid is watched: gone, or an orphan re-parented to init (pid reused)."""
    import time

    start_ppid = os.getppid()
    while True:
        time.sleep(every)
        if not pid_alive(parent) or os.getppid() != start_ppid:
            os._exit(1)


def _worker_render(spec: Chart, out_dir: Path, lang: str, package: str):
    """`_render_both` in a worker, after checking it runs the parent's copy of this code (an editable
    install elsewhere could otherwise draw with another checkout's charts)."""
    if _PACKAGE != package:
        raise RuntimeError(f"worker process imported helpers from {_PACKAGE}, not {package}: "
                           f"run from the project folder, or set {WORKERS_ENV}=1")
    return _render_both(spec, out_dir, lang)
