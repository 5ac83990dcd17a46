"""The batch path's inputs and outputs: units and their hierarchy, roll-ups, locale,
targets files, XLSX/CSV/Parquet output, traces and the progress bar.

Roll-ups per unit are held to ``sakipcalc.evaluate`` on that unit (an
independent oracle); the hierarchy's means and counts are computed by hand.
"""

from __future__ import annotations

import io
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc import DataSet
from sakipcalc.i18n import AmbiguousNumber, parse_number

pytest.importorskip("duckdb")
import duckdb

from sakipcalc.batch import BatchInputError, evaluate_batch, evaluate_units, trace
from sakipcalc.batch.numbers import normalise_numbers

SPEC: dict[str, Any] = {
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
        }
    ],
    "spec": {
        "id": "t",
        "name": "T",
        "plan": {"start": 2022, "end": 2022},
        "rounding": {"places": 2, "mode": "half_up"},
        "category_scale": "cat",
    },
    "org_units": [{"id": "bidang", "name": "Bidang", "level": "III"}],
    "breakdowns": [{"id": "jenis", "categories": ["a", "b"]}],
    "variables": [{"id": "served", "breakdown": "jenis"}, {"id": "x"}, {"id": "y"}],
    "indicators": [
        {
            "id": "ia",
            "name": "A",
            "unit": "x",
            "formula": "x",
            "targets": {"2022": 50},
            "weight": 2,
            "owner": "bidang",
            "tags": ["IKU"],
        },
        {
            "id": "ib",
            "name": "B",
            "unit": "x",
            "formula": "y",
            "targets": {"2022": 40},
            "weight": "1.5",
            "owner": "bidang",
            "rounding": {"places": 1, "mode": "truncate", "achievement_from": "raw"},
        },
        {
            "id": "ic",
            "name": "C",
            "unit": "%",
            "formula": "sum(served) / y * 100",
            "targets": {"2022": 80},
            "tags": ["IKU"],
        },
        {
            "id": "idl",
            "name": "D",
            "unit": "x",
            "formula": "x",
            "polarity": "lower_is_better",
            "targets": {"2022": 30},
        },
    ],
    "goals": [{"id": "g1", "name": "G1"}, {"id": "g2", "name": "G2", "indicators": ["ic"]}],
    "objectives": [
        {"id": "o_mean", "name": "M", "goal": "g1", "indicators": ["ia", "ib"]},
        {
            "id": "o_weighted",
            "name": "W",
            "indicators": ["ia", "ib", "ic"],
            "rollup": "weighted_mean",
        },
        {"id": "o_wab", "name": "W2", "indicators": ["ia", "ib"], "rollup": "weighted_mean"},
        {"id": "o_ratio", "name": "R", "indicators": ["ia", "ib"], "rollup": "ratio_of_sums"},
        {"id": "o_ratio_d", "name": "R2", "indicators": ["ia", "idl"], "rollup": "ratio_of_sums"},
        {
            "id": "o_min",
            "name": "Min",
            "goal": "g1",
            "indicators": ["ia", "idl", "ic"],
            "rollup": "min",
        },
    ],
}

HEADER = "unit,name,category,period,value\n"


def _unit_rows(unit: str, x: str, y: str, a: str | None, b: str | None) -> str:
    rows = f"{unit},x,,2022,{x}\n{unit},y,,2022,{y}\n"
    if a is not None:
        rows += f"{unit},served,a,2022,{a}\n"
    if b is not None:
        rows += f"{unit},served,b,2022,{b}\n"
    return rows


DATA = (
    HEADER
    + _unit_rows("k1", "45.5", "33", "10", "12")  # all computable
    + _unit_rows("k2", "60", "0", "1", "2")  # ic: zero denominator
    + _unit_rows("k3", "20.25", "41", "5", None)  # ic: missing served[b]
    + _unit_rows("k4", "90", "12.34", "3", "4")
)
UNITS = (
    "unit,name,parent,level\n"
    "nas,Nasional,,nasional\n"
    "p1,Provinsi Satu,nas,provinsi\n"
    "p2,Provinsi Dua,nas,provinsi\n"
    "k1,Kab 1,p1,kabupaten\n"
    "k2,Kab 2,p1,kabupaten\n"
    "k3,Kab 3,p1,kabupaten\n"
    "k4,Kab 4,p2,kabupaten\n"
)
TARGETS = "unit,indicator,period,target\nk4,ia,2022,100\nk4,ib,2022,12.5\n"


