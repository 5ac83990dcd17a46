"""Rules for the spec's own sections: plan, variables, org units, indicators, structure, agreements."""

from __future__ import annotations

from .._graph import cycles
from .._hints import suggest
from .._spec import Origin, error, warning
from .._types import split_period
from ..errors import Issue
from ..models import Domain, Indicator, ScaleKind, TargetSpec
from .draft import Draft
from .scales import scale_ref_issues


def is_percent(indicator: Indicator) -> bool:
    return indicator.is_percent


def check_info(draft: Draft) -> list[Issue]:
    """The plan runs forwards; the spec-wide scales exist and are category scales."""
    info, origin = draft.info, draft.info_origin
    issues: list[Issue] = []
    if info.plan.start > info.plan.end:
        issues.append(
            error(
                "invalid-plan",
                f"plan starts in {info.plan.start}, after it ends in {info.plan.end}",
                origin,
                "plan",
            )
        )
    issues += scale_ref_issues(
        draft, info.category_scale, ScaleKind.CATEGORY, origin, "category_scale"
    )
    if info.efficiency is not None:
        issues += scale_ref_issues(
            draft, info.efficiency.scale, ScaleKind.CATEGORY, origin, "efficiency", "scale"
        )
    return issues


def check_variables(draft: Draft) -> list[Issue]:
    """Grades name a scale; categories belong to the variable's breakdown."""
    issues: list[Issue] = []
    for variable_id, variable in draft.variables.items():
        origin = draft.origin("variables", variable_id)
        if variable.domain is Domain.GRADE and variable.scale is None:
            issues.append(
                error(
                    "missing-scale",
                    f"variable '{variable_id}' has domain grade but names no scale",
                    origin,
                    hint="add 'scale: akip' (or another grade scale)",
                )
            )
        issues += scale_ref_issues(draft, variable.scale, ScaleKind.GRADE, origin, "scale")
        if variable.categories is not None and variable.breakdown is None:
            issues.append(
                error(
                    "categories-without-breakdown",
                    f"variable '{variable_id}' lists categories but names no breakdown",
                    origin,
                    "categories",
                    hint="add 'breakdown: <id>'",
                )
            )
        if variable.breakdown is None:
            continue
        if not draft.declares("breakdowns", variable.breakdown):
            issues += draft.unknown_reference("breakdowns", variable.breakdown, origin, "breakdown")
            continue
        known = {c.id for c in draft.breakdowns[variable.breakdown].categories}
        for index, category in enumerate(variable.categories or ()):
            if category not in known:
                issues.append(
                    error(
                        "unknown-category",
                        f"'{category}' is not a category of breakdown '{variable.breakdown}'",
                        origin,
                        "categories",
                        index,
                        hint=suggest(category, known),
                    )
                )
    return issues


def check_org_units(draft: Draft) -> list[Issue]:
    """Parents exist, and no unit is its own ancestor."""
    units = draft.org_units
    issues: list[Issue] = []
    for unit_id, unit in units.items():
        issues += draft.unknown_reference(
            "org_units", unit.parent, draft.origin("org_units", unit_id), "parent"
        )
    for cycle in cycles({k: [u.parent] if u.parent else [] for k, u in units.items()}):
        issues.append(
            error(
                "cycle",
                "org units are their own parents: " + " → ".join([*cycle, cycle[0]]),
                draft.origin("org_units", cycle[0]),
                "parent",
            )
        )
    return issues


def target_issues(
    draft: Draft, target: TargetSpec, indicator: Indicator, origin: Origin, *sub: str | int
) -> list[Issue]:
    """A target fits its indicator: a known grade, an ordered range, a percentage in 0–100."""
    issues: list[Issue] = []
    if target.grade is not None:
        scale = draft.compiled_scales.get(indicator.scale) if indicator.scale else None
        if indicator.scale is None:
            issues.append(
                error(
                    "grade-without-scale",
                    f"target '{target.grade}' is a grade, but indicator '{indicator.id}' names "
                    f"no scale",
                    origin,
                    *sub,
                    hint="add 'scale: akip' to the indicator, or write a number",
                )
            )
        elif scale is not None and scale.band_by_label(target.grade) is None:
            issues.append(
                error(
                    "unknown-grade",
                    f"'{target.grade}' is not a grade of scale '{indicator.scale}'",
                    origin,
                    *sub,
                    hint=suggest(target.grade, scale.labels)
                    or f"grades: {', '.join(scale.labels)}",
                )
            )
        return issues
    numbers = [target.value] if target.value is not None else []
    if target.range is not None:
        numbers = [target.range.min, target.range.max]
        if target.range.min > target.range.max:
            issues.append(error("invalid-range", "range target has min above max", origin, *sub))
    percent = is_percent(indicator)
    for number in numbers:
        if not percent and number < 0:
            issues.append(
                warning(
                    "negative-target",
                    f"target {number} is negative: ratio rules such as R / T invert below "
                    f"zero, so its achievement will be 'not computable'",
                    origin,
                    *sub,
                    hint="state the target as a non-negative quantity (e.g. a decrease of 2)",
                )
            )
        # allow_over_100 lifts the upper bound only: a percentage is never negative.
        if percent and (number < 0 or (number > 100 and not indicator.allow_over_100)):
            issues.append(
                error(
                    "percentage-out-of-range",
                    f"percentage target {number} is outside 0–100",
                    origin,
                    *sub,
                    hint="fix the target, or declare 'allow_over_100: true' on the indicator",
                )
            )
    return issues


