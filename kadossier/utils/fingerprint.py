"""Fingerprints of what the caches' artefacts are made of besides a dossier: libraries, templates, folders.

Each is a hex digest, one value of an artefact's declared inputs (see kadossier.utils.cache).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "kadossier",
    "mkdocs",
    "mkdocs-material",
    "weasyprint",
    "jinja2",
    "markupsafe",
    "babel",
    "pydantic",
    "pyyaml",
    "fonttools",
)
"""The distributions whose version changes what kadossier makes."""
SKIPPED_DIRS = {"__pycache__", "node_modules"}


@cache
def libraries() -> str:
    """The versions of `LIBRARIES`, and kadossier's own code (which changes between releases, in a checkout).

    Looked up once per process: importlib.metadata scans sys.path on every call.
    """
    h = hashlib.sha256()
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    h.update(listing(Path(__file__).parent.parent).encode())  # the whole kadossier package
    return h.hexdigest()


def templates(folders: Iterable[Path], parts: Iterable[str]) -> str:
    """The content of every file in the `parts` subfolders of each template folder."""
    h = hashlib.sha256()
    parts = list(parts)
    for folder in folders:
        for part in parts:
            for path in sorted((folder / part).rglob("*")) if (folder / part).is_dir() else []:
                if path.is_file():
                    h.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes() + b"\0")
    return h.hexdigest()


def listing(top: Path, *, skip: Iterable[Path] = (), hidden: bool = False) -> str:
    """Every file under `top` by name, size and modification time (without hidden folders unless `hidden`,
    the folders in `skip`, caches of byte code and node modules)."""
    h = hashlib.sha256()
    if not top.is_dir():
        h.update(f"{top}:absent\0".encode())
        return h.hexdigest()
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
    return h.hexdigest()
