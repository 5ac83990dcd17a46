"""Evaluation: a loaded spec and its data in, an immutable report out.

Every policy comes from the spec: polarity and its formula, rounding,
caps, how quarters add up, how roll-ups aggregate. Data problems become
typed statuses on the figures; only a request the spec cannot answer (an
unknown period format) raises.
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from ._gcpause import gc_paused
from ._loader import dependencies_first
from ._progress import progress
from ._scales import CompiledScale
from ._spec import DataSet, Grade, Spec
from ._types import split_period
from .errors import Issue, Location, Severity
from .formula import CompiledFormula, InexactResult, ZeroDenominator
from .models import (
    AchievementFrom,
    Budget,
    BudgetLine,
    ExactRule,
    Indicator,
    LowerRule,
    Polarity,
    QuarterRule,
    Rollup,
    Rounding,
    TargetSpec,
)
from .results import (
    AgreementItemResult,
    AgreementResult,
    BudgetResult,
    BudgetTotal,
    CategoryRef,
    EvaluationReport,
    Figure,
    IndicatorResult,
    MissingInput,
    PeriodFigure,
    RollupResult,
    Status,
)
from .rounding import DECIMAL_CONTEXT, effective_rounding, round_value, show_raw

__all__ = ["achievement", "evaluate"]

HUNDRED = Decimal(100)
_LEVELS = ("program", "kegiatan", "sub_kegiatan")


def evaluate(
    spec: Spec,
    data: DataSet | None = None,
    *,
    period: str,
    progress_stream: TextIO | None = None,
) -> EvaluationReport:
    """Evaluate every indicator, agreement, roll-up and budget line for ``period``.

    ``data`` defaults to the realisations loaded with the spec.
    ``period`` is a year (``"2022"``) or a quarter (``"2022-Q3"``).
    ``progress_stream`` shows a progress bar there, when it is a terminal.
    """
    split_period(period)  # raises PeriodError for a malformed period
    with decimal.localcontext(DECIMAL_CONTEXT), gc_paused():
        evaluator = _Evaluator(spec, data if data is not None else spec.data)
        return evaluator.report(period, progress_stream)


@dataclass(frozen=True, slots=True)
class _Value:
    """A realisation as the engine uses it internally."""

    figure: Figure
    number: Decimal | None  # raw number, for formulas that reference this indicator


class _Evaluator:
    def __init__(self, spec: Spec, data: DataSet) -> None:
        self.spec = spec
        self.data = data
        self._realisations: dict[tuple[str, str], _Value] = {}
        self._results: dict[tuple[str, str], IndicatorResult] = {}
        self._order_index = {name: index for index, name in enumerate(spec.order)}
        self.warnings: list[Issue] = []

    # -------------------------------------------------------------- inputs

    def _variable_number(self, name: str, period: str) -> Decimal | list[MissingInput]:
        if self.data.has(period, name):
            value = self.data.get(period, name)
            if isinstance(value, Decimal):
                return value
            if value is None:
                return [MissingInput(name, period=period)]
            raise _not_data(name, period, value)
        return self._from_variable_quarters(name, period, self._variable_number)

    def _variable_sum(
        self, name: str, categories: Sequence[str], period: str
    ) -> Decimal | list[MissingInput]:
        if self.data.has(period, name):
            cells = self.data.get(period, name)
            if cells is None:
                return [MissingInput(name, period=period)]
            if not isinstance(cells, Mapping):
                raise _not_data(name, period, cells)
            total = Decimal(0)
            missing: list[MissingInput] = []
            for category in categories:
                cell = cells.get(category)
                if cell is None:
                    missing.append(MissingInput(name, category, period))
                elif isinstance(cell, Decimal):
                    total += cell
                else:
                    raise _not_data(f"{name}[{category}]", period, cell)
            return missing or total
        return self._from_variable_quarters(
            name, period, lambda n, p: self._variable_sum(n, categories, p)
        )

    def _from_variable_quarters(
        self,
        name: str,
        period: str,
        fetch: Callable[[str, str], Decimal | list[MissingInput]],
    ) -> Decimal | list[MissingInput]:
        """A year's value from its quarters, when the variable declares how they add up."""
        variable = self.spec.variables[name]
        year, quarter = split_period(period)
        if quarter is not None or variable.quarters is None:
            return [MissingInput(name, period=period)]
        parts = [fetch(name, f"{year}-Q{q}") for q in _quarters_needed(variable.quarters)]
        missing = [m for p in parts if isinstance(p, list) for m in p]
        if missing:
            return missing
        return _combine_quarters(variable.quarters, [p for p in parts if isinstance(p, Decimal)])

    # -------------------------------------------------------- realisation

    def realisation(self, indicator_id: str, period: str) -> _Value:
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

    def _uncached_dependencies(self, indicator_id: str, period: str) -> list[str]:
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

    def _compute_realisation(self, indicator: Indicator, period: str) -> _Value:
        rounding = self.rounding(indicator)
        direct = self._direct_realisation(indicator, period, rounding)
        if direct.figure.status is not Status.MISSING_DATA:
            return direct
        year, quarter = split_period(period)
        # A year given explicitly as empty (~) stays missing: the quarters do not
        # silently stand in for a value the author said is unknown.
        explicitly_empty = self.data.has(period, indicator.id)
        if quarter is None and indicator.quarters is not None and not explicitly_empty:
            return self._from_quarters(indicator, year, rounding) or direct
        return direct

    def _direct_realisation(self, indicator: Indicator, period: str, rounding: Rounding) -> _Value:
        formula = self.spec.formulas.get(indicator.id)
        given = self._given(indicator, period, rounding)
        if formula is None:
            return given
        figure = self.formula_figure(formula, period, rounding)
        if figure.raw is None:
            if figure.status is Status.MISSING_DATA and given.figure.ok:
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
            given.figure.ok
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

    def _data_location(self, period: str, name: str) -> Location:
        origin = self.data.origins.get((period, name))
        return origin.location(prefer_key=True) if origin is not None else Location("<data>")

    def _given(self, indicator: Indicator, period: str, rounding: Rounding) -> _Value:
        """The realisation as given directly in the data."""
        if not self.data.has(period, indicator.id):
            return _Value(Figure.missing_data((MissingInput(indicator.id, period=period),)), None)
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
            raise _not_data(indicator.id, period, value)
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

    def formula_figure(self, formula: CompiledFormula, period: str, rounding: Rounding) -> Figure:
        """Evaluate a compiled formula on this data for ``period``, as a typed figure."""
        values: list[Decimal | None] = []
        missing: list[MissingInput] = []
        blocked: list[str] = []
        for slot in formula.slots:
            got: Decimal | list[MissingInput]
            if slot.categories is not None:
                got = self._variable_sum(slot.name, slot.categories, period)
            elif slot.name in self.spec.indicators:
                ref = self.realisation(slot.name, period)
                if ref.number is not None:
                    got = ref.number
                elif ref.figure.status is Status.MISSING_DATA:
                    got = list(ref.figure.missing)
                else:
                    blocked.append(f"'{slot.name}' is not computable ({ref.figure.reason})")
                    values.append(None)
                    continue
            else:
                got = self._variable_number(slot.name, period)
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
        except decimal.Overflow:
            return Figure.not_computable(f"arithmetic out of range: {substituted} overflows")
        except decimal.InvalidOperation:
            return Figure.not_computable(f"undefined arithmetic, such as 0 ** 0: {substituted}")
        rounded = round_value(raw, rounding.places, rounding.mode)
        trace = f"{substituted} = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
        return Figure(Status.OK, raw=raw, rounded=rounded, trace=trace)

    def _from_quarters(self, indicator: Indicator, year: int, rounding: Rounding) -> _Value | None:
        rule = indicator.quarters
        assert rule is not None
        parts = [self.realisation(indicator.id, f"{year}-Q{q}") for q in _quarters_needed(rule)]
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
        raw = _combine_quarters(rule, numbers)
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
        return effective_rounding(self.spec.info.rounding, indicator.rounding)

    # -------------------------------------------------------- achievement

    def achievement_of(
        self, indicator: Indicator, target: TargetSpec | None, realisation: Figure, period: str
    ) -> Figure:
        rounding = self.rounding(indicator)
        scale = self.spec.compiled_scales.get(indicator.scale) if indicator.scale else None
        cap = indicator.cap if indicator.cap is not None else self.spec.info.cap
        return achievement(indicator, target, realisation, rounding, scale, cap, period=period)

    def category_of(self, indicator: Indicator | None, value: Figure) -> CategoryRef | None:
        scale_id = (
            indicator.category_scale if indicator else None
        ) or self.spec.info.category_scale
        if scale_id is None or value.rounded is None or not value.ok:
            return None
        return _category(self.spec.compiled_scales[scale_id], value.rounded)

    # ---------------------------------------------------------- results

    def indicator_result(self, indicator_id: str, period: str) -> IndicatorResult:
        """One indicator's result; each is built once per period and shared by its parents."""
        key = (indicator_id, period)
        cached = self._results.get(key)
        if cached is None:
            cached = self._build_result(indicator_id, period)
            self._results[key] = cached
        return cached

    def _build_result(self, indicator_id: str, period: str) -> IndicatorResult:
        indicator = self.spec.indicators[indicator_id]
        target = indicator.targets.get(period)
        real = self.realisation(indicator_id, period).figure
        ach = self.achievement_of(indicator, target, real, period)
        year, quarter = split_period(period)
        previous: list[PeriodFigure] = []
        if quarter is None:
            for past in self._past_years(indicator_id, year):
                past_real = self.realisation(indicator_id, past).figure
                past_target = indicator.targets.get(past)
                previous.append(
                    PeriodFigure(
                        past,
                        past_target.describe() if past_target else None,
                        past_real,
                        self.achievement_of(indicator, past_target, past_real, past),
                    )
                )
        progress = None
        if indicator.end_target is not None:
            progress = self.achievement_of(indicator, indicator.end_target, real, "end of plan")
        # report() builds children first, so these are cache hits, never deep recursion.
        children = tuple(
            self.indicator_result(child, period) for child in self.spec.children_of(indicator_id)
        )
        baseline = indicator.baseline
        return IndicatorResult(
            indicator=indicator_id,
            name=indicator.name,
            unit=indicator.unit,
            period=period,
            polarity=indicator.polarity.value,
            target=target.describe() if target else None,
            realisation=real,
            achievement=ach,
            category=self.category_of(indicator, ach),
            previous=tuple(previous),
            baseline=f"{baseline.value.describe()} ({baseline.period})" if baseline else None,
            end_target=indicator.end_target.describe() if indicator.end_target else None,
            end_target_progress=progress,
            children=children,
            tags=indicator.tags,
            owner=indicator.owner,
        )

    def _past_years(self, indicator_id: str, year: int) -> list[str]:
        indicator = self.spec.indicators[indicator_id]
        years = {int(p[:4]) for p in self.data.periods} | {
            int(p[:4]) for p in indicator.targets if len(p) == 4
        }
        return [str(y) for y in sorted(years) if y < year]

    def report(self, period: str, progress_stream: TextIO | None = None) -> EvaluationReport:
        year, _ = split_period(period)
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
        budget = tuple(
            line
            for b in self.spec.budgets
            if b.year == year
            for line in self._budget(b.programs, b.year, by_id, 0)
        )
        totals = tuple(self._budget_total(b, budget) for b in self.spec.budgets if b.year == year)
        warnings.extend(self.warnings)
        return EvaluationReport(
            spec=self.spec.info.id,
            spec_name=self.spec.info.name,
            agency=self.spec.info.agency,
            period=period,
            indicators=results,
            rollups=self._rollups(by_id),
            agreements=self._agreements(period, year),
            budget=budget,
            budget_totals=totals,
            warnings=tuple(warnings),
        )

    # ------------------------------------------------------------ roll-ups

    def _rollups(self, by_id: dict[str, IndicatorResult]) -> tuple[RollupResult, ...]:
        default = self.spec.info.rollup
        out: list[RollupResult] = []
        for objective in self.spec.objectives.values():
            out.append(
                self._rollup(
                    "objective",
                    objective.id,
                    objective.name,
                    objective.rollup or default,
                    objective.indicators,
                    by_id,
                )
            )
        for goal in self.spec.goals.values():
            members = list(goal.indicators)
            if not members:  # a goal without own indicators rolls up its objectives' indicators
                members = [
                    i
                    for o in self.spec.objectives.values()
                    if o.goal == goal.id
                    for i in o.indicators
                ]
            out.append(
                self._rollup("goal", goal.id, goal.name, goal.rollup or default, members, by_id)
            )
        for unit in self.spec.org_units.values():
            owned = [i for i, ind in self.spec.indicators.items() if ind.owner == unit.id]
            if owned:
                out.append(self._rollup("org_unit", unit.id, unit.name, default, owned, by_id))
        iku = [i for i, ind in self.spec.indicators.items() if "IKU" in ind.tags]
        members = iku or list(self.spec.indicators)
        out.append(
            self._rollup(
                "agency",
                self.spec.info.id,
                self.spec.info.agency or self.spec.info.name,
                default,
                members,
                by_id,
            )
        )
        return tuple(out)

    def _rollup(
        self,
        kind: str,
        rollup_id: str,
        name: str,
        rule: Rollup,
        members: Iterable[str],
        by_id: dict[str, IndicatorResult],
    ) -> RollupResult:
        members = tuple(dict.fromkeys(members))
        figure, excluded = self.aggregate(
            rule,
            [(m, by_id[m].target, by_id[m].realisation, by_id[m].achievement) for m in members],
        )
        return RollupResult(
            kind=kind,
            id=rollup_id,
            name=name,
            rule=rule.value,
            achievement=figure,
            category=self.category_of(None, figure),
            members=members,
            excluded=excluded,
        )

    def aggregate(
        self, rule: Rollup, parts: Sequence[tuple[str, str | None, Figure, Figure]]
    ) -> tuple[Figure, tuple[str, ...]]:
        """Aggregate achievements (never raw values, so mixed polarities are fine)."""
        rounding = self.spec.info.rounding
        usable = [(m, t, r, a) for m, t, r, a in parts if a.ok and a.rounded is not None]
        excluded = tuple(m for m, _, _, a in parts if not (a.ok and a.rounded is not None))
        if not usable:
            return Figure.not_computable("no member has a computable achievement"), excluded
        values = [a.rounded for _, _, _, a in usable if a.rounded is not None]
        if rule is Rollup.MEAN:
            raw = sum(values, Decimal(0)) / len(values)
            text = f"mean({', '.join(format(v, 'f') for v in values)})"
        elif rule is Rollup.MIN:
            raw = min(values)
            text = f"min({', '.join(format(v, 'f') for v in values)})"
        elif rule is Rollup.WEIGHTED_MEAN:
            weights = []
            for member, _, _, _ in usable:
                weight = self.spec.indicators[member].weight
                if weight is None:
                    return Figure.not_computable(
                        f"indicator '{member}' declares no weight"
                    ), excluded
                weights.append(weight)
            total = sum(weights, Decimal(0))
            if total == 0:
                return Figure.not_computable("the weights sum to 0"), excluded
            raw = sum((w * v for w, v in zip(weights, values, strict=True)), Decimal(0)) / total
            text = (
                "weighted_mean("
                + ", ".join(f"{w}×{v}" for w, v in zip(weights, values, strict=True))
                + ")"
            )
        else:
            numerators: list[Decimal] = []
            denominators: list[Decimal] = []
            for member, target, real, _ in usable:
                indicator = self.spec.indicators[member]
                spec_target = None
                if target is not None:
                    try:
                        spec_target = Decimal(target)
                    except decimal.InvalidOperation:
                        spec_target = None
                if (
                    indicator.polarity is not Polarity.HIGHER_IS_BETTER
                    or spec_target is None
                    or real.raw is None
                ):
                    return Figure.not_computable(
                        f"ratio of sums needs additive higher-is-better indicators with numeric targets; "
                        f"'{member}' is not one"
                    ), excluded
                policy = self.rounding(indicator)
                use = (
                    real.rounded if policy.achievement_from is AchievementFrom.ROUNDED else real.raw
                )
                numerators.append(use if use is not None else real.raw)
                denominators.append(spec_target)
            denominator = sum(denominators, Decimal(0))
            if denominator == 0:
                return Figure.not_computable("zero denominator: the targets sum to 0"), excluded
            raw = sum(numerators, Decimal(0)) / denominator * HUNDRED
            numerator = show_raw(sum(numerators, Decimal(0)), rounding.places)
            text = f"{numerator} / {denominator} × 100"
        rounded = round_value(raw, rounding.places, rounding.mode)
        return Figure(
            Status.OK,
            raw=raw,
            rounded=rounded,
            trace=f"{text} = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}",
        ), excluded

    # ---------------------------------------------------------- agreements

    def _agreements(self, period: str, year: int) -> tuple[AgreementResult, ...]:
        if split_period(period)[1] is not None:
            return ()  # agreements hold yearly targets; a quarter is not held to them
        out = []
        for agreement in self.spec.agreements.values():
            if agreement.year != year:
                continue
            unit = self.spec.org_units[agreement.org_unit]
            items = []
            parts = []
            for item in agreement.items:
                indicator = self.spec.indicators[item.indicator]
                real = self.realisation(item.indicator, period).figure
                ach = self.achievement_of(indicator, item.target, real, period)
                items.append(
                    AgreementItemResult(
                        indicator=item.indicator,
                        name=indicator.name,
                        unit=indicator.unit,
                        target=item.target.describe(),
                        realisation=real,
                        achievement=ach,
                        category=self.category_of(indicator, ach),
                    )
                )
                parts.append((item.indicator, item.target.describe(), real, ach))
            rollup, excluded = self.aggregate(self.spec.info.rollup, parts)
            out.append(
                AgreementResult(
                    id=agreement.id,
                    year=agreement.year,
                    org_unit=unit.id,
                    org_unit_name=unit.name,
                    level=unit.level.value,
                    official=unit.official,
                    items=tuple(items),
                    rollup=rollup,
                    excluded=excluded,
                )
            )
        return tuple(out)

    # -------------------------------------------------------------- budget

    def _budget(
        self,
        lines: Sequence[BudgetLine],
        year: int,
        by_id: dict[str, IndicatorResult],
        depth: int,
    ) -> list[BudgetResult]:
        out = []
        for line in lines:
            children = self._budget(line.children, year, by_id, depth + 1)
            # Declared totals that disagree with their parts are load warnings (with
            # their file and line); the parts are what counts here.
            if children:
                ceiling = sum((c.ceiling for c in children), Decimal(0))
                spent = sum((c.spent for c in children), Decimal(0))
            else:
                ceiling = line.ceiling or Decimal(0)
                spent = line.spent or Decimal(0)
            absorption = _absorption(ceiling, spent, self.spec.info.rounding)
            efficiency = category = None
            eff_rule = self.spec.info.efficiency
            if eff_rule is not None and line.indicators:
                linked = [by_id[i].achievement for i in line.indicators if i in by_id]
                efficiency = self._efficiency(linked, absorption)
                category = self.category_of_scale(eff_rule.scale, efficiency)
            out.append(
                BudgetResult(
                    id=line.id,
                    name=line.name,
                    level=_LEVELS[min(depth, 2)],
                    year=year,
                    ceiling=ceiling,
                    spent=spent,
                    absorption=absorption,
                    declared_ceiling=line.ceiling,
                    declared_spent=line.spent,
                    efficiency=efficiency,
                    efficiency_category=category,
                    indicators=line.indicators,
                    children=tuple(children),
                )
            )
        return out

    def _budget_total(self, declared: Budget, lines: Sequence[BudgetResult]) -> BudgetTotal:
        mine = [line for line in lines if line.year == declared.year]
        ceiling = sum((line.ceiling for line in mine), Decimal(0))
        spent = sum((line.spent for line in mine), Decimal(0))
        return BudgetTotal(
            year=declared.year,
            ceiling=ceiling,
            spent=spent,
            absorption=_absorption(ceiling, spent, self.spec.info.rounding),
            declared_ceiling=declared.ceiling,
            declared_spent=declared.spent,
        )

    def _efficiency(self, achievements: Sequence[Figure], absorption: Figure) -> Figure:
        rounding = self.spec.info.rounding
        if not absorption.ok or absorption.rounded is None:
            return Figure.not_computable(f"absorption is not computable: {absorption.reason}")
        values = [a.rounded for a in achievements if a.ok and a.rounded is not None]
        if len(values) != len(achievements) or not values:
            return Figure.not_computable("an achievement of a linked indicator is not computable")
        mean = sum(values, Decimal(0)) / len(values)
        raw = mean - absorption.rounded
        rounded = round_value(raw, rounding.places, rounding.mode)
        return Figure(
            Status.OK,
            raw=raw,
            rounded=rounded,
            trace=f"{show_raw(mean, rounding.places)} − {absorption.rounded} = {show_raw(raw, rounding.places)} → {rounded}",
        )

    def category_of_scale(self, scale_id: str, value: Figure) -> CategoryRef | None:
        if value.rounded is None or not value.ok:
            return None
        return _category(self.spec.compiled_scales[scale_id], value.rounded)


