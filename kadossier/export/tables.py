"""The accounts as tables for spreadsheets and scripts (CSV, an Excel workbook) and as JSON for tools.

- `table`: CSV for scripts: UTF-8 with a byte-order mark (so Excel reads Chinese right), one row per
  account, project, person, visit, competitor, or action and commitment (with whether it is overdue as of the
  export's day); numbers as numbers; text cells that a spreadsheet would take for a formula are prefixed with
  an apostrophe (CSV injection).
- `workbook`: the same tables as one .xlsx for people, written with openpyxl: a sheet per table, text as
  text cells (a phone number keeps its leading zero, `=1+1` stays text), numbers as numbers, the header row
  frozen and filtered, columns as wide as their content.
- `json_export`: the validated, normalised dossiers (with their YAML keys: `with`, not `with_`) with their
  derived values, the actions and commitments among them.

Redaction is the caller's: pass redacted accounts (`kadossier.dossier.privacy.redact`) for the shareable edition.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from kadossier.dossier.fields import Money
from kadossier.dossier.followup import Owed, owed
from kadossier.dossier.model import Dossier, Visit
from kadossier.dossier.portfolio import Account
from kadossier.render.present import Presenter

TABLES = ("accounts", "projects", "people", "visits", "competitors", "actions")
_SHEETS = {"actions": "actions_sheet"}
"""The interface label of a table's sheet, where it is not the table's own name."""
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def text(value: str | list[str] | None) -> str:
    """A text field, or a list of them joined with '; ', for one cell or line."""
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
        sheet = book.create_sheet(presenter.ui.get(_SHEETS.get(name, name), name)[:31])  # Excel's limit on a sheet name
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
    shown = str(getattr(value, "value", value))
    return "'" + shown if shown.startswith(_FORMULA) else shown


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
           p.ui["red_flag_count"], p.ui["red_flag_codes"], *_custom_head(p, "account")]  # fmt: skip
    for a in accounts:
        d = a.dossier
        pipe = d.pipeline(p.currency)
        value, code = _amounts({c: v for c, (v, _) in pipe.items()})
        weighted, _ = _amounts({c: w for c, (_, w) in pipe.items()})
        nxt = d.next_visit(p.today)
        yield [a.id, d.name, d.grade, d.tier, d.owner, d.industry, d.region, len(d.open_projects), value, weighted,
               code, _when(nxt) if nxt else None,
               d.last_contact.isoformat() if d.last_contact else None, len(a.flags),
               "; ".join(sorted({f.code for f in a.flags})), *_custom(p, d, "account")]  # fmt: skip


def _projects(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("stage"), f("status"), f("win_rate"), f("value"), f("currency"),
           p.ui["weighted_value"], f("budget"), f("close_date"), f("decision_makers"), f("competitors"),
           *_custom_head(p, "project")]  # fmt: skip
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
                   "; ".join(c.title for i in pr.competitors if (c := d.competitor(i))),
                   *_custom(p, pr, "project")]  # fmt: skip


def _people(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("title"), f("department"), f("level"), f("roles"), f("influence"),
           f("attitude"), f("relationship"), f("last_contact"), f("reports_to"), f("office"), f("email"),
           f("mobile"), f("wechat"), f("personal_email"), *_custom_head(p, "person")]  # fmt: skip
    for a in accounts:
        for person in a.dossier.people:
            c = person.contact
            yield [a.id, person.id, person.name, person.title, person.department, person.level,
                   "; ".join(r.value for r in person.roles), person.influence, person.attitude, person.relationship,
                   person.last_contact.isoformat() if person.last_contact else None, person.reports_to,
                   c and c.office, c and c.email, c and c.mobile, c and c.wechat, c and c.personal_email,
                   *_custom(p, person, "person")]  # fmt: skip


def _visits(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("date"), f("kind"), f("status"), f("objective"), f("location"), f("ours"),
           f("theirs"), f("project"), *_custom_head(p, "visit")]  # fmt: skip
    for a in accounts:
        d = a.dossier
        for v in sorted(d.visits, key=lambda v: v.sort_key):
            yield [a.id, v.id, _when(v),
                   v.kind, v.status, text(v.objective), v.location, "; ".join(v.ours),
                   "; ".join(_name(d, i) for i in v.theirs), v.project, *_custom(p, v, "visit")]  # fmt: skip


def _competitors(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f = p.field
    yield [p.ui["account"], f("id"), f("name"), f("products"), f("satisfaction"), f("strengths"), f("weaknesses"),
           *_custom_head(p, "competitor")]  # fmt: skip
    for a in accounts:
        for c in a.dossier.competitors:
            yield [a.id, c.id, c.title, text(c.products), c.satisfaction, text(c.strengths), text(c.weaknesses),
                   *_custom(p, c, "competitor")]  # fmt: skip


def _actions(accounts: list[Account], p: Presenter) -> Iterable[list[Any]]:
    f, ui = p.field, p.ui
    yield [ui["account"], f("kind"), f("id"), ui["item"], ui["action_owner"], f("person"), f("due"), f("status"),
           f("project"), ui["visit_id"], ui["overdue_column"]]  # fmt: skip
    for a in accounts:
        d = a.dossier
        for o in owed(d):
            yield [a.id, o.kind, o.key, text(o.what), o.owner, _name(d, o.person) if o.person else None,
                   o.due.isoformat() if o.due else None, o.status, o.project, o.visit, o.overdue(p.today)]  # fmt: skip


def _owed_json(item: Owed, today: dt.date) -> dict[str, Any]:
    """An action or a commitment for the JSON, with whether it is overdue as of `today`."""
    return {
        "kind": item.kind,
        "key": item.key,
        "what": item.what,
        "owner": item.owner,
        "person": item.person,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status.value,
        "project": item.project,
        "visit": item.visit,
        "overdue": item.overdue(today),
    }


def _custom_head(p: Presenter, part: str) -> list[str]:
    """The columns of a part's custom fields: their labels, in the order the workspace declares them."""
    return [f.label(p.language) for f in p.fields.of(part)]


def _custom(p: Presenter, obj: Any, part: str) -> list[Any]:
    """The cells of a part's custom fields: numbers as numbers, dates as ISO text, money with its currency, a
    choice by its value (as `grade` and `stage` are), yes and no as words."""
    cells: list[Any] = []
    for declared in p.fields.of(part):
        value = obj.custom.get(declared.name)
        if isinstance(value, Money):
            value = f"{value.amount:g} {value.currency or p.currency}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, list):
            value = text(value)
        elif isinstance(value, bool):  # no is not the same as not known: both words
            value = p.ui["yes"] if value else p.ui["no"]
        cells.append(value)
    return cells


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
    "actions": _actions,
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
                "dossier": d.model_dump(mode="json", exclude_none=True, by_alias=True),
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
                    "actions_and_commitments": [_owed_json(o, today) for o in owed(d)],
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
