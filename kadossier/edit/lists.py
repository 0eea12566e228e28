"""Add items at the end of a dossier's lists (people, projects, visits), changing no other line.

Where the list is written as a block, the new items go after its last item (and the comment lines that
belong to it), indented like its first item; `people: []` becomes `people:` with the items below; a missing
list is added at the end of the file. Like every edit (kadossier.edit.textual), the result must read back as
exactly the old data with the new items, and be valid, or the file is left as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.load import Located
from kadossier.edit.inplace import editing
from kadossier.edit.textual import DossierText, end_line, last_lines, load_valid, save
from kadossier.errors import EditError
from kadossier.i18n import tr
from kadossier.utils.messages import display_path

Render = Callable[[dict[str, Any], int, int], list[str]]
"""Writes an item as lines: its dash at the first column given, its fields at the second."""


def append_items(
    path: Path,
    items: dict[str, list[dict[str, Any]]],
    render: Render,
    purpose: str,
    today: dt.date,
    fields: CustomFields = NO_FIELDS,
) -> None:
    """Append `items` (by list: people, projects, visits) to the dossier at `path`, each written by `render`
    (`fields`: the workspace's custom fields)."""
    shown = display_path(path)
    with editing(path, shown, purpose, fields) as edit:
        loaded, _ = load_valid(edit, today)
        text = DossierText.read(edit.original)
        expected = copy.deepcopy(loaded.data)
        keys = loaded.positions.keys or {}
        order = sorted((k for k in items if items[k]), key=lambda k: keys[k].line if k in keys else len(text.lines))
        for key in reversed(order):  # the last first: an insertion moves only the lines below it
            dash, col, after = where_to_append(loaded, text, shown, key, require_block)
            lines = [line for item in items[key] for line in render(item, dash, col)]
            text.insert(after, lines)
            expected[key] = [*(expected.get(key) or []), *items[key]]
        save(edit, text, expected, today)


def where_to_append(
    loaded: Any, text: DossierText, shown: str, key: str, check: Callable[[DossierText, Located, str], None]
) -> tuple[int, int, int]:
    """The columns of a new item's dash and fields in the list `key`, and the line to insert it after (changing
    `key: []` to `key:`, or adding the `key:` line, as needed); `check` refuses a first item it cannot follow."""
    keys = loaded.positions.keys or {}
    found = loaded.positions.values.get(key) if isinstance(loaded.positions.values, dict) else None
    ends = last_lines(loaded.text)
    if isinstance(found, Located) and found.values:
        listed: Any = found.values
        first = listed[0]
        if not isinstance(first, Located) or first.keys is None:
            raise EditError(
                tr(
                    "{path}:{line}: an item of {key} must be a mapping of fields",
                    path=shown,
                    line=first.line + 1,
                    key=key,
                )
            )
        check(text, first, shown)
        dash = text.lines[first.line][: first.col].rstrip().rfind("-")
        last: Any = list(found.values)[-1]
        last_col = last.col if isinstance(last, Located) else last.column
        return dash, first.col, after_comments(text, end_line(ends, last), last_col)
    if key in keys:
        line = keys[key].line
        rest = text.lines[line][keys[key].column + len(key) :].split("#")[0].strip(" :\r\n")
        if rest not in ("", "[]"):
            raise EditError(
                tr("{path}:{line}: {key} is not a list; fix it by hand", path=shown, line=line + 1, key=key)
            )
        if rest:  # "key: []" becomes "key:", the one line that has to change
            original = text.lines[line]
            text.lines[line] = original[: keys[key].column] + f"{key}:" + original[len(original.rstrip("\r\n")) :]
        return 2, 4, line
    root = loaded.positions
    after = after_comments(text, end_line(ends, root), root.col + 1)
    text.insert(after, ["", f"{key}:"])
    return 2, 4, after + 2


def after_comments(text: DossierText, last: int, col: int) -> int:
    """The last of the comment lines right after line `last` that are indented at least `col` (they belong to
    the value that ends there, like the commented record block), or `last` if there are none."""
    while last + 1 < len(text.lines):
        line = text.lines[last + 1]
        body = line.lstrip(" \t")
        if not body.startswith("#") or len(line) - len(line.lstrip(" ")) < col:
            break
        last += 1
    return last


def require_block(text: DossierText, item: Located, shown: str) -> None:
    """Refuse a list whose first item is written on one line ({...}): its layout is not one to follow."""
    if text.lines[item.line][item.col : item.col + 1] in ("{", "["):
        raise EditError(
            tr(
                "{path}:{line}:{col}: this list is written on one line ({{...}}); "
                "write it as a block of 'key: value' lines to edit it with kadossier",
                path=shown,
                line=item.line + 1,
                col=item.col + 1,
            )
        )
