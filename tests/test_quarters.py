"""Quarterly monitoring (triwulan I–IV): ``evaluate_quarters`` and ``evaluate --quarters``.

Expected figures are computed by hand in the comments beside them; the golden
files pin the layout of each format.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from browser_support import browser_or_skip, open_chromium
from conftest import ROOT, Golden, run_cli

import sakipcalc
from sakipcalc.engine import QuarterlyReport, evaluate, evaluate_quarters
from sakipcalc.errors import ArgumentError, PeriodError
from sakipcalc.i18n import LABEL_KEYS, label
from sakipcalc.render import (
    add_quarterly_sheet,
    render_quarters_csv,
    render_quarters_html,
    render_quarters_json,
    render_quarters_markdown,
    render_quarters_section,
    render_quarters_table,
    render_quarters_xlsx,
)
from sakipcalc.render._quarters import quarterly_note
from sakipcalc.results import MissingInput, Status

EXAMPLE = ROOT / "examples" / "quarterly"

SPEC = """\
sakipcalc: 1
imports: [sakipcalc:standard/permendagri_86_2017.yaml]
spec:
  id: triwulan
  name: Contoh triwulan
  agency: Dinas Contoh
  plan: {start: 2023, end: 2023}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
  category_scale: permendagri_86_2017
variables:
  - {id: served, domain: count}
  - {id: population, domain: count}
indicators:
  - id: pct
    name: Persentase terlayani
    unit: "%"
    formula: served / population * 100
    quarters: last
    targets: {2023: 80, 2023-Q1: 20, 2023-Q2: 40}
  - {id: count, name: Jumlah kegiatan, unit: kegiatan, quarters: sum, targets: {2023: 40}}
  - {id: rate, name: Rata-rata nilai, unit: nilai, quarters: mean, targets: {2023: 90}}
  - {id: peak, name: Nilai tertinggi, unit: nilai, quarters: max, targets: {2023: 10}}
  - {id: gap, name: Jumlah dengan celah, unit: orang, quarters: sum, targets: {2023: 10}}
  - {id: none_rule, name: Tanpa aturan, unit: orang, targets: {2023: 10}}
  - {id: yearly, name: Tahunan saja, unit: dokumen, targets: {2023: 2}}
data:
  "2023": {yearly: 2}
  2023-Q1: {served: 30, population: 200, count: 7, rate: 88, peak: 4, gap: 1, none_rule: 3}
  2023-Q2: {served: 75, population: 250, count: 12, rate: 91.5, peak: 9.25, none_rule: 4}
  2023-Q3: {served: 121, population: 250, count: 9, rate: 90, peak: 6, gap: 2}
