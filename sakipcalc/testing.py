"""Property-testing a spec's formulas with Hypothesis, for spec authors.

Requires Hypothesis (``pip install "sakipcalc[testing]"``).

* :func:`data_for` and :func:`indicator_data` are strategies that generate
  realisation data respecting every variable's declared domain; with
  ``edges=True`` they favour zeros, numerators equal to denominators, very
  large counts and missing categories.
* :func:`run_invariants` checks every indicator's declared invariants and
  the built-in ones, and returns shrunk counterexamples.
* :func:`pytest_cases` turns a spec into one pytest test per indicator::

      test_my_spec = sakipcalc.testing.pytest_cases("specs/my-spec")
"""

from __future__ import annotations

import contextlib
import decimal
import os
import random
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ._exact import own_context
from ._loader import load
from ._progress import progress
from ._spec import DataSet, DataValue, Spec
from ._testing_data import (
    PERIOD,
    data_for,
    decimal_places,
    indicator_data,
    needed_names,
    plan_for,
    total,
)
from ._types import Period
from .engine import Evaluator, achievement, aggregate
from .limits import MAX_GENERATED_CATEGORIES
from .models import (
    AchievementFrom,
    Indicator,
    Polarity,
    Rollup,
    Rounding,
    TargetSpec,
)
from .results import Figure, Status
from .rounding import DECIMAL_CONTEXT, effective_rounding, round_value, show_raw

__all__ = [
    "InvariantFailure",
    "InvariantOutcome",
    "data_for",
    "indicator_data",
    "pytest_cases",
    "run_invariants",
]


@dataclass(frozen=True, slots=True)
class InvariantFailure:
    indicator: str
    invariant: str
    message: str
    counterexample: str


@dataclass(frozen=True, slots=True)
class InvariantOutcome:
    checked: tuple[tuple[str, str], ...]
    failures: tuple[InvariantFailure, ...] = field(default_factory=tuple)
    # (indicator, why): indicators whose data is too large to generate, not tested
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.failures

    def render(self) -> str:
        lines = []
        for failure in self.failures:
            lines.append(f"FAIL {failure.indicator}: {failure.invariant}: {failure.message}")
            lines.extend(f"    {line}" for line in failure.counterexample.splitlines())
        lines.extend(f"NOT TESTED {indicator}: {why}" for indicator, why in self.skipped)
        passed = len(self.checked) - len({(f.indicator, f.invariant) for f in self.failures})
        summary = f"{passed} passed, {len(self.failures)} failed"
        if self.skipped:
            summary += f", {len(self.skipped)} not tested"
        lines.append(summary)
        return "\n".join(lines) + "\n"


class _Broken(AssertionError):
    def __init__(self, message: str, example: str) -> None:
        super().__init__(message)
        self.message = message
        self.example = example


def _describe_data(data: DataSet, names: set[str] | None = None) -> str:
    lines = []
    for period, values in data.values.items():
        for name, value in values.items():
            if names is not None and name not in names:
                continue
            if isinstance(value, Mapping):
                shown = ", ".join(
                    f"{k}: {'missing' if v is None else format(v, 'f')}" for k, v in value.items()
                )
                lines.append(f"{name} ({period}) = {{{shown}}}")
            elif isinstance(value, Decimal):
                lines.append(f"{name} ({period}) = {format(value, 'f')}")
            else:
                lines.append(f"{name} ({period}) = {value}")
    return "\n".join(lines)


def _realisation(spec: Spec, data: DataSet, indicator_id: str, period: str) -> Figure:
    with decimal.localcontext(DECIMAL_CONTEXT):
        return Evaluator(spec, data).realisation(indicator_id, Period(period))


def _bump(
    data: DataSet, variable: str, period: str, spec: Spec, subsets: Mapping[str, str]
) -> tuple[DataSet, str] | None:
    """The same data with ``variable`` raised by one, and where; None if no room.

    The raise keeps a declared subset (part ≤ whole): a part is raised only in a
    category (or total) that still has room below its whole.
    """
    values = dict(data.values[period])
    current = values.get(variable)
    whole_id = subsets.get(variable)
    whole = values.get(whole_id) if whole_id is not None else None
    if isinstance(current, Mapping):
        cells = dict(current)
        for category in spec.variable_categories(variable):
            cell = cells.get(category)
            if cell is None:
                continue
            if isinstance(whole, Mapping) and whole_id is not None:
                same = spec.variables[whole_id].breakdown == spec.variables[variable].breakdown
                limit = whole.get(category) if same else total(whole) - total(current) + cell
                if limit is None or cell + 1 > limit:
                    continue
            elif whole is not None and total(current) + 1 > total(whole):
                return None
            cells[category] = cell + 1
            values[variable] = cells
            return DataSet({period: values}), f"{variable}[{category}]"
        return None
    if isinstance(current, Decimal):
        if whole is not None and current + 1 > total(whole):
            return None
        values[variable] = current + 1
        return DataSet({period: values}), variable
    return None


