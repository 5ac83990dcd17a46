"""Golden tests of the real report: ``specs/tanah-laut-dinsos-2022`` against the report's text.

The text is /work/shared/seeds/000_c2d025b5a3471b09.txt; every ``Lnnnn`` below is
a line of it, and every expected number was worked out by hand from those lines
(or by the Fraction oracle below, which reads the spec's YAML with PyYAML's
``BaseLoader`` and never goes through sakipcalc).

(a) every printed figure that ``check`` calls consistent is reproduced exactly by
    the oracle, and every one it flags is not; plus hand-computed key figures and
    the spec's declared invariants;
(b) ``sakipcalc evaluate`` output against a golden file (regenerate with
    ``pytest --update-goldens``), and its JSON;
(c) ``sakipcalc validate`` on every shipped spec directory.

Every discrepancy ``check`` finds in this report, as a hand-written list, and the
output of ``sakipcalc check`` on it, are in ``test_check.py``.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SPECS, TANAH_LAUT_SPEC, Golden, run_cli

import sakipcalc
import sakipcalc.check
from sakipcalc import EvaluationReport, Spec
from sakipcalc.results import target_text

PERIOD = "2022"


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


@pytest.fixture(scope="module")
def spec() -> Spec:
    return sakipcalc.load(TANAH_LAUT_SPEC)


@pytest.fixture(scope="module")
def report(spec: Spec) -> EvaluationReport:
    return sakipcalc.evaluate(spec, period=PERIOD)


@pytest.fixture(scope="module")
def checked(spec: Spec) -> sakipcalc.check.CheckResult:
    return sakipcalc.check.check(spec)


# =========================================================== an independent oracle


def half_up(value: Fraction, places: int) -> Fraction:
    """Round a non-negative Fraction half-up to ``places`` decimals."""
    assert value >= 0
    scaled = value * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole, 10**places)


def places_of(printed: Decimal) -> int:
    exponent = printed.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


AKIP_GRADES = ("D", "C", "CC", "B", "BB", "A", "AA")  # specs/standard/akip.yaml, lowest first


class Oracle:
    """Recomputes the spec's figures from its YAML text, in Fractions.

    PyYAML's ``BaseLoader`` keeps every scalar as the text typed, so nothing goes
    through float; the arithmetic and the half-up rounding are written here,
    independently of sakipcalc's formula compiler, engine and rounding.
    """

    def __init__(self, directory: Path) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self.categories: dict[str, list[str]] = {}  # breakdown -> categories
        self.subsets: dict[str, dict[str, list[str]]] = {}  # breakdown -> name -> categories
        self.variables: dict[str, dict[str, Any]] = {}
        self.indicators: dict[str, dict[str, Any]] = {}
        self.agreements: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        for path in sorted(directory.glob("*.yaml")):
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
            for period, values in doc.get("data", {}).items():
                self.data.setdefault(period, {}).update(values)
            for breakdown in doc.get("breakdowns", []):
                self.categories[breakdown["id"]] = [c["id"] for c in breakdown["categories"]]
                self.subsets[breakdown["id"]] = dict(breakdown.get("subsets", {}))
            for variable in doc.get("variables", []):
                self.variables[variable["id"]] = variable
            for indicator in doc.get("indicators", []):
                self.indicators[indicator["id"]] = indicator
            for agreement in doc.get("agreements", []):
                self.agreements[agreement["id"]] = agreement
            for budget in doc.get("budget", []):
                for line in self._walk(budget["programs"]):
                    self.lines[line["id"]] = line

    def _walk(self, lines: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for line in lines:
            yield line
            yield from self._walk(line.get("children", []))

    # ----------------------------------------------------------- expressions

    def _cells(self, variable: str, period: str) -> dict[str, Fraction]:
        spec = self.variables[variable]
        cells = self.data[period][variable]  # KeyError: no data
        wanted = spec.get("categories") or self.categories[spec["breakdown"]]
        return {c: Fraction(cells[c]) for c in wanted}

    def _sum(self, variable: str, period: str, part: str | None) -> Fraction:
        cells = self._cells(variable, period)
        if part is None:
            return sum(cells.values(), Fraction(0))
        subsets = self.subsets[self.variables[variable]["breakdown"]]
        chosen = subsets.get(part, [part])
        return sum((cells[c] for c in chosen), Fraction(0))

    def expr(self, text: str, period: str) -> Fraction:
        def walk(node: ast.expr) -> Fraction:
            if isinstance(node, ast.BinOp):
                left, right = walk(node.left), walk(node.right)
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if isinstance(node.op, ast.Div):
                    return left / right
            if isinstance(node, ast.Constant) and isinstance(node.value, int):
                return Fraction(node.value)
            if isinstance(node, ast.Name):
                return Fraction(self.data[period][node.id])
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id == "sum"
                names = [a.id for a in node.args if isinstance(a, ast.Name)]
                assert len(names) == len(node.args) in (1, 2)
                return self._sum(names[0], period, names[1] if len(names) == 2 else None)
            raise AssertionError(f"the oracle does not know {ast.dump(node)}")

        return walk(ast.parse(text, mode="eval").body)

    # ------------------------------------------------------------ indicators

    def realisation(self, indicator: str, period: str) -> Fraction | str:
        """The raw realisation: the formula where its data exists, else the given value."""
        formula = self.indicators[indicator].get("formula")
        if formula is not None:
            try:
                return self.expr(formula, period)
            except KeyError:
                pass
        given = self.data[period][indicator]
        return given if given in AKIP_GRADES else Fraction(given)

    def plan_target(self, indicator: str, period: str) -> str | None:
        target = self.indicators[indicator].get("targets", {}).get(period)
        return None if target is None else str(target)

    def signed_target(self, agreement: str, indicator: str) -> str:
        items = self.agreements[agreement]["items"]
        return str(next(i["target"] for i in items if i["indicator"] == indicator))

    def achievement(self, real: Fraction | str, target: str) -> Fraction:
        """Higher is better (every reported indicator is), from the rounded realisation."""
        if isinstance(real, str) or target in AKIP_GRADES:
            assert isinstance(real, str) and target in AKIP_GRADES
            return Fraction(AKIP_GRADES.index(real) + 1, AKIP_GRADES.index(target) + 1) * 100
        return half_up(real, 2) / Fraction(target) * 100

    # ---------------------------------------------------------------- budget

    def amounts(self, line_id: str) -> tuple[Fraction, Fraction]:
        line = self.lines[line_id]
        children = line.get("children", [])
        if not children:
            return Fraction(line.get("ceiling", "0")), Fraction(line.get("spent", "0"))
        parts = [self.amounts(child["id"]) for child in children]
        return sum((p[0] for p in parts), Fraction(0)), sum((p[1] for p in parts), Fraction(0))


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(TANAH_LAUT_SPEC)


@dataclass(frozen=True)
class Field:
    """One printed number (or target / grade) of a ``reported:`` entry, and its recomputation."""

    source: str
    subject: str
    what: str
    period: str | None
    printed: Fraction | str
    recomputed: Fraction | str

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.source, self.subject, self.what, self.period)


def _target_text(target: sakipcalc.TargetSpec) -> Fraction | str:
    if target.grade is not None:
        return target.grade
    assert target.value is not None
    return Fraction(target.value)


def reported_fields(spec: Spec, oracle: Oracle) -> list[Field]:
    """Every printed figure in the spec's ``reported:`` entries, recomputed by the oracle."""
    fields: list[Field] = []
    for item in spec.reported:
        period = item.period
        if item.expr is not None:
            assert item.value is not None and period is not None
            places = item.places if item.places is not None else places_of(item.value)
            value = half_up(oracle.expr(item.expr, period), places)
            fields.append(
                Field(item.source, item.expr, "value", period, Fraction(item.value), value)
            )
        elif item.indicator is not None:
            assert period is not None
            indicator = item.indicator
            held_to = oracle.plan_target(indicator, period)
            if item.agreement is not None:
                held_to = oracle.signed_target(item.agreement, indicator)
            real = oracle.realisation(indicator, period)
            if item.target is not None:
                assert held_to is not None
                expected: Fraction | str = held_to if held_to in AKIP_GRADES else Fraction(held_to)
                fields.append(
                    Field(
                        item.source,
                        indicator,
                        "target",
                        period,
                        _target_text(item.target),
                        expected,
                    )
                )
            if item.realisation is not None:
                shown = (
                    real
                    if isinstance(real, str)
                    else half_up(real, 2 if item.places is None else item.places)
                )
                fields.append(
                    Field(
                        item.source,
                        indicator,
                        "realisation",
                        period,
                        _target_text(item.realisation),
                        shown,
                    )
                )
            if item.achievement is not None:
                target = str(item.target.describe()) if item.target is not None else held_to
                assert target is not None
                value = half_up(
                    oracle.achievement(real, target), 2 if item.places is None else item.places
                )
                fields.append(
                    Field(
                        item.source,
                        indicator,
                        "achievement",
                        period,
                        Fraction(item.achievement),
                        value,
                    )
                )
        else:
            if item.budget_line is not None:
                subject, lines = item.budget_line, [item.budget_line]
            else:
                assert item.budget_lines is not None
                subject, lines = " + ".join(item.budget_lines), list(item.budget_lines)
            ceiling = sum((oracle.amounts(line)[0] for line in lines), Fraction(0))
            spent = sum((oracle.amounts(line)[1] for line in lines), Fraction(0))
            for what, printed_amount, amount in (
                ("ceiling", item.ceiling, ceiling),
                ("spent", item.spent, spent),
            ):
                if printed_amount is not None:
                    fields.append(
                        Field(item.source, subject, what, period, Fraction(printed_amount), amount)
                    )
            if item.absorption is not None:
                absorption = half_up(
                    spent / ceiling * 100, 2 if item.places is None else item.places
                )
                fields.append(
                    Field(
                        item.source,
                        subject,
                        "absorption",
                        period,
                        Fraction(item.absorption),
                        absorption,
                    )
                )
    return fields


