"""The base of every spec model, and the parts indicators are made of.

The base :class:`Model` is frozen and forbids unknown keys; :data:`FrozenMap`
is a mapping frozen after validation. The parts: rounding settings, a target
(a number, a grade or a range, read from YAML's ``25``, ``BB`` or
``{min, max}``), a baseline, the zero-target policy and an invariant; and
the records tables variables may be aggregated from (:mod:`sakipcalc._records`).
Re-exported by :mod:`sakipcalc.models`.
"""

from __future__ import annotations

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

from ._model_enums import AchievementFrom, RoundingMode
from ._types import Dec, Flag, Ident, Int, Period, Text, parse_decimal_text

__all__ = [
    "Baseline",
    "BudgetRounding",
    "FromRecords",
    "FrozenMap",
    "Invariant",
    "Model",
    "RangeTarget",
    "RecordsTable",
    "Rounding",
    "RoundingOverride",
    "Target",
    "TargetSpec",
    "ZeroTargetPolicy",
]

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


# ------------------------------------------------------------------- records


class RecordsTable(Model):
    """A table of records, such as a case register, that variables are aggregated from."""

    id: Ident
    name: Text | None = None
    path: Text | None = Field(
        None,
        description="a .csv or .parquet file, relative to this spec file and inside the spec's "
        "directory; `--records ID=FILE` (or load_records) gives or replaces it",
    )


RecordsValue = Annotated[
    Text | tuple[Text, ...],
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
            ]
        }
    ),
]


class FromRecords(Model):
    """A variable aggregated from records: the count of rows, or the sum of a column."""

    records: Ident = Field(description="the id of a table declared under 'records:'")
    count: Flag = Field(False, description="true: the value is the number of rows")
    sum: Text | None = Field(None, description="the column whose values are summed")
    category: Text | None = Field(
        None, description="the column holding the breakdown's category (with a breakdown only)"
    )
    period: Text = Field(description="the column holding the period: 2022 or 2022-Q3")
    dates: Literal["year", "quarter"] | None = Field(
        None,
        description="the period column holds dates (2022-03-31): each row counts in its "
        "year or its quarter",
    )
    where: FrozenMap[Text, RecordsValue] = Field(
        default_factory=dict,
        description="column: value (equal) or column: [value, ...] (one of); all must hold",
    )
