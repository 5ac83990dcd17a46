"""Quarterly monitoring (triwulan I–IV) as a terminal table, Markdown, JSON, CSV and an XLSX sheet.

One row per indicator: the annual target, the realisation of TW I … TW IV
(with the quarter's capaian where a quarterly target is declared), the
cumulative figure (``s.d. TW III`` while the year is not complete), its
capaian against the annual target, the category, and a note saying why a
figure is missing. The HTML view is :mod:`._quarters_html`.

The workbook sheet is written by :func:`add_quarterly_sheet`, so that the
main report's workbook can carry it too: one call after its own sheets.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from .._exact import own_context
from .._jsonable import to_jsonable
from ..engine.quarters import QuarterlyIndicator, QuarterlyReport, QuarterResult
from ..i18n import Locale, label
from ..models import TargetSpec
from ..results import CategoryRef, Figure
from ._format import (
    category_text,
    figure_reason,
    figure_text,
    number_text,
    target_number,
    target_text,
)
from ._safety import printable, spreadsheet_text, xlsx_text
from ._xlsx import Cell, add_sheet, number_cell, target_cell

__all__ = [
    "add_quarterly_sheet",
    "cumulative_text",
    "quarter_label",
    "quarterly_note",
    "render_quarters_csv",
    "render_quarters_json",
    "render_quarters_markdown",
    "render_quarters_table",
    "render_quarters_xlsx",
    "rule_text",
]


# ------------------------------------------------------------------ shared words


def quarter_label(quarter: int, locale: Locale) -> str:
    """``TW III`` (id) or ``Q3`` (en)."""
    return label(f"quarter_{quarter}", locale)


def rule_text(row: QuarterlyIndicator, locale: Locale) -> str:
    """How the indicator's quarters make its year: ``jumlah``, ``nilai terakhir (kumulatif)`` …"""
    return label(f"qrule_{row.rule.value if row.rule is not None else 'none'}", locale)


def cumulative_text(
    row: QuarterlyIndicator, locale: Locale, *, grouping: bool, unavailable: str | None = None
) -> str:
    """The cumulative figure, with ``(s.d. TW III)`` while the year is not complete."""
    text = figure_text(row.cumulative, locale, grouping=grouping, unavailable=unavailable)
    if row.cumulative.ok and row.through is not None and row.through < 4:
        through = label("through_quarter", locale).format(
            quarter=quarter_label(row.through, locale)
        )
        text += f" ({through})"
    return text


def quarter_text(quarter: QuarterResult, locale: Locale, *, grouping: bool) -> str:
    """A quarter's realisation; ``10,70 (42,80%)`` where its own target gives a capaian."""
    text = figure_text(quarter.realisation, locale, grouping=grouping)
    if quarter.achievement.ok and quarter.achievement.rounded is not None:
        text += f" ({number_text(quarter.achievement.rounded, locale, grouping=grouping)}%)"
    return text


def quarterly_note(row: QuarterlyIndicator, locale: Locale) -> str:
    """Why a figure of the row is missing: the cumulative figure's reason, then each quarter's."""
    notes = []
    for figure in (row.cumulative, row.cumulative_achievement):
        if not figure.ok:
            notes.append(figure_reason(figure, locale))
            break
    if row.annual is not None:
        grouping = _grouping(locale)
        notes.append(
            label("quarterly_annual_differs", locale).format(
                annual=figure_text(row.annual, locale, grouping=grouping),
                cumulative=figure_text(row.cumulative, locale, grouping=grouping),
            )
        )
    for quarter in row.quarters:
        # A quarter after the last one reported is simply not due yet only when
        # the cumulative figure stands; its reason is still worth one short note.
        if not quarter.realisation.ok:
            reason = figure_reason(quarter.realisation, locale)
            notes.append(f"{quarter_label(quarter.quarter, locale)}: {reason}")
    return "; ".join(notes)


def _grouping(locale: Locale) -> bool:
    return locale == "id"  # as the main report: grouped thousands in Indonesian


def _title(report: QuarterlyReport, locale: Locale) -> str:
    return (
        f"{label('quarterly', locale)} — {report.spec_name} — {label('year', locale)} {report.year}"
    )


def _headings(locale: Locale, first: str) -> list[str]:
    return [
        label("no", locale),
        label(first, locale),
        label("unit", locale),
        label("annual_target", locale),
        *(quarter_label(q, locale) for q in (1, 2, 3, 4)),
        label("cumulative", locale),
        label("cumulative_achievement", locale),
        label("category", locale),
        label("note", locale),
    ]


