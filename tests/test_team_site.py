"""The wiki's follow-through pages in real builds: a page per person, the Team page, names linked to them, the
actions and commitments on the account page and the dashboard, the personal feed's secret link, the roster.

The example workspace (its account hengrui-parts: owner 周敏, team 周敏/陈浩/王磊) is built as of 2026-11-28, with
two more actions of 王磊's to judge the boundary: one due the day before (overdue by a day) and one due that day
(not overdue).
"""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.workspace.secret import feed_path, feed_secret
from tests.conftest import example_workspace, html_of

DAY = date(2026, 11, 28)
HENGRUI = "hengrui-parts.yaml"
EXTRA_ACTIONS = """  - id: due-today
    what: 今天到期的行动
    owner: 王磊
    due: 2026-11-28
  - id: due-yesterday
    what: 昨天到期的行动
    owner: 王磊
    due: 2026-11-27
"""
ROSTER = """      people:
        - {name: 王磊, email: wanglei@example.com}
"""


def _build(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", DAY.isoformat(), "build", "--no-pdf", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _with_roster(workspace: Path, roster: str) -> None:
    _edit(workspace / "mkdocs.yml", "      timezone: Asia/Shanghai", roster + "      timezone: Asia/Shanghai")


def _add_actions(workspace: Path) -> None:
    _edit(workspace / "dossiers" / HENGRUI, "visits:\n", EXTRA_ACTIONS + "\nvisits:\n")


def _html(site: Path, page: str) -> str:
    return html_of(site / page / "index.html")


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, anchor: str) -> str:
    """The part of a page from the heading with id `anchor` to the next h2."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = example_workspace(tmp_path_factory.mktemp("team"))
    _add_actions(workspace)
    _with_roster(workspace, ROSTER)
    _build(workspace)
    return workspace


def test_every_person_of_the_example_account_has_a_page(built: Path) -> None:
    site = built / "site"
    for ident, name in [("zhou-min", "周敏"), ("chen-hao", "陈浩"), ("wang-lei", "王磊")]:
        assert f'<h1 id="person">{name}</h1>' in _html(site, f"people/{ident}")
    zhou = _html(site, "people/zhou-min")
    accounts = _text(_section(zhou, "accounts"))
    assert "恒锐零部件" in accounts and "owner" in accounts
    flags = _text(_section(zhou, "red-flags"))  # the flags of the account 周敏 owns
    assert "一周内提供故障对比数据" in flags and "Follow-up missed" in flags
    # the follow-up of the first meeting (22 Nov) and 徐工's promise (20 Nov), both 周敏's to chase
    follow = _text(_section(zhou, "follow-ups"))
    assert follow.index("20 Nov 2026") < follow.index("22 Nov 2026")
    assert "徐工" in follow and "提供现用机器人停机记录" in follow
    chen = _html(site, "people/chen-hao")
    assert "5 Dec 2026 09:30" in _text(_section(chen, "visits"))  # the demo, within 14 days
    assert "在苏州展厅搭建焊接演示单元" in _text(_section(chen, "owed"))
    assert "寄送产品手册" not in chen  # done: owed no more


def test_a_persons_open_items_come_overdue_first_and_due_today_is_not_overdue(built: Path) -> None:
    owed = _section(_html(built / "site", "people/wang-lei"), "owed")
    rows = re.findall(r"<tr>(.*?)</tr>", owed, re.DOTALL)[1:]
    order = [next(w for w in ("一周内", "整理现用", "昨天到期", "今天到期") if w in row) for row in rows]
    assert order == ["一周内", "整理现用", "昨天到期", "今天到期"]  # overdue by date, then the rest
    days = [re.search(r"overdue · (\d+) days", row) for row in rows]
    assert [int(d[1]) if d else None for d in days] == [9, 3, 1, None]
    assert "kad-overdue-cell" not in rows[3]


def test_the_team_page_counts_and_links_everyone(built: Path) -> None:
    team = _html(built / "site", "team")
    for ident in ("zhou-min", "chen-hao", "wang-lei", "lin-qiang"):
        assert f'href="../people/{ident}/"' in team
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", team, re.DOTALL) if "王磊" in r)
    # owned 0, on the team 1, visits 1, open items 4, overdue 3
    assert [int(n) for n in re.findall(r'kad-num[^"]*">(\d+)<', row)][:5] == [0, 1, 1, 4, 3]
    assert "calendars/" not in team and "wanglei@example.com" not in team


def test_the_feed_link_is_on_the_persons_page_only(built: Path) -> None:
    site = built / "site"
    feed = feed_path(feed_secret(built), "wang-lei")
    token = feed.split("/")[1]
    page = _html(site, "people/wang-lei")
    assert f'href="../../{feed}"' in page and "wanglei@example.com" in page
    elsewhere = [
        path
        for path in site.rglob("*")
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".js"} and token in path.read_text("utf-8")
    ]
    assert elsewhere == [site / "people" / "wang-lei" / "index.html"]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "calendars/" not in json.dumps(index, ensure_ascii=False)
    assert any("Personal calendar feed" in doc["text"] for doc in index["docs"])  # the label, not the address
    words = {d["location"]: (d["title"] + d["text"]).replace("\u200b", "") for d in index["docs"]}  # jieba's cuts
    person = " ".join(text for where, text in words.items() if where.startswith("people/wang-lei/"))
    assert "王磊" in person and "恒锐零部件" in person  # found by the name and the accounts ...
    assert "一周内提供故障对比数据" not in person  # ... not by the items again (the account page has them)
    account = " ".join(text for where, text in words.items() if where.startswith("accounts/hengrui-parts/"))
    assert "一周内提供故障对比数据" in account
    assert "calendars/" not in _html(site, "people/zhou-min").replace(feed_path(feed_secret(built), "zhou-min"), "")


def test_names_link_to_their_pages_everywhere(built: Path) -> None:
    site = built / "site"
    account = _html(site, "accounts/hengrui-parts")
    header = account[: account.index("</dl>")]
    assert '<a class="kad-who" href="../../people/zhou-min/">周敏</a>' in header  # owner and team
    assert '<a class="kad-who" href="../../people/wang-lei/">王磊</a>' in header
    visits = _section(account, "visits")
    assert 'href="../../people/chen-hao/">陈浩</a>' in visits  # a visit's ours and a commitment's owner
    for page in ("", "visits", "pipeline", "red-flags"):
        assert 'class="kad-who" href="' in _html(site, page), page
    assert 'href="people/zhou-min/">周敏</a>' in _html(site, "")


def test_the_account_page_shows_every_field_of_the_follow_through_example(built: Path) -> None:
    account = _html(built / "site", "accounts/hengrui-parts")
    actions = _section(account, "actions")
    text = _text(actions)
    for value in ("demo-cell", "failure-stats", "reference-visit", "price-list", "改为方案阶段一并报价", "顾建国"):
        assert value in text, value
    for status in ("Open", "Done", "Dropped"):
        assert status in text
    assert 'href="#project-weld-line-2"' in actions and 'href="#person-gu-buzhang"' in actions
    rows = re.findall(r'<tr id="action-([^"]+)"', actions)
    assert rows == ["failure-stats", "due-yesterday", "due-today", "demo-cell", "reference-visit", "price-list"]
    commitments = _text(account[account.index('id="open-commitments"') :].split("</table>")[0])
    assert commitments.index("一周内提供故障对比数据") < commitments.index("提供现用机器人停机记录")
    assert "寄送产品手册" not in commitments  # done: not open
    record = _text(account[account.index('id="visit-2026-11-12-first-meeting"') :].split("</div>\n")[0])
    for value in ("一周内提供故障对比数据", "王磊", "徐工", "寄送产品手册", "14 Nov 2026", "Done", "they promised"):
        assert value in record, value


def test_the_dashboard_counts_overdue_actions(built: Path) -> None:
    dashboard = _html(built / "site", "")
    stat = re.search(r'kad-stat kad-stat-alert">Overdue actions<b><a href="team/">(\d+)</a>', dashboard)
    assert stat is not None and stat[1] == "3"  # 王磊's two actions and his commitment
    row = next(r for r in dashboard.split("<tr>") if "恒锐零部件" in r)
    assert 'href="accounts/hengrui-parts/#actions">3</a>' in row


def test_a_renamed_owner_keeps_their_page_and_id(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _with_roster(workspace, "      people:\n        - {name: 周文敏, id: zhou-min, former_names: [周敏]}\n")
    _edit(workspace / "dossiers" / HENGRUI, "owner: 周敏", "owner: 周文敏")  # the team still says 周敏
    _build(workspace)
    site = workspace / "site"
    assert '<h1 id="person">周文敏</h1>' in _html(site, "people/zhou-min")
    assert "周敏" in _text(_html(site, "people/zhou-min"))  # listed as the former name
    assert not (site / "people" / "zhou-wen-min").exists()
    header = _html(site, "accounts/hengrui-parts").split("</dl>")[0]
    assert 'href="../../people/zhou-min/">周文敏</a>' in header and 'href="../../people/zhou-min/">周敏</a>' in header
    page = _html(site, "people/zhou-min")
    assert "恒锐零部件" in _section(page, "accounts")
    assert ">team<" not in _section(page, "accounts")  # one person: the owner, not also on the team


def test_two_names_with_one_id_get_two_pages_and_a_warning_and_linked_pages_follow(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    first = _build(workspace)
    assert "make the same id" not in first
    account = _html(workspace / "site", "accounts/hengrui-parts")
    assert 'href="../../people/zhou-min/">周敏</a>' in account
    # another account names 周民: hengrui's dossier is unchanged (its page is in the cache), its links are not
    _edit(workspace / "dossiers" / "northwind-grid.yaml", "\nteam: [", "\nteam: [周民, ")
    output = _build(workspace)
    assert "mkdocs.yml: 周敏 / 周民 make the same id 'zhou-min'" in output or (
        "mkdocs.yml: 周民 / 周敏 make the same id 'zhou-min'" in output
    )
    people = sorted(p.name for p in (workspace / "site" / "people").iterdir() if p.name.startswith("zhou-min"))
    assert len(people) == 2 and "zhou-min" not in people
    pages = {p: _html(workspace / "site", f"people/{p}") for p in people}
    mine = next(p for p, html in pages.items() if '<h1 id="person">周敏</h1>' in html)
    account = _html(workspace / "site", "accounts/hengrui-parts")
    assert f'href="../../people/{mine}/">周敏</a>' in account and "people/zhou-min/" not in account


def test_the_redacted_edition_links_no_feed_and_shows_no_email(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _with_roster(workspace, ROSTER)
    _build(workspace, "--redact")
    page = _html(workspace / "site", "people/wang-lei")
    assert "Redacted edition" in page
    assert "calendars/" not in page and "Personal calendar feed" not in page and "wanglei@example.com" not in page
    assert "一周内提供故障对比数据" in page  # the follow-through itself stays


def test_a_chinese_workspace_speaks_chinese_on_the_person_page(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    for key, value in [("language: en", "language: zh"), ("      language: en", "      language: zh")]:
        _edit(workspace / "mkdocs.yml", key, value)
    _build(workspace)
    page = _text(_html(workspace / "site", "people/wang-lei"))
    for words in ("待办行动与承诺", "逾期 · 9 天", "个人日历订阅", "所负责客户的预警"):
        assert words in page, words
    assert "团队" in _text(_html(workspace / "site", "team"))
