"""Check every dossier and render its account page in one pass, in worker processes for large workspaces.

Checking and rendering an account are independent of the other accounts, so each worker does both for
its share of the files and sends back the problems, the model (the overview pages need every model) and
the rendered page. The overview pages are rendered afterwards, in this process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from kadossier.diff import wanted
from kadossier.parallel import PARALLEL_FROM, parallel_map
from kadossier.portfolio import Account
from kadossier.site import GeneratedPage, Site, account_uri
from kadossier.validate import Checked, check_file


@dataclass(slots=True)
class Generated:
    """The outcome of a generation pass: every file's check, the valid accounts and all pages."""

    checked: list[Checked]
    accounts: list[Account]
    pages: dict[str, GeneratedPage]


_site: Site | None = None  # the Site a forked worker renders with, set before the pool forks
_accounts: list[Account] = []  # every valid account, for the overview pages rendered in workers


def generate(paths: list[Path], today: date, site: Site, *, jobs: int | None = None) -> Generated:
    """Check `paths` and render the pages; invalid files get no page (their problems say why).

    With git history, the accounts are checked first, then the old versions that "changed since the last
    visit" needs are fetched in one git process, then the pages are rendered; without, both in one pass.
    """
    global _site, _accounts
    site.prepare()  # compile the templates once, before the workers are forked
    _site = site
    try:
        if site.history is not None and site.history.has_old_versions:
            checked = parallel_map(partial(_check, today=today, redact=site.redact), paths, jobs=jobs)
            accounts = [Account.of(c) for c in checked if c.dossier is not None]
            site.blobs = site.history.blobs(
                w
                for a in accounts
                if (last := a.dossier.last_visit(today)) is not None
                for w in wanted(site.history, a.path, last.day)
            )
            _accounts = accounts
            pages = dict(parallel_map(_account_page, range(len(accounts)), jobs=jobs))
        else:
            one = partial(_one, today=today, redact=site.redact)
            checked, accounts, pages = _gather(parallel_map(one, paths, jobs=jobs))
        _accounts = accounts  # the overview pages, too, are rendered by the workers, one page each
        large = len(accounts) >= PARALLEL_FROM  # the overview pages are few but heavy when accounts are many
        pages.update(parallel_map(_overview, site.overview_uris(), jobs=jobs if large else 1, at_least=1))
    finally:
        _site, _accounts = None, []
    return Generated(checked, accounts, pages)


def _gather(
    results: list[tuple[Checked, GeneratedPage | None]],
) -> tuple[list[Checked], list[Account], dict[str, GeneratedPage]]:
    checked = [c for c, _ in results]
    accounts = [Account.of(c) for c in checked if c.dossier is not None]
    pages = {account_uri(c.account): page for c, page in results if page is not None}
    return checked, accounts, pages


def _account_page(index: int) -> tuple[str, GeneratedPage]:
    assert _site is not None
    account = _accounts[index]
    return account_uri(account.id), _site.account_page(account)


def _overview(uri: str) -> tuple[str, GeneratedPage]:
    assert _site is not None
    return uri, _site.overview_page(uri, _accounts)


def _check(path: Path, today: date, redact: bool) -> Checked:
    """Check a file; in a redacted build the personal data never leaves the worker."""
    checked = check_file(path, today)
    if redact and checked.dossier is not None:
        checked.dossier = Account.of(checked, redact=True).dossier
    return checked


def _one(path: Path, today: date, redact: bool) -> tuple[Checked, GeneratedPage | None]:
    checked = _check(path, today, redact)
    if checked.dossier is None or _site is None:
        return checked, None
    return checked, _site.account_page(Account.of(checked))
