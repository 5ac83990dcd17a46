"""sakipcalc's arithmetic runs in its own Decimal contexts, whatever the caller's.

An embedding program may set any thread context (a low precision, a floor
rounding, every signal trapped, lower-case exponents). ``load``, ``evaluate``,
``check`` and every renderer must give the same bytes as in a clean thread:
the Tanah Laut spec is run under hostile contexts in 16 threads at once and
every output compared with a run under the default context.
"""

from __future__ import annotations

import dataclasses
import decimal
import io
import re
import threading
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TANAH_LAUT_SPEC

import sakipcalc
import sakipcalc.check
from sakipcalc import DataSet
from sakipcalc.render import (
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_table,
    render_xlsx,
)

PERIOD = "2022"

_ALL_SIGNALS = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.Inexact,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
    decimal.InvalidOperation,
    decimal.FloatOperation,
]

HOSTILE: list[Callable[[], decimal.Context]] = [
    lambda: decimal.Context(prec=5, rounding=decimal.ROUND_FLOOR),
    lambda: decimal.Context(prec=3, rounding=decimal.ROUND_UP, traps=[]),
    lambda: decimal.Context(traps=_ALL_SIGNALS),
    lambda: decimal.Context(prec=1, rounding=decimal.ROUND_CEILING, capitals=0, clamp=1),
    lambda: decimal.Context(prec=7, Emax=12, Emin=-12, rounding=decimal.ROUND_05UP),
    lambda: decimal.Context(prec=2, rounding=decimal.ROUND_HALF_DOWN, traps=_ALL_SIGNALS),
]


def _outputs() -> dict[str, bytes]:
    """Every output of the run, as bytes."""
    warnings = sakipcalc.validate(TANAH_LAUT_SPEC).format().encode()
    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    report = sakipcalc.evaluate(spec, period=PERIOD)
    result = sakipcalc.check.check(spec)
    workbook = io.BytesIO()
    render_xlsx(report, workbook)
    out = {
        "validate": warnings,
        "check-table": sakipcalc.check.render_check_table(result).encode(),
        "check-json": sakipcalc.check.render_check_json(result).encode(),
        "table": render_table(report).encode(),
        "table-id": render_table(report, locale="id").encode(),
        "markdown": render_markdown(report).encode(),
        "csv": render_csv(report).encode(),
        "csv-id": render_csv(report, locale="id").encode(),
        "json": render_json(report).encode(),
        "xlsx": workbook.getvalue(),
    }
    out["html"] = render_html(report).encode()
    return out


