"""Numbers, figures and targets as text: the one place every renderer formats them.

The table, Markdown, CSV, XLSX and HTML renderers all call these functions,
so a figure or a target reads the same in every output of one locale. They
differ only in the options they pass (the HTML report groups thousands, the
terminal table does not).

A declared target reaches the renderers typed (the spec's
:class:`~sakipcalc.TargetSpec`); :func:`target_text` is the one place it
becomes text in a locale.

Magnitude: a number whose positional form would need more than
:data:`sakipcalc.i18n.MAX_PLAIN_DIGITS` digits is shown in scientific
notation (``1E+960000``, ``1,5E+100`` in ``id``), so that one absurd value
cannot make a report megabytes long or slow to build.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ..i18n import MAX_PLAIN_DIGITS as MAX_PLAIN_DIGITS
from ..i18n import Locale, format_number, format_rupiah, label, plain_digits, reason, term
from ..models import Baseline, TargetSpec
from ..results import BudgetResult, CategoryRef, Figure

__all__ = [
    "MAX_PLAIN_DIGITS",
    "category_text",
    "figure_reason",
    "figure_text",
    "first_failed",
    "number_text",
    "reason_text",
    "rupiah_text",
    "target_number",
    "target_range",
    "target_text",
    "term_text",
    "walk_budget",
]

# What str(Decimal) writes for a finite number: 25, -2, 12.5, 1E+5, 1.5E-7.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:E[-+]?[0-9]+)?")
_RANGE_DASH = "–"
# Rounds a coefficient longer than the limit (half even), whatever its exponent.
_SIGNIFICANT = decimal.Context(
    prec=MAX_PLAIN_DIGITS,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
)
# A decimal number inside other text ("29.17 (2018)"): its point follows the locale.
_DECIMAL_IN_TEXT = re.compile(r"(?<![0-9.])-?[0-9]+\.[0-9]+(?![0-9.])")


def number_text(value: Decimal, locale: Locale, *, grouping: bool = False) -> str:
    """``41.42`` as ``41,42`` (id); scientific past :data:`MAX_PLAIN_DIGITS` digits."""
    if not value.is_finite():
        return str(value)
    if plain_digits(value) <= MAX_PLAIN_DIGITS:
        return format_number(value, locale, grouping=grouping)
    shown = _SIGNIFICANT.plus(value)  # exact unless the coefficient is longer than the limit
    approximate = shown != value
    text = format(shown.normalize(_SIGNIFICANT), "E")
    if locale == "id":
        text = text.replace(".", ",")
    return ("≈" if approximate else "") + text


def rupiah_text(value: Decimal, locale: Locale) -> str:
    """``Rp 12.364.293.866`` (id) or ``Rp 12,364,293,866`` (en); cents only when present."""
    if value.is_finite() and plain_digits(value) <= MAX_PLAIN_DIGITS:
        return format_rupiah(value, locale)
    return "Rp " + number_text(value, locale)


def figure_text(
    figure: Figure | None,
    locale: Locale,
    *,
    grouping: bool = False,
    unavailable: str | None = None,
) -> str:
    """A computed figure as printed: ``41,42``, ``BB``, ``80,00 (BB)``.

    A figure that could not be computed reads ``unavailable`` (by default the
    locale's ``n/a``); an absent one reads ``unavailable`` or nothing.
    """
    if figure is None:
        return unavailable or ""
    if not figure.ok:
        return label("n_a", locale) if unavailable is None else unavailable
    if figure.rounded is None:
        return figure.grade or unavailable or ""
    text = number_text(figure.rounded, locale, grouping=grouping)
    return f"{text} ({figure.grade})" if figure.grade is not None else text


def target_number(target: TargetSpec | None) -> Decimal | None:
    """A declared target that is one number (``25``, ``12.5``); None for grades and ranges."""
    return None if target is None else target.value


def target_range(target: TargetSpec | None) -> tuple[Decimal, Decimal] | None:
    """A declared range target (``80–90``) as (min, max); None otherwise."""
    if target is None or target.range is None:
        return None
    return target.range.min, target.range.max


def target_text(
    target: TargetSpec | Baseline | None,
    locale: Locale,
    *,
    grouping: bool = False,
    missing: str = "—",
) -> str:
    """A declared target (``12.5``, ``BB``, ``80–90``) in the locale; ``missing`` when none.

    A baseline reads ``29.17 (2018)``: its value, then its period.
    """
    if target is None:
        return missing
    if isinstance(target, Baseline):
        value = target_text(target.value, locale, grouping=grouping, missing=missing)
        return f"{value} ({target.period})"
    if target.value is not None:
        return number_text(target.value, locale, grouping=grouping)
    if target.range is not None:
        low, high = (
            number_text(v, locale, grouping=grouping) for v in (target.range.min, target.range.max)
        )
        return low + _RANGE_DASH + high
    return target.grade or missing


def category_text(category: CategoryRef | None) -> str:
    """A category's display name (its label when it has none); empty for no category."""
    if category is None:
        return ""
    return category.name or category.label


def first_failed(figures: Sequence[Figure | None]) -> Figure | None:
    """The first figure that could not be computed: the one whose reason a row shows."""
    for figure in figures:
        if figure is not None and not figure.ok:
            return figure
    return None


def figure_reason(figure: Figure, locale: Locale) -> str:
    """Why ``figure`` could not be computed, in ``locale`` (its status when no reason)."""
    if figure.reason:
        return reason(figure.reason, locale)
    return term_text("", figure.status.value, locale)


def reason_text(figures: Sequence[Figure | None], locale: Locale) -> str:
    """Why the first failed figure could not be computed (its status when no reason); or ""."""
    failed = first_failed(figures)
    if failed is None:
        return ""
    return figure_reason(failed, locale)


def term_text(prefix: str, code: str, locale: Locale) -> str:
    """A result's code as read: ``objective`` in ``en``, ``Sasaran`` in ``id`` (prefix ``kind_``).

    Roll-up kinds (``kind_``), rules (``rule_``), budget levels (``level_``)
    and statuses (no prefix) are Indonesian terms in ``id``; in ``en`` the
    code itself, as reports have always printed it.
    """
    return term(prefix, code, locale)


def walk_budget(
    lines: Sequence[BudgetResult], parent: BudgetResult | None = None, depth: int = 0
) -> Iterator[tuple[BudgetResult, BudgetResult | None, int]]:
    """Every budget line, depth first, with its parent and depth."""
    for line in lines:
        yield line, parent, depth
        yield from walk_budget(line.children, line, depth + 1)
