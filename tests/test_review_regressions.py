"""Regression tests for defects a code review found (each reproduced before it was fixed).

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import run_cli

import sakipcalc
from sakipcalc import DataSet, Status

HEAD = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def codes(report: sakipcalc.IssueReport) -> list[tuple[str, int | None, int | None, str]]:
    return [(i.code, i.location.line, i.location.column, i.path) for i in report]


# ------------------------------------------------ cascades and long chains


def test_a_cascade_of_shared_children_is_built_once(tmp_path: Path) -> None:
    # 16 layers of 2; each node supports both nodes of the layer above: 2^15 paths from
    # the top to the bottom, but only 32 results to build.
    lines = [HEAD, "indicators:\n"]
    links = ["links:\n"]
    data = ['data:\n  "2022":\n']
    for layer in range(16):
        for side in "ab":
            node = f"n{layer}{side}"
            lines.append(f"  - {{id: {node}, name: N, unit: x, targets: {{2022: 10}}}}\n")
            data.append(f"    {node}: 5\n")
            if layer:
                for parent_side in "ab":
                    links.append(f"  - {{parent: n{layer - 1}{parent_side}, child: {node}}}\n")
    spec = sakipcalc.load(write(tmp_path, "".join(lines + links + data)))
    report = sakipcalc.evaluate(spec, period="2022")
    top, child = report.indicator("n0a"), report.indicator("n1a")
    assert top.children[0] is child  # shared, not rebuilt per parent
    # the JSON lists children by id, so it stays small
    result = run_cli("evaluate", str(tmp_path), "--period", "2022", "--format", "json")
    payload = json.loads(result.out)
    assert payload["indicators"][0]["children"] == ["n1a", "n1b"]
    assert len(result.out) < 200_000


def test_a_long_link_chain_is_not_cut(tmp_path: Path) -> None:
    lines = [HEAD, "indicators:\n"] + [f"  - {{id: n{i}, name: N, unit: x}}\n" for i in range(20)]
    links = ["links:\n"] + [f"  - {{parent: n{i}, child: n{i + 1}}}\n" for i in range(19)]
    report = sakipcalc.evaluate(
        sakipcalc.load(write(tmp_path, "".join(lines + links))), period="2022"
    )
    depth, node = 0, report.indicator("n0")
    while node.children:
        (node,) = node.children
        depth += 1
    assert (depth, node.indicator) == (19, "n19")


def test_a_long_formula_chain_neither_recurses_nor_crashes(tmp_path: Path) -> None:
    # i0 = x; i_k = i_(k-1) + 1, declared in reverse so that evaluation order matters.
    count = 1100
    lines = [HEAD, "variables:\n  - {id: x}\nindicators:\n"]
    for k in reversed(range(count)):
        formula = "x" if k == 0 else f"i{k - 1} + 1"
        lines.append(f"  - {{id: i{k}, name: I, unit: x, formula: '{formula}'}}\n")
    lines.append('data:\n  "2022":\n    x: 7\n')
    # the last link printed as 7 + 1099 = 1106: reconciliation walks the same chain
    lines.append(
        f'reported:\n  - {{source: T, period: "2022", indicator: i{count - 1}, '
        f"realisation: {7 + count - 1}}}\n"
    )
    spec = sakipcalc.load(write(tmp_path, "".join(lines)))
    report = sakipcalc.evaluate(spec, period="2022")
    assert report.indicator(f"i{count - 1}").realisation.raw == D(7 + count - 1)
    from sakipcalc.check import check

    result = check(spec)
    assert (result.checked, result.consistent) == (1, 1)


# ------------------------------------------------ targets


def test_a_target_mapping_must_be_a_range(tmp_path: Path) -> None:
    text = HEAD + (
        "indicators:\n"
        "  - {id: a, name: A, unit: x, targets: {2022: {value: ~}, 2021: {min: 1, max: 2, foo: 3}}}\n"
    )
    report = sakipcalc.validate(write(tmp_path, text))
    assert [(c[0], c[3]) for c in codes(report)] == [
        ("invalid-value", "indicators[0].targets.2022"),
        ("unknown-key", "indicators[0].targets.2021.foo"),  # no 'range' the author never wrote
    ]


def test_a_negative_target_is_not_computable_and_warned(tmp_path: Path) -> None:
    # higher is better, T = -5, R = -10: R / T = 200 would reward the worse result
    text = HEAD + (
        "indicators:\n"
        "  - {id: a, name: A, unit: poin, targets: {2022: -5}}\n"
        'data:\n  "2022":\n    a: -10\n'
    )
    spec = sakipcalc.load(write(tmp_path, text))
    assert [w.code for w in spec.warnings] == ["negative-target"]
    figure = sakipcalc.evaluate(spec, period="2022").indicator("a").achievement
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None and figure.reason.startswith("negative target -5")


def test_negative_caps_and_weights_are_refused(tmp_path: Path) -> None:
    text = (
        "sakipcalc: 1\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}, cap: -10}\n"
        "indicators:\n  - {id: a, name: A, unit: x, weight: -1}\n"
    )
    report = sakipcalc.validate(write(tmp_path, text))
    assert [(i.code, i.message, i.path) for i in report] == [
        ("invalid-value", "must be at least 0", "spec.cap"),
        ("invalid-value", "must be at least 0", "indicators[0].weight"),
    ]


# ------------------------------------------------ formulas


def test_a_hash_does_not_cut_a_formula_short(tmp_path: Path) -> None:
    text = HEAD + (
        "variables:\n  - {id: h}\n  - {id: p}\n"
        "indicators:\n"
        '  - {id: a, name: A, unit: x, formula: "h / p #* 100"}\n'
    )
    (issue,) = sakipcalc.validate(write(tmp_path, text))
    # the formula's text starts at column 41 (after the quote); '#' is its 7th character
    assert (issue.code, issue.message, issue.location.column) == (
        "formula",
        "'#' is not allowed in a formula",
        41 + 6,
    )


def test_a_folded_formula_error_points_at_its_own_line(tmp_path: Path) -> None:
    text = HEAD + (
        "variables:\n  - {id: alpha}\n  - {id: beta}\n"
        "indicators:\n"
        "  - id: a\n"
        "    name: A\n"
        "    unit: x\n"
        "    formula: >-\n"
        "      alpha +\n"
        "      alpha +\n"
        "      bta\n"
    )
    (issue,) = sakipcalc.validate(write(tmp_path, text))
    # 'bta' is on line 13 (the 3rd formula line), indented 6: column 7
    assert (issue.location.line, issue.location.column) == (13, 7)


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


# ------------------------------------------------ data and budgets


def test_a_score_outside_its_scale_is_refused(tmp_path: Path) -> None:
    standard = Path(__file__).resolve().parent.parent / "specs" / "standard"
    text = (
        "sakipcalc: 1\n"
        f"imports: [{Path(__import__('os').path.relpath(standard, tmp_path)).as_posix()}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "variables:\n  - {id: sc, domain: score, scale: akip}\n"
        'data:\n  "2022":\n    sc: 150\n'
    )
    (issue,) = sakipcalc.validate(write(tmp_path, text))
    assert issue.code == "out-of-domain"
    assert "falls in none of its bands" in issue.message


def test_budget_total_mismatches_are_located_load_warnings(tmp_path: Path) -> None:
    text = HEAD + (
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
    report = sakipcalc.validate(write(tmp_path, text))
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


def test_two_budgets_for_one_year_are_refused(tmp_path: Path) -> None:
    text = HEAD + (
        "budget:\n"
        "  - {year: 2022, programs: [{id: p1, name: P, ceiling: 1, spent: 1}]}\n"
        "  - {year: 2022, programs: [{id: p2, name: P, ceiling: 1, spent: 1}]}\n"
    )
    report = sakipcalc.validate(write(tmp_path, text))
    assert [(i.code, i.location.line) for i in report.errors] == [("duplicate-budget-year", 5)]


def test_a_hand_built_dataset_with_a_float_is_a_programming_error(tmp_path: Path) -> None:
    text = HEAD + "indicators:\n  - {id: a, name: A, unit: x, targets: {2022: 1}}\n"
    spec = sakipcalc.load(write(tmp_path, text))
    with pytest.raises(TypeError, match="a DataSet holds Decimal"):
        sakipcalc.evaluate(spec, DataSet({"2022": {"a": 1.5}}), period="2022")  # type: ignore[dict-item]


# ------------------------------------------------ reconciliation


def test_printed_figures_that_fit_no_subject_are_refused(tmp_path: Path) -> None:
    text = HEAD + (
        "indicators:\n  - {id: a, name: A, unit: x}\n"
        "reported:\n"
        '  - {source: T, period: "2022", indicator: a, value: 99, realisation: {min: 1, max: 2}}\n'
    )
    report = sakipcalc.validate(write(tmp_path, text))
    assert [(i.code, i.path) for i in report] == [
        ("reported-field", "reported[0].value"),
        ("reported-field", "reported[0].realisation"),
    ]


def test_targets_printed_only_in_tables_are_compared_with_each_other(tmp_path: Path) -> None:
    text = HEAD + (
        "indicators:\n  - {id: a, name: A, unit: x}\n"
        "reported:\n"
        '  - {source: "Tabel 2.3", period: "2022", indicator: a, target: 25}\n'
        '  - {source: "Tabel 3.1", period: "2022", indicator: a, target: 30}\n'
    )
    from sakipcalc.check import check

    result = check(sakipcalc.load(write(tmp_path, text)))
    assert (result.checked, result.consistent) == (1, 0)
    (found,) = result.discrepancies
    assert (found.kind, found.source, found.reported, found.recomputed) == (
        "target",
        "Tabel 3.1",
        "30",
        "25",
    )


def test_ratio_of_sums_follows_achievement_from_rounded(tmp_path: Path) -> None:
    # 10086 / 75695 × 100 = 13.3245… → 13.32 printed; 13.32 / 25 × 100 = 53.28 (not 53.30)
    text = (
        "sakipcalc: 1\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}, rollup: ratio_of_sums}\n"
        "variables:\n  - {id: m}\n  - {id: p}\n"
        "indicators:\n"
        "  - {id: a, name: A, unit: x, formula: m / p * 100, targets: {2022: 25}}\n"
        'data:\n  "2022":\n    m: 10086\n    p: 75695\n'
    )
    report = sakipcalc.evaluate(sakipcalc.load(write(tmp_path, text)), period="2022")
    (agency,) = [r for r in report.rollups if r.kind == "agency"]
    assert agency.achievement.rounded == D("53.28")


# ------------------------------------------------ command line


def test_zero_examples_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("test", str(write(tmp_path, HEAD)), "--examples", "0")
    assert result.code == 2
    assert "must be at least 1" in result.err


def test_a_malformed_period_for_data_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "data", str(write(tmp_path, HEAD)), "-o", str(tmp_path / "x.csv"), "--period", "garbage"
    )
    assert result.code == 2
    assert not (tmp_path / "x.csv").exists()


def test_a_score_target_and_its_grade_are_the_same_target(tmp_path: Path) -> None:
    # On the AKIP scale a score of 80 is BB ((70, 80]); 81 is A.
    standard = Path(__file__).resolve().parent.parent / "specs" / "standard"
    relative = Path(__import__("os").path.relpath(standard, tmp_path)).as_posix()
    text = (
        f"sakipcalc: 1\nimports: [{relative}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "indicators:\n  - {id: akip, name: A, unit: predikat, scale: akip, targets: {2022: BB}}\n"
        "reported:\n"
        '  - {source: "PK", period: "2022", indicator: akip, target: 80}\n'
        '  - {source: "Tabel", period: "2022", indicator: akip, target: 81}\n'
    )
    from sakipcalc.check import check

    result = check(sakipcalc.load(write(tmp_path, text)))
    assert [(d.source, d.reported, d.recomputed) for d in result.discrepancies] == [
        ("Tabel", "81", "BB")
    ]


def test_an_explicitly_empty_year_is_not_filled_from_its_quarters(tmp_path: Path) -> None:
    text = HEAD + (
        "indicators:\n  - {id: a, name: A, unit: x, quarters: sum, targets: {2022: 10}}\n"
        "data:\n"
        '  "2022": {a: ~}\n'
        '  "2022-Q1": {a: 1}\n  "2022-Q2": {a: 2}\n  "2022-Q3": {a: 3}\n  "2022-Q4": {a: 4}\n'
    )
    spec = sakipcalc.load(write(tmp_path, text))
    figure = sakipcalc.evaluate(spec, period="2022").indicator("a").realisation
    assert figure.status is Status.MISSING_DATA
    # without the explicit ~ the year is the sum of its quarters: 1 + 2 + 3 + 4
    text_without = text.replace('  "2022": {a: ~}\n', "")
    other = tmp_path / "other"
    other.mkdir()
    spec = sakipcalc.load(write(other, text_without))
    assert sakipcalc.evaluate(spec, period="2022").indicator("a").realisation.raw == D(10)
