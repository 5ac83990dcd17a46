"""The chapter III layout in every format: grouping, IKU first, no-data list, names, marks.

A small spec of its own, with a national standard, narratives, a PK target that
differs from the Renstra's and a report numbering; expected texts are written
by hand from the spec.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli

import sakipcalc
from sakipcalc.check.review import Cause, Finding, Review
from sakipcalc.render import render_html, render_markdown, render_table, render_xlsx
from sakipcalc.render._chapter import build_chapter, is_iku

SPEC = """\
sakipcalc: 1
spec:
  id: bab3
  name: Uji Bab III
  agency: Dinas Uji
  plan: {start: 2021, end: 2023}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
  report: {tables: {iku: "Tabel 3.1", pk_kadis: "Tabel 2.5"}}
org_units:
  - {id: kadis, name: Dinas Uji, level: II, official: Kepala Dinas Uji}
  - {id: kasubag, name: Sub Bagian Umum, level: IV, parent: kadis, official: Kepala Sub Bagian Umum}
indicators:
  - id: iku_satu
    name: Persentase warga terlayani
    unit: "%"
    owner: kadis
    tags: [IKU]
    targets: {2021: 40, 2022: 50}
    end_target: 80
    national_standard: {value: 60, source: "SPM 2018"}
    narrative:
      "2022": {causes: Petugas lapangan bertambah, actions: Pendataan ulang}
  - id: lain
    name: Persentase laporan tepat waktu
    unit: "%"
    owner: kadis
    targets: {2022: 100}
  - id: tujuan_ind
    name: Indeks kesejahteraan
    unit: skor
  - id: dok_es4
    name: Jumlah dokumen umum
    unit: dokumen
    owner: kasubag
    targets: {2022: 4}
goals:
  - {id: t1, name: Tujuan Kesejahteraan, indicators: [tujuan_ind]}
objectives:
  - id: s1
    name: Sasaran Pelayanan
    goal: t1
    indicators: [iku_satu, lain]
    narrative:
      "2022": {analysis: Capaian naik}
  - {id: s_es4, name: Kegiatan umum, indicators: [dok_es4]}
agreements:
  - id: pk_kadis
    year: 2022
    org_unit: kadis
    items:
      - {indicator: iku_satu, target: 40, objective: s1}
      - {indicator: lain, target: 100, objective: s1}
  - id: pk_kasubag
    year: 2022
    org_unit: kasubag
    items:
      - {indicator: dok_es4, target: 4, objective: s_es4}
reported:
  - {source: "Tabel 3.1 (hal. 20)", period: "2022", indicator: iku_satu, realisation: 45, achievement: 90}
data:
  "2021": {iku_satu: 30}
  "2022": {iku_satu: 45, lain: 100}
