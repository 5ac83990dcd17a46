"""The commands of the ``sakipcalc`` command line, each taking its parsed arguments.

:mod:`sakipcalc.cli` parses the arguments and imports this module only once a
command runs, so that ``sakipcalc --help`` does not load the spec models.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ._atomic import write_atomically, write_bytes_atomically
from ._cli_common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, limits_of
from ._cli_records import checked_records, with_records
from ._loader import load_issues
from ._paths import special_kind
from ._spec import Spec
from ._terminal import printable, printable_json, printable_lines
from .engine import evaluate
from .errors import Issue, IssueReport, Location, OutputError, Severity, SpecError
from .i18n import Locale
from .results import EvaluationReport

if TYPE_CHECKING:  # the review loads only when it runs
    from .check.review import Review
    from .engine.quarters import QuarterlyReport

__all__ = [
    "check_command",
    "data_command",
    "evaluate_command",
    "test_command",
    "tree_command",
    "validate",
]


def _special_paths(paths: Sequence[str]) -> IssueReport:
    """Paths that exist but are neither file nor directory (a FIFO, a device), as errors.

    Said before anything is read, so that the user hears what the path is,
    not that it was "not found".
    """
    issues = []
    for path in paths:
        kind = special_kind(path)
        if kind is not None:
            issues.append(
                Issue(
                    Severity.ERROR,
                    "io-error",
                    f"is {kind}, not a file or directory",
                    Location(path),
                    hint="give a spec directory or its .yaml files",
                )
            )
    return IssueReport.of(issues)


def _print_issues(report: IssueReport, stream: TextIO) -> None:
    if report.issues:
        stream.write(report.format(excerpt=True) + "\n")


def _is_io_only(report: IssueReport) -> bool:
    return bool(report.errors) and all(
        i.code in ("io-error", "no-spec-files") for i in report.errors
    )


def validate(args: argparse.Namespace, stdout: TextIO) -> int:
    special = _special_paths(args.paths)
    spec, report = (
        (None, special)
        if special
        else load_issues(args.paths, allow_roots=args.allow_root, limits=limits_of(args))
    )
    if spec is not None:
        spec, report = checked_records(spec, report, args)
    if args.format == "json":
        payload = {
            "valid": not report.has_errors,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "issues": [i.as_dict() for i in report.shown()],
        }
        not_shown = report.not_shown()
        if any(not_shown.values()):
            payload["not_shown"] = not_shown
        stdout.write(printable_json(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n")
    else:
        _print_issues(report, stdout)
        if spec is not None:
            stdout.write(
                f"valid: {len(spec.indicators)} indicators in {len(spec.files)} files"
                + (f", {len(report.warnings)} warnings" if report.warnings else "")
                + "\n"
            )
        elif not report.has_errors:
            stdout.write("valid: a library of shared scales or breakdowns (no 'spec:' section)\n")
        else:
            stdout.write(f"invalid: {len(report.errors)} errors, {len(report.warnings)} warnings\n")
    if _is_io_only(report):
        return EXIT_USAGE
    return EXIT_PROBLEMS if report.has_errors else EXIT_OK


def _load_or_report(args: argparse.Namespace, stderr: TextIO) -> tuple[Spec | None, int]:
    special = _special_paths(args.paths)
    spec, report = (
        (None, special)
        if special
        else load_issues(
            args.paths,
            progress_stream=stderr,
            allow_roots=args.allow_root,
            limits=limits_of(args),
        )
    )
    if spec is None:
        _print_issues(report, stderr)
        stderr.write(
            f"sakipcalc: the spec has {len(report.errors)} errors; nothing was evaluated\n"
        )
        return None, EXIT_USAGE if _is_io_only(report) else EXIT_PROBLEMS
    return spec, EXIT_OK


def _write(text: str, args: argparse.Namespace, stdout: TextIO, *, encoding: str = "utf-8") -> None:
    output = getattr(args, "output", None)
    if output:
        write_bytes_atomically(output, text.encode(encoding))
    else:
        stdout.write(text)


def _refuse_input_as_output(output: str | None, spec: Spec, args: argparse.Namespace) -> None:
    """Raise OutputError when ``-o`` names a file this run reads (a spec or data file)."""
    if not output or not os.path.exists(output):
        return
    inputs = [(name, "a spec file") for name in spec.files]
    inputs += [(name, "a data file") for name in getattr(args, "data", None) or ()]
    inputs += [(path, "a records file") for _, path in getattr(args, "records", None) or ()]
    for name, role in inputs:
        try:
            same = os.path.samefile(output, name)
        except (OSError, ValueError):
            continue
        if same:
            also = "" if name == output else f" ({name})"
            raise OutputError(
                f"-o {output} would overwrite {role} of this run{also}; choose another output file"
            )


def _spec_with_data(args: argparse.Namespace, stderr: TextIO, verb: str) -> Spec | int:
    """The spec loaded with any --data files merged into its data, or the exit code."""
    spec, code = _load_or_report(args, stderr)
    if spec is None:
        return code
    return _with_data(spec, args, stderr, verb)


def _with_data(spec: Spec, args: argparse.Namespace, stderr: TextIO, verb: str) -> Spec | int:
    """The spec with any --data files and its records merged into its data, or the exit code."""
    if not args.data:
        return with_records(spec, args, stderr, verb)
    from ._import import load_data

    try:
        data = load_data(spec, *args.data, locale=args.data_locale)
    except SpecError as exc:
        _print_issues(exc.issues, stderr)
        stderr.write(
            f"sakipcalc: the data has {len(exc.issues.errors)} errors; nothing was {verb}\n"
        )
        return EXIT_PROBLEMS
    except ImportError as exc:
        stderr.write(f"sakipcalc: {printable(str(exc))}\n")
        return EXIT_USAGE
    return with_records(dataclasses.replace(spec, data=data), args, stderr, verb)


def _latest_year_note(key: str, period: str, args: argparse.Namespace) -> str:
    """The period chosen for the reader, in the report's locale (issue 12: CLI messages too)."""
    from .i18n import label

    locale: Locale = "id" if getattr(args, "locale", None) == "id" else "en"
    return "sakipcalc: " + label(key, locale).format(period=period) + "\n"


