"""The parallel runner passes each function its context explicitly, to forked workers too (inherited, not
pickled). Deaths, time and memory limits of isolated processes are covered in tests/test_parallel.py."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from kadossier.utils.parallel import PARALLEL_FROM, isolated_imap, parallel_map


@dataclass
class Context:
    """A context that pickle refuses (it holds a lock): it reaches the workers only by being inherited."""

    prefix: str
    parent: int = field(default_factory=os.getpid)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _tag(context: Context, item: int) -> tuple[str, bool]:
    return f"{context.prefix}{item}", os.getpid() != context.parent


def test_parallel_map_gives_forked_workers_the_context() -> None:
    items = list(range(PARALLEL_FROM * 2))
    results = parallel_map(_tag, items, context=Context("item "), jobs=2)
    assert [text for text, _ in results] == [f"item {i}" for i in items]
    assert all(forked for _, forked in results)  # each computed in a worker, with the unpicklable context


def test_parallel_map_below_the_threshold_runs_here_with_the_context() -> None:
    results = parallel_map(_tag, [1, 2], context=Context("n"), jobs=2)
    assert results == [("n1", False), ("n2", False)]


def test_isolated_imap_gives_each_process_the_context() -> None:
    results = dict(isolated_imap(_tag, [1, 2, 3], context=Context("x"), jobs=2, timeout=60))
    assert results == {1: ("x1", True), 2: ("x2", True), 3: ("x3", True)}
