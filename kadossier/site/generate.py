"""Check every dossier and render its account page in one pass, in worker processes for large workspaces.

Checking an account is independent of the other accounts, and so is rendering it once our people are known
(from every dossier): the workers check their share of the files and send back the checks (the overview
pages need every model), then render their share of the account pages. The overview pages (the Team page, the person
pages and the visits' brief pages among them) are rendered afterwards, one per worker. Every worker gets a `Work` as its
context: the site, the day, the page cache, and what the pass has found so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from kadossier.dossier import objections, portfolio, team
from kadossier.dossier.companies import attach
from kadossier.dossier.folder import refusal
from kadossier.dossier.portfolio import Account
from kadossier.dossier.roster import Roster, names_in
from kadossier.dossier.validate import Checked, check_file
from kadossier.history.diff import fetch_old_versions
from kadossier.render.links import account_uri
from kadossier.site.pagecache import PageCache
from kadossier.site.pages import GeneratedPage, Site, brief_pages
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map


@dataclass(slots=True)
class Generated:
    """The outcome of a generation pass: every file's check, the valid accounts, our people and all pages."""

    checked: list[Checked]
    accounts: list[Account]
    pages: dict[str, GeneratedPage]
    roster: Roster = field(default_factory=Roster)
    """Our people, from the declared roster and the names in the valid dossiers (its `clashes` are warnings)."""


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
    brief_keys: Mapping[str, str] = field(default_factory=dict)
    """The cache key of each brief page to render, by its source path."""


def generate(
    paths: list[Path], today: date, site: Site, *, jobs: int | None = None, cache: PageCache | None = None
) -> Generated:
    """Check `paths` and render the pages; invalid files get no page (their problems say why).

    The files are checked first (those in `cache` are not checked again), then our people are known from every
    valid dossier (a page links each name to its person's page, and two names may make the same id: only the
    whole workspace tells), then the account pages are rendered: those not in the cache, and those whose names
    now lead elsewhere. With git history, the old versions that "changed since the last visit" needs are fetched
    in one git process before. The overview pages, the Team page and the person pages are always rendered.
    """
    site.prepare()  # compile the templates once, before the workers are forked
    readable = [path for path in paths if refusal(path) is None]  # a link or a pipe is refused, never read
    cached = cache.load(readable) if cache is not None else {}  # also computes every key, before the fork
    todo = [path for path in paths if path not in cached]
    work = Work(site, today, cache)
    fresh = dict(zip(todo, parallel_map(_check, todo, context=work, jobs=jobs), strict=True))
    checked = [cached[path][0] if path in cached else fresh[path] for path in paths]
    valid = [c for c in checked if c.dossier is not None]
    for path in cached:  # a cached dossier is read back without its competitors' profiles (not part of the file)
        if (dossier := cached[path][0].dossier) is not None and site.presenter.companies is not None:
            attach(dossier, site.presenter.companies)
    site.roster = Roster(site.people, (name for c in valid for name in names_in(c.dossier)))  # type: ignore[arg-type]
    accounts = [Account.of(c) for c in valid]
    # every competitor across accounts, before `kept`: an account page links their pages
    site.rivals = {r.key: r for r in portfolio.rivals(accounts, site.presenter.companies)}
    kept = {
        path: page
        for path, (c, page) in cached.items()
        if c.dossier is not None and page.links == site.links(c.dossier)  # the names still lead to the same pages
    }
    render = {c.path: c for c in valid if c.path not in kept}
    site.briefs = brief_pages(accounts)
    site.library = objections.library(accounts) if site.briefs else None
    # a brief page is cached by its dossier and by what it shows from the other accounts (answers, links)
    brief_keys = (
        {u: cache.page_key(a.path, u, site.brief_shares(u)) for u, (a, _) in site.briefs.items()} if cache else {}
    )
    briefs = {u: page for u, key in brief_keys.items() if cache and (page := cache.load_page(key)) is not None}
    briefed = {a.path for uri, (a, _) in site.briefs.items() if uri not in briefs}
    if (render or briefed) and site.history is not None and site.history.has_old_versions:
        old = [Account.of(c) for c in valid if c.path in render or c.path in briefed]
        fetch_old_versions(site.history, old, today, site.blobs)
    made = dict(parallel_map(_account_page, list(render), context=replace(work, valid=render), jobs=jobs))
    if cache is not None:
        cache.prune()
    pages_by_uri = {account_uri(c.account): kept.get(c.path) or made[c.path] for c in valid}
    site.team = team.views(accounts, site.roster, today)  # once, before the workers fork: every page reads it
    large = len(accounts) >= PARALLEL_FROM  # the overview pages are few but heavy when accounts are many
    overview = replace(work, accounts=accounts, brief_keys=brief_keys)
    uris = [uri for uri in site.overview_uris() if uri not in briefs]
    pages_by_uri.update(parallel_map(_overview, uris, context=overview, jobs=jobs if large else 1, at_least=1))
    pages_by_uri.update(briefs)
    return Generated(checked, accounts, pages_by_uri, site.roster)


def _check(work: Work, path: Path) -> Checked:
    """Check a file; in a redacted build the personal data never leaves the worker."""
    p = work.site.presenter
    roster = work.site.roster_names
    checked = check_file(path, work.today, roster=roster, method=p.method, companies=p.companies, fields=p.fields)
    if work.site.redact and checked.dossier is not None:
        checked.dossier = Account.of(checked, redact=True).dossier
    return checked


def _account_page(work: Work, path: Path) -> tuple[Path, GeneratedPage]:
    """Render the page of a file checked before (and keep it in the cache)."""
    checked = work.valid[path]
    page = work.site.account_page(Account.of(checked), checked.starts)
    if work.cache is not None:
        work.cache.store(path, checked, page)
    return path, page


def _overview(work: Work, uri: str) -> tuple[str, GeneratedPage]:
    page = work.site.overview_page(uri, work.accounts)
    if work.cache is not None and uri in work.brief_keys:
        work.cache.store_page(work.brief_keys[uri], page)
    return uri, page
