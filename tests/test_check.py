"""Reconciliation (``sakipcalc.check`` and ``sakipcalc check``).

Small hand-built specs first: each writes a spec with printed figures in its
``reported:`` section (and agreements, budgets) into a fresh directory, and
asserts on the discrepancies check lists, one kind at a time. Every expected
value is worked out by hand in the comment next to it. Then the Tanah Laut
report (``specs/tanah-laut-dinsos-2022``): every discrepancy check finds in it,
as a hand-written list checked against the report's lines, and the command's
output.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SPECS, TANAH_LAUT_SPEC, Golden, run_cli

import sakipcalc
from sakipcalc.check import CheckResult, Discrepancy, check

WriteSpec = Callable[[dict[str, str]], Path]
Checked = Callable[[str], CheckResult]
Row = tuple[str, str, str, str | None, str, str, str]
STANDARD = SPECS / "standard"

# The smallest valid spec header; each test adds its own sections.
BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


def spelled(value: object) -> str:
    # As the output spells it, whether held as text or as a typed value (an enum member,
    # a period), so that these tests pin behaviour rather than representation.
    return str(getattr(value, "value", value))


def kind_of(found: Discrepancy) -> str:
    return spelled(found.kind)


def rows(result: CheckResult) -> list[Row]:
    """(kind, subject, what, period, source, reported, recomputed) per discrepancy, in order."""
    return [
        (
            kind_of(d),
            d.subject,
            spelled(d.what),
            None if d.period is None else spelled(d.period),
            d.source,
            d.reported,
            d.recomputed,
        )
        for d in result.discrepancies
    ]


@pytest.fixture
def checked(write_spec: WriteSpec) -> Checked:
    """Load one spec file's text and reconcile it."""

    def run(text: str) -> CheckResult:
        return check(sakipcalc.load(write_spec({"spec.yaml": text})))

    return run


# One indicator, served / total × 100, with two years of data:
# 2021: 1 / 3 × 100 = 33.333…  → 33.33 under every rounding mode
# 2022: 2 / 3 × 100 = 66.666…  → 66.67 half-up and half-even, 66.66 truncated
RATIO = BARE + (
    "variables:\n  - {id: served}\n  - {id: total}\n"
    "indicators:\n"
    "  - {id: pct, name: P, unit: '%', formula: served / total * 100,"
    " targets: {2021: 50, 2022: 80}}\n"
    "data:\n"
    '  "2021": {served: 1, total: 3}\n'
    '  "2022": {served: 2, total: 3}\n'
)


# --------------------------------------------------------------- counting


def test_a_spec_without_printed_figures_checks_nothing(checked: Checked) -> None:
    result = checked(RATIO)
    assert (result.checked, result.consistent, result.discrepancies) == (0, 0, ())


def test_figures_that_recompute_are_counted_consistent(checked: Checked) -> None:
    # 33.33 realisation; 33.33 / 50 × 100 = 66.66 achievement; 66.67 in 2022;
    # 66.67 / 80 × 100 = 83.3375 → 83.34; and the 2022 target 80 as printed, 80.00.
    result = checked(
        RATIO + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 33.33, achievement: 66.66}\n'
        '  - {source: T, period: "2022", indicator: pct, target: 80.00, realisation: 66.67,'
        " achievement: 83.34}\n"
    )
    assert (result.checked, result.consistent, result.discrepancies) == (5, 5, ())


# -------------------------------------------------- figures that do not recompute


def test_a_realisation_that_does_not_recompute_is_a_figure_discrepancy(checked: Checked) -> None:
    # 1 / 3 × 100 = 33.33 in every mode, so 33.34 is no rounding matter
    result = checked(
        RATIO + 'reported:\n  - {source: "Tabel 3.1", period: "2021", indicator: pct,'
        " realisation: 33.34}\n"
    )
    assert (result.checked, result.consistent) == (1, 0)
    assert rows(result) == [("figure", "pct", "realisation", "2021", "Tabel 3.1", "33.34", "33.33")]
    # the note is the recomputation, so a reader can redo it
    assert result.discrepancies[0].note.startswith("1 / 3 × 100")


def test_an_achievement_that_follows_from_a_wrong_printed_realisation_says_so(
    checked: Checked,
) -> None:
    # printed 40 and 80: 40 / 50 × 100 = 80, a consistent row on a wrong realisation;
    # recomputed 33.33 and 33.33 / 50 × 100 = 66.66
    result = checked(
        RATIO + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 40, achievement: 80}\n'
    )
    assert rows(result) == [
        ("figure", "pct", "realisation", "2021", "T", "40", "33.33"),
        ("figure", "pct", "achievement", "2021", "T", "80", "66.66"),
    ]
    assert "it follows from the printed realisation 40" in result.discrepancies[1].note


