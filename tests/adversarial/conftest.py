"""Shared pieces of the adversarial suite: a listener that records every request, a canary file outside
the workspace, an HTML checker, and commands run as real processes with time and memory bounds."""

from __future__ import annotations

import gzip
import os
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from ..conftest import ROOT, TODAY, http_listener
from ..test_site import Page

MEMORY_LIMIT = 3 * 2**30
"""Address space one kadossier process may use in these tests."""


@dataclass
class Listener:
    url: str
    hits: list[str]


@pytest.fixture
def listener() -> Iterator[Listener]:
    """An HTTP server on 127.0.0.1 that records every request; dossiers point at it."""
    with http_listener() as (url, hits):
        yield Listener(url, hits)


@pytest.fixture
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside any workspace whose content must never reach an output."""
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text("CANARY-7f3a9c-outside-the-workspace\n", encoding="utf-8")
    return path


@dataclass
class Run:
    code: int
    output: str
    seconds: float


def kadossier(cwd: Path, *args: str, timeout: float = 240) -> Run:
    """Run the real command line in its own process, with an address-space limit and a time limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return Run(done.returncode, done.stdout + done.stderr, time.monotonic() - started)


def make_workspace(folder: Path, dossiers: dict[str, str | bytes]) -> Path:
    """A workspace with the example mkdocs.yml and the given dossier files."""
    (folder / "dossiers").mkdir(parents=True, exist_ok=True)
    (folder / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    for name, content in dossiers.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / "dossiers" / name).write_bytes(data)
    return folder


def every_byte(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file's bytes under `folder`, gzip files also decompressed, PDFs also with every stream
    decompressed and their text extracted."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if path.suffix == ".gz":
            yield path, gzip.decompress(data)
        if path.suffix == ".pdf":
            yield path, pdf_text(path).encode("utf-8")
            for stream in pdf_streams(path):
                yield path, stream


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True)
    reader = pypdf.PdfReader(path)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return result.stdout + "\n" + meta


def pdf_streams(path: Path) -> Iterator[bytes]:
    raw = path.read_bytes()
    at = 0
    while (start := raw.find(b"stream", at)) >= 0:
        begin = start + len(b"stream")
        begin += 2 if raw[begin : begin + 2] == b"\r\n" else 1
        end = raw.find(b"endstream", begin)
        if end < 0:
            break
        chunk = raw[begin:end]
        try:
            yield zlib.decompress(chunk)
        except zlib.error:
            yield chunk
        at = end


def assert_html_is_inert(site: Path, marker: str) -> None:
    """No event handler, no javascript:/data: URL, no script but the theme's, no marker in any script."""
    pages = list(site.rglob("*.html"))
    assert pages
    for path in pages:
        source = path.read_text(encoding="utf-8")
        parsed = Page(source)
        assert parsed.handlers == [], (path, parsed.handlers)
        bad = [u for u in parsed.urls if u.strip().lower().replace("\x00", "").startswith(("javascript:", "data:"))]
        assert bad == [], (path, bad)
        assert all(
            s == "<inline>" or s.startswith(("assets/", "/assets/", "../", "search/")) for s in parsed.scripts
        ), (path, parsed.scripts)
        for script in _inline_scripts(source):
            assert marker not in script, (path, script[:200])


def _inline_scripts(source: str) -> list[str]:
    from html.parser import HTMLParser

    found: list[str] = []

    class Scripts(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script"

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                found.append(data)

    Scripts().feed(source)
    return found
