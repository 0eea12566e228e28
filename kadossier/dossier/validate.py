"""Take dossier files through every stage (read, YAML, model, checks) and collect located problems.

A file's stages run in order and a stage that fails ends that file's run, so later messages never
follow from earlier ones: YAML errors, then type errors, then broken references, then red flags.
Nothing stops at the first file: every file is checked, and every problem reported.
"""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kadossier.dossier import checks, folder
from kadossier.dossier import companies as profiles
from kadossier.dossier.companies import Companies, CompanyFile
from kadossier.dossier.completeness import Completeness, completeness
from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.fields import closest_value, show_value
from kadossier.dossier.folder import ACCOUNT_ID, RESERVED_NAMES
from kadossier.dossier.load import LoadError, Located, load_bytes
from kadossier.dossier.method import Method
from kadossier.dossier.model import SCHEMA_VERSION, Dossier
from kadossier.dossier.parts import COMMITMENT_LIST, COMMITMENT_TEXT
from kadossier.errors import Problem, Severity
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean, display_path
from kadossier.utils.parallel import parallel_map


@dataclass(slots=True)
class Checked:
    """The outcome of checking one dossier file."""

    path: Path
    account: str
    dossier: Dossier | None
    problems: list[Problem] = field(default_factory=list)
    completeness: Completeness | None = None
    """How complete a valid dossier is (scored before any redaction: the shareable edition shows the same)."""
    fields: CustomFields = field(default_factory=CustomFields)
    """The custom fields it was checked against (redaction drops the personal ones)."""
    starts: dict[str, int] = field(default_factory=dict)
    """The line (1-based) where each person, project and visit of a valid dossier starts in the file, by the
    anchor of its heading on the account page (`person-ID`, `project-ID`, `visit-ID`)."""

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the file invalid."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The red flags."""
        return [p for p in self.problems if p.severity is Severity.WARNING]


def check_file(
    path: Path,
    today: date,
    *,
    name: str | None = None,
    roster: frozenset[str] = frozenset(),
    method: Method | None = None,
    companies: Companies | None = None,
    fields: CustomFields = NO_FIELDS,
) -> Checked:
    """Read and check one dossier file; `name` is how messages show its path, `roster` the names of our people
    the workspace declares (see kadossier.dossier.roster), `method` the thresholds of its red flags, `companies`
    the workspace's competitor profiles (None: not looked up, so `ref` is not checked), `fields` its declared
    custom fields (kadossier.dossier.custom)."""
    result = _check(path, today, name, roster, method, companies, fields)
    result.problems.sort(key=lambda p: (p.line, p.col))
    return result


def _check(
    path: Path,
    today: date,
    name: str | None,
    roster: frozenset[str],
    method: Method | None,
    companies: Companies | None,
    fields: CustomFields,
) -> Checked:
    shown = name if name is not None else display_path(path)
    result = Checked(path, path.stem, None, fields=fields)

    def report(line: int, col: int, message: str, severity: Severity = Severity.ERROR, code: str = "") -> None:
        result.problems.append(Problem(shown, line, col, severity, message, code))

    refused = folder.refusal(path)
    if refused is not None:  # not read at all: a link's target may be anything, a pipe would never end
        report(1 if folder.located(path) else 0, 1 if folder.located(path) else 0, refused)
        return result
    if not ACCOUNT_ID.fullmatch(path.stem):
        report(
            1,
            1,
            tr(
                "file name '{name}' must be a lowercase ASCII slug (letters, digits, - or _) "
                "because it is the account's id in links",
                name=path.name,
            ),
        )
    elif path.stem in RESERVED_NAMES:
        message = tr(
            "file name '{name}' is a reserved device name on Windows; the site could not be checked out", name=path.name
        )
        report(1, 1, message)
    try:
        raw = folder.read(path)
    except OSError as exc:
        report(1, 1, tr("cannot read file: {error}", error=exc.strerror or exc))
        return result
    _check_content(result, raw, report, today, roster, method, companies, fields)
    return result


def check_bytes(
    raw: bytes,
    path: Path,
    today: date,
    *,
    roster: frozenset[str] = frozenset(),
    method: Method | None = None,
    companies: Companies | None = None,
    fields: CustomFields = NO_FIELDS,
) -> Checked:
    """Check one version of a dossier (from git, say) as of `today`: what `check_file` does once the file is read
    (`path` names the account and the messages)."""
    result = Checked(path, path.stem, None, fields=fields)

    def report(line: int, col: int, message: str, severity: Severity = Severity.ERROR, code: str = "") -> None:
        result.problems.append(Problem(display_path(path), line, col, severity, message, code))

    _check_content(result, raw, report, today, roster, method, companies, fields)
    return result