"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> sakipcalc.Spec:
    directory = tmp_path_factory.mktemp("triwulan")
    (directory / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return sakipcalc.load(directory)


@pytest.fixture(scope="module")
def quarterly(spec: sakipcalc.Spec) -> QuarterlyReport:
    return evaluate_quarters(spec, year="2023")


@pytest.fixture(scope="module")
def example() -> QuarterlyReport:
    return evaluate_quarters(sakipcalc.load(EXAMPLE), year="2023")


# ------------------------------------------------------------------ the figures


def test_yearly_indicators_are_left_out(quarterly: QuarterlyReport) -> None:
    # 'yearly' has no quarter rule and no quarterly data: nothing to monitor by quarter.
    assert [row.indicator for row in quarterly.indicators] == [
        "pct",
        "count",
        "rate",
        "peak",
        "gap",
        "none_rule",
    ]


def test_each_quarter_is_the_quarter_period_evaluated(quarterly: QuarterlyReport) -> None:
    pct = quarterly.indicator("pct")
    # 30 / 200 × 100 = 15; 75 / 250 × 100 = 30; 121 / 250 × 100 = 48.4; Q4 has no data
    assert [str(q.realisation.rounded) for q in pct.quarters[:3]] == ["15.00", "30.00", "48.40"]
    assert pct.quarters[3].realisation.status is Status.MISSING_DATA
    # quarterly targets 20 and 40: 15 / 20 × 100 = 75 (Sedang), 30 / 40 × 100 = 75
    assert [str(q.achievement.rounded) for q in pct.quarters[:2]] == ["75.00", "75.00"]
    assert pct.quarters[0].category is not None and pct.quarters[0].category.name == "Sedang"
    # no target for Q3: the engine's answer, a reason, no capaian
    assert pct.quarters[2].achievement.reason == "no target for 2023-Q3"


@pytest.mark.parametrize(
    ("indicator", "through", "cumulative", "achievement", "category"),
    [
        # last: Q3 is the year so far: 48.40; 48.4 / 80 × 100 = 60.5 (Rendah, 51–65)
        ("pct", 3, "48.40", "60.50", "Rendah"),
        # sum: 7 + 12 + 9 = 28; 28 / 40 × 100 = 70 (Sedang)
        ("count", 3, "28.00", "70.00", "Sedang"),
        # mean: (88 + 91.5 + 90) / 3 = 89.8333… → 89.83; 89.83 / 90 × 100 = 99.811… → 99.81
        ("rate", 3, "89.83", "99.81", "Sangat Tinggi"),
        # max: max(4, 9.25, 6) = 9.25; 9.25 / 10 × 100 = 92.5
        ("peak", 3, "9.25", "92.50", "Sangat Tinggi"),
    ],
)
def test_the_cumulative_figure_follows_the_quarter_rule(
    quarterly: QuarterlyReport,
    indicator: str,
    through: int,
    cumulative: str,
    achievement: str,
    category: str,
) -> None:
    row = quarterly.indicator(indicator)
    assert row.through == through
    assert str(row.cumulative.rounded) == cumulative
    assert str(row.cumulative_achievement.rounded) == achievement
    assert row.cumulative_category is not None and row.cumulative_category.name == category
    assert not row.complete


def test_a_gap_before_the_last_quarter_is_missing_data(quarterly: QuarterlyReport) -> None:
    # gap: Q1 1, Q2 missing, Q3 2: a sum through Q3 needs Q2
    row = quarterly.indicator("gap")
    assert row.through == 3
    assert row.cumulative.status is Status.MISSING_DATA
    assert row.cumulative.missing == (MissingInput("gap", None, "2023-Q2"),)
    assert row.cumulative.reason == (
        "missing data: gap in 2023-Q2 (cumulative from quarters by sum)"
    )
    assert sakipcalc.i18n.reason(row.cumulative.reason, "id") == (
        "data belum tersedia: gap (2023-Q2) (kumulatif dari triwulan: jumlah)"
    )


def test_an_indicator_without_a_quarter_rule_has_no_cumulative_figure(
    quarterly: QuarterlyReport,
) -> None:
    row = quarterly.indicator("none_rule")
    assert row.rule is None
    assert [str(q.realisation.rounded) for q in row.quarters[:2]] == ["3.00", "4.00"]
    assert row.cumulative.status is Status.NOT_COMPUTABLE
    assert row.cumulative.reason == "no quarter rule: the year is not built from its quarters"
    assert sakipcalc.i18n.reason(row.cumulative.reason, "id") == (
        "tidak ada aturan triwulan: nilai tahunan tidak dibentuk dari triwulan"
    )


def test_four_quarters_make_the_annual_value_the_engine_computes(
    example: QuarterlyReport,
) -> None:
    spec = sakipcalc.load(EXAMPLE)
    year = evaluate(spec, period="2023")
    for row in example.indicators:
        if row.complete:
            assert row.cumulative.rounded == year.indicator(row.indicator).realisation.rounded
            assert row.cumulative.raw == year.indicator(row.indicator).realisation.raw


def test_the_example_figures(example: QuarterlyReport) -> None:
    expected = {
        # last: 33480 / 76020 × 100 = 44.0410… → 44.04; target 100 → 44.04 (Sangat Rendah)
        "pmks_tertangani": (4, "44.04", "44.04", "Sangat Rendah"),
        # last: 96; target 100 → 96 (Sangat Tinggi)
        "pmks_kube": (4, "96.00", "96.00", "Sangat Tinggi"),
        # last, TW IV not yet reported: through TW III, 62.5 (Rendah)
        "psks_terlatih": (3, "62.50", "62.50", "Rendah"),
        # mean: (92.5 + 95 + 97.25 + 100) / 4 = 96.1875 → 96.19
        "tata_kelola_admin": (4, "96.19", "96.19", "Sangat Tinggi"),
        # sum: 180 + 320 + 410 + 260 = 1170; 1170 / 1200 × 100 = 97.5
        "bansos_tersalurkan": (4, "1170.00", "97.50", "Sangat Tinggi"),
    }
    for row in example.indicators:
        through, cumulative, achievement, category = expected[row.indicator]
        assert row.through == through
        assert str(row.cumulative.rounded) == cumulative
        assert str(row.cumulative_achievement.rounded) == achievement
        assert row.cumulative_category is not None
        assert row.cumulative_category.name == category
    first = example.indicator("pmks_tertangani")
    # 8120 / 75900 × 100 = 10.698… → 10.70 against 25: 42.80; 26310 / 76020 = 34.609… → 34.61
    # against 75: 46.1466… → 46.15
    assert str(first.quarters[0].achievement.rounded) == "42.80"
    assert str(first.quarters[2].achievement.rounded) == "46.15"


def test_a_quarter_is_refused_as_the_year(spec: sakipcalc.Spec) -> None:
    with pytest.raises(ArgumentError, match="year must be a year such as '2023'"):
        evaluate_quarters(spec, year="2023-Q2")
    with pytest.raises(PeriodError):
        evaluate_quarters(spec, year="2023-Q5")


def test_a_year_without_quarterly_data_lists_nothing(spec: sakipcalc.Spec) -> None:
    report = evaluate_quarters(spec, year="2022")
    # Indicators with a rule stay listed (missing data); only none_rule has no rule.
    assert "none_rule" not in [r.indicator for r in report.indicators]
    assert all(r.through is None for r in report.indicators)
    assert report.indicator("count").cumulative.status is Status.MISSING_DATA


# ------------------------------------------------------------------ the formats


@pytest.mark.parametrize("locale", ["en", "id"])
def test_table_golden(example: QuarterlyReport, golden: Golden, locale: str) -> None:
    golden.check(f"quarters/table-{locale}.txt", render_quarters_table(example, locale=locale))


def test_markdown_csv_html_goldens(example: QuarterlyReport, golden: Golden) -> None:
    golden.check("quarters/report-id.md", render_quarters_markdown(example, locale="id"))
    golden.check("quarters/report-id.csv", render_quarters_csv(example, locale="id"))
    golden.check("quarters/report-id.html", render_quarters_html(example, locale="id"))


def test_json_keeps_exact_decimals(example: QuarterlyReport) -> None:
    import json

    data = json.loads(render_quarters_json(example))
    row = data["indicators"][4]
    assert row["indicator"] == "bansos_tersalurkan"
    assert row["rule"] == "sum"
    assert row["cumulative"]["rounded"] == "1170.00"
    assert row["annual_target"] == "1200"
    assert data["indicators"][2]["quarters"][3]["realisation"]["status"] == "missing_data"


def test_colour_marks_the_cumulative_achievement(example: QuarterlyReport) -> None:
    table = render_quarters_table(example, locale="en", colour=True)
    assert "\x1b[31m44.04\x1b[0m" in table  # Sangat Rendah is red
    assert "\x1b[" not in render_quarters_table(example, locale="en")


def _workbook_rows(buffer: io.BytesIO) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["Triwulan"]
    return list(workbook["Triwulan"].iter_rows(values_only=True))


def test_xlsx_sheet_has_exact_number_cells(example: QuarterlyReport) -> None:
    buffer = io.BytesIO()
    render_quarters_xlsx(example, buffer, locale="id")
    rows = _workbook_rows(buffer)
    headings = rows[0]
    # People read the sheet by name: no id column (the CSV keeps it, for machines).
    assert headings[:5] == ("No", "Indikator", "Satuan", "Aturan triwulan", "Target tahunan")
    assert headings[5:8] == ("TW I Target", "TW I Realisasi", "TW I Capaian (%)")
    first = dict(zip(headings, rows[1], strict=True))
    assert first["Indikator"] == "Persentase PMKS yang tertangani"
    assert "pmks_tertangani" not in first.values()
    assert first["TW I Target"] == 25
    assert first["TW I Realisasi"] == pytest.approx(10.7)
    assert first["Kumulatif"] == pytest.approx(44.04)
    assert first["s.d. triwulan ke-"] == 4
    third = dict(zip(headings, rows[3], strict=True))
    assert third["TW IV Realisasi"] is None
    assert third["s.d. triwulan ke-"] == 3
    assert third["Keterangan"] == "TW IV: data belum tersedia: psks_terlatih (2023-Q4)"
    # The stored text of a number cell is the Decimal's exact digits.
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cell = workbook["Triwulan"].cell(row=6, column=headings.index("Kumulatif") + 1)
    assert cell.data_type == "n" and cell.number_format == "0.00"


def test_the_sheet_joins_another_workbook(example: QuarterlyReport) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Indikator"
    add_quarterly_sheet(workbook, example, locale="en")
    assert workbook.sheetnames == ["Indikator", "Quarterly"]
    assert workbook["Quarterly"]["B2"].value == "Persentase PMKS yang tertangani"


@pytest.mark.parametrize("locale", ["en", "id"])
def test_people_see_names_and_machines_ids(example: QuarterlyReport, locale: str) -> None:
    # Regression: the terminal table printed ids (pmks_tertangani) and the XLSX sheet
    # had an id column; only the machine formats (JSON, CSV) carry the id.
    name = "Persentase PMKS yang tertangani"
    ids = [row.indicator for row in example.indicators]
    human = {
        "table": render_quarters_table(example, locale=locale),
        "markdown": render_quarters_markdown(example, locale=locale),
        "html": render_quarters_html(example, locale=locale),
    }
    for text in human.values():
        assert name in text
        # The note "data belum tersedia: psks_terlatih (2023-Q4)" names the missing
        # data item (a reason, shared with the main report); no other id may appear.
        assert not [i for i in ids if i != "psks_terlatih" and i in text]
    assert re.search(f"\n +1  {name}  ", render_quarters_table(example, locale=locale))
    csv_rows = render_quarters_csv(example, locale=locale).splitlines()
    assert csv_rows[1].split(";" if locale == "id" else ",")[1:3] == ["pmks_tertangani", name]
    assert '"indicator": "pmks_tertangani"' in render_quarters_json(example)
    buffer = io.BytesIO()
    render_quarters_xlsx(example, buffer, locale=locale)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = {c for r in sheet.iter_rows(values_only=True) for c in r if isinstance(c, str)}
    assert name in cells and not cells & set(ids)


def test_the_section_embeds_escaped(spec: sakipcalc.Spec, tmp_path: Path) -> None:
    hostile = SPEC.replace("Persentase terlayani", "<script>alert(1)</script>")
    (tmp_path / "spec.yaml").write_text(hostile, encoding="utf-8")
    report = evaluate_quarters(sakipcalc.load(tmp_path), year="2023")
    section = render_quarters_section(report, locale="id", figure_number=5)
    assert str(section).startswith('<section class="quarterly" id="quarterly">')
    assert "<script>" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "Grafik 5" in re.sub(r"<[^>]+>", "", section)
    assert '<svg class="chart" id="chart-quarters"' in section


def test_the_page_is_self_contained(example: QuarterlyReport) -> None:
    page = render_quarters_html(example, locale="en")
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


# ------------------------------------------------------------------ Indonesian throughout


def _words(text: str) -> set[str]:
    # As tests/test_lang.py reads a report: words, not ids (es4_umpeg) nor functions (sum(…)).
    found = re.findall(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z_]*)(?![A-Za-z0-9_(])", text)
    return {w.lower() for w in found}


def _english() -> set[str]:
    english: set[str] = set()
    indonesian: set[str] = set()
    for key in LABEL_KEYS:
        english |= _words(label(key, "en"))
        indonesian |= _words(label(key, "id"))
    english |= {"ok", "missing_data", "not_computable", "sum", "last", "mean", "max"}
    return {w for w in english - indonesian if len(w) > 1}


def _xlsx_text(report: QuarterlyReport) -> str:
    buffer = io.BytesIO()
    render_quarters_xlsx(report, buffer, locale="id")
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [s.title for s in workbook]
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            cells += [v for v in row if isinstance(v, str)]
    return "\n".join(cells)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "xlsx", "html"])
