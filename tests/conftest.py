"""Shared test helpers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sakipcalc.cli import run

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SEED_SPEC = SPECS / "tanah-laut-dinsos-2022"


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