def test_a_grade_that_differs_is_a_figure_discrepancy(
    write_spec: WriteSpec, tmp_path: Path
) -> None:
    relative = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    text = (
        f"sakipcalc: 1\nimports: [{relative}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "indicators:\n  - {id: akip, name: A, unit: predikat, scale: akip, targets: {2022: BB}}\n"
        'data:\n  "2022": {akip: BB}\n'
        "reported:\n"
        '  - {source: "LHE", period: "2022", indicator: akip, realisation: BB}\n'
        '  - {source: "Narasi", period: "2022", indicator: akip, realisation: A}\n'
    )
    result = check(sakipcalc.load(write_spec({"spec.yaml": text})))
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [("figure", "akip", "realisation", "2022", "Narasi", "A", "BB")]


def test_a_printed_figure_without_its_data_is_not_checkable(checked: Checked) -> None:
    # no data for 2020: nothing to recompute, and check says so rather than skipping it
    result = checked(
        RATIO + 'reported:\n  - {source: T, period: "2020", indicator: pct, realisation: 50}\n'
    )
    assert (result.checked, result.consistent) == (1, 0)
    assert rows(result) == [("not-checkable", "pct", "realisation", "2020", "T", "50", "n/a")]
    assert "served" in result.discrepancies[0].note


def test_a_figure_that_cannot_be_computed_is_not_checkable_nor_is_its_achievement(
    checked: Checked,
) -> None:
    # 2021 with total 0: 1 / 0 has no value, so neither has 1 / 0 × 100 / 50 × 100
    text = RATIO.replace('"2021": {served: 1, total: 3}', '"2021": {served: 1, total: 0}')
    result = checked(
        text + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 1, achievement: 2}\n'
    )
    assert (result.checked, result.consistent) == (2, 0)
    assert rows(result) == [
        ("not-checkable", "pct", "realisation", "2021", "T", "1", "n/a"),
        ("not-checkable", "pct", "achievement", "2021", "T", "2", "n/a"),
    ]


def test_a_realisation_is_compared_at_the_declared_places_unless_the_entry_says(
    checked: Checked,
) -> None:
    # 1 / 3 × 100 = 33.333…: at the declared 2 places 33.33, so a printed 33.3 differs;
    # with "places: 1" on the entry, 33.3 is right
    result = checked(
        RATIO + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 33.3, places: 1}\n'
        '  - {source: U, period: "2021", indicator: pct, realisation: 33.3}\n'
    )
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [("figure", "pct", "realisation", "2021", "U", "33.3", "33.33")]


def test_a_printed_expression_is_compared_at_the_places_it_was_printed_with(
    checked: Checked,
) -> None:
    # 2 / 3 × 100 = 66.666…: printed without decimals, 67 half-up (66 is the truncation)
    result = checked(
        RATIO + "reported:\n"
        '  - {source: T, period: "2022", expr: served / total * 100, value: 67}\n'
        '  - {source: U, period: "2022", expr: served / total * 100, value: 66}\n'
    )
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [
        ("ambiguous-rounding", "served / total * 100", "value", "2022", "U", "66", "67")
    ]


# ------------------------------------------------------------ ambiguous rounding


def test_a_truncated_realisation_under_declared_half_up_is_ambiguous(checked: Checked) -> None:
    # 2 / 3 × 100 = 66.666…: half-up 66.67, truncated 66.66 (as printed)
    result = checked(
        RATIO + 'reported:\n  - {source: T, period: "2022", indicator: pct, realisation: 66.66}\n'
    )
    assert rows(result) == [
        ("ambiguous-rounding", "pct", "realisation", "2022", "T", "66.66", "66.67")
    ]
    assert result.discrepancies[0].note.startswith(
        "matches truncate rounding, not the declared half_up"
    )


def test_a_half_up_figure_under_declared_truncation_is_ambiguous(checked: Checked) -> None:
    # declared truncate: 66.66; the printed 66.67 is what half-up and half-even give
    text = RATIO.replace(
        "plan: {start: 2019, end: 2023}}",
        "plan: {start: 2019, end: 2023}, rounding: {places: 2, mode: truncate}}",
    )
    result = checked(
        text + 'reported:\n  - {source: T, period: "2022", indicator: pct, realisation: 66.67}\n'
    )
    assert rows(result) == [
        ("ambiguous-rounding", "pct", "realisation", "2022", "T", "66.67", "66.66")
    ]
    assert result.discrepancies[0].note.startswith(
        "matches half_up, half_even rounding, not the declared truncate"
    )


