"""The workspace's settings (kadossier.workspace.settings): every problem reported, located, for the kadossier
commands and for `mkdocs build` alike."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.errors import WorkspaceError
from kadossier.workspace import settings
from kadossier.workspace.settings import KadossierConfig, Settings

LIST_FORM = """\
site_name: t
docs_dir: dossiers
plugins:
  - search
  - kadossier:
      langauge: zh
      currency: RMB
      pdf: nope
      pdf_timeout: 30
"""
"""Three problems, in file order: a misspelt option (line 6), a bad currency (7), a bad boolean (8)."""

DICT_FORM = """\
site_name: t
docs_dir: dossiers
plugins:
  search: {}
  kadossier:
    dossiers_dir: dossiers
    colour: red
    pdf_memory: lots
"""


def _workspace(tmp_path: Path, config: str) -> Path:
    (tmp_path / "dossiers").mkdir()
    path = tmp_path / "mkdocs.yml"
    path.write_text(config, encoding="utf-8")
    return path


def _problems(config_file: Path) -> list[str]:
    """The lines of the one WorkspaceError `read` raises, each `where: error: message` as the CLI shows it."""
    with pytest.raises(WorkspaceError) as caught:
        settings.read(config_file)
    return f"{caught.value.where}: error: {caught.value}".splitlines()


def test_every_failed_option_is_reported_located_in_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _problems(_workspace(tmp_path, LIST_FORM)) == [
        "mkdocs.yml:6:7: error: kadossier plugin option 'langauge': unknown option; did you mean 'language'?",
        "mkdocs.yml:7:7: error: kadossier plugin option 'currency': 'RMB' is not an ISO 4217 currency code "
        "(like CNY, EUR, USD)",
        "mkdocs.yml:8:7: error: kadossier plugin option 'pdf': Expected type: <class 'bool'> but received: "
        "<class 'str'>",
    ]


def test_dict_form_plugins_are_located_and_an_unknown_option_without_a_close_name_has_no_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _problems(_workspace(tmp_path, DICT_FORM)) == [
        "mkdocs.yml:7:5: error: kadossier plugin option 'colour': unknown option",
        "mkdocs.yml:8:5: error: kadossier plugin option 'pdf_memory': Expected type: <class 'int'> but received: "
        "<class 'str'>",
    ]


def test_a_path_outside_the_current_folder_is_shown_as_given(tmp_path: Path) -> None:
    config_file = _workspace(tmp_path, LIST_FORM.replace("      currency: RMB\n      pdf: nope\n", ""))
    assert _problems(config_file) == [
        f"{config_file}:6:7: error: kadossier plugin option 'langauge': unknown option; did you mean 'language'?"
    ]


def test_valid_options_become_read_only_settings(tmp_path: Path) -> None:
    config = LIST_FORM.replace("langauge", "language").replace("RMB", "EUR").replace("nope", "false")
    found = settings.read(_workspace(tmp_path, config))
    assert found == Settings(
        dossiers_dir="dossiers",
        language="zh",
        currency="EUR",
        warn=None,
        timezone=None,
        redact=False,
        pdf=False,
        pdf_font="Noto Sans CJK SC",
        pdf_timeout=30,
        pdf_memory=2048,
        pdf_marking=None,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.language = "en"  # type: ignore[misc]


def test_settings_has_every_option_the_plugin_declares() -> None:
    declared = {key for key, _ in KadossierConfig._schema}
    assert {f.name for f in dataclasses.fields(Settings)} == declared


def test_warn_is_a_tuple_and_mkdocs_own_enabled_switch_is_no_unknown_option(tmp_path: Path) -> None:
    config = "site_name: t\nplugins:\n  - kadossier:\n      enabled: true\n      warn: [no-coach]\n"
    assert settings.read(_workspace(tmp_path, config)).warn == ("no-coach",)


def test_enabled_must_be_a_boolean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = "site_name: t\nplugins:\n  - kadossier:\n      enabled: sometimes\n"
    assert _problems(_workspace(tmp_path, config)) == [
        "mkdocs.yml:4:7: error: kadossier plugin option 'enabled': expected true or false"
    ]


def test_options_that_are_not_a_mapping_are_located_at_the_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = "site_name: t\nplugins:\n  - search\n  - kadossier: [zh]\n"
    assert _problems(_workspace(tmp_path, config)) == [
        "mkdocs.yml:4:5: error: the kadossier plugin's options must be a mapping of option: value"
    ]


def test_mkdocs_build_reports_every_problem_located_as_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    monkeypatch.chdir(tmp_path)
    _workspace(tmp_path, LIST_FORM)
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        load_config(config_file="mkdocs.yml")
    assert caplog.messages == [
        "Config value 'plugins': Plugin 'kadossier' option 'langauge': mkdocs.yml:6:7: unknown option; did you mean "
        "'language'?\nPlugin 'kadossier' option 'currency': mkdocs.yml:7:7: 'RMB' is not an ISO 4217 currency code "
        "(like CNY, EUR, USD)\nPlugin 'kadossier' option 'pdf': mkdocs.yml:8:7: Expected type: <class 'bool'> but "
        "received: <class 'str'>"
    ]


def test_kadossier_validate_exits_2_with_every_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kadossier.cli import main

    monkeypatch.chdir(tmp_path)
    _workspace(tmp_path, LIST_FORM)
    result = CliRunner().invoke(main, ["validate"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "mkdocs.yml:6:7: error: kadossier plugin option 'langauge': unknown option; did you mean 'language'?",
        "mkdocs.yml:7:7: error: kadossier plugin option 'currency': 'RMB' is not an ISO 4217 currency code "
        "(like CNY, EUR, USD)",
        "mkdocs.yml:8:7: error: kadossier plugin option 'pdf': Expected type: <class 'bool'> but received: "
        "<class 'str'>",
    ]
