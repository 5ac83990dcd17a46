"""Realisation data round-trips through CSV and XLSX, in Indonesian and English formats."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import TANAH_LAUT_SPEC, run_cli

import sakipcalc
from sakipcalc import DataSet, Spec

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def spec() -> Spec:
    return sakipcalc.load(TANAH_LAUT_SPEC)


def _without_data(spec: Spec) -> Spec:
    # load_data merges with the spec's own data; start from none to compare exactly.
    return dataclasses.replace(spec, data=DataSet())


def _plain(data: DataSet) -> dict[str, dict[str, object]]:
    return {
        period: {name: dict(v) if hasattr(v, "items") else v for name, v in values.items()}
        for period, values in data.values.items()
    }


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_tanah_laut_data_round_trips(
    spec: Spec, tmp_path: Path, suffix: str, locale: str
) -> None:
    target = tmp_path / f"realisasi{suffix}"
    sakipcalc.write_data(spec.data, target, locale=locale)  # type: ignore[arg-type]
    back = sakipcalc.load_data(_without_data(spec), target, locale=locale)  # type: ignore[arg-type]
    assert _plain(back) == _plain(spec.data)
    # and the evaluation is the same figure for figure
    again = sakipcalc.evaluate(dataclasses.replace(spec, data=back), period="2022")
    first = sakipcalc.evaluate(spec, period="2022")
    assert [(r.indicator, r.realisation, r.achievement) for r in again.indicators] == [
        (r.indicator, r.realisation, r.achievement) for r in first.indicators
    ]


def test_indonesian_csv_is_what_excel_in_indonesia_expects(spec: Spec, tmp_path: Path) -> None:
    target = tmp_path / "realisasi.csv"
    sakipcalc.write_data(spec.data, target, locale="id")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "name;category;period;value"
    # 50.410 people, written with the Indonesian thousands separator (hand-checked, L4465)
    assert "pmks_population;fakir_miskin;2022;50.410" in lines
    # 97,27 % (hand-checked, L6012) with a decimal comma
    assert "data_terpadu;;2022;97,27" in lines


def test_numbers_are_number_cells_in_xlsx(spec: Spec, tmp_path: Path) -> None:
    target = tmp_path / "realisasi.xlsx"
    sakipcalc.write_data(spec.data, target, locale="id")
    sheet = openpyxl.load_workbook(target)["realisasi"]
    rows = {(r[0].value, r[1].value, r[2].value): r[3] for r in sheet.iter_rows(min_row=2)}
    cell = rows[("pmks_population", "fakir_miskin", "2022")]
    assert cell.data_type == "n"
    assert cell.value == 50410


def test_cli_writes_data_for_one_period(tmp_path: Path) -> None:
    target = tmp_path / "q.csv"
    result = run_cli("data", str(TANAH_LAUT_SPEC), "-o", str(target), "--period", "2021")
    assert result.code == 0, result.err
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "name,category,period,value"
    assert {line.split(",")[2] for line in lines[1:]} == {"2021"}
    # 2021: 87,02 and 49,01 (hand-checked, L6810 and L6814)
    assert "pmks_tertangani,,2021,87.02" in lines
    assert "pmks_mandiri,,2021,49.01" in lines


def test_cli_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    result = run_cli("data", str(TANAH_LAUT_SPEC), "-o", str(tmp_path / "x.txt"))
    assert result.code == 2
    assert "use .csv or .xlsx" in result.err


def test_evaluate_defaults_to_the_latest_year_with_data(tmp_path: Path) -> None:
    # The command as issue 7 writes it, without --period: the Tanah Laut spec has data for 2021 and 2022.
    target = tmp_path / "report.html"
    result = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--format", "html", "-o", str(target))
    assert result.code == 0, result.err
    assert "evaluating 2022, the latest year with data" in result.err
    assert "41,42" in target.read_text(encoding="utf-8")
