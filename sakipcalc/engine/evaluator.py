"""The evaluator: realisations, achievements and results of one spec on one data set.

Realisations are computed dependencies first and kept per (indicator, period),
so each is computed once however many formulas, parents, comparisons and
evaluations use it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import TextIO

from .._graph import dependencies_first
from .._progress import progress
from .._spec import DataSet, Spec
from .._types import Period
from ..errors import Issue
from ..models import Indicator, Rounding, TargetSpec
from ..results import (
    CategoryRef,
    EvaluationReport,
    Figure,
    IndicatorResult,
    PeriodFigure,
)
from .achievement import achievement_in_context, category_in, effective_cap
from .agreements import agreement_results
from .budget import budget_results, budget_total
from .periods import earlier_years
from .realisations import Realiser
from .rollups import rollups
from .shared import Computed, Event, Policy, Shared

__all__ = ["Evaluator"]


class Evaluator(Realiser):
    """Evaluates ``spec`` on ``data``; the engine's API for reconciliation and testing.

    With ``shared``, realisations and earlier-year figures computed by other
    evaluations of the same spec and data are reused (see :mod:`.shared`).
    Callers set the Decimal context (``rounding.DECIMAL_CONTEXT``) around its use.
    """

    def __init__(self, spec: Spec, data: DataSet, shared: Shared | None = None) -> None:
        super().__init__(spec, data)
        self.shared = shared if shared is not None else Shared()
        # What this evaluation has asked for, in order: its report lists the
        # warnings of exactly these realisations.
        self._asked: dict[tuple[str, Period], Computed] = {}
        self._results: dict[tuple[str, Period], IndicatorResult] = {}
        self._order_index = {name: index for index, name in enumerate(spec.order)}
        self._recording: list[list[Event]] = []
        self.warnings: list[Issue] = []
        self._data_years: tuple[str, ...] | None = None

    # -------------------------------------------------------- realisation

    def realisation(self, indicator_id: str, period: Period) -> Figure:
        """The realisation of ``indicator_id`` in ``period``, computed once."""
        return self.value(indicator_id, period).figure

    def value(self, indicator_id: str, period: Period) -> Computed:
        key = (indicator_id, period)
        if self._recording:
            self._recording[-1].append(key)
        found = self._asked.get(key)
        if found is None:
            # Compute what this formula references first, dependencies before
            # dependents, so that each computation finds its inputs ready: a chain
            # of thousands of indicators then never recurses deeply.
            for dependency in self._unasked_dependencies(indicator_id, period):
                self._obtain((dependency, period))
            found = self._obtain(key)
        return found

    def warn(self, issue: Issue) -> None:
        self.warnings.append(issue)
        if self._recording:
            self._recording[-1].append(issue)

    def _obtain(self, key: tuple[str, Period]) -> Computed:
        """Computes ``key``, or replays its computation by another evaluation."""
        found = self.shared.realisations.get(key)
        if found is None:
            events: list[Event] = []
            self._recording.append(events)
            try:
                computed = self.compute(self.spec.indicators[key[0]], key[1])
            finally:
                self._recording.pop()
            found = Computed(computed.figure, computed.number, tuple(events))
            found = self.shared.realisations.setdefault(key, found)
        elif found.events:
            self._recording.append([])  # replayed events belong to ``key`` alone
            try:
                for event in found.events:
                    if isinstance(event, Issue):
                        self.warnings.append(event)
                    else:
                        self.value(*event)
            finally:
                self._recording.pop()
        self._asked[key] = found
        return found

    def _unasked_dependencies(self, indicator_id: str, period: Period) -> Sequence[str]:
        """Indicators ``indicator_id`` needs (transitively) not yet asked for, in spec order."""
        if not self._indicator_refs(indicator_id):
            return ()  # most formulas name only variables
        found: set[str] = set()
        stack = [indicator_id]
        while stack:
            for ref in self._indicator_refs(stack.pop()):
                if ref not in found and (ref, period) not in self._asked:
                    found.add(ref)
                    stack.append(ref)
        return sorted(found, key=self._order_index.__getitem__)

    def _indicator_refs(self, indicator_id: str) -> tuple[str, ...]:
        """The indicators the formula of ``indicator_id`` names."""
        refs = self.shared.indicator_refs.get(indicator_id)
        if refs is None:
            formula = self.spec.formulas.get(indicator_id)
            names = formula.references if formula is not None else ()
            refs = tuple(ref for ref in names if ref in self.spec.indicators)
            self.shared.indicator_refs[indicator_id] = refs
        return refs

    # -------------------------------------------------------- achievement

    def policy(self, indicator: Indicator) -> Policy:
        """The indicator's rounding, grade scale, cap and category scale, derived once."""
        found = self.shared.policies.get(indicator.id)
        if found is None:
            found = Policy(
                super().rounding(indicator),
                self.spec.compiled_scales.get(indicator.scale) if indicator.scale else None,
                effective_cap(indicator, self.spec.info.cap),
                indicator.category_scale or self.spec.info.category_scale,
            )
            self.shared.policies[indicator.id] = found
        return found

    def rounding(self, indicator: Indicator) -> Rounding:
        return self.policy(indicator).rounding

    def achievement_of(
        self, indicator: Indicator, target: TargetSpec | None, realisation: Figure, period: str
    ) -> Figure:
        policy = self.policy(indicator)
        return achievement_in_context(
            indicator, target, realisation, policy.rounding, policy.scale, policy.cap, period=period
        )

    def own_achievement(self, indicator: Indicator, period: Period, realisation: Figure) -> Figure:
        """The achievement against the indicator's own target for ``period``, computed once."""
        key = (indicator.id, period)
        found = self.shared.achievements.get(key)
        if found is None:
            target = indicator.targets.get(period)
            found = self.achievement_of(indicator, target, realisation, period)
            found = self.shared.achievements.setdefault(key, found)
        return found

    def category_of(self, indicator: Indicator | None, value: Figure) -> CategoryRef | None:
        if indicator is not None:
            scale_id = self.policy(indicator).category_scale
        else:
            scale_id = self.spec.info.category_scale
        return self.category_of_scale(scale_id, value) if scale_id is not None else None

    def category_of_scale(self, scale_id: str, value: Figure) -> CategoryRef | None:
        if value.rounded is None or not value.ok:
            return None
        scale = self.spec.compiled_scales[scale_id]
        band = scale.band_for(value.rounded)
        if band is None:
            return None
        # One CategoryRef per band, shared by every result that falls in it.
        key = (scale_id, band.position)
        found = self.shared.categories.get(key)
        if found is None:
            found = self.shared.categories.setdefault(key, category_in(scale, value.rounded))
        return found

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
        ach = self.own_achievement(indicator, period, real)
        previous = self._previous(indicator, period) if period.is_year else ()
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
            previous=previous,
            baseline=indicator.baseline,
            end_target=indicator.end_target,
            end_target_progress=progress_figure,
            children=children,
            tags=indicator.tags,
            owner=indicator.owner,
        )

    def _previous(self, indicator: Indicator, year: Period) -> tuple[PeriodFigure, ...]:
        """The earlier years of ``indicator``, for comparison; one tuple per (indicator, year)."""
        key = (indicator.id, year)
        found = self.shared.previous.get(key)
        if found is not None:
            # Replays the realisations' warnings, in order, as computing them would.
            for past in self._past_years(indicator, year):
                self.realisation(indicator.id, past)
            return found
        previous = []
        for past in self._past_years(indicator, year):
            past_real = self.realisation(indicator.id, past)
            earlier = self.shared.earlier.get((indicator.id, past))
            if earlier is None:
                past_target = indicator.targets.get(past)
                ach = self.own_achievement(indicator, past, past_real)
                earlier = PeriodFigure(past, past_target, past_real, ach)
                self.shared.earlier[(indicator.id, past)] = earlier
            previous.append(earlier)
        return self.shared.previous.setdefault(key, tuple(previous))

    def _past_years(self, indicator: Indicator, year: Period) -> tuple[Period, ...]:
        """The years of the data and of the indicator's targets before ``year``, in order."""
        years = self.shared.years.get(indicator.id)
        if years is None:
            if self._data_years is None:
                self._data_years = tuple(self.data.periods)
            target_years = (p for p in indicator.targets if len(p) == 4)
            # Every year named, as of a year after all of them (the text is 4 digits).
            years = earlier_years(chain(self._data_years, target_years), 10_000)
            self.shared.years[indicator.id] = years
        # Years are four digits, so their text sorts as the years do.
        return years[: bisect.bisect_left(years, year[:4])]

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
