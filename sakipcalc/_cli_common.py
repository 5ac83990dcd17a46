"""What the ``sakipcalc`` command and its ``batch`` subcommand share: exit codes, options."""

from __future__ import annotations

import argparse

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