# ============================================================ (a) consistent figures


def test_every_consistent_printed_figure_is_reproduced_exactly(
    spec: Spec, oracle: Oracle, checked: sakipcalc.check.CheckResult
) -> None:
    fields = reported_fields(spec, oracle)
    flagged = Counter((d.source, d.subject, d.what, d.period) for d in checked.discrepancies)
    consistent = [f for f in fields if f.key not in flagged]
    wrong = [f for f in consistent if f.printed != f.recomputed]
    assert wrong == [], "check calls these consistent, but the oracle disagrees"
    # ... and every figure check flags really does differ from the recomputation.
    agreeing = [f for f in fields if f.key in flagged and f.printed == f.recomputed]
    assert agreeing == [], "check flags these, but the oracle reproduces them"
    # Same population of figures as check: the rest of its comparisons are the
    # declared budget totals (6 program ceilings + the 2022 grand total, budget.yaml)
    # and the 25 Perjanjian Kinerja items compared with the plan (agreements.yaml).
    assert len(fields) + 7 + 25 == checked.checked
    assert len(consistent) + 7 + 25 - 3 == checked.consistent
    assert len(consistent) > 250  # the bulk of the 265 reported entries


def test_pmks_population_is_26_categories_summing_to_75695(spec: Spec) -> None:
    # "Rekapitulasi Data PPKS ... Tahun 2022", L4437-4513; "-" is 0. TOTAL 75.695 (L4516-4517).
    printed = {
        "anak_balita_terlantar": 0,
        "anak_terlantar": 47,
        "abh": 15,
        "anak_jalanan": 0,
        "adk": 0,
        "anak_korban_kekerasan": 0,
        "anak_perlindungan_khusus": 0,
        "lansia_terlantar": 13880,
        "penyandang_disabilitas": 3044,
        "tuna_susila": 0,
        "gelandangan": 60,
        "pengemis": 0,
        "pemulung": 0,
        "kelompok_minoritas": 0,
        "bwbp": 37,
        "odha": 0,
        "korban_napza": 0,
        "korban_trafficking": 0,
        "korban_tindak_kekerasan": 0,
        "pmbs": 0,
        "korban_bencana_alam": 8081,
        "korban_bencana_sosial": 121,
        "perempuan_rawan_sosek": 0,
        "fakir_miskin": 50410,
        "keluarga_bermasalah_psikologis": 0,
        "kat": 0,
    }
    assert len(printed) == 26
    # 47 + 15 + 13880 + 3044 + 60 + 37 + 8081 + 121 + 50410 = 75695
    assert sum(printed.values()) == 75695
    assert len(spec.breakdowns["pmks_types"].categories) == 26
    data = spec.data.get(PERIOD, "pmks_population")
    assert isinstance(data, Mapping)
    assert dict(data) == {k: D(v) for k, v in printed.items()}


