"""Benchmark: variables aggregated from 10 million case records (a benchmark, not a test).

Generates a case register of ``--rows`` records (default 10,000,000) as
Parquet, with DuckDB itself: two years, 26 PMKS types, 11 kecamatan, three
statuses and a DECIMAL(12, 2) aid amount. A spec declares four variables over
it (two counts with filters, a count of all rows, an exact sum), each broken
down by PMKS type and period.

Two timings, each the median of ``--repeat`` runs in a fresh process that
also reports its peak resident set size (the whole process: Python, the
imports and DuckDB; the data is generated in a process of its own, since
Linux carries a parent's peak into its children):
* the records path: ``load_records`` on the spec (every check against the
  table, then the aggregation, then the values as the spec's exact data);
* a hand-written ``GROUP BY`` over the same file computing the same four
  aggregates (the floor: no checks, raw tuples).

The figures of the two are compared, value for value, before anything is
printed.

    python benchmarks/records.py                 # 10 M records
    python benchmarks/records.py --rows 1000000  # quicker
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
from decimal import Decimal
from pathlib import Path
from typing import Any

CATEGORIES = [f"pmks_{i:02d}" for i in range(1, 27)]
KECAMATAN = [f"kec_{i:02d}" for i in range(1, 12)]
STATUSES = ["tertangani", "terdata", "dirujuk"]

SPEC = f"""\
sakipcalc: 1
spec: {{id: register, name: Register benchmark, plan: {{start: 2021, end: 2022}}}}
breakdowns:
  - id: jenis_pmks
    categories: [{", ".join(CATEGORIES)}]
records:
  - id: kasus
variables:
  - id: ditangani
    domain: count
    breakdown: jenis_pmks
    from: {{records: kasus, count: true, category: jenis_pmks, period: tahun,
            where: {{status: tertangani}}}}
  - id: ditangani_dua_kec
    domain: count
    breakdown: jenis_pmks
    from: {{records: kasus, count: true, category: jenis_pmks, period: tahun,
            where: {{status: tertangani, kecamatan: [kec_01, kec_02]}}}}
  - id: terdata
    domain: count
    breakdown: jenis_pmks
    from: {{records: kasus, count: true, category: jenis_pmks, period: tahun}}
  - id: bantuan
    domain: rupiah
    breakdown: jenis_pmks
    from: {{records: kasus, sum: bantuan, category: jenis_pmks, period: tahun,
            where: {{status: tertangani}}}}
indicators:
  - id: persen_tertangani
    name: Persentase PMKS tertangani
    unit: "%"
    formula: sum(ditangani) / sum(terdata) * 100
"""

HAND_WRITTEN = """
SELECT CAST(tahun AS VARCHAR), jenis_pmks,
       count(*) FILTER (WHERE status = 'tertangani'),
       count(*) FILTER (WHERE status = 'tertangani' AND kecamatan IN ('kec_01', 'kec_02')),
       count(*),
       sum(bantuan) FILTER (WHERE status = 'tertangani')
FROM read_parquet('{path}') GROUP BY ALL
"""


def generate(path: Path, rows: int) -> None:
    import duckdb

    cats = ", ".join(f"'{c}'" for c in CATEGORIES)
    kecs = ", ".join(f"'{k}'" for k in KECAMATAN)
    stats = ", ".join(f"'{s}'" for s in STATUSES)
    duckdb.connect().execute(
        f"""COPY (SELECT
              'K' || lpad(CAST(i AS VARCHAR), 9, '0') AS id_kasus,
              2021 + CAST(floor(random() * 2) AS INTEGER) AS tahun,
              list_extract([{cats}], CAST(floor(random() * {len(CATEGORIES)}) AS INTEGER) + 1)
                  AS jenis_pmks,
              list_extract([{kecs}], CAST(floor(random() * {len(KECAMATAN)}) AS INTEGER) + 1)
                  AS kecamatan,
              list_extract([{stats}], CAST(floor(random() * 3) AS INTEGER) + 1) AS status,
              -- whole cents times 0.01: an exact DECIMAL product
              CAST(CAST(floor(random() * 500000000) AS BIGINT) AS DECIMAL(10, 0))
                  * CAST('0.01' AS DECIMAL(3, 2)) AS bantuan
            FROM range({rows}) t(i))
           TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(which: str, folder: Path, repeat: int) -> dict[str, Any]:
    """One path, ``repeat`` times, in this (fresh) process: times, peak RSS and the figures."""
    import duckdb

    parquet = folder / "kasus.parquet"
    times = []
    figures: dict[str, str] = {}
    if which == "records":
        import sakipcalc
        from sakipcalc._records import load_records

        spec = sakipcalc.load(folder / "spec")
        for _ in range(repeat):
            start = time.perf_counter()
            data = load_records(spec, {"kasus": str(parquet)}).data
            times.append(time.perf_counter() - start)
        for period in data.periods:
            for name, value in data.values[period].items():
                assert isinstance(value, dict) or hasattr(value, "items")
                for category, number in value.items():  # type: ignore[union-attr]
                    figures[f"{period}/{name}/{category}"] = str(number)
    else:
        names = ["ditangani", "ditangani_dua_kec", "terdata", "bantuan"]
        for _ in range(repeat):
            start = time.perf_counter()
            con = duckdb.connect()
            rows = con.execute(HAND_WRITTEN.format(path=parquet)).fetchall()
            times.append(time.perf_counter() - start)
        for period, category, *measures in rows:
            for name, value in zip(names, measures, strict=True):
                figures[f"{period}/{name}/{category}"] = str(value if value is not None else 0)
    return {"times": times, "peak_mib": _peak_mib(), "figures": figures}


def run(which: str, folder: Path, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            which,
            "--folder",
            str(folder),
            "--repeat",
            str(repeat),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=("records", "hand", "generate"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child == "generate":
        generate(args.folder / "kasus.parquet", args.rows)
        return
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "spec").mkdir()
        (folder / "spec" / "spec.yaml").write_text(SPEC, encoding="utf-8")
        start = time.perf_counter()
        # In a process of its own: Linux carries a parent's peak RSS into its children,
        # so the generator's peak must not be the measuring process's.
        command = ["--child", "generate", "--folder", str(folder), "--rows", str(args.rows)]
        subprocess.run([sys.executable, __file__, *command], check=True)
        made = time.perf_counter() - start
        size = (folder / "kasus.parquet").stat().st_size / 2**20
        print(f"generated {args.rows:,} records ({size:.0f} MiB Parquet) in {made:.1f} s")
        records = run("records", folder, args.repeat)
        hand = run("hand", folder, args.repeat)
    assert {k: Decimal(v) for k, v in records["figures"].items()} == {
        k: Decimal(v) for k, v in hand["figures"].items()
    }, "the records path and the hand-written GROUP BY disagree"
    r, h = statistics.median(records["times"]), statistics.median(hand["times"])
    print(f"figures agree: {len(hand['figures']):,} values")
    print("| path | median | peak RSS |")
    print("|---|---|---|")
    print(f"| records path (`load_records`) | {r:.2f} s | {records['peak_mib']:.0f} MiB |")
    print(f"| hand-written GROUP BY | {h:.2f} s | {hand['peak_mib']:.0f} MiB |")
    print(f"ratio: {r / h:.2f}× the time, {records['peak_mib'] / hand['peak_mib']:.2f}× the memory")


if __name__ == "__main__":
    main()
