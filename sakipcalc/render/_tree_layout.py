"""Where the performance tree's boxes go: an indented outline, A4 wide.

A cascade of five levels and long Indonesian names does not fit across a
portrait A4 page as a classic top-down tree (its bottom row would hold ~40
boxes of 15 px each). An indented outline does: every box is as wide as the
page less its indent, the names wrap on up to four lines, and each tujuan is
a drawing of its own, so a printed report breaks pages between tujuan rather
than through a box. Elbow connectors run down the parent's left edge to each
child.

Boxes are tinted with their band's colour (a strip of the full colour on the
left), so black text stays legible and the colour survives a greyscale print
as a darker strip; the band's name is written in the box as well.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from ._chart_geometry import fit, text_width
from ._svg import Close, Line, Open, Rect, Shape, Text
from ._tree import PerformanceTree, TreeNode

__all__ = ["PAGE_HEIGHT", "WIDTH", "TreeDrawing", "TreeLayout", "layout_tree"]

WIDTH = 680  # px: A4 portrait less 15 mm margins is ~680 CSS px
# The most one drawing may hold: an A4 page's printable height (267 mm, 1009 CSS px)
# at the scale the report prints a 680 px drawing (703/680), less room for spacing.
PAGE_HEIGHT = 900.0
_MARGIN = 4.0
_INDENT = 22.0
_PAD = 6.0
_STRIP = 6.0
_GAP = 6.0
_NAME_SIZE, _NAME_LEAD, _NAME_LINES = 11, 14.0, 4
_SMALL_SIZE, _SMALL_LEAD, _SMALL_LINES = 9, 12.0, 2
_BORDER = "#59636e"
_INK = "#1b1f24"
_MUTED = "#3d4650"


@dataclass(frozen=True, slots=True)
class TreeDrawing:
    """One SVG: a tujuan with everything under it, or the legend."""

    id: str
    title: str
    width: int
    height: float
    shapes: tuple[Shape, ...]


@dataclass(frozen=True, slots=True)
class TreeLayout:
    tree: PerformanceTree
    legend: TreeDrawing
    sections: tuple[TreeDrawing, ...]

    def stacked(self, top: float) -> tuple[tuple[float, TreeDrawing], ...]:
        """The legend and the sections one below the other from ``top``, with their offsets."""
        out: list[tuple[float, TreeDrawing]] = []
        for drawing in (self.legend, *self.sections):
            out.append((top, drawing))
            top += drawing.height + _GAP
        return tuple(out)

    def height(self, top: float) -> float:
        """The height of the standalone SVG whose drawings start at ``top``."""
        offset, last = self.stacked(top)[-1]
        return offset + last.height


def wrap(text: str, width: float, size: float, max_lines: int, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width``.

    A word wider than a line is cut with an ellipsis (never broken inside a
    word); so is the last line when the text needs more than ``max_lines``.
    """
    words = text.split()
    lines: list[str] = []
    index = 0
    while index < len(words) and max_lines > 0:
        if len(lines) == max_lines - 1:
            lines.append(fit(" ".join(words[index:]), width, size, bold))
            break
        line = words[index]
        index += 1
        if text_width(line, size, bold) > width:
            lines.append(fit(line, width, size, bold))
            continue
        while index < len(words) and text_width(f"{line} {words[index]}", size, bold) <= width:
            line = f"{line} {words[index]}"
            index += 1
        lines.append(line)
    return lines


def tint(fill: str, share: float = 0.72) -> str:
    """``fill`` (#rrggbb) mixed with white, ``share`` of it white."""
    channels = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in channels)


def _kind_label(node: TreeNode, tree: PerformanceTree) -> str:
    if node.kind == "outside":
        return ""
    word = tree.labels[node.kind]
    return f"{word} {node.number}"


def _detail(node: TreeNode, tree: PerformanceTree) -> str:
    """The figure line: who answers for it, the achievement and its band."""
    parts: list[str] = []
    if node.official:
        parts.append(node.official)
    if node.category is not None:
        band = node.category.name or node.category.label
        parts.append(f"{tree.labels['achievement']} {node.figure} · {band}")
    elif node.figure:
        parts.append(
            f"{tree.labels['achievement']} {node.figure}" if node.value is not None else node.figure
        )
    if node.rule and node.value is not None:
        parts.append(f"{node.rule}, {tree.labels['computed']}")
    return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class _Box:
    node: TreeNode
    x: float
    y: float
    height: float
    shapes: tuple[Shape, ...]


