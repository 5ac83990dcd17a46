"""Benchmark: the national scenario of issue 11 on the batch path (a benchmark, not a test).

550 governments × 40 agencies × 30 indicators × 4 quarters, each indicator a
ratio of two 5-category sums, rounded half-up to 2 places, with achievement
against a target and a category. ``--scale`` shrinks the number of agencies
(1.0 is the whole nation: 22,000 agencies, 26.4 M input rows, 2.64 M
indicator-quarters). The data is written once to a Parquet file and read from
it by every path, so nothing is materialised in Python.

Timings are medians of ``--repeat`` runs in one process, the paths alternating:

* ``batch``: ``evaluate_batch(spec, "data.parquet")``, the whole path (input
  checks, plan, exact evaluation, Arrow result);
* ``plan``: the compiled plan alone, on inputs already checked and loaded;
* ``hand``: a hand-written exact DuckDB query over the same Parquet file (the floor);
* the per-agency Python path (``load`` + ``evaluate`` per agency and quarter)
  on a sample of agencies, extrapolated per evaluation to all of them.

Peak memory: each of ``batch`` and ``hand`` once more in a fresh child
process (``--only``), its peak RSS read from ``/proc/self/status`` (VmHWM). DuckDB
runs under ``--memory-limit`` with a temporary directory, so data larger than
the limit spills to disk rather than failing. With ``--spill-limit 300MB``,
``write_batch`` (which streams its rows into a Parquet file, unsorted) and the
hand query run once more under that limit, and the most written to DuckDB's
temporary directory is reported.

    python benchmarks/batch_national.py --scale 0.1
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import yaml

import sakipcalc
from sakipcalc.batch import build_plan, evaluate_batch, write_batch
from sakipcalc.batch.inputs import load_inputs
from sakipcalc.batch.run import run_plan

INDICATORS = 30
CATEGORIES = 5
QUARTERS = 4
TARGET = 80


def write_spec(folder: Path) -> None:
    cats = [f"c{i}" for i in range(1, CATEGORIES + 1)]
    doc = {
        "sakipcalc": 1,
        "spec": {
            "id": "national",
            "name": "National",
            "plan": {"start": 2022, "end": 2022},
            "rounding": {"places": 2, "mode": "half_up", "achievement_from": "rounded"},
            "category_scale": "kat",
        },
        "scales": [
            {
                "id": "kat",
                "kind": "category",
                "bands": [
                    {"label": "sangat_rendah", "range": "(-inf, 50]"},
                    {"label": "rendah", "range": "(50, 65]"},
                    {"label": "sedang", "range": "(65, 75]"},
                    {"label": "tinggi", "range": "(75, 90]"},
                    {"label": "sangat_tinggi", "range": "(90, inf)"},
                ],
            }
        ],
        "breakdowns": [{"id": "jenis", "categories": cats}],
        "variables": [
            {"id": f"{kind}{k}", "breakdown": "jenis"}
            for k in range(INDICATORS)
            for kind in ("n", "d")
        ],
        "indicators": [
            {
                "id": f"i{k}",
                "name": f"Indicator {k}",
                "unit": "%",
                "formula": f"sum(n{k}) / sum(d{k}) * 100",
                "targets": {f"2022-Q{q}": TARGET for q in range(1, QUARTERS + 1)},
            }
            for k in range(INDICATORS)
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def generate(path: Path, units: int) -> int:
    """``unit, name, category, period, value`` to Parquet: integers, numerator <= denominator."""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          WITH base AS (
            SELECT 'u' || u AS unit, k, 'c' || c AS category, '2022-Q' || q AS period,
                   (hash(u, k, c, q) % 5000)::BIGINT + 1 AS den
            FROM range({units}) r1(u), range({INDICATORS}) r2(k),
                 range(1, {CATEGORIES + 1}) r3(c), range(1, {QUARTERS + 1}) r4(q))
          SELECT unit, 'd' || k AS name, category, period, den AS value FROM base
          UNION ALL
          SELECT unit, 'n' || k, category, period, (hash(unit, k, category) % den)::BIGINT
          FROM base
        ) TO '{path}' (FORMAT parquet)
        """
    )
    row = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()
    return int(row[0]) if row else 0