def test_indonesian_output_has_no_english_word(example: QuarterlyReport, fmt: str) -> None:
    if fmt == "xlsx":
        text = _xlsx_text(example)
    elif fmt == "html":
        page = render_quarters_html(example, locale="id")
        text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.DOTALL)
    else:
        render = {
            "table": render_quarters_table,
            "markdown": render_quarters_markdown,
            "csv": render_quarters_csv,
        }[fmt]
        text = render(example, locale="id")
    spec_words = set().union(
        *(_words(f"{r.name} {r.unit}") for r in example.indicators),
        _words(example.spec_name),
        _words(example.agency or ""),
    )
    leaked = sorted((_words(text) - spec_words) & _english())
    assert not leaked, leaked


# ------------------------------------------------------------------ the command line


def test_cli_shows_the_example() -> None:
    result = run_cli("evaluate", str(EXAMPLE), "--period", "2023", "--quarters", "--locale", "id")
    assert result.code == 0, result.err
    assert "TW I" in result.out and "62,50 (s.d. TW III)" in result.out
    assert result.out == render_quarters_table(
        evaluate_quarters(sakipcalc.load(EXAMPLE), year="2023"), locale="id"
    )


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv", "html"])
def test_cli_writes_every_format(fmt: str, tmp_path: Path) -> None:
    output = tmp_path / f"triwulan.{fmt}"
    result = run_cli(
        "evaluate", str(EXAMPLE), "--period", "2023", "--quarters", "--format", fmt,
        "-o", str(output),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Jumlah keluarga penerima manfaat" in output.read_text(encoding="utf-8-sig")


def test_cli_writes_the_sheet(tmp_path: Path) -> None:
    output = tmp_path / "triwulan.xlsx"
    result = run_cli("evaluate", str(EXAMPLE), "--quarters", "--format", "xlsx", "-o", str(output))
    assert result.code == 0, result.err
    assert "evaluating 2023, the latest year with data" in result.err
    assert openpyxl.load_workbook(output).sheetnames == ["Quarterly"]


def test_cli_refuses_a_quarter_period() -> None:
    result = run_cli("evaluate", str(EXAMPLE), "--period", "2023-Q2", "--quarters")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "sakipcalc: --quarters shows the four quarters of a year side by side; give the "
        "year (--period 2023), not the quarter 2023-Q2\n"
    )
    indonesian = run_cli(
        "evaluate", str(EXAMPLE), "--period", "2023-Q2", "--quarters", "--locale", "id"
    )
    assert (indonesian.code, indonesian.err) == (
        2,
        "sakipcalc: --quarters menampilkan keempat triwulan satu tahun berdampingan; "
        "berikan tahunnya (--period 2023), bukan triwulan 2023-Q2\n",
    )


