"""What a reconciliation found, and the comparisons that count it."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import Rounding, RoundingMode, TargetSpec
from ..results import Figure
from ..rounding import round_value

__all__ = ["CheckResult", "Discrepancy", "DiscrepancyKind", "Measure", "Tally", "shown"]


class DiscrepancyKind(enum.StrEnum):
    FIGURE = "figure"  # a printed figure differs from its recomputation
    AMBIGUOUS_ROUNDING = "ambiguous-rounding"  # it matches only another rounding mode
    TOTAL = "total"  # a declared total is not the sum of its parts
    TARGET = "target"  # a target differs between tables
    NOT_CHECKABLE = "not-checkable"  # the recomputation has no value
    # The recomputation is undefined (a zero denominator: 0/0, a zero ceiling) and the
    # report prints 0 for it: "tidak dapat dihitung, dicetak 0", not a figure left unchecked.
    UNDEFINED_PRINTED = "undefined-printed"


class Measure(enum.StrEnum):
    """Which figure of the subject is compared."""

    REALISATION = "realisation"
    ACHIEVEMENT = "achievement"
    TARGET = "target"
    VALUE = "value"
    CEILING = "ceiling"
    SPENT = "spent"
    ABSORPTION = "absorption"
    BUDGET = "budget"


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A figure that does not reconcile."""

    kind: DiscrepancyKind
    subject: str  # indicator id, budget line id, or the expression
    what: Measure
    period: str | None
    source: str  # where it is printed
    reported: str
    recomputed: str
    note: str = ""
    # The rounding modes the printed figure matches (an ambiguous rounding): what
    # tells a truncated figure from one rounded half-even.
    matches: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckResult:
    checked: int  # figures compared
    consistent: int
    discrepancies: tuple[Discrepancy, ...] = field(default_factory=tuple)


def shown(value: Decimal | str | None) -> str:
    """A compared value as a discrepancy prints it."""
    if value is None:
        return "—"
    return format(value, "f") if isinstance(value, Decimal) else value


class Tally:
    """Counts comparisons and collects discrepancies."""

    def __init__(self) -> None:
        self.found: list[Discrepancy] = []
        self.checked = 0
        self.consistent = 0
        # printed targets of (indicator, period) that have no plan target
        self.unplanned: dict[tuple[str, str], list[tuple[str, TargetSpec]]] = {}

    def result(self) -> CheckResult:
        return CheckResult(self.checked, self.consistent, tuple(self.found))

    def agrees(self) -> None:
        self.checked += 1
        self.consistent += 1

    def differs(self, discrepancy: Discrepancy) -> None:
        self.checked += 1
        self.found.append(discrepancy)

    def compare_number(
        self,
        raw: Decimal,
        printed: Decimal,
        rounding: Rounding,
        *,
        places: int | None,
        subject: str,
        what: Measure,
        period: str | None,
        source: str,
        note: str = "",
        recompute: Callable[[RoundingMode], Decimal | None] | None = None,
    ) -> bool:
        """Compare a printed figure with a raw recomputed one, under the declared rounding.

        ``recompute(mode)`` redoes the whole computation under another rounding
        mode (needed when intermediate figures are rounded too, as a
        realisation is before its achievement); by default only the final
        rounding changes.
        """
        digits = rounding.places if places is None else places

        def under(mode: RoundingMode) -> Decimal | None:
            if recompute is not None:
                return recompute(mode)
            return round_value(raw, digits, mode)

        expected = under(rounding.mode)
        if expected == printed:
            self.agrees()
            return True
        others = [
            mode for mode in RoundingMode if mode is not rounding.mode and under(mode) == printed
        ]
        if others:
            self.differs(
                Discrepancy(
                    DiscrepancyKind.AMBIGUOUS_ROUNDING,
                    subject,
                    what,
                    period,
                    source,
                    shown(printed),
                    shown(expected),
                    f"matches {', '.join(m.value for m in others)} rounding, not the declared "
                    f"{rounding.mode.value}" + (f"; {note}" if note else ""),
                    tuple(m.value for m in others),
                )
            )
            return False
        self.differs(
            Discrepancy(
                DiscrepancyKind.FIGURE,
                subject,
                what,
                period,
                source,
                shown(printed),
                shown(expected),
                note,
            )
        )
        return False

    def compare_exact(
        self,
        kind: DiscrepancyKind,
        subject: str,
        what: Measure,
        period: str | None,
        source: str,
        printed: Decimal,
        actual: Decimal,
        note: str,
    ) -> None:
        """Amounts (Rupiah, counts) compare exactly: no rounding policy applies to them."""
        if printed == actual:
            self.agrees()
        else:
            self.differs(
                Discrepancy(
                    kind, subject, what, period, source, shown(printed), shown(actual), note
                )
            )

    def not_checkable(
        self,
        subject: str,
        what: Measure,
        period: str | None,
        source: str,
        printed: str,
        figure: Figure,
    ) -> None:
        undefined = _printed_zero(printed) and any(w in (figure.reason or "") for w in _UNDEFINED)
        self.differs(
            Discrepancy(
                DiscrepancyKind.UNDEFINED_PRINTED if undefined else DiscrepancyKind.NOT_CHECKABLE,
                subject,
                what,
                period,
                source,
                printed,
                "n/a",
                figure.reason or figure.status.value,
            )
        )


# The reasons of a figure with no value because its arithmetic is undefined, as the
# engine and the budget checks word them (a zero denominator, ceiling, target or
# realisation). Data that is missing is not among them: printing 0 for it is no
# "undefined ratio".
_UNDEFINED = ("zero denominator", "zero ceiling", "zero target", "zero realisation")


def _printed_zero(printed: str) -> bool:
    try:
        return Decimal(printed) == 0
    except ArithmeticError:  # a grade, a range or nothing printed
        return False
