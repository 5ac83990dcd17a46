"""Scale bands as exact intervals, and the lookups the engine needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ._types import parse_decimal_text
from .models import Band, Scale

_INTERVAL_RE = re.compile(
    r"\s*([\[(])\s*(-inf|-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(inf|\+inf|-?[0-9]+(?:\.[0-9]+)?)\s*([\])])\s*"
)


@dataclass(frozen=True, slots=True)
class Interval:
    """An interval with explicit bound inclusivity; ``None`` bounds are infinite."""

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    def __str__(self) -> str:
        low = "-inf" if self.low is None else str(self.low)
        high = "inf" if self.high is None else str(self.high)
        return f"{'[' if self.low_inclusive else '('}{low}, {high}{']' if self.high_inclusive else ')'}"


def parse_interval(text: str) -> Interval:
    """``"(90, 100]"`` -> Interval. Raises ValueError with a fix."""
    match = _INTERVAL_RE.fullmatch(text)
    if match is None:
        raise ValueError(
            f"invalid range {text!r}: write an interval such as \"(90, 100]\" — '(' or ')' "
            f"excludes the bound, '[' or ']' includes it; use -inf or inf for no bound"
        )
    open_, low_text, high_text, close = match.groups()
    low = None if low_text == "-inf" else parse_decimal_text(low_text)
    high = None if high_text in ("inf", "+inf") else parse_decimal_text(high_text)
    if (low is None and open_ == "[") or (high is None and close == "]"):
        raise ValueError(f"invalid range {text!r}: an infinite bound cannot be included")
    if low is not None and high is not None and low > high:
        raise ValueError(f"invalid range {text!r}: the lower bound is above the upper bound")
    if low is not None and low == high and not (open_ == "[" and close == "]"):
        raise ValueError(
            f"invalid range {text!r}: it holds no value; write [{low}, {low}] for a single point"
        )
    return Interval(low, open_ == "[", high, close == "]")


@dataclass(frozen=True, slots=True)
class ScaleBand:
    band: Band
    interval: Interval
    position: int  # 1 for the lowest band


@dataclass(frozen=True, slots=True)
class CompiledScale:
    scale: Scale
    bands: tuple[ScaleBand, ...]

    def band_for(self, value: Decimal) -> ScaleBand | None:
        for band in self.bands:
            if band.interval.contains(value):
                return band
        return None

    def band_by_label(self, label: str) -> ScaleBand | None:
        for band in self.bands:
            if band.band.label == label:
                return band
        return None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.band.label for b in self.bands)


def band_issues(intervals: list[Interval]) -> list[tuple[int, str, str]]:
    """(index of the later band, code, message) for each pair of consecutive bands
    with a gap, an overlap or the wrong order. Codes: band-gap, band-overlap, band-order."""
    problems: list[tuple[int, str, str]] = []
    for i in range(1, len(intervals)):
        prev, cur = intervals[i - 1], intervals[i]
        if prev.low is not None and (cur.low is None or cur.low < prev.low):
            problems.append(
                (
                    i,
                    "band-order",
                    f"bands are out of order: {cur} comes after {prev}; list bands lowest first",
                )
            )
        elif cur.low is None:
            problems.append(
                (
                    i,
                    "band-overlap",
                    f"band {cur} overlaps the band before it, {prev}: only the first band may start at -inf",
                )
            )
        elif prev.high is None:
            problems.append(
                (
                    i,
                    "band-overlap",
                    f"band {cur} overlaps {prev}, which has no upper bound: only the last band may run to inf",
                )
            )
        elif cur.low < prev.high:
            problems.append((i, "band-overlap", f"band {cur} overlaps the band before it, {prev}"))
        elif cur.low > prev.high:
            problems.append(
                (
                    i,
                    "band-gap",
                    f"gap between {prev} and {cur}: values above {prev.high} and below "
                    f"{cur.low} fall in no band",
                )
            )
        # Touching bounds: exactly one side must include the shared point.
        elif prev.high_inclusive and cur.low_inclusive:
            problems.append(
                (
                    i,
                    "band-overlap",
                    f"bands {prev} and {cur} overlap at {cur.low}; exclude it from one of them",
                )
            )
        elif not prev.high_inclusive and not cur.low_inclusive:
            problems.append(
                (
                    i,
                    "band-gap",
                    f"gap at {cur.low}: {prev} and {cur} both exclude it; include it in one",
                )
            )
    return problems


def band_problems(intervals: list[Interval]) -> list[tuple[int, str]]:
    """(index of the later band, message) for each gap, overlap or wrong order."""
    return [(index, message) for index, _, message in band_issues(intervals)]
