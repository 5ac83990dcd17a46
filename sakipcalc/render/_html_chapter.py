"""The HTML report's chapter tables: the chapter III layout as rows and cells.

Built from :mod:`._chapter` (the grouping) with the texts of
:mod:`._chapter_text`, so that the page says what the terminal, Markdown
and XLSX say; this module adds what only a page has: badges, traces as
tooltips, the sasaran cell spanning its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import Locale, label, trace
from ..results import Figure
from ._chapter import AgreementTable, Chapter, ChapterRow, GoalBlock, OtherTarget
from ._chapter_cells import (
    caption,
    change_text,
    figure_with_mark,
    other_target_text,
    pk_total,
    review_note,
    why_text,
)
from ._html_style import Badge, badge, declared_text

__all__ = [
    "AgreementView",
    "Alt",
    "ComparisonRow",
    "IndicatorRow",
    "Table",
    "agreement_views",
    "comparison_rows",
    "indicator_table",
]


@dataclass(frozen=True, slots=True)
class Alt:
    """A second figure beside the first: short in the figure's cell, in full in Keterangan."""

    label: str  # "PK 30"
    achievement: str
    why: str  # the whole sentence: whose target, its capaian, and why


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    number: int
    id: str
    name: str
    tags: tuple[str, ...]
    owner: str
    unit: str
    target: str
    standard: str
    realisation: str
    realisation_trace: str
    achievement: str
    achievement_trace: str
    alternatives: tuple[Alt, ...]
    category: Badge | None
    status: str
    notes: tuple[str, ...]
    findings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Objective:
    name: str
    rows: tuple[IndicatorRow, ...]


@dataclass(frozen=True, slots=True)
class Goal:
    name: str  # "" when no tujuan is known
    objectives: tuple[Objective, ...]


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    caption: str
    goals: tuple[Goal, ...]


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    number: int
    name: str
    unit: str
    realisation: str
    changes: tuple[str, ...]
    end_target: str
    progress: str
    standard: str


@dataclass(frozen=True, slots=True)
class AgreementView:
    id: str
    caption: str
    official: str
    unit: str
    level: str
    year: int
    rows: tuple[IndicatorRow, ...]
    objectives: tuple[Objective, ...]
    total: str
    rollup_trace: str


def _status(figures: Sequence[Figure]) -> str:
    for figure in figures:
        if not figure.ok:
            return figure.status.value
    return "ok"


def _alt(chapter: Chapter, other: OtherTarget, locale: Locale) -> Alt:
    key = "ch_target_pk" if other.basis == "pk" else "ch_target_renstra"
    return Alt(
        f"{label(key, locale)} {declared_text(other.target, locale)}",
        figure_with_mark(other.achievement, chapter.mark("method_achievement"), locale),
        other_target_text(chapter, other, locale),
    )


def _row(chapter: Chapter, row: ChapterRow, locale: Locale) -> IndicatorRow:
    r = row.result
    standard = row.comparison.national_standard
    notes = []
    why = why_text(chapter, r.indicator, (r.realisation, r.achievement), locale)
    if why:
        notes.append(why)
    if standard is not None:
        # In Keterangan, as in every other format: under the target, in its narrow
        # column, the source's words broke mid-word on A4 ("Permenso|s").
        notes.append(
            f"{label('ch_national_standard', locale)} {declared_text(standard.value, locale)}"
            f" ({standard.source})"
        )
    return IndicatorRow(
        number=row.number,
        id=r.indicator,
        name=r.name,
        tags=r.tags,
        owner=row.owner,
        unit=r.unit,
        target=declared_text(r.target, locale),
        standard="",
        realisation=figure_with_mark(r.realisation, row.realisation_mark, locale),
        realisation_trace=trace(r.realisation.trace, locale),
        achievement=figure_with_mark(r.achievement, row.achievement_mark, locale),
        achievement_trace=trace(r.achievement.trace, locale),
        alternatives=tuple(_alt(chapter, o, locale) for o in row.other_targets),
        category=badge(r.category),
        status=_status((r.realisation, r.achievement)),
        notes=tuple(notes),
        findings=tuple(review_note(f, r.indicator, locale) for f in row.findings),
    )


