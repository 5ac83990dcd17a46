"""The HTML report printed on A4, checked in the real headless Chromium (issue 12, item 8).

Chromium is driven through Selenium as in ``test_render_html.py`` and put in
print mode with the DevTools protocol: ``Emulation.setEmulatedMedia`` applies
the ``@media print`` rules, and ``Emulation.setDeviceMetricsOverride`` makes
the viewport as wide as an A4 page's printable area (210 mm less two 12 mm
margins: 703 CSS px), so that what the screen lays out is what the page gets.

The checks are generic (every cell, every table, every element), so they keep
holding when the report's layout changes:

- no console error;
- no text overflows its cell (``scrollWidth`` against ``clientWidth`` of every
  ``td``/``th``), and no element reaches past the page's right edge;
- no cell breaks words at any letter (``word-break: break-all`` or
  ``overflow-wrap: anywhere``), table headers repeat, rows do not split;
- the first page holds the first table (the IKU table) with its caption;
- ``Page.printToPDF`` gives A4 pages.

Layout regressions: Pillow is not a dependency, so instead of a screenshot
diff the boxes of the report's landmarks (headings, captions, tables,
figures, charts) are serialised to ``tests/golden/print/tanah-laut-boxes.json``
and compared with a tolerance; the page count too. After an intended layout
change: ``python -m pytest tests/test_render_print.py --update-goldens``, then
look at ``tests/artifacts/print-page1.png`` before committing the new golden.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import browser_or_skip, open_chromium, print_mode
from conftest import GOLDEN, TANAH_LAUT_SPEC

import sakipcalc
from sakipcalc.render._html import render_html

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BOXES_GOLDEN = GOLDEN / "print" / "tanah-laut-boxes.json"

MM = 96 / 25.4  # CSS px per millimetre
PAGE_WIDTH = round((210 - 2 * 12) * MM)  # the printable width of A4 with print.css's margins
PAGE_HEIGHT = round((297 - 2 * 15) * MM)
TOLERANCE_PX = 24  # a landmark may move this much (fonts differ slightly between machines)
TOLERANCE_SHARE = 0.02  # … or this share of its distance from the top (drift adds up)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Tanah Laut report (with its tree) open in headless Chromium in A4 print mode."""
    browser_or_skip()
    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    report = sakipcalc.evaluate(spec, period="2022")
    directory = tmp_path_factory.mktemp("print")
    page = directory / "report.html"
    page.write_text(render_html(report, locale="id", spec=spec), encoding="utf-8")
    driver = open_chromium(directory / "profile")
    try:
        print_mode(driver, PAGE_WIDTH, PAGE_HEIGHT)
        driver.get(page.as_uri())
        assert driver.execute_script("return document.readyState") == "complete"
        yield driver
    finally:
        driver.quit()


