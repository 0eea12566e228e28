"""The dossiers folder: which of its entries are dossiers, and what to do about each of the others.

One rule for every command (validate, build, serve, export, pdf, edit): an entry of the dossiers folder is a
dossier when it is a regular file named `<account-id>.yaml` or `<account-id>.yml` (suffix in lower case) and
no other file defines the same account. Every other entry is listed too and refused with what to do about
it — a symbolic link, a sub-folder, a twin, an upper-case suffix, any other file — so nothing is skipped
without a word. Exempt are dotfiles and dot-folders (.gitkeep, editors' swap files, kadossier's own
temporary edits) and the files kadossier keeps there itself (the JSON Schema).

A dossier is never read through a symbolic link: its target could be any file, inside the workspace or
not, and one file would then be two accounts' dossiers, diverging at the first edit.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from kadossier.i18n import tr

SUFFIXES = (".yaml", ".yml")
SCHEMA_FILE = "dossier.schema.json"
"""Where `kadossier new` and `init` keep the JSON Schema, beside the dossiers (editors find it there)."""
COMPANIES_SCHEMA_FILE = "competitors.schema.json"
"""The JSON Schema of the workspace's competitor profiles (competitors.yaml), kept beside the dossiers' one."""
OWN_FILES = frozenset([SCHEMA_FILE, COMPANIES_SCHEMA_FILE])
"""Files kadossier itself writes into the dossiers folder."""
ACCOUNT_ID = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")
"""What a dossier's file name (its account id, used in URLs) may be."""
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))]
)
"""Names Windows cannot have as files: an account page named so breaks a checkout of the site there."""


def entries(folder: Path) -> list[Path]:
    """Every entry of `folder` that must be a dossier (all but the exempt ones), sorted by account id."""
    return sorted((p for p in folder.iterdir() if not exempt(p.name)), key=lambda p: (p.stem, p.suffix))


def exempt(name: str) -> bool:
    """Whether an entry of the dossiers folder is none of kadossier's business (or kadossier's own)."""
    return name.startswith(".") or name in OWN_FILES


def refusal(path: Path) -> str | None:
    """Why `path` cannot be read as a dossier at all (a link, a folder, a stray file, a twin), or None."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None  # reading it will say why
    name = path.name
    if stat.S_ISLNK(mode):
        return tr(
            "'{name}' is a symbolic link to {target}; kadossier does not read dossiers through links: "
            "replace the link by the file itself",
            name=name,
            target=os.readlink(path),
        )
    if stat.S_ISDIR(mode):
        return tr(
            "'{name}' is a folder, and dossiers in sub-folders are not read: move the dossiers in it up into "
            "the dossiers folder, and the folder out of it",
            name=name,
        )
    if not stat.S_ISREG(mode):
        return tr(
            "'{name}' is not a regular file (a pipe, socket or device): remove it from the dossiers folder", name=name
        )
    suffix = path.suffix
    if suffix.lower() in SUFFIXES and suffix not in SUFFIXES:
        right = path.with_suffix(suffix.lower()).name
        if os.path.lexists(path.with_suffix(suffix.lower())):
            return tr(
                "file name '{name}' must end in .yaml or .yml in lower case: rename it to {right} "
                "(merge it into {right}, which exists)",
                name=name,
                right=right,
            )
        return tr(
            "file name '{name}' must end in .yaml or .yml in lower case: rename it to {right}", name=name, right=right
        )
    if suffix not in SUFFIXES:
        return tr(
            "'{name}' is not a dossier (a dossier is an <account-id>.yaml file): move it out of the dossiers "
            "folder, or rename it if it is one",
            name=name,
        )
    twin_path = path.with_suffix(".yaml")
    if suffix == ".yml" and os.path.lexists(twin_path):
        return tr(
            "account '{account}' is also defined by {twin}: merge the two files into {twin} and delete {name}",
            account=path.stem,
            twin=twin_path.name,
            name=name,
        )
    return None


def located(path: Path) -> bool:
    """Whether a problem with `path` has a line and column (it is a file, not a folder)."""
    return not path.is_dir() or path.is_symlink()


def read(path: Path) -> bytes:
    """The bytes of a dossier file, never through a symbolic link (one swapped in after `refusal` looked)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(tr("{name} is not a regular file", name=path.name))
        return stream.read()
