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

from ._labels import EN_LABELS, ID_LABELS
from ._reasons import translate, translate_trace

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
    "reason",
    "term",
    "trace",
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


_TABLES: dict[Locale, dict[str, str]] = {"id": ID_LABELS, "en": EN_LABELS}

#: Every label key; each language's table has exactly these.
LABEL_KEYS: frozenset[str] = frozenset(ID_LABELS)


def label(key: str, locale: Locale = "en") -> str:
    """A heading or label in Indonesian or English."""
    return _TABLES[locale][key]


def term(prefix: str, code: str, locale: Locale = "en") -> str:
    """A code of the results (a roll-up kind, rule, budget level, status) for a reader.

    English reports print the code itself (``objective``, ``mean``), as they
    always have; Indonesian ones the agency's term (``Sasaran``,
    ``rata-rata``). A code without a label stays as it is.
    """
    key = f"{prefix}{code}"
    if locale == "en" or key not in LABEL_KEYS:
        return str(code)
    return label(key, locale)


def reason(text: str, locale: Locale = "en") -> str:
    """Why a figure has no value (or a ``check`` note), in ``locale``.

    The engine's English reason is the canonical text; see :mod:`sakipcalc._reasons`.
    """
    return translate(text, locale)


def trace(text: str, locale: Locale = "en") -> str:
    """A calculation trace (``4967 / 6753 × 100 = 73.552495… → 73.55``) in ``locale``."""
    return translate_trace(text, locale)
