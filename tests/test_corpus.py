"""Golden output of ``sakipcalc validate`` over a corpus of broken (and warned-about) specs.

Each directory in ``tests/corpus`` is one spec; its ``expected.txt`` holds the
exact output of ``sakipcalc validate tests/corpus/<case>`` run from the repo
root. The golden files were written by hand and compared with the output, not
copied from it. ``FAULTS`` below records, for each issue in order, where the
fault is and the text that starts there, so that the positions in the golden
files are checked against the YAML itself, not only against the engine.

To regenerate after an intended change: ``python -m pytest tests/test_corpus.py
--update-goldens``. Changed cases are rewritten and *skipped*, never
passed: check every line and column in the diff by hand, then run again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, Golden, run_cli

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())

# case -> one (file, line, column, text starting there) per issue, in output order.
Fault = tuple[str, int | None, int | None, str]
FAULTS: dict[str, list[Fault]] = {
    "dangling-references": [
        ("spec.yaml", 9, 74, "kadsi}"),
        ("spec.yaml", 13, 63, "tujuan_2,"),
        ("spec.yaml", 13, 86, "pct_servd]"),
        ("spec.yaml", 15, 41, "kepala_dinas}"),
        ("spec.yaml", 17, 33, "pct_handled}"),
        ("spec.yaml", 21, 91, "pct_sreved]"),
    ],
    "data-domain": [
        ("spec.yaml", 23, 18, "-5"),
        ("spec.yaml", 24, 18, "12.5"),
        ("spec.yaml", 25, 18, "120"),
        ("spec.yaml", 26, 11, "1500000.125"),
        ("spec.yaml", 27, 15, "BBB"),
        ("spec.yaml", 28, 37, "lansia_terlantr:"),
    ],
    # The 32nd '[' opens level 33 (the top mapping is level 1): 9 more follow it.
    "deep-nesting": [("spec.yaml", 3, 44, "[" * 9 + "]")],
    "duplicate-id": [("b.yaml", 6, 9, "pct_served"), ("b.yaml", 9, 9, "total")],
    "formula-cycle": [("spec.yaml", 12, 14, "y_bagian + jumlah")],
    "formula-unknown-variable": [
        ("spec.yaml", 13, 31, "pmks_populsi * 100"),
        ("spec.yaml", 17, 33, 'pmks_populasi"'),
    ],
    "imports": [("spec.yaml", 4, 5, "../shared-scales"), ("spec.yaml", 5, 5, "/etc/")],
    "link-cycle": [("spec.yaml", 11, 5, "{parent: a_tujuan, child: b_sasaran}")],
    "missing-key": [("spec.yaml", 7, 5, "id: pct_served"), ("spec.yaml", 10, 5, "id: kadis")],
    "missing-spec": [("indicators.yaml", None, None, "")],
    "multiple-documents": [("spec.yaml", 6, 1, "---")],
    "norway-keys": [("spec.yaml", 11, 7, "no: [nor]"), ("spec.yaml", 13, 7, "null: [mys]")],
    # The en dash of Windows-1252 (0x96), after a two-byte 'é': column 23, not 24.
    "not-utf8": [("spec.yaml", 5, 23, "\ufffd Tanah Laut")],
    "percentage-over-100": [
        ("spec.yaml", 10, 21, "120,"),
        ("spec.yaml", 10, 32, "{min: 90, max: 101}"),
    ],
    "scale-gap": [("spec.yaml", 11, 28, '(60, 80]"'), ("spec.yaml", 13, 29, '(100, 110]"')],
    "scale-overlap-order": [
        ("spec.yaml", 11, 33, '[60, 91)"'),
        ("spec.yaml", 17, 32, '(-inf, 75)"'),
    ],
    "target-outside-plan": [
        ("spec.yaml", 11, 7, "2018: 10"),
        ("spec.yaml", 13, 7, "2024: 30"),
        ("spec.yaml", 14, 24, "2020,"),
    ],
    "unknown-key": [("spec.yaml", 10, 5, "polarty:"), ("spec.yaml", 11, 5, "targts:")],
    "warn-agreement-year": [("spec.yaml", 10, 11, "2018")],
    "warn-link-units": [("spec.yaml", 10, 5, "{parent: pct_served, child: jml_dokumen}")],
    # The refused alias, and the follow-on "expected a list" for the value it stood for.
    "yaml-anchor-alias": [
        ("spec.yaml", 9, 12, "&bands"),
        ("spec.yaml", 14, 12, "*bands"),
        ("spec.yaml", 14, 12, "*bands"),
    ],
    "yaml-duplicate-key": [("spec.yaml", 11, 5, "name: Persentase PPKS")],
    "yaml-python-tag": [
        ("spec.yaml", 8, 11, "!!python/object/apply:os.system"),
        ("spec.yaml", 8, 11, "!!python/object/apply:os.system"),
    ],
    "yaml11-numbers": [
        ("spec.yaml", 14, 13, "010"),
        ("spec.yaml", 15, 13, "1:20"),
        ("spec.yaml", 18, 13, "0123"),
        ("spec.yaml", 19, 13, "1:30:00"),
    ],
}

KNOWN_BUGS: dict[str, str] = {}

ISSUE = re.compile(
    r"(?P<file>[^\s:]+)(?::(?P<line>\d+):(?P<column>\d+))?: (?P<severity>error|warning) "
    r"(?P<code>[a-z0-9-]+): "
)


def _cases() -> list[object]:
    return [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case]))
        if case in KNOWN_BUGS
        else case
        for case in CASES
    ]


def _expected(case: str) -> str:
    return (CORPUS / case / "expected.txt").read_text(encoding="utf-8")


def _positions(output: str) -> list[tuple[str, int | None, int | None]]:
    found = []
    for line in output.splitlines():
        match = ISSUE.match(line)
        if match:
            found.append(
                (
                    match["file"],
                    int(match["line"]) if match["line"] else None,
                    int(match["column"]) if match["column"] else None,
                )
            )
    return found


@pytest.mark.parametrize("case", _cases())
def test_validate_output_matches_the_golden_file(
    case: str, monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("validate", f"tests/corpus/{case}")
    golden.check(CORPUS / case / "expected.txt", result.out)
    expected = _expected(case)
    assert result.err == ""
    valid = expected.splitlines()[-1].startswith("valid: ")
    assert result.code == (0 if valid else 1)


@pytest.mark.parametrize("case", CASES)
def test_golden_positions_point_at_the_faults(case: str) -> None:
    # Independent of the engine: the golden file's positions are the hand-made
    # ones, and each really is where the faulty text starts in the YAML.
    faults = FAULTS[case]
    assert _positions(_expected(case)) == [
        (f"tests/corpus/{case}/{file}", line, column) for file, line, column, _ in faults
    ]
    for file, line, column, text in faults:
        if line is None or column is None:
            continue
        raw = (CORPUS / case / file).read_bytes().removeprefix(b"\xef\xbb\xbf")
        source_line = raw.decode("utf-8", errors="replace").splitlines()[line - 1]
        assert source_line[column - 1 :].startswith(text), (case, file, line, column)


def test_every_case_has_a_golden_file_and_recorded_faults() -> None:
    assert sorted(FAULTS) == CASES
    for case in CASES:
        assert (CORPUS / case / "expected.txt").is_file(), case
        assert any(p.suffix == ".yaml" for p in (CORPUS / case).iterdir()), case


def test_corpus_has_enough_broken_and_warned_cases() -> None:
    last_lines = [_expected(case).splitlines()[-1] for case in CASES]
    invalid = [line for line in last_lines if line.startswith("invalid: ")]
    warned = [line for line in last_lines if line.startswith("valid: ") and "warning" in line]
    assert len(invalid) >= 15
    assert len(warned) >= 2
    assert len(invalid) + len(warned) == len(CASES)


def test_golden_files_use_repo_relative_paths() -> None:
    for case in CASES:
        text = _expected(case)
        assert str(ROOT) not in text, case
        for file, _, _ in _positions(text):
            assert file.startswith(f"tests/corpus/{case}/"), (case, file)
            assert (ROOT / file).is_file(), (case, file)