def test_cli_xlsx_needs_a_file() -> None:
    result = run_cli("evaluate", str(EXAMPLE), "--period", "2023", "--quarters", "--format", "xlsx")
    assert result.code == 2
    assert "give it with -o FILE.xlsx" in result.err


def test_decimals_reach_the_sheet_unchanged(example: QuarterlyReport) -> None:
    row = example.indicator("tata_kelola_admin")
    assert row.cumulative.raw == Decimal("96.1875")  # 384.75 / 4, exactly


# ------------------------------------------------------------------ in a real browser


def test_the_page_fits_a4_in_headless_chromium(example: QuarterlyReport, tmp_path: Path) -> None:
    browser_or_skip()
    page = tmp_path / "triwulan.html"
    page.write_text(render_quarters_html(example, locale="id"), encoding="utf-8")
    driver = open_chromium(tmp_path / "profile")
    try:
        # A4 landscape less the stylesheet's 14 mm margins, at 96 dpi: about 1017 px wide.
        driver.set_window_size(1017, 900)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.get(page.as_uri())
        script = driver.execute_script
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
        assert script("return performance.getEntriesByType('resource').length") == 0
        assert script("return document.documentElement.scrollWidth") <= script(
            "return document.documentElement.clientWidth"
        )
        overflowing = script(
            "return [...document.querySelectorAll('#quarterly-table td, #quarterly-table th')]"
            ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => [c.textContent, c.scrollWidth, c.clientWidth])"
        )
        assert overflowing == [], repr(overflowing)
        box = script("return document.getElementById('chart-quarters').getBoundingClientRect()")
        assert box["width"] > 600 and box["height"] > 500, box
    finally:
        driver.quit()


