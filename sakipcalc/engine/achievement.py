"""Achievement (capaian): a realisation against a target, by the indicator's polarity.

Pure functions of their arguments, so that reconciliation, property tests
and embedding tools compute exactly what a report prints.
"""

from __future__ import annotations

import dataclasses
import decimal
from decimal import Decimal
from typing import Any, Literal, assert_never

from .._scales import CompiledScale
from ..models import (
    AchievementFrom,
    ExactRule,
    Indicator,
    LowerRule,
    NegativeRule,
    Polarity,
    Rounding,
    TargetSpec,
)
from ..results import CategoryRef, Figure, LazyTraceFigure, Status
from ..rounding import DECIMAL_CONTEXT, round_value, show_raw

__all__ = [
    "HUNDRED",
    "achievement",
    "bounded_achievement",
    "category_in",
    "effective_cap",
]

HUNDRED = Decimal(100)


def category_in(scale: CompiledScale, value: Decimal) -> CategoryRef | None:
    """The band of ``scale`` that ``value`` falls in, as a result's category."""
    band = scale.band_for(value)
    if band is None:
        return None
    return CategoryRef(scale.scale.id, band.band.label, band.band.name, band.band.colour)


def achievement(
    indicator: Indicator,
    target: TargetSpec | None,
    realisation: Figure,
    rounding: Rounding,
    scale: CompiledScale | None = None,
    cap: Decimal | None = None,
    *,
    period: str = "",
) -> Figure:
    """Capaian: the realisation against a target, by the indicator's declared polarity.

    Pure: it depends only on its arguments, so tests and embedding tools can
    call it directly. ``cap`` is the cap in force (:func:`effective_cap`). The
    result's ``raw`` is the exact arithmetic; ``rounded`` is what a report prints:
    floored at 0 by the indicator's ``negative`` rule, capped, then rounded.
    """
    with decimal.localcontext(DECIMAL_CONTEXT):
        return achievement_in_context(
            indicator, target, realisation, rounding, scale, cap, period=period
        )


def achievement_in_context(
    indicator: Indicator,
    target: TargetSpec | None,
    realisation: Figure,
    rounding: Rounding,
    scale: CompiledScale | None = None,
    cap: Decimal | None = None,
    *,
    period: str = "",
) -> Figure:
    """:func:`achievement` in the caller's Decimal context, which must be the
    engine's (``DECIMAL_CONTEXT``): the evaluator sets it once for a whole report."""
    no_target = f"no target for {period}" if period else "no target"
    if target is None and realisation.status is Status.MISSING_DATA:
        return Figure(
            Status.MISSING_DATA,
            reason=f"{realisation.reason}; {no_target}",
            missing=realisation.missing,
        )
    if target is None:
        return Figure.not_computable(no_target)
    if not realisation.ok:
        if realisation.status is Status.MISSING_DATA:
            return Figure(
                Status.MISSING_DATA, reason=realisation.reason, missing=realisation.missing
            )
        return Figure.not_computable(f"realisation is not computable: {realisation.reason}")
    if target.grade is not None or (realisation.grade is not None and realisation.raw is None):
        if realisation.raw is not None and rounding.achievement_from is AchievementFrom.ROUNDED:
            # A score's grade follows the printed (rounded) score under this policy.
            realisation = dataclasses.replace(realisation, raw=realisation.rounded)
        raw, describe = _grade_achievement(indicator, target, realisation, scale)
    else:
        r = (
            realisation.rounded
            if rounding.achievement_from is AchievementFrom.ROUNDED
            else realisation.raw
        )
        assert r is not None
        raw, describe = _numeric_achievement(indicator, target, r)
    if raw is None:
        return Figure.not_computable(_describe_text(describe))
    places = rounding.places
    if raw < 0 and indicator.negative is NegativeRule.NOT_COMPUTABLE:
        return Figure.not_computable(
            f"{_describe_text(describe)} = {show_raw(raw, places)}: a negative achievement is "
            f"refused ('negative: not_computable')"
        )
    printed, note = _bounded(indicator, raw, cap)
    rounded = round_value(printed, places, rounding.mode)
    # raw keeps the arithmetic; the floor and the cap act on the printed figure only.
    return _AchievementFigure(Status.OK, raw, rounded, trace=(describe, places, note))


