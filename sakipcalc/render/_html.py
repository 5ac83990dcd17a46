"""The HTML report: one self-contained file laid out as a LAKIP chapter III.

``render_html(report, locale="id")`` returns a complete HTML document shaped
like "Bab III Akuntabilitas Kinerja" of an Indonesian performance report: the
measurement table (target, realisation, achievement, category, previous
years, end-of-plan target), the roll-ups, one table per performance agreement
(Perjanjian Kinerja), the budget table, and four charts.

The file loads nothing: the CSS is inline, there is no script, no web font
and no image, and a Content-Security-Policy ``<meta>`` forbids every fetch,
so a report mailed to an inspector renders the same offline.

Every text in a spec is untrusted (specs travel between agencies). The HTML
is produced by Jinja2 with autoescaping on, and the SVG built here escapes
every text and attribute with :func:`html.escape`; band colours are accepted
only as ``#rgb``, ``#rrggbb`` or a known colour name.

Numbers are never binary floats on their way to the reader: every displayed
figure is formatted from its ``Decimal`` with :func:`sakipcalc.i18n.format_number`;
``float`` appears only where a value becomes a pixel coordinate.

Jinja2 is an optional dependency (``pip install "sakipcalc[html]"``) and is
imported when the function is called.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..i18n import LABEL_KEYS, Locale, label
from ..results import (
    AgreementResult,
    BudgetResult,
    CategoryRef,
    EvaluationReport,
    Figure,
    IndicatorResult,
    RollupResult,
)
from ..rounding import DECIMAL_CONTEXT
from ._format import figure_text, number_text, rupiah_text, target_number, target_range, target_text

__all__ = ["render_html"]

_JINJA_MISSING = 'the HTML report needs Jinja2: pip install "sakipcalc[html]"'

# ------------------------------------------------------------ number formats


def _num(value: Decimal, locale: Locale) -> str:
    """A figure as printed: thousands grouped, the locale's decimal separator."""
    return number_text(value, locale, grouping=True)


def _pct(value: Decimal, locale: Locale) -> str:
    return _num(value, locale) + "%"


def _declared(text: str | None, locale: Locale) -> str:
    """A declared text (target ``12.5``, range ``80–90``, grade ``BB``) in the locale."""
    return target_text(text, locale, grouping=True, missing="–")


def _figure(figure: Figure | None, locale: Locale) -> str:
    """A computed figure as printed, or a dash when it has none."""
    return figure_text(figure, locale, grouping=True, unavailable="–")


def _numeric(figure: Figure | None) -> Decimal | None:
    """The rounded value of a computed, non-grade figure."""
    if figure is None or not figure.ok or figure.grade is not None:
        return None
    return figure.rounded


def _status_note(figures: Iterable[Figure | None], locale: Locale) -> tuple[str, str, str]:
    """(css status, status label, reason) of the first figure that could not be computed."""
    for figure in figures:
        if figure is not None and not figure.ok:
            status = figure.status.value
            return status, label(status, locale), figure.reason or ""
    return "ok", "", ""


def _period_text(period: str, locale: Locale) -> str:
    year, _, quarter = period.partition("-")
    if quarter.startswith("Q") and quarter[1:] in ("1", "2", "3", "4"):
        roman = ("I", "II", "III", "IV")[int(quarter[1:]) - 1]
        return f"{label('quarter', locale)} {roman} {year}"
    return f"{label('year', locale)} {period}"


# ------------------------------------------------------------------- colours

# Band colours come from the spec: only a hex colour or one of these names
# reaches a style attribute, as a normalised #rrggbb.
_NAMED_COLOURS = {
    "black": "#000000",
    "white": "#ffffff",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3",
    "red": "#ff0000",
    "darkred": "#8b0000",
    "crimson": "#dc143c",
    "tomato": "#ff6347",
    "orangered": "#ff4500",
    "salmon": "#fa8072",
    "pink": "#ffc0cb",
    "maroon": "#800000",
    "orange": "#ffa500",
    "darkorange": "#ff8c00",
    "gold": "#ffd700",
    "yellow": "#ffff00",
    "khaki": "#f0e68c",
    "olive": "#808000",
    "yellowgreen": "#9acd32",
    "lightgreen": "#90ee90",
    "lime": "#00ff00",
    "limegreen": "#32cd32",
    "green": "#008000",
    "forestgreen": "#228b22",
    "darkgreen": "#006400",
    "teal": "#008080",
    "aqua": "#00ffff",
    "cyan": "#00ffff",
    "lightblue": "#add8e6",
    "blue": "#0000ff",
    "navy": "#000080",
    "purple": "#800080",
}
_HEX_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})")
_NEUTRAL = "#b8bec6"  # categories without a (usable) colour, and "not computable"
_TARGET_FILL = "#9aa5b1"
_REALISATION_FILL = "#1f5f99"
_END_TARGET = "#b03a2e"
_ABSORPTION_FILL = "#2a7f62"


