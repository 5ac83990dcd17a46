"""Exact decimal arithmetic settings and the declared rounding policies.

Division in Decimal is exact to ``PRECISION`` significant digits; every
figure a report prints is then rounded once, by the spec's declared policy.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from .models import Rounding, RoundingMode, RoundingOverride

__all__ = ["DECIMAL_CONTEXT", "PRECISION", "effective_rounding", "round_value", "show_raw"]

PRECISION = 60

# Overflow and invalid operations trap, so no infinity or NaN can reach a result.
# Every field is spelled out, so that a changed decimal.DefaultContext does not leak in.
DECIMAL_CONTEXT = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero],
)

_MODES = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.TRUNCATE: decimal.ROUND_DOWN,  # toward zero, as printed tables do
}


# 1, 0.1, 0.01, …: a rounding policy allows at most 10 places.
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(11))


def round_value(value: Decimal, places: int, mode: RoundingMode) -> Decimal:
    """Round ``value`` to ``places`` decimals. Half-up rounds halves away from zero.

    Exact for any finite value: the working precision grows with the number
    of integer digits, so a very large result is rounded, not refused.
    """
    quantum = _QUANTA[places] if places < len(_QUANTA) else Decimal(1).scaleb(-places)
    digits = max(value.adjusted() + 1, 1) + places + 1
    context = DECIMAL_CONTEXT if digits <= PRECISION else DECIMAL_CONTEXT.copy()
    if context is not DECIMAL_CONTEXT:
        context.prec = digits
    rounded = value.quantize(quantum, rounding=_MODES[mode], context=context)
    # -0.001 rounds to zero; a printed figure has no negative zero.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def effective_rounding(base: Rounding, override: RoundingOverride | None) -> Rounding:
    """The spec-wide policy with an indicator's overrides applied."""
    if override is None:
        return base
    return Rounding(
        places=base.places if override.places is None else override.places,
        mode=base.mode if override.mode is None else override.mode,
        achievement_from=(
            base.achievement_from
            if override.achievement_from is None
            else override.achievement_from
        ),
    )


def show_raw(value: Decimal, places: int) -> str:
    """A raw value for traces: up to ``places + 4`` decimals, with … when cut."""
    shown_places = places + 4
    text = format(value, "f")
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0")
        if len(fraction) > shown_places:
            return f"{whole}.{fraction[:shown_places]}…"
        return f"{whole}.{fraction}" if fraction else whole
    return text
