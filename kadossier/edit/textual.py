"""Edit a dossier as text, at the positions the loader reports, and save it only if it holds what was meant.

A YAML round-trip (even ruamel.yaml's) may re-indent, re-quote or re-wrap lines a person wrote. The edits
(kadossier.edit.visits, kadossier.edit.items) work on the text instead: the lines they add are inserted, the
one value they change is replaced in place, and every other byte of the file (comments, order, quoting, line
endings, a byte-order mark) stays as it was. Where a value ends is where the YAML parser says it ends: a line
of a block scalar (`agenda: |`) that starts with `#` is text, not a comment. As a guard against every layout
the edits do not foresee, the new text is parsed and must hold exactly the data of the old one with the
intended change applied (quoted and plain text told apart); otherwise the edit is refused and the file is
left as it was. Only a file that is valid is edited, and the result must be valid too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kadossier.dossier.load import LoadError, Located, as_written, load_bytes
from kadossier.edit.inplace import Editing
from kadossier.errors import EditError
from kadossier.i18n import tr

try:  # the loader's parser, so that lines and columns agree with its positions
    from yaml import CSafeLoader as Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Parser  # type: ignore[assignment]


@dataclass
class DossierText:
    """A dossier's text as lines, with what is needed to write it back byte for byte."""

    lines: list[str]  # each with its own line ending
    bom: bool
    newline: str

    @classmethod
    def read(cls, raw: bytes) -> DossierText:
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8").removeprefix("\ufeff")
        newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
        return cls(text.splitlines(keepends=True), bom, newline)

    def bytes(self) -> bytes:
        return ("\ufeff" if self.bom else "").encode() + "".join(self.lines).encode("utf-8")

    def insert(self, after: int, new: list[str]) -> None:
        """Insert lines after line `after` (0-based; -1 for the top)."""
        if after >= 0 and not self.lines[after].endswith(("\n", "\r")):
            self.lines[after] += self.newline  # the file did not end with a line break
        self.lines[after + 1 : after + 1] = [line + self.newline for line in new]


def load_valid(edit: Editing, today: dt.date) -> tuple[Any, Any]:
    """The file's data and positions, and its dossier; an error listing its problems if it is invalid."""
    from kadossier.dossier import validate

    checked = validate.check_file(edit.path, today, name=edit.shown, fields=edit.fields)
    if checked.errors or checked.dossier is None:
        problems = "\n".join(str(p) for p in checked.errors)
        raise EditError(
            tr("{path} is already invalid, so kadossier did not edit it; fix these first:", path=edit.shown)
            + "\n"
            + problems
        )
    try:
        return load_bytes(edit.original), checked.dossier
    except LoadError as exc:  # changed between the two reads: the replace would refuse anyway
        raise EditError(
            tr("{path} changed while kadossier was reading it; run the command again", path=edit.shown)
        ) from exc


def save(edit: Editing, text: DossierText, expected: dict[str, Any], today: dt.date) -> None:
    """Replace the file with `text` if it holds exactly `expected` and is valid; refuse otherwise."""
    from kadossier.dossier import validate

    new = text.bytes()
    try:
        got = load_bytes(new).data
    except LoadError as exc:
        got, problem = None, str(exc)
    else:
        problem = difference(as_written(expected), as_written(got))
    if problem:
        raise EditError(
            tr(
                "{path}: kadossier cannot make this edit in this file's layout ({problem}), so the file was "
                "left as it was; make the change by hand",
                path=edit.shown,
                problem=problem,
            )
        )

    def check(temporary: Path) -> None:
        checked = validate.check_file(temporary, today, name=edit.shown, fields=edit.fields)
        if checked.errors:
            problems = "\n".join(str(p) for p in checked.errors)
            raise EditError(
                tr("the edit would make {path} invalid, so it was not saved:", path=edit.shown) + "\n" + problems
            )

    edit.replace(new, check)


def difference(expected: Any, got: Any, where: str = "") -> str:
    """Where `got` differs from `expected` ("the value of visits[0].agenda would change"), or ""."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            if key not in got or key not in expected:
                field = f"{where + '.' if where else ''}{key}"
                if key not in got:
                    return tr("{field} would be removed", field=field)
                return tr("{field} would be added", field=field)
            found = difference(expected[key], got[key], f"{where + '.' if where else ''}{key}")
            if found:
                return found
        return ""
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        pairs = enumerate(zip(expected, got, strict=True))
        return next((d for i, (e, g) in pairs if (d := difference(e, g, f"{where}[{i}]"))), "")
    if expected == got:
        return ""
    return tr("the value of {field} would change", field=where) if where else tr("the value of the file would change")


def last_lines(text: str) -> dict[tuple[str, int, int], int]:
    """The last line (0-based) that holds content of every value in `text`, by where the value starts:
    ("c", line, col) for a mapping or list, ("s", line, col) for a scalar. A block scalar's lines are its
    content, whatever they start with; the comments and blank lines after a value are not."""
    parser: Any = Parser(text)
    ends: dict[tuple[str, int, int], int] = {}

    def last_line(mark: Any) -> int:  # an end at column 0 is just past the line break of the line before
        return int(mark.line - 1 if mark.column == 0 and mark.line > 0 else mark.line)

    def node(event: Any) -> int:
        start = event.start_mark
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            ends[("s", start.line, start.column)] = last = last_line(event.end_mark)
            return int(last)
        closing = yaml.SequenceEndEvent if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingEndEvent
        last = start.line
        while not isinstance(inner := parser.get_event(), closing):
            last = max(last, node(inner))
        if event.flow_style:
            last = last_line(inner.end_mark)
        ends[("c", start.line, start.column)] = last
        return int(last)

    try:
        parser.get_event()  # stream start
        parser.get_event()  # document start
        node(parser.get_event())
    finally:
        parser.dispose()
    return ends


def end_line(ends: dict[tuple[str, int, int], int], position: Any) -> int:
    """The last line of the value at `position` (a `Located` or a scalar's mark)."""
    if isinstance(position, Located):
        return ends[("c", position.line, position.col)]
    return ends[("s", position.line, position.column)]


def scalar_token(line: str, col: int, value: str, shown: str) -> str:
    """The text of the scalar written at `col`: the value, quoted or not."""
    for token in (value, f'"{value}"', f"'{value}'"):
        if line.startswith(token, col):
            return token
    raise EditError(
        tr("{path}: cannot find '{value}' where the loader put it; edit the file by hand", path=shown, value=value)
    )


__all__ = [
    "DossierText",
    "Parser",
    "difference",
    "end_line",
    "last_lines",
    "load_valid",
    "save",
    "scalar_token",
]
