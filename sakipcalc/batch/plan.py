"""A loaded spec compiled once into one relational plan (a sqlglot expression tree).

The plan reads three tables the runner provides:

* ``batch_data(unit, name, category, period, v)``: every input value as a
  HUGEINT scaled by ``10 ** input_scale`` (so 13.32 at scale 2 is 1332);
* ``batch_units(unit)`` and ``batch_periods(period)``: the grid; every unit
  gets a row for every indicator and period, reported or not;
* ``batch_targets(unit, indicator, period, t, t_txt)``: per-unit targets,
  scaled by ``10 ** target_scale``; where a unit has none the spec's apply.

It computes exact rationals (see :mod:`.sql`) layer by layer, one CTE per
layer, then one row per unit, indicator and period with the realisation,
achievement, category and their statuses, using the Python engine's rules and
reason texts. What it cannot compile exactly is refused here, by indicator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlglot

from .._spec import Spec
from ..formula import NameKind
from .refusals import BatchRefused, refusals
from .sql import Column, Rational, formula_nodes, hugeint, quote
from .stages import OUTPUT, achievement_stages
from .tables import band_table, policy_table, target_table, values_table

__all__ = ["Plan", "build_plan", "explain"]

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
        """The plan parsed by sqlglot (a few seconds for a large spec, so only on request)."""
        return sqlglot.parse_one(self.text, read="duckdb")

    def sql(self, dialect: str = "duckdb", *, pretty: bool = False) -> str:
        if dialect == "duckdb" and not pretty:
            return self.text
        return str(self.tree.sql(dialect=dialect, pretty=pretty))


def explain(spec: Spec, *, input_scale: int = DEFAULT_INPUT_SCALE) -> str:
    """The plan for ``spec`` as DuckDB SQL."""
    return build_plan(spec, input_scale=input_scale).sql(pretty=True)


class _Builder:
    def __init__(self, spec: Spec, input_scale: int, target_scale: int) -> None:
        self.spec = spec
        self.scale_den = hugeint(10**input_scale)
        self.target_den = hugeint(10**target_scale)
        self.agg: list[str] = []  # columns picked from the dense per-key lists
        self.var_rows: list[tuple[str, ...]] = []  # (name, category, key, bit): variable map
        self.slot_rows: list[tuple[str, ...]] = []  # (name, category, key): slot map
        self.layer0: list[str] = []  # per-grid-row columns of the first layer
        self.columns: list[Column] = []
        self.seen_vars: set[str] = set()
        self.slots: dict[tuple[str, tuple[str, ...] | None], tuple[Rational, str]] = {}
        self.slot_count = 0
        self.final_layer: dict[str, int] = {}

    # ------------------------------------------------------------ inputs

    def _var(self, name: str) -> str:
        col = "x_" + name
        if name not in self.seen_vars:
            key = len(self.seen_vars) + 1
            self.seen_vars.add(name)
            self.agg.append(f"COALESCE(vc[{key}], 0) AS {col}_rows")
            self.agg.append(f"vm[{key}] AS {col}_val")
            info = self.spec.names.get(name)
            if info is not None and info.kind is NameKind.BREAKDOWN:
                # Which categories have a value, as a bit mask: cheap to aggregate and
                # test; the list of missing ones is built only for rows that lack some.
                for i, c in enumerate(self.spec.variable_categories(name)):
                    self.var_rows.append((quote(name), quote(c), str(key), str(1 << i)))
                self.agg.append(f"vk[{key}] AS {col}_mask")
            else:
                self.var_rows.append((quote(name), "NULL", str(key), "0"))
        return col

    def leaf(self, name: str, cats: tuple[str, ...] | None) -> tuple[Rational, int]:
        if name in self.spec.indicators:
            layer = self.final_layer[name]
            return Rational(f"i_{name}_n", f"i_{name}_d"), layer
        key = (name, cats)
        if key not in self.slots:
            col = self._var(name)
            index = len(self.slots)
            slot = f"s{index}"
            whole = f"[{quote(name + ' in ')} || period]"
            if cats is None:
                self.layer0.append(f"{col}_val AS {slot}_n")
                ok = f"{col}_val IS NOT NULL"
                lacking = whole
            else:
                self.slot_count += 1
                position = self.slot_count
                self.slot_rows.extend((quote(name), quote(c), str(position)) for c in cats)
                self.agg.append(f"COALESCE(ss[{position}], 0) AS {slot}_sum")
                self.layer0.append(f"{slot}_sum AS {slot}_n")
                order = self.spec.variable_categories(name)
                mask = sum(1 << order.index(c) for c in cats)
                have = f"COALESCE({col}_mask, 0)"
                ok = f"(COALESCE({col}_rows, 0) > 0 AND ({have} & {mask}) = {mask})"
                each = ", ".join(
                    f"CASE WHEN ({have} & {1 << order.index(c)}) = 0 THEN "
                    f"{quote(f'{name}[{c}] in ')} || period END"
                    for c in cats
                )
                lacking = (
                    f"CASE WHEN COALESCE({col}_rows, 0) = 0 THEN {whole} "
                    f"ELSE list_filter([{each}], lambda m: m IS NOT NULL) END"
                )
            self.layer0.append(f"{ok} AS {slot}_ok")
            self.layer0.append(
                f"CASE WHEN {ok} THEN CAST([] AS VARCHAR[]) ELSE {lacking} END AS {slot}_miss"
            )
            self.slots[key] = (Rational(f"{slot}_n", self.scale_den), slot)
        return self.slots[key][0], 0

    # -------------------------------------------------------- indicators

    def indicator(self, ind_id: str) -> None:
        given = self._var(ind_id)
        formula = self.spec.formulas.get(ind_id)
        gn, gd = f"{given}_val", self.scale_den
        given_n = f"({gn} // gcd({gn}, {gd}))"
        given_d = f"({gd} // gcd({gn}, {gd}))"
        pre = f"i_{ind_id}"
        if formula is None:
            layer = 1
            empty = quote(" (given as empty)")
            self._add(
                layer, f"{pre}_st", f"CASE WHEN {gn} IS NULL THEN 'missing_data' ELSE 'ok' END"
            )
            self._add(
                layer,
                f"{pre}_why",
                f"CASE WHEN {gn} IS NULL THEN {quote('missing data: ' + ind_id + ' in ')} || period "
                f"|| CASE WHEN {given}_rows > 0 THEN {empty} ELSE '' END END",
            )
            self._add(
                layer,
                f"{pre}_mi",
                f"CASE WHEN {gn} IS NULL THEN [{quote(ind_id + ' in ')} || period] "
                f"ELSE CAST([] AS VARCHAR[]) END",
            )
            self._add(layer, f"{pre}_n", given_n)
            self._add(layer, f"{pre}_d", given_d)
            self.final_layer[ind_id] = layer
            return
        nodes = formula_nodes(formula.source, self.spec.names, self.leaf, f"f_{ind_id}")
        self.columns.extend(nodes.columns)
        root = nodes.root
        # Missing inputs in slot order, then what referenced indicators lack.
        parts: list[str] = []
        clear: list[str] = []
        blocked: list[str] = []
        base = nodes.level
        for slot in formula.slots:
            if slot.name in self.spec.indicators:
                ref = f"i_{slot.name}"
                base = max(base, self.final_layer[slot.name])
                parts.append(
                    f"CASE WHEN {ref}_st = 'missing_data' THEN {ref}_mi "
                    f"ELSE CAST([] AS VARCHAR[]) END"
                )
                clear.append(f"{ref}_st <> 'missing_data'")
                blocked.append(
                    f"CASE WHEN {ref}_st = 'not_computable' THEN "
                    f"{quote(repr_name(slot.name) + ' is not computable (')} || {ref}_why || ')' END"
                )
            else:
                name = self.slots[(slot.name, slot.categories)][1]
                parts.append(f"{name}_miss")
                clear.append(f"{name}_ok")
        first = base + 1
        concat = "list_concat(" + ", ".join([*parts, "CAST([] AS VARCHAR[])"]) + ")"
        # Lists are built only on rows that lack something.
        concat = f"CASE WHEN {' AND '.join(clear or ['TRUE'])} THEN CAST([] AS VARCHAR[]) ELSE {concat} END"
        self._add(first, f"{pre}_mc", concat)
        block = f"NULLIF(concat_ws('; ', {', '.join(blocked)}), '')" if blocked else "NULL"
        self._add(first, f"{pre}_blk", f"CAST({block} AS VARCHAR)")
        second = first + 1
        self._add(
            second,
            f"{pre}_miss",
            f"CASE WHEN len({pre}_mc) < 2 THEN {pre}_mc "
            f"ELSE list_filter({pre}_mc, lambda m, i: list_position({pre}_mc, m) = i) END",
        )
        final = second + 1
        miss = f"len({pre}_miss) > 0"
        clean = f"({pre}_blk IS NULL AND {root.err} IS NULL)"
        self._add(
            final,
            f"{pre}_st",
            f"CASE WHEN {miss} THEN CASE WHEN {gn} IS NULL THEN 'missing_data' ELSE 'ok' END "
            f"WHEN {clean} THEN 'ok' ELSE 'not_computable' END",
        )
        self._add(
            final,
            f"{pre}_why",
            f"CASE WHEN {miss} THEN CASE WHEN {gn} IS NULL THEN 'missing data: ' || "
            f"array_to_string({pre}_miss, ', ') END ELSE COALESCE({pre}_blk, {root.err}) END",
        )
        self._add(
            final,
            f"{pre}_mi",
            f"CASE WHEN {miss} AND {gn} IS NULL THEN {pre}_miss ELSE CAST([] AS VARCHAR[]) END",
        )
        self._add(
            final,
            f"{pre}_n",
            f"CASE WHEN {miss} THEN {given_n} WHEN {clean} THEN {root.n} END",
        )
        self._add(
            final,
            f"{pre}_d",
            f"CASE WHEN {miss} THEN {given_d} WHEN {clean} THEN {root.d} END",
        )
        self.final_layer[ind_id] = final

    def _add(self, layer: int, name: str, sql: str) -> None:
        self.columns.append(Column(layer, name, sql))


def repr_name(name: str) -> str:
    return f"'{name}'"


def build_plan(
    spec: Spec, *, input_scale: int = DEFAULT_INPUT_SCALE, target_scale: int = 0
) -> Plan:
    """Compile ``spec`` once; raises :class:`BatchRefused` naming what it cannot compile."""
    refused = refusals(spec)
    if refused:
        raise BatchRefused(refused)
    b = _Builder(spec, input_scale, target_scale)
    order = tuple(spec.order)
    for ind_id in order:
        b.indicator(ind_id)
    ctes: list[str] = []
    grid = "(SELECT unit, period FROM batch_units CROSS JOIN batch_periods)"
    # Inputs are aggregated long (by unit, period and key), then turned into one dense
    # list per unit and period indexed by key: a pivot with no per-column filter.
    text, whole = "CAST(NULL AS VARCHAR)", "CAST(NULL AS INTEGER)"
    var_map = values_table(
        ("name", "category", "key", "bit"), b.var_rows, [text, text, whole, "CAST(0 AS BIGINT)"]
    )
    slot_map = values_table(("name", "category", "key"), b.slot_rows, [text, text, whole])
    n_vars, n_slots = len(b.seen_vars), b.slot_count
    ctes.append(f"vmap AS ({var_map})")
    ctes.append(f"smap AS ({slot_map})")
    ctes.append(
        "vs AS (SELECT d.unit, d.period, m.key, count(*) AS cnt, max(d.v) AS mx, "
        "bit_or(m.bit) FILTER (WHERE d.v IS NOT NULL) AS mask FROM batch_data AS d "
        "JOIN vmap AS m ON d.name = m.name AND COALESCE(d.category, '') = COALESCE(m.category, '') "
        "GROUP BY d.unit, d.period, m.key)"
    )
    ctes.append(
        "sv AS (SELECT d.unit, d.period, m.key, sum(d.v) AS total FROM batch_data AS d "
        "JOIN smap AS m ON d.name = m.name AND d.category = m.category "
        "GROUP BY d.unit, d.period, m.key)"
    )
    ctes.append(
        "vl AS (SELECT g.unit, g.period, list(vs.cnt ORDER BY k.key) AS vc, "
        "list(vs.mx ORDER BY k.key) AS vm, list(vs.mask ORDER BY k.key) AS vk "
        f"FROM {grid} AS g CROSS JOIN range(1, {n_vars + 1}) AS k(key) "
        "LEFT JOIN vs ON vs.unit = g.unit AND vs.period = g.period AND vs.key = k.key "
        "GROUP BY g.unit, g.period)"
    )
    ctes.append(
        "sl AS (SELECT g.unit, g.period, list(sv.total ORDER BY k.key) AS ss "
        f"FROM {grid} AS g CROSS JOIN range(1, {n_slots + 1}) AS k(key) "
        "LEFT JOIN sv ON sv.unit = g.unit AND sv.period = g.period AND sv.key = k.key "
        "GROUP BY g.unit, g.period)"
    )
    picked = ",\n    ".join(["g.unit", "g.period", *b.agg])
    ctes.append(
        f"l0j AS (SELECT\n    {picked}\n  FROM {grid} AS g"
        "\n  LEFT JOIN vl ON vl.unit = g.unit AND vl.period = g.period"
        "\n  LEFT JOIN sl ON sl.unit = g.unit AND sl.period = g.period)"
    )
    layer0 = ",\n    ".join(["*", *b.layer0])
    ctes.append(f"l0 AS (SELECT\n    {layer0}\n  FROM l0j)")
    top = max((c.layer for c in b.columns), default=0)
    # Each layer carries forward only the columns a later layer still reads: with
    # SELECT * a large spec drags thousands of columns through every layer.
    defined = {c.name: c.layer for c in b.columns}
    defined.update({_alias(text): 0 for text in [*b.layer0, *b.agg]})
    last_use: dict[str, int] = {}
    for column in b.columns:
        for word in set(_WORD.findall(column.sql)):
            if word in defined:
                last_use[word] = max(last_use.get(word, 0), column.layer)
    for ind_id in order:
        for part in ("st", "why", "mi", "n", "d"):
            last_use[f"i_{ind_id}_{part}"] = top + 1
    for layer in range(1, top + 1):
        carried = [
            name for name, at in defined.items() if at < layer and last_use.get(name, -1) > layer
        ]
        cols = [f"{c.sql} AS {c.name}" for c in b.columns if c.layer == layer]
        select = ",\n    ".join(["unit", "period", *carried, *cols])
        # The last layer feeds one branch per indicator: computed once, not per branch.
        keyword = "MATERIALIZED " if layer == top else ""
        ctes.append(f"l{layer} AS {keyword}(SELECT\n    {select}\n  FROM l{layer - 1})")
    branches = [
        f"SELECT unit, period, {quote(i)} AS indicator, i_{i}_st AS r_st, i_{i}_why AS r_why, "
        f"i_{i}_mi AS r_mi, i_{i}_n AS r_n, i_{i}_d AS r_d FROM l{top}"
        for i in order
    ]
    ctes.append("lng AS (\n  " + "\n  UNION ALL ".join(branches) + ")")
    ctes.append("pol AS (" + policy_table(spec, order) + ")")
    ctes.append("tgt AS (" + target_table(spec, order) + ")")
    ctes.append("bands AS (" + band_table(spec) + ")")
    ctes.extend(achievement_stages(b.target_den))
    sql = "WITH " + ",\n".join(ctes) + "\n" + OUTPUT
    return Plan(sql, order, input_scale, target_scale)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _alias(text: str) -> str:
    return text.rsplit(" AS ", 1)[1].strip()
