"""Links from the wiki into the repository the dossiers are kept in: a dossier's edit page, its view at a line.

mkdocs.yml's `repo_url` names the repository and `edit_uri` (relative to it, as MkDocs has it) the edit path
of `docs_dir`; kadossier reads three kinds of forge from them, each with its URL shapes:

    GitHub   edit/BRANCH/PATH     blob/BRANCH/PATH#L12
    GitLab   -/edit/BRANCH/PATH   -/blob/BRANCH/PATH#L12
    Gitea    _edit/BRANCH/PATH    src/branch/BRANCH/PATH#L12   (Forgejo, Codeberg too)

The branch is the one `edit_uri` names (a branch with a `/` in it when `edit_uri` ends with docs_dir's path,
as MkDocs wants it); without `edit_uri` it is `main`, and the forge is told by the host name (github, gitlab,
gitea, codeberg, forgejo). MkDocs itself fills in `edit/master/docs/` on github.com and gitlab.com, so there
the branch is `master` unless `edit_uri` says otherwise. A dossier's path is relative to the top of its git
repository (the workspace may sit in a sub-folder of it), or to mkdocs.yml's folder when there is no git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from kadossier.i18n import tr

DEFAULT_BRANCH = "main"
"""The branch the links point at when `edit_uri` names none."""


@dataclass(frozen=True, slots=True)
class Forge:
    """The URL shapes of one kind of forge, after the repository's URL."""

    name: str
    edit: str
    """The edit page of a file: `{branch}` and `{path}` filled in."""
    view: str
    """The view of a file at a line: `{branch}`, `{path}` and `{line}` filled in."""
    marker: re.Pattern[str]
    """What an `edit_uri` of this forge starts with (its edit or its view path)."""


GITHUB = Forge("GitHub", "edit/{branch}/{path}", "blob/{branch}/{path}#L{line}", re.compile(r"(?:edit|blob)/"))
GITLAB = Forge("GitLab", "-/edit/{branch}/{path}", "-/blob/{branch}/{path}#L{line}", re.compile(r"-/(?:edit|blob)/"))
GITEA = Forge(
    "Gitea", "_edit/{branch}/{path}", "src/branch/{branch}/{path}#L{line}", re.compile(r"(?:_edit|src/branch)/")
)
FORGES = (GITLAB, GITEA, GITHUB)
"""In the order their markers are tried (GitLab's `-/edit/` before GitHub's `edit/`)."""
_HOSTS = (("github", GITHUB), ("gitlab", GITLAB), ("gitea", GITEA), ("codeberg", GITEA), ("forgejo", GITEA))


@dataclass(frozen=True, slots=True)
class RepoConfig:
    """What mkdocs.yml says of the repository: `repo_url`, and `edit_uri` (or the part of `edit_uri_template`
    before its `{path}`)."""

    repo_url: str | None
    edit_uri: str | None = None

    @classmethod
    def of(cls, repo_url: str | None, edit_uri: str | None, edit_uri_template: str | None = None) -> RepoConfig:
        """The settings as MkDocs read them (its template, if set, wins over `edit_uri`, as in MkDocs)."""
        if edit_uri_template:
            edit_uri = str(edit_uri_template).split("{path", 1)[0]
        return cls(repo_url or None, edit_uri or None)


@dataclass(frozen=True, slots=True)
class Repository:
    """Where the workspace's files are on a forge: the repository's URL, its forge, the branch, and the folder
    of this machine that is the repository's top (paths in links are relative to it)."""

    url: str
    forge: Forge
    branch: str
    top: Path

    def path(self, file: Path) -> str | None:
        """The path of `file` in the repository, as a URL path (None: the file is not in it)."""
        try:
            relative = file.resolve().relative_to(self.top)
        except ValueError:
            return None
        return quote(relative.as_posix())

    def edit_url(self, file: Path) -> str | None:
        """The forge's edit page of `file` (None: not in the repository)."""
        path = self.path(file)
        return None if path is None else f"{self.url}/{self.forge.edit.format(branch=self._branch, path=path)}"

    def view_url(self, file: Path, line: int) -> str | None:
        """The forge's view of `file` at `line` (1-based; None: not in the repository)."""
        path = self.path(file)
        if path is None:
            return None
        return f"{self.url}/{self.forge.view.format(branch=self._branch, path=path, line=line)}"

    @property
    def _branch(self) -> str:
        return quote(self.branch)


def repository(config: RepoConfig, top: Path, docs_dir: Path) -> tuple[Repository | None, str]:
    """The repository mkdocs.yml names, its paths relative to `top` (the git repository's top folder, or
    mkdocs.yml's when there is no git), `docs_dir` telling the branch from the rest of `edit_uri`; and a
    message when the settings say too little to make links ("" when all is well, or when there is no repo_url)."""
    if not config.repo_url:
        return None, ""
    url = config.repo_url.rstrip("/")
    top = top.resolve()
    if config.edit_uri is None:
        forge = next((f for host, f in _HOSTS if host in urlsplit(url).netloc.lower()), None)
        if forge is None:
            return None, tr(
                "repo_url {url}: no edit links, because its forge is not known from its name; set edit_uri "
                "(edit/BRANCH/ on GitHub, -/edit/BRANCH/ on GitLab, _edit/BRANCH/ on Gitea)",
                url=url,
            )
        return Repository(url, forge, DEFAULT_BRANCH, top), ""
    rest = urljoin(url + "/", config.edit_uri)
    if not rest.startswith(url + "/"):
        return None, _unknown(config.edit_uri)
    rest = rest[len(url) + 1 :]
    for forge in FORGES:
        if (found := forge.marker.match(rest)) is not None:
            branch = _branch(rest[found.end() :].strip("/"), _in_repo(docs_dir, top))
            return (Repository(url, forge, branch, top), "") if branch else (None, _unknown(config.edit_uri))
    return None, _unknown(config.edit_uri)


def _branch(rest: str, docs: str | None) -> str:
    """The branch in what follows an edit path's marker: BRANCH or BRANCH/DOCS_PATH (a branch may hold `/`)."""
    if docs and rest.endswith(f"/{docs}"):
        return rest[: -len(docs) - 1]
    return rest.split("/", 1)[0]


def _in_repo(folder: Path, top: Path) -> str | None:
    try:
        return folder.resolve().relative_to(top).as_posix()
    except ValueError:
        return None


def _unknown(edit_uri: str) -> str:
    return tr(
        "edit_uri {uri}: no edit links, because it is not a GitHub, GitLab or Gitea edit path of the repository "
        "(edit/BRANCH/…, -/edit/BRANCH/… or _edit/BRANCH/…)",
        uri=edit_uri,
    )
