"""The HTML report's charts: geometry checked by hand, labels as in the tables, the quarterly view.

The trend chart's geometry (``sakipcalc.render._chart_trend``): three panels
a row across 900 px, each 300 px wide with a 40 px margin left and right
(a 220 px plot) and a 100 px plot 40 px below the panel's top; the first
panel's top is at y = 28, so its plot's bottom is at y = 168. A panel with
n years puts year i (0-based) at x = 40 + 220 × (i + 0.5) / n. The expected
pixels below are worked out from these numbers, not read from the output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import browser_or_skip, open_chromium, print_mode
from conftest import ROOT, TANAH_LAUT_SPEC, run_cli
from test_render_html import Node, body_rows, parse
from test_render_print import (
    OVERFLOWING_CELLS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PAST_THE_EDGE,
)

import sakipcalc
from sakipcalc import EvaluationReport
from sakipcalc.engine import evaluate_quarters
from sakipcalc.render import render_html, render_xlsx
from sakipcalc.render._chapter import build_chapter
from sakipcalc.render._chart_trend import chart_trend, trend_years
from sakipcalc.render._charts import chart_categories, chart_target_realisation
from sakipcalc.render._html_style import END_TARGET, REALISATION_FILL, TARGET_FILL
from sakipcalc.render._svg import Chart, Circle, Close, Line, Open, Polyline, Rect, Shape, Text

QUARTERLY_EXAMPLE = ROOT / "examples" / "quarterly"

# One IKU with targets 2020-2022, an end target of 60 and a plan to 2024; data for
# 2020 and 2022 only, so 2021 has a target and no realisation, 2023 and 2024 nothing.
TREND_SPEC = """\
sakipcalc: 1
spec:
  id: tren
  name: Laporan Kinerja Contoh 2022
  agency: Dinas Contoh
  plan: {start: 2020, end: 2024}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
indicators:
  - id: pct
    name: Persentase contoh
    unit: "%"
    tags: [IKU]
    targets: {2020: 20, 2021: 30, 2022: 40}
    end_target: 60
  - id: people
    name: Jumlah orang terlayani
    unit: orang
    targets: {2022: 10}
data:
  "2020": {pct: 15}
  "2022": {pct: 35, people: 8}
