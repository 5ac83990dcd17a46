"""Budget amounts: printed ceilings, spending and absorption, and declared totals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .._exact import exact_sum
from .._spec import Spec, budget_lines, line_totals
from ..engine.budget import budget_rounding
from ..models import BudgetLine, Reported
from ..results import Figure
from ..rounding import round_value, show_raw
from .tally import DiscrepancyKind, Measure, Tally, shown

__all__ = ["declared_totals", "reported_budget", "reported_budget_lines", "reported_budget_year"]


def reported_budget(spec: Spec, tally: Tally, item: Reported) -> None:
    assert item.budget_line is not None
    found = _budget_line(spec, item.budget_line, item.period)
    if found is None:
        _no_line(tally, item, item.budget_line, f"no budget line '{item.budget_line}'")
        return
    ceiling, spent = found
    _compare_amounts(spec, tally, item, item.budget_line, ceiling, spent)


def reported_budget_lines(spec: Spec, tally: Tally, item: Reported) -> None:
    assert item.budget_lines is not None
    subject = " + ".join(item.budget_lines)
    totals: list[tuple[Decimal, Decimal]] = []
    for line_id in item.budget_lines:
        found = _budget_line(spec, line_id, item.period)
        if found is None:
            _no_line(tally, item, subject, f"no budget line '{line_id}'")
            return
        totals.append(found)
    ceiling = exact_sum(t[0] for t in totals)
    spent = exact_sum(t[1] for t in totals)
    _compare_amounts(spec, tally, item, subject, ceiling, spent)


def reported_budget_year(spec: Spec, tally: Tally, item: Reported) -> None:
    assert item.budget_year is not None
    budgets = [b for b in spec.budgets if b.year == item.budget_year]
    subject = f"budget {item.budget_year}"
    if not budgets:
        tally.not_checkable(
            subject,
            Measure.BUDGET,
            str(item.budget_year),
            item.source,
            "",
            Figure.not_computable(f"the spec has no budget for {item.budget_year}"),
        )
        return
    totals = [line_totals(p) for b in budgets for p in b.programs]
    ceiling = exact_sum(t[0] for t in totals)
    spent = exact_sum(t[1] for t in totals)
    _compare_amounts(spec, tally, item, subject, ceiling, spent)


def _no_line(tally: Tally, item: Reported, subject: str, reason: str) -> None:
    tally.not_checkable(
        subject, Measure.BUDGET, item.period, item.source, "", Figure.not_computable(reason)
    )


def _compare_amounts(
    spec: Spec, tally: Tally, item: Reported, subject: str, ceiling: Decimal, spent: Decimal
) -> None:
    for what, printed, actual in (
        (Measure.CEILING, item.ceiling, ceiling),
        (Measure.SPENT, item.spent, spent),
    ):
        if printed is not None:
            tally.compare_exact(
                DiscrepancyKind.FIGURE,
                subject,
                what,
                item.period,
                item.source,
                printed,
                actual,
                f"differs by {shown(printed - actual)}",
            )
    if item.absorption is not None:
        if ceiling == 0:
            tally.not_checkable(
                item.indicator or item.expr or item.budget_line or "?",
                Measure.ABSORPTION,
                item.period,
                item.source,
                shown(item.absorption),
                Figure.not_computable("zero ceiling"),
            )
            return
        raw = spent / ceiling * 100
        year = item.budget_year or (int(item.period[:4]) if item.period else None)
        rounding = spec.info.rounding if year is None else budget_rounding(spec, year)
        places = rounding.places if item.places is None else item.places
        rounded = round_value(raw, places, rounding.mode)
        tally.compare_number(
            raw,
            item.absorption,
            rounding,
            places=item.places,
            subject=subject,
            what=Measure.ABSORPTION,
            period=item.period,
            source=item.source,
            # The whole computation, as every other figure's note shows it.
            note=f"{spent} / {ceiling} × 100 = {show_raw(raw, places)} → {rounded:f}",
        )


def _budget_line(spec: Spec, line_id: str, period: str | None) -> tuple[Decimal, Decimal] | None:
    for budget in spec.budgets:
        if period is not None and str(budget.year) != period[:4]:
            continue
        found = _find_line(budget.programs, line_id)
        if found is not None:
            return line_totals(found)
    return None


def _find_line(lines: Sequence[BudgetLine], line_id: str) -> BudgetLine | None:
    return next((line for line in budget_lines(lines) if line.id == line_id), None)


def declared_totals(spec: Spec, tally: Tally) -> None:
    """Each declared total of a budget line or a year against the sum of its parts."""
    for budget in spec.budgets:
        source = budget.source or f"budget {budget.year}"
        year = str(budget.year)
        for line in budget_lines(budget.programs):
            if not line.children:
                continue
            ceiling, spent = line_totals(line)
            for what, declared, computed in (
                (Measure.CEILING, line.ceiling, ceiling),
                (Measure.SPENT, line.spent, spent),
            ):
                if declared is not None:
                    tally.compare_exact(
                        DiscrepancyKind.TOTAL,
                        line.id,
                        what,
                        year,
                        source,
                        declared,
                        computed,
                        "the declared total is not the sum of its parts",
                    )
        totals = [line_totals(p) for p in budget.programs]
        for what, declared, index in (
            (Measure.CEILING, budget.ceiling, 0),
            (Measure.SPENT, budget.spent, 1),
        ):
            if declared is not None:
                tally.compare_exact(
                    DiscrepancyKind.TOTAL,
                    f"budget {year}",
                    what,
                    year,
                    source,
                    declared,
                    exact_sum(t[index] for t in totals),
                    "the declared total is not the sum of its programs",
                )
