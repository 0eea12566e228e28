"""The mapping file of an import: which file or sheet holds which table, and what its columns and values mean.

    accounts:                 # one row per account
      sheet: 客户             # the sheet that holds it (`file: Account.csv` for a file)
      key: 客户名称           # the column the other tables name the account by (default: the name's column)
      columns: {客户名称: name, 行业: industry, 电话: background.phone}
    people:
      sheet: 联系人
      account: 客户名称       # the column that names the row's account (by the accounts' key)
      columns: {联系人: name, 职务: title, 手机: contact.mobile, 角色: roles, 态度: attitude}
    values:                   # a vocabulary's words in the sheet, beyond its labels (决策者, 支持者 are known)
      stage: {Prospecting: interest, Closed Won: use}
      project_status: {Prospecting: open, Closed Won: won, Closed Lost: lost}

A column fills several fields when its words mean something for each (`StageName: [stage, status]`: Closed Lost
is a stage and a status); each takes the column's words through its own vocabulary's `values`.

It is YAML read by the dossiers' loader and checked by a pydantic model, so its mistakes are located like a
dossier's (`map.yaml:7:14: error: ...`). Two mappings ship with kadossier, used by name: `zh-sheet` and
`salesforce` (kadossier/imports/mappings/).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.load import LoadError, decode, parse
from kadossier.dossier.vocab import VOCABS
from kadossier.errors import Problem, Severity
from kadossier.i18n import tr
from kadossier.imports.targets import NAME_PARTS, REQUIRED, TABLES, targets
from kadossier.utils.messages import did_you_mean, display_path

SHIPPED_DIR = Path(__file__).resolve().parent / "mappings"
"""Where the shipped mappings are, one `<name>.yaml` each."""


class TableMap(BaseModel):
    """Where one table is, and what its columns fill."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    file: str | None = None
    """The file that holds the table, by name; wildcards allowed (`Account*.csv`)."""
    sheet: str | None = None
    """The sheet that holds it, in a workbook."""
    key: str | None = None
    """Accounts only: the column the other tables name an account by (its name or its id)."""
    account: str | None = None
    """People, projects and visits: the column that names the row's account, by the accounts' key."""
    columns: dict[str, str | list[str]]
    """Column header -> dossier field (`手机: contact.mobile`), or fields (`StageName: [stage, status]`)."""

    def pairs(self) -> list[tuple[str, str]]:
        """Each (column, field) the table maps, a column that fills several fields once for each."""
        return [(c, f) for c, fields in self.columns.items() for f in ([fields] if isinstance(fields, str) else fields)]


class Mapping(BaseModel):
    """Which tables an import reads and what they mean."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    accounts: TableMap
    """The accounts, one row each."""
    people: TableMap | None = None
    """The people (contacts), one row each."""
    projects: TableMap | None = None
    """The projects (opportunities), one row each."""
    visits: TableMap | None = None
    """The visits, one row each."""
    values: dict[str, dict[str, str]] = {}
    """Per vocabulary (role, attitude, stage...): a word of the sheet -> our value."""

    def tables(self) -> dict[str, TableMap]:
        """The tables this mapping reads, by name."""
        return {name: table for name in TABLES if (table := getattr(self, name)) is not None}

    def account_column(self, table: str) -> str:
        """The column that ties a row of `table` to its account."""
        tables = self.tables()
        if table == "accounts":
            return tables[table].key or next(c for c, f in tables[table].pairs() if f == "name")
        column = tables[table].account
        assert column is not None
        return column


def shipped() -> list[str]:
    """The names of the mappings that ship with kadossier."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def locate(name: str) -> Path | None:
    """The file of a mapping given by name (a shipped one) or path; None if there is none."""
    path = Path(name)
    if path.is_file():
        return path
    if name in shipped():
        return SHIPPED_DIR / f"{name}.yaml"
    return None