def test_print_mode_is_in_effect_and_logs_no_error(printed: Any) -> None:
    assert printed.execute_script("return matchMedia('print').matches") is True
    assert printed.execute_script("return document.documentElement.clientWidth") == PAGE_WIDTH
    severe = [e for e in printed.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


OVERFLOWING_CELLS = """
return Array.from(document.querySelectorAll('td, th'))
  .filter(c => c.getClientRects().length && c.scrollWidth > c.clientWidth + 1)
  .map(c => [c.closest('table').id, c.textContent.trim().slice(0, 80), c.scrollWidth, c.clientWidth]);
"""

PAST_THE_EDGE = """
const width = document.documentElement.clientWidth;
return Array.from(document.body.querySelectorAll('*'))
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
  .map(e => [e.tagName, e.id, String(e.className.baseVal ?? e.className), e.getBoundingClientRect().right]);
"""


def test_no_text_overflows_its_cell_or_the_page(printed: Any) -> None:
    assert printed.execute_script("return document.querySelectorAll('td').length") > 100
    assert printed.execute_script(OVERFLOWING_CELLS) == []
    assert printed.execute_script(PAST_THE_EDGE) == []
    assert printed.execute_script("return document.documentElement.scrollWidth") <= PAGE_WIDTH


CELL_STYLES = """
const out = {};
for (const c of document.querySelectorAll('td, th')) {
  const s = getComputedStyle(c);
  const key = [s.wordBreak, s.overflowWrap].join(' ');
  out[key] = (out[key] || 0) + 1;
}
return out;
"""


def test_cells_break_no_words_and_tables_repeat_headers(printed: Any) -> None:
    styles = printed.execute_script(CELL_STYLES)
    assert styles, "no cells"
    for key in styles:
        word_break, overflow_wrap = key.split(" ")
        assert word_break not in ("break-all", "break-word"), key
        assert overflow_wrap != "anywhere", key
    per_table = printed.execute_script(
        "return Array.from(document.querySelectorAll('table')).map(t => ["
        " t.id, t.tHead ? getComputedStyle(t.tHead).display : null,"
        " Array.from(t.rows).every(r => getComputedStyle(r).breakInside === 'avoid')]);"
    )
    assert per_table
    for table_id, head, rows_whole in per_table:
        assert head in (None, "table-header-group"), table_id
        assert rows_whole, table_id


def test_charts_and_the_tree_fit_the_page_width(printed: Any) -> None:
    widths = printed.execute_script(
        "return Array.from(document.querySelectorAll('svg'))"
        ".filter(s => s.getClientRects().length).map(s => s.getBoundingClientRect().width);"
    )
    assert len(widths) >= 4 + 8  # the four charts, the tree's legend and its seven drawings
    assert max(widths) <= PAGE_WIDTH


def test_the_first_page_opens_with_the_first_table(printed: Any) -> None:
    first = printed.execute_script(
        "const t = document.querySelector('table');"
        "const r = t.getBoundingClientRect();"
        "const before = Array.from(document.querySelectorAll('.caption, caption, h2, h3'))"
        ".filter(e => e.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING"
        " || t.contains(e));"
        "const caption = before[before.length - 1];"
        "return {top: r.top + scrollY, caption: caption ? caption.textContent.trim() : null,"
        " captionTop: caption ? caption.getBoundingClientRect().top + scrollY : null};"
    )
    # The table and its caption start well inside page one (not pushed down by a
    # title page or summary cards): nothing but a one-line header comes before.
    assert first["caption"], first
    assert first["captionTop"] < PAGE_HEIGHT / 4, first
    assert first["top"] < PAGE_HEIGHT / 4, first


def _pdf(printed: Any) -> bytes:
    result = printed.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    return base64.b64decode(result["data"])


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_print_to_pdf_gives_a4_pages(printed: Any) -> None:
    pdf = _pdf(printed)
    assert pdf.startswith(b"%PDF-")
    pages = _page_count(pdf)
    assert 3 <= pages <= 40, pages
    # every page is A4 portrait: 595 x 842 points
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes
    for width, height in boxes:
        assert abs(float(width) - 595.92) < 2 and abs(float(height) - 842.88) < 2


LANDMARKS = """
const out = [];
const seen = {};
for (const e of document.querySelectorAll('h1, h2, h3, .caption, table, figure, svg, section')) {
  if (!e.getClientRects().length) continue;
  const r = e.getBoundingClientRect();
  let key = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
  seen[key] = (seen[key] || 0) + 1;
  key += '[' + seen[key] + ']';
  out.push([key, Math.round(r.left), Math.round(r.top + scrollY), Math.round(r.width), Math.round(r.height)]);
}
return out;
"""


def test_layout_matches_the_stored_boxes(printed: Any, request: pytest.FixtureRequest) -> None:
    """A layout regression check: landmark boxes and the page count, within a tolerance."""
    boxes = printed.execute_script(LANDMARKS)
    actual = {"pages": _page_count(_pdf(printed)), "boxes": boxes}
    ARTIFACTS.mkdir(exist_ok=True)
    png = printed.execute_cdp_cmd("Page.captureScreenshot", {})["data"]
    (ARTIFACTS / "print-page1.png").write_bytes(base64.b64decode(png))
    if request.config.getoption("--update-goldens"):
        BOXES_GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        rows = ",\n".join(f"  {json.dumps(box)}" for box in boxes)
        text = f'{{"pages": {actual["pages"]},\n "boxes": [\n{rows}\n ]}}\n'
        BOXES_GOLDEN.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {BOXES_GOLDEN.name}: look at tests/artifacts/print-page1.png")
    if not BOXES_GOLDEN.exists():
        pytest.fail(f"{BOXES_GOLDEN} is missing: run pytest --update-goldens and review it")
    expected = json.loads(BOXES_GOLDEN.read_text(encoding="utf-8"))
    hint = " (an intended layout change? pytest --update-goldens rewrites the golden)"
    assert abs(actual["pages"] - expected["pages"]) <= 1, (actual["pages"], hint)
    assert [b[0] for b in actual["boxes"]] == [b[0] for b in expected["boxes"]], hint
    moved = []
    for (key, *now), (_, *then) in zip(actual["boxes"], expected["boxes"], strict=True):
        limit = max(TOLERANCE_PX, TOLERANCE_SHARE * then[1])
        if any(abs(a - b) > limit for a, b in zip(now, then, strict=True)):
            moved.append((key, then, now))
    assert moved == [], f"{len(moved)} landmarks moved{hint}: {moved[:5]}"
