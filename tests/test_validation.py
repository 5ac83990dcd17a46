"""One or more tests per validation rule of ``sakipcalc._loader``.

Every test writes a small spec into a fresh directory, runs it through the
public ``validate``/``load`` and asserts on the structured fields of the
issues (code, line, column, path, hint). Line and column numbers below were
counted by hand in the YAML next to them: lines from 1, columns from 1.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import sakipcalc
from sakipcalc import Issue, IssueReport, Severity

# The spec header lives in its own file, so the YAML under test in each case
# ("items.yaml") starts at line 1 and its positions are easy to count.
SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
"""

Check = Callable[..., IssueReport]


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Check:
    """Write ``items.yaml`` (plus other files) next to the spec header and validate the lot.

    The working directory is the spec directory, so issue files read ``items.yaml``.
    """
    monkeypatch.chdir(tmp_path)

    def run(items: str, *, header: str | None = SPEC, **files: str) -> IssueReport:
        written = {"items.yaml": items, **{f"{k}.yaml": v for k, v in files.items()}}
        if header is not None:
            written["spec.yaml"] = header
        for name, text in written.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return sakipcalc.validate(".")

    return run


def only(report: IssueReport, code: str) -> Issue:
    """The single issue with ``code``; fails when there are none or several."""
    found = [i for i in report if i.code == code]
    assert len(found) == 1, f"expected one {code!r} issue, got:\n{report.format()}"
    return found[0]


def at(issue: Issue) -> tuple[str, int | None, int | None]:
    return issue.location.file, issue.location.line, issue.location.column


def codes(report: IssueReport) -> list[str]:
    return [i.code for i in report]


# ---------------------------------------------------------------- a baseline


def test_a_well_formed_spec_has_no_issues(check: Check) -> None:
    # Guards every test below: the header and the shapes they build on are valid.
    report = check(
        """\
org_units:
  - id: kadis
    name: Dinas Sosial
    level: II
variables:
  - id: served
    domain: count
  - id: total
    domain: count
indicators:
  - id: pct_served
    name: Persentase PMKS tertangani
    unit: "%"
    formula: served / total * 100
    owner: kadis
    targets: {2022: 25}
data:
  "2022": {served: 10, total: 40}
"""
    )
    assert report.issues == ()


# ------------------------------------------------------------ unknown keys


def test_unknown_section_suggests_the_closest_one(check: Check) -> None:
    report = check(
        """\
indicator:
  - id: pct
"""
    )
    issue = only(report, "unknown-key")
    assert at(issue) == ("items.yaml", 1, 1)
    assert issue.path == "indicator"
    assert issue.message == "unknown section 'indicator'"
    assert issue.hint == "did you mean 'indicators'?"
    assert issue.severity is Severity.ERROR


def test_unknown_section_without_a_close_match_lists_the_sections(check: Check) -> None:
    report = check("zzz: 1\n")
    issue = only(report, "unknown-key")
    assert issue.hint is not None
    assert issue.hint.startswith("sections are: sakipcalc, imports, spec, data, ")


def test_unknown_key_in_an_item_points_at_the_key(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    polarty: lower_is_better
"""
    )
    issue = only(report, "unknown-key")
    assert at(issue) == ("items.yaml", 5, 5)
    assert issue.path == "indicators[0].polarty"
    assert issue.message == "unknown key 'polarty'"
    assert issue.hint == "did you mean 'polarity'?"


def test_unknown_key_in_a_nested_mapping_suggests_from_that_mapping(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    rounding: {place: 1}
"""
    )
    issue = only(report, "unknown-key")
    assert at(issue) == ("items.yaml", 5, 16)
    assert issue.path == "indicators[0].rounding.place"
    assert issue.hint == "did you mean 'places'?"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(check: Check) -> None:
    report = check("", header=SPEC.replace("end: 2023}", "end: 2023, zzz: 1}"))
    issue = only(report, "unknown-key")
    assert at(issue) == ("spec.yaml", 5, 34)
    assert issue.path == "spec.plan.zzz"
    assert issue.hint == "allowed keys: baseline, end, start"


# ------------------------------------------------------------ missing keys


def test_missing_required_key_points_at_the_item(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    unit: "%"
"""
    )
    issue = only(report, "missing-key")
    assert at(issue) == ("items.yaml", 2, 5)
    assert issue.path == "indicators[0].name"
    assert issue.message == "missing required key 'name'"


def test_missing_keys_are_each_reported(check: Check) -> None:
    report = check(
        """\
org_units:
  - id: kadis
"""
    )
    missing = sorted(i.path for i in report if i.code == "missing-key")
    assert missing == ["org_units[0].level", "org_units[0].name"]


def test_missing_spec_section(check: Check) -> None:
    report = check("indicators: []\n", header=None)
    issue = only(report, "missing-spec")
    assert at(issue) == ("items.yaml", None, None)


def test_second_spec_section_names_the_first(check: Check) -> None:
    report = check(SPEC)
    issue = only(report, "duplicate-spec")
    # Files load in sorted order: items.yaml before spec.yaml.
    assert at(issue) == ("spec.yaml", 3, 3)
    assert issue.message == "a second 'spec:' section; the first is at items.yaml:3:3"


def test_unsupported_format_version(check: Check) -> None:
    report = check("sakipcalc: 2\n")
    issue = only(report, "unsupported-version")
    assert at(issue) == ("items.yaml", 1, 12)
    assert issue.path == "sakipcalc"


def test_section_that_is_not_a_list(check: Check) -> None:
    report = check("indicators: {id: pct}\n")
    issue = only(report, "type")
    assert at(issue) == ("items.yaml", 1, 13)
    assert issue.message == "section 'indicators' must be a list"


def test_plan_that_ends_before_it_starts(check: Check) -> None:
    report = check("", header=SPEC.replace("{start: 2019, end: 2023}", "{start: 2023, end: 2019}"))
    issue = only(report, "invalid-plan")
    assert at(issue) == ("spec.yaml", 5, 9)
    assert issue.message == "plan starts in 2023, after it ends in 2019"


# ------------------------------------------------------------ duplicate ids


def test_duplicate_id_across_files_names_the_other_file(check: Check) -> None:
    report = check(
        "",
        a="""\
indicators:
  - id: pct
    name: A
    unit: orang
""",
        b="""\
indicators:
  - id: pct
    name: B
    unit: orang
""",
    )
    issue = only(report, "duplicate-id")
    assert at(issue) == ("b.yaml", 2, 9)
    assert issue.path == "indicators[0].id"
    assert issue.message == "id 'pct' is already used by an indicator at a.yaml:2:9"
    assert issue.hint is not None
    assert issue.hint.startswith("ids must be unique across all files of a spec")


def test_duplicate_org_unit_id_across_files(check: Check) -> None:
    report = check(
        "",
        a="org_units:\n  - {id: kadis, name: Dinas, level: II}\n",
        b="org_units:\n  - id: kadis\n    name: Dinas Lain\n    level: II\n",
    )
    issue = only(report, "duplicate-id")
    assert at(issue) == ("b.yaml", 2, 9)
    assert issue.message == "id 'kadis' is already used by an org unit at a.yaml:2:10"
    assert issue.hint == "ids must be unique across all files of a spec"


def test_indicators_and_variables_share_one_namespace(check: Check) -> None:
    report = check(
        "",
        a="""\
variables:
  - id: served
""",
        b="""\
indicators:
  - id: served
    name: B
    unit: orang
""",
    )
    issue = only(report, "duplicate-id")
    assert at(issue) == ("b.yaml", 2, 9)
    assert issue.message == "id 'served' is already used by a variable at a.yaml:2:9"
    assert issue.hint is not None
    assert "share one namespace" in issue.hint


def test_same_id_in_different_namespaces_is_fine(check: Check) -> None:
    report = check(
        """\
org_units:
  - id: kadis
    name: Dinas
    level: II
goals:
  - id: kadis
    name: Tujuan
"""
    )
    assert report.issues == ()


def test_duplicate_data_across_files(check: Check) -> None:
    report = check(
        """\
variables:
  - id: served
""",
        a='data:\n  "2022": {served: 1}\n',
        b='data:\n  "2022":\n    served: 2\n',
    )
    issue = only(report, "duplicate-data")
    assert at(issue) == ("b.yaml", 3, 5)
    assert issue.message == "data for 'served' in period 2022 is already given at a.yaml:2:20"


# ------------------------------------------------------- dangling references


def test_indicator_owner_must_be_an_org_unit(check: Check) -> None:
    report = check(
        """\
org_units:
  - id: kadis
    name: Dinas
    level: II
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    owner: kadsi
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 9, 12)
    assert issue.path == "indicators[0].owner"
    assert issue.message == "unknown org unit 'kadsi'"
    assert issue.hint == "did you mean 'kadis'?"


