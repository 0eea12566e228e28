"""`kadossier validate --fix`: the old dialect's commas rewritten to '，' in place, and nothing else touched."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kadossier.cli import main
from kadossier.dossier.load import load_bytes
from kadossier.edit.commas import fix_commas
from kadossier.i18n import speaking
from tests.conftest import ROOT, TODAY

DIALECT = (
    "\ufeff# written for the old dialect\r\n"
    "schema_version: 1\r\n"
    "name: 逗号\r\n"
    "owner: 林强\r\n"
    "tags: [东三省,新闻纸, 年度招标, a,b, '东北,华北']  # a comment, with commas,like,these\r\n"
    "background:\r\n"
    "  departments:\r\n"
    "    - {name: 印刷厂, kind: using, notes: 两条轮转印刷线,夜班印刷,三班倒}\r\n"
    "  business_status: 经营稳定,广告下降\r\n"
    "  industry_position: |\r\n"
    "    [全国前十,东北第一]\r\n"
)
"""A dossier in the old dialect, with a BOM, CRLF line ends, and ASCII commas that are not the dialect's: after
a space, between Latin letters, in quotes, in a comment, in a block value and in a `|` block."""


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    for name, text in files.items():
        (tmp_path / "dossiers" / name).write_bytes(text.encode("utf-8"))
    return tmp_path


def run(folder: Path, *args: str) -> Result:
    argv = ["-C", str(folder), "--today", TODAY.isoformat(), *args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def test_fix_rewrites_exactly_the_dialect_commas_and_reports_each(tmp_path: Path) -> None:
    folder = workspace(tmp_path, {"acme.yaml": DIALECT})
    path = folder / "dossiers" / "acme.yaml"
    assert run(folder, "validate").exit_code == 1  # the dialect is an error now

    result = run(folder, "validate", "--fix")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "dossiers/acme.yaml:5:11: fixed ',' between Chinese characters to '，': '东三省，新闻纸'",
        "dossiers/acme.yaml:8:46: fixed ',' between Chinese characters to '，': '两条轮转印刷线，夜班印刷，三班倒'",
        "dossiers/acme.yaml:8:51: fixed ',' between Chinese characters to '，': '两条轮转印刷线，夜班印刷，三班倒'",
    ]
    assert "checked 1 dossier: 0 errors" in result.output
    expected = DIALECT.replace("东三省,新闻纸", "东三省，新闻纸").replace("线,夜班印刷,三", "线，夜班印刷，三")
    assert path.read_bytes() == expected.encode("utf-8")  # BOM, CRLF, comments and every other comma kept
    data = load_bytes(path.read_bytes()).data
    assert data["tags"] == ["东三省，新闻纸", "年度招标", "a", "b", "东北,华北"]  # what the old dialect read
    assert data["background"]["departments"][0]["notes"] == "两条轮转印刷线，夜班印刷，三班倒"

    again = run(folder, "validate", "--fix")
    assert again.exit_code == 0 and "fixed" not in again.output


def test_fix_never_touches_a_file_it_need_not_change(tmp_path: Path) -> None:
    clean = DIALECT.replace("东三省,新闻纸", "东三省，新闻纸").replace("线,夜班印刷,三", "线，夜班印刷，三")
    broken = DIALECT + "name: [东北,华北\r\n"  # a YAML error: nothing can be told about its commas
    folder = workspace(tmp_path, {"clean.yaml": clean, "broken.yaml": broken})
    before = {p: (p.read_bytes(), os.stat(p)) for p in (folder / "dossiers").iterdir()}
    old = 1_000_000_000
    for p in before:
        os.utime(p, ns=(old, old))
    result = run(folder, "validate", "--fix")
    assert result.exit_code == 1 and "fixed" not in result.output, result.output
    assert "broken.yaml:13:1: error: YAML syntax error" in result.output  # its error is reported as by validate alone
    for p, (data, stat) in before.items():
        assert p.read_bytes() == data
        assert os.stat(p).st_mtime_ns == old and os.stat(p).st_ino == stat.st_ino, p.name
    assert not list(folder.rglob("edit-*.lock"))  # not even locked: nothing to fix was found before


def test_fix_refuses_when_the_file_changed_underneath(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone saves the file in an editor after the fix read it under the lock: their save wins and the fix
    says so (the save is made in this process so that it lands at that exact moment)."""
    import kadossier.edit.commas

    folder = workspace(tmp_path, {"acme.yaml": DIALECT})
    path = folder / "dossiers" / "acme.yaml"
    saved = DIALECT.replace("林强", "王芳")
    real = kadossier.edit.commas.cjk_commas
    calls: list[int] = []

    def find_then_save(text: str) -> Any:
        found = real(text)
        calls.append(1)
        if len(calls) == 2:  # the second look is under the lock, at the bytes the fix will replace
            path.write_bytes(saved.encode("utf-8"))
        return found

    monkeypatch.setattr(kadossier.edit.commas, "cjk_commas", find_then_save)
    result = run(folder, "validate", "--fix")
    assert result.exit_code == 1, result.output
    assert "acme.yaml changed while kadossier was editing it" in result.output
    assert path.read_bytes() == saved.encode("utf-8")


def test_fix_does_not_edit_through_a_link(tmp_path: Path) -> None:
    folder = workspace(tmp_path, {})
    target = tmp_path / "elsewhere.yaml"
    target.write_bytes(DIALECT.encode("utf-8"))
    (folder / "dossiers" / "acme.yaml").symlink_to(target)
    assert fix_commas(folder / "dossiers" / "acme.yaml") == []
    assert target.read_bytes() == DIALECT.encode("utf-8")


def test_the_fix_report_in_chinese(tmp_path: Path) -> None:
    folder = workspace(tmp_path, {"acme.yaml": DIALECT})
    with speaking("zh"):
        fixed = fix_commas(folder / "dossiers" / "acme.yaml")
        lines = [str(f) for f in fixed]
    assert lines[0].endswith(":5:11: 已将中文之间的 ',' 改为 '，'：'东三省，新闻纸'"), lines[0]
