"""The messages of the library below the commands, in both languages: red flags, validation problems, folder
refusals, workspace and settings errors, locks and files, the did-you-mean hint and the problem line itself.

Each Chinese message is checked for its words and for English left in it: apart from the literal values
(quoted ids, keys and values, paths, names the dossier holds, codes), a zh workspace's messages are Chinese.
These need the compiled Chinese catalog (`bash .ci/translations`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kadossier.dossier import folder
from kadossier.dossier.validate import Checked, check_file
from kadossier.errors import KadossierError, Problem, Severity, WorkspaceError
from kadossier.i18n import speaking
from kadossier.utils import files, locks
from kadossier.utils.messages import did_you_mean
from kadossier.workspace import locate, settings

TODAY = date(2026, 11, 28)

ALLOWED = {"kadossier", "PDF", "MiB", "ISO", "IANA", "CNY", "EUR", "USD", "Windows", "yaml", "yml", "mkdocs"}
"""Words a Chinese message may hold: names of things that have no other name."""


def english(text: str, *literals: str) -> list[str]:
    """The English words of a message, leaving out `literals` (data the message shows), quoted literals
    ('reports_to', 'wan-guoli'), a trailing [code] and the words in ALLOWED."""
    for literal in sorted(literals, key=len, reverse=True):
        text = text.replace(literal, " ")
    text = re.sub(r"'[^']*'", " ", text)
    text = re.sub(r" \[[a-z-]+\]$", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED]


def check(tmp_path: Path, text: str, name: str = "acme.yaml") -> Checked:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_file(path, TODAY, name=name)


RED_FLAGS = """\
schema_version: 1
name: 沈阳日报社
owner: 李明
reviewed: 2026-06-01
people:
  - id: wan-guoli
    name: 万国利
    roles: [decision_maker]
    relationship: met
    target: trusted
value: {risk: 4}
projects:
  - id: newsprint
    name: 新闻纸采购
    stage: commit
    decision_makers: [wan-guoli]
  - id: looms
    name: 印刷机
    stage: interest
visits:
  - id: workshop
    date: 2026-12-01
  - id: call
    date: 2026-11-29
    objective: 约参观
  - id: overdue
    date: 2026-11-20 10:00
    objective: 确认预算
  - id: unrecorded
    date: 2026-11-10
    status: done
    objective: 介绍方案
"""
"""Every red flag but the never-reviewed one, the follow-through ones and coach-weak (it needs a coach; this
dossier has none), in a Chinese dossier."""

RED_FLAGS_ZH = {
    "stale-review": "上次审阅是在 180 天前（超过了 90 天）",
    "no-coach": "人员中没有向导（内线）：没有向导，就如同蒙着眼睛做销售",
    "weak-decision-maker": (
        "决策者 万国利（'wan-guoli'）与我们的关系阶段只到 约会（'met'）；目标是 认同（'recognized'）或更高"
    ),
    "no-budget": "项目 新闻纸采购（'newsprint'）已到 承诺（'commit'）阶段，但预算未知",
    "no-decision-maker": "进行中的项目 印刷机（'looms'）没有决策者",
    "visit-no-objective": "计划中的拜访 'workshop' 没有拜访目的",
    "visit-overdue": (
        "拜访 'overdue' 仍是计划中（'planned'），但日期 2026-11-20 已过；请改为已完成（'done'）或已取消（'cancelled'）"
    ),
    "visit-no-record": "拜访 'unrecorded' 已完成，但没有拜访记录",
    "incomplete": (
        "档案完整度 17%，低于未分级客户的要求 40%（按 C 级）；缺少：组织形式；规模（员工数或营业额）；年采购量；"
        "消费模式和消费周期；联系方式（地址、电话、网站或邮箱）；另有 19 项"
    ),
    "decision-maker-cold": "决策者 万国利（'wan-guoli'）从未接触过（没有 'last_contact'，也没有拜访）",
    "problem-unknown": (
        "项目 新闻纸采购（'newsprint'）已到 承诺（'commit'）阶段，却没有写明它要解决什么问题：去问，不要臆想客户需求"
    ),
    "no-competitors": "项目 新闻纸采购（'newsprint'）已到 承诺（'commit'）阶段，却没有列出竞争对手：还有谁在参与？",
    "no-next-visit": "项目 新闻纸采购（'newsprint'）已到 承诺（'commit'）阶段，却没有计划中的拜访：预约下一次拜访",
    "visit-unconfirmed": "拜访 'call'（2026-11-29）还有 1 天，预约尚未确认：请电话预约确认（'confirmed: true'）",
    "credit-risk": "价值评估中的风险为 4（满分 5；4 及以上即有信用风险）",
    "below-target": (
        "万国利（'wan-guoli'）的关系阶段是 约会（'met'），低于目标 信赖（'trusted'），却没有 'approach'："
        "写下往上走的下一步，以及对方能得到什么"
    ),
}


def test_every_red_flag_reads_as_chinese_in_a_chinese_workspace(tmp_path: Path) -> None:
    with speaking("zh"):
        flags = {p.code: p.message for p in check(tmp_path, RED_FLAGS).warnings}
        never = check(tmp_path, RED_FLAGS.replace("reviewed: 2026-06-01\n", "")).warnings
    assert flags == RED_FLAGS_ZH
    assert [p.message for p in never if p.code == "stale-review"] == ["档案从未审阅过（没有 'reviewed' 日期）"]
    for message in [*flags.values(), never[0].message]:
        assert english(message) == [], message


def test_red_flags_stay_english_in_english(tmp_path: Path) -> None:
    flags = {p.code: p.message for p in check(tmp_path, RED_FLAGS).warnings}
    assert flags["weak-decision-maker"] == (
        "decision maker 万国利 ('wan-guoli') is only at relationship 'met'; aim for 'recognized' or better"
    )
    assert flags["no-budget"] == "project 'newsprint' is at 'commit' but its budget is unknown"
    assert set(flags) == set(RED_FLAGS_ZH)


BROKEN = """\
schema_version: 1
name: 沈阳日报社
owner: 李明
people:
  - id: wan-guoli
    name: 万国利
    reports_to: liu-qiang
  - id: liu-qiang
    name: 刘强
    reports_to: wan-guoli
  - id: liu-qiang
    name: 刘强二
