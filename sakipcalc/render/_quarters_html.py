"""Quarterly monitoring (triwulan I–IV) in HTML: a table and a chart, as a page or a section.

:func:`render_quarters_html` writes a self-contained page (the main report's
stylesheet, no script, nothing fetched). :func:`render_quarters_section`
writes the same content as one ``<section>``, for the main HTML report to
embed: it uses only the report stylesheet's classes.

The chart is drawn from the shapes of :mod:`._svg` by ``templates/svg.html.j2``,
like the report's charts: one panel per indicator, a bar for each quarter's
realisation and one for the cumulative figure, a dashed line at the annual
target and a short rule at each quarter's own target where one is declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._exact import own_context
from ..engine.quarters import QuarterlyIndicator, QuarterlyReport
from ..i18n import Locale, label
from ._chart_geometry import axis, fit, px
from ._charts import legend, make_chart, tick_text
from ._format import target_number, target_range
from ._html_style import (
    END_TARGET,
    REALISATION_FILL,
    Badge,
    badge,
    declared_text,
    figure_number,
    html_figure,
    html_number,
)
from ._jinja import template_environment
from ._quarters import cumulative_text, quarter_label, quarterly_note, rule_text
from ._svg import Chart, Close, Line, Open, Rect, Shape, Text

__all__ = [
    "QuarterlyRow",
    "QuarterlyView",
    "chart_quarters",
    "quarterly_view",
    "render_quarters_html",
    "render_quarters_section",
]

CUMULATIVE_FILL = "#0f3557"  # darker than a quarter's bar: the year so far
QUARTER_TARGET = "#333333"


@dataclass(frozen=True, slots=True)
class QuarterlyRow:
    """One indicator's row of the HTML table, every cell already text in the locale."""

    number: int
    name: str
    unit: str
    rule: str
    annual_target: str
    quarters: tuple[tuple[str, str], ...]  # (realisation, capaian against the quarter's target)
    cumulative: str
    achievement: str
    category: Badge | None
    note: str


@dataclass(frozen=True, slots=True)
class QuarterlyView:
    """What the quarterly templates draw: labels, rows and the chart."""

    lang: str
    title: str
    heading: str
    agency: str | None
    t: dict[str, str]
    quarter_headers: tuple[str, ...]
    rows: tuple[QuarterlyRow, ...]
    chart: Chart | None
    empty: str | None
    spec: str


def _row(number: int, row: QuarterlyIndicator, locale: Locale) -> QuarterlyRow:
    quarters = []
    for quarter in row.quarters:
        achievement = ""
        if quarter.achievement.ok and quarter.achievement.rounded is not None:
            achievement = f"{html_number(quarter.achievement.rounded, locale)}%"
        quarters.append((html_figure(quarter.realisation, locale), achievement))
    return QuarterlyRow(
        number=number,
        name=row.name,
        unit=row.unit,
        rule=rule_text(row, locale),
        annual_target=declared_text(row.annual_target, locale),
        quarters=tuple(quarters),
        cumulative=cumulative_text(row, locale, grouping=True, unavailable="–"),
        achievement=html_figure(row.cumulative_achievement, locale),
        category=badge(row.cumulative_category),
        note=quarterly_note(row, locale),
    )


def quarterly_view(
    report: QuarterlyReport, locale: Locale = "id", *, figure_number: int = 1
) -> QuarterlyView:
    """The view the quarterly templates draw; ``figure_number`` numbers its chart (Grafik n, as the report numbers its charts)."""
    keys = (
        "no",
        "indicator",
        "unit",
        "quarter_rule",
        "annual_target",
        "cumulative",
        "cumulative_achievement",
        "category",
        "note",
        "figure",
        "chart_data",
        "not_drawn",
        "agency",
        "year",
        "quarterly_note",
        "generated",
    )
    heading = f"{label('quarterly', locale)} — {label('year', locale)} {report.year}"
    rows = tuple(_row(n, row, locale) for n, row in enumerate(report.indicators, start=1))
    return QuarterlyView(
        lang=locale,
        title=f"{heading} — {report.agency or report.spec_name}",
        heading=heading,
        agency=report.agency,
        t={key: label(key, locale) for key in keys},
        quarter_headers=tuple(quarter_label(q, locale) for q in (1, 2, 3, 4)),
        rows=rows,
        chart=chart_quarters(report, locale, figure_number) if report.indicators else None,
        empty=None
        if report.indicators
        else label("quarterly_none", locale).format(year=report.year),
        spec=report.spec,
    )