def test_an_achievement_is_recomputed_from_the_realisation_rounded_the_other_way(
    checked: Checked,
) -> None:
    # The Tanah Laut Kabid RPJS row, in small: 3120 / 16924 × 100 = 18.43535…;
    # half-up 18.44 and 18.44 / 40 × 100 = 46.10;
    # truncated 18.43 and 18.43 / 40 × 100 = 46.075 → 46.07 (as printed).
    # Truncating only the last step would give 46.10, not 46.07.
    text = BARE + (
        "variables:\n  - {id: met}\n  - {id: all}\n"
        "indicators:\n"
        "  - {id: basic, name: B, unit: '%', formula: met / all * 100, targets: {2022: 40}}\n"
        'data:\n  "2022": {met: 3120, all: 16924}\n'
        "reported:\n"
        '  - {source: T, period: "2022", indicator: basic, realisation: 18.43, achievement: 46.07}\n'
    )
    result = checked(text)
    assert rows(result) == [
        ("ambiguous-rounding", "basic", "realisation", "2022", "T", "18.43", "18.44"),
        ("ambiguous-rounding", "basic", "achievement", "2022", "T", "46.07", "46.10"),
    ]


def test_a_printed_value_matching_two_other_modes_names_both(checked: Checked) -> None:
    # 2469 / 200 = 12.345 exactly: half-up 12.35; half-even and truncate both 12.34.
    # The places come from the printed figure: 12.34 has two.
    text = BARE + (
        "variables:\n  - {id: a}\n  - {id: b}\n"
        'data:\n  "2022": {a: 2469, b: 200}\n'
        "reported:\n"
        '  - {source: T, period: "2022", expr: a / b, value: 12.34}\n'
        '  - {source: U, period: "2022", expr: a / b, value: 12.35}\n'
    )
    result = checked(text)
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [("ambiguous-rounding", "a / b", "value", "2022", "T", "12.34", "12.35")]
    assert result.discrepancies[0].note.startswith(
        "matches half_even, truncate rounding, not the declared half_up"
    )


# ----------------------------------------------------- totals that are unweighted means

# Two districts: north 1 of 4 aid recipients reached (25 %), south 30 of 40 (75 %).
DISTRICTS = BARE + (
    "breakdowns:\n  - {id: district, categories: [north, south]}\n"
    "variables:\n"
    "  - {id: reached, breakdown: district}\n"
    "  - {id: recipients, breakdown: district}\n"
    "data:\n"
    '  "2022":\n'
    "    reached: {north: 1, south: 30}\n"
    "    recipients: {north: 4, south: 40}\n"
    "reported:\n"
    '  - {source: "Tabel, north", period: "2022",'
    ' expr: "sum(reached, north) / sum(recipients, north) * 100", value: 25.00}\n'
    '  - {source: "Tabel, south", period: "2022",'
    ' expr: "sum(reached, south) / sum(recipients, south) * 100", value: 75.00}\n'
    '  - {source: "Tabel, total", period: "2022",'
    " expr: sum(reached) / sum(recipients) * 100, value: 50.00}\n"
)


def test_a_total_printed_as_the_mean_of_its_rows_is_flagged(checked: Checked) -> None:
    # The rows recompute. The total row prints (25 + 75) / 2 = 50.00, the unweighted
    # mean; weighted by recipients it is 31 / 44 × 100 = 70.4545… → 70.45 (70.45
    # truncated too, so no rounding mode explains the 50.00).
    result = checked(DISTRICTS)
    assert (result.checked, result.consistent) == (3, 2)
    assert rows(result) == [
        (
            "figure",
            "sum(reached) / sum(recipients) * 100",
            "value",
            "2022",
            "Tabel, total",
            "50.00",
            "70.45",
        )
    ]
    assert result.discrepancies[0].note.startswith("31 / 44 × 100")


# ------------------------------------------------------------------- targets


def test_a_printed_target_is_held_to_the_plan(checked: Checked) -> None:
    # plan 80 for 2022; 80.00 is the same number, 85 is not
    result = checked(
        RATIO + "reported:\n"
        '  - {source: "Tabel 2.3", period: "2022", indicator: pct, target: 80.00}\n'
        '  - {source: "Tabel 3.1", period: "2022", indicator: pct, target: 85}\n'
    )
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [("target", "pct", "target", "2022", "Tabel 3.1", "85", "80")]
    assert result.discrepancies[0].note == (
        "the printed target differs from the plan's (Renstra) target"
    )


def test_a_range_target_equals_the_same_range_only(checked: Checked) -> None:
    # plan 10–20; a table printing the range agrees, one printing 15 does not
    text = BARE + (
        "indicators:\n  - {id: r, name: R, unit: x, targets: {2022: {min: 10, max: 20}}}\n"
        "reported:\n"
        '  - {source: A, period: "2022", indicator: r, target: {min: 10.0, max: 20}}\n'
        '  - {source: B, period: "2022", indicator: r, target: 15}\n'
    )
    result = checked(text)
    assert (result.checked, result.consistent) == (2, 1)
    assert rows(result) == [("target", "r", "target", "2022", "B", "15", "10–20")]


