"""Atomic, lossless builds: the site is built in a staging folder beside its target and swapped in whole.

A build that fails, or is killed, leaves the previous site exactly as it was: the target is only touched
by two renames at the very end (old site aside, new site in), and the old one is deleted afterwards.
Staging folders a killed build left behind are removed by the next build. A site_dir that would overwrite
the workspace, its docs_dir, its dossiers or a git repository is refused (MkDocs empties site_dir first).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kadossier.errors import KadossierError
from kadossier.files import umask

_STAGING = ".kadossier-staging-"
_OLD = ".kadossier-old-"


class UnsafeSiteDir(KadossierError):
    """site_dir points at something a build must not overwrite."""


def check_site_dir(site_dir: Path, root: Path, docs_dir: Path, dossiers: Path) -> None:
    """Raise `UnsafeSiteDir` if building into `site_dir` would delete sources."""
    site = site_dir.resolve()
    places = {"the workspace": root, "docs_dir": docs_dir, "the dossiers folder": dossiers}
    repository = _git_dir(root)
    if repository is not None:
        places["the git repository (.git)"] = repository
    for name, place in places.items():
        place = place.resolve()
        if site == place or place.is_relative_to(site):
            raise UnsafeSiteDir(f"site_dir {site_dir} would overwrite {name} ({place}); choose another folder")
    for name in ("docs_dir", "the dossiers folder", "the git repository (.git)"):
        if name in places and site.is_relative_to(places[name].resolve()):
            raise UnsafeSiteDir(f"site_dir {site_dir} is inside {name}; choose a folder outside it")


def _git_dir(start: Path) -> Path | None:
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / ".git").exists():
            return folder / ".git"
    return None


def start(target: Path) -> Path:
    """Make a fresh staging folder beside `target` (removing ones a killed build left); return it."""
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}"
    for stale in parent.glob(f"{prefix}{_STAGING}*"):
        shutil.rmtree(stale, ignore_errors=True)
    if not target.exists():  # a build killed between the two renames: put the old site back
        for old in sorted(parent.glob(f"{prefix}{_OLD}*")):
            os.rename(old, target)
            break
    for old in parent.glob(f"{prefix}{_OLD}*"):
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(dir=parent, prefix=f"{prefix}{_STAGING}"))


def swap(staged: Path, target: Path) -> None:
    """Put the staged site in place of the target, then delete the old one."""
    os.chmod(staged, 0o777 & ~umask())  # mkdtemp made it private; a site folder is not
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}{_OLD}"))
        os.rmdir(old)
        os.rename(target, old)
    os.rename(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staging folder."""
    if _STAGING in staged.name:
        shutil.rmtree(staged, ignore_errors=True)
