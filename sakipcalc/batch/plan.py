"""A loaded spec compiled once into one relational plan (SQL that sqlglot parses and transpiles).

The plan reads the tables the runner provides:

* ``batch_data(unit, name, category, period, v)``: every input value as a
  HUGEINT scaled by ``10 ** input_scale`` (so 13.32 at scale 2 is 1332);
* ``batch_units(unit)`` and ``batch_periods(period)``: the grid; every unit
  gets a row for every indicator and period, reported or not;
* ``batch_targets(unit, indicator, period, t, t_txt)``: per-unit targets,
  scaled by ``10 ** target_scale``; where a unit has none the spec's apply.

The plan is *long*: one row per unit, period and indicator from the start.
One aggregate over the data fills every formula slot of every indicator
(:mod:`.slots`); indicators are then computed layer by layer (an indicator
after those it references), and within a layer one SELECT per formula
*shape*, so the SQL grows with the number of distinct formula shapes, not
with the number of indicators, and the work grows with the data. Values are
exact rationals (see :mod:`.sql`), statuses and reasons follow the Python
engine's rules and texts. What it cannot compile exactly is refused here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlglot

from .._spec import Spec
from .quarters import QuarterPlan, quarter_plan
from .refusals import BatchRefused, refusals
from .slots import (
    IndicatorRow,
    category_lists,
    cell_map,
    cells_aggregate,
    indicator_table,
    presence_bit,
    slot_columns,
    variable_state,
)
from .sql import Rational, formula_nodes, hugeint
from .stages import achievement_stages, output_select
from .tables import band_table, policy_table, target_table

__all__ = ["Plan", "build_plan", "explain", "plan_sql"]

DEFAULT_INPUT_SCALE = 6


@dataclass(frozen=True, slots=True)
class Plan:
    """The compiled plan: DuckDB SQL, and the same as a sqlglot tree for other dialects."""

    text: str  # DuckDB SQL, as generated
    indicators: tuple[str, ...]
    input_scale: int
    target_scale: int

    @property
    def tree(self) -> Any:
        """The plan parsed by sqlglot (a sqlglot ``Expression``)."""
        return sqlglot.parse_one(self.text, read="duckdb")

    def sql(self, dialect: str = "duckdb", *, pretty: bool = False) -> str:
        """The plan as SQL of ``dialect`` (any sqlglot dialect: ``"spark"``, …)."""
        if dialect == "duckdb" and not pretty:
            return self.text
        return str(self.tree.sql(dialect=dialect, pretty=pretty))


def explain(spec: Spec, *, input_scale: int = DEFAULT_INPUT_SCALE) -> str:
    """The plan for ``spec`` as DuckDB SQL."""
    return build_plan(spec, input_scale=input_scale).sql(pretty=True)


def plan_sql(
    spec: Spec,
    dialect: str = "duckdb",
    *,
    input_scale: int = DEFAULT_INPUT_SCALE,
    target_scale: int = 0,
    ordered: bool = True,
    pretty: bool = False,
) -> str:
    """The plan for ``spec`` as SQL of a sqlglot ``dialect``, for another engine to run."""
    plan = build_plan(spec, input_scale=input_scale, target_scale=target_scale, ordered=ordered)
    return plan.sql(dialect, pretty=pretty)


_STATE = "unit, period, indicator, shape, qrule, gr, gv, mc, blk"


@dataclass(frozen=True, slots=True)
class _Shape:
    columns: tuple[tuple[int, str, str], ...]  # (level, name, sql)
    root: Rational


def _shapes(spec: Spec) -> tuple[list[IndicatorRow], list[_Shape]]:
    """Each indicator's layer and shape; formulas equal up to their names share a shape."""
    rows: list[IndicatorRow] = []
    shapes: dict[tuple[Any, ...], int] = {}
    found: list[_Shape] = []
    layer: dict[str, int] = {}
    for ind_id in spec.order:
        formula = spec.formulas.get(ind_id)
        if formula is None:
            layer[ind_id] = 1
            rows.append(IndicatorRow(ind_id, 1, -1, ()))
            continue
        index = {(s.name, s.categories): j for j, s in enumerate(formula.slots)}

        def leaf(
            name: str, cats: tuple[str, ...] | None, index: dict[Any, int] = index
        ) -> tuple[Rational, int]:
            j = index[(name, cats)]
            return Rational(f"n{j}", f"d{j}"), 0

        nodes = formula_nodes(formula.source, spec.names, leaf, "f")
        columns = tuple((c.layer, c.name, c.sql) for c in nodes.columns)
        key = (columns, nodes.root)
        if key not in shapes:
            shapes[key] = len(found)
            found.append(_Shape(columns, nodes.root))
        refs = [layer[s.name] for s in formula.slots if s.name in spec.indicators]
        layer[ind_id] = 1 + max(refs, default=0)
        rows.append(IndicatorRow(ind_id, layer[ind_id], shapes[key], nodes.divisions))
    return rows, found