def test_targets_printed_only_in_tables_are_compared_with_each_other(checked: Checked) -> None:
    text = BARE + (
        "indicators:\n  - {id: a, name: A, unit: x}\n"
        "reported:\n"
        '  - {source: "Tabel 2.3", period: "2022", indicator: a, target: 25}\n'
        '  - {source: "Tabel 3.1", period: "2022", indicator: a, target: 30}\n'
    )
    result = checked(text)
    assert (result.checked, result.consistent) == (1, 0)
    (found,) = result.discrepancies
    assert (found.kind, found.source, found.reported, found.recomputed) == (
        "target",
        "Tabel 3.1",
        "30",
        "25",
    )


def test_a_score_target_and_its_grade_are_the_same_target(
    write_spec: WriteSpec, tmp_path: Path
) -> None:
    # On the AKIP scale a score of 80 is BB ((70, 80]); 81 is A.
    relative = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    text = (
        f"sakipcalc: 1\nimports: [{relative}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "indicators:\n  - {id: akip, name: A, unit: predikat, scale: akip, targets: {2022: BB}}\n"
        "reported:\n"
        '  - {source: "PK", period: "2022", indicator: akip, target: 80}\n'
        '  - {source: "Tabel", period: "2022", indicator: akip, target: 81}\n'
    )
    result = check(sakipcalc.load(write_spec({"spec.yaml": text})))
    assert [(d.source, d.reported, d.recomputed) for d in result.discrepancies] == [
        ("Tabel", "81", "BB")
    ]


# ---------------------------------------------------------------- agreements

# The plan targets 80 for 2022; the head of the agency signed 90.
AGREEMENT = RATIO + (
    "org_units:\n  - {id: kadis, name: Dinas, level: II}\n"
    "agreements:\n"
    "  - id: pk_kadis\n"
    "    year: 2022\n"
    "    org_unit: kadis\n"
    '    source: "PK Kepala Dinas"\n'
    "    items:\n      - {indicator: pct, target: 90}\n"
)


def test_an_agreement_target_that_differs_from_the_plan_is_flagged(checked: Checked) -> None:
    result = checked(AGREEMENT)
    assert (result.checked, result.consistent) == (1, 0)
    assert rows(result) == [("target", "pct", "target", "2022", "PK Kepala Dinas", "90", "80")]
    assert result.discrepancies[0].note == (
        "Perjanjian Kinerja 'pk_kadis' targets 90; the plan (Renstra) targets 80"
    )


def test_an_agreement_that_matches_the_plan_is_consistent(checked: Checked) -> None:
    result = checked(
        AGREEMENT.replace("{indicator: pct, target: 90}", "{indicator: pct, target: 80}")
    )
    assert (result.checked, result.consistent, result.discrepancies) == (1, 1, ())


def test_an_officials_table_is_held_to_the_target_they_signed(checked: Checked) -> None:
    # The official's table printing 90 agrees with the signed 90 (not the plan's 80);
    # printing 80 does not. The agreement against the plan is one more discrepancy.
    result = checked(
        AGREEMENT + "reported:\n"
        '  - {source: "Tabel Kadis A", period: "2022", indicator: pct, agreement: pk_kadis,'
        " target: 90}\n"
        '  - {source: "Tabel Kadis B", period: "2022", indicator: pct, agreement: pk_kadis,'
        " target: 80}\n"
    )
    assert (result.checked, result.consistent) == (3, 1)
    assert rows(result) == [
        ("target", "pct", "target", "2022", "Tabel Kadis B", "80", "90"),
        ("target", "pct", "target", "2022", "PK Kepala Dinas", "90", "80"),
    ]
    assert result.discrepancies[0].note == (
        "the printed target differs from the target signed in 'pk_kadis'"
    )


def test_an_achievement_in_an_officials_table_uses_the_signed_target(checked: Checked) -> None:
    # 66.67 / 90 × 100 = 74.0777… → 74.08 (against the plan's 80 it would be 83.34)
    result = checked(
        AGREEMENT + "reported:\n"
        '  - {source: "Tabel Kadis", period: "2022", indicator: pct, agreement: pk_kadis,'
        " realisation: 66.67, achievement: 74.08}\n"
    )
    # 2 consistent figures; the agreement itself still differs from the plan
    assert (result.checked, result.consistent) == (3, 2)
    assert [d.source for d in result.discrepancies] == ["PK Kepala Dinas"]


# -------------------------------------------------------------------- budgets

