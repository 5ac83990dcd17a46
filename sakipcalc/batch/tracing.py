"""One batch row explained: that unit evaluated again by the Python engine, with its trace.

The batch path computes no traces (they would be most of its cost, and are
read for a handful of rows). :func:`trace` reads the same inputs the same way
(locale, checks, the unit's own targets), evaluates that one unit with
:func:`sakipcalc.evaluate`, and compares the engine's figures with the batch
row: the trace is only shown as the batch's explanation if they agree.

    from sakipcalc.batch import trace
    t = trace(spec, data="realisasi.csv", unit="tapin", indicator="pmks_kube")
    print(t.text)       # the calculation, step by step
    assert t.agrees     # the batch row holds the same figures
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from .._spec import DataSet, Spec
from ..i18n import Locale
from ..models import TargetSpec
from ..results import IndicatorResult, target_text
from .inputs import BatchInputError, Source, load_inputs

__all__ = ["COMPARED", "Trace", "parse_request", "trace"]

#: The batch columns held to the engine's figures.
COMPARED = (
    "realisation_status", "realisation_reason", "realisation",
    "status", "reason", "achievement", "category",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Trace:
    unit: str
    indicator: str
    period: str
    result: IndicatorResult  # the engine's
    batch: Mapping[str, Any]  # the batch row
    differences: tuple[str, ...]  # "column: batch X, engine Y"
    text: str

    @property
    def agrees(self) -> bool:
        return not self.differences


def parse_request(text: str) -> tuple[str, str, str | None]:
    """``UNIT:INDICATOR[:PERIOD]`` → its parts; ValueError when it is not that."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"--trace {text!r}: expected UNIT:INDICATOR or UNIT:INDICATOR:PERIOD")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def trace(
    spec: Spec,
    *,
    data: Source,
    unit: str,
    indicator: str,
    period: str | None = None,
    targets: Source | None = None,
    locale: Locale | None = None,
    batch_row: Mapping[str, Any] | None = None,
) -> Trace:
    """Evaluate ``unit`` with the Python engine and explain ``indicator`` in ``period``.

    ``period`` may be left out when the unit's data has one period.
    ``batch_row`` is the row to compare with; without it the batch path is
    run on that unit's rows alone. Raises :class:`BatchInputError` for bad
    input or an unknown unit, indicator or period.
    """
    from .. import evaluate
    from .run import evaluate_batch

    if indicator not in spec.indicators:
        raise BatchInputError([f"--trace: {indicator!r} is not an indicator of the spec"])
    con = duckdb.connect()
    scales = load_inputs(con, spec, data, targets=targets, locale=locale)
    rows = con.execute(
        "SELECT name, category, period, v FROM batch_data WHERE unit = ?", [unit]
    ).fetchall()
    if not rows:
        raise BatchInputError([f"--trace: unit {unit!r} has no rows in the data"])
    periods = sorted({str(r[2]) for r in rows})
    if period is None:
        if len(periods) > 1:
            raise BatchInputError(
                [f"--trace: unit {unit!r} has data for {', '.join(periods)}; name the period"]
            )
        period = periods[0]
    values: dict[str, dict[str, Any]] = {}
    for name, category, row_period, v in rows:
        value = None if v is None else Decimal(int(v)).scaleb(-scales.data)
        names = values.setdefault(str(row_period), {})
        if category is None:
            names[name] = value
        else:
            names.setdefault(name, {})[category] = value
    own = con.execute(
        "SELECT indicator, period, t_txt FROM batch_targets WHERE unit = ?", [unit]
    ).fetchall()
    unit_spec = _with_targets(spec, own)
    result = evaluate(unit_spec, DataSet(values=values), period=period).indicator(indicator)
    if batch_row is None:
        raw = con.sql("SELECT * FROM batch_raw WHERE CAST(unit AS VARCHAR) = ?", params=[unit])
        unit_targets = None
        if targets is not None:
            unit_targets = con.sql(
                "SELECT * FROM batch_targets_raw WHERE CAST(unit AS VARCHAR) = ?", params=[unit]
            ).to_arrow_table()
        table = evaluate_batch(spec, raw.to_arrow_table(), targets=unit_targets, locale=locale)
        found = [
            r for r in table.to_pylist() if r["indicator"] == indicator and r["period"] == period
        ]
        if not found:
            raise BatchInputError([f"--trace: no batch row for {unit}, {indicator}, {period}"])
        batch_row = found[0]
    differences = tuple(_differences(result, batch_row))
    return Trace(unit, indicator, period, result, batch_row, differences,
                 _text(unit, period, result, differences))  # fmt: skip


def _with_targets(spec: Spec, own: list[tuple[Any, ...]]) -> Spec:
    """``spec`` with the unit's own targets in place of the spec's, as the batch path uses."""
    if not own:
        return spec
    indicators = dict(spec.indicators)
    for ind_id, period, text in own:
        ind = indicators[ind_id]
        changed = {**ind.targets, period: TargetSpec(value=Decimal(text))}
        indicators[ind_id] = ind.model_copy(update={"targets": changed})
    return dataclasses.replace(spec, indicators=indicators)


def _engine(result: IndicatorResult) -> dict[str, Any]:
    real, ach = result.realisation, result.achievement
    return {
        "realisation_status": real.status.value,
        "realisation_reason": real.reason,
        "realisation": real.rounded,
        "status": ach.status.value,
        "reason": ach.reason,
        "achievement": ach.rounded,
        "category": result.category.label if result.category else None,
    }


def _differences(result: IndicatorResult, row: Mapping[str, Any]) -> list[str]:
    out = []
    for key, engine in _engine(result).items():
        mine = row.get(key)
        same = (
            (mine is None and engine is None)
            or (mine is not None and engine is not None and Decimal(mine) == Decimal(engine))
            if key in ("realisation", "achievement")
            else mine == engine
        )
        if not same:
            out.append(f"{key}: batch {mine!r}, engine {engine!r}")
    return out


def _text(unit: str, period: str, result: IndicatorResult, differences: tuple[str, ...]) -> str:
    real, ach = result.realisation, result.achievement
    lines = [
        f"{unit} · {result.indicator} ({result.name}) · {period}",
        f"  realisation: {real.trace or real.display()}"
        + (f"  [{real.status.value}: {real.reason}]" if not real.ok else ""),
        f"  target: {target_text(result.target) if result.target else '—'}",
        f"  achievement: {ach.trace or ach.display()}"
        + (f"  [{ach.status.value}: {ach.reason}]" if not ach.ok else ""),
        f"  category: {result.category.label if result.category else '—'}",
    ]
    if differences:
        lines.append("  the batch row DIFFERS from the engine:")
        lines.extend(f"    {d}" for d in differences)
    else:
        lines.append("  the batch row agrees with the engine on every figure")
    return "\n".join(lines)
