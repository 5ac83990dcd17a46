"""Renderers for evaluation reports: terminal table, Markdown and JSON.

The table and Markdown take a ``locale`` (``"en"`` or ``"id"``): headings come
from :func:`sakipcalc.i18n.label` and numbers from
:func:`._format.number_text` (``41.42`` or ``41,42``). JSON is the same
in every locale and keeps every Decimal as a string so that no consumer turns
it into a binary float by accident.

Text from the spec (names, units, category names) is untrusted: control
characters are spelled out (see :mod:`._safety`) so that a spec cannot send
escape sequences to a terminal, and Markdown escapes pipes, backslashes and
line breaks so that a name cannot break a table, and ``&``, ``<`` and ``>``
so that a name cannot carry HTML into it.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence

from .._exact import own_context
from .._jsonable import to_jsonable
from .._spec import Spec
from ..check.review import Review
from ..i18n import Locale, label, term
from ..results import EvaluationReport
from ._chapter import build_chapter
from ._chapter_cells import Grid, Heading, Items, Para
from ._chapter_text import chapter_blocks
from ._format import walk_budget
from ._safety import printable

__all__ = ["render_json", "render_markdown", "render_table", "to_jsonable"]


@own_context  # the caller's Decimal context never reaches the output
def render_json(report: EvaluationReport) -> str:
    return json.dumps(to_jsonable(report), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------ shared helpers
# Used by the CSV and XLSX renderers too.


def _has_efficiency(report: EvaluationReport) -> bool:
    return any(line.efficiency is not None for line, _, _ in walk_budget(report.budget))


def _warning_summary(report: EvaluationReport, locale: Locale) -> str | None:
    if not report.warnings:
        return None
    # The full list is one command away; a report readers scan should not drown in it.
    codes: dict[str, int] = {}
    for warning in report.warnings:
        codes[warning.code] = codes.get(warning.code, 0) + 1
    summary = ", ".join(
        f"{count} {term('warning_', code, locale)}" for code, count in sorted(codes.items())
    )
    return f"{label('warnings', locale)}: {summary} {label('warnings_hint', locale)}"


# ------------------------------------------------------------ terminal table

# Band colours (a scale's ``colour:``) as ANSI SGR codes; 208 is the xterm-256 orange.
_ANSI_COLOURS: dict[str, str] = {
    "red": "31",
    "orange": "38;5;208",
    "yellow": "33",
    "lightgreen": "92",
    "green": "32",
    "darkgreen": "32",
    "blue": "34",
    "lightblue": "94",
    "cyan": "36",
    "magenta": "35",
    "grey": "90",
    "gray": "90",
}
_RESET = "\x1b[0m"
_MAX_COLUMN = 400
# Text columns wrap at these widths: a terminal table of long names stays readable.
_TEXT_WIDTH = 36
_NOTE_WIDTH = 48


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    indent = text[: len(text) - len(text.lstrip(" "))]  # a budget line's depth
    return textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False) or [""]


def _grid_text(grid: Grid, colour: bool) -> str:
    """A grid as an aligned table; long text wraps inside its column, numbers never."""
    headers = [printable(h) for h in grid.headers]
    cells = [
        [printable(c) for c in row] if not isinstance(row, str) else printable(row)
        for row in grid.rows
    ]
    widths = []
    for i, heading in enumerate(headers):
        natural = max([len(heading), *(len(r[i]) for r in cells if not isinstance(r, str))])
        cap = (
            _MAX_COLUMN
            if i in grid.right
            else (_NOTE_WIDTH if i == len(headers) - 1 else _TEXT_WIDTH)
        )
        widths.append(max(min(natural, cap), 1))

    def lines(row: Sequence[str], tones: Mapping[int, str]) -> list[str]:
        wrapped = [_wrap(text, widths[i]) for i, text in enumerate(row)]
        out = []
        for n in range(max(len(w) for w in wrapped)):
            parts = []
            for i, column in enumerate(wrapped):
                text = column[n] if n < len(column) else ""
                pad = " " * max(widths[i] - len(text), 0)
                if n == 0 and i in tones and text:
                    text = f"\x1b[{tones[i]}m{text}{_RESET}"
                parts.append(pad + text if i in grid.right else text + pad)
            out.append("  ".join(parts).rstrip())
        return out

    out = list(lines(headers, {}))
    out.append("  ".join("-" * w for w in widths))
    for n, row in enumerate(cells):
        if isinstance(row, str):
            out.append(row)
            continue
        tones: dict[int, str] = {}
        if colour and n < len(grid.tones):
            for column, name in grid.tones[n]:
                key = re.sub(r"[\s_-]", "", name).lower()
                if key in _ANSI_COLOURS:
                    tones[column] = _ANSI_COLOURS[key]
        out += lines(row, tones)
    return "\n".join(out)


@own_context  # the caller's Decimal context never reaches the output
def render_table(
    report: EvaluationReport,
    *,
    locale: Locale = "en",
    colour: bool = False,
    spec: Spec | None = None,
    review: Review | None = None,
) -> str:
    """The report as a terminal text laid out as a LAKIP chapter III.

    IKU first, then the other indicators, grouped by tujuan and sasaran;
    comparisons, roll-ups, one table per PK, budget, the indicators without
    data, the review findings (with ``review``) and the notes that explain
    each mark on a computed figure. ``spec`` (the spec the report was
    evaluated from) supplies tujuan, narratives, national standards, the
    report's table numbering and which figures the report printed.

    With ``colour=True`` each achievement figure is drawn in its category's
    band colour (ANSI escapes); the caller decides whether the stream wants
    colour (a terminal, no ``NO_COLOR``). Headings are in ``locale``, numbers
    use its decimal separator (``41,42`` in ``id``); ``id`` also groups
    thousands (``4.712.818.176``).
    """
    chapter = build_chapter(report, spec, review)
    parts: list[str] = []
    for block in chapter_blocks(chapter, locale):
        if isinstance(block, Heading):
            text = printable(block.text)
            underline = "=" if block.level == 1 else "-"
            parts += ["", text, underline * len(text)] if block.level < 3 else ["", text]
        elif isinstance(block, Para):
            parts += ["", printable(block.text)]
        elif isinstance(block, Items):
            parts += ["", *(f"- {printable(line)}" for line in block.lines)]
        else:
            if block.caption:
                parts += ["", printable(block.caption)]
            parts += ["", _grid_text(block, colour)]
    summary = _warning_summary(report, locale)
    if summary is not None:
        parts += ["", printable(summary)]
    return "\n".join(parts).lstrip("\n") + "\n"


# ------------------------------------------------------------------ Markdown

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _md(text: str) -> str:
    """Text for a Markdown table cell or heading, inert as HTML and as table syntax.

    ``&``, ``<`` and ``>`` become entities (Markdown passes raw HTML through,
    so a name must not become a tag), ``|`` and ``\\`` are escaped, and line
    breaks become ``<br>``.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return printable(_LINE_BREAK.sub("<br>", text))


