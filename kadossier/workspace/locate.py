"""Find a workspace: a folder whose mkdocs.yml lists the kadossier plugin, with its settings and dossiers.

The settings are declared, read and checked in `kadossier.workspace.settings`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kadossier.dossier import folder
from kadossier.dossier.companies import Companies
from kadossier.errors import KadossierError, Problem, WorkspaceError
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean, display_path
from kadossier.workspace.root import config_above

DOSSIER_SUFFIXES = folder.SUFFIXES

if TYPE_CHECKING:
    from kadossier.workspace.settings import Settings


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace: its root folder, its mkdocs.yml, and its settings (the kadossier plugin's options)."""

    root: Path
    config_file: Path
    settings: Settings

    @property
    def dossiers_dir(self) -> Path:
        """The folder that holds one YAML file per account."""
        return self.root / str(self.settings.dossiers_dir)

    @property
    def companies_file(self) -> Path:
        """The competitor profiles' file (it need not exist)."""
        return self.root / str(self.settings.competitors)

    def companies(self) -> tuple[Companies, list[Problem]]:
        """The workspace's competitor profiles, and the problems of their file (no file: none, no problem)."""
        from kadossier.dossier.validate import check_companies

        return check_companies(self.companies_file)

    def dossier_files(self) -> list[Path]:
        """Every entry of the dossiers folder to check, sorted by account id: the dossiers, and every other
        entry but the exempt ones, which checking refuses with what to do about it (see kadossier.dossier.folder)."""
        if not self.dossiers_dir.is_dir():
            raise WorkspaceError(
                tr(
                    "{config}: dossiers_dir '{folder}' is not a folder",
                    config=self.config_file,
                    folder=self.settings.dossiers_dir,
                )
            )
        return folder.entries(self.dossiers_dir)

    def account_file(self, account: str) -> Path:
        """Return the dossier file of the account with this id; a file of it that is not a dossier is an error."""
        entries = self.dossier_files()
        for path in entries:  # acme.yml beside acme.yaml, acme.YAML, a link: say so rather than "no account"
            if path.stem.lower() == account.lower() and (refused := folder.refusal(path)) is not None:
                where = display_path(path) + (":1:1" if folder.located(path) else "")
                raise KadossierError(refused, where=where)
        files = {p.stem: p for p in entries}
        if account in files:
            return files[account]
        hint = did_you_mean(account, set(files))
        raise WorkspaceError(
            tr("no account '{account}' in {folder}{hint}", account=account, folder=self.dossiers_dir, hint=hint)
        )


def find(start: Path) -> Workspace:
    """Return the workspace at `start` or the nearest parent folder that is one, as git finds its repo."""
    config = config_above(start.resolve())
    if config is not None:
        return open_workspace(config)
    raise WorkspaceError(
        tr(
            "no kadossier workspace in {start} or any parent folder (a workspace is a folder whose "
            "mkdocs.yml lists the kadossier plugin); run 'kadossier init' or pass -C DIR",
            start=start,
        )
    )


def enclosing(path: Path) -> Workspace | None:
    """The workspace `path` is in (the nearest folder above it whose mkdocs.yml lists the plugin), or None."""
    config = config_above(path.absolute().parent.resolve())
    return open_workspace(config) if config is not None else None


def dossiers_among(paths: Iterable[Path]) -> list[Path]:
    """Keep the files that are dossiers of some workspace: in its dossiers folder, with a dossier's suffix.

    pre-commit passes every changed YAML file of a repository, which may hold workspaces in subfolders
    (`sales/dossiers/acme.yaml`) beside YAML that is not a dossier (mkdocs.yml, CI files).
    """
    folders: dict[Path, bool] = {}
    kept = []
    for path in paths:
        parent = path.absolute().parent.resolve()  # not path.resolve(): a link is checked where it is (and refused)
        if parent not in folders:  # a workspace whose mkdocs.yml is broken is an error, not a reason to skip
            config = config_above(parent)
            folders[parent] = config is not None and open_workspace(config).dossiers_dir.resolve() == parent
        if folders[parent] and path.suffix.lower() in DOSSIER_SUFFIXES:  # acme.YAML is reported, not skipped
            kept.append(path)
    return kept


def open_workspace(config_file: Path) -> Workspace:
    """Read the workspace whose MkDocs configuration is `config_file`; every problem with its settings is
    reported at once (`WorkspaceError`)."""
    from kadossier.workspace import settings

    return Workspace(config_file.parent, config_file, settings.read(config_file))
