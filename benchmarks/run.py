"""Benchmarks for sakipcalc (not tests: nothing here asserts on time).

    python benchmarks/run.py            # print the tables
    python benchmarks/run.py --write    # also rewrite the figures in BENCHMARKS.md
    python benchmarks/run.py --quick    # smaller sizes, for a quick look

(a) One compiled ratio formula, evaluated with Decimal operands, against a
    hand-written Decimal function (the floor) and simpleeval.
(b) ``import sakipcalc`` as a whole process, against a bare interpreter.
(c) Loading a generated spec of 10,000 and 100,000 indicators, each size in
    a fresh process (benchmarks/load_memory.py): peak memory per indicator,
    and load time against ``yaml.load(..., Loader=CSafeLoader)`` of the same
    files in the same process.
(d) Evaluating 4 periods of the 10,000-indicator spec in a fresh process
    (benchmarks/evaluate_speed.py), against a hand-written Decimal pipeline
    doing the same arithmetic in the same process.

Every figure is the median of several repeats, measured in the same run as
its baseline, so ratios are comparable even on a noisy machine.
"""

from __future__ import annotations

import argparse
import decimal
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

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


def bench_import(runs: int = 15) -> tuple[float, float]:
    """Median wall time of ``python -c "import sakipcalc"`` and of a bare interpreter."""
    lib, bare = [], []
    for _ in range(runs):  # alternating, so that machine noise falls on both alike
        for command, times in (("import sakipcalc", lib), ("pass", bare)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", command], check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(lib), statistics.median(bare)


def _child_json(script: str, *args: str) -> dict[str, Any]:
    """Run a benchmark script in a fresh process; its last line is JSON."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def render(
    formula_rows: list[tuple[str, float]],
    imports: tuple[float, float],
    loads: list[dict[str, Any]],
    evaluation: dict[str, Any],
) -> str:
    base = formula_rows[0][1]
    compiled = formula_rows[1][1]
    reparse = formula_rows[3][1]
    lib, bare = imports
    lines = [
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()}, {os.cpu_count()} cores; Decimal precision {DECIMAL_CONTEXT.prec}.",
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
        "### (b) `import sakipcalc`, a whole process",
        "",
        "| command | median wall time |",
        "|---|---:|",
        f'| `python -c "import sakipcalc"` | {lib * 1e3:.0f} ms |',
        f"| `python -c pass` (the interpreter alone) | {bare * 1e3:.0f} ms |",
        "",
        f"The import itself: **{(lib - bare) * 1e3:.0f} ms** (target ≤ 120 ms).",
        "",
        "### (c) Loading a generated spec, each size in a fresh process",
        "",
        "| indicators | KiB per indicator | peak RSS | load | CSafeLoader | load ÷ CSafeLoader |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in loads:
        lines.append(
            f"| {row['size']:,} | {row['kib_per_indicator']:.1f} | {row['peak_mib']:.0f} MiB "
            f"| {row['load_s']:.2f} s | {row['csafeloader_s']:.2f} s | {row['ratio']:.2f}× |"
        )
    lines += [
        "",
        "Targets: at most 15 KiB per indicator; load at most 1.5× CSafeLoader.",
        "",
        f"### (d) Evaluating 4 periods of {evaluation['size']:,} indicators, in a fresh process",
        "",
        "| evaluator | median per indicator-period |",
        "|---|---:|",
        f"| `sakipcalc.evaluate` | {evaluation['engine_us']:.1f} µs |",
        f"| hand-written Decimal pipeline | {evaluation['hand_us']:.1f} µs |",
        "",
        f"Ratio: **{evaluation['ratio']:.1f}×** (target ≤ 3×; garbage collector "
        f"{evaluation['gc']}, as in any embedding program).",
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
    imports = bench_import(runs=5 if args.quick else 15)
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    loads = [
        _child_json("load_memory.py", "--sizes", str(size), "--repeat", "3", "--json")
        for size in sizes
    ]
    evaluation = _child_json(
        "evaluate_speed.py",
        "--size",
        str(sizes[0]),
        "--repeat",
        "3" if args.quick else "5",
        "--json",
    )
    text = render(formula_rows, imports, loads, evaluation)
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
