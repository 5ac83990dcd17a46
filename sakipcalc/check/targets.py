"""Targets compared between tables: the plan, each Perjanjian Kinerja, printed tables."""

from __future__ import annotations

from .._scales import CompiledScale
from .._spec import Spec
from .._types import Period
from ..models import TargetSpec
from .tally import Discrepancy, DiscrepancyKind, Measure, Tally

__all__ = ["KnownTargets", "same_target", "scale_of", "targets_across_tables"]


def scale_of(spec: Spec, indicator_id: str) -> CompiledScale | None:
    scale_id = spec.indicators[indicator_id].scale
    return spec.compiled_scales.get(scale_id) if scale_id else None


def same_target(a: TargetSpec, b: TargetSpec, scale: CompiledScale | None = None) -> bool:
    """Equal targets; on a grade scale a score and a grade are equal when the score's
    band is that grade (a score target of 80 is BB on the AKIP scale)."""
    if a.value is not None and b.value is not None:
        return a.value == b.value  # Decimal equality: 25 == 25.00
    if a.range is not None and b.range is not None:
        return a.range.min == b.range.min and a.range.max == b.range.max
    if scale is not None:
        return _grade_of(a, scale) is not None and _grade_of(a, scale) == _grade_of(b, scale)
    return a.grade == b.grade and a.value == b.value and a.range == b.range


def _grade_of(target: TargetSpec, scale: CompiledScale) -> str | None:
    if target.grade is not None:
        return target.grade
    if target.value is not None:
        band = scale.band_for(target.value)
        return band.band.label if band is not None else None
    return None


def targets_across_tables(spec: Spec, tally: Tally) -> None:
    """Each indicator whose target for a year differs between the report's tables."""
    for agreement in spec.agreements.values():
        year = Period.of(agreement.year)
        source = agreement.source or f"agreement {agreement.id}"
        for item in agreement.items:
            plan_target = spec.indicators[item.indicator].targets.get(year)
            if plan_target is None:
                tally.unplanned.setdefault((item.indicator, year), []).append((source, item.target))
                continue
            if same_target(plan_target, item.target, scale_of(spec, item.indicator)):
                tally.agrees()
                continue
            tally.differs(
                Discrepancy(
                    DiscrepancyKind.TARGET,
                    item.indicator,
                    Measure.TARGET,
                    year,
                    source,
                    item.target.describe(),
                    plan_target.describe(),
                    f"Perjanjian Kinerja '{agreement.id}' targets {item.target.describe()}; "
                    f"the plan (Renstra) targets {plan_target.describe()}",
                )
            )
    # Targets printed only in tables (no plan target): compared with the first one.
    for (indicator_id, period), printed in tally.unplanned.items():
        (first_source, first), *others = printed
        for source, target in others:
            if same_target(first, target, scale_of(spec, indicator_id)):
                tally.agrees()
                continue
            tally.differs(
                Discrepancy(
                    DiscrepancyKind.TARGET,
                    indicator_id,
                    Measure.TARGET,
                    period,
                    source,
                    target.describe(),
                    first.describe(),
                    f"the plan has no target for {period}; {first_source} prints "
                    f"{first.describe()}",
                )
            )


class KnownTargets:
    """Every target the spec records per indicator and year, indexed once.

    The plan's first, then those signed in a Perjanjian Kinerja, then those
    printed in a table. Built once per review: looking them up by scanning every
    agreement and reported row for each finding made a large review quadratic.
    """

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._other: dict[tuple[str, str], list[TargetSpec]] = {}
        for agreement in spec.agreements.values():
            year = str(Period.of(agreement.year))
            for entry in agreement.items:
                self._other.setdefault((entry.indicator, year), []).append(entry.target)
        for r in spec.reported:
            if r.indicator is not None and r.period is not None and r.target is not None:
                self._other.setdefault((r.indicator, str(r.period)), []).append(r.target)

    def of(self, indicator_id: str, period: Period) -> list[TargetSpec]:
        found: list[TargetSpec] = []
        plan = self._spec.indicators[indicator_id].targets.get(period)
        if plan is not None:
            found.append(plan)
        found += self._other.get((indicator_id, str(period)), ())
        unique: dict[str, TargetSpec] = {}
        for target in found:
            unique.setdefault(target.describe(), target)
        return list(unique.values())
