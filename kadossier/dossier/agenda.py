"""What is coming up and what is late, across the accounts: the agenda `kadossier agenda` prints.

An agenda is a list of `Entry`s: planned visits, open actions, open commitments (ours and theirs) and the
follow-up dates of visit records (kadossier.dossier.followup), each with the day it falls on and the names of
our people it is for. Entries run from anything overdue (a planned visit whose day has passed without a
record counts) through `today + days` inclusive, as the dashboard's upcoming visits do; open items without a
date are listed too, last. Who an entry is for is the rule the Team pages and the feeds read too
(kadossier.dossier.followup `seen_to_by`, `owed_by`): a visit, its follow-up and the customer's promises made
at it are our attendees', else the account owner's; an action or our commitment is its owner's (an action
nobody owns: the account owner's, who has to give it one).

`read_agenda` checks every dossier file in worker processes (as `validate` does) and computes each file's
entries there, so that only the entries, the problems and the names cross back; the files unchanged since the
last agenda come from its cache (kadossier.dossier.agenda_cache) instead. The roster that resolves `--owner` is
made from the names of every valid dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.followup import follow_ups, owed, owed_by, seen_to_by
from kadossier.dossier.model import Dossier
from kadossier.dossier.roster import Member, Roster, RosterEntry, names_in
from kadossier.dossier.vocab import VisitStatus
from kadossier.errors import Problem
from kadossier.utils.parallel import parallel_map

VISIT, ACTION, OURS, THEIRS, FOLLOW_UP = "visit", "action", "ours", "theirs", "follow-up"
"""The kinds of entries: a planned visit, an action, our commitment, their commitment, a follow-up date."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing on the agenda: something to attend, do, chase or follow up, on a day (or undated)."""

    kind: str
    account: str
    """The account's id (its file name)."""
    account_name: str
    """The account's short name (or name)."""
    day: dt.date | None
    time: dt.time | None
    """A visit's time, when it has one."""
    what: str
    key: str
    """A visit's id, an action's id, a commitment's key (its id, or the stable key made from its text)."""
    who: tuple[str, ...]
    """The names of our people it is for."""
    detail: str | None = None
    """A visit's location; the name of their person who promised a commitment; a follow-up's visit's day."""
    visit_kind: str | None = None
    """A visit's kind (visit, call, meeting, ...)."""
    unconfirmed: bool = False
    """A visit whose appointment is not known to be agreed (电话预约: call ahead)."""

    def to_json(self) -> list[object]:
        """The entry as JSON values (for the agenda's cache)."""
        day = self.day.isoformat() if self.day else None
        time = self.time.isoformat("minutes") if self.time else None
        return [
            self.kind,
            self.account,
            self.account_name,
            day,
            time,
            self.what,
            self.key,
            list(self.who),
            self.detail,
            self.visit_kind,
            self.unconfirmed,
        ]

    @classmethod
    def from_json(cls, values: list[Any]) -> Entry:
        """The entry `to_json` wrote."""
        kind, account, name, day, time, what, key, who, detail, visit_kind, unconfirmed = values
        return cls(
            kind,
            account,
            name,
            dt.date.fromisoformat(day) if day else None,
            dt.time.fromisoformat(time) if time else None,
            what,
            key,
            tuple(who),
            detail,
            visit_kind,
            bool(unconfirmed),
        )

    def overdue(self, today: dt.date) -> bool:
        """Its day has passed (due today is not overdue)."""
        return self.day is not None and self.day < today

    def sort_key(self) -> tuple[dt.date, int, dt.time, str, str]:
        """By day (undated last), visits first and by time, then by account and key."""
        order = 0 if self.kind == VISIT else 1
        return (self.day or dt.date.max, order, self.time or dt.time.min, self.account, self.key)


def entries(dossier: Dossier, account: str) -> list[Entry]:
    """Every entry the dossier may put on an agenda, whatever the day: its planned visits, its open actions
    and commitments, its follow-ups with no contact since (`make_agenda` keeps those of the days it covers)."""
    name = dossier.display_name
    found: list[Entry] = []
    for visit in dossier.visits:
        if visit.status is VisitStatus.PLANNED:
            time = visit.date.time() if isinstance(visit.date, dt.datetime) else None
            what = visit.objective if isinstance(visit.objective, str) else "; ".join(visit.objective or [])
            who = tuple(seen_to_by(dossier, visit))
            kind = visit.kind.value
            place, unconfirmed = visit.location, visit.confirmed is not True
            found.append(Entry(VISIT, account, name, visit.day, time, what, visit.id, who, place, kind, unconfirmed))
    for item in owed(dossier):
        if not item.is_open:
            continue
        who = tuple(owed_by(dossier, item))
        if item.kind == "action":
            found.append(Entry(ACTION, account, name, item.due, None, item.what, item.key, who))
        elif item.ours:
            found.append(Entry(OURS, account, name, item.due, None, item.what, item.key, who))
        else:
            person = dossier.person(item.person) if item.person else None
            shown = person.name if person is not None else item.person
            found.append(Entry(THEIRS, account, name, item.due, None, item.what, item.key, who, shown))
    for follow in follow_ups(dossier):
        if not follow.done:
            objective = follow.visit.objective
            about = objective if isinstance(objective, str) else "; ".join(objective or [])
            who = tuple(seen_to_by(dossier, follow.visit))
            day = follow.visit.day.isoformat()
            found.append(Entry(FOLLOW_UP, account, name, follow.due, None, about, follow.visit.id, who, day))
    return found