def test_pmks_handled_is_8_categories_summing_to_31356(spec: Spec) -> None:
    # "Jumlah PPKS yang dapat ditangani ... Tahun 2022", L4547-4563, TOTAL 31.356.
    printed = {
        "anak_terlantar": 18,
        "abh": 15,
        "lansia_terlantar": 2833,
        "penyandang_disabilitas": 287,
        "bwbp": 37,
        "korban_bencana_alam": 8081,
        "korban_bencana_sosial": 121,
        "fakir_miskin": 19964,
    }
    # 18 + 15 + 2833 + 287 + 37 + 8081 + 121 + 19964 = 31356
    assert sum(printed.values()) == 31356
    assert spec.variable_categories("pmks_handled") == tuple(printed)
    data = spec.data.get(PERIOD, "pmks_handled")
    assert isinstance(data, Mapping)
    assert dict(data) == {k: D(v) for k, v in printed.items()}


def test_pmks_mandiri_is_10086(spec: Spec) -> None:
    # L4634-4646: 8081 + 121 + 37 + 1847 = 10.086
    assert 8081 + 121 + 37 + 1847 == 10086
    data = spec.data.get(PERIOD, "pmks_mandiri_count")
    assert isinstance(data, Mapping)
    assert dict(data) == {
        "korban_bencana_alam": D(8081),
        "korban_bencana_sosial": D(121),
        "bwbp": D(37),
        "keluarga_pkh": D(1847),
    }