def indicator_table(
    chapter: Chapter, key: str, goals: Sequence[GoalBlock], locale: Locale
) -> Table:
    views = []
    for goal in goals:
        objectives = []
        for block in goal.objectives:
            if block.id is not None:
                name = block.name
            elif block.rows and block.rows[0].goal_level:
                name = f"({label('ch_goal_own', locale)})"
            else:
                name = label("ch_no_objective", locale)
            objectives.append(
                Objective(name, tuple(_row(chapter, row, locale) for row in block.rows))
            )
        title = f"{label('ch_tujuan', locale)}: {goal.name}" if goal.id is not None else ""
        views.append(Goal(title, tuple(objectives)))
    return Table(key, caption(chapter, key, locale), tuple(views))


def comparison_rows(chapter: Chapter, locale: Locale) -> tuple[ComparisonRow, ...]:
    rows = []
    for number, row in enumerate(chapter.comparisons, start=1):
        c = row.comparison
        standard = c.national_standard
        rows.append(
            ComparisonRow(
                number=number,
                name=row.result.name,
                unit=row.result.unit,
                realisation=figure_with_mark(row.result.realisation, row.realisation_mark, locale),
                changes=tuple(change_text(ch, row.result.unit, locale) for ch in c.changes),
                end_target=declared_text(c.end_target, locale),
                progress=(
                    figure_with_mark(c.progress, chapter.mark("method_progress"), locale)
                    if c.end_target is not None
                    else "–"
                ),
                standard=(
                    f"{declared_text(standard.value, locale)} ({standard.source})"
                    if standard is not None
                    else "–"
                ),
            )
        )
    return tuple(rows)


def _agreement_rows(
    chapter: Chapter, table: AgreementTable, locale: Locale
) -> tuple[Objective, ...]:
    objectives: list[Objective] = []
    current: list[IndicatorRow] = []
    name = None
    for row in table.rows:
        item = row.item
        if row.objective != name and current:
            objectives.append(Objective(name or "", tuple(current)))
            current = []
        name = row.objective
        why = why_text(chapter, item.indicator, (item.realisation, item.achievement), locale)
        current.append(
            IndicatorRow(
                number=row.number,
                id=item.indicator,
                name=item.name,
                tags=(),
                owner="",
                unit=item.unit,
                target=declared_text(item.target, locale),
                standard="",
                realisation=figure_with_mark(item.realisation, "", locale),
                realisation_trace=trace(item.realisation.trace, locale),
                achievement=figure_with_mark(
                    item.achievement, chapter.mark("method_achievement"), locale
                ),
                achievement_trace=trace(item.achievement.trace, locale),
                alternatives=tuple(_alt(chapter, o, locale) for o in row.other_targets),
                category=badge(item.category),
                status=_status((item.realisation, item.achievement)),
                notes=(why,) if why else (),
                findings=tuple(review_note(f, item.indicator, locale) for f in row.findings),
            )
        )
    if current:
        objectives.append(Objective(name or "", tuple(current)))
    return tuple(objectives)


def agreement_views(chapter: Chapter, locale: Locale) -> tuple[AgreementView, ...]:
    views = []
    for table in chapter.agreements:
        agreement = table.result
        objectives = _agreement_rows(chapter, table, locale)
        views.append(
            AgreementView(
                id=agreement.id,
                caption=caption(chapter, "agreements", locale, table),
                official=agreement.official or "",
                unit=agreement.org_unit_name,
                level=agreement.level,
                year=agreement.year,
                rows=tuple(r for o in objectives for r in o.rows),
                objectives=objectives,
                total=pk_total(chapter, table, locale),
                rollup_trace=trace(agreement.rollup.trace, locale),
            )
        )
    return tuple(views)
