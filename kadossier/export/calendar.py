"""The visits as iCalendar (RFC 5545) feeds, for people's calendars: the team's, and each person's.

- `calendar`: every visit of every account (the team's `visits.ics`).
- `feeds`: each of our people's own feed, the one an account manager subscribes to on the phone: the visits
  they attend (in the visit's `ours`; a visit that names nobody on our side is its account owner's, who has to
  see that someone goes), the follow-up dates of those visits' records, and the due dates of the actions and
  our commitments they owe (all-day events that do not block the day: 'Due: what · account'). A person is
  matched by name or former name through the roster, so a renamed owner keeps one feed.

Every event has a stable UID, so that a re-import updates instead of duplicating: a visit's is the same in
the team's feed and in a person's (it is the same event); an action's or a commitment's comes from its id or
its stable key, never its place in a list. Visits are kept when done or cancelled (a subscribed feed that
dropped past events would delete them from people's calendars); a done action or commitment stays on its
due date as "Done: …"; a dropped one leaves the feed (phone calendars do not agree on how to show a
STATUS:CANCELLED event: some still show it as due; a subscription deletes an event that leaves its feed).
Times are in the workspace's time zone (with its VTIMEZONE), or floating local times when none is set; a
visit without a time is an all-day event. Redaction is the caller's: pass redacted accounts (the redacted
edition has no personal feeds at all).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kadossier.dossier.followup import FollowUp, Owed, follow_ups, owed
from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.portfolio import Account
from kadossier.dossier.roster import Member, Roster
from kadossier.dossier.vocab import ActionStatus, VisitStatus
from kadossier.export.tables import text
from kadossier.render.present import Presenter, items
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map

VISIT_MINUTES = 60
"""How long a visit with a start time is assumed to last (the dossier has no end time)."""


def uid(account_id: str, visit_id: str) -> str:
    """The event's stable identity: the same account and visit always give the same UID."""
    return f"{account_id}.{visit_id}@kadossier"


def due_uid(account_id: str, item: Owed) -> str:
    """The stable identity of an action's or a commitment's due date: from its id or key, not its position."""
    return f"{account_id}.{item.kind}.{item.key}@kadossier"


def follow_up_uid(account_id: str, visit_id: str) -> str:
    """The stable identity of a visit record's follow-up date."""
    return f"{account_id}.{visit_id}.follow-up@kadossier"


def calendar(
    accounts: Iterable[Account],
    presenter: Presenter,
    *,
    timezone: str | None = None,
    name: str = "",
    page_url: Callable[[str], str] | None = None,
) -> bytes:
    """An iCalendar (RFC 5545) file of every visit of every account.

    The events of many accounts are made and serialized by worker processes (icalendar takes about half a
    millisecond per event; a thousand accounts have thousands of visits), then joined in account order.
    """
    ordered = sorted(accounts, key=lambda a: a.id)
    context = _Events(ordered, presenter, ZoneInfo(timezone) if timezone else None, page_url, None)
    parts = parallel_map(_visits, _chunks(ordered), context=context, at_least=2)
    events = [event for part in parts for event in part]
    return _wrap(events, name or presenter.ui["visits"], presenter, timezone)


def feeds(
    accounts: Iterable[Account],
    roster: Roster,
    presenter: Presenter,
    *,
    timezone: str | None = None,
    page_url: Callable[[str], str] | None = None,
    only: Member | None = None,
) -> dict[str, bytes]:
    """Each person's calendar feed (or only `only`'s), by their id: every member of the roster has one, even
    an empty one (their page links it).

    The accounts are gone through once, by worker processes for many accounts; each event is serialized
    once, however many people's feeds it is in.
    """
    ordered = sorted(accounts, key=lambda a: a.id)
    context = _Events(ordered, presenter, ZoneInfo(timezone) if timezone else None, page_url, roster)
    parts = parallel_map(_personal, _chunks(ordered), context=context, at_least=2)
    people = [only] if only is not None else roster.members
    found: dict[str, list[_Event]] = defaultdict(list)
    for part in parts:
        for ident, events in part.items():
            found[ident] += events
    return {
        m.id: _wrap(found[m.id], presenter.ui["calendar_personal_name"].format(name=m.name), presenter, timezone)
        for m in people
    }


