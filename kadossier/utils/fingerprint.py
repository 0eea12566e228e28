"""What the caches hash: the pieces a PDF, an account page or a whole build is made of besides its dossier.

The PDF cache (kadossier.pdf.render), the account-page cache (kadossier.site.pagecache) and the up-to-date check
(kadossier.build.uptodate) each feed a hash with these, so that the three agree on what invalidates them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

LIBRARIES = (
    "kadossier",
    "mkdocs",
    "mkdocs-material",
    "weasyprint",
    "jinja2",
    "markupsafe",
    "babel",
    "pydantic",
    "ruamel.yaml",
    "pyyaml",
    "fonttools",
)
"""The distributions whose version changes what kadossier makes."""
SKIPPED_DIRS = {"__pycache__", "node_modules"}


def add_libraries(h: Any) -> None:
    """The versions of `LIBRARIES`, and kadossier's own code (which changes between releases, in a checkout)."""
    h.update(_libraries())


@cache
def _libraries() -> bytes:  # looked up once per process: importlib.metadata scans sys.path on every call
    h = hashlib.sha256()
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    add_listing(h, Path(__file__).parent.parent)  # the whole kadossier package
    return h.digest()


def add_templates(h: Any, folders: Iterable[Path], parts: Iterable[str]) -> None:
    """The content of every file in the `parts` subfolders of each template folder."""
    parts = list(parts)
    for folder in folders:
        for part in parts:
            for path in sorted((folder / part).rglob("*")) if (folder / part).is_dir() else []:
                if path.is_file():
                    h.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes() + b"\0")


def add_listing(h: Any, top: Path, *, skip: Iterable[Path] = (), hidden: bool = False) -> None:
    """Every file under `top` by name, size and modification time (without hidden folders unless `hidden`,
    the folders in `skip`, caches of byte code and node modules)."""
    if not top.is_dir():
        h.update(f"{top}:absent\0".encode())
        return
    skipped = {p.resolve() for p in skip}
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if (hidden or not d.startswith("."))
            and d not in SKIPPED_DIRS
            and (not skipped or (here / d).resolve() not in skipped)
        )
        for name in sorted(files):
            try:
                stat = (here / name).stat()
            except OSError:
                continue
            h.update(f"{(here / name).relative_to(top)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
