"""Realisation data from CSV, XLSX and YAML files, in Indonesian or English formats.

:func:`load_data` reads data files, validates every value against a loaded
spec exactly as the spec's own ``data:`` is validated (unknown names with
"did you mean", categories, domains, grades), and returns a
:class:`~sakipcalc.DataSet` merged with the spec's data. Every problem found,
in every file, is collected and raised at once in a :class:`SpecError`.

This module reads the files given; the work is done by :mod:`._import_csv`
and :mod:`._import_xlsx` (files to tables), :mod:`._import_rows` and
:mod:`._import_values` (tables to values) and :mod:`._import_merge`.

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

import os
from pathlib import Path

from ._args import require_locale, require_paths, require_spec
from ._data import split_data
from ._exact import own_context
from ._files import display as display_path
from ._import_csv import read_csv
from ._import_merge import merge_data
from ._import_rows import TableReader
from ._import_tables import ImportIssues, RawSource, Table
from ._import_xlsx import read_xlsx
from ._paths import special_kind
from ._source import read_yaml_file
from ._spec import DataSet, Spec
from ._split_numbers import rejoin_split_numbers
from .errors import IssueReport, Location, SpecError
from .i18n import Locale

__all__ = ["MAX_DATA_BYTES", "MAX_DATA_ROWS", "load_data"]

# Read when each file is read, so that a test may lower them.
MAX_DATA_BYTES = 20 * 1024 * 1024  # per CSV or XLSX file
MAX_DATA_ROWS = 200_000  # per CSV file or sheet

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")


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
    data = merge_data(spec, importer.sources, importer.issues)
    report = IssueReport.of(importer.issues.finished())
    if report.has_errors:
        raise SpecError(report)
    return data


# ------------------------------------------------------------------ importer


class _Importer:
    """Reads each data file given into raw sources, collecting the issues of all."""

    def __init__(self, spec: Spec, locale: Locale | None) -> None:
        self.issues = ImportIssues()
        self.tables = TableReader(spec, locale, self.issues)
        self.sources: list[RawSource] = []
        self.seen: dict[Path, str] = {}
        self.spec_files: set[Path] = set()
        for name in spec.files:
            try:
                self.spec_files.add(Path(name).resolve())
            except OSError:  # pragma: no cover - resolve() rarely fails
                continue

    def read(self, path: Path) -> None:
        display = display_path(path)
        if path.is_dir():
            self.issues.error(
                "import-format",
                "is a directory; name the data files (.csv, .xlsx, .yaml) themselves",
                Location(display),
            )
            return
        if not path.is_file():
            kind = special_kind(path)
            if kind is not None:
                self.issues.error(
                    "io-error",
                    f"is {kind}, not a file",
                    Location(display),
                    hint="give a regular file",
                )
            else:
                self.issues.error("io-error", "no such file", Location(display))
            return
        resolved = path.resolve()
        if resolved in self.seen:
            self.issues.error(
                "duplicate-data",
                f"this file is given twice (also as {self.seen[resolved]})",
                Location(display),
            )
            return
        self.seen[resolved] = display
        if resolved in self.spec_files:
            self.issues.error(
                "duplicate-data",
                "this file is part of the spec already; its data is loaded with the spec",
                Location(display),
            )
            return
        suffix = path.suffix.lower()
        if suffix in CSV_SUFFIXES:
            table = read_csv(
                path, display, self.issues, max_bytes=MAX_DATA_BYTES, max_rows=MAX_DATA_ROWS
            )
            if table is not None:
                self._read_table(table)
        elif suffix in XLSX_SUFFIXES:
            tables = read_xlsx(
                path, display, self.issues, max_bytes=MAX_DATA_BYTES, max_rows=MAX_DATA_ROWS
            )
            for table in tables:
                self._read_table(table)
        elif suffix in YAML_SUFFIXES:
            self._read_yaml(path, display)
        else:
            self.issues.error(
                "import-format",
                f"cannot read '{path.suffix or path.name}' files",
                Location(display),
                hint="give .csv, .xlsx or .yaml files (save a .xls or .ods workbook as .xlsx)",
            )

    def _read_table(self, table: Table) -> None:
        source = self.tables.read(table)
        if source is not None:
            self.sources.append(source)

    def _read_yaml(self, path: Path, display: str) -> None:
        doc, issues = read_yaml_file(path, display)
        self.issues.extend(issues)
        if doc is None:
            return
        self.issues.extend(rejoin_split_numbers(doc))
        top = doc.data
        if not isinstance(top, dict) or "data" not in top:
            self.issues.error(
                "import-format",
                "a YAML data file needs a 'data:' section",
                doc.locate(()),
                hint="write data: {'2022': {name: value, ...}}",
            )
            return
        for key, value in top.items():
            if key == "sakipcalc":
                if value != "1":
                    self.issues.error(
                        "unsupported-version",
                        f"spec format version {value!r} is not supported; this sakipcalc reads "
                        f"version 1",
                        doc.locate((key,)),
                        (key,),
                    )
            elif key != "data":
                self.issues.error(
                    "unknown-key",
                    f"a data file holds only 'data:'; '{key}' belongs in the spec",
                    doc.locate((key,), prefer_key=True),
                    (key,),
                )
        if top["data"] is None:
            return
        source = RawSource(doc)
        source.data, issues = split_data(top["data"], doc)
        self.issues.extend(issues)
        self.sources.append(source)
