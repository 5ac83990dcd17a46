"""Validation: from the merged draft to a checked :class:`~sakipcalc.Spec`, or issues.

Each rule is a function that takes one frozen :class:`Draft` and returns issues;
no rule writes anything another rule reads. Data that later work needs is
derived by explicit steps, and :func:`check` runs them in this order:

0. ``check_limits``: a spec over a documented limit (:mod:`sakipcalc.limits`)
   is refused here, before any other work;
1. ``compile_scales``: the rules compare grades and kinds against compiled scales;
2. ``name_infos`` and ``unusable_variables``: the reported-figure rule compiles
   expressions against the names, and formulas and data naming a variable whose
   breakdown is unknown stay quiet (it was reported at the variable);
3. the data, parsed against the declarations (first, so that the raw values
   are freed before the formulas are compiled: a large spec's peak memory);
4. every rule in :data:`RULES` (any order: they only read the draft);
5. ``compile_formulas``, then ``formula_order`` from the compiled formulas.

A library (shared scales or breakdowns, without a ``spec:``) runs step 1 and
:data:`LIBRARY_RULES` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from types import MappingProxyType

from .._data import DataSchema, parse_data
from .._merge import Merged
from .._spec import Spec
from ..errors import Issue, IssueReport, Location, Severity
from ..limits import Limits
from ..models import Link
from .draft import Draft
from .formulas import (
    check_reported,
    compile_formulas,
    formula_order,
    name_infos,
    unusable_variables,
)
from .indicators import (
    check_agreements,
    check_indicators,
    check_info,
    check_org_units,
    check_structure,
    check_variables,
)
from .limits import check_limits
from .links import check_budgets, check_links
from .records import check_records
from .report import check_report_layout
from .report_parts import check_report_parts
from .scales import check_breakdowns, compile_scales

Rule = Callable[[Draft], list[Issue]]

RULES: tuple[Rule, ...] = (
    check_info,
    check_breakdowns,
    check_variables,
    check_org_units,
    check_indicators,
    check_structure,
    check_agreements,
    check_links,
    check_budgets,
    check_reported,
    check_report_parts,
    check_records,
    check_report_layout,
)
LIBRARY_RULES: tuple[Rule, ...] = (check_breakdowns,)

_LIBRARY_SECTIONS = frozenset({"scales", "breakdowns"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What validation made of a draft: a spec (None with errors, or for a library)."""

    spec: Spec | None
    issues: tuple[Issue, ...]
    library: bool = False  # only shared scales or breakdowns: valid, nothing to evaluate


def is_library(merged: Merged) -> bool:
    """Only shared scales or breakdowns, and at least one of them."""
    other = bool(merged.links or merged.budgets or merged.reported or merged.data)
    sections = set(merged.sections)
    return not other and bool(sections) and sections <= _LIBRARY_SECTIONS


def check(merged: Merged, earlier: list[Issue], limits: Limits) -> Outcome:
    """Validate a merged draft; ``earlier`` are the issues found reading and merging."""
    issues = list(earlier)
    draft = Draft.of(merged)
    library = merged.info is None and bool(merged.files) and is_library(merged)
    if merged.info is None and not library:
        if (merged.files or not issues) and not merged.failed_spec:
            where = Location(merged.files[0].file) if merged.files else Location("<spec>")
            issues.append(
                Issue(
                    Severity.ERROR,
                    "missing-spec",
                    "no file of this spec has a 'spec:' section",
                    where,
                    hint="add 'spec: {id: ..., name: ..., plan: {start: 2019, end: 2023}}' "
                    "to one file",
                )
            )
        return Outcome(None, tuple(issues))
    over = check_limits(draft, limits)
    if over:
        return Outcome(None, (*issues, *over))
    scales, found = compile_scales(draft)
    issues += found
    draft = replace(draft, compiled_scales=MappingProxyType(scales))
    if library:
        # A library of shared scales or breakdowns (like specs/standard) has no
        # 'spec:' of its own; check what it has, and let specs import it.
        for rule in LIBRARY_RULES:
            issues += rule(draft)
        return Outcome(None, tuple(issues), library=True)
    failed = dict(merged.failed_ids)
    failed["variables"] = failed.get("variables", frozenset()) | unusable_variables(draft)
    draft = replace(
        draft, names=MappingProxyType(name_infos(draft)), failed_ids=MappingProxyType(failed)
    )
    schema = DataSchema(
        draft.variables,
        draft.indicators,
        draft.breakdowns,
        draft.compiled_scales,
        failed_names=failed["variables"] | failed.get("indicators", frozenset()),
    )
    data, found = parse_data(merged.data, schema)
    issues += found
    merged.data.clear()  # parsed: let the raw values go before formulas are compiled
    for rule in RULES:
        issues += rule(draft)
    formulas, found = compile_formulas(draft)
    issues += found
    order, found = formula_order(draft, formulas)
    issues += found
    if any(issue.severity is Severity.ERROR for issue in issues):
        return Outcome(None, tuple(issues))
    frozen = MappingProxyType
    spec = Spec(
        info=draft.info,
        breakdowns=draft.breakdowns,
        variables=draft.variables,
        scales=draft.scales,
        org_units=draft.org_units,
        indicators=draft.indicators,
        goals=draft.goals,
        objectives=draft.objectives,
        agreements=draft.agreements,
        links=tuple(link for link, _ in merged.links),
        budgets=tuple(b for b, _ in merged.budgets),
        reported=tuple(r for r, _ in merged.reported),
        data=data,
        files=tuple(doc.file for doc in merged.files),
        warnings=IssueReport.of(i for i in issues if i.severity is Severity.WARNING),
        formulas=frozen(formulas),
        compiled_scales=draft.compiled_scales,
        order=order,
        origins=draft.origins,
        names=draft.names,
        link_children=frozen(_group_links(merged.links, by_parent=True)),
        link_parents=frozen(_group_links(merged.links, by_parent=False)),
        records=frozen(
            {key: item for key, (item, _) in merged.sections.get("records", {}).items()}
        ),
    )
    return Outcome(spec, tuple(issues))


def _group_links(
    links: tuple[tuple[Link, object], ...], *, by_parent: bool
) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for link, _ in links:
        key, other = (link.parent, link.child) if by_parent else (link.child, link.parent)
        if other not in grouped.get(key, []):
            grouped.setdefault(key, []).append(other)
    return {key: tuple(values) for key, values in grouped.items()}


__all__ = ["LIBRARY_RULES", "RULES", "Draft", "Outcome", "check", "is_library"]
