"""`kadossier close ACCOUNT ITEM`: an action or a commitment closed in place, only its lines changed; and the
record skeleton `kadossier visit --done` writes, with its structured commitments to fill in."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from kadossier.cli import main
from kadossier.dossier.validate import check_file
from kadossier.i18n import speaking

from .conftest import ROOT

DAY = "2026-11-28"
HENGRUI = "dossiers/hengrui-parts.yaml"


def cli(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["-C", str(workspace), "--today", DAY, *args])
    return result.exit_code, result.stdout, result.stderr


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added."""
    removed, added = [], []
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def commitment_key(workspace: Path, what: str) -> str:
    """The key `kadossier agenda` shows for a commitment (the command to close it ends its line)."""
    _, out, _ = cli(workspace, "agenda")
    line = next(line for line in out.splitlines() if what in line)
    return line.split()[-1]


def test_close_changes_only_that_items_lines(workspace: Path) -> None:
    dossier = workspace / HENGRUI
    original = dossier.read_text(encoding="utf-8")
    key = commitment_key(workspace, "一周内提供故障对比数据")  # a flow-style commitment without an id
    code, out, err = cli(workspace, "close", "hengrui-parts", key)
    assert code == 0, out + err
    assert out == f"dossiers/hengrui-parts.yaml: {key} is done: 一周内提供故障对比数据\n"
    after = dossier.read_text(encoding="utf-8")
    assert changes(original, after) == (
        ["        - {what: 一周内提供故障对比数据, owner: 王磊, due: 2026-11-19}\n"],
        ["        - {what: 一周内提供故障对比数据, owner: 王磊, due: 2026-11-19, status: done}\n"],
    )
    # an action with a status line: that value only
    before = after
    assert cli(workspace, "close", "hengrui-parts", "failure-stats")[0] == 0
    after = dossier.read_text(encoding="utf-8")
    assert changes(before, after) == (["    status: open\n"], ["    status: done\n"])
    # an action without one: a line added at its end, before the next action
    before = after
    assert cli(workspace, "close", "hengrui-parts", "demo-cell", "--dropped")[0] == 0
    after = dossier.read_text(encoding="utf-8")
    assert changes(before, after) == ([], ["    status: dropped\n"])
    assert after.index("status: dropped") < after.index("- id: failure-stats")
    assert after.index("status: dropped") > after.index("with: [gu-buzhang]")
    # the file is valid, and the agenda no longer lists them
    assert not check_file(dossier, date(2026, 11, 28)).errors
    _, agenda, _ = cli(workspace, "agenda")
    assert key not in agenda and "failure-stats" not in agenda and "demo-cell" not in agenda


def test_closing_twice_says_so(workspace: Path) -> None:
    assert cli(workspace, "close", "hengrui-parts", "demo-cell")[0] == 0
    before = (workspace / HENGRUI).read_bytes()
    code, _, err = cli(workspace, "close", "hengrui-parts", "demo-cell")
    assert code == 1
    assert "dossiers/hengrui-parts.yaml: 'demo-cell' is already done; nothing to do" in err
    code, _, err = cli(workspace, "close", "hengrui-parts", "reference-visit", "--dropped")  # done in the file
    assert code == 1 and "'reference-visit' is already done" in err
    assert (workspace / HENGRUI).read_bytes() == before


def test_unknown_item_gets_did_you_mean(workspace: Path) -> None:
    before = (workspace / HENGRUI).read_bytes()
    code, _, err = cli(workspace, "close", "hengrui-parts", "demo-cel")
    assert code == 1
    assert "dossiers/hengrui-parts.yaml has no action or commitment 'demo-cel'; did you mean 'demo-cell'?" in err
    code, _, err = cli(workspace, "close", "northwind-grid", "demo-cell")
    assert code == 1 and "has no actions or structured commitments to close" in err
    assert (workspace / HENGRUI).read_bytes() == before


