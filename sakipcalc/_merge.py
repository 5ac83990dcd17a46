"""Merging a spec's files into one draft.

Each file is cut into sections, and each list item is validated on its own, so
one broken indicator does not hide the problems of the others. Ids of items
that failed are remembered, so that references to them do not produce a
second, misleading "unknown id" issue. The items of all files are then merged,
refusing an id used twice in one namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from ._data import RawData, split_data
from ._hints import suggest
from ._pydantic_issues import validate_model
from ._source import PathKey, SourceDoc
from ._spec import Origin
from ._spec import error as _error
from ._split_numbers import rejoin_split_numbers
from .errors import Issue, Severity
from .models import (
    Agreement,
    Breakdown,
    Budget,
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

SECTION_TYPES: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "breakdowns": Breakdown,
        "variables": Variable,
        "scales": Scale,
        "org_units": OrgUnit,
        "indicators": Indicator,
        "goals": Goal,
        "objectives": Objective,
        "agreements": Agreement,
        "links": Link,
        "budget": Budget,
        "reported": Reported,
        "records": RecordsTable,
    }
)
TOP_LEVEL = ("sakipcalc", "imports", "spec", "data", *SECTION_TYPES)

# Sections whose items have ids, and the namespace each id must be unique in.
_NAMESPACES = {
    "indicators": "names",
    "variables": "names",
    "breakdowns": "breakdowns",
    "scales": "scales",
    "org_units": "org_units",
    "goals": "goals",
    "objectives": "objectives",
    "agreements": "agreements",
    "records": "records",
}

_SINGULAR = {
    "indicators": "an indicator",
    "variables": "a variable",
    "breakdowns": "a breakdown",
    "scales": "a scale",
    "org_units": "an org unit",
    "goals": "a goal",
    "objectives": "an objective",
    "agreements": "an agreement",
    "records": "a records table",
}


def singular(section: str) -> str:
    """``indicators`` -> ``an indicator``."""
    return _SINGULAR[section]


@dataclass(frozen=True, slots=True)
class Merged:
    """Every file's validated items, merged; ids are unique per namespace."""

    info: tuple[SpecInfo, Origin] | None
    # section -> id -> (item, origin), for the sections whose items have ids
    sections: Mapping[str, Mapping[str, tuple[Any, Origin]]]
    links: tuple[tuple[Link, Origin], ...]
    budgets: tuple[tuple[Budget, Origin], ...]
    reported: tuple[tuple[Reported, Origin], ...]
    # The raw data values. Validation empties this once it has parsed them, so that
    # a large spec's raw YAML values are freed before its formulas are compiled.
    data: RawData
    # section -> ids of items that failed validation and were reported there
    failed_ids: Mapping[str, frozenset[str]]
    failed_spec: bool  # a 'spec:' section was written but did not validate
    files: tuple[SourceDoc, ...]


@dataclass
class _File:
    """One file cut into validated items."""

    doc: SourceDoc
    items: dict[str, list[tuple[Any, PathKey]]] = field(default_factory=dict)
    spec: tuple[SpecInfo, PathKey] | None = None
    data: RawData = field(default_factory=dict)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    failed_spec: bool = False


