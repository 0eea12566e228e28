"""The forge's URLs of a dossier: GitHub, GitLab and Gitea shapes, the branch read from edit_uri, paths relative
to the repository's top."""

from __future__ import annotations

from pathlib import Path

import pytest

from kadossier.render.repository import GITEA, GITHUB, GITLAB, RepoConfig, repository


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository's top folder with the workspace in `sales/` (no git needed: the top is given)."""
    (tmp_path / "sales" / "dossiers").mkdir(parents=True)
    (tmp_path / "sales" / "dossiers" / "acme.yaml").write_text("name: x\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("url", "edit_uri", "edit", "view"),
    [
        (
            "https://github.com/acme/accounts",
            "edit/main/sales/dossiers/",
            "https://github.com/acme/accounts/edit/main/sales/dossiers/acme.yaml",
            "https://github.com/acme/accounts/blob/main/sales/dossiers/acme.yaml#L12",
        ),
        (
            "https://gitlab.example.com/sales/accounts/",
            "-/edit/stable/sales/dossiers/",
            "https://gitlab.example.com/sales/accounts/-/edit/stable/sales/dossiers/acme.yaml",
            "https://gitlab.example.com/sales/accounts/-/blob/stable/sales/dossiers/acme.yaml#L12",
        ),
        (
            "https://git.example.cn/sales/accounts",
            "_edit/main/sales/dossiers/",
            "https://git.example.cn/sales/accounts/_edit/main/sales/dossiers/acme.yaml",
            "https://git.example.cn/sales/accounts/src/branch/main/sales/dossiers/acme.yaml#L12",
        ),
        (  # a view path as edit_uri, and a branch with a slash (read whole: the docs path follows it)
            "https://git.example.cn/sales/accounts",
            "src/branch/release/2027/sales/dossiers/",
            "https://git.example.cn/sales/accounts/_edit/release/2027/sales/dossiers/acme.yaml",
            "https://git.example.cn/sales/accounts/src/branch/release/2027/sales/dossiers/acme.yaml#L12",
        ),
        (  # an absolute edit_uri, as MkDocs allows
            "https://github.com/acme/accounts",
            "https://github.com/acme/accounts/blob/dev/",
            "https://github.com/acme/accounts/edit/dev/sales/dossiers/acme.yaml",
            "https://github.com/acme/accounts/blob/dev/sales/dossiers/acme.yaml#L12",
        ),
    ],
)
def test_the_shapes_of_each_forge(repo: Path, url: str, edit_uri: str, edit: str, view: str) -> None:
    found, message = repository(RepoConfig(url, edit_uri), repo, repo / "sales" / "dossiers")
    assert message == "" and found is not None
    file = repo / "sales" / "dossiers" / "acme.yaml"
    assert found.edit_url(file) == edit
    assert found.view_url(file, 12) == view


@pytest.mark.parametrize(
    ("url", "forge"),
    [
        ("https://github.com/acme/a", GITHUB),
        ("https://gitlab.com/acme/a", GITLAB),
        ("https://gitea.example.com/acme/a", GITEA),
        ("https://codeberg.org/acme/a", GITEA),
    ],
)
def test_without_edit_uri_the_host_tells_the_forge_and_the_branch_is_main(repo: Path, url: str, forge: object) -> None:
    found, message = repository(RepoConfig(url, None), repo, repo / "sales" / "dossiers")
    assert message == "" and found is not None
    assert found.forge is forge and found.branch == "main"
    assert found.path(repo / "sales" / "dossiers" / "acme.yaml") == "sales/dossiers/acme.yaml"


def test_mkdocs_own_template_is_read_like_edit_uri() -> None:
    assert RepoConfig.of("https://x/y", "ignored/", "-/edit/main/docs/{path}") == RepoConfig(
        "https://x/y", "-/edit/main/docs/"
    )
    assert RepoConfig.of("", "edit/main/", None) == RepoConfig(None, "edit/main/")


@pytest.mark.parametrize(
    ("url", "edit_uri", "said"),
    [
        ("https://git.example.cn/a/b", None, "repo_url https://git.example.cn/a/b: no edit links"),
        ("https://github.com/a/b", "src/default/docs/", "edit_uri src/default/docs/: no edit links"),
        ("https://github.com/a/b", "https://elsewhere.example/edit/main/", "no edit links"),
        ("https://github.com/a/b", "edit/", "edit_uri edit/: no edit links"),
    ],
)
def test_settings_it_cannot_read_give_no_links_and_say_so(
    repo: Path, url: str, edit_uri: str | None, said: str
) -> None:
    found, message = repository(RepoConfig(url, edit_uri), repo, repo)
    assert found is None
    assert said in message and "edit/BRANCH/" in message


def test_no_repo_url_no_links_and_no_message(repo: Path) -> None:
    assert repository(RepoConfig(None, "edit/main/"), repo, repo) == (None, "")


def test_a_file_outside_the_repository_has_no_link(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    found, _ = repository(RepoConfig("https://github.com/a/b", "edit/main/"), repo / "sales", repo)
    assert found is not None
    outside = tmp_path_factory.mktemp("elsewhere") / "x.yaml"
    assert found.edit_url(outside) is None and found.view_url(outside, 3) is None
    assert (
        found.edit_url(repo / "sales" / "dossiers" / "acme.yaml")
        == "https://github.com/a/b/edit/main/dossiers/acme.yaml"
    )


def test_names_are_quoted_in_urls(repo: Path) -> None:
    found, _ = repository(RepoConfig("https://github.com/a/b", "edit/feat#1/"), repo, repo)
    assert found is not None
    odd = repo / "sales" / "dossiers" / "a b#.yaml"
    assert found.edit_url(odd) == "https://github.com/a/b/edit/feat%231/sales/dossiers/a%20b%23.yaml"
