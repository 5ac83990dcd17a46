"""What the ``sakipcalc`` command and its ``batch`` subcommand share: exit codes, options."""

from __future__ import annotations

import argparse

from .limits import Limits

EXIT_OK = 0
EXIT_PROBLEMS = 1  # the spec, data or figures have problems
EXIT_USAGE = 2  # usage or file errors


def add_allow_root(parser: argparse.ArgumentParser) -> None:
    """``--allow-root DIR``: a directory outside the spec that its imports may read."""
    parser.add_argument(
        "--allow-root",
        action="append",
        default=[],
        metavar="DIR",
        help="a directory outside the spec that its imports may read (repeatable)",
    )
    # For a spec you trust that is larger than the limits for specs from anyone.
    parser.add_argument(
        "--max-spec-mib",
        type=positive_int,
        metavar="N",
        help="raise the limit on the spec's total size (default 4 MiB; for a spec you trust)",
    )
    parser.add_argument(
        "--max-formulas",
        type=positive_int,
        metavar="N",
        help="raise the limit on the number of formulas (default 5,000; for a spec you trust)",
    )


def limits_of(args: argparse.Namespace) -> Limits:
    """The limits the command line asked for; unset options keep the defaults."""
    mib = args.max_spec_mib
    return Limits(
        max_spec_bytes=None if mib is None else mib * 1024 * 1024,
        max_formulas=args.max_formulas,
    )


def positive_int(text: str) -> int:
    """An option's value that must be a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