projects:
  - id: newsprint
    name: 新闻纸
    stage: trust
    decision_makers: [wang-guoli]
    competitors: [nobody]
visits:
  - id: v1
    date: 2026-11-01
    project: paper
"""


def test_reference_errors_duplicates_and_cycles_in_both_languages(tmp_path: Path) -> None:
    en = [p.message for p in check(tmp_path, BROKEN).errors]
    with speaking("zh"):
        zh = [p.message for p in check(tmp_path, BROKEN).errors]
    assert en == [
        "reports_to forms a cycle: wan-guoli -> liu-qiang -> wan-guoli",
        "duplicate people id 'liu-qiang' (also people[1])",
        "no person with id 'wang-guoli'; did you mean 'wan-guoli'?",
        "no competitor with id 'nobody'",
        "no project with id 'paper'",
    ]
    assert zh == [
        "'reports_to' 形成了循环：wan-guoli -> liu-qiang -> wan-guoli",
        "人员编号 'liu-qiang' 重复（people[1] 已使用）",
        "没有编号为 'wang-guoli' 的人员；是不是 'wan-guoli'？",
        "没有编号为 'nobody' 的竞争对手",
        "没有编号为 'paper' 的项目",
    ]
    assert english(zh[0], "wan-guoli", "liu-qiang") == []
    assert english(zh[1], "people[1]") == []
    assert all(english(m) == [] for m in zh[2:])


TYPES = """\
schema_version: 1
name: 沈阳日报社
ownr: 李明
tier: Key
background:
  employees: 很多
  founded: 3000
