"""Map a function over many items in forked worker processes, one per core, when there are enough items.

The function gets its context explicitly: `parallel_map(func, items, context=ctx)` computes
`func(ctx, item)` for each item. The context (compiled templates, a `Site`, a renderer) goes to the workers
as an argument of the process they run in (the pool's initializer, or the process's own arguments), which
with the fork start method is inherited, never pickled; only the items and the results cross between
processes. `parallel_map` workers are short-lived and run without the cyclic collector; `isolated_imap`
forks one process per item, for long jobs that need limits (PDF renders).
"""

from __future__ import annotations

import gc
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from kadossier.i18n import tr

PARALLEL_FROM = 64
"""Below this many items, starting workers costs more than it saves."""

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    func: Callable[[C, T], R],
    items: Sequence[T],
    *,
    context: C,
    jobs: int | None = None,
    at_least: int = PARALLEL_FROM,
) -> list[R]:
    """Return `[func(context, item) for item in items]`, computed by `jobs` workers (default: one per core).

    `func` must be a module-level function (the pool names it to the workers); `context` is inherited by
    each worker when it is forked, so it may be large or unpicklable.
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(items) < at_least:
        return [func(context, item) for item in items]
    chunk = max(1, len(items) // (jobs * 4))
    fork = get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=fork, initializer=_enter, initargs=(context,)) as pool:
        return list(pool.map(partial(_call, func), items, chunksize=chunk))


class _Worker:
    """The context of this pool worker process, set by its initializer (in the parent it stays unset)."""

    context: Any = None


def _enter(context: Any) -> None:
    """Start a pool worker: keep its context, and run without the cyclic collector (it is short-lived)."""
    gc.disable()
    _Worker.context = context


def _call(func: Callable[[Any, T], R], item: T) -> R:
    return func(_Worker.context, item)


def isolated_imap(
    func: Callable[[C, T], R],
    items: Sequence[T],
    *,
    context: C,
    jobs: int | None = None,
    timeout: float | None = None,
    memory: int | None = None,
) -> Iterator[tuple[T, R | str]]:
    """Yield `(item, func(context, item))` as each finishes, each item in a process of its own forked for it.

    The item and `context` are inherited by the process (neither is pickled); its result comes back pickled.

    At most `jobs` run at once. Whatever happens to a process fails its own item only, reported as a message
    string instead of a result: it runs longer than `timeout` seconds (it is killed), asks for more than
    `memory` bytes beyond what it inherited (a MemoryError, or death in a C library that cannot get it),
    raises, or dies (killed by a signal, a crash, an exit without a result).
    """
    jobs = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    fork = get_context("fork")
    pending = deque(items)
    running: list[_Child[T]] = []
    # Everything this process holds now is frozen out of the cyclic collector: a child's collections then
    # scan only what the child made, instead of walking (and copying, page by page) the inherited heap.
    # (No gc.collect() first: on a thousand accounts' heap it costs a third of a second.)
    gc.freeze()
    try:
        while pending or running:
            while pending and len(running) < jobs:
                running.append(_Child.start(fork, func, context, pending.popleft(), timeout, memory))
            soonest = min(child.deadline for child in running)
            ready = wait(
                [c.process.sentinel for c in running] + [c.receive for c in running if not c.received],
                timeout=None if soonest == math.inf else max(0.0, soonest - time.monotonic()),
            )
            for child in running:
                if child.receive in ready:
                    child.read()
            now = time.monotonic()
            for child in [c for c in running if c.process.exitcode is not None or now >= c.deadline]:
                running.remove(child)
                yield child.item, child.finish(timeout, memory)
    finally:
        for child in running:  # the consumer stopped early: leave no process behind
            child.stop()
        gc.unfreeze()


@dataclass
class _Child(Generic[T]):
    """One item's process and the pipe its result comes back on."""

    item: T
    process: Any
    receive: Connection
    deadline: float
    received: bool = False
    result: Any = None

    @classmethod
    def start(
        cls, fork: Any, func: Callable[[Any, T], Any], context: Any, item: T, timeout: float | None, memory: int | None
    ) -> _Child[T]:
        receive, send = fork.Pipe(duplex=False)
        process = fork.Process(target=_isolated, args=(func, context, item, send, memory), daemon=True)
        process.start()
        send.close()
        return cls(item, process, receive, time.monotonic() + timeout if timeout else math.inf)

    def read(self) -> None:
        """Take the result off the pipe; at end of file (the process died first) there is none."""
        self.received = True
        try:
            self.result = _Result(self.receive.recv())
        except (EOFError, OSError):
            self.result = None
        except Exception as exc:  # a result that cannot be unpickled is the item's failure, not the caller's
            self.result = _Result(
                tr("the result could not be read ({kind}: {error})", kind=type(exc).__name__, error=exc)
            )

    def stop(self) -> None:
        """Kill the process, whatever it is doing, and release its pipe."""
        self.process.kill()
        self.process.join()
        self.receive.close()

    def finish(self, timeout: float | None, memory: int | None) -> Any:
        """The item's result, or the message that says why there is none."""
        if self.process.exitcode is None:  # over time
            self.stop()
            return tr("stopped after {seconds} s (the time limit for one PDF)", seconds=format(timeout, "g"))
        self.process.join()
        if not self.received and self.receive.poll():
            self.read()
        self.receive.close()
        if isinstance(self.result, _Result):
            return self.result.value
        if self.process.exitcode == _NO_MEMORY:
            return _over_memory(memory)
        return _death(self.process.exitcode)


