"""Scalar types shared by the models: exact decimals, identifiers, periods, flags.

Every scalar reaches the models as the exact text the author typed (see
``_source``). These validators decide what the text means and refuse anything
that YAML 1.1 or a spreadsheet would read differently from a person.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, GetCoreSchemaHandler, WithJsonSchema
from pydantic_core import CoreSchema, core_schema

from .errors import PeriodError

_DECIMAL_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_LEADING_ZERO_RE = re.compile(r"-?0[0-9]+(?:\.[0-9]+)?")
_SEXAGESIMAL_RE = re.compile(r"-?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?")
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PERIOD_RE = re.compile(r"([0-9]{4})(?:-Q([1-4]))?")
MAX_NUMBER_DIGITS = 40


def parse_decimal_text(value: Any) -> Decimal:
    """Exact decimal from its source text. Never goes through float."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a number must be finite")
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a number, got {_describe(value)}")
    text = str(value).strip()
    if _DECIMAL_RE.fullmatch(text):
        if len(text) > MAX_NUMBER_DIGITS + 2:
            raise ValueError(f"number {text!r} has more than {MAX_NUMBER_DIGITS} digits")
        try:
            return Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
            raise ValueError(f"not a number: {text!r}") from exc
    if _LEADING_ZERO_RE.fullmatch(text):
        raise ValueError(
            f"number {text!r} has a leading zero, which YAML 1.1 reads as octal; "
            f"write {_plain(text)} without the zero, or quote it if it is text"
        )
    if _SEXAGESIMAL_RE.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a decimal number (YAML 1.1 would read it as base 60); "
            f"quote it if it is text"
        )
    raise ValueError(number_advice(text))


def number_advice(text: str) -> str:
    """Why ``text`` is not a plain decimal number, and the text to write instead."""
    suggestions = suggest_number(text)
    if not suggestions:
        return f"expected a plain decimal number such as 41.42, got {text!r}"
    if len(suggestions) == 2:
        decimal_comma, thousands = suggestions
        return (
            f"{text!r} is not a plain decimal number: write {decimal_comma} if the comma is "
            f"the decimal separator, or {thousands} if it separates thousands"
        )
    [fixed] = suggestions
    why = (
        "a point as the decimal separator and no thousands separators"
        if "," in text or text.count(".") > 1 or " " in text.strip()
        else "plain digits, with a point as the decimal separator"
    )
    extra = "; the % belongs in the indicator's unit" if text.rstrip().endswith("%") else ""
    return f"{text!r} is not a plain decimal number: write {fixed} ({why}){extra}"


_GROUPED = r"[0-9]{1,3}(?:%s[0-9]{3})+"


def suggest_number(text: str) -> tuple[str, ...]:
    """The plain decimal text a person most likely meant by ``text``.

    One suggestion when the reading is clear (``1,0`` -> ``1.0``, ``1.234,5`` ->
    ``1234.5``, ``1e3`` -> ``1000``); two when a single comma before three digits
    could be a decimal comma or a thousands separator (``1,234`` -> ``1.234``,
    ``1234``); none when nothing plausible fits.
    """
    body = text.strip().removesuffix("%").strip()
    body = re.sub(r"^(?i:rp)\.?\s*", "", body)
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = ("-" if body[0] == "-" else ""), body[1:].strip()
    found: tuple[str, ...] = ()
    if re.fullmatch(r"[0-9]{1,3},[0-9]{3}", body):
        found = (body.replace(",", "."), body.replace(",", ""))
    elif re.fullmatch(_GROUPED % "," + r"(?:\.[0-9]+)?", body):  # 1,234,567.5
        found = (body.replace(",", ""),)
    elif re.fullmatch(_GROUPED % r"\." + r"(?:,[0-9]+)?", body):  # 1.234.567,5
        found = (body.replace(".", "").replace(",", "."),)
    elif re.fullmatch(r"[0-9]+,[0-9]+", body):  # 1,0 and 142,86
        found = (body.replace(",", "."),)
    elif re.fullmatch(_GROUPED % " " + r"(?:[.,][0-9]+)?", body):  # 75 695,5
        found = (body.replace(" ", "").replace(",", "."),)
    elif re.fullmatch(r"[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?|[0-9]*\.[0-9]*", body):
        found = (body.replace("_", ""),)  # 1_000, 1e3, .5, 5.
    out = []
    for candidate in found:
        try:
            number = Decimal(sign + candidate)
        except InvalidOperation:
            return ()
        if abs(number.adjusted()) > MAX_NUMBER_DIGITS:  # 1e999999: no text worth showing
            return ()
        plain = _plain(format(number, "f"))
        if plain == text.strip() or len(plain) > MAX_NUMBER_DIGITS + 2:
            return ()
        out.append(plain)
    return tuple(out)


def _plain(text: str) -> str:
    """``text`` (digits, sign, one point) without leading zeros: ``-007.50`` -> ``-7.50``."""
    sign = "-" if text.startswith("-") else ""
    whole, point, fraction = text.lstrip("+-").partition(".")
    whole = whole.lstrip("0") or "0"
    shown = whole + (point + fraction if fraction else "")
    return "0" if shown == "0" else sign + shown