def _spec(tmp_path: Path, **changes: Any) -> sakipcalc.Spec:
    folder = tmp_path / "spec"
    folder.mkdir(exist_ok=True)
    (folder / "spec.yaml").write_text(yaml.safe_dump({**SPEC, **changes}, sort_keys=False))
    return sakipcalc.load(folder)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _dataset(text: str, unit: str) -> DataSet:
    values: dict[str, Any] = {}
    for line in text.splitlines()[1:]:
        u, name, cat, _, value = line.split(",")
        if u == unit:
            if cat:
                values.setdefault(name, {})[cat] = Decimal(value)
            else:
                values[name] = Decimal(value)
    return DataSet(values={"2022": values})


# ------------------------------------------------------------ roll-ups per unit


def test_spec_rollups_equal_evaluate_on_each_unit(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    out = evaluate_units(spec, _file(tmp_path, "d.csv", DATA), locale="en")
    got = {(r["unit"], r["kind"], r["id"]): r for r in out.rollups.to_pylist()}
    kinds = {r["kind"] for r in out.rollups.to_pylist()}
    assert kinds == {"objective", "goal", "org_unit", "agency"}
    for unit in ("k1", "k2", "k3", "k4"):
        report = sakipcalc.evaluate(spec, _dataset(DATA, unit), period="2022")
        assert len(report.rollups) == sum(1 for k in got if k[0] == unit)
        for rollup in report.rollups:
            row = got[(unit, rollup.kind.value, rollup.id)]
            where = f"{unit} {rollup.id}: {row}"
            figure = rollup.achievement
            assert row["status"] == figure.status.value, where
            assert row["reason"] == figure.reason, where
            assert row["members"] == list(rollup.members), where
            assert row["excluded"] == list(rollup.excluded), where
            assert row["rule"] == rollup.rule.value
            if figure.rounded is None:
                assert row["achievement"] is None, where
            else:
                assert row["achievement"] == figure.rounded, where
                assert figure.raw is not None
                with localcontext(prec=90):  # the engine divides to 60 digits, the batch exactly
                    exact = row["achievement_num"] / row["achievement_den"]
                assert abs(exact - figure.raw) <= Decimal("1e-50") * max(1, abs(figure.raw)), where
            category = rollup.category.label if rollup.category else None
            assert row["category"] == category, where


def test_a_rollup_by_hand(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    out = evaluate_units(spec, _file(tmp_path, "d.csv", DATA), locale="en")
    rows = {(r["unit"], r["id"]): r for r in out.rollups.to_pylist()}
    # k1: ia = 45.5 / 50 = 91.00; ib = 33 / 40 = 82.5 (one place, truncated) → mean 86.75
    assert rows[("k1", "o_mean")]["achievement"] == Decimal("86.75")
    assert rows[("k1", "o_mean")]["category"] == "sedang"
    # weighted: (2 × 91 + 1.5 × 82.5) / 3.5 = 305.75 / 3.5 = 87.357… → 87.36
    assert rows[("k1", "o_wab")]["achievement"] == Decimal("87.36")
    # ratio of sums: (45.5 + 33) / (50 + 40) × 100 = 87.222… → 87.22
    assert rows[("k1", "o_ratio")]["achievement"] == Decimal("87.22")
    # ic has no weight, and is computable for k1
    assert rows[("k1", "o_weighted")]["reason"] == "indicator 'ic' declares no weight"
    # lower-is-better is not additive for a ratio of sums
    assert "'idl' is not one" in rows[("k1", "o_ratio_d")]["reason"]
    # k2: ic not computable (y = 0) is left out of the min
    assert rows[("k2", "o_min")]["excluded"] == ["ic"]


def test_unit_targets_reach_the_ratio_of_sums(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    data = _file(tmp_path, "d.csv", DATA)
    out = evaluate_units(spec, data, targets=_file(tmp_path, "t.csv", TARGETS), locale="en")
    rows = {(r["unit"], r["id"]): r for r in out.rollups.to_pylist()}
    # k4: ia from its rounded realisation 90.00, ib from its raw one (achievement_from: raw):
    # (90 + 12.34) / (100 + 12.5) × 100 = 90.96888… → 90.97
    assert rows[("k4", "o_ratio")]["achievement"] == Decimal("90.97")


# ------------------------------------------------------------ the hierarchy


def test_hierarchy_rollups_by_hand(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    out = evaluate_units(
        spec, _file(tmp_path, "d.csv", DATA), units=_file(tmp_path, "u.csv", UNITS), locale="en"
    )
    rows = {(r["unit"], r["kind"], r["id"]): r for r in out.hierarchy.to_pylist()}
    assert {u for u, _, _ in rows} == {"nas", "p1", "p2"}  # parents only, in file order
    assert out.hierarchy.column("unit").to_pylist()[0] == "nas"
    # ia: k1 45.5/50 = 91.00, k2 60/50 = 120.00, k3 20.25/50 = 40.50 → p1 mean 83.833… → 83.83
    p1 = rows[("p1", "indicator", "ia")]
    assert (p1["units"], p1["ok"]) == (3, 3)
    assert p1["achievement"] == Decimal("83.83")
    assert p1["achievement_num"] / p1["achievement_den"] == Decimal("251.5") / 3
    assert (p1["min_achievement"], p1["max_achievement"]) == (Decimal("40.5"), Decimal("120"))
    assert p1["categories"] == [
        {"category": "rendah", "units": 1},
        {"category": "tinggi", "units": 2},
    ]
    assert p1["category"] == "sedang" and p1["level"] == "provinsi"
    # ic under p1: k1 ok, k2 not computable, k3 missing data
    ic = rows[("p1", "indicator", "ic")]
    assert (ic["units"], ic["ok"], ic["not_computable"], ic["missing_data"]) == (3, 1, 1, 1)
    # the nation counts kabupaten at any depth: ia of k4 = 90/50 = 180.00
    nas = rows[("nas", "indicator", "ia")]
    assert nas["units"] == 4
    assert nas["achievement"] == Decimal("107.88")  # (91 + 120 + 40.5 + 180) / 4 = 107.875
    # ib rounds as the indicator does: one place, truncated
    # k1 82.5, k2 0/40 = 0.0, k3 102.5, k4 30.85 → 30.8; (82.5 + 0 + 102.5 + 30.8) / 4 = 53.95
    assert rows[("nas", "indicator", "ib")]["achievement"] == Decimal("53.9")
    assert ("p1", "agency", "t") in rows


def test_no_units_file_no_hierarchy(tmp_path: Path) -> None:
    out = evaluate_units(_spec(tmp_path), _file(tmp_path, "d.csv", DATA), locale="en")
    assert out.hierarchy.num_rows == 0
    assert out.results.num_rows == 16


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("unit,parent\nk1,\nk2,\nk3,\nk4,\nk4,\n",
         "u.csv: line 6, column 'unit': duplicate unit 'k4' (first on line 5)"),
        ("unit,parent\nk1,p9\nk2,\nk3,\nk4,\n",
         "u.csv: line 2, column 'parent': unknown parent 'p9' of 'k1'"),
        ("unit,parent\nk1,\nk2,\nk3,\nk4,\np1,p2\np2,p1\n",
         "u.csv: line 6, column 'parent': the parents go round in a circle (p1 → p2 → p1)"),
        ("unit,parent\nk1,k1\nk2,\nk3,\nk4,\n",
         "u.csv: line 2, column 'parent': the parents go round in a circle (k1 → k1)"),
        ("unit,parent\nk1,\nk2,\nk3,\n",
         "d.csv: line 13, column 'unit': unit 'k4' is not in the units file"),
        ("unit,parent\nk1,\nk2,\nk3,\nk4,\nk9,\n",
         "u.csv: line 6, column 'unit': unit 'k9' has no data"),
        ("unit,parent\nk1,\n,\nk2,\nk3,\nk4,\n", "u.csv: line 3, column 'unit': empty"),
        ("name\nk1\n", "u.csv: no column unit"),
    ],
)  # fmt: skip
def test_bad_units_files(tmp_path: Path, units: str, message: str) -> None:
    with pytest.raises(BatchInputError) as caught:
        evaluate_units(
            _spec(tmp_path),
            _file(tmp_path, "d.csv", DATA),
            units=_file(tmp_path, "u.csv", units),
            locale="en",
        )
    assert message in str(caught.value).replace(str(tmp_path) + "/", "")


# ------------------------------------------------------------ input errors


@pytest.mark.parametrize(
    ("extra", "locale", "message"),
    [
        ("k1,served,z,2022,1\n", "en", "line 6, column 'category': 'z' is not a category"),
        ("k1,x,,2022,1\n", "en", "lines 2, 6: duplicate key (k1, x, 2022)"),
        ("k1,served,a,2022,\n", "en", "lines 4, 6: duplicate key (k1, served[a], 2022)"),
        ("k5,x,,2022,abc\n", "en", "line 6, column 'value': 'abc' is not a number"),
        ("k5,x,,2022,1.234\n", None, "line 6, column 'value': '1.234' is ambiguous"),
        ("k5,x,,2022,1.5\n", "id", "line 6, column 'value': '1.5' is not a number in locale 'id'"),
        ("k5,x,,2022,10 5\n", "en", "line 6, column 'value': '10 5' holds two numbers"),
    ],
)  # fmt: skip
def test_bad_data_names_file_line_and_column(
    tmp_path: Path, extra: str, locale: str | None, message: str
) -> None:
    data = HEADER + _unit_rows("k1", "1", "2", "3", "4") + extra
    with pytest.raises(BatchInputError) as caught:
        evaluate_units(_spec(tmp_path), _file(tmp_path, "d.csv", data), locale=locale)  # type: ignore[arg-type]
    assert f"d.csv: {message}" in str(caught.value)


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ("unit,indicator,period,target\nk1,nope,2022,1\n",
         "t.csv: line 2, column 'indicator': 'nope' is not an indicator"),
        ("unit,indicator,period,target\nk1,ia,2022,\n", "t.csv: line 2, column 'target': empty"),
        ("unit,indicator,period,target\nk1,ia,2022,lima\n",
         "t.csv: line 2, column 'target': 'lima' is not a number"),
        ("unit,indicator,period,target\nk1,ia,2022,\"1,000\"\n",
         "t.csv: line 2, column 'target': '1,000' is ambiguous"),
        ("unit,indicator,period,target\nk1,ia,2022,1\nk1,ia,2022,2\n",
         "t.csv: lines 2, 3: duplicate target (k1, ia, 2022)"),
        ("unit,indicator,target\nk1,ia,1\n", "t.csv: no column period"),
        ("unit,indicator,period,target\nk9,ia,2022,1\n",
         "t.csv: line 2, column 'unit': unit 'k9' is not evaluated (it has no data)"),
        ("unit,indicator,period,target\nk1,ia,2023,1\n",
         "t.csv: line 2, column 'period': the data has no period '2023'"),
        ("unit,indicator,period,target\nk1,ia,2022,-\n",
         "t.csv: line 2, column 'target': no value (leave the row out"),
    ],
)  # fmt: skip
def test_bad_targets_files(tmp_path: Path, targets: str, message: str) -> None:
    with pytest.raises(BatchInputError) as caught:
        evaluate_units(
            _spec(tmp_path),
            _file(tmp_path, "d.csv", HEADER + _unit_rows("k1", "1", "2", "3", "4")),
            targets=_file(tmp_path, "t.csv", targets),
        )
    assert message in str(caught.value).replace(str(tmp_path) + "/", "")


