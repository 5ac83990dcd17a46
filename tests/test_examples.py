"""The programs in ``examples/`` run as another tool would run them, and ``examples/wrong-spec``.

Each example runs as a subprocess (``sys.executable``) from a scratch working
directory, and its standard output is compared exactly with a golden file under
``tests/golden/``. Regenerate the golden files with ``pytest --update-goldens``, then
check every changed line by hand against the report before accepting it. The
figures in the golden files were checked against the Tanah Laut report; the
``test_*_figures`` tests below pin the key ones independently of the golden
files, so they still fail when a regeneration accepts a wrong figure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import ROOT, SPECS, TANAH_LAUT_SPEC, CliResult, Golden, run_cli

import sakipcalc

EXAMPLES = ROOT / "examples"
WRONG_SPEC = EXAMPLES / "wrong-spec"
WRONG_FORMULA = "formula: sum(population) / sum(handled) * 100"
FIXED_FORMULA = "formula: sum(handled) / sum(population) * 100"


def run_example(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``examples/<script>`` with this interpreter, from ``cwd``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


# ----------------------------------------------------------------- the programs


@pytest.mark.parametrize(
    ("script", "golden_file"),
    [("tabel_3_2.py", "tanah-laut-tabel-3-2.txt"), ("scorecard.py", "tanah-laut-scorecard.txt")],
)
def test_example_output_matches_golden(
    script: str, golden_file: str, tmp_path: Path, golden: Golden
) -> None:
    # From a scratch directory: the default spec path is computed from the file.
    done = run_example(script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    golden.check(golden_file, done.stdout)
    # Passing the bundled spec explicitly gives the same output.
    explicit = run_example(script, str(TANAH_LAUT_SPEC), "--period", "2022", cwd=tmp_path)
    assert explicit.returncode == 0, explicit.stderr
    assert explicit.stdout == done.stdout


@pytest.mark.parametrize("script", ["tabel_3_2.py", "scorecard.py"])
def test_example_reports_a_bad_spec_path(script: str, tmp_path: Path) -> None:
    done = run_example(script, str(tmp_path / "no-such-spec"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "no-such-spec" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("script", ["tabel_3_2.py", "scorecard.py"])
def test_example_help_says_how_to_run_it(script: str, tmp_path: Path) -> None:
    done = run_example(script, "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "spec" in done.stdout
    assert "--period" in done.stdout


def _row(text: str, indicator_id: str) -> list[str]:
    """The cells of the Markdown row whose first cell names ``indicator_id``."""
    for line in text.splitlines():
        if line.startswith("| ") and f"(`{indicator_id}`)" in line:
            return [c.strip() for c in line.strip("|").split(" | ")][1:]
    raise AssertionError(f"no row for {indicator_id}")


def test_tabel_3_2_figures(tmp_path: Path) -> None:
    """Tabel 3.2 (L4348-4402) by hand: Satuan, Target, Realisasi, Capaian %, Kategori."""
    out = run_example("tabel_3_2.py", cwd=tmp_path).stdout
    assert "## Sasaran RPJMD: Meningkatnya perlindungan masyarakat" in out  # L4325
    assert "Tujuan RPJMD: Meningkatnya kesejahteraan sosial" in out  # L897-901
    # 10086 / 75695 × 100 = 13.3245… → 13.32; 13.32 / 25 × 100 = 53.28 (L4374); [51, 66) Rendah
    assert _row(out, "pmks_mandiri") == ["%", "25", "13.32", "53.28", "Rendah"]
    # 97.27 given; 97.27 / 100 × 100 = 97.27 (L4383)
    assert _row(out, "data_terpadu") == ["%", "100", "97.27", "97.27", "Sangat Tinggi"]
    # 31356 / 75695 × 100 = 41.4241… → 41.42 (L4389); below 51: Sangat Rendah
    assert _row(out, "pmks_tertangani") == ["%", "100", "41.42", "41.42", "Sangat Rendah"]
    # The spec holds the Renstra target 80 (L1781), the report prints 100 (L4402):
    # 100 / 80 × 100 = 125.00 here, 100 in the report; the difference is listed below.
    assert _row(out, "pmks_kube") == ["%", "80", "100.00", "125.00", "Sangat Tinggi"]
    # Every value cell blank in the IKU Pemkab appendix (L6912-6932).
    unit, target, real, ach, category = _row(out, "indeks_risiko_bencana")
    assert (unit, target, real, category) == (
        "skor",
        "—",
        "n/a (missing data: indeks_risiko_bencana in 2022)",
        "",
    )
    assert ach.startswith("n/a (")
    assert "no target for 2022" in ach
    # (53.28 + 97.27 + 41.42 + 125.00) / 4 = 316.97 / 4 = 79.2425 → 79.24, in [76, 91): Tinggi
    assert "Capaian sasaran (mean of the indicators' achievements): 79.24 (Tinggi)" in out
    assert "not computable, left out: indeks_risiko_bencana" in out
    reconciliation = out.split("## Reconciliation with the printed Tabel 3.2", 1)[1]
    assert [line for line in reconciliation.splitlines() if line.startswith("- ")] == [
        "- `pmks_kube` target: printed 100 (Tabel 3.2 (L4402)), the spec gives 80 — "
        "the printed target differs from the plan's (Renstra) target"
    ]


def test_scorecard_figures(tmp_path: Path) -> None:
    """Each official's PK (L2292-2663) against the realisations of BAB III, by hand."""
    out = run_example("scorecard.py", cwd=tmp_path).stdout
    sections = {block.split("\n", 1)[0]: block for block in out.split("\n## ")[1:] if "\n" in block}
    assert list(sections) == [
        "Kepala Dinas Sosial — eselon II",
        "Sekretaris — eselon III",
        "Kepala Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin — eselon III",
        "Kepala Bidang Rehabilitasi Perlindungan Jaminan Sosial — eselon III",
        "Kepala Sub Bagian Umum dan Kepegawaian — eselon IV",
        "Kepala Sub Bagian Perencanaan dan Keuangan — eselon IV",
    ]
    kadis = sections["Kepala Dinas Sosial — eselon II"]
    assert _row(kadis, "pmks_tertangani") == ["%", "100", "41.42", "41.42", "Sangat Rendah"]
    # The PK signs 30 (L2328): 13.32 / 30 × 100 = 44.40
    assert _row(kadis, "pmks_mandiri") == ["%", "30", "13.32", "44.40", "Sangat Rendah"]
    # (41.42 + 44.40) / 2 = 42.91
    assert "Roll-up (mean): 42.91\n" in kadis
    assert "the PK targets 30; the plan (Renstra) targets 25 for 2022" in kadis

    sekretaris = sections["Sekretaris — eselon III"]
    # BB against BB (L2388, L5201): 100, as the narrative says (L5404-5406)
    assert _row(sekretaris, "nilai_akip") == ["predikat", "BB", "BB", "100.00", "Sangat Tinggi"]
    assert "Roll-up (mean): 100.00\n" in sekretaris

    psfm = sections["Kepala Bidang Pemberdayaan Sosial dan Penanganan Fakir Miskin — eselon III"]
    # 77 / 75 × 100 = 102.666… → 102.67 ("lebih dari 100 %", L6089-6091)
    assert _row(psfm, "psks_terlatih") == ["%", "75", "77.00", "102.67", "Sangat Tinggi"]
    # (100 + 102.67 + 100 + 100 + 97.27) / 5 = 499.94 / 5 = 99.988 → 99.99
    assert "Roll-up (mean): 99.99\n" in psfm

    rpjs = sections["Kepala Bidang Rehabilitasi Perlindungan Jaminan Sosial — eselon III"]
    # 3120 / 16924 × 100 = 18.4353… → 18.44 half-up (the report truncates to 18.43)
    row = _row(rpjs, "lansia_disabilitas_kebutuhan_dasar")
    assert row == ["%", "100", "18.44", "18.44", "Sangat Rendah"]
    # (100 + 18.44 + 100 + 100) / 4 = 79.61
    assert "Roll-up (mean): 79.61\n" in rpjs

    umpeg = sections["Kepala Sub Bagian Umum dan Kepegawaian — eselon IV"]
    renkeu = sections["Kepala Sub Bagian Perencanaan dan Keuangan — eselon IV"]
    for section in (umpeg, renkeu):
        # No eselon IV realisation is printed anywhere in the report.
        assert "Roll-up (mean): n/a (no member has a computable achievement)" in section
    # The score target 80 (L2663), no realisation.
    assert _row(renkeu, "nilai_akip_skor")[:3] == [
        "nilai",
        "80",
        "n/a (missing data: nilai_akip_skor in 2022)",
    ]


