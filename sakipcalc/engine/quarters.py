"""Quarterly monitoring (triwulan I–IV): each quarter as the engine computes it, and the year so far.

For a year, every indicator with quarterly data (or a declared ``quarters:``
rule) gets its four quarters, each evaluated as the period ``2023-Q1`` …
``2023-Q4`` is (realisation, capaian against a quarter target where the spec
declares one, category), and the *cumulative* figure: the quarters so far
combined by the indicator's quarter rule (``sum``, ``last``, ``mean``,
``max``), through the last quarter that has a value, with its capaian
against the annual target. Once all four quarters are in, the cumulative
figure is the annual value the engine derives from the quarters.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from .._args import require_data, require_period, require_spec
from .._data import check_dataset
from .._spec import DataSet, Spec
from .._types import Period
from ..errors import ArgumentError, Issue
from ..models import Indicator, QuarterRule, TargetSpec
from ..results import CategoryRef, Figure, Status
from ..rounding import DECIMAL_CONTEXT, round_value, show_raw
from .evaluator import Evaluator
from .periods import combine_quarters, quarters_needed
from .shared import shared_for

__all__ = [
    "QUARTERS",
    "QuarterResult",
    "QuarterlyIndicator",
    "QuarterlyReport",
    "evaluate_quarters",
]

#: The quarters of a year, in order: triwulan I–IV.
QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class QuarterResult:
    """One quarter of one indicator, as ``evaluate(spec, period="2023-Q2")`` computes it."""

    quarter: int  # 1-4
    period: Period
    target: TargetSpec | None  # the quarter's own target, where the spec declares one
    realisation: Figure
    achievement: Figure
    category: CategoryRef | None


@dataclass(frozen=True, slots=True)
class QuarterlyIndicator:
    """An indicator's four quarters, and the year so far against the annual target."""

    indicator: str
    name: str
    unit: str
    rule: QuarterRule | None  # how quarters make the year; None: the year is not built from them
    quarters: tuple[QuarterResult, ...]  # TW I … TW IV
    through: int | None  # the cumulative figure runs through this quarter (s.d. TW n)
    cumulative: Figure  # the quarters through ``through``, combined by ``rule``
    annual_target: TargetSpec | None
    cumulative_achievement: Figure  # ``cumulative`` against ``annual_target``
    cumulative_category: CategoryRef | None
    tags: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether all four quarters are in: the cumulative figure is the annual value."""
        return self.through == 4 and self.cumulative.ok


@dataclass(frozen=True, slots=True)
class QuarterlyReport:
    """Quarterly monitoring of one spec for one year: one row per indicator with quarterly data."""

    spec: str
    spec_name: str
    agency: str | None
    year: Period
    indicators: tuple[QuarterlyIndicator, ...]
    warnings: tuple[Issue, ...] = ()

    def indicator(self, indicator_id: str) -> QuarterlyIndicator:
        """The quarterly row of one indicator; raises KeyError when it has none."""
        for row in self.indicators:
            if row.indicator == indicator_id:
                return row
        raise KeyError(indicator_id)


def evaluate_quarters(spec: Spec, data: DataSet | None = None, *, year: str) -> QuarterlyReport:
    """Every indicator's triwulan I–IV in ``year`` (``"2023"``), and its cumulative figure.

    An indicator is listed when it declares a ``quarters:`` rule or when any of
    its quarters has a value or a reason other than missing data. ``data``
    defaults to the spec's own data, checked as :func:`~sakipcalc.evaluate`
    checks it.
    """
    spec, data, year = require_spec(spec), require_data(data), require_period(year, "year")
    parsed = Period(year)  # raises PeriodError for a malformed period
    if not parsed.is_year:
        raise ArgumentError(f"year must be a year such as '2023', not the quarter {year!r}")
    data = check_dataset(spec, data if data is not None else spec.data)
    with decimal.localcontext(DECIMAL_CONTEXT):
        evaluator = Evaluator(spec, data, shared_for(spec, data))
        rows = tuple(
            row
            for indicator in spec.indicators.values()
            if (row := _row(evaluator, indicator, parsed)) is not None
        )
    return QuarterlyReport(
        spec=spec.info.id,
        spec_name=spec.info.name,
        agency=spec.info.agency,
        year=parsed,
        indicators=rows,
        warnings=(*spec.warnings, *evaluator.warnings),
    )


def _row(evaluator: Evaluator, indicator: Indicator, year: Period) -> QuarterlyIndicator | None:
    quarters = []
    for number in QUARTERS:
        period = year.quarter_of_year(number)
        result = evaluator.indicator_result(indicator.id, period)
        quarters.append(
            QuarterResult(
                number,
                period,
                result.target,
                result.realisation,
                result.achievement,
                result.category,
            )
        )
    if indicator.quarters is None and all(
        q.realisation.status is Status.MISSING_DATA for q in quarters
    ):
        return None  # a yearly indicator: nothing to monitor by quarter
    through = _through(quarters)
    cumulative = _cumulative(evaluator, indicator, year, through)
    annual_target = indicator.targets.get(year)
    achievement = evaluator.achievement_of(indicator, annual_target, cumulative, year)
    return QuarterlyIndicator(
        indicator=indicator.id,
        name=indicator.name,
        unit=indicator.unit,
        rule=indicator.quarters,
        quarters=tuple(quarters),
        through=through,
        cumulative=cumulative,
        annual_target=annual_target,
        cumulative_achievement=achievement,
        cumulative_category=evaluator.category_of(indicator, achievement),
        tags=indicator.tags,
    )


def _through(quarters: Iterable[QuarterResult]) -> int | None:
    """The last quarter that has a value: how far the year has been reported."""
    last = None
    for quarter in quarters:
        if quarter.realisation.ok:
            last = quarter.quarter
    return last


def _cumulative(
    evaluator: Evaluator, indicator: Indicator, year: Period, through: int | None
) -> Figure:
    """The quarters 1 … ``through`` combined by the indicator's rule, as the engine combines a year."""
    rule = indicator.quarters
    if rule is None:
        return Figure.not_computable("no quarter rule: the year is not built from its quarters")
    # Nothing reported yet: the figure says what the annual value would need.
    needed = quarters_needed(rule, year, through or 4)
    parts = [evaluator.value(indicator.id, q) for q in needed]
    missing_inputs = tuple(m for p in parts for m in p.figure.missing)
    if missing_inputs:
        return Figure.missing_data(missing_inputs, f"cumulative from quarters by {rule.value}")
    bad = [p for p in parts if p.number is None]
    if bad:
        return Figure.not_computable(f"a quarter is not computable: {bad[0].figure.reason}")
    numbers = [p.number for p in parts if p.number is not None]
    raw = combine_quarters(rule, numbers)
    rounding = evaluator.rounding(indicator)
    rounded = round_value(raw, rounding.places, rounding.mode)
    shown = ", ".join(format(n, "f") for n in numbers)
    trace = f"{rule.value}({shown}) = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
    return Figure(
        Status.OK, raw=raw, rounded=rounded, grade=evaluator.grade_of(indicator, raw), trace=trace
    )