# ------------------------------------------------------------------ helpers


def _not_data(name: str, period: str, value: object) -> TypeError:
    """A DataSet built by hand with a value no loader would produce: a programming error."""
    return TypeError(
        f"data value for '{name}' in {period} is {type(value).__name__}; a DataSet holds "
        f"Decimal, Grade, a mapping of Decimals, or None (build it with load_data)"
    )


def _quarters_needed(rule: QuarterRule) -> tuple[int, ...]:
    return (4,) if rule is QuarterRule.LAST else (1, 2, 3, 4)


def _combine_quarters(rule: QuarterRule, values: Sequence[Decimal]) -> Decimal:
    if rule is QuarterRule.SUM:
        return sum(values, Decimal(0))
    if rule is QuarterRule.LAST:
        return values[-1]
    if rule is QuarterRule.MEAN:
        return sum(values, Decimal(0)) / len(values)
    return max(values)


def _category(scale: CompiledScale, value: Decimal) -> CategoryRef | None:
    band = scale.band_for(value)
    if band is None:
        return None
    return CategoryRef(scale.scale.id, band.band.label, band.band.name, band.band.colour)


def _absorption(ceiling: Decimal, spent: Decimal, rounding: Rounding) -> Figure:
    if ceiling == 0:
        return Figure.not_computable("zero denominator: the ceiling (pagu) is 0")
    raw = spent / ceiling * HUNDRED
    rounded = round_value(raw, rounding.places, rounding.mode)
    return Figure(
        Status.OK,
        raw=raw,
        rounded=rounded,
        trace=f"{spent} / {ceiling} × 100 = {show_raw(raw, rounding.places)} → {rounded}",
    )


