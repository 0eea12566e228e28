"""Write what an import brings as dossier text: a new dossier in the scaffold's commented style, and the lines
of a person, project or visit added to an existing one.

Values arrive in the loader's form (kadossier.imports.convert): `Plain` text is written as it is (a date, a
number, a vocabulary value), any other text in double quotes, so nothing a sheet holds can change the
file's structure. Ids are made from names as `kadossier new` makes a file name: pinyin for Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from kadossier.dossier.folder import SCHEMA_FILE
from kadossier.dossier.load import Plain
from kadossier.edit.scaffold import slug_for
from kadossier.imports.gather import Account, Item
from kadossier.render.templating import environment, yaml_string

ORDER = {
    "people": ("id", "name", "title", "department", "level", "roles", "influence", "attitude", "relationship"),
    "projects": ("id", "name", "stage", "status", "budget", "value", "close_date"),
    "visits": ("id", "date", "kind", "status", "objective"),
}
"""The fields written first in an item (the rest follow in the mapping's order)."""
HEAD = ("name", "short_name", "aliases", "owner", "team", "grade", "tier", "industry", "region", "tags", "summary")


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """`{"contact.mobile": x}` as `{"contact": {"mobile": x}}`."""
    nested: dict[str, Any] = {}
    for name, value in values.items():
        *parents, last = name.split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[last] = value
    return nested


def unique_id(name: str, taken: set[str], fallback: str) -> str:
    """An id for `name` that is not in `taken` (and is then taken): its slug, else `fallback`, with -2, -3..."""
    base = slug_for(name)[:56].strip("-") or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def item_data(part: str, item: Item, taken: set[str], today: date) -> dict[str, Any]:
    """A person, project or visit as dossier data, with a new id; a visit before `today` with no status is done
    (the model's default, planned, would call it overdue)."""
    values = nest(item.values)
    if part == "visits" and "status" not in values and str(values["date"])[:10] < today.isoformat():
        values["status"] = Plain("done")
    if part == "visits":
        new_id = unique_id(f"{str(values['date'])[:10]}-visit", taken, "visit")
    else:
        new_id = unique_id(str(values["name"]), taken, part.removesuffix("s").removesuffix("le") or "item")
    values["id"] = Plain(new_id)
    first = [k for k in ORDER[part] if k in values]
    return {k: values[k] for k in [*first, *(k for k in values if k not in first)]}


def dossier_data(account: Account, owner: str, today: date) -> dict[str, Any]:
    """The data of a new dossier for `account` (what its text must read back as)."""
    values = nest(account.item.values)
    values.setdefault("owner", owner)
    values.setdefault("team", [values["owner"]])
    data: dict[str, Any] = {"schema_version": Plain("1")}
    data |= {k: values.pop(k) for k in HEAD if k in values}
    data |= {k: v for k, v in values.items() if k not in ("background",)}
    if "background" in values:
        data["background"] = values["background"]
    for part in ("people", "projects", "visits"):
        taken: set[str] = set()
        data[part] = [item_data(part, item, taken, today) for item in getattr(account, part)]
    data["competitors"], data["sources"] = [], []
    return data


def dossier_text(data: dict[str, Any], *, source: str, today: date, language: str, root: Path | None) -> str:
    """The new dossier's text, commented like `kadossier new`'s, in the workspace's language."""
    env = environment(root)
    template = env.select_template([f"scaffold/imported.{language}.yaml", "scaffold/imported.yaml"])
    sections = ("background", "people", "projects", "visits", "competitors", "sources", "schema_version")
    head = {k: v for k, v in data.items() if k not in sections}
    return template.render(
        schema=SCHEMA_FILE,
        name=one_line(str(data["name"])),
        source=one_line(source),
        today=today.isoformat(),
        summary="summary" in head,
        head="\n".join(block(head, 0)),
        background="\n".join(block({"background": data["background"]}, 0)) if data.get("background") else "",
        **{part: "\n".join(items_block(part, data[part])) for part in ("people", "projects", "visits")},
    )


def one_line(text: str) -> str:
    """`text` for a comment line: every line break and control character a space, so it stays one line."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text).split())


def items_block(part: str, items: list[dict[str, Any]]) -> list[str]:
    """`part:` and its items, or nothing for no items."""
    if not items:
        return []
    lines = [f"{part}:"]
    for item in items:
        lines += item_lines(item, 2, 4)
    return lines


def item_lines(item: dict[str, Any], dash: int, col: int) -> list[str]:
    """A list item as block lines: its dash at column `dash`, its fields at column `col`."""
    lines = block(item, col)
    head = lines[0][col:]
    return [" " * dash + "- " + " " * (col - dash - 2) + head, *lines[1:]]


def block(data: dict[str, Any], indent: int) -> list[str]:
    """A mapping as block YAML lines at `indent`."""
    lines: list[str] = []
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"{pad}{key}:", *block(value, indent + 2)]
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: [{', '.join(scalars(value))}]")
        else:
            lines.append(f"{pad}{key}: {scalar(value)}")
    return lines


def scalars(values: Iterable[Any]) -> list[str]:
    """Each value as it is written inside a flow list."""
    return [scalar(v) for v in values]


def scalar(value: Any) -> str:
    """A value as written: plain as it is, text in double quotes."""
    if value is None:
        return ""
    return str(value) if isinstance(value, Plain) else yaml_string(value)