def _colour(value: str | None) -> str | None:
    """A band colour as #rrggbb, or None when it is absent or not a plain colour."""
    if value is None:
        return None
    text = value.strip().lower()
    if text in _NAMED_COLOURS:
        return _NAMED_COLOURS[text]
    if _HEX_COLOUR.fullmatch(text):
        if len(text) == 4:
            text = "#" + "".join(c * 2 for c in text[1:])
        return text
    return None


def _ink(background: str) -> str:
    """Black or white text, whichever contrasts more with the #rrggbb background."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(background[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


@dataclass(frozen=True, slots=True)
class _Badge:
    text: str
    background: str
    foreground: str


def _badge(category: CategoryRef | None) -> _Badge | None:
    if category is None:
        return None
    background = _colour(category.colour) or _NEUTRAL
    return _Badge(category.name or category.label, background, _ink(background))


# ---------------------------------------------------------------- view model


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
    category: _Badge | None
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
    category: _Badge | None
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
    category: _Badge | None
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
    efficiency_category: _Badge | None
    supports: str
    supports_title: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _BudgetTotal:
    ceiling: str
    spent: str
    absorption: str
    absorption_decimal: Decimal | None


@dataclass(frozen=True, slots=True)
class _Chart:
    id: str
    number: int
    title: str
    svg: str  # already escaped markup (made a jinja2 Markup before rendering)
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    skipped: tuple[str, ...] = ()


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
            text = f"{past.period}: {_figure(past.realisation, locale)} / {_declared(past.target, locale)}"
            if past.achievement.ok and past.achievement.rounded is not None:
                text += f" ({_pct(past.achievement.rounded, locale)})"
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
                target=_declared(result.target, locale),
                realisation=_figure(result.realisation, locale),
                realisation_trace=result.realisation.trace,
                achievement=_figure(result.achievement, locale),
                achievement_trace=result.achievement.trace,
                category=_badge(result.category),
                status=status,
                note=note,
                reason=reason,
                previous=tuple(previous),
                end_target=_declared(result.end_target, locale) if result.end_target else "",
                end_progress=(
                    _pct(progress.rounded, locale)
                    if progress is not None and progress.ok and progress.rounded is not None
                    else ""
                ),
                baseline=_declared(result.baseline, locale) if result.baseline else "",
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
                achievement=_figure(r.achievement, locale),
                trace=r.achievement.trace,
                category=_badge(r.category),
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
                    target=_declared(item.target, locale),
                    realisation=_figure(item.realisation, locale),
                    achievement=_figure(item.achievement, locale),
                    category=_badge(item.category),
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
                rollup=_figure(agreement.rollup, locale),
                rollup_trace=agreement.rollup.trace,
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
                notes.append(line.absorption.reason or label(line.absorption.status.value, locale))
            level_key = f"level_{line.level}"
            rows.append(
                _BudgetRow(
                    depth=depth,
                    id=line.id,
                    name=line.name,
                    level=label(level_key, locale) if level_key in LABEL_KEYS else line.level,
                    ceiling=rupiah_text(line.ceiling, locale),
                    spent=rupiah_text(line.spent, locale),
                    absorption=_figure(line.absorption, locale),
                    absorption_trace=line.absorption.trace,
                    efficiency=_figure(line.efficiency, locale) if line.efficiency else "",
                    efficiency_category=_badge(line.efficiency_category),
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
        absorption=_num(absorption, locale) if absorption is not None else "–",
        absorption_decimal=absorption,
    )


# ----------------------------------------------------------------------- SVG
#
# The four charts are hand-written SVG. A charting library such as pygal
# embeds <script> tags loaded from a CDN by default (its tooltips), which a
# self-contained, script-free report cannot have; and these charts (bars,
# bars, bars, lines) are simple enough to draw in a few dozen lines each.
# Values are Decimal throughout: _px() turns a value into a pixel offset and
# is the only place a float is made. Every displayed number is formatted from
# its Decimal.


def _esc(text: str) -> str:
    """Text or attribute value for SVG markup: &, <, >, " and ' escaped."""
    return html.escape(text, quote=True)


