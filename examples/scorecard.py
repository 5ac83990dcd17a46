"""Print a per-official scorecard from the performance agreements (Perjanjian Kinerja).

What it shows: how another tool reads ``report.agreements`` — one
:class:`sakipcalc.AgreementResult` per signed PK — through the public API only.
For each official: the position, the org unit and its level (eselon), then
each PK item's target, realisation, achievement and category, and the
official's roll-up (the spec's roll-up rule over the items' achievements).
Each item is held to the target the official *signed*; where the plan
(Renstra) sets another target for the same year, a note says so.

Run it from the repository root::

    python examples/scorecard.py                       # the bundled Tanah Laut spec
    python examples/scorecard.py path/to/spec --period 2022
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import sakipcalc

DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "specs" / "tanah-laut-dinsos-2022"


def cell(figure: sakipcalc.Figure) -> str:
    """A figure as printed, or ``n/a (reason)`` when it has none."""
    if figure.ok:
        return figure.display()
    return f"n/a ({figure.reason or figure.status.value})"


def escape(text: str) -> str:
    return text.replace("|", "\\|")


def scorecard(
    agreement: sakipcalc.AgreementResult, report: sakipcalc.EvaluationReport, rule: str
) -> list[str]:
    official = agreement.official or agreement.org_unit_name
    lines = [
        f"## {official} — eselon {agreement.level}",
        "",
        f"Unit: {agreement.org_unit_name} (`{agreement.org_unit}`); "
        f"Perjanjian Kinerja `{agreement.id}` ({agreement.year})",
        "",
        "| Indikator Kinerja | Satuan | Target PK | Realisasi | Capaian % | Kategori |",
        "|---|---|---:|---:|---:|---|",
    ]
    notes = []
    for item in agreement.items:
        category = ""
        if item.category is not None:
            category = item.category.name or item.category.label
        cells = (
            f"{item.name} (`{item.indicator}`)",
            item.unit,
            sakipcalc.target_text(item.target),
            cell(item.realisation),
            cell(item.achievement),
            category,
        )
        lines.append("| " + " | ".join(escape(c) for c in cells) + " |")
        plan_target = report.indicator(item.indicator).target
        if plan_target is not None and sakipcalc.target_text(plan_target) != sakipcalc.target_text(
            item.target
        ):
            notes.append(
                f"`{item.indicator}`: the PK targets {sakipcalc.target_text(item.target)}; "
                f"the plan (Renstra) targets {sakipcalc.target_text(plan_target)} for {report.period}"
            )
    lines += ["", f"Roll-up ({rule}): {cell(agreement.rollup)}"]
    if agreement.rollup.ok:
        lines.append(f"  {agreement.rollup.trace}")
    lines.extend(f"  note: {note}" for note in notes)
    return lines


def render(spec: sakipcalc.Spec, period: str) -> str:
    report = sakipcalc.evaluate(spec, period=period)
    lines = [f"# Scorecard per official — {report.spec_name}", ""]
    lines.append(f"Period {period}: {len(report.agreements)} Perjanjian Kinerja")
    if not report.agreements:
        lines += ["", f"No Perjanjian Kinerja for {period}."]
    for agreement in report.agreements:
        lines += ["", *scorecard(agreement, report, spec.info.rollup.value)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("spec", nargs="?", default=str(DEFAULT_SPEC), help="spec directory")
    parser.add_argument("--period", default="2022")
    args = parser.parse_args(argv)
    try:
        spec = sakipcalc.load(args.spec)
    except sakipcalc.SakipError as exc:
        sys.stderr.write(f"scorecard: {exc}\n")
        return 1
    sys.stdout.write(render(spec, args.period))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