# ------------------------------------------------------------------ the chart

_WIDTH, _PLOT_X, _PLOT_W = 900, 64.0, 690.0
_HEADER_H, _PLOT_H, _FOOT_H = 34.0, 110.0, 34.0


def _values(row: QuarterlyIndicator) -> tuple[list[Decimal | None], Decimal | None]:
    quarters = [figure_number(q.realisation) for q in row.quarters]
    return quarters, figure_number(row.cumulative)


def _target_lines(row: QuarterlyIndicator) -> list[Decimal]:
    low_high = target_range(row.annual_target)
    if low_high is not None:
        return list(low_high)
    value = target_number(row.annual_target)
    return [] if value is None else [value]


def _panel(
    number: int, row: QuarterlyIndicator, top: float, locale: Locale
) -> tuple[list[Shape], float]:
    """One indicator's bars, from ``top``; returns the shapes and the panel's bottom."""
    quarters, cumulative = _values(row)
    targets = _target_lines(row)
    quarter_targets = [target_number(q.target) for q in row.quarters]
    drawn = [v for v in (*quarters, cumulative, *targets, *quarter_targets) if v is not None]
    low, high, ticks = axis(max(drawn), min(drawn))
    shapes: list[Shape] = [
        Text(
            8,
            top + 16,
            fit(f"{number}. {row.name} ({row.unit})", _WIDTH - 16, 12, True),
            size=12,
            weight="bold",
        )
    ]
    plot_top = top + _HEADER_H
    bottom = plot_top + _PLOT_H

    def y_of(value: Decimal) -> float:
        return bottom - px(value, low, high, _PLOT_H)

    for tick in ticks:
        y = y_of(tick)
        shapes.append(Line(_PLOT_X, y, _PLOT_X + _PLOT_W, y, "#e1e5ea"))
        shapes.append(
            Text(_PLOT_X - 6, y + 4, tick_text(tick, locale), anchor="end", size=10, fill="#555")
        )
    slot = _PLOT_W / 5
    bar_w = 44.0
    zero = y_of(Decimal(0))
    names = [quarter_label(q, locale) for q in (1, 2, 3, 4)] + [label("cumulative", locale)]
    values = [*quarters, cumulative]
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        centre = _PLOT_X + slot * (index + 0.5)
        fill = CUMULATIVE_FILL if index == 4 else REALISATION_FILL
        shown = html_number(value, locale) if value is not None else "–"
        shapes.append(Open(f"{row.name}, {name}: {shown}"))
        if value is not None:
            end = y_of(value)
            shapes.append(Rect(centre - bar_w / 2, min(zero, end), bar_w, abs(end - zero), fill))
            shapes.append(Text(centre, min(zero, end) - 4, shown, anchor="middle", size=10))
        else:
            shapes.append(Text(centre, zero - 4, shown, anchor="middle", size=10, fill="#555"))
        quarter_target = quarter_targets[index] if index < 4 else None
        if quarter_target is not None:
            y = y_of(quarter_target)
            shapes.append(
                Line(centre - bar_w / 2 - 5, y, centre + bar_w / 2 + 5, y, QUARTER_TARGET)
            )
        shapes.append(Text(centre, bottom + 15, name, anchor="middle", size=11))
        if index == 4 and row.cumulative.ok and row.through is not None and row.through < 4:
            through = label("through_quarter", locale).format(
                quarter=quarter_label(row.through, locale)
            )
            shapes.append(Text(centre, bottom + 28, through, anchor="middle", size=10, fill="#555"))
        shapes.append(Close())
    for position, target in enumerate(targets):
        y = y_of(target)
        shapes.append(Line(_PLOT_X, y, _PLOT_X + _PLOT_W, y, END_TARGET, "6 4"))
        if position == len(targets) - 1:
            text = declared_text(row.annual_target, locale)
            shapes.append(Text(_PLOT_X + _PLOT_W + 6, y + 4, text, size=10, fill=END_TARGET))
    shapes.append(Line(_PLOT_X, zero, _PLOT_X + _PLOT_W, zero, "#333"))
    return shapes, bottom + _FOOT_H


