"""Run the compiled plan on DuckDB, embedded, and return an Arrow table.

One row per unit, indicator and period. Figures are exact: the realisation
and achievement as reduced numerator/denominator pairs (``DECIMAL(38, 0)``),
as rounded decimals (``DECIMAL(38, P)``, P the most places any indicator of
the spec rounds to) and as the text the Python engine prints for the rounded
figure, with the indicator's own places (``realisation_text``,
``achievement_text``); no column is ever a float.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from .._spec import Spec
from ..errors import SakipError
from .inputs import Source, load_inputs
from .plan import build_plan

__all__ = ["BatchOverflow", "evaluate_batch"]


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
) -> pa.Table:
    """Evaluate every indicator of ``spec`` for every unit and period in ``data``.

    ``data`` is a ``.parquet`` or ``.csv`` path, an Arrow table, or ``"table:NAME"``
    for a table in ``connection``. Raises :class:`~.refusals.BatchRefused` when the
    spec holds what the batch path cannot compute exactly,
    :class:`~.inputs.BatchInputError` for bad input and :class:`BatchOverflow`.
    """
    con = connection if connection is not None else duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    scales = load_inputs(con, spec, data, targets=targets, units=units)
    plan = build_plan(spec, input_scale=scales.data, target_scale=scales.targets)
    return run_plan(con, plan.sql())


def run_plan(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    try:
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
