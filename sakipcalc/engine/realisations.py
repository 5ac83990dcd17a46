"""How a realisation is computed: given in the data, by its formula, or from its quarters."""

from __future__ import annotations

import abc
from decimal import Decimal, InvalidOperation, Overflow
from typing import Any

from .._spec import DataSet, Grade, Spec
from .._types import Period
from ..errors import Issue, Location, Severity
from ..formula import CompiledFormula, InexactResult, ZeroDenominator
from ..models import AchievementFrom, Indicator, Rounding
from ..results import Figure, LazyTraceFigure, MissingInput, Status
from ..rounding import effective_rounding, round_value, show_raw
from .inputs import Inputs, not_data
from .periods import combine_quarter_grades, combine_quarters, quarters_needed
from .shared import Computed

__all__ = ["Realiser"]


class _GivenFigure(LazyTraceFigure):
    """A value as given in the data; its recipe is empty."""

    __slots__ = ()

    def write_trace(self, recipe: tuple[Any, ...]) -> str:
        return f"{format(self.raw, 'f')} (as given) → {format(self.rounded, 'f')}"


class _GivenInsteadFigure(LazyTraceFigure):
    """The given value, used because the formula's inputs are missing: (given figure, missing)."""

    __slots__ = ()

    def write_trace(self, recipe: tuple[Any, ...]) -> str:
        shown, missing = recipe
        return f"{shown.trace}; the formula's inputs are missing ({missing})"


class _FormulaFigure(LazyTraceFigure):
    """A formula's value; its recipe is (formula, input values, places shown)."""

    __slots__ = ()

    def write_trace(self, recipe: tuple[Any, ...]) -> str:
        formula, values, places = recipe
        assert self.raw is not None and self.rounded is not None
        shown = show_raw(self.raw, places)
        return f"{formula.substitute(values)} = {shown} → {format(self.rounded, 'f')}"


