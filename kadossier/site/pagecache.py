"""Account pages cached across builds: an unchanged dossier is neither checked nor rendered again.

An entry is one account's check and page, pickled under `.kadossier-cache/site/`, named by a key over
everything that page is made of: the dossier's bytes, the commits that changed it and whether it has
changes not committed yet, the site templates and labels (the workspace's and kadossier's), kadossier's
own code and the versions of the libraries that format the page, the options (language, currency,
redaction, PDF links, URL scheme) and the day (flags, next visits and ages depend on it). A rebuild after
one dossier changed renders one account page instead of a thousand; a build keeps the entries it used and
removes the others. An entry that cannot be read is rendered again; one that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import cached_property
from pathlib import Path

from kadossier.dossier.validate import Checked
from kadossier.render.templating import template_dirs
from kadossier.site.pages import GeneratedPage, Site
from kadossier.utils import fingerprint

log = logging.getLogger("mkdocs.plugins.kadossier")

CACHE_VERSION = 1
TEMPLATE_PARTS = ("site", "shared", "labels")

Entry = tuple[Checked, GeneratedPage]


def dumps(entry: Entry) -> bytes:
    """An entry, pickled."""
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


class PageCache:
    """The cached account pages of one site configuration."""

    def __init__(self, folder: Path, site: Site) -> None:
        self.folder = folder
        self.site = site
        self.used: set[str] = set()
        self._keys: dict[Path, str] = {}

    @cached_property
    def digest(self) -> str:
        """A digest of everything but the dossier and its history that an account page is made of."""
        site, p = self.site, self.site.presenter
        h = hashlib.sha256()
        options = (CACHE_VERSION, p.language, p.currency, p.today, site.redact, site.pdf, site.use_directory_urls)
        h.update(f"{Path.cwd()}\0".encode())  # the checks' messages name files relative to it
        h.update(repr(options).encode())
        h.update(repr(site.history.note if site.history is not None else None).encode())
        fingerprint.add_libraries(h)
        fingerprint.add_templates(h, template_dirs(site.workspace_root), TEMPLATE_PARTS)
        return h.hexdigest()

    def key(self, path: Path) -> str:
        """The key of one dossier's entry (computed once per build: a file edited meanwhile is a miss next time)."""
        if path in self._keys:
            return self._keys[path]
        h = hashlib.sha256(f"{self.digest}\0{path.resolve()}\0".encode())
        h.update(path.read_bytes())
        history = self.site.history
        if history is not None:
            shas = ",".join(c.sha for c in history.of(path))
            h.update(f"\0{shas}\0{history.is_modified(path)}".encode())
        self._keys[path] = key = h.hexdigest()
        return key

    def load(self, paths: list[Path]) -> dict[Path, Entry]:
        """The cached entries of `paths` (those that have one)."""
        found: dict[Path, Entry] = {}
        for path in paths:
            try:
                key = self.key(path)
            except OSError:
                continue  # unreadable: the check reports it
            self.used.add(key)
            try:
                with (self.folder / f"{key}.pickle").open("rb") as stream:
                    entry = pickle.load(stream)
            except FileNotFoundError:
                continue
            except Exception as exc:  # a damaged entry is made again
                log.debug(f"page cache: entry of {path} not read ({exc})")
                continue
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], GeneratedPage):
                found[path] = entry
        return found

    def store(self, path: Path, data: bytes) -> None:
        """Store a new entry, pickled (`dumps`); called in the worker that made it, so the pickling is spread
        over the workers and the same bytes carry the entry to the parent process."""
        target = self.folder / f"{self.key(path)}.pickle"
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, target)  # whole or not at all (a damaged entry would be rendered again anyway)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            log.debug(f"page cache: entry of {path} not written ({exc})")

    def prune(self) -> None:
        """Remove the entries this build did not ask for."""
        for old in self.folder.glob("*.pickle") if self.folder.is_dir() else []:
            if old.stem not in self.used:
                old.unlink(missing_ok=True)
