"""The HTML report: golden file, structure, self-containment, escaping, a real browser.

The golden file ``tests/golden/html/small-id.html`` is the report of the small
hand-written spec below. To regenerate it after an intended change:
``python -m pytest tests/test_render_html.py --update-goldens``, then read it
(and open it in a browser) before rerunning.

The browser test opens the Tanah Laut report in Debian's headless Chromium
through Selenium, with the system chromedriver (Selenium Manager downloads
nothing). Without Chromium it is skipped, unless ``SAKIPCALC_REQUIRE_BROWSER=1``
(set by ``.ci/run``), which makes it fail. It leaves a full-page screenshot in
``tests/artifacts/report.png``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import browser_support
import pytest
from conftest import ROOT, SPECS, TANAH_LAUT_SPEC, Golden

import sakipcalc
from sakipcalc import EvaluationReport
from sakipcalc.render._chart_geometry import axis as _axis
from sakipcalc.render._chart_geometry import fit as _fit
from sakipcalc.render._chart_geometry import text_width as _text_width
from sakipcalc.render._html import render_html
from sakipcalc.render._html_style import colour as _colour
from sakipcalc.render._html_style import ink as _ink

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHART_IDS = ("chart-target", "chart-categories", "chart-trend", "chart-absorption")

# A small agency: a formula indicator with history and an end target, a
# lower-is-better one, a count, a grade, a zero target, missing data; two
# agreements; a budget with efficiency and a line with a zero ceiling.
SMALL_SPEC = """\
sakipcalc: 1
imports: [../standard]
spec:
  id: dinsos_contoh_2022
  name: Laporan Kinerja Dinas Sosial Kabupaten Contoh Tahun 2022
  agency: Dinas Sosial Kabupaten Contoh
  plan: {start: 2020, end: 2024, baseline: 2019}
  rounding: {places: 2, mode: half_up, achievement_from: rounded}
  category_scale: permendagri_86_2017
  rollup: mean
  efficiency: {rule: achievement_minus_absorption, scale: efficiency_bands}
org_units:
  - {id: kadis, name: Dinas Sosial, level: II, official: Kepala Dinas Sosial}
  - {id: kabid_rehsos, name: Bidang Rehabilitasi & Perlindungan Sosial, level: III, parent: kadis, official: Kepala Bidang Rehabilitasi Sosial}
variables:
  - {id: served, domain: count}
  - {id: population, domain: count}
indicators:
  - id: pct_served
    name: Persentase PMKS yang tertangani
    unit: "%"
    formula: served / population * 100
    owner: kadis
    tags: [IKU]
    baseline: {period: 2019, value: 30.5}
    targets: {2020: 35, 2021: 40, 2022: 50, 2023: 55, 2024: 60}
    end_target: 60
  - id: complaint_days
    name: Rata-rata waktu penanganan pengaduan
    unit: hari
    polarity: lower_is_better
    owner: kabid_rehsos
    targets: {2021: 9, 2022: 8}
    end_target: 6
  - id: documents
    name: Jumlah dokumen perencanaan & pelaporan
    unit: dokumen
    owner: kadis
    targets: {2022: 12}
  - id: akip
    name: Nilai AKIP
    unit: predikat
    scale: akip
    owner: kadis
    targets: {2021: B, 2022: BB}
  - id: new_shelters
    name: Jumlah rumah singgah baru
    unit: unit
    owner: kabid_rehsos
    targets: {2022: 0}
  - id: volunteers_trained
    name: Jumlah relawan terlatih
    unit: orang
    owner: kabid_rehsos
    targets: {2022: 1200}
goals:
  - {id: tujuan_1, name: Meningkatnya kesejahteraan sosial, indicators: [pct_served]}
objectives:
  - {id: sasaran_1, goal: tujuan_1, name: Meningkatnya penanganan PMKS, indicators: [pct_served, complaint_days]}
agreements:
  - id: pk_2022_kadis
    year: 2022
    org_unit: kadis
    items:
      - {indicator: pct_served, target: 50}
      - {indicator: akip, target: BB}
  - id: pk_2022_kabid_rehsos
    year: 2022
    org_unit: kabid_rehsos
    items:
      - {indicator: complaint_days, target: 8}
      - {indicator: new_shelters, target: 0}