# Program p1 declares a ceiling of 600 over parts of 250 + 300 = 550 (spent 200 + 150
# = 350); p2 is a leaf of 100 / 100. The year declares 1000 over 550 + 100 = 650.
BUDGET = BARE + (
    "budget:\n"
    "  - year: 2022\n"
    '    source: "APBD 2022"\n'
    "    ceiling: 1000\n"
    "    programs:\n"
    "      - id: p1\n"
    "        name: P1\n"
    "        ceiling: 600\n"
    "        children:\n"
    "          - {id: k1, name: K1, ceiling: 250, spent: 200}\n"
    "          - {id: k2, name: K2, ceiling: 300, spent: 150}\n"
    "      - {id: p2, name: P2, ceiling: 100, spent: 100}\n"
)


def test_declared_budget_subtotals_are_checked_against_their_parts(checked: Checked) -> None:
    result = checked(BUDGET)
    assert (result.checked, result.consistent) == (2, 0)
    assert rows(result) == [
        ("total", "p1", "ceiling", "2022", "APBD 2022", "600", "550"),
        ("total", "budget 2022", "ceiling", "2022", "APBD 2022", "1000", "650"),
    ]
    assert [d.note for d in result.discrepancies] == [
        "the declared total is not the sum of its parts",
        "the declared total is not the sum of its programs",
    ]


def test_printed_budget_figures_are_compared_exactly(checked: Checked) -> None:
    # k1: 250, 200, 200 / 250 × 100 = 80.00 — all consistent.
    # k1 + k2: 550, 350, 350 / 550 × 100 = 63.6363… → 63.64 — all consistent.
    # The year: ceiling 550 + 100 = 650 (consistent); spent 350 + 100 = 450, printed 405.
    result = checked(
        BUDGET + "reported:\n"
        '  - {source: A, period: "2022", budget_line: k1, ceiling: 250, spent: 200,'
        " absorption: 80.00}\n"
        '  - {source: B, period: "2022", budget_lines: [k1, k2], ceiling: 550, spent: 350,'
        " absorption: 63.64}\n"
        '  - {source: C, period: "2022", budget_year: 2022, ceiling: 650, spent: 405}\n'
    )
    # 2 declared totals (both wrong, above) + 3 + 3 + 2 printed figures
    assert (result.checked, result.consistent) == (10, 7)
    assert rows(result)[0] == ("figure", "budget 2022", "spent", "2022", "C", "405", "450")
    assert result.discrepancies[0].note == "differs by -45"
    assert [kind_of(d) for d in result.discrepancies[1:]] == ["total", "total"]


def test_a_discrepant_absorption_shows_its_whole_computation(checked: Checked) -> None:
    # Regression: the note stopped at "200 / 250 × 100", unlike every other figure's.
    # 200 / 250 × 100 = 80 → 80.00; the report prints 75.00.
    result = checked(
        BUDGET + 'reported:\n  - {source: A, period: "2022", budget_line: k1, absorption: 75.00}\n'
    )
    (found,) = [d for d in result.discrepancies if d.subject == "k1"]
    assert (found.what, found.reported, found.recomputed) == ("absorption", "75.00", "80.00")
    assert found.note == "200 / 250 × 100 = 80 → 80.00"


def test_absorption_of_a_zero_ceiling_is_not_checkable(checked: Checked) -> None:
    text = BARE + (
        "budget:\n"
        "  - {year: 2022, programs: [{id: p, name: P, ceiling: 0, spent: 0}]}\n"
        "reported:\n"
        '  - {source: T, period: "2022", budget_line: p, absorption: 5}\n'
    )
    result = checked(text)
    assert rows(result) == [("not-checkable", "p", "absorption", "2022", "T", "5", "n/a")]
    assert result.discrepancies[0].note == "zero ceiling"


def test_absorption_of_a_zero_ceiling_printed_as_0_is_undefined_printed(checked: Checked) -> None:
    # 0 / 0: no absorption exists, and the report prints 0 % for it ("tidak dapat
    # dihitung, dicetak 0"), a discrepancy of its own rather than a figure left unchecked.
    text = BARE + (
        "budget:\n"
        "  - {year: 2022, programs: [{id: p, name: P, ceiling: 0, spent: 0}]}\n"
        "reported:\n"
        '  - {source: T, period: "2022", budget_line: p, absorption: 0.00}\n'
    )
    result = checked(text)
    assert rows(result) == [("undefined-printed", "p", "absorption", "2022", "T", "0.00", "n/a")]


