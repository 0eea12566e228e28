"""The workspace lock: held across processes, released when the holder dies, re-entrant within a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kadossier.errors import LockTimeout
from kadossier.utils import locks

HOLDER = """
import sys, time
from pathlib import Path
from kadossier.utils import locks
with locks.hold(Path(sys.argv[1]), "kadossier build in /somewhere"):
    Path(sys.argv[2]).write_text("held")
    time.sleep(120)
"""


def _hold_in_another_process(lock: Path, ready: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(ready)])
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, "the holder died"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


def test_a_held_lock_makes_another_process_wait_then_give_up_naming_the_holder(tmp_path: Path) -> None:
    lock = locks.lock_file(tmp_path, "workspace")
    process = _hold_in_another_process(lock, tmp_path / "ready")
    try:
        with pytest.raises(LockTimeout) as caught, locks.hold(lock, "test", timeout=0.3):
            pass
        assert f"process {process.pid} (kadossier build in /somewhere)" in str(caught.value)
        assert str(lock) in str(caught.value)
    finally:
        process.kill()
        process.wait()


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    lock = locks.lock_file(tmp_path, "workspace")
    process = _hold_in_another_process(lock, tmp_path / "ready")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with locks.hold(lock, "test", timeout=5):
        assert locks.holder(lock) == f"process {os.getpid()} (test)"


def test_the_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    lock = locks.lock_file(tmp_path, "workspace")
    with locks.hold(lock, "outer", timeout=0), locks.hold(lock, "inner", timeout=0):
        assert locks.holder(lock).endswith("(outer)")
    with locks.hold(lock, "again", timeout=0):
        pass


def test_a_wrong_timeout_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(locks.TIMEOUT_VARIABLE, "ten")
    with pytest.raises(locks.KadossierError, match="KADOSSIER_LOCK_TIMEOUT='ten'"):
        locks.default_timeout()