def _chunks(ordered: list[Account]) -> list[slice]:
    """Slices of the accounts for the workers: a few per core, or one for few accounts."""
    step = max(1, len(ordered) // ((os.cpu_count() or 1) * 4) if len(ordered) >= PARALLEL_FROM else len(ordered))
    return [slice(i, i + step) for i in range(0, len(ordered), step)]


_Event = tuple[bytes, bool]
"""A serialized VEVENT, and whether it has a time in the workspace's time zone (it needs the VTIMEZONE)."""


def _wrap(events: list[_Event], name: str, presenter: Presenter, timezone: str | None) -> bytes:
    """The VCALENDAR around serialized events, with the VTIMEZONE when an event refers to it."""
    from icalendar import Calendar, Timezone

    cal = Calendar()
    cal.add("prodid", "-//kadossier//key-account visits//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if timezone:
        cal.add("x-wr-timezone", timezone)
    if timezone and any(zoned for _, zoned in events):
        cal.add_component(Timezone.from_tzid(timezone))  # the VTIMEZONE the events' TZID refers to
    end = b"END:VCALENDAR\r\n"
    head = bytes(cal.to_ical())
    assert head.endswith(end)
    return head[: -len(end)] + b"".join(event for event, _ in events) + end


@dataclass(frozen=True, slots=True)
class _Events:
    """What the workers that make the events need: the accounts in order, how to present them, and (for the
    personal feeds) who our people are."""

    accounts: list[Account]
    presenter: Presenter
    zone: ZoneInfo | None
    page_url: Callable[[str], str] | None
    roster: Roster | None

    @property
    def stamp(self) -> dt.datetime:
        """The events' DTSTAMP: the day the feed is made as of (so that the same day gives the same bytes)."""
        return dt.datetime.combine(self.presenter.today, dt.time(), dt.UTC)


def _visits(context: _Events, chunk: slice) -> list[_Event]:
    """The VEVENTs of every visit of the accounts in `chunk`."""
    return [
        _visit_event(context, account, visit)
        for account in context.accounts[chunk]
        for visit in sorted(account.dossier.visits, key=lambda v: (v.sort_key, v.id))
    ]


def _personal(context: _Events, chunk: slice) -> dict[str, list[_Event]]:
    """The VEVENTs of the accounts in `chunk` for each person they concern, by person id."""
    roster = context.roster
    assert roster is not None

    def ids(names: Iterable[str]) -> set[str]:
        return {m.id for name in names if (m := roster.member(name)) is not None}

    found: dict[str, list[_Event]] = defaultdict(list)
    for account in context.accounts[chunk]:
        d = account.dossier
        checked = {f.visit.id: f for f in follow_ups(d)}
        for visit in sorted(d.visits, key=lambda v: (v.sort_key, v.id)):
            who = ids(visit.ours or [d.owner])  # a visit that names nobody of ours is its owner's to make
            if who:
                event = _visit_event(context, account, visit)
                for ident in who:
                    found[ident].append(event)
            follow = checked.get(visit.id)
            if follow is not None and who:
                event = _follow_up_event(context, account, follow)
                for ident in who:
                    found[ident].append(event)
        for item in owed(d):
            if item.ours and item.owner and item.status is not ActionStatus.DROPPED and item.due is not None:
                for ident in ids([item.owner]):
                    found[ident].append(_due_event(context, account, item))
    return found


def _visit_event(context: _Events, account: Account, visit: Visit) -> _Event:
    """A visit as a VEVENT: at its time for an hour, or all day."""
    from icalendar import Event

    presenter, zone, d = context.presenter, context.zone, account.dossier
    event = Event()
    event.add("uid", uid(account.id, visit.id))
    event.add("dtstamp", context.stamp)
    event.add("summary", f"{d.display_name}{presenter.ui['colon']}{_objective(visit, presenter)}")
    zoned = False
    if isinstance(visit.date, dt.datetime):
        start = visit.date.replace(tzinfo=zone) if zone else visit.date
        zoned = zone is not None
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=VISIT_MINUTES))
    else:
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + dt.timedelta(days=1))
    if visit.location:
        event.add("location", visit.location)
    event.add("description", _description(d, visit, presenter))
    event.add("status", "CANCELLED" if visit.status is VisitStatus.CANCELLED else "CONFIRMED")
    event.add("categories", [presenter.label("visit_kind", visit.kind)])
    event.add("transp", "OPAQUE")
    if context.page_url is not None:
        event.add("url", context.page_url(account.id) + f"#visit-{visit.id}")
    return bytes(event.to_ical()), zoned


