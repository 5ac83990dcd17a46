"""Multi-unit inputs read into DuckDB, checked, and turned into exact scaled integers.

Realisations come in the long layout plus a ``unit`` column
(``unit, name, category, period, value``) from Parquet, CSV, an Arrow table
or a DuckDB table; per-unit targets as ``unit, indicator, period, target``.
Numbers are read as text (or exact DECIMAL/integer columns) and become
HUGEINT numerators over ``10 ** scale``; a binary float column is refused.
Every problem names the source, the row and the column; on any problem
nothing is computed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .._spec import Spec
from ..errors import SakipError
from ..formula import NameKind
from ..i18n import Locale
from .numbers import normalise_numbers
from .units import Unit, load_units, no_units, read_units

__all__ = ["BatchInputError", "InputScales", "load_inputs"]

MAX_SCALE = 12
_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
_PERIOD = r"[0-9]{4}(-Q[1-4])?"
_SHOWN = 10  # problems listed per check


class BatchInputError(SakipError, ValueError):
    """Bad multi-unit input; the message names file, row and column of each problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("bad batch input:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class InputScales:
    data: int
    targets: int


Source = str | os.PathLike[str] | Any  # a path, an Arrow table, or "table:NAME"


def _relation(con: duckdb.DuckDBPyConnection, source: Source, view: str) -> tuple[str, str]:
    """Register ``source`` as ``view``; returns its label and the word for its rows."""
    if isinstance(source, str) and source.startswith("table:"):
        name = source.removeprefix("table:")
        con.execute(f'CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM "{name}"')
        return f"table {name}", "row"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise BatchInputError([f"{path}: no such file"])
        literal = str(path).replace("'", "''")
        if path.suffix.lower() == ".parquet":
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_parquet('{literal}')"
            )
            return str(path), "row"
        if path.suffix.lower() == ".csv":
            # All text: numbers are parsed here, exactly, never sniffed into floats.
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM "
                f"read_csv('{literal}', all_varchar = true, header = true)"
            )
            return str(path), "line"
        raise BatchInputError([f"{path}: the batch path reads .parquet or .csv files"])
    con.register(f"{view}_arrow", source)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {view}_arrow")
    return "<arrow table>", "row"


def _numbered(
    con: duckdb.DuckDBPyConnection,
    view: str,
    label: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    value: str,
) -> list[str]:
    """Check the columns and make ``{view}_n``: text columns plus a row number.

    ``{view}_n`` gets a column ``{value}_typed``: whether ``value`` came as an
    exact number type rather than text (text is read in the data locale).
    """
    described = con.execute(f"DESCRIBE {view}").fetchall()
    types = {str(row[0]): str(row[1]) for row in described}
    missing = [c for c in required if c not in types]
    if missing:
        return [f"{label}: no column {', '.join(missing)} (columns: {', '.join(types)})"]
    kind = types[value].upper()
    if kind in ("FLOAT", "DOUBLE", "REAL") or kind.startswith("FLOAT"):
        return [
            f"{label}: column '{value}' is {kind}, binary floating point, which cannot hold "
            f"13.32 exactly; store it as DECIMAL or text"
        ]
    cols = [
        f"NULLIF(trim(CAST({c} AS VARCHAR)), '') AS {c}"
        if c in types
        else f"CAST(NULL AS VARCHAR) AS {c}"
        for c in (*required, *optional)
    ]
    typed = "TRUE" if kind.startswith(_EXACT_TYPES) else "FALSE"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {view}_n AS SELECT row_number() OVER () AS rn, "
        f"{', '.join(cols)}, {typed} AS {value}_typed FROM {view}"
    )
    return []


_EXACT_TYPES = ("DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "U")


def _read_numbers(
    con: duckdb.DuckDBPyConnection,
    table: str,
    col: str,
    locale: Locale | None,
    where: str,
    offset: int,
) -> list[str]:
    """Text numbers in the locale, as plain decimals; typed ones are plain already."""
    got = con.execute(f"SELECT bool_or({col}_typed) FROM {table}").fetchone()
    if got is not None and got[0]:
        return []
    return normalise_numbers(con, table, col, locale, where, offset)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql + f" LIMIT {_SHOWN}").fetchall()


def _scaled(value: str, scale: int) -> str:
    frac = f"rpad(COALESCE(NULLIF(split_part({value}, '.', 2), ''), ''), {scale}, '0')"
    return f"CAST(split_part({value}, '.', 1) || {frac} AS HUGEINT)"


