"""Declared policies: caps, the floor under negative achievements, budget rounding,
range checks on given realisations, and messages that suggest the corrected text.

Every expected value is worked out by hand in the comment above it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sakipcalc
from sakipcalc._types import suggest_number
from sakipcalc.check import check
from sakipcalc.cli import run
from sakipcalc.errors import SpecError
from sakipcalc.render import render_json
from sakipcalc.results import Status

WriteSpec = Callable[[dict[str, str]], Path]

HEAD = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}%s}
"""


def spec_text(indicators: str, spec_extra: str = "", rest: str = "") -> str:
    return HEAD % spec_extra + "indicators:\n" + indicators + rest


def issues_of(write_spec: WriteSpec, text: str) -> list[tuple[str, str, str]]:
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    return [(i.code, i.message, i.path) for i in report]


def evaluate(write_spec: WriteSpec, text: str, period: str = "2022") -> sakipcalc.EvaluationReport:
    spec = sakipcalc.load(write_spec({"spec.yaml": text}))
    return sakipcalc.evaluate(spec, period=period)


# ------------------------------------------------------------------- caps

LOWER_10 = "  - {id: a, name: A, unit: kasus, polarity: lower_is_better, targets: {2022: 10}%s}\n"


def test_a_capped_trace_shows_the_uncapped_arithmetic_then_the_cap(
    write_spec: WriteSpec,
) -> None:
    # (2 × 10 − 8) / 10 × 100 = 12 / 10 × 100 = 120, printed capped at 100.
    text = spec_text(LOWER_10 % "", ", cap: 100", "data: {2022: {a: 8}}\n")
    result = evaluate(write_spec, text).indicator("a").achievement
    assert result.raw == Decimal(120)
    assert result.rounded == Decimal("100.00")
    assert result.trace == "(2 × 10 − 8) / 10 × 100 = 120, capped at 100 → 100.00"


def test_json_raw_is_uncapped_and_rounded_is_capped(write_spec: WriteSpec) -> None:
    text = spec_text(LOWER_10 % "", ", cap: 100", "data: {2022: {a: 8}}\n")
    document = json.loads(render_json(evaluate(write_spec, text)))
    figure = document["indicators"][0]["achievement"]
    assert Decimal(figure["raw"]) == Decimal(120)
    assert Decimal(figure["rounded"]) == Decimal(100)


def test_an_indicator_opts_out_of_the_spec_wide_cap(write_spec: WriteSpec) -> None:
    # Uncapped: 120.00 for the indicator with cap: none; the other one is capped at 100.
    indicators = (
        LOWER_10 % ", cap: none" + LOWER_10.replace("id: a, name: A", "id: b, name: B") % ""
    )
    text = spec_text(indicators, ", cap: 100", "data: {2022: {a: 8, b: 8}}\n")
    report = evaluate(write_spec, text)
    assert report.indicator("a").achievement.rounded == Decimal("120.00")
    assert "capped" not in report.indicator("a").achievement.trace
    assert report.indicator("b").achievement.rounded == Decimal("100.00")


def test_an_indicator_cap_overrides_the_spec_wide_one(write_spec: WriteSpec) -> None:
    # 120 capped by the indicator's own 110, not by the spec's 100.
    text = spec_text(LOWER_10 % ", cap: 110", ", cap: 100", "data: {2022: {a: 8}}\n")
    assert evaluate(write_spec, text).indicator("a").achievement.rounded == Decimal("110.00")


@pytest.mark.parametrize("where", ["spec", "indicator"])
@pytest.mark.parametrize("cap", ["0", "0.0", "-5"])
def test_a_cap_must_be_above_zero(write_spec: WriteSpec, where: str, cap: str) -> None:
    if where == "spec":
        text = spec_text(LOWER_10 % "", f", cap: {cap}")
        path = "spec.cap"
    else:
        text = spec_text(LOWER_10 % f", cap: {cap}")
        path = "indicators[0].cap"
    [(code, message, at)] = issues_of(write_spec, text)
    assert (code, at) == ("invalid-value", path)
    assert message.startswith(f"a cap must be above 0, not {Decimal(cap)}")


def test_cap_none_is_refused_spec_wide(write_spec: WriteSpec) -> None:
    # At spec level no cap is the default: 'none' there is not a number.
    [(code, _, at)] = issues_of(write_spec, spec_text(LOWER_10 % "", ", cap: none"))
    assert (code, at) == ("invalid-value", "spec.cap")