def test_pct_pmks_tertangani(report: EvaluationReport) -> None:
    result = report.indicator("pmks_tertangani")
    # 31356 / 75695 × 100 = 41.42413…; half-up → 41.42 (L4389, L4532, L4969)
    assert result.realisation.rounded == D("41.42")
    assert result.realisation.raw is not None
    exact = Fraction(31356 * 100, 75695)
    assert abs(Fraction(result.realisation.raw) - exact) < Fraction(1, 10**30)
    assert result.realisation.trace.startswith("31356 / 75695 × 100 = 41.4241")
    # Target 100: 41.42 / 100 × 100 = 41.42, below 51: Sangat Rendah
    assert target_text(result.target) == "100"
    assert result.achievement.rounded == D("41.42")
    assert result.category is not None and result.category.name == "Sangat Rendah"


def test_pct_pmks_mandiri_from_the_rounded_realisation(report: EvaluationReport) -> None:
    result = report.indicator("pmks_mandiri")
    # 10086 / 75695 × 100 = 13.32452…; half-up → 13.32 (L4673, L6960)
    assert result.realisation.rounded == D("13.32")
    assert result.realisation.trace.startswith("10086 / 75695 × 100")
    # 13.32 / 25 × 100 = 53.28 (L4374); the raw 13.32452… would give 53.298… → 53.30
    assert target_text(result.target) == "25"
    assert result.achievement.rounded == D("53.28")
    assert half_up(Fraction(10086 * 100, 75695) / 25 * 100, 2) == Fraction("53.30")
    assert result.category is not None and result.category.name == "Rendah"  # [51, 66)
    # End-of-plan target 30 (L1718): 13.32 / 30 × 100 = 44.40
    assert target_text(result.end_target) == "30"
    assert result.end_target_progress is not None
    assert result.end_target_progress.rounded == D("44.40")


def test_2021_pmks_mandiri_is_245_05_uncapped(report: EvaluationReport) -> None:
    previous = {p.period: p for p in report.indicator("pmks_mandiri").previous}
    last_year = previous["2021"]
    # IKU Pemkab appendix, L6942: target 20, realisation 49,01, capaian 245,05
    assert target_text(last_year.target) == "20"
    assert last_year.realisation.rounded == D("49.01")
    # 49.01 / 20 × 100 = 245.05, not capped (the spec declares no cap)
    assert last_year.achievement.rounded == D("245.05")
    # 2019 and 2020 have targets (12.5, 15; L1718) but no realisation in the report.
    assert target_text(previous["2019"].target) == "12.5"
    assert not previous["2019"].realisation.ok


