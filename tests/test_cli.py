"""The ``sakipcalc`` command: exit codes, output formats, and no tracebacks for bad input."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, TANAH_LAUT_SPEC, CliResult, run_cli

VALID = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
org_units:
  - {id: kadis, name: Dinas Sosial, level: II}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
indicators:
  - id: pct_served
    name: Persentase PMKS tertangani
    unit: "%"
    formula: served / total * 100
    owner: kadis
    targets: {2022: 25}
data:
  "2022": {served: 10, total: 40}
"""

# Two errors and a warning, at positions counted by hand:
#   line 11 col 5:  unknown key 'polarty' (the key)
#   line 16 col 12: unknown org unit 'kadsi' (the value of owner)
#   line 20 col 5:  units differ across the link (the link mapping): a warning
INVALID = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
indicators:
  - id: a
    name: A
    unit: "%"
    targets: {2022: 10}
    polarty: higher_is_better
  - id: b
    name: B
    unit: "%"
  - id: c
    owner: kadsi
    name: C
    unit: dokumen
links:
  - {parent: b, child: c}
"""

ISSUE_LINE = re.compile(
    r"(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning) "
    r"(?P<code>[a-z0-9-]+): (?P<message>.+)"
)


def no_traceback(result: CliResult) -> None:
    assert "Traceback" not in result.err
    assert "Traceback" not in result.out
    assert "internal error" not in result.err


@pytest.fixture
def spec_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding valid/spec.yaml and invalid/spec.yaml."""
    for name, text in (("valid", VALID), ("invalid", INVALID)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "spec.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ----------------------------------------------------------------- validate


def test_validate_valid_spec_exits_0(spec_dir: Path) -> None:
    result = run_cli("validate", "valid")
    assert result.code == 0
    assert result.out == "valid: 1 indicators in 1 files\n"
    assert result.err == ""


def test_validate_invalid_spec_exits_1_in_compiler_format(spec_dir: Path) -> None:
    result = run_cli("validate", "invalid")
    assert result.code == 1
    assert result.err == ""
    assert result.out.splitlines() == [
        "invalid/spec.yaml:11:5: error unknown-key: unknown key 'polarty' "
        "(did you mean 'polarity'?) [indicators[0].polarty]",
        "invalid/spec.yaml:16:12: error unknown-reference: unknown org unit 'kadsi' "
        "(declare it under 'org_units:') [indicators[2].owner]",
        "invalid/spec.yaml:20:5: warning link-unit-mismatch: 'c' (dokumen) supports 'b' (%): "
        "the units differ (check the link; roll-ups across it use achievements, "
        "never raw values) [links[0]]",
        "invalid: 2 errors, 1 warnings",
    ]


def test_every_issue_line_has_the_compiler_shape(spec_dir: Path) -> None:
    lines = run_cli("validate", "invalid").out.splitlines()[:-1]
    assert len(lines) == 3
    for line in lines:
        match = ISSUE_LINE.fullmatch(line)
        assert match is not None, line
        assert match["file"] == "invalid/spec.yaml"


def test_validate_json_has_every_issue(spec_dir: Path) -> None:
    result = run_cli("validate", "invalid", "--format", "json")
    assert result.code == 1
    payload = json.loads(result.out)
    assert payload["valid"] is False
    assert payload["errors"] == 2
    assert payload["warnings"] == 1
    assert [
        (i["code"], i["file"], i["line"], i["column"], i["path"]) for i in payload["issues"]
    ] == [
        ("unknown-key", "invalid/spec.yaml", 11, 5, "indicators[0].polarty"),
        ("unknown-reference", "invalid/spec.yaml", 16, 12, "indicators[2].owner"),
        ("link-unit-mismatch", "invalid/spec.yaml", 20, 5, "links[0]"),
    ]
    first = payload["issues"][0]
    assert first["severity"] == "error"
    assert first["message"] == "unknown key 'polarty'"
    assert first["hint"] == "did you mean 'polarity'?"
    assert payload["issues"][2]["severity"] == "warning"


def test_validate_json_of_a_valid_spec(spec_dir: Path) -> None:
    result = run_cli("validate", "valid", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out) == {"valid": True, "errors": 0, "warnings": 0, "issues": []}


def test_validate_prints_formula_excerpts_under_the_issue(spec_dir: Path) -> None:
    (spec_dir / "valid" / "spec.yaml").write_text(
        VALID.replace("served / total", "served / totl"), encoding="utf-8"
    )
    result = run_cli("validate", "valid")
    assert result.code == 1
    assert result.out.splitlines() == [
        "valid/spec.yaml:15:23: error formula: unknown variable 'totl'; did you mean 'total'? "
        "[indicators[0].formula]",
        "    served / totl * 100",
        "             ^",
        "invalid: 1 errors, 0 warnings",
    ]


def test_validate_missing_path_exits_2(spec_dir: Path) -> None:
    result = run_cli("validate", "nowhere")
    assert result.code == 2
    assert result.out.splitlines() == [
        "nowhere: error io-error: no such file or directory",
        "invalid: 1 errors, 0 warnings",
    ]
    no_traceback(result)


def test_validate_directory_without_yaml_exits_2(spec_dir: Path) -> None:
    (spec_dir / "empty").mkdir()
    (spec_dir / "empty" / "notes.txt").write_text("not a spec", encoding="utf-8")
    result = run_cli("validate", "empty")
    assert result.code == 2
    assert result.out.splitlines()[0] == (
        "empty: error no-spec-files: directory holds no .yaml or .yml files"
    )
    no_traceback(result)


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("validate",),
        ("frobnicate", "x"),
        ("validate", "valid", "--format", "xml"),
        ("evaluate", "valid", "--period"),
    ],
    ids=["nothing", "no-path", "unknown-command", "bad-format", "period-without-value"],
)
def test_usage_errors_exit_2_with_a_message_on_stderr(
    spec_dir: Path, argv: tuple[str, ...]
) -> None:
    result = run_cli(*argv)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("sakipcalc")
    assert "error:" in result.err
    no_traceback(result)


