"""XLSX: the report as a workbook, one sheet per table (needs ``sakipcalc[xlsx]``).

Numbers are number cells and exact. openpyxl writes a :class:`~decimal.Decimal`
through ``"%.16g" % value``, i.e. as a binary float cut to 16 significant
digits; sakipcalc instead stores the Decimal's exact digits in the cell
(``<v>41.4241363366140431996829381068762798…</v>``). A spreadsheet program
computes with doubles and so keeps about 15 significant digits of the raw
columns, but the file itself holds the exact value, and every rounded
figure (``41.42``) is exactly representable at that precision.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from .._exact import own_context
from .._spec import Spec
from .._types import Period
from ..check.review import Review
from ..engine.quarters import QuarterlyReport
from ..i18n import MAX_PLAIN_DIGITS, Locale, label, plain_digits
from ..models import TargetSpec
from ..results import CategoryRef, EvaluationReport, Figure
from ._chapter import Chapter, build_chapter
from ._chapter_cells import Heading, Items, Para
from ._chapter_text import chapter_blocks
from ._format import (
    category_text,
    first_failed,
    reason_text,
    target_number,
    target_text,
    term_text,
    walk_budget,
)
from ._safety import xlsx_text

__all__ = ["Cell", "add_sheet", "number_cell", "render_xlsx", "target_cell"]

# Excel shows at most 30 decimals; a longer number format only makes the file bigger.
_MAX_FORMAT_PLACES = 30
_MISSING_OPENPYXL = 'the XLSX output needs openpyxl: pip install "sakipcalc[xlsx]"'

# Cell values as the sheets are built: a Decimal is a number cell, shown with
# ``places`` decimals when ``places`` is given (a rounded figure) and in the
# general format otherwise (a raw figure); a str is a text cell.


class _Num:
    """A number cell: exact value, and the number format to show it with."""

    __slots__ = ("format", "value")

    def __init__(self, value: Decimal, number_format: str = "General") -> None:
        self.value = value
        self.format = number_format


_Cell = _Num | str | int | None
#: A cell of :func:`add_sheet`: an exact number (:func:`number_cell`), text, an integer or empty.
Cell = _Cell


def number_cell(value: Decimal) -> Cell:
    """An exact number cell shown with the decimals ``value`` has (``41.42`` as ``0.00``)."""
    return _Num(value, _places_format(value))


def _places_format(value: Decimal, *, grouping: bool = False) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    places = min(places, _MAX_FORMAT_PLACES)
    whole = "#,##0" if grouping else "0"
    return whole + ("." + "0" * places if places else "")


def _rounded(figure: Figure | None) -> _Cell:
    if figure is None or not figure.ok or figure.rounded is None:
        return None
    return _Num(figure.rounded, _places_format(figure.rounded))


def _raw(figure: Figure | None) -> _Cell:
    if figure is None or not figure.ok or figure.raw is None:
        return None
    return _Num(figure.raw)


def _rupiah(value: Decimal) -> _Num:
    return _Num(value, _places_format(value, grouping=True))


def _target(target: TargetSpec | None, locale: Locale) -> _Cell:
    if target is None:
        return None
    value = target_number(target)
    if value is not None:
        return _Num(value, _places_format(value))
    return target_text(target, locale)


def target_cell(target: TargetSpec | None, locale: Locale) -> Cell:
    """A declared target: a number cell for one number, text for a grade or a range."""
    return _target(target, locale)


def _status(figures: Sequence[Figure | None], locale: Locale) -> str:
    failed = first_failed(figures)
    if failed is None:
        return label("ok", locale)
    return label(failed.status.value, locale)


def _note(figures: Sequence[Figure | None], locale: Locale) -> str | None:
    return reason_text(figures, locale) or None


def _period(period: Period) -> int | str:
    """A year as a number cell (sorts and filters as one); a quarter (2022-Q3) as text."""
    return period.year if period.quarter is None else period


def _category(category: CategoryRef | None) -> str | None:
    return category_text(category) or None


class _Sheet:
    """Headings and rows of one sheet, before they become cells."""

    def __init__(self, title: str, headings: Sequence[str]) -> None:
        self.title = title
        self.headings = list(headings)
        self.rows: list[list[_Cell]] = []


def _chapter_sheet(chapter: Chapter, locale: Locale) -> _Sheet:
    """Chapter III as text, table after table, in the layout that pastes into the LAKIP."""
    sheet = _Sheet(label("chapter_iii", locale), [])
    width = 9  # the indicator tables' columns: No · Sasaran · … · Keterangan
    for block in chapter_blocks(chapter, locale):
        if isinstance(block, Heading | Para):
            sheet.rows.append([block.text])
        elif isinstance(block, Items):
            sheet.rows += [[line] for line in block.lines]
        else:
            if block.caption:
                sheet.rows.append([block.caption])
            sheet.rows.append(list(block.headers))
            for row in block.rows:
                sheet.rows.append([row] if isinstance(row, str) else list(row))
        sheet.rows.append([])
    sheet.headings = [label("chapter_iii", locale)] + [""] * (width - 1)
    return sheet


def _sheets(report: EvaluationReport, locale: Locale) -> list[_Sheet]:
    def headings(*keys: str) -> list[str]:
        return [label(k, locale) for k in keys]

    item_keys = (
        "indicator",
        "name",
        "unit",
        "target",
        "realisation_raw",
        "realisation",
        "grade",
        "achievement_raw",
        "achievement",
        "status",
        "category",
        "note",
    )
    indicators = _Sheet(
        label("indicators", locale),
        headings(*item_keys[:3], "period", *item_keys[3:]),
    )
    for result in report.indicators:
        figures = (result.realisation, result.achievement)
        indicators.rows.append(
            [
                result.indicator,
                result.name,
                result.unit,
                _period(result.period),
                _target(result.target, locale),
                _raw(result.realisation),
                _rounded(result.realisation),
                result.realisation.grade,
                _raw(result.achievement),
                _rounded(result.achievement),
                _status(figures, locale),
                _category(result.category),
                _note(figures, locale),
            ]
        )

    agreements = _Sheet(
        label("agreements", locale),
        headings(
            "agreement",
            "year",
            "official",
            "org_unit",
            "level",
            *item_keys,
            "agreement_rollup_raw",
            "agreement_rollup",
        ),
    )
    for agreement in report.agreements:
        for item in agreement.items:
            figures = (item.realisation, item.achievement)
            agreements.rows.append(
                [
                    agreement.id,
                    agreement.year,
                    agreement.official,
                    agreement.org_unit_name,
                    term_text("level_", agreement.level, locale),
                    item.indicator,
                    item.name,
                    item.unit,
                    _target(item.target, locale),
                    _raw(item.realisation),
                    _rounded(item.realisation),
                    item.realisation.grade,
                    _raw(item.achievement),
                    _rounded(item.achievement),
                    _status(figures, locale),
                    _category(item.category),
                    _note(figures, locale),
                    _raw(agreement.rollup),
                    _rounded(agreement.rollup),
                ]
            )

    budget = _Sheet(
        label("budget", locale),
        headings(
            "budget_line",
            "name",
            "level",
            "parent",
            "year",
            "ceiling",
            "spent",
            "absorption_raw",
            "absorption",
            "efficiency_raw",
            "efficiency",
            "efficiency_category",
            "indicator",
            "note",
        ),
    )
    for line, parent, _ in walk_budget(report.budget):
        budget.rows.append(
            [
                line.id,
                line.name,
                term_text("level_", line.level, locale),
                parent.id if parent is not None else None,
                line.year,
                _rupiah(line.ceiling),
                _rupiah(line.spent),
                _raw(line.absorption),
                _rounded(line.absorption),
                _raw(line.efficiency),
                _rounded(line.efficiency),
                _category(line.efficiency_category),
                ", ".join(line.indicators) or None,
                _note((line.absorption, line.efficiency), locale),
            ]
        )

    rollups = _Sheet(
        label("rollups", locale),
        headings(
            "kind",
            "id",
            "name",
            "rule",
            "achievement_raw",
            "achievement",
            "status",
            "category",
            "members",
            "excluded",
            "note",
        ),
    )
    for r in report.rollups:
        rollups.rows.append(
            [
                term_text("kind_", r.kind, locale),
                r.id,
                r.name,
                term_text("rule_", r.rule, locale),
                _raw(r.achievement),
                _rounded(r.achievement),
                _status((r.achievement,), locale),
                _category(r.category),
                ", ".join(r.members) or None,
                ", ".join(r.excluded) or None,
                _note((r.achievement,), locale),
            ]
        )
    return [indicators, agreements, budget, rollups]


def _width(value: _Cell) -> int:
    """Roughly how many characters a cell shows."""
    if value is None:
        return 0
    if isinstance(value, _Num):
        if value.format == "General":
            return min(len(format(value.value, "f")), 14)  # spreadsheets show ~11 digits
        return len(format(value.value, "f")) + value.format.count(",")
    return max((len(part) for part in str(value).splitlines()), default=0)


@own_context  # the caller's Decimal context never reaches the output
def render_xlsx(
    report: EvaluationReport,
    destination: str | os.PathLike[str] | BinaryIO,
    *,
    locale: Locale = "en",
    spec: Spec | None = None,
    review: Review | None = None,
    quarterly: QuarterlyReport | None = None,
) -> None:
    """Write the report as an XLSX workbook to a path or a binary file.

    The last sheet is chapter III as the report lays it out (IKU first,
    grouped by tujuan and sasaran, marks on computed figures, the review
    with ``review``), text ready to paste into the LAKIP; ``spec`` supplies
    the tujuan, narratives and numbering as in :func:`render_table`. The
    data sheets come first, in order: indicators, performance agreements (one row per item,
    with each official's agreement and its roll-up), budget (one row per
    line, with its parent) and roll-ups; sheet names and headings in
    ``locale``. Each sheet has a bold, frozen header row and a filter.
    ``quarterly`` (:func:`~sakipcalc.engine.evaluate_quarters` of the
    report's year) adds the quarterly monitoring sheet after them.

    Figures are number cells: a rounded figure shows the declared decimal
    places (format ``0.00``), and the unrounded figure is in its own
    ``… (raw)`` column; amounts use ``#,##0``. The values are exact (see the
    module's documentation). A figure that could not be computed is an
    empty cell, with the status and reason beside it.

    Text cells are escaped like CSV (a leading ``=``, ``+``, ``-``, ``@``,
    tab or carriage return gets a ``'``), so that no name in a spec becomes
    a formula; characters XLSX cannot store are spelled out (``\\x07``).

    Raises ImportError when openpyxl is not installed.
    """
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise ImportError(_MISSING_OPENPYXL) from exc

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = xlsx_text(f"{report.spec_name} — {report.period}")
    for sheet in _sheets(report, locale):
        add_sheet(workbook, sheet.title, sheet.headings, sheet.rows)
    if quarterly is not None:
        # Imported here: the quarterly sheet is written with this module's add_sheet.
        from ._quarters import add_quarterly_sheet

        add_quarterly_sheet(workbook, quarterly, locale=locale)
    chapter = _chapter_sheet(build_chapter(report, spec, review), locale)
    add_sheet(workbook, chapter.title, chapter.headings, chapter.rows, document=True)
    workbook.save(destination)


def add_sheet(
    workbook: Any,
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    document: bool = False,
) -> None:
    """Append one sheet to an openpyxl ``workbook``: a bold, frozen header row, a filter, exact cells.

    The one way every sheet is written: the report's and other views' (the
    quarterly monitoring sheet) read and sort alike. A ``document`` (the
    chapter III sheet, rows of different lengths to paste into Word) gets no
    frozen header and no filter.
    """
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    worksheet: Any = workbook.create_sheet(_sheet_title(title))
    worksheet.append([xlsx_text(h) for h in headings])
    for cell in worksheet[1]:
        cell.font = bold
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = worksheet.cell(row=row_number, column=column)
            _put(cell, value)
            if isinstance(value, str) and "\n" in value:
                cell.alignment = wrap  # show a name's line breaks
    for column, heading in enumerate(headings, start=1):
        cells = [row[column - 1] for row in rows if len(row) >= column]
        widest = max([len(heading), *(_width(cell) for cell in cells)])
        letter = get_column_letter(column)
        worksheet.column_dimensions[letter].width = min(max(widest + 2, 8), 60)
    if document:
        return
    worksheet.freeze_panes = "A2"
    last = get_column_letter(len(headings))
    worksheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"


def _put(cell: Any, value: _Cell) -> None:
    if value is None:
        return
    if isinstance(value, _Num):
        if not value.value.is_finite() or plain_digits(value.value) > MAX_PLAIN_DIGITS:
            # Exact and short (1E+960000); Excel could not hold it as a number anyway.
            cell.value = xlsx_text(str(value.value))
            return
        # Not cell.value = Decimal(...): openpyxl would write it as "%.16g" of a float.
        # The exact digits as the cell's text, typed as a number, are written verbatim.
        cell.value = format(value.value, "f")
        cell.data_type = "n"
        cell.number_format = value.format
        return
    if isinstance(value, int):
        cell.value = value
        return
    # A lone "-" (no figure) cannot start a formula; escaping it would show "'-".
    cell.value = value if value == "-" else xlsx_text(value)


_SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of \ / * ? : [ ]
    return _SHEET_TITLE_ILLEGAL.sub(" ", title)[:31]


# Public names of the exact number cells, for the batch writer (sakipcalc.batch.output),
# which writes its tables through the same cells rather than a copy of them.
NumberCell = _Num
put_cell = _put
places_format = _places_format
sheet_title = _sheet_title
