"""Indonesian and English number formats: reading figures as typed, and writing them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakipcalc.i18n import (
    LABEL_KEYS,
    LOCALES,
    MISSING,
    AmbiguousNumber,
    Locale,
    format_number,
    format_rupiah,
    label,
    parse_number,
)

# ------------------------------------------------------------------ parse, per locale


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75.695", "75695"),
        ("13,32", "13.32"),
        ("13,32 %", "13.32"),
        ("13,32%", "13.32"),
        ("Rp. 6.816.211.492", "6816211492"),
        ("Rp 1.800.000,00", "1800000.00"),
        ("rp1.800.000", "1800000"),
        ("Rp\u00a01.800.000", "1800000"),
        ("12.364.293.866", "12364293866"),
        ("1.234,5", "1234.5"),
        ("1234,5", "1234.5"),
        ("0,05", "0.05"),
        ("-3,5", "-3.5"),
        ("-1.234", "-1234"),
        ("  41,42  ", "41.42"),
        ("2022", "2022"),
        ("100", "100"),
        ("100,00", "100.00"),
    ],
)
def test_indonesian_forms(text: str, expected: str) -> None:
    parsed = parse_number(text, "id")
    assert isinstance(parsed, Decimal)
    assert str(parsed) == expected  # exact: the digits as typed, never via float


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75,695", "75695"),
        ("75.695", "75.695"),
        ("13.32", "13.32"),
        ("13.32 %", "13.32"),
        ("Rp. 6,816,211,492", "6816211492"),
        ("Rp 1,800,000.00", "1800000.00"),
        ("1,234.5", "1234.5"),
        ("0.05", "0.05"),
        ("-1,234", "-1234"),
        ("2022", "2022"),
    ],
)
def test_english_forms(text: str, expected: str) -> None:
    parsed = parse_number(text, "en")
    assert isinstance(parsed, Decimal)
    assert str(parsed) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        # Each is valid in the other locale only.
        ("13,32", "en"),
        ("Rp. 6.816.211.492", "en"),
        ("Rp 1.800.000,00", "en"),
        ("1,234.5", "id"),
        ("Rp 1,800,000.00", "id"),
        # Thousands separators must group by three.
        ("1.23.456", "id"),
        ("12.34", "id"),
        ("1,23,456", "en"),
    ],
)
def test_the_other_locales_forms_are_refused(text: str, locale: Locale) -> None:
    with pytest.raises(ValueError, match="not a number in locale"):
        parse_number(text, locale)


@pytest.mark.parametrize("locale", [*LOCALES, None])
@pytest.mark.parametrize("dash", ["-", " - ", "–", "—"])
def test_a_dash_is_explicitly_missing_never_zero(dash: str, locale: Locale | None) -> None:
    assert parse_number(dash, locale) is MISSING
    assert repr(MISSING) == "MISSING"


@pytest.mark.parametrize("locale", [*LOCALES, None])
@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "Rp", "%", "1..2", "1,,2", "12a", "1 2 3x", "--5", "1e5", "nan"]
)
def test_garbage_is_refused(text: str, locale: Locale | None) -> None:
    with pytest.raises(ValueError, match="number") as caught:
        parse_number(text, locale)
    assert not isinstance(caught.value, AmbiguousNumber)


# ------------------------------------------------------------------ parse, no locale


@pytest.mark.parametrize("text", ["1.234", "1,234", "-1.234", "Rp 1.234", "12,500"])
def test_ambiguous_numbers_are_errors_without_a_locale(text: str) -> None:
    with pytest.raises(AmbiguousNumber, match=r"ambiguous.*declare a locale"):
        parse_number(text)


def test_the_ambiguous_message_gives_both_readings() -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        parse_number("1.234")
    assert "1234" in str(caught.value)
    assert "1.234 with '.' as the decimal point" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("41.42", "41.42"),  # one separator, not three digits after: a decimal point
        ("13,32", "13.32"),
        ("0,5", "0.5"),
        ("1.2345", "1.2345"),
        ("75.695.123", "75695123"),  # several groups: thousands
        ("75,695,123", "75695123"),
        ("1.234,5", "1234.5"),  # both separators: the last is the decimal one
        ("1,234.5", "1234.5"),
        ("12.364.293.866,25", "12364293866.25"),
        ("13,32 %", "13.32"),
        ("Rp. 6.816.211.492", "6816211492"),
        ("75695", "75695"),
        ("-7", "-7"),
    ],
)
def test_unambiguous_numbers_need_no_locale(text: str, expected: str) -> None:
    parsed = parse_number(text)
    assert isinstance(parsed, Decimal)
    assert str(parsed) == expected


def test_the_ambiguous_cases_are_read_once_a_locale_is_given() -> None:
    assert parse_number("1.234", "id") == Decimal(1234)
    assert parse_number("1.234", "en") == Decimal("1.234")
    assert parse_number("1,234", "id") == Decimal("1.234")
    assert parse_number("1,234", "en") == Decimal(1234)


# ------------------------------------------------------------------ format


@pytest.mark.parametrize(
    ("value", "locale", "grouping", "expected"),
    [
        ("41.42", "id", False, "41,42"),
        ("41.42", "en", False, "41.42"),
        ("75695", "id", True, "75.695"),
        ("75695", "en", True, "75,695"),
        ("75695", "id", False, "75695"),
        ("1234567.891", "id", True, "1.234.567,891"),
        ("1234567.891", "en", True, "1,234,567.891"),
        ("-1234.5", "id", True, "-1.234,5"),
        ("100.00", "id", False, "100,00"),  # digits are kept as they are
        ("0", "id", True, "0"),
        ("999", "id", True, "999"),
        ("1000", "id", True, "1.000"),
    ],
)
def test_format_number(value: str, locale: Locale, grouping: bool, expected: str) -> None:
    assert format_number(Decimal(value), locale, grouping=grouping) == expected


def test_format_number_defaults_to_english_without_grouping() -> None:
    assert format_number(Decimal("1234.5")) == "1234.5"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("12364293866", "id", "Rp 12.364.293.866"),
        ("12364293866", "en", "Rp 12,364,293,866"),
        ("12364293866.00", "id", "Rp 12.364.293.866"),  # cents only when present
        ("1800000.50", "id", "Rp 1.800.000,50"),
        ("1800000.50", "en", "Rp 1,800,000.50"),
        ("0", "id", "Rp 0"),
    ],
)
def test_format_rupiah(value: str, locale: Locale, expected: str) -> None:
    assert format_rupiah(Decimal(value), locale) == expected


def test_format_rupiah_defaults_to_indonesian() -> None:
    assert format_rupiah(Decimal(6816211492)) == "Rp 6.816.211.492"


@pytest.mark.parametrize("locale", LOCALES)
def test_rupiah_reads_back(locale: Locale) -> None:
    for value in ("12364293866", "1800000.50", "7"):
        assert parse_number(format_rupiah(Decimal(value), locale), locale) == Decimal(value)


def test_labels() -> None:
    assert label("realisation", "id") == "Realisasi"
    assert label("realisation") == "Realisation"
    assert label("missing_data", "id") == "data belum tersedia"  # the agency's own term


@pytest.mark.parametrize("locale", LOCALES)
def test_every_language_has_every_label(locale: Locale) -> None:
    for key in LABEL_KEYS:
        assert label(key, locale).strip()


def test_one_key_names_one_thing() -> None:
    # These three keys once had two wordings each (the HTML report's own table).
    assert label("name", "id") == "Nama"  # a column of names
    assert label("description", "id") == "Uraian"  # the HTML roll-up column
    assert label("members", "id") == "Anggota"  # the member ids
    assert label("member_count", "id") == "Jumlah indikator"
    assert label("agreement_rollup", "id") == "Capaian PK (%)"  # a column, in %
    assert label("agreement_total", "id") == "Capaian Perjanjian Kinerja"  # the total row


# ------------------------------------------------------------------ round trip

_DECIMALS = st.integers(min_value=0, max_value=6).flatmap(
    lambda places: st.decimals(
        min_value=-(10**15),
        max_value=10**15,
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)


@given(value=_DECIMALS, locale=st.sampled_from(LOCALES))
def test_format_then_parse_is_the_identity(value: Decimal, locale: Locale) -> None:
    text = format_number(value, locale, grouping=True)
    parsed = parse_number(text, locale)
    assert parsed == value
    assert str(parsed) == str(value)  # the same digits and places, not just the same value


@given(value=_DECIMALS, locale=st.sampled_from(LOCALES))
def test_ungrouped_output_reads_back_too(value: Decimal, locale: Locale) -> None:
    assert parse_number(format_number(value, locale), locale) == value