def _md_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int]
) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(_md(c) for c in row) + " |")
    return lines


def _md_grid(grid: Grid) -> list[str]:
    lines = []
    if grid.caption:
        lines += [f"**{_md(grid.caption)}**", ""]
    width = len(grid.headers)
    rows = [
        (f"**{row}**", *([""] * (width - 1))) if isinstance(row, str) else row for row in grid.rows
    ]
    return lines + _md_table(grid.headers, rows, grid.right)


@own_context  # the caller's Decimal context never reaches the output
def render_markdown(
    report: EvaluationReport,
    *,
    locale: Locale = "en",
    spec: Spec | None = None,
    review: Review | None = None,
) -> str:
    """A Markdown (GitHub-flavoured) LAKIP chapter III; see :func:`render_table` for the layout.

    Headings are in ``locale`` and numbers use its decimal separator; Rupiah
    amounts are grouped (``Rp 12.364.293.866`` in ``id``).
    """
    chapter = build_chapter(report, spec, review)
    lines: list[str] = []
    for block in chapter_blocks(chapter, locale):
        if lines and lines[-1]:
            lines.append("")
        if isinstance(block, Heading):
            lines.append(f"{'#' * block.level} {_md(block.text)}")
        elif isinstance(block, Para):
            lines.append(_md(block.text))
        elif isinstance(block, Items):
            lines += [f"- {_md(line)}" for line in block.lines]
        else:
            lines += _md_grid(block)
    summary = _warning_summary(report, locale)
    if summary is not None:
        lines += ["", _md(summary)]
    return "\n".join(lines) + "\n"
