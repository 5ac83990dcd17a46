"""Rules for variables aggregated from records (``from: {records: kasus, count: true, ...}``).

These rules read the spec alone. The columns and values of the records table
itself are checked when the table is read (:func:`sakipcalc._records.load_records`),
with the same positions in the spec.
"""

from __future__ import annotations

from pathlib import PurePath

from .._spec import error
from ..errors import Issue
from ..models import Domain
from .draft import Draft

__all__ = ["RECORDS_SUFFIXES", "check_records"]

RECORDS_SUFFIXES = (".csv", ".parquet")
# A count is a whole number; a sum may also be money or any decimal.
_COUNT_DOMAINS = frozenset({Domain.COUNT, Domain.NUMBER})
_SUM_DOMAINS = frozenset({Domain.COUNT, Domain.NUMBER, Domain.RUPIAH})


def check_records(draft: Draft) -> list[Issue]:
    """Declared tables name readable files; each ``from:`` is one well-formed aggregate."""
    issues: list[Issue] = []
    for table_id, (table, origin) in draft.merged.sections.get("records", {}).items():
        if table.path is not None and PurePath(table.path).suffix.lower() not in RECORDS_SUFFIXES:
            issues.append(
                error(
                    "records-format",
                    f"records '{table_id}': cannot read '{PurePath(table.path).suffix or table.path}'"
                    " files",
                    origin,
                    "path",
                    hint="give a .csv or .parquet file",
                )
            )
    for variable_id, variable in draft.variables.items():
        source = variable.source
        if source is None:
            continue
        origin = draft.origin("variables", variable_id)
        issues += draft.unknown_reference(
            "records", source.records, origin, "from", "records", what="records table"
        )
        if source.count == (source.sum is not None):
            issues.append(
                error(
                    "records-aggregate",
                    f"variable '{variable_id}' is aggregated from records: give exactly one of "
                    f"'count: true' and 'sum: COLUMN'",
                    origin,
                    "from",
                    prefer_key=True,
                )
            )
        allowed = _COUNT_DOMAINS if source.count else _SUM_DOMAINS
        if variable.domain not in allowed:
            issues.append(
                error(
                    "records-domain",
                    f"variable '{variable_id}' has domain {variable.domain.value}, but a "
                    f"{'count' if source.count else 'sum'} of records is a number",
                    origin,
                    "domain",
                    hint=f"use domain {' or '.join(sorted(d.value for d in allowed))}",
                )
            )
        if variable.breakdown is not None and source.category is None:
            issues.append(
                error(
                    "records-category",
                    f"variable '{variable_id}' is broken down by '{variable.breakdown}': name the "
                    f"column that holds its category",
                    origin,
                    "from",
                    prefer_key=True,
                    hint="add 'category: COLUMN' under 'from:'",
                )
            )
        if variable.breakdown is None and source.category is not None:
            issues.append(
                error(
                    "records-category",
                    f"variable '{variable_id}' has no breakdown, so its records have no "
                    f"category column",
                    origin,
                    "from",
                    "category",
                    hint="add 'breakdown: ID' to the variable, or remove 'category:'",
                )
            )
        grouped = {source.period: "period", source.category: "category"}
        for column, condition in source.where.items():
            if column in grouped:
                issues.append(
                    error(
                        "records-filter",
                        f"'{column}' is the {grouped[column]} column; a filter on it would "
                        f"drop whole {grouped[column]}s",
                        origin,
                        "from",
                        "where",
                        column,
                        prefer_key=True,
                        hint="choose the variable's categories with 'categories:'"
                        if grouped[column] == "category"
                        else "remove this condition: each period is aggregated on its own",
                    )
                )
            if isinstance(condition, tuple) and not condition:
                issues.append(
                    error(
                        "records-filter",
                        f"the condition on '{column}' lists no values, so no row could match",
                        origin,
                        "from",
                        "where",
                        column,
                        hint="list the values a row may have, or remove the condition",
                    )
                )
    return issues
