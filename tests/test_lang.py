"""Indonesian reports are Indonesian throughout: reasons, terms, and every word of every format.

The translation table (:mod:`sakipcalc._reasons`) is checked three ways: by
hand-written translations, by walking the engine's sources for every reason it
can build, and by rendering the Tanah Laut report in every format under
``id`` and looking for any word of the English label set.
"""

from __future__ import annotations

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, TANAH_LAUT_SPEC, run_cli
from hypothesis import given
from hypothesis import strategies as st

import sakipcalc
from sakipcalc._reasons import PATTERNS, WARNINGS
from sakipcalc.i18n import LABEL_KEYS, label, reason, term, trace
from sakipcalc.models import Rollup, RoundingMode
from sakipcalc.render import render_csv, render_html, render_markdown, render_table, render_xlsx
from sakipcalc.results import BudgetLevel, EvaluationReport, RollupKind, Status

# ------------------------------------------------------------------ reasons by hand


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        (
            "missing data: jml_dok_admin_barang in 2022",
            "data belum tersedia: jml_dok_admin_barang (2022)",
        ),
        (
            "missing data: pmks_handled[lansia] in 2022, pmks_population in 2022",
            "data belum tersedia: pmks_handled[lansia] (2022), pmks_population (2022)",
        ),
        (
            "missing data: x in 2022 (given as empty)",
            "data belum tersedia: x (2022) (diisi kosong)",
        ),
        (
            "missing data: x in 2022-Q1 (annual value from quarters by sum)",
            "data belum tersedia: x (2022-Q1) (nilai tahunan dari triwulan: jumlah)",
        ),
        (
            "missing data: x in 2022; no target for 2022",
            "data belum tersedia: x (2022); tidak ada target untuk 2022",
        ),
        ("zero denominator: b is 0", "tidak dapat dihitung: penyebut b bernilai 0"),
        (
            "zero denominator: sum(pmks_population) is 0",
            "tidak dapat dihitung: penyebut sum(pmks_population) bernilai 0",
        ),
        (
            "no member has a computable achievement",
            "tidak ada anggota yang capaiannya dapat dihitung",
        ),
        (
            "realisation is not computable: zero denominator: b is 0",
            "realisasi tidak dapat dihitung: tidak dapat dihitung: penyebut b bernilai 0",
        ),
        (
            "'a' is not computable (zero denominator: b is 0); "
            "'c' is not computable (missing data: d in 2022; no target)",
            "'a' tidak dapat dihitung (tidak dapat dihitung: penyebut b bernilai 0); "
            "'c' tidak dapat dihitung (data belum tersedia: d (2022); tidak ada target)",
        ),
        (
            "zero target: achievement against a target of 0 cannot be computed "
            "(declare 'zero_target' to set a policy) (outside 0–5.5)",
            "tidak dapat dihitung: target bernilai 0 (tetapkan 'zero_target' untuk mengatur "
            "kebijakannya) (di luar rentang 0–5,5)",
        ),
        (
            "zero denominator: the ceiling (pagu) is 0",
            "tidak dapat dihitung: penyebut (pagu) bernilai 0",
        ),
        ("differs by 702545359", "selisih 702.545.359"),
        (
            "matches truncate rounding, not the declared half_up",
            "cocok dengan pemotongan desimal, bukan pembulatan setengah ke atas yang ditetapkan",
        ),
    ],
)
def test_reasons_in_indonesian(english: str, indonesian: str) -> None:
    assert reason(english, "id") == indonesian
    assert reason(english, "en") == english  # the canonical text is untouched


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        (
            "'nilai_akip' (predikat) supports 'tata_kelola_admin' (%): the units differ",
            "'nilai_akip' (predikat) mendukung 'tata_kelola_admin' (%): satuannya berbeda",
        ),
        (
            "target -2 is negative: ratio rules such as R / T invert below zero, so its "
            "achievement will be 'not computable'",
            "target -2 negatif: rumus rasio seperti R / T terbalik di bawah nol, sehingga "
            "capaiannya tidak dapat dihitung",
        ),
        (
            "agreement year 2027 is outside the plan 2021–2026",
            "tahun perjanjian 2027 di luar periode Renstra 2021–2026",
        ),
        (
            "the ceiling of 'prog_a' is declared as 1200000, but its parts sum to 1100000.5",
            "pagu 'prog_a' tercatat 1.200.000, tetapi jumlah rinciannya 1.100.000,5",
        ),
        (
            "the 2022 total spent is declared as 10, but its programs sum to 12",
            "total realisasi anggaran 2022 tercatat 10, tetapi jumlah programnya 12",
        ),
    ],
)
def test_spec_warnings_in_indonesian(english: str, indonesian: str) -> None:
    assert reason(english, "id") == indonesian