def _check_numbers(
    con: duckdb.DuckDBPyConnection, table: str, col: str, where: str, offset: int
) -> list[str]:
    problems = []
    for rn, text in _rows(
        con,
        f"SELECT rn, {col} FROM {table} WHERE {col} IS NOT NULL AND NOT "
        f"regexp_full_match({col}, '{_NUMBER}') ORDER BY rn",
    ):
        hint = (
            "; write plain numbers such as 1234.5, with no thousands separators or decimal comma"
            if any(ch in text for ch in ",.") or " " in text
            else ""
        )
        problems.append(f"{where} {rn + offset}, column '{col}': {text!r} is not a number{hint}")
    return problems


def _scale_of(con: duckdb.DuckDBPyConnection, table: str, col: str) -> int:
    got = con.execute(
        f"SELECT max(length(split_part({col}, '.', 2))) FROM {table} WHERE {col} IS NOT NULL"
    ).fetchone()
    return int(got[0]) if got and got[0] is not None else 0


def load_inputs(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    data: Source,
    *,
    targets: Source | None = None,
    units: Source | None = None,
    locale: Locale | None = None,
) -> InputScales:
    """Create ``batch_data``, ``batch_units``, ``batch_periods`` and ``batch_targets``.

    Also ``batch_hierarchy`` and ``batch_closure`` (see :mod:`.units`). Text
    numbers are read in ``locale``, else the spec's declared ``locale``.
    """
    locale = locale if locale is not None else spec.info.locale
    label, word = _relation(con, data, "batch_raw")
    offset = 1 if word == "line" else 0  # a CSV's first line is its header
    problems = _numbered(
        con, "batch_raw", label, ("unit", "name", "period", "value"), ("category",), "value"
    )
    if problems:
        raise BatchInputError(problems)
    where = f"{label}: {word}"
    t = "batch_raw_n"
    for col in ("unit", "name", "period"):
        for (rn,) in _rows(con, f"SELECT rn FROM {t} WHERE {col} IS NULL ORDER BY rn"):
            problems.append(f"{where} {rn + offset}, column '{col}': empty")
    for rn, period in _rows(
        con,
        f"SELECT rn, period FROM {t} WHERE NOT regexp_full_match(period, '{_PERIOD}') ORDER BY rn",
    ):
        problems.append(
            f"{where} {rn + offset}, column 'period': {period!r} is not a year (2022) or a "
            f"quarter (2022-Q3)"
        )
    problems += _read_numbers(con, t, "value", locale, where, offset)
    problems += _check_numbers(con, t, "value", where, offset)
    # Names and categories against the spec.
    con.execute("CREATE OR REPLACE TEMP TABLE batch_known (name VARCHAR, cats VARCHAR[])")
    known: list[tuple[str, list[str] | None]] = []
    for name, info in spec.names.items():
        if info.kind is NameKind.BREAKDOWN:
            known.append((name, list(spec.variable_categories(name))))
        else:
            known.append((name, None))
    if known:
        con.executemany("INSERT INTO batch_known VALUES (?, ?)", known)
    for rn, name in _rows(
        con,
        f"SELECT rn, name FROM {t} WHERE name IS NOT NULL AND name NOT IN "
        f"(SELECT name FROM batch_known) ORDER BY rn",
    ):
        problems.append(
            f"{where} {rn + offset}, column 'name': {name!r} is not a variable or indicator of the spec"
        )
    for rn, name, cat in _rows(
        con,
        f"SELECT rn, t.name, category FROM {t} t JOIN batch_known k ON k.name = t.name "
        f"WHERE (k.cats IS NULL) <> (category IS NULL) OR NOT list_contains(k.cats, category) "
        f"ORDER BY rn",
    ):
        info = spec.names[name]
        if info.kind is not NameKind.BREAKDOWN:
            problems.append(
                f"{where} {rn + offset}, column 'category': {name!r} has no breakdown, "
                f"but the row gives category {cat!r}"
            )
        elif cat is None:
            problems.append(f"{where} {rn + offset}, column 'category': {name!r} needs a category")
        else:
            cats = ", ".join(spec.variable_categories(name))
            problems.append(
                f"{where} {rn + offset}, column 'category': {cat!r} is not a category of "
                f"{name!r} ({cats})"
            )
    for unit, name, cat, period, rns in _rows(
        con,
        f"SELECT unit, name, category, period, list(rn + {offset} ORDER BY rn) FROM {t} "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY min(rn)",
    ):
        key = f"{unit}, {name}" + (f"[{cat}]" if cat else "") + f", {period}"
        problems.append(
            f"{where}s {', '.join(map(str, rns))}: duplicate key ({key}); each value once"
        )
    if problems:
        raise BatchInputError(problems)
    scale = _scale_of(con, t, "value")
    if scale > MAX_SCALE:
        raise BatchInputError(
            [
                f"{label}, column 'value': {scale} decimal places; the batch path takes at most {MAX_SCALE}"
            ]
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE batch_data AS SELECT unit, name, category, period, "
        f"{_scaled('value', scale)} AS v FROM {t}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE batch_periods AS SELECT DISTINCT period FROM batch_data"
    )
    at = {
        str(unit): f"{where} {rn + offset}"
        for unit, rn in con.execute(f"SELECT unit, min(rn) FROM {t} GROUP BY unit").fetchall()
    }
    _load_units(con, units, at)
    target_scale = _load_targets(con, spec, targets, locale)
    return InputScales(scale, target_scale)