def achievement(
    indicator: Indicator,
    target: TargetSpec | None,
    realisation: Figure,
    rounding: Rounding,
    scale: CompiledScale | None = None,
    cap: Decimal | None = None,
    *,
    period: str = "",
) -> Figure:
    """Capaian: the realisation against a target, by the indicator's declared polarity.

    Pure: it depends only on its arguments, so tests and embedding tools can
    call it directly.
    """
    no_target = f"no target for {period}" if period else "no target"
    if target is None and realisation.status is Status.MISSING_DATA:
        return Figure(
            Status.MISSING_DATA,
            reason=f"{realisation.reason}; {no_target}",
            missing=realisation.missing,
        )
    if target is None:
        return Figure.not_computable(no_target)
    if not realisation.ok:
        if realisation.status is Status.MISSING_DATA:
            return Figure(
                Status.MISSING_DATA, reason=realisation.reason, missing=realisation.missing
            )
        return Figure.not_computable(f"realisation is not computable: {realisation.reason}")
    with decimal.localcontext(DECIMAL_CONTEXT):
        if target.grade is not None or (realisation.grade is not None and realisation.raw is None):
            if realisation.raw is not None and rounding.achievement_from is AchievementFrom.ROUNDED:
                # A score's grade follows the printed (rounded) score under this policy.
                realisation = dataclasses.replace(realisation, raw=realisation.rounded)
            raw, text = _grade_achievement(indicator, target, realisation, scale)
        else:
            r = (
                realisation.rounded
                if rounding.achievement_from is AchievementFrom.ROUNDED
                else realisation.raw
            )
            assert r is not None
            raw, text = _numeric_achievement(indicator, target, r)
        if raw is None:
            return Figure.not_computable(text)
        capped = ""
        if cap is not None and raw > cap:
            capped = f", capped at {cap}"
            raw = cap
        rounded = round_value(raw, rounding.places, rounding.mode)
        return Figure(
            Status.OK,
            raw=raw,
            rounded=rounded,
            trace=f"{text} = {show_raw(raw, rounding.places)}{capped} → {format(rounded, 'f')}",
        )


