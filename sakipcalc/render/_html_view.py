"""The HTML report's view model: the report as the rows and cells the template shows.

Every cell is text in the locale (numbers through :mod:`._html_style`), every
band a :class:`~._html_style.Badge`; :func:`context` gathers them, with the
four charts, into what ``templates/report.html.j2`` renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._spec import Spec
from ..check.review import Review
from ..i18n import LABEL_KEYS, Locale, label, reason, trace
from ..results import BudgetResult, EvaluationReport, Figure
from ._chapter import Chapter, build_chapter, member_names
from ._chapter_cells import (
    Block,
    Items,
    caption,
    category_mark,
    figure_with_mark,
    finding_lines,
    headline_line,
    no_data_line,
    note_lines,
    warning_text,
)
from ._chapter_text import narrative_blocks
from ._chart_trend import chart_trend
from ._charts import chart_absorption, chart_categories, chart_target_realisation
from ._format import figure_reason, rupiah_text
from ._html_chapter import agreement_views, comparison_rows, indicator_table
from ._html_style import Badge, badge, html_figure, html_number

__all__ = ["context"]


def _status_note(figures: Iterable[Figure | None], locale: Locale) -> tuple[str, str, str]:
    """(css status, status label, reason) of the first figure that could not be computed."""
    for figure in figures:
        if figure is not None and not figure.ok:
            status = figure.status.value
            note = label(status, locale)
            # "tidak dapat dihitung" stands beside the reason: not again at its start.
            why = _reason(figure, locale).removeprefix(f"{note}: ")
            return status, note, why
    return "ok", "", ""


def _reason(figure: Figure, locale: Locale) -> str:
    """The reason a figure has none, in the locale; "" when the engine gave none."""
    return figure_reason(figure, locale) if figure.reason else ""


def _period_text(period: str, locale: Locale) -> str:
    year, _, quarter = period.partition("-")
    if quarter.startswith("Q") and quarter[1:] in ("1", "2", "3", "4"):
        roman = ("I", "II", "III", "IV")[int(quarter[1:]) - 1]
        return f"{label('quarter', locale)} {roman} {year}"
    return f"{label('year', locale)} {period}"


@dataclass(frozen=True, slots=True)
class _RollupRow:
    id: str
    name: str
    rule: str
    achievement: str
    trace: str
    category: Badge | None
    members: int
    excluded: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class _RollupGroup:
    title: str
    rows: tuple[_RollupRow, ...]


@dataclass(frozen=True, slots=True)
class _BudgetRow:
    depth: int
    id: str
    name: str
    level: str
    ceiling: str
    spent: str
    absorption: str
    absorption_trace: str
    efficiency: str
    efficiency_category: Badge | None
    supports: str
    supports_title: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _BudgetTotal:
    ceiling: str
    spent: str
    absorption: str
    absorption_decimal: Decimal | None


_ROLLUP_KINDS = ("agency", "goal", "objective", "org_unit")


def _rollup_groups(chapter: Chapter, locale: Locale) -> tuple[_RollupGroup, ...]:
    rollups = chapter.rollups
    kinds = list(_ROLLUP_KINDS) + sorted({r.kind for r in rollups} - set(_ROLLUP_KINDS))
    groups = []
    for kind in kinds:
        rows = tuple(
            _RollupRow(
                id=r.id,
                name=r.name,
                rule=label(f"rule_{r.rule}", locale) if f"rule_{r.rule}" in LABEL_KEYS else r.rule,
                achievement=figure_with_mark(
                    r.achievement, chapter.mark("method_rollup", str(r.rule)), locale
                ),
                trace=trace(r.achievement.trace, locale),
                category=badge(r.category),
                members=len(r.members),
                excluded=member_names(chapter, r.excluded),
                reason=_status_note((r.achievement,), locale)[2],
            )
            for r in rollups
            if r.kind == kind
        )
        if rows:
            title = label(f"kind_{kind}", locale) if f"kind_{kind}" in LABEL_KEYS else kind
            groups.append(_RollupGroup(title, rows))
    return tuple(groups)


def _budget_rows(
    lines: Sequence[BudgetResult], numbers: dict[str, str], names: dict[str, str], locale: Locale
) -> tuple[_BudgetRow, ...]:
    rows: list[_BudgetRow] = []

    def walk(items: Sequence[BudgetResult], depth: int) -> None:
        for line in items:
            notes = []
            if line.declared_ceiling is not None and line.declared_ceiling != line.ceiling:
                notes.append(
                    f"{label('ceiling', locale)} {label('declared', locale)} "
                    f"{rupiah_text(line.declared_ceiling, locale)}"
                )
            if line.declared_spent is not None and line.declared_spent != line.spent:
                notes.append(
                    f"{label('spent', locale)} {label('declared', locale)} "
                    f"{rupiah_text(line.declared_spent, locale)}"
                )
            if not line.absorption.ok:
                notes.append(figure_reason(line.absorption, locale))
            level_key = f"level_{line.level}"
            rows.append(
                _BudgetRow(
                    depth=depth,
                    id=line.id,
                    name=line.name,
                    level=label(level_key, locale) if level_key in LABEL_KEYS else line.level,
                    ceiling=rupiah_text(line.ceiling, locale),
                    spent=rupiah_text(line.spent, locale),
                    absorption=html_figure(line.absorption, locale),
                    absorption_trace=trace(line.absorption.trace, locale),
                    efficiency=html_figure(line.efficiency, locale) if line.efficiency else "",
                    efficiency_category=badge(line.efficiency_category),
                    supports=", ".join(numbers[i] for i in line.indicators if i in numbers),
                    supports_title="; ".join(names.get(i, i) for i in line.indicators),
                    notes=tuple(notes),
                )
            )
            walk(line.children, depth + 1)

    walk(lines, 0)
    return tuple(rows)


def _budget_total(report: EvaluationReport, locale: Locale) -> _BudgetTotal | None:
    """The year's whole budget, as the engine totalled it under the declared rounding."""
    if not report.budget_totals:
        return None
    total = report.budget_totals[0]
    absorption = total.absorption.rounded if total.absorption.ok else None
    return _BudgetTotal(
        ceiling=rupiah_text(total.ceiling, locale),
        spent=rupiah_text(total.spent, locale),
        absorption=html_number(absorption, locale) if absorption is not None else "–",
        absorption_decimal=absorption,
    )


