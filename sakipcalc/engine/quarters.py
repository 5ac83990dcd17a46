"""Quarterly monitoring (triwulan I–IV): each quarter as the engine computes it, and the year so far.

For a year, every indicator with quarterly data (or a declared ``quarters:``
rule) gets its four quarters, each evaluated as the period ``2023-Q1`` …
``2023-Q4`` is (realisation, capaian against a quarter target where the spec
declares one, category), and the *cumulative* figure: the quarters so far
combined by the indicator's quarter rule (``sum``, ``last``, ``mean``,
``max``), through the last quarter that has a value, with its capaian
against the annual target. An indicator with no rule of its own whose
formula reads variables that declare one (a ratio of sums) gets its formula
on those variables' quarters so far. Once all four quarters are in, the
cumulative figure is the annual value the engine derives from the quarters.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from .._args import require_data, require_period, require_spec
from .._data import check_dataset
from .._spec import DataSet, DataValue, Spec
from .._types import Period
from ..errors import ArgumentError, Issue
from ..models import Indicator, QuarterRule, TargetSpec
from ..results import CategoryRef, Figure, Status
from ..rounding import DECIMAL_CONTEXT, round_value, show_raw
from .evaluator import Evaluator
from .periods import combine_quarter_grades, combine_quarters, quarters_needed
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
    # The year's realisation as the annual evaluation has it, where the data gives
    # the year itself and that differs from the complete quarters: the report and
    # this view would otherwise show two figures for one year without saying so.
    annual: Figure | None = None

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
        so_far = _SoFar(spec, data, parsed)
        rows = tuple(
            row
            for indicator in spec.indicators.values()
            if (row := _row(evaluator, so_far, indicator, parsed)) is not None
        )
    return QuarterlyReport(
        spec=spec.info.id,
        spec_name=spec.info.name,
        agency=spec.info.agency,
        year=parsed,
        indicators=rows,
        warnings=(*spec.warnings, *evaluator.warnings),
    )


def _row(
    evaluator: Evaluator, so_far: _SoFar, indicator: Indicator, year: Period
) -> QuarterlyIndicator | None:
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
    if indicator.quarters is None and so_far.from_variable_quarters(indicator.id):
        cumulative = so_far.value(indicator.id, through)
    else:
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
        annual=_annual_if_different(evaluator, indicator, year, through, cumulative),
    )


def _annual_if_different(
    evaluator: Evaluator,
    indicator: Indicator,
    year: Period,
    through: int | None,
    cumulative: Figure,
) -> Figure | None:
    if through != 4 or not cumulative.ok:
        return None
    annual = evaluator.realisation(indicator.id, year)
    if not annual.ok or (annual.rounded, annual.grade) == (cumulative.rounded, cumulative.grade):
        return None
    return annual


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
    if bad and all(p.figure.ok for p in bad):  # grade labels, such as BB
        return combine_quarter_grades(rule, [p.figure for p in parts])
    if bad:
        failed = next(p for p in bad if not p.figure.ok)
        return Figure.not_computable(f"a quarter is not computable: {failed.figure.reason}")
    numbers = [p.number for p in parts if p.number is not None]
    raw = combine_quarters(rule, numbers)
    rounding = evaluator.rounding(indicator)
    rounded = round_value(raw, rounding.places, rounding.mode)
    shown = ", ".join(format(n, "f") for n in numbers)
    trace = f"{rule.value}({shown}) = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
    return Figure(
        Status.OK, raw=raw, rounded=rounded, grade=evaluator.grade_of(indicator, raw), trace=trace
    )


class _SoFar:
    """The year so far of formulas over variables that declare ``quarters:``.

    A ratio of sums such as ``served / population * 100`` with ``served`` by
    ``sum`` and ``population`` by ``last`` has no rule of its own: its year is
    the formula on the variables' years. Through TW n it is the formula on the
    variables' quarters 1 … n combined by their own rules (30 + 40 served of
    250 is 28 % through TW II), which an evaluation of data whose year holds
    those combinations computes exactly as the annual value is computed.
    """

    def __init__(self, spec: Spec, data: DataSet, year: Period) -> None:
        self.spec, self.data, self.year = spec, data, year
        self._evaluators: dict[int, Evaluator] = {}
        self._built: dict[str, bool] = {}

    def from_variable_quarters(self, indicator_id: str) -> bool:
        """Whether the formula reads (through other indicators, too) a variable with a rule."""
        if not self._built:
            # Dependencies first (spec.order): no recursion down a long chain.
            for name in self.spec.order:
                formula = self.spec.formulas.get(name)
                self._built[name] = formula is not None and any(
                    self._built.get(slot.name, False)
                    if slot.name in self.spec.indicators
                    else slot.name in self.spec.variables
                    and self.spec.variables[slot.name].quarters is not None
                    for slot in formula.slots
                )
        return self._built.get(indicator_id, False)

    def value(self, indicator_id: str, through: int | None) -> Figure:
        quarter = through or 4  # nothing reported yet: what the annual value would need
        evaluator = self._evaluators.get(quarter)
        if evaluator is None:
            evaluator = Evaluator(self.spec, self._data_through(quarter))
            self._evaluators[quarter] = evaluator
        return evaluator.value(indicator_id, self.year).figure

    def _data_through(self, through: int) -> DataSet:
        """The data with the year's value of each rule-declaring variable made from TW 1 … n.

        As an indicator's own rule does, the quarters make the figure even where the
        data gives the year too (the row then notes a complete year that differs);
        a variable with a quarter missing is left out, so that the evaluation lists
        what is missing.
        """
        year = str(self.year)
        values = dict(self.data.values.get(year, {}))
        for name, variable in self.spec.variables.items():
            rule = variable.quarters
            if rule is None:
                continue
            parts = [self.data.get(str(q), name) for q in quarters_needed(rule, self.year, through)]
            combined = _combined(rule, parts)
            if combined is not None:
                values[name] = combined
            else:
                values.pop(name, None)
        return replace(self.data, values={**self.data.values, year: values})


def _combined(rule: QuarterRule, parts: list[DataValue]) -> DataValue:
    """The quarters' values combined by ``rule``: numbers, or category by category."""
    if all(isinstance(p, Decimal) for p in parts):
        return combine_quarters(rule, [p for p in parts if isinstance(p, Decimal)])
    if all(isinstance(p, Mapping) for p in parts):
        maps = [p for p in parts if isinstance(p, Mapping)]
        combined: dict[str, Decimal | None] = {}
        for category in maps[0]:
            cells = [m.get(category) for m in maps]
            numbers = [c for c in cells if isinstance(c, Decimal)]
            if len(numbers) == len(cells):
                combined[category] = combine_quarters(rule, numbers)
        return combined
    return None  # a quarter missing (or not a number): the evaluation says what is missing
