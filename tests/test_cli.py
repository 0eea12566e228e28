"""The command line through click's CliRunner: exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kadossier.cli import main
from kadossier.dossier.validate import check_file
from tests.conftest import FIXTURES, TODAY

INVALID = FIXTURES / "invalid"


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    argv = ["--today", TODAY.isoformat()] + [str(a) for a in args]
    if cwd is not None:
        argv = ["-C", str(cwd), *argv]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def test_validate_the_workspace_reports_red_flags_and_passes(workspace: Path) -> None:
    result = run("validate", cwd=workspace)
    assert result.exit_code == 0, result.output
    assert (
        "dossiers/shenyang-daily.yaml:78:19: warning: decision maker 万国利 ('wan-guoli') is only at "
        "relationship 'met'; aim for 'recognized' or better [weak-decision-maker]"
    ) in result.output
    assert result.output.splitlines()[-1] == "checked 6 dossiers: 0 errors, 22 warnings"


def test_strict_fails_on_the_warnings_the_workspace_warns_on(workspace: Path) -> None:
    assert run("validate", "--strict", cwd=workspace).exit_code == 0  # its warn list: data-entry flags only
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("warn: [no-decision-maker,", "warn: [weak-decision-maker,"), encoding="utf-8")
    result = run("validate", "--strict", cwd=workspace)
    assert result.exit_code == 1
    assert "22 warnings" in result.output


def test_validate_finds_the_workspace_from_a_subfolder(workspace: Path) -> None:
    result = run("validate", cwd=workspace / "dossiers")
    assert result.exit_code == 0 and "shenyang-daily.yaml:66:19: warning" in result.output


def test_every_bad_fixture_exits_1_with_located_errors_and_no_traceback() -> None:
    result = run("validate", INVALID)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    files = sorted(INVALID.glob("*.yaml"))
    for path in files:
        assert f"{path}:" in result.output, path.name
    assert f"checked {len(files)} dossiers:" in result.output


@pytest.mark.parametrize("name", [p.name for p in sorted(INVALID.glob("*.yaml"))])
def test_each_bad_fixture_alone(name: str) -> None:
    result = run("validate", INVALID / name)
    assert result.exit_code == 1
    first = check_file(INVALID / name, TODAY).errors[0]
    assert result.output.startswith(f"{INVALID / name}:{first.line}:{first.col}: error: ")


def test_paths_are_shown_as_given(workspace: Path) -> None:
    result = run("validate", "dossiers/kestrel-robotics.yaml", cwd=workspace)
    assert result.exit_code == 0 and result.output.startswith("dossiers/kestrel-robotics.yaml:55:19: warning: ")
    assert result.output.endswith("checked 1 dossier: 0 errors, 1 warning\n")


def test_no_workspace_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no kadossier workspace in" in result.output and "kadossier init" in result.output


def test_missing_path_and_unknown_option_are_usage_errors(workspace: Path) -> None:
    assert run("validate", "nope.yaml", cwd=workspace).exit_code == 2
    assert run("validate", "--frobnicate", cwd=workspace).exit_code == 2


def test_same_account_twice_is_an_error(workspace: Path) -> None:
    (workspace / "dossiers" / "kestrel-robotics.yml").write_bytes(
        (workspace / "dossiers" / "kestrel-robotics.yaml").read_bytes()
    )
    result = run("validate", cwd=workspace)
    assert result.exit_code == 1
    assert (
        "kestrel-robotics.yml:1:1: error: account 'kestrel-robotics' is also defined by kestrel-robotics.yaml"
        in result.output
    )


def test_bad_file_name_is_an_error(workspace: Path) -> None:
    (workspace / "dossiers" / "Bad Name.yaml").write_text("schema_version: 1\nname: x\nowner: y\n", encoding="utf-8")
    result = run("validate", cwd=workspace)
    assert result.exit_code == 1
    assert "Bad Name.yaml:1:1: error: file name 'Bad Name.yaml' must be a lowercase ASCII slug" in result.output


def test_bad_plugin_option_is_reported_with_its_line(workspace: Path) -> None:
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("currency: CNY", "currency: RMB")
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index("      currency: RMB") + 1
    result = run("validate", cwd=workspace)
    assert result.exit_code == 2
    assert f"mkdocs.yml:{line}:7: error: kadossier plugin option 'currency': 'RMB' is not an ISO 4217" in result.output


def test_new_writes_a_valid_commented_dossier(workspace: Path) -> None:
    result = run("new", "沈阳晨光日报社", "--owner", "林强", cwd=workspace)
    assert result.exit_code == 0, result.output
    path = workspace / "dossiers" / "shen-yang-chen-guang-ri-bao-she.yaml"
    assert result.output == "created dossiers/shen-yang-chen-guang-ri-bao-she.yaml\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=dossier.schema.json\n")
    assert 'name: "沈阳晨光日报社"' in text and "# grade: B" in text
    checked = check_file(path, TODAY)
    assert checked.dossier is not None and checked.dossier.owner == "林强"
    assert [p.code for p in checked.problems] == ["incomplete"]  # what to find out first: a nudge, not an error
    assert json.loads((workspace / "dossiers" / "dossier.schema.json").read_text(encoding="utf-8"))["$id"]


def test_new_quotes_names_that_look_like_yaml(workspace: Path) -> None:
    result = run("new", 'ACME: "Global" #1', "--owner", "NO", cwd=workspace)
    assert result.exit_code == 0, result.output
    checked = check_file(workspace / "dossiers" / "acme-global-1.yaml", TODAY)
    assert checked.dossier is not None and checked.dossier.name == 'ACME: "Global" #1'
    assert checked.dossier.owner == "NO"


def test_new_never_overwrites(workspace: Path) -> None:
    before = (workspace / "dossiers" / "northwind-grid.yaml").read_bytes()
    result = run("new", "Northwind Grid", "--owner", "x", cwd=workspace)
    assert result.exit_code == 1 and "already exists" in result.output
    assert (workspace / "dossiers" / "northwind-grid.yaml").read_bytes() == before


@pytest.mark.parametrize("slug", ["../evil", "a/b", "..", "Upper", "a b", ""])
def test_new_refuses_unsafe_slugs(workspace: Path, slug: str) -> None:
    result = run("new", "Anything", "--slug", slug, "--owner", "x", cwd=workspace)
    assert result.exit_code == 1 and "slug" in result.output
    assert not any(p.name.startswith("evil") for p in workspace.rglob("*"))


def test_new_asks_for_a_slug_when_none_can_be_made(workspace: Path) -> None:
    result = run("new", "🙂🙂", "--owner", "x", cwd=workspace)
    assert result.exit_code == 1 and "pass one with --slug" in result.output


def test_init_creates_a_workspace_that_validates(tmp_path: Path) -> None:
    result = run("init", tmp_path / "team", "--language", "zh", "--owner", "林强")
    assert result.exit_code == 0, result.output
    team = tmp_path / "team"
    assert {p.name for p in team.iterdir()} == {"mkdocs.yml", ".gitignore", "dossiers"}
    assert "language: zh" in (team / "mkdocs.yml").read_text(encoding="utf-8")
    validated = run("validate", cwd=team)  # a zh workspace speaks Chinese
    assert validated.exit_code == 0 and "检查了 1 份档案：0 个错误，1 个警告" in validated.output
    assert "[incomplete]" in validated.output and "缺少：组织形式" in validated.output
    built = run("build", "--strict", cwd=team)
    assert built.exit_code == 0, built.output
    assert (team / "site" / "accounts" / "example-account" / "index.html").is_file()
    assert run("init", team).exit_code == 1


def test_schema_prints_json_and_markdown() -> None:
    schema = json.loads(run("schema").output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "| `reports_to` | id |" in run("schema", "--format", "markdown").output


def test_internal_errors_are_one_line_unless_verbose(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kadossier.dossier.validate

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(kadossier.dossier.validate, "check_files", broken)
    result = CliRunner().invoke(main, ["-C", str(workspace), "validate"])
    assert result.exit_code == 3 and "internal error: RuntimeError('boom')" in result.output
    assert "Traceback" not in result.output
    verbose = CliRunner().invoke(main, ["-C", str(workspace), "-v", "validate"])
    assert isinstance(verbose.exception, RuntimeError)


def test_python_dash_m_and_the_console_script(workspace: Path) -> None:
    for argv in ([sys.executable, "-m", "kadossier"], [str(Path(sys.executable).parent / "kadossier")]):
        done = subprocess.run(
            [*argv, "--today", "2026-11-23", "validate"], cwd=workspace, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith("checked 6 dossiers: 0 errors, 22 warnings\n")
