"""Frozen result types of an evaluation.

A data problem is never an exception: every computed figure is a
:class:`Figure` whose ``status`` says whether it could be computed and, if
not, why (``reason``) and which inputs were missing (``missing``).
"""

from __future__ import annotations

import abc
import difflib
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._types import Period
from .errors import EvaluationError, Issue
from .models import Baseline, OrgLevel, Polarity, Rollup, TargetSpec

__all__ = [
    "AgreementItemResult",
    "AgreementResult",
    "BudgetLevel",
    "BudgetResult",
    "BudgetTotal",
    "CategoryRef",
    "EvaluationReport",
    "Figure",
    "IndicatorResult",
    "MissingInput",
    "PeriodFigure",
    "RollupKind",
    "RollupResult",
    "Status",
    "target_text",
]


class Status(enum.Enum):
    OK = "ok"
    NOT_COMPUTABLE = "not_computable"  # tidak dapat dihitung: zero denominator, zero target …
    MISSING_DATA = "missing_data"


class RollupKind(enum.StrEnum):
    """What a roll-up aggregates over."""

    OBJECTIVE = "objective"
    GOAL = "goal"
    ORG_UNIT = "org_unit"
    AGENCY = "agency"


class BudgetLevel(enum.StrEnum):
    """The depth of a budget line: a program holds kegiatan, a kegiatan sub-kegiatan."""

    PROGRAM = "program"
    KEGIATAN = "kegiatan"
    SUB_KEGIATAN = "sub_kegiatan"


def target_text(target: TargetSpec | Baseline) -> str:
    """A declared target as the spec wrote it: ``25``, ``BB``, ``80–90``; a baseline ``29.17 (2018)``.

    The canonical text (JSON, ``check``, tests). Reports format targets in
    their locale through the renderers' one formatter instead.
    """
    if isinstance(target, Baseline):
        return f"{target.value.describe()} ({target.period})"
    return target.describe()


@dataclass(frozen=True, slots=True)
class MissingInput:
    """An input that had no value: a variable (and category), an indicator or a target."""

    name: str
    category: str | None = None
    period: str | None = None

    def __str__(self) -> str:
        text = self.name if self.category is None else f"{self.name}[{self.category}]"
        return text if self.period is None else f"{text} in {self.period}"


@dataclass(frozen=True, slots=True)
class Figure:
    """One computed number: raw and rounded, or the reason it has none."""

    status: Status
    raw: Decimal | None = None
    rounded: Decimal | None = None
    grade: str | None = None  # for ordinal values (e.g. BB)
    reason: str | None = None
    missing: tuple[MissingInput, ...] = ()
    trace: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @classmethod
    def missing_data(cls, missing: tuple[MissingInput, ...], what: str = "") -> Figure:
        names = ", ".join(str(m) for m in missing)
        return cls(
            Status.MISSING_DATA,
            reason=f"missing data: {names}" + (f" ({what})" if what else ""),
            missing=missing,
        )

    @classmethod
    def not_computable(cls, reason: str, trace: str = "") -> Figure:
        return cls(Status.NOT_COMPUTABLE, reason=reason, trace=trace)

    def display(self) -> str:
        if self.status is not Status.OK:
            return "n/a"
        if self.grade is not None and self.rounded is None:
            return self.grade
        text = format(self.rounded, "f") if self.rounded is not None else ""
        return f"{text} ({self.grade})" if self.grade is not None else text


# The storage of Figure.trace, which LazyTraceFigure reads and fills behind its property.
_TRACE_SLOT = Figure.__dict__["trace"]