def test_a_ratio_of_zero_by_zero_printed_as_0_is_undefined_printed(checked: Checked) -> None:
    # 2021: 0 served of 0: the realisation and so its achievement have no value; both are
    # printed 0. Missing data printed as 0 stays not checkable: nothing says it is 0/0.
    text = RATIO.replace('"2021": {served: 1, total: 3}', '"2021": {served: 0, total: 0}')
    result = checked(
        text + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 0, achievement: 0}\n'
        '  - {source: U, period: "2020", indicator: pct, realisation: 0}\n'
    )
    assert [(kind_of(d), spelled(d.what), d.recomputed) for d in result.discrepancies] == [
        ("undefined-printed", "realisation", "n/a"),
        ("undefined-printed", "achievement", "n/a"),
        ("not-checkable", "realisation", "n/a"),
    ]


def test_printed_totals_for_a_year_without_a_budget_are_not_checkable(checked: Checked) -> None:
    text = BARE + (
        "budget:\n"
        "  - {year: 2022, programs: [{id: p, name: P, ceiling: 1, spent: 1}]}\n"
        "reported:\n"
        "  - {source: T, budget_year: 2021, ceiling: 1}\n"
    )
    result = checked(text)
    assert (result.checked, result.consistent) == (1, 0)
    (found,) = result.discrepancies
    assert (kind_of(found), found.subject, found.recomputed, found.note) == (
        "not-checkable",
        "budget 2021",
        "n/a",
        "the spec has no budget for 2021",
    )


# --------------------------------------------------------------- the command


def test_check_exits_0_when_everything_reconciles(write_spec: WriteSpec) -> None:
    text = (
        RATIO + 'reported:\n  - {source: T, period: "2021", indicator: pct, realisation: 33.33}\n'
    )
    result = run_cli("check", str(write_spec({"spec.yaml": text})))
    assert (result.code, result.err) == (0, "")
    assert result.out == "Checked 1 figures: 1 consistent, 0 discrepancies.\n"


def test_check_prints_the_findings_then_one_block_per_discrepancy(write_spec: WriteSpec) -> None:
    text = RATIO + (
        "reported:\n"
        '  - {source: "Tabel 3.1", period: "2022", indicator: pct, target: 85}\n'
        '  - {source: "Tabel 3.2", period: "2021", indicator: pct, realisation: 33.34}\n'
    )
    result = run_cli("check", str(write_spec({"spec.yaml": text})))
    assert result.code == 1
    # The distinct findings by cause, named by the row label (the indicator's name
    # here, having none printed), then one block per cell. A target is held
    # "against" another table's; a figure is "recomputed".
    assert result.out == (
        "Checked 2 figures: 0 consistent, 2 discrepancies.\n"
        "2 distinct findings (from 2 discrepant cells).\n"
        "\n"
        "A different target (1)\n"
        "  1. P — 2022\n"
        "     target: reported 85, against 80\n"
        "       Tabel 3.1\n"
        "\n"
        "Cause unknown (1)\n"
        "  2. P — 2021\n"
        "     realisation: reported 33.34, recomputed 33.33\n"
        "       Tabel 3.2\n"
        "\n"
        "Discrepant cells:\n"
        "\n"
        "target: pct — target 2022\n"
        "  source:     Tabel 3.1\n"
        "  reported:   85\n"
        "  against:    80\n"
        "  note:       the printed target differs from the plan's (Renstra) target\n"
        "\n"
        "figure: pct — realisation 2021\n"
        "  source:     Tabel 3.2\n"
        "  reported:   33.34\n"
        "  recomputed: 33.33\n"
        "  note:       1 / 3 × 100 = 33.333333… → 33.33\n"
    )


def test_check_json_has_every_field_as_text(write_spec: WriteSpec) -> None:
    text = (
        RATIO + 'reported:\n  - {source: T, period: "2021", indicator: pct, realisation: 33.34}\n'
    )
    result = run_cli("check", str(write_spec({"spec.yaml": text})), "--format", "json")
    assert result.code == 1
    payload = json.loads(result.out, parse_float=_no_float)
    assert (payload["checked"], payload["consistent"]) == (1, 0)
    (found,) = payload["discrepancies"]
    assert {
        k: found[k] for k in ("kind", "subject", "what", "period", "reported", "recomputed")
    } == {
        "kind": "figure",
        "subject": "pct",
        "what": "realisation",
        "period": "2021",
        "reported": "33.34",
        "recomputed": "33.33",
    }


# --------------------------------------------------------- the Tanah Laut report


@pytest.fixture(scope="module")
def tanah_laut_checked() -> CheckResult:
    return check(sakipcalc.load(TANAH_LAUT_SPEC))


