"""Realisation data from CSV, XLSX and YAML files, in Indonesian or English formats.

:func:`load_data` reads data files, validates every value against a loaded
spec exactly as the spec's own ``data:`` is validated (unknown names with
"did you mean", categories, domains, grades), and returns a
:class:`~sakipcalc.DataSet` merged with the spec's data. Every problem found,
in every file, is collected and raised at once in a :class:`SpecError`.

The long layout
---------------

A CSV file, or a sheet of an XLSX workbook, is a table whose first non-blank
row is the header and whose other rows each give one value::

    name,category,period,value
    pmks_population,lansia_terlantar,2022,"13.880"
    pmks_population,fakir_miskin,2022,"50.410"
    data_terpadu,,2022,"97,27"
    nilai_akip,,2022,BB
    angka_kemiskinan,,2022,-

* ``name``: a variable or indicator id; ``category``: the category of a
  variable broken down by one (empty for everything else); ``period``: ``2022``
  or ``2022-Q3``; ``value``: the value.
* Header names are case-insensitive and may be Indonesian: ``nama`` or
  ``variabel``, ``kategori``, ``periode``, ``nilai``. Any other column is an
  error, and so is a missing one. Blank rows are skipped.
* A value is a number in the data locale's format (``75.695``, ``13,32``,
  ``13,32 %``, ``Rp 1.800.000,00`` in Indonesian), a grade label for grade
  variables and graded indicators, or ``-`` for a value that is explicitly
  missing (the evaluation then reports ``missing_data``; it is never 0). An
  empty value cell is an error: write ``-``.
* The locale is the ``locale`` argument, else the spec's ``spec: {locale: id}``,
  else none, and then a number that reads differently in the two locales
  (``1.234``, ``1,234``) is an error rather than a guess.
* A row repeating the (name, category, period) of an earlier row is an error
  naming both rows; so is a value given in two files, or in a file and in the
  spec.

CSV: UTF-8, with or without the byte-order mark Excel writes. The delimiter is
``,`` or ``;`` (Excel writes ``;`` where the decimal separator is a comma, as in
Indonesian), chosen from the header line alone. A number with a decimal comma
in a ``,``-delimited file must be quoted. Issues point at ``file:row:column``,
the row counted from 1 with the header, the column counted from 1.

XLSX (needs openpyxl: ``pip install 'sakipcalc[xlsx]'``): if the workbook has a
sheet named ``data`` or ``realisasi`` (any case), only those sheets are read,
and each must have the header; otherwise every sheet whose header row names at
least one known column is read, and other sheets (notes, covers) are skipped.
Issues point at ``book.xlsx[Sheet]:row:column`` and name the cell (``C7``).
Formulas are read through the values Excel stored for them.

* Text cells are read like CSV values, in the locale.
* Whole-number cells are exact.
* A fractional number cell is a binary double, not the decimal that was typed.
  It is accepted only if its shortest round-trip representation has at most 15
  significant digits: Excel keeps 15 significant digits of what is typed, and
  every decimal of at most 15 significant digits comes back unchanged from the
  double nearest to it, so that representation *is* what was typed (``97.27``
  stays exactly 97.27). A longer one (``0.30000000000000004``, the result of a
  formula such as ``=A1/B1*100``) was never typed; it is an error that asks for
  ``=ROUND(…)`` in the sheet or for the value as text. A float is never
  passed through silently.
* A number cell formatted as a percentage (``13,32%``, stored as 0.1332) is
  read as shown: 13.32.
* Booleans, dates and error values (``#DIV/0!``) are errors.

Limits, each refused early with its own message: a CSV or XLSX file of at
most :data:`MAX_DATA_BYTES` (20 MiB) and :data:`MAX_DATA_ROWS` (200,000) rows
per file or sheet. A workbook is checked before it is parsed
(:mod:`sakipcalc._xlsx_scan`): at most 200 MiB unpacked, 16 MiB for a part
other than a sheet or the shared strings, 2,000,000 cells in all (counting
the empty cells before the last one of each row), and 32,767 characters in a
cell or shared string (Excel's own limit). A number cell must hold a number
(not ``NaN``), and the message names the cell.

A space between two digits (``10 5``, ``1 800 000``) is an error naming the
cell, not a number with its spaces dropped: it is two numbers typed into one
cell, or thousands separated in a way neither locale uses.

YAML data files are read with the spec's strict loader: a file holding a
``data:`` section (and optionally ``sakipcalc: 1``) and nothing else. Their
numbers are plain decimals, as in a spec, whatever the locale.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import importlib
import io
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from ._args import require_locale, require_paths, require_spec
from ._data import DataSchema, declarations_of, parse_data, split_data
from ._exact import own_context
from ._files import display as display_path
from ._hints import suggest
from ._paths import special_kind
from ._source import Mark, PathKey, SourceDoc, format_path, read_yaml_file
from ._spec import DataSet, DataValue, Origin, Spec
from ._split_numbers import rejoin_split_numbers
from ._types import MAX_NUMBER_DIGITS, parse_period
from ._xlsx_scan import ScanProblem, scan_workbook
from .errors import Issue, IssueReport, Location, Severity, SpecError
from .i18n import MISSING, AmbiguousNumber, Locale, parse_number
from .models import Domain

__all__ = ["MAX_DATA_BYTES", "MAX_DATA_ROWS", "load_data"]

MAX_DATA_BYTES = 20 * 1024 * 1024  # per CSV or XLSX file
MAX_DATA_ROWS = 200_000  # per CSV file or sheet
MAX_FLOAT_DIGITS = 15  # significant digits Excel keeps of a typed number

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")

FIELDS = ("name", "category", "period", "value")
_ALIASES: dict[str, str] = {
    "name": "name",
    "nama": "name",
    "variabel": "name",
    "category": "category",
    "kategori": "category",
    "period": "period",
    "periode": "period",
    "value": "value",
    "nilai": "value",
}
_PREFERRED_SHEETS = frozenset({"data", "realisasi"})
_COLUMNS_HINT = "the columns are name, category, period, value (or nama, kategori, periode, nilai)"


# ------------------------------------------------------------------ public


@own_context  # cells are converted in sakipcalc's Decimal context, not the caller's
def load_data(spec: Spec, *paths: str | os.PathLike[str], locale: Locale | None = None) -> DataSet:
    """Read realisation data files and merge them with the spec's own data.

    ``paths`` are ``.csv``, ``.xlsx`` or ``.yaml``/``.yml`` files. Numbers in
    CSV and XLSX text are read in ``locale`` (``"id"`` or ``"en"``), else in the
    spec's declared ``locale``; with neither, a number whose meaning depends
    on the locale is an error. Raises :class:`SpecError` with every issue found.
    """
    require_spec(spec)
    require_paths(paths)
    locale = require_locale(locale)
    effective: Locale | None = locale if locale is not None else spec.info.locale
    importer = _Importer(spec, effective)
    for raw in paths:
        importer.read(Path(raw))
    data = importer.merge()
    report = IssueReport.of(importer.finished_issues())
    if report.has_errors:
        raise SpecError(report)
    return data


# ------------------------------------------------------------------ tables


@dataclass(frozen=True, slots=True)
class _Cell:
    """One cell as read: text from CSV; text, int, float, bool, date … from XLSX."""

    value: object
    row: int
    column: int
    percent: bool = False  # a number cell formatted as a percentage
    error: bool = False  # a spreadsheet error value such as #DIV/0!

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(slots=True)
class _Table:
    file: str  # "data.csv" or "book.xlsx[Sheet]"
    rows: list[list[_Cell]]  # non-blank rows only
    sheet: bool = False
    required: bool = True  # a header mismatch is an error (not a skipped sheet)


@dataclass(slots=True)
class _Source:
    """One file or sheet: its values, raw, with the places they were written."""

    doc: SourceDoc
    data: dict[str, dict[str, tuple[Any, Origin]]] = field(default_factory=dict)


def column_letters(column: int) -> str:
    """``3`` -> ``C``; ``28`` -> ``AB``."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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


