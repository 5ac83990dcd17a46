"""Frozen pydantic models of the spec format: shape only, no rules.

A spec file is a YAML mapping whose top-level keys are the sections of
:class:`SpecFile`. A spec is a directory (or a list of files) whose sections
are merged into one :class:`Spec`; cross-file rules live in ``_validation``.
Field docs here become the JSON Schema descriptions that editors show.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from ._model_enums import (
    AchievementFrom,
    Domain,
    EfficiencyRule,
    ExactRule,
    LowerRule,
    NegativeRule,
    OrgLevel,
    Polarity,
    QuarterRule,
    Rollup,
    RoundingMode,
    ScaleKind,
)
from ._model_parts import (
    Baseline,
    BudgetRounding,
    FromRecords,
    FrozenMap,
    Invariant,
    Model,
    RangeTarget,
    RecordsTable,
    Rounding,
    RoundingOverride,
    Target,
    TargetSpec,
    ZeroTargetPolicy,
)
from ._model_report import Narrative, NarrativeByPeriod, NationalStandard, ReportLayout
from ._types import Dec, Flag, Ident, IndicatorCap, Int, Period, SpecCap, Text

__all__ = [
    "PERCENT_UNITS",
    "AchievementFrom",
    "Agreement",
    "AgreementItem",
    "Band",
    "Baseline",
    "Breakdown",
    "Budget",
    "BudgetLine",
    "BudgetRounding",
    "Category",
    "Domain",
    "Efficiency",
    "EfficiencyRule",
    "ExactRule",
    "FromRecords",
    "FrozenMap",
    "Goal",
    "Indicator",
    "Invariant",
    "Link",
    "LowerRule",
    "Model",
    "Narrative",
    "NationalStandard",
    "NegativeRule",
    "Objective",
    "OrgLevel",
    "OrgUnit",
    "Plan",
    "Polarity",
    "QuarterRule",
    "RangeTarget",
    "RecordsTable",
    "ReportLayout",
    "Reported",
    "Rollup",
    "Rounding",
    "RoundingMode",
    "RoundingOverride",
    "Scale",
    "ScaleKind",
    "SpecFile",
    "SpecInfo",
    "Target",
    "TargetSpec",
    "Variable",
    "ZeroTargetPolicy",
]


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
    source: FromRecords | None = Field(
        None,
        alias="from",
        description="aggregate this variable from records instead of giving it in data",
    )


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
    national_standard: NationalStandard | None = None
    narrative: NarrativeByPeriod = Field(
        default_factory=dict, description="per reporting year: causes, actions, analysis"
    )

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
    narrative: NarrativeByPeriod = Field(
        default_factory=dict, description="per reporting year: causes, actions, analysis"
    )


class Objective(Model):
    """Sasaran."""

    id: Ident
    name: Text
    goal: Ident | None = None
    indicators: tuple[Ident, ...] = ()
    rollup: Rollup | None = None
    narrative: NarrativeByPeriod = Field(
        default_factory=dict, description="per reporting year: causes, actions, analysis"
    )


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
    report: ReportLayout | None = None


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
    label: Text | None = Field(None, description="the printed row label, as the report shows it")
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
    records: tuple[RecordsTable, ...] = Field(
        (), description="tables of records (case registers) variables are aggregated from"
    )
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
