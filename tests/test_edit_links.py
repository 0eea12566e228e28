"""Edit links, in real builds: an account page's edit button opens its dossier on the forge (GitHub, GitLab,
Gitea), also for a workspace in a sub-folder of its git repository; each person, project and visit heading links
the line where that item starts in the file; the other generated pages have no edit button; the page cache
renders again when the repository's settings change."""

from __future__ import annotations

import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main

from .conftest import TODAY, example_workspace

FORGES = {
    "github": ("https://github.com/acme/accounts", "edit/main/sales/dossiers/", "{}/edit/main/{}", "{}/blob/main/{}#L"),
    "gitlab": (
        "https://gitlab.example.com/acme/accounts",
        "-/edit/release/2027/sales/dossiers/",  # a branch with a slash
        "{}/-/edit/release/2027/{}",
        "{}/-/blob/release/2027/{}#L",
    ),
    "gitea": ("https://git.example.cn/acme/accounts", "_edit/main/", "{}/_edit/main/{}", "{}/src/branch/main/{}#L"),
}
_EDIT = re.compile(r'<a href="([^"]*)" title="[^"]*" class="md-content__button md-icon" rel="edit">')
_HEADING_LINK = re.compile(
    r'<h3 id="((?:person|project|visit)-[^"]+)">.*?<a class="kad-line-link" href="([^"]+)"', re.S
)


def _build(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", "--no-pdf", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True)


def _in_subfolder(tmp_path: Path, url: str, edit_uri: str) -> Path:
    """The example workspace in `sales/` of a git repository, with repo_url and edit_uri set."""
    (tmp_path / "repo" / "sales").mkdir(parents=True)
    workspace = example_workspace(tmp_path / "repo" / "sales")
    _set_repository(workspace, url, edit_uri)
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", "-A")
    _git(tmp_path / "repo", "commit", "-q", "-m", "dossiers")
    return workspace


def _set_repository(workspace: Path, url: str, edit_uri: str) -> None:
    config = workspace / "mkdocs.yml"
    text = re.sub(r"(?m)^(repo_url|edit_uri): .*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(f"repo_url: {url}\nedit_uri: {edit_uri}\n{text}", encoding="utf-8")


def _page(site: Path, uri: str) -> str:
    return (site / uri / "index.html").read_text(encoding="utf-8")


def _check_line_links(site: Path, dossiers: Path, view: str) -> int:
    """Every heading's line link points at the line where its item starts (`- id: ID`); return how many."""
    checked = 0
    for dossier in sorted(dossiers.glob("*.yaml")):
        lines = dossier.read_text(encoding="utf-8").splitlines()
        html = _page(site, f"accounts/{dossier.stem}")
        found = _HEADING_LINK.findall(html)
        assert len(found) == len(re.findall(r'<h3 id="(?:person|project|visit)-', html)), dossier.name
        for anchor, href in found:
            href = unescape(href)
            assert href.startswith(view.format(dossier.name)), href
            line = int(href.rsplit("#L", 1)[1])
            ident = anchor.split("-", 1)[1]
            assert re.fullmatch(rf"\s*- id: {re.escape(ident)}\s*", lines[line - 1]), (dossier.name, line, anchor)
            checked += 1
    return checked


@pytest.mark.parametrize("forge", list(FORGES))
def test_the_edit_button_and_the_line_links_in_a_subfolder_workspace(tmp_path: Path, forge: str) -> None:
    url, edit_uri, edit, view = FORGES[forge]
    workspace = _in_subfolder(tmp_path, url, edit_uri)
    _build(workspace)
    site = workspace / "site"
    for dossier in sorted((workspace / "dossiers").glob("*.yaml")):
        buttons = _EDIT.findall(_page(site, f"accounts/{dossier.stem}"))
        assert buttons == [edit.format(url, f"sales/dossiers/{dossier.name}")]
    view = view.format(url, "sales/dossiers/{}")
    assert _check_line_links(site, workspace / "dossiers", view) > 20


def test_the_other_generated_pages_have_no_edit_button(tmp_path: Path) -> None:
    workspace = _in_subfolder(tmp_path, *FORGES["github"][:2])
    _build(workspace)
    site = workspace / "site"
    pages = [p for p in site.rglob("index.html") if "accounts" not in p.relative_to(site).parts]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in html and "kad-line-link" not in html, page
    assert 'rel="edit"' in _page(site, "accounts/shenyang-daily")


def test_a_change_of_repository_renders_the_cached_pages_again(tmp_path: Path) -> None:
    workspace = _in_subfolder(tmp_path, *FORGES["github"][:2])
    _build(workspace)
    assert "https://github.com/acme/accounts/blob/main/" in _page(workspace / "site", "accounts/shenyang-daily")
    url, edit_uri, _, view = FORGES["gitea"]
    _set_repository(workspace, url, edit_uri)
    _build(workspace)
    assert "github.com" not in _page(workspace / "site", "accounts/shenyang-daily")
    assert _check_line_links(workspace / "site", workspace / "dossiers", view.format(url, "sales/dossiers/{}"))


def test_without_git_paths_are_relative_to_mkdocs_yml(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _set_repository(workspace, "https://github.com/acme/accounts", "edit/main/")
    _build(workspace)
    html = _page(workspace / "site", "accounts/shenyang-daily")
    assert _EDIT.findall(html) == ["https://github.com/acme/accounts/edit/main/dossiers/shenyang-daily.yaml"]


def test_without_repo_url_no_edit_links(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _build(workspace)
    html = _page(workspace / "site", "accounts/shenyang-daily")
    assert 'rel="edit"' not in html and "kad-line-link" not in html


def test_an_edit_uri_it_cannot_read_is_a_warning(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    _set_repository(workspace, "https://github.com/acme/accounts", "src/default/docs/")
    output = _build(workspace)
    assert "mkdocs.yml: edit_uri src/default/docs/: no edit links, because it is not a GitHub, GitLab" in output
    assert 'rel="edit"' not in _page(workspace / "site", "accounts/shenyang-daily")
    result = CliRunner().invoke(
        main, ["-C", str(workspace), "--today", TODAY.isoformat(), "build", "--no-pdf", "--strict"]
    )
    assert result.exit_code != 0


def test_the_redacted_edition_keeps_its_links_and_has_no_profile(tmp_path: Path) -> None:
    workspace = _in_subfolder(tmp_path, *FORGES["github"][:2])
    _build(workspace, "--redact")
    html = _page(workspace / "site", "accounts/shenyang-daily")
    assert _EDIT.findall(html) and "kad-line-link" in html
    assert "kad-profile" not in html


def test_init_writes_the_commented_settings_with_the_path_in_the_repository(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "sales" / "ws")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    config = (tmp_path / "sales" / "ws" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "# repo_url: https://github.com/your-team/accounts\n# edit_uri: edit/main/sales/ws/dossiers/\n" in config
    assert "      # noindex: false\n" in config
    zh = CliRunner().invoke(main, ["init", "--language", "zh", str(tmp_path / "zh")], catch_exceptions=False)
    assert zh.exit_code == 0, zh.output
    assert "# edit_uri: edit/main/zh/dossiers/" in (tmp_path / "zh" / "mkdocs.yml").read_text(encoding="utf-8")