def _indicator_checks(
    spec: Spec, indicator: Indicator, period: str
) -> list[tuple[str, Callable[[DataSet, Any], None]]]:
    """(name, check(data, draw_random)) for every invariant of one indicator."""
    checks: list[tuple[str, Callable[[DataSet, Any], None]]] = []
    needed = needed_names(spec, indicator.id)
    subsets = plan_for(spec, None).subsets
    rounding = effective_rounding(spec.info.rounding, indicator.rounding)

    def never_raises(data: DataSet, rnd: Any) -> None:
        try:
            from .engine import evaluate

            evaluate(spec, data, period=period)
        except Exception as exc:  # the property under test: nothing may escape
            raise _Broken(
                f"evaluation raised {type(exc).__name__}: {exc}", _describe_data(data, needed)
            ) from exc

    checks.append(("evaluation never raises", never_raises))

    for invariant in indicator.invariants:
        if invariant.range is not None:
            low, high = invariant.range.min, invariant.range.max

            def in_range(data: DataSet, rnd: Any, low: Decimal = low, high: Decimal = high) -> None:
                figure = _realisation(spec, data, indicator.id, period)
                if figure.ok and figure.raw is not None and not low <= figure.raw <= high:
                    raise _Broken(
                        f"realisation {figure.trace} is outside {low}–{high}",
                        _describe_data(data, needed),
                    )

            checks.append((f"range {low}–{high}", in_range))
        for direction, variable in (
            ("increasing", invariant.increasing_in),
            ("decreasing", invariant.decreasing_in),
        ):
            if variable is None:
                continue

            def monotone(
                data: DataSet, rnd: Any, variable: str = variable, direction: str = direction
            ) -> None:
                before = _realisation(spec, data, indicator.id, period)
                bumped = _bump(data, variable, period, spec, subsets)
                if bumped is None:
                    return
                after_data, where = bumped
                after = _realisation(spec, after_data, indicator.id, period)
                if not (
                    before.ok and after.ok and before.raw is not None and after.raw is not None
                ):
                    return
                wrong = (
                    after.raw < before.raw if direction == "increasing" else after.raw > before.raw
                )
                if wrong:
                    raise _Broken(
                        f"raising {where} by 1 moved the value from "
                        f"{show_raw(before.raw, rounding.places)} to "
                        f"{show_raw(after.raw, rounding.places)}; declared {direction} in {variable}",
                        _describe_data(data, needed),
                    )

            checks.append((f"{direction} in {variable}", monotone))

    def reorder(data: DataSet, rnd: Any) -> None:
        values: dict[str, DataValue] = {}
        for name, value in data.values[period].items():
            if isinstance(value, Mapping):
                items = list(value.items())
                rnd.shuffle(items)
                values[name] = dict(items)
            else:
                values[name] = value
        first = _realisation(spec, data, indicator.id, period)
        second = _realisation(spec, DataSet({period: values}), indicator.id, period)
        if first.raw != second.raw or first.status is not second.status:
            raise _Broken("reordering categories changed the value", _describe_data(data, needed))

    checks.append(("reordering categories changes nothing", reorder))

    def idempotent(data: DataSet, rnd: Any) -> None:
        figure = _realisation(spec, data, indicator.id, period)
        if figure.rounded is None:
            return
        again = round_value(figure.rounded, rounding.places, rounding.mode)
        if again != figure.rounded:
            raise _Broken(
                f"rounding {figure.rounded} again gave {again}", _describe_data(data, needed)
            )

    checks.append(("rounding is idempotent", idempotent))
    return checks


