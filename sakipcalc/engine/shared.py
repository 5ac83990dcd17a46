"""What evaluations of one spec on one data set compute alike, shared between them.

A report for 2023 lists 2020-2022 for comparison, and a report for 2022
lists 2020-2021: without sharing, four yearly reports computed the earlier
years ten times. Realisations and earlier-year figures depend only on the
(immutable) spec and data, so they are kept per pair of objects, held weakly:
the memory goes when either object does.

Each realisation keeps the events of its computation in order: the warnings
it raised and the realisations it asked for. An evaluation that finds a
realisation here replays those events, so that its report carries the same
warnings, in the same order, as if it had computed everything itself.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from decimal import Decimal

from .._scales import CompiledScale
from .._spec import DataSet, Spec
from .._types import Period
from ..errors import Issue
from ..models import Rounding
from ..results import CategoryRef, Figure, PeriodFigure

__all__ = ["Computed", "Event", "Policy", "Shared", "shared_for"]

# A warning raised, or the realisation (indicator, period) asked for.
Event = Issue | tuple[str, Period]


@dataclass(frozen=True, slots=True)
class Computed:
    """A realisation: its figure, the number formulas use, and how it was computed."""

    figure: Figure
    number: Decimal | None  # raw number, for formulas that reference this indicator
    events: tuple[Event, ...] = ()


@dataclass(slots=True, weakref_slot=True)
class Shared:
    """Everything computed so far for one spec and data set.

    Entries are only ever added, each a pure function of its key; two threads
    computing one key at once compute the same value, and either may be kept.
    """

    realisations: dict[tuple[str, Period], Computed] = field(default_factory=dict)
    earlier: dict[tuple[str, Period], PeriodFigure] = field(default_factory=dict)
    indicator_refs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # An indicator's achievement against its own target for the period: its
    # result's, and its PeriodFigure's in the reports of later years.
    achievements: dict[tuple[str, Period], Figure] = field(default_factory=dict)
    # An indicator's earlier years, by (indicator, year).
    previous: dict[tuple[str, Period], tuple[PeriodFigure, ...]] = field(default_factory=dict)
    # Per indicator: every year of the data and of its targets, in order.
    years: dict[str, tuple[Period, ...]] = field(default_factory=dict)
    # Per indicator: rounding, grade scale, cap in force and category scale, derived once.
    policies: dict[str, Policy] = field(default_factory=dict)
    # A band of a category scale as a result's category, by (scale, band position).
    categories: dict[tuple[str, int], CategoryRef | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Policy:
    """What an indicator's achievement follows, derived from the spec once."""

    rounding: Rounding
    scale: CompiledScale | None  # its grade scale
    cap: Decimal | None  # the cap in force
    category_scale: str | None  # its own category scale, else the spec's


# Spec id -> data id -> what evaluations of that pair computed. An id is reused
# only after its object is gone, and by then its finaliser has removed the entry.
_registry: dict[int, dict[int, Shared]] = {}
_lock = threading.Lock()


def shared_for(spec: Spec, data: DataSet) -> Shared:
    """The shared computations of ``spec`` on ``data``, kept while both objects live."""
    with _lock:
        per_spec = _registry.get(id(spec))
        if per_spec is None:
            per_spec = _registry[id(spec)] = {}
            weakref.finalize(spec, _registry.pop, id(spec), None)
        found = per_spec.get(id(data))
        if found is None:
            found = per_spec[id(data)] = Shared()
            weakref.finalize(data, per_spec.pop, id(data), None)
    return found
