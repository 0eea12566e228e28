"""Edit a dossier file in place and change nothing else: mark a visit done, plan a new visit.

A YAML round-trip (even ruamel.yaml's) may re-indent, re-quote or re-wrap lines a person wrote. These
edits work on the text instead, at the positions the loader reports: the lines they add are inserted,
the one value they change is replaced in place, and every other byte of the file (comments, order,
quoting, line endings, a byte-order mark) stays as it was.

Where an item ends is where its last value ends, as the YAML parser reports it: a line of a block scalar
(`agenda: |`) that starts with `#` is text, not a comment. And as a guard against every layout this module
does not foresee, the new text is parsed and must hold exactly the data of the old one with the intended
change applied (quoted and plain text told apart); otherwise the edit is refused and the file is left as
it was. Only a file that is valid is edited, and the result must be valid too. The file is replaced by
`kadossier/inplace.py`: one edit at a time, never over a change made meanwhile, never through a link.
The comments it writes into the file are in the workspace's language (the file is the workspace's document),
its messages in the command's.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kadossier.dossier.load import LoadError, Located, Plain, as_written, load_bytes, parse
from kadossier.edit.inplace import Editing, editing
from kadossier.errors import EditError
from kadossier.i18n import speaking, tr
from kadossier.render.templating import yaml_string
from kadossier.utils.messages import did_you_mean, display_path
from kadossier.workspace.root import config_above, language_of

try:  # the loader's parser, so that lines and columns agree with its positions
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]


def record_block(path: Path, ours: list[str] | None = None, theirs: list[str] | None = None) -> list[str]:
    """The record a visit marked done gets: empty (so the red flag stays until it is filled), commented in the
    language of the workspace that holds `path`. Its commitments are a list to fill in, one per promise, with
    the first of our and their attendees (`ours`, `theirs`) as the owner and the person to replace."""
    with speaking(_language(path)):
        owner = _flow_text((ours or [tr("our name")])[0])
        person = _flow_text((theirs or [tr("their-person-id")])[0])
        ours_text, theirs_text = _flow_text(tr("what we promised")), _flow_text(tr("what they promised"))
        return [
            "record:  # " + tr("fill in right after the visit (拜访后马上填写), then remove the # signs"),
            "  # outcome: " + tr("what happened, in a sentence or two"),
            "  # learned: " + tr("[what we learned about them and the project]"),
            "  # commitments:  # " + tr("one line per promise, ours (owner) or theirs (person), by when"),
            f"  #   - {{what: {ours_text}, owner: {owner}, due: YYYY-MM-DD}}",
            f"  #   - {{what: {theirs_text}, person: {person}, due: YYYY-MM-DD}}",
            "  # next_steps: " + tr("[who does what, by when]"),
            "  # follow_up: YYYY-MM-DD",
        ]


_PLAIN = re.compile(r"[^\s,:{}\[\]#&*!|>'\"%@`?-][^,:{}\[\]#]*(?<!\s)")
_TYPED = re.compile(r"[-+.\d_:eE]*|true|false|yes|no|on|off|null|~", re.IGNORECASE)


def _flow_text(value: str) -> str:
    """`value` as text inside a {flow: mapping}: plain when that reads back as the same text, else quoted."""
    return value if _PLAIN.fullmatch(value) and not _TYPED.fullmatch(value) else yaml_string(value)


def _language(path: Path) -> str:
    """The `language` setting of the workspace that holds `path` (English if none says so)."""
    config = config_above(path.parent.resolve())
    return (language_of(config) if config is not None else None) or "en"


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
        newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
        return cls(text.splitlines(keepends=True), bom, newline)

    def bytes(self) -> bytes:
        return ("\ufeff" if self.bom else "").encode() + "".join(self.lines).encode("utf-8")

    def insert(self, after: int, new: list[str]) -> None:
        """Insert lines after line `after` (0-based; -1 for the top)."""
        if after >= 0 and not self.lines[after].endswith(("\n", "\r")):
            self.lines[after] += self.newline  # the file did not end with a line break
        self.lines[after + 1 : after + 1] = [line + self.newline for line in new]


def mark_done(path: Path, visit_id: str, today: dt.date) -> list[str]:
    """Set the visit's status to done and give it an empty, commented record block; return what changed."""
    shown = display_path(path)
    with editing(path, shown, tr("kadossier visit --done {visit} on {path}", visit=visit_id, path=shown)) as edit:
        loaded, _ = _load_valid(edit, today)
        text = _Text.read(edit.original)
        visits, index = _visit(loaded, shown, visit_id)
        item = _item(visits, index, shown)
        _require_block(text, item, shown, visit_id)
        assert item.keys is not None
        expected = copy.deepcopy(loaded.data)
        data = expected["visits"][index]
        done: list[str] = []
        status = data.get("status")
        if status == "cancelled":
            raise EditError(
                tr(
                    "{path}: visit '{visit}' is cancelled; set its status by hand if it took place after all",
                    path=shown,
                    visit=visit_id,
                )
            )
        ends = _last_lines(loaded.text)
        if "record" not in item.keys:
            last = _after_comments(text, _end(ends, item), item.col)
            block = record_block(
                path, [str(n) for n in data.get("ours") or []], [str(n) for n in data.get("theirs") or []]
            )
            text.insert(last, [" " * item.col + line for line in block])
            data["record"] = None
            done.append(tr("added an empty record block (fill it in now)"))
        if status != "done":
            if "status" in item.keys:
                mark = item.values["status"]  # type: ignore[call-overload]
                line = text.lines[mark.line]
                token = _scalar_token(line, mark.column, str(status), shown)
                text.lines[mark.line] = line[: mark.column] + "done" + line[mark.column + len(token) :]
            else:  # no status: planned by default; add the line after id/date/kind
                values: dict[str, Any] = item.values  # type: ignore[assignment]
                after = max(_end(ends, values[k]) for k in ("id", "date", "kind") if k in values)
                text.insert(after, [" " * item.col + "status: done"])
            data["status"] = Plain("done")
            done.insert(0, "status: done")
        if not done:
            raise EditError(tr("{path}: visit '{visit}' is already done and has a record", path=shown, visit=visit_id))
        _save(edit, text, expected, today)
        return done


