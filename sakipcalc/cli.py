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
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from . import __version__
from ._cli_common import EXIT_OK, EXIT_USAGE, add_allow_root, positive_int
from ._cli_records import add_records_argument
from ._terminal import printable
from .errors import OutputError, PeriodError, SakipError
from .i18n import LOCALES

if TYPE_CHECKING:
    from ._types import Period

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


def _period(text: str) -> Period:
    from ._types import Period  # imports pydantic: only when a period is given, not for --help

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
    add_records_argument(parser)


def _spec_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH")
    add_allow_root(parser)


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
    add_records_argument(validate)

    sub.add_parser("schema", help="print the JSON Schema of spec files")

    ev = sub.add_parser("evaluate", help="evaluate a spec for a period")
    _spec_arguments(ev)
    ev.add_argument(
        "--period", type=_period, help="2022 or 2022-Q3 (default: the latest year that has data)"
    )
    ev.add_argument("--format", choices=FORMATS, default="table")
    ev.add_argument("-o", "--output", help="write to this file instead of standard output")
    ev.add_argument(
        "--quarters",
        action="store_true",
        help="quarterly monitoring: TW I-IV of the year side by side, the cumulative figure "
        "and the annual target, alone (the html and xlsx reports of a year include it "
        "when the data has that year's quarters)",
    )
    ev.add_argument(
        "--locale",
        choices=LOCALES,
        help="number format and labels: id (41,42) or en (41.42); default en, html: id",
    )
    ev.add_argument(
        "--check",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="reconcile the report's printed figures and put the findings in the report "
        "(default: on when the spec has 'reported:' figures)",
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

    tree = sub.add_parser("tree", help="draw the performance tree (pohon kinerja) as SVG")
    _spec_arguments(tree)
    tree.add_argument(
        "--period",
        type=_period,
        help="whose figures colour it (default: the latest year with data)",
    )
    tree.add_argument("-o", "--output", help="write FILE.svg instead of standard output")
    tree.add_argument("--locale", choices=LOCALES, default="id", help="language: id or en")
    _data_arguments(tree)

    test = sub.add_parser("test", help="property-test every indicator's invariants")
    _spec_arguments(test)
    test.add_argument("--examples", type=positive_int, default=100, help="examples per invariant")
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
    # The commands load the spec models; imported only now, so that --help stays quick.
    from ._cli_commands import (
        check_command,
        data_command,
        evaluate_command,
        test_command,
        tree_command,
        validate,
    )

    try:
        if args.command == "validate":
            return _flushed(validate(args, stdout), stdout)
        if args.command == "schema":
            from ._schema import schema_text

            stdout.write(schema_text())
            return _flushed(EXIT_OK, stdout)
        if args.command == "evaluate":
            return _flushed(evaluate_command(args, stdout, stderr), stdout)
        if args.command == "check":
            return _flushed(check_command(args, stdout, stderr), stdout)
        if args.command == "tree":
            return _flushed(tree_command(args, stdout, stderr), stdout)
        if args.command == "test":
            return _flushed(test_command(args, stdout, stderr), stdout)
        if args.command == "data":
            return data_command(args, stderr)
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