def _polarity_check(indicator: Indicator, rounding: Rounding) -> Callable[[Any], None]:
    """More realisation gives more achievement (higher is better) or less (lower)."""

    def check(draw: Any) -> None:
        target = draw(decimal_places(1, 1000, 2))
        low = draw(decimal_places(0, 2000, 2))
        high = low + draw(decimal_places(0, 1000, 2))
        if low == 0 and indicator.lower_rule.value == "inverse":
            return
        spec_target = TargetSpec(value=target)
        raw_rounding = Rounding(
            places=rounding.places, mode=rounding.mode, achievement_from=AchievementFrom.RAW
        )
        a = achievement(
            indicator, spec_target, Figure(Status.OK, raw=low, rounded=low), raw_rounding
        )
        b = achievement(
            indicator, spec_target, Figure(Status.OK, raw=high, rounded=high), raw_rounding
        )
        if a.raw is None or b.raw is None:
            return
        if indicator.polarity is Polarity.HIGHER_IS_BETTER and b.raw < a.raw:
            raise _Broken(
                "achievement fell as realisation rose",
                f"target {target}: {a.trace}; {b.trace}",
            )
        if indicator.polarity is Polarity.LOWER_IS_BETTER and b.raw > a.raw:
            raise _Broken(
                "achievement rose as realisation rose (lower is better)",
                f"target {target}: {a.trace}; {b.trace}",
            )

    return check


def _mean_rollup_check(spec: Spec) -> Callable[[Any], None]:
    def check(draw: Any) -> None:
        values = draw(st.lists(decimal_places(0, 300, 2), min_size=1, max_size=12))
        parts = [
            (f"m{i}", None, Figure(Status.OK), Figure(Status.OK, raw=v, rounded=v))
            for i, v in enumerate(values)
        ]
        with decimal.localcontext(DECIMAL_CONTEXT):
            figure, _ = aggregate(spec, Rollup.MEAN, parts)
        low = round_value(min(values), spec.info.rounding.places, spec.info.rounding.mode)
        high = round_value(max(values), spec.info.rounding.places, spec.info.rounding.mode)
        if figure.rounded is None or not low <= figure.rounded <= high:
            raise _Broken(
                f"mean roll-up {figure.rounded} lies outside its parts {low}–{high}",
                ", ".join(str(v) for v in values),
            )

    return check


def _run_property(
    body: Callable[[Any], None], max_examples: int, seed_value: int
) -> _Broken | None:
    """Run ``body(draw)`` under Hypothesis; return the shrunk failure, if any."""
    last: list[_Broken] = []

    @hypothesis_seed(seed_value)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        try:
            body(data.draw)
        except _Broken as broken:
            last.append(broken)
            raise

    try:
        prop()
    except _Broken:
        return last[-1]
    return None


@own_context  # generated data and its checks never see the caller's Decimal context
def run_invariants(
    spec: Spec,
    *,
    max_examples: int = 100,
    seed: int = 0,
    period: str = PERIOD,
    indicators: tuple[str, ...] | None = None,
    progress_stream: TextIO | None = None,
) -> InvariantOutcome:
    """Check every indicator's invariants (declared and built-in) on generated data.

    ``seed`` makes a run repeatable in the same environment. (Hypothesis also
    draws constants from the local modules that are imported, so the same seed
    can explore differently from another program that imports other modules.)
    ``progress_stream`` shows a progress bar there when it is a terminal.
    Hypothesis keeps its caches in a temporary directory for the run, so that
    nothing is left in the working directory (often the spec's own folder).
    """
    with _private_hypothesis_home():
        return _run_invariants(spec, max_examples, seed, period, indicators, progress_stream)


@contextlib.contextmanager
def _private_hypothesis_home() -> Iterator[None]:
    """Point Hypothesis's storage (``.hypothesis/`` in the working directory) at a temporary one.

    A location the user chose with HYPOTHESIS_STORAGE_DIRECTORY is kept.
    """
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="sakipcalc-hypothesis-") as home:
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


