"""One cell's value as data: a period, a number in the data locale, a grade, or ``-``.

Text is read in the locale (or refused when its meaning depends on one); an
XLSX number cell is read as what was typed, which a binary double holds
exactly only up to 15 significant digits.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import Any

from ._import_tables import Cell, ImportIssues, describe_cell, plain_text
from ._source import PathKey
from ._types import MAX_NUMBER_DIGITS, parse_period
from .errors import Location
from .i18n import MISSING, AmbiguousNumber, Locale, parse_number

__all__ = ["MAX_FLOAT_DIGITS", "ValueReader"]

MAX_FLOAT_DIGITS = 15  # significant digits Excel keeps of a typed number

_DASHES = frozenset({"-", "–", "—"})
# A digit, spaces (a no-break space too), a digit: two numbers typed into one cell.
_TWO_NUMBERS = re.compile(r"[0-9][\s\u00a0]+[0-9]")


class ValueReader:
    """Reads periods and values of cells, reporting each problem to ``issues``."""

    def __init__(self, issues: ImportIssues, locale: Locale | None) -> None:
        self.issues = issues
        self.locale = locale

    def read_period(self, cell: Cell, where: Location) -> str | None:
        value = cell.value
        if cell.blank:
            self.issues.error("import-value", "empty period", where, hint="write 2022 or 2022-Q3")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or cell.error:
            self.issues.error(
                "invalid-period",
                f"expected a period such as 2022 or 2022-Q3, got {describe_cell(cell)}",
                where,
            )
            return None
        try:
            return parse_period(value.strip())
        except ValueError as exc:
            self.issues.error("invalid-period", str(exc), where)
            return None

    def read_value(self, cell: Cell, kind: str, where: Location, path: PathKey) -> tuple[bool, Any]:
        """(ok, raw value for the loader): Decimal, grade text, or None for ``-``."""
        value = cell.value
        if kind == "unknown":
            return True, None  # the loader reports the name; its value does not matter
        if cell.error:
            self.issues.error(
                "import-value",
                f"the cell holds the spreadsheet error {value}",
                where,
                path,
                hint="fix the formula, or write - for a value that is missing",
            )
            return False, None
        if isinstance(value, (bool, datetime.date, datetime.time, datetime.timedelta)):
            self.issues.error(
                "import-value",
                f"expected a number, got {describe_cell(cell)}",
                where,
                path,
                hint="format the cell as a number or as text",
            )
            return False, None
        if isinstance(value, (int, float)):
            number = self._cell_number(cell, where, path)
            if number is None:
                return False, None
            return True, (str(number) if kind == "grade" else number)
        text = plain_text(value).strip()
        if kind == "grade":
            return True, (None if text in _DASHES else text)
        if _TWO_NUMBERS.search(text):
            # parse_number drops spaces (``Rp 1 800``), which would read 10 5 as 105.
            self.issues.error(
                "invalid-number",
                f"{text!r} holds two numbers separated by a space; a cell holds one number",
                where,
                path,
                hint="write one number per cell; a space never separates thousands "
                "(write 1.800.000 in locale id, 1,800,000 in locale en, or 1800000)",
            )
            return False, None
        try:
            parsed = parse_number(text, self.locale)
        except AmbiguousNumber as exc:
            self.issues.error(
                "ambiguous-number",
                str(exc),
                where,
                path,
                hint="pass the locale (locale='id', or --locale id) or declare "
                "'locale: id' in the spec section",
            )
            return False, None
        except ValueError as exc:
            if kind == "number_or_grade":
                return True, text  # a grade label; the loader checks it against the scale
            self.issues.error(
                "invalid-number", str(exc), where, path, hint=_number_hint(self.locale)
            )
            return False, None
        if parsed is MISSING:
            return True, None
        assert isinstance(parsed, Decimal)
        if not self._digits_ok(parsed, where, path):
            return False, None
        return True, parsed

    def _cell_number(self, cell: Cell, where: Location, path: PathKey) -> Decimal | None:
        value = cell.value
        if isinstance(value, int):
            number = Decimal(value)
        else:
            assert isinstance(value, float)
            if not math.isfinite(value):
                self.issues.error("invalid-number", f"{value!r} is not a number", where, path)
                return None
            text = repr(value)  # the shortest text that reads back as this double
            number = Decimal(text)
            digits = len(number.normalize().as_tuple().digits)
            if digits > MAX_FLOAT_DIGITS:
                self.issues.error(
                    "import-value",
                    f"the cell holds the binary floating-point number {text}, with {digits} significant "
                    f"digits; a typed number has at most {MAX_FLOAT_DIGITS}, so this one was "
                    f"computed and is not exact",
                    where,
                    path,
                    hint="round it in the sheet (=ROUND(…; 2)) or type the value as text",
                )
                return None
        if cell.percent:
            sign, digits_, exponent = number.as_tuple()
            assert isinstance(exponent, int)
            number = Decimal((sign, digits_, exponent + 2))  # 0.1332 shown as 13.32%
        if not self._digits_ok(number, where, path):
            return None
        if number == number.to_integral_value():
            number = Decimal(int(number))
        return number

    def _digits_ok(self, number: Decimal, where: Location, path: PathKey) -> bool:
        if (
            len(number.as_tuple().digits) > MAX_NUMBER_DIGITS
            or abs(number.adjusted()) > MAX_NUMBER_DIGITS
        ):
            self.issues.error(
                "invalid-number",
                f"number {number} has more than {MAX_NUMBER_DIGITS} digits",
                where,
                path,
            )
            return False
        return True


def _number_hint(locale: Locale | None) -> str:
    if locale == "id":
        return "in locale id, '.' separates thousands and ',' decimals: 75.695 or 13,32"
    if locale == "en":
        return "in locale en, ',' separates thousands and '.' decimals: 75,695 or 13.32"
    return "write a number such as 75695 or 13,32, or - for a value that is missing"
