"""What changed in a dossier, as fields rather than text lines.

`changes(old, new)` compares two versions of a dossier's data: lists of items with an `id` (people,
projects, competitors, visits) are matched by id, so that a change reads
`people.wan-guoli.attitude: neutral -> supporter` and a new visit reads `visits: + 2026-11-28-workshop`
(items without an id, like a visit's commitments, by what they say: `...commitments.寄送产品手册.status`);
other lists of records are matched by position (`projects.x.timeline[1].done: false -> true`), lists of
words by content (`tags: + 年度招标`).

`since(...)` walks the versions of one dossier from a base commit to the working tree and attributes each
change to the commit that made it: the "changed since the last visit" of the account page and the brief.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kadossier.dossier.load import data_of
from kadossier.dossier.privacy import redact_data
from kadossier.errors import KadossierError
from kadossier.history.git import Commit, GitError, History
from kadossier.i18n import tr

if TYPE_CHECKING:
    from kadossier.dossier.portfolio import Account

MAX_VALUE = 60
"""Longest value shown in a change line, in characters."""


@dataclass(frozen=True, slots=True)
class Change:
    """One field that changed: `path: old -> new`, or an item added (+) or removed (-)."""

    path: str
    old: Any = None
    new: Any = None
    added: str | None = None
    removed: str | None = None

    def __str__(self) -> str:
        if not self.path:
            return self.added or self.removed or ""
        if self.added is not None:
            return f"{self.path}: + {self.added}"
        if self.removed is not None:
            return f"{self.path}: - {self.removed}"
        return f"{self.path}: {show(self.old)} -> {show(self.new)}"


def show(value: Any) -> str:
    """A value on one short line."""
    if value is None:
        return tr("(none)")
    if isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def changes(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every difference between two versions of dossier data, in the order of the new version."""
    return list(_walk(old, new, path))


