"""Frozen pydantic models of the spec format: shape only, no rules.

A spec file is a YAML mapping whose top-level keys are the sections of
:class:`SpecFile`. A spec is a directory (or a list of files) whose sections
are merged into one :class:`Spec`; cross-file rules live in ``_validation``.
Field docs here become the JSON Schema descriptions that editors show.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from ._types import (
    Dec,
    Flag,
    Ident,
    IndicatorCap,
    Int,
    Period,
    SpecCap,
    Text,
    parse_decimal_text,
)

K = TypeVar("K")
V = TypeVar("V")


def _freeze(value: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(value))


FrozenMap = Annotated[Mapping[K, V], AfterValidator(_freeze)]


class Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=False,
        use_enum_values=False,
        hide_input_in_errors=True,
    )


# --------------------------------------------------------------------- enums


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


class Rounding(Model):
    """How printed figures are rounded (declared, never guessed)."""

    places: Int = Field(2, ge=0, le=10, description="decimal places")
    mode: RoundingMode = RoundingMode.HALF_UP
    achievement_from: AchievementFrom = Field(
        AchievementFrom.ROUNDED,
        description="compute achievement from the rounded or the raw realisation",
    )


class RoundingOverride(Model):
    places: Int | None = Field(None, ge=0, le=10)
    mode: RoundingMode | None = None
    achievement_from: AchievementFrom | None = None


class BudgetRounding(Model):
    """How absorption (penyerapan) is rounded; unset fields follow the spec's rounding."""

    places: Int | None = Field(None, ge=0, le=10)
    mode: RoundingMode | None = None


class RangeTarget(Model):
    min: Dec
    max: Dec


def _target_input(value: Any) -> Any:
    """``25`` -> number; ``BB`` -> grade; ``{min, max}`` -> range."""
    if value is None:
        raise ValueError(
            "the target is empty: write a number (25), a grade (BB) or a range "
            "{min: 80, max: 90}, or remove this period"
        )
    if isinstance(value, dict):
        if "min" in value or "max" in value:
            return {"range": value}  # the range model names any missing or extra key
        raise ValueError(
            "a target is a number (25), a grade (BB) or a range {min: 80, max: 90}; "
            f"a mapping with {', '.join(map(str, value)) or 'no keys'} is none of them"
        )
    if isinstance(value, str):
        try:
            return {"value": parse_decimal_text(value)}
        except ValueError as exc:
            if value and value[0].isalpha() and value.replace("+", "").isalnum():
                return {"grade": value}
            raise exc
    return value


class TargetSpec(Model):
    """A target: a number, a grade label, or a range ``{min, max}``."""

    value: Dec | None = None
    grade: Text | None = None
    range: RangeTarget | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TargetSpec:
        given = [name for name in ("value", "grade", "range") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "a target is exactly one of a number, a grade or a range"
                + (f"; this one has {' and '.join(given)}" if given else "")
            )
        return self

    def describe(self) -> str:
        if self.value is not None:
            return str(self.value)
        if self.grade is not None:
            return self.grade
        if self.range is not None:
            return f"{self.range.min}–{self.range.max}"
        return "?"


_TARGET_SCHEMA: dict[str, Any] = {
    "description": "a number (25), a grade label (BB) or a range {min: 80, max: 90}",
    "anyOf": [
        {"type": "number"},
        {"type": "string"},
        {
            "type": "object",
            "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
            "required": ["min", "max"],
            "additionalProperties": False,
        },
    ],
}

Target = Annotated[TargetSpec, BeforeValidator(_target_input), WithJsonSchema(_TARGET_SCHEMA)]


class Baseline(Model):
    period: Period
    value: Target


class ZeroTargetPolicy(Model):
    """What achievement a target of 0 gets: ``met`` when the realisation meets it, else ``missed``."""

    met: Dec
    missed: Dec


