"""A workbook's size, checked before openpyxl parses it: zip bombs are refused early.

An XLSX file is a ZIP of XML parts. A 1 MB file can unpack to gigabytes (one
row of twenty million cells, 2 GB of whitespace, a 1 GB shared string), and
openpyxl builds a whole row, and every shared string, in memory. So before
openpyxl sees a workbook, :func:`scan_workbook`:

1. reads the ZIP's directory and refuses a workbook whose parts unpack to more
   than :data:`MAX_XLSX_UNPACKED_BYTES` in total, or any part other than a
   worksheet or the shared strings to more than :data:`MAX_XLSX_PART_BYTES`
   (the sizes in the directory bound what Python's zipfile will unpack);
2. streams every worksheet through expat, counting rows and cells the way
   openpyxl will yield them (a row is padded with empty cells up to its last
   one), and refuses more than ``max_rows`` rows or :data:`MAX_XLSX_CELLS`
   cells, at the row where the limit is passed;
3. streams the shared strings, refusing more than :data:`MAX_XLSX_CELLS` of
   them or one longer than :data:`MAX_CELL_TEXT` characters;
4. checks that every number cell holds a number, every boolean 0 or 1, every
   shared-string reference an existing string, so that a ``NaN`` cell is
   reported with its cell rather than as openpyxl's ``invalid literal for
   int()``.

Document type declarations (and so entity expansion) are refused outright:
no spreadsheet program writes them. Memory stays bounded by the chunk size
and the longest text allowed, whatever the file holds.
"""

from __future__ import annotations

import abc
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

__all__ = [
    "MAX_CELL_TEXT",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_PART_BYTES",
    "MAX_XLSX_UNPACKED_BYTES",
    "ScanProblem",
    "scan_workbook",
]

#: All parts of a workbook, unpacked. 200,000 rows of four cells take about 40 MB.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Each part that is neither a worksheet nor the shared strings (styles, workbook, themes).
MAX_XLSX_PART_BYTES = 16 * 1024 * 1024
#: Cells of all worksheets, counted as openpyxl yields them; also the most shared strings.
MAX_XLSX_CELLS = 2_000_000
#: Characters in one cell: Excel's own limit.
MAX_CELL_TEXT = 32_767

_CHUNK = 1 << 16
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_COORDINATE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_ZIP_FAILURES = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile cannot unpack
    RuntimeError,  # an encrypted part
)


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """Why a workbook is refused; ``sheet``, ``row`` and ``column`` when a cell is to blame."""

    code: str
    message: str
    hint: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None


