"""Renderers for evaluation reports.

Core (no extra dependencies): plain-text table, Markdown, JSON, CSV.
Optional: XLSX (``pip install "sakipcalc[xlsx]"``) and HTML
(``pip install "sakipcalc[html]"``).

Each renderer's module is imported when its name is first used, so that
``import sakipcalc`` (and a submodule such as :mod:`._safety`) stays cheap.

Layout:

- ``_format``: numbers, figures, targets, categories and reasons as text, the one
  formatter every renderer calls (and the only reader of target text);
- ``_safety``: untrusted text made safe for terminals and spreadsheets;
- ``_chapter``: the chapter III layout, written once (tujuan, sasaran, IKU first,
  the no-data list, PK-only eselon IV, Renstra and PK figures, marks on computed
  figures); ``_chapter_model`` its frozen types;
- ``_chapter_cells`` and ``_chapter_text``: the layout's cells and text blocks in a
  locale, drawn by the terminal, Markdown and XLSX renderers;
- ``_text``: the terminal table, Markdown and JSON;
- ``_csv`` and ``_xlsx``: one row per indicator, and the workbook;
- ``_html``: the HTML report (Jinja2 environment and entry point);
- ``_html_view``: the HTML report's view model (rows, cells, badges);
- ``_html_chapter``: the chapter tables of the HTML report;
- ``_html_style``: how the HTML report writes numbers and colours;
- ``_charts`` and ``_chart_trend``: the four charts as shapes;
- ``_chart_geometry``: chart numbers only (scales, ticks, pixels, text widths);
- ``_svg``: the shape types; ``templates/svg.html.j2`` draws them;
- ``_jinja``: the one Jinja2 environment (autoescaping, strict undefined) every HTML and SVG output uses;
- ``_quarters`` and ``_quarters_html``: quarterly monitoring (triwulan I–IV) in every
  format, its XLSX sheet and its HTML section for the main report;
- ``_tree``, ``_tree_layout`` and ``_tree_svg``: the performance tree (pohon kinerja):
  its nodes from the spec's cascade, their boxes on A4, and the SVG
  (``templates/tree.html.j2``), standalone or in the HTML report;
- ``sakipcalc._jsonable``: :func:`to_jsonable`, a leaf below ``check``, re-exported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._jsonable import to_jsonable
    from ._csv import CSV_COLUMNS, render_csv
    from ._html import render_html
    from ._quarters import (
        add_quarterly_sheet,
        render_quarters_csv,
        render_quarters_json,
        render_quarters_markdown,
        render_quarters_table,
        render_quarters_xlsx,
    )
    from ._quarters_html import render_quarters_html, render_quarters_section
    from ._text import render_json, render_markdown, render_table
    from ._xlsx import render_xlsx

__all__ = [
    "CSV_COLUMNS",
    "add_quarterly_sheet",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_quarters_csv",
    "render_quarters_html",
    "render_quarters_json",
    "render_quarters_markdown",
    "render_quarters_section",
    "render_quarters_table",
    "render_quarters_xlsx",
    "render_table",
    "render_xlsx",
    "to_jsonable",
]

# Public name -> the module (relative to this package) that defines it.
_HOMES: dict[str, str] = {
    "CSV_COLUMNS": "._csv",
    "render_csv": "._csv",
    "render_html": "._html",
    "render_json": "._text",
    "render_markdown": "._text",
    "render_table": "._text",
    "render_xlsx": "._xlsx",
    "to_jsonable": ".._jsonable",
    "add_quarterly_sheet": "._quarters",
    "render_quarters_csv": "._quarters",
    "render_quarters_json": "._quarters",
    "render_quarters_markdown": "._quarters",
    "render_quarters_table": "._quarters",
    "render_quarters_xlsx": "._quarters",
    "render_quarters_html": "._quarters_html",
    "render_quarters_section": "._quarters_html",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
