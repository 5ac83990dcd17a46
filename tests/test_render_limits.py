"""Renderers stay safe and bounded on hostile text and absurd numbers.

Each test asserts on behaviour and size, never on time: a very long name
renders and the output grows with it linearly; a number of a million digits
is shown in a short scientific form; Markdown carries no raw HTML.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from conftest import TANAH_LAUT_SPEC

import sakipcalc
from sakipcalc import EvaluationReport
from sakipcalc.i18n import MAX_PLAIN_DIGITS, format_number, plain_digits
from sakipcalc.models import Baseline, RangeTarget, TargetSpec
from sakipcalc.render import (
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_table,
    render_xlsx,
)
from sakipcalc.render._chart_geometry import fit
from sakipcalc.render._format import (
    figure_text,
    number_text,
    rupiah_text,
    target_number,
    target_range,
    target_text,
)
from sakipcalc.results import Figure, Status


@pytest.fixture(scope="module")
def report() -> EvaluationReport:
    return sakipcalc.evaluate(sakipcalc.load(TANAH_LAUT_SPEC), period="2022")


def _renamed(report: EvaluationReport, name: str) -> EvaluationReport:
    first = dataclasses.replace(report.indicators[0], name=name, unit=name)
    return dataclasses.replace(report, indicators=(first, *report.indicators[1:]))


def _with_figure(report: EvaluationReport, value: Decimal) -> EvaluationReport:
    figure = Figure(Status.OK, value, value)
    first = dataclasses.replace(report.indicators[0], realisation=figure, achievement=figure)
    return dataclasses.replace(report, indicators=(first, *report.indicators[1:]))


# ------------------------------------------------------------------ Markdown


@pytest.mark.parametrize("locale", ["en", "id"])
def test_markdown_escapes_html_in_every_user_text(report: EvaluationReport, locale: str) -> None:
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
    agency = dataclasses.replace(report, spec_name=hostile, agency=hostile)
    text = render_markdown(_renamed(agency, hostile), locale=locale)  # type: ignore[arg-type]
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in text
    # The only tag left is the line break the renderer writes itself.
    assert set(__import__("re").findall(r"<[a-z]+", text)) <= {"<br"}


def test_markdown_line_breaks_still_become_br(report: EvaluationReport) -> None:
    text = render_markdown(_renamed(report, "a<b\nc"))
    assert "a&lt;b<br>c" in text


# ------------------------------------------------------------- long names


def test_fit_cuts_a_very_long_name_to_the_width() -> None:
    fitted = fit("x" * 200_000, 300.0, 11)
    assert fitted.endswith("…")
    assert len(fitted) < 100


def test_fit_keeps_a_short_name_and_collapses_spaces() -> None:
    assert fit("  Angka   kemiskinan ", 300.0, 11) == "Angka kemiskinan"
    assert fit("MMMMMMMM", 1.0, 11) == "…"


def test_a_200000_character_name_renders_in_every_format(
    report: EvaluationReport, tmp_path: object
) -> None:
    long_name = "Nama sangat panjang " * 10_000  # 200,000 characters
    hostile = _renamed(report, long_name)
    base = len(render_html(report))
    html = render_html(hostile)
    # The name appears in full where it is a cell or a tooltip, cut in the charts:
    # the output grows by a small multiple of the name, not more.
    assert long_name.strip() in html
    assert len(html) - base < 12 * len(long_name)
    for text in (render_table(hostile), render_markdown(hostile), render_csv(hostile)):
        assert len(text) < len(render_table(report)) + 12 * len(long_name)


# ---------------------------------------------------------------- numbers


def test_digit_grouping_is_right_for_every_length() -> None:
    for digits in range(1, 12):
        text = "9" * digits
        expected = f"{int(text):,}"  # an independent oracle for the en grouping
        assert format_number(Decimal(text), "en", grouping=True) == expected
        assert format_number(Decimal(text), "id", grouping=True) == expected.replace(",", ".")


def test_grouping_a_million_digit_number_keeps_every_digit() -> None:
    # Exact data export writes every digit: grouping is linear, not bounded.
    text = format_number(Decimal("1E+999999"), "id", grouping=True)
    assert len(text) == 1_000_000 + 333_333
    assert text.startswith("1.000.000")


def test_plain_digits() -> None:
    assert plain_digits(Decimal("123.45")) == 5
    assert plain_digits(Decimal("0.05")) == 3
    assert plain_digits(Decimal("1E+3")) == 4
    assert plain_digits(Decimal("-7")) == 1


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("41.42", "id", "41,42"),
        ("12345678.5", "en", "12345678.5"),
        ("1E+960000", "id", "1E+960000"),
        ("-1.5E+200", "id", "-1,5E+200"),
        ("2.5E-300", "en", "2.5E-300"),
    ],
)
def test_number_text(value: str, locale: str, expected: str) -> None:
    assert number_text(Decimal(value), locale) == expected  # type: ignore[arg-type]


def test_number_text_switches_to_scientific_just_past_the_limit() -> None:
    at_limit = Decimal("9" * MAX_PLAIN_DIGITS)
    assert number_text(at_limit, "en") == "9" * MAX_PLAIN_DIGITS
    assert number_text(at_limit + 1, "en") == "1E+100"


def test_a_coefficient_longer_than_the_limit_is_rounded_and_marked() -> None:
    text = number_text(Decimal("1" + "6" * 150), "en")
    assert text.startswith("≈1.6666") and text.endswith("7E+150")
    assert len(text) < MAX_PLAIN_DIGITS + 10


def test_rupiah_of_an_absurd_amount_is_short() -> None:
    assert rupiah_text(Decimal("1E+960000"), "id") == "Rp 1E+960000"
    assert rupiah_text(Decimal("12364293866.00"), "id") == "Rp 12.364.293.866"


@pytest.mark.parametrize("value", ["1E+960000", "-1E+960000", "1E-960000"])
def test_a_huge_figure_renders_short_in_every_format(
    report: EvaluationReport, value: str, tmp_path: object
) -> None:
    huge = _with_figure(report, Decimal(value))
    limit = 200_000  # the Tanah Laut report is well under this in every format
    for text in (
        render_table(huge),
        render_markdown(huge, locale="id"),
        render_csv(huge),
        render_json(huge),
        render_html(huge),
    ):
        assert len(text) < limit
    data = json.loads(render_json(huge))
    assert Decimal(data["indicators"][0]["realisation"]["raw"]) == Decimal(value)


def test_a_huge_figure_in_xlsx_is_exact_text(report: EvaluationReport, tmp_path: object) -> None:
    import io

    import openpyxl

    buffer = io.BytesIO()
    render_xlsx(_with_figure(report, Decimal("1E+960000")), buffer)
    assert buffer.tell() < 200_000
    buffer.seek(0)
    values = [
        c.value for row in openpyxl.load_workbook(buffer).worksheets[0].iter_rows() for c in row
    ]
    assert "1E+960000" in values


# ---------------------------------------------------------------- targets


def _number(text: str) -> TargetSpec:
    return TargetSpec(value=Decimal(text))


def _range(low: str, high: str) -> TargetSpec:
    return TargetSpec(range=RangeTarget(min=Decimal(low), max=Decimal(high)))


def test_targets_are_read_typed_in_one_place() -> None:
    assert target_number(_number("25")) == Decimal(25)
    assert target_number(_number("1E+5")) == Decimal(100000)
    assert target_number(TargetSpec(grade="BB")) is None
    assert target_number(_range("80", "90")) is None
    assert target_range(_range("80", "90")) == (Decimal(80), Decimal(90))
    assert target_range(_range("-5.5", "-2")) == (Decimal("-5.5"), Decimal(-2))
    assert target_range(TargetSpec(grade="BB")) is None


@pytest.mark.parametrize(
    ("target", "grouping", "expected"),
    [
        (_number("12.5"), False, "12,5"),
        (_number("1E+5"), False, "100000"),
        (_number("1E+5"), True, "100.000"),
        (_range("80.5", "90"), False, "80,5–90"),
        (TargetSpec(grade="BB"), False, "BB"),
        (Baseline(period="2018", value=_number("29.17")), False, "29,17 (2018)"),
        (None, False, "—"),
    ],
)
def test_target_text_in_indonesian(
    target: TargetSpec | Baseline | None, grouping: bool, expected: str
) -> None:
    assert target_text(target, "id", grouping=grouping) == expected


def test_figure_text() -> None:
    ok = Figure(Status.OK, Decimal("80.004"), Decimal("80.00"), grade="BB")
    failed = Figure(Status.NOT_COMPUTABLE, reason="zero target")
    assert figure_text(ok, "id") == "80,00 (BB)"
    assert figure_text(failed, "en") == "n/a"
    assert figure_text(failed, "id", unavailable="–") == "–"
    assert figure_text(None, "en") == ""


# ----------------------------------------------------------- decimal context


def _xlsx_parts(data: bytes) -> bytes:
    """The workbook's parts but its creation time (a slow run may cross a second)."""
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(archive.read(n) for n in archive.namelist() if n != "docProps/core.xml")


def test_renderers_ignore_the_callers_decimal_context(report: EvaluationReport) -> None:
    import decimal
    import io

    def every_format() -> list[str | bytes]:
        workbook = io.BytesIO()
        render_xlsx(report, workbook)
        return [
            render_table(report, locale="id"),
            render_markdown(report, locale="id"),
            render_csv(report, locale="id"),
            render_json(report),
            render_html(report, locale="id"),
            render_html(report, locale="en"),
            _xlsx_parts(workbook.getvalue()),
        ]

    expected = every_format()
    hostile = decimal.Context(
        prec=3,
        rounding=decimal.ROUND_FLOOR,
        Emax=10,
        Emin=-10,
        traps=[decimal.Inexact, decimal.Rounded, decimal.Overflow],
    )
    with decimal.localcontext(hostile):
        assert every_format() == expected
        assert decimal.getcontext().prec == 3  # and the caller's context is left as it was
