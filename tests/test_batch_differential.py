"""The DuckDB batch path against the Python engine, unit by unit, figure for figure.

Generated specs vary the formula forms (sums over all categories, subsets and
named categories, + - * /, min, max, abs, powers, indicator references),
polarities and their rules, ranges, rounding modes and places,
achievement_from, zero targets with and without a policy, caps, the
``negative`` rules, grade scales (the realisation's grade) and grade targets
(achievement on band positions), and the category scale; generated data has
several units with zero and missing inputs. Rounded figures are compared as
numbers and as the text the engine prints. Divisions sit at the top of a formula: the Python engine divides in
60 significant digits, the batch path exactly, and only there do the two
agree by construction (see test_batch.py for a division mid-formula).
"""

from __future__ import annotations

import tempfile
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc import DataSet

pytest.importorskip("duckdb")
from sakipcalc.batch import evaluate_batch

CATS = ("a", "b", "c")
PERIODS = ("2022", "2023")

BASE_FORMULAS = [
    "sum(served)",
    "sum(served, ab) + x",
    "x * y",
    "min(x, y)",
    "max(sum(pop), x) - y",
    "abs(x - y)",
    "x ** 2",
    "-x + 3",
    "sum(served, a, c) - 2.5",
    None,  # given directly in the data
]
NUMERATORS = ["sum(served)", "sum(served, a, c)", "base", "x", "min(x, base)", "sum(pop, ab) ** 2"]
DENOMINATORS = ["sum(pop)", "y", "sum(pop, ab) - x", "base", "abs(y) + 1"]

SPEC_HEAD: dict[str, Any] = {
    "sakipcalc": 1,
    "scales": [
        {
            "id": "cat",
            "kind": "category",
            "bands": [
                {"label": "rendah", "range": "(-inf, 50]"},
                {"label": "sedang", "range": "(50, 90)"},
                {"label": "tinggi", "range": "[90, inf)"},
            ],
        },
        {
            # Scores outside [0, 100] fall in no band.
            "id": "mutu",
            "kind": "grade",
            "bands": [
                {"label": "D", "range": "[0, 30]"},
                {"label": "C", "range": "(30, 60]"},
                {"label": "B", "range": "(60, 100]"},
            ],
        },
    ],
    "breakdowns": [{"id": "jenis", "categories": list(CATS), "subsets": {"ab": ["a", "b"]}}],
    "variables": [
        {"id": "served", "breakdown": "jenis"},
        {"id": "pop", "breakdown": "jenis"},
        {"id": "x"},
        {"id": "y"},
    ],
}

decimals = st.decimals(min_value=-20, max_value=200, places=2, allow_nan=False).map(
    lambda d: d.normalize() if d == d.to_integral() else d
)
small = st.one_of(st.just(Decimal(0)), decimals)


@st.composite
def targets(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["num", "num", "zero", "neg", "range", "none"]))
    if kind == "num":
        return str(draw(st.decimals(min_value=1, max_value=150, places=1)))
    if kind == "zero":
        return 0
    if kind == "neg":
        return -5
    if kind == "range":
        low = draw(st.integers(0, 60))
        return {"min": low, "max": low + draw(st.integers(0, 30))}
    return None