"""


@pytest.fixture
def trend_spec(write_spec: Any) -> sakipcalc.Spec:
    return sakipcalc.load(write_spec({"spec.yaml": TREND_SPEC}))


@pytest.fixture
def trend_report(trend_spec: sakipcalc.Spec) -> EvaluationReport:
    return sakipcalc.evaluate(trend_spec, period="2022")


def panel(chart: Chart, number: str) -> list[Shape]:
    """The shapes of the panel whose tooltip starts with ``number`` ("A1")."""
    shapes = list(chart.shapes)
    (start,) = [
        i for i, s in enumerate(shapes) if isinstance(s, Open) and s.title.startswith(f"{number}.")
    ]
    end = next(i for i in range(start, len(shapes)) if isinstance(shapes[i], Close))
    return shapes[start:end]


def texts_at(shapes: list[Shape], y: float) -> list[tuple[float, str]]:
    return [(s.x, s.text) for s in shapes if isinstance(s, Text) and s.y == pytest.approx(y)]


# ------------------------------------------------------------------ trend: plan end


def test_trend_years_run_to_the_plan_final_year() -> None:
    assert list(trend_years(2020, 2022, 2024)) == [2020, 2021, 2022, 2023, 2024]
    assert list(trend_years(2020, 2022, None)) == [2020, 2021, 2022]
    # a plan that ended before the report's year: the axis still reaches the report
    assert list(trend_years(2019, 2024, 2023)) == [2019, 2020, 2021, 2022, 2023, 2024]


def test_trend_axis_has_every_year_to_the_plan_end(
    trend_report: EvaluationReport, trend_spec: sakipcalc.Spec
) -> None:
    chart = chart_trend(build_chapter(trend_report, trend_spec), "id")
    shapes = panel(chart, "A1")
    # five years, 2020-2024: x = 40 + 220 × (i + 0.5) / 5 = 62, 106, 150, 194, 238;
    # the year labels sit 14 px below the plot (168 + 14)
    assert texts_at(shapes, 182) == [
        (pytest.approx(62.0), "2020"),
        (pytest.approx(106.0), "2021"),
        (pytest.approx(150.0), "2022"),
        (pytest.approx(194.0), "2023"),
        (pytest.approx(238.0), "2024"),
    ]
    # "people" has neither earlier years nor an end target: no panel of its own
    assert [s.title[:3] for s in chart.shapes if isinstance(s, Open)] == ["A1."]


def test_trend_end_target_is_drawn_at_the_plan_final_year(
    trend_report: EvaluationReport, trend_spec: sakipcalc.Spec
) -> None:
    shapes = panel(chart_trend(build_chapter(trend_report, trend_spec), "id"), "A1")
    # values 15 … 60: the axis is 0-100, so y = 168 - value; the end target 60 at y = 108
    markers = [s for s in shapes if isinstance(s, Rect) and s.fill == END_TARGET]
    assert markers == [Rect(234.0, 104.0, 8, 8, END_TARGET)]  # centred on (238, 108): 2024
    assert (pytest.approx(245.0), "60") in texts_at(shapes, 103.0)
    dashed = [s for s in shapes if isinstance(s, Line) and s.stroke == END_TARGET]
    assert dashed == [Line(40.0, 108.0, 260.0, 108.0, END_TARGET, "5 3")]


def test_trend_years_without_data_are_gaps_not_zeros(
    trend_report: EvaluationReport, trend_spec: sakipcalc.Spec
) -> None:
    shapes = panel(chart_trend(build_chapter(trend_report, trend_spec), "id"), "A1")
    dots = [(s.x, s.y) for s in shapes if isinstance(s, Circle)]
    # realisations 15 (2020) and 35 (2022) only; nothing at 2021, 2023, 2024, nor at y = 168 (0)
    assert dots == [(pytest.approx(62.0), pytest.approx(153.0)), (150.0, pytest.approx(133.0))]
    lines = [s for s in shapes if isinstance(s, Polyline)]
    # the yearly targets 20, 30, 40 are one dashed run; the two realisations are not joined
    # across the missing 2021
    assert [(line.stroke, line.dash) for line in lines] == [(TARGET_FILL, "4 3")]
    assert lines[0].points == (
        (pytest.approx(62.0), pytest.approx(148.0)),
        (pytest.approx(106.0), pytest.approx(138.0)),
        (pytest.approx(150.0), pytest.approx(128.0)),
    )
    assert not any(isinstance(s, Polyline) and s.stroke == REALISATION_FILL for s in shapes)


def test_trend_data_table_lists_the_years_with_data_and_the_end_target(
    trend_report: EvaluationReport, trend_spec: sakipcalc.Spec
) -> None:
    chart = chart_trend(build_chapter(trend_report, trend_spec), "id")
    name = "Persentase contoh"
    assert chart.rows == (
        ("A1", name, "2020", "20", "15,00", "75,00"),  # 15 / 20 × 100
        ("A1", name, "2021", "30", "–", "–"),
        ("A1", name, "2022", "40", "35,00", "87,50"),  # 35 / 40 × 100
        ("A1", name, "Target akhir Renstra (2024)", "60", "–", "–"),
    )


def test_trend_without_a_spec_ends_at_the_report_year(trend_report: EvaluationReport) -> None:
    shapes = panel(chart_trend(build_chapter(trend_report), "id"), "A1")
    # the plan is unknown: three years, x = 40 + 220 × (i + 0.5) / 3
    assert texts_at(shapes, 182) == [
        (pytest.approx(40 + 220 * 0.5 / 3), "2020"),
        (pytest.approx(150.0), "2021"),
        (pytest.approx(40 + 220 * 2.5 / 3), "2022"),
    ]
    # the end target is the dashed line alone, its value right of the plot (260 + 4)
    assert not [s for s in shapes if isinstance(s, Rect) and s.fill == END_TARGET]
    assert (pytest.approx(264.0), "60") in texts_at(shapes, 111.0)


def test_trend_in_the_page_shows_the_plan_final_year(
    trend_report: EvaluationReport, trend_spec: sakipcalc.Spec
) -> None:
    document = parse(render_html(trend_report, spec=trend_spec))
    trend = document.by_id("chart-trend").text()
    assert "2024" in trend and "2023" in trend
    assert "Target akhir Renstra (2024)" in trend  # the legend names the year


def test_tanah_laut_trend_reaches_2023(tanah_laut_chapter: Any) -> None:
    """The Tanah Laut report is of 2022; its Renstra runs 2019-2023."""
    shapes = panel(chart_trend(tanah_laut_chapter, "id"), "A1")
    # pmks_tertangani: targets 2019-2022 (40, 65, 90, 100), realisations 2021 and 2022;
    # with 2023 five years: 2023 at x = 40 + 220 × 4.5 / 5 = 238 in the first panel
    assert [text for _, text in texts_at(shapes, 182)] == ["2019", "2020", "2021", "2022", "2023"]
    assert texts_at(shapes, 182)[-1] == (pytest.approx(238.0), "2023")
    # end target 100 on a 0-100 axis: y = 168 - 100 = 68; the marker centred on (238, 68)
    assert [s for s in shapes if isinstance(s, Rect) and s.fill == END_TARGET] == [
        Rect(234.0, 64.0, 8, 8, END_TARGET)
    ]
    # 87,02 in 2021 (x 150) and 41,42 in 2022 (x 194): y = 168 - value
    dots = [(s.x, s.y) for s in shapes if isinstance(s, Circle)]
    assert dots == [
        (pytest.approx(150.0), pytest.approx(80.98)),
        (pytest.approx(194.0), pytest.approx(126.58)),
    ]


# ------------------------------------------------------------------ labels as in the tables


@pytest.fixture(scope="module")
def tanah_laut() -> tuple[sakipcalc.Spec, EvaluationReport]:
    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    return spec, sakipcalc.evaluate(spec, period="2022")


@pytest.fixture(scope="module")
def tanah_laut_chapter(tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]) -> Any:
    spec, report = tanah_laut
    return build_chapter(report, spec)


@pytest.fixture(scope="module")
def tanah_laut_page(tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]) -> Node:
    spec, report = tanah_laut
    return parse(render_html(report, spec=spec))


def table_numbers(document: Node) -> dict[str, str]:
    """Indicator id -> "A1" / "B3", read from the page's Tabel A and B."""
    numbers = {}
    for table, letter in (("iku-table", "A"), ("indicators-table", "B")):
        for row in body_rows(document, table):
            if row.attrs.get("id", "").startswith("indicator-"):
                numbers[row.attrs["id"].removeprefix("indicator-")] = (
                    letter + row.children[0].text()
                )
    return numbers