@dataclass(slots=True)
class AccountAgenda:
    """One dossier file's part of the agenda: its entries and names if it is valid, else its errors."""

    path: Path
    errors: list[Problem]
    entries: list[Entry] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    """The names of our people it mentions (for the roster)."""


def read_agenda(
    paths: Sequence[Path],
    today: dt.date,
    *,
    roster: frozenset[str] = frozenset(),
    fields: CustomFields = NO_FIELDS,
    jobs: int | None = None,
    cache_file: Path | None = None,
) -> list[AccountAgenda]:
    """Check every file and compute its entries, in worker processes when there are enough files.

    With a `cache_file` (kadossier.dossier.agenda_cache), the valid files whose bytes are as when they were
    last checked are not checked again: what they put on an agenda depends on their bytes only.
    """
    from kadossier.dossier.agenda_cache import AgendaCache

    store = AgendaCache.load(cache_file) if cache_file is not None else None
    known = [store.get(p) if store is not None else None for p in paths]
    missing = [p for p, part in zip(paths, known, strict=True) if part is None]
    computed = iter(parallel_map(_read_one, missing, context=(today, roster, fields), jobs=jobs))
    parts = [part if part is not None else next(computed) for part in known]
    if store is not None:
        store.save(parts)
    return parts


def _read_one(context: tuple[dt.date, frozenset[str], CustomFields], path: Path) -> AccountAgenda:
    from kadossier.dossier.validate import check_file

    today, roster, fields = context
    checked = check_file(path, today, roster=roster, fields=fields)
    if checked.dossier is None:
        return AccountAgenda(path, checked.errors)
    dossier = checked.dossier
    return AccountAgenda(path, [], entries(dossier, checked.account), names_in(dossier))


@dataclass(frozen=True, slots=True)
class Agenda:
    """The entries of every valid account (for one person, or everyone), sorted, and the files left out."""

    today: dt.date
    days: int
    entries: list[Entry]
    member: Member | None
    """Whose agenda it is (None: everyone's)."""
    invalid: list[Problem]
    """The errors of the dossiers that could not be read; their entries are missing."""

    @property
    def overdue(self) -> list[Entry]:
        """The entries whose day has passed, oldest first."""
        return [e for e in self.entries if e.overdue(self.today)]

    def days_ahead(self) -> list[tuple[dt.date, list[Entry]]]:
        """The entries from today on, grouped by day, soonest first."""
        groups: dict[dt.date, list[Entry]] = {}
        for e in self.entries:
            if e.day is not None and e.day >= self.today:
                groups.setdefault(e.day, []).append(e)
        return list(groups.items())

    @property
    def undated(self) -> list[Entry]:
        """The open items without a date."""
        return [e for e in self.entries if e.day is None]


def make_agenda(
    parts: Sequence[AccountAgenda], today: dt.date, days: int, member: Member | None, roster: Roster | None = None
) -> Agenda:
    """The agenda of `member` (resolved in `roster`; everyone's when None) from `today` through `today + days`
    (and whatever is overdue or undated), sorted overdue first."""
    last = today + dt.timedelta(days=days)
    found = [e for p in parts for e in p.entries if e.day is None or e.day <= last]
    if member is not None and roster is not None:
        found = [e for e in found if any(roster.member(n) == member for n in e.who if n)]
    found.sort(key=Entry.sort_key)
    return Agenda(today, days, found, member, [e for p in parts for e in p.errors])


def workspace_roster(declared: Sequence[RosterEntry], parts: Sequence[AccountAgenda]) -> Roster:
    """The roster of the declared people and every name the valid dossiers mention."""
    return Roster(declared, (n for p in parts for n in p.names))


__all__ = [
    "AccountAgenda",
    "Agenda",
    "Entry",
    "entries",
    "make_agenda",
    "read_agenda",
    "workspace_roster",
]
