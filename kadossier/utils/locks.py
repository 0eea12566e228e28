"""Locks that serialize kadossier processes on one workspace: one build at a time, one edit of a file at a time.

A lock is an advisory `flock` on a small file in the workspace's cache folder. The kernel releases it when
the process ends, however it ends, so a killed build or edit never leaves a stale lock behind. The holder
writes its process id and what it is doing into the file; a process that has to wait says for which
process, and gives up after a time limit with an error that names the lock file and the holder.

Locks are re-entrant within a process (`kadossier build` takes the workspace lock, then MkDocs runs the
plugin, which takes it again): a second `hold` of a lock this process holds just nests.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kadossier.errors import KadossierError, LockTimeout
from kadossier.i18n import tr
from kadossier.utils.files import CACHE_DIR, umask

log = logging.getLogger("kadossier")

LOCKS_DIR = "locks"
"""The lock files' folder, inside the workspace's cache folder (never committed)."""

TIMEOUT_VARIABLE = "KADOSSIER_LOCK_TIMEOUT"
"""Environment variable: how many seconds to wait for a lock before giving up (default DEFAULT_TIMEOUT)."""

DEFAULT_TIMEOUT = 600.0
_POLL = 0.05

_held: dict[Path, tuple[int, int]] = {}
"""The locks this process holds: lock file -> (file descriptor, nesting depth)."""


def lock_file(workspace_root: Path, name: str) -> Path:
    """The lock file called `name` of the workspace at `workspace_root`."""
    return workspace_root / CACHE_DIR / LOCKS_DIR / f"{name}.lock"


def default_timeout() -> float:
    """The time limit for waiting on a lock: KADOSSIER_LOCK_TIMEOUT seconds, or DEFAULT_TIMEOUT."""
    value = os.environ.get(TIMEOUT_VARIABLE, "")
    try:
        return max(0.0, float(value)) if value.strip() else DEFAULT_TIMEOUT
    except ValueError:
        raise KadossierError(
            tr("{variable}={value} is not a number of seconds", variable=TIMEOUT_VARIABLE, value=repr(value))
        ) from None


@contextmanager
def hold(path: Path, purpose: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock `path` for the block, waiting up to `timeout` seconds (default: `default_timeout()`).

    `purpose` says what the holder does ("kadossier build in /x"); a process that waits shows it.
    """
    key = path.absolute()
    if key in _held:
        fd, depth = _held[key]
        _held[key] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held[key]
            _held[key] = (fd, depth - 1)
        return
    fd = _open(key)
    try:
        _acquire(fd, key, default_timeout() if timeout is None else timeout)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {purpose}\n".encode(), 0)
        _held[key] = (fd, 1)
        try:
            yield
        finally:
            del _held[key]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it ("process 123 (kadossier build)"), or "" if unknown; in the
    active language, what it does in the holder's."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    pid, _, purpose = text.partition(" ")
    if not pid.isdigit():
        return ""
    return tr("process {pid} ({purpose})", pid=pid, purpose=purpose) if purpose else tr("process {pid}", pid=pid)


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666 & ~umask())
    except OSError as exc:
        raise KadossierError(
            tr("cannot create the lock file {path}: {error}", path=path, error=exc.strerror or exc)
        ) from None


def _acquire(fd: int, path: Path, timeout: float) -> None:
    if _try(fd):
        return
    who = holder(path) or tr("another kadossier process")
    log.warning(
        tr(
            "waiting for {who} to finish (lock {path}; gives up after {seconds} s)",
            who=who,
            path=path,
            seconds=format(timeout, ".0f"),
        )
    )
    deadline = time.monotonic() + timeout
    while not _try(fd):
        if time.monotonic() >= deadline:
            raise LockTimeout(
                tr(
                    "{path}: still held by {who} after {seconds} s; wait for it to finish, "
                    "or set {variable} to wait longer",
                    path=path,
                    who=holder(path) or who,
                    seconds=format(timeout, ".0f"),
                    variable=TIMEOUT_VARIABLE,
                )
            )
        time.sleep(_POLL)


def _try(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
