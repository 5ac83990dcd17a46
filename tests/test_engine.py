"""``sakipcalc.evaluate`` on small specs written to disk.

Every expected figure is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import concurrent.futures
import gc
import json
import os
import pickle
import textwrap
import weakref
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SPECS, run_cli

import sakipcalc
from sakipcalc import (
    EvaluationReport,
    MissingInput,
    PeriodError,
    SakipError,
    Spec,
    Status,
    evaluate,
)
from sakipcalc.engine.shared import shared_for
from sakipcalc.render import render_json
from sakipcalc.results import target_text

STANDARD = SPECS / "standard"

Build = Callable[..., Spec]


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def header(tmp_path: Path, rounding: str, extra: str) -> str:
    rel = Path(os.path.relpath(STANDARD, tmp_path)).as_posix()
    return textwrap.dedent(
        f"""\
        sakipcalc: 1
        imports: [{rel}]
        spec:
          id: test_spec
          name: Test spec
          agency: Dinas Uji
          plan: {{start: 2019, end: 2023, baseline: 2018}}
          rounding: {rounding}
          category_scale: permendagri_86_2017
        """
    ) + textwrap.indent(textwrap.dedent(extra), "  ")


@pytest.fixture
def build(write_spec: Callable[[dict[str, str]], Path], tmp_path: Path) -> Build:
    """Write a spec (spec.yaml with the header, plus ``files``) and load it."""

    def build(
        body: str = "",
        *,
        rounding: str = "{places: 2, mode: half_up, achievement_from: rounded}",
        info: str = "",
        files: dict[str, str] | None = None,
    ) -> Spec:
        texts = {"spec.yaml": header(tmp_path, rounding, info) + textwrap.dedent(body)}
        texts.update({name: textwrap.dedent(text) for name, text in (files or {}).items()})
        return sakipcalc.load(write_spec(texts))

    return build


# ---------------------------------------------------------- Tanah Laut, in small

TANAH_LAUT = """\
breakdowns:
  - id: pmks_types
    categories: [anak_terlantar, abh, lansia_terlantar, penyandang_disabilitas, gelandangan,
                 bwbp, korban_bencana_alam, korban_bencana_sosial, fakir_miskin]
    subsets:
      lansia_dan_disabilitas: [lansia_terlantar, penyandang_disabilitas]
  - id: mandiri_components
    categories: [korban_bencana_alam, korban_bencana_sosial, bwbp, keluarga_pkh]
variables:
  - {id: pmks_population, breakdown: pmks_types, domain: count}
  - id: pmks_handled
    breakdown: pmks_types
    domain: count
    categories: [anak_terlantar, abh, lansia_terlantar, penyandang_disabilitas, bwbp,
                 korban_bencana_alam, korban_bencana_sosial, fakir_miskin]
  - {id: pmks_mandiri_count, breakdown: mandiri_components, domain: count}
org_units:
  - {id: kadis, name: Dinas Sosial, level: II, official: Kepala Dinas Sosial}
  - {id: sekretaris, name: Sekretariat, level: III, parent: kadis, official: Sekretaris}
indicators:
  - id: pmks_tertangani
    name: Persentase PMKS yang tertangani
    unit: "%"
    formula: sum(pmks_handled) / sum(pmks_population) * 100
    owner: kadis
    tags: [IKU]
    baseline: {period: 2018, value: 29.17}
    targets: {2021: 90, 2022: 100}
    end_target: 100
  - id: pmks_mandiri
    name: Persentase PMKS yang menjadi mandiri
    unit: "%"
    formula: sum(pmks_mandiri_count) / sum(pmks_population) * 100
    owner: kadis
    tags: [IKU]
    targets: {2019: 12.5, 2020: 15, 2021: 20, 2022: 25, 2023: 30}
    end_target: 30
  - id: lansia_disabilitas
    name: Lansia terlantar dan penyandang disabilitas terpenuhi kebutuhan dasarnya
    unit: "%"
    formula: >-
      sum(pmks_handled, lansia_dan_disabilitas)
      / sum(pmks_population, lansia_dan_disabilitas) * 100
    targets: {2022: 40}
  - id: lansia_disabilitas_dicetak
    name: The same, truncated as the report prints it
    unit: "%"
    formula: >-
      sum(pmks_handled, lansia_dan_disabilitas)
      / sum(pmks_population, lansia_dan_disabilitas) * 100
    rounding: {mode: truncate}
    targets: {2022: 40}
  - id: nilai_akip
    name: Nilai AKIP
    unit: predikat
    scale: akip
    owner: sekretaris
    targets: {2022: BB}
  - id: nilai_akip_skor
    name: Nilai AKIP (skor)
    unit: nilai
    scale: akip
    owner: sekretaris
    targets: {2022: 80}
agreements:
  - id: pk_kadis
    year: 2022
    org_unit: kadis
    items:
      - {indicator: pmks_tertangani, target: 100}
      - {indicator: pmks_mandiri, target: 30}
  - id: pk_sekretaris
    year: 2022
    org_unit: sekretaris
    items:
      - {indicator: nilai_akip, target: BB}
      - {indicator: nilai_akip_skor, target: A}
