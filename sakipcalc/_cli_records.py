"""``--records ID=FILE`` on evaluate, check and data: the spec's records aggregated into its data."""

from __future__ import annotations

import argparse
import dataclasses
from typing import TYPE_CHECKING, TextIO

from ._cli_common import EXIT_PROBLEMS, EXIT_USAGE
from ._terminal import printable
from .errors import Issue, IssueReport, Location, Severity, SpecError

if TYPE_CHECKING:  # cli imports this module for --help: the models load only once a command runs
    from ._spec import Spec

__all__ = ["add_records_argument", "checked_records", "records_source", "with_records"]


def records_source(text: str) -> tuple[str, str]:
    """``kasus=path/to/kasus.parquet`` -> ``("kasus", "path/to/kasus.parquet")``."""
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(
            f"expected ID=FILE (e.g. kasus=kasus.parquet), got {text!r}"
        )
    return name, path


def add_records_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--records",
        action="append",
        type=records_source,
        default=[],
        metavar="ID=FILE",
        help="the .csv or .parquet file of the spec's records ID (repeatable; replaces its 'path:')",
    )


def checked_records(
    spec: Spec, report: IssueReport, args: argparse.Namespace
) -> tuple[Spec | None, IssueReport]:
    """``validate``: the records checked against their tables too, where they can be read.

    A records table with no file (neither ``path:`` nor ``--records``) is not
    an error here: the spec is valid, and evaluate asks for the file. Without
    DuckDB the tables are not checked, and a warning says so.
    """
    given = dict(getattr(args, "records", None) or ())
    used = {v.source.records for v in spec.variables.values() if v.source is not None}
    if not used or not (given or any(spec.records[r].path for r in used)):
        return spec, report
    from ._records import load_records

    try:
        got = load_records(spec, given, allow_roots=args.allow_root or ())
    except SpecError as exc:
        found = [i for i in exc.issues if i.code != "records-source" or i.message.startswith("the")]
        merged = IssueReport.of([*report, *found])
        return (None if merged.has_errors else spec), merged
    except ImportError as exc:
        note = Issue(
            Severity.WARNING,
            "records-not-checked",
            f"the records were not checked against their tables: {exc}",
            Location(spec.files[0] if spec.files else "<spec>"),
        )
        return spec, IssueReport.of([*report, note])
    return spec, IssueReport.of([*report, *got.warnings])


def with_records(spec: Spec, args: argparse.Namespace, stderr: TextIO, verb: str) -> Spec | int:
    """The spec with its records aggregated into its data, or the exit code.

    Each aggregated variable's origin (file, filter, grouping) is said on
    standard error, so the figures can be traced to the register.
    """
    given = dict(getattr(args, "records", None) or ())
    if not given and not any(v.source is not None for v in spec.variables.values()):
        return spec
    from ._records import load_records

    try:
        got = load_records(spec, given, allow_roots=args.allow_root or ())
    except SpecError as exc:
        stderr.write(exc.issues.format(excerpt=True) + "\n")
        stderr.write(
            f"sakipcalc: the records have {len(exc.issues.errors)} errors; nothing was {verb}\n"
        )
        return EXIT_PROBLEMS
    except ImportError as exc:
        stderr.write(f"sakipcalc: {printable(str(exc))}\n")
        return EXIT_USAGE
    if got.warnings.issues:
        stderr.write(got.warnings.format(excerpt=True) + "\n")
    for name, trace in got.traces.items():
        stderr.write(printable(f"sakipcalc: {name} is the {trace}") + "\n")
    return dataclasses.replace(spec, data=got.data)