def test_reference_with_nothing_declared_says_where_to_declare(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    owner: kadis
"""
    )
    issue = only(report, "unknown-reference")
    assert issue.hint == "declare it under 'org_units:'"


def test_reference_without_a_close_match_lists_known_ids(check: Check) -> None:
    report = check(
        """\
org_units:
  - id: kadis
    name: Dinas
    level: II
  - id: sekretariat
    name: Sekretariat
    level: III
    parent: kadis
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    owner: zzz
"""
    )
    issue = only(report, "unknown-reference")
    assert issue.hint == "known: kadis, sekretariat"


def test_link_must_name_indicators(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct_served
    name: Persentase
    unit: "%"
links:
  - {parent: pct_served, child: pct_serve}
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 6, 33)
    assert issue.path == "links[0].child"
    assert issue.message == "unknown indicator 'pct_serve'"
    assert issue.hint == "did you mean 'pct_served'?"


def test_indicator_scale_must_exist(check: Check) -> None:
    report = check(
        """\
scales:
  - id: akip
    kind: grade
    bands:
      - {label: D, range: "[0, 50]"}
      - {label: A, range: "(50, 100]"}
indicators:
  - id: predikat
    name: Predikat AKIP
    unit: predikat
    scale: akp
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 11, 12)
    assert issue.path == "indicators[0].scale"
    assert issue.message == "unknown scale 'akp'"
    assert issue.hint == "did you mean 'akip'?"


def test_indicator_scale_must_be_a_grade_scale(check: Check) -> None:
    report = check(
        """\
scales:
  - id: lampu
    kind: category
    bands:
      - {label: merah, range: "(-inf, 75)"}
      - {label: hijau, range: "[75, inf)"}
indicators:
  - id: predikat
    name: Predikat
    unit: predikat
    scale: lampu
"""
    )
    issue = only(report, "wrong-scale-kind")
    assert at(issue) == ("items.yaml", 11, 12)
    assert issue.message == "scale 'lampu' is a category scale; a grade scale is needed"


def test_budget_line_must_name_indicators(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct_served
    name: Persentase
    unit: "%"
budget:
  - year: 2022
    programs:
      - id: p1
        name: Program Perlindungan
        ceiling: 100
        spent: 50
        indicators: [pct_srved]
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 12, 22)
    assert issue.path == "budget[0].programs[0].indicators[0]"
    assert issue.message == "unknown indicator 'pct_srved'"
    assert issue.hint == "did you mean 'pct_served'?"


def test_objective_must_name_a_goal(check: Check) -> None:
    report = check(
        """\
goals:
  - id: tujuan_1
    name: Tujuan
objectives:
  - id: sasaran_1
    name: Sasaran
    goal: tujuan_2
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 7, 11)
    assert issue.path == "objectives[0].goal"
    assert issue.message == "unknown goal 'tujuan_2'"
    assert issue.hint == "did you mean 'tujuan_1'?"


def test_agreement_must_name_an_org_unit(check: Check) -> None:
    report = check(
        """\
org_units:
  - id: kadis
    name: Dinas
    level: II
agreements:
  - id: pk_2022
    year: 2022
    org_unit: kadsi
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 8, 15)
    assert issue.path == "agreements[0].org_unit"
    assert issue.hint == "did you mean 'kadis'?"


def test_reference_to_an_item_that_failed_is_not_reported_twice(check: Check) -> None:
    # 'pct' is broken (no unit); the link to it must not add "unknown indicator 'pct'".
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
  - id: other
    name: Lain
    unit: "%"
links:
  - {parent: other, child: pct}
"""
    )
    assert codes(report) == ["missing-key"]


# ----------------------------------------------------------------- cycles


def test_cycle_in_links_shows_the_full_path(check: Check) -> None:
    report = check(
        """\
indicators:
  - {id: a, name: A, unit: "%"}
  - {id: b, name: B, unit: "%"}
  - {id: c, name: C, unit: "%"}
links:
  - {parent: a, child: b}
  - {parent: b, child: c}
  - {parent: c, child: a}
"""
    )
    issue = only(report, "cycle")
    assert issue.message == "cascading links form a cycle: a → b → c → a"
    assert at(issue) == ("items.yaml", 6, 5)
    assert issue.path == "links[0]"


def test_link_to_itself_is_a_cycle(check: Check) -> None:
    report = check(
        """\
indicators:
  - {id: a, name: A, unit: "%"}
links:
  - {parent: a, child: a}
"""
    )
    issue = only(report, "cycle")
    assert issue.message == "cascading links form a cycle: a → a"


def test_duplicate_link_names_the_first(check: Check) -> None:
    report = check(
        """\
indicators:
  - {id: a, name: A, unit: "%"}
  - {id: b, name: B, unit: "%"}
links:
  - {parent: a, child: b}
  - {parent: a, child: b}
"""
    )
    issue = only(report, "duplicate-link")
    assert at(issue) == ("items.yaml", 6, 5)
    assert issue.message == "link a ← b is declared twice (first at items.yaml:5:5)"


def test_cycle_in_formulas_shows_the_full_path(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: x
    name: X
    unit: orang
    formula: y + 1
  - id: y
    name: Y
    unit: orang
    formula: z * 2
  - id: z
    name: Z
    unit: orang
    formula: x - 1
"""
    )
    issue = only(report, "cycle")
    assert issue.message == "indicator formulas use each other: x → y → z → x"
    assert at(issue) == ("items.yaml", 5, 14)
    assert issue.path == "indicators[0].formula"