def chart_data(document: Node, chart: str) -> list[list[str]]:
    (tbody,) = list(document.by_id(f"{chart}-figure").iter("tbody"))
    return [[cell.text() for cell in row.children] for row in tbody.children]


def test_chart_labels_are_the_tables_row_numbers(
    tanah_laut_page: Node, tanah_laut: tuple[sakipcalc.Spec, EvaluationReport]
) -> None:
    _, report = tanah_laut
    names = {r.indicator: r.name for r in report.indicators}
    by_name = {names[i]: number for i, number in table_numbers(tanah_laut_page).items()}
    # read off the printed tables by hand: the two IKU, then Tabel B's first and seventh rows
    assert by_name["Persentase PMKS yang tertangani"] == "A1"
    assert by_name["Persentase PMKS yang menjadi mandiri (%)"] == "A2"
    kube = (
        "Persentase PMKS yang menerima program pemberdayaan sosial melalui KUBE atau "
        "kelompok sosial ekonomi sejenisnya"
    )
    assert by_name[kube] == "B1"
    drawn = tanah_laut_page.by_id("chart-target").text()
    assert "A1. Persentase PMKS yang tertangani" in drawn
    assert "B1. Persentase PMKS yang menerima program pemberd" in drawn
    for chart in ("chart-target", "chart-trend"):
        rows = chart_data(tanah_laut_page, chart)
        assert rows
        for number, name, *_ in rows:
            assert by_name[name] == number, (chart, name)
    # the trend panels' headings carry the same numbers
    trend = tanah_laut_page.by_id("chart-trend").text()
    assert "A1. Persentase PMKS yang tertangani" in trend


