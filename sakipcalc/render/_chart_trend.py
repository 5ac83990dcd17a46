"""The HTML report's trend chart: one small line panel per indicator, up to the plan's final year.

Each panel's x axis has one slot per year, every year from the first with a
target or a realisation to the later of the report's year and the plan's
final year (``spec.plan.end``, :attr:`Chapter.end_year`): a year without
data is an empty slot, and the lines are not drawn across it. The
end-of-plan (Renstra) target is a marker at the plan's final year, with a
dashed line at its level across the panel, so the distance still to go is
visible. Without a spec the plan is unknown: the axis ends at the report's
year and the end target is the dashed line alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Locale, label
from ._chapter_model import Chapter
from ._chart_geometry import axis, fit, px, segments
from ._charts import is_grade, is_range, legend, make_chart, polylines, tick_text
from ._format import target_number
from ._html_style import END_TARGET, REALISATION_FILL, TARGET_FILL, figure_number, html_number
from ._svg import Chart, Circle, Close, Line, Open, Rect, Shape, Text

__all__ = ["chart_trend", "trend_years"]

# Panel geometry: three panels a row across 900 px.
_WIDTH, _COLUMNS = 900, 3
_PANEL_W, _PANEL_H = _WIDTH / _COLUMNS, 176.0
_PLOT_LEFT, _PLOT_RIGHT, _PLOT_TOP, _PLOT_H = 40.0, 40.0, 40.0, 100.0
_PLOT_W = _PANEL_W - _PLOT_LEFT - _PLOT_RIGHT
_ORIGIN_Y = 28.0
# At most this many years on a panel's axis (two five-year plans and a bit): a
# longer history keeps its latest years on the chart (and every year in the
# data table), and a plan ending further ahead than this is not stretched to.
# The number of shapes then depends on the panels, not on how far apart two
# years of a spec are.
MAX_YEARS = 12


@dataclass(frozen=True, slots=True)
class _Point:
    year: int
    target: Decimal | None
    realisation: Decimal | None
    achievement: Decimal | None

    @property
    def empty(self) -> bool:
        return self.target is None and self.realisation is None


@dataclass(frozen=True, slots=True)
class _Trend:
    number: str  # the row in Tabel A or B: "A1"
    name: str
    unit: str
    points: tuple[_Point, ...]  # one per year on the axis, in order; a gap is an empty point
    history: tuple[_Point, ...]  # every year with a target or a realisation, for the table
    end_target: Decimal | None
    end_year: int | None  # where the end target is drawn; None: not on the axis


def trend_years(first: int, current: int, end_year: int | None) -> range:
    """The years on a panel's axis: ``first`` to the later of ``current`` and the plan's end.

    At most :data:`MAX_YEARS` of them, always with ``current``: the latest
    years of a longer history, and no plan end further ahead than that.
    """
    last = current
    if end_year is not None and current < end_year < current + MAX_YEARS:
        last = end_year
    return range(max(min(first, current), last - MAX_YEARS + 1), last + 1)


def _trends(chapter: Chapter) -> list[_Trend]:
    numbers = chapter.row_labels
    trends = []
    for row in chapter.rows:
        result = row.result
        if is_grade(result) or is_range(result.target) or not result.period.is_year:
            continue  # grades and ranges are not drawn as lines; a quarter has no years
        known = {
            p.period.year: _Point(
                p.period.year,
                target_number(p.target),
                figure_number(p.realisation),
                figure_number(p.achievement),
            )
            for p in result.previous
        }
        history = {year: p for year, p in known.items() if not p.empty}
        end_target = target_number(result.end_target)
        if not history and end_target is None:
            continue
        current = result.period.year
        history[current] = _Point(
            current,
            target_number(result.target),
            figure_number(result.realisation),
            figure_number(result.achievement),
        )
        years = trend_years(min(history), current, chapter.end_year)
        points = tuple(history.get(year, _Point(year, None, None, None)) for year in years)
        if end_target is None and all(p.empty for p in points):
            continue  # its only figures are older than the axis (Tabel C lists them)
        end_year = chapter.end_year if end_target is not None else None
        trends.append(
            _Trend(
                numbers[row.id],
                result.name,
                result.unit,
                points,
                tuple(history[year] for year in sorted(history)),
                end_target,
                end_year if end_year in years else None,
            )
        )
    return trends


def _summary(trend: _Trend, locale: Locale) -> str:
    summary = "; ".join(
        f"{p.year}: {label('target', locale)} {_maybe(p.target, locale)}, "
        f"{label('realisation', locale)} {_maybe(p.realisation, locale)}"
        for p in trend.history
    )
    if trend.end_target is not None:
        summary += f"; {_end_label(trend, locale)} {html_number(trend.end_target, locale)}"
    return f"{trend.number}. {trend.name} ({trend.unit}). {summary}"


def _end_label(trend: _Trend, locale: Locale) -> str:
    end = label("trend_end", locale)
    return end if trend.end_year is None else f"{end} ({trend.end_year})"


def _panel(trend: _Trend, index: int, locale: Locale) -> list[Shape]:
    left = _PANEL_W * (index % _COLUMNS)
    top = _ORIGIN_Y + _PANEL_H * (index // _COLUMNS)
    x0, bottom = left + _PLOT_LEFT, top + _PLOT_TOP + _PLOT_H
    values = [v for p in trend.points for v in (p.target, p.realisation) if v is not None]
    if trend.end_target is not None:
        values.append(trend.end_target)
    low, high, ticks = axis(max(values), min(values))
    count = len(trend.points)
    xs = [x0 + _PLOT_W * (i + 0.5) / count for i in range(count)]

    def y_of(value: Decimal) -> float:
        return bottom - px(value, low, high, _PLOT_H)

    body: list[Shape] = [
        Open(_summary(trend, locale), cls="panel"),
        Rect(left + 4, top + 2, _PANEL_W - 8, _PANEL_H - 8, "#f7f8fa"),
        Text(
            left + 10,
            top + 18,
            fit(f"{trend.number}. {trend.name}", _PANEL_W - 20, 11, bold=True),
            size=11,
            weight="bold",
        ),
        Text(left + 10, top + 31, f"{label('unit', locale)}: {trend.unit}", size=9, fill="#555"),
    ]
    for tick in ticks:
        y = y_of(tick)
        body.append(Line(x0, y, x0 + _PLOT_W, y, "#dde1e6"))
        body.append(Text(x0 - 4, y + 3, tick_text(tick, locale), anchor="end", size=9, fill="#555"))
    for x, point in zip(xs, trend.points, strict=True):
        body.append(Text(x, bottom + 14, str(point.year), anchor="middle", size=9, fill="#333"))
    if trend.end_target is not None:
        y = y_of(trend.end_target)
        body.append(Line(x0, y, x0 + _PLOT_W, y, END_TARGET, "5 3"))
        end_text = html_number(trend.end_target, locale)
        if trend.end_year is None:
            body.append(Text(x0 + _PLOT_W + 4, y + 3, end_text, size=9, fill=END_TARGET))
    # Yearly targets: a dashed grey line with small squares.
    body.extend(polylines(segments(xs, [p.target for p in trend.points], y_of), TARGET_FILL, "4 3"))
    body.extend(
        Rect(x - 2.5, y_of(p.target) - 2.5, 5, 5, TARGET_FILL)
        for x, p in zip(xs, trend.points, strict=True)
        if p.target is not None
    )
    # Realisations: a solid line, dots and their values.
    body.extend(
        polylines(segments(xs, [p.realisation for p in trend.points], y_of), REALISATION_FILL)
    )
    for x, point in zip(xs, trend.points, strict=True):
        if point.realisation is None:
            continue
        y = y_of(point.realisation)
        body.append(Circle(x, y, 3.5, REALISATION_FILL))
        body.append(
            Text(
                x,
                y - 7,
                html_number(point.realisation, locale),
                anchor="middle",
                size=9,
                fill=REALISATION_FILL,
                weight="bold",
            )
        )
    if trend.end_target is not None and trend.end_year is not None:
        # The end-of-plan target at the plan's final year: a marker and its value.
        x = xs[trend.end_year - trend.points[0].year]
        y = y_of(trend.end_target)
        body.append(Rect(x - 4, y - 4, 8, 8, END_TARGET))
        body.append(
            Text(x + 7, y - 5, html_number(trend.end_target, locale), size=9, fill=END_TARGET)
        )
    body.append(Close())
    return body


def chart_trend(chapter: Chapter, locale: Locale) -> Chart:
    """Small multiples: one line panel per indicator of Tabel A and B with earlier years
    or an end-of-plan target, labelled with its row (A1, B3) as the tables are."""
    trends = _trends(chapter)
    body = legend(
        8,
        16,
        [
            ("line", REALISATION_FILL, label("realisation", locale)),
            ("dash", TARGET_FILL, label("target", locale)),
            ("dash", END_TARGET, label("trend_end", locale))
            if chapter.end_year is None
            else ("marker", END_TARGET, f"{label('trend_end', locale)} ({chapter.end_year})"),
        ],
    )
    rows: list[tuple[str, ...]] = []
    for index, trend in enumerate(trends):
        body.extend(_panel(trend, index, locale))
        rows.extend(
            (
                trend.number,
                trend.name,
                str(p.year),
                _maybe(p.target, locale),
                _maybe(p.realisation, locale),
                _maybe(p.achievement, locale),
            )
            for p in trend.history
        )
        if trend.end_target is not None:
            end_value = html_number(trend.end_target, locale)
            rows.append((trend.number, trend.name, _end_label(trend, locale), end_value, "–", "–"))
    height = _ORIGIN_Y + _PANEL_H * ((len(trends) + _COLUMNS - 1) // _COLUMNS)
    if not trends:
        body.append(Text(8, _ORIGIN_Y + 16, label("nothing_to_draw", locale)))
        height = _ORIGIN_Y + 24
    return make_chart(
        "trend",
        3,
        locale,
        width=_WIDTH,
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