def _grade_position(value: TargetSpec | Figure, scale: CompiledScale) -> tuple[int, str] | str:
    if isinstance(value, TargetSpec):
        label, score = value.grade, value.value
    else:
        label, score = value.grade if value.raw is None else None, value.raw
    if label is not None:
        band = scale.band_by_label(label)
        if band is None:
            return f"'{label}' is not a grade of scale '{scale.scale.id}'"
        return band.position, label
    if score is not None:
        band = scale.band_for(score)
        if band is None:
            return f"score {score} falls in no band of scale '{scale.scale.id}'"
        return band.position, f"{band.band.label} (score {score})"
    return "a range cannot be compared on a grade scale"


def _grade_achievement(
    indicator: Indicator, target: TargetSpec, realisation: Figure, scale: CompiledScale | None
) -> tuple[Decimal | None, str]:
    if scale is None:
        return None, "a grade target needs the indicator's grade scale"
    t = _grade_position(target, scale)
    r = _grade_position(realisation, scale)
    if isinstance(t, str):
        return None, t
    if isinstance(r, str):
        return None, r
    (tp, tl), (rp, rl) = t, r
    # Positions count from 1 for the lowest band and go through the indicator's own
    # polarity rule, so a lower-is-better or exact grade target is honoured too.
    return _against(
        indicator, Decimal(rp), Decimal(tp), (f"position {rp} ({rl})", f"position {tp} ({tl})")
    )


