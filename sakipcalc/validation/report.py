"""The report layout: ``spec.report.tables`` names only tables sakipcalc draws.

The keys are sakipcalc's own tables of chapter III (its "Tabel A" …
"Tabel H"), or the id of an agreement, whose PK table it numbers alone:

- ``iku``: the agency's key indicators (Tabel A);
- ``indicators``: the other sasaran indicators (Tabel B);
- ``comparison``: earlier years, end-of-plan target, national standard (Tabel C);
- ``rollups``: the roll-ups sakipcalc computes (Tabel D);
- ``agreements``: the PK tables (Tabel E.n; a caption ``Tabel 3.3`` numbers them 3.3.1 …);
- ``budget``: the budget (Tabel F); ``review``: the review findings (Tabel G);
- ``no_data``: the list of indicators without data (H).
"""

from __future__ import annotations

from .._hints import suggest
from .._spec import error
from ..errors import Issue
from .draft import Draft

__all__ = ["REPORT_TABLE_KEYS", "check_report_layout"]

REPORT_TABLE_KEYS: tuple[str, ...] = (
    "iku",
    "indicators",
    "comparison",
    "rollups",
    "agreements",
    "budget",
    "review",
    "no_data",
)


def check_report_layout(draft: Draft) -> list[Issue]:
    """Each key of ``spec.report.tables`` is a table key or an agreement's id."""
    layout = draft.info.report
    if layout is None:
        return []
    known = (*REPORT_TABLE_KEYS, *draft.agreements)
    issues = []
    for key in layout.tables:
        if key in known:
            continue
        hint = suggest(key, known) or "use one of: " + ", ".join(REPORT_TABLE_KEYS) + (
            ", or an agreement id"
        )
        issues.append(
            error(
                "unknown-report-table",
                f"'{key}' is not a table of the report",
                draft.info_origin,
                "report",
                "tables",
                key,
                hint=hint,
                prefer_key=True,
            )
        )
    return issues
