"""The review (hasil reviu) as a report shows it: distinct findings, not cells.

:func:`review` runs :func:`~sakipcalc.check.check` and groups its
discrepancies into :class:`Finding` s, one per inconsistency, each with the
printed row label, the printed and recomputed values, the sources and the
likely :class:`Cause`. Renderers put :func:`finding_note` in the Keterangan
of each row a finding concerns (:meth:`Review.for_indicator`) and list every
finding in a "Hasil reviu" section.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .._spec import Spec
from ..i18n import Locale
from . import check
from .tally import Discrepancy

__all__ = ["Cause", "Finding", "Review", "cause_text", "finding_note", "review"]


class Cause(enum.StrEnum):
    """The likely cause of an inconsistency."""

    TRUNCATION = "truncation"  # the printed value is the recomputed one cut, not rounded
    DIFFERENT_TARGET = "different-target"  # another table's target was applied
    UNWEIGHTED_MEAN = "unweighted-mean"  # a mean of ratios where a ratio of sums is due
    SWAPPED_CELLS = "swapped-cells"  # two printed cells exchanged
    UNDEFINED_PRINTED_ZERO = "undefined-printed-zero"  # 0/0 printed as 0 %
    TOTAL = "total"  # a declared total is not the sum of its parts
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


@dataclass(frozen=True, slots=True)
class Review:
    checked: int
    consistent: int
    findings: tuple[Finding, ...]

    def for_indicator(self, indicator: str, period: str | None = None) -> tuple[Finding, ...]:
        """The findings about ``indicator`` (in ``period``, when given)."""
        return tuple(
            f
            for f in self.findings
            if indicator in f.indicators
            and (period is None or not f.periods or period in f.periods)
        )


def review(spec: Spec) -> Review:
    """Check ``spec`` and group what disagrees into distinct findings.

    Placeholder grouping: one finding per discrepancy, cause unexplained.
    """
    result = check(spec)
    findings = tuple(
        Finding(
            number=i,
            cause=Cause.UNEXPLAINED,
            row_label=d.subject,
            printed=d.reported,
            recomputed=d.recomputed,
            sources=(d.source,),
            indicators=(d.subject,),
            periods=(d.period,) if d.period else (),
            discrepancies=(d,),
        )
        for i, d in enumerate(result.discrepancies, start=1)
    )
    return Review(result.checked, result.consistent, findings)


def cause_text(cause: Cause, locale: Locale) -> str:
    return str(cause)


def finding_note(finding: Finding, locale: Locale) -> str:
    """The short note a row's Keterangan carries, e.g. ``Reviu 3: dicetak 73,78 …``."""
    return f"#{finding.number}: {finding.printed} / {finding.recomputed} ({cause_text(finding.cause, locale)})"