# (kind, subject, field, period, reported, recomputed), each checked against the report.
BANSOS1_REALISED = "sum(bansos1_realised) / sum(bansos1_recipients) * 100"
EXPECTED_DISCREPANCIES = [
    # Stage I total row prints the unweighted mean 73,78 / 26,22 (L4076):
    # 4967 / 6753 = 73.5525 → 73.55, 1786 / 6753 = 26.4475 → 26.45
    ("figure", BANSOS1_REALISED, "value", "2022", "73.78", "73.55"),
    (
        "figure",
        "sum(bansos1_not_realised) / sum(bansos1_recipients) * 100",
        "value",
        "2022",
        "26.22",
        "26.45",
    ),
    # Stage II total row 96,32 / 3,68 (L4177): 1723 / 1786 = 96.4726 → 96.47, 63 / 1786 = 3.5274 → 3.53
    (
        "figure",
        "sum(bansos2_realised) / sum(bansos2_recipients) * 100",
        "value",
        "2022",
        "96.32",
        "96.47",
    ),
    (
        "figure",
        "sum(bansos2_not_realised) / sum(bansos2_recipients) * 100",
        "value",
        "2022",
        "3.68",
        "3.53",
    ),
    # Narrative "4967 jiwa (73,78%)" (L3999)
    ("figure", BANSOS1_REALISED, "value", "2022", "73.78", "73.55"),
    # Strategic table "Target 2022": mandiri 30% (L1146), KUBE 100% (L1216), PSKS 75% (L1258),
    # against the Renstra 2022 column: 25 (L1718), 80 (L1781), 90 (L1824)
    ("target", "pmks_mandiri", "target", "2022", "30", "25"),
    ("target", "pmks_kube", "target", "2022", "100", "80"),
    ("target", "psks_terlatih", "target", "2022", "75", "90"),
    # Table A: mandiri 30% (L2866), KUBE 100% (L3051), PSKS 100% (L3116)
    ("target", "pmks_mandiri", "target", "2022", "30", "25"),
    ("target", "pmks_kube", "target", "2022", "100", "80"),
    ("target", "psks_terlatih", "target", "2022", "100", "90"),
    # Tabel 3.2 KUBE target 100 (L4402) and the narrative "adalah 100%" (L4811)
    ("target", "pmks_kube", "target", "2022", "100", "80"),
    ("target", "pmks_kube", "target", "2022", "100", "80"),
    # Kepala Dinas table: 25% (L4898) against the 30 % the Kepala Dinas signed (L2328)
    ("target", "pmks_mandiri", "target", "2022", "25", "30"),
    # Kabid RPJS table "40% 18,43% 46,07%" (L5551): target 40 against the PK's 100 (L2514);
    # 3120 / 16924 = 18.4354 → 18.44 half-up (truncated 18.43);
    # 18.44 / 40 = 46.10 (truncated throughout: 18.43 / 40 = 46.075 → 46.07)
    ("target", "lansia_disabilitas_kebutuhan_dasar", "target", "2022", "40", "100"),
    (
        "ambiguous-rounding",
        "lansia_disabilitas_kebutuhan_dasar",
        "realisation",
        "2022",
        "18.43",
        "18.44",
    ),
    (
        "ambiguous-rounding",
        "lansia_disabilitas_kebutuhan_dasar",
        "achievement",
        "2022",
        "46.07",
        "46.10",
    ),
    # "persentase lanjut usia ... 18,43%" (L5701-5705): lansia alone is 2833 / 13880 = 20.4107 → 20.41
    (
        "figure",
        "sum(pmks_handled, lansia_terlantar) / sum(pmks_population, lansia_terlantar) * 100",
        "value",
        "2022",
        "18.43",
        "20.41",
    ),
    # Disabilitas "9,42 %" twice (L5746, L5752-5754): 287 / 3044 = 9.4284 → 9.43 (truncated 9.42)
    (
        "ambiguous-rounding",
        "sum(pmks_handled, penyandang_disabilitas) / sum(pmks_population, penyandang_disabilitas) * 100",
        "value",
        "2022",
        "9.42",
        "9.43",
    ),
    (
        "ambiguous-rounding",
        "sum(pmks_handled, penyandang_disabilitas) / sum(pmks_population, penyandang_disabilitas) * 100",
        "value",
        "2022",
        "9.42",
        "9.43",
    ),
    # Kabid PSFM table, swapped: izin 97,27% (L5990; narrative 100, L6130) and
    # data 100% (L6012; Tabel 3.2 and narrative 97,27, L4383, L6160)
    ("figure", "izin_pub_cakupan", "realisation", "2022", "97.27", "100.00"),
    ("figure", "data_terpadu", "realisation", "2022", "100", "97.27"),
    # Pengumpulan Sumbangan spent "Rp. 1.800.000" in table (B) (L6406), "Rp. -" in (C) (L7375)
    ("figure", "keg_pengumpulan_sumbangan", "spent", None, "1800000", "0"),
    # "Analisa Program Penunjang" (L7353-7355): 9.161.495.073 / 5.300.073.352 / 57,85 %
    # against the penunjang kegiatan of Table A and (B): 6385775649 / 4597527993,
    # 4597527993 / 6385775649 × 100 = 71.9963… → 72.00
    ("figure", "prog_penunjang", "ceiling", None, "9161495073", "6385775649"),
    ("figure", "prog_penunjang", "spent", None, "5300073352", "4597527993"),
    ("figure", "prog_penunjang", "absorption", None, "57.85", "72.00"),
    # "korban bnecana alam ... 8.081 jiwa atau sekitar 25,78 %" (L7096-7098):
    # 8081 / 31356 = 25.7718 → 25.77 half-up and truncated alike
    (
        "figure",
        "sum(pmks_handled, korban_bencana_alam) / sum(pmks_handled) * 100",
        "value",
        "2022",
        "25.78",
        "25.77",
    ),
    # The Perjanjian Kinerja against the Renstra 2022 column: Kepala Dinas mandiri 30 (L2328)
    # vs 25 (L1718); Kabid PSFM KUBE 100 (L2417) vs 80 (L1781), PSKS 75 (L2439) vs 90 (L1824)
    ("target", "pmks_mandiri", "target", "2022", "30", "25"),
    ("target", "pmks_kube", "target", "2022", "100", "80"),
    ("target", "psks_terlatih", "target", "2022", "75", "90"),
]


