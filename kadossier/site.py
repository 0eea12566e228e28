"""Render the wiki's pages (Markdown with raw HTML blocks) from the accounts, through `templates/site/`.

The MkDocs plugin hands these pages to MkDocs as generated files; nothing is written to disk here.
Every dossier value reaches a page through an escaping filter, and never as Markdown: values sit in HTML
blocks that hold no blank line, so Markdown never parses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from kadossier import orgchart, portfolio
from kadossier.fields import Money
from kadossier.model import Dossier
from kadossier.present import Presenter, markdown_text, text_html
from kadossier.templating import environment
from kadossier.vocab import Channel, DepartmentKind, Organization, ProjectStatus, Rating, VisitKind, VisitStatus

OVERVIEW = {
    "index.md": ("dashboard", "site/dashboard.md"),
    "pipeline.md": ("pipeline", "site/pipeline.md"),
    "visits.md": ("visits", "site/visits.md"),
    "competitors.md": ("competitors", "site/competitors.md"),
    "red-flags.md": ("red_flags", "site/red-flags.md"),
}
"""Overview pages: file, interface label (its title in the navigation), template."""
ACCOUNTS_DIR = "accounts"
_VOCABS = {Organization: "organization", DepartmentKind: "department_kind", Rating: "rating",
           ProjectStatus: "project_status", VisitKind: "visit_kind", VisitStatus: "visit_status",
           Channel: "channel"}


def account_uri(account_id: str) -> str:
    """The source path of an account's page."""
    return f"{ACCOUNTS_DIR}/{account_id}.md"


@dataclass
class Site:
    """Everything the pages are made from."""

    accounts: list[portfolio.Account]
    presenter: Presenter
    workspace_root: Path | None
    use_directory_urls: bool = True

    def pages(self) -> dict[str, str]:
        """Render every page: {source path: Markdown}."""
        env = self.environment()
        pages = {uri: self._render(env, template, uri, {}) for uri, (_, template) in OVERVIEW.items()}
        for account in self.accounts:
            uri = account_uri(account.id)
            pages[uri] = self._render(env, "site/account.md", uri, {"account": account, "d": account.dossier})
        return pages

    def environment(self) -> jinja2.Environment:
        """The Jinja environment of the site templates, with the presentation filters."""
        env = environment(self.workspace_root, html=True)
        p = self.presenter
        env.filters.update(text=text_html, md=markdown_text, money=p.money, amounts=p.amounts, date=p.date,
                           month=p.month, label=p.label, field=p.field, show=self.show)
        env.globals.update(P=p, ui=p.ui, today=p.today, portfolio=portfolio, orgchart=orgchart,
                           accounts=self.accounts, currency=p.currency, account_uri=account_uri, filled=filled,
                           anchor=anchor, show_field=self.show_field)
        return env

    def _render(self, env: jinja2.Environment, template: str, uri: str, context: dict[str, Any]) -> str:
        return env.get_template(template).render(url=self._linker(uri), page_uri=uri, **context)

    def _linker(self, from_uri: str) -> Callable[[str], str]:
        here = _url(from_uri, self.use_directory_urls)
        return lambda target: get_relative_url(_url(target, self.use_directory_urls), here)

    def show_field(self, obj: object, name: str) -> Markup:
        """Format the field `name` of `obj`: years stay plain, fractions become percentages."""
        value = getattr(obj, name)
        if name == "founded":
            return escape(str(value))
        if name == "net_margin" and isinstance(value, float):
            return escape(f"{value * 100:.1f}%")
        return self.show(value)

    def show(self, value: object) -> Markup:
        """Format any field value for HTML by its type: money, dates, vocabularies, text, numbers."""
        p = self.presenter
        if value is None:
            return Markup("")
        if isinstance(value, Money):
            return escape(p.money(value))
        if isinstance(value, dt.date):
            return escape(p.date(value))
        if isinstance(value, Enum):
            return escape(p.label(_VOCABS.get(type(value), type(value).__name__.lower()), value))
        if isinstance(value, bool):
            return Markup("✓") if value else Markup("–")
        if isinstance(value, int | float):
            return escape(p.number(value))
        if isinstance(value, str | list):
            return text_html(value)
        return escape(str(value))


def anchor(name: str) -> Markup:
    """An attribute list giving a Markdown heading its id: {#person-wan-guoli} (ids are validated slugs)."""
    return Markup("{#") + escape(name) + Markup("}")


def filled(obj: object, names: list[str]) -> list[str]:
    """The names of the fields of `obj` that hold something."""
    return [n for n in names if getattr(obj, n, None) not in (None, [], "")]


@cache
def _url(uri: str, use_directory_urls: bool) -> str:
    return File(uri, None, "", use_directory_urls).url


def is_fresh(dossier: Dossier, today: dt.date, days: int) -> bool:
    """Whether the dossier was reviewed within `days`."""
    age = dossier.days_since_review(today)
    return age is not None and age <= days
