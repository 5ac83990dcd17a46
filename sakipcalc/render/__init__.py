"""Renderers for evaluation reports.

Core (no extra dependencies): plain-text table, Markdown, JSON, CSV.
Optional: XLSX (``pip install "sakipcalc[xlsx]"``) and HTML
(``pip install "sakipcalc[html]"``).

Each renderer's module is imported when its name is first used, so that
``import sakipcalc`` (and a submodule such as :mod:`._safety`) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._jsonable import to_jsonable
    from ._csv import CSV_COLUMNS, render_csv
    from ._html import render_html
    from ._text import render_json, render_markdown, render_table
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
