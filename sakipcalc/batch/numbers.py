"""Numbers typed as text in a multi-unit input, read in the data locale as the importer reads them.

A text column (CSV, or a string column of Parquet or Arrow) may hold
``75.695`` or ``13,32``: :func:`sakipcalc.i18n.parse_number` decides, with
the locale (``id``: ``1.234,5``; ``en``: ``1,234.5``) or without one, when
``1.234`` is refused as ambiguous, exactly as ``sakipcalc import`` and
``--data-locale`` do for one unit. Typed columns (DECIMAL, integers) are
already exact and are not read again.

The common forms are rewritten to plain decimals (``1234.5``) in SQL, in
one pass; every other distinct text (``Rp 1.800.000``, ``-``, ``1.234``,
``abc``) goes through ``parse_number`` itself, once per distinct text, so
the two can never disagree on anything but the common forms, which a test
holds them to.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import duckdb

from ..i18n import AmbiguousNumber, Locale, parse_number

__all__ = ["normalise_numbers", "plain_forms"]

_SHOWN = 10
# parse_number drops spaces (``Rp 1 800``), which would read ``10 5`` as 105.
_TWO_NUMBERS = re.compile(r"[0-9][\s\u00a0]+[0-9]")


def plain_forms(locale: Locale | None, col: str) -> list[tuple[str, str]]:
    """``(pattern, rewrite)`` pairs: texts matching a pattern are read by its rewrite."""
    if locale == "en":
        return [
            (r"-?[0-9]+(\.[0-9]+)?", col),
            (r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", f"replace({col}, ',', '')"),
        ]
    if locale == "id":
        return [
            (r"-?[0-9]+(,[0-9]+)?", f"replace({col}, ',', '.')"),
            (
                r"-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?",
                f"replace(replace({col}, '.', ''), ',', '.')",
            ),
        ]
    return [
        (r"-?[0-9]+", col),
        (r"-?[0-9]+[.,]([0-9]{1,2}|[0-9]{4,})", f"replace({col}, ',', '.')"),
    ]


def _hint(locale: Locale | None) -> str:
    if locale == "id":
        return "in locale id, '.' separates thousands and ',' decimals: 75.695 or 13,32"
    if locale == "en":
        return "in locale en, ',' separates thousands and '.' decimals: 75,695 or 13.32"
    return "write a number such as 1234.5 (or pass --data-locale id|en)"


def normalise_numbers(
    con: duckdb.DuckDBPyConnection,
    table: str,
    col: str,
    locale: Locale | None,
    where: str,
    offset: int,
) -> list[str]:
    """Rewrite text column ``col`` of ``table`` to plain decimals; the problems, by row."""
    cases = " ".join(
        f"WHEN regexp_full_match({col}, '{pattern}') THEN {rewrite}"
        for pattern, rewrite in plain_forms(locale, col)
    )
    con.execute(f"ALTER TABLE {table} ADD COLUMN {col}_plain VARCHAR")
    con.execute(f"UPDATE {table} SET {col}_plain = CASE {cases} END WHERE {col} IS NOT NULL")
    odd = [
        str(text)
        for (text,) in con.execute(
            f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL AND {col}_plain IS NULL"
        ).fetchall()
    ]
    read: list[tuple[str, str | None, str | None]] = []  # text, plain, problem
    for text in odd:
        if _TWO_NUMBERS.search(text):
            read.append((text, None, f"{text!r} holds two numbers separated by a space"))
            continue
        try:
            parsed = parse_number(text, locale)
        except AmbiguousNumber as exc:
            read.append((text, None, f"{exc} (--data-locale id|en, or 'locale:' in the spec)"))
        except ValueError as exc:
            said = str(exc)
            if said.startswith("expected a number"):
                said = f"{text!r} is not a number"
            read.append((text, None, f"{said}; {_hint(locale)}"))
        else:
            plain = format(parsed, "f") if isinstance(parsed, Decimal) else None
            read.append((text, plain, None))
    problems: list[str] = []
    if read:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_odd (txt VARCHAR, plain VARCHAR, problem VARCHAR)"
        )
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

        # Through Arrow: executemany is one statement per distinct text.
        odd_rows = pa.table(
            {name: [r[i] for r in read] for i, name in enumerate(("txt", "plain", "problem"))},
            schema=pa.schema([(n, pa.string()) for n in ("txt", "plain", "problem")]),
        )
        con.register(f"{table}_odd_arrow", odd_rows)
        con.execute(f"INSERT INTO {table}_odd SELECT * FROM {table}_odd_arrow")
        con.unregister(f"{table}_odd_arrow")
        for rn, problem in _first(
            con,
            f"SELECT t.rn, o.problem FROM {table} AS t JOIN {table}_odd AS o ON o.txt = t.{col} "
            f"WHERE o.problem IS NOT NULL ORDER BY t.rn",
        ):
            problems.append(f"{where} {rn + offset}, column '{col}': {problem}")
        # A dash (MISSING) stays NULL: the row is there, its value is not.
        con.execute(
            f"UPDATE {table} SET {col}_plain = o.plain FROM {table}_odd AS o "
            f"WHERE o.txt = {table}.{col} AND o.plain IS NOT NULL"
        )
    con.execute(f"UPDATE {table} SET {col} = {col}_plain")
    con.execute(f"ALTER TABLE {table} DROP COLUMN {col}_plain")
    return problems


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql + f" LIMIT {_SHOWN}").fetchall()
