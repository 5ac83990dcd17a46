"""The ``sakipcalc`` command: thin argument parsing over the public API.

``run(argv, stdout, stderr)`` takes injectable streams and returns the exit
code, so tests call it directly. Exit codes: 0 success, 1 the input has
problems (invalid spec, discrepancies, failed invariants), 2 usage or I/O.
No traceback reaches the user for bad input: every expected failure is a
:class:`SakipError`, and anything else is reported as an internal error.
Output files are written whole or not at all (:mod:`sakipcalc._atomic`), and
never over a file the run reads.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO, cast

from . import __version__
from ._atomic import write_atomically, write_bytes_atomically
from ._loader import load_issues
from ._paths import special_kind
from ._spec import Spec
from ._terminal import printable, printable_json, printable_lines
from ._types import Period
from .engine import evaluate
from .errors import (
    Issue,
    IssueReport,
    Location,
    OutputError,
    PeriodError,
    SakipError,
    Severity,
    SpecError,
)
from .i18n import LOCALES, Locale
from .results import EvaluationReport

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

DESCRIPTION = """\
Evaluate SAKIP/LAKIP performance indicators from YAML specs, exactly.

Give each command the spec: a directory of .yaml files, or the files
themselves. Run 'sakipcalc COMMAND --help' for a command's options.
"""

EPILOG = """\
exit status: 0 success; 1 the spec, data or figures have problems
(invalid spec, discrepancies, failed invariants); 2 usage or file errors.

examples:
  sakipcalc validate specs/tanah-laut-dinsos-2022
  sakipcalc evaluate specs/tanah-laut-dinsos-2022 --period 2022
  sakipcalc evaluate SPEC --format html -o laporan.html
  sakipcalc check SPEC --data realisasi.xlsx --data-locale id
"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting or printing, so ``run`` controls the streams."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._printed: list[str] = []

    def _print_message(self, message: str, file: Any = None) -> None:
        # --help and --version print here; keep it for run()'s own stdout.
        if message:
            self._printed.append(message)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: error: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Exit(status, "".join(self._printed) + (message or ""))


class _UsageError(Exception):
    pass


class _Exit(Exception):
    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _period(text: str) -> Period:
    try:
        return Period(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


FORMATS = ("table", "json", "markdown", "csv", "xlsx", "html")


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        nargs="+",
        default=[],
        metavar="FILE",
        help="realisation data kept apart from the spec: .yaml, .csv or .xlsx (long layout)",
    )
    parser.add_argument(
        "--data-locale",
        choices=LOCALES,
        help="how numbers in data files are written (default: the spec's 'locale')",
    )


def _spec_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--allow-root",
        action="append",
        default=[],
        metavar="DIR",
        help="a directory outside the spec that its imports may read (repeatable)",
    )


