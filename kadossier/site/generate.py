"""Check every dossier and render its account page in one pass, in worker processes for large workspaces.

Checking and rendering an account are independent of the other accounts, so each worker does both for
its share of the files and sends back the problems, the model (the overview pages need every model) and
the rendered page. The overview pages are rendered afterwards, in this process.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from kadossier.dossier.folder import refusal
from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import Checked, check_file
from kadossier.history.diff import fetch_old_versions
from kadossier.render.links import account_uri
from kadossier.site.pagecache import PageCache, dumps
from kadossier.site.pages import GeneratedPage, Site
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map


@dataclass(slots=True)
class Generated:
    """The outcome of a generation pass: every file's check, the valid accounts and all pages."""

    checked: list[Checked]
    accounts: list[Account]
    pages: dict[str, GeneratedPage]


_site: Site | None = None  # the Site a forked worker renders with, set before the pool forks
_accounts: list[Account] = []  # every valid account, for the overview pages rendered in workers
_valid: list[Checked] = []  # the checks of `_accounts` while their pages are rendered
_cache: PageCache | None = None  # where workers store the pages they render


def generate(
    paths: list[Path], today: date, site: Site, *, jobs: int | None = None, cache: PageCache | None = None
) -> Generated:
    """Check `paths` and render the pages; invalid files get no page (their problems say why).

    Accounts whose page is in `cache` are taken from it. With git history, the other accounts are checked
    first, then the old versions that "changed since the last visit" needs are fetched in one git process,
    then the pages are rendered; without, both in one pass. The overview pages are always rendered.
    """
    global _site, _accounts, _cache
    site.prepare()  # compile the templates once, before the workers are forked
    readable = [path for path in paths if refusal(path) is None]  # a link or a pipe is refused, never read
    cached = cache.load(readable) if cache is not None else {}  # also computes every key, before the fork
    todo = [path for path in paths if path not in cached]
    _site, _cache = site, cache
    try:
        if todo and site.history is not None and site.history.has_old_versions:
            checked = parallel_map(partial(_check, today=today, redact=site.redact), todo, jobs=jobs)
            accounts = [Account.of(c) for c in checked if c.dossier is not None]
            fetch_old_versions(site.history, accounts, today, site.blobs)
            _accounts = accounts
            _valid[:] = [c for c in checked if c.dossier is not None]
            pages = dict(parallel_map(_account_page, range(len(accounts)), jobs=jobs))
            fresh = [(c, pages.get(account_uri(c.account)) if c.dossier is not None else None) for c in checked]
        else:
            raw = parallel_map(partial(_one, today=today, redact=site.redact), todo, jobs=jobs)
            fresh = [pickle.loads(r) if isinstance(r, bytes) else r for r in raw]
        if cache is not None:
            cache.prune()
        made = dict(zip(todo, fresh, strict=True))
        checked, accounts, pages = _gather([cached[path] if path in cached else made[path] for path in paths])
        _accounts = accounts  # the overview pages, too, are rendered by the workers, one page each
        large = len(accounts) >= PARALLEL_FROM  # the overview pages are few but heavy when accounts are many
        pages.update(parallel_map(_overview, site.overview_uris(), jobs=jobs if large else 1, at_least=1))
    finally:
        _site, _accounts, _cache = None, [], None
        _valid.clear()
    return Generated(checked, accounts, pages)


def _gather(
    results: Sequence[tuple[Checked, GeneratedPage | None]],
) -> tuple[list[Checked], list[Account], dict[str, GeneratedPage]]:
    checked = [c for c, _ in results]
    accounts = [Account.of(c) for c in checked if c.dossier is not None]
    pages = {account_uri(c.account): page for c, page in results if page is not None}
    return checked, accounts, pages


def _account_page(index: int) -> tuple[str, GeneratedPage]:
    assert _site is not None
    account = _accounts[index]
    page = _site.account_page(account)
    if _cache is not None:
        _cache.store(_valid[index].path, dumps((_valid[index], page)))
    return account_uri(account.id), page


def _overview(uri: str) -> tuple[str, GeneratedPage]:
    assert _site is not None
    return uri, _site.overview_page(uri, _accounts)


def _check(path: Path, today: date, redact: bool) -> Checked:
    """Check a file; in a redacted build the personal data never leaves the worker."""
    checked = check_file(path, today)
    if redact and checked.dossier is not None:
        checked.dossier = Account.of(checked, redact=True).dossier
    return checked


def _one(path: Path, today: date, redact: bool) -> tuple[Checked, GeneratedPage | None] | bytes:
    """Check and render one account; with a cache, return the entry as the pickled bytes it stored."""
    checked = _check(path, today, redact)
    if checked.dossier is None or _site is None:
        return checked, None
    page = _site.account_page(Account.of(checked))
    if _cache is None:
        return checked, page
    data = dumps((checked, page))
    _cache.store(path, data)
    return data
