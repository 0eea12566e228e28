"""Group the rows of an import into accounts: each account's fields, people, projects and visits.

Every problem is collected, located at its cell, none stops the others: a value that cannot be read, a
required value that is empty, an account listed twice (reported, never merged), a row whose account is in no
row of the accounts, a person or project listed twice for the same account. Names are the same when they
are after `existing.fold` (ＡＢＣ科技, ABC科技 and `ABC 科技` are one account).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import Any

from kadossier.dossier.custom import NO_FIELDS, CustomFields
from kadossier.dossier.vocab import VOCABS
from kadossier.errors import Problem, Severity
from kadossier.i18n import tr
from kadossier.imports.convert import CellProblem, convert, text_of
from kadossier.imports.existing import fold
from kadossier.imports.mapping import Mapping, TableMap
from kadossier.imports.sheets import Cell, Table
from kadossier.imports.targets import NAME_PARTS, REQUIRED, TABLES, Target, targets
from kadossier.utils.messages import did_you_mean


@dataclass
class Item:
    """A row: the fields it fills (by dotted name, in the loader's form), and where it is."""

    values: dict[str, Any]
    where: dict[str, str]
    """Each field's cell."""
    row: str
    """The row's first mapped cell, for messages about the row as a whole."""

    @property
    def name(self) -> str:
        """The item's name (a visit has none: its date)."""
        return str(self.values.get("name") or self.values.get("date") or "")


@dataclass
class Account:
    """An account of the import and everything its rows hold."""

    key: str
    item: Item
    people: list[Item] = field(default_factory=list)
    projects: list[Item] = field(default_factory=list)
    visits: list[Item] = field(default_factory=list)


@dataclass
class Gathered:
    """The accounts of an import, in the order of their rows, and the problems found."""

    accounts: dict[str, Account] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    shipped: bool = False
    declared: CustomFields = NO_FIELDS
    """The workspace's custom fields."""
    failed: set[str] = field(default_factory=set)
    """The folded keys of the account rows that had an error: their other rows say nothing more."""
    by_name: bool = True
    """Whether the accounts are keyed by their name (then a key is found after `fold`), not by an id."""
    """Whether the mapping is one kadossier ships (its columns are what an export may have, not must)."""

    def account(self, key: str) -> Account | None:
        """The account a row names by `key`."""
        found = self.accounts.get(key)
        if found is None and self.by_name:
            folded = fold(key)
            found = next((a for k, a in self.accounts.items() if fold(k) == folded), None)
        return found

    def error(self, where: str, message: str) -> None:
        """Report an error at a cell (or a file)."""
        self.problems.append(Problem(where, 0, 0, Severity.ERROR, message))


def find_tables(mapping: Mapping, tables: list[Table], gathered: Gathered) -> dict[str, list[Table]]:
    """The tables each part of the mapping reads: the sheets and files its `sheet` and `file` name."""
    found: dict[str, list[Table]] = {}
    for name, wanted in mapping.tables().items():
        found[name] = [table for table in tables if _matches(wanted, table)]
        if not found[name] and name != "accounts" and tables:
            message = tr(
                "no {table} imported: no sheet or file is {wanted}", table=name, wanted=wanted.sheet or wanted.file
            )
            gathered.problems.append(Problem(tables[0].shown, 0, 0, Severity.NOTE, message))
    said: set[int] = set()
    for table in (t for tables in found.values() for t in tables if id(t) not in said):
        said.add(id(table))
        for where, message in table.problems:
            gathered.error(where, message)
    if not found["accounts"]:
        names = ", ".join(table.name for table in tables)
        where = tables[0].shown if tables else ""
        gathered.error(
            where,
            tr(
                "no table of accounts: the mapping looks for {wanted}, the files hold {names}",
                wanted=mapping.accounts.sheet or mapping.accounts.file,
                names=names,
            ),
        )
    return found


def _matches(wanted: TableMap, table: Table) -> bool:
    if wanted.file is not None and not fnmatch(table.file.name.casefold(), wanted.file.casefold()):
        return False
    return wanted.sheet is None or (table.sheet or "").strip() == wanted.sheet


def gather(
    mapping: Mapping, tables: list[Table], *, shipped: bool = False, declared: CustomFields = NO_FIELDS
) -> Gathered:
    """Read every row of the mapped tables into accounts (`shipped`: the mapping is one kadossier ships;
    `declared`: the workspace's custom fields)."""
    gathered = Gathered(
        shipped=shipped, declared=declared, by_name=mapping.account_column("accounts") == _name_column(mapping.accounts)
    )
    found = find_tables(mapping, tables, gathered)
    names: dict[str, str] = {}
    for table in found.get("accounts", []):
        for key, item in _rows(mapping, "accounts", table, gathered):
            first = gathered.accounts.get(key)
            same_name = names.get(fold(item.name))
            if first is not None or same_name is not None:
                earlier = first.item.row if first is not None else same_name
                gathered.error(
                    item.row,
                    tr(
                        "account '{name}' is listed twice (first at {first}); keep one row, or merge them by hand",
                        name=item.name,
                        first=earlier,
                    ),
                )
                continue
            gathered.accounts[key] = Account(key, item)
            names[fold(item.name)] = item.row
    for part in ("people", "projects", "visits"):
        for table in found.get(part, []):
            _children(mapping, part, table, gathered)
    return gathered


def _children(mapping: Mapping, part: str, table: Table, gathered: Gathered) -> None:
    for key, item in _rows(mapping, part, table, gathered):
        account = gathered.account(key)
        if account is None and _fold_key(gathered, key) in gathered.failed:
            continue  # its account's row had an error: that error is enough
        if account is None:
            hint = did_you_mean(key, gathered.accounts)
            gathered.error(
                item.where["account"],
                tr("no account '{key}' in the accounts{hint}; add the account, or fix the name", key=key, hint=hint),
            )
            continue
        items: list[Item] = getattr(account, part)
        twin = next((i for i in items if part != "visits" and fold(i.name) == fold(item.name)), None)
        if twin is not None:
            gathered.error(
                item.row,
                tr(
                    "'{name}' of {account} is listed twice (first at {first}); keep one row",
                    name=item.name,
                    account=account.item.name,
                    first=twin.row,
                ),
            )
            continue
        items.append(item)


def _rows(mapping: Mapping, part: str, table: Table, gathered: Gathered) -> list[tuple[str, Item]]:
    """The rows of `table` as (account key, item); rows with a problem are reported and left out."""
    wanted = mapping.tables()[part]
    key_column = mapping.account_column(part)
    if key_column not in table.columns:
        gathered.error(
            table.name,
            tr(
                "no column '{column}', which names each row's account{hint}",
                column=key_column,
                hint=did_you_mean(key_column, table.columns),
            ),
        )
        return []
    _absent(wanted, table, gathered)
    columns = [(c, f) for c, f in wanted.pairs() if c in table.columns]
    known = targets(part, gathered.declared)
    rows: list[tuple[str, Item]] = []
    for number, values in table.rows:
        key_cell = table.cell(key_column, number, values)
        item = Item({}, {"account": key_cell.where}, key_cell.where)
        failed = False
        said: set[str] = set()  # a column that fills two fields is said wrong once
        for column, name in columns:
            cell = table.cell(column, number, values)
            item.where[name] = cell.where
            if cell.empty and not cell.formula:
                del item.where[name]
                continue
            problem = _value(mapping, known[name], cell, column, item)
            if problem is not None:
                failed = True
                if column not in said:
                    gathered.error(cell.where, problem)
                said.add(column)
        _join_name(item)
        failed |= _missing(part, item, wanted, table, number, values, gathered)
        if key_cell.empty and not (part == "accounts" and key_column == _name_column(wanted)):
            gathered.error(key_cell.where, tr("{column} is empty: which account is this row?", column=key_column))
            failed = True
        if failed and part == "accounts" and not key_cell.empty:
            gathered.failed.add(_fold_key(gathered, text_of(key_cell.value)))
        if not failed:
            key = str(item.values["name"]) if part == "accounts" and key_column == _name_column(wanted) else None
            rows.append((key or text_of(key_cell.value), item))
    return rows


def _value(mapping: Mapping, target: Target, cell: Cell, column: str, item: Item) -> str | None:
    """Read a cell into the item's field; what is wrong with it, if anything."""
    if cell.formula:
        return tr("{column}: a formula; write the value, not a formula", column=column)
    words = mapping.values.get(VOCABS.get(target.vocab, ""), {}) if target.vocab else {}
    try:
        item.values[target.name] = convert(cell.value, target, words, column)
    except CellProblem as exc:
        return str(exc)
    return None


def _absent(wanted: TableMap, table: Table, gathered: Gathered) -> None:
    """Report the mapped columns the table lacks: an error for each when the mapping is the user's own or a header
    of the table reads like it (a typo would lose the column's data), else one note (a shipped mapping maps more
    columns than every export has)."""
    unmapped = [h for h in table.columns if h not in wanted.columns]
    where = table.where(0, table.header_row)
    optional = []
    for column in wanted.columns:
        if column in table.columns:
            continue
        hint = did_you_mean(column, unmapped)
        if hint or not gathered.shipped:
            message = tr("the mapping's column '{column}' is not in the header{hint}", column=column, hint=hint)
            gathered.error(where, message)
        else:
            optional.append(column)
    if optional:
        message = tr("not in the header, so not imported: {columns}", columns=", ".join(optional))
        gathered.problems.append(Problem(where, 0, 0, Severity.NOTE, message))


def _fold_key(gathered: Gathered, key: str) -> str:
    return fold(key) if gathered.by_name else key


def _name_column(wanted: TableMap) -> str | None:
    return next((c for c, f in wanted.pairs() if f == "name"), None)


def _join_name(item: Item) -> None:
    """A person's name from a family and a given name: 张伟 (Chinese, no space), or Wei Zhang."""
    family, given = (str(item.values.pop(part, "") or "") for part in NAME_PARTS)
    if not (family or given):
        return
    cjk = any("\u2e80" <= ch <= "\u9fff" for ch in family + given)
    item.values["name"] = family + given if cjk else " ".join(p for p in (given, family) if p)
    item.where["name"] = item.where.get("name.family") or item.where["name.given"]


def _missing(
    part: str, item: Item, wanted: TableMap, table: Table, number: int, values: Any, gathered: Gathered
) -> bool:
    """Report each required field the row leaves empty; whether there was one."""
    missing = False
    for required in REQUIRED[part]:
        if required in item.values or required in item.where:
            continue
        fills = [c for c, f in wanted.pairs() if f == required or (required == "name" and f in NAME_PARTS)]
        present = [c for c in fills if c in table.columns]
        where = table.cell(present[0], number, values).where if present else table.name
        column = (present or fills or [required])[0]
        gathered.error(
            where,
            tr("{column} is empty: a row of {table} needs its {field}", column=column, table=part, field=required),
        )
        missing = True
    return missing


__all__ = ["TABLES", "Account", "Gathered", "Item", "gather"]
