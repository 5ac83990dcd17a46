"""Benchmark: the national scenario of issue 11 on the batch path (a benchmark, not a test).

550 governments × 40 agencies × 30 indicators × 4 quarters, each indicator a
ratio of two 5-category sums, rounded half-up to 2 places, with achievement
against a target and a category. ``--scale`` shrinks the number of units
(default 0.02: 440 agencies; 1.0 is the whole nation, 26.4 M input rows).

Three timings, medians of ``--repeat`` runs in one process:
* the batch path: ``evaluate_batch`` on a DuckDB table of the generated data
  (input checks, plan, exact evaluation, Arrow result);
* a hand-written exact DuckDB query over the same table (the floor);
* the per-unit Python path (``load`` + ``evaluate`` per agency and quarter) on
  a sample of agencies, extrapolated to all of them.

    python benchmarks/batch_national.py --scale 0.02
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

import sakipcalc
from sakipcalc.batch import evaluate_batch

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


def generate(con: duckdb.DuckDBPyConnection, units: int) -> int:
    """The data as ``gen(unit, name, category, period, value)``: integers, numerator <= denominator."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE gen AS
        WITH base AS (
          SELECT 'u' || u AS unit, k, 'c' || c AS category, '2022-Q' || q AS period,
                 (hash(u, k, c, q) % 5000)::BIGINT + 1 AS den
          FROM range({units}) r1(u), range({INDICATORS}) r2(k),
               range(1, {CATEGORIES + 1}) r3(c), range(1, {QUARTERS + 1}) r4(q))
        SELECT unit, 'd' || k AS name, category, period, den AS value FROM base
        UNION ALL
        SELECT unit, 'n' || k, category, period, (hash(unit, k, category) % den)::BIGINT FROM base
        """
    )
    row = con.execute("SELECT count(*) FROM gen").fetchone()
    return int(row[0]) if row else 0


HAND_WRITTEN = f"""
WITH s AS (
  SELECT unit, period, substr(name, 2) AS k,
         sum(value) FILTER (WHERE name[1] = 'n')::HUGEINT AS num,
         sum(value) FILTER (WHERE name[1] = 'd')::HUGEINT AS den
  FROM gen GROUP BY unit, period, substr(name, 2)),
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
FROM a ORDER BY unit, indicator, period
"""


def timed(function: object, repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def python_path(spec_dir: Path, con: duckdb.DuckDBPyConnection, sample: list[str]) -> float:
    """Seconds for load + evaluate of every sampled agency and quarter."""
    rows = con.execute(
        "SELECT unit, name, category, period, value FROM gen WHERE unit IN (SELECT unnest(?))",
        [sample],
    ).fetchall()
    by_unit: dict[str, dict[str, dict[str, dict[str, Decimal]]]] = {}
    for unit, name, category, period, value in rows:
        periods = by_unit.setdefault(unit, {})
        periods.setdefault(period, {}).setdefault(name, {})[category] = Decimal(value)
    start = time.perf_counter()
    for unit in sample:
        spec = sakipcalc.load(spec_dir)
        data = sakipcalc.DataSet(values=by_unit[unit])  # type: ignore[arg-type]
        for q in range(1, QUARTERS + 1):
            sakipcalc.evaluate(spec, data, period=f"2022-Q{q}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="fraction of 22,000 agencies")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=10, help="agencies on the Python path")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    units = max(1, round(550 * 40 * args.scale))
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    with tempfile.TemporaryDirectory() as tmp:
        spec_dir = Path(tmp) / "spec"
        write_spec(spec_dir)
        spec = sakipcalc.load(spec_dir)
        input_rows = generate(con, units)
        out_rows = units * INDICATORS * QUARTERS
        print(f"{units} agencies, {input_rows:,} input rows, {out_rows:,} indicator-quarters")

        batch_s, table = timed(
            lambda: evaluate_batch(spec, "table:gen", connection=con), args.repeat
        )
        hand_s, hand = timed(lambda: con.sql(HAND_WRITTEN).to_arrow_table(), args.repeat)
        # The two agree figure for figure.
        mine = table.select(
            ["unit", "indicator", "period", "realisation", "achievement", "category"]
        )  # type: ignore[attr-defined]
        theirs = hand.to_pylist()  # type: ignore[attr-defined]
        for got, want in zip(mine.to_pylist(), theirs, strict=True):
            assert got["realisation"] == want["realisation"], (got, want)
            assert got["achievement"] == want["achievement"], (got, want)
            assert got["category"] == want["category"], (got, want)
        sample = [f"u{i}" for i in range(min(args.sample, units))]
        py_s = python_path(spec_dir, con, sample)
        py_total = py_s / len(sample) * units
        print(f"batch path (median of {args.repeat}):  {batch_s:8.3f} s")
        print(
            f"hand-written exact query:      {hand_s:8.3f} s   batch / hand = {batch_s / hand_s:.2f}"
        )
        print(
            f"per-unit load+evaluate:        {py_total:8.1f} s (extrapolated from {len(sample)} "
            f"agencies, {len(sample) * QUARTERS * INDICATORS / py_s:,.0f} evaluations/s)"
        )
        print(f"speed-up over the per-unit path: {py_total / batch_s:,.0f}x")


if __name__ == "__main__":
    main()
