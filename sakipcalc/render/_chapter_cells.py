"""The cells of the chapter III layout in a locale: captions, figures with marks, notes.

Shared by :mod:`._chapter_text` (terminal, Markdown, XLSX) and
:mod:`._html_chapter`, so that every format words a figure the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..check.review import Cause, Finding, cause_text, finding_note
from ..check.tally import DiscrepancyKind
from ..check.wording import value_text
from ..i18n import Locale, label, term
from ..models import TargetSpec
from ..results import CategoryRef, Figure, IndicatorResult, Status
from ._chapter import (
    TABLE_LETTERS,
    AgreementTable,
    Change,
    Chapter,
    ChapterRow,
    OtherTarget,
)
from ._format import (
    figure_reason,
    figure_text,
    first_failed,
    number_text,
    reason_text,
    target_text,
    term_text,
)

__all__ = [
    "Block",
    "Grid",
    "Heading",
    "Items",
    "Para",
    "caption",
    "category_mark",
    "change_text",
    "declared",
    "figure_with_mark",
    "finding_lines",
    "grouping",
    "headline_line",
    "indicator_headers",
    "narrative_lines",
    "no_data_line",
    "note_lines",
    "other_target_text",
    "period_text",
    "pk_total",
    "review_note",
    "row_notes",
    "row_tones",
    "signed_number",
    "tone",
    "why_text",
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


def tone(
    column: int, category: CategoryRef | None, figure: Figure | None
) -> tuple[tuple[int, str], ...]:
    if category is None or category.colour is None or figure is None or not figure.ok:
        return ()
    return ((column, category.colour),)


def row_tones(
    rows: Sequence[tuple[str, ...] | str], tones: dict[int, tuple[tuple[int, str], ...]]
) -> tuple[tuple[tuple[int, str], ...], ...]:
    return tuple(tones.get(n, ()) for n in range(len(rows)))


def grouping(locale: Locale) -> bool:
    return locale == "id"


def figure_with_mark(figure: Figure | None, mark: str, locale: Locale) -> str:
    text = figure_text(figure, locale, grouping=grouping(locale))
    return text + mark if figure is not None and figure.ok else text


def declared(target: TargetSpec | None, locale: Locale) -> str:
    return target_text(target, locale, grouping=grouping(locale))


def signed_number(value: Decimal | None, locale: Locale, *, signed: bool = False) -> str:
    if value is None:
        return label("n_a", locale)
    text = number_text(value, locale, grouping=grouping(locale))
    return f"+{text}" if signed and value > 0 else text.replace("-", "−")


def other_target_text(chapter: Chapter, other: OtherTarget, locale: Locale) -> str:
    """``target PK 30 (Kepala Dinas Sosial): capaian 44,40¹ — target PK berbeda …``."""
    mark = chapter.mark("method_achievement")
    achievement = figure_with_mark(other.achievement, mark, locale)
    measure = label("measure_achievement", locale)
    if other.basis == "pk":
        who = f" ({other.official})" if other.official else ""
        head = f"{label('ch_target_pk', locale)} {declared(other.target, locale)}{who}"
    else:
        head = f"{label('ch_target_renstra', locale)} {declared(other.target, locale)}"
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
    why = why_text(chapter, result.indicator, (result.realisation, result.achievement), locale)
    if why:
        notes.append(why)
    notes += [other_target_text(chapter, other, locale) for other in others]
    notes += [review_note(f, result.indicator, locale) for f in findings]
    return notes


def why_text(
    chapter: Chapter, indicator: str, figures: Sequence[Figure | None], locale: Locale
) -> str:
    """Why a row has no figure, naming inputs as the reader knows them.

    The engine's reason names ids (``missing data: jml_dok_admin_barang
    (2022)``); a row whose own realisation is missing says just ``data belum
    tersedia (2022)``, and another indicator is named by its name.
    """
    failed = first_failed(figures)
    if failed is None:
        return ""
    if failed.status is not Status.MISSING_DATA or not failed.missing:
        return figure_reason(failed, locale)
    names: list[str] = []
    own_periods: list[str] = []
    for missing in failed.missing:
        period = "" if missing.period is None else str(missing.period)
        if missing.name == indicator and missing.category is None:
            own_periods.append(period)
            continue
        name = chapter.names.get(missing.name, missing.name)
        name = name if missing.category is None else f"{name} [{missing.category}]"
        names.append(f"{name} ({period})" if period else name)
    text = label("missing_data", locale)
    if names:
        return f"{text}: {', '.join(dict.fromkeys(names))}"
    periods = ", ".join(p for p in dict.fromkeys(own_periods) if p)
    return f"{text} ({periods})" if periods else text


def review_note(finding: Finding, indicator: str, locale: Locale) -> str:
    """A finding's note in a row's Keterangan, with every printed cell of that row.

    ``finding_note`` shows the row's first cell; a finding that also covers
    the row's capaian (18,43 printed for 18,44, hence 46,07 for 46,10) lists
    that cell too, so the reviewer sees each printed figure the row disputes.
    """
    note = finding_note(finding, locale)
    if finding.cause is Cause.SWAPPED_CELLS or not finding.discrepancies:
        return note
    shown = finding.discrepancies[0]
    seen = {(shown.what, shown.reported)}
    extra = []
    for cell in finding.discrepancies:
        if cell.subject != indicator:
            continue
        if (cell.what, cell.reported) in seen or cell.kind is DiscrepancyKind.TARGET:
            continue
        seen.add((cell.what, cell.reported))
        extra.append(
            f"{label('measure_' + cell.what.value, locale)} {label('check_reported', locale)} "
            f"{value_text(cell.reported, locale)}, {label('check_recomputed', locale)} "
            f"{value_text(cell.recomputed, locale)}"
        )
    return note if not extra else f"{note}; {'; '.join(extra)}"


def change_text(change: Change, unit: str, locale: Locale) -> str:
    """``2021: 49,01 (−35,69 poin; −72,82 %)``."""
    realisation = figure_text(change.realisation, locale, grouping=grouping(locale))
    if change.points is None:
        return f"{change.period}: {realisation}"
    percent = (
        ""
        if change.percent is None
        else f"; {signed_number(change.percent, locale, signed=True)} %"
    )
    points = signed_number(change.points, locale, signed=True)
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
    """No · Baris · dicetak · dihitung ulang · sumber · kemungkinan penyebab.

    A target is compared with another table's, not recomputed: its cell says
    ``pembanding 25`` under the "Dihitung ulang" heading.
    """
    recomputed = _canonical(finding.recomputed, locale)
    if finding.discrepancies and finding.discrepancies[0].kind is DiscrepancyKind.TARGET:
        recomputed = f"{label('check_against', locale)} {recomputed}"
    return (
        str(finding.number),
        finding.row_label,
        _canonical(finding.printed, locale),
        recomputed,
        "; ".join(finding.sources),
        cause_text(finding.cause, locale),
    )


def _canonical(text: str, locale: Locale) -> str:
    """A canonical figure (``73.78``) in the locale; other text as it is."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    return number_text(value, locale, grouping=grouping(locale)) if value.is_finite() else text


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


