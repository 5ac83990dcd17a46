"""Loading a spec: read its files, merge them, validate the draft.

The steps live in their own modules; this one only runs them in order:
``_files`` (find files, follow imports, strict YAML through ``_source``) →
``_merge`` (validated items, merged) → ``validation`` (rules, formulas, data).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ._args import require_paths
from ._exact import own_context
from ._files import LIMIT_CODES, display, read_spec_files
from ._merge import merge
from ._source import SourceDoc
from ._spec import Spec
from .errors import Issue, IssueReport, Location, Severity, SpecError
from .limits import Limits
from .validation import check


@own_context  # the caller's Decimal context never reaches a figure
def load_issues(
    paths: Sequence[str | os.PathLike[str]],
    *,
    progress_stream: TextIO | None = None,
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
) -> tuple[Spec | None, IssueReport]:
    """Load and check; return the spec (None when there are errors) and every issue.

    ``progress_stream`` shows a progress bar there while files are read, when it
    is a terminal.

    Files and imports are read only inside the directory tree of each path
    given, the packaged standard library (``sakipcalc:standard``) and the
    directories in ``allow_roots``; anything else is refused unread.
    ``limits`` raises the documented limits for a spec you trust
    (:class:`sakipcalc.limits.Limits`).
    """
    require_paths(paths)
    issues: list[Issue] = []

    def docs() -> Iterator[SourceDoc]:
        for doc, found in read_spec_files(paths, progress_stream, allow_roots, limits):
            issues.extend(found)
            if doc is not None:
                yield doc

    # Each file is merged as soon as it is read, so one file's YAML is in memory at a time.
    merged, merge_issues = merge(docs())
    if any(issue.code in LIMIT_CODES for issue in issues):
        return None, IssueReport.of(issues)  # checking a part would only add noise
    outcome = check(merged, [*issues, *merge_issues], limits or Limits())
    report = IssueReport.of(outcome.issues)
    if report.has_errors:
        return None, report
    return outcome.spec, report


def load(
    *paths: str | os.PathLike[str],
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
) -> Spec:
    """Load a spec from files or directories. Raises :class:`SpecError` with every issue.

    ``allow_roots`` names directories outside the spec that it may import from,
    such as a province's shared scales beside its kabupaten specs. ``limits``
    raises the documented limits for a spec you trust.
    """
    spec, report = load_issues(paths, allow_roots=allow_roots, limits=limits)
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


def validate(
    *paths: str | os.PathLike[str],
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
) -> IssueReport:
    """Every issue in a spec, errors and warnings, without raising (arguments as in load)."""
    return load_issues(paths, allow_roots=allow_roots, limits=limits)[1]
