"""The shapes a chart is made of, as data; ``templates/svg.html.j2`` draws them.

A chart builder lists shapes with pixel coordinates (floats) and plain,
unescaped text; the template's macros write the SVG, with Jinja's
autoescaping covering every text and attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = ["Chart", "Circle", "Close", "Line", "Open", "Polyline", "Rect", "Shape", "Text"]


@dataclass(frozen=True, slots=True)
class Text:
    kind: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: int = 11
    fill: str = ""
    weight: str = ""


@dataclass(frozen=True, slots=True)
class Rect:
    kind: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""  # an outline (the performance tree's boxes); none when empty

    def __post_init__(self) -> None:
        # A bar of negative length is drawn as none.
        object.__setattr__(self, "width", max(self.width, 0.0))
        object.__setattr__(self, "height", max(self.height, 0.0))


@dataclass(frozen=True, slots=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dash: str = ""


@dataclass(frozen=True, slots=True)
class Polyline:
    kind: ClassVar[str] = "polyline"
    points: tuple[tuple[float, float], ...]
    stroke: str
    dash: str = ""


@dataclass(frozen=True, slots=True)
class Circle:
    kind: ClassVar[str] = "circle"
    x: float
    y: float
    radius: float
    fill: str


@dataclass(frozen=True, slots=True)
class Open:
    """The start of a group (``<g>``) with its tooltip; :class:`Close` ends it."""

    kind: ClassVar[str] = "open"
    title: str
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Close:
    kind: ClassVar[str] = "close"


Shape = Text | Rect | Line | Polyline | Circle | Open | Close


@dataclass(frozen=True, slots=True)
class Chart:
    """One figure of the report: the drawing, and the same data as a table."""

    id: str
    number: int
    title: str
    desc: str
    width: int
    height: float
    shapes: tuple[Shape, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    skipped: tuple[str, ...] = ()
