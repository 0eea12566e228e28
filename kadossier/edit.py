"""Edit a dossier file in place and change nothing else: mark a visit done, plan a new visit.

A YAML round-trip (even ruamel.yaml's) may re-indent, re-quote or re-wrap lines a person wrote. These
edits work on the text instead, at the positions the loader reports: the lines they add are inserted,
the one value they change is replaced in place, and every other byte of the file (comments, order,
quoting, line endings, a byte-order mark) stays as it was. The result is validated before it replaces
the file, atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kadossier.checks import did_you_mean
from kadossier.errors import DossierError, KadossierError, Problem, Severity
from kadossier.load import LoadError, Located, load_bytes
from kadossier.templating import yaml_string
from kadossier.validate import display_path

RECORD_BLOCK = [
    "record:  # fill in right after the visit (拜访后马上填写), then remove the # signs",
    "  # outcome: what happened, in a sentence or two",
    "  # learned: [what we learned about them and the project]",
    "  # commitments: [what we promised, what they promised]",
    "  # next_steps: [who does what, by when]",
    "  # follow_up: YYYY-MM-DD",
]
"""The record a visit marked done gets: empty (so the red flag stays until it is filled) and commented."""


class EditError(KadossierError):
    """The file cannot be edited as asked."""


@dataclass
class _Text:
    """A dossier's text as lines, with what is needed to write it back byte for byte."""

    lines: list[str]  # each with its own line ending
    bom: bool
    newline: str

    @classmethod
    def read(cls, raw: bytes) -> _Text:
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8").removeprefix("\ufeff")
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(text.splitlines(keepends=True), bom, newline)

    def bytes(self) -> bytes:
        return ("\ufeff" if self.bom else "").encode() + "".join(self.lines).encode("utf-8")

    def insert(self, after: int, new: list[str]) -> None:
        """Insert lines after line `after` (0-based; -1 for the top)."""
        if after >= 0 and not self.lines[after].endswith(("\n", "\r")):
            self.lines[after] += self.newline  # the file did not end with a line break
        self.lines[after + 1 : after + 1] = [line + self.newline for line in new]


def mark_done(path: Path, visit_id: str) -> list[str]:
    """Set the visit's status to done and give it an empty, commented record block; return what changed."""
    raw, loaded = _load(path)
    text = _Text.read(raw)
    visits, index = _visit(loaded, path, visit_id)
    item = _item(visits, index)
    _require_block(text, item, path, f"visit '{visit_id}'")
    assert item.keys is not None
    data = loaded.data["visits"][index]
    done: list[str] = []
    status = data.get("status")
    if status == "cancelled":
        raise EditError(f"visit '{visit_id}' is cancelled; set its status by hand if it took place after all")
    last = _last_line(text, item.line, _end_of_item(loaded, visits, index, text), item.col)
    if "record" not in item.keys:
        text.insert(last, [" " * item.col + line for line in RECORD_BLOCK])
        done.append("added an empty record block (fill it in now)")
    if status != "done":
        if "status" in item.keys:
            mark = item.values["status"]  # type: ignore[call-overload]
            line = text.lines[mark.line]
            token = _scalar_token(line, mark.column, str(status))
            text.lines[mark.line] = line[: mark.column] + "done" + line[mark.column + len(token) :]
        else:  # no status: planned by default; add the line after id/date/kind
            after = max(item.keys[k].line for k in ("id", "date", "kind") if k in item.keys)
            text.insert(after, [" " * item.col + "status: done"])
        done.insert(0, "status: done")
    if not done:
        raise EditError(f"visit '{visit_id}' is already done and has a record")
    _write(path, text.bytes())
    return done


