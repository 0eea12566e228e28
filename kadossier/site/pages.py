"""Render the wiki's pages from the accounts through `templates/site/`, as HTML.

Pages are HTML from the start: no dossier value is ever read as Markdown, and MkDocs does not spend its
time re-parsing HTML. MkDocs gets a stub of each page (front matter and the headings, for the title, the
table of contents and the navigation); the plugin puts the real body in place after Markdown, and gives
the search index a text-only version of it. Every dossier value goes through autoescape or an escaping
filter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from kadossier.dossier import objections, portfolio
from kadossier.dossier.followup import FollowThrough
from kadossier.dossier.model import Competitor, Dossier, Visit
from kadossier.dossier.roster import Member, Roster, RosterEntry, names_in
from kadossier.dossier.team import PersonView
from kadossier.history.diff import Since, changed_since_last_visit
from kadossier.history.digest import Digest
from kadossier.history.git import Commit, History
from kadossier.history.trends import Trends
from kadossier.render import languages
from kadossier.render.brief import GLOBALS as BRIEF_GLOBALS
from kadossier.render.brief import LIMITS, Preparation, briefed
from kadossier.render.charts import Charts
from kadossier.render.digest import line as digest_line
from kadossier.render.digest import summary as digest_summary
from kadossier.render.digest import title as digest_title
from kadossier.render.links import (
    BRIEFS_DIR,
    COMPETITOR_DIR,
    PEOPLE_DIR,
    TEAM_URI,
    account_uri,
    brief_uri,
    competitor_uri,
    pdf_uri,
    person_uri,
)
from kadossier.render.present import Presenter
from kadossier.render.repository import Repository
from kadossier.workspace.secret import feed_path

OVERVIEW = {
    "index.md": ("dashboard", "site/dashboard.html"),
    "this-week.md": ("this_week", "site/digest.html"),
    "pipeline.md": ("pipeline", "site/pipeline.html"),
    "visits.md": ("visits", "site/visits.html"),
    "competitors.md": ("competitors", "site/competitors.html"),
    "objections.md": ("objections_page", "site/objections.html"),
    "red-flags.md": ("red_flags", "site/red-flags.html"),
    TEAM_URI: ("team_page", "site/team.html"),
}
"""Overview pages: file, interface label (its title in the navigation), template."""
COMPETITOR_TEMPLATE = "site/competitor.html"
"""The template of each competitor's page (`competitor/SLUG.md`)."""
PERSON_TEMPLATE = "site/person.html"
"""The template of each of our people's page (`people/ID.md`)."""
BRIEF_TEMPLATE = "site/brief.html"
"""The template of each visit's brief page (`briefs/ACCOUNT/VISIT.md`): templates/shared/brief.html in the site."""


