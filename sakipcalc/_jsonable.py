"""Results as plain JSON data (Decimals as exact strings, enums as their values).

A leaf below ``check`` and the renderers: both turn results into JSON, and
``check`` must not import the renderers to do it. :mod:`sakipcalc.render`
re-exports :func:`to_jsonable`.
"""

from __future__ import annotations

import dataclasses
import enum
from decimal import Decimal
from typing import Any

from .i18n import MAX_PLAIN_DIGITS, plain_digits
from .models import Baseline, TargetSpec
from .results import IndicatorResult, target_text

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Results as plain JSON data: Decimals become strings, enums their values.

    A Decimal is written positionally (``"41.42"``), or in exact scientific
    form (``"1E+960000"``) past :data:`~sakipcalc.i18n.MAX_PLAIN_DIGITS` digits.

    An indicator's ``children`` (cascading) become the list of their ids.
    """
    if isinstance(value, Decimal):
        # Exact either way; past the limit the positional form would be megabytes.
        return format(value, "f") if plain_digits(value) <= MAX_PLAIN_DIGITS else str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (TargetSpec, Baseline)):
        return target_text(value)  # as declared: "25", "BB", "80–90", "29.17 (2018)"
    if isinstance(value, IndicatorResult):
        # Children are listed by id: each child's full result is in the report's
        # indicator list already, and nesting them would repeat a shared child
        # under every parent (exponentially, for a deep cascade).
        out = {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "children"
        }
        out["children"] = [child.indicator for child in value.children]
        return out
    if hasattr(value, "as_dict"):
        return to_jsonable(value.as_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value
