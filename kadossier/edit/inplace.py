"""Replace a person's file with an edited version of it, and never lose anything while doing so.

- One edit of a file at a time: an edit holds the file's edit lock (`kadossier/locks.py`) from reading the
  file to replacing it, so a second `kadossier visit` waits and then edits the first one's result.
- Nothing written meanwhile is overwritten: just before the replace, still under the lock, the file is read
  again; if its bytes changed since the edit read them (someone saved it in an editor), the edit is refused.
- Links are not edited: replacing a symbolic or hard link by a file would make the shared file silently
  diverge, so the edit is refused with a message naming the link and what to do.
- The temporary copy goes to the workspace's cache folder, which git ignores, so a killed edit leaves
  nothing `git add -A` would commit; the next edit of the same file removes what a killed one left (under
  the lock, so it is never a copy that is in use). Only when the cache folder is on another file system (a
  rename cannot cross) does the copy go beside the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.errors import EditError
from kadossier.i18n import ntr, tr
from kadossier.utils import locks
from kadossier.utils.files import CACHE_DIR
from kadossier.workspace.root import config_above

EDITS_DIR = "edit"
"""The temporary copies' folder, inside the workspace's cache folder."""

BESIDE_PREFIX = ".kadossier-edit-"
"""How a temporary folder beside the file starts (the fallback; earlier versions always put it there)."""


@dataclass
class Editing:
    """A file being edited: its bytes as read under the lock, and where its temporary copy goes."""

    path: Path
    shown: str
    original: bytes
    folder: Path
    prefix: str
    fields: CustomFields = NO_FIELDS
    """The custom fields of the dossier's workspace: the file is checked with them before and after the edit."""

    def replace(self, data: bytes, check: Callable[[Path], None]) -> None:
        """Write `data` to a temporary copy (named like the file), let `check` refuse it, then replace the file
        with it atomically, keeping the file's permissions, unless the file changed since it was read."""
        try:
            folder = Path(tempfile.mkdtemp(dir=self.folder, prefix=self.prefix))
        except OSError as exc:
            raise EditError(
                tr(
                    "{path} was not edited: cannot write in {folder}: {error}",
                    path=self.shown,
                    folder=self.folder,
                    error=exc.strerror,
                )
            ) from None
        temporary = folder / self.path.name
        try:
            with open(temporary, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            check(temporary)
            os.chmod(temporary, self.path.stat().st_mode & 0o7777)
            _refuse_links(self.path, self.shown)
            if self.path.read_bytes() != self.original:
                raise EditError(
                    tr(
                        "{path} changed while kadossier was editing it (saved in an editor?); kadossier did not "
                        "replace it, so that change is kept: run the command again",
                        path=self.shown,
                    )
                )
            os.replace(temporary, self.path)
        except OSError as exc:  # disk full, a read-only folder: the file is as it was
            raise EditError(
                tr("{path} was not edited, it is as it was: {error}", path=self.shown, error=exc.strerror or exc)
            ) from None
        finally:
            temporary.unlink(missing_ok=True)
            folder.rmdir()


@contextmanager
def editing(path: Path, shown: str, purpose: str, fields: CustomFields = NO_FIELDS) -> Iterator[Editing]:
    """Hold the edit lock of `path` and read it; `shown` is how messages name it, `purpose` what the lock's
    holder does (a process that waits says so), `fields` the custom fields of its workspace."""
    root = workspace_root(path)
    _refuse_links(path, shown)
    with locks.hold(locks.lock_file(root, f"edit-{path.name}"), purpose):
        folder, prefix = _temporary_place(root, path)
        _remove_stale(path, folder, prefix)
        _refuse_links(path, shown)
        if not path.stat().st_mode & 0o222:  # by its mode, not os.access: root may write anything
            raise EditError(
                tr("{path} is read-only; make it writable (chmod u+w) to edit it with kadossier", path=shown)
            )
        yield Editing(path, shown, path.read_bytes(), folder, prefix, fields)


def workspace_root(path: Path) -> Path:
    """The root of the workspace that holds `path` (its locks and cache are there), or the file's own folder
    for a file in no workspace. Found from the file, so every way of naming it finds the same one."""
    config = config_above(path.parent.resolve())
    return config.parent if config is not None else path.parent.resolve()


def _refuse_links(path: Path, shown: str) -> None:
    if path.is_symlink():
        target = path.parent / os.readlink(path)
        raise EditError(
            tr(
                "{path} is a symbolic link to {target}; kadossier does not edit through links (the link would become "
                "a copy and the two would silently diverge): edit the target file, or replace the link by the file",
                path=shown,
                target=target,
            )
        )
    links = path.stat().st_nlink
    if links > 1:
        raise EditError(
            ntr(
                "{path} has {n} hard link (other names for the same file); kadossier does not edit it, since "
                "the other names would keep the old content: edit it by hand, or replace it by a copy (cp, then mv)",
                "{path} has {n} hard links (other names for the same file); kadossier does not edit it, since "
                "the other names would keep the old content: edit it by hand, or replace it by a copy (cp, then mv)",
                links,
                path=shown,
            )
        )


def _temporary_place(root: Path, path: Path) -> tuple[Path, str]:
    """Where temporary copies of `path` go, and how their folders' names start: the cache folder if a rename
    from there reaches the file, else beside the file."""
    folder = root / CACHE_DIR / EDITS_DIR
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        if folder.stat().st_dev == path.parent.stat().st_dev:
            return folder, f"{path.name}."
    return path.parent, f"{BESIDE_PREFIX}{path.name}."


def _remove_stale(path: Path, folder: Path, prefix: str) -> None:
    """Remove the temporary copies of `path` that killed edits left; called under the file's edit lock, so none
    is in use. Folders beside the file that earlier versions left (`.kadossier-edit-XXXXXXXX/` holding a file of
    this name) go too. A folder holding anything else is not kadossier's and is left alone."""
    for place, start in {(folder, prefix), (path.parent, BESIDE_PREFIX)}:
        with suppress(OSError):
            for entry in place.iterdir():
                if entry.name.startswith(start) and entry.is_dir() and not entry.is_symlink():
                    _remove_copy(entry, path.name)


def _remove_copy(folder: Path, name: str) -> None:
    with suppress(OSError):
        inside = list(folder.iterdir())
        if all(p.name == name and p.is_file() and not p.is_symlink() for p in inside):
            for p in inside:
                p.unlink()
            folder.rmdir()