def test_2021_pmks_tertangani(report: EvaluationReport) -> None:
    last_year = {p.period: p for p in report.indicator("pmks_tertangani").previous}["2021"]
    # BAB IV (L6810): 87,02 % in 2021; Renstra 2021 target 90 (L1710): 87.02 / 90 × 100 = 96.688… → 96.69
    assert target_text(last_year.target) == "90"
    assert last_year.realisation.rounded == D("87.02")
    assert last_year.achievement.rounded == D("96.69")


def test_nilai_akip_bb_against_bb_is_100(report: EvaluationReport) -> None:
    result = report.indicator("nilai_akip")
    # Target BB (L2388), realisation BB (L5201), "telah mencapai 100%" (L5404-5406)
    assert target_text(result.target) == "BB"
    assert result.realisation.grade == "BB"
    assert result.realisation.display() == "BB"
    assert result.achievement.rounded == D("100.00")


def test_lansia_disabilitas_is_18_44_half_up(report: EvaluationReport) -> None:
    result = report.indicator("lansia_disabilitas_kebutuhan_dasar")
    # (2833 + 287) / (13880 + 3044) × 100 = 3120 / 16924 × 100 = 18.43535…
    # The spec declares half-up: 18.44 (the report prints the truncation 18,43, L5551).
    assert result.realisation.trace.startswith("3120 / 16924 × 100")
    assert result.realisation.rounded == D("18.44")
    assert half_up(Fraction(3120 * 100, 16924), 2) == Fraction("18.44")
    # Against the Renstra / PK target 100: 18.44
    assert result.achievement.rounded == D("18.44")


def test_budget_totals(report: EvaluationReport) -> None:
    lines = {b.id: b for b in report.budget}
    # Table (C), L7371-7459: (ceiling, spent) of the 7 non-penunjang kegiatan
    table_c = {
        "keg_pengumpulan_sumbangan": (1800000, 0),  # "Rp. -", L7375
        "keg_pengembangan_psks": (528211340, 469466097),
        "keg_rehsos_dasar": (4712818176, 972879755),
        "keg_pemeliharaan_anak_terlantar": (82610000, 45600000),
        "keg_pengelolaan_data_fm": (6816211492, 6724960206),
        "keg_perlinsos_korban_bencana": (195076408, 170846500),
        "keg_pemeliharaan_tmp": (27566450, 22418194),
    }
    kegiatan = {c.id: c for b in report.budget for c in b.children}
    for line_id, (ceiling, spent) in table_c.items():
        assert (kegiatan[line_id].ceiling, kegiatan[line_id].spent) == (D(ceiling), D(spent))
    # Jumlah, L7463: 12.364.293.866 / 8.406.170.752
    assert sum(c for c, _ in table_c.values()) == 12364293866
    assert sum(s for _, s in table_c.values()) == 8406170752
    five = ["prog_rehsos", "prog_perlinjamsos", "prog_pemberdayaan", "prog_bencana", "prog_tmp"]
    assert sum((lines[p].ceiling for p in five), D(0)) == D(12364293866)
    assert sum((lines[p].spent for p in five), D(0)) == D(8406170752)
    # All six programs: Rp. 18.750.069.515 (L3782) = 12.364.293.866 + 6.385.775.649 (L3516)
    assert 12364293866 + 6385775649 == 18750069515
    assert sum((b.ceiling for b in report.budget), D(0)) == D(18750069515)
    # Pengumpulan Sumbangan: 0 / 1800000 = 0 %
    assert kegiatan["keg_pengumpulan_sumbangan"].absorption.rounded == D("0.00")
    # Rehabilitasi sosial: 972879755 / 4712818176 × 100 = 20.643… → 20.64
    assert lines["prog_rehsos"].absorption.rounded == D("20.64")