def _shape_select(shape: _Shape, source: str) -> str:
    """The formula of ``shape`` over the rows of ``source``: a SELECT per node level."""
    query = source
    top = max((level for level, _, _ in shape.columns), default=0)
    for level in range(1, top + 1):
        cols = [f"{sql} AS {name}" for at, name, sql in shape.columns if at == level]
        query = f"SELECT *, {', '.join(cols)} FROM ({query}) AS q{level}"
    root = shape.root
    return (
        f"SELECT {_STATE}, {root.n} AS fn, {root.d} AS fd, CAST({root.err} AS VARCHAR) AS fe "
        f"FROM ({query}) AS q"
    )


def _status(source: str, scale_den: str) -> str:
    """Status, reason, missing inputs and value of each row, as the Python engine decides."""
    miss = "len(ms) > 0"
    given = f"CASE WHEN gv IS NOT NULL THEN {scale_den} END"
    clean = "(blk IS NULL AND fe IS NULL)"
    empty = "CAST([] AS VARCHAR[])"
    direct = f"""SELECT unit, period, indicator, qrule, gr,
    CASE WHEN shape < 0 OR {miss} THEN CASE WHEN gv IS NULL THEN 'missing_data' ELSE 'ok' END
      WHEN {clean} THEN 'ok' ELSE 'not_computable' END AS r_st,
    CASE WHEN shape < 0 THEN CASE WHEN gv IS NULL THEN 'missing data: ' || indicator || ' in '
        || period || CASE WHEN gr > 0 THEN ' (given as empty)' ELSE '' END END
      WHEN {miss} THEN CASE WHEN gv IS NULL THEN 'missing data: ' || array_to_string(ms, ', ') END
      ELSE COALESCE(blk, fe) END AS r_why,
    CASE WHEN shape < 0 THEN CASE WHEN gv IS NULL THEN [indicator || ' in ' || period]
        ELSE {empty} END
      WHEN {miss} AND gv IS NULL THEN ms ELSE {empty} END AS r_mi,
    CASE WHEN shape < 0 OR {miss} THEN gv WHEN {clean} THEN fn END AS r_n,
    CASE WHEN shape < 0 OR {miss} THEN {given} WHEN {clean} THEN fd END AS r_d"""
    # Missing inputs once each, in the order first named; lists are built only on rows
    # that lack something.
    dedupe = (
        "CASE WHEN len(mc) < 2 THEN mc "
        "ELSE list_filter(mc, lambda m, i: list_position(mc, m) = i) END AS ms"
    )
    return f"{direct}\n  FROM (SELECT *, {dedupe} FROM ({source}) AS u) AS s"


_RESULT = "unit, period, indicator, qrule, gr, r_st, r_why, r_mi, r_n, r_d"


