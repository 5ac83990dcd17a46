"""Printed indicator figures and expressions: realisations, achievements and values."""

from __future__ import annotations

from decimal import Decimal

from .._spec import Spec
from .._types import Period
from ..engine import Evaluator, achievement
from ..engine.achievement import bounded_achievement, effective_cap
from ..formula import CompiledFormula, compile_formula
from ..models import AchievementFrom, Reported, Rounding, RoundingMode, TargetSpec
from ..results import Figure, Status
from ..rounding import round_value
from .tally import Discrepancy, DiscrepancyKind, Measure, Tally, shown
from .targets import same_target, scale_of

__all__ = ["reported_expr", "reported_indicator"]


def _places_of(printed: Decimal) -> int:
    exponent = printed.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _not_checkable(
    tally: Tally, item: Reported, what: Measure, printed: str, figure: Figure
) -> None:
    subject = item.indicator or item.expr or item.budget_line or "?"
    tally.not_checkable(subject, what, item.period, item.source, printed, figure)


def reported_indicator(spec: Spec, evaluator: Evaluator, tally: Tally, item: Reported) -> None:
    assert item.indicator is not None and item.period is not None
    indicator = spec.indicators[item.indicator]
    rounding = evaluator.rounding(indicator)
    period = Period(item.period)
    spec_target = indicator.targets.get(period)
    compared_with = "the plan's (Renstra) target"
    if item.agreement is not None:
        # An official's own table is held to the target that official signed.
        agreement = spec.agreements[item.agreement]
        signed = next((i.target for i in agreement.items if i.indicator == item.indicator), None)
        if signed is not None:
            spec_target = signed
            compared_with = f"the target signed in '{item.agreement}'"
    if item.target is not None and spec_target is None:
        # Nothing in the plan to hold it to: compared with the other printed tables.
        tally.unplanned.setdefault((item.indicator, period), []).append((item.source, item.target))
    elif item.target is not None and spec_target is not None:
        if same_target(spec_target, item.target, scale_of(spec, item.indicator)):
            tally.agrees()
        else:
            tally.differs(
                Discrepancy(
                    DiscrepancyKind.TARGET,
                    item.indicator,
                    Measure.TARGET,
                    period,
                    item.source,
                    item.target.describe(),
                    spec_target.describe(),
                    f"the printed target differs from {compared_with}",
                )
            )
    real = evaluator.realisation(item.indicator, period)
    if item.realisation is not None:
        _compare_realisation(tally, item, real, rounding)
    if item.achievement is not None:
        target = item.target or spec_target
        _compare_achievement(spec, tally, item, target, real, rounding)


def _compare_realisation(tally: Tally, item: Reported, real: Figure, rounding: Rounding) -> None:
    assert item.realisation is not None and item.indicator is not None
    printed = item.realisation
    if not real.ok:
        _not_checkable(tally, item, Measure.REALISATION, printed.describe(), real)
        return
    if printed.grade is not None or real.raw is None:
        if printed.grade == real.grade:
            tally.agrees()
        else:
            tally.differs(
                Discrepancy(
                    DiscrepancyKind.FIGURE,
                    item.indicator,
                    Measure.REALISATION,
                    item.period,
                    item.source,
                    printed.describe(),
                    real.grade or shown(real.rounded),
                )
            )
        return
    assert printed.value is not None
    tally.compare_number(
        real.raw,
        printed.value,
        rounding,
        places=item.places,
        subject=item.indicator,
        what=Measure.REALISATION,
        period=item.period,
        source=item.source,
        note=real.trace,
    )


def _compare_achievement(
    spec: Spec,
    tally: Tally,
    item: Reported,
    target: TargetSpec | None,
    real: Figure,
    rounding: Rounding,
) -> None:
    assert item.achievement is not None and item.indicator is not None
    indicator = spec.indicators[item.indicator]
    scale = spec.compiled_scales.get(indicator.scale) if indicator.scale else None
    cap = effective_cap(indicator, spec.info.cap)
    ach = achievement(indicator, target, real, rounding, scale, cap, period=item.period or "")
    if not ach.ok or ach.raw is None:
        _not_checkable(tally, item, Measure.ACHIEVEMENT, shown(item.achievement), ach)
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
            bounded_achievement(indicator, alt_ach.raw, cap),
            rounding.places if item.places is None else item.places,
            mode,
        )

    # When the printed realisation differs, say whether the printed achievement
    # at least follows from the printed realisation (an internally consistent row).
    if (
        item.realisation is not None
        and item.realisation.value is not None
        and real.raw is not None
        and rounding.achievement_from is AchievementFrom.ROUNDED
    ):
        printed_real = Figure(Status.OK, raw=item.realisation.value, rounded=item.realisation.value)
        from_printed = achievement(indicator, target, printed_real, rounding, scale, cap)
        if (
            from_printed.rounded is not None
            and from_printed.rounded == item.achievement != ach.rounded
        ):
            note += f"; it follows from the printed realisation {item.realisation.describe()}"
    # The printed achievement is the floored and capped one; raw keeps the arithmetic.
    tally.compare_number(
        bounded_achievement(indicator, ach.raw, cap),
        item.achievement,
        rounding,
        places=item.places,
        subject=item.indicator,
        what=Measure.ACHIEVEMENT,
        period=item.period,
        source=item.source,
        note=note,
        recompute=under,
    )


def reported_expr(spec: Spec, evaluator: Evaluator, tally: Tally, item: Reported) -> None:
    assert item.expr is not None and item.period is not None and item.value is not None
    compiled = compile_formula(item.expr, spec.names)
    assert isinstance(compiled, CompiledFormula)  # checked at load
    rounding = spec.info.rounding
    figure = evaluator.formula_figure(compiled, Period(item.period), rounding)
    if not figure.ok or figure.raw is None:
        _not_checkable(tally, item, Measure.VALUE, shown(item.value), figure)
        return
    tally.compare_number(
        figure.raw,
        item.value,
        rounding,
        places=item.places if item.places is not None else _places_of(item.value),
        subject=item.expr,
        what=Measure.VALUE,
        period=item.period,
        source=item.source,
        note=figure.trace,
    )
