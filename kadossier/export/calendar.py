"""The visits as iCalendar (RFC 5545) feeds, for people's calendars: the team's, and each person's.

- `calendars` makes both kinds in one pass over the accounts; `calendar` and `feed` make one.
- The team's feed (`visits.ics`): every visit of every account.
- Each of our people's own feed, the one an account manager subscribes to on the phone: the visits
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
from typing import Any
from zoneinfo import ZoneInfo

from kadossier.dossier.followup import FollowUp, Owed, follow_ups, owed, owed_by, seen_to_by
from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.portfolio import Account
from kadossier.dossier.roster import Member, Roster
from kadossier.dossier.vocab import ActionStatus, VisitStatus
from kadossier.export.tables import text
from kadossier.render.brief import briefed
from kadossier.render.links import account_uri, brief_uri
from kadossier.render.present import Presenter, items
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map

VISIT_MINUTES = 60
"""How long a visit with a start time but no `duration` is assumed to last."""


def uid(account_id: str, visit_id: str) -> str:
    """The event's stable identity: the same account and visit always give the same UID."""
    return f"{account_id}.{visit_id}@kadossier"


def due_uid(account_id: str, item: Owed) -> str:
    """The stable identity of an action's or a commitment's due date: from its id or key, not its position."""
    return f"{account_id}.{item.kind}.{item.key}@kadossier"


def follow_up_uid(account_id: str, visit_id: str) -> str:
    """The stable identity of a visit record's follow-up date."""
    return f"{account_id}.{visit_id}.follow-up@kadossier"


@dataclass(frozen=True, slots=True)
class Calendars:
    """The team's feed (every visit) and each person's feed by their id, made in one pass."""

    team: bytes | None
    personal: dict[str, bytes]


def calendars(
    accounts: Iterable[Account],
    presenter: Presenter,
    *,
    timezone: str | None = None,
    name: str = "",
    page_url: Callable[[str], str] | None = None,
    team: bool = True,
    roster: Roster | None = None,
    only: Member | None = None,
) -> Calendars:
    """The team's feed (if `team`) and, given the `roster`, each person's (or only `only`'s): every member
    of the roster has one, even an empty one (their page links it).

    The events of many accounts are made and serialized by worker processes (icalendar takes about half a
    millisecond per event; a thousand accounts have thousands of visits), then joined in account order; a
    visit is serialized once, however many feeds it is in.
    """
    ordered = sorted(accounts, key=lambda a: a.id)
    zone = ZoneInfo(timezone) if timezone else None
    context = _Events(ordered, presenter, zone, page_url, team, roster, only.id if only else None)
    parts = parallel_map(_events, _chunks(ordered), context=context, at_least=2)
    zoned = any(z for visits, personal in parts for events in (visits, *personal.values()) for _, z in events)
    vtimezone = _vtimezone(timezone) if zoned else b""
    visits = [event for every, _ in parts for event in every]
    team_feed = _wrap(visits, name or presenter.ui["visits"], timezone, vtimezone) if team else None
    found: dict[str, list[_Event]] = defaultdict(list)
    for _, personal in parts:
        for ident, events in personal.items():
            found[ident] += events
    people = [only] if only is not None else roster.members if roster is not None else []
    title = presenter.ui["calendar_personal_name"]
    personal_feeds = {m.id: _wrap(found[m.id], title.format(name=m.name), timezone, vtimezone) for m in people}
    return Calendars(team_feed, personal_feeds)


def calendar(
    accounts: Iterable[Account],
    presenter: Presenter,
    *,
    timezone: str | None = None,
    name: str = "",
    page_url: Callable[[str], str] | None = None,
) -> bytes:
    """An iCalendar (RFC 5545) file of every visit of every account."""
    made = calendars(accounts, presenter, timezone=timezone, name=name, page_url=page_url).team
    assert made is not None
    return made


def feed(accounts: Iterable[Account], roster: Roster, member: Member, presenter: Presenter, **options: Any) -> bytes:
    """One person's calendar feed: the same as a build publishes (`options` as `calendars` takes them)."""
    return calendars(accounts, presenter, team=False, roster=roster, only=member, **options).personal[member.id]