def test_cycle_in_org_unit_parents(check: Check) -> None:
    report = check(
        """\
org_units:
  - {id: a, name: A, level: III, parent: b}
  - {id: b, name: B, level: III, parent: a}
"""
    )
    issue = only(report, "cycle")
    assert issue.message == "org units are their own parents: a → b → a"
    assert at(issue) == ("items.yaml", 2, 42)


# ----------------------------------------------------------------- formulas


FORMULA_ITEMS = """\
variables:
  - id: served
    domain: count
  - id: total
    domain: count
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    formula: {formula}
"""


def test_undeclared_formula_variable_has_caret_and_suggestion(check: Check) -> None:
    report = check(FORMULA_ITEMS.format(formula="served / totl * 100"))
    issue = only(report, "formula")
    # 'formula: ' ends at column 13; 'totl' is 9 characters into the formula.
    assert at(issue) == ("items.yaml", 10, 14 + 9)
    assert issue.path == "indicators[0].formula"
    assert issue.message == "unknown variable 'totl'; did you mean 'total'?"
    assert issue.excerpt == "served / totl * 100\n         ^"


def test_caret_column_accounts_for_quotes(check: Check) -> None:
    report = check(FORMULA_ITEMS.format(formula='"servd / total"'))
    issue = only(report, "formula")
    # The opening quote is column 14, so the formula's first character is column 15.
    assert at(issue) == ("items.yaml", 10, 15)
    assert issue.message == "unknown variable 'servd'; did you mean 'served'?"
    assert issue.excerpt == "servd / total\n^"


def test_formula_syntax_outside_the_whitelist(check: Check) -> None:
    report = check(FORMULA_ITEMS.format(formula="served.real / total"))
    issue = only(report, "formula")
    assert issue.location.line == 10
    assert issue.message.endswith("is not allowed in formulas")


def test_grade_indicator_may_not_have_a_formula(check: Check) -> None:
    report = check(
        """\
scales:
  - id: akip
    kind: grade
    bands:
      - {label: D, range: "[0, 50]"}
      - {label: A, range: "(50, 100]"}
variables:
  - id: skor
indicators:
  - id: predikat
    name: Predikat
    unit: predikat
    scale: akip
    formula: skor
"""
    )
    issue = only(report, "grade-with-formula")
    assert at(issue) == ("items.yaml", 14, 14)


# ----------------------------------------------------------------- scales


SCALE_ITEMS = """\
scales:
  - id: s
    kind: grade
    bands:
      - {{label: C, range: "{first}"}}
      - {{label: B, range: "{second}"}}
"""
# '      - {label: C, range: "' is 27 characters: the interval starts at column 28.
RANGE_COLUMN = 28


@pytest.mark.parametrize(
    ("first", "second", "code", "message"),
    [
        pytest.param(
            "[0, 50]",
            "(60, 100]",
            "band-gap",
            "scale 's': gap between [0, 50] and (60, 100]: "
            "values above 50 and below 60 fall in no band",
            id="gap",
        ),
        pytest.param(
            "[0, 50)",
            "(50, 100]",
            "band-gap",
            "scale 's': gap at 50: [0, 50) and (50, 100] both exclude it; include it in one",
            id="gap-at-a-point",
        ),
        pytest.param(
            "[0, 60]",
            "(50, 100]",
            "band-overlap",
            "scale 's': band (50, 100] overlaps the band before it, [0, 60]",
            id="overlap",
        ),
        pytest.param(
            "[0, 50]",
            "[50, 100]",
            "band-overlap",
            "scale 's': bands [0, 50] and [50, 100] overlap at 50; exclude it from one of them",
            id="overlap-at-a-point",
        ),
        pytest.param(
            "(50, 100]",
            "[0, 50]",
            "band-order",
            "scale 's': bands are out of order: [0, 50] comes after (50, 100]; "
            "list bands lowest first",
            id="order",
        ),
        pytest.param(
            "[0, inf)",
            "[100, inf)",
            "band-overlap",
            "scale 's': band [100, inf) overlaps [0, inf), which has no upper bound: "
            "only the last band may run to inf",
            id="after-unbounded",
        ),
        pytest.param(
            "(-inf, 50)",
            "(-inf, 100]",
            "band-overlap",
            "scale 's': band (-inf, 100] overlaps the band before it, (-inf, 50): "
            "only the first band may start at -inf",
            id="second-unbounded-below",
        ),
        pytest.param(
            "[50, 60]",
            "[0, 40]",
            "band-order",
            "scale 's': bands are out of order: [0, 40] comes after [50, 60]; "
            "list bands lowest first",
            id="order-with-a-gap",
        ),
    ],
)
def test_scale_band_problems(
    check: Check, first: str, second: str, code: str, message: str
) -> None:
    report = check(SCALE_ITEMS.format(first=first, second=second))
    issue = only(report, code)
    assert issue.message == message
    assert at(issue) == ("items.yaml", 6, RANGE_COLUMN)
    assert issue.path == "scales[0].bands[1].range"
    assert len(report) == 1


def test_touching_bands_with_one_side_inclusive_are_fine(check: Check) -> None:
    report = check(SCALE_ITEMS.format(first="[0, 50]", second="(50, 100]"))
    assert report.issues == ()


def test_band_interval_that_does_not_parse(check: Check) -> None:
    report = check(SCALE_ITEMS.format(first="0-50", second="(50, 100]"))
    issue = only(report, "invalid-band")
    assert at(issue) == ("items.yaml", 5, RANGE_COLUMN)
    assert issue.message.startswith("invalid range '0-50': write an interval such as")


def test_band_with_bounds_reversed(check: Check) -> None:
    report = check(SCALE_ITEMS.format(first="[50, 0]", second="(50, 100]"))
    issue = only(report, "invalid-band")
    assert issue.message == "invalid range '[50, 0]': the lower bound is above the upper bound"


def test_duplicate_band_label(check: Check) -> None:
    report = check(
        """\
scales:
  - id: s
    kind: grade
    bands:
      - {label: C, range: "[0, 50]"}
      - {label: C, range: "(50, 100]"}
"""
    )
    issue = only(report, "duplicate-band")
    assert at(issue) == ("items.yaml", 6, 17)
    assert issue.message == "label 'C' is used by band 1 already"


# ------------------------------------------------------------------ targets


