"""The review (hasil reviu): discrepancies grouped into distinct findings, with causes.

Each cause is shown on a small spec whose numbers are worked by hand in the
comments; the Tanah Laut review is justified finding by finding against the
report's lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import TANAH_LAUT_SPEC, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

import sakipcalc
import sakipcalc.render
from sakipcalc.check import Discrepancy, DiscrepancyKind, Measure
from sakipcalc.check.causes import swapped_pairs
from sakipcalc.check.review import Cause, Review, cause_text, finding_note, review

WriteSpec = Callable[[dict[str, str]], Path]
Reviewed = Callable[[str], Review]

BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""

# served / total × 100; 2022: 2 / 3 × 100 = 66.666… → 66.67 half-up, 66.66 truncated.
RATIO = BARE + (
    "variables:\n  - {id: served}\n  - {id: total}\n"
    "indicators:\n"
    "  - {id: pct, name: Persentase terlayani, unit: '%', formula: served / total * 100,"
    " targets: {2021: 50, 2022: 80}}\n"
    "data:\n"
    '  "2021": {served: 1, total: 3}\n'
    '  "2022": {served: 2, total: 3}\n'
)


@pytest.fixture
def reviewed(write_spec: WriteSpec) -> Reviewed:
    def run(text: str) -> Review:
        return review(sakipcalc.load(write_spec({"spec.yaml": text})))

    return run


def summary(result: Review) -> list[tuple[str, str, int, tuple[str, ...]]]:
    """(cause, row label, cells, sources) per finding, in order."""
    return [(f.cause.value, f.row_label, len(f.discrepancies), f.sources) for f in result.findings]


# ------------------------------------------------------------------ causes


def test_a_truncated_row_and_its_narrative_are_one_finding(reviewed: Reviewed) -> None:
    # The table prints 66.66 (2 / 3 × 100 = 66.666… cut, not rounded to 66.67) and the
    # achievement from it, 66.66 / 80 × 100 = 83.325 → 83.32 (from 66.67: 83.3375 → 83.34);
    # the narrative repeats 66.66. Three cells, one finding.
    result = reviewed(
        RATIO + "reported:\n"
        '  - {source: "Tabel 3.1", label: "Persentase warga terlayani", period: "2022",'
        " indicator: pct, realisation: 66.66, achievement: 83.32}\n"
        '  - {source: "Narasi", period: "2022", indicator: pct, realisation: 66.66}\n'
    )
    assert summary(result) == [
        ("truncation", "Persentase warga terlayani", 3, ("Tabel 3.1", "Narasi"))
    ]
    (finding,) = result.findings
    assert (finding.printed, finding.recomputed) == ("66.66", "66.67")
    assert (finding.indicators, finding.periods, result.discrepant) == (("pct",), ("2022",), 3)


def test_a_figure_rounded_another_way_than_declared(reviewed: Reviewed) -> None:
    # Declared truncation: 66.66 is due; 66.67 is half-up (and half-even), not a cut.
    text = RATIO.replace(
        "plan: {start: 2019, end: 2023}}",
        "plan: {start: 2019, end: 2023}, rounding: {places: 2, mode: truncate}}",
    )
    result = reviewed(
        text + 'reported:\n  - {source: T, period: "2022", indicator: pct, realisation: 66.67}\n'
    )
    assert summary(result) == [("other-rounding", "Persentase terlayani", 1, ("T",))]


def test_a_tie_rounded_down_is_no_truncation(reviewed: Reviewed) -> None:
    # Regression: 1 / 8 × 100 = 12.5, printed 12 at no decimals. Half-up gives 13; a cut
    # and half-even both give 12, so "truncated" was a guess: it is rounded another way.
    # 2 / 3 × 100 = 66.666… printed 66 is a cut only (half-up and half-even give 67).
    text = RATIO.replace('"2021": {served: 1, total: 3}', '"2021": {served: 1, total: 8}')
    result = reviewed(
        text + "reported:\n"
        '  - {source: A, period: "2021", indicator: pct, realisation: 12, places: 0}\n'
        '  - {source: B, period: "2022", indicator: pct, realisation: 66, places: 0}\n'
    )
    assert [(f.cause.value, f.printed, f.recomputed) for f in result.findings] == [
        ("truncation", "66", "67"),
        ("other-rounding", "12", "13"),
    ]


AGREEMENT = RATIO + (
    "org_units:\n  - {id: kadis, name: Dinas, level: II}\n"
    "agreements:\n"
    "  - id: pk_kadis\n"
    "    year: 2022\n"
    "    org_unit: kadis\n"
    '    source: "PK Kepala Dinas"\n'
    "    items:\n      - {indicator: pct, target: 90}\n"
)


def test_an_achievement_from_another_target_joins_that_targets_finding(
    reviewed: Reviewed,
) -> None:
    # Tabel 3.2 prints capaian 74.08 without its target. Against the plan's 80 it is
    # 66.67 / 80 × 100 = 83.3375 → 83.34; against the PK's 90 it is 66.67 / 90 × 100 =
    # 74.0777… → 74.08, as printed. The PK's 90 against the plan's 80 is the same
    # inconsistency: one finding, two cells.
    result = reviewed(
        AGREEMENT + "reported:\n"
        '  - {source: "Tabel 3.2", period: "2022", indicator: pct, realisation: 66.67,'
        " achievement: 74.08}\n"
    )
    assert summary(result) == [
        ("different-target", "Persentase terlayani", 2, ("Tabel 3.2", "PK Kepala Dinas"))
    ]
    (finding,) = result.findings
    assert (finding.printed, finding.recomputed, finding.basis) == ("74.08", "83.34", "90")
    assert finding_note(finding, "en") == (
        "Review 1: reported 74.08, recomputed 83.34 (a different target; follows from the"
        " target 90)"
    )
    assert finding_note(finding, "id") == (
        "Reviu 1: dicetak 74,08, dihitung ulang 83,34 (target berbeda; sesuai dengan target 90)"
    )


def test_an_achievement_no_known_target_explains_is_unexplained(reviewed: Reviewed) -> None:
    # 74.09 follows from neither 80 (83.34) nor 90 (74.08)
    result = reviewed(
        AGREEMENT + "reported:\n"
        '  - {source: "Tabel 3.2", period: "2022", indicator: pct, realisation: 66.67,'
        " achievement: 74.09}\n"
    )
    assert [f.cause for f in result.findings] == [Cause.DIFFERENT_TARGET, Cause.UNEXPLAINED]


# Two districts: north 1 of 4 reached (25 %), 3 missed (75 %); south 30 of 40 (75 %),
# 10 missed (25 %). The total row: 31 / 44 = 70.4545… → 70.45 reached and 13 / 44 =
# 29.5454… → 29.55 missed; the unweighted means of the rows are (25 + 75) / 2 = 50.00
# for both.
DISTRICTS = BARE + (
    "breakdowns:\n  - {id: district, categories: [north, south]}\n"
    "variables:\n"
    "  - {id: reached, breakdown: district}\n"
    "  - {id: missed, breakdown: district}\n"
    "  - {id: recipients, breakdown: district}\n"
    "data:\n"
    '  "2022":\n'
    "    reached: {north: 1, south: 30}\n"
    "    missed: {north: 3, south: 10}\n"
    "    recipients: {north: 4, south: 40}\n"
    "reported:\n"
)


def test_a_total_row_of_unweighted_means_is_one_finding(reviewed: Reviewed) -> None:
    result = reviewed(
        DISTRICTS + '  - {source: "Tabel, total", label: "Jumlah: % tersalur", period: "2022",'
        " expr: sum(reached) / sum(recipients) * 100, value: 50.00}\n"
        '  - {source: "Tabel, total", label: "Jumlah: % tidak tersalur", period: "2022",'
        " expr: sum(missed) / sum(recipients) * 100, value: 50.00}\n"
        '  - {source: "Narasi", period: "2022",'
        " expr: sum(reached) / sum(recipients) * 100, value: 50.00}\n"
    )
    assert summary(result) == [
        (
            "unweighted-mean",
            "Jumlah: % tersalur / Jumlah: % tidak tersalur",
            3,
            ("Tabel, total", "Narasi"),
        )
    ]
    (finding,) = result.findings
    assert (finding.printed, finding.recomputed, finding.basis) == ("50.00", "70.45", "50.00")
    assert finding.row_labels == ("Jumlah: % tersalur", "Jumlah: % tidak tersalur")


def test_an_indicators_realisation_printed_as_the_mean_of_its_rows(reviewed: Reviewed) -> None:
    # The indicator is the rate over both districts, 31 / 44 × 100 = 70.45; the table
    # prints 50.00, the mean of the district rates 25 and 75.
    text = DISTRICTS.replace(
        "reported:\n",
        "indicators:\n"
        "  - {id: rate, name: Persentase tersalur, unit: '%',"
        " formula: sum(reached) / sum(recipients) * 100, targets: {2022: 100}}\n"
        "reported:\n"
        '  - {source: "Tabel 3.1", period: "2022", indicator: rate, realisation: 50.00}\n',
    )
    result = reviewed(text)
    assert summary(result) == [("unweighted-mean", "Persentase tersalur", 1, ("Tabel 3.1",))]
    assert result.findings[0].basis == "50.00"


def test_two_indicators_of_one_table_printed_as_means_are_two_findings(
    reviewed: Reviewed,
) -> None:
    # Regression: every mean cell of one source was one finding, so two indicators of
    # "Tabel 3.1" merged. rate: 31 / 44 × 100 = 70.45, mean of 25 and 75 = 50.00;
    # skill: (1 + 27) / (10 + 30) × 100 = 70.00, mean of 10 and 90 = 50.00. Each row
    # of the table is its own inconsistency; a total row's two shares (same
    # denominator, above) stay one.
    text = (
        DISTRICTS.replace(
            "  - {id: recipients, breakdown: district}\n",
            "  - {id: recipients, breakdown: district}\n"
            "  - {id: trained, breakdown: district}\n"
            "  - {id: workers, breakdown: district}\n"
            "indicators:\n"
            "  - {id: rate, name: Persentase tersalur, unit: '%',"
            " formula: sum(reached) / sum(recipients) * 100, targets: {2022: 80}}\n"
            "  - {id: skill, name: Persentase terlatih, unit: '%',"
            " formula: sum(trained) / sum(workers) * 100, targets: {2022: 80}}\n",
        ).replace(
            "    recipients: {north: 4, south: 40}\n",
            "    recipients: {north: 4, south: 40}\n"
            "    trained: {north: 1, south: 27}\n"
            "    workers: {north: 10, south: 30}\n",
        )
        + '  - {source: "Tabel 3.1", period: "2022", indicator: rate, realisation: 50.00}\n'
        '  - {source: "Tabel 3.1", period: "2022", indicator: skill, realisation: 50.00}\n'
    )
    result = reviewed(text)
    assert summary(result) == [
        ("unweighted-mean", "Persentase tersalur", 1, ("Tabel 3.1",)),
        ("unweighted-mean", "Persentase terlatih", 1, ("Tabel 3.1",)),
    ]
    assert [f.recomputed for f in result.findings] == ["70.45", "70.00"]


def test_a_total_that_is_no_mean_of_its_rows_is_unexplained(reviewed: Reviewed) -> None:
    # 60.00 is neither 70.45 nor the mean 50.00
    result = reviewed(
        DISTRICTS + '  - {source: "Tabel, total", period: "2022",'
        " expr: sum(reached) / sum(recipients) * 100, value: 60.00}\n"
    )
    assert summary(result) == [
        ("unexplained", "sum(reached) / sum(recipients) * 100", 1, ("Tabel, total",))
    ]


def test_a_mean_printed_as_the_ratio_of_totals_is_the_other_way_round(
    reviewed: Reviewed,
) -> None:
    # The spec's figure is the mean of the two district rates, (25 + 75) / 2 = 50.00; the
    # report prints the rate of the totals, 31 / 44 × 100 = 70.4545… → 70.45.
    result = reviewed(
        DISTRICTS + '  - {source: "Rata-rata kecamatan", period: "2022", expr: "'
        "(sum(reached, north) / sum(recipients, north) * 100"
        ' + sum(reached, south) / sum(recipients, south) * 100) / 2", value: 70.45}\n'
    )
    (finding,) = result.findings
    assert (finding.cause, finding.printed, finding.recomputed, finding.basis) == (
        Cause.POOLED_RATIO,
        "70.45",
        "50.00",
        "70.45",
    )
    assert cause_text(finding.cause, "id") == "rasio dari jumlah, bukan rata-rata"


def test_an_achievement_from_a_printed_mean_joins_the_means_finding(
    reviewed: Reviewed,
) -> None:
    # Regression: the row prints the unweighted mean 50.00 as the realisation (due:
    # 31 / 44 × 100 = 70.45) and the capaian from it, 50.00 / 80 × 100 = 62.50 (due:
    # 70.45 / 80 × 100 = 88.06). The row is consistent in itself; the capaian is wrong
    # only because the realisation is: one finding, the mean's, not a second "unknown".
    text = DISTRICTS.replace(
        "reported:\n",
        "indicators:\n"
        "  - {id: rate, name: Persentase tersalur, unit: '%',"
        " formula: sum(reached) / sum(recipients) * 100, targets: {2022: 80}}\n"
        "reported:\n"
        '  - {source: "Tabel 3.1", period: "2022", indicator: rate, realisation: 50.00,'
        " achievement: 62.50}\n",
    )
    result = reviewed(text)
    assert summary(result) == [("unweighted-mean", "Persentase tersalur", 2, ("Tabel 3.1",))]
    # A capaian that follows from neither the printed nor the recomputed realisation
    # (50.00 / 80 × 100 = 62.50, 70.45 / 80 × 100 = 88.06) stays a finding of its own.
    result = reviewed(text.replace("achievement: 62.50", "achievement: 62.40"))
    assert [f.cause.value for f in result.findings] == ["unweighted-mean", "unexplained"]


def test_one_table_printing_several_years_is_read_row_by_row(reviewed: Reviewed) -> None:
    # Regression: the reported rows were looked up by source and indicator only, so the
    # 2022 row of a table that also prints 2021 was read as the 2021 row: its label, and
    # its achievement checked for a target in 2021. The 2022 capaian 74.08 follows from
    # the PK's 90 (66.67 / 90 × 100 = 74.0777… → 74.08; the plan's 80 gives 83.34).
    result = reviewed(
        AGREEMENT + "reported:\n"
        '  - {source: "Tabel 3.2", label: "Baris 2021", period: "2021", indicator: pct,'
        " realisation: 33.33}\n"
        '  - {source: "Tabel 3.2", label: "Baris 2022", period: "2022", indicator: pct,'
        " realisation: 66.67, achievement: 74.08}\n"
    )
    assert summary(result) == [
        ("different-target", "Baris 2022", 2, ("Tabel 3.2", "PK Kepala Dinas"))
    ]
    assert result.findings[0].basis == "90"


SWAP = BARE + (
    "indicators:\n"
    "  - {id: izin, name: Cakupan izin, unit: '%', targets: {2022: 100}}\n"
    "  - {id: basis_data, name: Ketersediaan basis data, unit: '%', targets: {2022: 100}}\n"
    "data:\n"
    '  "2022": {izin: 100, basis_data: 97.27}\n'
    "reported:\n"
)


def test_two_cells_printed_in_each_others_place_are_one_finding(reviewed: Reviewed) -> None:
    # izin is 100 and basis_data 97.27; the table prints 97.27 and 100.
    result = reviewed(
        SWAP + '  - {source: "Tabel (L1)", period: "2022", indicator: izin, realisation: 97.27}\n'
        '  - {source: "Tabel (L2)", period: "2022", indicator: basis_data, realisation: 100}\n'
    )
    assert summary(result) == [
        ("swapped-cells", "Cakupan izin / Ketersediaan basis data", 2, ("Tabel (L1)", "Tabel (L2)"))
    ]
    (finding,) = result.findings
    assert finding.indicators == ("izin", "basis_data")
    assert result.for_indicator("basis_data", "2022") == result.findings
    # Each row's Keterangan can show its own cell; the finding as a whole shows both.
    assert finding_note(finding, "id") == (
        "Reviu 1: dicetak 97,27 / 100, dihitung ulang 100,00 / 97,27 (sel tertukar)"
    )
    assert finding_note(finding, "id", indicator="basis_data") == (
        "Reviu 1: dicetak 100, dihitung ulang 97,27 (sel tertukar)"
    )


def test_one_wrong_cell_is_no_swap(reviewed: Reviewed) -> None:
    # 97.27 for izin, but basis_data printed right: nothing was exchanged
    result = reviewed(
        SWAP + '  - {source: "Tabel (L1)", period: "2022", indicator: izin, realisation: 97.27}\n'
        '  - {source: "Tabel (L2)", period: "2022", indicator: basis_data, realisation: 97.27}\n'
    )
    assert summary(result) == [("unexplained", "Cakupan izin", 1, ("Tabel (L1)",))]


def test_a_declared_total_is_one_finding_for_its_ceiling_and_spending(
    reviewed: Reviewed,
) -> None:
    # The year declares 1000 / 500; its programs sum to 600 + 300 = 900 and 300 + 150 = 450.
    result = reviewed(
        BARE + "budget:\n"
        "  - year: 2022\n"
        '    source: "APBD 2022"\n'
        "    ceiling: 1000\n"
        "    spent: 500\n"
        "    programs:\n"
        "      - {id: p, name: Program P, ceiling: 600, spent: 300}\n"
        "      - {id: q, name: Program Q, ceiling: 300, spent: 150}\n"
    )
    assert summary(result) == [("total", "budget 2022", 2, ("APBD 2022",))]
    assert (result.findings[0].printed, result.findings[0].recomputed) == ("1000", "900")


def test_an_undefined_ratio_printed_as_0_is_its_own_finding(reviewed: Reviewed) -> None:
    # 0 served of 0: no realisation and so no achievement exist; the row prints 0 and 0.
    text = RATIO.replace('"2021": {served: 1, total: 3}', '"2021": {served: 0, total: 0}')
    result = reviewed(
        text + "reported:\n"
        '  - {source: T, period: "2021", indicator: pct, realisation: 0, achievement: 0}\n'
    )
    assert summary(result) == [("undefined-printed-zero", "Persentase terlayani", 2, ("T",))]
    assert cause_text(result.findings[0].cause, "id") == "tidak dapat dihitung, dicetak 0"


def test_a_figure_without_its_data_is_not_checkable(reviewed: Reviewed) -> None:
    result = reviewed(
        RATIO + 'reported:\n  - {source: T, period: "2020", indicator: pct, realisation: 50}\n'
    )
    assert summary(result) == [("not-checkable", "Persentase terlayani", 1, ("T",))]


# ------------------------------------------------------------- order and text


MIXED = RATIO + (
    "reported:\n"
    '  - {source: A, period: "2021", indicator: pct, realisation: 40}\n'
    '  - {source: B, period: "2022", indicator: pct, target: 85}\n'
    '  - {source: C, period: "2022", indicator: pct, realisation: 66.66}\n'
)


def test_findings_are_numbered_in_the_order_of_their_causes(reviewed: Reviewed) -> None:
    # check order is A (unexplained: 33.33), B (target 85 against 80), C (truncated);
    # the review lists truncation, then targets, then the unexplained, every time.
    first = reviewed(MIXED)
    assert [(f.number, f.cause.value, f.sources) for f in first.findings] == [
        (1, "truncation", ("C",)),
        (2, "different-target", ("B",)),
        (3, "unexplained", ("A",)),
    ]
    assert reviewed(MIXED) == first
    assert [f.number for f in first.for_indicator("pct", "2022")] == [1, 2]


def test_a_finding_note_in_both_languages(reviewed: Reviewed) -> None:
    truncated, target, _ = reviewed(MIXED).findings
    assert finding_note(truncated, "id") == (
        "Reviu 1: dicetak 66,66, dihitung ulang 66,67 (dipotong, bukan dibulatkan)"
    )
    assert finding_note(truncated, "en") == (
        "Review 1: reported 66.66, recomputed 66.67 (truncated, not rounded)"
    )
    assert finding_note(target, "id") == "Reviu 2: dicetak 85, pembanding 80 (target berbeda)"


def test_every_cause_reads_in_both_languages() -> None:
    indonesian = {cause: cause_text(cause, "id") for cause in Cause}
    english = {cause: cause_text(cause, "en") for cause in Cause}
    assert indonesian[Cause.TRUNCATION] == "dipotong, bukan dibulatkan"
    assert indonesian[Cause.DIFFERENT_TARGET] == "target berbeda"
    assert indonesian[Cause.UNWEIGHTED_MEAN] == "rata-rata tanpa bobot"
    assert indonesian[Cause.SWAPPED_CELLS] == "sel tertukar"
    assert english[Cause.UNWEIGHTED_MEAN] == "unweighted mean"
    assert len(set(indonesian.values())) == len(set(english.values())) == len(Cause)


def test_check_json_adds_the_findings(write_spec: WriteSpec) -> None:
    import json

    result = run_cli("check", str(write_spec({"spec.yaml": MIXED})), "--format", "json")
    payload = json.loads(result.out)
    assert len(payload["discrepancies"]) == 3  # as before
    assert payload["distinct_findings"] == 3
    # cells index the discrepancies: C is the third cell checked
    assert [(f["cause"], f["cells"]) for f in payload["findings"]] == [
        ("truncation", [2]),
        ("different-target", [1]),
        ("unexplained", [0]),
    ]


def test_one_finding_reads_in_the_singular(write_spec: WriteSpec) -> None:
    # Regression: "1 distinct findings (from 1 discrepant cells)".
    one = RATIO + 'reported:\n  - {source: C, period: "2022", indicator: pct, realisation: 66.66}\n'
    two = one.replace("realisation: 66.66}", "realisation: 66.66, achievement: 83.32}")
    lines = {
        (text, locale): run_cli(
            "check", str(write_spec({"spec.yaml": text})), "--locale", locale
        ).out.splitlines()[1]
        for text in (one, two)
        for locale in ("en", "id")
    }
    assert lines == {
        (one, "en"): "1 distinct finding (from 1 discrepant cell).",
        (one, "id"): "1 temuan (dari 1 sel yang selisih).",
        (two, "en"): "1 distinct finding (from 2 discrepant cells).",
        (two, "id"): "1 temuan (dari 2 sel yang selisih).",
    }


def test_a_label_or_source_over_two_lines_stays_on_one(write_spec: WriteSpec) -> None:
    # Regression: a YAML label or source with a line break started a line of its own in
    # the check's text output, out of its finding's indentation.
    text = RATIO + (
        "reported:\n"
        '  - {source: "Tabel 3.1\\nhal. 40", label: "Persentase\\nterlayani", period: "2022",'
        " indicator: pct, realisation: 66.66}\n"
    )
    out = run_cli("check", str(write_spec({"spec.yaml": text}))).out
    assert "  1. Persentase terlayani — 2022\n" in out
    assert "       Tabel 3.1 hal. 40\n" in out
    assert "  source:     Tabel 3.1 hal. 40\n" in out
    assert not [line for line in out.splitlines() if line.startswith(("hal.", "terlayani"))]


def test_check_json_of_a_review_made_apart_still_indexes_its_cells(
    write_spec: WriteSpec,
) -> None:
    # Regression: cells were matched by object identity, so the library's own pairing
    # render_check_json(check(spec), review(spec)) gave every finding "cells": [].
    import json

    from sakipcalc.check import check, render_check_json

    spec = sakipcalc.load(write_spec({"spec.yaml": MIXED}))
    payload = json.loads(render_check_json(check(spec), review(spec)))
    assert [f["cells"] for f in payload["findings"]] == [[2], [1], [0]]


# --------------------------------------------------------- evaluate --check


def test_evaluate_reviews_a_spec_with_printed_figures_by_default(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[Review | None] = []

    def render_markdown(
        report: Any, *, locale: str = "en", spec: Any = None, review: Review | None = None
    ) -> str:
        received.append(review)
        return "ok\n"

    monkeypatch.setattr(sakipcalc.render, "render_markdown", render_markdown)
    path = str(write_spec({"spec.yaml": MIXED}))
    for flags in ((), ("--check",), ("--no-check",)):
        result = run_cli("evaluate", path, "--period", "2022", "--format", "markdown", *flags)
        assert (result.code, result.out) == (0, "ok\n")
    with_review, checked, unchecked = received
    assert with_review is not None and len(with_review.findings) == 3
    assert checked == with_review
    assert unchecked is None


def test_evaluate_reviews_nothing_by_default_without_printed_figures(
    write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[Review | None] = []

    def render_markdown(
        report: Any, *, locale: str = "en", spec: Any = None, review: Review | None = None
    ) -> str:
        received.append(review)
        return ""

    monkeypatch.setattr(sakipcalc.render, "render_markdown", render_markdown)
    path = str(write_spec({"spec.yaml": RATIO}))
    run_cli("evaluate", path, "--period", "2022", "--format", "markdown")
    run_cli("evaluate", path, "--period", "2022", "--format", "markdown", "--check")
    assert received[0] is None
    assert received[1] is not None and received[1].findings == ()


# ------------------------------------------------------ the Tanah Laut report


@pytest.fixture(scope="module")
def tanah_laut() -> Review:
    return review(sakipcalc.load(TANAH_LAUT_SPEC))


# The 30 discrepant cells of `check` are 13 findings. Each line: cause, the printed row
# label (its start), the cells, and the report lines (seed Lnnnn) that justify it.
TANAH_LAUT_FINDINGS = [
    # 1. Kabid RPJS table: 18,43 % = 3120 / 16924 = 18.4354… cut (half-up 18.44), and
    #    its capaian 46,07 = 18.43 / 40 = 46.075 cut (L5551): one row, two cells.
    ("truncation", "persentase lanjut usia terlantar dan penyandang disabilitas", 2),
    # 2. Disabilitas 9,42 % = 287 / 3044 = 9.4284… cut, printed twice (L5746, L5753).
    ("truncation", "penyandang disabilitas yang mendapat layanan", 2),
    # 3. pmks_mandiri 2022: Renstra 25 (L1718), but 30 in the strategic table (L1146),
    #    Table A (L2866) and the Kadis PK (L2328); the Kadis table prints 25 against the
    #    signed 30 (L4898-4906). One target disagreement, four cells.
    ("different-target", "Persentase PMKS yang menjadi mandiri", 4),
    # 4. pmks_kube 2022: Renstra 80 (L1781), 100 in the strategic table (L1216), Table A
    #    (L3051), Tabel 3.2 (L4402), the narrative (L4809-4811) and the PSFM PK (L2417).
    ("different-target", "Persentase PMKS yang menerima program pemberdayaan", 5),
    # 5. psks_terlatih 2022: Renstra 90 (L1824), 75 in the strategic table (L1258) and
    #    the PSFM PK (L2439), 100 in Table A (L3116).
    ("different-target", "Potesnsi Sumber Kesejahteraan Sosial", 3),
    # 6. lansia + disabilitas: the RPJS table prints target 40 against the signed 100
    #    (L5551 vs L2514); its truncation is finding 1, a different cause.
    ("different-target", "persentase lanjut usia terlantar dan penyandang disabilitas", 1),
    # 7. Stage I total row 73,78 / 26,22 % (L4076), the means of the 11 row percentages
    #    (4967 / 6753 = 73.55, 1786 / 6753 = 26.45), and 73,78 again in the text (L3999).
    ("unweighted-mean", "Tahap pertama, jumlah", 3),
    # 8. Stage II total row 96,32 / 3,68 % (L4177): 1723 / 1786 = 96.47, 63 / 1786 = 3.53.
    ("unweighted-mean", "Susulan/tahap kedua, jumlah", 2),
    # 9. PSFM table: izin 97,27 (L5990) and data terpadu 100 (L6012), each the other's
    #    value (izin 100 in the narrative, L6130; data 97,27 in Tabel 3.2, L4383).
    ("swapped-cells", "Cakupan penerbitan Izin", 2),
    # 10. "18,43 % of lansia" (L5705): lansia alone is 2833 / 13880 = 20.41; 18,43 is the
    #     combined ratio of finding 1 put on lansia. No rule reproduces it from lansia.
    ("unexplained", "persentase lanjut usia yang terpenuhi", 1),
    # 11. Pengumpulan Sumbangan spent 1.800.000 in table (B) (L6364, L6406), "Rp. -" in (C).
    ("unexplained", "Pengumpulan Sumbangan", 1),
    # 12. "Analisa Program Penunjang" (L7353-7355): ceiling, spending and 57,85 % match
    #     no budget line (57,85 does follow from its own two amounts): one paragraph.
    ("unexplained", "Analisa Program Penunjang", 3),
    # 13. Korban bencana alam 25,78 % (L7098): 8081 / 31356 = 25.7718…, 25.77 both ways.
    ("unexplained", "penanganan korban bencana alam", 1),
]


def test_the_tanah_laut_review_has_13_distinct_findings(tanah_laut: Review) -> None:
    assert (tanah_laut.discrepant, len(tanah_laut.findings)) == (30, 13)
    found = [(f.cause.value, f.row_label, len(f.discrepancies)) for f in tanah_laut.findings]
    assert len(found) == len(TANAH_LAUT_FINDINGS)
    for (cause, row_label, cells), (want_cause, want_label, want_cells) in zip(
        found, TANAH_LAUT_FINDINGS, strict=True
    ):
        assert (cause, cells) == (want_cause, want_cells), row_label
        assert row_label.startswith(want_label), row_label
    assert sum(cells for _, _, cells in TANAH_LAUT_FINDINGS) == 30


def test_the_tanah_laut_findings_name_rows_not_formulas(tanah_laut: Review) -> None:
    for finding in tanah_laut.findings:
        assert "sum(" not in finding.row_label and "_" not in finding.row_label
        assert all("(L" in s or ", L" in s for s in finding.sources), finding.sources
    mandiri = tanah_laut.for_indicator("pmks_mandiri", "2022")
    assert [f.cause for f in mandiri] == [Cause.DIFFERENT_TARGET]
    lansia = tanah_laut.for_indicator("lansia_disabilitas_kebutuhan_dasar")
    assert [f.cause for f in lansia] == [Cause.TRUNCATION, Cause.DIFFERENT_TARGET]


# ------------------------------------------------------------- many cells


def _wide_spec(categories: int, cells: int) -> str:
    """A ratio of sums over ``categories`` rows: half 1 of 4 (25 %), half 30 of 40 (75 %)."""
    names = [f"c{i}" for i in range(categories)]
    reached = ", ".join(f"{c}: {1 if i % 2 else 30}" for i, c in enumerate(names))
    recipients = ", ".join(f"{c}: {4 if i % 2 else 40}" for i, c in enumerate(names))
    rows = "".join(
        f'  - {{source: "Tabel {k}", period: "2022", indicator: rate, realisation: 50.00}}\n'
        for k in range(cells)
    )
    return BARE + (
        f"breakdowns:\n  - {{id: desa, categories: [{', '.join(names)}]}}\n"
        "variables:\n  - {id: reached, breakdown: desa}\n  - {id: recipients, breakdown: desa}\n"
        "indicators:\n"
        "  - {id: rate, name: Persentase tersalur, unit: '%',"
        " formula: sum(reached) / sum(recipients) * 100, targets: {2022: 80}}\n"
        f'data:\n  "2022":\n    reached: {{{reached}}}\n    recipients: {{{recipients}}}\n'
        f"reported:\n{rows}"
    )


def test_a_mean_over_many_rows_is_found_and_a_huge_breakdown_stays_quick(
    reviewed: Reviewed,
) -> None:
    # (n/2 × 30 + n/2 × 1) / (n/2 × 40 + n/2 × 4) × 100 = 31 / 44 × 100 = 70.45 for any
    # even n; the mean of the rows (25 and 75, as many of each) is 50.00, as printed.
    result = reviewed(_wide_spec(600, 3))
    assert summary(result) == [
        ("unweighted-mean", "Persentase tersalur", 3, ("Tabel 0", "Tabel 1", "Tabel 2"))
    ]
    assert (result.findings[0].recomputed, result.findings[0].basis) == ("70.45", "50.00")
    # Regression: every row of the breakdown was recomputed for each discrepant cell, a
    # deep copy of the formula per row: 20,000 categories and 3 cells took minutes. No
    # report averages 20,000 printed rows by hand: beyond MAX_ROWS the cause is unknown.
    start = time.perf_counter()
    result = reviewed(_wide_spec(20_000, 3))
    assert time.perf_counter() - start < 60  # ~3 s; was several minutes
    assert summary(result) == [
        ("unexplained", "Persentase tersalur", 3, ("Tabel 0", "Tabel 1", "Tabel 2"))
    ]


def _pairs_by_hand(cells: list[Discrepancy]) -> list[tuple[int, int]]:
    """The definition, cell against cell: each unpaired cell takes the first later one
    that mirrors it (printed and recomputed exchanged) for another subject."""
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for i, a in enumerate(cells):
        if i in taken or a.kind is not DiscrepancyKind.FIGURE:
            continue
        for j in range(i + 1, len(cells)):
            b = cells[j]
            if (
                j not in taken
                and b.kind is DiscrepancyKind.FIGURE
                and a.subject != b.subject
                and (a.what, a.period) == (b.what, b.period)
                and Decimal(b.reported) == Decimal(a.recomputed)
                and Decimal(b.recomputed) == Decimal(a.reported)
            ):
                pairs.append((i, j))
                taken |= {i, j}
                break
    return pairs


def _cell(subject: str, printed: str, recomputed: str, period: str = "2022") -> Discrepancy:
    return Discrepancy(
        DiscrepancyKind.FIGURE, subject, Measure.REALISATION, period, "T", printed, recomputed
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abc"),
            st.sampled_from(["1", "2", "2.0", "3"]),
            st.sampled_from(["1", "2", "3"]),
            st.sampled_from(["2021", "2022"]),
        ),
        max_size=12,
    )
)
def test_swapped_pairs_as_defined(raw: list[tuple[str, str, str, str]]) -> None:
    cells = [_cell(s, p, r, y) for s, p, r, y in raw]
    assert swapped_pairs(enumerate(cells)) == _pairs_by_hand(cells)


def test_swapped_cells_among_many_are_found_in_linear_time() -> None:
    # Regression: every cell was compared with every later one; 40,000 discrepant cells
    # took 800 million comparisons (minutes). Cells 2k and 2k+1 mirror each other.
    cells = []
    for k in range(20_000):
        cells += [_cell(f"x{k}", f"{k}.5", f"{k}.25"), _cell(f"y{k}", f"{k}.25", f"{k}.5")]
    start = time.perf_counter()
    pairs = swapped_pairs(enumerate(cells))
    assert time.perf_counter() - start < 10  # ~0.1 s; generous for a loaded machine
    assert pairs == [(2 * k, 2 * k + 1) for k in range(20_000)]
