"""Exports, parsed back with the libraries other tools use (icalendar, csv, json) and compared with the
dossiers: the calendar feed with its UIDs, times and zones, the CSV tables for Excel, the JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.load import load_bytes

from .conftest import EXAMPLES, TODAY

SHANGHAI = ZoneInfo("Asia/Shanghai")


def export(workspace: Path, *args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "export", *args])
    return result.exit_code, result.stdout_bytes, result.stderr if result.stderr_bytes else ""


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def example_visits() -> list[tuple[str, dict[str, object]]]:
    visits = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for visit in load_bytes(path.read_bytes()).data.get("visits", []):
            visits.append((path.stem, visit))
    return visits


def test_calendar_has_every_visit_with_stable_uids_and_zoned_times(workspace: Path) -> None:
    code, data, _ = export(workspace, "--format", "ics")
    assert code == 0
    found = events(data)
    assert set(found) == {f"{account}.{v['id']}@kadossier" for account, v in example_visits()}
    workshop = found["shenyang-daily.2026-11-28-workshop@kadossier"]
    assert str(workshop["summary"]) == "晨光日报: 向技术质量科提交化验对比报告，争取 20 吨试用订单"
    start, end = workshop.decoded("dtstart"), workshop.decoded("dtend")
    assert start == dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=1)
    assert str(workshop["location"]) == "报社印刷车间、技术质量科"
    description = str(workshop["description"])
    expected_lines = ["林强, 孙立", "张伟 (技术质量科科长)", "刘强 (印刷车间主任)"]
    expected_lines += ["- 化验对比报告讲解", "2027 年度新闻纸框架采购"]
    for expected in expected_lines:
        assert expected in description, expected
    assert str(workshop["status"]) == "TENTATIVE"  # planned, and its appointment not known to be confirmed
    tour = found["binhai-hospital.2026-12-02-lab-tour@kadossier"]  # duration: 90, confirmed: true
    assert tour.decoded("dtend") - tour.decoded("dtstart") == dt.timedelta(minutes=90)
    assert str(tour["status"]) == "CONFIRMED"
    equipment = found["binhai-hospital.2026-12-03-equipment@kadossier"]  # duration: 45, confirmed: false
    assert equipment.decoded("dtend") - equipment.decoded("dtstart") == dt.timedelta(minutes=45)
    assert str(equipment["status"]) == "TENTATIVE"
    fair = found["shenyang-daily.2026-12-08-order-fair@kadossier"]  # no time: an all-day event
    assert fair.decoded("dtstart") == dt.date(2026, 12, 8) and fair.decoded("dtend") == dt.date(2026, 12, 9)
    assert icalendar.Calendar.from_ical(data).walk("VTIMEZONE")[0]["tzid"] == "Asia/Shanghai"


def test_calendar_updates_in_place_and_cancels(workspace: Path) -> None:
    before = events(export(workspace, "--format", "ics")[1])
    dossier = workspace / "dossiers" / "shenyang-daily.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = text.replace("    kind: event\n    status: planned\n", "    kind: event\n    status: cancelled\n")
    dossier.write_text(text.replace("objective: 向技术质量科", "objective: 改为向技术质量科"), encoding="utf-8")
    after = events(export(workspace, "--format", "ics")[1])
    assert set(after) == set(before)  # the same UIDs: a re-import updates, it does not duplicate
    assert str(after["shenyang-daily.2026-11-28-workshop@kadossier"]["summary"]).startswith("晨光日报: 改为")
    assert str(after["shenyang-daily.2026-12-08-order-fair@kadossier"]["status"]) == "CANCELLED"


def test_without_a_time_zone_times_are_floating(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      timezone: Asia/Shanghai", ""), "utf-8")
    data = export(workspace, "--format", "ics")[1]
    start = events(data)["shenyang-daily.2026-11-28-workshop@kadossier"].decoded("dtstart")
    assert start == dt.datetime(2026, 11, 28, 10, 0) and start.tzinfo is None
    assert b"VTIMEZONE" not in data


def test_a_bad_time_zone_is_a_clear_error(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Shenyang"), "utf-8")
    result = CliRunner().invoke(main, ["-C", str(workspace), "export", "--format", "ics"])
    assert result.exit_code == 2 and "'Asia/Shenyang' is not an IANA time zone" in result.output


def test_the_site_publishes_the_feed_and_links_it(site: Path) -> None:
    assert set(events((site / "visits.ics").read_bytes())) == {f"{a}.{v['id']}@kadossier" for a, v in example_visits()}
    assert 'href="../visits.ics"' in (site / "visits" / "index.html").read_text(encoding="utf-8")


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_accounts_csv_is_a_clean_table(workspace: Path) -> None:
    code, data, _ = export(workspace, "--format", "csv")
    assert code == 0
    table = rows(data)
    header, body = table[0], table[1:]
    assert header[:4] == ["Id", "Name", "Grade", "Tier"] or header[0].lower() == "id"
    assert len(body) == len(list(EXAMPLES.glob("*.yaml"))) and all(len(r) == len(header) for r in body)
    shenyang = next(r for r in body if r[0] == "shenyang-daily")
    assert shenyang[1] == "沈阳晨光日报社" and shenyang[2] == "A" and shenyang[4] == "林强"
    assert "21000000" in shenyang and "6300000" in shenyang and "CNY" in shenyang
    assert "2026-11-28 10:00" in shenyang


def test_other_tables_have_a_row_per_record(workspace: Path) -> None:
    data = {p.stem: load_bytes(p.read_bytes()).data for p in EXAMPLES.glob("*.yaml")}
    for table in ["projects", "people", "visits", "competitors"]:
        body = rows(export(workspace, "--format", "csv", "--table", table)[1])[1:]
        assert len(body) == sum(len(d.get(table, [])) for d in data.values()), table
        assert {(r[0], r[1]) for r in body} == {(a, item["id"]) for a, d in data.items() for item in d.get(table, [])}
    people = rows(export(workspace, "--format", "csv", "--table", "people")[1])
    wan = next(r for r in people if r[1] == "wan-guoli")
    assert wan[2] == "万国利" and wan[3] == "采购部长" and "decision_maker" in wan[6]


def test_csv_cells_cannot_become_formulas(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "northwind-grid.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("\nregion: ", '\nregion: "=HYPERLINK(\\"http://x\\")" # ', 1), encoding="utf-8")
    body = rows(export(workspace, "--format", "csv")[1])[1:]
    northwind = next(r for r in body if r[0] == "northwind-grid")
    assert '\'=HYPERLINK("http://x")' in northwind


def test_json_has_the_normalised_dossiers_and_derived_values(workspace: Path) -> None:
    code, data, _ = export(workspace, "--format", "json")
    assert code == 0
    document = json.loads(data)
    assert document["as_of"] == TODAY.isoformat() and document["redacted"] is False
    accounts = {a["id"]: a for a in document["accounts"]}
    assert set(accounts) == {p.stem for p in EXAMPLES.glob("*.yaml")}
    shenyang = accounts["shenyang-daily"]
    assert shenyang["dossier"]["name"] == "沈阳晨光日报社"
    assert shenyang["dossier"]["people"][1]["id"] == "wan-guoli"
    assert shenyang["derived"]["pipeline"] == {"CNY": {"value": 21000000.0, "weighted": 6300000.0}}
    assert shenyang["derived"]["next_visit"] == "2026-11-28-workshop"
    assert shenyang["derived"]["last_visit"] == "2026-11-10-first-call"
    assert {f["code"] for f in shenyang["derived"]["red_flags"]} == {
        "weak-decision-maker",
        "follow-up-missed",
        "decision-maker-cold",
    }


def test_exports_respect_redaction_and_write_files(workspace: Path) -> None:
    code, _, _ = export(workspace, "--format", "json", "--redact", "-o", str(workspace / "out" / "all.json"))
    assert code == 0
    document = json.loads((workspace / "out" / "all.json").read_text(encoding="utf-8"))
    assert document["redacted"] is True
    people = [p for a in document["accounts"] for p in a["dossier"]["people"]]
    assert not any("profile" in p for p in people)
    assert not any(k in p.get("contact", {}) for p in people for k in ("mobile", "wechat", "personal_email"))
    table = rows(export(workspace, "--format", "csv", "--table", "people", "--redact")[1])
    mobile = table[0].index("Mobile") if "Mobile" in table[0] else 14
    assert all(r[mobile] == "" for r in table[1:])
    full = rows(export(workspace, "--format", "csv", "--table", "people")[1])
    assert any(r[mobile] for r in full[1:])  # the control: there were mobiles to remove


def test_invalid_dossiers_export_nothing(workspace: Path) -> None:
    (workspace / "dossiers" / "broken.yaml").write_text("schema_version: 1\nname: B\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(workspace), "export", "--format", "csv"])
    assert result.exit_code == 1
    assert "broken.yaml:1:1: error:" in result.output and "nothing exported" in result.output


def test_xlsx_keeps_text_as_text_with_a_sheet_per_table(workspace: Path) -> None:
    import openpyxl

    dossier = workspace / "dossiers" / "kestrel-robotics.yaml"
    text = dossier.read_text(encoding="utf-8")
    changed = text.replace('contact: {office: "0755-86001288",', 'contact: {office: "0755123456", mobile: "=1+1",')
    assert changed != text
    dossier.write_text(changed, encoding="utf-8")
    target = workspace / "accounts.xlsx"
    code, _, _ = export(workspace, "--format", "xlsx", "-o", str(target))
    assert code == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Accounts", "Projects", "People", "Visits", "Competitors", "Actions and commitments"]
    people = book["People"]
    header = [c.value for c in people[1]]
    chen = next(row for row in people.iter_rows(min_row=2) if row[1].value == "chen-li")
    office, mobile = chen[header.index("Office")], chen[header.index("Mobile")]
    assert (office.value, office.data_type) == ("0755123456", "s")  # the leading zero is kept
    assert (mobile.value, mobile.data_type) == ("=1+1", "s")  # text, not a formula, and no apostrophe
    assert people.freeze_panes == "A2" and all(c.font.b for c in people[1])
    assert people.column_dimensions["C"].width >= 8
    accounts = book["Accounts"]
    columns = [c.value for c in accounts[1]]
    shenyang = next(row for row in accounts.iter_rows(min_row=2) if row[0].value == "shenyang-daily")
    assert shenyang[columns.index("Open pipeline")].data_type == "n"  # amounts stay numbers


def test_xlsx_speaks_the_workspace_language_and_respects_redaction(workspace: Path) -> None:
    import openpyxl

    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    target = workspace / "accounts.xlsx"
    assert export(workspace, "--format", "xlsx", "--redact", "-o", str(target))[0] == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "客户"
    values = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "13904000000" not in " ".join(values)  # 万国利's mobile in the reference dossier