def test_an_unknown_reason_is_kept_not_dropped() -> None:
    assert reason("a reason from a newer engine", "id") == "a reason from a newer engine"


_REASON_PIECES = st.sampled_from(
    [
        "missing data: ",
        "zero denominator: ",
        " is 0",
        "; ",
        "(",
        ")",
        "'",
        " in 2022",
        "realisation is not computable: ",
        " (outside 1–2)",
        "{x}",
        "{}",
        "no target",
        "x",
        "1.5",
    ]
)


@given(st.lists(_REASON_PIECES, max_size=12).map("".join) | st.text(max_size=60))
def test_any_text_translates_without_error(text: str) -> None:
    # Reasons quote spec text (formulas, ids): braces or stray brackets must not break it.
    translated = reason(text, "id")
    assert isinstance(translated, str)
    assert reason(text, "en") == text


def test_traces_take_decimal_commas_and_indonesian_words() -> None:
    assert trace("4967 / 6753 × 100 = 73.552495… → 73.55", "id") == (
        "4967 / 6753 × 100 = 73,552495… → 73,55"
    )
    assert trace("mean(88.00, 118.75) = 103.375 → 103.38", "id") == (
        "rata-rata(88,00, 118,75) = 103,375 → 103,38"
    )
    assert trace("6.5 (as given) → 6.50", "en") == "6.5 (as given) → 6.50"


def test_terms_are_the_agencys() -> None:
    expected = {
        ("kind_", RollupKind.OBJECTIVE): "Sasaran",
        ("kind_", RollupKind.GOAL): "Tujuan",
        ("kind_", RollupKind.ORG_UNIT): "Unit kerja",
        ("kind_", RollupKind.AGENCY): "Organisasi",
        ("rule_", Rollup.MEAN): "rata-rata",
        ("rule_", Rollup.WEIGHTED_MEAN): "rata-rata tertimbang",
        ("rule_", Rollup.MIN): "terendah",
        ("rule_", Rollup.RATIO_OF_SUMS): "rasio jumlah",
        ("level_", BudgetLevel.SUB_KEGIATAN): "Sub kegiatan",
        ("", Status.OK.value): "dapat dihitung",
        ("", Status.MISSING_DATA.value): "data belum tersedia",
        ("", Status.NOT_COMPUTABLE.value): "tidak dapat dihitung",
    }
    for (prefix, code), indonesian in expected.items():
        assert term(prefix, code, "id") == indonesian
        assert term(prefix, code, "en") == code  # English reports keep the codes


# ------------------------------------------------------------------ every reason the engine builds

_SOURCES = [
    *sorted((ROOT / "sakipcalc" / "engine").glob("*.py")),
    *sorted((ROOT / "sakipcalc" / "check").glob("*.py")),
    ROOT / "sakipcalc" / "results.py",
    ROOT / "sakipcalc" / "formula" / "_operators.py",
]
_HOLE = "x"  # what stands for each {…} of an f-string


