"""Formulas: the names they may use, compiling them, their order, and reported figures."""

from __future__ import annotations

from typing import Any

from .._graph import cycles, dependencies_first
from .._hints import suggest
from .._source import PathKey, format_path
from .._spec import Origin, budget_lines, error
from ..errors import Issue, Location, Severity
from ..formula import CompiledFormula, FormulaProblem, NameInfo, NameKind, compile_formula
from ..models import Domain, Reported
from .draft import Draft


def unusable_variables(draft: Draft) -> frozenset[str]:
    """Variables broken down by an unknown breakdown (reported at the variable).

    Formulas and data naming them stay quiet rather than report a second issue.
    """
    return frozenset(
        variable_id
        for variable_id, variable in draft.variables.items()
        if variable.breakdown is not None and variable.breakdown not in draft.breakdowns
    )


def name_infos(draft: Draft) -> dict[str, NameInfo]:
    """What each variable and indicator is, as formulas see it."""
    names: dict[str, NameInfo] = {}
    breakdowns = draft.breakdowns
    # Variables broken down by all of a breakdown's categories share one NameInfo:
    # a large spec has thousands of them.
    shared: dict[str, NameInfo] = {}
    for variable_id, variable in draft.variables.items():
        if variable.breakdown is not None and variable.breakdown in breakdowns:
            if variable.categories is None and variable.breakdown in shared:
                names[variable_id] = shared[variable.breakdown]
                continue
            breakdown = breakdowns[variable.breakdown]
            all_categories = tuple(c.id for c in breakdown.categories)
            own = variable.categories if variable.categories is not None else all_categories
            members_allowed = frozenset(own)  # a set: breakdowns can be large
            subsets = {
                name: members
                for name, members in breakdown.subsets.items()
                if all(m in members_allowed for m in members)
            }
            names[variable_id] = NameInfo(NameKind.BREAKDOWN, tuple(own), subsets)
            if variable.categories is None:
                shared[variable.breakdown] = names[variable_id]
        elif variable.breakdown is None:
            names[variable_id] = NameInfo(
                NameKind.SCALAR, numeric=variable.domain is not Domain.GRADE
            )
    for indicator_id, indicator in draft.indicators.items():
        names[indicator_id] = NameInfo(NameKind.INDICATOR, numeric=indicator.scale is None)
    return names


def compile_formulas(draft: Draft) -> tuple[dict[str, CompiledFormula], list[Issue]]:
    """Each indicator's formula compiled; an issue pointing at the character for each problem."""
    compiled: dict[str, CompiledFormula] = {}
    issues: list[Issue] = []
    for indicator_id, indicator in draft.indicators.items():
        if indicator.formula is None:
            continue
        origin = draft.origin("indicators", indicator_id)
        result = compile_formula(indicator.formula, draft.names)
        if isinstance(result, FormulaProblem) and draft.failed(result.unknown_name):
            continue  # the declaration itself failed and was reported where it is
        if isinstance(result, FormulaProblem):
            path = (*origin.path, "formula")
            issues.append(
                Issue(
                    Severity.ERROR,
                    "formula",
                    result.message,
                    origin.doc.locate_offset(path, result.offset),
                    format_path(path),
                    excerpt=result.excerpt(),
                )
            )
            continue
        compiled[indicator_id] = result
    return compiled, issues


def formula_order(
    draft: Draft, formulas: dict[str, CompiledFormula]
) -> tuple[tuple[str, ...], list[Issue]]:
    """Indicators with the ones a formula uses first; an issue for each tangle of formulas."""
    indicators = draft.indicators
    graph = {
        key: sorted(ref for ref in formula.references if ref in indicators)
        for key, formula in formulas.items()
    }
    issues = [
        error(
            "cycle",
            "indicator formulas use each other: " + " → ".join([*cycle, cycle[0]]),
            draft.origin("indicators", cycle[0]),
            "formula",
        )
        for cycle in cycles(graph)
    ]
    if issues:
        return tuple(indicators), issues
    return dependencies_first(tuple(indicators), graph), issues


