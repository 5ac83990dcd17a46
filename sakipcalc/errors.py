"""Errors and issues: the one exception tree of sakipcalc.

Problems in a user's spec or data are *issues*: immutable data collected in an
:class:`IssueReport`. Exceptions are raised only at the edge, and every one of
them derives from :class:`SakipError`::

    SakipError                 root: ``except SakipError`` catches everything we raise
    ├── SpecError              a spec (or data) did not load; carries ``.issues``
    ├── PeriodError            a period string such as ``2022-Q5`` is malformed
    ├── EvaluationError        a result was asked for something the spec lacks (a KeyError)
    ├── ArgumentError          a public function was given a wrong argument (a TypeError, ValueError)
    └── OutputError            an output file could not be written; names the path

Every message is formatted here, and user text in it (keys, cell text, file
names) has its control characters spelled out (``\x1b``) before it can reach
a terminal. At most :data:`MAX_PRINTED_ISSUES` issues are printed; a summary
line counts the rest by severity.

Data problems met *during* evaluation (a zero denominator, a missing input)
are never exceptions: they are typed statuses on the results.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ._terminal import printable

__all__ = [
    "MAX_PRINTED_ISSUES",
    "ArgumentError",
    "EvaluationError",
    "Issue",
    "IssueReport",
    "Location",
    "OutputError",
    "PeriodError",
    "SakipError",
    "Severity",
    "SpecError",
]


#: Issues printed by :meth:`IssueReport.format` (and the CLI's JSON); the rest are counted.
MAX_PRINTED_ISSUES = 200


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is in the user's files. Lines and columns count from 1."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a spec or in data.

    ``code`` is stable (tools may match on it); ``message`` says what is wrong
    and how to fix it; ``path`` is the position inside the document, such as
    ``indicators[3].targets.2022``.
    """

    severity: Severity
    code: str
    message: str
    location: Location
    path: str = ""
    hint: str | None = None
    excerpt: str | None = None  # e.g. a formula with a caret under the fault

    def format(self, *, excerpt: bool = False) -> str:
        """The compiler format editors and grep understand: one line per issue.

        With ``excerpt``, indented context lines (such as a formula and a caret)
        follow, as compilers print them.
        """
        text = f"{self.location}: {self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.path:
            text += f" [{self.path}]"
        text = printable(text)
        if excerpt and self.excerpt:
            text += "".join(f"\n    {printable(line)}" for line in self.excerpt.splitlines())
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "path": self.path,
            "hint": self.hint,
            "excerpt": self.excerpt,
        }


def _issue_sort_key(issue: Issue) -> tuple[str, int, int, str, str]:
    loc = issue.location
    return (loc.file, loc.line or 0, loc.column or 0, issue.code, issue.message)


@dataclass(frozen=True, slots=True)
class IssueReport:
    """Every issue found, sorted by file, line and column."""

    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, issues: Iterable[Issue]) -> IssueReport:
        unique = dict.fromkeys(issues)  # keeps first occurrence, drops exact repeats
        return cls(tuple(sorted(unique, key=_issue_sort_key)))

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def shown(self, limit: int | None = MAX_PRINTED_ISSUES) -> tuple[Issue, ...]:
        """The issues to print: all, or ``limit`` of them with errors first, in report order."""
        if limit is None or len(self.issues) <= limit:
            return self.issues
        chosen = set((self.errors + self.warnings)[:limit])
        return tuple(i for i in self.issues if i in chosen)

    def not_shown(self, limit: int | None = MAX_PRINTED_ISSUES) -> dict[str, int]:
        """How many issues :meth:`shown` leaves out, by severity (``{"error": 3, …}``)."""
        shown = set(self.shown(limit))
        counts = {severity.value: 0 for severity in Severity}
        for issue in self.issues:
            if issue not in shown:
                counts[issue.severity.value] += 1
        return counts

    def format(self, *, excerpt: bool = False, limit: int | None = MAX_PRINTED_ISSUES) -> str:
        """One line per issue (see :meth:`Issue.format`); past ``limit``, one line counting the rest."""
        lines = [i.format(excerpt=excerpt) for i in self.shown(limit)]
        rest = self.not_shown(limit)
        if any(rest.values()):
            lines.append(omitted_summary(rest))
        return "\n".join(lines)


def omitted_summary(counts: dict[str, int]) -> str:
    """``… and 1,203 more issues not shown (1,200 errors, 3 warnings)``."""
    total = sum(counts.values())
    parts = [
        f"{count:,} {severity}{'s' if count != 1 else ''}"
        for severity, count in counts.items()
        if count
    ]
    noun = "issue" if total == 1 else "issues"
    return f"… and {total:,} more {noun} not shown ({', '.join(parts)})"


class SakipError(Exception):
    """Root of every exception sakipcalc raises on purpose."""


class SpecError(SakipError):
    """A spec or its data did not load. ``issues`` holds every problem found."""

    def __init__(self, issues: IssueReport) -> None:
        self.issues = issues
        errors = issues.errors
        head = errors[0].format() if errors else "invalid spec"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(head + more)


class PeriodError(SakipError, ValueError):
    """A period string is malformed. Accepted: ``2022`` or ``2022-Q1`` … ``2022-Q4``."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"invalid period {text!r}: write a year such as 2022 or a quarter such as 2022-Q3"
        )


class ArgumentError(SakipError, TypeError, ValueError):
    """A public function was called with a wrong argument; the message names the argument.

    Mostly a wrong type (hence TypeError); a value outside a fixed set, such as
    an unknown locale, is a ValueError too, which callers already caught.
    """


class OutputError(SakipError, OSError):
    """An output file could not be written. The message names the path and the reason."""

    def __str__(self) -> str:  # OSError would show its args as a tuple when given several
        return str(self.args[0]) if self.args else ""


class EvaluationError(SakipError, KeyError):
    """A result was asked for something the spec does not have (e.g. an unknown indicator)."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""
