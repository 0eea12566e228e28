"""`kadossier agenda`: the example workspace's follow-through account (hengrui-parts) as of 2026-11-28, in
English and in a Chinese workspace, for one person or the team, at the boundaries of the days it covers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from kadossier.cli import main

DAY = "2026-11-28"
HENGRUI = "dossiers/hengrui-parts.yaml"
WANG_LEI_PROMISE = "一周内提供故障对比数据"  # our commitment (王磊), due 19 Nov, no id


def agenda(workspace: Path, *args: str, today: str = DAY) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", today, "agenda", *args])
    return result.exit_code, result.stdout, result.stderr


def section(output: str, heading: str) -> str:
    """The lines of `output` from the line starting with `heading` to the next blank line."""
    start = output.index("\n" + heading) + 1
    end = output.find("\n\n", start)
    return output[start : end if end >= 0 else None]


def test_hengrui_grouped_by_day_overdue_first(workspace: Path) -> None:
    code, out, err = agenda(workspace)
    assert code == 0, out + err
    assert out.startswith("Agenda of the team · Sat, 28 Nov 2026 – Sat, 12 Dec 2026\n")
    overdue = section(out, "Overdue")
    assert out.index("Overdue") < out.index("Today · Sat, 28 Nov 2026") < out.index("Sat, 5 Dec 2026 · in 7 days")
    # within the overdue ones, oldest first, each under its day
    assert overdue.index("Thu, 19 Nov 2026 · 9 days overdue") < overdue.index(WANG_LEI_PROMISE)
    assert overdue.index(WANG_LEI_PROMISE) < overdue.index("Fri, 20 Nov 2026 · 8 days overdue")
    assert re.search(r"They promised +恒锐零部件 +提供现用机器人停机记录 · promised by 徐工  \(周敏, 陈浩\)", overdue)
    assert re.search(r"Follow up +恒锐零部件 +since the visit of 12 Nov 2026: 了解换型计划和决策流程", overdue)
    assert "Wed, 25 Nov 2026 · 3 days overdue" in overdue and "failure-stats" in overdue
    demo_day = section(out, "Sat, 5 Dec 2026")
    assert re.search(
        r"09:30 Visit +恒锐零部件 +演示焊接单元，争取进入技术评估短名单 · at 苏州展厅 · not confirmed: call ahead"
        r"  \(陈浩, 王磊\)",
        demo_day,
    )
    assert demo_day.index("2026-12-05-demo") < demo_day.index("demo-cell")  # visits first on their day
    # what is done or dropped is not on the agenda
    for closed in ("reference-visit", "price-list", "寄送产品手册"):
        assert closed not in out
    # each line ends with what to type to act on it
    assert re.search(r"\(王磊\)  hengrui-parts c-[0-9a-f]{10}\n", overdue)
    assert out.rstrip().endswith("\n5 overdue, 10 in the next 14 days")  # 滨海一院's two visits, 海滨报业's follow-up


def test_due_today_is_not_overdue(workspace: Path) -> None:
    dossier = workspace / HENGRUI
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("due: 2026-12-05", "due: 2026-11-28"), "utf-8")
    code, out, _ = agenda(workspace)
    assert code == 0
    assert "demo-cell" in section(out, "Today · Sat, 28 Nov 2026")
    assert "demo-cell" not in section(out, "Overdue")
    code, out, _ = agenda(workspace, today="2026-11-29")
    assert "demo-cell" in section(out, "Overdue")
    assert "Sat, 28 Nov 2026 · 1 day overdue" in out


def test_owner_filters_by_person(workspace: Path) -> None:
    _, chen, _ = agenda(workspace, "--owner", "陈浩")
    _, wang, _ = agenda(workspace, "--owner", "王磊")
    assert chen.startswith("Agenda of 陈浩 ·") and wang.startswith("Agenda of 王磊 ·")
    assert "demo-cell" in chen and "demo-cell" not in wang  # 陈浩's action
    assert "failure-stats" in wang and "failure-stats" not in chen  # 王磊's action
    assert WANG_LEI_PROMISE in wang and WANG_LEI_PROMISE not in chen  # 王磊's promise
    assert "提供现用机器人停机记录" in chen and "提供现用机器人停机记录" not in wang  # 陈浩 was at that visit
    assert "2026-12-05-demo" in chen and "2026-12-05-demo" in wang  # both go to the demo
    assert "晨光日报" not in chen  # other accounts' people
    # the id the roster gives a name finds the same person
    assert agenda(workspace, "--owner", "chen-hao")[1] == chen


def test_days_boundary(workspace: Path) -> None:
    _, seven, _ = agenda(workspace, "--days", "7")  # the demo is on today + 7: included
    _, six, _ = agenda(workspace, "--days", "6")
    assert "2026-12-05-demo" in seven and "demo-cell" in seven
    assert "2026-12-05-demo" not in six and "demo-cell" not in six
    assert "failure-stats" in six  # overdue is shown whatever the days
    assert seven.startswith("Agenda of the team · Sat, 28 Nov 2026 – Sat, 5 Dec 2026")
    _, none, _ = agenda(workspace, "--owner", "陈浩", "--days", "0", today="2026-10-01")
    assert "nothing due today" in none and none.rstrip().endswith("nothing due in the next 0 days")


def test_unknown_owner_is_an_error_with_did_you_mean(workspace: Path) -> None:
    code, out, err = agenda(workspace, "--owner", "陈皓")  # an IME slip: the homophone of 陈浩
    assert code == 2
    assert "nobody of ours is called '陈皓'; did you mean '陈浩'?" in err
    assert out == ""
    code, _, err = agenda(workspace, "--owner", "Nobody At All")
    assert code == 2 and "nobody of ours is called 'Nobody At All'; our people are " in err


def test_invalid_dossier_is_reported_and_the_rest_shown(workspace: Path) -> None:
    broken = workspace / "dossiers" / "northwind-grid.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("owner:", "ownr:", 1), encoding="utf-8")
    code, out, err = agenda(workspace)
    assert code == 1
    assert "demo-cell" in out and "Northwind" not in out
    assert re.search(r"dossiers/northwind-grid.yaml:\d+:\d+: error: unknown field 'ownr'", err)
    assert "1 dossier is invalid and not in this agenda" in err


def zh_workspace(workspace: Path) -> Path:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    return workspace


def test_agenda_in_a_chinese_workspace(workspace: Path) -> None:
    code, out, _ = agenda(zh_workspace(workspace), "--owner", "陈浩")
    assert code == 0
    # dates by Babel and kinds by the labels, as on the site
    assert "2026年12月5日周六" in out and "2026年11月28日周六" in out
    assert re.search(r"09:30 拜访 +恒锐零部件 +演示焊接单元", out)
    assert re.search(r"行动 +恒锐零部件 +在苏州展厅搭建焊接演示单元", out)
    assert "对方承诺" in out and "回访" in out
    # the sentences, from the message catalog
    assert out.startswith("陈浩的日程 · 2026年11月28日周六 – 2026年12月12日周六\n")
    assert "\n逾期\n" in out and "2026年11月20日周五 · 逾期 8 天" in out
    assert "2026年12月5日周六 · 7 天后" in out


def test_cache_keeps_unchanged_files_and_rereads_changed_ones(workspace: Path) -> None:
    cache = workspace / ".kadossier-cache" / "agenda.json"
    first = agenda(workspace)[1]
    assert cache.is_file()
    # the cache is what an unchanged file's entries come from: a change made in it shows
    data = json.loads(cache.read_text(encoding="utf-8"))
    (name,) = [n for n in data["files"] if n.endswith("hengrui-parts.yaml")]
    for values in data["files"][name]["entries"]:
        values[5] = values[5].replace("演示焊接单元", "CACHED")
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "CACHED" in agenda(workspace)[1]
    # a file whose bytes change is checked again
    dossier = workspace / HENGRUI
    dossier.write_bytes(dossier.read_bytes() + b"\n# touched\n")
    assert agenda(workspace)[1] == first
    # a cache made by other code, or one that is not JSON, is not used
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["code"] = "other"
    for entry in data["files"].values():
        entry["entries"] = []
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert agenda(workspace)[1] == first
    cache.write_text("{not json", encoding="utf-8")
    assert agenda(workspace)[1] == first


def test_invalid_files_are_reported_every_time(workspace: Path) -> None:
    broken = workspace / "dossiers" / "northwind-grid.yaml"
    agenda(workspace)
    broken.write_text(broken.read_text(encoding="utf-8").replace("owner:", "ownr:", 1), encoding="utf-8")
    for _ in range(2):
        code, out, err = agenda(workspace)
        assert code == 1 and "unknown field 'ownr'" in err and "Northwind" not in out


def test_a_visit_not_known_to_be_confirmed_says_call_ahead(workspace: Path) -> None:
    code, out, _ = agenda(workspace)
    assert code == 0
    tour = next(line for line in out.splitlines() if "2026-12-02-lab-tour" in line)  # confirmed: true
    equipment = next(line for line in out.splitlines() if "2026-12-03-equipment" in line)  # confirmed: false
    assert "not confirmed" not in tour and "· not confirmed: call ahead" in equipment
    zh = CliRunner().invoke(main, ["-C", str(workspace), "--lang", "zh", "--today", DAY, "agenda"]).stdout
    assert "未确认：请电话预约" in next(line for line in zh.splitlines() if "2026-12-03-equipment" in line)