"""


@pytest.fixture
def spec(write_spec):  # type: ignore[no-untyped-def]
    return sakipcalc.load(write_spec({"spec.yaml": SPEC}))


@pytest.fixture
def report(spec):  # type: ignore[no-untyped-def]
    return sakipcalc.evaluate(spec, period="2022")


def _review() -> Review:
    finding = Finding(
        number=1,
        cause=Cause.TRUNCATION,
        row_label="Persentase warga terlayani",
        printed="89.99",
        recomputed="90.00",
        sources=("Tabel 3.1 (hal. 20)",),
        indicators=("iku_satu",),
        periods=("2022",),
        discrepancies=(),
    )
    return Review(checked=3, consistent=2, findings=(finding,))


def test_is_iku_means_the_agencys_own_tag() -> None:
    assert is_iku(["IKU", "RPJMD"]) and is_iku([" iku "])
    assert not is_iku(["IKU Pemkab", "RPJMD"])


def test_grouping_iku_first_no_data_and_pk_only(spec, report) -> None:  # type: ignore[no-untyped-def]
    chapter = build_chapter(report, spec)
    assert [r.id for r in chapter.rows] == ["iku_satu", "lain"]
    assert [g.name for g in chapter.iku] == ["Tujuan Kesejahteraan"]
    assert [b.name for b in chapter.iku[0].objectives] == ["Sasaran Pelayanan"]
    # the tujuan's own indicator has no data: in the list, not in a table
    assert [r.id for r in chapter.no_data] == ["tujuan_ind"]
    # the eselon IV indicator is only in its official's PK
    assert "dok_es4" not in {r.id for r in chapter.rows} | {r.id for r in chapter.no_data}
    assert [row.item.indicator for row in chapter.agreements[1].rows] == ["dok_es4"]


def test_printed_figures_carry_no_mark_computed_ones_do(spec, report) -> None:  # type: ignore[no-untyped-def]
    chapter = build_chapter(report, spec)
    iku, other = chapter.rows
    assert (iku.realisation_mark, iku.achievement_mark) == ("", "")  # the report printed them
    assert other.achievement_mark != ""  # 100 / 100: sakipcalc's


@pytest.mark.parametrize("locale", ["id", "en"])
def test_text_formats_show_the_layout(spec, report, locale) -> None:  # type: ignore[no-untyped-def]
    for text in (
        render_table(report, locale=locale, spec=spec, review=_review()),
        render_markdown(report, locale=locale, spec=spec, review=_review()),
    ):
        # the report's own numbering for the IKU table and the Kadis PK, sakipcalc's elsewhere
        assert "Tabel 3.1." in text and "Tabel 2.5." in text
        assert ("Tabel B." if locale == "id" else "Table B.") in text
        # IKU before the other indicators; names, not ids
        assert text.index("Persentase warga terlayani") < text.index("Persentase laporan")
        assert "iku_satu" not in text.replace("indicator-iku_satu", "")
        # Renstra 50 -> 90,00 and PK 40 -> 112,50 side by side
        assert ("112,50" if locale == "id" else "112.50") in text
        # 45 against 30 in 2021: +15 points, +50 %
        assert "+15" in text and "+50" in text
        assert "SPM 2018" in text and "Petugas lapangan bertambah" in text
        assert "Capaian naik" in text
        # the review: the row's note and the findings list
        assert "Tabel 3.1 (hal. 20)" in text and ("89,99" if locale == "id" else "89.99") in text


def test_html_and_xlsx_show_the_layout(spec, report) -> None:  # type: ignore[no-untyped-def]
    html = render_html(report, spec=spec, review=_review())
    assert html.index('id="iku-table"') < html.index('id="indicators-table"')
    assert "Tabel 3.1." in html and 'id="review"' in html and 'id="no-data"' in html
    assert "target PK 40" in html and "112,50" in html
    assert "1 indikator belum memiliki data" in html
    buffer = io.BytesIO()
    render_xlsx(report, buffer, locale="id", spec=spec)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Bab III Akuntabilitas Kinerja"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.startswith("Tabel 3.1.") for c in cells)
    assert "Persentase warga terlayani" in cells


def test_unknown_report_table_key_is_an_error(write_spec) -> None:  # type: ignore[no-untyped-def]
    directory: Path = write_spec({"spec.yaml": SPEC.replace("iku: ", "ikuu: ")})
    result = run_cli("validate", str(directory))
    assert result.code == 1
    assert "unknown-report-table" in result.out and "did you mean 'iku'?" in result.out


def test_tanah_laut_page_opens_with_the_agencys_own_iku_and_the_review_inside() -> None:
    from conftest import ROOT, TANAH_LAUT_SPEC

    from sakipcalc.check.review import review

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        spec = sakipcalc.load(TANAH_LAUT_SPEC)
        report = sakipcalc.evaluate(spec, period="2022")
        findings = review(spec)
    html = render_html(report, spec=spec, review=findings)
    opening = html[: html.index('id="measurement"')]
    # the IKU as the report printed them; no roll-up verdict sakipcalc chose (47,35)
    assert "Persentase PMKS yang tertangani: realisasi 41,42 %" in opening
    assert "47,35" not in opening and "Sangat Rendah" not in opening
    # Kadis: the PK roll-up 42,91 beside the unit's 47,35, with the reason
    kadis = html[html.index('id="pk_2022_kadis"') : html.index('id="pk_2022_sekretaris"')]
    assert "42,91" in kadis and "47,35" in kadis and "target Renstra" in kadis
    # the review: a section listing every finding, and notes in the rows' Keterangan
    assert 'id="review"' in html
    assert html.count('id="finding-') == len(findings.findings) > 0
    text = render_table(report, locale="id", spec=spec, review=findings)
    assert "Tabel G. Hasil reviu" in text