def plan_visit(path: Path, visit_id: str, day: dt.date, today: dt.date) -> None:
    """Add a planned visit skeleton at the end of the visits (creating the list if there is none)."""
    shown = display_path(path)
    with editing(path, shown, tr("kadossier visit --plan {visit} on {path}", visit=visit_id, path=shown)) as edit:
        loaded, dossier = _load_valid(edit, today)
        text = _Text.read(edit.original)
        existing = {str(v.get("id")) for v in loaded.data.get("visits") or [] if isinstance(v, dict)}
        if visit_id in existing:
            free = next(f"{visit_id}-{n}" for n in range(2, len(existing) + 3) if f"{visit_id}-{n}" not in existing)
            raise EditError(
                tr(
                    "{path} already has a visit '{visit}'; give the new visit another id as VISIT_ID: "
                    "kadossier visit {account} {free} --plan --date {day}",
                    path=shown,
                    visit=visit_id,
                    account=path.stem,
                    free=free,
                    day=day.isoformat(),
                )
            )
        with speaking(_language(path)):
            objective, theirs = tr("what we want from this visit (拜访目的)"), tr("their people, by id")
        fields = [
            f"id: {visit_id}",
            f"date: {day.isoformat()}",
            "kind: visit",
            "status: planned",
            f"objective:  # {objective}",
            "location:",
            f"ours: [{yaml_string(dossier.owner)}]",
            f"theirs: []  # {theirs}",
            "agenda: []",
            "questions: []",
            "materials: []",
        ]
        new = parse("\n".join(fields) + "\n").data
        if new.get("id") != visit_id:
            raise EditError(tr("'{visit}' cannot be a visit id; use letters, digits and -", visit=visit_id))
        expected = copy.deepcopy(loaded.data)
        expected["visits"] = [*(expected.get("visits") or []), new]
        dash, col, after = _where_to_plan(loaded, text, shown)
        head = " " * dash + "- " + " " * (col - dash - 2) + fields[0]
        text.insert(after, [head, *(" " * col + f for f in fields[1:])])
        _save(edit, text, expected, today)


def _where_to_plan(loaded: Any, text: _Text, shown: str) -> tuple[int, int, int]:
    """The columns of a new visit's dash and fields, and the line to insert it after (changing `visits: []`
    to `visits:`, or adding the `visits:` key, as needed)."""
    keys = loaded.positions.keys or {}
    visits = loaded.positions.values.get("visits") if isinstance(loaded.positions.values, dict) else None
    ends = _last_lines(loaded.text)
    if isinstance(visits, Located) and visits.values:
        first = _item(visits, 0, shown)
        _require_block(text, first, shown, None)
        dash = text.lines[first.line][: first.col].rstrip().rfind("-")
        last: Any = list(visits.values)[-1]
        last_col = last.col if isinstance(last, Located) else last.column
        return dash, first.col, _after_comments(text, _end(ends, last), last_col)
    if "visits" in keys:
        line = keys["visits"].line
        rest = text.lines[line][keys["visits"].column + len("visits") :].split("#")[0].strip(" :\r\n")
        if rest not in ("", "[]"):
            raise EditError(tr("{path}:{line}: visits is not a list; fix it by hand", path=shown, line=line + 1))
        if rest:  # "visits: []" becomes "visits:", the one line that has to change
            original = text.lines[line]
            text.lines[line] = original[: keys["visits"].column] + "visits:" + original[len(original.rstrip("\r\n")) :]
        return 2, 4, line
    root = loaded.positions
    after = _after_comments(text, _end(ends, root), root.col + 1)
    text.insert(after, ["", "visits:"])
    return 2, 4, after + 2


