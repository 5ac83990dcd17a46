"""The batch path: bad inputs, refusals, exact rounding, overflow, per-unit targets, explain."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import sakipcalc
from sakipcalc import DataSet

pytest.importorskip("duckdb")
import pyarrow as pa

from sakipcalc.batch import (
    BatchInputError,
    BatchOverflow,
    BatchRefused,
    evaluate_batch,
    explain,
)

SPEC: dict[str, Any] = {
    "sakipcalc": 1,
    "spec": {
        "id": "t",
        "name": "T",
        "plan": {"start": 2022, "end": 2022},
        "rounding": {"places": 2, "mode": "half_up"},
    },
    "breakdowns": [{"id": "jenis", "categories": ["a", "b"]}],
    "variables": [{"id": "served", "breakdown": "jenis"}, {"id": "x"}, {"id": "y"}],
    "indicators": [
        {
            "id": "ratio",
            "name": "R",
            "unit": "%",
            "formula": "sum(served) / y * 100",
            "targets": {"2022": 50},
        }
    ],
}


def _spec(tmp_path: Path, **changes: Any) -> sakipcalc.Spec:
    doc = {**SPEC, **changes}
    folder = tmp_path / "spec"
    folder.mkdir(exist_ok=True)
    (folder / "spec.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return sakipcalc.load(folder)


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD = "unit,name,category,period,value\nk1,served,a,2022,1\nk1,served,b,2022,2\nk1,y,,2022,7\n"


def test_one_row_per_unit_indicator_period_with_exact_types(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    table = evaluate_batch(spec, _csv(tmp_path, GOOD + "k2,y,,2022,0\n"))
    assert table.num_rows == 2
    for column in ("realisation", "achievement"):
        # the scale of the places the spec rounds to, so 42.86 prints as 42.86
        assert table.schema.field(column).type == pa.decimal128(38, 2)
    assert not any(pa.types.is_floating(f.type) for f in table.schema)
    k1, k2 = table.to_pylist()
    # 3 / 7 × 100 = 42.857… → 42.86; 42.86 / 50 × 100 = 85.72 (from the rounded value)
    assert k1["realisation"] == Decimal("42.86")
    assert k1["achievement"] == Decimal("85.72")
    assert k2["status"] == "missing_data"
    assert k2["missing"] == ["served in 2022"]


def test_zero_denominator_is_a_status(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    data = GOOD.replace("k1,y,,2022,7", "k1,y,,2022,0")
    (row,) = evaluate_batch(spec, _csv(tmp_path, data)).to_pylist()
    assert row["realisation_status"] == "not_computable"
    assert row["realisation_reason"] == "zero denominator: y is 0"
    assert row["reason"] == "realisation is not computable: zero denominator: y is 0"


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        # hand-computed: -1.005 has an exact half at the third decimal
        ("half_up", "-1.005", "-1.01"),
        ("half_even", "-1.005", "-1.00"),
        ("truncate", "-1.009", "-1.00"),
        ("half_up", "1.005", "1.01"),
        ("half_even", "1.015", "1.02"),
        ("truncate", "-0.001", "0.00"),
    ],
)
def test_rounding_of_negatives_is_symmetric(
    tmp_path: Path, mode: str, value: str, expected: str
) -> None:
    spec = _spec(
        tmp_path,
        spec={**SPEC["spec"], "rounding": {"places": 2, "mode": mode}, "locale": "en"},
        indicators=[{"id": "v", "name": "V", "unit": "x", "formula": "x", "targets": {"2022": 1}}],
    )
    data = f"unit,name,category,period,value\nk1,x,,2022,{value}\n"
    (row,) = evaluate_batch(spec, _csv(tmp_path, data)).to_pylist()
    assert row["realisation"] == Decimal(expected)


def test_division_mid_formula_is_exact(tmp_path: Path) -> None:
    # 1 / 3 * 3 is exactly 1. The Python engine divides in 60 significant digits
    # (0.333…3 × 3 = 0.999…9) and so truncates it to 0.99; the batch path keeps
    # the exact rational and prints 1.00.
    spec = _spec(
        tmp_path,
        spec={**SPEC["spec"], "rounding": {"places": 2, "mode": "truncate"}},
        indicators=[
            {"id": "v", "name": "V", "unit": "x", "formula": "x / y * y", "targets": {"2022": 1}}
        ],
    )
    data = "unit,name,category,period,value\nk1,x,,2022,1\nk1,y,,2022,3\n"
    (row,) = evaluate_batch(spec, _csv(tmp_path, data)).to_pylist()
    assert row["realisation"] == Decimal("1.00")
    assert (row["realisation_num"], row["realisation_den"]) == (1, 1)


def test_per_unit_targets_override_the_spec(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    data = _csv(tmp_path, GOOD + "k2,served,a,2022,1\nk2,served,b,2022,2\nk2,y,,2022,7\n")
    targets = _csv(tmp_path, "unit,indicator,period,target\nk2,ratio,2022,40\n", "t.csv")
    k1, k2 = evaluate_batch(spec, data, targets=targets).to_pylist()
    assert k1["achievement"] == Decimal("85.72")  # 42.86 / 50 (the spec's target)
    assert k2["achievement"] == Decimal("107.15")  # 42.86 / 40 = 1.0715


def test_refused_indicators_are_named_before_anything_runs(tmp_path: Path) -> None:
    # A grade target read from the raw realisation would quote an unbanded score at
    # 60 digits; the batch path refuses it by name (and anything that depends on a
    # refused indicator, see test_batch_differential.py).
    spec = _spec(
        tmp_path,
        scales=[
            {
                "id": "mutu",
                "kind": "grade",
                "bands": [{"label": "C", "range": "[0, 50]"}, {"label": "B", "range": "(50, 100]"}],
            }
        ],
        indicators=[
            *SPEC["indicators"],
            {
                "id": "graded",
                "name": "G",
                "unit": "x",
                "scale": "mutu",
                "rounding": {"achievement_from": "raw"},
                "targets": {"2022": "B"},
            },
        ],
    )
    with pytest.raises(BatchRefused) as caught:
        explain(spec)
    refused = {r.indicator: r.reason for r in caught.value.refusals}
    assert set(refused) == {"graded"}
    assert "achievement_from: raw" in refused["graded"]
    assert isinstance(caught.value, sakipcalc.SakipError)


def test_explain_is_sql_over_the_input_tables(tmp_path: Path) -> None:
    text = explain(_spec(tmp_path))
    assert "batch_data" in text and "gcd" in text.lower()
    assert "double" not in text.lower() and "float" not in text.lower()


def test_overflow_is_reported_never_wrapped(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        indicators=[
            {
                "id": "big",
                "name": "B",
                "unit": "x",
                "formula": "x ** 10 * y ** 10",
                "targets": {"2022": 1},
            }
        ],
    )
    data = "unit,name,category,period,value\nk1,x,,2022,99999.7\nk1,y,,2022,99999.3\n"
    with pytest.raises(BatchOverflow, match="128-bit"):
        evaluate_batch(spec, _csv(tmp_path, data))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("k1,served,z,2022,1\n", "line 5, column 'category': 'z' is not a category of 'served'"),
        ("k1,y,,2022,8\n", "lines 4, 5: duplicate key (k1, y, 2022)"),
        ("k1,x,,2022,abc\n", "line 5, column 'value': 'abc' is not a number"),
        ('k1,x,,2022,"1,234"\n', "line 5, column 'value': '1,234' is ambiguous: 1234 with"),
        ("k1,nope,,2022,1\n", "line 5, column 'name': 'nope' is not a variable or indicator"),
        ("k1,x,a,2022,1\n", "line 5, column 'category': 'x' has no breakdown"),
        ("k1,x,,22,1\n", "line 5, column 'period': '22' is not a year"),
    ],
)
def test_bad_data_names_file_line_and_column(tmp_path: Path, rows: str, message: str) -> None:
    path = _csv(tmp_path, GOOD + rows)
    with pytest.raises(BatchInputError) as caught:
        evaluate_batch(_spec(tmp_path), path)
    assert f"{path}: {message}" in str(caught.value)


def test_unit_with_no_data(tmp_path: Path) -> None:
    units = _csv(tmp_path, "unit\nk1\nk9\n", "units.csv")
    with pytest.raises(
        BatchInputError, match=r"units.csv: line 3, column 'unit': unit 'k9' has no data"
    ):
        evaluate_batch(_spec(tmp_path), _csv(tmp_path, GOOD), units=units)


def test_float_columns_are_refused(tmp_path: Path) -> None:
    table = pa.table(
        {
            "unit": ["k1"],
            "name": ["y"],
            "category": pa.array([None], pa.string()),
            "period": ["2022"],
            "value": pa.array([7.0], pa.float64()),
        }
    )
    with pytest.raises(BatchInputError, match="binary floating point"):
        evaluate_batch(_spec(tmp_path), table)


def test_parquet_decimal_input_matches_the_engine(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "unit": ["k1", "k1", "k1"],
            "name": ["served", "served", "y"],
            "category": ["a", "b", None],
            "period": ["2022"] * 3,
            "value": pa.array(
                [Decimal("10086"), Decimal("0"), Decimal("75695")], pa.decimal128(12, 0)
            ),
        }
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    spec = _spec(tmp_path)
    (row,) = evaluate_batch(spec, path).to_pylist()
    data = DataSet(
        values={"2022": {"served": {"a": Decimal(10086), "b": Decimal(0)}, "y": Decimal(75695)}}
    )
    result = sakipcalc.evaluate(spec, data, period="2022").indicator("ratio")
    assert row["realisation"] == result.realisation.rounded == Decimal("13.32")
    assert row["achievement"] == result.achievement.rounded


def test_bundled_multi_unit_example_agrees_with_the_engine() -> None:
    import csv

    folder = Path(__file__).parent.parent / "examples" / "multi-unit"
    spec = sakipcalc.load(
        folder / "spec", allow_roots=[folder.parent.parent / "specs" / "tanah-laut-dinsos-2022"]
    )
    data_path = folder / "data-made-up.csv"
    table = evaluate_batch(spec, data_path)  # the spec's targets only
    rows = {(r["unit"], r["indicator"]): r for r in table.to_pylist()}
    with open(data_path, newline="") as handle:
        records = list(csv.DictReader(handle))
    units = sorted({r["unit"] for r in records})
    assert len(rows) == len(units) * len(spec.indicators)
    for unit in units:
        values: dict[str, Any] = {}
        for r in records:
            if r["unit"] == unit:
                if r["category"]:
                    values.setdefault(r["name"], {})[r["category"]] = Decimal(r["value"])
                else:
                    values[r["name"]] = Decimal(r["value"])
        report = sakipcalc.evaluate(spec, DataSet(values={"2022": values}), period="2022")
        for result in report.indicators:
            got = rows[(unit, result.indicator)]
            assert got["status"] == result.achievement.status.value
            assert got["reason"] == result.achievement.reason
            assert got["realisation"] == result.realisation.rounded
            assert got["achievement"] == result.achievement.rounded
            assert got["category"] == (result.category.label if result.category else None)


def test_the_plan_parses_and_transpiles_with_sqlglot(tmp_path: Path) -> None:
    from sakipcalc.batch import build_plan

    plan = build_plan(_spec(tmp_path))
    assert "SELECT" in plan.sql("spark")
    assert plan.tree.sql("duckdb")


def _cli(*argv: str) -> tuple[int, str, str]:
    import argparse
    import io

    from sakipcalc.batch import cli

    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers(dest="command"))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(parser.parse_args(["batch", *argv]), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_cli_writes_parquet_and_explains(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    spec_dir = str(_spec(tmp_path).files[0]).rsplit("/", 1)[0]
    out = tmp_path / "out.parquet"
    code, _, err = _cli(spec_dir, "--data", str(_csv(tmp_path, GOOD)), "-o", str(out))
    assert code == 0, err
    assert pq.read_table(out).column("realisation").to_pylist() == [Decimal("42.86")]
    code, text, _ = _cli(spec_dir, "--explain")
    assert code == 0 and "batch_data" in text


def test_cli_bad_input_writes_nothing(tmp_path: Path) -> None:
    spec_dir = str(_spec(tmp_path).files[0]).rsplit("/", 1)[0]
    out = tmp_path / "out.csv"
    data = _csv(tmp_path, GOOD + "k1,x,,2022,abc\n")
    code, _, err = _cli(spec_dir, "--data", str(data), "-o", str(out))
    assert code == 1 and "'abc' is not a number" in err
    assert not out.exists()


def test_the_batch_command_writes_the_bundled_example(tmp_path: Path) -> None:
    from conftest import run_cli

    root = Path(__file__).parent.parent
    example = root / "examples" / "multi-unit"
    out = tmp_path / "kabupaten.csv"
    result = run_cli(
        "batch",
        str(example / "spec"),
        "--allow-root",
        str(root / "specs" / "tanah-laut-dinsos-2022"),
        "--data",
        str(example / "data-made-up.csv"),
        "--targets",
        str(example / "targets-made-up.csv"),
        "-o",
        str(out),
    )
    assert result.code == 0, result.err
    lines = out.read_text(encoding="utf-8").splitlines()
    # five kabupaten × five indicators, one period, plus the header
    assert len(lines) == 1 + 5 * 5
    # without --allow-root the import of the Tanah Laut breakdowns is refused, unread
    refused = run_cli("batch", str(example / "spec"), "--explain")
    assert refused.code == 1 and "outside-spec" in refused.err