def test_chart_labels_come_from_the_chapter(tanah_laut_chapter: Any) -> None:
    labels = tanah_laut_chapter.row_labels
    chart = chart_target_realisation(tanah_laut_chapter, "id")
    drawn = [row[0] for row in chart.rows]
    # the drawn rows are the tables' rows, in the tables' order, under the chapter's labels
    in_table_order = [labels[r.id] for r in tanah_laut_chapter.rows]
    assert drawn == [number for number in in_table_order if number in set(drawn)]
    assert drawn[:3] == ["A1", "A2", "B1"]
    # the grade indicator is named with its row too, and one with no data by its name alone
    assert any(
        re.fullmatch(r"B\d+\. Nilai Akuntabilitas .*\(indikator berupa predikat\)", s)
        for s in chart.skipped
    )
    assert "Angka kemiskinan (data belum tersedia)" in chart.skipped


def test_eselon_iv_indicators_stay_in_their_pk_table(tanah_laut_page: Node) -> None:
    figure = tanah_laut_page.by_id("chart-target-figure").text()
    assert "Jumlah dokumen Administrasi Barang SKPD" not in figure


def test_category_counts_are_those_of_tabel_a_and_b(tanah_laut_chapter: Any) -> None:
    chart = chart_categories(tanah_laut_chapter, "id")
    counted = sum(int(count) for _, count in chart.rows)
    assert counted == len(tanah_laut_chapter.rows) == 15  # 2 IKU + 13 in Tabel B


# ------------------------------------------------------------------ the quarterly view embedded


@pytest.fixture(scope="module")
def quarterly() -> tuple[sakipcalc.Spec, EvaluationReport, Any]:
    spec = sakipcalc.load(QUARTERLY_EXAMPLE)
    return spec, sakipcalc.evaluate(spec, period="2023"), evaluate_quarters(spec, year="2023")


def test_the_main_report_embeds_the_quarterly_section(
    quarterly: tuple[sakipcalc.Spec, EvaluationReport, Any],
) -> None:
    spec, report, quarters = quarterly
    html = render_html(report, spec=spec, quarterly=quarters)
    document = parse(html)
    section = document.by_id("quarterly")
    assert "Pemantauan kinerja triwulanan" in section.text()
    assert len(body_rows(document, "quarterly-table")) == len(quarters.indicators) == 5
    # the quarterly chart follows the report's four: figure 5
    caption = next(document.by_id("chart-quarters-figure").iter("figcaption")).text()
    assert re.match(r"Grafik (3\.)?5 ", caption), caption
    # after the budget, before the performance tree
    assert html.index('id="budget"') < html.index('id="quarterly"')
    assert html.index('id="quarterly"') < html.index('id="no-data"')
    assert 'id="quarterly"' not in render_html(report, spec=spec)


