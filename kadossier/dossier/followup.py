"""Follow-through (持续跟进): what each side owes and when to get back to the account.

An account's actions (the account plan's 行动计划) and the structured commitments of its visit records are
one kind of thing here, an `Owed` item: something someone promised by a date, open until done or dropped.
A visit record's `follow_up` date is a `FollowUp`. Both know whether they are overdue as of a day; the
red flags (kadossier.dossier.checks), the pages, the calendars and `kadossier agenda` all read these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.vocab import ActionStatus, VisitStatus

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Owed:
    """An action, or a commitment made at a visit: ours when `owner` is set, theirs when `person` is."""

    kind: str
    """'action' or 'commitment'."""
    key: str
    """Its id (an action's, or a commitment's own), else a key made from its visit and its text: stable."""
    what: str
    owner: str | None
    """Who on our side owes it, by name."""
    person: str | None
    """Who on their side owes it, by person id (a commitment of theirs)."""
    due: dt.date | None
    status: ActionStatus
    project: str | None
    people: tuple[str, ...]
    """Their people it involves, by id: an action's `with`, a commitment's `person` (and its visit's attendees)."""
    visit: str | None
    """The id of the visit it was promised at (commitments)."""
    loc: Loc
    """Where it is in the dossier."""
    notes: str | list[str] | None = None

    @property
    def is_open(self) -> bool:
        """Still owed."""
        return self.status is ActionStatus.OPEN

    @property
    def ours(self) -> bool:
        """Our side owes it (an action, or our commitment)."""
        return self.person is None

    def overdue(self, today: dt.date) -> bool:
        """Open and its due date is before `today` (due today is not overdue)."""
        return self.is_open and self.due is not None and self.due < today

    def days_overdue(self, today: dt.date) -> int:
        """Days past its due date (0 if not overdue)."""
        return (today - self.due).days if self.due is not None and self.overdue(today) else 0

    def sort_key(self, today: dt.date) -> tuple[bool, dt.date, str]:
        """Overdue first, then by due date (undated last), then by key."""
        return (not self.overdue(today), self.due or dt.date.max, self.key)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A visit record's follow-up date (定期回访) and whether we have been back in touch since."""

    visit: Visit
    due: dt.date
    done: bool
    """A visit of the account was done, or one of the visit's attendees was contacted, on or after the date."""
    loc: Loc

    def missed(self, today: dt.date) -> bool:
        """The date has passed with no contact since (the day itself is not missed)."""
        return not self.done and self.due < today


def owed(dossier: Dossier) -> list[Owed]:
    """Every action and structured commitment of the dossier, in file order."""
    items = [
        Owed(
            kind="action",
            key=a.id,
            what=a.what,
            owner=a.owner,
            person=None,
            due=a.due,
            status=a.status,
            project=a.project,
            people=tuple(a.with_),
            visit=None,
            loc=("actions", i),
            notes=a.notes,
        )
        for i, a in enumerate(dossier.actions)
    ]
    for i, visit in enumerate(dossier.visits):
        for j, c in enumerate(visit.record.promises if visit.record else []):
            people = (c.person,) if c.person else tuple(visit.theirs)
            items.append(
                Owed(
                    kind="commitment",
                    key=c.key(visit.id),
                    what=c.what,
                    owner=c.owner,
                    person=c.person,
                    due=c.due,
                    status=c.status,
                    project=visit.project,
                    people=people,
                    visit=visit.id,
                    loc=("visits", i, "record", "commitments", j),
                )
            )
    return items


def seen_to_by(dossier: Dossier, visit: Visit) -> list[str]:
    """Who on our side sees to a visit, its follow-up and the promises the customer made at it: our people at
    it, else the account's owner (a visit that names nobody of ours is still somebody's)."""
    return list(dict.fromkeys(visit.ours)) or [dossier.owner]


def owed_by(dossier: Dossier, item: Owed) -> list[str]:
    """Who on our side an item is for: its owner (an action nobody owns: the account's owner), or for the
    customer's promise, whoever sees to the visit it was made at."""
    if item.ours:
        return [item.owner or dossier.owner]
    visit = dossier.visit(item.visit) if item.visit else None
    return seen_to_by(dossier, visit) if visit is not None else [dossier.owner]


def open_owed(dossier: Dossier, today: dt.date) -> list[Owed]:
    """The items still owed, overdue first, then by due date."""
    return sorted((o for o in owed(dossier) if o.is_open), key=lambda o: o.sort_key(today))


def follow_ups(dossier: Dossier) -> list[FollowUp]:
    """The follow-up dates of the visit records, each with whether we have been back in touch since."""
    done_days = [v.day for v in dossier.visits if v.status is VisitStatus.DONE]
    contacts = {p.id: p.last_contact for p in dossier.people if p.last_contact}
    found = []
    for i, visit in enumerate(dossier.visits):
        date = visit.record.follow_up if visit.record else None
        if date is None:
            continue
        touched = any(day >= date for day in done_days) or any(
            (contacts.get(ref) or dt.date.min) >= date for ref in visit.theirs
        )
        found.append(FollowUp(visit, date, touched, ("visits", i, "record", "follow_up")))
    return found


def involving(items: list[Owed], visit: Visit) -> list[Owed]:
    """The items that concern a visit (not promised at it): its project's, its attendees' on either side."""
    theirs, ours = set(visit.theirs), set(visit.ours)
    return [
        o
        for o in items
        if o.visit != visit.id
        and (
            (visit.project is not None and o.project == visit.project)
            or theirs.intersection(o.people)
            or o.owner in ours
        )
    ]


@dataclass(frozen=True)
class FollowThrough:
    """The follow-through of one dossier as of one day, as an account page, a pack and a brief list it: each
    selection made once (the rules are the functions above)."""

    dossier: Dossier
    today: dt.date

    @cached_property
    def items(self) -> list[Owed]:
        """Every action and structured commitment, in file order."""
        return owed(self.dossier)

    @cached_property
    def open(self) -> list[Owed]:
        """What is still owed, overdue first."""
        return open_owed(self.dossier, self.today)

    @cached_property
    def actions(self) -> list[Owed]:
        """Every action: the open ones first (overdue first, then by due date), then the done and dropped."""
        listed = [o for o in self.items if o.kind == "action"]
        return sorted(listed, key=lambda o: (not o.is_open, *o.sort_key(self.today)))

    @cached_property
    def open_commitments(self) -> list[Owed]:
        """The open commitments made at visits, ours and theirs, overdue first."""
        return [o for o in self.open if o.kind == "commitment"]

    @cached_property
    def overdue(self) -> list[Owed]:
        """The open items past their due date."""
        return [o for o in self.open if o.overdue(self.today)]

    @cached_property
    def by_key(self) -> dict[tuple[str | None, str], Owed]:
        """Every commitment by its visit and key (a visit record's table looks its own up)."""
        return {(o.visit, o.key): o for o in self.items if o.kind == "commitment"}

    def made_at(self, visit: Visit) -> list[Owed]:
        """The structured commitments of a visit's record, in the record's order."""
        return [o for o in self.items if o.kind == "commitment" and o.visit == visit.id]

    def promises(self, visit: Visit) -> list[Owed]:
        """What a visit's brief recalls: the open items that involve its attendees or its project, overdue first."""
        return involving(self.open, visit)


__all__ = [
    "FollowThrough",
    "FollowUp",
    "Owed",
    "follow_ups",
    "involving",
    "open_owed",
    "owed",
    "owed_by",
    "seen_to_by",
]
