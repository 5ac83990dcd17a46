"""The limits of :mod:`sakipcalc.limits`, checked first: a spec over one is refused early.

Text of any length, tens of thousands of formulas or categories would each make
some later step slow (a cycle search, a table, a generated data set); checking
the counts and lengths here, in one linear pass over the draft, lets
:func:`~sakipcalc.validation.check` stop before any of that work starts.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from .._source import PathKey
from .._spec import Origin, error
from ..errors import Issue
from ..limits import (
    LONG_TEXT_FIELDS,
    MAX_CATEGORIES,
    MAX_FORMULAS,
    MAX_LINKS,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    Limits,
)
from ..models import Breakdown, Indicator, Variable
from .draft import Draft

# Fields with limits of their own, checked where they are compiled.
_OWN_LIMITS = frozenset({"formula", "expr"})


def check_limits(draft: Draft, limits: Limits) -> list[Issue]:
    """One issue per text over its length, and per count over its limit."""
    issues: list[Issue] = []
    for item, origin in _items(draft):
        issues += _text_lengths(item, origin, ())
        if isinstance(item, Breakdown) and len(item.categories) > MAX_CATEGORIES:
            issues.append(_too_many_categories(origin, len(item.categories)))
        if (
            isinstance(item, Variable)
            and item.categories is not None
            and len(item.categories) > MAX_CATEGORIES
        ):
            issues.append(_too_many_categories(origin, len(item.categories)))
    issues += _counts(draft, limits)
    return issues


def _items(draft: Draft) -> Iterator[tuple[BaseModel, Origin]]:
    merged = draft.merged
    if merged.info is not None:
        yield merged.info
    for entries in merged.sections.values():
        for item, origin in entries.values():
            if isinstance(item, BaseModel):
                yield item, origin
    for group in (merged.links, merged.budgets, merged.reported):
        yield from group


def _text_lengths(model: BaseModel, origin: Origin, at: PathKey) -> list[Issue]:
    issues: list[Issue] = []
    for name in type(model).model_fields:
        if name in _OWN_LIMITS:
            continue
        issues += _value_length(getattr(model, name), name, origin, (*at, name))
    return issues


def _value_length(value: object, name: str, origin: Origin, at: PathKey) -> list[Issue]:
    if isinstance(value, str):
        limit = MAX_TEXT_LENGTH if name in LONG_TEXT_FIELDS else MAX_NAME_LENGTH
        if len(value) <= limit:
            return []
        return [
            error(
                "too-long",
                f"'{name}' is {len(value):,} characters long; the limit is {limit:,}",
                origin,
                *at,
                hint="shorten it, or move long text to a description"
                if limit == MAX_NAME_LENGTH and name not in LONG_TEXT_FIELDS
                else "shorten it",
            )
        ]
    if isinstance(value, BaseModel):
        return _text_lengths(value, origin, at)
    if isinstance(value, tuple):
        issues: list[Issue] = []
        for index, part in enumerate(value):
            issues += _value_length(part, name, origin, (*at, index))
        return issues
    return []


def _too_many_categories(origin: Origin, count: int) -> Issue:
    return error(
        "too-many-categories",
        f"{count:,} categories; a breakdown may have at most {MAX_CATEGORIES:,}",
        origin,
        "categories",
    )


def _counts(draft: Draft, limits: Limits) -> list[Issue]:
    issues: list[Issue] = []
    max_formulas = MAX_FORMULAS if limits.max_formulas is None else limits.max_formulas
    max_links = MAX_LINKS if limits.max_links is None else limits.max_links
    formulas: list[Origin] = [
        draft.origin("indicators", key)
        for key, indicator in draft.indicators.items()
        if isinstance(indicator, Indicator) and indicator.formula is not None
    ]
    formulas += [origin for reported, origin in draft.reported if reported.expr is not None]
    if len(formulas) > max_formulas:
        issues.append(
            error(
                "too-many-formulas",
                f"{len(formulas):,} formulas (indicators' formulas and reported expressions); "
                f"a spec may have at most {max_formulas:,}; this is formula {max_formulas + 1:,}",
                formulas[max_formulas],
            )
        )
    if len(draft.links) > max_links:
        issues.append(
            error(
                "too-many-links",
                f"{len(draft.links):,} links; a spec may have at most {max_links:,}; "
                f"this is link {max_links + 1:,}",
                draft.links[max_links][1],
            )
        )
    return issues


__all__ = ["check_limits"]
