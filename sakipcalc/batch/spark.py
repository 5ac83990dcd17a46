"""Run the compiled plan on Apache Spark (PySpark), locally or on a cluster.

The plan is the one :func:`~.plan.build_plan` compiles for DuckDB, transpiled
by :mod:`.spark_sql`; nothing is computed by a second hand-written engine. The
inputs are checked and scaled exactly as for DuckDB (:mod:`.inputs`, so every
message is the same) and handed to Spark as DataFrames with explicit
``DECIMAL(38, 0)`` and ``STRING`` schemas; no column is ever a float.

Where Spark runs:

* ``spark=``: a ``SparkSession`` you built (any master, Spark Connect too);
* ``master=``: ``local[*]`` (the default), ``spark://host:7077``, ``yarn``,
  ``k8s://...``, or ``sc://host:15002`` for Spark Connect;
* neither: the session ``spark-submit`` or ``SPARK_REMOTE`` sets up, else
  ``local[*]``.

For the run the session has ``spark.sql.ansi.enabled=true`` (overflow raises:
:class:`~.run.BatchOverflow`, never NULL or a wrapped value) and
``spark.sql.decimalOperations.allowPrecisionLoss=false`` (a product of
decimals is never rounded to fit); the previous values are put back after.
"""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from .._spec import Spec
from ..i18n import Locale
from .inputs import Source, load_inputs
from .plan import build_plan
from .refusals import BatchRefused, Refusal
from .run import BatchOverflow
from .spark_sql import SparkUnsupported, spark_plan

__all__ = [
    "DEFAULT_MASTER",
    "EXACT_CONF",
    "evaluate_batch_spark",
    "spark_session",
]

DEFAULT_MASTER = "local[*]"
EXACT_CONF = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    # The plan nests one expression per formula shape; resolving it takes Spark's
    # analyzer more than its default 100 passes (it stops with an error, never a guess).
    "spark.sql.analyzer.maxIterations": "1000",
}
_TABLES = ("batch_data", "batch_units", "batch_periods", "batch_targets")
# Spark's error conditions for a value that leaves DECIMAL(38) or a cast's range.
_OVERFLOW = ("NUMERIC_VALUE_OUT_OF_RANGE", "ARITHMETIC_OVERFLOW", "CAST_OVERFLOW", "DECIMAL")


def spark_session(master: str | None = None) -> Any:
    """A SparkSession: on ``master`` if given, else the environment's, else ``local[*]``."""
    sql: Any = importlib.import_module("pyspark.sql")
    builder = sql.SparkSession.builder.appName("sakipcalc batch")
    if master is not None and master.startswith("sc://"):
        return builder.remote(master).getOrCreate()
    if master is None:
        active = sql.SparkSession.getActiveSession()
        if active is not None:
            return active
        # Under spark-submit (a gateway is waiting) or with SPARK_REMOTE, the
        # environment already says where to run.
        if os.environ.get("SPARK_REMOTE") or os.environ.get("PYSPARK_GATEWAY_PORT"):
            return builder.getOrCreate()
        master = DEFAULT_MASTER
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.log.level", "ERROR")
            .config("spark.driver.memory", "2g")
        )
    return builder.master(master).getOrCreate()


def evaluate_batch_spark(
    spec: Spec,
    data: Source,
    *,
    targets: Source | None = None,
    units: Source | None = None,
    spark: Any = None,
    master: str | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    locale: Locale | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> pa.Table:
    """:func:`~.run.evaluate_batch`, computed by Spark; the same rows, figures and schema.

    The inputs are read and checked on embedded DuckDB (``connection``, else a
    new one), with the same messages as the DuckDB path, then handed to Spark.
    """
    stage = on_stage if on_stage is not None else (lambda name: None)
    stage("inputs")
    con = connection if connection is not None else duckdb.connect()
    scales = load_inputs(con, spec, data, targets=targets, units=units, locale=locale)
    stage("plan")
    plan = build_plan(spec, input_scale=scales.data, target_scale=scales.targets)
    session = spark if spark is not None else spark_session(master)
    frames = {name: _frame(session, con, name) for name in _TABLES}
    stage("run")
    prefix = f"sakipcalc_{uuid.uuid4().hex[:12]}_"
    return run_spark_plan(session, plan.text, frames, {n: prefix + n for n in _TABLES})


def run_spark_plan(
    session: Any, text: str, frames: dict[str, Any], views: dict[str, str]
) -> pa.Table:
    """Run DuckDB plan ``text`` on ``session`` over ``frames`` (registered as ``views``)."""
    try:
        compiled = spark_plan(text, views)
    except SparkUnsupported as exc:
        raise BatchRefused([Refusal("(the whole plan)", f"not runnable on Spark: {exc}")]) from exc
    saved = {key: session.conf.get(key, None) for key in EXACT_CONF}
    registered: list[str] = []
    try:
        for key, value in EXACT_CONF.items():
            session.conf.set(key, value)
        for name, frame in frames.items():
            frame.createOrReplaceTempView(views[name])
            registered.append(views[name])
        for view, sql in compiled.stages:
            # Computed once and kept: the DuckDB plan marks these MATERIALIZED.
            session.sql(sql).localCheckpoint(eager=True).createOrReplaceTempView(view)
            registered.append(view)
        table = session.sql(compiled.final).toArrow()
    except Exception as exc:
        condition = _condition(exc)
        if condition is not None and condition.startswith(_OVERFLOW):
            raise BatchOverflow(
                f"an exact value does not fit Spark's DECIMAL(38); nothing was computed "
                f"({condition})"
            ) from exc
        raise
    finally:
        for view in registered:
            session.catalog.dropTempView(view)
        for key, value in saved.items():
            if value is None:
                session.conf.unset(key)
            else:
                session.conf.set(key, value)
    return _duckdb_schema(table)


def _condition(exc: BaseException) -> str | None:
    get = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    if get is None:
        return None
    found = get()
    return str(found) if found else None


def _frame(session: Any, con: duckdb.DuckDBPyConnection, name: str) -> Any:
    """A checked input table as a DataFrame, its numbers DECIMAL(38, 0), never a float."""
    types: Any = importlib.import_module("pyspark.sql.types")
    try:
        arrow = con.sql(f"SELECT * FROM {name}").to_arrow_table()
    except duckdb.ConversionException as exc:
        raise BatchOverflow(
            f"an input value does not fit Spark's DECIMAL(38); nothing was computed ({exc})"
        ) from exc
    fields = []
    for field in arrow.schema:
        if pa.types.is_decimal(field.type):
            kind = types.DecimalType(38, 0)
        elif pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            kind = types.StringType()
        else:  # pragma: no cover - the loader makes only these two
            raise TypeError(f"{name}.{field.name}: unexpected input type {field.type}")
        fields.append(types.StructField(field.name, kind, True))
    schema = types.StructType(fields)
    arrow = arrow.cast(pa.schema([(f.name, _arrow_type(f.type)) for f in arrow.schema]))
    if arrow.num_rows == 0:
        return session.createDataFrame([], schema)
    return session.createDataFrame(arrow, schema)


def _arrow_type(kind: Any) -> Any:
    return pa.decimal128(38, 0) if pa.types.is_decimal(kind) else pa.string()


def _duckdb_schema(table: pa.Table) -> pa.Table:
    """Spark's Arrow types as DuckDB's: lists of ``l``, plain strings."""
    fields = []
    for field in table.schema:
        kind = field.type
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            kind = pa.list_(pa.field("l", pa.string()))
        elif pa.types.is_large_string(kind):
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return table.cast(pa.schema(fields))