_HEADING = re.compile(r"<h([1-3])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL)
_ID = re.compile(r'\sid="([^"]*)"')
_TAG = re.compile(r"<[^>]*>")
_NOT_HEADING_TAG = re.compile(r"<(?!/?h[1-6][\s>])[^>]*>")
_NOT_SEARCHED = re.compile(r"<(table|ul)\s[^>]*\bdata-search-exclude\b[^>]*>.*?</\1>", re.DOTALL)
"""A table or list a template marks `data-search-exclude` (Material's mark; none holds another of its kind)."""


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page: its title, the Material sidebars it hides, its HTML body and its headings."""

    title: str
    hide: list[str]
    html: str
    headings: list[tuple[int, str, str]]  # (level, id, text)
    search_html: str = ""
    """The body as headings and text only: what the search index needs, quick to parse (made with the page,
    in the worker that renders it)."""
    links: dict[str, str] = field(default_factory=dict)
    """The names of our people the page links, each to the id of the person page it links (an account page
    made with other ids is made again: see kadossier.site.generate)."""
    searched: bool = True
    """Whether the search index has the page (a visit's brief page repeats its account page's content: not)."""

    @property
    def markdown(self) -> str:
        """The stub MkDocs reads: only front matter (title, hidden sidebars), so Markdown has nothing to do."""
        # MkDocs and Material put a page's title into the HTML as it is (<title>, the header): escape it here.
        title = str(escape(self.title))
        meta: dict[str, Any] = {"title": title, "hide": self.hide}
        if not self.searched:
            meta["search"] = {"exclude": True}  # Material's search plugin leaves the page out of its index
        return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n"

    def toc_tokens(self, language: str = "") -> list[dict[str, Any]]:
        """The headings nested as python-markdown's toc extension reports them, for MkDocs' table of contents
        (in a page of `language`, the names' runs of another language marked: kadossier.render.languages)."""
        root: list[dict[str, Any]] = []
        stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
        for level, ident, text in self.headings:
            while stack[-1][0] >= level:
                stack.pop()
            children: list[dict[str, Any]] = []
            name = languages.mark(str(escape(text)), language)
            stack[-1][1].append({"level": level, "id": ident, "name": name, "children": children})
            stack.append((level, children))
        return root


def _with_heading_ids(html: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Give every h1-h3 an id (keeping the template's own) and list them."""
    headings: list[tuple[int, str, str]] = []

    def visit(match: re.Match[str]) -> str:
        level, attrs, inner = int(match[1]), match[2], match[3]
        found = _ID.search(attrs)
        ident = found[1] if found else f"h-{len(headings) + 1}"
        headings.append((level, ident, unescape(_TAG.sub("", inner)).strip()))
        return match[0] if found else f'<h{level} id="{ident}"{attrs}>{inner}</h{level}>'

    return _HEADING.sub(visit, html), headings


@dataclass
class Site:
    """Renders the pages for one language, currency, day and URL scheme."""

    presenter: Presenter
    workspace_root: Path | None
    use_directory_urls: bool = True
    pdf: bool = False
    """Whether the PDFs are built beside the site (the pages then link them)."""
    history: History | None = None
    """The dossiers' git history (None: not looked up)."""
    blobs: dict[tuple[str, Path], bytes | None] = field(default_factory=dict)
    """Old versions of dossiers fetched from git for "changed since the last visit"."""
    trends: Trends | None = None
    """The pipeline over time, computed once per build (None: not computed)."""
    redact: bool = False
    """The shareable edition: no personal profiles or private contact details (see kadossier.dossier.privacy)."""
    people: tuple[RosterEntry, ...] = ()
    """The declared roster of our people (the plugin option `people`)."""
    secret: bytes | None = None
    """The workspace's feed secret (kadossier.workspace.secret): each person page links its personal calendar
    feed. None: no feed links (the redacted edition)."""
    roster: Roster = field(default_factory=Roster)
    """Our people, once every dossier is checked (kadossier.site.generate sets it)."""
    team: dict[str, PersonView] = field(default_factory=dict)
    """Each person's view by id, once the accounts are known (kadossier.site.generate sets it)."""
    digest: Digest | None = None
    """What changed across the accounts in the last seven days (None: not looked up)."""
    rivals: dict[str, portfolio.Rival] = field(default_factory=dict)
    """Every competitor across accounts and profiles, once the accounts are known (kadossier.site.generate sets it)."""
    repository: Repository | None = None
    """Where the dossiers are on a forge (mkdocs.yml's repo_url): headings link their lines there. None: no links."""
    briefs: dict[str, tuple[portfolio.Account, Visit]] = field(default_factory=dict)
    """Each brief page's account and visit, by its source path, once the accounts are known (`brief_pages`)."""
    library: objections.Library | None = None
    """The objection library across accounts: a brief shows the answers used at other visits (None: none)."""

    @property
    def roster_names(self) -> frozenset[str]:
        """The declared roster's names and former names (the check of `owner` knows them)."""
        return frozenset(n for e in self.people for n in (e.name, *e.former_names))

    def overview_uris(self) -> list[str]:
        """The overview pages' source paths: the overviews, then one page per person."""
        return [
            *OVERVIEW,
            *(person_uri(ident) for ident in self.team),
            *(competitor_uri(r.slug) for r in self.rivals.values()),
            *self.briefs,
        ]

    def overview_page(self, uri: str, accounts: list[portfolio.Account]) -> GeneratedPage:
        """Render one page across accounts (a person's page among them)."""
        if uri in OVERVIEW:
            context = {"accounts": accounts, "team": self.team, "rivals": self.rivals, "digest": self.digest}
            return self._render(OVERVIEW[uri][1], uri, context)
        if uri.startswith(f"{COMPETITOR_DIR}/"):
            rival = next(r for r in self.rivals.values() if competitor_uri(r.slug) == uri)
            return self._render(COMPETITOR_TEMPLATE, uri, {"accounts": accounts, "rival": rival})
        if uri.startswith(f"{BRIEFS_DIR}/"):
            return self.brief_page(uri)
        view = self.team[uri.removeprefix(f"{PEOPLE_DIR}/").removesuffix(".md")]
        feed = feed_path(self.secret, view.member.id) if self.secret is not None and not self.redact else None
        return self._render(PERSON_TEMPLATE, uri, {"accounts": accounts, "view": view, "feed": feed})

    def prepare(self) -> None:
        """Load and compile every template, and Babel's locale data, now (worker processes then share them)."""
        for template in [
            "site/account.html",
            PERSON_TEMPLATE,
            COMPETITOR_TEMPLATE,
            BRIEF_TEMPLATE,
            *(t for _, t in OVERVIEW.values()),
        ]:
            self.env.get_template(template)
        self.presenter.date(self.presenter.today)
        self.presenter.amount(1, self.presenter.currency)

    def brief_page(self, uri: str) -> GeneratedPage:
        """Render a visit's brief page: the content of its PDF brief, for a phone."""
        account, visit = self.briefs[uri]
        d = account.dossier
        prep = Preparation(d, visit, account.completeness, account.id, self.library)
        since = self.since_last_visit(account) if self.history is not None and self.history.available else None
        context = {"account": account, "d": d, "visit": visit, "prep": prep, "since": since}
        return self._render(BRIEF_TEMPLATE, uri, {**context, "follow": FollowThrough(d, self.presenter.today)})

    def brief_shares(self, uri: str) -> object:
        """What a visit's brief page shows from the other accounts: the answers used at their visits, and where its
        names and competitors lead (the rest is made of its own account: see kadossier.site.pagecache)."""
        account, visit = self.briefs[uri]
        answers = self.library.elsewhere(account.id, visit, LIMITS["elsewhere"]) if self.library is not None else []
        shown = [
            [
                o.objection,
                [[a.text, [[s.account.dossier.display_name, s.visit.day, s.raised] for s in a.sources]] for a in found],
            ]
            for o, found in answers
        ]
        return [shown, self.links(account.dossier)]

    def account_page(self, account: portfolio.Account, starts: dict[str, int]) -> GeneratedPage:
        """Render one account's page (with the ids of the person pages it links); `starts` are the lines where its
        people, projects and visits start in the file, by their headings' anchors (kadossier.dossier.validate)."""
        d = account.dossier
        context = {"account": account, "d": d, "follow": FollowThrough(d, self.presenter.today)}
        context["source_url"], context["starts"] = lambda a: self.source_url(account, starts.get(a)), starts
        page = self._render("site/account.html", account_uri(account.id), context)
        return replace(page, links=self.links(account.dossier))

    def links(self, dossier: Dossier) -> dict[str, str]:
        """The pages a dossier's page links that depend on the other accounts: the id of the person page each
        name of our side leads to, and the page of each of its competitors (keyed `\0competitor\0ID`)."""
        found = {}
        for name in names_in(dossier):
            member = self.roster.member(name)
            if member is not None:
                found[name] = member.id
        for competitor in dossier.competitors:
            if (rival := self.rivals.get(portfolio.rival_key(competitor))) is not None:
                found[f"\0competitor\0{competitor.id}"] = rival.slug
        return found

    def source_url(self, account: portfolio.Account, line: int | None) -> str | None:
        """The forge's view of the account's file at `line` (None: no repository, or no line)."""
        if self.repository is None or line is None:
            return None
        return self.repository.view_url(account.path, line)

    def rival_uri(self, competitor: Competitor) -> str | None:
        """The page of a dossier's competitor across accounts (None: not known yet)."""
        rival = self.rivals.get(portfolio.rival_key(competitor))
        return competitor_uri(rival.slug) if rival is not None else None

    def member(self, name: str | None) -> Member | None:
        """The person of one of our names (None: no one, or a name the roster does not know)."""
        return self.roster.member(name) if name else None

    @cached_property
    def env(self) -> jinja2.Environment:
        """The Jinja environment of the site templates, with the presentation filters."""
        env = self.presenter.environment(self.workspace_root)
        env.globals.update(
            account_uri=account_uri,
            pdf=self.pdf,
            pdf_uri=pdf_uri,
            history=self.history,
            trends=self.trends,
            charts=Charts(self.presenter),
            last_change=self.last_change,
            since_last_visit=self.since_last_visit,
            redacted=self.redact,
            member=self.member,
            objection_library=objections.library,
            person_uri=person_uri,
            brief_uri=brief_uri,
            briefed=briefed,
            competitor_uri=competitor_uri,
            rival_uri=self.rival_uri,
            digest_line=lambda event, step: digest_line(event, step, self.presenter),
            digest_title=lambda d: digest_title(d, self.presenter),
            digest_summary=digest_summary,
            team_uri=TEAM_URI,
            **BRIEF_GLOBALS,
        )
        return env

    def last_change(self, account: portfolio.Account) -> Commit | None:
        """The newest commit that changed the account's dossier."""
        return self.history.last_change(account.path) if self.history is not None else None

    def since_last_visit(self, account: portfolio.Account) -> Since | None:
        """What changed in the dossier since the day of its last done visit (None: no visit, no history)."""
        return changed_since_last_visit(self.history, self.blobs, account, self.presenter.today, redact=self.redact)

    def _render(self, template: str, uri: str, context: dict[str, Any]) -> GeneratedPage:
        module = self.env.get_template(template).make_module({"url": self._linker(uri), "page_uri": uri, **context})
        html, headings = _with_heading_ids(languages.mark(str(module), self.presenter.language))
        title, hide = str(getattr(module, "title", "")), list(getattr(module, "hide", []))
        text = _NOT_HEADING_TAG.sub(" ", _NOT_SEARCHED.sub(" ", html))  # the text-only body the index gets
        return GeneratedPage(title, hide, html, headings, text, searched=getattr(module, "searched", True) is True)

    def _linker(self, from_uri: str) -> Callable[[str], str]:
        here = _url(from_uri, self.use_directory_urls)
        return lambda target: get_relative_url(_url(target, self.use_directory_urls), here)


def brief_pages(accounts: list[portfolio.Account]) -> dict[str, tuple[portfolio.Account, Visit]]:
    """The brief pages of the accounts' visits that have a brief (kadossier.render.brief.briefed), by source path."""
    return {brief_uri(a.id, v.id): (a, v) for a in accounts for v in a.dossier.visits if briefed(v)}


@cache
def _url(uri: str, use_directory_urls: bool) -> str:
    return File(uri, None, "", use_directory_urls).url