def test_examples_have_docstrings_and_use_the_public_api_only() -> None:
    allowed = set(sakipcalc.__all__) | {"check"}
    for script in ("tabel_3_2.py", "scorecard.py"):
        text = (EXAMPLES / script).read_text(encoding="utf-8")
        assert text.startswith('"""'), f"{script} has no module docstring"
        assert "Run it" in text.split('"""', 2)[1]
        assert "sakipcalc._" not in text
        assert "from sakipcalc" not in text
        used = set(re.findall(r"\bsakipcalc\.([A-Za-z_]\w*)", text))
        assert used <= allowed, f"{script} uses {sorted(used - allowed)}"


# ----------------------------------------------------------------- wrong-spec


@pytest.fixture(scope="module")
def wrong_spec_result() -> CliResult:
    return run_cli("test", str(WRONG_SPEC), "--seed", "0", "--examples", "20")


def test_wrong_spec_is_valid_but_fails_its_invariants(wrong_spec_result: CliResult) -> None:
    assert run_cli("validate", str(WRONG_SPEC)).code == 0
    result = wrong_spec_result
    assert result.code == 1, result.out
    assert result.err == ""
    failures = [line for line in result.out.splitlines() if line.startswith("FAIL ")]
    names = {line.split(": ")[1] for line in failures}
    assert {"range 0–100", "increasing in handled"} <= names
    assert all(line.startswith("FAIL pct_handled: ") for line in failures)
    assert result.out.splitlines()[-1].endswith(f"{len(failures)} failed")