def _check_content(
    result: Checked,
    raw: bytes,
    report: Callable[..., None],
    today: date,
    roster: frozenset[str],
    method: Method | None,
    companies: Companies | None,
    fields: CustomFields,
) -> None:
    """The stages after reading: YAML, the model, custom fields, references, profiles, red flags."""
    path = result.path
    try:
        loaded = load_bytes(raw)
    except LoadError as exc:
        for line, col, message in exc.errors:
            report(line, col, message)
        return
    data, where = loaded.data, loaded.positions
    if path.stem == Path(profiles.FILE_NAME).stem and "name" not in data and isinstance(data.get("competitors"), list):
        message = tr(
            "this is the workspace's competitor profiles, not a dossier: move it beside mkdocs.yml (or where the "
            "plugin option 'competitors' says); the dossiers folder holds one dossier per account"
        )
        report(1, 1, message)
        return
    version = data.get("schema_version")
    if version is None:
        report(
            1, 1, tr("missing 'schema_version: {version}' (the first field of every dossier)", version=SCHEMA_VERSION)
        )
    elif version != str(SCHEMA_VERSION):
        report(*where.find(("schema_version",)), _unsupported(version))
        return
    try:
        dossier = Dossier.model_validate({**data, "schema_version": SCHEMA_VERSION})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, at_key, message = describe(error)
            if error["type"] == "extra_forbidden":
                message += fields.misplaced(loc)
            report(*where.find(loc, key=at_key), message)
        return
    for loc, at_key, message in fields.check(dossier):
        report(*where.find(loc, key=at_key), message)
    for finding in checks.errors(dossier):
        report(*where.find(finding.loc, key=finding.key), finding.message)
    if companies is not None:
        for finding in profiles.errors(dossier, companies):
            report(*where.find(finding.loc, key=finding.key), finding.message)
        for finding in profiles.notes(dossier, companies):
            report(*where.find(finding.loc, key=finding.key), finding.message, Severity.NOTE, finding.code)
        profiles.attach(dossier, companies)
    if not result.errors:
        result.dossier = dossier
        result.completeness = completeness(dossier, method)
        result.starts = _starts(dossier, where)
        for finding in checks.red_flags(dossier, today, roster, method, result.completeness):
            report(*where.find(finding.loc, key=finding.key), finding.message, Severity.WARNING, finding.code)


def _starts(dossier: Dossier, where: Located) -> dict[str, int]:
    """Where each person, project and visit starts, by its heading's anchor (the wiki links the line)."""
    ids = {
        ("person", "people"): [p.id for p in dossier.people],
        ("project", "projects"): [p.id for p in dossier.projects],
        ("visit", "visits"): [v.id for v in dossier.visits],
    }
    return {
        f"{kind}-{ident}": line
        for (kind, key), idents in ids.items()
        for ident, line in zip(idents, where.item_lines(key), strict=True)
    }


def check_files(
    paths: Sequence[Path],
    today: date,
    *,
    jobs: int | None = None,
    models: bool = True,
    roster: frozenset[str] = frozenset(),
    method: Method | None = None,
    companies: Companies | None = None,
    fields: CustomFields = NO_FIELDS,
) -> list[Checked]:
    """Check many files, in worker processes when there are enough of them to pay off.

    With `models=False` only the problems come back (`dossier` is None): sending models between
    processes costs more than building them.
    """
    context = (today, models, roster, method, companies, fields)
    return parallel_map(_check_one, paths, context=context, jobs=jobs)


def _check_one(
    context: tuple[date, bool, frozenset[str], Method | None, Companies | None, CustomFields], path: Path
) -> Checked:
    today, models, roster, method, companies, fields = context
    result = check_file(path, today, roster=roster, method=method, companies=companies, fields=fields)
    if not models:
        result.dossier = None
    return result


def check_companies(path: Path, *, name: str | None = None) -> tuple[Companies, list[Problem]]:
    """Read and check the workspace's competitor profiles (competitors.yaml); a file that does not exist is no
    profiles and no problem. Any error leaves no profiles (and the problems say where)."""
    shown = name if name is not None else display_path(path)
    problems: list[Problem] = []

    def report(line: int, col: int, message: str) -> None:
        problems.append(Problem(shown, line, col, Severity.ERROR, message))

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Companies(), []
    except OSError as exc:
        report(0, 0, tr("cannot read file: {error}", error=exc.strerror or exc))
        return Companies(), problems
    try:
        loaded = load_bytes(raw)
    except LoadError as exc:
        for line, col, message in exc.errors:
            report(line, col, message)
        return Companies(), problems
    data, where = loaded.data, loaded.positions
    version = data.get("schema_version")
    if version is None:
        report(1, 1, tr("missing 'schema_version: {version}' (the first field of the file)", version=SCHEMA_VERSION))
        return Companies(), problems
    if version != str(SCHEMA_VERSION):
        report(*where.find(("schema_version",)), _unsupported(version))
        return Companies(), problems
    try:
        parsed = CompanyFile.model_validate({**data, "schema_version": SCHEMA_VERSION})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, at_key, message = describe(error, CompanyFile)
            report(*where.find(loc, key=at_key), message)
        return Companies(), sorted(problems, key=lambda p: (p.line, p.col))
    seen: dict[str, int] = {}
    for i, profile in enumerate(parsed.competitors):
        if profile.id in seen:
            message = tr(
                "duplicate competitor profile id '{id}' (also competitors[{first}])",
                id=profile.id,
                first=seen[profile.id],
            )
            report(*where.find(("competitors", i, "id")), message)
        seen.setdefault(profile.id, i)
    if problems:
        return Companies(), problems
    return Companies(tuple(parsed.competitors), hashlib.sha256(raw).hexdigest()), []


