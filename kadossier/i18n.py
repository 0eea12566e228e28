"""The language of messages: gettext catalogs compiled by Babel, and the one active language.

Every sentence a user reads — validation problems, red flags, errors, command summaries — is written in
English in the source as `tr("no person with id '{ref}'", ref=ref)` and looked up in
`kadossier/locale/<language>/LC_MESSAGES/messages.mo` for the active language. Braces are placeholders,
filled after translation (a literal brace is written twice). `pybabel extract` finds the messages by the
`tr`/`ntr` keywords (see README, "Translations").

The active language is a context variable: the CLI sets it for a command (`--lang`, else the workspace's
`language`, else English — never the environment's LANG); a build sets the workspace's language for the
documents it writes. Worker processes are forked, so they inherit it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "zh")
"""The languages kadossier speaks; English is the source language."""
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the catalogs live: `<language>/LC_MESSAGES/messages.po` and the compiled `.mo`."""

_active: ContextVar[str] = ContextVar("kadossier_language", default="en")


def active() -> str:
    """The language messages are written in now."""
    return _active.get()


def activate(language: str) -> None:
    """Make `language` the language of messages from here on in this context (a build's entry point)."""
    _active.set(language if language in LANGUAGES else "en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write messages in `language` inside the block, and in the previous language after it."""
    token = _active.set(language if language in LANGUAGES else "en")
    try:
        yield
    finally:
        _active.reset(token)


@cache
def _catalog(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def tr(message: str, /, **params: Any) -> str:
    """`message` in the active language, its `{placeholders}` filled from `params`."""
    return _catalog(_active.get()).gettext(message).format(**params)


def ntr(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or plural form of a message about `n` things (`{n}` is filled with the count)."""
    return _catalog(_active.get()).ngettext(singular, plural, n).format(n=n, **params)