# How a computation reads, as the values its text is written from when a trace is
# read: tagged tuples of numbers and text, which the garbage collector soon stops
# tracking (see LazyTraceFigure). A ratio's R and T are Decimals shown to 4 places,
# or text already written for them.
Describe = (
    tuple[Literal["text"], str]
    | tuple[Literal["ratio"], str, Decimal | str, Decimal | str]
    | tuple[Literal["within"], Decimal, Decimal, Decimal]
    | tuple[Literal["outside"], Decimal, Decimal, "Describe"]
)


def _describe_text(describe: Describe) -> str:
    """The text of a computation, such as ``41.42 / 100 × 100``."""
    match describe:
        case ("text", text):
            return text
        case ("ratio", template, r, t):
            return template.format(r=_shown(r), t=_shown(t))
        case ("within", r, low, high):
            return f"{show_raw(r, 4)} within {low}–{high}"
        case ("outside", low, high, inner):
            return f"{_describe_text(inner)} (outside {low}–{high})"
    raise AssertionError(describe)


def _shown(value: Decimal | str) -> str:
    return value if isinstance(value, str) else show_raw(value, 4)


class _AchievementFigure(LazyTraceFigure):
    """An achievement; its recipe is (describe, places shown, floor or cap note)."""

    __slots__ = ()

    def write_trace(self, recipe: tuple[Any, ...]) -> str:
        describe, places, note = recipe
        assert self.raw is not None and self.rounded is not None
        shown = show_raw(self.raw, places)
        return f"{_describe_text(describe)} = {shown}{note} → {format(self.rounded, 'f')}"


def _fixed(text: str) -> Describe:
    return ("text", text)


def effective_cap(indicator: Indicator, spec_cap: Decimal | None) -> Decimal | None:
    """The indicator's own cap, else the spec-wide one; ``cap: none`` opts out of both."""
    if indicator.cap == "none":
        return None
    return indicator.cap if indicator.cap is not None else spec_cap


def bounded_achievement(indicator: Indicator, raw: Decimal, cap: Decimal | None) -> Decimal:
    """The achievement a report prints before rounding: ``raw`` floored at 0 and capped."""
    return _bounded(indicator, raw, cap)[0]


def _bounded(indicator: Indicator, raw: Decimal, cap: Decimal | None) -> tuple[Decimal, str]:
    if raw < 0 and indicator.negative is NegativeRule.FLOOR:
        return Decimal(0), ", floored at 0"
    if cap is not None and raw > cap:
        return cap, f", capped at {cap}"
    return raw, ""


def _grade_position(value: TargetSpec | Figure, scale: CompiledScale) -> tuple[int, str] | str:
    if isinstance(value, TargetSpec):
        label, score = value.grade, value.value
    else:
        label, score = value.grade if value.raw is None else None, value.raw
    if label is not None:
        band = scale.band_by_label(label)
        if band is None:
            return f"'{label}' is not a grade of scale '{scale.scale.id}'"
        return band.position, label
    if score is not None:
        band = scale.band_for(score)
        if band is None:
            return f"score {score} falls in no band of scale '{scale.scale.id}'"
        return band.position, f"{band.band.label} (score {score})"
    return "a range cannot be compared on a grade scale"


def _grade_achievement(
    indicator: Indicator, target: TargetSpec, realisation: Figure, scale: CompiledScale | None
) -> tuple[Decimal | None, Describe]:
    if scale is None:
        return None, _fixed("a grade target needs the indicator's grade scale")
    t = _grade_position(target, scale)
    r = _grade_position(realisation, scale)
    if isinstance(t, str):
        return None, _fixed(t)
    if isinstance(r, str):
        return None, _fixed(r)
    (tp, tl), (rp, rl) = t, r
    # Positions count from 1 for the lowest band and go through the indicator's own
    # polarity rule, so a lower-is-better or exact grade target is honoured too.
    return _against(
        indicator, Decimal(rp), Decimal(tp), (f"position {rp} ({rl})", f"position {tp} ({tl})")
    )