def build_plan(
    spec: Spec,
    *,
    input_scale: int = DEFAULT_INPUT_SCALE,
    target_scale: int = 0,
    ordered: bool = True,
) -> Plan:
    """Compile ``spec`` once; raises :class:`BatchRefused` naming what it cannot compile.

    ``ordered``: rows sorted by unit, the spec's order of indicators, and period; a
    plan that streams its result (larger than memory) leaves them unsorted."""
    refused = refusals(spec)
    if refused:
        raise BatchRefused(refused)
    order = tuple(spec.order)
    scale_den = hugeint(10**input_scale)
    rows, shapes = _shapes(spec)
    slots = max((len(f.slots) for f in spec.formulas.values()), default=0)
    divisions = max((len(r.divisions) for r in rows), default=0)
    lists = category_lists(spec, rows, slots)
    states = {j: variable_state(j, lists[j]) for j in range(slots)}
    quarters: QuarterPlan = quarter_plan(spec, rows, scale_den, states)
    ctes = [
        f"ind AS ({indicator_table(spec, rows, slots, divisions)})",
        f"cmap AS ({cell_map(spec, rows)})",
        *quarters.period_ctes,
        "grid AS (SELECT u.unit, p.period FROM batch_units AS u CROSS JOIN periods AS p)",
        f"cells AS ({cells_aggregate(slots, presence_bit(spec))})",
        # Every unit, period and indicator gets a row, reported or not.
        "base AS (SELECT g.unit, g.period, i.*, "
        + ", ".join(
            ["COALESCE(c.gr, 0) AS gr", "c.gv", *(f"c.{x}{j}" for j in range(slots) for x in "sk")]
        )
        + " FROM grid AS g CROSS JOIN ind AS i LEFT JOIN cells AS c"
        " ON c.unit = g.unit AND c.period = g.period AND c.pos = i.pos)",
        *quarters.slot_ctes,
    ]
    layers = sorted({r.layer for r in rows})
    done: list[str] = []
    for k in layers:
        here = [r for r in rows if r.layer == k]
        refs = sorted(
            {
                j
                for r in here
                if (f := spec.formulas.get(r.indicator)) is not None
                for j, s in enumerate(f.slots)
                if s.name in spec.indicators
            }
        )
        earlier = " UNION ALL ".join(f"SELECT {_RESULT} FROM l{p}" for p in done)
        joins = "".join(
            f" LEFT JOIN (SELECT unit AS xu, period AS xp, indicator AS xi, r_st, r_why, r_mi, "
            f"r_n, r_d FROM ({earlier}) AS e{j}) AS x{j} ON x{j}.xu = b.unit "
            f"AND x{j}.xp = b.period AND x{j}.xi = b.key{j}"
            for j in refs
        )
        cols = [
            c
            for j in range(slots)
            for c in quarters.slot(j, slot_columns(j, scale_den, j in refs, lists[j]))
        ]
        ctes.append(
            f"l{k}i AS (SELECT b.*, {', '.join(cols) if cols else 'TRUE AS none'} "
            f"FROM {quarters.base} AS b{joins} WHERE b.layer = {k})"
        )
        oks = " AND ".join(f"ok{j}" for j in range(slots)) or "TRUE"
        missing = ", ".join([*(f"mi{j}" for j in range(slots)), "CAST([] AS VARCHAR[])"])
        blocks = ", ".join(f"bk{j}" for j in range(slots))
        block = f"NULLIF(concat_ws('; ', {blocks}), '')" if slots else "NULL"
        ctes.append(
            f"l{k}c AS (SELECT *, CASE WHEN {oks} THEN CAST([] AS VARCHAR[]) "
            f"ELSE list_concat({missing}) END AS mc, CAST({block} AS VARCHAR) AS blk FROM l{k}i)"
        )
        selects = []
        for s in sorted({r.shape for r in here}):
            source = f"SELECT * FROM l{k}c WHERE shape = {s}"
            if s < 0:
                nothing = "CAST(NULL AS HUGEINT)"
                selects.append(
                    f"SELECT {_STATE}, {nothing} AS fn, {nothing} AS fd, "
                    f"CAST(NULL AS VARCHAR) AS fe FROM l{k}c WHERE shape = -1"
                )
            else:
                selects.append(_shape_select(shapes[s], source))
        union = "\n    UNION ALL ".join(selects)
        ctes.append(f"l{k}d AS ({_status(union, scale_den)})")
        ctes.extend(quarters.indicator(f"l{k}d", _RESULT, f"l{k}"))
        done.append(str(k))
    ctes.append(
        "lng AS ("
        + " UNION ALL ".join(
            f"SELECT unit, period, indicator, r_st, r_why, r_mi, r_n, r_d FROM l{k} "
            f"WHERE period IN (SELECT period FROM out_periods)"
            for k in layers
        )
        + ")"
    )
    ctes.append("pol AS (" + policy_table(spec, order) + ")")
    ctes.append("tgt AS (" + target_table(spec, order) + ")")
    ctes.append("bands AS (" + band_table(spec) + ")")
    ctes.extend(achievement_stages(hugeint(10**target_scale)))
    sql = "WITH " + ",\n".join(ctes) + "\n" + output_select(spec, order, ordered=ordered)
    return Plan(sql, order, input_scale, target_scale)
