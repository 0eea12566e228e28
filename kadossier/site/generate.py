"""Check every dossier and render its account page in one pass, in worker processes for large workspaces.

Checking and rendering an account are independent of the other accounts, so each worker does both for
its share of the files and sends back the check (the overview pages need every model) and the rendered
page. The overview pages are rendered afterwards, one per worker. Every worker gets a `Work` as its
context: the site, the day, the page cache, and what the pass has found so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from kadossier.dossier.folder import refusal
from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import Checked, check_file
from kadossier.history.diff import fetch_old_versions
from kadossier.render.links import account_uri
from kadossier.site.pagecache import PageCache
from kadossier.site.pages import GeneratedPage, Site
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map


@dataclass(slots=True)
class Generated:
    """The outcome of a generation pass: every file's check, the valid accounts and all pages."""

    checked: list[Checked]
    accounts: list[Account]
    pages: dict[str, GeneratedPage]


@dataclass(frozen=True, slots=True)
class Work:
    """What the workers of a generation pass need (inherited when they fork, never pickled)."""

    site: Site
    today: date
    cache: PageCache | None
    valid: Mapping[Path, Checked] = field(default_factory=dict)
    """The valid files' checks, by path, while their pages are rendered."""
    accounts: list[Account] = field(default_factory=list)
    """Every valid account, while the overview pages are rendered."""


def generate(
    paths: list[Path], today: date, site: Site, *, jobs: int | None = None, cache: PageCache | None = None
) -> Generated:
    """Check `paths` and render the pages; invalid files get no page (their problems say why).

    Accounts whose page is in `cache` are taken from it. With git history, the other accounts are checked
    first, then the old versions that "changed since the last visit" needs are fetched in one git process,
    then the pages are rendered; without, both in one pass. The overview pages are always rendered.
    """
    site.prepare()  # compile the templates once, before the workers are forked
    readable = [path for path in paths if refusal(path) is None]  # a link or a pipe is refused, never read
    cached = cache.load(readable) if cache is not None else {}  # also computes every key, before the fork
    todo = [path for path in paths if path not in cached]
    work = Work(site, today, cache)
    if todo and site.history is not None and site.history.has_old_versions:
        checked = parallel_map(_check, todo, context=work, jobs=jobs)
        valid = {c.path: c for c in checked if c.dossier is not None}
        fetch_old_versions(site.history, [Account.of(c) for c in valid.values()], today, site.blobs)
        pages = dict(parallel_map(_account_page, list(valid), context=replace(work, valid=valid), jobs=jobs))
        fresh = [(c, pages.get(c.path)) for c in checked]
    else:
        fresh = parallel_map(_one, todo, context=work, jobs=jobs)
    if cache is not None:
        cache.prune()
    made = dict(zip(todo, fresh, strict=True))
    checked, accounts, pages_by_uri = _gather([cached[path] if path in cached else made[path] for path in paths])
    large = len(accounts) >= PARALLEL_FROM  # the overview pages are few but heavy when accounts are many
    overview = replace(work, accounts=accounts)
    pages_by_uri.update(
        parallel_map(_overview, site.overview_uris(), context=overview, jobs=jobs if large else 1, at_least=1)
    )
    return Generated(checked, accounts, pages_by_uri)


def _gather(
    results: Sequence[tuple[Checked, GeneratedPage | None]],
) -> tuple[list[Checked], list[Account], dict[str, GeneratedPage]]:
    checked = [c for c, _ in results]
    accounts = [Account.of(c) for c in checked if c.dossier is not None]
    pages = {account_uri(c.account): page for c, page in results if page is not None}
    return checked, accounts, pages


def _check(work: Work, path: Path) -> Checked:
    """Check a file; in a redacted build the personal data never leaves the worker."""
    checked = check_file(path, work.today)
    if work.site.redact and checked.dossier is not None:
        checked.dossier = Account.of(checked, redact=True).dossier
    return checked


def _account_page(work: Work, path: Path) -> tuple[Path, GeneratedPage]:
    """Render the page of a file checked before (and keep it in the cache)."""
    checked = work.valid[path]
    page = work.site.account_page(Account.of(checked))
    if work.cache is not None:
        work.cache.store(path, checked, page)
    return path, page


def _one(work: Work, path: Path) -> tuple[Checked, GeneratedPage | None]:
    """Check and render one account (and keep its page in the cache); an invalid file has no page."""
    checked = _check(work, path)
    if checked.dossier is None:
        return checked, None
    page = work.site.account_page(Account.of(checked))
    if work.cache is not None:
        work.cache.store(path, checked, page)
    return checked, page


def _overview(work: Work, uri: str) -> tuple[str, GeneratedPage]:
    return uri, work.site.overview_page(uri, work.accounts)