def _f(x: float) -> str:
    """A pixel coordinate, one decimal."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _px(value: Decimal, low: Decimal, high: Decimal, length: float) -> float:
    """Pixel offset of ``value`` on an axis from ``low`` to ``high`` that is ``length`` long."""
    if high == low:
        return 0.0
    fraction = DECIMAL_CONTEXT.divide(value - low, high - low)
    return float(fraction) * length


def _axis(high: Decimal, low: Decimal = Decimal(0)) -> tuple[Decimal, Decimal, list[Decimal]]:
    """A round axis covering [low, high]: (axis low, axis high, ticks)."""
    span = max(high, -low, Decimal(0))
    if span == 0:
        span = Decimal(1)
    base = Decimal(1).scaleb(span.adjusted())
    top, intervals = base * 10, 5
    for multiple, count in ((1, 5), (2, 4), (5, 5), (10, 5)):
        if base * multiple >= span:
            top, intervals = base * multiple, count
            break
    step = DECIMAL_CONTEXT.divide(top, Decimal(intervals))
    axis_low = Decimal(0)
    while axis_low > low:
        axis_low -= step
    ticks = []
    tick = axis_low
    while tick <= top:
        ticks.append(tick)
        tick += step
    return axis_low, top, ticks


def _tick(value: Decimal, locale: Locale) -> str:
    """An axis label: 20, not 20.0 nor 2E+1; 0,5 not 0,50."""
    if value == value.to_integral_value():
        return _num(value.to_integral_value(), locale)
    return _num(value.normalize(DECIMAL_CONTEXT), locale)


def _char_width(char: str) -> float:
    """A rough width of one character, in ems of a sans-serif font."""
    if char in "iIl.,:;'|!()[] ":
        return 0.32
    if char.isupper() or char in "mw%&@":
        return 0.74
    return 0.58


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A rough width of ``text`` in a sans-serif font, enough to keep labels inside a chart."""
    width = 0.0
    for char in text:
        width += _char_width(char)
    return width * size * (1.12 if bold else 1.0)


def _fit(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """``text`` on one line, cut with an ellipsis where it would be wider than ``max_width``.

    One pass over the text, stopping once it is too wide: linear in the
    length kept, however long the name.
    """
    text = " ".join(text.split())
    factor = 1.12 if bold else 1.0
    ellipsis = _char_width("…")
    width, kept = 0.0, 0  # kept: the longest prefix that fits with the ellipsis after it
    for index, char in enumerate(text):
        if (width + ellipsis) * size * factor <= max_width:
            kept = index
        width += _char_width(char)
        if width * size * factor > max_width:
            return text[:kept].rstrip() + "…"
    return text


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = 11,
    cls: str = "",
    fill: str = "",
    weight: str = "",
) -> str:
    attrs = f'x="{_f(x)}" y="{_f(y)}" font-size="{size}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if cls:
        attrs += f' class="{cls}"'
    if fill:
        attrs += f' fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text {attrs}>{_esc(text)}</text>"


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(width, 0.0))}" '
        f'height="{_f(max(height, 0.0))}" fill="{fill}"/>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, dash: str = "", width: int = 1
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"{extra}/>'
    )


