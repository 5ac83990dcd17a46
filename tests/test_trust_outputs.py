"""Nothing lost: every output file is written whole or not at all, never over an input.

A failed write (a full disk, a quota, a file-size limit) must leave the
previous output untouched and no temporary file behind, and must be reported
in one line naming the path: no traceback, not even the "Exception ignored"
echo a half-written ZIP (XLSX) prints when it is garbage collected. The
file-size limit is set in a child process (RLIMIT_FSIZE; Python ignores the
SIGXFSZ signal, so a write past the limit fails with EFBIG).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TANAH_LAUT_SPEC, run_cli

from sakipcalc._atomic import write_atomically, write_bytes_atomically
from sakipcalc.errors import OutputError

PYTHON_CLI = (sys.executable, "-m", "sakipcalc")
XLSX_TO_DEV_FULL = ("--period", "2022", "--format", "xlsx", "-o", "/dev/full")
OLD = b"the previous, good report\n"
LIMIT = 3000  # bytes: every report of the Tanah Laut spec is larger


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _run_limited(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "sakipcalc", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited,
    )


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (("evaluate", "--period", "2022", "--format", "html"), "report.html"),
        (("evaluate", "--period", "2022", "--format", "csv"), "report.csv"),
        (("evaluate", "--period", "2022", "--format", "xlsx"), "report.xlsx"),
        (("evaluate", "--period", "2022", "--format", "json"), "report.json"),
        (("evaluate", "--period", "2022", "--format", "markdown"), "report.md"),
        (("evaluate", "--period", "2022", "--format", "table"), "report.txt"),
        (("data",), "data.csv"),
        (("data",), "data.xlsx"),
    ],
)
def test_a_write_cut_short_keeps_the_old_file_and_leaves_nothing_behind(
    tmp_path: Path, argv: tuple[str, ...], name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(OLD)
    done = _run_limited(argv[0], str(TANAH_LAUT_SPEC), *argv[1:], "-o", f"out/{name}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert (out / name).read_bytes() == OLD
    assert sorted(p.name for p in out.iterdir()) == [name]
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"sakipcalc: cannot write out/{name}: File too large"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "html", "csv", "json"])
def test_dev_full_is_one_line_naming_the_path(fmt: str) -> None:
    result = run_cli(
        "evaluate", str(TANAH_LAUT_SPEC), "--period", "2022", "--format", fmt, "-o", "/dev/full"
    )
    assert result.code == 2
    assert (
        result.err.splitlines()[-1] == "sakipcalc: cannot write /dev/full: No space left on device"
    )


def test_dev_full_for_xlsx_in_a_real_process_prints_no_traceback() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [*PYTHON_CLI, "evaluate", str(TANAH_LAUT_SPEC), *XLSX_TO_DEV_FULL],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr == "sakipcalc: cannot write /dev/full: No space left on device\n"


def test_a_successful_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(OLD)
    target.chmod(0o640)
    result = run_cli("evaluate", str(TANAH_LAUT_SPEC), "--period", "2022", "--format", "json")
    assert (
        run_cli(
            "evaluate",
            str(TANAH_LAUT_SPEC),
            "--period",
            "2022",
            "--format",
            "json",
            "-o",
            str(target),
        ).code
        == 0
    )
    assert target.read_text(encoding="utf-8") == result.out
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_symlinked_output_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(OLD)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_bytes_atomically(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


def test_a_failing_producer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(OLD)

    def half(path: Path) -> None:
        path.write_bytes(b"PK half a zip")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError) as caught:
        write_atomically(target, half)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_an_output_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_bytes_atomically(tmp_path, b"x")
    assert str(caught.value) == f"cannot write {tmp_path}: it is a directory"


def test_the_producer_writes_a_file_with_the_destination_suffix(tmp_path: Path) -> None:
    seen: list[str] = []
    write_atomically(tmp_path / "a.csv", lambda path: seen.append(path.suffix) or path.touch())
    assert seen == [".csv"]


@pytest.mark.parametrize("name", ["spec.yaml", "org.yaml"])
def test_output_onto_a_spec_file_is_refused(tmp_path: Path, name: str) -> None:
    spec = tmp_path / "spec"
    spec.mkdir()
    for source in TANAH_LAUT_SPEC.iterdir():
        (spec / source.name).write_bytes(source.read_bytes())
    (tmp_path / "standard").mkdir()
    for source in (TANAH_LAUT_SPEC.parent / "standard").iterdir():
        (tmp_path / "standard" / source.name).write_bytes(source.read_bytes())
    before = (spec / name).read_bytes()
    target = str(spec / name)
    result = run_cli("evaluate", str(spec), "--period", "2022", "-o", target)
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        f"sakipcalc: -o {target} would overwrite a spec file of this run; "
        "choose another output file"
    )
    assert (spec / name).read_bytes() == before


def test_output_onto_a_data_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("name,category,period,value\n", encoding="utf-8")
    result = run_cli("data", str(TANAH_LAUT_SPEC), "--data", str(data), "-o", str(data))
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        f"sakipcalc: -o {data} would overwrite a data file of this run; choose another output file"
    )
    assert data.read_text(encoding="utf-8") == "name,category,period,value\n"


@pytest.mark.parametrize("command", ["evaluate", "validate", "check"])
def test_standard_output_on_a_full_disk_is_one_line_naming_it(command: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    extra = ["--period", "2022"] if command == "evaluate" else []
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*PYTHON_CLI, command, str(TANAH_LAUT_SPEC), *extra],
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "sakipcalc: cannot write standard output: No space left on device"
    )
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_new_output_file_gets_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_bytes_atomically(tmp_path / "new.txt", b"x")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640