def test_the_spec_locale_reads_the_data(tmp_path: Path) -> None:
    spec = _spec(tmp_path, spec={**SPEC["spec"], "locale": "id"})
    data = HEADER + _unit_rows("k1", '"1.234,5"', "2", "3", "4")
    (row, *_) = evaluate_batch(spec, _file(tmp_path, "d.csv", data)).to_pylist()
    assert row["indicator"] == "ia" and row["realisation"] == Decimal("1234.5")


_TEXTS = st.text(alphabet="0123456789.,-", min_size=1, max_size=9)


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(_TEXTS, min_size=1, max_size=40), locale=st.sampled_from([None, "id", "en"]))
def test_numbers_are_read_as_parse_number_reads_them(texts: list[str], locale: Any) -> None:
    # The SQL fast path and the fallback together agree with the importer's reader.
    con = duckdb.connect()
    con.execute("CREATE TABLE t (rn BIGINT, value VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts, start=1)))
    problems = normalise_numbers(con, "t", "value", locale, "x: line", 0)
    got = dict(con.execute("SELECT rn, value FROM t").fetchall())
    refused = set()
    for rn, text in enumerate(texts, start=1):
        try:
            expected = parse_number(text, locale)
        except (AmbiguousNumber, ValueError):
            refused.add(rn)
            assert got[rn] is None
            continue
        if isinstance(expected, Decimal):
            assert Decimal(got[rn]) == expected, text
        else:
            assert got[rn] is None  # a dash: missing
    # each refused row is reported (up to the first ten)
    assert len(problems) == min(len(refused), 10)
    shown = sorted(refused)[:10]
    assert all(p.startswith(f"x: line {rn},") for p, rn in zip(problems, shown, strict=True))


# ------------------------------------------------------------ output and the command


def _cli(*argv: str, stderr: Any = None) -> tuple[int, str, str]:
    import argparse

    from sakipcalc.batch import cli

    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers(dest="command"))
    stdout, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = cli.run(parser.parse_args(["batch", *argv]), stdout, err)
    return code, stdout.getvalue(), err.getvalue()