class LazyTraceFigure(Figure, abc.ABC):
    """A :class:`Figure` whose trace is written only when first read.

    Most traces of a large evaluation are never read, and writing them was a
    fifth of its time. The text is exactly what the eager figure would hold;
    to everything else (fields, equality, hashing, JSON, pickling) this is a
    Figure.

    Until it is read, the trace is a *recipe*: a tuple of the values the text is
    written from, which a subclass's :meth:`write_trace` turns into text with
    the figure's own fields. A tuple of numbers and text is one object, which
    the garbage collector soon stops tracking; a closure was a function and a
    cell per captured name, walked by every collection while the report lives.
    """

    __slots__ = ()

    def __init__(
        self,
        status: Status,
        raw: Decimal | None = None,
        rounded: Decimal | None = None,
        grade: str | None = None,
        reason: str | None = None,
        missing: tuple[MissingInput, ...] = (),
        trace: str | tuple[Any, ...] = "",
    ) -> None:
        Figure.__init__(self, status, raw, rounded, grade, reason, missing)
        _TRACE_SLOT.__set__(self, trace)

    @abc.abstractmethod
    def write_trace(self, recipe: tuple[Any, ...]) -> str:
        """The trace from ``recipe`` and this figure's fields (each kind of trace writes its own)."""

    def _get_trace(self) -> str:
        value = _TRACE_SLOT.__get__(self, Figure)
        if type(value) is tuple:
            value = self.write_trace(value)
            _TRACE_SLOT.__set__(self, value)
        return str(value)

    def _set_trace(self, value: str) -> None:
        # Reached only through object.__setattr__ (Figure's own __init__, unpickling):
        # assignment from outside still raises FrozenInstanceError.
        _TRACE_SLOT.__set__(self, value)

    trace = property(_get_trace, _set_trace)

    def _fields(self) -> tuple[object, ...]:
        return (
            self.status,
            self.raw,
            self.rounded,
            self.grade,
            self.reason,
            self.missing,
            self.trace,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Figure):
            return NotImplemented
        return self._fields() == (
            other.status,
            other.raw,
            other.rounded,
            other.grade,
            other.reason,
            other.missing,
            other.trace,
        )

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "Figure" + Figure.__repr__(self).removeprefix(type(self).__qualname__)

    def __reduce__(self) -> tuple[type[Figure], tuple[object, ...]]:
        return Figure, self._fields()


@dataclass(frozen=True, slots=True)
class CategoryRef:
    scale: str
    label: str
    name: str | None
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    """Realisation and achievement of an earlier period, for comparison."""

    period: Period
    target: TargetSpec | None
    realisation: Figure
    achievement: Figure


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator: str
    name: str
    unit: str
    period: Period
    polarity: Polarity
    target: TargetSpec | None  # as declared; target_text() prints it
    realisation: Figure
    achievement: Figure
    category: CategoryRef | None
    previous: tuple[PeriodFigure, ...] = ()
    baseline: Baseline | None = None
    end_target: TargetSpec | None = None
    end_target_progress: Figure | None = None
    children: tuple[IndicatorResult, ...] = ()
    tags: tuple[str, ...] = ()
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class RollupResult:
    """An aggregate achievement over indicators (objective, goal, org unit or agency)."""

    kind: RollupKind
    id: str
    name: str
    rule: Rollup
    achievement: Figure
    category: CategoryRef | None
    members: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # members whose achievement could not be computed


@dataclass(frozen=True, slots=True)
class BudgetResult:
    id: str
    name: str
    level: BudgetLevel
    year: int
    ceiling: Decimal
    spent: Decimal
    absorption: Figure
    declared_ceiling: Decimal | None = None
    declared_spent: Decimal | None = None
    efficiency: Figure | None = None
    efficiency_category: CategoryRef | None = None
    indicators: tuple[str, ...] = ()
    children: tuple[BudgetResult, ...] = ()


@dataclass(frozen=True, slots=True)
class BudgetTotal:
    """A year's whole budget: the sum of its programs, with absorption by the declared rounding."""

    year: int
    ceiling: Decimal
    spent: Decimal
    absorption: Figure
    declared_ceiling: Decimal | None = None
    declared_spent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AgreementItemResult:
    indicator: str
    name: str
    unit: str
    target: TargetSpec
    realisation: Figure
    achievement: Figure
    category: CategoryRef | None


@dataclass(frozen=True, slots=True)
class AgreementResult:
    """One official's Perjanjian Kinerja, evaluated against its own targets."""

    id: str
    year: int
    org_unit: str
    org_unit_name: str
    level: OrgLevel
    official: str | None
    items: tuple[AgreementItemResult, ...]
    rollup: Figure
    excluded: tuple[str, ...] = ()  # items whose achievement could not be computed


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    spec: str
    spec_name: str
    agency: str | None
    period: Period
    indicators: tuple[IndicatorResult, ...]
    rollups: tuple[RollupResult, ...] = ()
    agreements: tuple[AgreementResult, ...] = ()
    budget: tuple[BudgetResult, ...] = ()
    budget_totals: tuple[BudgetTotal, ...] = ()
    warnings: tuple[Issue, ...] = field(default_factory=tuple)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator; raises EvaluationError (a KeyError) if unknown."""
        for result in self.indicators:
            if result.indicator == indicator_id:
                return result
        known = [r.indicator for r in self.indicators]
        close = difflib.get_close_matches(indicator_id, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise EvaluationError(f"no indicator '{indicator_id}' in this report{hint}")