VARIABLE_RULES = """\
sakipcalc: 1
imports: [sakipcalc:standard/permendagri_86_2017.yaml]
spec:
  id: aturan_variabel
  name: Aturan pada variabel
  plan: {start: 2023, end: 2023}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
  category_scale: permendagri_86_2017
breakdowns:
  - {id: jenis, categories: [a, b]}
variables:
  - {id: served, domain: count, quarters: sum}
  - {id: population, domain: count, quarters: last}
  - {id: handled, breakdown: jenis, domain: count, quarters: sum}
  - {id: people, breakdown: jenis, domain: count, quarters: last}
indicators:
  - {id: pct, name: Persentase terlayani, unit: "%", formula: served / population * 100,
     targets: {2023: 80}}
  - {id: by_type, name: Persentase per jenis, unit: "%",
     formula: sum(handled) / sum(people) * 100, targets: {2023: 50}}
  - {id: twice, name: Dua kali, unit: "%", formula: pct * 2, targets: {2023: 100}}
data:
  2023-Q1: {served: 30, population: 200, handled: {a: 5, b: 5}, people: {a: 40, b: 60}}
  2023-Q2: {served: 40, population: 250, handled: {a: 10, b: 20}, people: {a: 50, b: 50}}
"""


def test_cumulative_of_a_formula_over_variables_with_quarter_rules(tmp_path: Path) -> None:
    # Regression: an indicator without a rule of its own, whose variables declare
    # `quarters:`, was "not computable: the year is not built from its quarters",
    # though its annual value is built from them. Through TW II, by hand:
    # served 30 + 40 = 70 (sum), population 250 (last): 70 / 250 * 100 = 28.00, capaian
    # 28 / 80 * 100 = 35.00; handled (5+10) + (5+20) = 40 of people 50 + 50 = 100 (last):
    # 40.00, capaian 40 / 50 * 100 = 80.00; twice = 2 * 28 = 56.00 (capaian 56.00).
    (tmp_path / "spec.yaml").write_text(VARIABLE_RULES, encoding="utf-8")
    report = evaluate_quarters(sakipcalc.load(tmp_path), year="2023")
    expected = {
        "pct": ("28.00", "35.00"),
        "by_type": ("40.00", "80.00"),
        "twice": ("56.00", "56.00"),
    }
    for indicator, (value, achievement) in expected.items():
        row = report.indicator(indicator)
        assert row.through == 2
        assert row.cumulative.status is Status.OK, row.cumulative.reason
        assert row.cumulative.rounded == Decimal(value)
        assert row.cumulative_achievement.rounded == Decimal(achievement)
    # The quarters themselves are unchanged: TW I 30 / 200 = 15.00, TW II 40 / 250 = 16.00.
    quarters = [q.realisation.rounded for q in report.indicator("pct").quarters]
    assert quarters == [Decimal("15.00"), Decimal("16.00"), None, None]
    # Complete, the cumulative figure is the annual value: add TW III and IV.
    full = VARIABLE_RULES + (
        "  2023-Q3: {served: 10, population: 250, handled: {a: 0, b: 0}, people: {a: 50, b: 50}}\n"
        "  2023-Q4: {served: 20, population: 400, handled: {a: 1, b: 1}, people: {a: 1, b: 1}}\n"
    )
    (tmp_path / "spec.yaml").write_text(full, encoding="utf-8")
    spec = sakipcalc.load(tmp_path)
    report = evaluate_quarters(spec, year="2023")
    annual = evaluate(spec, period="2023")
    # served 100 of population 400 = 25.00; handled 42 of people 2 = 2100.00.
    assert report.indicator("pct").cumulative.rounded == Decimal("25.00")
    assert report.indicator("by_type").cumulative.rounded == Decimal("2100.00")
    for row in report.indicators:
        assert row.complete
        assert row.cumulative.rounded == annual.indicator(row.indicator).realisation.rounded


