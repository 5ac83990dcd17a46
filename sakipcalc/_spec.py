"""The loaded spec: every section merged across files, checked, with formulas compiled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ._exact import exact_sum
from ._scales import CompiledScale
from ._source import PathKey, SourceDoc, format_path
from .errors import Issue, IssueReport, Location, Severity
from .formula import CompiledFormula, NameInfo
from .models import (
    Agreement,
    Breakdown,
    Budget,
    BudgetLine,
    Goal,
    Indicator,
    Link,
    Objective,
    OrgUnit,
    RecordsTable,
    Reported,
    Scale,
    SpecInfo,
    Variable,
)


@dataclass(frozen=True, slots=True)
class Grade:
    """An ordinal realisation or target such as ``BB``."""

    label: str

    def __str__(self) -> str:
        return self.label


# A data value: a number, a grade, a breakdown by category (None = explicitly
# missing category), or None for an explicitly missing value.
DataValue = Decimal | Grade | Mapping[str, Decimal | None] | None


@dataclass(frozen=True, slots=True)
class Origin:
    """Which file and path an entity was written at."""

    doc: SourceDoc
    path: PathKey

    def location(self, *sub: str | int, prefer_key: bool = False) -> Location:
        return self.doc.locate((*self.path, *sub), prefer_key=prefer_key)

    def issue(
        self,
        severity: Severity,
        code: str,
        message: str,
        *sub: str | int,
        hint: str | None = None,
        prefer_key: bool = False,
    ) -> Issue:
        """An issue at ``sub`` inside the item written here, with its position and path."""
        return Issue(
            severity,
            code,
            message,
            self.location(*sub, prefer_key=prefer_key),
            format_path((*self.path, *sub)),
            hint,
        )


def error(
    code: str,
    message: str,
    origin: Origin,
    *sub: str | int,
    hint: str | None = None,
    prefer_key: bool = False,
) -> Issue:
    """An error at ``sub`` inside the item written at ``origin``."""
    return origin.issue(Severity.ERROR, code, message, *sub, hint=hint, prefer_key=prefer_key)


def warning(
    code: str,
    message: str,
    origin: Origin,
    *sub: str | int,
    hint: str | None = None,
    prefer_key: bool = False,
) -> Issue:
    """A warning at ``sub`` inside the item written at ``origin``."""
    return origin.issue(Severity.WARNING, code, message, *sub, hint=hint, prefer_key=prefer_key)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class DataSet:
    """Realisation data: period -> variable or indicator id -> value.

    Data built by hand is checked against the spec when it is evaluated, as
    loaded data is (see ``_data.check_dataset``).
    """

    values: Mapping[str, Mapping[str, DataValue]] = field(default_factory=dict)
    origins: Mapping[tuple[str, str], Origin] = field(default_factory=dict, repr=False)
    # What the values were checked against (the declarations of a spec), so that
    # data evaluated again is not checked again; None until checked.
    checked_against: tuple[object, ...] | None = field(default=None, repr=False, compare=False)

    def get(self, period: str, name: str) -> DataValue:
        return self.values.get(period, {}).get(name)

    def has(self, period: str, name: str) -> bool:
        return name in self.values.get(period, {})

    @property
    def periods(self) -> tuple[str, ...]:
        return tuple(sorted(self.values))


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Spec:
    """A valid, immutable spec. Build it with :func:`sakipcalc.load`."""

    info: SpecInfo
    breakdowns: Mapping[str, Breakdown]
    variables: Mapping[str, Variable]
    scales: Mapping[str, Scale]
    org_units: Mapping[str, OrgUnit]
    indicators: Mapping[str, Indicator]
    goals: Mapping[str, Goal]
    objectives: Mapping[str, Objective]
    agreements: Mapping[str, Agreement]
    links: tuple[Link, ...]
    budgets: tuple[Budget, ...]
    reported: tuple[Reported, ...]
    data: DataSet
    files: tuple[str, ...]
    warnings: IssueReport
    formulas: Mapping[str, CompiledFormula] = field(repr=False)
    compiled_scales: Mapping[str, CompiledScale] = field(repr=False)
    order: tuple[str, ...] = field(repr=False)  # indicators, dependencies first
    origins: Mapping[tuple[str, str], Origin] = field(repr=False)
    names: Mapping[str, NameInfo] = field(repr=False)  # what formulas may name
    link_children: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    link_parents: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # tables of records variables are aggregated from (read by sakipcalc._records)
    records: Mapping[str, RecordsTable] = field(default_factory=dict, repr=False)

    def variable_categories(self, variable_id: str) -> tuple[str, ...]:
        variable = self.variables[variable_id]
        if variable.categories is not None:
            return variable.categories
        if variable.breakdown is None:
            return ()
        return tuple(c.id for c in self.breakdowns[variable.breakdown].categories)

    def children_of(self, indicator_id: str) -> tuple[str, ...]:
        """Indicators that support ``indicator_id`` through cascading links."""
        return self.link_children.get(indicator_id, ())

    def parents_of(self, indicator_id: str) -> tuple[str, ...]:
        return self.link_parents.get(indicator_id, ())


def budget_lines(lines: Sequence[BudgetLine]) -> list[BudgetLine]:
    """Every line of a budget tree, parents before their parts."""
    out: list[BudgetLine] = []
    for line in lines:
        out.append(line)
        out.extend(budget_lines(line.children))
    return out


def line_totals(line: BudgetLine) -> tuple[Decimal, Decimal]:
    """Ceiling and spent of a line: its own for a leaf, the sum of its parts otherwise."""
    if not line.children:
        return line.ceiling or Decimal(0), line.spent or Decimal(0)
    parts = [line_totals(child) for child in line.children]
    return exact_sum(p[0] for p in parts), exact_sum(p[1] for p in parts)
