"""Perjanjian Kinerja: each official's agreement, held to the targets it signed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._types import Period
from ..results import AgreementItemResult, AgreementResult
from .rollups import aggregate

if TYPE_CHECKING:
    from .evaluator import Evaluator

__all__ = ["agreement_results"]


def agreement_results(evaluator: Evaluator, period: Period) -> tuple[AgreementResult, ...]:
    """Each Perjanjian Kinerja of ``period``'s year, against its own signed targets."""
    spec = evaluator.spec
    if not period.is_year:
        return ()  # agreements hold yearly targets; a quarter is not held to them
    out = []
    for agreement in spec.agreements.values():
        if agreement.year != period.year:
            continue
        unit = spec.org_units[agreement.org_unit]
        items = []
        parts = []
        for item in agreement.items:
            indicator = spec.indicators[item.indicator]
            real = evaluator.realisation(item.indicator, period)
            ach = evaluator.achievement_of(indicator, item.target, real, period)
            items.append(
                AgreementItemResult(
                    indicator=item.indicator,
                    name=indicator.name,
                    unit=indicator.unit,
                    target=item.target,
                    realisation=real,
                    achievement=ach,
                    category=evaluator.category_of(indicator, ach),
                )
            )
            parts.append((item.indicator, item.target, real, ach))
        rollup, excluded = aggregate(spec, spec.info.rollup, parts)
        out.append(
            AgreementResult(
                id=agreement.id,
                year=agreement.year,
                org_unit=unit.id,
                org_unit_name=unit.name,
                level=unit.level,
                official=unit.official,
                items=tuple(items),
                rollup=rollup,
                excluded=excluded,
            )
        )
    return tuple(out)
