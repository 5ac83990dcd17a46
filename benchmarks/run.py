"""Benchmarks for sakipcalc (not tests: nothing here asserts on time).

    python benchmarks/run.py            # print the tables
    python benchmarks/run.py --write    # also rewrite the figures in BENCHMARKS.md

(a) One compiled ratio formula, evaluated with Decimal operands, against a
    hand-written Decimal function (the floor) and simpleeval re-parsing the
    text on every call (what a naive embedding does). Also simpleeval reusing
    the checked tree (``previously_parsed``).
(b) A generated spec of N indicators: load + validate + compile, then
    evaluate 4 periods; wall time and peak traced memory for N = 1,000 and
    10,000, to show linear growth.

Every figure is the median of several repeats, measured in the same run as
its baseline, so ratios are comparable even on a noisy machine.
"""

from __future__ import annotations

import argparse
import decimal
import gc
import platform
import statistics
import sys
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import simpleeval

import sakipcalc
from sakipcalc.formula import NameInfo, NameKind, compile_formula, simpleeval_tree
from sakipcalc.rounding import DECIMAL_CONTEXT

ROOT = Path(__file__).resolve().parent.parent


def _median_per_call(fn: Callable[[], object], number: int, repeat: int) -> float:
    timer = timeit.Timer(fn)
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def bench_formula(number: int = 20_000, repeat: int = 9) -> list[tuple[str, float]]:
    names = {
        "served": NameInfo(NameKind.SCALAR),
        "population": NameInfo(NameKind.SCALAR),
    }
    text = "served / population * 100"
    compiled = compile_formula(text, names)
    assert not isinstance(compiled, sakipcalc.FormulaProblem)
    slots = [Decimal("31356"), Decimal("75695")]
    second = simpleeval_tree(compiled)
    hundred = Decimal(100)

    def hand_written(served: Decimal, population: Decimal) -> Decimal:
        if not population:
            raise ZeroDivisionError
        return served / population * hundred

    served, population = slots
    reparse_names = {"served": served, "population": population}

    with decimal.localcontext(DECIMAL_CONTEXT):
        expected = hand_written(served, population)
        assert compiled.evaluate(slots) == expected
        assert second.evaluate(slots) == expected
        rows = [
            (
                "hand-written Decimal function",
                _median_per_call(lambda: hand_written(served, population), number, repeat),
            ),
            (
                "compiled closure (sakipcalc default)",
                _median_per_call(lambda: compiled.evaluate(slots), number, repeat),
            ),
            (
                "simpleeval, previously_parsed",
                _median_per_call(lambda: second.evaluate(slots), number // 4, repeat),
            ),
            (
                "simple_eval() re-parsing every call",
                _median_per_call(
                    lambda: simpleeval.simple_eval(text, names=reparse_names), number // 4, repeat
                ),
            ),
        ]
    return rows


def _generated_spec(directory: Path, count: int) -> None:
    categories = [f"c{i}" for i in range(5)]
    spec = [
        "sakipcalc: 1",
        "spec:",
        "  id: generated",
        "  name: Generated",
        "  plan: {start: 2019, end: 2023}",
        "breakdowns:",
        f"  - {{id: kinds, categories: [{', '.join(categories)}]}}",
    ]
    variables = ["variables:"]
    indicators = ["indicators:"]
    for i in range(count):
        variables.append(f"  - {{id: served_{i}, breakdown: kinds, domain: count}}")
        variables.append(f"  - {{id: population_{i}, breakdown: kinds, domain: count}}")
        indicators.append(
            f"  - {{id: ind_{i}, name: Indicator {i}, unit: '%', "
            f"formula: 'sum(served_{i}) / sum(population_{i}) * 100', "
            f"targets: {{2020: 50, 2021: 60, 2022: 70, 2023: 80}}}}"
        )
    # Several files, as a large spec would be split, each under the size limit.
    chunk = 2_000
    (directory / "spec.yaml").write_text("\n".join(spec) + "\n", encoding="utf-8")
    for start in range(0, count, chunk):
        part = slice(start, start + chunk)
        body = ["variables:", *variables[1:][part.start * 2 : part.stop * 2]]
        body += ["indicators:", *indicators[1:][part]]
        (directory / f"indicators-{start:06d}.yaml").write_text(
            "\n".join(body) + "\n", encoding="utf-8"
        )
        for year in (2020, 2021, 2022, 2023):
            data = ["data:", f"  '{year}':"]
            for i in range(part.start, min(part.stop, count)):
                cells = ", ".join(
                    f"{c}: {(i + j + year) % 97 + 1}" for j, c in enumerate(categories)
                )
                big = ", ".join(
                    f"{c}: {(i + j + year) % 97 + 200}" for j, c in enumerate(categories)
                )
                data.append(f"    served_{i}: {{{cells}}}")
                data.append(f"    population_{i}: {{{big}}}")
            (directory / f"data-{year}-{start:06d}.yaml").write_text(
                "\n".join(data) + "\n", encoding="utf-8"
            )


def bench_scaling(
    sizes: tuple[int, ...] = (1_000, 10_000), repeat: int = 3
) -> list[tuple[int, float, float, float]]:
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            _generated_spec(directory, size)
            times_load, times_eval = [], []
            for _ in range(repeat):
                gc.collect()
                start = time.perf_counter()
                spec = sakipcalc.load(directory)
                loaded = time.perf_counter()
                for year in ("2020", "2021", "2022", "2023"):
                    report = sakipcalc.evaluate(spec, period=year)
                    assert len(report.indicators) == size
                done = time.perf_counter()
                times_load.append(loaded - start)
                times_eval.append(done - loaded)
                del spec, report
            # Memory in a separate run: tracemalloc slows Python down several-fold.
            gc.collect()
            tracemalloc.start()
            spec = sakipcalc.load(directory)
            for year in ("2020", "2021", "2022", "2023"):
                sakipcalc.evaluate(spec, period=year)
            peaks = [tracemalloc.get_traced_memory()[1] / 2**20]
            tracemalloc.stop()
            del spec
            rows.append(
                (
                    size,
                    statistics.median(times_load),
                    statistics.median(times_eval),
                    statistics.median(peaks),
                )
            )
    return rows


def render(
    formula_rows: list[tuple[str, float]], scaling_rows: list[tuple[int, float, float, float]]
) -> str:
    base = formula_rows[0][1]
    compiled = formula_rows[1][1]
    reparse = formula_rows[3][1]
    lines = [
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()}; Decimal precision {DECIMAL_CONTEXT.prec}.",
        "",
        "### (a) One ratio formula, `served / population * 100`, Decimal operands",
        "",
        "| evaluator | median per call | × hand-written |",
        "|---|---:|---:|",
    ]
    for name, seconds in formula_rows:
        lines.append(f"| {name} | {seconds * 1e6:.2f} µs | {seconds / base:.2f} |")
    lines += [
        "",
        f"Compiled closure vs hand-written: **{compiled / base:.2f}×** (target ≤ 2×). "
        f"Re-parsing vs compiled: **{reparse / compiled:.1f}× slower** (target ≥ 5×).",
        "",
        "### (b) Generated spec: load + validate + compile, then evaluate 4 periods",
        "",
        "| indicators | load + validate + compile | evaluate 4 periods | total | peak traced memory |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, load_s, eval_s, peak in scaling_rows:
        lines.append(
            f"| {size:,} | {load_s:.2f} s | {eval_s:.2f} s | {load_s + eval_s:.2f} s | {peak:.0f} MiB |"
        )
    if len(scaling_rows) >= 2:
        (n1, l1, e1, p1), (n2, l2, e2, p2) = scaling_rows[0], scaling_rows[-1]
        lines += [
            "",
            f"{n2 // n1}× the indicators cost **{(l2 + e2) / (l1 + e1):.1f}×** the time "
            f"(target ≤ about 12×) and **{p2 / p1:.1f}×** the peak memory.",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the figures in BENCHMARKS.md")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes")
    args = parser.parse_args()
    formula_rows = bench_formula(
        number=2_000 if args.quick else 20_000, repeat=5 if args.quick else 9
    )
    scaling_rows = bench_scaling(
        (100, 1_000) if args.quick else (1_000, 10_000), repeat=1 if args.quick else 3
    )
    text = render(formula_rows, scaling_rows)
    sys.stdout.write(text)
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        content = path.read_text(encoding="utf-8")
        begin, end = "<!-- figures:begin -->", "<!-- figures:end -->"
        head, _, rest = content.partition(begin)
        _, _, tail = rest.partition(end)
        path.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
