"""The values of every data file merged with the spec's own data, cell by cell.

Each file's values are validated as spec data is (:mod:`sakipcalc._data`).
A cell is a scalar value or one category of a broken-down variable, so two
files may give different categories of one variable; a cell given twice is an
error naming both places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from ._data import DataSchema, declarations_of, parse_data
from ._import_tables import ImportIssues, RawSource
from ._spec import DataSet, DataValue, Origin, Spec
from .errors import Location

__all__ = ["merge_data"]


def merge_data(spec: Spec, sources: Sequence[RawSource], issues: ImportIssues) -> DataSet:
    """Validate each source as spec data is validated, then merge cell by cell."""
    parts: list[tuple[DataSet, bool]] = [(spec.data, True)]
    for source in sources:
        parsed, parse_issues = parse_data(source.data, DataSchema.of_spec(spec))
        issues.extend(parse_issues)
        parts.append((parsed, False))
    values: dict[str, dict[str, DataValue]] = {}
    origins: dict[tuple[str, str], Origin] = {}
    # (period, name) -> category (None: the whole value) -> where, and whether in the spec
    given: dict[tuple[str, str], dict[str | None, tuple[Location, bool]]] = {}
    for data, from_spec in parts:
        for period, bucket in data.values.items():
            merged = values.setdefault(period, {})
            for name, value in bucket.items():
                origin = data.origins.get((period, name))
                places = given.setdefault((period, name), {})
                cells: list[str | None] = list(value) if isinstance(value, Mapping) else [None]
                fresh: list[str | None] = []
                for category in cells:
                    here = _cell_location(origin, category)
                    before = _given_before(places, category)
                    if before is None:
                        fresh.append(category)
                        continue
                    what = f"'{name}'" + (f" category '{category}'" if category else "")
                    issues.error(
                        "duplicate-data",
                        f"{what} in period {period} is already given "
                        f"{'in the spec ' if before[1] else ''}at {issues.where(before[0])}",
                        here,
                        ("data", period, name, *((category,) if category else ())),
                        hint="give each value in one place only",
                    )
                for category in fresh:
                    places[category] = (_cell_location(origin, category), from_spec)
                if name not in merged:
                    merged[name] = value
                    if origin is not None:
                        origins[(period, name)] = origin
                    continue
                earlier = merged[name]
                if isinstance(value, Mapping) and isinstance(earlier, Mapping):
                    combined = dict(earlier)
                    combined.update({c: value[c] for c in fresh if c is not None})
                    merged[name] = MappingProxyType(combined)
    return DataSet(
        MappingProxyType({p: MappingProxyType(b) for p, b in values.items()}),
        MappingProxyType(origins),
        # every value was checked against this spec: evaluate need not check again
        checked_against=declarations_of(spec),
    )


def _given_before(
    places: Mapping[str | None, tuple[Location, bool]], category: str | None
) -> tuple[Location, bool] | None:
    """Where this cell, or the whole value it belongs to, was given before."""
    if category in places:
        return places[category]
    if category is not None:
        return places.get(None)  # the whole breakdown was given (as missing)
    return next(iter(places.values()), None)  # some categories were given


def _cell_location(origin: Origin | None, category: str | None) -> Location:
    if origin is None:  # pragma: no cover - every parsed value has its origin
        return Location("<data>")
    if category is None:
        return origin.location(prefer_key=True)
    return origin.location(category, prefer_key=True)