def _meets(polarity: Polarity, r: Decimal, bound: Decimal) -> bool:
    match polarity:
        case Polarity.HIGHER_IS_BETTER:
            return r >= bound
        case Polarity.LOWER_IS_BETTER:
            return r <= bound
        case Polarity.EXACT:
            return r == bound
        case _:
            assert_never(polarity)


def _zero_target(
    indicator: Indicator, r: Decimal, bound: Decimal
) -> tuple[Decimal | None, Describe]:
    policy = indicator.zero_target
    if policy is None:
        return None, _fixed(
            f"zero target: achievement against a target of {bound} cannot be computed "
            f"(declare 'zero_target' to set a policy)"
        )
    met = _meets(indicator.polarity, r, bound)
    value = policy.met if met else policy.missed
    return value, _fixed(
        f"target {bound} {'met' if met else 'missed'} by {r} (zero_target policy) → {value}"
    )


def _against(
    indicator: Indicator, r: Decimal, t: Decimal, shown: tuple[str, str] | None = None
) -> tuple[Decimal | None, Describe]:
    """Achievement against a single numeric bound ``t``; ``shown`` overrides how R and T read."""
    if t == 0:
        return _zero_target(indicator, r, t)
    if t < 0 and not (
        indicator.polarity is Polarity.EXACT and indicator.exact_rule is ExactRule.BINARY
    ):
        # Every ratio rule turns over below zero: with T = -5, R = -10 scores 200 under
        # R / T although it is the worse result. No regulation defines this case.
        ts = shown[1] if shown else show_raw(t, 4)
        return None, _fixed(
            f"negative target {ts}: ratio rules such as R / T invert below zero, so the "
            f"achievement cannot be computed; express the target as a non-negative quantity"
        )
    polarity = indicator.polarity
    value: Decimal | None
    match polarity:
        case Polarity.HIGHER_IS_BETTER:
            value, template = r / t * HUNDRED, "{r} / {t} × 100"
        case Polarity.LOWER_IS_BETTER:
            value, template = _lower_is_better(indicator.lower_rule, r, t)
        case Polarity.EXACT:
            value, template = _exact(indicator.exact_rule, r, t)
        case _:
            assert_never(polarity)

    if shown:
        return value, ("ratio", template, shown[0], shown[1])
    return value, ("ratio", template, r, t)


# Templates name R as {r} and T as {t}; nothing else in them is a placeholder.
def _lower_is_better(rule: LowerRule, r: Decimal, t: Decimal) -> tuple[Decimal | None, str]:
    match rule:
        case LowerRule.OFFICIAL:
            return (2 * t - r) / t * HUNDRED, "(2 × {t} − {r}) / {t} × 100"
        case LowerRule.INVERSE:
            if r == 0:
                return None, "zero realisation: T / R is undefined when the realisation is 0"
            return t / r * HUNDRED, "{t} / {r} × 100"
        case _:
            assert_never(rule)


def _exact(rule: ExactRule, r: Decimal, t: Decimal) -> tuple[Decimal, str]:
    match rule:
        case ExactRule.BINARY:
            return (HUNDRED if r == t else Decimal(0)), "{r} " + ("=" if r == t else "≠") + " {t}"
        case ExactRule.DEVIATION:
            return (1 - abs(r - t) / t) * HUNDRED, "(1 − |{r} − {t}| / {t}) × 100"
        case _:
            assert_never(rule)


def _numeric_achievement(
    indicator: Indicator, target: TargetSpec, r: Decimal
) -> tuple[Decimal | None, Describe]:
    if target.range is not None:
        low, high = target.range.min, target.range.max
        if low <= r <= high:
            return HUNDRED, ("within", r, low, high)
        bound = low if r < low else high
        value, describe = _against(indicator, r, bound)
        return value, ("outside", low, high, describe)
    assert target.value is not None
    return _against(indicator, r, target.value)
