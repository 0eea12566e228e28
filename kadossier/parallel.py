"""Map a function over many items in forked worker processes, one per core, when there are enough items.

Forked workers inherit what the parent has built (compiled templates, a `Site`), so only the items and
the results cross between processes. `parallel_map` workers are short-lived and run without the cyclic
collector; `isolated_imap` forks one process per item, for long jobs that need limits (PDF renders).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.connection import wait
from typing import Any, TypeVar

PARALLEL_FROM = 64
"""Below this many items, starting workers costs more than it saves."""

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    func: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None, at_least: int = PARALLEL_FROM
) -> list[R]:
    """Return `[func(item) for item in items]`, computed by `jobs` workers (default: one per core)."""
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(items) < at_least:
        return [func(item) for item in items]
    chunk = max(1, len(items) // (jobs * 4))
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=gc.disable) as pool:
        return list(pool.map(func, items, chunksize=chunk))


def isolated_imap(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    timeout: float | None = None,
    memory: int | None = None,
) -> Iterator[tuple[T, R | str]]:
    """Yield `(item, func(item))` as each finishes, each item in a process of its own forked for it.

    At most `jobs` run at once. A process that runs longer than `timeout` seconds is killed, one that asks
    for more than `memory` bytes (beyond what it inherited) gets a MemoryError, and one that dies: each
    fails its own item only, reported as a message string instead of a result.
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    ctx = get_context("fork")
    pending = list(items)
    running: dict[Any, tuple[T, Any, Any, float]] = {}
    # Everything this process holds now is frozen out of the cyclic collector: a child's collections then
    # scan only what the child made, instead of walking (and copying, page by page) the inherited heap.
    # (No gc.collect() first: on a thousand accounts' heap it costs a third of a second.)
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                item = pending.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_isolated, args=(func, item, send, memory), daemon=True)
                process.start()
                send.close()
                deadline = time.monotonic() + timeout if timeout else float("inf")
                running[process.sentinel] = (item, process, receive, deadline)
            soonest = min(d for _, _, _, d in running.values())
            wait(list(running), timeout=None if soonest == float("inf") else max(0.0, soonest - time.monotonic()))
            now = time.monotonic()
            for sentinel, (item, process, receive, deadline) in list(running.items()):
                if process.exitcode is None and now < deadline:
                    continue
                del running[sentinel]
                if process.exitcode is None:  # over time: stop it, whatever it is doing
                    process.kill()
                    process.join()
                    receive.close()
                    yield item, f"stopped after {timeout:g} s (the time limit for one PDF)"
                    continue
                process.join()
                died = f"the renderer died (exit status {process.exitcode})"
                result: R | str = receive.recv() if receive.poll() else died
                receive.close()
                yield item, result
    finally:
        gc.unfreeze()


def _isolated(func: Callable[[Any], Any], item: Any, send: Any, memory: int | None) -> None:
    if memory:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            used = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:")), 0)
        resource.setrlimit(resource.RLIMIT_DATA, (used + memory, resource.RLIM_INFINITY))
    try:
        result = func(item)
    except MemoryError:
        result = f"over the memory limit for one PDF ({memory // 2**20 if memory else 0} MiB)"
    send.send(result)
    send.close()
