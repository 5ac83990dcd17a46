"""The chapter III layout, once, for every renderer: tables grouped by tujuan and sasaran.

:func:`build_chapter` turns an :class:`~sakipcalc.results.EvaluationReport`
(with the spec it came from and, optionally, a review) into the structure a
LAKIP chapter III has. It holds data, not words: the renderers put it in
their format and locale. The layout:

- Table ``iku`` (sakipcalc's "Tabel A"): the agency's key indicators (tag
  ``IKU``), grouped by tujuan and sasaran; table ``indicators`` ("Tabel B"):
  every other indicator with data, grouped the same way.
- Table ``comparison`` ("Tabel C"): earlier years with the change, progress
  to the end-of-plan target, the national standard.
- Table ``rollups`` ("Tabel D"), ``agreements`` ("Tabel E.n", one per
  official's PK), ``budget`` ("Tabel F"), ``review`` ("Tabel G").
- Indicators with no data for the period: one list (``no_data``) at the end.
- Eselon IV indicators, when a PK carries them, appear only in that PK.

A spec's ``spec.report.tables`` maps these keys to the report's own
captions (``iku: "Tabel 3.1"``); an agreement id maps that one PK table.

Where a figure comes from: a figure the report printed (a ``reported``
entry of the spec) is the agency's; every other figure sakipcalc computed
carries a :class:`Note` mark. Where one indicator or official gets two
figures (Renstra and PK targets), both are kept, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from .._spec import Spec
from ..check.review import Finding, Review
from ..models import Narrative, OrgLevel
from ..results import BudgetResult, EvaluationReport, Figure, IndicatorResult, Status
from ._chapter_model import (
    TABLE_KEYS,
    TABLE_LETTERS,
    AgreementRow,
    AgreementTable,
    Change,
    Chapter,
    ChapterRow,
    Comparison,
    GoalBlock,
    Note,
    ObjectiveBlock,
    OtherTarget,
    is_iku,
    superscript,
)

__all__ = [
    "TABLE_KEYS",
    "TABLE_LETTERS",
    "AgreementRow",
    "AgreementTable",
    "Change",
    "Chapter",
    "ChapterRow",
    "Comparison",
    "GoalBlock",
    "Note",
    "ObjectiveBlock",
    "OtherTarget",
    "build_chapter",
    "is_iku",
    "member_names",
    "superscript",
]

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class _Notes:
    """Method notes, numbered in the order the chapter first uses them."""

    def __init__(self) -> None:
        self.notes: dict[str, Note] = {}

    def mark(self, key: str, detail: str = "") -> str:
        slot = f"{key}:{detail}"
        if slot not in self.notes:
            self.notes[slot] = Note(len(self.notes) + 1, key, detail)
        return self.notes[slot].mark


def _no_data(result: IndicatorResult) -> bool:
    return result.realisation.status is Status.MISSING_DATA and not result.achievement.ok


def _change(current: Figure, past: Figure) -> tuple[Decimal | None, Decimal | None]:
    if not (current.ok and past.ok) or current.rounded is None or past.rounded is None:
        return None, None
    points = current.rounded - past.rounded
    if past.rounded == 0:
        return points, None
    percent = (points / abs(past.rounded) * _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)
    return points, percent


class _Builder:
    def __init__(self, report: EvaluationReport, spec: Spec | None, review: Review | None) -> None:
        self.report = report
        self.spec = spec
        self.review = review
        self.notes = _Notes()
        self.period = str(report.period)
        self.year = report.period.year
        self.agreements = tuple(a for a in report.agreements if a.year == self.year)
        self.names: dict[str, str] = {r.indicator: r.name for r in report.indicators}
        self.unit_names: dict[str, str] = {}
        for a in report.agreements:
            self.unit_names.setdefault(a.org_unit, a.official or a.org_unit_name)
        for r in report.rollups:
            if r.kind == "org_unit":
                self.unit_names.setdefault(r.id, r.name)
        if spec is not None:
            for unit in spec.org_units.values():
                self.unit_names[unit.id] = unit.official or unit.name
        self.printed = self._printed()
        # (agreement, indicator) -> the sasaran its PK item names
        self.item_objectives: dict[tuple[str, str], str] = {
            (a.id, item.indicator): item.objective
            for a in (spec.agreements.values() if spec is not None else ())
            for item in a.items
            if item.objective is not None
        }

    def _printed(self) -> set[tuple[str, str]]:
        """(indicator, "realisation" | "achievement") the report printed for this period."""
        printed: set[tuple[str, str]] = set()
        if self.spec is None:
            return printed
        for entry in self.spec.reported:
            if entry.indicator is None or (entry.period or self.period) != self.period:
                continue
            if entry.realisation is not None:
                printed.add((entry.indicator, "realisation"))
            if entry.achievement is not None:
                printed.add((entry.indicator, "achievement"))
        return printed

    # ------------------------------------------------------------ rows

    def findings(self, indicator: str) -> tuple[Finding, ...]:
        if self.review is None:
            return ()
        return self.review.for_indicator(indicator, self.period)

    def pk_only(self) -> set[str]:
        """Eselon IV indicators a PK of this year carries: shown only in that PK."""
        return {
            item.indicator
            for a in self.agreements
            if a.level in (OrgLevel.IV, OrgLevel.V)
            for item in a.items
        }

    def other_targets(self, result: IndicatorResult) -> tuple[OtherTarget, ...]:
        others = []
        for a in self.agreements:
            for item in a.items:
                if item.indicator == result.indicator and item.target != result.target:
                    others.append(
                        OtherTarget(
                            a.id,
                            a.official or a.org_unit_name,
                            item.target,
                            item.achievement,
                            "pk",
                        )
                    )
        return tuple(others)

    def comparison(self, result: IndicatorResult) -> Comparison:
        changes = []
        for past in result.previous:
            if not past.realisation.ok:
                continue
            points, percent = _change(result.realisation, past.realisation)
            changes.append(
                Change(
                    str(past.period),
                    past.target,
                    past.realisation,
                    past.achievement,
                    points,
                    percent,
                )
            )
        if changes:
            self.notes.mark("method_change")
        standard = None
        if self.spec is not None and result.indicator in self.spec.indicators:
            standard = self.spec.indicators[result.indicator].national_standard
        progress = result.end_target_progress
        if result.end_target is not None and progress is not None and progress.ok:
            self.notes.mark("method_progress")
        end_year = self.spec.info.plan.end if self.spec is not None else None
        return Comparison(tuple(changes), result.end_target, end_year, progress, standard)

    def narrative(self, section: str, item: str) -> Narrative | None:
        if self.spec is None:
            return None
        table: Mapping[str, object] = getattr(self.spec, section)
        model = table.get(item)
        if model is None:
            return None
        narratives: Mapping[str, Narrative] = getattr(model, "narrative", {})
        return narratives.get(self.period)

    def row(self, number: int, result: IndicatorResult, *, goal_level: bool = False) -> ChapterRow:
        realisation_mark = ""
        model = self.spec.indicators.get(result.indicator) if self.spec is not None else None
        # A realisation given as data is the agency's; one sakipcalc computed with a
        # formula is marked unless the report printed it too.
        if (
            result.realisation.ok
            and model is not None
            and model.formula is not None
            and (result.indicator, "realisation") not in self.printed
        ):
            realisation_mark = self.notes.mark("method_realisation")
        achievement_mark = ""
        if result.achievement.ok and (result.indicator, "achievement") not in self.printed:
            achievement_mark = self.notes.mark("method_achievement")
        if result.category is not None:
            self.notes.mark("method_category", self.scale_name(result.category.scale))
        others = self.other_targets(result)
        for other in others:
            if other.achievement.ok:
                self.notes.mark("method_achievement")
        return ChapterRow(
            number=number,
            result=result,
            owner=self.unit_names.get(result.owner, result.owner) if result.owner else "",
            iku=is_iku(result.tags),
            realisation_mark=realisation_mark,
            achievement_mark=achievement_mark,
            other_targets=others,
            comparison=self.comparison(result),
            narrative=self.narrative("indicators", result.indicator),
            findings=self.findings(result.indicator),
            goal_level=goal_level,
        )

    # ------------------------------------------------------------ grouping

    def structure(self) -> list[tuple[str | None, str, list[tuple[str | None, str, list[str]]]]]:
        """[(goal id, goal name, [(objective id, name, indicator ids)])], in spec order.

        An indicator sits under the sasaran its PK names, else the first sasaran
        that lists it; a tujuan's own indicators come first in its block.
        """
        placed: dict[str, str] = {}
        for a in self.agreements:
            for item in a.items:
                objective = self.item_objectives.get((a.id, item.indicator))
                if objective is not None:
                    placed.setdefault(item.indicator, objective)
        if self.spec is not None:
            objectives = [
                (o.id, o.name, o.goal, o.indicators) for o in self.spec.objectives.values()
            ]
            goals = [(g.id, g.name, g.indicators) for g in self.spec.goals.values()]
        else:
            objectives = [
                (r.id, r.name, None, r.members)
                for r in self.report.rollups
                if r.kind == "objective"
            ]
            goals = []
        for objective_id, _, _, members in objectives:
            for indicator in members:
                placed.setdefault(indicator, objective_id)
        members_of: dict[str, list[str]] = {}
        for indicator in (r.indicator for r in self.report.indicators):
            if indicator in placed:
                members_of.setdefault(placed[indicator], []).append(indicator)
        goal_own: dict[str, list[str]] = {}
        for goal_id, _, indicators in goals:
            goal_own[goal_id] = [i for i in indicators if i not in placed]
            placed.update((i, goal_id) for i in indicators if i not in placed)
        out: list[tuple[str | None, str, list[tuple[str | None, str, list[str]]]]] = []
        for goal_id, goal_name, _ in goals:
            blocks: list[tuple[str | None, str, list[str]]] = []
            if goal_own.get(goal_id):
                blocks.append((None, "", goal_own[goal_id]))
            blocks += [
                (oid, name, members_of.get(oid, []))
                for oid, name, goal, _ in objectives
                if goal == goal_id
            ]
            out.append((goal_id, goal_name, blocks))
        known_goals = {g[0] for g in goals}
        loose: list[tuple[str | None, str, list[str]]] = [
            (oid, name, members_of.get(oid, []))
            for oid, name, goal, _ in objectives
            if goal not in known_goals
        ]
        unplaced = [r.indicator for r in self.report.indicators if r.indicator not in placed]
        if unplaced:
            loose.append((None, "", unplaced))
        if loose:
            out.append((None, "", loose))
        return out

    def tables(self) -> tuple[tuple[GoalBlock, ...], tuple[GoalBlock, ...], tuple[ChapterRow, ...]]:
        results = {r.indicator: r for r in self.report.indicators}
        hidden = self.pk_only()
        numbers = {"iku": 0, "indicators": 0}
        tables: dict[str, list[GoalBlock]] = {"iku": [], "indicators": []}
        no_data: list[ChapterRow] = []
        seen: set[str] = set()
        for goal_id, goal_name, blocks in self.structure():
            per_table: dict[str, list[ObjectiveBlock]] = {"iku": [], "indicators": []}
            for objective_id, objective_name, members in blocks:
                per_rows: dict[str, list[ChapterRow]] = {"iku": [], "indicators": []}
                for indicator in members:
                    result = results.get(indicator)
                    if result is None or indicator in seen or indicator in hidden:
                        continue
                    seen.add(indicator)
                    if _no_data(result):
                        no_data.append(self.row(len(no_data) + 1, result))
                        continue
                    key = "iku" if is_iku(result.tags) else "indicators"
                    numbers[key] += 1
                    per_rows[key].append(
                        self.row(
                            numbers[key],
                            result,
                            goal_level=objective_id is None and goal_id is not None,
                        )
                    )
                narrative = (
                    self.narrative("objectives", objective_id) if objective_id is not None else None
                )
                for key, rows in per_rows.items():
                    if rows:
                        per_table[key].append(
                            ObjectiveBlock(objective_id, objective_name, tuple(rows), narrative)
                        )
            narrative = self.narrative("goals", goal_id) if goal_id is not None else None
            for key, objective_blocks in per_table.items():
                if objective_blocks:
                    tables[key].append(
                        GoalBlock(goal_id, goal_name, tuple(objective_blocks), narrative)
                    )
        return tuple(tables["iku"]), tuple(tables["indicators"]), tuple(no_data)

    def agreement_tables(self) -> tuple[AgreementTable, ...]:
        results = {r.indicator: r for r in self.report.indicators}
        units = {r.id: r for r in self.report.rollups if r.kind == "org_unit"}
        objectives = self.spec.objectives if self.spec is not None else {}
        captions = self.captions()
        tables = []
        for number, agreement in enumerate(self.report.agreements, start=1):
            rows = []
            for n, item in enumerate(agreement.items, start=1):
                result = results.get(item.indicator)
                others: tuple[OtherTarget, ...] = ()
                if result is not None and result.target != item.target:
                    others = (
                        OtherTarget(agreement.id, "", result.target, result.achievement, "renstra"),
                    )
                objective = self.item_objectives.get((agreement.id, item.indicator), "")
                objective_name = objectives[objective].name if objective in objectives else ""
                if item.achievement.ok:
                    self.notes.mark("method_achievement")
                rows.append(
                    AgreementRow(n, item, objective_name, others, self.findings(item.indicator))
                )
            unit = units.get(agreement.org_unit)
            differs = unit is not None and unit.achievement.rounded != agreement.rollup.rounded
            if agreement.rollup.ok or differs:
                self.notes.mark("method_rollup", str(self.report_rule()))
            tables.append(
                AgreementTable(
                    agreement.id,
                    number,
                    captions.get(agreement.id),
                    agreement,
                    tuple(rows),
                    unit if differs else None,
                )
            )
        return tuple(tables)

    def scale_name(self, scale: str) -> str:
        model = self.spec.scales.get(scale) if self.spec is not None else None
        return model.name if model is not None and model.name else scale

    def report_rule(self) -> str:
        return str(self.spec.info.rollup) if self.spec is not None else "mean"

    def captions(self) -> dict[str, str]:
        if self.spec is None or self.spec.info.report is None:
            return {}
        return dict(self.spec.info.report.tables)

    def build(self) -> Chapter:
        iku, indicators, no_data = self.tables()
        agreements = self.agreement_tables()
        # Eselon IV output indicators appear only in their official's PK table: a
        # roll-up of nothing else (their sasaran, a Kasubag's unit) would list them
        # again in Tabel D, as a row of "-". Without a spec nothing is PK-only.
        shown = {r.id for goal in (*iku, *indicators) for r in goal.rows}
        shown |= {r.id for r in no_data}
        rollups = tuple(
            r
            for r in self.report.rollups
            if self.spec is None or not r.members or any(m in shown for m in r.members)
        )
        for rollup in rollups:
            self.notes.mark("method_rollup", str(rollup.rule))
            if rollup.category is not None:
                self.notes.mark("method_category", self.scale_name(rollup.category.scale))
        if self.report.budget:
            self.notes.mark("method_absorption")
            scales = [
                line.efficiency_category.scale
                for line in _budget_lines(self.report.budget)
                if line.efficiency is not None and line.efficiency_category is not None
            ]
            if any(line.efficiency is not None for line in _budget_lines(self.report.budget)):
                # Efficiency is never printed in a LAKIP table: sakipcalc computes it.
                self.notes.mark("method_efficiency", self.scale_name(scales[0]) if scales else "")
        if self.report.budget_totals:
            self.notes.mark("method_total")
        names = dict(self.names)
        names.update(self.unit_names)
        return Chapter(
            report=self.report,
            iku=iku,
            indicators=indicators,
            no_data=no_data,
            agreements=agreements,
            rollups=rollups,
            names=names,
            captions=self.captions(),
            notes=tuple(self.notes.notes.values()),
            review=self.review,
            end_year=self.spec.info.plan.end if self.spec is not None else None,
            rollup_rule=self.report_rule(),
            figure_notes=dict(self.notes.notes),
        )


def _budget_lines(lines: Sequence[BudgetResult]) -> Iterator[BudgetResult]:
    for line in lines:
        yield line
        yield from _budget_lines(line.children)


def build_chapter(
    report: EvaluationReport, spec: Spec | None = None, review: Review | None = None
) -> Chapter:
    """The chapter III layout of ``report``.

    Without ``spec`` the grouping falls back to the report's own roll-ups
    (sasaran only, no tujuan), no figure counts as printed, and there are no
    narratives, national standards or table captions.
    """
    return _Builder(report, spec, review).build()


def member_names(chapter: Chapter, ids: Sequence[str]) -> tuple[str, ...]:
    """People see names, not ids."""
    return tuple(chapter.names.get(i, i) for i in ids)
