"""Renderers for evaluation reports.

Core (no extra dependencies): plain-text table, Markdown, JSON, CSV.
Optional: XLSX (``pip install "sakipcalc[xlsx]"``) and HTML
(``pip install "sakipcalc[html]"``).
"""

from ._csv import CSV_COLUMNS, render_csv
from ._html import render_html
from ._text import render_json, render_markdown, render_table, to_jsonable
from ._xlsx import render_xlsx

__all__ = [
    "CSV_COLUMNS",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_table",
    "render_xlsx",
    "to_jsonable",
]
