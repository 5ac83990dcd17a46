"""Scale intervals, band lookup on the standard scales, and band validation."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import SPECS

import sakipcalc
from sakipcalc._scales import CompiledScale, Interval, ScaleBand, band_problems, parse_interval
from sakipcalc.models import Scale

STANDARD = SPECS / "standard"


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def standard_scale(file: str, scale_id: str) -> CompiledScale:
    document = yaml.safe_load((STANDARD / file).read_text(encoding="utf-8"))
    (raw,) = [s for s in document["scales"] if s["id"] == scale_id]
    scale = Scale.model_validate(raw)
    bands = tuple(
        ScaleBand(band, parse_interval(band.range), index + 1)
        for index, band in enumerate(scale.bands)
    )
    return CompiledScale(scale, bands)


AKIP = standard_scale("akip.yaml", "akip")
PERMENDAGRI = standard_scale("permendagri_86_2017.yaml", "permendagri_86_2017")
TRAFFIC = standard_scale("traffic_light.yaml", "traffic_light")
EFFICIENCY = standard_scale("traffic_light.yaml", "efficiency_bands")


def intervals(*texts: str) -> list[Interval]:
    return [parse_interval(t) for t in texts]


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("text", "low", "low_inclusive", "high", "high_inclusive"),
    [
        ("(90, 100]", "90", False, "100", True),
        ("[91, inf)", "91", True, None, False),
        ("(-inf, 51)", None, False, "51", False),
        ("[0, 30]", "0", True, "30", True),
        ("[-5, 5]", "-5", True, "5", True),
        ("(5, +inf)", "5", False, None, False),
        ("(-inf, inf)", None, False, None, False),
        ("(80.5, 90.25]", "80.5", False, "90.25", True),
        ("[5, 5]", "5", True, "5", True),  # a single point
        ("  ( 90 ,100 ]  ", "90", False, "100", True),  # spaces are allowed
        ("(-10.5, -0.5)", "-10.5", False, "-0.5", False),
    ],
)
def test_parse_interval(
    text: str, low: str | None, low_inclusive: bool, high: str | None, high_inclusive: bool
) -> None:
    interval = parse_interval(text)
    assert interval.low == (D(low) if low is not None else None)
    assert interval.low_inclusive is low_inclusive
    assert interval.high == (D(high) if high is not None else None)
    assert interval.high_inclusive is high_inclusive


def test_bounds_are_exact_decimals() -> None:
    interval = parse_interval("(0.1, 0.3]")
    assert interval.low == Decimal("0.1")  # not the float 0.1000000000000000055…
    assert isinstance(interval.low, Decimal)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("(90, 100]", "(90, 100]"),
        ("[91, inf)", "[91, inf)"),
        ("(-inf, 51)", "(-inf, 51)"),
        ("(5, +inf)", "(5, inf)"),
        ("( 1 , 2 )", "(1, 2)"),
    ],
)
def test_interval_str(text: str, shown: str) -> None:
    assert str(parse_interval(text)) == shown


GENERIC = "write an interval such as"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("90-100", GENERIC),  # as regulations print it
        ("> 90", GENERIC),
        ("(90, 100", GENERIC),  # no closing bracket
        ("90, 100]", GENERIC),  # no opening bracket
        ("(90; 100]", GENERIC),
        ("(90,, 100]", GENERIC),
        ("(1e3, 5000)", GENERIC),  # exponents are not plain decimals
        ("(.5, 1)", GENERIC),
        ("(+5, 10)", GENERIC),
        ("(1,5, 2)", GENERIC),  # decimal comma
        ("(inf, 5)", GENERIC),  # +inf as a lower bound
        ("(5, -inf)", GENERIC),  # -inf as an upper bound
        ("(a, b)", GENERIC),
        ("", GENERIC),
        ("(100, 90]", "the lower bound is above the upper bound"),
        ("[-4, -5]", "the lower bound is above the upper bound"),
        ("(5, 5)", "invalid range"),  # empty
        ("(5, 5]", "invalid range"),  # empty
        ("(5, inf]", "an infinite bound cannot be included"),
        ("[-inf, 5)", "an infinite bound cannot be included"),
    ],
)
def test_bad_intervals_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="invalid range") as info:
        parse_interval(text)
    text_of_error = str(info.value)
    assert message in text_of_error
    assert repr(text) in text_of_error  # the message quotes what was written


def test_generic_message_explains_the_notation() -> None:
    with pytest.raises(ValueError, match="invalid range") as info:
        parse_interval("90-100")
    message = str(info.value)
    assert "(90, 100]" in message  # an example
    assert "excludes" in message and "includes" in message
    assert "inf" in message


@pytest.mark.parametrize(
    ("text", "value", "inside"),
    [
        ("(90, 100]", "90", False),
        ("(90, 100]", "90.0001", True),
        ("(90, 100]", "100", True),
        ("(90, 100]", "100.0001", False),
        ("[91, inf)", "91", True),
        ("[91, inf)", "90.9999", False),
        ("[91, inf)", "1000000000", True),
        ("(-inf, 51)", "51", False),
        ("(-inf, 51)", "50.9999", True),
        ("(-inf, 51)", "-1000000000", True),
        ("[5, 5]", "5", True),
        ("[5, 5]", "5.0001", False),
    ],
)
def test_interval_contains(text: str, value: str, inside: bool) -> None:
    assert parse_interval(text).contains(D(value)) is inside


# --------------------------------------------------------- the AKIP scale


@pytest.mark.parametrize(
    ("score", "label"),
    [
        ("0", "D"),
        ("30", "D"),  # D is 0 – 30
        ("30.01", "C"),  # lower bounds are exclusive
        ("50", "C"),
        ("50.01", "CC"),
        ("60", "CC"),
        ("60.01", "B"),
        ("70", "B"),
        ("70.01", "BB"),
        ("80", "BB"),  # a score target of 80 means BB
        ("80.01", "A"),
        ("90", "A"),  # not AA: several e-SAKIP apps get this wrong with >= 90
        ("90.01", "AA"),
        ("90.5", "AA"),
        ("100", "AA"),
    ],
)
def test_akip_band_lookup(score: str, label: str) -> None:
    band = AKIP.band_for(D(score))
    assert band is not None
    assert band.band.label == label


@pytest.mark.parametrize("score", ["-0.01", "100.01", "245.05"])
def test_akip_scores_outside_the_scale(score: str) -> None:
    assert AKIP.band_for(D(score)) is None


def test_akip_positions_and_names() -> None:
    assert AKIP.labels == ("D", "C", "CC", "B", "BB", "A", "AA")
    positions = {label: AKIP.band_by_label(label).position for label in AKIP.labels}  # type: ignore[union-attr]
    assert positions == {"D": 1, "C": 2, "CC": 3, "B": 4, "BB": 5, "A": 6, "AA": 7}
    assert AKIP.band_by_label("BB").band.name == "Sangat Baik"  # type: ignore[union-attr]
    assert AKIP.band_by_label("AA").band.name == "Sangat Memuaskan"  # type: ignore[union-attr]
    assert AKIP.band_by_label("bb") is None  # labels are case-sensitive
    assert AKIP.band_by_label("E") is None


# --------------------------------------------------- Permendagri 86/2017


@pytest.mark.parametrize(
    ("achievement", "label", "name"),
    [
        ("-20", "sangat_rendah", "Sangat Rendah"),
        ("0", "sangat_rendah", "Sangat Rendah"),
        ("41.42", "sangat_rendah", "Sangat Rendah"),  # the Tanah Laut report's % PMKS tertangani
        ("50", "sangat_rendah", "Sangat Rendah"),
        ("50.99", "sangat_rendah", "Sangat Rendah"),  # the gap (50, 51) is closed downward
        ("51", "rendah", "Rendah"),
        ("53.28", "rendah", "Rendah"),  # the Tanah Laut report's % mandiri
        ("65", "rendah", "Rendah"),
        ("65.5", "rendah", "Rendah"),
        ("66", "sedang", "Sedang"),
        ("75", "sedang", "Sedang"),
        ("75.99", "sedang", "Sedang"),
        ("76", "tinggi", "Tinggi"),
        ("90", "tinggi", "Tinggi"),
        ("90.5", "tinggi", "Tinggi"),  # in no integer band of the regulation; closed explicitly
        ("90.99", "tinggi", "Tinggi"),
        ("91", "sangat_tinggi", "Sangat Tinggi"),
        ("100", "sangat_tinggi", "Sangat Tinggi"),
        ("245.05", "sangat_tinggi", "Sangat Tinggi"),  # no upper bound: uncapped achievements
    ],
)
def test_permendagri_band_lookup(achievement: str, label: str, name: str) -> None:
    band = PERMENDAGRI.band_for(D(achievement))
    assert band is not None
    assert (band.band.label, band.band.name) == (label, name)


def test_regulation_integer_bands_leave_gaps() -> None:
    # As printed: ≤ 50, 51–65, 66–75, 76–90, ≥ 91. Each pair leaves a gap of non-integers.
    problems = band_problems(
        intervals("(-inf, 50]", "[51, 65]", "[66, 75]", "[76, 90]", "[91, inf)")
    )
    assert [index for index, _ in problems] == [1, 2, 3, 4]
    assert all("gap" in message for _, message in problems)
    assert "above 90 and below 91" in problems[3][1]


@pytest.mark.parametrize(
    ("value", "label"),
    [("74.99", "merah"), ("75", "kuning"), ("99.99", "kuning"), ("100", "hijau")],
)
def test_traffic_light(value: str, label: str) -> None:
    band = TRAFFIC.band_for(D(value))
    assert band is not None and band.band.label == label
    assert band.band.colour == {"merah": "red", "kuning": "yellow", "hijau": "green"}[label]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("-50", "tidak_efisien"),
        ("-5.01", "tidak_efisien"),
        ("-5", "cukup_efisien"),
        ("0", "cukup_efisien"),
        ("5", "cukup_efisien"),  # "adequate within ±5"
        ("5.01", "efisien"),  # "efficient above +5"
    ],
)
def test_efficiency_bands(value: str, label: str) -> None:
    band = EFFICIENCY.band_for(D(value))
    assert band is not None and band.band.label == label


@pytest.mark.parametrize(
    "scale", [AKIP, PERMENDAGRI, TRAFFIC, EFFICIENCY], ids=lambda s: s.scale.id
)
def test_standard_scales_have_no_band_problems(scale: CompiledScale) -> None:
    assert band_problems([b.interval for b in scale.bands]) == []


def test_loader_compiles_the_standard_scales(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    rel = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    spec = sakipcalc.load(
        write_spec(
            {
                "spec.yaml": textwrap.dedent(
                    f"""\
                    sakipcalc: 1
                    imports: [{rel}]
                    spec: {{id: s, name: S, plan: {{start: 2019, end: 2023}}}}
                    """
                )
            }
        )
    )
    assert set(spec.compiled_scales) >= {
        "akip",
        "permendagri_86_2017",
        "traffic_light",
        "efficiency_bands",
    }
    akip = spec.compiled_scales["akip"]
    assert akip.band_for(D(80)).band.label == "BB"  # type: ignore[union-attr]
    assert akip.band_for(D("80.01")).band.label == "A"  # type: ignore[union-attr]
    permendagri = spec.compiled_scales["permendagri_86_2017"]
    assert permendagri.band_for(D("90.5")).band.label == "tinggi"  # type: ignore[union-attr]


# ------------------------------------------------------------ band_problems


def test_contiguous_bands_have_no_problems() -> None:
    assert band_problems(intervals("[0, 50)", "[50, 60]", "(60, inf)")) == []
    assert band_problems(intervals("(-inf, 0]", "(0, 10]")) == []
    assert band_problems(intervals("[0, 100]")) == []


def test_gap_between_bands() -> None:
    problems = band_problems(intervals("[0, 70]", "(70, 80]", "(85, 90]"))
    assert len(problems) == 1
    index, message = problems[0]
    assert index == 2  # the later band of the pair
    assert "gap between (70, 80] and (85, 90]" in message
    assert "above 80 and below 85" in message


def test_overlap_between_bands() -> None:
    problems = band_problems(intervals("[0, 50]", "[40, 60]"))
    assert len(problems) == 1
    index, message = problems[0]
    assert index == 1
    assert "overlaps" in message
    assert "[40, 60]" in message and "[0, 50]" in message


def test_touching_inclusive_bounds_overlap() -> None:
    # the e-SAKIP mistake: 90 in both A [80, 90] and AA [90, 100]
    problems = band_problems(intervals("(80, 90]", "[90, 100]"))
    assert len(problems) == 1
    index, message = problems[0]
    assert index == 1
    assert "overlap at 90" in message
    assert "exclude it from one" in message


def test_double_exclusion_at_a_point() -> None:
    problems = band_problems(intervals("(80, 90)", "(90, 100]"))
    assert len(problems) == 1
    index, message = problems[0]
    assert index == 1
    assert "gap at 90" in message
    assert "both exclude it" in message


def test_wrong_order() -> None:
    # the AKIP scale written highest first
    problems = band_problems(
        intervals(
            "(90, 100]", "(80, 90]", "(70, 80]", "(60, 70]", "(50, 60]", "(30, 50]", "[0, 30]"
        )
    )
    assert [index for index, _ in problems] == [1, 2, 3, 4, 5, 6]
    assert all("out of order" in message for _, message in problems)
    assert "lowest first" in problems[0][1]


def test_every_problem_is_reported() -> None:
    problems = band_problems(
        intervals("[0, 10]", "[10, 20]", "(25, 30)", "(30, 40]", "[35, 50]", "(50, 60]")
    )
    kinds = [(index, message.split(" ")[0]) for index, message in problems]
    # 10 in both; gap 20–25; 30 in neither; 35–40 in both; (50 touches correctly)
    assert [index for index, _ in kinds] == [1, 2, 3, 4]
    assert "overlap at 10" in problems[0][1]
    assert "gap between" in problems[1][1]
    assert "gap at 30" in problems[2][1]
    assert "overlaps" in problems[3][1]


def test_band_after_an_unbounded_band() -> None:
    problems = band_problems(intervals("[0, inf)", "[100, 200]"))
    assert len(problems) == 1
    assert problems[0][0] == 1
    assert "no upper bound" in problems[0][1]


def test_point_band_followed_by_exclusive_band() -> None:
    # [0, 0] holds only 0 and (0, 50] excludes it: they touch exactly, with no overlap.
    assert band_problems(intervals("[0, 0]", "(0, 50]", "(50, inf)")) == []


def test_wrong_order_with_an_open_ended_band() -> None:
    # the Permendagri scale written highest first, as the regulation's table prints it
    problems = band_problems(
        intervals("[91, inf)", "[76, 91)", "[66, 76)", "[51, 66)", "(-inf, 51)")
    )
    assert problems
    assert all("out of order" in message for _, message in problems)


def test_second_band_from_minus_infinity_is_an_overlap() -> None:
    problems = band_problems(intervals("(-inf, 51)", "(-inf, 60)"))
    assert len(problems) == 1
    assert "overlaps" in problems[0][1]


# -------------------------------------------------- the loader uses all this

SCALE_SPEC = """\
sakipcalc: 1
spec: {{id: s, name: S, plan: {{start: 2019, end: 2023}}}}
scales:
  - id: mine
    kind: category
    bands:
      - {{label: low, range: "{low}"}}
      - {{label: high, range: "{high}"}}
