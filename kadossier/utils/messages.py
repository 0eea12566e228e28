"""How messages name things: a path as the user would write it, and the closest known word for a typo."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from pathlib import Path

from kadossier.i18n import tr


def display_path(path: Path) -> str:
    """Return how messages show `path`: as given when relative, relative to here when below it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest known word, or an empty string.

    The hint ends a message (`tr("unknown field '{field}'{hint}", ..., hint=did_you_mean(...))`), so it starts
    with its own separator, in the active language.
    """
    close = get_close_matches(word, sorted(known), n=1)
    return tr("; did you mean '{word}'?", word=close[0]) if close else ""
