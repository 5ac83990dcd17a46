"""A checked formula as exact rational SQL: every value is a pair of 128-bit integers.

A value ``n / d`` is held as two HUGEINT columns with ``d > 0``, so nothing
is divided until the final rounding. A result is reduced by its gcd only when
a part reaches 10**18: below that the products of the next operation fit 128
bits anyway, and a gcd on 128-bit integers is the dearest step of a row. The formula's text was already checked by :mod:`sakipcalc.formula`
when the spec loaded; here it is parsed again only to walk the same tree.

Each node becomes three columns (numerator, denominator, error) defined in
terms of its children's columns, so no expression is ever copied into its
parent: a node refers to its children by name, and the plan places each
node in a nested SELECT after its children's. Inputs are the columns
``n{j}``/``d{j}`` of the formula's slot ``j``, and the text quoted by a zero
denominator is the column ``zt{m}`` of the ``m``-th division, so formulas
that differ only in their names compile to the same SQL (one *shape*). An error column holds the
first error in the Python engine's evaluation order (a division evaluates
its denominator first), or NULL.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..formula import NameInfo, NameKind

__all__ = [
    "Column",
    "FormulaNodes",
    "Rational",
    "formula_nodes",
    "hugeint",
    "quote",
    "rational_literal",
]


@dataclass(frozen=True, slots=True)
class Rational:
    """A value as SQL: numerator, denominator and error expressions."""

    n: str
    d: str
    err: str = "NULL"


@dataclass(frozen=True, slots=True)
class Column:
    """One computed column and the layer it belongs to."""

    layer: int
    name: str
    sql: str


@dataclass(frozen=True, slots=True)
class FormulaNodes:
    columns: tuple[Column, ...]
    root: Rational
    level: int  # the layer the root is defined in
    divisions: tuple[str, ...] = ()  # the denominators' texts, as ``zt0``, ``zt1``, … quote them


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rational_literal(value: Decimal) -> tuple[int, int]:
    """An exact Decimal as a reduced integer pair."""
    num, den = value.as_integer_ratio()
    return num, den


def hugeint(value: int) -> str:
    return f"CAST({value} AS HUGEINT)"


SMALL = 10**18


def _reduced(n0: str, d0: str) -> tuple[str, str]:
    # d0 > 0 always, so the gcd is positive and both divisions are exact.
    g = f"gcd({n0}, {d0})"
    small = f"(abs({n0}) < {SMALL} AND {d0} < {SMALL})"
    return (
        f"CASE WHEN {small} THEN {n0} ELSE ({n0}) // {g} END",
        f"CASE WHEN {small} THEN {d0} ELSE ({d0}) // {g} END",
    )


def formula_nodes(
    source: str,
    names: Mapping[str, NameInfo],
    leaf: Callable[[str, tuple[str, ...] | None], tuple[Rational, int]],
    prefix: str,
) -> FormulaNodes:
    """Columns computing ``source``; ``leaf(name, categories)`` gives an input (level 0)."""
    builder = _Builder(source, names, leaf, prefix)
    tree = ast.parse(source.strip(), mode="eval")
    root, level = builder.build(tree.body)
    return FormulaNodes(tuple(builder.columns), root, level, tuple(builder.divisions))


class _Builder:
    def __init__(
        self,
        source: str,
        names: Mapping[str, NameInfo],
        leaf: Callable[[str, tuple[str, ...] | None], tuple[Rational, int]],
        prefix: str,
    ) -> None:
        self.source = source.strip()
        self.names = names
        self.leaf = leaf
        self.prefix = prefix
        self.columns: list[Column] = []
        self.count = 0
        self.divisions: list[str] = []

    def node(self, level: int, n: str, d: str, err: str) -> tuple[Rational, int]:
        name = f"{self.prefix}_{self.count}"
        self.count += 1
        self.columns.extend(
            (
                Column(level, f"{name}_n", n),
                Column(level, f"{name}_d", d),
                Column(level, f"{name}_e", err),
            )
        )
        return Rational(f"{name}_n", f"{name}_d", f"{name}_e"), level

    def build(self, node: ast.expr) -> tuple[Rational, int]:
        if isinstance(node, ast.Constant):
            segment = ast.get_source_segment(self.source, node)
            assert segment is not None
            num, den = rational_literal(Decimal(segment))
            return Rational(hugeint(num), hugeint(den)), 0
        if isinstance(node, ast.Name):
            return self.leaf(node.id, None)
        if isinstance(node, ast.UnaryOp):
            (a, level) = self.build(node.operand)
            if isinstance(node.op, ast.USub):
                return self.node(level + 1, f"(-{a.n})", a.d, a.err)
            return a, level
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        func = node.func.id
        if func == "sum":
            var = node.args[0]
            assert isinstance(var, ast.Name)
            info = self.names[var.id]
            assert info.kind is NameKind.BREAKDOWN
            if len(node.args) == 1:
                cats = info.categories
            else:
                cats = tuple(
                    c
                    for arg in node.args[1:]
                    if isinstance(arg, ast.Name)
                    for c in (info.subsets.get(arg.id) or (arg.id,))
                )
            return self.leaf(var.id, cats)
        args = [self.build(arg) for arg in node.args]
        if func == "abs":
            ((a, level),) = args
            return self.node(level + 1, f"abs({a.n})", a.d, a.err)
        # min/max: pairwise from the left; Python's min returns the first least value.
        keep = "<=" if func == "min" else ">="
        acc, level = args[0]
        for b, b_level in args[1:]:
            level = max(level, b_level) + 1
            first = f"({acc.n} * {b.d} {keep} {b.n} * {acc.d})"
            acc, level = self.node(
                level,
                f"CASE WHEN {first} THEN {acc.n} ELSE {b.n} END",
                f"CASE WHEN {first} THEN {acc.d} ELSE {b.d} END",
                f"COALESCE({acc.err}, {b.err})",
            )
        return acc, level

    def binop(self, node: ast.BinOp) -> tuple[Rational, int]:
        if isinstance(node.op, ast.Pow):
            a, level = self.build(node.left)
            assert isinstance(node.right, ast.Constant) and isinstance(node.right.value, int)
            power = node.right.value
            if power == 0:
                # Decimal refuses 0 ** 0 as undefined; anything else to the 0th is 1.
                err = (
                    f"COALESCE({a.err}, CASE WHEN {a.n} = 0 THEN "
                    f"'undefined arithmetic, such as 0 ** 0' END)"
                )
                return self.node(level + 1, hugeint(1), hugeint(1), err)
            n, d = _reduced(" * ".join([a.n] * power), " * ".join([a.d] * power))
            return self.node(level + 1, n, d, a.err)
        a, a_level = self.build(node.left)
        b, b_level = self.build(node.right)
        level = max(a_level, b_level) + 1
        if isinstance(node.op, (ast.Add, ast.Sub)):
            sign = "+" if isinstance(node.op, ast.Add) else "-"
            n, d = _reduced(f"{a.n} * {b.d} {sign} {b.n} * {a.d}", f"{a.d} * {b.d}")
            return self.node(level, n, d, f"COALESCE({a.err}, {b.err})")
        if isinstance(node.op, ast.Mult):
            n, d = _reduced(f"{a.n} * {b.n}", f"{a.d} * {b.d}")
            return self.node(level, n, d, f"COALESCE({a.err}, {b.err})")
        assert isinstance(node.op, ast.Div)
        text = ast.get_source_segment(self.source, node.right) or "denominator"
        zero = f"zt{len(self.divisions)}"
        self.divisions.append(f"zero denominator: {text} is 0")
        # NULLIF keeps a zero denominator from reaching an integer division.
        n, d = _reduced(f"{a.n} * {b.d} * sign({b.n})", f"{a.d} * abs(NULLIF({b.n}, 0))")
        err = f"COALESCE({b.err}, CASE WHEN {b.n} = 0 THEN {zero} END, {a.err})"
        return self.node(level, n, d, err)
