"""The DuckDB plan rewritten, node by node, into Spark SQL that computes the same exact figures.

sqlglot transpiles most of the plan as it stands. What it cannot, or would
transpile into something inexact on Spark, is rewritten here on the sqlglot
tree before Spark SQL is generated:

* ``HUGEINT`` becomes ``DECIMAL(38, 0)``: Spark has no 128-bit integer, and
  with ``spark.sql.ansi.enabled`` a decimal that leaves 38 digits raises
  instead of becoming NULL (so Spark's exact range is 10**38, DuckDB's 1.7e38);
* ``gcd(a, b)``, absent from Spark, becomes Euclid's algorithm folded over a
  bounded sequence (Lamé: at most five steps per decimal digit of the smaller);
* ``a // b``: Spark's ``div`` returns a BIGINT and silently wraps above 2**63
  (even in ANSI mode), and ``/`` keeps only 20 integer digits, so the quotient
  is taken from ``%`` and ``/`` in two halves of 19 digits, exactly;
* ``abs(x)`` and ``-x`` on a decimal silently round to 34 significant digits
  on Spark (Scala's BigDecimal context), so they become ``0 - x``, exact;
* ``sign(x)`` returns a DOUBLE on Spark, so it becomes a CASE over integers;
* ``list(x ORDER BY k)``: ``collect_list`` drops NULLs and any order, so the
  values are collected with their key and sorted;
* ``len(list)`` becomes ``size``, ``list_position`` ``array_position``, and a
  lambda's element index (1-based in DuckDB, 0-based in Spark) is shifted;
* the operands of gcd and ``//`` are bound once by a one-element ``transform``
  (SQL functions cannot hold the lambda Euclid needs, and Spark would copy an
  operand into each of its uses);
* a ``MATERIALIZED`` CTE becomes a statement of its own, which the runner
  checkpoints and registers as a temporary view;
* the plan's input tables and materialised CTEs are renamed to the runner's
  (unique) view names, so two runs in one session never see each other's.

The session must run with ``spark.sql.ansi.enabled=true`` and
``spark.sql.decimalOperations.allowPrecisionLoss=false`` (see :mod:`.spark`):
the first makes overflow raise, the second stops Spark rounding a product of
decimals to 6 places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import sqlglot
from sqlglot import exp

__all__ = ["SparkPlan", "SparkUnsupported", "spark_plan"]

_DEC = "DECIMAL(38, 0)"
_HALF = 10**19  # a quotient half: both halves stay under Spark's 20 integer digits of `/`


class SparkUnsupported(ValueError):
    """The plan holds a construct this adapter cannot run exactly on Spark."""


@dataclass(frozen=True, slots=True)
class SparkPlan:
    """Spark SQL statements: each ``(view, sql)`` of ``stages`` is run and registered in order."""

    stages: tuple[tuple[str, str], ...]
    final: str


def spark_plan(duckdb_sql: str, views: Mapping[str, str]) -> SparkPlan:
    """The plan as Spark SQL; ``views`` maps the plan's table names to the session's view names.

    Each materialised CTE is given a view name ``views[name]`` if present, else
    ``name`` with the prefix of ``views["batch_data"]``.
    """
    tree = _bottom_up(cast(exp.Expression, sqlglot.parse_one(duckdb_sql, read="duckdb")))
    prefix = views.get("batch_data", "batch_data").removesuffix("batch_data")
    names = dict(views)
    with_ = tree.args.get("with_")
    stages: list[tuple[str, exp.Expression]] = []
    if with_ is not None:
        kept: list[exp.CTE] = []
        for cte in with_.expressions:
            if not cte.args.get("materialized"):
                kept.append(cte)
                continue
            name = cte.alias_or_name
            body = cte.this.copy()
            if kept:
                body.set("with_", exp.With(expressions=[c.copy() for c in kept]))
            stages.append((name, body))
            names.setdefault(name, prefix + name)
        with_.set("expressions", kept)
        if not kept:
            tree.set("with_", None)
    out = [(names[name], _renamed(body, names).sql(dialect="spark")) for name, body in stages]
    return SparkPlan(tuple(out), _renamed(tree, names).sql(dialect="spark"))


def _renamed(tree: exp.Expression, names: Mapping[str, str]) -> exp.Expression:
    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name in names:
            table = node.copy()
            alias = node.alias or node.name
            table.set("this", exp.to_identifier(names[node.name]))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
            return table
        return node

    return tree.transform(rename)


def _bottom_up(node: exp.Expression) -> exp.Expression:
    """Children first, so a rewrite sees (and renders) its operands already rewritten."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _bottom_up(value))
        elif isinstance(value, list):
            node.set(key, [_bottom_up(v) if isinstance(v, exp.Expression) else v for v in value])
    return _rewrite(node)


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT128,):
        return exp.DataType.build(_DEC, dialect="spark")
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name == "gcd":
            return _gcd(*node.expressions)
        if name == "list_position":
            return exp.ArrayPosition(this=node.expressions[0], expression=node.expressions[1])
        raise SparkUnsupported(f"the plan calls {node.name}(), which has no Spark translation")
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        # DuckDB's list[i] counts from 1 and gives NULL past the end; Spark's [i] counts
        # from 0 and fails past the end. try_element_at is 1-based and NULL past the end.
        return exp.Anonymous(this="try_element_at", expressions=[node.this, node.expressions[0]])
    if isinstance(node, exp.IntDiv):
        return _int_div(node.this, node.expression)
    if isinstance(node, exp.Sign):
        x = node.this.sql(dialect="spark")
        return _parse(f"CASE WHEN {x} > 0 THEN 1 WHEN {x} < 0 THEN -1 WHEN {x} = 0 THEN 0 END")
    if isinstance(node, exp.Neg):
        return exp.Sub(this=exp.Literal.number(0), expression=node.this)
    if isinstance(node, exp.Abs):
        return _parse(_abs(f"({node.this.sql(dialect='spark')})"))
    if isinstance(node, exp.Length):
        # The plan takes len() of lists only; Spark's length() is for strings.
        return exp.ArraySize(this=node.this)
    if isinstance(node, exp.ArrayAgg):
        return _collected(node)
    if isinstance(node, exp.Lambda) and len(node.expressions) == 2:
        return _zero_based(node)
    if isinstance(node, exp.GenerateSeries) and isinstance(node.parent, exp.Table):
        # DuckDB's range(a, b) table: Spark has the same table function, end exclusive too.
        if not node.args.get("is_end_exclusive"):
            raise SparkUnsupported("generate_series (end inclusive) is not translated")
        return exp.Anonymous(this="range", expressions=[node.args["start"], node.args["end"]])
    return node


