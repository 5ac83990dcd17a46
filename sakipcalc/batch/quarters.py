"""A year's value from its quarters, in the plan, exactly as the Python engine derives it.

Two rules (see :mod:`sakipcalc.engine.periods`): a *variable* with
``quarters:`` stands in for a year it has no row in by combining the sums its
slot reads in the needed quarters; an *indicator* with ``quarters:`` whose
year is missing (and not given as empty) combines its own quarter
realisations. ``sum``, ``mean`` (exact: a quarter of the sum), ``max`` and
``last`` (the fourth quarter). Missing quarter inputs are listed in quarter
order, unmerged, as the engine lists them.

A spec with no quarter rule gets none of this SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .._spec import Spec
from .slots import IndicatorRow

__all__ = ["QuarterPlan", "quarter_plan"]

_QUARTER = "period LIKE '____-Q_'"


@dataclass(frozen=True, slots=True)
class QuarterPlan:
    period_ctes: tuple[str, ...]
    slot_ctes: tuple[str, ...] = ()
    base: str = "base"
    variable_slots: frozenset[int] = field(default_factory=frozenset)
    indicators: bool = False
    scale_den: str = ""

    def slot(self, j: int, columns: list[str]) -> list[str]:
        """Slot ``j``'s columns (see :func:`.slots.slot_columns`), derived from quarters where due."""
        if j not in self.variable_slots:
            return columns
        n, d, ok, mi, bk = (c.rsplit(" AS ", 1)[0] for c in columns)
        due = f"(vq{j} IS NOT NULL AND COALESCE(c{j}, 0) = 0 AND NOT {_QUARTER} AND qy)"
        by_rule = (
            f"CASE vq{j} WHEN 'sum' THEN qs{j} WHEN 'mean' THEN qs{j} WHEN 'max' THEN qm{j} "
            f"ELSE ql{j} END"
        )
        return [
            f"CASE WHEN {due} THEN {by_rule} ELSE {n} END AS n{j}",
            f"CASE WHEN {due} AND vq{j} = 'mean' THEN 4 * {self.scale_den} ELSE {d} END AS d{j}",
            f"CASE WHEN {due} THEN qok{j} ELSE {ok} END AS ok{j}",
            f"CASE WHEN {due} THEN CASE WHEN qok{j} THEN CAST([] AS VARCHAR[]) ELSE qmi{j} END "
            f"ELSE {mi} END AS mi{j}",
            f"{bk} AS bk{j}",
        ]

    def indicator(self, source: str, columns: str) -> str:
        """The layer's rows, a missing year replaced by its quarters where the indicator says so."""
        if not self.indicators:
            return f"SELECT {columns} FROM {source}"
        raise NotImplementedError


def quarter_plan(
    spec: Spec, rows: Sequence[IndicatorRow], slots: int, scale_den: str
) -> QuarterPlan:
    indicators = any(spec.indicators[r.indicator].quarters is not None for r in rows)
    variable_slots = frozenset(
        j
        for r in rows
        if (f := spec.formulas.get(r.indicator)) is not None
        for j, s in enumerate(f.slots)
        if (v := spec.variables.get(s.name)) is not None and v.quarters is not None
    )
    if not indicators and not variable_slots:
        return QuarterPlan(
            (
                "periods AS (SELECT period FROM batch_periods)",
                "out_periods AS (SELECT period FROM batch_periods)",
            )
        )
    raise NotImplementedError
