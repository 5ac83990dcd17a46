"""The enumerations of the spec format: polarity, rules, rounding modes, kinds, levels.

Plain :class:`enum.StrEnum` types, re-exported by :mod:`sakipcalc.models`;
they need no pydantic, so results and renderers may use them cheaply.
"""

from __future__ import annotations

import enum

__all__ = [
    "AchievementFrom",
    "Domain",
    "EfficiencyRule",
    "ExactRule",
    "LowerRule",
    "NegativeRule",
    "OrgLevel",
    "Polarity",
    "QuarterRule",
    "Rollup",
    "RoundingMode",
    "ScaleKind",
]


class Polarity(enum.StrEnum):
    """Which direction is better (arah)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    EXACT = "exact"


class LowerRule(enum.StrEnum):
    """Achievement formula for lower-is-better indicators."""

    OFFICIAL = "official"  # (2T - R) / T x 100, PermenPANRB 8/2021 "kondisi khusus"
    INVERSE = "inverse"  # T / R x 100, used by many regional applications


class ExactRule(enum.StrEnum):
    """Achievement formula for exact targets."""

    DEVIATION = "deviation"  # (1 - |R - T| / T) x 100
    BINARY = "binary"  # 100 when R == T, else 0


class RoundingMode(enum.StrEnum):
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    TRUNCATE = "truncate"


class AchievementFrom(enum.StrEnum):
    """Whether achievement is computed from the rounded or the raw realisation."""

    ROUNDED = "rounded"
    RAW = "raw"


class Domain(enum.StrEnum):
    """What values a variable may take."""

    COUNT = "count"  # non-negative whole numbers
    PERCENTAGE = "percentage"  # 0-100
    RUPIAH = "rupiah"  # non-negative money, at most 2 decimals
    SCORE = "score"  # a score on a declared scale (e.g. AKIP 0-100)
    GRADE = "grade"  # an ordinal grade label on a declared scale
    NUMBER = "number"  # any finite decimal


class ScaleKind(enum.StrEnum):
    GRADE = "grade"  # ordinal grades with score bands (AKIP AA ... D)
    CATEGORY = "category"  # achievement categories (Sangat Tinggi ... Sangat Rendah)


class Rollup(enum.StrEnum):
    MEAN = "mean"
    WEIGHTED_MEAN = "weighted_mean"
    MIN = "min"
    RATIO_OF_SUMS = "ratio_of_sums"


class QuarterRule(enum.StrEnum):
    """How the annual realisation derives from quarterly ones."""

    SUM = "sum"  # per-quarter counts add up
    LAST = "last"  # cumulative figures: Q4 is the year
    MEAN = "mean"
    MAX = "max"


class NegativeRule(enum.StrEnum):
    """What a computed achievement below 0 becomes (e.g. lower-is-better, R > 2T)."""

    FLOOR = "floor"  # printed as 0; raw keeps the arithmetic
    ALLOW = "allow"  # printed as computed, below 0
    NOT_COMPUTABLE = "not_computable"  # refused, with the arithmetic as the reason


class EfficiencyRule(enum.StrEnum):
    ACHIEVEMENT_MINUS_ABSORPTION = "achievement_minus_absorption"


# ---------------------------------------------------------------- components


class OrgLevel(enum.StrEnum):
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"
