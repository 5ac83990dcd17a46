"""The formula language: exact numbers, operators, sums, references, traces and errors."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import decimal
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import sakipcalc
from sakipcalc import CompiledFormula, FormulaProblem, MissingInput, Status, compile_formula
from sakipcalc.formula import (
    MAX_EXACT_DIGITS,
    InexactResult,
    NameInfo,
    NameKind,
    Slot,
    ZeroDenominator,
    simpleeval_tree,
)
from sakipcalc.rounding import DECIMAL_CONTEXT

WriteSpec = Callable[[dict[str, str]], Path]

CATEGORIES = ("anak", "lansia", "disabilitas", "bencana")
SUBSETS = {"lansia_dan_disabilitas": ("lansia", "disabilitas")}

NAMES: dict[str, NameInfo] = {
    "x": NameInfo(NameKind.SCALAR),
    "y": NameInfo(NameKind.SCALAR),
    "z": NameInfo(NameKind.SCALAR),
    "pmks_served": NameInfo(NameKind.SCALAR),
    "pmks_total": NameInfo(NameKind.SCALAR),
    "pmks_handled": NameInfo(NameKind.BREAKDOWN, CATEGORIES, SUBSETS),
    "pmks_population": NameInfo(NameKind.BREAKDOWN, CATEGORIES, SUBSETS),
    "pct_served": NameInfo(NameKind.INDICATOR),
    "akip_grade": NameInfo(NameKind.SCALAR, numeric=False),
}

Value = Decimal | Mapping[str, Decimal]


def compiled(text: str) -> CompiledFormula:
    result = compile_formula(text, NAMES)
    assert isinstance(result, CompiledFormula), result
    return result


def problem(text: str) -> FormulaProblem:
    result = compile_formula(text, NAMES)
    assert isinstance(result, FormulaProblem), result
    return result


def slot_values(formula: CompiledFormula, values: Mapping[str, Value]) -> list[Decimal]:
    out = []
    for slot in formula.slots:
        value = values[slot.name]
        if slot.categories is None:
            assert isinstance(value, Decimal)
            out.append(value)
        else:
            assert not isinstance(value, Decimal)
            out.append(sum((value[c] for c in slot.categories), Decimal(0)))
    return out


def run(text: str, **values: Value) -> Decimal:
    """Evaluate by both backends, as the engine does (under its Decimal context)."""
    formula = compiled(text)
    slots = slot_values(formula, values)
    with decimal.localcontext(DECIMAL_CONTEXT):
        result = formula.evaluate(slots)
        assert formula.evaluate_simpleeval(slots) == result
    return result


# ------------------------------------------------------------------ numbers


def test_numbers_are_exact_decimals_from_the_source_text() -> None:
    result = run("0.1 + 0.2")
    assert result == Decimal("0.3")
    assert str(result) == "0.3"  # not 0.30000000000000004: no float on the way


def test_a_literal_keeps_its_written_digits() -> None:
    assert str(run("41.42")) == "41.42"
    assert str(run("0.050")) == "0.050"
    assert run("1000000000000000000000000000001 - 1") == Decimal(10) ** 30


# ---------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("10 - (4 - 3)", "9"),
        ("12 / 4 / 3", "1"),
        ("12 / (4 / 2)", "6"),
        ("2 * 3 / 4", "1.5"),
        ("-3 + 5", "2"),
        ("-(3 + 5)", "-8"),
        ("- -4", "4"),
        ("+4", "4"),
        ("2 - -3", "5"),
        ("-2 ** 2", "-4"),
        ("(-2) ** 2", "4"),
        ("1 / 8", "0.125"),
    ],
)
def test_arithmetic_follows_the_usual_precedence(text: str, expected: str) -> None:
    assert run(text) == Decimal(expected)


def test_an_inexact_quotient_carries_60_significant_digits() -> None:
    result = run("19964 / 31356 * 100")  # 63.668835310626..., not a finite decimal
    assert str(result).startswith("63.6688353106263554")
    assert len(result.as_tuple().digits) == 60


def test_variables_take_their_slot_values() -> None:
    assert run("pmks_served / pmks_total * 100", pmks_served=Decimal(1), pmks_total=Decimal(8)) == (
        Decimal("12.5")
    )
    assert run("x - y * z", x=Decimal(10), y=Decimal(2), z=Decimal(3)) == Decimal(4)


# --------------------------------------------------------------------- sums

HANDLED = {
    "anak": Decimal(1),
    "lansia": Decimal(20),
    "disabilitas": Decimal(300),
    "bencana": Decimal(4000),
}


@pytest.mark.parametrize(
    ("text", "categories", "expected"),
    [
        ("sum(pmks_handled)", CATEGORIES, 4321),
        ("sum(pmks_handled, anak, bencana)", ("anak", "bencana"), 4001),
        ("sum(pmks_handled, lansia_dan_disabilitas)", ("lansia", "disabilitas"), 320),
        (
            "sum(pmks_handled, lansia_dan_disabilitas, anak)",
            ("lansia", "disabilitas", "anak"),
            321,
        ),
    ],
)
def test_sum_over_all_named_or_subset_categories(
    text: str, categories: tuple[str, ...], expected: int
) -> None:
    formula = compiled(text)
    assert formula.slots == (Slot("pmks_handled", categories, text),)
    assert run(text, pmks_handled=HANDLED) == expected


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("sum(x)", "sum() needs a variable with categories; 'x' has none", 4),
        ("sum(1)", "sum() takes a variable name, e.g. sum(pmks_served)", 0),
        ("sum()", "sum() takes a variable name, e.g. sum(pmks_served)", 0),
        ("sum(pmks_handled, 1)", "after the variable, sum() takes category or subset names", 18),
        (
            "sum(pmks_handled, lansai)",
            "'lansai' is not a category or subset of 'pmks_handled'; did you mean 'lansia'?",
            18,
        ),
        ("sum(pmks_handled, anak, anak)", "a category is named twice in this sum", 0),
        (
            "sum(pmks_handled, lansia_dan_disabilitas, lansia)",
            "a category is named twice in this sum",
            0,
        ),
        (
            "pmks_handled / 2",
            "variable 'pmks_handled' is broken down by category; write sum(pmks_handled) "
            "or sum(pmks_handled, <category>)",
            0,
        ),
    ],
)
def test_sum_misuse_is_refused(text: str, message: str, offset: int) -> None:
    refused = problem(text)
    assert (refused.message, refused.offset) == (message, offset)


# ---------------------------------------------------------------- functions


def test_min_max_abs() -> None:
    values = {"x": Decimal(3), "y": Decimal(-7), "z": Decimal("2.5")}
    assert run("min(x, y)", **values) == -7
    assert run("max(x, y, z)", **values) == 3
    assert run("abs(y)", **values) == 7
    assert run("min(max(x, z), abs(y)) * 2", **values) == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min(x)", "min() takes two or more arguments"),
        ("max()", "max() takes two or more arguments"),
        ("abs(x, y)", "abs() takes exactly one argument"),
        ("round(x)", "unknown function 'round'; allowed: sum, min, max, abs"),
        ("mx(x, y)", "unknown function 'mx'; allowed: sum, min, max, abs; did you mean 'max'?"),
        ("sum", "'sum' is a function; call it as sum(…)"),
    ],
)
def test_function_misuse_is_refused(text: str, message: str) -> None:
    assert problem(text).message == message


# -------------------------------------------------------------------- power


def test_power_with_a_small_whole_literal_is_allowed() -> None:
    assert run("x ** 2", x=Decimal("1.5")) == Decimal("2.25")
    assert run("x ** 10", x=Decimal(2)) == 1024
    assert run("x ** 0", x=Decimal(7)) == 1
    assert run("x ** (3)", x=Decimal(2)) == 8


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("x ** 11", 5),
        ("x ** y", 5),
        ("x ** 2.0", 5),
        ("x ** -1", 5),
        ("x ** (1 + 1)", 6),
        ("2 ** 3 ** 2", 5),
        ("x ** 10000000000", 5),
    ],
)
def test_power_needs_a_whole_literal_from_0_to_10(text: str, offset: int) -> None:
    refused = problem(text)
    assert refused.message == "a power must be a whole-number literal from 0 to 10"
    assert refused.offset == offset


# --------------------------------------------------------------- names, slots


def test_the_same_input_is_one_slot() -> None:
    formula = compiled("x / (x + y) * 100 + sum(pmks_handled) / sum(pmks_handled)")
    assert formula.slots == (
        Slot("x", None, "x"),
        Slot("y", None, "y"),
        Slot("pmks_handled", CATEGORIES, "sum(pmks_handled)"),
    )
    assert formula.references == frozenset({"x", "y", "pmks_handled"})


def test_a_subset_and_its_categories_written_out_share_a_slot() -> None:
    formula = compiled(
        "sum(pmks_handled, lansia_dan_disabilitas) / sum(pmks_handled, lansia, disabilitas)"
    )
    assert formula.slots == (
        Slot(
            "pmks_handled",
            ("lansia", "disabilitas"),
            "sum(pmks_handled, lansia_dan_disabilitas)",
        ),
    )


def test_an_indicator_is_a_name_like_a_variable() -> None:
    formula = compiled("pct_served * 2")
    assert formula.slots == (Slot("pct_served", None, "pct_served"),)


def test_a_grade_variable_cannot_be_used() -> None:
    assert problem("akip_grade + 1").message == (
        "'akip_grade' is a grade, not a number; it cannot be used in a formula"
    )


# -------------------------------------------------------------------- traces


def test_substitute_writes_numbers_in_place_of_inputs() -> None:
    formula = compiled("sum(pmks_handled) / sum(pmks_population) * 100")
    assert formula.substitute([Decimal(31356), Decimal(75695)]) == "31356 / 75695 × 100"


@pytest.mark.parametrize(
    ("text", "values", "trace"),
    [
        ("x - (y - z)", ["5", "3", "1"], "5 − (3 − 1)"),
        ("x - y - z", ["5", "3", "1"], "5 − 3 − 1"),
        ("x / (y * z)", ["8", "2", "2"], "8 / (2 × 2)"),
        ("(x + y) * z", ["1", "2", "3"], "(1 + 2) × 3"),
        ("-(x + y)", ["1", "2"], "−(1 + 2)"),
        ("-x ** 2", ["3"], "−3 ^ 2"),
        ("(-x) ** 2", ["3"], "(−3) ^ 2"),
        ("min(x, y) + abs(z)", ["1", "2", "-3"], "min(1, 2) + abs(-3)"),
        ("x * 0.50 + 1", ["4"], "4 × 0.50 + 1"),
        ("sum(pmks_handled, anak) / x", ["12", "4"], "12 / 4"),
    ],
)
def test_substitute_keeps_the_structure(text: str, values: list[str], trace: str) -> None:
    assert compiled(text).substitute([Decimal(v) for v in values]) == trace


def test_substitute_shows_a_missing_input_as_a_question_mark() -> None:
    assert compiled("x / y").substitute([Decimal(1), None]) == "1 / ?"


def test_substitute_brackets_a_power_of_a_power() -> None:
    # Regression: this was rendered '2 ^ 2 ^ 3', which reads as 2 ^ 8.
    assert compiled("(x ** 2) ** 3").substitute([Decimal(2)]) == "(2 ^ 2) ^ 3"


def test_substitute_brackets_a_negative_base() -> None:
    # Regression: this was rendered '-3 ^ 2', which reads as -(3 ^ 2) = -9.
    assert compiled("x ** 2").substitute([Decimal(-3)]) == "(-3) ^ 2"


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message", "excerpt"),
    [
        (
            "pmks_served / pmks_servd * 100",
            "unknown variable 'pmks_servd'; did you mean 'pmks_served'?",
            "pmks_served / pmks_servd * 100\n              ^",
        ),
        (
            "pmks_served // pmks_total",
            "operator '//' is not allowed; use + - * / or ** n",
            "pmks_served // pmks_total\n            ^",
        ),
        (
            "(pmks_served) % (pmks_total)",
            "operator '%' is not allowed; use + - * / or ** n",
            "(pmks_served) % (pmks_total)\n              ^",
        ),
        (
            "max(x, y, key=z)",
            "keyword arguments are not allowed",
            "max(x, y, key=z)\n          ^",
        ),
        (
            "x + y.real",
            "attribute access (.name) is not allowed in formulas",
            "x + y.real\n    ^",
        ),
        (
            "x ** 11",
            "a power must be a whole-number literal from 0 to 10",
            "x ** 11\n     ^",
        ),
        (
            "x + 1e3",
            "'1e3' is not a plain decimal number such as 100 or 0.5; write 1000",
            "x + 1e3\n    ^",
        ),
        (
            "x + 'text'",
            "text (strings) is not allowed in formulas",
            "x + 'text'\n    ^",
        ),
        (
            "x = 1",
            "assignments are not allowed; a formula is a single expression",
            "x = 1\n  ^",
        ),
        ("", "formula is empty", "\n^"),
    ],
)
def test_an_error_carries_its_offset_and_a_caret_excerpt(
    text: str, message: str, excerpt: str
) -> None:
    refused = problem(text)
    assert refused.message == message
    assert refused.formula == text
    assert refused.excerpt() == excerpt
    assert refused.excerpt().splitlines()[-1].index("^") == refused.offset


def test_a_long_formula_excerpt_is_cut_at_200_characters() -> None:
    text = "x + " * 60 + "y.real"
    refused = problem(text)
    assert refused.offset == 240
    shown, caret = refused.excerpt().split("\n")
    assert shown == text[:200] + "…"
    assert caret == " " * 200 + "^"


def test_no_suggestion_when_nothing_is_close() -> None:
    assert problem("qqqq + 1").message == "unknown variable 'qqqq'"


# ----------------------------------------------- through a loaded spec

SPEC = """\
sakipcalc: 1
spec:
  id: uji_rumus
  name: Uji rumus
  plan: {start: 2021, end: 2023}