"""

TANAH_LAUT_DATA = {
    "data-2022.yaml": """\
        sakipcalc: 1
        data:
          "2022":
            pmks_population:
              {anak_terlantar: 47, abh: 15, lansia_terlantar: 13880, penyandang_disabilitas: 3044,
               gelandangan: 60, bwbp: 37, korban_bencana_alam: 8081, korban_bencana_sosial: 121,
               fakir_miskin: 50410}
            pmks_handled:
              {anak_terlantar: 18, abh: 15, lansia_terlantar: 2833, penyandang_disabilitas: 287,
               bwbp: 37, korban_bencana_alam: 8081, korban_bencana_sosial: 121,
               fakir_miskin: 19964}
            pmks_mandiri_count:
              {korban_bencana_alam: 8081, korban_bencana_sosial: 121, bwbp: 37,
               keluarga_pkh: 1847}
            nilai_akip: BB
            nilai_akip_skor: 80
        """,
    # 2021: invented counts that give the Tanah Laut report's printed 2021 realisations exactly:
    # tertangani 8702 / 10000 × 100 = 87.02; mandiri 4901 / 10000 × 100 = 49.01.
    # No lansia or disabled people are counted, so that ratio has a zero denominator.
    "data-2021.yaml": """\
        sakipcalc: 1
        data:
          "2021":
            pmks_population:
              {anak_terlantar: 0, abh: 0, lansia_terlantar: 0, penyandang_disabilitas: 0,
               gelandangan: 0, bwbp: 0, korban_bencana_alam: 0, korban_bencana_sosial: 0,
               fakir_miskin: 10000}
            pmks_handled:
              {anak_terlantar: 0, abh: 0, lansia_terlantar: 0, penyandang_disabilitas: 0,
               bwbp: 0, korban_bencana_alam: 0, korban_bencana_sosial: 0, fakir_miskin: 8702}
            pmks_mandiri_count:
              {korban_bencana_alam: 0, korban_bencana_sosial: 0, bwbp: 0, keluarga_pkh: 4901}
        """,
}


@pytest.fixture
def tanah_laut(build: Build) -> Spec:
    return build(TANAH_LAUT, files=TANAH_LAUT_DATA)


@pytest.fixture
def tanah_laut_2022(tanah_laut: Spec) -> EvaluationReport:
    return evaluate(tanah_laut, period="2022")


def test_pmks_tertangani(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("pmks_tertangani")
    # 31356 / 75695 × 100 = 41.42413633… → 41.42; target 100: 41.42 / 100 × 100 = 41.42
    assert result.realisation.status is Status.OK
    assert result.realisation.raw is not None
    assert D("41.4241") < result.realisation.raw < D("41.4242")
    assert str(result.realisation.rounded) == "41.42"
    assert target_text(result.target) == "100"
    assert str(result.achievement.rounded) == "41.42"
    # 41.42 falls in Permendagri "Sangat Rendah" (≤ 50)
    assert result.category is not None and result.category.label == "sangat_rendah"


def test_realisation_trace(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("pmks_tertangani")
    # raw 41.424136336614… shown to places + 4 = 6 decimals, then cut with …
    assert result.realisation.trace == "31356 / 75695 × 100 = 41.424136… → 41.42"
    assert result.achievement.trace == "41.42 / 100 × 100 = 41.42 → 41.42"


def test_pmks_mandiri_from_rounded_realisation(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("pmks_mandiri")
    # 10086 / 75695 × 100 = 13.3245260… → 13.32; 13.32 / 25 × 100 = 53.28
    assert result.realisation.raw is not None
    assert D("13.3245") < result.realisation.raw < D("13.3246")
    assert str(result.realisation.rounded) == "13.32"
    assert str(result.achievement.rounded) == "53.28"
    assert result.achievement.trace.startswith("13.32 / 25 × 100")
    # 53.28 is in Permendagri [51, 66): Rendah
    assert result.category is not None and result.category.name == "Rendah"


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        # rounded: 13.32 / 25 × 100 = 53.28
        ("{places: 2, mode: half_up, achievement_from: rounded}", "53.28"),
        # raw: 13.3245260… / 25 × 100 = 53.298104… → 53.30
        ("{places: 2, mode: half_up, achievement_from: raw}", "53.30"),
    ],
)
def test_pmks_mandiri_achievement_policy(build: Build, rounding: str, expected: str) -> None:
    spec = build(TANAH_LAUT, rounding=rounding, files=TANAH_LAUT_DATA)
    result = evaluate(spec, period="2022").indicator("pmks_mandiri")
    assert str(result.realisation.rounded) == "13.32"
    assert str(result.achievement.rounded) == expected


def test_tanah_laut_2021_mandiri_is_uncapped(tanah_laut: Spec) -> None:
    result = evaluate(tanah_laut, period="2021").indicator("pmks_mandiri")
    # 4901 / 10000 × 100 = 49.01; target 20: 49.01 / 20 × 100 = 245.05, no cap by default
    assert str(result.realisation.rounded) == "49.01"
    assert target_text(result.target) == "20"
    assert str(result.achievement.rounded) == "245.05"


def test_spec_wide_cap(build: Build) -> None:
    spec = build(TANAH_LAUT, info="cap: 120\n", files=TANAH_LAUT_DATA)
    result = evaluate(spec, period="2021").indicator("pmks_mandiri")
    # 245.05 capped at 120
    assert str(result.achievement.rounded) == "120.00"


def test_indicator_cap_overrides_spec_cap(build: Build) -> None:
    body = TANAH_LAUT.replace("    end_target: 30\n", "    end_target: 30\n    cap: 150\n")
    spec = build(body, info="cap: 100\n", files=TANAH_LAUT_DATA)
    report = evaluate(spec, period="2021")
    assert str(report.indicator("pmks_mandiri").achievement.rounded) == "150.00"
    # tertangani keeps the spec's cap: 87.02 / 90 × 100 = 96.688… → 96.69 (below 100)
    assert str(report.indicator("pmks_tertangani").achievement.rounded) == "96.69"


def test_nilai_akip_grade_against_grade(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("nilai_akip")
    # BB (position 5) against BB (5): 5 / 5 × 100 = 100
    assert result.realisation.grade == "BB"
    assert result.realisation.display() == "BB"
    assert target_text(result.target) == "BB"
    assert str(result.achievement.rounded) == "100.00"


def test_nilai_akip_score_maps_to_grade(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("nilai_akip_skor")
    # 80 lies in BB (70, 80]; against the score target 80: 80 / 80 × 100 = 100
    assert result.realisation.grade == "BB"
    assert str(result.achievement.rounded) == "100.00"


@pytest.mark.parametrize(
    ("score", "grade"),
    [("80", "BB"), ("80.01", "A"), ("90", "A"), ("90.5", "AA"), ("30", "D"), ("30.01", "C")],
)
def test_score_realisation_grades(build: Build, score: str, grade: str) -> None:
    files = dict(TANAH_LAUT_DATA)
    files["data-2022.yaml"] = files["data-2022.yaml"].replace(
        "nilai_akip_skor: 80", f"nilai_akip_skor: {score}"
    )
    report = evaluate(build(TANAH_LAUT, files=files), period="2022")
    assert report.indicator("nilai_akip_skor").realisation.grade == grade


def test_elderly_and_disabled(tanah_laut_2022: EvaluationReport) -> None:
    half_up = tanah_laut_2022.indicator("lansia_disabilitas")
    # (2833 + 287) / (13880 + 3044) × 100 = 3120 / 16924 × 100 = 18.435358… → half_up 18.44
    assert half_up.realisation.trace == "3120 / 16924 × 100 = 18.435358… → 18.44"
    # 18.44 / 40 × 100 = 46.1
    assert str(half_up.achievement.rounded) == "46.10"
    # The report truncates: 18.43, and 18.43 / 40 × 100 = 46.075 → truncated 46.07
    printed = tanah_laut_2022.indicator("lansia_disabilitas_dicetak")
    assert str(printed.realisation.rounded) == "18.43"
    assert str(printed.achievement.rounded) == "46.07"


def test_previous_years(tanah_laut_2022: EvaluationReport) -> None:
    result = tanah_laut_2022.indicator("pmks_mandiri")
    previous = {p.period: p for p in result.previous}
    # targets exist from 2019 and data for 2021: every earlier year is listed, oldest first
    assert [p.period for p in result.previous] == ["2019", "2020", "2021"]
    assert target_text(previous["2021"].target) == "20"
    # 4901 / 10000 × 100 = 49.01; 49.01 / 20 × 100 = 245.05
    assert str(previous["2021"].realisation.rounded) == "49.01"
    assert str(previous["2021"].achievement.rounded) == "245.05"
    # no data for 2019: missing, and it says which variables
    assert target_text(previous["2019"].target) == "12.5"
    assert previous["2019"].realisation.status is Status.MISSING_DATA
    names = {m.name for m in previous["2019"].realisation.missing}
    assert names == {"pmks_mandiri_count", "pmks_population"}
    assert previous["2019"].achievement.status is Status.MISSING_DATA


def test_previous_year_for_tertangani(tanah_laut_2022: EvaluationReport) -> None:
    previous = {p.period: p for p in tanah_laut_2022.indicator("pmks_tertangani").previous}
    # 8702 / 10000 × 100 = 87.02; 87.02 / 90 × 100 = 96.6888… → 96.69
    assert str(previous["2021"].realisation.rounded) == "87.02"
    assert str(previous["2021"].achievement.rounded) == "96.69"


def test_quarter_has_no_previous_years(tanah_laut: Spec) -> None:
    spec_report = evaluate(tanah_laut, period="2022-Q3")
    assert spec_report.indicator("pmks_mandiri").previous == ()


def test_end_target_progress(tanah_laut_2022: EvaluationReport) -> None:
    mandiri = tanah_laut_2022.indicator("pmks_mandiri")
    # 13.32 against the end-of-plan target 30: 13.32 / 30 × 100 = 44.4
    assert target_text(mandiri.end_target) == "30"
    assert mandiri.end_target_progress is not None
    assert str(mandiri.end_target_progress.rounded) == "44.40"
    tertangani = tanah_laut_2022.indicator("pmks_tertangani")
    assert target_text(tertangani.baseline) == "29.17 (2018)"
    assert tertangani.end_target_progress is not None
    assert str(tertangani.end_target_progress.rounded) == "41.42"
    # no end target declared: no progress
    assert tanah_laut_2022.indicator("lansia_disabilitas").end_target_progress is None


def test_zero_denominator_status(tanah_laut: Spec) -> None:
    result = evaluate(tanah_laut, period="2021").indicator("lansia_disabilitas")
    # 2021: lansia 0 + disabled 0 = 0 in the denominator
    assert result.realisation.status is Status.NOT_COMPUTABLE
    assert result.realisation.reason is not None
    assert "zero denominator" in result.realisation.reason
    assert result.realisation.raw is None and result.realisation.rounded is None
    assert result.realisation.display() == "n/a"
    # no target for 2021 either, so the achievement cannot be computed
    assert result.achievement.status is Status.NOT_COMPUTABLE


def test_zero_denominator_blocks_achievement(build: Build) -> None:
    body = TANAH_LAUT.replace("    targets: {2022: 40}\n", "    targets: {2021: 40, 2022: 40}\n", 1)
    result = evaluate(build(body, files=TANAH_LAUT_DATA), period="2021").indicator(
        "lansia_disabilitas"
    )
    assert result.achievement.status is Status.NOT_COMPUTABLE
    assert result.achievement.reason is not None
    assert "realisation is not computable" in result.achievement.reason
    assert "zero denominator" in result.achievement.reason


def test_missing_category_names_variable_and_category(build: Build) -> None:
    files = dict(TANAH_LAUT_DATA)
    files["data-2022.yaml"] = files["data-2022.yaml"].replace("abh: 15, lansia", "lansia")
    result = evaluate(build(TANAH_LAUT, files=files), period="2022").indicator("pmks_tertangani")
    assert result.realisation.status is Status.MISSING_DATA
    assert MissingInput("pmks_population", "abh", "2022") in result.realisation.missing
    assert result.realisation.reason is not None
    assert "pmks_population[abh] in 2022" in result.realisation.reason
    # the achievement carries the same status and missing inputs
    assert result.achievement.status is Status.MISSING_DATA
    assert MissingInput("pmks_population", "abh", "2022") in result.achievement.missing


def test_missing_variable_names_variable(tanah_laut: Spec) -> None:
    result = evaluate(tanah_laut, period="2020").indicator("pmks_tertangani")
    assert result.realisation.status is Status.MISSING_DATA
    assert set(result.realisation.missing) == {
        MissingInput("pmks_handled", None, "2020"),
        MissingInput("pmks_population", None, "2020"),
    }


def test_missing_direct_indicator_value(tanah_laut: Spec) -> None:
    result = evaluate(tanah_laut, period="2021").indicator("nilai_akip")
    assert result.realisation.status is Status.MISSING_DATA
    assert result.realisation.missing == (MissingInput("nilai_akip", None, "2021"),)


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize("period", ["2022-Q5", "2022-Q0", "22", "2022Q3", "2022-3", " 2022", ""])
def test_malformed_period_raises(tanah_laut: Spec, period: str) -> None:
    with pytest.raises(PeriodError) as info:
        evaluate(tanah_laut, period=period)
    assert isinstance(info.value, SakipError)


QUARTERS = """\
breakdowns:
  - {id: kinds, categories: [x, y]}