def read_mapping(path: Path, declared: CustomFields = NO_FIELDS) -> tuple[Mapping | None, list[Problem]]:
    """The mapping in `path`, or None and every problem found in it, located (`declared`: the workspace's custom
    fields, which a column may fill as `custom.NAME`)."""
    shown = display_path(path) if not path.is_relative_to(SHIPPED_DIR) else path.name
    problems: list[Problem] = []

    def report(line: int, col: int, message: str) -> None:
        problems.append(Problem(shown, line, col, Severity.ERROR, message))

    try:
        loaded = parse(decode(path.read_bytes()))
    except OSError as exc:
        report(0, 0, tr("cannot read the mapping: {error}", error=exc.strerror or exc))
        return None, problems
    except LoadError as exc:
        for line, col, message in exc.errors:
            report(line, col, message)
        return None, problems
    from kadossier.dossier.validate import describe

    try:
        mapping = Mapping.model_validate(loaded.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc, at_key, message = describe(error, Mapping)
            report(*loaded.positions.find(loc, key=at_key), message)
        return None, problems
    for loc, at_key, message in _mistakes(mapping, declared):
        report(*loaded.positions.find(loc, key=at_key), message)
    return (None if problems else mapping), problems


Mistake = tuple[tuple[str, ...], bool, str]


def _mistakes(mapping: Mapping, declared: CustomFields) -> list[Mistake]:
    """What the model cannot say by itself: unknown fields, missing ones, misplaced keys, unknown values."""
    found: list[Mistake] = []
    for name, table in mapping.tables().items():
        found += _table_mistakes(name, table, declared)
    vocabs = {name: vocab for vocab, name in VOCABS.items()}
    for name, words in mapping.values.items():
        if name not in vocabs:
            hint = did_you_mean(name, vocabs)
            found.append((("values", name), True, tr("unknown vocabulary '{name}'{hint}", name=name, hint=hint)))
            continue
        allowed = [member.value for member in vocabs[name]]
        for word, value in words.items():
            if value not in allowed:
                message = tr(
                    "{name} {value} is not one of: {allowed}{hint}",
                    name=name,
                    value=value,
                    allowed=", ".join(allowed),
                    hint=did_you_mean(value, allowed),
                )
                found.append((("values", name, word), False, message))
    return found


def _table_mistakes(name: str, table: TableMap, declared: CustomFields) -> list[Mistake]:
    found: list[Mistake] = []
    known = targets(name, declared)
    if table.file is None and table.sheet is None:
        found.append(((name,), True, tr("say where the {table} are: add 'file: NAME' or 'sheet: NAME'", table=name)))
    if name == "accounts" and table.account is not None:
        found.append(((name, "account"), True, tr("'account' is for the other tables; the accounts have a 'key'")))
    if name != "accounts" and table.key is not None:
        found.append(((name, "key"), True, tr("'key' is for the accounts; name the account's column with 'account'")))
    if name != "accounts" and table.account is None:
        found.append(
            ((name,), True, tr("which column names each row's account? add 'account: COLUMN' to {table}", table=name))
        )
    for column, field in table.pairs():
        if field not in known:
            hint = did_you_mean(field, known)
            message = tr(
                "'{field}' is not a field a column of {table} can fill{hint}", field=field, table=name, hint=hint
            )
            found.append(((name, "columns", column), False, message))
    first: dict[str, str] = {}
    for column, field in table.pairs():
        if field in first:
            message = tr(
                "the columns '{first}' and '{column}' both fill '{field}'; map one of them to another field",
                first=first[field],
                column=column,
                field=field,
            )
            found.append(((name, "columns", column), True, message))
        first.setdefault(field, column)
    filled = {field for _, field in table.pairs()}
    for required in REQUIRED[name]:
        parts = set(NAME_PARTS) if (name, required) == ("people", "name") else set()
        if required not in filled and not parts & filled:
            message = tr("no column fills '{field}', which every row of {table} needs", field=required, table=name)
            found.append(((name, "columns"), True, message))
    return found
