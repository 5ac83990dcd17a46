"""The spec's own roll-ups for every unit, in SQL over the per-unit result table.

For each unit and period, every roll-up :func:`sakipcalc.evaluate` reports
(objectives, goals, org units, the agency: see
:mod:`sakipcalc.engine.rollups`), with the same members, rule, rounding,
category and reasons, so a unit's roll-up row equals
``evaluate(spec, that unit's data).rollups`` figure for figure:

* the members' *rounded* achievements that are ``ok`` are aggregated; the
  others are ``excluded``; with none left the roll-up is not computable;
* ``mean``, ``min`` and ``weighted_mean`` (indicator weights) of those
  values, ``ratio_of_sums`` of the realisations (rounded or raw by each
  indicator's ``achievement_from``) over the sum of the targets (a unit's own
  target where it has one) × 100;
* rounded by the spec's rounding, then placed in the spec's category scale.

Values are exact integer fractions (HUGEINT pairs, reduced by their gcd);
nothing is divided before the final rounding. The result is an Arrow table,
one row per unit, roll-up and period (see :data:`COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from .._spec import Spec
from ..models import AchievementFrom, Polarity, Rollup
from ..results import RollupKind
from ..rounding import effective_rounding

__all__ = [
    "COLUMNS",
    "RollupDef",
    "band_rows",
    "decimal_of",
    "rollup_defs",
    "rounded_sql",
    "spec_rollups",
]

COLUMNS = (
    "unit", "kind", "id", "name", "period", "rule", "achievement_num", "achievement_den",
    "achievement", "category", "status", "reason", "members", "excluded",
)  # fmt: skip
OUTPUT_SCALE = 10  # decimal places of the rounded columns, as the result table's


@dataclass(frozen=True, slots=True)
class RollupDef:
    """One roll-up the spec declares or implies, with its members in order."""

    kind: RollupKind
    id: str
    name: str
    rule: Rollup
    members: tuple[str, ...]


def rollup_defs(spec: Spec) -> list[RollupDef]:
    """The roll-ups of :func:`sakipcalc.engine.rollups.rollups`, in its order."""
    default = spec.info.rollup
    out: list[RollupDef] = []

    def add(kind: RollupKind, rid: str, name: str, rule: Rollup, members: Sequence[str]) -> None:
        out.append(RollupDef(kind, rid, name, rule, tuple(dict.fromkeys(members))))

    for o in spec.objectives.values():
        add(RollupKind.OBJECTIVE, o.id, o.name, o.rollup or default, o.indicators)
    for goal in spec.goals.values():
        members = list(goal.indicators)
        if not members:  # a goal without own indicators rolls up its objectives' indicators
            members = [
                i for o in spec.objectives.values() if o.goal == goal.id for i in o.indicators
            ]
        add(RollupKind.GOAL, goal.id, goal.name, goal.rollup or default, members)
    for unit in spec.org_units.values():
        owned = [i for i, ind in spec.indicators.items() if ind.owner == unit.id]
        if owned:
            add(RollupKind.ORG_UNIT, unit.id, unit.name, default, owned)
    iku = [i for i, ind in spec.indicators.items() if "IKU" in ind.tags]
    name = spec.info.agency or spec.info.name
    add(RollupKind.AGENCY, spec.info.id, name, default, iku or list(spec.indicators))
    return out


# ----------------------------------------------------------------- SQL parts


def q(text: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if text is None else "'" + text.replace("'", "''") + "'"


def h(value: int | None) -> str:
    return "CAST(NULL AS HUGEINT)" if value is None else f"CAST({value} AS HUGEINT)"


def rounded_sql(n: str, d: str, pw: str, mode: str) -> str:
    """``n / d`` (``d > 0``) rounded to the places ``pw = 10 ** places`` gives, as an integer."""
    a = f"(abs({n}) * {pw})"
    qt = f"({a} // {d})"
    r = f"({a} % {d})"
    bump = (
        f"CASE {mode} WHEN 'truncate' THEN 0 "
        f"WHEN 'half_up' THEN CASE WHEN 2 * {r} >= {d} THEN 1 ELSE 0 END "
        f"ELSE CASE WHEN 2 * {r} > {d} OR (2 * {r} = {d} AND {qt} % 2 = 1) THEN 1 ELSE 0 END END"
    )
    return f"(sign({n}) * ({qt} + {bump}))"


def decimal_of(k: str, pad: str) -> str:
    """The integer ``k`` over ``10 ** places`` as ``DECIMAL(38, 10)``, exactly.

    ``pad`` is ``10 ** (10 - places)``, a HUGEINT expression.
    """
    unit = f"CAST(0.{'0' * (OUTPUT_SCALE - 1)}1 AS DECIMAL(38, {OUTPUT_SCALE}))"
    return f"(CAST({k} * {pad} AS DECIMAL(38, 0)) * {unit})"


def scaled_of(column: str, scale: int) -> str:
    """A DECIMAL column as the exact integer of its value × ``10 ** scale``."""
    return f"CAST({column} * {h(10**scale)} AS HUGEINT)"


def band_rows(spec: Spec) -> str:
    """Every band of every category scale: ``bands(scale, pos, label, lo_n, …)``."""
    rows = []
    for scale_id, scale in spec.compiled_scales.items():
        for pos, band in enumerate(scale.bands):
            iv = band.interval
            rows.append(
                f"({q(scale_id)}, {pos}, {q(band.band.label)}, {_pair(iv.low)}, "
                f"{'TRUE' if iv.low_inclusive else 'FALSE'}, {_pair(iv.high)}, "
                f"{'TRUE' if iv.high_inclusive else 'FALSE'})"
            )
    return _values(
        "scale, pos, label, lo_n, lo_d, lo_inc, hi_n, hi_d, hi_inc",
        rows,
        f"({q(None)}, 0, {q(None)}, {h(None)}, {h(None)}, FALSE, {h(None)}, {h(None)}, FALSE)",
    )


def band_match(bands: str, k: str, pw: str) -> str:
    """The join condition: the rounded ``k / pw`` lies in the band."""
    return (
        f"({bands}.lo_n IS NULL OR {k} * {bands}.lo_d > {bands}.lo_n * {pw} "
        f"OR ({bands}.lo_inc AND {k} * {bands}.lo_d = {bands}.lo_n * {pw})) AND "
        f"({bands}.hi_n IS NULL OR {k} * {bands}.hi_d < {bands}.hi_n * {pw} "
        f"OR ({bands}.hi_inc AND {k} * {bands}.hi_d = {bands}.hi_n * {pw}))"
    )


def _pair(value: Decimal | None) -> str:
    if value is None:
        return f"{h(None)}, {h(None)}"
    n, d = value.as_integer_ratio()
    return f"{h(n)}, {h(d)}"


def _values(columns: str, rows: Sequence[str], dummy: str) -> str:
    if not rows:
        return f"SELECT * FROM (VALUES {dummy}) AS t({columns}) WHERE FALSE"
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS t({columns})"


def _list(items: Sequence[str]) -> str:
    return "CAST([" + ", ".join(q(i) for i in items) + "] AS VARCHAR[])"


# ------------------------------------------------------------------ the query


def spec_rollups(con: duckdb.DuckDBPyConnection, spec: Spec, results: Any) -> Any:
    """The spec's roll-ups for every unit and period of ``results`` (an Arrow table)."""
    defs = rollup_defs(spec)
    scale = results.schema.field("achievement").type.scale
    rscale = results.schema.field("realisation").type.scale
    con.register("batch_results", results)
    rounding = spec.info.rounding
    pw, pad = h(10**rounding.places), h(10 ** (OUTPUT_SCALE - rounding.places))
    mode = q(rounding.mode.value)
    rdef, rmem = [], []
    for pos, d in enumerate(defs):
        rdef.append(
            f"({pos}, {q(d.kind.value)}, {q(d.id)}, {q(d.name)}, {q(d.rule.value)}, {_list(d.members)})"
        )
        weights = [spec.indicators[m].weight for m in d.members]
        places_w = max((_places(w) for w in weights if w is not None), default=0)
        for mpos, (member, weight) in enumerate(zip(d.members, weights, strict=True)):
            ind = spec.indicators[member]
            w = None if weight is None else int(weight.scaleb(places_w))
            from_raw = (
                effective_rounding(rounding, ind.rounding).achievement_from is AchievementFrom.RAW
            )
            rmem.append(
                f"({pos}, {q(member)}, {mpos}, {h(w)}, "
                f"{'TRUE' if d.rule is Rollup.RATIO_OF_SUMS else 'FALSE'}, "
                f"{'TRUE' if ind.polarity is Polarity.HIGHER_IS_BETTER else 'FALSE'}, "
                f"{'TRUE' if from_raw else 'FALSE'})"
            )
    targets = [
        f"({q(i)}, {q(str(period))}, {_pair(t.value)})"
        for i, ind in spec.indicators.items()
        for period, t in ind.targets.items()
        if t.value is not None
    ]
    one, rone = h(10**scale), h(10**rscale)
    t_frac = "length(split_part(u.t_txt, '.', 2))"
    unit_t_d = f"CAST('1' || repeat('0', {t_frac}) AS HUGEINT)"
    msg = q("ratio of sums needs additive higher-is-better indicators with numeric targets; ")
    sql = f"""WITH
rdef AS ({_values("pos, kind, id, name, rule, members", rdef, "(0, '', '', '', '', [''])")}),
rmem AS ({_values("pos, member, mpos, w, ros, hib, raw", rmem, f"(0, '', 0, {h(None)}, FALSE, FALSE, FALSE)")}),
stgt AS ({_values("indicator, period, t_n, t_d", targets, f"('', '', {h(None)}, {h(None)})")}),
bands AS ({band_rows(spec)}),
j AS (SELECT r.unit, r.period, m.*,
    (r.status = 'ok' AND r.achievement IS NOT NULL) AS usable,
    {scaled_of("r.achievement", scale)} AS v,
    CASE WHEN NOT m.ros THEN NULL WHEN m.raw THEN CAST(r.realisation_num AS HUGEINT) ELSE
      {scaled_of("r.realisation", rscale)} END AS rn,
    CASE WHEN NOT m.ros THEN NULL WHEN m.raw THEN CAST(r.realisation_den AS HUGEINT)
      ELSE {rone} END AS rd,
    r.realisation_num IS NOT NULL AS has_raw,
    CASE WHEN NOT m.ros THEN NULL
      WHEN u.t_txt IS NOT NULL THEN CAST(replace(u.t_txt, '.', '') AS HUGEINT) ELSE s.t_n END
      AS tn,
    CASE WHEN NOT m.ros THEN NULL WHEN u.t_txt IS NOT NULL THEN {unit_t_d} ELSE s.t_d END AS td
  FROM batch_results AS r JOIN rmem AS m ON m.member = r.indicator
  LEFT JOIN batch_targets AS u
    ON u.unit = r.unit AND u.indicator = r.indicator AND u.period = r.period
  LEFT JOIN stgt AS s ON s.indicator = r.indicator AND s.period = r.period),
agg AS (SELECT unit, period, pos,
    count(*) FILTER (WHERE usable) AS n_ok,
    sum(v) FILTER (WHERE usable) AS s,
    min(v) FILTER (WHERE usable) AS mn,
    sum(w * v) FILTER (WHERE usable) AS ws,
    sum(w) FILTER (WHERE usable) AS wt,
    arg_min(member, mpos) FILTER (WHERE usable AND w IS NULL) AS no_w,
    arg_min(member, mpos) FILTER (WHERE usable AND NOT (hib AND tn IS NOT NULL AND has_raw))
      AS not_additive,
    list(member ORDER BY mpos) FILTER (WHERE NOT usable) AS excluded,
    list_reduce(list(rd) FILTER (WHERE usable AND ros), lambda a, b: lcm(a, b)) AS rl,
    list_reduce(list(td) FILTER (WHERE usable AND ros), lambda a, b: lcm(a, b)) AS tl,
    list({{'n': rn, 'd': rd}}) FILTER (WHERE usable AND ros) AS rs,
    list({{'n': tn, 'd': td}}) FILTER (WHERE usable AND ros) AS ts
  FROM j GROUP BY unit, period, pos),
sums AS (SELECT *,
    CASE WHEN rule = 'ratio_of_sums' AND n_ok > 0 AND not_additive IS NULL THEN
      list_sum(list_transform(rs, lambda x: x.n * (rl // x.d))) END AS rsum,
    CASE WHEN rule = 'ratio_of_sums' AND n_ok > 0 AND not_additive IS NULL THEN
      list_sum(list_transform(ts, lambda x: x.n * (tl // x.d))) END AS tsum
  FROM agg JOIN rdef USING (pos)),
raw AS (SELECT *,
    CASE WHEN n_ok = 0 THEN 'no member has a computable achievement'
      WHEN rule = 'weighted_mean' AND no_w IS NOT NULL
        THEN 'indicator ''' || no_w || ''' declares no weight'
      WHEN rule = 'weighted_mean' AND wt = 0 THEN 'the weights sum to 0'
      WHEN rule = 'ratio_of_sums' AND not_additive IS NOT NULL
        THEN {msg} || '''' || not_additive || ''' is not one'
      WHEN rule = 'ratio_of_sums' AND tsum = 0 THEN 'zero denominator: the targets sum to 0'
    END AS why,
    CASE rule WHEN 'mean' THEN s WHEN 'min' THEN mn WHEN 'weighted_mean' THEN ws
      ELSE rsum * tl * 100 * sign(tsum) END AS n0,
    CASE rule WHEN 'mean' THEN n_ok * {one} WHEN 'min' THEN {one}
      WHEN 'weighted_mean' THEN wt * {one} ELSE rl * abs(tsum) END AS d0
  FROM sums),
fin AS (SELECT *,
    CASE WHEN why IS NULL THEN n0 // gcd(n0, d0) END AS an,
    CASE WHEN why IS NULL THEN d0 // gcd(n0, d0) END AS ad
  FROM raw),
rk AS (SELECT *, {rounded_sql("an", "ad", pw, mode)} AS k FROM fin)
SELECT rk.unit, kind, id, name, rk.period, rule,
  CAST(an AS DECIMAL(38, 0)) AS achievement_num,
  CAST(ad AS DECIMAL(38, 0)) AS achievement_den,
  {decimal_of("k", pad)} AS achievement,
  bands.label AS category,
  CASE WHEN why IS NULL THEN 'ok' ELSE 'not_computable' END AS status,
  why AS reason, members, COALESCE(excluded, CAST([] AS VARCHAR[])) AS excluded
FROM rk LEFT JOIN bands ON k IS NOT NULL AND bands.scale = {q(spec.info.category_scale)}
  AND {band_match("bands", "k", pw)}
ORDER BY rk.unit, rk.pos, rk.period"""
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.unregister("batch_results")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
