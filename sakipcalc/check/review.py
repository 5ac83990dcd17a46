"""The review (hasil reviu) as a report shows it: distinct findings, not cells.

:func:`review` runs :func:`~sakipcalc.check.check` and groups its
discrepancies into :class:`Finding` s, one per inconsistency, each with the
printed row label, the printed and recomputed values, the sources and the
likely :class:`Cause`. Renderers put :func:`finding_note` in the Keterangan
of each row a finding concerns (:meth:`Review.for_indicator`) and list every
finding in a "Hasil reviu" section.

Grouping: the cells of one finding share a cause and a subject, that is

* every target printed for an indicator and year that differs from another
  table's, with every achievement that follows from such a target;
* the cells of one subject and period with one cause (a truncated ratio in a
  table and again in the narrative; a realisation and the achievement
  computed from it; a budget line's ceiling, spending and absorption);
* the cells of one printed row that are unweighted means, or ratios of sums
  where a mean is due (a total row's realised and not-realised percentages);
* two cells printed in each other's place.

The causes are read from the numbers (:mod:`sakipcalc.check.causes`), never
from the report's notes.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .._spec import Spec, budget_lines
from .._types import Period
from ..engine import Evaluator
from ..i18n import Locale, label
from ..models import Reported, RoundingMode
from ..rounding import DECIMAL_CONTEXT
from . import check
from .causes import (
    decimal_of,
    denominators,
    follows_printed_realisation,
    matching_target,
    mean_of_rows,
    places_of,
    pooled_of_rows,
    swapped_pairs,
)
from .tally import CheckResult, Discrepancy, DiscrepancyKind, Measure
from .targets import KnownTargets
from .wording import value_text

__all__ = ["Cause", "Finding", "Review", "cause_text", "finding_note", "group", "review"]


class Cause(enum.StrEnum):
    """The likely cause of an inconsistency, in the order a review lists them."""

    TRUNCATION = "truncation"  # the printed value is the recomputed one cut, not rounded
    DIFFERENT_TARGET = "different-target"  # another table's target was applied
    UNWEIGHTED_MEAN = "unweighted-mean"  # a mean of ratios where a ratio of sums is due
    POOLED_RATIO = "pooled-ratio"  # and the other way round: a ratio of sums for a mean
    SWAPPED_CELLS = "swapped-cells"  # two printed cells exchanged
    UNDEFINED_PRINTED_ZERO = "undefined-printed-zero"  # 0/0 printed as 0 %
    TOTAL = "total"  # a declared total is not the sum of its parts
    OTHER_ROUNDING = "other-rounding"  # rounded, but not as the spec declares (half-even)
    NOT_CHECKABLE = "not-checkable"  # the recomputation has no value
    UNEXPLAINED = "unexplained"


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct inconsistency, however many printed cells repeat it."""

    number: int  # 1-based position in the "Hasil reviu" list
    cause: Cause
    row_label: str  # the row as the report labels it
    printed: str  # canonical text (``73.78``), formatted by the renderer
    recomputed: str
    sources: tuple[str, ...]
    indicators: tuple[str, ...]  # the rows whose Keterangan mention it
    periods: tuple[str, ...]
    discrepancies: tuple[Discrepancy, ...]
    # What reproduces the printed figure under the cause (canonical text): the
    # unweighted mean of the rows, or the other target the achievement follows from.
    basis: str = ""
    # Every row label of the finding (two for swapped cells), row_label first, and
    # the subject (indicator id, expression, budget line) each labels.
    row_labels: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    checked: int
    consistent: int
    findings: tuple[Finding, ...]
    discrepant: int = 0  # the discrepant cells the findings group

    def for_indicator(self, indicator: str, period: str | None = None) -> tuple[Finding, ...]:
        """The findings about ``indicator`` (in ``period``, when given)."""
        return tuple(
            f
            for f in self.findings
            if indicator in f.indicators
            and (period is None or not f.periods or period in f.periods)
        )


def review(spec: Spec) -> Review:
    """Check ``spec`` and group what disagrees into distinct findings."""
    return group(spec, check(spec))


@dataclass(frozen=True, slots=True)
class _Diagnosis:
    cause: Cause
    keys: tuple[Hashable, ...]  # cells sharing any key are one finding
    basis: str = ""


def group(spec: Spec, result: CheckResult) -> Review:
    """The discrepancies of ``result`` (a check of ``spec``) as distinct findings."""
    found = result.discrepancies
    items = _Items(spec)
    with decimal.localcontext(DECIMAL_CONTEXT):
        evaluator = Evaluator(spec, spec.data)
        known = KnownTargets(spec)
        diagnoses = [_diagnose(spec, evaluator, d, items.of(d), known) for d in found]
        for n, (i, j) in enumerate(swapped_pairs(enumerate(found))):
            for k in (i, j):
                diagnoses[k] = _Diagnosis(Cause.SWAPPED_CELLS, (("swapped", n),))
        _join_achievements(spec, evaluator, found, diagnoses, items, known)
    groups = _union(diagnoses)
    order = list(Cause)
    groups.sort(key=lambda members: (order.index(diagnoses[members[0]].cause), members[0]))
    findings = tuple(
        _finding(spec, number, [found[i] for i in members], diagnoses[members[0]], items)
        for number, members in enumerate(groups, start=1)
    )
    return Review(result.checked, result.consistent, findings, len(found))


