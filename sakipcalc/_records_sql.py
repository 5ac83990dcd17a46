"""The SQL that checks a records table and aggregates it, on an open DuckDB connection.

One scan of each table checks everything at once (periods, categories, sum
values, whether each filter value occurs); only a check that fails is run
again with row numbers, to name the first rows at fault. One more scan per
category column aggregates every variable that groups by it, each variable a
``count(*) FILTER (WHERE ...)`` or ``sum(...) FILTER (WHERE ...)``. Sums are
exact: a text column is checked to hold plain decimals and cast to
``DECIMAL(38, s)`` with ``s`` its longest fraction; a DECIMAL or integer
column is summed as it is; a binary float column is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._hints import first_few, suggest
from ._spec import Origin, error, warning
from .errors import Issue, Location, Severity

__all__ = [
    "Aggregate",
    "Table",
    "aggregate_sql",
    "check_table",
    "quote_ident",
    "quote_text",
]

NUMBER_RE = r"-?[0-9]+(\.[0-9]+)?"
PERIOD_RE = r"[0-9]{4}(-Q[1-4])?"
MAX_SCALE = 18  # fraction digits of a summed text column; DECIMAL(38, s) keeps 38 in all
_SHOWN = 5  # rows named per failing check
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT")
_UNSIGNED = ("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One variable's aggregate over a records table, as the spec declares it."""

    name: str
    table: str
    count: bool
    column: str | None  # the summed column
    category: str | None  # the column holding the breakdown's category
    period: str
    where: tuple[tuple[str, tuple[str, ...]], ...]
    categories: tuple[str, ...]  # the variable's categories; () without a breakdown
    breakdown: str | None
    breakdown_categories: tuple[str, ...]
    origin: Origin  # the variable

    def filter_sql(self, types: dict[str, str]) -> str:
        terms = []
        for column, values in self.where:
            expr = _as_text(column, types)
            if len(values) == 1:
                terms.append(f"{expr} = {quote_text(values[0])}")
            else:
                terms.append(f"{expr} IN ({', '.join(quote_text(v) for v in values)})")
        return " AND ".join(terms) or "true"

    def describe(self, label: str) -> str:
        """Where the numbers come from, for traces: file, aggregate, filter, grouping."""
        what = "count of rows" if self.count else f"sum of '{self.column}'"
        conditions = [
            f"{column} = {values[0]}" if len(values) == 1 else f"{column} in {', '.join(values)}"
            for column, values in self.where
        ]
        where = f" where {' and '.join(conditions)}" if conditions else ""
        by = f"'{self.category}' and '{self.period}'" if self.category else f"'{self.period}'"
        return f"{what} of {label}{where}, by {by}"


@dataclass(frozen=True, slots=True)
class Table:
    """A records table registered on the connection as a view."""

    id: str
    label: str  # the file as shown in messages
    view: str
    types: dict[str, str]  # column -> DuckDB type
    line_offset: int  # a CSV's first line is its header: data row n is line n + 1
    origin: Origin | None  # the 'records:' declaration, if any

    def where(self, row: int, column: str) -> Location:
        names = list(self.types)
        index = names.index(column) + 1 if column in names else None
        return Location(self.label, row + self.line_offset, index)


def _as_text(column: str, types: dict[str, str]) -> str:
    quoted = quote_ident(column)
    return quoted if types.get(column) == "VARCHAR" else f"CAST({quoted} AS VARCHAR)"


def _sum_kind(kind: str) -> str:
    """``text``, ``exact`` (DECIMAL or integer) or ``refused``."""
    upper = kind.upper()
    if upper == "VARCHAR":
        return "text"
    if upper.startswith("DECIMAL") or upper in _INTEGER_TYPES or upper in _UNSIGNED:
        return "exact"
    return "refused"


@dataclass(frozen=True, slots=True)
class _Check:
    """One predicate over a table's rows; the rows where it holds are problems."""

    predicate: str
    column: str
    message: str  # formatted with the cell's text as {value}
    hint: str | None = None


