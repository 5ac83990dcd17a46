"""Shared test helpers, and the golden-file fixture with its ``--update-goldens`` option."""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest

from sakipcalc.cli import run

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GOLDEN = TESTS / "golden"
SPECS = ROOT / "specs"
TANAH_LAUT_SPEC = SPECS / "tanah-laut-dinsos-2022"


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err


def run_cli(*argv: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def write_spec(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write {relative name: text} into a fresh directory and return it."""

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return tmp_path

    return write


# ------------------------------------------------------------------ golden files


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files with the current output instead of comparing "
        "(each rewritten file's test is skipped: review the diff before committing)",
    )


class Golden:
    """Compares output with a golden file, exactly, or rewrites it under ``--update-goldens``.

    Files are compared as UTF-8 bytes, so line endings count (CSV ends lines with
    CRLF, and that is part of the format).
    """

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, name: str | Path, actual: str) -> None:
        """``actual`` equals the golden file ``name``, a path under ``tests/golden``
        (an absolute path is used as it is)."""
        path = GOLDEN / name
        shown = path.relative_to(ROOT).as_posix()
        expected = path.read_bytes().decode("utf-8") if path.exists() else None
        if expected == actual:
            return
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            pytest.skip(f"rewrote {shown}: review the diff before committing it")
        if expected is None:
            pytest.fail(f"{shown} is missing: run pytest --update-goldens and review it")
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                shown,
                "actual",
            )
        )
        pytest.fail(
            f"output differs from {shown} (pytest --update-goldens rewrites it):\n{diff}",
            pytrace=False,
        )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))