breakdowns:
  - id: jenis
    categories: [anak, lansia, disabilitas]
    subsets: {rentan: [lansia, disabilitas]}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
  - {id: handled, breakdown: jenis, domain: count}
  - {id: population, breakdown: jenis, domain: count}
indicators:
  # Declared before the indicator it uses: evaluation follows dependencies, not file order.
  - id: double_pct
    name: Dua kali persentase terlayani
    unit: "%"
    formula: pct_served * 2
  - id: pct_served
    name: Persentase PMKS terlayani
    unit: "%"
    formula: served / total * 100
    targets: {"2022": 50}
  - id: pct_rentan
    name: Persentase PMKS rentan tertangani
    unit: "%"
    formula: sum(handled, rentan) / sum(population, rentan) * 100
    targets: {"2022": 50}
"""


def load(write_spec: WriteSpec, data: str) -> sakipcalc.Spec:
    return sakipcalc.load(write_spec({"spec.yaml": SPEC, "data.yaml": data}))


def realisations(write_spec: WriteSpec, data: str) -> dict[str, sakipcalc.Figure]:
    report = sakipcalc.evaluate(load(write_spec, data), period="2022")
    return {result.indicator: result.realisation for result in report.indicators}


FULL_DATA = """\
data:
  "2022":
    served: 31356
    total: 75695
    handled: {anak: 10, lansia: 20, disabilitas: 30}
    population: {anak: 100, lansia: 200, disabilitas: 300}