class _Refused(Exception):
    def __init__(self, problem: ScanProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def scan_workbook(path: str, *, max_rows: int) -> ScanProblem | None:
    """The first reason to refuse the workbook at ``path``, or None when it is safe to parse."""
    try:
        with zipfile.ZipFile(path) as archive:
            _scan(archive, max_rows)
    except _Refused as refused:
        return refused.problem
    except _ZIP_FAILURES as exc:
        return ScanProblem(
            "io-error",
            f"cannot read the workbook: {_reason(exc)}",
            "open it in Excel or LibreOffice and save it again as .xlsx",
        )
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _scan(archive: zipfile.ZipFile, max_rows: int) -> None:
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise _Refused(
            ScanProblem(
                "file-too-large",
                f"the workbook unpacks to {total:,} bytes; the limit is "
                f"{MAX_XLSX_UNPACKED_BYTES:,}",
                "split the data into several files",
            )
        )
    sheets = _sheet_names(archive)
    strings: int | None = None
    for info in members:
        name = info.filename
        is_sheet = _is_sheet(name, sheets)
        is_strings = name.lower().endswith("sharedstrings.xml")
        if not is_sheet and not is_strings and info.file_size > MAX_XLSX_PART_BYTES:
            raise _Refused(
                ScanProblem(
                    "file-too-large",
                    f"part {name} of the workbook unpacks to {info.file_size:,} bytes; "
                    f"the limit for a part other than a sheet is {MAX_XLSX_PART_BYTES:,}",
                    "open it in Excel or LibreOffice and save it again as .xlsx",
                )
            )
        if is_strings:
            strings = _SharedStrings(name).run(archive)
    budget = _Budget(MAX_XLSX_CELLS)
    for info in members:
        name = info.filename
        if _is_sheet(name, sheets):
            _Sheet(sheets.get(name, name), max_rows, budget, strings).run(archive, name)


def _is_sheet(name: str, sheets: dict[str, str]) -> bool:
    return name in sheets or (name.startswith("xl/worksheets/") and name.endswith(".xml"))


# ------------------------------------------------------------------ streaming


class _Stream(abc.ABC):
    """An expat parse of one ZIP part, fed in chunks; subclasses handle elements."""

    part = ""

    def parse(self, archive: zipfile.ZipFile, name: str) -> None:
        self.part = name
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self._start_element
        parser.EndElementHandler = self._end_element
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = self._doctype
        self.parser = parser
        try:
            with archive.open(name) as handle:
                self._feed(parser, handle)
        except expat.ExpatError as exc:
            raise _Refused(_not_xml(name, str(exc))) from None

    @staticmethod
    def _feed(parser: expat.XMLParserType, handle: IO[bytes]) -> None:
        while chunk := handle.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def _doctype(self, *args: object) -> None:
        raise _Refused(_doctype_problem(self.part))

    def _start_element(self, name: str, attributes: dict[str, str]) -> None:
        self.start(name.rpartition(" ")[2], attributes)

    def _end_element(self, name: str) -> None:
        self.end(name.rpartition(" ")[2])

    @abc.abstractmethod
    def start(self, tag: str, attributes: dict[str, str]) -> None: ...

    @abc.abstractmethod
    def end(self, tag: str) -> None: ...

    @abc.abstractmethod
    def text(self, data: str) -> None: ...


def _local_attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {key.rpartition(" ")[2]: value for key, value in attributes.items()}


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> sheet title (``xl/worksheets/sheet1.xml`` -> ``Realisasi``)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        size = archive.getinfo(part).file_size
        if size > MAX_XLSX_PART_BYTES:
            return {}  # refused by the size check that follows
    book = _Collect({"sheet"})
    book.parse(archive, "xl/workbook.xml")
    rels = _Collect({"Relationship"})
    rels.parse(archive, "xl/_rels/workbook.xml.rels")
    targets = {}
    for rel in rels.found:
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = target
    return {
        targets[sheet["id"]]: sheet.get("name", "")
        for sheet in book.found
        if sheet.get("id") in targets
    }


class _Collect(_Stream):
    """The attributes of every element with one of the given local names."""

    def __init__(self, tags: set[str]) -> None:
        self.tags = tags
        self.found: list[dict[str, str]] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in self.tags:
            self.found.append(_local_attributes(attributes))

    def end(self, tag: str) -> None:
        return None

    def text(self, data: str) -> None:
        return None


class _SharedStrings(_Stream):
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.length = 0
        self.inside_text = False

    def run(self, archive: zipfile.ZipFile) -> int:
        self.parse(archive, self.name)
        return self.count

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "si":
            self.count += 1
            self.length = 0
            if self.count > MAX_XLSX_CELLS:
                raise _Refused(
                    ScanProblem(
                        "file-too-large",
                        f"the workbook holds more than {MAX_XLSX_CELLS:,} shared strings",
                        "split the data into several files",
                    )
                )
        elif tag == "t":
            self.inside_text = True

    def end(self, tag: str) -> None:
        if tag == "t":
            self.inside_text = False

    def text(self, data: str) -> None:
        if not self.inside_text:
            return
        self.length += len(data)
        if self.length > MAX_CELL_TEXT:
            raise _Refused(
                ScanProblem(
                    "file-too-large",
                    f"shared string {self.count:,} of the workbook is longer than "
                    f"{MAX_CELL_TEXT:,} characters, the most a cell holds",
                    "open it in Excel or LibreOffice and save it again as .xlsx",
                )
            )


class _Budget:
    def __init__(self, cells: int) -> None:
        self.cells = cells


def _local(name: str) -> str:
    """``c`` for ``c`` and ``x:c``: any prefix counts (counting too much is safe)."""
    return name.rpartition(":")[2]


class _Sheet:
    """Rows and cells of one worksheet, counted as openpyxl's read-only reader yields them.

    expat without namespace processing, and handlers that do as little as
    they can: a worksheet has millions of elements, and nothing is built.
    """

    def __init__(self, title: str, max_rows: int, budget: _Budget, strings: int | None) -> None:
        self.title = title
        self.max_rows = max_rows
        self.budget = budget
        self.strings = strings
        self.row = 0
        self.column = 0
        self.widest = 0
        self.kind = "n"
        self.value: list[str] | None = None  # text of the current <v>, while inside one
        self.length = 0
        self.inline = False  # inside <is>, an inline string

    def run(self, archive: zipfile.ZipFile, name: str) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = lambda *args: _refuse_doctype(name)
        try:
            with archive.open(name) as handle:
                _Stream._feed(parser, handle)
        except expat.ExpatError as exc:
            raise _Refused(_not_xml(name, str(exc))) from None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _local(name) if ":" in name else name
        if tag == "c":
            self.start_cell(attributes.get("r", ""), attributes.get("t", "n"))
        elif tag == "v":
            self.value = []
            self.length = 0
        elif tag == "row":
            self.start_row(attributes.get("r"))
        elif tag == "is":
            self.inline = True
            self.length = 0

    def end(self, name: str) -> None:
        tag = _local(name) if ":" in name else name
        if tag == "v" and self.value is not None:
            self.check_value(self.kind, "".join(self.value))
            self.value = None
        elif tag == "is":
            self.inline = False

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)
        elif not self.inline:
            return
        self.length += len(data)
        self.too_long(self.length)

    def refuse(self, code: str, message: str, hint: str | None, column: int | None) -> None:
        raise _Refused(ScanProblem(code, message, hint, self.title, self.row, column))

    def start_row(self, number: str | None) -> None:
        self.row = int(number) if number and number.isdigit() else self.row + 1
        self.column = 0
        self.widest = 0
        if self.row > self.max_rows:
            self.refuse(
                "file-too-large",
                f"more than {self.max_rows:,} rows",
                "split the data into several sheets or files",
                None,
            )

    def start_cell(self, reference: str, kind: str) -> None:
        match = _COORDINATE.fullmatch(reference)
        self.column = _column_number(match.group(1)) if match else self.column + 1
        self.kind = kind
        if self.column > self.widest:
            self.budget.cells -= self.column - self.widest
            self.widest = self.column
            if self.budget.cells < 0:
                self.refuse(
                    "file-too-large",
                    f"more than {MAX_XLSX_CELLS:,} cells (counting the empty cells "
                    "before the last one of each row)",
                    "split the data into several files, or delete unused columns",
                    self.column,
                )

    def too_long(self, length: int) -> None:
        if length > MAX_CELL_TEXT:
            self.refuse(
                "file-too-large",
                f"the cell holds more than {MAX_CELL_TEXT:,} characters, the most a cell holds",
                None,
                self.column,
            )

    def check_value(self, kind: str, text: str) -> None:
        text = text.strip()
        if kind == "n" and not _NUMBER.fullmatch(text):
            self.refuse(
                "invalid-number",
                f"the number cell holds {text[:40]!r}, which is not a number",
                "type the value again, or write - for a value that is missing",
                self.column,
            )
        elif kind == "b" and text not in ("0", "1"):
            self.refuse(
                "import-value",
                f"the logical cell holds {text[:40]!r}, not 0 or 1",
                "type the value again",
                self.column,
            )
        elif kind == "s" and (
            not text.isdigit() or self.strings is None or int(text) >= self.strings
        ):
            self.refuse(
                "io-error",
                f"the cell refers to shared string {text[:40]!r}, which the workbook does not have",
                "open it in Excel or LibreOffice and save it again as .xlsx",
                self.column,
            )


def _refuse_doctype(part: str) -> None:
    raise _Refused(_doctype_problem(part))


def _doctype_problem(part: str) -> ScanProblem:
    return ScanProblem(
        "io-error",
        f"cannot read the workbook: part {part} declares a document type, "
        "which spreadsheet programs never write",
        "open it in Excel or LibreOffice and save it again as .xlsx",
    )


def _not_xml(part: str, reason: str) -> ScanProblem:
    return ScanProblem(
        "io-error",
        f"cannot read the workbook: part {part} is not well-formed XML ({reason})",
        "open it in Excel or LibreOffice and save it again as .xlsx",
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