def _cells(number: int, row: QuarterlyIndicator, first: str, locale: Locale) -> tuple[str, ...]:
    grouping = _grouping(locale)
    return (
        str(number),
        first,
        row.unit,
        target_text(row.annual_target, locale, grouping=grouping),
        *(quarter_text(q, locale, grouping=grouping) for q in row.quarters),
        cumulative_text(row, locale, grouping=grouping),
        figure_text(row.cumulative_achievement, locale, grouping=grouping),
        category_text(row.cumulative_category),
        quarterly_note(row, locale),
    )


_RIGHT = frozenset({0, 3, 4, 5, 6, 7, 8, 9})

# ------------------------------------------------------------------ terminal table

# Band colours (a scale's ``colour:``) as ANSI SGR codes, as the main table draws them.
_MAX_COLUMN = 400
_ANSI = {"red": "31", "orange": "38;5;208", "yellow": "33", "lightgreen": "92", "green": "32"}


def _sgr(category: CategoryRef | None, figure: Figure) -> str | None:
    if category is None or category.colour is None or not figure.ok:
        return None
    return _ANSI.get(re.sub(r"[\s_-]", "", category.colour).lower())


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_table(
    report: QuarterlyReport, *, locale: Locale = "en", colour: bool = False
) -> str:
    """An aligned text table: one row per indicator (by name), TW I–IV, cumulative, annual target."""
    title = printable(_title(report, locale))
    if not report.indicators:
        return "\n".join([title, "=" * len(title), "", _none(report, locale)]) + "\n"
    headers = [printable(h) for h in _headings(locale, "indicator")]
    rows = [
        [printable(c) for c in _cells(n, row, row.name, locale)]
        for n, row in enumerate(report.indicators, start=1)
    ]
    # As the main table: a column is as wide as its widest cell up to _MAX_COLUMN,
    # so one very long name is printed whole without padding every other row.
    widths = [
        min(max(len(h), *(len(r[i]) for r in rows)), _MAX_COLUMN) for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str], sgr: str | None = None) -> str:
        parts = []
        for i, text in enumerate(cells):
            pad = " " * max(widths[i] - len(text), 0)
            if i == 9 and sgr and text:
                text = f"\x1b[{sgr}m{text}\x1b[0m"
            parts.append(pad + text if i in _RIGHT else text + pad)
        return "  ".join(parts).rstrip()

    out = [title, "=" * len(title), "", line(headers), "  ".join("-" * w for w in widths)]
    for row, cells in zip(report.indicators, rows, strict=True):
        sgr = _sgr(row.cumulative_category, row.cumulative_achievement) if colour else None
        out.append(line(cells, sgr))
    out += ["", printable(label("quarterly_note", locale))]
    return "\n".join(out) + "\n"


def _none(report: QuarterlyReport, locale: Locale) -> str:
    return label("quarterly_none", locale).format(year=report.year)


