"""Report-only parts: a national standard fits its indicator, narratives name plan years.

Nothing here changes a figure, but a national standard of 250 % beside a
percentage, or a narrative written for 2032 in a 2019–2023 plan, is a typo
the reader would see printed; so they are checked like targets.
"""

from __future__ import annotations

from collections.abc import Mapping

from .._spec import Origin, error
from .._types import Period, split_period
from ..errors import Issue
from ..models import Narrative
from .draft import Draft
from .indicators import target_issues

__all__ = ["check_report_parts"]


def check_report_parts(draft: Draft) -> list[Issue]:
    issues: list[Issue] = []
    for indicator_id, indicator in draft.indicators.items():
        origin = draft.origin("indicators", indicator_id)
        if indicator.national_standard is not None:
            issues += target_issues(
                draft,
                indicator.national_standard.value,
                indicator,
                origin,
                "national_standard",
                "value",
            )
        issues += _narrative_issues(draft, indicator.narrative, origin)
    for goal_id, goal in draft.goals.items():
        issues += _narrative_issues(draft, goal.narrative, draft.origin("goals", goal_id))
    for objective_id, objective in draft.objectives.items():
        origin = draft.origin("objectives", objective_id)
        issues += _narrative_issues(draft, objective.narrative, origin)
    return issues


def _narrative_issues(
    draft: Draft, narrative: Mapping[Period, Narrative], origin: Origin
) -> list[Issue]:
    plan = draft.info.plan
    issues: list[Issue] = []
    for period, text in narrative.items():
        year, quarter = split_period(period)
        if quarter is not None:
            # The report prints a narrative with the year's row; one keyed by a
            # quarter would be accepted and never printed.
            issues.append(
                error(
                    "narrative-not-a-year",
                    f"narrative for {period} names a quarter; a narrative is written per "
                    f"reporting year",
                    origin,
                    "narrative",
                    period,
                    hint=f"key it by the year ({year}), with what the agency writes for that year",
                    prefer_key=True,
                )
            )
        elif not plan.start <= year <= plan.end:
            issues.append(
                error(
                    "narrative-outside-plan",
                    f"narrative for {period} is outside the plan {plan.start}–{plan.end}",
                    origin,
                    "narrative",
                    period,
                    hint="correct the year, or widen 'plan:' in the spec section",
                    prefer_key=True,
                )
            )
        if text.causes is None and text.actions is None and text.analysis is None:
            issues.append(
                error(
                    "empty-narrative",
                    f"narrative for {period} has none of causes, actions, analysis",
                    origin,
                    "narrative",
                    period,
                    hint="write at least one of 'causes', 'actions', 'analysis', or remove it",
                    prefer_key=True,
                )
            )
    return issues
