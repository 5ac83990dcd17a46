"""The documented limits of ``sakipcalc.limits``: each refused early, with file:line:col.

Counts are tested at their real values where that is quick, and otherwise with
the limit lowered (the rule reads the module's constant), so that a test does
not build a spec of 100,000 categories to prove one comparison.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

import sakipcalc
from sakipcalc import limits
from sakipcalc.testing import run_invariants
from sakipcalc.validation import limits as limit_rules

WriteSpec = Callable[[dict[str, str]], Path]

HEAD = "sakipcalc: 1\nspec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
INDICATOR = '  - {id: a, name: A, unit: orang, formula: x + 1, targets: {"2022": 1}}\n'
VARIABLE = "variables:\n  - {id: x, name: X, unit: orang, domain: count}\n"


def _errors(write_spec: WriteSpec, text: str) -> list[sakipcalc.Issue]:
    return list(sakipcalc.validate(write_spec({"spec.yaml": text})).errors)


def test_the_limits_are_documented_values() -> None:
    # The values the report and specs/README.md document.
    assert limits.MAX_NAME_LENGTH == 500
    assert limits.MAX_TEXT_LENGTH == 10_000
    assert limits.MAX_CATEGORIES == 100_000
    assert limits.MAX_FORMULAS == 5_000
    assert limits.MAX_LINKS == 20_000
    assert limits.MAX_GENERATED_CATEGORIES == 200


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('  - {{id: a, name: "{long}", unit: orang, targets: {{"2022": 1}}}}\n', "name"),
        ('  - {{id: a, name: A, unit: "{long}", targets: {{"2022": 1}}}}\n', "unit"),
    ],
)
def test_a_name_or_unit_over_the_limit_is_refused_at_its_place(
    write_spec: WriteSpec, line: str, field: str
) -> None:
    long = "n" * (limits.MAX_NAME_LENGTH + 1)
    errors = _errors(write_spec, HEAD + "indicators:\n" + line.format(long=long))
    assert [e.code for e in errors] == ["too-long"]
    error = errors[0]
    assert error.message == f"'{field}' is 501 characters long; the limit is 500"
    assert error.path == f"indicators[0].{field}"
    assert error.location.file.endswith("spec.yaml")
    assert error.location.line == 4  # the indicator's line, at the field's column
    assert error.location.column is not None and error.location.column > 5
    assert long not in error.format()  # the text itself is not repeated


def test_text_at_the_limit_is_accepted(write_spec: WriteSpec) -> None:
    name = "n" * limits.MAX_NAME_LENGTH
    description = "d" * limits.MAX_TEXT_LENGTH
    text = (
        HEAD + "indicators:\n"
        f'  - {{id: a, name: "{name}", unit: orang, description: "{description}",'
        ' targets: {"2022": 1}}\n'
    )
    assert not _errors(write_spec, text)


def test_a_description_over_its_limit_and_a_nested_name(write_spec: WriteSpec) -> None:
    description = "d" * (limits.MAX_TEXT_LENGTH + 1)
    category = "c" * (limits.MAX_NAME_LENGTH + 1)
    text = (
        HEAD
        + f"breakdowns:\n  - {{id: area, categories: [{{id: a, name: {category}}}]}}\n"
        + f'indicators:\n  - {{id: a, name: A, unit: x, description: "{description}"}}\n'
    )
    errors = _errors(write_spec, text)
    assert sorted((e.code, e.path) for e in errors) == [
        ("too-long", "breakdowns[0].categories[0].name"),
        ("too-long", "indicators[0].description"),
    ]


def test_a_200000_character_name_is_refused_in_well_under_a_second(
    write_spec: WriteSpec,
) -> None:
    text = HEAD + f'indicators:\n  - {{id: a, name: "{"n" * 200_000}", unit: x}}\n'
    directory = write_spec({"spec.yaml": text})
    start = time.perf_counter()
    result = run_cli("evaluate", str(directory), "--period", "2022", "--format", "html")
    elapsed = time.perf_counter() - start
    assert result.code != 0
    assert "too-long" in result.err and "200,000 characters" in result.err
    assert elapsed < 30  # was over 300 s in HTML; generous for a loaded machine


def test_too_many_categories(write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limit_rules, "MAX_CATEGORIES", 3)
    text = HEAD + "breakdowns:\n  - {id: area, categories: [a, b, c, d]}\n"
    errors = _errors(write_spec, text)
    assert [(e.code, e.message, e.path) for e in errors] == [
        (
            "too-many-categories",
            "4 categories; a breakdown may have at most 3",
            "breakdowns[0].categories",
        )
    ]
    assert errors[0].location.line == 4


def test_too_many_formulas_names_the_first_one_over(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limit_rules, "MAX_FORMULAS", 2)
    indicators = "".join(
        f'  - {{id: i{n}, name: I, unit: orang, formula: x + {n}, targets: {{"2022": 1}}}}\n'
        for n in range(3)
    )
    errors = _errors(write_spec, HEAD + VARIABLE + "indicators:\n" + indicators)
    assert [e.code for e in errors] == ["too-many-formulas"]
    assert "3 formulas" in errors[0].message and "at most 2" in errors[0].message
    assert errors[0].location.line == 8  # i2, the third


def test_too_many_links_names_the_first_one_over(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limit_rules, "MAX_LINKS", 1)
    text = (
        HEAD
        + "indicators:\n"
        + "".join(f"  - {{id: i{n}, name: I, unit: orang}}\n" for n in range(3))
        + "links:\n  - {parent: i0, child: i1}\n  - {parent: i0, child: i2}\n"
    )
    errors = _errors(write_spec, text)
    assert [e.code for e in errors] == ["too-many-links"]
    assert errors[0].location.line == 9
    assert errors[0].message == "2 links; a spec may have at most 1; this is link 2"


def test_a_limit_stops_validation_before_other_rules(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The unknown variable in the formula is not reported: checking stopped at the limit.
    monkeypatch.setattr(limit_rules, "MAX_FORMULAS", 0)
    errors = _errors(write_spec, HEAD + "indicators:\n" + INDICATOR)
    assert [e.code for e in errors] == ["too-many-formulas"]


# ------------------------------------------------------------ sakipcalc test


def _breakdown_spec(count: int) -> str:
    categories = ", ".join(f"c{n}" for n in range(count))
    return (
        HEAD
        + f"breakdowns:\n  - {{id: area, categories: [{categories}]}}\n"
        + "variables:\n"
        + "  - {id: served, name: Served, unit: orang, domain: count, breakdown: area}\n"
        + "  - {id: total, name: Total, unit: orang, domain: count}\n"
        + "indicators:\n"
        + '  - {id: big, name: B, unit: orang, formula: sum(served), targets: {"2022": 1}}\n'
        + '  - {id: small, name: S, unit: orang, formula: total + 1, targets: {"2022": 1}}\n'
    )


def test_sakipcalc_test_says_a_40000_category_breakdown_is_too_large(
    write_spec: WriteSpec,
) -> None:
    directory = write_spec({"spec.yaml": _breakdown_spec(40_000)})
    result = run_cli("test", str(directory), "--examples", "3")
    assert "internal error" not in result.err
    assert (
        "NOT TESTED big: variable 'served' has 40,000 categories (breakdown 'area'); "
        "sakipcalc test generates data for at most 200 categories, so this breakdown is "
        "too large to generate"
    ) in result.out
    assert result.out.rstrip().endswith(", 0 failed, 1 not tested")
    assert "small" not in result.out  # tested, and passed


def test_a_breakdown_at_the_generation_limit_is_tested(write_spec: WriteSpec) -> None:
    spec = sakipcalc.load(write_spec({"spec.yaml": _breakdown_spec(3)}))
    outcome = run_invariants(spec, max_examples=2, indicators=("big",))
    assert outcome.skipped == ()
    assert ("big", "achievement follows polarity") in outcome.checked


# ------------------------------------------------ raised limits for a trusted spec

THREE_FORMULAS = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2020, end: 2022}}
variables:
  - {id: x}
indicators:
  - {id: a, name: A, unit: x, formula: x + 1}
  - {id: b, name: B, unit: x, formula: x + 2}
  - {id: c, name: C, unit: x, formula: x + 3}
"""


