"""Read the tables of an import: every sheet of a workbook (.xlsx, .xls, .ods, by python-calamine), or a CSV file.

A table is its header row and the rows below it, each cell with the location a person finds it by:
`FILE:SHEET!C12` in a workbook, `FILE:C12` in a CSV file. Cells keep the reader's type (text, a number, a
date): what a number in a phone column means is for `convert` to say. CSV files are read as UTF-8 (with or
without a byte-order mark) or UTF-16 (with one), else as GB18030, the superset of the GBK that Chinese Excel
writes. Formulas are found in .xlsx files by openpyxl (python-calamine gives only their last values) and in CSV
files as text starting with `=`; in .xls and .ods files they cannot be told from values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from kadossier.errors import KadossierError
from kadossier.i18n import tr

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
"""The spreadsheet formats python-calamine reads."""
MAX_BYTES = 200 * 1024 * 1024
"""Largest file read: a CRM export of a big company is tens of megabytes."""


class SheetError(KadossierError):
    """A file of an import cannot be read as a table; `where` is the file, or the cell."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's value as the reader gives it ('' when empty) and where it is."""

    value: Any
    where: str
    formula: bool = False
    """Whether the cell holds a formula (its value is what the spreadsheet computed last, if anything)."""

    @property
    def empty(self) -> bool:
        """Whether the cell holds nothing (or only spaces)."""
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(slots=True)
class Table:
    """A sheet (or a CSV file): its name, the header of each column and the rows below the header."""

    file: Path
    shown: str
    sheet: str | None
    columns: dict[str, int]
    """Each header's column index (0-based)."""
    header_row: int
    """The 1-based number of the header row."""
    rows: list[tuple[int, Sequence[Any]]]
    """Each data row's 1-based number and values."""
    formulas: frozenset[tuple[int, int]] = frozenset()
    """The cells that hold a formula, as (1-based row, 0-based column)."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """What is wrong with the table as a whole (where, message): said only if the import reads it."""

    @property
    def name(self) -> str:
        """How messages name the table: `FILE:SHEET`, or `FILE` for a CSV file."""
        return f"{self.shown}:{self.sheet}" if self.sheet is not None else self.shown

    def where(self, column: int, row: int) -> str:
        """The location of a cell: `FILE:SHEET!C12`, or `FILE:C12`."""
        cell = f"{get_column_letter(column + 1)}{row}"
        return f"{self.shown}:{self.sheet}!{cell}" if self.sheet is not None else f"{self.shown}:{cell}"

    def cell(self, header: str, number: int, values: Sequence[Any]) -> Cell:
        """The cell of the column `header` in a row."""
        index = self.columns[header]
        value = values[index] if index < len(values) else ""
        formula = (number, index) in self.formulas or (self.sheet is None and str(value).startswith("="))
        return Cell(value, self.where(index, number), formula)

    def header_cell(self, header: str) -> str:
        """The location of a column's header."""
        return self.where(self.columns[header], self.header_row)


def read_tables(path: Path, shown: str) -> list[Table]:
    """Every table in the file at `path` (`shown` is how messages name it); a `SheetError` naming the path if the
    file cannot be read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SheetError(tr("the file is too large to import"), shown)
        if path.suffix.lower() == ".csv":
            return [_table(path, shown, None, _csv_rows(path.read_bytes(), shown))]
        if path.suffix.lower() in WORKBOOKS:
            return _workbook(path, shown)
    except OSError as exc:
        raise SheetError(tr("cannot read the file: {error}", error=exc.strerror or exc), shown) from None
    raise SheetError(tr("cannot import this kind of file; give .xlsx, .xls, .ods or .csv files"), shown)


def _workbook(path: Path, shown: str) -> list[Table]:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        formulas = _formulas(path)
        tables = [
            _table(path, shown, name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names
        ]
    except (
        python_calamine.CalamineError,
        ValueError,
        TypeError,
        KeyError,
        zipfile.BadZipFile,
        InvalidFileException,
    ) as exc:
        # not a workbook, damaged, encrypted (the formulas are read by openpyxl: its errors too)
        error = str(exc) or type(exc).__name__
        raise SheetError(tr("cannot read the workbook: {error}", error=error), shown) from None
    for table in tables:
        table.formulas = formulas.get(table.sheet or "", frozenset())
    return tables


def _formulas(path: Path) -> dict[str, frozenset[tuple[int, int]]]:
    """The formula cells of each sheet of an .xlsx workbook (python-calamine gives only the values; openpyxl reads
    the formulas of .xlsx, no reader here those of .xls and .ods)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not _has_formulas(path):
        return {}
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        return {
            sheet.title: frozenset(
                (cell.row, cell.column - 1)
                for row in sheet.iter_rows()
                for cell in row
                if getattr(cell, "data_type", None) == "f" and cell.row is not None and cell.column is not None
            )
            for sheet in book.worksheets
        }
    finally:
        book.close()


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of an .xlsx file has a formula element: most have none, and then openpyxl need not read
    every cell again (half a second for 6,000 rows)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return any(_FORMULA_TAG.search(archive.read(name)) for name in sheets)


def _csv_rows(raw: bytes, shown: str) -> list[list[str]]:
    text = _decode(raw, shown)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows: list[list[str]] = []
    while True:
        start = reader.line_num + 1
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error as exc:
            # strict: a quote that is never closed would otherwise swallow the rest of the file into one cell
            message = tr("not a readable CSV row (from line {line}): {error}; check its quotes", line=start, error=exc)
            raise SheetError(message, f"{shown}:A{len(rows) + 1}") from None


def _decode(raw: bytes, shown: str) -> str:
    """The text of a CSV file: UTF-8, UTF-16 with its byte-order mark (Excel's "Unicode text"), else GB18030.
    (kadossier.dossier.load.decode is for dossiers: UTF-8 only, and a dossier's size limit.)"""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError(tr("the file is neither UTF-8 nor GBK text; save it as CSV UTF-8"), shown) from None


def _table(path: Path, shown: str, sheet: str | None, rows: list[list[Any]]) -> Table:
    """The table whose header is the first row with something in it."""
    start = next((i for i, row in enumerate(rows) if any(_filled(v) for v in row)), len(rows))
    columns: dict[str, int] = {}
    table = Table(path, shown, sheet, columns, start + 1, [])
    for index, value in enumerate(rows[start] if start < len(rows) else []):
        header = str(value).strip() if _filled(value) else ""
        if not header:
            continue
        if header in columns:
            message = tr(
                "a second column is headed '{header}' (the first is {first}); rename one of them",
                header=header,
                first=table.header_cell(header),
            )
            table.problems.append((table.where(index, start + 1), message))
            continue
        columns[header] = index
    table.rows = [(number + 1, row) for number, row in enumerate(rows) if number > start and any(map(_filled, row))]
    headed = set(columns.values())
    for number, row in table.rows:
        stray = next((i for i, value in enumerate(row) if i not in headed and _filled(value)), None)
        if stray is not None:
            message = tr("a cell under no header would be lost; give its column a header, or move the value")
            table.problems.append((table.where(stray, number), message))
    return table


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