def test_efficiency_is_mean_capaian_minus_absorption(report: EvaluationReport) -> None:
    # Computed by sakipcalc (the report prints no efficiency): the mean capaian of the
    # kegiatan's linked indicators minus its absorption, half-up to 2 places.
    kegiatan = {c.id: c for b in report.budget for c in b.children}
    rehsos = kegiatan["keg_rehsos_dasar"]
    # capaian 41,42 (L4969) · 53,28 (L4374) · 100 · 18,44 (half-up of 18,4353…), over 4;
    # absorption 972879755 / 4712818176 × 100 = 20.643… → 20.64
    # (213.14 / 4 = 53.285) − 20.64 = 32.645 → 32.65: "Efisien" (above +5)
    assert rehsos.efficiency is not None and rehsos.efficiency.rounded == D("32.65")
    assert rehsos.efficiency_category is not None
    assert rehsos.efficiency_category.label == "efisien"
    # Pengelolaan Data FM: capaian of pmks_mandiri 53,28 and data_terpadu 97,27:
    # 150.55 / 2 = 75.275; absorption 6724960206 / 6816211492 × 100 = 98.661… → 98.66;
    # 75.275 − 98.66 = −23.385 → −23.39 half-up (away from zero): "tidak efisien" (below −5)
    data_fm = kegiatan["keg_pengelolaan_data_fm"]
    assert data_fm.efficiency is not None and data_fm.efficiency.rounded == D("-23.39")
    assert data_fm.efficiency_category is not None
    assert data_fm.efficiency_category.label == "tidak_efisien"


PROBE_FORMULAS = {
    # id: (formula, hand-computed value), with the report's line
    # stage I, Pelaihari: 1039 / 1433 × 100 = 72.50523… → 72.51 (truncation would give 72.50)
    "pelaihari_1_realised": (
        "sum(bansos1_realised, pelaihari) / sum(bansos1_recipients, pelaihari) * 100",
        "72.51",
    ),
    # 394 / 1433 × 100 = 27.49476… → 27.49 (L4050)
    "pelaihari_1_not_realised": (
        "sum(bansos1_not_realised, pelaihari) / sum(bansos1_recipients, pelaihari) * 100",
        "27.49",
    ),
    # stage I, Bati-Bati: 143 / 870 × 100 = 16.43678… → 16.44 (L4056)
    "bati_bati_1_not_realised": (
        "sum(bansos1_not_realised, bati_bati) / sum(bansos1_recipients, bati_bati) * 100",
        "16.44",
    ),
    # stage II, Tambang Ulang: 160 / 161 × 100 = 99.37888… → 99.38; 1 / 161 → 0.62 (L4171-4175)
    "tambang_ulang_2_realised": (
        "sum(bansos2_realised, tambang_ulang) / sum(bansos2_recipients, tambang_ulang) * 100",
        "99.38",
    ),
    "tambang_ulang_2_not_realised": (
        "sum(bansos2_not_realised, tambang_ulang) / sum(bansos2_recipients, tambang_ulang) * 100",
        "0.62",
    ),
    # stage II, Kurau: 35 / 35 = 100,00 % and 0 / 35 = 0,00 % (L4151)
    "kurau_2_realised": (
        "sum(bansos2_realised, kurau) / sum(bansos2_recipients, kurau) * 100",
        "100.00",
    ),
    # stage I + II, Kintap: 446 / 475 × 100 = 93.89473… → 93.89 (L4233)
    "kintap_total_realised": (
        "sum(bansos_total_realised, kintap) / sum(bansos_total_recipients, kintap) * 100",
        "93.89",
    ),
    # stage I + II, all: 6690 / 6753 × 100 = 99.06708… → 99.07 (L4249)
    "all_total_realised": (
        "sum(bansos_total_realised) / sum(bansos_total_recipients) * 100",
        "99.07",
    ),
    # stage I, all: 4967 / 6753 × 100 = 73.55249… → 73.55 (the report prints 73,78, L4076)
    "all_1_realised": ("sum(bansos1_realised) / sum(bansos1_recipients) * 100", "73.55"),
}


def test_bansos_kecamatan_percentages(tmp_path: Path) -> None:
    """A few inflation-aid percentages, computed by the engine from the spec's counts."""
    rel = Path(os.path.relpath(TANAH_LAUT_SPEC, tmp_path)).as_posix()
    indicators = "\n".join(
        f'  - {{id: probe_{name}, name: probe, unit: "%", formula: "{formula}"}}'
        for name, (formula, _) in PROBE_FORMULAS.items()
    )
    (tmp_path / "probe.yaml").write_text(
        f"sakipcalc: 1\nimports: [{rel}]\nindicators:\n{indicators}\n", encoding="utf-8"
    )
    spec = sakipcalc.load(tmp_path, allow_roots=[TANAH_LAUT_SPEC])
    report = sakipcalc.evaluate(spec, period=PERIOD)
    got = {name: report.indicator(f"probe_{name}").realisation.rounded for name in PROBE_FORMULAS}
    assert got == {name: D(value) for name, (_, value) in PROBE_FORMULAS.items()}