GRADES = """\
sakipcalc: 1
imports: [sakipcalc:standard/permendagri_86_2017.yaml, sakipcalc:standard/akip.yaml]
spec:
  id: predikat
  name: Predikat per triwulan
  plan: {start: 2023, end: 2023}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
  category_scale: permendagri_86_2017
indicators:
  - {id: akip, name: Predikat AKIP, unit: predikat, scale: akip, quarters: last,
     targets: {2023: BB}}
  - {id: akip_mean, name: Predikat rata-rata, unit: predikat, scale: akip, quarters: mean,
     targets: {2023: BB}}
data:
  2023-Q1: {akip: B, akip_mean: B}
  2023-Q2: {akip: BB, akip_mean: BB}
"""


def test_grade_labels_by_quarter(tmp_path: Path) -> None:
    # Regression: quarters given as grade labels made the year "a quarter is not
    # computable: None", in the quarterly view and in the annual evaluation alike.
    # By hand on the AKIP scale (D=1 … BB=5, A=6, AA=7): under `last`, through TW II
    # the year so far is BB, 5 / 5 * 100 = 100.00; with TW IV = A the year is A,
    # 6 / 5 * 100 = 120.00. Labels have no mean: that rule says so.
    (tmp_path / "spec.yaml").write_text(GRADES, encoding="utf-8")
    report = evaluate_quarters(sakipcalc.load(tmp_path), year="2023")
    row = report.indicator("akip")
    assert (row.through, row.cumulative.grade) == (2, "BB")
    assert row.cumulative_achievement.rounded == Decimal("100.00")
    mean = report.indicator("akip_mean").cumulative
    assert mean.status is Status.NOT_COMPUTABLE
    assert mean.reason is not None and "(B, BB)" in mean.reason and "None" not in mean.reason
    full = GRADES + "  2023-Q3: {akip: BB}\n  2023-Q4: {akip: A}\n"
    (tmp_path / "spec.yaml").write_text(full, encoding="utf-8")
    spec = sakipcalc.load(tmp_path)
    annual = evaluate(spec, period="2023").indicator("akip")
    assert annual.realisation.grade == "A"
    assert annual.achievement.rounded == Decimal("120.00")
    row = evaluate_quarters(spec, year="2023").indicator("akip")
    assert row.complete and row.cumulative.grade == "A"
    assert row.cumulative_achievement.rounded == Decimal("120.00")
    assert sakipcalc.i18n.reason(mean.reason, "id") == (
        "nilai triwulan berupa predikat (B, BB): hanya 'quarters: last' membentuk predikat tahunan"
    )


