"""The weekly digest (issue 19): what changed across accounts in a period, from a real git history — commits by
different authors on different days, a rename, an invalid version — through `kadossier digest` and the
site's *This week* page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from kadossier.cli import main
from tests.conftest import ROOT, git, without_custom

DAY = "2026-11-28"
BASE = yaml.safe_load((ROOT / "dossiers" / "haibin-press.yaml").read_text(encoding="utf-8"))


def commit(root: Path, message: str, *, author: str, when: str) -> None:
    day, time = when.split("T")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, author=author, day=day, time=time)


def write(root: Path, name: str, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (root / "dossiers" / f"{name}.yaml").write_text(text, encoding="utf-8")


def fresh() -> dict[str, Any]:
    """The win/loss example with its coated-paper project still open at compare, and two more people."""
    data = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    data["competitors"] = [{"id": c["id"], "name": c["ref"]} for c in data["competitors"]]  # no profiles file
    coated = data["projects"][1]
    coated.update(status="open", stage="design", budget=2_500_000)
    del coated["lost_to"], coated["reason"]
    data["people"] += [
        {
            "id": "li-gong",
            "name": "李工",
            "title": "技术部工程师",
            "attitude": "neutral",
            "relationship": "met",
            "contact": {"mobile": "13900000000"},
            "profile": {"interests": "CANARY-HOBBY 钓鱼"},
        },
        {"id": "wang-zhuren", "name": "王主任", "title": "办公室主任", "attitude": "supporter"},
    ]
    data["actions"] = [{"id": "samples", "what": "寄送样纸", "owner": "林强", "due": "2026-11-30"}]
    return data


def repository(tmp_path: Path, language: str = "en") -> Path:
    """A workspace in git: 海滨报业 committed on 1 Nov, then a week of changes by two people (see the test)."""
    root = tmp_path / "ws"
    (root / "dossiers").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        f"site_name: T\ndocs_dir: dossiers\nplugins:\n  - kadossier:\n      language: {language}\n", encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    data = fresh()
    write(root, "haibin", data)
    other = yaml.safe_load((ROOT / "dossiers" / "kestrel-robotics.yaml").read_text(encoding="utf-8"))
    write(root, "kestrel", without_custom(other))  # this workspace declares no custom fields
    commit(root, "start", author="林强", when="2026-11-01T10:00:00")
    git(root, "tag", "start")
    # 20 Nov (赵敏): the coated-paper project moves forward to compare; 李工 warms up (before the week)
    data["projects"][1]["stage"] = "compare"
    write(root, "haibin", data)
    commit(root, "compare", author="赵敏", when="2026-11-20T09:00:00")
    # 23 Nov (林强): an invalid version (an unknown field), fixed the next day
    (root / "dossiers" / "haibin.yaml").write_text(
        (root / "dossiers" / "haibin.yaml").read_text(encoding="utf-8") + "statsu: oops\n", encoding="utf-8"
    )
    commit(root, "oops", author="林强", when="2026-11-23T09:00:00")
    # 24 Nov (林强): the coated-paper project is lost; 乔海峰 cools; 王主任 leaves; a visit is planned
    data["projects"][1].update(status="lost", lost_to="huabei-forest", reason="价格高 6%")
    data["people"][0]["attitude"] = "neutral"
    data["people"] = [p for p in data["people"] if p["id"] != "wang-zhuren"]
    data["visits"].append({"id": "2026-12-03-audit", "date": "2026-12-03 10:00", "objective": "回访技术部"})
    write(root, "haibin", data)
    commit(root, "lost the coated paper", author="林强", when="2026-11-24T18:00:00")
    # 26 Nov (赵敏): the file is renamed; 李工 goes up to supporter; the action is done
    git(root, "mv", "dossiers/haibin.yaml", "dossiers/haibin-press.yaml")
    data["people"][1].update(attitude="supporter", relationship="recognized")
    data["actions"][0]["status"] = "done"
    write(root, "haibin-press", data)
    commit(root, "李工 on our side", author="赵敏", when="2026-11-26T11:00:00")
    # 27 Nov (赵敏): a new project won at once (a win), the other account untouched
    data["projects"].append(
        {
            "id": "rolls-2027",
            "name": "2027 卷筒纸",
            "stage": "commit",
            "status": "won",
            "value": 3_000_000,
            "reason": "交货期最短",
        }
    )
    write(root, "haibin-press", data)
    commit(root, "won the rolls", author="赵敏", when="2026-11-27T16:00:00")
    return root


def digest(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["-C", str(root), "--today", DAY, "digest", *args])


def test_the_week_in_order_wins_then_risks_with_who_and_when(tmp_path: Path) -> None:
    root = repository(tmp_path)
    result = digest(root)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# What changed: 22 Nov 2026 – 28 Nov 2026\n")
    assert "## 海滨报业" in text and "Kestrel" not in text  # an account nobody touched is left out
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines[0] == "- **Win** won 2027 卷筒纸 · CN¥3M — 交货期最短 (赵敏, 27 Nov 2026)", lines
    risks = [line for line in lines if line.startswith("- **Risk**")]
    assert lines.index(risks[0]) > 0 and all(lines.index(r) < len(risks) + 1 for r in risks), lines
    assert "- **Risk** lost 2026 年铜版纸采购 · CN¥2.4M — huabei-forest · 价格高 6% (林强, 24 Nov 2026)" in lines
    assert "- **Risk** 乔海峰 · 采购部部长: attitude down, Supporter → Neutral (林强, 24 Nov 2026)" in lines
    assert "- **Risk** left the decision chain: 王主任 · 办公室主任 (林强, 24 Nov 2026)" in lines
    assert "- visit planned for 3 Dec 2026, 10:00: 回访技术部 (林强, 24 Nov 2026)" in lines or any(
        line.startswith("- visit planned for 3 Dec 2026") and "回访技术部" in line for line in lines
    )
    # across the rename, by the other author
    assert "- 李工 · 技术部工程师: attitude up, Neutral → Supporter (赵敏, 26 Nov 2026)" in lines
    assert "- 李工 · 技术部工程师: relationship up, Met → Recognized (赵敏, 26 Nov 2026)" in lines
    assert "- action done: 寄送样纸 — 林强 (赵敏, 26 Nov 2026)" in lines
    assert "compare" not in text.lower().split("lost")[0] or "moved forward" not in text  # 20 Nov is before the week
    assert "oops" not in text and "statsu" not in text  # the invalid version is skipped, not reported
    assert "CANARY-HOBBY" not in text and "13900000000" not in text  # never a profile or a private contact


def test_a_project_won_after_a_move_is_a_win_first(tmp_path: Path) -> None:
    root = repository(tmp_path)
    path = root / "dossiers" / "haibin-press.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["projects"][0]["status"] = "open"  # reopen the newsprint framework, then win it again
    won_against = data["projects"][0].pop("won_against")  # an open project was won against no one yet
    write(root, "haibin-press", data)
    commit(root, "reopen", author="林强", when="2026-11-27T17:00:00")
    data["projects"][0].update(status="won", won_against=won_against)
    write(root, "haibin-press", data)
    commit(root, "won again", author="赵敏", when="2026-11-28T09:00:00")
    lines = [line for line in digest(root).output.splitlines() if line.startswith("- ")]
    win = "- **Win** won 2026 年度新闻纸框架采购 · CN¥9.6M — 化验数据和应急补货承诺打动了技术部 (赵敏, 28 Nov 2026)"
    assert lines[:2] == ["- **Win** won 2027 卷筒纸 · CN¥3M — 交货期最短 (赵敏, 27 Nov 2026)", win], lines
    assert "- reopened 2026 年度新闻纸框架采购 · CN¥9.6M (林强, 27 Nov 2026)" in lines


def test_red_flags_are_judged_as_of_each_commit(tmp_path: Path) -> None:
    root = repository(tmp_path)
    path = root / "dossiers" / "haibin-press.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # reviewed 2026-09-25: on the commit's day (24 Nov) 60 days old, fresh for grade B (more than 60 is stale);
    # today (28 Nov) 64 days, stale. Judged as of its commit, the change raised nothing.
    data["reviewed"] = "2026-09-25"
    write(root, "haibin-press", data)
    commit(root, "review date", author="林强", when="2026-11-24T08:00:00")
    text = digest(root).output
    assert "last reviewed" not in text, text
    # an open project at compare with its budget removed raises no-budget on that commit, by its author
    data["projects"].append({"id": "pulp", "name": "纸浆", "stage": "compare", "budget": 1})
    write(root, "haibin-press", data)
    commit(root, "pulp", author="林强", when="2026-11-28T09:00:00")
    del data["projects"][-1]["budget"]
    write(root, "haibin-press", data)
    commit(root, "pulp budget unknown", author="赵敏", when="2026-11-28T10:00:00")
    lines = [line for line in digest(root).output.splitlines() if line.startswith("- ")]
    assert any(
        line.startswith("- **Risk** red flag raised: project 'pulp' is at 'compare' but its budget is unknown")
        and line.endswith("(赵敏, 28 Nov 2026)")
        for line in lines
    ), lines


def test_since_a_date_a_revision_or_days(tmp_path: Path) -> None:
    root = repository(tmp_path)
    wide = digest(root, "--since", "2026-11-15").output
    assert "moved forward: Design → Compare" in wide and "赵敏, 20 Nov 2026" in wide
    tagged = digest(root, "--since", "start").output
    assert tagged.startswith("# What changed since start") and "moved forward: Design → Compare" in tagged
    one = digest(root, "--since", "1d").output
    assert "Nothing changed in this period." in one
    two = digest(root, "--since", "2d").output
    assert "2027 卷筒纸" in two and "乔海峰" not in two
    bad = digest(root, "--since", "no-such-tag")
    assert bad.exit_code == 1 and "unknown revision 'no-such-tag'" in bad.output and "Traceback" not in bad.output


def test_uncommitted_changes_count_and_say_so(tmp_path: Path) -> None:
    root = repository(tmp_path)
    path = root / "dossiers" / "haibin-press.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["people"][0]["relationship"] = "trusted"
    write(root, "haibin-press", data)
    assert "- 乔海峰 · 采购部部长: relationship up, Recognized → Trusted (not committed yet, 28 Nov 2026)" in (
        digest(root).output
    )


def test_owner_keeps_their_accounts(tmp_path: Path) -> None:
    root = repository(tmp_path)
    path = root / "dossiers" / "kestrel.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["grade"] = "A"
    data["people"][0]["attitude"] = "champion"
    write(root, "kestrel", data)
    commit(root, "kestrel", author="某人", when="2026-11-27T10:00:00")
    owner = data["owner"]
    mine = digest(root, "--owner", owner).output
    assert "Kestrel" in mine and "海滨报业" not in mine
    theirs = digest(root, "--owner", "林强").output
    assert "海滨报业" in theirs and "Kestrel" not in theirs
    nobody = digest(root, "--owner", "林钢")
    assert nobody.exit_code == 2 and "nobody of ours is called '林钢'" in nobody.output


def test_the_digest_speaks_the_workspace_language(tmp_path: Path) -> None:
    root = repository(tmp_path, language="zh")
    text = digest(root).output
    assert text.startswith("# 变化：2026年11月22日 – 2026年11月28日\n")
    assert (
        "- **风险** 丢单：2026 年铜版纸采购 · ¥240万 — huabei-forest · 价格高 6%（林强，2026年11月24日）" in text
        or ("**风险** 丢单：2026 年铜版纸采购" in text)
    ), text
    assert "李工 · 技术部工程师：态度好转，中立 → 支持" in text


def test_no_git_says_why(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "dossiers").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: T\ndocs_dir: dossiers\nplugins:\n  - kadossier\n", encoding="utf-8")
    write(root, "haibin", fresh())
    result = digest(root)
    assert result.exit_code == 0 and "No history: not a git repository" in result.output


def test_the_this_week_page(tmp_path: Path) -> None:
    root = repository(tmp_path, language="zh")
    built = CliRunner().invoke(main, ["-C", str(root), "--today", DAY, "build", "--no-pdf"])
    assert built.exit_code == 0, built.output
    site = root / "site"
    page = (site / "this-week" / "index.html").read_text(encoding="utf-8")
    assert "本周动态" in page and "丢单：2026 年铜版纸采购" in page
    assert 'href="../accounts/haibin-press/#project-coated-2026"' in page
    assert re.search(r"赵敏 · 2026年11月26日", page)
    assert "2027 卷筒纸" in page  # 27 Nov: in the week of the build's day
    earlier = CliRunner().invoke(main, ["-C", str(root), "--today", "2026-11-25", "build", "--no-pdf"])
    assert earlier.exit_code == 0, earlier.output
    before = (site / "this-week" / "index.html").read_text(encoding="utf-8")
    assert "丢单：2026 年铜版纸采购" in before and "2027 卷筒纸" not in before  # a later commit is not in the week
    assert "CANARY-HOBBY" not in page and "13900000000" not in page
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="this-week/"' in dashboard
