"""Periods as the engine walks them: a year's quarters, and the years before one."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import assert_never

from .._exact import exact_sum
from .._types import Period
from ..models import QuarterRule
from ..results import Figure, Status

__all__ = ["combine_quarter_grades", "combine_quarters", "earlier_years", "quarters_needed"]


def quarters_needed(rule: QuarterRule, year: Period, through: int = 4) -> tuple[Period, ...]:
    """The quarters of ``year`` whose values make the year's under ``rule``.

    With ``through`` below 4, those that make the year so far (s.d. triwulan ``through``).
    """
    match rule:
        case QuarterRule.LAST:
            return (year.quarter_of_year(through),)
        case QuarterRule.SUM | QuarterRule.MEAN | QuarterRule.MAX:
            return tuple(year.quarter_of_year(q) for q in range(1, through + 1))
        case _:
            assert_never(rule)


def combine_quarters(rule: QuarterRule, values: Sequence[Decimal]) -> Decimal:
    """A year's value from the values of :func:`quarters_needed`, in quarter order."""
    match rule:
        case QuarterRule.SUM:
            return exact_sum(values)
        case QuarterRule.LAST:
            return values[-1]
        case QuarterRule.MEAN:
            return exact_sum(values) / len(values)
        case QuarterRule.MAX:
            return max(values)
        case _:
            assert_never(rule)


def combine_quarter_grades(rule: QuarterRule, figures: Sequence[Figure]) -> Figure:
    """A year's figure from quarters given as grade labels (``BB``), not numbers.

    Under ``last`` the year's grade is the last quarter's; labels have no sum
    or mean, so any other rule leaves the year not computable, saying why.
    """
    grades = [f.grade for f in figures]
    if rule is QuarterRule.LAST and grades[-1] is not None:
        return Figure(Status.OK, grade=grades[-1], trace=f"last({grades[-1]}) = {grades[-1]}")
    shown = ", ".join(g or "?" for g in grades)
    return Figure.not_computable(
        f"the quarters are grades ({shown}): only 'quarters: last' makes a year of grades"
    )


def earlier_years(periods: Iterable[str], year: int) -> tuple[Period, ...]:
    """The distinct years named by ``periods`` (years or quarters) before ``year``, in order."""
    years = {p[:4] for p in periods}
    return tuple(_year(y) for y in sorted(years) if int(y) < year)


@functools.cache
def _year(text: str) -> Period:
    return Period(text)
