"""Three of the HTML report's charts as shapes, and what the trend chart shares with them.

Each builder turns the report into a :class:`~._svg.Chart`: shapes placed by
:mod:`._chart_geometry`, labels in the locale, and the same data as a table
(for readers who cannot see the chart). ``templates/svg.html.j2`` draws it.

The charts are hand-written SVG, re-decided with measurements in
``docs/charts-decision.md``: pygal always writes an inline ``<script>`` (its
configuration, labels included) and a random id and the date into each SVG,
even with its CDN script switched off (``js=[]``); matplotlib's SVG is static
and can be made reproducible but adds ~177 MB (NumPy, Pillow, fontTools) and
seconds per chart; neither draws the performance tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..i18n import Locale, label
from ..models import TargetSpec
from ..results import CategoryRef, EvaluationReport, IndicatorResult
from ..rounding import DECIMAL_CONTEXT
from ._chapter_model import Chapter
from ._chart_geometry import axis, fit, px
from ._format import figure_reason, rupiah_text, target_number, target_range
from ._html_style import (
    ABSORPTION_FILL,
    NEUTRAL,
    REALISATION_FILL,
    TARGET_FILL,
    colour,
    figure_number,
    html_figure,
    html_number,
    html_percent,
)
from ._svg import Chart, Close, Line, Open, Polyline, Rect, Shape, Text

__all__ = [
    "chart_absorption",
    "chart_categories",
    "chart_target_realisation",
    "is_grade",
    "is_range",
    "legend",
    "make_chart",
    "polylines",
    "tick_text",
    "why_not_drawn",
]


def make_chart(
    key: str,
    number: int,
    locale: Locale,
    *,
    width: int,
    height: float,
    shapes: Sequence[Shape],
    headers: tuple[str, ...],
    rows: Iterable[tuple[str, ...]],
    skipped: Iterable[str] = (),
) -> Chart:
    """Figure 3.``number``: titled and described by the labels ``chart_<key>[_desc]``."""
    return Chart(
        id=f"chart-{key}",
        number=number,
        title=label(f"chart_{key}", locale),
        desc=label(f"chart_{key}_desc", locale),
        width=width,
        height=height,
        shapes=tuple(shapes),
        headers=headers,
        rows=tuple(rows),
        skipped=tuple(skipped),
    )


def tick_text(value: Decimal, locale: Locale) -> str:
    """An axis label: 20, not 20.0 nor 2E+1; 0,5 not 0,50."""
    if value == value.to_integral_value():
        return html_number(value.to_integral_value(), locale)
    return html_number(value.normalize(DECIMAL_CONTEXT), locale)


def legend(x: float, y: float, items: Sequence[tuple[str, str, str]]) -> list[Shape]:
    """Legend swatches: (kind "bar" | "line" | "dash" | "marker", colour, text)."""
    out: list[Shape] = []
    for kind, swatch, text in items:
        if kind == "bar":
            out.append(Rect(x, y - 9, 14, 10, swatch))
        elif kind == "marker":  # a dashed line through a square: the trend's end target
            out.append(Line(x, y - 4, x + 14, y - 4, swatch, "4 3"))
            out.append(Rect(x + 3, y - 8, 8, 8, swatch))
        else:
            out.append(Line(x, y - 4, x + 14, y - 4, swatch, "4 3" if kind == "dash" else ""))
        out.append(Text(x + 19, y, text, size=11))
        x += 19 + 7 * len(text) + 18
    return out


@dataclass(frozen=True, slots=True)
class _Pair:
    number: str  # the row in Tabel A or B: "A1", "B3"
    name: str
    unit: str
    target: Decimal
    realisation: Decimal


def is_range(target: TargetSpec | None) -> bool:
    return target_range(target) is not None


def is_grade(result: IndicatorResult) -> bool:
    """A grade indicator: its realisation or its target is a grade label (BB)."""
    target = result.target
    return result.realisation.grade is not None or (
        target is not None and target_number(target) is None and not is_range(target)
    )


def why_not_drawn(result: IndicatorResult, locale: Locale) -> str:
    if is_grade(result):
        return label("reason_grade", locale)
    if not result.realisation.ok:
        return label(result.realisation.status.value, locale)
    if result.target is None:
        return label("reason_no_target", locale)
    if is_range(result.target):
        return label("reason_range", locale)
    return label(result.achievement.status.value, locale)  # e.g. a target of 0


def chart_target_realisation(chapter: Chapter, locale: Locale) -> Chart:
    """Grouped horizontal bars, target against realisation, one panel per unit.

    The rows of Tabel A and B, in their order and under their numbers (A1,
    B3: :attr:`Chapter.row_labels`); an eselon IV indicator is in its PK
    table only, and one with no data is named in the "not drawn" list.
    """
    numbers = chapter.row_labels
    pairs: list[_Pair] = []
    skipped: list[str] = []
    for row in chapter.rows:
        result, number = row.result, numbers[row.id]
        target, real = target_number(result.target), figure_number(result.realisation)
        if target is None or real is None or not result.achievement.ok:
            skipped.append(f"{number}. {result.name} ({why_not_drawn(result, locale)})")
        else:
            pairs.append(_Pair(number, result.name, result.unit, target, real))
    skipped.extend(
        f"{row.result.name} ({why_not_drawn(row.result, locale)})" for row in chapter.no_data
    )

    width, label_right, plot_x, plot_w = 900, 322.0, 332.0, 468.0
    row_h, header_h, axis_h = 30.0, 24.0, 26.0
    body = legend(
        plot_x,
        16,
        [
            ("bar", TARGET_FILL, label("target", locale)),
            ("bar", REALISATION_FILL, label("realisation", locale)),
        ],
    )
    y = 30.0
    for unit in dict.fromkeys(p.unit for p in pairs):  # first-seen order
        panel = [p for p in pairs if p.unit == unit]
        values = [v for p in panel for v in (p.target, p.realisation)]
        low, high, ticks = axis(max(values), min(values))
        body.append(Text(8, y + 16, f"{label('unit', locale)}: {unit}", size=12, weight="bold"))
        top = y + header_h
        bottom = top + row_h * len(panel)
        zero = plot_x + px(Decimal(0), low, high, plot_w)
        for tick in ticks:
            x = plot_x + px(tick, low, high, plot_w)
            body.append(Line(x, top, x, bottom, "#e1e5ea"))
            body.append(
                Text(x, bottom + 15, tick_text(tick, locale), anchor="middle", size=10, fill="#555")
            )
        for i, pair in enumerate(panel):
            row_top = top + row_h * i
            tooltip = (
                f"{pair.number}. {pair.name}: {label('target', locale)} {html_number(pair.target, locale)}, "
                f"{label('realisation', locale)} {html_number(pair.realisation, locale)}"
            )
            body.append(Open(tooltip))
            body.append(
                Text(
                    label_right,
                    row_top + 19,
                    fit(f"{pair.number}. {pair.name}", label_right - 8, 11),
                    anchor="end",
                )
            )
            for offset, value, fill in (
                (3.0, pair.target, TARGET_FILL),
                (15.0, pair.realisation, REALISATION_FILL),
            ):
                end = plot_x + px(value, low, high, plot_w)
                body.append(Rect(min(zero, end), row_top + offset, abs(end - zero), 11, fill))
                body.append(
                    Text(
                        max(zero, end) + 4,
                        row_top + offset + 9.5,
                        html_number(value, locale),
                        size=10,
                    )
                )
            body.append(Close())
        body.append(Line(zero, top, zero, bottom, "#333"))
        y = bottom + axis_h
    if not pairs:
        body.append(Text(8, y + 16, label("nothing_to_draw", locale)))
        y += 24
    return make_chart(
        "target",
        1,
        locale,
        width=width,
        height=y + 4,
        shapes=body,
        headers=(
            label("no", locale),
            label("indicator", locale),
            label("unit", locale),
            label("target", locale),
            label("realisation", locale),
        ),
        rows=tuple(
            (
                p.number,
                p.name,
                p.unit,
                html_number(p.target, locale),
                html_number(p.realisation, locale),
            )
            for p in pairs
        ),
        skipped=tuple(skipped),
    )


def chart_categories(chapter: Chapter, locale: Locale) -> Chart:
    """Vertical bars: how many indicators of Tabel A and B fall in each achievement category."""
    # The report carries each result's band, not the scale: bands are ordered
    # by the lowest achievement seen in them, which is the scale's order.
    counts: dict[tuple[str, str], int] = {}
    lowest: dict[tuple[str, str], Decimal] = {}
    refs: dict[tuple[str, str], CategoryRef] = {}
    uncategorised = 0
    for result in (row.result for row in chapter.rows):
        category = result.category
        value = result.achievement.rounded
        if category is None or value is None:
            uncategorised += 1
            continue
        key = (category.scale, category.label)
        counts[key] = counts.get(key, 0) + 1
        lowest[key] = min(lowest.get(key, value), value)
        refs[key] = category
    bars: list[tuple[str, int, str]] = [
        (refs[k].name or refs[k].label, counts[k], colour(refs[k].colour) or NEUTRAL)
        for k in sorted(counts, key=lambda k: (k[0], lowest[k]))
    ]
    if uncategorised:
        bars.append((label("no_category", locale), uncategorised, NEUTRAL))

    width, height = 640, 300
    plot_x, plot_y, plot_w, plot_h = 56.0, 20.0, 564.0, 210.0
    top_count = max((n for _, n, _ in bars), default=1)
    high = Decimal(max(top_count, 1))
    step = 1
    if high > 5:
        _, high, ticks_d = axis(high)
        step = int(ticks_d[1] - ticks_d[0])
    body: list[Shape] = []
    bottom = plot_y + plot_h
    for tick in range(0, int(high) + 1, step):
        y = bottom - px(Decimal(tick), Decimal(0), high, plot_h)
        body.append(Line(plot_x, y, plot_x + plot_w, y, "#e1e5ea"))
        body.append(Text(plot_x - 6, y + 4, str(tick), anchor="end", size=10, fill="#555"))
    slot = plot_w / max(len(bars), 1)
    bar_w = min(72.0, slot * 0.6)
    for i, (name, count, fill) in enumerate(bars):
        centre = plot_x + slot * (i + 0.5)
        bar_h = px(Decimal(count), Decimal(0), high, plot_h)
        body.append(Open(f"{name}: {count}"))
        body.append(Rect(centre - bar_w / 2, bottom - bar_h, bar_w, bar_h, fill))
        body.append(
            Line(centre - bar_w / 2, bottom - bar_h, centre + bar_w / 2, bottom - bar_h, "#555")
        )
        body.append(
            Text(centre, bottom - bar_h - 5, str(count), anchor="middle", size=12, weight="bold")
        )
        body.append(Text(centre, bottom + 16, fit(name, slot - 4, 11), anchor="middle", size=11))
        body.append(Close())
    body.append(Line(plot_x, bottom, plot_x + plot_w, bottom, "#333"))
    body.append(
        Text(
            plot_x + plot_w / 2,
            height - 22,
            label("count", locale),
            anchor="middle",
            size=10,
            fill="#555",
        )
    )
    return make_chart(
        "categories",
        2,
        locale,
        width=width,
        height=height - 14,
        shapes=body,
        headers=(label("category", locale), label("count", locale)),
        rows=tuple((name, str(count)) for name, count, _ in bars),
    )


def polylines(
    runs: Iterable[tuple[tuple[float, float], ...]], stroke: str, dash: str = ""
) -> list[Shape]:
    return [Polyline(run, stroke, dash) for run in runs]


def chart_absorption(report: EvaluationReport, locale: Locale) -> Chart:
    """Horizontal bars 0–100 %: absorption of each program (top-level budget line)."""
    drawn = [line for line in report.budget if line.absorption.rounded is not None]
    skipped = tuple(
        f"{line.name} ({figure_reason(line.absorption, locale)})"
        for line in report.budget
        if line.absorption.rounded is None
    )
    width, label_right, plot_x, plot_w, row_h = 900, 322.0, 332.0, 468.0, 28.0
    top = 30.0
    body: list[Shape] = []
    hundred = Decimal(100)
    bottom = top + row_h * len(drawn)
    for tick in range(0, 101, 25):
        x = plot_x + px(Decimal(tick), Decimal(0), hundred, plot_w)
        body.append(Line(x, top - 4, x, bottom, "#e1e5ea"))
        body.append(Text(x, top - 10, f"{tick}%", anchor="middle", size=10, fill="#555"))
    for i, line in enumerate(drawn):
        value = line.absorption.rounded
        assert value is not None
        row_top = top + row_h * i
        shown = min(max(value, Decimal(0)), hundred)  # the bar stops at 100 %; the label does not
        spent, ceiling = rupiah_text(line.spent, locale), rupiah_text(line.ceiling, locale)
        body.append(Open(f"{line.name}: {html_percent(value, locale)} ({spent} / {ceiling})"))
        body.append(
            Text(label_right, row_top + 17, fit(line.name, label_right - 8, 11), anchor="end")
        )
        body.append(Rect(plot_x, row_top + 5, plot_w, 16, "#edf0f3"))
        body.append(
            Rect(plot_x, row_top + 5, px(shown, Decimal(0), hundred, plot_w), 16, ABSORPTION_FILL)
        )
        body.append(
            Text(
                plot_x + plot_w + 6,
                row_top + 17,
                html_percent(value, locale),
                size=11,
                weight="bold",
            )
        )
        body.append(Close())
    body.append(Line(plot_x, top - 4, plot_x, bottom, "#333"))
    height = bottom + 10
    if not drawn:
        body.append(Text(8, top + 16, label("nothing_to_draw", locale)))
        height = top + 28
    return make_chart(
        "absorption",
        4,
        locale,
        width=width,
        height=height,
        shapes=body,
        headers=(
            label("program", locale),
            label("ceiling", locale),
            label("spent", locale),
            label("absorption", locale),
        ),
        rows=tuple(
            (
                line.name,
                rupiah_text(line.ceiling, locale),
                rupiah_text(line.spent, locale),
                html_figure(line.absorption, locale),
            )
            for line in report.budget
        ),
        skipped=skipped,
    )