def plan_visit(path: Path, visit_id: str, day: dt.date, owner: str) -> None:
    """Add a planned visit skeleton at the end of the visits (creating the list if there is none)."""
    raw, loaded = _load(path)
    text = _Text.read(raw)
    existing = {str(v.get("id")) for v in loaded.data.get("visits") or [] if isinstance(v, dict)}
    if visit_id in existing:
        raise EditError(f"there is already a visit '{visit_id}'; pick another id with --id")
    fields = [
        f"date: {day.isoformat()}",
        "kind: visit",
        "status: planned",
        "objective:  # what we want from this visit (拜访目的)",
        "location:",
        f"ours: [{yaml_string(owner)}]",
        "theirs: []  # their people, by id",
        "agenda: []",
        "questions: []",
        "materials: []",
    ]
    keys = loaded.positions.keys or {}
    visits = loaded.positions.values.get("visits") if isinstance(loaded.positions.values, dict) else None
    if isinstance(visits, Located) and visits.values:
        first = _item(visits, 0)
        _require_block(text, first, path, "the visits list")
        dash = text.lines[first.line][: first.col].rstrip().rfind("-")
        col = first.col
        last_index = len(visits.values) - 1
        last_item = _item(visits, last_index)
        after = _last_line(text, last_item.line, _end_of_item(loaded, visits, last_index, text), last_item.col)
    elif "visits" in keys:
        line = keys["visits"].line
        rest = text.lines[line][keys["visits"].column + len("visits") :].split("#")[0].strip(" :\r\n")
        if rest not in ("", "[]", "null", "~"):
            raise EditError(f"{display_path(path)}:{line + 1}: visits is not a list; fix it by hand")
        if rest:  # "visits: []" becomes "visits:", the one line that has to change
            original = text.lines[line]
            text.lines[line] = original[: keys["visits"].column] + "visits:" + original[len(original.rstrip("\r\n")) :]
        dash, col, after = 2, 4, line
    else:
        dash, col, after = 2, 4, len(text.lines) - 1
        text.insert(after, ["", "visits:"])
        after += 2
    head = " " * dash + "- " + " " * (col - dash - 2) + f"id: {visit_id}"
    text.insert(after, [head, *(" " * col + f for f in fields)])
    _write(path, text.bytes())


def _load(path: Path) -> tuple[bytes, Any]:
    raw = path.read_bytes()
    try:
        return raw, load_bytes(raw)
    except LoadError as exc:
        raise DossierError(
            [Problem(display_path(path), line, col, Severity.ERROR, message) for line, col, message in exc.errors]
        ) from None


def _visit(loaded: Any, path: Path, visit_id: str) -> tuple[Located, int]:
    visits = loaded.positions.values.get("visits") if isinstance(loaded.positions.values, dict) else None
    items = loaded.data.get("visits") or []
    ids = [str(v.get("id")) for v in items if isinstance(v, dict)]
    if not isinstance(visits, Located) or visit_id not in ids:
        raise EditError(f"{display_path(path)} has no visit '{visit_id}'{did_you_mean(visit_id, ids)}")
    return visits, ids.index(visit_id)


def _item(sequence: Located, index: int) -> Located:
    """The position of a list's item that is a mapping."""
    assert isinstance(sequence.values, list)
    item = sequence.values[index]
    if not isinstance(item, Located):
        raise EditError(f"line {item.line + 1}: a visit must be a mapping of fields")
    return item


def _require_block(text: _Text, item: Located, path: Path, what: str) -> None:
    if text.lines[item.line][item.col : item.col + 1] in ("{", "["):
        raise EditError(
            f"{display_path(path)}:{item.line + 1}:{item.col + 1}: {what} is written on one line ({{...}}); "
            "write it as a block of 'key: value' lines to edit it with kadossier"
        )


def _end_of_item(loaded: Any, visits: Located, index: int, text: _Text) -> int:
    """The first line after visit `index`: where the next visit or the next top-level key starts."""
    if index + 1 < len(visits.values):
        return _item(visits, index + 1).line
    after = [m.line for m in (loaded.positions.keys or {}).values() if m.line > visits.line]
    return min(after, default=len(text.lines))


def _last_line(text: _Text, start: int, end: int, col: int) -> int:
    """The last line in [start, end) that holds content of the item (not blank, not a comment)."""
    for number in range(end - 1, start, -1):
        line = text.lines[number]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip(" ")) >= col:
            return number
    return start


def _scalar_token(line: str, col: int, value: str) -> str:
    """The text of the scalar written at `col`: the value, quoted or not."""
    for token in (value, f'"{value}"', f"'{value}'"):
        if line.startswith(token, col):
            return token
    raise EditError(f"cannot find '{value}' where the loader put it; edit the file by hand")


def _write(path: Path, data: bytes) -> None:
    """Validate the new content, then replace the file atomically (keeping its permissions)."""
    from kadossier.validate import check_file

    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=".kadossier-edit-"))
    temporary = folder / path.name  # the same name: the account id is the file name
    try:
        temporary.write_bytes(data)
        checked = check_file(temporary, dt.date.today())
        if checked.errors:
            problems = "; ".join(p.message for p in checked.errors)
            raise EditError(f"the edit would make {display_path(path)} invalid, so it was not saved: {problems}")
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
        folder.rmdir()