def _sample(node: ast.expr) -> str | None:
    """The text an expression builds, with ``x`` for each interpolated value; None if not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [_sample(v) if isinstance(v, ast.Constant) else _HOLE for v in node.values]
        return "".join(p or "" for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.IfExp):
        return _sample(node.body)
    return None


def _built_reasons() -> list[tuple[str, str]]:
    """(where, sample) of every reason or note the engine and check build from text."""
    found: list[tuple[str, str]] = []
    for path in _SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            candidates: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("not_computable", "_no_line", "compare_exact", "_fixed") and node.args:
                    candidates.append(node.args[-1])
                candidates += [k.value for k in node.keywords if k.arg in ("reason", "note")]
                receiver = getattr(getattr(node.func, "value", None), "id", "")
                if name == "append" and receiver == "blocked":
                    candidates.append(node.args[0])  # evaluator: why an input is blocked
                if name == "Discrepancy" and len(node.args) == 8:
                    candidates.append(node.args[7])
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                # achievement.py: (None, why) when an achievement cannot be computed
                first = node.value.elts[0] if node.value.elts else None
                if isinstance(first, ast.Constant) and first.value is None:
                    candidates.append(node.value.elts[-1])
            elif isinstance(node, ast.FunctionDef) and node.name in ("message", "_grade_position"):
                candidates += [
                    n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value
                ]
            elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in (
                "no_target",
                "reason",
            ):
                candidates.append(node.value)
            elif isinstance(node, ast.AugAssign) and getattr(node.target, "id", "") == "note":
                sample = _sample(node.value)  # note += f"; …": a reason after another
                if sample is not None:
                    found.append((f"{path.name}:{node.lineno}", sample.removeprefix("; ")))
            for candidate in candidates:
                sample = _sample(candidate)
                if sample is not None:
                    found.append((f"{path.name}:{candidate.lineno}", sample))
    return found


def _composition_only(sample: str) -> bool:
    # "{reason}; {no_target}" joins reasons checked on their own.
    return not re.sub(r"[x;() ]", "", sample)


def test_the_source_walk_finds_the_reasons() -> None:
    samples = {sample for _, sample in _built_reasons()}
    assert "no member has a computable achievement" in samples
    assert "zero denominator: x is 0" in samples
    assert "the printed target differs from x" in samples
    assert len(samples) > 25


@pytest.mark.parametrize(
    ("where", "sample"),
    [pytest.param(w, s, id=w) for w, s in _built_reasons() if not _composition_only(s)],
)
def test_every_reason_the_engine_builds_has_a_translation(where: str, sample: str) -> None:
    trace = " × 100" in sample or sample.endswith("(zero_target policy) → x")
    if sample in ("x", "x (as given)") or trace:
        pytest.skip("a calculation trace, not a reason")  # traces go through trace()
    if sample.startswith("the printed target differs from x"):
        # built from "the plan's (Renstra) target" or "the target signed in '…'"
        for filled in ("the plan's (Renstra) target", "the target signed in 'pk'"):
            text = sample.replace("x", filled, 1)
            assert reason(text, "id") != text, where
        return
    assert reason(sample, "id") != sample, f"{where}: no Indonesian for {sample!r}"


def test_every_pattern_is_used_by_some_reason() -> None:
    # A pattern no reason matches is a translation of text the engine no longer builds.
    samples = [s for _, s in _built_reasons()] + [
        "missing data: x in 2022",
        "matches x rounding, not the declared x",
        "x (outside 0–5)",
        "the printed target differs from the plan's (Renstra) target",
        "the printed target differs from the target signed in 'x'",
        "arithmetic out of range: x overflows",
        "no target",
    ]
    for pattern, _ in PATTERNS[: len(PATTERNS) - len(WARNINGS)]:
        assert any(pattern.fullmatch(s) for s in samples), pattern.pattern


# ------------------------------------------------------------------ no English in the Tanah Laut report

_CODES = [*RollupKind, *Rollup, *Status, *RoundingMode, *BudgetLevel]
_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z_]*)(?![A-Za-z0-9_(])")


def _words(text: str) -> set[str]:
    # Identifiers with digits (es4_umpeg) are spec ids; a token before "(" is a
    # function of a formula (sum(...)), not a word of the report.
    return {m.lower() for m in _TOKEN.findall(text)}


def _english_words() -> frozenset[str]:
    english: set[str] = set()
    indonesian: set[str] = set()
    for key in LABEL_KEYS:
        english |= _words(label(key, "en"))
        indonesian |= _words(label(key, "id"))
    for code in _CODES:
        english |= _words(str(code.value))
    for pattern, template in PATTERNS:
        english |= _words(re.sub(r"\(\?P<\w+>", "(", pattern.pattern))
        indonesian |= _words(template)
    # Words both languages write the same way (Target, Status, Program, data, …) and
    # the one-letter algebra of reasons (R / T) are not English.
    return frozenset(w for w in english - indonesian if len(w) > 1)


ENGLISH = _english_words()


class _Text(HTMLParser):
    """The text content of an HTML page: what a reader sees, not tags or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "\n".join(parser.parts)


