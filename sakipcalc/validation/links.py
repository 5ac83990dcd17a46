"""Rules for cascading links (cascading kinerja) and budgets."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .._exact import exact_sum
from .._graph import cycles
from .._source import PathKey
from .._spec import Origin, error, line_totals, warning
from ..errors import Issue, Location
from ..models import PERCENT_UNITS, Budget, BudgetLine, Indicator
from .draft import Draft


def _unit_key(indicator: Indicator) -> str:
    """Units compared across links: '%', 'persen' and 'percent' are one unit."""
    unit = indicator.unit.strip().lower()
    return "%" if unit in PERCENT_UNITS else unit


def check_links(draft: Draft) -> list[Issue]:
    """Links name known indicators, once each, without cycles; differing units are a warning."""
    issues: list[Issue] = []
    graph: dict[str, list[str]] = {}
    link_origin: dict[tuple[str, str], Origin] = {}
    for link, origin in draft.links:
        issues += draft.unknown_reference("indicators", link.parent, origin, "parent")
        issues += draft.unknown_reference("indicators", link.child, origin, "child")
        if not (
            draft.declares("indicators", link.parent) and draft.declares("indicators", link.child)
        ):
            continue
        if (link.parent, link.child) in link_origin:
            issues.append(
                error(
                    "duplicate-link",
                    f"link {link.parent} ← {link.child} is declared twice "
                    f"(first at {link_origin[(link.parent, link.child)].location()})",
                    origin,
                )
            )
            continue
        link_origin[(link.parent, link.child)] = origin
        graph.setdefault(link.parent, []).append(link.child)
        parent, child = draft.indicators[link.parent], draft.indicators[link.child]
        if _unit_key(parent) != _unit_key(child):
            issues.append(
                warning(
                    "link-unit-mismatch",
                    f"'{link.child}' ({child.unit}) supports '{link.parent}' ({parent.unit}): "
                    f"the units differ",
                    origin,
                    hint="check the link; roll-ups across it use achievements, never raw values",
                )
            )
    for cycle in cycles(graph):
        first = link_origin[(cycle[0], cycle[1] if len(cycle) > 1 else cycle[0])]
        issues.append(
            error(
                "cycle",
                "cascading links form a cycle: " + " → ".join([*cycle, cycle[0]]),
                first,
            )
        )
    return issues


def check_budgets(draft: Draft) -> list[Issue]:
    """One budget per year; lines at most three deep, with unique ids and amounts ≥ 0."""
    issues: list[Issue] = []
    seen: dict[tuple[int, str], Location] = {}

    def walk(budget: Budget, line: BudgetLine, origin: Origin, path: PathKey, depth: int) -> None:
        if depth > 3:
            issues.append(
                error(
                    "budget-too-deep",
                    f"budget line '{line.id}' is deeper than program → kegiatan → sub kegiatan",
                    origin,
                    *path,
                )
            )
        key = (budget.year, line.id)
        if key in seen:
            issues.append(
                error(
                    "duplicate-id",
                    f"budget line id '{line.id}' is already used at {seen[key]}",
                    origin,
                    *path,
                    "id",
                )
            )
        seen[key] = origin.location(*path, "id")
        for amount_name in ("ceiling", "spent"):
            amount = getattr(line, amount_name)
            if amount is not None and amount < 0:
                issues.append(
                    error(
                        "negative-amount",
                        f"{amount_name} {amount} is negative",
                        origin,
                        *path,
                        amount_name,
                    )
                )
        if not line.children and (line.ceiling is None or line.spent is None):
            issues.append(
                error(
                    "missing-amount",
                    f"budget line '{line.id}' has no parts, so it needs both ceiling and spent",
                    origin,
                    *path,
                )
            )
        for index, ref in enumerate(line.indicators):
            issues.extend(
                draft.unknown_reference("indicators", ref, origin, *path, "indicators", index)
            )
        for index, child in enumerate(line.children):
            walk(budget, child, origin, (*path, "children", index), depth + 1)

    years: dict[int, Origin] = {}
    for budget, origin in draft.budgets:
        if budget.year in years:
            issues.append(
                error(
                    "duplicate-budget-year",
                    f"a second budget for {budget.year}; the first is at "
                    f"{years[budget.year].location()}",
                    origin,
                    "year",
                    hint="put all of a year's programs in one budget",
                )
            )
        years.setdefault(budget.year, origin)
        for index, program in enumerate(budget.programs):
            walk(budget, program, origin, ("programs", index), 1)
        issues += _budget_sum_issues(budget, origin)
    return issues


def _budget_sum_issues(budget: Budget, origin: Origin) -> list[Issue]:
    """A declared total that is not the sum of its parts is a warning naming both figures."""
    issues: list[Issue] = []

    def compare(
        what: str, declared: Decimal | None, computed: Decimal, sub: PathKey, parts: str
    ) -> None:
        if declared is not None and declared != computed:
            issues.append(
                warning(
                    "budget-total-mismatch",
                    f"{what} is declared as {declared}, but its {parts} sum to {computed}",
                    origin,
                    *sub,
                    hint="check the figures; sakipcalc uses the sum of the parts",
                )
            )

    def walk(lines: Sequence[BudgetLine], path: PathKey) -> None:
        for index, line in enumerate(lines):
            sub = (*path, index)
            if line.children:
                ceiling, spent = line_totals(line)
                compare(
                    f"the ceiling of '{line.id}'", line.ceiling, ceiling, (*sub, "ceiling"), "parts"
                )
                compare(f"the spending of '{line.id}'", line.spent, spent, (*sub, "spent"), "parts")
                walk(line.children, (*sub, "children"))

    walk(budget.programs, ("programs",))
    totals = [line_totals(program) for program in budget.programs]
    for what, declared, index in (("ceiling", budget.ceiling, 0), ("spent", budget.spent, 1)):
        computed = exact_sum(t[index] for t in totals)
        compare(f"the {budget.year} total {what}", declared, computed, (what,), "programs")
    return issues
