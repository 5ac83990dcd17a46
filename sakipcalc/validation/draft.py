"""The bundle every validation rule reads: the merged spec, plus data derived in order.

A :class:`Draft` is frozen. A rule takes one and returns issues; the steps
that derive data other rules need (compiled scales, formula names, unusable
variables) return that data, and :mod:`sakipcalc.validation` builds the next
draft from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .._hints import first_few, suggest
from .._merge import Merged, singular
from .._scales import CompiledScale
from .._spec import Origin, error
from ..errors import Issue
from ..formula import NameInfo
from ..models import (
    Agreement,
    Breakdown,
    Budget,
    Goal,
    Indicator,
    Link,
    Objective,
    OrgUnit,
    Reported,
    Scale,
    SpecInfo,
    Variable,
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A merged spec on its way to becoming a :class:`~sakipcalc.Spec`."""

    merged: Merged
    breakdowns: Mapping[str, Breakdown]
    variables: Mapping[str, Variable]
    scales: Mapping[str, Scale]
    org_units: Mapping[str, OrgUnit]
    indicators: Mapping[str, Indicator]
    goals: Mapping[str, Goal]
    objectives: Mapping[str, Objective]
    agreements: Mapping[str, Agreement]
    origins: Mapping[tuple[str, str], Origin]  # (section, id) -> where it was written
    # section -> ids whose declaration failed and was reported there
    failed_ids: Mapping[str, frozenset[str]]
    compiled_scales: Mapping[str, CompiledScale] = field(default_factory=dict)
    names: Mapping[str, NameInfo] = field(default_factory=dict)  # what formulas may name

    @classmethod
    def of(cls, merged: Merged) -> Draft:
        def section(name: str) -> Mapping[str, Any]:
            entries = merged.sections.get(name, {})
            return MappingProxyType({key: item for key, (item, _) in entries.items()})

        return cls(
            merged=merged,
            breakdowns=section("breakdowns"),
            variables=section("variables"),
            scales=section("scales"),
            org_units=section("org_units"),
            indicators=section("indicators"),
            goals=section("goals"),
            objectives=section("objectives"),
            agreements=section("agreements"),
            origins=MappingProxyType(
                {
                    (name, key): origin
                    for name, entries in merged.sections.items()
                    for key, (_, origin) in entries.items()
                }
            ),
            failed_ids=merged.failed_ids,
        )

    @property
    def info(self) -> SpecInfo:
        assert self.merged.info is not None, "only a spec (not a library) has info"
        return self.merged.info[0]

    @property
    def info_origin(self) -> Origin:
        assert self.merged.info is not None, "only a spec (not a library) has info"
        return self.merged.info[1]

    def origin(self, section: str, key: str) -> Origin:
        return self.origins[(section, key)]

    @property
    def links(self) -> tuple[tuple[Link, Origin], ...]:
        return self.merged.links

    @property
    def budgets(self) -> tuple[tuple[Budget, Origin], ...]:
        return self.merged.budgets

    @property
    def reported(self) -> tuple[tuple[Reported, Origin], ...]:
        return self.merged.reported

    def declares(self, section: str, ref: str | None) -> bool:
        """Whether ``ref`` is absent (nothing to check) or names a declared item."""
        return ref is None or ref in self.merged.sections.get(section, {})

    def failed(self, name: str | None) -> bool:
        """Whether the variable or indicator ``name`` failed where it was declared."""
        return name is not None and any(
            name in self.failed_ids.get(section, ()) for section in ("variables", "indicators")
        )

    def unknown_reference(
        self,
        section: str,
        ref: str | None,
        origin: Origin,
        *sub: str | int,
        what: str | None = None,
    ) -> list[Issue]:
        """An issue when ``ref`` names nothing in ``section``, with a "did you mean".

        Silent when the item ``ref`` names was written but failed: that was
        reported where it was written.
        """
        if self.declares(section, ref) or ref in self.failed_ids.get(section, ()):
            return []
        assert ref is not None
        label = what or singular(section).split(" ", 1)[1]
        known = self.merged.sections.get(section, {})
        hint = suggest(ref, known) or (
            f"declare it under '{section}:'" if not known else f"known: {first_few(known)}"
        )
        return [error("unknown-reference", f"unknown {label} '{ref}'", origin, *sub, hint=hint)]
