"""The PDF cache: every PDF rendered once, kept by its cache key, and published into the site by hard link.

A site's `pdf/ACCOUNT.pdf` and its cache entry are one file (a thousand accounts' PDFs are hundreds of MB
to copy), so a tool that edits a published PDF in place edits the cache entry too. The cache therefore
records each entry's size, modification time and inode when it is made (`index.json`), and reuses an entry
only while it still has them: an entry written into since is rendered again, never republished.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from kadossier.files import atomic, write

INDEX = "index.json"


class PdfCache:
    """The cache folder of one workspace's PDFs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._made = _read(folder / INDEX)
        """Entry file name -> [size, mtime_ns, inode] as it was made."""

    def path(self, key: str) -> Path:
        """Where the PDF with cache key `key` is (or goes)."""
        return self.folder / f"{key}.pdf"

    def intact(self, key: str) -> bool:
        """Whether the entry `key` exists as it was made (not written into since)."""
        recorded = self._made.get(f"{key}.pdf")
        return recorded is not None and recorded == _identity(self.path(key))

    def made(self, key: str) -> None:
        """Record the entry `key` just rendered as it is now."""
        identity = _identity(self.path(key))
        if identity is not None:
            self._made[f"{key}.pdf"] = identity

    def publish(self, key: str, target: Path) -> None:
        """Put the entry `key` at `target`: a hard link where the file system allows, else a copy."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic(target) as temporary:
            try:
                os.unlink(temporary)
                os.link(self.path(key), temporary)
            except OSError:
                shutil.copyfile(self.path(key), temporary)

    def save(self, keys: Iterable[str], *, prune: bool = True) -> None:
        """Keep the record of the entries `keys` (and, with `prune`, only their files)."""
        wanted = {f"{k}.pdf" for k in keys}
        if prune:
            for old in self.folder.glob("*.pdf"):
                if old.name not in wanted:
                    old.unlink(missing_ok=True)
            self._made = {name: value for name, value in self._made.items() if name in wanted}
        write(self.folder / INDEX, json.dumps(self._made, sort_keys=True).encode())


def _identity(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino] if st.st_size > 0 else None


def _read(index: Path) -> dict[str, list[int]]:
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and all(isinstance(n, int) for n in v)}
