"""Strict YAML loading (``sakipcalc._source``): refusals with exact positions.

Positions are counted by hand in the YAML next to each assertion (lines and
columns from 1). Speed is not asserted here: the alias bomb and deep-nesting
tests assert that nothing was expanded and that the call returned.
"""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc import Issue, IssueReport, Severity
from sakipcalc._plain_yaml import UNSURE, plain_data
from sakipcalc._source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ISSUES_PER_FILE,
    SourceDoc,
    load_yaml_strictly,
    load_yaml_text,
    read_yaml_file,
)


def load(text: str) -> tuple[SourceDoc | None, list[Issue]]:
    return load_yaml_text(text, "f.yaml")


def refusal(text: str) -> Issue:
    """The single issue ``text`` produces."""
    _, issues = load(text)
    assert len(issues) == 1, [i.format() for i in issues]
    assert issues[0].severity is Severity.ERROR
    assert issues[0].location.file == "f.yaml"
    return issues[0]


def pos(issue: Issue) -> tuple[int | None, int | None]:
    return issue.location.line, issue.location.column


def read(path: Path, data: bytes) -> tuple[SourceDoc | None, list[Issue]]:
    path.write_bytes(data)
    return read_yaml_file(path, "s.yaml")


# ------------------------------------------------------------ duplicate keys


def test_duplicate_key_names_both_lines_and_keeps_the_first() -> None:
    text = """\
org_units:
  - id: kadis
    name: Dinas
    name: Dinas Sosial
"""
    issue = refusal(text)
    assert issue.code == "yaml-duplicate-key"
    assert pos(issue) == (4, 5)
    assert issue.path == "org_units[0]"
    assert issue.message == "duplicate key 'name': first written on line 3, again on line 4"
    doc, _ = load(text)
    assert doc is not None
    assert doc.data == {"org_units": [{"id": "kadis", "name": "Dinas"}]}


def test_duplicate_key_in_a_flow_mapping() -> None:
    issue = refusal("targets: {2022: 10, 2023: 20, 2022: 30}\n")
    assert issue.code == "yaml-duplicate-key"
    assert pos(issue) == (1, 31)
    assert issue.path == "targets"
    assert issue.message == "duplicate key '2022': first written on line 1, again on line 1"


def test_duplicate_top_level_section() -> None:
    issue = refusal("indicators: []\nvariables: []\nindicators: []\n")
    assert issue.code == "yaml-duplicate-key"
    assert pos(issue) == (3, 1)
    assert issue.path == ""
    assert "first written on line 1, again on line 3" in issue.message


# ------------------------------------------------------- anchors and aliases


def test_anchor_and_alias_are_refused_and_merge_keys_do_not_merge() -> None:
    text = """\
defaults: &d
  unit: "%"
indicators:
  - <<: *d
    id: x
"""
    doc, issues = load(text)
    assert [(i.code, pos(i)) for i in issues] == [
        ("yaml-anchor", (1, 11)),
        ("yaml-alias", (4, 9)),
    ]
    assert issues[0].message == "anchor '&d' is not allowed"
    assert issues[1].message == "alias '*d' is not allowed"
    assert doc is not None
    item = doc.data["indicators"][0]
    assert "unit" not in item  # '<<' is just a key; nothing was merged in
    assert item["id"] == "x"


def _alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases, 9**9 'lol's if expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BOMB = _alias_bomb()


def _leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value)
    return 1


def test_alias_bomb_is_small() -> None:
    # The fixture itself: about 400 bytes that would expand to 387 million strings.
    assert 300 < len(BOMB.encode()) < 450
    assert BOMB.count("*") == 8 * 9


def test_alias_bomb_returns_issues_without_expanding() -> None:
    doc, issues = load(BOMB)
    assert doc is not None
    assert issues
    assert len(issues) == MAX_ISSUES_PER_FILE  # capped, not one per alias use
    assert {i.code for i in issues} == {"yaml-anchor", "yaml-alias"}
    assert pos(issues[0]) == (1, 4)
    # Each alias became one empty placeholder: 9 strings in 'a', 9 per later key.
    assert _leaves(doc.data) == 9 * 9
    assert doc.data["a"] == ["lol"] * 9
    assert doc.data["i"] == [""] * 9


