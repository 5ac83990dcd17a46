"""The batch plan on Apache Spark: the same rows, figures and statuses as DuckDB and the engine.

Spark tests share one local session and skip when pyspark or Java is missing,
unless ``SAKIPCALC_REQUIRE_SPARK=1`` (then they fail). The transpilation tests
need neither and always run.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import sakipcalc

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

from test_batch_differential import cases, check_case  # noqa: E402

from sakipcalc.batch import BatchOverflow, build_plan, evaluate_batch  # noqa: E402
from sakipcalc.batch.spark_sql import spark_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "multi-unit"
TANAH_LAUT = ROOT / "specs" / "tanah-laut-dinsos-2022"


def _why_no_spark() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install sakipcalc[spark])"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17+)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    missing = _why_no_spark()
    if missing is not None:
        if os.environ.get("SAKIPCALC_REQUIRE_SPARK") == "1":
            pytest.fail(f"SAKIPCALC_REQUIRE_SPARK=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("sakipcalc tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.log.level", "ERROR")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    yield session
    session.stop()


def _example_spec() -> sakipcalc.Spec:
    return sakipcalc.load(EXAMPLE / "spec", allow_roots=[TANAH_LAUT])


def _spark_sql(spec: sakipcalc.Spec) -> str:
    compiled = spark_plan(build_plan(spec).text, {})
    return "\n".join([*(sql for _, sql in compiled.stages), compiled.final]).upper()


# ------------------------------------------------------------- transpilation


def test_spark_sql_has_no_inexact_or_duckdb_only_construct() -> None:
    text = _spark_sql(_example_spec())
    # DIV returns a wrapping BIGINT; SIGN a DOUBLE; GCD and INT128 do not exist.
    for word in ("DIV", "SIGN", "GCD", "INT128", "HUGEINT", "MATERIALIZED", "DOUBLE", "FLOAT"):
        assert not re.search(rf"\b{word}\b", text), word


def test_materialized_layer_becomes_a_view_of_its_own() -> None:
    # The current plan has no MATERIALIZED layer; the mechanism is held on a small one.
    duckdb_sql = (
        "WITH layer AS MATERIALIZED (SELECT unit, value FROM batch_data) "
        "SELECT unit FROM layer WHERE value > 0"
    )
    compiled = spark_plan(duckdb_sql, {"batch_data": "p_batch_data"})
    assert len(compiled.stages) == 1
    view, _ = compiled.stages[0]
    assert view.startswith("p_")
    assert view in compiled.final and "p_batch_data" in compiled.stages[0][1]


# ------------------------------------------------------------------- on Spark


def _one(spark: Any, duckdb_sql: str) -> Any:
    compiled = spark_plan(duckdb_sql, {})
    from sakipcalc.batch.spark import EXACT_CONF

    for key, value in EXACT_CONF.items():
        spark.conf.set(key, value)
    return spark.sql(compiled.final).collect()[0]


def test_gcd_and_integer_division_are_exact_to_38_digits(spark: Any) -> None:
    # Consecutive Fibonacci numbers take Euclid the most steps for their size.
    fib = [0, 1]
    while fib[-1] < 10**37:
        fib.append(fib[-1] + fib[-2])
    a, b = fib[-1], fib[-2]
    big, small = 10**37 + 12345678901234567, 7
    row = _one(
        spark,
        f"SELECT gcd(CAST({a} AS HUGEINT), CAST({b} AS HUGEINT)) AS g1, "
        f"gcd(CAST({6 * a} AS HUGEINT), CAST({4 * b} AS HUGEINT)) AS g2, "
        f"gcd(CAST(0 AS HUGEINT), CAST(-6 AS HUGEINT)) AS g3, "
        f"CAST({big} AS HUGEINT) // CAST({small} AS HUGEINT) AS q1, "
        f"CAST({-big} AS HUGEINT) // CAST({small} AS HUGEINT) AS q2, "
        f"CAST({big} AS HUGEINT) // CAST({-(10**20 + 3)} AS HUGEINT) AS q3, "
        f"CAST(-7 AS HUGEINT) // CAST(2 AS HUGEINT) AS q4, "
        f"sign(CAST(-5 AS HUGEINT)) * CAST(3 AS HUGEINT) AS s1",
    )
    assert row.g1 == math.gcd(a, b) == 1
    assert row.g2 == math.gcd(6 * a, 4 * b)
    assert row.g3 == 6
    # DuckDB's // truncates toward zero.
    assert row.q1 == big // small
    assert row.q2 == -(big // small)
    assert row.q3 == -(big // (10**20 + 3))
    assert row.q4 == -3
    assert row.s1 == -3


def test_bundled_example_on_spark_equals_duckdb(spark: Any) -> None:
    from sakipcalc.batch.spark import evaluate_batch_spark

    spec = _example_spec()
    data, targets = EXAMPLE / "data-made-up.csv", EXAMPLE / "targets-made-up.csv"
    expected = evaluate_batch(spec, data, targets=targets)
    got = evaluate_batch_spark(spec, data, targets=targets, spark=spark)
    assert got.schema == expected.schema
    assert got.to_pylist() == expected.to_pylist()


def test_overflow_raises_on_spark(spark: Any, tmp_path: Path) -> None:
    from sakipcalc.batch.spark import evaluate_batch_spark

    doc = {
        "sakipcalc": 1,
        "spec": {"id": "o", "name": "o", "plan": {"start": 2022, "end": 2022}},
        "variables": [{"id": "x"}, {"id": "y"}],
        "indicators": [
            {"id": "big", "name": "B", "unit": "x", "formula": "x ** 10 * y ** 10"},
        ],
    }
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(doc))
    data = tmp_path / "data.csv"
    data.write_text("unit,name,category,period,value\nk1,x,,2022,99999.7\nk1,y,,2022,99999.3\n")
    with pytest.raises(BatchOverflow, match="DECIMAL"):
        evaluate_batch_spark(sakipcalc.load(tmp_path), data, spark=spark)


def check_spark_case(spark: Any, spec_doc: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Spark == DuckDB, row for row; DuckDB == the Python engine (check_case)."""
    from sakipcalc.batch.spark import evaluate_batch_spark

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "spec.yaml").write_text(yaml.safe_dump(spec_doc, sort_keys=False))
        spec = sakipcalc.load(tmp)
    columns = ("unit", "name", "category", "period", "value")
    table = pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in columns]))
    expected = evaluate_batch(spec, table)
    got = evaluate_batch_spark(spec, table, spark=spark)
    assert got.schema == expected.schema
    assert got.to_pylist() == expected.to_pylist()
    check_case(spec_doc, rows)


@settings(
    max_examples=int(os.environ.get("SAKIPCALC_SPARK_EXAMPLES", "3")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(case=cases())
def test_spark_agrees_with_duckdb_and_the_engine(
    spark: Any, case: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    check_spark_case(spark, *case)


def test_cli_engine_spark_writes_the_duckdb_rows(spark: Any, tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    from conftest import run_cli

    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.parquet"
        result = run_cli(
            "batch", str(EXAMPLE / "spec"), "--allow-root", str(TANAH_LAUT),
            "--data", str(EXAMPLE / "data-made-up.csv"), "--engine", engine, "-o", str(out),
        )  # fmt: skip
        assert result.code == 0, result.err
        outputs[engine] = pq.read_table(out)
    assert outputs["spark"].equals(outputs["duckdb"])
