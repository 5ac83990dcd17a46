"""The inputs of a formula: what its names refer to, and the slots they become."""

from __future__ import annotations

import ast
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["NameInfo", "NameKind", "Position", "Slot", "position"]

# Where a node is in the formula: (col_offset, end_col_offset). Inputs and numbers are
# keyed by it, so a re-parse of the same text (the simpleeval tree) finds them too.
Position = tuple[int, int | None]


def position(node: ast.AST) -> Position:
    return (getattr(node, "col_offset", -1), getattr(node, "end_col_offset", None))


class NameKind(enum.Enum):
    SCALAR = "scalar variable"
    BREAKDOWN = "breakdown variable"
    INDICATOR = "indicator"


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What a name in a formula may refer to."""

    kind: NameKind
    categories: tuple[str, ...] = ()
    subsets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class Slot:
    """One input of a formula: a name, or a sum over some of its categories."""

    name: str
    categories: tuple[str, ...] | None  # None: a scalar or an indicator
    text: str  # how it is written in the formula, for traces

    @property
    def is_sum(self) -> bool:
        return self.categories is not None
