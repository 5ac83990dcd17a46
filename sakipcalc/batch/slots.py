"""Where each formula's inputs come from: one row per indicator, one column group per slot.

A formula's slot ``j`` (in :attr:`CompiledFormula.slots` order) is an input
variable (a sum over some categories, or a scalar) or another indicator. The
plan holds, per indicator, what each slot is (table ``ind``) and which data
cells feed it (table ``cmap``), so one aggregate over the data fills every
slot of every indicator at once, and the SQL of a formula depends only on its
shape, not on the names it reads.

Categories are bits of a 128-bit mask, so a variable may have up to
:data:`MAX_CATEGORIES` of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._spec import Spec
from .refusals import MAX_CATEGORIES
from .tables import Cell, Raw, literal, values_table

__all__ = [
    "MAX_CATEGORIES",
    "IndicatorRow",
    "category_lists",
    "cell_map",
    "cells_aggregate",
    "indicator_table",
    "mask_type",
    "presence_bit",
    "slot_columns",
    "variable_state",
]


NONE, VARIABLE, REFERENCE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    indicator: str
    layer: int
    shape: int  # -1: no formula, the value is given in the data
    divisions: tuple[str, ...]  # texts of each division's zero-denominator reason


def _bits(spec: Spec, name: str) -> dict[str, int]:
    return {c: 1 << i for i, c in enumerate(spec.variable_categories(name))}


def mask_type(spec: Spec) -> str:
    """BIGINT masks while every variable has at most 62 categories (cheaper), else HUGEINT."""
    widest = max((len(spec.variable_categories(v)) for v in spec.variables), default=0)
    return "BIGINT" if widest <= 62 else "HUGEINT"


def presence_bit(spec: Spec) -> int:
    """The mask bit every row of a slot's variable sets, so one mask also says "it has rows"."""
    return 1 << 62 if mask_type(spec) == "BIGINT" else 1 << MAX_CATEGORIES


def indicator_table(spec: Spec, rows: Sequence[IndicatorRow], slots: int, divisions: int) -> str:
    """``ind``: per indicator its order, layer, shape, quarter rule and each slot's kind."""
    mask = mask_type(spec)
    columns = [
        ("indicator", "VARCHAR"), ("pos", "INTEGER"), ("layer", "INTEGER"),
        ("shape", "INTEGER"), ("qrule", "VARCHAR"),
    ]  # fmt: skip
    for j in range(slots):
        columns += [
            (f"kind{j}", "INTEGER"), (f"key{j}", "VARCHAR"), (f"nm{j}", "VARCHAR"),
            (f"need{j}", mask),
            (f"vq{j}", "VARCHAR"),
        ]  # fmt: skip
    columns += [(f"zt{m}", "VARCHAR") for m in range(divisions)]
    body: list[list[Cell]] = []
    for pos, row in enumerate(rows):
        ind = spec.indicators[row.indicator]
        rule = ind.quarters.value if ind.quarters is not None else None
        cells: list[Cell] = [row.indicator, pos, row.layer, row.shape, rule]
        formula = spec.formulas.get(row.indicator)
        formula_slots = formula.slots if formula is not None else ()
        for j in range(slots):
            if j >= len(formula_slots):
                cells += [NONE, None, None, None, None]
                continue
            slot = formula_slots[j]
            if slot.name in spec.indicators:
                cells += [REFERENCE, slot.name, slot.name, None, None]
                continue
            variable = spec.variables.get(slot.name)
            vq = variable.quarters.value if variable and variable.quarters else None
            if slot.categories is None:
                cells += [VARIABLE, None, slot.name, 1, vq]
                continue
            bits = _bits(spec, slot.name)
            need = 0
            for c in slot.categories:
                need |= bits[c]
            cells += [VARIABLE, None, slot.name, need, vq]
        cells += [row.divisions[m] if m < len(row.divisions) else None for m in range(divisions)]
        body.append(cells)
    return values_table(columns, body)


def cell_map(spec: Spec, rows: Sequence[IndicatorRow]) -> str:
    """``cmap(name, cat, pos, j, bit, inslot)``: which data cells feed which slot.

    Every category of a slot's variable is mapped, the ones outside the slot
    with ``inslot`` false: a variable is "given" for a period when it has any
    row, as in the Python engine. ``j = -1`` is the indicator's own given value.
    """
    present = presence_bit(spec)
    body: list[tuple[Cell, ...]] = []
    for pos, row in enumerate(rows):
        ind = row.indicator
        body.append((ind, "", pos, -1, present, True))
        formula = spec.formulas.get(ind)
        for j, slot in enumerate(formula.slots if formula is not None else ()):
            if slot.name in spec.indicators:
                continue
            if slot.categories is None:
                body.append((slot.name, "", pos, j, 1 | present, True))
                continue
            for c, bit in _bits(spec, slot.name).items():
                uses = slot.categories.count(c)
                # A category named twice in a sum counts twice, as the engine adds it twice.
                for _ in range(max(uses, 1)):
                    body.append((slot.name, c, pos, j, (bit if uses else 0) | present, uses > 0))
    columns = [
        ("name", "VARCHAR"), ("cat", "VARCHAR"), ("pos", "INTEGER"), ("j", "INTEGER"),
        ("bit", mask_type(spec)), ("inslot", "BOOLEAN"),
    ]  # fmt: skip
    return values_table(columns, body)