def _join_achievements(
    spec: Spec,
    evaluator: Evaluator,
    found: Sequence[Discrepancy],
    diagnoses: list[_Diagnosis],
    items: _Items,
    known: KnownTargets,
) -> None:
    """An achievement that follows from its row's printed, discrepant realisation joins it.

    The row is internally consistent: the achievement is wrong only because the
    realisation is, so it is the realisation's finding, with its cause, not a
    second one of unknown cause.
    """
    realisations = {
        (d.source, d.subject, d.period): i
        for i, d in enumerate(found)
        if d.what is Measure.REALISATION and d.kind is not DiscrepancyKind.NOT_CHECKABLE
    }
    for i, d in enumerate(found):
        if d.what is not Measure.ACHIEVEMENT or diagnoses[i].cause is not Cause.UNEXPLAINED:
            continue
        j = realisations.get((d.source, d.subject, d.period))
        item = items.of(d)
        printed = decimal_of(d.reported)
        if j is None or item is None or printed is None:
            continue
        if follows_printed_realisation(spec, evaluator, item, printed, known):
            diagnoses[i] = diagnoses[j]


def _union(diagnoses: Sequence[_Diagnosis]) -> list[list[int]]:
    """Cells joined when they share a key, each group in check order."""
    parent = list(range(len(diagnoses)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[Hashable, int] = {}
    for i, diagnosis in enumerate(diagnoses):
        for key in diagnosis.keys:
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(diagnoses)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


_KINDS = {
    DiscrepancyKind.TOTAL: Cause.TOTAL,
    DiscrepancyKind.NOT_CHECKABLE: Cause.NOT_CHECKABLE,
    DiscrepancyKind.UNDEFINED_PRINTED: Cause.UNDEFINED_PRINTED_ZERO,
}


def _diagnose(
    spec: Spec, evaluator: Evaluator, d: Discrepancy, item: Reported | None, known: KnownTargets
) -> _Diagnosis:
    same_subject = (d.subject, d.period)
    if d.kind is DiscrepancyKind.TARGET:
        return _Diagnosis(Cause.DIFFERENT_TARGET, (("target", *same_subject),))
    if d.kind in _KINDS:
        cause = _KINDS[d.kind]
        return _Diagnosis(cause, ((cause, *same_subject),))
    if d.kind is DiscrepancyKind.AMBIGUOUS_ROUNDING:
        # Cut, not rounded, only where no rounding to the nearest also gives the printed
        # figure: at a tie (12.5 printed 12) half-even explains it as well as a cut.
        nearest = {RoundingMode.HALF_UP, RoundingMode.HALF_EVEN} & set(d.matches)
        cut = RoundingMode.TRUNCATE in d.matches and not nearest
        cause = Cause.TRUNCATION if cut else Cause.OTHER_ROUNDING
        return _Diagnosis(cause, ((cause, *same_subject),))
    printed = decimal_of(d.reported)
    if item is not None and printed is not None and d.period is not None:
        if d.what is Measure.ACHIEVEMENT:
            target = matching_target(spec, evaluator, item, printed, known)
            if target is not None:
                return _Diagnosis(
                    Cause.DIFFERENT_TARGET, (("target", *same_subject),), target.describe()
                )
        for cause, detect in (
            (Cause.UNWEIGHTED_MEAN, mean_of_rows),
            (Cause.POOLED_RATIO, pooled_of_rows),
        ):
            found = _rows(spec, evaluator, d, item, printed, detect)
            if found is not None:
                basis, text = found
                # One printed row (a total row's realised and not-realised %) shares its
                # source, period and denominators; two indicators of one table do not.
                row = (cause, d.source, d.period, denominators(text))
                return _Diagnosis(cause, ((cause, *same_subject), row), str(basis))
    return _Diagnosis(Cause.UNEXPLAINED, ((Cause.UNEXPLAINED, *same_subject),))


def _rows(
    spec: Spec,
    evaluator: Evaluator,
    d: Discrepancy,
    item: Reported,
    printed: Decimal,
    detect: Callable[[Spec, Evaluator, str, Period, int, Decimal], Decimal | None],
) -> tuple[Decimal, str] | None:
    """``detect`` (an unweighted or pooled mean) on the formula behind ``d``, and the formula."""
    assert d.period is not None
    if d.what is Measure.VALUE and item.expr is not None:
        text = item.expr
        places = item.places if item.places is not None else places_of(printed)
    elif d.what is Measure.REALISATION and item.indicator is not None:
        indicator = spec.indicators[item.indicator]
        if indicator.formula is None:
            return None
        text = indicator.formula
        places = item.places if item.places is not None else evaluator.rounding(indicator).places
    else:
        return None
    basis = detect(spec, evaluator, text, Period(d.period), places, printed)
    return None if basis is None else (basis, text)


def _subject_of(item: Reported) -> str:
    """The subject a discrepancy of ``item`` names (as the check functions write it)."""
    if item.indicator is not None:
        return item.indicator
    if item.expr is not None:
        return item.expr
    if item.budget_line is not None:
        return item.budget_line
    if item.budget_lines is not None:
        return " + ".join(item.budget_lines)
    return f"budget {item.budget_year}"


class _Items:
    """The reported item behind each discrepancy: by source, subject and period.

    One table prints the same indicator for several years (one row each); the
    period tells them apart. A discrepancy without a matching period (a budget
    year's totals) takes the first item of its source and subject.
    """

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._lines: dict[str, str] | None = None
        self._exact: dict[tuple[str, str, str | None], Reported] = {}
        self._any: dict[tuple[str, str], Reported] = {}
        for item in spec.reported:
            subject = _subject_of(item)
            period = str(item.period) if item.period is not None else None
            self._exact.setdefault((item.source, subject, period), item)
            self._any.setdefault((item.source, subject), item)

    def name(self, subject: str) -> str:
        """An indicator's or budget line's name, else the subject as written."""
        if subject in self._spec.indicators:
            return self._spec.indicators[subject].name
        if self._lines is None:  # built once: a review may name thousands of lines
            self._lines = {}
            for budget in self._spec.budgets:
                for line in budget_lines(budget.programs):
                    self._lines.setdefault(line.id, line.name)
        return self._lines.get(subject, subject)

    def of(self, d: Discrepancy) -> Reported | None:
        found = self._exact.get((d.source, d.subject, d.period))
        return found if found is not None else self._any.get((d.source, d.subject))


def _finding(
    spec: Spec,
    number: int,
    cells: list[Discrepancy],
    diagnosis: _Diagnosis,
    items: _Items,
) -> Finding:
    labels: list[str] = []
    subjects = tuple(dict.fromkeys(d.subject for d in cells))
    for subject in subjects:
        printed = [
            item.label
            for d in cells
            if d.subject == subject and (item := items.of(d)) is not None and item.label
        ]
        labels.append(printed[0] if printed else items.name(subject))
    first = cells[0]
    return Finding(
        number=number,
        cause=diagnosis.cause,
        row_label=" / ".join(labels),
        printed=first.reported,
        recomputed=first.recomputed,
        sources=tuple(dict.fromkeys(d.source for d in cells)),
        indicators=tuple(dict.fromkeys(d.subject for d in cells if d.subject in spec.indicators)),
        periods=tuple(dict.fromkeys(str(d.period) for d in cells if d.period)),
        discrepancies=tuple(cells),
        basis=diagnosis.basis,
        row_labels=tuple(labels),
        subjects=subjects,
    )


def cause_text(cause: Cause, locale: Locale) -> str:
    """The cause as a reviewer writes it: ``dipotong, bukan dibulatkan``."""
    return label(f"cause_{cause.value}", locale)


def finding_note(finding: Finding, locale: Locale, *, indicator: str | None = None) -> str:
    """The short note a row's Keterangan carries, e.g. ``Reviu 3: dicetak 73,78 …``.

    For ``indicator``'s row the note shows that row's own cell; otherwise the
    finding's first. Cells printed in each other's place show both pairs
    (``dicetak 97,27 / 100, dihitung ulang 100,00 / 97,27``), and an achievement
    that follows from another target names it.
    """
    cells = [d for d in finding.discrepancies if indicator is None or d.subject == indicator]
    cells = cells or list(finding.discrepancies)
    if finding.cause is Cause.SWAPPED_CELLS and indicator is None:
        printed = " / ".join(value_text(d.reported, locale) for d in cells)
        recomputed = " / ".join(value_text(d.recomputed, locale) for d in cells)
    elif cells:
        printed = value_text(cells[0].reported, locale)
        recomputed = value_text(cells[0].recomputed, locale)
    else:
        printed = value_text(finding.printed, locale)
        recomputed = value_text(finding.recomputed, locale)
    target = bool(cells) and cells[0].kind is DiscrepancyKind.TARGET
    compared = "check_against" if target else "check_recomputed"
    cause = cause_text(finding.cause, locale)
    if finding.cause is Cause.DIFFERENT_TARGET and finding.basis:
        cause += f"; {label('review_basis_different-target', locale)} "
        cause += value_text(finding.basis, locale)
    return (
        f"{label('review_ref', locale)} {finding.number}: "
        f"{label('check_reported', locale)} {printed}, "
        f"{label(compared, locale)} {recomputed} ({cause})"
    )