def _unsupported(version: object) -> str:
    return tr(
        "schema_version {version} is not supported: this kadossier reads version {supported}; "
        "upgrade kadossier or fix the number",
        version=version,
        supported=SCHEMA_VERSION,
    )


_UNION_TAGS = frozenset([COMMITMENT_LIST, COMMITMENT_TEXT])
"""The branch names pydantic adds to a location inside a tagged union: not keys of the file."""


def describe(error: Any, root: type[BaseModel] = Dossier) -> tuple[tuple[str | int, ...], bool, str]:
    """Turn one pydantic error of a `root` model (a dossier, or the competitor profiles) into (location, whether
    it points at the key, message)."""
    loc: tuple[str | int, ...] = tuple(part for part in error["loc"] if part not in _UNION_TAGS)
    kind, value = error["type"], error.get("input")
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_of(_type_at(loc[:-1], root)))
        return loc, True, tr("unknown field '{field}'{hint}", field=loc[-1], hint=hint)
    if kind == "missing":
        return loc[:-1], False, tr("missing required field '{field}'", field=loc[-1])
    if kind == "enum":
        allowed = [m.value for m in _type_at(loc, root)] if _is_enum(_type_at(loc, root)) else []
        close = closest_value(str(value), _type_at(loc, root)) if isinstance(value, str) and allowed else None
        hint = did_you_mean(close, [close]) if close else ""  # a Chinese word (中层) means a value too
        shown = show_value(value)
        return (
            loc,
            False,
            tr(
                "{name} {value} is not one of: {allowed}{hint}",
                name=name,
                value=shown,
                allowed=", ".join(allowed),
                hint=hint,
            ),
        )
    ctx = {key: _number(v) for key, v in (error.get("ctx") or {}).items()}
    typed = _type_message(kind, name, show_value(value), ctx)
    return loc, False, typed if typed is not None else str(error["msg"])


def _type_message(kind: str, name: str, value: str, ctx: dict[str, Any]) -> str | None:
    """The message for a value of the wrong type or out of range, by pydantic's error type; None for a type
    kadossier has no words for (pydantic's own message is shown)."""
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return tr("{name} must be a whole number, got {value}", name=name, value=value)
    if kind in ("float_parsing", "float_type"):
        return tr("{name} must be a number, got {value}", name=name, value=value)
    if kind == "finite_number":
        return tr("{name} must be a finite number, got {value}", name=name, value=value)
    if kind in ("bool_parsing", "bool_type"):
        return tr("{name} must be true or false, got {value}", name=name, value=value)
    if kind == "string_type":
        return tr("{name} must be text, got {value}", name=name, value=value)
    if kind == "blank":
        return tr("{name} is empty: write it (it is required)", name=name)
    if kind == "list_type":
        return tr("{name} must be a list (- item lines or [a, b]), got {value}", name=name, value=value)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return tr("{name} must be a mapping of fields, got {value}", name=name, value=value)
    if kind == "greater_than_equal":
        return tr("{name} must be at least {ge}, got {value}", name=name, value=value, ge=ctx.get("ge"))
    if kind == "less_than_equal":
        return tr("{name} must be at most {le}, got {value}", name=name, value=value, le=ctx.get("le"))
    if kind == "too_long":
        return tr(
            "{name} has {actual} items; a dossier may list at most {limit}",
            name=name,
            actual=ctx.get("actual_length"),
            limit=ctx.get("max_length"),
        )
    return None


def _number(value: Any) -> Any:
    number = int(value) if isinstance(value, float) and value.is_integer() else value
    return f"{number:,}" if isinstance(number, int) and abs(number) >= 10**6 else number


def _type_at(loc: Iterable[str | int], root: type[BaseModel] = Dossier) -> Any:
    """Return the type the `root` model expects at `loc` (skipping the parts pydantic adds)."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if typing.get_origin(tp) is list:
                tp = typing.get_args(tp)[0]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
    return _unwrap(tp)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel | Enum)]
            tp = (models or args)[0]
        else:
            return tp


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


def _fields_of(tp: Any) -> list[str]:
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


__all__ = ["Checked", "Located", "check_bytes", "check_companies", "check_file", "check_files", "describe"]
