"""Reconciliation (reviu): recompute every reported figure and list what disagrees.

Nothing here knows any particular report. Every discrepancy comes from
comparing a figure *as printed* (a ``reported:`` entry, a declared budget
total, a target in one table) with what the spec's own definitions and data
give under its declared rounding.

A printed figure that disagrees under the declared rounding but agrees
under another rounding mode is reported as *ambiguous* (for example, a
figure that looks truncated where the report declares half-up), never
silently accepted.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ._jsonable import to_jsonable
from ._scales import CompiledScale
from ._spec import Spec, budget_lines, line_totals
from .engine import _Evaluator, achievement
from .formula import CompiledFormula, compile_formula
from .models import AchievementFrom, BudgetLine, Reported, Rounding, RoundingMode, TargetSpec
from .results import Figure, Status
from .rounding import DECIMAL_CONTEXT, round_value

__all__ = ["CheckResult", "Discrepancy", "check", "render_check_json", "render_check_table"]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """A figure that does not reconcile."""

    kind: str  # figure | ambiguous-rounding | total | target | not-checkable
    subject: str  # indicator id, budget line id, or the expression
    what: str  # realisation | achievement | target | value | ceiling | spent | absorption
    period: str | None
    source: str  # where it is printed
    reported: str
    recomputed: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    checked: int  # figures compared
    consistent: int
    discrepancies: tuple[Discrepancy, ...] = field(default_factory=tuple)


def _fmt(value: Decimal | str | None) -> str:
    if value is None:
        return "—"
    return format(value, "f") if isinstance(value, Decimal) else value


def _places_of(printed: Decimal) -> int:
    exponent = printed.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class _Checker:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.evaluator = _Evaluator(spec, spec.data)
        self.found: list[Discrepancy] = []
        self.checked = 0
        self.consistent = 0
        # printed targets of (indicator, period) that have no plan target
        self.unplanned: dict[tuple[str, str], list[tuple[str, TargetSpec]]] = {}

    def compare_number(
        self,
        raw: Decimal,
        printed: Decimal,
        rounding: Rounding,
        *,
        places: int | None,
        subject: str,
        what: str,
        period: str | None,
        source: str,
        note: str = "",
        recompute: Callable[[RoundingMode], Decimal | None] | None = None,
    ) -> bool:
        """Compare a printed figure with a raw recomputed one, under the declared rounding.

        ``recompute(mode)`` redoes the whole computation under another rounding
        mode (needed when intermediate figures are rounded too, as a
        realisation is before its achievement); by default only the final
        rounding changes.
        """
        self.checked += 1
        digits = rounding.places if places is None else places

        def under(mode: RoundingMode) -> Decimal | None:
            if recompute is not None:
                return recompute(mode)
            return round_value(raw, digits, mode)

        expected = under(rounding.mode)
        if expected == printed:
            self.consistent += 1
            return True
        others = [
            mode for mode in RoundingMode if mode is not rounding.mode and under(mode) == printed
        ]
        if others:
            self.found.append(
                Discrepancy(
                    "ambiguous-rounding",
                    subject,
                    what,
                    period,
                    source,
                    _fmt(printed),
                    _fmt(expected),
                    f"matches {', '.join(m.value for m in others)} rounding, not the declared "
                    f"{rounding.mode.value}" + (f"; {note}" if note else ""),
                )
            )
            return False
        self.found.append(
            Discrepancy(
                "figure", subject, what, period, source, _fmt(printed), _fmt(expected), note
            )
        )
        return False

    # ------------------------------------------------------------ reported

    def reported(self, item: Reported) -> None:
        if item.indicator is not None:
            self._reported_indicator(item)
        elif item.expr is not None:
            self._reported_expr(item)
        elif item.budget_line is not None:
            self._reported_budget(item)
        elif item.budget_lines is not None:
            self._reported_budget_lines(item)
        elif item.budget_year is not None:
            self._reported_budget_year(item)

    def _reported_indicator(self, item: Reported) -> None:
        assert item.indicator is not None and item.period is not None
        indicator = self.spec.indicators[item.indicator]
        rounding = self.evaluator.rounding(indicator)
        period = item.period
        spec_target = indicator.targets.get(period)
        compared_with = "the plan's (Renstra) target"
        if item.agreement is not None:
            # An official's own table is held to the target that official signed.
            agreement = self.spec.agreements[item.agreement]
            signed = next(
                (i.target for i in agreement.items if i.indicator == item.indicator), None
            )
            if signed is not None:
                spec_target = signed
                compared_with = f"the target signed in '{item.agreement}'"
        if item.target is not None and spec_target is None:
            # Nothing in the plan to hold it to: compared with the other printed tables.
            self.unplanned.setdefault((item.indicator, period), []).append(
                (item.source, item.target)
            )
        elif item.target is not None and spec_target is not None:
            self.checked += 1
            if not _same_target(spec_target, item.target, self._scale(item.indicator)):
                self.found.append(
                    Discrepancy(
                        "target",
                        item.indicator,
                        "target",
                        period,
                        item.source,
                        item.target.describe(),
                        spec_target.describe(),
                        f"the printed target differs from {compared_with}",
                    )
                )
            else:
                self.consistent += 1
        real = self.evaluator.realisation(item.indicator, period).figure
        if item.realisation is not None:
            self._compare_realisation(item, real, rounding)
        if item.achievement is not None:
            target = item.target or spec_target
            self._compare_achievement(item, target, real, rounding)

    def _compare_realisation(self, item: Reported, real: Figure, rounding: Rounding) -> None:
        assert item.realisation is not None and item.indicator is not None
        printed = item.realisation
        if not real.ok:
            self._not_checkable(item, "realisation", printed.describe(), real)
            return
        if printed.grade is not None or real.raw is None:
            self.checked += 1
            if printed.grade == real.grade:
                self.consistent += 1
            else:
                self.found.append(
                    Discrepancy(
                        "figure",
                        item.indicator,
                        "realisation",
                        item.period,
                        item.source,
                        printed.describe(),
                        real.grade or _fmt(real.rounded),
                    )
                )
            return
        assert printed.value is not None
        self.compare_number(
            real.raw,
            printed.value,
            rounding,
            places=item.places,
            subject=item.indicator,
            what="realisation",
            period=item.period,
            source=item.source,
            note=real.trace,
        )

    def _compare_achievement(
        self, item: Reported, target: TargetSpec | None, real: Figure, rounding: Rounding
    ) -> None:
        assert item.achievement is not None and item.indicator is not None
        indicator = self.spec.indicators[item.indicator]
        scale = self.spec.compiled_scales.get(indicator.scale) if indicator.scale else None
        cap = indicator.cap if indicator.cap is not None else self.spec.info.cap
        ach = achievement(indicator, target, real, rounding, scale, cap, period=item.period or "")
        if not ach.ok or ach.raw is None:
            self._not_checkable(item, "achievement", _fmt(item.achievement), ach)
            return
        note = ach.trace

        def under(mode: RoundingMode) -> Decimal | None:
            alt = Rounding(
                places=rounding.places, mode=mode, achievement_from=rounding.achievement_from
            )
            alt_real = real
            if real.raw is not None:
                alt_real = Figure(
                    Status.OK,
                    raw=real.raw,
                    rounded=round_value(real.raw, alt.places, mode),
                    grade=real.grade,
                )
            alt_ach = achievement(indicator, target, alt_real, alt, scale, cap)
            if alt_ach.raw is None:
                return None
            return round_value(
                alt_ach.raw, rounding.places if item.places is None else item.places, mode
            )

        # When the printed realisation differs, say whether the printed achievement
        # at least follows from the printed realisation (an internally consistent row).
        if (
            item.realisation is not None
            and item.realisation.value is not None
            and real.raw is not None
            and rounding.achievement_from is AchievementFrom.ROUNDED
        ):
            printed_real = Figure(
                Status.OK, raw=item.realisation.value, rounded=item.realisation.value
            )
            from_printed = achievement(indicator, target, printed_real, rounding, scale, cap)
            if (
                from_printed.rounded is not None
                and from_printed.rounded == item.achievement != ach.rounded
            ):
                note += f"; it follows from the printed realisation {item.realisation.describe()}"
        self.compare_number(
            ach.raw,
            item.achievement,
            rounding,
            places=item.places,
            subject=item.indicator,
            what="achievement",
            period=item.period,
            source=item.source,
            note=note,
            recompute=under,
        )

    def _not_checkable(self, item: Reported, what: str, printed: str, figure: Figure) -> None:
        self.checked += 1
        self.found.append(
            Discrepancy(
                "not-checkable",
                item.indicator or item.expr or item.budget_line or "?",
                what,
                item.period,
                item.source,
                printed,
                "n/a",
                figure.reason or figure.status.value,
            )
        )

    def _reported_expr(self, item: Reported) -> None:
        assert item.expr is not None and item.period is not None and item.value is not None
        compiled = compile_formula(item.expr, self.spec.names)
        assert isinstance(compiled, CompiledFormula)  # checked at load
        rounding = self.spec.info.rounding
        figure = self.evaluator.formula_figure(compiled, item.period, rounding)
        if not figure.ok or figure.raw is None:
            self._not_checkable(item, "value", _fmt(item.value), figure)
            return
        self.compare_number(
            figure.raw,
            item.value,
            rounding,
            places=item.places if item.places is not None else _places_of(item.value),
            subject=item.expr,
            what="value",
            period=item.period,
            source=item.source,
            note=figure.trace,
        )

    def _reported_budget(self, item: Reported) -> None:
        assert item.budget_line is not None
        found = self._budget_line(item.budget_line, item.period)
        if found is None:
            self.checked += 1
            self.found.append(
                Discrepancy(
                    "not-checkable",
                    item.budget_line,
                    "budget",
                    item.period,
                    item.source,
                    "",
                    "n/a",
                    f"no budget line '{item.budget_line}'",
                )
            )
            return
        ceiling, spent = found
        self._compare_amounts(item, item.budget_line, ceiling, spent)

    def _reported_budget_lines(self, item: Reported) -> None:
        assert item.budget_lines is not None
        subject = " + ".join(item.budget_lines)
        ceiling = spent = Decimal(0)
        for line_id in item.budget_lines:
            found = self._budget_line(line_id, item.period)
            if found is None:
                self.checked += 1
                self.found.append(
                    Discrepancy(
                        "not-checkable",
                        subject,
                        "budget",
                        item.period,
                        item.source,
                        "",
                        "n/a",
                        f"no budget line '{line_id}'",
                    )
                )
                return
            ceiling += found[0]
            spent += found[1]
        self._compare_amounts(item, subject, ceiling, spent)

    def _reported_budget_year(self, item: Reported) -> None:
        assert item.budget_year is not None
        budgets = [b for b in self.spec.budgets if b.year == item.budget_year]
        subject = f"budget {item.budget_year}"
        if not budgets:
            self.checked += 1
            self.found.append(
                Discrepancy(
                    "not-checkable",
                    subject,
                    "budget",
                    str(item.budget_year),
                    item.source,
                    "",
                    "n/a",
                    f"the spec has no budget for {item.budget_year}",
                )
            )
            return
        totals = [line_totals(p) for b in budgets for p in b.programs]
        ceiling = sum((t[0] for t in totals), Decimal(0))
        spent = sum((t[1] for t in totals), Decimal(0))
        self._compare_amounts(item, subject, ceiling, spent)

    def _compare_amounts(
        self, item: Reported, subject: str, ceiling: Decimal, spent: Decimal
    ) -> None:
        rounding = self.spec.info.rounding
        for what, printed, actual in (
            ("ceiling", item.ceiling, ceiling),
            ("spent", item.spent, spent),
        ):
            if printed is not None:
                self.compare_exact(
                    "figure",
                    subject,
                    what,
                    item.period,
                    item.source,
                    printed,
                    actual,
                    f"differs by {_fmt(printed - actual)}",
                )
        if item.absorption is not None:
            if ceiling == 0:
                self._not_checkable(
                    item, "absorption", _fmt(item.absorption), Figure.not_computable("zero ceiling")
                )
                return
            raw = spent / ceiling * 100
            self.compare_number(
                raw,
                item.absorption,
                rounding,
                places=item.places,
                subject=subject,
                what="absorption",
                period=item.period,
                source=item.source,
                note=f"{spent} / {ceiling} × 100",
            )

    def _budget_line(self, line_id: str, period: str | None) -> tuple[Decimal, Decimal] | None:
        for budget in self.spec.budgets:
            if period is not None and str(budget.year) != period[:4]:
                continue
            found = _find_line(budget.programs, line_id)
            if found is not None:
                return line_totals(found)
        return None

    # --------------------------------------------------------------- totals

    def budget_totals(self) -> None:
        for budget in self.spec.budgets:
            source = budget.source or f"budget {budget.year}"
            year = str(budget.year)
            for line in budget_lines(budget.programs):
                if not line.children:
                    continue
                ceiling, spent = line_totals(line)
                for what, declared, computed in (
                    ("ceiling", line.ceiling, ceiling),
                    ("spent", line.spent, spent),
                ):
                    if declared is not None:
                        self.compare_exact(
                            "total",
                            line.id,
                            what,
                            year,
                            source,
                            declared,
                            computed,
                            "the declared total is not the sum of its parts",
                        )
            totals = [line_totals(p) for p in budget.programs]
            for what, declared, index in (
                ("ceiling", budget.ceiling, 0),
                ("spent", budget.spent, 1),
            ):
                if declared is not None:
                    self.compare_exact(
                        "total",
                        f"budget {year}",
                        what,
                        year,
                        source,
                        declared,
                        sum((t[index] for t in totals), Decimal(0)),
                        "the declared total is not the sum of its programs",
                    )

    def compare_exact(
        self,
        kind: str,
        subject: str,
        what: str,
        period: str | None,
        source: str,
        printed: Decimal,
        actual: Decimal,
        note: str,
    ) -> None:
        """Amounts (Rupiah, counts) compare exactly: no rounding policy applies to them."""
        self.checked += 1
        if printed == actual:
            self.consistent += 1
        else:
            self.found.append(
                Discrepancy(kind, subject, what, period, source, _fmt(printed), _fmt(actual), note)
            )

    # -------------------------------------------------------------- targets

    def _scale(self, indicator_id: str) -> CompiledScale | None:
        scale_id = self.spec.indicators[indicator_id].scale
        return self.spec.compiled_scales.get(scale_id) if scale_id else None

    def targets_across_tables(self) -> None:
        """Each indicator whose target for a year differs between the report's tables."""
        for agreement in self.spec.agreements.values():
            year = str(agreement.year)
            source = agreement.source or f"agreement {agreement.id}"
            for item in agreement.items:
                plan_target = self.spec.indicators[item.indicator].targets.get(year)
                if plan_target is None:
                    self.unplanned.setdefault((item.indicator, year), []).append(
                        (source, item.target)
                    )
                    continue
                self.checked += 1
                if _same_target(plan_target, item.target, self._scale(item.indicator)):
                    self.consistent += 1
                    continue
                self.found.append(
                    Discrepancy(
                        "target",
                        item.indicator,
                        "target",
                        year,
                        source,
                        item.target.describe(),
                        plan_target.describe(),
                        f"Perjanjian Kinerja '{agreement.id}' targets {item.target.describe()}; "
                        f"the plan (Renstra) targets {plan_target.describe()}",
                    )
                )
        # Targets printed only in tables (no plan target): compared with the first one.
        for (indicator_id, period), printed in self.unplanned.items():
            (first_source, first), *others = printed
            for source, target in others:
                self.checked += 1
                if _same_target(first, target, self._scale(indicator_id)):
                    self.consistent += 1
                    continue
                self.found.append(
                    Discrepancy(
                        "target",
                        indicator_id,
                        "target",
                        period,
                        source,
                        target.describe(),
                        first.describe(),
                        f"the plan has no target for {period}; {first_source} prints "
                        f"{first.describe()}",
                    )
                )


