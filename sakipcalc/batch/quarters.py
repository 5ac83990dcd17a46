"""A year's value from its quarters, in the plan, exactly as the Python engine derives it.

Two rules (see :mod:`sakipcalc.engine.periods`): a *variable* with
``quarters:`` stands in for a year it has no row in by combining the value
its slot reads in the needed quarters; an *indicator* with ``quarters:``
whose year is missing (and not given as empty) combines its own quarter
realisations. ``sum``, ``mean`` (exact: a quarter of the sum), ``max`` and
``last`` (the fourth quarter). Missing quarter inputs are listed in quarter
order, unmerged, as the engine lists them.

With a quarter rule in the spec, the grid gains the year of every reported
quarter (reported as a row of its own) and every quarter of a reported year
(computed, not reported), so a year sees all four of its quarters. A spec
with no quarter rule gets none of this SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .._spec import Spec
from .slots import IndicatorRow
from .sql import SMALL

__all__ = ["QuarterPlan", "quarter_plan"]

_IS_QUARTER = "period LIKE '____-Q_'"
_PLAIN_PERIODS = (
    "periods AS (SELECT period FROM batch_periods)",
    "out_periods AS (SELECT period FROM batch_periods)",
)
_QUARTER_PERIODS = (
    "out_periods AS (SELECT period FROM batch_periods UNION "
    f"SELECT left(period, 4) FROM batch_periods WHERE {_IS_QUARTER})",
    "periods AS (SELECT period FROM out_periods UNION "
    "SELECT o.period || '-Q' || CAST(q.q AS VARCHAR) FROM out_periods AS o "
    f"CROSS JOIN (VALUES (1), (2), (3), (4)) AS q(q) WHERE NOT o.{_IS_QUARTER})",
)


@dataclass(frozen=True, slots=True)
class QuarterPlan:
    period_ctes: tuple[str, ...]
    slot_ctes: tuple[str, ...] = ()
    base: str = "base"
    variable_slots: frozenset[int] = field(default_factory=frozenset)
    indicators: bool = False
    scale_den: str = ""

    def slot(self, j: int, columns: list[str]) -> list[str]:
        """Slot ``j``'s columns (see :func:`.slots.slot_columns`), from quarters where due."""
        if j not in self.variable_slots:
            return columns
        n, d, ok, mi, bk = (c.rsplit(" AS ", 1)[0] for c in columns)
        due = f"(vq{j} IS NOT NULL AND k{j} IS NULL AND NOT {_IS_QUARTER} AND qy)"
        by_rule = f"CASE vq{j} WHEN 'max' THEN qm{j} WHEN 'last' THEN ql{j} ELSE qs{j} END"
        return [
            f"CASE WHEN {due} THEN {by_rule} ELSE {n} END AS n{j}",
            f"CASE WHEN {due} AND vq{j} = 'mean' THEN 4 * {self.scale_den} ELSE {d} END AS d{j}",
            f"CASE WHEN {due} THEN qok{j} ELSE {ok} END AS ok{j}",
            f"CASE WHEN {due} THEN CASE WHEN qok{j} THEN CAST([] AS VARCHAR[]) ELSE qmi{j} END "
            f"ELSE {mi} END AS mi{j}",
            f"{bk} AS bk{j}",
        ]

    def indicator(self, source: str, columns: str, name: str) -> list[str]:
        """CTEs ending in ``name``: ``source``'s rows, a missing year made from its quarters
        where the indicator says so."""
        if not self.indicators:
            return [f"{name} AS (SELECT {columns} FROM {source})"]
        return _indicator_years(source, name)


def quarter_plan(
    spec: Spec,
    rows: Sequence[IndicatorRow],
    scale_den: str,
    slot_state: dict[int, tuple[str, str]],
) -> QuarterPlan:
    """``slot_state[j]``: slot ``j``'s (ok, missing-list) SQL for a variable, on a base row."""
    indicators = any(spec.indicators[r.indicator].quarters is not None for r in rows)
    variable_slots = frozenset(
        j
        for r in rows
        if (f := spec.formulas.get(r.indicator)) is not None
        for j, s in enumerate(f.slots)
        if (v := spec.variables.get(s.name)) is not None and v.quarters is not None
    )
    if not indicators and not variable_slots:
        return QuarterPlan(_PLAIN_PERIODS)
    if not variable_slots:
        return QuarterPlan(_QUARTER_PERIODS, indicators=True, scale_den=scale_den)
    parts = []
    for j in sorted(variable_slots):
        ok, missing = slot_state[j]
        need = f"(vq{j} <> 'last' OR period LIKE '%-Q4')"
        value = f"COALESCE(s{j}, 0)"
        parts += [
            f"bool_and({ok}) FILTER (WHERE {need}) AS qok{j}",
            f"flatten(list(CASE WHEN {ok} THEN CAST([] AS VARCHAR[]) ELSE {missing} END "
            f"ORDER BY period) FILTER (WHERE {need})) AS qmi{j}",
            f"sum({value}) FILTER (WHERE {need}) AS qs{j}",
            f"max({value}) FILTER (WHERE {need}) AS qm{j}",
            f"max({value}) FILTER (WHERE period LIKE '%-Q4') AS ql{j}",
        ]
    picked = ", ".join(
        f"q.{x}{j}" for j in sorted(variable_slots) for x in ("qok", "qmi", "qs", "qm", "ql")
    )
    ctes = (
        "vq AS (SELECT unit, left(period, 4) AS yr, indicator, "
        + ", ".join(parts)
        + f" FROM base WHERE {_IS_QUARTER} GROUP BY unit, left(period, 4), indicator)",
        f"baseq AS (SELECT b.*, {picked}, q.yr IS NOT NULL AS qy FROM base AS b "
        "LEFT JOIN vq AS q ON q.unit = b.unit AND q.yr = b.period AND q.indicator = b.indicator)",
    )
    return QuarterPlan(
        _QUARTER_PERIODS, ctes, "baseq", variable_slots, indicators, scale_den=scale_den
    )


