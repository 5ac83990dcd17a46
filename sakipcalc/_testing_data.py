"""Generated data for property tests: Hypothesis strategies derived from a spec."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, assert_never

from hypothesis import strategies as st

from ._exact import exact_sum
from ._spec import DataSet, DataValue, Grade, Spec
from .models import (
    Domain,
    Indicator,
    Variable,
)

PERIOD = "2022"
# The units the loader reads as a percentage (its _PERCENT_UNITS); generated values lie in 0–100.
_PERCENT_UNITS = frozenset({"%", "persen", "percent"})
_BIG_COUNT = 10**12


# ---------------------------------------------------------------- strategies


def decimal_places(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n).scaleb(-places))


def _number(variable_domain: Domain, edges: bool) -> st.SearchStrategy[Decimal]:
    base: st.SearchStrategy[Decimal]
    match variable_domain:
        case Domain.COUNT:
            counts = st.integers(0, 10**7)
            edge = st.sampled_from([0, 1, _BIG_COUNT])
            return (st.one_of(edge, counts) if edges else counts).map(Decimal)
        case Domain.PERCENTAGE:
            base = decimal_places(0, 100, 2)
            return st.one_of(st.sampled_from([Decimal(0), Decimal(100)]), base) if edges else base
        case Domain.RUPIAH:
            base = decimal_places(0, 10**11, 2)
            return st.one_of(st.just(Decimal(0)), base) if edges else base
        case Domain.SCORE:
            return decimal_places(0, 100, 2)
        case Domain.NUMBER | Domain.GRADE:  # a grade's labels are drawn elsewhere
            base = decimal_places(-(10**6), 10**6, 4)
            return st.one_of(st.just(Decimal(0)), base) if edges else base
        case _:
            assert_never(variable_domain)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What to generate: variables, direct indicators, and subset (part ≤ whole) pairs."""

    variables: tuple[Variable, ...]
    direct: tuple[Indicator, ...]
    subsets: Mapping[str, str]  # part -> whole


def plan_for(spec: Spec, names: set[str] | None) -> _Plan:
    subsets: dict[str, str] = {}
    for indicator in spec.indicators.values():
        for invariant in indicator.invariants:
            if invariant.subset is not None:
                part, whole = invariant.subset
                subsets[part] = whole
    variables = tuple(v for v in spec.variables.values() if names is None or v.id in names)
    if names is not None:  # a part needs its whole to be generated first
        extra = {subsets[v.id] for v in variables if v.id in subsets}
        variables = tuple(v for v in spec.variables.values() if v.id in names or v.id in extra)
    wholes_first = sorted(variables, key=lambda v: v.id in subsets)
    direct = tuple(
        i
        for i in spec.indicators.values()
        if i.formula is None and (names is None or i.id in names)
    )
    return _Plan(tuple(wholes_first), direct, subsets)


def needed_names(spec: Spec, indicator_id: str) -> set[str]:
    needed: set[str] = set()
    stack = [indicator_id]
    while stack:
        current = stack.pop()
        if current in needed:
            continue
        needed.add(current)
        formula = spec.formulas.get(current)
        if formula is not None:
            stack.extend(formula.references)
    return needed


@st.composite
def _data(draw: Any, spec: Spec, plan: _Plan, edges: bool, period: str) -> DataSet:
    values: dict[str, DataValue] = {}
    for variable in plan.variables:
        whole_id = plan.subsets.get(variable.id)
        whole = values.get(whole_id) if whole_id is not None else None
        per_category = (
            isinstance(whole, Mapping)
            and whole_id is not None
            and spec.variables[whole_id].breakdown == variable.breakdown
        )
        # A part of a whole with other categories (or none) is bounded by its total.
        remaining = total(whole) if whole is not None and not per_category else None
        if remaining is not None:
            remaining = max(remaining, Decimal(0))  # a negative whole leaves no room
        if variable.breakdown is not None:
            cells: dict[str, Decimal | None] = {}
            for category in spec.variable_categories(variable.id):
                limit = whole.get(category) if per_category and isinstance(whole, Mapping) else None
                if limit is not None:
                    limit = max(limit, Decimal(0))
                if remaining is not None:
                    limit = remaining
                if limit is not None:
                    cell: Decimal | None = Decimal(draw(st.integers(0, int(limit))))
                    if edges and draw(st.booleans()):
                        cell = limit  # numerator equal to denominator
                else:
                    cell = draw(_number(variable.domain, edges))
                if edges and draw(st.integers(0, 9)) == 0:
                    cell = None  # a missing category
                if remaining is not None and cell is not None:
                    remaining -= cell
                cells[category] = cell
            values[variable.id] = cells
        elif variable.domain is Domain.GRADE:
            scale = spec.compiled_scales[variable.scale or ""]
            values[variable.id] = Grade(draw(st.sampled_from(scale.labels)))
        elif remaining is not None and variable.domain is Domain.COUNT:
            values[variable.id] = Decimal(draw(st.integers(0, int(remaining))))
        else:
            values[variable.id] = draw(_number(variable.domain, edges))
    for indicator in plan.direct:
        if indicator.scale is not None:
            scale = spec.compiled_scales[indicator.scale]
            values[indicator.id] = Grade(draw(st.sampled_from(scale.labels)))
        elif indicator.unit.strip().lower() in _PERCENT_UNITS:
            values[indicator.id] = draw(_number(Domain.PERCENTAGE, edges))
        else:
            values[indicator.id] = draw(_number(Domain.COUNT, edges))
    return DataSet({period: values})


def total(value: DataValue) -> Decimal:
    """A scalar's value, or the sum of a breakdown's given categories."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Mapping):
        return exact_sum(v for v in value.values() if v is not None)
    return Decimal(0)


def data_for(
    spec: Spec, *, period: str = PERIOD, edges: bool = False
) -> st.SearchStrategy[DataSet]:
    """Realisation data for every variable and direct indicator of ``spec``."""
    return _data(spec, plan_for(spec, None), edges, period)


def indicator_data(
    spec: Spec, indicator_id: str, *, period: str = PERIOD, edges: bool = False
) -> st.SearchStrategy[DataSet]:
    """Data for just what one indicator's formula needs (and what that needs)."""
    return _data(spec, plan_for(spec, needed_names(spec, indicator_id)), edges, period)


# ---------------------------------------------------------------- invariants
