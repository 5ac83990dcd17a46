"""Loading a spec: read its files, merge them, validate the draft.

The steps live in their own modules; this one only runs them in order:
``_files`` (find files, follow imports, strict YAML through ``_source``) →
``_merge`` (validated items, merged) → ``validation`` (rules, formulas, data).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._args import require_paths
from ._exact import own_context
from ._files import display, read_spec_files
from ._merge import merge
from ._spec import Spec
from .errors import Issue, IssueReport, Location, Severity, SpecError
from .validation import check


@own_context  # the caller's Decimal context never reaches a figure
def load_issues(
    paths: Sequence[str | os.PathLike[str]], *, progress_stream: TextIO | None = None
) -> tuple[Spec | None, IssueReport]:
    """Load and check; return the spec (None when there are errors) and every issue.

    ``progress_stream`` shows a progress bar there while files are read, when it
    is a terminal.
    """
    require_paths(paths)
    docs, issues = read_spec_files(paths, progress_stream)
    merged, merge_issues = merge(docs)
    outcome = check(merged, [*issues, *merge_issues])
    report = IssueReport.of(outcome.issues)
    if report.has_errors:
        return None, report
    return outcome.spec, report


def load(*paths: str | os.PathLike[str]) -> Spec:
    """Load a spec from files or directories. Raises :class:`SpecError` with every issue."""
    spec, report = load_issues(paths)
    if spec is None:
        if not report.has_errors:  # a library: valid, but nothing to evaluate
            where = Location(display(Path(paths[0]))) if paths else Location("<spec>")
            report = IssueReport.of(
                [
                    *report,
                    Issue(
                        Severity.ERROR,
                        "missing-spec",
                        "these files hold only shared scales or breakdowns and no 'spec:' "
                        "section; import them from a spec instead of loading them alone",
                        where,
                    ),
                ]
            )
        raise SpecError(report)
    return spec


def validate(*paths: str | os.PathLike[str]) -> IssueReport:
    """Every issue in a spec, errors and warnings, without raising."""
    return load_issues(paths)[1]