def _add(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    n0, d0 = f"({a[0]} * {b[1]} + {b[0]} * {a[1]})", f"({a[1]} * {b[1]})"
    small = f"(abs({n0}) < {SMALL} AND {d0} < {SMALL})"
    g = f"gcd({n0}, {d0})"
    return (
        f"CASE WHEN {small} THEN {n0} ELSE {n0} // {g} END",
        f"CASE WHEN {small} THEN {d0} ELSE {d0} // {g} END",
    )


def _larger(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    # The first of equal values, as Python's max; denominators are positive.
    first = f"({a[0]} * {b[1]} >= {b[0]} * {a[1]})"
    return (
        f"CASE WHEN {first} THEN {a[0]} ELSE {b[0]} END",
        f"CASE WHEN {first} THEN {a[1]} ELSE {b[1]} END",
    )


def _indicator_years(source: str, name: str) -> list[str]:
    need = "(qrule <> 'last' OR period LIKE '%-Q4')"
    quarters = [
        f"max(r_n) FILTER (WHERE period LIKE '%-Q{q}') AS n{q}, "
        f"max(r_d) FILTER (WHERE period LIKE '%-Q{q}') AS d{q}"
        for q in (1, 2, 3, 4)
    ]
    q = [(f"n{i}", f"d{i}") for i in (1, 2, 3, 4)]
    s12, s34 = _add(q[0], q[1]), _add(q[2], q[3])
    m12, m34 = _larger(q[0], q[1]), _larger(q[2], q[3])
    # Pairs first, in a SELECT of their own, so no sum is written out twice.
    pairs = (
        f"{s12[0]} AS s12n, {s12[1]} AS s12d, {s34[0]} AS s34n, {s34[1]} AS s34d, "
        f"{m12[0]} AS m12n, {m12[1]} AS m12d, {m34[0]} AS m34n, {m34[1]} AS m34d"
    )
    total = _add(("s12n", "s12d"), ("s34n", "s34d"))
    most = _larger(("m12n", "m12d"), ("m34n", "m34d"))
    combined_n = f"CASE qrule WHEN 'last' THEN n4 WHEN 'max' THEN {most[0]} ELSE {total[0]} END"
    combined_d = (
        f"CASE qrule WHEN 'last' THEN d4 WHEN 'max' THEN {most[1]} "
        f"WHEN 'mean' THEN 4 * ({total[1]}) ELSE {total[1]} END"
    )
    grouped = (
        f"SELECT unit, left(period, 4) AS yr, indicator, max(qrule) AS qrule, "
        f"flatten(list(r_mi ORDER BY period) FILTER (WHERE {need})) AS q_mi, "
        f"arg_min(r_why, period) FILTER (WHERE {need} AND r_st = 'not_computable') AS q_bad, "
        f"{', '.join(quarters)} FROM {source} "
        f"WHERE qrule IS NOT NULL AND {_IS_QUARTER} GROUP BY unit, left(period, 4), indicator"
    )
    years = (
        f"{name}y AS (SELECT unit, yr, indicator, q_mi, q_bad, {combined_n} AS q_n, "
        f"{combined_d} AS q_d FROM (SELECT *, {pairs} FROM ({grouped}) AS g) AS p)"
    )
    use = (
        "(d.r_st = 'missing_data' AND d.qrule IS NOT NULL AND d.gr = 0 AND y.indicator IS NOT NULL)"
    )
    some = "len(y.q_mi) > 0"
    rows = f"""{name} AS (SELECT d.unit, d.period, d.indicator, d.qrule, d.gr,
    CASE WHEN {use} THEN CASE WHEN {some} THEN 'missing_data'
      WHEN y.q_bad IS NOT NULL THEN 'not_computable' ELSE 'ok' END ELSE d.r_st END AS r_st,
    CASE WHEN {use} THEN CASE WHEN {some} THEN 'missing data: ' || array_to_string(y.q_mi, ', ')
        || ' (annual value from quarters by ' || d.qrule || ')'
      WHEN y.q_bad IS NOT NULL THEN 'a quarter is not computable: ' || y.q_bad END
      ELSE d.r_why END AS r_why,
    CASE WHEN {use} THEN CASE WHEN {some} THEN y.q_mi ELSE CAST([] AS VARCHAR[]) END
      ELSE d.r_mi END AS r_mi,
    CASE WHEN {use} THEN CASE WHEN {some} OR y.q_bad IS NOT NULL THEN NULL ELSE y.q_n END
      ELSE d.r_n END AS r_n,
    CASE WHEN {use} THEN CASE WHEN {some} OR y.q_bad IS NOT NULL THEN NULL ELSE y.q_d END
      ELSE d.r_d END AS r_d
  FROM {source} AS d LEFT JOIN {name}y AS y
    ON y.unit = d.unit AND y.yr = d.period AND y.indicator = d.indicator)"""
    return [years, rows]
