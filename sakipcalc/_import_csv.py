"""CSV data files read into a :class:`~sakipcalc._import_tables.Table`.

UTF-8 with or without Excel's byte-order mark; ``,`` or ``;`` as the
delimiter, chosen from the header line alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ._import_tables import ALIASES, Cell, ImportIssues, Table, size_ok
from ._source import byte_position
from .errors import Location

__all__ = ["read_csv"]


def read_csv(
    path: Path, display: str, issues: ImportIssues, *, max_bytes: int, max_rows: int
) -> Table | None:
    """The file's non-blank rows, or None when it cannot be read (issues say why)."""
    raw = _read_bytes(path, display, issues, max_bytes)
    if raw is None:
        return None
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(body, exc.start)
        issues.error(
            "not-utf8",
            f"byte 0x{body[exc.start]:02x} is not valid UTF-8",
            Location(display, line, column),
            hint="save the file as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')",
        )
        return None
    first_line = text.split("\n", 1)[0].rstrip("\r")
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Cell]] = []
    index = 0
    try:
        for index, record in enumerate(reader, 1):
            if index > max_rows:
                issues.error(
                    "file-too-large",
                    f"more than {max_rows} rows",
                    Location(display, index),
                    hint="split the data into several files",
                )
                return None
            cells = [Cell(value, index, column) for column, value in enumerate(record, 1)]
            if not all(cell.blank for cell in cells):
                rows.append(cells)
    except csv.Error as exc:
        issues.error(
            "import-row",
            f"CSV syntax error: {exc}",
            Location(display, reader.line_num or index + 1),
            hint="check the quotes around this line",
        )
        return None
    return Table(display, rows)


def _read_bytes(path: Path, display: str, issues: ImportIssues, max_bytes: int) -> bytes | None:
    if not size_ok(path, display, issues, max_bytes):
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        issues.error("io-error", f"cannot read file: {exc.strerror}", Location(display))
        return None


def _sniff_delimiter(line: str) -> str:
    """``,`` or ``;``: the one that splits the header into more known column names."""
    best = ","
    best_score = (-1, -1)
    for delimiter in (",", ";"):
        fields = next(csv.reader([line], delimiter=delimiter), [])
        known = sum(f.strip().casefold() in ALIASES for f in fields)
        score = (known, line.count(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best