def cells_aggregate(slots: int, present: int) -> str:
    """``cells``: every slot's sum and mask, in one pass over the data.

    A slot's mask holds the bit of each of its categories that has a value, and
    ``present`` for any row of its variable (in the slot or not, empty or not).
    """
    parts = [
        "count(*) FILTER (WHERE m.j = -1) AS gr",
        "max(d.v) FILTER (WHERE m.j = -1) AS gv",
    ]
    bit = f"CASE WHEN d.v IS NULL THEN {present} ELSE m.bit END"
    for j in range(slots):
        parts.append(f"sum(d.v) FILTER (WHERE m.j = {j} AND m.inslot) AS s{j}")
        parts.append(f"bit_or({bit}) FILTER (WHERE m.j = {j}) AS k{j}")
    return (
        "SELECT d.unit, d.period, m.pos,\n    "
        + ",\n    ".join(parts)
        + "\n  FROM batch_data AS d JOIN cmap AS m"
        + "\n    ON d.name = m.name AND COALESCE(d.category, '') = m.cat"
        + "\n  GROUP BY d.unit, d.period, m.pos"
    )


def category_lists(spec: Spec, rows: Sequence[IndicatorRow], slots: int) -> list[tuple[str, str]]:
    """Per slot ``j``, SQL for its categories and their mask bits on a row (by ``pos``).

    Constant lists indexed by the indicator's position, read only on rows that lack a
    value, so the rows themselves carry no lists."""
    mask = mask_type(spec)
    out = []
    for j in range(slots):
        cats: list[Cell] = []
        bits: list[Cell] = []
        for row in rows:
            formula = spec.formulas.get(row.indicator)
            slot = formula.slots[j] if formula is not None and j < len(formula.slots) else None
            if slot is None or slot.categories is None or slot.name in spec.indicators:
                cats.append(Raw("NULL"))
                bits.append(Raw("NULL"))
                continue
            order = _bits(spec, slot.name)
            cats.append(list(slot.categories))
            bits.append([order[c] for c in slot.categories])
        out.append(
            (
                f"CAST({literal(cats)} AS VARCHAR[][])[pos + 1]",
                f"CAST({literal(bits)} AS {mask}[][])[pos + 1]",
            )
        )
    return out


def variable_state(j: int, lists: tuple[str, str]) -> tuple[str, str]:
    """Whether variable slot ``j`` of a row has every value, and if not, what it lacks
    (the whole variable when it has no row in the period, else each empty category)."""
    cats, bits = lists
    have = f"COALESCE(k{j}, 0)"
    ok = f"(k{j} IS NOT NULL AND ({have} & need{j}) = need{j})"
    whole = f"[nm{j} || ' in ' || period]"
    each = (
        f"list_filter(list_transform({cats}, lambda c, i: CASE WHEN ({have} & {bits}[i]) = 0 "
        f"THEN nm{j} || '[' || c || '] in ' || period END), lambda m: m IS NOT NULL)"
    )
    return ok, f"CASE WHEN k{j} IS NULL OR {cats} IS NULL THEN {whole} ELSE {each} END"


def slot_columns(j: int, scale_den: str, referenced: bool, lists: tuple[str, str]) -> list[str]:
    """Slot ``j`` of a row as ``n{j}``, ``d{j}``, ``ok{j}``, ``mi{j}`` (missing) and ``bk{j}``.

    ``referenced``: whether this layer joins slot ``j``'s indicator as ``x{j}``.
    """
    empty = "CAST([] AS VARCHAR[])"
    var_ok, var_missing = variable_state(j, lists)
    if not referenced:
        return [
            f"COALESCE(s{j}, 0) AS n{j}",
            f"{scale_den} AS d{j}",
            f"(kind{j} = 0 OR {var_ok}) AS ok{j}",
            f"CASE WHEN kind{j} = 0 OR {var_ok} THEN {empty} ELSE {var_missing} END AS mi{j}",
            f"CAST(NULL AS VARCHAR) AS bk{j}",
        ]
    ref = f"x{j}"
    return [
        f"CASE WHEN kind{j} = 2 THEN {ref}.r_n ELSE COALESCE(s{j}, 0) END AS n{j}",
        f"CASE WHEN kind{j} = 2 THEN {ref}.r_d ELSE {scale_den} END AS d{j}",
        f"CASE kind{j} WHEN 0 THEN TRUE WHEN 2 THEN {ref}.r_st = 'ok' ELSE {var_ok} END AS ok{j}",
        f"CASE WHEN kind{j} = 0 THEN {empty} "
        f"WHEN kind{j} = 2 THEN CASE WHEN {ref}.r_st = 'missing_data' THEN {ref}.r_mi "
        f"ELSE {empty} END "
        f"WHEN {var_ok} THEN {empty} ELSE {var_missing} END AS mi{j}",
        f"CASE WHEN kind{j} = 2 AND {ref}.r_st = 'not_computable' THEN "
        f"'''' || key{j} || ''' is not computable (' || {ref}.r_why || ')' END AS bk{j}",
    ]