def headline_line(chapter: Chapter, row: ChapterRow, locale: Locale) -> str:
    r = row.result
    text = (
        f"{r.name}: {label('measure_realisation', locale)} "
        f"{figure_with_mark(r.realisation, row.realisation_mark, locale)} {r.unit}, "
        f"{label('measure_target', locale)} {declared(r.target, locale)}, "
        f"{label('measure_achievement', locale)} "
        f"{figure_with_mark(r.achievement, row.achievement_mark, locale)} %"
    )
    for other in row.other_targets:
        text += f" · {other_target_text(chapter, other, locale)}"
    return text


def no_data_line(row: ChapterRow, locale: Locale) -> str:
    r = row.result
    owner = f" — {row.owner}" if row.owner else ""
    # A name that already ends with its unit ("Indeks … (skor)") does not repeat it.
    unit = "" if r.name.rstrip().endswith(f"({r.unit})") else r.unit
    target = f"{label('measure_target', locale)} {declared(r.target, locale)}" if r.target else ""
    inside = "; ".join(part for part in (unit, target) if part)
    return f"{r.name} ({inside}){owner}" if inside else f"{r.name}{owner}"


_QUOTED_ID = re.compile(r"'([^']+)'")


def warning_text(chapter: Chapter, code: str, message: str, locale: Locale) -> str:
    """A spec warning as the report's reader sees it: its code in words, names for ids.

    ``link-unit-mismatch: 'jml_dok_admin_barang' (dokumen) mendukung …`` read
    as an English code and ids; in ``id`` it reads ``satuan berbeda pada
    pohon kinerja: 'Jumlah dokumen Administrasi Barang SKPD' (dokumen) …``.
    """
    if locale != "en":

        def named(match: re.Match[str]) -> str:
            name = chapter.names.get(match.group(1))
            return f"'{name}'" if name else match.group(0)

        message = _QUOTED_ID.sub(named, message)
    return f"{term('warning_', code, locale)}: {message}"
