"""The units file: which units are evaluated, and the hierarchy they roll up through.

A units file has a ``unit`` column and optionally ``name``, ``parent`` and
``level`` (``kabupaten``, ``provinsi``, ``nasional``)::

    unit,name,parent,level
    kalsel,Provinsi Kalimantan Selatan,,provinsi
    tanah_laut,Kabupaten Tanah Laut,kalsel,kabupaten

Each unit is listed once; a parent is a unit of the same file; following the
parents never comes back to where it started. A unit with data must be
listed, and a unit with no child units must have data (a kabupaten without
a row of data is a mistake, a province without rows of its own is not: it is
evaluated through its kabupaten). Every problem names the file, the row and
the column, and nothing is computed.

The checks run in Python over the listed units (at most a few tens of
thousands); the result is three DuckDB tables:

* ``batch_units(unit)``: the evaluated units, those with data;
* ``batch_hierarchy(unit, name, parent, level, pos)``: every listed unit, in
  file order;
* ``batch_closure(ancestor, unit)``: each evaluated unit under every unit
  above it (its parent, its parent's parent, …), which the roll-ups over
  the hierarchy group by.

Without a units file every unit in the data is evaluated and the hierarchy
is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

__all__ = ["Unit", "load_units", "no_units", "read_units"]

_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Unit:
    """One row of the units file."""

    unit: str
    name: str | None
    parent: str | None
    level: str | None
    row: int  # the row (or line) it was read from


def load_units(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[Unit],
    where: str,
    data_units: Mapping[str, str],
    error: Callable[[list[str]], Exception],
) -> None:
    """Check ``rows`` and create the unit tables; raise ``error(problems)`` on any problem.

    ``where`` is ``"units.csv: line"``; ``data_units`` maps each unit of the
    data to where its first row is (``"data.csv: line 2"``).
    """
    problems: list[str] = []

    def problem(text: str) -> None:
        if len(problems) < _SHOWN:
            problems.append(text)

    first: dict[str, Unit] = {}
    for row in rows:
        if row.unit in first:
            problem(
                f"{where} {row.row}, column 'unit': duplicate unit {row.unit!r} "
                f"(first on {where.rsplit(': ', 1)[-1]} {first[row.unit].row}); list each unit once"
            )
        else:
            first[row.unit] = row
    for row in rows:
        if row.parent is not None and row.parent not in first:
            problem(
                f"{where} {row.row}, column 'parent': unknown parent {row.parent!r} of "
                f"{row.unit!r}; a parent must be a unit of this file"
            )
    for cycle in _cycles(first):
        path = " → ".join([*cycle, cycle[0]])
        problem(
            f"{where} {first[cycle[0]].row}, column 'parent': the parents go round in a "
            f"circle ({path}); a hierarchy ends at a unit with no parent"
        )
    has_child = {row.parent for row in first.values() if row.parent is not None}
    for unit, at in data_units.items():
        if unit not in first:
            problem(
                f"{at}, column 'unit': unit {unit!r} is not in the units file "
                f"({where.rsplit(': ', 1)[0]}); list every unit with data"
            )
    for row in first.values():
        if row.unit not in data_units and row.unit not in has_child:
            problem(f"{where} {row.row}, column 'unit': unit {row.unit!r} has no data")
    if problems:
        raise error(problems)
    listed = list(first.values())
    _hierarchy_table(con)
    _insert(
        con,
        "batch_hierarchy",
        {
            "unit": [u.unit for u in listed],
            "name": [u.name for u in listed],
            "parent": [u.parent for u in listed],
            "level": [u.level for u in listed],
            "pos": list(range(len(listed))),
        },
    )
    closure = [
        (ancestor, u.unit)
        for u in listed
        if u.unit in data_units
        for ancestor in _ancestors(first, u.unit)
    ]
    _closure_table(con, closure)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE batch_units AS "
        "SELECT unit FROM batch_hierarchy WHERE unit IN (SELECT DISTINCT unit FROM batch_data)"
    )


def no_units(con: duckdb.DuckDBPyConnection) -> None:
    """Without a units file: every unit of the data, and no hierarchy."""
    con.execute("CREATE OR REPLACE TEMP TABLE batch_units AS SELECT DISTINCT unit FROM batch_data")
    _hierarchy_table(con)
    _closure_table(con, [])


def _hierarchy_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE batch_hierarchy "
        "(unit VARCHAR, name VARCHAR, parent VARCHAR, level VARCHAR, pos INTEGER)"
    )


def _closure_table(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE batch_closure (ancestor VARCHAR, unit VARCHAR)")
    _insert(con, "batch_closure", {"ancestor": [a for a, _ in rows], "unit": [u for _, u in rows]})


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]]) -> None:
    """Rows into ``table`` through Arrow: one call, where executemany is one per row."""
    if not next(iter(columns.values())):
        return
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    con.register(f"{table}_arrow", pa.table(columns))
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM {table}_arrow")
    finally:
        con.unregister(f"{table}_arrow")


def _ancestors(units: Mapping[str, Unit], unit: str) -> list[str]:
    out: list[str] = []
    parent = units[unit].parent
    while parent is not None:  # the hierarchy was checked to have no cycle
        out.append(parent)
        parent = units[parent].parent
    return out


def _cycles(units: Mapping[str, Unit]) -> list[list[str]]:
    """Each cycle of parents once, starting at its unit listed first."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[list[str]] = []
    for start in units:
        path: list[str] = []
        unit: str | None = start
        while unit is not None and unit in units and state.get(unit) is None:
            state[unit] = 1
            path.append(unit)
            unit = units[unit].parent
        if unit is not None and state.get(unit) == 1:
            cycle = path[path.index(unit) :]
            order = list(units)
            head = min(cycle, key=order.index)
            at = cycle.index(head)
            found.append(cycle[at:] + cycle[:at])
        for done in path:
            state[done] = 2
    return found


def read_units(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    """``(rn, unit, name, parent, level)`` of the numbered units table, in file order."""
    return con.execute(f"SELECT rn, unit, name, parent, level FROM {table} ORDER BY rn").fetchall()
