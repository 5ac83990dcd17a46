"""The chapter III layout as text blocks in a locale: what the terminal, Markdown and XLSX show.

:func:`chapter_blocks` turns a :class:`~._chapter.Chapter` into headings,
paragraphs, lists and grids of text cells; each text renderer draws them in
its own syntax. The HTML view reuses the cell texts (:func:`row_notes`,
:func:`figure_with_mark`, :func:`caption` …) so that every format says the
same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..check.review import Finding, cause_text, finding_note
from ..i18n import Locale, label
from ..models import TargetSpec
from ..results import CategoryRef, Figure, IndicatorResult
from ._chapter import (
    TABLE_LETTERS,
    AgreementTable,
    Change,
    Chapter,
    ChapterRow,
    GoalBlock,
    OtherTarget,
    member_names,
)
from ._format import (
    category_text,
    figure_text,
    number_text,
    reason_text,
    target_text,
    term_text,
    walk_budget,
)

__all__ = [
    "Block",
    "Grid",
    "Heading",
    "Items",
    "Para",
    "caption",
    "change_text",
    "chapter_blocks",
    "figure_with_mark",
    "finding_lines",
    "indicator_headers",
    "narrative_lines",
    "note_lines",
    "other_target_text",
    "period_text",
    "row_notes",
]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str


@dataclass(frozen=True, slots=True)
class Items:
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Grid:
    """A table: a str row is a group heading across the whole table."""

    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...] | str, ...]
    right: frozenset[int] = frozenset()
    # Per row, (column, band colour name) of the cells a category colours.
    tones: tuple[tuple[tuple[int, str], ...], ...] = ()


Block = Heading | Para | Items | Grid


def period_text(period: str, locale: Locale) -> str:
    year, _, quarter = period.partition("-")
    if quarter.startswith("Q") and quarter[1:] in ("1", "2", "3", "4"):
        roman = ("I", "II", "III", "IV")[int(quarter[1:]) - 1]
        return f"{label('quarter', locale)} {roman} {year}"
    return f"{label('year', locale)} {period}"


def caption(chapter: Chapter, key: str, locale: Locale, sub: AgreementTable | None = None) -> str:
    """``Tabel A. Capaian IKU …``; the report's own number when the spec maps the key."""
    table = label("table", locale)
    if sub is not None:
        own = chapter.captions.get(sub.key) or sub.caption
        if own is None:
            base = chapter.captions.get("agreements")
            own = f"{base}.{sub.number}" if base else f"{table} E.{sub.number}"
        official = sub.result.official or sub.result.org_unit_name
        return f"{own}. {label('ch_table_agreements', locale)} — {official}"
    number = chapter.captions.get(key) or f"{table} {TABLE_LETTERS[key]}"
    return f"{number}. {label('ch_table_' + key, locale)}"


def _tone(
    column: int, category: CategoryRef | None, figure: Figure | None
) -> tuple[tuple[int, str], ...]:
    if category is None or category.colour is None or figure is None or not figure.ok:
        return ()
    return ((column, category.colour),)


def _tones(
    rows: Sequence[tuple[str, ...] | str], tones: dict[int, tuple[tuple[int, str], ...]]
) -> tuple[tuple[tuple[int, str], ...], ...]:
    return tuple(tones.get(n, ()) for n in range(len(rows)))


def _grouping(locale: Locale) -> bool:
    return locale == "id"


def figure_with_mark(figure: Figure | None, mark: str, locale: Locale) -> str:
    text = figure_text(figure, locale, grouping=_grouping(locale))
    return text + mark if figure is not None and figure.ok else text


def _target(target: TargetSpec | None, locale: Locale) -> str:
    return target_text(target, locale, grouping=_grouping(locale))


def _number(value: Decimal | None, locale: Locale, *, signed: bool = False) -> str:
    if value is None:
        return label("n_a", locale)
    text = number_text(value, locale, grouping=_grouping(locale))
    return f"+{text}" if signed and value > 0 else text.replace("-", "−")


