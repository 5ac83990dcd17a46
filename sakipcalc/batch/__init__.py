"""Columnar evaluation of one spec over many units, exactly, on DuckDB.

Needs the ``batch`` extra (duckdb, sqlglot, pyarrow)::

    from sakipcalc.batch import evaluate_batch, explain
    table = evaluate_batch(spec, "realisations.parquet", targets="targets.csv")

    from sakipcalc.batch import evaluate_units, trace
    out = evaluate_units(spec, "realisations.csv", units="units.csv")  # + roll-ups
    print(trace(spec, data="realisations.csv", unit="tapin", indicator="ikk_1").text)

The names load on first use, so ``sakipcalc.batch.cli`` imports without the extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inputs import BatchInputError
    from .plan import build_plan, explain, plan_sql
    from .refusals import BatchRefused, Refusal
    from .report import BatchResult, evaluate_units
    from .run import BatchOverflow, evaluate_batch, write_batch
    from .tracing import Trace, trace

__all__ = [
    "BatchInputError",
    "BatchOverflow",
    "BatchRefused",
    "BatchResult",
    "Refusal",
    "Trace",
    "build_plan",
    "evaluate_batch",
    "evaluate_units",
    "explain",
    "plan_sql",
    "trace",
    "write_batch",
]

_WHERE = {
    "BatchInputError": "inputs",
    "BatchOverflow": "run",
    "BatchRefused": "refusals",
    "BatchResult": "report",
    "Refusal": "refusals",
    "Trace": "tracing",
    "build_plan": "plan",
    "evaluate_batch": "run",
    "evaluate_units": "report",
    "explain": "plan",
    "plan_sql": "plan",
    "write_batch": "run",
    "trace": "tracing",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sakipcalc.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
