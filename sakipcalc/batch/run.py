"""Run the compiled plan on DuckDB, embedded, and return an Arrow table.

One row per unit, indicator and period. Figures are exact: the realisation
and achievement as reduced numerator/denominator pairs (``DECIMAL(38, 0)``),
as rounded decimals (``DECIMAL(38, P)``, P the most places any indicator of
the spec rounds to) and as the text the Python engine prints for the rounded
figure, with the indicator's own places (``realisation_text``,
``achievement_text``); no column is ever a float.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from .._atomic import write_atomically
from .._spec import Spec
from ..errors import SakipError
from ..i18n import Locale
from .inputs import Source, load_inputs
from .plan import build_plan
from .sql import quote

__all__ = ["BatchOverflow", "evaluate_batch", "run_plan", "write_batch"]


class BatchOverflow(SakipError, ArithmeticError):
    """A value left the exact 128-bit range; nothing was computed (never wrapped)."""


def evaluate_batch(
    spec: Spec,
    data: Source,
    *,
    targets: Source | None = None,
    units: Source | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    threads: int | None = None,
    locale: Locale | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> pa.Table:
    """Evaluate every indicator of ``spec`` for every unit and period in ``data``.

    ``data`` is a ``.parquet`` or ``.csv`` path, an Arrow table, or ``"table:NAME"``
    for a table in ``connection``. Raises :class:`~.refusals.BatchRefused` when the
    spec holds what the batch path cannot compute exactly,
    :class:`~.inputs.BatchInputError` for bad input and :class:`BatchOverflow`.
    Text numbers are read in ``locale`` (else the spec's); ``on_stage(name)`` is
    called as each stage starts (``inputs``, ``plan``, ``run``).
    """
    stage = on_stage if on_stage is not None else (lambda name: None)
    stage("inputs")
    con = connection if connection is not None else duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    scales = load_inputs(con, spec, data, targets=targets, units=units, locale=locale)
    stage("plan")
    plan = build_plan(spec, input_scale=scales.data, target_scale=scales.targets)
    stage("run")
    return run_plan(con, plan.sql())


def write_batch(
    spec: Spec,
    data: Source,
    output: str | os.PathLike[str],
    *,
    targets: Source | None = None,
    units: Source | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    memory_limit: str | None = None,
    temp_directory: str | os.PathLike[str] | None = None,
    locale: Locale | None = None,
) -> int:
    """Evaluate as :func:`evaluate_batch` does, streaming the rows into a Parquet file.

    For data larger than memory: DuckDB reads, aggregates and writes in bounded
    memory (``memory_limit``) and spills the rest to ``temp_directory``; the rows
    are not sorted, since a sort of the whole result would have to hold it. The
    file is written beside ``output`` and renamed into place: all of it, or
    nothing. Returns the number of rows written.
    """
    con = connection if connection is not None else duckdb.connect()
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {quote(memory_limit)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {quote(str(temp_directory))}")
    con.execute("SET preserve_insertion_order = false")
    scales = load_inputs(con, spec, data, targets=targets, units=units, locale=locale)
    plan = build_plan(spec, input_scale=scales.data, target_scale=scales.targets, ordered=False)
    written = 0

    def produce(path: Path) -> None:
        nonlocal written
        run_plan(con, f"COPY ({plan.text}) TO {quote(str(path))} (FORMAT parquet)", copy=True)
        got = con.execute(f"SELECT count(*) FROM read_parquet({quote(str(path))})").fetchone()
        written = int(got[0]) if got else 0

    write_atomically(Path(output), produce)
    return written


def run_plan(con: duckdb.DuckDBPyConnection, sql: str, *, copy: bool = False) -> Any:
    """Run ``sql`` (the plan, or a COPY of it); arithmetic beyond 128 bits is reported."""
    try:
        if copy:
            con.execute(sql)
            return None
        return con.sql(sql).to_arrow_table()
    except duckdb.OutOfRangeException as exc:
        raise BatchOverflow(
            f"an exact intermediate value exceeds the 128-bit integer range; nothing was "
            f"computed ({exc})"
        ) from exc
    except duckdb.ConversionException as exc:
        raise BatchOverflow(
            f"an exact value does not fit DECIMAL(38); nothing was computed ({exc})"
        ) from exc