def _due_event(context: _Events, account: Account, item: Owed) -> _Event:
    """An action's or our commitment's due date as an all-day event: 'Due: what · account'."""
    presenter, d = context.presenter, account.dossier
    ui, colon = presenter.ui, presenter.ui["colon"]
    assert item.due is not None
    done = item.status is ActionStatus.DONE
    title = ui["done_event" if done else "due_event"].format(what=_first_line(item.what), account=d.display_name)
    lines = [f"{ui['account']}{colon}{d.name}", f"{ui[item.kind]}{colon}{text(item.what)}"]
    lines.append(f"{presenter.field('status')}{colon}{presenter.label('action_status', item.status)}")
    if (project := d.project(item.project)) is not None:
        lines.append(f"{presenter.field('project')}{colon}{project.name}")
    if item.kind == "action" and item.people:
        lines.append(f"{presenter.field('with')}{colon}{ui['list_sep'].join(_names(d, item.people))}")
    if (visit := d.visit(item.visit) if item.visit else None) is not None:
        lines.append(f"{ui['promised_at_visit']}{colon}{presenter.date(visit.day)} {_objective(visit, presenter)}")
    if item.notes:
        lines.append(f"{presenter.field('notes')}{colon}{text(item.notes)}")
    anchor = f"#visit-{item.visit}" if item.visit else ""
    category = ui["action"] if item.kind == "action" else ui["commitment"]
    return _all_day(context, account, due_uid(account.id, item), item.due, title, lines, category, anchor)


def _follow_up_event(context: _Events, account: Account, follow: FollowUp) -> _Event:
    """A visit record's follow-up date as an all-day event: 'Follow up: account'."""
    presenter, d, visit = context.presenter, account.dossier, follow.visit
    ui, colon = presenter.ui, presenter.ui["colon"]
    title = ui["followed_up_event" if follow.done else "follow_up_event"].format(account=d.display_name)
    lines = [f"{ui['account']}{colon}{d.name}"]
    lines.append(f"{ui['previous_visit']}{colon}{presenter.date(visit.day)} {_objective(visit, presenter)}")
    if visit.theirs:
        lines.append(f"{ui['their_attendees']}{colon}{ui['list_sep'].join(_names(d, visit.theirs))}")
    if visit.record and visit.record.next_steps:
        lines.append(f"{presenter.field('next_steps')}{colon}{text(visit.record.next_steps)}")
    uid_ = follow_up_uid(account.id, visit.id)
    return _all_day(context, account, uid_, follow.due, title, lines, ui["follow_up_category"], f"#visit-{visit.id}")


def _all_day(
    context: _Events,
    account: Account,
    ident: str,
    day: dt.date,
    title: str,
    lines: list[str],
    category: str,
    anchor: str,
) -> _Event:
    """An all-day event that does not block the day (a due date is not a meeting)."""
    from icalendar import Event

    event = Event()
    event.add("uid", ident)
    event.add("dtstamp", context.stamp)
    event.add("summary", title)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    if context.page_url is not None:
        event.add("url", context.page_url(account.id) + anchor)
    return bytes(event.to_ical()), False


def _first_line(value: str) -> str:
    """The first line of a text (a summary line holds one)."""
    return (value.strip().splitlines() or [""])[0]


def _objective(visit: Visit, presenter: Presenter) -> str:
    """The first line of a visit's objective, else its kind: what the visit is, in a few words."""
    return (text(visit.objective).splitlines() or [presenter.label("visit_kind", visit.kind)])[0]


def _names(d: Dossier, ids: Iterable[str]) -> list[str]:
    return [person.name if (person := d.person(pid)) else pid for pid in ids]


def _description(d: Dossier, visit: Visit, presenter: Presenter) -> str:
    ui, field = presenter.ui, presenter.field
    colon, comma = ui["colon"], ui["list_sep"]  # ": " and ", " in English, full-width in Chinese
    lines = [f"{ui['account']}{colon}{d.name}"]
    if visit.objective:
        lines.append(f"{ui['objective']}{colon}{text(visit.objective)}")
    project = d.project(visit.project)
    if project is not None:
        lines.append(f"{field('project')}{colon}{project.name}")
    if visit.ours:
        lines.append(f"{ui['our_attendees']}{colon}{comma.join(visit.ours)}")
    if visit.theirs:
        names = []
        for pid in visit.theirs:
            person = d.person(pid)
            names.append(pid if person is None else f"{person.name} ({person.title})" if person.title else person.name)
        lines.append(f"{ui['their_attendees']}{colon}{comma.join(names)}")
    if visit.agenda:
        lines.append(f"{field('agenda')}{colon.rstrip()}")
        lines += [f"- {item}" for item in items(visit.agenda)]
    return "\n".join(lines)