def test_check_compares_the_printed_capped_achievement(write_spec: WriteSpec) -> None:
    # The report prints 100 (capped); raw is 120, but the comparison is with the cap.
    text = spec_text(
        LOWER_10 % "",
        ", cap: 100",
        "data: {2022: {a: 8}}\n"
        "reported:\n  - {source: T, period: 2022, indicator: a, achievement: 100}\n",
    )
    spec = sakipcalc.load(write_spec({"spec.yaml": text}))
    result = check(spec)
    assert result.checked == 1
    assert not result.discrepancies


# ----------------------------------------------------- negative achievement


@pytest.mark.parametrize(
    ("policy", "status", "rounded"),
    [
        # (2 × 10 − 25) / 10 × 100 = −5 / 10 × 100 = −50
        ("", Status.OK, Decimal("0.00")),  # default: floor
        (", negative: floor", Status.OK, Decimal("0.00")),
        (", negative: allow", Status.OK, Decimal("-50.00")),
        (", negative: not_computable", Status.NOT_COMPUTABLE, None),
    ],
)
def test_lower_is_better_beyond_twice_the_target(
    write_spec: WriteSpec, policy: str, status: Status, rounded: Decimal | None
) -> None:
    text = spec_text(LOWER_10 % policy, "", "data: {2022: {a: 25}}\n")
    figure = evaluate(write_spec, text).indicator("a").achievement
    assert figure.status is status
    assert figure.rounded == rounded
    if status is Status.OK:
        assert figure.raw == Decimal(-50)
    if policy == "":
        assert figure.trace == "(2 × 10 − 25) / 10 × 100 = -50, floored at 0 → 0.00"
    if status is Status.NOT_COMPUTABLE:
        assert figure.reason == (
            "(2 × 10 − 25) / 10 × 100 = -50: a negative achievement is refused "
            "('negative: not_computable')"
        )


def test_exactly_twice_the_target_is_zero_not_floored(write_spec: WriteSpec) -> None:
    # (2 × 10 − 20) / 10 × 100 = 0: nothing to floor.
    text = spec_text(LOWER_10 % "", "", "data: {2022: {a: 20}}\n")
    figure = evaluate(write_spec, text).indicator("a").achievement
    assert figure.rounded == Decimal("0.00")
    assert "floored" not in figure.trace


# ----------------------------------------------------------- budget rounding

BUDGET = """\
budget:
  - year: 2022%s
    programs:
      - {id: p, name: P, ceiling: 3, spent: 2}
"""


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        # 2 / 3 × 100 = 66.666…: spec-wide half_up to 2 places → 66.67
        ("", "66.67"),
        # the budget's own: 1 place, truncate → 66.6
        ("\n    rounding: {places: 1, mode: truncate}", "66.6"),
        # only places: the spec's half_up with 0 places → 67
        ("\n    rounding: {places: 0}", "67"),
    ],
)
def test_budget_absorption_declares_its_own_rounding(
    write_spec: WriteSpec, rounding: str, expected: str
) -> None:
    text = spec_text(LOWER_10 % "", "", BUDGET % rounding)
    report = evaluate(write_spec, text)
    assert str(report.budget[0].absorption.rounded) == expected
    assert str(report.budget_totals[0].absorption.rounded) == expected


def test_budget_rounding_leaves_achievements_alone(write_spec: WriteSpec) -> None:
    # 8 / 3 × 100 = 266.666… → 266.67 under the spec's 2 places, whatever the budget says.
    indicator = "  - {id: a, name: A, unit: kasus, targets: {2022: 3}}\n"
    text = spec_text(
        indicator, "", BUDGET % "\n    rounding: {places: 0}" + "data: {2022: {a: 8}}\n"
    )
    assert evaluate(write_spec, text).indicator("a").achievement.rounded == Decimal("266.67")


def test_a_bad_budget_rounding_is_refused(write_spec: WriteSpec) -> None:
    text = spec_text(LOWER_10 % "", "", BUDGET % "\n    rounding: {places: 11}")
    with pytest.raises(SpecError):
        sakipcalc.load(write_spec({"spec.yaml": text}))


# ------------------------------------------------ given realisations in range

PERCENT = "  - {id: p, name: P, unit: '%s', targets: {2022: 90}%s}\n"


@pytest.mark.parametrize("unit", ["%", "persen", "percent", "Persen"])
@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("150", "fix the value, or declare 'allow_over_100: true' on the indicator"),
        ("-3", "fix the value"),
        ("100.01", "fix the value, or declare 'allow_over_100: true' on the indicator"),
    ],
)
def test_a_given_percentage_is_checked_like_its_targets(
    write_spec: WriteSpec, unit: str, value: str, hint: str
) -> None:
    text = spec_text(PERCENT % (unit, ""), "", f"data:\n  2022:\n    p: {value}\n")
    report = sakipcalc.validate(write_spec({"spec.yaml": text}))
    [issue] = list(report)
    assert (issue.code, issue.message, issue.hint, issue.path) == (
        "percentage-out-of-range",
        f"percentage realisation {value} of 'p' is outside 0–100",
        hint,
        "data.2022.p",
    )
    assert (issue.location.line, issue.location.column) == (7, 8)  # the value, under 2022:


@pytest.mark.parametrize("value", ["0", "100", "55.5"])
def test_a_given_percentage_in_range_is_accepted(write_spec: WriteSpec, value: str) -> None:
    text = spec_text(PERCENT % ("%", ""), "", f"data: {{2022: {{p: {value}}}}}\n")
    assert list(sakipcalc.validate(write_spec({"spec.yaml": text}))) == []


def test_allow_over_100_lifts_only_the_upper_bound(write_spec: WriteSpec) -> None:
    # 150 / 90 × 100 = 166.666… → 166.67; -3 stays refused.
    allowed = PERCENT % ("%", ", allow_over_100: true")
    text = spec_text(allowed, "", "data: {2022: {p: 150}}\n")
    assert evaluate(write_spec, text).indicator("p").achievement.rounded == Decimal("166.67")
    [(code, _, _)] = issues_of(write_spec, spec_text(allowed, "", "data: {2022: {p: -3}}\n"))
    assert code == "percentage-out-of-range"


def test_other_units_are_not_range_checked(write_spec: WriteSpec) -> None:
    # A count-like unit may exceed 100: 150 / 90 × 100 = 166.67.
    text = spec_text(PERCENT % ("orang", ""), "", "data: {2022: {p: 150}}\n")
    assert evaluate(write_spec, text).indicator("p").achievement.rounded == Decimal("166.67")


# ------------------------------------------------- messages that teach (goldens)
#
# One golden file per authoring mistake, holding exactly what `sakipcalc validate`
# prints for it: file:line:col, the code, the message with the corrected text, the
# path. Each case is one spec file; `{}` in it marks nothing but the mistake.

MISTAKES = {
    # a block value with a decimal comma: suggest 1.0, do not repeat 1,0
    "decimal-comma-value": "data:\n  2022:\n    napi_mental: 1,0\n",
    # a decimal comma inside a flow mapping, split by YAML at the comma
    "decimal-comma-flow-mapping": (
        "reported:\n  - {source: Tabel 3.1, period: 2022, indicator: napi_mental, "
        "achievement: 142,86}\n"
    ),
    # Indonesian thousands points and a decimal comma: 1234.5
    "thousands-points-decimal-comma": "data:\n  2022:\n    napi_mental: 1.234,5\n",
    # a single comma before three digits: either reading is offered
    "ambiguous-comma": "data:\n  2022:\n    napi_mental: 1,234\n",
    # a percent sign typed into the number
    "percent-sign-in-number": "data:\n  2022:\n    napi_mental: 13,32%\n",
    # a leading zero (octal in YAML 1.1)
    "leading-zero": "data:\n  2022:\n    napi_mental: 07\n",
    # a given percentage above 100 and below 0
    "percentage-realisation-over-100": "data:\n  2022:\n    napi_mental: 150\n",
    "percentage-realisation-negative": "data:\n  2022:\n    napi_mental: -3\n",
    # a cap of 0, spec-wide
    "cap-zero": "",
}

MISTAKE_SPEC = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}%s}
indicators:
  - id: napi_mental
    name: Napi dengan gangguan mental yang ditangani
    unit: '%%'
    targets: {2022: 90}