def hand_written(path: Path) -> str:
    """The floor: the same figures by a query written for this spec alone, exactly."""
    return f"""
WITH s AS (
  SELECT unit, period, substr(name, 2) AS k,
         sum(value) FILTER (WHERE name[1] = 'n')::HUGEINT AS num,
         sum(value) FILTER (WHERE name[1] = 'd')::HUGEINT AS den
  FROM read_parquet('{path}') GROUP BY unit, period, substr(name, 2)),
r AS (
  SELECT *, CASE WHEN den > 0 THEN (20000 * num + den) // (2 * den) END AS rk FROM s),
a AS (
  SELECT *, (200 * rk + {TARGET}) // (2 * {TARGET}) AS ak FROM r)
SELECT unit, 'i' || k AS indicator, period,
       CAST(rk AS DECIMAL(38, 0)) * CAST(0.01 AS DECIMAL(38, 2)) AS realisation,
       CAST(ak AS DECIMAL(38, 0)) * CAST(0.01 AS DECIMAL(38, 2)) AS achievement,
       CASE WHEN ak <= 5000 THEN 'sangat_rendah' WHEN ak <= 6500 THEN 'rendah'
            WHEN ak <= 7500 THEN 'sedang' WHEN ak <= 9000 THEN 'tinggi'
            ELSE 'sangat_tinggi' END AS category
FROM a ORDER BY unit, CAST(k AS INTEGER), period
"""


