"""Indonesian and English number formats and labels, in and out.

Output: ``format_number(Decimal("41.42"), "id")`` gives ``41,42``;
``format_rupiah(Decimal("12364293866"), "id")`` gives ``Rp 12.364.293.866``.

Input: :func:`parse_number` reads figures as people type them in
spreadsheets: ``75.695``, ``13,32``, ``13,32 %``, ``Rp. 6.816.211.492``,
``Rp 1.800.000,00`` and ``-`` (explicitly missing, never 0). Without a
declared locale, a text that reads differently in the two locales (``1.234``
or ``1,5``) is an error, not a guess.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "LABEL_KEYS",
    "LOCALES",
    "MAX_PLAIN_DIGITS",
    "MISSING",
    "AmbiguousNumber",
    "Locale",
    "format_number",
    "format_rupiah",
    "label",
    "parse_number",
    "plain_digits",
]

Locale = Literal["id", "en"]
LOCALES: tuple[Locale, ...] = ("id", "en")

_SEPARATORS: dict[Locale, tuple[str, str]] = {
    "id": (".", ","),
    "en": (",", "."),
}  # (thousands, decimal)


class _Missing:
    """The explicit "no value" a spreadsheet writes as ``-``."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class AmbiguousNumber(ValueError):
    """A number whose meaning depends on the locale, read without one."""


#: Reports show a number in positional form up to this many digits (``123.45``
#: has 5); past it, renderers switch to scientific notation (``1E+960000``).
#: The engine works to 60 significant digits, so every figure of a sensible
#: magnitude stays positional.
MAX_PLAIN_DIGITS = 100


def plain_digits(value: Decimal) -> int:
    """How many digits ``value`` has written out in positional form (``0.05`` has 3)."""
    sign_digits_exponent = value.as_tuple()
    digits, exponent = len(sign_digits_exponent.digits), sign_digits_exponent.exponent
    if not isinstance(exponent, int):
        return 0  # NaN or infinity: no digits
    if exponent >= 0:
        return digits + exponent
    return max(digits, -exponent + 1)


def format_number(value: Decimal, locale: Locale = "en", *, grouping: bool = False) -> str:
    """``41.42`` as ``41,42`` (id) or ``41.42`` (en); digits are kept as they are."""
    thousands, decimal = _SEPARATORS[locale]
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    if grouping:
        whole = _group(whole, thousands)
    return sign + whole + (decimal + fraction if fraction else "")


def format_rupiah(value: Decimal, locale: Locale = "id") -> str:
    """``Rp 12.364.293.866`` (id) or ``Rp 12,364,293,866`` (en); cents only when present."""
    if value == value.to_integral_value():
        # In a context of its own: exact whatever the caller's precision or traps.
        exact = decimal.Context(
            prec=plain_digits(value) + 1, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
        )
        value = value.quantize(Decimal(1), context=exact)
    return "Rp " + format_number(value, locale, grouping=True)


def _group(digits: str, separator: str) -> str:
    # One pass over the digits: linear in their number, however many there are.
    head = len(digits) % 3 or 3
    groups = [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]
    return separator.join(groups)


_RUPIAH_PREFIX = re.compile(r"^\s*Rp\.?\s*", re.IGNORECASE)
_GROUPED = {
    sep: re.compile(r"-?[0-9]{1,3}(?:" + re.escape(sep) + r"[0-9]{3})+") for sep in (".", ",")
}
_PLAIN = re.compile(r"-?[0-9]+")


def parse_number(text: str, locale: Locale | None = None) -> Decimal | _Missing:
    """A figure as typed in a report or spreadsheet, exactly; ``-`` is :data:`MISSING`.

    Raises ValueError (AmbiguousNumber when only the locale could decide).
    """
    original = text
    text = text.strip()
    if text in ("-", "–", "—"):
        return MISSING
    amount = _RUPIAH_PREFIX.sub("", text)
    is_money = amount != text
    text = amount.removesuffix("%").strip().replace("\u00a0", "").replace(" ", "")
    if is_money:
        # Indonesian amounts often end in ",-" (no cents): Rp. 56.700.000,-
        text = text.removesuffix(",-").removesuffix(".-")
    if not text:
        raise ValueError(f"expected a number, got {original!r}")
    if locale is None:
        return _parse_without_locale(text, original)
    thousands, decimal = _SEPARATORS[locale]
    whole, sep, fraction = text.rpartition(decimal) if decimal in text else (text, "", "")
    if sep and not re.fullmatch(r"[0-9]+", fraction):
        raise ValueError(f"{original!r} is not a number in locale {locale!r}")
    if thousands in whole:
        if not _GROUPED[thousands].fullmatch(whole):
            raise ValueError(
                f"{original!r} is not a number in locale {locale!r}: "
                f"'{thousands}' separates thousands in groups of three"
            )
        whole = whole.replace(thousands, "")
    if not _PLAIN.fullmatch(whole):
        raise ValueError(f"{original!r} is not a number in locale {locale!r}")
    return _decimal(whole + ("." + fraction if sep else ""), original)