variables:
  - {id: cases, breakdown: kinds, domain: count, quarters: sum}
  - {id: served, domain: count, quarters: sum}
  - {id: population, domain: count, quarters: last}
  - {id: v_sum, quarters: sum}
  - {id: v_last, quarters: last}
  - {id: v_mean, quarters: mean}
  - {id: v_max, quarters: max}
indicators:
  - id: pct_served
    name: Served
    unit: "%"
    formula: served / population * 100
    targets: {2022: 50, 2022-Q3: 10}
  - {id: f_sum, name: Sum, unit: x, formula: v_sum, targets: {2022: 5}}
  - {id: f_last, name: Last, unit: x, formula: v_last, targets: {2022: 5}}
  - {id: f_mean, name: Mean, unit: x, formula: v_mean, targets: {2022: 5}}
  - {id: f_max, name: Max, unit: x, formula: v_max, targets: {2022: 5}}
  - {id: i_sum, name: Sum, unit: x, quarters: sum, targets: {2022: 20}}
  - {id: i_last, name: Last, unit: x, quarters: last, targets: {2022: 2}}
  - {id: i_mean, name: Mean, unit: x, quarters: mean, targets: {2022: 5}}
  - {id: i_max, name: Max, unit: x, quarters: max, targets: {2022: 10}}
  - {id: i_none, name: No rule, unit: x, targets: {2022: 10}}
  - {id: f_cases, name: Cases, unit: x, formula: sum(cases), targets: {2022: 40}}
data:
  2022-Q1: {cases: {x: 1, y: 2}, served: 10, population: 100, v_sum: 1, v_last: 1, v_mean: 1, v_max: 1,
            i_sum: 5, i_last: 5, i_mean: 5, i_max: 5, i_none: 5}
  2022-Q2: {cases: {x: 3, y: 4}, served: 20, population: 200, v_sum: 2, v_last: 2, v_mean: 2, v_max: 2,
            i_sum: 7.5, i_last: 7.5, i_mean: 7.5, i_max: 7.5, i_none: 7.5}
  2022-Q3: {cases: {x: 5, y: 6}, served: 30, population: 300, v_sum: 4, v_last: 4, v_mean: 4, v_max: 4,
            i_sum: 6, i_last: 6, i_mean: 6, i_max: 6, i_none: 6}
  2022-Q4: {cases: {x: 7, y: 8}, served: 40, population: 400, v_sum: 3, v_last: 3, v_mean: 3, v_max: 3,
            i_sum: 2.25, i_last: 2.25, i_mean: 2.25, i_max: 2.25, i_none: 2.25}
