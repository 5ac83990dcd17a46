"""Variables aggregated from records: the language, its checks, exact aggregates, the CLI and batch.

Expected figures are counted by hand from the small tables written here, or by
an independent pure-Python count and sum over generated records (Hypothesis).
Positions (line:column) were counted by hand in the YAML next to them.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc import IssueReport, SpecError
from sakipcalc._records import load_records, records_realisations
from tests.conftest import Golden, run_cli

duckdb = pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "case-register"

# The spec under test; its positions are counted from line 1 of this text.
SPEC = """\
sakipcalc: 1
spec: {id: demo, name: Demo, plan: {start: 2021, end: 2022}}
breakdowns:
  - {id: jenis, categories: [lansia, anak, disabilitas]}
records:
  - {id: kasus, path: kasus.csv}
variables:
  - id: ditangani
    domain: count
    breakdown: jenis
    from:
      records: kasus
      count: true
      category: jenis_pmks
      period: tahun
      where: {status: tertangani, kecamatan: [pelaihari, bati_bati]}
  - id: bantuan
    domain: rupiah
    from: {records: kasus, sum: nilai, period: tahun}
indicators:
  - {id: persen, name: Persen, unit: "%", formula: "(sum(ditangani, lansia) + sum(ditangani, anak)) / 4 * 100"}
  - {id: rupiah, name: Bantuan, unit: rupiah, formula: bantuan}