_FIGURES_BY_SUBJECT = {
    "indicator": ("target", "realisation", "achievement"),
    "expr": ("value",),
    "budget": ("ceiling", "spent", "absorption"),
}


def check_reported(draft: Draft) -> list[Issue]:
    """Printed figures (for reconciliation) name known things, and exactly one subject."""
    budget_ids = {line.id for budget, _ in draft.budgets for line in budget_lines(budget.programs)}
    issues: list[Issue] = []
    for item, origin in draft.reported:
        issues += draft.unknown_reference("indicators", item.indicator, origin, "indicator")
        issues += draft.unknown_reference("agreements", item.agreement, origin, "agreement")
        named: list[tuple[str, PathKey]] = []
        if item.budget_line is not None:
            named.append((item.budget_line, ("budget_line",)))
        for index, line_id in enumerate(item.budget_lines or ()):
            named.append((line_id, ("budget_lines", index)))
        for line_id, sub in named:
            if line_id not in budget_ids:
                issues.append(
                    error(
                        "unknown-reference",
                        f"unknown budget line '{line_id}'",
                        origin,
                        *sub,
                        hint=suggest(line_id, budget_ids),
                    )
                )
        if item.expr is not None:
            result = compile_formula(item.expr, draft.names)
            if isinstance(result, FormulaProblem):
                base = origin.location("expr")
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "formula",
                        result.message,
                        Location(base.file, base.line, (base.column or 1) + result.offset),
                        format_path((*origin.path, "expr")),
                        excerpt=result.excerpt(),
                    )
                )
            if item.value is None:
                issues.append(
                    error("missing-key", "a reported 'expr' needs the printed 'value'", origin)
                )
        issues += _field_issues(item, origin, draft.agreements)
        subjects = (
            item.indicator,
            item.expr,
            item.budget_line,
            item.budget_lines,
            item.budget_year,
        )
        if sum(x is not None for x in subjects) != 1:
            issues.append(
                error(
                    "reported-subject",
                    "a reported figure names exactly one of: indicator, expr, budget_line, "
                    "budget_lines, budget_year",
                    origin,
                )
            )
        if (item.indicator is not None or item.expr is not None) and item.period is None:
            issues.append(error("missing-key", "a reported figure needs its 'period'", origin))
    return issues


def _field_issues(item: Reported, origin: Origin, agreements: Any) -> list[Issue]:
    """A printed figure that does not fit its subject would never be compared: refuse it."""
    if item.indicator is not None:
        subject = "indicator"
    elif item.expr is not None:
        subject = "expr"
    elif item.budget_line or item.budget_lines or item.budget_year is not None:
        subject = "budget"
    else:
        return []
    issues: list[Issue] = []
    allowed = _FIGURES_BY_SUBJECT[subject]
    for figures in _FIGURES_BY_SUBJECT.values():
        for name in figures:
            if name not in allowed and getattr(item, name) is not None:
                issues.append(
                    error(
                        "reported-field",
                        f"'{name}' does not apply to a reported {subject} figure, so it would "
                        f"never be checked; such a figure takes {', '.join(allowed)}",
                        origin,
                        name,
                        prefer_key=True,
                    )
                )
    if item.realisation is not None and item.realisation.range is not None:
        issues.append(
            error(
                "reported-field",
                "a printed realisation is a number or a grade, not a range",
                origin,
                "realisation",
            )
        )
    if item.agreement is not None and subject != "indicator":
        issues.append(
            error(
                "reported-field",
                "'agreement' applies only to a reported indicator figure",
                origin,
                "agreement",
                prefer_key=True,
            )
        )
    agreement = agreements.get(item.agreement or "")
    if agreement is not None and item.indicator is not None:
        if all(i.indicator != item.indicator for i in agreement.items):
            issues.append(
                error(
                    "reported-field",
                    f"agreement '{agreement.id}' has no item for indicator '{item.indicator}'",
                    origin,
                    "agreement",
                )
            )
        if item.period is not None and item.period[:4] != str(agreement.year):
            issues.append(
                error(
                    "reported-field",
                    f"agreement '{agreement.id}' is for {agreement.year}, but this figure is for "
                    f"{item.period}",
                    origin,
                    "agreement",
                )
            )
    return issues