_WHEN = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    """A workbook's members: zip and document timestamps aside, the bytes must agree."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: _WHEN.sub(b"", archive.read(name)) for name in archive.namelist()}


def _comparable(outputs: dict[str, bytes]) -> dict[str, object]:
    return {k: (_xlsx_parts(v) if k == "xlsx" else v) for k, v in outputs.items()}


@pytest.fixture(scope="module")
def clean() -> dict[str, object]:
    with decimal.localcontext(decimal.Context()):
        return _comparable(_outputs())


@pytest.mark.parametrize("hostile", range(len(HOSTILE)))
def test_one_hostile_context(clean: dict[str, object], hostile: int) -> None:
    with decimal.localcontext(HOSTILE[hostile]()):
        got = _comparable(_outputs())
    assert got.keys() == clean.keys()
    for name in clean:
        assert got[name] == clean[name], name


def test_sixteen_threads_under_hostile_contexts(clean: dict[str, object]) -> None:
    results: dict[int, dict[str, object]] = {}
    failures: dict[int, BaseException] = {}
    start = threading.Barrier(16)

    def work(number: int) -> None:
        decimal.setcontext(HOSTILE[number % len(HOSTILE)]())
        start.wait()
        try:
            results[number] = _comparable(_outputs())
        except BaseException as exc:  # reported below, with the thread's number
            failures[number] = exc

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    for number in range(16):
        for name in clean:
            assert results[number][name] == clean[name], (number, name)


def test_the_callers_context_is_left_as_it_was() -> None:
    hostile = HOSTILE[0]()
    with decimal.localcontext(hostile) as ctx:
        spec = sakipcalc.load(TANAH_LAUT_SPEC)
        sakipcalc.evaluate(spec, period=PERIOD)
        assert decimal.getcontext() is ctx
        assert ctx.prec == 5 and ctx.rounding == decimal.ROUND_FLOOR
        assert not ctx.flags[decimal.Inexact]  # nothing of ours ran in it


# ---------------------------------------------------------------- exact sums of data

_BIG = "1" + "0" * 39  # 40 digits, the longest number data may hold
_TINY = "0." + "0" * 38 + "1"  # 40 digits after the point


def _sum_spec(write_spec: Callable[[dict[str, str]], object]) -> object:
    return write_spec(
        {
            "spec.yaml": (
                "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
                "breakdowns:\n  - {id: area, categories: [a, b, c]}\n"
                "variables:\n"
                "  - {id: x, name: X, unit: orang, breakdown: area, domain: count}\n"
                "indicators:\n"
                "  - id: total\n    name: Total\n    unit: orang\n    formula: sum(x)\n"
                '    targets: {"2022": 1}\n'
                "data:\n"
                f'  "2022":\n    x: {{a: {_BIG}, b: 1, c: {_BIG}}}\n'
            )
        }
    )


def test_a_sum_of_data_is_exact(write_spec: Callable[[dict[str, str]], object]) -> None:
    directory = _sum_spec(write_spec)
    spec = sakipcalc.load(directory)  # type: ignore[arg-type]
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)):
        report = sakipcalc.evaluate(spec, period=PERIOD)
    raw = report.indicator("total").realisation.raw
    # 2 × 10^39 + 1, by hand: 40 digits, no rounding at any precision
    assert raw == Decimal("2" + "0" * 38 + "1")


def test_a_sum_of_long_and_short_fractions_is_exact(
    write_spec: Callable[[dict[str, str]], object],
) -> None:
    directory = write_spec(
        {
            "spec.yaml": (
                "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
                "breakdowns:\n  - {id: area, categories: [a, b]}\n"
                "variables:\n  - {id: x, name: X, unit: orang, breakdown: area, domain: number}\n"
                "indicators:\n"
                "  - id: total\n    name: Total\n    unit: orang\n    formula: sum(x)\n"
                '    targets: {"2022": 1}\n'
                f'data:\n  "2022":\n    x: {{a: {_BIG}, b: {_TINY}}}\n'
            )
        }
    )
    spec = sakipcalc.load(directory)  # type: ignore[arg-type]
    raw = sakipcalc.evaluate(spec, period=PERIOD).indicator("total").realisation.raw
    # 10^39 + 10^-39 has 79 significant digits; 60-digit arithmetic would drop the tail
    assert raw == Decimal(_BIG + "." + "0" * 38 + "1")
    assert isinstance(spec.data, DataSet)


def test_property_testing_runs_in_its_own_context() -> None:
    from sakipcalc.testing import run_invariants

    spec = sakipcalc.load(TANAH_LAUT_SPEC)
    chosen = ("pmks_tertangani", "pmks_mandiri")
    with decimal.localcontext(decimal.Context()):
        clean = run_invariants(spec, max_examples=5, indicators=chosen).render()
    with decimal.localcontext(HOSTILE[5]()):  # prec 2, every signal trapped
        hostile = run_invariants(spec, max_examples=5, indicators=chosen).render()
    assert hostile == clean
    assert "0 failed" in clean


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_data_files_are_written_and_read_in_sakipcalcs_context(
    tmp_path: Path, extension: str
) -> None:
    full = sakipcalc.load(TANAH_LAUT_SPEC)
    bare = dataclasses.replace(full, data=DataSet())
    clean_path = tmp_path / f"clean.{extension}"
    sakipcalc.write_data(full.data, clean_path, locale="en")
    clean = sakipcalc.load_data(bare, clean_path, locale="en")
    for number, hostile in enumerate(HOSTILE):
        path = tmp_path / f"hostile{number}.{extension}"
        with decimal.localcontext(hostile()):
            sakipcalc.write_data(full.data, path, locale="en")
            got = sakipcalc.load_data(bare, path, locale="en")
        if extension == "csv":
            assert path.read_bytes() == clean_path.read_bytes()
        else:
            assert _xlsx_parts(path.read_bytes()) == _xlsx_parts(clean_path.read_bytes())
        assert got.values == clean.values


def test_exact_sum_is_sum_without_rounding() -> None:
    from sakipcalc._exact import InexactSum, exact_product, exact_sum

    values = [Decimal("1.50"), Decimal("2"), Decimal("-0.25")]
    assert str(exact_sum(values)) == "3.25"  # the Decimal sum() gives, exponent and all
    assert str(exact_sum([Decimal("1.50"), Decimal("1.50")])) == "3.00"
    assert exact_sum([]) == 0
    # 10^39 + 10^-39: 79 digits, by hand
    assert exact_sum([Decimal(_BIG), Decimal(_TINY)]) == Decimal(_BIG + "." + "0" * 38 + "1")
    assert exact_product(Decimal(_BIG), Decimal(_BIG)) == Decimal("1E+78")
    with pytest.raises(InexactSum, match="more than 1000 significant digits"):
        exact_sum([Decimal("1E+900"), Decimal("1E-900")])
    with pytest.raises(InexactSum):
        exact_product(Decimal("1" * 600), Decimal("1" * 600))