def _parse(sql: str) -> exp.Expression:
    return cast(exp.Expression, sqlglot.parse_one(sql, read="spark"))


def _abs(x: str) -> str:
    # Spark's abs() and unary minus on a decimal round it to 34 significant
    # digits (Scala's BigDecimal context); subtraction from 0 is exact.
    return f"CASE WHEN {x} < 0 THEN 0 - {x} ELSE {x} END"


def _dec(node: exp.Expression) -> str:
    """``node`` as Spark SQL, cast to DECIMAL(38, 0)."""
    return f"CAST(({node.sql(dialect='spark')}) AS {_DEC})"


def _bound(x: exp.Expression, y: exp.Expression, body: str) -> exp.Expression:
    """``body`` over ``p.x`` and ``p.y``: each operand computed once (a lambda binds them)."""
    pair = f"named_struct('x', {_dec(x)}, 'y', {_dec(y)})"
    return _parse(f"transform(array({pair}), p -> {body})[0]")


def _gcd(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    # Euclid folded over a bounded sequence (Lamé: at most 5 steps per digit of
    # the smaller operand, plus one to order them).
    x, y = _abs("p.x"), _abs("p.y")
    steps = f"5 * length(CAST(least({x}, {y}) AS STRING)) + 2"
    return _bound(
        a,
        b,
        f"aggregate(sequence(1, {steps}), named_struct('a', {x}, 'b', {y}), "
        "(s, i) -> IF(s.b = 0, s, named_struct('a', s.b, 'b', s.a % s.b)), s -> s.a)",
    )


def _int_div(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """DuckDB's ``a // b`` on integers (truncated toward zero), exactly, up to 10**38."""
    m = f"CAST({_HALF} AS DECIMAL(20, 0))"
    high = f"CAST((q.a - q.a % {m}) / {m} AS {_DEC})"
    rest = f"((({high}) % q.b) * {m} + q.a % {m})"
    # |x| // |y|: a quotient under 10**19 directly, else in two halves of 19 digits.
    quotient = (
        f"CASE WHEN q.b > {m} OR q.a < {m} THEN CAST((q.a - q.a % q.b) / q.b AS {_DEC}) "
        f"ELSE CAST((({high}) - ({high}) % q.b) / q.b AS {_DEC}) * {m} "
        f"+ CAST(({rest} - {rest} % q.b) / q.b AS {_DEC}) END"
    )
    # A zero divisor raises at %, as DuckDB raises on it.
    body = f"CASE WHEN q.s THEN {quotient} ELSE 0 - ({quotient}) END"
    parts = f"named_struct('a', {_abs('p.x')}, 'b', {_abs('p.y')}, 's', (p.x < 0) = (p.y < 0))"
    return _bound(a, b, f"transform(array({parts}), q -> {body})[0]")


def _collected(node: exp.ArrayAgg) -> exp.Expression:
    inner = node.this
    if isinstance(inner, exp.Order):
        keys = []
        for ordered in inner.expressions:
            if ordered.args.get("desc"):
                raise SparkUnsupported("list(... ORDER BY ... DESC) is not translated")
            keys.append(ordered.this.sql(dialect="spark"))
        value = inner.this.sql(dialect="spark")
        fields = ", ".join(f"'k{i}', {k}" for i, k in enumerate(keys))
        return _parse(
            f"transform(array_sort(collect_list(named_struct({fields}, 'v', {value}))), e -> e.v)"
        )
    # collect_list drops NULLs; DuckDB's list keeps them.
    value = inner.sql(dialect="spark")
    return _parse(f"transform(collect_list(named_struct('v', {value})), e -> e.v)")


def _zero_based(node: exp.Lambda) -> exp.Expression:
    """DuckDB numbers a lambda's element index from 1, Spark from 0."""
    index = node.expressions[1].name

    def shift(inner: exp.Expression) -> exp.Expression:
        if isinstance(inner, exp.Column) and not inner.table and inner.name == index:
            return exp.Paren(this=exp.Add(this=inner.copy(), expression=exp.Literal.number(1)))
        if (
            isinstance(inner, exp.Identifier)
            and inner.name == index
            and not isinstance(inner.parent, exp.Column)
        ):
            return exp.Paren(this=exp.Add(this=inner.copy(), expression=exp.Literal.number(1)))
        return inner

    body = node.this.transform(shift)
    return exp.Lambda(this=body, expressions=[e.copy() for e in node.expressions])
