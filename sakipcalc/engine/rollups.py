"""Roll-ups: one achievement for an objective, a goal, an org unit or the agency.

Roll-ups aggregate members' achievements (never raw values), so members of
mixed polarity combine; each rule is declared by the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import assert_never

from .._exact import exact_product, exact_sum
from .._spec import Spec
from ..models import AchievementFrom, Polarity, Rollup, TargetSpec
from ..results import CategoryRef, Figure, IndicatorResult, RollupKind, RollupResult, Status
from ..rounding import effective_rounding, round_value, show_raw
from .achievement import HUNDRED

__all__ = ["RollupPart", "aggregate", "rollups"]

# One member of a roll-up: its id, target, realisation and achievement.
RollupPart = tuple[str, TargetSpec | None, Figure, Figure]


def aggregate(
    spec: Spec, rule: Rollup, parts: Sequence[RollupPart]
) -> tuple[Figure, tuple[str, ...]]:
    """Aggregate achievements by ``rule``; also the members left out as not computable."""
    rounding = spec.info.rounding
    usable = [(m, t, r, a) for m, t, r, a in parts if a.ok and a.rounded is not None]
    excluded = tuple(m for m, _, _, a in parts if not (a.ok and a.rounded is not None))
    if not usable:
        return Figure.not_computable("no member has a computable achievement"), excluded
    values = [a.rounded for _, _, _, a in usable if a.rounded is not None]
    match rule:
        case Rollup.MEAN:
            raw = exact_sum(values) / len(values)
            text = f"mean({', '.join(format(v, 'f') for v in values)})"
        case Rollup.MIN:
            raw = min(values)
            text = f"min({', '.join(format(v, 'f') for v in values)})"
        case Rollup.WEIGHTED_MEAN:
            weighted = _weighted_mean(spec, [m for m, _, _, _ in usable], values)
            if isinstance(weighted, Figure):
                return weighted, excluded
            raw, text = weighted
        case Rollup.RATIO_OF_SUMS:
            ratio = _ratio_of_sums(spec, usable)
            if isinstance(ratio, Figure):
                return ratio, excluded
            raw, text = ratio
        case _:
            assert_never(rule)
    rounded = round_value(raw, rounding.places, rounding.mode)
    return Figure(
        Status.OK,
        raw=raw,
        rounded=rounded,
        trace=f"{text} = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}",
    ), excluded


def _weighted_mean(
    spec: Spec, members: Sequence[str], values: Sequence[Decimal]
) -> tuple[Decimal, str] | Figure:
    weights = []
    for member in members:
        weight = spec.indicators[member].weight
        if weight is None:
            return Figure.not_computable(f"indicator '{member}' declares no weight")
        weights.append(weight)
    total = exact_sum(weights)
    if total == 0:
        return Figure.not_computable("the weights sum to 0")
    products = (exact_product(w, v) for w, v in zip(weights, values, strict=True))
    raw = exact_sum(products) / total
    text = "weighted_mean(" + ", ".join(f"{w}×{v}" for w, v in zip(weights, values, strict=True))
    return raw, text + ")"


def _ratio_of_sums(spec: Spec, usable: Sequence[RollupPart]) -> tuple[Decimal, str] | Figure:
    rounding = spec.info.rounding
    numerators: list[Decimal] = []
    denominators: list[Decimal] = []
    for member, target, real, _ in usable:
        indicator = spec.indicators[member]
        spec_target = target.value if target is not None else None
        if (
            indicator.polarity is not Polarity.HIGHER_IS_BETTER
            or spec_target is None
            or real.raw is None
        ):
            return Figure.not_computable(
                f"ratio of sums needs additive higher-is-better indicators with numeric targets; "
                f"'{member}' is not one"
            )
        policy = effective_rounding(rounding, indicator.rounding)
        from_rounded = policy.achievement_from is AchievementFrom.ROUNDED
        use = real.rounded if from_rounded else real.raw
        numerators.append(use if use is not None else real.raw)
        denominators.append(spec_target)
    denominator = exact_sum(denominators)
    if denominator == 0:
        return Figure.not_computable("zero denominator: the targets sum to 0")
    total = exact_sum(numerators)
    raw = total / denominator * HUNDRED
    numerator = show_raw(total, rounding.places)
    return raw, f"{numerator} / {denominator} × 100"


def rollups(
    spec: Spec,
    by_id: Mapping[str, IndicatorResult],
    category: Callable[[Figure], CategoryRef | None],
) -> tuple[RollupResult, ...]:
    """Every roll-up the spec declares or implies, in a fixed order."""
    default = spec.info.rollup

    def rollup(
        kind: RollupKind, rollup_id: str, name: str, rule: Rollup, members: Iterable[str]
    ) -> RollupResult:
        unique = tuple(dict.fromkeys(members))
        figure, excluded = aggregate(
            spec,
            rule,
            [(m, by_id[m].target, by_id[m].realisation, by_id[m].achievement) for m in unique],
        )
        return RollupResult(
            kind=kind,
            id=rollup_id,
            name=name,
            rule=rule,
            achievement=figure,
            category=category(figure),
            members=unique,
            excluded=excluded,
        )

    out: list[RollupResult] = []
    for objective in spec.objectives.values():
        out.append(
            rollup(
                RollupKind.OBJECTIVE,
                objective.id,
                objective.name,
                objective.rollup or default,
                objective.indicators,
            )
        )
    for goal in spec.goals.values():
        members = list(goal.indicators)
        if not members:  # a goal without own indicators rolls up its objectives' indicators
            members = [
                i for o in spec.objectives.values() if o.goal == goal.id for i in o.indicators
            ]
        out.append(rollup(RollupKind.GOAL, goal.id, goal.name, goal.rollup or default, members))
    for unit in spec.org_units.values():
        owned = [i for i, ind in spec.indicators.items() if ind.owner == unit.id]
        if owned:
            out.append(rollup(RollupKind.ORG_UNIT, unit.id, unit.name, default, owned))
    iku = [i for i, ind in spec.indicators.items() if "IKU" in ind.tags]
    out.append(
        rollup(
            RollupKind.AGENCY,
            spec.info.id,
            spec.info.agency or spec.info.name,
            default,
            iku or list(spec.indicators),
        )
    )
    return tuple(out)