def _load_units(
    con: duckdb.DuckDBPyConnection, units: Source | None, data_units: dict[str, str]
) -> None:
    if units is None:
        no_units(con)
        return
    label, word = _relation(con, units, "batch_units_raw")
    offset = 1 if word == "line" else 0
    problems = _numbered(
        con, "batch_units_raw", label, ("unit",), ("name", "parent", "level"), "unit"
    )
    if problems:
        raise BatchInputError(problems)
    where = f"{label}: {word}"
    rows: list[Unit] = []
    for rn, unit, name, parent, level in read_units(con, "batch_units_raw_n"):
        if unit is None:
            problems.append(f"{where} {rn + offset}, column 'unit': empty")
            continue
        rows.append(Unit(unit, name, parent, level, rn + offset))
    if problems:
        raise BatchInputError(problems[:_SHOWN])
    load_units(con, rows, where, data_units, BatchInputError)


def _load_targets(
    con: duckdb.DuckDBPyConnection, spec: Spec, targets: Source | None, locale: Locale | None
) -> int:
    if targets is None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE batch_targets (unit VARCHAR, indicator VARCHAR, "
            "period VARCHAR, t HUGEINT, t_txt VARCHAR)"
        )
        return 0
    label, word = _relation(con, targets, "batch_targets_raw")
    offset = 1 if word == "line" else 0
    where = f"{label}: {word}"
    t = "batch_targets_raw_n"
    problems = _numbered(
        con, "batch_targets_raw", label, ("unit", "indicator", "period", "target"), (), "target"
    )
    if problems:
        raise BatchInputError(problems)
    for rn, ind in con.execute(f"SELECT rn, indicator FROM {t} ORDER BY rn").fetchall():
        if ind not in spec.indicators and len(problems) < _SHOWN:
            problems.append(
                f"{where} {rn + offset}, column 'indicator': {ind!r} is not an indicator"
            )
    for (rn,) in _rows(con, f"SELECT rn FROM {t} WHERE target IS NULL ORDER BY rn"):
        problems.append(
            f"{where} {rn + offset}, column 'target': empty (leave the row out to use the "
            f"spec's target)"
        )
    read = _read_numbers(con, t, "target", locale, where, offset)
    problems += read
    if not read:  # a dash reads as no value, which a target row cannot be either
        for (rn,) in _rows(con, f"SELECT rn FROM {t} WHERE target IS NULL ORDER BY rn"):
            if not any(p.startswith(f"{where} {rn + offset},") for p in problems):
                problems.append(
                    f"{where} {rn + offset}, column 'target': no value (leave the row out to "
                    f"use the spec's target)"
                )
    problems += _check_numbers(con, t, "target", where, offset)
    for column in ("unit", "period"):
        for (rn,) in _rows(con, f"SELECT rn FROM {t} WHERE {column} IS NULL ORDER BY rn"):
            problems.append(f"{where} {rn + offset}, column '{column}': empty")
    for rn, unit in _rows(
        con,
        f"SELECT rn, unit FROM {t} WHERE unit NOT IN (SELECT unit FROM batch_units) ORDER BY rn",
    ):
        problems.append(
            f"{where} {rn + offset}, column 'unit': unit {unit!r} is not evaluated (it has no data)"
        )
    for rn, period in _rows(
        con,
        f"SELECT rn, period FROM {t} WHERE period NOT IN (SELECT period FROM batch_periods) "
        f"ORDER BY rn",
    ):
        problems.append(
            f"{where} {rn + offset}, column 'period': the data has no period {period!r}"
        )
    for unit, ind, period, rns in _rows(
        con,
        f"SELECT unit, indicator, period, list(rn + {offset} ORDER BY rn) FROM {t} "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY min(rn)",
    ):
        problems.append(
            f"{where}s {', '.join(map(str, rns))}: duplicate target ({unit}, {ind}, {period})"
        )
    if problems:
        raise BatchInputError(problems)
    scale = _scale_of(con, t, "target")
    if scale > MAX_SCALE:
        raise BatchInputError(
            [
                f"{label}, column 'target': {scale} decimal places; the batch path takes at most "
                f"{MAX_SCALE}"
            ]
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE batch_targets AS SELECT unit, indicator, period, "
        f"{_scaled('target', scale)} AS t, target AS t_txt FROM {t}"
    )
    return scale