def test_close_message_in_chinese(workspace: Path) -> None:
    assert cli(workspace, "close", "hengrui-parts", "demo-cell")[0] == 0
    code, _, err = cli(workspace, "--lang", "zh", "close", "hengrui-parts", "demo-cell")
    assert code == 1 and "'demo-cell' 已经是已完成（'done'），无需操作" in err


def test_two_concurrent_closes_both_land(workspace: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    commands = [
        [sys.executable, "-m", "kadossier", "--today", DAY, "close", "hengrui-parts", item]
        for item in ("demo-cell", "failure-stats")
    ]
    processes = [
        subprocess.Popen(c, cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
    text = (workspace / HENGRUI).read_text(encoding="utf-8")
    block = text[text.index("- id: demo-cell") : text.index("- id: reference-visit")]
    assert block.count("status: done") == 2 and "status: open" not in block


def test_record_skeleton_has_structured_commitments_to_fill_in(workspace: Path) -> None:
    dossier = workspace / HENGRUI
    before = dossier.read_text(encoding="utf-8")
    assert cli(workspace, "visit", "hengrui-parts", "2026-12-05-demo", "--done")[0] == 0
    after = dossier.read_text(encoding="utf-8")
    _, added = changes(before, after)
    assert "      #   - {what: what we promised, owner: 陈浩, due: YYYY-MM-DD}\n" in added
    assert "      #   - {what: what they promised, person: gu-buzhang, due: YYYY-MM-DD}\n" in added
    # filled in (the # signs removed, the dates written), it is a valid record with two commitments
    filled = after.replace("      # ", "      ").replace("YYYY-MM-DD", "2026-12-12")
    dossier.write_text(filled, encoding="utf-8")
    checked = check_file(dossier, date(2026, 12, 6))
    assert not checked.errors, checked.errors
    assert checked.dossier is not None
    record = checked.dossier.visit("2026-12-05-demo").record  # type: ignore[union-attr]
    assert record is not None and [c.owner or c.person for c in record.promises] == ["陈浩", "gu-buzhang"]


def test_record_skeleton_in_a_chinese_workspace(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8")
    with speaking("zh"):
        assert cli(workspace, "visit", "hengrui-parts", "2026-12-05-demo", "--done")[0] == 0
    text = (workspace / HENGRUI).read_text(encoding="utf-8")
    assert "#   - {what: 我方承诺的事, owner: 陈浩, due: YYYY-MM-DD}" in text


LAYOUTS = """schema_version: 1
name: T
owner: Ann
actions:
  - {id: a1, what: call them, owner: Ann, due: 2026-11-20, status: open}
  - {id: a2, what: "multi, line",
     owner: Ann,
     due: 2026-11-21}
  - id: a3
    what: last
visits:
  - id: v1
    date: 2026-11-10
    status: done
    record:
      outcome: ok
      commitments:
        - what: |
            a long
            # text line
          owner: Ann
          id: long-one
        - what: send the deck
          owner: Ann"""


def test_close_in_every_layout(workspace: Path) -> None:
    dossier = workspace / "dossiers" / "t.yaml"
    dossier.write_text(LAYOUTS, encoding="utf-8")  # and no line break at the end
    for item in ("a1", "a2", "a3", "long-one"):
        code, out, err = cli(workspace, "close", "t", item)
        assert code == 0, out + err
    key = commitment_key(workspace, "send the deck")
    assert cli(workspace, "close", "t", key, "--dropped")[0] == 0
    assert dossier.read_text(encoding="utf-8") == (
        LAYOUTS.replace("2026-11-20, status: open}", "2026-11-20, status: done}")
        .replace("due: 2026-11-21}", "due: 2026-11-21, status: done}")
        .replace("what: last\n", "what: last\n    status: done\n")
        .replace("id: long-one\n", "id: long-one\n          status: done\n")
        + "\n          status: dropped\n"
    )
    assert cli(workspace, "validate", "dossiers/t.yaml")[0] == 0