def _spec_dir(tmp_path: Path) -> str:
    _spec(tmp_path)
    return str(tmp_path / "spec")


def test_xlsx_has_three_sheets_of_exact_number_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "out.xlsx"
    code, _, err = _cli(
        _spec_dir(tmp_path),
        "--data", str(_file(tmp_path, "d.csv", DATA)),
        "--units", str(_file(tmp_path, "u.csv", UNITS)),
        "--data-locale", "en",
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "rollups", "hierarchy"]
    sheet = book["results"]
    heads = [c.value for c in sheet[1]]
    row = dict(zip(heads, sheet[2], strict=True))
    assert (row["unit"].value, row["indicator"].value) == ("k1", "ia")
    assert row["achievement"].data_type == "n" and row["achievement"].number_format == "0.00"
    assert row["achievement"].value == 91
    ib = dict(zip(heads, sheet[3], strict=True))
    assert ib["achievement"].number_format == "0.0"  # ib rounds to one place
    # the cell holds the exact digits, never a float's
    import zipfile

    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        text = "".join(archive.read(n).decode() for n in names)
    assert "<v>91.00</v>" in text and "<v>82.5</v>" in text


def test_csv_and_parquet_write_the_rollups_beside(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"out{suffix}"
        code, _, err = _cli(
            _spec_dir(tmp_path),
            "--data", str(_file(tmp_path, "d.csv", DATA)),
            "--units", str(_file(tmp_path, "u.csv", UNITS)),
            "--locale", "en",
            "-o", str(out),
        )  # fmt: skip
        assert code == 0, err
        assert (tmp_path / f"out.rollups{suffix}").exists()
        assert (tmp_path / f"out.hierarchy{suffix}").exists()
    hierarchy = pq.read_table(tmp_path / "out.hierarchy.parquet")
    assert str(hierarchy.schema.field("achievement").type) == "decimal128(38, 10)"
    text = (tmp_path / "out.hierarchy.csv").read_text(encoding="utf-8")
    assert '"rendah: 1; tinggi: 2"' in text


def test_bad_input_writes_no_file_at_all(tmp_path: Path) -> None:
    units = _file(tmp_path, "u.csv", UNITS + "k9,Kab 9,p2,kabupaten\n")
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        code, _, err = _cli(
            _spec_dir(tmp_path),
            "--data", str(_file(tmp_path, "d.csv", DATA)),
            "--units", str(units),
            "--locale", "en",
            "-o", str(out),
        )  # fmt: skip
        assert code == 1 and "unit 'k9' has no data" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "spec", "u.csv"]