def test_annual_data_that_differs_from_the_complete_quarters_is_noted(tmp_path: Path) -> None:
    # Regression: the year given as 1000 beside quarters summing to 200 + 200 + 200 +
    # 300 = 900: the main report shows 1000 (83.33 % of 1200), this view 900 (75.00 %),
    # and nothing said why. The row now says so; quarters that agree say nothing.
    spec_text = (
        "sakipcalc: 1\n"
        "spec: {id: t, name: T, plan: {start: 2023, end: 2023}}\n"
        "indicators:\n"
        "  - {id: kpm, name: Jumlah KPM, unit: KPM, quarters: sum, targets: {2023: 1200}}\n"
        "data:\n"
        '  "2023": {kpm: 1000}\n'
        "  2023-Q1: {kpm: 200}\n  2023-Q2: {kpm: 200}\n  2023-Q3: {kpm: 200}\n"
        "  2023-Q4: {kpm: 300}\n"
    )
    (tmp_path / "spec.yaml").write_text(spec_text, encoding="utf-8")
    row = evaluate_quarters(sakipcalc.load(tmp_path), year="2023").indicator("kpm")
    assert row.cumulative.rounded == Decimal("900.00")
    assert row.cumulative_achievement.rounded == Decimal("75.00")
    assert row.annual is not None and row.annual.rounded == Decimal("1000.00")
    assert quarterly_note(row, "id") == (
        "realisasi tahunan dalam data 1.000,00, berbeda dengan gabungan triwulan 900,00"
    )
    assert (
        quarterly_note(row, "en") == "the data gives the year as 1000.00, not the quarters' 900.00"
    )
    (tmp_path / "spec.yaml").write_text(spec_text.replace("kpm: 1000", "kpm: 900"), "utf-8")
    row = evaluate_quarters(sakipcalc.load(tmp_path), year="2023").indicator("kpm")
    assert row.annual is None and quarterly_note(row, "en") == ""