def _parser() -> _Parser:
    parser = _Parser(
        prog="sakipcalc",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sakipcalc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = sub.add_parser("validate", help="check spec files; print every issue")
    _spec_arguments(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")

    sub.add_parser("schema", help="print the JSON Schema of spec files")

    ev = sub.add_parser("evaluate", help="evaluate a spec for a period")
    _spec_arguments(ev)
    ev.add_argument(
        "--period", type=_period, help="2022 or 2022-Q3 (default: the latest year that has data)"
    )
    ev.add_argument("--format", choices=FORMATS, default="table")
    ev.add_argument("-o", "--output", help="write to this file instead of standard output")
    ev.add_argument(
        "--locale",
        choices=LOCALES,
        help="number format and labels: id (41,42) or en (41.42); default en, html: id",
    )
    _data_arguments(ev)

    check = sub.add_parser("check", help="reconcile reported figures against recomputation")
    _spec_arguments(check)
    check.add_argument("--format", choices=("table", "json"), default="table")
    check.add_argument(
        "--locale", choices=LOCALES, default="en", help="language of the table: id or en"
    )
    _data_arguments(check)

    data = sub.add_parser(
        "data", help="write the spec's realisation data as CSV or XLSX (the long layout)"
    )
    _spec_arguments(data)
    data.add_argument("-o", "--output", required=True, help="FILE.csv or FILE.xlsx")
    data.add_argument("--locale", choices=LOCALES, default="en", help="number format")
    data.add_argument("--period", type=_period, help="only this period (default: all)")
    _data_arguments(data)

    test = sub.add_parser("test", help="property-test every indicator's invariants")
    _spec_arguments(test)
    test.add_argument("--examples", type=_positive_int, default=100, help="examples per invariant")
    test.add_argument("--seed", type=int, default=0)

    # The columnar path for many units; its optional libraries load only when it runs.
    from .batch import cli as batch_cli

    batch_cli.add_parser(sub)
    return parser


class _StandardOutput:
    """A stream whose write errors name it: "cannot write standard output: No space left…"."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputError(
                f"cannot write standard output: {exc.strerror or exc or type(exc).__name__}"
            ) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputError(
                f"cannot write standard output: {exc.strerror or exc or type(exc).__name__}"
            ) from None

    def __getattr__(self, name: str) -> Any:  # isatty, encoding …
        return getattr(self._stream, name)


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the CLI with ``argv`` (without the program name)."""
    stdout = cast(TextIO, _StandardOutput(stdout))
    try:
        args = _parser().parse_args(list(argv))
    except _UsageError as exc:
        stderr.write(f"{exc}\n")
        return EXIT_USAGE
    except _Exit as exc:
        if exc.message:
            (stdout if exc.status == 0 else stderr).write(exc.message)
        return exc.status
    try:
        if args.command == "validate":
            return _flushed(_validate(args, stdout), stdout)
        if args.command == "schema":
            from ._schema import schema_text

            stdout.write(schema_text())
            return _flushed(EXIT_OK, stdout)
        if args.command == "evaluate":
            return _flushed(_evaluate(args, stdout, stderr), stdout)
        if args.command == "check":
            return _flushed(_check(args, stdout, stderr), stdout)
        if args.command == "test":
            return _flushed(_test(args, stdout, stderr), stdout)
        if args.command == "data":
            return _data(args, stderr)
        if args.command == "batch":
            from .batch import cli as batch_cli

            return batch_cli.run(args, stdout, stderr)
    except SakipError as exc:
        stderr.write(f"sakipcalc: {printable(str(exc))}\n")
        return EXIT_USAGE
    except OSError as exc:
        stderr.write(f"sakipcalc: {printable(_os_error_text(exc))}\n")
        return EXIT_USAGE
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


def _flushed(code: int, stdout: TextIO) -> int:
    stdout.flush()
    return code


def _os_error_text(exc: OSError) -> str:
    """``cannot use PATH: reason``: an OS error always names its path."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    if not paths:
        return reason
    return f"cannot use {' -> '.join(paths)}: {reason}"


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


def _validate(args: argparse.Namespace, stdout: TextIO) -> int:
    special = _special_paths(args.paths)
    spec, report = (
        (None, special) if special else load_issues(args.paths, allow_roots=args.allow_root)
    )
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
        else load_issues(args.paths, progress_stream=stderr, allow_roots=args.allow_root)
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


def _with_data(spec: Spec, args: argparse.Namespace, stderr: TextIO, verb: str) -> Spec | int:
    """The spec with any --data files merged into its data, or the exit code."""
    if not args.data:
        return spec
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
    return dataclasses.replace(spec, data=data)


def _evaluate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    spec, code = _load_or_report(args, stderr)
    if spec is None:
        return code
    merged = _with_data(spec, args, stderr, "evaluated")
    if isinstance(merged, int):
        return merged
    spec = merged
    period = args.period or _latest_year(spec)
    if args.period is None:
        stderr.write(
            f"sakipcalc: evaluating {period}, the latest year with data (--period chooses)\n"
        )
    _refuse_input_as_output(args.output, spec, args)
    report = evaluate(spec, period=period, progress_stream=stderr)
    fmt = args.format
    locale: Locale = args.locale or ("id" if fmt == "html" else "en")
    if fmt == "xlsx":
        if not args.output:
            stderr.write("sakipcalc: --format xlsx writes a file; give it with -o FILE.xlsx\n")
            return EXIT_USAGE
        from .render import render_xlsx

        try:
            write_atomically(args.output, lambda path: render_xlsx(report, path, locale=locale))
        except ImportError as exc:
            stderr.write(f"sakipcalc: {exc}\n")
            return EXIT_USAGE
        return EXIT_OK
    try:
        text = _render(report, fmt, locale, colour=_colour(stdout) and not args.output)
    except ImportError as exc:
        stderr.write(f"sakipcalc: {exc}\n")
        return EXIT_USAGE
    # Excel recognises UTF-8 in a CSV file only with a byte-order mark.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    _write(text, args, stdout, encoding=encoding)
    return EXIT_OK


def _latest_year(spec: Spec) -> str:
    """The latest year with any data (a year whose quarters have data counts too)."""
    years = [p[:4] for p in spec.data.periods]
    return max(years) if years else str(spec.info.plan.end)


def _render(report: EvaluationReport, fmt: str, locale: Locale, *, colour: bool) -> str:
    # Renderers are imported when used: `import sakipcalc` and `--help` stay quick.
    from .render import render_json, render_markdown, render_table

    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report, locale=locale)
    if fmt == "csv":
        from .render import render_csv

        return render_csv(report, locale=locale)
    if fmt == "html":
        from .render import render_html

        return render_html(report, locale=locale)
    return render_table(report, locale=locale, colour=colour)


def _colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .check import check, render_check_json, render_check_table

    spec, code = _load_or_report(args, stderr)
    if spec is None:
        return code
    merged = _with_data(spec, args, stderr, "checked")
    if isinstance(merged, int):
        return merged
    spec = merged
    result = check(spec)
    if args.format == "json":
        stdout.write(printable_json(render_check_json(result)))
    else:
        stdout.write(printable_lines(render_check_table(result, locale=args.locale)))
    return EXIT_PROBLEMS if result.discrepancies else EXIT_OK


def _data(args: argparse.Namespace, stderr: TextIO) -> int:
    from ._export import write_data
    from ._spec import DataSet

    spec, code = _load_or_report(args, stderr)
    if spec is None:
        return code
    merged = _with_data(spec, args, stderr, "written")
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


def _test(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
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


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
        if code == EXIT_USAGE:
            _silence_stdout()  # what could not be written must not fail again at exit
        return code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in sakipcalc, not in the input: say so, briefly
        sys.stderr.write(
            f"sakipcalc: internal error ({type(exc).__name__}: {printable(str(exc))}); please report it with "
            f"the command you ran\n"
        )
        return 70


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit cannot fail loudly."""
    try:
        sys.stdout.flush()
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
