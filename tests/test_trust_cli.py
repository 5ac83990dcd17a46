"""The command line leaves nothing behind and teaches: help, paths, message caps, escaping.

Also the shipped Tanah Laut spec's documentation, which must not name the
machine it was written on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, TANAH_LAUT_SPEC, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

import sakipcalc
from sakipcalc.errors import (
    MAX_PRINTED_ISSUES,
    ArgumentError,
    Issue,
    IssueReport,
    Location,
    Severity,
)
from sakipcalc.testing import indicator_data

PERSEN_SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
indicators:
  - id: cakupan
    name: Cakupan layanan
    unit: persen
    targets: {2022: 90}
  - id: capaian
    name: Capaian
    unit: Percent
    targets: {2022: 90}
"""


def test_generated_percentages_for_persen_and_percent_units_lie_in_0_to_100(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    spec = sakipcalc.load(write_spec({"spec.yaml": PERSEN_SPEC}))
    strategies = [indicator_data(spec, i, edges=True) for i in ("cakupan", "capaian")]

    @settings(max_examples=60, database=None, deadline=None)
    @given(st.data())
    def in_range(data: st.DataObject) -> None:
        for indicator_id, strategy in zip(("cakupan", "capaian"), strategies, strict=True):
            value = data.draw(strategy).values["2022"][indicator_id]
            assert isinstance(value, Decimal)
            assert Decimal(0) <= value <= Decimal(100)

    in_range()


def test_sakipcalc_test_leaves_no_hypothesis_directory_in_the_spec_folder(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    folder = write_spec({"spec.yaml": PERSEN_SPEC})
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "sakipcalc", "test", ".", "--examples", "5"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["spec.yaml"]


def test_the_tanah_laut_docs_name_no_machine_paths_and_no_missing_inventory() -> None:
    for name in ("README.md", "spec.yaml"):
        text = (TANAH_LAUT_SPEC / name).read_text(encoding="utf-8")
        assert "/work/" not in text and "/home/" not in text, name
        assert "inventory" not in text, name
        assert "000_c2d025b5a3471b09.txt" in text, name


# ---------------------------------------------------------------- help and paths


def test_help_is_for_users_not_a_docstring() -> None:
    result = run_cli("--help")
    assert result.code == 0
    assert result.out.startswith("usage: sakipcalc [-h] [--version]")
    assert "Evaluate SAKIP/LAKIP performance indicators from YAML specs, exactly." in result.out
    assert "exit status: 0 success; 1 the spec, data or figures have problems" in result.out
    assert (
        "``" not in result.out and "run(argv" not in result.out and "injectable" not in result.out
    )


def test_a_fifo_given_as_a_spec_is_called_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("validate", str(fifo))
    assert result.code == 2
    assert result.out == (
        f"{fifo}: error io-error: is a named pipe (FIFO), not a file or directory "
        "(give a spec directory or its .yaml files)\n"
        "invalid: 1 errors, 0 warnings\n"
    )


def test_a_device_given_as_a_spec_is_called_a_device() -> None:
    result = run_cli("evaluate", "/dev/null")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "/dev/null: error io-error: is a character device, not a file or directory "
        "(give a spec directory or its .yaml files)"
    )


def test_a_fifo_given_as_data_is_called_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    result = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", "2022", "--data", str(fifo))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{fifo}: error io-error: is a named pipe (FIFO), not a file (give a regular file)"
    )


# ---------------------------------------------------------------- message cap


def _many_unknown_keys(count: int) -> str:
    keys = "".join(f"  bad_{n}: 1\n" for n in range(count))
    return PERSEN_SPEC.replace(
        "  plan: {start: 2019, end: 2023}\n", "  plan: {start: 2019, end: 2023}\n" + keys
    )