def other_target_text(chapter: Chapter, other: OtherTarget, locale: Locale) -> str:
    """``target PK 30 (Kepala Dinas Sosial): capaian 44,40¹ — target PK berbeda …``."""
    mark = chapter.mark("method_achievement")
    achievement = figure_with_mark(other.achievement, mark, locale)
    measure = label("measure_achievement", locale)
    if other.basis == "pk":
        who = f" ({other.official})" if other.official else ""
        head = f"{label('ch_target_pk', locale)} {_target(other.target, locale)}{who}"
    else:
        head = f"{label('ch_target_renstra', locale)} {_target(other.target, locale)}"
    return f"{head}: {measure} {achievement} — {label('ch_two_targets', locale)}"


def row_notes(
    chapter: Chapter,
    result: IndicatorResult,
    others: Sequence[OtherTarget],
    findings: Sequence[Finding],
    locale: Locale,
) -> list[str]:
    """The Keterangan of a row: why a figure is missing, the other target, review notes."""
    notes = []
    why = reason_text((result.realisation, result.achievement), locale)
    if why:
        notes.append(why)
    notes += [other_target_text(chapter, other, locale) for other in others]
    notes += [finding_note(f, locale) for f in findings]
    return notes


def change_text(change: Change, unit: str, locale: Locale) -> str:
    """``2021: 49,01 (−35,69 poin; −72,82 %)``."""
    realisation = figure_text(change.realisation, locale, grouping=_grouping(locale))
    if change.points is None:
        return f"{change.period}: {realisation}"
    percent = (
        "" if change.percent is None else f"; {_number(change.percent, locale, signed=True)} %"
    )
    points = _number(change.points, locale, signed=True)
    return f"{change.period}: {realisation} ({points} {label('ch_points', locale)}{percent})"


def narrative_lines(narrative: object, locale: Locale) -> list[str]:
    lines = []
    for key, field in (
        ("ch_causes", "causes"),
        ("ch_actions", "actions"),
        ("ch_analysis", "analysis"),
    ):
        text = getattr(narrative, field, None)
        if text:
            lines.append(f"{label(key, locale)}: {text}")
    return lines


def finding_lines(finding: Finding, locale: Locale) -> tuple[str, ...]:
    """No · Baris · dicetak · dihitung ulang · sumber · kemungkinan penyebab."""
    return (
        str(finding.number),
        finding.row_label,
        _canonical(finding.printed, locale),
        _canonical(finding.recomputed, locale),
        "; ".join(finding.sources),
        cause_text(finding.cause, locale),
    )