def _run_invariants(
    spec: Spec,
    max_examples: int,
    seed: int,
    period: str,
    indicators: tuple[str, ...] | None,
    progress_stream: TextIO | None,
) -> InvariantOutcome:
    checked: list[tuple[str, str]] = []
    failures: list[InvariantFailure] = []
    skipped: list[tuple[str, str]] = []
    chosen = indicators or tuple(spec.indicators)
    steps: Iterable[str] = chosen
    if progress_stream is not None:
        steps = progress(chosen, total=len(chosen), label="invariants", stream=progress_stream)
    for indicator_id in steps:
        indicator = spec.indicators[indicator_id]
        rounding = effective_rounding(spec.info.rounding, indicator.rounding)
        too_large = _too_large_to_generate(spec, indicator_id)
        if too_large is not None:
            skipped.append((indicator_id, too_large))
        for edges in (False, True) if too_large is None else ():
            for name, check in _indicator_checks(spec, indicator, period):
                label = name + (" (edges)" if edges else "")
                checked.append((indicator_id, label))
                strategy = indicator_data(spec, indicator_id, period=period, edges=edges)

                def body(
                    draw: Any,
                    check: Callable[[DataSet, Any], None] = check,
                    strategy: Any = strategy,
                ) -> None:
                    data = draw(strategy)
                    check(data, random.Random(draw(st.integers(0, 2**32))))

                broken = _run_property(body, max_examples, seed)
                if broken is not None:
                    failures.append(
                        InvariantFailure(indicator_id, label, broken.message, broken.example)
                    )
        if indicator.scale is None:
            checked.append((indicator_id, "achievement follows polarity"))
            broken = _run_property(_polarity_check(indicator, rounding), max_examples, seed)
            if broken is not None:
                failures.append(
                    InvariantFailure(
                        indicator_id, "achievement follows polarity", broken.message, broken.example
                    )
                )
    checked.append(("(spec)", "mean roll-up lies within its parts"))
    broken = _run_property(_mean_rollup_check(spec), max_examples, seed)
    if broken is not None:
        failures.append(
            InvariantFailure(
                "(spec)", "mean roll-up lies within its parts", broken.message, broken.example
            )
        )
    failures.extend(_subset_in_own_data(spec))
    return InvariantOutcome(tuple(checked), tuple(failures), tuple(skipped))


def _too_large_to_generate(spec: Spec, indicator_id: str) -> str | None:
    """Why the data of ``indicator_id`` is too large to generate, or None.

    Hypothesis draws every category of a breakdown in each example; past
    :data:`~sakipcalc.limits.MAX_GENERATED_CATEGORIES` an example outgrows its
    buffer (the run would end, minutes later, in ``Unsatisfiable``).
    """
    for variable in plan_for(spec, needed_names(spec, indicator_id)).variables:
        name = variable.id
        count = len(spec.variable_categories(name))
        if count > MAX_GENERATED_CATEGORIES:
            where = f"breakdown '{variable.breakdown}'" if variable.categories is None else "it"
            return (
                f"variable '{name}' has {count:,} categories ({where}); sakipcalc test "
                f"generates data for at most {MAX_GENERATED_CATEGORIES:,} categories, so this "
                f"breakdown is too large to generate"
            )
    return None


def _subset_in_own_data(spec: Spec) -> list[InvariantFailure]:
    """The declared part ≤ whole relations must also hold in the spec's own data."""
    out = []
    for indicator in spec.indicators.values():
        for invariant in indicator.invariants:
            if invariant.subset is None:
                continue
            part, whole = invariant.subset
            same = spec.variables[part].breakdown == spec.variables[whole].breakdown
            for period, values in spec.data.values.items():
                p, w = values.get(part), values.get(whole)
                if p is None or w is None:
                    continue
                if same and isinstance(p, Mapping) and isinstance(w, Mapping):
                    for category, cell in p.items():
                        limit = w.get(category)
                        if cell is not None and limit is not None and cell > limit:
                            out.append(
                                InvariantFailure(
                                    indicator.id,
                                    f"subset {part} ≤ {whole}",
                                    f"in the spec's data for {period}, {part}[{category}] = "
                                    f"{cell} exceeds {whole}[{category}] = {limit}",
                                    f"{part}[{category}] = {cell}\n{whole}[{category}] = {limit}",
                                )
                            )
                elif not same and total(p) > total(w):
                    out.append(
                        InvariantFailure(
                            indicator.id,
                            f"subset {part} ≤ {whole}",
                            f"in the spec's data for {period}, the total of {part} "
                            f"({total(p)}) exceeds the total of {whole} ({total(w)})",
                            f"total {part} = {total(p)}\ntotal {whole} = {total(w)}",
                        )
                    )
    return out


def pytest_cases(path: str | os.PathLike[str], *, max_examples: int = 100, seed: int = 0) -> Any:
    """One pytest test per indicator of the spec at ``path``::

    test_my_spec = sakipcalc.testing.pytest_cases("specs/my-spec")
    """
    import pytest

    spec = load(path)

    @pytest.mark.parametrize("indicator_id", list(spec.indicators))
    def test_indicator(indicator_id: str) -> None:
        outcome = run_invariants(
            spec, max_examples=max_examples, seed=seed, indicators=(indicator_id,)
        )
        failures = [f for f in outcome.failures if f.indicator == indicator_id]
        if failures:
            pytest.fail(InvariantOutcome(outcome.checked, tuple(failures)).render(), pytrace=False)

    return test_indicator
