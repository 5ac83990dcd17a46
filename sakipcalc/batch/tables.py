"""The per-indicator settings of a spec as VALUES tables the plan joins against.

* ``pol``: rounding, polarity, the lower and exact rules, the cap, the zero
  target policy, the category scale and the floor, one row per indicator;
* ``tgt``: the spec's targets (a number or a range), one row per indicator and
  period, with the texts the reasons quote;
* ``bands``: the bands of every category scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from .._spec import Spec
from ..engine.achievement import effective_cap
from ..models import NegativeRule
from ..rounding import effective_rounding, show_raw
from .sql import hugeint, quote, rational_literal

__all__ = ["band_table", "policy_table", "target_table", "values_table"]


def policy_table(spec: Spec, order: Sequence[str]) -> str:
    columns = (
        "indicator", "pw", "mode", "ach_raw", "pol", "lower_rule", "exact_rule",
        "cap_n", "cap_d", "zt", "ztm_n", "ztm_d", "ztx_n", "ztx_d", "cat_scale", "floor0",
    )  # fmt: skip
    rows = []
    for ind_id in order:
        ind = spec.indicators[ind_id]
        rounding = effective_rounding(spec.info.rounding, ind.rounding)
        cap = effective_cap(ind, spec.info.cap)
        zero = ind.zero_target
        rows.append(
            (
                quote(ind_id),
                hugeint(10**rounding.places),
                quote(rounding.mode.value),
                "TRUE" if rounding.achievement_from.value == "raw" else "FALSE",
                quote(ind.polarity.value),
                quote(ind.lower_rule.value),
                quote(ind.exact_rule.value),
                *_dec(cap),
                "TRUE" if zero is not None else "FALSE",
                *_dec(zero.met if zero else None),
                *_dec(zero.missed if zero else None),
                _text(ind.category_scale or spec.info.category_scale),
                "TRUE" if ind.negative is NegativeRule.FLOOR else "FALSE",
            )
        )
    return values_table(columns, rows, ["NULL"] * len(columns))


def target_table(spec: Spec, order: Sequence[str]) -> str:
    columns = (
        "indicator", "period", "kind", "t_n", "t_d", "t_txt", "t_show",
        "lo_n", "lo_d", "lo_txt", "lo_show", "hi_n", "hi_d", "hi_txt", "hi_show",
    )  # fmt: skip
    rows = []
    for ind_id in order:
        for period, target in spec.indicators[ind_id].targets.items():
            if target.range is not None:
                low, high = target.range.min, target.range.max
                rows.append(
                    (
                        quote(ind_id),
                        quote(period),
                        "'range'",
                        *_dec(None),
                        _text(None),
                        _text(None),
                        *_dec(low),
                        quote(str(low)),
                        quote(show_raw(low, 4)),
                        *_dec(high),
                        quote(str(high)),
                        quote(show_raw(high, 4)),
                    )
                )
            elif target.value is not None:
                value = target.value
                rows.append(
                    (
                        quote(ind_id),
                        quote(period),
                        "'num'",
                        *_dec(value),
                        quote(str(value)),
                        quote(show_raw(value, 4)),
                        *_dec(None),
                        _text(None),
                        _text(None),
                        *_dec(None),
                        _text(None),
                        _text(None),
                    )
                )
    dummy = [
        "CAST(NULL AS VARCHAR)" if c.endswith(("txt", "show")) or c in ("indicator", "period", "kind")
        else "CAST(NULL AS HUGEINT)"
        for c in columns
    ]  # fmt: skip
    return values_table(columns, rows, dummy)


def band_table(spec: Spec) -> str:
    columns = ("scale", "label", "lo_n", "lo_d", "lo_inc", "hi_n", "hi_d", "hi_inc")
    rows = []
    for scale_id, scale in spec.compiled_scales.items():
        for band in scale.bands:
            iv = band.interval
            rows.append(
                (
                    quote(scale_id),
                    quote(band.band.label),
                    *_dec(iv.low),
                    "TRUE" if iv.low_inclusive else "FALSE",
                    *_dec(iv.high),
                    "TRUE" if iv.high_inclusive else "FALSE",
                )
            )
    dummy = ["CAST(NULL AS VARCHAR)"] * 2 + ["CAST(NULL AS HUGEINT)"] * 2 + ["FALSE"]
    dummy += ["CAST(NULL AS HUGEINT)"] * 2 + ["FALSE"]
    return values_table(columns, rows, dummy)


def _dec(value: Decimal | None) -> tuple[str, str]:
    if value is None:
        return "CAST(NULL AS HUGEINT)", "CAST(NULL AS HUGEINT)"
    num, den = rational_literal(value)
    return hugeint(num), hugeint(den)


def _text(value: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if value is None else quote(value)


def values_table(
    columns: Sequence[str], rows: Iterable[Sequence[str]], dummy: Sequence[str]
) -> str:
    """A VALUES table; with no rows, a typed empty one."""
    body = list(rows)
    if not body:
        return f"SELECT * FROM (VALUES ({', '.join(dummy)})) AS t({', '.join(columns)}) WHERE FALSE"
    lines = ",\n    ".join(f"({', '.join(row)})" for row in body)
    return f"SELECT * FROM (VALUES\n    {lines}) AS t({', '.join(columns)})"