"""


@pytest.fixture
def quarters(build: Build) -> Spec:
    return build(QUARTERS)


@pytest.mark.parametrize(
    ("indicator", "realisation", "achievement"),
    [
        # served sums its quarters: 10 + 20 + 30 + 40 = 100; population is cumulative,
        # so Q4 is the year: 400. 100 / 400 × 100 = 25; target 50: 25 / 50 × 100 = 50
        ("pct_served", "25.00", "50.00"),
        # variables 1, 2, 4, 3 — sum 10; last 3; mean 10 / 4 = 2.5; max 4 (target 5 each)
        ("f_sum", "10.00", "200.00"),  # 10 / 5 × 100 = 200
        ("f_last", "3.00", "60.00"),  # 3 / 5 × 100 = 60
        ("f_mean", "2.50", "50.00"),  # 2.5 / 5 × 100 = 50
        ("f_max", "4.00", "80.00"),  # 4 / 5 × 100 = 80
        # indicators given per quarter: 5, 7.5, 6, 2.25
        ("i_sum", "20.75", "103.75"),  # 20.75; 20.75 / 20 × 100 = 103.75
        ("i_last", "2.25", "112.50"),  # 2.25; 2.25 / 2 × 100 = 112.5
        ("i_mean", "5.19", "103.80"),  # 20.75 / 4 = 5.1875 → 5.19; 5.19 / 5 × 100 = 103.8
        ("i_max", "7.50", "75.00"),  # 7.5; 7.5 / 10 × 100 = 75
        # a breakdown variable summed over quarters and categories:
        # (1 + 2) + (3 + 4) + (5 + 6) + (7 + 8) = 36; 36 / 40 × 100 = 90
        ("f_cases", "36.00", "90.00"),
    ],
)
def test_quarters_make_the_year(
    quarters: Spec, indicator: str, realisation: str, achievement: str
) -> None:
    result = evaluate(quarters, period="2022").indicator(indicator)
    assert str(result.realisation.rounded) == realisation
    assert str(result.achievement.rounded) == achievement


def test_quarter_rule_trace(quarters: Spec) -> None:
    result = evaluate(quarters, period="2022").indicator("i_mean")
    assert result.realisation.trace == "mean(5, 7.5, 6, 2.25) = 5.1875 → 5.19"


def test_indicator_without_quarter_rule_has_no_annual_value(quarters: Spec) -> None:
    result = evaluate(quarters, period="2022").indicator("i_none")
    assert result.realisation.status is Status.MISSING_DATA
    assert result.realisation.missing == (MissingInput("i_none", None, "2022"),)


def test_quarter_evaluated_alone(quarters: Spec) -> None:
    report = evaluate(quarters, period="2022-Q3")
    assert report.period == "2022-Q3"
    served = report.indicator("pct_served")
    # Q3 alone: 30 / 300 × 100 = 10; target for 2022-Q3 is 10: 10 / 10 × 100 = 100
    assert target_text(served.target) == "10"
    assert str(served.realisation.rounded) == "10.00"
    assert str(served.achievement.rounded) == "100.00"
    # each per-quarter figure is the quarter's own value, whatever the yearly rule
    for name in ("i_sum", "i_last", "i_mean", "i_max"):
        assert str(report.indicator(name).realisation.rounded) == "6.00"
    assert str(report.indicator("f_sum").realisation.rounded) == "4.00"
    # no quarterly target for f_sum
    assert report.indicator("f_sum").achievement.status is Status.NOT_COMPUTABLE


def test_missing_quarter_is_named(build: Build) -> None:
    spec = build(QUARTERS.replace("i_sum: 6, ", ""))
    result = evaluate(spec, period="2022").indicator("i_sum")
    assert result.realisation.status is Status.MISSING_DATA
    assert MissingInput("i_sum", None, "2022-Q3") in result.realisation.missing
    assert result.realisation.reason is not None and "2022-Q3" in result.realisation.reason


def test_missing_variable_quarter_is_named(build: Build) -> None:
    spec = build(QUARTERS.replace("served: 20, ", ""))
    result = evaluate(spec, period="2022").indicator("pct_served")
    assert result.realisation.status is Status.MISSING_DATA
    assert MissingInput("served", None, "2022-Q2") in result.realisation.missing


def test_missing_category_in_a_quarter_is_named(build: Build) -> None:
    spec = build(QUARTERS.replace("cases: {x: 3, y: 4}", "cases: {x: 3}"))
    result = evaluate(spec, period="2022").indicator("f_cases")
    assert result.realisation.status is Status.MISSING_DATA
    assert result.realisation.missing == (MissingInput("cases", "y", "2022-Q2"),)


def test_last_needs_only_the_fourth_quarter(build: Build) -> None:
    # population uses `last`: dropping its Q2 value changes nothing
    spec = build(QUARTERS.replace("population: 200, ", ""))
    assert str(evaluate(spec, period="2022").indicator("pct_served").realisation.rounded) == (
        "25.00"
    )


# ------------------------------------------------------- indicator references

REFERENCES = """\
variables:
  - {id: handled, domain: count}
  - {id: population, domain: count}
indicators:
  - {id: pct, name: Handled, unit: "%", formula: handled / population * 100,
     targets: {2022: 50}}
  - {id: unhandled, name: Not handled, unit: "%", formula: 100 - pct, targets: {2022: 80},
     polarity: lower_is_better}
data:
  "2022": {handled: 1, population: 4}
  "2021": {handled: 1, population: 0}
"""


def test_indicator_referencing_another(build: Build) -> None:
    report = evaluate(build(REFERENCES), period="2022")
    # pct: 1 / 4 × 100 = 25; unhandled: 100 − 25 = 75
    assert str(report.indicator("unhandled").realisation.rounded) == "75.00"
    # lower is better (official): (2×80 − 75) / 80 × 100 = 85 / 80 × 100 = 106.25
    assert str(report.indicator("unhandled").achievement.rounded) == "106.25"


def test_referenced_indicator_not_computable(build: Build) -> None:
    report = evaluate(build(REFERENCES), period="2021")
    result = report.indicator("unhandled")
    assert result.realisation.status is Status.NOT_COMPUTABLE
    assert result.realisation.reason is not None and "'pct'" in result.realisation.reason


def test_referenced_indicator_missing(build: Build) -> None:
    report = evaluate(build(REFERENCES), period="2020")
    result = report.indicator("unhandled")
    assert result.realisation.status is Status.MISSING_DATA
    assert {m.name for m in result.realisation.missing} == {"handled", "population"}


# ------------------------------------------------------------------ roll-ups

ROLLUPS = """\
org_units:
  - {id: kadis, name: Dinas, level: II}
  - {id: bidang, name: Bidang, level: III, parent: kadis}
indicators:
  # a: 60 / 80 × 100 = 75
  - {id: a, name: A, unit: x, targets: {2022: 80}, weight: 3, owner: bidang, tags: [IKU]}
  # b: 60 / 50 × 100 = 120
  - {id: b, name: B, unit: x, targets: {2022: 50}, weight: 1, owner: bidang}
  # c: lower, official: (2×8 − 6.5) / 8 × 100 = 118.75
  - {id: c, name: C, unit: x, targets: {2022: 8}, polarity: lower_is_better, weight: 2, tags: [IKU]}
  # d: no data → missing
  - {id: d, name: D, unit: x, targets: {2022: 100}, weight: 1}
  # e: no weight
  - {id: e, name: E, unit: x, targets: {2022: 10}}
  - {id: parent, name: Parent, unit: x, targets: {2022: 100}}
goals:
  - {id: g_objectives, name: Goal from its objectives}
  - {id: g_own, name: Goal with own indicators, indicators: [b, c], rollup: min}
