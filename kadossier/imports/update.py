"""What `kadossier import --update` does to a dossier that exists: add the new people, projects and visits, and
report where the sheet and the dossier disagree instead of choosing between them.

A person or project is the same one when its name is; a visit, when its day is. Nothing already in the
dossier is changed: a field the sheet says otherwise is a conflict, one the dossier lacks is a note; both
name the cell and the dossier's file, so the owner decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kadossier.errors import Problem, Severity
from kadossier.i18n import tr
from kadossier.imports.existing import fold
from kadossier.imports.gather import Account, Item
from kadossier.imports.render import item_data


@dataclass
class Additions:
    """What an import adds to one existing dossier, and the disagreements it found."""

    path: Path
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many items are added."""
        return sum(len(items) for items in self.items.values())


def additions(account: Account, data: dict[str, Any], path: Path, shown: str, today: date) -> Additions:
    """Compare `account` with the dossier's `data` (as loaded from `path`, shown as `shown`)."""
    found = Additions(path)
    _compare(found, account.item, data, tr("the account"), shown)
    for part in ("people", "projects", "visits"):
        existing = [d for d in data.get(part) or [] if isinstance(d, dict)]
        taken = {str(d.get("id")) for d in existing}
        new: list[dict[str, Any]] = []
        for item in getattr(account, part):
            twin = next((d for d in existing if _same(part, d, item)), None)
            if twin is None:
                new.append(item_data(part, item, taken, today))
            else:
                _compare(found, item, twin, str(twin.get("id")), shown)
        found.items[part] = new
    return found


def _same(part: str, data: dict[str, Any], item: Item) -> bool:
    if part == "visits":
        return str(data.get("date", ""))[:10] == str(item.values.get("date", ""))[:10]
    return fold(str(data.get("name", ""))) == fold(item.name)


def _compare(found: Additions, item: Item, data: dict[str, Any], what: str, shown: str) -> None:
    for name, value in item.values.items():
        if name == "name":
            continue
        there = _get(data, name)
        if there is None or there == [] or there == "":
            found.problems.append(
                Problem(
                    item.where[name],
                    0,
                    0,
                    Severity.NOTE,
                    tr(
                        "{field} of {what} is not in {path}; --update adds only new people, projects and visits: "
                        "copy it by hand",
                        field=name,
                        what=what,
                        path=shown,
                    ),
                )
            )
        elif _shown(there) != _shown(value):
            found.problems.append(
                Problem(
                    item.where[name],
                    0,
                    0,
                    Severity.WARNING,
                    tr(
                        "conflict: {field} of {what} is {theirs} here but {ours} in {path}; kept the dossier's, "
                        "change it by hand if the sheet is right",
                        field=name,
                        what=what,
                        theirs=_shown(value),
                        ours=_shown(there),
                        path=shown,
                    ),
                )
            )


def _get(data: Any, name: str) -> Any:
    for part in name.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)
