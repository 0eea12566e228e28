"""The visits as an iCalendar (RFC 5545) feed, for people's calendars.

One VEVENT per visit (planned, done and cancelled — a subscribed feed that dropped past visits would delete
them from people's calendars), with a stable UID per account and visit so that a re-import updates instead
of duplicating; times in the workspace's time zone (with its VTIMEZONE), or floating local times when none
is set; a visit without a time is an all-day event. Redaction is the caller's: pass redacted accounts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.portfolio import Account
from kadossier.dossier.vocab import VisitStatus
from kadossier.export.tables import text
from kadossier.render.present import Presenter, items
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map

VISIT_MINUTES = 60
"""How long a visit with a start time is assumed to last (the dossier has no end time)."""


def uid(account_id: str, visit_id: str) -> str:
    """The event's stable identity: the same account and visit always give the same UID."""
    return f"{account_id}.{visit_id}@kadossier"


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
    from icalendar import Calendar, Timezone

    cal = Calendar()
    cal.add("prodid", "-//kadossier//key-account visits//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or presenter.ui["visits"])
    if timezone:
        cal.add("x-wr-timezone", timezone)
    ordered = sorted(accounts, key=lambda a: a.id)
    events = _Events(ordered, presenter, ZoneInfo(timezone) if timezone else None, page_url)
    step = max(1, len(ordered) // ((os.cpu_count() or 1) * 4) if len(ordered) >= PARALLEL_FROM else len(ordered))
    chunks = [slice(i, i + step) for i in range(0, len(ordered), step)]
    parts = parallel_map(_events, chunks, context=events, at_least=2)
    if timezone and any(zoned for _, zoned in parts):
        cal.add_component(Timezone.from_tzid(timezone))  # the VTIMEZONE the events' TZID refers to
    end = b"END:VCALENDAR\r\n"
    head = bytes(cal.to_ical())
    assert head.endswith(end)
    return head[: -len(end)] + b"".join(events for events, _ in parts) + end


@dataclass(frozen=True, slots=True)
class _Events:
    """What the workers that make the events need: the accounts in order, and how to present them."""

    accounts: list[Account]
    presenter: Presenter
    zone: ZoneInfo | None
    page_url: Callable[[str], str] | None


def _events(context: _Events, chunk: slice) -> tuple[bytes, bool]:
    """The serialized VEVENTs of the accounts in `chunk`, and whether one has a time in the time zone."""
    from icalendar import Event

    presenter, zone, page_url = context.presenter, context.zone, context.page_url
    stamp = dt.datetime.combine(presenter.today, dt.time(), dt.UTC)
    out, zoned = [], False
    for account in context.accounts[chunk]:
        d = account.dossier
        for visit in sorted(d.visits, key=lambda v: (v.sort_key, v.id)):
            event = Event()
            event.add("uid", uid(account.id, visit.id))
            event.add("dtstamp", stamp)
            objective = (text(visit.objective).splitlines() or [presenter.label("visit_kind", visit.kind)])[0]
            event.add("summary", f"{d.display_name}{presenter.ui['colon']}{objective}")
            if isinstance(visit.date, dt.datetime):
                start = visit.date.replace(tzinfo=zone) if zone else visit.date
                zoned = zoned or zone is not None
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
            if page_url is not None:
                event.add("url", page_url(account.id) + f"#visit-{visit.id}")
            out.append(bytes(event.to_ical()))
    return b"".join(out), zoned


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
