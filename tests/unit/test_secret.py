"""The feeds' secret (kadossier.workspace.secret): made once, agreed on by racing builds, refused when unsafe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kadossier.errors import KadossierError
from kadossier.workspace.secret import SECRET_ENV, SECRET_FILE, feed_path, feed_secret

ROOT = Path(__file__).resolve().parents[2]
READ = "import sys; from pathlib import Path; from kadossier.workspace.secret import feed_secret; " \
    "sys.stdout.write(feed_secret(Path(sys.argv[1])).decode())"  # fmt: skip


def test_racing_processes_agree_on_one_secret(tmp_path: Path) -> None:
    for round_ in range(5):
        folder = tmp_path / str(round_)
        folder.mkdir()
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", READ, str(folder)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={"PYTHONPATH": str(ROOT)},
            )
            for _ in range(6)
        ]
        outputs = [run.communicate() for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        secrets = {out for out, _ in outputs}
        assert len(secrets) == 1 and len(secrets.pop()) == 64
        assert [p.name for p in folder.iterdir()] == [SECRET_FILE]  # no temporary file left behind


def test_the_secret_is_kept_and_moves_the_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    first = feed_secret(tmp_path)
    assert feed_secret(tmp_path) == first
    path = feed_path(first, "zhou-min")
    assert path.startswith("calendars/") and path.endswith("/zhou-min.ics") and len(path.split("/")[1]) == 32
    monkeypatch.setenv(SECRET_ENV, "another secret of enough length")
    assert feed_path(feed_secret(tmp_path), "zhou-min") != path


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda p: (p / SECRET_FILE).write_text("short\n"), "expected one line of at least 16 characters"),
        (lambda p: (p / SECRET_FILE).write_text(""), "expected one line of at least 16 characters"),
        (lambda p: (p / SECRET_FILE).mkdir(), "cannot read the feeds' secret"),
        (lambda p: (p / SECRET_FILE).symlink_to(p / "nowhere"), "a link to nothing"),
    ],
)
def test_an_unusable_secret_file_is_refused_with_its_path(tmp_path: Path, setup, expected: str) -> None:  # type: ignore[no-untyped-def]
    setup(tmp_path)
    with pytest.raises(KadossierError) as raised:
        feed_secret(tmp_path)
    assert expected in str(raised.value) and SECRET_FILE in str(raised.value)


def test_a_short_secret_in_the_environment_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "x")
    with pytest.raises(KadossierError, match=SECRET_ENV):
        feed_secret(tmp_path)
    assert not (tmp_path / SECRET_FILE).exists()
