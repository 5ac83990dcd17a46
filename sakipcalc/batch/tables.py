"""The per-indicator settings of a spec as VALUES tables the plan joins against.

* ``pol``: rounding, polarity, the lower and exact rules, the cap, the zero
  target policy, the category and grade scales and the negative rule, one
  row per indicator;
* ``tgt``: the spec's targets (a number, a range or a grade), one row per
  indicator and period, with the texts the reasons quote;
* ``bands``: the bands of every scale, with their positions.

Rows hold bare literals and the outer SELECT casts each column once, so a
table costs a few bytes per cell to parse, not a CAST per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .._spec import Spec
from ..engine.achievement import effective_cap
from ..models import NegativeRule
from ..rounding import effective_rounding, show_raw
from .sql import quote, rational_literal

__all__ = ["Cell", "Raw", "band_table", "literal", "policy_table", "target_table", "values_table"]

_INT64 = 2**63


@dataclass(frozen=True, slots=True)
class Raw:
    """SQL text placed in a VALUES row as it is."""

    sql: str


Cell = str | int | bool | None | Raw | Sequence["Cell"]


def literal(value: Cell) -> str:
    """A value as an SQL literal (a list as a list literal)."""
    return _literal(value)


def _literal(value: Cell) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, Raw):
        return value.sql
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        # Wider than 64 bits, a bare literal could be read as a float: cast from text,
        # which fails loudly beyond 128 bits.
        return str(value) if -_INT64 < value < _INT64 else f"CAST('{value}' AS HUGEINT)"
    if isinstance(value, str):
        return quote(value)
    return "[" + ", ".join(_literal(v) for v in value) + "]"


def values_table(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Cell]]) -> str:
    """A VALUES table with ``columns`` as (name, SQL type); with no rows, a typed empty one."""
    names = ", ".join(name for name, _ in columns)
    cast = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns)
    body = list(rows)
    if not body:
        nulls = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns)
        return f"SELECT {nulls} WHERE FALSE"
    lines = ",\n    ".join("(" + ", ".join(_literal(c) for c in row) + ")" for row in body)
    return f"SELECT {cast} FROM (VALUES\n    {lines}) AS t({names})"


_TEXT, _HUGE, _BOOL, _INT = "VARCHAR", "HUGEINT", "BOOLEAN", "INTEGER"


def policy_table(spec: Spec, order: Sequence[str]) -> str:
    columns = [
        ("indicator", _TEXT), ("pos", _INT), ("pw", _HUGE), ("places", _INT), ("mode", _TEXT),
        ("ach_raw", _BOOL), ("pol", _TEXT), ("lower_rule", _TEXT), ("exact_rule", _TEXT),
        ("cap_n", _HUGE), ("cap_d", _HUGE), ("zt", _BOOL), ("ztm_n", _HUGE), ("ztm_d", _HUGE),
        ("ztx_n", _HUGE), ("ztx_d", _HUGE), ("cat_scale", _TEXT), ("floor0", _BOOL),
        ("negnc", _BOOL), ("grade_scale", _TEXT),
    ]  # fmt: skip
    rows = []
    for pos, ind_id in enumerate(order):
        ind = spec.indicators[ind_id]
        rounding = effective_rounding(spec.info.rounding, ind.rounding)
        cap = effective_cap(ind, spec.info.cap)
        zero = ind.zero_target
        rows.append(
            (
                ind_id,
                pos,
                10**rounding.places,
                rounding.places,
                rounding.mode.value,
                rounding.achievement_from.value == "raw",
                ind.polarity.value,
                ind.lower_rule.value,
                ind.exact_rule.value,
                *_dec(cap),
                zero is not None,
                *_dec(zero.met if zero else None),
                *_dec(zero.missed if zero else None),
                ind.category_scale or spec.info.category_scale,
                ind.negative is NegativeRule.FLOOR,
                ind.negative is NegativeRule.NOT_COMPUTABLE,
                ind.scale,
            )
        )
    return values_table(columns, rows)


def target_table(spec: Spec, order: Sequence[str]) -> str:
    """Numbers and ranges as rationals with their texts; a grade as its band's position."""
    columns = [
        ("indicator", _TEXT), ("period", _TEXT), ("kind", _TEXT),
        ("t_n", _HUGE), ("t_d", _HUGE), ("t_txt", _TEXT), ("t_show", _TEXT),
        ("lo_n", _HUGE), ("lo_d", _HUGE), ("lo_txt", _TEXT), ("lo_show", _TEXT),
        ("hi_n", _HUGE), ("hi_d", _HUGE), ("hi_txt", _TEXT), ("hi_show", _TEXT),
    ]  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    for ind_id in order:
        indicator = spec.indicators[ind_id]
        for period, target in indicator.targets.items():
            if target.range is not None:
                low, high = target.range.min, target.range.max
                lows = (*_dec(low), str(low), show_raw(low, 4))
                highs = (*_dec(high), str(high), show_raw(high, 4))
                rows.append((ind_id, period, "range", None, None, None, None, *lows, *highs))
            elif target.value is not None:
                value = target.value
                rows.append(
                    (ind_id, period, "num", *_dec(value), str(value), show_raw(value, 4))
                    + (None,) * 8
                )
            elif target.grade is not None and indicator.scale is not None:
                band = spec.compiled_scales[indicator.scale].band_by_label(target.grade)
                assert band is not None  # refused before the plan is built
                label = f"position {band.position} ({target.grade})"
                rows.append((ind_id, period, "grade", band.position, 1, label, label) + (None,) * 8)
    return values_table(columns, rows)


def band_table(spec: Spec) -> str:
    columns = [
        ("scale", _TEXT), ("label", _TEXT), ("position", _INT),
        ("lo_n", _HUGE), ("lo_d", _HUGE), ("lo_inc", _BOOL),
        ("hi_n", _HUGE), ("hi_d", _HUGE), ("hi_inc", _BOOL),
    ]  # fmt: skip
    rows = []
    for scale_id, scale in spec.compiled_scales.items():
        for band in scale.bands:
            iv = band.interval
            bounds = (*_dec(iv.low), iv.low_inclusive, *_dec(iv.high), iv.high_inclusive)
            rows.append((scale_id, band.band.label, band.position, *bounds))
    return values_table(columns, rows)


def _dec(value: Decimal | None) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    return rational_literal(value)