budget:
  - year: 2022
    programs:
      - id: prog_rehsos
        name: Program Rehabilitasi Sosial
        children:
          - {id: keg_rehsos, name: Rehabilitasi Sosial Dasar, ceiling: 1500000000, spent: 1230450000, indicators: [pct_served, complaint_days]}
      - id: prog_penunjang
        name: Program Penunjang Urusan Pemerintahan Daerah
        children:
          - {id: keg_admin, name: Administrasi Umum Perangkat Daerah, ceiling: 250000000, spent: 248000000, indicators: [documents]}
          - {id: keg_renkeu, name: Perencanaan dan Keuangan, ceiling: 0, spent: 0}
data:
  "2021": {served: 300, population: 800, complaint_days: 9.5, akip: B}
  "2022": {served: 440, population: 1000, documents: 12, complaint_days: 6.5, akip: BB, new_shelters: 0, volunteers_trained: ~}
"""

# Every text a spec can carry, hostile; and a count too large for a binary float.
HOSTILE_SPEC = """\
sakipcalc: 1
spec:
  id: hostile
  name: "Laporan <script>alert('spec')</script>"
  agency: "<img src=x onerror=alert(1)>"
  plan: {start: 2021, end: 2023}
  category_scale: warna
scales:
  - id: warna
    kind: category
    bands:
      - {label: "<b>rendah</b>", name: "<script>alert('band')</script>", range: "(-inf, 75)", colour: "red;background:url(http://evil.example/x)"}
      - {label: tinggi, name: "Tinggi\\" onmouseover=\\"alert(2)", range: "[75, inf)", colour: "#0a0"}
org_units:
  - {id: kadis, name: "</td><script>alert('org')</script>", level: II, official: "<iframe src=//evil.example>"}
indicators:
  - id: evil
    name: "<script>alert('indicator')</script> & \\"quotes\\""
    unit: "<b>%</b>"
    owner: kadis
    tags: ["<svg onload=alert(3)>"]
    targets: {2021: 40, 2022: 50}
    end_target: 60
  - id: big
    name: Jumlah penerima manfaat
    unit: orang
    owner: kadis
    targets: {2022: 12345678901234567890}
goals:
  - {id: g1, name: "<style>body{background:url(//evil.example/bg)}</style>", indicators: [evil]}
agreements:
  - id: pk
    year: 2022
    org_unit: kadis
    items:
      - {indicator: evil, target: 50}
budget:
  - year: 2022
    programs:
      - id: p1
        name: "<a href=\\"https://evil.example\\">Program</a>"
        ceiling: 100
        spent: 50
data:
  "2021": {evil: 30}
  "2022": {evil: 20, big: 12345678901234567891}
"""


# ----------------------------------------------------------------- helpers


def standard_files() -> dict[str, str]:
    return {
        f"standard/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((SPECS / "standard").glob("*.yaml"))
    }


def evaluate(
    directory: Path, period: str = "2022", allow_roots: tuple[Path, ...] = ()
) -> EvaluationReport:
    return sakipcalc.evaluate(sakipcalc.load(directory, allow_roots=allow_roots), period=period)


@pytest.fixture
def small_report(write_spec: Any) -> EvaluationReport:
    root = write_spec({"spec/spec.yaml": SMALL_SPEC, **standard_files()})
    return evaluate(root / "spec", allow_roots=(root,))


@pytest.fixture
def hostile_html(write_spec: Any) -> str:
    return render_html(evaluate(write_spec({"spec.yaml": HOSTILE_SPEC})))


@pytest.fixture(scope="module")
def tanah_laut_report() -> EvaluationReport:
    return evaluate(TANAH_LAUT_SPEC)


@pytest.fixture(scope="module")
def tanah_laut_html(tanah_laut_report: EvaluationReport) -> str:
    # With the spec: tujuan, sasaran and which figures the report printed.
    return render_html(tanah_laut_report, spec=sakipcalc.load(TANAH_LAUT_SPEC))


@pytest.fixture(scope="module")
def tanah_laut_html_en(tanah_laut_report: EvaluationReport) -> str:
    return render_html(tanah_laut_report, locale="en")


@dataclass
class Node:
    """An element of a parsed HTML document."""

    tag: str
    attrs: dict[str, str]
    content: list[str | Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)

    def by_id(self, element_id: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.content)


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].content.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert any(n.tag == tag for n in self.stack), f"stray </{tag}>"
        while self.stack[-1].tag != tag:
            self.stack.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements: " + ", ".join(
        n.tag for n in builder.stack[1:]
    )
    return builder.root


def body_rows(document: Node, table_id: str) -> list[Node]:
    (tbody,) = list(document.by_id(table_id).iter("tbody"))
    return [row for row in tbody.children if row.tag == "tr"]


REMOTE = [
    re.compile(r"https?://", re.IGNORECASE),
    re.compile(r"""(?:src|href|xlink:href|action|srcset|poster|data)\s*=\s*["']?\s*//""", re.I),
    re.compile(r"@import", re.IGNORECASE),
    re.compile(r"""url\(\s*["']?\s*(?!data:|#)""", re.IGNORECASE),
]


