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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlglot

from .._spec import Spec
from ..engine.achievement import effective_cap
from ..formula import NameKind
from ..models import ExactRule, LowerRule, NegativeRule, Polarity
from ..rounding import effective_rounding, show_raw
from .sql import Column, Rational, formula_nodes, quote, rational_literal

__all__ = ["BatchRefused", "Plan", "Refusal", "build_plan", "explain"]

DEFAULT_INPUT_SCALE = 6
OUTPUT_SCALE = 10  # the most decimal places a spec may round to


@dataclass(frozen=True, slots=True)
class Refusal:
    indicator: str
    reason: str

    def __str__(self) -> str:
        return f"{self.indicator}: {self.reason}"


class BatchRefused(ValueError):
    """The spec holds something the batch path cannot compute exactly (yet)."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = tuple(refusals)
        lines = "\n".join(f"  - {r}" for r in self.refusals)
        super().__init__(
            f"the batch path refuses {len(self.refusals)} indicator(s); nothing was computed:\n"
            f"{lines}"
        )


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


def refusals(spec: Spec) -> list[Refusal]:
    """Every indicator the plan cannot compute exactly, with the reason."""
    out: list[Refusal] = []
    refused: set[str] = set()
    for ind_id in spec.order:
        indicator = spec.indicators[ind_id]
        reason = None
        formula = spec.formulas.get(ind_id)
        if indicator.scale is not None:
            reason = "grade scales (ordinal targets and realisations) are not compiled yet"
        elif any(t.grade is not None for t in indicator.targets.values()):
            reason = "a grade target needs a grade scale, which is not compiled yet"
        elif indicator.quarters is not None:
            reason = "quarterly derivation of the year's value is not compiled yet"
        elif indicator.negative is NegativeRule.NOT_COMPUTABLE:
            reason = "'negative: not_computable' is not compiled yet"
        elif formula is not None:
            for ref in sorted(formula.references):
                if ref in refused:
                    reason = f"it depends on '{ref}', which is refused"
                    break
                variable = spec.variables.get(ref)
                if variable is not None and variable.quarters is not None:
                    reason = f"variable '{ref}' derives its year from quarters, not compiled yet"
                    break
        if reason is None and formula is not None:
            for ref in sorted(formula.references):
                if ref in spec.variables and len(spec.variable_categories(ref)) > 62:
                    reason = f"variable '{ref}' has more than 62 categories, not compiled yet"
        if reason is not None:
            refused.add(ind_id)
            out.append(Refusal(ind_id, reason))
    return out


def _hi(value: int) -> str:
    return f"CAST({value} AS HUGEINT)"


def _dec(value: Decimal | None) -> tuple[str, str]:
    if value is None:
        return "CAST(NULL AS HUGEINT)", "CAST(NULL AS HUGEINT)"
    num, den = rational_literal(value)
    return _hi(num), _hi(den)


def _text(value: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if value is None else quote(value)


def _values(columns: Sequence[str], rows: Iterable[Sequence[str]], dummy: Sequence[str]) -> str:
    """A VALUES table; with no rows, a typed empty one."""
    body = list(rows)
    if not body:
        return f"SELECT * FROM (VALUES ({', '.join(dummy)})) AS t({', '.join(columns)}) WHERE FALSE"
    lines = ",\n    ".join(f"({', '.join(row)})" for row in body)
    return f"SELECT * FROM (VALUES\n    {lines}) AS t({', '.join(columns)})"


def _round(n: str, d: str, pw: str, mode: str) -> str:
    """Signed integer of ``n / d`` rounded to the places ``pw = 10 ** places`` gives."""
    a = f"(abs({n}) * {pw})"
    q = f"({a} // {d})"
    r = f"({a} % {d})"
    bump = (
        f"CASE {mode} WHEN 'truncate' THEN 0 "
        f"WHEN 'half_up' THEN CASE WHEN 2 * {r} >= {d} THEN 1 ELSE 0 END "
        f"ELSE CASE WHEN 2 * {r} > {d} OR (2 * {r} = {d} AND {q} % 2 = 1) THEN 1 ELSE 0 END END"
    )
    return f"(sign({n}) * ({q} + {bump}))"


class _Builder:
    def __init__(self, spec: Spec, input_scale: int, target_scale: int) -> None:
        self.spec = spec
        self.scale_den = _hi(10**input_scale)
        self.target_den = _hi(10**target_scale)
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
    var_map = _values(
        ("name", "category", "key", "bit"), b.var_rows, [text, text, whole, "CAST(0 AS BIGINT)"]
    )
    slot_map = _values(("name", "category", "key"), b.slot_rows, [text, text, whole])
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
    ctes.append("pol AS (" + _policy(spec, order) + ")")
    ctes.append("tgt AS (" + _targets(spec, order) + ")")
    ctes.append("bands AS (" + _bands(spec) + ")")
    ctes.extend(_achievement(b.target_den))
    sql = "WITH " + ",\n".join(ctes) + "\n" + _OUTPUT
    return Plan(sql, order, input_scale, target_scale)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _alias(text: str) -> str:
    return text.rsplit(" AS ", 1)[1].strip()


def _policy(spec: Spec, order: Sequence[str]) -> str:
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
                _hi(10**rounding.places),
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
    return _values(columns, rows, ["NULL"] * len(columns))


def _targets(spec: Spec, order: Sequence[str]) -> str:
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
    return _values(columns, rows, dummy)


def _bands(spec: Spec) -> str:
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
    return _values(columns, rows, dummy)


def _achievement(target_den: str) -> list[str]:
    rk = _round("r_n", "r_d", "pw", "mode")
    unit_n = f"(u.t // gcd(u.t, {target_den}))"
    unit_d = f"({target_den} // gcd(u.t, {target_den}))"
    show = "CASE WHEN contains(u.t_txt, '.') THEN rtrim(rtrim(u.t_txt, '0'), '.') ELSE u.t_txt END"
    a = f"""a AS (SELECT lng.*, pol.* EXCLUDE (indicator), {rk} AS rk,
    CASE WHEN u.t IS NOT NULL THEN 'num' ELSE s.kind END AS kind,
    CASE WHEN u.t IS NOT NULL THEN {unit_n} ELSE s.t_n END AS t_n,
    CASE WHEN u.t IS NOT NULL THEN {unit_d} ELSE s.t_d END AS t_d,
    CASE WHEN u.t IS NOT NULL THEN u.t_txt ELSE s.t_txt END AS t_txt,
    CASE WHEN u.t IS NOT NULL THEN {show} ELSE s.t_show END AS t_show,
    s.lo_n, s.lo_d, s.lo_txt, s.lo_show, s.hi_n, s.hi_d, s.hi_txt, s.hi_show
  FROM lng JOIN pol ON pol.indicator = lng.indicator
  LEFT JOIN batch_targets AS u
    ON u.unit = lng.unit AND u.indicator = lng.indicator AND u.period = lng.period
  LEFT JOIN tgt AS s ON s.indicator = lng.indicator AND s.period = lng.period)"""
    b = """b AS (SELECT *,
    CASE WHEN ach_raw THEN r_n ELSE rk END AS x_n,
    CASE WHEN ach_raw THEN r_d ELSE pw END AS x_d
  FROM a)"""
    low = "(x_n * lo_d < lo_n * x_d)"
    high = "(x_n * hi_d > hi_n * x_d)"
    c = f"""c AS (SELECT *,
    (kind = 'range' AND NOT {low} AND NOT {high}) AS inr,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_n ELSE hi_n END ELSE t_n END AS bn,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_d ELSE hi_d END ELSE t_d END AS bd,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_txt ELSE hi_txt END ELSE t_txt END AS btxt,
    CASE WHEN kind = 'range' THEN CASE WHEN {low} THEN lo_show ELSE hi_show END ELSE t_show END
      AS bshow,
    CASE WHEN kind = 'range' THEN ' (outside ' || lo_txt || '–' || hi_txt || ')' ELSE '' END AS sfx
  FROM b)"""
    met = (
        "CASE pol WHEN 'higher_is_better' THEN x_n >= 0 WHEN 'lower_is_better' THEN x_n <= 0 "
        "ELSE x_n = 0 END"
    )
    zero_msg = (
        "'zero target: achievement against a target of ' || btxt || ' cannot be computed "
        "(declare ''zero_target'' to set a policy)'"
    )
    neg_msg = (
        "'negative target ' || bshow || ': ratio rules such as R / T invert below zero, so the "
        "achievement cannot be computed; express the target as a non-negative quantity'"
    )
    binary = f"(pol = '{Polarity.EXACT.value}' AND exact_rule = '{ExactRule.BINARY.value}')"
    official = f"lower_rule = '{LowerRule.OFFICIAL.value}'"
    equal = "(x_n * bd = bn * x_d)"
    d = f"""d AS (SELECT *,
    CASE WHEN inr OR kind IS NULL OR r_st <> 'ok' THEN NULL
      WHEN bn = 0 THEN CASE WHEN NOT zt THEN {zero_msg} END
      WHEN bn < 0 AND NOT {binary} THEN {neg_msg}
      WHEN pol = 'lower_is_better' AND NOT {official} AND x_n = 0
        THEN 'zero realisation: T / R is undefined when the realisation is 0'
    END AS a_err,
    CASE WHEN inr THEN CAST(100 AS HUGEINT)
      WHEN bn = 0 THEN CASE WHEN {met} THEN ztm_n ELSE ztx_n END
      WHEN {binary} THEN CASE WHEN {equal} THEN CAST(100 AS HUGEINT) ELSE CAST(0 AS HUGEINT) END
      WHEN bn < 0 THEN NULL
      WHEN pol = 'higher_is_better' THEN x_n * bd * 100
      WHEN pol = 'lower_is_better' AND {official} THEN (2 * bn * x_d - x_n * bd) * 100
      WHEN pol = 'lower_is_better' THEN bn * x_d * 100 * sign(x_n)
      ELSE (bn * x_d - abs(x_n * bd - bn * x_d)) * 100
    END AS a_n0,
    CASE WHEN inr THEN CAST(1 AS HUGEINT)
      WHEN bn = 0 THEN CASE WHEN {met} THEN ztm_d ELSE ztx_d END
      WHEN {binary} THEN CAST(1 AS HUGEINT)
      WHEN bn < 0 THEN NULL
      WHEN pol = 'higher_is_better' THEN x_d * bn
      WHEN pol = 'lower_is_better' AND {official} THEN x_d * bn
      WHEN pol = 'lower_is_better' THEN bd * NULLIF(abs(x_n), 0)
      ELSE bn * x_d
    END AS a_d0
  FROM c)"""
    e = """e AS (SELECT *,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN 'missing_data'
      WHEN kind IS NULL THEN 'not_computable'
      WHEN r_st <> 'ok' THEN r_st
      WHEN a_err IS NOT NULL THEN 'not_computable' ELSE 'ok' END AS a_st,
    CASE WHEN kind IS NULL AND r_st = 'missing_data' THEN r_why || '; no target for ' || period
      WHEN kind IS NULL THEN 'no target for ' || period
      WHEN r_st = 'missing_data' THEN r_why
      WHEN r_st <> 'ok' THEN 'realisation is not computable: ' || r_why
      WHEN a_err IS NOT NULL THEN a_err || sfx END AS a_why,
    a_n0 // gcd(a_n0, a_d0) AS a_n1,
    a_d0 // gcd(a_n0, a_d0) AS a_d1
  FROM d)"""
    # As the engine: below 0 floored at 0 (the default policy), else capped.
    floored = "(floor0 AND sign(a_n1) * sign(a_d1) < 0)"
    capped = "(cap_n IS NOT NULL AND a_n1 * cap_d > cap_n * a_d1)"
    f = f"""f AS (SELECT *,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 0 WHEN {capped} THEN cap_n ELSE a_n1 END
      END AS a_n,
    CASE WHEN a_st = 'ok' THEN CASE WHEN {floored} THEN 1 WHEN {capped} THEN cap_d ELSE a_d1 END
      END AS a_d
  FROM e)"""
    g = f"""g AS (SELECT *, {_round("a_n", "a_d", "pw", "mode")} AS ak FROM f)"""
    return [a, b, c, d, e, f, g]


_DEC = "CAST(0.{zeros}1 AS DECIMAL(38, {scale}))".format(
    zeros="0" * (OUTPUT_SCALE - 1), scale=OUTPUT_SCALE
)
_PAD = f"(CAST({10**OUTPUT_SCALE} AS HUGEINT) // pw)"

_OUTPUT = f"""SELECT g.unit, g.indicator, g.period,
  g.r_st AS realisation_status, g.r_why AS realisation_reason,
  g.r_mi AS realisation_missing,
  CAST(g.r_n AS DECIMAL(38, 0)) AS realisation_num,
  CAST(g.r_d AS DECIMAL(38, 0)) AS realisation_den,
  CAST(g.rk * {_PAD} AS DECIMAL(38, 0)) * {_DEC} AS realisation,
  CAST(g.a_n AS DECIMAL(38, 0)) AS achievement_num,
  CAST(g.a_d AS DECIMAL(38, 0)) AS achievement_den,
  CAST(g.ak * {_PAD} AS DECIMAL(38, 0)) * {_DEC} AS achievement,
  bands.label AS category,
  g.a_st AS status, g.a_why AS reason,
  CASE WHEN g.a_st = 'missing_data' THEN g.r_mi ELSE CAST([] AS VARCHAR[]) END AS missing
FROM g
LEFT JOIN bands ON g.a_st = 'ok' AND bands.scale = g.cat_scale
  AND (bands.lo_n IS NULL OR g.ak * bands.lo_d > bands.lo_n * g.pw
       OR (bands.lo_inc AND g.ak * bands.lo_d = bands.lo_n * g.pw))
  AND (bands.hi_n IS NULL OR g.ak * bands.hi_d < bands.hi_n * g.pw
       OR (bands.hi_inc AND g.ak * bands.hi_d = bands.hi_n * g.pw))
ORDER BY g.unit, g.indicator, g.period"""
