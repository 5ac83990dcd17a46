"""The chapter III layout as data: rows, sasaran and tujuan blocks, PK tables, notes.

Built by :func:`._chapter.build_chapter`; read by every renderer. Frozen,
locale-free: the words come from :mod:`._chapter_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..check.review import Finding, Review
from ..models import Narrative, NationalStandard, TargetSpec
from ..results import (
    AgreementItemResult,
    AgreementResult,
    EvaluationReport,
    Figure,
    IndicatorResult,
    RollupResult,
)
from ..validation.report import REPORT_TABLE_KEYS

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
    "is_iku",
    "superscript",
]

# sakipcalc's own table numbering: key -> letter. An agreement's PK is "E.n".
# The keys are the ones ``spec.report.tables`` may map (validation.report).
TABLE_LETTERS: dict[str, str] = dict(zip(REPORT_TABLE_KEYS, "ABCDEFGH", strict=True))
TABLE_KEYS: frozenset[str] = frozenset(TABLE_LETTERS)

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def is_iku(tags: Iterable[str]) -> bool:
    """An agency's key indicator: tagged ``IKU`` (``IKU Pemkab`` is the regency's, not the agency's)."""
    return any(tag.strip().casefold() == "iku" for tag in tags)


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


@dataclass(frozen=True, slots=True)
class Note:
    """A method note: what a mark on a computed figure means.

    ``key`` is a label key (``method_achievement`` …); ``detail`` a rule or
    scale it names.
    """

    number: int
    key: str
    detail: str = ""

    @property
    def mark(self) -> str:
        return superscript(self.number)


@dataclass(frozen=True, slots=True)
class OtherTarget:
    """A second figure for one indicator: another document's target, and its capaian."""

    agreement: str
    official: str
    target: TargetSpec | None
    achievement: Figure
    basis: str  # "pk": the PK's target beside the Renstra row; "renstra": the reverse


@dataclass(frozen=True, slots=True)
class Change:
    """An earlier year's realisation and the change to this period's."""

    period: str
    target: TargetSpec | None
    realisation: Figure
    achievement: Figure
    points: Decimal | None  # this period minus that year, in the indicator's unit
    percent: Decimal | None  # points / that year × 100, half-up to 2 places


@dataclass(frozen=True, slots=True)
class Comparison:
    """What chapter III compares one indicator with (PermenPANRB 53/2014)."""

    changes: tuple[Change, ...]
    end_target: TargetSpec | None
    end_year: int | None
    progress: Figure | None
    national_standard: NationalStandard | None

    @property
    def empty(self) -> bool:
        return not self.changes and self.end_target is None and self.national_standard is None


@dataclass(frozen=True, slots=True)
class ChapterRow:
    number: int
    result: IndicatorResult
    owner: str  # the official's or unit's name
    iku: bool
    realisation_mark: str  # "" when the report printed it
    achievement_mark: str
    other_targets: tuple[OtherTarget, ...]
    comparison: Comparison
    narrative: Narrative | None
    findings: tuple[Finding, ...]
    goal_level: bool = False  # an indicator of the tujuan itself

    @property
    def id(self) -> str:
        return self.result.indicator


@dataclass(frozen=True, slots=True)
class ObjectiveBlock:
    id: str | None  # None: indicators of no sasaran (or the tujuan's own)
    name: str
    rows: tuple[ChapterRow, ...]
    narrative: Narrative | None = None


@dataclass(frozen=True, slots=True)
class GoalBlock:
    id: str | None  # None: no tujuan known
    name: str
    objectives: tuple[ObjectiveBlock, ...]
    narrative: Narrative | None = None

    @property
    def rows(self) -> tuple[ChapterRow, ...]:
        return tuple(row for block in self.objectives for row in block.rows)


@dataclass(frozen=True, slots=True)
class AgreementRow:
    number: int
    item: AgreementItemResult
    objective: str
    other_targets: tuple[OtherTarget, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class AgreementTable:
    key: str  # the agreement id
    number: int  # E.n
    caption: str | None  # the report's own, from spec.report.tables
    result: AgreementResult
    rows: tuple[AgreementRow, ...]
    unit_rollup: RollupResult | None  # the org unit's roll-up, when it differs


@dataclass(frozen=True, slots=True)
class Chapter:
    report: EvaluationReport
    iku: tuple[GoalBlock, ...]
    indicators: tuple[GoalBlock, ...]
    no_data: tuple[ChapterRow, ...]
    agreements: tuple[AgreementTable, ...]
    rollups: tuple[RollupResult, ...]
    names: Mapping[str, str]  # indicator and unit ids -> names, for lists of members
    captions: Mapping[str, str]  # table key -> the report's caption
    notes: tuple[Note, ...]
    review: Review | None
    end_year: int | None
    rollup_rule: str
    figure_notes: Mapping[str, Note] = field(default_factory=dict)

    def note(self, key: str, detail: str = "") -> Note | None:
        return self.figure_notes.get(f"{key}:{detail}")

    def mark(self, key: str, detail: str = "") -> str:
        note = self.note(key, detail)
        return note.mark if note is not None else ""

    @property
    def rows(self) -> tuple[ChapterRow, ...]:
        return tuple(r for block in (*self.iku, *self.indicators) for r in block.rows)

    @property
    def comparisons(self) -> tuple[ChapterRow, ...]:
        return tuple(r for r in self.rows if not r.comparison.empty)

    @property
    def row_labels(self) -> dict[str, str]:
        """Indicator id -> its row in Tabel A or B ("A1", "B3").

        How every other part of the report names an indicator of the
        measurement tables: the budget's "supports" column, the charts and
        their data tables.
        """
        return {
            row.id: f"{TABLE_LETTERS[key]}{row.number}"
            for key, goals in (("iku", self.iku), ("indicators", self.indicators))
            for goal in goals
            for row in goal.rows
        }
