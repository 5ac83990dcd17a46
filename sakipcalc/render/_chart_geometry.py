"""Chart geometry for the HTML report: numbers only (scales, ticks, pixels, text widths).

Values stay Decimal until :func:`px` turns one into a pixel offset, the only
place a float is made; :func:`coordinate` writes a pixel as SVG text. Nothing
here knows about markup: the SVG is drawn by the macros in
``templates/svg.html.j2``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ..rounding import DECIMAL_CONTEXT

__all__ = ["axis", "char_width", "coordinate", "fit", "px", "segments", "text_width"]


def coordinate(x: float) -> str:
    """A pixel coordinate as SVG text, one decimal (never ``-0.0``)."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def px(value: Decimal, low: Decimal, high: Decimal, length: float) -> float:
    """Pixel offset of ``value`` on an axis from ``low`` to ``high`` that is ``length`` long."""
    if high == low:
        return 0.0
    fraction = DECIMAL_CONTEXT.divide(value - low, high - low)
    return float(fraction) * length


def axis(high: Decimal, low: Decimal = Decimal(0)) -> tuple[Decimal, Decimal, list[Decimal]]:
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


def char_width(char: str) -> float:
    """A rough width of one character, in ems of a sans-serif font."""
    if char in "iIl.,:;'|!()[] ":
        return 0.32
    if char.isupper() or char in "mw%&@":
        return 0.74
    return 0.58


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A rough width of ``text`` in a sans-serif font, enough to keep labels inside a chart."""
    width = 0.0
    for char in text:
        width += char_width(char)
    return width * size * (1.12 if bold else 1.0)


def fit(text: str, max_width: float, size: float, bold: bool = False) -> str:
    """``text`` on one line, cut with an ellipsis where it would be wider than ``max_width``.

    One pass over the text, stopping once it is too wide: linear in the
    length kept, however long the name.
    """
    text = " ".join(text.split())
    factor = 1.12 if bold else 1.0
    ellipsis = char_width("…")
    width, kept = 0.0, 0  # kept: the longest prefix that fits with the ellipsis after it
    for index, char in enumerate(text):
        if (width + ellipsis) * size * factor <= max_width:
            kept = index
        width += char_width(char)
        if width * size * factor > max_width:
            return text[:kept].rstrip() + "…"
    return text


def segments(
    xs: Sequence[float], values: Sequence[Decimal | None], y_of: Callable[[Decimal], float]
) -> list[tuple[tuple[float, float], ...]]:
    """Runs of consecutive points that have a value: a gap in the data is not bridged."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in zip(xs, values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, y_of(value)))
    return [tuple(run) for run in runs if len(run) > 1]
