"""The tables the CSV and XLSX data readers produce, and the issues an import collects.

A CSV file or a workbook sheet is read into a :class:`Table` of :class:`Cell`
values; :mod:`sakipcalc._import_rows` turns a table into raw data values. The
readers, the row reader and the merge all report through one
:class:`ImportIssues`, which names a workbook cell (``C7``) in its messages.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._source import PathKey, SourceDoc, format_path
from ._spec import Origin
from .errors import Issue, Location, Severity

FIELDS = ("name", "category", "period", "value")
ALIASES: dict[str, str] = {
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
COLUMNS_HINT = "the columns are name, category, period, value (or nama, kategori, periode, nilai)"


@dataclass(frozen=True, slots=True)
class Cell:
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
class Table:
    file: str  # "data.csv" or "book.xlsx[Sheet]"
    rows: list[list[Cell]]  # non-blank rows only
    sheet: bool = False
    required: bool = True  # a header mismatch is an error (not a skipped sheet)


@dataclass(slots=True)
class RawSource:
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


class ImportIssues:
    """Every issue of one import, and which files are workbook sheets (to name cells)."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.sheet_files: set[str] = set()

    def error(
        self,
        code: str,
        message: str,
        location: Location,
        path: PathKey = (),
        hint: str | None = None,
    ) -> None:
        self.issues.append(Issue(Severity.ERROR, code, message, location, format_path(path), hint))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def where(self, location: Location) -> str:
        """A location as text, naming the cell in a workbook."""
        text = str(location)
        if location.file in self.sheet_files and location.line and location.column:
            text += f" (cell {column_letters(location.column)}{location.line})"
        return text

    def finished(self) -> list[Issue]:
        out = []
        for issue in self.issues:
            loc = issue.location
            if loc.file in self.sheet_files and loc.line and loc.column:
                ref = f"{column_letters(loc.column)}{loc.line}"
                issue = dataclasses.replace(issue, message=f"cell {ref}: {issue.message}")
            out.append(issue)
        return out


def size_ok(path: Path, display: str, issues: ImportIssues, max_bytes: int) -> bool:
    """Whether a CSV or XLSX file is small enough to read (an issue says why not)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        issues.error("io-error", f"cannot read file: {exc.strerror}", Location(display))
        return False
    if size > max_bytes:
        issues.error(
            "file-too-large",
            f"file is {size} bytes; the limit for a data file is {max_bytes} bytes",
            Location(display),
            hint="split the data into several files",
        )
        return False
    return True


def recognised(header: Sequence[Cell]) -> bool:
    """Whether a row names at least one known column."""
    return any(plain_text(c.value).strip().casefold() in ALIASES for c in header)


def plain_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def describe_cell(cell: Cell) -> str:
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