objectives:
  - {id: o_mean, name: Mean, indicators: [a, b], rollup: mean, goal: g_objectives}
  - {id: o_weighted, name: Weighted, indicators: [a, b], rollup: weighted_mean}
  - {id: o_weighted3, name: Weighted three, indicators: [a, b, c], rollup: weighted_mean}
  - {id: o_min, name: Min, indicators: [a, b, c], rollup: min}
  - {id: o_ratio, name: Ratio, indicators: [a, b], rollup: ratio_of_sums}
  - {id: o_ratio_lower, name: Ratio with lower, indicators: [a, c], rollup: ratio_of_sums}
  - {id: o_mixed, name: Mixed polarity, indicators: [a, c], goal: g_objectives}
  - {id: o_excluded, name: Excluded, indicators: [a, d]}
  - {id: o_none, name: None computable, indicators: [d]}
  - {id: o_no_weight, name: No weight, indicators: [a, e], rollup: weighted_mean}
links:
  - {parent: parent, child: a}
  - {parent: parent, child: b}
  - {parent: a, child: c}
data:
  "2022": {a: 60, b: 60, c: 6.5, e: 5, parent: 90}
"""


@pytest.fixture
def rollups(build: Build) -> EvaluationReport:
    return evaluate(build(ROLLUPS), period="2022")


def rollup(report: EvaluationReport, kind: str, rollup_id: str) -> sakipcalc.RollupResult:
    for result in report.rollups:
        if result.kind == kind and result.id == rollup_id:
            return result
    raise KeyError((kind, rollup_id))


@pytest.mark.parametrize(
    ("kind", "rollup_id", "rule", "expected"),
    [
        # mean(75, 120) = 195 / 2 = 97.5
        ("objective", "o_mean", "mean", "97.50"),
        # (3 × 75 + 1 × 120) / (3 + 1) = 345 / 4 = 86.25
        ("objective", "o_weighted", "weighted_mean", "86.25"),
        # (3 × 75 + 1 × 120 + 2 × 118.75) / 6 = (225 + 120 + 237.5) / 6 = 582.5 / 6 = 97.083… → 97.08
        ("objective", "o_weighted3", "weighted_mean", "97.08"),
        # min(75, 120, 118.75) = 75
        ("objective", "o_min", "min", "75.00"),
        # (60 + 60) / (80 + 50) × 100 = 120 / 130 × 100 = 92.307… → 92.31
        ("objective", "o_ratio", "ratio_of_sums", "92.31"),
        # mixed polarity, by achievements: mean(75, 118.75) = 193.75 / 2 = 96.875 → 96.88
        ("objective", "o_mixed", "mean", "96.88"),
        # d is missing: mean(75) = 75
        ("objective", "o_excluded", "mean", "75.00"),
        # a goal without own indicators rolls up its objectives' indicators, once each:
        # o_mean [a, b] + o_mixed [a, c] → a, b, c: (75 + 120 + 118.75) / 3 = 313.75 / 3
        # = 104.583… → 104.58
        ("goal", "g_objectives", "mean", "104.58"),
        # min(120, 118.75) = 118.75
        ("goal", "g_own", "min", "118.75"),
        # org unit 'bidang' owns a and b: mean(75, 120) = 97.5
        ("org_unit", "bidang", "mean", "97.50"),
        # agency: the IKU indicators a and c: mean(75, 118.75) = 96.875 → 96.88
        ("agency", "test_spec", "mean", "96.88"),
    ],
)
def test_rollups(
    rollups: EvaluationReport, kind: str, rollup_id: str, rule: str, expected: str
) -> None:
    result = rollup(rollups, kind, rollup_id)
    assert result.rule == rule
    assert result.achievement.status is Status.OK
    assert str(result.achievement.rounded) == expected


def test_rollup_members_and_excluded(rollups: EvaluationReport) -> None:
    result = rollup(rollups, "objective", "o_excluded")
    assert result.members == ("a", "d")
    assert result.excluded == ("d",)
    assert rollup(rollups, "objective", "o_mean").excluded == ()
    goal = rollup(rollups, "goal", "g_objectives")
    assert sorted(goal.members) == ["a", "b", "c"]


def test_rollup_with_no_computable_member(rollups: EvaluationReport) -> None:
    result = rollup(rollups, "objective", "o_none")
    assert result.achievement.status is Status.NOT_COMPUTABLE
    assert result.excluded == ("d",)


def test_org_unit_without_indicators_has_no_rollup(rollups: EvaluationReport) -> None:
    with pytest.raises(KeyError):
        rollup(rollups, "org_unit", "kadis")


def test_agency_rolls_up_everything_without_iku(build: Build) -> None:
    report = evaluate(build(ROLLUPS.replace(", tags: [IKU]", "")), period="2022")
    result = rollup(report, "agency", "test_spec")
    assert result.name == "Dinas Uji"
    # all computable: a 75, b 120, c 118.75, e 5 / 10 × 100 = 50, parent 90 / 100 × 100 = 90
    # mean = (75 + 120 + 118.75 + 50 + 90) / 5 = 453.75 / 5 = 90.75; d excluded
    assert result.excluded == ("d",)
    assert str(result.achievement.rounded) == "90.75"


def test_ratio_of_sums_refuses_lower_is_better(rollups: EvaluationReport) -> None:
    result = rollup(rollups, "objective", "o_ratio_lower")
    assert result.achievement.status is Status.NOT_COMPUTABLE
    assert result.achievement.reason is not None and "'c'" in result.achievement.reason


def test_weighted_mean_needs_weights(rollups: EvaluationReport) -> None:
    result = rollup(rollups, "objective", "o_no_weight")
    assert result.achievement.status is Status.NOT_COMPUTABLE
    assert result.achievement.reason is not None and "'e'" in result.achievement.reason


def test_rollup_category(rollups: EvaluationReport) -> None:
    # 75 is in Permendagri [66, 76): Sedang; 97.5 in [91, inf): Sangat Tinggi
    assert rollup(rollups, "objective", "o_min").category.label == "sedang"  # type: ignore[union-attr]
    assert rollup(rollups, "objective", "o_mean").category.label == "sangat_tinggi"  # type: ignore[union-attr]


def test_spec_default_rollup_rule(build: Build) -> None:
    report = evaluate(build(ROLLUPS, info="rollup: min\n"), period="2022")
    # o_mixed declares no rule, so the spec's min applies: min(75, 118.75) = 75
    result = rollup(report, "objective", "o_mixed")
    assert result.rule == "min"
    assert str(result.achievement.rounded) == "75.00"


def test_cascading_children(rollups: EvaluationReport) -> None:
    parent = rollups.indicator("parent")
    assert [c.indicator for c in parent.children] == ["a", "b"]
    assert str(parent.children[0].achievement.rounded) == "75.00"
    assert str(parent.children[1].achievement.rounded) == "120.00"
    # grandchildren too: a ← c
    assert [c.indicator for c in parent.children[0].children] == ["c"]
    assert str(parent.children[0].children[0].achievement.rounded) == "118.75"
    assert rollups.indicator("b").children == ()


# ------------------------------------------------------------------- budget

BUDGET = """\
indicators:
  - {id: a, name: A, unit: x, targets: {2022: 80}}
  - {id: b, name: B, unit: x, targets: {2022: 50}}
  - {id: m, name: Missing, unit: x, targets: {2022: 50}}