@st.composite
def indicator(
    draw: st.DrawFn, ind_id: str, formula: str | None, grades: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ind_id, "name": ind_id, "unit": "x"}
    if formula is not None:
        out["formula"] = formula
    out["polarity"] = draw(st.sampled_from(["higher_is_better", "lower_is_better", "exact"]))
    out["lower_rule"] = draw(st.sampled_from(["official", "inverse"]))
    out["exact_rule"] = draw(st.sampled_from(["deviation", "binary"]))
    # A grade scale belongs to an indicator given in the data (a formula gives a number).
    graded = grades and draw(st.booleans())
    target = draw(st.sampled_from(["D", "C", "B"])) if graded else draw(targets())
    out["rounding"] = {
        "places": draw(st.integers(0, 3)),
        "mode": draw(st.sampled_from(["half_up", "half_even", "truncate"])),
        # A grade target reads the rounded figure (the raw one is refused, see test_batch.py).
        "achievement_from": "rounded" if graded else draw(st.sampled_from(["rounded", "raw"])),
    }
    if grades:
        out["scale"] = "mutu"
    out["negative"] = draw(st.sampled_from(["floor", "allow", "not_computable"]))
    if target is not None:
        out["targets"] = {"2022": target}
    if draw(st.booleans()):
        out["zero_target"] = {"met": 100, "missed": draw(st.sampled_from([0, "12.5"]))}
    if draw(st.integers(0, 3)) == 0:
        out["cap"] = draw(st.sampled_from([100, 120, "99.99"]))
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    base_formula = draw(st.sampled_from(BASE_FORMULAS))
    top = f"{draw(st.sampled_from(NUMERATORS))} / ({draw(st.sampled_from(DENOMINATORS))}) * 100"
    spec = dict(SPEC_HEAD)
    spec["spec"] = {
        "id": "gen",
        "name": "gen",
        "plan": {"start": 2022, "end": 2023},
        "category_scale": "cat",
    }
    spec["indicators"] = [
        draw(indicator("base", base_formula)),
        draw(indicator("top", top)),
        draw(indicator("nilai", None, grades=True)),
    ]
    rows: list[dict[str, Any]] = []
    for unit in [f"u{i}" for i in range(draw(st.integers(1, 3)))]:
        for period in PERIODS:
            for name in ("served", "pop"):
                if draw(st.integers(0, 9)) == 0:
                    continue  # the whole variable absent
                for cat in CATS:
                    choice = draw(st.integers(0, 9))
                    if choice == 0:
                        continue  # one category absent
                    value = None if choice == 1 else draw(small)
                    rows.append(_row(unit, name, cat, period, value))
            for name in ("x", "y", "base", "nilai"):
                choice = draw(st.integers(0, 9))
                if name == "base" and choice > 3:
                    continue
                if choice == 0:
                    continue
                rows.append(_row(unit, name, None, period, None if choice == 1 else draw(small)))
        if not any(r["unit"] == unit for r in rows):
            rows.append(_row(unit, "x", None, "2022", Decimal(1)))
    return spec, rows


def _row(
    unit: str, name: str, cat: str | None, period: str, value: Decimal | None
) -> dict[str, Any]:
    return {
        "unit": unit,
        "name": name,
        "category": cat,
        "period": period,
        "value": None if value is None else format(value, "f"),
    }


def _dataset(rows: list[dict[str, Any]], unit: str) -> DataSet:
    values: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["unit"] != unit:
            continue
        value = None if row["value"] is None else Decimal(row["value"])
        names = values.setdefault(row["period"], {})
        if row["category"] is None:
            names[row["name"]] = value
        else:
            names.setdefault(row["name"], {})[row["category"]] = value
    return DataSet(values=values)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _printed(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def check_case(spec_doc: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "spec.yaml").write_text(yaml.safe_dump(spec_doc, sort_keys=False))
        spec = sakipcalc.load(tmp)
    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [(c, pa.string()) for c in ("unit", "name", "category", "period", "value")]
        ),
    )
    out = {
        (r["unit"], r["indicator"], r["period"]): r for r in evaluate_batch(spec, table).to_pylist()
    }
    units = sorted({r["unit"] for r in rows})
    periods = sorted({r["period"] for r in rows})
    assert len(out) == len(units) * len(periods) * len(spec.indicators)
    for unit in units:
        data = _dataset(rows, unit)
        for period in periods:
            report = sakipcalc.evaluate(spec, data, period=period)
            for result in report.indicators:
                got = out[(unit, result.indicator, period)]
                where = f"{unit} {result.indicator} {period}: {got}"
                real, ach = result.realisation, result.achievement
                category = result.category.label if result.category else None
                expected = {
                    "realisation_status": real.status.value,
                    "realisation_reason": real.reason,
                    "realisation_missing": [str(m) for m in real.missing],
                    "realisation": _rounded(real.rounded),
                    "realisation_text": _printed(real.rounded),
                    "grade": real.grade,
                    "status": ach.status.value,
                    "reason": ach.reason,
                    "achievement": _rounded(ach.rounded),
                    "achievement_text": _printed(ach.rounded),
                    "category": category,
                }
                for key, value in expected.items():
                    mine = got[key]
                    if key in ("realisation", "achievement"):
                        mine = _rounded(mine)
                    assert mine == value, f"{key}: batch {mine!r}, engine {value!r}; {where}"
                if real.raw is not None:
                    with localcontext(prec=90):
                        exact = got["realisation_num"] / got["realisation_den"]
                    assert abs(exact - real.raw) <= Decimal("1e-40") * max(1, abs(real.raw)), (
                        f"raw: batch {exact}, engine {real.raw}; {where}"
                    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_batch_agrees_with_python_engine(case: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    check_case(*case)