def evaluate_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec = _spec_with_data(args, stderr, "evaluated")
    if isinstance(spec, int):
        return spec
    period = args.period or _latest_year(spec)
    if args.period is None:
        stderr.write(_latest_year_note("cli_latest_evaluating", period, args))
    _refuse_input_as_output(args.output, spec, args)
    if getattr(args, "quarters", False):  # quarterly monitoring: sakipcalc._cli_quarters
        from ._cli_quarters import quarterly_output

        return quarterly_output(spec, period, args, stdout, stderr)
    report = evaluate(spec, period=period, progress_stream=stderr)
    fmt = args.format
    locale: Locale = args.locale or ("id" if fmt == "html" else "en")
    review = _review(spec, args)
    # The main HTML and XLSX reports of a year embed its quarterly monitoring, if it has any.
    quarterly = None
    if fmt in ("html", "xlsx"):
        from ._cli_quarters import quarterly_for_report

        quarterly = quarterly_for_report(spec, period)
    if fmt == "xlsx":
        if not args.output:
            stderr.write("sakipcalc: --format xlsx writes a file; give it with -o FILE.xlsx\n")
            return EXIT_USAGE
        from .render import render_xlsx

        try:
            write_atomically(
                args.output,
                lambda path: render_xlsx(
                    report, path, locale=locale, spec=spec, review=review, quarterly=quarterly
                ),
            )
        except ImportError as exc:
            stderr.write(f"sakipcalc: {exc}\n")
            return EXIT_USAGE
        return EXIT_OK
    try:
        text = _render(
            report,
            fmt,
            locale,
            colour=_colour(stdout) and not args.output,
            review=review,
            spec=spec,
            quarterly=quarterly,
        )
    except ImportError as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    # Excel recognises UTF-8 in a CSV file only with a byte-order mark.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    _write(text, args, stdout, encoding=encoding)
    return EXIT_OK


