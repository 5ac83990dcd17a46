"""The HTML report's trend chart: one small line panel per indicator with earlier years."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Locale, label
from ..results import EvaluationReport
from ._chart_geometry import axis, fit, px, segments
from ._charts import is_grade, is_range, legend, make_chart, polylines, tick_text
from ._format import target_number
from ._html_style import END_TARGET, REALISATION_FILL, TARGET_FILL, figure_number, html_number
from ._svg import Chart, Circle, Close, Line, Open, Rect, Text

__all__ = ["chart_trend"]


@dataclass(frozen=True, slots=True)
class _Point:
    period: str
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None


@dataclass(frozen=True, slots=True)
class _Trend:
    number: int
    name: str
    unit: str
    points: tuple[_Point, ...]
    end_target: Decimal | None


def _trends(report: EvaluationReport) -> list[_Trend]:
    trends = []
    for number, result in enumerate(report.indicators, start=1):
        if is_grade(result) or is_range(result.target):
            continue  # grades and ranges are not drawn as lines
        history = [
            _Point(
                p.period,
                target_number(p.target),
                figure_number(p.realisation),
                figure_number(p.achievement),
            )
            for p in result.previous
        ]
        history = [p for p in history if p.target is not None or p.realisation is not None]
        if not history:
            continue
        current = _Point(
            result.period,
            target_number(result.target),
            figure_number(result.realisation),
            figure_number(result.achievement),
        )
        trends.append(
            _Trend(
                number,
                result.name,
                result.unit,
                (*history, current),
                target_number(result.end_target),
            )
        )
    return trends


def chart_trend(report: EvaluationReport, locale: Locale) -> Chart:
    """Small multiples: one line panel per indicator with earlier years."""
    trends = _trends(report)
    width, columns = 900, 3
    panel_w, panel_h = width / columns, 176.0
    plot_left, plot_right, plot_top, plot_h = 40.0, 40.0, 40.0, 100.0
    plot_w = panel_w - plot_left - plot_right
    body = legend(
        8,
        16,
        [
            ("line", REALISATION_FILL, label("realisation", locale)),
            ("dash", TARGET_FILL, label("target", locale)),
            ("dash", END_TARGET, label("trend_end", locale)),
        ],
    )
    rows: list[tuple[str, ...]] = []
    origin_y = 28.0
    for index, trend in enumerate(trends):
        left = panel_w * (index % columns)
        top = origin_y + panel_h * (index // columns)
        x0, bottom = left + plot_left, top + plot_top + plot_h
        values = [v for p in trend.points for v in (p.target, p.realisation) if v is not None]
        if trend.end_target is not None:
            values.append(trend.end_target)
        low, high, ticks = axis(max(values), min(values))
        xs = [x0 + plot_w * (i + 0.5) / len(trend.points) for i in range(len(trend.points))]

        def y_of(
            value: Decimal, low: Decimal = low, high: Decimal = high, bottom: float = bottom
        ) -> float:
            return bottom - px(value, low, high, plot_h)

        summary = "; ".join(
            f"{p.period}: {label('target', locale)} {_maybe(p.target, locale)}, "
            f"{label('realisation', locale)} {_maybe(p.realisation, locale)}"
            for p in trend.points
        )
        if trend.end_target is not None:
            summary += f"; {label('trend_end', locale)} {html_number(trend.end_target, locale)}"
        body.append(Open(f"{trend.number}. {trend.name} ({trend.unit}). {summary}", cls="panel"))
        body.append(Rect(left + 4, top + 2, panel_w - 8, panel_h - 8, "#f7f8fa"))
        heading = fit(f"{trend.number}. {trend.name}", panel_w - 20, 11, bold=True)
        body.append(Text(left + 10, top + 18, heading, size=11, weight="bold"))
        unit = f"{label('unit', locale)}: {trend.unit}"
        body.append(Text(left + 10, top + 31, unit, size=9, fill="#555"))
        for tick in ticks:
            y = y_of(tick)
            body.append(Line(x0, y, x0 + plot_w, y, "#dde1e6"))
            body.append(
                Text(x0 - 4, y + 3, tick_text(tick, locale), anchor="end", size=9, fill="#555")
            )
        for x, point in zip(xs, trend.points, strict=True):
            body.append(Text(x, bottom + 14, point.period, anchor="middle", size=9, fill="#333"))
        if trend.end_target is not None:
            y = y_of(trend.end_target)
            body.append(Line(x0, y, x0 + plot_w, y, END_TARGET, "5 3"))
            end_label = html_number(trend.end_target, locale)
            body.append(Text(x0 + plot_w + 4, y + 3, end_label, size=9, fill=END_TARGET))
        # Yearly targets: a dashed grey line with small squares.
        targets = [
            (x, y_of(p.target))
            for x, p in zip(xs, trend.points, strict=True)
            if p.target is not None
        ]
        body.extend(
            polylines(segments(xs, [p.target for p in trend.points], y_of), TARGET_FILL, "4 3")
        )
        body.extend(Rect(x - 2.5, y - 2.5, 5, 5, TARGET_FILL) for x, y in targets)
        # Realisations: a solid line, dots and their values.
        body.extend(
            polylines(segments(xs, [p.realisation for p in trend.points], y_of), REALISATION_FILL)
        )
        for x, point in zip(xs, trend.points, strict=True):
            if point.realisation is None:
                continue
            y = y_of(point.realisation)
            body.append(Circle(x, y, 3.5, REALISATION_FILL))
            value = html_number(point.realisation, locale)
            body.append(
                Text(x, y - 7, value, anchor="middle", size=9, fill=REALISATION_FILL, weight="bold")
            )
        body.append(Close())
        rows.extend(
            (
                str(trend.number),
                trend.name,
                p.period,
                _maybe(p.target, locale),
                _maybe(p.realisation, locale),
                _maybe(p.achievement, locale),
            )
            for p in trend.points
        )
        if trend.end_target is not None:
            end_row = (label("trend_end", locale), html_number(trend.end_target, locale), "", "")
            rows.append((str(trend.number), trend.name, *end_row))
    height = origin_y + panel_h * ((len(trends) + columns - 1) // columns)
    if not trends:
        body.append(Text(8, origin_y + 16, label("nothing_to_draw", locale)))
        height = origin_y + 24
    return make_chart(
        "trend",
        3,
        locale,
        width=width,
        height=height,
        shapes=body,
        headers=(
            label("no", locale),
            label("indicator", locale),
            label("period", locale),
            label("target", locale),
            label("realisation", locale),
            label("achievement", locale),
        ),
        rows=tuple(rows),
    )


def _maybe(value: Decimal | None, locale: Locale) -> str:
    return html_number(value, locale) if value is not None else "–"
