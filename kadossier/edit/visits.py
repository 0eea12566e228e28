"""Edit a dossier file in place and change nothing else: mark a visit done, plan a new visit.

The file is edited as text at the loader's positions and saved only if it holds exactly the intended data
and is valid (kadossier.edit.textual), by `kadossier/inplace.py`: one edit at a time, never over a change made
meanwhile, never through a link.
The comments it writes into the file are in the workspace's language (the file is the workspace's document),
its messages in the command's.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.load import Located, Plain, parse
from kadossier.edit.inplace import editing
from kadossier.edit.lists import after_comments, require_block, where_to_append
from kadossier.edit.textual import DossierText, end_line, last_lines, load_valid, save, scalar_token
from kadossier.errors import EditError
from kadossier.i18n import speaking, tr
from kadossier.render.templating import yaml_string
from kadossier.utils.messages import did_you_mean, display_path
from kadossier.workspace.root import config_above, language_of


def record_block(path: Path, ours: list[str] | None = None, theirs: list[str] | None = None) -> list[str]:
    """The record a visit marked done gets: empty (so the red flag stays until it is filled), commented in the
    language of the workspace that holds `path`. Its commitments are a list to fill in, one per promise, with
    the first of our and their attendees (`ours`, `theirs`) as the owner and the person to replace."""
    with speaking(_language(path)):
        owner = _flow_text((ours or [tr("our name")])[0])
        person = _flow_text((theirs or ["their-person-id"])[0])  # an id is ASCII in every language
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


def mark_done(path: Path, visit_id: str, today: dt.date, fields: CustomFields = NO_FIELDS) -> list[str]:
    """Set the visit's status to done and give it an empty, commented record block; return what changed
    (`fields`: the workspace's custom fields)."""
    shown = display_path(path)
    purpose = tr("kadossier visit --done {visit} on {path}", visit=visit_id, path=shown)
    with editing(path, shown, purpose, fields) as edit:
        loaded, _ = load_valid(edit, today)
        text = DossierText.read(edit.original)
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
        ends = last_lines(loaded.text)
        if "record" not in item.keys:
            last = after_comments(text, end_line(ends, item), item.col)
            ours = [str(n) for n in data.get("ours") or [expected.get("owner") or ""] if n]  # else the owner's
            block = record_block(path, ours, [str(n) for n in data.get("theirs") or []])
            text.insert(last, [" " * item.col + line for line in block])
            data["record"] = None
            done.append(tr("added an empty record block (fill it in now)"))
        if status != "done":
            if "status" in item.keys:
                mark = item.values["status"]  # type: ignore[call-overload]
                line = text.lines[mark.line]
                token = scalar_token(line, mark.column, str(status), shown)
                text.lines[mark.line] = line[: mark.column] + "done" + line[mark.column + len(token) :]
            else:  # no status: planned by default; add the line after id/date/kind
                values: dict[str, Any] = item.values  # type: ignore[assignment]
                after = max(end_line(ends, values[k]) for k in ("id", "date", "kind") if k in values)
                text.insert(after, [" " * item.col + "status: done"])
            data["status"] = Plain("done")
            done.insert(0, "status: done")
        if not done:
            raise EditError(tr("{path}: visit '{visit}' is already done and has a record", path=shown, visit=visit_id))
        save(edit, text, expected, today)
        return done


def plan_visit(path: Path, visit_id: str, day: dt.date, today: dt.date, fields: CustomFields = NO_FIELDS) -> None:
    """Add a planned visit skeleton at the end of the visits (creating the list if there is none)."""
    shown = display_path(path)
    purpose = tr("kadossier visit --plan {visit} on {path}", visit=visit_id, path=shown)
    with editing(path, shown, purpose, fields) as edit:
        loaded, dossier = load_valid(edit, today)
        text = DossierText.read(edit.original)
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
            confirm = tr("true once the appointment is agreed: call ahead (电话预约)")
        skeleton = [
            f"id: {visit_id}",
            f"date: {day.isoformat()}",
            "kind: visit",
            "status: planned",
            f"confirmed: false  # {confirm}",
            f"objective:  # {objective}",
            "location:",
            f"ours: [{yaml_string(dossier.owner)}]",
            f"theirs: []  # {theirs}",
            "agenda: []",
            "questions: []",
            "materials: []",
        ]
        new = parse("\n".join(skeleton) + "\n").data
        if new.get("id") != visit_id:
            raise EditError(tr("'{visit}' cannot be a visit id; use letters, digits and -", visit=visit_id))
        expected = copy.deepcopy(loaded.data)
        expected["visits"] = [*(expected.get("visits") or []), new]
        dash, col, after = where_to_append(loaded, text, shown, "visits", require_block)
        head = " " * dash + "- " + " " * (col - dash - 2) + skeleton[0]
        text.insert(after, [head, *(" " * col + f for f in skeleton[1:])])
        save(edit, text, expected, today)


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


def _require_block(text: DossierText, item: Located, shown: str, visit_id: str) -> None:
    """Refuse a visit written on one line (a list of them is refused by `lists.require_block`)."""
    if text.lines[item.line][item.col : item.col + 1] not in ("{", "["):
        return
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
