"""Columnar evaluation of one spec over many units, exactly, on DuckDB.

Needs the ``batch`` extra (duckdb, sqlglot, pyarrow)::

    from sakipcalc.batch import evaluate_batch, explain
    table = evaluate_batch(spec, "realisations.parquet", targets="targets.csv")
"""

from .inputs import BatchInputError
from .plan import BatchRefused, Refusal, build_plan, explain
from .run import BatchOverflow, evaluate_batch

__all__ = [
    "BatchInputError",
    "BatchOverflow",
    "BatchRefused",
    "Refusal",
    "build_plan",
    "evaluate_batch",
    "explain",
]
