"""Atomic, lossless builds: the site is built in a staging folder beside its target and swapped in whole.

A build that fails, or is killed, leaves the previous site exactly as it was: the target is only touched
by two renames at the very end (old site aside, new site in), and the old one is deleted afterwards.
Staging folders carry the process id of their build: the next build removes those whose process is gone,
never a live one's. Builds of a workspace take its build lock (`build_lock`), so two never meet.

What a build may replace: the folder must be new, empty, or a site kadossier built (marked by `MARKER`, or,
for sites built before the marker existed, by kadossier's own assets). A non-empty folder of anything else
is refused untouched (MkDocs would empty it), and so is a site_dir that would overwrite the workspace, its
docs_dir, its dossiers or a git repository; so is an output file (`export -o`, `pdf -o`) that would replace
mkdocs.yml or a file in the dossiers folder or .git. A full or read-only disk fails with `SiteNotWritten`, naming
the path; the previous site is kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path

from kadossier.errors import SiteNotWritten, UnsafeOutput, UnsafeSiteDir
from kadossier.i18n import tr
from kadossier.utils import locks
from kadossier.utils.files import umask

_STAGING = ".kadossier-staging-"
_OLD = ".kadossier-old-"

MARKER = ".kadossier-site"
"""The file at the root of every site kadossier builds: the folder is kadossier's to replace."""
_MARKER_TEXT = "This folder is a site built by kadossier; `kadossier build` replaces it whole.\n"
_SIGNATURE = ("assets/kadossier/kadossier.css", "assets/kadossier/kadossier.js")
"""Files every site kadossier ever built has: how sites built before the marker existed are recognized."""


def build_lock(root: Path, purpose: str) -> AbstractContextManager[None]:
    """Hold the build lock of the workspace at `root`: one build (or serve rebuild) at a time."""
    return locks.hold(locks.lock_file(root, "build"), purpose)


def check_site_dir(site_dir: Path, root: Path, docs_dir: Path, dossiers: Path) -> None:
    """Raise `UnsafeSiteDir` if building into `site_dir` would delete sources."""
    site = site_dir.resolve()
    repository = _git_dir(root)
    places = {"workspace": root, "docs_dir": docs_dir, "dossiers": dossiers, "git": repository}
    sources = {kind: place.resolve() for kind, place in places.items() if place is not None}
    for kind, place in sources.items():
        if site == place or place.is_relative_to(site):
            raise UnsafeSiteDir(_would_overwrite(kind, site_dir, place))
    for kind, place in sources.items():
        if kind != "workspace" and site.is_relative_to(place):
            raise UnsafeSiteDir(_is_inside(kind, site_dir))


def _would_overwrite(kind: str, site_dir: Path, place: Path) -> str:
    """Why a site_dir that holds one of the workspace's sources is refused (one full sentence per source)."""
    if kind == "workspace":
        return tr(
            "site_dir {site_dir} would overwrite the workspace ({place}); choose another folder",
            site_dir=site_dir,
            place=place,
        )
    if kind == "docs_dir":
        return tr(
            "site_dir {site_dir} would overwrite docs_dir ({place}); choose another folder",
            site_dir=site_dir,
            place=place,
        )
    if kind == "dossiers":
        return tr(
            "site_dir {site_dir} would overwrite the dossiers folder ({place}); choose another folder",
            site_dir=site_dir,
            place=place,
        )
    return tr(
        "site_dir {site_dir} would overwrite the git repository (.git) ({place}); choose another folder",
        site_dir=site_dir,
        place=place,
    )


def _is_inside(kind: str, site_dir: Path) -> str:
    """Why a site_dir inside one of the workspace's sources is refused."""
    if kind == "docs_dir":
        return tr("site_dir {site_dir} is inside docs_dir; choose a folder outside it", site_dir=site_dir)
    if kind == "dossiers":
        return tr("site_dir {site_dir} is inside the dossiers folder; choose a folder outside it", site_dir=site_dir)
    return tr("site_dir {site_dir} is inside the git repository (.git); choose a folder outside it", site_dir=site_dir)


def _git_dir(start: Path) -> Path | None:
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / ".git").exists():
            return folder / ".git"
    return None