def _chunks(ordered: list[Account]) -> list[slice]:
    """Slices of the accounts for the workers: a few per core, or one for few accounts."""
    step = max(1, len(ordered) // ((os.cpu_count() or 1) * 4) if len(ordered) >= PARALLEL_FROM else len(ordered))
    return [slice(i, i + step) for i in range(0, len(ordered), step)]


_Event = tuple[bytes, bool]
"""A serialized VEVENT, and whether it has a time in the workspace's time zone (it needs the VTIMEZONE)."""


def _wrap(events: list[_Event], name: str, timezone: str | None, vtimezone: bytes) -> bytes:
    """The VCALENDAR around serialized events, with the `vtimezone` when an event refers to it."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//kadossier//key-account visits//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if timezone:
        cal.add("x-wr-timezone", timezone)
    end = b"END:VCALENDAR\r\n"
    head = bytes(cal.to_ical())
    assert head.endswith(end)
    zone = vtimezone if any(zoned for _, zoned in events) else b""
    return head[: -len(end)] + zone + b"".join(event for event, _ in events) + end


def _vtimezone(timezone: str | None) -> bytes:
    """The serialized VTIMEZONE the events' TZID refers to: made once, it takes icalendar tens of
    milliseconds, and there is a feed per person."""
    from icalendar import Timezone

    return bytes(Timezone.from_tzid(timezone).to_ical()) if timezone else b""


@dataclass(frozen=True, slots=True)
class _Events:
    """What the workers that make the events need: the accounts in order, how to present them, and (for the
    personal feeds) who our people are."""

    accounts: list[Account]
    presenter: Presenter
    zone: ZoneInfo | None
    page_url: Callable[[str], str] | None
    """The absolute URL of a site page by its source path (None: the events link no page)."""
    team: bool
    """Make the team's feed (every visit)."""
    roster: Roster | None
    """Make the personal feeds of these people (None: none)."""
    only: str | None
    """Only this person's feed (their id)."""

    @property
    def stamp(self) -> dt.datetime:
        """The events' DTSTAMP: the day the feed is made as of (so that the same day gives the same bytes)."""
        return dt.datetime.combine(self.presenter.today, dt.time(), dt.UTC)


def _events(context: _Events, chunk: slice) -> tuple[list[_Event], dict[str, list[_Event]]]:
    """The VEVENTs of the accounts in `chunk`: every visit (for the team's feed), and for each person those
    that concern them, by person id."""
    roster = context.roster

    def ids(names: Iterable[str]) -> set[str]:
        if roster is None:
            return set()
        found = {m.id for name in names if (m := roster.member(name)) is not None}
        return found if context.only is None else found & {context.only}

    every: list[_Event] = []
    personal: dict[str, list[_Event]] = defaultdict(list)
    for account in context.accounts[chunk]:
        d = account.dossier
        checked = {f.visit.id: f for f in follow_ups(d)} if roster is not None else {}
        for visit in sorted(d.visits, key=lambda v: (v.sort_key, v.id)):
            who = ids(seen_to_by(d, visit))
            if context.team or who:
                event = _visit_event(context, account, visit)
                every += [event] if context.team else []
                for ident in who:
                    personal[ident].append(event)
            follow = checked.get(visit.id)
            if follow is not None and who:
                event = _follow_up_event(context, account, follow)
                for ident in who:
                    personal[ident].append(event)
        for item in owed(d) if roster is not None else []:
            if item.ours and item.status is not ActionStatus.DROPPED and item.due is not None:
                for ident in ids(owed_by(d, item)):
                    personal[ident].append(_due_event(context, account, item))
    return every, personal


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
        event.add("dtend", start + dt.timedelta(minutes=visit.duration or VISIT_MINUTES))
    else:
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + dt.timedelta(days=1))
    if visit.location:
        event.add("location", visit.location)
    event.add("description", _description(d, visit, presenter))
    event.add("status", _status(visit))
    event.add("categories", [presenter.label("visit_kind", visit.kind)])
    event.add("transp", "OPAQUE")
    if context.page_url is not None:  # a planned visit opens its brief page, made to be read on the phone
        if briefed(visit):
            event.add("url", context.page_url(brief_uri(account.id, visit.id)))
        else:
            event.add("url", context.page_url(account_uri(account.id)) + f"#visit-{visit.id}")
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
        event.add("url", context.page_url(account_uri(account.id)) + anchor)
    return bytes(event.to_ical()), False


def _first_line(value: str) -> str:
    """The first line of a text (a summary line holds one)."""
    return (value.strip().splitlines() or [""])[0]


def _status(visit: Visit) -> str:
    """A cancelled visit is CANCELLED; a planned one whose appointment is not known to be agreed is TENTATIVE (the
    calendar shows it as such until `confirmed: true`)."""
    if visit.status is VisitStatus.CANCELLED:
        return "CANCELLED"
    if visit.status is VisitStatus.PLANNED and not visit.confirmed:
        return "TENTATIVE"
    return "CONFIRMED"


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
