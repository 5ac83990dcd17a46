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
from sakipcalc.batch import BatchRefused, evaluate_batch

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
    # A reported quarter brings its year in (the batch path reports derived years).
    periods = sorted({r["period"] for r in rows} | {r["period"][:4] for r in rows})
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


QUARTERS = ("2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4")
RULES = ["sum", "mean", "max", "last"]


@st.composite
def quarterly_cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Variables and indicators whose year derives from quarters, and data with gaps."""
    spec = dict(SPEC_HEAD)
    spec["variables"] = [
        *SPEC_HEAD["variables"],
        {"id": "qv", "quarters": draw(st.sampled_from(RULES))},
        {"id": "qb", "breakdown": "jenis", "quarters": draw(st.sampled_from(RULES))},
    ]
    spec["spec"] = {
        "id": "gen",
        "name": "gen",
        "plan": {"start": 2022, "end": 2022},
        "category_scale": "cat",
    }
    tri = draw(indicator("tri", draw(st.sampled_from(["sum(served) + x", "x * 2", "qv"]))))
    tri["quarters"] = draw(st.sampled_from(RULES))
    given = draw(indicator("given", None))
    given["quarters"] = draw(st.sampled_from(RULES))
    ann = draw(indicator("ann", "(qv + 1) / (sum(qb, ab) + 1) * 100"))
    after = draw(indicator("after", "tri - given + qv"))
    spec["indicators"] = [tri, given, ann, after]
    rows: list[dict[str, Any]] = []
    for unit in [f"u{i}" for i in range(draw(st.integers(1, 2)))]:
        periods = [p for p in ("2022", *QUARTERS) if draw(st.integers(0, 4)) > 0]
        for period in periods:
            for name in ("served", "qb"):
                if draw(st.integers(0, 5)) == 0:
                    continue
                for cat in CATS:
                    choice = draw(st.integers(0, 9))
                    if choice > 0:
                        value = None if choice == 1 else draw(small)
                        rows.append(_row(unit, name, cat, period, value))
            for name in ("x", "qv", "given", "tri"):
                choice = draw(st.integers(0, 9))
                if choice < 2 or (name in ("given", "tri") and choice < 6):
                    continue
                value = None if choice == 2 else draw(small)
                rows.append(_row(unit, name, None, period, value))
        if not any(r["unit"] == unit for r in rows):
            rows.append(_row(unit, "x", None, "2022-Q1", Decimal(1)))
    return spec, rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(quarterly_cases())
def test_quarterly_derivation_agrees_with_python_engine(
    case: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    check_case(*case)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases())
def test_batch_agrees_with_python_engine(case: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    check_case(*case)


# ------------------------------------------------------------ hand-computed cases


def _load(doc: dict[str, Any]) -> sakipcalc.Spec:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "spec.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        return sakipcalc.load(tmp)


def _table(rows: list[tuple[str, str, str | None, str, str | None]]) -> Any:
    columns = ("unit", "name", "category", "period", "value")
    return pa.Table.from_pylist(
        [dict(zip(columns, row, strict=True)) for row in rows],
        schema=pa.schema([(c, pa.string()) for c in columns]),
    )


HEAD: dict[str, Any] = {
    "sakipcalc": 1,
    "spec": {
        "id": "t",
        "name": "T",
        "plan": {"start": 2022, "end": 2022},
        "rounding": {"places": 2, "mode": "half_up"},
    },
}


def test_a_year_from_its_quarters() -> None:
    spec = _load(
        {
            **HEAD,
            "variables": [{"id": "q", "quarters": "mean"}, {"id": "x"}],
            "indicators": [
                {"id": "a", "name": "A", "unit": "x", "formula": "q", "targets": {"2022": 10}},
                {"id": "b", "name": "B", "unit": "x", "formula": "x", "quarters": "max"},
                {"id": "c", "name": "C", "unit": "x", "formula": "a + b"},
            ],
        }
    )
    quarters = [("k1", "q", None, f"2022-Q{q}", v) for q, v in ((1, "1"), (2, "2"), (3, "3"))]
    quarters += [("k1", "x", None, f"2022-Q{q}", v) for q, v in ((1, "7"), (2, "9.5"), (3, "2"))]
    out = {
        (r["indicator"], r["period"]): r
        for r in evaluate_batch(
            spec,
            _table(
                [*quarters, ("k1", "q", None, "2022-Q4", "5"), ("k1", "x", None, "2022-Q4", "9.5")]
            ),
        ).to_pylist()
    }
    # (1 + 2 + 3 + 5) / 4 = 2.75; the largest of 7, 9.5, 2, 9.5 is 9.5; a + b = 12.25
    assert out[("a", "2022")]["realisation_text"] == "2.75"
    assert out[("a", "2022")]["achievement_text"] == "27.50"  # 2.75 / 10 × 100
    assert out[("b", "2022")]["realisation_text"] == "9.50"
    assert out[("c", "2022")]["realisation_text"] == "12.25"
    missing = {
        (r["indicator"], r["period"]): r for r in evaluate_batch(spec, _table(quarters)).to_pylist()
    }
    assert missing[("a", "2022")]["realisation_reason"] == "missing data: q in 2022-Q4"
    assert missing[("b", "2022")]["realisation_reason"] == (
        "missing data: x in 2022-Q4 (annual value from quarters by max)"
    )


def test_more_than_62_categories_and_the_refusal_beyond_126() -> None:
    cats = [f"k{i}" for i in range(70)]
    doc = {
        **HEAD,
        "breakdowns": [{"id": "many", "categories": cats}],
        "variables": [{"id": "v", "breakdown": "many"}],
        "indicators": [
            {"id": "total", "name": "T", "unit": "x", "formula": "sum(v)", "targets": {"2022": 1}}
        ],
    }
    rows = [("u", "v", c, "2022", "1.5") for c in cats[:-1]]
    (row,) = evaluate_batch(_load(doc), _table(rows)).to_pylist()
    assert row["realisation_reason"] == "missing data: v[k69] in 2022"
    (row,) = evaluate_batch(_load(doc), _table([*rows, ("u", "v", "k69", "2022", "1")])).to_pylist()
    assert row["realisation_text"] == "104.50"  # 69 × 1.5 + 1
    doc["breakdowns"] = [{"id": "many", "categories": [f"k{i}" for i in range(127)]}]
    doc["indicators"].append({"id": "after", "name": "A", "unit": "x", "formula": "total * 2"})
    with pytest.raises(BatchRefused) as caught:
        evaluate_batch(_load(doc), _table(rows))
    refused = {r.indicator: r.reason for r in caught.value.refusals}
    assert "more than 126 categories" in refused["total"]
    assert refused["after"] == "it depends on 'total', which is refused"


def test_write_batch_streams_the_same_rows_to_parquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    from sakipcalc.batch import write_batch

    spec = _load(
        {
            **HEAD,
            "variables": [{"id": "x"}, {"id": "y"}],
            "indicators": [
                {
                    "id": "r",
                    "name": "R",
                    "unit": "%",
                    "formula": "x / y * 100",
                    "targets": {"2022": 50},
                }
            ],
        }
    )
    rows = [(u, n, None, "2022", v) for u in ("a", "b", "c") for n, v in (("x", "1"), ("y", "3"))]
    out = tmp_path / "out.parquet"
    written = write_batch(spec, _table(rows), out, memory_limit="100MB", temp_directory=tmp_path)
    assert written == 3
    streamed = sorted(pq.read_table(out).to_pylist(), key=lambda r: r["unit"])
    assert streamed == evaluate_batch(spec, _table(rows)).to_pylist()
    assert {r["realisation_text"] for r in streamed} == {"33.33"}  # 1 / 3 × 100, half-up