class Invariant(Model):
    """A property the spec author asserts about an indicator (checked by ``sakipcalc test``)."""

    range: RangeTarget | None = None
    increasing_in: Ident | None = None
    decreasing_in: Ident | None = None
    subset: tuple[Ident, Ident] | None = Field(
        None,
        description="[part, whole]: each category of part is at most that of whole; when "
        "they are broken down differently (or not at all), part's total is at most whole's",
    )


# -------------------------------------------------------------------- entities


class Category(Model):
    id: Ident
    name: Text | None = None


def _category_input(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class Breakdown(Model):
    """A list of categories data can be broken down by (e.g. the 26 PMKS types)."""

    id: Ident
    name: Text | None = None
    categories: tuple[
        Annotated[
            Category,
            BeforeValidator(_category_input),
            WithJsonSchema(
                {
                    "anyOf": [
                        {"type": "string"},
                        {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                            "required": ["id"],
                            "additionalProperties": False,
                        },
                    ]
                }
            ),
        ],
        ...,
    ]
    subsets: FrozenMap[Ident, tuple[Ident, ...]] = Field(default_factory=dict)


class Variable(Model):
    """An input measured each period, optionally broken down by category."""

    id: Ident
    name: Text | None = None
    domain: Domain = Domain.NUMBER
    unit: Text | None = None
    breakdown: Ident | None = None
    categories: tuple[Ident, ...] | None = Field(
        None, description="the categories this variable has data for (default: all)"
    )
    scale: Ident | None = Field(None, description="grade scale, for grade or score domains")
    quarters: QuarterRule | None = None


class Band(Model):
    label: Text
    name: Text | None = None
    range: Text = Field(description='interval such as "(90, 100]" or "[91, inf)"')
    colour: Text | None = None


class Scale(Model):
    """Grade scale or achievement categories. Bands run from lowest to highest."""

    id: Ident
    name: Text | None = None
    kind: ScaleKind
    bands: tuple[Band, ...] = Field(min_length=1)


class OrgLevel(enum.StrEnum):
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"


class OrgUnit(Model):
    id: Ident
    name: Text
    level: OrgLevel
    parent: Ident | None = None
    official: Text | None = Field(None, description="the position that signs, e.g. Kepala Dinas")
    holder: Text | None = None


PERCENT_UNITS = frozenset({"%", "persen", "percent"})


class Indicator(Model):
    """A performance indicator (indikator kinerja)."""

    id: Ident
    name: Text
    unit: Text = Field(description="satuan: '%', orang, dokumen, nilai, predikat …")
    formula: Text | None = Field(
        None, description="rumus; without one, the realisation is given directly in data"
    )
    polarity: Polarity = Polarity.HIGHER_IS_BETTER
    lower_rule: LowerRule = LowerRule.OFFICIAL
    exact_rule: ExactRule = ExactRule.DEVIATION
    scale: Ident | None = Field(None, description="grade scale for ordinal targets")
    category_scale: Ident | None = None
    owner: Ident | None = None
    tags: tuple[Text, ...] = ()
    baseline: Baseline | None = None
    targets: FrozenMap[Period, Target] = Field(default_factory=dict)
    end_target: Target | None = None
    rounding: RoundingOverride | None = None
    cap: IndicatorCap | None = None
    negative: NegativeRule = Field(
        NegativeRule.FLOOR,
        description="an achievement computed below 0: floor (printed as 0), allow, or "
        "not_computable",
    )
    zero_target: ZeroTargetPolicy | None = None
    quarters: QuarterRule | None = None
    allow_over_100: Flag = False
    weight: Dec | None = Field(None, ge=0)
    invariants: tuple[Invariant, ...] = ()
    description: Text | None = None

    @property
    def is_percent(self) -> bool:
        """Whether the unit is a percentage: targets and given realisations lie in 0–100."""
        return self.unit.strip().lower() in PERCENT_UNITS


class Goal(Model):
    """Tujuan."""

    id: Ident
    name: Text
    indicators: tuple[Ident, ...] = ()
    rollup: Rollup | None = None


class Objective(Model):
    """Sasaran."""

    id: Ident
    name: Text
    goal: Ident | None = None
    indicators: tuple[Ident, ...] = ()
    rollup: Rollup | None = None


class AgreementItem(Model):
    indicator: Ident
    target: Target
    objective: Ident | None = None


class Agreement(Model):
    """Perjanjian Kinerja: one official's yearly agreement."""

    id: Ident
    year: Int
    org_unit: Ident
    items: tuple[AgreementItem, ...] = ()
    source: Text | None = None


class Link(Model):
    """Cascading: ``child`` supports ``parent`` (pohon kinerja)."""

    parent: Ident
    child: Ident


class BudgetLine(Model):
    """A program, kegiatan or sub kegiatan. Parents may omit amounts: they are summed."""

    id: Ident
    name: Text
    code: Text | None = None
    ceiling: Dec | None = None
    spent: Dec | None = None
    indicators: tuple[Ident, ...] = ()
    children: tuple[BudgetLine, ...] = ()


class Budget(Model):
    year: Int
    ceiling: Dec | None = Field(None, description="declared grand total, checked against parts")
    spent: Dec | None = None
    programs: tuple[BudgetLine, ...] = ()
    source: Text | None = None
    rounding: BudgetRounding | None = Field(
        None, description="how this year's absorption is rounded (default: the spec's rounding)"
    )


class Efficiency(Model):
    rule: EfficiencyRule
    scale: Ident


class Plan(Model):
    start: Int
    end: Int
    baseline: Int | None = None


class SpecInfo(Model):
    """Spec-wide settings; exactly one file of a spec has this section."""

    id: Ident
    name: Text
    agency: Text | None = None
    plan: Plan
    rounding: Rounding = Field(default_factory=lambda: Rounding())
    category_scale: Ident | None = None
    rollup: Rollup = Rollup.MEAN
    efficiency: Efficiency | None = None
    cap: SpecCap | None = None
    locale: Literal["id", "en"] | None = Field(
        None,
        description="number format of imported CSV and XLSX data: id (75.695 and 13,32) or "
        "en (75,695 and 13.32)",
    )


class Reported(Model):
    """A figure as printed in a report, to be reconciled against recomputation."""

    source: Text = Field(description="where it is printed, e.g. 'Tabel 3.1'")
    period: Period | None = None
    indicator: Ident | None = None
    agreement: Ident | None = None
    budget_line: Ident | None = None
    budget_lines: tuple[Ident, ...] | None = Field(
        None, description="several budget lines whose printed subtotal this is"
    )
    budget_year: Int | None = Field(None, description="a budget year: its printed grand totals")
    expr: Text | None = Field(None, description="a formula whose value was printed")
    target: Target | None = None
    realisation: Target | None = Field(None, description="a number or a grade, as printed")
    achievement: Dec | None = None
    value: Dec | None = None
    ceiling: Dec | None = None
    spent: Dec | None = None
    absorption: Dec | None = None
    places: Int | None = Field(None, ge=0, le=10)
    note: Text | None = None


class SpecFile(Model):
    """One YAML file of a spec. Every section is optional."""

    sakipcalc: Int | None = Field(None, description="spec format version (1)")
    imports: tuple[Text, ...] = Field(
        (),
        description="other spec files or directories to load: paths relative to this file, "
        "or sakipcalc:standard for the standard scales shipped with sakipcalc",
    )
    spec: SpecInfo | None = None
    breakdowns: tuple[Breakdown, ...] = ()
    variables: tuple[Variable, ...] = ()
    scales: tuple[Scale, ...] = ()
    org_units: tuple[OrgUnit, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    goals: tuple[Goal, ...] = ()
    objectives: tuple[Objective, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    links: tuple[Link, ...] = ()
    budget: tuple[Budget, ...] = ()
    data: FrozenMap[Period, FrozenMap[Ident, Any]] = Field(
        default_factory=dict,
        description="realisations: period -> name -> number, grade, or {category: number}",
    )
    reported: tuple[Reported, ...] = ()
