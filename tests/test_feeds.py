"""Each person's calendar feed and the actions table: the example account's people (周敏, 陈浩, 王磊) as of a
fixed day, parsed back with icalendar; stable UIDs; the secret address in a real build; the overdue flag at
its boundary in CSV, xlsx and JSON; both languages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.workspace.secret import SECRET_ENV, SECRET_FILE, feed_path, feed_secret
from tests.test_zh_documents import english_words, user_words

DAY = "2026-11-28"
ACCOUNT = "hengrui-parts"
FIRST = "2026-11-12-first-meeting"
DEMO = "2026-12-05-demo"


def run(workspace: Path, *args: str, today: str = DAY) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", today, *args])
    return result.exit_code, result.stdout_bytes, result.output


def feed(workspace: Path, owner: str) -> bytes:
    code, data, output = run(workspace, "export", "--format", "ics", "--owner", owner)
    assert code == 0, output
    return data


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def commitment_key(visit: str, what: str) -> str:
    """The key of a commitment without an id, computed here from the documented rule (its visit and text)."""
    return "c-" + hashlib.sha1((visit + "\n" + what).encode()).hexdigest()[:10]


def commitment_uid(visit: str, what: str) -> str:
    return f"{ACCOUNT}.commitment.{commitment_key(visit, what)}@kadossier"


def in_language(workspace: Path, language: str) -> Path:
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    changed = text.replace("      language: en", f"      language: {language}")
    assert changed != text
    config.write_text(changed, encoding="utf-8")
    return workspace


def test_each_persons_feed_has_their_visits_due_dates_and_follow_ups(workspace: Path) -> None:
    zhou, chen, wang = (events(feed(workspace, name)) for name in ("周敏", "陈浩", "王磊"))
    first, demo, follow = (
        f"{ACCOUNT}.{FIRST}@kadossier",
        f"{ACCOUNT}.{DEMO}@kadossier",
        f"{ACCOUNT}.{FIRST}.follow-up@kadossier",
    )
    # 周敏 attended the first meeting; her dropped action (price-list) has left the feed, her done one stays
    assert set(zhou) == {first, follow, f"{ACCOUNT}.action.reference-visit@kadossier"}
    assert set(chen) == {
        first,
        follow,
        demo,
        f"{ACCOUNT}.action.demo-cell@kadossier",
        commitment_uid(FIRST, "寄送产品手册"),
    }
    # 王磊 was not at the first meeting: no follow-up; 徐工's promise is theirs, in nobody's feed of ours
    assert set(wang) == {
        demo,
        f"{ACCOUNT}.action.failure-stats@kadossier",
        commitment_uid(FIRST, "一周内提供故障对比数据"),
    }

    shanghai = ZoneInfo("Asia/Shanghai")
    meeting = chen[first]
    assert meeting.decoded("dtstart") == dt.datetime(2026, 11, 12, 14, 0, tzinfo=shanghai)
    assert meeting["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert meeting.decoded("dtend") - meeting.decoded("dtstart") == dt.timedelta(hours=1)
    due = chen[f"{ACCOUNT}.action.demo-cell@kadossier"]
    assert due.decoded("dtstart") == dt.date(2026, 12, 5) and due.decoded("dtend") == dt.date(2026, 12, 6)
    assert str(due["summary"]) == "Due: 在苏州展厅搭建焊接演示单元，邀请顾部长参观 · 恒锐零部件"
    assert str(due["transp"]) == "TRANSPARENT" and "With: 顾建国" in str(due["description"])
    done = chen[commitment_uid(FIRST, "寄送产品手册")]
    assert str(done["summary"]) == "Done: 寄送产品手册 · 恒锐零部件" and done.decoded("dtstart") == dt.date(
        2026, 11, 14
    )
    assert (
        zhou[follow].decoded("dtstart") == dt.date(2026, 11, 22)
        and str(zhou[follow]["summary"]) == "Follow up: 恒锐零部件"
    )
    calendar = icalendar.Calendar.from_ical(feed(workspace, "周敏"))
    assert str(calendar["x-wr-calname"]) == "周敏 · key accounts"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # a round trip through icalendar keeps every event as it was
    again = events(calendar.to_ical())
    assert {u: (str(e["summary"]), e.decoded("dtstart")) for u, e in again.items()} == {
        u: (str(e["summary"]), e.decoded("dtstart")) for u, e in zhou.items()
    }


def test_a_visit_without_our_attendees_is_its_owners(workspace: Path) -> None:
    dossier = workspace / "dossiers" / f"{ACCOUNT}.yaml"
    text = dossier.read_text(encoding="utf-8")
    changed = text.replace("    ours: [陈浩, 王磊]\n", "")
    assert changed != text
    dossier.write_text(changed, encoding="utf-8")
    assert f"{ACCOUNT}.{DEMO}@kadossier" in events(feed(workspace, "zhou-min"))
    assert f"{ACCOUNT}.{DEMO}@kadossier" not in events(feed(workspace, "王磊"))


def test_a_renamed_owner_keeps_one_feed_under_the_rosters_id(workspace: Path) -> None:
    before = feed(workspace, "周敏")
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    roster = "      currency: CNY\n      people:\n        - {name: 周慧敏, id: zhou-min, former_names: [周敏]}\n"
    changed = text.replace("      currency: CNY\n", roster)
    assert changed != text
    config.write_text(changed, encoding="utf-8")
    renamed = feed(workspace, "周慧敏")
    assert feed(workspace, "周敏") == feed(workspace, "zhou-min") == renamed  # the former name finds her
    assert str(icalendar.Calendar.from_ical(renamed)["x-wr-calname"]) == "周慧敏 · key accounts"
    assert set(events(renamed)) == set(events(before))


def test_uids_stay_when_commitments_are_reordered(workspace: Path) -> None:
    def seen(owner: str) -> dict[str, tuple[str, object]]:
        return {u: (str(e["summary"]), e.decoded("dtstart")) for u, e in events(feed(workspace, owner)).items()}

    before = {owner: seen(owner) for owner in ("陈浩", "王磊")}
    dossier = workspace / "dossiers" / f"{ACCOUNT}.yaml"
    text = dossier.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if line.startswith("        - {what: ")]
    assert len(lines) == 3
    reordered = text.replace("".join(lines), "".join(reversed(lines)))
    assert reordered != text
    dossier.write_text(reordered, encoding="utf-8")
    assert {owner: seen(owner) for owner in ("陈浩", "王磊")} == before


def test_an_unknown_person_is_a_clear_error(workspace: Path) -> None:
    code, _, output = run(workspace, "export", "--format", "ics", "--owner", "zhoumin")
    assert code != 0 and "nobody of ours is called 'zhoumin'; did you mean 'zhou-min'" in output
    code, _, output = run(workspace, "export", "--format", "ics", "--owner", "周民")  # the IME's homophone
    assert code != 0 and "nobody of ours is called '周民'; did you mean '周敏'?" in output
    code, _, output = run(workspace, "export", "--format", "ics", "--owner", "Nobody At All")
    assert code != 0 and "nobody of ours is called 'Nobody At All'; our people are " in output and "周敏" in output
    code, _, output = run(workspace, "export", "--format", "csv", "--owner", "周敏")
    assert code != 0 and "--format ics" in output


def test_the_build_publishes_each_feed_at_its_secret_address_and_never_the_secret(workspace: Path) -> None:
    code, _, output = run(workspace, "build", "--no-pdf")
    assert code == 0, output
    site = workspace / "site"
    secret = feed_secret(workspace)
    assert (workspace / SECRET_FILE).is_file()
    for name, ident in (("周敏", "zhou-min"), ("陈浩", "chen-hao"), ("王磊", "wang-lei")):
        published = site / feed_path(secret, ident)
        assert published.read_bytes() == feed(workspace, name)  # the export makes the very same feed
    listing = (site / "calendars" / "index.html").read_text(encoding="utf-8")  # what a server shows for the folder
    assert "<a" not in listing and ".ics" not in listing and "noindex" in listing  # no listing of the secret ones
    assert not list(site.rglob(SECRET_FILE))
    assert not any(secret in path.read_bytes() for path in site.rglob("*") if path.is_file())


def test_the_secret_moves_the_feeds(tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    other = tmp_path / "other"
    other.mkdir()
    assert feed_path(feed_secret(workspace), "zhou-min") != feed_path(feed_secret(other), "zhou-min")
    monkeypatch.setenv(SECRET_ENV, "a-secret-from-the-ci-store-0123456789")
    code, _, output = run(workspace, "build", "--no-pdf")
    assert code == 0, output
    path = feed_path(b"a-secret-from-the-ci-store-0123456789", "zhou-min")
    assert path != feed_path(workspace.joinpath(SECRET_FILE).read_text().splitlines()[-1].encode(), "zhou-min")
    assert (workspace / "site" / path).is_file()


def test_the_redacted_edition_has_no_personal_feeds(workspace: Path) -> None:
    code, _, output = run(workspace, "build", "--no-pdf", "--redact")
    assert code == 0, output
    assert (workspace / "site" / "visits.ics").is_file() and not (workspace / "site" / "calendars").exists()
    code, _, output = run(workspace, "export", "--format", "ics", "--owner", "周敏", "--redact")
    assert code != 0 and "--redact" in output


def actions_csv(workspace: Path, today: str) -> dict[str, dict[str, str]]:
    code, data, output = run(workspace, "export", "--format", "csv", "--table", "actions", today=today)
    assert code == 0, output
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return {row["Id"]: row for row in table if row["Account"] == ACCOUNT}


def test_actions_table_flags_overdue_from_the_day_after_the_due_date(workspace: Path) -> None:
    on_the_day, day_after = actions_csv(workspace, "2026-11-25"), actions_csv(workspace, "2026-11-26")
    stats = on_the_day["failure-stats"]  # due 2026-11-25, open
    assert (stats["Kind"], stats["Owner"], stats["Due"], stats["Status"], stats["Project"]) == (
        "action", "王磊", "2026-11-25", "open", "weld-line-2",
    )  # fmt: skip
    assert stats["Overdue"] == "" and day_after["failure-stats"]["Overdue"] == "✓"
    assert on_the_day["reference-visit"]["Overdue"] == ""  # done: never overdue
    theirs = on_the_day[commitment_key(FIRST, "提供现用机器人停机记录")]
    assert (theirs["Kind"], theirs["Owner"], theirs["Their side"], theirs["Visit"], theirs["Overdue"]) == (
        "commitment", "", "徐工", FIRST, "✓",
    )  # fmt: skip

    code, data, output = run(workspace, "export", "--format", "json", today="2026-11-25")
    assert code == 0, output
    account = next(a for a in json.loads(data)["accounts"] if a["id"] == ACCOUNT)
    assert (
        account["dossier"]["actions"][0]["with"] == ["gu-buzhang"] and "with_" not in account["dossier"]["actions"][0]
    )
    items = {i["key"]: i for i in account["derived"]["actions_and_commitments"]}
    assert items["failure-stats"]["overdue"] is False and items["demo-cell"]["overdue"] is False
    assert items[theirs["Id"]] == {
        "kind": "commitment", "key": theirs["Id"], "what": "提供现用机器人停机记录", "owner": None, "person": "xu-gong",
        "due": "2026-11-20", "status": "open", "project": "weld-line-2", "visit": FIRST, "overdue": True,
    }  # fmt: skip


def test_actions_sheet_in_the_workbook(workspace: Path) -> None:
    import openpyxl

    target = workspace / "all.xlsx"
    code, _, output = run(workspace, "export", "--format", "xlsx", "-o", str(target), today="2026-11-26")
    assert code == 0, output
    sheet = openpyxl.load_workbook(target)["Actions and commitments"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("Id")]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == ACCOUNT}
    assert rows["failure-stats"][header.index("Overdue")] == "✓"
    assert rows["demo-cell"][header.index("Overdue")] is None
    assert rows["demo-cell"][header.index("Due")] == "2026-12-05"


def test_feed_and_table_speak_chinese(workspace: Path) -> None:
    in_language(workspace, "zh")
    for other in (workspace / "dossiers").glob("*.yaml"):  # only the Chinese account: its words are the user's
        if other.stem != ACCOUNT:
            other.unlink()
    code, data, output = run(workspace, "export", "--format", "csv", "--table", "actions")
    assert code == 0, output
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [
        "客户",
        "类型",
        "编号",
        "事项",
        "负责人",
        "对方承诺人",
        "截止日期",
        "状态",
        "项目",
        "拜访",
        "逾期",
    ]
    data = feed(workspace, "陈浩")
    shown = re.findall(rb"^(?:SUMMARY|DESCRIPTION|CATEGORIES|LOCATION|X-WR-CALNAME):(.*(?:\r\n .*)*)", data, re.M)
    texts = " ".join(re.sub(r"\r\n ", "", t.decode()).replace("\\n", " ") for t in shown)
    assert "拜访目的" in texts and english_words(texts, user_words(workspace)) == set()  # no English label
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "陈浩 · 大客户日程"
    found = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    due = found[f"{ACCOUNT}.action.demo-cell@kadossier"]
    assert str(due["summary"]) == "截止：在苏州展厅搭建焊接演示单元，邀请顾部长参观 · 恒锐零部件"
    assert "状态：待办" in str(due["description"])
    assert str(found[f"{ACCOUNT}.{FIRST}.follow-up@kadossier"]["summary"]) == "回访：恒锐零部件"
    assert str(found[commitment_uid(FIRST, "寄送产品手册")]["summary"]) == "已完成：寄送产品手册 · 恒锐零部件"
    code, _, output = run(workspace, "export", "--format", "ics", "--owner", "周民")
    assert code != 0 and "我方没有名叫 '周民' 的人；是不是 '周敏'？" in output
