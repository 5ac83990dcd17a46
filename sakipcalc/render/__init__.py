"""Renderers for evaluation reports.

Core (no extra dependencies): plain-text table, Markdown, JSON, CSV.
Optional: XLSX (``pip install "sakipcalc[xlsx]"``) and HTML
(``pip install "sakipcalc[html]"``).
"""

from ._text import render_json, render_markdown, render_table, to_jsonable

__all__ = ["render_json", "render_markdown", "render_table", "to_jsonable"]
