"""Lay out an agenda (kadossier.dossier.agenda) for the terminal: overdue first, then day by day, then undated.

Each line comes with a style name ('title', 'overdue', 'day', 'today', 'key', None) that the command line
turns into colours; nothing here writes to the terminal. Dates are Babel's, in the language of the labels
(the one the command speaks), as on the site: "Sat, 5 Dec 2026" / "2026年12月5日周六". Columns are aligned
by display width, a Chinese character taking two columns.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import format_skeleton

from kadossier.dossier.agenda import ACTION, FOLLOW_UP, OURS, THEIRS, VISIT, Agenda, Entry
from kadossier.i18n import ntr, tr
from kadossier.render.present import LOCALES, Presenter

ACCOUNT_WIDTH = 16
"""Account names longer than this (in columns) are cut with '…', so the descriptions line up."""


@dataclass(frozen=True, slots=True)
class Line:
    """A line of output and how to show it."""

    text: str
    style: str | None = None
    key: str = ""
    """Text shown after the line, dimmed (the id to close an item or record a visit with)."""


@cache
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def one_line(text: str) -> str:
    """Text on one line: a block of several lines (`what: |`) keeps a row of the agenda on one row."""
    return " ".join(text.split())


def day_label(day: dt.date, language: str) -> str:
    """A day with its weekday: Sat, 5 Dec 2026 / 2026年12月5日周六."""
    return str(format_skeleton("yMMMEd", day, locale=_locale(LOCALES[language])))


def width(text: str) -> int:
    """The columns `text` takes in a terminal (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """`text` cut with '…' or padded with spaces to `columns` terminal columns."""
    if width(text) > columns:
        while width(text) > columns - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (columns - width(text))


def lay_out(agenda: Agenda, presenter: Presenter) -> list[Line]:
    """The agenda as lines: a title, the overdue entries by day, each day's, the undated ones, a summary."""
    language, today = presenter.language, agenda.today
    kinds = _kind_labels(presenter)
    kind_width = max((width(_kind(e, kinds)) for e in agenda.entries), default=0) + 2
    names = [e.account_name for e in agenda.entries]
    account_width = min(ACCOUNT_WIDTH, max((width(n) for n in names), default=0))
    row = _Row(kinds, kind_width, account_width, presenter, presenter.ui["list_sep"])
    lines = [Line(_title(agenda, language), "title"), Line("")]
    overdue = agenda.overdue
    if overdue:
        lines.append(Line(tr("Overdue"), "overdue"))
        for day, group in _by_day(overdue):
            late = (today - day).days
            lines.append(Line("  " + f"{day_label(day, language)} · {_late(late)}", "overdue"))
            lines += [row.line(e) for e in group]
        lines.append(Line(""))
    ahead = agenda.days_ahead()
    if not ahead or ahead[0][0] != today:
        lines += [
            Line(tr("Today · {day}", day=day_label(today, language)), "today"),
            Line("    " + tr("nothing due today")),
            Line(""),
        ]
    for day, group in ahead:
        if day == today:
            heading = tr("Today · {day}", day=day_label(today, language))
        else:
            heading = f"{day_label(day, language)} · {_soon((day - today).days)}"  # a separator in either language
        lines.append(Line(heading, "today" if day == today else "day"))
        lines += [row.line(e) for e in group]
        lines.append(Line(""))
    if agenda.undated:
        lines.append(Line(tr("No date"), "day"))
        lines += [row.line(e) for e in agenda.undated]
        lines.append(Line(""))
    lines.append(Line(_summary(agenda), "overdue" if overdue else None))
    return lines


def _kind_labels(presenter: Presenter) -> dict[str, str]:
    ui = presenter.ui
    return {
        ACTION: ui["agenda_action"],
        OURS: ui["agenda_ours"],
        THEIRS: ui["agenda_theirs"],
        FOLLOW_UP: ui["agenda_follow_up"],
        **{kind: presenter.label("visit_kind", kind) for kind in presenter.labels["vocab"]["visit_kind"]},
    }


@dataclass(frozen=True, slots=True)
class _Row:
    kinds: dict[str, str]
    kind_width: int
    account_width: int
    presenter: Presenter
    separator: str
    """Between names: ', ' / '、'."""

    def line(self, entry: Entry) -> Line:
        """`    09:30 Visit   Account   what · where  (who)` and the key to act on it."""
        kind = _kind(entry, self.kinds)
        what = one_line(entry.what) or "–"
        if entry.kind == VISIT and entry.detail:
            what = tr("{what} · at {place}", what=what, place=entry.detail)
        elif entry.kind == THEIRS and entry.detail:
            what = tr("{what} · promised by {person}", what=what, person=entry.detail)
        elif entry.kind == FOLLOW_UP and entry.detail:
            what = tr(
                "since the visit of {day}: {what}",
                day=self.presenter.date(dt.date.fromisoformat(entry.detail)),
                what=what,
            )
        if entry.kind == VISIT and entry.unconfirmed:
            what = tr("{what} · not confirmed: call ahead", what=what)
        who = self.separator.join(n for n in entry.who if n)
        text = f"    {pad(kind, self.kind_width)}{pad(entry.account_name, self.account_width)}  {what}"
        return Line(text + ("  " + tr("({names})", names=who) if who else ""), None, f"{entry.account} {entry.key}")


def _kind(entry: Entry, kinds: dict[str, str]) -> str:
    """What an entry is: Action, We promised, ..., a visit's kind with its time (09:30 Visit)."""
    if entry.kind != VISIT:
        return kinds[entry.kind]
    kind = kinds.get(entry.visit_kind or "visit", entry.visit_kind or "")
    return f"{entry.time:%H:%M} {kind}" if entry.time is not None else kind


def _by_day(entries: list[Entry]) -> list[tuple[dt.date, list[Entry]]]:
    groups: dict[dt.date, list[Entry]] = {}
    for e in entries:
        assert e.day is not None
        groups.setdefault(e.day, []).append(e)
    return list(groups.items())


def _title(agenda: Agenda, language: str) -> str:
    first, last = day_label(agenda.today, language), day_label(agenda.today + dt.timedelta(days=agenda.days), language)
    if agenda.member is None:
        return tr("Agenda of the team · {first} – {last}", first=first, last=last)
    return tr("Agenda of {name} · {first} – {last}", name=agenda.member.name, first=first, last=last)


def _late(days: int) -> str:
    return ntr("{n} day overdue", "{n} days overdue", days)


def _soon(days: int) -> str:
    return tr("tomorrow") if days == 1 else ntr("in {n} day", "in {n} days", days)


def _summary(agenda: Agenda) -> str:
    overdue = len(agenda.overdue)
    ahead = sum(len(group) for _, group in agenda.days_ahead())
    if not overdue and not ahead and not agenda.undated:
        return ntr("nothing due in the next {n} day", "nothing due in the next {n} days", agenda.days)
    late = ntr("{n} overdue", "{n} overdue", overdue)
    coming = ntr("{n} in the next {days} days", "{n} in the next {days} days", ahead, days=agenda.days)
    if not agenda.undated:
        return tr("{overdue}, {ahead}", overdue=late, ahead=coming)
    undated = ntr("{n} without a date", "{n} without a date", len(agenda.undated))
    return tr("{overdue}, {ahead}, {undated}", overdue=late, ahead=coming, undated=undated)


__all__ = ["Line", "day_label", "lay_out", "one_line", "pad", "width"]
