"""The README's promises: its embedding example runs and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_embedding_example_prints_what_its_comments_say(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (block,) = _python_blocks()
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    promised = [
        line.split("#", 1)[1].strip() for line in block.splitlines() if line.startswith("print(")
    ]
    assert printed == promised


def test_the_quick_start_has_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, flags=re.S)
    assert commands == [
        "pip install . && sakipcalc evaluate specs/tanah-laut-dinsos-2022 --period 2022",
        'pip install ".[test]" && python -m pytest',
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- quickstart:main -->" in ci and "<!-- quickstart:test -->" in ci
