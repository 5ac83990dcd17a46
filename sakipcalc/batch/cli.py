"""``sakipcalc batch``: one spec over many units, on DuckDB.

Hooked into :mod:`sakipcalc.cli` with ``add_parser(subparsers)`` and
``run(args, stdout, stderr)``; it imports duckdb only when run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .._atomic import write_atomically
from .._cli_common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_allow_root, limits_of

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "batch", help="evaluate one spec for many units at once (DuckDB; exact)"
    )
    parser.add_argument("paths", nargs="+", metavar="SPEC")
    add_allow_root(parser)
    parser.add_argument(
        "--data", help="realisations: unit,name,category,period,value (.parquet or .csv)"
    )
    parser.add_argument("--targets", help="per-unit targets: unit,indicator,period,target")
    parser.add_argument("--units", help="the units to report (column 'unit'); each needs data")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb (embedded, the default) or spark (the same plan on Apache Spark)",
    )
    parser.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: local[*] (default), spark://HOST:7077, yarn, k8s://..., "
        "or sc://HOST:15002 (Spark Connect)",
    )
    parser.add_argument("--explain", action="store_true", help="print the plan as SQL and stop")
    parser.add_argument("-o", "--output", help="OUT.parquet or OUT.csv")
    return parser


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        from . import BatchInputError, BatchOverflow, BatchRefused, evaluate_batch, explain
    except ImportError as exc:  # pragma: no cover - the extra is not installed
        stderr.write(
            f"sakipcalc: batch needs the 'batch' extra (pip install sakipcalc[batch]): {exc}\n"
        )
        return EXIT_USAGE
    from .. import SpecError, load

    try:
        spec = load(*args.paths, allow_roots=args.allow_root, limits=limits_of(args))
    except SpecError as exc:
        stderr.write(f"{exc}\nsakipcalc: the spec has errors; nothing was evaluated\n")
        return EXIT_PROBLEMS
    try:
        if args.explain:
            stdout.write(explain(spec) + "\n")
            return EXIT_OK
        if not args.data or not args.output:
            stderr.write("sakipcalc: batch needs --data FILE and -o OUT.parquet|OUT.csv\n")
            return EXIT_USAGE
        output = Path(args.output)
        if output.suffix.lower() not in (".parquet", ".csv"):
            stderr.write("sakipcalc: -o must end in .parquet or .csv\n")
            return EXIT_USAGE
        if args.engine == "spark":
            table = _on_spark(spec, args)
        else:
            table = evaluate_batch(spec, args.data, targets=args.targets, units=args.units)
    except (BatchRefused, BatchInputError, BatchOverflow) as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_PROBLEMS
    except _SparkMissing as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    _write(table, output)
    counts = dict.fromkeys(("ok", "not_computable", "missing_data"), 0)
    for status in table.column("status").to_pylist():
        counts[status] += 1
    stderr.write(
        f"sakipcalc: {table.num_rows} rows written to {output} ("
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + ")\n"
    )
    return EXIT_OK


def _on_spark(spec: Any, args: argparse.Namespace) -> Any:
    try:
        from .spark import evaluate_batch_spark, spark_session

        session = spark_session(args.spark_master)
    except ImportError as exc:
        raise _SparkMissing(
            f"--engine spark needs the 'spark' extra (pip install sakipcalc[spark]) "
            f"and Java 17+: {exc}"
        ) from exc
    return evaluate_batch_spark(
        spec, args.data, targets=args.targets, units=args.units, spark=session
    )


class _SparkMissing(ImportError):
    """pyspark (or its Java) is not there."""


def _write(table: Any, output: Path) -> None:
    """Written beside ``output`` and renamed into place: all of it, or nothing."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    def produce(path: Path) -> None:
        if output.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq  # type: ignore[import-untyped]

            pq.write_table(table, path)
            return
        import pyarrow.csv as pcsv  # type: ignore[import-untyped]

        # CSV has no lists: missing inputs are joined with "; ".
        flat = table
        for name in ("realisation_missing", "missing"):
            index = flat.schema.get_field_index(name)
            joined = pc.binary_join(flat.column(name), "; ")
            flat = flat.set_column(index, pa.field(name, pa.string()), joined)
        pcsv.write_csv(flat, path)

    write_atomically(output, produce)
