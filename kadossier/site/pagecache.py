"""Account pages cached across builds: an unchanged dossier is neither checked nor rendered again.

An entry is one account's check (its problems and its validated dossier) and its page, stored as JSON
under `.kadossier-cache/site/`, named by the key of everything that page is made of (`PageCache.inputs`:
the dossier's bytes, its commits, the templates, the options, the declared roster, the day...). A page also
depends on the ids of the person pages its names link to, which only the whole workspace tells
(kadossier.dossier.roster): the entry keeps them (`GeneratedPage.links`), and a page whose names now lead
elsewhere is rendered again (kadossier.site.generate). A rebuild after one dossier changed renders one account
page instead of a thousand; a build keeps the entries it used and removes the others. Entries are data:
reading one runs no code, and its dossier is validated again by the model. An entry that cannot be read
(damaged, foreign, from another format) is rendered again; one that cannot be written is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kadossier.dossier.completeness import Completeness
from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.model import Dossier
from kadossier.dossier.validate import Checked
from kadossier.errors import Problem, Severity
from kadossier.render.templating import template_dirs
from kadossier.site.pages import GeneratedPage, Site
from kadossier.utils import cache, fingerprint

log = logging.getLogger("mkdocs.plugins.kadossier")

TEMPLATE_PARTS = ("site", "shared", "labels")
SUFFIX = ".json"

Entry = tuple[Checked, GeneratedPage]


class PageCache:
    """The cached account pages of one site configuration."""

    def __init__(self, folder: Path, site: Site) -> None:
        self.folder = folder
        self.site = site
        self.used: set[str] = set()
        self._keys: dict[Path, str] = {}

    def inputs(self, path: Path) -> cache.Inputs:
        """Everything the check and the account page of the dossier at `path` are made of."""
        site, p, history = self.site, self.site.presenter, self.site.history
        return {
            "dossier": path.read_bytes(),
            "path": str(path.resolve()),
            "commits": [c.sha for c in history.of(path)] if history is not None else None,
            "uncommitted": history.is_modified(path) if history is not None else None,
            "history": history.note if history is not None else None,  # why there is no history, if none
            "today": p.today.isoformat(),  # flags, next visits and ages depend on the day
            "language": p.language,
            "currency": p.currency,
            "redact": site.redact,
            "roster": [asdict(entry) for entry in site.people],  # the check of owners knows the declared names
            "method": p.method.fingerprint(),  # the thresholds of red flags and completeness
            "custom_fields": p.fields.fingerprint(),  # their labels, types and order
            "companies": p.companies.source
            if p.companies is not None
            else None,  # the competitor profiles shown beside the dossier's competitors
            "pdf": site.pdf,
            "use_directory_urls": site.use_directory_urls,
            "source": site.repository.view_url(path, 1) if site.repository else None,  # the headings' line links
            "cwd": str(Path.cwd()),  # the checks' messages name files relative to it
            "templates": self._templates,
            "libraries": fingerprint.libraries(),
        }

    @cached_property
    def _templates(self) -> str:
        return fingerprint.templates(template_dirs(self.site.workspace_root), TEMPLATE_PARTS)

    def key(self, path: Path) -> str:
        """The key of one dossier's entry (computed once per build: a file edited meanwhile is a miss next time)."""
        if path not in self._keys:
            self._keys[path] = cache.key(self.inputs(path))
        return self._keys[path]

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
                data = (self.folder / f"{key}{SUFFIX}").read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.debug(f"page cache: entry of {path} not read ({exc})")
                continue
            entry = decode(data, path, self.site.presenter.fields)
            if entry is not None:
                found[path] = entry
        return found

    def store(self, path: Path, checked: Checked, page: GeneratedPage) -> None:
        """Store a new entry; called in the worker that made it, so the encoding is spread over the workers."""
        self._write(self.folder / f"{self.key(path)}{SUFFIX}", lambda: encode(checked, page))

    def _write(self, target: Path, data: Callable[[], bytes]) -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            encoded = data()
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(encoded)
            os.replace(temporary, target)  # whole or not at all (a damaged entry would be rendered again anyway)
        except (OSError, TypeError, ValueError) as exc:
            with suppress(OSError):  # the folder may be a file, or gone
                temporary.unlink(missing_ok=True)
            log.debug(f"page cache: {target.name} not written ({exc})")

    def page_key(self, path: Path, uri: str, shares: object) -> str:
        """The key of a page made of one dossier (a visit's brief page): that dossier's entry's key, the page's
        path, and what the page `shares` with the other accounts (kadossier.site.pages.Site.brief_shares)."""
        shared = json.dumps(shares, ensure_ascii=False, sort_keys=True, default=_plain)
        return cache.key({"account": self.key(path), "page": uri, "shares": shared})

    def load_page(self, key: str) -> GeneratedPage | None:
        """The page cached under `key` (None: none, or not readable)."""
        self.used.add(key)
        try:
            return _page(json.loads((self.folder / f"{key}{SUFFIX}").read_bytes()))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.debug(f"page cache: page {key} not read ({exc})")
            return None

    def store_page(self, key: str, page: GeneratedPage) -> None:
        """Store a page under `key` (in the worker that made it)."""
        self._write(self.folder / f"{key}{SUFFIX}", lambda: json.dumps(asdict(page), ensure_ascii=False).encode())

    def prune(self) -> None:
        """Remove the entries this build did not ask for (and those of an older format)."""
        for old in self.folder.iterdir() if self.folder.is_dir() else []:
            if old.is_file() and not (old.suffix == SUFFIX and old.stem in self.used):
                old.unlink(missing_ok=True)


