"""Realisation data from CSV, XLSX and YAML files (``sakipcalc._import.load_data``).

Every test works in a fresh directory that is also the working directory, so
issue locations read ``data.csv:3:4`` or ``book.xlsx[data]:7:3`` exactly.
CSV rows count from 1 with the header; columns count from 1.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import TANAH_LAUT_SPEC

import sakipcalc
from sakipcalc import DataSet, Grade, Issue, Spec, SpecError, Status
from sakipcalc._import import load_data
from sakipcalc._import_tables import column_letters
from sakipcalc.i18n import format_number, format_rupiah
from sakipcalc.models import Domain

SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
  LOCALE
scales:
  - id: akip
    kind: grade
    bands:
      - {label: C, range: "[0, 50]"}
      - {label: B, range: "(50, 70]"}
      - {label: BB, range: "(70, 80]"}
      - {label: A, range: "(80, 100]"}
breakdowns:
  - {id: kinds, categories: [lansia, anak, disabilitas]}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
  - {id: pop, domain: count, breakdown: kinds}
  - {id: budget, domain: rupiah}
  - {id: coverage, domain: percentage}
  - {id: akip_grade, domain: grade, scale: akip}
  - {id: amount}
indicators:
  - id: pct_served
    name: Persentase PMKS tertangani
    unit: "%"
    formula: served / total * 100
    targets: {2022: 25}
  - id: nilai_akip
    name: Nilai AKIP
    unit: predikat
    scale: akip
    targets: {2022: BB}
  - id: data_terpadu
    name: Persentase data terpadu
    unit: "%"
    targets: {2022: 90}
data:
  "2021": {served: 5, total: 50}
"""

Write = Callable[..., Path]


@pytest.fixture
def make_spec(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Spec]:
    monkeypatch.chdir(tmp_path)

    def make(locale: str | None = None, data: str = "") -> Spec:
        text = SPEC.replace("LOCALE", f"locale: {locale}" if locale else "")
        write_spec({"spec/spec.yaml": text + data})
        return sakipcalc.load("spec")

    return make


@pytest.fixture
def spec(make_spec: Callable[..., Spec]) -> Spec:
    return make_spec()


