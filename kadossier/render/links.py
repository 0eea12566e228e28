"""Where things are in the built site: the account pages, the visits' brief pages, our people's pages and the
briefing PDFs."""

from __future__ import annotations

ACCOUNTS_DIR = "accounts"
"""Where the account pages go in the site."""
PDF_DIR = "pdf"
"""Where the briefing PDFs go in the site."""


def pdf_uri(account_id: str, visit_id: str | None = None) -> str:
    """The site path of an account pack (`pdf/ACCOUNT.pdf`) or a visit brief (`pdf/ACCOUNT/VISIT.pdf`)."""
    return f"{PDF_DIR}/{account_id}.pdf" if visit_id is None else f"{PDF_DIR}/{account_id}/{visit_id}.pdf"


def account_uri(account_id: str) -> str:
    """The source path of an account's page."""
    return f"{ACCOUNTS_DIR}/{account_id}.md"


BRIEFS_DIR = "briefs"
"""Where the brief pages of the visits go in the site (one folder per account)."""


def brief_uri(account_id: str, visit_id: str) -> str:
    """The source path of a visit's brief page (`briefs/ACCOUNT/VISIT.md`), the phone's form of its PDF brief."""
    return f"{BRIEFS_DIR}/{account_id}/{visit_id}.md"


PEOPLE_DIR = "people"
"""Where the pages of our people go in the site (beside `accounts/`, so a person never takes an account's page)."""
TEAM_URI = "team.md"
"""The source path of the Team overview page."""


def person_uri(person_id: str) -> str:
    """The source path of one of our people's page."""
    return f"{PEOPLE_DIR}/{person_id}.md"


COMPETITOR_DIR = "competitor"
"""Where the page of each competitor goes (singular: `competitors.md`, the overview, keeps its own URL)."""


def competitor_uri(slug: str) -> str:
    """The source path of one competitor's page (`slug`: see kadossier.dossier.portfolio.Rival)."""
    return f"{COMPETITOR_DIR}/{slug}.md"