def context(
    report: EvaluationReport,
    locale: Locale,
    spec: Spec | None = None,
    review: Review | None = None,
) -> dict[str, Any]:
    chapter = build_chapter(report, spec, review)
    numbers = chapter.row_labels
    names = {r.indicator: r.name for r in report.indicators}
    total = _budget_total(report, locale)
    iku = [row for goal in chapter.iku for row in goal.rows]
    tables = []
    if chapter.iku:
        tables.append(indicator_table(chapter, "iku", chapter.iku, locale))
    if chapter.indicators:
        tables.append(indicator_table(chapter, "indicators", chapter.indicators, locale))
    review_rows = (
        tuple(finding_lines(f, locale) for f in review.findings) if review is not None else ()
    )
    return {
        "lang": locale,
        "t": {key: label(key, locale) for key in LABEL_KEYS},
        "report": report,
        "period_text": _period_text(report.period, locale),
        "headline": tuple(headline_line(chapter, row, locale) for row in iku),
        "with_data": len(chapter.rows),
        "no_data_count": label("ch_no_data_count", locale).format(
            count=len(chapter.no_data), period=report.period
        ),
        "no_data": tuple(no_data_line(row, locale) for row in chapter.no_data),
        "no_data_caption": caption(chapter, "no_data", locale),
        "tables": tuple(tables),
        "category_mark": category_mark(chapter),
        "comparison_caption": caption(chapter, "comparison", locale),
        "comparisons": comparison_rows(chapter, locale),
        "change_mark": chapter.mark("method_change"),
        "end_year": chapter.end_year,
        "narratives": tuple(
            line for block in narrative_blocks(chapter, locale) for line in block_lines(block)
        ),
        "rollups_caption": caption(chapter, "rollups", locale),
        "rollup_groups": _rollup_groups(chapter, locale),
        "agreements": agreement_views(chapter, locale),
        "budget_caption": caption(chapter, "budget", locale),
        "budget_rows": _budget_rows(report.budget, numbers, names, locale),
        "budget_total": total,
        "absorption_mark": chapter.mark("method_absorption"),
        "total_mark": chapter.mark("method_total"),
        "efficiency_mark": next(
            (n.mark for n in chapter.notes if n.key == "method_efficiency"), ""
        ),
        "has_efficiency": any(_has_efficiency(line) for line in report.budget),
        "review": review,
        "review_caption": caption(chapter, "review", locale),
        "review_summary": (
            label("ch_review_summary", locale).format(
                checked=review.checked,
                consistent=review.consistent,
                findings=len(review.findings),
                discrepant=review.discrepant,
            )
            if review is not None
            else ""
        ),
        "review_rows": review_rows,
        "notes": note_lines(chapter, locale),
        "charts": {
            "target": chart_target_realisation(chapter, locale),
            "categories": chart_categories(chapter, locale),
            "trend": chart_trend(chapter, locale),
            "absorption": chart_absorption(report, locale),
        },
        "warnings": tuple(
            warning_text(chapter, w.code, reason(w.message, locale), locale)
            for w in report.warnings
        ),
    }


def block_lines(block: Block) -> tuple[str, ...]:
    return block.lines if isinstance(block, Items) else ()


def _has_efficiency(line: BudgetResult) -> bool:
    return line.efficiency is not None or any(_has_efficiency(c) for c in line.children)