"""


def test_an_indicator_uses_another_evaluated_first(write_spec: WriteSpec) -> None:
    spec = load(write_spec, FULL_DATA)
    assert spec.order.index("pct_served") < spec.order.index("double_pct")
    figures = realisations(write_spec, FULL_DATA)
    served = figures["pct_served"]
    assert served.status is Status.OK
    assert served.rounded == Decimal("41.42")
    assert served.trace == "31356 / 75695 × 100 = 41.424136… → 41.42"
    double = figures["double_pct"]
    assert served.raw is not None
    with decimal.localcontext(DECIMAL_CONTEXT):
        assert double.raw == served.raw * 2  # the raw value, not the rounded one
    assert double.rounded == Decimal("82.85")
    assert figures["pct_rentan"].raw == 10


@pytest.mark.parametrize(("served", "total"), [("5", "0"), ("0", "0")])
def test_a_zero_denominator_is_not_computable(
    write_spec: WriteSpec, served: str, total: str
) -> None:
    data = FULL_DATA.replace("served: 31356", f"served: {served}").replace(
        "total: 75695", f"total: {total}"
    )
    figures = realisations(write_spec, data)
    figure = figures["pct_served"]
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason == "zero denominator: total is 0"
    assert figure.trace == f"{served} / 0 × 100 = n/a"
    # An indicator built on it is not computable either, and says why.
    assert figures["double_pct"].status is Status.NOT_COMPUTABLE
    assert figures["double_pct"].reason == (
        "'pct_served' is not computable (zero denominator: total is 0)"
    )


def test_a_zero_sum_denominator_is_named_as_written(write_spec: WriteSpec) -> None:
    data = FULL_DATA.replace("lansia: 200, disabilitas: 300", "lansia: 0, disabilitas: 0")
    figure = realisations(write_spec, data)["pct_rentan"]
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason == "zero denominator: sum(population, rentan) is 0"


def test_a_missing_variable_is_missing_data(write_spec: WriteSpec) -> None:
    data = FULL_DATA.replace("    total: 75695\n", "")
    figures = realisations(write_spec, data)
    figure = figures["pct_served"]
    assert figure.status is Status.MISSING_DATA
    assert figure.missing == (MissingInput("total", None, "2022"),)
    assert figure.reason == "missing data: total in 2022"
    # The missing input propagates to the indicator that uses this one.
    assert figures["double_pct"].status is Status.MISSING_DATA
    assert figures["double_pct"].missing == (MissingInput("total", None, "2022"),)


def test_a_missing_category_is_missing_data_naming_it(write_spec: WriteSpec) -> None:
    data = FULL_DATA.replace("lansia: 200, disabilitas: 300", "lansia: 200, disabilitas: ~")
    figure = realisations(write_spec, data)["pct_rentan"]
    assert figure.status is Status.MISSING_DATA
    assert figure.missing == (MissingInput("population", "disabilitas", "2022"),)
    assert figure.reason == "missing data: population[disabilitas] in 2022"


def test_a_huge_result_is_rounded_not_an_exception(write_spec: WriteSpec) -> None:
    # Regression: rounding 10**60 to 2 places needs 63 digits, more than the context's 60;
    # round_value raised decimal.InvalidOperation out of evaluate().
    spec = SPEC.replace("formula: pct_served * 2", "formula: served ** 2")
    big = "1" + "0" * 30  # a count of 10**30 is valid data (up to 40 digits)
    data = FULL_DATA.replace("served: 31356", f"served: {big}")
    directory = write_spec({"spec.yaml": spec, "data.yaml": data})
    report = sakipcalc.evaluate(sakipcalc.load(directory), period="2022")
    figure = report.indicator("double_pct").realisation
    assert figure.status is Status.OK
    assert figure.raw == Decimal(10) ** 60
    assert str(figure.rounded) == "1" + "0" * 60 + ".00"


def test_a_formula_error_in_a_file_points_at_the_character(write_spec: WriteSpec) -> None:
    spec = SPEC.replace("formula: served / total * 100", "formula: served / totl * 100")
    directory = write_spec({"spec.yaml": spec})
    (issue,) = sakipcalc.validate(directory).errors
    assert issue.code == "formula"
    assert issue.message == "unknown variable 'totl'; did you mean 'total'?"
    assert str(issue.location) == f"{directory / 'spec.yaml'}:24:23"
    assert issue.path == "indicators[1].formula"
    assert issue.excerpt == "served / totl * 100\n         ^"
    assert spec.splitlines()[23][22:26] == "totl"  # line 24, column 23


def test_a_quoted_formula_error_points_at_the_character(write_spec: WriteSpec) -> None:
    spec = SPEC.replace("formula: served / total * 100", "formula: 'served / totl * 100'")
    (issue,) = sakipcalc.validate(write_spec({"spec.yaml": spec})).errors
    assert (issue.location.line, issue.location.column) == (24, 24)
    assert spec.splitlines()[23][23:27] == "totl"  # line 24, column 24, after the quote


def test_a_block_formula_error_points_at_the_character(write_spec: WriteSpec) -> None:
    # Regression: the column was the '>' indicator's plus the offset, on the key's line.
    spec = SPEC.replace("formula: served / total * 100", "formula: >-\n      served / totl * 100")
    (issue,) = sakipcalc.validate(write_spec({"spec.yaml": spec})).errors
    assert (issue.location.line, issue.location.column) == (25, 16)
    assert spec.splitlines()[24][15:19] == "totl"  # line 25, column 16


# The smallest valid spec header, so that positions below count from line 3.
BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


def test_a_hash_does_not_cut_a_formula_short(write_spec: WriteSpec) -> None:
    text = BARE + (
        "variables:\n  - {id: h}\n  - {id: p}\n"
        "indicators:\n"
        '  - {id: a, name: A, unit: x, formula: "h / p #* 100"}\n'
    )
    (issue,) = sakipcalc.validate(write_spec({"spec.yaml": text}))
    # the formula's text starts at column 41 (after the quote); '#' is its 7th character
    assert (issue.code, issue.message, issue.location.column) == (
        "formula",
        "'#' is not allowed in a formula",
        41 + 6,
    )


def test_a_folded_formula_error_points_at_its_own_line(write_spec: WriteSpec) -> None:
    text = BARE + (
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
    (issue,) = sakipcalc.validate(write_spec({"spec.yaml": text}))
    # 'bta' is on line 13 (the 3rd formula line), indented 6: column 7
    assert (issue.location.line, issue.location.column) == (13, 7)


# ------------------------------------------------------- the two backends


@pytest.mark.parametrize(
    "text",
    [
        "x / y * 100",
        "(x - y) / z",
        "-x + y ** 2 - z ** 3",
        "min(x, y, z) / max(x, y)",
        "abs(x - y) / (z + 1)",
        "sum(pmks_handled, lansia_dan_disabilitas) / sum(pmks_handled) * 100",
        "1 / 3 * 3",
        "x / 7 + y / 11 + z / 13",
    ],
)
def test_evaluate_and_simpleeval_agree(text: str) -> None:
    formula = compiled(text)
    values = {"x": Decimal("19964"), "y": Decimal("31356"), "z": Decimal("-2.5")}
    slots = slot_values(formula, {**values, "pmks_handled": HANDLED})
    with decimal.localcontext(DECIMAL_CONTEXT):
        assert formula.evaluate_simpleeval(slots) == formula.evaluate(slots)


def test_the_simpleeval_tree_is_built_on_demand_not_kept() -> None:
    formula = compiled("sum(pmks_handled, anak) / x * 100")
    # Loading keeps one tree (for traces); simpleeval gets a fresh one when asked.
    assert [f.name for f in dataclasses.fields(formula) if "simpleeval" in f.name] == []
    tree = simpleeval_tree(formula)
    assert tree is not simpleeval_tree(formula)
    slots = [Decimal(3), Decimal(4)]
    assert tree.evaluate(slots) == formula.evaluate(slots) == Decimal(75)
    assert formula.substitute(slots) == "3 / 4 × 100"


def test_both_backends_signal_a_zero_denominator() -> None:
    formula = compiled("x / (y - y)")
    with decimal.localcontext(DECIMAL_CONTEXT):
        with pytest.raises(ZeroDenominator) as compiled_error:
            formula.evaluate([Decimal(1), Decimal(2)])
        with pytest.raises(ZeroDenominator):
            formula.evaluate_simpleeval([Decimal(1), Decimal(2)])
    assert compiled_error.value.denominator == "y - y"


# ---------------------------------------------- exact and isolated arithmetic

# Two 40-digit counts (the longest count the loader accepts).
COUNT_X = 1234567890123456789012345678901234567891
COUNT_Y = 9876543210987654321098765432109876543211


def test_a_product_of_two_40_digit_counts_is_exact() -> None:
    result = run("x * y", x=Decimal(COUNT_X), y=Decimal(COUNT_Y))
    # Python's int arithmetic is the oracle: all 80 digits, none rounded away.
    assert result == Decimal(COUNT_X * COUNT_Y)
    assert str(result) == str(COUNT_X * COUNT_Y)
    assert len(str(result)) == 80


def test_a_sum_across_78_orders_of_magnitude_is_exact() -> None:
    # (1E+39 + 1E-39) - 1E+39 is 1E-39 exactly; at 60 digits the sum lost its 1E-39 and
    # the difference came out 0.
    result = run("(x + y) - x", x=Decimal("1E+39"), y=Decimal("1E-39"))
    assert Fraction(result) == Fraction(1, 10**39)
    total = run("x + y", x=Decimal("1E+39"), y=Decimal("1E-39"))
    assert Fraction(total) == Fraction(10**39) + Fraction(1, 10**39)


def test_exact_results_keep_the_form_they_always_had() -> None:
    # A result that fits in 60 digits is the Decimal sakipcalc always gave, trailing
    # zeros included: an inexact quotient times 100 has 60 digits, not 62.
    assert run("1.50 * 2") == Decimal("3.00")
    assert str(run("1.50 * 2")) == "3.00"
    assert len(run("2 / 3 * 100").as_tuple().digits) == 60
    assert str(run("x - x", x=Decimal("1E+39"))) == "0E+39"


def test_a_power_is_exact() -> None:
    base = Decimal("1.0000000001")  # 11 digits: the 10th power has 101
    result = run("x ** 10", x=base)
    assert Fraction(result) == Fraction(base) ** 10
    assert len(result.as_tuple().digits) == 101


def test_division_keeps_60_significant_digits() -> None:
    result = run("1 / 3")
    assert result == Decimal("0." + "3" * 60)


def test_an_exact_result_may_have_up_to_MAX_EXACT_DIGITS_digits() -> None:
    assert MAX_EXACT_DIGITS == 1000
    nines = 10**500 - 1  # 500 digits; its square has exactly 1,000
    result = run("x * x", x=Decimal(nines))
    assert result == Decimal(nines * nines)
    assert len(str(result)) == 1000


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("x * x", {"x": Decimal(10**501 - 1)}),  # 1,002 digits
        ("x + y", {"x": Decimal("1E+600"), "y": Decimal("1E-600")}),  # 1,201 digits
        ("-x", {"x": Decimal(10**1001 - 1)}),  # an input longer than the bound
    ],
)
def test_a_longer_exact_result_is_refused_naming_the_formula(
    text: str, values: dict[str, Decimal]
) -> None:
    formula = compiled(text)
    slots = slot_values(formula, values)
    with pytest.raises(InexactResult) as compiled_error:
        formula.evaluate(slots)
    with pytest.raises(InexactResult) as simpleeval_error:
        formula.evaluate_simpleeval(slots)
    message = f"arithmetic not exact: {text} needs more than 1000 significant digits"
    assert compiled_error.value.formula == text
    assert compiled_error.value.message == message
    assert simpleeval_error.value.message == message


def test_an_exact_result_below_the_smallest_decimal_is_refused() -> None:
    formula = compiled("x * y")
    with pytest.raises(InexactResult) as error:
        formula.evaluate([Decimal("1.5E-999999"), Decimal("1E-999")])
    assert error.value.message == "arithmetic out of range: x * y is too small to hold exactly"


def test_a_result_beyond_the_exact_bound_is_not_computable(write_spec: WriteSpec) -> None:
    spec = SPEC.replace("formula: pct_served * 2", "formula: ((served ** 10) ** 10) ** 3")
    data = FULL_DATA.replace("served: 31356", "served: 3")  # 3 ** 300: 144 digits
    directory = write_spec({"spec.yaml": spec, "data.yaml": data})
    figure = sakipcalc.evaluate(sakipcalc.load(directory), period="2022").indicator("double_pct")
    assert figure.realisation.status is Status.OK
    assert figure.realisation.raw == Decimal(3**300)
    data = FULL_DATA.replace("served: 31356", "served: 31357")  # 31357 ** 300: 1,350 digits
    directory = write_spec({"spec.yaml": spec, "data.yaml": data})
    figure = sakipcalc.evaluate(sakipcalc.load(directory), period="2022").indicator("double_pct")
    assert figure.realisation.status is Status.NOT_COMPUTABLE
    assert figure.realisation.reason == (
        "arithmetic not exact: ((served ** 10) ** 10) ** 3 needs more than 1000 significant digits"
    )
    assert figure.realisation.trace == "((31357 ^ 10) ^ 10) ^ 3 = n/a"


ISOLATION_CASES = [
    ("x / y * 100", {"x": Decimal(31356), "y": Decimal(75695)}),
    ("x * y", {"x": Decimal(COUNT_X), "y": Decimal(COUNT_Y)}),
    ("(x + y) - x", {"x": Decimal("1E+39"), "y": Decimal("1E-39")}),
    ("-x + y ** 2 - abs(z)", {"x": Decimal("1.23456789"), "y": Decimal("-7.5"), "z": Decimal(-3)}),
    ("min(x / 7, y / 11) + max(x, z)", {"x": Decimal(19964), "y": Decimal(31356), "z": Decimal(1)}),
    ("x / (y - y)", {"x": Decimal(1), "y": Decimal(2)}),
]


def hostile_context() -> decimal.Context:
    return decimal.Context(
        prec=5,
        rounding=decimal.ROUND_FLOOR,
        Emax=10,
        Emin=-10,
        traps=[
            decimal.Inexact,
            decimal.Rounded,
            decimal.FloatOperation,
            decimal.Clamped,
            decimal.Subnormal,
            decimal.Underflow,
            decimal.Overflow,
        ],
    )


def outcome(text: str, values: Mapping[str, Decimal], backend: str = "evaluate") -> str:
    """The result's exact text, or the exception's type and text."""
    formula = compiled(text)
    slots = slot_values(formula, values)
    try:
        return str(getattr(formula, backend)(slots))
    except ArithmeticError as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("backend", ["evaluate", "evaluate_simpleeval"])
def test_the_callers_decimal_context_changes_nothing(backend: str) -> None:
    with decimal.localcontext(decimal.Context()):
        expected = [outcome(text, values, backend) for text, values in ISOLATION_CASES]
    assert expected[1] == str(COUNT_X * COUNT_Y)  # exact, as tested above
    assert expected[-1].startswith("ZeroDenominator")
    with decimal.localcontext(hostile_context()):
        assert [outcome(text, values, backend) for text, values in ISOLATION_CASES] == expected


def test_a_product_of_two_40_digit_counts_is_exact_in_a_loaded_spec(
    write_spec: WriteSpec,
) -> None:
    spec = SPEC.replace("formula: pct_served * 2", "formula: served * total")
    data = FULL_DATA.replace("served: 31356", f"served: {COUNT_X}").replace(
        "total: 75695", f"total: {COUNT_Y}"
    )
    directory = write_spec({"spec.yaml": spec, "data.yaml": data})
    with decimal.localcontext(hostile_context()):
        report = sakipcalc.evaluate(sakipcalc.load(directory), period="2022")
    figure = report.indicator("double_pct").realisation
    assert figure.status is Status.OK
    assert figure.raw == Decimal(COUNT_X * COUNT_Y)


def test_threads_with_different_contexts_get_the_same_results() -> None:
    with decimal.localcontext(decimal.Context()):
        expected = [outcome(text, values) for text, values in ISOLATION_CASES]
    contexts = [
        hostile_context(),
        decimal.Context(prec=1, rounding=decimal.ROUND_UP),
        decimal.Context(prec=999, rounding=decimal.ROUND_DOWN, traps=[decimal.Inexact]),
        decimal.Context(prec=28, rounding=decimal.ROUND_05UP, traps=[]),
    ]

    def work(index: int) -> list[list[str]]:
        with decimal.localcontext(contexts[index % len(contexts)]):
            return [[outcome(text, values) for text, values in ISOLATION_CASES] for _ in range(50)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        runs = list(pool.map(work, range(16)))
    for per_thread in runs:
        for got in per_thread:
            assert got == expected
