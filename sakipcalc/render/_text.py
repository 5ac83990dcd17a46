"""Renderers for evaluation reports: plain-text table, Markdown and JSON.

JSON keeps every Decimal as a string so that no consumer turns it into a
binary float by accident.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..results import EvaluationReport, Figure, IndicatorResult

__all__ = ["render_json", "render_markdown", "render_table", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Results as plain JSON data: Decimals become strings, enums their values."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "as_dict"):
            return to_jsonable(value.as_dict())
        return out
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def render_json(report: EvaluationReport) -> str:
    return json.dumps(to_jsonable(report), ensure_ascii=False, indent=2) + "\n"


def _cell(figure: Figure | None) -> str:
    if figure is None:
        return ""
    if figure.ok:
        return figure.display()
    return "n/a"


def _note(result: IndicatorResult) -> str:
    for figure in (result.realisation, result.achievement):
        if not figure.ok:
            return figure.reason or figure.status.value
    return ""


_HEADERS = ("Indicator", "Unit", "Target", "Realisation", "Achievement %", "Category", "Note")


def _rows(report: EvaluationReport) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for result in report.indicators:
        rows.append(
            (
                result.indicator,
                result.unit,
                result.target or "—",
                _cell(result.realisation),
                _cell(result.achievement),
                result.category.name or result.category.label if result.category else "",
                _note(result),
            )
        )
    return rows


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    numeric = {2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in numeric else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def render_table(report: EvaluationReport) -> str:
    """A plain, aligned text table of every indicator, then roll-ups and budget."""
    title = f"{report.spec_name} — period {report.period}"
    parts = [title, "=" * len(title), "", _table(_HEADERS, _rows(report))]
    if report.rollups:
        parts += ["", "Roll-ups", ""]
        parts.append(
            _table(
                ("Kind", "Id", "Rule", "Achievement %", "Category", "Excluded"),
                [
                    (
                        r.kind,
                        r.id,
                        r.rule,
                        _cell(r.achievement),
                        r.category.name or r.category.label if r.category else "",
                        ", ".join(r.excluded),
                    )
                    for r in report.rollups
                ],
            )
        )
    if report.budget:
        parts += ["", "Budget", ""]
        rows = []

        def walk(lines: Sequence[Any], depth: int) -> None:
            for b in lines:
                rows.append(
                    (
                        "  " * depth + b.id,
                        b.level,
                        format(b.ceiling, "f"),
                        format(b.spent, "f"),
                        _cell(b.absorption),
                    )
                )
                walk(b.children, depth + 1)

        walk(report.budget, 0)
        parts.append(_table(("Line", "Level", "Ceiling", "Spent", "Absorption %"), rows))
    if report.warnings:
        # The full list is one command away; a table readers scan should not drown in it.
        codes: dict[str, int] = {}
        for warning in report.warnings:
            codes[warning.code] = codes.get(warning.code, 0) + 1
        summary = ", ".join(f"{count} {code}" for code, count in sorted(codes.items()))
        parts += ["", f"Warnings: {summary} (`sakipcalc validate` lists spec warnings in full)"]
    return "\n".join(parts) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(report: EvaluationReport) -> str:
    lines = [f"# {report.spec_name} — {report.period}", ""]
    lines.append("| " + " | ".join(_HEADERS) + " |")
    lines.append(
        "|" + "|".join("---:" if i in (2, 3, 4) else "---" for i in range(len(_HEADERS))) + "|"
    )
    for row in _rows(report):
        lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
    return "\n".join(lines) + "\n"
