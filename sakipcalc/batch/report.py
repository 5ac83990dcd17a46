"""One call for the whole batch: per-unit results, the spec's roll-ups per unit, and the
roll-ups over the unit hierarchy, as three Arrow tables.

    from sakipcalc.batch import evaluate_units
    out = evaluate_units(spec, "realisasi.csv", targets="target.csv", units="units.csv")
    out.results     # one row per unit, indicator and period (as evaluate_batch)
    out.rollups     # one row per unit, spec roll-up and period (see .rollups)
    out.hierarchy   # one row per parent unit, indicator or roll-up, and period (see .hierarchy)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from .._spec import Spec
from ..i18n import Locale
from .hierarchy import unit_rollups
from .inputs import Source
from .rollups import spec_rollups
from .run import evaluate_batch

__all__ = ["STAGES", "BatchResult", "evaluate_units"]

#: The stages ``on_stage`` is called with, in order.
STAGES = ("inputs", "plan", "run", "rollups", "hierarchy")


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The three tables of a batch evaluation (``pyarrow.Table``; decimals, never floats)."""

    results: Any
    rollups: Any
    hierarchy: Any


def evaluate_units(
    spec: Spec,
    data: Source,
    *,
    targets: Source | None = None,
    units: Source | None = None,
    locale: Locale | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    threads: int | None = None,
    on_stage: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark: Any = None,
) -> BatchResult:
    """Evaluate ``spec`` for every unit of ``data`` and roll the results up.

    Arguments as :func:`~.run.evaluate_batch`; ``units`` is the units file
    (``unit, name, parent, level``, see :mod:`.units`). Without it the
    hierarchy table is empty. Raises what ``evaluate_batch`` raises.
    """
    stage = on_stage if on_stage is not None else (lambda name: None)
    con = connection if connection is not None else duckdb.connect()
    if engine == "spark":
        from .spark import evaluate_batch_spark

        results = evaluate_batch_spark(
            spec,
            data,
            targets=targets,
            units=units,
            spark=spark,
            connection=con,
            locale=locale,
            on_stage=stage,
        )
    else:
        results = evaluate_batch(
            spec,
            data,
            targets=targets,
            units=units,
            connection=con,
            threads=threads,
            locale=locale,
            on_stage=stage,
        )
    stage("rollups")
    rollups = spec_rollups(con, spec, results)
    stage("hierarchy")
    hierarchy = unit_rollups(con, spec, results, rollups)
    return BatchResult(results, rollups, hierarchy)