# The smallest valid spec: the usage errors below are found before anything is evaluated.
BARE = """\
sakipcalc: 1
spec: {id: s, name: S, plan: {start: 2019, end: 2023}}
"""


def test_zero_examples_is_a_usage_error(write_spec: Callable[[dict[str, str]], Path]) -> None:
    result = run_cli("test", str(write_spec({"spec.yaml": BARE})), "--examples", "0")
    assert result.code == 2
    assert "must be at least 1" in result.err


def test_a_malformed_period_for_data_is_a_usage_error(
    write_spec: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    directory = write_spec({"spec.yaml": BARE})
    result = run_cli("data", str(directory), "-o", str(tmp_path / "x.csv"), "--period", "garbage")
    assert result.code == 2
    assert not (tmp_path / "x.csv").exists()


def test_version_goes_to_the_injected_stdout(spec_dir: Path) -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.out == "sakipcalc 0.1.0\n"


def test_help_goes_to_the_injected_stdout(spec_dir: Path) -> None:
    result = run_cli("validate", "--help")
    assert result.code == 0
    assert result.out.startswith("usage: sakipcalc validate")


def test_the_tanah_laut_spec_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("validate", str(TANAH_LAUT_SPEC.relative_to(ROOT)))
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1].startswith("valid: ")


# ------------------------------------------------------------------- schema


def test_schema_is_json_describing_spec_files() -> None:
    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["type"] == "object"
    assert "indicators" in schema["properties"]
    assert "Indicator" in schema["$defs"]
    assert set(schema["$defs"]["Indicator"]["required"]) == {"id", "name", "unit"}


# ------------------------------------------------------------ bad input


def test_garbage_file_is_an_error_not_a_traceback(spec_dir: Path) -> None:
    (spec_dir / "garbage").mkdir()
    (spec_dir / "garbage" / "spec.yaml").write_bytes(random.Random(1).randbytes(4096))
    for command in (("validate",), ("evaluate", "--period", "2022"), ("check",)):
        result = run_cli(*command, "garbage")
        assert result.code == 1, command
        no_traceback(result)
        text = result.out + result.err
        assert re.search(r"garbage/spec\.yaml:\d+:\d+: error not-utf8: ", text), text


def test_evaluate_with_a_bad_period_is_an_error_not_a_traceback(spec_dir: Path) -> None:
    result = run_cli("evaluate", "valid", "--period", "2022-Q5")
    assert result.code == 2
    assert result.out == ""
    # refused while the arguments are read, before the spec is even loaded
    assert result.err == (
        "sakipcalc evaluate: error: argument --period: invalid period '2022-Q5': write a "
        "year such as 2022 or a quarter such as 2022-Q3\n"
    )


def test_evaluate_an_invalid_spec_reports_on_stderr(spec_dir: Path) -> None:
    result = run_cli("evaluate", "invalid", "--period", "2022")
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines()[-1] == (
        "sakipcalc: the spec has 2 errors; nothing was evaluated"
    )
    no_traceback(result)


def test_evaluate_a_missing_path_exits_2(spec_dir: Path) -> None:
    result = run_cli("evaluate", "nowhere", "--period", "2022")
    assert result.code == 2
    no_traceback(result)


def test_evaluate_a_valid_spec(spec_dir: Path) -> None:
    result = run_cli("evaluate", "valid", "--period", "2022", "--format", "json")
    assert result.code == 0
    payload = json.loads(result.out)
    [indicator] = payload["indicators"]
    assert indicator["indicator"] == "pct_served"
    # 10 / 40 × 100 = 25, against a target of 25: 100 %.
    assert indicator["realisation"]["rounded"] == "25.00"
    assert indicator["achievement"]["rounded"] == "100.00"


def test_evaluate_writes_to_a_file(spec_dir: Path) -> None:
    result = run_cli(
        "evaluate", "valid", "--period", "2022", "-o", "out.md", "--format", "markdown"
    )
    assert result.code == 0
    assert result.out == ""
    assert "Persentase PMKS tertangani" in (spec_dir / "out.md").read_text(encoding="utf-8")


def test_evaluate_to_an_unwritable_file_is_an_error_not_a_traceback(spec_dir: Path) -> None:
    result = run_cli("evaluate", "valid", "--period", "2022", "-o", "no/such/dir/out.txt")
    assert result.code == 2
    assert result.err.startswith("sakipcalc: ")
    no_traceback(result)


# -------------------------------------------------------------- subprocess


def _python_m(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sakipcalc", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_sakipcalc_help() -> None:
    done = _python_m("--help", cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: sakipcalc")
    for command in ("validate", "schema", "evaluate", "check", "test"):
        assert command in done.stdout
    assert done.stderr == ""


def test_python_m_sakipcalc_on_garbage_has_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_bytes(random.Random(2).randbytes(2048))
    (tmp_path / "empty").mkdir()
    done = _python_m("validate", str(tmp_path / "spec.yaml"), str(tmp_path / "empty"), cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error not-utf8" in done.stdout
    assert "error no-spec-files" in done.stdout