def test_the_workbook_embeds_the_quarterly_sheet(
    quarterly: tuple[sakipcalc.Spec, EvaluationReport, Any], tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    spec, report, quarters = quarterly
    path = tmp_path / "laporan.xlsx"
    render_xlsx(report, path, locale="id", spec=spec, quarterly=quarters)
    names = openpyxl.load_workbook(path).sheetnames
    # the data sheets, the quarterly sheet, then chapter III last as before
    assert names[-2] == "Triwulan"
    without = tmp_path / "tanpa.xlsx"
    render_xlsx(report, without, locale="id", spec=spec)
    assert "Triwulan" not in openpyxl.load_workbook(without).sheetnames
    assert len(names) == len(openpyxl.load_workbook(without).sheetnames) + 1


def test_evaluate_html_of_a_year_with_quarters_includes_them(tmp_path: Path) -> None:
    result = run_cli("evaluate", str(QUARTERLY_EXAMPLE), "--period", "2023", "--format", "html")
    assert result.code == 0, result.err
    assert result.out.count('id="quarterly"') == 1
    # a quarter's report is itself quarterly: no section
    quarter = run_cli("evaluate", str(QUARTERLY_EXAMPLE), "--period", "2023-Q2", "--format", "html")
    assert quarter.code == 0, quarter.err
    assert 'id="quarterly"' not in quarter.out
    # a spec without quarterly data: the report as before
    tanah_laut = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", "2022", "--format", "html")
    assert tanah_laut.code == 0 and 'id="quarterly"' not in tanah_laut.out
    pytest.importorskip("openpyxl")
    out = tmp_path / "q.xlsx"
    args = ("evaluate", str(QUARTERLY_EXAMPLE), "--period", "2023", "--format", "xlsx")
    result = run_cli(*args, "--locale", "id", "-o", str(out))
    assert result.code == 0, result.err
    import openpyxl

    assert "Triwulan" in openpyxl.load_workbook(out).sheetnames


def test_trend_axis_is_at_most_twelve_years() -> None:
    # a long history keeps its latest twelve years: 2011-2022 of 1990-2022
    assert list(trend_years(1990, 2022, None)) == list(range(2011, 2023))
    # with a plan to 2024: 2013-2024, the plan's end included
    assert list(trend_years(1990, 2022, 2024)) == list(range(2013, 2025))
    # a plan ending further ahead than twelve years is not stretched to
    assert list(trend_years(2020, 2022, 9999)) == [2020, 2021, 2022]


def test_trend_far_plan_end_is_a_line_without_marker(write_spec: Any) -> None:
    spec = sakipcalc.load(write_spec({"spec.yaml": TREND_SPEC.replace("end: 2024", "end: 9999")}))
    report = sakipcalc.evaluate(spec, period="2022")
    chart = chart_trend(build_chapter(report, spec), "id")
    shapes = panel(chart, "A1")
    assert [text for _, text in texts_at(shapes, 182)] == ["2020", "2021", "2022"]
    assert not [s for s in shapes if isinstance(s, Rect) and s.fill == END_TARGET]
    assert (pytest.approx(264.0), "60") in texts_at(shapes, 111.0)
    assert len(chart.shapes) < 100


# ------------------------------------------------------------------ printed, with the quarters


@pytest.fixture(scope="module")
def printed_with_quarters(
    quarterly: tuple[sakipcalc.Spec, EvaluationReport, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The quarterly example's 2023 report, quarterly section embedded, in A4 print mode."""
    browser_or_skip()
    spec, report, quarters = quarterly
    directory = tmp_path_factory.mktemp("print-quarters")
    page = directory / "report.html"
    page.write_text(render_html(report, spec=spec, quarterly=quarters), encoding="utf-8")
    driver = open_chromium(directory / "profile")
    try:
        print_mode(driver, PAGE_WIDTH, PAGE_HEIGHT)
        driver.get(page.as_uri())
        yield driver
    finally:
        driver.quit()


def test_embedded_quarters_print_on_a4_without_overflow(printed_with_quarters: Any) -> None:
    driver = printed_with_quarters
    assert driver.execute_script("return matchMedia('print').matches") is True
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    assert driver.execute_script("return document.querySelectorAll('#quarterly td').length") > 20
    assert driver.execute_script(OVERFLOWING_CELLS) == []
    assert driver.execute_script(PAST_THE_EDGE) == []
    widths = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg'))"
        ".filter(s => s.getClientRects().length).map(s => s.getBoundingClientRect().width);"
    )
    assert len(widths) >= 5 and max(widths) <= PAGE_WIDTH  # four charts and the quarterly one