def _xlsx_text(report: EvaluationReport) -> str:
    buffer = io.BytesIO()
    render_xlsx(report, buffer, locale="id")
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [sheet.title for sheet in workbook]
    for sheet in workbook:
        for row in sheet.iter_rows(values_only=True):
            cells += [value for value in row if isinstance(value, str)]
    return "\n".join(cells)


@pytest.fixture(scope="module")
def tanah_laut_id() -> EvaluationReport:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return sakipcalc.evaluate(sakipcalc.load(TANAH_LAUT_SPEC), period="2022")


def _spec_words(report: EvaluationReport) -> set[str]:
    # Names, units and sources are the agency's own text, quoted as written.
    texts = [report.spec_name, report.agency or ""]
    texts += [f"{r.name} {r.unit}" for r in report.indicators]
    return set().union(*(_words(t) for t in texts))


def _english_in(text: str) -> list[str]:
    return sorted(_words(text) & ENGLISH)


def test_the_english_word_set_holds_the_words_that_leaked() -> None:
    # The words issue 12 found on the Indonesian page, and the codes.
    for word in ("missing", "mean", "objective", "agency", "ok", "org_unit", "computable"):
        assert word in ENGLISH, word
    for word in ("target", "status", "program", "data"):  # the same in Indonesian
        assert word not in ENGLISH, word


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "xlsx", "html"])
def test_tanah_laut_in_indonesian_has_no_english_word(
    tanah_laut_id: EvaluationReport, fmt: str
) -> None:
    if fmt == "table":
        text = render_table(tanah_laut_id, locale="id")
    elif fmt == "markdown":
        text = render_markdown(tanah_laut_id, locale="id")
    elif fmt == "csv":
        text = render_csv(tanah_laut_id, locale="id")
    elif fmt == "xlsx":
        text = _xlsx_text(tanah_laut_id)
    else:
        text = _html_text(render_html(tanah_laut_id, locale="id"))
    leaked = [w for w in _english_in(text) if w not in _spec_words(tanah_laut_id)]
    assert leaked == [], leaked


def test_tanah_laut_check_in_indonesian_has_no_english_word() -> None:
    result = run_cli("check", str(TANAH_LAUT_SPEC), "--locale", "id")
    assert result.out.startswith("Diperiksa 352 angka: 322 sesuai, 30 selisih.")
    # Sources quote the report as the spec records them (e.g. "total row (L4076)").
    text = "\n".join(
        line for line in result.out.splitlines() if not line.lstrip().startswith("sumber:")
    )
    assert _english_in(text) == []


def test_check_in_indonesian_keeps_the_numbers() -> None:
    english = run_cli("check", str(TANAH_LAUT_SPEC)).out
    indonesian = run_cli("check", str(TANAH_LAUT_SPEC), "--locale", "id").out
    assert "reported:   73.78" in english and "dicetak:        73,78" in indonesian
    assert "dihitung ulang: 6.385.775.649" in indonesian
    assert english.count("\n\n") == indonesian.count("\n\n")  # one block per finding


def test_terminal_table_groups_rupiah_in_indonesian(tanah_laut_id: EvaluationReport) -> None:
    text = render_table(tanah_laut_id, locale="id")
    assert "4.712.818.176" in text and "4712818176" not in text
    assert "4712818176" in render_table(tanah_laut_id, locale="en")


def test_xlsx_period_is_a_number(tanah_laut_id: EvaluationReport) -> None:
    buffer = io.BytesIO()
    render_xlsx(tanah_laut_id, buffer, locale="id")
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Indikator"]
    assert sheet.cell(row=1, column=4).value == "Periode"
    assert sheet.cell(row=2, column=4).value == 2022


def test_the_english_check_table_is_unchanged(tmp_path: Path) -> None:
    golden = (ROOT / "tests" / "golden" / "tanah-laut-check.txt").read_text(encoding="utf-8")
    assert run_cli("check", str(TANAH_LAUT_SPEC)).out == golden