def check_table(
    con: Any, table: Table, aggregates: Sequence[Aggregate], unit: str | None
) -> tuple[list[Issue], dict[str, int]]:
    """Every problem of ``table`` for ``aggregates``, and the scale of each text sum column."""
    issues = _column_issues(table, aggregates, unit)
    if issues:
        return issues, {}
    types = table.types
    checks: list[_Check] = []
    if unit is not None:
        checks.append(_Check(f"{quote_ident(unit)} IS NULL", unit, "the unit is empty"))
    for period in dict.fromkeys(a.period for a in aggregates):
        text = _as_text(period, types)
        checks.append(
            _Check(
                f"{text} IS NULL OR NOT regexp_full_match({text}, {quote_text(PERIOD_RE)})",
                period,
                "{value} is not a period",
                "write a year (2022) or a quarter (2022-Q3)",
            )
        )
    seen: set[tuple[str, str | None]] = set()
    for agg in aggregates:
        if agg.category is None or (agg.category, agg.breakdown) in seen:
            continue
        seen.add((agg.category, agg.breakdown))
        text = _as_text(agg.category, types)
        known = ", ".join(quote_text(c) for c in agg.breakdown_categories)
        checks.append(
            _Check(
                f"{text} IS NULL OR {text} NOT IN ({known})",
                agg.category,
                f"{{value}} is not a category of breakdown '{agg.breakdown}'",
                f"categories: {first_few(agg.breakdown_categories)}",
            )
        )
    scaled = []
    for agg in aggregates:
        if agg.column is None:
            continue
        column, text = agg.column, _as_text(agg.column, types)
        bad = f"{quote_ident(column)} IS NULL"
        if _sum_kind(types[column]) == "text":
            bad += f" OR NOT regexp_full_match({text}, {quote_text(NUMBER_RE)})"
            scaled.append((agg, f"length(split_part({text}, '.', 2))"))
        checks.append(
            _Check(
                f"({agg.filter_sql(types)}) AND ({bad})",
                column,
                f"{{value}} is not a number, in a row '{agg.name}' sums",
                "write plain decimals such as 1250000 or 12.5, with no thousands separators "
                "or decimal comma",
            )
        )
    occurs = {
        (agg.name, column, value): f"bool_or({_as_text(column, types)} = {quote_text(value)})"
        for agg in aggregates
        for column, values in agg.where
        for value in values
    }
    selects = [f"bool_or({c.predicate})" for c in checks]
    selects += [f"max({expr}) FILTER (WHERE {agg.filter_sql(types)})" for agg, expr in scaled]
    selects += list(occurs.values())
    (row,) = con.execute(f"SELECT {', '.join(selects)} FROM {table.view}").fetchall()
    found = list(row)
    for check, failed in zip(checks, found, strict=False):
        if failed:
            issues += _rows_at_fault(con, table, check)
    scales: dict[str, int] = {}
    for (agg, _), got in zip(scaled, found[len(checks) :], strict=False):
        scales[agg.name] = int(got or 0)
        if scales[agg.name] > MAX_SCALE:
            issues.append(
                error(
                    "records-value",
                    f"'{agg.column}' in {table.label} has {got} decimal places; at most "
                    f"{MAX_SCALE} are summed exactly",
                    agg.origin,
                    "from",
                    "sum",
                )
            )
    for (name, column, value), got in zip(occurs, found[len(checks) + len(scaled) :], strict=False):
        if not got:
            agg = next(a for a in aggregates if a.name == name)
            values = dict(agg.where)[column]
            sub: tuple[str | int, ...] = (
                (column,) if len(values) == 1 else (column, values.index(value))
            )
            issues.append(
                warning(
                    "records-filter-unmatched",
                    f"no row of {table.label} has {column} = {value}; '{name}' counts nothing "
                    f"through this value",
                    agg.origin,
                    "from",
                    "where",
                    *sub,
                    hint="check the spelling against the records",
                )
            )
    return issues, scales