def check_indicators(draft: Draft) -> list[Issue]:
    """References, targets inside the plan, a baseline before it, no grade with a formula."""
    plan = draft.info.plan
    issues: list[Issue] = []
    for indicator_id, indicator in draft.indicators.items():
        origin = draft.origin("indicators", indicator_id)
        issues += draft.unknown_reference("org_units", indicator.owner, origin, "owner")
        issues += scale_ref_issues(draft, indicator.scale, ScaleKind.GRADE, origin, "scale")
        issues += scale_ref_issues(
            draft, indicator.category_scale, ScaleKind.CATEGORY, origin, "category_scale"
        )
        for period, target in indicator.targets.items():
            year, _ = split_period(period)
            if not plan.start <= year <= plan.end:
                issues.append(
                    error(
                        "target-outside-plan",
                        f"target for {period} is outside the plan {plan.start}–{plan.end}",
                        origin,
                        "targets",
                        period,
                        hint="remove it, or widen 'plan:' in the spec section",
                        prefer_key=True,
                    )
                )
            issues += target_issues(draft, target, indicator, origin, "targets", period)
        if indicator.end_target is not None:
            issues += target_issues(draft, indicator.end_target, indicator, origin, "end_target")
        if indicator.baseline is not None:
            issues += target_issues(
                draft, indicator.baseline.value, indicator, origin, "baseline", "value"
            )
            year, _ = split_period(indicator.baseline.period)
            if year > plan.start:
                issues.append(
                    error(
                        "baseline-inside-plan",
                        f"baseline period {indicator.baseline.period} is after the plan starts "
                        f"({plan.start})",
                        origin,
                        "baseline",
                        "period",
                    )
                )
        for index, invariant in enumerate(indicator.invariants):
            named = [
                ("increasing_in", invariant.increasing_in),
                ("decreasing_in", invariant.decreasing_in),
                *[("subset", name) for name in invariant.subset or ()],
            ]
            for key, name in named:
                issues += draft.unknown_reference(
                    "variables", name, origin, "invariants", index, key, what="variable"
                )
        if indicator.scale is not None and indicator.formula is not None:
            issues.append(
                error(
                    "grade-with-formula",
                    f"indicator '{indicator_id}' has a grade scale and a formula; a formula gives "
                    f"a number, which is mapped to a grade only through a score",
                    origin,
                    "formula",
                    hint="remove 'formula', or remove 'scale' and compare numbers",
                )
            )
    return issues


def check_structure(draft: Draft) -> list[Issue]:
    """Goals and objectives name known indicators; objectives name known goals."""
    issues: list[Issue] = []
    for goal_id, goal in draft.goals.items():
        origin = draft.origin("goals", goal_id)
        for index, ref in enumerate(goal.indicators):
            issues += draft.unknown_reference("indicators", ref, origin, "indicators", index)
    for objective_id, objective in draft.objectives.items():
        origin = draft.origin("objectives", objective_id)
        issues += draft.unknown_reference("goals", objective.goal, origin, "goal")
        for index, ref in enumerate(objective.indicators):
            issues += draft.unknown_reference("indicators", ref, origin, "indicators", index)
    return issues


def check_agreements(draft: Draft) -> list[Issue]:
    """An agreement (perjanjian kinerja) lists each indicator once, with a fitting target."""
    plan = draft.info.plan
    issues: list[Issue] = []
    for agreement_id, agreement in draft.agreements.items():
        origin = draft.origin("agreements", agreement_id)
        issues += draft.unknown_reference("org_units", agreement.org_unit, origin, "org_unit")
        if not plan.start <= agreement.year <= plan.end:
            issues.append(
                warning(
                    "agreement-outside-plan",
                    f"agreement year {agreement.year} is outside the plan {plan.start}–{plan.end}",
                    origin,
                    "year",
                )
            )
        seen: set[str] = set()
        for index, item in enumerate(agreement.items):
            if item.indicator in seen:
                issues.append(
                    error(
                        "duplicate-item",
                        f"indicator '{item.indicator}' appears twice in this agreement",
                        origin,
                        "items",
                        index,
                        "indicator",
                    )
                )
            seen.add(item.indicator)
            issues += draft.unknown_reference(
                "objectives", item.objective, origin, "items", index, "objective"
            )
            if draft.declares("indicators", item.indicator):
                issues += target_issues(
                    draft,
                    item.target,
                    draft.indicators[item.indicator],
                    origin,
                    "items",
                    index,
                    "target",
                )
            else:
                issues += draft.unknown_reference(
                    "indicators", item.indicator, origin, "items", index, "indicator"
                )
    return issues