data:
  "2022": {a: 60, b: 60}
budget:
  - year: 2022
    ceiling: 1000
    spent: 650
    programs:
      - id: p1
        name: Program 1
        ceiling: 700
        children:
          - {id: k1, name: Kegiatan 1, ceiling: 400, spent: 300, indicators: [a]}
          - id: k2
            name: Kegiatan 2
            children:
              - {id: s1, name: Sub 1, ceiling: 150, spent: 20, indicators: [b]}
              - {id: s2, name: Sub 2, ceiling: 50, spent: 30, indicators: [a, b]}
      - {id: p2, name: Program 2, ceiling: 400, spent: 250, indicators: [m]}
      - {id: p3, name: Program 3, ceiling: 0, spent: 0}
  - year: 2021
    programs:
      - {id: old, name: Old, ceiling: 10, spent: 10}
"""

EFFICIENCY = "efficiency: {rule: achievement_minus_absorption, scale: efficiency_bands}\n"


def lines_by_id(report: EvaluationReport) -> dict[str, sakipcalc.BudgetResult]:
    out: dict[str, sakipcalc.BudgetResult] = {}

    def walk(lines: tuple[sakipcalc.BudgetResult, ...]) -> None:
        for line in lines:
            out[line.id] = line
            walk(line.children)

    walk(report.budget)
    return out


@pytest.fixture
def budget(build: Build) -> EvaluationReport:
    return evaluate(build(BUDGET), period="2022")


@pytest.mark.parametrize(
    ("line_id", "level", "ceiling", "spent", "absorption"),
    [
        ("k1", "kegiatan", "400", "300", "75.00"),  # 300 / 400 × 100 = 75
        ("s1", "sub_kegiatan", "150", "20", "13.33"),  # 20 / 150 × 100 = 13.333… → 13.33
        ("s2", "sub_kegiatan", "50", "30", "60.00"),  # 30 / 50 × 100 = 60
        # k2 from its parts: 150 + 50 = 200 ceiling, 20 + 30 = 50 spent → 25
        ("k2", "kegiatan", "200", "50", "25.00"),
        # p1 from its parts: 400 + 200 = 600, 300 + 50 = 350 → 350 / 600 × 100 = 58.333… → 58.33
        ("p1", "program", "600", "350", "58.33"),
        ("p2", "program", "400", "250", "62.50"),  # 250 / 400 × 100 = 62.5
    ],
)
def test_budget_absorption(
    budget: EvaluationReport, line_id: str, level: str, ceiling: str, spent: str, absorption: str
) -> None:
    line = lines_by_id(budget)[line_id]
    assert line.level == level
    assert line.year == 2022
    assert line.ceiling == D(ceiling)
    assert line.spent == D(spent)
    assert str(line.absorption.rounded) == absorption


def test_budget_only_for_the_year(budget: EvaluationReport) -> None:
    assert [line.id for line in budget.budget] == ["p1", "p2", "p3"]
    assert "old" not in lines_by_id(budget)


def test_budget_zero_ceiling(budget: EvaluationReport) -> None:
    line = lines_by_id(budget)["p3"]
    assert line.absorption.status is Status.NOT_COMPUTABLE
    assert line.absorption.reason is not None and "zero" in line.absorption.reason


def test_budget_declared_totals_checked(budget: EvaluationReport) -> None:
    messages = [w.message for w in budget.warnings if w.code == "budget-total-mismatch"]
    # p1 declares 700, its parts sum to 600
    p1 = [m for m in messages if "'p1'" in m]
    assert len(p1) == 1
    assert "700" in p1[0] and "600" in p1[0]
    # the year declares spent 650; the programs sum to 350 + 250 + 0 = 600
    total = [m for m in messages if "2022" in m and "spent" in m]
    assert len(total) == 1
    assert "650" in total[0] and "600" in total[0]
    # the declared ceiling 1000 = 600 + 400 + 0 agrees: no warning about it
    assert not [m for m in messages if "ceiling 1000" in m]
    assert len(messages) == 2
    line = lines_by_id(budget)["p1"]
    assert line.declared_ceiling == D(700)
    assert line.ceiling == D(600)


def test_budget_consistent_totals_give_no_warning(build: Build) -> None:
    body = BUDGET.replace("spent: 650", "spent: 600").replace("        ceiling: 700\n", "")
    report = evaluate(build(body), period="2022")
    assert [w for w in report.warnings if w.code == "budget-total-mismatch"] == []


def test_no_efficiency_by_default(budget: EvaluationReport) -> None:
    for line in lines_by_id(budget).values():
        assert line.efficiency is None
        assert line.efficiency_category is None


@pytest.mark.parametrize(
    ("line_id", "expected", "category"),
    [
        # a: 60 / 80 × 100 = 75; k1 absorbs 75 → 75 − 75 = 0 → [-5, 5] cukup efisien
        ("k1", "0.00", "cukup_efisien"),
        # b: 60 / 50 × 100 = 120; s1 absorbs 13.33 → 120 − 13.33 = 106.67 → efisien
        ("s1", "106.67", "efisien"),
        # s2 links a and b: mean(75, 120) = 97.5; absorbs 60 → 37.5 → efisien
        ("s2", "37.50", "efisien"),
    ],
)
def test_efficiency(build: Build, line_id: str, expected: str, category: str) -> None:
    report = evaluate(build(BUDGET, info=EFFICIENCY), period="2022")
    line = lines_by_id(report)[line_id]
    assert line.efficiency is not None
    assert str(line.efficiency.rounded) == expected
    assert line.efficiency_category is not None
    assert line.efficiency_category.label == category


def test_efficiency_not_computable_and_unlinked(build: Build) -> None:
    lines = lines_by_id(evaluate(build(BUDGET, info=EFFICIENCY), period="2022"))
    # p2 links 'm', which has no data
    assert lines["p2"].efficiency is not None
    assert lines["p2"].efficiency.status is Status.NOT_COMPUTABLE
    assert lines["p2"].efficiency_category is None
    # p1 links no indicator: no efficiency
    assert lines["p1"].efficiency is None


@pytest.mark.parametrize(
    ("spent", "expected", "category"),
    [
        # a's achievement is 75; ceiling 100, so absorption = spent
        ("80", "-5.00", "cukup_efisien"),  # 75 − 80 = −5, inside [-5, 5]
        ("80.01", "-5.01", "tidak_efisien"),  # 75 − 80.01 = −5.01 < −5
        ("70", "5.00", "cukup_efisien"),  # 75 − 70 = 5, inside [-5, 5]
        ("69.99", "5.01", "efisien"),  # 75 − 69.99 = 5.01 > 5
        ("90", "-15.00", "tidak_efisien"),  # 75 − 90 = −15
    ],
)
def test_efficiency_band_boundaries(build: Build, spent: str, expected: str, category: str) -> None:
    body = BUDGET.replace(
        "{id: k1, name: Kegiatan 1, ceiling: 400, spent: 300, indicators: [a]}",
        f"{{id: k1, name: Kegiatan 1, ceiling: 100, spent: {spent}, indicators: [a]}}",
    )
    line = lines_by_id(evaluate(build(body, info=EFFICIENCY), period="2022"))["k1"]
    assert line.efficiency is not None
    assert str(line.efficiency.rounded) == expected
    assert line.efficiency_category is not None
    assert line.efficiency_category.label == category


# --------------------------------------------------------------- agreements


def test_agreement_uses_its_own_targets(tanah_laut_2022: EvaluationReport) -> None:
    agreements = {a.id: a for a in tanah_laut_2022.agreements}
    kadis = agreements["pk_kadis"]
    assert (kadis.org_unit, kadis.level, kadis.official) == ("kadis", "II", "Kepala Dinas Sosial")
    items = {i.indicator: i for i in kadis.items}
    # tertangani: 41.42 / 100 × 100 = 41.42
    assert target_text(items["pmks_tertangani"].target) == "100"
    assert str(items["pmks_tertangani"].achievement.rounded) == "41.42"
    # mandiri: the PK's target is 30 (the Renstra says 25): 13.32 / 30 × 100 = 44.4
    assert target_text(items["pmks_mandiri"].target) == "30"
    assert str(items["pmks_mandiri"].achievement.rounded) == "44.40"
    # the Renstra result is unchanged: 53.28 against 25
    assert str(tanah_laut_2022.indicator("pmks_mandiri").achievement.rounded) == "53.28"
    # mean(41.42, 44.40) = 85.82 / 2 = 42.91
    assert str(kadis.rollup.rounded) == "42.91"


def test_agreement_with_grade_targets(tanah_laut_2022: EvaluationReport) -> None:
    sekretaris = {a.id: a for a in tanah_laut_2022.agreements}["pk_sekretaris"]
    assert sekretaris.org_unit_name == "Sekretariat"
    assert sekretaris.level == "III"
    items = {i.indicator: i for i in sekretaris.items}
    # BB vs BB → 100
    assert str(items["nilai_akip"].achievement.rounded) == "100.00"
    # score 80 is BB (5) against target A (6): 5 / 6 × 100 = 83.333… → 83.33
    assert str(items["nilai_akip_skor"].achievement.rounded) == "83.33"
    # mean(100, 83.33) = 183.33 / 2 = 91.665 → half_up 91.67
    assert str(sekretaris.rollup.rounded) == "91.67"


def test_agreements_only_for_the_year(tanah_laut: Spec) -> None:
    assert evaluate(tanah_laut, period="2021").agreements == ()


# -------------------------------------------------------------------- JSON


def test_json_output_keeps_decimals_as_strings(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    texts = {"spec.yaml": header(tmp_path, "{places: 2, mode: half_up}", "") + TANAH_LAUT}
    texts.update({name: textwrap.dedent(text) for name, text in TANAH_LAUT_DATA.items()})
    directory = write_spec(texts)
    result = run_cli("evaluate", str(directory), "--period", "2022", "--format", "json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["period"] == "2022"
    indicators = {i["indicator"]: i for i in payload["indicators"]}
    tertangani = indicators["pmks_tertangani"]
    assert tertangani["realisation"]["rounded"] == "41.42"
    assert isinstance(tertangani["realisation"]["raw"], str)
    assert tertangani["realisation"]["raw"].startswith("41.4241")
    assert tertangani["achievement"]["rounded"] == "41.42"
    assert tertangani["achievement"]["status"] == "ok"
    mandiri = indicators["pmks_mandiri"]
    assert mandiri["achievement"]["rounded"] == "53.28"
    assert mandiri["end_target_progress"]["rounded"] == "44.40"

    def walk(node: object) -> None:
        # no number anywhere may be a float: Decimals are strings
        assert not isinstance(node, float)
        if isinstance(node, dict):
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)


def test_json_for_a_bad_period_is_a_usage_error(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    texts = {"spec.yaml": header(tmp_path, "{places: 2}", "") + TANAH_LAUT}
    directory = write_spec(texts)
    result = run_cli("evaluate", str(directory), "--period", "2022-Q9", "--format", "json")
    assert result.code == 2
    assert "2022-Q9" in result.err


# ------------------------------------------------- shared children and long chains

# The smallest valid spec header; each test below adds its own sections.
BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


def test_a_cascade_of_shared_children_is_built_once(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    # 16 layers of 2; each node supports both nodes of the layer above: 2^15 paths from
    # the top to the bottom, but only 32 results to build.
    lines = [BARE, "indicators:\n"]
    links = ["links:\n"]
    data = ['data:\n  "2022":\n']
    for layer in range(16):
        for side in "ab":
            node = f"n{layer}{side}"
            lines.append(f"  - {{id: {node}, name: N, unit: x, targets: {{2022: 10}}}}\n")
            data.append(f"    {node}: 5\n")
            if layer:
                for parent_side in "ab":
                    links.append(f"  - {{parent: n{layer - 1}{parent_side}, child: {node}}}\n")
    directory = write_spec({"spec.yaml": "".join(lines + links + data)})
    report = sakipcalc.evaluate(sakipcalc.load(directory), period="2022")
    top, child = report.indicator("n0a"), report.indicator("n1a")
    assert top.children[0] is child  # shared, not rebuilt per parent
    # the JSON lists children by id, so it stays small
    result = run_cli("evaluate", str(directory), "--period", "2022", "--format", "json")
    payload = json.loads(result.out)
    assert payload["indicators"][0]["children"] == ["n1a", "n1b"]
    assert len(result.out) < 200_000


def test_a_long_link_chain_is_not_cut(write_spec: Callable[[dict[str, str]], Path]) -> None:
    lines = [BARE, "indicators:\n"] + [f"  - {{id: n{i}, name: N, unit: x}}\n" for i in range(20)]
    links = ["links:\n"] + [f"  - {{parent: n{i}, child: n{i + 1}}}\n" for i in range(19)]
    directory = write_spec({"spec.yaml": "".join(lines + links)})
    report = sakipcalc.evaluate(sakipcalc.load(directory), period="2022")
    depth, node = 0, report.indicator("n0")
    while node.children:
        (node,) = node.children
        depth += 1
    assert (depth, node.indicator) == (19, "n19")


def test_a_long_formula_chain_neither_recurses_nor_crashes(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    # i0 = x; i_k = i_(k-1) + 1, declared in reverse so that evaluation order matters.
    count = 1100
    lines = [BARE, "variables:\n  - {id: x}\nindicators:\n"]
    for k in reversed(range(count)):
        formula = "x" if k == 0 else f"i{k - 1} + 1"
        lines.append(f"  - {{id: i{k}, name: I, unit: x, formula: '{formula}'}}\n")
    lines.append('data:\n  "2022":\n    x: 7\n')
    # the last link printed as 7 + 1099 = 1106: reconciliation walks the same chain
    lines.append(
        f'reported:\n  - {{source: T, period: "2022", indicator: i{count - 1}, '
        f"realisation: {7 + count - 1}}}\n"
    )
    spec = sakipcalc.load(write_spec({"spec.yaml": "".join(lines)}))
    report = sakipcalc.evaluate(spec, period="2022")
    assert report.indicator(f"i{count - 1}").realisation.raw == D(7 + count - 1)
    from sakipcalc.check import check

    result = check(spec)
    assert (result.checked, result.consistent) == (1, 1)


# ------------------------------------------------------- inputs and edge cases


def test_a_negative_target_is_not_computable_and_warned(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    # higher is better, T = -5, R = -10: R / T = 200 would reward the worse result
    text = BARE + (
        "indicators:\n"
        "  - {id: a, name: A, unit: poin, targets: {2022: -5}}\n"
        'data:\n  "2022":\n    a: -10\n'
    )
    spec = sakipcalc.load(write_spec({"spec.yaml": text}))
    assert [w.code for w in spec.warnings] == ["negative-target"]
    figure = sakipcalc.evaluate(spec, period="2022").indicator("a").achievement
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason is not None and figure.reason.startswith("negative target -5")


def test_a_hand_built_dataset_with_a_float_is_refused_as_loaded_data_is(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    text = BARE + "indicators:\n  - {id: a, name: A, unit: x, targets: {2022: 1}}\n"
    spec = sakipcalc.load(write_spec({"spec.yaml": text}))
    data = sakipcalc.DataSet({"2022": {"a": 1.5}})  # type: ignore[dict-item]
    with pytest.raises(sakipcalc.SpecError, match=r"expected a number, got 1\.5"):
        sakipcalc.evaluate(spec, data, period="2022")


def test_ratio_of_sums_follows_achievement_from_rounded(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    # 10086 / 75695 × 100 = 13.3245… → 13.32 printed; 13.32 / 25 × 100 = 53.28 (not 53.30)
    text = (
        "sakipcalc: 1\n"
        "spec: {id: s, name: S, plan: {start: 2019, end: 2023}, rollup: ratio_of_sums}\n"
        "variables:\n  - {id: m}\n  - {id: p}\n"
        "indicators:\n"
        "  - {id: a, name: A, unit: x, formula: m / p * 100, targets: {2022: 25}}\n"
        'data:\n  "2022":\n    m: 10086\n    p: 75695\n'
    )
    report = sakipcalc.evaluate(sakipcalc.load(write_spec({"spec.yaml": text})), period="2022")
    (agency,) = [r for r in report.rollups if r.kind == "agency"]
    assert agency.achievement.rounded == D("53.28")


def test_an_explicitly_empty_year_is_not_filled_from_its_quarters(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    text = BARE + (
        "indicators:\n  - {id: a, name: A, unit: x, quarters: sum, targets: {2022: 10}}\n"
        "data:\n"
        '  "2022": {a: ~}\n'
        '  "2022-Q1": {a: 1}\n  "2022-Q2": {a: 2}\n  "2022-Q3": {a: 3}\n  "2022-Q4": {a: 4}\n'
    )
    spec = sakipcalc.load(write_spec({"spec.yaml": text}))
    figure = sakipcalc.evaluate(spec, period="2022").indicator("a").realisation
    assert figure.status is Status.MISSING_DATA
    # without the explicit ~ the year is the sum of its quarters: 1 + 2 + 3 + 4
    text_without = text.replace('  "2022": {a: ~}\n', "")
    other = write_spec({"other/spec.yaml": text_without}) / "other"
    spec = sakipcalc.load(other)
    assert sakipcalc.evaluate(spec, period="2022").indicator("a").realisation.raw == D(10)


# ------------------------------------------- sharing earlier periods between calls

SHARED = """\
variables:
  - {id: served, domain: count}
  - {id: population, domain: count}
