"""Close an action or a commitment in place: set its `status:` to done (or dropped) and change nothing else.

The item is named as `kadossier agenda` shows it: an action's id, a commitment's id, or the key made from a
commitment's visit and text (kadossier.dossier.followup). Its `status:` value is replaced where it is
written; an item without one gets the line, after its last line for a block mapping (`- what: ...`), or
`, status: done` before the closing brace of a flow mapping (`{what: ..., owner: ...}`). Like the visit edits
(kadossier.edit.visits), the file is edited as text, under its edit lock, checked to hold exactly the
intended data and to be valid, and replaced atomically; every other byte stays as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.followup import Owed, owed
from kadossier.dossier.load import Located, Plain
from kadossier.dossier.vocab import label
from kadossier.edit.inplace import editing
from kadossier.edit.textual import DossierText, Parser, end_line, last_lines, load_valid, save, scalar_token
from kadossier.errors import EditError
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean, display_path

CLOSED = ("done", "dropped")
"""The statuses an item can be closed with."""


def close_item(path: Path, key: str, status: str, today: dt.date, fields: CustomFields = NO_FIELDS) -> Owed:
    """Set the status of the action or commitment `key` to `status` (done or dropped); return the item (`fields`:
    the workspace's custom fields)."""
    assert status in CLOSED
    shown = display_path(path)
    with editing(path, shown, tr("kadossier close {item} on {path}", item=key, path=shown), fields) as edit:
        loaded, dossier = load_valid(edit, today)
        item = _find(owed(dossier), key, shown)
        if not item.is_open:
            raise EditError(
                tr(
                    "{path}: '{item}' is already {status}; nothing to do",
                    path=shown,
                    item=key,
                    status=item.status.value,
                    status_label=label(item.status),
                )
            )
        text = DossierText.read(edit.original)
        node = _node(loaded.positions, item.loc)
        expected = copy.deepcopy(loaded.data)
        _node(expected, item.loc)["status"] = Plain(status)
        if node.keys is not None and "status" in node.keys:
            mark = node.values["status"]
            line = text.lines[mark.line]
            token = scalar_token(line, mark.column, str(_node(loaded.data, item.loc)["status"]), shown)
            text.lines[mark.line] = line[: mark.column] + status + line[mark.column + len(token) :]
        elif text.lines[node.line][node.col : node.col + 1] == "{":
            line_no, col = _flowend_line(loaded.text, node)
            line = text.lines[line_no]
            before = line[:col].rstrip()
            separator = "" if before.endswith(("{", ",")) else ","
            text.lines[line_no] = before + f"{separator} status: {status}" + line[len(before) :]
        else:
            text.insert(end_line(last_lines(loaded.text), node), [" " * node.col + f"status: {status}"])
        save(edit, text, expected, today)
        return item


def _find(items: list[Owed], key: str, shown: str) -> Owed:
    """The one item with this key; an error with did-you-mean if there is none, or more than one."""
    found = [o for o in items if o.key == key]
    if not found:
        hint = did_you_mean(key, {o.key for o in items})
        if not items:
            raise EditError(tr("{path} has no actions or structured commitments to close", path=shown))
        raise EditError(tr("{path} has no action or commitment '{item}'{hint}", path=shown, item=key, hint=hint))
    if len(found) > 1:
        raise EditError(
            tr(
                "{path}: an action and a commitment are both called '{item}'; give one of them another id",
                path=shown,
                item=key,
            )
        )
    return found[0]


def _node(root: Any, loc: tuple[str | int, ...]) -> Any:
    """What is at `loc`: in the positions (a `Located`), or in the data (a dict)."""
    node = root
    for part in loc:
        node = node.values[part] if isinstance(node, Located) else node[part]  # type: ignore[index]
    return node


def _flowend_line(text: str, node: Located) -> tuple[int, int]:
    """The line and column of the `}` that closes the flow mapping starting at `node`."""
    parser: Any = Parser(text)
    try:
        depth = None
        while (event := parser.get_event()) is not None:
            start = event.start_mark
            if depth is None:
                if isinstance(event, yaml.MappingStartEvent) and (start.line, start.column) == (node.line, node.col):
                    depth = 0
                continue
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                if depth == 0:
                    return int(start.line), int(start.column)
                depth -= 1
    finally:
        parser.dispose()
    raise AssertionError("a flow mapping the loader found has an end")