def _svg(chart_id: str, width: int, height: float, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg class="chart" id="{chart_id}" width="{width}" height="{_f(height)}" '
        f'viewBox="0 0 {width} {_f(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{chart_id}-title">{_esc(title)}</title>',
            f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _legend(x: float, y: float, items: Sequence[tuple[str, str, str]]) -> list[str]:
    """Legend swatches: (kind "bar" | "line" | "dash", colour, text)."""
    out = []
    for kind, colour, text in items:
        if kind == "bar":
            out.append(_rect(x, y - 9, 14, 10, colour))
        else:
            out.append(_line(x, y - 4, x + 14, y - 4, colour, "4 3" if kind == "dash" else ""))
        out.append(_text(x + 19, y, text, size=11))
        x += 19 + 7 * len(text) + 18
    return out


@dataclass(frozen=True, slots=True)
class _Pair:
    number: int
    name: str
    unit: str
    target: Decimal
    realisation: Decimal


def _is_range(text: str | None) -> bool:
    return target_range(text) is not None


def _is_grade(result: IndicatorResult) -> bool:
    """A grade indicator: its realisation or its target is a grade label (BB)."""
    target = result.target
    return result.realisation.grade is not None or (
        target is not None and target_number(target) is None and not _is_range(target)
    )


def _why_not_drawn(result: IndicatorResult, locale: Locale) -> str:
    if _is_grade(result):
        return label("reason_grade", locale)
    if not result.realisation.ok:
        return label(result.realisation.status.value, locale)
    if result.target is None:
        return label("reason_no_target", locale)
    if _is_range(result.target):
        return label("reason_range", locale)
    return label(result.achievement.status.value, locale)  # e.g. a target of 0


def _chart_target_realisation(report: EvaluationReport, locale: Locale) -> _Chart:
    """Grouped horizontal bars, target against realisation, one panel per unit."""
    pairs: list[_Pair] = []
    skipped: list[str] = []
    for number, result in enumerate(report.indicators, start=1):
        target, real = target_number(result.target), _numeric(result.realisation)
        if target is None or real is None or not result.achievement.ok:
            skipped.append(f"{number}. {result.name} ({_why_not_drawn(result, locale)})")
        else:
            pairs.append(_Pair(number, result.name, result.unit, target, real))

    width, label_right, plot_x, plot_w = 900, 322.0, 332.0, 468.0
    row_h, header_h, axis_h = 30.0, 24.0, 26.0
    body = _legend(
        plot_x,
        16,
        [
            ("bar", _TARGET_FILL, label("target", locale)),
            ("bar", _REALISATION_FILL, label("realisation", locale)),
        ],
    )
    y = 30.0
    for unit in dict.fromkeys(p.unit for p in pairs):  # first-seen order
        panel = [p for p in pairs if p.unit == unit]
        values = [v for p in panel for v in (p.target, p.realisation)]
        low, high, ticks = _axis(max(values), min(values))
        body.append(_text(8, y + 16, f"{label('unit', locale)}: {unit}", size=12, weight="bold"))
        top = y + header_h
        bottom = top + row_h * len(panel)
        zero = plot_x + _px(Decimal(0), low, high, plot_w)
        for tick in ticks:
            x = plot_x + _px(tick, low, high, plot_w)
            body.append(_line(x, top, x, bottom, "#e1e5ea"))
            body.append(
                _text(x, bottom + 15, _tick(tick, locale), anchor="middle", size=10, fill="#555")
            )
        for i, pair in enumerate(panel):
            row_top = top + row_h * i
            body.append("<g>")
            tooltip = (
                f"{pair.number}. {pair.name}: {label('target', locale)} {_num(pair.target, locale)}, "
                f"{label('realisation', locale)} {_num(pair.realisation, locale)}"
            )
            body.append(f"<title>{_esc(tooltip)}</title>")
            body.append(
                _text(
                    label_right,
                    row_top + 19,
                    _fit(f"{pair.number}. {pair.name}", label_right - 8, 11),
                    anchor="end",
                )
            )
            for offset, value, fill in (
                (3.0, pair.target, _TARGET_FILL),
                (15.0, pair.realisation, _REALISATION_FILL),
            ):
                end = plot_x + _px(value, low, high, plot_w)
                body.append(_rect(min(zero, end), row_top + offset, abs(end - zero), 11, fill))
                body.append(
                    _text(max(zero, end) + 4, row_top + offset + 9.5, _num(value, locale), size=10)
                )
            body.append("</g>")
        body.append(_line(zero, top, zero, bottom, "#333"))
        y = bottom + axis_h
    if not pairs:
        body.append(_text(8, y + 16, label("nothing_to_draw", locale)))
        y += 24
    title = label("chart_target", locale)
    svg = _svg("chart-target", width, y + 4, title, label("chart_target_desc", locale), body)
    return _Chart(
        id="chart-target",
        number=1,
        title=title,
        svg=svg,
        headers=(
            label("no", locale),
            label("indicator", locale),
            label("unit", locale),
            label("target", locale),
            label("realisation", locale),
        ),
        rows=tuple(
            (str(p.number), p.name, p.unit, _num(p.target, locale), _num(p.realisation, locale))
            for p in pairs
        ),
        skipped=tuple(skipped),
    )


def _chart_categories(report: EvaluationReport, locale: Locale) -> _Chart:
    """Vertical bars: how many indicators fall in each achievement category."""
    # The report carries each result's band, not the scale: bands are ordered
    # by the lowest achievement seen in them, which is the scale's order.
    counts: dict[tuple[str, str], int] = {}
    lowest: dict[tuple[str, str], Decimal] = {}
    refs: dict[tuple[str, str], CategoryRef] = {}
    uncategorised = 0
    for result in report.indicators:
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
        (refs[k].name or refs[k].label, counts[k], _colour(refs[k].colour) or _NEUTRAL)
        for k in sorted(counts, key=lambda k: (k[0], lowest[k]))
    ]
    if uncategorised:
        bars.append((label("no_category", locale), uncategorised, _NEUTRAL))

    width, height = 640, 300
    plot_x, plot_y, plot_w, plot_h = 56.0, 20.0, 564.0, 210.0
    top_count = max((n for _, n, _ in bars), default=1)
    high = Decimal(max(top_count, 1))
    step = 1
    if high > 5:
        _, high, ticks_d = _axis(high)
        step = int(ticks_d[1] - ticks_d[0])
    body: list[str] = []
    bottom = plot_y + plot_h
    for tick in range(0, int(high) + 1, step):
        y = bottom - _px(Decimal(tick), Decimal(0), high, plot_h)
        body.append(_line(plot_x, y, plot_x + plot_w, y, "#e1e5ea"))
        body.append(_text(plot_x - 6, y + 4, str(tick), anchor="end", size=10, fill="#555"))
    slot = plot_w / max(len(bars), 1)
    bar_w = min(72.0, slot * 0.6)
    for i, (name, count, colour) in enumerate(bars):
        centre = plot_x + slot * (i + 0.5)
        bar_h = _px(Decimal(count), Decimal(0), high, plot_h)
        body.append("<g>")
        body.append(f"<title>{_esc(f'{name}: {count}')}</title>")
        body.append(_rect(centre - bar_w / 2, bottom - bar_h, bar_w, bar_h, colour))
        body.append(
            _line(centre - bar_w / 2, bottom - bar_h, centre + bar_w / 2, bottom - bar_h, "#555")
        )
        body.append(
            _text(centre, bottom - bar_h - 5, str(count), anchor="middle", size=12, weight="bold")
        )
        body.append(_text(centre, bottom + 16, _fit(name, slot - 4, 11), anchor="middle", size=11))
        body.append("</g>")
    body.append(_line(plot_x, bottom, plot_x + plot_w, bottom, "#333"))
    body.append(
        _text(
            plot_x + plot_w / 2,
            height - 22,
            label("count", locale),
            anchor="middle",
            size=10,
            fill="#555",
        )
    )
    title = label("chart_categories", locale)
    svg = _svg(
        "chart-categories", width, height - 14, title, label("chart_categories_desc", locale), body
    )
    return _Chart(
        id="chart-categories",
        number=2,
        title=title,
        svg=svg,
        headers=(label("category", locale), label("count", locale)),
        rows=tuple((name, str(count)) for name, count, _ in bars),
    )


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
        if _is_grade(result) or _is_range(result.target):
            continue  # grades and ranges are not drawn as lines
        history = [
            _Point(
                p.period,
                target_number(p.target),
                _numeric(p.realisation),
                _numeric(p.achievement),
            )
            for p in result.previous
        ]
        history = [p for p in history if p.target is not None or p.realisation is not None]
        if not history:
            continue
        current = _Point(
            result.period,
            target_number(result.target),
            _numeric(result.realisation),
            _numeric(result.achievement),
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


def _chart_trend(report: EvaluationReport, locale: Locale) -> _Chart:
    """Small multiples: one line panel per indicator with earlier years."""
    trends = _trends(report)
    width, columns = 900, 3
    panel_w, panel_h = width / columns, 176.0
    plot_left, plot_right, plot_top, plot_h = 40.0, 40.0, 40.0, 100.0
    plot_w = panel_w - plot_left - plot_right
    body = _legend(
        8,
        16,
        [
            ("line", _REALISATION_FILL, label("realisation", locale)),
            ("dash", _TARGET_FILL, label("target", locale)),
            ("dash", _END_TARGET, label("trend_end", locale)),
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
        low, high, ticks = _axis(max(values), min(values))
        xs = [x0 + plot_w * (i + 0.5) / len(trend.points) for i in range(len(trend.points))]

        def y_of(
            value: Decimal, low: Decimal = low, high: Decimal = high, bottom: float = bottom
        ) -> float:
            return bottom - _px(value, low, high, plot_h)

        summary = "; ".join(
            f"{p.period}: {label('target', locale)} {_maybe(p.target, locale)}, "
            f"{label('realisation', locale)} {_maybe(p.realisation, locale)}"
            for p in trend.points
        )
        if trend.end_target is not None:
            summary += f"; {label('trend_end', locale)} {_num(trend.end_target, locale)}"
        body.append('<g class="panel">')
        body.append(
            f"<title>{_esc(f'{trend.number}. {trend.name} ({trend.unit}). {summary}')}</title>"
        )
        body.append(_rect(left + 4, top + 2, panel_w - 8, panel_h - 8, "#f7f8fa"))
        heading = _fit(f"{trend.number}. {trend.name}", panel_w - 20, 11, bold=True)
        body.append(_text(left + 10, top + 18, heading, size=11, weight="bold"))
        unit = f"{label('unit', locale)}: {trend.unit}"
        body.append(_text(left + 10, top + 31, unit, size=9, fill="#555"))
        for tick in ticks:
            y = y_of(tick)
            body.append(_line(x0, y, x0 + plot_w, y, "#dde1e6"))
            body.append(
                _text(x0 - 4, y + 3, _tick(tick, locale), anchor="end", size=9, fill="#555")
            )
        for x, point in zip(xs, trend.points, strict=True):
            body.append(_text(x, bottom + 14, point.period, anchor="middle", size=9, fill="#333"))
        if trend.end_target is not None:
            y = y_of(trend.end_target)
            body.append(_line(x0, y, x0 + plot_w, y, _END_TARGET, "5 3"))
            end_label = _num(trend.end_target, locale)
            body.append(_text(x0 + plot_w + 4, y + 3, end_label, size=9, fill=_END_TARGET))
        # Yearly targets: a dashed grey line with small squares.
        targets = [
            (x, y_of(p.target))
            for x, p in zip(xs, trend.points, strict=True)
            if p.target is not None
        ]
        body.extend(
            _polyline(_segments(xs, [p.target for p in trend.points], y_of), _TARGET_FILL, "4 3")
        )
        body.extend(_rect(x - 2.5, y - 2.5, 5, 5, _TARGET_FILL) for x, y in targets)
        # Realisations: a solid line, dots and their values.
        body.extend(
            _polyline(_segments(xs, [p.realisation for p in trend.points], y_of), _REALISATION_FILL)
        )
        for x, point in zip(xs, trend.points, strict=True):
            if point.realisation is None:
                continue
            y = y_of(point.realisation)
            body.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{_REALISATION_FILL}"/>')
            value = _num(point.realisation, locale)
            body.append(
                _text(
                    x, y - 7, value, anchor="middle", size=9, fill=_REALISATION_FILL, weight="bold"
                )
            )
        body.append("</g>")
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
            end_row = (label("trend_end", locale), _num(trend.end_target, locale), "", "")
            rows.append((str(trend.number), trend.name, *end_row))
    height = origin_y + panel_h * ((len(trends) + columns - 1) // columns)
    if not trends:
        body.append(_text(8, origin_y + 16, label("nothing_to_draw", locale)))
        height = origin_y + 24
    title = label("chart_trend", locale)
    svg = _svg("chart-trend", width, height, title, label("chart_trend_desc", locale), body)
    return _Chart(
        id="chart-trend",
        number=3,
        title=title,
        svg=svg,
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
    return _num(value, locale) if value is not None else "–"


def _segments(
    xs: Sequence[float], values: Sequence[Decimal | None], y_of: Callable[[Decimal], float]
) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points that have a value: a gap in the data is not bridged."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in zip(xs, values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, y_of(value)))
    return [run for run in runs if len(run) > 1]


def _polyline(
    runs: Iterable[Sequence[tuple[float, float]]], stroke: str, dash: str = ""
) -> list[str]:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<polyline points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in run)}" fill="none" '
        f'stroke="{stroke}" stroke-width="2"{extra}/>'
        for run in runs
    ]


def _chart_absorption(report: EvaluationReport, locale: Locale) -> _Chart:
    """Horizontal bars 0–100 %: absorption of each program (top-level budget line)."""
    drawn = [line for line in report.budget if line.absorption.rounded is not None]
    skipped = tuple(
        f"{line.name} ({line.absorption.reason or label(line.absorption.status.value, locale)})"
        for line in report.budget
        if line.absorption.rounded is None
    )
    width, label_right, plot_x, plot_w, row_h = 900, 322.0, 332.0, 468.0, 28.0
    top = 30.0
    body: list[str] = []
    hundred = Decimal(100)
    bottom = top + row_h * len(drawn)
    for tick in range(0, 101, 25):
        x = plot_x + _px(Decimal(tick), Decimal(0), hundred, plot_w)
        body.append(_line(x, top - 4, x, bottom, "#e1e5ea"))
        body.append(_text(x, top - 10, f"{tick}%", anchor="middle", size=10, fill="#555"))
    for i, line in enumerate(drawn):
        value = line.absorption.rounded
        assert value is not None
        row_top = top + row_h * i
        shown = min(max(value, Decimal(0)), hundred)  # the bar stops at 100 %; the label does not
        body.append("<g>")
        body.append(
            f"<title>{_esc(f'{line.name}: {_pct(value, locale)} ({rupiah_text(line.spent, locale)} / {rupiah_text(line.ceiling, locale)})')}</title>"
        )
        body.append(
            _text(label_right, row_top + 17, _fit(line.name, label_right - 8, 11), anchor="end")
        )
        body.append(_rect(plot_x, row_top + 5, plot_w, 16, "#edf0f3"))
        body.append(
            _rect(
                plot_x, row_top + 5, _px(shown, Decimal(0), hundred, plot_w), 16, _ABSORPTION_FILL
            )
        )
        body.append(
            _text(plot_x + plot_w + 6, row_top + 17, _pct(value, locale), size=11, weight="bold")
        )
        body.append("</g>")
    body.append(_line(plot_x, top - 4, plot_x, bottom, "#333"))
    height = bottom + 10
    if not drawn:
        body.append(_text(8, top + 16, label("nothing_to_draw", locale)))
        height = top + 28
    title = label("chart_absorption", locale)
    svg = _svg(
        "chart-absorption", width, height, title, label("chart_absorption_desc", locale), body
    )
    return _Chart(
        id="chart-absorption",
        number=4,
        title=title,
        svg=svg,
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
                _figure(line.absorption, locale),
            )
            for line in report.budget
        ),
        skipped=skipped,
    )