def assert_self_contained(html: str, *, spec_text_is_hostile: bool = False) -> None:
    """The document loads nothing: no remote URL, no script, no fetching element.

    For a hostile spec the names themselves contain URLs, shown as text; then
    only the markup (elements, attributes, style sheets) is checked.
    """
    if not spec_text_is_hostile:
        for pattern in REMOTE:
            match = pattern.search(html)
            assert match is None, (
                f"{pattern.pattern!r} in {html[max(match.start() - 60, 0) : match.end() + 60]!r}"
            )
    document = parse(html)
    tags = {node.tag for node in document.iter()}
    assert not tags & {
        "script",
        "img",
        "iframe",
        "object",
        "embed",
        "image",
        "use",
        "video",
        "audio",
    }
    for node in document.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"<{node.tag} {name}=…>"
            if name in ("src", "href", "xlink:href"):
                assert value.startswith(("data:", "#")), f"<{node.tag} {name}={value!r}>"
            if name == "style":
                assert "url(" not in value and "@import" not in value, value
    for style in document.iter("style"):
        assert "url(" not in style.text() and "@import" not in style.text()
    (csp,) = [
        n for n in document.iter("meta") if n.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in csp.attrs["content"]


# ----------------------------------------------------------- golden and small


def test_small_report_matches_the_golden_file(
    small_report: EvaluationReport, golden: Golden
) -> None:
    golden.check("html/small-id.html", render_html(small_report, locale="id"))


def test_small_report_contents(small_report: EvaluationReport) -> None:
    html = render_html(small_report)
    document = parse(html)
    served = document.by_id("indicator-pct_served").text()
    for text in ("50", "44,00", "88,00", "Tinggi"):
        assert text in served, text
    comparison = document.by_id("comparison-table").text()
    assert "2021: 37,50" in comparison and "73,33" in comparison
    assert "118,75" in document.by_id("indicator-complaint_days").text()
    shelters = document.by_id("indicator-new_shelters")
    assert shelters.attrs["class"] == "not_computable"
    assert "tidak dapat dihitung" in shelters.text() and "target bernilai 0" in shelters.text()
    assert "zero target" not in shelters.text()  # the reason is in Indonesian too
    assert "Jumlah relawan terlatih" in document.by_id("no-data").text()
    assert 'id="indicator-volunteers_trained"' not in html
    # roll-ups, agreements, budget with its total and efficiency
    assert "103,38" in document.by_id("rollup-sasaran_1").text()
    assert "Kepala Bidang Rehabilitasi Sosial" in html
    assert "Rp 1.500.000.000" in document.by_id("budget-keg_rehsos").text()
    total = body_rows(document, "budget-table")[-1].text()
    assert "Rp 1.750.000.000" in total and "Rp 1.478.450.000" in total and "84,48" in total
    assert "Efisien" in document.by_id("budget-keg_rehsos").text()
    assert "Rp 0" in document.by_id("budget-keg_renkeu").text()


def test_small_report_charts_skip_grades_and_not_computable(small_report: EvaluationReport) -> None:
    document = parse(render_html(small_report))
    target_chart = document.by_id("chart-target-figure")
    drawn = document.by_id("chart-target").text()
    assert "Persentase PMKS yang tertangani" in drawn and "44,00" in drawn
    skipped = [li.text() for li in target_chart.iter("li")]
    assert skipped == [
        # numbered as in the tables: without a spec, Tabel B holds every indicator
        # but the IKU (A1) in report order; the one with no data is listed by name
        "B3. Nilai AKIP (indikator berupa predikat)",
        "B4. Jumlah rumah singgah baru (tidak dapat dihitung)",
        "Jumlah relawan terlatih (data belum tersedia)",
    ]
    assert "Jumlah rumah singgah baru" not in drawn
    categories = document.by_id("chart-categories").text()
    assert (
        "Tinggi" in categories and "Sangat Tinggi" in categories and "Tanpa kategori" in categories
    )
    trend = document.by_id("chart-trend").text()
    assert "37,50" in trend and "Rata-rata waktu penanganan pengaduan" in trend
    assert "Nilai AKIP" not in trend  # grades are not drawn as lines
    absorption = document.by_id("chart-absorption").text()
    assert "82,03%" in absorption and "99,20%" in absorption


def test_category_bars_use_the_band_colours_in_scale_order(small_report: EvaluationReport) -> None:
    svg = parse(render_html(small_report)).by_id("chart-categories")
    fills = [r.attrs["fill"] for r in svg.iter("rect")]
    # Tinggi (lightgreen), Sangat Tinggi (green), then the grey "no category" bar
    assert fills == ["#90ee90", "#008000", "#b8bec6"]


# ------------------------------------------------------------ Tanah Laut


def test_tanah_laut_chapter_tables_iku_first_grouped_by_sasaran(
    tanah_laut_html: str, tanah_laut_report: EvaluationReport
) -> None:
    document = parse(tanah_laut_html)
    iku = body_rows(document, "iku-table")
    # a tujuan heading row, then the two IKU (tagged "IKU"), in one sasaran cell
    assert [r.attrs.get("id") for r in iku] == [
        None,
        "indicator-pmks_tertangani",
        "indicator-pmks_mandiri",
    ]
    assert "Tujuan: Terwujudnya taraf kesejahteraan" in iku[0].text()
    assert "Meningkatnya Penanganan Kesejahteraan Sosial" in iku[1].text()
    row = document.by_id("indicator-pmks_mandiri").text()
    # Renstra and PK capaian side by side, with the reason
    for text in ("13,32", "53,28", "Rendah", "target PK 30", "44,40", "berbeda"):
        assert text in row, text
    comparison = document.by_id("comparison-table").text()
    assert "2021: 49,01 (−35,69 poin; −72,82 %)" in comparison
    # eselon IV indicators only in their PK, no-data ones in one list at the end
    others = document.by_id("indicators-table").text()
    assert "jml_dok_admin_barang" not in tanah_laut_html.split('id="agreements"')[0]
    assert "Jumlah dokumen Administrasi Barang SKPD" not in others
    assert "7 indikator belum memiliki data" in document.by_id("no-data").text()
    assert "47,35" in document.by_id("pk_2022_kadis").text() or "47,35" in tanah_laut_html


def test_tanah_laut_report_has_the_four_charts_with_titles(tanah_laut_html: str) -> None:
    document = parse(tanah_laut_html)
    # The performance tree's drawings are SVGs too (tests/test_tree.py); here, the charts.
    svgs = [s for s in document.iter("svg") if s.attrs["id"].startswith("chart-")]
    assert [s.attrs["id"] for s in svgs] == [
        "chart-target",
        "chart-categories",
        "chart-trend",
        "chart-absorption",
    ]
    for svg in svgs:
        chart = svg.attrs["id"]
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-labelledby"] == f"{chart}-title {chart}-desc"
        title, desc = svg.children[0], svg.children[1]
        assert (title.tag, title.attrs["id"]) == ("title", f"{chart}-title")
        assert (desc.tag, desc.attrs["id"]) == ("desc", f"{chart}-desc")
        assert title.text().strip() and desc.text().strip()
        # a text alternative: the chart's data as a table beside it
        figure = document.by_id(f"{chart}-figure")
        assert figure.iter("figcaption") and list(figure.iter("details"))
        assert body_rows_of(figure)


def body_rows_of(figure: Node) -> list[Node]:
    (tbody,) = list(figure.iter("tbody"))
    return [row for row in tbody.children if row.tag == "tr"]


def test_tanah_laut_report_numbers_in_indonesian(tanah_laut_html: str) -> None:
    document = parse(tanah_laut_html)
    assert "41,42" in document.by_id("indicator-pmks_tertangani").text()
    assert "41,42" in document.by_id("chart-target").text()
    assert "Rp 4.712.818.176" in document.by_id("budget-prog_rehsos").text()
    assert "Rp 6.816.211.492" in document.by_id("budget-keg_pengelolaan_data_fm").text()
    total = body_rows(document, "budget-table")[-1].text()
    # the sum of all six programs; the Tanah Laut report's table C prints Rp 12.364.293.866
    # for the five programs other than PROGRAM PENUNJANG.
    assert "Rp 18.750.069.515" in total and "Rp 13.003.698.745" in total
    assert "20,64%" in document.by_id("chart-absorption").text()
    assert "BAB III" in tanah_laut_html and "AKUNTABILITAS KINERJA" in tanah_laut_html
    assert '<html lang="id">' in tanah_laut_html
    assert "41.42" not in document.by_id("iku-table").text()


def test_tanah_laut_report_in_english(tanah_laut_html_en: str) -> None:
    document = parse(tanah_laut_html_en)
    assert '<html lang="en">' in tanah_laut_html_en
    assert "CHAPTER III" in tanah_laut_html_en and "Performance measurement" in tanah_laut_html_en
    assert "41.42" in document.by_id("indicator-pmks_tertangani").text()
    assert "41.42" in document.by_id("chart-target").text()
    assert "Rp 4,712,818,176" in document.by_id("budget-prog_rehsos").text()
    assert "Rp 18,750,069,515" in body_rows(document, "budget-table")[-1].text()
    assert "Angka kemiskinan" in document.by_id("no-data").text()
    assert "41,42" not in document.by_id("iku-table").text()
    assert "Rp 4.712.818.176" not in tanah_laut_html_en


def test_reports_are_self_contained(
    tanah_laut_html: str, tanah_laut_html_en: str, small_report: EvaluationReport
) -> None:
    for html in (tanah_laut_html, tanah_laut_html_en, render_html(small_report)):
        assert_self_contained(html)


def test_the_checker_catches_remote_resources() -> None:
    page = "<html><head><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\"></head><body>{}</body></html>"
    for bad in (
        '<img src="//cdn.example/x.png">',
        "<style>@import 'x.css';</style>",
        "<style>body{background:url(x.png)}</style>",
        '<link rel="stylesheet" href="https://cdn.example/x.css">',
        "<script>1</script>",
    ):
        with pytest.raises(AssertionError):
            assert_self_contained(page.format(bad))


# --------------------------------------------------------------- escaping


def test_every_spec_text_is_escaped(hostile_html: str) -> None:
    # no <script>, <img>, on* attribute or remote URL in the markup
    assert_self_contained(hostile_html, spec_text_is_hostile=True)
    document = parse(hostile_html)
    assert "<script" not in hostile_html and "<iframe" not in hostile_html
    # Jinja's escaping, in the tables and (drawn by template macros) the charts alike
    escaped = "&lt;script&gt;alert(&#39;indicator&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;"
    assert hostile_html.count(escaped) >= 3
    # the names are shown as text, in the table and in the charts
    name = "<script>alert('indicator')</script> & \"quotes\""
    assert name in document.by_id("indicator-evil").text()
    assert name in document.by_id("chart-target").text()
    assert name in document.by_id("chart-trend").text()
    (header,) = list(document.iter("header"))
    assert "<img src=x onerror=alert(1)>" in header.text()
    assert "<svg onload=alert(3)>" in document.by_id("indicator-evil").text()
    assert "</td><script>alert('org')</script>" in document.text()
    assert "Pejabat: <iframe src=//evil.example>" in document.text()
    assert '<a href="https://evil.example">Program</a>' in document.by_id("chart-absorption").text()
    assert "<script>alert('band')</script>" in document.by_id("chart-categories").text()
    # a colour that is not a plain colour never reaches a style or fill
    assert "evil.example/x" not in hostile_html
    badges = [n.attrs["style"] for n in document.iter("span") if "style" in n.attrs]
    assert badges and all(
        re.fullmatch(r"background:#[0-9a-f]{6};color:#[0-9a-f]{6}", s) for s in badges
    )


def test_displayed_values_never_pass_through_float(hostile_html: str) -> None:
    chart = parse(hostile_html).by_id("chart-target").text()
    # float(12345678901234567891) is 12345678901234567168
    assert "12.345.678.901.234.567.891" in chart and "12.345.678.901.234.567.890" in chart
    assert "567.168" not in hostile_html


def test_missing_jinja2_is_a_clear_import_error(
    small_report: EvaluationReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(ImportError, match=re.escape('pip install "sakipcalc[html]"')):
        render_html(small_report)


def test_unknown_locale_is_refused(small_report: EvaluationReport) -> None:
    with pytest.raises(ValueError, match="locale"):
        render_html(small_report, locale="fr")  # type: ignore[arg-type]


def test_a_bare_spec_and_a_quarter_render(write_spec: Any) -> None:
    # no agency, goals, agreements, budget or history: every section still renders
    bare = """\
sakipcalc: 1
spec: {id: bare, name: Bare, plan: {start: 2022, end: 2022}}
indicators:
  - {id: a, name: A, unit: "%", targets: {2022: 10}}
data:
  "2022-Q3": {a: 5}
"""
    report = evaluate(write_spec({"spec.yaml": bare}), period="2022-Q3")
    html = render_html(report, locale="en")
    assert_self_contained(html)
    document = parse(html)
    assert len(body_rows(document, "indicators-table")) == 1
    assert "Quarter III 2022" in document.by_id("measurement").text()
    assert len(list(document.iter("svg"))) == 4
    assert "Nothing to draw." in document.by_id("chart-trend").text()
    assert "Nothing to draw." in document.by_id("chart-absorption").text()


# ------------------------------------------------------------ small parts


def test_colours_are_normalised_or_refused() -> None:
    assert _colour("red") == "#ff0000"
    assert _colour(" LightGreen ") == "#90ee90"
    assert _colour("#ABC") == "#aabbcc"
    assert _colour("#a0b1c2") == "#a0b1c2"
    for bad in ("red;background:url(x)", "url(http://x)", "#12345", "expression(1)", "", None):
        assert _colour(bad) is None
    assert _ink("#008000") == "#ffffff" and _ink("#ffff00") == "#000000"


def test_axes_are_round_and_decimal() -> None:
    assert _axis(Decimal("41.42")) == (
        Decimal(0),
        Decimal(50),
        [Decimal(v) for v in (0, 10, 20, 30, 40, 50)],
    )
    low, high, ticks = _axis(Decimal(125))
    assert (low, high, ticks[1]) == (0, 200, 50)
    low, high, ticks = _axis(Decimal(30), Decimal(-12))
    assert (low, high) == (-20, 50) and all(isinstance(t, Decimal) for t in ticks)
    assert _axis(Decimal(0))[1] == 1


def test_long_labels_are_cut_to_fit() -> None:
    name = "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"
    cut = _fit(name, 200, 11)
    assert cut.endswith("…") and _text_width(cut, 11) <= 200
    assert _fit("Program", 200, 11) == "Program"


# ----------------------------------------------------------- real browser


def test_a_missing_browser_skips_unless_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser_support, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("SAKIPCALC_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        browser_support.browser_or_skip()
    monkeypatch.setenv("SAKIPCALC_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="SAKIPCALC_REQUIRE_BROWSER=1"):
        browser_support.browser_or_skip()


def test_report_renders_in_headless_chromium(tanah_laut_html: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(tanah_laut_html, encoding="utf-8")
    driver = browser_support.open_chromium(tmp_path / "profile")
    try:
        driver.set_window_size(1280, 1000)
        driver.get(page.as_uri())
        script = driver.execute_script
        assert script("return document.readyState") == "complete"
        assert "Bab III Akuntabilitas Kinerja" in driver.title
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        assert script("return document.querySelectorAll('svg').length") >= 4
        for chart in CHART_IDS:  # every chart is laid out, with a visible size
            box = script(f"return document.getElementById('{chart}').getBoundingClientRect()")
            assert box["width"] > 300 and box["height"] > 100, (chart, box)
        # the report fetched nothing at all
        assert script("return performance.getEntriesByType('resource').length") == 0
        # nothing sticks out sideways at a laptop's width
        assert script("return document.documentElement.scrollWidth") <= script(
            "return document.documentElement.clientWidth"
        )
        height = script("return document.documentElement.scrollHeight")
        assert 3000 < height < 20000, height
        ARTIFACTS.mkdir(exist_ok=True)
        driver.set_window_size(1280, height + 140)  # the whole page, for a person to look at
        driver.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        driver.quit()
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


def test_no_svg_markup_is_built_in_python() -> None:
    # The charts are data (sakipcalc.render._svg) drawn by Jinja macros, so that
    # autoescaping covers every chart label; Python builds no SVG tags itself.
    tags = re.compile(r"<(svg|rect|line|polyline|circle|text|title|desc|g)[\s>/]")
    for path in (ROOT / "sakipcalc" / "render").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        code = re.sub(r'"""(?s:.*?)"""', "", source)  # docstrings may name the tags
        assert not tags.search(code), path.name