"""


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_messages_teach_the_corrected_text(
    mistake: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Any
) -> None:
    spec = MISTAKE_SPEC % (", cap: 0" if mistake == "cap-zero" else "") + MISTAKES[mistake]
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "spec.yaml").write_text(spec, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = run(["validate", "spec"], out, err)
    assert code == 1
    golden.check(f"messages/{mistake}.txt", out.getvalue() + err.getvalue())


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("1,0", ("1.0",)),
        ("142,86", ("142.86",)),
        ("-1,5", ("-1.5",)),
        ("1.234,5", ("1234.5",)),
        ("1.234.567", ("1234567",)),
        ("1,234,567", ("1234567",)),
        ("1,234.5", ("1234.5",)),
        ("1,234", ("1.234", "1234")),  # decimal comma, or thousands separator
        ("1234,567", ("1234.567",)),  # not a thousands grouping: a decimal comma
        ("75 695", ("75695",)),
        ("13,32%", ("13.32",)),
        ("Rp 2.500.000", ("2500000",)),
        ("Rp. 2.500,75", ("2500.75",)),
        ("1e3", ("1000",)),
        ("1.5E-2", ("0.015",)),
        ("1_000", ("1000",)),
        (".5", ("0.5",)),
        ("5.", ("5",)),
        ("+5", ("5",)),
        ("0x1F", ()),
        (".inf", ()),
        ("10 5", ()),  # two numbers, not one
        ("1e999999", ()),  # no text worth suggesting
        ("abc", ()),
    ],
)
def test_suggested_number_text(text: str, suggested: tuple[str, ...]) -> None:
    assert suggest_number(text) == suggested


def test_decimal_comma_in_a_flow_mapping_is_reported_once_with_its_place(
    write_spec: WriteSpec,
) -> None:
    text = spec_text(
        "  - {id: p, name: P, unit: '%', targets: {2022: 90,5, 2023: 91}}\n",
        "",
        "data: {2022: {p: 1,234,567}}\n",
    )
    issues = list(sakipcalc.validate(write_spec({"spec.yaml": text})))
    assert [(i.code, i.path, i.location.line, i.location.column, i.hint) for i in issues] == [
        (
            "decimal-comma",
            "indicators[0].targets.2022",
            4,
            49,
            "write 90.5: a point as the decimal separator, no thousands separators",
        ),
        (
            "decimal-comma",
            "data.2022.p",
            5,
            18,
            "write 1234567: a point as the decimal separator, no thousands separators",
        ),
        # the rejoined number is checked as the author meant it: too large for a %
        (
            "percentage-out-of-range",
            "data.2022.p",
            5,
            18,
            "fix the value, or declare 'allow_over_100: true' on the indicator",
        ),
    ]
    assert issues[1].message == (
        "YAML split 1,234,567 at the comma: inside { } a comma separates entries, so it read "
        "1 and then keys '234', '567' with no value"
    )


def test_a_spaced_comma_in_a_flow_mapping_is_not_a_decimal_comma(write_spec: WriteSpec) -> None:
    # `{2022: 90, 5: 1}` is two entries as written; 5 is then an invalid period.
    text = spec_text("  - {id: p, name: P, unit: '%', targets: {2022: 90, 5: 1}}\n")
    codes = [i.code for i in sakipcalc.validate(write_spec({"spec.yaml": text}))]
    assert "decimal-comma" not in codes


# ------------------------------------------------------------------ property

_AMOUNT = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@given(
    target=_AMOUNT.filter(lambda t: t > 0),
    realisation=_AMOUNT,
    cap=st.one_of(st.none(), st.decimals(min_value="0.01", max_value=500, places=2)),
)
def test_floor_and_cap_bound_the_printed_figure_only(
    target: Decimal, realisation: Decimal, cap: Decimal | None
) -> None:
    indicator = sakipcalc.Indicator(
        id="a", name="A", unit="kasus", polarity=sakipcalc.Polarity.LOWER_IS_BETTER
    )
    figure = sakipcalc.achievement(
        indicator,
        sakipcalc.TargetSpec(value=target),
        sakipcalc.Figure(Status.OK, raw=realisation, rounded=realisation),
        sakipcalc.Rounding(),
        None,
        cap,
    )
    with localcontext(Context(prec=80)):
        exact = (2 * target - realisation) / target * 100
    assert figure.raw is not None and figure.rounded is not None
    assert abs(figure.raw - exact) < Decimal("1E-40")  # raw: the arithmetic, unbounded
    bounded = max(exact, Decimal(0))
    if cap is not None:
        bounded = min(bounded, cap)
    assert figure.rounded == bounded.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_a_valid_file_is_not_parsed_again_for_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Positions are found again (a strict parse of the whole file) only when an
    # issue needs one; the decimal-comma check must not ask for them on every number.
    import sakipcalc._source

    def refuse(text: str) -> object:
        raise AssertionError("positions were looked up for a valid file")

    monkeypatch.setattr(sakipcalc._source, "_find_positions", refuse)
    (tmp_path / "spec.yaml").write_text(
        "sakipcalc: 1\n"
        "spec: {id: s, name: S, plan: {start: 2020, end: 2022}}\n"
        "breakdowns:\n  - {id: kinds, categories: [a, b]}\n"
        "variables:\n  - {id: x, breakdown: kinds}\n"
        "indicators:\n  - {id: i, name: I, unit: x, formula: sum(x), targets: {2022: 10}}\n"
        "data:\n  '2022':\n    x: {a: 1, b: 2}\n",
        encoding="utf-8",
    )
    spec = sakipcalc.load(tmp_path)
    assert sakipcalc.evaluate(spec, period="2022").indicator("i").realisation.raw == 3