def _walk(old: Any, new: Any, path: str) -> Iterator[Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in old:
                yield Change(sub, None, new[key])
            elif key not in new:
                yield Change(sub, old[key], None)
            else:
                yield from _walk(old[key], new[key], sub)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _walk_list(old, new, path)
    elif old != new:
        yield Change(path, old, new)


def _ids(items: list[Any], path: str) -> list[str] | None:
    """The items' ids: `id`, and for a visit's commitments (which need none) `what`, what was promised; None
    when an item has neither or two share one (then the list is matched by position)."""
    by_what = path.endswith(".commitments")
    ids = [i.get("id", i.get("what") if by_what else None) for i in items if isinstance(i, dict)]
    if len(ids) != len(items) or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        return None
    return [str(i) for i in ids]


def _walk_list(old: list[Any], new: list[Any], path: str) -> Iterator[Change]:
    old_ids, new_ids = _ids(old, path), _ids(new, path)
    if old_ids is not None and new_ids is not None:  # records with ids: match by id
        before = dict(zip(old_ids, old, strict=True))
        after = dict(zip(new_ids, new, strict=True))
        for ident in old_ids:
            if ident not in after:
                yield Change(path, removed=ident)
        for ident in new_ids:
            if ident not in before:
                yield Change(path, added=ident)
            else:
                yield from _walk(before[ident], after[ident], f"{path}.{ident}")
    elif all(not isinstance(v, dict | list) for v in [*old, *new]):  # words: match by content
        gone, came = Counter(map(str, old)) - Counter(map(str, new)), Counter(map(str, new)) - Counter(map(str, old))
        for item in old:
            if gone[str(item)] > 0:
                gone[str(item)] -= 1
                yield Change(path, removed=show(item))
        for item in new:
            if came[str(item)] > 0:
                came[str(item)] -= 1
                yield Change(path, added=show(item))
    else:  # other records: match by position
        for i in range(max(len(old), len(new))):
            sub = f"{path}[{i}]"
            if i >= len(old):
                yield Change(path, added=show(new[i]))
            elif i >= len(new):
                yield Change(path, removed=show(old[i]))
            else:
                yield from _walk(old[i], new[i], sub)


@dataclass(frozen=True, slots=True)
class Step:
    """The changes one commit made (commit None: changes not committed yet)."""

    commit: Commit | None
    changes: list[Change]


@dataclass(slots=True)
class Since:
    """What changed in a dossier since a point in its history, commit by commit."""

    day: dt.date | None
    """The day it is measured from (the last visit), if any."""
    base: Commit | None
    """The commit the dossier is compared with (None: the dossier did not exist yet)."""
    steps: list[Step] = field(default_factory=list)
    note: str = ""
    """Why nothing can be said (no history), or ""."""

    @property
    def count(self) -> int:
        """How many fields changed."""
        return sum(len(s.changes) for s in self.steps)


def wanted(history: History, path: Path, day: dt.date) -> list[tuple[str, Path]]:
    """The (commit, file) versions `since_day` needs, to fetch them all in one `History.blobs`."""
    base = history.at(path, day)
    after = history.since(path, base)
    if base is None and len(after) == 1 and not history.is_modified(path):
        return []  # created since that day and not changed since: nothing to compare
    return [(c.sha, path) for c in ([base] if base else []) + after]


def fetch_old_versions(
    history: History, accounts: Iterable[Account], today: dt.date, blobs: dict[tuple[str, Path], bytes | None]
) -> None:
    """Add to `blobs`, in one git process, the old versions that `since_day` needs for each account's last
    visit and `blobs` lacks."""
    need = [
        w
        for a in accounts
        if (last := a.dossier.last_visit(today)) is not None
        for w in wanted(history, a.path, last.day)
        if w not in blobs
    ]
    if need:
        blobs.update(history.blobs(need))


def since_day(
    history: History,
    path: Path,
    day: dt.date,
    current: bytes,
    blobs: dict[tuple[str, Path], bytes | None],
    *,
    redact: bool = False,
) -> Since:
    """The changes to `path` since the end of `day`, from the commits and the working tree."""
    if not history.available:
        return Since(day, None, note=history.note)
    base = history.at(path, day)
    after = history.since(path, base)
    if base is None and len(after) == 1 and not history.is_modified(path):
        return Since(day, None, [Step(after[0], [Change("", added=tr("dossier created"))])])
    versions = [(c, blobs.get((c.sha, path))) for c in after]
    base_bytes = blobs.get((base.sha, path)) if base else None
    modified = history.is_modified(path)
    return Since(day, base, walk(base_bytes, versions, current, modified=modified, redact=redact))


def walk(
    base: bytes | None,
    versions: list[tuple[Commit, bytes | None]],
    current: bytes,
    *,
    modified: bool,
    redact: bool = False,
) -> list[Step]:
    """The changes from the `base` version through `versions` (oldest first), then to `current` if
    `modified`; each step holds what one commit changed. No base: the first version created the dossier."""
    steps: list[Step] = []
    previous = _data(base, redact)
    chain: list[tuple[Commit | None, bytes | None]] = [*versions, *([(None, current)] if modified else [])]
    for commit, raw in chain:
        data = _data(raw, redact)
        if data is None:  # a version that does not parse: compare the next one with the last good one
            continue
        found = changes(previous, data) if previous is not None else [Change("", added=tr("dossier created"))]
        if found:
            steps.append(Step(commit, found))
        previous = data
    return steps


def _data(raw: bytes | None, redact: bool = False) -> dict[str, Any] | None:
    data = data_of(raw)
    return redact_data(data) if redact and data is not None else data


def changed_since_last_visit(
    history: History | None,
    blobs: dict[tuple[str, Path], bytes | None],
    account: Account,
    today: dt.date,
    *,
    redact: bool = False,
) -> Since | None:
    """What changed in an account's dossier since its last done visit, commit by commit."""
    last = account.dossier.last_visit(today)
    if history is None or last is None:
        return None
    return since_day(history, account.path, last.day, account.path.read_bytes(), blobs, redact=redact)


def since_revision(history: History, path: Path, revision: str) -> list[Step]:
    """The changes to `path` since git `revision`, commit by commit, then those not committed yet."""
    try:
        sha, versions = history.since_revision(path, revision)
    except GitError:
        raise KadossierError(tr("unknown revision '{revision}'", revision=revision)) from None
    blobs = history.blobs([(sha, path), *((c.sha, path) for c in versions)])
    return walk(
        blobs.get((sha, path)),
        [(c, blobs.get((c.sha, path))) for c in versions],
        path.read_bytes(),
        modified=history.is_modified(path),
    )


def since_last_visit(history: History, path: Path, day: dt.date) -> Since:
    """The changes to `path` since the end of `day` (its last visit), fetching the old versions it needs."""
    return since_day(history, path, day, path.read_bytes(), history.blobs(wanted(history, path, day)))