def _why_not_drawn(row: QuarterlyIndicator, locale: Locale) -> str | None:
    quarters, cumulative = _values(row)
    if cumulative is not None or any(v is not None for v in quarters):
        return None
    if any(q.realisation.grade is not None for q in row.quarters):
        return label("reason_grade", locale)
    return quarterly_note(row, locale) or label("missing_data", locale)


def chart_quarters(report: QuarterlyReport, locale: Locale, number: int = 1) -> Chart:
    """One panel per indicator: TW I–IV and the cumulative figure as bars, the annual target as a line."""
    has_quarter_targets = any(q.target is not None for r in report.indicators for q in r.quarters)
    items = [
        ("bar", REALISATION_FILL, label("realisation", locale)),
        ("bar", CUMULATIVE_FILL, label("cumulative", locale)),
        ("dash", END_TARGET, label("annual_target", locale)),
    ]
    if has_quarter_targets:
        items.append(("line", QUARTER_TARGET, label("quarter_target_legend", locale)))
    shapes: list[Shape] = legend(_PLOT_X, 16, items)
    skipped: list[str] = []
    table: list[tuple[str, ...]] = []
    y = 28.0
    for n, row in enumerate(report.indicators, start=1):
        why = _why_not_drawn(row, locale)
        if why is not None:
            skipped.append(f"{n}. {row.name} ({why})")
            continue
        panel, y = _panel(n, row, y, locale)
        shapes += panel
        table.append(
            (
                str(n),
                row.name,
                row.unit,
                *(html_figure(q.realisation, locale) for q in row.quarters),
                cumulative_text(row, locale, grouping=True, unavailable="–"),
                declared_text(row.annual_target, locale),
            )
        )
    if not table:
        shapes.append(Text(8, y + 16, label("nothing_to_draw", locale)))
        y += 24
    headers: Sequence[str] = (
        label("no", locale),
        label("indicator", locale),
        label("unit", locale),
        *(quarter_label(q, locale) for q in (1, 2, 3, 4)),
        label("cumulative", locale),
        label("annual_target", locale),
    )
    return make_chart(
        "quarters",
        number,
        locale,
        width=_WIDTH,
        height=y + 4,
        shapes=shapes,
        headers=tuple(headers),
        rows=table,
        skipped=skipped,
    )


# ------------------------------------------------------------------ page and section


def _environment() -> Any:
    return template_environment(what="the HTML report")


def _check_locale(locale: str) -> None:
    if locale not in ("id", "en"):
        raise ValueError(f"unknown locale {locale!r}: use 'id' or 'en'")


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_html(report: QuarterlyReport, *, locale: Locale = "id") -> str:
    """A self-contained HTML page of the quarterly monitoring: table, note and chart."""
    _check_locale(locale)
    view = quarterly_view(report, locale)
    return str(_environment().get_template("quarters.html.j2").render(q=view))


@own_context  # the caller's Decimal context never reaches the output
def render_quarters_section(
    report: QuarterlyReport, *, locale: Locale = "id", figure_number: int = 1
) -> Any:
    """The quarterly monitoring as one ``<section>`` (a ``markupsafe.Markup``) for the main report.

    Embed it in ``report.html.j2`` as ``{{ quarterly }}``: being Markup, it is
    not escaped again; everything in it was escaped when it was rendered.
    """
    _check_locale(locale)
    import markupsafe

    view = quarterly_view(report, locale, figure_number=figure_number)
    template = _environment().get_template("quarters_section.html.j2")
    return markupsafe.Markup(template.module.quarterly_section(view))
