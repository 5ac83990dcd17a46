"""The pure achievement (capaian) function, table-driven.

Every expected value below was worked out by hand; the arithmetic is written
next to each row. Nothing is copied from the engine's output.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from sakipcalc import Figure, Indicator, Rounding, RoundingMode, Status, TargetSpec, achievement
from sakipcalc._scales import CompiledScale, ScaleBand, parse_interval
from sakipcalc.models import (
    AchievementFrom,
    ExactRule,
    LowerRule,
    NegativeRule,
    Polarity,
    RangeTarget,
    Scale,
    ZeroTargetPolicy,
)
from sakipcalc.results import MissingInput

STANDARD = Path(__file__).resolve().parent.parent / "specs" / "standard"

HIGHER = {"polarity": Polarity.HIGHER_IS_BETTER}
LOWER = {"polarity": Polarity.LOWER_IS_BETTER, "lower_rule": LowerRule.OFFICIAL}
INVERSE = {"polarity": Polarity.LOWER_IS_BETTER, "lower_rule": LowerRule.INVERSE}
DEVIATION = {"polarity": Polarity.EXACT, "exact_rule": ExactRule.DEVIATION}
BINARY = {"polarity": Polarity.EXACT, "exact_rule": ExactRule.BINARY}

MODES = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.TRUNCATE)
CAPS = (None, "100", "120", "150")


# ------------------------------------------------------------------ helpers


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def make_indicator(**kwargs: Any) -> Indicator:
    fields: dict[str, Any] = {"id": "ind", "name": "Indicator", "unit": "%"}
    fields.update(kwargs)
    return Indicator(**fields)


def value(text: str | int) -> TargetSpec:
    return TargetSpec(value=D(text))


def span(low: str | int, high: str | int) -> TargetSpec:
    return TargetSpec(range=RangeTarget(min=D(low), max=D(high)))


def real(text: str | int, rounded: str | int | None = None) -> Figure:
    """A computed realisation; ``rounded`` defaults to the raw value (already 2 places)."""
    raw = D(text)
    return Figure(Status.OK, raw=raw, rounded=D(rounded) if rounded is not None else raw)


def grade(label: str) -> Figure:
    """A realisation given as a grade label (as the engine builds it from data)."""
    return Figure(Status.OK, grade=label)


def score(text: str, label: str) -> Figure:
    """A numeric score realisation that the engine also mapped to a grade."""
    raw = D(text)
    return Figure(Status.OK, raw=raw, rounded=raw, grade=label)


def rounding(
    mode: RoundingMode = RoundingMode.HALF_UP,
    places: int = 2,
    source: AchievementFrom = AchievementFrom.ROUNDED,
) -> Rounding:
    return Rounding(places=places, mode=mode, achievement_from=source)


def compute(
    kind: dict[str, Any],
    target: TargetSpec | None,
    realisation: Figure,
    *,
    mode: RoundingMode = RoundingMode.HALF_UP,
    cap: str | None = None,
    places: int = 2,
    source: AchievementFrom = AchievementFrom.ROUNDED,
    scale: CompiledScale | None = None,
    indicator_extra: dict[str, Any] | None = None,
    period: str = "",
) -> Figure:
    indicator = make_indicator(**kind, **(indicator_extra or {}))
    return achievement(
        indicator,
        target,
        realisation,
        rounding(mode, places, source),
        scale,
        D(cap) if cap is not None else None,
        period=period,
    )


def akip_scale() -> CompiledScale:
    """The standard AKIP grade scale, compiled from specs/standard/akip.yaml."""
    document = yaml.safe_load((STANDARD / "akip.yaml").read_text(encoding="utf-8"))
    scale = Scale.model_validate(document["scales"][0])
    bands = tuple(
        ScaleBand(band, parse_interval(band.range), index + 1)
        for index, band in enumerate(scale.bands)
    )
    return CompiledScale(scale, bands)


AKIP = akip_scale()


# -------------------------------------------- polarity × rounding × cap grid
#
# Each scenario: polarity, target, realisation, the exact raw achievement (by
# hand) and the rounded value under half_up / half_even / truncate. The grid
# test crosses every scenario with every mode and every cap (none, 100, 120,
# 150): a cap below the raw value replaces the printed (rounded) figure while
# raw keeps the uncapped arithmetic; otherwise the uncapped value stands.

SCENARIOS = [
    # higher is better: R / T × 100
    # 92.15 / 200 × 100 = 46.075 → half_up 46.08, half_even 46.08 (7 is odd), truncate 46.07
    ("higher-46.075", HIGHER, "200", "92.15", "46.075", ("46.08", "46.08", "46.07")),
    # 220.25 / 200 × 100 = 110.125 → 110.13 / 110.12 (2 is even) / 110.12
    ("higher-110.125", HIGHER, "200", "220.25", "110.125", ("110.13", "110.12", "110.12")),
    # 314.09 / 200 × 100 = 157.045 → 157.05 / 157.04 (4 is even) / 157.04
    ("higher-157.045", HIGHER, "200", "314.09", "157.045", ("157.05", "157.04", "157.04")),
    # the Tanah Laut report's 2021 figure: 49.01 / 20 × 100 = 245.05, exact in every mode
    ("higher-tanah-laut-245.05", HIGHER, "20", "49.01", "245.05", ("245.05", "245.05", "245.05")),
    # lower is better, official: (2T − R) / T × 100
    # (2×8 − 6.5) / 8 × 100 = 9.5 / 8 × 100 = 118.75
    ("lower-118.75", LOWER, "8", "6.5", "118.75", ("118.75", "118.75", "118.75")),
    # (2×200 − 85.91) / 200 × 100 = 314.09 / 2 = 157.045
    ("lower-157.045", LOWER, "200", "85.91", "157.045", ("157.05", "157.04", "157.04")),
    # (2×400 − 800.3) / 400 × 100 = −0.3 / 4 = −0.075: half_up away from zero −0.08,
    # half_even −0.08 (7 is odd), truncate toward zero −0.07 (under 'negative: allow';
    # the default floor is tested in test_policies.py)
    (
        "lower-negative",
        {**LOWER, "negative": NegativeRule.ALLOW},
        "400",
        "800.3",
        "-0.075",
        ("-0.08", "-0.08", "-0.07"),
    ),
    # lower is better, inverse: T / R × 100
    # 18.43 / 40 × 100 = 46.075
    ("inverse-46.075", INVERSE, "18.43", "40", "46.075", ("46.08", "46.08", "46.07")),
    # 8 / 6.4 × 100 = 1.25 × 100 = 125
    ("inverse-125", INVERSE, "8", "6.4", "125", ("125.00", "125.00", "125.00")),
    # 314.09 / 200 × 100 = 157.045
    ("inverse-157.045", INVERSE, "314.09", "200", "157.045", ("157.05", "157.04", "157.04")),
    # exact, deviation: (1 − |R − T| / T) × 100
    # |107.85 − 200| / 200 = 92.15 / 200 = 0.46075 → (1 − 0.46075) × 100 = 53.925
    ("deviation-under", DEVIATION, "200", "107.85", "53.925", ("53.93", "53.92", "53.92")),
    # |292.15 − 200| / 200 = 0.46075 as well: overshooting costs as much as falling short
    ("deviation-over", DEVIATION, "200", "292.15", "53.925", ("53.93", "53.92", "53.92")),
    # R = T: (1 − 0) × 100 = 100
    ("deviation-hit", DEVIATION, "40", "40", "100", ("100.00", "100.00", "100.00")),
    # R = 3T: (1 − 2) × 100 = −100
    (
        "deviation-far",
        {**DEVIATION, "negative": NegativeRule.ALLOW},
        "5",
        "15",
        "-100",
        ("-100.00", "-100.00", "-100.00"),
    ),
    # exact, binary: 100 when R = T, else 0
    ("binary-hit", BINARY, "5", "5", "100", ("100.00", "100.00", "100.00")),
    ("binary-miss", BINARY, "5", "5.01", "0", ("0.00", "0.00", "0.00")),
]

CAP_TEXT = {"100": "100.00", "120": "120.00", "150": "150.00"}


@pytest.mark.parametrize("cap", CAPS, ids=lambda c: f"cap-{c}")
@pytest.mark.parametrize("mode_index", [0, 1, 2], ids=[m.value for m in MODES])
@pytest.mark.parametrize(
    ("kind", "target", "realisation", "raw", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in SCENARIOS],
)
def test_polarity_rounding_cap_grid(
    kind: dict[str, Any],
    target: str,
    realisation: str,
    raw: str,
    expected: tuple[str, str, str],
    mode_index: int,
    cap: str | None,
) -> None:
    figure = compute(kind, value(target), real(realisation), mode=MODES[mode_index], cap=cap)
    assert figure.status is Status.OK
    if cap is not None and D(raw) > D(cap):
        assert figure.raw == D(raw)
        assert str(figure.rounded) == CAP_TEXT[cap]
        assert f"capped at {cap}" in figure.trace
    else:
        assert figure.raw == D(raw)
        assert str(figure.rounded) == expected[mode_index]
        assert "capped" not in figure.trace


# ----------------------------------------------------------- named examples


@pytest.mark.parametrize(
    ("kind", "target", "realisation", "expected"),
    [
        # DOMAIN §3: higher is better, R / T × 100. 41.42 / 100 × 100 = 41.42
        pytest.param(HIGHER, value(100), real("41.42"), "41.42", id="higher-tanah-laut-41.42"),
        # 13.32 / 25 × 100 = 53.28 (the Tanah Laut report's % mandiri)
        pytest.param(HIGHER, value(25), real("13.32"), "53.28", id="higher-tanah-laut-53.28"),
        # lower, official: target 8, realisation 6.5 → (16 − 6.5) / 8 × 100 = 118.75
        pytest.param(LOWER, value(8), real("6.5"), "118.75", id="lower-official-domain"),
        # lower, official, worse than target: (16 − 10) / 8 × 100 = 75
        pytest.param(LOWER, value(8), real(10), "75.00", id="lower-official-worse"),
        # lower, official, R = 0 is fine: (2×5 − 0) / 5 × 100 = 200
        pytest.param(LOWER, value(5), real(0), "200.00", id="lower-official-zero-real"),
        # lower, inverse: 8 / 6.5 × 100 = 123.0769… → 123.08
        pytest.param(INVERSE, value(8), real("6.5"), "123.08", id="lower-inverse-domain"),
        # lower, inverse, worse: 8 / 10 × 100 = 80
        pytest.param(INVERSE, value(8), real(10), "80.00", id="lower-inverse-worse"),
    ],
)
def test_named_examples(
    kind: dict[str, Any], target: TargetSpec, realisation: Figure, expected: str
) -> None:
    figure = compute(kind, target, realisation)
    assert figure.status is Status.OK
    assert str(figure.rounded) == expected


def test_lower_official_and_inverse_differ() -> None:
    # The spec must name its rule, because they disagree: 118.75 vs 8 / 6.5 × 100 = 123.08.
    official = compute(LOWER, value(8), real("6.5"))
    inverse = compute(INVERSE, value(8), real("6.5"))
    assert (official.rounded, inverse.rounded) == (D("118.75"), D("123.08"))


def test_official_is_the_default_lower_rule() -> None:
    figure = compute({"polarity": Polarity.LOWER_IS_BETTER}, value(8), real("6.5"))
    assert figure.rounded == D("118.75")


def test_traces_show_the_formula() -> None:
    assert (
        compute(LOWER, value(8), real("6.5")).trace == "(2 × 8 − 6.5) / 8 × 100 = 118.75 → 118.75"
    )
    assert compute(HIGHER, value(25), real("13.32")).trace == "13.32 / 25 × 100 = 53.28 → 53.28"


# ------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("kind", "target", "realisation", "mode", "expected"),
    [
        # Regulation: higher, 80–90, R = 70 → against the lower bound: 70 / 80 × 100 = 87.5
        pytest.param(HIGHER, span(80, 90), "70", MODES[0], "87.50", id="higher-below"),
        # higher, 80–90, R = 95 → against the upper bound: 95 / 90 × 100 = 105.5555…
        pytest.param(HIGHER, span(80, 90), "95", MODES[0], "105.56", id="higher-above-half-up"),
        pytest.param(HIGHER, span(80, 90), "95", MODES[2], "105.55", id="higher-above-truncate"),
        # inside (and on both bounds) → 100
        pytest.param(HIGHER, span(80, 90), "85", MODES[0], "100.00", id="higher-inside"),
        pytest.param(HIGHER, span(80, 90), "80", MODES[0], "100.00", id="higher-at-min"),
        pytest.param(HIGHER, span(80, 90), "90", MODES[0], "100.00", id="higher-at-max"),
        # Regulation: lower, 7–8, R = 6.5 → (2×7 − 6.5) / 7 × 100 = 7.5 / 7 × 100
        # = 107.142857… → 107.14 (every mode: the third decimal is 2)
        pytest.param(LOWER, span(7, 8), "6.5", MODES[0], "107.14", id="lower-below-half-up"),
        pytest.param(LOWER, span(7, 8), "6.5", MODES[1], "107.14", id="lower-below-half-even"),
        pytest.param(LOWER, span(7, 8), "6.5", MODES[2], "107.14", id="lower-below-truncate"),
        # Regulation: lower, 7–8, R = 9 → (2×8 − 9) / 8 × 100 = 7 / 8 × 100 = 87.5
        pytest.param(LOWER, span(7, 8), "9", MODES[0], "87.50", id="lower-above"),
        # inside → 100
        pytest.param(LOWER, span(7, 8), "7.5", MODES[0], "100.00", id="lower-inside"),
        pytest.param(LOWER, span(7, 8), "7", MODES[0], "100.00", id="lower-at-min"),
        pytest.param(LOWER, span(7, 8), "8", MODES[0], "100.00", id="lower-at-max"),
        # inverse rule on a range: below → 7 / 6.5 × 100 = 107.6923… → 107.69
        pytest.param(INVERSE, span(7, 8), "6.5", MODES[0], "107.69", id="inverse-below"),
        # above → 8 / 9 × 100 = 88.888… → half_up 88.89, truncate 88.88
        pytest.param(INVERSE, span(7, 8), "9", MODES[0], "88.89", id="inverse-above-half-up"),
        pytest.param(INVERSE, span(7, 8), "9", MODES[2], "88.88", id="inverse-above-truncate"),
        # exact polarity on a range: inside → 100; above → (1 − |95 − 90| / 90) × 100
        # = (1 − 0.0555…) × 100 = 94.444… → 94.44
        pytest.param(DEVIATION, span(80, 90), "85", MODES[0], "100.00", id="exact-inside"),
        pytest.param(DEVIATION, span(80, 90), "95", MODES[0], "94.44", id="exact-above"),
    ],
)
def test_range_targets(
    kind: dict[str, Any], target: TargetSpec, realisation: str, mode: RoundingMode, expected: str
) -> None:
    figure = compute(kind, target, real(realisation), mode=mode)
    assert figure.status is Status.OK
    assert str(figure.rounded) == expected


def test_range_trace_names_the_range() -> None:
    figure = compute(LOWER, span(7, 8), real("6.5"))
    assert "(2 × 7 − 6.5) / 7 × 100" in figure.trace
    assert "outside 7–8" in figure.trace
    assert figure.trace.endswith("→ 107.14")


# ------------------------------------------------------- not computable


@pytest.mark.parametrize("kind", [HIGHER, LOWER, INVERSE, DEVIATION, BINARY])
def test_zero_target_is_not_computable(kind: dict[str, Any]) -> None:
    figure = compute(kind, value(0), real(5))
    assert figure.status is Status.NOT_COMPUTABLE
    assert not figure.ok
    assert figure.raw is None and figure.rounded is None
    assert figure.reason is not None and "zero target" in figure.reason
    assert "zero_target" in figure.reason  # and it says how to declare a policy
    assert figure.display() == "n/a"


def test_zero_target_range_bound_is_not_computable() -> None:
    # higher, range 0–10, R = −1 is below the range: R / 0 has no value.
    figure = compute(HIGHER, span(0, 10), real(-1))
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None and "zero target" in figure.reason


POLICY = {"zero_target": ZeroTargetPolicy(met=D(100), missed=D(0))}


@pytest.mark.parametrize(
    ("kind", "realisation", "expected"),
    [
        # higher is better: R ≥ 0 meets a target of 0
        pytest.param(HIGHER, "0", "100.00", id="higher-zero-met"),
        pytest.param(HIGHER, "3", "100.00", id="higher-above-met"),
        # lower is better: R ≤ 0 meets it, anything above misses
        pytest.param(LOWER, "0", "100.00", id="lower-met"),
        pytest.param(LOWER, "2", "0.00", id="lower-missed"),
        pytest.param(INVERSE, "0", "100.00", id="inverse-met"),
        pytest.param(INVERSE, "0.5", "0.00", id="inverse-missed"),
        # exact: only R = 0 meets it
        pytest.param(DEVIATION, "0", "100.00", id="exact-met"),
        pytest.param(DEVIATION, "1", "0.00", id="exact-missed"),
    ],
)
def test_zero_target_policy(kind: dict[str, Any], realisation: str, expected: str) -> None:
    figure = compute(kind, value(0), real(realisation), indicator_extra=POLICY)
    assert figure.status is Status.OK
    assert str(figure.rounded) == expected
    assert "zero_target policy" in figure.trace


def test_zero_target_policy_values_are_the_declared_ones() -> None:
    extra = {"zero_target": ZeroTargetPolicy(met=D("110"), missed=D("25.5"))}
    met = compute(LOWER, value(0), real(0), indicator_extra=extra)
    missed = compute(LOWER, value(0), real(1), indicator_extra=extra)
    assert (str(met.rounded), str(missed.rounded)) == ("110.00", "25.50")


def test_zero_realisation_under_inverse_is_not_computable() -> None:
    figure = compute(INVERSE, value(5), real(0))
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None and "zero realisation" in figure.reason


@pytest.mark.parametrize("period", ["", "2022"])
def test_missing_target_is_not_computable(period: str) -> None:
    figure = compute(HIGHER, None, real(5), period=period)
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason == ("no target for 2022" if period else "no target")


def test_missing_realisation_stays_missing_data() -> None:
    missing = (MissingInput("pmks_handled", "abh", "2022"),)
    figure = compute(HIGHER, value(100), Figure.missing_data(missing))
    assert figure.status is Status.MISSING_DATA
    assert figure.missing == missing
    assert figure.reason is not None and "pmks_handled[abh] in 2022" in figure.reason


def test_not_computable_realisation_propagates() -> None:
    figure = compute(HIGHER, value(100), Figure.not_computable("zero denominator: x is 0"))
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None
    assert "realisation is not computable" in figure.reason
    assert "zero denominator" in figure.reason


# -------------------------------------------------------------------- caps


@pytest.mark.parametrize(
    ("cap", "expected"),
    [
        # No cap by default: the Tanah Laut report prints 49.01 / 20 × 100 = 245.05 uncapped.
        pytest.param(None, "245.05", id="none"),
        pytest.param("100", "100.00", id="100"),
        pytest.param("110", "110.00", id="110"),
        pytest.param("120", "120.00", id="120"),
        pytest.param("150", "150.00", id="150"),
        pytest.param("300", "245.05", id="300-not-reached"),
        pytest.param("245.05", "245.05", id="equal-to-cap"),
    ],
)
def test_caps_on_the_tanah_laut_2021_figure(cap: str | None, expected: str) -> None:
    figure = compute(HIGHER, value(20), real("49.01"), cap=cap)
    assert str(figure.rounded) == expected


def test_cap_applies_to_lower_is_better() -> None:
    # (2×8 − 2) / 8 × 100 = 175 → capped at 150
    figure = compute(LOWER, value(8), real(2), cap="150")
    assert str(figure.rounded) == "150.00"
    assert "capped at 150" in figure.trace


def test_cap_does_not_raise_low_values() -> None:
    # 60 / 80 × 100 = 75, below every cap
    assert str(compute(HIGHER, value(80), real(60), cap="100").rounded) == "75.00"


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("mode", "places", "target", "realisation", "expected"),
    [
        # the Tanah Laut report's printed 46.07: 18.43 / 40 × 100 = 46.075
        pytest.param(MODES[0], 2, "40", "18.43", "46.08", id="half-up-46.075"),
        pytest.param(MODES[1], 2, "40", "18.43", "46.08", id="half-even-46.075-odd"),
        pytest.param(MODES[2], 2, "40", "18.43", "46.07", id="truncate-46.075"),
        # 1 / 800 × 100 = 0.125: half_up 0.13, half_even 0.12 (2 is even), truncate 0.12
        pytest.param(MODES[0], 2, "800", "1", "0.13", id="half-up-0.125"),
        pytest.param(MODES[1], 2, "800", "1", "0.12", id="half-even-0.125"),
        pytest.param(MODES[2], 2, "800", "1", "0.12", id="truncate-0.125"),
        # 100 / 15 = 6.666… × 100 = 666.666…: truncation prints 666.66 (DOMAIN §3)
        pytest.param(MODES[2], 2, "15", "100", "666.66", id="truncate-666.66"),
        pytest.param(MODES[0], 2, "15", "100", "666.67", id="half-up-666.67"),
        # 87.93 / 89 × 100 = 98.797752… → half_up 98.80
        pytest.param(MODES[0], 2, "89", "87.93", "98.80", id="half-up-98.80"),
        # other places: 46.075 → 1 place: half_up 46.1, truncate 46.0; 0 places: 46
        pytest.param(MODES[0], 1, "40", "18.43", "46.1", id="one-place-half-up"),
        pytest.param(MODES[2], 1, "40", "18.43", "46.0", id="one-place-truncate"),
        pytest.param(MODES[0], 0, "40", "18.43", "46", id="no-places"),
        # 3 / 8 × 100 = 37.5 → 0 places: half_up 38, half_even 38 (7 is odd), truncate 37
        pytest.param(MODES[0], 0, "8", "3", "38", id="zero-places-half-up"),
        pytest.param(MODES[1], 0, "8", "3", "38", id="zero-places-half-even"),
        pytest.param(MODES[2], 0, "8", "3", "37", id="zero-places-truncate"),
        # 5 / 8 × 100 = 62.5 → 0 places: half_even 62 (2 is even), half_up 63
        pytest.param(MODES[1], 0, "8", "5", "62", id="zero-places-half-even-down"),
        pytest.param(MODES[0], 0, "8", "5", "63", id="zero-places-half-up-up"),
    ],
)
def test_rounding_modes(
    mode: RoundingMode, places: int, target: str, realisation: str, expected: str
) -> None:
    figure = compute(HIGHER, value(target), real(realisation), mode=mode, places=places)
    assert str(figure.rounded) == expected


# 10086 / 75695 × 100 = 13.324526058524341… (the Tanah Laut report's % mandiri); printed 13.32.
MANDIRI_RAW = "13.32452605852434"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # rounded: 13.32 / 25 × 100 = 53.28 (what the Tanah Laut report prints)
        pytest.param(AchievementFrom.ROUNDED, "53.28", id="rounded"),
        # raw: 13.3245260585… / 25 × 100 = 13.3245260585… × 4 = 53.298104234… → 53.30
        pytest.param(AchievementFrom.RAW, "53.30", id="raw"),
    ],
)
def test_achievement_from(source: AchievementFrom, expected: str) -> None:
    figure = compute(HIGHER, value(25), real(MANDIRI_RAW, "13.32"), source=source)
    assert str(figure.rounded) == expected


def test_achievement_from_with_lower_polarity() -> None:
    # realisation raw 6.496, printed 6.50:
    # rounded: (16 − 6.50) / 8 × 100 = 118.75; raw: (16 − 6.496) / 8 × 100 = 9.504 / 8 × 100 = 118.8
    rounded = compute(LOWER, value(8), real("6.496", "6.50"), source=AchievementFrom.ROUNDED)
    raw = compute(LOWER, value(8), real("6.496", "6.50"), source=AchievementFrom.RAW)
    assert (str(rounded.rounded), str(raw.rounded)) == ("118.75", "118.80")


# ----------------------------------------------------------- grade targets


def grade_kind() -> dict[str, Any]:
    return {"polarity": Polarity.HIGHER_IS_BETTER, "scale": "akip", "unit": "predikat"}


@pytest.mark.parametrize(
    ("target", "realisation", "mode", "expected"),
    [
        # positions D=1, C=2, CC=3, B=4, BB=5, A=6, AA=7
        # BB vs BB: 5 / 5 × 100 = 100 (the Tanah Laut report's nilai AKIP)
        pytest.param(TargetSpec(grade="BB"), grade("BB"), MODES[0], "100.00", id="BB-vs-BB"),
        # target A, realisation BB: 5 / 6 × 100 = 83.333… → 83.33
        pytest.param(TargetSpec(grade="A"), grade("BB"), MODES[0], "83.33", id="A-vs-BB"),
        # target BB, realisation A: 6 / 5 × 100 = 120
        pytest.param(TargetSpec(grade="BB"), grade("A"), MODES[0], "120.00", id="BB-vs-A"),
        # target AA, realisation D: 1 / 7 × 100 = 14.285714… → half_up 14.29, truncate 14.28
        pytest.param(TargetSpec(grade="AA"), grade("D"), MODES[0], "14.29", id="AA-vs-D"),
        pytest.param(TargetSpec(grade="AA"), grade("D"), MODES[2], "14.28", id="AA-vs-D-trunc"),
        # target A, realisation CC: 3 / 6 × 100 = 50
        pytest.param(TargetSpec(grade="A"), grade("CC"), MODES[0], "50.00", id="A-vs-CC"),
        # score target 80 is BB (lower bounds exclusive: (70, 80]); BB vs BB → 100
        pytest.param(value(80), grade("BB"), MODES[0], "100.00", id="score80-vs-BB"),
        # score target 80 (BB, 5) vs A (6): 6 / 5 × 100 = 120
        pytest.param(value(80), grade("A"), MODES[0], "120.00", id="score80-vs-A"),
        # score target 80.01 is A (6): BB realisation 5 / 6 × 100 = 83.33
        pytest.param(value("80.01"), grade("BB"), MODES[0], "83.33", id="score80.01-vs-BB"),
        # grade target A vs score realisations:
        # 80 → BB (5): 5 / 6 × 100 = 83.33
        pytest.param(TargetSpec(grade="A"), score("80", "BB"), MODES[0], "83.33", id="A-vs-80"),
        # 80.01 → A (6): 6 / 6 × 100 = 100
        pytest.param(
            TargetSpec(grade="A"), score("80.01", "A"), MODES[0], "100.00", id="A-vs-80.01"
        ),
        # 90 → A (upper bound of (80, 90] is inclusive): 100
        pytest.param(TargetSpec(grade="A"), score("90", "A"), MODES[0], "100.00", id="A-vs-90"),
        # 90.5 → AA (7): 7 / 6 × 100 = 116.666… → 116.67
        pytest.param(
            TargetSpec(grade="A"), score("90.5", "AA"), MODES[0], "116.67", id="A-vs-90.5"
        ),
        # 30 → D (1): 1 / 6 × 100 = 16.666… → 16.67
        pytest.param(TargetSpec(grade="A"), score("30", "D"), MODES[0], "16.67", id="A-vs-30"),
        # 30.01 → C (2): 2 / 6 × 100 = 33.333… → 33.33
        pytest.param(
            TargetSpec(grade="A"), score("30.01", "C"), MODES[0], "33.33", id="A-vs-30.01"
        ),
    ],
)
def test_grade_targets(
    target: TargetSpec, realisation: Figure, mode: RoundingMode, expected: str
) -> None:
    figure = compute(grade_kind(), target, realisation, mode=mode, scale=AKIP)
    assert figure.status is Status.OK
    assert str(figure.rounded) == expected


def test_grade_trace_shows_positions() -> None:
    figure = compute(grade_kind(), TargetSpec(grade="A"), grade("BB"), scale=AKIP)
    assert figure.trace.startswith("position 5 (BB) / position 6 (A) × 100")


def test_grade_achievement_is_capped_like_any_other() -> None:
    # BB target, AA realisation: 7 / 5 × 100 = 140 → cap 120
    figure = compute(grade_kind(), TargetSpec(grade="BB"), grade("AA"), scale=AKIP, cap="120")
    assert str(figure.rounded) == "120.00"


@pytest.mark.parametrize(
    ("target", "realisation", "scale", "reason"),
    [
        pytest.param(TargetSpec(grade="BB"), grade("BB"), None, "grade scale", id="no-scale"),
        pytest.param(
            TargetSpec(grade="BB"), grade("Z"), AKIP, "'Z' is not a grade", id="bad-label"
        ),
        pytest.param(
            TargetSpec(grade="BB"), score("100.5", "?"), AKIP, "falls in no band", id="off-scale"
        ),
        pytest.param(span(70, 80), grade("BB"), AKIP, "range", id="range-vs-grade"),
    ],
)
def test_grade_not_computable(
    target: TargetSpec, realisation: Figure, scale: CompiledScale | None, reason: str
) -> None:
    figure = compute(grade_kind(), target, realisation, scale=scale)
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None and reason in figure.reason


def test_grid_covers_every_polarity_variant() -> None:
    # The grid crosses five polarity variants with three modes and four cap settings.
    kinds = {
        (k.get("polarity"), k.get("lower_rule"), k.get("exact_rule")) for _, k, *_ in SCENARIOS
    }
    assert len(kinds) == 5


# ------------------------------------------------ grade positions under each policy


def test_score_position_from_raw_policy() -> None:
    # achievement_from raw: raw 80.004 is above 80, so A (6); against BB (5): 6 / 5 × 100 = 120
    realisation = Figure(Status.OK, raw=D("80.004"), rounded=D("80.00"), grade="A")
    figure = compute(
        grade_kind(), TargetSpec(grade="BB"), realisation, scale=AKIP, source=AchievementFrom.RAW
    )
    assert str(figure.rounded) == "120.00"


def test_score_position_follows_achievement_from_rounded() -> None:
    # raw 80.004 is printed 80.00, and 80.00 is BB (70, 80]: BB against BB is 5 / 5 × 100 = 100
    realisation = Figure(Status.OK, raw=D("80.004"), rounded=D("80.00"), grade="A")
    figure = compute(
        grade_kind(),
        TargetSpec(grade="BB"),
        realisation,
        scale=AKIP,
        source=AchievementFrom.ROUNDED,
    )
    assert str(figure.rounded) == "100.00"


@pytest.mark.parametrize("kind", [LOWER, INVERSE, DEVIATION], ids=["official", "inverse", "exact"])
def test_grade_target_respects_polarity(kind: dict[str, Any]) -> None:
    # Lower is better (or exact), target BB (position 5), realisation A (position 6):
    # the realisation misses the target, so the achievement must not exceed 100
    # (e.g. official on positions: (2×5 − 6) / 5 × 100 = 80), or it is refused.
    figure = compute(
        {**kind, "scale": "akip", "unit": "predikat"},
        TargetSpec(grade="BB"),
        grade("A"),
        scale=AKIP,
    )
    assert figure.status is not Status.OK or (figure.rounded is not None and figure.rounded <= 100)
