"""Hostile and faulty input, one case per defect of issue 13 in data, limits and checks.

Each test names the defect it pins. The Hypothesis properties at the end feed
random bytes, YAML-ish text, CSV text and small zip files through ``validate``,
``load_data`` and the CLI: whatever the input, the answer is a result or a
:class:`SakipError` (an exit code and a message for the CLI), never another
exception, and it comes back (Hypothesis' ``deadline`` catches a slow case).
"""

from __future__ import annotations

import contextlib
import decimal
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import TANAH_LAUT_SPEC, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc import DataSet, Grade, SakipError, SpecError

WriteSpec = Callable[[dict[str, str]], Path]

SPEC = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
breakdowns:
  - {id: area, categories: [north, south]}
scales:
  - id: grades
    kind: grade
    bands:
      - {label: B, range: "[0, 80)"}
      - {label: A, range: "[80, 100]"}
variables:
  - {id: served, name: Served, unit: orang, domain: count, breakdown: area}
  - {id: total, name: Total, unit: orang, domain: count}
  - {id: grade, name: Grade, unit: predikat, domain: grade, scale: grades}
indicators:
  - id: share
    name: Share served
    unit: "%"
    formula: sum(served) / total * 100
    targets: {"2022": 50}
"""


@pytest.fixture
def spec(write_spec: WriteSpec) -> sakipcalc.Spec:
    return sakipcalc.load(write_spec({"spec.yaml": SPEC}))


def _loaded_issue(write_spec: WriteSpec, data_yaml: str) -> sakipcalc.Issue:
    report = sakipcalc.validate(write_spec({"spec.yaml": SPEC + data_yaml}))
    assert report.has_errors, report.format()
    return report.errors[0]


def _api_issue(spec: sakipcalc.Spec, data: DataSet) -> sakipcalc.Issue:
    with pytest.raises(SpecError) as caught:
        sakipcalc.evaluate(spec, data, period="2022")
    assert isinstance(caught.value, SakipError)
    return caught.value.issues.errors[0]


# ------------------------------------------------- a DataSet built through the API


def test_valid_hand_built_data_evaluates_like_loaded_data(
    spec: sakipcalc.Spec, write_spec: WriteSpec
) -> None:
    data = DataSet({"2022": {"served": {"north": Decimal(3), "south": 2}, "total": "10"}})
    got = sakipcalc.evaluate(spec, data, period="2022").indicator("share").realisation
    # (3 + 2) / 10 × 100 = 50, by hand
    assert got.raw == Decimal(50)
    # a year given as an int is the same year
    again = sakipcalc.evaluate(spec, DataSet({2022: {"total": 10}}), period="2022")  # type: ignore[dict-item]
    assert again.indicator("share").realisation.raw is None  # served is missing


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_a_message(spec: sakipcalc.Spec, bad: str) -> None:
    issue = _api_issue(spec, DataSet({"2022": {"total": Decimal(bad)}}))
    assert issue.code == "invalid-number"
    assert "must be finite" in issue.message
    assert str(issue.location) == "<DataSet>"
    assert issue.path == "data.2022.total"


def test_nan_in_a_breakdown_is_refused(spec: sakipcalc.Spec) -> None:
    data = DataSet({"2022": {"served": {"north": Decimal("NaN"), "south": Decimal(1)}}})
    issue = _api_issue(spec, data)
    assert "must be finite" in issue.message
    assert issue.path == "data.2022.served.north"


def test_an_unbounded_number_is_refused(spec: sakipcalc.Spec) -> None:
    issue = _api_issue(spec, DataSet({"2022": {"total": Decimal("1E+999999")}}))
    assert "more than 40 digits" in issue.message


@pytest.mark.parametrize(
    ("yaml_value", "api_value"),
    [
        ("-3", Decimal(-3)),
        ("2.5", Decimal("2.5")),
    ],
)
def test_a_bad_count_has_the_loaders_message(
    spec: sakipcalc.Spec, write_spec: WriteSpec, yaml_value: str, api_value: Decimal
) -> None:
    loaded = _loaded_issue(write_spec, f'data:\n  "2022": {{total: {yaml_value}}}\n')
    api = _api_issue(spec, DataSet({"2022": {"total": api_value}}))
    assert (api.code, api.message) == (loaded.code, loaded.message)
    assert "must be a whole number ≥ 0" in api.message


def test_an_unknown_name_has_the_loaders_message(
    spec: sakipcalc.Spec, write_spec: WriteSpec
) -> None:
    loaded = _loaded_issue(write_spec, 'data:\n  "2022": {totl: 1}\n')
    api = _api_issue(spec, DataSet({"2022": {"totl": Decimal(1)}}))
    assert (api.code, api.message, api.hint) == (loaded.code, loaded.message, loaded.hint)
    assert api.message == "data for unknown variable or indicator 'totl'"


def test_an_unknown_category_has_the_loaders_message(
    spec: sakipcalc.Spec, write_spec: WriteSpec
) -> None:
    loaded = _loaded_issue(write_spec, 'data:\n  "2022": {served: {west: 1}}\n')
    api = _api_issue(spec, DataSet({"2022": {"served": {"west": Decimal(1)}}}))
    assert (api.code, api.message) == (loaded.code, loaded.message)
    assert api.message == "'west' is not a category of 'served'"


def test_an_unknown_grade_and_a_bad_period_are_refused(spec: sakipcalc.Spec) -> None:
    assert _api_issue(spec, DataSet({"2022": {"grade": Grade("Z")}})).code == "unknown-grade"
    assert _api_issue(spec, DataSet({"22": {"total": Decimal(1)}})).code == "invalid-period"
    assert _api_issue(spec, DataSet({"2022": {1: Decimal(1)}})).code == "invalid-id"  # type: ignore[dict-item]
    assert _api_issue(spec, DataSet({"2022": [1]})).code == "type"  # type: ignore[dict-item]
    # a key no file could hold (found by the property below): refused, not a TypeError
    odd = DataSet({"2022": {"served": {0: Decimal(1)}}})  # type: ignore[dict-item]
    assert _api_issue(spec, odd).code == "unknown-category"


def test_every_problem_is_reported_at_once(spec: sakipcalc.Spec) -> None:
    data = DataSet(
        MappingProxyType(
            {"2022": {"total": Decimal("NaN"), "nope": Decimal(1), "served": {"x": Decimal(1)}}}
        )
    )
    with pytest.raises(SpecError) as caught:
        sakipcalc.evaluate(spec, data, period="2022")
    codes = sorted(i.code for i in caught.value.issues.errors)
    assert codes == ["invalid-number", "unknown-category", "unknown-name"]


def test_bad_data_put_into_a_copy_of_the_spec_is_refused(spec: sakipcalc.Spec) -> None:
    import dataclasses

    from sakipcalc.check import check

    copy = dataclasses.replace(spec, data=DataSet({"2022": {"total": Decimal("NaN")}}))
    with pytest.raises(SpecError, match="must be finite"):
        sakipcalc.evaluate(copy, period="2022")
    with pytest.raises(SpecError, match="must be finite"):
        check(copy)


def test_loaded_data_is_not_checked_again(spec: sakipcalc.Spec) -> None:
    from sakipcalc._data import check_dataset

    assert check_dataset(spec, spec.data) is spec.data


def test_checked_data_is_not_checked_again(spec: sakipcalc.Spec) -> None:
    from sakipcalc._data import check_dataset

    data = DataSet({"2022": {"total": Decimal(4)}})
    checked = check_dataset(spec, data)
    assert check_dataset(spec, checked) is checked
    assert checked.values == {"2022": {"total": Decimal(4)}}


def test_long_text_in_data_is_not_repeated_in_messages(write_spec: WriteSpec) -> None:
    long = "x" * 100_000
    key = "k" * 1000  # YAML's longest plain key is 1024 characters
    text = SPEC + f'data:\n  "2022": {{{key}: 1, total: "{long}", grade: "{long}"}}\n'
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert sorted(i.code for i in report.errors) == [
        "invalid-number",
        "unknown-grade",
        "unknown-name",
    ]
    for issue in report.errors:
        assert len(issue.message) + len(issue.hint or "") < 300, issue.code
    messages = {i.code: i.message for i in report.errors}
    assert messages["invalid-number"] == "expected a number, got text of 100,000 characters"
    assert messages["unknown-name"] == f"data for unknown variable or indicator '{'k' * 79}…'"


# ------------------------------------------------- the caller's Decimal context


def test_a_low_precision_floor_context_adds_no_budget_warnings() -> None:
    # issue 13: prec=5, ROUND_FLOOR gave false budget-total-mismatch warnings
    clean = sakipcalc.validate(TANAH_LAUT_SPEC)
    with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_FLOOR)):
        hostile = sakipcalc.validate(TANAH_LAUT_SPEC)
    assert [i.code for i in hostile] == [i.code for i in clean]
    assert "budget-total-mismatch" not in {i.code for i in hostile}


def test_a_trapped_inexact_does_not_escape_load() -> None:
    # issue 13: with Inexact trapped, load() raised a bare decimal.Inexact from line_totals
    with decimal.localcontext(decimal.Context(prec=5, traps=[decimal.Inexact])):
        spec = sakipcalc.load(TANAH_LAUT_SPEC)
        sakipcalc.evaluate(spec, period="2022")


# ---------------------------------------------------------------- properties
#
# Whatever the input, the answer is a result or a SakipError (for the CLI: an
# exit code and a message, no traceback). The deadline is generous, for a busy
# machine: it catches a hang or a quadratic blow-up, not a slow example.

_PROPERTY = settings(
    max_examples=60,
    deadline=20_000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_YAML_PIECES = [
    "sakipcalc: 1\n",
    "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n",
    "spec:",
    "indicators:\n",
    "variables:\n",
    "breakdowns:\n",
    "scales:\n",
    "links:\n",
    "budgets:\n",
    "reported:\n",
    "data:\n",
    "imports: [",
    "  - ",
    "{id: a, name: A, unit: '%', formula: x / y * 100}",
    "{id: x, domain: count, breakdown: b}",
    "{id: b, categories: [p, q]}",
    "{parent: a, child: a}",
    '"2022": ',
    "{x: 1, y: 0}",
    "{achievement: 142,86}",
    "1,0",
    "1e400",
    ".nan",
    "-.inf",
    "0o17",
    "1:30",
    "&a [*a, *a]",
    "*a",
    "!!python/object:os.system",
    "<<: *a",
    "? ",
    "{",
    "}",
    "[",
    "]",
    ": ",
    ", ",
    "\n",
    "  ",
    "\t",
    "#",
    '"',
    "'",
    "|\n",
    "\x00",
    "\x1b]0;x\x07",
    "\ufeff",
    "é",
]


def _run_cli_safely(*argv: str) -> None:
    result = run_cli(*argv)
    assert isinstance(result.code, int)
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err


def _validate_safely(directory: Path) -> None:
    with contextlib.suppress(SakipError):
        sakipcalc.validate(directory)


@contextlib.contextmanager
def _fresh_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sakipcalc-hostile-") as name:
        yield Path(name)


@_PROPERTY
@given(st.binary(max_size=400))
def test_random_bytes_as_a_spec_file(content: bytes) -> None:
    with _fresh_dir() as directory:
        (directory / "spec.yaml").write_bytes(content)
        _validate_safely(directory)
        _run_cli_safely("validate", str(directory))


@_PROPERTY
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=40).map("".join))
def test_random_yaml_ish_text_as_a_spec(text: str) -> None:
    with _fresh_dir() as directory:
        (directory / "spec.yaml").write_text(text, encoding="utf-8")
        _validate_safely(directory)
        _run_cli_safely("evaluate", str(directory), "--period", "2022")


@pytest.fixture(scope="module")
def data_spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[sakipcalc.Spec, Path]:
    directory = tmp_path_factory.mktemp("data-spec")
    (directory / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return sakipcalc.load(directory), directory


_CSV_PIECES = [
    "period,name,category,value\n",
    "period,name,value\n",
    "2022,total,,10\n",
    "2022,served,north,3\n",
    "2022,grade,,A\n",
    "2022",
    "total",
    "served",
    "north",
    "10 5",
    "1.234",
    "1,5",
    '"1.234,5"',
    "Rp 1.000,-",
    "NaN",
    "-",
    "=cmd|' /C calc'!A0",
    ",",
    ";",
    "\t",
    "\r\n",
    "\n",
    '"',
    "\x00",
    "\ufeff",
]


@_PROPERTY
@given(st.lists(st.sampled_from(_CSV_PIECES), max_size=40).map("".join))
def test_random_csv_text_as_data(data_spec: tuple[sakipcalc.Spec, Path], text: str) -> None:
    spec, spec_dir = data_spec
    with _fresh_dir() as directory:
        path = directory / "data.csv"
        path.write_text(text, encoding="utf-8")
        try:
            data = sakipcalc.load_data(spec, path)
        except SakipError:
            pass
        else:
            sakipcalc.evaluate(spec, data, period="2022")
        _run_cli_safely("evaluate", str(spec_dir), "--period", "2022", "--data", str(path))


_XLSX_MEMBERS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
]
_XML_PIECES = [
    '<?xml version="1.0"?>',
    "<worksheet><sheetData>",
    "</sheetData></worksheet>",
    '<row r="1">',
    "</row>",
    '<c r="A1" t="s"><v>0</v></c>',
    '<c r="B1"><v>NaN</v></c>',
    '<c r="XFD1048576"><v>1</v></c>',
    "<sst><si><t>period</t></si></sst>",
    '<workbook><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    "&a;",
    "<",
    ">",
    "\x00",
]


@st.composite
def _zips(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in draw(st.lists(st.sampled_from(_XLSX_MEMBERS), max_size=6, unique=True)):
            pieces = draw(st.lists(st.sampled_from(_XML_PIECES), max_size=12))
            archive.writestr(name, "".join(pieces))
    data = buffer.getvalue()
    if draw(st.booleans()):  # damage it
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=20))
    return data


@_PROPERTY
@given(_zips())
def test_small_random_xlsx_like_zips_as_data(
    data_spec: tuple[sakipcalc.Spec, Path], workbook: bytes
) -> None:
    spec, spec_dir = data_spec
    with _fresh_dir() as directory:
        path = directory / "data.xlsx"
        path.write_bytes(workbook)
        with contextlib.suppress(SakipError):
            sakipcalc.load_data(spec, path)
        _run_cli_safely("evaluate", str(spec_dir), "--period", "2022", "--data", str(path))


_API_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**45), 10**45),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("sNaN"), Decimal("-0"), Decimal("1E+999999"), Decimal("1E-999999")]),
    st.text(max_size=8),
    st.binary(max_size=4),
    st.builds(Grade, st.sampled_from(["A", "B", "Z", ""])),
)
_API_KEYS = st.one_of(
    st.sampled_from(["served", "total", "grade", "share", "north", "south", "nope", "2022"]),
    st.text(max_size=6),
    st.integers(0, 3000),
    st.none(),
)
_API_VALUES = st.recursive(
    _API_SCALARS,
    lambda inner: st.one_of(
        st.dictionaries(_API_KEYS, inner, max_size=4),
        st.lists(inner, max_size=3),
        st.dictionaries(_API_KEYS, inner, max_size=3).map(MappingProxyType),
    ),
    max_leaves=12,
)


@settings(_PROPERTY, max_examples=300)
@given(
    st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(["2022", "2022-Q1", "2021"]), _API_KEYS),
            st.dictionaries(_API_KEYS, _API_VALUES, max_size=4),
            max_size=3,
        ),
        _API_VALUES,
    )
)
def test_any_hand_built_dataset_evaluates_or_is_refused(
    data_spec: tuple[sakipcalc.Spec, Path], values: object
) -> None:
    spec, _ = data_spec
    with contextlib.suppress(SakipError):
        sakipcalc.evaluate(spec, DataSet(values), period="2022")  # type: ignore[arg-type]