def test_target_outside_the_plan_points_at_its_year(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
    unit: orang
    targets:
      2022: 10
      2025: 30
"""
    )
    issue = only(report, "target-outside-plan")
    assert at(issue) == ("items.yaml", 7, 7)
    assert issue.path == "indicators[0].targets.2025"
    assert issue.message == "target for 2025 is outside the plan 2019–2023"


def test_baseline_after_the_plan_starts(check: Check) -> None:
    report = check(
        """\
indicators:
  - id: pct
    name: Persentase
    unit: orang
    baseline: {period: 2020, value: 5}
"""
    )
    issue = only(report, "baseline-inside-plan")
    assert at(issue) == ("items.yaml", 5, 24)


PERCENT_ITEMS = """\
indicators:
  - id: pct
    name: Persentase
    unit: "{unit}"
    targets: {{2022: {target}}}
{extra}"""


@pytest.mark.parametrize("unit", ["%", "persen", "Percent"])
@pytest.mark.parametrize("target", ["120", "-1", "100.01"])
def test_percentage_target_outside_0_to_100(check: Check, unit: str, target: str) -> None:
    report = check(PERCENT_ITEMS.format(unit=unit, target=target, extra=""))
    issue = only(report, "percentage-out-of-range")
    assert at(issue) == ("items.yaml", 5, 21)
    assert issue.path == "indicators[0].targets.2022"
    assert issue.message == f"percentage target {target} is outside 0–100"
    assert len(report) == 1


@pytest.mark.parametrize("target", ["0", "100", "99.99"])
def test_percentage_target_inside_0_to_100_is_fine(check: Check, target: str) -> None:
    assert check(PERCENT_ITEMS.format(unit="%", target=target, extra="")).issues == ()


def test_allow_over_100_accepts_a_percentage_target_above_100(check: Check) -> None:
    report = check(PERCENT_ITEMS.format(unit="%", target="120", extra="    allow_over_100: true\n"))
    assert report.issues == ()


def test_percentage_range_target_is_checked_at_both_ends(check: Check) -> None:
    report = check(PERCENT_ITEMS.format(unit="%", target="{min: 90, max: 110}", extra=""))
    issue = only(report, "percentage-out-of-range")
    assert issue.message == "percentage target 110 is outside 0–100"


def test_range_target_with_min_above_max(check: Check) -> None:
    report = check(PERCENT_ITEMS.format(unit="orang", target="{min: 90, max: 10}", extra=""))
    issue = only(report, "invalid-range")
    assert issue.path == "indicators[0].targets.2022"


def test_percentage_target_in_an_agreement_is_checked(check: Check) -> None:
    report = check(
        """\
org_units:
  - {id: kadis, name: Dinas, level: II}
indicators:
  - {id: pct, name: Persentase, unit: "%"}
agreements:
  - id: pk_2022
    year: 2022
    org_unit: kadis
    items:
      - {indicator: pct, target: 150}
"""
    )
    issue = only(report, "percentage-out-of-range")
    assert at(issue) == ("items.yaml", 10, 34)
    assert issue.path == "agreements[0].items[0].target"


def test_grade_target_must_be_on_the_scale(check: Check) -> None:
    report = check(
        """\
scales:
  - id: akip
    kind: grade
    bands:
      - {label: C, range: "[0, 50]"}
      - {label: BB, range: "(50, 100]"}
indicators:
  - id: predikat
    name: Predikat
    unit: predikat
    scale: akip
    targets: {2022: BBB}
"""
    )
    issue = only(report, "unknown-grade")
    assert at(issue) == ("items.yaml", 12, 21)
    assert issue.message == "'BBB' is not a grade of scale 'akip'"
    assert issue.hint == "did you mean 'BB'?"


def test_grade_target_needs_a_scale(check: Check) -> None:
    report = check(PERCENT_ITEMS.format(unit="predikat", target="BB", extra=""))
    issue = only(report, "grade-without-scale")
    assert at(issue) == ("items.yaml", 5, 21)


def test_agreement_outside_the_plan_is_a_warning(check: Check) -> None:
    report = check(
        """\
org_units:
  - {id: kadis, name: Dinas, level: II}
agreements:
  - {id: pk_2030, year: 2030, org_unit: kadis}
"""
    )
    issue = only(report, "agreement-outside-plan")
    assert issue.severity is Severity.WARNING
    assert not report.has_errors


# -------------------------------------------------------- unit mismatch


LINK_ITEMS = """\
indicators:
  - {id: parent, name: Induk, unit: "%"}
  - {id: child, name: Anak, unit: dokumen}
links:
  - {parent: parent, child: child}
"""


def test_unit_mismatch_across_a_link_is_a_warning_not_an_error(check: Check) -> None:
    report = check(LINK_ITEMS)
    issue = only(report, "link-unit-mismatch")
    assert issue.severity is Severity.WARNING
    assert at(issue) == ("items.yaml", 5, 5)
    assert issue.path == "links[0]"
    assert issue.message == "'child' (dokumen) supports 'parent' (%): the units differ"
    assert not report.has_errors


def test_spec_with_only_warnings_loads_and_keeps_them(check: Check) -> None:
    check(LINK_ITEMS)
    spec = sakipcalc.load(".")
    assert [i.code for i in spec.warnings] == ["link-unit-mismatch"]


def test_units_differing_only_in_case_and_spaces_match(check: Check) -> None:
    report = check(LINK_ITEMS.replace("unit: dokumen", 'unit: " % "'))
    assert report.issues == ()


# ---------------------------------------------------------- data domains


DATA_ITEMS = """\
breakdowns:
  - id: jenis
    categories: [anak, lansia]
scales:
  - id: akip
    kind: grade
    bands:
      - {{label: C, range: "[0, 50]"}}
      - {{label: BB, range: "(50, 100]"}}
variables:
  - {{id: jumlah, domain: count}}
  - {{id: persen, domain: percentage}}
  - {{id: anggaran, domain: rupiah}}
  - {{id: predikat, domain: grade, scale: akip}}
  - {{id: per_jenis, domain: count, breakdown: jenis}}
data:
  "2022":
    {name}: {value}
"""
# Line 18 is '    <name>: <value>'; the value starts after the name and ': '.


@pytest.mark.parametrize(
    ("name", "value", "code", "message"),
    [
        pytest.param(
            "jumlah",
            "-1",
            "out-of-domain",
            "'jumlah' is a count, so it must be a whole number ≥ 0, not -1",
            id="negative-count",
        ),
        pytest.param(
            "jumlah",
            "2.5",
            "out-of-domain",
            "'jumlah' is a count, so it must be a whole number ≥ 0, not 2.5",
            id="fraction-count",
        ),
        pytest.param(
            "persen",
            "120",
            "out-of-domain",
            "'persen' is a percentage, so it must lie in 0–100, not 120",
            id="percentage-120",
        ),
        pytest.param(
            "anggaran",
            "1500000.125",
            "out-of-domain",
            "'anggaran' is an amount in Rupiah: ≥ 0 with at most 2 decimals, not 1500000.125",
            id="rupiah-3-decimals",
        ),
        pytest.param(
            "anggaran",
            "-5",
            "out-of-domain",
            "'anggaran' is an amount in Rupiah: ≥ 0 with at most 2 decimals, not -5",
            id="negative-rupiah",
        ),
        pytest.param(
            "predikat",
            "BBB",
            "unknown-grade",
            "'BBB' is not a grade of scale 'akip'",
            id="unknown-grade",
        ),
        pytest.param(
            "jumlah",
            "1,5",
            "invalid-number",
            "'1,5' is not a plain decimal number: write 1.5 (a point as the decimal "
            "separator and no thousands separators)",
            id="comma-decimal",
        ),
    ],
)
def test_data_domain_violation(
    check: Check, name: str, value: str, code: str, message: str
) -> None:
    report = check(DATA_ITEMS.format(name=name, value=value))
    issue = only(report, code)
    assert issue.message == message
    assert at(issue) == ("items.yaml", 18, 5 + len(name) + 2)
    assert issue.path == f"data.2022.{name}"
    assert len(report) == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("jumlah", "0"),
        ("jumlah", "75695"),
        ("persen", "100"),
        ("anggaran", "1500000.12"),
        ("predikat", "BB"),
        ("per_jenis", "{anak: 1, lansia: 0}"),
    ],
)
def test_data_inside_its_domain_is_fine(check: Check, name: str, value: str) -> None:
    assert check(DATA_ITEMS.format(name=name, value=value)).issues == ()


def test_unknown_category_in_data_points_at_the_category(check: Check) -> None:
    report = check(DATA_ITEMS.format(name="per_jenis", value="{anak: 1, lansai: 2}"))
    issue = only(report, "unknown-category")
    # '    per_jenis: {anak: 1, ' is 25 characters.
    assert at(issue) == ("items.yaml", 18, 26)
    assert issue.path == "data.2022.per_jenis.lansai"
    assert issue.message == "'lansai' is not a category of 'per_jenis'"
    assert issue.hint == "did you mean 'lansia'?"


def test_domain_is_checked_per_category(check: Check) -> None:
    report = check(DATA_ITEMS.format(name="per_jenis", value="{anak: 1, lansia: -3}"))
    issue = only(report, "out-of-domain")
    assert at(issue) == ("items.yaml", 18, 34)
    assert issue.path == "data.2022.per_jenis.lansia"


def test_breakdown_variable_needs_a_mapping(check: Check) -> None:
    report = check(DATA_ITEMS.format(name="per_jenis", value="3"))
    issue = only(report, "expected-breakdown")
    assert issue.path == "data.2022.per_jenis"


def test_data_for_an_unknown_name_suggests_one(check: Check) -> None:
    report = check(DATA_ITEMS.format(name="jumlha", value="3"))
    issue = only(report, "unknown-name")
    assert at(issue) == ("items.yaml", 18, 5)
    assert issue.hint == "did you mean 'jumlah'?"


def test_data_period_must_be_a_year_or_quarter(check: Check) -> None:
    report = check(
        """\
variables:
  - id: jumlah
data:
  2022-Q5:
    jumlah: 1
"""
    )
    issue = only(report, "invalid-period")
    assert at(issue) == ("items.yaml", 4, 3)
    assert issue.path == "data.2022-Q5"


def test_grade_variable_needs_a_scale(check: Check) -> None:
    report = check("variables:\n  - {id: predikat, domain: grade}\n")
    issue = only(report, "missing-scale")
    assert at(issue) == ("items.yaml", 2, 5)


def test_variable_categories_must_belong_to_its_breakdown(check: Check) -> None:
    report = check(
        """\
breakdowns:
  - id: jenis
    categories: [anak, lansia]
variables:
  - {id: v, breakdown: jenis, categories: [anak, lansai]}
"""
    )
    issue = only(report, "unknown-category")
    assert at(issue) == ("items.yaml", 5, 50)
    assert issue.hint == "did you mean 'lansia'?"


def test_duplicate_category_in_a_breakdown(check: Check) -> None:
    report = check("breakdowns:\n  - id: jenis\n    categories: [anak, anak]\n")
    issue = only(report, "duplicate-category")
    assert at(issue) == ("items.yaml", 3, 24)


# ------------------------------------------------------------------ budget


def test_budget_amounts(check: Check) -> None:
    report = check(
        """\
budget:
  - year: 2022
    programs:
      - id: p1
        name: Program
        ceiling: -100
        spent: 50
      - id: p2
        name: Program tanpa realisasi
        ceiling: 100
"""
    )
    negative = only(report, "negative-amount")
    assert at(negative) == ("items.yaml", 6, 18)
    assert negative.message == "ceiling -100 is negative"
    missing = only(report, "missing-amount")
    assert at(missing) == ("items.yaml", 8, 9)
    assert missing.path == "budget[0].programs[1]"


# ----------------------------------------------------------------- imports


SCALES_FILE = """\
scales:
  - id: akip
    kind: grade
    bands:
      - {label: C, range: "[0, 50]"}
      - {label: BB, range: "(50, 100]"}
"""

IMPORTING_SPEC = """\
sakipcalc: 1
imports: [{target}]
spec:
  id: demo
  name: Demo
  plan: {{start: 2019, end: 2023}}
indicators:
  - {{id: predikat, name: Predikat, unit: predikat, scale: akip}}
"""


@pytest.mark.parametrize("target", ["../shared", "../shared/scales.yaml"])
def test_relative_import_loads_the_imported_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "scales.yaml").write_text(SCALES_FILE, encoding="utf-8")
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "spec.yaml").write_text(
        IMPORTING_SPEC.format(target=target), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    spec = sakipcalc.load("main", allow_roots=["."])
    assert spec.files == ("main/spec.yaml", "shared/scales.yaml")
    assert set(spec.scales) == {"akip"}


def test_absolute_import_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shared.yaml").write_text(SCALES_FILE, encoding="utf-8")
    absolute = (tmp_path / "shared.yaml").as_posix()
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "spec.yaml").write_text(
        IMPORTING_SPEC.format(target=absolute), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    report = sakipcalc.validate("main")
    issue = only(report, "import-absolute")
    assert at(issue) == ("main/spec.yaml", 2, 11)
    assert issue.path == "imports[0]"
    assert issue.hint == "write a path such as ../standard"
    # The file was not read: its scale stays unknown.
    assert only(report, "unknown-reference").message == "unknown scale 'akip'"


def test_missing_import_is_reported_with_the_path_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "spec.yaml").write_text(
        IMPORTING_SPEC.format(target="../shraed"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    report = sakipcalc.validate("main", allow_roots=["."])
    issue = only(report, "import-not-found")
    assert at(issue) == ("main/spec.yaml", 2, 11)
    looked = (tmp_path.resolve() / "shraed").as_posix()
    assert issue.message == f"import '../shraed' does not exist (looked for {looked})"


def test_a_file_imported_twice_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "scales.yaml").write_text(SCALES_FILE, encoding="utf-8")
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "spec.yaml").write_text(
        IMPORTING_SPEC.format(target="../shared, ../shared/scales.yaml"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    report = sakipcalc.validate("main", allow_roots=["."])
    assert report.issues == ()


# ---------------------------------------------- every issue, all at once


THREE_PROBLEMS = """\
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    owner: kadis
    targets: {2022: 120}
    polarty: higher_is_better
"""


def test_every_issue_is_collected_at_once(check: Check) -> None:
    # Three different problems in one file: the unknown key fails the whole
    # item, so the other two are in a second, valid item.
    report = check(
        THREE_PROBLEMS
        + """\
  - id: pct2
    name: Persentase 2
    unit: "%"
    owner: kadis
    targets: {2022: 120}
"""
    )
    assert [(i.code, i.location.line, i.location.column) for i in report] == [
        ("unknown-key", 7, 5),
        ("unknown-reference", 11, 12),
        ("percentage-out-of-range", 12, 21),
    ]


def test_problems_in_several_files_are_collected_and_sorted(check: Check) -> None:
    report = check(
        "indicator: []\n",
        a="sakipcalc: 2\n",
        b="variables:\n  - {id: 1x}\n",
    )
    assert [(i.location.file, i.code) for i in report] == [
        ("a.yaml", "unsupported-version"),
        ("b.yaml", "invalid-value"),
        ("items.yaml", "unknown-key"),
    ]


def test_load_raises_spec_error_carrying_every_issue(check: Check) -> None:
    report = check(
        """\
indicators:
  - {id: a, name: A, unit: "%", owner: nobody}
  - {id: b, name: B, unit: "%", targets: {2030: 5}}
links:
  - {parent: a, child: c}
"""
    )
    assert len(report.errors) == 3
    with pytest.raises(sakipcalc.SpecError) as caught:
        sakipcalc.load(".")
    error = caught.value
    assert isinstance(error, sakipcalc.SakipError)
    assert error.issues == report
    assert [i.code for i in error.issues] == [
        "unknown-reference",
        "target-outside-plan",
        "unknown-reference",
    ]
    assert str(error) == report.errors[0].format() + " (and 2 more)"


def test_spec_error_is_a_sakip_error() -> None:
    assert issubclass(sakipcalc.SpecError, sakipcalc.SakipError)
    error = sakipcalc.SpecError(IssueReport())
    assert isinstance(error, sakipcalc.SakipError)
    assert str(error) == "invalid spec"


def test_exact_numbers_survive_loading(check: Check) -> None:
    check(
        """\
variables:
  - {id: v, domain: number}
indicators:
  - {id: pct, name: Persentase, unit: "%", targets: {2022: 46.075}}
data:
  "2022": {v: 0.1}
"""
    )
    spec = sakipcalc.load(".")
    target = spec.indicators["pct"].targets["2022"].value
    assert target == Decimal("46.075")
    assert str(target) == "46.075"
    value = spec.data.get("2022", "v")
    assert isinstance(value, Decimal)
    assert str(value) == "0.1"


# ------------------------------------------------------ more scale references


def test_category_scale_must_be_a_category_scale(check: Check) -> None:
    report = check(
        "",
        header=SPEC + "  category_scale: akip\n",
        scales="""\
scales:
  - id: akip
    kind: grade
    bands:
      - {label: C, range: "[0, 50]"}
      - {label: BB, range: "(50, 100]"}
""",
    )
    issue = only(report, "wrong-scale-kind")
    assert at(issue) == ("spec.yaml", 6, 19)
    assert issue.path == "spec.category_scale"
    assert issue.message == "scale 'akip' is a grade scale; a category scale is needed"


def test_unknown_category_scale_in_the_spec_section(check: Check) -> None:
    report = check("", header=SPEC + "  category_scale: permendagri\n")
    issue = only(report, "unknown-reference")
    assert at(issue) == ("spec.yaml", 6, 19)
    assert issue.message == "unknown scale 'permendagri'"
    assert issue.hint == "declare it under 'scales:'"


# ---------------------------------------------------- breakdowns, variables


def test_subset_naming_an_unknown_category(check: Check) -> None:
    report = check(
        """\
breakdowns:
  - id: jenis
    categories: [anak, lansia, disabilitas]
    subsets:
      rentan: [lansia, disabilitsa]
"""
    )
    issue = only(report, "unknown-category")
    assert at(issue) == ("items.yaml", 5, 24)
    assert issue.path == "breakdowns[0].subsets.rentan[1]"
    assert issue.message == "subset 'rentan' names unknown category 'disabilitsa'"
    assert issue.hint == "did you mean 'disabilitas'?"


def test_subset_with_the_name_of_a_category(check: Check) -> None:
    report = check(
        """\
breakdowns:
  - id: jenis
    categories: [anak, lansia]
    subsets:
      anak: [anak, lansia]
"""
    )
    issue = only(report, "subset-name-clash")
    assert at(issue) == ("items.yaml", 5, 7)
    assert issue.path == "breakdowns[0].subsets.anak"


def test_variable_categories_need_a_breakdown(check: Check) -> None:
    report = check("variables:\n  - {id: v, categories: [anak]}\n")
    issue = only(report, "categories-without-breakdown")
    assert at(issue) == ("items.yaml", 2, 25)
    assert issue.path == "variables[0].categories"


def test_variable_breakdown_must_exist(check: Check) -> None:
    report = check(
        "breakdowns:\n  - {id: jenis_pmks, categories: [anak]}\n"
        "variables:\n  - {id: v, breakdown: jenis_pmk}\n"
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 4, 24)
    assert issue.message == "unknown breakdown 'jenis_pmk'"
    assert issue.hint == "did you mean 'jenis_pmks'?"


def test_invalid_id_is_refused_with_the_rule(check: Check) -> None:
    report = check("variables:\n  - {id: pmks-total}\n")
    issue = only(report, "invalid-value")
    assert at(issue) == ("items.yaml", 2, 10)
    assert issue.path == "variables[0].id"
    assert issue.message == (
        "'pmks-total' is not a valid id: use ASCII letters, digits and '_', "
        "starting with a letter (e.g. pmks_served)"
    )


def test_invalid_enum_value_suggests_the_closest(check: Check) -> None:
    report = check("variables:\n  - {id: v, domain: persentase}\n")
    issue = only(report, "invalid-value")
    assert at(issue) == ("items.yaml", 2, 21)
    assert issue.path == "variables[0].domain"
    assert issue.hint == "did you mean 'percentage'?"


# ----------------------------------------------------------------- agreements


def test_indicator_twice_in_one_agreement(check: Check) -> None:
    report = check(
        """\
org_units:
  - {id: kadis, name: Dinas, level: II}
indicators:
  - {id: pct, name: Persentase, unit: "%"}
agreements:
  - id: pk_2022
    year: 2022
    org_unit: kadis
    items:
      - {indicator: pct, target: 10}
      - {indicator: pct, target: 20}
"""
    )
    issue = only(report, "duplicate-item")
    assert at(issue) == ("items.yaml", 11, 21)
    assert issue.path == "agreements[0].items[1].indicator"


def test_agreement_item_objective_must_exist(check: Check) -> None:
    report = check(
        """\
org_units:
  - {id: kadis, name: Dinas, level: II}
indicators:
  - {id: pct, name: Persentase, unit: "%"}
objectives:
  - {id: sasaran_1, name: Sasaran}
agreements:
  - id: pk_2022
    year: 2022
    org_unit: kadis
    items:
      - {indicator: pct, target: 10, objective: sasaran_2}
"""
    )
    issue = only(report, "unknown-reference")
    assert at(issue) == ("items.yaml", 12, 49)
    assert issue.message == "unknown objective 'sasaran_2'"
    assert issue.hint == "did you mean 'sasaran_1'?"


# ------------------------------------------------------------------- budget


def test_budget_deeper_than_three_levels(check: Check) -> None:
    report = check(
        """\
budget:
  - year: 2022
    programs:
      - id: program
        name: Program
        children:
          - id: kegiatan
            name: Kegiatan
            children:
              - id: sub_kegiatan
                name: Sub kegiatan
                children:
                  - {id: terlalu_dalam, name: Terlalu dalam, ceiling: 1, spent: 1}
"""
    )
    issue = only(report, "budget-too-deep")
    assert at(issue) == ("items.yaml", 13, 21)
    assert issue.path == "budget[0].programs[0].children[0].children[0].children[0]"
    assert issue.message == (
        "budget line 'terlalu_dalam' is deeper than program → kegiatan → sub kegiatan"
    )


def test_budget_line_id_used_twice_in_one_year(check: Check) -> None:
    report = check(
        """\
budget:
  - year: 2022
    programs:
      - {id: p1, name: Program, ceiling: 1, spent: 1}
      - {id: p1, name: Program lain, ceiling: 1, spent: 1}
"""
    )
    issue = only(report, "duplicate-id")
    assert at(issue) == ("items.yaml", 5, 14)
    assert issue.message == "budget line id 'p1' is already used at items.yaml:4:14"


# ----------------------------------------------------------------- reported


REPORTED_HEAD = """\
variables:
  - {id: served, domain: count}
indicators:
  - {id: pct, name: Persentase, unit: "%", formula: served}
budget:
  - year: 2022
    programs:
      - {id: p1, name: Program, ceiling: 100, spent: 50}
reported:
"""


def test_reported_figure_names_exactly_one_subject(check: Check) -> None:
    report = check(
        REPORTED_HEAD
        + "  - {source: Tabel 3.1, period: 2022, indicator: pct, budget_line: p1}\n"
        + "  - {source: Tabel 3.2, period: 2022}\n"
    )
    issues = [i for i in report if i.code == "reported-subject"]
    assert [at(i) for i in issues] == [("items.yaml", 10, 5), ("items.yaml", 11, 5)]
    assert [i.path for i in issues] == ["reported[0]", "reported[1]"]
    assert len(report) == 2


def test_reported_indicator_needs_a_period(check: Check) -> None:
    report = check(REPORTED_HEAD + "  - {source: Tabel 3.1, indicator: pct, achievement: 100}\n")
    issue = only(report, "missing-key")
    assert at(issue) == ("items.yaml", 10, 5)
    assert issue.message == "a reported figure needs its 'period'"


def test_reported_expr_needs_a_value_and_a_valid_formula(check: Check) -> None:
    report = check(REPORTED_HEAD + '  - {source: Tabel 3.1, period: 2022, expr: "served +"}\n')
    assert sorted(codes(report)) == ["formula", "missing-key"]
    assert only(report, "missing-key").message == "a reported 'expr' needs the printed 'value'"
    formula = only(report, "formula")
    assert formula.location.line == 10
    assert formula.path == "reported[0].expr"


def test_reported_references_must_exist(check: Check) -> None:
    report = check(
        REPORTED_HEAD
        + "  - {source: Tabel 3.1, period: 2022, indicator: pcx, agreement: pk}\n"
        + "  - {source: Tabel 3.2, budget_line: p2, spent: 50}\n"
    )
    assert [(i.code, at(i), i.message) for i in report] == [
        ("unknown-reference", ("items.yaml", 10, 50), "unknown indicator 'pcx'"),
        ("unknown-reference", ("items.yaml", 10, 66), "unknown agreement 'pk'"),
        ("unknown-reference", ("items.yaml", 11, 38), "unknown budget line 'p2'"),
    ]


# --------------------------------------------------------------------- data


def test_data_name_that_is_not_an_id(check: Check) -> None:
    report = check('variables:\n  - {id: v}\ndata:\n  "2022":\n    pmks-total: 3\n')
    issue = only(report, "invalid-id")
    assert at(issue) == ("items.yaml", 5, 5)
    assert issue.message == "'pmks-total' is not a valid id"


def test_mapping_for_a_scalar_variable(check: Check) -> None:
    report = check('variables:\n  - {id: v}\ndata:\n  "2022":\n    v: {anak: 3}\n')
    issue = only(report, "expected-number")
    assert issue.path == "data.2022.v"
    assert issue.message == "'v' has no categories; give a single value"


def test_data_section_shapes(check: Check) -> None:
    report = check('data:\n  "2022": [1, 2]\n')
    issue = only(report, "type")
    assert at(issue) == ("items.yaml", 2, 11)
    assert issue.message == "each period's data must map names to values"
    report = check("data: [1, 2]\n")
    assert only(report, "type").message == "data must map periods to values, e.g. '2022': {...}"


# ---------------------------------------------------------------- file shape


def test_file_that_is_a_list(check: Check) -> None:
    report = check("- id: pct\n")
    issue = only(report, "type")
    assert at(issue) == ("items.yaml", 1, 1)
    assert issue.message == "a spec file must be a mapping of sections (indicators:, variables:, …)"


def test_imports_must_be_a_list_of_paths(check: Check) -> None:
    report = check("imports: ../standard\n")
    assert only(report, "type").message == "imports must be a list of relative paths"
    report = check("imports: [[a]]\n")
    issue = only(report, "type")
    assert issue.message == "each import must be a relative path"
    assert issue.path == "imports[0]"


def test_home_relative_import_is_refused_as_absolute(check: Check) -> None:
    report = check("imports: [~/standard]\n")
    assert only(report, "import-absolute").path == "imports[0]"


def test_too_many_files(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    import sakipcalc._files

    monkeypatch.setattr(sakipcalc._files, "MAX_FILES", 2)
    report = check("", a="", b="")  # a.yaml, b.yaml, items.yaml, spec.yaml
    issue = only(report, "too-many-files")
    assert at(issue) == ("items.yaml", None, None)
    assert issue.message == "a spec may have at most 2 files"


def test_library_of_scales_validates_but_does_not_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scales.yaml").write_text(SCALES_FILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert sakipcalc.validate(".").issues == ()
    with pytest.raises(sakipcalc.SpecError) as caught:
        sakipcalc.load(".")
    assert [i.code for i in caught.value.issues] == ["missing-spec"]


def test_library_with_a_broken_scale_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "scales.yaml").write_text(SCALES_FILE.replace("(50, 100]", "(60, 100]"), "utf-8")
    monkeypatch.chdir(tmp_path)
    issue = only(sakipcalc.validate("."), "band-gap")
    assert at(issue) == ("scales.yaml", 6, 29)


# --------------------------------------- failed items are reported only once


def test_formula_naming_a_failed_variable_is_not_reported_again(check: Check) -> None:
    report = check(
        """\
variables:
  - {id: served, domain: cnt}
indicators:
  - {id: pct, name: Persentase, unit: "%", formula: served / 2}
"""
    )
    assert codes(report) == ["invalid-value"]


def test_data_for_a_failed_variable_is_not_reported_again(check: Check) -> None:
    report = check(
        """\
variables:
  - {id: served, domain: cnt}
data:
  "2022": {served: 3}
"""
    )
    assert codes(report) == ["invalid-value"]


BLOCK_FORMULA = """\
variables:
  - {{id: served, domain: count}}
  - {{id: total, domain: count}}
indicators:
  - id: pct
    name: Persentase
    unit: "%"
    formula: {style}
      served / totl
"""


def test_formula_in_a_stripped_block_scalar_is_located_in_its_content(check: Check) -> None:
    report = check(BLOCK_FORMULA.format(style=">-"))
    issue = only(report, "formula")
    # The content starts at line 9, column 7; 'totl' is 9 characters in.
    assert at(issue) == ("items.yaml", 9, 16)
    assert issue.message == "unknown variable 'totl'; did you mean 'total'?"


def test_formula_in_a_folded_block_scalar_is_accepted(check: Check) -> None:
    report = check(BLOCK_FORMULA.format(style=">"))
    issue = only(report, "formula")
    assert at(issue) == ("items.yaml", 9, 16)
    assert issue.message == "unknown variable 'totl'; did you mean 'total'?"


def test_percent_spellings_are_one_unit_across_a_link(check: Check) -> None:
    report = check(LINK_ITEMS.replace("unit: dokumen", "unit: persen"))
    assert report.issues == ()


def test_allow_over_100_still_refuses_a_negative_percentage(check: Check) -> None:
    report = check(PERCENT_ITEMS.format(unit="%", target="-5", extra="    allow_over_100: true\n"))
    issue = only(report, "percentage-out-of-range")
    assert issue.path == "indicators[0].targets.2022"


# ------------------------------------- whole specs in one file (positions as written)

# A whole spec in one file: the line numbers below count these two header lines.
ONE_FILE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""
WriteSpec = Callable[[dict[str, str]], Path]


def test_a_target_mapping_must_be_a_range(write_spec: WriteSpec) -> None:
    text = ONE_FILE + (
        "indicators:\n"
        "  - {id: a, name: A, unit: x, targets: {2022: {value: ~}, 2021: {min: 1, max: 2, foo: 3}}}\n"
    )
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert [(i.code, i.path) for i in report] == [
        ("invalid-value", "indicators[0].targets.2022"),
        ("unknown-key", "indicators[0].targets.2021.foo"),  # no 'range' the author never wrote
    ]


def test_negative_caps_and_weights_are_refused(write_spec: WriteSpec) -> None:
    text = (
        "sakipcalc: 1\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}, cap: -10}\n"
        "indicators:\n  - {id: a, name: A, unit: x, weight: -1}\n"
    )
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert [(i.code, i.message, i.path) for i in report] == [
        (
            "invalid-value",
            "a cap must be above 0, not -10: every achievement would be printed as -10; "
            "remove it for no cap",
            "spec.cap",
        ),
        ("invalid-value", "must be at least 0", "indicators[0].weight"),
    ]


def test_budget_total_mismatches_are_located_load_warnings(write_spec: WriteSpec) -> None:
    text = ONE_FILE + (
        "budget:\n"
        "  - year: 2022\n"
        "    ceiling: 999\n"
        "    programs:\n"
        "      - id: p1\n"
        "        name: P\n"
        "        ceiling: 500\n"
        "        children:\n"
        "          - {id: k1, name: K, ceiling: 100, spent: 50}\n"
    )
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    # 999 declared against 100 from the one program; 500 against its one part, 100
    assert [(i.severity.value, i.code, i.location.line, i.message) for i in report] == [
        (
            "warning",
            "budget-total-mismatch",
            5,
            "the 2022 total ceiling is declared as 999, but its programs sum to 100",
        ),
        (
            "warning",
            "budget-total-mismatch",
            9,
            "the ceiling of 'p1' is declared as 500, but its parts sum to 100",
        ),
    ]


def test_two_budgets_for_one_year_are_refused(write_spec: WriteSpec) -> None:
    text = ONE_FILE + (
        "budget:\n"
        "  - {year: 2022, programs: [{id: p1, name: P, ceiling: 1, spent: 1}]}\n"
        "  - {year: 2022, programs: [{id: p2, name: P, ceiling: 1, spent: 1}]}\n"
    )
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert [(i.code, i.location.line) for i in report.errors] == [("duplicate-budget-year", 5)]


def test_printed_figures_that_fit_no_subject_are_refused(write_spec: WriteSpec) -> None:
    text = ONE_FILE + (
        "indicators:\n  - {id: a, name: A, unit: x}\n"
        "reported:\n"
        '  - {source: T, period: "2022", indicator: a, value: 99, realisation: {min: 1, max: 2}}\n'
    )
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert [(i.code, i.path) for i in report] == [
        ("reported-field", "reported[0].value"),
        ("reported-field", "reported[0].realisation"),
    ]


# ------------------------------------------------ report-only parts


def test_national_standard_is_checked_like_a_target(check: Check) -> None:
    extra = '    national_standard: {value: 150, source: "SPM"}\n'
    report = check(PERCENT_ITEMS.format(unit="%", target="90", extra=extra))
    issue = only(report, "percentage-out-of-range")
    assert issue.message == "percentage target 150 is outside 0–100"
    assert issue.path == "indicators[0].national_standard.value"
    assert at(issue) == ("items.yaml", 6, 32)


def test_national_standard_grade_needs_a_scale(check: Check) -> None:
    extra = '    national_standard: {value: BB, source: "PermenPANRB"}\n'
    report = check(PERCENT_ITEMS.format(unit="nilai", target="90", extra=extra))
    assert only(report, "grade-without-scale").path == "indicators[0].national_standard.value"


def test_a_national_standard_needs_its_source(check: Check) -> None:
    report = check(
        PERCENT_ITEMS.format(unit="%", target="90", extra="    national_standard: {value: 100}\n")
    )
    assert "national_standard.source" in report.format()
    assert report.has_errors


def test_narrative_outside_the_plan_points_at_its_year(check: Check) -> None:
    extra = "    narrative:\n      2032: {causes: hujan}\n"
    report = check(PERCENT_ITEMS.format(unit="%", target="90", extra=extra))
    issue = only(report, "narrative-outside-plan")
    assert issue.message == "narrative for 2032 is outside the plan 2019–2023"
    assert at(issue) == ("items.yaml", 7, 7)


def test_a_narrative_keyed_by_a_quarter_is_an_error(check: Check) -> None:
    # Regression: accepted, and never printed (the report prints a year's narrative).
    extra = "    narrative:\n      2022-Q2: {causes: hujan}\n"
    report = check(PERCENT_ITEMS.format(unit="%", target="90", extra=extra))
    issue = only(report, "narrative-not-a-year")
    assert issue.message == (
        "narrative for 2022-Q2 names a quarter; a narrative is written per reporting year"
    )
    assert at(issue) == ("items.yaml", 7, 7)


def test_an_empty_narrative_is_an_error(check: Check) -> None:
    items = (
        "indicators:\n  - {id: a, name: A, unit: orang}\n"
        "objectives:\n  - id: s1\n    name: Sasaran\n    indicators: [a]\n"
        "    narrative: {2022: {}}\n"
    )
    issue = only(check(items), "empty-narrative")
    assert issue.path == "objectives[0].narrative.2022"


def test_narrative_keys_are_strict(check: Check) -> None:
    extra = "    narrative:\n      2022: {cause: hujan}\n"
    report = check(PERCENT_ITEMS.format(unit="%", target="90", extra=extra))
    assert "causes" in report.format()  # the unknown key is answered with the known one
