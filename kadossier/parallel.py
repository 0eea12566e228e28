"""Map a function over many items in forked worker processes, one per core, when there are enough items.

Forked workers inherit what the parent has built (compiled templates, a `Site`), so only the items and
the results cross between processes. `parallel_map` workers are short-lived and run without the cyclic
collector; `parallel_imap` workers, for long jobs, keep it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import TypeVar

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


def parallel_imap(
    func: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None, at_least: int = 2
) -> Iterator[tuple[T, R | Exception]]:
    """Yield `(item, func(item))` as each finishes, computed by `jobs` workers (default: one per core).

    A worker that dies (killed, out of memory, crashed in a C library) fails its own items with the
    exception instead of ending the whole map; `func` itself should return, not raise, its failures.
    These workers keep the cyclic garbage collector: they are meant for long jobs (a WeasyPrint render
    leaves cycles behind, and a worker renders hundreds).
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(items) < at_least:
        for item in items:
            yield item, func(item)
        return
    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=get_context("fork")) as pool:
        futures = {pool.submit(func, item): item for item in items}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception as exc:  # a dead worker fails its item, not the build
                yield futures[future], exc
