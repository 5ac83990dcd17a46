"""Memory and speed of loading a large spec, each size in a fresh process.

    python benchmarks/load_memory.py                 # 10,000 and 100,000 indicators
    python benchmarks/load_memory.py --sizes 10000 --repeat 5

For each size, the spec is generated with the generator of ``benchmarks/run.py``,
then a new Python process:

1. records its peak resident set size (``resource.getrusage``) after the
   imports, loads the spec once, and records the peak again: the difference,
   divided by the number of indicators, is the memory per loaded indicator;
2. times ``sakipcalc.load`` against ``yaml.load(text, Loader=yaml.CSafeLoader)``
   of the same files (read from disk in both), alternating the two, and
   reports the ratio of the medians.

Nothing here asserts; the figures go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sakipcalc.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
# The generated specs are far larger than the documented limits for specs from anyone.
TRUSTED = Limits(max_spec_bytes=1 << 31, max_formulas=10_000_000, max_files=100_000)


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(directory: Path, size: int, repeat: int) -> dict[str, float]:
    """Run inside the fresh process: memory first (peak RSS only grows), then time."""
    import yaml

    import sakipcalc

    files = sorted(directory.glob("*.yaml"))
    gc.collect()
    before = _peak_kib()
    spec = sakipcalc.load(directory, limits=TRUSTED)
    after = _peak_kib()
    assert len(spec.indicators) == size
    del spec
    gc.collect()
    loads, yamls = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in files:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        yamls.append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        spec = sakipcalc.load(directory, limits=TRUSTED)
        loads.append(time.perf_counter() - start)
        del spec
        gc.collect()
    return {
        "size": size,
        "kib_per_indicator": (after - before) / size,
        "peak_mib": after / 1024,
        "load_s": statistics.median(loads),
        "csafeloader_s": statistics.median(yamls),
        "ratio": statistics.median(loads) / statistics.median(yamls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON line per size")
    parser.add_argument("--child", nargs=2, metavar=("DIRECTORY", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = measure(Path(args.child[0]), int(args.child[1]), args.repeat)
        print(json.dumps(result))
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import _generated_spec

    if not args.json:
        print("| indicators | KiB per indicator | peak RSS | load | CSafeLoader | ratio |")
        print("|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            _generated_spec(Path(tmp), size)
            out = subprocess.run(
                [sys.executable, __file__, "--child", tmp, str(size), "--repeat", str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        if args.json:
            print(json.dumps(row), flush=True)
            continue
        print(
            f"| {size:,} | {row['kib_per_indicator']:.1f} | {row['peak_mib']:.0f} MiB "
            f"| {row['load_s']:.2f} s | {row['csafeloader_s']:.2f} s | {row['ratio']:.2f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