def _same_target(a: TargetSpec, b: TargetSpec, scale: CompiledScale | None = None) -> bool:
    """Equal targets; on a grade scale a score and a grade are equal when the score's
    band is that grade (a score target of 80 is BB on the AKIP scale)."""
    if a.value is not None and b.value is not None:
        return a.value == b.value  # Decimal equality: 25 == 25.00
    if a.range is not None and b.range is not None:
        return a.range.min == b.range.min and a.range.max == b.range.max
    if scale is not None:
        return _grade_of(a, scale) is not None and _grade_of(a, scale) == _grade_of(b, scale)
    return a.grade == b.grade and a.value == b.value and a.range == b.range


def _grade_of(target: TargetSpec, scale: CompiledScale) -> str | None:
    if target.grade is not None:
        return target.grade
    if target.value is not None:
        band = scale.band_for(target.value)
        return band.band.label if band is not None else None
    return None


def _find_line(lines: Sequence[BudgetLine], line_id: str) -> BudgetLine | None:
    return next((line for line in budget_lines(lines) if line.id == line_id), None)


def check(spec: Spec) -> CheckResult:
    """Recompute every reported figure, total and cross-table target of ``spec``."""
    with decimal.localcontext(DECIMAL_CONTEXT):
        checker = _Checker(spec)
        for item in spec.reported:
            checker.reported(item)
        checker.budget_totals()
        checker.targets_across_tables()
    return CheckResult(checker.checked, checker.consistent, tuple(checker.found))


def render_check_table(result: CheckResult) -> str:
    """One block per discrepancy: long expressions and sources stay readable."""
    lines = [
        f"Checked {result.checked} figures: {result.consistent} consistent, "
        f"{len(result.discrepancies)} discrepancies."
    ]
    for d in result.discrepancies:
        period = f" {d.period}" if d.period else ""
        lines += [
            "",
            f"{d.kind}: {d.subject} — {d.what}{period}",
            f"  source:     {d.source}",
            f"  reported:   {d.reported}",
            # A target is compared with another table's, not recomputed.
            f"  {'against:   ' if d.kind == 'target' else 'recomputed:'} {d.recomputed}",
        ]
        if d.note:
            lines.append(f"  note:       {d.note}")
    return "\n".join(lines) + "\n"


def render_check_json(result: CheckResult) -> str:
    return json.dumps(to_jsonable(result), ensure_ascii=False, indent=2) + "\n"
