"""The evaluator: realisations, achievements and results of one spec on one data set.

Realisations are computed dependencies first and kept per (indicator, period),
so each is computed once however many formulas, parents and comparisons use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, Overflow
from itertools import chain
from typing import TextIO

from .._graph import dependencies_first
from .._progress import progress
from .._spec import DataSet, Grade, Spec
from .._types import Period
from ..errors import Issue, Location, Severity
from ..formula import CompiledFormula, InexactResult, ZeroDenominator
from ..models import AchievementFrom, Indicator, Rounding, TargetSpec
from ..results import (
    CategoryRef,
    EvaluationReport,
    Figure,
    IndicatorResult,
    MissingInput,
    PeriodFigure,
    Status,
)
from ..rounding import effective_rounding, round_value, show_raw
from .achievement import achievement, category_in, effective_cap
from .agreements import agreement_results
from .budget import budget_results, budget_total
from .inputs import Inputs, not_data
from .periods import combine_quarters, earlier_years, quarters_needed
from .rollups import rollups

__all__ = ["Evaluator"]


@dataclass(frozen=True, slots=True)
class _Value:
    """A realisation as the engine uses it internally."""

    figure: Figure
    number: Decimal | None  # raw number, for formulas that reference this indicator


class Evaluator:
    """Evaluates ``spec`` on ``data``; the engine's API for reconciliation and testing.

    Callers set the Decimal context (``rounding.DECIMAL_CONTEXT``) around its use.
    """

    def __init__(self, spec: Spec, data: DataSet) -> None:
        self.spec = spec
        self.data = data
        self._realisations: dict[tuple[str, Period], _Value] = {}
        self._results: dict[tuple[str, Period], IndicatorResult] = {}
        self._order_index = {name: index for index, name in enumerate(spec.order)}
        self.warnings: list[Issue] = []
        self.inputs = Inputs(spec, data)

    # -------------------------------------------------------- realisation

    def realisation(self, indicator_id: str, period: Period) -> Figure:
        """The realisation of ``indicator_id`` in ``period``, computed once."""
        return self._value(indicator_id, period).figure

    def _value(self, indicator_id: str, period: Period) -> _Value:
        key = (indicator_id, period)
        cached = self._realisations.get(key)
        if cached is None:
            # Compute what this formula references first, dependencies before
            # dependents, so that each computation finds its inputs cached: a chain
            # of thousands of indicators then never recurses deeply.
            for dependency in self._uncached_dependencies(indicator_id, period):
                self._realisations[(dependency, period)] = self._compute_realisation(
                    self.spec.indicators[dependency], period
                )
            cached = self._compute_realisation(self.spec.indicators[indicator_id], period)
            self._realisations[key] = cached
        return cached

    def _uncached_dependencies(self, indicator_id: str, period: Period) -> list[str]:
        """Indicators ``indicator_id`` needs (transitively) not yet computed, in spec order."""
        found: set[str] = set()
        stack = [indicator_id]
        while stack:
            formula = self.spec.formulas.get(stack.pop())
            if formula is None:
                continue
            for ref in formula.references:
                if (
                    ref in self.spec.indicators
                    and ref not in found
                    and (ref, period) not in self._realisations
                ):
                    found.add(ref)
                    stack.append(ref)
        return sorted(found, key=self._order_index.__getitem__)

    def _compute_realisation(self, indicator: Indicator, period: Period) -> _Value:
        rounding = self.rounding(indicator)
        direct = self._direct_realisation(indicator, period, rounding)
        if direct.figure.status is not Status.MISSING_DATA:
            return direct
        # A year given explicitly as empty (~) stays missing: the quarters do not
        # silently stand in for a value the author said is unknown.
        explicitly_empty = self.data.has(period, indicator.id)
        if period.is_year and indicator.quarters is not None and not explicitly_empty:
            return self._from_quarters(indicator, period, rounding) or direct
        return direct

    def _direct_realisation(
        self, indicator: Indicator, period: Period, rounding: Rounding
    ) -> _Value:
        formula = self.spec.formulas.get(indicator.id)
        given = self._given(indicator, period, rounding)
        if formula is None:
            return given or _missing(indicator.id, period)
        figure = self.formula_figure(formula, period, rounding)
        if figure.raw is None:
            if figure.status is Status.MISSING_DATA and given is not None and given.figure.ok:
                # Earlier years are often known only as the printed figure, not
                # as the breakdown the formula needs: use the given value, and say so.
                missing = ", ".join(str(m) for m in figure.missing)
                return dataclasses.replace(
                    given,
                    figure=dataclasses.replace(
                        given.figure,
                        trace=f"{given.figure.trace}; the formula's inputs are missing ({missing})",
                    ),
                )
            return _Value(figure, None)
        if (
            given is not None
            and given.figure.ok
            and given.figure.rounded is not None
            and figure.rounded != given.figure.rounded
        ):
            self.warnings.append(
                Issue(
                    Severity.WARNING,
                    "given-differs-from-formula",
                    f"'{indicator.id}' in {period}: the data gives {given.figure.rounded}, its "
                    f"formula computes {figure.rounded}; the formula's value is used",
                    self._data_location(period, indicator.id),
                    f"data.{period}.{indicator.id}",
                )
            )
        grade = self._grade_of(indicator, figure.raw)
        return _Value(dataclasses.replace(figure, grade=grade), figure.raw)

    def _data_location(self, period: Period, name: str) -> Location:
        origin = self.data.origins.get((period, name))
        return origin.location(prefer_key=True) if origin is not None else Location("<data>")

    def _given(self, indicator: Indicator, period: Period, rounding: Rounding) -> _Value | None:
        """The realisation as given directly in the data; None when the data has none."""
        if not self.data.has(period, indicator.id):
            return None
        value = self.data.get(period, indicator.id)
        if value is None:
            return _Value(
                Figure.missing_data((MissingInput(indicator.id, period=period),), "given as empty"),
                None,
            )
        if isinstance(value, Grade):
            return _Value(
                Figure(Status.OK, grade=value.label, trace=f"{value.label} (as given)"), None
            )
        if not isinstance(value, Decimal):
            raise not_data(indicator.id, period, value)
        rounded = round_value(value, rounding.places, rounding.mode)
        return _Value(
            Figure(
                Status.OK,
                raw=value,
                rounded=rounded,
                grade=self._grade_of(indicator, value),
                trace=f"{format(value, 'f')} (as given) → {format(rounded, 'f')}",
            ),
            value,
        )

    def formula_figure(
        self, formula: CompiledFormula, period: Period, rounding: Rounding
    ) -> Figure:
        """Evaluate a compiled formula on this data for ``period``, as a typed figure."""
        values: list[Decimal | None] = []
        missing: list[MissingInput] = []
        blocked: list[str] = []
        for slot in formula.slots:
            got: Decimal | list[MissingInput]
            if slot.categories is not None:
                got = self.inputs.variable_sum(slot.name, slot.categories, period)
            elif slot.name in self.spec.indicators:
                ref = self._value(slot.name, period)
                if ref.number is not None:
                    got = ref.number
                elif ref.figure.status is Status.MISSING_DATA:
                    got = list(ref.figure.missing)
                else:
                    blocked.append(f"'{slot.name}' is not computable ({ref.figure.reason})")
                    values.append(None)
                    continue
            else:
                got = self.inputs.variable_number(slot.name, period)
            if isinstance(got, list):
                missing.extend(got)
                values.append(None)
            else:
                values.append(got)
        if missing:
            return Figure.missing_data(tuple(dict.fromkeys(missing)))
        if blocked:
            return Figure.not_computable("; ".join(blocked))
        numbers = [v for v in values if v is not None]
        substituted = formula.substitute(values)
        try:
            raw = formula.evaluate(numbers)
        except ZeroDenominator as zero:
            return Figure.not_computable(
                f"zero denominator: {zero.denominator} is 0", trace=f"{substituted} = n/a"
            )
        except InexactResult as inexact:
            return Figure.not_computable(inexact.message, trace=f"{substituted} = n/a")
        except Overflow:
            return Figure.not_computable(f"arithmetic out of range: {substituted} overflows")
        except InvalidOperation:
            return Figure.not_computable(f"undefined arithmetic, such as 0 ** 0: {substituted}")
        rounded = round_value(raw, rounding.places, rounding.mode)
        trace = f"{substituted} = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
        return Figure(Status.OK, raw=raw, rounded=rounded, trace=trace)

    def _from_quarters(
        self, indicator: Indicator, year: Period, rounding: Rounding
    ) -> _Value | None:
        rule = indicator.quarters
        assert rule is not None
        parts = [self._value(indicator.id, q) for q in quarters_needed(rule, year)]
        missing = [m for p in parts for m in p.figure.missing]
        if missing:
            return _Value(
                Figure.missing_data(tuple(missing), f"annual value from quarters by {rule.value}"),
                None,
            )
        bad = [p for p in parts if p.number is None]
        if bad:
            return _Value(
                Figure.not_computable(f"a quarter is not computable: {bad[0].figure.reason}"), None
            )
        numbers = [p.number for p in parts if p.number is not None]
        raw = combine_quarters(rule, numbers)
        rounded = round_value(raw, rounding.places, rounding.mode)
        shown = ", ".join(format(n, "f") for n in numbers)
        trace = f"{rule.value}({shown}) = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
        return _Value(
            Figure(
                Status.OK,
                raw=raw,
                rounded=rounded,
                grade=self._grade_of(indicator, raw),
                trace=trace,
            ),
            raw,
        )

    def _grade_of(self, indicator: Indicator, score: Decimal) -> str | None:
        if indicator.scale is None:
            return None
        rounding = self.rounding(indicator)
        if rounding.achievement_from is AchievementFrom.ROUNDED:
            score = round_value(score, rounding.places, rounding.mode)
        band = self.spec.compiled_scales[indicator.scale].band_for(score)
        return band.band.label if band else None

    def rounding(self, indicator: Indicator) -> Rounding:
        """The indicator's rounding policy: the spec's, with its own overrides."""
        return effective_rounding(self.spec.info.rounding, indicator.rounding)

    # -------------------------------------------------------- achievement

    def achievement_of(
        self, indicator: Indicator, target: TargetSpec | None, realisation: Figure, period: str
    ) -> Figure:
        rounding = self.rounding(indicator)
        scale = self.spec.compiled_scales.get(indicator.scale) if indicator.scale else None
        cap = effective_cap(indicator, self.spec.info.cap)
        return achievement(indicator, target, realisation, rounding, scale, cap, period=period)

    def category_of(self, indicator: Indicator | None, value: Figure) -> CategoryRef | None:
        scale_id = (
            indicator.category_scale if indicator else None
        ) or self.spec.info.category_scale
        return self.category_of_scale(scale_id, value) if scale_id is not None else None

    def category_of_scale(self, scale_id: str, value: Figure) -> CategoryRef | None:
        if value.rounded is None or not value.ok:
            return None
        return category_in(self.spec.compiled_scales[scale_id], value.rounded)

    # ---------------------------------------------------------- results

    def indicator_result(self, indicator_id: str, period: Period) -> IndicatorResult:
        """One indicator's result; each is built once per period and shared by its parents."""
        key = (indicator_id, period)
        cached = self._results.get(key)
        if cached is None:
            cached = self._build_result(indicator_id, period)
            self._results[key] = cached
        return cached

    def _build_result(self, indicator_id: str, period: Period) -> IndicatorResult:
        indicator = self.spec.indicators[indicator_id]
        target = indicator.targets.get(period)
        real = self.realisation(indicator_id, period)
        ach = self.achievement_of(indicator, target, real, period)
        previous: list[PeriodFigure] = []
        if period.is_year:
            for past in self._past_years(indicator, period.year):
                past_real = self.realisation(indicator_id, past)
                past_target = indicator.targets.get(past)
                previous.append(
                    PeriodFigure(
                        past,
                        past_target,
                        past_real,
                        self.achievement_of(indicator, past_target, past_real, past),
                    )
                )
        progress_figure = None
        if indicator.end_target is not None:
            progress_figure = self.achievement_of(
                indicator, indicator.end_target, real, "end of plan"
            )
        # report() builds children first, so these are cache hits, never deep recursion.
        children = tuple(
            self.indicator_result(child, period) for child in self.spec.children_of(indicator_id)
        )
        return IndicatorResult(
            indicator=indicator_id,
            name=indicator.name,
            unit=indicator.unit,
            period=period,
            polarity=indicator.polarity,
            target=target,
            realisation=real,
            achievement=ach,
            category=self.category_of(indicator, ach),
            previous=tuple(previous),
            baseline=indicator.baseline,
            end_target=indicator.end_target,
            end_target_progress=progress_figure,
            children=children,
            tags=indicator.tags,
            owner=indicator.owner,
        )

    def _past_years(self, indicator: Indicator, year: int) -> tuple[Period, ...]:
        target_years = (p for p in indicator.targets if len(p) == 4)
        return earlier_years(chain(self.data.periods, target_years), year)

    def report(self, period: Period, progress_stream: TextIO | None = None) -> EvaluationReport:
        """Every indicator, roll-up, agreement and budget line for ``period``."""
        # Children before parents, so that each parent lists results already built.
        link_order: Iterable[str] = dependencies_first(
            tuple(self.spec.indicators), self.spec.link_children
        )
        if progress_stream is not None:
            link_order = progress(
                link_order,
                total=len(self.spec.indicators),
                label="evaluating",
                stream=progress_stream,
            )
        for indicator_id in link_order:
            self.indicator_result(indicator_id, period)
        results = tuple(self.indicator_result(i, period) for i in self.spec.indicators)
        by_id = {r.indicator: r for r in results}
        warnings: list[Issue] = list(self.spec.warnings)
        year = period.year
        budget = tuple(
            line
            for b in self.spec.budgets
            if b.year == year
            for line in budget_results(self.spec, b.programs, b.year, by_id, self.category_of_scale)
        )
        totals = tuple(
            budget_total(self.spec, b, budget) for b in self.spec.budgets if b.year == year
        )
        warnings.extend(self.warnings)
        return EvaluationReport(
            spec=self.spec.info.id,
            spec_name=self.spec.info.name,
            agency=self.spec.info.agency,
            period=period,
            indicators=results,
            rollups=rollups(self.spec, by_id, lambda figure: self.category_of(None, figure)),
            agreements=agreement_results(self, period),
            budget=budget,
            budget_totals=totals,
            warnings=tuple(warnings),
        )


def _missing(indicator_id: str, period: Period) -> _Value:
    return _Value(Figure.missing_data((MissingInput(indicator_id, period=period),)), None)