def test_alias_bomb_in_a_spec_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    report = sakipcalc.validate(tmp_path)
    assert report.has_errors
    assert {"yaml-anchor", "yaml-alias"} <= {i.code for i in report}
    first = next(i for i in report if i.code == "yaml-anchor")
    assert str(first.location) == f"{tmp_path.as_posix()}/bomb.yaml:1:4"


# ----------------------------------------------------------------- tags


def test_python_object_tag_is_refused_and_never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> int:
        raise AssertionError("os.system was called")

    monkeypatch.setattr(os, "system", forbidden)
    text = 'name: !!python/object/apply:os.system ["echo pwned"]\n'
    doc, issues = load(text)
    assert [(i.code, pos(i)) for i in issues] == [("yaml-tag", (1, 7))]
    assert issues[0].message == (
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    )
    assert doc is not None
    assert doc.data == {"name": ["echo pwned"]}


@pytest.mark.parametrize(
    ("text", "column", "tag"),
    [
        ("unit: !!str 010\n", 7, "tag:yaml.org,2002:str"),
        ("unit: !!float 1\n", 7, "tag:yaml.org,2002:float"),
        ("unit: !custom x\n", 7, "!custom"),
        ("!!map {unit: x}\n", 1, "tag:yaml.org,2002:map"),
    ],
)
def test_every_explicit_tag_is_refused(text: str, column: int, tag: str) -> None:
    issue = refusal(text)
    assert issue.code == "yaml-tag"
    assert pos(issue) == (1, column)
    assert issue.message == f"tag '{tag}' is not allowed"


# ------------------------------------------------------- non-string keys


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("? [a, b]\n: 1\n", 3),
        ("? {a: 1}\n: 1\n", 3),
        ("{[a, b]: 1}\n", 2),
    ],
)
def test_collection_key_is_refused(text: str, column: int) -> None:
    issue = refusal(text)
    assert issue.code == "yaml-non-string-key"
    assert pos(issue) == (1, column)
    assert issue.message == "mapping keys must be plain text, not a list or mapping"


@pytest.mark.parametrize(
    ("key", "reading"),
    [
        ("no", "a boolean"),
        ("yes", "a boolean"),
        ("NO", "a boolean"),
        ("off", "a boolean"),
        ("True", "a boolean"),
        ("null", "null"),
        ("~", "null"),
    ],
)
def test_bare_boolean_or_null_key_is_refused(key: str, reading: str) -> None:
    issue = refusal(f"countries:\n  id: 1\n  {key}: Norway\n")
    assert issue.code == "yaml-non-string-key"
    assert pos(issue) == (3, 3)
    assert issue.path == "countries"
    assert issue.message == f"key {key!r} would be read by YAML 1.1 as {reading}, not as text"
    assert issue.hint == f"quote it ('{key}') if you mean the text"


def test_quoted_boolean_key_is_text() -> None:
    doc, issues = load("'no': Norway\n\"yes\": 1\n")
    assert issues == []
    assert doc is not None
    assert doc.data == {"no": "Norway", "yes": "1"}


def test_empty_key_is_refused() -> None:
    issue = refusal("?\n: value\n")
    assert issue.code == "yaml-non-string-key"
    assert pos(issue) == (1, 2)
    assert issue.message == "key '' would be read by YAML 1.1 as null, not as text"


# ------------------------------------------------------- multiple documents


def test_second_document_is_refused_at_its_separator() -> None:
    doc, issues = load("a: 1\n---\nb: 2\n")
    assert doc is None
    assert [(i.code, pos(i)) for i in issues] == [("yaml-multiple-documents", (2, 1))]


def test_one_document_with_explicit_markers_is_fine() -> None:
    doc, issues = load("---\na: 1\n...\n")
    assert issues == []
    assert doc is not None
    assert doc.data == {"a": "1"}


def test_empty_text_is_an_empty_document() -> None:
    doc, issues = load("")
    assert issues == []
    assert doc is not None
    assert doc.data is None


# ----------------------------------------------------------------- size


