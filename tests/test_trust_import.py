"""Data import under hostile or faulty input: bounded work, and messages naming the cell.

XLSX workbooks are checked before openpyxl parses them (sakipcalc._xlsx_scan):
zip bombs that unpack to gigabytes, rows of millions of cells, huge shared
strings and millions of rows are refused early, each with its own message.
A cell holding two numbers (``10 5``) or a number cell holding ``NaN`` is
refused with its row and column. Only openpyxl's own failures are reported as
a damaged workbook; a bug in sakipcalc is not disguised as one.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import openpyxl
import pytest

import sakipcalc
from sakipcalc import Spec, SpecError
from sakipcalc import _import as importer
from sakipcalc._import import MAX_DATA_ROWS, load_data
from sakipcalc._xlsx_scan import MAX_CELL_TEXT, MAX_XLSX_CELLS, MAX_XLSX_UNPACKED_BYTES

SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
indicators:
  - id: pct_served
    name: Persentase PMKS tertangani
    unit: "%"
    formula: served / total * 100
    targets: {2022: 25}
"""

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = "</sheetData></worksheet>"


@pytest.fixture
def spec(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Spec:
    monkeypatch.chdir(tmp_path)
    write_spec({"spec/spec.yaml": SPEC})
    return sakipcalc.load("spec")


def messages(caught: pytest.ExceptionInfo[SpecError]) -> list[str]:
    return [issue.format() for issue in caught.value.issues]


def header_row(number: int = 1) -> str:
    cells = "".join(
        f'<c r="{col}{number}" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCD", ("name", "category", "period", "value"), strict=True)
    )
    return f'<row r="{number}">{cells}</row>'


def data_row(number: int, value_cell: str) -> str:
    return (
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>served</t></is></c>'
        f'<c r="C{number}"><v>2022</v></c>{value_cell}</row>'
    )


def workbook(name: str, parts: Iterable[str] | None = None, **replace: bytes) -> str:
    """A real workbook (sheet 'data') whose first sheet's XML is ``parts``, streamed."""
    base = openpyxl.Workbook()
    base.active.title = "data"
    base.active.append(["name", "category", "period", "value"])
    base.save("base.xlsx")
    with (
        zipfile.ZipFile("base.xlsx") as source,
        zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename == SHEET and parts is not None:
                with target.open(SHEET, "w", force_zip64=True) as handle:
                    for part in parts:
                        handle.write(part.encode("utf-8"))
            elif info.filename in replace:
                target.writestr(info.filename, replace[info.filename])
            else:
                target.writestr(info, source.read(info.filename))
        for extra, content in replace.items():
            if extra not in source.namelist():
                target.writestr(extra, content)
    Path("base.xlsx").unlink()
    return name


def refused_quickly(spec: Spec, name: str) -> list[str]:
    start = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        load_data(spec, name)
    assert time.perf_counter() - start < 60  # generous: the machine may be busy
    return messages(caught)


# ------------------------------------------------------------------ two numbers, NaN


def test_a_csv_cell_holding_two_numbers_is_refused_with_its_row_and_column(spec: Spec) -> None:
    Path("data.csv").write_text(
        "name,category,period,value\nserved,,2022,10 5\ntotal,,2022,40\n", encoding="utf-8"
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, "data.csv", locale="en")
    assert messages(caught) == [
        "data.csv:2:4: error invalid-number: '10 5' holds two numbers separated by a space; "
        "a cell holds one number (write one number per cell; a space never separates "
        "thousands (write 1.800.000 in locale id, 1,800,000 in locale en, or 1800000)) "
        "[data.2022.served]"
    ]


@pytest.mark.parametrize("text", ["1 800 000", "Rp 10\u00a05", "13,32 4 %"])
def test_spaces_between_digits_are_never_dropped(spec: Spec, text: str) -> None:
    Path("data.csv").write_text(
        f'name;category;period;value\nserved;;2022;"{text}"\n', encoding="utf-8"
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, "data.csv", locale="id")
    assert [i.code for i in caught.value.issues] == ["invalid-number"]


def test_spaces_around_a_number_and_its_unit_are_still_fine(spec: Spec) -> None:
    Path("data.csv").write_text(
        'name;category;period;value\nserved;;2022;" 13 "\ntotal;;2022;"Rp 1.800 "\n',
        encoding="utf-8",
    )
    data = load_data(spec, "data.csv", locale="id")
    assert str(data.values["2022"]["served"]) == "13"
    assert str(data.values["2022"]["total"]) == "1800"


def test_an_xlsx_text_cell_holding_two_numbers_names_the_cell(spec: Spec) -> None:
    rows = [header_row(), data_row(2, '<c r="D2" t="inlineStr"><is><t>10 5</t></is></c>')]
    workbook("book.xlsx", [HEAD, *rows, TAIL])
    with pytest.raises(SpecError) as caught:
        load_data(spec, "book.xlsx", locale="en")
    assert messages(caught)[0].startswith(
        "book.xlsx[data]:2:4: error invalid-number: cell D2: '10 5' holds two numbers"
    )


def test_a_nan_number_cell_names_its_cell(spec: Spec) -> None:
    workbook("book.xlsx", [HEAD, header_row(), data_row(2, '<c r="D2"><v>NaN</v></c>'), TAIL])
    assert refused_quickly(spec, "book.xlsx") == [
        "book.xlsx[data]:2:4: error invalid-number: cell D2: the number cell holds 'NaN', "
        "which is not a number (type the value again, or write - for a value that is missing)"
    ]


def test_a_broken_shared_string_reference_names_its_cell(spec: Spec) -> None:
    workbook("book.xlsx", [HEAD, header_row(), data_row(2, '<c r="D2" t="s"><v>99</v></c>'), TAIL])
    assert refused_quickly(spec, "book.xlsx")[0].startswith(
        "book.xlsx[data]:2:4: error io-error: cell D2: the cell refers to shared string '99'"
    )


# ------------------------------------------------------------------ zip bombs


def test_a_row_of_millions_of_cells_is_refused_before_parsing(spec: Spec) -> None:
    cells = ("<c/>" * 100_000 for _ in range(25))  # 2.5 million cells in one row
    workbook("book.xlsx", [HEAD, '<row r="1">', *cells, "</row>", TAIL])
    assert Path("book.xlsx").stat().st_size < 200_000
    assert refused_quickly(spec, "book.xlsx") == [
        f"book.xlsx[data]:1:{MAX_XLSX_CELLS + 1}: error file-too-large: cell DITOC1: "
        f"more than {MAX_XLSX_CELLS:,} cells (counting the empty cells before the last one of "
        "each row) (split the data into several files, or delete unused columns)"
    ]


def test_one_cell_far_to_the_right_in_every_row_counts_as_a_padded_row(spec: Spec) -> None:
    rows = (f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(1, 200))
    workbook("book.xlsx", [HEAD, *rows, TAIL])
    assert refused_quickly(spec, "book.xlsx")[0].startswith(
        "book.xlsx[data]:123:16384: error file-too-large: cell XFD123: more than 2,000,000 cells"
    )


def test_a_workbook_unpacking_past_the_limit_is_refused_without_unpacking_it(spec: Spec) -> None:
    blank = " " * (1 << 20)
    chunks = (blank for _ in range(MAX_XLSX_UNPACKED_BYTES // len(blank) + 1))
    workbook("book.xlsx", [HEAD, *chunks, TAIL])
    size = MAX_XLSX_UNPACKED_BYTES + (1 << 20) + len(HEAD) + len(TAIL)
    [message] = refused_quickly(spec, "book.xlsx")
    assert message.startswith("book.xlsx: error file-too-large: the workbook unpacks to ")
    assert f"the limit is {MAX_XLSX_UNPACKED_BYTES:,}" in message
    assert size > MAX_XLSX_UNPACKED_BYTES


def test_a_huge_shared_string_is_refused(spec: Spec) -> None:
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{"a" * (MAX_CELL_TEXT + 1)}'
        "</t></si></sst>"
    )
    workbook("book.xlsx", **{"xl/sharedStrings.xml": strings.encode()})
    assert refused_quickly(spec, "book.xlsx") == [
        "book.xlsx: error file-too-large: shared string 1 of the workbook is longer than "
        "32,767 characters, the most a cell holds (open it in Excel or LibreOffice and save "
        "it again as .xlsx)"
    ]


def test_a_million_row_workbook_is_too_large_and_has_no_false_no_header(spec: Spec) -> None:
    rows = (
        "".join(data_row(n, f'<c r="D{n}"><v>1</v></c>') for n in range(start, start + 50_000))
        for start in range(2, 1_000_002, 50_000)
    )
    workbook("book.xlsx", [HEAD, header_row(), *rows, TAIL])
    assert refused_quickly(spec, "book.xlsx") == [
        f"book.xlsx[data]:{MAX_DATA_ROWS + 1}:1: error file-too-large: more than "
        f"{MAX_DATA_ROWS:,} rows (split the data into several sheets or files)"
    ]


def test_a_document_type_declaration_is_refused(spec: Spec) -> None:
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    workbook("book.xlsx", [HEAD.replace("\n", "\n" + bomb + "\n", 1), header_row(), TAIL])
    [message] = refused_quickly(spec, "book.xlsx")
    assert message.startswith(
        f"book.xlsx: error io-error: cannot read the workbook: part {SHEET} declares a "
        "document type"
    )


# ------------------------------------------------------------------ damaged, or our bug


def test_a_file_that_is_not_a_zip_is_a_damaged_workbook(spec: Spec) -> None:
    Path("book.xlsx").write_bytes(b"name,category,period,value\n")
    assert refused_quickly(spec, "book.xlsx") == [
        "book.xlsx: error io-error: cannot read the workbook: BadZipFile: File is not a zip "
        "file (open it in Excel or LibreOffice and save it again as .xlsx)"
    ]


def test_a_bug_in_sakipcalc_is_not_reported_as_a_damaged_workbook(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = openpyxl.Workbook()
    base.active.title = "data"
    base.active.append(["name", "category", "period", "value"])
    base.active.append(["served", None, 2022, 5])
    base.save("book.xlsx")

    def broken(number_format: object) -> bool:
        raise RuntimeError("a bug in sakipcalc")

    monkeypatch.setattr(importer, "_is_percent_format", broken)
    with pytest.raises(RuntimeError, match="a bug in sakipcalc"):
        load_data(spec, "book.xlsx")


def test_an_ordinary_workbook_still_reads(spec: Spec) -> None:
    rows = [
        header_row(),
        data_row(2, '<c r="D2"><v>5</v></c>').replace("served", "served"),
        data_row(3, '<c r="D3"><v>40</v></c>').replace("served", "total"),
    ]
    workbook("book.xlsx", [HEAD, *rows, TAIL])
    data = load_data(spec, "book.xlsx")
    assert {k: str(v) for k, v in data.values["2022"].items()} == {"served": "5", "total": "40"}