def encode(checked: Checked, page: GeneratedPage) -> bytes:
    """One entry as JSON: the account's id, its problems, its validated dossier and its page."""
    assert checked.dossier is not None
    dossier = checked.dossier.model_dump(mode="python", by_alias=True)
    problems = [[p.path, p.line, p.col, p.severity.value, p.message, p.code] for p in checked.problems]
    assert checked.completeness is not None
    complete = checked.completeness.to_json()
    entry = {"account": checked.account, "problems": problems, "dossier": dossier, "page": asdict(page)}
    entry["completeness"] = complete
    entry["starts"] = checked.starts
    return json.dumps(entry, ensure_ascii=False, default=_plain).encode()


def decode(data: bytes, path: Path, fields: CustomFields = NO_FIELDS) -> Entry | None:
    """The entry in `data`, the dossier validated again (its custom `fields` typed again: a date, money); None if
    it is not one (damaged, or foreign)."""
    try:
        entry = json.loads(data)
        problems = [
            Problem(str(where), int(line), int(col), Severity(severity), str(message), str(code))
            for where, line, col, severity, message, code in entry["problems"]
        ]
        generated = _page(entry["page"])
        dossier = Dossier.model_validate(entry["dossier"])
        if fields.check(dossier):
            raise ValueError("custom fields no longer valid")
        complete = Completeness.from_json(entry["completeness"])
        starts = {str(anchor): int(line) for anchor, line in dict(entry["starts"]).items()}
        return Checked(path, str(entry["account"]), dossier, problems, complete, fields, starts), generated
    except (ValueError, TypeError, KeyError, ValidationError) as exc:  # a damaged entry is made again
        log.debug(f"page cache: entry of {path} not read ({exc})")
        return None


def _page(page: dict[str, Any]) -> GeneratedPage:
    """A page as `asdict` wrote it (KeyError, ValueError or TypeError if it is not one)."""
    return GeneratedPage(
        str(page["title"]),
        [str(h) for h in page["hide"]],
        str(page["html"]),
        [(int(level), str(anchor), str(text)) for level, anchor, text in page["headings"]],
        str(page["search_html"]),
        {str(name): str(ident) for name, ident in dict(page["links"]).items()},
        searched=bool(page.get("searched", True)),
    )


def _plain(value: Any) -> str:
    """A value of a dossier that JSON has no type for, written as a dossier writes it (so the model reads it)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not stored in the page cache")
