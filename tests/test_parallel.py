"""The parallel runner: every way an isolated process can end is its own item's result, never the caller's crash.

Real forked processes, really killed: SIGKILL from outside, a segfault, an exception, an exit without a result,
the memory limit, the time limit. The other items are computed all the same.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kadossier.utils.parallel import isolated_imap, parallel_map


def _work(_: None, item: str) -> str | None:
    """A job that does what its name says."""
    if item == "segfault":
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    elif item == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif item == "abort":
        os.abort()
    elif item == "exit":
        os._exit(3)
    elif item == "raise":
        raise ValueError("no such account")
    elif item == "memory":
        hog = bytearray(512 * 2**20)  # over the 64 MiB limit
        return str(len(hog))
    elif item == "sleep":
        time.sleep(60)
    elif item == "none":
        return None
    elif item == "big":
        return "x" * 5_000_000  # more than a pipe holds: the parent must read while the child writes
    return f"made {item}"


def _run(items: list[str], **options: object) -> dict[str, object]:
    return dict(isolated_imap(_work, items, context=None, jobs=2, **options))  # type: ignore[arg-type]


def test_results_come_back_for_every_item() -> None:
    results = _run(["a", "b", "none", "c", "big"], timeout=60)
    assert results == {"a": "made a", "b": "made b", "none": None, "c": "made c", "big": "x" * 5_000_000}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("segfault", r"the renderer was killed by SIGSEGV \(a crash in a C library\)"),
        ("sigkill", r"the renderer was killed by SIGKILL"),
        ("abort", r"the renderer was killed by SIGABRT"),
        ("exit", r"the renderer exited with status 3 without a result"),
        ("raise", r"the renderer failed: ValueError: no such account"),
        ("memory", r"over the memory limit for one PDF \(64 MiB\)|killed by SIG"),
    ],
)
def test_a_process_that_dies_fails_its_own_item_only(item: str, message: str) -> None:
    results = _run(["before", item, "after"], timeout=60, memory=64 * 2**20)
    assert results["before"] == "made before" and results["after"] == "made after"
    assert isinstance(results[item], str) and re.search(message, results[item]), results[item]


def test_a_process_over_its_time_is_stopped() -> None:
    started = time.monotonic()
    results = _run(["sleep", "a"], timeout=1.5)
    assert results == {"sleep": "stopped after 1.5 s (the time limit for one PDF)", "a": "made a"}
    assert time.monotonic() - started < 30


def _kill_me_from_outside(_: None, item: str) -> str:
    Path(item).write_text(str(os.getpid()))
    time.sleep(60)
    return "not killed"


def test_a_process_killed_from_outside_fails_its_item(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    with ThreadPoolExecutor(1) as consumer:  # the generator runs in a thread, the test kills its child
        results = consumer.submit(
            lambda: dict(isolated_imap(_kill_me_from_outside, [str(marker)], context=None, jobs=1, timeout=60))
        )
        deadline = time.monotonic() + 30
        while not marker.exists() or not marker.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.01)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        assert results.result(timeout=30) == {
            str(marker): "the renderer was killed by SIGKILL (the system's out-of-memory killer, or another process)"
        }


def _sleep_or_not(_: None, item: str) -> str:
    if item != "quick":
        Path(item).write_text(str(os.getpid()))
        time.sleep(60)
    return item


def test_a_consumer_that_stops_early_leaves_no_process_behind(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    results = isolated_imap(_sleep_or_not, [str(marker), "quick"], context=None, jobs=2, timeout=60)
    assert next(results) == ("quick", "quick")
    deadline = time.monotonic() + 30
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.01)
    pid = int(marker.read_text())
    results.close()  # the consumer gives up (an exception, ^C): the sleeping child is killed and reaped
    assert not Path(f"/proc/{pid}").exists()


def test_parallel_map_keeps_the_order() -> None:
    items = [str(i) for i in range(200)]
    assert parallel_map(_work, items, context=None, jobs=2) == [f"made {i}" for i in items]
