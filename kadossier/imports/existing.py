"""The dossiers a workspace has already, found by every name an account goes by: an import updates the one
that is there (or says to use --update) and never writes a second dossier for it.

Names are compared after `fold`: NFKC (full-width ＡＢＣ is ABC), case and white space ignored (`ABC 科技` is
ABC科技). Traditional and simplified characters are different code points and stay different names
(沈阳日報社 is not 沈阳日报社): telling them apart would be a guess.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kadossier.dossier import folder
from kadossier.dossier.load import LoadError, load_bytes


def fold(name: str) -> str:
    """A name as it is compared: NFKC, casefolded, without white space."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


@dataclass
class Existing:
    """The workspace's dossiers by their folded names, and the ones that could not be read."""

    by_name: dict[str, tuple[Path, dict[str, Any]]] = field(default_factory=dict)
    unreadable: list[Path] = field(default_factory=list)

    def find(self, *names: str) -> tuple[Path, dict[str, Any]] | None:
        """The dossier one of `names` is the name, short name or alias of."""
        return next((self.by_name[fold(n)] for n in names if fold(n) in self.by_name), None)

    def taken(self, path: Path) -> bool:
        """Whether a dossier (readable or not) has the file name of `path`, in either suffix."""
        return any(path.with_suffix(s).exists() or path.with_suffix(s).is_symlink() for s in folder.SUFFIXES)


def existing(dossiers_dir: Path) -> Existing:
    """Read every dossier of the folder for its names."""
    found = Existing()
    if not dossiers_dir.is_dir():
        return found
    for path in folder.entries(dossiers_dir):
        if folder.refusal(path) is not None:
            continue
        try:
            data = load_bytes(folder.read(path)).data
        except (OSError, LoadError):
            found.unreadable.append(path)
            continue
        if not isinstance(data, dict):
            found.unreadable.append(path)
            continue
        for name in names_of(data):
            found.by_name.setdefault(fold(name), (path, data))
    return found


def names_of(data: dict[str, Any]) -> list[str]:
    """The names a dossier's account goes by: its name, short name and aliases."""
    aliases = data.get("aliases")
    names = [data.get("name"), data.get("short_name"), *(aliases if isinstance(aliases, list) else [aliases])]
    return [str(n) for n in names if isinstance(n, str) and n.strip()]
