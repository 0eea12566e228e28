"""Every fixture dossier gives exactly the problems listed in its trailing `# expect:` comment lines.

`tests/fixtures/valid/` files must have no errors (red flags allowed); `tests/fixtures/invalid/` files
must have at least one error. Run pytest with --update-goldens to rewrite the expectations after a
deliberate change of messages, then review the diff.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kadossier.dossier.validate import check_file
from tests.conftest import FIXTURES, TODAY

MARK = b"# expect: "
CASES = sorted((FIXTURES / "valid").glob("*.yaml")) + sorted((FIXTURES / "invalid").glob("*.yaml"))


def _split(raw: bytes) -> tuple[bytes, list[str]]:
    """Return the file without its expectation lines, and the expected problems."""
    lines = raw.splitlines(keepends=True)
    body = [line for line in lines if not line.startswith(MARK)]
    expected = [line[len(MARK) :].decode("utf-8").rstrip("\r\n") for line in lines if line.startswith(MARK)]
    return b"".join(body), expected


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_gives_exactly_its_expected_problems(path: Path, update_goldens: bool) -> None:
    started = time.perf_counter()
    result = check_file(path, TODAY, name="")
    elapsed = time.perf_counter() - started
    got = [str(p)[1:] for p in result.problems]  # drop the empty path's ':'
    _body, expected = _split(path.read_bytes())
    if update_goldens:
        body, _ = _split(path.read_bytes())
        ending = b"" if body.endswith(b"\n") or not body else b"\n"
        path.write_bytes(body + ending + b"".join(MARK + line.encode("utf-8") + b"\n" for line in got))
        expected = got
    assert got == expected
    if path.parent.name == "valid":
        assert result.dossier is not None and not result.errors
    else:
        assert result.dossier is None and result.errors
    assert elapsed < 1.0, f"checking {path.name} took {elapsed:.2f} s"