# ------------------------------------------------------------------ importer


class _Importer:
    def __init__(self, spec: Spec, locale: Locale | None) -> None:
        self.spec = spec
        self.locale = locale
        self.issues: list[Issue] = []
        self.sources: list[_Source] = []
        self.sheet_files: set[str] = set()
        self.seen: dict[Path, str] = {}
        self.spec_files: set[Path] = set()
        for name in spec.files:
            try:
                self.spec_files.add(Path(name).resolve())
            except OSError:  # pragma: no cover - resolve() rarely fails
                continue

    # -------------------------------------------------------------- issues

    def error(
        self,
        code: str,
        message: str,
        location: Location,
        path: PathKey = (),
        hint: str | None = None,
    ) -> None:
        self.issues.append(Issue(Severity.ERROR, code, message, location, format_path(path), hint))

    def where(self, location: Location) -> str:
        """A location as text, naming the cell in a workbook."""
        text = str(location)
        if location.file in self.sheet_files and location.line and location.column:
            text += f" (cell {column_letters(location.column)}{location.line})"
        return text

    def finished_issues(self) -> list[Issue]:
        out = []
        for issue in self.issues:
            loc = issue.location
            if loc.file in self.sheet_files and loc.line and loc.column:
                ref = f"{column_letters(loc.column)}{loc.line}"
                issue = dataclasses.replace(issue, message=f"cell {ref}: {issue.message}")
            out.append(issue)
        return out

    # -------------------------------------------------------------- files

    def read(self, path: Path) -> None:
        display = display_path(path)
        if path.is_dir():
            self.error(
                "import-format",
                "is a directory; name the data files (.csv, .xlsx, .yaml) themselves",
                Location(display),
            )
            return
        if not path.is_file():
            kind = special_kind(path)
            if kind is not None:
                self.error(
                    "io-error",
                    f"is {kind}, not a file",
                    Location(display),
                    hint="give a regular file",
                )
            else:
                self.error("io-error", "no such file", Location(display))
            return
        resolved = path.resolve()
        if resolved in self.seen:
            self.error(
                "duplicate-data",
                f"this file is given twice (also as {self.seen[resolved]})",
                Location(display),
            )
            return
        self.seen[resolved] = display
        if resolved in self.spec_files:
            self.error(
                "duplicate-data",
                "this file is part of the spec already; its data is loaded with the spec",
                Location(display),
            )
            return
        suffix = path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            table = self._read_csv(path, display)
            if table is not None:
                self._read_table(table)
        elif suffix in XLSX_SUFFIXES:
            for table in self._read_xlsx(path, display):
                self._read_table(table)
        elif suffix in YAML_SUFFIXES:
            self._read_yaml(path, display)
        else:
            self.error(
                "import-format",
                f"cannot read '{path.suffix or path.name}' files",
                Location(display),
                hint="give .csv, .xlsx or .yaml files (save a .xls or .ods workbook as .xlsx)",
            )

    def _size_ok(self, path: Path, display: str) -> bool:
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.error("io-error", f"cannot read file: {exc.strerror}", Location(display))
            return False
        if size > MAX_DATA_BYTES:
            self.error(
                "file-too-large",
                f"file is {size} bytes; the limit for a data file is {MAX_DATA_BYTES} bytes",
                Location(display),
                hint="split the data into several files",
            )
            return False
        return True

    def _read_bytes(self, path: Path, display: str) -> bytes | None:
        if not self._size_ok(path, display):
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            self.error("io-error", f"cannot read file: {exc.strerror}", Location(display))
            return None

    def _read_csv(self, path: Path, display: str) -> _Table | None:
        raw = self._read_bytes(path, display)
        if raw is None:
            return None
        body = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = body.count(b"\n", 0, exc.start) + 1
            line_start = body.rfind(b"\n", 0, exc.start) + 1
            column = len(body[line_start : exc.start].decode("utf-8", errors="replace")) + 1
            self.error(
                "not-utf8",
                f"byte 0x{body[exc.start]:02x} is not valid UTF-8",
                Location(display, line, column),
                hint="save the file as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')",
            )
            return None
        first_line = text.split("\n", 1)[0].rstrip("\r")
        delimiter = _sniff_delimiter(first_line)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows: list[list[_Cell]] = []
        index = 0
        try:
            for index, record in enumerate(reader, 1):
                if index > MAX_DATA_ROWS:
                    self.error(
                        "file-too-large",
                        f"more than {MAX_DATA_ROWS} rows",
                        Location(display, index),
                        hint="split the data into several files",
                    )
                    return None
                cells = [_Cell(value, index, column) for column, value in enumerate(record, 1)]
                if not all(cell.blank for cell in cells):
                    rows.append(cells)
        except csv.Error as exc:
            self.error(
                "import-row",
                f"CSV syntax error: {exc}",
                Location(display, reader.line_num or index + 1),
                hint="check the quotes around this line",
            )
            return None
        return _Table(display, rows)

    def _read_xlsx(self, path: Path, display: str) -> list[_Table]:
        openpyxl = _openpyxl()
        if not self._size_ok(path, display):
            return []
        problem = scan_workbook(str(path), max_rows=MAX_DATA_ROWS)
        if problem is not None:
            self._scan_problem(problem, display)
            return []
        tables: list[_Table] = []
        try:
            with warnings.catch_warnings():
                # openpyxl warns about styles and extensions it ignores; none affect values.
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            sheets = [(ws.title, ws) for ws in book.worksheets]
        except Exception as exc:  # only openpyxl ran: it raises many kinds for a damaged file
            self._damaged(display, exc)
            return []
        try:
            preferred = [(t, ws) for t, ws in sheets if t.strip().casefold() in _PREFERRED_SHEETS]
            for title, ws in preferred or sheets:
                file = f"{display}[{title}]"
                raw = _library_rows(ws)
                if isinstance(raw, _Damaged):
                    self._damaged(f"{display}[{title}]", raw.cause, after_row=raw.after_row)
                    return []
                rows = self._sheet_rows(raw, file)
                if rows is None:
                    return []  # too large: said so, and no "no header row" on top
                tables.append(_Table(file, rows, sheet=True, required=bool(preferred)))
        finally:
            book.close()
        for table in tables:
            self.sheet_files.add(table.file)
        readable = [t for t in tables if t.required or _recognised(t.rows[0] if t.rows else [])]
        if not readable:
            self.error(
                "import-header",
                "no sheet of this workbook has a header row naming the columns "
                "name, category, period, value",
                Location(display),
                hint="put the header in the first row of a sheet, or name the sheet 'data'",
            )
        return readable

    def _scan_problem(self, problem: ScanProblem, display: str) -> None:
        if problem.sheet is None:
            self.error(problem.code, problem.message, Location(display), hint=problem.hint)
            return
        file = f"{display}[{problem.sheet}]"
        self.sheet_files.add(file)
        self.error(
            problem.code,
            problem.message,
            Location(file, problem.row, problem.column),
            hint=problem.hint,
        )

    def _damaged(self, where: str, exc: BaseException, *, after_row: int | None = None) -> None:
        reason = str(exc) or type(exc).__name__
        at = f" after row {after_row}" if after_row is not None else ""
        self.error(
            "io-error",
            f"cannot read the workbook{at}: {reason}",
            Location(where),
            hint="open it in Excel or LibreOffice and save it again as .xlsx",
        )

    def _sheet_rows(self, raw: list[_RawRow], file: str) -> list[list[_Cell]] | None:
        rows: list[list[_Cell]] = []
        for row_number, row in enumerate(raw, 1):
            if row_number > MAX_DATA_ROWS:  # the scan refuses these first; kept as a backstop
                self.sheet_files.add(file)
                self.error(
                    "file-too-large",
                    f"more than {MAX_DATA_ROWS:,} rows",
                    Location(file, row_number),
                    hint="split the data into several sheets or files",
                )
                return None
            cells = []
            for column, (value, number_format, data_type) in enumerate(row, 1):
                numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
                cells.append(
                    _Cell(
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

    def _read_yaml(self, path: Path, display: str) -> None:
        doc, issues = read_yaml_file(path, display)
        self.issues.extend(issues)
        if doc is None:
            return
        self.issues.extend(rejoin_split_numbers(doc))
        top = doc.data
        if not isinstance(top, dict) or "data" not in top:
            self.error(
                "import-format",
                "a YAML data file needs a 'data:' section",
                doc.locate(()),
                hint="write data: {'2022': {name: value, ...}}",
            )
            return
        for key, value in top.items():
            if key == "sakipcalc":
                if value != "1":
                    self.error(
                        "unsupported-version",
                        f"spec format version {value!r} is not supported; this sakipcalc reads "
                        f"version 1",
                        doc.locate((key,)),
                        (key,),
                    )
            elif key != "data":
                self.error(
                    "unknown-key",
                    f"a data file holds only 'data:'; '{key}' belongs in the spec",
                    doc.locate((key,), prefer_key=True),
                    (key,),
                )
        if top["data"] is None:
            return
        source = _Source(doc)
        source.data, issues = split_data(top["data"], doc)
        self.issues.extend(issues)
        self.sources.append(source)

    # -------------------------------------------------------------- rows

    def _read_table(self, table: _Table) -> None:
        if not table.rows:
            self.error(
                "import-header",
                "no header row: the file is empty",
                Location(table.file),
                hint=_COLUMNS_HINT,
            )
            return
        header = table.rows[0]
        columns = self._header(table, header)
        if columns is None:
            return
        width = max((c.column for c in header if not c.blank), default=0)
        doc = SourceDoc(table.file, None)
        source = _Source(doc)
        seen: dict[tuple[str, str, str | None], Location] = {}
        for cells in table.rows[1:]:
            self._read_row(table, cells, columns, width, doc, source, seen)
        self.sources.append(source)

    def _header(self, table: _Table, header: list[_Cell]) -> dict[str, int] | None:
        """Field name -> column number, or None (with issues) when the header is wrong."""
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        last = max((c.column for c in header if not c.blank), default=0)
        ok = True
        row = header[0].row
        for cell in header:
            if cell.column > last:
                break
            where = Location(table.file, row, cell.column)
            text = _plain_text(cell.value).strip()
            if not text:
                self.error(
                    "import-header",
                    f"column {cell.column} has no header",
                    where,
                    hint=_COLUMNS_HINT,
                )
                ok = False
                continue
            field_name = _ALIASES.get(text.casefold())
            if field_name is None:
                self.error(
                    "import-header",
                    f"unknown column '{text}'",
                    where,
                    hint=suggest(text.casefold(), _ALIASES) or _COLUMNS_HINT,
                )
                ok = False
            elif field_name in columns:
                self.error(
                    "import-header",
                    f"columns '{names[field_name]}' and '{text}' both give the {field_name}",
                    where,
                )
                ok = False
            else:
                columns[field_name] = cell.column
                names[field_name] = text
        missing = [f for f in FIELDS if f not in columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            self.error(
                "import-header",
                f"missing column{plural} {', '.join(repr(m) for m in missing)}",
                Location(table.file, row, 1),
                hint=_COLUMNS_HINT,
            )
            ok = False
        return columns if ok else None

    def _read_row(
        self,
        table: _Table,
        cells: list[_Cell],
        columns: Mapping[str, int],
        width: int,
        doc: SourceDoc,
        source: _Source,
        seen: dict[tuple[str, str, str | None], Location],
    ) -> None:
        row = cells[0].row
        by_column = {c.column: c for c in cells}

        def cell_of(name: str) -> _Cell:
            column = columns[name]
            return by_column.get(column) or _Cell(None, row, column)

        def at(cell: _Cell) -> Location:
            return Location(table.file, cell.row, cell.column)

        extra = [c for c in cells if c.column > width and not c.blank]
        if extra:
            self.error(
                "import-row",
                f"row {row} has a value in column {extra[0].column}, which has no header",
                at(extra[0]),
                hint="a value with a decimal comma must be quoted in a comma-separated file "
                "(\"13,32\"), or use ';' as the delimiter"
                if not table.sheet
                else None,
            )
            return
        ok = True
        name_cell, category_cell = cell_of("name"), cell_of("category")
        period_cell, value_cell = cell_of("period"), cell_of("value")
        name = _plain_text(name_cell.value).strip()
        if name_cell.blank:
            self.error(
                "import-value", "empty name", at(name_cell), hint="give a variable or indicator id"
            )
            ok = False
        category = _plain_text(category_cell.value).strip() or None
        period = self._period(period_cell, at(period_cell))
        ok = ok and period is not None
        if value_cell.blank:
            self.error(
                "import-value",
                "empty value",
                at(value_cell),
                hint="write - for a value that is missing; an empty cell is neither 0 nor missing"
                + (
                    "; a formula cell is empty until Excel or LibreOffice has calculated and saved it"
                    if table.sheet
                    else ""
                ),
            )
            ok = False
        for cell in (name_cell, category_cell):
            if cell.error or (not cell.blank and not isinstance(cell.value, str)):
                self.error(
                    "import-value",
                    f"expected text, got {_describe_cell(cell)}",
                    at(cell),
                )
                ok = False
        if not ok or period is None:
            return
        key = (period, name, category)
        if key in seen:
            what = f"'{name}'" + (f" category '{category}'" if category else "")
            self.error(
                "duplicate-data",
                f"{what} in period {period} is already given in row {seen[key].line} "
                f"({self.where(seen[key])})",
                at(name_cell),
                ("data", period, name, *((category,) if category else ())),
                hint="keep one row for each name, category and period",
            )
            return
        seen[key] = at(name_cell)

        variable = self.spec.variables.get(name)
        indicator = self.spec.indicators.get(name)
        breakdown = variable.breakdown if variable is not None else None
        if breakdown is not None and category is None:
            known = self.spec.variable_categories(name)
            self.error(
                "expected-breakdown",
                f"'{name}' is broken down by '{breakdown}'; give the category",
                at(category_cell),
                ("data", period, name),
                hint=f"categories: {', '.join(known[:6])}{', …' if len(known) > 6 else ''}",
            )
            return
        if breakdown is None and category is not None and (variable or indicator) is not None:
            self.error(
                "expected-number",
                f"'{name}' has no categories; leave the category empty",
                at(category_cell),
                ("data", period, name),
            )
            return
        if variable is not None and variable.domain is Domain.GRADE:
            kind = "grade"
        elif indicator is not None and indicator.scale is not None:
            kind = "number_or_grade"
        elif variable is None and indicator is None:
            kind = "unknown"  # reported once per name and period by the loader
        else:
            kind = "number"
        ok, value = self._value(
            value_cell,
            kind,
            at(value_cell),
            ("data", period, name, *((category,) if category else ())),
        )
        if not ok:
            return

        path: PathKey = ("data", period, name)
        bucket = source.data.setdefault(period, {})
        name_mark = Mark(name_cell.row, name_cell.column)
        value_mark = Mark(value_cell.row, value_cell.column)
        if category is None:
            if name in bucket:  # an unknown name given with and without categories
                return
            doc.marks[path] = value_mark
            doc.key_marks[path] = name_mark
            bucket[name] = (value, Origin(doc, path))
            return
        if name not in bucket:
            doc.marks[path] = name_mark
            doc.key_marks[path] = name_mark
            bucket[name] = ({}, Origin(doc, path))
        cells_of = bucket[name][0]
        if not isinstance(cells_of, dict):
            return  # an unknown name given with and without categories
        cells_of[category] = value
        doc.marks[(*path, category)] = value_mark
        doc.key_marks[(*path, category)] = Mark(category_cell.row, category_cell.column)

    def _period(self, cell: _Cell, where: Location) -> str | None:
        value = cell.value
        if cell.blank:
            self.error("import-value", "empty period", where, hint="write 2022 or 2022-Q3")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or cell.error:
            self.error(
                "invalid-period",
                f"expected a period such as 2022 or 2022-Q3, got {_describe_cell(cell)}",
                where,
            )
            return None
        try:
            return parse_period(value.strip())
        except ValueError as exc:
            self.error("invalid-period", str(exc), where)
            return None

    def _value(self, cell: _Cell, kind: str, where: Location, path: PathKey) -> tuple[bool, Any]:
        """(ok, raw value for the loader): Decimal, grade text, or None for ``-``."""
        value = cell.value
        if kind == "unknown":
            return True, None  # the loader reports the name; its value does not matter
        if cell.error:
            self.error(
                "import-value",
                f"the cell holds the spreadsheet error {value}",
                where,
                path,
                hint="fix the formula, or write - for a value that is missing",
            )
            return False, None
        if isinstance(value, (bool, datetime.date, datetime.time, datetime.timedelta)):
            self.error(
                "import-value",
                f"expected a number, got {_describe_cell(cell)}",
                where,
                path,
                hint="format the cell as a number or as text",
            )
            return False, None
        if isinstance(value, (int, float)):
            number = self._cell_number(cell, where, path)
            if number is None:
                return False, None
            return True, (str(number) if kind == "grade" else number)
        text = _plain_text(value).strip()
        if kind == "grade":
            return True, (None if text in _DASHES else text)
        if _TWO_NUMBERS.search(text):
            # parse_number drops spaces (``Rp 1 800``), which would read 10 5 as 105.
            self.error(
                "invalid-number",
                f"{text!r} holds two numbers separated by a space; a cell holds one number",
                where,
                path,
                hint="write one number per cell; a space never separates thousands "
                "(write 1.800.000 in locale id, 1,800,000 in locale en, or 1800000)",
            )
            return False, None
        try:
            parsed = parse_number(text, self.locale)
        except AmbiguousNumber as exc:
            self.error(
                "ambiguous-number",
                str(exc),
                where,
                path,
                hint="pass the locale (locale='id', or --locale id) or declare "
                "'locale: id' in the spec section",
            )
            return False, None
        except ValueError as exc:
            if kind == "number_or_grade":
                return True, text  # a grade label; the loader checks it against the scale
            self.error("invalid-number", str(exc), where, path, hint=_number_hint(self.locale))
            return False, None
        if parsed is MISSING:
            return True, None
        assert isinstance(parsed, Decimal)
        if not self._digits_ok(parsed, where, path):
            return False, None
        return True, parsed

    def _cell_number(self, cell: _Cell, where: Location, path: PathKey) -> Decimal | None:
        value = cell.value
        if isinstance(value, int):
            number = Decimal(value)
        else:
            assert isinstance(value, float)
            if not math.isfinite(value):
                self.error("invalid-number", f"{value!r} is not a number", where, path)
                return None
            text = repr(value)  # the shortest text that reads back as this double
            number = Decimal(text)
            digits = len(number.normalize().as_tuple().digits)
            if digits > MAX_FLOAT_DIGITS:
                self.error(
                    "import-value",
                    f"the cell holds the binary floating-point number {text}, with {digits} significant "
                    f"digits; a typed number has at most {MAX_FLOAT_DIGITS}, so this one was "
                    f"computed and is not exact",
                    where,
                    path,
                    hint="round it in the sheet (=ROUND(…; 2)) or type the value as text",
                )
                return None
        if cell.percent:
            sign, digits_, exponent = number.as_tuple()
            assert isinstance(exponent, int)
            number = Decimal((sign, digits_, exponent + 2))  # 0.1332 shown as 13.32%
        if not self._digits_ok(number, where, path):
            return None
        if number == number.to_integral_value():
            number = Decimal(int(number))
        return number

    def _digits_ok(self, number: Decimal, where: Location, path: PathKey) -> bool:
        if (
            len(number.as_tuple().digits) > MAX_NUMBER_DIGITS
            or abs(number.adjusted()) > MAX_NUMBER_DIGITS
        ):
            self.error(
                "invalid-number",
                f"number {number} has more than {MAX_NUMBER_DIGITS} digits",
                where,
                path,
            )
            return False
        return True

    # -------------------------------------------------------------- merge

    def merge(self) -> DataSet:
        """Validate each source as spec data is validated, then merge cell by cell.

        A cell is a scalar value or one category of a broken-down variable, so
        two files may give different categories of one variable; a cell given
        twice is an error naming both places.
        """
        spec = self.spec
        parts: list[tuple[DataSet, bool]] = [(spec.data, True)]
        for source in self.sources:
            parsed, issues = parse_data(source.data, DataSchema.of_spec(spec))
            self.issues.extend(issues)
            parts.append((parsed, False))
        values: dict[str, dict[str, DataValue]] = {}
        origins: dict[tuple[str, str], Origin] = {}
        # (period, name) -> category (None: the whole value) -> where, and whether in the spec
        given: dict[tuple[str, str], dict[str | None, tuple[Location, bool]]] = {}
        for data, from_spec in parts:
            for period, bucket in data.values.items():
                merged = values.setdefault(period, {})
                for name, value in bucket.items():
                    origin = data.origins.get((period, name))
                    places = given.setdefault((period, name), {})
                    cells: list[str | None] = list(value) if isinstance(value, Mapping) else [None]
                    fresh: list[str | None] = []
                    for category in cells:
                        here = _cell_location(origin, category)
                        before = _given_before(places, category)
                        if before is None:
                            fresh.append(category)
                            continue
                        what = f"'{name}'" + (f" category '{category}'" if category else "")
                        self.error(
                            "duplicate-data",
                            f"{what} in period {period} is already given "
                            f"{'in the spec ' if before[1] else ''}at {self.where(before[0])}",
                            here,
                            ("data", period, name, *((category,) if category else ())),
                            hint="give each value in one place only",
                        )
                    for category in fresh:
                        places[category] = (_cell_location(origin, category), from_spec)
                    if name not in merged:
                        merged[name] = value
                        if origin is not None:
                            origins[(period, name)] = origin
                        continue
                    earlier = merged[name]
                    if isinstance(value, Mapping) and isinstance(earlier, Mapping):
                        combined = dict(earlier)
                        combined.update({c: value[c] for c in fresh if c is not None})
                        merged[name] = MappingProxyType(combined)
        return DataSet(
            MappingProxyType({p: MappingProxyType(b) for p, b in values.items()}),
            MappingProxyType(origins),
            # every value was checked against this spec: evaluate need not check again
            checked_against=declarations_of(spec),
        )


def _given_before(
    places: Mapping[str | None, tuple[Location, bool]], category: str | None
) -> tuple[Location, bool] | None:
    """Where this cell, or the whole value it belongs to, was given before."""
    if category in places:
        return places[category]
    if category is not None:
        return places.get(None)  # the whole breakdown was given (as missing)
    return next(iter(places.values()), None)  # some categories were given


# ------------------------------------------------------------------ helpers


_DASHES = frozenset({"-", "–", "—"})
# A digit, spaces (a no-break space too), a digit: two numbers typed into one cell.
_TWO_NUMBERS = re.compile(r"[0-9][\s\u00a0]+[0-9]")


# (value, number format, data type) of one cell, as openpyxl read it.
_RawRow = list[tuple[object, object, object]]


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


def _sniff_delimiter(line: str) -> str:
    """``,`` or ``;``: the one that splits the header into more known column names."""
    best = ","
    best_score = (-1, -1)
    for delimiter in (",", ";"):
        fields = next(csv.reader([line], delimiter=delimiter), [])
        known = sum(f.strip().casefold() in _ALIASES for f in fields)
        score = (known, line.count(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _recognised(header: Sequence[_Cell]) -> bool:
    return any(_plain_text(c.value).strip().casefold() in _ALIASES for c in header)


def _plain_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _describe_cell(cell: _Cell) -> str:
    value = cell.value
    if cell.error:
        return f"the spreadsheet error {value}"
    if isinstance(value, bool):
        return f"the logical value {'TRUE' if value else 'FALSE'}"
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return f"a date or time ({value})"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return repr(value)


def _number_hint(locale: Locale | None) -> str:
    if locale == "id":
        return "in locale id, '.' separates thousands and ',' decimals: 75.695 or 13,32"
    if locale == "en":
        return "in locale en, ',' separates thousands and '.' decimals: 75,695 or 13.32"
    return "write a number such as 75695 or 13,32, or - for a value that is missing"


def _cell_location(origin: Origin | None, category: str | None) -> Location:
    if origin is None:  # pragma: no cover - every parsed value has its origin
        return Location("<data>")
    if category is None:
        return origin.location(prefer_key=True)
    return origin.location(category, prefer_key=True)
