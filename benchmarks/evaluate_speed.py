"""Evaluate speed against a hand-written Decimal pipeline, in the same run.

    python benchmarks/evaluate_speed.py              # 10,000 indicators x 4 periods
    python benchmarks/evaluate_speed.py --size 1000  # smaller, for a quick look

The spec is benchmarks/run.py's generated one: each indicator is
``sum(served) / sum(population) * 100`` over five categories, with a numeric
target for each of four years. Both sides start from the same loaded spec:

* ``sakipcalc.evaluate`` for each of the four years, as a report would be
  made (every call also lists the earlier years for comparison);
* a hand-written pipeline doing the same arithmetic once per
  indicator-period: the two sums, their ratio x 100, half-up rounding to
  two places, achievement R / T x 100 from the rounded realisation, its
  rounding, and a category lookup on a five-band scale.

The cyclic garbage collector stays on unless ``--gc-off`` is given: with
it on, every collection walks the loaded spec too, and that cost is part of
what a caller pays.

Each repeat of ``evaluate`` runs on a fresh ``DataSet`` object (same values),
so that no repeat reuses earlier periods computed by the one before it: the
sharing measured is only that among the four calls of one repeat. Figures
are medians per indicator-period; the ratio is the one the issue sets a
target for (at most 3x).
"""

from __future__ import annotations

import argparse
import dataclasses
import decimal
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from sakipcalc.limits import Limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import _generated_spec

import sakipcalc
from sakipcalc.rounding import DECIMAL_CONTEXT

# The generated specs are far larger than the documented limits for specs from anyone.
TRUSTED = Limits(max_spec_bytes=1 << 31, max_formulas=10_000_000, max_files=100_000)

YEARS = ("2020", "2021", "2022", "2023")
HUNDRED = Decimal(100)
QUANTUM = Decimal("0.01")
# Lower bounds of five bands, highest first, as a category scale would hold them.
BANDS = (
    (Decimal(90), "sangat baik"),
    (Decimal(75), "baik"),
    (Decimal(65), "cukup"),
    (Decimal(50), "kurang"),
    (Decimal(0), "sangat kurang"),
)


def hand_written(
    values: Mapping[str, Mapping[str, object]],
    targets: list[tuple[str, Mapping[str, Decimal]]],
) -> int:
    """The same arithmetic as the engine, written out by hand; returns the result count."""
    count = 0
    with decimal.localcontext(DECIMAL_CONTEXT):
        for year in YEARS:
            cells = values[year]
            for index, (indicator_id, by_year) in enumerate(targets):
                served = cells[f"served_{index}"]
                population = cells[f"population_{index}"]
                assert isinstance(served, Mapping) and isinstance(population, Mapping)
                numerator = sum(served.values(), Decimal(0))
                denominator = sum(population.values(), Decimal(0))
                raw = numerator / denominator * HUNDRED
                realisation = raw.quantize(QUANTUM, rounding=decimal.ROUND_HALF_UP)
                target = by_year[year]
                achievement = (realisation / target * HUNDRED).quantize(
                    QUANTUM, rounding=decimal.ROUND_HALF_UP
                )
                category = next(name for low, name in BANDS if achievement >= low)
                assert indicator_id and category
                count += 1
    return count


def time_evaluate(spec: sakipcalc.Spec, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        # A fresh identity, so nothing is shared with the repeat before; still the
        # loaded (checked) data, so no repeat pays for checking hand-built data.
        data = dataclasses.replace(spec.data)
        start = time.perf_counter()
        for year in YEARS:
            report = sakipcalc.evaluate(spec, data, period=year)
            assert len(report.indicators) == len(spec.indicators)
        times.append(time.perf_counter() - start)
    return times


def time_hand_written(spec: sakipcalc.Spec, repeat: int) -> list[float]:
    targets = [
        (
            indicator.id,
            {
                period: target.value
                for period, target in indicator.targets.items()
                if target.value is not None
            },
        )
        for indicator in spec.indicators.values()
    ]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        count = hand_written(spec.data.values, targets)
        times.append(time.perf_counter() - start)
        assert count == len(spec.indicators) * len(YEARS)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="indicators (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats of each side")
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="switch the garbage collector off while timing (shows what collection costs)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        _generated_spec(directory, args.size)
        spec = sakipcalc.load(directory, limits=TRUSTED)
    results = args.size * len(YEARS)
    # Interleaved, so that machine noise falls on both sides alike.
    engine: list[float] = []
    hand: list[float] = []
    if args.gc_off:
        gc.disable()
    for _ in range(args.repeat):
        engine += time_evaluate(spec, 1)
        hand += time_hand_written(spec, 1)
    gc.enable()
    per_engine = statistics.median(engine) / results
    per_hand = statistics.median(hand) / results
    collector = "off" if args.gc_off else "on"
    if args.json:
        figures = {"size": args.size, "engine_us": per_engine * 1e6, "hand_us": per_hand * 1e6}
        print(json.dumps({**figures, "ratio": per_engine / per_hand, "gc": collector}))
        return 0
    print(
        f"{args.size:,} indicators x {len(YEARS)} periods = {results:,} indicator-periods "
        f"(garbage collector {collector} while timing)"
    )
    print(f"sakipcalc.evaluate:      {per_engine * 1e6:8.2f} µs per indicator-period (median)")
    print(f"hand-written Decimal:    {per_hand * 1e6:8.2f} µs per indicator-period (median)")
    print(f"ratio:                   {per_engine / per_hand:8.2f}x (target at most 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
