"""Roll-ups over the unit hierarchy: what a province sees of its kabupaten, a ministry of all.

For every unit of the units file that has evaluated units below it (a
provinsi over its kabupaten, the nation over every kabupaten of every
province), and for every indicator and every roll-up of the spec, per
period, one row with:

* ``units``: how many evaluated units lie below it (at any depth: the nation
  counts kabupaten, not provinces; a province that reports data of its own
  is an evaluated unit too, counted by the nation but not by its own
  roll-up), and how many of them are ``ok``, ``not_computable`` and
  ``missing_data``;
* ``achievement``: the mean of the ``ok`` units' rounded achievements, each
  unit counting once (a small kabupaten weighs as much as a large one, as in
  a provincial ranking), rounded as the indicator (or, for a spec roll-up,
  the spec) rounds, with ``achievement_num``/``achievement_den`` the exact
  unrounded mean, and ``category`` its band in the indicator's category
  scale: the same rule and rounding as the spec's ``mean`` roll-up;
* ``min_achievement`` and ``max_achievement`` over the ``ok`` units: the
  spread a mean hides;
* ``categories``: how many units fall in each band of the category scale,
  in the scale's order (``[{category: tinggi, units: 3}, …]``);
* ``status``: ``ok`` when at least one unit below is ``ok``, else
  ``not_computable`` (``no unit below has a computable achievement``).

Computed in SQL over the per-unit result and roll-up tables; exact, no float.
"""

from __future__ import annotations

from typing import Any

import duckdb

from .._spec import Spec
from ..rounding import effective_rounding
from .rollups import (
    OUTPUT_SCALE,
    band_match,
    band_rows,
    decimal_of,
    h,
    q,
    rollup_defs,
    rounded_sql,
    scaled_of,
)

__all__ = ["COLUMNS", "unit_rollups"]

COLUMNS = (
    "unit", "unit_name", "level", "kind", "id", "name", "period", "units", "ok",
    "not_computable", "missing_data", "achievement_num", "achievement_den", "achievement",
    "category", "min_achievement", "max_achievement", "categories", "status", "reason",
)  # fmt: skip


def _policies(spec: Spec) -> list[str]:
    rows = []
    base = spec.info.rounding
    for pos, (ind_id, ind) in enumerate(spec.indicators.items()):
        rounding = effective_rounding(base, ind.rounding)
        scale = ind.category_scale or spec.info.category_scale
        rows.append(
            _policy("indicator", ind_id, ind.name, pos, rounding.places, rounding.mode.value, scale)
        )
    start = len(rows)
    for pos, d in enumerate(rollup_defs(spec), start=start):
        scale = spec.info.category_scale
        rows.append(_policy(d.kind.value, d.id, d.name, pos, base.places, base.mode.value, scale))
    return rows


def _policy(
    kind: str, item: str, name: str, pos: int, places: int, mode: str, scale: str | None
) -> str:
    return (
        f"({q(kind)}, {q(item)}, {q(name)}, {pos}, {h(10**places)}, "
        f"{h(10 ** (OUTPUT_SCALE - places))}, {q(mode)}, {q(scale)})"
    )


def unit_rollups(con: duckdb.DuckDBPyConnection, spec: Spec, results: Any, rollups: Any) -> Any:
    """The roll-ups over ``batch_closure`` (see :mod:`.units`) as an Arrow table."""
    scale = results.schema.field("achievement").type.scale
    con.register("batch_results", results)
    con.register("batch_rollups", rollups)
    one = h(10**scale)
    pol = ", ".join(_policies(spec))
    sql = f"""WITH
pol AS (SELECT * FROM (VALUES {pol}) AS t(kind, item, name, pos, pw, pad, mode, scale)),
bands AS ({band_rows(spec)}),
items AS (
  SELECT unit, 'indicator' AS kind, indicator AS item, period, status, achievement, category
  FROM batch_results
  UNION ALL
  SELECT unit, kind, id AS item, period, status, achievement, category FROM batch_rollups),
c AS (SELECT cl.ancestor, i.*, (i.status = 'ok' AND i.achievement IS NOT NULL) AS usable
  FROM batch_closure AS cl JOIN items AS i ON i.unit = cl.unit),
cats AS (SELECT ancestor, kind, item, period, category, count(*) AS n FROM c
  WHERE usable AND category IS NOT NULL GROUP BY ALL),
catl AS (SELECT ancestor, cats.kind, cats.item, period,
    list({{'category': category, 'units': n}} ORDER BY bands.pos) AS categories
  FROM cats JOIN pol ON pol.kind = cats.kind AND pol.item = cats.item
  LEFT JOIN bands ON bands.scale = pol.scale AND bands.label = cats.category
  GROUP BY ALL),
agg AS (SELECT ancestor, kind, item, period,
    count(*) AS units,
    count(*) FILTER (WHERE status = 'ok') AS ok,
    count(*) FILTER (WHERE status = 'not_computable') AS not_computable,
    count(*) FILTER (WHERE status = 'missing_data') AS missing_data,
    count(*) FILTER (WHERE usable) AS n_ok,
    sum({scaled_of("achievement", scale)}) FILTER (WHERE usable) AS s,
    min(achievement) FILTER (WHERE usable) AS min_achievement,
    max(achievement) FILTER (WHERE usable) AS max_achievement
  FROM c GROUP BY ancestor, kind, item, period),
m AS (SELECT agg.*, pol.name, pol.pos, pol.pw, pol.pad, pol.mode, pol.scale,
    CASE WHEN n_ok > 0 THEN s // gcd(s, n_ok * {one}) END AS an,
    CASE WHEN n_ok > 0 THEN (n_ok * {one}) // gcd(s, n_ok * {one}) END AS ad
  FROM agg JOIN pol ON pol.kind = agg.kind AND pol.item = agg.item),
rk AS (SELECT *, {rounded_sql("an", "ad", "pw", "mode")} AS k FROM m)
SELECT rk.ancestor AS unit, u.name AS unit_name, u.level, rk.kind, rk.item AS id, rk.name,
  rk.period, units, ok, not_computable, missing_data,
  CAST(an AS DECIMAL(38, 0)) AS achievement_num,
  CAST(ad AS DECIMAL(38, 0)) AS achievement_den,
  {decimal_of("k", "pad")} AS achievement,
  bands.label AS category, min_achievement, max_achievement,
  COALESCE(catl.categories, []) AS categories,
  CASE WHEN n_ok > 0 THEN 'ok' ELSE 'not_computable' END AS status,
  CASE WHEN n_ok = 0 THEN 'no unit below has a computable achievement' END AS reason
FROM rk
JOIN batch_hierarchy AS u ON u.unit = rk.ancestor
LEFT JOIN catl ON catl.ancestor = rk.ancestor AND catl.kind = rk.kind AND catl.item = rk.item
  AND catl.period = rk.period
LEFT JOIN bands ON k IS NOT NULL AND bands.scale = rk.scale AND {band_match("bands", "k", "rk.pw")}
ORDER BY u.pos, rk.pos, rk.period"""
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.unregister("batch_results")
        con.unregister("batch_rollups")
