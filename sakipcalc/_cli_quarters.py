"""``sakipcalc evaluate --quarters``: quarterly monitoring (triwulan I–IV) of one year, in any format."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from ._atomic import write_atomically, write_bytes_atomically
from ._cli_common import EXIT_OK, EXIT_USAGE
from ._spec import Spec
from ._terminal import printable
from ._types import Period
from .engine import evaluate_quarters
from .engine.quarters import QuarterlyReport
from .i18n import Locale, label

__all__ = ["quarterly_for_report", "quarterly_output"]


def quarterly_for_report(spec: Spec, period: str) -> QuarterlyReport | None:
    """The quarterly monitoring the main HTML or XLSX report of ``period`` embeds.

    Only for a report of a whole year whose data has quarters of that year
    (``2023-Q1`` …), and only when some indicator has quarterly figures;
    otherwise None, and the report is as it was.
    """
    if not Period(period).is_year:
        return None
    prefix = f"{period}-Q"
    if not any(str(p).startswith(prefix) for p in spec.data.periods):
        return None
    report = evaluate_quarters(spec, year=period)
    return report if report.indicators else None


def quarterly_output(
    spec: Spec, period: str, args: argparse.Namespace, stdout: TextIO, stderr: TextIO
) -> int:
    """Evaluate the four quarters of ``period`` (a year) and write them in ``args.format``."""
    fmt = args.format
    locale: Locale = args.locale or ("id" if fmt == "html" else "en")
    if not Period(period).is_year:
        said = label("cli_quarters_need_year", locale).format(year=period[:4], period=period)
        stderr.write(f"sakipcalc: {said}\n")
        return EXIT_USAGE
    report = evaluate_quarters(spec, year=period)
    from . import render

    try:
        if fmt == "xlsx":
            if not args.output:
                stderr.write("sakipcalc: --format xlsx writes a file; give it with -o FILE.xlsx\n")
                return EXIT_USAGE
            write_atomically(
                args.output, lambda path: render.render_quarters_xlsx(report, path, locale=locale)
            )
            return EXIT_OK
        if fmt == "json":
            out = render.render_quarters_json(report)
        elif fmt == "markdown":
            out = render.render_quarters_markdown(report, locale=locale)
        elif fmt == "csv":
            out = render.render_quarters_csv(report, locale=locale)
        elif fmt == "html":
            out = render.render_quarters_html(report, locale=locale)
        else:
            colour = not args.output and _is_terminal(stdout)
            out = render.render_quarters_table(report, locale=locale, colour=colour)
    except ImportError as exc:
        stderr.write(f"sakipcalc: {printable(str(exc))}\n")
        return EXIT_USAGE
    if args.output:
        # Excel recognises UTF-8 in a CSV file only with a byte-order mark.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        write_bytes_atomically(args.output, out.encode(encoding))
    else:
        stdout.write(out)
    return EXIT_OK


def _is_terminal(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