def tree_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``sakipcalc tree SPEC [-o pohon.svg]``: the performance tree as one SVG file."""
    spec = _spec_with_data(args, stderr, "drawn")
    if isinstance(spec, int):
        return spec
    period = args.period or _latest_year(spec)
    if args.period is None:
        stderr.write(_latest_year_note("cli_latest_drawing", period, args))
    _refuse_input_as_output(args.output, spec, args)
    report = evaluate(spec, period=period, progress_stream=stderr)
    from .render._tree_svg import render_tree_svg

    try:
        text = render_tree_svg(spec, report, locale=args.locale)
    except ImportError as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    _write(text, args, stdout)
    return EXIT_OK


def _latest_year(spec: Spec) -> str:
    """The latest year with any data (a year whose quarters have data counts too)."""
    years = [p[:4] for p in spec.data.periods]
    return max(years) if years else str(spec.info.plan.end)


def _review(spec: Spec, args: argparse.Namespace) -> Review | None:
    """The review of the report's printed figures: with --check, or by default when
    the spec records any (``reported:``); --no-check turns it off."""
    wanted = args.check if args.check is not None else bool(spec.reported)
    if not wanted:
        return None
    from .check.review import review

    return review(spec)


def _render(
    report: EvaluationReport,
    fmt: str,
    locale: Locale,
    *,
    colour: bool,
    review: Review | None = None,
    spec: Spec | None = None,
    quarterly: QuarterlyReport | None = None,
) -> str:
    # Renderers are imported when used: `import sakipcalc` and `--help` stay quick.
    from .render import render_json, render_markdown, render_table

    if fmt == "json":
        return render_json(report)  # machine formats: the review is `check --format json`
    if fmt == "markdown":
        return render_markdown(report, locale=locale, spec=spec, review=review)
    if fmt == "csv":
        from .render import render_csv

        return render_csv(report, locale=locale)
    if fmt == "html":
        from .render import render_html

        return render_html(report, locale=locale, spec=spec, review=review, quarterly=quarterly)
    return render_table(report, locale=locale, colour=colour, spec=spec, review=review)


def _colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def check_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .check import check, render_check_json, render_check_table
    from .check.review import group

    spec = _spec_with_data(args, stderr, "checked")
    if isinstance(spec, int):
        return spec
    result = check(spec)
    review = group(spec, result)
    if args.format == "json":
        stdout.write(printable_json(render_check_json(result, review)))
    else:
        text = render_check_table(result, locale=args.locale, review=review)
        stdout.write(printable_lines(text))
    return EXIT_PROBLEMS if result.discrepancies else EXIT_OK


def data_command(args: argparse.Namespace, stderr: TextIO) -> int:
    from ._export import write_data
    from ._spec import DataSet

    merged = _spec_with_data(args, stderr, "written")
    if isinstance(merged, int):
        return merged
    _refuse_input_as_output(args.output, merged, args)
    data = merged.data
    if args.period is not None:
        data = DataSet({args.period: data.values.get(args.period, {})})
    try:
        write_atomically(args.output, lambda path: write_data(data, path, locale=args.locale))
    except (ImportError, ValueError) as exc:
        stderr.write(f"sakipcalc: {printable(str(exc))}\n")
        return EXIT_USAGE
    return EXIT_OK


def test_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        from .testing import run_invariants
    except ImportError:
        stderr.write('sakipcalc: `test` needs Hypothesis: pip install "sakipcalc[testing]"\n')
        return EXIT_USAGE

    spec, code = _load_or_report(args, stderr)
    if spec is None:
        return code
    outcome = run_invariants(
        spec, max_examples=args.examples, seed=args.seed, progress_stream=stderr
    )
    stdout.write(printable_lines(outcome.render()))
    return EXIT_OK if outcome.passed else EXIT_PROBLEMS