def test_messages_are_capped_with_a_summary_by_severity(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    folder = write_spec({"spec.yaml": _many_unknown_keys(450)})
    result = run_cli("validate", str(folder))
    lines = result.out.splitlines()
    assert len([line for line in lines if " error " in line]) == MAX_PRINTED_ISSUES
    assert lines[-2] == "… and 250 more issues not shown (250 errors)"
    assert lines[-1] == "invalid: 450 errors, 0 warnings"


def test_json_messages_are_capped_and_count_the_rest(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    folder = write_spec({"spec.yaml": _many_unknown_keys(450)})
    payload = json.loads(run_cli("validate", "--format", "json", str(folder)).out)
    assert payload["errors"] == 450
    assert len(payload["issues"]) == MAX_PRINTED_ISSUES
    assert payload["not_shown"] == {"error": 250, "warning": 0}


def test_the_cap_shows_errors_before_warnings() -> None:
    warnings = [
        Issue(Severity.WARNING, "w", f"warning {n}", Location("a.yaml", n + 1)) for n in range(5)
    ]
    error = Issue(Severity.ERROR, "e", "the one error", Location("z.yaml", 1))
    report = IssueReport.of([*warnings, error])
    assert report.format(limit=3) == (
        "a.yaml:1:1: warning w: warning 0\n"
        "a.yaml:2:1: warning w: warning 1\n"
        "z.yaml:1:1: error e: the one error\n"
        "… and 3 more issues not shown (3 warnings)"
    )


# ---------------------------------------------------------------- control characters


def test_control_characters_in_keys_are_escaped_in_messages(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    hostile = PERSEN_SPEC.replace(
        "  plan: {start: 2019, end: 2023}\n",
        '  plan: {start: 2019, end: 2023}\n  "x\\e]0;pwned\\a\\0y": 1\n',
    )
    folder = write_spec({"spec.yaml": hostile})
    result = run_cli("validate", str(folder))
    assert "\x1b" not in result.out and "\x07" not in result.out and "\x00" not in result.out
    assert "x\\x1b]0;pwned\\x07\\x00y" in result.out


def test_control_characters_in_file_names_are_escaped(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b[31m.yaml"
    name.write_text("sakipcalc: 1\nnot_a_section: 1\n", encoding="utf-8")
    result = run_cli("validate", str(name))
    assert "\x1b" not in result.out
    assert "evil\\x1b[31m.yaml" in result.out


def test_control_characters_in_an_output_path_are_escaped(tmp_path: Path) -> None:
    result = run_cli(
        "evaluate",
        str(TANAH_LAUT_SPEC),
        "--period",
        "2022",
        "-o",
        str(tmp_path / "no\x07dir" / "r.txt"),
    )
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        f"sakipcalc: cannot write {tmp_path}/no\\x07dir/r.txt: No such file or directory"
    )


def test_issue_format_escapes_message_hint_path_and_excerpt() -> None:
    issue = Issue(
        Severity.ERROR,
        "code",
        "bad \x1b[2J value",
        Location("f\x07.yaml", 2, 3),
        path="a.\x9bb",
        hint="try \u202eevil",
        excerpt="x \x00 y\n  ^",
    )
    assert issue.format(excerpt=True) == (
        "f\\x07.yaml:2:3: error code: bad \\x1b[2J value (try \\u202eevil) [a.\\x9bb]\n"
        "    x \\x00 y\n"
        "      ^"
    )


# ---------------------------------------------------------------- public API arguments


@pytest.fixture(scope="module")
def seed_spec() -> sakipcalc.Spec:
    return sakipcalc.load(TANAH_LAUT_SPEC)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda spec: sakipcalc.evaluate(spec, period=None),
            "period must be a string such as '2022' or '2022-Q3', not None",
        ),
        (
            lambda spec: sakipcalc.evaluate(spec, period=2022),
            "period must be a string such as '2022' or '2022-Q3', not int 2022; "
            "write it as text: period='2022'",
        ),
        (
            lambda spec: sakipcalc.evaluate("specs/x", period="2022"),
            "spec must be a Spec from sakipcalc.load(), not str 'specs/x'; "
            "load it first: sakipcalc.load('specs/x')",
        ),
        (
            lambda spec: sakipcalc.evaluate(spec, {"2022": {}}, period="2022"),
            "data must be a DataSet or None (the spec's own data), not dict; "
            "wrap it: DataSet({'2022': {...}})",
        ),
        (
            lambda spec: sakipcalc.load(123),
            "paths must be file or directory paths (str or pathlib.Path); path 1 is int 123",
        ),
        (
            lambda spec: sakipcalc.load(["a.yaml", "b.yaml"]),
            "paths must be file or directory paths (str or pathlib.Path); path 1 is list; "
            "give the paths as separate arguments: load(*paths)",
        ),
        (
            lambda spec: sakipcalc.validate(None),
            "paths must be file or directory paths (str or pathlib.Path); path 1 is None",
        ),
        (
            lambda spec: sakipcalc.load_data("specs/x", "data.csv"),
            "spec must be a Spec from sakipcalc.load(), not str 'specs/x'; "
            "load it first: sakipcalc.load('specs/x')",
        ),
        (
            lambda spec: sakipcalc.load_data(spec, 5),
            "paths must be file or directory paths (str or pathlib.Path); path 1 is int 5",
        ),
        (
            lambda spec: sakipcalc.load_data(spec, locale=1),
            "locale must be one of id, en or None, not int 1",
        ),
        (
            lambda spec: sakipcalc.load_data(spec, locale="fr"),
            "locale must be one of id, en or None, not 'fr'",
        ),
    ],
)
def test_wrong_arguments_raise_a_sakip_error_naming_the_argument(
    seed_spec: sakipcalc.Spec, call: Callable[[sakipcalc.Spec], object], message: str
) -> None:
    with pytest.raises(ArgumentError) as caught:
        call(seed_spec)
    assert str(caught.value) == message
    assert isinstance(caught.value, sakipcalc.SakipError)
    assert isinstance(caught.value, TypeError)


def test_json_messages_keep_c1_and_bidi_controls_escaped_and_the_same_value(
    write_spec: Callable[[dict[str, str]], Path],
) -> None:
    hostile = PERSEN_SPEC.replace(
        "  plan: {start: 2019, end: 2023}\n",
        '  plan: {start: 2019, end: 2023}\n  "a\\x9bb\\u202ec": 1\n',
    )
    folder = write_spec({"spec.yaml": hostile})
    out = run_cli("validate", "--format", "json", str(folder)).out
    assert "\x9b" not in out and "\u202e" not in out
    assert "a\\u009bb\\u202ec" in out
    messages = [issue["message"] for issue in json.loads(out)["issues"]]
    assert any("a\x9bb\u202ec" in message for message in messages)
