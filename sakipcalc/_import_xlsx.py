"""XLSX workbooks read into :class:`~sakipcalc._import_tables.Table` values, one a sheet.

The workbook is checked before it is parsed (:mod:`sakipcalc._xlsx_scan`);
openpyxl is imported when the first workbook is read. Only openpyxl's own
calls sit inside a broad ``except``, so that a damaged file is reported as one
and a bug in sakipcalc is not.
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ._import_tables import Cell, ImportIssues, Table, recognised, size_ok
from ._xlsx_scan import ScanProblem, scan_workbook
from .errors import Location

__all__ = ["read_xlsx"]

_PREFERRED_SHEETS = frozenset({"data", "realisasi"})

# (value, number format, data type) of one cell, as openpyxl read it.
_RawRow = list[tuple[object, object, object]]


def read_xlsx(
    path: Path, display: str, issues: ImportIssues, *, max_bytes: int, max_rows: int
) -> list[Table]:
    """The sheets to read, each as a table; none when the workbook cannot be read."""
    openpyxl = _openpyxl()
    if not size_ok(path, display, issues, max_bytes):
        return []
    problem = scan_workbook(str(path), max_rows=max_rows)
    if problem is not None:
        _scan_problem(problem, display, issues)
        return []
    tables: list[Table] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; none affect values.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = [(ws.title, ws) for ws in book.worksheets]
    except Exception as exc:  # only openpyxl ran: it raises many kinds for a damaged file
        _damaged(display, exc, issues)
        return []
    try:
        preferred = [(t, ws) for t, ws in sheets if t.strip().casefold() in _PREFERRED_SHEETS]
        for title, ws in preferred or sheets:
            file = f"{display}[{title}]"
            raw = _library_rows(ws)
            if isinstance(raw, _Damaged):
                _damaged(f"{display}[{title}]", raw.cause, issues, after_row=raw.after_row)
                return []
            rows = _sheet_rows(raw, file, issues, max_rows)
            if rows is None:
                return []  # too large: said so, and no "no header row" on top
            tables.append(Table(file, rows, sheet=True, required=bool(preferred)))
    finally:
        book.close()
    for table in tables:
        issues.sheet_files.add(table.file)
    readable = [t for t in tables if t.required or recognised(t.rows[0] if t.rows else [])]
    if not readable:
        issues.error(
            "import-header",
            "no sheet of this workbook has a header row naming the columns "
            "name, category, period, value",
            Location(display),
            hint="put the header in the first row of a sheet, or name the sheet 'data'",
        )
    return readable


def _scan_problem(problem: ScanProblem, display: str, issues: ImportIssues) -> None:
    if problem.sheet is None:
        issues.error(problem.code, problem.message, Location(display), hint=problem.hint)
        return
    file = f"{display}[{problem.sheet}]"
    issues.sheet_files.add(file)
    issues.error(
        problem.code,
        problem.message,
        Location(file, problem.row, problem.column),
        hint=problem.hint,
    )


def _damaged(
    where: str, exc: BaseException, issues: ImportIssues, *, after_row: int | None = None
) -> None:
    reason = str(exc) or type(exc).__name__
    at = f" after row {after_row}" if after_row is not None else ""
    issues.error(
        "io-error",
        f"cannot read the workbook{at}: {reason}",
        Location(where),
        hint="open it in Excel or LibreOffice and save it again as .xlsx",
    )


def _sheet_rows(
    raw: list[_RawRow], file: str, issues: ImportIssues, max_rows: int
) -> list[list[Cell]] | None:
    rows: list[list[Cell]] = []
    for row_number, row in enumerate(raw, 1):
        if row_number > max_rows:  # the scan refuses these first; kept as a backstop
            issues.sheet_files.add(file)
            issues.error(
                "file-too-large",
                f"more than {max_rows:,} rows",
                Location(file, row_number),
                hint="split the data into several sheets or files",
            )
            return None
        cells = []
        for column, (value, number_format, data_type) in enumerate(row, 1):
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(
                Cell(
                    value,
                    row_number,
                    column,
                    percent=numeric and _is_percent_format(number_format),
                    error=data_type == "e",
                )
            )
        if not all(cell.blank for cell in cells):
            rows.append(cells)
    return rows


def _is_percent_format(number_format: object) -> bool:
    """Whether an Excel number format shows values as percentages (``0.00%``)."""
    if not isinstance(number_format, str):
        return False
    out, quoted, escaped = [], False, False
    for char in number_format:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted:
            out.append(char)
    return "%" in "".join(out)


@dataclass(frozen=True, slots=True)
class _Damaged:
    """openpyxl failed while reading a sheet's rows: the workbook is damaged."""

    cause: Exception
    after_row: int


def _library_rows(ws: Any) -> list[_RawRow] | _Damaged:
    """Every row of a read-only worksheet, as plain values; only openpyxl runs here.

    The broad ``except`` wraps openpyxl's calls alone, so that a damaged file
    is reported as one and a bug in sakipcalc is not (its exceptions are
    raised elsewhere).
    """
    rows: list[_RawRow] = []
    try:
        ws.reset_dimensions()  # trust the cells, not the declared size
        for row in ws.iter_rows():
            rows.append(
                [
                    (
                        cell.value,
                        getattr(cell, "number_format", None),
                        getattr(cell, "data_type", None),
                    )
                    for cell in row
                ]
            )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return _Damaged(exc, len(rows))
    return rows


def _openpyxl() -> ModuleType:
    try:
        return importlib.import_module("openpyxl")
    except ImportError as exc:
        raise ImportError(
            "reading .xlsx data files needs openpyxl; install it with: "
            "pip install 'sakipcalc[xlsx]'"
        ) from exc
