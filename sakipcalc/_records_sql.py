"""The SQL that checks a records table and aggregates it, on an open DuckDB connection.

One scan per category column aggregates every variable that groups by it
(each a ``count(*) FILTER (WHERE ...)`` or ``sum(...) FILTER (WHERE ...)``)
into a small grouped table, and in the same scan counts the empty values to
sum and notes whether each filter value occurs. Periods, categories and units
are checked on the grouped keys, a few rows instead of every record. Only a
check that fails reads the records again, with row numbers, to name the first
rows at fault.

Sums are exact: a text column (all of a CSV) is first checked to hold plain
decimals and cast to ``DECIMAL(38, s)``, ``s`` its longest fraction; a
DECIMAL or integer column is summed as stored; a binary float is refused.
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
    "group_table",
    "long_rows_sql",
    "period_key",
    "prepare_table",
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
    dates: str | None  # the period column holds dates: "year" or "quarter" of each
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
        period = f"the {self.dates} of '{self.period}'" if self.dates else f"'{self.period}'"
        by = f"'{self.category}' and {period}" if self.category else period
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


def prepare_table(
    con: Any, table: Table, aggregates: Sequence[Aggregate], unit: str | None
) -> tuple[list[Issue], dict[str, int]]:
    """Columns checked; text columns to sum checked, with their scale (one scan, if any)."""
    issues = _column_issues(table, aggregates, unit)
    if issues:
        return issues, {}
    types = table.types
    checks: list[_Check] = []
    scaled: list[tuple[Aggregate, str]] = []
    for agg in aggregates:
        if agg.column is None or _sum_kind(types[agg.column]) != "text":
            continue
        column = quote_ident(agg.column)
        checks.append(
            _Check(
                f"({agg.filter_sql(types)}) AND ({column} IS NULL OR NOT "
                f"regexp_full_match({column}, {quote_text(NUMBER_RE)}))",
                agg.column,
                f"{{value}} is not a number, in a row '{agg.name}' sums",
                "write plain decimals such as 1250000 or 12.5, with no thousands separators "
                "or decimal comma",
            )
        )
        scaled.append((agg, f"length(split_part({column}, '.', 2))"))
    if not checks:
        return issues, {}
    selects = [f"bool_or({c.predicate})" for c in checks]
    selects += [f"max({expr}) FILTER (WHERE {agg.filter_sql(types)})" for agg, expr in scaled]
    (row,) = con.execute(f"SELECT {', '.join(selects)} FROM {table.view}").fetchall()
    for check, failed in zip(checks, row, strict=False):
        if failed:
            issues += _rows_at_fault(con, table, check)
    scales: dict[str, int] = {}
    for (agg, _), got in zip(scaled, row[len(checks) :], strict=True):
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
    return issues, scales


def group_table(
    con: Any,
    table: Table,
    group: Sequence[Aggregate],
    scales: dict[str, int],
    unit: str | None,
    name: str,
    *,
    sums: bool = True,
) -> list[Issue]:
    """Aggregate ``group`` (one category and period column) into the temp table ``name``.

    One scan computes every measure, the empty values to sum, and whether each
    filter value occurs; the period, category and unit values are then
    checked on the grouped keys, a few rows instead of every record. Only a
    check that fails reads the records again, to name the rows at fault.
    """
    types = table.types
    first = group[0]
    keys = [f"{quote_ident(unit)} AS k_unit" if unit else "NULL AS k_unit"]
    keys.append(f"{period_key(first)} AS k_period")
    keys.append(f"{quote_ident(first.category)} AS k_cat" if first.category else "NULL AS k_cat")
    measures = []
    empties: list[tuple[str, _Check]] = []
    for index, agg in enumerate(group):
        if agg.count or not sums:  # without sums: bad values to sum were found already
            measure = "count(*)"
        else:
            assert agg.column is not None
            summed = quote_ident(agg.column)
            if agg.name in scales:
                summed = f"CAST({summed} AS DECIMAL(38, {scales[agg.name]}))"
            measure = f"sum({summed})"
            if agg.name not in scales:  # a text column was checked row by row already
                predicate = f"({agg.filter_sql(types)}) AND {quote_ident(agg.column)} IS NULL"
                empties.append(
                    (
                        f"count(*) FILTER (WHERE {predicate})",
                        _Check(predicate, agg.column, f"{{value}} in a row '{agg.name}' sums"),
                    )
                )
        measures.append(f"{measure} FILTER (WHERE {agg.filter_sql(types)}) AS m{index}")
    # Whether each filter value occurs, once per (column, value) however many variables use it.
    occurs = {
        (column, value): f"bool_or({_as_text(column, types)} = {quote_text(value)})"
        for agg in group
        for column, values in agg.where
        for value in values
    }
    extra = [f"{expr} AS e{i}" for i, (expr, _) in enumerate(empties)]
    extra += [f"{expr} AS o{i}" for i, expr in enumerate(occurs.values())]
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {', '.join(keys)}, "
            f"{', '.join(measures + extra)} FROM {table.view} GROUP BY 1, 2, 3"
        )
    except Exception as exc:  # duckdb's own: a sum beyond DECIMAL(38), never wrapped
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [
            error(
                "records-value",
                f"{table.label} cannot be aggregated exactly: {reason}",
                group[0].origin,
                "from",
                prefer_key=True,
            )
        ]
    issues: list[Issue] = []
    folded = [f"sum(e{i})" for i in range(len(empties))]
    folded += [f"bool_or(o{i})" for i in range(len(occurs))]
    found = con.execute(f"SELECT {', '.join(folded)} FROM {name}").fetchall()[0] if folded else ()
    for (_, check), count in zip(empties, found, strict=False):
        if count:
            issues += _rows_at_fault(con, table, check)
    for (column, value), seen in zip(occurs, found[len(empties) :], strict=True):
        if not seen:
            issues += [
                _unmatched(table, agg, column, value)
                for agg in group
                if value in dict(agg.where).get(column, ())
            ]
    for grouped, check in _key_checks(table, first, unit):
        (bad,) = con.execute(f"SELECT count(*) FROM {name} WHERE {grouped}").fetchall()[0]
        if bad:
            issues += _rows_at_fault(con, table, check)
    return issues


def period_key(agg: Aggregate) -> str:
    """The period of a record: its period column, or the year or quarter of its date."""
    column = quote_ident(agg.period)
    if agg.dates is None:
        return column
    year = f"CAST(year(TRY_CAST({column} AS DATE)) AS VARCHAR)"
    if agg.dates == "year":
        return year
    return f"{year} || '-Q' || CAST(quarter(TRY_CAST({column} AS DATE)) AS VARCHAR)"


def _key_checks(table: Table, agg: Aggregate, unit: str | None) -> list[tuple[str, _Check]]:
    """Checks of the grouping keys: on the grouped table, and the same on the records."""

    def period(expr: str) -> str:
        return f"{expr} IS NULL OR NOT regexp_full_match({expr}, {quote_text(PERIOD_RE)})"

    if agg.dates is None:
        row_check = _Check(
            period(_as_text(agg.period, table.types)),
            agg.period,
            "{value} is not a period",
            "write a year (2022) or a quarter (2022-Q3)",
        )
    else:
        row_check = _Check(
            period(period_key(agg)),
            agg.period,
            "{value} is not a date",
            "write dates as 2022-03-31",
        )
    found = [(period("CAST(k_period AS VARCHAR)"), row_check)]
    if agg.category is not None:
        known = ", ".join(quote_text(c) for c in agg.breakdown_categories)

        def category(expr: str) -> str:
            return f"{expr} IS NULL OR {expr} NOT IN ({known})"

        found.append(
            (
                category("CAST(k_cat AS VARCHAR)"),
                _Check(
                    category(_as_text(agg.category, table.types)),
                    agg.category,
                    f"{{value}} is not a category of breakdown '{agg.breakdown}'",
                    f"categories: {first_few(agg.breakdown_categories)}",
                ),
            )
        )
    if unit is not None:
        found.append(
            ("k_unit IS NULL", _Check(f"{quote_ident(unit)} IS NULL", unit, "{value}: no unit"))
        )
    return found


def _unmatched(table: Table, agg: Aggregate, column: str, value: str) -> Issue:
    values = dict(agg.where)[column]
    sub: tuple[str | int, ...] = (column,) if len(values) == 1 else (column, values.index(value))
    return warning(
        "records-filter-unmatched",
        f"no row of {table.label} has {column} = {value}; '{agg.name}' counts nothing through "
        f"this value",
        agg.origin,
        "from",
        "where",
        *sub,
        hint="check the spelling against the records",
    )


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


def long_rows_sql(name: str, group: Sequence[Aggregate]) -> str:
    """Long rows ``(unit, period, name, category, value)`` from the grouped table ``name``.

    Every (unit, period) the records have a row for gets every category of
    each variable: a category no row matches counts 0 (sums 0). A period with
    no row at all is absent, and so missing.
    """
    category = group[0].category is not None
    head = (
        f"WITH g AS (SELECT CAST(k_unit AS VARCHAR) AS k_unit, "
        f"CAST(k_period AS VARCHAR) AS k_period, CAST(k_cat AS VARCHAR) AS k_cat, "
        f"* EXCLUDE (k_unit, k_period, k_cat) FROM {name}), "
        f"keys AS (SELECT DISTINCT k_unit, k_period FROM g) "
    )
    parts = []
    for index, agg in enumerate(group):
        value = f"CAST(COALESCE(m{index}, 0) AS VARCHAR)"
        label = quote_text(agg.name)
        if not category:
            parts.append(f"SELECT k_unit, k_period, {label}, NULL, {value} FROM g")
            continue
        cats = ", ".join(quote_text(c) for c in agg.categories)
        parts.append(
            f"SELECT keys.k_unit, keys.k_period, {label}, c.k_cat, {value} FROM keys "
            f"CROSS JOIN (SELECT unnest([{cats}]) AS k_cat) c "
            f"LEFT JOIN g ON g.k_unit IS NOT DISTINCT FROM keys.k_unit "
            f"AND g.k_period = keys.k_period AND g.k_cat = c.k_cat"
        )
    return head + " UNION ALL ".join(parts)