"""

HEADER = ["tahun", "jenis_pmks", "kecamatan", "status", "nilai"]
ROWS = [
    ["2021", "lansia", "pelaihari", "tertangani", "100.50"],
    ["2021", "lansia", "takisung", "tertangani", "7"],
    ["2021", "anak", "bati_bati", "terdata", "0.25"],
    ["2022", "lansia", "bati_bati", "tertangani", "1000000"],
    ["2022", "anak", "pelaihari", "tertangani", "2.5"],
    ["2022", "anak", "pelaihari", "tertangani", "0.05"],
]

Write = Callable[..., Path]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def spec_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    """Write ``spec.yaml`` and ``kasus.csv`` into a fresh directory (the working directory)."""
    monkeypatch.chdir(tmp_path)

    def write(spec: str = SPEC, rows: list[list[str]] | None = None, **more: str) -> Path:
        (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
        write_csv(tmp_path / "kasus.csv", HEADER, ROWS if rows is None else rows)
        for name, text in more.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return write


def values(data: sakipcalc.DataSet, period: str, name: str) -> object:
    value = data.get(period, name)
    return dict(value) if hasattr(value, "items") else value


def records_issues(spec: sakipcalc.Spec, **sources: str) -> IssueReport:
    with pytest.raises(SpecError) as caught:
        load_records(spec, sources)
    return caught.value.issues


# ------------------------------------------------------------------ aggregates


def test_counts_and_sums_by_category_and_period(spec_dir: Write) -> None:
    spec_dir()
    got = load_records(sakipcalc.load(".")).data
    # 2021: only row 1 is tertangani in pelaihari/bati_bati (row 2 is takisung).
    assert values(got, "2021", "ditangani") == {"lansia": 1, "anak": 0, "disabilitas": 0}
    assert values(got, "2022", "ditangani") == {"lansia": 1, "anak": 2, "disabilitas": 0}
    # Sums are exact decimals: 100.50 + 7 + 0.25; 1000000 + 2.5 + 0.05.
    assert got.get("2021", "bantuan") == Decimal("107.75")
    assert got.get("2022", "bantuan") == Decimal("1000002.55")
    assert isinstance(got.get("2022", "bantuan"), Decimal)


def test_a_category_without_rows_is_zero_but_a_period_without_rows_is_missing(
    spec_dir: Write,
) -> None:
    spec_dir(rows=[r for r in ROWS if r[0] == "2022"])
    spec = sakipcalc.load(".")
    data = load_records(spec).data
    assert values(data, "2022", "ditangani") == {"lansia": 1, "anak": 2, "disabilitas": 0}
    assert not data.has("2021", "ditangani")
    report = sakipcalc.evaluate(dataclasses.replace(spec, data=data), period="2021")
    assert report.indicator("persen").realisation.status is sakipcalc.Status.MISSING_DATA
    report = sakipcalc.evaluate(dataclasses.replace(spec, data=data), period="2022")
    # (1 + 2) / 4 × 100 = 75
    assert report.indicator("persen").realisation.raw == Decimal(75)


def test_a_period_whose_rows_all_fail_the_filter_counts_zero(spec_dir: Write) -> None:
    spec_dir(rows=[["2021", "anak", "takisung", "terdata", "1"]])
    data = load_records(sakipcalc.load(".")).data
    assert values(data, "2021", "ditangani") == {"lansia": 0, "anak": 0, "disabilitas": 0}
    assert data.get("2021", "bantuan") == Decimal(1)


def test_variable_categories_limit_what_is_kept(spec_dir: Write) -> None:
    spec_dir(
        SPEC.replace(
            "    breakdown: jenis\n", "    breakdown: jenis\n    categories: [anak]\n"
        ).replace("sum(ditangani, lansia) + ", "")
    )
    data = load_records(sakipcalc.load(".")).data
    assert values(data, "2022", "ditangani") == {"anak": 2}


def test_parquet_decimal_and_integer_columns_are_summed_exactly(spec_dir: Write) -> None:
    folder = spec_dir()
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES (2022, 'anak', 'pelaihari', 'tertangani', "
        "CAST('0.10' AS DECIMAL(18, 2))), (2022, 'anak', 'pelaihari', 'tertangani', "
        "CAST('0.20' AS DECIMAL(18, 2)))) t(tahun, jenis_pmks, kecamatan, status, nilai)) "
        f"TO '{folder / 'kasus.parquet'}' (FORMAT parquet)"
    )
    data = load_records(sakipcalc.load("."), {"kasus": "kasus.parquet"}).data
    assert data.get("2022", "bantuan") == Decimal(
        "0.30"
    )  # a float sum would be 0.30000000000000004
    assert values(data, "2022", "ditangani") == {"lansia": 0, "anak": 2, "disabilitas": 0}


def test_a_float_column_is_refused(spec_dir: Write) -> None:
    folder = spec_dir()
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 2022 AS tahun, 'anak' AS jenis_pmks, 'x' AS kecamatan, 'y' AS status, "
        f"0.1::DOUBLE AS nilai) TO '{folder / 'f.parquet'}' (FORMAT parquet)"
    )
    issues = records_issues(sakipcalc.load("."), kasus="f.parquet")
    assert [(i.code, str(i.location)) for i in issues.errors] == [
        ("records-column", "spec.yaml:19:33")
    ]
    assert "binary floating point" in issues.errors[0].message


# ------------------------------------------------------------------ the language


def test_static_rules_report_positions(golden: Golden, spec_dir: Write) -> None:
    bad = (
        SPEC.replace("      count: true\n", "      count: true\n      sum: nilai\n")
        .replace("      records: kasus\n", "      records: kasis\n")
        .replace("kecamatan: [pelaihari, bati_bati]", "kecamatan: [], tahun: 2022")
        .replace("    domain: rupiah\n", "    domain: percentage\n    breakdown: jenis\n")
        .replace("{id: kasus, path: kasus.csv}", "{id: kasus, path: kasus.xls}")
    )
    spec_dir(bad)
    report = sakipcalc.validate(".")
    golden.check("records/static-rules.txt", report.format() + "\n")


def test_unknown_keys_in_from_are_refused_with_a_hint(spec_dir: Write) -> None:
    spec_dir(SPEC.replace("      period: tahun\n", "      period: tahun\n      wher: {a: b}\n"))
    issue = next(iter(sakipcalc.validate(".").errors))
    assert (issue.code, str(issue.location), issue.hint) == (
        "unknown-key",
        "spec.yaml:16:7",
        "did you mean 'where'?",
    )
    spec_dir(SPEC.replace("    from:\n", "    form:\n", 1))
    issue = next(iter(sakipcalc.validate(".").errors))
    assert (issue.code, issue.hint) == ("unknown-key", "did you mean 'from'?")


def test_a_spec_with_records_loads_without_reading_them(spec_dir: Write) -> None:
    spec_dir()
    (Path("kasus.csv")).unlink()
    spec = sakipcalc.load(".")
    assert spec.variables["ditangani"].source is not None
    assert spec.records["kasus"].path == "kasus.csv"
    assert spec.data.periods == ()


# ------------------------------------------------------------------ against the table


def test_table_problems_name_the_file_row_and_column(golden: Golden, spec_dir: Write) -> None:
    rows = [
        ["2021", "lansia", "pelaihari", "tertangani", "1"],
        ["2021", "lansai", "pelaihari", "tertangani", "1"],  # line 3: not a category
        ["22", "anak", "pelaihari", "tertangani", "1"],  # line 4: not a period
        ["2022", "anak", "pelaihari", "tertangani", "1.000,5"],  # line 5: not a plain number
        ["2022", "", "pelaihari", "tertangani", ""],  # line 6: empty category and value
    ]
    spec_dir(rows=rows)
    issues = records_issues(sakipcalc.load("."))
    golden.check("records/table-problems.txt", issues.format() + "\n")


def test_unknown_columns_point_into_the_spec(golden: Golden, spec_dir: Write) -> None:
    spec_dir(
        SPEC.replace("category: jenis_pmks", "category: jenis").replace(
            "{status: tertangani,", "{statis: tertangani,"
        )
    )
    issues = records_issues(sakipcalc.load("."))
    golden.check("records/unknown-columns.txt", issues.format() + "\n")


def test_a_filter_value_no_row_has_is_a_warning(spec_dir: Write) -> None:
    spec_dir(SPEC.replace("[pelaihari, bati_bati]", "[pelaihari, batibati]"))
    got = load_records(sakipcalc.load("."))
    (warning,) = got.warnings.issues
    assert (warning.code, str(warning.location)) == ("records-filter-unmatched", "spec.yaml:16:58")
    assert "kecamatan = batibati" in warning.message


def test_a_value_also_given_in_data_is_an_error(spec_dir: Write) -> None:
    spec_dir(SPEC + "data:\n  '2021': {bantuan: 5}\n")
    issues = records_issues(sakipcalc.load("."))
    (issue,) = issues.errors
    assert (issue.code, str(issue.location)) == ("duplicate-data", "spec.yaml:19:5")
    assert "spec.yaml:24:12" in issue.message


def test_a_records_table_without_a_file(spec_dir: Write) -> None:
    spec_dir(SPEC.replace("{id: kasus, path: kasus.csv}", "{id: kasus}"))
    (issue,) = records_issues(sakipcalc.load(".")).errors
    assert (issue.code, str(issue.location)) == ("records-source", "spec.yaml:6:5")
    assert issue.hint is not None and "--records kasus=FILE" in issue.hint


def test_a_declared_path_outside_the_spec_is_not_read(spec_dir: Write, tmp_path: Path) -> None:
    inner = tmp_path / "spec"
    inner.mkdir()
    write_csv(tmp_path / "outside.csv", HEADER, ROWS)
    (inner / "spec.yaml").write_text(
        SPEC.replace("path: kasus.csv", "path: ../outside.csv"), encoding="utf-8"
    )
    (issue,) = records_issues(sakipcalc.load(inner)).errors
    assert issue.code == "outside-spec"
    assert "it was not read" in issue.message


def test_without_duckdb_the_error_says_how_to_install_it(
    spec_dir: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_dir()
    spec = sakipcalc.load(".")  # loading needs no DuckDB
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(ImportError, match=r'pip install "sakipcalc\[batch\]"'):
        load_records(spec)


# ------------------------------------------------------------------ property


_record = st.tuples(
    st.sampled_from(["2021", "2022"]),
    st.sampled_from(["lansia", "anak", "disabilitas"]),
    st.sampled_from(["pelaihari", "bati_bati", "takisung"]),
    st.sampled_from(["tertangani", "terdata"]),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record, min_size=1, max_size=40))
def test_aggregates_equal_an_independent_count_and_sum(
    records: list[tuple[str, str, str, str, Decimal]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "spec.yaml").write_text(SPEC, encoding="utf-8")
        rows = [[p, c, k, s, str(v)] for p, c, k, s, v in records]
        write_csv(Path(folder) / "kasus.csv", HEADER, rows)
        data = load_records(sakipcalc.load(folder)).data
    for period in ("2021", "2022"):
        mine = [r for r in records if r[0] == period]
        if not mine:
            assert not data.has(period, "ditangani") and not data.has(period, "bantuan")
            continue
        expected = {
            category: sum(
                1
                for _, c, k, s, _ in mine
                if c == category and s == "tertangani" and k in ("pelaihari", "bati_bati")
            )
            for category in ("lansia", "anak", "disabilitas")
        }
        assert values(data, period, "ditangani") == expected
        assert data.get(period, "bantuan") == sum((r[4] for r in mine), Decimal(0))


# ------------------------------------------------------------------ CLI and batch


def test_evaluate_the_example_from_its_register() -> None:
    result = run_cli("evaluate", str(EXAMPLE), "--period", "2022", "--format", "json")
    assert result.code == 0, result.err
    import json

    figures = {i["indicator"]: i for i in json.loads(result.out)["indicators"]}
    # 2022: 6 of the 8 cases tertangani; 1500000.00 + 800000.25 + 1750000 + 2000000 + 2100000.75
    assert figures["pmks_tertangani"]["realisation"]["raw"] == "75.00"
    assert figures["bantuan_pelaihari_bati"]["realisation"]["raw"] == "8150001.00"
    assert "pmks_ditangani is the count of rows of" in result.err
    assert "where status = tertangani, by 'jenis_pmks' and 'tahun'" in result.err


def test_records_option_replaces_the_declared_path(tmp_path: Path) -> None:
    other = write_csv(
        tmp_path / "other.csv",
        ["id_kasus", "tahun", "jenis_pmks", "kecamatan", "status", "bantuan"],
        [["1", "2022", "anak_terlantar", "pelaihari", "tertangani", "10"]],
    )
    result = run_cli(
        "evaluate",
        str(EXAMPLE),
        "--records",
        f"kasus={other}",
        "--period",
        "2022",
        "--format",
        "csv",
    )
    assert result.code == 0, result.err
    assert "pmks_tertangani" in result.out and "100.00" in result.out  # 1 / 1 × 100
    bad = run_cli("evaluate", str(EXAMPLE), "--records", "kasus")
    assert bad.code == 2 and "expected ID=FILE" in bad.err


def test_bad_records_exit_1_and_nothing_is_evaluated(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "bad.csv", ["tahun", "jenis"], [["2022", "anak_terlantar"]])
    result = run_cli("evaluate", str(EXAMPLE), "--records", f"kasus={other}")
    assert result.code == 1
    assert "has no column 'jenis_pmks'" in result.err
    assert "nothing was evaluated" in result.err
    assert result.out == ""


def test_batch_rows_per_unit(spec_dir: Write) -> None:
    spec_dir()
    rows = [["kab_a", *r] for r in ROWS[:3]] + [["kab_b", *ROWS[3]]]
    write_csv(Path("units.csv"), ["unit", *HEADER], rows)
    table = records_realisations(sakipcalc.load("."), {"kasus": "units.csv"})
    got = sorted((tuple(row.values()) for row in table.to_pylist()), key=str)
    assert table.column_names == ["unit", "name", "category", "period", "value"]
    assert got == sorted(
        [
            ("kab_a", "bantuan", None, "2021", "107.75"),
            ("kab_a", "ditangani", "lansia", "2021", "1"),
            ("kab_a", "ditangani", "anak", "2021", "0"),
            ("kab_a", "ditangani", "disabilitas", "2021", "0"),
            ("kab_b", "bantuan", None, "2022", "1000000.00"),
            ("kab_b", "ditangani", "lansia", "2022", "1"),
            ("kab_b", "ditangani", "anak", "2022", "0"),
            ("kab_b", "ditangani", "disabilitas", "2022", "0"),
        ],
        key=str,
    )


def test_validate_checks_the_records_against_their_table(spec_dir: Write) -> None:
    spec_dir(SPEC.replace("category: jenis_pmks", "category: jenis"))
    result = run_cli("validate", ".")
    assert result.code == 1
    assert result.out.startswith(
        "spec.yaml:14:17: error records-column: kasus.csv has no column 'jenis' "
        "(did you mean 'jenis_pmks'?) [variables[0].from.category]\n"
    )
    spec_dir(SPEC.replace("{id: kasus, path: kasus.csv}", "{id: kasus}"))
    assert run_cli("validate", ".").code == 0  # no file to check: evaluate asks for one
    assert run_cli("validate", ".", "--records", "kasus=kasus.csv").code == 0
    missing = run_cli("validate", ".", "--records", "kasus=nowhere.csv")
    assert missing.code == 2 and "nowhere.csv: error io-error: no such file" in missing.out


def test_batch_evaluates_the_records_rows_as_evaluate_does_per_unit(spec_dir: Write) -> None:
    batch = pytest.importorskip("sakipcalc.batch")
    spec_dir()
    rows = [["kab_a", *r] for r in ROWS] + [["kab_b", *r] for r in ROWS[3:]]
    write_csv(Path("units.csv"), ["unit", *HEADER], rows)
    spec = sakipcalc.load(".")
    table = records_realisations(spec, {"kasus": "units.csv"})
    result = batch.evaluate_batch(spec, table).to_pylist()
    got = {
        (r["unit"], r["period"]): r["realisation"]
        for r in result
        if r["indicator"] == "persen" and r["period"] == "2022"
    }
    # Both units hold the 2022 rows: (1 lansia + 2 anak) / 4 × 100 = 75, as evaluate gives.
    single = sakipcalc.evaluate(
        dataclasses.replace(spec, data=load_records(spec).data), period="2022"
    )
    assert single.indicator("persen").realisation.raw == Decimal(75)
    assert {k: Decimal(str(v)) for k, v in got.items()} == {
        ("kab_a", "2022"): Decimal(75),
        ("kab_b", "2022"): Decimal(75),
    }


def test_evaluate_without_duckdb_says_how_to_install_it(
    spec_dir: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_dir()
    monkeypatch.setitem(sys.modules, "duckdb", None)
    result = run_cli("evaluate", ".", "--period", "2022")
    assert (result.code, result.out) == (2, "")
    assert 'records are aggregated with DuckDB: pip install "sakipcalc[batch]"' in result.err


def test_a_date_column_counts_each_row_in_its_quarter_or_year(spec_dir: Write) -> None:
    dated = SPEC.replace("      period: tahun\n", "      period: tahun\n      dates: quarter\n")
    dated = dated.replace("period: tahun}", "period: tahun, dates: year}")
    rows = [
        ["2022-01-05", "lansia", "pelaihari", "tertangani", "1.5"],
        ["2022-03-31", "lansia", "pelaihari", "tertangani", "2"],
        ["2022-04-01", "anak", "bati_bati", "tertangani", "3"],
        ["2021-12-31", "anak", "bati_bati", "terdata", "4"],
    ]
    spec_dir(dated, rows=rows)
    got = load_records(sakipcalc.load("."))
    data = got.data
    assert values(data, "2022-Q1", "ditangani") == {"lansia": 2, "anak": 0, "disabilitas": 0}
    assert values(data, "2022-Q2", "ditangani") == {"lansia": 0, "anak": 1, "disabilitas": 0}
    assert values(data, "2021-Q4", "ditangani") == {"lansia": 0, "anak": 0, "disabilitas": 0}
    assert not data.has("2022-Q3", "ditangani")  # no row at all in that quarter: missing
    assert data.get("2022", "bantuan") == Decimal("6.5")
    assert data.get("2021", "bantuan") == Decimal(4)
    assert got.traces["ditangani"].endswith("by 'jenis_pmks' and the quarter of 'tahun'")
    spec_dir(dated, rows=[*rows, ["31/12/2021", "anak", "bati_bati", "terdata", "4"]])
    (issue,) = records_issues(sakipcalc.load(".")).errors
    assert (issue.code, str(issue.location)) == ("records-value", "kasus.csv:6:1")
    assert issue.message == "column 'tahun': '31/12/2021' is not a date"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["kab_a", "kab_b"]), _record), min_size=1, max_size=30))
def test_batch_rows_equal_an_independent_count_and_sum_per_unit(
    records: list[tuple[str, tuple[str, str, str, str, Decimal]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "spec.yaml").write_text(SPEC, encoding="utf-8")
        rows = [[u, p, c, k, s, str(v)] for u, (p, c, k, s, v) in records]
        write_csv(Path(folder) / "units.csv", ["unit", *HEADER], rows)
        spec = sakipcalc.load(folder)
        table = records_realisations(spec, {"kasus": str(Path(folder) / "units.csv")})
    got = {
        (r["unit"], r["name"], r["category"], r["period"]): r["value"] for r in table.to_pylist()
    }
    expected: dict[tuple[str, str, str | None, str], Decimal] = {}
    for unit, period in {(u, r[0]) for u, r in records}:
        mine = [r for u, r in records if (u, r[0]) == (unit, period)]
        expected[(unit, "bantuan", None, period)] = sum((r[4] for r in mine), Decimal(0))
        for category in ("lansia", "anak", "disabilitas"):
            expected[(unit, "ditangani", category, period)] = Decimal(
                sum(
                    1
                    for _, c, k, s, _ in mine
                    if c == category and s == "tertangani" and k in ("pelaihari", "bati_bati")
                )
            )
    assert {key: Decimal(value) for key, value in got.items()} == expected


def test_a_sum_beyond_decimal_38_is_an_error_not_a_wrap(spec_dir: Write) -> None:
    huge = "9" * 37 + ".5"  # DECIMAL(38, 1) holds it; twice it does not
    spec_dir(rows=[["2022", "anak", "x", "y", huge], ["2022", "anak", "x", "y", huge]])
    (issue,) = records_issues(sakipcalc.load(".")).errors
    assert (issue.code, str(issue.location)) == ("records-value", "spec.yaml:19:5")
    assert issue.message.startswith("kasus.csv cannot be aggregated exactly: ")


def test_batch_cli_reads_the_records_per_unit(spec_dir: Write) -> None:
    pytest.importorskip("sakipcalc.batch")
    spec_dir()
    rows = [["kab_a", *r] for r in ROWS] + [["kab_b", *r] for r in ROWS[3:]]
    write_csv(Path("units.csv"), ["unit", *HEADER], rows)
    result = run_cli("batch", ".", "--records", "kasus=units.csv", "-o", "out.csv")
    assert result.code == 0, result.err
    with Path("out.csv").open(encoding="utf-8") as handle:
        got = {
            (row["unit"], row["period"]): row["realisation"]
            for row in csv.DictReader(handle)
            if row["indicator"] == "persen" and row["realisation"]
        }
    # 2022: (1 lansia + 2 anak ditangani in pelaihari/bati_bati) / 4 × 100 = 75 in both units;
    # 2021 (kab_a only): 1 lansia in pelaihari (takisung is filtered out) / 4 × 100 = 25;
    # kab_b has no 2021 records at all: missing data, no realisation.
    assert {k: Decimal(v) for k, v in got.items()} == {
        ("kab_a", "2021"): Decimal(25),
        ("kab_a", "2022"): Decimal(75),
        ("kab_b", "2022"): Decimal(75),
    }


def test_batch_cli_refuses_records_mixed_with_a_data_file(spec_dir: Write) -> None:
    pytest.importorskip("sakipcalc.batch")
    spec_dir()
    write_csv(Path("units.csv"), ["unit", *HEADER], [["kab_a", *r] for r in ROWS])
    Path("data.csv").write_text("unit,name,category,period,value\n", encoding="utf-8")
    result = run_cli(
        "batch", ".", "--records", "kasus=units.csv", "--data", "data.csv", "-o", "out.csv"
    )
    assert result.code == 2
    assert "not both yet" in result.err
    assert not Path("out.csv").exists()