def _parse_without_locale(text: str, original: str) -> Decimal:
    has_dot, has_comma = "." in text, "," in text
    if not has_dot and not has_comma:
        if _PLAIN.fullmatch(text):
            return _decimal(text, original)
        raise ValueError(f"expected a number, got {original!r}")
    if has_dot and has_comma:
        # Both separators: the last one is the decimal separator, unambiguously.
        locale: Locale = "id" if text.rfind(",") > text.rfind(".") else "en"
        parsed = parse_number(text, locale)
        assert isinstance(parsed, Decimal)
        return parsed
    sep = "." if has_dot else ","
    if text.count(sep) == 1 and _GROUPED[sep].fullmatch(text):
        # 1.234 is 1234 in Indonesian and 1.234 in English: refuse to guess.
        raise AmbiguousNumber(
            f"{original!r} is ambiguous: {text.replace(sep, '')} with '{sep}' separating "
            f"thousands, or {text.replace(sep, '.')} with '{sep}' as the decimal point; "
            f"declare a locale (id or en)"
        )
    # One separator not followed by exactly three digits can only be a decimal
    # separator (41.42, 13,32): either locale reads it the same way.
    if re.fullmatch(r"-?[0-9]+[.,][0-9]+", text):
        return _decimal(text.replace(",", "."), original)
    if _GROUPED[sep].fullmatch(text):
        # Several groups (75.695.123) can only be thousands separators.
        return _decimal(text.replace(sep, ""), original)
    raise ValueError(f"expected a number, got {original!r}")