def _column_issues(table: Table, aggregates: Sequence[Aggregate], unit: str | None) -> list[Issue]:
    """Columns the spec names that the table lacks, and sum columns that are not exact."""
    issues: list[Issue] = []
    columns = list(table.types)
    listing = f"its columns: {first_few(columns, limit=12)}"
    if unit is not None and unit not in table.types:
        issues.append(
            Issue(
                Severity.ERROR,
                "records-column",
                f"{table.label} has no unit column '{unit}'",
                Location(table.label),
                hint=suggest(unit, columns) or listing,
            )
        )
    for agg in aggregates:
        named: list[tuple[str, tuple[str | int, ...]]] = [(agg.period, ("from", "period"))]
        if agg.category is not None:
            named.append((agg.category, ("from", "category")))
        if agg.column is not None:
            named.append((agg.column, ("from", "sum")))
        named += [(column, ("from", "where", column)) for column, _ in agg.where]
        for column, sub in named:
            if column not in table.types:
                issues.append(
                    error(
                        "records-column",
                        f"{table.label} has no column '{column}'",
                        agg.origin,
                        *sub,
                        hint=suggest(column, columns) or listing,
                        prefer_key=sub[-1] == column,
                    )
                )
        if agg.column in table.types and _sum_kind(table.types[agg.column]) == "refused":
            kind = table.types[agg.column]
            issues.append(
                error(
                    "records-column",
                    f"column '{agg.column}' of {table.label} is {kind}"
                    + (
                        ", binary floating point, which cannot hold 13.32 exactly"
                        if kind in ("FLOAT", "DOUBLE", "REAL")
                        else ", not a number"
                    ),
                    agg.origin,
                    "from",
                    "sum",
                    hint="store it as DECIMAL, an integer or text",
                )
            )
    return issues


def _rows_at_fault(con: Any, table: Table, check: _Check) -> list[Issue]:
    text = _as_text(check.column, table.types)
    rows = con.execute(
        f"SELECT rn, value FROM (SELECT row_number() OVER () AS rn, {text} AS value, * "
        f"FROM {table.view}) WHERE {check.predicate} ORDER BY rn LIMIT {_SHOWN}"
    ).fetchall()
    return [
        Issue(
            Severity.ERROR,
            "records-value",
            f"column '{check.column}': "
            + check.message.format(value="an empty cell" if value is None else repr(value)),
            table.where(int(rn), check.column),
            hint=check.hint,
        )
        for rn, value in rows
    ]


def aggregate_sql(
    table: Table, aggregates: Sequence[Aggregate], scales: dict[str, int], unit: str | None
) -> str:
    """Long rows ``(unit, period, name, category, value)`` for aggregates sharing a category column.

    Every (unit, period) the table has a row for gets every category of each
    variable: a category no row matches counts 0 (sums 0). A period with no
    row at all is absent, and so missing.
    """
    types = table.types
    category = aggregates[0].category
    keys = [f"{quote_ident(unit)} AS k_unit" if unit else "NULL AS k_unit"]
    keys.append(f"{quote_ident(aggregates[0].period)} AS k_period")
    if category is not None:
        keys.append(f"{quote_ident(category)} AS k_cat")
    measures = []
    for index, agg in enumerate(aggregates):
        if agg.count:
            measure = "count(*)"
        else:
            assert agg.column is not None
            summed = quote_ident(agg.column)
            if agg.name in scales:
                summed = f"CAST({summed} AS DECIMAL(38, {scales[agg.name]}))"
            measure = f"sum({summed})"
        measures.append(f"{measure} FILTER (WHERE {agg.filter_sql(types)}) AS m{index}")
    grouped = ", ".join(str(i + 1) for i in range(len(keys)))
    cat_text = "CAST(k_cat AS VARCHAR) AS k_cat, " if category is not None else ""
    sql = (
        f"WITH g0 AS (SELECT {', '.join(keys)}, {', '.join(measures)} FROM {table.view} "
        f"GROUP BY {grouped}), "
        f"g AS (SELECT CAST(k_unit AS VARCHAR) AS k_unit, CAST(k_period AS VARCHAR) AS k_period, "
        f"{cat_text}* EXCLUDE (k_unit, k_period{', k_cat' if category else ''}) FROM g0), "
        f"keys AS (SELECT DISTINCT k_unit, k_period FROM g) "
    )
    parts = []
    for index, agg in enumerate(aggregates):
        value = f"CAST(COALESCE(m{index}, 0) AS VARCHAR)"
        name = quote_text(agg.name)
        if category is None:
            parts.append(f"SELECT k_unit, k_period, {name}, NULL, {value} FROM g")
            continue
        cats = ", ".join(quote_text(c) for c in agg.categories)
        parts.append(
            f"SELECT keys.k_unit, keys.k_period, {name}, c.k_cat, {value} FROM keys "
            f"CROSS JOIN (SELECT unnest([{cats}]) AS k_cat) c "
            f"LEFT JOIN g ON g.k_unit IS NOT DISTINCT FROM keys.k_unit "
            f"AND g.k_period = keys.k_period AND g.k_cat = c.k_cat"
        )
    return sql + " UNION ALL ".join(parts)
