"""The performance tree (pohon kinerja): which node stands where, and in what colour.

:func:`build_tree` reads the cascade from the spec and the figures from the
report: each tujuan (goal), under it its own indicators and its sasaran
(objectives), under each sasaran its indicators with the official who answers
for them, and under an indicator the indicators that support it through the
spec's ``links:``. :mod:`._tree_layout` places the nodes on A4-wide drawings
and ``templates/tree.html.j2`` writes the SVG.

Where a node goes:

- An indicator named by a goal, or by an objective of a goal, has its place
  there ("homed"); it appears once under every goal or objective that names it.
- A linked child with a home of its own is not drawn again under its parent:
  the parent says "also supported by 2.3.1, …" with the child's number, so the
  tree stays near the size of the spec (the Tanah Laut tree has 55 nodes, not
  90). A linked child with no home (an eselon IV output indicator whose
  sasaran names no goal) is drawn under each parent that links it.
- What is left (indicators and objectives reached neither way) is listed
  under a last root, "outside the tree", so that nothing is silently dropped.

Every text is plain and unescaped here; the template escapes it. Characters
that XML cannot hold at all (C0 controls) are replaced, so the standalone SVG
always parses.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from .._spec import Spec
from ..i18n import LABEL_KEYS, Locale, label
from ..results import CategoryRef, EvaluationReport, IndicatorResult, RollupKind, RollupResult
from ._html_style import NEUTRAL, colour, html_percent

__all__ = ["PerformanceTree", "TreeNode", "build_tree", "xml_text"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


@dataclass(frozen=True, slots=True)
class TreeNode:
    """One box of the tree.

    ``kind`` is "goal", "objective", "indicator" or "outside"; ``state`` is
    "category" (coloured by its band), "no_figure" (grey: not computable or no
    data) or "structure" (white: a goal or objective with no roll-up rule).
    """

    number: str  # its place in the outline: "2", "2.3", "2.3.1"
    parent: str | None  # the parent's number
    kind: str
    id: str
    name: str
    depth: int
    official: str
    objective: str  # the sasaran of an indicator placed under another indicator
    figure: str  # "101,57%", or the reason there is none
    value: Decimal | None  # the rounded achievement behind ``figure``
    category: CategoryRef | None
    state: str
    fill: str  # the band's colour (#rrggbb); NEUTRAL or white otherwise
    rule: str  # how a roll-up was computed ("rata-rata"), "" for an indicator
    supported_by: tuple[str, ...] = ()  # numbers of linked children placed elsewhere


@dataclass(frozen=True, slots=True)
class PerformanceTree:
    title: str
    desc: str
    period: str  # as the reader says it: "Tahun 2022", "Triwulan III 2023"
    nodes: tuple[TreeNode, ...]  # in outline order: a parent before its children
    legend: tuple[tuple[str, str], ...]  # (fill, text)
    labels: Mapping[str, str]  # the words the drawing uses, in the locale

    def edges(self) -> tuple[tuple[str, str], ...]:
        """(parent number, child number) of every link drawn."""
        return tuple((n.parent, n.number) for n in self.nodes if n.parent is not None)


@dataclass(slots=True)
class _Draft:
    """A node while the outline is being numbered (its references come last)."""

    node: TreeNode
    elsewhere: list[str]  # ids of homed linked children


class _Builder:
    def __init__(self, spec: Spec, report: EvaluationReport, locale: Locale) -> None:
        self.spec = spec
        self.locale = locale
        self.results: dict[str, IndicatorResult] = {r.indicator: r for r in report.indicators}
        self.rollups: dict[tuple[str, str], RollupResult] = {
            (str(r.kind), r.id): r for r in report.rollups
        }
        self.year = report.period[:4]
        self.drafts: list[_Draft] = []
        self.first_place: dict[str, str] = {}
        self.homed = set[str]()
        for goal in spec.goals.values():
            self.homed.update(goal.indicators)
        for objective in spec.objectives.values():
            if objective.goal is not None:
                self.homed.update(objective.indicators)

    # ---------------------------------------------------------------- texts

    def official(self, indicator_id: str) -> str:
        owner = self.spec.indicators[indicator_id].owner
        if owner is None:
            # Else whoever signed an agreement for it in the report's year.
            for agreement in self.spec.agreements.values():
                if str(agreement.year) == self.year and any(
                    item.indicator == indicator_id for item in agreement.items
                ):
                    owner = agreement.org_unit
                    break
        if owner is None or owner not in self.spec.org_units:
            return ""
        unit = self.spec.org_units[owner]
        return unit.official or unit.name

    def objective_of(self, indicator_id: str) -> str:
        """The sasaran an agreement gives the indicator, else the first that names it."""
        for agreement in self.spec.agreements.values():
            for item in agreement.items:
                given = item.objective or ""
                if item.indicator == indicator_id and given in self.spec.objectives:
                    return self.spec.objectives[given].name
        for objective in self.spec.objectives.values():
            if indicator_id in objective.indicators:
                return objective.name
        return ""

    def look(
        self, result: IndicatorResult | RollupResult | None
    ) -> tuple[str, Decimal | None, CategoryRef | None, str, str]:
        """(figure text, value, category, state, fill); a structure node when no result."""
        if result is None:
            return "", None, None, "structure", "#ffffff"
        achievement = result.achievement
        value = achievement.rounded
        if not achievement.ok or value is None:
            return label(achievement.status.value, self.locale), None, None, "no_figure", NEUTRAL
        text = html_percent(value, self.locale)
        category = result.category
        if category is None:
            return text, value, None, "no_figure", NEUTRAL
        return text, value, category, "category", colour(category.colour) or NEUTRAL

    # ---------------------------------------------------------------- outline

    def add(
        self,
        *,
        number: str,
        parent: str | None,
        kind: str,
        id: str,
        name: str,
        depth: int,
        result: IndicatorResult | RollupResult | None = None,
        official: str = "",
        objective: str = "",
    ) -> _Draft:
        figure, value, category, state, fill = self.look(result)
        rule = ""
        if isinstance(result, RollupResult):
            key = f"rule_{result.rule}"
            rule = label(key, self.locale) if key in LABEL_KEYS else str(result.rule)
        node = TreeNode(
            number=number,
            parent=parent,
            kind=kind,
            id=id,
            name=xml_text(name),
            depth=depth,
            official=xml_text(official),
            objective=xml_text(objective),
            figure=figure,
            value=value,
            category=category,
            state=state,
            fill=fill,
            rule=rule,
        )
        draft = _Draft(node, [])
        self.drafts.append(draft)
        return draft

    def indicator(
        self,
        indicator_id: str,
        number: str,
        parent: str,
        depth: int,
        path: tuple[str, ...],
        *,
        under_indicator: bool,
    ) -> None:
        indicator = self.spec.indicators[indicator_id]
        draft = self.add(
            number=number,
            parent=parent,
            kind="indicator",
            id=indicator_id,
            name=indicator.name,
            depth=depth,
            result=self.results.get(indicator_id),
            official=self.official(indicator_id),
            objective=self.objective_of(indicator_id) if under_indicator else "",
        )
        self.first_place.setdefault(indicator_id, number)
        index = 0
        for child in self.spec.children_of(indicator_id):
            if child in self.homed:
                draft.elsewhere.append(child)
            elif child not in path and child != indicator_id:  # links form no cycle; be sure
                index += 1
                self.indicator(
                    child,
                    f"{number}.{index}",
                    number,
                    depth + 1,
                    (*path, indicator_id),
                    under_indicator=True,
                )

    def objective(self, objective_id: str, number: str, parent: str, depth: int) -> None:
        objective = self.spec.objectives[objective_id]
        self.add(
            number=number,
            parent=parent,
            kind="objective",
            id=objective_id,
            name=objective.name,
            depth=depth,
            result=self.rollups.get((str(RollupKind.OBJECTIVE), objective_id)),
        )
        for index, indicator_id in enumerate(objective.indicators, 1):
            self.indicator(
                indicator_id, f"{number}.{index}", number, depth + 1, (), under_indicator=False
            )

    def build(self) -> list[TreeNode]:
        spec = self.spec
        roots = 0
        for goal in spec.goals.values():
            roots += 1
            number = str(roots)
            self.add(
                number=number,
                parent=None,
                kind="goal",
                id=goal.id,
                name=goal.name,
                depth=0,
                result=self.rollups.get((str(RollupKind.GOAL), goal.id)),
            )
            index = 0
            for indicator_id in goal.indicators:
                index += 1
                self.indicator(
                    indicator_id, f"{number}.{index}", number, 1, (), under_indicator=False
                )
            for objective in spec.objectives.values():
                if objective.goal == goal.id:
                    index += 1
                    self.objective(objective.id, f"{number}.{index}", number, 1)
        self.outside(str(roots + 1))
        nodes = []
        for draft in self.drafts:
            places = {self.first_place[c] for c in draft.elsewhere if c in self.first_place}
            refs = tuple(sorted(places, key=_outline_key))
            nodes.append(dataclasses.replace(draft.node, supported_by=refs))
        return nodes

    def outside(self, number: str) -> None:
        """Objectives and indicators the outline has not reached, under one last root."""
        placed = set(self.first_place)
        objectives = [
            o
            for o in self.spec.objectives.values()
            if o.goal is None and any(i not in placed for i in o.indicators)
        ]
        named = {i for o in objectives for i in o.indicators}
        loose = [i for i in self.spec.indicators if i not in placed and i not in named]
        if not objectives and not loose:
            return
        self.add(
            number=number,
            parent=None,
            kind="outside",
            id="outside",
            name=label("tree_outside", self.locale),
            depth=0,
        )
        index = 0
        for objective in objectives:
            index += 1
            self.objective(objective.id, f"{number}.{index}", number, 1)
        for indicator_id in loose:
            if indicator_id not in self.first_place:  # a cascade above may have placed it
                index += 1
                self.indicator(
                    indicator_id, f"{number}.{index}", number, 1, (), under_indicator=True
                )


def _outline_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _legend(nodes: Sequence[TreeNode], locale: Locale) -> tuple[tuple[str, str], ...]:
    """One swatch per band seen (lowest band first), then grey and white if used."""
    lowest: dict[tuple[str, str], Decimal] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    for node in nodes:
        if node.category is None:
            continue
        key = (node.category.scale, node.category.label)
        value = node.value if node.value is not None else Decimal(0)
        lowest[key] = min(lowest.get(key, value), value)
        names[key] = (node.fill, node.category.name or node.category.label)
    out = [names[k] for k in sorted(lowest, key=lambda k: (k[0], lowest[k], k[1]))]
    if any(n.state == "no_figure" for n in nodes):
        out.append((NEUTRAL, label("tree_no_figure", locale)))
    if any(n.state == "structure" and n.kind != "outside" for n in nodes):
        out.append(("#ffffff", label("tree_structure", locale)))
    return tuple(out)


def _period_text(period: str, locale: Locale) -> str:
    year, _, quarter = period.partition("-")
    if quarter in ("Q1", "Q2", "Q3", "Q4"):
        return f"{label('quarter', locale)} {('I', 'II', 'III', 'IV')[int(quarter[1]) - 1]} {year}"
    return f"{label('year', locale)} {period}"


def build_tree(spec: Spec, report: EvaluationReport, locale: Locale = "id") -> PerformanceTree:
    """The performance tree of ``spec`` coloured by the figures of ``report``."""
    nodes = _Builder(spec, report, locale).build()
    keys = ("tree_goal", "tree_objective", "tree_indicator", "tree_supported_by", "official")
    labels = {key.removeprefix("tree_"): label(key, locale) for key in keys}
    labels["achievement"] = label("measure_achievement", locale)
    labels["computed"] = label("tree_computed", locale)
    labels["legend"] = label("tree_legend", locale)
    labels["continued"] = label("tree_continued", locale)
    return PerformanceTree(
        title=f"{label('tree_title', locale)} — {xml_text(report.agency or report.spec_name)}",
        desc=label("tree_desc", locale),
        period=_period_text(report.period, locale),
        nodes=tuple(nodes),
        legend=_legend(nodes, locale),
        labels=MappingProxyType(labels),
    )