def _load_valid(edit: Editing, today: dt.date) -> tuple[Any, Any]:
    """The file's data and positions, and its dossier; an error listing its problems if it is invalid."""
    from kadossier.dossier import validate

    checked = validate.check_file(edit.path, today, name=edit.shown)
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


def _save(edit: Editing, text: _Text, expected: dict[str, Any], today: dt.date) -> None:
    """Replace the file with `text` if it holds exactly `expected` and is valid; refuse otherwise."""
    from kadossier.dossier import validate

    new = text.bytes()
    try:
        got = load_bytes(new).data
    except LoadError as exc:
        got, problem = None, str(exc)
    else:
        problem = _difference(as_written(expected), as_written(got))
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
        checked = validate.check_file(temporary, today, name=edit.shown)
        if checked.errors:
            problems = "\n".join(str(p) for p in checked.errors)
            raise EditError(
                tr("the edit would make {path} invalid, so it was not saved:", path=edit.shown) + "\n" + problems
            )

    edit.replace(new, check)


def _difference(expected: Any, got: Any, where: str = "") -> str:
    """Where `got` differs from `expected` ("the value of visits[0].agenda would change"), or ""."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in [*expected, *(k for k in got if k not in expected)]:
            if key not in got or key not in expected:
                field = f"{where + '.' if where else ''}{key}"
                if key not in got:
                    return tr("{field} would be removed", field=field)
                return tr("{field} would be added", field=field)
            found = _difference(expected[key], got[key], f"{where + '.' if where else ''}{key}")
            if found:
                return found
        return ""
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        pairs = enumerate(zip(expected, got, strict=True))
        return next((d for i, (e, g) in pairs if (d := _difference(e, g, f"{where}[{i}]"))), "")
    if expected == got:
        return ""
    return tr("the value of {field} would change", field=where) if where else tr("the value of the file would change")


def _last_lines(text: str) -> dict[tuple[str, int, int], int]:
    """The last line (0-based) that holds content of every value in `text`, by where the value starts:
    ("c", line, col) for a mapping or list, ("s", line, col) for a scalar. A block scalar's lines are its
    content, whatever they start with; the comments and blank lines after a value are not."""
    parser: Any = _Parser(text)
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


def _end(ends: dict[tuple[str, int, int], int], position: Any) -> int:
    """The last line of the value at `position` (a `Located` or a scalar's mark)."""
    if isinstance(position, Located):
        return ends[("c", position.line, position.col)]
    return ends[("s", position.line, position.column)]


def _after_comments(text: _Text, last: int, col: int) -> int:
    """The last of the comment lines right after line `last` that are indented at least `col` (they belong to
    the value that ends there, like the commented record block), or `last` if there are none."""
    while last + 1 < len(text.lines):
        line = text.lines[last + 1]
        body = line.lstrip(" \t")
        if not body.startswith("#") or len(line) - len(line.lstrip(" ")) < col:
            break
        last += 1
    return last


def _visit(loaded: Any, shown: str, visit_id: str) -> tuple[Located, int]:
    visits = loaded.positions.values.get("visits") if isinstance(loaded.positions.values, dict) else None
    items = loaded.data.get("visits") or []
    ids = [str(v.get("id")) for v in items if isinstance(v, dict)]
    if not isinstance(visits, Located) or visit_id not in ids:
        raise EditError(
            tr("{path} has no visit '{visit}'{hint}", path=shown, visit=visit_id, hint=did_you_mean(visit_id, ids))
        )
    return visits, ids.index(visit_id)


def _item(sequence: Located, index: int, shown: str) -> Located:
    """The position of a list's item that is a mapping."""
    assert isinstance(sequence.values, list)
    item = sequence.values[index]
    if not isinstance(item, Located) or item.keys is None:
        raise EditError(tr("{path}:{line}: a visit must be a mapping of fields", path=shown, line=item.line + 1))
    return item


def _require_block(text: _Text, item: Located, shown: str, visit_id: str | None) -> None:
    """Refuse a visit written on one line (`visit_id`), or a visits list whose first visit is (None)."""
    if text.lines[item.line][item.col : item.col + 1] not in ("{", "["):
        return
    if visit_id is None:
        raise EditError(
            tr(
                "{path}:{line}:{col}: the visits list is written on one line ({{...}}); "
                "write it as a block of 'key: value' lines to edit it with kadossier",
                path=shown,
                line=item.line + 1,
                col=item.col + 1,
            )
        )
    raise EditError(
        tr(
            "{path}:{line}:{col}: visit '{visit}' is written on one line ({{...}}); "
            "write it as a block of 'key: value' lines to edit it with kadossier",
            path=shown,
            line=item.line + 1,
            col=item.col + 1,
            visit=visit_id,
        )
    )


def _scalar_token(line: str, col: int, value: str, shown: str) -> str:
    """The text of the scalar written at `col`: the value, quoted or not."""
    for token in (value, f'"{value}"', f"'{value}'"):
        if line.startswith(token, col):
            return token
    raise EditError(
        tr("{path}: cannot find '{value}' where the loader put it; edit the file by hand", path=shown, value=value)
    )
