"""The command line's own messages in both languages: history, diff, visit, new and the edits' refusals.

One representative message per kind, run with `--lang zh` and `--lang en` (the example workspace says
`language: en`); the field paths of a diff stay the format's keys in either language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from kadossier.edit.scaffold import check_slug
from kadossier.errors import ScaffoldError
from kadossier.history.diff import Change
from kadossier.i18n import speaking
from tests.conftest import TODAY
from tests.test_history import DOSSIER, repo  # noqa: F401 - the example workspace in git, a fixture


def cli(workspace: Path, language: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--lang", language, "--today", TODAY.isoformat(), *args])
    return result.exit_code, result.output


def test_history_marks_uncommitted_changes(repo: Path) -> None:  # noqa: F811
    dossier = repo / DOSSIER
    dossier.write_text(dossier.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert cli(repo, "zh", "history", "shenyang-daily")[1].splitlines()[0] == "（有尚未提交的修改）"
    assert cli(repo, "en", "history", "shenyang-daily")[1].splitlines()[0] == "(changes not committed yet)"


def test_history_outside_git_says_why_there_is_none(workspace: Path) -> None:
    assert cli(workspace, "zh", "history", "shenyang-daily") == (0, "没有历史：不是 git 仓库\n")
    assert cli(workspace, "en", "history", "shenyang-daily") == (0, "no history: not a git repository\n")


def test_diff_since_the_last_visit_keeps_the_field_paths(repo: Path) -> None:  # noqa: F811
    code, zh = cli(repo, "zh", "diff", "shenyang-daily", "--since-last-visit")
    assert code == 0, zh
    head = r"自上次拜访（2026-11-10-first-call，2026-11-10）以来；与 2026-11-01 的提交 [0-9a-f]{8} 比较"
    assert re.fullmatch(head, zh.splitlines()[0]), zh
    assert "  people.wan-guoli.attitude: neutral -> supporter" in zh.splitlines()
    code, en = cli(repo, "en", "diff", "shenyang-daily", "--since-last-visit")
    head = r"since the last visit \(2026-11-10-first-call, 2026-11-10\); compared with [0-9a-f]{8} of 2026-11-01"
    assert re.fullmatch(head, en.splitlines()[0]), en
    assert zh.splitlines()[1:] == en.splitlines()[1:]  # commits and field changes: the same in both


def test_diff_without_changes_and_with_an_unknown_revision(repo: Path) -> None:  # noqa: F811
    assert cli(repo, "zh", "diff", "shenyang-daily") == (0, "没有变化\n")
    assert cli(repo, "en", "diff", "shenyang-daily") == (0, "no changes\n")
    code, output = cli(repo, "zh", "diff", "shenyang-daily", "--since", "no-such-rev")
    assert code == 1 and output == "kadossier: 错误：未知的版本 'no-such-rev'\n"
    assert cli(repo, "en", "diff", "shenyang-daily", "--since", "no-such-rev")[1].endswith(
        "kadossier: error: unknown revision 'no-such-rev'\n"
    )


def test_a_missing_value_in_a_change() -> None:
    with speaking("zh"):
        assert str(Change("grade", None, "B")) == "grade: （无） -> B"
    assert str(Change("grade", None, "B")) == "grade: (none) -> B"


def test_visit_done_says_what_it_changed(workspace: Path) -> None:
    code, output = cli(workspace, "zh", "visit", "shenyang-daily", "2026-11-28-workshop", "--done")
    assert code == 0, output
    assert output.splitlines() == [
        "dossiers/shenyang-daily.yaml: 拜访 2026-11-28-workshop：status: done",
        "dossiers/shenyang-daily.yaml: 拜访 2026-11-28-workshop：添加了空的拜访记录块 'record'（现在就填写）",
    ]
    code, output = cli(workspace, "en", "visit", "shenyang-daily", "2026-11-28-workshop", "--done")
    assert code == 1
    assert "dossiers/shenyang-daily.yaml: visit '2026-11-28-workshop' is already done and has a record" in output


def test_visit_plan_and_its_refusals(workspace: Path) -> None:
    code, output = cli(workspace, "zh", "visit", "northwind-grid", "kickoff", "--plan", "--date", "2027-01-12")
    assert code == 0, output
    assert output == "dossiers/northwind-grid.yaml: 已计划 2027-01-12 的拜访 kickoff；请填写拜访目的、人员和议程\n"
    code, output = cli(workspace, "zh", "visit", "northwind-grid", "kickoff", "--plan", "--date", "2027-01-12")
    assert code == 1 and "已有拜访 'kickoff'；请给新拜访另一个编号作为 VISIT_ID：kadossier visit" in output
    code, output = cli(workspace, "en", "visit", "northwind-grid", "kickoff", "--plan", "--date", "2027-01-12")
    assert code == 1 and "already has a visit 'kickoff'; give the new visit another id as VISIT_ID" in output
    flow = workspace / "dossiers" / "flow.yaml"
    flow.write_text("schema_version: 1\nname: F\nowner: A\nvisits:\n  - {id: v1, date: 2026-11-20}\n", "utf-8")
    code, output = cli(workspace, "zh", "visit", "flow", "v1", "--done")
    assert code == 1 and "flow.yaml:5:5: 拜访 'v1' 写在一行里（{...}）；要用 kadossier 修改" in output
    code, output = cli(workspace, "zh", "visit", "flow")
    assert code == 2 and "请说明要做什么：--done VISIT_ID，或 --plan" in output


def test_new_and_its_refusals(workspace: Path) -> None:
    assert cli(workspace, "zh", "new", "Acme", "--owner", "林强") == (0, "已创建 dossiers/acme.yaml\n")
    code, output = cli(workspace, "zh", "new", "🙂🙂", "--owner", "x")
    assert code == 1 and "无法从 '🙂🙂' 生成 ASCII 文件名；请用 --slug 指定" in output
    code, output = cli(workspace, "en", "new", "Acme", "--owner", "x")
    assert code == 1 and "acme.yaml already exists; choose another --slug" in output


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh", "slug 'Bad Slug' 只能由小写 ASCII 字母和数字组成，用 - 或 _ 连接（如 'shenyang-daily'）"),
        ("en", "slug 'Bad Slug' must be lowercase ASCII letters and digits joined by - or _ (like 'shenyang-daily')"),
    ],
)
def test_a_bad_slug(language: str, expected: str) -> None:
    with speaking(language), pytest.raises(ScaffoldError) as refused:
        check_slug("Bad Slug")
    assert str(refused.value) == expected


def test_an_edit_of_a_read_only_file_is_refused(workspace: Path) -> None:
    dossier = workspace / DOSSIER
    dossier.chmod(0o444)
    code, output = cli(workspace, "zh", "visit", "shenyang-daily", "--plan")
    assert code == 1
    assert "dossiers/shenyang-daily.yaml 是只读的；要用 kadossier 修改它，请先让它可写（chmod u+w）" in output


@pytest.mark.parametrize(
    ("language", "site_name", "example"), [("zh", "大客户档案", "示例客户"), ("en", "Key accounts", "Example Account")]
)
def test_init_writes_the_site_name_and_the_example_in_the_workspaces_language(
    tmp_path: Path, language: str, site_name: str, example: str
) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "team"), "--language", language, "--owner", "林强"])
    assert result.exit_code == 0, result.output
    assert f'site_name: "{site_name}"' in (tmp_path / "team" / "mkdocs.yml").read_text(encoding="utf-8")
    dossier = (tmp_path / "team" / "dossiers" / "example-account.yaml").read_text(encoding="utf-8")
    assert f'name: "{example}"' in dossier


def test_the_comments_an_edit_writes_are_in_the_workspaces_language(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    code, output = cli(workspace, "en", "visit", "shenyang-daily", "2026-11-28-workshop", "--done")
    assert code == 0 and output.endswith("visit 2026-11-28-workshop: added an empty record block (fill it in now)\n")
    content = (workspace / DOSSIER).read_text(encoding="utf-8")
    assert "    record:  # 拜访后马上填写，然后去掉行首的 # 号\n      # outcome: 发生了什么，用一两句话写\n" in content
    code, output = cli(workspace, "en", "visit", "shenyang-daily", "--plan", "--date", "2027-01-12")
    assert code == 0, output
    assert "    objective:  # 拜访目的：这次拜访想得到什么\n" in (workspace / DOSSIER).read_text(encoding="utf-8")
