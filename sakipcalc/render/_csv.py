"""CSV: one row per indicator, for spreadsheets and data tools."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from ..i18n import Locale
from ..results import EvaluationReport, Figure, IndicatorResult
from ._format import (
    category_text,
    first_failed,
    in_decimal_context,
    number_text,
    target_number,
    target_text,
)
from ._safety import spreadsheet_text

__all__ = ["CSV_COLUMNS", "render_csv"]

#: The columns of :func:`render_csv`, in order; the same in every locale.
CSV_COLUMNS: tuple[str, ...] = (
    "indicator",
    "name",
    "unit",
    "period",
    "target",
    "realisation_raw",
    "realisation",
    "realisation_grade",
    "achievement_raw",
    "achievement",
    "status",
    "reason",
    "category",
)

Cell = Decimal | str | None


def _number(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value.is_finite() else None


def _target(target: str | None, locale: Locale) -> Cell:
    if target is None:
        return None
    value = target_number(target)  # a plain number is written as one
    if value is not None:
        return value
    return target_text(target, locale)  # a grade or a range: 80,5–90 in id


def _row(result: IndicatorResult, locale: Locale) -> list[Cell]:
    realisation, achievement = result.realisation, result.achievement
    failed: Figure | None = first_failed((realisation, achievement))
    return [
        result.indicator,
        result.name,
        result.unit,
        result.period,
        _target(result.target, locale),
        _number(realisation.raw),
        _number(realisation.rounded),
        realisation.grade,
        _number(achievement.raw),
        _number(achievement.rounded),
        (failed or achievement).status.value,
        failed.reason if failed is not None else None,
        category_text(result.category) or None,
    ]


def _text(cell: Cell, locale: Locale) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        # Numbers are never escaped: -3 is a number, not a formula.
        return number_text(cell, locale)
    return spreadsheet_text(cell)


@in_decimal_context
def render_csv(report: EvaluationReport, *, locale: Locale = "en") -> str:
    """The report's indicators as CSV: one row per indicator, columns :data:`CSV_COLUMNS`.

    Tidy and exact: every number is the exact Decimal as text, never a
    binary float; ``*_raw`` columns hold the unrounded figures and
    ``realisation`` / ``achievement`` the rounded ones; a grade realisation
    (``BB``) is in ``realisation_grade``. A figure that could not be
    computed is an empty cell, with ``status`` (``ok``, ``missing_data``,
    ``not_computable``) and ``reason`` saying why. ``target`` is the target
    as declared (``25``, ``BB``, ``80–90``).

    Locales:

    * ``"en"``: comma-separated, decimal point (``41.42``);
    * ``"id"``: **semicolon**-separated with a decimal **comma** (``41,42``),
      as Excel expects with Indonesian regional settings, where the comma is
      the decimal separator. Only the delimiter and the decimal separator
      change: column names and status codes stay the same, and there is no
      thousands separator.

    Lines end with CRLF (RFC 4180). The text is Unicode; Excel detects UTF-8
    only with a byte-order mark, so write it with ``encoding="utf-8-sig"``
    for Excel users.

    Spreadsheet safety: a text cell starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading ``'`` so that a name in a spec
    cannot become a formula (OWASP CSV injection). Number cells are never
    changed.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "id" else ",", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for result in report.indicators:
        writer.writerow([_text(cell, locale) for cell in _row(result, locale)])
    return buffer.getvalue()
