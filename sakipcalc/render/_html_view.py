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

from ..i18n import LABEL_KEYS, Locale, label, reason, trace
from ..results import AgreementResult, BudgetResult, EvaluationReport, Figure, RollupResult
from ._chart_trend import chart_trend
from ._charts import chart_absorption, chart_categories, chart_target_realisation
from ._format import figure_reason, rupiah_text
from ._html_style import Badge, badge, declared_text, html_figure, html_number, html_percent

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
class _IndicatorRow:
    number: int
    id: str
    name: str
    tags: tuple[str, ...]
    owner: str
    unit: str
    target: str
    realisation: str
    realisation_trace: str
    achievement: str
    achievement_trace: str
    category: Badge | None
    status: str
    note: str
    reason: str
    previous: tuple[str, ...]
    end_target: str
    end_progress: str
    baseline: str


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
class _AgreementRow:
    number: int
    name: str
    unit: str
    target: str
    realisation: str
    achievement: str
    category: Badge | None
    status: str
    note: str
    reason: str


@dataclass(frozen=True, slots=True)
class _AgreementView:
    id: str
    title: str
    official: str
    level: str
    year: int
    rows: tuple[_AgreementRow, ...]
    rollup: str
    rollup_trace: str
    rollup_reason: str


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


def _indicator_rows(
    report: EvaluationReport, owners: dict[str, str], locale: Locale
) -> tuple[_IndicatorRow, ...]:
    rows = []
    for number, result in enumerate(report.indicators, start=1):
        status, note, reason = _status_note((result.realisation, result.achievement), locale)
        previous = []
        for past in result.previous:
            if past.target is None and not past.realisation.ok:
                continue
            text = f"{past.period}: {html_figure(past.realisation, locale)} / {declared_text(past.target, locale)}"
            if past.achievement.ok and past.achievement.rounded is not None:
                text += f" ({html_percent(past.achievement.rounded, locale)})"
            previous.append(text)
        progress = result.end_target_progress
        rows.append(
            _IndicatorRow(
                number=number,
                id=result.indicator,
                name=result.name,
                tags=result.tags,
                owner=owners.get(result.owner, result.owner) if result.owner else "",
                unit=result.unit,
                target=declared_text(result.target, locale),
                realisation=html_figure(result.realisation, locale),
                realisation_trace=trace(result.realisation.trace, locale),
                achievement=html_figure(result.achievement, locale),
                achievement_trace=trace(result.achievement.trace, locale),
                category=badge(result.category),
                status=status,
                note=note,
                reason=reason,
                previous=tuple(previous),
                end_target=declared_text(result.end_target, locale) if result.end_target else "",
                end_progress=(
                    html_percent(progress.rounded, locale)
                    if progress is not None and progress.ok and progress.rounded is not None
                    else ""
                ),
                baseline=declared_text(result.baseline, locale) if result.baseline else "",
            )
        )
    return tuple(rows)


_ROLLUP_KINDS = ("agency", "goal", "objective", "org_unit")


def _rollup_groups(
    rollups: Sequence[RollupResult], numbers: dict[str, int], locale: Locale
) -> tuple[_RollupGroup, ...]:
    kinds = list(_ROLLUP_KINDS) + sorted({r.kind for r in rollups} - set(_ROLLUP_KINDS))
    groups = []
    for kind in kinds:
        rows = tuple(
            _RollupRow(
                id=r.id,
                name=r.name,
                rule=label(f"rule_{r.rule}", locale) if f"rule_{r.rule}" in LABEL_KEYS else r.rule,
                achievement=html_figure(r.achievement, locale),
                trace=trace(r.achievement.trace, locale),
                category=badge(r.category),
                members=len(r.members),
                excluded=tuple(str(numbers.get(i, i)) for i in r.excluded),
                reason=_status_note((r.achievement,), locale)[2],
            )
            for r in rollups
            if r.kind == kind
        )
        if rows:
            title = label(f"kind_{kind}", locale) if f"kind_{kind}" in LABEL_KEYS else kind
            groups.append(_RollupGroup(title, rows))
    return tuple(groups)


def _agreement_views(
    agreements: Sequence[AgreementResult], locale: Locale
) -> tuple[_AgreementView, ...]:
    views = []
    for agreement in agreements:
        rows = []
        for number, item in enumerate(agreement.items, start=1):
            status, note, reason = _status_note((item.realisation, item.achievement), locale)
            rows.append(
                _AgreementRow(
                    number=number,
                    name=item.name,
                    unit=item.unit,
                    target=declared_text(item.target, locale),
                    realisation=html_figure(item.realisation, locale),
                    achievement=html_figure(item.achievement, locale),
                    category=badge(item.category),
                    status=status,
                    note=note,
                    reason=reason,
                )
            )
        views.append(
            _AgreementView(
                id=agreement.id,
                title=agreement.org_unit_name,
                official=agreement.official or "",
                level=agreement.level,
                year=agreement.year,
                rows=tuple(rows),
                rollup=html_figure(agreement.rollup, locale),
                rollup_trace=trace(agreement.rollup.trace, locale),
                rollup_reason=_status_note((agreement.rollup,), locale)[2],
            )
        )
    return tuple(views)


def _budget_rows(
    lines: Sequence[BudgetResult], numbers: dict[str, int], names: dict[str, str], locale: Locale
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
                    supports=", ".join(str(numbers[i]) for i in line.indicators if i in numbers),
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


def context(report: EvaluationReport, locale: Locale) -> dict[str, Any]:
    owners: dict[str, str] = {}
    for agreement in report.agreements:
        owners.setdefault(agreement.org_unit, agreement.org_unit_name)
    for rollup in report.rollups:
        if rollup.kind == "org_unit":
            owners.setdefault(rollup.id, rollup.name)
    numbers = {r.indicator: n for n, r in enumerate(report.indicators, start=1)}
    names = {r.indicator: r.name for r in report.indicators}
    agency = next((r for r in report.rollups if r.kind == "agency"), None)
    computed = sum(1 for r in report.indicators if r.achievement.ok)
    total = _budget_total(report, locale)
    return {
        "lang": locale,
        "t": {key: label(key, locale) for key in LABEL_KEYS},
        "report": report,
        "period_text": _period_text(report.period, locale),
        "agency": agency,
        "agency_achievement": html_figure(agency.achievement, locale) if agency else "–",
        "agency_badge": badge(agency.category) if agency else None,
        "computed": computed,
        "indicators": _indicator_rows(report, owners, locale),
        "rollup_groups": _rollup_groups(report.rollups, numbers, locale),
        "agreements": _agreement_views(report.agreements, locale),
        "budget_rows": _budget_rows(report.budget, numbers, names, locale),
        "budget_total": total,
        "has_efficiency": any(_has_efficiency(line) for line in report.budget),
        "charts": {
            "target": chart_target_realisation(report, locale),
            "categories": chart_categories(report, locale),
            "trend": chart_trend(report, locale),
            "absorption": chart_absorption(report, locale),
        },
        "warnings": tuple(f"{w.code}: {reason(w.message, locale)}" for w in report.warnings),
    }


def _has_efficiency(line: BudgetResult) -> bool:
    return line.efficiency is not None or any(_has_efficiency(c) for c in line.children)
