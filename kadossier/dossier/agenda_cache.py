"""The agenda's cache: what each valid dossier file puts on an agenda, by the file's bytes.

`kadossier agenda` is run every day, and most days most files have not changed. What a valid file puts on an
agenda (kadossier.dossier.agenda.entries, and the names of our people it mentions) depends on its bytes and its
name only: not on the day (the day only chooses among the entries) nor on the roster (which only adds red
flags). So one JSON file in the workspace's cache folder keeps, per file, a key of the file's name and
bytes and kadossier's own code (kadossier.utils.fingerprint.libraries) with the file's entries; a file whose key
matches is not checked again. Invalid files are not kept: they are checked every time, so that their errors are
reported in the command's language and as the command names the file. The cache is data, never pickles; a cache
that cannot be read is ignored, and one that cannot be written is not written (the agenda is the same).
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kadossier.dossier import folder
from kadossier.dossier.agenda import AccountAgenda, Entry
from kadossier.utils import cache, fingerprint
from kadossier.utils.files import CACHE_DIR, write

CACHE_NAME = "agenda.json"
"""The cache's file, in the workspace's cache folder."""


def cache_file(root: Path) -> Path:
    """Where the agenda's cache of the workspace at `root` is."""
    return root / CACHE_DIR / CACHE_NAME


@dataclass
class AgendaCache:
    """The cached entries of the files as last read, and the keys of the files as they are now."""

    path: Path
    code: str
    """The fingerprint of kadossier's code and libraries: a cache made by other code is not used."""
    files: dict[str, Any]
    keys: dict[Path, str] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, path: Path) -> AgendaCache:
        """The cache in `path` (an empty one if there is none, or it is unreadable or made by other code)."""
        code = fingerprint.libraries()
        files: dict[str, Any] = {}
        with suppress(OSError, ValueError):
            data = json.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("code") == code and isinstance(data.get("files"), dict):
                files = data["files"]
        return cls(path, code, files)

    def get(self, path: Path) -> AccountAgenda | None:
        """The cached part of the file `path`, if its bytes are as when it was cached."""
        if folder.refusal(path) is not None:  # a link, a folder, ...: checked, and so reported, every time
            return None
        try:
            data = folder.read(path)
        except OSError:
            return None
        self.keys[path] = key = cache.key({"name": path.name, "bytes": data})
        found = self.files.get(path.as_posix())
        if not isinstance(found, dict) or found.get("key") != key:
            return None
        try:
            entries = [Entry.from_json(values) for values in found["entries"]]
            return AccountAgenda(path, [], entries, list(found["names"]))
        except (KeyError, TypeError, ValueError):  # a cache edited by hand, or a truncated one
            return None

    def save(self, parts: list[AccountAgenda]) -> None:
        """Keep the valid files' parts (forgetting the files that are gone); write the cache if it changed."""
        files = {}
        for part in parts:
            key = self.keys.get(part.path)
            if part.errors or key is None:
                continue
            entry = {"key": key, "entries": [e.to_json() for e in part.entries], "names": part.names}
            files[part.path.as_posix()] = entry
        if files == self.files:
            return
        data = json.dumps({"code": self.code, "files": files}, ensure_ascii=False, separators=(",", ":"))
        with suppress(OSError):  # a read-only workspace: the next agenda checks the files again
            write(self.path, data.encode("utf-8"))
