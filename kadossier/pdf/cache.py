"""The PDF cache: every PDF rendered once, kept by its cache key, and published into the site by hard link.

A site's `pdf/ACCOUNT.pdf` and its cache entry are one file (a thousand accounts' PDFs are hundreds of MB
to copy), so a tool that edits a published PDF in place edits the cache entry too. The cache therefore
records each entry's size, modification time, inode and SHA-256 when it is made (`index.json`), and reuses
an entry only while it is as made: one whose size, time or inode differ is hashed again (a cache restored
by CI has new inodes) and rendered again unless its content is the same. An entry written into since is
never republished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kadossier.utils.files import atomic, write

INDEX = "index.json"


class PdfCache:
    """The cache folder of one workspace's PDFs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._made = _read(folder / INDEX)
        """Entry file name -> {"stat": [size, mtime_ns, inode], "sha256": digest} as it was made."""

    def path(self, key: str) -> Path:
        """Where the PDF with cache key `key` is (or goes)."""
        return self.folder / f"{key}.pdf"

    def intact(self, key: str) -> bool:
        """Whether the entry `key` exists as it was made (not written into since)."""
        recorded = self._made.get(f"{key}.pdf")
        if recorded is None:
            return False
        identity = _identity(self.path(key))
        if identity is None or identity == recorded["stat"]:
            return identity is not None
        if _sha256(self.path(key)) != recorded["sha256"]:
            return False
        recorded["stat"] = identity  # the same content under a new inode or time: a restored cache
        return True

    def made(self, key: str) -> None:
        """Record the entry `key` just rendered as it is now."""
        identity = _identity(self.path(key))
        if identity is not None:
            self._made[f"{key}.pdf"] = {"stat": identity, "sha256": _sha256(self.path(key))}

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


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _read(index: Path) -> dict[str, Any]:
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: entry
        for name, entry in data.items()
        if isinstance(entry, dict) and isinstance(entry.get("stat"), list) and isinstance(entry.get("sha256"), str)
    }