def _counterexample(output: str, invariant: str) -> dict[str, dict[str, int]]:
    """The shrunk data printed under ``FAIL pct_handled: <invariant>: …``."""
    lines = output.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(f"FAIL pct_handled: {invariant}:")
    )
    data: dict[str, dict[str, int]] = {}
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        match = re.fullmatch(r"    (\w+) \(2022\) = \{(.*)\}", line)
        assert match, line
        cells = dict(cell.split(": ") for cell in match.group(2).split(", "))
        data[match.group(1)] = {k: int(v) for k, v in cells.items()}
    return data


def test_wrong_spec_counterexamples_are_genuine(wrong_spec_result: CliResult) -> None:
    """Recompute each shrunk counterexample by hand (Fractions), not through sakipcalc."""
    out = wrong_spec_result.out
    example = _counterexample(out, "range 0–100")
    population, handled = example["population"], example["handled"]
    assert all(handled[k] <= population[k] for k in population)  # the declared subset holds
    correct = Fraction(sum(handled.values()) * 100, sum(population.values()))
    swapped = Fraction(sum(population.values()) * 100, sum(handled.values()))
    assert 0 <= correct <= 100 < swapped
    assert f"realisation {sum(population.values())} / {sum(handled.values())} × 100" in out

    example = _counterexample(out, "increasing in handled")
    population, handled = example["population"], example["handled"]
    before = Fraction(sum(population.values()) * 100, sum(handled.values()))
    after = Fraction(sum(population.values()) * 100, sum(handled.values()) + 1)
    assert after < before  # one more person handled lowers the (swapped) percentage


def test_readme_shows_the_wrong_spec_output_verbatim(tmp_path: Path) -> None:
    """examples/README.md pastes the output of ``sakipcalc test examples/wrong-spec --seed 0``.

    Run as the reader runs it (a fresh process from the repository root): Hypothesis
    mixes constants from the modules already imported into its generation, so an
    in-process run under pytest may shrink to a different counterexample.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, "-m", "sakipcalc", "test", "examples/wrong-spec", "--seed", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- wrong-spec-output -->\n```text\n", 1)[1].split("```", 1)[0]
    assert block == done.stdout


def _fixed_copy(tmp_path: Path) -> Path:
    """examples/wrong-spec with the formula fixed, importing the standard scales from here."""
    target = tmp_path / "fixed-spec"
    shutil.copytree(WRONG_SPEC, target)
    spec_file = target / "spec.yaml"
    text = spec_file.read_text(encoding="utf-8")
    assert text.count(WRONG_FORMULA) == 1
    assert text.count("imports: [../../specs/standard]") == 1
    standard = Path(os.path.relpath(SPECS / "standard", target)).as_posix()
    text = text.replace(WRONG_FORMULA, FIXED_FORMULA).replace(
        "imports: [../../specs/standard]", f"imports: [{standard}]"
    )
    spec_file.write_text(text, encoding="utf-8")
    return target


def test_the_fixed_formula_passes(tmp_path: Path) -> None:
    fixed = _fixed_copy(tmp_path)
    result = run_cli("test", str(fixed), "--seed", "0", "--examples", "30")
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    assert result.out.endswith(" passed, 0 failed\n")
    # And on the spec's own data: 3120 / 16924 × 100 = 18.4353… → 18.44.
    report = sakipcalc.evaluate(sakipcalc.load(fixed), period="2022")
    assert report.indicator("pct_handled").realisation.rounded == Decimal("18.44")


def test_the_wrong_formula_is_what_evaluate_prints() -> None:
    # 16924 / 3120 × 100 = 542.4358… → 542.44: plausible-looking to nobody, accepted by evaluate.
    report = sakipcalc.evaluate(sakipcalc.load(WRONG_SPEC), period="2022")
    figure = report.indicator("pct_handled").realisation
    assert figure.rounded == Decimal("542.44")
    assert figure.trace.startswith("16924 / 3120 × 100")
