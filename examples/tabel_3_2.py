"""Print the report's Tabel 3.2 (RPJMD sasaran: target and achievement) as Markdown.

What it shows: how another tool embeds sakipcalc through its public API only —
``sakipcalc.load``, ``sakipcalc.evaluate`` and the typed results — to rebuild
one table of a LAKIP, plus ``sakipcalc.check`` to say where the printed table
disagrees with the spec's own figures.

The RPJMD level is found from the spec, not hard-coded: an RPJMD goal is a
goal whose own indicators all carry the tag (default ``RPJMD``), and the
RPJMD sasaran are the objectives under such a goal. For each sasaran the
program prints one row per indicator (indicator, unit, target, realisation,
achievement, category), with ``n/a (reason)`` wherever a figure cannot be
computed, then the sasaran's roll-up, then the reconciliation of the printed
table (reported figures whose source starts with ``--printed``).

Run it from the repository root::

    python examples/tabel_3_2.py                       # the bundled Tanah Laut spec
    python examples/tabel_3_2.py path/to/spec --period 2022
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import sakipcalc
import sakipcalc.check

DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "specs" / "tanah-laut-dinsos-2022"


def cell(figure: sakipcalc.Figure) -> str:
    """A figure as printed, or ``n/a (reason)`` when it has none."""
    if figure.ok:
        return figure.display()
    return f"n/a ({figure.reason or figure.status.value})"


def escape(text: str) -> str:
    return text.replace("|", "\\|")


def rpjmd_objectives(spec: sakipcalc.Spec, tag: str) -> list[sakipcalc.Objective]:
    """Objectives under a goal whose own indicators all carry ``tag``."""
    goals = {
        goal.id
        for goal in spec.goals.values()
        if goal.indicators and all(tag in spec.indicators[i].tags for i in goal.indicators)
    }
    return [o for o in spec.objectives.values() if o.goal in goals]


def indicator_row(result: sakipcalc.IndicatorResult) -> str:
    category = ""
    if result.category is not None:
        category = result.category.name or result.category.label
    cells = (
        f"{result.name} (`{result.indicator}`)",
        result.unit,
        sakipcalc.target_text(result.target) if result.target is not None else "—",
        cell(result.realisation),
        cell(result.achievement),
        category,
    )
    return "| " + " | ".join(escape(c) for c in cells) + " |"


def render(spec: sakipcalc.Spec, period: str, tag: str, printed: str) -> str:
    report = sakipcalc.evaluate(spec, period=period)
    rollups = {(r.kind, r.id): r for r in report.rollups}
    lines = [f"# Tabel 3.2 — Sasaran RPJMD, Target dan Capaian Tahun {period}", ""]
    lines.append(f"{report.spec_name}")
    objectives = rpjmd_objectives(spec, tag)
    if not objectives:
        lines += ["", f"No objective sits under a goal whose indicators are all tagged {tag!r}."]
        return "\n".join(lines) + "\n"
    shown: set[str] = set()
    for objective in objectives:
        goal = spec.goals[objective.goal] if objective.goal else None
        lines += ["", f"## Sasaran RPJMD: {objective.name}"]
        if goal is not None:
            lines += ["", f"Tujuan RPJMD: {goal.name}"]
        lines += [
            "",
            "| Indikator Kinerja | Satuan | Target | Realisasi | Capaian % | Kategori |",
            "|---|---|---:|---:|---:|---|",
        ]
        for indicator_id in objective.indicators:
            lines.append(indicator_row(report.indicator(indicator_id)))
            shown.add(indicator_id)
        rollup = rollups[("objective", objective.id)]
        text = cell(rollup.achievement)
        if rollup.category is not None:
            text += f" ({rollup.category.name or rollup.category.label})"
        lines += ["", f"Capaian sasaran ({rollup.rule} of the indicators' achievements): {text}"]
        if rollup.achievement.ok:
            lines.append(f"  {rollup.achievement.trace}")
        if rollup.excluded:
            lines.append(f"  not computable, left out: {', '.join(rollup.excluded)}")

    # Where the printed table disagrees with what the spec computes.
    result = sakipcalc.check.check(spec)
    found = [
        d
        for d in result.discrepancies
        if d.subject in shown and d.period == period and d.source.startswith(printed)
    ]
    lines += ["", f"## Reconciliation with the printed {printed}", ""]
    if not found:
        lines.append(f"Every figure printed in {printed} agrees with the spec.")
    for d in found:
        note = f" — {d.note}" if d.note else ""
        lines.append(
            f"- `{d.subject}` {d.what}: printed {d.reported} ({d.source}), "
            f"the spec gives {d.recomputed}{note}"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("spec", nargs="?", default=str(DEFAULT_SPEC), help="spec directory")
    parser.add_argument("--period", default="2022")
    parser.add_argument("--tag", default="RPJMD", help="the tag of RPJMD-level indicators")
    parser.add_argument(
        "--printed", default="Tabel 3.2", help="source prefix of the printed table's figures"
    )
    args = parser.parse_args(argv)
    try:
        spec = sakipcalc.load(args.spec)
    except sakipcalc.SakipError as exc:
        sys.stderr.write(f"tabel_3_2: {exc}\n")
        return 1
    sys.stdout.write(render(spec, args.period, args.tag, args.printed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
