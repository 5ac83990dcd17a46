"""Sakipcalc's own Decimal context, and exact sums of data.

Every public entry point (``load``, ``load_data``, ``evaluate``, ``check``,
``testing``) runs under :func:`own_context`, a local copy of
:data:`~sakipcalc.rounding.DECIMAL_CONTEXT`, so an embedding program's
precision, rounding, traps or exponent spelling never reach a figure. The
caller's context is restored afterwards, untouched (no flag of ours is set in
it); each thread has its own.

Sums of data (a variable over its categories, quarters, budget lines) are
exact, as the formula package's ``+`` is: :func:`exact_sum` adds in a context
that traps ``Inexact``, wide enough (``MAX_EXACT_DIGITS``) for any sum of the
numbers data may hold (at most 40 digits each). A sum that would need more is
an :class:`InexactSum`, never a rounded total.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import ParamSpec, TypeVar

from .errors import SakipError
from .formula import EXACT_CONTEXT, MAX_EXACT_DIGITS
from .rounding import DECIMAL_CONTEXT

__all__ = ["InexactSum", "exact_product", "exact_sum", "own_context"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

# Exact operations trap Inexact: the same context as the formulas' + - ×.
_add = EXACT_CONTEXT.add
_multiply = EXACT_CONTEXT.multiply


class InexactSum(SakipError, ArithmeticError):
    """A sum of data has no exact result within ``MAX_EXACT_DIGITS`` digits."""


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """``sum(values, Decimal(0))``, exactly: the same Decimal, trailing zeros and all."""
    total = Decimal(0)
    try:
        for value in values:
            total = _add(total, value)
    except (decimal.Inexact, decimal.Underflow, decimal.Overflow) as exc:
        raise InexactSum(
            f"a sum of data needs more than {MAX_EXACT_DIGITS} significant digits"
        ) from exc
    return total


def exact_product(a: Decimal, b: Decimal) -> Decimal:
    """``a * b``, exactly (a weight times an achievement, for a weighted mean)."""
    try:
        return _multiply(a, b)
    except (decimal.Inexact, decimal.Underflow, decimal.Overflow) as exc:
        raise InexactSum(
            f"a product of data needs more than {MAX_EXACT_DIGITS} significant digits"
        ) from exc


def own_context(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """``function`` run in a local copy of sakipcalc's Decimal context."""

    @functools.wraps(function)
    def isolated(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with decimal.localcontext(DECIMAL_CONTEXT):
            return function(*args, **kwargs)

    return isolated
