"""``sakipcalc batch``: one spec over many units, on DuckDB.

Hooked into :mod:`sakipcalc.cli` with ``add_parser(subparsers)`` and
``run(args, stdout, stderr)``; it imports duckdb only when run.

    sakipcalc batch SPEC --data realisasi.csv [--targets target.csv]
        [--units units.csv] [--data-locale id|en] [--explain]
        [--trace UNIT:INDICATOR[:PERIOD]] -o OUT.parquet|OUT.csv|OUT.xlsx

Results go to ``OUT``, the spec's roll-ups per unit and (with ``--units``)
the roll-ups over the hierarchy beside it or in the same workbook (see
:mod:`.output`). A progress bar shows the stages on a terminal only.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .._cli_common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, add_allow_root, limits_of
from .._cli_records import add_records_argument
from .._progress import progress
from ..i18n import LOCALES

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
    add_records_argument(parser)
    parser.add_argument("--targets", help="per-unit targets: unit,indicator,period,target")
    parser.add_argument(
        "--units",
        help="the units: unit[,name,parent,level]; parents form the hierarchy rolled up "
        "(kabupaten → provinsi → nasional); every unit with data must be listed",
    )
    parser.add_argument(
        "--data-locale",
        "--locale",
        dest="data_locale",
        choices=LOCALES,
        help="how numbers in text columns are written: id (1.234,5) or en (1,234.5); "
        "default: the spec's 'locale', else an ambiguous 1.234 is refused",
    )
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
    parser.add_argument(
        "--trace",
        action="append",
        metavar="UNIT:INDICATOR[:PERIOD]",
        help="print that row's calculation by the Python engine, checked against the batch row",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="OUT.parquet, OUT.csv (roll-ups beside it) or OUT.xlsx (one sheet each)",
    )
    return parser


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        from . import BatchInputError, BatchOverflow, BatchRefused, explain
        from .output import SUFFIXES, refuse_inputs, write_tables
        from .report import STAGES, evaluate_units
        from .tracing import parse_request, trace
    except ImportError as exc:  # pragma: no cover - the extra is not installed
        stderr.write(
            f"sakipcalc: batch needs the 'batch' extra (pip install sakipcalc[batch]): {exc}\n"
        )
        return EXIT_USAGE
    from .. import SpecError, load
    from ..errors import OutputError

    requests = []
    for text in args.trace or []:
        try:
            requests.append(parse_request(text))
        except ValueError as exc:
            stderr.write(f"sakipcalc: {exc}\n")
            return EXIT_USAGE
    output = Path(args.output) if args.output else None
    if not args.explain:
        if not (args.data or args.records) or (output is None and not requests):
            stderr.write(
                "sakipcalc: batch needs --data FILE (or --records ID=FILE) and "
                "-o OUT.parquet|csv|xlsx\n"
            )
            return EXIT_USAGE
        if output is not None and output.suffix.lower() not in SUFFIXES:
            stderr.write("sakipcalc: -o must end in .parquet, .csv or .xlsx\n")
            return EXIT_USAGE
    try:
        spec = load(*args.paths, allow_roots=args.allow_root, limits=limits_of(args))
    except SpecError as exc:
        stderr.write(f"{exc}\nsakipcalc: the spec has errors; nothing was evaluated\n")
        return EXIT_PROBLEMS
    data = _records_as_data(spec, args, stderr)
    if isinstance(data, int):
        return data
    if output is not None:
        inputs: dict[str | None, str] = dict.fromkeys(spec.files, "a spec file")
        inputs.update({path: "a records file" for _, path in args.records})
        inputs.update({args.data: "the data", args.targets: "the targets"})
        inputs.update({args.units: "the units file"})
        try:
            refuse_inputs(output, inputs)
        except OutputError as exc:
            stderr.write(f"sakipcalc: {exc}\n")
            return EXIT_USAGE
    stages = progress(iter((*STAGES, "write")), total=len(STAGES) + 1, label="batch", stream=stderr)
    try:
        if args.explain:
            stdout.write(explain(spec) + "\n")
            return EXIT_OK
        out = evaluate_units(
            spec,
            data,
            targets=args.targets,
            units=args.units,
            locale=args.data_locale,
            on_stage=lambda name: _advance(stages),
            engine=args.engine,
            spark=_spark_session(args) if args.engine == "spark" else None,
        )
        traced = []
        rows = {(r["unit"], r["indicator"], r["period"]): r for r in _requested(out, requests)}
        for unit, indicator, period in requests:
            found = [row for key, row in rows.items() if key[:2] == (unit, indicator)]
            if period is not None:
                found = [row for row in found if row["period"] == period]
            if len(found) != 1:
                raise BatchInputError(
                    [f"--trace {unit}:{indicator}" + (f":{period}" if period else "") + ": "
                     + ("no such row in the results" if not found else "name the period")]
                )  # fmt: skip
            traced.append(
                trace(
                    spec,
                    data=data,
                    unit=unit,
                    indicator=indicator,
                    period=found[0]["period"],
                    targets=args.targets,
                    locale=args.data_locale,
                    batch_row=found[0],
                )
            )
        _advance(stages)
        written = []
        if output is not None:
            tables = {"results": out.results, "rollups": out.rollups}
            if out.hierarchy.num_rows:
                tables["hierarchy"] = out.hierarchy
            written = write_tables(spec, tables, output, stream=stderr)
    except (BatchRefused, BatchInputError, BatchOverflow) as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_PROBLEMS
    except _SparkMissing as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    except OutputError as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    finally:
        close = getattr(stages, "close", None)
        if close is not None:
            close()  # the generator erases its bar
    for each in traced:
        stdout.write(each.text + "\n")
    if written:
        counts = dict.fromkeys(("ok", "not_computable", "missing_data"), 0)
        for status in out.results.column("status").to_pylist():
            counts[status] += 1
        stderr.write(
            f"sakipcalc: {out.results.num_rows} rows written to {output} ("
            + ", ".join(f"{n} {s}" for s, n in counts.items())
            + f"); roll-ups: {', '.join(str(p) for p in written[1:]) or output}\n"
        )
    return EXIT_PROBLEMS if any(not t.agrees for t in traced) else EXIT_OK


def _records_as_data(spec: Any, args: argparse.Namespace, stderr: TextIO) -> Any:
    """The realisations: ``--data``, or the spec's records aggregated per unit; or the exit code.

    Records and a data file are not mixed in one run yet: their numbers are
    read differently (records are exact already; a data file's text follows
    its locale), so a spec with both is refused rather than half-read.
    """
    declared = any(v.source is not None for v in spec.variables.values())
    if not (args.records or declared):
        return args.data
    if args.data:
        stderr.write(
            "sakipcalc: batch reads realisations from --data or from the spec's records, "
            "not both yet; aggregate the records into the data file's long layout first "
            "(sakipcalc._records.records_realisations)\n"
        )
        return EXIT_USAGE
    from .. import SpecError
    from .._records import records_realisations

    try:
        return records_realisations(spec, dict(args.records), allow_roots=args.allow_root or ())
    except SpecError as exc:
        stderr.write(exc.issues.format(excerpt=True) + "\n")
        stderr.write("sakipcalc: the records have errors; nothing was evaluated\n")
        return EXIT_PROBLEMS


def _advance(stages: Iterator[str]) -> None:
    next(stages, None)


def _requested(out: Any, requests: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """The result rows the traces ask for, without turning the whole table into Python."""
    if not requests:
        return []
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    units = sorted({u for u, _, _ in requests})
    table = out.results.filter(pc.is_in(out.results.column("unit"), value_set=_array(units)))
    return list(table.to_pylist())


def _array(values: list[str]) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    return pa.array(values, pa.string())


def _spark_session(args: argparse.Namespace) -> Any:
    """The Spark session ``--engine spark`` runs on (``--spark-master``, else local)."""
    try:
        from .spark import spark_session

        return spark_session(args.spark_master)
    except ImportError as exc:
        raise _SparkMissing(
            f"--engine spark needs the 'spark' extra (pip install sakipcalc[spark]) "
            f"and Java 17+: {exc}"
        ) from exc


class _SparkMissing(ImportError):
    """pyspark (or its Java) is not there."""
