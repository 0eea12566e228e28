"""Which language messages are in, through the real command line (`python -m kadossier` in a process of its own):
the workspace's `language` setting, overridden by `--lang`; English outside a workspace; never the
environment's LANG; the site's red flags in the site's language, however it is built."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kadossier.dossier.validate import check_file
from kadossier.i18n import speaking
from kadossier.utils import clock
from tests.conftest import ROOT, TODAY, example_workspace, html_of
from tests.test_site import Page

ZH_SUMMARY = "检查了 1 份档案：0 个错误，1 个警告"  # a new dossier is incomplete: what to find out first
EN_SUMMARY = "checked 1 dossier: 0 errors, 1 warning"


def kadossier(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line of this tree in `cwd`, as of TODAY."""
    environment = {**(env if env is not None else os.environ), "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "kadossier", "--today", TODAY.isoformat(), *args]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with two new workspaces: zh/ (`init --language zh`) and en/ (`init`)."""
    folder = tmp_path_factory.mktemp("workspaces")
    for language in ("zh", "en"):
        made = kadossier(folder, "init", language, "--language", language, "--owner", "林强")
        assert made.returncode == 0, made.stderr
    return folder


def test_a_zh_workspace_speaks_chinese(workspaces: Path) -> None:
    done = kadossier(workspaces / "zh", "validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == ZH_SUMMARY


def test_lang_overrides_the_workspace(workspaces: Path) -> None:
    assert kadossier(workspaces / "zh", "--lang", "en", "validate").stdout.splitlines()[-1] == EN_SUMMARY
    assert kadossier(workspaces / "en", "--lang", "zh", "validate").stdout.splitlines()[-1] == ZH_SUMMARY
    assert kadossier(workspaces, "-C", "zh", "validate").stdout.splitlines()[-1] == ZH_SUMMARY  # -C counts


def test_outside_a_workspace_messages_are_english(workspaces: Path) -> None:
    dossier = workspaces / "zh" / "dossiers" / "example-account.yaml"
    done = kadossier(workspaces, "validate", str(dossier))  # a zh workspace's file, from outside it
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == EN_SUMMARY
    lost = kadossier(workspaces, "validate")
    assert lost.returncode == 2 and lost.stderr.startswith("kadossier: error: no kadossier workspace in")


def test_the_environments_language_is_ignored(workspaces: Path) -> None:
    chinese = {**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh", "LC_ALL": "zh_CN.UTF-8"}
    assert kadossier(workspaces / "en", "validate", env=chinese).stdout.splitlines()[-1] == EN_SUMMARY


def test_clicks_own_words_ignore_the_environment(tmp_path: Path) -> None:
    """click's usage errors go through the standard library's gettext, which follows LANG: a Chinese catalog
    for them (bound where gettext would find it installed) must not turn them Chinese."""
    catalog = Catalog(locale="zh_CN", domain="messages")
    catalog.add("Usage:", "用法：")
    catalog.add("Error: {message}", "错误：{message}")
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "zh_CN" / "LC_MESSAGES" / "messages.mo").open("wb") as stream:
        write_mo(stream, catalog)
    script = (
        "import gettext, sys\n"
        f"gettext.bindtextdomain('messages', {str(tmp_path)!r})\n"
        "assert gettext.gettext('Usage:') == '用法：'  # the catalog works before kadossier is imported\n"
        "from kadossier.cli import main\n"
        "main(['--no-such-option'])\n"
    )
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "Usage: " in done.stderr and "Error: No such option" in done.stderr, done.stderr


@pytest.mark.parametrize("broken", ["currency: XYZ", "[unclosed"])
def test_a_broken_mkdocs_yml_is_reported_in_the_workspaces_language(tmp_path: Path, broken: str) -> None:
    (tmp_path / "dossiers").mkdir()
    config = "site_name: x\ndocs_dir: dossiers\nplugins:\n  - kadossier:\n      language: zh\n      {}\n"
    (tmp_path / "mkdocs.yml").write_text(config.format(broken), encoding="utf-8")
    done = kadossier(tmp_path, "validate")
    assert done.returncode == 2
    assert re.match(r"^(mkdocs\.yml:\d+:\d+|kadossier): 错误：", done.stderr), done.stderr
    assert "Traceback" not in done.stderr


def _page_text(site: Path, account: str) -> str:
    """An account page's visible text, its white space made single spaces."""
    page = Page(html_of(site / "accounts" / account / "index.html"))
    return " ".join(" ".join(page.text).split())


def _chinese_flags(workspace: Path, account: str, day: date) -> list[str]:
    """The account's red flags as a zh site writes them; each must be Chinese (the catalog has them)."""
    flags = {}
    for language in ("en", "zh"):
        with speaking(language):
            flags[language] = [p.message for p in check_file(workspace / "dossiers" / f"{account}.yaml", day).warnings]
    assert flags["zh"] and all(zh != en for zh, en in zip(flags["zh"], flags["en"], strict=True)), flags
    return flags["zh"]


@pytest.fixture(scope="module")
def zh_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace with `language: zh`."""
    workspace = example_workspace(tmp_path_factory.mktemp("zh-example"))
    config = workspace / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("language: en", "language: zh")
    config.write_text(re.sub(r"(?m)^( *warn:) .*\n", r"\1 all\n", text), encoding="utf-8")  # every flag warns
    return workspace


def test_plain_mkdocs_build_of_a_zh_workspace_has_chinese_red_flags(zh_example: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", "plain-site"],
        cwd=zh_example,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = _page_text(zh_example / "plain-site", "shenyang-daily")
    day = clock.today("Asia/Shanghai")  # `mkdocs build` judges as of today in the workspace's time zone
    assert "timezone: Asia/Shanghai" in (zh_example / "mkdocs.yml").read_text(encoding="utf-8")
    flags = _chinese_flags(zh_example, "shenyang-daily", day)
    for flag in flags:
        assert " ".join(flag.split()) in text, flag
    assert any(" ".join(flag.split()) in done.stderr for flag in flags)  # the log says the same


def test_lang_en_build_of_a_zh_workspace(zh_example: Path) -> None:
    """The command's own lines follow --lang; the site (and the findings the build logs) speak the site's."""
    done = kadossier(zh_example, "--lang", "en", "build", "--no-pdf", "-d", "en-site")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "site built in en-site"
    text = _page_text(zh_example / "en-site", "shenyang-daily")
    for flag in _chinese_flags(zh_example, "shenyang-daily", TODAY):
        assert " ".join(flag.split()) in text, flag
        assert flag in done.stderr, flag
    zh = kadossier(zh_example, "build", "--no-pdf", "-d", "zh-site")
    assert zh.returncode == 0 and zh.stdout.splitlines()[-1] == "站点已构建到 zh-site", zh.stdout