@dataclass(frozen=True, slots=True)
class _Result:
    """What a process sent back (a wrapper, since the result itself may be None)."""

    value: Any


def _death(exitcode: int) -> str:
    """Say how a process that sent no result ended."""
    if exitcode >= 0:
        return tr("the renderer exited with status {status} without a result", status=exitcode)
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        return tr("the renderer was killed by signal {number}", number=-exitcode)
    if name == "SIGKILL":
        return tr(
            "the renderer was killed by {signal} (the system's out-of-memory killer, or another process)", signal=name
        )
    if name in ("SIGSEGV", "SIGBUS"):
        return tr("the renderer was killed by {signal} (a crash in a C library)", signal=name)
    if name == "SIGABRT":
        return tr("the renderer was killed by {signal} (a C library gave up, often for want of memory)", signal=name)
    return tr("the renderer was killed by {signal}", signal=name)


_NO_MEMORY = 86
"""The exit status of a process that ran out of memory so badly that it could not even send that back."""


def _isolated(func: Callable[[Any, Any], Any], context: Any, item: Any, send: Connection, memory: int | None) -> None:
    over = _over_memory(memory)  # made before the limit: there may be no memory for it after
    # An object whose finalizer fails when memory runs out prints "Exception ignored ... Traceback" on stderr;
    # this process's outcome is what it sends (or its exit status), so those are not shown.
    sys.unraisablehook = _ignore
    status = 0
    try:
        if memory:
            import resource

            with open("/proc/self/status", encoding="ascii") as proc:
                used = next((int(line.split()[1]) * 1024 for line in proc if line.startswith("VmData:")), 0)
            resource.setrlimit(resource.RLIMIT_DATA, (used + memory, resource.RLIM_INFINITY))
        try:
            result = func(context, item)
        except MemoryError:
            result = over
        except BaseException as exc:  # whatever it is, it is this item's failure, said in one line
            result = tr("the renderer failed: {kind}: {error}", kind=type(exc).__name__, error=exc)
        send.send(result)
    except MemoryError:
        status = _NO_MEMORY
    except BaseException:
        status = 1
    finally:
        # No interpreter teardown (atexit, thread and executor shutdown, inherited from the parent): in a process
        # at its memory limit it only fails again, printing pages of "Exception ignored" and a fatal error.
        os._exit(status)


def _ignore(unraisable: Any) -> None:
    """Drop an exception raised where nobody can catch it (a finalizer)."""


def _over_memory(memory: int | None) -> str:
    return tr("over the memory limit for one PDF ({mib} MiB)", mib=memory // 2**20 if memory else 0)
