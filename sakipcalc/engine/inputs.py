"""Reading the data: variables by period, summed over categories or combined from quarters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType

from .._exact import exact_sum
from .._spec import DataSet, Spec
from .._types import Period
from ..results import MissingInput
from .periods import combine_quarters, quarters_needed

__all__ = ["Inputs", "not_data"]

_MAPPINGS = (MappingProxyType, dict)
_Fetch = Callable[[str, Period], Decimal | list[MissingInput]]


class Inputs:
    """The variables of ``spec`` as ``data`` gives them; a missing value is listed, never raised."""

    def __init__(self, spec: Spec, data: DataSet) -> None:
        self.spec = spec
        self.data = data

    def variable_number(self, name: str, period: Period) -> Decimal | list[MissingInput]:
        if self.data.has(period, name):
            value = self.data.get(period, name)
            if isinstance(value, Decimal):
                return value
            if value is None:
                return [MissingInput(name, period=period)]
            raise not_data(name, period, value)
        return self._from_variable_quarters(name, period, self.variable_number)

    def variable_sum(
        self, name: str, categories: Sequence[str], period: Period
    ) -> Decimal | list[MissingInput]:
        if self.data.has(period, name):
            cells = self.data.get(period, name)
            if cells is None:
                return [MissingInput(name, period=period)]
            # The concrete types first: an ABC check costs more than the sum itself.
            if not isinstance(cells, _MAPPINGS) and not isinstance(cells, Mapping):
                raise not_data(name, period, cells)
            present: list[Decimal] = []
            missing: list[MissingInput] = []
            for category in categories:
                cell = cells.get(category)
                if cell is None:
                    missing.append(MissingInput(name, category, period))
                elif isinstance(cell, Decimal):
                    present.append(cell)
                else:
                    raise not_data(f"{name}[{category}]", period, cell)
            return missing or exact_sum(present)
        return self._from_variable_quarters(
            name, period, lambda n, p: self.variable_sum(n, categories, p)
        )

    def _from_variable_quarters(
        self, name: str, period: Period, fetch: _Fetch
    ) -> Decimal | list[MissingInput]:
        """A year's value from its quarters, when the variable declares how they add up."""
        rule = self.spec.variables[name].quarters
        if not period.is_year or rule is None:
            return [MissingInput(name, period=period)]
        parts = [fetch(name, q) for q in quarters_needed(rule, period)]
        missing = [m for p in parts if isinstance(p, list) for m in p]
        if missing:
            return missing
        return combine_quarters(rule, [p for p in parts if isinstance(p, Decimal)])


def not_data(name: str, period: str, value: object) -> TypeError:
    """A DataSet built by hand with a value no loader would produce: a programming error."""
    return TypeError(
        f"data value for '{name}' in {period} is {type(value).__name__}; a DataSet holds "
        f"Decimal, Grade, a mapping of Decimals, or None (build it with load_data)"
    )