def test_a_trusted_spec_may_raise_the_formula_limit(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limit_rules, "MAX_FORMULAS", 2)  # the default, made small
    directory = write_spec({"spec.yaml": THREE_FORMULAS})
    assert [i.code for i in sakipcalc.validate(directory).errors] == ["too-many-formulas"]
    raised = sakipcalc.validate(directory, limits=limits.Limits(max_formulas=3))
    assert raised.errors == ()
    # and a raised limit is a limit still
    lower = sakipcalc.validate(directory, limits=limits.Limits(max_formulas=1))
    (issue,) = lower.errors
    assert issue.message.endswith("a spec may have at most 1; this is formula 2")


def test_a_trusted_spec_may_raise_the_size_limit(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sakipcalc._files

    monkeypatch.setattr(sakipcalc._files, "MAX_TOTAL_BYTES", 100)  # the default, made small
    directory = write_spec({"spec.yaml": THREE_FORMULAS})  # about 250 bytes
    assert [i.code for i in sakipcalc.validate(directory).errors] == ["spec-too-large"]
    spec = sakipcalc.load(directory, limits=limits.Limits(max_spec_bytes=1000))
    assert list(spec.indicators) == ["a", "b", "c"]


def test_the_command_line_raises_the_size_limit_for_a_trusted_spec(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sakipcalc._files

    monkeypatch.setattr(sakipcalc._files, "MAX_TOTAL_BYTES", 100)  # the default, made small
    directory = write_spec({"spec.yaml": THREE_FORMULAS})
    refused = run_cli("validate", str(directory))
    assert refused.code == 1 and "spec-too-large" in refused.out
    raised = run_cli("validate", str(directory), "--max-spec-mib", "1")
    assert raised.code == 0, raised.out
    bad = run_cli("validate", str(directory), "--max-spec-mib", "0")
    assert bad.code == 2 and "must be at least 1, got 0" in bad.err