def test_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    doc, issues = read(tmp_path / "big.yaml", b"#" * (MAX_FILE_BYTES + 1))
    assert doc is None
    assert len(issues) == 1
    assert issues[0].code == "file-too-large"
    assert issues[0].message == (
        f"file is {MAX_FILE_BYTES + 1} bytes; the limit is {MAX_FILE_BYTES} bytes"
    )
    assert issues[0].location == sakipcalc.Location("s.yaml")


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    doc, issues = read(tmp_path / "big.yaml", b"#" * MAX_FILE_BYTES)
    assert issues == []
    assert doc is not None


# ----------------------------------------------------------------- depth


def test_nesting_at_the_limit_is_fine() -> None:
    doc, issues = load("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert issues == []
    assert doc is not None


def test_nesting_one_past_the_limit_is_refused_at_the_level_that_exceeds_it() -> None:
    depth = MAX_DEPTH + 1
    issue = refusal("[" * depth + "]" * depth)
    assert issue.code == "yaml-too-deep"
    assert pos(issue) == (1, MAX_DEPTH + 1)
    assert issue.message == f"nesting is deeper than {MAX_DEPTH} levels"


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a: " + "[" * 5000, "{a: " * 5000])
def test_five_thousand_levels_are_refused_not_a_recursion_error(text: str) -> None:
    doc, issues = load(text)
    assert doc is None
    assert [i.code for i in issues] == ["yaml-too-deep"]


def test_deep_block_nesting_points_at_the_first_level_too_deep() -> None:
    # Line n+1 is key k<n> indented 2n spaces; the mapping of depth 33 is the
    # value of k31, which starts on line 33 after 64 spaces.
    text = "".join("  " * n + f"k{n}:\n" for n in range(40))
    issue = refusal(text)
    assert issue.code == "yaml-too-deep"
    assert pos(issue) == (33, 65)


def test_deep_spec_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text("indicators: " + "[" * 5000, encoding="utf-8")
    report = sakipcalc.validate(tmp_path)
    assert [i.code for i in report] == ["yaml-too-deep"]


# ------------------------------------------------------------- bad bytes


def test_invalid_utf8_is_located_by_line_and_column(tmp_path: Path) -> None:
    doc, issues = read(tmp_path / "s.yaml", b"name: Dinas\nunit: \xff%\n")
    assert doc is None
    assert len(issues) == 1
    assert issues[0].code == "not-utf8"
    assert issues[0].message == "byte 0xff is not valid UTF-8"
    assert pos(issues[0]) == (2, 7)


def test_latin1_file_is_reported_at_the_accented_letter(tmp_path: Path) -> None:
    # 'Pela\xefhari' as a Windows editor would save it.
    doc, issues = read(tmp_path / "s.yaml", b"spec:\n  name: Pela\xefhari\n")
    assert doc is None
    assert [(i.code, pos(i)) for i in issues] == [("not-utf8", (2, 13))]
    assert issues[0].message == "byte 0xef is not valid UTF-8"


def test_invalid_utf8_column_counts_characters(tmp_path: Path) -> None:
    # 'é' is two bytes but one column, as every other issue (and an editor) counts.
    _, issues = read(tmp_path / "s.yaml", "name: Dinas\nunit: é".encode() + b"\xff\n")
    assert [(i.code, pos(i)) for i in issues] == [("not-utf8", (2, 8))]


def test_invalid_utf8_after_a_bom_names_the_right_byte(tmp_path: Path) -> None:
    _, issues = read(tmp_path / "s.yaml", b"\xef\xbb\xbfa: 1\nb: \xff\n")
    assert len(issues) == 1
    assert issues[0].message == "byte 0xff is not valid UTF-8"
    assert pos(issues[0]) == (2, 4)


def test_bom_is_accepted(tmp_path: Path) -> None:
    doc, issues = read(tmp_path / "s.yaml", b"\xef\xbb\xbfunit: '%'\n")
    assert issues == []
    assert doc is not None
    assert doc.data == {"unit": "%"}


@pytest.mark.parametrize(
    ("char", "code"),
    [("\x07", "0007"), ("\x00", "0000"), ("\x1b", "001b"), ("\x7f", "007f")],
)
def test_control_character_is_located(char: str, code: str) -> None:
    issue = refusal(f"id: x\nname: Din{char}as\n")
    assert issue.code == "yaml-bad-character"
    assert pos(issue) == (2, 10)
    assert issue.message == f"character #x{code} is not allowed in YAML"


def test_a_bad_character_is_located_in_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b'a: "' + "\u00e9".encode() * 10 + b'" \x01\n')
    (issue,) = sakipcalc.validate(tmp_path)
    # a, :, space, quote (4), 10 letters (14), quote, space (16): the control is the 17th
    assert (issue.code, issue.location.line, issue.location.column) == (
        "yaml-bad-character",
        1,
        17,
    )


def test_tab_inside_text_is_fine() -> None:
    doc, issues = load("name: 'a\tb'\n")
    assert issues == []
    assert doc is not None
    assert doc.data == {"name": "a\tb"}


def test_one_megabyte_of_random_bytes_is_an_error(tmp_path: Path) -> None:
    garbage = random.Random(20220101).randbytes(1_000_000)
    (tmp_path / "garbage.yaml").write_bytes(garbage)
    report = sakipcalc.validate(tmp_path)
    assert report.has_errors
    assert report.errors[0].code == "not-utf8"


def test_one_megabyte_of_random_text_is_an_error(tmp_path: Path) -> None:
    rng = random.Random(7)
    text = "".join(rng.choice("ab:-[]{}#,'\"?&*!|> \n") for _ in range(1_000_000))
    (tmp_path / "garbage.yaml").write_text(text, encoding="utf-8")
    report = sakipcalc.validate(tmp_path)
    assert report.has_errors
    assert report.errors[0].location.line is not None


def test_syntax_error_has_a_position() -> None:
    issue = refusal("indicators:\n  - id: x\n   name: y\n")
    assert issue.code == "yaml-syntax"
    assert issue.location.line == 3


# ---------------------------------------------------- YAML 1.1 surprises


def test_scalars_stay_the_text_that_was_typed() -> None:
    text = """\
a: no
b: 010
c: 1:20
d: 2022-01-01
e: 0.1
f: 1_000
g: ~
h: "~"
i: 0x1F
j: .inf
"""
    doc, issues = load(text)
    assert issues == []
    assert doc is not None
    assert doc.data == {
        "a": "no",
        "b": "010",
        "c": "1:20",
        "d": "2022-01-01",
        "e": "0.1",
        "f": "1_000",
        "g": None,
        "h": "~",
        "i": "0x1F",
        "j": ".inf",
    }


def test_marks_point_at_values_and_keys() -> None:
    doc, _ = load("spec:\n  name: 'Demo'\n")
    assert doc is not None
    assert doc.locate(("spec", "name")) == sakipcalc.Location("f.yaml", 2, 10)  # after the quote
    assert doc.locate(("spec", "name"), prefer_key=True) == sakipcalc.Location("f.yaml", 2, 3)
    # An unwritten path falls back to its nearest written ancestor.
    assert doc.locate(("spec", "plan", "start")) == sakipcalc.Location("f.yaml", 2, 3)


PLAIN_TEXTS = [
    "spec:\n  name: 'Demo'\n  plan: {start: 2019, end: 2023}\n",
    "a:\n  - x\n  - 'y'\n  - {b: \"c\", d: ~}\nformula: >\n  served /\n  total * 100\n",
    "data:\n  '2022':\n    pop: {anak: 1, dewasa: null}\n    k: |\n      two\n      lines\n",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_plain_and_strict_reading_agree_on_data_and_positions(text: str) -> None:
    plain, plain_issues = load(text)
    strict, strict_issues = load_yaml_strictly(text, "f.yaml")
    assert plain is not None and strict is not None
    assert plain_issues == strict_issues == []
    assert plain.found is None  # read the fast way
    assert plain.data == strict.data
    assert plain.marks == strict.marks
    assert plain.key_marks == strict.key_marks
    assert plain.spans == strict.spans


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab:- \n'\"{}[],#&*!~|>?%@`", max_size=40))
def test_the_fast_reading_gives_the_strict_data_or_leaves_the_file_to_it(text: str) -> None:
    fast = plain_data(text)
    if fast is UNSURE:
        return
    strict, issues = load_yaml_strictly(text, "f.yaml")
    assert strict is not None and issues == []
    assert fast == strict.data


def test_positions_are_found_only_when_asked_for() -> None:
    doc, _ = load("spec:\n  name: Demo\n")
    assert doc is not None and doc.found is None  # nothing recorded while loading
    assert doc.locate(("spec", "name")) == sakipcalc.Location("f.yaml", 2, 9)
    assert doc.found is not None


SPEC_HEAD = """\
sakipcalc: 1
spec:
  id: demo
  name: {name}
  agency: {agency}
  plan: {{start: 2019, end: 2023}}
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    targets: {{2022: {target}}}
"""


def _spec(tmp_path: Path, name: str = "Demo", agency: str = "Dinas", target: str = "25") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC_HEAD.format(name=name, agency=agency, target=target), encoding="utf-8")
    return path


def test_no_stays_the_text_no_in_a_text_field(tmp_path: Path) -> None:
    spec = sakipcalc.load(_spec(tmp_path, name="no", agency="yes"))
    assert spec.info.name == "no"
    assert spec.info.agency == "yes"


def test_date_like_text_stays_text(tmp_path: Path) -> None:
    spec = sakipcalc.load(_spec(tmp_path, agency="2022-01-01"))
    assert spec.info.agency == "2022-01-01"


def _number_issue(tmp_path: Path, target: str) -> Issue:
    report = sakipcalc.validate(_spec(tmp_path, target=target))
    assert len(report) == 1, report.format()
    issue = report.issues[0]
    assert issue.code == "invalid-value"
    assert pos(issue) == (11, 21)
    assert issue.path == "indicators[0].targets.2022"
    return issue


def test_leading_zero_number_is_an_error_mentioning_octal(tmp_path: Path) -> None:
    issue = _number_issue(tmp_path, "010")
    assert issue.message == (
        "number '010' has a leading zero, which YAML 1.1 reads as octal; "
        "write 10 without the zero, or quote it if it is text"
    )


def test_sexagesimal_number_is_an_error_mentioning_base_60(tmp_path: Path) -> None:
    issue = _number_issue(tmp_path, "1:20")
    assert issue.message == (
        "'1:20' is not a decimal number (YAML 1.1 would read it as base 60); quote it if it is text"
    )


@pytest.mark.parametrize("target", ["0x1F", ".inf", ".nan"])
def test_other_number_spellings_are_errors(tmp_path: Path, target: str) -> None:
    issue = _number_issue(tmp_path, target)
    assert issue.message == f"expected a plain decimal number such as 41.42, got {target!r}"


@pytest.mark.parametrize(
    ("target", "fixed"), [("1e3", "1000"), ("1_000", "1000"), (".5", "0.5"), ("+5", "5")]
)
def test_number_spellings_with_a_plain_reading_suggest_it(
    tmp_path: Path, target: str, fixed: str
) -> None:
    issue = _number_issue(tmp_path, target)
    assert issue.message == (
        f"{target!r} is not a plain decimal number: write {fixed} "
        f"(plain digits, with a point as the decimal separator)"
    )


@pytest.mark.parametrize("target", ["0.1", "0.10", "46.075", "25", "33.333333333333333333333"])
def test_numbers_arrive_as_exact_decimals(tmp_path: Path, target: str) -> None:
    spec = sakipcalc.load(_spec(tmp_path, target=target))
    value = spec.indicators["pct"].targets["2022"].value
    assert isinstance(value, Decimal)
    assert str(value) == target  # digits and trailing zeros exactly as written
    if "." in target:  # never went through a binary float on the way
        assert value != Decimal(float(target))


def test_flag_is_not_a_yaml_11_boolean(tmp_path: Path) -> None:
    path = _spec(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8") + "    allow_over_100: yes\n", encoding="utf-8"
    )
    report = sakipcalc.validate(path)
    assert [(i.code, pos(i), i.message) for i in report] == [
        ("invalid-value", (12, 21), "expected true or false, got 'yes'")
    ]


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_yields_a_document_or_issues(text: str) -> None:
    doc, issues = load_yaml_text(text, "f.yaml")
    assert doc is not None or any(i.severity is Severity.ERROR for i in issues)
    for issue in issues:
        assert issue.location.file == "f.yaml"
        assert issue.location.line is None or issue.location.line >= 1


YAMLISH = st.text(alphabet="ab1:-[]{}#,'\"?&*!|>~ \n\t%@`\\", max_size=80)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yaml_punctuation_yields_a_document_or_located_issues(text: str) -> None:
    doc, issues = load_yaml_text(text, "f.yaml")
    assert doc is not None or issues
    for issue in issues:
        assert issue.location.line is not None
        assert issue.location.line >= 1
        assert issue.location.column is not None
        assert issue.location.column >= 1


# Documents made of the spec format's own words, so that generated input gets
# past the YAML layer into models, references, formulas and data.
_KEYS = sorted(
    {
        *("sakipcalc", "imports", "spec", "data", "breakdowns", "variables", "scales"),
        *("org_units", "indicators", "goals", "objectives", "agreements", "links"),
        *("budget", "reported", "id", "name", "unit", "formula", "targets", "owner"),
        *("scale", "kind", "bands", "label", "range", "domain", "breakdown", "categories"),
        *("parent", "child", "level", "plan", "start", "end", "year", "org_unit", "items"),
        *("indicator", "target", "programs", "ceiling", "spent", "polarity", "goal"),
        *("allow_over_100", "end_target", "baseline", "period", "value", "subsets"),
        *("2022", "2021", "2022-Q1", "x", "y", "min", "max", "expr", "source"),
    }
)
_WORDS = st.sampled_from(
    [
        *("x", "y", "z", "demo", "kadis", "akip", "jenis", "anak", "2019", "2022", "2030"),
        *("0", "-1", "25", "120", "0.1", "46.075", "010", "1:20", "1,5", "%", "orang"),
        *("grade", "category", "count", "percentage", "rupiah", "II", "BB", "true", "no"),
        *("[0, 50]", "(50, 100]", "(-inf, 75)", "x / y * 100", "sum(x)", "x +", "1/0"),
        *("higher_is_better", "exact", "../x", "/etc/passwd", "2022-Q5", ""),
    ]
)
_SCALAR = st.one_of(
    _WORDS,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=8),
)
_TREE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)
_DOCUMENT = st.dictionaries(st.sampled_from(_KEYS), _TREE, max_size=8)


