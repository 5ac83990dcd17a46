"""The chapter III layout as text blocks in a locale: what the terminal, Markdown and XLSX show.

:func:`chapter_blocks` turns a :class:`~._chapter.Chapter` into headings,
paragraphs, lists and grids of text cells (:mod:`._chapter_cells`); each
text renderer draws them in its own syntax.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import Locale, label
from ._chapter import (
    AgreementTable,
    Chapter,
    ChapterRow,
    GoalBlock,
    member_names,
)
from ._chapter_cells import (
    Block,
    Grid,
    Heading,
    Items,
    Para,
    caption,
    category_mark,
    change_text,
    declared,
    figure_with_mark,
    finding_lines,
    grouping,
    headline_line,
    indicator_headers,
    narrative_lines,
    no_data_line,
    note_lines,
    other_target_text,
    period_text,
    pk_total,
    review_note,
    row_notes,
    row_tones,
    tone,
    why_text,
)
from ._format import (
    category_text,
    figure_text,
    number_text,
    term_text,
    walk_budget,
)

__all__ = ["chapter_blocks", "narrative_blocks", "review_blocks"]


def _indicator_grid(chapter: Chapter, key: str, goals: Sequence[GoalBlock], locale: Locale) -> Grid:
    rows: list[tuple[str, ...] | str] = []
    tones: dict[int, tuple[tuple[int, str], ...]] = {}
    for goal in goals:
        if goal.id is not None:
            rows.append(f"{label('ch_tujuan', locale)}: {goal.name}")
        elif len(goals) > 1:
            rows.append(label("ch_no_goal", locale))
        for block in goal.objectives:
            for index, row in enumerate(block.rows):
                if index:
                    objective = ""
                elif block.id is not None:
                    objective = block.name
                elif row.goal_level:
                    objective = f"({label('ch_goal_own', locale)})"
                else:
                    objective = label("ch_no_objective", locale)
                tones[len(rows)] = tone(6, row.result.category, row.result.achievement)
                rows.append(_indicator_cells(chapter, row, objective, locale))
    return Grid(
        key,
        caption(chapter, key, locale),
        indicator_headers(chapter, locale),
        tuple(rows),
        frozenset({4, 5, 6}),
        row_tones(rows, tones),
    )


def _indicator_cells(
    chapter: Chapter, row: ChapterRow, objective: str, locale: Locale
) -> tuple[str, ...]:
    r = row.result
    category = category_text(r.category)
    notes = row_notes(chapter, r, row.other_targets, row.findings, locale)
    standard = row.comparison.national_standard
    if standard is not None:
        notes.insert(
            0,
            f"{label('ch_national_standard', locale)} {declared(standard.value, locale)}"
            f" ({standard.source})",
        )
    return (
        str(row.number),
        objective,
        r.name,
        r.unit,
        declared(r.target, locale),
        figure_with_mark(r.realisation, row.realisation_mark, locale),
        figure_with_mark(r.achievement, row.achievement_mark, locale),
        category,
        "; ".join(notes),
    )


def _comparison_grid(chapter: Chapter, locale: Locale) -> Grid:
    end = label("end_target", locale)
    if chapter.end_year is not None:
        end += f" ({chapter.end_year})"
    headers = (
        label("no", locale),
        label("indicator", locale),
        label("unit", locale),
        f"{label('ch_realisation_now', locale)} {chapter.report.period}",
        f"{label('previous', locale)} ({label('ch_change', locale).lower()}"
        f"{chapter.mark('method_change')})",
        end,
        f"{label('ch_progress', locale)} (%)",
        label("ch_national_standard", locale),
    )
    rows: list[tuple[str, ...] | str] = []
    for number, row in enumerate(chapter.comparisons, start=1):
        c = row.comparison
        standard = c.national_standard
        rows.append(
            (
                str(number),
                row.result.name,
                row.result.unit,
                figure_with_mark(row.result.realisation, row.realisation_mark, locale),
                "; ".join(change_text(ch, row.result.unit, locale) for ch in c.changes) or "–",
                declared(c.end_target, locale) if c.end_target is not None else "–",
                figure_with_mark(c.progress, chapter.mark("method_progress"), locale)
                if c.end_target is not None
                else "–",
                f"{declared(standard.value, locale)} ({standard.source})" if standard else "–",
            )
        )
    return Grid(
        "comparison",
        caption(chapter, "comparison", locale),
        headers,
        tuple(rows),
        frozenset({3, 6}),
    )


def _rollup_grid(chapter: Chapter, locale: Locale) -> Grid:
    headers = tuple(
        label(k, locale) + (category_mark(chapter) if k == "category" else "")
        for k in ("kind", "description", "rule", "achievement", "category", "excluded")
    )
    rows: list[tuple[str, ...] | str] = []
    tones: dict[int, tuple[tuple[int, str], ...]] = {}
    for r in chapter.rollups:
        tones[len(rows)] = tone(3, r.category, r.achievement)
        category = category_text(r.category)
        rows.append(
            (
                term_text("kind_", r.kind, locale),
                r.name,
                term_text("rule_", r.rule, locale),
                figure_with_mark(r.achievement, chapter.mark("method_rollup", str(r.rule)), locale),
                category,
                ", ".join(member_names(chapter, r.excluded)),
            )
        )
    return Grid(
        "rollups",
        caption(chapter, "rollups", locale),
        headers,
        tuple(rows),
        frozenset({3}),
        row_tones(rows, tones),
    )


def _agreement_grid(chapter: Chapter, table: AgreementTable, locale: Locale) -> Grid:
    headers = indicator_headers(chapter, locale)
    rows: list[tuple[str, ...] | str] = []
    tones: dict[int, tuple[tuple[int, str], ...]] = {}
    last = None
    for row in table.rows:
        item = row.item
        tones[len(rows)] = tone(6, item.category, item.achievement)
        objective = row.objective if row.objective != last else ""
        last = row.objective
        category = category_text(item.category)
        notes = [why_text(chapter, item.indicator, (item.realisation, item.achievement), locale)]
        notes += [other_target_text(chapter, o, locale) for o in row.other_targets]
        notes += [review_note(f, item.indicator, locale) for f in row.findings]
        rows.append(
            (
                str(row.number),
                objective,
                item.name,
                item.unit,
                declared(item.target, locale),
                figure_text(item.realisation, locale, grouping=grouping(locale)),
                figure_with_mark(item.achievement, chapter.mark("method_achievement"), locale),
                category,
                "; ".join(n for n in notes if n),
            )
        )
    rows.append(pk_total(chapter, table, locale))
    return Grid(
        table.key,
        caption(chapter, "agreements", locale, table),
        headers,
        tuple(rows),
        frozenset({4, 5, 6}),
        row_tones(rows, tones),
    )


def _efficiency_mark(chapter: Chapter) -> str:
    return next((n.mark for n in chapter.notes if n.key == "method_efficiency"), "")


def _budget_grid(chapter: Chapter, locale: Locale) -> Grid:
    report = chapter.report
    efficiency = any(line.efficiency is not None for line, _, _ in walk_budget(report.budget))
    keys: tuple[str, ...] = ("budget_line", "level", "ceiling", "spent", "absorption")
    if efficiency:
        keys += ("efficiency", "category")
    headers = [label(k, locale) for k in keys]
    headers[4] += chapter.mark("method_absorption")
    if efficiency:
        headers[5] += _efficiency_mark(chapter)
    rows: list[tuple[str, ...] | str] = []
    for line, _, depth in walk_budget(report.budget):
        row = [
            "  " * depth + line.name,
            term_text("level_", line.level, locale),
            number_text(line.ceiling, locale, grouping=grouping(locale)),
            number_text(line.spent, locale, grouping=grouping(locale)),
            figure_text(line.absorption, locale, grouping=grouping(locale)),
        ]
        if efficiency:
            row += [
                # The minus sign, as in the other signed columns (and no "'-" in XLSX).
                figure_text(line.efficiency, locale, grouping=grouping(locale)).replace("-", "−"),
                category_text(line.efficiency_category),
            ]
        rows.append(tuple(row))
    for total in report.budget_totals[:1]:
        row = [
            label("total", locale) + chapter.mark("method_total"),
            "",
            number_text(total.ceiling, locale, grouping=grouping(locale)),
            number_text(total.spent, locale, grouping=grouping(locale)),
            figure_text(total.absorption, locale, grouping=grouping(locale)),
        ]
        rows.append(tuple(row + [""] * (len(keys) - len(row))))
    return Grid(
        "budget",
        caption(chapter, "budget", locale),
        tuple(headers),
        tuple(rows),
        frozenset({2, 3, 4}),
    )


def chapter_blocks(chapter: Chapter, locale: Locale) -> list[Block]:
    """The whole chapter, in order, as text blocks."""
    report = chapter.report
    blocks: list[Block] = [
        Heading(1, f"{label('chapter_iii', locale)} — {report.spec_name}"),
        Para(" · ".join(filter(None, (report.agency, period_text(report.period, locale))))),
        Heading(2, label("ch_headline", locale)),
    ]
    iku = [row for goal in chapter.iku for row in goal.rows]
    if iku:
        blocks.append(Items(tuple(headline_line(chapter, row, locale) for row in iku)))
    else:
        blocks.append(Para(label("ch_headline_none", locale)))
    with_data = len(report.indicators) - len(chapter.no_data) - _pk_only_count(chapter)
    blocks.append(
        Para(
            f"{label('ch_with_data', locale)}: {with_data} · "
            + label("ch_no_data_count", locale)
            .format(count=len(chapter.no_data), period=report.period)
            .rstrip(":")
        )
    )
    blocks.append(Heading(2, label("section_measurement", locale)))
    if chapter.iku:
        blocks.append(_indicator_grid(chapter, "iku", chapter.iku, locale))
    if chapter.indicators:
        blocks.append(_indicator_grid(chapter, "indicators", chapter.indicators, locale))
    blocks.append(Heading(2, label("section_analysis", locale)))
    if chapter.comparisons:
        blocks.append(_comparison_grid(chapter, locale))
    narratives = narrative_blocks(chapter, locale)
    if narratives:
        blocks += [Heading(3, label("ch_narrative", locale)), *narratives]
    if chapter.rollups:
        blocks.append(_rollup_grid(chapter, locale))
    if chapter.agreements:
        blocks.append(Heading(2, label("section_agreements", locale)))
        blocks.append(Para(label("ch_pk_only", locale)))
        blocks += [_agreement_grid(chapter, table, locale) for table in chapter.agreements]
    if report.budget:
        blocks += [Heading(2, label("section_budget", locale)), _budget_grid(chapter, locale)]
    # Tabel G (the review) before Tabel H (no data): the letters read in order,
    # and the no-data list stays the chapter's last table.
    if chapter.review is not None:
        blocks += review_blocks(chapter, locale)
    blocks.append(Heading(2, caption(chapter, "no_data", locale)))
    if chapter.no_data:
        count = label("ch_no_data_count", locale).format(
            count=len(chapter.no_data), period=report.period
        )
        blocks.append(Para(count))
        blocks.append(Items(tuple(no_data_line(row, locale) for row in chapter.no_data)))
    else:
        blocks.append(Para(label("ch_no_data_none", locale)))
    if chapter.notes:
        blocks += [Heading(2, label("ch_notes", locale)), Items(note_lines(chapter, locale))]
    return blocks


def _pk_only_count(chapter: Chapter) -> int:
    shown = {row.id for row in chapter.rows} | {row.id for row in chapter.no_data}
    return sum(1 for r in chapter.report.indicators if r.indicator not in shown)


def narrative_blocks(chapter: Chapter, locale: Locale) -> list[Block]:
    """The agency's narrative of the period: per tujuan, then its sasaran, then their indicators.

    One list; a tujuan or sasaran split over the IKU table and the other one
    is written once.
    """
    lines: list[str] = []
    for goal in (*chapter.iku, *chapter.indicators):
        if goal.narrative is not None:
            lines += [
                f"{label('ch_tujuan', locale)}: {goal.name} — {t}"
                for t in narrative_lines(goal.narrative, locale)
            ]
        for block in goal.objectives:
            if block.narrative is not None:
                lines += [
                    f"{label('ch_sasaran', locale)}: {block.name} — {t}"
                    for t in narrative_lines(block.narrative, locale)
                ]
            for row in block.rows:
                if row.narrative is not None:
                    lines += [
                        f"{row.result.name} — {t}" for t in narrative_lines(row.narrative, locale)
                    ]
    return [Items(tuple(dict.fromkeys(lines)))] if lines else []


def review_blocks(chapter: Chapter, locale: Locale) -> list[Block]:
    review = chapter.review
    if review is None:
        return []
    blocks: list[Block] = [
        Heading(2, caption(chapter, "review", locale)),
        Para(
            label("ch_review_summary", locale).format(
                checked=review.checked,
                consistent=review.consistent,
                findings=len(review.findings),
                discrepant=review.discrepant,
            )
        ),
    ]
    if not review.findings:
        return [*blocks, Para(label("ch_review_none", locale))]
    headers = (
        label("no", locale),
        label("ch_row_label", locale),
        label("check_reported", locale).capitalize(),
        label("check_recomputed", locale).capitalize(),
        label("check_source", locale).capitalize(),
        label("ch_cause", locale),
    )
    rows = tuple(finding_lines(f, locale) for f in review.findings)
    blocks.append(Grid("review", "", headers, rows, frozenset({2, 3})))
    return blocks