def _canonical(text: str, locale: Locale) -> str:
    """A canonical figure (``73.78``) in the locale; other text as it is."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return number_text(value, locale, grouping=_grouping(locale)) if value.is_finite() else text


def note_lines(chapter: Chapter, locale: Locale) -> tuple[str, ...]:
    computed = label("ch_computed", locale)
    lines = []
    for note in chapter.notes:
        detail = note.detail
        if note.key == "method_rollup":
            detail = term_text("rule_", detail, locale)
        method = label(note.key, locale).replace("{detail}", detail)
        lines.append(f"{note.mark} {computed}: {method}")
    return tuple(lines)


def indicator_headers(chapter: Chapter, locale: Locale) -> tuple[str, ...]:
    keys = ("no", "ch_sasaran", "indicator", "unit", "target", "realisation", "achievement")
    category = label("category", locale) + category_mark(chapter)
    return (*(label(k, locale) for k in keys), category, label("note", locale))


def category_mark(chapter: Chapter) -> str:
    """The marks of the category notes: a category is always sakipcalc's (its scale's band)."""
    return "".join(n.mark for n in chapter.notes if n.key == "method_category")


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
                tones[len(rows)] = _tone(6, row.result.category, row.result.achievement)
                rows.append(_indicator_cells(chapter, row, objective, locale))
    return Grid(
        key,
        caption(chapter, key, locale),
        indicator_headers(chapter, locale),
        tuple(rows),
        frozenset({4, 5, 6}),
        _tones(rows, tones),
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
            f"{label('ch_national_standard', locale)} {_target(standard.value, locale)}"
            f" ({standard.source})",
        )
    return (
        str(row.number),
        objective,
        r.name,
        r.unit,
        _target(r.target, locale),
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
                _target(c.end_target, locale) if c.end_target is not None else "–",
                figure_with_mark(c.progress, chapter.mark("method_progress"), locale)
                if c.end_target is not None
                else "–",
                f"{_target(standard.value, locale)} ({standard.source})" if standard else "–",
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
        tones[len(rows)] = _tone(3, r.category, r.achievement)
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
        _tones(rows, tones),
    )


def _agreement_grid(chapter: Chapter, table: AgreementTable, locale: Locale) -> Grid:
    headers = indicator_headers(chapter, locale)
    rows: list[tuple[str, ...] | str] = []
    tones: dict[int, tuple[tuple[int, str], ...]] = {}
    last = None
    for row in table.rows:
        item = row.item
        tones[len(rows)] = _tone(6, item.category, item.achievement)
        objective = row.objective if row.objective != last else ""
        last = row.objective
        category = category_text(item.category)
        notes = [reason_text((item.realisation, item.achievement), locale)]
        notes += [other_target_text(chapter, o, locale) for o in row.other_targets]
        notes += [finding_note(f, locale) for f in row.findings]
        rows.append(
            (
                str(row.number),
                objective,
                item.name,
                item.unit,
                _target(item.target, locale),
                figure_text(item.realisation, locale, grouping=_grouping(locale)),
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
        _tones(rows, tones),
    )


def pk_total(chapter: Chapter, table: AgreementTable, locale: Locale) -> str:
    """The PK's roll-up, and the unit's beside it when they differ, with the reason."""
    agreement = table.result
    mark = chapter.mark("method_rollup", chapter.rollup_rule)
    text = f"{label('agreement_total', locale)}: {figure_with_mark(agreement.rollup, mark, locale)}"
    if not agreement.rollup.ok:
        text += f" ({reason_text((agreement.rollup,), locale)})"
    unit = table.unit_rollup
    if unit is not None:
        if set(unit.members) != {row.item.indicator for row in table.rows}:
            why = label("ch_members_reason", locale)
        elif any(row.other_targets for row in table.rows):
            why = label("ch_pk_rollup_reason", locale)
        else:
            why = label("ch_rule_reason", locale)
        figure = figure_with_mark(
            unit.achievement, chapter.mark("method_rollup", str(unit.rule)), locale
        )
        text += f" | {label('ch_unit_rollup', locale)}: {figure} — {why}"
    return text


def _budget_grid(chapter: Chapter, locale: Locale) -> Grid:
    report = chapter.report
    efficiency = any(line.efficiency is not None for line, _, _ in walk_budget(report.budget))
    keys: tuple[str, ...] = ("budget_line", "level", "ceiling", "spent", "absorption")
    if efficiency:
        keys += ("efficiency", "category")
    headers = [label(k, locale) for k in keys]
    headers[4] += chapter.mark("method_absorption")
    rows: list[tuple[str, ...] | str] = []
    for line, _, depth in walk_budget(report.budget):
        row = [
            "  " * depth + line.name,
            term_text("level_", line.level, locale),
            number_text(line.ceiling, locale, grouping=_grouping(locale)),
            number_text(line.spent, locale, grouping=_grouping(locale)),
            figure_text(line.absorption, locale, grouping=_grouping(locale)),
        ]
        if efficiency:
            row += [
                figure_text(line.efficiency, locale, grouping=_grouping(locale)),
                category_text(line.efficiency_category),
            ]
        rows.append(tuple(row))
    for total in report.budget_totals[:1]:
        row = [
            label("total", locale) + chapter.mark("method_total"),
            "",
            number_text(total.ceiling, locale, grouping=_grouping(locale)),
            number_text(total.spent, locale, grouping=_grouping(locale)),
            figure_text(total.absorption, locale, grouping=_grouping(locale)),
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
    blocks.append(Heading(2, caption(chapter, "no_data", locale)))
    if chapter.no_data:
        count = label("ch_no_data_count", locale).format(
            count=len(chapter.no_data), period=report.period
        )
        blocks.append(Para(count))
        blocks.append(Items(tuple(no_data_line(row, locale) for row in chapter.no_data)))
    else:
        blocks.append(Para(label("ch_no_data_none", locale)))
    if chapter.review is not None:
        blocks += review_blocks(chapter, locale)
    if chapter.notes:
        blocks += [Heading(2, label("ch_notes", locale)), Items(note_lines(chapter, locale))]
    return blocks


def _pk_only_count(chapter: Chapter) -> int:
    shown = {row.id for row in chapter.rows} | {row.id for row in chapter.no_data}
    return sum(1 for r in chapter.report.indicators if r.indicator not in shown)


def headline_line(chapter: Chapter, row: ChapterRow, locale: Locale) -> str:
    r = row.result
    text = (
        f"{r.name}: {label('measure_realisation', locale)} "
        f"{figure_with_mark(r.realisation, row.realisation_mark, locale)} {r.unit}, "
        f"{label('measure_target', locale)} {_target(r.target, locale)}, "
        f"{label('measure_achievement', locale)} "
        f"{figure_with_mark(r.achievement, row.achievement_mark, locale)} %"
    )
    for other in row.other_targets:
        text += f" · {other_target_text(chapter, other, locale)}"
    return text


def no_data_line(row: ChapterRow, locale: Locale) -> str:
    r = row.result
    owner = f" — {row.owner}" if row.owner else ""
    return (
        f"{r.name} ({r.unit}; {label('measure_target', locale)} {_target(r.target, locale)}){owner}"
    )


def narrative_blocks(chapter: Chapter, locale: Locale) -> list[Block]:
    blocks: list[Block] = []
    for goal in (*chapter.iku, *chapter.indicators):
        lines: list[str] = []
        if goal.narrative is not None:
            lines += [
                f"{label('ch_tujuan', locale)} {goal.name} — {t}"
                for t in narrative_lines(goal.narrative, locale)
            ]
        for block in goal.objectives:
            if block.narrative is not None:
                lines += [
                    f"{label('ch_sasaran', locale)} {block.name} — {t}"
                    for t in narrative_lines(block.narrative, locale)
                ]
            for row in block.rows:
                if row.narrative is not None:
                    lines += [
                        f"{row.result.name} — {t}" for t in narrative_lines(row.narrative, locale)
                    ]
        if lines:
            blocks.append(Items(tuple(dict.fromkeys(lines))))
    return blocks


def review_blocks(chapter: Chapter, locale: Locale) -> list[Block]:
    review = chapter.review
    if review is None:
        return []
    blocks: list[Block] = [
        Heading(2, caption(chapter, "review", locale)),
        Para(
            label("ch_review_summary", locale).format(
                checked=review.checked, consistent=review.consistent, findings=len(review.findings)
            )
        ),
    ]
    if not review.findings:
        return [*blocks, Para(label("ch_review_none", locale))]
    headers = (
        label("no", locale),
        label("ch_row_label", locale),
        label("check_reported", locale),
        label("check_recomputed", locale),
        label("check_source", locale),
        label("ch_cause", locale),
    )
    rows = tuple(finding_lines(f, locale) for f in review.findings)
    blocks.append(Grid("review", "", headers, rows, frozenset({2, 3})))
    return blocks
