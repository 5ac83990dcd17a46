"""Columnar evaluation of one spec over many units, exactly, on DuckDB.

Needs the ``batch`` extra (duckdb, sqlglot, pyarrow)::

    from sakipcalc.batch import evaluate_batch, explain
    table = evaluate_batch(spec, "realisations.parquet", targets="targets.csv")

The names load on first use, so ``sakipcalc.batch.cli`` imports without the extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inputs import BatchInputError
    from .plan import build_plan, explain, plan_sql
    from .refusals import BatchRefused, Refusal
    from .run import BatchOverflow, evaluate_batch, write_batch

__all__ = [
    "BatchInputError",
    "BatchOverflow",
    "BatchRefused",
    "Refusal",
    "build_plan",
    "evaluate_batch",
    "explain",
    "plan_sql",
    "write_batch",
]

_WHERE = {
    "BatchInputError": "inputs",
    "BatchOverflow": "run",
    "BatchRefused": "refusals",
    "Refusal": "refusals",
    "build_plan": "plan",
    "evaluate_batch": "run",
    "explain": "plan",
    "plan_sql": "plan",
    "write_batch": "run",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sakipcalc.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