# -------------------------------------------------------------------- render


def _context(report: EvaluationReport, locale: Locale) -> dict[str, Any]:
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
        "agency_achievement": _figure(agency.achievement, locale) if agency else "–",
        "agency_badge": _badge(agency.category) if agency else None,
        "computed": computed,
        "indicators": _indicator_rows(report, owners, locale),
        "rollup_groups": _rollup_groups(report.rollups, numbers, locale),
        "agreements": _agreement_views(report.agreements, locale),
        "budget_rows": _budget_rows(report.budget, numbers, names, locale),
        "budget_total": total,
        "has_efficiency": any(_has_efficiency(line) for line in report.budget),
        "charts": {
            "target": _chart_target_realisation(report, locale),
            "categories": _chart_categories(report, locale),
            "trend": _chart_trend(report, locale),
            "absorption": _chart_absorption(report, locale),
        },
        "warnings": tuple(f"{w.code}: {w.message}" for w in report.warnings),
    }


def _has_efficiency(line: BudgetResult) -> bool:
    return line.efficiency is not None or any(_has_efficiency(c) for c in line.children)


def render_html(report: EvaluationReport, *, locale: Locale = "id") -> str:
    """The report as one self-contained HTML document (LAKIP chapter III).

    Raises ImportError when Jinja2 (the ``html`` extra) is not installed.
    """
    try:
        import jinja2
        from markupsafe import Markup
    except ImportError as exc:
        raise ImportError(_JINJA_MISSING) from exc
    if locale not in ("id", "en"):
        raise ValueError(f"unknown locale {locale!r}: use 'id' or 'en'")
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sakipcalc", "render/templates"),
        autoescape=True,  # every name in a spec is untrusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = _context(report, locale)
    context["charts"] = {
        name: dataclasses.replace(chart, svg=Markup(chart.svg))
        for name, chart in context["charts"].items()
    }
    return environment.get_template("report.html.j2").render(context)
