"""Plan an import as a whole, then carry it out: every problem is found before anything is written.

`plan` reads the mapping and the files, groups the rows into accounts, and says for each account what would
happen: a new dossier (its text rendered and validated like any dossier), items added to an existing one
(`--update`), or an error. `apply` writes only a plan without errors: new dossiers are created whole and
never over a file (a failure takes back the ones this import created), then the existing ones are edited.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.load import LoadError, as_written, load_bytes
from kadossier.dossier.validate import check_bytes, check_file
from kadossier.edit.lists import append_items
from kadossier.edit.scaffold import check_slug, slug_for, write_schema
from kadossier.edit.textual import difference
from kadossier.errors import KadossierError, Problem, ScaffoldError, Severity
from kadossier.i18n import tr
from kadossier.imports.existing import Existing, existing
from kadossier.imports.gather import Account, gather
from kadossier.imports.mapping import SHIPPED_DIR, locate, read_mapping, shipped
from kadossier.imports.render import dossier_data, dossier_text, item_lines
from kadossier.imports.sheets import SheetError, Table, read_tables
from kadossier.imports.update import Additions, additions
from kadossier.utils import files
from kadossier.utils.messages import did_you_mean, display_path


@dataclass
class Plan:
    """What an import would do, and every problem found."""

    created: dict[Path, bytes] = field(default_factory=dict)
    """New dossiers and their text."""
    updated: list[Additions] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the import."""
        return [p for p in self.problems if p.is_error]


@dataclass(frozen=True)
class Settings:
    """Where and how an import writes."""

    dossiers_dir: Path
    owner: str | None
    update: bool
    today: date
    language: str
    root: Path | None = None
    fields: CustomFields = NO_FIELDS
    """The workspace's custom fields: a dossier that has them is checked with them."""


def plan(paths: list[Path], mapping_name: str, settings: Settings) -> Plan:
    """Read everything and decide what the import does; nothing is written."""
    result = Plan()
    path = locate(mapping_name)
    if path is None:
        raise KadossierError(
            tr(
                "no mapping '{name}': give a mapping file, or one of: {shipped}{hint}",
                name=mapping_name,
                shipped=", ".join(shipped()),
                hint=did_you_mean(mapping_name, shipped()),
            )
        )
    mapping, result.problems = read_mapping(path, settings.fields)
    tables: list[Table] = []
    for file in paths:
        try:
            tables += read_tables(file, display_path(file))
        except SheetError as exc:
            result.problems.append(Problem(exc.where or display_path(file), 0, 0, Severity.ERROR, str(exc)))
    if mapping is None or result.errors:
        return result
    gathered = gather(mapping, tables, shipped=path.is_relative_to(SHIPPED_DIR), declared=settings.fields)
    result.problems += gathered.problems
    source = ", ".join(sorted({t.file.name for t in tables}))
    taken: set[str] = set()
    known = existing(settings.dossiers_dir)
    for account in gathered.accounts.values():
        _plan_account(result, account, settings, known, taken, source)
    return result


def _plan_account(
    result: Plan, account: Account, settings: Settings, known: Existing, taken: set[str], source: str
) -> None:
    name = account.item.name
    match = known.find(name)
    if match is not None and str(match[0]) in taken:  # two rows of the sheet name one dossier's account
        message = tr(
            "{path} is this account's dossier, which an earlier row imports already; keep one row",
            path=display_path(match[0]),
        )
        result.problems.append(_error(account.item.row, message))
        return
    if match is not None:
        taken.add(str(match[0]))
        _plan_update(result, account, *match, settings)
        return
    base = slug_for(name)
    if not base:
        result.problems.append(_error(account.item.row, tr("cannot make an ASCII file name from '{name}'", name=name)))
        return
    unreadable = [p for p in known.unreadable if p.stem == base or p.stem.startswith(f"{base}-")]
    if unreadable:  # it may be this account's dossier: say so rather than write a second one
        shown = display_path(unreadable[0])
        result.problems.append(_error(account.item.row, tr("{path} cannot be read; fix it first", path=shown)))
        return
    path = _free_path(base, settings.dossiers_dir, known, taken)
    owner = account.item.values.get("owner") or settings.owner
    if not owner:
        result.problems.append(
            _error(account.item.row, tr("who owns '{name}'? map an owner column, or pass --owner NAME", name=name))
        )
        return
    data = dossier_data(account, str(owner), settings.today)
    text = dossier_text(data, source=source, today=settings.today, language=settings.language, root=settings.root)
    raw = text.encode("utf-8")
    changed = _as_intended(raw, data)
    if changed:
        result.problems.append(_error(account.item.row, changed))
        return
    checked = check_bytes(raw, path, settings.today, fields=settings.fields)
    for problem in checked.errors:  # what the cells' own checks could not see: said at the would-be file
        result.problems.append(_error(account.item.row, f"{problem.where}: {problem.message}"))
    result.created[path] = raw