# ------------------------------------------------------------------ Markdown, JSON

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _md(text: str) -> str:
    """Inert in a Markdown table: entities for ``& < >``, escaped ``| \\``, ``<br>`` for breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return printable(_LINE_BREAK.sub("<br>", text))


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_markdown(report: QuarterlyReport, *, locale: Locale = "en") -> str:
    """The quarterly table in Markdown (GitHub-flavoured), by indicator name, with its note."""
    lines = [f"# {_md(_title(report, locale))}", ""]
    if report.agency:
        lines += [f"{label('agency', locale)}: {_md(report.agency)}", ""]
    if not report.indicators:
        return "\n".join([*lines, _md(_none(report, locale))]) + "\n"
    headings = _headings(locale, "indicator")
    lines.append("| " + " | ".join(_md(h) for h in headings) + " |")
    lines.append(
        "|" + "|".join("---:" if i in _RIGHT else "---" for i in range(len(headings))) + "|"
    )
    for number, row in enumerate(report.indicators, start=1):
        cells = _cells(number, row, row.name, locale)
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    lines += ["", _md(label("quarterly_note", locale))]
    return "\n".join(lines) + "\n"


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_json(report: QuarterlyReport) -> str:
    """The quarterly report as JSON: Decimals as exact strings, the same in every locale."""
    return json.dumps(to_jsonable(report), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ the sheet (XLSX and CSV)


@dataclass(frozen=True, slots=True)
class _Declared:
    """A declared target in a sheet row: a number cell when it is one number, else its text."""

    target: TargetSpec | None


_Value = _Declared | Decimal | str | int | None


def _sheet_headings(locale: Locale, *, with_id: bool) -> list[str]:
    per_quarter = [
        f"{quarter_label(q, locale)} {label(key, locale)}"
        for q in (1, 2, 3, 4)
        for key in ("quarter_target", "quarter_realisation", "quarter_achievement")
    ]
    return [
        label("no", locale),
        *([label("id", locale)] if with_id else []),
        label("indicator", locale),
        label("unit", locale),
        label("quarter_rule", locale),
        label("annual_target", locale),
        *per_quarter,
        label("cumulative", locale),
        label("through_column", locale),
        label("cumulative_achievement", locale),
        label("category", locale),
        label("note", locale),
    ]


def _rounded(figure: Figure) -> Decimal | str | None:
    if not figure.ok:
        return None
    return figure.rounded if figure.rounded is not None else figure.grade


def _sheet_row(
    number: int, row: QuarterlyIndicator, locale: Locale, *, with_id: bool
) -> list[_Value]:
    """One row as typed values: a Decimal is a number; targets are kept declared (typed).

    ``with_id``: the indicator's id as a column, for the machine format (CSV) only;
    people read the sheet by the indicator's name.
    """
    per_quarter: list[_Value] = []
    for quarter in row.quarters:
        per_quarter += [
            _Declared(quarter.target),
            _rounded(quarter.realisation),
            _rounded(quarter.achievement),
        ]
    return [
        number,
        *([row.indicator] if with_id else []),
        row.name,
        row.unit,
        rule_text(row, locale),
        _Declared(row.annual_target),
        *per_quarter,
        _rounded(row.cumulative),
        row.through,
        _rounded(row.cumulative_achievement),
        category_text(row.cumulative_category) or None,
        quarterly_note(row, locale) or None,
    ]


def _xlsx_cell(value: _Value, locale: Locale) -> Cell:
    if isinstance(value, _Declared):
        return target_cell(value.target, locale)
    if isinstance(value, Decimal):
        return number_cell(value)
    return value


def add_quarterly_sheet(workbook: Any, report: QuarterlyReport, *, locale: Locale = "en") -> None:
    """Append the quarterly sheet to an openpyxl ``workbook`` (the main report's, or a new one).

    Columns: no, indicator (its name), unit, quarter rule, annual target, then target,
    realisation and capaian of each quarter, the cumulative figure, the last
    quarter it includes (a number, 1–4), its capaian, category and note.
    Numbers are exact number cells.
    """
    rows = [
        [_xlsx_cell(value, locale) for value in _sheet_row(n, row, locale, with_id=False)]
        for n, row in enumerate(report.indicators, start=1)
    ]
    headings = _sheet_headings(locale, with_id=False)
    add_sheet(workbook, label("quarterly_sheet", locale), headings, rows)


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_xlsx(
    report: QuarterlyReport,
    destination: str | os.PathLike[str] | BinaryIO,
    *,
    locale: Locale = "en",
) -> None:
    """A workbook of one sheet, :func:`add_quarterly_sheet`. Needs openpyxl (``sakipcalc[xlsx]``)."""
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise ImportError('the XLSX output needs openpyxl: pip install "sakipcalc[xlsx]"') from exc
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = xlsx_text(_title(report, locale))
    add_quarterly_sheet(workbook, report, locale=locale)
    workbook.save(destination)


def _csv_text(value: _Value, locale: Locale) -> str:
    if value is None:
        return ""
    if isinstance(value, _Declared):
        if value.target is None:
            return ""
        number = target_number(value.target)
        if number is not None:
            return number_text(number, locale, grouping=_grouping(locale))
        return spreadsheet_text(target_text(value.target, locale))
    if isinstance(value, Decimal):
        return number_text(value, locale, grouping=_grouping(locale))
    if isinstance(value, int):
        return str(value)
    return spreadsheet_text(value)


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_csv(report: QuarterlyReport, *, locale: Locale = "en") -> str:
    """The quarterly sheet as CSV: ``,`` and ``41.42`` in ``en``; ``;`` and ``41,42`` in ``id``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "id" else ",", lineterminator="\r\n")
    writer.writerow(_sheet_headings(locale, with_id=True))
    for number, row in enumerate(report.indicators, start=1):
        cells = _sheet_row(number, row, locale, with_id=True)
        writer.writerow([_csv_text(v, locale) for v in cells])
    return buffer.getvalue()