def write(name: str, text: str, *, bom: bool = False, encoding: str = "utf-8") -> str:
    Path(name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return name


def issues_of(caught: pytest.ExceptionInfo[SpecError]) -> list[tuple[str, str]]:
    """(location, code) of every issue, in report order."""
    return [(str(i.location), i.code) for i in caught.value.issues]


def one(caught: pytest.ExceptionInfo[SpecError], code: str) -> Issue:
    found = [i for i in caught.value.issues if i.code == code]
    assert len(found) == 1, caught.value.issues.format()
    return found[0]


def book(name: str, sheets: Mapping[str, list[list[Any]]], formats: Mapping[str, str] = {}) -> str:
    """Write a real .xlsx workbook: sheet -> rows of cell values; formats: 'Sheet!C3' -> format."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for ref, number_format in formats.items():
        title, cell = ref.split("!")
        workbook[title][cell].number_format = number_format
    workbook.save(name)
    return name


# ------------------------------------------------------------------ CSV, Indonesian formats


INDONESIAN_CSV = """\
Nama;Kategori;Periode;Nilai
served;;2022;10
total;;2022;75.695
pop;lansia;2022;13.880
pop;anak;2022;-
pop;disabilitas;2022;3044
budget;;2022;Rp. 6.816.211.492
coverage;;2022;13,32 %
akip_grade;;2022;BB
nilai_akip;;2022;BB
data_terpadu;;2022;97,27
nilai_akip;;2021;72,5
"""


def test_indonesian_csv_with_semicolons_and_a_bom(spec: Spec) -> None:
    data = load_data(spec, write("data.csv", INDONESIAN_CSV, bom=True), locale="id")
    values = data.values["2022"]
    assert values["served"] == Decimal(10)
    assert str(values["total"]) == "75695"
    assert values["pop"] == {"lansia": Decimal(13880), "anak": None, "disabilitas": Decimal(3044)}
    assert str(values["budget"]) == "6816211492"
    assert str(values["coverage"]) == "13.32"
    assert values["akip_grade"] == Grade("BB")
    assert values["nilai_akip"] == Grade("BB")
    assert str(values["data_terpadu"]) == "97.27"
    assert str(data.values["2021"]["nilai_akip"]) == "72.5"  # a score on a graded indicator
    # Merged with the spec's own data.
    assert data.values["2021"]["served"] == Decimal(5)
    assert data.values["2021"]["total"] == Decimal(50)
    # Values remember where they were written.
    assert str(data.origins[("2022", "total")].location(prefer_key=True)) == "data.csv:3:1"
    assert str(data.origins[("2022", "total")].location()) == "data.csv:3:4"
    assert str(data.origins[("2022", "pop")].location("anak")) == "data.csv:5:4"


def test_english_csv_with_commas_and_quoted_numbers(spec: Spec) -> None:
    text = (
        "NAME,Category,PERIOD,Value\n"
        'total,,2022,"75,695"\n'
        "served,,2022,10\n"
        'budget,,2022,"Rp 1,800,000.50"\n'
        "coverage,,2022,13.32\n"
    )
    data = load_data(spec, write("data.csv", text), locale="en")
    assert data.values["2022"]["total"] == Decimal(75695)
    assert str(data.values["2022"]["budget"]) == "1800000.50"
    assert str(data.values["2022"]["coverage"]) == "13.32"


def test_quoted_decimal_commas_in_a_comma_separated_file(spec: Spec) -> None:
    text = 'name,category,period,value\ncoverage,,2022,"13,32"\ntotal,,2022,"75.695"\n'
    data = load_data(spec, write("data.csv", text), locale="id")
    assert str(data.values["2022"]["coverage"]) == "13.32"
    assert data.values["2022"]["total"] == Decimal(75695)


def test_an_unquoted_decimal_comma_in_a_comma_separated_file(spec: Spec) -> None:
    text = "name,category,period,value\ncoverage,,2022,13,32\n"
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="id")
    assert issues_of(caught) == [("data.csv:2:5", "import-row")]
    issue = one(caught, "import-row")
    assert "column 5, which has no header" in issue.message
    assert issue.hint is not None and "quoted" in issue.hint


def test_the_spec_declares_the_locale(make_spec: Callable[..., Spec]) -> None:
    spec = make_spec(locale="id")
    assert spec.info.locale == "id"
    data = load_data(spec, write("data.csv", INDONESIAN_CSV))
    assert data.values["2022"]["total"] == Decimal(75695)


def test_the_argument_overrides_the_spec_locale(make_spec: Callable[..., Spec]) -> None:
    spec = make_spec(locale="id")
    text = "name;category;period;value\ntotal;;2022;75.695\n"
    # In English, 75.695 is a fraction, which a count cannot be.
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="en")
    assert issues_of(caught) == [("data.csv:2:4", "out-of-domain")]
    assert "whole number" in one(caught, "out-of-domain").message


def test_an_unknown_locale_is_refused(spec: Spec) -> None:
    with pytest.raises(ValueError, match="locale must be one of id, en"):
        load_data(spec, locale="ID")  # type: ignore[arg-type]


def test_the_spec_locale_must_be_id_or_en(make_spec: Callable[..., Spec]) -> None:
    with pytest.raises(SpecError) as caught:
        make_spec(locale="fr")
    issue = next(i for i in caught.value.issues if i.path == "spec.locale")
    assert issue.message == "input should be 'id' or 'en'"


# ------------------------------------------------------------------ missing values


def test_a_dash_is_missing_and_evaluates_as_missing_data_not_zero(spec: Spec) -> None:
    text = (
        "name;category;period;value\n"
        "served;;2022;-\n"
        "total;;2022;40\n"
        "data_terpadu;;2022;-\n"
        "akip_grade;;2022;-\n"
    )
    data = load_data(spec, write("data.csv", text), locale="id")
    assert data.has("2022", "served")
    assert data.get("2022", "served") is None
    assert data.get("2022", "akip_grade") is None
    report = sakipcalc.evaluate(spec, data, period="2022")
    pct = report.indicator("pct_served")
    assert pct.realisation.status is Status.MISSING_DATA
    assert pct.realisation.raw is None
    assert [str(m) for m in pct.realisation.missing] == ["served in 2022"]
    given = report.indicator("data_terpadu")
    assert given.realisation.status is Status.MISSING_DATA
    assert given.realisation.reason is not None and "given as empty" in given.realisation.reason


def test_the_data_set_is_immutable(spec: Spec) -> None:
    data = load_data(spec, write("data.csv", INDONESIAN_CSV), locale="id")
    with pytest.raises(TypeError):
        data.values["2022"]["served"] = Decimal(0)  # type: ignore[index]
    with pytest.raises(TypeError):
        data.values["2022"]["pop"]["anak"] = Decimal(0)  # type: ignore[index]


def test_names_must_be_ids(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", "name;category;period;value\nserved ok;;2022;1\n"))
    assert issues_of(caught) == [("data.csv:2:1", "invalid-id")]


def test_an_empty_value_cell_is_an_error_asking_for_a_dash(spec: Spec) -> None:
    text = "name;category;period;value\nserved;;2022;\ntotal;;2022; \n"
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="id")
    assert issues_of(caught) == [("data.csv:2:4", "import-value"), ("data.csv:3:4", "import-value")]
    issue = caught.value.issues.issues[0]
    assert issue.message == "empty value"
    assert issue.hint is not None and "write - for a value that is missing" in issue.hint


# ------------------------------------------------------------------ errors and their places


def test_every_problem_is_reported_at_its_row_and_column(spec: Spec) -> None:
    text = (
        "name;category;period;value\n"  # 1
        "servd;;2022;10\n"  # 2: unknown name, did you mean
        "pop;lansai;2022;5\n"  # 3: unknown category
        "pop;anak;2022;-4\n"  # 4: a count below 0
        "coverage;;2022;120\n"  # 5: a percentage above 100
        "akip_grade;;2022;XX\n"  # 6: not a grade of the scale
        "total;;2022;banyak\n"  # 7: not a number
        "total;;22;5\n"  # 8: not a period
        ";;2022;5\n"  # 9: no name
        "budget;;2022;1,234\n"  # 10: a rupiah amount with 3 decimals (locale id)
        "served;lansia;2023;1\n"  # 11: a scalar given a category
        "pop;;2023;1\n"  # 12: a breakdown without a category
        "nilai_akip;;2023;Baik\n"  # 13: neither a score nor a grade
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="id")
    assert issues_of(caught) == [
        ("data.csv:2:1", "unknown-name"),
        ("data.csv:3:2", "unknown-category"),
        ("data.csv:4:4", "out-of-domain"),
        ("data.csv:5:4", "out-of-domain"),
        ("data.csv:6:4", "unknown-grade"),
        ("data.csv:7:4", "invalid-number"),
        ("data.csv:8:3", "invalid-period"),
        ("data.csv:9:1", "import-value"),
        ("data.csv:10:4", "out-of-domain"),
        ("data.csv:11:2", "expected-number"),
        ("data.csv:12:2", "expected-breakdown"),
        ("data.csv:13:4", "unknown-grade"),
    ]
    assert one(caught, "unknown-name").hint == "did you mean 'served'?"
    assert one(caught, "unknown-category").hint == "did you mean 'lansia'?"
    assert one(caught, "unknown-category").path == "data.2022.pop.lansai"
    assert one(caught, "expected-breakdown").hint == "categories: lansia, anak, disabilitas"
    domain = [i for i in caught.value.issues if i.code == "out-of-domain"]
    assert "'pop.anak' is a count" in domain[0].message
    assert "percentage" in domain[1].message
    assert "Rupiah" in domain[2].message
    assert "'.' separates thousands" in (one(caught, "invalid-number").hint or "")
    assert str(caught.value).startswith("data.csv:2:1: error unknown-name:")
    assert str(caught.value).endswith("(and 11 more)")


def test_ambiguous_numbers_without_a_locale(spec: Spec) -> None:
    text = (
        "name;category;period;value\n"
        "total;;2022;1.234\n"  # ambiguous
        "served;;2022;1,234\n"  # ambiguous
        "coverage;;2022;13,32\n"  # a decimal comma either way
        "budget;;2022;Rp 12.364.293.866\n"  # several groups: thousands either way
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text))
    assert issues_of(caught) == [
        ("data.csv:2:4", "ambiguous-number"),
        ("data.csv:3:4", "ambiguous-number"),
    ]
    issue = caught.value.issues.issues[0]
    assert "'1.234' is ambiguous" in issue.message
    assert issue.hint is not None and "locale" in issue.hint
    # The unambiguous ones are read without a locale.
    fine = "name;category;period;value\ncoverage;;2022;13,32\nbudget;;2022;Rp 12.364.293.866\n"
    data = load_data(spec, write("fine.csv", fine))
    assert str(data.values["2022"]["coverage"]) == "13.32"
    assert data.values["2022"]["budget"] == Decimal(12364293866)


def test_duplicate_rows_name_both_rows(spec: Spec) -> None:
    text = (
        "name;category;period;value\n"
        "served;;2022;10\n"
        "pop;anak;2022;3\n"
        "served;;2022;11\n"
        "pop;anak;2022;3\n"
        "pop;lansia;2022;3\n"
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="id")
    assert issues_of(caught) == [
        ("data.csv:4:1", "duplicate-data"),
        ("data.csv:5:1", "duplicate-data"),
    ]
    first, second = caught.value.issues
    assert first.message == "'served' in period 2022 is already given in row 2 (data.csv:2:1)"
    assert second.message == (
        "'pop' category 'anak' in period 2022 is already given in row 3 (data.csv:3:1)"
    )


# ------------------------------------------------------------------ headers


def test_headers_are_case_insensitive_in_any_order(spec: Spec) -> None:
    text = "NILAI,periode,VARIABEL,kategori\n10,2022,served,\n"
    data = load_data(spec, write("data.csv", text))
    assert data.values["2022"]["served"] == Decimal(10)


def test_extra_and_missing_columns(spec: Spec) -> None:
    text = "name;period;value;satuan;keterangan\nserved;2022;10;orang;\n"
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text))
    assert issues_of(caught) == [
        ("data.csv:1:1", "import-header"),
        ("data.csv:1:4", "import-header"),
        ("data.csv:1:5", "import-header"),
    ]
    missing, satuan, keterangan = caught.value.issues
    assert missing.message == "missing column 'category'"
    assert satuan.message == "unknown column 'satuan'"
    assert keterangan.message == "unknown column 'keterangan'"


def test_a_misspelt_column_gets_a_suggestion(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", "name;category;periods;value\n"))
    assert issues_of(caught) == [
        ("data.csv:1:1", "import-header"),
        ("data.csv:1:3", "import-header"),
    ]
    assert caught.value.issues.issues[1].hint == "did you mean 'period'?"


def test_two_columns_for_one_field(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", "name;nama;category;period;value\n"))
    assert issues_of(caught) == [("data.csv:1:2", "import-header")]
    assert caught.value.issues.issues[0].message == "columns 'name' and 'nama' both give the name"


def test_an_empty_file(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", "\n\n"))
    assert issues_of(caught) == [("data.csv", "import-header")]


def test_blank_rows_are_skipped(spec: Spec) -> None:
    text = "name;category;period;value\n\nserved;;2022;10\n;;;\n\ntotal;;2022;20\n"
    data = load_data(spec, write("data.csv", text))
    assert data.values["2022"]["total"] == Decimal(20)
    assert str(data.origins[("2022", "total")].location()) == "data.csv:6:4"


# ------------------------------------------------------------------ files


def test_csv_must_be_utf8(spec: Spec) -> None:
    text = "name;category;period;value\nserved;;2022;10\ntotal;;2022;20 – é\n"
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text, encoding="cp1252"))
    assert issues_of(caught) == [("data.csv:3:16", "not-utf8")]
    assert "CSV UTF-8" in (caught.value.issues.issues[0].hint or "")


def test_a_csv_syntax_error(spec: Spec) -> None:
    text = 'name;category;period;value\nserved;;2022;"10\n'
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text))
    assert [code for _, code in issues_of(caught)] == ["import-row"]


def test_a_file_over_the_size_limit_is_refused(spec: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sakipcalc._import.MAX_DATA_BYTES", 40)
    path = write("data.csv", "name;category;period;value\n" + "served;;2022;10\n" * 3)
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    assert issues_of(caught) == [("data.csv", "file-too-large")]


def test_too_many_rows_are_refused(spec: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sakipcalc._import.MAX_DATA_ROWS", 3)
    path = write("data.csv", "name;category;period;value\n" + "served;;2022;10\n" * 3)
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    assert issues_of(caught) == [("data.csv:4:1", "file-too-large")]


def test_missing_and_unsupported_files(spec: Spec) -> None:
    write("data.xls", "")
    Path("folder").mkdir()
    with pytest.raises(SpecError) as caught:
        load_data(spec, "nope.csv", "data.xls", "folder")
    assert sorted(issues_of(caught)) == [
        ("data.xls", "import-format"),
        ("folder", "import-format"),
        ("nope.csv", "io-error"),
    ]


def test_no_paths_give_the_spec_data(spec: Spec) -> None:
    assert load_data(spec).values == spec.data.values


def test_a_file_given_twice(spec: Spec) -> None:
    path = write("data.csv", "name;category;period;value\nserved;;2022;10\n")
    with pytest.raises(SpecError) as caught:
        load_data(spec, path, "./data.csv")
    assert issues_of(caught) == [("data.csv", "duplicate-data")]
    assert "given twice" in caught.value.issues.issues[0].message


def test_a_file_of_the_spec_itself(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, "spec/spec.yaml")
    assert issues_of(caught) == [("spec/spec.yaml", "duplicate-data")]
    assert "part of the spec already" in caught.value.issues.issues[0].message


# ------------------------------------------------------------------ merging


def test_merging_with_spec_data_and_conflicts(make_spec: Callable[..., Spec]) -> None:
    spec = make_spec(
        data='  "2022":\n    served: 10\n    pop: {lansia: 7}\n'
        # line 42: "2022":, 43: served, 44: pop
    )
    text = (
        "name;category;period;value\n"
        "total;;2022;40\n"  # new: merged
        "pop;anak;2022;3\n"  # another category of a variable the spec gives: merged
        "served;;2022;10\n"  # given in the spec too, even with the same value: an error
        "pop;lansia;2022;7\n"  # likewise
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", text), locale="id")
    assert issues_of(caught) == [
        ("data.csv:4:1", "duplicate-data"),
        ("data.csv:5:2", "duplicate-data"),
    ]
    served, lansia = caught.value.issues
    assert (
        served.message
        == "'served' in period 2022 is already given in the spec at spec/spec.yaml:43:5"
    )
    assert lansia.message == (
        "'pop' category 'lansia' in period 2022 is already given in the spec at spec/spec.yaml:44:11"
    )
    good = write("good.csv", "name;category;period;value\ntotal;;2022;40\npop;anak;2022;3\n")
    data = load_data(spec, good)
    assert data.values["2022"]["served"] == Decimal(10)
    assert data.values["2022"]["total"] == Decimal(40)
    assert data.values["2022"]["pop"] == {"lansia": Decimal(7), "anak": Decimal(3)}
    report = sakipcalc.evaluate(spec, data, period="2022")
    assert report.indicator("pct_served").realisation.rounded == Decimal("25.00")


def test_files_merge_and_conflict_with_each_other(spec: Spec) -> None:
    first = write("a.csv", "name;category;period;value\npop;anak;2022;3\nserved;;2022;1\n")
    second = write("b.csv", "name;category;period;value\npop;lansia;2022;4\nserved;;2022;2\n")
    with pytest.raises(SpecError) as caught:
        load_data(spec, first, second)
    assert issues_of(caught) == [("b.csv:3:1", "duplicate-data")]
    assert caught.value.issues.issues[0].message == (
        "'served' in period 2022 is already given at a.csv:3:1"
    )
    third = write("c.csv", "name;category;period;value\npop;lansia;2022;4\n")
    data = load_data(spec, first, third)
    assert data.values["2022"]["pop"] == {"anak": Decimal(3), "lansia": Decimal(4)}


def test_a_whole_breakdown_given_as_missing_conflicts_with_its_categories(
    make_spec: Callable[..., Spec],
) -> None:
    spec = make_spec(data='  "2022":\n    pop:\n')
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("data.csv", "name;category;period;value\npop;anak;2022;3\n"))
    assert issues_of(caught) == [("data.csv:2:2", "duplicate-data")]


def test_yaml_data_files(spec: Spec) -> None:
    path = write(
        "more.yaml",
        'sakipcalc: 1\ndata:\n  "2022":\n    served: 10\n    pop: {anak: 3, lansia: }\n'
        "    data_terpadu: 97.27\n",
    )
    data = load_data(spec, path)
    assert data.values["2022"]["pop"] == {"anak": Decimal(3), "lansia": None}
    assert str(data.values["2022"]["data_terpadu"]) == "97.27"
    assert str(data.origins[("2022", "served")].location()) == "more.yaml:4:13"


def test_yaml_data_files_are_validated_like_spec_data(spec: Spec) -> None:
    path = write(
        "more.yaml",
        'data:\n  "2022":\n    servd: 10\n    pop: {anak: "1.234"}\nindicators: []\n',
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, path, locale="id")  # YAML numbers stay plain, whatever the locale
    assert issues_of(caught) == [
        ("more.yaml:3:5", "unknown-name"),
        ("more.yaml:4:18", "out-of-domain"),
        ("more.yaml:5:1", "unknown-key"),
    ]


def test_a_yaml_file_without_data(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("more.yml", "variables: []\n"))
    assert issues_of(caught) == [("more.yml:1:1", "import-format")]


# ------------------------------------------------------------------ XLSX


def test_xlsx_cells(spec: Spec) -> None:
    path = book(
        "book.xlsx",
        {
            "data": [
                ["Nama", "Kategori", "Periode", "Nilai"],
                ["served", None, 2022, 10],  # an int cell: exact
                ["total", None, "2022", "75.695"],  # a text cell: read in the locale
                ["pop", "lansia", 2022, 13880],
                ["pop", "anak", 2022, "-"],
                ["coverage", None, 2022, 0.1332],  # shown as 13,32%
                ["data_terpadu", None, 2022, 97.27],  # a float cell, as typed
                ["budget", None, 2022, "Rp 1.800.000,50"],
                ["akip_grade", None, 2022, "BB"],
                ["nilai_akip", None, "2022-Q1", 72.5],
                ["total", None, 2023.0, 5.0],  # whole floats are whole numbers
            ]
        },
        {"data!D6": "0.00%"},
    )
    data = load_data(spec, path, locale="id")
    values = data.values["2022"]
    assert values["served"] == Decimal(10)
    assert str(values["total"]) == "75695"
    assert values["pop"] == {"lansia": Decimal(13880), "anak": None}
    assert str(values["coverage"]) == "13.32"
    assert str(values["data_terpadu"]) == "97.27"
    assert str(values["budget"]) == "1800000.50"
    assert values["akip_grade"] == Grade("BB")
    assert str(data.values["2022-Q1"]["nilai_akip"]) == "72.5"
    assert str(data.values["2023"]["total"]) == "5"
    assert str(data.origins[("2022", "total")].location()) == "book.xlsx[data]:3:4"


def test_xlsx_errors_name_the_sheet_row_column_and_cell(spec: Spec) -> None:
    path = book(
        "book.xlsx",
        {
            "Realisasi": [
                ["name", "category", "period", "value"],
                ["served", None, 2022, 2 / 3],  # a computed binary fraction
                ["total", None, 2022, True],
                ["pop", "anak", 2022, datetime.datetime(2022, 3, 1)],
                ["coverage", None, 2022, "#DIV/0!"],
                ["data_terpadu", None, 2022, "1.234"],
                ["servd", None, 2022, 1],
                ["pop", "lansia", 2022, None],
                ["pop", 7, 2022, 1],
            ]
        },
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    sheet = "book.xlsx[Realisasi]"
    assert issues_of(caught) == [
        (f"{sheet}:2:4", "import-value"),
        (f"{sheet}:3:4", "import-value"),
        (f"{sheet}:4:4", "import-value"),
        (f"{sheet}:5:4", "import-value"),
        (f"{sheet}:6:4", "ambiguous-number"),
        (f"{sheet}:7:1", "unknown-name"),
        (f"{sheet}:8:4", "import-value"),
        (f"{sheet}:9:2", "import-value"),
    ]
    messages = [i.message for i in caught.value.issues]
    assert messages[0].startswith(
        "cell D2: the cell holds the binary floating-point number 0.6666666666666666, with 16"
    )
    assert "ROUND" in (caught.value.issues.issues[0].hint or "")
    assert messages[1] == "cell D3: expected a number, got the logical value TRUE"
    assert messages[2].startswith("cell D4: expected a number, got a date or time (2022-03-01")
    assert messages[3] == "cell D5: the cell holds the spreadsheet error #DIV/0!"
    assert messages[4].startswith("cell D6: '1.234' is ambiguous")
    assert messages[5] == "cell A7: data for unknown variable or indicator 'servd'"
    assert messages[6] == "cell D8: empty value"
    assert messages[7] == "cell B9: expected text, got the number 7"


def test_xlsx_reads_every_sheet_with_the_header_and_skips_others(spec: Spec) -> None:
    header = ["name", "category", "period", "value"]
    path = book(
        "book.xlsx",
        {
            "Catatan": [["Realisasi kinerja Dinas Sosial 2022"], ["diisi oleh Sekretariat"]],
            "Bidang 1": [header, ["served", None, 2022, 10]],
            "Bidang 2": [[], [], header, ["total", None, 2022, 40]],  # header on row 3
            "Kosong": [],
        },
    )
    data = load_data(spec, path)
    assert data.values["2022"]["served"] == Decimal(10)
    assert data.values["2022"]["total"] == Decimal(40)
    assert str(data.origins[("2022", "total")].location()) == "book.xlsx[Bidang 2]:4:4"


def test_a_duplicate_across_sheets_names_both_cells(spec: Spec) -> None:
    header = ["name", "category", "period", "value"]
    path = book(
        "book.xlsx",
        {"A": [header, ["served", None, 2022, 10]], "B": [header, ["served", None, 2022, 10]]},
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    assert issues_of(caught) == [("book.xlsx[B]:2:1", "duplicate-data")]
    assert caught.value.issues.issues[0].message == (
        "cell A2: 'served' in period 2022 is already given at book.xlsx[A]:2:1 (cell A2)"
    )


def test_only_a_sheet_named_data_is_read_when_there_is_one(spec: Spec) -> None:
    header = ["name", "category", "period", "value"]
    path = book(
        "book.xlsx",
        {
            "Draft": [header, ["served", None, 2022, "bukan angka"]],
            "DATA": [["nama", "periode", "nilai"], ["served", 2022, 10]],
        },
    )
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    # The draft sheet is not read at all; the data sheet must have every column.
    assert issues_of(caught) == [("book.xlsx[DATA]:1:1", "import-header")]
    assert caught.value.issues.issues[0].message == "cell A1: missing column 'category'"


def test_a_workbook_without_a_data_sheet(spec: Spec) -> None:
    path = book("book.xlsx", {"Sheet1": [["Tabel 3.1"], ["x", 1]]})
    with pytest.raises(SpecError) as caught:
        load_data(spec, path)
    assert issues_of(caught) == [("book.xlsx", "import-header")]


def test_a_damaged_workbook(spec: Spec) -> None:
    with pytest.raises(SpecError) as caught:
        load_data(spec, write("book.xlsx", "not a zip file"))
    assert issues_of(caught) == [("book.xlsx", "io-error")]


def test_xlsx_without_openpyxl_says_what_to_install(
    spec: Spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = book("book.xlsx", {"data": [["name", "category", "period", "value"]]})
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match=r"pip install 'sakipcalc\[xlsx\]'"):
        load_data(spec, path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (97.27, "97.27"),
        (0.1, "0.1"),
        (-41.42, "-41.42"),
        (1234567.891, "1234567.891"),
        (123456789012345.0, "123456789012345"),  # 15 digits
        (1e20, "100000000000000000000"),
        (2.5e-7, "2.5E-7"),
        (12345678.90123456, None),  # 16 significant digits: Excel keeps 15 of what is typed
        (123456789012345.6, None),
        (2 / 3, None),
    ],
)
def test_float_cells_are_read_only_when_exact(
    spec: Spec, value: float, expected: str | None
) -> None:
    path = book(
        "book.xlsx",
        {"data": [["name", "category", "period", "value"], ["amount", None, 2022, value]]},
    )
    if expected is None:
        with pytest.raises(SpecError) as caught:
            load_data(spec, path)
        assert issues_of(caught) == [("book.xlsx[data]:2:4", "import-value")]
        assert "significant digits" in caught.value.issues.issues[0].message
    else:
        data = load_data(spec, path)
        assert str(data.values["2022"]["amount"]) == expected


def test_column_letters() -> None:
    assert [column_letters(n) for n in (1, 3, 26, 27, 28, 52, 703)] == [
        "A",
        "C",
        "Z",
        "AA",
        "AB",
        "AZ",
        "AAA",
    ]


# ------------------------------------------------------------------ end to end: Tanah Laut 2022

_RUPIAH_DOMAINS = {Domain.RUPIAH}


def _tanah_laut_without_2022_data(monkeypatch: pytest.MonkeyPatch) -> tuple[Spec, Spec]:
    monkeypatch.chdir(TANAH_LAUT_SPEC.parent.parent)
    full = sakipcalc.load(TANAH_LAUT_SPEC)
    files = sorted(p for p in TANAH_LAUT_SPEC.glob("*.yaml") if p.name != "data-2022.yaml")
    bare = sakipcalc.load(*files)
    assert "2022" not in bare.data.values
    return full, bare


def _rows(spec: Spec, data: DataSet) -> Iterator[tuple[str, str, str, Any]]:
    """(name, category, period, value) for every value of 2022, as the report prints them."""
    for name, value in data.values["2022"].items():
        if isinstance(value, Mapping):
            for category, cell in value.items():
                yield name, category, "2022", cell
        else:
            yield name, "", "2022", value


def _indonesian(spec: Spec, name: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Grade):
        return value.label
    variable = spec.variables.get(name)
    if variable is not None and variable.domain in _RUPIAH_DOMAINS:
        return format_rupiah(value, "id")  # Rp 4.470.300.000
    indicator = spec.indicators.get(name)
    if indicator is not None and indicator.unit == "%":
        return format_number(value, "id", grouping=True) + " %"  # 97,27 %
    return format_number(value, "id", grouping=True)  # 50.410


def _plain(values: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Values with every Decimal as its exact text, so 100 and 100.00 differ."""

    def one(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: one(v) for k, v in value.items()}
        return str(value) if isinstance(value, Decimal) else value

    return {p: {n: one(v) for n, v in b.items()} for p, b in values.items()}


def _same_evaluation(full: Spec, bare: Spec, data: DataSet) -> None:
    expected = sakipcalc.evaluate(full, period="2022")
    got = sakipcalc.evaluate(bare, data, period="2022")
    assert dataclasses.replace(got, warnings=()) == dataclasses.replace(expected, warnings=())
    assert [(w.code, w.message) for w in got.warnings] == [
        (w.code, w.message) for w in expected.warnings
    ]
    assert got.indicator("pmks_tertangani").realisation.rounded == Decimal("41.42")


def test_tanah_laut_2022_data_round_trips_through_indonesian_csv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    full, bare = _tanah_laut_without_2022_data(monkeypatch)
    rows = list(_rows(full, full.data))
    assert ("pmks_population", "fakir_miskin", "2022", Decimal(50410)) in rows
    target = tmp_path / "realisasi-2022.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as handle:  # as Excel writes it
        out = csv.writer(handle, delimiter=";")
        out.writerow(["Nama", "Kategori", "Periode", "Nilai"])
        for name, category, period, value in rows:
            out.writerow([name, category, period, _indonesian(full, name, value)])
    text = target.read_text(encoding="utf-8-sig")
    assert "pmks_population;fakir_miskin;2022;50.410\n" in text.replace("\r\n", "\n")
    assert "bansos1_nominal_realised;;2022;Rp 4.470.300.000\n" in text.replace("\r\n", "\n")
    assert "data_terpadu;;2022;97,27 %\n" in text.replace("\r\n", "\n")

    data = load_data(bare, target, locale="id")
    assert _plain(data.values) == _plain(full.data.values)
    _same_evaluation(full, bare, data)

    # Without the locale, the Indonesian thousands are ambiguous, and each is reported.
    with pytest.raises(SpecError) as caught:
        load_data(bare, target)
    assert {i.code for i in caught.value.issues} == {"ambiguous-number"}
    assert len(caught.value.issues) == sum(
        1 for *_, v in rows if isinstance(v, Decimal) and 1000 <= abs(v) < 1_000_000
    )


def test_tanah_laut_2022_data_round_trips_through_xlsx(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    full, bare = _tanah_laut_without_2022_data(monkeypatch)
    rows: list[list[Any]] = [["name", "category", "period", "value"]]
    for name, category, period, value in _rows(full, full.data):
        if isinstance(value, Decimal):
            cell: Any = int(value) if value == value.to_integral_value() else float(value)
        else:
            cell = "-" if value is None else str(value)
        rows.append([name, category or None, int(period), cell])
    path = book(str(tmp_path / "realisasi.xlsx"), {"realisasi": rows})
    data = load_data(bare, path)  # number cells need no locale
    assert _plain(data.values) == _plain(full.data.values)
    _same_evaluation(full, bare, data)