def _free_path(base: str, folder: Path, known: Existing, taken: set[str]) -> Path:
    """The file of a new dossier: `base`, else `base-2`, `base-3`... (another account's file: 张伟 and 章伟 have one
    pinyin; or a name Windows reserves, con or nul), which is then taken."""
    for n in itertools.count(1):
        slug = base if n == 1 else f"{base}-{n}"
        path = folder / f"{slug}.yaml"
        if slug not in taken and not known.taken(path) and _safe(slug):
            taken.add(slug)
            return path
    raise AssertionError  # count() never ends


def _safe(slug: str) -> bool:
    """Whether `kadossier new` would take `slug` as an account id (con, nul... are names Windows reserves)."""
    try:
        check_slug(slug)
    except ScaffoldError:
        return False
    return True


def _as_intended(raw: bytes, data: dict[str, Any]) -> str:
    """What is wrong if the rendered text does not read back as exactly `data` (a template's slip), else ""."""
    try:
        got = load_bytes(raw).data
    except LoadError as exc:
        problem = str(exc)
    else:
        problem = difference(as_written(data), as_written(got))
    if not problem:
        return ""
    return tr(
        "the new dossier would not hold what the sheet says ({problem}); check the import template", problem=problem
    )


def _plan_update(result: Plan, account: Account, path: Path, data: dict[str, Any], settings: Settings) -> None:
    shown = display_path(path)
    if not settings.update:
        message = tr(
            "{path} exists already; run the import with --update to add the new people, projects and visits to it",
            path=shown,
        )
        result.problems.append(_error(account.item.row, message))
        return
    checked = check_file(path, settings.today, name=shown, fields=settings.fields)
    if checked.errors:  # an edit of it would be refused when the new dossiers are written already
        message = tr("{path} is not valid, so --update cannot add to it; fix it first (kadossier validate)", path=shown)
        result.problems += [_error(account.item.row, message), *checked.errors]
        return
    found = additions(account, data, path, shown, settings.today)
    result.problems += found.problems
    if found.count:
        result.updated.append(found)


def listing(result: Plan, *, done: bool) -> list[str]:
    """What the import did (`done`) or would do: each new dossier, and each item added to an existing one."""
    lines = []
    for path in result.created:
        shown = display_path(path)
        lines.append(tr("created {path}", path=shown) if done else tr("would create {path}", path=shown))
    for found in result.updated:
        shown = display_path(found.path)
        for part, items in found.items.items():
            for item in items:
                lines.append(_added(part, shown, str(item.get("name", "")), str(item["id"]), done))
    return lines or [tr("nothing new to import: every account, person, project and visit is there already")]


def _added(part: str, path: str, name: str, new_id: str, done: bool) -> str:
    if part == "people":
        if done:
            return tr("{path}: added the person {name} ({id})", path=path, name=name, id=new_id)
        return tr("{path}: would add the person {name} ({id})", path=path, name=name, id=new_id)
    if part == "projects":
        if done:
            return tr("{path}: added the project {name} ({id})", path=path, name=name, id=new_id)
        return tr("{path}: would add the project {name} ({id})", path=path, name=name, id=new_id)
    if done:
        return tr("{path}: added the visit {id}", path=path, id=new_id)
    return tr("{path}: would add the visit {id}", path=path, id=new_id)


def _error(where: str, message: str) -> Problem:
    return Problem(where, 0, 0, Severity.ERROR, message)


def apply(result: Plan, settings: Settings) -> None:
    """Write the planned dossiers and edits; a plan with errors writes nothing, and a failure takes back the new
    dossiers this import created (the edits made before it stay: each is whole and valid)."""
    assert not result.errors
    created: list[Path] = []
    try:
        if result.created:
            write_schema(settings.dossiers_dir, settings.fields)
        for path, raw in result.created.items():
            _create(path, raw)
            created.append(path)
        for found in result.updated:
            purpose = tr("kadossier import --update on {path}", path=display_path(found.path))
            append_items(found.path, found.items, item_lines, purpose, settings.today, settings.fields)
    except BaseException:
        for path in created:  # only what this import created: all the new dossiers or none
            path.unlink(missing_ok=True)
        raise


def _create(path: Path, raw: bytes) -> None:
    try:
        files.create(path, raw)
    except FileExistsError:
        message = tr("{path} appeared meanwhile; it was left as it is", path=display_path(path))
        raise KadossierError(message) from None
    except OSError as exc:
        raise KadossierError(
            tr("cannot write {path}: {error}", path=display_path(path), error=exc.strerror or exc)
        ) from None
