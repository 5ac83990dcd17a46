"""Where each part of a YAML document was written: paths, marks and positions."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Mark", "PathKey", "Positions", "format_path"]

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    column: int


@dataclass(slots=True)
class Positions:
    """Where each part of a document was written."""

    marks: dict[PathKey, Mark] = field(default_factory=dict)
    key_marks: dict[PathKey, Mark] = field(default_factory=dict)
    # For scalars written over several lines: (line, column, length) of each line's text.
    spans: dict[PathKey, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)


def format_path(path: PathKey) -> str:
    """``('indicators', 3, 'targets', '2022')`` -> ``indicators[3].targets.2022``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
