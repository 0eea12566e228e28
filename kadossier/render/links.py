"""Where things are in the built site: the account pages and the briefing PDFs (the site and the PDFs link them)."""

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
