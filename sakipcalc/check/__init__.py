"""Reconciliation (reviu): recompute every reported figure and list what disagrees.

Nothing here knows any particular report. Every discrepancy comes from
comparing a figure *as printed* (a ``reported:`` entry, a declared budget
total, a target in one table) with what the spec's own definitions and data
give under its declared rounding.

A printed figure that disagrees under the declared rounding but agrees
under another rounding mode is reported as *ambiguous* (for example, a
figure that looks truncated where the report declares half-up), never
silently accepted.

    tally.py    Discrepancy, CheckResult and the comparisons that count them
    figures.py  printed realisations, achievements and expression values
    amounts.py  printed budget amounts and declared totals
    targets.py  targets compared between the plan and the report's tables
    review.py   the discrepancies grouped into distinct findings, for the report
    causes.py   the likely cause of a discrepancy, read from the numbers
    report.py   the findings in check's table and JSON output
    wording.py  values, subjects and notes in a locale
"""

from __future__ import annotations

import dataclasses
import decimal
import json
from typing import TYPE_CHECKING

from .._data import check_dataset
from .._spec import Spec
from ..engine import Evaluator
from ..i18n import Locale, label, term
from ..models import Reported
from ..rounding import DECIMAL_CONTEXT
from .amounts import (
    declared_totals,
    reported_budget,
    reported_budget_lines,
    reported_budget_year,
)
from .figures import reported_expr, reported_indicator
from .tally import CheckResult, Discrepancy, DiscrepancyKind, Measure, Tally
from .targets import targets_across_tables
from .wording import note_text, one_line, subject_text, value_text

if TYPE_CHECKING:  # review.py imports this package
    from .review import Review

__all__ = [
    "CheckResult",
    "Discrepancy",
    "DiscrepancyKind",
    "Measure",
    "check",
    "render_check_json",
    "render_check_table",
]


def check(spec: Spec) -> CheckResult:
    """Recompute every reported figure, total and cross-table target of ``spec``."""
    check_dataset(spec, spec.data)  # data put into a copy of the spec by hand is checked
    with decimal.localcontext(DECIMAL_CONTEXT):
        evaluator = Evaluator(spec, spec.data)
        tally = Tally()
        for item in spec.reported:
            _reported(spec, evaluator, tally, item)
        declared_totals(spec, tally)
        targets_across_tables(spec, tally)
    return tally.result()


def _reported(spec: Spec, evaluator: Evaluator, tally: Tally, item: Reported) -> None:
    if item.indicator is not None:
        reported_indicator(spec, evaluator, tally, item)
    elif item.expr is not None:
        reported_expr(spec, evaluator, tally, item)
    elif item.budget_line is not None:
        reported_budget(spec, tally, item)
    elif item.budget_lines is not None:
        reported_budget_lines(spec, tally, item)
    elif item.budget_year is not None:
        reported_budget_year(spec, tally, item)


def render_check_table(
    result: CheckResult, *, locale: Locale = "en", review: Review | None = None
) -> str:
    """The distinct findings of ``review`` by cause, then one block per discrepancy.

    With a ``review`` (of the same check), the summary says how many distinct
    findings the discrepant cells are, and each finding is listed under its
    likely cause with the printed row label. The blocks that follow keep long
    expressions and sources readable.

    In ``id`` every word is Indonesian and numbers take the decimal comma and
    grouped thousands (``4.712.818.176``); subjects (indicator ids,
    formulas) and sources stay as the spec wrote them.
    """

    keys = ("check_source", "check_reported", "check_recomputed", "check_against", "check_note")
    width = max(len(label(key, locale)) for key in keys) + 2  # the colon and a space

    def field(key: str) -> str:
        return f"{label(key, locale) + ':':<{width}}"

    lines = [
        label("check_summary", locale).format(
            checked=result.checked,
            consistent=result.consistent,
            discrepancies=len(result.discrepancies),
        )
    ]
    if review is not None and review.findings:
        from .report import findings_lines  # it imports review, which imports this package

        lines += findings_lines(review, locale)
        lines += ["", f"{label('check_cells', locale)}:"]
    for d in result.discrepancies:
        period = f" {d.period}" if d.period else ""
        # term(): a kind or measure added later reads as its code until it has a label.
        kind = term("check_", d.kind, locale)
        what = term("measure_", d.what, locale)
        # A target is compared with another table's, not recomputed.
        compared = "check_against" if d.kind is DiscrepancyKind.TARGET else "check_recomputed"
        lines += [
            "",
            f"{kind}: {one_line(subject_text(d.subject, locale))} — {what}{period}",
            f"  {field('check_source')}{one_line(d.source)}",
            f"  {field('check_reported')}{value_text(d.reported, locale)}",
            f"  {field(compared)}{value_text(d.recomputed, locale)}",
        ]
        if d.note:
            lines.append(f"  {field('check_note')}{note_text(d.note, locale)}")
    return "\n".join(lines) + "\n"


def render_check_json(result: CheckResult, review: Review | None = None) -> str:
    """The check as JSON; a ``review`` adds ``distinct_findings`` and ``findings``."""
    # Every field is text, a number or a StrEnum, which JSON writes as its value.
    payload = dataclasses.asdict(result)
    if review is not None:
        from .report import findings_json

        payload |= findings_json(result, review)
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
