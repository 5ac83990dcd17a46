"""The review's findings in the ``check`` output: grouped by cause, named by row label."""

from __future__ import annotations

from typing import Any

from ..i18n import Locale, label, term
from .review import Cause, Finding, Review, cause_text
from .tally import CheckResult, Discrepancy, DiscrepancyKind, Measure
from .wording import one_line, value_text

__all__ = ["findings_json", "findings_lines"]


def findings_lines(review: Review, locale: Locale) -> list[str]:
    """The summary of distinct findings, then each finding under its cause."""
    if not review.findings:
        return []
    # English counts agree in number: "1 distinct finding", not "1 distinct findings".
    key = "check_findings"
    if len(review.findings) == 1:
        key = "check_finding_one_cell" if review.discrepant == 1 else "check_finding_one"
    lines = [label(key, locale).format(findings=len(review.findings), cells=review.discrepant)]
    for cause in Cause:
        findings = [f for f in review.findings if f.cause is cause]
        if not findings:
            continue
        heading = cause_text(cause, locale)
        lines += ["", f"{heading[0].upper()}{heading[1:]} ({len(findings)})"]
        for finding in findings:
            lines += _finding_lines(finding, locale)
    return lines


def _finding_lines(finding: Finding, locale: Locale) -> list[str]:
    periods = f" — {', '.join(finding.periods)}" if finding.periods else ""
    lines = [f"  {finding.number}. {one_line(finding.row_label)}{periods}"]
    if finding.basis and len(finding.row_labels) <= 1:
        lines.append(f"     {_basis(finding, locale)}")
    several = len(finding.row_labels) > 1
    labels = dict(zip(finding.subjects, finding.row_labels, strict=True))
    # One line per distinct printed/recomputed pair, its sources under it.
    cells: dict[tuple[str, Measure, str, str], list[str]] = {}
    for d in finding.discrepancies:
        cells.setdefault((d.subject, d.what, d.reported, d.recomputed), []).append(d.source)
    kinds = {(d.subject, d.what, d.reported, d.recomputed): d for d in finding.discrepancies}
    # Cells printed in the same places (a row's realisation and achievement) name them once.
    shared = len({tuple(dict.fromkeys(s)) for s in cells.values()}) == 1
    for key, sources in cells.items():
        d = kinds[key]
        row = f"{one_line(labels.get(d.subject, d.subject))} — " if several else ""
        lines.append(f"     {row}{_cell(d, locale)}")
        if not shared:
            lines += [f"       {one_line(source)}" for source in dict.fromkeys(sources)]
    if shared:
        lines += [f"       {one_line(source)}" for source in finding.sources]
    return lines


def _basis(finding: Finding, locale: Locale) -> str:
    key = f"review_basis_{finding.cause.value}"
    return f"{label(key, locale)}: {value_text(finding.basis, locale)}"


def _cell(d: Discrepancy, locale: Locale) -> str:
    compared = "check_against" if d.kind is DiscrepancyKind.TARGET else "check_recomputed"
    return (
        f"{term('measure_', d.what, locale)}: "
        f"{label('check_reported', locale)} {value_text(d.reported, locale)}, "
        f"{label(compared, locale)} {value_text(d.recomputed, locale)}"
    )


def findings_json(result: CheckResult, review: Review) -> dict[str, Any]:
    """The findings for ``check --format json``; ``cells`` index ``discrepancies``."""
    cells = _cell_positions(result, review)
    return {
        "distinct_findings": len(review.findings),
        "findings": [
            {
                "number": f.number,
                "cause": f.cause.value,
                "row_label": f.row_label,
                "row_labels": list(f.row_labels),
                "printed": f.printed,
                "recomputed": f.recomputed,
                "basis": f.basis,
                "sources": list(f.sources),
                "indicators": list(f.indicators),
                "periods": list(f.periods),
                "cells": [cells[id(d)] for d in f.discrepancies if id(d) in cells],
            }
            for f in review.findings
        ],
    }


def _cell_positions(result: CheckResult, review: Review) -> dict[int, int]:
    """Each finding cell's index in ``result.discrepancies``, by ``id`` of the cell.

    The review may group another check of the same spec (``review(spec)`` beside
    ``check(spec)``): its cells are then equal to the result's, not the same
    objects, and are matched by value, each result cell taken once.
    """
    mine = {id(d): i for i, d in enumerate(result.discrepancies)}
    cells = [d for f in review.findings for d in f.discrepancies]
    if all(id(d) in mine for d in cells):
        return mine
    free: dict[Discrepancy, list[int]] = {}
    for i, d in enumerate(result.discrepancies):
        free.setdefault(d, []).append(i)
    return {id(d): free[d].pop(0) for d in cells if free.get(d)}