def test_a_long_chain_over_a_quarterly_variable(tmp_path: Path) -> None:
    # i0 = v (v by sum), i_k = i_(k-1) + 1: through TW II v is 1 + 2 = 3, and the last
    # of 3000 indicators is 3 + 2999 = 3002. Whether a formula reads a quarterly
    # variable is worked out down the chain without recursion (RecursionError at ~1000).
    lines = [
        "sakipcalc: 1",
        "spec: {id: t, name: T, plan: {start: 2023, end: 2023}}",
        "variables:\n  - {id: v, quarters: sum}",
        # Dependents first, as a spec may list them: the last of the chain leads.
        "indicators:",
        *(
            f"  - {{id: i{k}, name: I{k}, unit: x, formula: i{k - 1} + 1}}"
            for k in range(2999, 0, -1)
        ),
        "  - {id: i0, name: I0, unit: x, formula: v}",
        "data:\n  2023-Q1: {v: 1}\n  2023-Q2: {v: 2}",
    ]
    (tmp_path / "spec.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    row = evaluate_quarters(sakipcalc.load(tmp_path), year="2023").indicator("i2999")
    assert (row.through, row.cumulative.rounded) == (2, Decimal("3002.00"))


def test_a_ratio_of_sums_so_far_ignores_the_years_own_data(tmp_path: Path) -> None:
    # The data gives the year (500 of 1000 = 50.00) and TW I-II only. Through TW II the
    # figure is the quarters' (30 + 40) / 250 × 100 = 28.00, as an indicator with its own
    # rule would show, not the year's 50.00 labelled "s.d. TW II".
    text = VARIABLE_RULES.replace(
        "data:\n", 'data:\n  "2023": {served: 500, population: 1000, handled: {a: 1, b: 1}}\n'
    )
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    row = evaluate_quarters(sakipcalc.load(tmp_path), year="2023").indicator("pct")
    assert (row.through, row.cumulative.rounded, row.annual) == (2, Decimal("28.00"), None)
