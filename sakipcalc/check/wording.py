"""How the check's canonical values, subjects and notes read in a locale."""

from __future__ import annotations

import re
from decimal import Decimal

from ..i18n import Locale, format_number, label, reason, trace

__all__ = ["note_text", "one_line", "subject_text", "value_text"]

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_BUDGET_SUBJECT = re.compile(r"budget ([0-9]{4})")
_LINE_BREAK = re.compile(r"\s*(?:\r\n|[\n\r\v\f\x85\u2028\u2029])\s*")


def one_line(text: str) -> str:
    """A spec's text (a source, a row label) on one line of the check's output.

    A label written over two lines in the YAML would otherwise start a line of
    its own, where the output's structure (findings, sources) is read by indent.
    """
    return _LINE_BREAK.sub(" ", text)


def value_text(text: str, locale: Locale) -> str:
    """A compared value (``73.78``, ``4712818176``, ``80–90``, ``BB``) in ``locale``."""
    if locale == "en":
        return text
    if _NUMBER.fullmatch(text):
        return format_number(Decimal(text), locale, grouping=True)
    if text == "n/a":
        return label("n_a", locale)
    return trace(text, locale)  # a range or a grade: decimal commas only


def subject_text(text: str, locale: Locale) -> str:
    budget = _BUDGET_SUBJECT.fullmatch(text)
    if budget is None or locale == "en":
        return text
    return f"{label('budget', locale).lower()} {budget[1]}"


def note_text(text: str, locale: Locale) -> str:
    # A note is a reason ("the printed target differs …"), a calculation trace, or
    # a reason followed by a trace; what no reason pattern knows is read as a trace.
    translated = reason(text, locale)
    return trace(translated, locale) if locale != "en" else translated
