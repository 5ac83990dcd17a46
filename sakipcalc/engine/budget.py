"""Budget lines: ceilings and spending summed up the tree, absorption and efficiency."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from .._exact import exact_sum
from .._spec import Spec
from ..models import Budget, BudgetLine, Rounding
from ..results import (
    BudgetLevel,
    BudgetResult,
    BudgetTotal,
    CategoryRef,
    Figure,
    IndicatorResult,
    Status,
)
from ..rounding import round_value, show_raw
from .achievement import HUNDRED

__all__ = ["absorption", "budget_results", "budget_rounding", "budget_total"]

_LEVELS = (BudgetLevel.PROGRAM, BudgetLevel.KEGIATAN, BudgetLevel.SUB_KEGIATAN)


def budget_rounding(spec: Spec, year: int) -> Rounding:
    """How absorption for ``year`` is rounded: the budget's own ``rounding``, else the spec's."""
    base = spec.info.rounding
    for budget in spec.budgets:
        if budget.year == year and budget.rounding is not None:
            own = budget.rounding
            return Rounding(
                places=base.places if own.places is None else own.places,
                mode=base.mode if own.mode is None else own.mode,
                achievement_from=base.achievement_from,
            )
    return base


def absorption(ceiling: Decimal, spent: Decimal, rounding: Rounding) -> Figure:
    """Penyerapan: spent / ceiling × 100."""
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


def budget_results(
    spec: Spec,
    lines: Sequence[BudgetLine],
    year: int,
    by_id: Mapping[str, IndicatorResult],
    category: Callable[[str, Figure], CategoryRef | None],
    depth: int = 0,
) -> list[BudgetResult]:
    """``lines`` and their parts, each with absorption and, when declared, efficiency."""
    out = []
    for line in lines:
        children = budget_results(spec, line.children, year, by_id, category, depth + 1)
        # Declared totals that disagree with their parts are load warnings (with
        # their file and line); the parts are what counts here.
        if children:
            ceiling = exact_sum(c.ceiling for c in children)
            spent = exact_sum(c.spent for c in children)
        else:
            ceiling = line.ceiling or Decimal(0)
            spent = line.spent or Decimal(0)
        absorbed = absorption(ceiling, spent, budget_rounding(spec, year))
        efficiency = efficiency_category = None
        rule = spec.info.efficiency
        if rule is not None and line.indicators:
            linked = [by_id[i].achievement for i in line.indicators if i in by_id]
            efficiency = _efficiency(spec.info.rounding, linked, absorbed)
            efficiency_category = category(rule.scale, efficiency)
        out.append(
            BudgetResult(
                id=line.id,
                name=line.name,
                level=_LEVELS[min(depth, 2)],
                year=year,
                ceiling=ceiling,
                spent=spent,
                absorption=absorbed,
                declared_ceiling=line.ceiling,
                declared_spent=line.spent,
                efficiency=efficiency,
                efficiency_category=efficiency_category,
                indicators=line.indicators,
                children=tuple(children),
            )
        )
    return out


def budget_total(spec: Spec, declared: Budget, lines: Sequence[BudgetResult]) -> BudgetTotal:
    """A year's whole budget: the sum of its programs."""
    mine = [line for line in lines if line.year == declared.year]
    ceiling = exact_sum(line.ceiling for line in mine)
    spent = exact_sum(line.spent for line in mine)
    return BudgetTotal(
        year=declared.year,
        ceiling=ceiling,
        spent=spent,
        absorption=absorption(ceiling, spent, budget_rounding(spec, declared.year)),
        declared_ceiling=declared.ceiling,
        declared_spent=declared.spent,
    )


def _efficiency(rounding: Rounding, achievements: Sequence[Figure], absorbed: Figure) -> Figure:
    if not absorbed.ok or absorbed.rounded is None:
        return Figure.not_computable(f"absorption is not computable: {absorbed.reason}")
    values = [a.rounded for a in achievements if a.ok and a.rounded is not None]
    if len(values) != len(achievements) or not values:
        return Figure.not_computable("an achievement of a linked indicator is not computable")
    mean = sum(values, Decimal(0)) / len(values)
    raw = mean - absorbed.rounded
    rounded = round_value(raw, rounding.places, rounding.mode)
    return Figure(
        Status.OK,
        raw=raw,
        rounded=rounded,
        trace=(
            f"{show_raw(mean, rounding.places)} − {absorbed.rounded} = "
            f"{show_raw(raw, rounding.places)} → {rounded}"
        ),
    )