def test_trace_agrees_with_the_batch_row(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    data = _file(tmp_path, "d.csv", DATA)
    targets = _file(tmp_path, "t.csv", TARGETS)
    t = trace(spec, data=data, unit="k4", indicator="ia", targets=targets, locale="en")
    assert t.agrees, t.differences
    assert t.period == "2022"
    assert "90 / 100 × 100" in t.text  # the unit's own target
    assert "agrees" in t.text
    code, text, err = _cli(
        _spec_dir(tmp_path),
        "--data", str(data),
        "--locale", "en",
        "--trace", "k2:ic",
        "--trace", "k3:ic:2022",
    )  # fmt: skip
    assert code == 0, err
    assert "zero denominator: y is 0" in text and "served[b] in 2022" in text
    assert text.count("agrees with the engine") == 2


@pytest.mark.parametrize(
    ("request_", "message"),
    [("k1", "expected UNIT:INDICATOR"), ("k1:nope", "no such row"), ("k9:ia", "no such row")],
)
def test_bad_trace_requests(tmp_path: Path, request_: str, message: str) -> None:
    code, _, err = _cli(
        _spec_dir(tmp_path),
        "--data", str(_file(tmp_path, "d.csv", DATA)),
        "--locale", "en",
        "--trace", request_,
    )  # fmt: skip
    assert code in (1, 2) and message in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    args = (
        _spec_dir(tmp_path),
        "--data", str(_file(tmp_path, "d.csv", DATA)),
        "--locale", "en",
        "-o", str(tmp_path / "out.parquet"),
    )  # fmt: skip
    terminal = _Terminal()
    code, _, err = _cli(*args, stderr=terminal)
    assert code == 0
    assert "batch [" in err and "\r" in err
    code, _, err = _cli(*args)
    assert code == 0 and "\r" not in err and "batch [" not in err


def test_the_bundled_example_with_its_hierarchy(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    example = root / "examples" / "multi-unit"
    out = tmp_path / "kalsel.csv"
    code, _, err = _cli(
        str(example / "spec"),
        "--allow-root", str(root / "specs" / "tanah-laut-dinsos-2022"),
        "--data", str(example / "data-made-up.csv"),
        "--targets", str(example / "targets-made-up.csv"),
        "--units", str(example / "units.csv"),
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    hierarchy = (tmp_path / "kalsel.hierarchy.csv").read_text(encoding="utf-8").splitlines()
    # the nation and the province, each over 5 indicators and 4 + 3 + 1 roll-ups
    assert len(hierarchy) == 1 + 2 * (5 + 8)
    assert all('"5,' in line or "5," in line for line in hierarchy[1:])


def test_output_onto_an_input_is_refused(tmp_path: Path) -> None:
    data = _file(tmp_path, "d.csv", DATA)
    units = _file(tmp_path, "out.hierarchy.csv", UNITS)
    for output, role in ((data, "the data"), (tmp_path / "out.csv", "the units file")):
        code, _, err = _cli(
            _spec_dir(tmp_path), "--data", str(data), "--units", str(units), "-o", str(output)
        )
        assert code == 2 and f"would overwrite {role}" in err
    assert data.read_text(encoding="utf-8") == DATA


@st.composite
def _rollup_cases(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    indicators = []
    for name in ("x", "y", "z"):
        ind: dict[str, Any] = {"id": f"i{name}", "name": name, "unit": "x", "formula": name}
        ind["polarity"] = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
        target = draw(st.sampled_from([None, 0, 40, "12.5", {"min": 10, "max": 20}]))
        if target is not None:
            ind["targets"] = {"2022": target}
        weight = draw(st.sampled_from([None, 0, 1, "2.5"]))
        if weight is not None:
            ind["weight"] = weight
        ind["rounding"] = {
            "places": draw(st.integers(0, 3)),
            "mode": draw(st.sampled_from(["half_up", "half_even", "truncate"])),
            "achievement_from": draw(st.sampled_from(["rounded", "raw"])),
        }
        if draw(st.booleans()):
            ind["tags"] = ["IKU"]
        indicators.append(ind)
    ids = [i["id"] for i in indicators]
    objectives = [
        {
            "id": f"o{n}",
            "name": f"O{n}",
            "indicators": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4)),
            "rollup": draw(st.sampled_from(["mean", "min", "weighted_mean", "ratio_of_sums"])),
        }
        for n in range(3)
    ]
    doc = {
        **SPEC,
        "spec": {
            **SPEC["spec"],
            "rounding": {
                "places": draw(st.integers(0, 3)),
                "mode": draw(st.sampled_from(["half_up", "half_even", "truncate"])),
            },
            "rollup": draw(st.sampled_from(["mean", "min", "weighted_mean", "ratio_of_sums"])),
        },
        "variables": [{"id": "x"}, {"id": "y"}, {"id": "z"}],
        "indicators": indicators,
        "goals": [],
        "org_units": [],
        "objectives": objectives,
    }
    values = st.sampled_from(["0", "1", "7", "33.333", "-4", "12.5", "49.995", "100"])
    rows = HEADER
    for unit in ("k1", "k2"):
        for name in ("x", "y", "z"):
            if draw(st.integers(0, 5)):
                rows += f"{unit},{name},,2022,{draw(values)}\n"
        rows += f"{unit},x,,2022,1\n" if f"{unit}," not in rows else ""
    return doc, rows


@settings(max_examples=25, deadline=None)
@given(case=_rollup_cases())
def test_generated_rollups_agree_with_evaluate(case: tuple[dict[str, Any], str]) -> None:
    import tempfile

    doc, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "spec.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        spec = sakipcalc.load(folder)
        data = _file(folder, "d.csv", rows)
        out = evaluate_units(spec, data, locale="en")
    got = {(r["unit"], r["kind"], r["id"]): r for r in out.rollups.to_pylist()}
    for unit in sorted({line.split(",")[0] for line in rows.splitlines()[1:]}):
        report = sakipcalc.evaluate(spec, _dataset(rows, unit), period="2022")
        for rollup in report.rollups:
            row = got[(unit, rollup.kind.value, rollup.id)]
            where = f"{unit} {rollup.id}: {row}"
            assert row["status"] == rollup.achievement.status.value, where
            assert row["reason"] == rollup.achievement.reason, where
            assert row["achievement"] == rollup.achievement.rounded, where
            assert row["excluded"] == list(rollup.excluded), where
            assert row["category"] == (rollup.category.label if rollup.category else None), where


def test_xlsx_refuses_more_rows_than_a_sheet_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sakipcalc.batch import output

    monkeypatch.setattr(output, "XLSX_MAX_ROWS", 16)  # the results have 16 rows
    out = tmp_path / "out.xlsx"
    code, _, err = _cli(
        _spec_dir(tmp_path), "--data", str(_file(tmp_path, "d.csv", DATA)), "--locale", "en",
        "-o", str(out),
    )  # fmt: skip
    assert code == 2 and "the results table has 16 rows" in err and "write .parquet" in err
    assert not out.exists()


def test_a_parent_with_data_of_its_own_is_a_unit_and_not_its_own_rollup(tmp_path: Path) -> None:
    # p2 (a province's own Dinas) reports too: it is evaluated, and rolls up only k4 below it.
    data = DATA + _unit_rows("p2", "10", "40", "1", "1")
    out = evaluate_units(
        _spec(tmp_path),
        _file(tmp_path, "d.csv", data),
        units=_file(tmp_path, "u.csv", UNITS),
        locale="en",
    )
    assert "p2" in out.results.column("unit").to_pylist()
    rows = {(r["unit"], r["id"]): r for r in out.hierarchy.to_pylist() if r["kind"] == "indicator"}
    assert rows[("p2", "ia")]["units"] == 1
    assert rows[("p2", "ia")]["achievement"] == Decimal("180")  # k4 alone: 90 / 50
    assert rows[("nas", "ia")]["units"] == 5  # four kabupaten and the province's own unit
