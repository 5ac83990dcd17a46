"""Variables aggregated from records: a case register counted or summed into the spec's data.

A spec declares a table of records and, on a variable, how the variable is
aggregated from it::

    records:
      - id: kasus
        name: Register kasus PMKS
        path: kasus.parquet              # optional: relative to this file, inside the spec
    variables:
      - id: pmks_tertangani
        breakdown: jenis_pmks
        from:
          records: kasus
          count: true                    # or  sum: COLUMN
          category: jenis_pmks           # the column holding the breakdown's category
          period: tahun                  # the column holding 2022 or 2022-Q3
          # dates: quarter               # or: the period column holds dates, by year or quarter
          where: {status: tertangani, kecamatan: [pelaihari, bati_bati]}

:func:`load_records` reads each table (CSV read as text, or Parquet) with
DuckDB, checks it against the spec, and returns the spec's data with the
aggregated values merged in. ``where`` conditions are equalities (one value)
or memberships (a list), compared with the column's text; all must hold.

* A period that has at least one row gets a value for every category of the
  variable: a category no row matches counts 0 (and sums 0). A period with no
  row at all gets nothing: its value is missing, never 0.
* Counts are integers; sums are exact: a text column must hold plain decimals
  (``12.5``, no thousands separators), a DECIMAL or integer column is summed
  as stored, and a binary float column is refused.
* Checked against the table, each problem with its place: a column the spec
  names that the table lacks (at the spec's file:line:col, with "did you
  mean"); a category value not in the breakdown, an empty or malformed period,
  an empty or non-numeric value to sum (at the records file's row and column,
  the header counted as row 1 of a CSV); a ``where`` value no row has (a
  warning at the spec's file:line:col).
* A value for an aggregated variable also given in ``data:`` (or ``--data``)
  is an error: each value comes from one place.

DuckDB is optional (``pip install "sakipcalc[batch]"``): a spec with records
loads, validates and evaluates without it; only reading the records needs it.
:func:`records_realisations` gives the same aggregates for many units at once,
grouped by a ``unit`` column, in the batch path's long layout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._args import require_spec
from ._confine import Roots, confine, real_path
from ._files import display as display_path
from ._records_sql import Aggregate, Table, group_table, long_rows_sql, prepare_table, quote_text
from ._spec import DataSet, DataValue, Origin, Spec, error
from .errors import Issue, IssueReport, Location, Severity, SpecError

__all__ = ["INSTALL_HINT", "RecordsData", "load_records", "records_realisations"]

INSTALL_HINT = 'records are aggregated with DuckDB: pip install "sakipcalc[batch]"'

# A records source: a path, or "table:NAME" for a table on the connection given.
Source = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class RecordsData:
    """The data with the aggregated values merged in, where each came from, and warnings."""

    data: DataSet
    traces: Mapping[str, str]  # variable -> "count of rows of kasus.csv where ..., by ..."
    warnings: IssueReport


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return duckdb


def aggregates_of(spec: Spec) -> list[Aggregate]:
    """Every variable declared ``from:`` records, in spec order."""
    found = []
    for name, variable in spec.variables.items():
        source = variable.source
        if source is None:
            continue
        breakdown = spec.breakdowns[variable.breakdown] if variable.breakdown else None
        found.append(
            Aggregate(
                name=name,
                table=source.records,
                count=source.count,
                column=source.sum,
                category=source.category,
                period=source.period,
                dates=source.dates,
                where=tuple(
                    (column, value if isinstance(value, tuple) else (value,))
                    for column, value in source.where.items()
                ),
                categories=spec.variable_categories(name),
                breakdown=variable.breakdown,
                breakdown_categories=tuple(c.id for c in breakdown.categories) if breakdown else (),
                origin=spec.origins[("variables", name)],
            )
        )
    return found


def load_records(
    spec: Spec,
    sources: Mapping[str, Source] | None = None,
    *,
    data: DataSet | None = None,
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    connection: Any = None,
) -> RecordsData:
    """Aggregate the spec's records into its data (``data``, default the spec's own).

    ``sources`` maps a records id to a ``.csv`` or ``.parquet`` file (or
    ``"table:NAME"`` on ``connection``), replacing the ``path:`` the spec
    declares. A declared path is read relative to its spec file and only
    inside the spec's directories (and ``allow_roots``). Raises
    :class:`SpecError` with every problem found, ``ImportError`` without DuckDB.
    """
    require_spec(spec)
    base = spec.data if data is None else data
    aggregates = aggregates_of(spec)
    if not aggregates:
        return RecordsData(base, MappingProxyType({}), IssueReport())
    con = connection if connection is not None else _duckdb().connect()
    try:
        tables, issues = _open_tables(con, spec, aggregates, dict(sources or {}), allow_roots)
        rows: list[tuple[Any, ...]] = []
        traces: dict[str, str] = {}
        for table in tables.values():
            mine = [a for a in aggregates if a.table == table.id]
            grouped, found = _aggregated(con, table, mine, None)
            issues += found
            if not any(i.severity is Severity.ERROR for i in found):
                for name, group in grouped:
                    rows += con.execute(long_rows_sql(name, group)).fetchall()
            traces.update({a.name: a.describe(table.label) for a in mine})
    finally:
        if connection is None:
            con.close()
    report = IssueReport.of(issues)
    if report.has_errors:
        raise SpecError(report)
    merged, clashes = _merged(base, rows, {a.name: a.origin for a in aggregates})
    if clashes:
        raise SpecError(IssueReport.of([*report, *clashes]))
    return RecordsData(merged, MappingProxyType(traces), report)


def records_realisations(
    spec: Spec,
    sources: Mapping[str, Source] | None = None,
    *,
    unit: str = "unit",
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    connection: Any = None,
) -> Any:
    """The aggregates for every unit, as an Arrow table in the batch long layout.

    Columns ``unit, name, category, period, value``, all text (values exact
    decimals as text, which the batch path reads exactly); grouped by the
    ``unit`` column of every records table. Feed it to ``sakipcalc.batch`` as
    realisation data (alone or concatenated with other long-layout rows).
    """
    require_spec(spec)
    con = connection if connection is not None else _duckdb().connect()
    try:
        aggregates = aggregates_of(spec)
        tables, issues = _open_tables(con, spec, aggregates, dict(sources or {}), allow_roots)
        parts = []
        for table in tables.values():
            mine = [a for a in aggregates if a.table == table.id]
            grouped, found = _aggregated(con, table, mine, unit)
            issues += found
            parts += [long_rows_sql(name, group) for name, group in grouped]
        report = IssueReport.of(issues)
        if report.has_errors:
            raise SpecError(report)
        body = " UNION ALL ".join(f"SELECT * FROM ({part})" for part in parts) or (
            "SELECT NULL, NULL, NULL, NULL, NULL WHERE false"  # no aggregated variable
        )
        sql = (
            "SELECT CAST(k_unit AS VARCHAR) AS unit, CAST(name AS VARCHAR) AS name, "
            "CAST(category AS VARCHAR) AS category, CAST(k_period AS VARCHAR) AS period, "
            f"CAST(value AS VARCHAR) AS value FROM ({body}) "
            "AS t(k_unit, k_period, name, category, value)"
        )
        return con.sql(sql).to_arrow_table()
    finally:
        if connection is None:
            con.close()


def _aggregated(
    con: Any, table: Table, aggregates: Sequence[Aggregate], unit: str | None
) -> tuple[list[tuple[str, list[Aggregate]]], list[Issue]]:
    """The table checked and grouped: one temp table per category and period column."""
    issues, scales = prepare_table(con, table, aggregates, unit)
    if any(i.code == "records-column" for i in issues):
        return [], issues  # a column the spec names is missing or not exact: nothing to group
    # With bad values to sum, the keys and filters are still checked, without summing.
    sums = not any(i.severity is Severity.ERROR for i in issues)
    groups: dict[tuple[str | None, str, str | None], list[Aggregate]] = {}
    for agg in aggregates:
        groups.setdefault((agg.category, agg.period, agg.dates), []).append(agg)
    grouped = []
    for index, group in enumerate(groups.values()):
        name = f"{table.view}_g{index}"
        issues += group_table(con, table, group, scales, unit, name, sums=sums)
        grouped.append((name, group))
    return grouped, issues


def _open_tables(
    con: Any,
    spec: Spec,
    aggregates: Sequence[Aggregate],
    sources: dict[str, Source],
    allow_roots: Sequence[str | os.PathLike[str]],
) -> tuple[dict[str, Table], list[Issue]]:
    """Each records table the aggregates use, registered as a view; or why it cannot be."""
    issues: list[Issue] = []
    for name in sources:
        if name not in spec.records:
            issues.append(
                Issue(
                    Severity.ERROR,
                    "records-source",
                    f"the spec declares no records '{name}'",
                    Location("<records>"),
                    hint=f"declared: {', '.join(spec.records) or 'none'}",
                )
            )
    tables: dict[str, Table] = {}
    for index, table_id in enumerate(dict.fromkeys(a.table for a in aggregates)):
        origin = spec.origins.get(("records", table_id))
        source = sources.get(table_id)
        if source is None:
            declared = spec.records[table_id].path
            if declared is None or origin is None:
                where = origin or next(a.origin for a in aggregates if a.table == table_id)
                issues.append(
                    error(
                        "records-source",
                        f"records '{table_id}' has no file",
                        where,
                        hint=f"give one with --records {table_id}=FILE (.csv or .parquet), "
                        "or declare 'path:'",
                    )
                )
                continue
            confined = _declared_path(spec, origin, declared, allow_roots)
            if isinstance(confined, Issue):
                issues.append(confined)
                continue
            source = confined
        view = f"sakipcalc_records_{index}"
        opened = _register(con, table_id, source, view, origin)
        if isinstance(opened, Issue):
            issues.append(opened)
        else:
            tables[table_id] = opened
    return tables, issues


def _declared_path(
    spec: Spec, origin: Origin, declared: str, allow_roots: Sequence[str | os.PathLike[str]]
) -> Path | Issue:
    """A ``path:`` resolved beside its spec file, refused when it leads outside the spec."""
    path = Path(origin.doc.file).parent / declared
    roots = Roots.of(
        [(real_path(Path(name).parent), display_path(Path(name).parent)) for name in spec.files]
        + [(real_path(root), str(root)) for root in allow_roots]
    )
    got = confine(path, roots)
    if not isinstance(got, tuple):
        return error(
            got.code, f"records path '{declared}' {got.message}", origin, "path", hint=got.hint
        )
    return path


def _register(
    con: Any, table_id: str, source: Source, view: str, origin: Origin | None
) -> Table | Issue:
    if isinstance(source, str) and source.startswith("table:"):
        name = source.removeprefix("table:")
        relation = '"' + name.replace('"', '""') + '"'
        label, offset = f"table {name}", 0
    else:
        path = Path(source)
        label = display_path(path)
        suffix = path.suffix.lower()
        if not path.is_file():
            return Issue(Severity.ERROR, "io-error", "no such file", Location(label))
        literal = quote_text(str(path))
        if suffix == ".parquet":
            relation, offset = f"read_parquet({literal})", 0
        elif suffix == ".csv":
            # All text: numbers are parsed exactly here, never sniffed into floats.
            relation = f"read_csv({literal}, all_varchar = true, header = true)"
            offset = 1
        else:
            return Issue(
                Severity.ERROR,
                "records-format",
                f"cannot read '{path.suffix or path.name}' records",
                Location(label),
                hint="give a .csv or .parquet file",
            )
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {relation}")
        described = con.execute(f"DESCRIBE {view}").fetchall()
    except Exception as exc:  # duckdb's own errors: an unreadable or malformed file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Issue(
            Severity.ERROR, "records-format", f"cannot be read as records: {first}", Location(label)
        )
    types = {str(row[0]): str(row[1]) for row in described}
    return Table(table_id, label, view, types, offset, origin)


def _merged(
    base: DataSet, rows: Sequence[tuple[Any, ...]], origins: Mapping[str, Origin]
) -> tuple[DataSet, list[Issue]]:
    """``base`` with the aggregated rows added; a value given in both is an error."""
    values: dict[str, dict[str, DataValue]] = {p: dict(b) for p, b in base.values.items()}
    new_origins = dict(base.origins)
    collected: dict[tuple[str, str], dict[str, Decimal | None] | Decimal] = {}
    for _unit, period, name, category, value in rows:
        number = Decimal(value)
        if category is None:
            collected[(period, name)] = number
        else:
            cell = collected.setdefault((period, name), {})
            assert isinstance(cell, dict)
            cell[category] = number
    issues: list[Issue] = []
    for (period, name), value in sorted(collected.items()):
        bucket = values.setdefault(period, {})
        if name in bucket:
            given = base.origins.get((period, name))
            issues.append(
                error(
                    "duplicate-data",
                    f"'{name}' in period {period} is aggregated from records, and also given "
                    f"{f'at {given.location(prefer_key=True)}' if given else 'in the data'}",
                    origins[name],
                    "from",
                    prefer_key=True,
                    hint="give each value in one place only",
                )
            )
            continue
        bucket[name] = MappingProxyType(value) if isinstance(value, dict) else value
        new_origins[(period, name)] = origins[name]
    data = DataSet(
        MappingProxyType({p: MappingProxyType(b) for p, b in values.items()}),
        MappingProxyType(new_origins),
    )
    return data, issues