def _as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT, st.booleans())
def test_generated_spec_loads_or_raises_spec_error(document: dict[str, Any], header: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "doc.yaml").write_text(_as_yaml(document), encoding="utf-8")
        if header:
            (root / "spec.yaml").write_text(
                SPEC_HEAD.format(name="D", agency="A", target="1"), encoding="utf-8"
            )
        report = sakipcalc.validate(root)
        outcome = _load_or_error(root)
    assert isinstance(report, IssueReport)
    if isinstance(outcome, sakipcalc.SpecError):
        if report.has_errors:
            assert outcome.issues == report
        else:  # a library of scales or breakdowns: valid, but not a spec to load
            assert [i.code for i in outcome.issues.errors] == ["missing-spec"]
    else:
        assert not report.has_errors
        assert outcome.warnings == IssueReport.of(report.warnings)


def _load_or_error(root: Path) -> sakipcalc.Spec | sakipcalc.SpecError:
    """The spec, or the SpecError; any other exception fails the test."""
    try:
        return sakipcalc.load(root)
    except sakipcalc.SpecError as error:
        return error


@settings(max_examples=60, deadline=None)
@given(_DOCUMENT, st.data())
def test_generated_text_with_a_cut_or_a_stray_character_never_crashes(
    document: dict[str, Any], data: st.DataObject
) -> None:
    text = _as_yaml(document)
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    stray = data.draw(st.sampled_from(["", "\t", ":", "- ", "&a ", "*a", "!!x ", "\x00", "'"]))
    mangled = text[:cut] + stray + text[cut:]
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "doc.yaml").write_text(mangled, encoding="utf-8")
        report = sakipcalc.validate(directory)
    assert isinstance(report, IssueReport)