def _box(node: TreeNode, tree: PerformanceTree, depth: int, y: float) -> _Box:
    x = _MARGIN + depth * _INDENT
    width = WIDTH - _MARGIN - x
    text_x = x + _STRIP + _PAD
    inner = width - _STRIP - 2 * _PAD
    texts: list[Shape] = []
    top = y + _PAD  # the top of the next line
    kind = _kind_label(node, tree)
    if kind:
        texts.append(Text(text_x, top + 9, kind, size=_SMALL_SIZE, fill=_MUTED, weight="bold"))
        top += _SMALL_LEAD + 1
    bold = "bold" if node.kind in ("goal", "outside") else ""
    for line in wrap(node.name, inner, _NAME_SIZE, _NAME_LINES, bool(bold)):
        texts.append(Text(text_x, top + 11, line, size=_NAME_SIZE, fill=_INK, weight=bold))
        top += _NAME_LEAD
    small: list[str] = []
    if node.objective:
        objective = f"{tree.labels['objective']}: {node.objective}"
        small += wrap(objective, inner, _SMALL_SIZE, _SMALL_LINES)
    detail = _detail(node, tree)
    small += wrap(detail, inner, _SMALL_SIZE, _SMALL_LINES)
    if node.supported_by:
        refs = f"{tree.labels['supported_by']}: {', '.join(node.supported_by)}"
        small += wrap(refs, inner, _SMALL_SIZE, _SMALL_LINES)
    for line in small:
        texts.append(Text(text_x, top + 10, line, size=_SMALL_SIZE, fill=_MUTED))
        top += _SMALL_LEAD
    height = top - y + _PAD
    tooltip = " — ".join(p for p in (f"{kind} {node.name}".strip(), detail) if p)
    shapes: list[Shape] = [Open(tooltip, f"tree-node {node.kind} {node.state}")]
    if node.state == "structure":
        shapes.append(Rect(x, y, width, height, "#ffffff", _BORDER))
    else:
        shapes.append(Rect(x, y, width, height, tint(node.fill), _BORDER))
        shapes.append(Rect(x, y, _STRIP, height, node.fill, _BORDER))
    shapes.extend(texts)
    shapes.append(Close())
    return _Box(node, x, y, height, tuple(shapes))


def _section(nodes: Sequence[TreeNode], tree: PerformanceTree, index: int) -> TreeDrawing:
    root_depth = nodes[0].depth
    boxes: dict[str, _Box] = {}
    shapes: list[Shape] = []
    edges: list[Shape] = []
    y = _MARGIN
    for node in nodes:
        box = _box(node, tree, node.depth - root_depth, y)
        boxes[node.number] = box
        shapes.extend(box.shapes)
        parent = boxes.get(node.parent or "")
        if parent is not None:
            elbow_x = parent.x + _STRIP + _INDENT / 2
            middle = box.y + 11
            edges.append(Line(elbow_x, parent.y + parent.height, elbow_x, middle, _BORDER))
            edges.append(Line(elbow_x, middle, box.x, middle, _BORDER))
        y += box.height + _GAP
    root = nodes[0]
    return TreeDrawing(
        id=f"tree-{index}",
        title=f"{_kind_label(root, tree)} {root.name}".strip(),
        width=WIDTH,
        height=y - _GAP + _MARGIN,
        shapes=(*edges, *shapes),  # connectors under the boxes
    )


def _legend(tree: PerformanceTree) -> TreeDrawing:
    shapes: list[Shape] = [
        Text(_MARGIN, 14, tree.labels["legend"], size=10, fill=_INK, weight="bold"),
    ]
    x, y = _MARGIN, 32.0
    for fill, text in tree.legend:
        item = 14 + 5 + text_width(text, 10) + 16
        if x > _MARGIN and x + item > WIDTH:
            x, y = _MARGIN, y + 18
        shapes.append(Rect(x, y - 10, 14, 12, fill, _BORDER))
        shapes.append(Text(x + 19, y, fit(text, WIDTH - x - 24, 10), size=10, fill=_INK))
        x += item
    return TreeDrawing("tree-legend", tree.labels["legend"], WIDTH, y + 8, tuple(shapes))


def _pages(nodes: Sequence[TreeNode], tree: PerformanceTree) -> list[list[TreeNode]]:
    """A root's nodes cut into drawings of at most a page, between the root's children.

    Each drawing after the first opens with the root again, marked as continued.
    A child's subtree is never cut; one taller than a page gets a drawing of its own.
    """
    root = nodes[0]
    units: list[list[TreeNode]] = []
    for node in nodes[1:]:
        if node.parent == root.number:
            units.append([])
        units[-1].append(node)

    def height(part: Sequence[TreeNode]) -> float:
        return sum(_box(n, tree, n.depth - root.depth, 0).height + _GAP for n in part)

    continued = dataclasses.replace(root, name=f"{root.name} ({tree.labels['continued']})")
    pages: list[list[TreeNode]] = [[root]]
    used = height([root])
    for unit in units:
        size = height(unit)
        if len(pages[-1]) > 1 and used + size > PAGE_HEIGHT:
            pages.append([continued])
            used = height([continued])
        pages[-1].extend(unit)
        used += size
    return pages


def layout_tree(tree: PerformanceTree) -> TreeLayout:
    """The legend and the drawings of ``tree``: each root on its own, a page at most."""
    roots: list[list[TreeNode]] = []
    for node in tree.nodes:
        if node.parent is None:
            roots.append([])
        roots[-1].append(node)
    pages = [page for nodes in roots for page in _pages(nodes, tree)]
    return TreeLayout(
        tree,
        _legend(tree),
        tuple(_section(nodes, tree, i) for i, nodes in enumerate(pages, 1)),
    )