"""


def test_validation_problems_in_both_languages(tmp_path: Path) -> None:
    en = [p.message for p in check(tmp_path, TYPES).errors]
    with speaking("zh"):
        zh = [p.message for p in check(tmp_path, TYPES).errors]
        version = check(tmp_path, "schema_version: 7\nname: x\n").errors[0].message
    assert en == [
        "missing required field 'owner'",
        "unknown field 'ownr'; did you mean 'owner'?",
        "tier Key is not one of: key, major, ordinary, small; did you mean 'key'?",
        "employees must be a whole number, got 很多",
        "founded must be at most 2100, got 3000",
    ]
    assert zh == [
        "缺少必填字段 'owner'",
        "未知字段 'ownr'；是不是 'owner'？",
        "'tier' 的值 Key 不是以下之一：key, major, ordinary, small；是不是 'key'？",
        "'employees' 必须是整数，实际为 很多",
        "'founded' 最多为 2100，实际为 3000",
    ]
    assert (
        version == "不支持 'schema_version' 7：这个版本的 kadossier 只读取第 1 版格式；请升级 kadossier，或改正版本号"
    )
    assert english(zh[2], "Key", "key, major, ordinary, small") == []
    for message in [*zh[:2], *zh[3:], version]:
        assert english(message) == [], message


def test_folder_refusals_and_file_names_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    (tmp_path / "acme.yml").write_text("schema_version: 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    with speaking("zh"):
        twin = folder.refusal(tmp_path / "acme.yml")
        stray = folder.refusal(tmp_path / "notes.txt")
        slug = check(tmp_path, "schema_version: 1\n", name="Acme Corp.yaml").errors[0].message
    assert twin == "客户 'acme' 也由 acme.yaml 定义：请把两个文件合并到 acme.yaml 中，并删除 acme.yml"
    assert stray == (
        "'notes.txt' 不是档案（档案是名为 <客户编号>.yaml 的文件）：请把它移出档案文件夹；如果它是档案，请给它改名"
    )
    assert slug.startswith("文件名 'Acme Corp.yaml' 只能由小写英文字母、数字、- 或 _ 组成")
    for message in (twin, stray, slug):
        assert english(message or "", "acme.yaml", "acme.yml") == [], message
    assert folder.refusal(tmp_path / "notes.txt") == (
        "'notes.txt' is not a dossier (a dossier is an <account-id>.yaml file): move it out of the dossiers "
        "folder, or rename it if it is one"
    )


def test_the_problem_line_translates_its_severity_and_keeps_location_and_code() -> None:
    warning = Problem("dossiers/acme.yaml", 3, 7, Severity.WARNING, "消息", "no-coach")
    error = Problem("dossiers", 0, 0, Severity.ERROR, "message")
    with speaking("zh"):
        assert str(warning) == "dossiers/acme.yaml:3:7: 警告：消息 [no-coach]"
        assert str(error) == "dossiers: 错误：message"
    assert str(warning) == "dossiers/acme.yaml:3:7: warning: 消息 [no-coach]"
    assert str(error) == "dossiers: error: message"


def test_did_you_mean_in_both_languages() -> None:
    assert did_you_mean("mangement", ["operating", "management"]) == "; did you mean 'management'?"
    with speaking("zh"):
        assert did_you_mean("mangement", ["operating", "management"]) == "；是不是 'management'？"
        assert did_you_mean("xyz", ["operating", "management"]) == ""


CONFIG = """\
site_name: 大客户档案
plugins:
  - kadossier:
      langauge: zh
      currency: RMB
      timezone: Asia/Shenyang
"""


def test_settings_errors_in_chinese_located_in_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    with speaking("zh"), pytest.raises(WorkspaceError) as caught:
        settings.read(tmp_path / "mkdocs.yml")
    assert caught.value.where == "mkdocs.yml:4:7"
    assert str(caught.value).splitlines() == [
        "kadossier 插件选项 'langauge'：未知选项；是不是 'language'？",
        "mkdocs.yml:5:7: 错误：kadossier 插件选项 'currency'：'RMB' 不是 ISO 4217 货币代码（如 CNY、EUR、USD）",
        "mkdocs.yml:6:7: 错误：kadossier 插件选项 'timezone'：'Asia/Shenyang' 不是 IANA 时区（如 Asia/Shanghai 或 "
        "Europe/Berlin）",
    ]
    for line in str(caught.value).splitlines():
        assert english(line, "mkdocs.yml", "Asia/Shanghai", "Europe/Berlin") == [], line


def test_workspace_errors_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - kadossier\n", encoding="utf-8")
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "dossiers" / "shenyang-daily.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-not-a-workspace"
    workspace = locate.find(tmp_path)
    with speaking("zh"):
        with pytest.raises(WorkspaceError) as unknown:
            workspace.account_file("shenyang-dialy")
        with pytest.raises(WorkspaceError) as none:
            locate.find(outside)
    folder_shown = str(workspace.dossiers_dir)
    assert str(unknown.value) == f"{folder_shown} 中没有客户 'shenyang-dialy'；是不是 'shenyang-daily'？"
    assert str(none.value).endswith("请运行 'kadossier init'，或用 '-C DIR' 指定工作区")
    assert english(str(unknown.value), folder_shown) == []
    assert english(str(none.value), str(outside), "mkdocs.yml") == []


def test_lock_and_file_errors_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(locks.TIMEOUT_VARIABLE, "ten")
    with speaking("zh"):
        with pytest.raises(KadossierError) as timeout:
            locks.default_timeout()
        with pytest.raises(KadossierError) as empty, files.atomic(tmp_path / "acme.pdf"):
            pass
        lock = locks.lock_file(tmp_path, "workspace")
        with locks.hold(lock, "kadossier build", timeout=0):
            holder = locks.holder(lock)
    assert str(timeout.value) == "KADOSSIER_LOCK_TIMEOUT='ten' 不是秒数"
    assert str(empty.value) == "acme.pdf: 没有写入任何内容"
    assert re.fullmatch(r"进程 \d+（kadossier build）", holder)
    for message in (str(timeout.value), str(empty.value), holder):
        assert english(message, "KADOSSIER_LOCK_TIMEOUT", "acme.pdf", "kadossier build") == [], message