def _decimal(text: str, original: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - every caller passes digit text
        raise ValueError(f"expected a number, got {original!r}") from exc


# One label table per language, with the same keys (a test checks that).
# A key names one thing: "name" is a column of names, "description" the
# "Uraian" column of the HTML roll-up table, "members" the list of member ids,
# "member_count" how many there are.
_ID: dict[str, str] = {
    "indicator": "Indikator",
    "unit": "Satuan",
    "target": "Target",
    "realisation": "Realisasi",
    "achievement": "Capaian (%)",
    "category": "Kategori",
    "note": "Keterangan",
    "period": "Periode",
    "kind": "Jenis",
    "rule": "Aturan",
    "excluded": "Tidak dihitung",
    "rollups": "Capaian agregat",
    "budget": "Anggaran",
    "budget_line": "Program / Kegiatan",
    "level": "Tingkat",
    "ceiling": "Pagu (Rp)",
    "spent": "Realisasi (Rp)",
    "absorption": "Penyerapan (%)",
    "efficiency": "Efisiensi",
    "agreements": "Perjanjian Kinerja",
    "official": "Pejabat",
    "warnings": "Peringatan",
    "previous": "Tahun sebelumnya",
    "end_target": "Target akhir Renstra",
    "not_computable": "tidak dapat dihitung",
    "missing_data": "data tidak tersedia",
    "chapter_iii": "Bab III Akuntabilitas Kinerja",
    # Column labels of the table, Markdown, CSV and XLSX renderers.
    "indicators": "Indikator",
    "name": "Nama",
    "id": "Kode",
    "agency": "Instansi",
    "year": "Tahun",
    "grade": "Predikat",
    "status": "Status",
    "ok": "ok",
    "n_a": "-",
    "org_unit": "Unit kerja",
    "agreement": "Perjanjian Kinerja",
    "agreement_rollup": "Capaian PK (%)",
    "agreement_rollup_raw": "Capaian PK (mentah)",
    "realisation_raw": "Realisasi (mentah)",
    "achievement_raw": "Capaian (mentah)",
    "absorption_raw": "Penyerapan (mentah)",
    "efficiency_raw": "Efisiensi (mentah)",
    "efficiency_category": "Kategori efisiensi",
    "members": "Anggota",
    "parent": "Induk",
    "warnings_hint": "(`sakipcalc validate` menampilkan semua peringatan spec)",
    # The HTML report (LAKIP chapter III).
    "chapter": "BAB III",
    "chapter_name": "AKUNTABILITAS KINERJA",
    "quarter": "Triwulan",
    "table": "Tabel",
    "figure": "Grafik",
    "no": "No",
    "owner": "Penanggung jawab",
    "previous_hint": "realisasi / target (capaian)",
    "end_progress": "capaian",
    "baseline": "kondisi awal",
    "section_measurement": "A. Pengukuran Capaian Kinerja",
    "table_measurement": "Pengukuran kinerja",
    "summary_agency": "Capaian kinerja organisasi",
    "summary_computed": "Indikator yang dapat dihitung",
    "summary_absorption": "Penyerapan anggaran",
    "of": "dari",
    "section_analysis": "B. Analisis Capaian Kinerja",
    "table_rollups": "Capaian per tujuan, sasaran dan unit kerja",
    "kind_agency": "Organisasi",
    "kind_goal": "Tujuan",
    "kind_objective": "Sasaran",
    "kind_org_unit": "Unit kerja",
    "description": "Uraian",
    "member_count": "Jumlah indikator",
    "section_agreements": "C. Capaian Perjanjian Kinerja",
    "echelon": "Eselon",
    "agreement_total": "Capaian Perjanjian Kinerja",
    "section_budget": "D. Akuntabilitas Keuangan",
    "table_budget": "Pagu dan realisasi anggaran",
    "supports": "Indikator (no.)",
    "total": "Jumlah",
    "declared": "tercatat",
    "total_note": "Jumlah adalah total program; penyerapannya dibulatkan menurut aturan spec.",
    "rule_mean": "rata-rata",
    "rule_weighted_mean": "rata-rata tertimbang",
    "rule_min": "terendah",
    "rule_ratio_of_sums": "rasio jumlah",
    "level_program": "Program",
    "level_kegiatan": "Kegiatan",
    "level_sub_kegiatan": "Sub kegiatan",
    "chart_target": "Target dan realisasi per indikator",
    "chart_target_desc": (
        "Batang berpasangan per indikator, dikelompokkan per satuan: batang abu-abu untuk "
        "target, batang biru untuk realisasi."
    ),
    "chart_categories": "Jumlah indikator per kategori capaian",
    "chart_categories_desc": (
        "Satu batang per kategori capaian, berwarna sesuai kategori; batang abu-abu untuk "
        "indikator yang capaiannya tidak dapat dihitung."
    ),
    "chart_absorption": "Penyerapan anggaran per program",
    "chart_absorption_desc": "Batang mendatar 0–100 % per program: realisasi dibagi pagu.",
    "chart_trend": "Tren realisasi dan target terhadap target akhir Renstra",
    "chart_trend_desc": (
        "Satu panel per indikator: garis biru realisasi, garis putus-putus abu-abu target "
        "tahunan, garis putus-putus merah target akhir Renstra."
    ),
    "chart_data": "Data grafik",
    "not_drawn": "Tidak digambarkan",
    "reason_grade": "indikator berupa predikat",
    "reason_range": "target berupa rentang",
    "reason_no_target": "tidak ada target",
    "no_category": "Tanpa kategori",
    "count": "Jumlah indikator",
    "end_target_short": "Target akhir",
    "nothing_to_draw": "Tidak ada data untuk digambarkan.",
    "program": "Program",
    "trend_end": "Target akhir Renstra",
    "generated": "Disusun dengan sakipcalc dari spesifikasi",
}

_EN: dict[str, str] = {
    "indicator": "Indicator",
    "unit": "Unit",
    "target": "Target",
    "realisation": "Realisation",
    "achievement": "Achievement (%)",
    "category": "Category",
    "note": "Note",
    "period": "Period",
    "kind": "Kind",
    "rule": "Rule",
    "excluded": "Excluded",
    "rollups": "Roll-ups",
    "budget": "Budget",
    "budget_line": "Program / activity",
    "level": "Level",
    "ceiling": "Ceiling (Rp)",
    "spent": "Spent (Rp)",
    "absorption": "Absorption (%)",
    "efficiency": "Efficiency",
    "agreements": "Performance agreements",
    "official": "Official",
    "warnings": "Warnings",
    "previous": "Previous years",
    "end_target": "End-of-plan target",
    "not_computable": "not computable",
    "missing_data": "missing data",
    "chapter_iii": "Chapter III Performance accountability",
    # Column labels of the table, Markdown, CSV and XLSX renderers.
    "indicators": "Indicators",
    "name": "Name",
    "id": "Id",
    "agency": "Agency",
    "year": "Year",
    "grade": "Grade",
    "status": "Status",
    "ok": "ok",
    "n_a": "n/a",
    "org_unit": "Org unit",
    "agreement": "Agreement",
    "agreement_rollup": "Agreement achievement (%)",
    "agreement_rollup_raw": "Agreement achievement (raw)",
    "realisation_raw": "Realisation (raw)",
    "achievement_raw": "Achievement (raw)",
    "absorption_raw": "Absorption (raw)",
    "efficiency_raw": "Efficiency (raw)",
    "efficiency_category": "Efficiency category",
    "members": "Members",
    "parent": "Parent",
    "warnings_hint": "(`sakipcalc validate` lists spec warnings in full)",
    # The HTML report (LAKIP chapter III).
    "chapter": "CHAPTER III",
    "chapter_name": "PERFORMANCE ACCOUNTABILITY",
    "quarter": "Quarter",
    "table": "Table",
    "figure": "Figure",
    "no": "No.",
    "owner": "Responsible",
    "previous_hint": "realisation / target (achievement)",
    "end_progress": "achieved",
    "baseline": "baseline",
    "section_measurement": "A. Performance measurement",
    "table_measurement": "Performance measurement",
    "summary_agency": "Agency achievement",
    "summary_computed": "Indicators computed",
    "summary_absorption": "Budget absorption",
    "of": "of",
    "section_analysis": "B. Analysis of performance",
    "table_rollups": "Achievement by goal, objective and organisational unit",
    "kind_agency": "Agency",
    "kind_goal": "Goals",
    "kind_objective": "Objectives",
    "kind_org_unit": "Organisational units",
    "description": "Name",
    "member_count": "Indicators",
    "section_agreements": "C. Performance agreements",
    "echelon": "Echelon",
    "agreement_total": "Agreement achievement",
    "section_budget": "D. Financial accountability",
    "table_budget": "Budget ceiling and spending",
    "supports": "Indicators (no.)",
    "total": "Total",
    "declared": "declared",
    "total_note": "Totals are the sum of the programs; absorption is rounded by the spec's policy.",
    "rule_mean": "mean",
    "rule_weighted_mean": "weighted mean",
    "rule_min": "minimum",
    "rule_ratio_of_sums": "ratio of sums",
    "level_program": "Program",
    "level_kegiatan": "Activity",
    "level_sub_kegiatan": "Sub-activity",
    "chart_target": "Target and realisation by indicator",
    "chart_target_desc": (
        "Paired bars per indicator, grouped by unit: grey bars for the target, blue bars for "
        "the realisation."
    ),
    "chart_categories": "Number of indicators per achievement category",
    "chart_categories_desc": (
        "One bar per achievement category, in the category's colour; a grey bar for "
        "indicators whose achievement cannot be computed."
    ),
    "chart_absorption": "Budget absorption by program",
    "chart_absorption_desc": (
        "Horizontal bars from 0 to 100 % per program: spent divided by ceiling."
    ),
    "chart_trend": "Trend of realisation and targets against the end-of-plan target",
    "chart_trend_desc": (
        "One panel per indicator: blue line for the realisation, grey dashed line for the "
        "yearly targets, red dashed line for the end-of-plan target."
    ),
    "chart_data": "Chart data",
    "not_drawn": "Not drawn",
    "reason_grade": "grade indicator",
    "reason_range": "range target",
    "reason_no_target": "no target",
    "no_category": "No category",
    "count": "Number of indicators",
    "end_target_short": "End target",
    "nothing_to_draw": "Nothing to draw.",
    "program": "Program",
    "trend_end": "End-of-plan target",
    "generated": "Generated by sakipcalc from the spec",
}

_TABLES: dict[Locale, dict[str, str]] = {"id": _ID, "en": _EN}

#: Every label key; each language's table has exactly these.
LABEL_KEYS: frozenset[str] = frozenset(_ID)


def label(key: str, locale: Locale = "en") -> str:
    """A heading or label in Indonesian or English."""
    return _TABLES[locale][key]