indicators:
  - id: pct
    name: Served
    unit: "%"
    formula: served / population * 100
    quarters: sum
    targets: {2021: 40, 2022: 50, 2023: 60}
  - id: twice
    name: Twice
    unit: points
    formula: pct * 2
    targets: {2021: 80, 2022: 100, 2023: 120}
data:
  2021: {served: 30, population: 100, pct: 31, twice: 61}
  2022-Q1: {served: 10, population: 100, pct: 11}
  2022-Q2: {served: 10, population: 100}
  2022-Q3: {served: 10, population: 100}
  2022-Q4: {served: 10, population: 100}
  2022: {population: 100, twice: 79}
  2023: {served: 50, population: 100, pct: 49}
"""


def _fresh(spec: Spec, period: str) -> str:
    # A new DataSet object with the same values shares nothing with earlier calls.
    data = sakipcalc.DataSet(spec.data.values, spec.data.origins)
    return render_json(evaluate(spec, data, period=period))


def test_shared_earlier_periods_give_the_same_reports_and_warnings(build: Build) -> None:
    spec = build(SHARED)
    periods = ["2023", "2022-Q1", "2021", "2022", "2023", "2022"]
    for period in periods:  # each call reuses what the calls before it computed
        assert render_json(evaluate(spec, period=period)) == _fresh(spec, period)
    report = evaluate(spec, period="2023")
    # 'pct' is given and computed in 2021, 2022-Q1 and 2023 (formula 30, 10, 50 against
    # 31, 11, 49) and 'twice' in 2021 and 2022 (60, 2 × 40 = 80 against 61, 79). Its 2022
    # comes from its quarters (the data has no 'served' for the year). A 2023 report
    # computes the earlier years of each indicator after its own year, in spec order.
    differs = [w.message for w in report.warnings if w.code == "given-differs-from-formula"]
    used = "the formula's value is used"
    assert differs == [
        f"'pct' in 2023: the data gives 49.00, its formula computes 50.00; {used}",
        f"'pct' in 2021: the data gives 31.00, its formula computes 30.00; {used}",
        f"'pct' in 2022-Q1: the data gives 11.00, its formula computes 10.00; {used}",
        f"'twice' in 2021: the data gives 61.00, its formula computes 60.00; {used}",
        f"'twice' in 2022: the data gives 79.00, its formula computes 80.00; {used}",
    ]


def test_shared_evaluation_is_safe_across_threads(build: Build) -> None:
    spec = build(SHARED)
    periods = ["2021", "2022", "2023", "2022-Q1"] * 4
    expected = {period: _fresh(spec, period) for period in set(periods)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda p: render_json(evaluate(spec, period=p)), periods))
    assert got == [expected[p] for p in periods]


def test_traces_are_written_when_read_and_read_the_same(build: Build) -> None:
    spec = build(SHARED)
    result = evaluate(spec, period="2023").indicator("pct")
    # 50 / 100 × 100 = 50 → 50.00; 50 / 60 × 100 = 83.333… → 83.33 (traces drop zeros)
    assert result.realisation.trace == "50 / 100 × 100 = 50 → 50.00"
    assert result.achievement.trace == "50 / 60 × 100 = 83.333333… → 83.33"
    assert result.achievement == pickle.loads(pickle.dumps(result.achievement))


def test_shared_computations_go_with_the_data(build: Build) -> None:
    spec = build(SHARED)
    data = sakipcalc.DataSet(spec.data.values, spec.data.origins)
    evaluate(spec, data, period="2023")
    shared = weakref.ref(shared_for(spec, data))
    assert shared() is not None
    del data
    gc.collect()
    assert shared() is None


def test_hand_built_data_is_checked_once_and_shared_between_calls(
    build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sakipcalc._data

    spec = build(SHARED)
    data = sakipcalc.DataSet(spec.data.values)  # built by hand: checked as loaded data is
    calls: list[object] = []
    real = sakipcalc._data.parse_data

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sakipcalc._data, "parse_data", counting)
    first = render_json(evaluate(spec, data, period="2023"))
    second = render_json(evaluate(spec, data, period="2023"))
    assert first == second
    assert len(calls) == 1  # the second call reuses the checked data, and what it computed
