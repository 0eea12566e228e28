"""Follow-through in the format and its checks: actions, structured commitments, follow-ups, our people.

The boundaries the issue fixes: due today is not overdue; a follow-up is kept by a done visit of the account or
a contact with the visit's attendees on or after its date; "today" is the date in the workspace's time zone.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.followup import follow_ups, involving, open_owed, owed
from kadossier.dossier.roster import Roster, RosterEntry, name_id
from kadossier.dossier.schema import json_schema_text
from kadossier.dossier.validate import Checked, check_file
from kadossier.errors import WorkspaceError
from kadossier.i18n import speaking
from kadossier.utils import clock
from kadossier.workspace import settings

from .conftest import ROOT

EXAMPLE = ROOT.parent / "shared" / "examples" / "follow-through.yaml"
DAY = dt.date(2026, 11, 28)

BASE = """\
schema_version: 1
name: Acme
owner: Li Ming
team: [Li Ming, Wang Fang]
reviewed: 2026-11-20
people:
  - {id: zhang, name: Zhang Wei, last_contact: 2026-11-01}
  - {id: zhao, name: Zhao Lei}
projects:
  - {id: p1, name: Line 2, stage: interest}
"""


def check(tmp_path: Path, extra: str, *, today: dt.date = DAY, roster: frozenset[str] = frozenset()) -> Checked:
    path = tmp_path / "acme.yaml"
    path.write_text(BASE + textwrap.dedent(extra), encoding="utf-8")
    return check_file(path, today, name="acme.yaml", roster=roster)


def flags(checked: Checked, code: str) -> list[str]:
    return [f"{p.line}:{p.col} {p.message}" for p in checked.warnings if p.code == code]


def test_the_issue_example_validates_unchanged_and_every_item_is_read() -> None:
    checked = check_file(EXAMPLE, DAY)
    assert checked.errors == []
    assert checked.dossier is not None
    items = owed(checked.dossier)
    assert [(o.kind, o.key) for o in items][:4] == [
        ("action", "demo-cell"),
        ("action", "failure-stats"),
        ("action", "reference-visit"),
        ("action", "price-list"),
    ]
    commitments = [o for o in items if o.kind == "commitment"]
    assert [(o.owner, o.person, o.status.value) for o in commitments] == [
        ("王磊", None, "open"),
        (None, "xu-gong", "open"),
        ("陈浩", None, "done"),
    ]
    assert all(o.visit == "2026-11-12-first-meeting" and o.key.startswith("c-") for o in commitments)
    assert checked.dossier.actions[0].with_ == ["gu-buzhang"]


def test_due_today_is_not_overdue_and_yesterday_is(tmp_path: Path) -> None:
    extra = """\
    actions:
      - {id: today, what: Send the offer, owner: Li Ming, due: 2026-11-28}
      - {id: yesterday, what: Call back, owner: Wang Fang, due: 2026-11-27}
      - {id: closed, what: Old thing, owner: Li Ming, due: 2026-10-01, status: done}
      - {id: dropped, what: Older thing, owner: Li Ming, due: 2026-10-01, status: dropped}
    """
    checked = check(tmp_path, extra)
    overdue = flags(checked, "action-overdue")
    assert len(overdue) == 1 and "Call back" in overdue[0] and "1 day ago" in overdue[0]
    assert overdue[0].startswith("13:")  # at the action's due date, line 13 of the file
    assert not flags(check(tmp_path, extra, today=dt.date(2026, 11, 27)), "action-overdue")
    assert checked.dossier is not None
    assert [o.key for o in open_owed(checked.dossier, DAY)] == ["yesterday", "today"]  # overdue first


def test_our_commitment_overdue_is_ours_to_act_on_and_theirs_a_reason_to_call(tmp_path: Path) -> None:
    extra = """\
    visits:
      - id: v1
        date: 2026-11-10
        status: done
        ours: [Li Ming]
        theirs: [zhang]
        record:
          commitments:
            - {what: Send the test report, owner: Li Ming, due: 2026-11-20}
            - {what: Send the drawings, person: zhang, due: 2026-11-21}
            - {what: Share the budget, person: zhao, due: 2026-11-28}
    """
    checked = check(tmp_path, extra)
    assert checked.errors == []
    ours = flags(checked, "action-overdue")
    theirs = flags(checked, "follow-up-missed")
    assert len(ours) == 1 and "Send the test report" in ours[0]
    assert len(theirs) == 1 and "Zhang Wei promised 'Send the drawings'" in theirs[0]


def test_a_follow_up_is_kept_by_a_visit_or_a_contact_on_or_after_its_date(tmp_path: Path) -> None:
    record = """\
    visits:
      - id: v1
        date: 2026-11-10
        status: done
        theirs: [zhang]
        record: {outcome: ok, follow_up: 2026-11-20}
    """
    missed = flags(check(tmp_path, record), "follow-up-missed")
    assert len(missed) == 1 and "'v1'" in missed[0] and "2026-11-20" in missed[0]
    assert not flags(check(tmp_path, record, today=dt.date(2026, 11, 20)), "follow-up-missed")  # the day itself
    assert flags(check(tmp_path, record, today=dt.date(2026, 11, 21)), "follow-up-missed")
    visited = record + "  - {id: v2, date: 2026-11-20, status: done, record: {outcome: ok}}\n"
    assert not flags(check(tmp_path, visited), "follow-up-missed")
    planned_only = record + "  - {id: v3, date: 2026-12-20, objective: x}\n"
    assert flags(check(tmp_path, planned_only), "follow-up-missed")
    contacted = BASE.replace("{id: zhao, name: Zhao Lei}", "{id: zhao, name: Zhao Lei, last_contact: 2026-11-20}")
    path = tmp_path / "acme.yaml"
    path.write_text(contacted + textwrap.dedent(record.replace("[zhang]", "[zhao]")), encoding="utf-8")
    checked = check_file(path, DAY)
    assert checked.dossier is not None and [f.done for f in follow_ups(checked.dossier)] == [True]
    assert not flags(checked, "follow-up-missed")


def test_open_actions_need_an_owner_and_a_date(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        """\
        actions:
          - {id: a1, what: Nobody's, due: 2026-12-01}
          - {id: a2, what: Someday, owner: Li Ming}
          - {id: a3, what: Done anyway, status: done}
        """,
    )
    assert [m.split(" ", 1)[1] for m in flags(checked, "action-no-owner")] == ["open action 'a1' has no owner"]
    assert [m.split(" ", 1)[1] for m in flags(checked, "action-no-due")] == ["open action 'a2' has no due date"]


def test_an_owner_off_the_team_is_a_warning_with_did_you_mean_and_the_roster_knows_more(tmp_path: Path) -> None:
    extra = """\
    actions:
      - {id: a1, what: Demo, owner: Wang Fung, due: 2026-12-01}
      - {id: a2, what: Legal review, owner: Sun Li, due: 2026-12-01}
    """
    checked = check(tmp_path, extra)
    assert checked.errors == []  # people help across accounts: not an error
    off = flags(checked, "owner-not-on-team")
    assert len(off) == 2 and "did you mean 'Wang Fang'?" in off[0]
    assert len(flags(check(tmp_path, extra, roster=frozenset({"Sun Li"})), "owner-not-on-team")) == 1


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
            "        - {what: Both, owner: Li Ming, person: zhang}\n",
            "17:11 a commitment is either ours ('owner') or theirs ('person'), not both: "
            "keep one, and write the other promise as a commitment of its own",
        ),
        (
            "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
            "        - {what: Neither}\n",
            "17:11 whose promise is it? Add 'owner: NAME' (ours, by name) or 'person: ID' (theirs, by person id)",
        ),
        (
            "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
            "        - {what: Drawings, person: zhangg}\n",
            "17:36 no person with id 'zhangg'; did you mean 'zhang'?",
        ),
        (
            "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
            "        - {what: Drawings, person: zhang, stauts: done}\n",
            "17:43 unknown field 'stauts'; did you mean 'status'?",
        ),
        (
            "actions:\n  - {id: a1, what: x, with: [zhao, zhoa]}\n",
            "12:36 no person with id 'zhoa'; did you mean 'zhao'?",
        ),
        ("actions:\n  - {id: a1, what: x, project: p2}\n", "12:32 no project with id 'p2'"),
        (
            "actions:\n  - {id: a1, what: x, status: finished}\n",
            "12:31 status finished is not one of: open, done, dropped",
        ),
        (
            "actions:\n  - {id: a1, what: x}\n  - {id: a1, what: y}\n",
            "13:10 duplicate actions id 'a1' (also actions[0])",
        ),
        ("actions:\n  - {id: a1}\n", "12:5 missing required field 'what'"),
        (
            "actions:\n  - {id: a1, what: x}\nvisits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n"
            "    record:\n      commitments:\n        - {id: a1, what: Drawings, person: zhang}\n",
            "19:16 commitment id 'a1' is already used by an action or another commitment: "
            "ids name one item to close from the command line",
        ),
    ],
)
def test_mistakes_in_actions_and_commitments_are_located(tmp_path: Path, extra: str, expected: str) -> None:
    checked = check(tmp_path, extra)
    assert [f"{p.line}:{p.col} {p.message}" for p in checked.errors] == [expected]


def test_commitments_as_text_stay_valid(tmp_path: Path) -> None:
    extra = """\
    visits:
      - id: v1
        date: 2026-11-10
        status: done
        record:
          commitments: [Send the report by Friday, Call Zhang]
      - id: v2
        date: 2026-11-11
        status: done
        record: {commitments: We send the drawings}
    """
    checked = check(tmp_path, extra)
    assert checked.errors == [] and checked.dossier is not None
    assert owed(checked.dossier) == []


def test_a_commitment_key_is_stable_when_the_list_is_reordered(tmp_path: Path) -> None:
    items = ["- {what: Send the report, owner: Li Ming}", "- {what: Drawings, person: zhang}"]
    keys = []
    for order in (items, items[::-1]):
        extra = "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
        extra += "".join(f"        {line}\n" for line in order)
        checked = check(tmp_path, extra)
        assert checked.dossier is not None
        keys.append({o.what: o.key for o in owed(checked.dossier)})
    assert keys[0] == keys[1] and len(set(keys[0].values())) == 2


def test_a_visit_brief_gets_the_items_of_its_attendees_and_its_project() -> None:
    checked = check_file(EXAMPLE, DAY)
    assert checked.dossier is not None
    demo = checked.dossier.visit("2026-12-05-demo")
    assert demo is not None
    shown = [o.what for o in involving(open_owed(checked.dossier, DAY), demo)]
    assert shown == [
        "一周内提供故障对比数据",
        "提供现用机器人停机记录",
        "整理现用机器人近 6 个月故障统计，做成对比材料",
        "在苏州展厅搭建焊接演示单元，邀请顾部长参观",
    ]


def test_roster_ids_come_from_pinyin_and_clashing_names_are_told_apart_and_reported() -> None:
    assert name_id("周敏") == "zhou-min"
    roster = Roster((), ["周敏", "周民", "陈浩", " 陈浩 "])
    zhou_min, zhou_min2, chen = roster.member("周敏"), roster.member("周民"), roster.member("陈浩")
    assert chen is not None and chen.id == "chen-hao"
    assert zhou_min is not None and zhou_min2 is not None
    assert zhou_min.id != zhou_min2.id and {zhou_min.id[:8], zhou_min2.id[:8]} == {"zhou-min"}
    assert Roster((), ["周民", "周敏"]).member("周敏") == zhou_min  # the same id whatever the order
    assert len(roster.clashes) == 1 and "周敏" in roster.clashes[0] and "周民" in roster.clashes[0]
    assert len(roster.members) == 3


def test_a_declared_roster_keeps_ids_through_renames() -> None:
    entries = (RosterEntry("周敏", "zhoumin", "zhou.min@example.com"), RosterEntry("陈浩", None, None, ("陈小浩",)))
    roster = Roster(entries, ["周敏", "陈小浩", "王磊"])
    renamed = roster.member("陈小浩")
    assert renamed is not None and (renamed.id, renamed.name) == ("chen-hao", "陈浩")
    assert roster.find("zhoumin") == roster.member("周敏")
    assert roster.find("王磊") is not None and roster.clashes == []
    squatter = Roster((RosterEntry("Someone", "wang-lei"),), ["王磊"]).member("王磊")
    assert squatter is not None and squatter.id.startswith("wang-lei-")  # a declared id is never shared


ROSTER_CONFIG = """\
site_name: t
docs_dir: dossiers
plugins:
  - kadossier:
      people:
        - {{name: 周敏, id: zhoumin}}
        {second}
"""


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("- {name: 陈浩, emial: c@example.com}", "unknown key 'emial'; did you mean 'email'?"),
        ("- {id: chen}", "person 2: 'name' is required text"),
        ("- {name: 周民, id: zhoumin}", "person 2: the id 'zhoumin' is also person 1's"),
        ("- {name: 陈浩, former_names: [周敏]}", "person 2: the name 周敏 is also person 1's"),
        ("- {name: 陈浩, id: Chen Hao}", "person 2: id 'Chen Hao' must be lowercase"),
        ("- {name: 陈浩, email: chenhao}", "person 2: email 'chenhao' is not an email address"),
        ("- {name: 陈浩, former_names: [陈浩]}", "person 2: former_names repeats the name 陈浩"),
        (
            "- {nmae: 陈浩, id: X}\n        - {name: 周敏}",
            "person 2: unknown key 'nmae'; did you mean 'name'?; "
            "person 2: 'name' is required text; person 2: id 'X' must be lowercase",
        ),
        ("- 陈浩", "person 2: expected a mapping"),
    ],
)
def test_roster_mistakes_are_located_in_mkdocs_yml(tmp_path: Path, second: str, expected: str) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(ROSTER_CONFIG.format(second=second), encoding="utf-8")
    with pytest.raises(WorkspaceError) as raised:
        settings.read(config)
    assert raised.value.where.endswith("mkdocs.yml:5:7")
    assert expected in str(raised.value)


def test_roster_messages_are_chinese_in_a_zh_workspace(tmp_path: Path) -> None:
    with speaking("zh"):
        roster = Roster((), ["周敏", "周民"])
        assert "同一个编号" in roster.clashes[0] or "相同的编号" in roster.clashes[0]
        checked = check(tmp_path, "actions:\n  - {id: a1, what: x, owner: Li Ming, due: 2026-11-20}\n")
    assert any("逾期" in p.message or "到期" in p.message for p in flags_of(checked, "action-overdue"))


def flags_of(checked: Checked, code: str) -> list:  # type: ignore[type-arg]
    return [p for p in checked.warnings if p.code == code]


def test_today_is_the_date_in_the_workspace_time_zone(tmp_path: Path) -> None:
    ahead, behind = clock.today("Pacific/Kiritimati"), clock.today("Etc/GMT+12")  # UTC+14 and UTC-12
    assert (ahead - behind).days in (1, 2)
    dossier = BASE + f"actions:\n  - {{id: a1, what: Call, owner: Li Ming, due: {behind.isoformat()}}}\n"
    results = {}
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        root = tmp_path / zone.replace("/", "-")
        (root / "dossiers").mkdir(parents=True)
        (root / "dossiers" / "acme.yaml").write_text(dossier, encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            f"site_name: t\ndocs_dir: dossiers\nplugins:\n  - kadossier:\n      timezone: {zone}\n", encoding="utf-8"
        )
        result = CliRunner().invoke(main, ["-C", str(root), "validate"])
        results[zone] = "[action-overdue]" in result.output
    assert results == {"Pacific/Kiritimati": True, "Etc/GMT+12": False}


def test_validate_notes_an_outdated_schema_file(tmp_path: Path) -> None:
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: dossiers\nplugins:\n  - kadossier\n")
    (tmp_path / "dossiers" / "acme.yaml").write_text(BASE, encoding="utf-8")
    schema = tmp_path / "dossiers" / "dossier.schema.json"
    schema.write_text('{"title": "an older format"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "validate"])
    assert "dossier.schema.json: note: the JSON Schema is out of date" in result.output
    assert schema.read_text() == '{"title": "an older format"}\n'  # validate only says so
    assert result.exit_code == 0
    schema.write_text(json_schema_text(), encoding="utf-8")  # this workspace declares no custom fields
    assert "out of date" not in CliRunner().invoke(main, ["-C", str(tmp_path), "validate"]).output


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("陈皓", "陈皓 is neither the account's owner nor on its team (nor in the roster); did you mean '陈浩'?"),
        ("gu-buzhang", "'gu-buzhang' is one of their people: write 'person: gu-buzhang' for their promise"),
    ],
)
def test_an_owner_slip_gets_the_likely_fix(tmp_path: Path, owner: str, expected: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "owner: 陈浩\n    due: 2026-12-05", f"owner: {owner}\n    due: 2026-12-05"
    )
    assert text != EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "hengrui.yaml"
    path.write_text(text, encoding="utf-8")
    found = [p.message for p in check_file(path, DAY).warnings if p.code == "owner-not-on-team"]
    assert len(found) == 1 and found[0].startswith(expected)


def test_a_closed_item_of_someone_who_left_is_no_warning_and_twice_the_same_promise_is_an_error(tmp_path: Path) -> None:
    checked = check(
        tmp_path, "actions:\n  - {id: a1, what: x, owner: Former Colleague, due: 2026-01-01, status: done}\n"
    )
    assert checked.warnings == [] or all(p.code != "owner-not-on-team" for p in checked.warnings)
    twice = (
        "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record:\n      commitments:\n"
        "        - {what: Drawings, person: zhang}\n        - {what: Drawings, person: zhao}\n"
    )
    assert [f"{p.line}:{p.col} {p.message}" for p in check(tmp_path, twice).errors] == [
        "18:18 visit 'v1' lists the commitment 'Drawings' twice: give one an 'id' (or merge them)"
    ]


def test_a_follow_up_before_its_visit_is_an_error(tmp_path: Path) -> None:
    extra = "visits:\n  - id: v1\n    date: 2026-11-10\n    status: done\n    record: {follow_up: 2026-11-02}\n"
    assert [p.message for p in check(tmp_path, extra).errors] == [
        "follow_up 2026-11-02 is before the visit itself (2026-11-10): a follow-up comes after the visit"
    ]


def test_who_sees_to_what_is_one_rule_for_the_pages_the_agenda_and_the_feeds(tmp_path: Path) -> None:
    """A visit (and its follow-up, and their promises made at it) is its attendees' on our side, else the
    account's owner's; an action nobody owns is the owner's too. Team pages and the agenda read the same rule."""
    from kadossier.dossier.agenda import entries
    from kadossier.dossier.followup import owed_by, seen_to_by
    from kadossier.dossier.portfolio import Account
    from kadossier.dossier.team import views

    extra = """\
    actions:
      - {id: nobodys, what: Call back, due: 2026-12-01}
    visits:
      - id: alone
        date: 2026-11-30
        objective: meet
      - id: together
        date: 2026-11-10
        status: done
        ours: [Wang Fang]
        record:
          follow_up: 2026-11-20
          commitments:
            - {what: Drawings, person: zhang, due: 2026-11-25}
    """
    checked = check(tmp_path, extra)
    d = checked.dossier
    assert d is not None
    alone, together = d.visit("alone"), d.visit("together")
    assert alone is not None and together is not None
    assert seen_to_by(d, alone) == ["Li Ming"] and seen_to_by(d, together) == ["Wang Fang"]
    assert [owed_by(d, o) for o in owed(d)] == [["Li Ming"], ["Wang Fang"]]  # the action; their promise
    roster = Roster((), ["Li Ming", "Wang Fang"])
    team = views([Account.of(checked)], roster, DAY)
    li, wang = team["li-ming"], team["wang-fang"]
    assert [x.visit.id for x in li.visits] == ["alone"] and [x.item.key for x in li.owed] == ["nobodys"]
    assert [x.follow_up.visit.id for x in wang.follow_ups] == ["together"] and len(wang.theirs) == 1
    assert li.follow_ups == [] and li.theirs == []
    agenda = {(e.kind, e.key): e.who for e in entries(d, "acme")}
    assert set(agenda.values()) == {("Li Ming",), ("Wang Fang",)}
    assert [who for (kind, key), who in agenda.items() if key in ("alone", "nobodys")] == [("Li Ming",)] * 2