def connect(args: argparse.Namespace, workdir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    con.execute(f"SET memory_limit = '{args.memory_limit}'")
    con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def median_times(functions: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Each function ``repeat`` times, in turn (A B C A B C …); the median of each."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def python_path(spec_dir: Path, data: Path, sample: list[str]) -> float:
    """Seconds for load + evaluate of every sampled agency and quarter."""
    rows = duckdb.sql(
        f"SELECT unit, name, category, period, value FROM read_parquet('{data}') "
        "WHERE unit IN (SELECT unnest(?))",
        params=[sample],
    ).fetchall()
    by_unit: dict[str, dict[str, dict[str, dict[str, Decimal]]]] = {}
    for unit, name, category, period, value in rows:
        periods = by_unit.setdefault(unit, {})
        periods.setdefault(period, {}).setdefault(name, {})[category] = Decimal(value)
    start = time.perf_counter()
    for unit in sample:
        spec = sakipcalc.load(spec_dir)
        data_set = sakipcalc.DataSet(values=by_unit[unit])  # type: ignore[arg-type]
        for q in range(1, QUARTERS + 1):
            sakipcalc.evaluate(spec, data_set, period=f"2022-Q{q}")
    return time.perf_counter() - start


def only(args: argparse.Namespace, workdir: Path) -> None:
    """One run of one path in this (child) process; prints its seconds and peak RSS."""
    con = connect(args, workdir)
    data = workdir / "data.parquet"
    start = time.perf_counter()
    if args.only == "batch":
        spec = sakipcalc.load(workdir / "spec")
        rows = evaluate_batch(spec, str(data), connection=con).num_rows
    elif args.only == "write":
        spec = sakipcalc.load(workdir / "spec")
        rows = write_batch(spec, str(data), workdir / "out.parquet", connection=con)
    else:
        rows = con.sql(hand_written(data)).to_arrow_table().num_rows
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_bytes": peak_rss()}))


def peak_rss() -> int:
    """This process's peak resident set, in bytes.

    Linux's VmHWM, which starts afresh at exec; ``ru_maxrss`` would carry the
    parent's peak over into a child started by fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="fraction of 22,000 agencies")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=10, help="agencies on the Python path")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory_limit")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the data here")
    parser.add_argument(
        "--spill-limit",
        default=None,
        help="also stream the batch path to Parquet (write_batch) under this memory_limit",
    )
    parser.add_argument("--only", choices=("batch", "write", "hand"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        only(args, args.workdir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        run(args, workdir)


def run(args: argparse.Namespace, workdir: Path) -> None:
    units = max(1, round(550 * 40 * args.scale))
    spec_dir = workdir / "spec"
    write_spec(spec_dir)
    spec = sakipcalc.load(spec_dir)
    data = workdir / "data.parquet"
    input_rows = generate(data, units)
    out_rows = units * INDICATORS * QUARTERS
    print(
        f"{units:,} agencies, {input_rows:,} input rows "
        f"({data.stat().st_size / 2**20:.0f} MiB Parquet), {out_rows:,} indicator-quarters"
    )
    con = connect(args, workdir)
    scales = load_inputs(con, spec, str(data))
    plan = build_plan(spec, input_scale=scales.data, target_scale=scales.targets)
    hand_sql = hand_written(data)
    results: dict[str, Any] = {}

    def keep(name: str, function: Callable[[], Any]) -> Callable[[], None]:
        def call() -> None:
            results[name] = function()

        return call

    medians = median_times(
        {
            "batch": keep("batch", lambda: evaluate_batch(spec, str(data), connection=con)),
            "plan": keep("plan", lambda: run_plan(con, plan.text)),
            "hand": keep("hand", lambda: con.sql(hand_sql).to_arrow_table()),
        },
        args.repeat,
    )
    # The paths agree figure for figure.
    columns = ["unit", "indicator", "period", "realisation", "achievement", "category"]
    mine = results["batch"].select(columns).to_pylist()
    assert mine == results["plan"].select(columns).to_pylist()
    assert mine == results["hand"].to_pylist(), "the batch path and the hand query disagree"
    sample = [f"u{i}" for i in range(min(args.sample, units))]
    py_s = python_path(spec_dir, data, sample)
    per_eval = py_s / (len(sample) * QUARTERS * INDICATORS)
    py_total = per_eval * out_rows
    hand = medians["hand"]
    print(f"threads {args.threads or 'all'}, memory_limit {args.memory_limit}")
    print(f"batch path, whole (median of {args.repeat}): {medians['batch']:8.3f} s")
    print(f"  of which the plan alone:               {medians['plan']:8.3f} s")
    print(f"hand-written exact query:                {hand:8.3f} s")
    print(
        f"batch / hand = {medians['batch'] / hand:.2f}; plan / hand = {medians['plan'] / hand:.2f}"
    )
    print(
        f"per-agency load+evaluate: {1 / per_eval:,.0f} evaluations/s on {len(sample)} agencies, "
        f"{py_total:,.1f} s extrapolated; speed-up of the batch path "
        f"{py_total / medians['batch']:,.0f}x (plan alone {py_total / medians['plan']:,.0f}x)"
    )
    for name in ("batch", "hand"):
        fresh(args, workdir, name, args.memory_limit)
    if args.spill_limit:
        for name in ("write", "hand"):
            fresh(args, workdir, name, args.spill_limit)


def fresh(args: argparse.Namespace, workdir: Path, name: str, limit: str) -> None:
    """One path in a child process; its time, peak RSS and the most it spilled to disk."""
    spill = workdir / "spill"
    most = 0
    with subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--only",
            name,
            "--workdir",
            str(workdir),
            "--memory-limit",
            limit,
            *(["--threads", str(args.threads)] if args.threads else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        while child.poll() is None:
            if spill.is_dir():
                size = sum(f.stat().st_size for f in spill.rglob("*") if f.is_file())
                most = max(most, size)
            time.sleep(0.2)
        assert child.stdout is not None
        out = child.stdout.read()
    if child.returncode != 0:
        print(f"fresh process, {name} under memory_limit {limit}: failed")
        return
    got = json.loads(out.strip().splitlines()[-1])
    print(
        f"fresh process, {name} under memory_limit {limit}: {got['seconds']:.3f} s, "
        f"peak RSS {got['peak_bytes'] / 2**20:,.0f} MiB, spilled up to {most / 2**20:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