class Realiser(abc.ABC):
    """The rules of realisation; :class:`~.evaluator.Evaluator` adds when each is computed."""

    def __init__(self, spec: Spec, data: DataSet) -> None:
        self.spec = spec
        self.data = data
        self.inputs = Inputs(spec, data)

    @abc.abstractmethod
    def value(self, indicator_id: str, period: Period) -> Computed:
        """The realisation of ``indicator_id`` in ``period``, as computed once."""

    @abc.abstractmethod
    def warn(self, issue: Issue) -> None:
        """Record a warning found while computing (the evaluator keeps them in order)."""

    def compute(self, indicator: Indicator, period: Period) -> Computed:
        """The realisation of ``indicator`` in ``period``; dependencies are asked through value()."""
        rounding = self.rounding(indicator)
        direct = self._direct(indicator, period, rounding)
        if direct.figure.status is not Status.MISSING_DATA:
            return direct
        # A year given explicitly as empty (~) stays missing: the quarters do not
        # silently stand in for a value the author said is unknown.
        explicitly_empty = self.data.has(period, indicator.id)
        if period.is_year and indicator.quarters is not None and not explicitly_empty:
            return self._from_quarters(indicator, period, rounding) or direct
        return direct

    def _direct(self, indicator: Indicator, period: Period, rounding: Rounding) -> Computed:
        formula = self.spec.formulas.get(indicator.id)
        given = self._given(indicator, period, rounding)
        if formula is None:
            if given is None:
                absent = (MissingInput(indicator.id, period=period),)
                return Computed(Figure.missing_data(absent), None)
            return given
        figure = self.formula_figure(formula, period, rounding, grade_of=indicator)
        if figure.raw is None:
            if figure.status is Status.MISSING_DATA and given is not None and given.figure.ok:
                # Earlier years are often known only as the printed figure, not
                # as the breakdown the formula needs: use the given value, and say so.
                shown = given.figure
                missing = ", ".join(str(m) for m in figure.missing)
                return Computed(
                    _GivenInsteadFigure(
                        shown.status, shown.raw, shown.rounded, shown.grade, trace=(shown, missing)
                    ),
                    given.number,
                )
            return Computed(figure, None)
        if (
            given is not None
            and given.figure.ok
            and given.figure.rounded is not None
            and figure.rounded != given.figure.rounded
        ):
            self.warn(
                Issue(
                    Severity.WARNING,
                    "given-differs-from-formula",
                    f"'{indicator.id}' in {period}: the data gives {given.figure.rounded}, its "
                    f"formula computes {figure.rounded}; the formula's value is used",
                    self._data_location(period, indicator.id),
                    f"data.{period}.{indicator.id}",
                )
            )
        return Computed(figure, figure.raw)

    def _data_location(self, period: Period, name: str) -> Location:
        origin = self.data.origins.get((period, name))
        return origin.location(prefer_key=True) if origin is not None else Location("<data>")

    def _given(self, indicator: Indicator, period: Period, rounding: Rounding) -> Computed | None:
        """The realisation as given directly in the data; None when the data has none."""
        if not self.data.has(period, indicator.id):
            return None
        value = self.data.get(period, indicator.id)
        if value is None:
            missing = (MissingInput(indicator.id, period=period),)
            return Computed(Figure.missing_data(missing, "given as empty"), None)
        if isinstance(value, Grade):
            figure = Figure(Status.OK, grade=value.label, trace=f"{value.label} (as given)")
            return Computed(figure, None)
        if not isinstance(value, Decimal):
            raise not_data(indicator.id, period, value)
        rounded = round_value(value, rounding.places, rounding.mode)
        grade = self.grade_of(indicator, value)
        return Computed(_GivenFigure(Status.OK, value, rounded, grade, trace=()), value)

    def formula_figure(
        self,
        formula: CompiledFormula,
        period: Period,
        rounding: Rounding,
        *,
        grade_of: Indicator | None = None,
    ) -> Figure:
        """Evaluate a compiled formula on this data for ``period``, as a typed figure.

        With ``grade_of``, the figure carries that indicator's grade of the value.
        """
        values: list[Decimal | None] = []
        missing: list[MissingInput] = []
        blocked: list[str] = []
        for slot in formula.slots:
            got: Decimal | list[MissingInput]
            if slot.categories is not None:
                got = self.inputs.variable_sum(slot.name, slot.categories, period)
            elif slot.name in self.spec.indicators:
                ref = self.value(slot.name, period)
                if ref.number is not None:
                    got = ref.number
                elif ref.figure.status is Status.MISSING_DATA:
                    got = list(ref.figure.missing)
                else:
                    blocked.append(f"'{slot.name}' is not computable ({ref.figure.reason})")
                    values.append(None)
                    continue
            else:
                got = self.inputs.variable_number(slot.name, period)
            if isinstance(got, list):
                missing.extend(got)
                values.append(None)
            else:
                values.append(got)
        if missing:
            return Figure.missing_data(tuple(dict.fromkeys(missing)))
        if blocked:
            return Figure.not_computable("; ".join(blocked))
        numbers = [v for v in values if v is not None]
        try:
            raw = formula.evaluate(numbers)
        except ZeroDenominator as zero:
            return Figure.not_computable(
                f"zero denominator: {zero.denominator} is 0",
                trace=f"{formula.substitute(values)} = n/a",
            )
        except InexactResult as inexact:
            return Figure.not_computable(
                inexact.message, trace=f"{formula.substitute(values)} = n/a"
            )
        except Overflow:
            shown = formula.substitute(values)
            return Figure.not_computable(f"arithmetic out of range: {shown} overflows")
        except InvalidOperation:
            shown = formula.substitute(values)
            return Figure.not_computable(f"undefined arithmetic, such as 0 ** 0: {shown}")
        rounded = round_value(raw, rounding.places, rounding.mode)
        grade = self.grade_of(grade_of, raw) if grade_of is not None else None
        recipe = (formula, tuple(numbers), rounding.places)
        return _FormulaFigure(Status.OK, raw, rounded, grade, trace=recipe)

    def _from_quarters(
        self, indicator: Indicator, year: Period, rounding: Rounding
    ) -> Computed | None:
        rule = indicator.quarters
        assert rule is not None
        parts = [self.value(indicator.id, q) for q in quarters_needed(rule, year)]
        missing = [m for p in parts for m in p.figure.missing]
        if missing:
            return Computed(
                Figure.missing_data(tuple(missing), f"annual value from quarters by {rule.value}"),
                None,
            )
        bad = [p for p in parts if p.number is None]
        if bad and all(p.figure.ok for p in bad):  # grade labels, such as BB
            return Computed(combine_quarter_grades(rule, [p.figure for p in parts]), None)
        if bad:
            reason = f"a quarter is not computable: {next(p for p in bad if not p.figure.ok).figure.reason}"
            return Computed(Figure.not_computable(reason), None)
        numbers = [p.number for p in parts if p.number is not None]
        raw = combine_quarters(rule, numbers)
        rounded = round_value(raw, rounding.places, rounding.mode)
        shown = ", ".join(format(n, "f") for n in numbers)
        trace = f"{rule.value}({shown}) = {show_raw(raw, rounding.places)} → {format(rounded, 'f')}"
        figure = Figure(
            Status.OK,
            raw=raw,
            rounded=rounded,
            grade=self.grade_of(indicator, raw),
            trace=trace,
        )
        return Computed(figure, raw)

    def grade_of(self, indicator: Indicator, score: Decimal) -> str | None:
        """The band of the indicator's grade scale that ``score`` falls in, if it has one."""
        if indicator.scale is None:
            return None
        rounding = self.rounding(indicator)
        if rounding.achievement_from is AchievementFrom.ROUNDED:
            score = round_value(score, rounding.places, rounding.mode)
        band = self.spec.compiled_scales[indicator.scale].band_for(score)
        return band.band.label if band else None

    def rounding(self, indicator: Indicator) -> Rounding:
        """The indicator's rounding policy: the spec's, with its own overrides."""
        return effective_rounding(self.spec.info.rounding, indicator.rounding)