def test_bansos_printed_totals_are_unweighted_means_of_the_rows() -> None:
    """Why check flags 73,78 / 26,22 and 96,32 / 3,68: the report averaged the row percentages."""
    # Stage I row percentages as printed, L4050-4074
    realised_1 = [
        "72.51",
        "76.81",
        "71.60",
        "83.56",
        "87.59",
        "62.37",
        "63.33",
        "77.44",
        "72.38",
        "74.01",
        "69.98",
    ]
    not_realised_1 = [
        "27.49",
        "23.19",
        "28.40",
        "16.44",
        "12.41",
        "37.63",
        "36.67",
        "22.56",
        "27.62",
        "25.99",
        "30.02",
    ]
    # Stage II, L4143-4175
    realised_2 = [
        "96.61",
        "97.33",
        "98.95",
        "97.26",
        "100.00",
        "98.56",
        "96.70",
        "98.33",
        "77.52",
        "98.92",
        "99.38",
    ]
    not_realised_2 = [
        "3.39",
        "2.67",
        "1.05",
        "2.74",
        "0.00",
        "1.44",
        "3.30",
        "1.67",
        "22.48",
        "1.08",
        "0.62",
    ]

    def mean(values: list[str]) -> Fraction:
        return sum((Fraction(v) for v in values), Fraction(0)) / len(values)

    # 811.58 / 11 = 73.7800…, 288.42 / 11 = 26.22, 1059.56 / 11 = 96.3236…, 40.44 / 11 = 3.6763…
    assert half_up(mean(realised_1), 2) == Fraction("73.78")
    assert half_up(mean(not_realised_1), 2) == Fraction("26.22")
    assert half_up(mean(realised_2), 2) == Fraction("96.32")
    assert half_up(mean(not_realised_2), 2) == Fraction("3.68")
    # ... while the totals weight by recipients: 4967 / 6753 and 1723 / 1786
    assert half_up(Fraction(4967 * 100, 6753), 2) == Fraction("73.55")
    assert half_up(Fraction(1723 * 100, 1786), 2) == Fraction("96.47")


def test_pmks_mandiri_range_invariant_holds_for_admitted_data(spec: Spec) -> None:
    """pmks_mandiri's range 0–100 holds on all data its declarations admit.

    The mandiri components are broken down differently from the population
    (keluarga_pkh is not a PMKS type), so the spec bounds their *total* by the
    population's with ``subset: [pmks_mandiri_count, pmks_population]``.
    Without that declaration mandiri {keluarga_pkh: 2} over population {kat: 1}
    gives 2 / 1 × 100 = 200, and the property test found exactly that.
    """
    from sakipcalc.testing import run_invariants

    outcome = run_invariants(spec, max_examples=40, seed=0, indicators=("pmks_mandiri",))
    assert outcome.passed, outcome.render()
    assert ("pmks_mandiri", "range 0–100") in outcome.checked
    population = dict.fromkeys(spec.variable_categories("pmks_population"), D(0))
    population["kat"] = D(1)
    mandiri = dict.fromkeys(spec.variable_categories("pmks_mandiri_count"), D(0))
    mandiri["keluarga_pkh"] = D(2)
    # The same data in the spec's own data would be reported against the declaration.
    broken = dataclasses.replace(
        spec,
        data=sakipcalc.DataSet(
            {PERIOD: {"pmks_population": population, "pmks_mandiri_count": mandiri}}
        ),
    )
    failures = run_invariants(broken, max_examples=1, indicators=("pmks_mandiri",)).failures
    assert any(
        f.invariant == "subset pmks_mandiri_count ≤ pmks_population"
        and "the total of pmks_mandiri_count (2) exceeds the total of pmks_population (1)"
        in f.message
        for f in failures
    )


# ======================================================================= (b) the CLI


def _no_float(text: str) -> Any:
    raise AssertionError(f"a float in the JSON output: {text}")


def test_evaluate_matches_golden(golden: Golden) -> None:
    result = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", PERIOD)
    assert result.code == 0
    assert result.err == ""
    golden.check("tanah-laut-evaluate.txt", result.out)


