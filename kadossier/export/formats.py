"""Exports for calendars, spreadsheets and other tools: iCalendar, CSV and JSON.

- `calendar`: one VEVENT per visit (planned, done and cancelled — a subscribed feed that dropped past
  visits would delete them from people's calendars), with a stable UID per account and visit so that a
  re-import updates instead of duplicating; times in the workspace's time zone (with its VTIMEZONE), or
  floating local times when none is set; a visit without a time is an all-day event.
- `table`: CSV for scripts: UTF-8 with a byte-order mark (so Excel reads Chinese right), one row per
  account, project, person, visit or competitor; numbers as numbers; text cells that a spreadsheet would
  take for a formula are prefixed with an apostrophe (CSV injection).
- `workbook`: the same tables as one .xlsx for people, written with openpyxl: a sheet per table, text as
  text cells (a phone number keeps its leading zero, `=1+1` stays text), numbers as numbers, the header row
  frozen and filtered, columns as wide as their content.
- `json_export`: the validated, normalised dossiers with their derived values.

Redaction is the caller's: pass redacted accounts (`kadossier.dossier.privacy.redact`) for the shareable edition.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.portfolio import Account
from kadossier.dossier.vocab import VisitStatus
from kadossier.render.present import Presenter, items
from kadossier.utils.parallel import PARALLEL_FROM, parallel_map

TABLES = ("accounts", "projects", "people", "visits", "competitors")
VISIT_MINUTES = 60
"""How long a visit with a start time is assumed to last (the dossier has no end time)."""
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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
            objective = (_text(visit.objective).splitlines() or [presenter.label("visit_kind", visit.kind)])[0]
            event.add("summary", f"{d.display_name}: {objective}")
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
    lines = [f"{ui['account']}: {d.name}"]
    if visit.objective:
        lines.append(f"{ui['objective']}: {_text(visit.objective)}")
    project = d.project(visit.project)
    if project is not None:
        lines.append(f"{field('project')}: {project.name}")
    if visit.ours:
        lines.append(f"{ui['our_attendees']}: {', '.join(visit.ours)}")
    if visit.theirs:
        names = []
        for pid in visit.theirs:
            person = d.person(pid)
            names.append(pid if person is None else f"{person.name} ({person.title})" if person.title else person.name)
        lines.append(f"{ui['their_attendees']}: {', '.join(names)}")
    if visit.agenda:
        lines.append(f"{field('agenda')}:")
        lines += [f"- {item}" for item in items(visit.agenda)]
    return "\n".join(lines)


def _text(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    return "; ".join(value) if isinstance(value, list) else value.strip()


def table(name: str, accounts: Iterable[Account], presenter: Presenter) -> bytes:
    """One CSV table (see TABLES) as UTF-8 with a byte-order mark, for Excel."""
    rows = list(_ROWS[name](sorted(accounts, key=lambda a: a.id), presenter))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def workbook(accounts: Iterable[Account], presenter: Presenter) -> bytes:
    """Every table (see TABLES) as a sheet of one Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ordered = sorted(accounts, key=lambda a: a.id)
    book = Workbook()
    book.remove(book.active)
    for name in TABLES:
        sheet = book.create_sheet(presenter.ui.get(name, name)[:31])  # Excel's limit on a sheet name
        widths: dict[int, int] = {}
        for row in _ROWS[name](ordered, presenter):
            sheet.append([_xlsx_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type, cell.number_format = "s", "@"  # text, never a formula or a number
                widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, width in widths.items():
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "✓" if value else None
    if isinstance(value, int | float):
        return value
    return str(getattr(value, "value", value))


def _width(value: Any) -> int:
    """How many columns a value takes on screen: CJK characters are two wide."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text.split("\n", 1)[0])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(getattr(value, "value", value))
    return "'" + text if text.startswith(_FORMULA) else text


def _amounts(totals: dict[str, float]) -> tuple[Any, Any]:
    """(amount, currency): a number when there is one currency, else text per currency."""
    if not totals:
        return None, None
    if len(totals) == 1:
        code, amount = next(iter(totals.items()))
        return round(amount, 2), code
    return "; ".join(f"{round(v, 2)} {c}" for c, v in sorted(totals.items())), "; ".join(sorted(totals))


def _accounts(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [f("id"), f("name"), f("grade"), f("tier"), f("owner"), f("industry"), f("region"), p.ui["open_projects"],
           p.ui["open_pipeline"], p.ui["weighted_pipeline"], f("currency"), p.ui["next_visit"], p.ui["last_contact"],
           p.ui["red_flag_count"], p.ui["red_flag_codes"]]  # fmt: skip
    for a in accounts:
        d = a.dossier
        pipe = d.pipeline(p.currency)
        value, code = _amounts({c: v for c, (v, _) in pipe.items()})
        weighted, _ = _amounts({c: w for c, (_, w) in pipe.items()})
        nxt = d.next_visit(p.today)
        yield [a.id, d.name, d.grade, d.tier, d.owner, d.industry, d.region, len(d.open_projects), value, weighted,
               code, _when(nxt) if nxt else None,
               d.last_contact.isoformat() if d.last_contact else None, len(a.flags),
               "; ".join(sorted({f.code for f in a.flags}))]  # fmt: skip


def _projects(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("stage"), f("status"), f("win_rate"), f("value"), f("currency"),
           p.ui["weighted_value"], f("budget"), f("close_date"), f("decision_makers"), f("competitors")]  # fmt: skip
    for a in accounts:
        d = a.dossier
        for pr in d.projects:
            code = pr.value.currency or p.currency if pr.value else None
            weighted = round(pr.weighted_value, 2) if pr.weighted_value is not None else None
            budget = f"{pr.budget.amount} {pr.budget.currency or p.currency}" if pr.budget else None
            yield [a.id, pr.id, pr.name, pr.stage, pr.status, pr.effective_win_rate,
                   pr.value.amount if pr.value else None, code, weighted, budget,
                   pr.close_date.isoformat() if pr.close_date else None,
                   "; ".join(_name(d, i) for i in pr.decision_makers),
                   "; ".join(c.name for i in pr.competitors if (c := d.competitor(i)))]  # fmt: skip


def _people(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("title"), f("department"), f("level"), f("roles"), f("influence"),
           f("attitude"), f("relationship"), f("last_contact"), f("reports_to"), f("office"), f("email"),
           f("mobile"), f("wechat"), f("personal_email")]  # fmt: skip
    for a in accounts:
        for person in a.dossier.people:
            c = person.contact
            yield [a.id, person.id, person.name, person.title, person.department, person.level,
                   "; ".join(r.value for r in person.roles), person.influence, person.attitude, person.relationship,
                   person.last_contact.isoformat() if person.last_contact else None, person.reports_to,
                   c and c.office, c and c.email, c and c.mobile, c and c.wechat, c and c.personal_email]  # fmt: skip


def _visits(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("date"), f("kind"), f("status"), f("objective"), f("location"), f("ours"),
           f("theirs"), f("project")]  # fmt: skip
    for a in accounts:
        d = a.dossier
        for v in sorted(d.visits, key=lambda v: v.sort_key):
            yield [a.id, v.id, _when(v),
                   v.kind, v.status, _text(v.objective), v.location, "; ".join(v.ours),
                   "; ".join(_name(d, i) for i in v.theirs), v.project]  # fmt: skip


def _competitors(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("products"), f("satisfaction"), f("strengths"), f("weaknesses")]
    for a in accounts:
        for c in a.dossier.competitors:
            yield [a.id, c.id, c.name, _text(c.products), c.satisfaction, _text(c.strengths), _text(c.weaknesses)]


def _when(visit: Visit) -> str:
    """A visit's date (and time) as ISO text: 2026-11-28 or 2026-11-28 10:00."""
    if isinstance(visit.date, dt.datetime):
        return visit.date.strftime("%Y-%m-%d %H:%M")
    return visit.date.isoformat()


def _name(d: Dossier, person_id: str) -> str:
    person = d.person(person_id)
    return person.name if person else person_id


_ROWS: dict[str, Callable[[list[Account], Presenter], Iterable[list[Any]]]] = {
    "accounts": _accounts,
    "projects": _projects,
    "people": _people,
    "visits": _visits,
    "competitors": _competitors,
}


def json_export(accounts: Iterable[Account], presenter: Presenter, *, redacted: bool = False) -> bytes:
    """The validated, normalised dossiers with their derived values, as JSON."""
    from kadossier import __version__
    from kadossier.dossier.model import SCHEMA_VERSION

    today, currency = presenter.today, presenter.currency
    items = []
    for a in sorted(accounts, key=lambda a: a.id):
        d = a.dossier
        nxt, last, lead = d.next_visit(today), d.last_visit(today), d.leading_project
        items.append(
            {
                "id": a.id,
                "dossier": d.model_dump(mode="json", exclude_none=True),
                "derived": {
                    "display_name": d.display_name,
                    "open_projects": [pr.id for pr in d.open_projects],
                    "leading_project": lead.id if lead else None,
                    "pipeline": {c: {"value": v, "weighted": w} for c, (v, w) in d.pipeline(currency).items()},
                    "projects": {
                        pr.id: {"win_rate": pr.effective_win_rate, "weighted_value": pr.weighted_value}
                        for pr in d.projects
                    },
                    "next_visit": nxt.id if nxt else None,
                    "last_visit": last.id if last else None,
                    "last_contact": d.last_contact.isoformat() if d.last_contact else None,
                    "days_since_review": d.days_since_review(today),
                    "value_score": d.value_score,
                    "decision_makers": [p.id for p in d.decision_makers],
                    "red_flags": [{"code": f.code, "message": f.message, "line": f.line} for f in a.flags],
                },
            }
        )
    document = {
        "generator": f"kadossier {__version__}",
        "schema_version": SCHEMA_VERSION,
        "as_of": today.isoformat(),
        "currency": currency,
        "redacted": redacted,
        "accounts": items,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