def test_every_discrepancy_check_finds(tanah_laut_checked: CheckResult) -> None:
    found = [
        (d.kind, d.subject, d.what, d.period, d.reported, d.recomputed)
        for d in tanah_laut_checked.discrepancies
    ]
    assert len(EXPECTED_DISCREPANCIES) == 30
    assert Counter(found) == Counter(EXPECTED_DISCREPANCIES)
    assert tanah_laut_checked.consistent == tanah_laut_checked.checked - 30


def test_discrepancy_sources_name_the_report_lines(tanah_laut_checked: CheckResult) -> None:
    sources = Counter(d.source for d in tanah_laut_checked.discrepancies)
    for line in ("L4076", "L4177", "L3999", "L1146", "L4402", "L5551", "L5990", "L6012", "L7098"):
        assert any(line in source for source in sources), line
    ambiguous = [d for d in tanah_laut_checked.discrepancies if d.kind == "ambiguous-rounding"]
    assert all("matches truncate rounding, not the declared half_up" in d.note for d in ambiguous)
    mandiri = [d for d in tanah_laut_checked.discrepancies if d.subject == "pmks_mandiri"]
    assert {d.source for d in mandiri} == {
        "Tabel Sasaran Strategis, Target 2022 (L1146)",
        "Tabel Program dan Kegiatan pendukung PK 2022 (L2866)",
        "Tabel capaian Kepala Dinas (L4898-4906)",
        "BAB II E, PK ESSELON II (KEPALA DINAS), L2292-2328",
    }


def test_check_exits_1_and_matches_golden(golden: Golden) -> None:
    result = run_cli("check", str(TANAH_LAUT_SPEC))
    assert result.code == 1
    assert result.err == ""
    assert result.out.startswith("Checked 352 figures: 322 consistent, 30 discrepancies.\n")
    golden.check("tanah-laut-check.txt", result.out)


def test_check_json_keeps_decimals_as_strings() -> None:
    result = run_cli("check", str(TANAH_LAUT_SPEC), "--format", "json")
    assert result.code == 1
    payload = json.loads(result.out, parse_float=_no_float)
    assert (payload["checked"], payload["consistent"]) == (352, 322)  # counts are integers
    assert len(payload["discrepancies"]) == 30
    # Every printed and recomputed figure is a string, never a JSON number.
    for d in payload["discrepancies"]:
        assert isinstance(d["reported"], str) and isinstance(d["recomputed"], str)
    first = payload["discrepancies"][0]
    assert (first["reported"], first["recomputed"]) == ("73.78", "73.55")
    amounts = [d for d in payload["discrepancies"] if d["subject"] == "prog_penunjang"]
    assert [d["reported"] for d in amounts] == ["9161495073", "5300073352", "57.85"]


def _no_float(text: str) -> Any:
    raise AssertionError(f"a float in the JSON output: {text}")


def test_check_in_indonesian_matches_golden(golden: Golden) -> None:
    # The same findings in the agency's terms: "13 temuan berbeda", "dipotong, bukan
    # dibulatkan", "target berbeda", decimal commas and grouped Rupiah.
    result = run_cli("check", str(TANAH_LAUT_SPEC), "--locale", "id")
    assert result.code == 1
    assert result.out.startswith(
        "Diperiksa 352 angka: 322 sesuai, 30 selisih.\n"
        "13 temuan berbeda (dari 30 sel yang selisih).\n"
    )
    golden.check("tanah-laut-check-id.txt", result.out)