def test_evaluate_table_rows_by_hand() -> None:
    out = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", PERIOD).out
    marks = "⁰¹²³⁴⁵⁶⁷⁸⁹"

    def cells(name: str) -> list[str]:
        # The first line of the row (long names wrap below it); a mark says sakipcalc computed it.
        line = next(x for x in out.splitlines() if name in x and not x.startswith("- "))
        return [c.rstrip(marks) for c in re.split(r"\s{2,}", line.strip())]

    def figures(name: str) -> list[str]:
        row = cells(name)
        return row[row.index("%" if "%" in row else "predikat") :][:5]

    assert figures("Persentase PMKS yang tertangani") == [
        "%",
        "100",
        "41.42",
        "41.42",
        "Sangat Rendah",
    ]
    assert figures("Persentase PMKS yang menjadi mandiri") == [
        "%",
        "25",
        "13.32",
        "53.28",
        "Rendah",
    ]
    assert figures("Persentase Potesnsi Sumber") == [
        "%",
        "90",
        "77.00",
        "85.56",
        "Tinggi",
    ]  # 77 / 90
    assert figures("Nilai Akuntabilitas Kinerja Instansi")[:4] == ["predikat", "BB", "BB", "100.00"]
    # Budget: program ceilings, spent and absorption (Table A, (B), (C))
    assert cells("PROGRAM PERLINDUNGAN DAN JAMINAN")[1:5] == [
        "program",
        "6898821492",
        "6770560206",
        "98.14",
    ]
    assert cells("PROGRAM PENUNJANG URUSAN")[1:5] == [
        "program",
        "6385775649",
        "4597527993",
        "72.00",
    ]


def walk_json(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk_json(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_json(item)


def test_evaluate_json_parses_and_keeps_decimals_as_strings() -> None:
    result = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", PERIOD, "--format", "json")
    assert result.code == 0
    payload = json.loads(result.out, parse_float=_no_float)
    assert not any(isinstance(v, float) for v in walk_json(payload))
    indicators = {i["indicator"]: i for i in payload["indicators"]}
    tertangani = indicators["pmks_tertangani"]
    assert tertangani["realisation"]["rounded"] == "41.42"
    assert tertangani["realisation"]["raw"].startswith("41.42413633661404")
    assert Fraction(tertangani["realisation"]["raw"]) - Fraction(31356 * 100, 75695) < Fraction(
        1, 10**30
    )
    assert tertangani["achievement"]["rounded"] == "41.42"
    assert indicators["pmks_mandiri"]["achievement"]["rounded"] == "53.28"
    assert indicators["nilai_akip"]["realisation"]["grade"] == "BB"
    budget = {b["id"]: b for b in payload["budget"]}
    assert budget["prog_rehsos"]["ceiling"] == "4712818176"
    assert budget["prog_rehsos"]["spent"] == "972879755"
    assert all(isinstance(b["ceiling"], str) for b in payload["budget"])


# ===================================================================== (c) validate


def test_validate_every_shipped_spec_directory() -> None:
    everything = run_cli("validate", str(SPECS))
    assert everything.code == 0, everything.out
    assert everything.out.splitlines()[-1] == "valid: 32 indicators in 14 files, 11 warnings"
    tanah_laut = run_cli("validate", str(TANAH_LAUT_SPEC))
    assert tanah_laut.code == 0, tanah_laut.out
    assert tanah_laut.out.splitlines()[-1] == "valid: 32 indicators in 14 files, 11 warnings"
    # The 11 warnings are the link-unit-mismatch warnings the spec README expects.
    assert tanah_laut.out.count("warning link-unit-mismatch") == 11
    assert " error " not in tanah_laut.out
    standard = run_cli("validate", str(SPECS / "standard"))
    assert standard.code == 0, standard.out


def test_standard_scales_load_into_a_spec(tmp_path: Path) -> None:
    rel = Path(os.path.relpath(SPECS / "standard", tmp_path)).as_posix()
    (tmp_path / "spec.yaml").write_text(
        textwrap.dedent(
            f"""\
            sakipcalc: 1
            imports: [{rel}]
            spec: {{id: t, name: T, plan: {{start: 2019, end: 2023}}}}
            """
        ),
        encoding="utf-8",
    )
    result = run_cli("validate", str(tmp_path))
    assert result.code == 0, result.out
    spec = sakipcalc.load(tmp_path)
    assert set(spec.scales) >= {"akip", "permendagri_86_2017", "traffic_light", "efficiency_bands"}