def check_output(output: Path, root: Path, config_file: Path, dossiers: Path) -> None:
    """Raise `UnsafeOutput` if writing the file `output` would replace mkdocs.yml, or anything in the dossiers
    folder or in the git repository (.git)."""
    out = output.resolve()
    if out == config_file.resolve():
        raise UnsafeOutput(
            tr("{output} is the workspace's configuration; write the output to another file", output=output)
        )
    if out.is_relative_to(dossiers.resolve()):
        raise UnsafeOutput(
            tr("{output} is in the dossiers folder; write the output to a file outside it", output=output)
        )
    repository = _git_dir(root)
    if repository is not None and out.is_relative_to(repository.resolve()):
        raise UnsafeOutput(
            tr("{output} is in the git repository (.git); write the output to a file outside it", output=output)
        )


def check_replaceable(site_dir: Path) -> None:
    """Raise `UnsafeSiteDir` unless `site_dir` is new, empty, or a site kadossier built."""
    if not site_dir.exists() and not site_dir.is_symlink():
        return
    if not site_dir.is_dir():
        raise UnsafeSiteDir(tr("site_dir {site_dir} is not a folder; choose a new or empty folder", site_dir=site_dir))
    if is_site(site_dir) or not any(site_dir.iterdir()):
        return
    raise UnsafeSiteDir(
        tr(
            "site_dir {site_dir} is not empty and kadossier did not build it (it has no {marker}); a build replaces "
            "its whole folder, so nothing was written: choose a new or empty folder, or move its files away",
            site_dir=site_dir,
            marker=MARKER,
        )
    )


def is_site(folder: Path) -> bool:
    """Whether `folder` is a site kadossier built (this version or an earlier one)."""
    return (folder / MARKER).is_file() or all((folder / name).is_file() for name in _SIGNATURE)


def mark(folder: Path) -> None:
    """Mark `folder` as a site kadossier built."""
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def start(target: Path) -> Path:
    """Make a fresh staging folder beside `target` (removing the ones killed builds left); return it."""
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{target.name}"
        for stale in _dead(parent.glob(f"{prefix}{_STAGING}*")):
            _remove(stale)
        if not target.exists():  # a build killed between the two renames: put the old site back
            for old in sorted(_dead(parent.glob(f"{prefix}{_OLD}*"))):
                os.rename(old, target)
                break
        for old in _dead(parent.glob(f"{prefix}{_OLD}*")):
            _remove(old)
        return Path(tempfile.mkdtemp(dir=parent, prefix=f"{prefix}{_STAGING}{os.getpid()}-"))
    except OSError as exc:
        raise not_written(exc, target) from None


def swap(staged: Path, target: Path) -> None:
    """Mark the staged site and put it in place of the target, then delete the old one."""
    try:
        mark(staged)
        os.chmod(staged, 0o777 & ~umask())  # mkdtemp made it private; a site folder is not
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}{_OLD}{os.getpid()}-"))
            os.rmdir(old)
            os.rename(target, old)
        try:
            os.rename(staged, target)
        except OSError:
            if old is not None:
                os.rename(old, target)
            raise
    except OSError as exc:
        raise not_written(exc, target) from None
    if old is not None:
        _remove(old)


def discard(staged: Path) -> None:
    """Remove a staging folder."""
    if _STAGING in staged.name:
        shutil.rmtree(staged, ignore_errors=True)


def not_written(exc: OSError, target: Path) -> SiteNotWritten:
    """The error for a site that could not be written into `target` (the previous site there is kept)."""
    where = exc.filename or target
    reason = exc.strerror or str(exc)
    if target.exists():
        return SiteNotWritten(
            tr(
                "cannot write {where}: {reason}; the site was not built and the previous site in {target} was kept",
                where=where,
                reason=reason,
                target=target,
            )
        )
    return SiteNotWritten(
        tr(
            "cannot write {where}: {reason}; the site was not built and nothing was written to {target}",
            where=where,
            reason=reason,
            target=target,
        )
    )


def _remove(folder: Path) -> None:
    """Delete a staging or old folder; an old site_dir that was a symlink loses the link, not its target."""
    if folder.is_symlink():
        folder.unlink(missing_ok=True)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _dead(folders: Iterable[Path]) -> list[Path]:
    """The staging or old folders among `folders` whose build is no longer running."""
    return [folder for folder in folders if not _alive(_owner(folder))]


def _owner(folder: Path) -> int | None:
    """The process id in a staging or old folder's name (None in names from before it was there)."""
    tail = folder.name.rpartition(_STAGING if _STAGING in folder.name else _OLD)[2]
    pid = tail.partition("-")[0]
    return int(pid) if pid.isdigit() and "-" in tail else None


def _alive(pid: int | None) -> bool:
    if pid is None or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process, running
        return True
    return True