"""


@pytest.mark.parametrize(
    ("low", "high", "code", "words"),
    [
        ("[0, 50]", "(60, 100]", "band-gap", "gap between"),
        ("[0, 50)", "(50, 100]", "band-gap", "gap at 50"),
        ("[0, 50]", "[50, 100]", "band-overlap", "overlap at 50"),
        ("[0, 60]", "[50, 100]", "band-overlap", "overlaps"),
        ("(50, 100]", "[0, 50]", "band-order", "out of order"),
        ("[50, inf)", "[0, 50)", "band-order", "out of order"),
        ("(-inf, 50)", "(-inf, 100]", "band-overlap", "overlaps"),
        ("0-50", "(50, 100]", "invalid-band", "write an interval such as"),
    ],
)
def test_loader_refuses_bad_scales(
    write_spec: Callable[[dict[str, str]], Path], low: str, high: str, code: str, words: str
) -> None:
    directory = write_spec({"spec.yaml": SCALE_SPEC.format(low=low, high=high)})
    report = sakipcalc.validate(directory)
    errors = [issue for issue in report.errors if issue.code == code]
    assert len(errors) == 1, report.format()
    assert words in errors[0].message
    assert "'mine'" in errors[0].message or code == "invalid-band"
    with pytest.raises(sakipcalc.SpecError):
        sakipcalc.load(directory)


@pytest.mark.parametrize(
    ("low", "high", "value", "label"),
    [
        ("[0, 50)", "[50, 100]", "49.99", "low"),
        ("[0, 50)", "[50, 100]", "50", "high"),
        ("[0, 0]", "(0, 100]", "0", "low"),  # a single-point band
        ("[0, 0]", "(0, 100]", "0.01", "high"),
    ],
)
def test_loader_accepts_a_good_scale(
    write_spec: Callable[[dict[str, str]], Path], low: str, high: str, value: str, label: str
) -> None:
    directory = write_spec({"spec.yaml": SCALE_SPEC.format(low=low, high=high)})
    spec = sakipcalc.load(directory)
    band = spec.compiled_scales["mine"].band_for(D(value))
    assert band is not None and band.band.label == label


def test_a_score_outside_its_scale_is_refused(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    relative = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    text = (
        "sakipcalc: 1\n"
        f"imports: [{relative}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "variables:\n  - {id: sc, domain: score, scale: akip}\n"
        'data:\n  "2022":\n    sc: 150\n'
    )
    (issue,) = sakipcalc.validate(write_spec({"spec.yaml": text}))
    assert issue.code == "out-of-domain"
    assert "falls in none of its bands" in issue.message