def merge(docs: Iterable[SourceDoc]) -> tuple[Merged, list[Issue]]:
    """The files' items merged into one draft, with issues for what could not be used."""
    issues: list[Issue] = []
    files = []
    read: list[SourceDoc] = []
    for doc in docs:
        read.append(doc)
        cut, cut_issues = _cut(doc)
        # Cut into validated items: from here on only the file's positions are needed,
        # and those are found again from its text when an issue asks for one.
        doc.data = None
        files.append(cut)
        issues.extend(cut_issues)
    info: tuple[SpecInfo, Origin] | None = None
    sections: dict[str, dict[str, tuple[Any, Origin]]] = {}
    listed: dict[str, list[tuple[Any, Origin]]] = {"links": [], "budget": [], "reported": []}
    data: dict[str, dict[str, tuple[Any, Origin]]] = {}
    failed_ids: dict[str, set[str]] = {}
    first_of_namespace: dict[tuple[str, str], tuple[str, Origin]] = {}
    for file in files:
        for section, ids in file.failed_ids.items():
            failed_ids.setdefault(section, set()).update(ids)
        if file.spec is not None:
            spec_info, path = file.spec
            origin = Origin(file.doc, path)
            if info is not None:
                issues.append(
                    _error(
                        "duplicate-spec",
                        f"a second 'spec:' section; the first is at {info[1].location()}",
                        origin,
                        hint="keep exactly one 'spec:' section per spec",
                    )
                )
            else:
                info = (spec_info, origin)
        for section, entries in file.items.items():
            for item, path in entries:
                origin = Origin(file.doc, path)
                if section in listed:
                    listed[section].append((item, origin))
                    continue
                namespace = _NAMESPACES[section]
                key = (namespace, item.id)
                if key in first_of_namespace:
                    other_section, other = first_of_namespace[key]
                    issues.append(
                        _error(
                            "duplicate-id",
                            f"id '{item.id}' is already used by {singular(other_section)} at "
                            f"{other.location('id')}",
                            origin,
                            "id",
                            hint="ids must be unique across all files of a spec"
                            + (
                                " (indicators and variables share one namespace, since formulas "
                                "name both)"
                                if namespace == "names"
                                else ""
                            ),
                        )
                    )
                    continue
                first_of_namespace[key] = (section, origin)
                sections.setdefault(section, {})[item.id] = (item, origin)
        for period, values in file.data.items():
            bucket = data.setdefault(period, {})
            for name, (value, origin) in values.items():
                if name in bucket:
                    issues.append(
                        _error(
                            "duplicate-data",
                            f"data for '{name}' in period {period} is already given at "
                            f"{bucket[name][1].location()}",
                            origin,
                            prefer_key=True,
                        )
                    )
                    continue
                bucket[name] = (value, origin)
    merged = Merged(
        info=info,
        sections=MappingProxyType(sections),
        links=tuple(listed["links"]),
        budgets=tuple(listed["budget"]),
        reported=tuple(listed["reported"]),
        data=data,
        failed_ids=MappingProxyType({k: frozenset(v) for k, v in failed_ids.items()}),
        failed_spec=any(file.failed_spec for file in files),
        files=tuple(read),
    )
    return merged, issues


def _cut(doc: SourceDoc) -> tuple[_File, list[Issue]]:
    """One file's sections, each list item validated on its own."""
    file = _File(doc)
    issues: list[Issue] = rejoin_split_numbers(doc)
    data = doc.data
    if data is None:
        return file, issues
    if not isinstance(data, dict):
        issues.append(
            Issue(
                Severity.ERROR,
                "type",
                "a spec file must be a mapping of sections (indicators:, variables:, …)",
                doc.locate(()),
            )
        )
        return file, issues
    for key, value in data.items():
        origin = Origin(doc, (key,))
        if key not in TOP_LEVEL:
            issues.append(
                _error(
                    "unknown-key",
                    f"unknown section '{key}'",
                    origin,
                    hint=suggest(key, TOP_LEVEL) or f"sections are: {', '.join(TOP_LEVEL)}",
                    prefer_key=True,
                )
            )
            continue
        if value is None or key == "imports":
            continue
        if key == "sakipcalc":
            if value != "1":
                issues.append(
                    _error(
                        "unsupported-version",
                        f"spec format version {value!r} is not supported; this sakipcalc reads "
                        f"version 1",
                        origin,
                    )
                )
            continue
        if key == "spec":
            info, info_issues = validate_model(SpecInfo, value, doc, (key,))
            issues.extend(info_issues)
            if info is not None:
                file.spec = (info, (key,))
            else:
                file.failed_spec = True  # reported already; no "missing spec:" on top
            continue
        if key == "data":
            file.data, data_issues = split_data(value, doc)
            issues.extend(data_issues)
            continue
        if not isinstance(value, list):
            issues.append(_error("type", f"section '{key}' must be a list", origin))
            continue
        model = SECTION_TYPES[key]
        entries: list[tuple[Any, PathKey]] = []
        for index, item in enumerate(value):
            item_path: PathKey = (key, index)
            parsed, item_issues = validate_model(model, item, doc, item_path)
            issues.extend(item_issues)
            if parsed is not None:
                entries.append((parsed, item_path))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                file.failed_ids.setdefault(key, set()).add(item["id"])
        file.items[key] = entries
    return file, issues