def parse_int_text(value: Any) -> int:
    number = parse_decimal_text(value)
    if number != number.to_integral_value():
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(number)


def parse_flag_text(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    raise ValueError(f"expected true or false, got {_describe(value)}")


def parse_ident(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an identifier, got {_describe(value)}")
    if not IDENT_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid id: use ASCII letters, digits and '_', "
            f"starting with a letter (e.g. pmks_served)"
        )
    return value


# C0 and C1 control characters other than a line break, and the invisible
# bidirectional controls that can make a name display as something else.
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def parse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_describe(value)}")
    bad = _CONTROL_RE.search(value)
    if bad is not None:
        raise ValueError(
            f"text contains the invisible control character U+{ord(bad.group()):04X} at "
            f"position {bad.start() + 1}; remove it (a name must read the same everywhere)"
        )
    return value


def parse_period(value: Any) -> str:
    """``2022`` or ``2022-Q3``; normalised text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _PERIOD_RE.fullmatch(value):
        shown = value if isinstance(value, str) else _describe(value)
        raise ValueError(
            f"invalid period {shown!r}: write a year such as 2022 or a quarter such as 2022-Q3"
        )
    return value


def split_period(period: str) -> tuple[int, int | None]:
    """``'2022-Q3'`` -> ``(2022, 3)``; ``'2022'`` -> ``(2022, None)``."""
    parsed = Period(period)
    return parsed.year, parsed.quarter


class Period(str):
    """A reporting period: a year (``2022``) or one of its quarters (``2022-Q3``).

    Parsed once, where a period enters (a spec, data, ``evaluate()``, the CLI);
    the engine then reads ``year`` and ``quarter`` without parsing again.
    It is its text, as :class:`enum.StrEnum` members are their values: a period
    compares equal to ``"2022"``, keys the same dict entries, and is written to
    JSON, CSV and spreadsheets exactly as before. Text order is time order
    (``2022`` < ``2022-Q1`` < ``2022-Q4`` < ``2023``): a year sorts before its quarters.
    Raises :class:`~sakipcalc.errors.PeriodError` for any other text.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Self:
        if type(text) is cls:
            return text
        if not isinstance(text, str) or _PERIOD_RE.fullmatch(text) is None:
            raise PeriodError(str(text))
        return super().__new__(cls, text)

    @classmethod
    def of(cls, year: int, quarter: int | None = None) -> Period:
        """The year, or its quarter ``quarter`` (1-4)."""
        return cls(f"{year}" if quarter is None else f"{year}-Q{quarter}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def quarter(self) -> int | None:
        """1-4 for a quarter; None for a whole year."""
        return int(self[6]) if len(self) > 4 else None

    @property
    def is_year(self) -> bool:
        return len(self) == 4

    def quarter_of_year(self, quarter: int) -> Period:
        """Quarter ``quarter`` of this period's year."""
        return Period(f"{self[:4]}-Q{quarter}")

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        # parse_period gives the author's message for a bad period; the schema
        # stays a plain string (``{"type": "string"}``) for editors.
        return core_schema.no_info_before_validator_function(
            parse_period,
            core_schema.no_info_after_validator_function(cls, core_schema.str_schema()),
        )


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


# The schema is ours, not pydantic's default for Decimal (which changes between
# pydantic releases): a YAML number, or its text.
_DECIMAL_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$"},
    ]
}
Dec = Annotated[Decimal, BeforeValidator(parse_decimal_text), WithJsonSchema(_DECIMAL_SCHEMA)]
Int = Annotated[int, BeforeValidator(parse_int_text)]
Flag = Annotated[bool, BeforeValidator(parse_flag_text)]
Ident = Annotated[str, BeforeValidator(parse_ident)]
Text = Annotated[str, BeforeValidator(parse_text)]


def _cap_input(value: Any, *, allow_none: bool) -> Any:
    """A cap above 0, or (on an indicator) ``none`` to opt out of the spec-wide cap."""
    if allow_none and value == "none":
        return "none"
    number = parse_decimal_text(value)
    if number <= 0:
        raise ValueError(
            f"a cap must be above 0, not {number}: every achievement would be printed "
            f"as {number}"
            + ("; write 'cap: none' for no cap" if allow_none else "; remove it for no cap")
        )
    return number


_POSITIVE_NUMBER_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": "^(0\\.[0-9]*[1-9][0-9]*|[1-9][0-9]*(\\.[0-9]+)?)$"},
    ]
}
SpecCap = Annotated[
    Decimal,
    BeforeValidator(lambda value: _cap_input(value, allow_none=False)),
    WithJsonSchema({"description": "caps every achievement (above 0)", **_POSITIVE_NUMBER_SCHEMA}),
]
IndicatorCap = Annotated[
    Decimal | Literal["none"],
    BeforeValidator(lambda value: _cap_input(value, allow_none=True)),
    WithJsonSchema(
        {
            "description": "caps this indicator's achievement (above 0); 'none' opts out of "
            "the spec-wide cap",
            "anyOf": [*_POSITIVE_NUMBER_SCHEMA["anyOf"], {"const": "none"}],
        }
    ),
]
