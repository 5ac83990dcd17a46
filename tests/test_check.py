"""Reconciliation (``sakipcalc.check`` and ``sakipcalc check``) on small hand-built specs.

Each test writes a spec into a fresh directory, with printed figures in its
``reported:`` section, and asserts on the discrepancies check lists. Every
expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from conftest import SPECS

import sakipcalc
from sakipcalc.check import check

WriteSpec = Callable[[dict[str, str]], Path]
STANDARD = SPECS / "standard"

# The smallest valid spec header; each test adds its own sections.
BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


# ------------------------------------------------------------------ targets


def test_targets_printed_only_in_tables_are_compared_with_each_other(
    write_spec: WriteSpec,
) -> None:
    text = BARE + (
        "indicators:\n  - {id: a, name: A, unit: x}\n"
        "reported:\n"
        '  - {source: "Tabel 2.3", period: "2022", indicator: a, target: 25}\n'
        '  - {source: "Tabel 3.1", period: "2022", indicator: a, target: 30}\n'
    )
    result = check(sakipcalc.load(write_spec({"spec.yaml": text})))
    assert (result.checked, result.consistent) == (1, 0)
    (found,) = result.discrepancies
    assert (found.kind, found.source, found.reported, found.recomputed) == (
        "target",
        "Tabel 3.1",
        "30",
        "25",
    )


def test_a_score_target_and_its_grade_are_the_same_target(
    write_spec: WriteSpec, tmp_path: Path
) -> None:
    # On the AKIP scale a score of 80 is BB ((70, 80]); 81 is A.
    relative = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    text = (
        f"sakipcalc: 1\nimports: [{relative}]\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}}\n"
        "indicators:\n  - {id: akip, name: A, unit: predikat, scale: akip, targets: {2022: BB}}\n"
        "reported:\n"
        '  - {source: "PK", period: "2022", indicator: akip, target: 80}\n'
        '  - {source: "Tabel", period: "2022", indicator: akip, target: 81}\n'
    )
    result = check(sakipcalc.load(write_spec({"spec.yaml": text})))
    assert [(d.source, d.reported, d.recomputed) for d in result.discrepancies] == [
        ("Tabel", "81", "BB")
    ]