def _zero_target(indicator: Indicator, r: Decimal, bound: Decimal) -> tuple[Decimal | None, str]:
    policy = indicator.zero_target
    if policy is None:
        return None, (
            f"zero target: achievement against a target of {bound} cannot be computed "
            f"(declare 'zero_target' to set a policy)"
        )
    if indicator.polarity is Polarity.HIGHER_IS_BETTER:
        met = r >= bound
    elif indicator.polarity is Polarity.LOWER_IS_BETTER:
        met = r <= bound
    else:
        met = r == bound
    value = policy.met if met else policy.missed
    return (
        value,
        f"target {bound} {'met' if met else 'missed'} by {r} (zero_target policy) → {value}",
    )


def _against(
    indicator: Indicator, r: Decimal, t: Decimal, shown: tuple[str, str] | None = None
) -> tuple[Decimal | None, str]:
    """Achievement against a single numeric bound ``t``; ``shown`` overrides how R and T read."""
    rs, ts = shown or (show_raw(r, 4), show_raw(t, 4))
    if t == 0:
        return _zero_target(indicator, r, t)
    if t < 0 and not (
        indicator.polarity is Polarity.EXACT and indicator.exact_rule is ExactRule.BINARY
    ):
        # Every ratio rule turns over below zero: with T = -5, R = -10 scores 200 under
        # R / T although it is the worse result. No regulation defines this case.
        return None, (
            f"negative target {ts}: ratio rules such as R / T invert below zero, so the "
            f"achievement cannot be computed; express the target as a non-negative quantity"
        )
    polarity = indicator.polarity
    if polarity is Polarity.HIGHER_IS_BETTER:
        return r / t * HUNDRED, f"{rs} / {ts} × 100"
    if polarity is Polarity.LOWER_IS_BETTER:
        if indicator.lower_rule is LowerRule.OFFICIAL:
            return (2 * t - r) / t * HUNDRED, f"(2 × {ts} − {rs}) / {ts} × 100"
        if r == 0:
            return None, "zero realisation: T / R is undefined when the realisation is 0"
        return t / r * HUNDRED, f"{ts} / {rs} × 100"
    if indicator.exact_rule is ExactRule.BINARY:
        return (HUNDRED if r == t else Decimal(0)), f"{rs} {'=' if r == t else '≠'} {ts}"
    return (1 - abs(r - t) / t) * HUNDRED, f"(1 − |{rs} − {ts}| / {ts}) × 100"


def _numeric_achievement(
    indicator: Indicator, target: TargetSpec, r: Decimal
) -> tuple[Decimal | None, str]:
    if target.range is not None:
        low, high = target.range.min, target.range.max
        if low <= r <= high:
            return HUNDRED, f"{show_raw(r, 4)} within {low}–{high}"
        bound = low if r < low else high
        value, text = _against(indicator, r, bound)
        return value, f"{text} (outside {low}–{high})"
    assert target.value is not None
    return _against(indicator, r, target.value)
