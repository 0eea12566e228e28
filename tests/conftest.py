"""Shared test setup: the fixed day the fixtures are judged on, paths, and the --update-goldens flag."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "dossiers"
PROFILES = ROOT / "competitors.yaml"
"""The example workspace's competitor profiles (its 海滨报业 refers to them)."""


def without_custom(data: Any) -> Any:
    """A dossier's data (as PyYAML reads it) without its custom fields, for a workspace that declares none."""
    if isinstance(data, dict):
        return {k: without_custom(v) for k, v in data.items() if k != "custom"}
    return [without_custom(v) for v in data] if isinstance(data, list) else data


def example_fields() -> Any:
    """The custom fields the example workspace declares (its Kestrel Robotics uses them)."""
    from kadossier.workspace.locate import open_workspace

    return open_workspace(ROOT / "mkdocs.yml").settings.custom_fields


SHARED_REFERENCE = ROOT.parent / "shared" / "reference"
TODAY = date(2026, 11, 23)
"""Every date-dependent check in the tests is judged as of this day."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite expected outputs (fixture expectations, golden files) from the current code.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the example workspace's dossiers and mkdocs.yml."""
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for path in EXAMPLES.glob("*.yaml"):
        (tmp_path / "dossiers" / path.name).write_bytes(path.read_bytes())
    (tmp_path / PROFILES.name).write_bytes(PROFILES.read_bytes())
    return tmp_path


def build(workspace: Path, *args: str, pdf: bool = False) -> Path:
    """Build a workspace's site with `kadossier build` as of TODAY (PDFs only if asked); fail the test if the
    build fails."""
    from click.testing import CliRunner

    from kadossier.cli import main

    options = [*args] if pdf else [*args, "--no-pdf"]
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", *options], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return workspace / "site"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace's site with its PDFs, built once with --strict."""
    return build(example_workspace(tmp_path_factory.mktemp("example")), "--strict", pdf=True)


def zh_reference_workspace(folder: Path) -> Path:
    """`kadossier init --language zh` in `folder` with the two reference dossiers instead of the example one."""
    from click.testing import CliRunner

    from kadossier.cli import main

    result = CliRunner().invoke(main, ["init", str(folder), "--language", "zh", "--owner", "林强"])
    assert result.exit_code == 0, result.output
    for path in (folder / "dossiers").glob("*.yaml"):
        path.unlink()
    for name in ("shenyang-daily.yaml", "northwind-grid.yaml"):
        (folder / "dossiers" / name).write_bytes((SHARED_REFERENCE / name).read_bytes())
    return folder


def example_workspace(folder: Path) -> Path:
    """A copy of the example workspace's mkdocs.yml and dossiers in `folder`."""
    (folder / "dossiers").mkdir()
    (folder / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    for path in EXAMPLES.glob("*.yaml"):
        (folder / "dossiers" / path.name).write_bytes(path.read_bytes())
    (folder / PROFILES.name).write_bytes(PROFILES.read_bytes())
    return folder


@contextmanager
def http_listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records the path of every request: (its URL, the paths)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()


@contextmanager
def git_calls(folder: Path) -> Iterator[Path]:
    """Record every git command this process and its children run in the block (a shim first on PATH that
    logs its arguments, then runs the real git); yield the log file, one command per line."""
    log = folder / "git-calls"
    real = shutil.which("git")
    shim = folder / "bin"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n', encoding="utf-8")
    (shim / "git").chmod(0o755)
    saved = os.environ["PATH"]
    os.environ["PATH"] = f"{shim}:{saved}"
    try:
        yield log
    finally:
        os.environ["PATH"] = saved


def git(repo: Path, *args: str, author: str = "Alice Admin", day: str = "2026-11-01", time: str = "09:00:00") -> str:
    """Run git in `repo` as `author`, its commits dated `day` at `time` (UTC+8); return what it printed."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "GIT_AUTHOR_DATE": f"{day}T{time}+08:00",
        "GIT_COMMITTER_DATE": f"{day}T{time}+08:00",
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


_LANGUAGE_MARK = re.compile(r'(?<!<html) lang="(?:zh|en)"|<(t?span) lang="(?:zh|en)">([^<]*)</\1>')


def html_of(path: Path) -> str:
    """A built page's HTML without the marks of its other language's text (kadossier.render.languages): the tests
    of other features compare the markup as the templates write it."""
    return _LANGUAGE_MARK.sub(lambda m: m[2] or "", path.read_text(encoding="utf-8"))
